//! Which way each type travels (`compiler::usage`), on small specs: through operations, fields,
//! `readOnly`/`writeOnly`, lists, unions and interfaces.

use compiler::compile_str;
use compiler::ir::{InterfaceId, Ir, ModelId};
use compiler::usage::{TypeRef, Usage, Usages};

fn model(ir: &Ir, name: &str) -> TypeRef {
    let i = ir.models.iter().position(|m| m.name == name).unwrap_or_else(|| panic!("no model `{name}`"));
    TypeRef::Model(ModelId(i as u32))
}

#[test]
fn fields_carry_their_owner_s_directions_and_read_only_ones_travel_in_responses() {
    let c = compile_str(
        "pets.yaml",
        "openapi: 3.1.0
info: {title: Pets, version: '1'}
paths:
  /pets:
    post:
      operationId: createPet
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Pet'}
      responses:
        '201':
          description: Created
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Receipt'}
components:
  schemas:
    Pet:
      type: object
      properties:
        owner: {$ref: '#/components/schemas/Owner'}
        audit: {$ref: '#/components/schemas/Audit', readOnly: true}
        secret: {$ref: '#/components/schemas/Secret', writeOnly: true}
    Receipt:
      type: object
      properties:
        pets: {type: array, items: {$ref: '#/components/schemas/Pet'}}
    Owner: {type: object, properties: {name: {type: string}}}
    Audit: {type: object, properties: {by: {type: string}}}
    Secret: {type: object, properties: {code: {type: string}}}
    Toy: {type: object, properties: {name: {type: string}}}
",
    );
    assert!(!c.has_errors(), "{:?}", c.diagnostics);
    let u = Usages::of(&c.ir);
    assert_eq!(u.get(model(&c.ir, "Receipt")), Usage::RESPONSE);
    // In the request body, and in a list in the response.
    assert_eq!(u.get(model(&c.ir, "Pet")), Usage::BOTH);
    assert_eq!(u.get(model(&c.ir, "Owner")), Usage::BOTH);
    assert_eq!(u.get(model(&c.ir, "Audit")), Usage::RESPONSE);
    assert_eq!(u.get(model(&c.ir, "Secret")), Usage::REQUEST);
    assert!(u.get(model(&c.ir, "Toy")).is_empty(), "no operation uses `Toy`");
}

#[test]
fn union_members_travel_as_their_union_and_an_interface_as_its_implementors() {
    let c = compile_str(
        "zoo.json",
        r#"{"name": "zoo",
            "interfaces": {"animal": {"fields": [{"name": "name", "type": "string"}]}},
            "models": {
              "dog": {"interfaces": ["animal"], "fields": [{"name": "name", "type": "string"}]},
              "cat": {"interfaces": ["animal"], "fields": [{"name": "name", "type": "string"}]},
              "enclosure": {"fields": [{"name": "animals", "type": "[pet]"}]}
            },
            "unions": {"pet": {"types": [{"type": "dog"}, {"type": "cat"}]}},
            "resources": {
              "enclosure": {"operations": [{"method": "GET", "responses": {"200": {"type": "enclosure"}}}]},
              "dog": {"operations": [{"method": "POST", "body": {"type": "dog"}, "responses": {"204": {"type": "unit"}}}]}
            }}"#,
    );
    assert!(!c.has_errors(), "{:?}", c.diagnostics);
    let u = Usages::of(&c.ir);
    assert_eq!(u.get(TypeRef::Interface(InterfaceId(0))), Usage::BOTH);
    assert_eq!(u.get(model(&c.ir, "dog")), Usage::BOTH);
    // `cat` is read through `[pet]` in a response; `dog`'s request body does not reach it
    // through the interface both implement.
    assert_eq!(u.get(model(&c.ir, "cat")), Usage::RESPONSE);
}
