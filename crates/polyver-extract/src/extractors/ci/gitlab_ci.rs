//! GitLab CI: `.gitlab-ci.yml` and the files it includes locally, which by convention are
//! named `*.gitlab-ci.yml` (`ci/build.gitlab-ci.yml`) and are matched on their own.
//!
//! The images a pipeline runs in are dependencies like any base image: the top-level
//! `image`/`services` and `default:` ones, and each job's `image` and `services` (a string,
//! or a mapping with `name:`). They are image components named like `FROM` images
//! ([`crate::image_ref`]), in `build` scope since they run CI, not the product.
//!
//! Jobs share configuration through `extends:` (one name or a list, later ones winning,
//! chains of at most [`MAX_EXTENDS_DEPTH`] as GitLab allows) and hidden jobs (`.template`).
//! A job's effective `image`, `services` and `variables` are resolved along that chain, so
//! `image: python:$PY` in a template is reported with the `PY` of the job that extends it,
//! located where the image is written. A hidden job that no job of the file extends is a
//! template for other files; its images are reported with its own variables. Variables
//! (`$VAR`, `${VAR}`) are substituted from the job's and the top-level `variables:` (plain
//! values or `{value: ...}`), themselves expanded; predefined ones (`$CI_REGISTRY_IMAGE`)
//! are unknown statically: an image whose name depends on one is no component, one whose
//! tag does has no version, with a warning. The dependency proxy prefixes
//! (`$CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX/alpine:3.19`) pull the Docker Hub image
//! through GitLab's cache, so the image is `alpine` 3.19, as Renovate reads it.

use crate::extractors::compose::interpolate;
use crate::image_ref::image_component;
use crate::yaml::{self, locate, Node};
use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{Diagnostic, DiagnosticCode, Format, Scope};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub struct GitlabCiExtractor;

const ID: Format = Format::GitlabCi;

/// GitLab's own limit on `extends` nesting.
const MAX_EXTENDS_DEPTH: usize = 11;
/// Rounds of expanding variables that reference variables.
const MAX_VARIABLE_ROUNDS: usize = 5;
/// Longest expanded variable value kept (values referencing values can grow exponentially).
const MAX_VARIABLE_LEN: usize = 4096;

/// Top-level keys that are settings, not jobs.
const GLOBAL_KEYWORDS: &[&str] = &[
    "default",
    "include",
    "stages",
    "variables",
    "workflow",
    "image",
    "services",
    "cache",
    "before_script",
    "after_script",
    "types",
    "spec",
];

impl Extractor for GitlabCiExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint {
            names: &[".gitlab-ci.yaml"],
            suffixes: &[".gitlab-ci.yml"],
            ..NameHint::NONE
        })
    }

    fn matches(&self, path: &Path) -> bool {
        let name = file_name(path).to_ascii_lowercase();
        name == ".gitlab-ci.yml" || name == ".gitlab-ci.yaml" || name.ends_with(".gitlab-ci.yml")
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        let loaded = yaml::load_file(file, &mut out.diagnostics);
        for doc in loaded.mappings() {
            Pipeline::new(file, doc).scan(&mut out);
        }
        out
    }
}

struct Pipeline<'a> {
    file: &'a SourceFile,
    globals: BTreeMap<String, String>,
    jobs: BTreeMap<&'a str, &'a Node>,
    doc: &'a Node,
}

impl<'a> Pipeline<'a> {
    fn new(file: &'a SourceFile, doc: &'a Node) -> Self {
        let mut globals = BTreeMap::new();
        if let Some(vars) = doc.get("variables") {
            add_variables(&mut globals, vars);
        }
        let jobs = doc
            .entries()
            .filter(|(k, _, v)| !GLOBAL_KEYWORDS.contains(k) && v.as_mapping().is_some())
            .map(|(k, _, v)| (k, v))
            .collect();
        Pipeline {
            file,
            globals,
            jobs,
            doc,
        }
    }

    fn scan(&self, out: &mut Extracted) {
        let globals = expand_variables(&self.globals);
        self.images_of(self.doc, &globals, out);
        if let Some(default) = self.doc.get("default") {
            self.images_of(default, &globals, out);
        }
        // Templates some job of this file extends are reported through those jobs.
        let mut extended = BTreeSet::new();
        for (name, job) in &self.jobs {
            if !name.starts_with('.') {
                for (_, template) in self.chain(name, job, out) {
                    extended.insert(template);
                }
            }
        }
        for (name, job) in &self.jobs {
            if name.starts_with('.') && extended.contains(name) {
                continue;
            }
            let chain = self.chain(name, job, &mut Extracted::default());
            let mut vars = self.globals.clone();
            // The chain runs from the farthest template to the job: later ones win.
            for (node, _) in &chain {
                if let Some(v) = node.get("variables") {
                    add_variables(&mut vars, v);
                }
            }
            let vars = expand_variables(&vars);
            let image = chain.iter().rev().find_map(|(n, _)| n.get("image"));
            if let Some(image) = image {
                self.image(image, &vars, out);
            }
            let services = chain.iter().rev().find_map(|(n, _)| n.get("services"));
            if let Some(services) = services {
                self.services(services, &vars, out);
            }
        }
    }

    /// The job and every template it extends, farthest ancestor first, with names.
    fn chain(&self, name: &'a str, job: &'a Node, out: &mut Extracted) -> Vec<(&'a Node, &'a str)> {
        let mut chain = Vec::new();
        self.collect(name, job, 0, &mut chain, out);
        chain
    }

    fn collect(
        &self,
        name: &'a str,
        job: &'a Node,
        depth: usize,
        chain: &mut Vec<(&'a Node, &'a str)>,
        out: &mut Extracted,
    ) {
        if depth > MAX_EXTENDS_DEPTH || chain.iter().any(|(_, n)| *n == name) {
            out.diagnose(Diagnostic::warning(
                DiagnosticCode::InvalidValue,
                self.file.path(),
                job.line,
                format!("`extends` of `{name}` loops or nests deeper than {MAX_EXTENDS_DEPTH}"),
            ));
            return;
        }
        if let Some(extends) = job.get("extends") {
            let parents: Vec<&Node> = match extends.as_sequence() {
                Some(items) => items.iter().collect(),
                None => vec![extends],
            };
            for parent in parents {
                let Some(parent_name) = parent.as_str() else {
                    continue;
                };
                // A template from an included file is not visible here: skip quietly.
                if let Some((key, node)) = self.jobs.get_key_value(parent_name) {
                    self.collect(key, node, depth + 1, chain, out);
                }
            }
        }
        chain.push((job, name));
    }

    /// `image` and `services` directly in `node` (top level or `default:`).
    fn images_of(&self, node: &Node, vars: &BTreeMap<String, String>, out: &mut Extracted) {
        if let Some(image) = node.get("image") {
            self.image(image, vars, out);
        }
        if let Some(services) = node.get("services") {
            self.services(services, vars, out);
        }
    }

    fn services(&self, services: &Node, vars: &BTreeMap<String, String>, out: &mut Extracted) {
        match services.as_sequence() {
            Some(items) => items.iter().for_each(|s| self.image(s, vars, out)),
            None if services.is_null() => {}
            None => out.diagnose(invalid(self.file, services, "`services` should be a list")),
        }
    }

    /// An image as a string or `{name: ...}`.
    fn image(&self, node: &Node, vars: &BTreeMap<String, String>, out: &mut Extracted) {
        let name = match node.as_mapping() {
            Some(_) => node.get("name"),
            None => Some(node),
        };
        let Some((reference, at)) = name.and_then(|n| Some((n.as_str()?, n))) else {
            if !node.is_null() {
                let msg = "image should be a string or a mapping with `name`";
                out.diagnose(invalid(self.file, node, msg));
            }
            return;
        };
        let mut unresolved = Vec::new();
        let lookup = |v: &str| vars.get(v).cloned();
        let reference = interpolate(without_proxy_prefix(reference), &lookup, &mut unresolved);
        for name in unresolved {
            out.diagnose(Diagnostic::warning(
                DiagnosticCode::Unsupported,
                self.file.path(),
                at.line,
                format!("variable `{name}` is not defined in this file"),
            ));
        }
        if let Some(c) = image_component(reference.trim(), ID, self.file, at.line, out) {
            out.push(locate(c, self.file, at).with_scope(Scope::Build));
        }
    }
}

/// `alpine:3.19` of `$CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX/alpine:3.19` (either proxy
/// variable, either `$V` or `${V}`).
fn without_proxy_prefix(reference: &str) -> &str {
    let reference = reference.trim_start();
    for var in [
        "CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX",
        "CI_DEPENDENCY_PROXY_DIRECT_GROUP_IMAGE_PREFIX",
    ] {
        for written in [format!("${var}/"), format!("${{{var}}}/")] {
            if let Some(image) = reference.strip_prefix(written.as_str()) {
                return image;
            }
        }
    }
    reference
}

fn invalid(file: &SourceFile, node: &Node, message: &str) -> Diagnostic {
    node.invalid(file, message)
}

/// Adds a `variables:` mapping (values plain or `{value: ...}`) over `vars`.
fn add_variables(vars: &mut BTreeMap<String, String>, node: &Node) {
    for (name, _, value) in node.entries() {
        let value = match value.as_mapping() {
            Some(_) => value.get("value").and_then(Node::as_str),
            None => value.as_str(),
        };
        if let Some(v) = value {
            vars.insert(name.to_string(), v.to_string());
        }
    }
}

/// Variables whose values reference other variables, expanded a few rounds.
fn expand_variables(vars: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut current = vars.clone();
    for _ in 0..MAX_VARIABLE_ROUNDS {
        let longest = current.values().map(String::len).max().unwrap_or(0);
        let mut changed = false;
        let next: BTreeMap<String, String> = current
            .iter()
            .map(|(k, v)| {
                let references = v.matches('$').count();
                if references.saturating_mul(longest) > MAX_VARIABLE_LEN {
                    return (k.clone(), v.clone());
                }
                let lookup = |n: &str| current.get(n).filter(|_| n != k).cloned();
                let expanded = interpolate(v, &lookup, &mut Vec::new());
                if expanded.len() > MAX_VARIABLE_LEN {
                    return (k.clone(), v.clone());
                }
                changed |= expanded != *v;
                (k.clone(), expanded)
            })
            .collect();
        current = next;
        if !changed {
            break;
        }
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching() {
        let x = GitlabCiExtractor;
        assert!(x.matches(Path::new(".gitlab-ci.yml")));
        assert!(x.matches(Path::new("ci/build.gitlab-ci.yml")));
        assert!(!x.matches(Path::new("ci/build.yml")));
    }

    #[test]
    fn variable_expansion() {
        let mut vars = BTreeMap::new();
        vars.insert("A".to_string(), "x-$B".to_string());
        vars.insert("B".to_string(), "${C}".to_string());
        vars.insert("C".to_string(), "1".to_string());
        vars.insert("L".to_string(), "$L".to_string());
        let e = expand_variables(&vars);
        assert_eq!(e["A"], "x-1");
        assert_eq!(e["L"], "$L");
    }
}
