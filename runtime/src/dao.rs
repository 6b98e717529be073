//! What generated DAOs share (feature `dao`): the error type, the text rule every text column
//! has, and `hash_code`.
//!
//! The driver is tokio-postgres: every DAO method takes any [`GenericClient`] (a client, a
//! pooled connection, a transaction), so a caller's transaction spans as many writes as it
//! wants.

pub use tokio_postgres::GenericClient;

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
    let bytes = serde_json::to_vec(form).expect("a form serializes");
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3));
    hash as i64
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
