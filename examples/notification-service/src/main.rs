//! Serves the example notification service: `notification-service 127.0.0.1:8081`, with
//!
//! - `DATABASE_URL`: its own PostgreSQL database (a libpq connection string or a `postgresql://`
//!   URL). Pending migrations are applied first.
//! - `NATS_URL`: where NATS JetStream is (`nats://127.0.0.1:4222`). The service consumes the user
//!   service's `user_event` stream as the durable consumer `notification` into its own table
//!   `users`: each event once in effect, in order (see `apigen_runtime::events::Consumer`).
//! - `USER_SERVICE_URL`: the user service, for what the copy does not hold.
//! - `NATS_ACK_WAIT` (optional, seconds, default 30): how long an event the consumer took but did
//!   not acknowledge (it died) waits before it comes again. Set when the durable consumer is
//!   created.
//!
//! A lost database connection or a consumer that stops ends the process with an error, for a
//! supervisor to restart it; the consumer then goes on where it was acknowledged.

use apigen_runtime::events::{Consumer, JetStream};
use notification_service::generated::migrations::{APP, MIGRATIONS};
use notification_service::generated::notification::server;
use notification_service::generated::user::client::Client as UserClient;
use notification_service::generated::user::events::consume_user_event;
use notification_service::notifications::PgNotifications;
use notification_service::users::UserCopy;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn required(name: &str) -> Result<String, String> {
    std::env::var(name).ok().filter(|v| !v.is_empty()).ok_or_else(|| format!("{name} is not set"))
}

type Driver = tokio::task::JoinHandle<Result<(), tokio_postgres::Error>>;

async fn connect(config: &tokio_postgres::Config) -> Result<(tokio_postgres::Client, Driver), String> {
    let (client, connection) = config.connect(tokio_postgres::NoTls).await.map_err(|e| {
        // tokio-postgres keeps the reason (refused, no such socket, bad password) in the source.
        let why = std::error::Error::source(&e).map_or(String::new(), |s| format!(": {s}"));
        format!("cannot connect to PostgreSQL: {e}{why}")
    })?;
    Ok((client, tokio::spawn(connection)))
}

fn lost(ended: Result<Result<(), tokio_postgres::Error>, tokio::task::JoinError>) -> String {
    let reason = match ended {
        Ok(Ok(())) => "it was closed".to_string(),
        Ok(Err(e)) => e.to_string(),
        Err(e) => e.to_string(),
    };
    format!("lost the connection to PostgreSQL: {reason}")
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:8081".to_string());
    let (database, nats, user_service) =
        (required("DATABASE_URL")?, required("NATS_URL")?, required("USER_SERVICE_URL")?);
    let config: tokio_postgres::Config =
        database.parse().map_err(|e| format!("DATABASE_URL is not a PostgreSQL connection string or URL: {e}"))?;
    let users = UserClient::new(&user_service).map_err(|e| format!("USER_SERVICE_URL: {e}"))?;
    let listener = tokio::net::TcpListener::bind(&addr).await.map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let local = listener.local_addr()?;

    let (mut api_db, api_driver) = connect(&config).await?;
    let migrated = apigen_runtime::dao::migrate(&mut api_db, APP, MIGRATIONS).await?;
    for v in &migrated.applied {
        eprintln!("notification service: applied migration {v:04}");
    }
    // The consumer holds a transaction per event: its own connection.
    let (mut consumer_db, consumer_driver) = connect(&config).await?;
    let ack_wait = match std::env::var("NATS_ACK_WAIT").ok().filter(|v| !v.is_empty()) {
        Some(v) => v.parse::<u64>().map_err(|_| format!("NATS_ACK_WAIT is not a number of seconds: {v}"))?,
        None => 30,
    };
    let transport = JetStream::connect(&nats)
        .await
        .map_err(|e| format!("cannot connect to NATS at {nats}: {e}"))?
        .with_ack_wait(std::time::Duration::from_secs(ack_wait));
    let consumer = Consumer::new("notification");
    let consume = consume_user_event(&mut consumer_db, &transport, &consumer, UserCopy, std::future::pending());

    // The NATS client keeps trying a broker that is not up yet, silently: say so up front.
    eprintln!(
        "notification service listening on http://{local}, consuming user_event from {nats} (waiting while it is unreachable)"
    );
    let serve = axum::serve(listener, server::router(PgNotifications::new(api_db, users)));
    tokio::select! {
        served = serve => served?,
        consumed = consume => {
            let why = consumed.err().map_or("it ended".to_string(), |e| e.to_string());
            return Err(format!("the user_event consumer stopped: {why}").into());
        }
        ended = api_driver => return Err(lost(ended).into()),
        ended = consumer_driver => return Err(lost(ended).into()),
    }
    Ok(())
}
