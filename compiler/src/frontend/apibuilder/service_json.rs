//! Front end for apibuilder's compiled service.json: arrays of named elements with every default
//! already filled in and paths already joined. Many real specs exist only in this form.
//!
//! service.json imports carry a summary (namespace and the names of the imported types) but no
//! definitions. When the imported service is not in the repository, the resolver declares its
//! names as opaque types from that summary, as apibuilder's own validator does.

use super::api_json::{Pending, PendingOwner};
use super::common::{body, check_name, field, header, parameter, parse_response_code, props};
use crate::diagnostic::Code;
use crate::frontend::reader::{Reader, obj_start};
use crate::ir::*;
use crate::names;
use crate::source::Loc;
use crate::syntax::json::{Node, Value};

const TOP_KEYS: &[&str] = &[
    "apidoc",
    "name",
    "organization",
    "application",
    "namespace",
    "version",
    "base_url",
    "description",
    "info",
    "headers",
    "imports",
    "enums",
    "unions",
    "models",
    "resources",
    "attributes",
    "annotations",
    "interfaces",
];
const FIELD_KEYS: &[&str] = &[
    "name",
    "type",
    "description",
    "deprecation",
    "default",
    "required",
    "minimum",
    "maximum",
    "example",
    "attributes",
    "annotations",
];
const IMPORT_KEYS: &[&str] = &[
    "uri",
    "namespace",
    "organization",
    "application",
    "version",
    "enums",
    "interfaces",
    "unions",
    "models",
    "annotations",
];

/// The type names an import summary declares.
#[derive(Debug, Clone, Default)]
pub(crate) struct ImportSummary {
    pub namespace: String,
    pub organization: Option<String>,
    pub application: Option<String>,
    pub version: Option<String>,
    pub enums: Vec<String>,
    pub interfaces: Vec<String>,
    pub unions: Vec<String>,
    pub models: Vec<String>,
    pub annotations: Vec<String>,
}

pub(crate) fn lower(
    mut r: Reader<'_>,
    ir: &mut Ir,
    map: &mut SourceMap,
    root: &Node,
) -> (ServiceId, Pending, Vec<Option<ImportSummary>>) {
    let sid = ServiceId(ir.services.len() as u32);
    let mut pending = Pending::default();
    let obj = r.object(root, "the service", TOP_KEYS).unwrap_or(root);
    let name = r.req_str(obj, "name", "the service").map(|(n, s)| {
        map.insert(Site::ServiceName(sid), r.loc(s));
        n.to_string()
    });
    if name.is_none() {
        map.insert(Site::ServiceName(sid), r.loc(obj_start(root)));
    }
    let name = name.unwrap_or_default();
    let key_of = |r: &mut Reader<'_>, k: &str| -> Option<String> {
        let node = obj.get(k)?;
        let o = r.object(node, &format!("`{k}`"), &["key"])?;
        r.req_str(o, "key", &format!("`{k}`")).map(|(s, _)| s.to_string())
    };
    let organization = key_of(&mut r, "organization");
    let application = key_of(&mut r, "application");
    pending.namespace = r.opt_str(obj, "namespace", "the service");
    let version = r.opt_str(obj, "version", "the service");
    let base_url = r.opt_str_span(obj, "base_url", "the service").map(|(u, span)| {
        if u.ends_with('/') {
            r.error(Code::E0019, span, format!("base_url `{u}` must not end with a '/'"), "trailing slash");
        }
        u
    });
    let description = r.opt_str(obj, "description", "the service");
    let mut info = Info::default();
    // Old service.json files (apidoc 0.9) wrote `"info": []`; an empty array says nothing, so it
    // is read as no info rather than rejected.
    let info_node = obj.get("info").filter(|i| i.as_array().is_none_or(|a| !a.is_empty()));
    if let Some(i) = info_node.and_then(|i| r.object(i, "`info`", &["contact", "license"])) {
        if let Some(c) = i.get("contact").and_then(|c| r.object(c, "`info.contact`", &["name", "url", "email"])) {
            info.contact_name = r.opt_str(c, "name", "`info.contact`");
            info.contact_url = r.opt_str(c, "url", "`info.contact`");
            info.contact_email = r.opt_str(c, "email", "`info.contact`");
        }
        if let Some(l) = i.get("license").and_then(|l| r.object(l, "`info.license`", &["name", "url"])) {
            info.license_name = r.non_empty_or_missing(l, "name", "the license", Code::E0009).map(|(n, _)| n.into());
            info.license_url = r.opt_str(l, "url", "`info.license`");
        }
    }
    let key = application.clone().unwrap_or_else(|| names::url_key(&name));
    ir.services.push(Service {
        organization,
        version,
        base_url,
        description,
        info,
        ..Service::new(name, key, SourceFormat::ServiceJson)
    });
    map.insert(Site::Service(sid), r.loc(root.span));
    let mut l = Lower { r, ir, map, sid };

    let mut summaries = Vec::new();
    for (i, item) in l.r.opt_array(obj, "imports", "the service").iter().enumerate() {
        let Some(o) = l.r.object(item, "an import", IMPORT_KEYS) else { continue };
        let Some((uri, span)) = l.r.req_str(o, "uri", "an import") else { continue };
        pending.imports.push((uri.to_string(), span));
        l.map.insert(Site::Import(sid, i), l.r.loc(span));
        let what = format!("import `{uri}`");
        let summary = l.r.opt_str(o, "namespace", &what).map(|namespace| ImportSummary {
            namespace,
            organization: o.get("organization").and_then(|a| a.get("key")).and_then(Node::as_str).map(String::from),
            application: o.get("application").and_then(|a| a.get("key")).and_then(Node::as_str).map(String::from),
            version: o.get("version").and_then(Node::as_str).map(String::from),
            enums: l.r.opt_strings(o, "enums", &what).into_iter().map(|(s, _)| s).collect(),
            interfaces: l.r.opt_strings(o, "interfaces", &what).into_iter().map(|(s, _)| s).collect(),
            unions: l.r.opt_strings(o, "unions", &what).into_iter().map(|(s, _)| s).collect(),
            models: l.r.opt_strings(o, "models", &what).into_iter().map(|(s, _)| s).collect(),
            annotations: l.r.opt_strings(o, "annotations", &what).into_iter().map(|(s, _)| s).collect(),
        });
        summaries.push(summary);
    }

    let mut headers = Vec::new();
    for item in l.r.opt_array(obj, "headers", "the service") {
        if let Some((h, loc)) = l.header(item, "a service header") {
            l.map.insert(Site::Header(sid, headers.len()), loc);
            headers.push(h);
        }
    }
    l.ir.services[sid.index()].headers = headers;

    let mut annotations = Vec::new();
    for item in l.r.opt_array(obj, "annotations", "the service") {
        let Some(a) = l.r.object(item, "an annotation", &["name", "description", "deprecation"]) else { continue };
        let Some((name, span)) = l.r.req_str(a, "name", "an annotation") else { continue };
        let what = format!("annotation `{name}`");
        l.map.insert(Site::Annotation(sid, annotations.len()), l.r.loc(span));
        annotations.push(Annotation {
            name: name.to_string(),
            description: l.r.opt_str(a, "description", &what),
            deprecation: l.r.deprecation(a, &what),
        });
    }
    l.ir.services[sid.index()].annotations = annotations;
    l.ir.services[sid.index()].attributes = l.r.attributes(obj, "the service");

    for item in l.r.opt_array(obj, "enums", "the service") {
        l.enum_(item);
    }
    for item in l.r.opt_array(obj, "interfaces", "the service") {
        l.interface(item);
    }
    for item in l.r.opt_array(obj, "unions", "the service") {
        l.union(item, &mut pending);
    }
    for item in l.r.opt_array(obj, "models", "the service") {
        l.model(item, &mut pending);
    }
    for item in l.r.opt_array(obj, "resources", "the service") {
        l.resource(item);
    }
    (sid, pending, summaries)
}

struct Lower<'a, 'd> {
    r: Reader<'d>,
    ir: &'a mut Ir,
    map: &'a mut SourceMap,
    sid: ServiceId,
}

impl Lower<'_, '_> {
    /// Reads `name` and `plural` shared by every named element.
    fn named<'n>(&mut self, node: &'n Node, kind: &str, keys: &[&str]) -> Option<(&'n Node, String, Loc, String)> {
        let obj = self.r.object(node, &format!("a {kind}"), keys)?;
        let (name, span) = self.r.req_str(obj, "name", &format!("a {kind}"))?;
        check_name(&mut self.r, name, span, kind);
        let plural = self
            .r
            .opt_str(obj, "plural", &format!("{kind} `{name}`"))
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| names::pluralize(name));
        Some((obj, name.to_string(), self.r.loc(span), plural))
    }

    fn fields(&mut self, obj: &Node, what: &str, mut put: impl FnMut(&mut SourceMap, usize, Loc, Loc)) -> Vec<Field> {
        let mut out = Vec::new();
        for item in self.r.opt_array(obj, "fields", what) {
            let Some(f) = self.r.object(item, &format!("a field of {what}"), FIELD_KEYS) else { continue };
            let Some((name, span)) = self.r.req_str(f, "name", &format!("a field of {what}")) else { continue };
            check_name(&mut self.r, name, span, "field");
            let fwhat = format!("field `{name}` of {what}");
            let Some((ty, tspan)) = self.r.req_str(f, "type", &fwhat) else { continue };
            put(self.map, out.len(), self.r.loc(span), self.r.loc(tspan));
            let ty = Type::Unresolved(ty.trim().to_string());
            let p = props(&mut self.r, f, &fwhat);
            out.push(field(ty, name.to_string(), p, &mut self.r, f, &fwhat));
        }
        out
    }

    fn enum_(&mut self, node: &Node) {
        let keys = &["name", "plural", "description", "deprecation", "values", "attributes"];
        let Some((obj, name, loc, plural)) = self.named(node, "enum", keys) else { return };
        let what = format!("enum `{name}`");
        let id = EnumId(self.ir.enums.len() as u32);
        let mut values = Vec::new();
        for item in self.r.opt_array(obj, "values", &what) {
            let Some(v) = self.r.object(
                item,
                &format!("a value of {what}"),
                &["name", "value", "description", "deprecation", "attributes"],
            ) else {
                continue;
            };
            let Some((vname, vspan)) = self.r.req_str(v, "name", &format!("a value of {what}")) else { continue };
            // apibuilder reads service.json without its ServiceSpecValidator (its
            // ServiceJsonServiceValidator only parses), so names api.json rejects are a warning.
            if let Some(problem) = names::name_problem(vname) {
                self.r
                    .error(
                        Code::W0002,
                        vspan,
                        format!("enum value name `{vname}` is invalid in api.json: {problem}"),
                        problem.to_string(),
                    )
                    .help = Some("rename the value and keep its wire form in `value`".into());
            }
            let vwhat = format!("value `{vname}` of {what}");
            self.map.insert(Site::EnumValue(id, values.len()), self.r.loc(vspan));
            values.push(EnumValue {
                name: vname.to_string(),
                value: self.r.opt_str(v, "value", &vwhat).unwrap_or_else(|| vname.to_string()),
                description: self.r.opt_str(v, "description", &vwhat),
                attributes: self.r.attributes(v, &vwhat),
                deprecation: self.r.deprecation(v, &vwhat),
            });
        }
        self.map.insert(Site::Enum(id), loc);
        let e = Enum {
            service: self.sid,
            description: self.r.opt_str(obj, "description", &what),
            attributes: self.r.attributes(obj, &what),
            deprecation: self.r.deprecation(obj, &what),
            name,
            plural,
            values,
            integer: false,
        };
        self.ir.enums.push(e);
        self.ir.services[self.sid.index()].enums.push(id);
    }

    fn interface(&mut self, node: &Node) {
        let keys = &["name", "plural", "description", "deprecation", "fields", "attributes"];
        let Some((obj, name, loc, plural)) = self.named(node, "interface", keys) else { return };
        let what = format!("interface `{name}`");
        let id = InterfaceId(self.ir.interfaces.len() as u32);
        let fields = self.fields(obj, &what, |map, i, l, t| {
            map.insert(Site::InterfaceField(id, i), l);
            map.insert(Site::InterfaceFieldType(id, i), t);
        });
        self.map.insert(Site::Interface(id), loc);
        let item = Interface {
            service: self.sid,
            description: self.r.opt_str(obj, "description", &what),
            attributes: self.r.attributes(obj, &what),
            deprecation: self.r.deprecation(obj, &what),
            name,
            plural,
            fields,
        };
        self.ir.interfaces.push(item);
        self.ir.services[self.sid.index()].interfaces.push(id);
    }

    fn model(&mut self, node: &Node, pending: &mut Pending) {
        let keys = &["name", "plural", "description", "deprecation", "fields", "attributes", "interfaces"];
        let Some((obj, name, loc, plural)) = self.named(node, "model", keys) else { return };
        let what = format!("model `{name}`");
        let id = ModelId(self.ir.models.len() as u32);
        let fields = self.fields(obj, &what, |map, i, l, t| {
            map.insert(Site::Field(id, i), l);
            map.insert(Site::FieldType(id, i), t);
        });
        let interfaces = self.r.opt_strings(obj, "interfaces", &what);
        pending
            .interfaces
            .push((PendingOwner::Model(id), interfaces.into_iter().map(|(n, s)| (n, self.r.loc(s))).collect()));
        self.map.insert(Site::Model(id), loc);
        let m = Model {
            service: self.sid,
            description: self.r.opt_str(obj, "description", &what),
            attributes: self.r.attributes(obj, &what),
            deprecation: self.r.deprecation(obj, &what),
            interfaces: Vec::new(),
            name,
            plural,
            fields,
            assertions: Default::default(),
        };
        self.ir.models.push(m);
        self.ir.services[self.sid.index()].models.push(id);
    }

    fn union(&mut self, node: &Node, pending: &mut Pending) {
        let keys =
            &["name", "plural", "discriminator", "description", "deprecation", "types", "attributes", "interfaces"];
        let Some((obj, name, loc, plural)) = self.named(node, "union", keys) else { return };
        let what = format!("union `{name}`");
        let id = UnionId(self.ir.unions.len() as u32);
        let discriminator = self.r.opt_str_span(obj, "discriminator", &what);
        if let Some((_, s)) = &discriminator {
            self.map.insert(Site::UnionDiscriminator(id), self.r.loc(*s));
        }
        let mut members = Vec::new();
        for item in self.r.opt_array(obj, "types", &what) {
            let keys = &["type", "description", "deprecation", "attributes", "default", "discriminator_value"];
            let Some(t) = self.r.object(item, &format!("a type of {what}"), keys) else { continue };
            let Some((ty, span)) = self.r.req_str(t, "type", &format!("a type of {what}")) else { continue };
            let mwhat = format!("type `{ty}` of {what}");
            self.map.insert(Site::UnionMember(id, members.len()), self.r.loc(span));
            members.push(UnionMember {
                ty: Type::Unresolved(ty.trim().to_string()),
                type_name: ty.trim().to_string(),
                discriminator_value: self
                    .r
                    .opt_str(t, "discriminator_value", &mwhat)
                    .unwrap_or_else(|| ty.trim().to_string()),
                default: self.r.opt_bool(t, "default", &mwhat).unwrap_or(false),
                description: self.r.opt_str(t, "description", &mwhat),
                attributes: self.r.attributes(t, &mwhat),
                deprecation: self.r.deprecation(t, &mwhat),
            });
        }
        let interfaces = self.r.opt_strings(obj, "interfaces", &what);
        pending
            .interfaces
            .push((PendingOwner::Union(id), interfaces.into_iter().map(|(n, s)| (n, self.r.loc(s))).collect()));
        self.map.insert(Site::Union(id), loc);
        let u = Union {
            service: self.sid,
            encoding: match discriminator {
                Some((d, _)) => UnionEncoding::Discriminated(d),
                None => UnionEncoding::Wrapped,
            },
            description: self.r.opt_str(obj, "description", &what),
            attributes: self.r.attributes(obj, &what),
            deprecation: self.r.deprecation(obj, &what),
            interfaces: Vec::new(),
            name,
            plural,
            members,
        };
        self.ir.unions.push(u);
        self.ir.services[self.sid.index()].unions.push(id);
    }

    fn header(&mut self, node: &Node, what: &str) -> Option<(Header, Loc)> {
        let keys = &["name", "type", "description", "deprecation", "required", "default", "attributes"];
        let obj = self.r.object(node, what, keys)?;
        let (name, span) = self.r.req_str(obj, "name", what)?;
        let hwhat = format!("header `{name}`");
        let (ty, _) = self.r.req_str(obj, "type", &hwhat)?;
        let ty = Type::Unresolved(ty.trim().to_string());
        Some((header(ty, name, &mut self.r, obj, &hwhat), self.r.loc(span)))
    }

    fn resource(&mut self, node: &Node) {
        let keys = &["type", "plural", "path", "description", "deprecation", "operations", "attributes"];
        let Some(obj) = self.r.object(node, "a resource", keys) else { return };
        let Some((ty, span)) = self.r.req_str(obj, "type", "a resource") else { return };
        let what = format!("resource `{ty}`");
        let id = ResourceId(self.ir.resources.len() as u32);
        self.map.insert(Site::Resource(id), self.r.loc(span));
        let resource = Resource {
            service: self.sid,
            ty: Type::Unresolved(ty.trim().to_string()),
            type_name: ty.trim().to_string(),
            plural: self.r.opt_str(obj, "plural", &what).unwrap_or_default(),
            path: self.r.opt_str(obj, "path", &what),
            description: self.r.opt_str(obj, "description", &what),
            operations: Vec::new(),
            attributes: self.r.attributes(obj, &what),
            deprecation: self.r.deprecation(obj, &what),
            kind: ResourceKind::Endpoints,
        };
        self.ir.resources.push(resource);
        self.ir.services[self.sid.index()].resources.push(id);
        for op in self.r.opt_array(obj, "operations", &what) {
            self.operation(id, &what, op);
        }
    }

    fn operation(&mut self, resource: ResourceId, rwhat: &str, node: &Node) {
        let keys = &["method", "path", "description", "deprecation", "body", "parameters", "responses", "attributes"];
        let owhat = format!("an operation of {rwhat}");
        let Some(obj) = self.r.object(node, &owhat, keys) else { return };
        let id = OperationId(self.ir.operations.len() as u32);
        let Some((m, mspan)) = self.r.req_str(obj, "method", &owhat) else { return };
        let method = Method::parse(m);
        if method.is_none() {
            self.r.error(Code::E0049, mspan, format!("invalid HTTP method `{m}`"), "not an HTTP method");
        }
        let (path, pspan) =
            self.r.req_str(obj, "path", &owhat).map_or((String::from("/"), mspan), |(p, s)| (p.to_string(), s));
        let what = format!("operation `{m} {path}` of {rwhat}");
        self.map.insert(Site::Operation(id), self.r.loc(obj.span));
        self.map.insert(Site::OperationMethod(id), self.r.loc(mspan));
        self.map.insert(Site::OperationPath(id), self.r.loc(pspan));
        let body = obj.get("body").filter(|b| !matches!(b.value, Value::Null)).and_then(|b| {
            let bwhat = format!("the body of {what}");
            let b = self.r.object(b, &bwhat, &["type", "description", "deprecation", "attributes"])?;
            let (ty, span) = self.r.req_str(b, "type", &bwhat)?;
            self.map.insert(Site::Body(id), self.r.loc(span));
            Some(body(Type::Unresolved(ty.trim().to_string()), &mut self.r, b, &bwhat))
        });
        let mut parameters = Vec::new();
        for item in self.r.opt_array(obj, "parameters", &what) {
            // The same keys as in api.json; only `location` is spelled in TitleCase here.
            let keys = super::api_json::PARAMETER_KEYS;
            let Some(p) = self.r.object(item, &format!("a parameter of {what}"), keys) else { continue };
            let Some((name, span)) = self.r.req_str(p, "name", &format!("a parameter of {what}")) else { continue };
            let pwhat = format!("parameter `{name}` of {what}");
            let Some((ty, tspan)) = self.r.req_str(p, "type", &pwhat) else { continue };
            let location = match self.r.req_str(p, "location", &pwhat) {
                Some((l, lspan)) => ParameterLocation::parse(l).unwrap_or_else(|| {
                    self.r.error(
                        Code::E0050,
                        lspan,
                        format!("location `{l}` of {pwhat} is not recognized"),
                        "unknown location",
                    );
                    ParameterLocation::Query
                }),
                None => ParameterLocation::Query,
            };
            self.map.insert(Site::Parameter(id, parameters.len()), self.r.loc(span));
            self.map.insert(Site::ParameterType(id, parameters.len()), self.r.loc(tspan));
            let props = props(&mut self.r, p, &pwhat);
            parameters.push(parameter(Type::Unresolved(ty.trim().to_string()), name, location, props));
        }
        let mut responses = Vec::new();
        for item in self.r.opt_array(obj, "responses", &what) {
            let keys = &["code", "type", "headers", "description", "deprecation", "attributes"];
            let rwhat = format!("a response of {what}");
            let Some(r) = self.r.object(item, &rwhat, keys) else { continue };
            let Some(code_node) = r.get("code") else {
                self.r.error(
                    Code::E0009,
                    obj_start(r),
                    format!("{rwhat} is missing `code`"),
                    "`code` is required here",
                );
                continue;
            };
            let Some(code) = self.response_code(code_node) else { continue };
            let Some((ty, tspan)) = self.r.req_str(r, "type", &rwhat) else { continue };
            let index = responses.len();
            self.map.insert(Site::Response(id, index), self.r.loc(code_node.span));
            self.map.insert(Site::ResponseType(id, index), self.r.loc(tspan));
            let mut headers = Vec::new();
            for h in self.r.opt_array(r, "headers", &rwhat) {
                if let Some((h, loc)) = self.header(h, &format!("a header of {rwhat}")) {
                    self.map.insert(Site::ResponseHeader(id, index, headers.len()), loc);
                    headers.push(h);
                }
            }
            responses.push(Response {
                code,
                content: vec![Content::new(JSON, Type::Unresolved(ty.trim().to_string()))],
                headers,
                description: self.r.opt_str(r, "description", &rwhat),
                attributes: self.r.attributes(r, &rwhat),
                deprecation: self.r.deprecation(r, &rwhat),
            });
        }
        let op = Operation {
            resource,
            method: method.unwrap_or(Method::Get),
            description: self.r.opt_str(obj, "description", &what),
            attributes: self.r.attributes(obj, &what),
            deprecation: self.r.deprecation(obj, &what),
            path,
            body,
            parameters,
            responses,
            security: None,
            operation_id: None,
            callbacks: Vec::new(),
            tags: Vec::new(),
        };
        self.ir.operations.push(op);
        self.ir.resources[resource.index()].operations.push(id);
    }

    /// `{"integer": {"value": 200}}`, `{"response_code_option": "Default"}`, or a bare number.
    fn response_code(&mut self, node: &Node) -> Option<ResponseCode> {
        match &node.value {
            Value::Number(n) => parse_response_code(&mut self.r, n, node.span),
            Value::String(s) => parse_response_code(&mut self.r, s, node.span),
            Value::Object(_) => {
                if let Some(i) = node.get("integer") {
                    let v = i.get("value").map(|v| v.to_json_text()).unwrap_or_default();
                    return parse_response_code(&mut self.r, &v, i.span);
                }
                if let Some(o) = node.get("response_code_option").and_then(Node::as_str) {
                    return parse_response_code(&mut self.r, o, node.span);
                }
                self.r.error(
                    Code::E0056,
                    node.span,
                    "response code must be an integer or the keyword 'default'",
                    "not a response code",
                );
                None
            }
            _ => {
                self.r.error(
                    Code::E0056,
                    node.span,
                    "response code must be an integer or the keyword 'default'",
                    "not a response code",
                );
                None
            }
        }
    }
}
