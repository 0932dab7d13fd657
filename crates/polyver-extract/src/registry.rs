//! The list of extractors. Adding a format = one module under `extractors/` + one line here.

use crate::extractors::{
    bun_lock, cargo_lock, cargo_toml, compose, composer_json, composer_lock, dockerfile, gemfile,
    gemfile_lock, github_actions, gitlab_ci, go_mod, go_sum, gradle, gradle_catalog,
    gradle_lockfile, helm, kubernetes, migrations, msbuild, nuget_lock, openapi, package_json,
    package_lock, pdm_lock, pipfile, pipfile_lock, pnpm_lock, poetry_lock, pom, pulumi, pyproject,
    requirements, setup_cfg, terraform, uv_lock, version_files, yarn_lock,
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
        Box::new(gemfile::GemfileExtractor),
        Box::new(gemfile_lock::GemfileLockExtractor),
        Box::new(composer_json::ComposerJsonExtractor),
        Box::new(composer_lock::ComposerLockExtractor),
        Box::new(msbuild::MsbuildExtractor),
        Box::new(nuget_lock::NugetLockExtractor),
        Box::new(cargo_toml::CargoTomlExtractor),
        Box::new(cargo_lock::CargoLockExtractor),
        Box::new(go_mod::GoModExtractor),
        Box::new(go_sum::GoSumExtractor),
        Box::new(pom::PomExtractor),
        Box::new(gradle::GradleExtractor),
        Box::new(gradle_catalog::GradleCatalogExtractor),
        Box::new(gradle_lockfile::GradleLockfileExtractor),
        Box::new(github_actions::GithubActionsExtractor),
        Box::new(gitlab_ci::GitlabCiExtractor),
        Box::new(kubernetes::KubernetesExtractor),
        Box::new(helm::HelmExtractor),
        Box::new(terraform::TerraformExtractor),
        Box::new(pulumi::PulumiExtractor),
        Box::new(openapi::OpenapiExtractor),
        Box::new(migrations::MigrationsExtractor),
    ]
}
