//! GitHub Actions: workflows (`.github/workflows/*.yml|yaml`) and composite or Docker
//! actions kept in the repository (`.github/actions/**/action.yml|yaml`).
//!
//! What CI pulls in is as much a dependency as a lock file entry, and the way it is pinned
//! matters more: a tag can be moved, a 40-hex commit SHA cannot. So each
//! `owner/repo[/path]@ref` in `jobs.*.steps[*].uses`, in reusable workflow calls
//! (`jobs.*.uses`) and in a composite action's `runs.steps` is an `action` component
//! (ecosystem `github-actions`, name `owner/repo[/path]` with owner and repo lower-cased as
//! GitHub treats them), and the pin kind is recorded in the fields that exist:
//! - SHA pin: `integrity` is `sha1:<sha>`; `version` is the version in the comment pinning
//!   tools leave after it (`@<sha> # v4.1.1`, `# tag=v4.1.1`, `# ratchet:owner/repo@v4`),
//!   else the SHA itself;
//! - tag (the ref looks like a version, `v4`, `1.2.3`): `version` is the tag as written;
//! - anything else is a branch (`main`, `release/v2`): no version, the ref as `constraint`,
//!   since it names a moving target, the way `.nvmrc`'s `lts/iron` is recorded.
//!
//! Local actions (`./path`) are part of the repository and skipped. `docker://image:tag`
//! steps, `jobs.*.container` (a string or `image:`) and `jobs.*.services.*.image` are image
//! components named like `FROM` images ([`crate::image_ref`]). The versions given to setup
//! actions (`actions/setup-python|node|go|java|dotnet`, `ruby/setup-ruby`, golangci-lint's
//! `version`, pnpm's, ...: [`tools::SETUP_ACTIONS`]) are `runtime` or `tool` components
//! (ecosystem `generic`, named `python`, `node`, `golangci-lint`, ... as version files name
//! them); setup-python and setup-node accept several versions, one per line, and each is
//! reported. A job's `runs-on` GitHub-hosted runner is an `<os>-runner` tool with its
//! image version ([`tools`]).
//!
//! Expressions: `${{ matrix.<key> }}` is expanded into one value per entry of the job's
//! `strategy.matrix.<key>` list (plus `matrix.include` entries), each located where that
//! value is written; `${{ env.<NAME> }}` takes the step's, job's or workflow's `env`. Other
//! expressions are evaluated to the values they can take ([`super::expression`]):
//! `${{ matrix.db && 'postgres:17.5' || '' }}` is the image `postgres:17.5`, marked as
//! conditional (`marker` holds the expression), or nothing. What only the run knows
//! (`inputs`, `vars`, `fromJSON(...)`) is never split as text: an image whose name depends
//! on it is no component, one whose tag does has no version, a runtime has no version; each
//! with a warning.
//! An unquoted `3.10` is the YAML number 3.1 and GitHub passes `3.1`; it is reported as
//! written, with a warning. Everything here is CI tooling, hence `build` scope.

use super::expression::{self, Outcome};
use crate::image_ref::image_component;
use crate::yaml::{self, locate, Node};
use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{Component, Diagnostic, DiagnosticCode, Ecosystem, Format, Kind, Scope};
use std::path::{Component as PathComponent, Path};

mod tools;

use tools::{setup_kind, SETUP_ACTIONS};

pub struct GithubActionsExtractor;

const ID: Format = Format::GithubActions;

/// One value an expression-bearing string can take.
struct Expanded<'n> {
    value: String,
    /// Where the value that decided it is written.
    at: &'n Node,
    /// The expression that chose this value among others (a conditional component).
    condition: Option<String>,
}

/// `matrix.<key>` or `env.<NAME>`: a plain reference, expanded to every written value.
fn is_reference(expr: &str) -> bool {
    let plain = |rest: &str| {
        !rest.is_empty()
            && rest
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
    };
    expr.strip_prefix("matrix.").is_some_and(plain) || expr.strip_prefix("env.").is_some_and(plain)
}

/// Most values one expression-bearing string may expand to (matrix products).
const MAX_EXPANSIONS: usize = 256;

impl Extractor for GithubActionsExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint::extensions(&["yml", "yaml"]))
    }

    fn matches(&self, path: &Path) -> bool {
        let name = file_name(path).as_bytes();
        let has_ext = |ext: &[u8]| {
            name.len() > ext.len() && name[name.len() - ext.len()..].eq_ignore_ascii_case(ext)
        };
        if !(has_ext(b".yml") || has_ext(b".yaml")) {
            return false;
        }
        let dirs: Vec<&str> = path
            .parent()
            .map(|p| {
                p.components()
                    .filter_map(|c| match c {
                        PathComponent::Normal(s) => s.to_str(),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        let workflow = dirs.ends_with(&[".github", "workflows"]);
        let action = (name.eq_ignore_ascii_case(b"action.yml")
            || name.eq_ignore_ascii_case(b"action.yaml"))
            && dirs.windows(2).any(|w| w == [".github", "actions"]);
        workflow || action
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let loaded = yaml::load_file(file, &mut out.diagnostics);
        for doc in loaded.mappings() {
            let mut scanner = Scanner {
                file,
                out: &mut out,
            };
            if let Some(jobs) = doc.get("jobs") {
                scanner.workflow(doc, jobs);
            }
            if let Some(runs) = doc.get("runs") {
                scanner.action(runs);
            }
        }
        out
    }
}

/// Where expressions are looked up: the job's matrix and the `env` maps in scope,
/// innermost first.
#[derive(Clone, Default)]
struct Context<'a> {
    matrix: Option<&'a Node>,
    env: Vec<&'a Node>,
}

struct Scanner<'f, 'o> {
    file: &'f SourceFile,
    out: &'o mut Extracted,
}

impl Scanner<'_, '_> {
    fn workflow(&mut self, doc: &Node, jobs: &Node) {
        if jobs.as_mapping().is_none() {
            self.invalid(jobs, "`jobs` should be a mapping");
            return;
        }
        let workflow_env: Vec<&Node> = doc.get("env").into_iter().collect();
        for (job_name, _, job) in jobs.entries() {
            if job.as_mapping().is_none() {
                self.invalid(job, &format!("job `{job_name}` should be a mapping"));
                continue;
            }
            let mut ctx = Context {
                matrix: job.get("strategy").and_then(|s| s.get("matrix")),
                env: workflow_env.clone(),
            };
            if let Some(env) = job.get("env") {
                ctx.env.insert(0, env);
            }
            if let Some(uses) = job.get("uses") {
                self.uses(uses);
            }
            if let Some(runs_on) = job.get("runs-on") {
                self.runs_on(runs_on, &ctx);
            }
            if let Some(container) = job.get("container") {
                let image = match container.as_mapping() {
                    Some(_) => container.get("image"),
                    None => Some(container),
                };
                if let Some(image) = image {
                    self.image(image, &ctx);
                }
            }
            if let Some(services) = job.get("services") {
                for (_, _, service) in services.entries() {
                    let image = match service.as_mapping() {
                        Some(_) => service.get("image"),
                        None => Some(service),
                    };
                    if let Some(image) = image {
                        self.image(image, &ctx);
                    }
                }
            }
            if let Some(steps) = job.get("steps") {
                self.steps(steps, &ctx);
            }
        }
    }

    /// An action's `action.yml`: composite steps, or the image of a Docker action.
    fn action(&mut self, runs: &Node) {
        let ctx = Context::default();
        if let Some(steps) = runs.get("steps") {
            self.steps(steps, &ctx);
        }
        if let Some(image) = runs.get("image") {
            if image.as_str().is_some_and(|i| i.starts_with("docker://")) {
                self.uses(image);
            }
        }
    }

    fn steps(&mut self, steps: &Node, ctx: &Context) {
        let Some(steps) = steps.as_sequence() else {
            self.invalid(steps, "`steps` should be a sequence");
            return;
        };
        for step in steps {
            let Some(uses) = step.get("uses") else {
                continue;
            };
            let Some(action) = self.uses(uses) else {
                continue;
            };
            let Some(with) = step.get("with") else {
                continue;
            };
            let mut step_ctx = ctx.clone();
            if let Some(env) = step.get("env") {
                step_ctx.env.insert(0, env);
            }
            for (setup, input, runtime) in SETUP_ACTIONS {
                if action == *setup {
                    if let Some(value) = with.get(input) {
                        self.runtime(runtime, setup_kind(runtime), value, &step_ctx);
                    }
                }
            }
        }
    }

    /// A `uses:` value; returns the action's `owner/repo[/path]` (owner and repo
    /// lower-cased) when it is one.
    fn uses(&mut self, node: &Node) -> Option<String> {
        let Some(text) = node.as_str().map(str::trim) else {
            self.invalid(node, "`uses` should be a string");
            return None;
        };
        if text.starts_with("./") || text.starts_with(".\\") || text == "." {
            return None;
        }
        if let Some(reference) = text.strip_prefix("docker://") {
            self.push_image(reference, node);
            return None;
        }
        let Some((target, git_ref)) = text.split_once('@') else {
            self.invalid(
                node,
                &format!("`uses: {text}` names no ref (`@v1`, `@<sha>`)"),
            );
            return None;
        };
        let mut parts = target.splitn(3, '/');
        let (Some(owner), Some(repo)) = (parts.next(), parts.next()) else {
            self.invalid(node, &format!("`uses: {text}` is not owner/repo@ref"));
            return None;
        };
        if owner.is_empty() || repo.is_empty() || git_ref.is_empty() {
            self.invalid(node, &format!("`uses: {text}` is not owner/repo@ref"));
            return None;
        }
        let repo_name = format!(
            "{}/{}",
            owner.to_ascii_lowercase(),
            repo.to_ascii_lowercase()
        );
        let name = match parts.next() {
            Some(path) if !path.is_empty() => format!("{repo_name}/{path}"),
            _ => repo_name,
        };
        let c = Component::new(
            Kind::Action,
            Ecosystem::GithubActions,
            name.clone(),
            ID,
            self.file.location(node.line).with_column(node.column),
        )
        .with_scope(Scope::Build);
        let c = if is_commit_sha(git_ref) {
            let version = self
                .version_comment(node.line, git_ref)
                .unwrap_or_else(|| git_ref.to_string());
            let mut c = c.with_version(version);
            c.integrity = Some(format!("sha1:{}", git_ref.to_ascii_lowercase()));
            c
        } else if looks_like_version(git_ref) {
            c.with_version(git_ref)
        } else {
            c.with_constraint(git_ref)
        };
        self.out.push(c);
        Some(name)
    }

    /// The version a pinning tool wrote in the comment after `@<sha>` on `line`.
    fn version_comment(&self, line: u32, sha: &str) -> Option<String> {
        let text = self
            .file
            .text()
            .lines()
            .nth(line.checked_sub(1)? as usize)?;
        let after_sha = &text[text.find(sha)? + sha.len()..];
        let comment = after_sha.split_once('#')?.1.trim();
        let word = comment.split_whitespace().next()?;
        let word = word
            .strip_prefix("tag=")
            .or_else(|| word.strip_prefix("tag:"))
            .unwrap_or(word);
        let word = match word.strip_prefix("ratchet:") {
            Some(r) => r.rsplit_once('@')?.1,
            None => word,
        };
        let word = word.trim_end_matches([',', ';', ')']);
        looks_like_version(word).then(|| word.to_string())
    }

    fn image(&mut self, node: &Node, ctx: &Context) {
        if node.as_str().is_none() {
            if !node.is_null() {
                self.invalid(node, "image should be a string");
            }
            return;
        }
        for expanded in self.expand(node, ctx) {
            self.push_image_when(&expanded.value, expanded.at, expanded.condition);
        }
    }

    fn push_image(&mut self, reference: &str, at: &Node) {
        self.push_image_when(reference, at, None);
    }

    /// An image, conditional when `condition` (the expression that chooses it) is given.
    fn push_image_when(&mut self, reference: &str, at: &Node, condition: Option<String>) {
        let reference = reference.trim();
        if reference.is_empty() {
            return;
        }
        if let Some(mut c) = image_component(reference, ID, self.file, at.line, self.out) {
            c.marker = condition;
            let c = locate(c, self.file, at).with_scope(Scope::Build);
            self.out.push(c);
        }
    }

    /// The version input of a setup action: one runtime per version (and per line).
    fn runtime(&mut self, runtime: &str, kind: Kind, node: &Node, ctx: &Context) {
        if node.as_str().is_none() {
            if !node.is_null() {
                self.invalid(node, &format!("{runtime} version should be a string"));
            }
            return;
        }
        for Expanded {
            value,
            at,
            condition,
        } in self.expand(node, ctx)
        {
            if value.contains("${{") {
                // Only the run knows the version (the expression was warned about).
                let location = self.file.location(at.line).with_column(at.column);
                let mut c = Component::new(kind, Ecosystem::Generic, runtime, ID, location)
                    .with_scope(Scope::Build);
                c.marker = condition;
                self.out.push(c);
                continue;
            }
            if at.is_plain_scalar() && is_float_losing_zero(&value) {
                self.out.diagnose(
                    Diagnostic::warning(
                        DiagnosticCode::InvalidValue,
                        self.file.path(),
                        at.line,
                        format!(
                            "unquoted `{value}` is a YAML number; GitHub passes it without \
                             its trailing zero (quote it)"
                        ),
                    )
                    .with_column(at.column),
                );
            }
            let multi_line = value.contains('\n');
            for (i, version) in value.lines().enumerate() {
                let version = version.trim();
                if version.is_empty() {
                    continue;
                }
                let mut location = self.file.location(at.line).with_column(at.column);
                if multi_line {
                    // A block scalar's lines start on the line after its `|`.
                    location = self.file.location(at.line + 1 + i as u32);
                }
                let mut c = Component::new(kind, Ecosystem::Generic, runtime, ID, location)
                    .with_scope(Scope::Build);
                c.marker = condition.clone();
                let bare = version.strip_prefix('v').unwrap_or(version);
                self.out.push(if looks_like_version(version) {
                    c.with_version(bare)
                } else {
                    c.with_constraint(version)
                });
            }
        }
    }

    /// The values a string with `${{ }}` expressions can take, each with the node where the
    /// value that decided it is written, and the expression when it chose between values.
    /// An expression only the run can resolve stays as written (warned), for the caller to
    /// refuse to split.
    fn expand<'n>(&mut self, node: &'n Node, ctx: &Context<'n>) -> Vec<Expanded<'n>> {
        let text = node.as_str().unwrap_or("");
        let mut results = vec![Expanded {
            value: String::new(),
            at: node,
            condition: None,
        }];
        let mut rest = text;
        while let Some(start) = rest.find("${{") {
            let Some(len) = rest[start..].find("}}") else {
                break;
            };
            let raw = &rest[start..start + len + 2];
            let expr = raw[3..raw.len() - 2].trim();
            let literal = &rest[..start];
            let (values, unknown) = self.expression(expr, node, ctx);
            if unknown {
                self.out.diagnose(Diagnostic::warning(
                    DiagnosticCode::Unsupported,
                    self.file.path(),
                    node.line,
                    if values.is_empty() {
                        format!("expression `{raw}` cannot be resolved statically")
                    } else {
                        format!("expression `{raw}` can also take a value only the run knows")
                    },
                ));
            }
            let chooses = values.len() + usize::from(unknown) > 1 && !is_reference(expr);
            let mut next = Vec::new();
            for prefix in &results {
                let condition = if chooses {
                    Some(raw.to_string())
                } else {
                    prefix.condition.clone()
                };
                if unknown && next.len() < MAX_EXPANSIONS {
                    next.push(Expanded {
                        value: format!("{}{literal}{raw}", prefix.value),
                        at: prefix.at,
                        condition: condition.clone(),
                    });
                }
                for (value, value_at) in &values {
                    if next.len() < MAX_EXPANSIONS {
                        next.push(Expanded {
                            value: format!("{}{literal}{value}", prefix.value),
                            at: value_at,
                            condition: condition.clone(),
                        });
                    }
                }
            }
            results = next;
            rest = &rest[start + len + 2..];
        }
        for expanded in &mut results {
            expanded.value.push_str(rest);
        }
        results
    }

    /// The known values of one expression, each with where it is written, and whether it
    /// can also take a value only the run knows (an unparsable expression is all unknown).
    fn expression<'n>(
        &self,
        expr: &str,
        node: &'n Node,
        ctx: &Context<'n>,
    ) -> (Vec<(String, &'n Node)>, bool) {
        if is_reference(expr) {
            let values = self.reference(expr, ctx);
            let unknown = values.is_empty();
            return (values, unknown);
        }
        let lookup = |path: &str| {
            let values = self.reference(path, ctx);
            (!values.is_empty()).then(|| values.into_iter().map(|(v, _)| v).collect())
        };
        match expression::outcomes(expr, &lookup) {
            Some(outcomes) => {
                let mut values = Vec::new();
                let mut unknown = false;
                for outcome in outcomes {
                    match outcome {
                        Outcome::Known(v) => values.push((v, node)),
                        Outcome::Unknown => unknown = true,
                    }
                }
                (values, unknown)
            }
            None => (Vec::new(), true),
        }
    }

    /// Values of a context reference (`matrix.key`, `env.NAME`); empty when unknown.
    fn reference<'n>(&self, expr: &str, ctx: &Context<'n>) -> Vec<(String, &'n Node)> {
        let scalar = |n: &'n Node| n.as_str().map(|s| (s.to_string(), n));
        if let Some(key) = expr.strip_prefix("matrix.") {
            let Some(matrix) = ctx.matrix else {
                return Vec::new();
            };
            let mut values: Vec<(String, &Node)> = match matrix.get(key) {
                Some(list) => match list.as_sequence() {
                    Some(items) => items.iter().filter_map(scalar).collect(),
                    None => scalar(list).into_iter().collect(),
                },
                None => Vec::new(),
            };
            if let Some(include) = matrix.get("include").and_then(Node::as_sequence) {
                values.extend(include.iter().filter_map(|i| i.get(key)).filter_map(scalar));
            }
            values.retain(|(v, _)| !v.contains("${{"));
            return values;
        }
        if let Some(name) = expr.strip_prefix("env.") {
            return ctx
                .env
                .iter()
                .find_map(|env| env.get(name))
                .and_then(scalar)
                .filter(|(v, _)| !v.contains("${{"))
                .into_iter()
                .collect();
        }
        Vec::new()
    }

    fn invalid(&mut self, node: &Node, message: &str) {
        self.out.diagnose(node.invalid(self.file, message));
    }
}

fn is_commit_sha(git_ref: &str) -> bool {
    git_ref.len() == 40 && git_ref.chars().all(|c| c.is_ascii_hexdigit())
}

/// `v4`, `v4.1.1`, `1.2.3`, `3.12`, `21.0.2+13`: a version, not a branch or a range.
fn looks_like_version(s: &str) -> bool {
    let bare = s.strip_prefix('v').unwrap_or(s);
    bare.starts_with(|c: char| c.is_ascii_digit())
        && bare
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '_'))
}

/// `3.10`, `1.20`: a plain YAML float whose trailing zero YAML drops.
fn is_float_losing_zero(s: &str) -> bool {
    match s.split_once('.') {
        Some((int, frac)) => {
            !int.is_empty()
                && int.chars().all(|c| c.is_ascii_digit())
                && frac.ends_with('0')
                && frac.chars().all(|c| c.is_ascii_digit())
        }
        None => false,
    }
}

#[cfg(test)]
mod tests;
