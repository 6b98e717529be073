//! Serves the example user service: `cargo run -p user-service -- 127.0.0.1:8080`.
//!
//! With `DATABASE_URL` set (a libpq connection string or a `postgresql://` URL), users live in
//! PostgreSQL: pending migrations are applied first, and a lost connection ends the process
//! with an error, for a supervisor to restart it. Without it, they live in memory. With
//! `NATS_URL` too (`nats://127.0.0.1:4222`), the service relays its journal to the `user_event`
//! stream on NATS JetStream: every change of a user, once, in order.

use user_service::InMemoryUsers;
use user_service::generated::user::{events, server};
use user_service::postgres::PgUsers;

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

/// The relay of the users' journal to `user_event`, when `NATS_URL` says where NATS is; else a
/// future that never ends.
async fn relay(database_url: &str) -> Result<(), Box<dyn std::error::Error>> {
    let Some(nats) = std::env::var("NATS_URL").ok().filter(|v| !v.is_empty()) else {
        return std::future::pending().await;
    };
    let config: tokio_postgres::Config = database_url.parse()?;
    let (mut client, connection) = config.connect(tokio_postgres::NoTls).await?;
    tokio::spawn(connection);
    let transport = apigen_runtime::events::JetStream::connect(&nats).await?;
    eprintln!("user service relaying journal.users to user_event on {nats}");
    events::run_user_event_relay(&mut client, &transport, std::future::pending()).await?;
    Ok(())
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:8080".to_string());
    let database = std::env::var("DATABASE_URL").ok().filter(|v| !v.is_empty());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    let local = listener.local_addr()?;
    match database {
        Some(url) => {
            let (users, connection) = PgUsers::connect(&url).await?;
            let relay = relay(&url);
            eprintln!("user service listening on http://{local} (users in PostgreSQL)");
            let serve = axum::serve(listener, server::router(users));
            tokio::select! {
                served = serve => served?,
                relayed = relay => {
                    let why = relayed.err().map_or("it ended".to_string(), |e| e.to_string());
                    return Err(format!("the event relay stopped: {why}").into());
                }
                ended = connection => {
                    let reason = match ended {
                        Ok(Ok(())) => "it was closed".to_string(),
                        Ok(Err(e)) => e.to_string(),
                        Err(e) => e.to_string(),
                    };
                    return Err(format!("lost the connection to PostgreSQL: {reason}").into());
                }
            }
        }
        None => {
            eprintln!("user service listening on http://{local} (users in memory)");
            axum::serve(listener, server::router(InMemoryUsers::default())).await?;
        }
    }
    Ok(())
}
