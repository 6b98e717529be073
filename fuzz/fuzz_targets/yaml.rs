//! The YAML parser on any text: a tree or a positioned error, never a panic; every span of the
//! tree (values and keys) and the error's span lie inside the text, on character boundaries.
#![no_main]

use compiler::source::Span;
use compiler::syntax::json::{Node, Value};
use libfuzzer_sys::fuzz_target;

fn check(text: &str, span: Span) {
    let (start, end) = (span.start as usize, span.end as usize);
    assert!(start <= end && end <= text.len(), "span {start}..{end} outside a text of {} bytes", text.len());
    assert!(text.is_char_boundary(start) && text.is_char_boundary(end), "span {start}..{end} splits a character");
}

fn walk(text: &str, node: &Node) {
    check(text, node.span);
    match &node.value {
        Value::Array(items) => items.iter().for_each(|n| walk(text, n)),
        Value::Object(members) => members.iter().for_each(|m| {
            check(text, m.key_span);
            walk(text, &m.value);
        }),
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match compiler::syntax::yaml::parse(text) {
        Ok(node) => walk(text, &node),
        Err(e) => check(text, e.span),
    }
});
