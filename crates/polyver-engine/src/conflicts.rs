//! The conflicts policy: `[approved]` and `[[compat]]` from polyver.toml merged with the seed's
//! YAML mirrors (`.versions.yaml`, `.compatibility-matrix.yaml`) beside it; polyver.toml wins.

use crate::{EngineError, Settings};
use polyver_analyze::Policy;
use std::path::Path;

/// The policy of a run. Settings inside the scanned tree are shown relative to it, like
/// every other location.
pub fn policy(settings: &Settings) -> Result<Policy, EngineError> {
    Ok(policy_for(&settings.config, &settings.root)?)
}

/// [`policy`] from a polyver.toml already read, for a scan of `root`, with the mirrors'
/// error as it is (a storing `scan` makes it a diagnostic instead of stopping).
pub fn policy_for(
    config: &polyver_config::Config,
    root: &Path,
) -> Result<Policy, polyver_config::ConfigError> {
    let mirror_dir = config
        .path
        .as_deref()
        .and_then(Path::parent)
        .map_or_else(|| root.to_path_buf(), Path::to_path_buf);
    let (approved, compat) = polyver_config::mirror::load(&mirror_dir)?;
    let mut rules = config.compat.clone();
    rules.extend(compat);
    let mut policy = Policy {
        approved: polyver_config::approved::merge_approved(config.approved.clone(), approved),
        compat: rules,
    };
    let base = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let relative = |o: &mut polyver_config::Origin| {
        let full = o.path.canonicalize().unwrap_or_else(|_| o.path.clone());
        if let Ok(rel) = full.strip_prefix(&base) {
            o.path = rel.to_path_buf();
        }
    };
    for a in &mut policy.approved {
        relative(&mut a.origin);
    }
    for r in &mut policy.compat {
        relative(&mut r.origin);
        r.when
            .iter_mut()
            .chain(r.require.iter_mut())
            .for_each(|a| relative(&mut a.origin));
    }
    Ok(policy)
}

/// [`policy_for`] for a scan that must go on: an unreadable mirror becomes an error
/// diagnostic of `inventory` (with its file:line, relative to `root`) and the default policy.
pub fn policy_or_diagnostic(
    config: &polyver_config::Config,
    root: &Path,
    inventory: &mut polyver_model::Inventory,
) -> Policy {
    policy_for(config, root).unwrap_or_else(|e| {
        let base = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let full = e.path.canonicalize().unwrap_or_else(|_| e.path.clone());
        let path = full.strip_prefix(&base).unwrap_or(&full);
        let mut d = polyver_model::Diagnostic::error(
            polyver_model::DiagnosticCode::InvalidValue,
            path.to_string_lossy().replace('\\', "/"),
            e.line,
            format!("{}; the policy analyses are recorded without it", e.message),
        );
        if e.column > 0 {
            d = d.with_column(e.column);
        }
        d.source_line = e.source_line;
        inventory.diagnostics.push(d);
        inventory.diagnostics.sort();
        Policy::default()
    })
}
