//! The upstream registries of a run (`[registries]` over the public defaults, one HTTP client
//! with `--offline` and `--ca-cert` applied), and `outdated` on a scanned inventory.

use crate::{EngineError, Settings};
use polyver_model::Inventory;
use polyver_upstream::outdated::{self, Options, Progress, Report};
use polyver_upstream::Upstream;
use std::sync::Arc;

/// The registries this run may ask.
pub fn upstream(
    settings: &Settings,
    max_age: std::time::Duration,
) -> Result<Upstream, EngineError> {
    let client = polyver_net::Client::new(settings.net_options()).map_err(|e| {
        EngineError::environment(
            format!("cannot set up the HTTP client: {e}"),
            Some("check --ca-cert / POLYVER_CA_CERT".into()),
        )
    })?;
    Upstream::with_max_age(Arc::new(client), &settings.config.registries, max_age).map_err(
        |message| {
            EngineError::input(
                message,
                Some(
                    "export the variable, or remove the credentials from polyver.toml [registries]"
                        .into(),
                ),
            )
        },
    )
}

/// Where each component of `inventory` stands against its registry, now.
pub fn outdated(
    settings: &Settings,
    inventory: &Inventory,
    options: &Options,
    progress: Progress<'_>,
) -> Result<Report, EngineError> {
    let upstream = upstream(settings, options.max_age)?;
    Ok(outdated::outdated(
        inventory,
        &upstream,
        options,
        now()?,
        progress,
    ))
}

/// The time "days behind" is counted to: now, or `POLYVER_NOW` (RFC 3339) when set, so that
/// reports and tests can be reproduced on another day.
pub fn now() -> Result<polyver_upstream::Timestamp, EngineError> {
    match std::env::var("POLYVER_NOW") {
        Ok(text) if !text.is_empty() => text.parse().map_err(|e| {
            EngineError::input(
                format!("POLYVER_NOW={text} is not an RFC 3339 time: {e}"),
                Some("write it like 2026-01-31T00:00:00Z, or unset it".into()),
            )
        }),
        _ => Ok(polyver_upstream::Timestamp::now()),
    }
}

/// `report`'s rows as the registry keeps them with a scan, checked at `checked_at` (Unix
/// seconds). A retracted release counts as yanked.
pub fn stored_rows(report: &Report, checked_at: i64) -> Vec<polyver_store::StoredOutdated> {
    report
        .rows
        .iter()
        .map(|row| polyver_store::StoredOutdated {
            ecosystem: row.ecosystem.id().to_string(),
            name: row.name.clone(),
            path: row.path.clone(),
            line: row.line,
            current: row.current.clone(),
            latest: row.latest.clone(),
            bump: row.bump.map(|b| b.as_str().to_string()),
            majors_behind: row.majors_behind,
            minors_behind: row.minors_behind,
            patches_behind: row.patches_behind,
            days_behind: row.days_behind,
            yanked: row.yanked.is_some() || row.retracted.is_some(),
            deprecated: row.deprecated.is_some(),
            checked_at,
            status: Some(match row.status {
                outdated::Status::UpToDate => polyver_store::OutdatedStatus::UpToDate,
                outdated::Status::Outdated => polyver_store::OutdatedStatus::Outdated,
                outdated::Status::Unknown => polyver_store::OutdatedStatus::Unknown,
            }),
        })
        .collect()
}
