//! What generated DAOs share (feature `dao`): the error type, the text rule every text column
//! has, `hash_code`, and [`migrate`], which applies the migrations `apigen update` wrote.
//!
//! The driver is tokio-postgres: every DAO method takes any [`GenericClient`] (a client, a
//! pooled connection, a transaction), so a caller's transaction spans as many writes as it
//! wants.

pub use tokio_postgres::types::ToSql;

/// A statement parameter as a pipelined batch passes it.
pub type Param<'a> = &'a (dyn ToSql + Sync);
pub use tokio_postgres::{Client, GenericClient, Row, Transaction};

/// A connection configuration from libpq's variables (`PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD`,
/// `PGDATABASE`), which tokio-postgres does not read itself: what `pg_virtualenv` and most
/// PostgreSQL tooling set. `PGHOST` is required; the user defaults to `postgres`, the database
/// to the user's.
pub fn config_from_env() -> Result<tokio_postgres::Config, String> {
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let host = var("PGHOST").ok_or("PGHOST is not set: say where PostgreSQL is (pg_virtualenv sets it)")?;
    let user = var("PGUSER").unwrap_or_else(|| "postgres".into());
    let mut c = tokio_postgres::Config::new();
    c.host(&host).dbname(var("PGDATABASE").unwrap_or_else(|| user.clone())).user(user);
    if let Some(port) = var("PGPORT") {
        c.port(port.parse().map_err(|_| format!("PGPORT is not a port: `{port}`"))?);
    }
    if let Some(p) = var("PGPASSWORD") {
        c.password(p);
    }
    Ok(c)
}

/// Why a DAO call failed.
#[derive(Debug)]
pub enum DaoError {
    /// A text value the table refuses, caught before the query: empty, or with whitespace at
    /// either end. The database refuses it too, should the DAO be bypassed.
    InvalidText { column: &'static str, value: String },
    /// The database said no (a constraint, a lost connection, …).
    Database(tokio_postgres::Error),
}

impl std::fmt::Display for DaoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DaoError::InvalidText { column, value } if value.is_empty() => {
                write!(f, "`{column}` may not be empty")
            }
            DaoError::InvalidText { column, value } => {
                write!(f, "`{column}` may not start or end with whitespace: {value:?}")
            }
            DaoError::Database(e) => write!(f, "database: {e}"),
        }
    }
}

impl std::error::Error for DaoError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DaoError::Database(e) => Some(e),
            DaoError::InvalidText { .. } => None,
        }
    }
}

impl From<tokio_postgres::Error> for DaoError {
    fn from(e: tokio_postgres::Error) -> Self {
        DaoError::Database(e)
    }
}

/// How many statements of a batch are in flight at once.
pub const PIPELINE_DEPTH: usize = 256;

/// Runs a batch's statements pipelined on one connection: up to [`PIPELINE_DEPTH`] sent before
/// the first answer is awaited, so a batch costs about one round trip per that many rows rather
/// than one per row. The results come in order; the first error ends the batch. Outside a
/// transaction each statement commits on its own, so rows before the failing one (and some in
/// flight after it) may be written; inside one, the caller's rollback undoes them all.
pub async fn pipeline<T, F>(statements: impl IntoIterator<Item = F>) -> Result<Vec<T>, DaoError>
where
    F: std::future::Future<Output = Result<T, tokio_postgres::Error>>,
{
    use futures_util::{StreamExt as _, TryStreamExt as _};
    Ok(futures_util::stream::iter(statements).buffered(PIPELINE_DEPTH).try_collect().await?)
}

/// One migration as `apigen update` wrote it (`NNNN_name.sql`); the generated `migrations`
/// module lists them all, their SQL included in the binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Migration {
    pub version: u32,
    pub name: &'static str,
    pub sql: &'static str,
}

/// What [`migrate`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Migrated {
    /// The versions applied now, in order.
    pub applied: Vec<u32>,
    /// Versions the database has that this binary does not know: a newer release migrated it.
    /// They are left alone, so an older binary still starts during a rolling deploy.
    pub unknown: Vec<u32>,
}

/// Why [`migrate`] refused or failed. Nothing is applied when it fails.
#[derive(Debug)]
pub enum MigrateError {
    /// A migration the database applied differs from the one of that version here: migrations
    /// are never edited once applied (`apigen update` never rewrites one).
    Changed { version: u32, name: String },
    /// The migrations given are not in increasing version order.
    Unordered { version: u32 },
    /// A migration's SQL failed (with its version), or the database did.
    Database { version: Option<u32>, error: tokio_postgres::Error },
}

impl std::fmt::Display for MigrateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MigrateError::Changed { version, name } => write!(
                f,
                "migration {version:04} ({name}) differs from the one this database applied: migrations are never edited once applied; undo the edit and add a new migration"
            ),
            MigrateError::Unordered { version } => {
                write!(f, "migration {version:04} is out of order: versions must increase")
            }
            MigrateError::Database { version: Some(v), error } => write!(f, "migration {v:04} failed: {error}"),
            MigrateError::Database { version: None, error } => write!(f, "cannot migrate: {error}"),
        }
    }
}

impl std::error::Error for MigrateError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            MigrateError::Database { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// Applies the app's migrations the database lacks, in order, in one transaction: all of them or
/// none. An advisory lock makes concurrent callers (several instances starting at once) wait
/// for each other, so each migration runs once. Each applied migration is recorded in
/// `public.apigen_migrations` under the app's name (apps sharing a database keep their own
/// numbers) with the FNV-1a hash of its SQL; one whose SQL changed since it was applied is
/// refused.
pub async fn migrate(
    client: &mut tokio_postgres::Client,
    app: &str,
    migrations: &[Migration],
) -> Result<Migrated, MigrateError> {
    let db = |error| MigrateError::Database { version: None, error };
    if let Some(w) = migrations.windows(2).find(|w| w[1].version <= w[0].version) {
        return Err(MigrateError::Unordered { version: w[1].version });
    }
    let tx = client.transaction().await.map_err(db)?;
    // One key for every app: the table they share is created once.
    tx.execute("select pg_advisory_xact_lock(hashtext('apigen migrations'))", &[]).await.map_err(db)?;
    tx.batch_execute(
        "create table if not exists public.apigen_migrations (
           app text not null,
           version integer not null,
           name text not null,
           hash_code bigint not null,
           applied_at timestamptz not null default now(),
           primary key (app, version)
         )",
    )
    .await
    .map_err(db)?;
    let rows = tx
        .query("select version, name, hash_code from public.apigen_migrations where app = $1 order by version", &[&app])
        .await
        .map_err(db)?;
    let mut done = std::collections::BTreeMap::new();
    for row in rows {
        let version: i32 = row.get(0);
        let name: String = row.get(1);
        let hash: i64 = row.get(2);
        done.insert(version as u32, (name, hash));
    }
    let mut out = Migrated::default();
    for m in migrations {
        match done.get(&m.version) {
            Some((_, hash)) if *hash == fnv1a(m.sql.as_bytes()) => {}
            Some((name, _)) => return Err(MigrateError::Changed { version: m.version, name: name.clone() }),
            None => {
                let failed = |error| MigrateError::Database { version: Some(m.version), error };
                tx.batch_execute(m.sql).await.map_err(failed)?;
                tx.execute(
                    "insert into public.apigen_migrations (app, version, name, hash_code) values ($1, $2, $3, $4)",
                    &[&app, &(m.version as i32), &m.name, &fnv1a(m.sql.as_bytes())],
                )
                .await
                .map_err(failed)?;
                out.applied.push(m.version);
            }
        }
    }
    out.unknown = done.keys().copied().filter(|v| !migrations.iter().any(|m| m.version == *v)).collect();
    tx.commit().await.map_err(db)?;
    Ok(out)
}

/// FNV-1a, 64 bits, as a signed integer (what a `bigint` holds).
fn fnv1a(bytes: &[u8]) -> i64 {
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3));
    hash as i64
}

/// The whitespace the table's check trims (PostgreSQL's `btrim` with ` \t\n\r\f\v`).
const WHITESPACE: &[char] = &[' ', '\t', '\n', '\r', '\u{c}', '\u{b}'];

/// The rule of every text column: not empty, no whitespace at either end.
pub fn check_text(column: &'static str, value: &str) -> Result<(), DaoError> {
    if value.is_empty() || value.trim_matches(WHITESPACE) != value {
        return Err(DaoError::InvalidText { column, value: value.to_string() });
    }
    Ok(())
}

/// The hash of a form that the `hash_code` column holds: FNV-1a (64 bits) of the form's
/// canonical JSON, as a signed integer. The canonical JSON is what serde_json writes for the form:
/// its fields in declaration order, no whitespace, numbers as serde_json prints them, absent
/// options as `null`. It depends on nothing else, so it is the same in every process, on every
/// machine and in every release that generates the same form. It tells whether a row changed, not
/// who may change it: it is no cryptographic hash.
pub fn hash_code<T: serde::Serialize>(form: &T) -> i64 {
    fnv1a(&serde_json::to_vec(form).expect("a form serializes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_refused_empty_or_untrimmed() {
        assert!(check_text("name", "Ada").is_ok());
        assert!(check_text("name", "Ada Lovelace").is_ok());
        for bad in ["", " ", "\t", " Ada", "Ada\n"] {
            assert!(matches!(check_text("name", bad), Err(DaoError::InvalidText { column: "name", .. })), "{bad:?}");
        }
    }

    #[test]
    fn hash_codes_are_stable_and_tell_changes() {
        #[derive(serde::Serialize)]
        struct Form<'a> {
            id: &'a str,
            n: i64,
        }
        // Fixed (FNV-1a of `{"id":"a","n":1}`, computed apart): a release that changed it would
        // rewrite every row once.
        assert_eq!(hash_code(&Form { id: "a", n: 1 }), hash_code(&Form { id: "a", n: 1 }));
        assert_eq!(hash_code(&Form { id: "a", n: 1 }), -1_231_570_666_357_091_072);
        assert_ne!(hash_code(&Form { id: "a", n: 1 }), hash_code(&Form { id: "a", n: 2 }));
    }
}
