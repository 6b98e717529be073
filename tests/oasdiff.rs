//! `diff` on OpenAPI against oasdiff's own test suite: for each pair of fixture files oasdiff's
//! unit tests compare with expected checks (`../shared/corpus/oasdiff/oasdiff-golden-pairs.tsv`),
//! the verdict oasdiff's checks give (breaking when one of them is an ERR-level check, per
//! `../shared/reference/peers-data/oasdiff-checks.tsv`; the checks of every test of the same pair
//! together, since each test runs one checker) against apigen's (breaking when a change is of
//! class Breaking). The table of every pair is snapshotted with the agreement, so each change of
//! verdict is reviewed; the agreement may not fall below what it is, and every disagreement is
//! explained in `tests/oasdiff-disagreements.tsv`. The pairs that do not compile are fixtures
//! that are not valid OpenAPI (a path parameter missing from the path, an operationId used twice,
//! an empty `oneOf`): apigen rejects them with a diagnostic, which oasdiff does not.

mod common;

use std::collections::{BTreeMap, BTreeSet};
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
    // Each oasdiff test runs one checker, so it lists what that checker finds; several tests
    // compare the same two files (one for the request side, one for the response side). What
    // oasdiff says of a pair is what all its tests' checks say together.
    let mut by_pair: BTreeMap<(String, String), (Vec<String>, BTreeSet<String>)> = BTreeMap::new();
    for line in pairs.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (test, base, revision, ids, empty) = (cols[0], cols[2], cols[3], cols[4], cols[5] == "True");
        if ids.is_empty() && !empty {
            continue; // the test checks something other than the verdict
        }
        let entry = by_pair.entry((base.to_string(), revision.to_string())).or_default();
        entry.0.push(test.to_string());
        entry.1.extend(ids.split(',').filter(|i| !i.is_empty()).map(String::from));
    }
    let mut table = String::new();
    let (mut agree, mut compared, mut uncompiled) = (0, 0, 0);
    for ((base, revision), (tests, ids)) in &by_pair {
        let tests = tests.join(",");
        let expected_breaking = ids.iter().any(|i| levels.get(i).is_some_and(|l| l == "ERR"));
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let ids = ids.join(",");
        let (Some(a), Some(b)) = (compile(&data.join(base)), compile(&data.join(revision))) else {
            uncompiled += 1;
            writeln!(table, "{tests}\tnot compiled").unwrap();
            continue;
        };
        let changes = compiler::diff::diff((&a.ir, &a.map), (&b.ir, &b.map));
        let breaking: Vec<&str> = changes.iter().filter(|c| c.class == Class::Breaking).map(|c| c.rule.id).collect();
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
            "{tests}\t{verdict}\toasdiff {}\tapigen {}\t{ids}\t{}",
            if expected_breaking { "breaking" } else { "compatible" },
            if ours { "breaking" } else { "compatible" },
            ours_ids.join(",")
        )
        .unwrap();
    }
    // Every disagreement is explained: argued (apigen's verdict is the right one, and why),
    // an artefact of oasdiff's test, or a gap of apigen's; and every explanation is still needed.
    let reasons = std::fs::read_to_string(common::root().join("tests/oasdiff-disagreements.tsv")).unwrap();
    let reasons: BTreeMap<&str, (&str, &str)> = reasons
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut cols = l.splitn(3, '\t');
            Some((cols.next()?, (cols.next()?, cols.next()?)))
        })
        .collect();
    let disagreeing: Vec<&str> =
        table.lines().filter(|l| l.contains("\tDISAGREE\t")).filter_map(|l| l.split(['\t', ',']).next()).collect();
    let unexplained: Vec<&&str> = disagreeing.iter().filter(|t| !reasons.contains_key(**t)).collect();
    let stale: Vec<&&str> = reasons.keys().filter(|t| !disagreeing.contains(t)).collect();
    assert!(
        unexplained.is_empty(),
        "disagreements without a reason in tests/oasdiff-disagreements.tsv: {unexplained:?}"
    );
    assert!(stale.is_empty(), "reasons for pairs that now agree (remove them): {stale:?}");
    let count = |who: &str| reasons.values().filter(|(w, _)| *w == who).count();
    let percent = 100.0 * agree as f64 / compared.max(1) as f64;
    let head = format!(
        "{agree} of {compared} compared pairs agree ({percent:.1}%); {uncompiled} pairs do not compile\n\
         disagreements: {} argued, {} artefacts of oasdiff's one-checker tests, {} gaps of apigen\n",
        count("argued"),
        count("oasdiff test"),
        count("apigen")
    );
    insta::assert_snapshot!("oasdiff_verdicts", format!("{head}{table}"));
    // The floor is today's agreement; raise it as the diff learns what oasdiff checks.
    assert!(agree >= 153, "agreement fell to {agree} of {compared}:\n{head}");
}
