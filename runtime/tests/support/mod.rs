//! What the event tests and the event benchmark share: a nats-server of their own, and a
//! database with a journaled table as the DAO's migrations make one.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio_postgres::{Client, NoTls};

/// The nats-server binary: `NATS_SERVER`, else the one on PATH, else Debian's (in /usr/sbin,
/// which a user's PATH may lack).
fn nats_server() -> PathBuf {
    if let Some(p) = std::env::var_os("NATS_SERVER") {
        return PathBuf::from(p);
    }
    let on_path = std::env::var_os("PATH")
        .and_then(|path| std::env::split_paths(&path).map(|d| d.join("nats-server")).find(|p| p.is_file()));
    on_path.unwrap_or_else(|| PathBuf::from("/usr/sbin/nats-server"))
}

/// A nats-server with JetStream on a private port and store; killed when dropped.
pub struct Nats {
    child: Option<Child>,
    port: u16,
    store: PathBuf,
}

impl Nats {
    pub fn start(test: &str) -> Nats {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let store = std::env::temp_dir().join(format!("nats-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&store);
        let mut nats = Nats { child: None, port, store };
        nats.restart();
        nats
    }

    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// Starts the server (again, on the same port and store) and waits until it accepts.
    pub fn restart(&mut self) {
        let child = Command::new(nats_server())
            .args(["-js", "-a", "127.0.0.1", "-p", &self.port.to_string(), "-sd"])
            .arg(&self.store)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("nats-server is needed (scripts/test installs it): {e}"));
        self.child = Some(child);
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        panic!("nats-server did not start on port {}", self.port);
    }

    /// SIGKILL: no clean shutdown.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for Nats {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.store);
    }
}

pub async fn connect(config: &tokio_postgres::Config) -> Client {
    let (client, connection) = config.connect(NoTls).await.expect("connect to PostgreSQL");
    tokio::spawn(async move {
        let _ = connection.await;
    });
    client
}

/// A fresh, empty database, named after the test.
pub async fn empty_database(test: &str) -> tokio_postgres::Config {
    static N: AtomicUsize = AtomicUsize::new(0);
    let base = apigen_runtime::dao::config_from_env().unwrap_or_else(|e| {
        panic!("PostgreSQL is needed: run the tests with scripts/test, which starts a throwaway cluster ({e})")
    });
    let name = format!("apigen_{test}_{}_{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed));
    let admin = connect(&base).await;
    admin.batch_execute(&format!("drop database if exists {name}")).await.unwrap();
    admin.batch_execute(&format!("create database {name}")).await.unwrap();
    let mut config = base;
    config.dbname(&name);
    config
}

/// A fresh database with a journaled table as the DAO's migrations make one (`journal.items`).
pub async fn database(test: &str) -> (tokio_postgres::Config, Client) {
    let config = empty_database(test).await;
    let db = connect(&config).await;
    db.batch_execute(
        "create table items (id text primary key, name text not null);
         create schema journal;
         create table journal.items (
           journal_id bigserial primary key,
           journal_timestamp timestamptz not null default now(),
           journal_operation text not null,
           journal_sent_at timestamptz,
           id text, name text);
         create function journal.items_record() returns trigger language plpgsql as $$
         begin
           if tg_op = 'DELETE' then
             insert into journal.items (journal_operation, id, name) values (tg_op, old.id, old.name);
             return old;
           end if;
           insert into journal.items (journal_operation, id, name) values (tg_op, new.id, new.name);
           return new;
         end $$;
         create trigger items_journal after insert or update or delete on items
           for each row execute function journal.items_record();
         create table effects (event_id text not null, item text not null, latency_ms double precision);",
    )
    .await
    .unwrap();
    (config, db)
}

/// A libpq connection string for `config`, as a service's `DATABASE_URL` takes it.
pub fn url(config: &tokio_postgres::Config) -> String {
    let quote = |v: &str| format!("'{}'", v.replace('\\', "\\\\").replace('\'', "\\'"));
    let mut parts = Vec::new();
    match config.get_hosts().first() {
        Some(tokio_postgres::config::Host::Tcp(h)) => parts.push(format!("host={}", quote(h))),
        Some(tokio_postgres::config::Host::Unix(p)) => parts.push(format!("host={}", quote(&p.display().to_string()))),
        None => {}
    }
    if let Some(port) = config.get_ports().first() {
        parts.push(format!("port={port}"));
    }
    if let Some(user) = config.get_user() {
        parts.push(format!("user={}", quote(user)));
    }
    if let Some(p) = config.get_password() {
        parts.push(format!("password={}", quote(&String::from_utf8_lossy(p))));
    }
    if let Some(db) = config.get_dbname() {
        parts.push(format!("dbname={}", quote(db)));
    }
    parts.join(" ")
}
