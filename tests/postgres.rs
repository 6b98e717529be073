//! The data tier on a real PostgreSQL: the SQL `generators::psql` makes for the corpus' DAO
//! specs and for `tests/fixtures/dao/` is applied to databases of its own, and the constraints,
//! triggers and journal it promises are checked with raw SQL. `scripts/test` (the README's test
//! command, and CI's) starts a throwaway PostgreSQL cluster and says where it is in the libpq
//! variables (`PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGDATABASE`); without them these
//! tests fail, saying so.

mod common;

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use compiler::Config;
use compiler::ir::ServiceId;
use tokio_postgres::{Client, NoTls};

fn config(database: &str) -> tokio_postgres::Config {
    let mut c = apigen_runtime::dao::config_from_env().unwrap_or_else(|e| {
        panic!("PostgreSQL is needed: run the tests with scripts/test, which starts a throwaway cluster ({e})")
    });
    c.dbname(database);
    c
}

async fn connect(database: &str) -> Client {
    let (client, connection) = config(database).connect(NoTls).await.expect("connect to PostgreSQL");
    tokio::spawn(async move {
        let _ = connection.await;
    });
    client
}

/// A fresh, empty database for one test, named after it.
async fn database(test: &str) -> Client {
    static N: AtomicUsize = AtomicUsize::new(0);
    let name = format!("apigen_{test}_{}_{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed));
    let admin = connect(&std::env::var("PGDATABASE").unwrap_or_else(|_| "postgres".into())).await;
    admin.batch_execute(&format!("drop database if exists {name}")).await.unwrap();
    admin.batch_execute(&format!("create database {name}")).await.unwrap();
    connect(&name).await
}

/// The SQL that creates the tables of every service of a spec file.
fn create_sql(path: &Path) -> Vec<(String, String)> {
    let base = path.parent().unwrap();
    let c = common::compile(path, base, &Config::default());
    assert!(!c.has_errors(), "{}", common::report(&c));
    c.ir.service_ids()
        .filter_map(|sid: ServiceId| {
            let sql = generators::psql::create_tables(&c.ir, sid).unwrap()?;
            Some((c.ir.service(sid).name.clone(), sql))
        })
        .collect()
}

fn shop() -> String {
    let sql = create_sql(&common::root().join("tests/fixtures/dao/shop.json"));
    assert_eq!(sql.len(), 1);
    sql.into_iter().next().unwrap().1
}

/// The SQLSTATE a statement fails with.
async fn fails(db: &Client, sql: &str) -> String {
    match db.batch_execute(sql).await {
        Ok(()) => panic!("accepted: {sql}"),
        Err(e) => e.code().map(|c| c.code().to_string()).unwrap_or_else(|| format!("{e}")),
    }
}

async fn count(db: &Client, sql: &str) -> i64 {
    db.query_one(sql, &[]).await.unwrap().get(0)
}

#[test]
fn the_sql_of_the_fixture_is_snapshotted() {
    insta::assert_snapshot!("dao_shop_create_tables", shop());
}

#[tokio::test(flavor = "current_thread")]
async fn the_corpus_dao_specs_create_their_tables() {
    let dir = common::corpus("apibuilder");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().contains("dao"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 6, "the corpus has six DAO specs");
    let mut tables = 0;
    for f in &files {
        for (service, sql) in create_sql(f) {
            let db = database("corpus").await;
            if let Err(e) = db.batch_execute(&sql).await {
                panic!("{} ({service}): PostgreSQL refuses the SQL: {e:?}\n{sql}", f.display());
            }
            let n = count(&db, "select count(*) from information_schema.tables where table_schema = 'journal'").await;
            let all = count(
                &db,
                "select count(*) from information_schema.tables where table_schema not in ('journal', 'pg_catalog', 'information_schema')",
            )
            .await;
            assert_eq!(n, all, "{}: one journal per table", f.display());
            tables += all;
        }
    }
    // 23 + 2 + 1 + 1 + 1 + 6 tables (every model of waivers-public, its service having `psql`).
    assert_eq!(tables, 34);
}

#[tokio::test(flavor = "current_thread")]
async fn text_columns_refuse_empty_and_untrimmed_text() {
    let db = database("text").await;
    db.batch_execute(&shop()).await.unwrap();
    let insert = |email: &str, nickname: &str| {
        format!(
            "insert into customers (id, email, name, nickname, updated_by, hash_code) values ('c1', {email}, 'Ada', {nickname}, 'test', 1)"
        )
    };
    for bad in ["''", "' '", "E'\\t'", "E'\\n'", "' ada@example.com'", "'ada@example.com '"] {
        assert_eq!(fails(&db, &insert(bad, "null")).await, "23514", "email {bad}");
        assert_eq!(fails(&db, &insert("'ada@example.com'", bad)).await, "23514", "nickname {bad}");
    }
    // Required text is required; optional text may be absent, not empty.
    assert_eq!(fails(&db, &insert("null", "null")).await, "23502");
    db.batch_execute(&insert("'ada@example.com'", "null")).await.unwrap();
    assert_eq!(count(&db, "select count(*) from customers").await, 1);
    // The unique index, and the audit columns' defaults.
    assert_eq!(fails(&db, &insert("'ada@example.com'", "null").replace("'c1'", "'c2'")).await, "23505");
    assert_eq!(
        count(&db, "select count(*) from customers where created_at is not null and updated_at is not null").await,
        1
    );
}

#[tokio::test(flavor = "current_thread")]
async fn every_write_is_journaled_and_keys_never_change() {
    let db = database("journal").await;
    db.batch_execute(&shop()).await.unwrap();
    // Each statement its own transaction, so that `now()` moves on between them.
    db.batch_execute(
        "insert into customers (id, email, name, updated_by, hash_code) values ('c1', 'ada@example.com', 'Ada', 'test', 1)",
    )
    .await
    .unwrap();
    db.batch_execute("update customers set name = 'Ada L.', hash_code = 2 where id = 'c1'").await.unwrap();
    db.batch_execute(
        "insert into sales.orders (id, customer_id, total, placed_at, created_by_guid, updated_by_user_id, hash_code)
           values ('o1', 'c1', 12.50, now(), gen_random_uuid(), 'test', 1);",
    )
    .await
    .unwrap();
    let ops: Vec<(String, String)> = db
        .query("select journal_operation, name from journal.customers order by journal_id", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(ops, [("INSERT".into(), "Ada".into()), ("UPDATE".into(), "Ada L.".into())]);
    // `updated_at` moves on update; `created_at` does not.
    assert_eq!(count(&db, "select count(*) from customers where updated_at > created_at").await, 1);
    // The default of an enum column, and the order's own journal.
    assert_eq!(count(&db, "select count(*) from sales.orders where status = 'open'").await, 1);
    assert_eq!(count(&db, "select count(*) from journal.orders").await, 1);
    // A primary key cannot change, in the table or through a foreign key.
    assert_eq!(fails(&db, "update customers set id = 'c9' where id = 'c1'").await, "23000");
    assert_eq!(
        fails(&db, "insert into sales.orders (id, customer_id, total, placed_at, created_by_guid, updated_by_user_id, hash_code) values ('o2', 'nobody', 1, now(), gen_random_uuid(), 'test', 1)").await,
        "23503"
    );
    // A delete is journaled with the row as it was.
    db.batch_execute("delete from sales.orders; delete from customers where id = 'c1'").await.unwrap();
    let last: (String, String) = {
        let r = db
            .query_one("select journal_operation, name from journal.customers order by journal_id desc limit 1", &[])
            .await
            .unwrap();
        (r.get(0), r.get(1))
    };
    assert_eq!(last, ("DELETE".into(), "Ada L.".into()));
    assert_eq!(count(&db, "select count(*) from journal.customers").await, 3);
    // The journal keeps what the table forgets.
    assert_eq!(count(&db, "select count(*) from customers").await, 0);
}

#[tokio::test(flavor = "current_thread")]
async fn indexes_are_as_declared() {
    let db = database("indexes").await;
    db.batch_execute(&shop()).await.unwrap();
    let defs: Vec<String> = db
        .query(
            "select indexdef from pg_indexes where schemaname in ('public', 'sales') and indexname not like '%pkey' order by indexname",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        defs,
        [
            "CREATE UNIQUE INDEX customers_email_key ON public.customers USING btree (email)",
            "CREATE INDEX customers_name_nickname_idx ON public.customers USING btree (name, nickname)",
            "CREATE INDEX orders_customer_id_idx ON sales.orders USING btree (customer_id)",
            "CREATE INDEX orders_status_idx ON sales.orders USING btree (status) WHERE (deleted_at IS NULL)",
        ]
    );
}

/// The fixture with `edit` applied to its JSON, compiled.
fn shop_with(edit: impl FnOnce(&mut serde_json::Value)) -> generators::psql::Schema {
    let path = common::root().join("tests/fixtures/dao/shop.json");
    let mut spec: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    edit(&mut spec);
    let c = compiler::compile_str("shop.json", &spec.to_string());
    assert!(!c.has_errors(), "{:?}", c.diagnostics);
    generators::psql::Schema::of(&c.ir, ServiceId(0))
}

fn deny(_: &str) -> bool {
    false
}

#[tokio::test(flavor = "current_thread")]
async fn a_migration_takes_the_previous_schema_to_the_next_with_its_rows() {
    let before = shop_with(|_| {});
    let after = shop_with(|spec| {
        let customer = &mut spec["models"]["customer"];
        customer["fields"].as_array_mut().unwrap().push(serde_json::json!(
            { "name": "phone", "type": "string", "required": false, "description": "For deliveries" }
        ));
        customer["fields"].as_array_mut().unwrap().push(serde_json::json!(
            { "name": "vip", "type": "boolean", "default": false }
        ));
        customer["attributes"][0]["value"]["indexes"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({ "fields": ["phone"] }));
        spec["models"]["coupon"] = serde_json::json!({
            "fields": [{ "name": "id", "type": "string" }, { "name": "customer_id", "type": "string" }],
            "attributes": [{ "name": "psql", "value": { "foreign_keys": [{ "fields": ["customer_id"], "references": "customers" }] } }]
        });
    });
    // The state kept beside the migrations round-trips.
    let json = serde_json::to_string_pretty(&after).unwrap();
    assert_eq!(serde_json::from_str::<generators::psql::Schema>(&json).unwrap(), after);
    let (description, sql) = generators::psql::migrate(&before, &after, &deny).unwrap().expect("a change");
    assert_eq!(description, "add_customers_phone_and_3_more");
    insta::assert_snapshot!("dao_shop_migration_0002", sql);

    let db = database("migrate").await;
    db.batch_execute(&shop()).await.unwrap();
    db.batch_execute(
        "insert into customers (id, email, name, updated_by, hash_code) values ('c1', 'ada@example.com', 'Ada', 'test', 1)",
    )
    .await
    .unwrap();
    db.batch_execute(&sql).await.unwrap();
    // The row that was there keeps its values, with the new column's default.
    assert_eq!(count(&db, "select count(*) from customers where vip = false and phone is null").await, 1);
    db.batch_execute("update customers set phone = '+41 00', hash_code = 2 where id = 'c1'").await.unwrap();
    assert_eq!(
        count(&db, "select count(*) from journal.customers where phone = '+41 00'").await,
        1,
        "the journal has the new column"
    );
    assert_eq!(fails(&db, "update customers set phone = ' ' where id = 'c1'").await, "23514");
    db.batch_execute("insert into coupons (id, customer_id, updated_by, hash_code) values ('k1', 'c1', 'test', 1)")
        .await
        .unwrap();
    assert_eq!(count(&db, "select count(*) from journal.coupons").await, 1);
    // Nothing changed: no migration.
    assert_eq!(generators::psql::migrate(&after, &after, &deny).unwrap(), None);
}

#[tokio::test(flavor = "current_thread")]
async fn a_destructive_migration_is_refused_unless_allowed() {
    let before = shop_with(|_| {});
    let after = shop_with(|spec| {
        spec["models"]["customer"]["attributes"][0]["value"]["indexes"] =
            serde_json::json!([{ "fields": ["email"], "unique": true }]);
        let fields = spec["models"]["customer"]["fields"].as_array_mut().unwrap();
        fields.retain(|f| f["name"] != "nickname");
        fields.push(serde_json::json!({ "name": "born", "type": "date-iso8601" }));
        spec["models"]["order"]["fields"].as_array_mut().unwrap().iter_mut().for_each(|f| {
            if f["name"] == "user" {
                f["required"] = serde_json::json!(true);
            }
        });
    });
    let refused = generators::psql::migrate(&before, &after, &deny).unwrap_err();
    let elements: Vec<&str> = refused.iter().map(|d| d.element.as_str()).collect();
    assert_eq!(elements, ["public.customers.nickname", "public.customers.born", "sales.orders.user"], "{refused:?}");
    assert!(refused[1].what.contains("without a default"), "{}", refused[1].what);
    // Allowed, it runs: on an empty table even the required column goes in.
    let (_, sql) = generators::psql::migrate(&before, &after, &|_| true).unwrap().unwrap();
    let db = database("destructive").await;
    db.batch_execute(&shop()).await.unwrap();
    db.batch_execute(&sql).await.unwrap();
    assert_eq!(
        count(&db, "select count(*) from information_schema.columns where table_schema = 'public' and table_name = 'customers' and column_name = 'nickname'").await,
        0
    );
    // The journal keeps the column the table lost.
    assert_eq!(
        count(&db, "select count(*) from information_schema.columns where table_schema = 'journal' and table_name = 'customers' and column_name = 'nickname'").await,
        1
    );
}

/// The example user service's committed migrations apply in order to an empty database, and
/// leave the table the README describes.
#[tokio::test(flavor = "current_thread")]
async fn the_user_service_migrations_apply_in_order() {
    let dir = common::root().join("examples/user-service/migrations");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let db = database("user_service").await;
    for f in &files {
        db.batch_execute(&std::fs::read_to_string(f).unwrap())
            .await
            .unwrap_or_else(|e| panic!("{}: {e:?}", f.display()));
    }
    assert_eq!(
        count(
            &db,
            "select count(*) from information_schema.tables where table_schema = 'public' and table_name = 'users'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &db,
            "select count(*) from information_schema.tables where table_schema = 'journal' and table_name = 'users'"
        )
        .await,
        1
    );
}
