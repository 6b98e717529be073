//! SQL for PostgreSQL (15, what Debian ships) from the data tier of a spec
//! ([`compiler::dao::tables`]): the migration that creates every table, from
//! `templates/create_tables.sql`.
//!
//! Per table: columns with `not null` where the field is required, defaults, and a check on
//! every text column that refuses empty text and text with whitespace at either end (what
//! Flow's `util.non_empty_trimmed_string` checks); the audit columns and `hash_code`; the primary
//! key; the declared indexes (unique, partial, composite) and the unique index `on_conflict`
//! needs; a trigger keeping `updated_at`; a trigger refusing updates of the primary key; and the
//! journal `journal.<table>` (every column, unconstrained, plus `journal_id`,
//! `journal_timestamp`, `journal_operation` and `journal_sent_at`, which makes the journal the
//! events relay's outbox) filled by a trigger after every insert, update and delete. Foreign keys come last, so tables may refer to each other in any order.
//! Identifiers are quoted only where PostgreSQL needs it; names PostgreSQL would cut at 63 bytes
//! are shortened with a stable hash instead.

use std::collections::BTreeSet;

use askama::Template as _;
use compiler::dao::{SqlDefault, SqlType, Table};
use compiler::ir::{Ir, ServiceId};

use crate::{FileKind, GenerateError};

/// The tables of a spec as the database has them after a migration: what the next migration is
/// computed from. Kept beside the migrations as JSON (names as PostgreSQL has them, unquoted).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Schema {
    pub tables: Vec<TableState>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TableState {
    pub schema: String,
    pub name: String,
    pub model: String,
    /// The journal table's name, in schema `journal`.
    pub journal: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    pub columns: Vec<ColumnState>,
    pub pkey: Vec<String>,
    #[serde(default)]
    pub indexes: Vec<IndexState>,
    #[serde(default)]
    pub foreign_keys: Vec<ForeignKeyState>,
    /// The column a trigger keeps at `now()` on every update.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    /// Whether the journal is an outbox too: `journal_sent_at`, null until the events relay has
    /// published the row, with a partial index on the rows not sent. Schemas written before it
    /// existed say `false`, and the next migration adds it.
    #[serde(default)]
    pub outbox: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ColumnState {
    pub name: String,
    /// The SQL type: `text`, `bigint`, `timestamptz`, …
    pub ty: String,
    pub nullable: bool,
    /// The default, as SQL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// Whether a check refuses empty and untrimmed text.
    #[serde(default)]
    pub trimmed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IndexState {
    pub name: String,
    pub unique: bool,
    pub columns: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predicate: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ForeignKeyState {
    pub name: String,
    pub columns: Vec<String>,
    /// `schema.table` or `schema.table (col, …)`, quoted as needed.
    pub references: String,
}

impl TableState {
    pub fn qualified(&self) -> String {
        qualified(&self.schema, &self.name)
    }
}

impl Schema {
    /// The tables of a service's data tier.
    pub fn of(ir: &Ir, sid: ServiceId) -> Schema {
        let tables = compiler::dao::tables(ir, sid);
        let journals = journal_names(&tables);
        let tables = tables.iter().zip(journals).map(|(t, journal)| state(ir, t, journal)).collect();
        Schema { tables }
    }

    pub fn is_empty(&self) -> bool {
        self.tables.is_empty()
    }
}

fn state(ir: &Ir, t: &Table, journal: String) -> TableState {
    let m = ir.model(t.model);
    let described = |d: Option<&str>| d.map(str::trim).filter(|d| !d.is_empty()).map(String::from);
    let columns = t
        .columns
        .iter()
        .map(|c| ColumnState {
            name: c.name.clone(),
            ty: c.ty.as_str().to_string(),
            nullable: c.nullable,
            default: c.default.as_ref().map(|d| default(d, c.ty)),
            trimmed: c.trimmed_text,
            comment: match c.source {
                compiler::dao::ColumnSource::Field(i) => described(m.fields[i].description.as_deref()),
                _ => None,
            },
        })
        .collect();
    let mut taken = BTreeSet::new();
    let indexes = t
        .indexes
        .iter()
        .map(|i| {
            let suffix = if i.unique { "key" } else { "idx" };
            // Two indexes on the same columns (one of them partial): numbered.
            let mut index = name(&[&t.name, &i.fields.join("_"), suffix]);
            let mut n = 2;
            while !taken.insert(index.clone()) {
                index = name(&[&t.name, &i.fields.join("_"), &format!("{suffix}{n}")]);
                n += 1;
            }
            IndexState { name: index, unique: i.unique, columns: i.fields.clone(), predicate: i.predicate.clone() }
        })
        .collect();
    let foreign_keys = t
        .foreign_keys
        .iter()
        .map(|k| {
            let mut references = qualified(&k.schema, &k.table);
            if !k.columns.is_empty() {
                references = format!("{references} ({})", list(&k.columns));
            }
            ForeignKeyState {
                name: name(&[&t.name, &k.fields.join("_"), "fkey"]),
                columns: k.fields.clone(),
                references,
            }
        })
        .collect();
    TableState {
        schema: t.schema.clone(),
        name: t.name.clone(),
        model: m.name.clone(),
        journal,
        outbox: true,
        comment: described(m.description.as_deref()),
        columns,
        pkey: t.pkey.clone(),
        indexes,
        foreign_keys,
        updated_at: t.audit.updated_at.clone(),
    }
}

#[derive(askama::Template)]
#[template(path = "create_tables.sql", escape = "none")]
struct CreateTables<'a> {
    header: &'static str,
    intro: &'a str,
    schemas: Vec<String>,
    tables: Vec<TableSql>,
    foreign_keys: Vec<ForeignKeySql>,
}

struct TableSql {
    model: String,
    qualified: String,
    columns: Vec<ColumnSql>,
    comments: Vec<String>,
    pkey: String,
    pkey_changed: String,
    indexes: Vec<IndexSql>,
    updated_at: Option<String>,
    fn_updated_at: String,
    trigger_updated_at: String,
    fn_keep_pkey: String,
    trigger_keep_pkey: String,
    journal: String,
    journal_index: String,
    outbox_index: String,
    journal_fn: String,
    fn_journal: String,
    trigger_journal: String,
}

struct ColumnSql {
    name: String,
    ty: String,
    nullable: bool,
    default: Option<String>,
    check: Option<String>,
}

struct IndexSql {
    name: String,
    unique: bool,
    columns: String,
    predicate: Option<String>,
}

struct ForeignKeySql {
    table: String,
    name: String,
    columns: String,
    references: String,
}

fn column_sql(t: &TableState, c: &ColumnState) -> ColumnSql {
    let name = ident(&c.name);
    let check = c.trimmed.then(|| {
        format!(
            "constraint {} check ({name} <> '' and {name} = btrim({name}, E' \\t\\n\\r\\f\\v'))",
            ident(&self::name(&[&t.name, &c.name, "check"]))
        )
    });
    ColumnSql { name, ty: c.ty.clone(), nullable: c.nullable, default: c.default.clone(), check }
}

fn index_sql(i: &IndexState) -> IndexSql {
    IndexSql { name: ident(&i.name), unique: i.unique, columns: list(&i.columns), predicate: i.predicate.clone() }
}

fn fk_sql(t: &TableState, k: &ForeignKeyState) -> ForeignKeySql {
    ForeignKeySql {
        table: t.qualified(),
        name: ident(&k.name),
        columns: list(&k.columns),
        references: k.references.clone(),
    }
}

/// The partial index of a journal's rows the relay has not sent.
fn outbox_index(t: &TableState) -> String {
    ident(&name(&[&t.journal, "journal_unsent_idx"]))
}

/// The function the journal trigger of a table runs (created, or replaced when columns change).
fn journal_function(t: &TableState) -> String {
    let journal = format!("journal.{}", ident(&t.journal));
    let names: Vec<String> = t.columns.iter().map(|c| ident(&c.name)).collect();
    let values = |row: &str| names.iter().map(|n| format!("{row}.{n}")).collect::<Vec<_>>().join(", ");
    let columns = names.join(", ");
    format!(
        "create or replace function journal.{f}() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' then
    insert into {journal} (journal_operation, {columns})
      values (tg_op, {old});
    return old;
  end if;
  insert into {journal} (journal_operation, {columns})
    values (tg_op, {new});
  return new;
end
$$;",
        f = ident(&name(&[&t.journal, "record"])),
        old = values("old"),
        new = values("new"),
    )
}

fn table_sql(t: &TableState) -> TableSql {
    let qualified = t.qualified();
    let mut comments = Vec::new();
    if let Some(d) = &t.comment {
        comments.push(format!("table {qualified} is {}", literal(d)));
    }
    for c in &t.columns {
        if let Some(d) = &c.comment {
            comments.push(format!("column {qualified}.{} is {}", ident(&c.name), literal(d)));
        }
    }
    let in_schema = |suffix: &str| format!("{}.{}", ident(&t.schema), ident(&name(&[&t.name, suffix])));
    TableSql {
        model: t.model.clone(),
        qualified: qualified.clone(),
        columns: t.columns.iter().map(|c| column_sql(t, c)).collect(),
        comments,
        pkey_changed: t
            .pkey
            .iter()
            .map(|p| format!("new.{0} is distinct from old.{0}", ident(p)))
            .collect::<Vec<_>>()
            .join(" or "),
        pkey: list(&t.pkey),
        indexes: t.indexes.iter().map(index_sql).collect(),
        updated_at: t.updated_at.as_deref().map(ident),
        fn_updated_at: in_schema("set_updated_at"),
        trigger_updated_at: ident(&name(&[&t.name, "set_updated_at"])),
        fn_keep_pkey: in_schema("keep_primary_key"),
        trigger_keep_pkey: ident(&name(&[&t.name, "keep_primary_key"])),
        journal: format!("journal.{}", ident(&t.journal)),
        journal_index: ident(&name(&[&t.journal, "journal_key_idx"])),
        outbox_index: outbox_index(t),
        journal_fn: journal_function(t),
        fn_journal: format!("journal.{}", ident(&name(&[&t.journal, "record"]))),
        trigger_journal: ident(&name(&[&t.name, "journal"])),
    }
}

/// SQL creating `tables` (their foreign keys last).
fn render_create(intro: &str, tables: &[&TableState]) -> Result<String, GenerateError> {
    let schemas: BTreeSet<String> = tables.iter().filter(|t| t.schema != "public").map(|t| ident(&t.schema)).collect();
    CreateTables {
        header: FileKind::Sql.header(),
        intro,
        schemas: schemas.into_iter().collect(),
        tables: tables.iter().map(|t| table_sql(t)).collect(),
        foreign_keys: tables.iter().flat_map(|t| t.foreign_keys.iter().map(move |k| fk_sql(t, k))).collect(),
    }
    .render()
    .map_err(|e| GenerateError::Template { template: "create_tables.sql", message: e.to_string() })
}

/// The migration that creates every table of the service, or `None` when it has none.
pub fn create_tables(ir: &Ir, sid: ServiceId) -> Result<Option<String>, GenerateError> {
    // The first migration, as `apigen update` writes it: every table is new.
    match migrate(&Schema::default(), &Schema::of(ir, sid), &|_| true) {
        Ok(first) => Ok(first.map(|(_, sql)| sql)),
        Err(e) => Err(GenerateError::Template {
            template: "create_tables.sql",
            message: e.into_iter().map(|d| d.what).collect::<Vec<_>>().join("; "),
        }),
    }
}

/// A change a migration would make that can lose data or reject rows that exist: refused unless
/// allowed by its element (`public.users`, `public.users.email`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destructive {
    pub element: String,
    pub what: String,
}

/// The next migration: what takes a database from `before` to `after`, and a short description
/// of it for its file name (`add_users_nickname`). `None` when nothing changed. A destructive
/// change (a table or column dropped, a type changed, a column made required or given a text
/// check, a required column without a default added, a primary key changed) is refused unless
/// `allowed` says yes for its element; journals are never dropped.
pub fn migrate(
    before: &Schema,
    after: &Schema,
    allowed: &dyn Fn(&str) -> bool,
) -> Result<Option<(String, String)>, Vec<Destructive>> {
    let mut refused = Vec::new();
    let mut sql: Vec<String> = Vec::new();
    let mut keys: Vec<String> = Vec::new();
    let mut what: Vec<String> = Vec::new();
    let mut destructive = |element: String, text: String, statement: String, sql: &mut Vec<String>| {
        if allowed(&element) {
            sql.push(statement);
        } else {
            refused.push(Destructive { element, what: text });
        }
    };
    let find = |s: &Schema, t: &TableState| s.tables.iter().find(|o| o.schema == t.schema && o.name == t.name).cloned();
    let added: Vec<&TableState> = after.tables.iter().filter(|t| find(before, t).is_none()).collect();
    for t in before.tables.iter().filter(|t| find(after, t).is_none()) {
        destructive(
            format!("{}.{}", t.schema, t.name),
            format!("table {} would be dropped (its journal stays)", t.qualified()),
            format!("drop table {};", t.qualified()),
            &mut sql,
        );
        what.push(format!("drop_{}", t.name));
    }
    for t in after.tables.iter() {
        let Some(old) = find(before, t) else { continue };
        let q = t.qualified();
        let el = |c: &str| format!("{}.{}.{c}", t.schema, t.name);
        if old.pkey != t.pkey {
            destructive(
                format!("{}.{}", t.schema, t.name),
                format!(
                    "the primary key of {q} would change from ({}) to ({})",
                    old.pkey.join(", "),
                    t.pkey.join(", ")
                ),
                format!(
                    "alter table {q} drop constraint {};\nalter table {q} add primary key ({});",
                    ident(&format!("{}_pkey", t.name)),
                    list(&t.pkey)
                ),
                &mut sql,
            );
        }
        if t.outbox && !old.outbox {
            let journal = format!("journal.{}", ident(&t.journal));
            sql.push(format!(
                "alter table {journal} add column journal_sent_at timestamptz;\n\
                 create index {} on {journal} (journal_id) where journal_sent_at is null;",
                outbox_index(t)
            ));
            what.push(format!("outbox_{}", t.name));
        }
        let mut journal_changed = false;
        for c in &old.columns {
            if !t.columns.iter().any(|n| n.name == c.name) {
                destructive(
                    el(&c.name),
                    format!("column {q}.{} would be dropped", ident(&c.name)),
                    format!("alter table {q} drop column {};", ident(&c.name)),
                    &mut sql,
                );
                what.push(format!("drop_{}_{}", t.name, c.name));
            }
        }
        for c in &t.columns {
            let col = ident(&c.name);
            match old.columns.iter().find(|o| o.name == c.name) {
                None => {
                    let def = column_sql(t, c);
                    let mut statement = format!("alter table {q} add column {col} {}", c.ty);
                    if !c.nullable {
                        statement.push_str(" not null");
                    }
                    if let Some(d) = &c.default {
                        statement.push_str(&format!(" default {d}"));
                    }
                    if let Some(check) = def.check {
                        statement.push_str(&format!(" {check}"));
                    }
                    statement.push(';');
                    statement.push_str(&format!(
                        "\nalter table journal.{} add column {col} {};",
                        ident(&t.journal),
                        c.ty
                    ));
                    if !c.nullable && c.default.is_none() {
                        destructive(
                            el(&c.name),
                            format!(
                                "required column {q}.{col} would be added without a default: rows that exist have no value for it"
                            ),
                            statement,
                            &mut sql,
                        );
                    } else {
                        sql.push(statement);
                    }
                    journal_changed = true;
                    what.push(format!("add_{}_{}", t.name, c.name));
                }
                Some(o) => {
                    if o.ty != c.ty {
                        destructive(
                            el(&c.name),
                            format!("column {q}.{col} would change type from {} to {}", o.ty, c.ty),
                            format!(
                                "alter table {q} alter column {col} type {ty} using {col}::{ty};\nalter table journal.{} alter column {col} type {ty} using {col}::{ty};",
                                ident(&t.journal),
                                ty = c.ty
                            ),
                            &mut sql,
                        );
                        what.push(format!("retype_{}_{}", t.name, c.name));
                    }
                    if o.nullable && !c.nullable {
                        destructive(
                            el(&c.name),
                            format!("column {q}.{col} would become required: rows that exist may have none"),
                            format!("alter table {q} alter column {col} set not null;"),
                            &mut sql,
                        );
                    } else if !o.nullable && c.nullable {
                        sql.push(format!("alter table {q} alter column {col} drop not null;"));
                    }
                    if o.default != c.default {
                        sql.push(match &c.default {
                            Some(d) => format!("alter table {q} alter column {col} set default {d};"),
                            None => format!("alter table {q} alter column {col} drop default;"),
                        });
                    }
                    let check = ident(&name(&[&t.name, &c.name, "check"]));
                    if !o.trimmed && c.trimmed {
                        let def = column_sql(t, c).check.unwrap_or_default();
                        destructive(
                            el(&c.name),
                            format!(
                                "column {q}.{col} would refuse empty and untrimmed text, which rows that exist may hold"
                            ),
                            format!("alter table {q} add {def};"),
                            &mut sql,
                        );
                    } else if o.trimmed && !c.trimmed {
                        sql.push(format!("alter table {q} drop constraint {check};"));
                    }
                    if o.comment != c.comment {
                        let text = c.comment.as_deref().map_or("null".to_string(), literal);
                        sql.push(format!("comment on column {q}.{col} is {text};"));
                    }
                }
            }
        }
        if journal_changed || old.columns.iter().map(|c| &c.name).ne(t.columns.iter().map(|c| &c.name)) {
            sql.push(journal_function(t));
        }
        for i in &old.indexes {
            if !t.indexes.contains(i) {
                // A dropped column takes its indexes with it.
                sql.push(format!("drop index if exists {}.{};", ident(&t.schema), ident(&i.name)));
            }
        }
        for i in &t.indexes {
            if !old.indexes.contains(i) {
                let i = index_sql(i);
                let unique = if i.unique { "unique " } else { "" };
                let predicate = i.predicate.map_or(String::new(), |w| format!(" where {w}"));
                sql.push(format!("create {unique}index {} on {q} ({}){predicate};", i.name, i.columns));
                what.push(format!("index_{}", t.name));
            }
        }
        for k in &old.foreign_keys {
            if !t.foreign_keys.contains(k) {
                sql.push(format!("alter table {q} drop constraint if exists {};", ident(&k.name)));
            }
        }
        for k in &t.foreign_keys {
            if !old.foreign_keys.contains(k) {
                let k = fk_sql(t, k);
                // After the new tables, which it may reference.
                keys.push(format!(
                    "alter table {q} add constraint {} foreign key ({}) references {};",
                    k.name, k.columns, k.references
                ));
            }
        }
        if old.updated_at != t.updated_at {
            let trigger = ident(&name(&[&t.name, "set_updated_at"]));
            sql.push(format!("drop trigger if exists {trigger} on {q};"));
            if let Some(u) = &t.updated_at {
                let f = format!("{}.{}", ident(&t.schema), ident(&name(&[&t.name, "set_updated_at"])));
                sql.push(format!(
                    "create or replace function {f}() returns trigger language plpgsql as $$\nbegin\n  new.{u} := now();\n  return new;\nend\n$$;\ncreate trigger {trigger} before update on {q}\n  for each row execute function {f}();",
                    u = ident(u)
                ));
            }
        }
        if old.comment != t.comment {
            let text = t.comment.as_deref().map_or("null".to_string(), literal);
            sql.push(format!("comment on table {q} is {text};"));
        }
    }
    if !refused.is_empty() {
        return Err(refused);
    }
    // Changes to the tables that exist first (a new table may reference a new column), then the
    // new tables, then the foreign keys that exist now to reference them.
    let mut body = String::new();
    if !sql.is_empty() {
        body.push_str(FileKind::Sql.header());
        body.push_str("\n\n-- Changes to tables that exist.\n");
        for s in &sql {
            body.push_str(s);
            body.push('\n');
        }
    }
    if !added.is_empty() {
        let intro = "New tables, with their constraints, indexes, triggers and journals.";
        let created = render_create(intro, &added)
            .map_err(|e| vec![Destructive { element: String::new(), what: e.to_string() }])?;
        if body.is_empty() {
            body.push_str(&created);
        } else {
            // One header per file.
            body.push_str(created.trim_start_matches(FileKind::Sql.header()));
        }
        what.extend(added.iter().map(|t| format!("create_{}", t.name)));
    }
    if !keys.is_empty() {
        if body.is_empty() {
            body.push_str(FileKind::Sql.header());
            body.push('\n');
        }
        body.push_str("\n-- New foreign keys of tables that exist.\n");
        for k in &keys {
            body.push_str(k);
            body.push('\n');
        }
    }
    if body.is_empty() {
        return Ok(None);
    }
    let mut description = what.join("_");
    if description.len() > 48 {
        description = format!("{}_and_{}_more", what[0], what.len() - 1);
    }
    if description.is_empty() {
        description = "change_tables".into();
    }
    Ok(Some((description, body)))
}

/// The journal table of each table: its name, or `<schema>_<name>` where two schemas hold a
/// table of the same name.
/// The journal table's name of `t`, one of `tables` (a spec's): see [`journal_names`].
pub(crate) fn journal_name(tables: &[Table], t: &Table) -> String {
    let shared = tables.iter().filter(|o| o.name == t.name).count() > 1;
    if shared && t.schema != "public" { format!("{}_{}", t.schema, t.name) } else { t.name.clone() }
}

fn journal_names(tables: &[Table]) -> Vec<String> {
    tables.iter().map(|t| journal_name(tables, t)).collect()
}

/// A default as SQL: a literal of the column's type, or `now()`.
fn default(d: &SqlDefault, ty: SqlType) -> String {
    match d {
        SqlDefault::Now => "now()".into(),
        SqlDefault::Literal(v) => match (v, ty) {
            (_, SqlType::Jsonb) => format!("{}::jsonb", literal(&v.to_string())),
            (serde_json::Value::String(s), _) => literal(s),
            (serde_json::Value::Bool(b), _) => b.to_string(),
            (serde_json::Value::Number(n), _) => n.to_string(),
            (other, _) => literal(&other.to_string()),
        },
    }
}

/// A string literal: `'it''s'`.
fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

fn list(names: &[String]) -> String {
    names.iter().map(|n| ident(n)).collect::<Vec<_>>().join(", ")
}

fn qualified(schema: &str, table: &str) -> String {
    format!("{}.{}", ident(schema), ident(table))
}

/// A name made of parts, as PostgreSQL keeps it: at most 63 bytes, a long one shortened with a
/// stable hash of the whole so that two long names stay apart.
fn name(parts: &[&str]) -> String {
    let whole = parts.iter().filter(|p| !p.is_empty()).copied().collect::<Vec<_>>().join("_");
    if whole.len() <= 63 {
        return whole;
    }
    // FNV-1a: stable across processes, machines and releases.
    let hash = whole.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    let mut cut = 54;
    while !whole.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}_{:08x}", &whole[..cut], hash as u32)
}

/// An identifier, quoted where PostgreSQL needs it: not a plain lower-case name, or a reserved
/// word.
pub fn ident(name: &str) -> String {
    let plain = name.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if plain && !RESERVED.contains(&name) { name.to_string() } else { format!("\"{}\"", name.replace('"', "\"\"")) }
}

/// PostgreSQL's reserved key words (and those it reserves as a function or type name), which
/// cannot be column or table names unquoted.
const RESERVED: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "binary",
    "both",
    "case",
    "cast",
    "check",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "false",
    "fetch",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "group",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "intersect",
    "into",
    "is",
    "isnull",
    "join",
    "lateral",
    "leading",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "natural",
    "not",
    "notnull",
    "null",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "outer",
    "overlaps",
    "placing",
    "primary",
    "references",
    "returning",
    "right",
    "select",
    "session_user",
    "similar",
    "some",
    "symmetric",
    "system_user",
    "table",
    "tablesample",
    "then",
    "to",
    "trailing",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_quoted_where_postgres_needs_it() {
        assert_eq!(ident("users"), "users");
        assert_eq!(ident("user"), "\"user\"");
        assert_eq!(ident("order"), "\"order\"");
        assert_eq!(ident("userId"), "\"userId\"");
        assert_eq!(ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(ident("1st"), "\"1st\"");
    }

    #[test]
    fn long_names_are_shortened_stably() {
        let long = name(&["a_table_with_a_rather_long_name", "and_an_index_on_several_columns", "idx"]);
        assert!(long.len() <= 63, "{long}");
        assert_eq!(long, name(&["a_table_with_a_rather_long_name", "and_an_index_on_several_columns", "idx"]));
        assert_ne!(long, name(&["a_table_with_a_rather_long_name", "and_an_index_on_several_columns", "key"]));
        assert_eq!(name(&["users", "email", "key"]), "users_email_key");
    }

    /// A schema written before journals were outboxes (no `outbox` in its JSON) migrates to one.
    #[test]
    fn journals_become_outboxes_in_a_migration_of_their_own() {
        let spec = r#"{"name": "shop", "attributes": [{"name": "psql", "value": {"pkey": "id"}}],
            "models": {"order": {"fields": [{"name": "id", "type": "string"}],
            "attributes": [{"name": "psql", "value": {}}]}}}"#;
        let c = compiler::compile_str("shop.json", spec);
        let now = Schema::of(&c.ir, ServiceId(0));
        let mut json: serde_json::Value = serde_json::to_value(&now).unwrap();
        json["tables"][0].as_object_mut().unwrap().remove("outbox");
        let before: Schema = serde_json::from_value(json).unwrap();
        assert!(!before.tables[0].outbox);
        let (description, sql) = migrate(&before, &now, &|_: &str| false).unwrap().unwrap();
        assert_eq!(description, "outbox_orders");
        assert!(sql.contains("alter table journal.orders add column journal_sent_at timestamptz;"), "{sql}");
        assert!(sql.contains("where journal_sent_at is null"), "{sql}");
        assert_eq!(migrate(&now, &now, &|_: &str| false).unwrap(), None);
    }
}
