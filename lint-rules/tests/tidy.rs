//! Tidy checks: every rule is documented, has working examples, a fixture folder and a snapshot;
//! every file says why it exists; README.md lists the rules as the code defines them.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use lint_rules::{Category, RULES, Rule};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn rules_are_registered_in_order_with_unique_ids() {
    let ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(ids, sorted, "RULES must be sorted by id, without duplicates");
    for id in ids {
        assert!(
            !id.is_empty() && id.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'),
            "{id}: rule ids are UPPER_SNAKE"
        );
        assert!(lint_rules::rule(&id.to_lowercase()).is_some_and(|r| r.id == id));
    }
}

#[test]
fn every_rule_is_documented() {
    for rule in RULES {
        let id = rule.id;
        let purpose = rule.purpose.trim();
        assert!(purpose.ends_with('.'), "{id}: the purpose is one sentence ending with a period");
        assert!(!purpose.trim_end_matches('.').contains(". "), "{id}: the purpose is a single sentence: {purpose}");
        assert!(purpose.starts_with(|c: char| c.is_uppercase() || c == '`'), "{id}: the purpose starts a sentence");
        assert!(rule.rationale.trim().len() > 80, "{id}: the rationale says why the rule exists");
        assert!(!rule.categories.is_empty(), "{id}: a rule belongs to at least one category");
        for name in rule.flow_names {
            assert_eq!(*name, name.to_lowercase(), "{id}: Flow's names are lower case");
            let others: Vec<&str> = RULES.iter().filter(|r| r.id != id && r.is_named(name)).map(|r| r.id).collect();
            assert!(others.is_empty(), "{id}: Flow name `{name}` also names {others:?}");
            assert!(Category::parse(name).is_none(), "{id}: Flow name `{name}` is a category");
        }
        let explanation = rule.explanation();
        for part in [id, rule.purpose, rule.bad, rule.good] {
            assert!(explanation.contains(part), "{id}: the explanation shows every part of the docs");
        }
    }
}

/// The examples in the docs are real: `bad` compiles and gives a finding, `good` gives none.
#[test]
fn examples_compile_and_show_the_rule() {
    for rule in RULES {
        let only = common::config(&[rule.id]);
        let bad = common::compile_valid(&format!("{} example (bad)", rule.id), rule.bad);
        let findings = common::lint(&bad, &only);
        assert!(!findings.is_empty(), "{}: the bad example gives no finding", rule.id);
        let good = common::compile_valid(&format!("{} example (good)", rule.id), rule.good);
        let findings = common::lint(&good, &only);
        assert!(findings.is_empty(), "{}: the good example gives:\n{}", rule.id, common::render_all(&good, &findings));
    }
}

#[test]
fn every_rule_has_a_file_fixtures_and_a_snapshot() {
    let mut fixture_dirs: BTreeSet<String> = BTreeSet::new();
    for entry in std::fs::read_dir(root().join("tests/fixtures")).unwrap() {
        fixture_dirs.insert(entry.unwrap().file_name().to_string_lossy().into_owned());
    }
    let ids: BTreeSet<String> = RULES.iter().map(|r| r.id.to_string()).collect();
    assert_eq!(fixture_dirs, ids, "one fixture folder per rule, named by its id");
    let mut rule_files: BTreeSet<String> = BTreeSet::new();
    for entry in std::fs::read_dir(root().join("src/rules")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name != "mod.rs" {
            rule_files.insert(name);
        }
    }
    let expected: BTreeSet<String> = RULES.iter().map(|r| format!("{}.rs", r.id.to_lowercase())).collect();
    assert_eq!(rule_files, expected, "one file per rule, named by its id in lower case");
    for rule in RULES {
        for kind in ["bad.json", "good.json"] {
            assert!(root().join("tests/fixtures").join(rule.id).join(kind).is_file(), "{}: {kind} is missing", rule.id);
        }
        let snapshot = root().join(format!("tests/snapshots/rules__{}.snap", rule.id));
        assert!(snapshot.is_file(), "{}: no snapshot of its findings", rule.id);
        let source = std::fs::read_to_string(root().join(format!("src/rules/{}.rs", rule.id.to_lowercase()))).unwrap();
        assert!(
            source.starts_with(&format!("//! {}: ", rule.id)),
            "{}: the file opens with `//! {}: …`",
            rule.id,
            rule.id
        );
    }
}

/// Findings follow rustc's message style: lowercase, no trailing period, help without one either.
#[test]
fn messages_follow_the_style_guide() {
    for rule in RULES {
        let text = std::fs::read_to_string(root().join("tests/fixtures").join(rule.id).join("bad.json")).unwrap();
        let c = common::compile_valid(rule.id, &text);
        for d in common::lint(&c, &common::config(&[rule.id])) {
            let first = d.message.chars().next().unwrap_or(' ');
            assert!(
                first.is_lowercase() || first == '`' || first.is_ascii_digit(),
                "{}: message starts in lower case: {}",
                rule.id,
                d.message
            );
            assert!(!d.message.ends_with('.'), "{}: message ends without a period: {}", rule.id, d.message);
            assert!(!d.primary.message.is_empty(), "{}: every finding has a label", rule.id);
            if let Some(help) = &d.help {
                assert!(!help.ends_with('.'), "{}: help ends without a period: {help}", rule.id);
            }
        }
    }
}

#[test]
fn every_source_file_says_why_it_exists() {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(&root().join("src"), &mut files);
    walk(&root().join("tests"), &mut files);
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.starts_with("//! "), "{} must open with a `//!` line", file.display());
    }
}

/// The generated part of README.md: categories, then one row per rule.
fn rules_markdown() -> String {
    let mut out = String::from("## Categories\n\n");
    out.push_str("Like buf's: `MINIMAL` ⊂ `BASIC` ⊂ `STANDARD` (the default); `EVENTS` is a subset of `STANDARD`;\n");
    out.push_str("`COMMENTS` is off unless `use` names it.\n\n");
    out.push_str("| category | meaning | rules |\n|---|---|---|\n");
    for category in Category::ALL {
        let rules: Vec<String> = category.rules().map(|r| format!("`{}`", r.id)).collect();
        out.push_str(&format!("| `{}` | {} | {} |\n", category.as_str(), category.description(), rules.join(", ")));
    }
    out.push_str("\n## Rules\n\n");
    out.push_str("| rule | categories | severity | Flow linter | Flow's `ignore` names | purpose |\n");
    out.push_str("|---|---|---|---|---|---|\n");
    for rule in RULES {
        out.push_str(&row(rule));
    }
    out
}

fn row(rule: &Rule) -> String {
    let categories: Vec<&str> = rule.categories.iter().map(|c| c.as_str()).collect();
    let flow_names: Vec<String> = rule.flow_names.iter().map(|n| format!("`{n}`")).collect();
    format!(
        "| `{}` | {} | {} | {} | {} | {} |\n",
        rule.id,
        categories.join(", "),
        rule.severity.as_str(),
        rule.flow_rule.map(|f| format!("`{f}`")).unwrap_or_default(),
        flow_names.join(", "),
        rule.purpose.replace('|', "\\|"),
    )
}

#[test]
fn readme_lists_the_rules() {
    let path = root().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let start = readme.find("<!-- rules:start").expect("README.md has a `<!-- rules:start` marker");
    let start = start + readme[start..].find("-->\n").expect("the start marker ends with `-->`") + 4;
    let end = readme.find("<!-- rules:end -->").expect("README.md has a `<!-- rules:end -->` marker");
    let generated = rules_markdown();
    if readme[start..end] != generated {
        if std::env::var_os("UPDATE_EXPECT").is_some() {
            std::fs::write(&path, format!("{}{generated}{}", &readme[..start], &readme[end..])).unwrap();
        } else {
            panic!("README.md is out of date: run `UPDATE_EXPECT=1 cargo test -p lint-rules --test tidy`");
        }
    }
}
