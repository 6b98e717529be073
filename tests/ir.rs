//! The IR of the example repository, snapshotted so that every change to what the compiler
//! builds (a new field in the IR, a default normalised differently, a constraint placed
//! elsewhere) is reviewed in a diff, like generated code is.

mod common;

use compiler::Config;

#[test]
fn ir_of_the_example_repository() {
    let schemas = common::root().join("schemas");
    let config = Config { organization_namespace: Some("com.acme".into()), ..Config::default() };
    let c = common::compile(&schemas, &schemas, &config);
    assert!(!c.has_errors(), "{}", common::report(&c));
    insta::assert_json_snapshot!("schemas", c.ir);
}
