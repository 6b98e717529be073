//! TYPE_NAME_SNAKE_CASE: model, enum, union and interface names are lower_snake_case.

use compiler::diagnostic::Severity;
use compiler::ir::Site;

use crate::text::{is_snake_case, to_snake_case};
use crate::{Category, Context, Finding, Formats, Rule};

pub static RULE: Rule = Rule {
    id: "TYPE_NAME_SNAKE_CASE",
    purpose: "Model, enum, union and interface names are lower_snake_case.",
    rationale: "Generators derive every identifier from the spec's names (`user_form` becomes `UserForm` \
        in Rust and Scala, `user_form` for modules and tables), and apibuilder compares names with case and \
        underscores folded, so `userForm` and `user_form` collide. A union member's type name is also its \
        default discriminator value on the wire. One naming style keeps generated code predictable.",
    bad: r#"{
  "name": "shop",
  "models": {
    "UserForm": { "fields": [{ "name": "email", "type": "string" }] }
  }
}"#,
    good: r#"{
  "name": "shop",
  "models": {
    "user_form": { "fields": [{ "name": "email", "type": "string" }] }
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
    let mut report = |site: Site, kind: &str, name: &str| {
        if !is_snake_case(name) {
            out.push(
                Finding::new(site, format!("{kind} name `{name}` is not snake_case"), "not snake_case")
                    .help(format!("rename it `{}`", to_snake_case(name))),
            );
        }
    };
    for (id, m) in cx.models() {
        report(Site::Model(id), "model", &m.name);
    }
    for (id, e) in cx.enums() {
        report(Site::Enum(id), "enum", &e.name);
    }
    for (id, u) in cx.unions() {
        report(Site::Union(id), "union", &u.name);
    }
    for (id, i) in cx.interfaces() {
        report(Site::Interface(id), "interface", &i.name);
    }
}
