//! UNION_HAS_DISCRIMINATOR: every union names a discriminator field.

use compiler::diagnostic::Severity;
use compiler::ir::{Site, UnionEncoding};

use crate::{Category, Context, Finding, Formats, Rule};

pub static RULE: Rule = Rule {
    id: "UNION_HAS_DISCRIMINATOR",
    purpose: "Every union has a `discriminator`, so a member's JSON is the member itself plus a type field.",
    rationale: "Without a discriminator apibuilder wraps each value in an object keyed by the type \
        name (`{\"user\": {...}}`); with one, the value is the member's own object with one extra field \
        (`{\"discriminator\": \"user\", ...}`). The flat form is what every other JSON tool expects, lets \
        a member gain a union later without changing its JSON, allows a default member, and is what \
        event streams route on. Flow requires it (`UnionTypesHaveCommonDiscriminator`) and names the \
        field `discriminator`.",
    bad: r#"{
  "name": "shop",
  "models": {
    "card": { "fields": [{ "name": "number", "type": "string" }] },
    "bank_transfer": { "fields": [{ "name": "iban", "type": "string" }] }
  },
  "unions": {
    "payment_method": { "types": [{ "type": "card" }, { "type": "bank_transfer" }] }
  }
}"#,
    good: r#"{
  "name": "shop",
  "models": {
    "card": { "fields": [{ "name": "number", "type": "string" }] },
    "bank_transfer": { "fields": [{ "name": "iban", "type": "string" }] }
  },
  "unions": {
    "payment_method": {
      "discriminator": "discriminator",
      "types": [{ "type": "card" }, { "type": "bank_transfer" }]
    }
  }
}"#,
    severity: Severity::Error,
    categories: &[Category::Standard],
    flow_names: &["discriminator"],
    flow_rule: Some("UnionTypesHaveCommonDiscriminator"),
    formats: Formats::ApiBuilder,
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (id, u) in cx.unions() {
        let wire = match u.encoding {
            UnionEncoding::Discriminated(_) => continue,
            UnionEncoding::Wrapped => "each value is wrapped in an object keyed by its type name",
            UnionEncoding::Untagged => "readers must guess the member from its fields",
        };
        out.push(
            Finding::new(Site::Union(id), format!("union `{}` has no discriminator", u.name), "no discriminator")
                .help("add `\"discriminator\": \"discriminator\"`")
                .note(format!("without one, {wire}")),
        );
    }
}
