//! The events runtime against real parts: a nats-server each test starts on a free loopback
//! port with a store of its own (so it can kill and restart it), and the PostgreSQL cluster
//! `scripts/test` starts (each test creates its own database). The in-memory queue is checked
//! against the same rules, as users' tests rely on it.

#![cfg(feature = "events")]

mod support;

use std::time::Duration;

use apigen_runtime::events::{
    Consumer, Delivery, EventError, Handler, JetStream, MemoryQueue, Outcome, Outgoing, Stream, Subscription,
    Transport, journal_event_id, relay_batch,
};
use support::{Nats, connect, database};
use tokio_postgres::Client;

fn stream() -> Stream {
    Stream::of("shop", 0, "item_event")
}

/// What the relay publishes for a journal row: `{"op": …, "id": …, "name": …}`.
fn map(row: &tokio_postgres::Row) -> Result<Outgoing, EventError> {
    let id: i64 = row.get("journal_id");
    let op: String = row.get("journal_operation");
    let item: Option<String> = row.get("id");
    let name: Option<String> = row.get("name");
    let payload = serde_json::json!({"op": op, "id": item, "name": name}).to_string().into_bytes();
    Ok(Outgoing { id: journal_event_id("items", id), payload })
}

#[derive(Debug, serde::Deserialize)]
struct ItemEvent {
    op: String,
    id: String,
}

fn decode(bytes: &[u8]) -> Result<ItemEvent, String> {
    serde_json::from_slice(bytes).map_err(|e| e.to_string())
}

/// A handler that records one effect per event it applies, failing the first `fail_first`
/// attempts of every event (`u32::MAX`: always).
struct Record {
    fail_first: u32,
    attempts: std::sync::Mutex<std::collections::HashMap<String, u32>>,
}

impl Record {
    fn failing(fail_first: u32) -> Record {
        Record { fail_first, attempts: Default::default() }
    }
}

impl Handler<ItemEvent> for Record {
    type Error = String;

    async fn handle(&self, tx: &tokio_postgres::Transaction<'_>, event: ItemEvent) -> Result<(), String> {
        // The effect is written before the failure, so a failure that did not roll back would show.
        tx.execute(
            "insert into effects (event_id, item) values ($1, $2)",
            &[&format!("{}:{}", event.op, event.id), &event.id],
        )
        .await
        .map_err(|e| e.to_string())?;
        let n = {
            let mut attempts = self.attempts.lock().unwrap();
            let n = attempts.entry(format!("{}:{}", event.op, event.id)).or_default();
            *n += 1;
            *n
        };
        if n <= self.fail_first { Err(format!("attempt {n} fails")) } else { Ok(()) }
    }
}

async fn effects(db: &Client) -> Vec<String> {
    db.query("select event_id from effects order by event_id", &[]).await.unwrap().iter().map(|r| r.get(0)).collect()
}

async fn failed_events(db: &Client) -> Vec<(String, i32)> {
    db.query("select event_id, attempts from events.failed_events order by event_id", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

async fn unsent(db: &Client) -> i64 {
    db.query_one("select count(*) from journal.items where journal_sent_at is null", &[]).await.unwrap().get(0)
}

#[test]
fn streams_are_named_from_service_version_and_union() {
    let s = Stream::of("user", 0, "user_event");
    assert_eq!((s.name.as_str(), s.subject.as_str()), ("user_v0_user_event", "user.v0.user_event"));
    let s = Stream::of("apibuilder-common", 2, "Thing.Event");
    assert_eq!(
        (s.name.as_str(), s.subject.as_str()),
        ("apibuilder_common_v2_thing_event", "apibuilder_common.v2.thing_event")
    );
}

#[tokio::test]
async fn the_memory_queue_deduplicates_resumes_and_redelivers() {
    let q = MemoryQueue::new();
    let s = stream();
    q.ensure(&s).await.unwrap();
    let e = |id: &str| Outgoing { id: id.into(), payload: id.as_bytes().to_vec() };
    q.publish(&s, &[e("a"), e("b"), e("a")]).await.unwrap();
    assert_eq!(q.published(&s).len(), 2, "a second publish of an id is dropped");
    let mut sub = q.subscribe(&s, "app").await.unwrap();
    let a = sub.next().await.unwrap().unwrap();
    assert_eq!((a.id(), a.attempt()), ("a", 1));
    drop(a); // a consumer that died before acking
    let b = sub.next().await.unwrap().unwrap();
    assert_eq!(b.id(), "a", "what was not acked comes again first");
    assert_eq!(b.attempt(), 2);
    b.retry(Duration::from_millis(30)).await.unwrap();
    let c = sub.next().await.unwrap().unwrap();
    assert_eq!(c.id(), "b");
    c.ack().await.unwrap();
    let started = std::time::Instant::now();
    let d = sub.next().await.unwrap().unwrap();
    assert_eq!((d.id(), d.attempt()), ("a", 3));
    assert!(started.elapsed() >= Duration::from_millis(20), "a retry waits its delay");
    d.ack().await.unwrap();
    // Durable: a new subscription of the same consumer resumes after what was acked.
    drop(sub);
    q.publish(&s, &[e("c")]).await.unwrap();
    let mut again = q.subscribe(&s, "app").await.unwrap();
    assert_eq!(again.next().await.unwrap().unwrap().id(), "c");
    // Another consumer starts from the beginning.
    let mut other = q.subscribe(&s, "other").await.unwrap();
    assert_eq!(other.next().await.unwrap().unwrap().id(), "a");
}

/// A broker that takes the events and then fails to say so: a relay that crashes after
/// publishing and before recording progress looks like this.
struct AckLost<'a>(&'a JetStream);

impl Transport for AckLost<'_> {
    type Subscription = <JetStream as Transport>::Subscription;

    async fn ensure(&self, stream: &Stream) -> Result<(), EventError> {
        self.0.ensure(stream).await
    }

    async fn publish(&self, stream: &Stream, events: &[Outgoing]) -> Result<(), EventError> {
        self.0.publish(stream, events).await?;
        Err(EventError::Broker("the relay died before recording progress".into()))
    }

    async fn subscribe(&self, stream: &Stream, consumer: &str) -> Result<Self::Subscription, EventError> {
        self.0.subscribe(stream, consumer).await
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_relay_sends_every_journal_row_once_through_crashes_and_broker_restarts() {
    let mut nats = Nats::start("relay");
    let (config, db) = database("relay").await;
    let mut relay_db = connect(&config).await;
    let js = JetStream::connect(&nats.url()).await.unwrap();
    let s = stream();
    js.ensure(&s).await.unwrap();
    js.ensure(&s).await.unwrap(); // idempotent

    db.batch_execute("insert into items values ('a', 'A'), ('b', 'B'); update items set name = 'A2' where id = 'a'")
        .await
        .unwrap();
    // Published, but the progress is lost: the rows stay unsent and go again, under the same ids.
    let lost = relay_batch(&mut relay_db, &AckLost(&js), &s, "journal.items", 100, map).await;
    assert!(matches!(lost, Err(EventError::Broker(_))), "{lost:?}");
    assert_eq!(unsent(&db).await, 3);
    assert_eq!(relay_batch(&mut relay_db, &js, &s, "journal.items", 2, map).await.unwrap(), 2);
    assert_eq!(relay_batch(&mut relay_db, &js, &s, "journal.items", 2, map).await.unwrap(), 1);
    assert_eq!(relay_batch(&mut relay_db, &js, &s, "journal.items", 2, map).await.unwrap(), 0);
    assert_eq!(unsent(&db).await, 0);

    // The broker killed: the relay fails and sends nothing; restarted on its store, the relay
    // goes on and the stream still has what it had.
    nats.kill();
    db.batch_execute("delete from items where id = 'b'").await.unwrap();
    let down = relay_batch(&mut relay_db, &js, &s, "journal.items", 100, map).await;
    assert!(matches!(down, Err(EventError::Broker(_))), "{down:?}");
    assert_eq!(unsent(&db).await, 1);
    nats.restart();
    let mut sent = 0;
    for _ in 0..100 {
        match relay_batch(&mut relay_db, &js, &s, "journal.items", 100, map).await {
            Ok(n) => {
                sent = n;
                break;
            }
            Err(EventError::Broker(_)) => tokio::time::sleep(Duration::from_millis(100)).await,
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(sent, 1);

    // Every row once, in journal order (the lost publish deduplicated by id).
    let mut sub = js.subscribe(&s, "check").await.unwrap();
    let mut seen = Vec::new();
    while seen.len() < 4 {
        let d = tokio::time::timeout(Duration::from_secs(10), sub.next()).await.expect("4 events").unwrap().unwrap();
        let body: serde_json::Value = serde_json::from_slice(d.payload()).unwrap();
        seen.push(format!("{} {} {}", d.id(), body["op"].as_str().unwrap(), body["id"].as_str().unwrap()));
        d.ack().await.unwrap();
    }
    assert_eq!(seen, ["items-1 INSERT a", "items-2 INSERT b", "items-3 UPDATE a", "items-4 DELETE b"]);
    assert!(tokio::time::timeout(Duration::from_millis(500), sub.next()).await.is_err(), "nothing more");
}

#[tokio::test(flavor = "multi_thread")]
async fn consumers_apply_each_event_once_retry_with_backoff_and_keep_what_fails() {
    let (config, db) = database("consume").await;
    let mut consumer_db = connect(&config).await;
    let q = MemoryQueue::new();
    let s = stream();
    q.ensure(&s).await.unwrap();
    let consumer = Consumer { backoff: Duration::from_millis(5), max_attempts: 3, ..Consumer::new("copy") };
    consumer.prepare(&consumer_db).await.unwrap();
    consumer.prepare(&consumer_db).await.unwrap(); // idempotent
    let event = |id: &str, item: &str| Outgoing {
        id: id.into(),
        payload: serde_json::json!({"op": "INSERT", "id": item}).to_string().into_bytes(),
    };
    q.publish(&s, &[event("e1", "a"), event("e2", "b")]).await.unwrap();
    let mut sub = q.subscribe(&s, "copy").await.unwrap();

    // Fails twice, then applies, in place (no later event overtakes it): one effect each, the
    // failed attempts rolled back.
    let flaky = Record::failing(2);
    for _ in 0..2 {
        let d = sub.next().await.unwrap().unwrap();
        let started = std::time::Instant::now();
        assert_eq!(
            consumer.process(&mut consumer_db, d, decode, &flaky).await.unwrap(),
            Outcome::Applied { attempts: 3 }
        );
        assert!(started.elapsed() >= Duration::from_millis(15), "5 ms, then 10 ms of backoff");
    }
    assert_eq!(effects(&db).await, ["INSERT:a", "INSERT:b"]);

    // What cannot be decoded is kept, not crashed on.
    q.publish(&s, &[Outgoing { id: "bad".into(), payload: b"{}".to_vec() }]).await.unwrap();
    let d = sub.next().await.unwrap().unwrap();
    let outcome = consumer.process(&mut consumer_db, d, decode, &flaky).await.unwrap();
    assert_eq!(outcome, Outcome::Failed("cannot decode the event: missing field `op` at line 1 column 2".into()));

    // A redelivery of an applied event (its ack was lost) changes nothing.
    let again = MemoryQueue::new();
    again.ensure(&s).await.unwrap();
    again.publish(&s, &[event("e1", "a")]).await.unwrap();
    let d = again.subscribe(&s, "copy").await.unwrap().next().await.unwrap().unwrap();
    assert_eq!(consumer.process(&mut consumer_db, d, decode, &flaky).await.unwrap(), Outcome::Duplicate);
    assert_eq!(effects(&db).await, ["INSERT:a", "INSERT:b"]);

    // Always failing: kept after max_attempts, and the consumer moves on.
    q.publish(&s, &[event("e3", "c"), event("e4", "d")]).await.unwrap();
    let broken = Record::failing(u32::MAX);
    for _ in 0..2 {
        let d = sub.next().await.unwrap().unwrap();
        assert_eq!(
            consumer.process(&mut consumer_db, d, decode, &broken).await.unwrap(),
            Outcome::Failed("attempt 3 fails".into())
        );
    }
    assert_eq!(failed_events(&db).await, [("bad".to_string(), 1), ("e3".to_string(), 3), ("e4".to_string(), 3)]);
    assert_eq!(effects(&db).await, ["INSERT:a", "INSERT:b"]);

    // e4 kept as failed, but its ack was lost: delivered again and applied, it is failed no more.
    let again = MemoryQueue::new();
    again.ensure(&s).await.unwrap();
    again.publish(&s, &[event("e4", "d")]).await.unwrap();
    let d = again.subscribe(&s, "copy").await.unwrap().next().await.unwrap().unwrap();
    assert_eq!(
        consumer.process(&mut consumer_db, d, decode, &Record::failing(0)).await.unwrap(),
        Outcome::Applied { attempts: 1 }
    );
    assert_eq!(failed_events(&db).await, [("bad".to_string(), 1), ("e3".to_string(), 3)]);

    // Replayed later, once the handler is fixed: e3 applied; e4 not again; the undecodable stays.
    assert_eq!(consumer.replay_failed(&mut consumer_db, decode, &Record::failing(0)).await.unwrap(), 1);
    assert_eq!(effects(&db).await, ["INSERT:a", "INSERT:b", "INSERT:c", "INSERT:d"]);
    assert_eq!(failed_events(&db).await, [("bad".to_string(), 1)]);
}

/// Journal → relay → JetStream → consumer → effects, with the broker killed and restarted while
/// the relay publishes and again while the consumer consumes, and a handler failing the first
/// attempt of every event: each change applied once.
#[tokio::test(flavor = "multi_thread")]
async fn end_to_end_through_jetstream_each_change_is_applied_once() {
    let mut nats = Nats::start("e2e");
    let (config, db) = database("e2e").await;
    let mut relay_db = connect(&config).await;
    let mut consumer_db = connect(&config).await;
    let js = JetStream::connect(&nats.url()).await.unwrap().with_ack_wait(Duration::from_secs(2));
    let s = stream();
    js.ensure(&s).await.unwrap();
    let consumer = Consumer { backoff: Duration::from_millis(10), ..Consumer::new("e2e") };
    consumer.prepare(&consumer_db).await.unwrap();

    let write = |from: usize, to: usize| {
        (from..to).map(|i| format!("insert into items values ('i{i:03}', 'n{i}');")).collect::<String>()
    };
    db.batch_execute(&write(0, 100)).await.unwrap();
    while relay_batch(&mut relay_db, &js, &s, "journal.items", 50, map).await.unwrap() > 0 {}
    nats.kill();
    db.batch_execute(&write(100, 200)).await.unwrap();
    nats.restart();
    let mut tries = 0;
    loop {
        match relay_batch(&mut relay_db, &js, &s, "journal.items", 50, map).await {
            Ok(0) => break,
            Ok(_) => {}
            Err(EventError::Broker(_)) if tries < 100 => {
                tries += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(unsent(&db).await, 0);

    let handler = Record::failing(1);
    let mut sub = js.subscribe(&s, "e2e").await.unwrap();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let run = async {
        consumer
            .run(&mut consumer_db, &mut sub, decode, &handler, async {
                let _ = stop_rx.await;
            })
            .await
    };
    // The broker killed and restarted again while the consumer is part way through.
    let watch = async {
        let mut restarted = false;
        for _ in 0..600 {
            let n: i64 = db.query_one("select count(distinct event_id) from effects", &[]).await.unwrap().get(0);
            if n == 200 {
                break;
            }
            if n >= 50 && !restarted {
                nats.kill();
                tokio::time::sleep(Duration::from_millis(500)).await;
                nats.restart();
                restarted = true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(restarted, "the broker was restarted mid-consumption");
        let _ = stop_tx.send(());
    };
    let (ran, ()) = tokio::join!(run, watch);
    ran.unwrap();
    let all = effects(&db).await;
    assert_eq!(all.len(), 200, "each of the 200 inserts applied exactly once");
    let distinct: std::collections::BTreeSet<&String> = all.iter().collect();
    assert_eq!(distinct.len(), 200);
}
