//! Every generated file for the example repository, snapshotted so that reviewers see each change
//! to generated code in a diff: models, API traits, server, client and mock of every service.

mod common;

use compiler::Config;
use generators::Generator;

#[test]
fn generated_code_for_the_example_repository() {
    let schemas = common::root().join("schemas");
    let config = Config { organization_namespace: Some("com.acme".into()), ..Config::default() };
    let c = common::compile(&schemas, &schemas, &config);
    assert!(!c.has_errors(), "{}", common::report(&c));
    for sid in c.ir.service_ids() {
        for g in Generator::ALL.iter().copied().filter(|g| generators::applies(&c.ir, sid, *g)) {
            let file = generators::generate(&c.ir, sid, g).unwrap();
            let name = file.path.replace('/', "__").trim_end_matches(".rs").to_string();
            insta::assert_snapshot!(name, file.contents);
        }
    }
}

/// Generating twice gives the same bytes, and so does a spec whose maps are in another order.
#[test]
fn generation_is_deterministic() {
    let schemas = common::root().join("schemas");
    let config = Config { organization_namespace: Some("com.acme".into()), ..Config::default() };
    let once = common::compile(&schemas, &schemas, &config);
    let twice = common::compile(&schemas, &schemas, &config);
    for sid in once.ir.service_ids() {
        for &g in Generator::ALL {
            assert_eq!(generators::generate(&once.ir, sid, g), generators::generate(&twice.ir, sid, g));
        }
    }
}
