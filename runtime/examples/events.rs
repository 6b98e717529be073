//! The event tier's benchmark on loopback: the relay's throughput (journal rows published to
//! NATS JetStream and marked sent, per second) and the end-to-end latency of an event (from the
//! writer's commit to the journal to the consumer's commit of its effect, both timed by
//! PostgreSQL's clock), p50 and p99. Run it inside a PostgreSQL cluster with nats-server
//! installed: `pg_virtualenv -- cargo run --release -p apigen-runtime --features events --example events`.

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use apigen_runtime::events::{Consumer, EventError, Handler, JetStream, Outgoing, Stream, Transport, journal_event_id};
use apigen_runtime::events::{relay_batch, run_relay};

const ROWS: usize = 20_000;
const LATENCY_EVENTS: usize = 2_000;

fn map(row: &tokio_postgres::Row) -> Result<Outgoing, EventError> {
    let id: i64 = row.get("journal_id");
    let at: chrono::DateTime<chrono::Utc> = row.get("journal_timestamp");
    let item: Option<String> = row.get("id");
    let payload = serde_json::json!({"id": item, "at": at.to_rfc3339()}).to_string().into_bytes();
    Ok(Outgoing { id: journal_event_id("items", id), payload })
}

#[derive(serde::Deserialize)]
struct Event {
    id: String,
    at: String,
}

/// Records the effect and how long after the journal write it commits.
struct Effect;

impl Handler<Event> for Effect {
    type Error = tokio_postgres::Error;

    async fn handle(&self, tx: &tokio_postgres::Transaction<'_>, e: Event) -> Result<(), Self::Error> {
        tx.execute(
            "insert into effects (event_id, item, latency_ms)
             values ($1, $1, extract(epoch from clock_timestamp() - $2::text::timestamptz) * 1000)",
            &[&e.id, &e.at],
        )
        .await?;
        Ok(())
    }
}

/// Waits (at most a minute) until `effects` has `n` rows, then says so on `done`.
async fn until(
    db: &tokio_postgres::Client,
    n: usize,
    done: tokio::sync::oneshot::Sender<()>,
) -> Result<(), tokio_postgres::Error> {
    for _ in 0..1200 {
        let count: i64 = db.query_one("select count(*) from effects", &[]).await?.get(0);
        if usize::try_from(count).unwrap_or(0) >= n {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = done.send(());
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let nats = support::Nats::start("bench");
    let (config, db) = support::database("bench").await;
    let js = JetStream::connect(&nats.url()).await?;
    let stream = Stream::of("bench", 0, "item_event");
    js.ensure(&stream).await?;

    // Throughput: a backlog of ROWS journal rows, relayed in batches of 500.
    db.batch_execute(&format!("insert into items select 'i' || i, 'n' || i from generate_series(1, {ROWS}) i")).await?;
    let mut relay_db = support::connect(&config).await;
    let started = Instant::now();
    let mut sent = 0;
    loop {
        let n = relay_batch(&mut relay_db, &js, &stream, "journal.items", 500, map).await?;
        if n == 0 {
            break;
        }
        sent += n;
    }
    let secs = started.elapsed().as_secs_f64();
    println!("relay: {sent} events in {secs:.2} s: {:.0} events/s", sent as f64 / secs);

    // The consumer's throughput: the backlog, one transaction per event.
    let mut consumer_db = support::connect(&config).await;
    let consumer = Consumer::new("bench");
    consumer.prepare(&consumer_db).await?;
    let decode = |b: &[u8]| serde_json::from_slice::<Event>(b).map_err(|e| e.to_string());
    let mut sub = js.subscribe(&stream, "bench").await?;
    let started = Instant::now();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let consume = consumer.run(&mut consumer_db, &mut sub, decode, &Effect, async {
        let _ = stop_rx.await;
    });
    let (consumed, counted) = tokio::join!(consume, until(&db, ROWS, stop_tx));
    consumed?;
    counted?;
    let secs = started.elapsed().as_secs_f64();
    println!("consumer: {ROWS} events in {secs:.2} s: {:.0} events/s", ROWS as f64 / secs);

    // Latency: the relay and the consumer running, a writer committing one row every 2 ms.
    db.batch_execute("truncate effects").await?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|s| *s).await;
    };
    let relay = run_relay(
        &mut relay_db,
        &js,
        &stream,
        "journal.items",
        500,
        Duration::from_millis(2),
        map,
        stopped(stop_rx.clone()),
    );
    let consume = consumer.run(&mut consumer_db, &mut sub, decode, &Effect, stopped(stop_rx));
    let writer = async {
        let mut tick = tokio::time::interval(Duration::from_millis(2));
        for i in 0..LATENCY_EVENTS {
            tick.tick().await;
            db.execute("insert into items values ($1, 'x')", &[&format!("l{i}")]).await?;
        }
        let (done, _) = tokio::sync::oneshot::channel::<()>();
        until(&db, LATENCY_EVENTS, done).await?;
        let _ = stop_tx.send(true);
        Ok::<_, tokio_postgres::Error>(())
    };
    let (relayed, consumed, written) = tokio::join!(relay, consume, writer);
    relayed?;
    consumed?;
    written?;
    let row = db
        .query_one(
            "select count(*), percentile_cont(0.5) within group (order by latency_ms),
                    percentile_cont(0.99) within group (order by latency_ms), max(latency_ms)
             from effects",
            &[],
        )
        .await?;
    let (n, p50, p99, max): (i64, f64, f64, f64) = (row.get(0), row.get(1), row.get(2), row.get(3));
    println!(
        "latency, journal write to consumer commit, {n} events at 500/s: p50 {p50:.1} ms, p99 {p99:.1} ms, max {max:.1} ms"
    );
    Ok(())
}
