//! EXPANDABLE_UNION_MEMBERS: a union `expandable_X` holds exactly `X` and `X_reference`, in that order.

use compiler::diagnostic::Severity;
use compiler::ir::{Site, Union, UnionId};

use crate::text::unqualified;
use crate::{Category, Context, Finding, Formats, Rule};

pub static RULE: Rule = Rule {
    id: "EXPANDABLE_UNION_MEMBERS",
    purpose: "A union named `expandable_X` has exactly the members `X` and `X_reference`, with `X` first.",
    rationale: "Flow's expansion convention: a field of type `expandable_user` holds either a whole \
        `user` (when the client asked `?expand=user`) or a `user_reference` (just the `id`). Clients \
        and generators rely on the name to know the two shapes; a missing reference, an extra member \
        or a different order breaks that contract. When `X` is itself a union, its members may stand \
        in for it. This is Flow's `ExpandableUnionsAreConsistent` check.",
    bad: r#"{
  "name": "shop",
  "models": {
    "user": { "fields": [{ "name": "id", "type": "string" }, { "name": "email", "type": "string" }] },
    "user_summary": { "fields": [{ "name": "id", "type": "string" }] }
  },
  "unions": {
    "expandable_user": {
      "discriminator": "discriminator",
      "types": [{ "type": "user" }, { "type": "user_summary" }]
    }
  }
}"#,
    good: r#"{
  "name": "shop",
  "models": {
    "user": { "fields": [{ "name": "id", "type": "string" }, { "name": "email", "type": "string" }] },
    "user_reference": { "fields": [{ "name": "id", "type": "string" }] }
  },
  "unions": {
    "expandable_user": {
      "discriminator": "discriminator",
      "types": [{ "type": "user" }, { "type": "user_reference" }]
    }
  }
}"#,
    severity: Severity::Error,
    categories: &[Category::Standard],
    flow_names: &[],
    flow_rule: Some("ExpandableUnionsAreConsistent"),
    formats: Formats::ApiBuilder,
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (id, u) in cx.unions() {
        let Some(subject) = u.name.strip_prefix("expandable_").filter(|s| !s.is_empty()) else { continue };
        check_union(cx, out, id, u, subject);
    }
}

fn check_union(cx: &Context<'_>, out: &mut Vec<Finding>, id: UnionId, u: &Union, subject: &str) {
    let reference = format!("{subject}_reference");
    // The full shapes: `X` itself, or the members of `X` when `X` is a union of this service.
    let mut full: Vec<String> = vec![subject.to_string()];
    if let Some((_, x)) = cx.unions().find(|(_, x)| x.name == subject) {
        full.extend(x.members.iter().map(|m| unqualified(&m.type_name).to_string()));
    }
    let names: Vec<&str> = u.members.iter().map(|m| unqualified(&m.type_name)).collect();
    let name = &u.name;
    let has_full = names.iter().any(|n| full.iter().any(|f| f == n));
    if !has_full {
        out.push(
            Finding::new(Site::Union(id), format!("`{name}` does not contain `{subject}`"), format!("no `{subject}`"))
                .help(format!("add `{subject}` as the first member: it is the expanded form")),
        );
    }
    let reference_at = names.iter().position(|n| *n == reference);
    if reference_at.is_none() {
        out.push(
            Finding::new(
                Site::Union(id),
                format!("`{name}` does not contain `{reference}`"),
                format!("no `{reference}`"),
            )
            .help(format!("add `{reference}` (a model with just the `id`) as the last member")),
        );
    }
    for (i, member) in names.iter().enumerate() {
        if *member != reference && !full.iter().any(|f| f == member) {
            out.push(
                Finding::new(
                    Site::UnionMember(id, i),
                    format!("`{member}` in `{name}` is neither `{subject}` nor `{reference}`"),
                    "unexpected member",
                )
                .help(format!("an expandable union holds only `{subject}` and `{reference}`; remove `{member}`")),
            );
        }
    }
    if let Some(r) = reference_at
        && names.iter().skip(r + 1).any(|n| full.iter().any(|f| f == n))
    {
        out.push(
            Finding::new(
                Site::UnionMember(id, r),
                format!("`{reference}` comes before `{subject}` in `{name}`"),
                "out of order",
            )
            .help(format!("list `{subject}` first and `{reference}` last")),
        );
    }
}
