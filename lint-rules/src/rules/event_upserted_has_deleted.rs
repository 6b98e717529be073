//! EVENT_UPSERTED_HAS_DELETED: every `X_upserted` member of an event union has an `X_deleted` beside it.

use std::collections::BTreeSet;

use compiler::diagnostic::Severity;
use compiler::ir::Site;

use crate::text::{EventKind, event_name, is_event_union, unqualified};
use crate::{Category, Context, Finding, Formats, Rule};

pub static RULE: Rule = Rule {
    id: "EVENT_UPSERTED_HAS_DELETED",
    purpose: "For every `X_upserted` in a `*_event` union, the union also has an `X_deleted` (any version).",
    rationale: "Consumers mirror the stream into their own store. If a `user` can be upserted but its \
        deletion is never published, every consumer keeps deleted users forever, and nobody notices \
        until the data is wrong. Versions pair freely: `card_upserted_v2` is answered by `card_deleted` \
        or `card_deleted_v2`. Flow checks the same in `EventStructure`.",
    bad: r#"{
  "name": "user",
  "models": {
    "user": { "fields": [{ "name": "id", "type": "string" }] },
    "user_upserted": {
      "fields": [
        { "name": "event_id", "type": "string" },
        { "name": "timestamp", "type": "date-time-iso8601" },
        { "name": "user", "type": "user" }
      ]
    }
  },
  "unions": {
    "user_event": { "discriminator": "discriminator", "types": [{ "type": "user_upserted" }] }
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
    flow_rule: Some("EventStructure"),
    formats: Formats::ApiBuilder,
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (id, u) in cx.unions().filter(|(_, u)| is_event_union(&u.name)) {
        let events: Vec<_> = u.members.iter().map(|m| event_name(unqualified(&m.type_name))).collect();
        let deleted: BTreeSet<&str> =
            events.iter().flatten().filter(|e| e.kind == EventKind::Deleted).map(|e| e.subject).collect();
        let mut reported: BTreeSet<&str> = BTreeSet::new();
        for (i, (m, event)) in u.members.iter().zip(&events).enumerate() {
            let Some(e) = event else { continue };
            if e.kind == EventKind::Deleted || deleted.contains(e.subject) || !reported.insert(e.subject) {
                continue;
            }
            let member = unqualified(&m.type_name);
            let subject = e.subject;
            out.push(
                Finding::new(
                    Site::UnionMember(id, i),
                    format!("`{member}` has no matching `{subject}_deleted` in `{}`", u.name),
                    format!("no `{subject}_deleted`"),
                )
                .help(format!(
                    "add a member `{subject}_deleted` with the fields `event_id`, `timestamp` and the `id` of the \
                     deleted `{subject}`"
                ))
                .note(format!("without it, consumers never learn that a `{subject}` was deleted")),
            );
        }
    }
}
