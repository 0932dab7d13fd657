//! How a written constraint changes so that it admits a target version, the way the
//! ecosystem writes it: an exact pin moves; a range that already admits the target stays
//! (the lock file moves instead) unless `bump_ranges`; a range that must change keeps its
//! operators and its precision (`^1.2` → `^2.0`, `~> 7.0.4` → `~> 8.0.1`, `>=1.2,<2` →
//! `>=1.2,<3`).
//!
//! Every "does it admit" question goes to `polyver-version` (each ecosystem's reference
//! semantics), and every rewritten constraint is checked to admit the target before it is
//! returned: a widening this module gets wrong is refused, never written.
//!
//! The result is a list of clause edits (operator, old version text, new version text)
//! rather than a new string, because files do not always write the constraint as the
//! extractor reports it (`gem "pg", ">= 1.1", "< 2.0"` is reported as `>= 1.1, < 2.0`):
//! each format module finds each edited clause on its line.

use polyver_model::Ecosystem;
use polyver_version::Ecosystem as Scheme;

/// One clause whose version text changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClauseEdit {
    /// The operator as written (`>=`, `^`, `~>`, empty for a bare version).
    pub op: String,
    pub old: String,
    pub new: String,
}

/// What happens to one written constraint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// It admits the target already; nothing to write.
    Satisfied,
    /// These clauses change; `constraint` is the whole new constraint, as the extractor
    /// will report it.
    Edit {
        edits: Vec<ClauseEdit>,
        constraint: String,
    },
}

/// The version scheme for constraints of `ecosystem`. Composer ranges read like npm's
/// (`^`, `~` are translated, see [`composer_as_npm`]).
fn scheme_of(ecosystem: Ecosystem) -> Option<Scheme> {
    match ecosystem {
        Ecosystem::Composer => Some(Scheme::Npm),
        other => other.version_scheme(""),
    }
}

/// Whether `raw` (written in `ecosystem`'s syntax) admits `version`; `None` when there is no
/// version engine for it or either does not parse.
pub fn admits(ecosystem: Ecosystem, raw: &str, version: &str) -> Option<bool> {
    let scheme = scheme_of(ecosystem)?;
    let raw = match ecosystem {
        Ecosystem::Composer => composer_as_npm(raw)?,
        Ecosystem::Pypi if raw.contains('^') || (raw.contains('~') && !raw.contains("~=")) => {
            poetry_as_pep440(raw)?
        }
        _ => raw.to_string(),
    };
    polyver_version::satisfies(scheme, version.trim_start_matches('v'), &raw)
        .or_else(|_| polyver_version::satisfies(scheme, version, &raw))
        .ok()
}

/// Composer's `~1.2` is `>=1.2 <2.0` and `~1.2.3` is `>=1.2.3 <1.3.0` (npm's `~1.2` is
/// `<1.3`); `||` and `|` are alternatives; `,` and spaces are "and". Everything else reads
/// as npm's.
fn composer_as_npm(raw: &str) -> Option<String> {
    let alternatives: Vec<String> = raw
        .split("||")
        .flat_map(|a| a.split('|'))
        .map(|alt| {
            alt.split([',', ' '])
                .filter(|c| !c.is_empty())
                .map(|clause| match clause.strip_prefix('~') {
                    Some(v) => {
                        let parts: Vec<&str> = v.split('.').collect();
                        if parts.len() == 2 {
                            let major: u64 = parts[0].parse().unwrap_or(0);
                            format!(">={v} <{}.0.0", major + 1)
                        } else {
                            format!("~{v}")
                        }
                    }
                    None => clause.to_string(),
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    Some(alternatives.join(" || "))
}

/// Poetry's `^1.2` / `~1.2` (in `[tool.poetry.dependencies]`) as PEP 440: `^` allows
/// changes that keep the leftmost non-zero part, `~` changes of the last given part's
/// neighbour (`~1.2` = `>=1.2,<1.3`, `~1` = `>=1,<2`).
fn poetry_as_pep440(raw: &str) -> Option<String> {
    let clauses: Vec<String> = raw
        .split(',')
        .map(str::trim)
        .map(|clause| {
            let (op, version) = split_op(clause);
            let parts = numeric_parts(version);
            let bound = |i: usize| {
                let mut b: Vec<u64> = parts.clone();
                b.truncate(i + 1);
                b[i] += 1;
                b.iter().map(u64::to_string).collect::<Vec<_>>().join(".")
            };
            match op {
                "^" if !parts.is_empty() => {
                    let i = parts
                        .iter()
                        .position(|&p| p != 0)
                        .unwrap_or(parts.len() - 1);
                    format!(">={version},<{}", bound(i))
                }
                "~" if !parts.is_empty() => {
                    let i = if parts.len() >= 2 { 1 } else { 0 };
                    format!(">={version},<{}", bound(i))
                }
                _ => clause.to_string(),
            }
        })
        .collect();
    Some(clauses.join(","))
}

/// How `raw` changes for `target`. `Err` says why it cannot (an alternative range, a form
/// this module does not widen, no version engine for the ecosystem).
pub fn change(
    ecosystem: Ecosystem,
    raw: &str,
    target: &str,
    bump_ranges: bool,
) -> Result<Change, String> {
    let trimmed = raw.trim();
    if matches!(trimmed, "" | "*" | "latest" | "x" | "X") {
        return Ok(Change::Satisfied);
    }
    let admitted = admits(ecosystem, trimmed, target);
    if admitted.is_none() && scheme_of(ecosystem).is_some() {
        return Err(format!(
            "`{trimmed}` or `{target}` is not readable as a {} constraint",
            ecosystem.id()
        ));
    }
    if admitted == Some(true) && !bump_ranges {
        return Ok(Change::Satisfied);
    }
    if trimmed.contains("||") || (ecosystem == Ecosystem::Composer && trimmed.contains('|')) {
        return Err(format!(
            "`{trimmed}` has alternatives (`||`); which one to widen is a person's choice"
        ));
    }
    if matches!(ecosystem, Ecosystem::Maven | Ecosystem::Nuget) && trimmed.starts_with(['[', '(']) {
        return Err(format!(
            "`{trimmed}` is a version range; polyver moves plain versions only in this format"
        ));
    }
    let mut edits = Vec::new();
    let clauses = split_clauses(ecosystem, trimmed);
    if clauses.is_empty() {
        return Err(format!("`{trimmed}` has no clause to move"));
    }
    let mut new_clauses = Vec::new();
    for clause in &clauses {
        let (op, version) = split_op(clause);
        let new_version = clause_target(ecosystem, op, version, target, bump_ranges)?;
        if let Some(new_version) = new_version.filter(|n| n != version) {
            edits.push(ClauseEdit {
                op: op.to_string(),
                old: version.to_string(),
                new: new_version.clone(),
            });
            new_clauses.push(clause.replacen(version, &new_version, 1));
        } else {
            new_clauses.push(clause.to_string());
        }
    }
    let constraint = rebuild(trimmed, &clauses, &new_clauses);
    if edits.is_empty() {
        return match admitted {
            Some(true) | None => Ok(Change::Satisfied),
            Some(false) => Err(format!(
                "`{trimmed}` excludes {target} and polyver does not know how to widen it"
            )),
        };
    }
    if admits(ecosystem, &constraint, target) == Some(false) {
        return Err(format!(
            "widening `{trimmed}` gave `{constraint}`, which still excludes {target}; not written"
        ));
    }
    Ok(Change::Edit { edits, constraint })
}

/// The clauses of a constraint: `,`-separated (PEP 440, Cargo, RubyGems, Composer), or
/// space-separated comparators (npm), keeping each clause's operator and spacing.
fn split_clauses(ecosystem: Ecosystem, raw: &str) -> Vec<String> {
    if raw.contains(',') {
        return raw
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect();
    }
    if matches!(ecosystem, Ecosystem::Npm | Ecosystem::Composer) {
        // `>= 1.2 < 2` and `>=1.2 <2`: an operator alone joins the version after it.
        let mut out: Vec<String> = Vec::new();
        let mut pending = String::new();
        for word in raw.split_whitespace() {
            if word.chars().all(|c| "<>=^~!".contains(c)) {
                pending.push_str(word);
                pending.push(' ');
                continue;
            }
            out.push(format!("{pending}{word}"));
            pending.clear();
        }
        return out;
    }
    vec![raw.to_string()]
}

fn rebuild(raw: &str, old: &[String], new: &[String]) -> String {
    let mut out = raw.to_string();
    let mut from = 0;
    for (o, n) in old.iter().zip(new) {
        if let Some(at) = out[from..].find(o.as_str()) {
            let at = from + at;
            out.replace_range(at..at + o.len(), n);
            from = at + n.len();
        }
    }
    out
}

/// `>= 1.2` → (`>=`, `1.2`).
fn split_op(clause: &str) -> (&str, &str) {
    let clause = clause.trim();
    let end = clause
        .find(|c: char| !"<>=^~!".contains(c))
        .unwrap_or(clause.len());
    (clause[..end].trim(), clause[end..].trim())
}

/// The numeric release parts as written (`1.2.x` → [1, 2], stops at the first non-number),
/// and whether the text goes on after them (a wildcard or a pre-release).
fn numeric_parts(version: &str) -> Vec<u64> {
    version
        .trim_start_matches('v')
        .split('.')
        .map_while(|p| p.parse::<u64>().ok())
        .collect()
}

/// `target` written with `n` release parts (`2.0.3`, 2 → `2.0`); the full target when it has
/// fewer numeric parts or a suffix that truncation would drop.
fn with_precision(target: &str, n: usize) -> String {
    let parts: Vec<&str> = target.split('.').collect();
    let numeric = parts
        .iter()
        .take_while(|p| p.parse::<u64>().is_ok())
        .count();
    if n >= parts.len() || n == 0 || numeric < n {
        return target.to_string();
    }
    parts[..n].join(".")
}

/// The upper bound above `target` at the same position as `bound`: `<2` → `<3` for 2.1,
/// `<1.5` → `<1.8` for 1.7.2, `<2.0.0` → `<3.0.0`.
fn next_bound(bound: &str, target: &str) -> String {
    let b = numeric_parts(bound);
    let t = numeric_parts(target);
    let width = b.len().max(1);
    let position = b.iter().rposition(|&p| p != 0).unwrap_or(0);
    let mut out: Vec<u64> = (0..width).map(|i| t.get(i).copied().unwrap_or(0)).collect();
    out[position] += 1;
    for p in out.iter_mut().skip(position + 1) {
        *p = 0;
    }
    let text = out.iter().map(u64::to_string).collect::<Vec<_>>().join(".");
    if bound.starts_with('v') {
        format!("v{text}")
    } else {
        text
    }
}

/// The new version text of one clause, `None` when it stays.
fn clause_target(
    ecosystem: Ecosystem,
    op: &str,
    version: &str,
    target: &str,
    bump_ranges: bool,
) -> Result<Option<String>, String> {
    let v_prefix = version.starts_with('v') && !target.starts_with('v');
    let target_text = if v_prefix {
        format!("v{target}")
    } else if !version.starts_with('v') && ecosystem != Ecosystem::Go {
        target.trim_start_matches('v').to_string()
    } else {
        target.to_string()
    };
    let precision = version.split('.').count();
    let wildcard = version.ends_with(".*") || version.ends_with(".x") || version.ends_with(".X");
    let admits_target = |clause: &str| admits(ecosystem, clause, target);
    Ok(match op {
        // Exact pins move to the target.
        "==" | "===" | "=" | "" if !wildcard => {
            let bare_is_range = op.is_empty() && ecosystem == Ecosystem::Cargo;
            if bare_is_range {
                // Cargo's bare `1.2` is `^1.2`.
                if admits_target(version) == Some(true) && !bump_ranges {
                    None
                } else {
                    Some(with_precision(&target_text, precision))
                }
            } else if matches!(ecosystem, Ecosystem::Npm) && op.is_empty() && precision < 3 {
                // npm's `1` or `1.2` is an x-range.
                Some(with_precision(&target_text, precision))
            } else {
                Some(target_text)
            }
        }
        // Wildcards and caret/tilde ranges keep their precision.
        "==" | "=" | "" => {
            let stem = version
                .trim_end_matches(['*', 'x', 'X'])
                .trim_end_matches('.');
            let n = stem.split('.').count();
            let suffix = &version[stem.len()..];
            Some(format!("{}{suffix}", with_precision(&target_text, n)))
        }
        "^" | "~" | "~>" | "~=" => {
            if admits_target(&format!("{op}{version}")) == Some(true) && !bump_ranges {
                None
            } else {
                let n = if op == "~=" {
                    precision.max(2)
                } else {
                    precision
                };
                Some(with_precision(&target_text, n))
            }
        }
        ">=" | ">" => {
            if bump_ranges {
                Some(target_text)
            } else {
                None
            }
        }
        "<" => {
            if admits_target(&format!("<{version}")) == Some(false) {
                Some(next_bound(version, &target_text))
            } else {
                None
            }
        }
        "<=" => {
            if admits_target(&format!("<={version}")) == Some(false) {
                Some(with_precision(&target_text, precision))
            } else {
                None
            }
        }
        "!=" => None,
        other => return Err(format!("operator `{other}` is not one polyver widens")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn new(eco: Ecosystem, raw: &str, target: &str, bump: bool) -> String {
        match change(eco, raw, target, bump).unwrap() {
            Change::Satisfied => "(satisfied)".into(),
            Change::Edit { constraint, .. } => constraint,
        }
    }

    #[test]
    fn pins_move_and_ranges_widen_the_ecosystem_way() {
        use Ecosystem::*;
        let cases = [
            (Pypi, "==2.31.0", "2.32.3", "==2.32.3"),
            (Pypi, ">=1.2,<2", "2.1.0", ">=1.2,<3"),
            (Pypi, ">=2.0,<3", "2.9.0", "(satisfied)"),
            (Pypi, "~=3.4", "4.1", "~=4.1"),
            (Pypi, "~=1.4.2", "2.0.1", "~=2.0.1"),
            (Pypi, "==1.2.*", "1.3.0", "==1.3.*"),
            (Pypi, "^0.1.7", "0.2.0", "^0.2.0"),
            (Pypi, "^3.10", "3.13.1", "(satisfied)"),
            (Pypi, "~5.2", "5.2.7", "(satisfied)"),
            (Pypi, "~5.2", "5.4.0", "~5.4"),
            (Pypi, ">=0.24,<0.25", "0.27.2", ">=0.24,<0.28"),
            (Npm, "^1.2", "2.0.3", "^2.0"),
            (Npm, "^4.17.20", "4.17.21", "(satisfied)"),
            (Npm, "^4.17.20", "5.0.0", "^5.0.0"),
            (Npm, "~1.2.0", "1.3.1", "~1.3.1"),
            (Npm, "18.2.0", "18.3.1", "18.3.1"),
            (Npm, ">=1.2 <2", "2.4.0", ">=1.2 <3"),
            (Npm, "1.x", "2.1.0", "2.x"),
            (Cargo, "1.2", "2.0.1", "2.0"),
            (Cargo, "1.0", "1.0.200", "(satisfied)"),
            (Cargo, "=1.9.1", "1.10.0", "=1.10.0"),
            (Cargo, "^0.11", "0.12.4", "^0.12"),
            (Rubygems, "~> 7.0.4", "7.1.2", "~> 7.1.2"),
            (Rubygems, ">= 1.1, < 2.0", "2.1.0", ">= 1.1, < 3.0"),
            (Rubygems, "5.6.5", "6.4.2", "6.4.2"),
            (Composer, "^2.9", "3.5.0", "^3.5"),
            (Composer, "~7.4", "7.9.0", "(satisfied)"),
            (Composer, "~7.4", "8.1.0", "~8.1"),
            // A bare Maven or NuGet version is a soft minimum: it admits newer ones (the
            // rewriters move it as the pin it is in practice, see `rewrite::plan_edits`).
            (Maven, "4.12", "4.13.2", "(satisfied)"),
            (Nuget, "13.0.1", "13.0.3", "(satisfied)"),
        ];
        for (eco, raw, target, want) in cases {
            assert_eq!(
                new(eco, raw, target, false),
                want,
                "{eco:?} {raw} → {target}"
            );
        }
    }

    #[test]
    fn bump_ranges_moves_admitting_ranges_too() {
        assert_eq!(new(Ecosystem::Npm, "^4.17.20", "4.17.21", true), "^4.17.21");
        assert_eq!(
            new(Ecosystem::Pypi, ">=2.0,<3", "2.9.0", true),
            ">=2.9.0,<3"
        );
        // Precision is kept: `1.0` already says "1.0.x or newer compatible".
        assert_eq!(new(Ecosystem::Cargo, "1.0", "1.0.200", true), "(satisfied)");
        assert_eq!(new(Ecosystem::Cargo, "1.0", "1.4.2", true), "1.4");
    }

    #[test]
    fn alternatives_and_maven_ranges_are_refused_with_a_reason() {
        let e = change(Ecosystem::Npm, "^1 || ^2", "3.0.0", false).unwrap_err();
        assert!(e.contains("alternatives"), "{e}");
        let e = change(Ecosystem::Maven, "[1.0,2.0)", "3.0", false).unwrap_err();
        assert!(e.contains("range"), "{e}");
        // An alternative that admits the target needs no edit.
        assert_eq!(
            change(Ecosystem::Npm, "^1 || ^2", "2.5.0", false).unwrap(),
            Change::Satisfied
        );
    }

    proptest! {
        /// Whatever the form and the target, a rewritten constraint admits the target, and
        /// a satisfied one really does.
        #[test]
        fn every_rewrite_admits_its_target(
            major in 0u64..20, minor in 0u64..20, patch in 0u64..20,
            dmaj in 0u64..3, dmin in 0u64..5, dpat in 0u64..5,
            form in 0usize..7, bump in any::<bool>(),
        ) {
            let (t_major, t_minor, t_patch) = (major + dmaj, minor + dmin, patch + dpat);
            let target = format!("{t_major}.{t_minor}.{t_patch}");
            let (eco, raw) = match form {
                0 => (Ecosystem::Npm, format!("^{major}.{minor}.{patch}")),
                1 => (Ecosystem::Npm, format!("~{major}.{minor}")),
                2 => (Ecosystem::Pypi, format!(">={major}.{minor},<{}", major + 1)),
                3 => (Ecosystem::Pypi, format!("=={major}.{minor}.{patch}")),
                4 => (Ecosystem::Cargo, format!("{major}.{minor}")),
                5 => (Ecosystem::Rubygems, format!("~> {major}.{minor}")),
                _ => (Ecosystem::Pypi, format!("~={major}.{minor}")),
            };
            match change(eco, &raw, &target, bump) {
                Ok(Change::Satisfied) => {
                    prop_assert_eq!(admits(eco, &raw, &target), Some(true));
                }
                Ok(Change::Edit { constraint, .. }) => {
                    prop_assert_eq!(admits(eco, &constraint, &target), Some(true), "{} → {}", raw, constraint);
                }
                Err(e) => prop_assert!(false, "{} → {}: {}", raw, target, e),
            }
        }
    }
}
