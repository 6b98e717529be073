//! A second service calls the first with its own generated client: the notification service's
//! copy of the user client talks to the real user server on loopback.

use notification_service::generated::user::api::{
    Users as _, UsersGetByIdRequest, UsersGetByIdResponse, UsersPostRequest, UsersPostResponse,
};
use notification_service::generated::user::client::Client;
use notification_service::generated::user::models::UserForm;

#[tokio::test]
async fn the_notification_service_reads_users_through_its_generated_client() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = user_service::generated::user::server::router(user_service::InMemoryUsers::default());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let users = Client::new(&format!("http://{addr}")).unwrap();
    let form = UserForm { email: "grace@example.com".into(), name: "Grace".into(), phone: None, status: None };
    let UsersPostResponse::Created(grace) = users.post(UsersPostRequest { body: form }).await.unwrap() else {
        panic!("expected 201");
    };
    match users.get_by_id(UsersGetByIdRequest { id: grace.id.clone() }).await.unwrap() {
        UsersGetByIdResponse::Ok(found) => assert_eq!(found.name, "Grace"),
        other => panic!("expected 200, got {other:?}"),
    }
}
