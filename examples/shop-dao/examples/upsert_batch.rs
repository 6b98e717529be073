//! The benchmark of `hash_code`: `upsert_batch_by_email` of 10,000 customers, then the same
//! 10,000 again unchanged, counting the rows written and the journal rows added, beside a plain
//! upsert (the same statement without `where hash_code != excluded.hash_code`), and beside the
//! guarded upsert one row per round trip rather than pipelined. Run it inside a
//! PostgreSQL cluster: `pg_virtualenv -- cargo run --release -p shop-dao --example upsert_batch`.

use std::time::Instant;

use shop_dao::dao::{CustomerForm, CustomersDao};
use tokio_postgres::NoTls;

const ROWS: usize = 10_000;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut config = apigen_runtime::dao::config_from_env().map_err(|e| format!("{e}: run it under pg_virtualenv"))?;
    config.dbname(std::env::var("PGDATABASE").as_deref().unwrap_or("postgres"));
    let (admin, connection) = config.connect(NoTls).await?;
    tokio::spawn(connection);
    admin.batch_execute("drop database if exists upsert_bench").await?;
    admin.batch_execute("create database upsert_bench").await?;
    config.dbname("upsert_bench");
    let (mut db, connection) = config.connect(NoTls).await?;
    tokio::spawn(connection);
    let spec = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/dao/shop.json"))?;
    let c = compiler::compile_str("shop.json", &spec);
    db.batch_execute(&generators::psql::create_tables(&c.ir, compiler::ir::ServiceId(0))?.ok_or("no tables")?).await?;

    let forms: Vec<CustomerForm> = (0..ROWS)
        .map(|i| CustomerForm {
            id: format!("c{i:05}"),
            email: format!("user{i}@example.com"),
            name: format!("Customer {i}"),
            nickname: (i % 3 == 0).then(|| format!("n{i}")),
            tags: None,
        })
        .collect();
    let count = async |db: &tokio_postgres::Client| -> Result<i64, tokio_postgres::Error> {
        Ok(db.query_one("select count(*) from journal.customers", &[]).await?.get(0))
    };

    println!("rows\trun\twritten\tjournal rows added\tms");
    for run in ["first (hash_code)", "again, unchanged (hash_code)"] {
        let before = count(&db).await?;
        let started = Instant::now();
        let tx = db.transaction().await?;
        let written = CustomersDao::upsert_batch_by_email(&tx, "bench", &forms).await?;
        tx.commit().await?;
        let ms = started.elapsed().as_millis();
        println!("{ROWS}\t{run}\t{written}\t{}\t{ms}", count(&db).await? - before);
    }
    // The same upsert without the guard: every row is written again, and journaled.
    let plain = "insert into public.customers (id, email, name, nickname, tags, updated_by, hash_code) values ($1, $2, $3, $4, $5, $6, $7) \
                 on conflict (email) do update set name = excluded.name, nickname = excluded.nickname, tags = excluded.tags, \
                 updated_by = excluded.updated_by, hash_code = excluded.hash_code";
    let before = count(&db).await?;
    let started = Instant::now();
    let tx = db.transaction().await?;
    let statement = tx.prepare(plain).await?;
    let hashes: Vec<i64> = forms.iter().map(|f| f.hash_code()).collect();
    use apigen_runtime::dao::Param;
    let writes = forms.iter().zip(&hashes).map(|(f, hash)| {
        let by: Param<'_> = &"bench";
        tx.execute_raw(&statement, [&f.id as Param<'_>, &f.email, &f.name, &f.nickname, &f.tags, by, hash])
    });
    let written: u64 = apigen_runtime::dao::pipeline(writes).await?.iter().sum();
    tx.commit().await?;
    let ms = started.elapsed().as_millis();
    println!("{ROWS}\tagain, unchanged (plain upsert)\t{written}\t{}\t{ms}", count(&db).await? - before);
    // The guarded upsert again, one round trip per row: what pipelining saves.
    let before = count(&db).await?;
    let started = Instant::now();
    let tx = db.transaction().await?;
    let mut written = 0;
    for f in &forms {
        written += CustomersDao::upsert_by_email(&tx, "bench", f).await?;
    }
    tx.commit().await?;
    let ms = started.elapsed().as_millis();
    println!(
        "{ROWS}\tagain, unchanged (hash_code, a round trip per row)\t{written}\t{}\t{ms}",
        count(&db).await? - before
    );
    drop(db);
    admin.batch_execute("drop database upsert_bench").await?;
    Ok(())
}
