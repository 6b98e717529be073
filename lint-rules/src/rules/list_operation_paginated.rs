//! LIST_OPERATION_PAGINATED: a GET returning a list takes bounded `limit` and `offset` parameters.

use compiler::diagnostic::Severity;
use compiler::ir::{Method, Operation, OperationId, Parameter, ParameterLocation, Primitive, ResponseCode, Site, Type};

use crate::{Category, Context, Finding, Formats, Rule};

pub static RULE: Rule = Rule {
    id: "LIST_OPERATION_PAGINATED",
    purpose: "A GET returning a list takes `limit` (a `long` with a default, a minimum of at least 1 and a \
        maximum) and `offset` (a `long` with a default and a minimum of 0).",
    rationale: "A list endpoint without a bound returns every row: fine with ten rows, an outage with ten \
        million. Adding paging later is a breaking change for clients that expect everything in one \
        response. A `maximum` on `limit` caps what one request can cost; a default keeps clients that do \
        not page working; `offset` lets them fetch the rest. Flow's template is `limit: long, default 25, \
        minimum 1, maximum 100` and `offset: long, default 0, minimum 0`; this rule combines Flow's `Get` \
        (presence) and `CommonParameterTypes` (types and bounds) checks, without their exact numbers. \
        In a `linter` attribute, \
        Flow's names `get` and `common_parameter_types` silence the whole rule, `limit` and `offset` \
        silence the findings about one parameter.",
    bad: r#"{
  "name": "shop",
  "models": { "user": { "fields": [{ "name": "id", "type": "string" }] } },
  "resources": {
    "user": {
      "operations": [
        {
          "method": "GET",
          "parameters": [{ "name": "limit", "type": "integer", "required": false }],
          "responses": { "200": { "type": "[user]" } }
        }
      ]
    }
  }
}"#,
    good: r#"{
  "name": "shop",
  "models": { "user": { "fields": [{ "name": "id", "type": "string" }] } },
  "resources": {
    "user": {
      "operations": [
        {
          "method": "GET",
          "parameters": [
            { "name": "limit", "type": "long", "default": 25, "minimum": 1, "maximum": 100 },
            { "name": "offset", "type": "long", "default": 0, "minimum": 0 }
          ],
          "responses": { "200": { "type": "[user]" } }
        }
      ]
    }
  }
}"#,
    severity: Severity::Error,
    categories: &[Category::Standard],
    flow_names: &["get", "common_parameter_types"],
    flow_rule: Some("CommonParameterTypes"),
    formats: Formats::ApiBuilder,
    check,
};

const LIMIT_TEMPLATE: &str = r#"{"name": "limit", "type": "long", "default": 25, "minimum": 1, "maximum": 100}"#;
const OFFSET_TEMPLATE: &str = r#"{"name": "offset", "type": "long", "default": 0, "minimum": 0}"#;

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (oid, op, _) in cx.operations() {
        if op.method != Method::Get || !returns_list(op) {
            continue;
        }
        let route = format!("GET {}", op.path);
        check_param(cx, out, (oid, op), &route, Paging::Limit);
        check_param(cx, out, (oid, op), &route, Paging::Offset);
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Paging {
    Limit,
    Offset,
}

impl Paging {
    fn name(self) -> &'static str {
        match self {
            Paging::Limit => "limit",
            Paging::Offset => "offset",
        }
    }

    fn flow_names(self) -> &'static [&'static str] {
        match self {
            Paging::Limit => &["limit"],
            Paging::Offset => &["offset"],
        }
    }

    fn template(self) -> &'static str {
        match self {
            Paging::Limit => LIMIT_TEMPLATE,
            Paging::Offset => OFFSET_TEMPLATE,
        }
    }

    /// The smallest acceptable `minimum`.
    fn least_minimum(self) -> i64 {
        match self {
            Paging::Limit => 1,
            Paging::Offset => 0,
        }
    }
}

fn check_param(
    cx: &Context<'_>,
    out: &mut Vec<Finding>,
    (oid, op): (OperationId, &Operation),
    route: &str,
    which: Paging,
) {
    let name = which.name();
    let found = op.parameters.iter().enumerate().find(|(_, p)| p.name == name);
    let Some((i, p)) = found else {
        out.push(
            Finding::new(
                Site::OperationPath(oid),
                format!("`{route}` returns a list but has no `{name}` parameter"),
                format!("no `{name}`"),
            )
            .help(format!("add the query parameter `{}`", which.template()))
            .flow_names(which.flow_names()),
        );
        return;
    };
    // All that is wrong with one parameter is one finding: the fix is the same template.
    let mut problems: Vec<String> = Vec::new();
    if p.location != ParameterLocation::Query {
        problems.push(format!("it is a {} parameter, not a query parameter", p.location.as_str()));
    }
    if !is_long(p) {
        problems.push(format!("its type is `{}`, not `long`", cx.type_name(&p.ty)));
    }
    if p.presence.default().is_none() {
        problems.push("it has no default".to_string());
    }
    let least = which.least_minimum();
    match p.constraints.value.min.as_ref().map(|b| b.as_f64()) {
        None => problems.push("it has no minimum".to_string()),
        Some(min) if min < least as f64 => problems.push(format!("its minimum is {min}, below {least}")),
        Some(_) => {}
    }
    if which == Paging::Limit && p.constraints.value.max.is_none() {
        problems.push("it has no maximum, so one request can ask for every row".to_string());
    }
    if problems.is_empty() {
        return;
    }
    let site = if problems.len() == 1 && !is_long(p) { Site::ParameterType(oid, i) } else { Site::Parameter(oid, i) };
    let label = if problems.len() == 1 {
        "not a bounded paging parameter".to_string()
    } else {
        format!("{} problems", problems.len())
    };
    out.push(
        Finding::new(
            site,
            format!("`{name}` of `{route}` is not a bounded paging parameter: {}", problems.join("; ")),
            label,
        )
        .help(format!("declare it as `{}`", which.template()))
        .flow_names(which.flow_names()),
    );
}

fn is_long(p: &Parameter) -> bool {
    matches!(p.ty, Type::Primitive(Primitive::Long) | Type::Unresolved(_))
}

/// The success response (the first 2xx, else `default`) is a list.
fn returns_list(op: &Operation) -> bool {
    let success = op
        .responses
        .iter()
        .find(|r| matches!(r.code, ResponseCode::Status(200..=299)))
        .or_else(|| op.responses.iter().find(|r| r.code == ResponseCode::Default));
    success.is_some_and(|r| matches!(r.ty(), Type::List(_)))
}
