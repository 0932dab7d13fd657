//! `polyver.toml`: where it is, what it says, and precise errors when it says something wrong.
//!
//! The file is found by walking up from the scanned directory (like `Cargo.toml` or
//! `pyproject.toml` tooling), or given with `--config`. Every key is checked as it is read: an
//! unknown or mistyped key is an error pointing at `file:line:column` with the nearest valid
//! key, because a silently ignored `exlude = [...]` is worse than a failed run.
//!
//! Sections are validated here, each in its own module: `[scan]` (below), `[approved]` and
//! `[[compat]]` ([`approved`]; their YAML mirrors `.versions.yaml` and
//! `.compatibility-matrix.yaml` in [`mirror`]), `[audit]` (`audit`), `[licenses]`
//! (`licenses`), `[policy]` (`policy`), `[server]` (`server`) and `[registries]`
//! (`registries`); value readers they share are in `values`. An unknown *section* is an
//! error.

pub mod approved;
pub mod mirror;

pub use approved::{Approved, CompatRule, Origin, Subject};

mod audit;

pub use audit::{AuditIgnore, AuditSection};
mod licenses;

pub use licenses::{LicenseException, LicensesSection};
mod policy;
mod registries;
mod server;
mod values;

pub use policy::{Bump, GroupBy, MaxLag, PolicySection, SlaDays, UpdateAction, UpdateGroup};
pub use registries::{RegistriesSection, Registry, RegistryAuth, REGISTRY_IDS};
pub use server::{AlertThresholds, ReadAccess, ServerSection, Webhook, WebhookKind};

/// The licence category names `[licenses]` accepts.
pub fn licenses_categories() -> &'static [&'static str] {
    licenses::CATEGORIES
}

use std::fmt;
use std::path::{Path, PathBuf};
use toml_edit::{Document, Item, Table, Value};

/// The file name looked for.
pub const FILE_NAME: &str = "polyver.toml";

/// Top-level sections of polyver.toml (PRODUCT.md §2).
const SECTIONS: &[&str] = &[
    "scan",
    "approved",
    "compat",
    "policy",
    "licenses",
    "audit",
    "server",
    "registries",
];
/// Keys of `[scan]`.
const SCAN_KEYS: &[&str] = &[
    "include",
    "exclude",
    "max-file-size",
    "follow-symlinks",
    "default-skips",
];

/// The `[scan]` section; `None` = not set, the command's default applies.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScanSection {
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub max_file_size: Option<u64>,
    pub follow_symlinks: Option<bool>,
    pub default_skips: Option<bool>,
}

/// A loaded configuration; [`Config::default`] when there is no file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    /// Where it was read from.
    pub path: Option<PathBuf>,
    pub scan: ScanSection,
    pub audit: AuditSection,
    /// `[approved]`, in file order.
    pub approved: Vec<Approved>,
    /// `[[compat]]`, in file order.
    pub compat: Vec<CompatRule>,
    pub licenses: LicensesSection,
    pub policy: PolicySection,
    pub server: ServerSection,
    pub registries: RegistriesSection,
}

/// A configuration error, located in the file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError {
    pub path: PathBuf,
    /// 1-based; 0 when the error concerns the whole file.
    pub line: u32,
    pub column: u32,
    pub message: String,
    /// What to do about it (`did you mean ...`).
    pub hint: Option<String>,
    /// The line `line` points at, taken while the text was parsed (for a caret under it).
    pub source_line: Option<polyver_model::SourceLine>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// The nearest `polyver.toml` at or above `start`.
pub fn find(start: &Path) -> Option<PathBuf> {
    let start = start.canonicalize().ok()?;
    start
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
}

/// Loads `explicit` if given (it must exist), else the nearest file above `start`, else the
/// defaults.
pub fn discover(explicit: Option<&Path>, start: &Path) -> Result<Config, ConfigError> {
    match explicit {
        Some(path) => load(path),
        None => find(start).map_or_else(|| Ok(Config::default()), |p| load_with(&p, false)),
    }
}

/// The largest polyver.toml read (a settings file is a few KiB; a hostile one must not cost
/// the scan seconds and gigabytes).
pub const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// Reads `path`: an explicit `--config` may be a symlink, a discovered file (inside the
/// repository being scanned) may not. Regular files only, at most [`MAX_CONFIG_BYTES`].
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    load_with(path, true)
}

fn load_with(path: &Path, follow_symlinks: bool) -> Result<Config, ConfigError> {
    let limits = polyver_model::read::ReadLimits {
        max_bytes: MAX_CONFIG_BYTES,
        follow_symlinks,
    };
    let text = polyver_model::read::read_file_to_string(path, limits).map_err(|e| ConfigError {
        path: path.to_path_buf(),
        line: 0,
        column: 0,
        message: format!("cannot read: {e}"),
        hint: None,
        source_line: None,
    })?;
    parse(path, &text)
}

/// Parses and validates the text of a polyver.toml that lives at `path`.
pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
    let reader = Reader { path, text };
    let doc = Document::parse(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        reader.error(
            offset,
            format!("invalid TOML: {}", e.message().trim()),
            None,
        )
    })?;
    let mut config = Config {
        path: Some(path.to_path_buf()),
        ..Config::default()
    };
    for (key, item) in doc.as_table().iter() {
        let key_span = doc.as_table().key(key).and_then(|k| k.span());
        if !SECTIONS.contains(&key) {
            return Err(reader.unknown(key_span, key, "a section", SECTIONS));
        }
        if key == "scan" {
            let table = item
                .as_table()
                .ok_or_else(|| reader.at(item.span(), "`scan` must be a table: [scan]"))?;
            config.scan = reader.scan(table)?;
        } else if key == "audit" {
            config.audit = reader.audit(item)?;
        } else if key == "approved" {
            let table = item
                .as_table_like()
                .ok_or_else(|| reader.at(item.span(), "`approved` must be a table: [approved]"))?;
            config.approved = reader.approved(table, "[approved]")?;
        } else if key == "compat" {
            config.compat = reader.compat(item)?;
        } else if key == "licenses" {
            let table = item
                .as_table()
                .ok_or_else(|| reader.at(item.span(), "`licenses` must be a table: [licenses]"))?;
            config.licenses = reader.licenses(table)?;
        } else if key == "policy" {
            config.policy = reader.policy(item)?;
        } else if key == "server" {
            config.server = reader.server(item)?;
        } else if key == "registries" {
            config.registries = reader.registries(item)?;
        } else if !(item.is_table() || item.is_array_of_tables() || item.is_inline_table()) {
            return Err(reader.at(
                item.span().or(key_span),
                &format!("`{key}` must be a table"),
            ));
        }
    }
    Ok(config)
}

pub(crate) struct Reader<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Reader<'_> {
    fn error(&self, offset: usize, message: String, hint: Option<String>) -> ConfigError {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &self.text[..offset];
        let line = before.matches('\n').count() as u32 + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
        ConfigError {
            path: self.path.to_path_buf(),
            line,
            column,
            message,
            hint,
            source_line: polyver_model::SourceLine::of_text(self.text, line, Some(column)),
        }
    }

    pub(crate) fn at(&self, span: Option<std::ops::Range<usize>>, message: &str) -> ConfigError {
        self.error(span.map_or(0, |s| s.start), message.to_string(), None)
    }

    pub(crate) fn unknown(
        &self,
        span: Option<std::ops::Range<usize>>,
        key: &str,
        what: &str,
        valid: &[&str],
    ) -> ConfigError {
        let nearest = valid
            .iter()
            .map(|v| (strsim::damerau_levenshtein(key, v), *v))
            .filter(|(d, v)| *d <= 2.max(v.len() / 3))
            .min();
        let hint = match nearest {
            Some((_, v)) => format!("did you mean `{v}`? (valid: {})", valid.join(", ")),
            None => format!("valid: {}", valid.join(", ")),
        };
        self.error(
            span.map_or(0, |s| s.start),
            format!("unknown key `{key}`: not {what} of polyver.toml"),
            Some(hint),
        )
    }

    fn scan(&self, table: &Table) -> Result<ScanSection, ConfigError> {
        let mut scan = ScanSection::default();
        for (key, item) in table.iter() {
            let key_span = table.key(key).and_then(|k| k.span());
            let span = item.span().or(key_span.clone());
            match key {
                "include" => scan.include = self.strings(item, span, key)?,
                "exclude" => scan.exclude = self.strings(item, span, key)?,
                "max-file-size" => scan.max_file_size = Some(self.size(item, span)?),
                "follow-symlinks" => scan.follow_symlinks = Some(self.boolean(item, span, key)?),
                "default-skips" => scan.default_skips = Some(self.boolean(item, span, key)?),
                _ => return Err(self.unknown(key_span, key, "a key of [scan]", SCAN_KEYS)),
            }
        }
        Ok(scan)
    }

    fn strings(
        &self,
        item: &Item,
        span: Option<std::ops::Range<usize>>,
        key: &str,
    ) -> Result<Vec<String>, ConfigError> {
        let array = item.as_array().ok_or_else(|| {
            self.at(
                span.clone(),
                &format!("`{key}` must be an array of glob strings"),
            )
        })?;
        array
            .iter()
            .map(|v| match v {
                Value::String(s) => Ok(s.value().clone()),
                other => Err(self.at(other.span(), &format!("`{key}` must contain only strings"))),
            })
            .collect()
    }

    fn boolean(
        &self,
        item: &Item,
        span: Option<std::ops::Range<usize>>,
        key: &str,
    ) -> Result<bool, ConfigError> {
        item.as_bool()
            .ok_or_else(|| self.at(span, &format!("`{key}` must be true or false")))
    }

    /// Bytes as an integer, or a string with a unit: `"512 KiB"`, `"5MiB"`, `"10 MB"`.
    fn size(&self, item: &Item, span: Option<std::ops::Range<usize>>) -> Result<u64, ConfigError> {
        let bad = || {
            self.error(
                span.as_ref().map_or(0, |s| s.start),
                "`max-file-size` must be a number of bytes or a size such as \"5 MiB\"".into(),
                Some("units: B, KB, KiB, MB, MiB, GB, GiB".into()),
            )
        };
        if let Some(n) = item.as_integer() {
            return u64::try_from(n).map_err(|_| bad());
        }
        let text = item.as_str().ok_or_else(bad)?.trim();
        let split = text
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len());
        let (number, unit) = text.split_at(split);
        let number: u64 = number.parse().map_err(|_| bad())?;
        let factor: u64 = match unit.trim() {
            "" | "B" => 1,
            "KB" | "kB" => 1_000,
            "KiB" => 1 << 10,
            "MB" => 1_000_000,
            "MiB" => 1 << 20,
            "GB" => 1_000_000_000,
            "GiB" => 1 << 30,
            _ => return Err(bad()),
        };
        number.checked_mul(factor).ok_or_else(bad)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Config, ConfigError> {
        parse(Path::new("polyver.toml"), text)
    }

    #[test]
    fn reads_the_scan_section() {
        let c = parse_str(
            "# team settings\n[scan]\ninclude = [\"services/**\"]\nexclude = [\"legacy/**\", \"*.bak\"]\nmax-file-size = \"2 MiB\"\nfollow-symlinks = true\ndefault-skips = false\n\n[approved]\npython = \"3.10.12\"\n",
        )
        .unwrap();
        assert_eq!(c.scan.include, ["services/**"]);
        assert_eq!(c.scan.exclude, ["legacy/**", "*.bak"]);
        assert_eq!(c.scan.max_file_size, Some(2 << 20));
        assert_eq!(c.scan.follow_symlinks, Some(true));
        assert_eq!(c.scan.default_skips, Some(false));
        assert_eq!(
            parse_str("[scan]\nmax-file-size = 1000\n")
                .unwrap()
                .scan
                .max_file_size,
            Some(1000)
        );
    }

    #[test]
    fn unknown_keys_point_at_the_line_with_the_nearest_key() {
        let e = parse_str("[scan]\ninclude = []\nexlude = [\"a\"]\n").unwrap_err();
        assert_eq!((e.line, e.column), (3, 1));
        assert_eq!(
            e.to_string(),
            "polyver.toml:3:1: unknown key `exlude`: not a key of [scan] of polyver.toml"
        );
        assert!(e.hint.unwrap().starts_with("did you mean `exclude`?"));
        let e = parse_str("\n[sacn]\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.hint.unwrap().starts_with("did you mean `scan`?"));
        let e = parse_str("[scan]\nzzzzzz = 1\n").unwrap_err();
        assert!(e.hint.unwrap().starts_with("valid: include"));
    }

    #[test]
    fn wrong_types_and_bad_toml() {
        let e = parse_str("[scan]\nexclude = \"legacy\"\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("array of glob strings"));
        let e = parse_str("[scan]\nexclude = [1]\n").unwrap_err();
        assert!(e.message.contains("only strings"));
        let e = parse_str("[scan]\nmax-file-size = \"5 parsecs\"\n").unwrap_err();
        assert_eq!(
            e.hint.as_deref(),
            Some("units: B, KB, KiB, MB, MiB, GB, GiB")
        );
        assert!(parse_str("[scan]\nmax-file-size = -1\n").is_err());
        assert!(parse_str("[scan]\nfollow-symlinks = \"yes\"\n").is_err());
        let e = parse_str("[scan\ninclude = []\n").unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.message.starts_with("invalid TOML"));
        let e = parse_str("scan = 3\n").unwrap_err();
        assert!(e.message.contains("must be a table"));
    }

    #[test]
    fn found_upward() {
        let root = std::env::temp_dir().join(format!("polyver-config-{}", std::process::id()));
        let deep = root.join("a/b");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::write(root.join(FILE_NAME), "[scan]\nexclude = [\"x\"]\n").unwrap();
        let c = discover(None, &deep).unwrap();
        assert_eq!(c.scan.exclude, ["x"]);
        assert_eq!(
            c.path.unwrap(),
            root.canonicalize().unwrap().join(FILE_NAME)
        );
        assert!(discover(Some(&root.join("missing.toml")), &deep).is_err());
        std::fs::remove_dir_all(root).unwrap();
    }
}
