//! The generated server really listens on loopback and the generated client really calls it:
//! every operation, typed success and error responses, values the client's spec version does not
//! know, and malformed requests answered 400/422 instead of crashing anything.

use std::net::SocketAddr;
use std::sync::Arc;

use user_service::InMemoryUsers;
use user_service::generated::user::api::*;
use user_service::generated::user::client::{Client, ClientError, Retry};
use user_service::generated::user::models::{User, UserForm, UserStatus};
use user_service::generated::user::server;

/// Serves `service` on an ephemeral loopback port until the test's runtime ends.
async fn serve<T: Users>(service: T) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, server::router(service)).await.unwrap() });
    addr
}

fn client(addr: SocketAddr) -> Client {
    Client::new(&format!("http://{addr}")).unwrap()
}

fn form(email: &str, name: &str) -> UserForm {
    UserForm { email: email.to_string(), name: name.to_string(), phone: None, status: None }
}

fn list(limit: i64) -> UsersGetRequest {
    UsersGetRequest { id: None, email: None, status: None, limit, offset: 0, sort: "-created_at".to_string() }
}

async fn json(response: reqwest::Response) -> serde_json::Value {
    let bytes = response.bytes().await.unwrap();
    serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| serde_json::Value::String(String::from_utf8_lossy(&bytes).into_owned()))
}

#[tokio::test]
async fn every_operation_round_trips_over_http() {
    let addr = serve(InMemoryUsers::default()).await;
    let users = client(addr);

    let UsersPostResponse::Created(ada) =
        users.post(UsersPostRequest { body: form("ada@example.com", "Ada") }).await.unwrap()
    else {
        panic!("expected 201");
    };
    assert_eq!(ada.status, UserStatus::Active);
    let UsersPostResponse::Created(bob) =
        users.post(UsersPostRequest { body: form("bob@example.com", "Bob") }).await.unwrap()
    else {
        panic!("expected 201");
    };

    // A declared error body, typed.
    match users.post(UsersPostRequest { body: form("ada@example.com", "Ada again") }).await.unwrap() {
        UsersPostResponse::UnprocessableEntity(errors) => assert_eq!(errors[0].code, "email_taken"),
        other => panic!("expected 422, got {other:?}"),
    }

    // Lists repeat in the query string: `?id=a&id=b`.
    let both = UsersGetRequest { id: Some(vec![ada.id.clone(), bob.id.clone()]), ..list(10) };
    let UsersGetResponse::Ok(found) = users.get(both).await.unwrap();
    assert_eq!(found.len(), 2);
    let UsersGetResponse::Ok(page) = users.get(list(1)).await.unwrap();
    assert_eq!(page.len(), 1);

    let got = users.get_by_id(UsersGetByIdRequest { id: ada.id.clone() }).await.unwrap();
    assert_eq!(got, UsersGetByIdResponse::Ok(ada.clone()));

    let renamed = UsersPutByIdRequest { id: ada.id.clone(), body: form("ada@example.com", "Ada Lovelace") };
    let UsersPutByIdResponse::Ok(updated) = users.put_by_id(renamed).await.unwrap() else { panic!("expected 200") };
    assert_eq!(updated.name, "Ada Lovelace");

    let gone = users.delete_by_id(UsersDeleteByIdRequest { id: bob.id.clone() }).await.unwrap();
    assert_eq!(gone, UsersDeleteByIdResponse::NoContent);
    let again = users.delete_by_id(UsersDeleteByIdRequest { id: bob.id }).await.unwrap();
    assert_eq!(again, UsersDeleteByIdResponse::NotFound);
    let nobody = users.get_by_id(UsersGetByIdRequest { id: "nobody".into() }).await.unwrap();
    assert_eq!(nobody, UsersGetByIdResponse::NotFound);

    // Path segments are percent-encoded: an id with a slash and a space stays one segment.
    let odd = users.get_by_id(UsersGetByIdRequest { id: "a/b c".into() }).await.unwrap();
    assert_eq!(odd, UsersGetByIdResponse::NotFound);
}

/// A server built from a newer spec version: it sends an enum value this client does not know,
/// and its POST fails inside the implementation.
#[derive(Debug, Default)]
struct NewerServer;

impl Users for NewerServer {
    type Error = std::io::Error;

    async fn get(&self, _: UsersGetRequest) -> Result<UsersGetResponse, Self::Error> {
        Ok(UsersGetResponse::Ok(vec![]))
    }
    async fn post(&self, _: UsersPostRequest) -> Result<UsersPostResponse, Self::Error> {
        Err(std::io::Error::other("the database is down"))
    }
    async fn get_by_id(&self, request: UsersGetByIdRequest) -> Result<UsersGetByIdResponse, Self::Error> {
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-22T10:00:00+01:00").unwrap();
        Ok(UsersGetByIdResponse::Ok(User {
            id: request.id,
            email: "eve@example.com".into(),
            name: "Eve".into(),
            phone: None,
            status: UserStatus::Unknown("suspended".into()),
            created_at: at,
            updated_at: at,
        }))
    }
    async fn put_by_id(&self, _: UsersPutByIdRequest) -> Result<UsersPutByIdResponse, Self::Error> {
        Ok(UsersPutByIdResponse::NotFound)
    }
    async fn delete_by_id(&self, _: UsersDeleteByIdRequest) -> Result<UsersDeleteByIdResponse, Self::Error> {
        Ok(UsersDeleteByIdResponse::NotFound)
    }
}

#[tokio::test]
async fn unknown_values_arrive_as_unknown_and_server_errors_as_500() {
    let addr = serve(NewerServer).await;
    let users = client(addr).with_retry(Retry { max_attempts: 1, ..Retry::default() });
    let UsersGetByIdResponse::Ok(user) = users.get_by_id(UsersGetByIdRequest { id: "u1".into() }).await.unwrap() else {
        panic!("expected 200");
    };
    assert_eq!(user.status, UserStatus::Unknown("suspended".into()));
    assert_eq!(user.status.as_str(), "suspended");

    // The implementation failed: 500 is not declared for POST, so the client says so, body kept.
    match users.post(UsersPostRequest { body: form("x@example.com", "X") }).await {
        Err(ClientError::UnexpectedStatus { status: 500, body }) => assert!(body.contains("internal_error"), "{body}"),
        other => panic!("expected an unexpected 500, got {other:?}"),
    }
}

#[tokio::test]
async fn malformed_requests_are_answered_400_or_422_with_a_json_error() {
    let addr = serve(InMemoryUsers::default()).await;
    let http = reqwest::Client::new();
    let url = |path: &str| format!("http://{addr}{path}");

    let bad_json = http.post(url("/users")).body("{\"email\": ").send().await.unwrap();
    assert_eq!(bad_json.status().as_u16(), 400);
    assert_eq!(json(bad_json).await["code"], "invalid_body");

    let bad_query = http.get(url("/users?limit=many")).send().await.unwrap();
    assert_eq!(bad_query.status().as_u16(), 400);
    let body = json(bad_query).await;
    assert!(body["messages"][0].as_str().unwrap().contains("limit"), "{body}");

    // Well-formed, but outside the declared bounds (a name is 1 to 200 characters).
    let too_short = http.post(url("/users")).body(r#"{"email": "a@b.co", "name": ""}"#).send().await.unwrap();
    assert_eq!(too_short.status().as_u16(), 422);

    let too_big = http.post(url("/users")).body(vec![b' '; server::BODY_LIMIT + 1]).send().await.unwrap();
    assert_eq!(too_big.status().as_u16(), 413);

    let health = http.get(url("/_internal_/healthcheck")).send().await.unwrap();
    assert_eq!(json(health).await["status"], "healthy");
}

/// Calling code takes `impl Users`: an implementation in the same process, or the HTTP client.
#[tokio::test]
async fn calling_code_works_in_process_and_over_http() {
    async fn count_users(users: &impl Users) -> usize {
        match users.get(list(100)).await {
            Ok(UsersGetResponse::Ok(all)) => all.len(),
            Err(_) => usize::MAX,
        }
    }
    let store = Arc::new(InMemoryUsers::default());
    store.post(UsersPostRequest { body: form("in@process.io", "In Process") }).await.unwrap();
    assert_eq!(count_users(&store).await, 1);
    let addr = serve(Arc::clone(&store)).await;
    assert_eq!(count_users(&client(addr)).await, 1);
}

#[tokio::test]
async fn idempotent_calls_are_retried_and_posts_are_not() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    // An overloaded server: every request is answered 503 and counted.
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&hits);
    let app = axum::Router::new().fallback(move || {
        let counter = Arc::clone(&counter);
        async move {
            counter.fetch_add(1, Ordering::SeqCst);
            axum::http::StatusCode::SERVICE_UNAVAILABLE
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let retry = Retry { max_attempts: 3, initial_backoff: std::time::Duration::from_millis(1), ..Retry::default() };
    let users = client(addr).with_retry(retry.clone());
    assert!(matches!(users.get(list(1)).await, Err(ClientError::UnexpectedStatus { status: 503, .. })));
    assert_eq!(hits.load(Ordering::SeqCst), 3, "GET is idempotent: three attempts");
    assert!(matches!(
        users.post(UsersPostRequest { body: form("a@b.co", "A") }).await,
        Err(ClientError::UnexpectedStatus { status: 503, .. })
    ));
    assert_eq!(hits.load(Ordering::SeqCst), 4, "POST is not retried by default");
    let eager = client(addr).with_retry(Retry { retry_non_idempotent: true, ..retry });
    let _ = eager.post(UsersPostRequest { body: form("a@b.co", "A") }).await;
    assert_eq!(hits.load(Ordering::SeqCst), 7, "unless asked to");

    // Nothing listening at all: a transport error, after the same bounded retries.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap();
    let started = std::time::Instant::now();
    let gone = client(closed).with_retry(Retry {
        max_attempts: 3,
        initial_backoff: std::time::Duration::from_millis(1),
        ..Retry::default()
    });
    assert!(matches!(gone.get(list(1)).await, Err(ClientError::Transport(_))));
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}
