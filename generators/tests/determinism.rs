//! Generated models depend on what a spec says, not on the order it says it in: reversing the
//! `models`, `enums` and `unions` maps of every spec changes no byte of output, and reversing the
//! fields of every model only reorders the lines of the structs (fields follow the spec's order).

mod common;

use common::Unit;
use compiler::Input;
use compiler::syntax::json::{Node, Value};

/// What to reorder in a spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reorder {
    /// Nothing: the spec rewritten as compact JSON, to compare with.
    Nothing,
    /// The `models`, `enums` and `unions` maps at the top level.
    Types,
    /// The `fields` array of every model.
    Fields,
}

/// Writes JSON back as text, reversing what `reorder` names. `compiler::syntax::json` keeps key order
/// (serde_json's map would sort it and hide the reordering).
fn write(node: &Node, path: &[&str], reorder: Reorder, out: &mut String) {
    match &node.value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(text) => out.push_str(text),
        Value::String(s) => out.push_str(&serde_json::to_string(s).unwrap()),
        Value::Array(items) => {
            let reverse = reorder == Reorder::Fields && matches!(path, ["models", _, "fields"]);
            let mut items: Vec<&Node> = items.iter().collect();
            if reverse {
                items.reverse();
            }
            out.push('[');
            for (i, item) in items.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(item, path, reorder, out);
            }
            out.push(']');
        }
        Value::Object(members) => {
            let reverse = reorder == Reorder::Types && matches!(path, ["models" | "enums" | "unions"]);
            let mut members: Vec<_> = members.iter().collect();
            if reverse {
                members.reverse();
            }
            out.push('{');
            for (i, m) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(&m.key).unwrap());
                out.push(':');
                let mut inner = path.to_vec();
                inner.push(&m.key);
                write(&m.value, &inner, reorder, out);
            }
            out.push('}');
        }
    }
}

fn reordered(unit: &Unit, reorder: Reorder) -> Unit {
    let inputs = unit
        .inputs
        .iter()
        .map(|input| {
            let text = std::str::from_utf8(&input.bytes).unwrap();
            let tree = compiler::syntax::json::parse(text).unwrap_or_else(|e| panic!("{}: {}", input.name, e.message));
            let mut out = String::new();
            write(&tree, &[], reorder, &mut out);
            Input { name: input.name.clone(), bytes: out.into_bytes() }
        })
        .collect();
    Unit { name: unit.name.clone(), inputs, config: unit.config.clone() }
}

fn units() -> Vec<Unit> {
    std::iter::once(common::schemas()).chain(common::fixtures()).collect()
}

#[test]
fn reordering_types_changes_no_byte() {
    let mut reordered_inputs = 0;
    for unit in units() {
        let other = reordered(&unit, Reorder::Types);
        let same = reordered(&unit, Reorder::Nothing);
        reordered_inputs += same.inputs.iter().zip(&other.inputs).filter(|(a, b)| a.bytes != b.bytes).count();
        let before = common::models(&common::compile_clean(&unit).ir);
        let after = common::models(&common::compile_clean(&other).ir);
        assert_eq!(before.len(), after.len(), "{}", unit.name);
        for ((service, a), (_, b)) in before.iter().zip(&after) {
            assert!(a == b, "{}: reordering types changed the models of `{service}`", unit.name);
        }
    }
    assert!(reordered_inputs > 10, "only {reordered_inputs} inputs were reordered");
}

#[test]
fn reordering_fields_reorders_struct_lines_only() {
    let mut changed = 0;
    for unit in units() {
        let before = common::models(&common::compile_clean(&unit).ir);
        let after = common::models(&common::compile_clean(&reordered(&unit, Reorder::Fields)).ir);
        for ((service, a), (_, b)) in before.iter().zip(&after) {
            let sorted = |s: &str| {
                let mut lines: Vec<String> = s.lines().map(str::to_string).collect();
                lines.sort();
                lines
            };
            assert_eq!(
                sorted(a),
                sorted(b),
                "{}: reordering fields changed more than line order in `{service}`",
                unit.name
            );
            changed += usize::from(a != b);
        }
    }
    // Fields follow the spec's order, so reversing them must show somewhere.
    assert!(changed > 5, "reversing fields changed only {changed} files: are fields sorted?");
}

/// Fields are declared in the spec's order, not sorted.
#[test]
fn fields_follow_the_spec_order() {
    let unit = common::fixtures().into_iter().find(|u| u.name == "primitives").unwrap();
    let models = common::models(&common::compile_clean(&unit).ir);
    let text = &models[0].1;
    let a = text.find("pub a_string:").unwrap();
    let b = text.find("pub a_uuid:").unwrap();
    let c = text.find("pub maybe_boolean:").unwrap();
    let d = text.find("pub an_integer:").unwrap();
    assert!(d < a && a < b && b < c, "fields of `everything` are not in spec order");
}

/// Names the spec keeps apart but Rust would merge are reported, not silently merged.
#[test]
fn rust_name_collisions_are_reported() {
    let spec = r#"{"name": "shop", "models": {
        "user_form": {"fields": [{"name": "id", "type": "string"}]},
        "user-form": {"fields": [{"name": "id", "type": "string"}]}}}"#;
    let c = compiler::compile_str("shop.json", spec);
    assert!(!c.has_errors(), "{:?}", c.diagnostics);
    let err = generators::generate(&c.ir, compiler::ir::ServiceId(0), generators::Generator::Models).unwrap_err();
    assert!(err.to_string().contains("would both be the Rust type `UserForm`"), "{err}");

    let spec = r#"{"name": "shop", "models": {"validation_error": {"fields": [{"name": "id", "type": "string"}]}}}"#;
    let c = compiler::compile_str("shop.json", spec);
    let err = generators::generate(&c.ir, compiler::ir::ServiceId(0), generators::Generator::Models).unwrap_err();
    assert!(err.to_string().contains("ValidationError"), "{err}");
}
