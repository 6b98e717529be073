//! Event metadata: Flow's event unions (`user_event`), whose members say what happened to a
//! subject (`user_upserted` carries the `user`, `user_deleted` its id or the `user`), each union
//! one stream. The names are lint rules' business (EVENT_UNION_MEMBERS, EVENT_MODEL_FIELDS,
//! EVENT_UPSERTED_HAS_DELETED); what generators need is checked here (warnings W0211, W0212:
//! the spec stays valid, the member gets no event code) and read
//! into [`EventUnion`]s.
//!
//! The stream of a union: subject `<service key>.v<major>.<union>` and JetStream stream name
//! `<service key>_v<major>_<union>` (the key's `-` and `.` as `_`; `major` from the service's
//! `version`, 0 without one), after Flow's `<env>.<service>.v<N>.<union>.json` without the
//! environment, which is the broker's to keep apart.

use crate::ir::{Ir, ModelId, Primitive, ServiceId, Type, UnionId};

/// What an event model says happened to its subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    Upserted,
    /// `inserted` and `updated`: recognised (Flow's stream builder knows them) but not idempotent.
    Inserted,
    Updated,
    Deleted,
}

/// An event model name taken apart: `card_upserted_v2` → (`card`, upserted, `_v2`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventName<'a> {
    pub subject: &'a str,
    pub kind: EventKind,
    /// `_v2`, or empty.
    pub version: &'a str,
}

/// Parses Flow's event model names: `<subject>_(upserted|inserted|updated|deleted)[_v<N>]`.
pub fn event_name(name: &str) -> Option<EventName<'_>> {
    let (base, version) = match name.rfind("_v") {
        Some(i) if name.len() > i + 2 && name[i + 2..].chars().all(|c| c.is_ascii_digit()) => name.split_at(i),
        _ => (name, ""),
    };
    let kinds = [
        ("_upserted", EventKind::Upserted),
        ("_inserted", EventKind::Inserted),
        ("_updated", EventKind::Updated),
        ("_deleted", EventKind::Deleted),
    ];
    kinds.iter().find_map(|(suffix, kind)| {
        let subject = base.strip_suffix(suffix)?;
        (!subject.is_empty()).then_some(EventName { subject, kind: *kind, version })
    })
}

/// Flow's event unions: `<service>_event` or `<thing>_event` (`organization_event`).
pub fn is_event_union(name: &str) -> bool {
    name.len() > "_event".len() && name.ends_with("_event")
}

/// An event union of a service: one stream.
#[derive(Debug, Clone, PartialEq)]
pub struct EventUnion {
    pub union: UnionId,
    /// `user.v0.user_event`.
    pub subject: String,
    /// `user_v0_user_event`.
    pub stream: String,
    pub members: Vec<EventMember>,
}

/// A member of an event union that generators can produce and consume: the model, its subject
/// model, and the field that carries it (upserted) or its key (deleted).
#[derive(Debug, Clone, PartialEq)]
pub struct EventMember {
    /// Index in the union's members.
    pub index: usize,
    pub model: ModelId,
    pub kind: EventKind,
    /// The subject's name, as in the member's name (`user`).
    pub subject: String,
    /// The field of the member carrying the subject model, and that model.
    pub carries: Option<(usize, ModelId)>,
    /// For a deleted member without the model: the field holding the subject's key (`id`).
    pub key: Option<usize>,
}

/// The name of a model or its last segment (`io.flow.user.v0.models.user` → `user`).
fn unqualified(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

/// The field of `model` whose type is the model called `subject`.
fn carrier(ir: &Ir, model: ModelId, subject: &str) -> Option<(usize, ModelId)> {
    ir.model(model).fields.iter().enumerate().find_map(|(i, f)| match f.ty {
        Type::Model(m) if unqualified(&ir.model(m).name) == subject => Some((i, m)),
        _ => None,
    })
}

/// The key field of a deleted event without its model: `id`, or `guid`, a string or uuid.
fn key_field(ir: &Ir, model: ModelId) -> Option<usize> {
    ir.model(model).fields.iter().position(|f| {
        matches!(f.name.as_str(), "id" | "guid")
            && matches!(
                f.ty,
                Type::Primitive(Primitive::String | Primitive::Uuid | Primitive::Long | Primitive::Integer)
            )
    })
}

/// Why a member of an event union cannot be produced or consumed as an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// `X_upserted` with no field of model type `X` (W0211).
    UpsertedWithoutSubject { union: UnionId, member: usize, subject: String },
    /// `X_deleted` with neither a field of type `X` nor an `id`/`guid` (W0212).
    DeletedWithoutKey { union: UnionId, member: usize, subject: String },
}

/// The event unions of a service (unions named `*_event`), with the members generators can use:
/// upserted and deleted models. Members of other names are lint rules' findings and are left
/// out; members whose pairing does not hold are problems.
pub fn unions(ir: &Ir, sid: ServiceId) -> (Vec<EventUnion>, Vec<Problem>) {
    let s = ir.service(sid);
    let major = s
        .version
        .as_deref()
        .and_then(|v| v.trim_start_matches(['v', 'V']).split('.').next()?.parse::<u64>().ok())
        .unwrap_or(0);
    let token = |t: &str| -> String {
        t.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c.to_ascii_lowercase() } else { '_' }).collect()
    };
    let (mut out, mut problems) = (Vec::new(), Vec::new());
    for &uid in &s.unions {
        let u = ir.union(uid);
        if !is_event_union(&u.name) {
            continue;
        }
        let mut members = Vec::new();
        for (index, m) in u.members.iter().enumerate() {
            let Type::Model(model) = m.ty else { continue };
            let Some(name) = event_name(unqualified(&ir.model(model).name)) else { continue };
            let subject = name.subject.to_string();
            let carries = carrier(ir, model, &subject);
            match name.kind {
                EventKind::Upserted if carries.is_none() => {
                    problems.push(Problem::UpsertedWithoutSubject { union: uid, member: index, subject });
                    continue;
                }
                EventKind::Upserted => {
                    members.push(EventMember { index, model, kind: name.kind, subject, carries, key: None })
                }
                EventKind::Deleted => {
                    let key = if carries.is_some() { None } else { key_field(ir, model) };
                    if carries.is_none() && key.is_none() {
                        problems.push(Problem::DeletedWithoutKey { union: uid, member: index, subject });
                        continue;
                    }
                    members.push(EventMember { index, model, kind: name.kind, subject, carries, key });
                }
                EventKind::Inserted | EventKind::Updated => {}
            }
        }
        let (service, union) = (token(&s.key), token(&u.name));
        out.push(EventUnion {
            union: uid,
            subject: format!("{service}.v{major}.{union}"),
            stream: format!("{service}_v{major}_{union}"),
            members,
        });
    }
    (out, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r#"{"name": "user",
      "models": {
        "user": {"fields": [{"name": "id", "type": "string"}]},
        "user_upserted": {"fields": [{"name": "event_id", "type": "string"},
          {"name": "timestamp", "type": "date-time-iso8601"}, {"name": "user", "type": "user"}]},
        "user_deleted": {"fields": [{"name": "event_id", "type": "string"},
          {"name": "timestamp", "type": "date-time-iso8601"}, {"name": "id", "type": "string"}]},
        "card_upserted": {"fields": [{"name": "event_id", "type": "string"},
          {"name": "timestamp", "type": "date-time-iso8601"}, {"name": "number", "type": "string"}]}
      },
      "unions": {"user_event": {"discriminator": "discriminator",
        "types": [{"type": "user_upserted"}, {"type": "user_deleted"}, {"type": "card_upserted"}]}}}"#;

    #[test]
    fn event_unions_pair_members_with_their_subjects() {
        let c = crate::compile_str("user.json", SPEC);
        let (unions, problems) = unions(&c.ir, ServiceId(0));
        assert_eq!(unions.len(), 1);
        let u = &unions[0];
        assert_eq!((u.subject.as_str(), u.stream.as_str()), ("user.v0.user_event", "user_v0_user_event"));
        assert_eq!(u.members.len(), 2);
        assert_eq!((u.members[0].kind, u.members[0].carries.map(|c| c.0)), (EventKind::Upserted, Some(2)));
        assert_eq!((u.members[1].kind, u.members[1].key), (EventKind::Deleted, Some(2)));
        assert!(
            matches!(&problems[..], [Problem::UpsertedWithoutSubject { member: 2, subject, .. }] if subject == "card")
        );
        // And the compiler says so where the member is written.
        let d = c.diagnostics.iter().find(|d| d.code.as_str() == "W0211").expect("W0211");
        assert!(d.message.contains("`card_upserted`"), "{}", d.message);
    }

    #[test]
    fn names() {
        assert_eq!(event_name("card_upserted_v2").map(|e| (e.subject, e.version)), Some(("card", "_v2")));
        assert_eq!(event_name("user_deleted").map(|e| e.kind), Some(EventKind::Deleted));
        assert!(event_name("_deleted").is_none() && event_name("user").is_none());
        assert!(is_event_union("user_event") && !is_event_union("_event") && !is_event_union("user"));
    }
}
