//! Compile-time benchmarks: Flow's 3.4 MB merged API, apibuilder's own spec set as one
//! repository, and every spec of the shared apibuilder corpus.

use std::path::{Path, PathBuf};

use compiler::{Config, Input, NoLoader};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn corpus() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/apibuilder");
    assert!(dir.is_dir(), "the corpus is missing: expected {} (shared/ beside the checkout)", dir.display());
    dir
}

fn read(path: &Path) -> Input {
    Input { name: path.file_name().unwrap().to_string_lossy().into_owned(), bytes: std::fs::read(path).unwrap() }
}

fn benches(c: &mut Criterion) {
    let dir = corpus();
    let flow = read(&dir.join("flowcommerce_node-sdk__src__clients__service.json"));
    let mut group = c.benchmark_group("compile");
    group.throughput(Throughput::Bytes(flow.bytes.len() as u64));
    group.bench_function("flow_merged_api_3.4MB", |b| {
        b.iter(|| {
            let c = compiler::compile(vec![flow.clone()], &Config::default(), &mut NoLoader);
            assert!(!c.has_errors());
            c
        })
    });

    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    let all: Vec<Input> = paths.iter().map(|p| read(p)).collect();
    let total: usize = all.iter().map(|i| i.bytes.len()).sum();
    group.throughput(Throughput::Bytes(total as u64));
    group.sample_size(20);
    group.bench_function("whole_corpus_each_file_163_files", |b| {
        b.iter(|| {
            all.iter()
                .map(|i| compiler::compile(vec![i.clone()], &Config::default(), &mut NoLoader).diagnostics.len())
                .sum::<usize>()
        })
    });

    let set: Vec<Input> =
        all.iter().filter(|i| i.name.starts_with("apicollective_apibuilder__spec__")).cloned().collect();
    let config = Config { organization_namespace: Some("io.apibuilder".into()), ..Config::default() };
    group.throughput(Throughput::Bytes(set.iter().map(|i| i.bytes.len() as u64).sum()));
    group.sample_size(100);
    group.bench_function("apibuilder_spec_set_as_one_repository", |b| {
        b.iter(|| {
            let c = compiler::compile(set.clone(), &config, &mut NoLoader);
            assert!(!c.has_errors());
            c
        })
    });
    group.finish();
}

criterion_group!(compile, benches);
criterion_main!(compile);
