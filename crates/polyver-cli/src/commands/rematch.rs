//! Re-matching as the commands run it: `db sync --rematch` and `db import --rematch` once,
//! `serve --rematch-every` on a schedule. The work is `polyver-rematch`'s; this module
//! finds the registry, reads the webhooks' keys from the environment, and turns each failure
//! into what the user should do.

use crate::args::GlobalArgs;
use crate::CliError;
use polyver_engine::registry;
use polyver_rematch::{DeliveryPolicy, RematchError, RematchOptions, RematchReport};
use std::path::Path;
use std::sync::Arc;

/// The registry to re-match: `--db`, else POLYVER_DATABASE_URL, else `[server]
/// database-url`, else the default file here, which must exist (re-matching never creates an
/// empty registry).
pub fn registry_url(
    global: &GlobalArgs,
    config: &polyver_config::Config,
) -> anyhow::Result<String> {
    let given = global
        .db
        .clone()
        .or_else(|| {
            std::env::var("POLYVER_DATABASE_URL")
                .ok()
                .filter(|v| !v.is_empty())
        })
        .or_else(|| config.server.database_url.clone());
    if let Some(url) = given {
        return Ok(url);
    }
    let path = registry::default_db_path(Path::new("."));
    if !path.is_file() {
        return Err(CliError::input(
            format!("--rematch: no registry at {}", path.display()),
            Some(
                "name the registry with --db URL (or POLYVER_DATABASE_URL, or [server] \
                 database-url in polyver.toml), or run `polyver scan` here first"
                    .to_string(),
            ),
        )
        .into());
    }
    Ok(registry::url(None, Path::new(".")).0)
}

/// The matcher's settings (`[[audit.ignore]]`), the `[[server.webhook]]`s with their keys
/// from the environment, and the delivery policy (with `--ca-cert`).
pub fn options(
    global: &GlobalArgs,
    config: &polyver_config::Config,
) -> anyhow::Result<RematchOptions> {
    let webhooks =
        polyver_rematch::webhook::targets(&config.server.webhooks, |name| std::env::var(name).ok())
            .map_err(|e| error(e, ""))?;
    let policy = DeliveryPolicy {
        ca_certs: global.ca_cert.clone(),
        ..DeliveryPolicy::default()
    };
    policy.check().map_err(|e| error(e, ""))?;
    Ok(RematchOptions {
        audit: polyver_engine::audit::audit_options(config),
        webhooks,
        policy,
    })
}

/// A re-match failure with what to do next.
pub fn error(e: RematchError, url: &str) -> anyhow::Error {
    match e {
        RematchError::Store(e) => registry::store_error(e, url).into(),
        RematchError::Database(e) => polyver_engine::audit::database_error(e).into(),
        e @ RematchError::MissingSecret { .. } => CliError::environment(
            e.to_string(),
            Some(
                "export the key in that variable (the receiver checks X-Polyver-Signature \
                 with the same key); nothing was re-matched"
                    .to_string(),
            ),
        )
        .into(),
        e => CliError::environment(e.to_string(), None).into(),
    }
}

/// One re-match of the registry against the database in `osv_dir`; returns the report and
/// the registry's URL without its password.
pub fn once(
    global: &GlobalArgs,
    config: &polyver_config::Config,
    osv_dir: &Path,
) -> anyhow::Result<(RematchReport, String)> {
    let url = registry_url(global, config)?;
    let options = options(global, config)?;
    let db = Arc::new(polyver_engine::audit::open(osv_dir)?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let report = runtime.block_on(async {
        let store = polyver_store::AsyncStore::open(&url)
            .await
            .map_err(|e| registry::store_error(e, &url))?;
        let result =
            polyver_rematch::rematch(&store, db, &options, &polyver_rematch::Stop::never()).await;
        store.close().await;
        result.map_err(|e| error(e, &url))
    })?;
    Ok((report, polyver_store::redact(&url)))
}

/// After the report is printed: its warnings on stderr, and exit 3 when a webhook post
/// was given up.
pub fn finish(global: &GlobalArgs, report: &RematchReport) -> anyhow::Result<()> {
    super::warn(global, &report.warnings);
    let failed: Vec<String> = report
        .failed()
        .map(|d| {
            format!(
                "{} ({}): {}",
                d.webhook,
                d.finding,
                d.error.as_deref().unwrap_or("failed")
            )
        })
        .collect();
    if failed.is_empty() {
        return Ok(());
    }
    Err(CliError::environment(
        format!(
            "{} webhook post{} failed and will not be retried: {}",
            failed.len(),
            if failed.len() == 1 { "" } else { "s" },
            failed.join("; ")
        ),
        Some(
            "check the [[server.webhook]] URL in polyver.toml and the receiver; the findings \
             stay recorded as known"
                .to_string(),
        ),
    )
    .into())
}
