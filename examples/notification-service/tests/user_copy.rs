//! The notification service's copy of the users, kept from the user service's `user_event`
//! stream: users created, renamed and deleted through the user service's API on PostgreSQL, its
//! journal relayed to a real nats-server, consumed into the notification service's own database.
//! Meanwhile the broker is killed and restarted, the relay and the consumer are cut off mid-run
//! and started again, and the handler fails a tenth of first attempts. The copy ends equal to the
//! user service's table, and every event was applied exactly once (the effects are counted).

#[path = "../../../runtime/tests/support/mod.rs"]
mod support;

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;

use apigen_runtime::dao::{DaoError, Transaction};
use apigen_runtime::events::{Consumer, JetStream};
use notification_service::generated::user::events::{UserEventHandler, consume_user_event};
use notification_service::generated::user::models::{UserDeleted, UserUpserted};
use notification_service::users::UserCopy;
use user_service::generated::user::api::{
    Users as _, UsersDeleteByIdRequest, UsersPostRequest, UsersPostResponse, UsersPutByIdRequest,
};
use user_service::generated::user::models::UserForm;

/// The copy, failing the first attempt of every tenth event, and counting what it applies.
#[derive(Default)]
struct Flaky {
    tried: Mutex<HashSet<String>>,
}

impl Flaky {
    async fn effect(&self, tx: &Transaction<'_>, event_id: &str) -> Result<(), DaoError> {
        let first = self.tried.lock().unwrap().insert(event_id.to_string());
        let tenth = event_id.bytes().map(u32::from).sum::<u32>() % 10 == 0;
        tx.execute("insert into applied (event_id) values ($1)", &[&event_id]).await?;
        if first && tenth {
            return Err(DaoError::InvalidText { column: "test", value: "a failure on purpose".into() });
        }
        Ok(())
    }
}

impl UserEventHandler for Flaky {
    type Error = DaoError;

    async fn user_upserted(&self, tx: &Transaction<'_>, event: UserUpserted) -> Result<(), DaoError> {
        self.effect(tx, &event.event_id.clone()).await?;
        UserCopy.user_upserted(tx, event).await
    }

    async fn user_deleted(&self, tx: &Transaction<'_>, event: UserDeleted) -> Result<(), DaoError> {
        self.effect(tx, &event.event_id.clone()).await?;
        UserCopy.user_deleted(tx, event).await
    }
}

/// The user service in this process: its API on a loopback port, and its relay.
async fn user_service(url: &str) -> (String, tokio::task::JoinHandle<()>) {
    let (users, _connection) = user_service::postgres::PgUsers::connect(url).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let serve = tokio::spawn(async move {
        axum::serve(listener, user_service::generated::user::server::router(users)).await.unwrap();
    });
    (base, serve)
}

fn relay(url: String, nats: String) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let config: tokio_postgres::Config = url.parse().unwrap();
        let mut client = support::connect(&config).await;
        let js = JetStream::connect(&nats).await.unwrap();
        let r =
            user_service::generated::user::events::run_user_event_relay(&mut client, &js, std::future::pending()).await;
        panic!("the relay ended: {r:?}");
    })
}

fn consumer(
    config: tokio_postgres::Config,
    nats: String,
    handler: std::sync::Arc<Flaky>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut client = support::connect(&config).await;
        let js = JetStream::connect(&nats).await.unwrap().with_ack_wait(Duration::from_secs(2));
        let c = Consumer { backoff: Duration::from_millis(5), ..Consumer::new("notification") };
        let r = consume_user_event(&mut client, &js, &c, Shared(handler), std::future::pending()).await;
        panic!("the consumer ended: {r:?}");
    })
}

/// One handler across the consumer's restarts.
struct Shared(std::sync::Arc<Flaky>);

impl UserEventHandler for Shared {
    type Error = DaoError;

    async fn user_upserted(&self, tx: &Transaction<'_>, event: UserUpserted) -> Result<(), DaoError> {
        self.0.user_upserted(tx, event).await
    }

    async fn user_deleted(&self, tx: &Transaction<'_>, event: UserDeleted) -> Result<(), DaoError> {
        self.0.user_deleted(tx, event).await
    }
}

async fn rows(db: &tokio_postgres::Client) -> Vec<(String, String, String, String)> {
    db.query("select id, email, name, status from public.users order by id", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_copy_matches_through_broker_relay_and_consumer_crashes_applying_each_event_once() {
    const USERS: usize = 200;
    let mut nats = support::Nats::start("copy");
    let (user_config, user_db) = support::database("copy_user").await;
    let (copy_config, mut copy_db) = support::database("copy_notification").await;
    let migrations = notification_service::generated::migrations::MIGRATIONS;
    let app = notification_service::generated::migrations::APP;
    apigen_runtime::dao::migrate(&mut copy_db, app, migrations).await.unwrap();
    copy_db.batch_execute("create table applied (event_id text not null)").await.unwrap();

    let user_url = support::url(&user_config);
    let (base, _serve) = user_service(&user_url).await;
    let mut relay_task = relay(user_url.clone(), nats.url());
    let handler = std::sync::Arc::new(Flaky::default());
    let mut consumer_task = consumer(copy_config.clone(), nats.url(), handler.clone());
    let api = user_service::generated::user::client::Client::new(&base).unwrap();

    let mut ids = Vec::new();
    for i in 0..USERS {
        let body =
            UserForm { email: format!("u{i}@example.com"), name: format!("User {i}"), phone: None, status: None };
        let UsersPostResponse::Created(u) = api.post(UsersPostRequest { body }).await.unwrap() else { panic!() };
        ids.push(u.id);
        match i {
            50 => nats.kill(),
            60 => nats.restart(),
            100 => {
                consumer_task.abort();
                consumer_task = consumer(copy_config.clone(), nats.url(), handler.clone());
            }
            150 => {
                relay_task.abort();
                relay_task = relay(user_url.clone(), nats.url());
            }
            _ => {}
        }
    }
    for (i, id) in ids.iter().enumerate().take(USERS / 2) {
        let body =
            UserForm { email: format!("u{i}@example.com"), name: format!("Renamed {i}"), phone: None, status: None };
        api.put_by_id(UsersPutByIdRequest { id: id.clone(), body }).await.unwrap();
    }
    for id in ids.iter().skip(USERS / 2).take(USERS / 4) {
        api.delete_by_id(UsersDeleteByIdRequest { id: id.clone() }).await.unwrap();
    }

    let events: i64 = user_db.query_one("select count(*) from journal.users", &[]).await.unwrap().get(0);
    assert_eq!(events, (USERS + USERS / 2 + USERS / 4) as i64);
    let mut same = false;
    for _ in 0..600 {
        if rows(&copy_db).await == rows(&user_db).await {
            let applied: i64 =
                copy_db.query_one("select count(distinct event_id) from applied", &[]).await.unwrap().get(0);
            if applied == events {
                same = true;
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    if !same {
        let (copy, user) = (rows(&copy_db).await, rows(&user_db).await);
        let differ: Vec<_> = copy.iter().zip(&user).filter(|(a, b)| a != b).take(3).collect();
        let applied: i64 = copy_db.query_one("select count(distinct event_id) from applied", &[]).await.unwrap().get(0);
        panic!(
            "the copy never matched: {} rows of {}, {applied} events applied of {events}; first differences: {differ:?}",
            copy.len(),
            user.len()
        );
    }
    // Exactly once in effect: every applied row is an event, each once (the failed first attempts
    // were rolled back with their transaction).
    let applied: i64 = copy_db.query_one("select count(*) from applied", &[]).await.unwrap().get(0);
    assert_eq!(applied, events, "an event was applied twice");
    let processed: i64 = copy_db.query_one("select count(*) from events.processed_events", &[]).await.unwrap().get(0);
    assert_eq!(processed, events);
    let failed: i64 = copy_db.query_one("select count(*) from events.failed_events", &[]).await.unwrap().get(0);
    assert_eq!(failed, 0);
    relay_task.abort();
    consumer_task.abort();
}
