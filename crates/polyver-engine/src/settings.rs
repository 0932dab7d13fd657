//! Settings resolved once per run, in one order for every command: command-line flags over
//! environment variables over `polyver.toml` over defaults. Commands build [`Overrides`]
//! from their flags and get one [`Settings`]; nothing below re-reads the configuration.

use crate::EngineError;
use polyver_config::Config;
use polyver_extract::ScanConfig;
use std::path::{Path, PathBuf};

/// What the command line says; `None`/empty = not given.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    /// `--config FILE` (else the nearest polyver.toml at or above the root).
    pub config: Option<PathBuf>,
    /// `--include` globs, added to `[scan] include`.
    pub include: Vec<String>,
    /// `--exclude` globs, added to `[scan] exclude`.
    pub exclude: Vec<String>,
    pub max_file_size: Option<u64>,
    /// `--follow-symlinks` (on wins over the file).
    pub follow_symlinks: bool,
    /// `--no-default-skips`.
    pub no_default_skips: bool,
    /// `--osv-db DIR` / `POLYVER_OSV_DB`.
    pub osv_db: Option<PathBuf>,
    /// `--offline`.
    pub offline: bool,
    /// `--ca-cert FILE` / `POLYVER_CA_CERT`: extra CAs for every HTTPS request.
    pub ca_certs: Vec<PathBuf>,
}

/// Everything a run needs to know, resolved.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The scanned directory, as given.
    pub root: PathBuf,
    /// polyver.toml (defaults when there is none).
    pub config: Config,
    /// The walk.
    pub scan: ScanConfig,
    /// The OSV database directory.
    pub osv_db: PathBuf,
    pub offline: bool,
    /// Extra certificate authorities for HTTPS (see [`Settings::net_options`]).
    pub ca_certs: Vec<PathBuf>,
}

impl Settings {
    /// The HTTP client settings every network call of this run uses: `--offline` and the
    /// extra CAs (the platform store and `SSL_CERT_FILE` are always trusted).
    pub fn net_options(&self) -> polyver_net::Options {
        polyver_net::Options {
            offline: self.offline,
            ca_certs: self.ca_certs.clone(),
            ..Default::default()
        }
    }

    /// Resolves the settings of a run on `root`. An invalid polyver.toml is an input error
    /// (with file:line and the nearest valid key), before anything runs. (Whether `root` is a
    /// directory is the scan's to say, with its own message.)
    pub fn resolve(root: &Path, overrides: &Overrides) -> Result<Settings, EngineError> {
        let config = polyver_config::discover(overrides.config.as_deref(), root)?;
        let scan = scan_config(&config.scan, overrides);
        Ok(Settings {
            root: root.to_path_buf(),
            config,
            scan,
            osv_db: osv_db_dir(overrides.osv_db.as_deref()),
            offline: overrides.offline,
            ca_certs: overrides.ca_certs.clone(),
        })
    }
}

/// `[scan]` from polyver.toml, then the command line: globs add up, flags override.
pub fn scan_config(section: &polyver_config::ScanSection, overrides: &Overrides) -> ScanConfig {
    let mut include = section.include.clone();
    include.extend(overrides.include.iter().cloned());
    let mut exclude = section.exclude.clone();
    exclude.extend(overrides.exclude.iter().cloned());
    ScanConfig {
        include,
        exclude,
        max_file_size: overrides
            .max_file_size
            .or(section.max_file_size)
            .unwrap_or(polyver_extract::DEFAULT_MAX_FILE_SIZE),
        follow_symlinks: overrides.follow_symlinks || section.follow_symlinks.unwrap_or(false),
        skip_default_dirs: !overrides.no_default_skips && section.default_skips.unwrap_or(true),
        ..ScanConfig::default()
    }
}

/// The OSV database directory: the flag (or `POLYVER_OSV_DB`, which clap folds into it),
/// else `$POLYVER_DATA_DIR/osv`, else `$XDG_DATA_HOME/polyver/osv`, else
/// `~/.local/share/polyver/osv`.
pub fn osv_db_dir(flag: Option<&Path>) -> PathBuf {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    flag.map(Path::to_path_buf)
        .or_else(|| env("POLYVER_DATA_DIR").map(|d| d.join("osv")))
        .or_else(|| env("XDG_DATA_HOME").map(|d| d.join("polyver/osv")))
        .or_else(|| env("HOME").map(|d| d.join(".local/share/polyver/osv")))
        .unwrap_or_else(|| PathBuf::from(".polyver/osv"))
}

/// When an SBOM is dated: now, or `SOURCE_DATE_EPOCH` when set (reproducible builds), as
/// RFC 3339 UTC to the second. A value that is not a number of seconds is an input error.
pub fn sbom_timestamp() -> Result<String, EngineError> {
    let when = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(secs) => {
            let n: u64 = secs.trim().parse().map_err(|_| {
                EngineError::input(
                    format!("SOURCE_DATE_EPOCH `{secs}` is not a number of seconds"),
                    Some("unset it, or set it to a Unix time such as 1700000000".to_string()),
                )
            })?;
            std::time::UNIX_EPOCH + std::time::Duration::from_secs(n)
        }
        Err(_) => std::time::SystemTime::now(),
    };
    Ok(humantime::format_rfc3339_seconds(when).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_add_globs_and_override_the_file() {
        let section = polyver_config::ScanSection {
            include: vec!["a/**".into()],
            exclude: vec!["b/**".into()],
            max_file_size: Some(10),
            follow_symlinks: Some(false),
            default_skips: Some(true),
        };
        let overrides = Overrides {
            include: vec!["c/**".into()],
            max_file_size: Some(20),
            follow_symlinks: true,
            no_default_skips: true,
            ..Overrides::default()
        };
        let scan = scan_config(&section, &overrides);
        assert_eq!(scan.include, ["a/**", "c/**"]);
        assert_eq!(scan.exclude, ["b/**"]);
        assert_eq!(scan.max_file_size, 20);
        assert!(scan.follow_symlinks);
        assert!(!scan.skip_default_dirs);
        let defaults = scan_config(&section, &Overrides::default());
        assert_eq!(defaults.max_file_size, 10);
        assert!(defaults.skip_default_dirs);
    }

    #[test]
    fn a_bad_polyver_toml_is_an_input_error_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("polyver.toml"), "[scan]\nexlude = []\n").unwrap();
        let e = Settings::resolve(dir.path(), &Overrides::default()).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.message.contains(":2:"), "{}", e.message);
        assert!(e.hint.unwrap_or_default().contains("exclude"));
    }
}
