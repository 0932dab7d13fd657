//! CI/CD: GitHub Actions workflows and GitLab CI files.

pub mod github_actions;
pub mod gitlab_ci;
