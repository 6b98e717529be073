//! apigen against apibuilder's own test suite: each case below is one of apibuilder's tests
//! (apicollective/apibuilder, the file and test name cited above it), translated by hand from
//! its source: the same input, and the same verdict. apigen words its messages its own way
//! (rustc style, with a code), so a case checks the code and what the message names, not
//! apibuilder's wording. Where apigen disagrees on purpose, the case says so and why.
//!
//! The diff half (apibuilder's ServiceDiffSpec) is in `tests/diff.rs` with the fixtures of
//! `tests/fixtures/diff/`; the fixtures of `tests/fixtures/fidelity/` are snapshotted here.

mod common;

use compiler::ir::{Ir, ResponseCode, ServiceId, Type};
use compiler::{Code, Compilation, Config, Input, NoLoader};
use serde_json::{Value, json};

fn compile(spec: Value) -> Compilation {
    let bytes = serde_json::to_vec_pretty(&spec).unwrap();
    compiler::compile(vec![Input { name: "api.json".into(), bytes }], &Config::default(), &mut NoLoader)
}

/// The errors, as `CODE: message`.
fn errors(spec: Value) -> Vec<String> {
    compile(spec).errors().map(|d| format!("{}: {}", d.code.as_str(), d.message)).collect()
}

/// Asserts exactly one error, of this code, whose message contains every part.
fn one_error(spec: Value, code: Code, parts: &[&str]) {
    let errors = errors(spec);
    assert_eq!(errors.len(), 1, "expected one {} error, got {errors:#?}", code.as_str());
    assert!(errors[0].starts_with(code.as_str()), "expected {}, got {}", code.as_str(), errors[0]);
    for part in parts {
        assert!(errors[0].contains(part), "`{}` does not mention `{part}`", errors[0]);
    }
}

fn valid(spec: Value) -> Ir {
    let c = compile(spec);
    assert!(!c.has_errors(), "{}", common::report(&c));
    c.ir
}

fn model<'a>(ir: &'a Ir, name: &str) -> &'a compiler::ir::Model {
    ir.models.iter().find(|m| m.name == name).unwrap_or_else(|| panic!("no model `{name}`"))
}

fn field_names(ir: &Ir, name: &str) -> Vec<String> {
    model(ir, name).fields.iter().map(|f| f.name.clone()).collect()
}

fn interface_names(ir: &Ir, name: &str) -> Vec<String> {
    model(ir, name).interfaces.iter().map(|id| ir.interface(*id).name.clone()).collect()
}

fn label(ir: &Ir, ty: &Type) -> String {
    ir.type_name(ty, ServiceId(0))
}

/// The type of the response with this status code of the first operation.
fn response_type(ir: &Ir, code: u16) -> String {
    let r = ir.operations[0].responses.iter().find(|r| r.code == ResponseCode::Status(code)).expect("the response");
    label(ir, &r.content[0].ty)
}

fn user_resource(responses: Value) -> Value {
    json!({
        "name": "test",
        "models": { "user": { "fields": [{ "name": "guid", "type": "string" }] } },
        "resources": { "user": { "operations": [{ "method": "GET", "path": "/:guid", "responses": responses }] } }
    })
}

// core/src/test/scala/core/ServiceValidatorSpec.scala, it("accepts response headers")
#[test]
fn response_headers_accepted_once_and_rejected_twice() {
    let header = json!({ "name": "foo", "type": "string" });
    let ir = valid(user_resource(json!({ "200": { "type": "user", "headers": [header] } })));
    let headers = &ir.operations[0].responses[0].headers;
    assert_eq!(headers.len(), 1);
    assert_eq!(headers[0].name, "foo");
    // "Resource[user] GET /users/:guid response code[200] header[foo] appears more than once"
    one_error(
        user_resource(json!({ "200": { "type": "user", "headers": [header, header] } })),
        Code::E0025,
        &["`foo`", "200 response", "GET /users/:guid"],
    );
}

// core/src/test/scala/core/DuplicateNamesSpec.scala,
// it("disallow model names when camel case vs. snake case")
#[test]
fn model_names_differing_in_case_style_are_one_name() {
    one_error(
        json!({ "name": "test", "models": {
            "some_user": { "fields": [{ "name": "id", "type": "string" }] },
            "someUser": { "fields": [{ "name": "id", "type": "string" }] }
        }}),
        Code::E0025,
        &["someUser", "some_user"],
    );
}

// core/src/test/scala/core/DuplicateNamesSpec.scala,
// it("disallow enum values when camel case vs. snake case")
#[test]
fn enum_values_differing_in_case_style_are_one_value() {
    let errors = errors(json!({ "name": "test", "enums": {
        "foo": { "values": [{ "name": "some_id" }, { "name": "someId" }] }
    }}));
    assert!(errors.iter().any(|e| e.contains("someId")), "{errors:#?}");
    assert!(errors.iter().all(|e| e.starts_with("E0025")), "{errors:#?}");
}

// core/src/test/scala/core/DuplicateNamesSpec.scala,
// it("disallow model field names when camel case vs. snake case");
// core/src/test/scala/core/ServiceValidatorSpec.scala, it("model with duplicate field names")
#[test]
fn field_names_differing_in_case_style_are_one_name() {
    for (a, b) in [("someId", "some_id"), ("key", "KEY")] {
        one_error(
            json!({ "name": "test", "models": { "user": { "fields": [
                { "name": a, "type": "string" }, { "name": b, "type": "string" }
            ]}}}),
            Code::E0025,
            &[b, "model `user`"],
        );
    }
}

// core/src/test/scala/core/DuplicateNamesSpec.scala,
// it("disallow parameters duplicate param names when camel case vs. snake case")
#[test]
fn parameter_names_differing_in_case_style_are_one_name() {
    let spec = json!({
        "name": "test",
        "models": { "user": { "fields": [{ "name": "guid", "type": "string" }] } },
        "resources": { "user": { "operations": [{
            "method": "GET", "path": "/:guid",
            "parameters": [{ "name": "some_id", "type": "string" }, { "name": "someId", "type": "string" }]
        }]}}
    });
    one_error(spec, Code::E0025, &["someId"]);
}

// core/src/test/scala/core/InlineModelsSpec.scala,
// it("supports an inline model containing a field with an inline enum")
#[test]
fn an_inline_model_keyed_as_a_list_declares_the_model() {
    let ir = valid(json!({
        "name": "test",
        "models": { "user": { "fields": [{ "name": "guid", "type": "string" }] } },
        "resources": { "user": { "operations": [{
            "method": "POST",
            "body": { "type": "user" },
            "responses": {
                "201": { "type": "user" },
                "422": { "type": {
                    "model": "[user_post_error]",
                    "fields": [{ "name": "code", "type": {
                        "enum": "user_post_error_code",
                        "values": [{ "name": "invalid_email_address" }, { "name": "name_cannot_be_empty" }]
                    }}]
                }}
            }
        }]}}
    }));
    assert_eq!(field_names(&ir, "user_post_error"), ["code"]);
    let e = ir.enums.iter().find(|e| e.name == "user_post_error_code").expect("the inline enum");
    let values: Vec<&str> = e.values.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(values, ["invalid_email_address", "name_cannot_be_empty"]);
    assert_eq!(response_type(&ir, 422), "[user_post_error]");
}

// core/src/test/scala/core/InlineEnumsSpec.scala, it("supports an inline enum defined as a list")
// and it("supports an inline enum defined as a map")
#[test]
fn an_inline_enum_keyed_as_a_list_or_map_declares_the_enum() {
    for (written, expected) in [
        ("[user_post_error_code]", "[user_post_error_code]"),
        ("map[user_post_error_code]", "map[user_post_error_code]"),
    ] {
        let ir = valid(json!({
            "name": "test",
            "models": { "user": { "fields": [{ "name": "guid", "type": "string" }] } },
            "resources": { "user": { "operations": [{
                "method": "POST",
                "responses": { "422": { "type": { "enum": written, "values": [{ "name": "invalid_email" }] } } }
            }]}}
        }));
        assert!(ir.enums.iter().any(|e| e.name == "user_post_error_code"), "{written}");
        assert_eq!(response_type(&ir, 422), expected);
    }
}

fn users_union(discriminator: Option<&str>, registered_value: Option<&str>) -> Value {
    let mut registered = json!({ "type": "registered_user" });
    if let Some(v) = registered_value {
        registered["discriminator_value"] = json!(v);
    }
    let mut union = json!({ "types": [registered, { "type": "guest_user" }] });
    if let Some(d) = discriminator {
        union["discriminator"] = json!(d);
    }
    json!({
        "name": "test",
        "models": {
            "registered_user": { "fields": [{ "name": "id", "type": "uuid" }] },
            "guest_user": { "fields": [{ "name": "id", "type": "uuid" }] }
        },
        "unions": { "user": union }
    })
}

// core/src/test/scala/core/UnionTypeDiscriminatorValueSpec.scala,
// it("union type discriminator must be unique"): the union has no discriminator.
#[test]
fn discriminator_values_are_unique_even_without_a_discriminator() {
    one_error(users_union(None, Some("guest_user")), Code::E0043, &["`guest_user`", "union `user`"]);
    one_error(users_union(Some("kind"), Some("guest_user")), Code::E0043, &["`guest_user`", "union `user`"]);
    // it("union type discriminator value defaults to the type name"),
    // it("union type discriminator value is respected when provided")
    let ir = valid(users_union(None, None));
    let values: Vec<&str> = ir.unions[0].members.iter().map(|m| m.discriminator_value.as_str()).collect();
    assert_eq!(values, ["registered_user", "guest_user"]);
    let ir = valid(users_union(None, Some("registered")));
    let values: Vec<&str> = ir.unions[0].members.iter().map(|m| m.discriminator_value.as_str()).collect();
    assert_eq!(values, ["registered", "guest_user"]);
}

fn two_unions(first: Value, second: Value) -> Value {
    json!({
        "name": "test",
        "models": {
            "registered_user": { "fields": [{ "name": "id", "type": "uuid" }] },
            "guest_user": { "fields": [{ "name": "id", "type": "uuid" }] }
        },
        "unions": { "user": first, "other_user_union": second }
    })
}

// core/src/test/scala/core/UnionTypeDiscriminatorValueSpec.scala,
// it("union type cannot share the same models if their discriminator value is NOT unique"),
// it("union type can share the same models if their discriminator value is unique")
#[test]
fn one_model_has_one_discriminator_value_in_every_union() {
    let member = |value: &str| json!({ "type": "registered_user", "discriminator_value": value });
    one_error(
        two_unions(
            json!({ "types": [member("registered"), { "type": "guest_user" }] }),
            json!({ "types": [member("other_registered")] }),
        ),
        Code::E0045,
        &["registered_user", "other_registered"],
    );
    valid(two_unions(
        json!({ "types": [member("registered"), { "type": "guest_user" }] }),
        json!({ "types": [member("registered")] }),
    ));
}

// core/src/test/scala/core/UnionTypeSpec.scala, it("rejects circular type") and
// it("rejects indirectly circular type"): one cycle, one error.
#[test]
fn a_union_cycle_is_one_error() {
    one_error(
        json!({ "name": "test", "unions": { "user": { "types": [{ "type": "user" }] } } }),
        Code::E0044,
        &["`user`"],
    );
    one_error(
        json!({ "name": "test", "models": { "m": { "fields": [{ "name": "id", "type": "string" }] } }, "unions": {
            "foo": { "types": [{ "type": "bar" }, { "type": "m" }] },
            "bar": { "types": [{ "type": "baz" }] },
            "baz": { "types": [{ "type": "foo" }] }
        }}),
        Code::E0044,
        &["foo", "bar", "baz"],
    );
}

// core/src/test/scala/core/UnionTypeSpec.scala, it("'value' is reserved for primitive wrappers")
// and it("'implicit' is reserved for future implicit discriminators"): only that error, as
// apibuilder checks discriminator values only once the discriminator is valid.
#[test]
fn a_reserved_discriminator_is_the_only_error() {
    for word in ["value", "implicit"] {
        one_error(users_union(Some(word), Some("guest_user")), Code::E0040, &[word]);
    }
}

// core/src/test/scala/core/EnumSpec.scala, it("name must be a valid identifier"), and
// it("values must be unique") (the wire value `open` of `Closed` is the name `Open`).
#[test]
fn enum_value_names_are_identifiers_and_unique() {
    one_error(
        json!({ "name": "test", "enums": { "status": { "values": [{ "name": "!", "value": "foo" }] } } }),
        Code::E0013,
        &["`!`"],
    );
    let errors = errors(json!({ "name": "test", "enums": { "status": { "values": [
        { "name": "Open" }, { "name": "Closed", "value": "open" }
    ]}}}));
    assert!(!errors.is_empty() && errors.iter().all(|e| e.contains("open")), "{errors:#?}");
}

// service.json has no such check in apibuilder: ServiceJsonServiceValidator only parses
// (core/src/main/scala/core/builder/api_json/ServiceJsonServiceValidator.scala), and published
// service.json files use names such as `Hazardous Material`. apigen warns (W0002).
#[test]
fn service_json_enum_value_names_api_json_rejects_are_a_warning() {
    let spec = json!({
        "name": "test", "namespace": "io.example.test.v0", "organization": { "key": "example" },
        "application": { "key": "test" },
        "enums": [{ "name": "class", "plural": "classes", "values": [{ "name": "Hazardous Material" }] }],
        "models": [], "unions": [], "resources": []
    });
    let c = compile(spec);
    assert!(!c.has_errors(), "{}", common::report(&c));
    assert!(c.diagnostics.iter().any(|d| d.code == Code::W0002), "{}", common::report(&c));
}

// core/src/test/scala/core/InterfaceSpec.scala, it("model and interface cannot have the same name")
#[test]
fn a_model_and_an_interface_cannot_share_a_name() {
    one_error(
        json!({ "name": "test",
            "interfaces": { "person": { "fields": [{ "name": "name", "type": "string" }] } },
            "models": { "person": { "fields": [{ "name": "name", "type": "string" }] } }
        }),
        Code::E0025,
        &["person"],
    );
}

fn with_templates(templates: Value, models: Value) -> Value {
    json!({ "name": "test", "templates": { "models": templates }, "models": models })
}

// core/src/test/scala/core/TemplateSpec.scala,
// it("model and template.models cannot have the same name") and
// it("interface and template.models cannot have the same name")
#[test]
fn a_template_cannot_share_a_name_with_a_model_or_an_interface() {
    one_error(
        with_templates(
            json!({ "person": { "fields": [] } }),
            json!({ "person": { "fields": [{ "name": "id", "type": "string" }] } }),
        ),
        Code::E0061,
        &["`person`", "a model"],
    );
    let mut spec = with_templates(json!({ "person": { "fields": [] } }), json!({}));
    spec["interfaces"] = json!({ "person": { "fields": [{ "name": "id", "type": "string" }] } });
    one_error(spec, Code::E0061, &["`person`", "an interface"]);
}

// core/src/test/scala/core/TemplateSpec.scala, it("inherits templates defined on the template itself")
#[test]
fn templates_declared_on_templates_apply_too() {
    let ir = valid(with_templates(
        json!({
            "user": { "fields": [{ "name": "nickname", "type": "string" }] },
            "person": { "templates": [{ "name": "user" }], "fields": [] }
        }),
        json!({ "employee": { "templates": [{ "name": "person" }] } }),
    ));
    assert_eq!(field_names(&ir, "employee"), ["nickname"]);
    // The model implements every template it takes, directly or not.
    assert_eq!(interface_names(&ir, "employee"), ["person", "user"]);
}

// core/src/test/scala/core/TemplateSpec.scala, it("duplicates cycles")
#[test]
fn a_recursive_template_is_an_error() {
    one_error(
        with_templates(
            json!({ "person": { "templates": [{ "name": "person" }], "fields": [] } }),
            json!({ "employee": { "templates": [{ "name": "person" }] } }),
        ),
        Code::E0062,
        &["`person`"],
    );
}

// core/src/test/scala/core/builder/api_json/templates/ModelMergeSpec.scala,
// "templates" must "setup interfaces"
#[test]
fn a_template_is_an_interface_its_models_implement() {
    let ir = valid(with_templates(
        json!({ "foo": { "fields": [{ "name": "foo", "type": "string" }] } }),
        json!({ "bar": { "templates": [{ "name": "foo" }] } }),
    ));
    assert_eq!(interface_names(&ir, "bar"), ["foo"]);
    let i = ir.interfaces.iter().find(|i| i.name == "foo").expect("the interface of the template");
    let fields: Vec<&str> = i.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(fields, ["foo"]);
}

// core/src/main/scala/core/builder/api_json/templates/ModelMerge.scala, buildInterfaces and
// fieldsWithSameInterface: the interface keeps only the template fields every model declaring
// the template has with the same type and requiredness (a model may retype a template field).
#[test]
fn a_template_interface_keeps_the_fields_its_models_share() {
    let ir = valid(with_templates(
        json!({ "statement": { "fields": [
            { "name": "id", "type": "string" },
            { "name": "amount", "type": "decimal" }
        ]}}),
        json!({
            "partner_statement": { "templates": [{ "name": "statement" }] },
            "client_statement": {
                "templates": [{ "name": "statement" }],
                "fields": [{ "name": "amount", "type": "long" }]
            }
        }),
    ));
    let i = ir.interfaces.iter().find(|i| i.name == "statement").unwrap();
    let fields: Vec<&str> = i.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(fields, ["id"]);
}

// core/src/test/scala/core/builder/api_json/templates/ModelMergeSpec.scala, "validates field type":
// a template field typed as the template is cast to the model in the model, but in the
// template's interface it stays the interface, which no field may have as its type.
#[test]
fn a_template_field_typed_as_its_template_is_an_interface_field_type() {
    let errors = errors(with_templates(
        json!({ "group": { "fields": [{ "name": "parent", "type": "group" }] } }),
        json!({ "user_group": { "templates": [{ "name": "group" }] } }),
    ));
    assert!(errors.iter().any(|e| e.starts_with("E0033") && e.contains("group")), "{errors:#?}");
}

// core/src/test/scala/core/builder/api_json/templates/ModelMergeSpec.scala, "merge" must
// "description" / "deprecation" and the field-level "description", "default", "example",
// "minimum", "maximum", "annotations" (each "inherit" and "preserve").
//
// Field order deliberately follows the current ArrayMerge.merge
// (core/src/main/scala/core/builder/api_json/templates/ArrayMerge.scala: the model's
// identifiers, then the template's others), so a model's own fields come first. The stored
// ModelMergeSpec at ff718a42 ("include all other model fields", "templates" must "inherit")
// expects the template's first: it was written against the earlier ArrayMerge
// (`b.map(...) ++ a.filterNot(...)`), which put the template's fields first.
#[test]
fn a_model_field_takes_what_it_leaves_out_from_the_template() {
    let ir = valid(json!({
        "name": "test",
        "annotations": { "foo": {}, "bar": {} },
        "templates": { "models": { "base": {
            "description": "From the template.",
            "fields": [
                { "name": "code", "type": "string", "description": "foo", "example": "foo",
                  "minimum": 1, "maximum": 9, "default": "foo", "annotations": ["foo"] },
                { "name": "extra", "type": "string" }
            ]
        }}},
        "models": {
            "inherits": { "templates": [{ "name": "base" }], "fields": [
                { "name": "own", "type": "string" },
                { "name": "code", "type": "string" }
            ]},
            "preserves": {
                "description": "Own.",
                "templates": [{ "name": "base" }],
                "fields": [{ "name": "code", "type": "string", "description": "bar", "example": "bar",
                             "minimum": 2, "maximum": 8, "default": "bar", "annotations": ["bar"] }]
            }
        }
    }));
    assert_eq!(field_names(&ir, "inherits"), ["own", "code", "extra"]);
    let inherits = model(&ir, "inherits");
    assert_eq!(inherits.description.as_deref(), Some("From the template."));
    let code = &inherits.fields[1];
    assert_eq!(code.description.as_deref(), Some("foo"));
    assert_eq!(code.annotations, ["foo"]);
    assert_eq!(code.constraints.length.min, Some(1));
    assert_eq!(code.constraints.length.max, Some(9));
    assert!(matches!(&code.presence, compiler::ir::Presence::Default(_)), "{:?}", code.presence);

    let preserves = model(&ir, "preserves");
    assert_eq!(preserves.description.as_deref(), Some("Own."));
    let code = &preserves.fields[0];
    assert_eq!(code.description.as_deref(), Some("bar"));
    assert_eq!(code.annotations, ["bar", "foo"]);
    assert_eq!(code.constraints.length.min, Some(2));
    assert_eq!(code.constraints.length.max, Some(8));
}

// core/src/test/scala/core/builder/api_json/templates/ModelMergeSpec.scala, "templates" must
// "inherit": templates a, b (declaring a) and c (declaring b). Applied in apibuilder's order
// (c, then b, then a), each adding its fields after those already there.
#[test]
fn templates_apply_in_declaration_order() {
    let templates = json!({
        "a": { "fields": [{ "name": "a", "type": "string" }] },
        "b": { "fields": [{ "name": "b", "type": "string" }], "templates": [{ "name": "a" }] },
        "c": { "fields": [{ "name": "c", "type": "string" }], "templates": [{ "name": "b" }] }
    });
    let fields = |declared: &[&str]| {
        let decls: Vec<Value> = declared.iter().map(|n| json!({ "name": n })).collect();
        let ir = valid(with_templates(templates.clone(), json!({ "m": { "templates": decls, "fields": [] } })));
        field_names(&ir, "m")
    };
    assert!(fields(&[]).is_empty());
    assert_eq!(fields(&["a"]), ["a"]);
    assert_eq!(fields(&["b"]), ["b", "a"]);
    assert_eq!(fields(&["c"]), ["c", "b", "a"]);
    assert_eq!(fields(&["a", "b", "c"]), ["a", "b", "c"]);
}

/// The fixtures of each group, snapshotted: the diagnostics and, for specs that compile, the
/// models and interfaces they make.
#[test]
fn fidelity_fixtures() {
    let dir = common::root().join("tests/fixtures/fidelity");
    let mut names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    for path in names {
        let c = common::compile(&path, &dir, &Config::default());
        let mut out = common::report(&c);
        if !c.has_errors() {
            out.push_str("---- types ----\n");
            for m in &c.ir.models {
                let interfaces: Vec<&str> = m.interfaces.iter().map(|id| c.ir.interface(*id).name.as_str()).collect();
                out.push_str(&format!("model {} implements [{}]\n", m.name, interfaces.join(", ")));
                for f in &m.fields {
                    out.push_str(&format!("  {}: {} {:?}\n", f.name, label(&c.ir, &f.ty), f.presence));
                }
            }
            for i in &c.ir.interfaces {
                out.push_str(&format!("interface {}\n", i.name));
                for f in &i.fields {
                    out.push_str(&format!("  {}: {} {:?}\n", f.name, label(&c.ir, &f.ty), f.presence));
                }
            }
        }
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        insta::assert_snapshot!(name, out);
    }
}
