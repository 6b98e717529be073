//! apibuilder's derivations (paths, parameters, responses, inline types) and inputs that once
//! crashed or looped, checked on small specs.

use compiler::ir::{Method, ParameterLocation, Primitive, ResponseCode, Type};
use compiler::{Code, compile_str};

fn codes(text: &str) -> Vec<Code> {
    compile_str("t.json", text).diagnostics.iter().filter_map(|d| d.code.compiler_code()).collect()
}

#[test]
fn inline_types_declare_enums_unions_and_member_models() {
    let c = compile_str(
        "t.json",
        r#"{"name": "inline", "models": {"user": {"fields": [
            {"name": "status", "type": {"enum": "user_status", "values": [{"name": "active"}]}},
            {"name": "kind", "type": {"union": "user_kind", "discriminator": "type",
              "types": [{"type": "guest", "fields": [{"name": "id", "type": "string"}]}]}}]}}}"#,
    );
    assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
    let names: Vec<&str> = c.ir.models.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names.len(), 2);
    assert!(names.contains(&"user") && names.contains(&"guest"));
    let user = c.ir.models.iter().find(|m| m.name == "user").unwrap();
    assert!(matches!(user.fields[0].ty, Type::Enum(_)));
    assert!(matches!(user.fields[1].ty, Type::Union(_)));
}

#[test]
fn resource_paths_parameters_and_default_responses_follow_apibuilder() {
    let c = compile_str(
        "t.json",
        r#"{"name": "shop", "models": {"user_type": {"fields": [{"name": "id", "type": "long"}]}},
            "resources": {"user_type": {"operations": [
              {"method": "GET", "path": "/:id"},
              {"method": "POST", "parameters": [{"name": "name", "type": "string"}]},
              {"method": "PUT", "path": "/:id", "parameters": [{"name": "id", "type": "long", "location": "query"}], "responses": {}},
              {"method": "DELETE", "path": "/:id/:other", "body": null, "responses": {"200": {"type": "unit"}}}]}}}"#,
    );
    assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
    let ops = &c.ir.operations;
    assert_eq!(ops[0].path, "/user_types/:id");
    assert_eq!(ops[0].method, Method::Get);
    // Undeclared path parameter: typed from the resource model's field.
    assert_eq!(ops[0].parameters[0].ty, Type::Primitive(Primitive::Long));
    assert!(ops[0].parameters[0].inferred);
    // No responses means `204: unit`; POST parameters default to form.
    assert_eq!(ops[0].responses[0].code, ResponseCode::Status(204));
    assert_eq!(ops[1].parameters[0].location, ParameterLocation::Form);
    // A declared parameter named in the path is a path parameter whatever its location says;
    // an empty response map also means `204: unit`.
    assert_eq!(ops[2].parameters.len(), 1);
    assert_eq!(ops[2].parameters[0].location, ParameterLocation::Path);
    assert_eq!(ops[2].responses[0].code, ResponseCode::Status(204));
    // Unknown field → string.
    assert_eq!(ops[3].parameters[1].ty, Type::Primitive(Primitive::String));
}

#[test]
fn inferred_path_parameters_are_type_checked() {
    let text = r#"{"name": "shop", "models": {"order": {"fields": [{"name": "owner", "type": "user"}]},
        "user": {"fields": [{"name": "id", "type": "string"}]}},
        "resources": {"order": {"operations": [{"method": "GET", "path": "/:owner"}]}}}"#;
    assert_eq!(codes(text), vec![Code::E0055]);
}

#[test]
fn date_time_default_with_non_ascii_zone_is_an_error_not_a_panic() {
    let text = r#"{"name": "n", "models": {"m": {"fields": [{"name": "at", "type": "date-time-iso8601", "default": "2014-04-29T11:56+1é"}]}}}"#;
    assert_eq!(codes(text), vec![Code::E0026]);
}

#[test]
fn nested_union_cycles_terminate() {
    let text = r#"{"name": "n", "unions": {
        "a": {"discriminator": "type", "types": [{"type": "b"}]},
        "b": {"discriminator": "type", "types": [{"type": "c"}]},
        "c": {"discriminator": "type", "types": [{"type": "b"}]}}}"#;
    let found = codes(text);
    assert!(found.contains(&Code::E0044), "{found:?}");
}

#[test]
fn absurdly_nested_type_expressions_do_not_overflow() {
    let ty = format!("{}string{}", "[".repeat(20_000), "]".repeat(20_000));
    let text = format!(r#"{{"name": "n", "models": {{"m": {{"fields": [{{"name": "a", "type": "{ty}"}}]}}}}}}"#);
    assert_eq!(codes(&text), vec![Code::E0024]);
}

#[test]
fn lenient_values_are_exactly_apibuilders() {
    let ok = r#"{"name": "n", "models": {"m": {"fields": [{"name": "a", "type": "string", "required": "false", "minimum": "1"}]}}}"#;
    assert!(codes(ok).is_empty());
    let bad = r#"{"name": "n", "models": {"m": {"fields": [{"name": "a", "type": "string", "required": "TRUE", "minimum": "1e3"}]}}}"#;
    assert_eq!(codes(bad), vec![Code::E0010, Code::E0010]);
}

#[test]
fn explicit_key_and_default_namespace() {
    let c = compile_str("t.json", r#"{"name": "Lib Event", "key": "lib-event"}"#);
    assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
    assert_eq!(c.ir.services[0].key, "lib-event");
    assert_eq!(c.ir.services[0].namespace, "lib.event.v0");
}
