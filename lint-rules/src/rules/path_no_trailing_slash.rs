//! PATH_NO_TRAILING_SLASH: operation paths do not end with `/`.

use compiler::diagnostic::Severity;
use compiler::ir::Site;

use crate::{Category, Context, Finding, Formats, Rule};

pub static RULE: Rule = Rule {
    id: "PATH_NO_TRAILING_SLASH",
    purpose: "Operation paths do not end with `/` (the root path `/` excepted).",
    rationale: "Routers disagree about `/users/`: some redirect it to `/users`, some treat it as a \
        different route and answer 404, some match both. A client generated from the spec calls \
        exactly the declared path, so a trailing slash turns into failures that depend on the server \
        framework and on proxies in between.",
    bad: r#"{
  "name": "shop",
  "models": { "user": { "fields": [{ "name": "id", "type": "string" }] } },
  "resources": {
    "user": {
      "path": "/users/",
      "operations": [{ "method": "GET", "responses": { "200": { "type": "[user]" } } }]
    }
  }
}"#,
    good: r#"{
  "name": "shop",
  "models": { "user": { "fields": [{ "name": "id", "type": "string" }] } },
  "resources": {
    "user": {
      "path": "/users",
      "operations": [{ "method": "GET", "responses": { "200": { "type": "[user]" } } }]
    }
  }
}"#,
    severity: Severity::Error,
    categories: &[Category::Minimal, Category::Basic, Category::Standard],
    flow_names: &[],
    flow_rule: Some("PathsDoNotHaveTrailingSlash"),
    formats: Formats::Both,
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (oid, op, _) in cx.operations() {
        if op.path.len() > 1 && op.path.ends_with('/') {
            let trimmed = op.path.trim_end_matches('/');
            out.push(
                Finding::new(
                    Site::OperationPath(oid),
                    format!("path of `{} {}` ends with `/`", op.method.as_str(), op.path),
                    "trailing slash",
                )
                .help(format!("use `{}`", if trimmed.is_empty() { "/" } else { trimmed })),
            );
        }
    }
}
