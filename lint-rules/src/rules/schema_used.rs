//! SCHEMA_USED: every schema of an OpenAPI document is used.

use std::collections::HashSet;

use compiler::diagnostic::Severity;
use compiler::ir::{Site, Type};

use crate::{Category, Context, Finding, Formats, Rule};

pub static RULE: Rule = Rule {
    id: "SCHEMA_USED",
    purpose: "Every model, enum and union schema of an OpenAPI document is used: by an operation, \
        a webhook, a callback, or another schema.",
    rationale: "A schema nothing refers to is dead weight that readers still have to read, \
        generators still turn into code, and reviewers still have to keep consistent; most often \
        it is left over from a change that moved its users to another schema, or it was meant to \
        be used and a `$ref` is missing (Spectral's `oas3-unused-component`). Schemas that only \
        name another type (a string with a format, an array) are read as that type and are not \
        checked.",
    bad: r#"{
  "openapi": "3.1.0",
  "info": { "title": "shop", "version": "1.0.0" },
  "paths": {
    "/users": { "get": { "operationId": "listUsers", "responses": { "200": { "description": "the users" } } } }
  },
  "components": { "schemas": { "user": { "type": "object", "properties": { "id": { "type": "string" } } } } }
}"#,
    good: r##"{
  "openapi": "3.1.0",
  "info": { "title": "shop", "version": "1.0.0" },
  "paths": {
    "/users": { "get": { "operationId": "listUsers", "responses": { "200": { "description": "the users",
      "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/user" } } } } } } } }
  },
  "components": { "schemas": { "user": { "type": "object", "properties": { "id": { "type": "string" } } } } }
}"##,
    severity: Severity::Warning,
    categories: &[Category::Standard],
    flow_names: &[],
    flow_rule: None,
    formats: Formats::OpenApi,
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let note = |ty: &Type| ty.innermost().clone();
    let mut types = Vec::new();
    for (_, op) in cx.all_operations() {
        types.extend(op.parameters.iter().map(|p| note(&p.ty)));
        types.extend(op.body.iter().flat_map(|b| &b.content).map(|c| note(&c.ty)));
        for r in &op.responses {
            types.extend(r.content.iter().map(|c| note(&c.ty)));
            types.extend(r.headers.iter().map(|h| note(&h.ty)));
        }
    }
    if let Some(s) = cx.svc() {
        types.extend(s.headers.iter().map(|h| note(&h.ty)));
    }
    // What every type of the service holds, used or not: a schema another refers to is used
    // (as Spectral sees it), so only the unused roots are reported.
    for (_, m) in cx.models() {
        types.extend(m.fields.iter().map(|f| note(&f.ty)));
        types.extend(m.interfaces.iter().map(|i| Type::Interface(*i)));
    }
    for (_, u) in cx.unions() {
        types.extend(u.members.iter().map(|m| note(&m.ty)));
        types.extend(u.interfaces.iter().map(|i| Type::Interface(*i)));
    }
    for (_, i) in cx.interfaces() {
        types.extend(i.fields.iter().map(|f| note(&f.ty)));
    }
    let used: HashSet<Type> = types.into_iter().collect();
    let unused = |ty: Type| !used.contains(&ty);
    let mut report = |site: Site, kind: &str, name: &str| {
        out.push(
            Finding::new(site, format!("{kind} `{name}` is used by no operation and no other schema"), "unused")
                .help("refer to it where it belongs, or remove it"),
        );
    };
    for (id, m) in cx.models() {
        if unused(Type::Model(id)) {
            report(Site::Model(id), "schema", &m.name);
        }
    }
    for (id, e) in cx.enums() {
        if unused(Type::Enum(id)) {
            report(Site::Enum(id), "enum schema", &e.name);
        }
    }
    for (id, u) in cx.unions() {
        if unused(Type::Union(id)) {
            report(Site::Union(id), "union schema", &u.name);
        }
    }
}
