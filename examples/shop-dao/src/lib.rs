//! The DAO apigen generates for `tests/fixtures/dao/shop.json` (`src/dao.rs`, kept fresh by
//! `tests/dao.rs`), exercised against a real PostgreSQL with the SQL apigen generates for the
//! same spec.

// Generated, and formatted as apigen formats it: rustfmt would make it stale.
#[rustfmt::skip]
pub mod dao;
