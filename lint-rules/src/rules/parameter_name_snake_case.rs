//! PARAMETER_NAME_SNAKE_CASE: path, query and form parameters are lower_snake_case.

use std::collections::BTreeSet;

use compiler::diagnostic::Severity;
use compiler::ir::{ParameterLocation, Site};

use crate::text::{is_snake_case, to_snake_case};
use crate::{Category, Context, Finding, Formats, Rule};

pub static RULE: Rule = Rule {
    id: "PARAMETER_NAME_SNAKE_CASE",
    purpose: "Path, query and form parameters are lower_snake_case; headers keep HTTP's own style.",
    rationale: "Query and form parameter names are on the wire, and path parameter names become \
        arguments of every generated client and server method. Using the same style as fields means \
        `?created_after=` filters by `created_after` with no translation table in anyone's head. \
        Header parameters are exempt: HTTP headers are conventionally `X-Request-Id`.",
    bad: r#"{
  "name": "shop",
  "models": { "user": { "fields": [{ "name": "id", "type": "string" }] } },
  "resources": {
    "user": {
      "operations": [
        {
          "method": "GET",
          "path": "/:userId",
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
          "path": "/:user_id",
          "responses": { "200": { "type": "user" } }
        }
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
    // A parameter of the resource path (`/:orgKey`) is shared by all of the resource's operations:
    // it is one root cause, reported once, at its first operation.
    let mut reported_resource_params: BTreeSet<(u32, &str)> = BTreeSet::new();
    for (oid, op, resource) in cx.operations() {
        for (i, p) in op.parameters.iter().enumerate() {
            if p.location == ParameterLocation::Header || is_snake_case(&p.name) {
                continue;
            }
            let in_resource_path = p.location == ParameterLocation::Path
                && resource.path.as_deref().is_some_and(|rp| path_names(rp).any(|n| n == p.name));
            let mut finding = Finding::new(
                Site::Parameter(oid, i),
                format!(
                    "{} parameter `{}` of `{} {}` is not snake_case",
                    p.location.as_str(),
                    p.name,
                    op.method.as_str(),
                    op.path
                ),
                "not snake_case",
            )
            .help(format!("rename it `{}`", to_snake_case(&p.name)));
            if in_resource_path {
                if !reported_resource_params.insert((op.resource.0, p.name.as_str())) {
                    continue;
                }
                let shared = resource.operations.len();
                if shared > 1 {
                    finding = finding.note(format!(
                        "the parameter is part of the path of resource `{}`, shared by its {shared} operations",
                        resource.type_name
                    ));
                }
            }
            out.push(finding);
        }
    }
}

/// The names of a path's `:name` segments, cut at the first `.` as apibuilder does.
fn path_names(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter_map(|s| s.strip_prefix(':')).map(|s| s.split('.').next().unwrap_or(s))
}
