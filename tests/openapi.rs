//! OpenAPI input: the shared corpus of 51 real and edge-case documents compiles as
//! `openapi-expectations.tsv` says (a summary of what each lowers to is snapshotted, so a change
//! in lowering shows in review), and the lowering rules, one test each.

mod common;

use std::collections::BTreeSet;
use std::fmt::Write as _;

use compiler::ir::{Ir, ServiceId, Type};
use compiler::{Code, Compilation, Config, Input, NoLoader};

#[test]
fn openapi_corpus_matches_expectations() {
    let dir = common::corpus("openapi");
    let expected = common::expectations("openapi-expectations.tsv");
    let files = common::corpus_files(&dir, &[".json", ".yaml"]);
    assert_eq!(files.len(), 51, "the corpus looks incomplete");
    let mut summary = String::new();
    let mut mismatches = Vec::new();
    for name in &files {
        let c = common::compile(&dir.join(name), &dir, &Config::default());
        let codes: BTreeSet<String> = c.errors().map(|d| d.code.as_str().to_string()).collect();
        let want = expected.get(name).map(|(codes, _)| codes.clone()).unwrap_or_default();
        if codes != want {
            let first: Vec<String> =
                c.errors().take(3).map(|d| format!("{}: {}", d.code.as_str(), d.message)).collect();
            mismatches.push(format!("{name}: expected {want:?}, observed {codes:?}\n  {}", first.join("\n  ")));
        }
        let ir = &c.ir;
        let warnings = c.diagnostics.iter().filter(|d| d.severity == compiler::Severity::Warning).count();
        writeln!(
            summary,
            "{name}: {} models, {} enums, {} unions, {} interfaces, {} resources, {} operations, {} warnings",
            ir.models.len(),
            ir.enums.len(),
            ir.unions.len(),
            ir.interfaces.len(),
            ir.resources.len(),
            ir.operations.len(),
            warnings
        )
        .unwrap();
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    insta::assert_snapshot!("openapi_corpus", summary);
}

fn compile_yaml(text: &str) -> Compilation {
    compiler::compile(
        vec![Input { name: "api.yaml".into(), bytes: text.as_bytes().to_vec() }],
        &Config::default(),
        &mut NoLoader,
    )
}

fn clean(text: &str) -> Ir {
    let c = compile_yaml(text);
    assert!(!c.has_errors(), "{}", common::report(&c));
    c.ir
}

fn codes(text: &str) -> Vec<Code> {
    compile_yaml(text).errors().filter_map(|d| Code::parse(d.code.as_str())).collect()
}

fn ty(ir: &Ir, t: &Type) -> String {
    ir.type_name(t, ServiceId(0))
}

/// `name: type presence` for every field of a model.
fn fields(ir: &Ir, model: &str) -> Vec<String> {
    let m = ir.models.iter().find(|m| m.name == model).unwrap_or_else(|| panic!("no model `{model}`"));
    m.fields
        .iter()
        .map(|f| format!("{}: {} {:?}{}", f.name, ty(ir, &f.ty), f.presence, if f.nullable { " nullable" } else { "" }))
        .collect()
}

const HEAD: &str = "openapi: 3.1.0\ninfo: {title: Pets, version: '1.0'}\n";

#[test]
fn component_schemas_become_models_enums_unions_and_aliases() {
    let ir = clean(&format!(
        "{HEAD}paths: {{}}
components:
  schemas:
    Pet:
      type: object
      required: [id, kind]
      properties:
        id: {{$ref: '#/components/schemas/PetId'}}
        kind: {{$ref: '#/components/schemas/Kind'}}
        tags: {{type: array, items: {{type: string}}}}
        born: {{type: string, format: date-time}}
        owner:
          type: object
          properties:
            name: {{type: string}}
        weight: {{type: [number, 'null']}}
        extra: {{type: object, additionalProperties: {{type: integer, format: int32}}}}
    PetId: {{type: string, format: uuid, description: The pet's id.}}
    Kind: {{type: string, enum: [cat, dog]}}
    Animal:
      oneOf:
        - $ref: '#/components/schemas/Pet'
        - $ref: '#/components/schemas/Wild'
      discriminator:
        propertyName: kind
        mapping:
          wild: '#/components/schemas/Wild'
    Wild: {{type: object, properties: {{kind: {{type: string}}}}}}
    Id: {{oneOf: [{{type: string}}, {{type: integer}}]}}
"
    ));
    assert_eq!(
        fields(&ir, "Pet"),
        [
            "id: uuid Required",
            "kind: Kind Required",
            "tags: [string] Optional",
            "born: date-time-iso8601 Optional",
            "owner: Pet_owner Optional",
            "weight: double Optional nullable",
            "extra: map[integer] Optional",
        ]
    );
    assert_eq!(fields(&ir, "Pet_owner"), ["name: string Optional"]);
    let pet = ir.models.iter().find(|m| m.name == "Pet").unwrap();
    assert_eq!(pet.fields[0].description.as_deref(), Some("The pet's id."), "an alias lends its description");
    let kind = ir.enums.iter().find(|e| e.name == "Kind").unwrap();
    assert_eq!(kind.values.iter().map(|v| v.value.as_str()).collect::<Vec<_>>(), ["cat", "dog"]);
    let animal = ir.unions.iter().find(|u| u.name == "Animal").unwrap();
    assert_eq!(animal.discriminator(), Some("kind"));
    let values: Vec<&str> = animal.members.iter().map(|m| m.discriminator_value.as_str()).collect();
    assert_eq!(values, ["Pet", "wild"], "mapping values, else the schema's name");
    let id = ir.unions.iter().find(|u| u.name == "Id").unwrap();
    assert!(matches!(id.encoding, compiler::ir::UnionEncoding::Untagged));
    assert!(ir.models.iter().all(|m| m.name != "PetId"), "an alias is no model");
}

#[test]
fn all_of_merges_properties_and_requirements() {
    let ir = clean(&format!(
        "{HEAD}paths: {{}}
components:
  schemas:
    Base: {{type: object, required: [id], properties: {{id: {{type: string}}, note: {{type: string}}}}}}
    Dog:
      allOf:
        - $ref: '#/components/schemas/Base'
        - type: object
          required: [bark]
          properties:
            bark: {{type: boolean, default: true}}
            note: {{type: integer}}
"
    ));
    // `bark` is required: it must be sent, and its default says what a writer puts there.
    assert_eq!(
        fields(&ir, "Dog"),
        ["id: string Required", "note: long Optional", "bark: boolean RequiredWithDefault(Bool(true))"]
    );
    // `Base` is only extended: an interface `Dog` implements, not a model of its own.
    assert!(!ir.models.iter().any(|m| m.name == "Base"));
    let base = ir.interfaces.iter().position(|i| i.name == "Base").expect("an interface");
    assert_eq!(ir.interfaces[base].fields.len(), 2);
    let dog = ir.models.iter().find(|m| m.name == "Dog").unwrap();
    assert_eq!(dog.interfaces, [compiler::ir::InterfaceId(base as u32)]);
}

#[test]
fn shared_bases_are_interfaces_unless_used_as_types() {
    let ir = clean(&format!(
        "{HEAD}paths:
  /pets:
    post:
      requestBody: {{content: {{application/json: {{schema: {{$ref: '#/components/schemas/NewPet'}}}}}}}}
      responses:
        '201': {{description: created, content: {{application/json: {{schema: {{$ref: '#/components/schemas/Cat'}}}}}}}}
components:
  schemas:
    Animal: {{type: object, properties: {{id: {{type: string}}}}}}
    Pet:
      allOf: [{{$ref: '#/components/schemas/Animal'}}, {{properties: {{name: {{type: string}}}}}}]
    Cat:
      allOf: [{{$ref: '#/components/schemas/Pet'}}, {{$ref: '#/components/schemas/NewPet'}}]
    NewPet: {{type: object, properties: {{tag: {{type: string}}}}}}
"
    ));
    let interfaces: Vec<&str> = ir.interfaces.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(interfaces, ["Animal", "Pet"], "NewPet is also a body: a model");
    let cat = ir.models.iter().find(|m| m.name == "Cat").unwrap();
    let names: Vec<&str> = cat.interfaces.iter().map(|i| ir.interface(*i).name.as_str()).collect();
    assert_eq!(names, ["Pet", "Animal"], "what it extends, directly or not");
    assert_eq!(fields(&ir, "Cat"), ["id: string Optional", "name: string Optional", "tag: string Optional"]);
    assert!(ir.models.iter().any(|m| m.name == "NewPet"));
}

#[test]
fn integer_enums_are_enums_of_integers() {
    let doc = |varnames: &str| {
        format!(
            "{HEAD}paths: {{}}
components:
  schemas:
    Priority: {{type: integer, enum: [1, 2, 3], {varnames}}}
    Level: {{enum: [-1, 0, null]}}
    Status:
      oneOf:
        - {{const: 10, title: open}}
        - {{const: 20, title: Closed For Good, description: Done with.}}
    Ratio: {{type: number, enum: [0.5, 1.5]}}
    Ticket:
      type: object
      properties:
        priority: {{$ref: '#/components/schemas/Priority', default: 2}}
"
        )
    };
    let c = compile_yaml(&doc("x-enum-varnames: [low, normal, high], x-enum-descriptions: [Whenever, Soon, Now]"));
    assert!(!c.has_errors(), "{}", common::report(&c));
    let ir = &c.ir;
    let values = |name: &str| -> Vec<(String, String, Option<String>)> {
        let e = ir.enums.iter().find(|e| e.name == name).unwrap_or_else(|| panic!("no enum `{name}`"));
        assert!(e.integer, "{name} is an integer enum");
        e.values.iter().map(|v| (v.name.clone(), v.value.clone(), v.description.clone())).collect()
    };
    let v = |n: &str, w: &str, d: Option<&str>| (n.to_string(), w.to_string(), d.map(String::from));
    assert_eq!(
        values("Priority"),
        [v("low", "1", Some("Whenever")), v("normal", "2", Some("Soon")), v("high", "3", Some("Now"))]
    );
    assert_eq!(values("Level"), [v("minus_1", "-1", None), v("value_0", "0", None)]);
    assert_eq!(values("Status"), [v("open", "10", None), v("closed_for_good", "20", Some("Done with."))]);
    // Fractions are no enum the IR holds: read as numbers, with a warning, the values kept.
    assert!(!ir.enums.iter().any(|e| e.name == "Ratio"));
    assert!(c.diagnostics.iter().any(|d| d.code.as_str() == "W0101" && d.message.contains("Ratio")));
    // A default is the integer itself.
    let ticket = ir.models.iter().find(|m| m.name == "Ticket").unwrap();
    assert_eq!(ticket.fields[0].presence.default(), Some(&serde_json::json!(2)));

    // The diff matches integers by value: a new label is no removed value.
    let relabelled = compile_yaml(&doc("x-enum-varnames: [lowest, normal, high]"));
    let changes = compiler::diff::diff((&c.ir, &c.map), (&relabelled.ir, &relabelled.map));
    assert!(
        !changes.iter().any(|ch| ch.rule.id.starts_with("ENUM_VALUE")),
        "{:?}",
        changes.iter().map(|ch| ch.message.as_str()).collect::<Vec<_>>()
    );
    let fewer = compile_yaml(&doc("x-enum-varnames: [low, normal, high]").replace("[1, 2, 3]", "[1, 2]"));
    let changes = compiler::diff::diff((&c.ir, &c.map), (&fewer.ir, &fewer.map));
    assert!(changes.iter().any(|ch| ch.rule.id == "ENUM_VALUE_REMOVED"));
    let strings =
        compile_yaml(&doc("").replace("{type: integer, enum: [1, 2, 3], }", "{type: string, enum: ['1', '2', '3']}"));
    assert!(!strings.has_errors(), "{}", common::report(&strings));
    let changes = compiler::diff::diff((&c.ir, &c.map), (&strings.ir, &strings.map));
    assert!(
        changes.iter().any(|ch| ch.rule.id == "ENUM_VALUE_WIRE_CHANGED" && ch.message.contains("travel as strings"))
    );
}

#[test]
fn string_enums_written_as_one_of_consts_are_enums() {
    let ir = clean(&format!(
        "{HEAD}paths: {{}}
components:
  schemas:
    Action:
      oneOf:
        - {{const: start, description: Starts it.}}
        - {{const: stop, title: Stops it}}
"
    ));
    let e = ir.enums.iter().find(|e| e.name == "Action").unwrap();
    let v: Vec<(&str, Option<&str>)> = e.values.iter().map(|v| (v.value.as_str(), v.description.as_deref())).collect();
    assert_eq!(v, [("start", Some("Starts it.")), ("stop", Some("Stops it"))]);
}

#[test]
fn bounds_are_exclusive_as_each_version_writes_them() {
    let schema = |version: &str, bounds: &str| {
        let ir = clean(&format!(
            "openapi: {version}\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n    M: {{type: object, properties: {{n: {{type: integer, {bounds}}}}}}}\n"
        ));
        let c = ir.models[0].fields[0].constraints.clone();
        (
            c.value.min.map(|b| (b.value.to_string(), b.exclusive)),
            c.value.max.map(|b| (b.value.to_string(), b.exclusive)),
        )
    };
    assert_eq!(
        schema("3.0.3", "minimum: 1, exclusiveMinimum: true, maximum: 9"),
        (Some(("1".into(), true)), Some(("9".into(), false)))
    );
    assert_eq!(
        schema("3.1.0", "exclusiveMinimum: 1, maximum: 9"),
        (Some(("1".into(), true)), Some(("9".into(), false)))
    );
}

#[test]
fn paths_become_operations_grouped_by_tag() {
    let ir = clean(&format!(
        "{HEAD}servers: [{{url: 'https://{{region}}.example.com/v1/', variables: {{region: {{default: eu}}}}}}]
paths:
  /pets/{{petId}}:
    parameters:
      - {{name: petId, in: path, required: true, schema: {{type: string}}}}
    get:
      tags: [pets]
      operationId: showPet
      parameters:
        - {{name: X-Trace, in: header, schema: {{type: string}}}}
      responses:
        '200':
          description: the pet
          headers: {{ETag: {{schema: {{type: string}}}}}}
          content: {{application/json: {{schema: {{type: object, properties: {{name: {{type: string}}}}}}}}}}
        4XX: {{description: client error}}
        default: {{description: anything else}}
  /pets:
    post:
      tags: [pets]
      requestBody:
        required: true
        content: {{application/json: {{schema: {{type: object, properties: {{name: {{type: string}}}}}}}}}}
      responses: {{'201': {{description: created}}}}
  /health:
    get: {{responses: {{'204': {{description: up}}}}}}
"
    ));
    assert_eq!(ir.services[0].base_url.as_deref(), Some("https://eu.example.com/v1"));
    let names: Vec<&str> = ir.resources.iter().map(|r| r.type_name.as_str()).collect();
    assert_eq!(names, ["pets", "health"]);
    let show = ir.operations.iter().find(|o| o.operation_id.as_deref() == Some("showPet")).unwrap();
    assert_eq!(show.path, "/pets/:petId");
    let params: Vec<String> = show.parameters.iter().map(|p| format!("{} {:?}", p.name, p.location)).collect();
    assert_eq!(params, ["X-Trace Header", "petId Path"]);
    let codes: Vec<String> = show.responses.iter().map(|r| r.code.to_string()).collect();
    assert_eq!(codes, ["200", "4XX", "default"]);
    assert_eq!(show.responses[0].headers[0].name, "ETag");
    assert_eq!(ty(&ir, show.responses[0].ty()), "showPet_200");
    let create = ir.operations.iter().find(|o| o.path == "/pets").unwrap();
    assert!(create.body.as_ref().unwrap().required);
    assert_eq!(ty(&ir, create.body.as_ref().unwrap().ty()), "post_pets_body");
}

#[test]
fn bad_documents_get_their_codes() {
    assert_eq!(codes("swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n"), [Code::E0101]);
    assert_eq!(codes("openapi: 4.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n"), [Code::E0101]);
    assert_eq!(codes("openapi: 3.0.3\ninfo: {title: t, version: '1'}\n"), [Code::E0009], "3.0 requires paths");
    assert!(codes("openapi: 3.1.0\ninfo: {title: t, version: '1'}\n").is_empty(), "3.1 does not");
    assert_eq!(
        codes(&format!(
            "{HEAD}paths: {{}}\ncomponents: {{schemas: {{A: {{type: object, properties: {{b: {{$ref: 'other.yaml#/B'}}}}}}}}}}\n"
        )),
        [Code::E0102]
    );
    assert_eq!(
        codes(&format!(
            "{HEAD}paths:\n  /a/{{id}}:\n    get:\n      parameters: [{{name: other, in: path, required: true, schema: {{type: string}}}}]\n      responses: {{'200': {{description: ok}}}}\n"
        )),
        [Code::E0104, Code::E0104]
    );
    assert_eq!(codes("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n\t/a: {}\n"), [Code::E0063]);
    // A document that points at itself in a loop: parameters that refer to each other.
    assert_eq!(
        codes(&format!(
            "{HEAD}paths:\n  /a:\n    get:\n      parameters: [{{$ref: '#/components/parameters/p'}}]\n      responses: {{'200': {{description: ok}}}}\ncomponents:\n  parameters:\n    p: {{$ref: '#/components/parameters/q'}}\n    q: {{$ref: '#/components/parameters/p'}}\n"
        )),
        [Code::E0103]
    );
}

#[test]
fn recursive_schemas_are_fine() {
    let ir = clean(&format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    Node: {{type: object, properties: {{children: {{type: array, items: {{$ref: '#/components/schemas/Node'}}}}}}}}\n"
    ));
    assert_eq!(fields(&ir, "Node"), ["children: [Node] Optional"]);
}

#[test]
fn what_the_ir_cannot_hold_is_a_warning_naming_it() {
    let c = compile_yaml(&format!(
        "{HEAD}paths:\n  /a:\n    get:\n      parameters: [{{name: filter, in: query, style: matrix, schema: {{type: object}}}}]\n      responses: {{'204': {{description: none, content: {{application/json: {{schema: {{type: string}}}}}}}}}}\n"
    ));
    assert!(!c.has_errors(), "{}", common::report(&c));
    let warnings: Vec<&str> =
        c.diagnostics.iter().filter(|d| d.code.as_str() == "W0101").map(|d| d.message.as_str()).collect();
    assert!(warnings.iter().any(|w| w.contains("`style` \"matrix\"") && w.contains("read as `form`")), "{warnings:?}");
    assert!(warnings.iter().any(|w| w.contains("204")), "{warnings:?}");
    assert_eq!(c.ir.operations[0].parameters[0].encoding, None, "read in the default style");
}

#[test]
fn parameter_styles_are_kept() {
    use compiler::ir::{Encoding, ParameterLocation, Style};
    let ir = clean(&format!(
        "{HEAD}paths:
  /a/{{id}}:
    get:
      parameters:
        - {{name: id, in: path, required: true, style: label, schema: {{type: integer}}}}
        - {{name: filter, in: query, style: deepObject, explode: true, schema: {{type: object}}}}
        - {{name: tags, in: query, explode: false, schema: {{type: array, items: {{type: string}}}}}}
        - {{name: ids, in: query, style: form, explode: true, schema: {{type: array, items: {{type: string}}}}}}
        - {{name: raw, in: query, allowReserved: true, schema: {{type: string}}}}
      responses: {{'204': {{description: none}}}}
"
    ));
    let e: Vec<Option<Encoding>> = ir.operations[0].parameters.iter().map(|p| p.encoding).collect();
    let enc = |style, explode, allow_reserved| Some(Encoding { style, explode, allow_reserved });
    assert_eq!(
        e,
        [
            enc(Style::Label, false, false),
            enc(Style::DeepObject, true, false),
            enc(Style::Form, false, false),
            None, // as written, the defaults
            enc(Style::Form, true, true),
        ]
    );
    assert_eq!(Encoding::default_for(ParameterLocation::Header).style, Style::Simple);
}

#[test]
fn webhooks_and_callbacks_are_requests_the_service_sends() {
    use compiler::ir::ResourceKind;
    use compiler::usage::{TypeRef, Usage, Usages};
    let ir = clean(&format!(
        "{HEAD}paths:
  /subscriptions:
    post:
      operationId: subscribe
      requestBody:
        content: {{application/json: {{schema: {{$ref: '#/components/schemas/Subscription'}}}}}}
      responses: {{'201': {{description: subscribed}}}}
      callbacks:
        onEvent:
          '{{$request.body#/callbackUrl}}':
            post:
              operationId: eventCallback
              requestBody:
                content: {{application/json: {{schema: {{$ref: '#/components/schemas/Event'}}}}}}
              responses: {{'200': {{description: received}}}}
webhooks:
  petAdopted:
    post:
      operationId: petAdopted
      requestBody:
        required: true
        content: {{application/json: {{schema: {{$ref: '#/components/schemas/Event'}}}}}}
      responses:
        '200':
          description: received
          content: {{application/json: {{schema: {{$ref: '#/components/schemas/Ack'}}}}}}
components:
  schemas:
    Subscription: {{type: object, properties: {{callbackUrl: {{type: string, format: uri}}}}}}
    Event: {{type: object, properties: {{id: {{type: string}}}}}}
    Ack: {{type: object, properties: {{ok: {{type: boolean}}}}}}
"
    ));
    let s = &ir.services[0];
    assert_eq!(s.resources.len(), 1, "webhooks and callbacks are not endpoints");
    let hooks = ir.resource(s.webhooks.expect("webhooks"));
    assert_eq!(hooks.kind, ResourceKind::Webhooks);
    let hook = ir.operation(hooks.operations[0]);
    assert_eq!((hook.path.as_str(), hook.operation_id.as_deref()), ("petAdopted", Some("petAdopted")));
    let subscribe = ir.operation(ir.resource(s.resources[0]).operations[0]);
    let cb = ir.resource(subscribe.callbacks[0]);
    assert_eq!(cb.type_name, "onEvent");
    assert!(matches!(cb.kind, ResourceKind::Callback(_)));
    assert_eq!(ir.operation(cb.operations[0]).path, "{$request.body#/callbackUrl}", "kept as written");
    // Their payloads travel towards the consumers; what receivers answer travels back.
    let usages = Usages::of(&ir);
    let model = |name: &str| {
        TypeRef::Model(compiler::ir::ModelId(ir.models.iter().position(|m| m.name == name).unwrap() as u32))
    };
    assert_eq!(usages.get(model("Event")), Usage::RESPONSE);
    assert_eq!(usages.get(model("Ack")), Usage::REQUEST);
    assert_eq!(usages.get(model("Subscription")), Usage::REQUEST);
}

#[test]
fn every_object_may_live_in_another_file() {
    let api = "openapi: 3.1.0
info: {title: Pets, version: '1.0'}
paths:
  /pets:
    $ref: './paths/pets.yaml'
  /pets/{id}:
    get:
      operationId: showPet
      parameters: [{$ref: './parameters.yaml#/id'}, {$ref: './parameters.yaml#/verbose'}]
      responses:
        '200': {$ref: './responses.yaml#/Pet'}
";
    let paths = "get:
  operationId: listPets
  parameters: [{$ref: '../parameters.yaml#/limit'}]
  responses:
    '200': {$ref: '../responses.yaml#/Pets'}
post:
  operationId: createPet
  requestBody: {$ref: '../bodies.yaml#/PetForm'}
  responses: {'201': {$ref: '../responses.yaml#/Pet'}}
";
    let parameters = "id: {name: id, in: path, required: true, schema: {type: string, format: uuid}}
limit: {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 100}}
verbose: {$ref: '#/limit2'}
limit2: {name: verbose, in: query, schema: {type: boolean}}
";
    let responses = "Pet:
  description: a pet
  headers: {ETag: {$ref: './headers.yaml#/ETag'}}
  content: {application/json: {schema: {$ref: './schemas.yaml#/Pet'}}}
Pets:
  description: pets
  content: {application/json: {schema: {type: array, items: {$ref: './schemas.yaml#/Pet'}}}}
";
    let bodies = "PetForm: {required: true, content: {application/json: {schema: {$ref: './schemas.yaml#/Pet'}}}}\n";
    let headers = "ETag: {required: true, schema: {type: string}}\n";
    let schemas = "Pet: {type: object, required: [name], properties: {name: {type: string}}}\n";
    let c = compile_files(&[
        ("specs/api.yaml", api),
        ("specs/paths/pets.yaml", paths),
        ("specs/parameters.yaml", parameters),
        ("specs/responses.yaml", responses),
        ("specs/bodies.yaml", bodies),
        ("specs/headers.yaml", headers),
        ("specs/schemas.yaml", schemas),
    ]);
    assert!(!c.has_errors(), "{}", common::report(&c));
    let ir = &c.ir;
    let op = |id: &str| ir.operations.iter().find(|o| o.operation_id.as_deref() == Some(id)).unwrap();
    let list = op("listPets");
    assert_eq!(list.path, "/pets");
    assert_eq!(list.parameters[0].name, "limit");
    assert_eq!(list.parameters[0].constraints.value.max.as_ref().map(|m| m.value.to_string()).as_deref(), Some("100"));
    assert_eq!(ty(ir, &list.responses[0].content[0].ty), "[Pet]");
    let create = op("createPet");
    assert!(create.body.as_ref().is_some_and(|b| b.required));
    let show = op("showPet");
    let names: Vec<&str> = show.parameters.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["id", "verbose"]);
    assert_eq!(show.responses[0].headers[0].name, "ETag");
    // Positions are in the file each object was read from.
    let at = |site| {
        let loc = c.map.get(site).unwrap();
        let file = c.sources.get(loc.file);
        let (line, _) = file.line_col(loc.span.start);
        format!("{}:{line}", file.name)
    };
    let sid = compiler::ir::OperationId(
        ir.operations.iter().position(|o| o.operation_id.as_deref() == Some("showPet")).unwrap() as u32,
    );
    assert_eq!(at(compiler::ir::Site::Parameter(sid, 1)), "specs/parameters.yaml:4");
    assert_eq!(at(compiler::ir::Site::ResponseType(sid, 0)), "specs/responses.yaml:2");

    // A mistake in another file is reported there.
    let bad_params = "id: {name: id, in: body, schema: {type: string}}\n";
    let c = compile_files(&[
        (
            "specs/api.yaml",
            "openapi: 3.1.0\ninfo: {title: P, version: '1'}\npaths:\n  /a:\n    get:\n      parameters: [{$ref: './parameters.yaml#/id'}]\n      responses: {'204': {description: none}}\n",
        ),
        ("specs/parameters.yaml", bad_params),
    ]);
    let errors: Vec<String> = c
        .errors()
        .map(|d| {
            let file = c.sources.get(d.primary.loc.file);
            let (line, col) = file.line_col(d.primary.loc.span.start);
            format!("{} {}:{line}:{col}", d.code.as_str(), file.name)
        })
        .collect();
    assert_eq!(errors, ["E0010 specs/parameters.yaml:1:20"], "{}", common::report(&c));
}

#[test]
fn anchors_and_ids_name_schemas() {
    let c = compile_yaml(
        "openapi: 3.1.0
info: {title: Pets, version: '1.0'}
paths:
  /pets:
    get:
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#pet'}}}}
        '201': {description: ok, content: {application/json: {schema: {$ref: 'https://example.com/schemas/owner.json'}}}}
        '202': {description: ok, content: {application/json: {schema: {$ref: 'https://example.com/schemas/tag'}}}}
components:
  schemas:
    Pet:
      $anchor: pet
      type: object
      properties: {name: {type: string}}
    Owner:
      $id: https://example.com/schemas/owner.json
      type: object
      properties: {id: {type: string}}
    Tag:
      $id: https://example.com/schemas/tag
      type: object
      properties: {label: {type: string}}
",
    );
    assert!(!c.has_errors(), "{}", common::report(&c));
    let op = &c.ir.operations[0];
    let types: Vec<String> = op.responses.iter().map(|r| ty(&c.ir, &r.content[0].ty)).collect();
    assert_eq!(types[0], "Pet");
    assert_eq!(fields(&c.ir, &types[1]), ["id: string Optional"]);
    assert_eq!(fields(&c.ir, &types[2]), ["label: string Optional"]);
    // A name no schema declares is an error at the reference, not the whole document.
    let c = compile_yaml(&format!(
        "{HEAD}paths:\n  /a:\n    get:\n      responses: {{'200': {{description: ok, content: {{application/json: {{schema: {{$ref: '#nothing'}}}}}}}}}}\n"
    ));
    assert_eq!(c.errors().map(|d| d.code.as_str()).collect::<Vec<_>>(), ["E0102"], "{}", common::report(&c));
}

#[test]
fn urls_resolve_through_imports_and_never_the_network() {
    let api = "openapi: 3.1.0
info: {title: Pets, version: '1.0'}
paths:
  /pets:
    get:
      parameters: [{$ref: 'https://specs.example.com/common/parameters.yaml#/limit'}]
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: 'https://schemas.example.com/pet.yaml#/Pet'}}}}
";
    let inputs = |extra: bool| {
        let mut files = vec![
            ("specs/api.yaml", api),
            ("vendor/common/parameters.yaml", "limit: {name: limit, in: query, schema: {type: integer}}\n"),
        ];
        if extra {
            files.push(("vendor/pet.yaml", "Pet: {type: object, properties: {name: {type: string}}}\n"));
        }
        files.into_iter().map(|(n, t)| Input { name: n.into(), bytes: t.as_bytes().to_vec() }).collect::<Vec<_>>()
    };
    let config = Config {
        imports: [
            ("https://specs.example.com/".to_string(), "vendor".to_string()),
            ("https://schemas.example.com/pet.yaml".to_string(), "vendor/pet.yaml".to_string()),
        ]
        .into_iter()
        .collect(),
        ..Config::default()
    };
    let c = compiler::compile(inputs(true), &config, &mut NoLoader);
    assert!(!c.has_errors(), "{}", common::report(&c));
    assert_eq!(c.ir.operations[0].parameters[0].name, "limit");
    assert_eq!(ty(&c.ir, &c.ir.operations[0].responses[0].content[0].ty), "Pet");
    // Without the mapping, the reference is an error at itself, with what to write.
    let c = compiler::compile(inputs(true), &Config::default(), &mut NoLoader);
    let e = c.errors().find(|d| d.code == Code::E0102).expect("unresolved");
    assert!(e.message.contains("never fetches"), "{}", e.message);
    assert!(e.help.as_deref().is_some_and(|h| h.contains("[imports]")), "{:?}", e.help);
}

fn compile_files(files: &[(&str, &str)]) -> Compilation {
    let inputs = files.iter().map(|(n, t)| Input { name: (*n).into(), bytes: t.as_bytes().to_vec() }).collect();
    compiler::compile(inputs, &Config::default(), &mut NoLoader)
}

#[test]
fn schemas_may_live_in_other_files() {
    let api = "openapi: 3.1.0
info: {title: Pets, version: '1.0'}
paths:
  /pets/{id}:
    get:
      operationId: showPet
      parameters: [{name: id, in: path, required: true, schema: {$ref: './schemas/common.yaml#/Id'}}]
      responses:
        '200': {description: the pet, content: {application/json: {schema: {$ref: './schemas/pet.yaml#/Pet'}}}}
        default: {description: an error, content: {application/json: {schema: {$ref: 'schemas/error.yaml'}}}}
";
    let pet = "Pet:
  type: object
  required: [id]
  properties:
    id: {$ref: './common.yaml#/Id'}
    parent: {$ref: '#/Pet'}
    kind: {$ref: '#/Kind'}
Kind: {type: string, enum: [cat, dog]}
";
    let common = "Id: {type: string, format: uuid}\n";
    let error = "type: object\nproperties:\n  message: {type: string, maxLength: 1, minLength: 5}\n";
    let c = compile_files(&[
        ("specs/api.yaml", api),
        ("specs/schemas/pet.yaml", pet),
        ("specs/schemas/common.yaml", common),
        ("specs/schemas/error.yaml", error),
    ]);
    // The one error is in the fragment, at its own line and column.
    let errors: Vec<String> = c
        .errors()
        .map(|d| {
            let file = c.sources.get(d.primary.loc.file);
            let (line, col) = file.line_col(d.primary.loc.span.start);
            format!("{} {}:{}:{}", d.code.as_str(), file.name, line, col)
        })
        .collect();
    assert_eq!(errors, ["E0028 specs/schemas/error.yaml:3:3"], "{}", common::report(&c));
    assert_eq!(fields(&c.ir, "Pet"), ["id: uuid Required", "parent: Pet Optional", "kind: Kind Optional"]);
    assert_eq!(fields(&c.ir, "error"), ["message: string Optional"]);
    let show = &c.ir.operations[0];
    assert_eq!(ty(&c.ir, &show.parameters[0].ty), "uuid");
    // A file no document refers to is not a part.
    let c = compile_files(&[("specs/api.yaml", api), ("specs/stray.yaml", common)]);
    let codes: Vec<&str> = c.errors().map(|d| d.code.as_str()).collect();
    assert!(codes.contains(&"E0006") && codes.contains(&"E0102"), "{}", common::report(&c));
}
