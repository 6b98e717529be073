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
//! `journal_timestamp` and `journal_operation`) filled by a trigger after every insert, update
//! and delete. Foreign keys come last, so tables may refer to each other in any order.
//! Identifiers are quoted only where PostgreSQL needs it; names PostgreSQL would cut at 63 bytes
//! are shortened with a stable hash instead.

use std::collections::BTreeSet;

use askama::Template as _;
use compiler::dao::{Column, SqlDefault, SqlType, Table};
use compiler::ir::{Ir, ServiceId};

use crate::{FileKind, GenerateError};

#[derive(askama::Template)]
#[template(path = "create_tables.sql", escape = "none")]
struct CreateTables {
    header: &'static str,
    service: String,
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
    fn_journal: String,
    trigger_journal: String,
    column_list: String,
    old_values: String,
    new_values: String,
}

struct ColumnSql {
    name: String,
    ty: &'static str,
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

/// The migration that creates every table of the service, or `None` when it has none.
pub fn create_tables(ir: &Ir, sid: ServiceId) -> Result<Option<String>, GenerateError> {
    let tables = compiler::dao::tables(ir, sid);
    if tables.is_empty() {
        return Ok(None);
    }
    let journal_names = journal_names(&tables);
    let mut foreign_keys = Vec::new();
    let mut out = Vec::new();
    for (t, journal) in tables.iter().zip(journal_names) {
        let m = ir.model(t.model);
        let qualified = qualified(&t.schema, &t.name);
        let pkey = list(&t.pkey);
        let columns: Vec<ColumnSql> = t.columns.iter().map(column).collect();
        let mut comments = Vec::new();
        if let Some(d) = m.description.as_deref().filter(|d| !d.trim().is_empty()) {
            comments.push(format!("table {qualified} is {}", literal(d.trim())));
        }
        for c in &t.columns {
            if let compiler::dao::ColumnSource::Field(i) = c.source
                && let Some(d) = m.fields[i].description.as_deref().filter(|d| !d.trim().is_empty())
            {
                comments.push(format!("column {qualified}.{} is {}", ident(&c.name), literal(d.trim())));
            }
        }
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
                IndexSql {
                    name: ident(&index),
                    unique: i.unique,
                    columns: list(&i.fields),
                    predicate: i.predicate.clone(),
                }
            })
            .collect();
        for k in &t.foreign_keys {
            let mut references = self::qualified(&k.schema, &k.table);
            if !k.columns.is_empty() {
                references = format!("{references} ({})", list(&k.columns));
            }
            foreign_keys.push(ForeignKeySql {
                table: qualified.clone(),
                name: ident(&name(&[&t.name, &k.fields.join("_"), "fkey"])),
                columns: list(&k.fields),
                references,
            });
        }
        let in_schema = |suffix: &str| format!("{}.{}", ident(&t.schema), ident(&name(&[&t.name, suffix])));
        let names: Vec<String> = t.columns.iter().map(|c| ident(&c.name)).collect();
        let values = |row: &str| names.iter().map(|n| format!("{row}.{n}")).collect::<Vec<_>>().join(", ");
        out.push(TableSql {
            model: m.name.clone(),
            qualified: qualified.clone(),
            columns,
            comments,
            pkey_changed: t
                .pkey
                .iter()
                .map(|p| format!("new.{0} is distinct from old.{0}", ident(p)))
                .collect::<Vec<_>>()
                .join(" or "),
            pkey,
            indexes,
            updated_at: t.audit.updated_at.as_deref().map(ident),
            fn_updated_at: in_schema("set_updated_at"),
            trigger_updated_at: ident(&name(&[&t.name, "set_updated_at"])),
            fn_keep_pkey: in_schema("keep_primary_key"),
            trigger_keep_pkey: ident(&name(&[&t.name, "keep_primary_key"])),
            journal: format!("journal.{}", ident(&journal)),
            journal_index: ident(&name(&[&journal, "journal_key_idx"])),
            fn_journal: format!("journal.{}", ident(&name(&[&journal, "record"]))),
            trigger_journal: ident(&name(&[&t.name, "journal"])),
            column_list: names.join(", "),
            old_values: values("old"),
            new_values: values("new"),
        });
    }
    let schemas: BTreeSet<String> = tables.iter().filter(|t| t.schema != "public").map(|t| ident(&t.schema)).collect();
    let sql = CreateTables {
        header: FileKind::Sql.header(),
        service: ir.service(sid).name.clone(),
        schemas: schemas.into_iter().collect(),
        tables: out,
        foreign_keys,
    }
    .render()
    .map_err(|e| GenerateError::Template { template: "create_tables.sql", message: e.to_string() })?;
    Ok(Some(sql))
}

/// The journal table of each table: its name, or `<schema>_<name>` where two schemas hold a
/// table of the same name.
fn journal_names(tables: &[Table]) -> Vec<String> {
    tables
        .iter()
        .map(|t| {
            let shared = tables.iter().filter(|o| o.name == t.name).count() > 1;
            if shared && t.schema != "public" { format!("{}_{}", t.schema, t.name) } else { t.name.clone() }
        })
        .collect()
}

fn column(c: &Column) -> ColumnSql {
    let name = ident(&c.name);
    let check = c.trimmed_text.then(|| format!("{name} <> '' and {name} = btrim({name}, E' \\t\\n\\r\\f\\v')"));
    ColumnSql {
        name,
        ty: c.ty.as_str(),
        nullable: c.nullable,
        default: c.default.as_ref().map(|d| default(d, c.ty)),
        check,
    }
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
}
