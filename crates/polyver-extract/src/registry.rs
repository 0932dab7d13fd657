//! The list of extractors. Adding a format = one module under `extractors/` + one line here.

use crate::extractors::{
    bun_lock, compose, dockerfile, github_actions, gitlab_ci, package_json, package_lock, pdm_lock,
    pipfile, pipfile_lock, pnpm_lock, poetry_lock, pyproject, requirements, setup_cfg, uv_lock,
    version_files, yarn_lock,
};
use crate::Extractor;

/// Every extractor, in a fixed order.
pub fn extractors() -> Vec<Box<dyn Extractor>> {
    vec![
        Box::new(requirements::RequirementsExtractor),
        Box::new(pyproject::PyprojectExtractor),
        Box::new(setup_cfg::SetupCfgExtractor),
        Box::new(pipfile::PipfileExtractor),
        Box::new(pipfile_lock::PipfileLockExtractor),
        Box::new(poetry_lock::PoetryLockExtractor),
        Box::new(uv_lock::UvLockExtractor),
        Box::new(pdm_lock::PdmLockExtractor),
        Box::new(package_json::PackageJsonExtractor),
        Box::new(package_lock::PackageLockExtractor),
        Box::new(yarn_lock::YarnLockExtractor),
        Box::new(pnpm_lock::PnpmLockExtractor),
        Box::new(bun_lock::BunLockExtractor),
        Box::new(dockerfile::DockerfileExtractor),
        Box::new(compose::ComposeExtractor),
        Box::new(version_files::VersionFileExtractor),
        Box::new(github_actions::GithubActionsExtractor),
        Box::new(gitlab_ci::GitlabCiExtractor),
    ]
}
