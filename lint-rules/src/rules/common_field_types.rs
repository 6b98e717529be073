//! COMMON_FIELD_TYPES: fields with conventional names have the conventional type.

use compiler::diagnostic::Severity;
use compiler::ir::{Field, Primitive, Site, Type};

use crate::{Category, Context, Finding, Formats, Rule};

pub static RULE: Rule = Rule {
    id: "COMMON_FIELD_TYPES",
    purpose: "Fields named `id`, `number`, `guid`, `email` or `*_at` have the type that name always has.",
    rationale: "Some names mean the same thing in every model, and clients, databases and event \
        consumers rely on that: `id` and `number` are `string` (identifiers are opaque and may gain \
        prefixes; numeric ids overflow JavaScript and leak row counts), `guid` is `uuid`, `email` is \
        `string`, and `*_at` is a point in time, `date-time-iso8601`. A `created_at` that is an \
        `integer` of hours or a `long` id in one model out of a hundred is a bug waiting in every \
        client. This is Flow's `CommonFieldTypes` check, extended to `*_at`.",
    bad: r#"{
  "name": "shop",
  "models": {
    "user": {
      "fields": [
        { "name": "id", "type": "long" },
        { "name": "created_at", "type": "string" }
      ]
    }
  }
}"#,
    good: r#"{
  "name": "shop",
  "models": {
    "user": {
      "fields": [
        { "name": "id", "type": "string" },
        { "name": "created_at", "type": "date-time-iso8601" }
      ]
    }
  }
}"#,
    severity: Severity::Error,
    categories: &[Category::Standard],
    flow_names: &["common_field_types"],
    flow_rule: Some("CommonFieldTypes"),
    formats: Formats::ApiBuilder,
    check,
};

/// The type a field of this name must have, and how to say why.
fn expected(name: &str) -> Option<(Primitive, &'static str)> {
    Some(match name {
        "id" => (Primitive::String, "`id` fields"),
        "number" => (Primitive::String, "`number` fields"),
        "guid" => (Primitive::Uuid, "`guid` fields"),
        "email" => (Primitive::String, "`email` fields"),
        _ if name.len() > 3 && name.ends_with("_at") => (Primitive::DateTimeIso8601, "`*_at` fields"),
        _ => return None,
    })
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let mut report = |site: Site, owner: &str, f: &Field| {
        let Some((want, which)) = expected(&f.name) else { return };
        if f.ty == Type::Primitive(want) || matches!(f.ty, Type::Unresolved(_)) {
            return;
        }
        out.push(
            Finding::new(
                site,
                format!(
                    "field `{}` of {owner} has type `{}`; {which} are `{}`",
                    f.name,
                    cx.type_name(&f.ty),
                    want.as_str()
                ),
                format!("expected `{}`", want.as_str()),
            )
            .help(format!("make the type `{}`, or rename the field if it means something else", want.as_str())),
        );
    };
    for (id, m) in cx.models() {
        for (i, f) in m.fields.iter().enumerate() {
            report(Site::FieldType(id, i), &format!("model `{}`", m.name), f);
        }
    }
    for (id, it) in cx.interfaces() {
        for (i, f) in it.fields.iter().enumerate() {
            report(Site::InterfaceFieldType(id, i), &format!("interface `{}`", it.name), f);
        }
    }
}
