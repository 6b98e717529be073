//! OPERATION_HAS_DESCRIPTION: operations have a description.

use compiler::diagnostic::Severity;
use compiler::ir::Site;

use crate::{Category, Context, Finding, Formats, Rule};

pub static RULE: Rule = Rule {
    id: "OPERATION_HAS_DESCRIPTION",
    purpose: "Every operation has a non-empty `description`.",
    rationale: "`POST /orders/:number/submissions` says what it is called; the description says what \
        it does, what it changes, and when it fails. It becomes the doc comment of the generated client \
        method and of the server trait method a team implements. In the COMMENTS category, off unless \
        `use` asks for it.",
    bad: r#"{
  "name": "shop",
  "models": { "user": { "fields": [{ "name": "id", "type": "string" }] } },
  "resources": {
    "user": {
      "operations": [{ "method": "GET", "path": "/:id", "responses": { "200": { "type": "user" } } }]
    }
  }
}"#,
    good: r#"{
  "name": "shop",
  "models": { "user": { "fields": [{ "name": "id", "type": "string" }] } },
  "resources": {
    "user": {
      "operations": [
        {
          "method": "GET",
          "path": "/:id",
          "description": "Returns the user with this id.",
          "responses": { "200": { "type": "user" } }
        }
      ]
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
    for (oid, op, _) in cx.operations() {
        if op.description.as_deref().is_none_or(|d| d.trim().is_empty()) {
            out.push(
                Finding::new(
                    Site::OperationMethod(oid),
                    format!("operation `{} {}` has no description", op.method.as_str(), op.path),
                    "undocumented",
                )
                .help("add a `description`: what it does, what it changes, when it fails"),
            );
        }
    }
}
