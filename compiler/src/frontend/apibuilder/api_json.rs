//! Front end for apibuilder's hand-written api.json: reads the syntax tree into the IR arenas,
//! with every type left as [`Type::Unresolved`] text for the resolver.
//!
//! apibuilder rules applied here: strict unknown keys, lenient booleans/numbers, inline types,
//! templates, union members with inline `fields`, default parameter locations, path parameters
//! (declared or to be inferred) first, and the default `204: unit` response.

use std::collections::{BTreeMap, BTreeSet};

use super::common::{body, check_name, field, header, parameter, parse_response_code, props};
use crate::diagnostic::Code;
use crate::frontend::reader::{Reader, obj_start};
use crate::ir::*;
use crate::names;
use crate::source::{Loc, Span};
use crate::syntax::json::{Member, Node, Value};

const TOP_KEYS: &[&str] = &[
    "name",
    "info",
    "namespace",
    "base_url",
    "description",
    "imports",
    "headers",
    "enums",
    "interfaces",
    "unions",
    "models",
    "resources",
    "annotations",
    "attributes",
    "templates",
    "$schema",
    "key",
    "apidoc",
];
const MODEL_KEYS: &[&str] =
    &["description", "plural", "fields", "attributes", "interfaces", "templates", "deprecation"];
const FIELD_KEYS: &[&str] = &[
    "name",
    "type",
    "description",
    "required",
    "default",
    "example",
    "minimum",
    "maximum",
    "attributes",
    "annotations",
    "deprecation",
];
const ENUM_KEYS: &[&str] = &["plural", "description", "values", "attributes", "deprecation"];
const ENUM_VALUE_KEYS: &[&str] = &["name", "value", "description", "attributes", "deprecation"];
const INTERFACE_KEYS: &[&str] = &["plural", "description", "fields", "attributes", "deprecation"];
const UNION_KEYS: &[&str] =
    &["plural", "discriminator", "description", "types", "attributes", "interfaces", "deprecation"];
const UNION_TYPE_KEYS: &[&str] =
    &["type", "description", "default", "discriminator_value", "attributes", "deprecation", "fields"];
const RESOURCE_KEYS: &[&str] = &["path", "description", "operations", "attributes", "templates", "deprecation"];
const OPERATION_KEYS: &[&str] =
    &["method", "path", "description", "body", "parameters", "responses", "attributes", "deprecation"];
pub(crate) const BODY_KEYS: &[&str] = &["type", "description", "attributes", "deprecation"];
pub(crate) const PARAMETER_KEYS: &[&str] = &[
    "name",
    "type",
    "location",
    "description",
    "required",
    "default",
    "minimum",
    "maximum",
    "example",
    "attributes",
    "deprecation",
];
pub(crate) const RESPONSE_KEYS: &[&str] = &["type", "headers", "description", "deprecation", "attributes"];
pub(crate) const HEADER_KEYS: &[&str] =
    &["name", "type", "required", "default", "description", "attributes", "deprecation"];

/// What the resolver needs to know about a service that the IR does not keep.
#[derive(Debug, Default)]
pub(crate) struct Pending {
    /// Import URIs as written, with their spans.
    pub imports: Vec<(String, Span)>,
    /// The declared namespace, if any.
    pub namespace: Option<String>,
    /// Interface names listed by models and unions, resolved once every type is declared.
    pub interfaces: Vec<(PendingOwner, Vec<(String, Loc)>)>,
}

pub(crate) struct Lowering<'a, 'd> {
    pub r: Reader<'d>,
    pub ir: &'a mut Ir,
    pub map: &'a mut crate::ir::SourceMap,
    pub service: ServiceId,
    /// Model templates by their lookup key (see `template_key`).
    templates_models: BTreeMap<String, ModelTemplate<'a>>,
    /// Resource templates by their lookup key.
    templates_resources: BTreeMap<String, &'a Member>,
    /// Per model template: the merged fields (name, type as written, required) of each model that
    /// declares it directly; the interface made of the template keeps the fields they all share.
    template_users: BTreeMap<String, Vec<Vec<FieldShape>>>,
    /// Template references already reported (by span start), so that one bad reference inside a
    /// template is reported once, not once per model using it.
    reported_refs: BTreeSet<u32>,
    /// Model templates named as a model or an interface of the spec is, with that kind: they
    /// become no interface.
    clashes: BTreeMap<String, &'static str>,
    pending: Pending,
    /// Every model with its own `psql` attribute, checked once all tables are known.
    psql: Vec<(ModelId, Option<&'a Node>)>,
}

/// What makes two fields alike for an interface: name, type as written, required.
type FieldShape = (String, String, bool);

/// A model template, lowered once: its fields with their types as written (casts come later).
struct ModelTemplate<'a> {
    member: &'a Member,
    fields: Vec<(Field, Loc, Loc)>,
    description: Option<String>,
    deprecation: Option<Deprecation>,
    attributes: Vec<Attribute>,
    interfaces: Vec<(String, Span)>,
    plural: String,
}

/// A template a model or resource takes, directly or through another template.
struct Applied<'a> {
    key: String,
    /// Where the declaration names it.
    span: Span,
    body: &'a Node,
}

/// The templates of one model or resource, in the order apibuilder applies them, and the type
/// casts its own declarations give.
struct Templates<'a> {
    applied: Vec<Applied<'a>>,
    /// Keys of the templates declared on the model or resource itself.
    direct: Vec<String>,
    casts: BTreeMap<String, String>,
}

/// Templates are found by lower-cased, trimmed name, as apibuilder's `TemplateMerge` finds them.
fn template_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// Lowers one api.json document. The caller has checked that `root` is an object.
pub(crate) fn lower<'a>(r: Reader<'_>, ir: &'a mut Ir, map: &'a mut SourceMap, root: &'a Node) -> (ServiceId, Pending) {
    let service_id = ServiceId(ir.services.len() as u32);
    let mut l = Lowering {
        r,
        ir,
        map,
        service: service_id,
        templates_models: BTreeMap::new(),
        templates_resources: BTreeMap::new(),
        template_users: BTreeMap::new(),
        reported_refs: BTreeSet::new(),
        clashes: BTreeMap::new(),
        pending: Pending::default(),
        psql: Vec::new(),
    };
    let root_obj = l.r.object(root, "the spec", TOP_KEYS).unwrap_or(root);

    let name = match l.r.req_str(root_obj, "name", "the spec") {
        Some((name, span)) => {
            l.map.insert(Site::ServiceName(service_id), l.r.loc(span));
            name.to_string()
        }
        None => {
            l.map.insert(Site::ServiceName(service_id), l.r.loc(obj_start(root)));
            String::new()
        }
    };
    let mut key = names::url_key(&name);
    if let Some((given, span)) = l.r.opt_str_span(root_obj, "key", "the spec") {
        key = given.clone();
        let valid = names::url_key(&given);
        if given != valid || given.len() < 3 {
            l.r.error(Code::E0018, span, format!("invalid url key `{given}`"), "not a valid url key").help =
                Some(if valid.len() >= 3 {
                    format!("a valid key would be `{valid}`")
                } else {
                    "keys must be at least 3 characters".to_string()
                });
        }
    }
    l.pending.namespace = l.r.opt_str(root_obj, "namespace", "the spec");
    let base_url = l.r.opt_str_span(root_obj, "base_url", "the spec").map(|(u, span)| {
        if u.ends_with('/') {
            l.r.error(Code::E0019, span, format!("base_url `{u}` must not end with a '/'"), "trailing slash").help =
                Some(format!("write `{}`", u.trim_end_matches('/')));
        }
        u
    });
    let description = l.r.opt_str(root_obj, "description", "the spec");
    let info = l.info(root_obj);

    l.ir.services.push(Service { base_url, description, info, ..Service::new(name, key, SourceFormat::ApiJson) });
    l.map.insert(Site::Service(service_id), l.r.loc(root.span));

    // Imports are resolved later, across the whole repository.
    for (i, item) in l.r.opt_array(root_obj, "imports", "the spec").iter().enumerate() {
        let Some(obj) = l.r.object(item, "an import", &["uri"]) else { continue };
        if let Some((uri, span)) = l.r.req_str(obj, "uri", "an import") {
            l.pending.imports.push((uri.to_string(), span));
            l.map.insert(Site::Import(service_id, i), l.r.loc(span));
        }
    }

    // Headers.
    let mut headers = Vec::new();
    for item in l.r.opt_array(root_obj, "headers", "the spec") {
        if let Some((h, loc)) = l.header(item, "a service header") {
            l.map.insert(Site::Header(service_id, headers.len()), loc);
            headers.push(h);
        }
    }
    l.ir.services[service_id.index()].headers = headers;

    // Annotations.
    let mut annotations = Vec::new();
    for m in l.r.opt_map(root_obj, "annotations", "the spec") {
        let what = format!("annotation `{}`", m.key);
        check_name(&mut l.r, &m.key, m.key_span, "annotation");
        let Some(obj) = l.r.object(&m.value, &what, &["description", "deprecation"]) else { continue };
        l.map.insert(Site::Annotation(service_id, annotations.len()), l.r.loc(m.key_span));
        annotations.push(Annotation {
            name: m.key.clone(),
            description: l.r.opt_str(obj, "description", &what),
            deprecation: l.r.deprecation(obj, &what),
        });
    }
    l.ir.services[service_id.index()].annotations = annotations;
    l.ir.services[service_id.index()].attributes = l.r.attributes(root_obj, "the spec");

    // Templates are pure syntax: remembered here, merged into the models and resources that use them.
    if let Some(t) = root_obj.get("templates")
        && let Some(t) = l.r.object(t, "`templates`", &["models", "resources"])
    {
        for m in l.r.opt_map(t, "models", "`templates`") {
            l.model_template(m);
        }
        for m in l.r.opt_map(t, "resources", "`templates`") {
            l.templates_resources.insert(template_key(&m.key), m);
        }
        let declared = |key: &str| -> BTreeSet<String> {
            root_obj
                .get(key)
                .and_then(|n| n.as_object())
                .map_or_else(BTreeSet::new, |members| members.iter().map(|m| m.key.trim().to_string()).collect())
        };
        let (models, interfaces) = (declared("models"), declared("interfaces"));
        for (key, t) in &l.templates_models {
            let name = t.member.key.trim();
            if models.contains(name) {
                l.clashes.insert(key.clone(), "a model");
            } else if interfaces.contains(name) {
                l.clashes.insert(key.clone(), "an interface");
            }
        }
    }

    for m in l.r.opt_map(root_obj, "enums", "the spec") {
        l.enum_(&m.key, m.key_span, &m.value, ENUM_KEYS);
    }
    for m in l.r.opt_map(root_obj, "interfaces", "the spec") {
        l.interface(&m.key, m.key_span, &m.value, INTERFACE_KEYS);
    }
    for m in l.r.opt_map(root_obj, "unions", "the spec") {
        l.union(&m.key, m.key_span, &m.value, UNION_KEYS);
    }
    for m in l.r.opt_map(root_obj, "models", "the spec") {
        l.model(&m.key, m.key_span, &m.value, MODEL_KEYS);
    }
    // The data tier: every model's `psql`, with the spec's as defaults, once all tables are known.
    let service_psql = psql_node(root_obj);
    let tables = crate::dao::table_names(l.ir, service_id);
    for (id, node) in std::mem::take(&mut l.psql) {
        let model = l.ir.models[id.index()].clone();
        crate::dao::check(&mut l.r, &model, node, service_psql, &tables);
    }
    for m in l.r.opt_map(root_obj, "resources", "the spec") {
        l.resource(m);
    }
    l.template_interfaces();
    (service_id, l.pending)
}

/// The value of the `psql` attribute of a spec or model, as written.
fn psql_node(obj: &Node) -> Option<&Node> {
    obj.get("attributes")?
        .as_array()?
        .iter()
        .find(|a| a.get("name").and_then(Node::as_str).is_some_and(|n| n.trim() == "psql"))?
        .get("value")
        .filter(|v| v.as_object().is_some())
}

impl<'a> Lowering<'a, '_> {
    fn info(&mut self, root: &Node) -> Info {
        let mut info = Info::default();
        let Some(node) = root.get("info") else { return info };
        let Some(obj) = self.r.object(node, "`info`", &["contact", "license"]) else { return info };
        if let Some(c) = obj.get("contact")
            && let Some(c) = self.r.object(c, "`info.contact`", &["name", "url", "email"])
        {
            info.contact_name = self.r.opt_str(c, "name", "`info.contact`");
            info.contact_url = self.r.opt_str(c, "url", "`info.contact`");
            info.contact_email = self.r.opt_str(c, "email", "`info.contact`");
        }
        if let Some(l) = obj.get("license")
            && let Some(l) = self.r.object(l, "`info.license`", &["name", "url"])
        {
            info.license_name =
                self.r.non_empty_or_missing(l, "name", "the license", Code::E0009).map(|(n, _)| n.into());
            info.license_url = self.r.opt_str(l, "url", "`info.license`");
        }
        info
    }

    /// Reads a `type` value: a type expression string, or an inline type object that declares a
    /// new type and stands for its name.
    fn type_of(&mut self, obj: &'a Node, what: &str) -> Option<(String, Span)> {
        let Some(value) = obj.get("type") else {
            self.r.error(Code::E0009, obj_start(obj), format!("{what} is missing `type`"), "`type` is required here");
            return None;
        };
        match &value.value {
            Value::Object(members) => self.inline_type(value, members, what),
            _ => self.r.non_empty_str(value, "type", what).map(|(t, s)| (t.trim().to_string(), s)),
        }
    }

    fn inline_type(&mut self, value: &'a Node, members: &'a [Member], what: &str) -> Option<(String, Span)> {
        let markers: Vec<&Member> =
            members.iter().filter(|m| matches!(m.key.as_str(), "enum" | "model" | "union" | "interface")).collect();
        let [marker] = markers.as_slice() else {
            let d = self.r.error(
                Code::E0016,
                value.span,
                format!("inline type of {what} must specify exactly one of 'enum', 'interface', 'model' or 'union'"),
                if markers.is_empty() { "no type kind given" } else { "several type kinds given" },
            );
            d.help = Some("write for example `\"type\": {\"enum\": \"status\", \"values\": [...]}`".into());
            return None;
        };
        let (written, span) = self.r.non_empty_str(&marker.value, &marker.key, "an inline type")?;
        // `{"model": "[error]", ...}` declares `error` and stands for `[error]` (`map[x]` alike),
        // as apibuilder's InternalDatatypeBuilder reads it.
        let written = written.trim();
        let (name, reference) = match written
            .strip_prefix('[')
            .and_then(|rest| rest.strip_suffix(']'))
            .map(|inner| (inner, format!("[{}]", inner.trim())))
            .or_else(|| {
                let inner = written.strip_prefix("map[")?.strip_suffix(']')?;
                Some((inner, format!("map[{}]", inner.trim())))
            }) {
            Some((inner, reference)) => (inner.trim().to_string(), reference),
            None => (written.to_string(), written.to_string()),
        };
        // The body of an inline type is that kind's body, plus the marker key itself.
        let with = |keys: &[&'static str]| -> Vec<&'static str> {
            let marker_key: &'static str = match marker.key.as_str() {
                "enum" => "enum",
                "model" => "model",
                "union" => "union",
                _ => "interface",
            };
            let mut v = keys.to_vec();
            v.push(marker_key);
            v
        };
        match marker.key.as_str() {
            "enum" => {
                let keys = with(ENUM_KEYS);
                self.enum_(&name, span, value, &keys);
            }
            "model" => {
                let keys = with(MODEL_KEYS);
                self.model(&name, span, value, &keys);
            }
            "union" => {
                let keys = with(UNION_KEYS);
                self.union(&name, span, value, &keys);
            }
            _ => {
                let keys = with(INTERFACE_KEYS);
                self.interface(&name, span, value, &keys);
            }
        }
        Some((reference, span))
    }

    fn fields(&mut self, obj: &'a Node, owner: &str) -> Vec<(Field, Loc, Loc)> {
        let mut out = Vec::new();
        for node in self.r.opt_array(obj, "fields", owner) {
            if let Some(f) = self.field(node, owner) {
                out.push(f);
            }
        }
        out
    }

    fn field(&mut self, node: &'a Node, owner: &str) -> Option<(Field, Loc, Loc)> {
        let obj = self.r.object(node, &format!("a field of {owner}"), &[FIELD_KEYS, &["enum", "values"]].concat())?;
        for key in ["enum", "values"] {
            if let Some(v) = obj.as_object().and_then(|m| m.iter().find(|m| m.key == key)) {
                let _ = v;
                let span = obj
                    .as_object()
                    .and_then(|m| m.iter().find(|m| m.key == key))
                    .map(|m| m.key_span)
                    .unwrap_or(obj.span);
                self.r
                    .error(
                        Code::E0014,
                        span,
                        "enumerations are first class objects and must be defined in an explicit enum section",
                        "inline enum values",
                    )
                    .help = Some("declare the enum under `enums` and use its name as the field's type".into());
            }
        }
        let (name, name_span) =
            match self.r.non_empty_or_missing(obj, "name", &format!("a field of {owner}"), Code::E0009) {
                Some((n, s)) => (n.to_string(), s),
                None => return None,
            };
        check_name(&mut self.r, &name, name_span, "field");
        let what = format!("field `{name}` of {owner}");
        let (ty_text, ty_span) = self.type_of(obj, &what).unwrap_or_default();
        let field = field(Type::Unresolved(ty_text), name, props(&mut self.r, obj, &what), &mut self.r, obj, &what);
        let type_loc = if ty_span == Span::default() { self.r.loc(name_span) } else { self.r.loc(ty_span) };
        Some((field, self.r.loc(name_span), type_loc))
    }

    fn plural(&mut self, obj: &Node, name: &str, what: &str) -> String {
        self.r.opt_str(obj, "plural", what).filter(|p| !p.trim().is_empty()).unwrap_or_else(|| names::pluralize(name))
    }

    fn enum_(&mut self, name: &str, span: Span, node: &'a Node, keys: &[&str]) {
        check_name(&mut self.r, name, span, "enum");
        let what = format!("enum `{name}`");
        let Some(obj) = self.r.object(node, &what, keys) else { return };
        let id = EnumId(self.ir.enums.len() as u32);
        let mut values = Vec::new();
        for item in self.r.opt_array(obj, "values", &what) {
            let Some(v) = self.r.object(item, &format!("a value of {what}"), ENUM_VALUE_KEYS) else { continue };
            let Some((vname, vspan)) =
                self.r.non_empty_or_missing(v, "name", &format!("a value of {what}"), Code::E0009)
            else {
                continue;
            };
            check_name(&mut self.r, vname, vspan, "enum value");
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
        if obj.get("values").is_none() {
            self.r.error(Code::E0009, span, format!("{what} is missing `values`"), "`values` is required");
        }
        let e = Enum {
            service: self.service,
            name: name.to_string(),
            plural: self.plural(obj, name, &what),
            description: self.r.opt_str(obj, "description", &what),
            values,
            attributes: self.r.attributes(obj, &what),
            deprecation: self.r.deprecation(obj, &what),
            integer: false,
        };
        self.map.insert(Site::Enum(id), self.r.loc(span));
        self.ir.enums.push(e);
        self.ir.services[self.service.index()].enums.push(id);
    }

    fn interface(&mut self, name: &str, span: Span, node: &'a Node, keys: &[&str]) {
        check_name(&mut self.r, name, span, "interface");
        let what = format!("interface `{name}`");
        let Some(obj) = self.r.object(node, &what, keys) else { return };
        // Reserve the id first: inline types in the fields declare types of their own meanwhile.
        let id = InterfaceId(self.ir.interfaces.len() as u32);
        self.ir.interfaces.push(Interface::named(self.service, name, String::new()));
        let fields = self.fields(obj, &what);
        let out = interface_fields(self.map, id, fields);
        let item = Interface {
            service: self.service,
            name: name.to_string(),
            plural: self.plural(obj, name, &what),
            description: self.r.opt_str(obj, "description", &what),
            fields: out,
            attributes: self.r.attributes(obj, &what),
            deprecation: self.r.deprecation(obj, &what),
        };
        self.map.insert(Site::Interface(id), self.r.loc(span));
        self.ir.interfaces[id.index()] = item;
        self.ir.services[self.service.index()].interfaces.push(id);
    }

    /// A model template: its body checked and its fields lowered once, so that a mistake in it is
    /// reported once however many models use it.
    fn model_template(&mut self, m: &'a Member) {
        let name = m.key.trim();
        let what = format!("template model `{name}`");
        let Some(obj) = self.r.object(&m.value, &what, MODEL_KEYS) else { return };
        let fields = self.fields(obj, &what);
        let template = ModelTemplate {
            member: m,
            fields,
            description: self.r.opt_str(obj, "description", &what),
            deprecation: self.r.deprecation(obj, &what),
            attributes: self.r.attributes(obj, &what),
            interfaces: self.r.opt_strings(obj, "interfaces", &what),
            plural: self.plural(obj, name, &what),
        };
        // Declarations inside the template are checked here, once; they are followed per use.
        for item in self.r.opt_array(obj, "templates", &what) {
            if let Some(t) = self.r.object(item, &format!("a template reference of {what}"), &["name", "cast"]) {
                self.r.req_str(t, "name", &format!("a template reference of {what}"));
            }
        }
        self.templates_models.insert(template_key(name), template);
    }

    fn template_body(&self, key: &str, resources: bool) -> Option<&'a Node> {
        if resources {
            self.templates_resources.get(key).map(|m| &m.value)
        } else {
            self.templates_models.get(key).map(|t| &t.member.value)
        }
    }

    /// The templates a model or resource takes (`"templates": [{"name": "statement", "cast":
    /// {...}}]`): each declaration followed by the templates its template declares in turn, depth
    /// first, each template once, as apibuilder's `TemplateMerge.resolveTemplateDeclarations`.
    /// A template that comes back to itself is an error. The casts are those of the model's own
    /// declarations: without `cast`, the template's name becomes the model's (apibuilder's
    /// `JsMerge.typeCasts`).
    fn templates_of(&mut self, obj: &'a Node, what: &str, owner_name: &str, resources: bool) -> Templates<'a> {
        let mut out = Templates { applied: Vec::new(), direct: Vec::new(), casts: BTreeMap::new() };
        for item in self.r.opt_array(obj, "templates", what) {
            let Some(t) = self.r.object(item, &format!("a template reference of {what}"), &["name", "cast"]) else {
                continue;
            };
            let Some((tname, tspan)) = self.r.req_str(t, "name", &format!("a template reference of {what}")) else {
                continue;
            };
            let key = template_key(tname);
            if self.template_body(&key, resources).is_none() {
                let kind = if resources { "resources" } else { "models" };
                self.r
                    .error(Code::E0060, tspan, format!("template `{}` not found", tname.trim()), "no such template")
                    .help = Some(format!("declare it under `templates.{kind}`"));
                continue;
            }
            if t.get("cast").is_some() {
                for m in self.r.opt_map(t, "cast", &format!("template `{tname}` of {what}")) {
                    if let Some(to) = m.value.as_str() {
                        out.casts.insert(m.key.clone(), to.to_string());
                    }
                }
            } else {
                out.casts.insert(tname.trim().to_string(), owner_name.to_string());
            }
            if !out.direct.contains(&key) {
                out.direct.push(key.clone());
            }
            let mut path = Vec::new();
            self.follow_template(key, tspan, resources, &mut path, &mut out.applied);
        }
        out
    }

    fn follow_template(
        &mut self,
        key: String,
        span: Span,
        resources: bool,
        path: &mut Vec<String>,
        out: &mut Vec<Applied<'a>>,
    ) {
        let Some(body) = self.template_body(&key, resources) else { return };
        path.push(key.clone());
        if !out.iter().any(|a| a.key == key) {
            out.push(Applied { key, span, body });
        }
        for item in body.get("templates").and_then(Node::as_array).unwrap_or(&[]) {
            let Some(name_node) = item.get("name") else { continue };
            let Some(inner) = name_node.as_str() else { continue };
            let inner_key = template_key(inner);
            if path.contains(&inner_key) {
                if self.reported_refs.insert(name_node.span.start) {
                    let chain: Vec<&str> = path.iter().map(String::as_str).chain([inner_key.as_str()]).collect();
                    self.r
                        .error(
                            Code::E0062,
                            name_node.span,
                            format!("recursive template `{}`: {}", inner.trim(), chain.join(" -> ")),
                            "includes itself",
                        )
                        .help = Some("remove this template declaration: it never ends".into());
                }
                continue;
            }
            if self.template_body(&inner_key, resources).is_none() {
                if self.reported_refs.insert(name_node.span.start) {
                    let kind = if resources { "resources" } else { "models" };
                    self.r
                        .error(
                            Code::E0060,
                            name_node.span,
                            format!("template `{}` not found", inner.trim()),
                            "no such template",
                        )
                        .help = Some(format!("declare it under `templates.{kind}`"));
                }
                continue;
            }
            self.follow_template(inner_key, name_node.span, resources, path, out);
        }
        path.pop();
    }

    /// Each model template is also an interface, implemented by the models that take it
    /// (apibuilder's `ModelMerge.buildInterfaces`). Its fields are the template's fields that every
    /// model declaring it has with the same type and requiredness. A template may not share its
    /// name with a model or an interface.
    fn template_interfaces(&mut self) {
        let keys: Vec<String> = self.templates_models.keys().cloned().collect();
        for key in keys {
            let t = &self.templates_models[&key];
            let member = t.member;
            let name = member.key.trim().to_string();
            if let Some(kind) = self.clashes.get(&key).copied() {
                self.r
                    .error(
                        Code::E0061,
                        member.key_span,
                        format!("`{name}` cannot be the name of both {kind} and a template model"),
                        format!("also {kind}"),
                    )
                    .help = Some(format!("a template model is also an interface: rename the template or {kind}"));
                continue;
            }
            let users = self.template_users.get(&key).map(Vec::as_slice).unwrap_or(&[]);
            let fields: Vec<(Field, Loc, Loc)> = t
                .fields
                .iter()
                .filter(|(f, _, _)| {
                    users.iter().all(|u| {
                        u.iter()
                            .any(|(n, ty, req)| *n == f.name && ty == written(&f.ty) && *req == required(&f.presence))
                    })
                })
                .cloned()
                .collect();
            let id = InterfaceId(self.ir.interfaces.len() as u32);
            let out = interface_fields(self.map, id, fields);
            let item = Interface {
                service: self.service,
                name,
                plural: t.plural.clone(),
                description: t.description.clone(),
                fields: out,
                attributes: t.attributes.clone(),
                deprecation: t.deprecation.clone(),
            };
            self.map.insert(Site::Interface(id), self.r.loc(member.key_span));
            self.ir.interfaces.push(item);
            self.ir.services[self.service.index()].interfaces.push(id);
        }
    }

    fn model(&mut self, name: &str, span: Span, node: &'a Node, keys: &[&str]) {
        check_name(&mut self.r, name, span, "model");
        let what = format!("model `{name}`");
        let Some(obj) = self.r.object(node, &what, keys) else { return };
        // Reserve the id first: inline types in the fields declare types of their own meanwhile.
        let id = ModelId(self.ir.models.len() as u32);
        self.ir.models.push(Model::named(self.service, name, String::new()));
        let templates = self.templates_of(obj, &what, name, false);
        // As apibuilder's ModelMerge: the model's own fields first, each template's other fields
        // after them; a field the model declares too takes what it leaves out from the template.
        let mut fields = self.fields(obj, &what);
        let mut description = self.r.opt_str(obj, "description", &what);
        let mut deprecation = self.r.deprecation(obj, &what);
        let mut attributes = self.r.attributes(obj, &what);
        let mut interface_names = self.r.opt_strings(obj, "interfaces", &what);
        for applied in &templates.applied {
            let t = &self.templates_models[&applied.key];
            for (tf, loc, type_loc) in &t.fields {
                match fields.iter_mut().find(|(f, _, _)| f.name == tf.name) {
                    Some((f, _, _)) => merge_field(f, tf),
                    None => fields.push((tf.clone(), *loc, *type_loc)),
                }
            }
            description = description.or_else(|| t.description.clone());
            deprecation = deprecation.or_else(|| t.deprecation.clone());
            merge_attributes(&mut attributes, &t.attributes);
            for (i, ispan) in &t.interfaces {
                if !interface_names.iter().any(|(n, _)| n == i) {
                    interface_names.push((i.clone(), *ispan));
                }
            }
        }
        for applied in templates.applied.iter().filter(|a| !self.clashes.contains_key(&a.key)) {
            let tname = self.templates_models[&applied.key].member.key.trim().to_string();
            if !interface_names.iter().any(|(n, _)| *n == tname) {
                interface_names.push((tname, applied.span));
            }
        }
        let shape: Vec<FieldShape> = fields
            .iter()
            .map(|(f, _, _)| (f.name.clone(), written(&f.ty).to_string(), required(&f.presence)))
            .collect();
        for key in &templates.direct {
            self.template_users.entry(key.clone()).or_default().push(shape.clone());
        }
        let mut out = Vec::new();
        for (i, (mut f, loc, type_loc)) in fields.into_iter().enumerate() {
            if let Type::Unresolved(t) = &f.ty {
                f.ty = Type::Unresolved(apply_cast(t, &templates.casts));
            }
            self.map.insert(Site::Field(id, i), loc);
            self.map.insert(Site::FieldType(id, i), type_loc);
            out.push(f);
        }
        let model = Model {
            service: self.service,
            name: name.to_string(),
            plural: self.plural(obj, name, &what),
            description,
            fields: out,
            assertions: Default::default(),
            interfaces: Vec::new(),
            attributes,
            deprecation,
        };
        self.map.insert(Site::Model(id), self.r.loc(span));
        self.ir.models[id.index()] = model;
        self.ir.services[self.service.index()].models.push(id);
        self.pending_interfaces(PendingOwner::Model(id), interface_names);
        self.psql.push((id, psql_node(obj)));
    }

    /// Interface names are resolved after all types are declared (see `resolve`).
    fn pending_interfaces(&mut self, owner: PendingOwner, names: Vec<(String, Span)>) {
        let names = names.into_iter().map(|(n, s)| (n, self.r.loc(s))).collect();
        self.pending.interfaces.push((owner, names));
    }

    fn union(&mut self, name: &str, span: Span, node: &'a Node, keys: &[&str]) {
        check_name(&mut self.r, name, span, "union");
        let what = format!("union `{name}`");
        let Some(obj) = self.r.object(node, &what, keys) else { return };
        // Reserve the id first: members with inline fields declare models of their own meanwhile.
        let id = UnionId(self.ir.unions.len() as u32);
        self.ir.unions.push(Union::named(self.service, name, String::new()));
        let discriminator = self.r.opt_str_span(obj, "discriminator", &what);
        if let Some((_, dspan)) = &discriminator {
            self.map.insert(Site::UnionDiscriminator(id), self.r.loc(*dspan));
        }
        let mut members = Vec::new();
        for item in self.r.opt_array(obj, "types", &what) {
            let Some(t) = self.r.object(item, &format!("a type of {what}"), UNION_TYPE_KEYS) else { continue };
            let Some((ty, ty_span)) = self.type_of(t, &format!("a type of {what}")) else { continue };
            let mwhat = format!("type `{ty}` of {what}");
            if let Some(fields) = t.get("fields") {
                let is_collection_or_primitive =
                    ty.starts_with('[') || ty.starts_with("map[") || ty == "map" || Primitive::parse(&ty).is_some();
                if is_collection_or_primitive {
                    let kind = if ty.starts_with('[') {
                        "list"
                    } else if ty.starts_with("map") {
                        "map"
                    } else {
                        "primitive"
                    };
                    self.r.error(
                        Code::E0017,
                        fields.span,
                        format!("{mwhat}: fields cannot be specified for {kind} types"),
                        "fields on a non-model type",
                    );
                } else {
                    // The member declares its own model.
                    let model_node = t;
                    self.model(&ty, ty_span, model_node, &[UNION_TYPE_KEYS, MODEL_KEYS].concat());
                }
            }
            let dv = self.r.opt_str_span(t, "discriminator_value", &mwhat);
            if let Some((v, vspan)) = &dv {
                check_name(&mut self.r, v, *vspan, "discriminator value");
            }
            self.map.insert(Site::UnionMember(id, members.len()), self.r.loc(ty_span));
            members.push(UnionMember {
                ty: Type::Unresolved(ty.clone()),
                discriminator_value: dv.map(|(v, _)| v).unwrap_or_else(|| ty.clone()),
                type_name: ty,
                default: self.r.opt_bool(t, "default", &mwhat).unwrap_or(false),
                description: self.r.opt_str(t, "description", &mwhat),
                attributes: self.r.attributes(t, &mwhat),
                deprecation: self.r.deprecation(t, &mwhat),
            });
        }
        let interface_names = self.r.opt_strings(obj, "interfaces", &what);
        let u = Union {
            service: self.service,
            name: name.to_string(),
            plural: self.plural(obj, name, &what),
            encoding: match discriminator {
                Some((d, _)) => UnionEncoding::Discriminated(d),
                None => UnionEncoding::Wrapped,
            },
            description: self.r.opt_str(obj, "description", &what),
            members,
            interfaces: Vec::new(),
            attributes: self.r.attributes(obj, &what),
            deprecation: self.r.deprecation(obj, &what),
        };
        self.map.insert(Site::Union(id), self.r.loc(span));
        self.ir.unions[id.index()] = u;
        self.ir.services[self.service.index()].unions.push(id);
        self.pending_interfaces(PendingOwner::Union(id), interface_names);
    }

    fn header(&mut self, node: &'a Node, what: &str) -> Option<(Header, Loc)> {
        let obj = self.r.object(node, what, HEADER_KEYS)?;
        let (name, span) = self.r.req_str(obj, "name", what)?;
        let what = format!("header `{name}`");
        let (ty, ty_span) = self.type_of(obj, &what)?;
        let _ = ty_span;
        Some((header(Type::Unresolved(ty), name, &mut self.r, obj, &what), self.r.loc(span)))
    }

    fn resource(&mut self, m: &'a Member) {
        let type_name = m.key.trim().to_string();
        let what = format!("resource `{type_name}`");
        let Some(obj) = self.r.object(&m.value, &what, RESOURCE_KEYS) else { return };
        let id = ResourceId(self.ir.resources.len() as u32);
        let path = self.r.opt_str_exact(obj, "path", &what);
        let templates = self.templates_of(obj, &what, &type_name, true);
        let resource = Resource {
            service: self.service,
            ty: Type::Unresolved(type_name.clone()),
            type_name: type_name.clone(),
            plural: String::new(),
            path: path.clone(),
            description: self.r.opt_str(obj, "description", &what),
            operations: Vec::new(),
            attributes: self.r.attributes(obj, &what),
            deprecation: self.r.deprecation(obj, &what),
            kind: ResourceKind::Endpoints,
        };
        self.map.insert(Site::Resource(id), self.r.loc(m.key_span));
        self.ir.resources.push(resource);
        self.ir.services[self.service.index()].resources.push(id);

        // The casts rename types in the whole resource, its own operations too (apibuilder's
        // RenameTypes runs on the merged resource).
        let mut op_nodes: Vec<&'a Node> = Vec::new();
        for applied in &templates.applied {
            op_nodes.extend(applied.body.get("operations").and_then(Node::as_array).unwrap_or(&[]));
        }
        op_nodes.extend(self.r.opt_array(obj, "operations", &what));
        for op in op_nodes {
            self.operation(id, &type_name, path.as_deref(), op, &templates.casts);
        }
    }

    fn operation(
        &mut self,
        resource: ResourceId,
        rname: &str,
        rpath: Option<&str>,
        node: &'a Node,
        cast: &BTreeMap<String, String>,
    ) {
        let what0 = format!("an operation of resource `{rname}`");
        let Some(obj) = self.r.object(node, &what0, OPERATION_KEYS) else { return };
        let id = OperationId(self.ir.operations.len() as u32);
        let own_path = self.r.opt_str_exact(obj, "path", &what0).unwrap_or_default();
        let (method, method_span) = match self.r.req_str(obj, "method", &what0) {
            Some((m, span)) => match Method::parse(m) {
                Some(method) => (Some(method), span),
                None => {
                    let allowed = Method::ALL.map(Method::as_str).join(", ");
                    self.r.error(Code::E0049, span, format!("invalid HTTP method `{m}`"), "not an HTTP method").help =
                        Some(format!("use one of: {allowed}"));
                    (None, span)
                }
            },
            None => (None, obj_start(obj)),
        };
        let full_for_params = format!("{}{}", rpath.unwrap_or(""), own_path);
        let what = format!(
            "operation `{} {}` of resource `{rname}`",
            method.map_or("?", Method::as_str),
            if full_for_params.is_empty() { "/" } else { &full_for_params }
        );
        self.map.insert(Site::Operation(id), self.r.loc(obj.span));
        self.map.insert(Site::OperationMethod(id), self.r.loc(method_span));
        self.map.insert(Site::OperationPath(id), self.r.loc(obj.get("path").map_or(method_span, |p| p.span)));

        let body = match obj.get("body").filter(|b| !matches!(b.value, Value::Null)) {
            Some(b) => {
                let bwhat = format!("the body of {what}");
                match self.r.object(b, &bwhat, BODY_KEYS) {
                    Some(b) => self.type_of(b, &bwhat).map(|(ty, span)| {
                        self.map.insert(Site::Body(id), self.r.loc(span));
                        body(Type::Unresolved(apply_cast(&ty, cast)), &mut self.r, b, &bwhat)
                    }),
                    None => None,
                }
            }
            None => None,
        };
        // apibuilder's `defaultParameterLocation`.
        let default_location = if body.is_some() || matches!(method, Some(Method::Get) | Some(Method::Delete)) {
            ParameterLocation::Query
        } else {
            ParameterLocation::Form
        };
        let path_names = names::path_parameter_names(&full_for_params);
        let mut declared: Vec<(Parameter, Loc, Loc)> = Vec::new();
        for item in self.r.opt_array(obj, "parameters", &what) {
            if let Some(p) = self.parameter(item, &what, default_location, &path_names, cast) {
                declared.push(p);
            }
        }
        // Path parameters first, in path order (declared or to be inferred), then the rest.
        let mut parameters = Vec::new();
        for name in &path_names {
            // A declared parameter named in the path is a path parameter, whatever its location says.
            match declared.iter().position(|(p, _, _)| &p.name == name) {
                Some(i) => {
                    let (mut p, loc, tloc) = declared.remove(i);
                    p.location = ParameterLocation::Path;
                    self.map.insert(Site::Parameter(id, parameters.len()), loc);
                    self.map.insert(Site::ParameterType(id, parameters.len()), tloc);
                    parameters.push(p);
                }
                None => {
                    if parameters.iter().any(|p: &Parameter| &p.name == name) {
                        continue;
                    }
                    let loc = self.map.get(Site::OperationPath(id)).expect("inserted above");
                    self.map.insert(Site::Parameter(id, parameters.len()), loc);
                    self.map.insert(Site::ParameterType(id, parameters.len()), loc);
                    parameters.push(Parameter {
                        name: name.clone(),
                        ty: Type::Unresolved(String::new()),
                        location: ParameterLocation::Path,
                        description: None,
                        presence: Presence::Required,
                        constraints: Constraints::default(),
                        example: None,
                        attributes: Vec::new(),
                        deprecation: None,
                        inferred: true,
                        encoding: None,
                    });
                }
            }
        }
        for (p, loc, tloc) in declared {
            self.map.insert(Site::Parameter(id, parameters.len()), loc);
            self.map.insert(Site::ParameterType(id, parameters.len()), tloc);
            parameters.push(p);
        }

        let mut responses = Vec::new();
        let declared_responses = obj.get("responses").and_then(Node::as_object).is_some_and(|m| !m.is_empty());
        match obj
            .get("responses")
            .filter(|_| declared_responses || obj.get("responses").and_then(Node::as_object).is_none())
        {
            None => {
                self.map.insert(Site::Response(id, 0), self.r.loc(method_span));
                self.map.insert(Site::ResponseType(id, 0), self.r.loc(method_span));
                responses.push(Response {
                    code: ResponseCode::Status(204),
                    content: Vec::new(),
                    headers: Vec::new(),
                    description: None,
                    attributes: Vec::new(),
                    deprecation: None,
                });
            }
            Some(_) => {
                for m in self.r.opt_map(obj, "responses", &what) {
                    if let Some(r) = self.response(id, responses.len(), m, &what, cast) {
                        responses.push(r);
                    }
                }
            }
        }
        let op = Operation {
            resource,
            method: method.unwrap_or(Method::Get),
            path: own_path,
            description: self.r.opt_str(obj, "description", &what),
            body,
            parameters,
            responses,
            security: None,
            operation_id: None,
            callbacks: Vec::new(),
            tags: Vec::new(),
            attributes: self.r.attributes(obj, &what),
            deprecation: self.r.deprecation(obj, &what),
        };
        self.ir.operations.push(op);
        self.ir.resources[resource.index()].operations.push(id);
    }

    fn parameter(
        &mut self,
        node: &'a Node,
        op_what: &str,
        default_location: ParameterLocation,
        path_names: &[String],
        cast: &BTreeMap<String, String>,
    ) -> Option<(Parameter, Loc, Loc)> {
        let obj = self.r.object(node, &format!("a parameter of {op_what}"), PARAMETER_KEYS)?;
        // apibuilder does not restrict parameter names (`page[size]` is a real query parameter).
        let (name, span) = self.r.req_str(obj, "name", &format!("a parameter of {op_what}"))?;
        let what = format!("parameter `{name}` of {op_what}");
        let (ty, ty_span) = self.type_of(obj, &what).unwrap_or_default();
        let in_path = path_names.iter().any(|n| n == name);
        let location = match self.r.opt_str_span(obj, "location", &what) {
            Some((l, lspan)) => match ParameterLocation::parse(&l) {
                Some(loc) => loc,
                None => {
                    self.r
                        .error(
                            Code::E0050,
                            lspan,
                            format!("location `{l}` of {what} is not recognized"),
                            "unknown location",
                        )
                        .help = Some("use one of: path, query, form, header".into());
                    default_location
                }
            },
            None if in_path => ParameterLocation::Path,
            None => default_location,
        };
        let tloc = if ty_span == Span::default() { self.r.loc(span) } else { self.r.loc(ty_span) };
        Some((
            parameter(Type::Unresolved(apply_cast(&ty, cast)), name, location, props(&mut self.r, obj, &what)),
            self.r.loc(span),
            tloc,
        ))
    }

    fn response(
        &mut self,
        op: OperationId,
        index: usize,
        m: &'a Member,
        op_what: &str,
        cast: &BTreeMap<String, String>,
    ) -> Option<Response> {
        let code = parse_response_code(&mut self.r, &m.key, m.key_span)?;
        let what = format!("response `{}` of {op_what}", m.key);
        let obj = self.r.object(&m.value, &what, RESPONSE_KEYS)?;
        let (ty, ty_span) = self.type_of(obj, &what)?;
        self.map.insert(Site::Response(op, index), self.r.loc(m.key_span));
        self.map.insert(Site::ResponseType(op, index), self.r.loc(ty_span));
        let mut headers = Vec::new();
        for item in self.r.opt_array(obj, "headers", &what) {
            if let Some((h, loc)) = self.header(item, &format!("a header of {what}")) {
                self.map.insert(Site::ResponseHeader(op, index, headers.len()), loc);
                headers.push(h);
            }
        }
        Some(Response {
            code,
            content: vec![Content::new(JSON, Type::Unresolved(apply_cast(&ty, cast)))],
            headers,
            description: self.r.opt_str(obj, "description", &what),
            attributes: self.r.attributes(obj, &what),
            deprecation: self.r.deprecation(obj, &what),
        })
    }
}

/// An interface's fields, each with its place recorded.
fn interface_fields(map: &mut SourceMap, id: InterfaceId, fields: Vec<(Field, Loc, Loc)>) -> Vec<Field> {
    let mut out = Vec::with_capacity(fields.len());
    for (i, (f, loc, type_loc)) in fields.into_iter().enumerate() {
        map.insert(Site::InterfaceField(id, i), loc);
        map.insert(Site::InterfaceFieldType(id, i), type_loc);
        out.push(f);
    }
    out
}

/// A field's type as written, before resolution.
fn written(ty: &Type) -> &str {
    match ty {
        Type::Unresolved(t) => t,
        _ => "",
    }
}

/// Whether a field counts as required in apibuilder's sense (`required`, whatever its default).
fn required(p: &Presence) -> bool {
    matches!(p, Presence::Required | Presence::Default(_))
}

/// A field of a model merged with the template's field of the same name, as apibuilder's
/// `ModelMerge.mergeFields`: name, type and `required` are the model's; what the model leaves
/// out (description, deprecation, default, example, minimum, maximum) comes from the template;
/// attributes and annotations are both, the model's first.
fn merge_field(own: &mut Field, tpl: &Field) {
    own.description = own.description.take().or_else(|| tpl.description.clone());
    own.deprecation = own.deprecation.take().or_else(|| tpl.deprecation.clone());
    own.example = own.example.take().or_else(|| tpl.example.clone());
    let inherited = match &tpl.presence {
        Presence::Default(l) | Presence::OptionalWithDefault(l) => Some(l.clone()),
        _ => None,
    };
    if let Some(l) = inherited {
        own.presence = match &own.presence {
            Presence::Required => Presence::Default(l),
            Presence::Optional => Presence::OptionalWithDefault(l),
            kept => kept.clone(),
        };
    }
    let (c, t) = (&mut own.constraints, &tpl.constraints);
    for (mine, theirs) in [(&mut c.length.min, t.length.min), (&mut c.length.max, t.length.max)]
        .into_iter()
        .chain([(&mut c.items.min, t.items.min), (&mut c.items.max, t.items.max)])
    {
        if mine.is_none() {
            *mine = theirs;
        }
    }
    if c.value.min.is_none() {
        c.value.min = t.value.min.clone();
    }
    if c.value.max.is_none() {
        c.value.max = t.value.max.clone();
    }
    merge_attributes(&mut own.attributes, &tpl.attributes);
    for a in &tpl.annotations {
        if !own.annotations.contains(a) {
            own.annotations.push(a.clone());
        }
    }
}

/// Attributes of a model (or field) and its template: the model's first, then the template's
/// others; an attribute on both has the template's value with the model's keys over it (apibuilder's
/// `AttributeMerge`).
fn merge_attributes(own: &mut Vec<Attribute>, tpl: &[Attribute]) {
    for t in tpl {
        match own.iter_mut().find(|a| a.name == t.name) {
            Some(a) => {
                if let (serde_json::Value::Object(mine), serde_json::Value::Object(theirs)) = (&mut a.value, &t.value) {
                    for (k, v) in theirs {
                        mine.entry(k.clone()).or_insert_with(|| v.clone());
                    }
                }
                a.description = a.description.take().or_else(|| t.description.clone());
                a.deprecation = a.deprecation.take().or_else(|| t.deprecation.clone());
            }
            None => own.push(t.clone()),
        }
    }
}

/// Renames the singleton type inside a type expression per a template's cast.
fn apply_cast(ty: &str, cast: &BTreeMap<String, String>) -> String {
    if cast.is_empty() {
        return ty.to_string();
    }
    let inner_start = ty.rfind('[').map_or(0, |i| i + 1);
    let inner_end = ty.find(']').unwrap_or(ty.len());
    if inner_start > inner_end {
        return ty.to_string();
    }
    let inner = &ty[inner_start..inner_end];
    match cast.get(inner) {
        Some(to) => format!("{}{to}{}", &ty[..inner_start], &ty[inner_end..]),
        None => ty.to_string(),
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum PendingOwner {
    Model(ModelId),
    Union(UnionId),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn casts_rename_the_innermost_type() {
        let cast = BTreeMap::from([("statement".to_string(), "partner_statement".to_string())]);
        assert_eq!(apply_cast("[statement]", &cast), "[partner_statement]");
        assert_eq!(apply_cast("map[statement]", &cast), "map[partner_statement]");
        assert_eq!(apply_cast("statement", &cast), "partner_statement");
        assert_eq!(apply_cast("string", &cast), "string");
    }
}
