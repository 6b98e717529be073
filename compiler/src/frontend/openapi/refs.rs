//! Local `$ref`s: JSON pointers into the document (`#/components/schemas/User`), with `~0`/`~1`
//! and percent-decoding, as RFC 6901 and RFC 3986 say.

use crate::syntax::json::{Node, Value};

/// The decoded tokens of a fragment pointer (`#/a~1b/c%20d` → `["a/b", "c d"]`), or `None` when
/// the reference is not a local one.
pub(crate) fn local_pointer(reference: &str) -> Option<Vec<String>> {
    let fragment = reference.strip_prefix('#')?;
    if fragment.is_empty() {
        return Some(Vec::new());
    }
    let fragment = fragment.strip_prefix('/')?;
    Some(fragment.split('/').map(|t| percent_decode(t).replace("~1", "/").replace("~0", "~")).collect())
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

/// The node a pointer names, if there is one.
pub(crate) fn resolve<'a>(root: &'a Node, tokens: &[String]) -> Option<&'a Node> {
    let mut node = root;
    for t in tokens {
        node = match &node.value {
            Value::Object(members) => &members.iter().find(|m| &m.key == t)?.value,
            Value::Array(items) => items.get(t.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(node)
}

/// The name a pointer gives a component (`#/components/schemas/User` → `("schemas", "User")`).
pub(crate) fn component(tokens: &[String]) -> Option<(&str, &str)> {
    match tokens {
        [c, kind, name] if c == "components" => Some((kind, name)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_decode_escapes_and_percent_encoding() {
        assert_eq!(local_pointer("#/components/schemas/User").unwrap(), ["components", "schemas", "User"]);
        assert_eq!(local_pointer("#/paths/~1users~1{id}/get").unwrap(), ["paths", "/users/{id}", "get"]);
        assert_eq!(local_pointer("#/a~01/b%20c").unwrap(), ["a~1", "b c"]);
        assert_eq!(local_pointer("#").unwrap(), Vec::<String>::new());
        assert!(local_pointer("other.yaml#/x").is_none());
        assert!(local_pointer("#x").is_none());
    }

    #[test]
    fn pointers_walk_objects_and_arrays() {
        let root = crate::syntax::json::parse(r#"{"a": [{"b": 1}, {"c/d": 2}]}"#).unwrap();
        let n = resolve(&root, &local_pointer("#/a/1/c~1d").unwrap()).unwrap();
        assert_eq!(n.to_serde(), serde_json::json!(2));
        assert!(resolve(&root, &local_pointer("#/a/5").unwrap()).is_none());
    }
}
