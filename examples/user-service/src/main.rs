//! Serves the example user service: `cargo run -p user-service -- 127.0.0.1:8080`.

use user_service::InMemoryUsers;
use user_service::generated::user::server;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:8080".to_string());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    eprintln!("user service listening on http://{}", listener.local_addr()?);
    axum::serve(listener, server::router(InMemoryUsers::default())).await?;
    Ok(())
}
