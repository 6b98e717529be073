//! Helpers shared by the integration tests: compile fixtures and render diagnostics exactly as the
//! binary does, without colors.

#![allow(dead_code)] // Each test binary uses a different subset of these helpers.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use apigen::render;
use codespan_reporting::term::termcolor::NoColor;
use compiler::{Compilation, Config, Input, NoLoader};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shared corpus, beside the checkout (as CI lays it out).
pub fn corpus(kind: &str) -> PathBuf {
    let dir = root().join("../shared/corpus").join(kind);
    assert!(dir.is_dir(), "the corpus is missing: expected {} (shared/ beside the checkout)", dir.display());
    dir
}

/// The names of a corpus folder's files with one of the extensions, sorted.
pub fn corpus_files(dir: &Path, extensions: &[&str]) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| extensions.iter().any(|x| n.ends_with(x)))
        .collect();
    files.sort();
    files
}

/// An expectations file of `tests/` (`file<TAB>codes<TAB>reason`, codes `-` for none, `#`
/// comments): the error codes each listed file compiles with, and why. A file rejected without a
/// reason, or listed twice, fails the test.
pub fn expectations(name: &str) -> BTreeMap<String, (BTreeSet<String>, String)> {
    let text = std::fs::read_to_string(root().join("tests").join(name)).unwrap();
    let mut out = BTreeMap::new();
    for line in text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 3, "expectation lines are `file<TAB>codes<TAB>reason`: {line}");
        let codes: BTreeSet<String> =
            if cols[1] == "-" { BTreeSet::new() } else { cols[1].split(',').map(String::from).collect() };
        assert!(codes.is_empty() || !cols[2].trim().is_empty(), "a rejected file needs a reason: {line}");
        assert!(out.insert(cols[0].to_string(), (codes, cols[2].to_string())).is_none(), "listed twice: {}", cols[0]);
    }
    out
}

/// Reads a file, or every spec file (`*.json`, `*.yaml`, `*.yml`) of a folder, as inputs named
/// relative to `base`.
pub fn inputs(path: &Path, base: &Path) -> Vec<Input> {
    let mut files = Vec::new();
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            let p = entry.unwrap().path();
            if compiler::is_spec_file(&p.to_string_lossy()) {
                files.push(p);
            }
        }
        files.sort();
    } else {
        files.push(path.to_path_buf());
    }
    files
        .into_iter()
        .map(|p| Input {
            name: p.strip_prefix(base).unwrap_or(&p).to_string_lossy().replace('\\', "/"),
            bytes: std::fs::read(&p).unwrap(),
        })
        .collect()
}

pub fn compile(path: &Path, base: &Path, config: &Config) -> Compilation {
    compiler::compile(inputs(path, base), config, &mut NoLoader)
}

/// The text report followed by the JSON lines, as `apigen validate` prints them.
pub fn report(c: &Compilation) -> String {
    let mut text = NoColor::new(Vec::new());
    render::write_text(&c.diagnostics, &c.sources, &mut text).unwrap();
    let mut out = String::from_utf8(text.into_inner()).unwrap();
    out.push_str("---- json ----\n");
    for d in &c.diagnostics {
        out.push_str(&render::to_json(d, &c.sources).to_string());
        out.push('\n');
    }
    out.push_str("---- github ----\n");
    for d in &c.diagnostics {
        out.push_str(&render::to_github(d, &c.sources));
        out.push('\n');
    }
    out
}
