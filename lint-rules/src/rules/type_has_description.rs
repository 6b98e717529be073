//! TYPE_HAS_DESCRIPTION: models, enums, unions and interfaces have a description.

use compiler::diagnostic::Severity;
use compiler::ir::Site;

use crate::{Category, Context, Finding, Formats, Rule};

pub static RULE: Rule = Rule {
    id: "TYPE_HAS_DESCRIPTION",
    purpose: "Every model, enum, union and interface has a non-empty `description`.",
    rationale: "Every type of a service is public: it is published with the spec, generated into \
        clients in other teams' repositories, and shown in API docs. Descriptions become doc comments \
        there; a type without one leaves every reader to reverse-engineer its meaning from field \
        names. Like buf's COMMENT_* rules this is in the COMMENTS category, off unless `use` asks.",
    bad: r#"{
  "name": "shop",
  "models": {
    "user": { "fields": [{ "name": "id", "type": "string" }] }
  }
}"#,
    good: r#"{
  "name": "shop",
  "models": {
    "user": {
      "description": "A person who can sign in to the shop.",
      "fields": [{ "name": "id", "type": "string" }]
    }
  }
}"#,
    severity: Severity::Warning,
    categories: &[Category::Comments],
    flow_names: &[],
    flow_rule: None,
    formats: Formats::Both,
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let mut report = |site: Site, kind: &str, name: &str, description: Option<&str>| {
        if description.is_none_or(|d| d.trim().is_empty()) {
            out.push(
                Finding::new(site, format!("{kind} `{name}` has no description"), "undocumented")
                    .help("add a `description`: what it represents and where it is used"),
            );
        }
    };
    for (id, m) in cx.models() {
        report(Site::Model(id), "model", &m.name, m.description.as_deref());
    }
    for (id, e) in cx.enums() {
        report(Site::Enum(id), "enum", &e.name, e.description.as_deref());
    }
    for (id, u) in cx.unions() {
        report(Site::Union(id), "union", &u.name, u.description.as_deref());
    }
    for (id, i) in cx.interfaces() {
        report(Site::Interface(id), "interface", &i.name, i.description.as_deref());
    }
}
