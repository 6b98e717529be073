//! YAML (1.2, core schema) into the same span-keeping tree the JSON parser builds, so a front end
//! reads either without knowing which it was.
//!
//! Events come from saphyr-parser, which is YAML 1.2 compliant, iterative (a 10,000-deep document
//! does not recurse) and keeps positions; no YAML crate builds a tree with byte spans on every key
//! and value, keeps duplicate keys, and bounds alias expansion, so the tree is built here. saphyr's
//! markers count characters; spans here are byte offsets, converted on the way.
//!
//! What the tree cannot say is an error, never a silent choice: more than one document, a mapping
//! or a sequence as a key, tags other than the core schema's, and alias expansion past a budget (a
//! "billion laughs" document is an error, not an out-of-memory).

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Tag};

use super::json::{MAX_DEPTH, Member, Node, ParseError, ParseErrorKind, Value};
use crate::source::Span;

/// How many nodes aliases may copy in all. Real documents use aliases for a few shared bits; a
/// document that multiplies itself through them is refused before it fills memory.
pub const MAX_ALIAS_NODES: usize = 1_000_000;

/// Parses one YAML document. `text` must already be valid UTF-8 without a byte-order mark.
pub fn parse(text: &str) -> Result<Node, ParseError> {
    Builder::new(text).run()
}

/// Character index to byte offset: exact and cheap for ASCII text, a checkpoint every 256
/// characters otherwise.
struct Offsets<'a> {
    text: &'a str,
    ascii: bool,
    /// Byte offset of every 256th character.
    checkpoints: Vec<u32>,
}

impl<'a> Offsets<'a> {
    fn new(text: &'a str) -> Self {
        let ascii = text.is_ascii();
        let mut checkpoints = Vec::new();
        if !ascii {
            for (i, (byte, _)) in text.char_indices().enumerate() {
                if i % 256 == 0 {
                    checkpoints.push(byte as u32);
                }
            }
        }
        Offsets { text, ascii, checkpoints }
    }

    fn byte(&self, char_index: usize) -> u32 {
        if self.ascii {
            return char_index.min(self.text.len()) as u32;
        }
        let Some(&start) = self.checkpoints.get(char_index / 256) else { return self.text.len() as u32 };
        let rest = &self.text[start as usize..];
        match rest.char_indices().nth(char_index % 256) {
            Some((b, _)) => start + b as u32,
            None => self.text.len() as u32,
        }
    }

    fn span(&self, s: saphyr_parser::Span) -> Span {
        Span::new(self.byte(s.start.index()) as usize, self.byte(s.end.index()) as usize)
    }
}

enum Frame {
    Seq { start: u32, anchor: usize, items: Vec<Node> },
    Map { start: u32, anchor: usize, members: Vec<Member>, key: Option<(String, Span)> },
}

struct Builder<'a> {
    text: &'a str,
    offsets: Offsets<'a>,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    copied: usize,
    root: Option<Node>,
    documents: usize,
}

fn error(message: impl Into<String>, label: impl Into<String>, span: Span) -> ParseError {
    ParseError { message: message.into(), label: label.into(), span, kind: ParseErrorKind::Syntax }
}

impl<'a> Builder<'a> {
    fn new(text: &'a str) -> Self {
        Builder {
            text,
            offsets: Offsets::new(text),
            stack: Vec::new(),
            anchors: HashMap::new(),
            copied: 0,
            root: None,
            documents: 0,
        }
    }

    fn run(mut self) -> Result<Node, ParseError> {
        let mut parser = Parser::new_from_str(self.text);
        while let Some(next) = parser.next_event() {
            let (event, span) = next.map_err(|e| self.scan_error(&e))?;
            let span = self.offsets.span(span);
            match event {
                Event::StreamStart | Event::StreamEnd | Event::Nothing | Event::DocumentEnd => {}
                Event::DocumentStart(_) => {
                    self.documents += 1;
                    if self.documents > 1 {
                        return Err(error(
                            "a spec file holds one YAML document; this is a second one",
                            "second document",
                            span,
                        ));
                    }
                }
                Event::Alias(id) => {
                    let Some(node) = self.anchors.get(&id) else {
                        return Err(error("alias to an unknown anchor", "unknown anchor", span));
                    };
                    self.copied += count(node);
                    if self.copied > MAX_ALIAS_NODES {
                        return Err(error(
                            format!("aliases expand to more than {MAX_ALIAS_NODES} nodes"),
                            "alias expansion over budget",
                            span,
                        ));
                    }
                    let node = Node { value: node.value.clone(), span };
                    self.push(node)?;
                }
                Event::Scalar(value, style, anchor, tag) => {
                    let node = Node { value: scalar(&value, style, tag.as_deref(), span)?, span };
                    if anchor != 0 {
                        self.anchors.insert(anchor, node.clone());
                    }
                    self.push(node)?;
                }
                Event::SequenceStart(anchor, tag) => {
                    self.collection_tag(tag.as_deref(), "seq", span)?;
                    self.open(span)?;
                    self.stack.push(Frame::Seq { start: span.start, anchor, items: Vec::new() });
                }
                Event::MappingStart(anchor, tag) => {
                    self.collection_tag(tag.as_deref(), "map", span)?;
                    self.open(span)?;
                    self.stack.push(Frame::Map { start: span.start, anchor, members: Vec::new(), key: None });
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    let end = span.end.max(span.start);
                    let (node, anchor) = match self.stack.pop() {
                        Some(Frame::Seq { start, anchor, items }) => {
                            (Node { value: Value::Array(items), span: self.close(start, end) }, anchor)
                        }
                        Some(Frame::Map { start, anchor, members, .. }) => {
                            (Node { value: Value::Object(members), span: self.close(start, end) }, anchor)
                        }
                        None => return Err(error("unbalanced collection end", "here", span)),
                    };
                    if anchor != 0 {
                        self.anchors.insert(anchor, node.clone());
                    }
                    self.push(node)?;
                }
            }
        }
        self.root.ok_or_else(|| {
            error("the file holds no YAML document", "nothing here", Span::new(0, self.text.len().min(1)))
        })
    }

    /// The span of a collection: from its start to its end, without the whitespace a block
    /// collection's end event carries after its last value.
    fn close(&self, start: u32, end: u32) -> Span {
        let end = end.max(start) as usize;
        let trimmed = self.text[start as usize..end].trim_end().len();
        Span::new(start as usize, start as usize + trimmed)
    }

    fn open(&self, span: Span) -> Result<(), ParseError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(ParseError {
                message: format!("nesting deeper than {MAX_DEPTH} levels"),
                label: "too deep".into(),
                span,
                kind: ParseErrorKind::TooDeep,
            });
        }
        Ok(())
    }

    fn collection_tag(&self, tag: Option<&Tag>, core: &str, span: Span) -> Result<(), ParseError> {
        match tag {
            None => Ok(()),
            Some(t) if t.is_yaml_core_schema() && t.suffix == core => Ok(()),
            Some(t) => Err(unsupported_tag(t, span)),
        }
    }

    fn push(&mut self, node: Node) -> Result<(), ParseError> {
        match self.stack.last_mut() {
            None => {
                self.root = Some(node);
                Ok(())
            }
            Some(Frame::Seq { items, .. }) => {
                items.push(node);
                Ok(())
            }
            Some(Frame::Map { members, key, .. }) => {
                match key.take() {
                    None => {
                        let text = match node.value {
                            Value::String(s) | Value::Number(s) => s,
                            Value::Bool(b) => b.to_string(),
                            Value::Null => "null".to_string(),
                            Value::Array(_) | Value::Object(_) => {
                                return Err(error(
                                    "a mapping key must be a scalar, not a collection",
                                    "collection as a key",
                                    node.span,
                                ));
                            }
                        };
                        *key = Some((text, node.span));
                    }
                    Some((k, key_span)) => members.push(Member { key: k, key_span, value: node }),
                }
                Ok(())
            }
        }
    }

    fn scan_error(&self, e: &ScanError) -> ParseError {
        let at = self.offsets.byte(e.marker().index()) as usize;
        let end = (at + 1).min(self.text.len()).max(at);
        let end = (end..=self.text.len()).find(|&i| self.text.is_char_boundary(i)).unwrap_or(self.text.len());
        let span = Span::new(at.min(end), end);
        // saphyr bounds flow nesting itself, a little above our limit.
        if e.info().contains("recursion limit") {
            return ParseError {
                message: format!("nesting deeper than {MAX_DEPTH} levels"),
                label: "too deep".into(),
                span,
                kind: ParseErrorKind::TooDeep,
            };
        }
        error(format!("invalid YAML: {}", e.info()), "here", span)
    }
}

/// The number of nodes in a tree, for the alias budget.
fn count(node: &Node) -> usize {
    match &node.value {
        Value::Array(items) => 1 + items.iter().map(count).sum::<usize>(),
        Value::Object(members) => 1 + members.iter().map(|m| 1 + count(&m.value)).sum::<usize>(),
        _ => 1,
    }
}

fn unsupported_tag(t: &Tag, span: Span) -> ParseError {
    error(
        format!(
            "tag `{t}` is not supported: only the core schema's (!!str, !!int, !!float, !!bool, !!null, !!map, !!seq)"
        ),
        "unsupported tag",
        span,
    )
}

/// A scalar as the core schema reads it: plain scalars may be null, booleans or numbers; quoted
/// and block scalars are strings; a core tag says which.
fn scalar(text: &str, style: ScalarStyle, tag: Option<&Tag>, span: Span) -> Result<Value, ParseError> {
    if let Some(t) = tag {
        if !t.is_yaml_core_schema() {
            // `!` alone is the non-specific tag: the scalar is a string.
            if (t.handle.is_empty() || t.handle == "!") && matches!(t.suffix.as_str(), "" | "!") {
                return Ok(Value::String(text.to_string()));
            }
            return Err(unsupported_tag(t, span));
        }
        let bad = |what: &str| error(format!("`{text}` is not {what}"), format!("not {what}"), span);
        return match t.suffix.as_str() {
            "str" => Ok(Value::String(text.to_string())),
            "null" => match plain(text) {
                Value::Null => Ok(Value::Null),
                _ => Err(bad("null")),
            },
            "bool" => match plain(text) {
                v @ Value::Bool(_) => Ok(v),
                _ => Err(bad("a boolean")),
            },
            "int" => match integer(text) {
                Some(n) => Ok(Value::Number(n)),
                None => Err(bad("an integer")),
            },
            "float" => match integer(text).or_else(|| float(text)) {
                Some(n) => Ok(Value::Number(n)),
                None => Err(bad("a float")),
            },
            _ => Err(unsupported_tag(t, span)),
        };
    }
    Ok(match style {
        ScalarStyle::Plain => plain(text),
        _ => Value::String(text.to_string()),
    })
}

/// The core schema's resolution of a plain scalar.
fn plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ => match integer(text).or_else(|| float(text)) {
            Some(n) => Value::Number(n),
            None => Value::String(text.to_string()),
        },
    }
}

/// `[-+]?[0-9]+`, `0o[0-7]+` or `0x[0-9a-fA-F]+`, as JSON number text. Octal and hexadecimal
/// become decimal; values too large for 128 bits stay strings.
fn integer(text: &str) -> Option<String> {
    if let Some(digits) = text.strip_prefix("0o") {
        return u128::from_str_radix(digits, 8).ok().filter(|_| !digits.is_empty()).map(|n| n.to_string());
    }
    if let Some(digits) = text.strip_prefix("0x") {
        return u128::from_str_radix(digits, 16).ok().filter(|_| !digits.is_empty()).map(|n| n.to_string());
    }
    let (sign, digits) = match text.as_bytes().first()? {
        b'-' => ("-", &text[1..]),
        b'+' => ("", &text[1..]),
        _ => ("", text),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let trimmed = digits.trim_start_matches('0');
    Some(format!("{sign}{}", if trimmed.is_empty() { "0" } else { trimmed }))
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?` as JSON number text. `.inf` and `.nan`
/// have no JSON form: they stay strings, and whoever expects a number says so.
fn float(text: &str) -> Option<String> {
    let (sign, rest) = match text.as_bytes().first()? {
        b'-' => ("-", &text[1..]),
        b'+' => ("", &text[1..]),
        _ => ("", text),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || !frac.is_none_or(digits) || (int.is_empty() && frac.is_none_or(str::is_empty)) {
        return None;
    }
    let exponent = match exponent {
        None => String::new(),
        Some(e) => {
            let body = e.strip_prefix(['-', '+']).unwrap_or(e);
            if body.is_empty() || !digits(body) {
                return None;
            }
            format!("e{e}")
        }
    };
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let frac = match frac {
        Some(f) if !f.is_empty() => format!(".{f}"),
        Some(_) => ".0".to_string(),
        None => String::new(),
    };
    Some(format!("{sign}{int}{frac}{exponent}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Node {
        parse(text).unwrap_or_else(|e| panic!("{text:?}: {e:?}"))
    }

    fn json_of(text: &str) -> serde_json::Value {
        parse_ok(text).to_serde()
    }

    fn slice(text: &str, span: Span) -> &str {
        &text[span.start as usize..span.end as usize]
    }

    #[test]
    fn the_core_schema_resolves_plain_scalars() {
        let v = json_of(
            "a: ~\nb: null\nc: true\nd: False\ne: 12\nf: -0012\ng: 0x1F\nh: 0o17\ni: 1.5\nj: .5\nk: 1.\nl: 1e3\nm: +7\nn: .inf\no: 12abc\np: '12'\nq: \"true\"\nr:\n",
        );
        let expected = serde_json::json!({
            "a": null, "b": null, "c": true, "d": false, "e": 12, "f": -12, "g": 31, "h": 15,
            "i": 1.5, "j": 0.5, "k": 1.0, "l": 1000.0, "m": 7, "n": ".inf", "o": "12abc", "p": "12",
            "q": "true", "r": null
        });
        assert_eq!(v, expected);
    }

    #[test]
    fn numbers_keep_json_text() {
        let n = parse_ok("x: 1e3\ny: 10000000000000000000000\n");
        let Value::Object(m) = &n.value else { panic!() };
        assert_eq!(m[0].value.value, Value::Number("1e3".into()));
        assert_eq!(m[1].value.value, Value::Number("10000000000000000000000".into()));
    }

    #[test]
    fn keys_and_values_have_byte_spans_even_after_multibyte_text() {
        let text = "title: Café ☕ menu\npaths:\n  /users/{id}:\n    get: {summary: \"ünïcode\"}\n";
        let root = parse_ok(text);
        let paths = root.get("paths").unwrap();
        let m = &paths.as_object().unwrap()[0];
        assert_eq!(slice(text, m.key_span), "/users/{id}");
        let summary = m.value.get("get").unwrap().get("summary").unwrap();
        assert_eq!(slice(text, summary.span), "\"ünïcode\"");
        assert_eq!(slice(text, root.get("title").unwrap().span), "Café ☕ menu");
        let get = m.value.get("get").unwrap();
        assert_eq!(slice(text, get.span), "{summary: \"ünïcode\"}");
    }

    #[test]
    fn block_collections_span_their_content() {
        let text = "a:\n  - 1\n  - 2\nb: x\n";
        let root = parse_ok(text);
        assert_eq!(slice(text, root.get("a").unwrap().span), "- 1\n  - 2");
        assert_eq!(slice(text, root.span), text.trim_end());
    }

    #[test]
    fn keys_may_be_numbers_and_duplicates_are_kept() {
        let root = parse_ok("responses:\n  200: ok\n  200: again\n");
        let r = root.get("responses").unwrap().as_object().unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].key, "200");
        assert_eq!(r[1].key, "200");
    }

    #[test]
    fn aliases_copy_their_anchor() {
        let v = json_of("base: &b {type: string}\nother: *b\n");
        assert_eq!(v, serde_json::json!({"base": {"type": "string"}, "other": {"type": "string"}}));
    }

    #[test]
    fn a_billion_laughs_is_an_error_not_an_out_of_memory() {
        let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for i in 1..10 {
            let prev = format!("*a{}", i - 1);
            text.push_str(&format!("a{i}: &a{i} [{}]\n", vec![prev; 10].join(", ")));
        }
        let e = parse(&text).unwrap_err();
        assert!(e.message.contains("aliases expand"), "{e:?}");
    }

    #[test]
    fn nesting_is_bounded_without_recursion() {
        let deep = "[".repeat(10_000);
        assert_eq!(parse(&deep).unwrap_err().kind, ParseErrorKind::TooDeep);
        let ok = format!("{}1{}", "[".repeat(MAX_DEPTH - 1), "]".repeat(MAX_DEPTH - 1));
        parse_ok(&ok);
        let too_deep = format!("{}1{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert_eq!(parse(&too_deep).unwrap_err().kind, ParseErrorKind::TooDeep);
    }

    #[test]
    fn what_the_tree_cannot_hold_is_an_error() {
        for (text, says) in [
            ("a: 1\n---\nb: 2\n", "one YAML document"),
            ("? [a, b]\n: 1\n", "must be a scalar"),
            ("a: !custom 1\n", "not supported"),
            ("a: !!int x\n", "not an integer"),
            ("a:\n\t- 1\n", "invalid YAML"),
            ("a: [1, 2\n", "invalid YAML"),
            ("# only a comment\n", "no YAML document"),
        ] {
            let e = parse(text).unwrap_err();
            assert!(e.message.contains(says), "{text:?}: {e:?}");
            assert!(e.span.end as usize <= text.len() && e.span.start <= e.span.end, "{text:?}: {e:?}");
        }
    }

    #[test]
    fn core_tags_choose_the_type() {
        let v = json_of("a: !!str 12\nb: !!float 1\nc: !!int '7'\nd: ! 12\n");
        assert_eq!(v, serde_json::json!({"a": "12", "b": 1, "c": 7, "d": "12"}));
    }

    #[test]
    fn json_is_yaml_and_reads_the_same() {
        let text = r#"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "x": [1, 2.5, null, true]}"#;
        let yaml = parse_ok(text);
        let json = super::super::json::parse(text).unwrap();
        assert_eq!(yaml.to_serde(), json.to_serde());
    }
}
