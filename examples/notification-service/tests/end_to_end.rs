//! Both services as processes, on real PostgreSQL databases of their own and a real nats-server:
//! 10,000 users created, half of them renamed and a quarter deleted through the user service's
//! API, while
//!
//! - the user service (and with it the relay of its journal) is killed with SIGKILL and started
//!   again, once while it relays a backlog the broker's absence left;
//! - nats-server is killed and started again on the same store;
//! - the notification service (the consumer) is killed with SIGKILL while it works through a
//!   backlog, twice;
//! - one attempt in ten to apply an event fails: a trigger this test puts on the copy's table
//!   raises on every tenth statement (a sequence counts them, and sequences ignore rollbacks).
//!
//! The copy ends equal to the user service's table, and each event was applied exactly once:
//! a statement trigger counts every write the handler makes to the copy, in the handler's own
//! transaction, so a second application would count twice (an upsert of unchanged data included).
//!
//! The user service's binary is taken from the target directory: `cargo test --workspace`
//! (scripts/test) builds it, as the user service's own tests need it.

#[path = "../../../runtime/tests/support/mod.rs"]
mod support;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use user_service::generated::user::api::{
    Users as _, UsersDeleteByIdRequest, UsersDeleteByIdResponse, UsersPostRequest, UsersPostResponse,
    UsersPutByIdRequest, UsersPutByIdResponse,
};
use user_service::generated::user::client::Client;
use user_service::generated::user::models::UserForm;

const USERS: usize = 10_000;
/// Requests in flight at once.
const CONCURRENCY: usize = 16;

/// A service's process, killed (SIGKILL) when dropped.
struct Process {
    child: Child,
    name: &'static str,
}

impl Process {
    fn kill(self) {
        drop(self);
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `binary` on `addr` and waits for the line that says it listens.
fn start(binary: &PathBuf, name: &'static str, addr: &str, env: &[(&str, String)]) -> Process {
    for _ in 0..50 {
        let mut command = Command::new(binary);
        command.arg(addr).envs(env.iter().map(|(k, v)| (k, v.as_str())));
        let child = command.stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("start a service");
        let mut process = Process { child, name };
        let mut stderr = BufReader::new(process.child.stderr.take().unwrap());
        let mut said = String::new();
        loop {
            let mut line = String::new();
            if stderr.read_line(&mut line).unwrap_or(0) == 0 {
                break;
            }
            if line.contains("listening on") {
                std::thread::spawn(move || {
                    for line in stderr.lines().map_while(Result::ok) {
                        if line.starts_with("error") {
                            eprintln!("{name}: {line}");
                        }
                    }
                });
                return process;
            }
            said.push_str(&line);
        }
        // The port of a process just killed can take a moment to be free again.
        if !said.contains("Address already in use") {
            panic!("{} ended before listening: {said}", process.name);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("{name} could not listen on {addr}");
}

fn free_addr() -> String {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().to_string()
}

/// The user service's binary, beside this test's in the target directory.
fn user_service_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let binary = exe.parent().and_then(|deps| deps.parent()).unwrap().join("user-service");
    assert!(
        binary.is_file(),
        "{} is missing: run `cargo test --workspace` (scripts/test), or `cargo build -p user-service` first",
        binary.display()
    );
    binary
}

/// Calls `f` for every item, `CONCURRENCY` at a time; each call retries while the service is
/// away (it is restarted between rounds, not during one, so a retry is rare).
async fn each<T, F, Fut>(items: Vec<T>, f: F)
where
    T: Send + 'static,
    F: Fn(T) -> Fut + Send + Sync + Clone + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let mut queues: Vec<Vec<T>> = (0..CONCURRENCY).map(|_| Vec::new()).collect();
    for (i, item) in items.into_iter().enumerate() {
        queues[i % CONCURRENCY].push(item);
    }
    let mut tasks = tokio::task::JoinSet::new();
    for queue in queues {
        let f = f.clone();
        tasks.spawn(async move {
            for item in queue {
                f(item).await;
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
}

fn form(i: usize, name: &str) -> UserForm {
    UserForm { email: format!("u{i}@example.com"), name: name.to_string(), phone: None, status: None }
}

async fn rows(db: &tokio_postgres::Client) -> Vec<(String, String, String, String)> {
    db.query("select id, email, name, status from public.users order by id", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect()
}

async fn count(db: &tokio_postgres::Client, sql: &str) -> i64 {
    db.query_one(sql, &[]).await.unwrap().get(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn ten_thousand_users_copied_exactly_once_through_killed_services_broker_and_failing_handlers() {
    let user_binary = user_service_binary();
    let copy_binary = PathBuf::from(env!("CARGO_BIN_EXE_notification-service"));
    let mut nats = support::Nats::start("end_to_end");
    let (user_config, copy_config) =
        (support::empty_database("e2e_user").await, support::empty_database("e2e_copy").await);
    let (user_db, mut copy_db) = (support::connect(&user_config).await, support::connect(&copy_config).await);

    // The copy's database as the service makes it, then the test's counter of effects and its
    // failures on purpose.
    let app = notification_service::generated::migrations::APP;
    apigen_runtime::dao::migrate(&mut copy_db, app, notification_service::generated::migrations::MIGRATIONS)
        .await
        .unwrap();
    copy_db
        .batch_execute(
            "create table applied (n bigserial primary key);
             create sequence attempts;
             create function fail_one_in_ten() returns trigger language plpgsql as $$
             begin
               if nextval('attempts') % 10 = 0 then
                 raise exception 'a failure on purpose';
               end if;
               return null;
             end $$;
             create function count_effect() returns trigger language plpgsql as $$
             begin
               insert into applied default values;
               return null;
             end $$;
             create trigger users_fail before insert or delete on public.users
               for each statement execute function fail_one_in_ten();
             create trigger users_effect after insert or delete on public.users
               for each statement execute function count_effect();",
        )
        .await
        .unwrap();

    let (user_addr, copy_addr) = (free_addr(), free_addr());
    let user_env = [("DATABASE_URL", support::url(&user_config)), ("NATS_URL", nats.url())];
    let copy_env = [
        ("DATABASE_URL", support::url(&copy_config)),
        ("NATS_URL", nats.url()),
        ("USER_SERVICE_URL", format!("http://{user_addr}")),
        ("NATS_ACK_WAIT", "2".to_string()),
    ];
    let mut users = start(&user_binary, "user-service", &user_addr, &user_env);
    let mut copy = start(&copy_binary, "notification-service", &copy_addr, &copy_env);
    let api = Client::new(&format!("http://{user_addr}")).unwrap();
    let started = Instant::now();

    // Created in rounds, with something killed between them.
    let mut ids: Vec<String> = Vec::with_capacity(USERS);
    let rounds = 10;
    for round in 0..rounds {
        let batch: Vec<usize> = (round * USERS / rounds..(round + 1) * USERS / rounds).collect();
        let created = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let (api2, created2) = (api.clone(), created.clone());
        each(batch, move |i| {
            let (api, created) = (api2.clone(), created2.clone());
            async move {
                let response = api.post(UsersPostRequest { body: form(i, &format!("User {i}")) }).await;
                let Ok(UsersPostResponse::Created(u)) = response else { panic!("create {i}: {response:?}") };
                created.lock().unwrap().push((i, u.id));
            }
        })
        .await;
        let mut created = std::mem::take(&mut *created.lock().unwrap());
        created.sort();
        ids.extend(created.into_iter().map(|(_, id)| id));
        match round {
            // The relay cannot publish while the broker is away: a backlog builds up.
            2 => nats.kill(),
            3 => {
                nats.restart();
                // The relay, busy with that backlog, is killed; the new process resends what
                // was not marked sent (JetStream drops the duplicates by event id).
                tokio::time::sleep(Duration::from_millis(300)).await;
                users.kill();
                users = start(&user_binary, "user-service", &user_addr, &user_env);
            }
            // The consumer, behind by thousands of events, is killed mid-batch.
            5 | 8 => {
                copy.kill();
                copy = start(&copy_binary, "notification-service", &copy_addr, &copy_env);
            }
            _ => {}
        }
    }
    eprintln!("{USERS} users created in {:.1?}", started.elapsed());

    let renamed: Vec<(usize, String)> = ids.iter().cloned().enumerate().take(USERS / 2).collect();
    let api2 = api.clone();
    each(renamed, move |(i, id)| {
        let api = api2.clone();
        async move {
            let response = api.put_by_id(UsersPutByIdRequest { id, body: form(i, &format!("Renamed {i}")) }).await;
            assert!(matches!(response, Ok(UsersPutByIdResponse::Ok(_))), "rename {i}: {response:?}");
        }
    })
    .await;
    users.kill();
    users = start(&user_binary, "user-service", &user_addr, &user_env);
    let deleted: Vec<String> = ids.iter().skip(USERS / 2).take(USERS / 4).cloned().collect();
    let api2 = api.clone();
    each(deleted, move |id| {
        let api = api2.clone();
        async move {
            let response = api.delete_by_id(UsersDeleteByIdRequest { id: id.clone() }).await;
            assert!(matches!(response, Ok(UsersDeleteByIdResponse::NoContent)), "delete {id}: {response:?}");
        }
    })
    .await;
    copy.kill();
    copy = start(&copy_binary, "notification-service", &copy_addr, &copy_env);
    eprintln!("every change made through the API in {:.1?}", started.elapsed());

    let events = count(&user_db, "select count(*) from journal.users").await;
    assert_eq!(events, (USERS + USERS / 2 + USERS / 4) as i64, "one journal row per change");
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        let processed = count(&copy_db, "select count(*) from events.processed_events").await;
        if processed == events {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "after 10 minutes {processed} of {events} events were processed ({:?} since the start)",
            started.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    eprintln!("every event applied {:.1?} after the start", started.elapsed());

    assert_eq!(rows(&copy_db).await, rows(&user_db).await, "the copy differs from the user service's table");
    let applied = count(&copy_db, "select count(*) from applied").await;
    assert_eq!(applied, events, "each event applied exactly once");
    let failed_on_purpose = count(&copy_db, "select last_value / 10 from attempts").await;
    assert!(failed_on_purpose >= events / 10, "the handler failed {failed_on_purpose} times, not one in ten");
    let failed = count(&copy_db, "select count(*) from events.failed_events").await;
    assert_eq!(failed, 0, "no event gave up: a failure is retried");
    let unsent = count(&user_db, "select count(*) from journal.users where journal_sent_at is null").await;
    assert_eq!(unsent, 0, "the relay marked every journal row sent");
    drop((users, copy));
}
