//! LIST_PARAMETER_MAXIMUM: query parameters that take a list declare a maximum number of elements.

use compiler::diagnostic::Severity;
use compiler::ir::{ParameterLocation, Site, Type};

use crate::{Category, Context, Finding, Formats, Rule};

pub static RULE: Rule = Rule {
    id: "LIST_PARAMETER_MAXIMUM",
    purpose: "A query parameter whose type is a list (`?id=a&id=b`) declares a `maximum` number of elements.",
    rationale: "`GET /users?id=…` with ten thousand ids builds a URL that proxies truncate and a query \
        that databases choke on. A `maximum` (Flow uses 100) is enforced by generated servers and \
        documented for clients, so the limit is a contract instead of an incident. Flow's \
        `MinimumMaximum` check requires the same.",
    bad: r#"{
  "name": "shop",
  "models": { "user": { "fields": [{ "name": "id", "type": "string" }] } },
  "resources": {
    "user": {
      "operations": [
        {
          "method": "GET",
          "parameters": [{ "name": "id", "type": "[string]", "required": false }],
          "responses": { "200": { "type": "user" } }
        }
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
        {
          "method": "GET",
          "parameters": [{ "name": "id", "type": "[string]", "required": false, "maximum": 100 }],
          "responses": { "200": { "type": "user" } }
        }
      ]
    }
  }
}"#,
    severity: Severity::Error,
    categories: &[Category::Standard],
    flow_names: &[],
    flow_rule: Some("MinimumMaximum"),
    formats: Formats::Both,
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (oid, op, _) in cx.operations() {
        for (i, p) in op.parameters.iter().enumerate() {
            if p.location != ParameterLocation::Query
                || !matches!(p.ty, Type::List(_))
                || p.constraints.items.max.is_some()
            {
                continue;
            }
            out.push(
                Finding::new(
                    Site::Parameter(oid, i),
                    format!("list parameter `{}` of `{} {}` has no maximum", p.name, op.method.as_str(), op.path),
                    "unbounded list",
                )
                .help("add a `maximum` number of elements, such as `\"maximum\": 100`"),
            );
        }
    }
}
