//! The registry schema, as versioned migrations that `Store::open` applies (sqlx's migrator:
//! a `_sqlx_migrations` table with checksums, and on PostgreSQL an advisory lock, so many
//! server replicas starting at once apply each migration exactly once).
//!
//! One schema for both backends: the SQL is written once and only the auto-increment key is
//! spelled per backend. Every integer is BIGINT (bound as i64 everywhere, which both drivers
//! accept without casts); timestamps are Unix milliseconds; JSON is TEXT, so SQLite and
//! PostgreSQL store the same bytes. Components and findings keep their full JSON in `data`:
//! a field added to the model later (a licence, a hash) is stored before any column exists.
//! Rows below a scan are keyed by (scan_id, ordinal) rather than by generated ids, so a
//! scan's thousands of rows go in as a few multi-row INSERTs with no round trip per row.
//!
//! Migration 2 adds the server's API tokens (only a SHA-256 hash of each is kept, see
//! [`crate::tokens`]) and, on scans, the client's scan id of a pushed scan (unique: a retried
//! push finds the scan it already stored) and the token that pushed it. Migration 5 adds
//! `polyver outdated`'s rows per scan (see [`crate::outdated`]); migration 6 the
//! compatibility matrix of a scan (see [`crate::compat`]) and each outdated row's status.

use crate::Backend;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use std::borrow::Cow;

/// (version, description, SQL). Never edit a released entry: add one.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "registry",
        r#"
CREATE TABLE repositories (
    id {id},
    name TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    latest_scan_id BIGINT
);
CREATE INDEX repositories_by_latest_scan ON repositories (latest_scan_id);

CREATE TABLE scans (
    id {id},
    repository_id BIGINT NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    commit_sha TEXT,
    branch TEXT,
    started_at BIGINT NOT NULL,
    finished_at BIGINT NOT NULL,
    tool_version TEXT NOT NULL,
    root TEXT NOT NULL,
    inventory_schema TEXT NOT NULL,
    stats TEXT NOT NULL,
    components BIGINT NOT NULL,
    direct_components BIGINT NOT NULL,
    findings_info BIGINT NOT NULL,
    findings_low BIGINT NOT NULL,
    findings_medium BIGINT NOT NULL,
    findings_high BIGINT NOT NULL,
    findings_critical BIGINT NOT NULL
);
CREATE INDEX scans_by_repository ON scans (repository_id, id);
CREATE INDEX scans_by_commit ON scans (repository_id, commit_sha);

CREATE TABLE components (
    scan_id BIGINT NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    ordinal BIGINT NOT NULL,
    kind TEXT NOT NULL,
    ecosystem TEXT NOT NULL,
    name TEXT NOT NULL,
    version TEXT,
    constraint_raw TEXT,
    scope TEXT NOT NULL,
    direct BIGINT NOT NULL,
    purl TEXT NOT NULL,
    integrity TEXT,
    source TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (scan_id, ordinal)
);
CREATE INDEX components_by_package ON components (ecosystem, name, scan_id);

CREATE TABLE locations (
    scan_id BIGINT NOT NULL,
    component BIGINT NOT NULL,
    ordinal BIGINT NOT NULL,
    path TEXT NOT NULL,
    line BIGINT NOT NULL,
    col BIGINT,
    PRIMARY KEY (scan_id, component, ordinal),
    FOREIGN KEY (scan_id, component) REFERENCES components (scan_id, ordinal) ON DELETE CASCADE
);

CREATE TABLE dependencies (
    scan_id BIGINT NOT NULL,
    component BIGINT NOT NULL,
    ordinal BIGINT NOT NULL,
    name TEXT NOT NULL,
    version TEXT,
    PRIMARY KEY (scan_id, component, ordinal),
    FOREIGN KEY (scan_id, component) REFERENCES components (scan_id, ordinal) ON DELETE CASCADE
);
CREATE INDEX dependencies_by_name ON dependencies (name);

CREATE TABLE findings (
    scan_id BIGINT NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    ordinal BIGINT NOT NULL,
    kind TEXT NOT NULL,
    rule TEXT NOT NULL,
    severity TEXT NOT NULL,
    title TEXT NOT NULL,
    ecosystem TEXT,
    name TEXT,
    version TEXT,
    path TEXT,
    line BIGINT,
    data TEXT NOT NULL,
    PRIMARY KEY (scan_id, ordinal)
);
CREATE INDEX findings_by_rule ON findings (rule);
"#,
    ),
    (
        2,
        "tokens and pushed scans",
        r#"
CREATE TABLE tokens (
    id {id},
    name TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    scope TEXT NOT NULL,
    repo_pattern TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    revoked_at BIGINT,
    last_used_at BIGINT
);

ALTER TABLE scans ADD COLUMN client_scan_id TEXT;
ALTER TABLE scans ADD COLUMN pushed_by_token BIGINT;
CREATE UNIQUE INDEX scans_by_client_scan_id ON scans (client_scan_id);
"#,
    ),
    (
        3,
        "known findings and webhook deliveries",
        r#"
CREATE TABLE known_findings (
    id {id},
    repository_id BIGINT NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    advisory_id TEXT NOT NULL,
    component TEXT NOT NULL,
    aliases TEXT NOT NULL,
    scan_id BIGINT NOT NULL,
    severity TEXT NOT NULL,
    first_seen_at BIGINT NOT NULL,
    data TEXT NOT NULL,
    UNIQUE (repository_id, advisory_id, component)
);

CREATE TABLE webhook_deliveries (
    id {id},
    finding_id BIGINT NOT NULL REFERENCES known_findings (id) ON DELETE CASCADE,
    webhook_key TEXT NOT NULL,
    webhook TEXT NOT NULL,
    kind TEXT NOT NULL,
    delivery_id TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    next_attempt_at BIGINT,
    http_status BIGINT,
    error TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (finding_id, webhook_key)
);
CREATE INDEX webhook_deliveries_by_status ON webhook_deliveries (status, webhook_key);
"#,
    ),
    (
        4,
        "search index",
        // The search across repositories ("which repositories use pypi:requests <2.31")
        // walks the repositories by name and probes, for each one's latest scan, the
        // components of one package: with the ordinal in the index those come out in the
        // order the API pages them, and a page stops reading once it is full. It replaces
        // migration 1's (ecosystem, name, scan_id), of which it is an extension.
        r#"
CREATE INDEX components_by_package_in_order ON components (ecosystem, name, scan_id, ordinal);
DROP INDEX components_by_package;
"#,
    ),
    (
        5,
        "outdated results",
        // `polyver outdated`'s rows per scan (see `crate::outdated`). Keyed like the other
        // rows below a scan; `checked_at` is in Unix SECONDS (when the registry was asked),
        // unlike the scans' millisecond times. Flags are 0/1 BIGINTs, as `direct` is.
        r#"
CREATE TABLE outdated (
    scan_id BIGINT NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    ordinal BIGINT NOT NULL,
    ecosystem TEXT NOT NULL,
    name TEXT NOT NULL,
    path TEXT NOT NULL,
    line BIGINT NOT NULL,
    current_version TEXT,
    latest_version TEXT,
    bump TEXT,
    majors_behind BIGINT NOT NULL,
    minors_behind BIGINT NOT NULL,
    patches_behind BIGINT NOT NULL,
    days_behind BIGINT,
    yanked BIGINT NOT NULL,
    deprecated BIGINT NOT NULL,
    checked_at BIGINT NOT NULL,
    PRIMARY KEY (scan_id, ordinal)
);
"#,
    ),
    (
        6,
        "compatibility matrix and outdated status",
        // The compatibility matrix of a scan (see `crate::compat`): one row per cell of each
        // rule, or one `not-applicable` row for a rule nothing matched; `evidence` is JSON.
        // And the status `polyver outdated` decided for each row (`up-to-date`, `outdated`,
        // `unknown`), which the health's currency part counts by: rows stored before it get
        // the status their columns imply (a bump is behind; a current and a latest version
        // without one are up to date; anything else undecided).
        r#"
CREATE TABLE compatibility (
    scan_id BIGINT NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    ordinal BIGINT NOT NULL,
    rule TEXT NOT NULL,
    declared BIGINT NOT NULL,
    title TEXT NOT NULL,
    origin TEXT NOT NULL,
    reason TEXT,
    result TEXT NOT NULL,
    checked TEXT,
    path TEXT,
    line BIGINT,
    relation TEXT,
    evidence TEXT NOT NULL,
    PRIMARY KEY (scan_id, ordinal)
);

ALTER TABLE outdated ADD COLUMN status TEXT;
UPDATE outdated SET status = CASE
    WHEN bump IS NOT NULL THEN 'outdated'
    WHEN current_version IS NOT NULL AND latest_version IS NOT NULL THEN 'up-to-date'
    ELSE 'unknown' END;
"#,
    ),
];

/// The migrator for `backend`, with the SQL spelled for it.
pub(crate) fn migrator(backend: Backend) -> Migrator {
    let id = match backend {
        Backend::Sqlite => "INTEGER PRIMARY KEY AUTOINCREMENT",
        Backend::Postgres => "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
    };
    let migrations: Vec<Migration> = MIGRATIONS
        .iter()
        .map(|(version, description, sql)| {
            Migration::new(
                *version,
                Cow::Borrowed(*description),
                MigrationType::Simple,
                Cow::Owned(sql.replace("{id}", id)),
                false,
            )
        })
        .collect();
    Migrator {
        migrations: Cow::Owned(migrations),
        ..Migrator::DEFAULT
    }
}

/// Every schema version this build knows, ascending.
pub fn versions() -> Vec<i64> {
    MIGRATIONS.iter().map(|m| m.0).collect()
}

/// The newest schema version this build knows.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.0)
}
