//! The arguments of `polyver token` and `polyver push`: the server's tokens, and sending a
//! scan to a server.

use super::*;
use polyver_store::tokens::TokenScope;

/// `--scope read|push|admin`, with the values in help and errors.
fn scope_parser() -> impl TypedValueParser<Value = TokenScope> {
    PossibleValuesParser::new(TokenScope::ALL.map(TokenScope::id))
        .try_map(|s| s.parse::<TokenScope>())
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token for `polyver serve` and print it: the token alone on the last line of
    /// standard output (what it is for on standard error). Only its SHA-256 hash is stored,
    /// so it is shown this once. Expires after --expiry-days, else `[server] tokens =
    /// { expiry-days = N }`, else 90 days (0: never).
    #[command(
        after_help = "Scopes: read (the API, when [server] read = \"token\"), push (read, and push scans), \
                      admin (everything). --repo limits a token to the repositories whose name matches \
                      a glob: `*` any characters (`/` too), `?` one.\n\n\
                      Examples:\n  polyver token create --scope push --repo 'github.com/acme/*' --name ci\n  \
                      TOKEN=$(polyver token create --scope read --db postgres://polyver@db/polyver | tail -n 1)\n  \
                      polyver token create --scope admin --expiry-days 7 --format json"
    )]
    Create {
        /// What the token may do: read, push or admin (each includes the ones before).
        #[arg(long, value_name = "SCOPE", value_parser = scope_parser())]
        scope: TokenScope,
        /// Only repositories whose name matches this glob (`github.com/acme/*`).
        #[arg(long, value_name = "PATTERN")]
        repo: Option<String>,
        /// A name saying what the token is for (shown by `list` and in the server's refusals)
        /// [default: the scope].
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
        /// Days until it expires; 0 = never [default: [server] tokens.expiry-days, else 90].
        #[arg(long, value_name = "DAYS")]
        expiry_days: Option<u32>,
    },
    /// Every token: id, name, scope, repositories, status (active, expired, revoked),
    /// created, expires, last used. Never the token or its hash (formats: table, json).
    #[command(after_help = "Examples:\n  polyver token list\n  polyver token list --format json")]
    List,
    /// Revoke a token: every server on this database refuses it from its next request.
    #[command(after_help = "Examples:\n  polyver token revoke 3")]
    Revoke {
        /// The token's id (`polyver token list`).
        id: i64,
    },
}

#[derive(Debug, Args)]
pub struct PushArgs {
    /// The directory to scan (default: the current directory).
    #[arg(conflicts_with = "from")]
    pub path: Option<PathBuf>,
    /// The server: its base URL, e.g. https://polyver.internal.
    #[arg(long, value_name = "URL", env = "POLYVER_SERVER")]
    pub server: String,
    /// A token with the push scope (`polyver token create --scope push`).
    #[arg(
        long,
        value_name = "TOKEN",
        env = "POLYVER_TOKEN",
        hide_env_values = true
    )]
    pub token: String,
    /// Push a saved `polyver scan --format json` instead of scanning. Its scan id is derived
    /// from the file and the repository, so pushing the same file again stores nothing twice.
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    /// Record the scan under this repository name [default: from the git `origin` remote,
    /// else the directory name; `/sub/dir` is appended when a subdirectory is scanned].
    #[arg(long, value_name = "NAME")]
    pub repo: Option<String>,
    /// Name this push with a UUID of your own: pushing again with the same one (a re-run CI
    /// job) stores nothing twice [default: a new random UUID; with --from, one derived from
    /// the file].
    #[arg(long, value_name = "UUID")]
    pub scan_id: Option<String>,
    /// Also scan paths matching GLOB (repeatable; overrides ignore rules for them).
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Skip paths matching GLOB (repeatable), in addition to .gitignore and the default skips.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Attempts after a failed one (connection refused or reset, timeout, 429, 5xx), with
    /// exponential backoff; safe, since the server stores a push once.
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub retries: u32,
}
