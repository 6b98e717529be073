//! EVENT_MODEL_FIELDS: event models start with `event_id: string` and `timestamp: date-time-iso8601`.

use std::collections::BTreeSet;

use compiler::diagnostic::Severity;
use compiler::ir::{Model, ModelId, Primitive, Site, Type};

use crate::text::{event_name, is_event_union};
use crate::{Category, Context, Finding, Formats, Rule};

pub static RULE: Rule = Rule {
    id: "EVENT_MODEL_FIELDS",
    purpose: "Event models (members of `*_event` unions, and models named `X_upserted`/`X_deleted`) start \
        with the required fields `event_id: string` and `timestamp: date-time-iso8601`, in that order.",
    rationale: "Event infrastructure reads these two fields from every record without knowing its \
        type: `event_id` to deduplicate redeliveries (delivery is at least once) and to partition, \
        `timestamp` to order and to replay from a point in time. Flow's lib-event requires both; \
        keeping them first and in the same order makes every event readable by the same generic code \
        and every payload diffable at a glance. This is Flow's `EventUpsertedModels` check (`event_model` \
        in a `linter` attribute).",
    bad: r#"{
  "name": "user",
  "models": {
    "user": { "fields": [{ "name": "id", "type": "string" }] },
    "user_upserted": {
      "fields": [
        { "name": "user", "type": "user" },
        { "name": "event_id", "type": "string" },
        { "name": "timestamp", "type": "string" }
      ]
    }
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
    }
  }
}"#,
    severity: Severity::Error,
    categories: &[Category::Standard, Category::Events],
    flow_names: &["event_model"],
    flow_rule: Some("EventUpsertedModels"),
    formats: Formats::ApiBuilder,
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let mut event_models: BTreeSet<ModelId> = BTreeSet::new();
    for (_, u) in cx.unions().filter(|(_, u)| is_event_union(&u.name)) {
        for m in &u.members {
            if let Type::Model(id) = m.ty
                && cx.model(id).is_some_and(|model| model.service == cx.service)
            {
                event_models.insert(id);
            }
        }
    }
    event_models.extend(cx.models().filter(|(_, m)| event_name(&m.name).is_some()).map(|(id, _)| id));
    for id in event_models {
        if let Some(model) = cx.model(id) {
            check_model(out, id, model);
        }
    }
}

fn check_model(out: &mut Vec<Finding>, id: ModelId, model: &Model) {
    let name = &model.name;
    let position = |field: &str| model.fields.iter().position(|f| f.name == field);
    let event_id = position("event_id");
    let timestamp = position("timestamp");
    let expectations = [
        ("event_id", Primitive::String, event_id, Some(0), "first field"),
        ("timestamp", Primitive::DateTimeIso8601, timestamp, event_id.map(|e| e + 1), "field right after `event_id`"),
    ];
    for (field, ty, at, want_at, place) in expectations {
        let Some(i) = at else {
            out.push(
                Finding::new(
                    Site::Model(id),
                    format!("event model `{name}` has no `{field}` field"),
                    format!("no `{field}`"),
                )
                .help(format!("add `{{\"name\": \"{field}\", \"type\": \"{}\"}}` as the {place}", ty.as_str())),
            );
            continue;
        };
        let Some(f) = model.fields.get(i) else { continue };
        if want_at.is_some_and(|w| w != i) {
            out.push(
                Finding::new(
                    Site::Field(id, i),
                    format!("`{field}` must be the {place} of event model `{name}`"),
                    "out of place",
                )
                .help(format!("move `{field}` to be the {place}")),
            );
        }
        if f.ty != Type::Primitive(ty) && !matches!(f.ty, Type::Unresolved(_)) {
            out.push(
                Finding::new(
                    Site::FieldType(id, i),
                    format!("`{field}` of event model `{name}` must have type `{}`", ty.as_str()),
                    format!("expected `{}`", ty.as_str()),
                )
                .help(format!("make the type `{}`", ty.as_str())),
            );
        }
        if !f.presence.is_required() {
            out.push(
                Finding::new(
                    Site::Field(id, i),
                    format!("`{field}` of event model `{name}` must be required"),
                    "optional",
                )
                .help("remove `\"required\": false`"),
            );
        }
    }
}
