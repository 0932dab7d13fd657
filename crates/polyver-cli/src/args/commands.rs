//! The arguments of each command (the global ones and `--format` handling are in `args`).

use super::*;

/// The checks `polyver check` runs, in the order it reports them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum CheckName {
    /// Files that could not be read or parsed (what they declare is missing).
    Parse,
    /// Known vulnerabilities from the local OSV database.
    Audit,
    /// The [licenses] policy and the fit with the project's licence.
    #[value(alias = "licences")]
    Licenses,
    /// Unsatisfiable constraints, inconsistent pins, lock mismatches, floating versions,
    /// drift from [approved], compatibility rules.
    Conflicts,
    /// polyver.lock against the scan.
    Lock,
    /// Schema migration chains (heads, gaps, duplicates, cycles, missing parents).
    Migrations,
    /// [policy.sla]: vulnerabilities open longer than their severity allows (needs the audit).
    Policy,
}

impl CheckName {
    pub const ALL: [CheckName; 7] = [
        CheckName::Parse,
        CheckName::Audit,
        CheckName::Licenses,
        CheckName::Conflicts,
        CheckName::Lock,
        CheckName::Migrations,
        CheckName::Policy,
    ];

    pub fn id(self) -> &'static str {
        match self {
            CheckName::Parse => "parse",
            CheckName::Audit => "audit",
            CheckName::Licenses => "licenses",
            CheckName::Conflicts => "conflicts",
            CheckName::Lock => "lock",
            CheckName::Migrations => "migrations",
            CheckName::Policy => "policy",
        }
    }
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The repository root (default: the current directory).
    pub path: Option<PathBuf>,
    /// Fail (exit 1) when a finding of any check is at or above this severity: info, low,
    /// medium, high, critical. One threshold for every check (polyver.toml `[audit] fail-on`
    /// is for `polyver audit` only).
    #[arg(long, value_name = "SEVERITY", default_value = "high", value_parser = parse_severity)]
    pub fail_on: polyver_model::FindingSeverity,
    /// Do not run this check (repeatable): parse, audit, licenses, conflicts, lock,
    /// migrations, policy. Without an OSV database the gate exits 3 unless `--skip audit`
    /// (which skips policy too: it checks the audit's findings).
    #[arg(long, value_name = "CHECK", value_enum)]
    pub skip: Vec<CheckName>,
    /// List files that could not be read or parsed without failing the gate on them.
    #[arg(long)]
    pub allow_parse_errors: bool,
    /// Accepted for older scripts: a missing OSV database now always fails the gate.
    #[arg(long, hide = true)]
    pub require_audit: bool,
    /// Also resolve licences beyond the scanned tree: cargo's and Go's module caches and
    /// registry lookups (cached; none with --offline). Without it the licence check reads
    /// only the repository, so the same commit gives the same verdict on every runner.
    #[arg(long)]
    pub licenses_online: bool,
    #[command(flatten)]
    pub db: OsvDbArg,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The repository root (default: the current directory).
    pub path: Option<PathBuf>,
    /// Also weigh and look up transitive dependencies (lock entries not declared by the
    /// repository); without it only the vulnerable ones are listed.
    #[arg(long)]
    pub all: bool,
    /// Show only the N most urgent recommendations and components (the totals stay).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub limit: Option<u32>,
    #[command(flatten)]
    pub db: OsvDbArg,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The repository root (default: the current directory).
    pub path: Option<PathBuf>,
    #[command(flatten)]
    pub db: OsvDbArg,
}

/// Which lock files a graph command looks at.
#[derive(Debug, Args)]
pub struct GraphFilter {
    /// Only this lock file (a path under PATH, or its trailing part: `web/package-lock.json`).
    #[arg(long, value_name = "FILE")]
    pub lock: Option<PathBuf>,
    /// Only lock files of this ecosystem (npm, pypi, cargo, rubygems, composer, nuget).
    #[arg(long, value_name = "ECOSYSTEM", value_parser = parse_model_ecosystem)]
    pub ecosystem: Option<polyver_model::Ecosystem>,
}

#[derive(Debug, Args)]
pub struct GraphArgs {
    /// The directory to scan (default: the current directory).
    pub path: Option<PathBuf>,
    #[command(flatten)]
    pub filter: GraphFilter,
    /// How many of the most depended-on packages to list per lock file.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub top: usize,
    /// Draw only packages within N steps of a direct dependency (dot, mermaid): big graphs
    /// stay readable.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_depth: Option<u32>,
}

#[derive(Debug, Args)]
pub struct WhyArgs {
    /// The package (matched the ecosystem's way: PEP 503 names for PyPI); `name@version`
    /// selects one version.
    pub name: String,
    /// The directory to scan (default: the current directory).
    pub path: Option<PathBuf>,
    /// Only this version of NAME.
    #[arg(long, value_name = "VERSION")]
    pub version: Option<String>,
    #[command(flatten)]
    pub filter: GraphFilter,
    /// List at most N paths per match (the rest are counted).
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub max_paths: usize,
}

#[derive(Debug, Args)]
pub struct LockArgs {
    /// The repository root: polyver.lock is written there (default: the current directory).
    pub path: Option<PathBuf>,
    /// Do not write: compare polyver.lock with a fresh scan; exit 1 with a diff when they
    /// differ, 2 when polyver.lock is missing or malformed.
    #[arg(long)]
    pub check: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The repository root (default: the current directory).
    pub path: Option<PathBuf>,
    /// Overwrite an existing polyver.toml.
    #[arg(long)]
    pub force: bool,
}

/// Where the OSV database lives (shared by `audit` and `db`).
#[derive(Debug, Args)]
pub struct OsvDbArg {
    /// The OSV database directory [default: $POLYVER_DATA_DIR/osv, else
    /// ~/.local/share/polyver/osv].
    #[arg(long, value_name = "DIR", env = "POLYVER_OSV_DB")]
    pub osv_db: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// The directory to scan (default: the current directory).
    pub path: Option<PathBuf>,
    /// Exit 1 when a finding is at or above this severity (advisories without any severity
    /// count as medium) [default: `fail-on` in polyver.toml, else never].
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    pub fail_on: Option<polyver_model::FindingSeverity>,
    /// Only findings of these severities (comma-separated: critical, high, medium, low,
    /// unknown); the others are not shown and do not fail the run [default: all].
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = parse_severity_filter)]
    pub severity: Vec<SeverityFilter>,
    /// Only components of these scopes (comma-separated: runtime, dev, test, build, optional,
    /// peer) [default: all].
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = parse_scope)]
    pub scope: Vec<polyver_model::Scope>,
    /// Only components of these ecosystems (comma-separated polyver ids: pypi, npm, cargo,
    /// go, maven, ...) [default: all].
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = parse_model_ecosystem)]
    pub ecosystem: Vec<polyver_model::Ecosystem>,
    #[command(flatten)]
    pub db: OsvDbArg,
}

/// One `--severity` value: a severity, or `unknown` (an advisory that gives none).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeverityFilter {
    Known(polyver_model::FindingSeverity),
    Unknown,
}

impl SeverityFilter {
    /// Whether a finding of `severity` (`None`: the advisory gives none) is kept.
    pub fn admits(
        filters: &[SeverityFilter],
        severity: Option<polyver_model::FindingSeverity>,
    ) -> bool {
        filters.is_empty()
            || filters.iter().any(|f| match (f, severity) {
                (SeverityFilter::Unknown, None) => true,
                (SeverityFilter::Known(a), Some(b)) => *a == b,
                _ => false,
            })
    }
}

fn parse_severity_filter(s: &str) -> Result<SeverityFilter, String> {
    if s.trim().eq_ignore_ascii_case("unknown") {
        Ok(SeverityFilter::Unknown)
    } else {
        s.parse()
            .map(SeverityFilter::Known)
            .map_err(|e: String| format!("{e}, or unknown"))
    }
}

fn parse_scope(s: &str) -> Result<polyver_model::Scope, String> {
    use polyver_model::Scope;
    let lower = s.trim().to_ascii_lowercase();
    [
        Scope::Runtime,
        Scope::Dev,
        Scope::Test,
        Scope::Build,
        Scope::Optional,
        Scope::Peer,
    ]
    .into_iter()
    .find(|x| x.id() == lower)
    .ok_or_else(|| format!("unknown scope `{s}` (runtime, dev, test, build, optional, peer)"))
}

fn parse_severity(s: &str) -> Result<polyver_model::FindingSeverity, String> {
    s.parse()
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Download OSV's per-ecosystem exports (`<base>/<Ecosystem>/all.zip`) and replace those
    /// ecosystems in the database. Unchanged exports (ETag/Last-Modified) are not fetched
    /// again; a failed sync leaves the previous database in place. An export whose entries
    /// are all corrupt, or that would remove more than half of an ecosystem's advisories, is
    /// refused (the previous advisories are kept; exit 3) unless --allow-shrink.
    #[command(
        after_help = "Examples:\n  polyver db sync\n  polyver db sync --ecosystem PyPI --ecosystem npm\n  polyver db sync --base-url https://mirror.internal/osv\n  polyver db sync --ecosystem npm --allow-shrink"
    )]
    Sync {
        /// An OSV ecosystem (PyPI, npm, crates.io, Go, Maven, RubyGems, Packagist, NuGet;
        /// polyver ids work too), repeatable [default: those already in the database, else
        /// all of these].
        #[arg(long = "ecosystem", value_name = "E")]
        ecosystems: Vec<String>,
        /// Base URL of the exports [default: `osv-url` in polyver.toml, else
        /// https://osv-vulnerabilities.storage.googleapis.com].
        #[arg(long, value_name = "URL", env = "POLYVER_OSV_URL")]
        base_url: Option<String>,
        /// Accept an export that removes more than half of an ecosystem's advisories (or
        /// whose entries are all corrupt), which is otherwise refused.
        #[arg(long)]
        allow_shrink: bool,
        /// Then re-match every repository's latest stored scan against the database and post
        /// the findings that are new to the [[server.webhook]]s (the registry: --db, else
        /// POLYVER_DATABASE_URL, else [server] database-url, else .polyver/polyver.db here).
        #[arg(long)]
        rematch: bool,
        #[command(flatten)]
        db: OsvDbArg,
    },
    /// Import OSV advisories from a folder of JSON files or a zip in the layout of OSV's
    /// `all.zip` exports. Advisories with the same id are replaced; corrupt ones are skipped
    /// with a warning.
    #[command(
        after_help = "Examples:\n  polyver db import ./advisory-database/vulns\n  polyver db import PyPI-all.zip"
    )]
    Import {
        /// A directory (walked for *.json) or a .zip.
        path: PathBuf,
        /// Then re-match the registry's stored scans and post new findings, as
        /// `db sync --rematch` does.
        #[arg(long)]
        rematch: bool,
        #[command(flatten)]
        db: OsvDbArg,
    },
    /// Advisories and packages per ecosystem, and how old each is (formats: table, json).
    /// Opening checks the header and index checksums; --verify checks every record (exit 3
    /// when one is damaged).
    Status {
        /// Check the checksum of every advisory record, not only of the index.
        #[arg(long)]
        verify: bool,
        #[command(flatten)]
        db: OsvDbArg,
    },
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// The directory to scan (default: the current directory).
    pub path: Option<PathBuf>,
    /// Also scan paths matching GLOB (repeatable; overrides ignore rules for them).
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Skip paths matching GLOB (repeatable), in addition to .gitignore and the default skips.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Skip files larger than this many bytes (a diagnostic says so) [default: 5 MiB, or
    /// `max-file-size` in polyver.toml].
    #[arg(long, value_name = "BYTES")]
    pub max_file_size: Option<u64>,
    /// Follow symbolic links (loops are detected and reported).
    #[arg(long)]
    pub follow_symlinks: bool,
    /// Also walk node_modules, vendor, .venv, target, build, dist and the like.
    #[arg(long)]
    pub no_default_skips: bool,
    /// Exit 1 when anything could not be read or parsed (error or warning diagnostics).
    #[arg(long)]
    pub strict: bool,
    /// Do not record the scan in the registry (by default it is stored in --db, or in
    /// .polyver/polyver.db at the top of the git working tree or the scanned directory).
    #[arg(long, env = "POLYVER_NO_STORE", value_parser = clap::builder::FalseyValueParser::new())]
    pub no_store: bool,
    /// Record the scan under this repository name [default: from the git `origin` remote,
    /// else the directory name; `/sub/dir` is appended when a subdirectory is scanned].
    #[arg(long, value_name = "NAME")]
    pub repo: Option<String>,
    /// For cyclonedx/spdx: also read cargo's crate cache and ask package registries for
    /// licences the tree does not state (cached; cache only with --offline). Without it SBOM
    /// licences come from the tree alone (lock files, virtualenvs, node_modules, vendor), so
    /// the same tree gives the same SBOM anywhere.
    #[arg(long)]
    pub licenses: bool,
    /// For cyclonedx/spdx: also list schema migration revisions (as data). By default an SBOM
    /// lists software only.
    #[arg(long)]
    pub with_migrations: bool,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The repository whose scans to list [default: the repository of the current
    /// directory, or the only one in the registry].
    #[arg(long, value_name = "NAME")]
    pub repo: Option<String>,
    /// At most this many scans, newest first.
    #[arg(long, short = 'n', value_name = "N", default_value_t = 20)]
    pub limit: u32,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The older scan: `-N` (N scans before the latest: -1 is the previous one), `latest`,
    /// a scan id (`42`), or a commit prefix of 4+ hex digits (`commit:1234` when all digits)
    /// [default: -1].
    #[arg(allow_hyphen_values = true, value_name = "A")]
    pub a: Option<String>,
    /// The newer scan, same syntax [default: latest].
    #[arg(allow_hyphen_values = true, value_name = "B")]
    pub b: Option<String>,
    /// The repository whose scans A and B name [default: as for `history`].
    #[arg(long, value_name = "NAME")]
    pub repo: Option<String>,
}

#[derive(Debug, Args)]
pub struct ConflictsArgs {
    /// The directory to scan (default: the current directory).
    pub path: Option<PathBuf>,
    /// Exit 1 when a finding is at or above this severity: info, low, medium, high, critical.
    #[arg(long, value_name = "SEVERITY", default_value = "high")]
    pub fail_on: polyver_model::FindingSeverity,
    /// Only these kinds (repeatable): unsatisfiable, inconsistent-pin, lock-mismatch,
    /// duplicate-in-lock, floating, drift, compat.
    #[arg(long, value_name = "KIND")]
    pub kind: Vec<polyver_analyze::ConflictKind>,
}

#[derive(Debug, Args)]
pub struct LicensesArgs {
    /// The directory to scan (default: the current directory).
    pub path: Option<PathBuf>,
    /// Exit 1 when a licence finding is at or above this severity: info, low, medium, high,
    /// critical (a policy violation is high, an incompatible licence medium in runtime
    /// scope) [default: never].
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    pub fail_on: Option<polyver_model::FindingSeverity>,
    /// The former spelling of `--fail-on high`, still accepted.
    #[arg(long, hide = true, conflicts_with = "fail_on")]
    pub fail_on_violation: bool,
    /// Base URL of a registry, as REGISTRY=URL with REGISTRY one of pypi, npm, crates-io
    /// (repeatable) [default: [licenses] registry-urls, then the public registries].
    #[arg(long, value_name = "REGISTRY=URL")]
    pub registry_url: Vec<String>,
    /// Never ask registries (like --offline, but without touching the cache either).
    #[arg(long)]
    pub no_registry: bool,
}

#[derive(Debug, Args)]
pub struct MigrationsArgs {
    /// The directory to scan (default: the current directory).
    pub path: Option<PathBuf>,
    /// Compare with the applied state of this PostgreSQL database
    /// (`postgres://user:password@host:5432/db`; add `?options=-csearch_path%3Dschema` for
    /// tables outside `public`). Read-only: polyver only runs SELECTs.
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// Only chains whose name (the migrations directory) or framework contains TEXT
    /// (repeatable).
    #[arg(long, value_name = "TEXT")]
    pub chain: Vec<String>,
    /// Seconds to wait for the database connection.
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub connect_timeout: u64,
}

/// Ecosystem ids: pypi, npm, cargo, go, maven, debian, rubygems, nuget, docker, semver
/// (OSV names such as PyPI and crates.io are accepted too).
#[derive(Debug, Subcommand)]
pub enum VersionCommand {
    /// Order two versions: prints `A < B`, `A == B` or `A > B` (JSON: -1, 0, 1).
    #[command(
        after_help = "Examples:\n  polyver version compare pypi 1.0a1 1.0\n  polyver version compare maven 1.0-SNAPSHOT 1.0"
    )]
    Compare {
        /// Ecosystem id (pypi, npm, cargo, go, maven, debian, rubygems, nuget, docker, semver).
        #[arg(value_parser = parse_ecosystem)]
        eco: Ecosystem,
        a: String,
        b: String,
    },
    /// Test a version against a range with the ecosystem's own rules (pre-releases included).
    /// Exits 0 when it satisfies the range, 1 when it does not.
    #[command(
        after_help = "Examples:\n  polyver version satisfies npm 1.2.3 '^1.0.0'\n  polyver version satisfies pypi 2.0rc1 '>=1.0'"
    )]
    Satisfies {
        #[arg(value_parser = parse_ecosystem)]
        eco: Ecosystem,
        version: String,
        range: String,
    },
    /// Intersect two ranges; exits 1 when no version satisfies both, and says why.
    #[command(after_help = "Example:\n  polyver version intersect pypi '>=2.0,<2.20' '>=2.31'")]
    Intersect {
        #[arg(value_parser = parse_ecosystem)]
        eco: Ecosystem,
        a: String,
        b: String,
    },
    /// Evaluate a stream of requests: one JSON object per line on stdin, one answer per line
    /// on stdout, in order. Errors become `{"error": ...}` lines; the stream never aborts.
    #[command(after_help = "Requests:\n  \
        {\"kind\":\"compare\",\"eco\":\"pypi\",\"a\":\"1.0a1\",\"b\":\"1.0\"}            -> {\"result\":-1}\n  \
        {\"kind\":\"satisfies\",\"eco\":\"npm\",\"version\":\"1.2.3\",\"range\":\"^1.0.0\"} -> {\"result\":true}\n  \
        {\"kind\":\"parse\",\"eco\":\"cargo\",\"input\":\"1.2\"}                        -> {\"result\":false}\n  \
        {\"kind\":\"intersect\",\"eco\":\"pypi\",\"a\":\"<2\",\"b\":\">=3\"}            -> {\"result\":{\"empty\":true,...}}")]
    Eval {
        /// Read JSON Lines (the only input form).
        #[arg(long, required = true)]
        jsonl: bool,
    },
}

fn parse_model_ecosystem(s: &str) -> Result<polyver_model::Ecosystem, String> {
    serde_json::from_value(serde_json::Value::String(s.to_lowercase())).map_err(|_| {
        format!("unknown ecosystem `{s}` (ids: npm, pypi, cargo, rubygems, composer, nuget, ...)")
    })
}

fn parse_ecosystem(s: &str) -> Result<Ecosystem, String> {
    s.parse()
        .map_err(|e: polyver_version::UnknownEcosystem| e.to_string())
}

/// A bump kind on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum BumpArg {
    Major,
    Minor,
    Patch,
}

impl BumpArg {
    pub fn bump(self) -> polyver_version::Bump {
        match self {
            BumpArg::Major => polyver_version::Bump::Major,
            BumpArg::Minor => polyver_version::Bump::Minor,
            BumpArg::Patch => polyver_version::Bump::Patch,
        }
    }
}

#[derive(Debug, Args)]
pub struct OutdatedArgs {
    /// The directory to scan (default: the current directory).
    pub path: Option<PathBuf>,
    /// Also transitive dependencies (lock entries the repository does not declare).
    #[arg(long)]
    pub all: bool,
    /// Exit 1 when a component is behind by at least this bump: major, minor or patch (a
    /// moved image digest counts as a patch).
    #[arg(long, value_name = "BUMP", value_enum)]
    pub fail_on_outdated: Option<BumpArg>,
    /// Use a cached registry answer younger than this without asking (`30m`, `1d`); older
    /// ones are revalidated, which costs a request but no download when nothing changed.
    /// `0s` revalidates everything.
    #[arg(long, value_name = "DURATION", default_value = "1h")]
    pub max_age: humantime::Duration,
    /// Do not store the rows in the registry (by default they are kept with the repository's
    /// latest stored scan in --db, or in .polyver/polyver.db when it exists, for `polyver
    /// push` and the server's `polyver_update_lag_days`).
    #[arg(long, env = "POLYVER_NO_STORE", value_parser = clap::builder::FalseyValueParser::new())]
    pub no_store: bool,
    /// The repository whose latest stored scan gets the rows [default: as `scan` names it].
    #[arg(long, value_name = "NAME")]
    pub repo: Option<String>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on, `host:port` (port 0: any free port, printed on start)
    /// [default: [server] listen, else 127.0.0.1:8080].
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<std::net::SocketAddr>,
    /// Sync the OSV database every DURATION (`6h`, `30m`; never with --offline) and re-match
    /// the stored scans whenever the database changed (at start, after that sync, or after a
    /// `db sync` run by anyone else), posting new findings to the [[server.webhook]]s.
    #[arg(long, value_name = "DURATION", value_parser = parse_period)]
    pub rematch_every: Option<std::time::Duration>,
    #[command(flatten)]
    pub osv: OsvDbArg,
    /// Request logs on standard error: `compact` lines, or `json` (one object a line, for a
    /// log collector). The level comes from RUST_LOG (`RUST_LOG=debug`,
    /// `RUST_LOG=polyver_server=debug,info`), else info, -v debug, -vv trace, -q warnings.
    #[arg(long, value_name = "FORMAT", value_enum, default_value_t = LogFormat::Compact)]
    pub log_format: LogFormat,
}

/// A period of at least one second: `6h`, `30m`, `90s`.
fn parse_period(s: &str) -> Result<std::time::Duration, String> {
    let d = humantime::parse_duration(s.trim())
        .map_err(|e| format!("`{s}` is not a duration such as 6h, 30m or 90s ({e})"))?;
    if d < std::time::Duration::from_secs(1) {
        return Err(format!("`{s}` is shorter than a second"));
    }
    Ok(d)
}

#[derive(Debug, Args)]
pub struct AlertsArgs {
    /// Also write the Grafana dashboard (JSON) to FILE; the rules go to standard output or
    /// --output.
    #[arg(long, value_name = "FILE")]
    pub dashboard: Option<PathBuf>,
}

/// How `polyver serve` writes its logs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Compact,
    Json,
}

/// How `update` groups what no `[[policy.group]]` selects.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum GroupByArg {
    Component,
    Ecosystem,
    All,
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// The repository root (default: the current directory).
    pub path: Option<PathBuf>,
    /// Print the unified diff of every edit and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Also rewrite ranges that already admit the new version (`^1.2.0` → `^1.4.1`); without
    /// it such a range stays and only its lock file moves.
    #[arg(long)]
    pub bump_ranges: bool,
    /// Only this update group (repeatable); names as listed by a run without it.
    #[arg(long, value_name = "NAME")]
    pub group: Vec<String>,
    /// Group what no [[policy.group]] selects by component, ecosystem, or all in one
    /// [default: [policy] group-by, else component].
    #[arg(long, value_name = "HOW", value_enum)]
    pub group_by: Option<GroupByArg>,
    /// Also apply what [policy] leaves for review (by default major = "review").
    #[arg(long)]
    pub include_review: bool,
    /// Run the lock tool of this ecosystem after the edits (repeatable; `all` = every one):
    /// `uv lock`, `poetry lock --no-update`, `npm install --package-lock-only`, `cargo update
    /// -p NAME`, `go mod tidy`, `bundle lock`, ... Off by default: polyver never runs a
    /// package manager unless asked.
    #[arg(long, value_name = "ECOSYSTEM")]
    pub lock_tool: Vec<String>,
    /// Commit each group on its own branch `polyver/<group>` (one commit on --base, made
    /// without touching the working tree, the index or HEAD; an unchanged group writes
    /// nothing, a changed one force-moves its branch) instead of editing the working tree.
    #[arg(long, conflicts_with = "dry_run")]
    pub branch: bool,
    /// Also pin every GitHub Action referenced by a tag (`@v4`) to the commit the tag points
    /// at, with the tag in a comment (`@<sha> # v4.2.2`), as one more group, `pin-actions`.
    #[arg(long)]
    pub pin_actions: bool,
    /// --branch, then push each branch to --remote (force-with-lease) and open or update its
    /// pull request (GitHub) or merge request (GitLab); pull requests of polyver/* branches
    /// no longer produced are closed. Token: POLYVER_FORGE_TOKEN, GITHUB_TOKEN or
    /// GITLAB_TOKEN.
    #[arg(long, conflicts_with = "dry_run")]
    pub open_pr: bool,
    /// The commit each group's branch starts from.
    #[arg(long, value_name = "REV", default_value = "HEAD")]
    pub base: String,
    /// The remote to push to and whose forge gets the pull requests.
    #[arg(long, value_name = "NAME", default_value = "origin")]
    pub remote: String,
    /// The forge's API base URL, for GitHub Enterprise (`https://ghe.example.com/api/v3`)
    /// or a self-hosted GitLab (`https://git.example.com/api/v4`).
    #[arg(long, value_name = "URL")]
    pub forge_api: Option<String>,
    /// The forge kind, for hosts not recognised by name.
    #[arg(long, value_name = "KIND", value_parser = ["github", "gitlab"])]
    pub forge: Option<String>,
    /// A label for the pull requests (repeatable).
    #[arg(long, value_name = "LABEL")]
    pub label: Vec<String>,
    #[command(flatten)]
    pub db: OsvDbArg,
}
