//! GitHub Actions workflows and composite actions (`action.yml`).
//!
//! - `uses: owner/repo[/path]@v4` (steps, reusable workflows `o/r/.github/workflows/x.yml@v1`,
//!   composite actions' steps): the tag moves, at the precision written (a major tag `v4`
//!   already follows `v4.2.1`, so it is left alone unless `bump_ranges`; `v4` → `v5`).
//! - `uses: owner/repo@<sha> # v4.1.1`: the commit moves to the target's commit
//!   (`Target.digest`, 40 hex, `sha1:` accepted) and the version in the pinning tool's
//!   comment (`# v4.1.1`, `#v3.0.11`, `# tag=v4.1.1`, `# ratchet:owner/repo@v4`) to the
//!   target version, in the comment's own style; a SHA pin without a comment gets one.
//! - [`pin_action`] turns a tag pin into a SHA pin with the tag in a comment
//!   (`--pin-actions`).
//! - `container:`, `services.*.image` and `docker://` steps are images
//!   ([`super::image_ref`]); `actions/setup-*` versions (`python-version: "3.12"`, matrix
//!   lists) move at the precision written.
//! - A branch ref (`@main`) is refused: there is no version to move.

use polyver_model::{Format, Kind};

use crate::formats::image_ref::rewrite_image;
use crate::formats::written::{
    column_of, in_style_of, keep_precision, line_from, not_found, splice, unsupported,
    yaml_scalar_span,
};
use crate::rewrite::{replace_on_line, Outcome, Request, RewriteError, Rewriter};

pub struct GithubActionsRewriter;

impl Rewriter for GithubActionsRewriter {
    fn formats(&self) -> &'static [Format] {
        &[Format::GithubActions]
    }

    fn rewrite(&self, text: &str, request: &Request<'_>) -> Result<Outcome, RewriteError> {
        match request.component.kind {
            Kind::Action => rewrite_uses(text, request),
            Kind::Image => rewrite_image(text, request, column_of(request)),
            _ => rewrite_setup_version(text, request),
        }
    }
}

/// Converts the tag pin of the request's action into a pin on `Target.digest` (the commit
/// the tag points to), with the tag in a comment: `uses: actions/checkout@v4` becomes
/// `uses: actions/checkout@<sha> # v4.2.2` (`Target.version` is the comment). An action
/// already pinned to a commit is left alone.
pub fn pin_action(text: &str, request: &Request<'_>) -> Result<Outcome, RewriteError> {
    let uses = find_uses(text, request)?;
    if is_commit(uses.git_ref(text)) {
        return Ok(Outcome::AlreadySatisfied);
    }
    let sha = commit_of(request)?;
    let old_ref = uses.git_ref(text).to_string();
    let comment = format!(" # {}", in_style_of(&old_ref, &request.target.version));
    // The comment goes after the value (and its closing quote).
    let mut out = splice(text, uses.reference.clone(), &sha);
    let shift = sha.len() as isize - old_ref.len() as isize;
    let after = (uses.value_end as isize + shift) as usize;
    out.insert_str(after, &comment);
    Ok(Outcome::Rewritten(out))
}

/// A `uses:` value as written.
struct Uses {
    /// The ref after `@`.
    reference: std::ops::Range<usize>,
    /// End of the value, after a closing quote.
    value_end: usize,
}

impl Uses {
    fn git_ref<'t>(&self, text: &'t str) -> &'t str {
        &text[self.reference.clone()]
    }
}

fn find_uses(text: &str, request: &Request<'_>) -> Result<Uses, RewriteError> {
    let c = request.component;
    let what = || format!("action `{}`", c.name);
    let range = line_from(text, request.line, column_of(request))
        .ok_or_else(|| not_found(request, what()))?;
    let body = &text[range.clone()];
    // Without a column, the value follows `uses:`.
    let value_at = match column_of(request) {
        Some(_) => range.start,
        None => {
            let key = body
                .find("uses:")
                .ok_or_else(|| not_found(request, what()))?;
            let after = &body[key + 5..];
            range.start + key + 5 + (after.len() - after.trim_start().len())
        }
    };
    let (value, _) = yaml_scalar_span(text, value_at).ok_or_else(|| not_found(request, what()))?;
    let written = &text[value.clone()];
    let (target, git_ref) = written
        .rsplit_once('@')
        .ok_or_else(|| not_found(request, what()))?;
    let mut parts = target.splitn(3, '/');
    let owner_repo = format!(
        "{}/{}",
        parts.next().unwrap_or_default().to_ascii_lowercase(),
        parts.next().unwrap_or_default().to_ascii_lowercase()
    );
    let name = match parts.next() {
        Some(p) if !p.is_empty() => format!("{owner_repo}/{p}"),
        _ => owner_repo,
    };
    if name != c.name {
        return Err(not_found(request, what()));
    }
    let quoted = text[value.end..].starts_with(['"', '\'']);
    Ok(Uses {
        reference: value.end - git_ref.len()..value.end,
        value_end: value.end + usize::from(quoted),
    })
}

fn is_commit(git_ref: &str) -> bool {
    git_ref.len() == 40 && git_ref.chars().all(|c| c.is_ascii_hexdigit())
}

/// The target commit: `Target.digest` as 40 hex digits (`sha1:` prefix accepted).
fn commit_of(request: &Request<'_>) -> Result<String, RewriteError> {
    let digest = request.target.digest.as_deref().ok_or_else(|| {
        unsupported(
            request,
            format!(
                "action `{}` is pinned to a commit and no commit was given for {}",
                request.component.name, request.target.version
            ),
        )
    })?;
    let sha = digest.strip_prefix("sha1:").unwrap_or(digest);
    if !is_commit(sha) {
        return Err(unsupported(
            request,
            format!("`{digest}` is not a 40-hex commit SHA"),
        ));
    }
    Ok(sha.to_ascii_lowercase())
}

fn rewrite_uses(text: &str, request: &Request<'_>) -> Result<Outcome, RewriteError> {
    let c = request.component;
    let uses = find_uses(text, request)?;
    let git_ref = uses.git_ref(text).to_string();
    if is_commit(&git_ref) {
        let sha = commit_of(request)?;
        let expected = c
            .integrity
            .as_deref()
            .map(|i| i.trim_start_matches("sha1:"));
        if expected.is_some_and(|e| !e.eq_ignore_ascii_case(&git_ref)) {
            return Err(not_found(
                request,
                format!("commit `{}`", expected.unwrap_or_default()),
            ));
        }
        let line_end = crate::rewrite::line_span(text, request.line).map_or(text.len(), |r| r.end);
        let tail = &text[uses.value_end..line_end];
        let new_version = request.target.version.as_str();
        let mut out;
        match tail.find('#') {
            Some(hash) => {
                let comment_start = uses.value_end + hash;
                let comment = &text[comment_start..line_end];
                let old = c.version.as_deref().filter(|v| *v != git_ref);
                let new_comment = match old
                    .and_then(|old| replace_token(comment, old, &in_style_of(old, new_version)))
                {
                    Some(new_comment) => new_comment,
                    None if old.is_none() => {
                        // A comment that names no version: the version goes first.
                        format!("# {new_version} {}", comment[1..].trim_start())
                    }
                    None => {
                        return Err(not_found(
                            request,
                            format!("version `{}` in the comment", old.unwrap_or_default()),
                        ))
                    }
                };
                out = splice(text, comment_start..line_end, &new_comment);
                out = splice(&out, uses.reference.clone(), &sha);
            }
            None => {
                out = splice(
                    text,
                    uses.value_end..uses.value_end,
                    &format!(" # {new_version}"),
                );
                out = splice(&out, uses.reference.clone(), &sha);
            }
        }
        return Ok(if out == text {
            Outcome::AlreadySatisfied
        } else {
            Outcome::Rewritten(out)
        });
    }
    if c.version.as_deref() != Some(git_ref.as_str()) {
        return Err(match c.version.as_deref() {
            None => unsupported(
                request,
                format!(
                    "action `{}` follows the branch `{git_ref}`; there is no version to move",
                    c.name
                ),
            ),
            Some(v) => not_found(request, format!("`{}@{v}`", c.name)),
        });
    }
    match keep_precision(&git_ref, &request.target.version, request.bump_ranges) {
        None => Ok(Outcome::AlreadySatisfied),
        Some(new) => Ok(Outcome::Rewritten(splice(text, uses.reference, &new))),
    }
}

/// `comment` with the whole word `old` (also after `tag=` or `@`) replaced by `new`.
fn replace_token(comment: &str, old: &str, new: &str) -> Option<String> {
    let is_word = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '_');
    let (i, _) = comment.match_indices(old).find(|(i, m)| {
        !comment[..*i].ends_with(is_word) && !comment[i + m.len()..].starts_with(is_word)
    })?;
    Some(format!(
        "{}{new}{}",
        &comment[..i],
        &comment[i + old.len()..]
    ))
}

/// A setup action's version input at its recorded place (a matrix value, a quoted scalar,
/// a line of a block scalar).
fn rewrite_setup_version(text: &str, request: &Request<'_>) -> Result<Outcome, RewriteError> {
    let c = request.component;
    let Some(old) = c.version.as_deref() else {
        return Err(unsupported(
            request,
            format!(
                "{} is given as `{}`, not a version",
                c.name,
                c.constraint.as_ref().map_or("?", |k| k.raw.as_str())
            ),
        ));
    };
    let Some(new) = keep_precision(old, &request.target.version, request.bump_ranges) else {
        return Ok(Outcome::AlreadySatisfied);
    };
    if let Some(range) = column_of(request).and_then(|col| line_from(text, request.line, Some(col)))
    {
        if let Some((value, quote)) = yaml_scalar_span(text, range.start) {
            let written = &text[value.clone()];
            let bare = written.strip_prefix('v').unwrap_or(written);
            if bare == old {
                let new = in_style_of(written, &new);
                let new = match quote {
                    None if crate::formats::written::plain_is_not_a_string(&new) => {
                        format!("'{new}'")
                    }
                    _ => new,
                };
                return Ok(Outcome::Rewritten(splice(text, value, &new)));
            }
        }
    }
    let written = crate::formats::written::line_span_text(text, request.line).unwrap_or("");
    let old_written = if written.contains(&format!("v{old}")) {
        format!("v{old}")
    } else {
        old.to_string()
    };
    let new = in_style_of(&old_written, &new);
    replace_on_line(text, request.path, request.line, &old_written, &new).map(Outcome::Rewritten)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rewrite::Target;
    use polyver_model::{Component, Ecosystem, Location};

    const SHA_A: &str = "9b0c1fce7a93df8e3bb8926b0d6e9d89e92f20a7";
    const SHA_B: &str = "1111111111111111111111111111111111111111";

    fn action(name: &str, version: &str, sha: Option<&str>, line: u32, column: u32) -> Component {
        let mut c = Component::new(
            Kind::Action,
            Ecosystem::GithubActions,
            name,
            Format::GithubActions,
            Location::new("w.yml", line).with_column(column),
        )
        .with_version(version);
        c.integrity = sha.map(|s| format!("sha1:{s}"));
        c
    }

    fn request<'a>(c: &'a Component, target: &'a Target, bump: bool) -> Request<'a> {
        Request {
            component: c,
            path: "w.yml",
            line: c.locations[0].line,
            target,
            bump_ranges: bump,
        }
    }

    fn target(v: &str, d: Option<&str>) -> Target {
        Target {
            version: v.into(),
            digest: d.map(str::to_string),
        }
    }

    fn rewritten(r: Result<Outcome, RewriteError>) -> String {
        match r {
            Ok(Outcome::Rewritten(s)) => s,
            other => panic!("expected a rewrite, got {other:?}"),
        }
    }

    #[test]
    fn tags_move_at_their_precision() {
        let text = "steps:\r\n  - uses: actions/checkout@v4 # clone\r\n  - uses: \"actions/setup-go@v5.0.1\"\r\n";
        let c = action("actions/checkout", "v4", None, 2, 11);
        let t = target("v4.2.2", None);
        assert_eq!(
            GithubActionsRewriter.rewrite(text, &request(&c, &t, false)),
            Ok(Outcome::AlreadySatisfied)
        );
        let t = target("v5.0.0", None);
        let out = rewritten(GithubActionsRewriter.rewrite(text, &request(&c, &t, false)));
        assert_eq!(out, text.replace("checkout@v4", "checkout@v5"));
        let c = action("actions/setup-go", "v5.0.1", None, 3, 11);
        let t = target("v5.2.0", None);
        let out = rewritten(GithubActionsRewriter.rewrite(text, &request(&c, &t, false)));
        assert_eq!(out, text.replace("v5.0.1", "v5.2.0"));
    }

    #[test]
    fn sha_pins_move_commit_and_comment_in_its_style() {
        let text = format!("      uses: actions/cache@{SHA_A} #v3.0.11\n      uses: o/r@{SHA_A} # tag=v1.2.0 keep\n      uses: o/r/.github/workflows/x.yml@{SHA_A}\n");
        let c = action("actions/cache", "v3.0.11", Some(SHA_A), 1, 13);
        let t = target("v4.2.0", Some(SHA_B));
        let out = rewritten(GithubActionsRewriter.rewrite(&text, &request(&c, &t, false)));
        assert!(
            out.starts_with(&format!("      uses: actions/cache@{SHA_B} #v4.2.0\n")),
            "{out}"
        );
        let c = action("o/r", "v1.2.0", Some(SHA_A), 2, 13);
        let out = rewritten(GithubActionsRewriter.rewrite(&text, &request(&c, &t, false)));
        assert!(
            out.contains(&format!("uses: o/r@{SHA_B} # tag=v4.2.0 keep\n")),
            "{out}"
        );
        // No comment: the SHA moves and the version is written after it.
        let c = action("o/r/.github/workflows/x.yml", SHA_A, Some(SHA_A), 3, 13);
        let out = rewritten(GithubActionsRewriter.rewrite(&text, &request(&c, &t, false)));
        assert!(out.ends_with(&format!("x.yml@{SHA_B} # v4.2.0\n")), "{out}");
        // No commit given: refused, never a tag written over a pin.
        let t = target("v4.2.0", None);
        let err = GithubActionsRewriter
            .rewrite(&text, &request(&c, &t, false))
            .unwrap_err();
        assert!(err.to_string().contains("pinned to a commit"), "{err}");
    }

    #[test]
    fn pin_action_converts_tag_pins() {
        let text = "    - uses: 'actions/checkout@v4'  # clone\n";
        let c = action("actions/checkout", "v4", None, 1, 13);
        let t = target("v4.2.2", Some(&format!("sha1:{SHA_B}")));
        let out = rewritten(pin_action(text, &request(&c, &t, false)));
        assert_eq!(
            out,
            format!("    - uses: 'actions/checkout@{SHA_B}' # v4.2.2  # clone\n")
        );
        let t = target("v4.2.2", Some("abc"));
        assert!(pin_action(text, &request(&c, &t, false)).is_err());
    }

    #[test]
    fn docker_steps_and_service_images() {
        let text = "    services:\n      db:\n        image: postgres:16.2\n    steps:\n      - uses: docker://alpine:3.19 # tools\n";
        let image = |name: &str, version: &str, line, column| {
            Component::new(
                Kind::Image,
                Ecosystem::Docker,
                name,
                Format::GithubActions,
                Location::new("w.yml", line).with_column(column),
            )
            .with_version(version)
        };
        let t = target("3.20", None);
        let c = image("alpine", "3.19", 5, 15);
        let out = rewritten(GithubActionsRewriter.rewrite(text, &request(&c, &t, false)));
        assert!(
            out.ends_with("uses: docker://alpine:3.20 # tools\n"),
            "{out}"
        );
        let t = target("17.0", None);
        let c = image("postgres", "16.2", 3, 16);
        let out = rewritten(GithubActionsRewriter.rewrite(text, &request(&c, &t, false)));
        assert!(out.contains("image: postgres:17.0\n"), "{out}");
    }

    #[test]
    fn branches_and_setup_versions() {
        let text = "- uses: o/r@main\n- uses: actions/setup-python@v5\n  with:\n    python-version: \"3.12\"\n";
        let mut c = action("o/r", "x", None, 1, 9);
        c.version = None;
        c = c.with_constraint("main");
        let t = target("v2", None);
        let err = GithubActionsRewriter
            .rewrite(text, &request(&c, &t, false))
            .unwrap_err();
        assert!(err.to_string().contains("branch"), "{err}");
        let py = Component::new(
            Kind::Runtime,
            Ecosystem::Generic,
            "python",
            Format::GithubActions,
            Location::new("w.yml", 4).with_column(21),
        )
        .with_version("3.12");
        let t = target("3.13.1", None);
        let out = rewritten(GithubActionsRewriter.rewrite(text, &request(&py, &t, false)));
        assert!(out.ends_with("python-version: \"3.13\"\n"), "{out}");
    }
}
