//! Lowering that api.json and service.json share: names, defaults, examples and response codes.

use crate::diagnostic::Code;
use crate::frontend::reader::Reader;
use crate::ir::ResponseCode;
use crate::names;
use crate::source::Span;
use crate::syntax::json::{Node, Value};

/// Reports an invalid name (E0013).
pub(crate) fn check_name(r: &mut Reader<'_>, name: &str, span: Span, kind: &str) {
    if let Some(problem) = names::name_problem(name) {
        r.error(Code::E0013, span, format!("{kind} name `{name}` is invalid: {problem}"), problem.to_string());
    }
}

/// A response code key: an integer from 100 to 999, or `default`.
pub(crate) fn parse_response_code(r: &mut Reader<'_>, key: &str, span: Span) -> Option<ResponseCode> {
    let key = key.trim();
    if key.eq_ignore_ascii_case("default") {
        return Some(ResponseCode::Default);
    }
    match key.parse::<i64>() {
        Ok(n) if (100..=999).contains(&n) => Some(ResponseCode::Status(n as u16)),
        Ok(n) => {
            let problem = if n < 100 { "must be >= 100" } else { "must be <= 999" };
            r.error(Code::E0056, span, format!("response code `{n}` {problem}"), "not an HTTP status code");
            None
        }
        Err(_) => {
            r.error(
                Code::E0056,
                span,
                format!("response code must be an integer or the keyword 'default', not `{key}`"),
                "not a response code",
            );
            None
        }
    }
}

/// A default value as apibuilder stores it: strings as themselves, anything else as JSON text.
pub(crate) fn default_text(node: &Node) -> Option<String> {
    match &node.value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        _ => Some(node.to_json_text()),
    }
}
