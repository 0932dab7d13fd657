//! `gradle/wrapper/gradle-wrapper.properties`: the Gradle version `./gradlew` downloads.
//!
//! Why a format of its own: the wrapper, not the machine, decides which Gradle builds the
//! project, so this file pins `gradle` the way `.tool-versions` pins a tool. The version is
//! read from the distribution's file name in `distributionUrl`
//! (`.../gradle-8.5-bin.zip`, `-all.zip`, `gradle-8.0-rc-1-bin.zip`, a mirror's URL alike);
//! `distributionSha256Sum` is its integrity. The file is a Java properties file: `#`/`!`
//! comments, `=`, `:` or blanks between key and value, `\` escapes and continued lines.

use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{Component, Diagnostic, DiagnosticCode, Ecosystem, Format, Kind, Scope};
use std::path::Path;

pub struct GradleWrapperExtractor;

const ID: Format = Format::GradleWrapper;
const FILE: &str = "gradle-wrapper.properties";

impl Extractor for GradleWrapperExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint::names(&[FILE]))
    }

    fn matches(&self, path: &Path) -> bool {
        file_name(path) == FILE
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let props = properties(file.text());
        let Some((line, url)) = props
            .iter()
            .find(|p| p.1 == "distributionUrl")
            .map(|p| (p.0, &p.2))
        else {
            out.diagnose(Diagnostic::warning(
                DiagnosticCode::InvalidValue,
                file.path(),
                1,
                "no `distributionUrl`: the Gradle version is not pinned here",
            ));
            return out;
        };
        let Some(version) = distribution_version(url) else {
            out.diagnose(Diagnostic::warning(
                DiagnosticCode::InvalidValue,
                file.path(),
                line,
                format!(
                    "`distributionUrl` {:?} is not a `gradle-<version>-bin.zip` or `-all.zip` \
                     distribution; no Gradle version",
                    polyver_model::read::excerpt(url)
                ),
            ));
            return out;
        };
        let mut c = Component::new(
            Kind::Tool,
            Ecosystem::Generic,
            "gradle",
            ID,
            file.location(line),
        )
        .with_scope(Scope::Build)
        .with_version(version);
        c.integrity = props
            .iter()
            .find(|p| p.1 == "distributionSha256Sum" && !p.2.is_empty())
            .map(|p| format!("sha256:{}", p.2.to_ascii_lowercase()));
        out.push(c);
        out
    }
}

/// The version in a distribution file name: `gradle-8.14.5-bin.zip` → `8.14.5`.
fn distribution_version(url: &str) -> Option<&str> {
    let name = url.rsplit('/').next()?;
    let stem = name.strip_prefix("gradle-")?;
    let version = stem
        .strip_suffix("-bin.zip")
        .or_else(|| stem.strip_suffix("-all.zip"))?;
    (version.starts_with(|c: char| c.is_ascii_digit())
        && version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '_')))
    .then_some(version)
}

/// `(line, key, value)` of each property, escapes decoded, continued lines joined; the line
/// is the one the key is on.
fn properties(text: &str) -> Vec<(u32, String, String)> {
    let mut out = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((i, first)) = lines.next() {
        let trimmed = first.trim_start();
        if trimmed.is_empty() || trimmed.starts_with(['#', '!']) {
            continue;
        }
        let mut logical = String::from(trimmed);
        while ends_continued(&logical) {
            logical.pop();
            match lines.next() {
                Some((_, next)) => logical.push_str(next.trim_start()),
                None => break,
            }
        }
        let (key, value) = split_entry(&logical);
        out.push((i as u32 + 1, key, value));
    }
    out
}

/// An odd number of trailing backslashes continues the line.
fn ends_continued(line: &str) -> bool {
    line.chars().rev().take_while(|c| *c == '\\').count() % 2 == 1
}

/// Key and value, split at the first unescaped `=`, `:` or blank, escapes decoded.
fn split_entry(line: &str) -> (String, String) {
    let mut key = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => key.push(unescape(chars.next())),
            '=' | ':' => break,
            c if c.is_whitespace() => {
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
                if matches!(chars.peek(), Some('=' | ':')) {
                    chars.next();
                }
                break;
            }
            c => key.push(c),
        }
    }
    while chars.peek().is_some_and(|c| c.is_whitespace()) {
        chars.next();
    }
    let mut value = String::new();
    while let Some(c) = chars.next() {
        match c {
            '\\' => value.push(unescape(chars.next())),
            c => value.push(c),
        }
    }
    (key, value.trim_end().to_string())
}

fn unescape(c: Option<char>) -> char {
    match c {
        Some('t') => '\t',
        Some('n') => '\n',
        Some('r') => '\r',
        Some(c) => c,
        None => '\\',
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extract(text: &str) -> Extracted {
        GradleWrapperExtractor.extract(&SourceFile::from_text(
            "gradle/wrapper/gradle-wrapper.properties",
            text,
        ))
    }

    #[test]
    fn version_from_the_distribution_file_name() {
        assert_eq!(
            distribution_version("https://services.gradle.org/distributions/gradle-8.5-bin.zip"),
            Some("8.5")
        );
        assert_eq!(
            distribution_version("https://mirror.example/gradle/gradle-8.0-rc-1-all.zip"),
            Some("8.0-rc-1")
        );
        assert_eq!(distribution_version("https://example.com/custom.zip"), None);
    }

    #[test]
    fn escapes_continuations_and_checksum() {
        let x = extract(
            "# c\ndistributionSha256Sum=ABC123\ndistributionUrl=https\\://services.gradle.org/\\\n    distributions/gradle-8.14.5-bin.zip\n",
        );
        assert!(x.diagnostics.is_empty(), "{:?}", x.diagnostics);
        let c = &x.components[0];
        assert_eq!(
            (c.name.as_str(), c.version.as_deref(), c.locations[0].line),
            ("gradle", Some("8.14.5"), 3)
        );
        assert_eq!(c.integrity.as_deref(), Some("sha256:abc123"));
    }

    #[test]
    fn an_unknown_distribution_is_said() {
        let x = extract("distributionUrl=file\\:/opt/dist.zip\n");
        assert!(x.components.is_empty());
        assert_eq!(x.diagnostics[0].line, 1);
        let x = extract("zipStoreBase=GRADLE_USER_HOME\n");
        assert!(x.components.is_empty());
        assert_eq!(x.diagnostics.len(), 1);
    }
}
