//! `src/generated/` is what the generators make of `spec/shapes.json` with its unions untagged,
//! and with the settings an app can give (`[apps.<name>.models]`): an extra derive, and a spec
//! type replaced by a hand-written one.
//! Run with `APIGEN_BLESS=1` to rewrite it after a deliberate generator change (and review the
//! diff, as with any snapshot).

use std::path::{Path, PathBuf};

use compiler::ir::UnionEncoding;
use compiler::{Config, Input, NoLoader};
use generators::Generator;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file `src/generated/` should hold: `(path relative to it, contents)`.
fn expected() -> Vec<(String, String)> {
    let spec = root().join("spec/shapes.json");
    let input = Input { name: "spec/shapes.json".into(), bytes: std::fs::read(&spec).unwrap() };
    let mut c = compiler::compile(vec![input], &Config::default(), &mut NoLoader);
    let errors: Vec<&str> = c.errors().map(|d| d.message.as_str()).collect();
    assert!(errors.is_empty(), "spec/shapes.json: {errors:?}");
    // What the OpenAPI front end will produce for `oneOf` without a discriminator.
    for u in &mut c.ir.unions {
        u.encoding = UnionEncoding::Untagged;
    }
    let sid = c.ir.service_by_key("shapes").unwrap();
    // The app's settings: a derive on every model, and `square` taken from this crate.
    let settings = generators::Settings {
        derives: vec!["Default".into()],
        replace: [("square".to_string(), "crate::Square".to_string())].into(),
    };
    let generators = [Generator::Models, Generator::Api, Generator::Server, Generator::Client];
    let mut files: Vec<(String, String)> = generators
        .iter()
        .map(|g| {
            let f = generators::generate_with(&c.ir, sid, *g, &settings).unwrap();
            (f.path, f.contents)
        })
        .collect();
    let names: Vec<String> = generators.iter().map(|g| g.as_str().to_string()).collect();
    let module = generators::module_file("shapes/mod.rs", &names);
    files.push((module.path, module.contents));
    let top = generators::module_file("mod.rs", &["shapes".to_string()]);
    files.push((top.path, top.contents));
    files
}

#[test]
fn generated_code_is_fresh() {
    let dir = root().join("src/generated");
    let bless = std::env::var_os("APIGEN_BLESS").is_some();
    let mut stale = Vec::new();
    for (path, contents) in expected() {
        let file: &Path = &dir.join(&path);
        if std::fs::read_to_string(file).ok().as_deref() == Some(contents.as_str()) {
            continue;
        }
        if bless {
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, contents).unwrap();
        } else {
            stale.push(path);
        }
    }
    assert!(stale.is_empty(), "stale generated files {stale:?}: rerun with APIGEN_BLESS=1 and review the diff");
}
