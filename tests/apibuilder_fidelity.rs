//! apigen against apibuilder's own test suite: each case below is one of apibuilder's tests
//! (apicollective/apibuilder, the file and test name cited above it), translated by hand from
//! its source: the same input, and the same verdict. apigen words its messages its own way
//! (rustc style, with a code), so a case checks the code and what the message names, not
//! apibuilder's wording. Where apigen disagrees on purpose, the case says so and why.
//!
//! The validator half mirrors `core/src/test/scala/core/*Spec.scala` and the template specs; the
//! diff half `api/test/lib/ServiceDiffSpec.scala` and `ServiceInterfaceDiffSpec.scala` (imports,
//! which need a second service, are the `IMPORT_CHANGED` fixture of `tests/fixtures/diff/`). The
//! fixtures of `tests/fixtures/fidelity/`, one per group of differences apigen had, are
//! snapshotted at the end.

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

// ---- The diff: api/test/lib/ServiceDiffSpec.scala ----
//
// apibuilder words each difference as one line and classes it `Material.breaking`,
// `Material.nonBreaking` or `NotMaterial.nonBreaking`; apigen's classes are `Breaking`,
// `NonBreaking` and `NotMaterial`. A case checks the set of (rule, class) apigen reports against
// apibuilder's classes: apigen may say in one change what apibuilder says in three lines (a
// contact's name, url and email).

use compiler::diff::Class;

fn diff(before: &Value, after: &Value) -> Vec<(&'static str, Class)> {
    let (a, b) = (compile(before.clone()), compile(after.clone()));
    assert!(!a.has_errors(), "before: {}", common::report(&a));
    assert!(!b.has_errors(), "after: {}", common::report(&b));
    let mut out: Vec<(&'static str, Class)> =
        compiler::diff::diff((&a.ir, &a.map), (&b.ir, &b.map)).iter().map(|c| (c.rule.id, c.class)).collect();
    out.sort_by_key(|(id, _)| *id);
    out.dedup();
    out
}

/// A service with a bit of everything ServiceDiffSpec changes. apibuilder's ServiceDiff does not
/// look at which way a type travels; apigen does (`compiler::usage`): `user` travels both ways
/// here, in a request body and in responses, which is the reading ServiceDiff's classes take.
fn base() -> Value {
    json!({
        "name": "test",
        "namespace": "io.example.test.v0",
        "enums": { "age_group": { "values": [{ "name": "young" }] } },
        "models": {
            "user": { "fields": [{ "name": "id", "type": "long", "required": false }] },
            "registered": { "fields": [{ "name": "id", "type": "long" }] },
            "guest": { "fields": [{ "name": "id", "type": "long" }] }
        },
        "unions": { "visitor": { "types": [{ "type": "registered" }] } },
        "resources": { "user": { "path": "/users", "operations": [
            { "method": "GET", "responses": { "200": { "type": "[user]" } } },
            { "method": "POST", "body": { "type": "user" }, "responses": { "201": { "type": "user" } } }
        ] } }
    })
}

fn changed(f: impl FnOnce(&mut Value)) -> Value {
    let mut v = base();
    f(&mut v);
    v
}

fn diff_from_base(f: impl FnOnce(&mut Value)) -> Vec<(&'static str, Class)> {
    diff(&base(), &changed(f))
}

use Class::{Breaking, NonBreaking, NotMaterial};

// "no changes"
#[test]
fn diff_no_changes() {
    assert!(diff(&base(), &base()).is_empty());
}

// "info" must "contact" (NotMaterial) and "license" (Material.nonBreaking)
#[test]
fn diff_info_and_version() {
    assert_eq!(
        diff_from_base(
            |v| v["info"] = json!({ "contact": { "name": "Mike", "url": "http://foo.com", "email": "m@example.com" } })
        ),
        [("SERVICE_INFO_CHANGED", NotMaterial)]
    );
    assert_eq!(
        diff_from_base(
            |v| v["info"] = json!({ "license": { "name": "MIT", "url": "http://opensource.org/licenses/MIT" } })
        ),
        [("SERVICE_DOC_CHANGED", NonBreaking)]
    );
}

// "namespace" (Material.breaking), "baseUrl" and "description" (Material.nonBreaking)
#[test]
fn diff_namespace_base_url_description() {
    assert_eq!(diff_from_base(|v| v["namespace"] = json!("io.example.other.v0")), [("NAMESPACE_CHANGED", Breaking)]);
    assert_eq!(diff_from_base(|v| v["base_url"] = json!("http://foo.com")), [("BASE_URL_CHANGED", NonBreaking)]);
    assert_eq!(
        diff(
            &changed(|v| v["base_url"] = json!("http://foo.com")),
            &changed(|v| v["base_url"] = json!("http://foobar.com"))
        ),
        [("BASE_URL_CHANGED", NonBreaking)]
    );
    assert_eq!(diff_from_base(|v| v["description"] = json!("foo")), [("SERVICE_DOC_CHANGED", NonBreaking)]);
}

// "organization key" and "application key": Material.nonBreaking; "version": NotMaterial. apigen pairs the service by
// its namespace and reports one SERVICE_KEY_CHANGED, not the service removed and another added.
#[test]
fn diff_organization_and_application_keys() {
    let service_json = |org: &str, app: &str| {
        json!({
            "name": "test", "namespace": "io.example.test.v0", "version": "1.0.0",
            "organization": { "key": org }, "application": { "key": app },
            "enums": [], "unions": [], "resources": [],
            "models": [{ "name": "user", "plural": "users", "fields": [{ "name": "id", "type": "long", "required": true }] }]
        })
    };
    let before = service_json("example", "test");
    assert_eq!(diff(&before, &service_json("foo", "test")), [("SERVICE_KEY_CHANGED", NonBreaking)]);
    assert_eq!(diff(&before, &service_json("example", "foo")), [("SERVICE_KEY_CHANGED", NonBreaking)]);
    // "version": NotMaterial (api.json has no version; service.json does).
    let mut newer = service_json("example", "test");
    newer["version"] = json!("0.0.1");
    assert_eq!(diff(&before, &newer), [("SERVICE_INFO_CHANGED", NotMaterial)]);
}

// "headers" must: "remove header", "add optional header" (Material.nonBreaking), "add required
// header", "type" (Material.breaking), "description" / "deprecation" (Material.nonBreaking),
// "default" must "add", "change" (Material.nonBreaking) and "remove" (Material.breaking)
#[test]
fn diff_headers() {
    let header = |extra: Value| {
        let mut h = json!({ "name": "x-test", "type": "string", "required": false });
        h.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        changed(move |v| v["headers"] = json!([h]))
    };
    let with = header(json!({}));
    assert_eq!(diff(&with, &base()), [("HEADER_REMOVED", NonBreaking)]);
    assert_eq!(diff(&base(), &with), [("HEADER_ADDED_OPTIONAL", NonBreaking)]);
    assert_eq!(diff(&base(), &header(json!({ "required": true }))), [("HEADER_ADDED_REQUIRED", Breaking)]);
    // apibuilder's case changes string to long, which its validator rejects for a header.
    assert_eq!(diff(&with, &header(json!({ "type": "age_group" }))), [("HEADER_TYPE_CHANGED", Breaking)]);
    assert_eq!(diff(&with, &header(json!({ "description": "foo" }))), [("DOC_CHANGED", NonBreaking)]);
    assert_eq!(
        diff(&with, &header(json!({ "deprecation": { "description": "test" } }))),
        [("DOC_CHANGED", NonBreaking)]
    );
    assert_eq!(diff(&with, &header(json!({ "default": "test" }))), [("DEFAULT_CHANGED", NonBreaking)]);
    assert_eq!(diff(&header(json!({ "default": "test" })), &with), [("DEFAULT_REMOVED", Breaking)]);
    assert_eq!(
        diff(&header(json!({ "default": "foo" })), &header(json!({ "default": "bar" }))),
        [("DEFAULT_CHANGED", NonBreaking)]
    );
}

// "enum" must: "add enum" (nonBreaking), "remove enum" (breaking), "change enum" (plural,
// description, deprecation: nonBreaking; value removed: breaking; value added: nonBreaking),
// "change enumValues" (description, deprecation: nonBreaking)
#[test]
fn diff_enums() {
    let without = changed(|v| {
        v["enums"] = json!({});
    });
    assert_eq!(diff(&without, &base()), [("TYPE_ADDED", NonBreaking)]);
    assert_eq!(diff(&base(), &without), [("TYPE_REMOVED", Breaking)]);
    for key in ["plural", "description"] {
        assert_eq!(
            diff_from_base(|v| v["enums"]["age_group"][key] = json!("groups")),
            [("TYPE_DOC_CHANGED", NonBreaking)]
        );
    }
    assert_eq!(
        diff_from_base(|v| v["enums"]["age_group"]["deprecation"] = json!({})),
        [("TYPE_DOC_CHANGED", NonBreaking)]
    );
    assert_eq!(
        diff_from_base(|v| v["enums"]["age_group"]["values"] = json!([{ "name": "young" }, { "name": "adult" }])),
        [("ENUM_VALUE_ADDED", NonBreaking)]
    );
    assert_eq!(
        diff_from_base(|v| v["enums"]["age_group"]["values"] = json!([{ "name": "adult" }])),
        [("ENUM_VALUE_ADDED", NonBreaking), ("ENUM_VALUE_REMOVED", Breaking)]
    );
    assert_eq!(
        diff_from_base(|v| v["enums"]["age_group"]["values"][0]["description"] = json!("test")),
        [("DOC_CHANGED", NonBreaking)]
    );
    assert_eq!(
        diff_from_base(|v| v["enums"]["age_group"]["values"][0]["deprecation"] = json!({})),
        [("DOC_CHANGED", NonBreaking)]
    );
}

// "union" must: "change union" (plural, description, deprecation: nonBreaking; interface added
// or removed, type removed, discriminator added or removed: breaking; type added: nonBreaking),
// "change unionTypes" (description, deprecation: nonBreaking), "change union type default"
// (added: nonBreaking, removed: breaking)
#[test]
fn diff_unions() {
    assert_eq!(
        diff_from_base(|v| v["unions"]["visitor"]["plural"] = json!("all")),
        [("TYPE_DOC_CHANGED", NonBreaking)]
    );
    assert_eq!(
        diff_from_base(|v| v["unions"]["visitor"]["description"] = json!("test")),
        [("TYPE_DOC_CHANGED", NonBreaking)]
    );
    assert_eq!(
        diff_from_base(|v| v["unions"]["visitor"]["types"] = json!([{ "type": "registered" }, { "type": "guest" }])),
        [("UNION_MEMBER_ADDED", NonBreaking)]
    );
    assert_eq!(
        diff(
            &changed(|v| v["unions"]["visitor"]["types"] = json!([{ "type": "registered" }, { "type": "guest" }])),
            &base()
        ),
        [("UNION_MEMBER_REMOVED", Breaking)]
    );
    assert_eq!(
        diff_from_base(|v| v["unions"]["visitor"]["discriminator"] = json!("type_identifier")),
        [("DISCRIMINATOR_CHANGED", Breaking)]
    );
    assert_eq!(
        diff_from_base(|v| v["unions"]["visitor"]["types"][0]["description"] = json!("test")),
        [("DOC_CHANGED", NonBreaking)]
    );
    assert_eq!(
        diff_from_base(|v| v["unions"]["visitor"]["types"][0]["deprecation"] = json!({})),
        [("DOC_CHANGED", NonBreaking)]
    );
    let with_discriminator = changed(|v| v["unions"]["visitor"]["discriminator"] = json!("discriminator"));
    let with_default = changed(|v| {
        v["unions"]["visitor"]["discriminator"] = json!("discriminator");
        v["unions"]["visitor"]["types"][0]["default"] = json!(true);
    });
    assert_eq!(diff(&with_discriminator, &with_default), [("UNION_DEFAULT_ADDED", NonBreaking)]);
    assert_eq!(diff(&with_default, &with_discriminator), [("UNION_DEFAULT_CHANGED", Breaking)]);
}

// "model" must: "add model" (nonBreaking), "remove model" (breaking), "change model" (plural,
// description, deprecation, attributes: nonBreaking; field removed, required field added:
// breaking; optional field, or required with a default, added: nonBreaking), "change fields"
// (type, now required, minimum added or raised, maximum added or lowered: breaking;
// description, deprecation, default added, no longer required, minimum lowered or removed,
// maximum raised or removed, example: nonBreaking)
#[test]
fn diff_models_and_fields() {
    let field = |extra: Value| {
        changed(move |v| {
            let f = v["models"]["user"]["fields"][0].as_object_mut().unwrap();
            f.extend(extra.as_object().unwrap().clone());
        })
    };
    let add_field = |f: Value| changed(move |v| v["models"]["user"]["fields"].as_array_mut().unwrap().push(f));
    // In api.json the resource's plural is its model's, so the resource's changes too (DOC_CHANGED).
    assert_eq!(
        diff_from_base(|v| v["models"]["user"]["plural"] = json!("all_users")),
        [("DOC_CHANGED", NonBreaking), ("TYPE_DOC_CHANGED", NonBreaking)]
    );
    assert_eq!(diff_from_base(|v| v["models"]["user"]["deprecation"] = json!({})), [("TYPE_DOC_CHANGED", NonBreaking)]);
    assert_eq!(
        diff_from_base(
            |v| v["models"]["user"]["attributes"] = json!([{ "name": "attribute1", "value": { "name": "value1" } }])
        ),
        [("TYPE_DOC_CHANGED", NonBreaking)]
    );
    // apigen differs on purpose for an optional field: every reader already handles its absence
    // and servers ignore what old clients still send (`apigen explain OPTIONAL_FIELD_REMOVED`);
    // a required field removed is breaking, as apibuilder says of every field.
    assert_eq!(
        diff_from_base(|v| v["models"]["user"]["fields"] = json!([])),
        [("OPTIONAL_FIELD_REMOVED", NonBreaking)]
    );
    assert_eq!(
        diff(&field(json!({ "required": true })), &changed(|v| v["models"]["user"]["fields"] = json!([]))),
        [("FIELD_REMOVED", Breaking)]
    );
    assert_eq!(
        diff(&base(), &add_field(json!({ "name": "name", "type": "long", "required": false }))),
        [("FIELD_ADDED_OPTIONAL", NonBreaking)]
    );
    assert_eq!(
        diff(&base(), &add_field(json!({ "name": "name", "type": "long", "default": 1 }))),
        [("FIELD_ADDED_OPTIONAL", NonBreaking)]
    );
    assert_eq!(
        diff(&base(), &add_field(json!({ "name": "name", "type": "long" }))),
        [("FIELD_ADDED_REQUIRED", Breaking)]
    );
    assert_eq!(diff(&base(), &field(json!({ "type": "uuid" }))), [("FIELD_TYPE_CHANGED", Breaking)]);
    assert_eq!(diff(&base(), &field(json!({ "description": "test" }))), [("DOC_CHANGED", NonBreaking)]);
    assert_eq!(diff(&base(), &field(json!({ "deprecation": {} }))), [("DOC_CHANGED", NonBreaking)]);
    assert_eq!(diff(&base(), &field(json!({ "example": "1" }))), [("DOC_CHANGED", NonBreaking)]);
    assert_eq!(
        diff(&base(), &field(json!({ "attributes": [{ "name": "attribute1", "value": { "name": "value1" } }] }))),
        [("DOC_CHANGED", NonBreaking)]
    );
    assert_eq!(diff(&base(), &field(json!({ "default": 1 }))), [("DEFAULT_CHANGED", NonBreaking)]);
    assert_eq!(diff(&base(), &field(json!({ "required": true }))), [("FIELD_NOW_REQUIRED", Breaking)]);
    assert_eq!(diff(&base(), &field(json!({ "minimum": 1 }))), [("MINIMUM_TIGHTENED", Breaking)]);
    assert!(diff(&field(json!({ "minimum": 1 })), &field(json!({ "minimum": 1 }))).is_empty());
    assert_eq!(
        diff(&field(json!({ "minimum": 0 })), &field(json!({ "minimum": 1 }))),
        [("MINIMUM_TIGHTENED", Breaking)]
    );
    assert_eq!(diff(&base(), &field(json!({ "maximum": 1 }))), [("MAXIMUM_TIGHTENED", Breaking)]);
    assert_eq!(
        diff(&field(json!({ "maximum": 1 })), &field(json!({ "maximum": 0 }))),
        [("MAXIMUM_TIGHTENED", Breaking)]
    );
    // The relaxations: "no longer required", "minimum lowered or removed", "maximum raised or
    // removed" are nonBreaking where the type travels in requests only, as apibuilder says. apigen
    // differs on purpose where it travels in responses too: readers promised a field, or a
    // bound, break when it goes (`apigen explain FIELD_NOW_OPTIONAL`, `BOUND_RELAXED`).
    let relaxations = [
        (field(json!({ "required": true })), base(), "FIELD_NOW_OPTIONAL"),
        (field(json!({ "minimum": 1 })), field(json!({ "minimum": 0 })), "BOUND_RELAXED"),
        (field(json!({ "minimum": 0 })), base(), "BOUND_RELAXED"),
        (field(json!({ "maximum": 0 })), field(json!({ "maximum": 1 })), "BOUND_RELAXED"),
        (field(json!({ "maximum": 0 })), base(), "BOUND_RELAXED"),
    ];
    for (before, after, rule) in relaxations {
        assert_eq!(diff(&requests_only(&before), &requests_only(&after)), [(rule, NonBreaking)]);
        assert_eq!(diff(&before, &after), [(rule, Breaking)]);
    }
}

/// The service with `user` in a request body only.
fn requests_only(v: &Value) -> Value {
    let mut v = v.clone();
    v["resources"]["user"]["operations"] =
        json!([{ "method": "POST", "body": { "type": "user" }, "responses": { "204": { "type": "unit" } } }]);
    v
}

// "annotations" must: "add annotation", "remove annotation", and its description removed or
// deprecation added (all Material.nonBreaking)
#[test]
fn diff_annotations() {
    let with = |annotation: Value| changed(move |v| v["annotations"] = json!({ "red": annotation }));
    let annotated = with(json!({ "description": "Field interests the red team" }));
    assert_eq!(diff(&base(), &annotated), [("ANNOTATION_CHANGED", NonBreaking)]);
    assert_eq!(diff(&annotated, &base()), [("ANNOTATION_CHANGED", NonBreaking)]);
    assert_eq!(diff(&annotated, &with(json!({}))), [("ANNOTATION_CHANGED", NonBreaking)]);
    assert_eq!(
        diff(&annotated, &with(json!({ "description": "Field interests the red team", "deprecation": {} }))),
        [("ANNOTATION_CHANGED", NonBreaking)]
    );
}

fn with_operation(op: Value) -> Value {
    changed(move |v| {
        v["models"]["user_form"] = json!({ "fields": [{ "name": "name", "type": "string" }] });
        v["resources"]["user"]["operations"] = json!([op]);
    })
}

fn get_user(extra: Value) -> Value {
    let mut op = json!({ "method": "GET", "path": "/:guid", "responses": { "200": { "type": "user" } } });
    op.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    with_operation(op)
}

// "resource" must: "add resource" (nonBreaking), "remove resource" (breaking), "change resource"
// (description, deprecation: nonBreaking; operation added: nonBreaking; removed: breaking)
#[test]
fn diff_resources() {
    let without = changed(|v| v["resources"] = json!({}));
    assert_eq!(diff(&without, &base()), [("RESOURCE_ADDED", NonBreaking)]);
    assert_eq!(diff(&base(), &without), [("RESOURCE_REMOVED", Breaking)]);
    assert_eq!(
        diff_from_base(|v| v["resources"]["user"]["description"] = json!("test")),
        [("DOC_CHANGED", NonBreaking)]
    );
    assert_eq!(diff_from_base(|v| v["resources"]["user"]["deprecation"] = json!({})), [("DOC_CHANGED", NonBreaking)]);
    let two = changed(|v| {
        v["resources"]["user"]["operations"]
            .as_array_mut()
            .unwrap()
            .push(json!({ "method": "GET", "path": "/:guid", "responses": { "200": { "type": "user" } } }))
    });
    assert_eq!(diff(&base(), &two), [("OPERATION_ADDED", NonBreaking)]);
    assert_eq!(diff(&two, &base()), [("OPERATION_REMOVED", Breaking)]);
}

// "operation" must "change operation": method changed (removed: breaking, added: nonBreaking);
// description, deprecation (nonBreaking); body added, body type changed, body removed
// (breaking); body description, deprecation (nonBreaking)
#[test]
fn diff_operations() {
    let op = get_user(json!({}));
    assert_eq!(
        diff(&op, &get_user(json!({ "method": "POST" }))),
        [("OPERATION_ADDED", NonBreaking), ("OPERATION_REMOVED", Breaking)]
    );
    assert_eq!(diff(&op, &get_user(json!({ "description": "test" }))), [("OPERATION_DOC_CHANGED", NonBreaking)]);
    assert_eq!(diff(&op, &get_user(json!({ "deprecation": {} }))), [("OPERATION_DOC_CHANGED", NonBreaking)]);
    let put = |body: Value| {
        with_operation(
            json!({ "method": "PUT", "path": "/:guid", "body": body, "responses": { "200": { "type": "user" } } }),
        )
    };
    let put_without =
        with_operation(json!({ "method": "PUT", "path": "/:guid", "responses": { "200": { "type": "user" } } }));
    let form = put(json!({ "type": "user_form" }));
    assert_eq!(diff(&put_without, &form), [("BODY_ADDED", Breaking)]);
    assert_eq!(diff(&form, &put(json!({ "type": "string" }))), [("BODY_TYPE_CHANGED", Breaking)]);
    assert_eq!(
        diff(&form, &put(json!({ "type": "user_form", "description": "test" }))),
        [("DOC_CHANGED", NonBreaking)]
    );
    assert_eq!(diff(&form, &put(json!({ "type": "user_form", "deprecation": {} }))), [("DOC_CHANGED", NonBreaking)]);
    assert_eq!(diff(&form, &put_without), [("BODY_REMOVED", Breaking)]);
}

// "operation" must "change operation", the path `/users/:guid` changed to `/users/:id`:
// apibuilder reports the operation removed and another added. apigen differs on purpose: a
// renamed path parameter is the same route on the wire (`apigen explain OPERATION_MOVED`), so
// it is neither a move nor a removal; the parameter's rename is what it reports.
#[test]
fn diff_renamed_path_parameter_is_not_a_move() {
    // `:id` takes the type of the model's `id` field (long, as apibuilder infers it); `:guid`,
    // which names no field, is a string: so the one change is the parameter's type.
    // A string that must now be a number is a narrowing: old clients' values may be rejected.
    let changes = diff(&get_user(json!({})), &get_user(json!({ "path": "/:id" })));
    assert_eq!(changes, [("TYPE_NARROWED", Breaking)]);
}

// "operation parameters" must: "add optional parameter" (nonBreaking), "add required
// parameter", "remove parameter", "change type", "change location", "add minimum", "add
// maximum" (breaking), "add description", "add deprecation", "add default", "add example",
// "add attribute", "update attribute", "remove attribute" (nonBreaking)
#[test]
fn diff_parameters() {
    let with_param = |extra: Value| {
        let mut p = json!({ "name": "id", "type": "long", "location": "query", "required": false });
        p.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        get_user(json!({ "parameters": [p] }))
    };
    let without = get_user(json!({}));
    let param = with_param(json!({}));
    assert_eq!(diff(&without, &param), [("PARAMETER_ADDED_OPTIONAL", NonBreaking)]);
    assert_eq!(diff(&without, &with_param(json!({ "required": true }))), [("PARAMETER_ADDED_REQUIRED", Breaking)]);
    assert_eq!(diff(&param, &without), [("PARAMETER_REMOVED", Breaking)]);
    assert_eq!(diff(&param, &with_param(json!({ "type": "uuid" }))), [("PARAMETER_TYPE_CHANGED", Breaking)]);
    // apigen differs on purpose for `long` to `string`: a query parameter is text on the wire, and
    // every number a client sends is a string the new server reads (`apigen explain TYPE_WIDENED`).
    assert_eq!(diff(&param, &with_param(json!({ "type": "string" }))), [("TYPE_WIDENED", NonBreaking)]);
    assert_eq!(diff(&param, &with_param(json!({ "location": "header" }))), [("PARAMETER_LOCATION_CHANGED", Breaking)]);
    assert_eq!(diff(&param, &with_param(json!({ "minimum": 1 }))), [("MINIMUM_TIGHTENED", Breaking)]);
    assert_eq!(diff(&param, &with_param(json!({ "maximum": 1 }))), [("MAXIMUM_TIGHTENED", Breaking)]);
    assert_eq!(diff(&param, &with_param(json!({ "description": "test" }))), [("DOC_CHANGED", NonBreaking)]);
    assert_eq!(diff(&param, &with_param(json!({ "deprecation": {} }))), [("DOC_CHANGED", NonBreaking)]);
    assert_eq!(diff(&param, &with_param(json!({ "example": "1" }))), [("DOC_CHANGED", NonBreaking)]);
    // apigen, as apibuilder's validator, takes a default on required parameters only.
    assert_eq!(
        diff(&with_param(json!({ "required": true })), &with_param(json!({ "required": true, "default": 5 }))),
        [("DEFAULT_CHANGED", NonBreaking)]
    );
    let attribute = |value: &str| json!({ "attributes": [{ "name": "attribute1", "value": { "name": value } }] });
    assert_eq!(diff(&param, &with_param(attribute("value1"))), [("DOC_CHANGED", NonBreaking)]);
    assert_eq!(
        diff(&with_param(attribute("value1")), &with_param(attribute("value updated"))),
        [("DOC_CHANGED", NonBreaking)]
    );
    assert_eq!(diff(&with_param(attribute("value1")), &param), [("DOC_CHANGED", NonBreaking)]);
}

// "change operation responses": response added (nonBreaking), removed, type changed (breaking),
// description, deprecation (nonBreaking)
#[test]
fn diff_responses() {
    let op = |responses: Value| get_user(json!({ "responses": responses }));
    let one = op(json!({ "200": { "type": "user" } }));
    let two = op(json!({ "200": { "type": "user" }, "404": { "type": "unit" } }));
    assert_eq!(diff(&one, &two), [("RESPONSE_ADDED", NonBreaking)]);
    assert_eq!(diff(&two, &one), [("RESPONSE_REMOVED", Breaking)]);
    assert_eq!(diff(&one, &op(json!({ "200": { "type": "string" } }))), [("RESPONSE_TYPE_CHANGED", Breaking)]);
    assert_eq!(
        diff(&one, &op(json!({ "200": { "type": "user", "description": "test" } }))),
        [("DOC_CHANGED", NonBreaking)]
    );
    assert_eq!(
        diff(&one, &op(json!({ "200": { "type": "user", "deprecation": {} } }))),
        [("DOC_CHANGED", NonBreaking)]
    );
}

// ---- api/test/lib/ServiceInterfaceDiffSpec.scala ----

fn with_interface(extra: Value) -> Value {
    let mut i = json!({ "plural": "people", "fields": [{ "name": "id", "type": "long" }] });
    i.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    changed(move |v| v["interfaces"] = json!({ "person": i }))
}

// "no change", "add/remove interface" (added: nonBreaking, removed: breaking), "change
// interface" (plural, description, deprecation: nonBreaking)
#[test]
fn diff_interfaces() {
    let person = with_interface(json!({}));
    assert!(diff(&person, &person).is_empty());
    assert_eq!(diff(&base(), &person), [("TYPE_ADDED", NonBreaking)]);
    assert_eq!(diff(&person, &base()), [("TYPE_REMOVED", Breaking)]);
    assert_eq!(diff(&person, &with_interface(json!({ "plural": "persons" }))), [("TYPE_DOC_CHANGED", NonBreaking)]);
    assert_eq!(diff(&person, &with_interface(json!({ "description": "test" }))), [("TYPE_DOC_CHANGED", NonBreaking)]);
    assert_eq!(diff(&person, &with_interface(json!({ "deprecation": {} }))), [("TYPE_DOC_CHANGED", NonBreaking)]);
}

// "fields": field removed (breaking), optional field added with or without a default
// (nonBreaking), required field added (breaking), required with a default (nonBreaking)
#[test]
fn diff_interface_fields() {
    let person = with_interface(json!({}));
    let fields = |extra: Value| with_interface(json!({ "fields": [{ "name": "id", "type": "long" }, extra] }));
    assert_eq!(diff(&person, &with_interface(json!({ "fields": [] }))), [("FIELD_REMOVED", Breaking)]);
    assert_eq!(
        diff(&person, &fields(json!({ "name": "name", "type": "string", "required": false }))),
        [("FIELD_ADDED_OPTIONAL", NonBreaking)]
    );
    assert_eq!(
        diff(&person, &fields(json!({ "name": "name", "type": "string", "required": false, "default": "test" }))),
        [("FIELD_ADDED_OPTIONAL", NonBreaking)]
    );
    assert_eq!(
        diff(&person, &fields(json!({ "name": "name", "type": "string" }))),
        [("FIELD_ADDED_REQUIRED", Breaking)]
    );
    assert_eq!(
        diff(&person, &fields(json!({ "name": "name", "type": "string", "default": "test" }))),
        [("FIELD_ADDED_OPTIONAL", NonBreaking)]
    );
}

// "attributes": removed, added, value changed (all nonBreaking)
#[test]
fn diff_interface_attributes() {
    let attrs = |a: Value| with_interface(json!({ "attributes": a }));
    let test = attrs(json!([{ "name": "test", "value": { "a": "b" } }]));
    assert_eq!(diff(&test, &attrs(json!([]))), [("TYPE_DOC_CHANGED", NonBreaking)]);
    assert_eq!(
        diff(&test, &attrs(json!([{ "name": "test", "value": { "a": "b" } }, { "name": "foo", "value": {} }]))),
        [("TYPE_DOC_CHANGED", NonBreaking)]
    );
    assert_eq!(diff(&test, &attrs(json!([{ "name": "test", "value": {} }]))), [("TYPE_DOC_CHANGED", NonBreaking)]);
}
