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
                  3 internal or environment error.\n\nThe registry of stored scans is chosen with \
                  `--db URL` (or POLYVER_DATABASE_URL), taken by the commands that use it: \
                  scan, history, diff."
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
    /// The registry store (`--db URL`), offered only by the commands that use it
    /// ([`REGISTRY_COMMANDS`]) and filled in by [`Cli::parse_args`], like `format`.
    #[arg(skip)]
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
    /// YAML (`alerts`: a Prometheus rules file).
    Yaml,
    /// One self-contained HTML page (`report`).
    Html,
}

impl Format {
    /// The value `--format` takes for it.
    pub fn id(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Markdown => "markdown",
            Format::Cyclonedx => "cyclonedx",
            Format::Spdx => "spdx",
            Format::Sarif => "sarif",
            Format::Dot => "dot",
            Format::Mermaid => "mermaid",
            Format::Yaml => "yaml",
            Format::Html => "html",
        }
    }
}

/// The formats `command` (a top-level command name; `db` and `version` for all their
/// subcommands) renders: exactly the values its `--format` accepts and its help lists.
pub fn formats(command: &str) -> &'static [Format] {
    use Format::*;
    match command {
        "scan" => &[Table, Json, Markdown, Cyclonedx, Spdx],
        "diff" | "outdated" => &[Table, Json, Markdown],
        "conflicts" | "licenses" | "audit" | "check" => &[Table, Json, Markdown, Sarif],
        "plan" | "migrations" => &[Table, Json, Markdown],
        "report" => &[Html, Markdown, Json],
        "graph" => &[Table, Json, Dot, Mermaid],
        // A server renders no document: `--format json` would be a flag it ignores.
        "serve" => &[Table],
        "alerts" => &[Yaml, Json],
        _ => &[Table, Json],
    }
}

/// The commands that read or write the registry store, the only ones offering `--db`: a
/// command that would ignore it does not accept it (`polyver --db URL check` is a usage
/// error, not a silently unused flag).
pub const REGISTRY_COMMANDS: &[&str] = &[
    "scan", "history", "diff", "serve", "token", "outdated", "push",
];

/// `--db URL` (also `POLYVER_DATABASE_URL`) on `cmd`, or on each of its subcommands.
fn with_db(cmd: clap::Command) -> clap::Command {
    let subcommands: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    if !subcommands.is_empty() {
        return subcommands
            .iter()
            .fold(cmd, |cmd, name| cmd.mut_subcommand(name, with_db));
    }
    cmd.arg(
        clap::Arg::new("db")
            .long("db")
            .value_name("URL")
            .env("POLYVER_DATABASE_URL")
            .help(
                "The registry store: `sqlite://PATH` or `postgres://...` [default: \
                 sqlite://.polyver/polyver.db under the repository root]",
            ),
    )
}

/// The `db` subcommands that take `--db`, only with `--rematch` (the registry to re-match).
pub const REMATCH_COMMANDS: &[&str] = &["sync", "import"];

/// `--db URL` on `db sync` and `db import`: declared without its environment variable (the
/// command reads POLYVER_DATABASE_URL itself), so an exported one never demands `--rematch`.
fn with_rematch_db(cmd: clap::Command) -> clap::Command {
    cmd.arg(
        clap::Arg::new("db")
            .long("db")
            .value_name("URL")
            .requires("rematch")
            .help(
                "The registry to re-match: `sqlite://PATH` or `postgres://...` [default: \
                 POLYVER_DATABASE_URL, else [server] database-url, else \
                 sqlite://.polyver/polyver.db under the repository root]",
            ),
    )
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
                // The first format offered: table, except where there is none (alerts).
                .default_value(formats.first().map_or("table", |f| f.id())),
        );
    }
    subcommands.iter().fold(cmd, |cmd, name| {
        cmd.mut_subcommand(name, |sub| with_format(sub, formats))
    })
}

/// PRODUCT.md lists `--format` and `--db` among the global flags (`polyver --format json
/// scan`), while each command declares its own `--format` with the values it renders, and
/// `--db` only where the registry is used. Either given before the command is moved behind
/// the innermost command, where clap checks it.
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
        let before_leaf = cmd.get_subcommands().next().is_some();
        if before_leaf && (text == "--format" || text == "--db") {
            moved.push(arg);
            moved.extend(iter.next());
            continue;
        }
        if before_leaf && (text.starts_with("--format=") || text.starts_with("--db=")) {
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
            cmd.mut_subcommand(name, |sub| {
                let sub = with_format(sub, formats(name));
                if REGISTRY_COMMANDS.contains(&name.as_str()) {
                    with_db(sub)
                } else if name == "db" {
                    REMATCH_COMMANDS
                        .iter()
                        .fold(sub, |sub, leaf| sub.mut_subcommand(leaf, with_rematch_db))
                } else {
                    sub
                }
            })
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
        let db = leaf.try_get_one::<String>("db").ok().flatten().cloned();
        let mut cli = Cli::from_arg_matches_mut(&mut matches)?;
        cli.global.format = format.unwrap_or(Format::Table);
        cli.global.db = db;
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
    /// there are problems, 3 when the database cannot be reached (formats: table, json, markdown).
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
    /// the repository's own licence. Exit 1 when a finding is at or above --fail-on (a policy
    /// violation is high) (formats: table, json, markdown).
    #[command(
        after_help = "Examples:\n  polyver licenses\n  polyver licenses --offline --format json\n  polyver licenses services/web --fail-on high\n  polyver licenses --registry-url pypi=https://pypi.internal/pypi"
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
    /// conflicts/drift/compatibility ([approved], [[compat]]), polyver.lock drift, schema
    /// migration chains and [policy.sla] deadlines. Exit 1 when a finding of any check is at or above --fail-on, 2 on
    /// input or configuration errors, 3 when the OSV database is unreadable (or missing with
    /// --require-audit). Never writes the registry (formats: table, json, markdown, sarif).
    #[command(
        after_help = "Checks: audit (skipped with a warning when there is no OSV database), licenses \
                      (from the scanned tree only unless --licenses-online), conflicts, lock \
                      (skipped when there is no polyver.lock), migrations (static chain analysis), \
                      policy (vulnerabilities past their [policy.sla] days; skipped with the audit).\n\n\
                      Examples:\n  polyver check\n  polyver check --fail-on medium --skip migrations\n  \
                      polyver check --require-audit --format sarif -o polyver.sarif\n  \
                      polyver check --format markdown -o check.md"
    )]
    Check(CheckArgs),
    /// What is behind upstream: per component the current version (from the pin, the lock
    /// file, or the tag of a pinned commit), wanted (newest within the constraint), latest
    /// (newest stable), how many majors/minors/patches behind, days behind, libyears, yanked
    /// / deprecated / retracted, moved image digests. Asks the registries of [registries]
    /// (cached; --offline answers from the cache). Exit 1 with --fail-on-outdated when a
    /// component is behind by at least that bump (formats: table, json, markdown).
    #[command(
        after_help = "Examples:\n  polyver outdated\n  polyver outdated services/api --all --format json\n  polyver outdated --fail-on-outdated major\n  polyver outdated --offline          # from the cache of an earlier run\n\nPrivate registries and mirrors, in polyver.toml:\n  [registries]\n  pypi = \"https://pypi.internal/simple\"\n  npm = { url = \"https://npm.internal\", token-env = \"NPM_TOKEN\" }"
    )]
    Outdated(OutdatedArgs),
    /// The central registry: an HTTP API and an HTML dashboard (`/`) over the registry store
    /// (SQLite, or PostgreSQL shared by several replicas), `/healthz`, `/readyz` and
    /// Prometheus `/metrics`. Runs until SIGINT/SIGTERM, then finishes the requests in
    /// flight. Defaults from polyver.toml [server].
    #[command(
        after_help = "Examples:\n  polyver serve\n  polyver serve --listen 0.0.0.0:8080 --db postgres://polyver@db.internal/polyver\n  POLYVER_DATABASE_URL=postgres://... polyver serve"
    )]
    Serve(ServeArgs),
    /// What to update first: every component's update priority (0–100) explained term by
    /// term — vulnerability severity and count, [policy.sla] overdue, exposure (runtime or
    /// dev, direct or transitive), lag, yanked/deprecated, licence risk, drift from
    /// [approved] — grouped into recommendations (one per package and target version, with
    /// the advisories it fixes and whether it stays within the declared constraint), and the
    /// repository's health score with its parts (formats: table, json, markdown).
    #[command(
        after_help = "Without an OSV database (`polyver db sync`) the plan says vulnerabilities were not \
                      checked; registry answers come from the cache with --offline.\n\n\
                      Examples:\n  polyver plan\n  polyver plan services/api --limit 10\n  \
                      polyver plan --all --format json -o plan.json\n  polyver plan --offline --format markdown"
    )]
    Plan(PlanArgs),
    /// The full audit report of a repository in one document: inventory by ecosystem and
    /// kind, dependency graph analysis (depth, fan-in, duplicated versions, what pulls what),
    /// vulnerabilities with their fixes and [policy.sla] status, the compatibility matrix
    /// ([[compat]] and derived rules, each check pass/fail with its evidence), risks
    /// (conflicts, drift, floating, yanked/deprecated), licences against the policy, and the
    /// plan's recommendations. Exit 2 on unusable input, 3 when the OSV database is
    /// unreadable (formats: html = one self-contained page with charts, markdown, json).
    #[command(
        after_help = "Without an OSV database the report says vulnerabilities were not checked; with \
                      --offline registry answers come from the cache only (lag unknown otherwise, \
                      and said so).\n\n\
                      Examples:\n  polyver report --output report.html\n  \
                      polyver report services/api --format markdown -o REPORT.md\n  \
                      polyver report --offline --format json | jq .security"
    )]
    Report(ReportArgs),
    /// The tokens of `polyver serve`, in its database (--db, else [server] database-url):
    /// create (printed once; only a hash is stored), list, revoke. Scopes read, push, admin;
    /// optionally limited to repositories matching a pattern.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Scan PATH as `polyver scan` does and send the scan to a `polyver serve` server
    /// (gzip-compressed JSON, with a token of the push scope); prints the server's id of the
    /// stored scan. Retries on connection errors, timeouts and 5xx: the server stores a push
    /// once, however often it arrives. Exit 2 when the server refuses it (token, scope,
    /// repository), 3 when it cannot be reached or fails (formats: table, json).
    #[command(
        after_help = "Examples:\n  polyver push --server https://polyver.internal --token \"$POLYVER_TOKEN\"\n  \
                      POLYVER_SERVER=https://polyver.internal POLYVER_TOKEN=pvt_... polyver push services/api\n  \
                      polyver scan --format json -o scan.json && polyver push --from scan.json --repo github.com/acme/shop\n  \
                      polyver push --scan-id \"$(uuidgen)\" --format json"
    )]
    Push(PushArgs),
    /// Prometheus alerting rules for the metrics of `polyver serve` /metrics — a critical
    /// vulnerability, a vulnerability past its [policy.sla], a stale scan, health below a
    /// threshold; thresholds from polyver.toml [server.alerts] — and a Grafana dashboard of
    /// those metrics (formats: yaml = the rules file; json = rules, dashboard and thresholds
    /// in one document).
    #[command(
        after_help = "Thresholds, in polyver.toml:\n  [server.alerts]\n  health-below = 60           # default 60\n  scan-stale-after = \"7d\"     # default 7 days\n\n\
                      Examples:\n  polyver alerts -o /etc/prometheus/rules/polyver.yml --dashboard polyver-dashboard.json\n  \
                      polyver alerts | promtool check rules /dev/stdin\n  \
                      polyver alerts --format json | jq .dashboard"
    )]
    Alerts(AlertsArgs),
    /// Applies `polyver plan`'s updates where the versions are written, keeping every other
    /// byte of each file: exact pins move, ranges that must change are widened the
    /// ecosystem's way, ranges that admit the new version stay (their lock file moves;
    /// --bump-ranges rewrites them too). [policy] decides per bump kind (auto, pr, review,
    /// ignore) and groups the changes ([[policy.group]], group-by); security fixes come
    /// first. Each edit is re-scanned and rolled back unless the file's extractor reads the
    /// new version at the same place. Lock files are never edited: they are listed, and
    /// --lock-tool runs their tool. Each group gets a commit message and a Markdown
    /// pull-request body (formats: table, json).
    #[command(
        after_help = "Examples:\n  polyver update --dry-run\n  polyver update services/api --group pypi-requests\n  \
                      polyver update --bump-ranges --lock-tool npm --lock-tool cargo\n  \
                      polyver update --dry-run --format json | jq '.groups[].body'"
    )]
    Update(UpdateArgs),
}

mod commands;
pub use commands::*;
mod push;
pub use push::*;

#[cfg(test)]
mod format_position;
