//! Google Cloud Build configurations: `cloudbuild.yaml`, `cloudbuild.yml`, `cloudbuild.json`
//! and named variants (`cloudbuild-deploy.yaml`, `cloudbuild.prod.yaml`).
//!
//! Each `steps[].name` is the builder image the step runs in: an image component, build
//! scope. `images:` lists what the build pushes, not what it pulls, so it is not a component
//! (the images it builds are described by their Dockerfiles). User substitutions (`$_TAG`,
//! `${_TAG}`) are replaced by the defaults the file's `substitutions:` gives; Cloud Build's
//! built-ins (`$PROJECT_ID`, `$SHORT_SHA`, ...) are known only when the build runs, so an
//! image written with one is reported as the shared image reference rules say (without a
//! version when only the tag depends on it, else no component) with a warning.
//!
//! A file of that name without a `steps` list is not a Cloud Build configuration: left
//! alone, without a diagnostic.

use crate::image_ref::image_component;
use crate::yaml::{self, locate};
use crate::{file_name, Extracted, Extractor, NameHint, SourceFile};
use polyver_model::{Format, Scope};
use std::collections::BTreeMap;
use std::path::Path;

pub struct CloudBuildExtractor;

const ID: Format = Format::CloudBuild;

impl Extractor for CloudBuildExtractor {
    fn format(&self) -> Format {
        ID
    }

    fn name_hint(&self) -> Option<NameHint> {
        Some(NameHint {
            prefixes: &["cloudbuild"],
            ..NameHint::NONE
        })
    }

    fn matches(&self, path: &Path) -> bool {
        let name = file_name(path);
        let Some(stem) = [".yaml", ".yml", ".json"]
            .iter()
            .find_map(|ext| name.strip_suffix(ext))
        else {
            return false;
        };
        match stem.strip_prefix("cloudbuild") {
            Some(rest) => rest.is_empty() || rest.starts_with(['-', '_', '.']),
            None => false,
        }
    }

    fn extract(&self, file: &SourceFile) -> Extracted {
        let mut out = Extracted::default();
        if !file.text().contains("steps") {
            return out;
        }
        let loaded = yaml::load(file.text());
        let Some(doc) = loaded.documents.first() else {
            if let Some(e) = &loaded.error {
                out.diagnose(e.diagnostic(file));
            }
            return out;
        };
        let Some(steps) = doc.get("steps") else {
            return out;
        };
        if let Some(e) = &loaded.error {
            out.diagnose(e.diagnostic(file));
        }
        let substitutions: BTreeMap<&str, &str> = doc
            .get("substitutions")
            .map(|s| {
                s.entries()
                    .filter_map(|(k, _, v)| Some((k, v.as_str()?)))
                    .collect()
            })
            .unwrap_or_default();
        let Some(steps) = steps.as_sequence() else {
            out.diagnose(steps.invalid(file, "`steps` must be a list"));
            return out;
        };
        for step in steps {
            let Some(name) = step.get("name") else {
                out.diagnose(step.invalid(file, "a step has no `name` (its builder image)"));
                continue;
            };
            let Some(reference) = name.as_str() else {
                out.diagnose(name.invalid(file, "a step's `name` must be an image reference"));
                continue;
            };
            let reference = substitute(reference.trim(), &substitutions);
            if let Some(c) = image_component(&reference, ID, file, name.line, &mut out) {
                out.push(locate(c, file, name).with_scope(Scope::Build));
            }
        }
        out
    }
}

/// `$_NAME` and `${_NAME}` replaced by the file's defaults; anything else kept as written
/// (`$$` is a literal `$`, built-ins are not known here).
fn substitute(text: &str, defaults: &BTreeMap<&str, &str>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (name, len) = if let Some(braced) = after.strip_prefix('{') {
            match braced.find('}') {
                Some(end) => (&braced[..end], end + 2),
                None => ("", 0),
            }
        } else {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (&after[..end], end)
        };
        match defaults.get(name) {
            Some(value) if !name.is_empty() => {
                out.push_str(value);
                rest = &after[len..];
            }
            _ => {
                out.push('$');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substitutions() {
        let defaults = BTreeMap::from([("_TAG", "1.2"), ("_REG", "gcr.io/p")]);
        assert_eq!(
            substitute("${_REG}/app:$_TAG", &defaults),
            "gcr.io/p/app:1.2"
        );
        assert_eq!(
            substitute("gcr.io/$PROJECT_ID/app", &defaults),
            "gcr.io/$PROJECT_ID/app"
        );
        assert_eq!(substitute("a:$$x", &defaults), "a:$$x");
    }

    #[test]
    fn json_and_yaml_alike() {
        let x = CloudBuildExtractor;
        assert!(x.matches(Path::new("deploy/cloudbuild.json")));
        assert!(x.matches(Path::new("cloudbuild-prod.yaml")));
        assert!(!x.matches(Path::new("cloudbuilder.yaml")));
        let found = x.extract(&SourceFile::from_text(
            "cloudbuild.json",
            "{\n  \"steps\": [\n    {\"name\": \"gcr.io/cloud-builders/docker:24.0.9\", \"args\": [\"build\"]}\n  ]\n}\n",
        ));
        assert_eq!(found.components.len(), 1);
        assert_eq!(found.components[0].locations[0].line, 3);
        assert_eq!(found.components[0].version.as_deref(), Some("24.0.9"));
    }
}
