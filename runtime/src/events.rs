//! Events (feature `events`): what generated producers and consumers share.
//!
//! - [`Stream`]: one event union is one stream, owned by one service: subject
//!   `<service>.v<major>.<union>`, stream name `<service>_v<major>_<union>` (JetStream names take
//!   no dots).
//! - [`Transport`]: the broker behind a trait. [`JetStream`] is NATS JetStream (file storage,
//!   deduplication by event id, durable pull consumers with explicit acks); [`MemoryQueue`] is an
//!   in-process queue with the same semantics for users' tests.
//! - [`relay_batch`]: the journal as an outbox. Unsent journal rows (`journal_sent_at is null`)
//!   are claimed in order, published with their event id as the broker's deduplication id, and
//!   marked sent only once the broker has acknowledged every one, in the same transaction that
//!   claimed them: a crash anywhere re-sends, never loses.
//! - [`Consumer`]: at-least-once delivery made exactly-once in effect. Each event's id is
//!   recorded in `events.processed_events` in the transaction the handler writes in, so a
//!   redelivered event is a no-op; the ack follows the commit; a failing handler is retried with
//!   backoff, and after `max_attempts` the event is kept in `events.failed_events` (replayable)
//!   and the consumer moves on. An event it cannot decode (an unknown member of the union among
//!   them) is kept there too, never crashed on.

use std::collections::{HashMap, HashSet, VecDeque};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One event union's stream: where its events are published and consumed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Stream {
    /// The JetStream stream's name: `<service>_v<major>_<union>`.
    pub name: String,
    /// The subject its events are published on: `<service>.v<major>.<union>`.
    pub subject: String,
}

impl Stream {
    /// The stream of union `union` of version `major` of service `service` (keys as in the
    /// spec, `-` and `.` becoming `_`): `Stream::of("user", 0, "user_event")` is subject
    /// `user.v0.user_event`, stream `user_v0_user_event`.
    pub fn of(service: &str, major: u64, union: &str) -> Stream {
        let token = |s: &str| -> String {
            s.chars()
                .map(|c| if c.is_ascii_alphanumeric() || c == '_' { c.to_ascii_lowercase() } else { '_' })
                .collect()
        };
        let (service, union) = (token(service), token(union));
        Stream { name: format!("{service}_v{major}_{union}"), subject: format!("{service}.v{major}.{union}") }
    }
}

/// An event to publish: its id (unique per event; the broker drops a second publish of one id)
/// and its JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub id: String,
    pub payload: Vec<u8>,
}

/// Why an event operation failed.
#[derive(Debug)]
pub enum EventError {
    /// The broker refused, timed out or is unreachable.
    Broker(String),
    /// The database failed.
    Database(tokio_postgres::Error),
    /// A journal row could not be made an event.
    Map(String),
}

impl std::fmt::Display for EventError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EventError::Broker(e) => write!(f, "broker: {e}"),
            EventError::Database(e) => write!(f, "database: {e}"),
            EventError::Map(e) => write!(f, "journal row: {e}"),
        }
    }
}

impl std::error::Error for EventError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            EventError::Database(e) => Some(e),
            _ => None,
        }
    }
}

impl From<tokio_postgres::Error> for EventError {
    fn from(e: tokio_postgres::Error) -> Self {
        EventError::Database(e)
    }
}

fn broker(e: impl std::fmt::Display) -> EventError {
    EventError::Broker(e.to_string())
}

/// A broker: streams, publishing with acknowledgement, durable consumers.
pub trait Transport: Send + Sync {
    type Subscription: Subscription;
    /// Creates the stream unless it exists (idempotent).
    fn ensure(&self, stream: &Stream) -> impl Future<Output = Result<(), EventError>> + Send;
    /// Publishes the events in order and returns once the broker has acknowledged every one.
    fn publish(&self, stream: &Stream, events: &[Outgoing]) -> impl Future<Output = Result<(), EventError>> + Send;
    /// The durable consumer `consumer` of the stream (created unless it exists): it resumes
    /// where it left off, whichever process opens it.
    fn subscribe(
        &self,
        stream: &Stream,
        consumer: &str,
    ) -> impl Future<Output = Result<Self::Subscription, EventError>> + Send;
}

/// Deliveries of a durable consumer, in stream order (redeliveries come again later).
pub trait Subscription: Send {
    type Delivery: Delivery;
    /// The next delivery; `None` when the subscription has ended.
    fn next(&mut self) -> impl Future<Output = Option<Result<Self::Delivery, EventError>>> + Send;
}

/// One delivery of an event. Neither acked nor retried (the process died), it is delivered again.
pub trait Delivery: Send {
    fn id(&self) -> &str;
    fn payload(&self) -> &[u8];
    /// 1 for the first delivery, 2 for the second, …
    fn attempt(&self) -> u32;
    /// Done with: never delivered again to this consumer.
    fn ack(self) -> impl Future<Output = Result<(), EventError>> + Send;
    /// Deliver again after `delay`, to this consumer or another instance of it (later events
    /// may come first: the consumer itself retries in place instead, to keep each key's order).
    fn retry(self, delay: Duration) -> impl Future<Output = Result<(), EventError>> + Send;
    /// Still working on it: do not deliver it again yet.
    fn progress(&self) -> impl Future<Output = Result<(), EventError>> + Send;
}

// ---------------------------------------------------------------------------------------------
// NATS JetStream

/// NATS JetStream through the official async client. Streams are file-backed with a
/// deduplication window of [`JetStream::DEDUPLICATION`]; consumers are durable pull consumers
/// with explicit acks and one event in flight (`max_ack_pending: 1`), redelivering what is not
/// acked within `ack_wait` before anything after it: the stream's order is the order applied,
/// through any crash, at the price of a round trip per event. The client reconnects
/// by itself when the server restarts; publishes that fail meanwhile are errors, which the relay
/// retries.
#[derive(Debug, Clone)]
pub struct JetStream {
    context: async_nats::jetstream::Context,
    ack_wait: Duration,
}

impl JetStream {
    /// How long the broker remembers an event id, dropping a second publish of it.
    pub const DEDUPLICATION: Duration = Duration::from_secs(120);
    /// How many publishes are in flight before their acknowledgements are awaited.
    pub const WINDOW: usize = 1000;

    /// Connects to `url` (`nats://127.0.0.1:4222`); deliveries not acked within 30 s come again.
    pub async fn connect(url: &str) -> Result<JetStream, EventError> {
        let client = async_nats::ConnectOptions::new()
            .retry_on_initial_connect()
            .connection_timeout(Duration::from_secs(5))
            .connect(url)
            .await
            .map_err(broker)?;
        Ok(JetStream { context: async_nats::jetstream::new(client), ack_wait: Duration::from_secs(30) })
    }

    /// Deliveries not acked within `ack_wait` come again (a consumer that died mid-event).
    pub fn with_ack_wait(mut self, ack_wait: Duration) -> JetStream {
        self.ack_wait = ack_wait;
        self
    }
}

impl Transport for JetStream {
    type Subscription = JetStreamSubscription;

    async fn ensure(&self, stream: &Stream) -> Result<(), EventError> {
        let config = async_nats::jetstream::stream::Config {
            name: stream.name.clone(),
            subjects: vec![stream.subject.clone()],
            storage: async_nats::jetstream::stream::StorageType::File,
            duplicate_window: Self::DEDUPLICATION,
            ..Default::default()
        };
        self.context.get_or_create_stream(config).await.map_err(broker)?;
        Ok(())
    }

    async fn publish(&self, stream: &Stream, events: &[Outgoing]) -> Result<(), EventError> {
        // A window of publishes is sent before its acknowledgements are awaited (the client
        // allows 5,000 in flight). Each publish after the first names the one before it
        // (`Nats-Expected-Last-Msg-Id`): should a reconnect lose one, the broker refuses the
        // rest rather than store them out of order, and the batch is sent again.
        for (w, window) in events.chunks(Self::WINDOW).enumerate() {
            let mut acks = Vec::with_capacity(window.len());
            for (i, e) in window.iter().enumerate() {
                let mut message = async_nats::jetstream::message::PublishMessage::build()
                    .message_id(&e.id)
                    .payload(e.payload.clone().into());
                let previous =
                    if i > 0 { Some(&window[i - 1]) } else { w.checked_sub(1).map(|_| &events[w * Self::WINDOW - 1]) };
                if let Some(p) = previous {
                    message = message.expected_last_message_id(&p.id);
                }
                acks.push(self.context.send_publish(stream.subject.clone(), message).await.map_err(broker)?);
            }
            for ack in acks {
                ack.await.map_err(broker)?;
            }
        }
        Ok(())
    }

    async fn subscribe(&self, stream: &Stream, consumer: &str) -> Result<JetStreamSubscription, EventError> {
        let s = self.context.get_stream(&stream.name).await.map_err(broker)?;
        let config = async_nats::jetstream::consumer::pull::Config {
            durable_name: Some(consumer.to_string()),
            ack_policy: async_nats::jetstream::consumer::AckPolicy::Explicit,
            ack_wait: self.ack_wait,
            // One event at a time: an event a dead consumer held comes again before any later
            // one, so no key's changes are applied out of order.
            max_ack_pending: 1,
            ..Default::default()
        };
        let c: async_nats::jetstream::consumer::PullConsumer =
            s.get_or_create_consumer(consumer, config).await.map_err(broker)?;
        let messages = c.messages().await.map_err(broker)?;
        Ok(JetStreamSubscription { messages })
    }
}

/// A JetStream durable consumer's messages.
pub struct JetStreamSubscription {
    messages: async_nats::jetstream::consumer::pull::Stream,
}

impl std::fmt::Debug for JetStreamSubscription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JetStreamSubscription")
    }
}

impl Subscription for JetStreamSubscription {
    type Delivery = JetStreamDelivery;

    async fn next(&mut self) -> Option<Result<JetStreamDelivery, EventError>> {
        use futures_util::StreamExt as _;
        let message = self.messages.next().await?;
        Some(message.map_err(broker).map(|m| {
            // A message published without an id (not by apigen) is known by its place.
            let id = m.headers.as_ref().and_then(|h| h.get("Nats-Msg-Id")).map(|v| v.as_str().to_string());
            let id = id.unwrap_or_else(|| match m.info() {
                Ok(i) => format!("{}:{}", i.stream, i.stream_sequence),
                Err(_) => String::new(),
            });
            let attempt = m.info().map(|i| u32::try_from(i.delivered).unwrap_or(u32::MAX)).unwrap_or(1);
            JetStreamDelivery { message: m, id, attempt }
        }))
    }
}

/// One JetStream message.
pub struct JetStreamDelivery {
    message: async_nats::jetstream::Message,
    id: String,
    attempt: u32,
}

impl std::fmt::Debug for JetStreamDelivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JetStreamDelivery").field("id", &self.id).field("attempt", &self.attempt).finish()
    }
}

impl Delivery for JetStreamDelivery {
    fn id(&self) -> &str {
        &self.id
    }

    fn payload(&self) -> &[u8] {
        &self.message.payload
    }

    fn attempt(&self) -> u32 {
        self.attempt
    }

    async fn ack(self) -> Result<(), EventError> {
        self.message.ack().await.map_err(broker)
    }

    async fn retry(self, delay: Duration) -> Result<(), EventError> {
        self.message.ack_with(async_nats::jetstream::AckKind::Nak(Some(delay))).await.map_err(broker)
    }

    async fn progress(&self) -> Result<(), EventError> {
        self.message.ack_with(async_nats::jetstream::AckKind::Progress).await.map_err(broker)
    }
}

// ---------------------------------------------------------------------------------------------
// The in-memory queue

/// A broker in memory for tests: streams that deduplicate by id, durable consumers that
/// resume where they left off, redelivery of what is retried or dropped without an ack. Clones
/// share one queue. What a test wants to see is there too: [`MemoryQueue::published`]. Two
/// differences from JetStream: it remembers ids for ever (JetStream for
/// [`JetStream::DEDUPLICATION`]), and a delivery dropped unacked comes again at once (JetStream
/// after its `ack_wait`).
#[derive(Debug, Clone, Default)]
pub struct MemoryQueue {
    state: Arc<Mutex<MemoryState>>,
    notify: Arc<tokio::sync::Notify>,
}

#[derive(Debug, Default)]
struct MemoryState {
    streams: HashMap<String, MemoryStream>,
}

#[derive(Debug, Default)]
struct MemoryStream {
    events: Vec<Outgoing>,
    ids: HashSet<String>,
    consumers: HashMap<String, Cursor>,
}

#[derive(Debug, Default)]
struct Cursor {
    next: usize,
    /// (event index, attempt it will be, not before)
    again: VecDeque<(usize, u32, Instant)>,
}

impl MemoryQueue {
    pub fn new() -> MemoryQueue {
        MemoryQueue::default()
    }

    /// Every event the stream holds, in order (each id once).
    pub fn published(&self, stream: &Stream) -> Vec<Outgoing> {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.streams.get(&stream.name).map(|s| s.events.clone()).unwrap_or_default()
    }

    fn with<R>(&self, f: impl FnOnce(&mut MemoryState) -> R) -> R {
        f(&mut self.state.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl Transport for MemoryQueue {
    type Subscription = MemorySubscription;

    async fn ensure(&self, stream: &Stream) -> Result<(), EventError> {
        self.with(|s| {
            s.streams.entry(stream.name.clone()).or_default();
        });
        Ok(())
    }

    async fn publish(&self, stream: &Stream, events: &[Outgoing]) -> Result<(), EventError> {
        self.with(|s| {
            let Some(log) = s.streams.get_mut(&stream.name) else {
                return Err(EventError::Broker(format!("no stream `{}`", stream.name)));
            };
            for e in events {
                if log.ids.insert(e.id.clone()) {
                    log.events.push(e.clone());
                }
            }
            Ok(())
        })?;
        self.notify.notify_waiters();
        Ok(())
    }

    async fn subscribe(&self, stream: &Stream, consumer: &str) -> Result<MemorySubscription, EventError> {
        self.with(|s| match s.streams.get_mut(&stream.name) {
            Some(log) => {
                log.consumers.entry(consumer.to_string()).or_default();
                Ok(())
            }
            None => Err(EventError::Broker(format!("no stream `{}`", stream.name))),
        })?;
        Ok(MemorySubscription { queue: self.clone(), stream: stream.name.clone(), consumer: consumer.to_string() })
    }
}

/// A durable consumer of a [`MemoryQueue`] stream.
#[derive(Debug)]
pub struct MemorySubscription {
    queue: MemoryQueue,
    stream: String,
    consumer: String,
}

impl Subscription for MemorySubscription {
    type Delivery = MemoryDelivery;

    async fn next(&mut self) -> Option<Result<MemoryDelivery, EventError>> {
        loop {
            let mut notified = std::pin::pin!(self.queue.notify.notified());
            notified.as_mut().enable();
            let now = Instant::now();
            let found = self.queue.with(|s| {
                let log = s.streams.get_mut(&self.stream)?;
                let cursor = log.consumers.get_mut(&self.consumer)?;
                if let Some(pos) = cursor.again.iter().position(|(_, _, at)| *at <= now) {
                    let (i, attempt, _) = cursor.again.remove(pos).expect("found");
                    return Some(Ok((i, attempt, log.events[i].clone())));
                }
                if cursor.next < log.events.len() {
                    cursor.next += 1;
                    return Some(Ok((cursor.next - 1, 1, log.events[cursor.next - 1].clone())));
                }
                let wake = cursor.again.iter().map(|(_, _, at)| *at).min();
                Some(Err(wake))
            });
            match found {
                None => return None,
                Some(Ok((index, attempt, event))) => {
                    return Some(Ok(MemoryDelivery {
                        queue: self.queue.clone(),
                        stream: self.stream.clone(),
                        consumer: self.consumer.clone(),
                        index,
                        attempt,
                        event,
                        settled: false,
                    }));
                }
                Some(Err(wake)) => {
                    let wait = wake.map_or(Duration::from_secs(3600), |at| at.saturating_duration_since(now));
                    let _ = tokio::time::timeout(wait, notified).await;
                }
            }
        }
    }
}

/// One delivery from a [`MemoryQueue`]; dropped unsettled, it comes again at once.
#[derive(Debug)]
pub struct MemoryDelivery {
    queue: MemoryQueue,
    stream: String,
    consumer: String,
    index: usize,
    attempt: u32,
    event: Outgoing,
    settled: bool,
}

impl MemoryDelivery {
    fn again(&mut self, delay: Duration) {
        self.settled = true;
        let (index, attempt) = (self.index, self.attempt + 1);
        self.queue.with(|s| {
            if let Some(c) = s.streams.get_mut(&self.stream).and_then(|l| l.consumers.get_mut(&self.consumer)) {
                c.again.push_back((index, attempt, Instant::now() + delay));
            }
        });
        self.queue.notify.notify_waiters();
    }
}

impl Drop for MemoryDelivery {
    fn drop(&mut self) {
        if !self.settled {
            self.again(Duration::ZERO);
        }
    }
}

impl Delivery for MemoryDelivery {
    fn id(&self) -> &str {
        &self.event.id
    }

    fn payload(&self) -> &[u8] {
        &self.event.payload
    }

    fn attempt(&self) -> u32 {
        self.attempt
    }

    async fn ack(mut self) -> Result<(), EventError> {
        self.settled = true;
        Ok(())
    }

    async fn retry(mut self, delay: Duration) -> Result<(), EventError> {
        self.again(delay);
        Ok(())
    }

    async fn progress(&self) -> Result<(), EventError> {
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// The relay: the journal as an outbox

/// The value of a journal row's column (every journal column may be null).
pub fn optional<'a, T: tokio_postgres::types::FromSql<'a>>(
    row: &'a tokio_postgres::Row,
    column: &str,
) -> Result<Option<T>, EventError> {
    row.try_get(column).map_err(|e| EventError::Map(format!("`{column}`: {e}")))
}

/// The value of a journal row's column that the event requires.
pub fn required<'a, T: tokio_postgres::types::FromSql<'a>>(
    row: &'a tokio_postgres::Row,
    column: &str,
) -> Result<T, EventError> {
    optional(row, column)?.ok_or_else(|| EventError::Map(format!("`{column}` is null")))
}

/// The event id of journal row `journal_id` of the journal of `table`: stable, so that a row
/// sent twice (a crash between the broker's ack and the commit) is the same event.
pub fn journal_event_id(table: &str, journal_id: i64) -> String {
    format!("{table}-{journal_id}")
}

/// Publishes the next unsent rows of a journal (`journal`: its SQL name, `journal.users`; at
/// most `limit` rows, in journal order) and marks them sent: claims them in a transaction (`for
/// update skip locked`, after a transaction-level advisory lock, so that one relay at a time
/// works on a journal and the order of each row's changes is kept), maps each to an event with
/// `map`, publishes them all, and only after the broker has acknowledged every one sets
/// `journal_sent_at` and commits. A crash or an error before the commit leaves the rows unsent:
/// the next batch publishes them again under the same ids. The number of rows sent; 0 when
/// there were none, or another relay holds the journal.
pub async fn relay_batch<T: Transport>(
    client: &mut tokio_postgres::Client,
    transport: &T,
    stream: &Stream,
    journal: &str,
    limit: i64,
    map: impl Fn(&tokio_postgres::Row) -> Result<Outgoing, EventError>,
) -> Result<usize, EventError> {
    let tx = client.transaction().await?;
    let locked: bool = tx.query_one("select pg_try_advisory_xact_lock(hashtext($1))", &[&journal]).await?.get(0);
    if !locked {
        return Ok(0);
    }
    let claim = format!(
        "select * from {journal} where journal_sent_at is null order by journal_id limit $1 for update skip locked"
    );
    let rows = tx.query(&claim, &[&limit]).await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.try_get("journal_id")).collect::<Result<_, _>>()?;
    // A row that cannot be an event stops the relay there, saying which: sending the rows after
    // it would break their order, and skipping it would lose it.
    let events: Vec<Outgoing> = rows
        .iter()
        .zip(&ids)
        .map(|(r, id)| map(r).map_err(|e| EventError::Map(format!("{journal} row {id}: {e}"))))
        .collect::<Result<_, _>>()?;
    transport.publish(stream, &events).await?;
    tx.execute(&format!("update {journal} set journal_sent_at = now() where journal_id = any($1)"), &[&ids]).await?;
    tx.commit().await?;
    Ok(events.len())
}

/// Runs [`relay_batch`] until `stop` resolves: at once again while batches come full, after
/// `idle` when the journal is drained, and after a growing pause (50 ms doubling up to 5 s)
/// while the broker fails. A database error ends it (the caller reconnects or exits).
#[allow(clippy::too_many_arguments)]
pub async fn run_relay<T: Transport>(
    client: &mut tokio_postgres::Client,
    transport: &T,
    stream: &Stream,
    journal: &str,
    limit: i64,
    idle: Duration,
    map: impl Fn(&tokio_postgres::Row) -> Result<Outgoing, EventError>,
    stop: impl Future<Output = ()>,
) -> Result<(), EventError> {
    let mut stop = std::pin::pin!(stop);
    let mut pause = Duration::ZERO;
    loop {
        let wait = match relay_batch(client, transport, stream, journal, limit, &map).await {
            Ok(n) => {
                pause = Duration::ZERO;
                if i64::try_from(n).unwrap_or(i64::MAX) >= limit { Duration::ZERO } else { idle }
            }
            Err(EventError::Broker(e)) => {
                pause = (pause * 2).clamp(Duration::from_millis(50), Duration::from_secs(5));
                eprintln!("relay of {journal}: {e}; again in {pause:?}");
                pause
            }
            Err(e) => return Err(e),
        };
        tokio::select! {
            () = &mut stop => return Ok(()),
            () = tokio::time::sleep(wait) => {}
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Consumers

/// The tables a consumer keeps (schema `events`), created unless they exist.
pub const CONSUMER_TABLES: &str = "
create schema if not exists events;
create table if not exists events.processed_events (
  consumer text not null,
  event_id text not null,
  processed_at timestamptz not null default now(),
  primary key (consumer, event_id)
);
create table if not exists events.failed_events (
  consumer text not null,
  event_id text not null,
  payload text not null,
  error text not null,
  attempts integer not null,
  failed_at timestamptz not null default now(),
  primary key (consumer, event_id)
);
";

/// What a consumer does with an event, in the transaction its id is recorded in.
pub trait Handler<T>: Send + Sync {
    type Error: std::fmt::Display + Send;
    fn handle(
        &self,
        tx: &tokio_postgres::Transaction<'_>,
        event: T,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send;
}

/// What became of one delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The handler's writes are committed, after this many attempts (1 when it did not fail).
    Applied { attempts: u32 },
    /// Processed before (a redelivery): nothing done again.
    Duplicate,
    /// Kept in `events.failed_events`: the handler failed `max_attempts` times, or the event
    /// could not be decoded.
    Failed(String),
}

/// A durable consumer: its name (one per app: every instance of the app shares it), how often
/// a failing event is tried, and the backoff between tries.
#[derive(Debug, Clone)]
pub struct Consumer {
    pub name: String,
    pub max_attempts: u32,
    /// The first retry's delay, doubled each time up to `max_backoff`.
    pub backoff: Duration,
    pub max_backoff: Duration,
}

impl Consumer {
    pub fn new(name: &str) -> Consumer {
        Consumer {
            name: name.to_string(),
            max_attempts: 5,
            backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(10),
        }
    }

    /// Creates the consumer's tables unless they exist.
    pub async fn prepare(&self, client: &tokio_postgres::Client) -> Result<(), EventError> {
        // Concurrent `create … if not exists` can collide in the catalogue: one at a time, the
        // lock held until the tables are committed.
        client
            .batch_execute(&format!(
                "begin; select pg_advisory_xact_lock(hashtext('apigen events tables')); {CONSUMER_TABLES} commit;"
            ))
            .await?;
        Ok(())
    }

    fn delay(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt.saturating_sub(1)).unwrap_or(u32::MAX);
        self.backoff.saturating_mul(factor).min(self.max_backoff)
    }

    /// Processes one delivery: decode it, and in one transaction record its id and run the
    /// handler; ack after the commit. A failing handler is tried again in place (its
    /// transaction rolled back, the delivery kept from being redelivered meanwhile, the delay
    /// doubling), so that no later event overtakes it; after `max_attempts` the event is kept
    /// in `events.failed_events` and acked. See [`Outcome`].
    pub async fn process<D: Delivery, T, H: Handler<T>>(
        &self,
        client: &mut tokio_postgres::Client,
        delivery: D,
        decode: impl Fn(&[u8]) -> Result<T, String>,
        handler: &H,
    ) -> Result<Outcome, EventError> {
        let mut attempt = 1;
        loop {
            let event = match decode(delivery.payload()) {
                Ok(event) => event,
                Err(reason) => {
                    let reason = format!("cannot decode the event: {reason}");
                    self.keep_failed(client, &delivery, &reason, 1).await?;
                    delivery.ack().await?;
                    return Ok(Outcome::Failed(reason));
                }
            };
            let tx = client.transaction().await?;
            let fresh = tx
                .execute(
                    "insert into events.processed_events (consumer, event_id) values ($1, $2) on conflict do nothing",
                    &[&self.name, &delivery.id()],
                )
                .await?;
            if fresh == 0 {
                tx.rollback().await?;
                delivery.ack().await?;
                return Ok(Outcome::Duplicate);
            }
            let failed = match handler.handle(&tx, event).await {
                Ok(()) => {
                    // An event kept as failed before (its ack lost) and applied now is failed no more.
                    tx.execute(
                        "delete from events.failed_events where consumer = $1 and event_id = $2",
                        &[&self.name, &delivery.id()],
                    )
                    .await?;
                    tx.commit().await?;
                    delivery.ack().await?;
                    return Ok(Outcome::Applied { attempts: attempt });
                }
                Err(e) => e.to_string(),
            };
            tx.rollback().await?;
            if attempt >= self.max_attempts {
                self.keep_failed(client, &delivery, &failed, attempt).await?;
                delivery.ack().await?;
                return Ok(Outcome::Failed(failed));
            }
            delivery.progress().await?;
            tokio::time::sleep(self.delay(attempt)).await;
            attempt += 1;
        }
    }

    async fn keep_failed<D: Delivery>(
        &self,
        client: &tokio_postgres::Client,
        delivery: &D,
        error: &str,
        attempts: u32,
    ) -> Result<(), EventError> {
        let payload = String::from_utf8_lossy(delivery.payload()).into_owned();
        let attempts = i32::try_from(attempts).unwrap_or(i32::MAX);
        client
            .execute(
                "insert into events.failed_events (consumer, event_id, payload, error, attempts) values ($1, $2, $3, $4, $5)
                 on conflict (consumer, event_id) do update set payload = excluded.payload, error = excluded.error,
                   attempts = excluded.attempts, failed_at = now()",
                &[&self.name, &delivery.id(), &payload, &error, &attempts],
            )
            .await?;
        Ok(())
    }

    /// Processes deliveries until `stop` resolves. A broker error on one delivery is reported and
    /// the loop goes on (the client reconnects); a database error, or the subscription ending
    /// (its consumer deleted, the client closed), ends it with an error, the delivery unacked
    /// and so delivered again.
    pub async fn run<S: Subscription, T, H: Handler<T>>(
        &self,
        client: &mut tokio_postgres::Client,
        subscription: &mut S,
        decode: impl Fn(&[u8]) -> Result<T, String>,
        handler: &H,
        stop: impl Future<Output = ()>,
    ) -> Result<(), EventError> {
        let mut stop = std::pin::pin!(stop);
        loop {
            let next = tokio::select! {
                () = &mut stop => return Ok(()),
                next = subscription.next() => next,
            };
            match next {
                None => return Err(EventError::Broker(format!("the subscription of {} ended", self.name))),
                Some(Err(e)) => {
                    eprintln!("consumer {}: {e}", self.name);
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Some(Ok(delivery)) => match self.process(client, delivery, &decode, handler).await {
                    Ok(_) | Err(EventError::Broker(_)) => {}
                    Err(e) => return Err(e),
                },
            }
        }
    }

    /// Runs the failed events of this consumer through the handler again, in the order they
    /// failed; each one that succeeds leaves `events.failed_events`. The number replayed.
    pub async fn replay_failed<T, H: Handler<T>>(
        &self,
        client: &mut tokio_postgres::Client,
        decode: impl Fn(&[u8]) -> Result<T, String>,
        handler: &H,
    ) -> Result<usize, EventError> {
        let rows = client
            .query(
                "select event_id, payload from events.failed_events where consumer = $1 order by failed_at, event_id",
                &[&self.name],
            )
            .await?;
        let mut replayed = 0;
        for row in rows {
            let (id, payload): (String, String) = (row.get(0), row.get(1));
            let Ok(event) = decode(payload.as_bytes()) else { continue };
            let tx = client.transaction().await?;
            let fresh = tx
                .execute(
                    "insert into events.processed_events (consumer, event_id) values ($1, $2) on conflict do nothing",
                    &[&self.name, &id],
                )
                .await?;
            // Applied since it failed (a redelivery): it is failed no more, and not applied again.
            if fresh == 0 || handler.handle(&tx, event).await.is_ok() {
                tx.execute(
                    "delete from events.failed_events where consumer = $1 and event_id = $2",
                    &[&self.name, &id],
                )
                .await?;
                tx.commit().await?;
                replayed += 1;
            }
        }
        Ok(replayed)
    }
}
