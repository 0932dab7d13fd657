//! A JSON value as block-style YAML, for the rules file Prometheus reads.
//!
//! Why by hand: the document is ours and small (maps, lists, strings, numbers), and every
//! string is written either plain — only when it is unmistakably a string: letters, digits
//! and `_-./` starting with a letter, and not a YAML 1.1 boolean or null — or double-quoted
//! with JSON's escapes, which YAML's double-quoted style reads the same way. So no value can
//! change type or meaning on the way, whatever it holds (`{{ $labels.repo }}`, `: `, `#`).

use serde_json::Value;

/// `value` as a YAML document.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(_) | Value::Array(_) => block(value, 0, &mut out),
        scalar => {
            out.push_str(&inline(scalar));
            out.push('\n');
        }
    }
    out
}

/// Words YAML 1.1 parsers (Prometheus uses go-yaml) read as something other than a string.
const RESERVED: &[&str] = &[
    "y", "yes", "n", "no", "true", "false", "on", "off", "null", "~",
];

fn plain_ok(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'))
        && !RESERVED.contains(&s.to_ascii_lowercase().as_str())
}

fn inline(value: &Value) -> String {
    match value {
        Value::String(s) if plain_ok(s) => s.clone(),
        Value::Object(m) if m.is_empty() => "{}".to_string(),
        Value::Array(a) if a.is_empty() => "[]".to_string(),
        // Numbers, booleans and null as JSON writes them; strings JSON-quoted.
        other => other.to_string(),
    }
}

fn is_block(value: &Value) -> bool {
    match value {
        Value::Object(m) => !m.is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => false,
    }
}

fn key(k: &str) -> String {
    inline(&Value::String(k.to_string()))
}

/// A non-empty map or list whose lines start at `indent`.
fn block(value: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                out.push_str(&pad);
                out.push_str(&key(k));
                out.push(':');
                if is_block(v) {
                    out.push('\n');
                    let inner = if v.is_array() { indent } else { indent + 2 };
                    block(v, inner, out);
                } else {
                    out.push(' ');
                    out.push_str(&inline(v));
                    out.push('\n');
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                out.push_str(&pad);
                out.push_str("- ");
                if is_block(item) {
                    // The first line of a map (or list) goes after the dash, the rest under it.
                    let mut inner = String::new();
                    block(item, indent + 2, &mut inner);
                    out.push_str(inner.trim_start_matches(' '));
                } else {
                    out.push_str(&inline(item));
                    out.push('\n');
                }
            }
        }
        scalar => {
            out.push_str(&pad);
            out.push_str(&inline(scalar));
            out.push('\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn maps_and_lists_nest_in_block_style() {
        let v = json!({
            "groups": [{
                "name": "polyver",
                "rules": [{"alert": "A", "expr": "x > 0", "labels": {"severity": "critical"}}],
            }],
            "empty": [],
            "count": 3,
        });
        assert_eq!(
            to_yaml(&v),
            "groups:\n- name: polyver\n  rules:\n  - alert: A\n    expr: \"x > 0\"\n    labels:\n      severity: critical\nempty: []\ncount: 3\n"
        );
    }

    #[test]
    fn strings_that_could_change_meaning_are_quoted() {
        for s in [
            "yes",
            "No",
            "null",
            "1.0",
            "",
            "{{ $labels.repo }}",
            "a: b",
            "# x",
            "-x",
            "x\ny",
            "it's",
            "é",
        ] {
            let text = to_yaml(&json!({ "k": s }));
            assert!(text.starts_with("k: \""), "{s:?} -> {text}");
        }
        assert_eq!(to_yaml(&json!({"k": "warning"})), "k: warning\n");
        assert_eq!(
            to_yaml(&json!({"k": "say \"hi\"\n"})),
            "k: \"say \\\"hi\\\"\\n\"\n"
        );
    }
}
