//! A spec repository of up to three files through the binary's own reading code: the input's
//! parts (split at lines reading `--`) become `specs/a.json`, then `b.json` and `c.json` beside
//! the folder, which `a.json` may import by URI (mapped in the configuration, as `apigen.toml`
//! maps them) and which are read through the real disk loader, as `apigen validate` reads them.
#![no_main]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

/// A folder of this process's own; the files are named by absolute paths, as the loader gets
/// them from the configuration.
fn workdir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("apigen-fuzz-repository-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("specs")).unwrap();
        dir
    })
}

fn parts(data: &[u8]) -> Vec<&[u8]> {
    const SEPARATOR: &[u8] = b"\n--\n";
    let mut out = Vec::new();
    let mut rest = data;
    while out.len() < 2 {
        let Some(at) = rest.windows(SEPARATOR.len()).position(|w| w == SEPARATOR) else { break };
        out.push(&rest[..at]);
        rest = &rest[at + SEPARATOR.len()..];
    }
    out.push(rest);
    out
}

fuzz_target!(|data: &[u8]| {
    let dir = workdir();
    let parts = parts(data);
    for (i, name) in ["specs/a.json", "b.json", "c.json"].iter().enumerate() {
        match parts.get(i) {
            Some(bytes) => std::fs::write(dir.join(name), bytes).unwrap(),
            None => {
                let _ = std::fs::remove_file(dir.join(name));
            }
        }
    }
    let path = |name: &str| dir.join(name).to_string_lossy().into_owned();
    let imports = BTreeMap::from([
        ("https://example.com/acme/b/latest/service.json".to_string(), path("b.json")),
        ("https://example.com/acme/c/latest/service.json".to_string(), path("c.json")),
    ]);
    let config = compiler::Config { organization_namespace: Some("com.acme".into()), imports };
    // An error here is an I/O error of the repository (none is expected); diagnostics are fine.
    let c = apigen::repo::compile_paths(&[dir.join("specs")], &config).expect("the files were just written");
    if !c.has_errors() {
        let changes = compiler::diff::diff((&c.ir, &c.map), (&c.ir, &c.map));
        assert!(changes.is_empty(), "a repository differs from itself");
    }
});
