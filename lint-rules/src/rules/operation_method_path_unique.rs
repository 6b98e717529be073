//! OPERATION_METHOD_PATH_UNIQUE: no two operations of a service share a method and a route.

use std::collections::HashMap;

use compiler::diagnostic::Severity;
use compiler::ir::{Method, OperationId, Site};

use crate::text::route_shape;
use crate::{Category, Context, Finding, Formats, Rule};

pub static RULE: Rule = Rule {
    id: "OPERATION_METHOD_PATH_UNIQUE",
    purpose: "No two operations of a service have the same method and path (parameter names aside).",
    rationale: "A router dispatches on the method and the path, and `/users/:id` and `/users/:guid` \
        are the same route to it: one of two such operations can never be called, and which one wins \
        depends on declaration order. Generated servers fail to start or silently shadow a handler. \
        Declarations across different resources collide just the same.",
    bad: r#"{
  "name": "shop",
  "models": { "user": { "fields": [{ "name": "id", "type": "string" }] } },
  "resources": {
    "user": {
      "operations": [
        { "method": "GET", "path": "/:id", "responses": { "200": { "type": "user" } } },
        { "method": "GET", "path": "/:guid", "responses": { "200": { "type": "user" } } }
      ]
    }
  }
}"#,
    good: r#"{
  "name": "shop",
  "models": { "user": { "fields": [{ "name": "id", "type": "string" }] } },
  "resources": {
    "user": {
      "operations": [
        { "method": "GET", "path": "/:id", "responses": { "200": { "type": "user" } } },
        { "method": "GET", "path": "/guids/:guid", "responses": { "200": { "type": "user" } } }
      ]
    }
  }
}"#,
    severity: Severity::Error,
    categories: &[Category::Minimal, Category::Basic, Category::Standard],
    flow_names: &[],
    flow_rule: Some("DuplicateMethodAndPath"),
    formats: Formats::Both,
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let mut first: HashMap<(Method, String), (OperationId, &str)> = HashMap::new();
    for (oid, op, _) in cx.operations() {
        let key = (op.method, route_shape(&op.path));
        match first.get(&key) {
            None => {
                first.insert(key, (oid, op.path.as_str()));
            }
            Some(&(first_id, first_path)) => {
                let method = op.method.as_str();
                let message = if first_path == op.path {
                    format!("`{method} {}` is declared twice", op.path)
                } else {
                    format!("`{method} {}` is the same route as `{method} {first_path}`", op.path)
                };
                out.push(
                    Finding::new(Site::OperationPath(oid), message, "duplicate route")
                        .related(Site::OperationPath(first_id), "the same route")
                        .help("merge the two operations, or give one of them a distinct path"),
                );
            }
        }
    }
}
