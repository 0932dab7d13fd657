//! `polyver push [PATH] --server URL --token T`: scan like `polyver scan` (or read a saved
//! `polyver scan --format json` with `--from FILE`), then POST the scan — the same record
//! `scan` stores locally — to `URL/api/v1/scans` as gzip-compressed `polyver.push/v1` JSON.
//! When the local registry (`--db`, else the default file if it exists) holds `polyver
//! outdated` rows for this very scan (its latest scan of the repository, at the same commit
//! with the same components), they go along in the document's `outdated`. The scan's
//! compatibility matrix goes in `compatibility`, as `scan` stores it.
//!
//! Each push is named by a scan id (a UUID) sent in the body and as `Idempotency-Key`, so
//! the retries after a timeout, a reset connection, a 429 or a 5xx (exponential backoff,
//! `Retry-After` honoured) can never store the scan twice. Stdout gets the server's id of the
//! stored scan (what `history` and `diff` take); stderr says what happened.
//!
//! Exit codes: 0 stored (or already stored by an earlier attempt); 2 bad input (path, file,
//! scan id, server URL) or a refusal by the server (401 token, 403 scope or repository, 4xx
//! document); 3 the server cannot be reached, timed out (408), or answered 5xx after the
//! retries.

use crate::args::{Format, GlobalArgs, PushArgs};
use crate::output::{escaped, Output};
use crate::progress::{self, Shown};
use crate::CliError;
use polyver_engine::registry;
use polyver_model::Inventory;
use polyver_report::render::token as render;
use polyver_store::{ScanMeta, ScanUpload};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// A push's whole-request timeout: the server writes the scan before it answers.
const PUSH_TIMEOUT: Duration = Duration::from_secs(120);

pub fn run(args: &PushArgs, global: &GlobalArgs, out: &mut Output) -> anyhow::Result<ExitCode> {
    let endpoint = endpoint(&args.server)?;
    let token = args.token.trim();
    if !polyver_store::tokens::looks_like_token(token) {
        return Err(CliError::input(
            "--token / POLYVER_TOKEN is not a polyver token (pvt_ and 43 characters)",
            Some("create one on the server's database: polyver token create --scope push".into()),
        )
        .into());
    }
    let given_id = args
        .scan_id
        .as_deref()
        .map(polyver_store::parse_scan_id)
        .transpose()
        .map_err(|e| CliError::input(format!("--scan-id: {e}"), None))?;
    let Prepared {
        meta,
        inventory,
        findings,
        compatibility,
        derived_id,
    } = match &args.from {
        Some(file) => from_file(args, global, file)?,
        None => scanned(args, global)?,
    };
    let scan_id = match (given_id, derived_id) {
        (Some(id), _) | (None, Some(id)) => id,
        (None, None) => polyver_store::random_scan_id()?,
    };
    let repository = meta.repository.clone();
    // `polyver outdated`'s rows go along when the local registry holds them for this scan.
    let root = meta
        .root
        .as_deref()
        .map_or_else(|| PathBuf::from("."), PathBuf::from);
    let local = registry::local_outdated(global.db.as_deref(), &root, &meta, &inventory);
    let mut upload = ScanUpload::new(scan_id.clone(), &meta, inventory, findings);
    upload.compatibility = compatibility;
    let mut outdated_from = None;
    if let Some((local_scan, rows)) = local {
        outdated_from = Some(local_scan);
        upload.outdated = rows;
    }
    let outdated_rows = upload.outdated.len();
    let body = gzip(&serde_json::to_vec(&upload)?)?;

    let client = polyver_net::Client::new(polyver_net::Options {
        retries: args.retries,
        ca_certs: global.ca_cert.clone(),
        ..polyver_net::Options::default()
    })?;
    let mut request = polyver_net::Post::json(&endpoint, body);
    request.content_encoding = Some("gzip".into());
    request.authorization = Some(format!("Bearer {token}"));
    request.headers = vec![("Idempotency-Key".into(), format!("\"{scan_id}\""))];
    request.timeout = Some(PUSH_TIMEOUT);
    let answer = client.post(&request).map_err(|e| {
        CliError::environment(
            format!("cannot push the scan: {e}"),
            Some(
                "check that the server runs and the URL is right (polyver serve prints \
                 `listening on ...`); a later push with --scan-id "
                    .to_string()
                    + &scan_id
                    + " is stored at most once",
            ),
        )
    })?;
    let answer_json: serde_json::Value =
        serde_json::from_slice(&answer.body).unwrap_or(serde_json::Value::Null);
    if !answer.is_success() {
        return Err(refusal(answer.status, &answer_json, &args.server, &scan_id).into());
    }
    let (Some(id), Some(created)) = (answer_json["id"].as_i64(), answer_json["created"].as_bool())
    else {
        return Err(CliError::environment(
            format!(
                "{} answered HTTP {} without a scan id: is it a polyver server?",
                args.server, answer.status
            ),
            Some("--server takes the base URL of `polyver serve`".into()),
        )
        .into());
    };
    if global.format == Format::Json {
        out.json(&render::push_json(
            &args.server,
            id,
            &scan_id,
            &repository,
            created,
            outdated_rows,
        ))?;
    } else {
        if !global.quiet {
            eprint!(
                "{}",
                render::pushed_line(&args.server, id, &repository, created)
            );
            if let Some(local_scan) = outdated_from {
                eprintln!(
                    "with {} of local scan {local_scan}",
                    if outdated_rows == 1 {
                        "1 outdated row".to_string()
                    } else {
                        format!("{outdated_rows} outdated rows")
                    }
                );
            }
        }
        out.write(&format!("{id}\n"))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `URL/api/v1/scans` for `--server URL` (a base URL, possibly with a path prefix).
fn endpoint(server: &str) -> Result<String, CliError> {
    let base = server.trim().trim_end_matches('/');
    let rest = base
        .strip_prefix("http://")
        .or_else(|| base.strip_prefix("https://"));
    match rest {
        Some(host) if !host.is_empty() && !host.starts_with('/') => {
            Ok(format!("{base}/api/v1/scans"))
        }
        _ => Err(CliError::input(
            format!("--server `{server}` is not an http(s) URL"),
            Some("give the base URL of `polyver serve`, e.g. https://polyver.internal".into()),
        )),
    }
}

fn gzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes)?;
    encoder.finish()
}

/// The error for a server's refusal: its own message and hint, exit 2 for 4xx, 3 for 5xx.
fn refusal(status: u16, answer: &serde_json::Value, server: &str, scan_id: &str) -> CliError {
    let said = answer["error"]
        .as_str()
        .map_or_else(String::new, |m| format!(": {}", escaped(m)));
    let message = format!("{server} refused the push (HTTP {status}){said}");
    let hint = answer["hint"].as_str().map(escaped);
    match status {
        401 => CliError::input(
            message,
            hint.or(Some("check --token / POLYVER_TOKEN".into())),
        ),
        // The server gave up on writing the scan in time: its side, like a 5xx.
        408 => CliError::environment(
            message,
            Some(format!(
                "the server's request timeout ran out while it wrote the scan (nothing of it \
                 was kept); push again with --scan-id {scan_id}"
            )),
        ),
        400..=499 => CliError::input(message, hint),
        _ => CliError::environment(
            message,
            Some(format!(
                "{}; pushing again with --scan-id {scan_id} stores the scan at most once",
                hint.unwrap_or_else(|| "the server failed; see its log".into())
            )),
        ),
    }
}

/// What a push sends: the scan's record, its compatibility matrix, and the scan id the
/// input decides (a `--from` file's), if any.
struct Prepared {
    meta: ScanMeta,
    inventory: Inventory,
    findings: Vec<polyver_model::Finding>,
    compatibility: Vec<polyver_store::StoredCompat>,
    derived_id: Option<String>,
}

/// The engine's settings for `root`, with push's walk flags.
fn settings(
    args: &PushArgs,
    global: &GlobalArgs,
    root: &Path,
) -> anyhow::Result<polyver_engine::Settings> {
    let mut overrides = super::overrides(global);
    overrides.include = args.include.clone();
    overrides.exclude = args.exclude.clone();
    // What a pushed scan records comes from the database audit reads, as for `scan`.
    overrides.osv_db = std::env::var_os("POLYVER_OSV_DB")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from);
    Ok(polyver_engine::Settings::resolve(root, &overrides)?)
}

/// What `polyver scan` of `root` would record, for `inventory` (which may gain a diagnostic
/// about an unreadable policy file).
fn record_of(
    args: &PushArgs,
    global: &GlobalArgs,
    settings: &polyver_engine::Settings,
    root: &Path,
    mut inventory: Inventory,
    started_at: i64,
) -> Prepared {
    let before = inventory.diagnostics.clone();
    let policy =
        polyver_engine::conflicts::policy_or_diagnostic(&settings.config, root, &mut inventory);
    if before.len() != inventory.diagnostics.len() && !before.is_empty() {
        // A saved scan may hold this diagnostic already.
        let mut seen = std::collections::BTreeSet::new();
        inventory.diagnostics.retain(|d| seen.insert(d.clone()));
    }
    let analyses =
        polyver_engine::findings_to_record(&settings.config, &policy, &inventory, &settings.osv_db);
    super::warn(global, &analyses.warnings);
    let recording = registry::Recording {
        db: None,
        root,
        repository: args.repo.as_deref(),
        inventory: &inventory,
        analysis: &analyses.findings,
        compatibility: &analyses.compatibility,
        started_at,
    };
    let (meta, findings) = registry::what_to_record(&recording);
    Prepared {
        meta,
        inventory,
        findings,
        compatibility: analyses.compatibility,
        derived_id: None,
    }
}

fn scanned(args: &PushArgs, global: &GlobalArgs) -> anyhow::Result<Prepared> {
    let root = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let started_at = registry::now_ms();
    let settings = settings(args, global, &root)?;
    let extractors = polyver_extract::registry::extractors();
    let inventory = progress::scan(
        global,
        &root,
        &settings.scan,
        &extractors,
        "a directory, and globs like `legacy/**` or `*.lock`",
        Shown::Problems,
    )?;
    Ok(record_of(
        args, global, &settings, &root, inventory, started_at,
    ))
}

/// A saved `polyver scan --format json`: recorded as a scan of its root when that directory
/// is here (its git commit, its polyver.toml), else of the current directory. Its scan id
/// comes from the file and the repository: pushing the file again is a retry.
fn from_file(args: &PushArgs, global: &GlobalArgs, file: &Path) -> anyhow::Result<Prepared> {
    let bad = |message: String| {
        CliError::input(
            format!("--from {}: {message}", file.display()),
            Some("give a file written by `polyver scan --format json -o FILE`".into()),
        )
    };
    let text = std::fs::read(file).map_err(|e| bad(e.to_string()))?;
    let inventory: Inventory = serde_json::from_slice(&text)
        .map_err(|e| bad(format!("not a polyver scan document: {e}")))?;
    if inventory.schema != polyver_model::SCAN_SCHEMA {
        return Err(bad(format!(
            "its schema is `{}`, not {}",
            inventory.schema,
            polyver_model::SCAN_SCHEMA
        ))
        .into());
    }
    let saved_root = PathBuf::from(&inventory.root);
    let root = if saved_root.is_dir() {
        saved_root
    } else {
        PathBuf::from(".")
    };
    let started_at = std::fs::metadata(file)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or_else(registry::now_ms, |d| d.as_millis() as i64);
    let settings = settings(args, global, &root)?;
    let mut prepared = record_of(args, global, &settings, &root, inventory, started_at);
    prepared.derived_id = Some(polyver_store::derived_scan_id(&[
        prepared.meta.repository.as_bytes(),
        &text,
    ]));
    Ok(prepared)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_endpoint_is_under_the_base_url() {
        assert_eq!(
            endpoint("https://polyver.internal/").unwrap(),
            "https://polyver.internal/api/v1/scans"
        );
        assert_eq!(
            endpoint("http://127.0.0.1:8080/registry").unwrap(),
            "http://127.0.0.1:8080/registry/api/v1/scans"
        );
        for bad in ["polyver.internal", "ftp://x", "http://", "https:///x"] {
            assert!(endpoint(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn refusals_say_what_the_server_said() {
        let body = serde_json::json!({"error": "token 3 (ci) was revoked", "hint": "create one"});
        let e = refusal(401, &body, "http://s", "u");
        assert_eq!(e.code, 2);
        assert_eq!(
            e.message,
            "http://s refused the push (HTTP 401): token 3 (ci) was revoked"
        );
        assert_eq!(e.hint.as_deref(), Some("create one"));
        let e = refusal(503, &serde_json::Value::Null, "http://s", "u-1");
        assert_eq!(e.code, 3);
        assert!(e.hint.unwrap().contains("--scan-id u-1"));
    }
}
