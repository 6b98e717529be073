//! Snapshots of every generated models file: the repository's `schemas/` and one fixture per IR
//! feature in `fixtures/` (a file, or a folder compiled as one repository). Review a changed
//! snapshot with `cargo insta review`; CI runs with `INSTA_UPDATE=no`.

mod common;

use common::Unit;

/// Snapshots the models file of every service of a unit as `<unit>__<service module>`.
fn check(unit: &Unit) {
    let c = common::compile_clean(unit);
    let files = common::models(&c.ir);
    assert!(!files.is_empty(), "`{}` defines no service", unit.name);
    for (service, contents) in files {
        insta::assert_snapshot!(format!("{}__{service}", unit.name), contents);
    }
}

fn fixture(name: &str) -> Unit {
    common::fixtures()
        .into_iter()
        .find(|u| u.name == name)
        .unwrap_or_else(|| panic!("no fixture `{name}` in {}", common::fixtures_dir().display()))
}

/// One test per fixture, so that every changed snapshot is reported, not only the first.
macro_rules! fixtures {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                check(&fixture(stringify!($name)));
            }
        )*
        const LISTED: &[&str] = &[$(stringify!($name)),*];
    };
}

fixtures!(
    bounds,
    collections,
    default_fn_collisions,
    default_member,
    defaults,
    deprecations,
    descriptions,
    discriminated_members,
    field_collisions,
    integer_enums,
    imports,
    prelude_names,
    primitives,
    recursive,
    reserved_words,
    shadow_option,
    union_of_unions,
    variant_collisions,
    wrapped_union,
);

#[test]
fn schemas() {
    check(&common::schemas());
}

#[test]
fn every_fixture_has_a_snapshot_test() {
    let missing: Vec<String> =
        common::fixtures().into_iter().map(|u| u.name).filter(|n| !LISTED.contains(&n.as_str())).collect();
    assert!(missing.is_empty(), "add these fixtures to the `fixtures!` list: {missing:?}");
}
