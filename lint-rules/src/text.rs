//! Name and path helpers shared by the rules: case checks and conversions, word splitting, path
//! segments and Flow's event-name grammar. Kept in one place so all rules agree on what a word is.

/// `lower_snake_case`: a lower-case letter, then lower-case letters and digits in groups joined by
/// single underscores (`user`, `address_line_1`, `hs6_code`).
pub fn is_snake_case(name: &str) -> bool {
    let mut chars = name.chars();
    if !chars.next().is_some_and(|c| c.is_ascii_lowercase()) {
        return false;
    }
    !name.ends_with('_')
        && !name.contains("__")
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The words of an identifier: split at `_`, `-`, `.`, spaces and camelCase humps, lower-cased
/// (`userID` → `user`, `id`; `HTTPMethod` → `http`, `method`; `kube-healthcheck` → `kube`,
/// `healthcheck`).
pub fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
        let next = chars.get(i + 1).copied();
        let hump = c.is_uppercase()
            && prev.is_some_and(|p| {
                p.is_lowercase() || p.is_ascii_digit() || (p.is_uppercase() && next.is_some_and(char::is_lowercase))
            });
        if hump && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The `lower_snake_case` form of a name (`userId` → `user_id`, `flow-usa` → `flow_usa`).
pub fn to_snake_case(name: &str) -> String {
    let snake = words(name).join("_");
    // A name must start with a letter; keep a leading digit group from making it invalid.
    if snake.starts_with(|c: char| c.is_ascii_digit()) { format!("n{snake}") } else { snake }
}

/// The last dot-separated part of a possibly qualified type name.
pub fn unqualified(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

/// The static segments of a path (`/:org/users/:id` → `users`), without path parameters.
pub fn static_segments(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty() && !s.starts_with(':'))
}

/// A path with parameter names erased (`/users/:id` → `/users/:`), so that two routes a router
/// cannot tell apart compare equal. A suffix after the name (`:id.json`) is kept.
pub fn route_shape(path: &str) -> String {
    let segments: Vec<String> = path
        .trim_end_matches('/')
        .split('/')
        .map(|s| match s.strip_prefix(':') {
            Some(rest) => match rest.find('.') {
                Some(dot) => format!(":{}", &rest[dot..]),
                None => ":".to_string(),
            },
            None => s.to_string(),
        })
        .collect();
    let joined = segments.join("/");
    if joined.is_empty() { "/".to_string() } else { joined }
}

// Flow's event names, shared with the compiler's event metadata.
pub use compiler::events::{EventKind, event_name, is_event_union};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case() {
        for ok in ["user", "address_line_1", "hs6_code", "v2"] {
            assert!(is_snake_case(ok), "{ok}");
        }
        for bad in ["User", "userId", "user-id", "_user", "user_", "user__id", "1user", "", "user.id"] {
            assert!(!is_snake_case(bad), "{bad}");
        }
    }

    #[test]
    fn conversions() {
        assert_eq!(to_snake_case("userId"), "user_id");
        assert_eq!(to_snake_case("HTTPMethod"), "http_method");
        assert_eq!(to_snake_case("flow-usa"), "flow_usa");
        assert_eq!(to_snake_case("EXW"), "exw");
        assert_eq!(to_snake_case("Delivered_001"), "delivered_001");
        assert_eq!(to_snake_case("AvailableForPickup_001"), "available_for_pickup_001");
        assert_eq!(to_snake_case("fish_wildlife_USFWS"), "fish_wildlife_usfws");
        assert_eq!(to_snake_case("orgKey"), "org_key");
        assert_eq!(to_snake_case("hs6Code"), "hs6_code");
        assert_eq!(words("kube-healthcheck"), ["kube", "healthcheck"]);
    }

    #[test]
    fn routes() {
        assert_eq!(route_shape("/users/:id"), route_shape("/users/:guid"));
        assert_eq!(route_shape("/users/:id.json"), "/users/:.json");
        assert_eq!(route_shape("/users/"), route_shape("/users"));
        assert_eq!(route_shape("/"), "/");
        assert_eq!(static_segments("/:org/users/:id/cancel").collect::<Vec<_>>(), ["users", "cancel"]);
    }

    #[test]
    fn event_names() {
        let e = event_name("card_upserted_v2").unwrap();
        assert_eq!((e.subject, e.kind, e.version), ("card", EventKind::Upserted, "_v2"));
        let e = event_name("order_identifier_deleted").unwrap();
        assert_eq!((e.subject, e.kind, e.version), ("order_identifier", EventKind::Deleted, ""));
        assert_eq!(event_name("upserted"), None);
        assert_eq!(event_name("order_placed"), None);
        assert_eq!(event_name("user_deleted_vx").map(|e| e.kind), None);
    }
}
