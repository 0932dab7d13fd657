//! Every flag and subcommand of `polyver`, declared once with its documentation; the help
//! text is generated from here. The work itself lives in `commands/`.

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
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
    /// Output format: each command's own `--format`, whose values are those it renders
    /// ([`formats`]); filled in by [`Cli::parse_args`].
    #[arg(skip = Format::Table)]
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
    /// Trust the certificate authorities in this PEM file for HTTPS, on top of the system's
    /// store (which `SSL_CERT_FILE` replaces): the CA of a TLS-inspecting proxy. Repeatable.
    #[arg(long, global = true, value_name = "FILE", env = "POLYVER_CA_CERT")]
    pub ca_cert: Vec<PathBuf>,
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
}

/// The formats `command` (a top-level command name; `db` and `version` for all their
/// subcommands) renders: exactly the values its `--format` accepts and its help lists.
pub fn formats(command: &str) -> &'static [Format] {
    use Format::*;
    match command {
        "scan" => &[Table, Json, Markdown, Cyclonedx, Spdx],
        "diff" => &[Table, Json, Markdown],
        "conflicts" | "licenses" | "audit" | "check" => &[Table, Json, Markdown, Sarif],
        "graph" => &[Table, Json, Dot, Mermaid],
        _ => &[Table, Json],
    }
}

/// `--format` with the values of one command.
#[derive(Clone)]
struct FormatParser(&'static [Format]);

impl FormatParser {
    fn values(&self) -> Vec<PossibleValue> {
        self.0
            .iter()
            .filter_map(|f| f.to_possible_value())
            .collect()
    }
}

impl TypedValueParser for FormatParser {
    type Value = Format;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<Format, clap::Error> {
        // clap's own error (with the valid values) for anything else.
        let name = PossibleValuesParser::new(self.values()).parse_ref(cmd, arg, value)?;
        Ok(self
            .0
            .iter()
            .copied()
            .find(|f| f.to_possible_value().is_some_and(|v| v.get_name() == name))
            .unwrap_or(Format::Table))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(self.values().into_iter()))
    }
}

/// Adds `--format` (the values of `formats`) to `cmd`, or to each of its subcommands.
fn with_format(cmd: clap::Command, formats: &'static [Format]) -> clap::Command {
    let subcommands: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    if subcommands.is_empty() {
        return cmd.arg(
            clap::Arg::new("format")
                .long("format")
                .value_name("FORMAT")
                .help("Output format")
                .value_parser(FormatParser(formats))
                .default_value("table"),
        );
    }
    subcommands.iter().fold(cmd, |cmd, name| {
        cmd.mut_subcommand(name, |sub| with_format(sub, formats))
    })
}

/// PRODUCT.md lists `--format` among the global flags (`polyver --format json scan`), while
/// each command declares its own `--format` with the values it renders. A `--format` given
/// before the command is moved behind the innermost command, where clap checks its value.
fn format_after_command(
    command: &clap::Command,
    args: Vec<std::ffi::OsString>,
) -> Vec<std::ffi::OsString> {
    let mut out = Vec::with_capacity(args.len());
    let mut moved = Vec::new();
    let mut cmd = command;
    let mut iter = args.into_iter();
    if let Some(program) = iter.next() {
        out.push(program);
    }
    let mut leaf_at = None;
    while let Some(arg) = iter.next() {
        let text = arg.to_string_lossy().into_owned();
        if text == "--" {
            out.push(arg);
            out.extend(iter.by_ref());
            break;
        }
        if text == "--format" && cmd.get_subcommands().next().is_some() {
            moved.push(arg);
            moved.extend(iter.next());
            continue;
        }
        if text.starts_with("--format=") && cmd.get_subcommands().next().is_some() {
            moved.push(arg);
            continue;
        }
        if let Some(option) = text.strip_prefix('-') {
            // Skip the value of an option that takes one (`--config FILE`, `-C DIR`).
            let takes_value = cmd.get_arguments().any(|a| {
                let long = option.strip_prefix('-');
                let named = match long {
                    Some(l) => a.get_long() == Some(l),
                    None => option.len() == 1 && a.get_short() == option.chars().next(),
                };
                named && a.get_action().takes_values()
            });
            out.push(arg);
            if takes_value {
                out.extend(iter.next());
            }
            continue;
        }
        let sub = cmd.find_subcommand(&text);
        out.push(arg);
        match sub {
            Some(sub) => {
                cmd = sub;
                if sub.get_subcommands().next().is_none() {
                    leaf_at = Some(out.len());
                    break;
                }
            }
            None => break,
        }
    }
    out.extend(iter);
    if let Some(at) = leaf_at {
        out.splice(at..at, moved);
    } else {
        out.extend(moved);
    }
    out
}

impl Cli {
    /// The command line: the declarations above, plus each command's `--format`.
    pub fn command_line() -> clap::Command {
        let cmd = <Cli as CommandFactory>::command();
        let names: Vec<String> = cmd
            .get_subcommands()
            .map(|s| s.get_name().to_string())
            .collect();
        names.iter().fold(cmd, |cmd, name| {
            cmd.mut_subcommand(name, |sub| with_format(sub, formats(name)))
        })
    }

    /// Parses `args` (the program name first); a usage error is clap's, with its exit code.
    pub fn try_parse_args<I, T>(args: I) -> Result<Cli, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let command = Cli::command_line();
        let args = format_after_command(&command, args.into_iter().map(Into::into).collect());
        let mut matches = command.try_get_matches_from(args)?;
        let mut leaf = &matches;
        while let Some((_, sub)) = leaf.subcommand() {
            leaf = sub;
        }
        let format = leaf.get_one::<Format>("format").copied();
        let mut cli = Cli::from_arg_matches_mut(&mut matches)?;
        cli.global.format = format.unwrap_or(Format::Table);
        Ok(cli)
    }

    /// Parses the process's arguments, exiting with clap's message on a usage error.
    pub fn parse_args() -> Cli {
        Cli::try_parse_args(std::env::args_os()).unwrap_or_else(|e| e.exit())
    }
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
    /// The scans stored in the registry, newest first: time, commit, branch, components,
    /// findings by severity (formats: table, json).
    #[command(
        after_help = "Examples:\n  polyver history\n  polyver history --repo github.com/org/app -n 5 --format json\n  polyver history --db postgres://polyver@db/registry --repo github.com/org/app"
    )]
    History(HistoryArgs),
    /// What changed between two stored scans: components added, removed, upgraded and
    /// downgraded, per ecosystem (formats: table, json, markdown). Versions are ordered by
    /// the ecosystem's rules; where it has none or a version does not parse, as text (marked).
    #[command(
        after_help = "Scans: -N (N before the latest), latest, a scan id, or a commit prefix.\n\nExamples:\n  polyver diff                 # the previous scan against the latest\n  polyver diff -3 -1\n  polyver diff 3f2a9c1 latest --format markdown\n  polyver diff 12 15 --format json"
    )]
    Diff(DiffArgs),
    /// Conflicts, drift and compatibility: unsatisfiable constraints (proved with the range
    /// algebra), inconsistent pins, lock vs manifest, duplicate versions in a lock, floating
    /// versions, drift from [approved], [[compat]] and derived runtime rules. Exit 1 when a
    /// finding is at or above --fail-on (formats: table, json, markdown).
    #[command(
        after_help = "Examples:\n  polyver conflicts\n  polyver conflicts services --kind unsatisfiable --kind lock-mismatch\n  polyver conflicts --fail-on medium --format json -o conflicts.json"
    )]
    Conflicts(ConflictsArgs),
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
    /// Dependency graph of every lock file: packages, edges, depth, fan-in, cycles (formats:
    /// table = statistics, json, dot, mermaid).
    #[command(
        after_help = "Examples:\n  polyver graph\n  polyver graph --format dot | dot -Tsvg > deps.svg\n  polyver graph --lock web/package-lock.json --format mermaid --max-depth 2\n  polyver graph --ecosystem pypi --format json"
    )]
    Graph(GraphArgs),
    /// Why a package is there: every path from a direct dependency to NAME in each lock file,
    /// shortest first. Exit 1 when NAME is in no lock file (formats: table, json).
    #[command(
        after_help = "Examples:\n  polyver why minimist\n  polyver why urllib3 --version 1.26.18 services/api\n  polyver why ms --max-paths 50 --format json"
    )]
    Why(WhyArgs),
    /// Write polyver.lock, the exact pinned inventory (version or digest, integrity, source
    /// files); with --check, exit 1 and print a diff when the repository drifted from it.
    #[command(
        after_help = "Examples:\n  polyver lock\n  polyver lock --check\n  polyver lock --check --format json"
    )]
    Lock(LockArgs),
    /// Write a commented polyver.toml from what the repository holds, and create .polyver/.
    #[command(after_help = "Examples:\n  polyver init\n  polyver init --force")]
    Init(InitArgs),
    /// Known vulnerabilities of every component, from the local OSV database (`polyver db`):
    /// scans PATH, matches exact versions (pins, lock files) and reports constraints without
    /// a lock as "version not pinned". Exit 1 with --fail-on when a finding reaches the
    /// threshold, 3 when there is no database (formats: table, json, markdown, sarif).
    #[command(
        after_help = "Examples:\n  polyver db sync && polyver audit\n  polyver audit services/api --fail-on high\n  polyver audit --format sarif -o audit.sarif\n\nIgnore an advisory in polyver.toml (it reports again after `until`):\n  [[audit.ignore]]\n  id = \"GHSA-v845-jxx5-vc9f\"\n  reason = \"cookies are not used across origins\"\n  until = 2025-06-30"
    )]
    Audit(AuditArgs),
    /// The local OSV advisory database: sync OSV's exports, import a folder or zip, status.
    #[command(subcommand)]
    Db(DbCommand),
    /// The CI gate: one scan, then audit (local OSV database), licences ([licenses] policy),
    /// conflicts/drift/compatibility ([approved], [[compat]]), polyver.lock drift and schema
    /// migration chains. Exit 1 when a finding of any check is at or above --fail-on, 2 on
    /// input or configuration errors, 3 when the OSV database is unreadable (or missing with
    /// --require-audit). Never writes the registry (formats: table, json, markdown, sarif).
    #[command(
        after_help = "Checks: audit (skipped with a warning when there is no OSV database), licenses \
                      (from the scanned tree only unless --licenses-online), conflicts, lock \
                      (skipped when there is no polyver.lock), migrations (static chain analysis).\n\n\
                      Examples:\n  polyver check\n  polyver check --fail-on medium --skip migrations\n  \
                      polyver check --require-audit --format sarif -o polyver.sarif\n  \
                      polyver check --format markdown -o check.md"
    )]
    Check(CheckArgs),
}

/// The checks `polyver check` runs, in the order it reports them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum CheckName {
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
}

impl CheckName {
    pub const ALL: [CheckName; 5] = [
        CheckName::Audit,
        CheckName::Licenses,
        CheckName::Conflicts,
        CheckName::Lock,
        CheckName::Migrations,
    ];

    pub fn id(self) -> &'static str {
        match self {
            CheckName::Audit => "audit",
            CheckName::Licenses => "licenses",
            CheckName::Conflicts => "conflicts",
            CheckName::Lock => "lock",
            CheckName::Migrations => "migrations",
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
    /// Do not run this check (repeatable): audit, licenses, conflicts, lock, migrations.
    #[arg(long, value_name = "CHECK", value_enum)]
    pub skip: Vec<CheckName>,
    /// Exit 3 when there is no OSV database instead of skipping the audit with a warning.
    #[arg(long)]
    pub require_audit: bool,
    /// Also resolve licences beyond the scanned tree: cargo's and Go's module caches and
    /// registry lookups (cached; none with --offline). Without it the licence check reads
    /// only the repository, so the same commit gives the same verdict on every runner.
    #[arg(long)]
    pub licenses_online: bool,
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
    #[command(flatten)]
    pub db: OsvDbArg,
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

fn parse_model_ecosystem(s: &str) -> Result<polyver_model::Ecosystem, String> {
    serde_json::from_value(serde_json::Value::String(s.to_lowercase())).map_err(|_| {
        format!("unknown ecosystem `{s}` (ids: npm, pypi, cargo, rubygems, composer, nuget, ...)")
    })
}

fn parse_ecosystem(s: &str) -> Result<Ecosystem, String> {
    s.parse()
        .map_err(|e: polyver_version::UnknownEcosystem| e.to_string())
}

#[cfg(test)]
mod format_position {
    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_args(std::iter::once("polyver").chain(args.iter().copied()))
    }

    #[test]
    fn format_before_the_command_is_the_command_format() {
        let cli = parse(&["--config", "x.toml", "--format", "json", "db", "status"]).unwrap();
        assert_eq!(cli.global.format, Format::Json);
        assert_eq!(
            cli.global.config.as_deref(),
            Some(std::path::Path::new("x.toml"))
        );
        let cli = parse(&["-C", "dir", "--format=sarif", "check"]).unwrap();
        assert_eq!(cli.global.format, Format::Sarif);
        let cli = parse(&["--format", "json", "version", "compare", "pypi", "1", "2"]).unwrap();
        assert_eq!(cli.global.format, Format::Json);
        // Still checked against the command's own values.
        assert!(parse(&["--format", "sarif", "init"]).is_err());
        // A value that happens to be a command name is a value.
        let cli = parse(&["--config", "scan", "lock"]).unwrap();
        assert_eq!(
            cli.global.config.as_deref(),
            Some(std::path::Path::new("scan"))
        );
    }
}
