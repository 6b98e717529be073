//! Unions on the wire: a notification's `user` is an `expandable_user` union. Served by the
//! generated mock through the generated router and read by the generated client, a known member
//! arrives typed and a member from a newer spec arrives as `Unknown`, unchanged.

use notification_service::generated::notification::api::{
    Notifications as _, NotificationsGetByIdRequest, NotificationsGetByIdResponse,
};
use notification_service::generated::notification::client::Client;
use notification_service::generated::notification::mock::Mock;
use notification_service::generated::notification::models::{Channel, Notification, NotificationStatus};
use notification_service::generated::notification::server;
use notification_service::generated::user::models::{ExpandableUser, UserReference};

fn notification(id: &str, user: ExpandableUser) -> Notification {
    Notification {
        id: id.to_string(),
        user,
        channel: Channel::InApp,
        destination: "device-1".into(),
        subject: None,
        body: "hello".into(),
        status: NotificationStatus::Sent,
        created_at: chrono::DateTime::parse_from_rfc3339("2026-11-22T09:30:00Z").unwrap(),
        sent_at: None,
    }
}

#[tokio::test]
async fn known_and_unknown_union_members_cross_the_wire() {
    let newer_member = serde_json::json!({ "discriminator": "user_summary", "id": "usr-1", "name": "Ada" });
    let unknown = newer_member.clone();
    let mock = Mock::new().on_notifications_get_by_id(move |request| {
        let user = if request.id == "n-known" {
            ExpandableUser::UserReference(UserReference { id: "usr-1".into() })
        } else {
            ExpandableUser::Unknown(unknown.clone())
        };
        NotificationsGetByIdResponse::Ok(notification(&request.id, user))
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, server::router(mock)).await.unwrap() });
    let client = Client::new(&format!("http://{addr}")).unwrap();

    let known = client.get_by_id(NotificationsGetByIdRequest { id: "n-known".into(), expand: None }).await.unwrap();
    let NotificationsGetByIdResponse::Ok(n) = known else { panic!("expected 200") };
    assert_eq!(n.user, ExpandableUser::UserReference(UserReference { id: "usr-1".into() }));
    assert_eq!(n.channel, Channel::InApp);

    let newer = client.get_by_id(NotificationsGetByIdRequest { id: "n-newer".into(), expand: None }).await.unwrap();
    let NotificationsGetByIdResponse::Ok(n) = newer else { panic!("expected 200") };
    assert_eq!(n.user, ExpandableUser::Unknown(newer_member.clone()));
    // And it serializes back exactly as it came.
    assert_eq!(serde_json::to_value(&n.user).unwrap(), newer_member);
    // The discriminator and the enum's wire value are on the wire as the spec says.
    let wire = serde_json::to_value(notification("n", ExpandableUser::UserReference(UserReference { id: "u".into() })))
        .unwrap();
    assert_eq!(wire["user"], serde_json::json!({ "discriminator": "user_reference", "id": "u" }));
    assert_eq!(wire["channel"], "in-app");
}
