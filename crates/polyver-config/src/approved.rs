//! `[approved]` (the central version registry) and `[[compat]]` (compatibility rules), and
//! what their keys and values mean.
//!
//! A key names a component: a bare name for a runtime, tool or service image (`python`,
//! `node`, `postgresql`, `terraform`), or `ecosystem:name` for a package (`"pypi:fastapi"`,
//! `"npm:react"`, `"docker:nginx"`). A value is an approved version or range: a bare version
//! means that version (a partial one, `3.10`, means that series: 3.10.x), anything else is a
//! range in the ecosystem's own syntax (PEP 440 for PyPI and for runtimes other than node, npm
//! ranges for node and npm). Values are checked here, so a range polyver cannot read is an
//! error at its line instead of a rule that silently never matches.

use polyver_model::{normalize_pypi_name, Ecosystem};
use polyver_version::Ecosystem as Scheme;
use std::fmt;
use std::path::PathBuf;

/// What an `[approved]` or `[[compat]]` key names.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Subject {
    /// A runtime, tool or service (`python`, `node`, `postgresql`), whatever declares it:
    /// version files, `requires-python`, `engines`, or a Docker image of that name.
    Runtime(String),
    /// A package of one ecosystem, by its normalized name.
    Package { ecosystem: Ecosystem, name: String },
}

impl Subject {
    /// Reads a key: `python`, `"pypi:fastapi"`.
    pub fn parse(key: &str) -> Result<Subject, String> {
        let key = key.trim();
        if key.is_empty() {
            return Err("an empty key names no component".into());
        }
        match key.split_once(':') {
            None => Ok(Subject::Runtime(runtime_name(key))),
            Some((eco, name)) => {
                let ecosystem = Ecosystem::from_id(&eco.to_ascii_lowercase()).ok_or_else(|| {
                    let nearest = Ecosystem::ALL
                        .iter()
                        .filter(|e| e.version_scheme("").is_some())
                        .map(|e| (strsim::damerau_levenshtein(eco, e.id()), e.id()))
                        .filter(|(d, _)| *d <= 2)
                        .min();
                    match nearest {
                        Some((_, id)) => format!("unknown ecosystem `{eco}` in `{key}`: did you mean `{id}`?"),
                        None => format!("unknown ecosystem `{eco}` in `{key}` (pypi, npm, cargo, go, maven, rubygems, nuget, docker)"),
                    }
                })?;
                if ecosystem.version_scheme(name).is_none() {
                    return Err(format!(
                        "polyver has no version engine for {} (ecosystems with one: pypi, npm, cargo, go, maven, rubygems, nuget, docker)",
                        ecosystem.id()
                    ));
                }
                let name = name.trim();
                if name.is_empty() {
                    return Err(format!("`{key}` has no package name after `:`"));
                }
                let name = match ecosystem {
                    Ecosystem::Pypi => normalize_pypi_name(name),
                    Ecosystem::GithubActions | Ecosystem::Docker => name.to_ascii_lowercase(),
                    _ => name.to_string(),
                };
                Ok(Subject::Package { ecosystem, name })
            }
        }
    }

    /// The version scheme values of this subject are read with.
    pub fn scheme(&self) -> Scheme {
        match self {
            Subject::Runtime(name) => runtime_scheme(name),
            Subject::Package { ecosystem, name } => {
                ecosystem.version_scheme(name).unwrap_or(Scheme::Pypi)
            }
        }
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Runtime(name) => f.write_str(name),
            Subject::Package { ecosystem, name } => write!(f, "{}:{name}", ecosystem.id()),
        }
    }
}

/// The canonical name of a runtime or service: lowercase, with the usual aliases folded
/// (`postgres` → `postgresql`, `nodejs` → `node`, `golang` → `go`).
pub fn runtime_name(name: &str) -> String {
    let lower = name.trim().to_ascii_lowercase();
    match lower.as_str() {
        "postgres" | "pg" => "postgresql".into(),
        "nodejs" => "node".into(),
        "golang" => "go".into(),
        "python3" => "python".into(),
        "mongo" => "mongodb".into(),
        _ => lower,
    }
}

/// Runtimes' versions: npm's semver for node, PEP 440 release numbers for everything else
/// (python, postgresql `14.10`, go `1.21`, java `17`, terraform `1.5.0`).
pub fn runtime_scheme(name: &str) -> Scheme {
    if name == "node" {
        Scheme::Npm
    } else {
        Scheme::Pypi
    }
}

/// A version or range as a range expression of `scheme`: a bare version means exactly that
/// version, a partial PEP 440 version (`3.10`) that series; ranges are kept as written.
pub fn normalize_range(scheme: Scheme, raw: &str) -> Result<String, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err("an empty version".into());
    }
    if polyver_version::is_valid(scheme, raw) {
        let exact = match scheme {
            Scheme::Pypi => {
                let release = raw.split(['a', 'b', 'r', 'p', 'd', '+', '-']).next();
                let parts = release.map_or(0, |r| r.split('.').count());
                if parts < 3 && raw.chars().all(|c| c.is_ascii_digit() || c == '.') {
                    series(raw).unwrap_or_else(|| format!("=={raw}"))
                } else {
                    format!("=={raw}")
                }
            }
            Scheme::Cargo => format!("={raw}"),
            Scheme::Rubygems => format!("= {raw}"),
            Scheme::Maven | Scheme::Nuget => format!("[{raw}]"),
            _ => raw.to_string(),
        };
        if polyver_version::validate_range(scheme, &exact).is_ok() {
            return Ok(exact);
        }
    }
    polyver_version::validate_range(scheme, raw)
        .map(|()| raw.to_string())
        .map_err(|e| e.to_string())
}

/// `3.10` → `>=3.10,<3.11`: the series, without the pre-releases of the next one (which
/// `==3.10.*` would let in below 3.10 as `3.10.0a1`).
fn series(raw: &str) -> Option<String> {
    let parts: Vec<u64> = raw
        .split('.')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let mut next = parts.clone();
    // `18446744073709551615` has no next series: the caller pins the value exactly.
    let last = next.last_mut()?;
    *last = last.checked_add(1)?;
    let next: Vec<String> = next.iter().map(u64::to_string).collect();
    Some(format!(">={raw},<{}", next.join(".")))
}

/// Where a setting was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    pub path: PathBuf,
    pub line: u32,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.path.display(), self.line)
    }
}

/// One `[approved]` entry (or one condition of a `[[compat]]` rule).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Approved {
    pub subject: Subject,
    /// The value as written.
    pub raw: String,
    /// The value as a range of the subject's scheme (see [`normalize_range`]).
    pub range: String,
    pub origin: Origin,
}

/// One `[[compat]]` rule: where every `when` condition holds, every `require` must.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompatRule {
    pub when: Vec<Approved>,
    pub require: Vec<Approved>,
    /// Why the rule exists (`reason = "..."`), shown with violations.
    pub reason: Option<String>,
    pub origin: Origin,
}

/// Keys of one `[[compat]]` rule.
pub const COMPAT_KEYS: &[&str] = &["when", "require", "reason"];

/// Builds one entry; the error is the message for the value's location.
pub fn entry(key: &str, value: &str, origin: Origin) -> Result<Approved, String> {
    let subject = Subject::parse(key)?;
    let range = normalize_range(subject.scheme(), value)
        .map_err(|e| format!("`{key} = \"{value}\"`: {e}"))?;
    Ok(Approved {
        subject,
        raw: value.trim().to_string(),
        range,
        origin,
    })
}

/// `[approved]` from the repository's files: polyver.toml wins over `.versions.yaml` for a
/// subject both name.
pub fn merge_approved(toml: Vec<Approved>, yaml: Vec<Approved>) -> Vec<Approved> {
    let mut out = toml;
    for a in yaml {
        if !out.iter().any(|t| t.subject == a.subject) {
            out.push(a);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin() -> Origin {
        Origin {
            path: "polyver.toml".into(),
            line: 1,
        }
    }

    #[test]
    fn keys_and_values() {
        let e = entry("python", "3.10", origin()).unwrap();
        assert_eq!(e.subject, Subject::Runtime("python".into()));
        assert_eq!(e.range, ">=3.10,<3.11");
        assert_eq!(
            entry("python", "3.10.12", origin()).unwrap().range,
            "==3.10.12"
        );
        assert_eq!(
            entry("postgres", ">=14,<15", origin()).unwrap().subject,
            Subject::Runtime("postgresql".into())
        );
        let e = entry("pypi:FastAPI", "0.104.1", origin()).unwrap();
        assert_eq!(
            e.subject,
            Subject::Package {
                ecosystem: Ecosystem::Pypi,
                name: "fastapi".into()
            }
        );
        assert_eq!(e.range, "==0.104.1");
        assert_eq!(entry("node", "^18", origin()).unwrap().range, "^18");
        assert_eq!(
            entry("cargo:serde", "1.0.197", origin()).unwrap().range,
            "=1.0.197"
        );
        assert!(entry("pypi:x", "^1.2", origin()).is_err());
        assert!(entry("cobol:x", "1", origin()).is_err());
        let e = entry("pipy:fastapi", "1", origin()).unwrap_err();
        assert!(e.contains("did you mean `pypi`?"), "{e}");
        assert!(entry("terraform:x", "1", origin()).is_err());
        assert!(entry("pypi:", "1", origin()).is_err());
    }
}

impl crate::Reader<'_> {
    fn origin(&self, span: Option<std::ops::Range<usize>>) -> Origin {
        let e = self.at(span, "");
        Origin {
            path: e.path,
            line: e.line,
        }
    }

    /// `[approved]`: every key a component, every value a version or range of it.
    pub(crate) fn approved(
        &self,
        table: &dyn toml_edit::TableLike,
        what: &str,
    ) -> Result<Vec<Approved>, crate::ConfigError> {
        let mut out = Vec::new();
        for (key, item) in table.iter() {
            let key_span = table.key(key).and_then(|k| k.span());
            let value = item.as_str().ok_or_else(|| {
                self.at(
                    item.span().or(key_span.clone()),
                    &format!("`{key}` in {what} must be a version or range string, e.g. \"3.10.12\" or \">=14,<15\""),
                )
            })?;
            let origin = self.origin(key_span.clone());
            let e = entry(key, value, origin).map_err(|m| {
                let mut e = self.at(item.span().or(key_span.clone()), &m);
                e.hint = Some(
                    "keys are runtimes (`python`, `node`, `postgresql`) or `ecosystem:package` (`\"pypi:fastapi\"`); values are versions or ranges of that ecosystem".into(),
                );
                e
            })?;
            out.push(e);
        }
        Ok(out)
    }

    /// `[[compat]]`: an array of rules with `when`, `require` and an optional `reason`.
    pub(crate) fn compat(
        &self,
        item: &toml_edit::Item,
    ) -> Result<Vec<CompatRule>, crate::ConfigError> {
        let tables = item.as_array_of_tables().ok_or_else(|| {
            self.at(
                item.span(),
                "`compat` must be an array of tables: [[compat]] with `when` and `require`",
            )
        })?;
        let mut rules = Vec::new();
        for table in tables.iter() {
            let origin = self.origin(table.span());
            let (mut when, mut require, mut reason) = (None, None, None);
            for (key, value) in table.iter() {
                let key_span = table.key(key).and_then(|k| k.span());
                match key {
                    "when" | "require" => {
                        let inner = value.as_table_like().ok_or_else(|| {
                            self.at(
                                value.span().or(key_span.clone()),
                                &format!(
                                    "`{key}` must be a table, e.g. {key} = {{ python = \"3.10\" }}"
                                ),
                            )
                        })?;
                        let entries = self.approved(inner, &format!("[[compat]] {key}"))?;
                        if key == "when" {
                            when = Some(entries);
                        } else {
                            require = Some(entries);
                        }
                    }
                    "reason" => {
                        reason = Some(
                            value
                                .as_str()
                                .ok_or_else(|| self.at(value.span(), "`reason` must be a string"))?
                                .to_string(),
                        )
                    }
                    _ => {
                        return Err(self.unknown(key_span, key, "a key of [[compat]]", COMPAT_KEYS))
                    }
                }
            }
            let missing = |k: &str| {
                let mut e = self.at(table.span(), &format!("a [[compat]] rule without `{k}`"));
                e.hint = Some("write when = { python = \"3.10\" } and require = { \"pypi:fastapi\" = \">=0.100,<0.105\" }".into());
                e
            };
            let when = when.ok_or_else(|| missing("when"))?;
            let require = require.ok_or_else(|| missing("require"))?;
            if when.is_empty() || require.is_empty() {
                return Err(missing(if when.is_empty() { "when" } else { "require" }));
            }
            rules.push(CompatRule {
                when,
                require,
                reason,
                origin,
            });
        }
        Ok(rules)
    }
}

#[cfg(test)]
mod toml_tests {
    use crate::parse;
    use std::path::Path;

    fn parse_str(text: &str) -> Result<crate::Config, crate::ConfigError> {
        parse(Path::new("polyver.toml"), text)
    }

    #[test]
    fn approved_and_compat_from_toml() {
        let c = parse_str(
            "[approved]\npython = \"3.10.12\"\npostgresql = \">=14,<15\"\n\"pypi:fastapi\" = \"0.104.1\"\n\n[[compat]]\nwhen = { python = \"3.10\" }\nrequire = { \"pypi:fastapi\" = \">=0.100,<0.105\" }\nreason = \"x\"\n",
        )
        .unwrap();
        assert_eq!(c.approved.len(), 3);
        assert_eq!(c.approved[2].origin.line, 4);
        assert_eq!(c.compat.len(), 1);
        assert_eq!(c.compat[0].origin.line, 6);
        assert_eq!(c.compat[0].when[0].range, ">=3.10,<3.11");
    }

    #[test]
    fn oversized_special_and_linked_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(crate::FILE_NAME);
        std::fs::write(&file, "# x\n".repeat(crate::MAX_CONFIG_BYTES as usize)).unwrap();
        let e = crate::load(&file).unwrap_err();
        assert!(e.message.contains("over the 1048576-byte limit"), "{e}");
        std::fs::remove_file(&file).unwrap();
        #[cfg(unix)]
        {
            let status = std::process::Command::new("mkfifo")
                .arg(&file)
                .status()
                .unwrap();
            assert!(status.success());
            let e = crate::load(&file).unwrap_err();
            assert!(e.message.contains("FIFO"), "{e}");
            std::fs::remove_file(&file).unwrap();
            // Discovered inside the repository: a symlink is not followed.
            let outside = tempfile::tempdir().unwrap();
            std::fs::write(outside.path().join("p.toml"), "[approved]\n").unwrap();
            std::os::unix::fs::symlink(outside.path().join("p.toml"), &file).unwrap();
            let e = crate::discover(None, dir.path()).unwrap_err();
            assert!(e.message.contains("symbolic link"), "{e}");
            assert!(crate::discover(Some(&file), dir.path()).is_ok());
        }
    }

    #[test]
    fn errors_are_located() {
        let e = parse_str("[approved]\npython = \"3.10\"\nnode = \">=>18\"\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("invalid npm range"), "{e}");
        let e = parse_str("[approved]\npython = 3\n").unwrap_err();
        assert_eq!(e.line, 2);
        let e = parse_str(
            "[[compat]]\nwhen = { python = \"3.10\" }\nrequires = { \"pypi:x\" = \"1\" }\n",
        )
        .unwrap_err();
        assert_eq!((e.line, e.column), (3, 1));
        assert!(e.hint.unwrap().starts_with("did you mean `require`?"));
        let e = parse_str("[[compat]]\nwhen = { python = \"3.10\" }\n").unwrap_err();
        assert!(e.message.contains("without `require`"), "{e}");
        let e = parse_str("[compat]\nwhen = 1\n").unwrap_err();
        assert!(e.message.contains("array of tables"), "{e}");
        let e = parse_str("[approved]\n\"cobol:x\" = \"1\"\n").unwrap_err();
        assert_eq!(e.line, 2);
    }
}
