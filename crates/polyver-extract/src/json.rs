//! A small JSON parser that keeps the byte offset of every value and object key.
//!
//! Every finding must point at a line, and `serde_json` forgets positions once a document
//! is parsed; this parser keeps them (RFC 8259, strict: no comments, no trailing commas,
//! which is what npm writes). Nesting is capped so hostile input cannot overflow the stack.

/// A JSON value with the offset where it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned {
    pub offset: usize,
    pub value: Value,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// Kept as written.
    Number(String),
    String(String),
    Array(Vec<Spanned>),
    Object(Vec<Member>),
}

/// An object member; `key_offset` is where the key's opening quote is.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub key: String,
    pub key_offset: usize,
    pub value: Spanned,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError {
    pub offset: usize,
    pub message: String,
}

const MAX_DEPTH: usize = 512;

impl Spanned {
    /// The first member called `key`, when this is an object.
    pub fn get(&self, key: &str) -> Option<&Member> {
        self.members().iter().find(|m| m.key == key)
    }

    /// Members of an object (empty for anything else).
    pub fn members(&self) -> &[Member] {
        match &self.value {
            Value::Object(m) => m,
            _ => &[],
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn is_object(&self) -> bool {
        matches!(self.value, Value::Object(_))
    }

    /// A short name of the value's type, for diagnostics.
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }
}

/// The licence an npm/Composer-style entry declares under `key`, as written: a string
/// (`"MIT"`, `"(MIT OR Apache-2.0)"`), the legacy object form `{"type": "MIT"}`, or an array
/// of either (Composer's `["MIT", "GPL-2.0-only"]`, old npm `licenses`), which means a choice
/// and is joined with ` OR `. `None` when absent, empty or of another shape.
pub fn declared_license(entry: &Spanned, key: &str) -> Option<String> {
    fn one(v: &Spanned) -> Option<String> {
        let text = match &v.value {
            Value::String(s) => s.trim(),
            Value::Object(_) => v.get("type")?.value.as_str()?.trim(),
            _ => return None,
        };
        (!text.is_empty()).then(|| text.to_string())
    }
    let value = &entry.get(key)?.value;
    match &value.value {
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().filter_map(one).collect();
            match parts.len() {
                0 => None,
                1 => parts.into_iter().next(),
                _ => Some(
                    parts
                        .iter()
                        .map(|p| {
                            if p.contains(' ') && !p.starts_with('(') {
                                format!("({p})")
                            } else {
                                p.clone()
                            }
                        })
                        .collect::<Vec<_>>()
                        .join(" OR "),
                ),
            }
        }
        _ => one(value),
    }
}

/// Parses one JSON document.
pub fn parse(text: &str) -> Result<Spanned, JsonError> {
    let mut p = Parser {
        bytes: text.as_bytes(),
        text,
        pos: 0,
    };
    p.ws();
    let v = p.value(0)?;
    p.ws();
    if p.pos != p.bytes.len() {
        return Err(p.err("unexpected content after the JSON document"));
    }
    Ok(v)
}

struct Parser<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn err(&self, message: &str) -> JsonError {
        JsonError {
            offset: self.pos,
            message: message.to_string(),
        }
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Result<Spanned, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.err("JSON nested too deeply"));
        }
        let offset = self.pos;
        let value = match self.bytes.get(self.pos) {
            None => return Err(self.err("unexpected end of file")),
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => Value::String(self.string()?),
            Some(b't') => self.literal("true", Value::Bool(true))?,
            Some(b'f') => self.literal("false", Value::Bool(false))?,
            Some(b'n') => self.literal("null", Value::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(_) => return Err(self.err("expected a JSON value")),
        };
        Ok(Spanned { offset, value })
    }

    fn literal(&mut self, word: &str, v: Value) -> Result<Value, JsonError> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(v)
        } else {
            Err(self.err("expected a JSON value"))
        }
    }

    fn number(&mut self) -> Result<Value, JsonError> {
        let start = self.pos;
        if self.bytes.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        let digits = |p: &mut Self| {
            let s = p.pos;
            while p.bytes.get(p.pos).is_some_and(u8::is_ascii_digit) {
                p.pos += 1;
            }
            p.pos > s
        };
        if !digits(self) {
            return Err(self.err("invalid number"));
        }
        if self.bytes.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if !digits(self) {
                return Err(self.err("invalid number"));
            }
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.pos) {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.bytes.get(self.pos) {
                self.pos += 1;
            }
            if !digits(self) {
                return Err(self.err("invalid number"));
            }
        }
        Ok(Value::Number(self.text[start..self.pos].to_string()))
    }

    fn string(&mut self) -> Result<String, JsonError> {
        self.pos += 1; // opening quote
        let mut out = String::new();
        loop {
            let start = self.pos;
            while let Some(&b) = self.bytes.get(self.pos) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(&self.text[start..self.pos]);
            match self.bytes.get(self.pos) {
                None => return Err(self.err("unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let c = match self.bytes.get(self.pos) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.pos += 1;
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi)
                                && self.bytes[self.pos..].starts_with(b"\\u")
                            {
                                self.pos += 2;
                                let lo = self.hex4()?;
                                0x10000 + ((hi - 0xD800) << 10) + (lo.wrapping_sub(0xDC00) & 0x3FF)
                            } else {
                                hi
                            };
                            out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                            continue;
                        }
                        _ => return Err(self.err("invalid escape in string")),
                    };
                    out.push(c);
                    self.pos += 1;
                }
                Some(_) => return Err(self.err("control character in string")),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits = self
            .text
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| self.err("invalid \\u escape"))?;
        let v = u32::from_str_radix(digits, 16).map_err(|_| self.err("invalid \\u escape"))?;
        self.pos += 4;
        Ok(v)
    }

    fn array(&mut self, depth: usize) -> Result<Value, JsonError> {
        self.pos += 1;
        let mut items = Vec::new();
        self.ws();
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.ws();
            items.push(self.value(depth + 1)?);
            self.ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.err("expected `,` or `]`")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, JsonError> {
        self.pos += 1;
        let mut members = Vec::new();
        self.ws();
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Ok(Value::Object(members));
        }
        loop {
            self.ws();
            if self.bytes.get(self.pos) != Some(&b'"') {
                return Err(self.err("expected a string key"));
            }
            let key_offset = self.pos;
            let key = self.string()?;
            self.ws();
            if self.bytes.get(self.pos) != Some(&b':') {
                return Err(self.err("expected `:` after key"));
            }
            self.pos += 1;
            self.ws();
            let value = self.value(depth + 1)?;
            members.push(Member {
                key,
                key_offset,
                value,
            });
            self.ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Object(members));
                }
                _ => return Err(self.err("expected `,` or `}`")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_escapes() {
        let text =
            "{\n  \"a\": [1, -2.5e3, true, null],\n  \"b\\u00e9\": \"x\\n\\ud83d\\ude00\"\n}";
        let v = parse(text).unwrap();
        let b = &v.members()[1];
        assert_eq!(b.key, "bé");
        assert_eq!(&text[b.key_offset..b.key_offset + 1], "\"");
        assert_eq!(b.value.as_str(), Some("x\n😀"));
    }

    #[test]
    fn errors_not_panics() {
        for bad in [
            "",
            "{",
            "[1,]",
            "{\"a\" 1}",
            "\"abc",
            "01x",
            "[",
            "{\"a\":}",
            "\"\\u12\"",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert!(parse(&"[".repeat(100_000)).is_err());
    }
}

#[cfg(test)]
mod license_tests {
    use super::*;

    #[test]
    fn declared_license_shapes() {
        let get = |text: &str| declared_license(&parse(text).unwrap(), "license");
        assert_eq!(get(r#"{"license": "MIT"}"#).as_deref(), Some("MIT"));
        assert_eq!(
            get(r#"{"license": {"type": "ISC"}}"#).as_deref(),
            Some("ISC")
        );
        assert_eq!(
            get(r#"{"license": ["MIT", "GPL-2.0-only", {"type": "BSD"}]}"#).as_deref(),
            Some("MIT OR GPL-2.0-only OR BSD")
        );
        assert_eq!(
            get(r#"{"license": ["LGPL-2.1-only AND MIT", "GPL-3.0-only"]}"#).as_deref(),
            Some("(LGPL-2.1-only AND MIT) OR GPL-3.0-only")
        );
        assert_eq!(get(r#"{"license": ["X"]}"#).as_deref(), Some("X"));
        assert_eq!(get(r#"{"license": ""}"#), None);
        assert_eq!(get(r#"{"license": []}"#), None);
        assert_eq!(get(r#"{"license": 3}"#), None);
        assert_eq!(get(r#"{}"#), None);
    }
}
