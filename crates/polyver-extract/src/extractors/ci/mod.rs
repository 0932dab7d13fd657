//! CI/CD: GitHub Actions workflows, GitLab CI files and Google Cloud Build configurations.

pub mod cloud_build;
mod expression;
pub mod github_actions;
pub mod gitlab_ci;
