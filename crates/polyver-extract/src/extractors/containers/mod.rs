//! Containers: Dockerfiles, Compose files, Kubernetes manifests, Helm charts and Skaffold
//! configurations.

pub mod compose;
pub mod dockerfile;
pub mod helm;
pub mod kubernetes;
pub mod skaffold;
