//! INCLUSIVE_TERMINOLOGY: names and descriptions avoid whitelist, blacklist, master and slave.

use compiler::diagnostic::Severity;
use compiler::ir::{OperationId, Site};

use crate::text::{static_segments, words};
use crate::{Category, Context, Finding, Formats, Rule};

pub static RULE: Rule = Rule {
    id: "INCLUSIVE_TERMINOLOGY",
    purpose: "Names and descriptions say allowlist, denylist, primary and replica instead of whitelist, \
        blacklist, master and slave.",
    rationale: "The old terms are exclusionary and also vague: `allowlist` and `denylist` say what the \
        list does, `primary` and `replica` what the node does. Names in an API live for years in every \
        client, so they are worth getting right before they are published. Words are matched whole \
        (`mastercard` is fine). Flow enforces the same for names (`InclusiveTerminologyLinter`); this \
        rule also reads descriptions.",
    bad: r#"{
  "name": "shop",
  "models": {
    "ip_whitelist": {
      "description": "Addresses allowed to call the master node.",
      "fields": [{ "name": "ip", "type": "string" }]
    }
  }
}"#,
    good: r#"{
  "name": "shop",
  "models": {
    "ip_allowlist": {
      "description": "Addresses allowed to call the primary node.",
      "fields": [{ "name": "ip", "type": "string" }]
    }
  }
}"#,
    severity: Severity::Error,
    categories: &[Category::Standard],
    flow_names: &[],
    flow_rule: Some("InclusiveTerminologyLinter"),
    formats: Formats::Both,
    check,
};

/// A term to avoid and what to say instead.
struct Term {
    word: &'static str,
    instead: &'static str,
}

const WHITELIST: Term = Term { word: "whitelist", instead: "`allowlist`" };
const BLACKLIST: Term = Term { word: "blacklist", instead: "`denylist`" };
const MASTER: Term = Term { word: "master", instead: "`primary`, `main` or `leader`" };
const SLAVE: Term = Term { word: "slave", instead: "`replica`, `secondary` or `follower`" };

/// The first term `text` uses, matching whole words (`whitelisted`, `white list` and `masters`
/// count; `mastercard` does not).
fn find_term(text: &str) -> Option<&'static Term> {
    let ws = words(text);
    for (i, w) in ws.iter().enumerate() {
        let next = ws.get(i + 1).map(String::as_str);
        if w.starts_with("whitelist") || (w == "white" && next.is_some_and(|n| n.starts_with("list"))) {
            return Some(&WHITELIST);
        }
        if w.starts_with("blacklist") || (w == "black" && next.is_some_and(|n| n.starts_with("list"))) {
            return Some(&BLACKLIST);
        }
        if w == "master" || w == "masters" {
            return Some(&MASTER);
        }
        if w == "slave" || w == "slaves" {
            return Some(&SLAVE);
        }
    }
    None
}

struct Scan<'o> {
    out: &'o mut Vec<Finding>,
}

impl Scan<'_> {
    fn name(&mut self, site: Site, what: &str, name: &str) {
        if let Some(term) = find_term(name) {
            self.out.push(
                Finding::new(
                    site,
                    format!("{what} `{name}` uses the term `{}`", term.word),
                    format!("`{}`", term.word),
                )
                .help(format!("say {} instead", term.instead)),
            );
        }
    }

    fn description(&mut self, site: Site, what: &str, description: Option<&str>) {
        if let Some(term) = description.and_then(find_term) {
            self.out.push(
                Finding::new(
                    site,
                    format!("description of {what} uses the term `{}`", term.word),
                    "in the description",
                )
                .help(format!("say {} instead", term.instead)),
            );
        }
    }
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let mut scan = Scan { out };
    let Some(service) = cx.svc() else { return };
    scan.description(
        Site::ServiceName(cx.service),
        &format!("service `{}`", service.name),
        service.description.as_deref(),
    );
    for (i, h) in service.headers.iter().enumerate() {
        scan.name(Site::Header(cx.service, i), "header", &h.name);
        scan.description(Site::Header(cx.service, i), &format!("header `{}`", h.name), h.description.as_deref());
    }
    for (id, m) in cx.models() {
        scan.name(Site::Model(id), "model", &m.name);
        scan.description(Site::Model(id), &format!("model `{}`", m.name), m.description.as_deref());
        for (i, f) in m.fields.iter().enumerate() {
            scan.name(Site::Field(id, i), "field", &f.name);
            let what = format!("field `{}` of model `{}`", f.name, m.name);
            scan.description(Site::Field(id, i), &what, f.description.as_deref());
        }
    }
    for (id, it) in cx.interfaces() {
        scan.name(Site::Interface(id), "interface", &it.name);
        scan.description(Site::Interface(id), &format!("interface `{}`", it.name), it.description.as_deref());
        for (i, f) in it.fields.iter().enumerate() {
            scan.name(Site::InterfaceField(id, i), "field", &f.name);
            let what = format!("field `{}` of interface `{}`", f.name, it.name);
            scan.description(Site::InterfaceField(id, i), &what, f.description.as_deref());
        }
    }
    for (id, e) in cx.enums() {
        scan.name(Site::Enum(id), "enum", &e.name);
        scan.description(Site::Enum(id), &format!("enum `{}`", e.name), e.description.as_deref());
        for (i, v) in e.values.iter().enumerate() {
            scan.name(Site::EnumValue(id, i), "enum value", &v.name);
            if v.value != v.name {
                scan.name(Site::EnumValue(id, i), "wire value", &v.value);
            }
            let what = format!("value `{}` of enum `{}`", v.name, e.name);
            scan.description(Site::EnumValue(id, i), &what, v.description.as_deref());
        }
    }
    for (id, u) in cx.unions() {
        scan.name(Site::Union(id), "union", &u.name);
        if let Some(d) = u.discriminator() {
            scan.name(Site::UnionDiscriminator(id), "discriminator", d);
        }
        scan.description(Site::Union(id), &format!("union `{}`", u.name), u.description.as_deref());
        for (i, m) in u.members.iter().enumerate() {
            if m.discriminator_value != m.type_name {
                scan.name(Site::UnionMember(id, i), "discriminator value", &m.discriminator_value);
            }
            let what = format!("member `{}` of union `{}`", m.type_name, u.name);
            scan.description(Site::UnionMember(id, i), &what, m.description.as_deref());
        }
    }
    for (id, r) in cx.resources() {
        scan.description(Site::Resource(id), &format!("resource `{}`", r.type_name), r.description.as_deref());
    }
    for (oid, op, _) in cx.operations() {
        operation(&mut scan, oid, op);
    }
}

fn operation(scan: &mut Scan<'_>, oid: OperationId, op: &compiler::ir::Operation) {
    let route = format!("`{} {}`", op.method.as_str(), op.path);
    for segment in static_segments(&op.path) {
        if find_term(segment).is_some() {
            scan.name(Site::OperationPath(oid), "path segment", segment);
            break;
        }
    }
    scan.description(Site::Operation(oid), &format!("operation {route}"), op.description.as_deref());
    if let Some(body) = &op.body {
        scan.description(Site::Body(oid), &format!("the body of {route}"), body.description.as_deref());
    }
    for (i, p) in op.parameters.iter().enumerate() {
        scan.name(Site::Parameter(oid, i), "parameter", &p.name);
        let what = format!("parameter `{}` of {route}", p.name);
        scan.description(Site::Parameter(oid, i), &what, p.description.as_deref());
    }
    for (i, r) in op.responses.iter().enumerate() {
        scan.description(Site::Response(oid, i), &format!("a response of {route}"), r.description.as_deref());
    }
}
