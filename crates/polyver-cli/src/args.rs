//! Every flag and subcommand of `polyver`, declared once with its documentation; the help
//! text is generated from here. The work itself lives in `commands/`.

use clap::{Args, Parser, Subcommand, ValueEnum};
use polyver_version::Ecosystem;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "polyver",
    version,
    about = "Knows every versioned thing in a repository, and what to do about it",
    long_about = "polyver inventories every versioned component of a (polyglot) repository, \
                  keeps that inventory over time, and tells you what is vulnerable, outdated, \
                  conflicting or drifting.\n\nExit codes: 0 ok; 1 a check failed (findings at or \
                  above the threshold, a version outside a range, ...); 2 usage or input error; \
                  3 internal or environment error."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Run as if polyver was started in DIR.
    #[arg(short = 'C', global = true, value_name = "DIR")]
    pub directory: Option<PathBuf>,
    /// Read settings from FILE instead of the nearest polyver.toml above the scanned path.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the result to FILE instead of standard output.
    #[arg(long, short = 'o', global = true, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Never use colours (also when NO_COLOR is set or the output is not a terminal).
    #[arg(long, global = true)]
    pub no_color: bool,
    /// Never use the network: commands that would fetch (db sync, registry lookups) use only
    /// what is cached or stored locally.
    #[arg(long, global = true)]
    pub offline: bool,
    /// The registry store: `sqlite://PATH` or `postgres://...` [default:
    /// sqlite://.polyver/polyver.db under the repository root].
    #[arg(long, global = true, value_name = "URL", env = "POLYVER_DATABASE_URL")]
    pub db: Option<String>,
    /// Print only errors.
    #[arg(long, short = 'q', global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more detail on standard error.
    #[arg(long, short = 'v', global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable text.
    Table,
    /// Machine-readable JSON with a versioned `schema` field.
    Json,
    /// A Markdown report (commands that produce reports).
    Markdown,
    /// CycloneDX 1.6 JSON SBOM (`scan`).
    Cyclonedx,
    /// SPDX 2.3 JSON SBOM (`scan`).
    Spdx,
    /// SARIF 2.1.0 JSON, for code-scanning dashboards (`audit`, `conflicts`, `check`).
    Sarif,
    /// Graphviz DOT (`graph`).
    Dot,
    /// A Mermaid flowchart (`graph`).
    Mermaid,
    /// One self-contained HTML file (`report`).
    Html,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Inventory every versioned component of a repository (formats: table, json, markdown,
    /// cyclonedx, spdx).
    #[command(
        after_help = "Examples:\n  polyver scan\n  polyver scan services/api --format json -o inventory.json\n  polyver scan --exclude 'legacy/**' --strict"
    )]
    Scan(ScanArgs),
    /// Schema migration chains per framework (Alembic, Flyway, Liquibase, golang-migrate,
    /// sqlx, Django, Prisma, Rails): heads, gaps, duplicates, cycles, missing parents; with
    /// --database-url, applied vs pending against a live PostgreSQL database. Exit 1 when
    /// there are problems, 3 when the database cannot be reached (formats: table, json).
    #[command(
        after_help = "Examples:\n  polyver migrations\n  polyver migrations services/api --format json\n  polyver migrations --database-url postgres://app@db.internal/app\n  polyver migrations --chain alembic/versions --database-url \"$DATABASE_URL\""
    )]
    Migrations(MigrationsArgs),
    /// The licence of every package (lock-file metadata, installed metadata, then registries),
    /// normalized to SPDX, judged by the [licenses] policy of polyver.toml and checked against
    /// the repository's own licence. Exit 1 on a policy violation with --fail-on-violation
    /// (formats: table, json, markdown).
    #[command(
        after_help = "Examples:\n  polyver licenses\n  polyver licenses --offline --format json\n  polyver licenses services/web --fail-on-violation\n  polyver licenses --registry-url pypi=https://pypi.internal/pypi"
    )]
    Licenses(LicensesArgs),
    /// The version engine: compare versions and test them against ranges, per ecosystem.
    #[command(subcommand)]
    Version(VersionCommand),
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
    /// For cyclonedx/spdx: also read cargo's crate cache and ask package registries for
    /// licences the tree does not state (cached; cache only with --offline). Without it SBOM
    /// licences come from the tree alone (lock files, virtualenvs, node_modules, vendor), so
    /// the same tree gives the same SBOM anywhere.
    #[arg(long)]
    pub licenses: bool,
}

#[derive(Debug, Args)]
pub struct LicensesArgs {
    /// The directory to scan (default: the current directory).
    pub path: Option<PathBuf>,
    /// Exit 1 when a package's licence violates the [licenses] policy.
    #[arg(long)]
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

fn parse_ecosystem(s: &str) -> Result<Ecosystem, String> {
    s.parse()
        .map_err(|e: polyver_version::UnknownEcosystem| e.to_string())
}
