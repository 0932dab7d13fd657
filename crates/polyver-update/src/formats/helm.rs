//! Helm: the images of `values.yaml` and the dependencies of `Chart.yaml`.
//!
//! - `image: "repo:tag"` strings move like any image reference ([`super::image_ref`]).
//! - Split keys (`image: {registry, repository, tag, digest}`, located by the extractor
//!   at `repository`): `tag` and `digest` are edited where they are written, in the same
//!   mapping, with their quoting kept (a plain new tag that YAML would read as a number,
//!   `1.10`, is quoted). An empty `tag` means "the chart's appVersion": refused.
//! - `Chart.yaml` / `requirements.yaml` dependencies: `version` is a Masterminds semver
//!   constraint. An exact version moves; a range that admits the target is left alone
//!   (unless `bump_ranges`); a caret, tilde or wildcard range is rewritten around the target
//!   (`^1.2.0` → `^2.1.0`, `8.x` → `9.x`); `>=a <b` gets its upper bound moved to the next
//!   major. Satisfaction uses npm's semver rules (`polyver-version`), which Masterminds
//!   follows for these forms; commas (Masterminds' AND) are read as spaces.
//! - `Chart.lock` is a lock file: never edited (`helm dependency update` regenerates it).

use polyver_model::Format;

use crate::formats::image_ref::rewrite_image;
use crate::formats::written::{column_of, in_style_of, not_found, unsupported};
use crate::formats::yaml_pos::{self, mappings_with, replace_scalar, Node};
use crate::rewrite::{Outcome, Request, RewriteError, Rewriter};

pub struct HelmRewriter;

impl Rewriter for HelmRewriter {
    fn formats(&self) -> &'static [Format] {
        &[Format::Helm]
    }

    fn rewrite(&self, text: &str, request: &Request<'_>) -> Result<Outcome, RewriteError> {
        let file = request.path.rsplit('/').next().unwrap_or(request.path);
        if matches!(file, "Chart.lock" | "requirements.lock") {
            return Err(unsupported(
                request,
                "Chart.lock is a lock file; `helm dependency update` regenerates it",
            ));
        }
        let docs = load(text, request)?;
        if matches!(
            file,
            "Chart.yaml" | "Chart.yml" | "requirements.yaml" | "requirements.yml"
        ) {
            return rewrite_chart_version(text, request, &docs, "version");
        }
        if !mappings_with(&docs, "repository", request.line).is_empty() {
            return rewrite_split_image(text, request, &docs, &["repository"], "tag", "digest");
        }
        rewrite_image(text, request, column_of(request))
    }
}

pub(crate) fn load(text: &str, request: &Request<'_>) -> Result<Vec<Node>, RewriteError> {
    yaml_pos::load(text).map_err(|e| unsupported(request, format!("not valid YAML: {e}")))
}

/// An image written as keys of one mapping: `anchors` is where the extractor located it
/// (the first that matches the request's line), `tag_key`/`digest_key` what moves.
pub(crate) fn rewrite_split_image(
    text: &str,
    request: &Request<'_>,
    docs: &[Node],
    anchors: &[&str],
    tag_key: &str,
    digest_key: &str,
) -> Result<Outcome, RewriteError> {
    let c = request.component;
    let mapping = anchors
        .iter()
        .find_map(|a| mappings_with(docs, a, request.line).into_iter().next())
        .ok_or_else(|| not_found(request, format!("image `{}`", c.name)))?;
    let tag = mapping.get(tag_key).filter(|n| n.as_str().is_some());
    let digest = mapping.get(digest_key).filter(|n| n.as_str().is_some());
    let mut out = text.to_string();
    // Edit the later value first so the earlier one's position still holds.
    let mut edits: Vec<(&Node, String, String)> = Vec::new();
    match (tag, c.version.as_deref()) {
        (Some(node), Some(old)) => {
            let written = node.as_str().unwrap_or_default();
            if written.trim() != old {
                return Err(not_found(request, format!("`{tag_key}: {old}`")));
            }
            edits.push((node, written.to_string(), request.target.version.clone()));
        }
        (Some(node), None)
            if node.as_str().is_some_and(|s| s.trim().is_empty()) && digest.is_none() =>
        {
            return Err(unsupported(
                request,
                format!(
                    "`{tag_key}` of image `{}` is empty (the chart's appVersion decides); \
                     not setting one",
                    c.name
                ),
            ));
        }
        (None, Some(_)) => return Err(not_found(request, format!("`{tag_key}:`"))),
        _ => {}
    }
    if let (Some(node), Some(old)) = (digest, c.integrity.as_deref()) {
        let Some(new) = request.target.digest.clone() else {
            return Err(unsupported(
                request,
                format!(
                    "image `{}` is pinned by digest and no new digest was given; refusing to \
                     drop the pin",
                    c.name
                ),
            ));
        };
        edits.push((node, old.to_string(), new));
    }
    if edits.is_empty() {
        return Err(unsupported(
            request,
            format!("image `{}` has no tag or digest to move", c.name),
        ));
    }
    edits.sort_by_key(|(n, _, _)| std::cmp::Reverse((n.line, n.column)));
    let mut changed = false;
    for (node, old, new) in edits {
        if old == new {
            continue;
        }
        out = replace_scalar(&out, request, node, &old, &new)?;
        changed = true;
    }
    Ok(if changed {
        Outcome::Rewritten(out)
    } else {
        Outcome::AlreadySatisfied
    })
}

/// A chart dependency (`name:` at the request's line) whose `version_key` moves.
pub(crate) fn rewrite_chart_version(
    text: &str,
    request: &Request<'_>,
    docs: &[Node],
    version_key: &str,
) -> Result<Outcome, RewriteError> {
    let c = request.component;
    let mapping = mappings_with(docs, "name", request.line)
        .into_iter()
        .next()
        .ok_or_else(|| not_found(request, format!("dependency `{}`", c.name)))?;
    let node = mapping.get(version_key).ok_or_else(|| {
        unsupported(
            request,
            format!("dependency `{}` has no `{version_key}`", c.name),
        )
    })?;
    let written = node
        .as_str()
        .ok_or_else(|| unsupported(request, format!("`{version_key}` is not a string")))?;
    let new = match semver_constraint(written.trim(), &request.target.version, request.bump_ranges)
    {
        Ok(Some(new)) => new,
        Ok(None) => return Ok(Outcome::AlreadySatisfied),
        Err(reason) => return Err(unsupported(request, reason)),
    };
    Ok(Outcome::Rewritten(replace_scalar(
        text, request, node, written, &new,
    )?))
}

/// The new Masterminds/npm-style constraint for `target`: `None` when `written` admits it
/// and `bump` is off; `Err` with a reason for a form polyver does not rewrite.
pub(crate) fn semver_constraint(
    written: &str,
    target: &str,
    bump: bool,
) -> Result<Option<String>, String> {
    let bare_target = target.strip_prefix('v').unwrap_or(target);
    let exact = written.trim_start_matches('=').trim();
    let exact_bare = exact.strip_prefix('v').unwrap_or(exact);
    let is_exact = exact_bare.split('.').count() == 3
        && exact_bare
            .split(['.', '-', '+'])
            .next()
            .is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()))
        && !exact.contains([' ', ',', '|', '*', 'x', '^', '~', '<', '>']);
    if is_exact {
        let prefix = &written[..written.len() - exact.len()];
        let new = format!("{prefix}{}", in_style_of(exact, bare_target));
        return Ok((new != written).then_some(new));
    }
    let npm_form = written.replace(',', " ");
    let admits =
        polyver_version::satisfies(polyver_version::Ecosystem::Npm, bare_target, &npm_form)
            .map_err(|e| format!("cannot read the constraint `{written}`: {e}"))?;
    if admits && !bump {
        return Ok(None);
    }
    let major = bare_target.split('.').next().unwrap_or(bare_target);
    if written.contains("||") {
        return Err(format!(
            "`{written}` has alternatives; not guessing which to widen"
        ));
    }
    for op in ["^", "~"] {
        if let Some(v) = written.strip_prefix(op) {
            if !v.contains([' ', ',']) {
                return Ok(Some(format!("{op}{}", in_style_of(v.trim(), bare_target))));
            }
        }
    }
    for wildcard in [".x", ".*", ".X"] {
        if let Some(v) = written.strip_suffix(wildcard) {
            let parts = v.split('.').count();
            if v.split('.')
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
            {
                let series: Vec<&str> = bare_target.split(['.', '-', '+']).take(parts).collect();
                return Ok(Some(format!("{}{wildcard}", series.join("."))));
            }
        }
    }
    // `>=1.2.0 <2.0.0`, `>=1.2.0, <2.0.0`: move the upper bound past the target's major.
    let parts: Vec<&str> = written
        .split([' ', ','])
        .filter(|p| !p.is_empty())
        .collect();
    if let [lower, upper] = parts.as_slice() {
        if lower.starts_with(">=") && upper.starts_with('<') && !upper.starts_with("<=") {
            let bound = upper.trim_start_matches('<').trim();
            let bound_bare = bound.strip_prefix('v').unwrap_or(bound);
            let rest: Vec<&str> = bound_bare.split('.').skip(1).collect();
            if rest.iter().all(|p| *p == "0") {
                let next: u64 = major
                    .parse()
                    .map_err(|_| format!("`{target}` has no numeric major"))?;
                let mut new_bound = (next + 1).to_string();
                for _ in &rest {
                    new_bound.push_str(".0");
                }
                let new_bound = in_style_of(bound, &new_bound);
                let at = written.rfind(bound).unwrap_or(written.len());
                let mut out = written.to_string();
                out.replace_range(at..at + bound.len(), &new_bound);
                if bump {
                    let low = lower.trim_start_matches(">=").trim();
                    let at = out.find(low).unwrap_or(0);
                    out.replace_range(at..at + low.len(), &in_style_of(low, bare_target));
                }
                return Ok(Some(out));
            }
        }
    }
    if admits {
        return Ok(None);
    }
    Err(format!(
        "the constraint `{written}` does not admit {target} and polyver does not widen that form"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rewrite::Target;
    use polyver_model::{Component, Ecosystem, Kind, Location};

    fn run(text: &str, path: &str, c: &Component, target: Target) -> Result<Outcome, RewriteError> {
        let request = Request {
            component: c,
            path,
            line: c.locations[0].line,
            target: &target,
            bump_ranges: false,
        };
        HelmRewriter.rewrite(text, &request)
    }

    fn image(version: Option<&str>, digest: Option<&str>, line: u32, column: u32) -> Component {
        let mut c = Component::new(
            Kind::Image,
            Ecosystem::Docker,
            "quay.io/brancz/kube-rbac-proxy",
            Format::Helm,
            Location::new("values.yaml", line).with_column(column),
        );
        c.version = version.map(str::to_string);
        c.integrity = digest.map(str::to_string);
        c
    }

    fn target(v: &str, d: Option<&str>) -> Target {
        Target {
            version: v.to_string(),
            digest: d.map(str::to_string),
        }
    }

    #[test]
    fn split_keys_move_tag_and_digest_keeping_quotes_and_crlf() {
        let text = "image:\r\n  registry: quay.io\r\n  repository: brancz/kube-rbac-proxy  # proxy\r\n  tag: \"v0.22.1\"\r\n  digest: sha256:aaa\r\n";
        let c = image(Some("v0.22.1"), Some("sha256:aaa"), 3, 15);
        let Ok(Outcome::Rewritten(out)) = run(
            text,
            "values.yaml",
            &c,
            target("v0.23.0", Some("sha256:bbb")),
        ) else {
            panic!()
        };
        assert_eq!(
            out,
            text.replace("v0.22.1", "v0.23.0")
                .replace("sha256:aaa", "sha256:bbb")
        );
        let err = run(text, "values.yaml", &c, target("v0.23.0", None)).unwrap_err();
        assert!(err.to_string().contains("pinned by digest"));
    }

    #[test]
    fn a_plain_tag_that_would_be_a_number_is_quoted_and_flow_style_works() {
        let text = "db: {image: {repository: postgres, tag: 16}}\n";
        let mut c = image(Some("16"), None, 1, 26);
        c.name = "postgres".into();
        let Ok(Outcome::Rewritten(out)) = run(text, "values.yaml", &c, target("17", None)) else {
            panic!()
        };
        assert_eq!(out, "db: {image: {repository: postgres, tag: \"17\"}}\n");
    }

    #[test]
    fn empty_tag_string_image_and_lock() {
        let text =
            "image:\n  repository: app\n  tag: \"\"\nsidecar:\n  image: busybox:1.36 # pinned\n";
        let mut c = image(None, None, 2, 15);
        c.name = "app".into();
        let err = run(text, "values.yaml", &c, target("2", None)).unwrap_err();
        assert!(err.to_string().contains("appVersion"), "{err}");
        let mut s = image(Some("1.36"), None, 5, 10);
        s.name = "busybox".into();
        let Ok(Outcome::Rewritten(out)) = run(text, "values.yaml", &s, target("1.37", None)) else {
            panic!()
        };
        assert!(out.ends_with("  image: busybox:1.37 # pinned\n"));
        assert!(run(text, "charts/x/Chart.lock", &s, target("1", None)).is_err());
    }

    #[test]
    fn chart_dependency_versions() {
        let text = "dependencies:\n  - name: kube-state-metrics\n    version: \"8.4.0\"\n    repository: https://x\n  - name: grafana\n    version: ^9.2.0\n";
        let mut c = Component::new(
            Kind::Package,
            Ecosystem::Helm,
            "kube-state-metrics",
            Format::Helm,
            Location::new("Chart.yaml", 2).with_column(11),
        );
        let Ok(Outcome::Rewritten(out)) = run(text, "Chart.yaml", &c, target("8.5.1", None)) else {
            panic!()
        };
        assert!(out.contains("version: \"8.5.1\"\n"));
        c.name = "grafana".into();
        c.locations[0].line = 5;
        assert_eq!(
            run(text, "Chart.yaml", &c, target("9.4.0", None)),
            Ok(Outcome::AlreadySatisfied)
        );
        let Ok(Outcome::Rewritten(out)) = run(text, "Chart.yaml", &c, target("10.1.0", None))
        else {
            panic!()
        };
        assert!(out.ends_with("version: ^10.1.0\n"));
    }

    #[test]
    fn semver_widening() {
        let w = |a, t| semver_constraint(a, t, false);
        assert_eq!(
            w(">=1.2.0 <2.0.0", "2.3.0"),
            Ok(Some(">=1.2.0 <3.0.0".into()))
        );
        assert_eq!(w(">=1.2.0, <2", "2.3.0"), Ok(Some(">=1.2.0, <3".into())));
        assert_eq!(w("8.x", "9.0.1"), Ok(Some("9.x".into())));
        assert_eq!(w("0.12.*", "0.13.1"), Ok(Some("0.13.*".into())));
        assert_eq!(w("0.12.*", "0.12.7"), Ok(None));
        assert_eq!(w("~1.2.0", "1.2.9"), Ok(None));
        assert_eq!(w("~1.2.0", "1.3.0"), Ok(Some("~1.3.0".into())));
        assert!(w("1.0.0 || 2.0.0", "3.0.0").is_err());
        assert_eq!(
            semver_constraint("^1.2.0", "1.4.0", true),
            Ok(Some("^1.4.0".into()))
        );
    }
}
