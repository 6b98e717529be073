//! The `apigen` binary end to end: exit codes, output formats, and bad input of every kind
//! answered with a clear message, never a panic (exit 101) or a hang.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn apigen(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_apigen")).args(args).current_dir(dir).env("NO_COLOR", "1").output().unwrap()
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("apigen was killed by a signal")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// A fresh folder under the target dir (no temp-dir crate needed), emptied first.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn example_repository_validates_clean_from_its_config() {
    let o = apigen(&common::root(), &["validate"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert_eq!(stdout(&o), "");
    // From a subfolder too: apigen.toml is found by walking up.
    let o = apigen(&common::root().join("schemas"), &["validate"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
}

/// Each bad input: (file name, bytes, expected exit code, a code the output must contain).
#[test]
fn bad_inputs_get_a_diagnostic_naming_the_file() {
    let deep = format!(
        "{{\"name\": \"x\", \"attributes\": [{{\"name\": \"a\", \"value\": {{\"v\": {}{}}}}}]}}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let cases: Vec<(&str, Vec<u8>, i32, &str)> = vec![
        ("empty.json", Vec::new(), 1, "E0002"),
        ("blank.json", b"  \n\t ".to_vec(), 1, "E0002"),
        ("latin1.json", b"{\"name\": \"caf\xe9\"}".to_vec(), 1, "E0003"),
        ("utf16.json", [&[0xFF, 0xFE][..], &"{}".encode_utf16().flat_map(u16::to_le_bytes).collect::<Vec<u8>>()].concat(), 1, "E0003"),
        ("bom.json", b"\xEF\xBB\xBF{\"name\": \"bom\"}".to_vec(), 0, "W0001"),
        ("truncated.json", b"{\"name\": \"user\", \"models\": {\"user\": {\"fields\": [".to_vec(), 1, "E0001"),
        ("array.json", b"[{\"name\": \"user\"}]".to_vec(), 1, "E0006"),
        ("deep.json", deep.into_bytes(), 1, "E0004"),
        ("range.json", br#"{"name": "n", "models": {"m": {"fields": [{"name": "a", "type": "long", "minimum": 1e400}]}}}"#.to_vec(), 1, "E0012"),
        ("huge_int.json", br#"{"name": "n", "models": {"m": {"fields": [{"name": "a", "type": "long", "maximum": 123456789012345678901234567890}]}}}"#.to_vec(), 1, "E0012"),
        ("nul.json", b"{\"name\": \"a\0b\"}".to_vec(), 1, "E0001"),
    ];
    let dir = scratch("bad");
    for (name, bytes, expected, code_str) in cases {
        std::fs::write(dir.join(name), &bytes).unwrap();
        for format in ["text", "json", "github"] {
            let o = apigen(&dir, &["validate", "--format", format, name]);
            assert_eq!(code(&o), expected, "{name} ({format}): {}{}", stdout(&o), stderr(&o));
            let out = stdout(&o);
            assert!(out.contains(code_str), "{name} ({format}) should report {code_str}: {out}");
            assert!(out.contains(name), "{name} ({format}) should name the file: {out}");
        }
    }
}

#[test]
fn a_50_mb_spec_is_answered_quickly() {
    let dir = scratch("large");
    // 50 MB of real content: 100,000 models with a long description each.
    let mut text = String::from("{\"name\": \"large\", \"models\": {");
    let description = "d".repeat(480);
    for i in 0..100_000 {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&format!(
            "\"m{i}\": {{\"description\": \"{description}\", \"fields\": [{{\"name\": \"id\", \"type\": \"string\"}}]}}"
        ));
    }
    text.push_str("}}");
    assert!(text.len() > 50_000_000);
    std::fs::write(dir.join("large.json"), &text).unwrap();
    let o = apigen(&dir, &["validate", "large.json"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    // The same size of garbage after a valid prefix.
    std::fs::write(
        dir.join("garbage.json"),
        format!("{{\"name\": \"x\", \"description\": \"{}", "x".repeat(50_000_000)),
    )
    .unwrap();
    let o = apigen(&dir, &["validate", "garbage.json"]);
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("E0001") && stdout(&o).contains("unterminated string"), "{}", stdout(&o));
}

#[test]
fn io_and_usage_errors_exit_2_with_a_message() {
    let dir = scratch("io");
    let o = apigen(&dir, &["validate", "missing.json"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("cannot read `missing.json`"), "{}", stderr(&o));

    std::fs::create_dir_all(dir.join("empty")).unwrap();
    let o = apigen(&dir, &["validate", "empty"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("no spec files (*.json, *.yaml, *.yml) in folder `empty`"), "{}", stderr(&o));

    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir.join("nowhere.json"), dir.join("dangling.json")).unwrap();
        let o = apigen(&dir, &["validate", "dangling.json"]);
        assert_eq!(code(&o), 2);
        assert!(stderr(&o).contains("dangling.json"), "{}", stderr(&o));
    }

    // No PATH and no apigen.toml anywhere above a folder outside the repository.
    let o = Command::new(env!("CARGO_BIN_EXE_apigen")).arg("validate").current_dir("/").output().unwrap();
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("no PATH given and no `apigen.toml` found"), "{}", stderr(&o));

    std::fs::write(dir.join("apigen.toml"), "[organization]\nnamespce = \"x\"\n").unwrap();
    let o = apigen(&dir, &["validate"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("invalid `") && stderr(&o).contains("namespce"), "{}", stderr(&o));

    let o = apigen(&dir, &["validate", "--format", "xml"]);
    assert_eq!(code(&o), 2);
    let o = apigen(&dir, &["frobnicate"]);
    assert_eq!(code(&o), 2);
}

#[test]
fn json_output_is_one_object_per_line_with_one_based_positions() {
    let dir = scratch("json");
    std::fs::write(
        dir.join("a.json"),
        "{\n  \"name\": \"a\",\n  \"models\": {\"m\": {\"fields\": [{\"name\": \"x\", \"type\": \"nope\"}]}}\n}\n",
    )
    .unwrap();
    let o = apigen(&dir, &["validate", "--format", "json", "a.json"]);
    assert_eq!(code(&o), 1);
    let lines: Vec<serde_json::Value> = stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 1);
    let d = &lines[0];
    assert_eq!(d["code"], "E0024");
    assert_eq!(d["file"], "a.json");
    assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(3), Some(53)));
    for key in ["message", "severity", "end_line", "end_column", "help"] {
        assert!(d.get(key).is_some(), "missing `{key}`");
    }
    let o = apigen(&dir, &["validate", "--format", "github", "a.json"]);
    assert!(stdout(&o).starts_with("::error file=a.json,line=3,col=53,"), "{}", stdout(&o));
}

#[test]
fn text_output_shows_the_line_and_caret_without_color_when_piped() {
    let dir = scratch("text");
    std::fs::write(
        dir.join("a.json"),
        "{\"name\": \"a\", \"models\": {\"m\": {\"fields\": [{\"name\": \"x\", \"type\": \"strin\"}]}}}",
    )
    .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_apigen"))
        .args(["validate", "a.json"])
        .current_dir(&dir)
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    let out = stdout(&o);
    assert!(!out.contains('\u{1b}'), "no escape codes when stdout is not a terminal: {out:?}");
    assert!(out.contains("error[E0024]: type `strin` not found"), "{out}");
    assert!(out.contains("^^^^^^^ unknown type"), "{out}");
    assert!(out.contains("help: did you mean `string`?"), "a misspelt primitive gets a suggestion: {out}");
}

#[test]
fn explain_prints_docs_and_rejects_unknown_codes() {
    let o = apigen(&common::root(), &["explain", "E0024"]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).starts_with("E0024: type not found\n\n"), "{}", stdout(&o));
    let o = apigen(&common::root(), &["explain", "E9999"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("unknown code `E9999`"));
}

#[test]
fn imports_resolve_through_the_config_map_and_relative_paths() {
    let dir = scratch("imports");
    std::fs::create_dir_all(dir.join("specs/shared")).unwrap();
    std::fs::write(
        dir.join("apigen.toml"),
        "[organization]\nnamespace = \"com.acme\"\nspecs = \"specs\"\n[imports]\n\"https://specs.example.com/money.json\" = \"specs/shared/money.json\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("specs/shared/money.json"),
        r#"{"name": "money", "models": {"price": {"fields": [{"name": "amount", "type": "decimal"}]}}}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("specs/shared/common.json"),
        r#"{"name": "common", "models": {"error": {"fields": [{"name": "message", "type": "string"}]}}}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("specs/order.json"),
        r#"{"name": "order", "imports": [{"uri": "https://specs.example.com/money.json"}, {"uri": "file://shared/common.json"}],
           "models": {"order": {"fields": [{"name": "total", "type": "com.acme.money.v0.models.price"}, {"name": "error", "type": "com.acme.common.v0.models.error", "required": false}]}}}"#,
    )
    .unwrap();
    let o = apigen(&dir, &["validate"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    // A single file pulls in what it imports.
    let o = apigen(&dir, &["validate", "specs/order.json"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
}

#[test]
fn lint_reports_rule_findings_and_honours_the_config() {
    let dir = scratch("lint");
    std::fs::write(
        dir.join("shop.json"),
        r#"{"name": "shop", "models": {"user": {"fields": [{"name": "id", "type": "string"}, {"name": "createdAt", "type": "date-time-iso8601"}]}}}"#,
    )
    .unwrap();
    let o = apigen(&dir, &["lint", "--format", "json", "shop.json"]);
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("\"code\":\"FIELD_NAME_SNAKE_CASE\""), "{}", stdout(&o));

    // Turned off in apigen.toml: still reported in JSON, as suppressed, and no longer failing.
    std::fs::write(dir.join("apigen.toml"), "[lint]\nseverity = { FIELD_NAME_SNAKE_CASE = \"off\" }\n").unwrap();
    let o = apigen(&dir, &["lint", "--format", "json", "shop.json"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("\"suppressed\":\""), "{}", stdout(&o));

    // A misspelt rule in the config is a usage error.
    std::fs::write(dir.join("apigen.toml"), "[lint]\nexcept = [\"FIELD_NAME_SNAKECASE\"]\n").unwrap();
    let o = apigen(&dir, &["lint", "shop.json"]);
    assert_eq!(code(&o), 2, "{}{}", stdout(&o), stderr(&o));

    let o = apigen(&common::root(), &["explain", "FIELD_NAME_SNAKE_CASE"]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("createdAt"), "{}", stdout(&o));
}

#[test]
fn check_runs_validate_lint_and_diff_in_one_report() {
    let dir = scratch("check");
    let git = |args: &[&str]| {
        let o = Command::new("git").args(args).current_dir(&dir).output().unwrap();
        assert!(o.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&o.stderr));
    };
    git(&["init", "-q", "-b", "main"]);
    git(&["config", "user.email", "ci@example.com"]);
    git(&["config", "user.name", "CI"]);
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    std::fs::write(dir.join("apigen.toml"), "[organization]\nspecs = \"specs\"\n").unwrap();
    let spec = |extra: &str| {
        format!(
            r#"{{"name": "shop", "models": {{"order": {{"fields": [{{"name": "id", "type": "string"}}{extra}]}}}}}}"#
        )
    };
    std::fs::write(dir.join("specs/shop.json"), spec(r#", {"name": "note", "type": "string"}"#)).unwrap();
    git(&["add", "-A"]);
    git(&["commit", "-qm", "first"]);
    let o = apigen(&dir, &["check", "--against", "HEAD"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));

    // Remove a field (breaking) and add a camelCase one (lint): both in one report.
    std::fs::write(dir.join("specs/shop.json"), spec(r#", {"name": "giftNote", "type": "string", "required": false}"#))
        .unwrap();
    let o = apigen(&dir, &["check", "--against", "HEAD", "--format", "github"]);
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("title=FIELD_REMOVED"), "{out}");
    assert!(out.contains("title=FIELD_NAME_SNAKE_CASE"), "{out}");
}

#[test]
fn committed_generated_code_is_fresh() {
    let o = apigen(&common::root(), &["update", "--check"]);
    assert_eq!(code(&o), 0, "run `apigen update` and commit the result:\n{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("user: models → examples/user-service/src/generated/user/models.rs (unchanged)"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn update_writes_only_changes_refuses_hand_written_files_and_checks_staleness() {
    let dir = scratch("update");
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    std::fs::write(
        dir.join("apigen.toml"),
        "[organization]\nspecs = \"specs\"\n\n[apps.shop]\nservices = [\"shop\"]\ngenerators = [\"models\"]\noutput = \"out\"\n",
    )
    .unwrap();
    let spec = |field: &str| {
        format!(r#"{{"name": "shop", "models": {{"order": {{"fields": [{{"name": "{field}", "type": "string"}}]}}}}}}"#)
    };
    std::fs::write(dir.join("specs/shop.json"), spec("id")).unwrap();

    let o = apigen(&dir, &["update", "--app", "shop"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("shop: models → out/shop/models.rs (created)"), "{}", stdout(&o));
    let models = std::fs::read_to_string(dir.join("out/shop/models.rs")).unwrap();
    assert!(models.starts_with("// @generated") && models.contains("pub struct Order"));

    let o = apigen(&dir, &["update", "--check"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let o = apigen(&dir, &["update"]);
    assert!(stdout(&o).contains("(unchanged)") && !stdout(&o).contains("(updated)"), "{}", stdout(&o));

    // The spec changes: --check notices and writes nothing; update writes.
    std::fs::write(dir.join("specs/shop.json"), spec("number")).unwrap();
    let o = apigen(&dir, &["update", "--check"]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(stdout(&o).contains("(stale)"), "{}", stdout(&o));
    assert_eq!(std::fs::read_to_string(dir.join("out/shop/models.rs")).unwrap(), models);
    let o = apigen(&dir, &["update"]);
    assert!(stdout(&o).contains("out/shop/models.rs (updated)"), "{}", stdout(&o));

    // A hand-written file in the way is never overwritten, and nothing else is written either.
    std::fs::write(dir.join("out/shop/models.rs"), "// my own code\n").unwrap();
    std::fs::write(dir.join("specs/shop.json"), spec("id")).unwrap();
    let o = apigen(&dir, &["update"]);
    assert_eq!(code(&o), 2, "{}", stdout(&o));
    assert!(stderr(&o).contains("refusing to overwrite"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(dir.join("out/shop/models.rs")).unwrap(), "// my own code\n");

    // Unknown apps and generators are usage errors; spec errors write nothing and exit 1.
    assert_eq!(code(&apigen(&dir, &["update", "--app", "nope"])), 2);
    std::fs::write(dir.join("apigen.toml"), "[organization]\nspecs = \"specs\"\n\n[apps.shop]\nservices = [\"shop\"]\ngenerators = [\"modles\"]\noutput = \"out\"\n").unwrap();
    let o = apigen(&dir, &["update"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("unknown generator `modles`"), "{}", stderr(&o));
    std::fs::write(
        dir.join("specs/shop.json"),
        "{\"name\": \"shop\", \"models\": {\"order\": {\"fields\": [{\"name\": \"id\", \"type\": \"nope\"}]}}}",
    )
    .unwrap();
    let o = apigen(&dir, &["update"]);
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
}

/// An output folder that cannot be written (here, a file stands where a folder must be) is a
/// clear error with exit 2, and files already generated stay exactly as they were.
#[test]
fn update_into_an_unwritable_output_changes_nothing() {
    let dir = scratch("update-unwritable");
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    std::fs::write(
        dir.join("apigen.toml"),
        "[organization]\nspecs = \"specs\"\n\n[apps.shop]\nservices = [\"shop\"]\ngenerators = [\"models\"]\noutput = \"out\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("specs/shop.json"),
        r#"{"name": "shop", "models": {"order": {"fields": [{"name": "id", "type": "string"}]}}}"#,
    )
    .unwrap();
    assert_eq!(code(&apigen(&dir, &["update"])), 0);
    let before = std::fs::read_to_string(dir.join("out/mod.rs")).unwrap();

    // The spec gains an import, so `out/common/` is needed; a file blocks it.
    std::fs::write(
        dir.join("specs/common.json"),
        r#"{"name": "common", "models": {"money": {"fields": [{"name": "amount", "type": "decimal"}]}}}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("specs/shop.json"),
        r#"{"name": "shop", "imports": [{"uri": "https://app.apibuilder.io/acme/common/latest/service.json"}],
            "models": {"order": {"fields": [{"name": "total", "type": "common.v0.models.money"}]}}}"#,
    )
    .unwrap();
    std::fs::write(dir.join("out/common"), "not a folder").unwrap();
    let o = apigen(&dir, &["update"]);
    assert_eq!(code(&o), 2, "{}{}", stdout(&o), stderr(&o));
    assert!(
        stderr(&o).contains("cannot create folder") && stderr(&o).contains("nothing was written"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).is_empty(), "nothing may be reported as written: {}", stdout(&o));
    assert_eq!(std::fs::read_to_string(dir.join("out/mod.rs")).unwrap(), before);
    let leftovers: Vec<_> = std::fs::read_dir(dir.join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".apigen-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind: {leftovers:?}");
}

/// A generated file the plan no longer has (its service left the repository) is flagged by
/// `--check` and deleted by `update`; a hand-written file beside it is never touched, and nor are
/// the files of another app whose output folder lies inside this one's.
#[test]
fn update_deletes_orphaned_generated_files_and_check_flags_them() {
    let dir = scratch("update-orphans");
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    let config = "[organization]\nspecs = \"specs\"\n\n\
        [apps.shop]\nservices = [\"shop\"]\ngenerators = [\"models\"]\noutput = \"out\"\n\n\
        [apps.inner]\nservices = [\"shop\"]\ngenerators = [\"models\"]\noutput = \"out/inner\"\n";
    std::fs::write(dir.join("apigen.toml"), config).unwrap();
    std::fs::write(
        dir.join("specs/common.json"),
        r#"{"name": "common", "models": {"money": {"fields": [{"name": "amount", "type": "decimal"}]}}}"#,
    )
    .unwrap();
    let shop = |import: bool| {
        let (imports, ty) = if import {
            (
                r#""imports": [{"uri": "https://app.apibuilder.io/acme/common/latest/service.json"}],"#,
                "common.v0.models.money",
            )
        } else {
            ("", "string")
        };
        format!(
            r#"{{"name": "shop", {imports} "models": {{"order": {{"fields": [{{"name": "total", "type": "{ty}"}}]}}}}}}"#
        )
    };
    std::fs::write(dir.join("specs/shop.json"), shop(true)).unwrap();
    let o = apigen(&dir, &["update"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(dir.join("out/common/models.rs").is_file() && dir.join("out/inner/common/models.rs").is_file());
    std::fs::write(dir.join("out/common/notes.rs"), "// written by hand\n").unwrap();

    // The import goes: `common` is no longer generated for either app.
    std::fs::write(dir.join("specs/shop.json"), shop(false)).unwrap();
    let o = apigen(&dir, &["update", "--check", "--app", "shop"]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(stdout(&o).contains("shop: orphan → out/common/models.rs (stale)"), "{}", stdout(&o));
    assert!(!stdout(&o).contains("inner/"), "another app's files are not this app's: {}", stdout(&o));
    assert!(dir.join("out/common/models.rs").is_file(), "--check deletes nothing");
    // From inside the output folder too, the inner app's folder is the inner app's.
    let o = apigen(&dir.join("out"), &["update", "--check", "--app", "shop"]);
    assert!(!stdout(&o).contains("inner/"), "run from inside: {}", stdout(&o));
    let o = apigen(&dir, &["check"]);
    assert!(stdout(&o).contains("out/common/models.rs is no longer generated"), "{}", stdout(&o));

    let o = apigen(&dir, &["update", "--app", "shop"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("shop: orphan → out/common/models.rs (deleted)"), "{}", stdout(&o));
    assert!(!dir.join("out/common/models.rs").exists() && !dir.join("out/common/mod.rs").exists());
    assert_eq!(std::fs::read_to_string(dir.join("out/common/notes.rs")).unwrap(), "// written by hand\n");
    assert!(dir.join("out/inner/common/models.rs").is_file(), "the other app's files stay until it is updated");
    assert!(!std::fs::read_to_string(dir.join("out/mod.rs")).unwrap().contains("common"));
    let o = apigen(&dir, &["update", "--check"]);
    assert_eq!(code(&o), 1, "the inner app is still stale: {}", stdout(&o));
    assert_eq!(code(&apigen(&dir, &["update"])), 0);
    assert_eq!(code(&apigen(&dir, &["update", "--check"])), 0);
    assert!(!dir.join("out/inner/common").exists(), "an emptied service folder goes too");

    // Two apps writing one folder would delete each other's files: refused up front.
    std::fs::write(dir.join("apigen.toml"), config.replace("out/inner", "./out/")).unwrap();
    let o = apigen(&dir, &["update"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("both write to"), "{}", stderr(&o));
}

/// `[apps.<name>.models]` shapes the generated code: extra derives, and spec types replaced by
/// the app's own; a setting that is not a Rust path is a clear usage error.
#[test]
fn update_applies_model_settings() {
    let dir = scratch("update-settings");
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    std::fs::write(
        dir.join("specs/shop.json"),
        r#"{"name": "shop", "models": {"money": {"fields": [{"name": "amount", "type": "decimal"}]},
            "order": {"fields": [{"name": "id", "type": "uuid"}, {"name": "total", "type": "money"}]}}}"#,
    )
    .unwrap();
    let config = |derives: &str| {
        format!(
            "[organization]\nspecs = \"specs\"\n\n[apps.shop]\nservices = [\"shop\"]\ngenerators = [\"models\"]\noutput = \"out\"\n\n\
             [apps.shop.models]\nderives = [{derives}]\nreplace = {{ money = \"crate::Money\", uuid = \"crate::OrderId\" }}\n"
        )
    };
    std::fs::write(dir.join("apigen.toml"), config("\"Eq\", \"Hash\"")).unwrap();
    let o = apigen(&dir, &["update"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let models = std::fs::read_to_string(dir.join("out/shop/models.rs")).unwrap();
    assert!(models.contains("::serde::Deserialize, Eq, Hash)]\npub struct Order {"), "{models}");
    assert!(models.contains("pub id: crate::OrderId,") && models.contains("pub total: crate::Money,"), "{models}");
    assert!(!models.contains("pub struct Money"), "a replaced type is not generated: {models}");

    std::fs::write(dir.join("apigen.toml"), config("\"not a path\"")).unwrap();
    let o = apigen(&dir, &["update"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("setting `derives`: `not a path` is not a Rust path"), "{}", stderr(&o));
}

/// The update cache answers a run in which nothing changed, and never hides a change: an edited
/// spec, a new spec file, a hand-edited, deleted or stray generated file, a changed apigen.toml
/// or a broken cache file all fall back to the full run.
#[test]
fn the_update_cache_never_makes_a_stale_file_look_fresh() {
    let dir = scratch("update-cache");
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    let config = "[organization]\nspecs = \"specs\"\n\n[apps.shop]\nservices = [\"shop\"]\ngenerators = [\"models\"]\noutput = \"out\"\n";
    std::fs::write(dir.join("apigen.toml"), config).unwrap();
    let spec = |field: &str| {
        format!(r#"{{"name": "shop", "models": {{"order": {{"fields": [{{"name": "{field}", "type": "string"}}]}}}}}}"#)
    };
    std::fs::write(dir.join("specs/shop.json"), spec("id")).unwrap();
    assert_eq!(code(&apigen(&dir, &["update"])), 0);
    assert!(dir.join(".apigen/update/shop.json").is_file(), "the run leaves its cache");
    let fresh = |why: &str| {
        let o = apigen(&dir, &["update", "--check"]);
        assert_eq!(code(&o), 0, "{why}: {}{}", stdout(&o), stderr(&o));
        assert!(stdout(&o).contains("shop: models → out/shop/models.rs (unchanged)"), "{why}: {}", stdout(&o));
    };
    let stale = |why: &str| {
        let o = apigen(&dir, &["update", "--check"]);
        assert_eq!(code(&o), 1, "{why}: {}", stdout(&o));
        assert_eq!(code(&apigen(&dir, &["update"])), 0, "{why}");
    };
    fresh("nothing changed");

    std::fs::write(dir.join("specs/shop.json"), spec("number")).unwrap();
    stale("an edited spec");
    fresh("after the update");

    let models = dir.join("out/shop/models.rs");
    let text = std::fs::read_to_string(&models).unwrap();
    std::fs::write(&models, format!("{text}// a hand edit\n")).unwrap();
    stale("a hand-edited generated file");
    std::fs::remove_file(&models).unwrap();
    stale("a deleted generated file");

    std::fs::write(dir.join("out/shop/extra.rs"), "// @generated by apigen from the spec repository; do not edit.\n")
        .unwrap();
    stale("a generated file the plan does not have");
    assert!(!dir.join("out/shop/extra.rs").exists());

    std::fs::write(
        dir.join("specs/common.json"),
        r#"{"name": "common", "models": {"money": {"fields": [{"name": "amount", "type": "decimal"}]}}}"#,
    )
    .unwrap();
    let o = apigen(&dir, &["update", "--check"]);
    assert_eq!(code(&o), 0, "a new spec no app uses changes no file: {}", stdout(&o));
    assert!(!stdout(&o).contains("common"), "{}", stdout(&o));

    std::fs::write(dir.join("apigen.toml"), config.replace("[\"models\"]", "[\"models\", \"api\"]")).unwrap();
    let o = apigen(&dir, &["update", "--check"]);
    assert_eq!(code(&o), 0, "a service without operations gets no api: {}", stdout(&o));
    std::fs::write(dir.join("apigen.toml"), config).unwrap();

    std::fs::write(dir.join(".apigen/update/shop.json"), "{ not json").unwrap();
    fresh("a broken cache is no cache");
}

/// `apigen generate` turns a spec into a crate a new user can build: here apibuilder's reference
/// API, every generator, checked by `cargo clippy -D warnings` (against the target dir the
/// generator compile test shares, and the repository's lock file, so nothing is built twice).
#[test]
fn generate_writes_a_crate_that_passes_clippy() {
    let dir = scratch("generate");
    let spec = common::corpus("apibuilder").join("apicollective_apibuilder-generator__reference-api__api.json");
    let out = dir.join("reference-api");
    let o = apigen(&dir, &["generate", spec.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("(created)"), "{}", stdout(&o));
    let cargo = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(
        cargo.contains("name = \"reference-api\"") && cargo.contains("features = [\"server\", \"client\"]"),
        "{cargo}"
    );
    assert!(cargo.contains("apigen-runtime = { path = \"../"), "a relative path when both live in one tree: {cargo}");
    assert!(out.join("src/lib.rs").is_file());

    // Twice: nothing changes; a spec with errors writes nothing; a bad generator is a usage error.
    let o = apigen(&dir, &["generate", spec.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(!stdout(&o).contains("(created)") && !stdout(&o).contains("(updated)"), "{}", stdout(&o));
    std::fs::write(
        dir.join("bad.json"),
        r#"{"name": "bad", "models": {"x": {"fields": [{"name": "a", "type": "nope"}]}}}"#,
    )
    .unwrap();
    let o = apigen(&dir, &["generate", "bad.json", "--out", "bad-crate"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(!dir.join("bad-crate").exists());
    let o = apigen(&dir, &["generate", spec.to_str().unwrap(), "--out", "x", "--generators", "models,modles"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("unknown generator `modles`"), "{}", stderr(&o));

    std::fs::copy(common::root().join("Cargo.lock"), out.join("Cargo.lock")).unwrap();
    let target = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("generated-models-target");
    let check = Command::new(env!("CARGO"))
        .args(["clippy", "--quiet", "--all-targets", "--", "-D", "warnings"])
        .current_dir(&out)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "the generated crate does not pass clippy:\n{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

/// An app may ask for a crate of its own (`crate = "name"`): Cargo.toml and src/lib.rs at its
/// output, the runtime by a relative path, kept fresh and checked like any generated file.
#[test]
fn an_app_can_be_generated_as_a_crate() {
    let dir = scratch("update-crate");
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    std::fs::write(
        dir.join("apigen.toml"),
        "[organization]\nspecs = \"specs\"\n\n[apps.shop]\nservices = [\"shop\"]\ngenerators = [\"models\"]\noutput = \"shop-api\"\ncrate = \"shop-api\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("specs/shop.json"),
        r#"{"name": "shop", "models": {"order": {"fields": [{"name": "id", "type": "uuid"}]}}}"#,
    )
    .unwrap();
    let o = apigen(&dir, &["update"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("shop: crate → shop-api/Cargo.toml (created)"), "{}", stdout(&o));
    let cargo = std::fs::read_to_string(dir.join("shop-api/Cargo.toml")).unwrap();
    assert!(cargo.contains("apigen-runtime = { path = \"../") && cargo.contains("features = [] }"), "{cargo}");
    assert!(cargo.contains("uuid = ") && !cargo.contains("[workspace]"), "{cargo}");
    assert!(std::fs::read_to_string(dir.join("shop-api/src/lib.rs")).unwrap().contains("pub mod shop;"));
    assert!(dir.join("shop-api/src/shop/models.rs").is_file());
    assert_eq!(code(&apigen(&dir, &["update", "--check"])), 0);
    std::fs::write(dir.join("shop-api/Cargo.toml"), "[package]\nname = \"mine\"\n").unwrap();
    let o = apigen(&dir, &["update"]);
    assert_eq!(code(&o), 2, "a Cargo.toml without the mark is the user's: {}", stdout(&o));
    assert!(stderr(&o).contains("refusing to overwrite"), "{}", stderr(&o));
}

/// Runs apigen with a deadline: a hang is a failure, not a stuck CI run.
fn apigen_within(dir: &Path, args: &[&str], seconds: u64) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_apigen"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let (done, wait) = std::sync::mpsc::channel();
    std::thread::spawn(move || done.send(child.wait_with_output()));
    match wait.recv_timeout(std::time::Duration::from_secs(seconds)) {
        Ok(out) => out.unwrap(),
        Err(_) => {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            panic!("`apigen {}` did not finish within {seconds} s", args.join(" "));
        }
    }
}

/// Devices, pipes and folders where a file should be are named and refused before they are
/// opened (a pipe would block, `/dev/zero` would never end); so is a file over the size limit,
/// from its size alone, and an `apigen.toml` that is not a regular file.
#[test]
fn only_regular_files_of_bounded_size_are_read() {
    let dir = scratch("hostile");
    let o = apigen_within(&dir, &["validate", "/dev/zero"], 10);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("cannot read `/dev/zero`: it is a character device, not a regular file"),
        "{}",
        stderr(&o)
    );

    // A named pipe in a spec folder: nobody will ever write to it.
    let specs = dir.join("specs");
    std::fs::create_dir_all(&specs).unwrap();
    std::fs::write(specs.join("a.json"), r#"{"name": "a"}"#).unwrap();
    let made = Command::new("mkfifo").arg(specs.join("pipe.json")).status().unwrap();
    assert!(made.success());
    let o = apigen_within(&dir, &["validate", "specs"], 10);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("cannot read `specs/pipe.json`: it is a named pipe"), "{}", stderr(&o));

    // 300 MB that take no disk (a sparse file): refused from the size, not read.
    let big = dir.join("big.json");
    std::fs::File::create(&big).unwrap().set_len(300 << 20).unwrap();
    let started = std::time::Instant::now();
    let o = apigen_within(&dir, &["validate", "big.json"], 10);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("it is 300.0 MB (314572800 bytes), over the 256 MB"), "{}", stderr(&o));
    assert!(started.elapsed() < std::time::Duration::from_secs(2), "refusing took {:?}", started.elapsed());

    let o = apigen_within(&dir, &["validate", "--config", "/dev/null", "specs/a.json"], 10);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("cannot read `/dev/null`: it is a character device"), "{}", stderr(&o));
}

/// `apigen … | head`: when the reader has gone, the program ends quietly, with the status a shell
/// gives a program the pipe's signal ended, and no "Broken pipe" message.
#[test]
fn a_closed_pipe_ends_the_program_quietly() {
    let dir = scratch("closed-pipe");
    std::fs::write(
        dir.join("a.json"),
        r#"{"name": "a", "models": {"m": {"fields": [{"name": "x", "type": "strng"}]}}}"#,
    )
    .unwrap();
    for args in [&["validate", "a.json"][..], &["explain", "E0024"], &["validate", "--format", "json", "a.json"]] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let o = Command::new(env!("CARGO_BIN_EXE_apigen"))
            .args(args)
            .current_dir(&dir)
            .stdout(writer)
            .stderr(std::process::Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(141), "apigen {args:?}: {}", stderr(&o));
        assert_eq!(stderr(&o), "", "apigen {args:?}");
    }
}

/// Bad OpenAPI input of every kind, through the binary: each a clear diagnostic at file:line:col
/// with its code, exit 1, and no hang.
#[test]
fn bad_openapi_documents_fail_clearly_and_quickly() {
    let dir = scratch("bad-openapi");
    let head = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\n";
    let mut laughs =
        String::from("openapi: 3.1.0\ninfo: {title: t, version: '1'}\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        laughs.push_str(&format!("a{i}: &a{i} [{}]\n", vec![format!("*a{}", i - 1); 10].join(", ")));
    }
    let deep = format!("{head}x: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    let cases: Vec<(&str, String, &str)> = vec![
        ("bomb.yaml", laughs, "E0063"),
        ("deep.yaml", deep, "E0004"),
        ("tabs.yaml", format!("{head}paths:\n\t/a: {{}}\n"), "E0063"),
        ("dupes.yaml", format!("{head}paths: {{}}\npaths: {{}}\n"), "E0007"),
        (
            "loop.yaml",
            format!(
                "{head}paths: {{}}\ncomponents: {{schemas: {{A: {{$ref: '#/components/schemas/B'}}, B: {{$ref: '#/components/schemas/A'}}}}}}\n"
            ),
            "E0103",
        ),
        (
            "missing-file.yaml",
            format!(
                "{head}paths: {{}}\ncomponents: {{schemas: {{A: {{type: object, properties: {{b: {{$ref: './missing.yaml#/B'}}}}}}}}}}\n"
            ),
            "E0102",
        ),
        (
            "missing-pointer.yaml",
            format!(
                "{head}paths: {{}}\ncomponents: {{schemas: {{A: {{type: object, properties: {{b: {{$ref: '#/components/schemas/Nope'}}}}}}}}}}\n"
            ),
            "E0102",
        ),
        ("swagger.yaml", "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n".into(), "E0101"),
        ("future.yaml", "openapi: 4.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n".into(), "E0101"),
    ];
    for (name, text, want) in &cases {
        std::fs::write(dir.join(name), text).unwrap();
        let o = apigen_within(&dir, &["validate", name], 20);
        assert_eq!(code(&o), 1, "{name}: {}{}", stdout(&o), stderr(&o));
        let out = stdout(&o);
        assert!(out.contains(&format!("error[{want}]")), "{name}: expected {want}:\n{out}");
        assert!(out.contains(&format!("{name}:")), "{name}: no file:line:col:\n{out}");
    }
    // Invalid UTF-8 and a 50 MB document, in YAML too.
    std::fs::write(dir.join("latin1.yaml"), b"openapi: 3.1.0\ninfo: {title: caf\xe9, version: '1'}\n").unwrap();
    let o = apigen_within(&dir, &["validate", "latin1.yaml"], 20);
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("error[E0003]"), "{}", stdout(&o));
    let mut big = String::from("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\nx-filler:\n");
    while big.len() < 50 << 20 {
        big.push_str("  - a line of filler text that makes the document fifty megabytes long\n");
    }
    big.push_str("oops: [\n");
    std::fs::write(dir.join("big.yaml"), &big).unwrap();
    let o = apigen_within(&dir, &["validate", "big.yaml"], 120);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stdout(&o).contains("error[E0063]"), "{}", stdout(&o));
}

#[test]
fn update_writes_one_migration_per_change_and_never_rewrites_one() {
    let dir = scratch("migrations");
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    let config = |allow: &str| {
        format!(
            "[organization]\nspecs = \"specs\"\n\n[apps.shop]\nservices = [\"shop\"]\ngenerators = [\"models\"]\noutput = \"out\"\n\n[apps.shop.migrations]\npath = \"db\"\nservices = [\"shop-dao\"]\nallow = [{allow}]\n"
        )
    };
    std::fs::write(dir.join("apigen.toml"), config("")).unwrap();
    std::fs::write(
        dir.join("specs/shop.json"),
        r#"{"name": "shop", "models": {"order": {"fields": [{"name": "id", "type": "string"}]}}}"#,
    )
    .unwrap();
    let dao = |fields: &str| {
        format!(
            r#"{{"name": "shop dao", "attributes": [{{"name": "psql", "value": {{"pkey": "id"}}}}], "models": {{"order": {{"fields": [{fields}]}}}}}}"#
        )
    };
    let id = r#"{"name": "id", "type": "string"}"#;
    let note = r#"{"name": "note", "type": "string", "required": false}"#;
    std::fs::write(dir.join("specs/shop-dao.json"), dao(id)).unwrap();

    let o = apigen(&dir, &["update", "--app", "shop"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("shop: migrations → db/0001_create_orders.sql (created)"), "{}", stdout(&o));
    let first = std::fs::read_to_string(dir.join("db/0001_create_orders.sql")).unwrap();
    assert!(first.starts_with("-- @generated") && first.contains("create table public.orders"), "{first}");
    let o = apigen(&dir, &["update", "--check"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));

    // A column added: the next migration, and --check says one is pending until it is written.
    std::fs::write(dir.join("specs/shop-dao.json"), dao(&format!("{id}, {note}"))).unwrap();
    let o = apigen(&dir, &["update", "--check"]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(stdout(&o).contains("0002_add_orders_note.sql (stale)"), "{}", stdout(&o));
    assert!(!dir.join("db/0002_add_orders_note.sql").exists());
    let o = apigen(&dir, &["update"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let second = std::fs::read_to_string(dir.join("db/0002_add_orders_note.sql")).unwrap();
    assert!(second.contains("alter table public.orders add column note text"), "{second}");

    // Two branches that each added a 0002: refused, naming both, and nothing written.
    std::fs::write(
        dir.join("db/0002_from_another_branch.sql"),
        "-- @generated by apigen
",
    )
    .unwrap();
    let o = apigen(&dir, &["update"]);
    assert_eq!(code(&o), 2, "{}{}", stdout(&o), stderr(&o));
    assert!(stderr(&o).contains("two migrations numbered 0002"), "{}", stderr(&o));
    assert!(stderr(&o).contains("0002_from_another_branch.sql"), "{}", stderr(&o));
    std::fs::remove_file(dir.join("db/0002_from_another_branch.sql")).unwrap();
    assert_eq!(std::fs::read_to_string(dir.join("db/0001_create_orders.sql")).unwrap(), first, "never rewritten");

    // Dropping it is destructive: refused, nothing written, until allowed.
    std::fs::write(dir.join("specs/shop-dao.json"), dao(id)).unwrap();
    let o = apigen(&dir, &["update"]);
    assert_ne!(code(&o), 0);
    assert!(stderr(&o).contains("column public.orders.note would be dropped"), "{}", stderr(&o));
    assert!(stderr(&o).contains("allow = [\"public.orders.note\"]"), "{}", stderr(&o));
    assert!(!dir.join("db/0003_drop_orders_note.sql").exists());
    std::fs::write(dir.join("apigen.toml"), config("\"public.orders.note\"")).unwrap();
    let o = apigen(&dir, &["update"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(std::fs::read_to_string(dir.join("db/0003_drop_orders_note.sql")).unwrap().contains("drop column note"));
}
