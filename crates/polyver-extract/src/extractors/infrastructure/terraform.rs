//! Terraform (and OpenTofu) configurations: `*.tf` files and the dependency lock file
//! `.terraform.lock.hcl`.
//!
//! Parsed with `hcl-edit`, a real HCL parser that keeps the byte span of every block,
//! attribute and expression (its sibling `hcl-rs` drops them when deserializing), so each
//! component points at the line and column where its value is written. The parser bounds
//! its own nesting (64 levels), so hostile input cannot overflow the stack. HCL has no
//! error recovery: on a syntax error the diagnostic gives the parser's line and column, and
//! the file is re-parsed up to the last top-level block that starts before the error, so
//! everything written before the problem is still reported.
//!
//! What is versioned in a configuration:
//! - `terraform { required_version = ">= 1.5" }`: the Terraform CLI itself, a `tool`
//!   component `terraform` (ecosystem `generic`, as version files name tools) with the
//!   constraint as written;
//! - `terraform { required_providers { aws = { source = "hashicorp/aws", version = "~> 5.0"
//!   } } }`: a `provider` of ecosystem `terraform` named by its source address, lower-cased
//!   (addresses are case-insensitive) and without the default `registry.terraform.io/` host
//!   so that it joins with the lock file's entries. The pre-0.13 string form (`aws =
//!   "~> 2.0"`) and `provider "aws" { version = ... }` blocks have no source: the address is
//!   then `hashicorp/<name>`, Terraform's own default;
//! - `module` blocks: a registry source (`terraform-aws-modules/vpc/aws`, optionally with a
//!   host) is a `module` named by the source, with `version` as constraint. Git and
//!   Mercurial sources (`git::https://...?ref=v1.2.0`, `github.com/org/repo?ref=v1`,
//!   `git@github.com:org/repo.git`) are modules named by the repository (host/path without
//!   scheme, `git::` or `.git`, `//subdir` kept), the `ref` as version and the full source in
//!   `url`; without a `ref` they float on the default branch and get no version. Archives and
//!   buckets (`https://.../vpc.zip`, `s3::`, `gcs::`) keep the source in `url`. Local paths
//!   (`./`, `../`) are part of the repository and skipped.
//!
//! A version that is one exact version (`5.31.0`, `= 5.31.0`) is also recorded as `version`.
//! Values computed by expressions (`"${var.region}"`) cannot be known statically; they are
//! reported with a warning and skipped.
//!
//! `.terraform.lock.hcl` (`provider "registry.terraform.io/hashicorp/aws" { version,
//! constraints, hashes }`) gives each provider's selected `version`, its `constraints` and,
//! as `integrity`, the first `h1:` hash (the hash of the provider package Terraform
//! verifies on every platform). The lock does not say which providers the root module
//! requires itself and which come with modules, so every entry is recorded as direct.
//! Files under `.terraform/` (downloaded module copies) are not scanned.

use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::{Block, Body};
use hcl_edit::Span;
use polyver_model::{
    Component, Diagnostic, DiagnosticCode, Ecosystem, Format, Kind, Location, Scope,
};
use std::ops::Range;
use std::path::{Component as PathComponent, Path};

pub struct TerraformExtractor;

const ID: Format = Format::Terraform;

/// The registry host Terraform assumes for short provider and module addresses.
const DEFAULT_REGISTRY: &str = "registry.terraform.io/";

/// How many shorter prefixes are tried after a syntax error.
const MAX_RECOVERY_ATTEMPTS: usize = 16;

impl Extractor for TerraformExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint {
            names: &[".terraform.lock.hcl"],
            extensions: &["tf"],
            ..NameHint::NONE
        })
    }

    fn matches(&self, path: &Path) -> bool {
        let name = file_name(path);
        (name.ends_with(".tf") || name == ".terraform.lock.hcl")
            && !path
                .components()
                .any(|c| matches!(c, PathComponent::Normal(s) if s == ".terraform"))
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let Some(body) = parse(file, &mut out) else {
            return out;
        };
        let mut scanner = Scanner {
            file,
            out: &mut out,
        };
        if file.file_name() == ".terraform.lock.hcl" {
            scanner.lock(&body);
        } else {
            scanner.config(&body);
        }
        out
    }
}

/// Parses the file; after a syntax error, the longest prefix made of whole top-level blocks
/// that parses (see the module docs).
fn parse(file: &SourceFile, out: &mut Extracted) -> Option<Body> {
    let text = file.text();
    let err = match hcl_edit::parser::parse_body(text) {
        Ok(body) => return Some(body),
        Err(e) => e,
    };
    let loc = err.location();
    out.diagnose(
        Diagnostic::error(
            DiagnosticCode::ParseError,
            file.path(),
            loc.line() as u32,
            format!("HCL syntax error: {}", err.message()),
        )
        .with_column(loc.column() as u32),
    );
    // Candidate cut points: starts of lines that begin a top-level block or attribute
    // (no indentation), before the line of the error.
    let error_offset = loc.offset().min(text.len());
    let mut cuts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .filter(|&start| start <= error_offset)
        .filter(|&start| {
            text.get(start..)
                .and_then(|rest| rest.chars().next())
                .is_some_and(|c| c.is_ascii_alphabetic())
        })
        .collect();
    cuts.reverse();
    for cut in cuts.into_iter().take(MAX_RECOVERY_ATTEMPTS) {
        if let Some(prefix) = text.get(..cut) {
            if let Ok(body) = hcl_edit::parser::parse_body(prefix) {
                return Some(body);
            }
        }
    }
    None
}

struct Scanner<'f, 'o> {
    file: &'f SourceFile,
    out: &'o mut Extracted,
}

impl Scanner<'_, '_> {
    fn config(&mut self, body: &Body) {
        for block in body.blocks() {
            match block.ident.as_str() {
                "terraform" => self.terraform_block(&block.body),
                "module" => self.module(block),
                "provider" => self.legacy_provider_block(block),
                _ => {}
            }
        }
    }

    fn terraform_block(&mut self, body: &Body) {
        if let Some(attr) = body.get_attribute("required_version") {
            if let Some(v) = self.string(&attr.value, "required_version") {
                let c = Component::new(
                    Kind::Tool,
                    Ecosystem::Generic,
                    "terraform",
                    ID,
                    self.location(attr.value.span()),
                )
                .with_scope(Scope::Build)
                .with_constraint(v.trim());
                self.out.push(c);
            }
        }
        for providers in body.get_blocks("required_providers") {
            for attr in providers.body.attributes() {
                let local = attr.key.as_str();
                let at = attr.value.span();
                match &attr.value {
                    Expression::Object(obj) => {
                        let mut source = None;
                        let mut version = None;
                        for (key, value) in obj.iter() {
                            match object_key(key).as_deref() {
                                Some("source") => {
                                    source = self
                                        .string(value.expr(), "source")
                                        .map(|s| (s.to_string(), value.expr().span()))
                                }
                                Some("version") => {
                                    version = self.string(value.expr(), "version");
                                }
                                _ => {}
                            }
                        }
                        let (address, at) = match source {
                            Some((s, span)) => (provider_address(&s), span),
                            None => (format!("hashicorp/{}", local.to_ascii_lowercase()), at),
                        };
                        self.provider(&address, version, at);
                    }
                    // Terraform 0.12's `aws = "~> 2.0"`.
                    Expression::String(s) => {
                        let address = format!("hashicorp/{}", local.to_ascii_lowercase());
                        self.provider(&address, Some(s.as_str()), at);
                    }
                    other => self.invalid(
                        other.span(),
                        &format!("provider requirement `{local}` should be an object"),
                    ),
                }
            }
        }
    }

    /// `provider "aws" { version = "~> 2.0" }` (deprecated since 0.13, still found).
    fn legacy_provider_block(&mut self, block: &Block) {
        let Some(attr) = block.body.get_attribute("version") else {
            return;
        };
        let Some(local) = block
            .labels
            .first()
            .map(|l| l.as_str().to_ascii_lowercase())
        else {
            return;
        };
        if let Some(v) = self.string(&attr.value, "version") {
            self.provider(&format!("hashicorp/{local}"), Some(v), attr.value.span());
        }
    }

    fn provider(&mut self, address: &str, version: Option<&str>, at: Option<Range<usize>>) {
        let mut c = Component::new(
            Kind::Provider,
            Ecosystem::Terraform,
            address,
            ID,
            self.location(at),
        );
        if let Some(v) = version.map(str::trim) {
            if let Some(exact) = exact_version(v) {
                c = c.with_version(exact);
            }
            c = c.with_constraint(v);
        }
        self.out.push(c);
    }

    fn module(&mut self, block: &Block) {
        let Some(source_attr) = block.body.get_attribute("source") else {
            let label = block.labels.first().map(|l| l.as_str()).unwrap_or("");
            self.invalid(block.span(), &format!("module `{label}` has no `source`"));
            return;
        };
        let Some(source) = self.string(&source_attr.value, "source") else {
            return;
        };
        let source = source.trim().to_string();
        let at = source_attr.value.span();
        let version = block
            .body
            .get_attribute("version")
            .and_then(|a| self.string(&a.value, "version"))
            .map(|v| v.trim().to_string());
        if source.starts_with("./") || source.starts_with("../") || source.starts_with(".\\") {
            return;
        }
        let mut c = match classify_module_source(&source) {
            ModuleSource::Registry(name) => {
                let mut c = Component::new(
                    Kind::Module,
                    Ecosystem::Terraform,
                    name,
                    ID,
                    self.location(at),
                );
                if let Some(v) = &version {
                    if let Some(exact) = exact_version(v) {
                        c = c.with_version(exact);
                    }
                    c = c.with_constraint(v.as_str());
                }
                c
            }
            ModuleSource::Vcs { name, git_ref } => {
                let mut c = Component::new(
                    Kind::Module,
                    Ecosystem::Terraform,
                    name,
                    ID,
                    self.location(at),
                );
                if let Some(r) = git_ref {
                    c = c.with_version(r);
                }
                c.url = Some(source.clone());
                c
            }
            ModuleSource::Other(name) => {
                let mut c = Component::new(
                    Kind::Module,
                    Ecosystem::Terraform,
                    name,
                    ID,
                    self.location(at),
                );
                c.url = Some(source.clone());
                c
            }
        };
        c.refresh_purl();
        self.out.push(c);
    }

    fn lock(&mut self, body: &Body) {
        for block in body.get_blocks("provider") {
            let Some(address) = block.labels.first().map(|l| l.as_str()) else {
                self.invalid(block.span(), "lock `provider` block has no address");
                continue;
            };
            let at = block.labels.first().and_then(label_span).or(block.span());
            let mut c = Component::new(
                Kind::Provider,
                Ecosystem::Terraform,
                provider_address(address),
                ID,
                self.location(at),
            );
            match block.body.get_attribute("version") {
                Some(a) => {
                    if let Some(v) = self.string(&a.value, "version") {
                        c = c.with_version(v.trim());
                    }
                }
                None => self.invalid(
                    block.span(),
                    &format!("locked provider `{address}` has no `version`"),
                ),
            }
            if let Some(a) = block.body.get_attribute("constraints") {
                if let Some(v) = self.string(&a.value, "constraints") {
                    c = c.with_constraint(v.trim());
                }
            }
            if let Some(a) = block.body.get_attribute("hashes") {
                match a.value.as_array() {
                    Some(hashes) => {
                        c.integrity = hashes
                            .iter()
                            .filter_map(Expression::as_str)
                            .find(|h| h.starts_with("h1:"))
                            .map(str::to_string);
                    }
                    None => self.invalid(a.value.span(), "`hashes` should be a list"),
                }
            }
            self.out.push(c);
        }
    }

    /// The literal string of `expr`, or a warning saying why there is none.
    fn string<'e>(&mut self, expr: &'e Expression, what: &str) -> Option<&'e str> {
        match expr {
            Expression::String(s) => Some(s.as_str()),
            Expression::StringTemplate(_) | Expression::HeredocTemplate(_) => {
                self.unsupported(
                    expr.span(),
                    &format!("`{what}` is computed by a template; not evaluated"),
                );
                None
            }
            Expression::Variable(_)
            | Expression::Traversal(_)
            | Expression::FuncCall(_)
            | Expression::Conditional(_) => {
                self.unsupported(
                    expr.span(),
                    &format!("`{what}` is an expression; not evaluated"),
                );
                None
            }
            _ => {
                self.invalid(expr.span(), &format!("`{what}` should be a string"));
                None
            }
        }
    }

    fn location(&self, span: Option<Range<usize>>) -> Location {
        match span {
            Some(r) => self.file.location_at(r.start),
            None => self.file.location(0),
        }
    }

    fn diagnostic(&mut self, span: Option<Range<usize>>, d: Diagnostic) {
        let d = match span {
            Some(r) => {
                let (line, column) = self.file.line_col(r.start);
                Diagnostic { line, ..d }.with_column(column)
            }
            None => d,
        };
        self.out.diagnose(d);
    }

    fn invalid(&mut self, span: Option<Range<usize>>, message: &str) {
        let d = Diagnostic::warning(DiagnosticCode::InvalidValue, self.file.path(), 0, message);
        self.diagnostic(span, d);
    }

    fn unsupported(&mut self, span: Option<Range<usize>>, message: &str) {
        let d = Diagnostic::warning(DiagnosticCode::Unsupported, self.file.path(), 0, message);
        self.diagnostic(span, d);
    }
}

fn label_span(label: &hcl_edit::structure::BlockLabel) -> Option<Range<usize>> {
    match label {
        hcl_edit::structure::BlockLabel::Ident(i) => i.span(),
        hcl_edit::structure::BlockLabel::String(s) => s.span(),
    }
}

fn object_key(key: &ObjectKey) -> Option<String> {
    match key {
        ObjectKey::Ident(i) => Some(i.as_str().to_string()),
        ObjectKey::Expression(e) => e.as_str().map(str::to_string),
    }
}

/// `registry.terraform.io/HashiCorp/AWS` -> `hashicorp/aws`; other hosts are kept.
fn provider_address(source: &str) -> String {
    let lower = source.trim().to_ascii_lowercase();
    match lower.strip_prefix(DEFAULT_REGISTRY) {
        Some(rest) => rest.to_string(),
        None => lower,
    }
}

/// The version when a constraint allows exactly one (`1.2.3`, `= 1.2.3`, `v1.2.3`).
fn exact_version(constraint: &str) -> Option<&str> {
    let v = constraint.trim();
    let v = v.strip_prefix('=').map(str::trim).unwrap_or(v);
    let v = v.strip_prefix('v').unwrap_or(v);
    let core = v.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    (parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        && !v.contains([' ', ',']))
    .then_some(v)
}

enum ModuleSource {
    /// `namespace/name/provider` or `host/namespace/name/provider`.
    Registry(String),
    /// A Git or Mercurial repository, with its `ref` when one is given.
    Vcs {
        name: String,
        git_ref: Option<String>,
    },
    /// Archives, buckets and other go-getter sources: named by the source without query.
    Other(String),
}

fn classify_module_source(source: &str) -> ModuleSource {
    let (without_query, query) = match source.split_once('?') {
        Some((s, q)) => (s, Some(q)),
        None => (source, None),
    };
    let git_ref = query.and_then(|q| {
        q.split('&')
            .find_map(|kv| kv.strip_prefix("ref="))
            .filter(|r| !r.is_empty())
            .map(str::to_string)
    });
    let forced_vcs = without_query.starts_with("git::") || without_query.starts_with("hg::");
    let rest = without_query
        .strip_prefix("git::")
        .or_else(|| without_query.strip_prefix("hg::"))
        .unwrap_or(without_query);
    let is_vcs = forced_vcs
        || rest.starts_with("github.com/")
        || rest.starts_with("bitbucket.org/")
        || rest.starts_with("git@")
        || (rest.contains(".git") && rest.contains("://"));
    if is_vcs {
        return ModuleSource::Vcs {
            name: repository_name(rest),
            git_ref,
        };
    }
    let other_getter = ["s3::", "gcs::", "http://", "https://"]
        .iter()
        .any(|p| rest.starts_with(p));
    let parts: Vec<&str> = rest.split("//").next().unwrap_or(rest).split('/').collect();
    let registry_shape = (parts.len() == 3
        || (parts.len() == 4 && parts.first().is_some_and(|p| p.contains('.'))))
        && parts.iter().all(|p| !p.is_empty());
    if !other_getter && registry_shape && query.is_none() {
        let lower = rest.to_ascii_lowercase();
        let name = lower.strip_prefix(DEFAULT_REGISTRY).unwrap_or(&lower);
        return ModuleSource::Registry(name.to_string());
    }
    ModuleSource::Other(repository_name(rest))
}

/// `https://github.com/org/repo.git//modules/vpc` -> `github.com/org/repo//modules/vpc`,
/// `git@github.com:org/repo.git` -> `github.com/org/repo`.
fn repository_name(url: &str) -> String {
    let without_scheme = match url.split_once("://") {
        Some((_, rest)) => rest,
        None => url,
    };
    let without_user = match without_scheme.split_once('@') {
        Some((user, rest)) if !user.contains('/') => rest,
        _ => without_scheme,
    };
    // scp-like `github.com:org/repo`.
    let host_fixed = match without_user.split_once(':') {
        Some((host, rest))
            if !host.contains('/') && !rest.starts_with(|c: char| c.is_ascii_digit()) =>
        {
            format!("{host}/{rest}")
        }
        _ => without_user.to_string(),
    };
    let (repo, subdir) = match host_fixed.split_once("//") {
        Some((r, s)) => (r.to_string(), Some(s.to_string())),
        None => (host_fixed, None),
    };
    let repo = repo.strip_suffix(".git").unwrap_or(&repo).to_string();
    match subdir {
        Some(s) if !s.is_empty() => format!("{repo}//{s}"),
        _ => repo,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_sources() {
        let vcs = |s: &str| match classify_module_source(s) {
            ModuleSource::Vcs { name, git_ref } => (name, git_ref),
            _ => panic!("{s} should be a VCS source"),
        };
        assert_eq!(
            vcs("git::https://example.com/network.git//modules/vpc?ref=v1.2.0"),
            (
                "example.com/network//modules/vpc".into(),
                Some("v1.2.0".into())
            )
        );
        assert_eq!(
            vcs("github.com/hashicorp/example?ref=main"),
            ("github.com/hashicorp/example".into(), Some("main".into()))
        );
        assert_eq!(
            vcs("git@github.com:org/infra-modules.git//dns"),
            ("github.com/org/infra-modules//dns".into(), None)
        );
        assert!(matches!(
            classify_module_source("terraform-aws-modules/vpc/aws"),
            ModuleSource::Registry(n) if n == "terraform-aws-modules/vpc/aws"
        ));
        assert!(matches!(
            classify_module_source("app.terraform.io/acme/k8s/aws"),
            ModuleSource::Registry(_)
        ));
        assert!(matches!(
            classify_module_source("https://example.com/vpc-module.zip"),
            ModuleSource::Other(n) if n == "example.com/vpc-module.zip"
        ));
    }

    #[test]
    fn addresses_and_versions() {
        assert_eq!(
            provider_address("registry.terraform.io/HashiCorp/aws"),
            "hashicorp/aws"
        );
        assert_eq!(exact_version("= 5.31.0"), Some("5.31.0"));
        assert_eq!(exact_version("~> 5.0"), None);
        assert_eq!(exact_version(">= 4.0, < 6.0"), None);
    }

    #[test]
    fn matching() {
        let x = TerraformExtractor;
        assert!(x.matches(Path::new("infra/main.tf")));
        assert!(x.matches(Path::new("infra/.terraform.lock.hcl")));
        assert!(!x.matches(Path::new("infra/.terraform/modules/vpc/main.tf")));
        assert!(!x.matches(Path::new("infra/terraform.tfvars")));
    }
}
