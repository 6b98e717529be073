//! apibuilder's rules for names: validity, duplicate detection, plurals, URL keys and default
//! namespaces. Kept in one place so every front end and check agrees.

/// Why a name is invalid (apibuilder `Text.validateName`), or `None` when it is valid.
pub fn name_problem(name: &str) -> Option<&'static str> {
    if name.trim().is_empty() {
        return Some("name cannot be blank");
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')) {
        return Some("name can only contain a-z, A-Z, 0-9, - and _ characters");
    }
    let mut chars = name.chars();
    let first = chars.next().unwrap_or(' ');
    let starts_ok = first.is_ascii_alphabetic() || (first == '_' && chars.next().is_some());
    if !starts_ok {
        return Some("name must start with a letter");
    }
    None
}

/// The form under which two names count as the same (`someUser` = `some_user`), as apibuilder's
/// `DuplicateErrorMessage` compares them.
pub fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let mut prev_lower = false;
    for c in name.trim().chars() {
        if c.is_ascii_uppercase() && prev_lower {
            out.push('_');
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// apibuilder's URL key: lower case, anything but `[0-9a-z-_]` becomes `-`, runs of `-` and of
/// `_` collapse, and leading/trailing dashes are trimmed.
pub fn url_key(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.trim().to_lowercase().chars() {
        let c = if c.is_ascii_digit() || c.is_ascii_lowercase() || c == '-' || c == '_' { c } else { '-' };
        if (c == '-' || c == '_') && out.ends_with(c) {
            continue;
        }
        out.push(c);
    }
    out.trim_matches('-').to_string()
}

/// The default namespace of a spec without one: `<org namespace>.<words of key>.v<major>`.
///
/// apigen differs from a plain join in one way: when the key starts with the last segment of the
/// organization namespace, that word is not repeated, so `io.apibuilder` + `apibuilder-common`
/// gives `io.apibuilder.common.v0` (the namespace apibuilder's own specs use), not
/// `io.apibuilder.apibuilder.common.v0`.
pub fn default_namespace(org_namespace: &str, key: &str, major: u64) -> String {
    let mut words: Vec<String> = key.split(['-', '_', '.']).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    let org = org_namespace.trim().trim_end_matches('.');
    if let Some(last) = org.rsplit('.').next()
        && words.len() > 1
        && words[0] == last.to_lowercase()
    {
        words.remove(0);
    }
    let mut parts: Vec<String> = Vec::new();
    if !org.is_empty() {
        parts.push(org.to_string());
    }
    parts.extend(words);
    parts.push(format!("v{major}"));
    parts.join(".")
}

/// The major version of a version string (`1.2.3` → 1); `latest` and anything unparsable → 0.
pub fn major_version(version: &str) -> u64 {
    version.trim().split('.').next().and_then(|m| m.parse().ok()).unwrap_or(0)
}

/// English plural of a type name as apibuilder makes it (`Text.pluralize`): its own exceptions
/// first, then the common English rules applied to the last word.
pub fn pluralize(name: &str) -> String {
    const IRREGULAR: &[(&str, &str)] = &[
        ("metadatum", "metadata"),
        ("datum", "data"),
        ("person", "people"),
        ("epoch", "epochs"),
        ("memo", "memos"),
        ("child", "children"),
        ("man", "men"),
        ("woman", "women"),
        ("mouse", "mice"),
        ("goose", "geese"),
        ("tooth", "teeth"),
        ("foot", "feet"),
        ("ox", "oxen"),
        ("criterion", "criteria"),
        ("phenomenon", "phenomena"),
        ("index", "indices"),
        ("matrix", "matrices"),
        ("vertex", "vertices"),
        ("quiz", "quizzes"),
        ("leaf", "leaves"),
        ("knife", "knives"),
        ("life", "lives"),
        ("wife", "wives"),
        ("half", "halves"),
        ("wolf", "wolves"),
        ("shelf", "shelves"),
        ("calf", "calves"),
        ("loaf", "loaves"),
        ("thief", "thieves"),
        ("hero", "heroes"),
        ("potato", "potatoes"),
        ("tomato", "tomatoes"),
        ("echo", "echoes"),
        ("veto", "vetoes"),
    ];
    const UNCHANGED: &[&str] = &[
        "bison",
        "buffalo",
        "deer",
        "duck",
        "fish",
        "moose",
        "pike",
        "plankton",
        "salmon",
        "sheep",
        "squid",
        "swine",
        "trout",
        "species",
        "series",
        "news",
        "information",
        "equipment",
        "rice",
        "money",
        "metadata",
        "data",
        "software",
        "hardware",
        "feedback",
        "aircraft",
        "status_quo",
    ];
    let lower = name.to_lowercase();
    if lower.ends_with("es") || lower.ends_with("ts") || lower.ends_with("data") {
        return name.to_string();
    }
    let split = name.rfind(['_', '-', ' ', '.']).map_or(0, |i| i + 1);
    let (prefix, word) = name.split_at(split);
    let word_lower = word.to_lowercase();
    if UNCHANGED.contains(&word_lower.as_str()) {
        return name.to_string();
    }
    if let Some((_, plural)) = IRREGULAR.iter().find(|(s, _)| *s == word_lower) {
        return format!("{prefix}{}", keep_case(word, plural));
    }
    let ends = |s: &str| word_lower.ends_with(s);
    let consonant_before_last = word_lower.chars().rev().nth(1).is_some_and(|c| !"aeiou".contains(c));
    let plural = if ends("s") || ends("x") || ends("z") || ends("ch") || ends("sh") {
        if ends("is") { format!("{}es", &word[..word.len() - 2]) } else { format!("{word}es") }
    } else if ends("y") && consonant_before_last {
        format!("{}ies", &word[..word.len() - 1])
    } else {
        format!("{word}s")
    };
    format!("{prefix}{plural}")
}

fn keep_case(original: &str, plural: &str) -> String {
    if original.chars().next().is_some_and(char::is_uppercase) {
        let mut c = plural.chars();
        c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
    } else {
        plural.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(name_problem("user_form"), None);
        assert_eq!(name_problem("_internal"), None);
        assert_eq!(name_problem("io.flow.v0.user"), None);
        assert!(name_problem("_").is_some());
        assert!(name_problem("1user").is_some());
        assert!(name_problem("user!").is_some());
        assert!(name_problem(" ").is_some());
    }

    #[test]
    fn duplicates_compare_camel_and_snake_case_alike() {
        assert_eq!(normalize("someUser"), normalize("some_user"));
        assert_ne!(normalize("user"), normalize("users"));
    }

    #[test]
    fn url_keys() {
        assert_eq!(url_key("apibuilder common"), "apibuilder-common");
        assert_eq!(url_key("  Foo  Bar!! "), "foo-bar");
        assert_eq!(url_key("lib__event"), "lib_event");
    }

    #[test]
    fn namespaces() {
        assert_eq!(default_namespace("io.apibuilder", "apibuilder-common", 0), "io.apibuilder.common.v0");
        assert_eq!(default_namespace("com.acme", "user", 0), "com.acme.user.v0");
        assert_eq!(default_namespace("io.flow", "lib-event-test", 2), "io.flow.lib.event.test.v2");
        assert_eq!(major_version("1.2.3"), 1);
        assert_eq!(major_version("latest"), 0);
    }

    #[test]
    fn plurals() {
        for (one, many) in [
            ("user", "users"),
            ("user_type", "user_types"),
            ("user_status", "user_statuses"),
            ("category", "categories"),
            ("day", "days"),
            ("address", "addresses"),
            ("box", "boxes"),
            ("person", "people"),
            ("sales_person", "sales_people"),
            ("analysis", "analyses"),
            ("sheep", "sheep"),
            ("diff_breaking", "diff_breakings"),
            ("metadata", "metadata"),
            ("shipment_estimates", "shipment_estimates"),
        ] {
            assert_eq!(pluralize(one), many, "{one}");
        }
    }
}
