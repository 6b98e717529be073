//! ERROR_TYPE_CONSISTENT: every 4xx response with a body uses the service's standard error type.

use std::collections::HashMap;

use compiler::diagnostic::Severity;
use compiler::ir::{ResponseCode, Site, Type};

use crate::text::unqualified;
use crate::{Category, Context, Finding, Formats, Rule};

pub static RULE: Rule = Rule {
    id: "ERROR_TYPE_CONSISTENT",
    purpose: "Every 4xx response with a body has the service's standard error type.",
    rationale: "Clients handle errors in one place: a generated client maps a 422 to an error value, and \
        a UI shows its messages. When one operation answers `generic_error`, another `[string]` and a \
        third `user_error`, every caller needs a special case per operation. Bodiless 4xx responses \
        (`401: unit`, `404: unit`) are fine. \
        \n\nThe standard type is configured per service with a `linter` attribute on the service: \
        `{\"name\": \"linter\", \"value\": {\"error_types\": [\"generic_error\", \"*_error\"]}}`; an entry \
        is a type name as written in the spec (plain or qualified), and a leading or trailing `*` matches \
        any prefix or suffix. Without it, the standard is the type most 4xx responses of the service \
        already use, and the others are reported. It is a warning: domain errors with extra fields \
        (`card_error`) are a deliberate choice in some APIs; list them in `error_types`.",
    bad: r#"{
  "name": "shop",
  "models": {
    "error": { "fields": [{ "name": "code", "type": "string" }, { "name": "message", "type": "string" }] },
    "user": { "fields": [{ "name": "id", "type": "string" }] },
    "user_form": { "fields": [{ "name": "email", "type": "string" }] }
  },
  "resources": {
    "user": {
      "operations": [
        {
          "method": "POST",
          "body": { "type": "user_form" },
          "responses": { "201": { "type": "user" }, "422": { "type": "[error]" } }
        },
        {
          "method": "PUT",
          "path": "/:id",
          "body": { "type": "user_form" },
          "responses": { "200": { "type": "user" }, "422": { "type": "[error]" } }
        },
        {
          "method": "DELETE",
          "path": "/:id",
          "responses": { "204": { "type": "unit" }, "409": { "type": "[string]" } }
        }
      ]
    }
  }
}"#,
    good: r#"{
  "name": "shop",
  "models": {
    "error": { "fields": [{ "name": "code", "type": "string" }, { "name": "message", "type": "string" }] },
    "user": { "fields": [{ "name": "id", "type": "string" }] },
    "user_form": { "fields": [{ "name": "email", "type": "string" }] }
  },
  "resources": {
    "user": {
      "operations": [
        {
          "method": "POST",
          "body": { "type": "user_form" },
          "responses": { "201": { "type": "user" }, "422": { "type": "[error]" } }
        },
        {
          "method": "PUT",
          "path": "/:id",
          "body": { "type": "user_form" },
          "responses": { "200": { "type": "user" }, "422": { "type": "[error]" } }
        },
        {
          "method": "DELETE",
          "path": "/:id",
          "responses": { "204": { "type": "unit" }, "404": { "type": "unit" }, "409": { "type": "[error]" } }
        }
      ]
    }
  }
}"#,
    severity: Severity::Warning,
    categories: &[Category::Standard],
    flow_names: &["response_codes"],
    flow_rule: None,
    formats: Formats::ApiBuilder,
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let mut responses = Vec::new();
    for (oid, op, _) in cx.operations() {
        for (i, r) in op.responses.iter().enumerate() {
            let ResponseCode::Status(code @ 400..=499) = r.code else { continue };
            if r.ty().is_unit() || matches!(r.ty(), Type::Unresolved(_)) {
                continue;
            }
            responses.push((
                Site::ResponseType(oid, i),
                code,
                format!("{} {}", op.method.as_str(), op.path),
                cx.type_name(r.ty()),
            ));
        }
    }
    if responses.is_empty() {
        return;
    }
    let configured = configured_error_types(cx);
    if !configured.is_empty() {
        let listed = configured.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ");
        for (site, code, route, ty) in &responses {
            if configured.iter().any(|p| pattern_matches(p, ty)) {
                continue;
            }
            out.push(
                Finding::new(
                    *site,
                    format!("{code} response of `{route}` is `{ty}`, not one of this service's error types ({listed})"),
                    "not a standard error type",
                )
                .help(
                    "use one of the error types, or add this one to `error_types` in the service's `linter` attribute",
                ),
            );
        }
        return;
    }
    // The type most 4xx responses use; ties go to the type used first.
    let mut counts: HashMap<&str, (usize, usize)> = HashMap::new();
    for (index, (_, _, _, ty)) in responses.iter().enumerate() {
        counts.entry(ty.as_str()).or_insert((0, index)).0 += 1;
    }
    let Some((standard, (used, _))) =
        counts.iter().max_by(|(_, (n1, first1)), (_, (n2, first2))| n1.cmp(n2).then(first2.cmp(first1)))
    else {
        return;
    };
    let total = responses.len();
    for (site, code, route, ty) in &responses {
        if ty == standard {
            continue;
        }
        out.push(
            Finding::new(
                *site,
                format!(
                    "{code} response of `{route}` is `{ty}`, but this service's 4xx responses use `{standard}` \
                     ({used} of {total})"
                ),
                format!("expected `{standard}`"),
            )
            .help(format!(
                "use `{standard}`; if `{ty}` is deliberate, list the accepted types on the service: \
                 `{{\"name\": \"linter\", \"value\": {{\"error_types\": [\"{standard}\", \"{ty}\"]}}}}`"
            )),
        );
    }
}

/// The `error_types` of the service's `linter` attributes.
fn configured_error_types(cx: &Context<'_>) -> Vec<String> {
    let Some(service) = cx.svc() else { return Vec::new() };
    let mut out = Vec::new();
    for attribute in service.attributes.iter().filter(|a| a.name.trim().eq_ignore_ascii_case("linter")) {
        let Some(value) = attribute.value.get("error_types") else { continue };
        if let Some(one) = value.as_str() {
            out.push(one.trim().to_string());
        }
        for item in value.as_array().into_iter().flatten().filter_map(|v| v.as_str()) {
            out.push(item.trim().to_string());
        }
    }
    out.retain(|p| !p.is_empty());
    out
}

/// An `error_types` entry against a type as written (`[error]`, `io.flow.error.v0.models.generic_error`):
/// the full text or its unqualified name, with `*` at either end matching anything.
fn pattern_matches(pattern: &str, ty: &str) -> bool {
    let short = unqualified_type(ty);
    let one = |candidate: &str| {
        if let Some(suffix) = pattern.strip_prefix('*') {
            candidate.ends_with(suffix)
        } else if let Some(prefix) = pattern.strip_suffix('*') {
            candidate.starts_with(prefix)
        } else {
            candidate == pattern
        }
    };
    one(ty) || one(&short)
}

/// `[io.flow.v0.models.error]` → `[error]`.
fn unqualified_type(ty: &str) -> String {
    let inner_start = ty.rfind('[').map_or(0, |i| i + 1);
    let inner_end = ty.find(']').filter(|&e| e >= inner_start).unwrap_or(ty.len());
    format!("{}{}{}", &ty[..inner_start], unqualified(&ty[inner_start..inner_end]), &ty[inner_end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        assert!(pattern_matches("generic_error", "io.flow.error.v0.models.generic_error"));
        assert!(pattern_matches("*_error", "card_error"));
        assert!(pattern_matches("[error]", "[io.flow.v0.models.error]"));
        assert!(pattern_matches("io.flow.*", "io.flow.error.v0.models.generic_error"));
        assert!(!pattern_matches("*_error", "[string]"));
        assert_eq!(unqualified_type("map[a.b.c]"), "map[c]");
    }
}
