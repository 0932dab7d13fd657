//! `polyver version eval --jsonl`: the version engine's bulk interface (differential testing,
//! other tools). One JSON request per line in, one answer per line out, in order, whatever the
//! input: nothing in it returns early, and a bad line gets an `{"error": ...}` answer.

use polyver_version::{self as pv, Ecosystem};
use rayon::prelude::*;
use serde::Deserialize;
use serde_json::json;
use std::borrow::Cow;
use std::io::{self, BufRead, Write};

/// One request line. Strings borrow from the line unless they contain escapes.
#[derive(Deserialize)]
struct Request<'a> {
    #[serde(borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow)]
    eco: Cow<'a, str>,
    #[serde(borrow, default)]
    a: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    b: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    version: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    range: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    input: Option<Cow<'a, str>>,
}

/// Lines evaluated together: large enough to keep every core busy, small enough that memory
/// stays flat however long the input is.
const CHUNK_LINES: usize = 8192;

/// Reads requests line by line and writes one answer per line, in order. Each chunk of lines
/// is answered in parallel (rayon) and written back in input order.
pub fn eval_stream(mut input: impl BufRead, out: &mut dyn Write) -> io::Result<()> {
    let mut lines: Vec<Vec<u8>> = Vec::with_capacity(CHUNK_LINES);
    loop {
        lines.clear();
        while lines.len() < CHUNK_LINES {
            let mut line = Vec::with_capacity(128);
            if input.read_until(b'\n', &mut line)? == 0 {
                break;
            }
            lines.push(line);
        }
        if lines.is_empty() {
            return Ok(());
        }
        let answers: Vec<Vec<u8>> = lines
            .par_iter()
            .map(|line| {
                let mut answer_buf = Vec::with_capacity(32);
                // Writing into a Vec cannot fail.
                let _ = match std::str::from_utf8(trim_newline(line)) {
                    Ok(text) => answer(text, &mut answer_buf),
                    Err(_) => write_error(&mut answer_buf, "line is not valid UTF-8"),
                };
                answer_buf
            })
            .collect();
        for a in &answers {
            out.write_all(a)?;
        }
    }
}

fn trim_newline(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn answer(text: &str, out: &mut dyn Write) -> io::Result<()> {
    if text.trim().is_empty() {
        return write_error(out, "empty line: expected a JSON object");
    }
    let req: Request = match serde_json::from_str(text) {
        Ok(r) => r,
        Err(e) => return write_error(out, &format!("invalid request: {e}")),
    };
    let eco: Ecosystem = match req.eco.parse() {
        Ok(e) => e,
        Err(e) => return write_error(out, &e.to_string()),
    };
    let need = |field: &Option<Cow<'_, str>>, name: &str| -> Result<String, String> {
        field
            .as_deref()
            .map(str::to_owned)
            .ok_or_else(|| format!("`{}` needs the field `{name}`", req.kind))
    };
    let outcome: Result<String, String> = match req.kind.as_ref() {
        "compare" => (|| {
            let (a, b) = (need(&req.a, "a")?, need(&req.b, "b")?);
            let ord = pv::compare(eco, &a, &b).map_err(|e| e.to_string())?;
            Ok(format!("{{\"result\":{}}}", ord as i8))
        })(),
        "satisfies" => (|| {
            let (v, r) = (need(&req.version, "version")?, need(&req.range, "range")?);
            let ok = pv::satisfies(eco, &v, &r).map_err(|e| e.to_string())?;
            Ok(format!("{{\"result\":{ok}}}"))
        })(),
        "parse" => {
            need(&req.input, "input").map(|i| format!("{{\"result\":{}}}", pv::is_valid(eco, &i)))
        }
        "intersect" => {
            (|| {
                let (a, b) = (need(&req.a, "a")?, need(&req.b, "b")?);
                let i = pv::intersect(eco, &a, &b).map_err(|e| e.to_string())?;
                Ok(json!({"result": {"empty": i.empty, "set": i.set, "explanation": i.explanation}}).to_string())
            })()
        }
        other => Err(format!(
            "unknown kind `{other}` (expected compare, satisfies, parse or intersect)"
        )),
    };
    match outcome {
        Ok(json) => {
            out.write_all(json.as_bytes())?;
            out.write_all(b"\n")
        }
        Err(msg) => write_error(out, &msg),
    }
}

fn write_error(out: &mut dyn Write, message: &str) -> io::Result<()> {
    out.write_all(b"{\"error\":")?;
    serde_json::to_writer(&mut *out, message)?;
    out.write_all(b"}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(input: &str) -> String {
        let mut out = Vec::new();
        eval_stream(input.as_bytes(), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn one_answer_per_line_in_order_and_errors_do_not_abort() {
        let input = concat!(
            "{\"kind\":\"compare\",\"eco\":\"semver\",\"a\":\"1.0.0-rc.1\",\"b\":\"1.0.0\"}\n",
            "not json\n",
            "\n",
            "{\"kind\":\"satisfies\",\"eco\":\"cargo\",\"version\":\"1.2.3\",\"range\":\"^1.0\"}\r\n",
            "{\"kind\":\"parse\",\"eco\":\"cargo\",\"input\":\"1.2\"}\n",
            "{\"kind\":\"compare\",\"eco\":\"cobol\",\"a\":\"1\",\"b\":\"2\"}\n",
            "{\"kind\":\"compare\",\"eco\":\"go\",\"a\":\"v1\"}\n",
            "{\"kind\":\"frobnicate\",\"eco\":\"go\"}\n",
            "{\"kind\":\"compare\",\"eco\":\"go\",\"a\":\"v1.0.0\",\"b\":\"1.0.0\"}",
        );
        let output = eval(input);
        let lines: Vec<&str> = output.lines().collect();
        assert_eq!(lines.len(), 9);
        assert_eq!(lines[0], "{\"result\":-1}");
        assert!(lines[1].starts_with("{\"error\":\"invalid request"));
        assert!(lines[2].starts_with("{\"error\":\"empty line"));
        assert_eq!(lines[3], "{\"result\":true}");
        assert_eq!(lines[4], "{\"result\":false}");
        assert!(lines[5].contains("unknown ecosystem `cobol`"));
        assert!(lines[6].contains("needs the field `b`"));
        assert!(lines[7].contains("unknown kind `frobnicate`"));
        assert!(
            lines[8].contains("invalid go version `1.0.0`"),
            "{}",
            lines[8]
        );
        for l in &lines {
            serde_json::from_str::<serde_json::Value>(l).unwrap();
        }
    }

    #[test]
    fn escaped_strings_and_invalid_utf8() {
        let out = eval("{\"kind\":\"compare\",\"eco\":\"semver\",\"a\":\"1.0.\\u0030\",\"b\":\"1.0.0\"}\n\u{0}\n");
        assert!(out.starts_with("{\"result\":0}\n"), "{out}");
        let mut raw = b"\xff\xfe\n".to_vec();
        raw.extend_from_slice(b"{\"kind\":\"parse\",\"eco\":\"go\",\"input\":\"v1\"}\n");
        let mut buf = Vec::new();
        eval_stream(&raw[..], &mut buf).unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert_eq!(
            text,
            "{\"error\":\"line is not valid UTF-8\"}\n{\"result\":true}\n"
        );
    }
}
