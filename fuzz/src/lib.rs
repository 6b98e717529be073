//! What the fuzz targets share: the span check of a syntax tree, and the whole pipeline on one
//! compiled input.

use compiler::source::Span;
use compiler::syntax::json::{Node, ParseError, Value};
use compiler::{Config, Input, NoLoader};

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

/// A parser on any text: a tree or a positioned error, never a panic; every span of the tree
/// (values and keys) and the error's span lie inside the text, on character boundaries.
pub fn parser(data: &[u8], parse: fn(&str) -> Result<Node, ParseError>) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match parse(text) {
        Ok(node) => walk(text, &node),
        Err(e) => check(text, e.span),
    }
}

/// One file, named `name` (which tells its format), through the whole pipeline: compile it, and
/// when it compiles cleanly, lint it, diff it against itself (no change may be found) and run
/// every generator (an error, never a panic).
pub fn pipeline(name: &str, data: &[u8]) {
    let input = Input { name: name.into(), bytes: data.to_vec() };
    let c = compiler::compile(vec![input], &Config::default(), &mut NoLoader);
    if c.has_errors() {
        return;
    }
    let _ = lint_rules::lint(&c.ir, &c.map, &c.sources, &lint_rules::LintConfig::default());
    let changes = compiler::diff::diff((&c.ir, &c.map), (&c.ir, &c.map));
    assert!(changes.is_empty(), "a spec differs from itself: {:?}", changes.first().map(|c| &c.message));
    for sid in c.ir.service_ids() {
        for &g in generators::Generator::ALL {
            if generators::applies(&c.ir, sid, g) {
                let _ = generators::generate(&c.ir, sid, g);
            }
        }
    }
}
