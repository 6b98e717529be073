//! A JSON parser that keeps a byte span on every value and every object key.
//!
//! serde_json forgets where values came from, and the span-keeping crates we looked at either
//! recurse without a depth limit (a 10,000-deep file overflows the stack) or drop duplicate keys.
//! Diagnostics need all three: exact spans, every duplicate key, and a hard depth limit, so the
//! parser is ours. It is strict RFC 8259 JSON: no comments, no trailing commas.

use crate::source::Span;

/// The deepest nesting of arrays and objects that a spec may use. Real specs stay under 12.
pub const MAX_DEPTH: usize = 128;

/// One JSON value with the span of its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// The number's text as written, so that range checks can say what was written.
    Number(String),
    String(String),
    Array(Vec<Node>),
    Object(Vec<Member>),
}

/// One `"key": value` pair of an object. Duplicate keys are kept, in order of appearance.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

/// A syntax error: what was expected and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub label: String,
    pub span: Span,
    pub kind: ParseErrorKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseErrorKind {
    Syntax,
    TooDeep,
}

impl Node {
    pub fn kind_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[Member]> {
        match &self.value {
            Value::Object(members) => Some(members),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The first member named `key`, if this is an object. A `null` value counts as absent:
    /// apibuilder's readers treat `"description": null` exactly like a missing key.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_object()?.iter().find(|m| m.key == key).map(|m| &m.value).filter(|v| v.value != Value::Null)
    }

    /// Converts to a serde_json value (for attribute values and defaults kept as JSON).
    pub fn to_serde(&self) -> serde_json::Value {
        match &self.value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => serde_json::from_str(n).unwrap_or(serde_json::Value::Null),
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::Array(items) => serde_json::Value::Array(items.iter().map(Node::to_serde).collect()),
            Value::Object(members) => {
                let mut map = serde_json::Map::new();
                for m in members {
                    map.entry(m.key.clone()).or_insert_with(|| m.value.to_serde());
                }
                serde_json::Value::Object(map)
            }
        }
    }

    /// The JSON text of this value, compact; numbers keep the text they were written with.
    pub fn to_json_text(&self) -> String {
        match &self.value {
            Value::Number(n) => n.clone(),
            _ => self.to_serde().to_string(),
        }
    }
}

/// Parses one JSON document. `text` must already be valid UTF-8 without a byte-order mark.
pub fn parse(text: &str) -> Result<Node, ParseError> {
    let mut p = Parser { bytes: text.as_bytes(), text, pos: 0, depth: 0 };
    p.skip_ws();
    let node = p.value()?;
    p.skip_ws();
    if p.pos < p.bytes.len() {
        return Err(p.error_here("unexpected text after the JSON value", "expected the end of the file"));
    }
    Ok(node)
}

struct Parser<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(start, end)
    }

    /// An error on `start..end`, kept inside the text and on character boundaries (a label on
    /// "the next character" may point past the end, or into a multi-byte one).
    fn error_at(&self, start: usize, end: usize, message: &str, label: &str) -> ParseError {
        let len = self.bytes.len();
        let start = start.min(len);
        let mut end = end.max(start).min(len);
        while !self.text.is_char_boundary(end) {
            end += 1;
        }
        ParseError {
            message: message.to_string(),
            label: label.to_string(),
            span: self.span(start, end),
            kind: ParseErrorKind::Syntax,
        }
    }

    /// An error on the character at the cursor (or the end of the file).
    fn error_here(&self, message: &str, label: &str) -> ParseError {
        if self.pos >= self.bytes.len() {
            let end = self.bytes.len();
            return self.error_at(end, end, "unexpected end of file", label);
        }
        let ch_len = self.text[self.pos..].chars().next().map_or(1, char::len_utf8);
        self.error_at(self.pos, self.pos + ch_len, message, label)
    }

    fn skip_ws(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn value(&mut self) -> Result<Node, ParseError> {
        let start = self.pos;
        match self.bytes.get(self.pos) {
            None => Err(self.error_here("unexpected end of file", "expected a JSON value")),
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"') => {
                let s = self.string()?;
                Ok(Node { value: Value::String(s), span: self.span(start, self.pos) })
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(b'/') => Err(self.error_here("comments are not allowed in JSON", "comment starts here")),
            Some(_) => Err(self.error_here("expected a JSON value", "not the start of a JSON value")),
        }
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Node, ParseError> {
        let start = self.pos;
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(Node { value, span: self.span(start, self.pos) })
        } else {
            let mut end = start;
            while end < self.bytes.len() && self.bytes[end].is_ascii_alphanumeric() {
                end += 1;
            }
            Err(self.error_at(start, end.max(start + 1), "expected a JSON value", "not a JSON literal"))
        }
    }

    fn enter(&mut self, start: usize) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ParseError {
                message: format!("JSON nesting is deeper than {MAX_DEPTH} levels"),
                label: "too deeply nested".to_string(),
                span: self.span(start, start + 1),
                kind: ParseErrorKind::TooDeep,
            });
        }
        Ok(())
    }

    fn object(&mut self) -> Result<Node, ParseError> {
        let start = self.pos;
        self.enter(start)?;
        self.pos += 1;
        let mut members = Vec::new();
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(Node { value: Value::Object(members), span: self.span(start, self.pos) });
        }
        loop {
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b'"') {
                let label = if self.bytes.get(self.pos) == Some(&b'}') {
                    "trailing commas are not allowed in JSON"
                } else {
                    "expected a key in double quotes"
                };
                return Err(self.error_here("expected an object key", label));
            }
            let key_start = self.pos;
            let key = self.string()?;
            let key_span = self.span(key_start, self.pos);
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b':') {
                return Err(self.error_here("expected `:` after the object key", "expected `:`"));
            }
            self.pos += 1;
            self.skip_ws();
            let value = self.value()?;
            members.push(Member { key, key_span, value });
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.error_here("expected `,` or `}` in object", "expected `,` or `}`")),
            }
        }
        self.depth -= 1;
        Ok(Node { value: Value::Object(members), span: self.span(start, self.pos) })
    }

    fn array(&mut self) -> Result<Node, ParseError> {
        let start = self.pos;
        self.enter(start)?;
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(Node { value: Value::Array(items), span: self.span(start, self.pos) });
        }
        loop {
            self.skip_ws();
            if self.bytes.get(self.pos) == Some(&b']') {
                return Err(self.error_here("expected a JSON value", "trailing commas are not allowed in JSON"));
            }
            items.push(self.value()?);
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.error_here("expected `,` or `]` in array", "expected `,` or `]`")),
            }
        }
        self.depth -= 1;
        Ok(Node { value: Value::Array(items), span: self.span(start, self.pos) })
    }

    fn number(&mut self) -> Result<Node, ParseError> {
        let start = self.pos;
        let b = self.bytes;
        let mut i = self.pos;
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        match b.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                while matches!(b.get(i), Some(b'0'..=b'9')) {
                    i += 1;
                }
            }
            _ => return Err(self.error_at(start, i + 1, "invalid number", "expected a digit")),
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            if !matches!(b.get(i), Some(b'0'..=b'9')) {
                return Err(self.error_at(start, i, "invalid number", "expected a digit after the decimal point"));
            }
            while matches!(b.get(i), Some(b'0'..=b'9')) {
                i += 1;
            }
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            if !matches!(b.get(i), Some(b'0'..=b'9')) {
                return Err(self.error_at(start, i, "invalid number", "expected a digit in the exponent"));
            }
            while matches!(b.get(i), Some(b'0'..=b'9')) {
                i += 1;
            }
        }
        if matches!(b.get(i), Some(b'0'..=b'9')) {
            return Err(self.error_at(start, i + 1, "invalid number", "leading zeros are not allowed"));
        }
        self.pos = i;
        Ok(Node { value: Value::Number(self.text[start..i].to_string()), span: self.span(start, i) })
    }

    /// Reads a string starting at the opening quote; leaves the cursor after the closing quote.
    fn string(&mut self) -> Result<String, ParseError> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            // Copy the run of plain characters in one go: specs are mostly plain text.
            let run_start = self.pos;
            while let Some(&c) = self.bytes.get(self.pos) {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(&self.text[run_start..self.pos]);
            match self.bytes.get(self.pos) {
                None => {
                    return Err(self.error_at(
                        start,
                        self.bytes.len(),
                        "unterminated string",
                        "this string never ends",
                    ));
                }
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    let esc_start = self.pos;
                    self.pos += 1;
                    let Some(&e) = self.bytes.get(self.pos) else {
                        return Err(self.error_at(
                            start,
                            self.bytes.len(),
                            "unterminated string",
                            "this string never ends",
                        ));
                    };
                    self.pos += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4(esc_start)?;
                            let ch = if (0xD800..0xDC00).contains(&hi) {
                                if self.bytes.get(self.pos) == Some(&b'\\')
                                    && self.bytes.get(self.pos + 1) == Some(&b'u')
                                {
                                    self.pos += 2;
                                    let lo = self.hex4(esc_start)?;
                                    if !(0xDC00..0xE000).contains(&lo) {
                                        return Err(self.error_at(
                                            esc_start,
                                            self.pos,
                                            "invalid unicode escape",
                                            "unpaired surrogate",
                                        ));
                                    }
                                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                                } else {
                                    None
                                }
                            } else {
                                char::from_u32(hi)
                            };
                            match ch {
                                Some(c) => out.push(c),
                                None => {
                                    return Err(self.error_at(
                                        esc_start,
                                        self.pos,
                                        "invalid unicode escape",
                                        "unpaired surrogate",
                                    ));
                                }
                            }
                        }
                        _ => {
                            let end =
                                esc_start + 1 + self.text[esc_start + 1..].chars().next().map_or(1, char::len_utf8);
                            return Err(self.error_at(esc_start, end, "invalid escape in string", "not a JSON escape"));
                        }
                    }
                }
                Some(_) => {
                    return Err(self.error_here(
                        "control character in string",
                        "control characters must be escaped (for example `\\n`)",
                    ));
                }
            }
        }
    }

    fn hex4(&mut self, esc_start: usize) -> Result<u32, ParseError> {
        let digits = self.bytes.get(self.pos..self.pos + 4);
        let value = digits
            .filter(|d| d.iter().all(u8::is_ascii_hexdigit))
            .and_then(|d| u32::from_str_radix(std::str::from_utf8(d).ok()?, 16).ok());
        match value {
            Some(v) => {
                self.pos += 4;
                Ok(v)
            }
            None => Err(self.error_at(
                esc_start,
                (self.pos + 4).min(self.bytes.len()),
                "invalid unicode escape",
                "expected four hex digits",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_values_with_spans() {
        let text = r#"{"a": [1, -2.5e3, "x\u00e9\n"], "b": {"c": null, "c": true}}"#;
        let node = parse(text).unwrap();
        let a = node.get("a").unwrap();
        assert_eq!(&text[a.span.range()], r#"[1, -2.5e3, "x\u00e9\n"]"#);
        let items = a.as_array().unwrap();
        assert_eq!(items[1].value, Value::Number("-2.5e3".into()));
        assert_eq!(items[2].as_str(), Some("xé\n"));
        // Duplicate keys are kept so that validation can report them.
        assert_eq!(node.get("b").unwrap().as_object().unwrap().len(), 2);
    }

    /// Found by fuzzing: a lone `-` labelled the digit that should follow it, past the end.
    #[test]
    fn error_spans_stay_inside_the_text_on_character_boundaries() {
        for (text, span) in [("-", 0..1), ("-é", 0..3), ("[-", 1..2), ("1.", 0..2)] {
            let e = parse(text).unwrap_err();
            assert_eq!(e.span.range(), span, "{text:?}");
        }
    }

    #[test]
    fn rejects_what_strict_json_rejects() {
        for bad in [
            "",
            "{",
            "[1,]",
            "{\"a\":1,}",
            "01",
            "1.",
            "\"abc",
            "{a:1}",
            "tru",
            "// c\n{}",
            "{} x",
            "\"\\q\"",
            "\"\\ud800\"",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should fail");
        }
    }

    #[test]
    fn depth_is_limited_without_overflowing_the_stack() {
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        let err = parse(&deep).unwrap_err();
        assert_eq!(err.kind, ParseErrorKind::TooDeep);
        assert_eq!(err.span.start as usize, MAX_DEPTH);
    }

    #[test]
    fn surrogate_pairs_decode() {
        assert_eq!(parse(r#""\ud83d\ude00""#).unwrap().as_str(), Some("😀"));
    }
}
