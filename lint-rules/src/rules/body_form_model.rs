//! BODY_FORM_MODEL: POST and PUT bodies are `*_form` models; on the resource's own path, its form.

use compiler::diagnostic::Severity;
use compiler::ir::{Method, Site, Type};

use crate::text::unqualified;
use crate::{Category, Context, Finding, Formats, Rule};

pub static RULE: Rule = Rule {
    id: "BODY_FORM_MODEL",
    purpose: "POST and PUT bodies are form models: `<resource>_form` on the resource's own path, some `*_form` elsewhere.",
    rationale: "What a client sends is not what the server returns: a `user` has an `id`, audit \
        timestamps and computed fields that a client must not set. A separate `user_form` (or \
        `user_put_form`) says exactly what is writable, and can evolve without touching the read model. \
        Operations on the resource's collection or item path (`POST /users`, `PUT /users/:id`) take \
        the resource's own form, whose name starts with the resource type; actions on sub-paths \
        (`PUT /users/:id/password`) may take any form model. A list of forms (bulk upload) is fine.",
    bad: r#"{
  "name": "shop",
  "models": {
    "user": { "fields": [{ "name": "id", "type": "string" }, { "name": "email", "type": "string" }] }
  },
  "resources": {
    "user": {
      "operations": [
        { "method": "POST", "body": { "type": "user" }, "responses": { "201": { "type": "user" } } }
      ]
    }
  }
}"#,
    good: r#"{
  "name": "shop",
  "models": {
    "user": { "fields": [{ "name": "id", "type": "string" }, { "name": "email", "type": "string" }] },
    "user_form": { "fields": [{ "name": "email", "type": "string" }] }
  },
  "resources": {
    "user": {
      "operations": [
        { "method": "POST", "body": { "type": "user_form" }, "responses": { "201": { "type": "user" } } }
      ]
    }
  }
}"#,
    severity: Severity::Error,
    categories: &[Category::Standard],
    flow_names: &[],
    flow_rule: None,
    formats: Formats::ApiBuilder,
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (oid, op, resource) in cx.operations() {
        if !matches!(op.method, Method::Post | Method::Put) {
            continue;
        }
        let Some(body) = &op.body else { continue };
        // A list of forms is a bulk request: judge the element type.
        let element = match body.ty() {
            Type::List(inner) => inner.as_ref(),
            other => other,
        };
        if matches!(element, Type::Unresolved(_)) {
            continue; // Already reported by the compiler.
        }
        let resource_name = unqualified(&resource.type_name);
        let form = format!("{resource_name}_form");
        let route = format!("{} {}", op.method.as_str(), op.path);
        let body_name = cx.type_name(body.ty());
        let on_own_path = resource.path.as_deref().is_some_and(|rp| is_own_path(&op.path, rp));
        let name = match element {
            Type::Model(_) | Type::Union(_) => cx.short_name(element).unwrap_or(""),
            _ => "",
        };
        if !is_form_name(name) {
            let mut finding = Finding::new(
                Site::Body(oid),
                format!("body of `{route}` is `{body_name}`, not a form model"),
                "not a `*_form` model",
            )
            .help(if on_own_path {
                format!("declare `{form}` with the fields a client may send, and make it the body")
            } else {
                "declare a `*_form` model with the fields a client may send, and make it the body".to_string()
            });
            if name == resource_name {
                finding = finding.note(format!(
                    "taking `{resource_name}` as input makes server-assigned fields such as `id` look writable"
                ));
            }
            out.push(finding);
        } else if on_own_path && !is_form_of(name, resource_name) {
            out.push(
                Finding::new(
                    Site::Body(oid),
                    format!("body of `{route}` is `{body_name}`; the form of resource `{resource_name}` is `{form}`"),
                    format!("expected `{form}`"),
                )
                .help(format!(
                    "name the form after the resource (`{form}`, `{resource_name}_put_form`), or move the operation \
                     to the path of the resource it writes"
                )),
            );
        }
    }
}

/// `user_form`, `user_put_form`, `organization_token_form_v2`, `consumer_invoice_form_by_order`:
/// any name with the word `form`.
fn is_form_name(name: &str) -> bool {
    name.split('_').any(|w| w == "form")
}

/// Whether `form` is a form of the resource `resource`: named after it (`user_form`,
/// `user_put_form`, `user_settings_form`), or after the concept it qualifies (`bank_account_form`
/// for `channel_bank_account`). Version suffixes are ignored on both (`organization_token_v2` takes
/// `organization_token_form_v2`), and a resource that is itself a form takes itself.
fn is_form_of(form: &str, resource: &str) -> bool {
    let base = strip_version(resource);
    let base = base.strip_suffix("_form").unwrap_or(base);
    let form = strip_version(form);
    let mut subject = form.strip_suffix("_form").unwrap_or(form);
    for verb in ["_put", "_post", "_patch"] {
        subject = subject.strip_suffix(verb).unwrap_or(subject);
    }
    form.starts_with(&format!("{base}_")) || subject == base || base.ends_with(&format!("_{subject}"))
}

/// `order_v2` → `order`.
fn strip_version(name: &str) -> &str {
    match name.rfind("_v") {
        Some(i) if name.len() > i + 2 && name[i + 2..].chars().all(|c| c.is_ascii_digit()) => &name[..i],
        _ => name,
    }
}

/// The resource's collection path itself, or one `:param` segment below it.
fn is_own_path(op_path: &str, resource_path: &str) -> bool {
    let resource_path = resource_path.trim_end_matches('/');
    let Some(rest) = op_path.strip_prefix(resource_path) else { return false };
    let rest = rest.trim_end_matches('/');
    rest.is_empty() || rest.strip_prefix("/:").is_some_and(|p| !p.is_empty() && !p.contains('/'))
}
