//! `diff` on OpenAPI against oasdiff's own test suite: for each of oasdiff's unit tests that
//! compare two fixture files (`../shared/corpus/oasdiff/oasdiff-golden-pairs.tsv`), the verdict
//! oasdiff's expected checks give (breaking when one of them is an ERR-level check, per
//! `../shared/reference/peers-data/oasdiff-checks.tsv`) against apigen's (breaking when a change is
//! of class Breaking). The table of every pair is snapshotted with the agreement, so each change of
//! verdict is reviewed; the agreement may not fall below what it is.

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use compiler::diff::Class;
use compiler::{Config, Input, NoLoader};

fn compile(path: &Path) -> Option<compiler::Compilation> {
    let bytes = std::fs::read(path).ok()?;
    let name = path.file_name()?.to_string_lossy().into_owned();
    let c = compiler::compile(vec![Input { name, bytes }], &Config::default(), &mut NoLoader);
    (!c.has_errors()).then_some(c)
}

#[test]
fn breaking_verdicts_agree_with_oasdiff() {
    let root = common::root().join("../shared");
    let levels: BTreeMap<String, String> =
        std::fs::read_to_string(root.join("reference/peers-data/oasdiff-checks.tsv"))
            .unwrap()
            .lines()
            .skip(1)
            .filter_map(|l| {
                let cols: Vec<&str> = l.split('\t').collect();
                Some((cols.first()?.to_string(), cols.get(1)?.to_string()))
            })
            .collect();
    let pairs = std::fs::read_to_string(root.join("corpus/oasdiff/oasdiff-golden-pairs.tsv")).unwrap();
    let data = root.join("corpus/oasdiff");
    let mut table = String::new();
    let (mut agree, mut compared, mut uncompiled) = (0, 0, 0);
    for line in pairs.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (test, base, revision, ids, empty) = (cols[0], cols[2], cols[3], cols[4], cols[5] == "True");
        if ids.is_empty() && !empty {
            continue; // the test checks something other than the verdict
        }
        let expected_breaking =
            ids.split(',').filter(|i| !i.is_empty()).any(|i| levels.get(i).is_some_and(|l| l == "ERR"));
        let (Some(a), Some(b)) = (compile(&data.join(base)), compile(&data.join(revision))) else {
            uncompiled += 1;
            writeln!(table, "{test}\tnot compiled").unwrap();
            continue;
        };
        let changes = compiler::diff::diff((&a.ir, &a.map), (&b.ir, &b.map));
        let breaking: Vec<&str> =
            changes.iter().filter(|c| c.rule.class == Class::Breaking).map(|c| c.rule.id).collect();
        let ours = !breaking.is_empty();
        compared += 1;
        let verdict = if ours == expected_breaking {
            agree += 1;
            "agree"
        } else {
            "DISAGREE"
        };
        let mut ours_ids: Vec<&str> = breaking.clone();
        ours_ids.sort();
        ours_ids.dedup();
        writeln!(
            table,
            "{test}\t{verdict}\toasdiff {}\tapigen {}\t{ids}\t{}",
            if expected_breaking { "breaking" } else { "compatible" },
            if ours { "breaking" } else { "compatible" },
            ours_ids.join(",")
        )
        .unwrap();
    }
    let percent = 100.0 * agree as f64 / compared.max(1) as f64;
    let head =
        format!("{agree} of {compared} compared pairs agree ({percent:.1}%); {uncompiled} pairs do not compile yet\n");
    insta::assert_snapshot!("oasdiff_verdicts", format!("{head}{table}"));
    // The floor is today's agreement; raise it as the diff learns what oasdiff checks.
    assert!(agree >= 139, "agreement fell to {agree} of {compared}:\n{head}");
}
