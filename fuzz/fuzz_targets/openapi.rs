//! One OpenAPI document (YAML, which JSON documents are too) through the whole pipeline: compile
//! it, and when it compiles cleanly, lint it, diff it against itself (no change may be found) and
//! run every generator (an error, never a panic).
#![no_main]

use compiler::{Config, Input, NoLoader};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input = Input { name: "api.yaml".into(), bytes: data.to_vec() };
    let c = compiler::compile(vec![input], &Config::default(), &mut NoLoader);
    if c.has_errors() {
        return;
    }
    let _ = lint_rules::lint(&c.ir, &c.map, &c.sources, &lint_rules::LintConfig::default());
    let changes = compiler::diff::diff((&c.ir, &c.map), (&c.ir, &c.map));
    assert!(changes.is_empty(), "a document differs from itself: {:?}", changes.first().map(|c| &c.message));
    for sid in c.ir.service_ids() {
        for &g in generators::Generator::ALL {
            if generators::applies(&c.ir, sid, g) {
                let _ = generators::generate(&c.ir, sid, g);
            }
        }
    }
});
