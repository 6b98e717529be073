//! The wire encodings of unions. A discriminated union adds `"<discriminator>": "<tag>"` to an
//! object member, and wraps any other member as `{"<discriminator>": "<tag>", "value": …}`;
//! apibuilder's unions without a discriminator wrap every member as `{"<type>": …}`; untagged
//! unions (OpenAPI `oneOf` without a discriminator) are the member's own JSON.

use serde::{Serialize, Serializer, de::DeserializeOwned};
use serde_json::{Map, Value};

/// Serializes an object member with the discriminator field added.
pub fn tagged<S: Serializer, T: Serialize>(
    serializer: S,
    discriminator: &str,
    tag: &str,
    value: &T,
) -> Result<S::Ok, S::Error> {
    let mut json = serde_json::to_value(value).map_err(<S::Error as serde::ser::Error>::custom)?;
    if let Value::Object(map) = &mut json {
        map.insert(discriminator.to_string(), Value::String(tag.to_string()));
    }
    json.serialize(serializer)
}

/// Serializes a member that is not an object as `{"<discriminator>": tag, "value": ...}`.
pub fn tagged_value<S: Serializer, T: Serialize>(
    serializer: S,
    discriminator: &str,
    tag: &str,
    value: &T,
) -> Result<S::Ok, S::Error> {
    let value = serde_json::to_value(value).map_err(<S::Error as serde::ser::Error>::custom)?;
    let mut map = Map::new();
    map.insert(discriminator.to_string(), Value::String(tag.to_string()));
    map.insert("value".to_string(), value);
    map.serialize(serializer)
}

/// Serializes a member of a union without discriminator as `{"<type>": value}`.
pub fn wrapped<S: Serializer, T: Serialize>(serializer: S, tag: &str, value: &T) -> Result<S::Ok, S::Error> {
    let value = serde_json::to_value(value).map_err(<S::Error as serde::ser::Error>::custom)?;
    let mut map = Map::new();
    map.insert(tag.to_string(), value);
    map.serialize(serializer)
}

/// Reads a member from the JSON the union's reader has taken apart.
pub fn from_json<T: DeserializeOwned>(value: Value) -> Result<T, serde_json::Error> {
    serde_json::from_value(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Member {
        id: u32,
    }

    #[test]
    fn encodings() {
        let mut out = Vec::new();
        tagged(&mut serde_json::Serializer::new(&mut out), "kind", "a", &Member { id: 1 }).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), r#"{"id":1,"kind":"a"}"#);
        let mut out = Vec::new();
        tagged_value(&mut serde_json::Serializer::new(&mut out), "kind", "n", &5).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), r#"{"kind":"n","value":5}"#);
        let mut out = Vec::new();
        wrapped(&mut serde_json::Serializer::new(&mut out), "member", &Member { id: 2 }).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), r#"{"member":{"id":2}}"#);
    }
}
