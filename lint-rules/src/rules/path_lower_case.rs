//! PATH_LOWER_CASE: the fixed segments of operation paths are lower case.

use compiler::diagnostic::Severity;
use compiler::ir::Site;

use crate::text::static_segments;
use crate::{Category, Context, Finding, Formats, Rule};

pub static RULE: Rule = Rule {
    id: "PATH_LOWER_CASE",
    purpose: "The fixed segments of operation paths are lower case.",
    rationale: "URL paths are case-sensitive, so `/Users` and `/users` are different resources to \
        every router, cache and proxy, while people read and type them as the same. Lower-case paths \
        remove the ambiguity. Path parameters (`:userId`) are checked by PARAMETER_NAME_SNAKE_CASE.",
    bad: r#"{
  "name": "shop",
  "models": { "user": { "fields": [{ "name": "id", "type": "string" }] } },
  "resources": {
    "user": {
      "path": "/Users",
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
    categories: &[Category::Basic, Category::Standard],
    flow_names: &[],
    flow_rule: Some("LowerCasePaths"),
    formats: Formats::Both,
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (oid, op, _) in cx.operations() {
        if !static_segments(&op.path).any(|s| s.chars().any(char::is_uppercase)) {
            continue;
        }
        let fixed: Vec<String> =
            op.path.split('/').map(|s| if s.starts_with(':') { s.to_string() } else { s.to_lowercase() }).collect();
        out.push(
            Finding::new(
                Site::OperationPath(oid),
                format!("path of `{} {}` has upper-case letters", op.method.as_str(), op.path),
                "upper-case letters in the path",
            )
            .help(format!("use `{}`", fixed.join("/"))),
        );
    }
}
