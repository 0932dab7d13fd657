//! The registry: which extractor reads each [`Format`].
//!
//! The formats themselves (id, ecosystem, role, which manifest a lock resolves) are data in
//! `polyver_model::format`; this file maps each one to its parser. The `match` is exhaustive,
//! so a format added there does not compile until it has an extractor here. Adding a format
//! = one module in its family folder under `extractors/`, its fixtures, one line in the format
//! table and one arm
//! below (README, "Adding a format").

use crate::extractors::{
    bun_lock, cargo_lock, cargo_toml, compose, composer_json, composer_lock, conan_lock, deps_json,
    dockerfile, gemfile, gemfile_lock, github_actions, gitlab_ci, go_mod, go_sum, gradle,
    gradle_catalog, gradle_lockfile, gradle_wrapper, helm, julia_manifest, kubernetes, migrations,
    msbuild, nuget_lock, openapi, package_json, package_lock, package_resolved, paket_lock,
    pdm_lock, pipfile, pipfile_lock, pnpm_lock, podfile_lock, poetry_lock, pom, pubspec_lock,
    pulumi, pylock, pyproject, renv_lock, requirements, sbom, setup_cfg, stack_lock, terraform,
    uv_lock, version_files, yarn_lock,
};
// The formats of issue 14 (coverage, part 2), kept on their own lines for merges.
use crate::extractors::{cloud_build, conda_environment, jsonnetfile, mix_exs, mix_lock, skaffold};
use crate::Extractor;
use polyver_model::Format;

/// The extractor of one format.
pub fn extractor(format: Format) -> &'static dyn Extractor {
    match format {
        Format::Requirements | Format::RequirementsLock => &requirements::RequirementsExtractor,
        Format::Pyproject => &pyproject::PyprojectExtractor,
        Format::SetupCfg => &setup_cfg::SetupCfgExtractor,
        Format::Pipfile => &pipfile::PipfileExtractor,
        Format::PipfileLock => &pipfile_lock::PipfileLockExtractor,
        Format::PoetryLock => &poetry_lock::PoetryLockExtractor,
        Format::UvLock => &uv_lock::UvLockExtractor,
        Format::PdmLock => &pdm_lock::PdmLockExtractor,
        Format::Pylock => &pylock::PylockExtractor,
        Format::PackageJson => &package_json::PackageJsonExtractor,
        Format::PackageLock => &package_lock::PackageLockExtractor,
        Format::YarnLock => &yarn_lock::YarnLockExtractor,
        Format::PnpmLock => &pnpm_lock::PnpmLockExtractor,
        Format::BunLock => &bun_lock::BunLockExtractor,
        Format::Dockerfile => &dockerfile::DockerfileExtractor,
        Format::Compose => &compose::ComposeExtractor,
        Format::VersionFile => &version_files::VersionFileExtractor,
        Format::Gemfile => &gemfile::GemfileExtractor,
        Format::GemfileLock => &gemfile_lock::GemfileLockExtractor,
        Format::ComposerJson => &composer_json::ComposerJsonExtractor,
        Format::ComposerLock => &composer_lock::ComposerLockExtractor,
        Format::Msbuild => &msbuild::MsbuildExtractor,
        Format::NugetLock => &nuget_lock::NugetLockExtractor,
        Format::PaketLock => &paket_lock::PaketLockExtractor,
        Format::DepsJson => &deps_json::DepsJsonExtractor,
        Format::CargoToml => &cargo_toml::CargoTomlExtractor,
        Format::CargoLock => &cargo_lock::CargoLockExtractor,
        Format::GoMod => &go_mod::GoModExtractor,
        Format::GoSum => &go_sum::GoSumExtractor,
        Format::Pom => &pom::PomExtractor,
        Format::Gradle => &gradle::GradleExtractor,
        Format::GradleCatalog => &gradle_catalog::GradleCatalogExtractor,
        Format::GradleLockfile => &gradle_lockfile::GradleLockfileExtractor,
        Format::JuliaManifest => &julia_manifest::JuliaManifestExtractor,
        Format::StackLock => &stack_lock::StackLockExtractor,
        Format::PubspecLock => &pubspec_lock::PubspecLockExtractor,
        Format::PackageResolved => &package_resolved::PackageResolvedExtractor,
        Format::PodfileLock => &podfile_lock::PodfileLockExtractor,
        Format::ConanLock => &conan_lock::ConanLockExtractor,
        Format::RenvLock => &renv_lock::RenvLockExtractor,
        Format::GradleWrapper => &gradle_wrapper::GradleWrapperExtractor,
        Format::GithubActions => &github_actions::GithubActionsExtractor,
        Format::GitlabCi => &gitlab_ci::GitlabCiExtractor,
        Format::Kubernetes => &kubernetes::KubernetesExtractor,
        Format::Helm => &helm::HelmExtractor,
        Format::Terraform => &terraform::TerraformExtractor,
        Format::Pulumi => &pulumi::PulumiExtractor,
        Format::Openapi => &openapi::OpenapiExtractor,
        Format::Migrations => &migrations::MigrationsExtractor,
        Format::MixExs => &mix_exs::MixExsExtractor,
        Format::MixLock => &mix_lock::MixLockExtractor,
        Format::CondaEnvironment => &conda_environment::CondaEnvironmentExtractor,
        Format::CloudBuild => &cloud_build::CloudBuildExtractor,
        Format::Skaffold => &skaffold::SkaffoldExtractor,
        Format::Jsonnetfile => &jsonnetfile::JsonnetfileExtractor,
        Format::JsonnetfileLock => &jsonnetfile::JsonnetfileLockExtractor,
        Format::Sbom => &sbom::SbomExtractor,
    }
}

/// Every extractor, in the format table's order, each once (a format another extractor
/// also writes is not a second extractor).
pub fn extractors() -> Vec<&'static dyn Extractor> {
    Format::ALL
        .iter()
        .map(|f| (*f, extractor(*f)))
        .filter(|(f, x)| x.format() == *f)
        .map(|(_, x)| x)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_format_has_the_extractor_that_writes_it() {
        for f in Format::ALL {
            let x = extractor(*f);
            assert!(x.format() == *f || x.also_writes().contains(f), "{f}");
        }
        assert_eq!(
            extractors().len(),
            Format::ALL.len() - 1,
            "requirements-lock shares its extractor"
        );
    }
}
