//! `apigen_runtime::dao::migrate` on the PostgreSQL cluster `scripts/test` starts: all pending
//! migrations or none, one caller at a time, apps apart, and the refusals.

#![cfg(feature = "dao")]

mod support;

use apigen_runtime::dao::{MigrateError, Migration, migrate};
use support::{connect, empty_database as database};
use tokio_postgres::Client;

const ONE: Migration = Migration { version: 1, name: "create_a", sql: "create table a (id int primary key);" };
const TWO: Migration = Migration { version: 2, name: "add_b", sql: "alter table a add column b text;" };
const BROKEN: Migration = Migration { version: 3, name: "broken", sql: "alter table nowhere add column c text;" };

async fn tables(db: &Client) -> Vec<String> {
    db.query("select table_name::text from information_schema.tables where table_schema = 'public' order by 1", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn pending_migrations_apply_once_all_or_none() {
    let config = database("once").await;
    let mut db = connect(&config).await;
    assert_eq!(migrate(&mut db, "app", &[ONE]).await.unwrap().applied, [1]);
    assert_eq!(migrate(&mut db, "app", &[ONE]).await.unwrap().applied, Vec::<u32>::new());

    // 2 and a broken 3 together: neither is applied.
    let e = migrate(&mut db, "app", &[ONE, TWO, BROKEN]).await.unwrap_err();
    assert!(matches!(e, MigrateError::Database { version: Some(3), .. }), "{e}");
    let b: i64 = db
        .query_one("select count(*) from information_schema.columns where table_name = 'a' and column_name = 'b'", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(b, 0, "migration 2 was rolled back with 3");
    assert_eq!(migrate(&mut db, "app", &[ONE, TWO]).await.unwrap().applied, [2]);

    // Another app in the same database keeps its own numbers.
    let other = Migration { version: 1, name: "create_z", sql: "create table z (id int);" };
    assert_eq!(migrate(&mut db, "other", &[other]).await.unwrap().applied, [1]);
    assert_eq!(tables(&db).await, ["a", "apigen_migrations", "z"]);

    // An older release, which knows only 1, starts and says the database is newer.
    assert_eq!(migrate(&mut db, "app", &[ONE]).await.unwrap().unknown, [2]);

    // An applied migration edited, or migrations out of order: refused, nothing done.
    let edited = Migration { sql: "create table a (id bigint primary key);", ..ONE };
    let e = migrate(&mut db, "app", &[edited]).await.unwrap_err();
    assert!(matches!(e, MigrateError::Changed { version: 1, .. }), "{e}");
    assert!(e.to_string().contains("never edited once applied"), "{e}");
    let e = migrate(&mut db, "app", &[TWO, ONE]).await.unwrap_err();
    assert!(matches!(e, MigrateError::Unordered { version: 1 }), "{e}");
}

#[tokio::test(flavor = "multi_thread")]
async fn instances_starting_at_once_apply_each_migration_once() {
    let config = database("race").await;
    let mut clients = Vec::new();
    for _ in 0..4 {
        clients.push(connect(&config).await);
    }
    let runs = clients
        .into_iter()
        .map(|mut c| tokio::spawn(async move { migrate(&mut c, "app", &[ONE, TWO]).await.map(|m| m.applied) }));
    let mut applied = Vec::new();
    for run in runs {
        applied.extend(run.await.unwrap().unwrap());
    }
    applied.sort();
    assert_eq!(applied, [1, 2], "each migration applied by exactly one of the instances");
}
