//! What generated axum servers share: JSON responses, the one error body the server itself
//! answers with, the healthcheck, and the query string and headers as name/value pairs.

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The JSON body of every error the server itself answers: `{"code": "...", "messages": [...]}`.
#[derive(Debug, serde::Serialize)]
struct ErrorBody<'a> {
    code: &'a str,
    messages: Vec<String>,
}

/// An error the server answers itself (a request that does not parse, a body out of bounds).
pub fn error(status: u16, code: &str, messages: Vec<String>) -> Response {
    json(status, &ErrorBody { code, messages })
}

/// `body` as JSON with this status; a body that cannot be serialized is a 500.
pub fn json<B: serde::Serialize>(status: u16, body: &B) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    match serde_json::to_vec(body) {
        Ok(bytes) => (status, [(header::CONTENT_TYPE, "application/json")], bytes).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// A response without a body.
pub fn empty(status: u16) -> Response {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR).into_response()
}

/// `GET /_internal_/healthcheck`, for services whose spec does not declare it.
pub async fn healthcheck() -> Response {
    json(200, &serde_json::json!({ "status": "healthy" }))
}

/// The query string's name/value pairs, decoded.
pub fn query_pairs(query: Option<&str>) -> Result<Vec<(String, String)>, String> {
    serde_urlencoded::from_str(query.unwrap_or("")).map_err(|e| format!("query string: {e}"))
}

/// The headers' name/value pairs (names lower-cased, as HTTP/1 and axum give them); values that
/// are not visible ASCII are left out.
pub fn header_pairs(headers: &HeaderMap) -> Vec<(String, String)> {
    headers.iter().filter_map(|(k, v)| v.to_str().ok().map(|v| (k.as_str().to_string(), v.to_string()))).collect()
}
