//! `${...}` property interpolation over a POM's parent chain, with Maven's built-in
//! `project.*` properties; bounded in depth, steps and length against expansion bombs.

use super::model::Pom;
use super::{MAX_PROPERTY_DEPTH, MAX_PROPERTY_LEN, MAX_PROPERTY_STEPS};
use std::collections::HashMap;
use std::rc::Rc;

/// Properties of a POM in the context of its parent chain.
pub(super) struct Props {
    pub(super) values: HashMap<String, String>,
}

/// The result of interpolating one string.
pub(super) struct Expanded {
    pub(super) text: String,
    /// References left as written (undefined, circular or too deep).
    pub(super) unresolved: Vec<String>,
}

impl Props {
    pub(super) fn new(chain: &[Rc<Pom>]) -> Props {
        let mut values = HashMap::new();
        for pom in chain.iter().rev() {
            for (k, v) in &pom.properties {
                values.insert(k.clone(), v.clone());
            }
        }
        if let Some(pom) = chain.first() {
            let mut model = |k: &str, v: Option<&str>| {
                if let Some(v) = v {
                    for prefix in ["project.", "pom."] {
                        values.insert(format!("{prefix}{k}"), v.to_string());
                    }
                }
            };
            model("version", pom.version());
            model("groupId", pom.group());
            model("artifactId", pom.artifact.as_deref());
            let parent = pom.parent.as_ref();
            model("parent.version", parent.and_then(|p| p.version.as_deref()));
            model("parent.groupId", parent.and_then(|p| p.group.as_deref()));
            model(
                "parent.artifactId",
                parent.and_then(|p| p.artifact.as_deref()),
            );
        }
        Props { values }
    }

    /// Interpolates `${name}` references, recursively, within the bounds.
    pub(super) fn expand(&self, s: &str) -> Expanded {
        let mut state = ExpandState {
            steps: 0,
            unresolved: Vec::new(),
            stack: Vec::new(),
        };
        let text = self.expand_in(s, 0, &mut state);
        if text.len() > MAX_PROPERTY_LEN || state.steps > MAX_PROPERTY_STEPS {
            return Expanded {
                text: s.to_string(),
                unresolved: vec![format!("{s} (expansion too large)")],
            };
        }
        Expanded {
            text,
            unresolved: state.unresolved,
        }
    }

    pub(super) fn expand_in(&self, s: &str, depth: usize, st: &mut ExpandState) -> String {
        let mut out = String::new();
        let mut rest = s;
        while let Some(i) = rest.find("${") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 2..];
            let Some(j) = after.find('}') else {
                out.push_str(&rest[i..]);
                return out;
            };
            let name = after[..j].trim();
            let whole = &rest[i..i + 3 + j];
            st.steps += 1;
            let value = self.values.get(name);
            match value {
                Some(v)
                    if depth < MAX_PROPERTY_DEPTH
                        && st.steps <= MAX_PROPERTY_STEPS
                        && out.len() <= MAX_PROPERTY_LEN
                        && !st.stack.iter().any(|n| n == name) =>
                {
                    st.stack.push(name.to_string());
                    let e = self.expand_in(v, depth + 1, st);
                    st.stack.pop();
                    out.push_str(&e);
                }
                _ => {
                    if !st.unresolved.iter().any(|n| n == name) {
                        st.unresolved.push(name.to_string());
                    }
                    out.push_str(whole);
                }
            }
            if out.len() > MAX_PROPERTY_LEN || st.steps > MAX_PROPERTY_STEPS {
                return out;
            }
            rest = &after[j + 1..];
        }
        out.push_str(rest);
        out
    }
}

pub(super) struct ExpandState {
    pub(super) steps: usize,
    pub(super) unresolved: Vec<String>,
    pub(super) stack: Vec<String>,
}
