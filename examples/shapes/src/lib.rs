//! An untagged union over HTTP. apibuilder specs have no untagged unions; OpenAPI's `oneOf`
//! without a discriminator lowers to one. Until the OpenAPI front end lands, `tests/fresh.rs`
//! compiles `spec/shapes.json`, makes its union untagged in the IR and writes `src/generated/`
//! (committed, and checked fresh); the hand-written part is this in-memory store.

#[rustfmt::skip]
pub mod generated;

use std::collections::BTreeMap;
use std::sync::Mutex;

use generated::shapes::api::{
    Drawings, DrawingsGetByIdRequest, DrawingsGetByIdResponse, DrawingsPostRequest, DrawingsPostResponse,
};
use generated::shapes::models::Drawing;

/// The spec's `square`, written by hand: the app's settings replace the generated one with it
/// (`replace = { square = "crate::Square" }`), and every generated module uses this type.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Square {
    pub side: f64,
}

impl Square {
    pub fn area(&self) -> f64 {
        self.side * self.side
    }
}

/// Drawings kept in memory by id.
#[derive(Debug, Default)]
pub struct InMemoryDrawings {
    drawings: Mutex<BTreeMap<String, Drawing>>,
}

/// A poisoned lock is the in-memory store's only error.
#[derive(Debug, thiserror::Error)]
#[error("the drawing store is unavailable: a thread panicked while holding its lock")]
pub struct StoreError;

impl Drawings for InMemoryDrawings {
    type Error = StoreError;

    async fn post(&self, request: DrawingsPostRequest) -> Result<DrawingsPostResponse, StoreError> {
        let mut drawings = self.drawings.lock().map_err(|_| StoreError)?;
        drawings.insert(request.body.id.clone(), request.body.clone());
        Ok(DrawingsPostResponse::Created(request.body))
    }

    async fn get_by_id(&self, request: DrawingsGetByIdRequest) -> Result<DrawingsGetByIdResponse, StoreError> {
        let drawings = self.drawings.lock().map_err(|_| StoreError)?;
        Ok(match drawings.get(&request.id) {
            Some(d) => DrawingsGetByIdResponse::Ok(d.clone()),
            None => DrawingsGetByIdResponse::NotFound,
        })
    }
}
