//! EVENT_UNION_MEMBERS: the members of a `*_event` union are `X_upserted` and `X_deleted` models.

use compiler::diagnostic::Severity;
use compiler::ir::Site;

use crate::text::{EventKind, event_name, is_event_union, unqualified};
use crate::{Category, Context, Finding, Formats, Rule};

pub static RULE: Rule = Rule {
    id: "EVENT_UNION_MEMBERS",
    purpose: "Every member of a `*_event` union is named `X_upserted` or `X_deleted` (optionally `_v2`, `_v3`…).",
    rationale: "An event union (`user_event`, by convention `<service>_event`) is a stream that \
        consumers mirror: each `X_upserted` carries the new state of an `X`, each `X_deleted` its id. \
        Delivery is at least once, so consumers must apply events idempotently, which upserts and \
        deletes allow and `X_created`/`X_inserted`/`X_updated` do not (a replayed insert fails, an \
        update of a row the consumer never saw is lost). Stream tooling (Flow's `api-build stream`) \
        pairs members by these names. A versioned member (`X_upserted_v2`) is allowed.",
    bad: r#"{
  "name": "user",
  "models": {
    "user": { "fields": [{ "name": "id", "type": "string" }] },
    "user_created": {
      "fields": [
        { "name": "event_id", "type": "string" },
        { "name": "timestamp", "type": "date-time-iso8601" },
        { "name": "user", "type": "user" }
      ]
    }
  },
  "unions": {
    "user_event": { "discriminator": "discriminator", "types": [{ "type": "user_created" }] }
  }
}"#,
    good: r#"{
  "name": "user",
  "models": {
    "user": { "fields": [{ "name": "id", "type": "string" }] },
    "user_upserted": {
      "fields": [
        { "name": "event_id", "type": "string" },
        { "name": "timestamp", "type": "date-time-iso8601" },
        { "name": "user", "type": "user" }
      ]
    },
    "user_deleted": {
      "fields": [
        { "name": "event_id", "type": "string" },
        { "name": "timestamp", "type": "date-time-iso8601" },
        { "name": "id", "type": "string" }
      ]
    }
  },
  "unions": {
    "user_event": {
      "discriminator": "discriminator",
      "types": [{ "type": "user_upserted" }, { "type": "user_deleted" }]
    }
  }
}"#,
    severity: Severity::Error,
    categories: &[Category::Standard, Category::Events],
    flow_names: &[],
    flow_rule: None,
    formats: Formats::ApiBuilder,
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (id, u) in cx.unions().filter(|(_, u)| is_event_union(&u.name)) {
        for (i, m) in u.members.iter().enumerate() {
            let name = unqualified(&m.type_name);
            let site = Site::UnionMember(id, i);
            match event_name(name) {
                Some(e) if matches!(e.kind, EventKind::Upserted | EventKind::Deleted) => {}
                Some(e) => {
                    let kind = if e.kind == EventKind::Inserted { "inserted" } else { "updated" };
                    out.push(
                        Finding::new(
                            site,
                            format!("`{name}` in event union `{}` is an `{kind}` event", u.name),
                            "not idempotent",
                        )
                        .help(format!(
                            "publish `{}_upserted{}` instead: consumers apply upserts idempotently",
                            e.subject, e.version
                        )),
                    );
                }
                None => out.push(
                    Finding::new(
                        site,
                        format!(
                            "`{name}` in event union `{}` is neither an `X_upserted` nor an `X_deleted` model",
                            u.name
                        ),
                        "not an upserted or deleted event",
                    )
                    .help(
                        "model the change as `<type>_upserted` (the new state) and `<type>_deleted` (the id), or \
                         publish it in a union that is not an event stream",
                    ),
                ),
            }
        }
    }
}
