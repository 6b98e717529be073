//! FIELD_NAME_SNAKE_CASE: fields of models and interfaces are lower_snake_case.

use compiler::diagnostic::Severity;
use compiler::ir::Site;

use crate::text::{is_snake_case, to_snake_case};
use crate::{Category, Context, Finding, Formats, Rule};

pub static RULE: Rule = Rule {
    id: "FIELD_NAME_SNAKE_CASE",
    purpose: "Fields of models and interfaces are lower_snake_case.",
    rationale: "A field's name is its JSON key on the wire. One style across every service means clients \
        never guess between `createdAt`, `created-at` and `created_at`, and generators map each name to \
        an idiomatic identifier (`created_at` in Rust, `createdAt` in TypeScript) without collisions.",
    bad: r#"{
  "name": "shop",
  "models": {
    "user": {
      "fields": [
        { "name": "id", "type": "string" },
        { "name": "createdAt", "type": "date-time-iso8601" }
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
    categories: &[Category::Basic, Category::Standard],
    flow_names: &[],
    flow_rule: None,
    formats: Formats::ApiBuilder,
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let mut report = |site: Site, owner: &str, name: &str| {
        if !is_snake_case(name) {
            out.push(
                Finding::new(site, format!("field `{name}` of {owner} is not snake_case"), "not snake_case")
                    .help(format!("rename it `{}`", to_snake_case(name)))
                    .note("the field name is the JSON key: renaming a published field is a breaking change"),
            );
        }
    };
    for (id, m) in cx.models() {
        for (i, f) in m.fields.iter().enumerate() {
            report(Site::Field(id, i), &format!("model `{}`", m.name), &f.name);
        }
    }
    for (id, it) in cx.interfaces() {
        for (i, f) in it.fields.iter().enumerate() {
            report(Site::InterfaceField(id, i), &format!("interface `{}`", it.name), &f.name);
        }
    }
}
