//! The user service's binary on PostgreSQL, as it runs in production: `DATABASE_URL` set, it
//! applies its migrations at start-up and keeps users in `public.users` through the generated
//! DAO, journaled in `journal.users`. Checked from outside: raw HTTP requests, the generated
//! client, and raw SQL. The same black-box checks run against the in-memory store, so both
//! keep one set of rules. `scripts/test` starts the PostgreSQL cluster these tests create their
//! databases in.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};
use tokio_postgres::{Client, NoTls};
use user_service::generated::user::api::*;
use user_service::generated::user::client::Client as UsersClient;

/// The running binary, killed when dropped; what it wrote to stderr.
struct Service {
    child: Child,
    base: String,
    log: Vec<String>,
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `user-service 127.0.0.1:0` and waits for the line saying where it listens.
fn start(database_url: Option<&str>) -> Service {
    let mut command = Command::new(env!("CARGO_BIN_EXE_user-service"));
    command.arg("127.0.0.1:0").stdout(Stdio::null()).stderr(Stdio::piped()).env_remove("DATABASE_URL");
    if let Some(url) = database_url {
        command.env("DATABASE_URL", url);
    }
    // Owned by the guard at once: killed and reaped however this ends.
    let mut service =
        Service { child: command.spawn().expect("start user-service"), base: String::new(), log: Vec::new() };
    let mut stderr = BufReader::new(service.child.stderr.take().unwrap());
    loop {
        let mut line = String::new();
        if stderr.read_line(&mut line).unwrap() == 0 {
            panic!("user-service ended before listening:\n{}", service.log.join(""));
        }
        service.log.push(line.clone());
        if let Some(rest) = line.split("listening on ").nth(1) {
            service.base = rest.split_whitespace().next().unwrap().to_string();
            // Keep draining its stderr so that it never blocks on a full pipe.
            std::thread::spawn(move || for _ in stderr.lines() {});
            return service;
        }
    }
}

fn pg_config() -> tokio_postgres::Config {
    apigen_runtime::dao::config_from_env().unwrap_or_else(|e| {
        panic!("PostgreSQL is needed: run the tests with scripts/test, which starts a throwaway cluster ({e})")
    })
}

async fn connect(config: &tokio_postgres::Config) -> Client {
    let (client, connection) = config.connect(NoTls).await.expect("connect to PostgreSQL");
    tokio::spawn(async move {
        let _ = connection.await;
    });
    client
}

/// A fresh, empty database: its connection string (libpq's `key=value` form) and a client.
async fn database(test: &str) -> (String, Client) {
    static N: AtomicUsize = AtomicUsize::new(0);
    let name = format!("user_service_{test}_{}_{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed));
    let admin = connect(&pg_config()).await;
    admin.batch_execute(&format!("drop database if exists {name}")).await.unwrap();
    admin.batch_execute(&format!("create database {name}")).await.unwrap();
    let mut config = pg_config();
    config.dbname(&name);
    let client = connect(&config).await;
    let mut url = format!("dbname={name}");
    for (key, var) in [("host", "PGHOST"), ("port", "PGPORT"), ("user", "PGUSER"), ("password", "PGPASSWORD")] {
        if let Ok(v) = std::env::var(var) {
            url.push_str(&format!(" {key}='{}'", v.replace('\\', "\\\\").replace('\'', "\\'")));
        }
    }
    (url, client)
}

async fn send(method: reqwest::Method, url: String, body: Option<Value>) -> (u16, Value) {
    let mut request = reqwest::Client::new().request(method, url);
    if let Some(body) = body {
        request = request.header("content-type", "application/json").body(body.to_string());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let bytes = response.bytes().await.unwrap();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

/// What every store must do, seen on the wire: create, the unique email in any case, text rules,
/// lists with filters and pages, read, replace, delete.
async fn black_box(base: &str) {
    use reqwest::Method;
    let (status, ada) =
        send(Method::POST, format!("{base}/users"), Some(json!({"email": "Ada@Example.com", "name": "Ada"}))).await;
    assert_eq!(status, 201, "{ada}");
    assert_eq!(ada["email"], "ada@example.com", "emails are stored in lower case");
    assert_eq!(ada["status"], "active");
    let id = ada["id"].as_str().unwrap().to_string();
    assert!(ada["created_at"].is_string() && ada["updated_at"].is_string(), "{ada}");

    let (status, errors) =
        send(Method::POST, format!("{base}/users"), Some(json!({"email": "ADA@example.com", "name": "Other"}))).await;
    assert_eq!((status, errors[0]["code"].clone()), (422, json!("email_taken")), "{errors}");
    // Empty text breaks the spec's `minimum` (the generated server answers); padded text breaks
    // the store's rule (the handler answers, as the table would).
    let (status, body) =
        send(Method::POST, format!("{base}/users"), Some(json!({"email": "b@example.com", "name": ""}))).await;
    assert_eq!((status, body["code"].clone()), (422, json!("invalid_body")), "{body}");
    for bad in [json!({"email": "b@example.com", "name": " Bob"}), json!({"email": "b@example.com ", "name": "Bob"})] {
        let (status, errors) = send(Method::POST, format!("{base}/users"), Some(bad.clone())).await;
        assert_eq!((status, errors[0]["code"].clone()), (422, json!("invalid_text")), "{bad} → {errors}");
    }
    let (status, bob) = send(
        Method::POST,
        format!("{base}/users"),
        Some(json!({"email": "bob@example.com", "name": "Bob", "status": "inactive", "phone": "+441234"})),
    )
    .await;
    assert_eq!(status, 201, "{bob}");
    let bob_id = bob["id"].as_str().unwrap().to_string();

    // Lists: in creation order, paged, filtered by id, email (any case) and status.
    let (_, all) = send(Method::GET, format!("{base}/users?limit=10"), None).await;
    let ids: Vec<&str> = all.as_array().unwrap().iter().map(|u| u["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [id.as_str(), bob_id.as_str()]);
    let (_, second) = send(Method::GET, format!("{base}/users?limit=1&offset=1"), None).await;
    assert_eq!(second[0]["id"], bob_id.as_str());
    let (_, by_ids) = send(Method::GET, format!("{base}/users?id={bob_id}&id=nobody"), None).await;
    assert_eq!(by_ids.as_array().unwrap().len(), 1);
    let (_, by_email) = send(Method::GET, format!("{base}/users?email=BOB@example.com"), None).await;
    assert_eq!(by_email[0]["id"], bob_id.as_str());
    let (_, by_status) = send(Method::GET, format!("{base}/users?status=inactive"), None).await;
    assert_eq!(by_status.as_array().unwrap().len(), 1);
    assert_eq!(by_status[0]["phone"], "+441234");
    let (_, none) = send(Method::GET, format!("{base}/users?status=inactive&email=ada@example.com"), None).await;
    assert_eq!(none, json!([]));

    let (status, got) = send(Method::GET, format!("{base}/users/{id}"), None).await;
    assert_eq!((status, &got), (200, &ada));
    let (status, _) = send(Method::GET, format!("{base}/users/nobody"), None).await;
    assert_eq!(status, 404);

    let renamed = json!({"email": "ada@example.com", "name": "Ada Lovelace"});
    let (status, updated) = send(Method::PUT, format!("{base}/users/{id}"), Some(renamed)).await;
    assert_eq!((status, updated["name"].clone()), (200, json!("Ada Lovelace")), "{updated}");
    assert_eq!(updated["created_at"], ada["created_at"]);
    // The same data again is no write: `updated_at` stays (hash_code on PostgreSQL).
    let same = json!({"email": "ada@example.com", "name": "Ada Lovelace"});
    let (status, again) = send(Method::PUT, format!("{base}/users/{id}"), Some(same)).await;
    assert_eq!((status, &again["updated_at"]), (200, &updated["updated_at"]), "{again}");
    let padded = json!({"email": "ada@example.com", "name": "Ada", "status": " "});
    let (status, errors) = send(Method::PUT, format!("{base}/users/{id}"), Some(padded)).await;
    assert_eq!((status, errors[0]["code"].clone()), (422, json!("invalid_text")), "{errors}");
    let taken = json!({"email": "bob@example.com", "name": "Ada"});
    let (status, errors) = send(Method::PUT, format!("{base}/users/{id}"), Some(taken)).await;
    assert_eq!((status, errors[0]["code"].clone()), (422, json!("email_taken")), "{errors}");
    let (status, _) =
        send(Method::PUT, format!("{base}/users/nobody"), Some(json!({"email": "n@example.com", "name": "N"}))).await;
    assert_eq!(status, 404);

    let (status, _) = send(Method::DELETE, format!("{base}/users/{bob_id}"), None).await;
    assert_eq!(status, 204);
    let (status, _) = send(Method::DELETE, format!("{base}/users/{bob_id}"), None).await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn in_memory_the_service_keeps_the_rules() {
    let service = start(None);
    assert!(service.log.iter().any(|l| l.contains("users in memory")), "{:?}", service.log);
    black_box(&service.base).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn on_postgres_the_service_migrates_keeps_the_rules_and_journals_every_write() {
    let (url, db) = database("http").await;
    let service = start(Some(&url));
    for v in ["0001", "0002"] {
        assert!(service.log.iter().any(|l| l.contains(&format!("applied migration {v}"))), "{:?}", service.log);
    }
    assert!(service.log.iter().any(|l| l.contains("users in PostgreSQL")), "{:?}", service.log);
    black_box(&service.base).await;

    // What the black box did, as the database holds it: one user left, and a journal row for
    // each write (two inserts, one update, one delete; the refused writes left none).
    let users = db.query("select email, name, updated_by from public.users", &[]).await.unwrap();
    assert_eq!(users.len(), 1);
    assert_eq!(users[0].get::<_, String>(1), "Ada Lovelace");
    assert_eq!(users[0].get::<_, String>(2), "user-service");
    let ops: Vec<String> = db
        .query("select journal_operation from journal.users order by journal_id", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(ops, ["INSERT", "INSERT", "UPDATE", "DELETE"]);

    // The typed client on the same server; an unchanged replace writes nothing (hash_code).
    let client = UsersClient::new(&service.base).unwrap();
    let UsersGetResponse::Ok(found) = client
        .get(UsersGetRequest {
            id: None,
            email: Some("ada@example.com".into()),
            status: None,
            limit: 10,
            offset: 0,
            sort: "-created_at".into(),
        })
        .await
        .unwrap();
    let ada = found.into_iter().next().expect("ada");
    let same = user_service::generated::user::models::UserForm {
        email: ada.email.clone(),
        name: ada.name.clone(),
        phone: ada.phone.clone(),
        status: Some(ada.status.clone()),
    };
    let UsersPutByIdResponse::Ok(again) =
        client.put_by_id(UsersPutByIdRequest { id: ada.id.clone(), body: same }).await.unwrap()
    else {
        panic!("expected 200")
    };
    assert_eq!(again.updated_at, ada.updated_at, "an unchanged replace leaves updated_at");
    let journal: i64 = db.query_one("select count(*) from journal.users", &[]).await.unwrap().get(0);
    assert_eq!(journal, 4, "an unchanged replace leaves the journal still");

    // The database keeps the text rule when the service is bypassed.
    let bypass = db
        .execute(
            "insert into public.users (id, email, name, status, updated_by, hash_code) values ('x', ' ', 'X', 'active', 'sql', 0)",
            &[],
        )
        .await;
    assert!(bypass.is_err(), "whitespace-only email accepted by the table");

    // Pages past the first keyset page: 150 more users, listed from offset 145.
    db.batch_execute(
        "insert into public.users (id, email, name, status, updated_by, hash_code)
         select 'usr-z' || lpad(i::text, 3, '0'), 'z' || i || '@example.com', 'Z', 'active', 'sql', 0
         from generate_series(1, 150) i",
    )
    .await
    .unwrap();
    let (_, page) = send(reqwest::Method::GET, format!("{}/users?limit=10&offset=145", service.base), None).await;
    let ids: Vec<&str> = page.as_array().unwrap().iter().map(|u| u["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["usr-z145", "usr-z146", "usr-z147", "usr-z148", "usr-z149", "usr-z150"], "{page}");

    // A restart applies nothing again and finds the users where they were.
    drop(service);
    let service = start(Some(&url));
    assert!(!service.log.iter().any(|l| l.contains("applied migration")), "{:?}", service.log);
    let (status, got) = send(reqwest::Method::GET, format!("{}/users/{}", service.base, ada.id), None).await;
    assert_eq!((status, got["name"].clone()), (200, json!("Ada Lovelace")));
    let applied: i64 =
        db.query_one("select count(*) from public.apigen_migrations where app = 'user'", &[]).await.unwrap().get(0);
    assert_eq!(applied, i64::try_from(user_service::generated::migrations::MIGRATIONS.len()).unwrap());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_migration_edited_after_it_was_applied_is_refused_at_start_up() {
    let (url, db) = database("edited").await;
    drop(start(Some(&url)));
    db.execute("update public.apigen_migrations set hash_code = hash_code + 1 where version = 1", &[]).await.unwrap();
    let out =
        Command::new(env!("CARGO_BIN_EXE_user-service")).arg("127.0.0.1:0").env("DATABASE_URL", &url).output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("migration 0001 (create_users) differs"), "{stderr}");
}

#[test]
fn a_bad_database_url_is_an_error_not_a_panic() {
    let out = Command::new(env!("CARGO_BIN_EXE_user-service"))
        .arg("127.0.0.1:0")
        .env("DATABASE_URL", "postgresql://[nonsense")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("DATABASE_URL is not a PostgreSQL connection string"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
