//! Generation time: every generator over the example repository, and over Flow's 3.4 MB merged
//! API (1394 models, 175 resources).

use std::path::Path;

use compiler::{Config, Input, NoLoader};
use criterion::{Criterion, criterion_group, criterion_main};
use generators::Generator;

fn generate_all(c: &compiler::Compilation) -> usize {
    let mut bytes = 0;
    for sid in c.ir.service_ids() {
        if c.ir.service(sid).format == compiler::ir::SourceFormat::ImportSummary {
            continue;
        }
        for &g in Generator::ALL {
            bytes += generators::generate(&c.ir, sid, g).map(|f| f.contents.len()).unwrap_or(0);
        }
    }
    bytes
}

fn benches(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let schemas: Vec<Input> = ["common", "user", "notification"]
        .iter()
        .map(|n| Input {
            name: format!("{n}.json"),
            bytes: std::fs::read(root.join(format!("schemas/{n}.json"))).unwrap(),
        })
        .collect();
    let config = Config { organization_namespace: Some("com.acme".into()), ..Config::default() };
    let example = compiler::compile(schemas, &config, &mut NoLoader);
    assert!(!example.has_errors());
    c.bench_function("generate/example_repository_all_generators", |b| b.iter(|| generate_all(&example)));

    let flow = root.join("../shared/corpus/apibuilder/flowcommerce_node-sdk__src__clients__service.json");
    let flow = compiler::compile(
        vec![Input { name: "flow.json".into(), bytes: std::fs::read(flow).unwrap() }],
        &Config::default(),
        &mut NoLoader,
    );
    assert!(!flow.has_errors());
    let mut group = c.benchmark_group("generate");
    group.sample_size(10);
    group.bench_function("flow_merged_api_all_generators", |b| b.iter(|| generate_all(&flow)));
    // Each generator alone over Flow's main service, to see where the time goes.
    let api = flow.ir.service_by_key("api").unwrap();
    for &g in Generator::ALL {
        group.bench_function(format!("flow_merged_api_{}", g.as_str()), |b| {
            b.iter(|| generators::generate(&flow.ir, api, g).unwrap().contents.len())
        });
    }
    group.finish();
}

criterion_group!(generate, benches);
criterion_main!(generate);
