//! An untagged union crosses the wire between the generated server and client, and raw HTTP sees
//! each member's own JSON: no tag, no wrapper. A value that fits no member arrives as `Unknown`
//! and is stored and returned unchanged.

use std::net::SocketAddr;

use shapes::InMemoryDrawings;
use shapes::Square;
use shapes::generated::shapes::api::*;
use shapes::generated::shapes::client::Client;
use shapes::generated::shapes::models::{Circle, Drawing, Shape};
use shapes::generated::shapes::server;

async fn serve() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, server::router(InMemoryDrawings::default())).await.unwrap() });
    addr
}

#[tokio::test]
async fn untagged_members_round_trip_through_the_generated_client() {
    let addr = serve().await;
    let client = Client::new(&format!("http://{addr}")).unwrap();
    let drawing = Drawing {
        id: "d1".into(),
        shapes: vec![
            Shape::Circle(Circle { radius: 1.5 }),
            Shape::Square(Square { side: 2.0 }),
            Shape::String("triangle".into()),
            Shape::Unknown(serde_json::json!({"sides": 5})),
        ],
    };
    // `201` is the only response `POST /drawings` declares.
    let DrawingsPostResponse::Created(created) =
        client.post(DrawingsPostRequest { body: drawing.clone() }).await.unwrap();
    assert_eq!(created, drawing);
    let DrawingsGetByIdResponse::Ok(read) = client.get_by_id(DrawingsGetByIdRequest { id: "d1".into() }).await.unwrap()
    else {
        panic!("expected 200");
    };
    assert_eq!(read, drawing);
    assert_eq!(
        client.get_by_id(DrawingsGetByIdRequest { id: "nope".into() }).await.unwrap(),
        DrawingsGetByIdResponse::NotFound
    );
}

#[tokio::test]
async fn raw_http_sees_each_members_own_json() {
    let addr = serve().await;
    let http = reqwest::Client::new();
    let sent = serde_json::json!({
        "id": "d2",
        "shapes": [{"radius": 3.0}, {"side": 4.0}, "hexagon", {"sides": 6}, 7]
    });
    let response = http
        .post(format!("http://{addr}/drawings"))
        .header("content-type", "application/json")
        .body(sent.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let body: serde_json::Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    // Exactly what was sent: members untagged, unknown ones kept as they were.
    assert_eq!(body, sent);
    let drawing: Drawing = serde_json::from_value(sent).unwrap();
    assert_eq!(drawing.shapes[0], Shape::Circle(Circle { radius: 3.0 }));
    assert_eq!(drawing.shapes[1], Shape::Square(Square { side: 4.0 }));
    // The generated models derive what the app's settings add.
    assert_eq!(Circle::default(), Circle { radius: 0.0 });
    assert_eq!(drawing.shapes[2], Shape::String("hexagon".into()));
    assert_eq!(drawing.shapes[3], Shape::Unknown(serde_json::json!({"sides": 6})));
    assert_eq!(drawing.shapes[4], Shape::Unknown(serde_json::json!(7)));
}
