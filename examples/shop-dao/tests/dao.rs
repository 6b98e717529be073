//! The generated DAO of `tests/fixtures/dao/shop.json` against a real PostgreSQL: every method,
//! the text rule before the query, `hash_code` making unchanged writes no-ops (and leaving the
//! journal still), soft deletes, keyset pages, and a caller's transaction. `scripts/test` starts
//! the PostgreSQL cluster (PGHOST, PGPORT, PGUSER, PGPASSWORD); without it these tests fail,
//! saying so. `src/dao.rs` is kept fresh here too: run with `APIGEN_BLESS=1` to rewrite it after
//! a deliberate generator change, and review the diff.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use shop_dao::dao::{CustomerForm, CustomersDao, OrderForm, OrdersDao};
use tokio_postgres::{Client, NoTls};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn compiled() -> compiler::Compilation {
    let path = repo().join("tests/fixtures/dao/shop.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let c = compiler::compile_str("shop.json", &text);
    assert!(!c.has_errors(), "{:?}", c.diagnostics);
    c
}

#[test]
fn the_generated_dao_is_fresh() {
    let c = compiled();
    let dao = generators::generate(&c.ir, compiler::ir::ServiceId(0), generators::Generator::Dao).unwrap().contents;
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/dao.rs");
    if std::env::var_os("APIGEN_BLESS").is_some() {
        std::fs::write(&path, &dao).unwrap();
    }
    assert_eq!(std::fs::read_to_string(&path).unwrap(), dao, "src/dao.rs is stale: run with APIGEN_BLESS=1");
}

async fn connect(database: &str) -> Client {
    let mut c = apigen_runtime::dao::config_from_env().unwrap_or_else(|e| {
        panic!("PostgreSQL is needed: run the tests with scripts/test, which starts a throwaway cluster ({e})")
    });
    c.dbname(database);
    let (client, connection) = c.connect(NoTls).await.expect("connect to PostgreSQL");
    tokio::spawn(async move {
        let _ = connection.await;
    });
    client
}

/// A fresh database with the fixture's tables.
async fn database(test: &str) -> Client {
    static N: AtomicUsize = AtomicUsize::new(0);
    let name = format!("shop_dao_{test}_{}_{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed));
    let admin = connect(&std::env::var("PGDATABASE").unwrap_or_else(|_| "postgres".into())).await;
    admin.batch_execute(&format!("drop database if exists {name}")).await.unwrap();
    admin.batch_execute(&format!("create database {name}")).await.unwrap();
    let db = connect(&name).await;
    let sql = generators::psql::create_tables(&compiled().ir, compiler::ir::ServiceId(0)).unwrap().unwrap();
    db.batch_execute(&sql).await.unwrap();
    db
}

fn customer(id: &str, email: &str, name: &str) -> CustomerForm {
    CustomerForm { id: id.into(), email: email.into(), name: name.into(), nickname: None, tags: None }
}

async fn count(db: &Client, sql: &str) -> i64 {
    db.query_one(sql, &[]).await.unwrap().get(0)
}

#[tokio::test(flavor = "current_thread")]
async fn inserts_finders_and_pages() {
    let db = database("find").await;
    let ada = CustomersDao::insert(&db, "test", &customer("c1", "ada@example.com", "Ada")).await.unwrap();
    assert_eq!((ada.id.as_str(), ada.updated_by.as_str()), ("c1", "test"));
    assert_eq!(ada.hash_code, customer("c1", "ada@example.com", "Ada").hash_code());
    let more: Vec<CustomerForm> =
        (2..=7).map(|i| customer(&format!("c{i}"), &format!("user{i}@example.com"), "Grace")).collect();
    assert_eq!(CustomersDao::insert_batch(&db, "test", &more).await.unwrap(), 6);

    assert_eq!(CustomersDao::find_by_id(&db, "c1").await.unwrap().unwrap(), ada);
    assert!(CustomersDao::find_by_id(&db, "nobody").await.unwrap().is_none());
    // The unique index gives `Option`, the composite one `Vec`s for itself and its prefix.
    assert_eq!(CustomersDao::find_by_email(&db, "ada@example.com").await.unwrap().unwrap().id, "c1");
    assert_eq!(CustomersDao::find_all_by_name(&db, "Grace").await.unwrap().len(), 6);
    assert_eq!(CustomersDao::find_all_by_name_and_nickname(&db, "Grace", "none").await.unwrap().len(), 0);

    // Keyset pages of 3: 7 rows in 3 pages, in key order, each row once.
    let mut pages = Vec::new();
    CustomersDao::for_each_page(&db, 3, |page| pages.push(page.iter().map(|r| r.id.clone()).collect::<Vec<_>>()))
        .await
        .unwrap();
    assert_eq!(pages, [vec!["c1", "c2", "c3"], vec!["c4", "c5", "c6"], vec!["c7"]]);
    let after = CustomersDao::page_after(&db, Some(&("c6".to_string(),)), 10).await.unwrap();
    assert_eq!(after.len(), 1);
}

#[tokio::test(flavor = "current_thread")]
async fn text_is_refused_before_the_query() {
    let db = database("text").await;
    for (email, name) in [("", "Ada"), ("ada@example.com", " Ada"), ("ada@example.com", "\t")] {
        let err = CustomersDao::insert(&db, "test", &customer("c1", email, name)).await.unwrap_err();
        assert!(matches!(err, apigen_runtime::dao::DaoError::InvalidText { .. }), "{err}");
    }
    let mut nick = customer("c1", "ada@example.com", "Ada");
    nick.nickname = Some(String::new());
    assert!(CustomersDao::insert(&db, "test", &nick).await.is_err());
    assert!(CustomersDao::insert(&db, " ", &customer("c1", "ada@example.com", "Ada")).await.is_err(), "`by` too");
    assert_eq!(count(&db, "select count(*) from customers").await, 0, "nothing reached the table");
}

#[tokio::test(flavor = "current_thread")]
async fn unchanged_writes_write_nothing() {
    let db = database("hash").await;
    let form = customer("c1", "ada@example.com", "Ada");
    CustomersDao::insert(&db, "test", &form).await.unwrap();
    let journal = "select count(*) from journal.customers";
    assert_eq!(count(&db, journal).await, 1);
    // The same data again: no row written, no journal row, `updated_at` still.
    assert_eq!(CustomersDao::update_by_id(&db, "test", &form).await.unwrap(), 0);
    assert_eq!(CustomersDao::upsert_by_email(&db, "test", &form).await.unwrap(), 0);
    assert_eq!(count(&db, journal).await, 1);
    // Changed data: one row, one journal row.
    let renamed = CustomerForm { name: "Ada Lovelace".into(), ..form.clone() };
    assert_eq!(CustomersDao::update_by_id(&db, "test", &renamed).await.unwrap(), 1);
    assert_eq!(count(&db, journal).await, 2);
    // An upsert inserts what is not there, and writes over what changed, in one batch.
    let batch = vec![
        CustomerForm { nickname: Some("AL".into()), ..renamed.clone() },
        customer("c2", "grace@example.com", "Grace"),
    ];
    assert_eq!(CustomersDao::upsert_batch_by_email(&db, "batch", &batch).await.unwrap(), 2);
    assert_eq!(CustomersDao::upsert_batch_by_email(&db, "batch", &batch).await.unwrap(), 0, "the second time, nothing");
    assert_eq!(count(&db, journal).await, 4);
    let c1 = CustomersDao::find_by_id(&db, "c1").await.unwrap().unwrap();
    assert_eq!((c1.nickname.as_deref(), c1.updated_by.as_str()), (Some("AL"), "batch"));
}

#[tokio::test(flavor = "current_thread")]
async fn deletes_are_soft_where_the_audit_says_so_and_writes_join_a_transaction() {
    let mut db = database("delete").await;
    CustomersDao::insert(&db, "test", &customer("c1", "ada@example.com", "Ada")).await.unwrap();
    let by = uuid::Uuid::from_u128(7);
    let order = OrderForm {
        id: "o1".into(),
        customer_id: "c1".into(),
        status: "open".into(),
        total: rust_decimal::Decimal::new(1250, 2),
        placed_at: chrono::DateTime::parse_from_rfc3339("2026-12-01T10:00:00+01:00").unwrap(),
        user: None,
    };
    // Both writes in the caller's transaction: rolled back, neither happened.
    let tx = db.transaction().await.unwrap();
    OrdersDao::insert(&tx, by, &order).await.unwrap();
    assert_eq!(OrdersDao::find_all_by_customer_id(&tx, "c1").await.unwrap().len(), 1);
    tx.rollback().await.unwrap();
    assert!(OrdersDao::find_by_id(&db, "o1").await.unwrap().is_none());

    let written = OrdersDao::insert(&db, by, &order).await.unwrap();
    assert_eq!((written.created_by_guid, written.total), (by, rust_decimal::Decimal::new(1250, 2)));
    // Orders' audit has `deleted`: a delete marks the row, which is found no more but kept.
    assert_eq!(OrdersDao::delete_by_id(&db, by, "o1").await.unwrap(), 1);
    assert_eq!(OrdersDao::delete_by_id(&db, by, "o1").await.unwrap(), 0, "deleted once");
    assert!(OrdersDao::find_by_id(&db, "o1").await.unwrap().is_none());
    assert_eq!(count(&db, "select count(*) from sales.orders where deleted_at is not null").await, 1);
    // Customers' has not: the row goes.
    let refused = CustomersDao::delete_by_id(&db, "c1").await.unwrap_err();
    assert!(
        matches!(&refused, apigen_runtime::dao::DaoError::Database(e) if e.code() == Some(&tokio_postgres::error::SqlState::FOREIGN_KEY_VIOLATION)),
        "{refused}"
    );
    db.batch_execute("delete from sales.orders").await.unwrap();
    assert_eq!(CustomersDao::delete_by_id(&db, "c1").await.unwrap(), 1);
    assert_eq!(count(&db, "select count(*) from customers").await, 0);
}
