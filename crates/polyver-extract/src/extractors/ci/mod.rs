//! CI/CD: GitHub Actions workflows and GitLab CI files.

mod expression;
pub mod github_actions;
pub mod gitlab_ci;
