//! Every rule over every spec of the shared apibuilder corpus: nothing panics, and the number of
//! findings per rule is snapshotted, so a change in what a rule reports on real specs is reviewed.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use compiler::{Compilation, Config, Input, NoLoader};
use lint_rules::{Category, RULES};

/// Spec sets that import each other compile together, as in the root crate's corpus test:
/// (file prefix, organization namespace).
const GROUPS: &[(&str, Option<&str>)] =
    &[("apicollective_apibuilder__spec__", Some("io.apibuilder")), ("mbryzek_waivers__backend__spec__", None)];

fn corpus() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/apibuilder");
    assert!(dir.is_dir(), "the corpus is missing: expected {}", dir.display());
    dir
}

fn input(dir: &std::path::Path, name: &str) -> Input {
    Input { name: name.to_string(), bytes: std::fs::read(dir.join(name)).unwrap() }
}

/// Every compilation of the corpus: one per file, one per group.
fn compilations() -> Vec<Compilation> {
    let dir = corpus();
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    files.sort();
    assert!(files.len() > 150, "the corpus looks incomplete: {} files", files.len());
    let group_of = |name: &str| GROUPS.iter().position(|(prefix, _)| name.starts_with(prefix));
    let mut out: Vec<Compilation> = files
        .iter()
        .filter(|n| group_of(n).is_none())
        .map(|n| compiler::compile(vec![input(&dir, n)], &Config::default(), &mut NoLoader))
        .collect();
    for (g, (_, namespace)) in GROUPS.iter().enumerate() {
        let inputs = files.iter().filter(|n| group_of(n) == Some(g)).map(|n| input(&dir, n)).collect();
        let config = Config { organization_namespace: namespace.map(String::from), ..Config::default() };
        out.push(compiler::compile(inputs, &config, &mut NoLoader));
    }
    out
}

#[derive(Default)]
struct Count {
    findings: usize,
    suppressed: usize,
    files: usize,
}

#[test]
fn all_rules_over_the_apibuilder_corpus() {
    let every_rule = common::config(&Category::ALL.map(|c| c.as_str()));
    let mut totals: BTreeMap<&str, Count> = RULES.iter().map(|r| (r.id, Count::default())).collect();
    let mut by_file: BTreeMap<String, BTreeMap<&str, (usize, usize)>> = BTreeMap::new();
    for c in compilations() {
        let findings = common::lint(&c, &every_rule);
        let mut per_file: BTreeMap<(String, &str), (usize, usize)> = BTreeMap::new();
        for d in &findings {
            let file = c.sources.get(d.primary.loc.file).name.clone();
            let entry = per_file.entry((file, d.code.as_str())).or_default();
            entry.0 += 1;
            entry.1 += usize::from(d.suppressed.is_some());
        }
        for ((file, rule), (n, suppressed)) in per_file {
            let total = totals.entry(rule).or_default();
            total.findings += n;
            total.suppressed += suppressed;
            total.files += 1;
            by_file.entry(file).or_default().insert(rule, (n, suppressed));
        }
    }

    let mut summary = String::from("rule\tfindings\tsuppressed\tfiles\n");
    for (rule, count) in &totals {
        summary.push_str(&format!("{rule}\t{}\t{}\t{}\n", count.findings, count.suppressed, count.files));
    }
    insta::assert_snapshot!("corpus_counts", summary);

    let mut detail = String::new();
    for (file, rules) in &by_file {
        detail.push_str(&format!("{file}\n"));
        for (rule, (n, suppressed)) in rules {
            let suppressed = if *suppressed > 0 { format!(" ({suppressed} suppressed)") } else { String::new() };
            detail.push_str(&format!("    {rule} {n}{suppressed}\n"));
        }
    }
    insta::assert_snapshot!("corpus_counts_by_file", detail);
}

/// Flow's merged API, at the rules Flow's own linter enforces: nearly clean, and every finding
/// listed so that each one is reviewed.
#[test]
fn flow_merged_api_on_flow_rules() {
    let dir = corpus();
    let name = "flowcommerce_node-sdk__src__clients__service.json";
    let c = compiler::compile(vec![input(&dir, name)], &Config::default(), &mut NoLoader);
    let flow_rules: Vec<&str> = RULES.iter().filter(|r| r.flow_rule.is_some()).map(|r| r.id).collect();
    let findings = common::lint(&c, &common::config(&flow_rules));
    let shown: Vec<String> =
        findings.iter().filter(|d| d.suppressed.is_none()).map(|d| common::render(&c, d)).collect();
    insta::assert_snapshot!("flow_merged_api_flow_rules", shown.join("\n"));
}
