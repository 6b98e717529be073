//! FIELD_HAS_DESCRIPTION: fields of models and interfaces have a description.

use compiler::diagnostic::Severity;
use compiler::ir::{Field, Site};

use crate::{Category, Context, Finding, Formats, Rule};

pub static RULE: Rule = Rule {
    id: "FIELD_HAS_DESCRIPTION",
    purpose: "Every field of a model or interface has a non-empty `description`.",
    rationale: "A field's name says what it is called, rarely what it means: units (`amount` in \
        cents or in currency?), time zones, when it is absent, who sets it. The description is where \
        that goes, and generators turn it into the doc comment every client developer reads. In the \
        COMMENTS category, off unless `use` asks for it.",
    bad: r#"{
  "name": "shop",
  "models": {
    "price": { "description": "A price.", "fields": [{ "name": "amount", "type": "decimal" }] }
  }
}"#,
    good: r#"{
  "name": "shop",
  "models": {
    "price": {
      "description": "A price.",
      "fields": [{ "name": "amount", "type": "decimal", "description": "In the currency's major unit." }]
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
    let mut report = |site: Site, owner: &str, f: &Field| {
        if f.description.as_deref().is_none_or(|d| d.trim().is_empty()) {
            out.push(
                Finding::new(site, format!("field `{}` of {owner} has no description", f.name), "undocumented")
                    .help("add a `description`: meaning, unit, and when it is absent"),
            );
        }
    };
    for (id, m) in cx.models() {
        for (i, f) in m.fields.iter().enumerate() {
            report(Site::Field(id, i), &format!("model `{}`", m.name), f);
        }
    }
    for (id, it) in cx.interfaces() {
        for (i, f) in it.fields.iter().enumerate() {
            report(Site::InterfaceField(id, i), &format!("interface `{}`", it.name), f);
        }
    }
}
