//! RESOURCE_PATH_PLURAL: a collection resource's path ends with the resource's plural.

use compiler::diagnostic::Severity;
use compiler::ir::{Method, Operation, ResponseCode, Site, Type};
use compiler::names::pluralize;

use crate::text::{static_segments, unqualified};
use crate::{Category, Context, Finding, Formats, Rule};

pub static RULE: Rule = Rule {
    id: "RESOURCE_PATH_PLURAL",
    purpose: "The path of a collection resource ends with the plural of its type (`/users`, `/order/builders`).",
    rationale: "A collection path names what it holds: `GET /users` lists users and `GET /users/:id` \
        fetches one. apibuilder derives `/` + plural when a resource has no `path`; a hand-written path \
        that drops the plural (`/user`, `/:org`, `/search`) leaves readers and generated method names \
        guessing what the collection is. A resource counts as a collection when it has a `GET` on its \
        own path returning a list, or an operation one `:param` segment below it. Singletons such as \
        `/settings` are not checked. Only the last word is compared, so both `/order_builders` and \
        Flow's `/order/builders` pass for `order_builder`; it may also be the plural of another word \
        of the type name (`/generators` for `generator_with_service`).",
    bad: r#"{
  "name": "shop",
  "models": { "user": { "fields": [{ "name": "id", "type": "string" }] } },
  "resources": {
    "user": {
      "path": "/user",
      "operations": [
        { "method": "GET", "responses": { "200": { "type": "[user]" } } },
        { "method": "GET", "path": "/:id", "responses": { "200": { "type": "user" } } }
      ]
    }
  }
}"#,
    good: r#"{
  "name": "shop",
  "models": { "user": { "fields": [{ "name": "id", "type": "string" }] } },
  "resources": {
    "user": {
      "path": "/users",
      "operations": [
        { "method": "GET", "responses": { "200": { "type": "[user]" } } },
        { "method": "GET", "path": "/:id", "responses": { "200": { "type": "user" } } }
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
    for (rid, resource) in cx.resources() {
        let Some(path) = resource.path.as_deref() else { continue };
        let path = path.trim_end_matches('/');
        let ops = resource.operations.iter().filter_map(|&o| cx.operation(o));
        if !ops.clone().any(|op| is_collection_operation(op, path)) {
            continue;
        }
        let Some(expected) = last_word(&resource.plural) else { continue };
        let last_segment = static_segments(path).last();
        let actual = last_segment.and_then(last_word);
        // The plural of the type's last word, or of another of its words: `/generators` holds
        // `generator_with_service`s.
        let type_name = unqualified(&resource.type_name);
        let plural_of_a_word = |a: &str| type_name.split(['_', '-']).any(|w| pluralize(w).eq_ignore_ascii_case(a));
        if actual.as_deref().is_some_and(|a| a.eq_ignore_ascii_case(&expected) || plural_of_a_word(a)) {
            continue;
        }
        let shown = if path.is_empty() { "/" } else { path };
        let help = match (last_segment, actual) {
            (Some(segment), Some(word)) if pluralize(&word).eq_ignore_ascii_case(&expected) => {
                let keep = segment.rfind(['_', '-', '.']).map_or(0, |i| i + 1);
                let fixed = format!("{}{expected}", &segment[..keep]);
                format!("use the plural: `{}`", replace_last(path, segment, &fixed))
            }
            _ => format!("end the collection path with the resource's plural `{expected}`"),
        };
        out.push(
            Finding::new(
                Site::Resource(rid),
                format!(
                    "collection path `{shown}` of resource `{}` does not end with `{expected}`",
                    resource.type_name
                ),
                format!("collection of `{}`", resource.plural),
            )
            .help(help),
        );
    }
}

/// `GET <path>` returning a list, or any operation on `<path>/:param`.
fn is_collection_operation(op: &Operation, path: &str) -> bool {
    let Some(rest) = op.path.strip_prefix(path) else { return false };
    let rest = rest.trim_end_matches('/');
    if rest.is_empty() {
        return op.method == Method::Get && success_is_list(op);
    }
    rest.strip_prefix("/:").is_some_and(|param| !param.is_empty() && !param.contains('/'))
}

fn success_is_list(op: &Operation) -> bool {
    let success = op
        .responses
        .iter()
        .find(|r| matches!(r.code, ResponseCode::Status(200..=299)))
        .or_else(|| op.responses.iter().find(|r| r.code == ResponseCode::Default));
    success.is_some_and(|r| matches!(r.ty(), Type::List(_)))
}

/// The last word of a name or segment, split at `_`, `-` and `.`.
fn last_word(name: &str) -> Option<String> {
    name.rsplit(['_', '-', '.']).find(|w| !w.is_empty()).map(str::to_lowercase)
}

fn replace_last(path: &str, segment: &str, with: &str) -> String {
    match path.rfind(segment) {
        Some(i) => format!("{}{with}{}", &path[..i], &path[i + segment.len()..]),
        None => path.to_string(),
    }
}
