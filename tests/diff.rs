//! The breaking-change diff: one before/after fixture per rule (`tests/fixtures/diff/<RULE>/`,
//! files or folders), each snapshotted as the text and JSON reports; a tidy check that every
//! rule has one; and `apigen diff --against` end to end on a real git repository.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use compiler::Config;
use compiler::diff::RULES;

fn fixtures() -> PathBuf {
    common::root().join("tests/fixtures/diff")
}

/// `before.json`/`after.json`, or `before/`/`after/` folders.
fn pair(rule: &str) -> Option<(PathBuf, PathBuf)> {
    let dir = fixtures().join(rule);
    for (b, a) in [("before.json", "after.json"), ("before", "after")] {
        if dir.join(b).exists() && dir.join(a).exists() {
            return Some((dir.join(b), dir.join(a)));
        }
    }
    None
}

fn report(before: &Path, after: &Path) -> (Vec<compiler::diff::Change>, String) {
    let base = fixtures();
    let (a, b) =
        (common::compile(before, &base, &Config::default()), common::compile(after, &base, &Config::default()));
    assert!(!a.has_errors(), "{}: {}", before.display(), common::report(&a));
    assert!(!b.has_errors(), "{}: {}", after.display(), common::report(&b));
    let changes = compiler::diff::diff((&a.ir, &a.map), (&b.ir, &b.map));
    let report = apigen::report::build(changes.clone(), &a, &b);
    let mut text = codespan_reporting::term::termcolor::NoColor::new(Vec::new());
    apigen::render::write_text(&report.diagnostics, &report.sources, &mut text).unwrap();
    let mut out = String::from_utf8(text.into_inner()).unwrap();
    out.push_str(&report.summary());
    out.push_str("\n---- json ----\n");
    out.push_str(&report.json_lines());
    out.push_str("---- markdown ----\n");
    out.push_str(&report.markdown());
    (changes, out)
}

#[test]
fn every_rule_has_a_fixture_that_reports_it() {
    let mut problems = Vec::new();
    for rule in RULES {
        let Some((before, after)) = pair(rule.id) else {
            problems.push(format!("{}: no before/after fixture", rule.id));
            continue;
        };
        let (changes, text) = report(&before, &after);
        if !changes.iter().any(|c| c.rule.id == rule.id) {
            problems.push(format!("{}: fixture does not report it:\n{text}", rule.id));
            continue;
        }
        insta::assert_snapshot!(rule.id, text);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_fixture_names_a_rule() {
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(compiler::diff::rule(&name).is_some(), "fixture folder `{name}` does not name a diff rule");
    }
}

#[test]
fn identical_versions_have_no_changes() {
    let schemas = common::root().join("schemas");
    let (changes, text) = report(&schemas, &schemas);
    assert!(changes.is_empty(), "{text}");
}

/// Reordering every list and map of a spec is not a change.
#[test]
fn reordering_is_not_a_change() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("diff-reorder");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // serde_json sorts object keys, so the reversal is done on apigen's own syntax tree, which
    // keeps them in file order.
    let original = std::fs::read_to_string(common::root().join("schemas/user.json")).unwrap();
    fn reversed(n: &compiler::syntax::json::Node) -> String {
        use compiler::syntax::json::Value;
        match &n.value {
            Value::Object(members) => {
                let parts: Vec<String> = members
                    .iter()
                    .rev()
                    .map(|m| format!("{}: {}", serde_json::to_string(&m.key).unwrap(), reversed(&m.value)))
                    .collect();
                format!("{{{}}}", parts.join(", "))
            }
            Value::Array(items) => format!("[{}]", items.iter().map(reversed).collect::<Vec<_>>().join(", ")),
            _ => n.to_json_text(),
        }
    }
    let tree = compiler::syntax::json::parse(&original).unwrap();
    let text = reversed(&tree);
    assert!(text.find("\"enums\"").unwrap() > text.find("\"models\"").unwrap(), "maps are reversed");
    std::fs::write(dir.join("user.json"), text).unwrap();
    std::fs::write(dir.join("common.json"), std::fs::read(common::root().join("schemas/common.json")).unwrap())
        .unwrap();
    let base = common::root().join("schemas");
    let a = common::compile(&base, &base, &Config::default());
    let b = common::compile(&dir, &dir, &Config::default());
    let changes = compiler::diff::diff((&a.ir, &a.map), (&b.ir, &b.map));
    let relevant: Vec<_> = changes.iter().filter(|c| c.element.starts_with("user.")).collect();
    assert!(relevant.is_empty(), "{relevant:#?}");
}

fn run(dir: &Path, program: &str, args: &[&str]) -> std::process::Output {
    let out = Command::new(program).args(args).current_dir(dir).env("NO_COLOR", "1").output().unwrap();
    assert!(program != "git" || out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

#[test]
fn diff_against_a_git_revision_reports_the_break_and_exits_1() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("diff-git");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    run(&dir, "git", &["init", "-q", "-b", "main"]);
    run(&dir, "git", &["config", "user.email", "ci@example.com"]);
    run(&dir, "git", &["config", "user.name", "CI"]);
    std::fs::write(dir.join("apigen.toml"), "[organization]\nnamespace = \"com.acme\"\nspecs = \"specs\"\n").unwrap();
    let spec = |fields: &str| {
        format!(
            r#"{{"name": "user", "models": {{"user": {{"fields": [{fields}]}}}}, "resources": {{"user": {{"operations": [{{"method": "GET", "responses": {{"200": {{"type": "[user]"}}}}}}]}}}}}}"#
        )
    };
    std::fs::write(
        dir.join("specs/user.json"),
        spec(r#"{"name": "id", "type": "string"}, {"name": "nickname", "type": "string"}"#),
    )
    .unwrap();
    run(&dir, "git", &["add", "-A"]);
    run(&dir, "git", &["commit", "-qm", "first"]);
    std::fs::write(dir.join("specs/user.json"), spec(r#"{"name": "id", "type": "string"}"#)).unwrap();
    run(&dir, "git", &["commit", "-qam", "drop nickname"]);

    let apigen = env!("CARGO_BIN_EXE_apigen");
    let out = run(&dir, apigen, &["diff", "--against", "HEAD~1", "--format", "json"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    assert_eq!(lines[0]["rule"], "FIELD_REMOVED");
    assert_eq!(lines[0]["class"], "breaking");
    // The removed field points at the base version's file and line.
    assert_eq!((lines[0]["file"].as_str(), lines[0]["line"].as_u64()), (Some("specs/user.json"), Some(1)));

    // The same from a subfolder, and nothing breaking against HEAD itself.
    let out = run(&dir.join("specs"), apigen, &["diff", "--against", "HEAD"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));

    // An intended break, allowed in apigen.toml, no longer fails the gate.
    std::fs::write(
        dir.join("apigen.toml"),
        "[organization]\nnamespace = \"com.acme\"\nspecs = \"specs\"\n\n[[diff.allow]]\nrule = \"FIELD_REMOVED\"\nelement = \"user.models.user.fields.nickname\"\nreason = \"nobody reads it (ticket 42)\"\n",
    )
    .unwrap();
    let out = run(&dir, apigen, &["diff", "--against", "HEAD~1", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stdout).contains("nobody reads it"));

    // A revision that does not exist is a usage error.
    let out = run(&dir, apigen, &["diff", "--against", "no-such-branch"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown git revision `no-such-branch`"));
}

fn diff_texts(before: &str, after: &str) -> Vec<(String, String)> {
    let (a, b) = (compiler::compile_str("before.json", before), compiler::compile_str("after.json", after));
    assert!(!a.has_errors() && !b.has_errors(), "{}{}", common::report(&a), common::report(&b));
    compiler::diff::diff((&a.ir, &a.map), (&b.ir, &b.map))
        .into_iter()
        .map(|c| (c.rule.id.to_string(), c.message))
        .collect()
}

fn user_spec(operations: &str) -> String {
    format!(
        r#"{{"name": "user", "models": {{"user": {{"fields": [{{"name": "id", "type": "uuid"}}]}}}},
            "resources": {{"user": {{"operations": [{operations}]}}}}}}"#
    )
}

#[test]
fn renaming_a_path_parameter_is_not_a_move() {
    let before = user_spec(r#"{"method": "GET", "path": "/:id", "parameters": [{"name": "id", "type": "uuid"}]}"#);
    let after =
        user_spec(r#"{"method": "GET", "path": "/:user_id", "parameters": [{"name": "user_id", "type": "uuid"}]}"#);
    assert_eq!(diff_texts(&before, &after), vec![]);
}

#[test]
fn a_new_sub_route_is_not_the_old_operation_moved() {
    let before = user_spec(r#"{"method": "DELETE", "path": "/:id"}"#);
    let after = user_spec(r#"{"method": "DELETE", "path": "/:id/sessions"}"#);
    let rules: Vec<String> = diff_texts(&before, &after).into_iter().map(|(r, _)| r).collect();
    assert_eq!(rules, vec!["OPERATION_REMOVED", "OPERATION_ADDED"]);
}
