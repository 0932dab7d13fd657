//! The file formats polyver reads, as data: one line of [`formats!`] per format, giving its
//! stable id, the ecosystem it belongs to, its [`Role`] and, for a lock file, the manifests it
//! resolves.
//!
//! Why here and not as strings in each crate: graph, conflicts, audit, licences and reports
//! all need to know "is this component from a lock file?" or "which manifest does this lock
//! resolve?". Before, each crate kept its own list of extractor ids; the lists disagreed and
//! forgetting one was silent. Now a component carries a [`Format`] (serialized as its id, so
//! the `polyver.scan/v1` JSON is unchanged), and every question is answered by the table
//! below. `polyver-extract`'s registry maps each format to its extractor with an exhaustive
//! `match`, so a new line here does not compile until its extractor exists.

use crate::Ecosystem;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// What a file format is for: the question every cross-file analysis asks first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Declares what a project needs (constraints as written): package.json, pyproject.toml.
    Manifest,
    /// Records what an installation resolved (exact versions, hashes, edges): package-lock.json.
    Lock,
    /// Checksums of every module version a build may use, not one resolution (go.sum).
    Checksums,
    /// Names container images: Dockerfile `FROM`, compose, Kubernetes, Helm.
    ImageSource,
    /// Pins a runtime or tool version: .nvmrc, .python-version, .tool-versions.
    RuntimePin,
    /// CI/CD pipelines: actions, job images, setup-* versions.
    Ci,
    /// Infrastructure as code: providers, modules, required versions.
    Infrastructure,
    /// A schema-migration chain.
    MigrationChain,
    /// An API description (OpenAPI/Swagger).
    ApiSpec,
}

impl Role {
    pub fn id(self) -> &'static str {
        match self {
            Role::Manifest => "manifest",
            Role::Lock => "lock",
            Role::Checksums => "checksums",
            Role::ImageSource => "image-source",
            Role::RuntimePin => "runtime-pin",
            Role::Ci => "ci",
            Role::Infrastructure => "infrastructure",
            Role::MigrationChain => "migration-chain",
            Role::ApiSpec => "api-spec",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// The facts about one format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FormatInfo {
    /// Stable id, written into each component's `source`.
    pub id: &'static str,
    /// The ecosystem of what it declares; `None` when it spans several (version files,
    /// migrations, CI files name components of many ecosystems).
    pub ecosystem: Option<Ecosystem>,
    pub role: Role,
    /// For a lock: the manifest formats, in the same directory, whose constraints it resolves.
    pub resolves: &'static [Format],
    /// The file names it reads, for people (`polyver scan --list-formats`, the README).
    pub files: &'static str,
}

macro_rules! formats {
    ($( $variant:ident => $id:literal, $eco:expr, $role:ident, [$($resolves:ident),*], $files:literal; )*) => {
        /// One file format polyver reads. Serialized as its [`FormatInfo::id`] and ordered by
        /// it, so inventories sort as they did when the source was a string.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Format {
            $( $variant, )*
        }

        impl Format {
            /// Every format, in registry order.
            pub const ALL: &'static [Format] = &[$( Format::$variant, )*];

            /// The facts about this format.
            pub const fn info(self) -> &'static FormatInfo {
                match self {
                    $( Format::$variant => &FormatInfo {
                        id: $id,
                        ecosystem: $eco,
                        role: Role::$role,
                        resolves: &[$( Format::$resolves ),*],
                        files: $files,
                    }, )*
                }
            }
        }
    };
}

formats! {
    Requirements => "requirements", Some(Ecosystem::Pypi), Manifest, [], "requirements*.txt, *.in, constraints*.txt";
    // Written by the requirements extractor for a file pip-compile or `uv pip compile` wrote
    // (its header, or `# via` lines): same file names, read by content.
    RequirementsLock => "requirements-lock", Some(Ecosystem::Pypi), Lock, [Requirements], "requirements*.txt compiled by pip-compile or uv pip compile (header or # via lines)";
    Pyproject => "pyproject", Some(Ecosystem::Pypi), Manifest, [], "pyproject.toml";
    SetupCfg => "setup-cfg", Some(Ecosystem::Pypi), Manifest, [], "setup.cfg";
    Pipfile => "pipfile", Some(Ecosystem::Pypi), Manifest, [], "Pipfile";
    PipfileLock => "pipfile-lock", Some(Ecosystem::Pypi), Lock, [Pipfile], "Pipfile.lock";
    PoetryLock => "poetry-lock", Some(Ecosystem::Pypi), Lock, [Pyproject], "poetry.lock";
    UvLock => "uv-lock", Some(Ecosystem::Pypi), Lock, [Pyproject], "uv.lock";
    PdmLock => "pdm-lock", Some(Ecosystem::Pypi), Lock, [Pyproject], "pdm.lock";
    Pylock => "pylock", Some(Ecosystem::Pypi), Lock, [Pyproject], "pylock.toml, pylock.*.toml (PEP 751)";
    PackageJson => "package-json", Some(Ecosystem::Npm), Manifest, [], "package.json";
    PackageLock => "package-lock", Some(Ecosystem::Npm), Lock, [PackageJson], "package-lock.json, npm-shrinkwrap.json";
    YarnLock => "yarn-lock", Some(Ecosystem::Npm), Lock, [PackageJson], "yarn.lock";
    PnpmLock => "pnpm-lock", Some(Ecosystem::Npm), Lock, [PackageJson], "pnpm-lock.yaml";
    BunLock => "bun-lock", Some(Ecosystem::Npm), Lock, [PackageJson], "bun.lock";
    Dockerfile => "dockerfile", Some(Ecosystem::Docker), ImageSource, [], "Dockerfile, Containerfile, *.dockerfile";
    Compose => "compose", Some(Ecosystem::Docker), ImageSource, [], "compose.yaml, docker-compose*.yml";
    VersionFile => "version-file", None, RuntimePin, [], ".python-version, .nvmrc, .node-version, .tool-versions, rust-toolchain(.toml), .ruby-version, mise.toml";
    Gemfile => "gemfile", Some(Ecosystem::Rubygems), Manifest, [], "Gemfile, gems.rb";
    GemfileLock => "gemfile-lock", Some(Ecosystem::Rubygems), Lock, [Gemfile], "Gemfile.lock, gems.locked";
    ComposerJson => "composer-json", Some(Ecosystem::Composer), Manifest, [], "composer.json";
    ComposerLock => "composer-lock", Some(Ecosystem::Composer), Lock, [ComposerJson], "composer.lock";
    Msbuild => "msbuild", Some(Ecosystem::Nuget), Manifest, [], "*.csproj, *.fsproj, *.vbproj, Directory.Packages.props, packages.config";
    // Resolves `msbuild` in truth; not declared yet because the lock-vs-manifest rule has not
    // been checked on NuGet's range syntax (a successor's note).
    NugetLock => "nuget-lock", Some(Ecosystem::Nuget), Lock, [], "packages.lock.json";
    PaketLock => "paket-lock", Some(Ecosystem::Nuget), Lock, [], "paket.lock";
    DepsJson => "deps-json", Some(Ecosystem::Nuget), Lock, [], "*.deps.json (.NET runtime dependency manifest)";
    CargoToml => "cargo-toml", Some(Ecosystem::Cargo), Manifest, [], "Cargo.toml";
    CargoLock => "cargo-lock", Some(Ecosystem::Cargo), Lock, [CargoToml], "Cargo.lock";
    GoMod => "go-mod", Some(Ecosystem::Go), Manifest, [], "go.mod";
    GoSum => "go-sum", Some(Ecosystem::Go), Checksums, [], "go.sum";
    Pom => "pom", Some(Ecosystem::Maven), Manifest, [], "pom.xml";
    Gradle => "gradle", Some(Ecosystem::Maven), Manifest, [], "build.gradle, build.gradle.kts, settings.gradle(.kts)";
    GradleCatalog => "gradle-catalog", Some(Ecosystem::Maven), Manifest, [], "gradle/libs.versions.toml, *.versions.toml";
    GradleLockfile => "gradle-lockfile", Some(Ecosystem::Maven), Lock, [], "gradle.lockfile, gradle/dependency-locks/*.lockfile";
    JuliaManifest => "julia-manifest", Some(Ecosystem::Julia), Lock, [], "Manifest.toml, JuliaManifest.toml, Manifest-v*.toml (Julia's, told by content)";
    StackLock => "stack-lock", Some(Ecosystem::Hackage), Lock, [], "stack.yaml.lock";
    PubspecLock => "pubspec-lock", Some(Ecosystem::Pub), Lock, [], "pubspec.lock";
    PackageResolved => "package-resolved", Some(Ecosystem::Swift), Lock, [], "Package.resolved (SwiftPM, versions 1-3)";
    PodfileLock => "podfile-lock", Some(Ecosystem::Cocoapods), Lock, [], "Podfile.lock";
    ConanLock => "conan-lock", Some(Ecosystem::Conan), Lock, [], "conan.lock (Conan 1 graph lock, Conan 2 lock)";
    RenvLock => "renv-lock", Some(Ecosystem::Cran), Lock, [], "renv.lock";
    GradleWrapper => "gradle-wrapper", Some(Ecosystem::Generic), RuntimePin, [], "gradle/wrapper/gradle-wrapper.properties";
    GithubActions => "github-actions", Some(Ecosystem::GithubActions), Ci, [], ".github/workflows/*.yml, action.yml";
    GitlabCi => "gitlab-ci", Some(Ecosystem::GitlabCi), Ci, [], ".gitlab-ci.yml and its local includes";
    Kubernetes => "kubernetes", Some(Ecosystem::Docker), ImageSource, [], "Kubernetes manifests (*.yaml with apiVersion and kind)";
    Helm => "helm", Some(Ecosystem::Helm), ImageSource, [], "Chart.yaml, Chart.lock, requirements.yaml, values*.yaml";
    Terraform => "terraform", Some(Ecosystem::Terraform), Infrastructure, [], "*.tf, .terraform.lock.hcl";
    Pulumi => "pulumi", None, Infrastructure, [], "Pulumi.yaml";
    Openapi => "openapi", Some(Ecosystem::Openapi), ApiSpec, [], "OpenAPI 3.x / Swagger 2.0 documents (YAML or JSON)";
    Migrations => "migrations", None, MigrationChain, [], "Alembic, Flyway, Liquibase, golang-migrate, sqlx, Django, Prisma, Rails migrations";
    MixExs => "mix-exs", Some(Ecosystem::Hex), Manifest, [], "mix.exs";
    MixLock => "mix-lock", Some(Ecosystem::Hex), Lock, [MixExs], "mix.lock";
    CondaEnvironment => "conda-environment", Some(Ecosystem::Conda), Manifest, [], "environment.yml, environment.yaml, environment-*.yml (conda: with dependencies:)";
    CloudBuild => "cloud-build", Some(Ecosystem::Docker), Ci, [], "cloudbuild.yaml, cloudbuild.yml, cloudbuild.json, cloudbuild-*.yaml";
    Skaffold => "skaffold", None, ImageSource, [], "skaffold.yaml, skaffold-*.yaml (apiVersion skaffold/...)";
    Jsonnetfile => "jsonnetfile", Some(Ecosystem::Generic), Manifest, [], "jsonnetfile.json (jsonnet-bundler)";
    JsonnetfileLock => "jsonnetfile-lock", Some(Ecosystem::Generic), Lock, [Jsonnetfile], "jsonnetfile.lock.json";
    Sbom => "sbom", None, Lock, [], "CycloneDX / SPDX JSON, when named on the command line (never found by a tree walk)";
}

impl Format {
    /// The stable id (`package-lock`).
    pub fn id(self) -> &'static str {
        self.info().id
    }

    pub fn role(self) -> Role {
        self.info().role
    }

    /// The format whose id is `id`.
    pub fn from_id(id: &str) -> Option<Format> {
        Format::ALL.iter().copied().find(|f| f.id() == id)
    }

    /// A lock file: its entries are what an installation resolved.
    pub fn is_lock(self) -> bool {
        self.role() == Role::Lock
    }

    /// A manifest that some lock format resolves (a lock beside it is its truth).
    pub fn is_locked_manifest(self) -> bool {
        Format::ALL
            .iter()
            .any(|l| l.info().resolves.contains(&self))
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl Ord for Format {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.id().cmp(other.id())
    }
}

impl PartialOrd for Format {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Serialize for Format {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl<'de> Deserialize<'de> for Format {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Format, D::Error> {
        let id = std::borrow::Cow::<'de, str>::deserialize(d)?;
        Format::from_id(&id).ok_or_else(|| {
            serde::de::Error::custom(format!("unknown file format `{id}` (polyver too old?)"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_and_round_trip() {
        let mut seen = HashSet::new();
        for f in Format::ALL {
            assert!(seen.insert(f.id()), "duplicate format id {}", f.id());
            assert_eq!(Format::from_id(f.id()), Some(*f));
            let json = serde_json::to_string(f).unwrap();
            assert_eq!(json, format!("\"{}\"", f.id()));
            assert_eq!(serde_json::from_str::<Format>(&json).unwrap(), *f);
        }
    }

    #[test]
    fn locks_resolve_manifests_only() {
        for f in Format::ALL {
            for m in f.info().resolves {
                assert!(f.is_lock(), "{f} resolves {m} but is not a lock");
                assert_eq!(m.role(), Role::Manifest, "{f} resolves {m}");
                assert_eq!(m.info().ecosystem, f.info().ecosystem, "{f} resolves {m}");
            }
        }
    }
}
