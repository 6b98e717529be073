//! Lowering that api.json and service.json share: the properties of fields, parameters and
//! headers, names, defaults, examples and response codes.

use crate::diagnostic::Code;
use crate::frontend::reader::Reader;
use crate::ir::{
    Access, Attribute, Body, Bound, Constraints, Deprecation, Field, Header, Literal, Parameter, ParameterLocation,
    Presence, ResponseCode, Type,
};
use crate::names;
use crate::source::Span;
use crate::syntax::json::{Node, Value};

/// What fields, parameters and headers have in common, read the same way in both formats.
pub(crate) struct Props {
    pub description: Option<String>,
    pub presence: Presence,
    /// apibuilder's `minimum`/`maximum`, held as a value range until `resolve` knows the type and
    /// moves them where they belong (a length for strings, a size for collections).
    pub constraints: Constraints,
    pub example: Option<Literal>,
    pub attributes: Vec<Attribute>,
    pub deprecation: Option<Deprecation>,
}

/// Reads `description`, `required` (default true), `default`, `minimum`, `maximum`, `example`,
/// `attributes` and `deprecation` of `obj`; the caller has checked which keys are allowed.
pub(crate) fn props(r: &mut Reader<'_>, obj: &Node, what: &str) -> Props {
    let required = r.opt_bool(obj, "required", what).unwrap_or(true);
    let default = obj.get("default").and_then(literal);
    let mut constraints = Constraints::default();
    constraints.value.min = r.opt_long(obj, "minimum", what).map(|(n, _)| Bound::inclusive(n));
    constraints.value.max = r.opt_long(obj, "maximum", what).map(|(n, _)| Bound::inclusive(n));
    Props {
        description: r.opt_str(obj, "description", what),
        presence: Presence::from_apibuilder(required, default),
        constraints,
        example: example(r, obj, what),
        attributes: r.attributes(obj, what),
        deprecation: r.deprecation(obj, what),
    }
}

/// An `example`: apibuilder declares it a string; specs in the wild also write numbers and
/// booleans.
fn example(r: &mut Reader<'_>, obj: &Node, what: &str) -> Option<Literal> {
    let v = obj.get("example")?;
    match &v.value {
        Value::Null => None,
        Value::String(_) | Value::Number(_) | Value::Bool(_) => Some(v.to_serde()),
        _ => {
            r.error(
                Code::E0010,
                v.span,
                format!("`example` of {what}, if present, must be a string"),
                format!("expected a string, found {}", v.kind_name()),
            );
            None
        }
    }
}

/// A default or example as written: `null` is no value.
pub(crate) fn literal(node: &Node) -> Option<Literal> {
    match &node.value {
        Value::Null => None,
        _ => Some(node.to_serde()),
    }
}

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

/// A field from its type, name and properties, plus the `annotations` only fields have.
pub(crate) fn field(ty: Type, name: String, p: Props, r: &mut Reader<'_>, obj: &Node, what: &str) -> Field {
    Field {
        ty,
        description: p.description,
        presence: p.presence,
        nullable: false,
        example: p.example,
        constraints: p.constraints,
        access: Access::ReadWrite,
        annotations: r.opt_strings(obj, "annotations", what).into_iter().map(|(a, _)| a).collect(),
        attributes: p.attributes,
        deprecation: p.deprecation,
        name,
    }
}

/// A service or response header: `name`, `type`, `required`, `default`, `description`,
/// `attributes`, `deprecation`.
pub(crate) fn header(ty: Type, name: &str, r: &mut Reader<'_>, obj: &Node, what: &str) -> Header {
    let p = props(r, obj, what);
    Header {
        name: name.to_string(),
        ty,
        presence: p.presence,
        constraints: p.constraints,
        description: p.description,
        attributes: p.attributes,
        deprecation: p.deprecation,
    }
}

/// A declared parameter.
pub(crate) fn parameter(ty: Type, name: &str, location: ParameterLocation, p: Props) -> Parameter {
    Parameter {
        name: name.to_string(),
        ty,
        location,
        description: p.description,
        presence: p.presence,
        constraints: p.constraints,
        example: p.example,
        attributes: p.attributes,
        deprecation: p.deprecation,
        inferred: false,
        encoding: None,
    }
}

/// A body: one JSON payload of `ty`, always required.
pub(crate) fn body(ty: Type, r: &mut Reader<'_>, obj: &Node, what: &str) -> Body {
    Body {
        description: r.opt_str(obj, "description", what),
        attributes: r.attributes(obj, what),
        deprecation: r.deprecation(obj, what),
        ..Body::json(ty)
    }
}
