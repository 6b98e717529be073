//! The apibuilder front end: the hand-written api.json and the compiled service.json, lowered into
//! the IR with apibuilder's derivations, plus the import resolution they share.

pub(crate) mod api_json;
pub(crate) mod common;
pub(crate) mod imports;
pub(crate) mod service_json;

pub(crate) use api_json::{Pending, PendingOwner};

use crate::frontend::PendingService;
use crate::frontend::reader::Reader;
use crate::ir::{Ir, SourceMap};
use crate::syntax::json::Node;

/// Lowers one apibuilder document, api.json or service.json. The caller has checked that `root` is
/// an object.
pub(crate) fn lower(r: Reader<'_>, ir: &mut Ir, map: &mut SourceMap, root: &Node) -> PendingService {
    let file = r.file;
    if is_service_json(root) {
        let (service, pending, summaries) = service_json::lower(r, ir, map, root);
        PendingService { service, file, pending, summaries }
    } else {
        let (service, pending) = api_json::lower(r, ir, map, root);
        PendingService { service, file, pending, summaries: Vec::new() }
    }
}

/// service.json lists named elements in arrays and records who compiled it; api.json uses maps.
fn is_service_json(root: &Node) -> bool {
    let arrays = ["models", "enums", "unions", "resources"]
        .iter()
        .any(|k| root.get(k).and_then(Node::as_array).is_some_and(|a| !a.is_empty()));
    let compiled_keys = root.get("application").is_some() && root.get("organization").is_some();
    arrays || compiled_keys
}
