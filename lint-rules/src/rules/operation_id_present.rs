//! OPERATION_ID_PRESENT: OpenAPI operations have an `operationId`.

use compiler::diagnostic::Severity;
use compiler::ir::Site;

use crate::{Category, Context, Finding, Formats, Rule};

pub static RULE: Rule = Rule {
    id: "OPERATION_ID_PRESENT",
    purpose: "Every operation of an OpenAPI document has an `operationId`.",
    rationale: "The `operationId` names the operation everywhere it matters: the method of the \
        generated client, the handler of the generated server, the link in the documentation. \
        Without one, names are derived from the method and path and change when the path does, \
        which renames code that has nothing to do with the change (Spectral's \
        `operation-operationId`).",
    bad: r#"{
  "openapi": "3.1.0",
  "info": { "title": "shop", "version": "1.0.0" },
  "paths": {
    "/users": { "get": { "responses": { "200": { "description": "the users" } } } }
  }
}"#,
    good: r#"{
  "openapi": "3.1.0",
  "info": { "title": "shop", "version": "1.0.0" },
  "paths": {
    "/users": { "get": { "operationId": "listUsers", "responses": { "200": { "description": "the users" } } } }
  }
}"#,
    severity: Severity::Warning,
    categories: &[Category::Minimal, Category::Basic, Category::Standard],
    flow_names: &[],
    flow_rule: None,
    formats: Formats::OpenApi,
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (oid, op, _) in cx.operations() {
        if op.operation_id.as_deref().is_none_or(|d| d.trim().is_empty()) {
            out.push(
                Finding::new(
                    Site::Operation(oid),
                    format!("operation `{} {}` has no `operationId`", op.method.as_str(), op.path),
                    "no operationId",
                )
                .help("add an `operationId` in lowerCamelCase, unique in the document: `listUsers`"),
            );
        }
    }
}
