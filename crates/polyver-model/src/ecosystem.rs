//! [`Ecosystem`]: whose naming, versioning and registry rules apply to a component, with
//! its stable ids (serialized in `polyver.scan/v1`, so never renamed).

use serde::{Deserialize, Serialize};
use std::fmt;

/// A component's ecosystem: whose naming, versioning and registry rules apply.
///
/// Distinct from `polyver_version::Ecosystem`, which names version *schemes*; see
/// [`Ecosystem::version_scheme`] for the mapping.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Ecosystem {
    Pypi,
    Npm,
    Cargo,
    Go,
    Maven,
    Rubygems,
    Composer,
    Nuget,
    Docker,
    Helm,
    Terraform,
    GithubActions,
    GitlabCi,
    Alembic,
    Flyway,
    /// OpenAPI / Swagger documents (`api` components named by `info.title`).
    Openapi,
    Liquibase,
    GolangMigrate,
    Sqlx,
    Django,
    Prisma,
    Rails,
    /// Dart and Flutter packages (pub.dev; `pubspec.lock`).
    Pub,
    /// Swift Package Manager packages, named by their repository URL (`Package.resolved`).
    Swift,
    /// CocoaPods pods (`Podfile.lock`).
    Cocoapods,
    /// Conan C/C++ packages (`conan.lock`).
    Conan,
    /// R packages from CRAN and its mirrors (`renv.lock`).
    Cran,
    /// Julia packages (`Manifest.toml`).
    Julia,
    /// Haskell packages from Hackage (`stack.yaml.lock`).
    Hackage,
    /// Erlang and Elixir packages from hex.pm (`mix.exs`, `mix.lock`).
    Hex,
    /// conda packages (`environment.yml`).
    Conda,
    /// Debian packages pinned in images (`apt-get install curl=7.88.1-10`).
    Deb,
    /// Alpine packages pinned in images (`apk add curl=8.5.0-r0`).
    Apk,
    /// Anything without a registry of its own: runtimes and tools named by version files.
    Generic,
}

impl Ecosystem {
    /// Every ecosystem, in declaration order.
    pub const ALL: [Ecosystem; 34] = [
        Ecosystem::Pypi,
        Ecosystem::Npm,
        Ecosystem::Cargo,
        Ecosystem::Go,
        Ecosystem::Maven,
        Ecosystem::Rubygems,
        Ecosystem::Composer,
        Ecosystem::Nuget,
        Ecosystem::Docker,
        Ecosystem::Helm,
        Ecosystem::Terraform,
        Ecosystem::GithubActions,
        Ecosystem::GitlabCi,
        Ecosystem::Alembic,
        Ecosystem::Flyway,
        Ecosystem::Openapi,
        Ecosystem::Liquibase,
        Ecosystem::GolangMigrate,
        Ecosystem::Sqlx,
        Ecosystem::Django,
        Ecosystem::Prisma,
        Ecosystem::Rails,
        Ecosystem::Pub,
        Ecosystem::Swift,
        Ecosystem::Cocoapods,
        Ecosystem::Conan,
        Ecosystem::Cran,
        Ecosystem::Julia,
        Ecosystem::Hackage,
        Ecosystem::Hex,
        Ecosystem::Conda,
        Ecosystem::Deb,
        Ecosystem::Apk,
        Ecosystem::Generic,
    ];

    /// The ecosystem whose [`Ecosystem::id`] is `id`.
    pub fn from_id(id: &str) -> Option<Ecosystem> {
        Self::ALL.into_iter().find(|e| e.id() == id)
    }

    /// The stable id used in JSON and on the command line (`pypi`, `github-actions`, ...).
    pub fn id(self) -> &'static str {
        match self {
            Ecosystem::Pypi => "pypi",
            Ecosystem::Npm => "npm",
            Ecosystem::Cargo => "cargo",
            Ecosystem::Go => "go",
            Ecosystem::Maven => "maven",
            Ecosystem::Rubygems => "rubygems",
            Ecosystem::Composer => "composer",
            Ecosystem::Nuget => "nuget",
            Ecosystem::Docker => "docker",
            Ecosystem::Helm => "helm",
            Ecosystem::Terraform => "terraform",
            Ecosystem::GithubActions => "github-actions",
            Ecosystem::GitlabCi => "gitlab-ci",
            Ecosystem::Alembic => "alembic",
            Ecosystem::Flyway => "flyway",
            Ecosystem::Openapi => "openapi",
            Ecosystem::Liquibase => "liquibase",
            Ecosystem::GolangMigrate => "golang-migrate",
            Ecosystem::Sqlx => "sqlx",
            Ecosystem::Django => "django",
            Ecosystem::Prisma => "prisma",
            Ecosystem::Rails => "rails",
            Ecosystem::Pub => "pub",
            Ecosystem::Swift => "swift",
            Ecosystem::Cocoapods => "cocoapods",
            Ecosystem::Conan => "conan",
            Ecosystem::Cran => "cran",
            Ecosystem::Julia => "julia",
            Ecosystem::Hackage => "hackage",
            Ecosystem::Hex => "hex",
            Ecosystem::Conda => "conda",
            Ecosystem::Deb => "deb",
            Ecosystem::Apk => "apk",
            Ecosystem::Generic => "generic",
        }
    }

    /// Whether this ecosystem is a schema-migration framework (components of kind
    /// `migration`; see `polyver-migrations`).
    pub fn is_migration_framework(self) -> bool {
        matches!(
            self,
            Ecosystem::Alembic
                | Ecosystem::Flyway
                | Ecosystem::Liquibase
                | Ecosystem::GolangMigrate
                | Ecosystem::Sqlx
                | Ecosystem::Django
                | Ecosystem::Prisma
                | Ecosystem::Rails
        )
    }

    /// The version scheme of a component of this ecosystem called `name`, when polyver's
    /// version engine has one. Generic runtimes are mapped by name (python follows PEP 440,
    /// node follows npm's semver).
    pub fn version_scheme(self, name: &str) -> Option<polyver_version::Ecosystem> {
        use polyver_version::Ecosystem as V;
        match self {
            Ecosystem::Pypi => Some(V::Pypi),
            Ecosystem::Npm => Some(V::Npm),
            Ecosystem::Cargo => Some(V::Cargo),
            Ecosystem::Go => Some(V::Go),
            Ecosystem::Maven => Some(V::Maven),
            Ecosystem::Rubygems => Some(V::Rubygems),
            Ecosystem::Nuget => Some(V::Nuget),
            Ecosystem::Docker => Some(V::Docker),
            // SemVer 2.0 with the usual pre-release rules: pub_semver, SwiftPM, Elixir's
            // `Version` and Julia's `VersionNumber` all order like this. CocoaPods, Conan,
            // CRAN (`1.2-3`), Hackage (PVP, any number of parts), conda and Alpine's apk have
            // schemes of their own the engine does not implement: opaque.
            Ecosystem::Pub | Ecosystem::Swift | Ecosystem::Hex | Ecosystem::Julia => {
                Some(V::Semver)
            }
            Ecosystem::Deb => Some(V::Debian),
            Ecosystem::Generic => match name {
                "python" => Some(V::Pypi),
                "node" => Some(V::Npm),
                _ => None,
            },
            _ => None,
        }
    }
}

impl fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}
