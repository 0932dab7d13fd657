//! One rewriter per file format, like the extractors: adding a format is one module here
//! and one entry in [`REWRITERS`].

use polyver_model::Format;

use crate::rewrite::Rewriter;

pub mod compose;
pub mod dockerfile;
pub mod github_actions;
pub mod gitlab_ci;
pub mod helm;
pub(crate) mod image_ref;
pub mod kubernetes;
pub mod terraform;
pub mod version_files;
pub(crate) mod written;
pub(crate) mod yaml_pos;

/// Every rewriter. A format with no entry here is reported as "cannot rewrite yet".
pub static REWRITERS: &[&dyn Rewriter] = &[
    &dockerfile::DockerfileRewriter,
    &compose::ComposeRewriter,
    &kubernetes::KubernetesRewriter,
    &helm::HelmRewriter,
    &github_actions::GithubActionsRewriter,
    &gitlab_ci::GitlabCiRewriter,
    &terraform::TerraformRewriter,
    &version_files::VersionFileRewriter,
];

/// The rewriter for a format, if there is one.
pub fn rewriter_for(format: Format) -> Option<&'static dyn Rewriter> {
    REWRITERS
        .iter()
        .copied()
        .find(|r| r.formats().contains(&format))
}
