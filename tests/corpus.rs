//! Every apibuilder spec in the shared corpus compiles as `corpus-expectations.tsv` says: specs
//! that apibuilder accepted compile with zero errors; the rest fail with the codes listed, each
//! with its reason. Nothing is skipped: a corpus file missing from the list fails the test.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use compiler::Config;

/// Spec sets that import each other compile together, as one repository: (file prefix,
/// organization namespace, number of files).
const GROUPS: &[(&str, Option<&str>, usize)] =
    &[("apicollective_apibuilder__spec__", Some("io.apibuilder"), 9), ("mbryzek_waivers__backend__spec__", None, 3)];

fn group_of(name: &str) -> Option<usize> {
    GROUPS.iter().position(|(prefix, _, _)| name.starts_with(prefix))
}

fn error_codes(c: &compiler::Compilation) -> BTreeSet<String> {
    c.errors().map(|d| d.code.as_str().to_string()).collect()
}

#[test]
fn apibuilder_corpus_matches_expectations() {
    let dir = common::corpus("apibuilder");
    let expected = common::expectations("corpus-expectations.tsv");
    let files = common::corpus_files(&dir, &[".json"]);
    assert!(files.len() > 150, "the corpus looks incomplete: {} files", files.len());

    let mut observed: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for name in files.iter().filter(|n| group_of(n).is_none()) {
        let c = common::compile(&dir.join(name), &dir, &Config::default());
        observed.insert(name.clone(), error_codes(&c));
    }
    for (g, (prefix, namespace, count)) in GROUPS.iter().enumerate() {
        let members: Vec<&String> = files.iter().filter(|n| group_of(n) == Some(g)).collect();
        assert_eq!(members.len(), *count, "files starting with {prefix}");
        let set: Vec<compiler::Input> = members.iter().flat_map(|n| common::inputs(&dir.join(n), &dir)).collect();
        let config = Config { organization_namespace: namespace.map(String::from), ..Config::default() };
        let c = compiler::compile(set, &config, &mut compiler::NoLoader);
        for name in members {
            let codes = c
                .errors()
                .filter(|d| &c.sources.get(d.primary.loc.file).name == name)
                .map(|d| d.code.as_str().to_string())
                .collect();
            observed.insert(name.clone(), codes);
        }
        assert!(!c.has_errors(), "the {prefix}* specs must compile as one repository:\n{}", common::report(&c));
    }

    let mut mismatches = Vec::new();
    for (name, codes) in &observed {
        match expected.get(name) {
            None => mismatches.push(format!("{name}: not in corpus-expectations.tsv (observed {codes:?})")),
            Some((want, _)) if want != codes => {
                mismatches.push(format!("{name}: expected {want:?}, observed {codes:?}"))
            }
            Some(_) => {}
        }
    }
    for name in expected.keys().filter(|k| !observed.contains_key(*k)) {
        mismatches.push(format!("{name}: listed but not in the corpus"));
    }
    if std::env::var_os("APIGEN_PRINT_OBSERVED").is_some() {
        for (name, codes) in &observed {
            let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
            println!("{name}\t{}", if codes.is_empty() { "-".to_string() } else { codes.join(",") });
        }
    }
    assert!(mismatches.is_empty(), "corpus results differ from expectations:\n{}", mismatches.join("\n"));
}

/// Flow's merged API is the size a real company reaches; it must compile clean and resolve.
#[test]
fn flow_merged_api_compiles_clean() {
    let dir = common::corpus("apibuilder");
    let c = common::compile(&dir.join("flowcommerce_node-sdk__src__clients__service.json"), &dir, &Config::default());
    assert!(!c.has_errors(), "{}", common::report(&c));
    assert_eq!(
        c.ir.models
            .iter()
            .filter(|m| c.ir.service(m.service).format == compiler::ir::SourceFormat::ServiceJson)
            .count(),
        1394
    );
    assert!(c.ir.operations.len() > 500);
}

/// apibuilder wrote a plural for every type in its compiled service.json files; ours must agree
/// except where a spec overrode it (about 1% of names: `settings`, `statistics`, `code`, ...).
#[test]
fn plurals_agree_with_apibuilder() {
    let dir = common::corpus("apibuilder");
    let (mut total, mut agree) = (0usize, 0usize);
    let mut disagreements = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let Ok(v) = serde_json::from_slice::<serde_json::Value>(&std::fs::read(&path).unwrap()) else { continue };
        for kind in ["models", "enums", "unions"] {
            for item in v[kind].as_array().into_iter().flatten() {
                let (Some(name), Some(plural)) = (item["name"].as_str(), item["plural"].as_str()) else { continue };
                total += 1;
                if compiler::names::pluralize(name) == plural {
                    agree += 1;
                } else {
                    disagreements.insert(format!("{name} → {plural}"));
                }
            }
        }
    }
    assert!(total > 6000, "{total} named types");
    let rate = agree as f64 / total as f64;
    assert!(rate > 0.99, "{agree}/{total} plurals agree; differing: {disagreements:?}");
}
