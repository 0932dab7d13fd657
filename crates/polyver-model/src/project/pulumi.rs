//! Pulumi projects. Pulumi's providers are ordinary packages of the program's language, so
//! the npm/PyPI/Go extractors find them as `package`s (`module`s for Go); what makes one a
//! provider is the `Pulumi.yaml` in its directory, a cross-file fact. The walk calls
//! [`mark_pulumi_providers`] on the raw findings (before identical findings merge, so a
//! package found both in a Pulumi directory and elsewhere stays a package elsewhere), and
//! [`Project::of`](super::Project::of) lists the projects from the finished inventory.

use super::dir_of;
use crate::{normalize_pypi_name, Component, Ecosystem, Format, Kind, Role};
use std::collections::{BTreeMap, BTreeSet};

/// A directory holding a `Pulumi.yaml`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PulumiProject {
    /// The directory (`""` at the root).
    pub dir: String,
    /// Indices into `Inventory::components` of the providers its manifests and locks name.
    pub providers: Vec<usize>,
}

/// Whether a component comes from a manifest or lock file of a language Pulumi programs are
/// written in (npm, PyPI, Go): where a program's providers are declared.
fn is_program_source(source: Format) -> bool {
    matches!(
        source.info().ecosystem,
        Some(Ecosystem::Npm | Ecosystem::Pypi | Ecosystem::Go)
    ) && matches!(source.role(), Role::Manifest | Role::Lock | Role::Checksums)
}

/// Directories holding a `Pulumi.yaml` (a component of the `pulumi` format located there).
fn project_dirs(components: &[Component]) -> BTreeSet<&str> {
    components
        .iter()
        .filter(|c| c.source == Format::Pulumi)
        .flat_map(|c| c.locations.iter().map(|l| dir_of(&l.path)))
        .collect()
}

/// Marks as kind `provider`, in every directory holding a `Pulumi.yaml`, each package or
/// module found in that same directory's manifests and locks (not in subdirectories, not
/// through a `-r ../x.txt` include located elsewhere) whose name is a provider's (see
/// [`is_pulumi_provider`]).
pub fn mark_pulumi_providers(components: &mut [Component]) {
    let projects: BTreeSet<String> = project_dirs(components)
        .into_iter()
        .map(str::to_string)
        .collect();
    if projects.is_empty() {
        return;
    }
    for c in components.iter_mut() {
        if matches!(c.kind, Kind::Package | Kind::Module)
            && is_program_source(c.source)
            && c.locations
                .iter()
                .any(|l| projects.contains(dir_of(&l.path)))
            && is_pulumi_provider(c.ecosystem, &c.name)
        {
            c.kind = Kind::Provider;
        }
    }
}

/// The Pulumi projects of a finished inventory, sorted by directory.
pub(crate) fn projects(components: &[Component]) -> Vec<PulumiProject> {
    let mut projects: BTreeMap<&str, Vec<usize>> = project_dirs(components)
        .into_iter()
        .map(|d| (d, Vec::new()))
        .collect();
    if projects.is_empty() {
        return Vec::new();
    }
    for (i, c) in components.iter().enumerate() {
        if c.kind != Kind::Provider || !is_program_source(c.source) {
            continue;
        }
        for loc in &c.locations {
            if let Some(p) = projects.get_mut(dir_of(&loc.path)) {
                if p.last() != Some(&i) {
                    p.push(i);
                }
            }
        }
    }
    projects
        .into_iter()
        .map(|(dir, providers)| PulumiProject {
            dir: dir.to_string(),
            providers,
        })
        .collect()
}

/// Whether a package is a Pulumi provider SDK: npm `@pulumi/*` except the engine SDK
/// `@pulumi/pulumi`; PyPI `pulumi-*` (any PEP 503 spelling) except `pulumi`; Go
/// `github.com/pulumi/pulumi-<name>/sdk` (any major version suffix).
pub fn is_pulumi_provider(ecosystem: Ecosystem, name: &str) -> bool {
    match ecosystem {
        Ecosystem::Npm => name
            .strip_prefix("@pulumi/")
            .is_some_and(|n| !n.is_empty() && n != "pulumi"),
        Ecosystem::Pypi => normalize_pypi_name(name)
            .strip_prefix("pulumi-")
            .is_some_and(|n| !n.is_empty()),
        Ecosystem::Go => name
            .strip_prefix("github.com/pulumi/pulumi-")
            .and_then(|rest| rest.split_once('/'))
            .is_some_and(|(provider, path)| {
                !provider.is_empty() && (path == "sdk" || path.starts_with("sdk/"))
            }),
        _ => false,
    }
}
