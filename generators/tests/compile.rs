//! Generated code must compile without warnings and pass clippy. Everything the generators make
//! (models, API traits, server, client, mock, DAO, events) for `schemas/`, every fixture and
//! every corpus spec that compiles cleanly is written under the target dir as a module per spec
//! repository, and `cargo clippy -- -D warnings` checks it. Specs whose generated code is known not to pass are
//! listed, each with its reason, in `compile-expectations.tsv`; each is checked in a crate of its
//! own, so the test also fails when one of them starts passing and its line must go.
//!
//! The modules are packed into several crates of about [`CRATE_BUDGET`] bytes each, checked at
//! most [`JOBS`] at a time against one shared target dir. rustc's memory grows with the size of a
//! crate: the 35 MB of generated Rust as one crate peaked at 15 GB and ran on one core; packed,
//! the peak stays a few GB whatever the number of cores, and two crates are checked at once.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every dependency generated code may name, as the Cargo.toml of a generated crate declares it
/// (one list, `generators::plan::DEPENDENCIES`), besides the runtime (by path).
fn dependencies() -> String {
    generators::plan::DEPENDENCIES.iter().map(|(name, _, how)| format!("{name} = {how}\n")).collect()
}

/// `apigen-runtime` from this repository, with the features generated servers, clients and DAOs use.
fn runtime_dependency() -> String {
    let path = common::repo_root().join("runtime").canonicalize().unwrap();
    format!(
        "apigen-runtime = {{ path = {:?}, features = [\"server\", \"client\", \"dao\", \"events\"] }}\n",
        path.display().to_string()
    )
}

/// The repository's workspace lints, which `examples/user-service` inherits.
const LINTS: &str = r#"[lints.rust]
unsafe_code = "forbid"
missing_debug_implementations = "warn"

[lints.clippy]
all = { level = "warn", priority = -1 }
"#;

/// The packages holding the specs expected to pass are named `generated-1`, `generated-2`, …
const PASSING_PREFIX: &str = "generated-";

/// About how many bytes of generated Rust go into one crate (a larger spec gets a crate alone).
const CRATE_BUDGET: usize = 4 << 20;

/// How many crates cargo checks at once: a fixed number, so that a machine with many cores and
/// little memory does not run out of it.
const JOBS: &str = "2";

/// Packs modules into crates of at most `budget` bytes, largest first (first fit decreasing), so
/// the crates come out few and even; the result depends only on the modules.
fn pack(mut modules: Vec<Module>, budget: usize) -> Vec<Vec<Module>> {
    let size = |m: &Module| -> usize { m.services.iter().flat_map(|(_, f)| f).map(|(_, c)| c.len()).sum() };
    modules.sort_by(|a, b| size(b).cmp(&size(a)).then_with(|| a.name.cmp(&b.name)));
    let mut crates: Vec<(usize, Vec<Module>)> = Vec::new();
    for m in modules {
        let n = size(&m);
        match crates.iter_mut().find(|(used, _)| used + n <= budget) {
            Some((used, members)) => {
                *used += n;
                members.push(m);
            }
            None => crates.push((n, vec![m])),
        }
    }
    crates
        .into_iter()
        .map(|(_, mut members)| {
            members.sort_by(|a, b| a.name.cmp(&b.name));
            members
        })
        .collect()
}

/// A spec expected to fail: a substring of one of its errors, and why.
struct Expectation {
    error: String,
    reason: String,
}

fn expectations() -> BTreeMap<String, Expectation> {
    let path = common::manifest_dir().join("tests/compile-expectations.tsv");
    let text = std::fs::read_to_string(path).unwrap();
    let mut out = BTreeMap::new();
    for line in text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 3, "expectation lines are `unit<TAB>error<TAB>reason`: {line}");
        let e = Expectation { error: cols[1].to_string(), reason: cols[2].to_string() };
        assert!(out.insert(cols[0].to_string(), e).is_none(), "listed twice: {}", cols[0]);
    }
    out
}

/// A unit's name as a Rust module name: lower case, runs of other characters as one `_`.
fn module_name(prefix: &str, name: &str) -> String {
    let mut s = format!("{prefix}_");
    for c in name.trim_end_matches(".json").chars() {
        let c = if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' };
        if c != '_' || !s.ends_with('_') {
            s.push(c);
        }
    }
    s.trim_end_matches('_').to_string()
}

/// Writes a file only when its contents differ, so that cargo sees no change on a rerun.
fn write_if_changed(path: &Path, contents: &str) {
    if std::fs::read_to_string(path).is_ok_and(|old| old == contents) {
        return;
    }
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, contents).unwrap();
}

/// Removes every entry of `dir` not named in `keep`.
fn remove_others(dir: &Path, keep: &BTreeSet<&str>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if keep.contains(path.file_name().unwrap().to_str().unwrap()) {
            continue;
        }
        if path.is_dir() {
            std::fs::remove_dir_all(&path).unwrap();
        } else {
            std::fs::remove_file(&path).unwrap();
        }
    }
}

/// A service's module name and each generator's file: `(generator, contents)`.
type ServiceFiles = (String, Vec<(String, String)>);

/// One spec repository's generated code: a module name and the files of each service.
struct Module {
    name: String,
    services: Vec<ServiceFiles>,
}

/// Lays out a crate: `src/lib.rs` declaring a module per unit, and under it
/// `src/<unit>/<service>/models.rs` as `apigen update` lays out an app's output folder.
fn write_crate(dir: &Path, package: &str, modules: &[Module]) {
    write_if_changed(
        &dir.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"{package}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [lib]\ndoctest = false\n\n[dependencies]\n{}{}\n{LINTS}",
            runtime_dependency(),
            dependencies()
        ),
    );
    let mut lib = String::from("//! Generated models, one module per spec repository.\n\n");
    for m in modules {
        lib.push_str(&format!("pub mod {};\n", m.name));
        let unit_dir = dir.join("src").join(&m.name);
        let services: Vec<String> = m.services.iter().map(|(s, _)| s.clone()).collect();
        write_if_changed(&unit_dir.join("mod.rs"), &generators::module_file("mod.rs", &services).contents);
        for (service, files) in &m.services {
            let names: Vec<String> = files.iter().map(|(g, _)| g.clone()).collect();
            let module = generators::module_file(&format!("{service}/mod.rs"), &names);
            write_if_changed(&unit_dir.join(service).join("mod.rs"), &module.contents);
            for (generator, contents) in files {
                write_if_changed(&unit_dir.join(service).join(format!("{generator}.rs")), contents);
            }
        }
        remove_others(&unit_dir, &services.iter().map(String::as_str).chain(["mod.rs"]).collect());
    }
    write_if_changed(&dir.join("src/lib.rs"), &lib);
    remove_others(&dir.join("src"), &modules.iter().map(|m| m.name.as_str()).chain(["lib.rs"]).collect());
    remove_others(dir, &["Cargo.toml", "src"].into_iter().collect());
}

/// A rustc or clippy diagnostic: the package it is about, its level, its file and its text.
#[derive(Debug)]
struct Finding {
    package: String,
    level: String,
    file: String,
    rendered: String,
}

struct Run {
    findings: Vec<Finding>,
    stderr: String,
}

/// Runs `cargo clippy -- -D warnings` on every crate of the generated workspace, going on past
/// the crates expected to fail, and collects every diagnostic.
fn clippy(workspace: &Path) -> Run {
    let out = Command::new(env!("CARGO"))
        .args(["clippy", "--workspace", "--keep-going", "--quiet", "--message-format=json", "--jobs", JOBS])
        .args(["--", "-D", "warnings"])
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("generated-models-target"))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cannot run cargo");
    let mut findings = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        if v["reason"] != "compiler-message" {
            continue;
        }
        let m = &v["message"];
        let primary = m["spans"].as_array().and_then(|s| s.iter().find(|s| s["is_primary"] == true));
        findings.push(Finding {
            // The lib target is named like its package, with `_` for `-`.
            package: v["target"]["name"].as_str().unwrap_or("").replace('_', "-"),
            level: m["level"].as_str().unwrap_or("").to_string(),
            file: primary.and_then(|s| s["file_name"].as_str()).unwrap_or("").to_string(),
            rendered: m["rendered"].as_str().unwrap_or("").to_string(),
        });
    }
    Run { findings, stderr: String::from_utf8_lossy(&out.stderr).into_owned() }
}

/// Where a unit comes from: the repository's specs and fixtures must compile without errors;
/// corpus specs with errors are `tests/corpus.rs`'s business (root crate) and are left out.
#[derive(Debug, Clone, Copy)]
enum Source {
    Repository,
    Corpus,
}

#[test]
fn generated_models_compile_without_warnings_and_pass_clippy() {
    let started = std::time::Instant::now();
    let expected = expectations();
    let ws = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("generated-models");
    let mut passing: Vec<Module> = Vec::new();
    // (unit, package, expectation)
    let mut failing: Vec<(String, String, &Expectation)> = Vec::new();
    let mut outputs: BTreeMap<Vec<ServiceFiles>, String> = BTreeMap::new();
    let mut skipped: Vec<String> = Vec::new();
    let mut names = BTreeSet::new();

    let units = std::iter::once((Source::Repository, common::schemas()))
        .chain(common::fixtures().into_iter().map(|u| (Source::Repository, u)))
        .chain(common::corpus().into_iter().map(|u| (Source::Corpus, u)));
    for (source, unit) in units {
        let c = match source {
            Source::Repository => common::compile_clean(&unit),
            Source::Corpus => common::compile(&unit),
        };
        if c.has_errors() {
            continue;
        }
        let services = common::all_generated(&c.ir);
        // Copies of one spec (the corpus has a few) would only cost time.
        if let Some(first) = outputs.get(&services) {
            skipped.push(format!("{}: generates the same code as {first}", unit.name));
            continue;
        }
        outputs.insert(services.clone(), unit.name.clone());
        // The prefix also keeps a unit's module from being named like its only service's
        // (clippy's `module_inception`).
        let name = match source {
            Source::Repository => module_name("repo", &unit.name),
            Source::Corpus => module_name("corpus", &unit.name),
        };
        assert!(names.insert(name.clone()), "two units are named `{name}` as modules");
        let module = Module { name, services };
        match expected.get(&unit.name) {
            Some(e) => {
                let package = format!("known-failure-{}", module.name.replace('_', "-"));
                write_crate(&ws.join(&package), &package, std::slice::from_ref(&module));
                failing.push((unit.name, package, e));
            }
            None => passing.push(module),
        }
    }
    for name in expected.keys() {
        assert!(
            failing.iter().any(|(unit, _, _)| unit == name),
            "compile-expectations.tsv lists `{name}`, which is neither a fixture nor a corpus spec that compiles"
        );
    }

    let passing_count = passing.len();
    let mut passing_packages = Vec::new();
    for (i, modules) in pack(passing, CRATE_BUDGET).iter().enumerate() {
        let package = format!("{PASSING_PREFIX}{}", i + 1);
        write_crate(&ws.join(&package), &package, modules);
        passing_packages.push(package);
    }
    let packages: Vec<&str> =
        passing_packages.iter().map(String::as_str).chain(failing.iter().map(|(_, p, _)| p.as_str())).collect();
    let members: Vec<String> = packages.iter().map(|p| format!("\"{p}\"")).collect();
    // Its own workspace, so that the repository's workspace does not claim it.
    write_if_changed(
        &ws.join("Cargo.toml"),
        // Nothing here is run or debugged: build scripts and proc macros need no debug info. Nor
        // is it edited: incremental compilation would only cost time (a fifth of each check)
        // and memory; an unchanged crate is skipped on a rerun all the same.
        &format!(
            "[workspace]\nmembers = [{}]\nresolver = \"3\"\n\n[profile.dev]\ndebug = false\nincremental = false\n",
            members.join(", ")
        ),
    );
    // The repository's lock file pins the versions the example service builds with.
    if !ws.join("Cargo.lock").exists() {
        std::fs::copy(common::repo_root().join("Cargo.lock"), ws.join("Cargo.lock")).unwrap();
    }
    remove_others(&ws, &packages.iter().copied().chain(["Cargo.toml", "Cargo.lock"]).collect());

    let run = clippy(&ws);
    eprintln!(
        "clippy checked {} spec repositories in {} crates and {} known failures in {:.1?}; skipped:\n  {}",
        passing_count,
        passing_packages.len(),
        failing.len(),
        started.elapsed(),
        skipped.join("\n  ")
    );

    let mut problems: Vec<String> = run
        .findings
        .iter()
        .filter(|f| passing_packages.contains(&f.package))
        .map(|f| format!("{} in {}\n{}", f.level, f.file, f.rendered))
        .collect();
    for (unit, package, e) in &failing {
        let errors: Vec<&Finding> =
            run.findings.iter().filter(|f| &f.package == package && f.level == "error").collect();
        if !errors.iter().any(|f| f.rendered.contains(&e.error)) {
            let now = errors.first().map_or("no error at all".to_string(), |f| f.rendered.clone());
            problems.push(format!(
                "`{unit}` is expected to fail with `{}` ({}), but gives {now}\n\
                 remove its line from compile-expectations.tsv if the generator was fixed",
                e.error, e.reason
            ));
        }
    }
    // Anything else cargo reports: a dependency that does not build, a bad manifest.
    for line in run.stderr.lines().filter(|l| l.starts_with("error")) {
        let package = line.strip_prefix("error: could not compile `").and_then(|rest| rest.split('`').next());
        if !package.is_some_and(|p| packages.contains(&p)) {
            problems.push(format!("cargo: {line}\n{}", run.stderr));
        }
    }
    assert!(problems.is_empty(), "generated models do not pass clippy:\n{}", problems.join("\n"));
}
