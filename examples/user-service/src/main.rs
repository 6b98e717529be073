//! Serves the example user service: `cargo run -p user-service -- 127.0.0.1:8080`.
//!
//! With `DATABASE_URL` set (a libpq connection string or a `postgresql://` URL), users live in
//! PostgreSQL: pending migrations are applied first, and a lost connection ends the process
//! with an error, for a supervisor to restart it. Without it, they live in memory.

use user_service::InMemoryUsers;
use user_service::generated::user::server;
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

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:8080".to_string());
    let database = std::env::var("DATABASE_URL").ok().filter(|v| !v.is_empty());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    let local = listener.local_addr()?;
    match database {
        Some(url) => {
            let (users, connection) = PgUsers::connect(&url).await?;
            eprintln!("user service listening on http://{local} (users in PostgreSQL)");
            let serve = axum::serve(listener, server::router(users));
            tokio::select! {
                served = serve => served?,
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
