//! From what a package says about its licence to an SPDX expression, and how sure we are.
//!
//! Metadata in the wild is a mix of valid SPDX (`MIT OR Apache-2.0`), almost-SPDX
//! (`GPL-2.0+`, `mit/apache-2.0`, deprecated ids) and free text (`Apache 2.0`,
//! `BSD License`, trove classifiers). A policy can only be applied to an expression, so
//! every input is normalized here, and the [`Rule`] that did it is kept and shown: a reviewer
//! must be able to tell an exact declaration from an alias and from a guess. Anything that
//! cannot be mapped is reported as unknown, never dropped.

use serde::Serialize;
use std::fmt;

/// How a declared licence became an SPDX expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// Already a valid SPDX expression.
    Spdx,
    /// SPDX with non-canonical spelling fixed: deprecated ids (`GPL-2.0` → `GPL-2.0-only`),
    /// `+`, lowercase operators, `/` for `OR`.
    Normalized,
    /// A well-known free-text name with one meaning (`Apache 2.0`, `MIT License`).
    Alias,
    /// A Python trove classifier (`License :: OSI Approved :: MIT License`).
    Classifier,
    /// A name that can mean several licences (`BSD`, `GPL`, `Apache Software License`);
    /// the most likely one is used and the guess is reported.
    Guess,
    /// Recognized from the full licence text.
    Text,
    /// Could not be mapped.
    Unknown,
}

impl Rule {
    pub fn id(self) -> &'static str {
        match self {
            Rule::Spdx => "spdx",
            Rule::Normalized => "normalized",
            Rule::Alias => "alias",
            Rule::Classifier => "classifier",
            Rule::Guess => "guess",
            Rule::Text => "text",
            Rule::Unknown => "unknown",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// A declared licence after normalization.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Normalized {
    /// As declared (trimmed).
    pub declared: String,
    /// The SPDX expression; `None` when unknown.
    pub expression: Option<String>,
    pub rule: Rule,
    /// Why, for aliases, guesses and unknowns (`"BSD" names several licences`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Normalized {
    pub fn unknown(declared: &str, note: impl Into<String>) -> Self {
        Normalized {
            declared: declared.trim().to_string(),
            expression: None,
            rule: Rule::Unknown,
            note: Some(note.into()),
        }
    }

    fn mapped(declared: &str, expression: &str, rule: Rule, note: Option<String>) -> Self {
        Normalized {
            declared: declared.trim().to_string(),
            expression: Some(expression.to_string()),
            rule,
            note,
        }
    }

    /// The parsed expression (deprecated ids and `LicenseRef-`s accepted).
    pub fn parsed(&self) -> Option<spdx::Expression> {
        self.expression.as_deref().and_then(parse_lenient)
    }
}

/// Parses a canonical expression for evaluation: the spec's syntax, deprecated ids allowed
/// (some have no replacement, e.g. `wxWindows`).
pub fn parse_lenient(expression: &str) -> Option<spdx::Expression> {
    let mode = spdx::ParseMode {
        allow_deprecated: true,
        ..spdx::ParseMode::STRICT
    };
    spdx::Expression::parse_mode(expression, mode).ok()
}

/// Longest declared value considered (a pasted licence text is handled by
/// [`crate::detect`], not here).
const MAX_DECLARED: usize = 512;

/// Normalizes a declared licence: SPDX, then the free-text table, then the `spdx` crate's
/// lax parser; otherwise unknown.
pub fn normalize(declared: &str) -> Normalized {
    let text = declared.trim();
    let text = strip_quotes(text);
    if text.is_empty() {
        return Normalized::unknown(declared, "empty licence field");
    }
    if text.len() > MAX_DECLARED || text.contains('\n') {
        if let Some(found) = crate::detect::detect_text(text) {
            return Normalized::mapped(
                "(licence text)",
                found.id,
                Rule::Text,
                Some(format!("recognized by the phrase \"{}\"", found.phrase)),
            );
        }
        return Normalized::unknown(
            "(licence text)",
            "a licence text polyver does not recognize",
        );
    }
    if spdx::Expression::parse(text).is_ok() {
        return Normalized::mapped(text, text, Rule::Spdx, None);
    }
    if let Some(id) = id_ignoring_case(text) {
        return Normalized::mapped(text, &id, Rule::Normalized, None);
    }
    let key = table_key(text);
    if let Some(n) = special(text, &key) {
        return n;
    }
    if let Some((id, rule, note)) = lookup(&key) {
        return Normalized::mapped(text, id, rule, note.map(str::to_string));
    }
    // Almost-SPDX: deprecated ids, `+`, `/`, lowercase operators (no imprecise names yet).
    let exact_mode = spdx::ParseMode {
        allow_imprecise_license_names: false,
        ..spdx::ParseMode::LAX
    };
    if spdx::Expression::parse_mode(text, exact_mode).is_ok() {
        if let Some(can) = canonical(text) {
            return Normalized::mapped(text, &can, Rule::Normalized, None);
        }
    }
    // Each operand of an expression may itself be a free-text name: `MIT License OR Apache 2.0`.
    if let Some(joined) = free_text_operands(text) {
        return joined;
    }
    if spdx::Expression::parse_mode(text, spdx::ParseMode::LAX).is_ok() {
        if let Some(can) = canonical(text) {
            return Normalized::mapped(
                text,
                &can,
                Rule::Guess,
                Some("imprecise name mapped by the spdx crate's table".to_string()),
            );
        }
    }
    Normalized::unknown(
        text,
        "not an SPDX expression nor a licence name polyver knows",
    )
}

/// Maps a Python trove classifier (`License :: OSI Approved :: MIT License`). `None` for
/// classifiers that name no licence (`License :: OSI Approved` alone).
pub fn from_classifier(classifier: &str) -> Option<Normalized> {
    let rest = classifier.trim().strip_prefix("License ::")?.trim();
    let last = rest.rsplit("::").next()?.trim();
    if matches!(
        last,
        "OSI Approved" | "DFSG approved" | "Freely Distributable" | "Freeware"
    ) {
        return None;
    }
    let mut n = normalize(last);
    n.declared = classifier.trim().to_string();
    match n.rule {
        Rule::Unknown => {}
        Rule::Guess => {}
        _ => n.rule = Rule::Classifier,
    }
    Some(n)
}

fn canonical(text: &str) -> Option<String> {
    let can = match spdx::Expression::canonicalize(text) {
        Ok(Some(c)) => c,
        Ok(None) => text.to_string(),
        Err(_) => return None,
    };
    parse_lenient(&can).map(|_| can)
}

/// `mit`, `apache-2.0`, `GPL-3.0+` written with the wrong case (canonical form).
fn id_ignoring_case(text: &str) -> Option<String> {
    if text.contains(char::is_whitespace) || text.len() > 64 {
        return None;
    }
    let (base, plus) = match text.strip_suffix('+') {
        Some(b) => (b, true),
        None => (text, false),
    };
    let id = spdx::identifiers::LICENSES
        .iter()
        .find(|l| l.name.eq_ignore_ascii_case(base))?;
    canonical(&format!("{}{}", id.name, if plus { "+" } else { "" }))
}

fn strip_quotes(s: &str) -> &str {
    s.strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .unwrap_or(s)
        .trim()
}

/// Lowercase, single spaces, no trailing dot, `licence` spelled `license`.
fn table_key(text: &str) -> String {
    let lower = text.to_lowercase().replace("licence", "license");
    let words: Vec<&str> = lower.split_whitespace().collect();
    words.join(" ").trim_end_matches('.').to_string()
}

/// npm's special values and other non-table cases.
fn special(text: &str, key: &str) -> Option<Normalized> {
    if key == "unlicensed" {
        return Some(Normalized::mapped(
            text,
            "LicenseRef-UNLICENSED",
            Rule::Alias,
            Some("npm's UNLICENSED: no permission to use (proprietary)".to_string()),
        ));
    }
    if key.starts_with("see license in ") {
        let file = text
            .split_whitespace()
            .skip(3)
            .collect::<Vec<_>>()
            .join(" ");
        return Some(Normalized::unknown(
            text,
            format!("a custom licence in the package's {file}"),
        ));
    }
    if matches!(
        key,
        "unknown" | "noassertion" | "none" | "other" | "n/a" | "-"
    ) {
        return Some(Normalized::unknown(text, "declared as unknown"));
    }
    None
}

fn free_text_operands(text: &str) -> Option<Normalized> {
    let (parts, op) = [" OR ", " or ", " AND ", " and "].iter().find_map(|sep| {
        text.contains(sep)
            .then(|| (text.split(sep).collect::<Vec<_>>(), sep))
    })?;
    if parts.len() < 2 || text.contains('(') {
        return None;
    }
    let mut ids = Vec::new();
    let mut worst = Rule::Spdx;
    for part in &parts {
        let n = normalize(part);
        let id = n.expression?;
        if id.contains(' ') {
            return None;
        }
        worst = worst.max(n.rule);
        ids.push(id);
    }
    let joined = ids.join(&op.to_uppercase());
    parse_lenient(&joined)?;
    Some(Normalized::mapped(
        text,
        &joined,
        worst.max(Rule::Normalized),
        Some("each operand mapped on its own".to_string()),
    ))
}

/// Free-text names → SPDX. `Some(note)` marks a guess.
fn lookup(key: &str) -> Option<(&'static str, Rule, Option<&'static str>)> {
    let alias = |id| Some((id, Rule::Alias, None));
    let guess = |id, why| Some((id, Rule::Guess, Some(why)));
    match key {
        "mit license" | "the mit license" | "mit license (mit)" | "expat" | "expat license"
        | "mit/x11" | "expat (mit/x11)" | "mit-style" | "mit style" | "mit license mit" => {
            alias("MIT")
        }
        "apache 2.0"
        | "apache-2"
        | "apache 2"
        | "apache2"
        | "apache2.0"
        | "apache-2.0 license"
        | "apache 2.0 license"
        | "apache license 2.0"
        | "apache license, version 2.0"
        | "apache license version 2.0"
        | "apache license v2"
        | "apache license v2.0"
        | "apache software license 2.0"
        | "apache software license, version 2.0"
        | "asl 2.0"
        | "asl2"
        | "al2"
        | "apache license (2.0)"
        | "apache-2.0 license (apache-2.0)" => alias("Apache-2.0"),
        "bsd 3-clause"
        | "bsd-3"
        | "bsd3"
        | "3-clause bsd"
        | "bsd 3-clause license"
        | "bsd-3-clause license"
        | "3-clause bsd license"
        | "new bsd"
        | "new bsd license"
        | "modified bsd"
        | "modified bsd license"
        | "revised bsd license"
        | "bsd 3 clause" => alias("BSD-3-Clause"),
        "bsd 2-clause"
        | "bsd-2"
        | "bsd2"
        | "2-clause bsd"
        | "bsd 2-clause license"
        | "bsd-2-clause license"
        | "2-clause bsd license"
        | "simplified bsd"
        | "simplified bsd license"
        | "freebsd"
        | "freebsd license"
        | "bsd 2 clause" => alias("BSD-2-Clause"),
        "isc license" | "isc license (iscl)" | "iscl" => alias("ISC"),
        "mozilla public license 2.0"
        | "mozilla public license 2.0 (mpl 2.0)"
        | "mpl 2.0"
        | "mpl-2"
        | "mpl2"
        | "mpl v2"
        | "mpl 2" => alias("MPL-2.0"),
        "mozilla public license 1.1 (mpl 1.1)" | "mpl 1.1" => alias("MPL-1.1"),
        "gnu general public license v3 (gplv3)"
        | "gnu general public license v3"
        | "gplv3"
        | "gpl v3"
        | "gpl-3"
        | "gpl 3"
        | "gnu gpl v3"
        | "gnu gplv3"
        | "gpl3" => alias("GPL-3.0-only"),
        "gnu general public license v3 or later (gplv3+)"
        | "gplv3+"
        | "gpl-3+"
        | "gpl v3+"
        | "gplv3 or later"
        | "gpl-3.0 or later" => alias("GPL-3.0-or-later"),
        "gnu general public license v2 (gplv2)"
        | "gnu general public license v2"
        | "gplv2"
        | "gpl v2"
        | "gpl-2"
        | "gpl 2"
        | "gnu gpl v2"
        | "gnu gplv2"
        | "gpl2" => alias("GPL-2.0-only"),
        "gnu general public license v2 or later (gplv2+)"
        | "gplv2+"
        | "gpl-2+"
        | "gpl v2+"
        | "gplv2 or later"
        | "gpl-2.0 or later" => alias("GPL-2.0-or-later"),
        "gnu lesser general public license v3 (lgplv3)"
        | "lgplv3"
        | "lgpl v3"
        | "lgpl-3"
        | "lgpl3" => alias("LGPL-3.0-only"),
        "gnu lesser general public license v3 or later (lgplv3+)" | "lgplv3+" | "lgpl-3+" => {
            alias("LGPL-3.0-or-later")
        }
        "gnu lesser general public license v2 (lgplv2)" | "lgplv2" | "lgpl v2" | "lgpl-2" => {
            guess("LGPL-2.1-only", "LGPLv2 names 2.0 and 2.1; 2.1 assumed")
        }
        "gnu lesser general public license v2 or later (lgplv2+)" | "lgplv2+" | "lgpl-2+" => {
            alias("LGPL-2.0-or-later")
        }
        "lgpl 2.1" | "lgplv2.1" | "lgpl v2.1" => alias("LGPL-2.1-only"),
        "lgplv2.1+" | "lgpl 2.1 or later" => alias("LGPL-2.1-or-later"),
        "gnu affero general public license v3" | "agplv3" | "agpl v3" | "agpl-3" | "agpl3" => {
            alias("AGPL-3.0-only")
        }
        "gnu affero general public license v3 or later (agplv3+)" | "agplv3+" | "agpl-3+" => {
            alias("AGPL-3.0-or-later")
        }
        "psf"
        | "psf license"
        | "psfl"
        | "python software foundation license"
        | "python software foundation"
        | "psf-2" => alias("PSF-2.0"),
        "the unlicense" | "the unlicense (unlicense)" | "unlicense license" => alias("Unlicense"),
        "cc0"
        | "cc0 1.0"
        | "cc0 1.0 universal"
        | "cc0 1.0 universal (cc0 1.0) public domain dedication" => alias("CC0-1.0"),
        "public domain" | "public-domain" | "publicdomain" => alias("LicenseRef-Public-Domain"),
        "proprietary"
        | "other/proprietary license"
        | "commercial"
        | "commercial license"
        | "proprietary license"
        | "all rights reserved" => alias("LicenseRef-Proprietary"),
        "zlib license" | "zlib/libpng license" | "zlib/libpng" => alias("Zlib"),
        "zpl 2.1" | "zope public license 2.1" | "zpl-2.1 license" => alias("ZPL-2.1"),
        "bsd-style license" | "bsd style license" | "bsd-like license" => guess(
            "BSD-3-Clause",
            "\"BSD\" names several licences (2-, 3-, 4-clause); 3-clause assumed",
        ),
        "boost software license 1.0"
        | "boost software license 1.0 (bsl-1.0)"
        | "boost"
        | "boost license" => alias("BSL-1.0"),
        "eclipse public license 2.0"
        | "eclipse public license 2.0 (epl-2.0)"
        | "epl 2.0"
        | "epl-2" => alias("EPL-2.0"),
        "eclipse public license 1.0"
        | "eclipse public license 1.0 (epl-1.0)"
        | "epl 1.0"
        | "epl-1" => alias("EPL-1.0"),
        "academic free license (afl)" => guess("AFL-3.0", "AFL with no version; 3.0 assumed"),
        "european union public licence 1.2 (eupl 1.2)" | "eupl 1.2" => alias("EUPL-1.2"),
        "wtfpl" | "do what the f*ck you want to public license" => alias("WTFPL"),
        "universal permissive license (upl)" | "upl" => alias("UPL-1.0"),
        "historical permission notice and disclaimer (hpnd)" => alias("HPND"),
        "server side public license" | "sspl" => alias("SSPL-1.0"),
        "bsd" | "bsd license" | "bsd-style" | "bsd style" | "bsd-like" | "bsd licence" => guess(
            "BSD-3-Clause",
            "\"BSD\" names several licences (2-, 3-, 4-clause); 3-clause assumed",
        ),
        "gpl" | "gnu gpl" | "gnu general public license" | "gnu general public license (gpl)" => {
            guess(
                "GPL-2.0-or-later",
                "GPL with no version; 2.0 or later assumed",
            )
        }
        "lgpl"
        | "gnu lgpl"
        | "gnu library or lesser general public license (lgpl)"
        | "gnu lesser general public license" => guess(
            "LGPL-2.1-or-later",
            "LGPL with no version; 2.1 or later assumed",
        ),
        "agpl" | "gnu affero general public license" => guess(
            "AGPL-3.0-or-later",
            "AGPL with no version; 3.0 or later assumed",
        ),
        "apache" | "apache license" | "apache software license" | "asl" => {
            guess("Apache-2.0", "Apache licence with no version; 2.0 assumed")
        }
        "mpl" | "mozilla public license" | "mozilla" => {
            guess("MPL-2.0", "MPL with no version; 2.0 assumed")
        }
        "artistic" | "artistic license" => guess(
            "Artistic-2.0",
            "Artistic licence with no version; 2.0 assumed",
        ),
        "dual license" | "dual licensed" => None,
        _ => None,
    }
}

#[cfg(test)]
mod tests;
