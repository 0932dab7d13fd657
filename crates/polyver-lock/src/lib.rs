//! `polyver.lock`: the exact inventory of a repository as a file, read back and compared.
//!
//! One `[[component]]` table per component: kind, ecosystem, name, the pinned version (or
//! the constraint, when nothing pins it), scope, direct, integrity (hashes, image digests),
//! url for non-registry sources, and the *files* that declare it. Files, not lines: moving
//! a declaration or adding a comment above it is not drift, changing what is pinned is.
//! Entries that agree on every recorded field are one entry with the union of their files
//! (the inventory keeps finer distinctions, such as markers, that are not pins).
//!
//! The text is sorted and has no timestamp, so the same repository always gives the same
//! bytes and a reviewer sees exactly what changed. [`parse`] checks every key (an unknown one
//! is an error with its line and the nearest valid key) and [`diff`] pairs what was
//! recorded with what is there now: added, removed, and changed entries with the fields
//! that changed.

mod findings;

pub use findings::{drift_findings, drift_note, RULES};

use polyver_model::{Ecosystem, Inventory, Kind, Scope};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use toml_edit::{Item, Table, Value};

/// The file's name, at the repository root.
pub const FILE_NAME: &str = "polyver.lock";
/// The `schema` the file declares; another value is refused (the file is rewritten, not
/// guessed at).
pub const LOCK_SCHEMA: &str = "polyver.lock/v1";
const HEADER: &str = "\
# polyver.lock: the exact inventory of this repository, written by `polyver lock`.
# One [[component]] per versioned thing: its pinned version (or its constraint when nothing
# pins it), integrity or digest, and the files that declare it. Commit this file;
# `polyver lock --check` fails (exit 1, with a diff) when the repository drifts from it.
# Do not edit by hand: run `polyver lock` again.
";

const ENTRY_KEYS: &[&str] = &[
    "kind",
    "ecosystem",
    "name",
    "version",
    "constraint",
    "scope",
    "direct",
    "integrity",
    "url",
    "files",
];

/// One component of polyver.lock. Field order is the sort order.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct LockEntry {
    pub ecosystem: Ecosystem,
    pub name: String,
    pub kind: Kind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub constraint: Option<String>,
    pub scope: Scope,
    pub direct: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub integrity: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub files: Vec<String>,
}

/// The entries of an inventory, merged and sorted (see the module docs).
pub fn entries(inventory: &Inventory) -> Vec<LockEntry> {
    let mut merged: BTreeMap<LockEntry, BTreeSet<String>> = BTreeMap::new();
    for c in &inventory.components {
        let key = LockEntry {
            ecosystem: c.ecosystem,
            name: c.name.clone(),
            kind: c.kind,
            version: c.version.clone(),
            // The constraint only when nothing is pinned: `==2.31.0` says nothing more.
            constraint: c
                .version
                .is_none()
                .then(|| c.constraint.as_ref().map(|k| k.raw.clone()))
                .flatten(),
            scope: c.scope,
            direct: c.direct,
            integrity: c.integrity.clone(),
            url: c.url.clone(),
            files: Vec::new(),
        };
        merged
            .entry(key)
            .or_default()
            .extend(c.locations.iter().map(|l| l.path.clone()));
    }
    merged
        .into_iter()
        .map(|(mut e, files)| {
            e.files = files.into_iter().collect();
            e
        })
        .collect()
}

/// A TOML basic string, escaped by toml_edit.
fn toml_string(s: &str) -> String {
    Value::from(s).to_string()
}

/// polyver.lock's text for `entries`. Written line by line rather than through a
/// `DocumentMut`: a 100k-component document tree costs hundreds of megabytes, the text does
/// not (strings are still escaped by toml_edit, and `parse` reads the result back).
pub fn render(entries: &[LockEntry]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(HEADER.len() + 64 + entries.len() * 320);
    out.push_str(HEADER);
    let _ = writeln!(out, "\nschema = {}", toml_string(LOCK_SCHEMA));
    for e in entries {
        out.push_str("\n[[component]]\n");
        let field = |out: &mut String, key: &str, value: &str| {
            let _ = writeln!(out, "{key} = {}", toml_string(value));
        };
        field(&mut out, "kind", e.kind.id());
        field(&mut out, "ecosystem", e.ecosystem.id());
        field(&mut out, "name", &e.name);
        if let Some(v) = &e.version {
            field(&mut out, "version", v);
        }
        if let Some(k) = &e.constraint {
            field(&mut out, "constraint", k);
        }
        field(&mut out, "scope", e.scope.id());
        let _ = writeln!(out, "direct = {}", e.direct);
        if let Some(i) = &e.integrity {
            field(&mut out, "integrity", i);
        }
        if let Some(u) = &e.url {
            field(&mut out, "url", u);
        }
        let files: Vec<String> = e.files.iter().map(|f| toml_string(f)).collect();
        if files.len() > 1 {
            // One file per line: adding a file is a one-line diff.
            out.push_str("files = [\n");
            for f in files {
                let _ = writeln!(out, "  {f},");
            }
            out.push_str("]\n");
        } else {
            let _ = writeln!(out, "files = [{}]", files.join(", "));
        }
    }
    out
}

/// A malformed polyver.lock, located.
#[derive(Debug)]
pub struct LockError {
    pub line: u32,
    pub message: String,
    pub hint: Option<String>,
}

fn line_of(text: &str, offset: usize) -> u32 {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    text[..offset].matches('\n').count() as u32 + 1
}

/// Where a part of polyver.lock starts in the whole text, for line numbers.
#[derive(Clone, Copy)]
struct Src<'a> {
    full: &'a str,
    base: usize,
}

impl Src<'_> {
    fn line(&self, span: Option<std::ops::Range<usize>>) -> u32 {
        span.map_or(0, |s| line_of(self.full, self.base + s.start))
    }
}

/// Reads polyver.lock's text back into entries, checking every key.
///
/// Each `[[component]]` table is parsed as a document of its own (a toml_edit tree of the
/// whole 100k-component file would cost a gigabyte); if any part fails, the whole text is
/// parsed at once, so errors and odd-but-valid layouts are judged on the real file.
pub fn parse(text: &str) -> Result<Vec<LockEntry>, LockError> {
    let mut starts = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_end() == "[[component]]" {
            starts.push(offset);
        }
        offset += line.len();
    }
    let whole = Src {
        full: text,
        base: 0,
    };
    let Some(&first) = starts.first() else {
        return parse_part(whole, text, true);
    };
    let chunked = (|| {
        let mut out = parse_part(whole, &text[..first], true)?;
        for (i, &start) in starts.iter().enumerate() {
            let end = starts.get(i + 1).copied().unwrap_or(text.len());
            let src = Src {
                full: text,
                base: start,
            };
            out.extend(parse_part(src, &text[start..end], false)?);
        }
        out.sort();
        Ok(out)
    })();
    chunked.or_else(|_: LockError| parse_part(whole, text, true))
}

/// Parses `part` (the header when `header`, else `[[component]]` tables).
fn parse_part(src: Src, part: &str, header: bool) -> Result<Vec<LockEntry>, LockError> {
    let err =
        |span: Option<std::ops::Range<usize>>, message: String, hint: Option<String>| LockError {
            line: src.line(span),
            message,
            hint,
        };
    let doc = toml_edit::Document::parse(part).map_err(|e| {
        err(
            e.span(),
            format!("invalid TOML: {}", e.message().trim()),
            None,
        )
    })?;
    let top = doc.as_table();
    for (key, _) in top.iter() {
        if key != "schema" && key != "component" {
            return Err(unknown(
                src,
                top.key(key).and_then(|k| k.span()),
                key,
                &["schema", "component"],
            ));
        }
    }
    match top.get("schema").and_then(Item::as_str) {
        _ if !header => {}
        Some(LOCK_SCHEMA) => {}
        Some(other) => {
            return Err(err(
                top.get("schema").and_then(Item::span),
                format!("schema `{other}` is not {LOCK_SCHEMA}"),
                Some(
                    "it was written by another polyver version: run `polyver lock` to rewrite it"
                        .into(),
                ),
            ))
        }
        None => {
            return Err(err(
                None,
                format!("no `schema = \"{LOCK_SCHEMA}\"`: this is not a polyver.lock"),
                Some("run `polyver lock` to write it".into()),
            ))
        }
    }
    let Some(item) = top.get("component") else {
        return Ok(Vec::new());
    };
    let tables = item.as_array_of_tables().ok_or_else(|| {
        err(
            item.span(),
            "`component` must be an array of tables: [[component]]".into(),
            None,
        )
    })?;
    let mut out = Vec::with_capacity(tables.len());
    for t in tables.iter() {
        out.push(entry(src, t)?);
    }
    out.sort();
    Ok(out)
}

fn unknown(src: Src, span: Option<std::ops::Range<usize>>, key: &str, valid: &[&str]) -> LockError {
    let nearest = valid
        .iter()
        .map(|v| (strsim::damerau_levenshtein(key, v), *v))
        .filter(|(d, v)| *d <= 2.max(v.len() / 3))
        .min();
    LockError {
        line: src.line(span),
        message: format!("unknown key `{key}`"),
        hint: Some(match nearest {
            Some((_, v)) => format!("did you mean `{v}`? (valid: {})", valid.join(", ")),
            None => format!("valid: {}", valid.join(", ")),
        }),
    }
}

fn entry(src: Src, t: &Table) -> Result<LockEntry, LockError> {
    let at = |span: Option<std::ops::Range<usize>>, message: String| LockError {
        line: src.line(span.or(t.span())),
        message,
        hint: Some("run `polyver lock` to rewrite the file".into()),
    };
    for (key, _) in t.iter() {
        if !ENTRY_KEYS.contains(&key) {
            return Err(unknown(
                src,
                t.key(key).and_then(|k| k.span()),
                key,
                ENTRY_KEYS,
            ));
        }
    }
    let string = |key: &str| -> Result<Option<String>, LockError> {
        match t.get(key) {
            None => Ok(None),
            Some(item) => item
                .as_str()
                .map(|s| Some(s.to_string()))
                .ok_or_else(|| at(item.span(), format!("`{key}` must be a string"))),
        }
    };
    let required = |key: &str| -> Result<String, LockError> {
        string(key)?.ok_or_else(|| at(None, format!("[[component]] without `{key}`")))
    };
    fn enum_value<T: serde::de::DeserializeOwned>(s: &str) -> Option<T> {
        serde_json::from_value(serde_json::Value::String(s.to_string())).ok()
    }
    let kind = required("kind")?;
    let ecosystem = required("ecosystem")?;
    let scope = required("scope")?;
    let direct = match t.get("direct") {
        Some(item) => item
            .as_bool()
            .ok_or_else(|| at(item.span(), "`direct` must be true or false".into()))?,
        None => return Err(at(None, "[[component]] without `direct`".into())),
    };
    let files = match t.get("files") {
        Some(item) => {
            let array = item
                .as_array()
                .ok_or_else(|| at(item.span(), "`files` must be an array of paths".into()))?;
            array
                .iter()
                .map(|v| {
                    v.as_str()
                        .map(str::to_string)
                        .ok_or_else(|| at(v.span(), "`files` must contain only strings".into()))
                })
                .collect::<Result<Vec<_>, _>>()?
        }
        None => return Err(at(None, "[[component]] without `files`".into())),
    };
    Ok(LockEntry {
        kind: enum_value(&kind).ok_or_else(|| {
            at(
                t.get("kind").and_then(Item::span),
                format!("unknown kind `{kind}`"),
            )
        })?,
        ecosystem: enum_value(&ecosystem).ok_or_else(|| {
            at(
                t.get("ecosystem").and_then(Item::span),
                format!("unknown ecosystem `{ecosystem}`"),
            )
        })?,
        name: required("name")?,
        version: string("version")?,
        constraint: string("constraint")?,
        scope: enum_value(&scope).ok_or_else(|| {
            at(
                t.get("scope").and_then(Item::span),
                format!("unknown scope `{scope}`"),
            )
        })?,
        direct,
        integrity: string("integrity")?,
        url: string("url")?,
        files,
    })
}

/// An entry that changed: the same (kind, ecosystem, name) before and after.
#[derive(Debug, Serialize)]
pub struct Change {
    pub before: LockEntry,
    pub after: LockEntry,
    /// What differs, readable: `version 2.31.0 → 2.32.0`.
    pub fields: Vec<String>,
}

/// The difference between the recorded and the current entries.
#[derive(Debug, Default, Serialize)]
pub struct Drift {
    pub added: Vec<LockEntry>,
    pub removed: Vec<LockEntry>,
    pub changed: Vec<Change>,
    pub unchanged: usize,
}

impl Drift {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

fn opt(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("(none)")
}

fn changed_fields(a: &LockEntry, b: &LockEntry) -> Vec<String> {
    let mut out = Vec::new();
    if a.version != b.version {
        out.push(format!("version {} → {}", opt(&a.version), opt(&b.version)));
    }
    if a.constraint != b.constraint {
        out.push(format!(
            "constraint {} → {}",
            opt(&a.constraint),
            opt(&b.constraint)
        ));
    }
    if a.scope != b.scope {
        out.push(format!("scope {} → {}", a.scope, b.scope));
    }
    if a.direct != b.direct {
        out.push(
            if b.direct {
                "now direct"
            } else {
                "now transitive"
            }
            .to_string(),
        );
    }
    if a.integrity != b.integrity {
        out.push(match (&a.integrity, &b.integrity) {
            (Some(_), Some(_)) => "integrity changed".to_string(),
            (None, Some(_)) => "integrity added".to_string(),
            _ => "integrity removed".to_string(),
        });
    }
    if a.url != b.url {
        out.push(format!("url {} → {}", opt(&a.url), opt(&b.url)));
    }
    if a.files != b.files {
        let (fa, fb): (BTreeSet<&String>, BTreeSet<&String>) =
            (a.files.iter().collect(), b.files.iter().collect());
        for f in fb.difference(&fa) {
            out.push(format!("+ file {f}"));
        }
        for f in fa.difference(&fb) {
            out.push(format!("- file {f}"));
        }
    }
    out
}

/// Compares two sorted entry lists. Entries present on one side only are paired into
/// changes when they share kind, ecosystem and name (by most files in common, then in
/// order), the rest are added/removed.
pub fn diff(recorded: &[LockEntry], current: &[LockEntry]) -> Drift {
    let old: BTreeSet<&LockEntry> = recorded.iter().collect();
    let new: BTreeSet<&LockEntry> = current.iter().collect();
    let mut drift = Drift {
        unchanged: old.intersection(&new).count(),
        ..Drift::default()
    };
    type Id<'a> = (Ecosystem, &'a str, Kind);
    let mut gone: BTreeMap<Id, Vec<&LockEntry>> = BTreeMap::new();
    for e in old.difference(&new) {
        gone.entry((e.ecosystem, &e.name, e.kind))
            .or_default()
            .push(e);
    }
    let mut came: BTreeMap<Id, Vec<&LockEntry>> = BTreeMap::new();
    for e in new.difference(&old) {
        came.entry((e.ecosystem, &e.name, e.kind))
            .or_default()
            .push(e);
    }
    for (id, before) in &gone {
        let mut after = came.remove(id).unwrap_or_default();
        for b in before {
            // The counterpart is the entry declared in the most of the same files (the same
            // package pinned differently in two files is two pairs, not a crossed one).
            let overlap = |a: &LockEntry| a.files.iter().filter(|f| b.files.contains(f)).count();
            let best = (0..after.len()).max_by_key(|&i| (overlap(after[i]), std::cmp::Reverse(i)));
            match best {
                Some(i) => {
                    let a = after.remove(i);
                    drift.changed.push(Change {
                        fields: changed_fields(b, a),
                        before: (*b).clone(),
                        after: a.clone(),
                    })
                }
                None => drift.removed.push((*b).clone()),
            }
        }
        drift.added.extend(after.into_iter().cloned());
    }
    for (_, after) in came {
        drift.added.extend(after.into_iter().cloned());
    }
    drift.added.sort();
    drift
}

/// One line about an entry: `pypi requests 2.31.0 (runtime) in requirements.txt`.
pub fn describe(e: &LockEntry) -> String {
    let what = match (&e.version, &e.constraint) {
        (Some(v), _) => format!(" {v}"),
        (None, Some(k)) => format!(" {k}"),
        (None, None) => e
            .integrity
            .as_ref()
            .map(|i| format!(" {i}"))
            .unwrap_or_default(),
    };
    let mut facts: Vec<String> = Vec::new();
    if e.kind != Kind::Package {
        facts.push(e.kind.to_string());
    }
    if e.scope != Scope::Runtime || e.kind == Kind::Package {
        facts.push(e.scope.to_string());
    }
    if !e.direct {
        facts.push("transitive".into());
    }
    format!(
        "{} {}{what} ({}) in {}",
        e.ecosystem,
        e.name,
        facts.join(", "),
        e.files.join(", ")
    )
}

#[cfg(test)]
mod tests;
