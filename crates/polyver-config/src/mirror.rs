//! The seed's YAML files, read as mirrors of polyver.toml sections: `.versions.yaml` is the
//! `[approved]` table and `.compatibility-matrix.yaml` the `[[compat]]` array, both at the
//! repository root. polyver.toml wins for a subject named in both places.
//!
//! ```yaml
//! # .versions.yaml
//! python: "3.10.12"
//! postgresql: ">=14,<15"
//! pypi:fastapi: 0.104.1
//! ```
//!
//! ```yaml
//! # .compatibility-matrix.yaml
//! - when: { python: "3.10" }
//!   require: { "pypi:fastapi": ">=0.100,<0.105" }
//!   reason: fastapi 0.105 drops our pydantic pin
//! ```
//!
//! Scalars are read as written, so an unquoted `3.10` stays `3.10` (YAML would make it the
//! float 3.1). Anchors and aliases are refused (a settings file has no use for them, and it
//! keeps a hostile file from expanding); the files are capped at 1 MiB and 64 levels.

use crate::approved::{entry, Approved, CompatRule, Origin, COMPAT_KEYS};
use crate::ConfigError;
use polyver_model::read::{ReadError, ReadLimits};
use polyver_model::SourceLine;
use std::path::{Path, PathBuf};
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::Marker;

/// The `[approved]` mirror, at the repository root.
pub const VERSIONS_FILE: &str = ".versions.yaml";
/// The `[[compat]]` mirror, at the repository root.
pub const MATRIX_FILE: &str = ".compatibility-matrix.yaml";

const MAX_BYTES: u64 = 1 << 20;
const MAX_DEPTH: usize = 64;

/// Reads both files under `root` when they exist.
pub fn load(root: &Path) -> Result<(Vec<Approved>, Vec<CompatRule>), ConfigError> {
    let approved = match read(&root.join(VERSIONS_FILE))? {
        Some((path, text)) => parse_versions(&path, &text).map_err(|e| with_line(e, &text))?,
        None => Vec::new(),
    };
    let compat = match read(&root.join(MATRIX_FILE))? {
        Some((path, text)) => parse_matrix(&path, &text).map_err(|e| with_line(e, &text))?,
        None => Vec::new(),
    };
    Ok((approved, compat))
}

/// `e` with the line of `text` it points at, for a caret under it.
fn with_line(mut e: ConfigError, text: &str) -> ConfigError {
    e.source_line = SourceLine::of_text(text, e.line, (e.column > 0).then_some(e.column));
    e
}

fn read(path: &Path) -> Result<Option<(PathBuf, String)>, ConfigError> {
    let err = |line, message: String| ConfigError {
        path: path.to_path_buf(),
        line,
        column: if line > 0 { 1 } else { 0 },
        message,
        hint: None,
        source_line: None,
    };
    // In the scanned repository: regular files only (a FIFO must not hang the command), no
    // symlinks, capped.
    let text = match polyver_model::read::read_file_to_string(path, ReadLimits::new(MAX_BYTES)) {
        Ok(text) => text,
        Err(ReadError::NotFound) => return Ok(None),
        Err(ReadError::TooLarge { .. }) => {
            return Err(err(0, format!("larger than {MAX_BYTES} bytes; not read")))
        }
        Err(e) => return Err(err(0, format!("cannot read: {e}"))),
    };
    Ok(Some((path.to_path_buf(), text)))
}

/// A loaded YAML node with its position.
#[derive(Debug)]
enum Node {
    Scalar(String, u32, u32),
    Sequence(Vec<Node>, u32, u32),
    Mapping(Vec<(Node, Node)>, u32, u32),
}

impl Node {
    fn pos(&self) -> (u32, u32) {
        match self {
            Node::Scalar(_, l, c) | Node::Sequence(_, l, c) | Node::Mapping(_, l, c) => (*l, *c),
        }
    }
}

fn error(path: &Path, (line, column): (u32, u32), message: String) -> ConfigError {
    ConfigError {
        path: path.to_path_buf(),
        line,
        column,
        message,
        hint: None,
        source_line: None,
    }
}

fn position(m: Marker) -> (u32, u32) {
    ((m.line() as u32).max(1), m.col() as u32 + 1)
}

/// The first document of `text`, or `None` when empty.
fn load_yaml(path: &Path, text: &str) -> Result<Option<Node>, ConfigError> {
    enum Frame {
        Seq(Vec<Node>, (u32, u32)),
        Map(Vec<(Node, Node)>, Option<Node>, (u32, u32)),
    }
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    loop {
        let (event, mark) = parser.next_token().map_err(|e| {
            error(
                path,
                position(*e.marker()),
                format!("invalid YAML: {}", e.info()),
            )
        })?;
        let at = position(mark);
        let node = match event {
            Event::StreamEnd | Event::DocumentEnd if stack.is_empty() => return Ok(None),
            Event::Scalar(text, _, anchor, _) => {
                if anchor != 0 {
                    return Err(error(path, at, "YAML anchors are not accepted here".into()));
                }
                Node::Scalar(text, at.0, at.1)
            }
            Event::Alias(_) => {
                return Err(error(path, at, "YAML aliases are not accepted here".into()))
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if anchor != 0 {
                    return Err(error(path, at, "YAML anchors are not accepted here".into()));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(error(
                        path,
                        at,
                        format!("nested deeper than {MAX_DEPTH} levels"),
                    ));
                }
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq(Vec::new(), at)
                } else {
                    Frame::Map(Vec::new(), None, at)
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Frame::Seq(items, (l, c))) => Node::Sequence(items, l, c),
                Some(Frame::Map(entries, _, (l, c))) => Node::Mapping(entries, l, c),
                None => continue,
            },
            _ => continue,
        };
        match stack.last_mut() {
            None => return Ok(Some(node)),
            Some(Frame::Seq(items, _)) => items.push(node),
            Some(Frame::Map(entries, pending, _)) => match pending.take() {
                None => *pending = Some(node),
                Some(key) => entries.push((key, node)),
            },
        }
    }
}

/// A mapping entry: key, value and the key's position.
type KeyValue<'a> = (&'a str, &'a Node, (u32, u32));

fn mapping<'a>(path: &Path, node: &'a Node, what: &str) -> Result<Vec<KeyValue<'a>>, ConfigError> {
    let Node::Mapping(entries, ..) = node else {
        return Err(error(path, node.pos(), format!("{what} must be a mapping")));
    };
    entries
        .iter()
        .map(|(k, v)| match k {
            Node::Scalar(s, l, c) => Ok((s.as_str(), v, (*l, *c))),
            other => Err(error(
                path,
                other.pos(),
                "keys must be plain strings".into(),
            )),
        })
        .collect()
}

fn entries(path: &Path, node: &Node, what: &str) -> Result<Vec<Approved>, ConfigError> {
    let mut out = Vec::new();
    for (key, value, at) in mapping(path, node, what)? {
        let Node::Scalar(value, ..) = value else {
            return Err(error(
                path,
                value.pos(),
                format!("`{key}` in {what} must be a version or range"),
            ));
        };
        let origin = Origin {
            path: path.to_path_buf(),
            line: at.0,
        };
        out.push(entry(key, value, origin).map_err(|m| error(path, at, m))?);
    }
    Ok(out)
}

/// `.versions.yaml`: one mapping of component → version or range.
pub fn parse_versions(path: &Path, text: &str) -> Result<Vec<Approved>, ConfigError> {
    match load_yaml(path, text)? {
        None => Ok(Vec::new()),
        Some(node) => entries(path, &node, VERSIONS_FILE),
    }
}

/// `.compatibility-matrix.yaml`: a sequence of rules with `when`, `require`, `reason`.
pub fn parse_matrix(path: &Path, text: &str) -> Result<Vec<CompatRule>, ConfigError> {
    let Some(node) = load_yaml(path, text)? else {
        return Ok(Vec::new());
    };
    let Node::Sequence(items, ..) = &node else {
        let mut e = error(
            path,
            node.pos(),
            format!("{MATRIX_FILE} must be a list of rules"),
        );
        e.hint = Some(
            "- when: { python: \"3.10\" }\n  require: { \"pypi:fastapi\": \">=0.100,<0.105\" }"
                .into(),
        );
        return Err(e);
    };
    let mut rules = Vec::new();
    for item in items {
        let (mut when, mut require, mut reason) = (Vec::new(), Vec::new(), None);
        for (key, value, at) in mapping(path, item, "a rule")? {
            match key {
                "when" => when = entries(path, value, "`when`")?,
                "require" => require = entries(path, value, "`require`")?,
                "reason" => match value {
                    Node::Scalar(s, ..) => reason = Some(s.clone()),
                    other => {
                        return Err(error(path, other.pos(), "`reason` must be a string".into()))
                    }
                },
                _ => {
                    let nearest = COMPAT_KEYS
                        .iter()
                        .map(|v| (strsim::damerau_levenshtein(key, v), *v))
                        .filter(|(d, v)| *d <= 2.max(v.len() / 3))
                        .min();
                    let mut e = error(
                        path,
                        at,
                        format!("unknown key `{key}`: not a key of a rule of {MATRIX_FILE}"),
                    );
                    e.hint = Some(match nearest {
                        Some((_, v)) => {
                            format!("did you mean `{v}`? (valid: {})", COMPAT_KEYS.join(", "))
                        }
                        None => format!("valid: {}", COMPAT_KEYS.join(", ")),
                    });
                    return Err(e);
                }
            }
        }
        if when.is_empty() || require.is_empty() {
            let k = if when.is_empty() { "when" } else { "require" };
            return Err(error(path, item.pos(), format!("a rule without `{k}`")));
        }
        rules.push(CompatRule {
            when,
            require,
            reason,
            origin: Origin {
                path: path.to_path_buf(),
                line: item.pos().0,
            },
        });
    }
    Ok(rules)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Subject;

    #[test]
    fn a_version_at_the_integer_limit_is_pinned_not_overflowed() {
        // fuzz/corpus/config_mirror/u64-max-version: `attempt to add with overflow`.
        let a = parse_versions(
            Path::new(".versions.yaml"),
            "python: \"18446744073709551615\"\n",
        )
        .unwrap();
        assert_eq!(a[0].range, "==18446744073709551615");
    }

    #[test]
    fn special_large_and_linked_files_are_refused_quickly() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(
            root.join(VERSIONS_FILE),
            "x: 1\n".repeat(MAX_BYTES as usize / 4),
        )
        .unwrap();
        let e = load(root).unwrap_err();
        assert!(e.message.contains("larger than 1048576 bytes"), "{e}");
        std::fs::remove_file(root.join(VERSIONS_FILE)).unwrap();
        #[cfg(unix)]
        {
            let status = std::process::Command::new("mkfifo")
                .arg(root.join(VERSIONS_FILE))
                .status()
                .unwrap();
            assert!(status.success());
            let e = load(root).unwrap_err();
            assert!(e.message.contains("FIFO"), "{e}");
            let outside = tempfile::tempdir().unwrap();
            std::fs::write(outside.path().join("m.yaml"), "- when: {}\n").unwrap();
            std::os::unix::fs::symlink(outside.path().join("m.yaml"), root.join(MATRIX_FILE))
                .unwrap();
            std::fs::remove_file(root.join(VERSIONS_FILE)).unwrap();
            let e = load(root).unwrap_err();
            assert!(e.message.contains("symbolic link"), "{e}");
        }
    }

    #[test]
    fn versions_yaml_keeps_scalars_as_written() {
        let p = Path::new(".versions.yaml");
        let a = parse_versions(
            p,
            "python: 3.10\npostgres: \">=14,<15\"\npypi:fastapi: 0.104.1\n",
        )
        .unwrap();
        assert_eq!(a.len(), 3);
        assert_eq!(a[0].range, ">=3.10,<3.11");
        assert_eq!(a[1].subject, Subject::Runtime("postgresql".into()));
        assert_eq!(a[2].origin.line, 3);
        let e = parse_versions(p, "python: 3.10\nnode: \">=>18\"\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(parse_versions(p, "a: &x 1\nb: *x\n").is_err());
        assert!(parse_versions(p, "").unwrap().is_empty());
    }

    #[test]
    fn hostile_yaml_is_an_error_not_a_panic() {
        let p = Path::new(VERSIONS_FILE);
        let deep = "[".repeat(10_000);
        for text in [
            deep.as_str(),
            "a: &a [*a]\n",
            "- - - -\n",
            "\t\u{0}\u{feff}: :\n",
            "python: [3.10]\n",
            "? [a]\n: 1\n",
            "---\n...\n---\npython: 3\n",
        ] {
            let _ = parse_versions(p, text);
            let _ = parse_matrix(Path::new(MATRIX_FILE), text);
        }
        let e = parse_versions(p, &deep).unwrap_err();
        assert!(
            e.message.contains("nested deeper") || e.message.contains("invalid YAML"),
            "{e}"
        );
    }

    #[test]
    fn matrix_yaml() {
        let p = Path::new(MATRIX_FILE);
        let r = parse_matrix(
            p,
            "- when: { python: \"3.10\" }\n  require: { \"pypi:fastapi\": \">=0.100,<0.105\" }\n  reason: pinned\n",
        )
        .unwrap();
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].require[0].range, ">=0.100,<0.105");
        assert_eq!(r[0].reason.as_deref(), Some("pinned"));
        let e = parse_matrix(
            p,
            "- when: { python: \"3.10\" }\n  requires: { x: \"1\" }\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.hint.unwrap().starts_with("did you mean `require`?"));
        assert!(parse_matrix(p, "when: 1\n").is_err());
        assert!(parse_matrix(p, "- when: { python: \"3.10\" }\n").is_err());
    }
}
