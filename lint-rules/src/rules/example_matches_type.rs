//! EXAMPLE_MATCHES_TYPE: an OpenAPI example is a value of its schema's type.

use compiler::diagnostic::Severity;
use compiler::ir::{Primitive, Site, Type};
use serde_json::Value;

use crate::{Category, Context, Finding, Formats, Rule};

pub static RULE: Rule = Rule {
    id: "EXAMPLE_MATCHES_TYPE",
    purpose: "Every `example` of an OpenAPI property or parameter is a value of its type.",
    rationale: "Examples become documentation, mock responses and test data. An example that is a \
        string where the schema says integer, or an enum value the enum does not have, teaches \
        clients the wrong thing and makes the mock answer what the server never would \
        (Spectral's `oas3-valid-schema-example`).",
    bad: r#"{
  "openapi": "3.1.0",
  "info": { "title": "shop", "version": "1.0.0" },
  "paths": {},
  "components": {
    "schemas": {
      "order": { "type": "object", "properties": { "quantity": { "type": "integer", "example": "two" } } }
    }
  }
}"#,
    good: r#"{
  "openapi": "3.1.0",
  "info": { "title": "shop", "version": "1.0.0" },
  "paths": {},
  "components": {
    "schemas": {
      "order": { "type": "object", "properties": { "quantity": { "type": "integer", "example": 2 } } }
    }
  }
}"#,
    severity: Severity::Warning,
    categories: &[Category::Minimal, Category::Basic, Category::Standard],
    flow_names: &[],
    flow_rule: None,
    formats: Formats::OpenApi,
    check,
};

/// What the example should have been, when it is not a value of `ty`.
fn mismatch(cx: &Context<'_>, ty: &Type, v: &Value, nullable: bool) -> Option<String> {
    let kind = |ok: bool, what: &str| (!ok).then(|| what.to_string());
    match (ty, v) {
        (_, Value::Null) => kind(nullable, "a value (the schema is not nullable)"),
        (Type::Primitive(p), v) => match p {
            Primitive::String | Primitive::Uuid | Primitive::DateIso8601 | Primitive::DateTimeIso8601 => {
                kind(v.is_string(), "a string")
            }
            Primitive::Integer | Primitive::Long => kind(v.is_i64() || v.is_u64(), "an integer"),
            Primitive::Double | Primitive::Decimal => kind(v.is_number(), "a number"),
            Primitive::Boolean => kind(v.is_boolean(), "a boolean"),
            Primitive::Object => kind(v.is_object(), "an object"),
            Primitive::Json | Primitive::Unit => None,
        },
        (Type::Enum(id), Value::String(s)) if !cx.enum_(*id)?.integer => {
            let e = cx.enum_(*id)?;
            let known: Vec<&str> = e.values.iter().map(|v| v.value.as_str()).collect();
            (!known.contains(&s.as_str())).then(|| format!("one of {}", known.join(", ")))
        }
        (Type::Enum(id), Value::Number(n)) if cx.enum_(*id)?.integer => {
            let e = cx.enum_(*id)?;
            let known: Vec<&str> = e.values.iter().map(|v| v.value.as_str()).collect();
            (!known.contains(&n.to_string().as_str())).then(|| format!("one of {}", known.join(", ")))
        }
        (Type::Enum(id), _) => Some(if cx.enum_(*id)?.integer { "an integer" } else { "a string" }.into()),
        (Type::List(inner), Value::Array(items)) => items.iter().find_map(|i| mismatch(cx, inner, i, false)),
        (Type::List(_), _) => Some("an array".into()),
        (Type::Map(inner), Value::Object(m)) => m.values().find_map(|i| mismatch(cx, inner, i, false)),
        (Type::Map(_), _) | (Type::Model(_), _) if !v.is_object() => Some("an object".into()),
        _ => None,
    }
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let mut report = |site: Site, what: String, ty: &Type, example: &Value, nullable: bool| {
        if let Some(expected) = mismatch(cx, ty, example, nullable) {
            out.push(
                Finding::new(
                    site,
                    format!("the example `{example}` of {what} is not {expected}"),
                    format!("not a `{}`", cx.type_name(ty)),
                )
                .help("give an example of the declared type, or fix the type"),
            );
        }
    };
    for (id, m) in cx.models() {
        for (i, f) in m.fields.iter().enumerate() {
            if let Some(example) = &f.example {
                report(
                    Site::FieldType(id, i),
                    format!("field `{}` of model `{}`", f.name, m.name),
                    &f.ty,
                    example,
                    f.nullable,
                );
            }
        }
    }
    for (oid, op, _) in cx.operations() {
        for (i, p) in op.parameters.iter().enumerate() {
            if let Some(example) = &p.example {
                let what = format!("parameter `{}` of `{} {}`", p.name, op.method.as_str(), op.path);
                report(Site::ParameterType(oid, i), what, &p.ty, example, false);
            }
        }
    }
}
