//! The YAML parser over the shared OpenAPI corpus: every document parses, and a JSON document
//! reads the same through the YAML parser as through the JSON one (JSON is YAML).

use std::path::PathBuf;

use compiler::syntax::{json, yaml};

fn corpus() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/openapi");
    assert!(dir.is_dir(), "the corpus is missing: expected {}", dir.display());
    dir
}

#[test]
fn every_corpus_document_parses_and_json_reads_the_same_as_yaml() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 51, "{} documents", files.len());
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        // YAML has no surrogate-pair escapes (`"\ud83d\udc4d"` is JSON only): such documents are
        // read by the JSON parser alone, which apigen picks for `.json` files.
        if text.contains("\\ud8") || text.contains("\\uD8") {
            assert!(path.extension().is_some_and(|e| e == "json"), "{}", path.display());
            json::parse(&text).unwrap();
            continue;
        }
        let tree = yaml::parse(&text).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
        assert!(tree.get("openapi").is_some() || tree.get("swagger").is_some(), "{}", path.display());
        // Every span lies inside the text, on character boundaries.
        fn check(n: &json::Node, text: &str, path: &std::path::Path) {
            let ok = |s: compiler::source::Span| {
                s.start <= s.end
                    && (s.end as usize) <= text.len()
                    && text.is_char_boundary(s.start as usize)
                    && text.is_char_boundary(s.end as usize)
            };
            assert!(ok(n.span), "{}: {:?}", path.display(), n.span);
            match &n.value {
                json::Value::Array(items) => items.iter().for_each(|i| check(i, text, path)),
                json::Value::Object(members) => members.iter().for_each(|m| {
                    assert!(ok(m.key_span), "{}: key {:?}", path.display(), m.key_span);
                    check(&m.value, text, path);
                }),
                _ => {}
            }
        }
        check(&tree, &text, &path);
        if path.extension().is_some_and(|e| e == "json") {
            let from_json = json::parse(&text).unwrap();
            assert!(tree.to_serde() == from_json.to_serde(), "{}: the two parsers disagree", path.display());
        }
    }
}
