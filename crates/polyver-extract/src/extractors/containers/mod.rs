//! Containers: Dockerfiles, Compose files, Kubernetes manifests and Helm charts.

pub mod compose;
pub mod dockerfile;
pub mod helm;
pub mod kubernetes;
