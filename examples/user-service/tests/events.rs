//! The user service's binary relays its journal to `user_event` on a real nats-server: every
//! change made through the API arrives once, in order, as the typed event, through a broker
//! killed and restarted and a service killed with SIGKILL and restarted.

#[path = "../../../runtime/tests/support/mod.rs"]
mod support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use apigen_runtime::events::{Delivery, JetStream, Subscription, Transport};
use serde_json::json;
use user_service::generated::user::events::user_event_stream;
use user_service::generated::user::models::UserEvent;

/// The service's process, killed (SIGKILL) when dropped.
struct Service {
    child: Child,
    base: String,
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(database_url: &str, nats_url: &str) -> Service {
    let mut command = Command::new(env!("CARGO_BIN_EXE_user-service"));
    command.arg("127.0.0.1:0").env("DATABASE_URL", database_url).env("NATS_URL", nats_url);
    let child = command.stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("start user-service");
    let mut service = Service { child, base: String::new() };
    let mut stderr = BufReader::new(service.child.stderr.take().unwrap());
    loop {
        let mut line = String::new();
        if stderr.read_line(&mut line).unwrap() == 0 {
            panic!("user-service ended before listening");
        }
        if let Some(rest) = line.split("listening on ").nth(1) {
            service.base = rest.split_whitespace().next().unwrap().to_string();
            std::thread::spawn(move || for _ in stderr.lines() {});
            return service;
        }
    }
}

async fn post(base: &str, email: &str) -> serde_json::Value {
    let body = json!({"email": email, "name": "Someone"}).to_string();
    let response = reqwest::Client::new()
        .post(format!("{base}/users"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 201);
    serde_json::from_slice(&response.bytes().await.unwrap()).unwrap()
}

/// What an event says, in a line: `upserted ada@example.com` or `deleted usr-…`.
fn summary(e: &UserEvent) -> String {
    match e {
        UserEvent::UserUpserted(u) => format!("upserted {}", u.user.email),
        UserEvent::UserDeleted(d) => format!("deleted {}", d.id),
        other => format!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_change_through_the_api_arrives_once_in_order_through_crashes() {
    let mut nats = support::Nats::start("user-events");
    let (config, _db) = support::database("user_events").await;
    // The support database has a table of its own; the service migrates its own beside it.
    let database_url = support::url(&config);
    let mut service = start(&database_url, &nats.url());

    let ada = post(&service.base, "ada@example.com").await;
    let bob = post(&service.base, "bob@example.com").await;
    let response =
        reqwest::Client::new().delete(format!("{}/users/{}", service.base, bob["id"].as_str().unwrap())).send();
    assert_eq!(response.await.unwrap().status().as_u16(), 204);

    // The broker killed: writes go on; the relay catches up once it is back.
    nats.kill();
    post(&service.base, "cy@example.com").await;
    nats.restart();
    // The service killed mid-flight and started again: nothing lost, nothing twice.
    post(&service.base, "dee@example.com").await;
    drop(service);
    service = start(&database_url, &nats.url());
    post(&service.base, "eve@example.com").await;

    let js = JetStream::connect(&nats.url()).await.unwrap();
    let stream = user_event_stream();
    js.ensure(&stream).await.unwrap();
    let mut sub = js.subscribe(&stream, "test").await.unwrap();
    let mut seen = Vec::new();
    let mut ids = std::collections::BTreeSet::new();
    while seen.len() < 6 {
        let d = tokio::time::timeout(Duration::from_secs(20), sub.next())
            .await
            .unwrap_or_else(|_| panic!("only these arrived: {seen:?}"))
            .unwrap()
            .unwrap();
        let event = UserEvent::decode(d.payload()).unwrap();
        assert_eq!(event.event_id(), Some(d.id()), "the broker's id is the event's");
        assert!(ids.insert(d.id().to_string()), "{} arrived twice", d.id());
        seen.push(summary(&event));
        d.ack().await.unwrap();
    }
    let bob_id = bob["id"].as_str().unwrap();
    assert_eq!(
        seen,
        [
            "upserted ada@example.com".to_string(),
            "upserted bob@example.com".into(),
            format!("deleted {bob_id}"),
            "upserted cy@example.com".into(),
            "upserted dee@example.com".into(),
            "upserted eve@example.com".into(),
        ]
    );
    assert!(tokio::time::timeout(Duration::from_secs(1), sub.next()).await.is_err(), "nothing more");
    let UserEvent::UserUpserted(first) = UserEvent::decode(
        &serde_json::to_vec(&json!({
            "discriminator": "user_upserted", "event_id": "x", "timestamp": "2026-01-01T00:00:00Z",
            "user": ada
        }))
        .unwrap(),
    )
    .unwrap() else {
        panic!()
    };
    assert_eq!(first.user.email, "ada@example.com", "the event carries the API's user");
}
