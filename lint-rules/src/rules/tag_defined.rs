//! TAG_DEFINED: the tags OpenAPI operations use are declared in the document's `tags`.

use compiler::diagnostic::Severity;
use compiler::ir::{Operation, ResourceKind, Site};

use crate::{Category, Context, Finding, Formats, Rule};

pub static RULE: Rule = Rule {
    id: "TAG_DEFINED",
    purpose: "Every tag an OpenAPI operation uses is declared in the document's top-level `tags`.",
    rationale: "Tags group operations: apigen makes a resource (one server trait, one client \
        section) of each operation's first tag, and documentation tools a section of each tag, \
        described and ordered as `tags` declares it. A tag used but never declared has no \
        description and no place in that order, and is most often a typo of one that is \
        (`pet` and `pets`), which splits one resource in two (Spectral's \
        `operation-tag-defined`).",
    bad: r#"{
  "openapi": "3.1.0",
  "info": { "title": "shop", "version": "1.0.0" },
  "tags": [{ "name": "users", "description": "The people who shop" }],
  "paths": {
    "/users": { "get": { "operationId": "listUsers", "tags": ["user"], "responses": { "200": { "description": "the users" } } } }
  }
}"#,
    good: r#"{
  "openapi": "3.1.0",
  "info": { "title": "shop", "version": "1.0.0" },
  "tags": [{ "name": "users", "description": "The people who shop" }],
  "paths": {
    "/users": { "get": { "operationId": "listUsers", "tags": ["users"], "responses": { "200": { "description": "the users" } } } }
  }
}"#,
    severity: Severity::Warning,
    categories: &[Category::Standard],
    flow_names: &[],
    flow_rule: None,
    formats: Formats::OpenApi,
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(s) = cx.svc() else { return };
    for (oid, op) in cx.all_operations() {
        for (i, tag) in op.tags.iter().enumerate() {
            if s.tags.iter().any(|t| &t.name == tag) {
                continue;
            }
            let near = s.tags.iter().find(|t| {
                t.name.eq_ignore_ascii_case(tag.trim_end_matches('s'))
                    || t.name.trim_end_matches('s').eq_ignore_ascii_case(tag)
            });
            let mut f = Finding::new(
                Site::OperationTag(oid, i),
                format!("tag `{tag}` of {} is not declared in the document's `tags`", what(cx, op)),
                "undeclared tag",
            );
            f = match near {
                Some(t) => f.help(format!("did you mean `{}`?", t.name)),
                None => f.help(format!("declare it: `tags: [{{name: {tag}, description: ...}}]`")),
            };
            out.push(f);
        }
    }
}

/// The operation as the document names it.
fn what(cx: &Context<'_>, op: &Operation) -> String {
    match cx.resource(op.resource).map(|r| r.kind) {
        Some(ResourceKind::Webhooks) => format!("webhook `{}`", op.path),
        Some(ResourceKind::Callback(_)) => format!("callback `{} {}`", op.method.as_str(), op.path),
        _ => format!("operation `{} {}`", op.method.as_str(), op.path),
    }
}
