//! One rewriter per file format, like the extractors: adding a format is one module here
//! and one entry in [`REWRITERS`].

use polyver_model::Format;

use crate::rewrite::Rewriter;

mod cargo_toml;
mod composer_json;
mod gemfile;
mod go_mod;
mod gradle;
mod gradle_catalog;
mod msbuild;
mod package_json;
mod pipfile;
mod pom;
mod pyproject;
mod requirements;
mod setup_cfg;
mod toml_spans;

/// Every rewriter. A format with no entry here is reported as "cannot rewrite yet".
pub static REWRITERS: &[&dyn Rewriter] = &[
    &requirements::RequirementsRewriter,
    &pyproject::PyprojectRewriter,
    &pipfile::PipfileRewriter,
    &setup_cfg::SetupCfgRewriter,
    &package_json::PackageJsonRewriter,
    &cargo_toml::CargoTomlRewriter,
    &go_mod::GoModRewriter,
    &pom::PomRewriter,
    &gradle::GradleRewriter,
    &gradle_catalog::GradleCatalogRewriter,
    &gemfile::GemfileRewriter,
    &composer_json::ComposerJsonRewriter,
    &msbuild::MsbuildRewriter,
];

/// The rewriter for a format, if there is one.
pub fn rewriter_for(format: Format) -> Option<&'static dyn Rewriter> {
    REWRITERS
        .iter()
        .copied()
        .find(|r| r.formats().contains(&format))
}
