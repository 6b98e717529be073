//! ENUM_VALUE_SNAKE_CASE: enum value names are lower_snake_case; the wire value may differ.

use compiler::diagnostic::Severity;
use compiler::ir::Site;

use crate::text::{is_snake_case, to_snake_case};
use crate::{Category, Context, Finding, Formats, Rule};

pub static RULE: Rule = Rule {
    id: "ENUM_VALUE_SNAKE_CASE",
    purpose: "Enum value names are lower_snake_case; an external spelling goes in the value's `value`.",
    rationale: "Enum value names become identifiers in generated code and, unless `value` says \
        otherwise, strings on the wire. apibuilder separates the two (`{\"name\": \"exw\", \"value\": \
        \"EXW\"}`), so a code defined elsewhere (an Incoterm, an HTTP method) keeps its exact wire \
        spelling while the name follows the spec's style. It is a warning because renaming the wire \
        value of a published enum breaks clients: keep the old spelling in `value`.",
    bad: r#"{
  "name": "shop",
  "enums": {
    "incoterm": { "values": [{ "name": "DDP" }, { "name": "DAP" }] }
  }
}"#,
    good: r#"{
  "name": "shop",
  "enums": {
    "incoterm": {
      "values": [{ "name": "ddp", "value": "DDP" }, { "name": "dap", "value": "DAP" }]
    }
  }
}"#,
    severity: Severity::Warning,
    categories: &[Category::Basic, Category::Standard],
    flow_names: &[],
    flow_rule: None,
    formats: Formats::ApiBuilder,
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (id, e) in cx.enums() {
        for (i, v) in e.values.iter().enumerate() {
            if is_snake_case(&v.name) {
                continue;
            }
            let snake = to_snake_case(&v.name);
            let help = if v.value == v.name {
                format!("rename it and keep the wire value: `{{\"name\": \"{snake}\", \"value\": \"{}\"}}`", v.value)
            } else {
                format!("rename it `{snake}`; its wire value `{}` stays as it is", v.value)
            };
            out.push(
                Finding::new(
                    Site::EnumValue(id, i),
                    format!("value `{}` of enum `{}` is not snake_case", v.name, e.name),
                    "not snake_case",
                )
                .help(help),
            );
        }
    }
}
