//! The CI gate's cost on a real company-sized API: linting Flow's 3.4 MB merged API and diffing it
//! against a modified copy (fields removed, types changed, operations dropped).

use std::path::Path;

use compiler::{Compilation, Config, Input, NoLoader};
use criterion::{Criterion, criterion_group, criterion_main};

fn compile(name: &str, bytes: Vec<u8>) -> Compilation {
    let c = compiler::compile(vec![Input { name: name.into(), bytes }], &Config::default(), &mut NoLoader);
    if let Some(e) = c.errors().next() {
        panic!("{name}: {} {}", e.code.as_str(), e.message);
    }
    c
}

/// Flow's API with a change every few models and resources, as a large release would have.
fn modified(original: &[u8]) -> Vec<u8> {
    let mut v: serde_json::Value = serde_json::from_slice(original).unwrap();
    for (i, model) in v["models"].as_array_mut().unwrap().iter_mut().enumerate() {
        // Models that implement interfaces must keep their fields; change the others.
        if model["interfaces"].as_array().is_some_and(|a| !a.is_empty()) {
            continue;
        }
        let fields = model["fields"].as_array_mut().unwrap();
        match i % 10 {
            0 if fields.len() > 1 => {
                fields.pop();
            }
            3 => fields.push(serde_json::json!({"name": "added_field", "type": "string", "required": false})),
            5 if !fields.is_empty() && fields[0]["default"].is_null() => {
                fields[0]["type"] = serde_json::json!("object")
            }
            _ => {}
        }
    }
    for (i, resource) in v["resources"].as_array_mut().unwrap().iter_mut().enumerate() {
        if i % 7 == 0 {
            resource["operations"].as_array_mut().unwrap().truncate(1);
        }
    }
    serde_json::to_vec_pretty(&v).unwrap()
}

fn benches(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus/apibuilder/flowcommerce_node-sdk__src__clients__service.json");
    let original = std::fs::read(&path).unwrap();
    let base = compile("base.json", original.clone());
    let current = compile("current.json", modified(&original));
    let changes = compiler::diff::diff((&base.ir, &base.map), (&current.ir, &current.map));
    assert!(changes.len() > 400, "the modified copy should differ a lot: {}", changes.len());
    c.bench_function("diff/flow_merged_api_vs_modified_copy", |b| {
        b.iter(|| compiler::diff::diff((&base.ir, &base.map), (&current.ir, &current.map)))
    });
    let config = lint_rules::LintConfig::default();
    c.bench_function("lint/flow_merged_api_standard_rules", |b| {
        b.iter(|| lint_rules::lint(&current.ir, &current.map, &current.sources, &config))
    });
}

criterion_group!(gate, benches);
criterion_main!(gate);
