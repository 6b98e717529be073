//! The data tier: the `psql` attribute of apibuilder specs, as Flow Commerce and Michael Bryzek
//! write it (`../shared/reference/apibuilder.md` §7), turned into [`Table`]s.
//!
//! A model is a table when it, or its service, has a `psql` attribute; the model's keys replace
//! the service's one by one. The table is the model's plural in `schema` (default `public`); its
//! columns are the model's fields, then the audit columns, then `hash_code`. Keys:
//!
//! - `schema`: the PostgreSQL schema.
//! - `pkey`: the primary key, a field name or a list of them; default `id`, else `guid`.
//! - `hash_code: {}`: a `hash_code bigint not null` column, so that writing unchanged data is a
//!   no-op.
//! - `indexes: [{fields, unique, where}]`: indexes; which ones exist decides which queries the
//!   DAO has.
//! - `on_conflict: {fields}`: the unique key upserts name; made a unique index when none is.
//! - `foreign_keys: [{fields, references}]`: `references` is `table`, `schema.table`, or
//!   `table(column, …)`; without columns it is the referenced table's primary key.
//! - `audit: {created, updated, deleted}`, each `{at: {name, type, required}, by: {…}}`:
//!   `created_at`/`updated_at` columns default to `now()`, `updated_at` kept by a trigger;
//!   `deleted` makes deletes soft.
//! - `authorization`: Flow's; read and kept, no SQL comes of it.
//!
//! The attribute is validated where it is written ([`check`], at lowering, with positions);
//! [`tables`] reads the validated IR and never fails.

use std::collections::BTreeSet;

use serde_json::Value as Json;

use crate::diagnostic::Code;
use crate::frontend::reader::Reader;
use crate::ir::*;
use crate::names;
use crate::syntax::json::Node;

/// The keys a `psql` attribute may have.
const KEYS: [&str; 8] =
    ["schema", "pkey", "hash_code", "indexes", "on_conflict", "foreign_keys", "audit", "authorization"];

/// A table of the data tier.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub model: ModelId,
    pub schema: String,
    pub name: String,
    /// The model's fields, then the audit columns, then `hash_code`.
    pub columns: Vec<Column>,
    pub pkey: Vec<String>,
    pub hash_code: bool,
    /// As declared, then the unique index `on_conflict` needs when none is declared.
    pub indexes: Vec<Index>,
    pub on_conflict: Option<Vec<String>>,
    pub foreign_keys: Vec<ForeignKey>,
    pub audit: Audit,
}

impl Table {
    /// `schema.name`.
    pub fn qualified(&self) -> String {
        format!("{}.{}", self.schema, self.name)
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Whether deletes are soft (the audit has `deleted`).
    pub fn soft_delete(&self) -> bool {
        self.audit.deleted_at.is_some()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub ty: SqlType,
    pub nullable: bool,
    /// Text that may not be empty, nor start or end with whitespace.
    pub trimmed_text: bool,
    /// A default the database applies: a literal of the field's, or `now()` for audit times.
    pub default: Option<SqlDefault>,
    pub source: ColumnSource,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SqlDefault {
    Literal(Literal),
    Now,
}

/// Where a column comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnSource {
    /// Field `i` of the model.
    Field(usize),
    Audit,
    HashCode,
}

/// The PostgreSQL types columns have (nothing newer than PostgreSQL 15).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqlType {
    Text,
    Uuid,
    Boolean,
    Integer,
    Bigint,
    Double,
    Numeric,
    Date,
    Timestamptz,
    /// Objects, lists, maps, models and unions, as their JSON.
    Jsonb,
}

impl SqlType {
    pub fn as_str(self) -> &'static str {
        match self {
            SqlType::Text => "text",
            SqlType::Uuid => "uuid",
            SqlType::Boolean => "boolean",
            SqlType::Integer => "integer",
            SqlType::Bigint => "bigint",
            SqlType::Double => "double precision",
            SqlType::Numeric => "numeric",
            SqlType::Date => "date",
            SqlType::Timestamptz => "timestamptz",
            SqlType::Jsonb => "jsonb",
        }
    }

    /// The column type of a field's type.
    pub fn of(ty: &Type) -> SqlType {
        match ty {
            Type::Primitive(p) => match p {
                Primitive::String | Primitive::Unit => SqlType::Text,
                Primitive::Uuid => SqlType::Uuid,
                Primitive::Boolean => SqlType::Boolean,
                Primitive::Integer => SqlType::Integer,
                Primitive::Long => SqlType::Bigint,
                Primitive::Double => SqlType::Double,
                Primitive::Decimal => SqlType::Numeric,
                Primitive::DateIso8601 => SqlType::Date,
                Primitive::DateTimeIso8601 => SqlType::Timestamptz,
                Primitive::Json | Primitive::Object => SqlType::Jsonb,
            },
            // Open enums: a value a newer writer knows is kept, as every reader keeps it.
            Type::Enum(_) | Type::Unresolved(_) => SqlType::Text,
            Type::List(_) | Type::Map(_) | Type::Model(_) | Type::Union(_) | Type::Interface(_) => SqlType::Jsonb,
        }
    }

    /// The type an audit column's `type` names.
    fn of_name(name: &str) -> SqlType {
        match name {
            "uuid" => SqlType::Uuid,
            "date-time-iso8601" => SqlType::Timestamptz,
            "date-iso8601" => SqlType::Date,
            "long" => SqlType::Bigint,
            "integer" => SqlType::Integer,
            _ => SqlType::Text,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    pub fields: Vec<String>,
    pub unique: bool,
    /// A partial index's predicate, as written (SQL).
    pub predicate: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKey {
    pub fields: Vec<String>,
    pub schema: String,
    pub table: String,
    /// Empty: the referenced table's primary key.
    pub columns: Vec<String>,
}

/// The audit columns of a table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Audit {
    pub created_at: Option<String>,
    pub created_by: Option<String>,
    pub updated_at: Option<String>,
    pub updated_by: Option<String>,
    pub deleted_at: Option<String>,
    pub deleted_by: Option<String>,
}

/// The `psql` attribute of a model or service, if any.
fn psql(attributes: &[Attribute]) -> Option<&serde_json::Map<String, Json>> {
    attributes.iter().find(|a| a.name == "psql").and_then(|a| a.value.as_object())
}

/// The value of `key` for a model: its own, else its service's.
fn setting<'j>(
    model: Option<&'j serde_json::Map<String, Json>>,
    service: Option<&'j serde_json::Map<String, Json>>,
    key: &str,
) -> Option<&'j Json> {
    model.and_then(|m| m.get(key)).or_else(|| service.and_then(|s| s.get(key)))
}

fn strings(v: &Json) -> Vec<String> {
    match v {
        Json::String(s) => vec![s.trim().to_string()],
        Json::Array(items) => items.iter().filter_map(Json::as_str).map(|s| s.trim().to_string()).collect(),
        _ => Vec::new(),
    }
}

/// The table name of a model: its plural, in snake case.
fn table_name(m: &Model) -> String {
    let plural = if m.plural.is_empty() { names::pluralize(&m.name) } else { m.plural.clone() };
    names::normalize(&plural).replace(['-', ' '], "_")
}

/// The primary key a model gets without a `pkey`: `id`, else `guid`.
fn default_pkey(m: &Model) -> Option<String> {
    ["id", "guid"].iter().find(|n| m.fields.iter().any(|f| f.name == **n)).map(|n| n.to_string())
}

/// `references`: `table`, `schema.table`, `table(col, …)`.
fn reference(text: &str, own_schema: &str) -> (String, String, Vec<String>) {
    let (target, columns) = match text.split_once('(') {
        Some((t, rest)) => (
            t.trim(),
            rest.trim_end_matches(')').split(',').map(|c| c.trim().to_string()).filter(|c| !c.is_empty()).collect(),
        ),
        None => (text.trim(), Vec::new()),
    };
    match target.split_once('.') {
        Some((s, t)) => (s.trim().to_string(), t.trim().to_string(), columns),
        None => (own_schema.to_string(), target.to_string(), columns),
    }
}

/// The audit columns an `audit` object names: `{created: {at, by}, updated: …, deleted: …}`,
/// each `{name, type, required}` (names default to `created_at`, `created_by`, …).
fn audit_columns(audit: Option<&Json>) -> Vec<(String, SqlType, bool, &'static str)> {
    let mut out = Vec::new();
    let Some(audit) = audit.and_then(Json::as_object) else {
        // Without `audit`, what every table of Flow's has: when each row was created, and when
        // and by whom it was last changed.
        return vec![
            ("created_at".into(), SqlType::Timestamptz, true, "created_at"),
            ("updated_at".into(), SqlType::Timestamptz, true, "updated_at"),
            ("updated_by".into(), SqlType::Text, true, "updated_by"),
        ];
    };
    for event in ["created", "updated", "deleted"] {
        let Some(e) = audit.get(event).and_then(Json::as_object) else { continue };
        for part in ["at", "by"] {
            let Some(c) = e.get(part).and_then(Json::as_object) else { continue };
            let name = c.get("name").and_then(Json::as_str).map_or_else(|| format!("{event}_{part}"), str::to_string);
            let ty = c
                .get("type")
                .and_then(Json::as_str)
                .map_or(if part == "at" { SqlType::Timestamptz } else { SqlType::Text }, SqlType::of_name);
            // A deletion is what a row may not have had yet.
            let required = c.get("required").and_then(Json::as_bool).unwrap_or(event != "deleted");
            let role = match (event, part) {
                ("created", "at") => "created_at",
                ("created", _) => "created_by",
                ("updated", "at") => "updated_at",
                ("updated", _) => "updated_by",
                ("deleted", "at") => "deleted_at",
                _ => "deleted_by",
            };
            out.push((name, ty, required, role));
        }
    }
    out
}

/// The tables of a service: its models with a `psql` attribute, or all of them when the service
/// has one. Reads the IR as [`check`] validated it; what it could not read is left out.
pub fn tables(ir: &Ir, sid: ServiceId) -> Vec<Table> {
    let s = ir.service(sid);
    let service = psql(&s.attributes);
    let mut out = Vec::new();
    for &id in &s.models {
        let m = ir.model(id);
        let own = psql(&m.attributes);
        if own.is_none() && service.is_none() {
            continue;
        }
        let schema = setting(own, service, "schema").and_then(Json::as_str).unwrap_or("public").trim().to_string();
        let pkey = match setting(own, service, "pkey") {
            Some(v) => strings(v),
            None => default_pkey(m).into_iter().collect(),
        };
        let mut columns: Vec<Column> = m
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let ty = SqlType::of(&f.ty);
                Column {
                    name: f.name.clone(),
                    ty,
                    nullable: !f.presence.is_required() && !pkey.contains(&f.name),
                    trimmed_text: ty == SqlType::Text,
                    default: f.presence.default().cloned().map(SqlDefault::Literal),
                    source: ColumnSource::Field(i),
                }
            })
            .collect();
        let mut audit = Audit::default();
        for (name, ty, required, role) in audit_columns(setting(own, service, "audit")) {
            if columns.iter().any(|c| c.name == name) {
                continue; // E0207 at lowering
            }
            let default = matches!(role, "created_at" | "updated_at").then_some(SqlDefault::Now);
            let slot = match role {
                "created_at" => &mut audit.created_at,
                "created_by" => &mut audit.created_by,
                "updated_at" => &mut audit.updated_at,
                "updated_by" => &mut audit.updated_by,
                "deleted_at" => &mut audit.deleted_at,
                _ => &mut audit.deleted_by,
            };
            *slot = Some(name.clone());
            columns.push(Column {
                name,
                ty,
                nullable: !required,
                trimmed_text: ty == SqlType::Text,
                default,
                source: ColumnSource::Audit,
            });
        }
        let hash_code = setting(own, service, "hash_code").is_some_and(Json::is_object);
        if hash_code && !columns.iter().any(|c| c.name == "hash_code") {
            columns.push(Column {
                name: "hash_code".into(),
                ty: SqlType::Bigint,
                nullable: false,
                trimmed_text: false,
                default: None,
                source: ColumnSource::HashCode,
            });
        }
        let mut indexes: Vec<Index> = setting(own, service, "indexes")
            .and_then(Json::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Json::as_object)
                    .map(|i| Index {
                        fields: i.get("fields").map(strings).unwrap_or_default(),
                        unique: i.get("unique").and_then(Json::as_bool).unwrap_or(false),
                        predicate: i.get("where").and_then(Json::as_str).map(|w| w.trim().to_string()),
                    })
                    .filter(|i| !i.fields.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let on_conflict =
            setting(own, service, "on_conflict").and_then(|o| o.get("fields")).map(strings).filter(|f| !f.is_empty());
        if let Some(fields) = &on_conflict {
            let covered =
                *fields == pkey || indexes.iter().any(|i| i.unique && i.predicate.is_none() && &i.fields == fields);
            if !covered {
                indexes.push(Index { fields: fields.clone(), unique: true, predicate: None });
            }
        }
        let foreign_keys = setting(own, service, "foreign_keys")
            .and_then(Json::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Json::as_object)
                    .filter_map(|k| {
                        let fields = k.get("fields").map(strings).unwrap_or_default();
                        let (schema, table, columns) = reference(k.get("references")?.as_str()?, &schema);
                        (!fields.is_empty()).then_some(ForeignKey { fields, schema, table, columns })
                    })
                    .collect()
            })
            .unwrap_or_default();
        out.push(Table {
            model: id,
            schema,
            name: table_name(m),
            columns,
            pkey,
            hash_code,
            indexes,
            on_conflict,
            foreign_keys,
            audit,
        });
    }
    // A foreign key to a table of another spec is not created (W0201 at lowering).
    let known: BTreeSet<String> = out.iter().map(Table::qualified).collect();
    for t in &mut out {
        t.foreign_keys.retain(|k| known.contains(&format!("{}.{}", k.schema, k.table)));
    }
    out
}

/// The qualified names of the tables of a service (for [`check`]).
pub(crate) fn table_names(ir: &Ir, sid: ServiceId) -> BTreeSet<String> {
    tables(ir, sid).iter().map(Table::qualified).collect()
}

/// Validates the `psql` attributes of a model (`model`, its own, if any) against its fields, with
/// the service's (`service`) as defaults: keys and their shapes, the fields every key names, the
/// primary key, `on_conflict` against the indexes, audit columns against the fields. Reports at
/// the exact value at fault.
pub(crate) fn check(
    r: &mut Reader<'_>,
    model: &Model,
    own: Option<&Node>,
    service: Option<&Node>,
    tables: &BTreeSet<String>,
) {
    if own.is_none() && service.is_none() {
        return;
    }
    let what = format!("table of model `{}`", model.name);
    let get = |key: &str| own.and_then(|o| o.get(key)).or_else(|| service.and_then(|s| s.get(key)));
    let audit = get("audit").map(Node::to_serde);
    let audit_names: Vec<String> = audit_columns(audit.as_ref()).into_iter().map(|(n, ..)| n).collect();
    // What indexes and keys may name: the fields, the audit columns and `hash_code`.
    let mut fields: BTreeSet<&str> = model.fields.iter().map(|f| f.name.as_str()).collect();
    let model_fields = fields.clone();
    fields.extend(audit_names.iter().map(String::as_str));
    if get("hash_code").is_some() {
        fields.insert("hash_code");
    }
    // Field names that must exist, with what names them.
    let named = |r: &mut Reader<'_>, node: &Node, role: &str| -> Vec<String> {
        let items: Vec<&Node> = match node.as_array() {
            Some(items) => items.iter().collect(),
            None if node.as_str().is_some() => vec![node],
            None => {
                r.error(
                    Code::E0201,
                    node.span,
                    format!("{role} of the {what} must be a field name or a list of them"),
                    format!("expected a list of field names, found {}", node.kind_name()),
                );
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for item in items {
            let Some(name) = item.as_str().map(str::trim) else {
                r.error(Code::E0201, item.span, format!("{role} of the {what} must name fields"), "not a field name");
                continue;
            };
            if !fields.contains(name) {
                let d = r.error(
                    Code::E0202,
                    item.span,
                    format!("{role} of the {what} names `{name}`, which is no column of it",),
                    "no such field",
                );
                d.help = crate::frontend::reader::closest(name, fields.iter().copied())
                    .map(|c: &str| format!("did you mean `{c}`?"))
                    .or_else(|| {
                        Some(format!("the fields are: {}", fields.iter().copied().collect::<Vec<_>>().join(", ")))
                    });
            }
            out.push(name.to_string());
        }
        out
    };
    for node in [service, own].into_iter().flatten() {
        if r.object(node, "the `psql` attribute", &KEYS).is_none() {
            return;
        }
    }
    if let Some(s) = get("schema")
        && s.as_str().is_none_or(|t| t.trim().is_empty())
    {
        r.error(Code::E0201, s.span, format!("`schema` of the {what} must be a schema name"), "not a name");
    }
    match get("pkey") {
        Some(p) => {
            named(r, p, "the primary key `pkey`");
        }
        None => {
            if default_pkey(model).is_none() {
                let at = own.or(service).map_or(Default::default(), |n| n.span);
                r.error(
                    Code::E0203,
                    at,
                    format!("the {what} has no primary key: no `pkey`, and no field `id` or `guid`"),
                    "no primary key",
                )
                .help = Some("name the key's fields: `\"pkey\": \"code\"`".into());
            }
        }
    }
    if let Some(h) = get("hash_code")
        && h.as_object().is_none()
    {
        r.error(Code::E0201, h.span, format!("`hash_code` of the {what} must be an object (`{{}}`)"), "not an object");
    }
    let mut indexes: Vec<(Vec<String>, bool, bool, &Node)> = Vec::new();
    if let Some(list) = get("indexes") {
        match list.as_array() {
            None => {
                r.error(Code::E0201, list.span, format!("`indexes` of the {what} must be a list"), "not a list");
            }
            Some(items) => {
                for i in items {
                    let Some(obj) = r.object(i, &format!("an index of the {what}"), &["fields", "unique", "where"])
                    else {
                        continue;
                    };
                    let Some(f) = obj.get("fields") else {
                        r.error(
                            Code::E0201,
                            i.span,
                            format!("an index of the {what} has no `fields`"),
                            "`fields` is required",
                        );
                        continue;
                    };
                    let cols = named(r, f, "an index");
                    let unique =
                        obj.get("unique").is_some_and(|u| matches!(u.value, crate::syntax::json::Value::Bool(true)));
                    let partial = obj.get("where").is_some();
                    if let Some(w) = obj.get("where")
                        && w.as_str().is_none_or(|t| t.trim().is_empty())
                    {
                        r.error(
                            Code::E0201,
                            w.span,
                            format!("`where` of an index of the {what} must be SQL"),
                            "not SQL",
                        );
                    }
                    indexes.push((cols, unique, partial, i));
                }
            }
        }
    }
    if let Some(oc) = get("on_conflict") {
        match r.object(oc, &format!("`on_conflict` of the {what}"), &["fields"]).and_then(|o| o.get("fields")) {
            None => {
                r.error(
                    Code::E0201,
                    oc.span,
                    format!("`on_conflict` of the {what} has no `fields`"),
                    "`fields` is required",
                );
            }
            Some(f) => {
                let cols = named(r, f, "`on_conflict`");
                if let Some((_, _, _, at)) =
                    indexes.iter().find(|(c, unique, partial, _)| *c == cols && (!unique || *partial))
                {
                    let index = r.loc(at.span);
                    let d = r.error(
                        Code::E0204,
                        f.span,
                        format!(
                            "`on_conflict` of the {what} names ({}), whose index is not a plain unique one: an upsert needs one",
                            cols.join(", ")
                        ),
                        "no unique key",
                    );
                    d.secondary.push(crate::diagnostic::Label { loc: index, message: "this index".into() });
                    d.help = Some(
                        "make that index `\"unique\": true` without `where`, or drop it: on_conflict makes one".into(),
                    );
                }
            }
        }
    }
    if let Some(list) = get("foreign_keys") {
        match list.as_array() {
            None => {
                r.error(Code::E0201, list.span, format!("`foreign_keys` of the {what} must be a list"), "not a list");
            }
            Some(items) => {
                for k in items {
                    let Some(obj) =
                        r.object(k, &format!("a foreign key of the {what}"), &["fields", "references", "on_delete"])
                    else {
                        continue;
                    };
                    if let Some(f) = obj.get("fields") {
                        named(r, f, "a foreign key");
                    }
                    let schema = get("schema").and_then(Node::as_str).unwrap_or("public").trim();
                    if let Some(text) = obj.get("references").and_then(Node::as_str).filter(|t| !t.trim().is_empty()) {
                        let (s, t, _) = reference(text, schema);
                        if !tables.contains(&format!("{s}.{t}")) {
                            r.error(
                                Code::W0201,
                                obj.get("references").map_or(k.span, |n| n.span),
                                format!("a foreign key of the {what} references `{s}.{t}`, which is no table of this spec: it is not created"),
                                "unknown table",
                            )
                            .help = Some("declare the table in this spec, or create the constraint in a migration of your own".into());
                        }
                    }
                    if obj.get("references").and_then(Node::as_str).is_none_or(|t| t.trim().is_empty()) {
                        r.error(
                            Code::E0201,
                            obj.get("references").map_or(k.span, |n| n.span),
                            format!("a foreign key of the {what} must say what it `references`: `table`, `schema.table` or `table(column, …)`"),
                            "no reference",
                        );
                    }
                }
            }
        }
    }
    if let Some(a) = get("audit")
        && let Some(obj) = r.object(a, &format!("`audit` of the {what}"), &["created", "updated", "deleted"])
    {
        for event in ["created", "updated", "deleted"] {
            let Some(e) = obj.get(event) else { continue };
            let Some(e) = r.object(e, &format!("`audit.{event}` of the {what}"), &["at", "by"]) else { continue };
            for part in ["at", "by"] {
                let Some(c) = e.get(part) else { continue };
                let Some(c) =
                    r.object(c, &format!("`audit.{event}.{part}` of the {what}"), &["name", "type", "required"])
                else {
                    continue;
                };
                let name =
                    c.get("name").and_then(Node::as_str).map_or_else(|| format!("{event}_{part}"), str::to_string);
                if model_fields.contains(name.as_str()) {
                    r.error(
                        Code::E0205,
                        c.get("name").map_or(c.span, |n| n.span),
                        format!("audit column `{name}` of the {what} is also a field of model `{}`", model.name),
                        "declared twice",
                    )
                    .help = Some(
                        "audit columns are kept by the DAO: remove the field, or name the column otherwise".into(),
                    );
                }
            }
        }
    }
}
