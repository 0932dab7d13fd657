//! PEP 508 dependency specifiers (`name[extra]>=1,<2 ; python_version < "3.11"`), shared by
//! requirements files and pyproject.toml.
//!
//! A hand parser rather than `pep508_rs`: polyver needs the parts as written (the
//! specifier and marker text are kept verbatim for reports and rewrites), and evaluating
//! versions is `polyver-version`'s job. The grammar is checked strictly enough to reject
//! garbage with a reason: name, optional extras, then either a version specifier list
//! (optionally parenthesized) or `@ url`, then an optional `; marker`.

use polyver_model::read::excerpt;

/// A parsed requirement. Texts are trimmed but otherwise as written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Requirement {
    pub name: String,
    pub extras: Vec<String>,
    /// `>=1.0,<2`, without surrounding parentheses or spaces around commas.
    pub specifier: Option<String>,
    pub url: Option<String>,
    pub marker: Option<String>,
}

impl Requirement {
    /// The exact version when the specifier is a single `==X` (no wildcard) or `===X`.
    pub fn pinned_version(&self) -> Option<String> {
        let spec = self.specifier.as_deref()?;
        if spec.contains(',') {
            return None;
        }
        let v = spec
            .strip_prefix("===")
            .or_else(|| spec.strip_prefix("=="))?
            .trim();
        (!v.is_empty() && !v.contains('*') && !v.contains('$')).then(|| v.to_string())
    }
}

const OPERATORS: [&str; 8] = ["===", "~=", "==", "!=", "<=", ">=", "<", ">"];

/// Parses one PEP 508 requirement string.
pub fn parse(input: &str) -> Result<Requirement, String> {
    let s = input.trim();
    let name_end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(s.len());
    let name = &s[..name_end];
    if name.is_empty() {
        return Err(format!("expected a package name at {:?}", preview(s)));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphanumeric())
        || !name.ends_with(|c: char| c.is_ascii_alphanumeric())
    {
        return Err(format!("invalid package name {:?}", excerpt(name)));
    }
    let mut req = Requirement {
        name: name.to_string(),
        ..Requirement::default()
    };
    let mut rest = s[name_end..].trim_start();

    if let Some(after) = rest.strip_prefix('[') {
        let close = after
            .find(']')
            .ok_or_else(|| "unclosed `[` in extras".to_string())?;
        for extra in after[..close].split(',').map(str::trim) {
            if extra.is_empty() {
                continue;
            }
            if !extra
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            {
                return Err(format!("invalid extra {:?}", excerpt(extra)));
            }
            req.extras.push(extra.to_string());
        }
        rest = after[close + 1..].trim_start();
    }

    if let Some(after) = rest.strip_prefix('@') {
        let after = after.trim_start();
        // A URL ends at whitespace; a marker after a URL must be separated by whitespace.
        let end = after.find(char::is_whitespace).unwrap_or(after.len());
        let url = &after[..end];
        if url.is_empty() {
            return Err("expected a URL after `@`".into());
        }
        req.url = Some(url.to_string());
        rest = after[end..].trim_start();
    } else {
        let spec_end = rest.find(';').unwrap_or(rest.len());
        let mut spec = rest[..spec_end].trim();
        if let Some(inner) = spec.strip_prefix('(') {
            spec = inner
                .strip_suffix(')')
                .ok_or_else(|| "unclosed `(` in version specifier".to_string())?
                .trim();
        }
        if !spec.is_empty() {
            req.specifier = Some(parse_specifiers(spec)?);
        }
        rest = &rest[spec_end..];
    }

    if let Some(marker) = rest.strip_prefix(';') {
        let marker = marker.trim();
        if marker.is_empty() {
            return Err("empty environment marker after `;`".into());
        }
        req.marker = Some(marker.to_string());
    } else if !rest.trim().is_empty() {
        return Err(format!("unexpected {:?}", preview(rest.trim())));
    }
    Ok(req)
}

/// Validates the shape of a specifier list and returns it with whitespace normalized
/// (`>= 1.0 , < 2` → `>=1.0,<2`).
fn parse_specifiers(spec: &str) -> Result<String, String> {
    let mut out = Vec::new();
    for clause in spec.split(',') {
        let clause = clause.trim();
        let op = OPERATORS
            .iter()
            .find(|op| clause.starts_with(**op))
            .ok_or_else(|| format!("expected a version operator in {:?}", preview(clause)))?;
        let version = clause[op.len()..].trim();
        if version.is_empty() {
            return Err(format!("missing version after `{op}`"));
        }
        let ok = version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '*' | '+' | '!' | '-' | '_'))
            || (version.starts_with("${") && version.ends_with('}'));
        if !ok {
            return Err(format!("invalid version {:?}", excerpt(version)));
        }
        out.push(format!("{op}{version}"));
    }
    Ok(out.join(","))
}

fn preview(s: &str) -> &str {
    match s.char_indices().nth(40) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_forms() {
        let r = parse("Requests[security, socks] >= 2.8.1, == 2.8.* ; python_version < \"2.7\"")
            .unwrap();
        assert_eq!(r.name, "Requests");
        assert_eq!(r.extras, ["security", "socks"]);
        assert_eq!(r.specifier.as_deref(), Some(">=2.8.1,==2.8.*"));
        assert_eq!(r.marker.as_deref(), Some("python_version < \"2.7\""));
        assert_eq!(r.pinned_version(), None);

        let r =
            parse("pip @ https://github.com/pypa/pip/archive/1.3.1.zip ; python_version >= '3'")
                .unwrap();
        assert_eq!(
            r.url.as_deref(),
            Some("https://github.com/pypa/pip/archive/1.3.1.zip")
        );
        assert!(r.marker.is_some());

        assert_eq!(
            parse("name (==1.0)").unwrap().pinned_version().as_deref(),
            Some("1.0")
        );
        assert_eq!(
            parse("a===1.0.local").unwrap().pinned_version().as_deref(),
            Some("1.0.local")
        );
    }

    #[test]
    fn rejects_garbage() {
        for bad in [
            "", ">=1.0", "foo >= ", "foo bar", "foo[x", "foo (>=1", "-foo", "foo;", "foo @",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}
