//! OpenAPI 3.0, 3.1 and 3.2 (JSON or YAML) into the IR.
//!
//! Component schemas become models (objects, `allOf` merged), enums (string enums), unions
//! (`oneOf`/`anyOf`: discriminated with a discriminator, untagged without) or, when they only
//! name another type (a string with a format, an array, a map), aliases that stand for it.
//! Inline schemas that need a name get one from where they sit (`pet_owner` for the `owner`
//! property of `Pet`), deterministic, with collisions numbered. Paths become operations, grouped
//! into resources by their first tag (else their first path segment). Whatever the IR cannot
//! hold is a warning (W0101) naming it: never a silent skip.
//!
//! References are local (`#/components/...`), to other files (relative to the referring file),
//! or to URLs that `apigen.toml`'s `[imports]` maps to files; apigen never fetches one. Any
//! object may be in another file: schemas, parameters, bodies, responses, headers, path items,
//! callbacks; what is read from a file is positioned in it. Webhooks and callbacks become
//! resources of their own kinds ([`ResourceKind`]): requests the service sends.

pub(crate) mod refs;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::reader::Reader;
use crate::diagnostic::Code;
use crate::ir::*;
use crate::names;
use crate::source::{FileId, Loc, Span};
use crate::syntax::json::{Member, Node, Value};

/// The parsed files of a compilation, for references from one file to another: every input, and
/// the files OpenAPI documents refer to, loaded once each.
#[derive(Debug, Default)]
pub(crate) struct Docs {
    trees: HashMap<FileId, Node>,
    names: HashMap<FileId, String>,
    ids: HashMap<String, FileId>,
    /// Files that could not be had, with why.
    failures: HashMap<String, String>,
    /// Files an OpenAPI document refers to.
    pub referenced: HashSet<FileId>,
    /// `apigen.toml`'s `[imports]`: URLs that references may name, mapped to files (a URL
    /// ending in `/` maps a folder of them).
    pub imports: BTreeMap<String, String>,
}

impl Docs {
    pub fn insert(&mut self, file: FileId, name: String, root: Node) {
        self.ids.insert(name.clone(), file);
        self.names.insert(file, name);
        self.trees.insert(file, root);
    }

    pub fn tree(&self, file: FileId) -> Option<&Node> {
        self.trees.get(&file)
    }

    pub fn by_name(&self, name: &str) -> Option<FileId> {
        self.ids.get(name).copied()
    }

    pub fn failed(&self, name: &str) -> Option<&str> {
        self.failures.get(name).map(String::as_str)
    }

    pub fn fail(&mut self, name: String, reason: String) {
        self.failures.insert(name, reason);
    }

    /// The other files a file's `$ref`s name (not URLs), as names resolved against its own.
    pub fn external_files(&self, file: FileId) -> Vec<String> {
        let (Some(root), Some(base)) = (self.trees.get(&file), self.names.get(&file)) else { return Vec::new() };
        let mut out = BTreeSet::new();
        let mut stack = vec![root];
        while let Some(n) = stack.pop() {
            match &n.value {
                Value::Object(members) => {
                    for m in members {
                        if m.key == "$ref"
                            && let Some(text) = m.value.as_str()
                            && let Some(name) = self.file_of(base, text)
                        {
                            out.insert(name);
                        }
                        stack.push(&m.value);
                    }
                }
                Value::Array(items) => stack.extend(items.iter()),
                _ => {}
            }
        }
        out.into_iter().collect()
    }

    /// The file a reference names: a relative name resolved against the referring file's, or
    /// a URL through `[imports]`; `None` for local references and URLs not imported.
    pub fn file_of(&self, base: &str, reference: &str) -> Option<String> {
        let file = reference.split('#').next().unwrap_or("");
        if !file.contains("://") {
            return external_name(base, reference);
        }
        if let Some(mapped) = self.imports.get(file) {
            return Some(mapped.clone());
        }
        // The longest folder URL that holds it.
        self.imports
            .iter()
            .filter(|(url, _)| url.ends_with('/') && file.starts_with(url.as_str()))
            .max_by_key(|(url, _)| url.len())
            .and_then(|(url, folder)| {
                let folder = folder.trim_end_matches('/');
                external_name(&format!("{folder}/"), &file[url.len()..])
            })
    }
}

/// The file a reference names, resolved against the referring file's name (`specs/api.yaml` +
/// `./schemas/pet.yaml#/Pet` → `specs/schemas/pet.yaml`); `None` for local references and URLs.
fn external_name(base: &str, reference: &str) -> Option<String> {
    let file = reference.split('#').next().unwrap_or("");
    if file.is_empty() || file.contains("://") {
        return None;
    }
    let mut parts: Vec<&str> = if file.starts_with('/') {
        Vec::new()
    } else {
        let mut p: Vec<&str> = base.split('/').collect();
        p.pop();
        p
    };
    for seg in file.split('/') {
        match seg {
            "" | "." => {}
            ".." if parts.last().is_some_and(|l| *l != ".." && !l.is_empty()) => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    Some(if file.starts_with('/') { format!("/{joined}") } else { joined })
}

/// The schema under `root` whose `$anchor` (or `$dynamicAnchor`) is `name`.
fn anchor<'n>(root: &'n Node, name: &str) -> Option<&'n Node> {
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        match &n.value {
            Value::Object(members) => {
                if ["$anchor", "$dynamicAnchor"].iter().any(|k| n.get(k).and_then(Node::as_str) == Some(name)) {
                    return Some(n);
                }
                stack.extend(members.iter().rev().map(|m| &m.value));
            }
            Value::Array(items) => stack.extend(items.iter().rev()),
            _ => {}
        }
    }
    None
}

/// Whether a document is OpenAPI (or Swagger, to be refused with a clear message).
pub(crate) fn is_openapi(root: &Node) -> bool {
    root.get("openapi").is_some() || root.get("swagger").is_some()
}

const METHODS: [(&str, Method); 8] = [
    ("get", Method::Get),
    ("put", Method::Put),
    ("post", Method::Post),
    ("delete", Method::Delete),
    ("options", Method::Options),
    ("head", Method::Head),
    ("patch", Method::Patch),
    ("trace", Method::Trace),
];

/// What a component schema becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Model,
    Enum,
    Union,
    /// Stands for another type: a primitive with a format, an array, a map, another component.
    Alias,
    /// An object schema that other component schemas extend (`allOf: [{$ref: …}]`) and nothing
    /// uses as a type: an interface their models implement, as apibuilder's model templates are.
    Interface,
}

/// A schema read as a type: the type as text (resolved later with every other type), and what
/// the schema adds to it.
#[derive(Debug, Clone, Default)]
struct Typed {
    text: String,
    constraints: Constraints,
    nullable: bool,
    default: Option<Literal>,
    description: Option<String>,
    example: Option<Literal>,
    deprecated: bool,
    access: Access,
}

impl Typed {
    /// A schema that stands for another (`$ref` with siblings, one `allOf` part, one `oneOf`
    /// member): the other's type, with what this one says itself (description, example,
    /// default, nullable) taking precedence.
    fn over(self, inner: Typed) -> Typed {
        Typed {
            description: self.description.or(inner.description),
            nullable: self.nullable || inner.nullable,
            example: self.example.or(inner.example),
            default: self.default.or(inner.default),
            ..inner
        }
    }
}

pub(crate) struct Lowering<'a, 'd> {
    r: Reader<'d>,
    ir: &'a mut Ir,
    map: &'a mut SourceMap,
    service: ServiceId,
    root: &'a Node,
    /// The document's own file, and every file it may refer to.
    main: FileId,
    docs: &'a Docs,
    /// Schemas of other files, by file and pointer: their type once read (`None` while read).
    external: HashMap<(FileId, String), Option<Typed>>,
    /// Component schemas by key: what each becomes, and its name in the IR.
    components: BTreeMap<String, (Kind, String)>,
    /// Alias schemas read once: component key → type (`None` while being read, to catch loops).
    aliases: HashMap<String, Option<Typed>>,
    /// Names taken by types, so that inline names never collide.
    taken: BTreeSet<String>,
    /// Models whose fields are being gathered (for `allOf` loops).
    merging: Vec<String>,
    /// References already reported, by span start.
    reported: BTreeSet<u32>,
    /// Every `operationId` (paths, webhooks, callbacks), where first used.
    operation_ids: HashMap<String, Loc>,
    /// Interface components by key.
    interfaces: HashMap<String, InterfaceId>,
    /// Schemas by absolute `$id`, once looked for.
    ids: Option<HashMap<String, (FileId, &'a Node)>>,
}

/// Lowers one OpenAPI document. The caller has checked that `root` is an object.
pub(crate) fn lower<'a>(
    r: Reader<'_>,
    ir: &'a mut Ir,
    map: &'a mut SourceMap,
    root: &'a Node,
    docs: &'a Docs,
) -> ServiceId {
    let service = ServiceId(ir.services.len() as u32);
    let main = r.file;
    let mut l = Lowering {
        r,
        ir,
        map,
        service,
        root,
        main,
        docs,
        external: HashMap::new(),
        components: BTreeMap::new(),
        aliases: HashMap::new(),
        taken: BTreeSet::new(),
        merging: Vec::new(),
        reported: BTreeSet::new(),
        operation_ids: HashMap::new(),
        interfaces: HashMap::new(),
        ids: None,
    };
    l.document();
    service
}

/// A name the IR can hold: letters, digits, `_` and `-`; anything else becomes `_`, and a
/// name that does not start with a letter gets one.
fn ir_name(raw: &str) -> String {
    let mut out: String =
        raw.trim().chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' }).collect();
    while out.contains("__") {
        out = out.replace("__", "_");
    }
    let out = out.trim_matches('_').to_string();
    match out.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => out,
        Some(_) => format!("t_{out}"),
        None => "unnamed".to_string(),
    }
}

/// `pet` + `owner` → `pet_owner`.
fn join(a: &str, b: &str) -> String {
    ir_name(&format!("{a}_{}", names::normalize(&ir_name(b))))
}

impl<'a> Lowering<'a, '_> {
    fn warn(&mut self, span: Span, message: String, label: &str) {
        self.r.error(Code::W0101, span, message, label.to_string());
    }

    fn document(&mut self) {
        let root = self.root;
        let version_node = root.get("openapi");
        let title =
            root.get("info").and_then(|i| i.get("title")).and_then(Node::as_str).unwrap_or("").trim().to_string();
        let name = if title.is_empty() { "api".to_string() } else { title };
        let mut s = Service::new(name.clone(), names::url_key(&name), SourceFormat::OpenApi);
        self.ir.services.push(s.clone());
        self.map.insert(Site::Service(self.service), self.r.loc(root.span));
        match (root.get("swagger"), version_node) {
            (Some(v), None) => {
                self.r
                    .error(
                        Code::E0101,
                        v.span,
                        format!(
                            "documents in Swagger {} are not supported: apigen reads OpenAPI 3.0, 3.1 and 3.2",
                            v.to_json_text().trim_matches('"')
                        ),
                        "Swagger 2.0",
                    )
                    .help = Some("convert it to OpenAPI 3 (for example with swagger2openapi) and compile that".into());
                return;
            }
            (_, Some(v)) => {
                let text = v.as_str().map(str::to_string).unwrap_or_else(|| v.to_json_text());
                let known = ["3.0", "3.1", "3.2"].iter().any(|p| text == *p || text.starts_with(&format!("{p}.")));
                if !known {
                    self.r.error(
                        Code::E0101,
                        v.span,
                        format!("OpenAPI version `{text}` is not supported: apigen reads 3.0, 3.1 and 3.2"),
                        "unknown version",
                    );
                    return;
                }
                if v.as_str().is_none() {
                    self.r
                        .error(
                            Code::W0102,
                            v.span,
                            format!("`openapi: {text}` is a number; OpenAPI says a string"),
                            "not a string",
                        )
                        .help = Some(format!("quote it: `openapi: \"{text}\"`"));
                }
            }
            (None, None) => return,
        }
        self.map.insert(Site::ServiceName(self.service), self.r.loc(root.get("info").map_or(root.span, |i| i.span)));
        // info
        match root.get("info") {
            None => {
                self.r.error(Code::E0009, root.span, "the document is missing `info`", "`info` is required");
            }
            Some(info) => {
                if info.get("title").and_then(Node::as_str).is_none() {
                    self.r.error(Code::E0009, info.span, "`info` is missing `title`", "`title` is required");
                }
                match info.get("version") {
                    Some(v) => s.version = Some(v.as_str().map(str::to_string).unwrap_or_else(|| v.to_json_text())),
                    None => {
                        self.r.error(Code::E0009, info.span, "`info` is missing `version`", "`version` is required");
                    }
                }
                s.description = self.r.opt_str(info, "description", "`info`");
                if let Some(c) = info.get("contact") {
                    s.info.contact_name = self.r.opt_str(c, "name", "`info.contact`");
                    s.info.contact_url = self.r.opt_str(c, "url", "`info.contact`");
                    s.info.contact_email = self.r.opt_str(c, "email", "`info.contact`");
                }
                if let Some(lic) = info.get("license") {
                    s.info.license_name = self.r.opt_str(lic, "name", "`info.license`");
                    s.info.license_url = self.r.opt_str(lic, "url", "`info.license`");
                }
            }
        }
        let is_30 = version_node.and_then(Node::as_str).is_some_and(|v| v.starts_with("3.0"));
        if is_30 && root.get("paths").is_none() {
            self.r.error(Code::E0009, root.span, "an OpenAPI 3.0 document must have `paths`", "`paths` is required");
        }
        s.base_url = root.get("servers").and_then(Node::as_array).and_then(|a| a.first()).and_then(server_url);
        s.security_schemes = self.security_schemes();
        for t in root.get("tags").and_then(Node::as_array).unwrap_or(&[]) {
            if let Some(name) = t.get("name").and_then(Node::as_str) {
                let at = t.get("name").map_or(t.span, |n| n.span);
                self.map.insert(Site::Tag(self.service, s.tags.len()), self.r.loc(at));
                s.tags.push(Tag {
                    name: name.to_string(),
                    description: t.get("description").and_then(Node::as_str).map(String::from),
                });
            }
        }
        if let Some(sec) = root.get("security") {
            s.security = self.security(sec);
        }
        let keep = std::mem::replace(&mut self.ir.services[self.service.index()], s);
        drop(keep);

        self.declare_components();
        self.lower_components();
        self.paths();
        self.webhooks();
    }

    fn security_schemes(&mut self) -> Vec<SecurityScheme> {
        let mut out = Vec::new();
        let Some(schemes) = self.root.get("components").and_then(|c| c.get("securitySchemes")) else { return out };
        for m in schemes.as_object().unwrap_or(&[]) {
            let Some((file, node)) = self.deref(&m.value) else { continue };
            let back = self.enter(file);
            // The key is in the document; a scheme in another file is reported at itself.
            let at = if file == back { m.key_span } else { node.span };
            if let Some(scheme) = self.security_scheme(m, node, at) {
                self.map.insert(Site::SecurityScheme(self.service, out.len()), self.r.loc(at));
                out.push(scheme);
            }
            self.r.file = back;
        }
        out
    }

    fn security_scheme(&mut self, m: &Member, node: &Node, at: Span) -> Option<SecurityScheme> {
        let what = format!("security scheme `{}`", m.key);
        let kind = match node.get("type").and_then(Node::as_str) {
            Some("http") => SecuritySchemeKind::Http {
                scheme: node.get("scheme").and_then(Node::as_str).unwrap_or("bearer").to_lowercase(),
                bearer_format: self.r.opt_str(node, "bearerFormat", &what),
            },
            Some("apiKey") => {
                let location = match node.get("in").and_then(Node::as_str) {
                    Some("query") => ApiKeyLocation::Query,
                    Some("cookie") => ApiKeyLocation::Cookie,
                    _ => ApiKeyLocation::Header,
                };
                SecuritySchemeKind::ApiKey {
                    name: node.get("name").and_then(Node::as_str).unwrap_or("").to_string(),
                    location,
                }
            }
            Some("oauth2") => {
                let mut flows = Vec::new();
                for f in node.get("flows").and_then(Node::as_object).unwrap_or(&[]) {
                    let kind = match f.key.as_str() {
                        "implicit" => OAuthFlowKind::Implicit,
                        "password" => OAuthFlowKind::Password,
                        "clientCredentials" => OAuthFlowKind::ClientCredentials,
                        "authorizationCode" => OAuthFlowKind::AuthorizationCode,
                        "deviceAuthorization" => OAuthFlowKind::DeviceAuthorization,
                        other => {
                            self.warn(f.key_span, format!("OAuth flow `{other}` of {what} is unknown"), "dropped");
                            continue;
                        }
                    };
                    let scopes = f
                        .value
                        .get("scopes")
                        .and_then(Node::as_object)
                        .unwrap_or(&[])
                        .iter()
                        .map(|s| (s.key.clone(), s.value.as_str().unwrap_or("").to_string()))
                        .collect();
                    flows.push(OAuthFlow {
                        kind,
                        authorization_url: f.value.get("authorizationUrl").and_then(Node::as_str).map(String::from),
                        token_url: f.value.get("tokenUrl").and_then(Node::as_str).map(String::from),
                        refresh_url: f.value.get("refreshUrl").and_then(Node::as_str).map(String::from),
                        scopes,
                    });
                }
                SecuritySchemeKind::OAuth2 { flows }
            }
            Some("openIdConnect") => SecuritySchemeKind::OpenIdConnect {
                url: node.get("openIdConnectUrl").and_then(Node::as_str).unwrap_or("").to_string(),
            },
            Some("mutualTLS") => SecuritySchemeKind::MutualTls,
            other => {
                let span = node.get("type").map_or(at, |t| t.span);
                self.r.error(
                    Code::E0010,
                    span,
                    format!(
                        "{what} has type {}: expected http, apiKey, oauth2, openIdConnect or mutualTLS",
                        other.map_or("none".to_string(), |o| format!("`{o}`"))
                    ),
                    "unknown security scheme type",
                );
                return None;
            }
        };
        Some(SecurityScheme {
            name: m.key.clone(),
            kind,
            description: node.get("description").and_then(Node::as_str).map(String::from),
        })
    }

    fn security(&mut self, node: &Node) -> Security {
        let mut alternatives = Vec::new();
        for alt in node.as_array().unwrap_or(&[]) {
            let schemes = alt
                .as_object()
                .unwrap_or(&[])
                .iter()
                .map(|m| SchemeRequirement {
                    scheme: m.key.clone(),
                    scopes: m
                        .value
                        .as_array()
                        .unwrap_or(&[])
                        .iter()
                        .filter_map(Node::as_str)
                        .map(String::from)
                        .collect(),
                })
                .collect();
            alternatives.push(SecurityRequirement { schemes });
        }
        Security { alternatives }
    }

    /// Follows `$ref`s of a non-schema object (parameter, response, request body, header, path
    /// item) to what they name, in this file or another; reports a reference that names nothing,
    /// or a loop. Returns the file the object is in: read it with [`Self::enter`]ed into it.
    fn deref(&mut self, node: &'a Node) -> Option<(FileId, &'a Node)> {
        let start = self.r.file;
        let mut node = node;
        let mut seen: Vec<(FileId, &str)> = Vec::new();
        while let Some(r) = node.get("$ref") {
            let Some(text) = r.as_str() else {
                self.r.error(Code::E0010, r.span, "`$ref` must be a string", "not a string");
                self.r.file = start;
                return None;
            };
            if seen.contains(&(self.r.file, text)) {
                if self.reported.insert(r.span.start) {
                    self.r.error(Code::E0103, r.span, format!("`$ref` loop: `{text}` leads back to itself"), "loop");
                }
                self.r.file = start;
                return None;
            }
            seen.push((self.r.file, text));
            match self.target(text, r.span) {
                Some((file, t)) => {
                    // The next reference, if any, is relative to the file this one led into.
                    self.r.file = file;
                    node = t;
                }
                None => {
                    self.r.file = start;
                    return None;
                }
            }
        }
        Some((std::mem::replace(&mut self.r.file, start), node))
    }

    /// Reads from now on in `file` (positions and references are its); returns the file read
    /// before, to go back to.
    fn enter(&mut self, file: FileId) -> FileId {
        std::mem::replace(&mut self.r.file, file)
    }

    /// The node a reference names, with the file it is in, or an error at the reference. Local
    /// references (`#/...`) are into the file being read; others name a file relative to it.
    fn target(&mut self, text: &str, span: Span) -> Option<(FileId, &'a Node)> {
        let (file_part, fragment) = text.split_once('#').unwrap_or((text, ""));
        let here = self.r.file;
        let (file, root) = if file_part.is_empty() {
            (here, if here == self.main { self.root } else { self.docs.tree(here)? })
        } else if let Some(&(f, node)) = self.schema_ids().get(file_part) {
            // OpenAPI 3.1: a schema's absolute `$id` names it.
            (f, node)
        } else {
            let base = self.docs.names.get(&here).map(String::as_str).unwrap_or("");
            let name = self.docs.file_of(base, text);
            let found = name.as_deref().and_then(|n| self.docs.by_name(n)).and_then(|f| Some((f, self.docs.tree(f)?)));
            match found {
                Some(found) => found,
                None => {
                    if self.reported.insert(span.start) {
                        let why = match &name {
                            None => "apigen never fetches a URL, and `[imports]` in apigen.toml maps none to this one"
                                .to_string(),
                            Some(n) => {
                                self.docs.failed(n).map_or_else(|| format!("`{n}` is not available"), String::from)
                            }
                        };
                        self.r
                            .error(
                                Code::E0102,
                                span,
                                format!("`$ref` to `{text}` cannot be followed: {why}"),
                                "unresolved reference",
                            )
                            .help = Some(if name.is_none() {
                            format!(
                                "map it to a file in apigen.toml: `[imports]` `\"{}\" = \"specs/….yaml\"`",
                                text.split('#').next().unwrap_or(text)
                            )
                        } else {
                            "refer to a file beside the document, by a relative path".into()
                        });
                    }
                    return None;
                }
            }
        };
        // A fragment is a JSON pointer (`#/components/…`), or a plain name that a schema's
        // `$anchor` (or `$dynamicAnchor`) declares (`#pet`).
        let found = match refs::local_pointer(&format!("#{fragment}")) {
            Some(tokens) => refs::resolve(root, &tokens),
            None => anchor(root, fragment),
        };
        match found {
            Some(n) => Some((file, n)),
            None => {
                if self.reported.insert(span.start) {
                    let place = if file == self.main {
                        "this document".to_string()
                    } else {
                        format!("`{}`", self.docs.names.get(&file).map_or("", |n| n.as_str()))
                    };
                    self.r.error(
                        Code::E0102,
                        span,
                        format!("`$ref` to `{text}` names nothing in {place}"),
                        "unresolved reference",
                    );
                }
                None
            }
        }
    }

    /// Every schema of the documents with an absolute `$id` (OpenAPI 3.1), found once.
    fn schema_ids(&mut self) -> &HashMap<String, (FileId, &'a Node)> {
        if self.ids.is_none() {
            let mut ids = HashMap::new();
            let docs = self.docs;
            let trees = std::iter::once((self.main, self.root))
                .chain(docs.trees.iter().filter(|(f, _)| **f != self.main).map(|(f, n)| (*f, n)));
            for (file, root) in trees {
                let mut stack = vec![root];
                while let Some(n) = stack.pop() {
                    match &n.value {
                        Value::Object(members) => {
                            if let Some(id) = n.get("$id").and_then(Node::as_str)
                                && id.contains(':')
                            {
                                ids.entry(id.trim_end_matches('#').to_string()).or_insert((file, n));
                            }
                            stack.extend(members.iter().map(|m| &m.value));
                        }
                        Value::Array(items) => stack.extend(items.iter()),
                        _ => {}
                    }
                }
            }
            self.ids = Some(ids);
        }
        self.ids.get_or_insert_with(HashMap::new)
    }

    /// A schema in another file (or not under `components/schemas`), read once: named after the
    /// last token of its pointer, or the file's name, when it is a model, enum or union.
    fn schema_ref(&mut self, text: &str, span: Span, context: &str) -> Option<Typed> {
        let (file, node) = self.target(text, span)?;
        // A component of the document, named another way (`$anchor`, `$id`): that component.
        if file == self.main
            && let Some(m) = self.schemas().iter().find(|m| std::ptr::eq(&m.value, node))
        {
            let (kind, name) = self.components[&m.key].clone();
            return match kind {
                Kind::Alias => self.alias(&m.key),
                _ => Some(Typed { text: name, ..Typed::default() }),
            };
        }
        let (file_part, fragment) = text.split_once('#').unwrap_or((text, ""));
        let fragment = fragment.to_string();
        // A schema named by its `$id` is known by it: several may sit in one file.
        let by_id = !file_part.is_empty() && self.schema_ids().contains_key(file_part);
        let key = (file, if by_id { text.to_string() } else { fragment.clone() });
        match self.external.get(&key) {
            Some(Some(t)) => return Some(t.clone()),
            Some(None) => {
                if self.reported.insert(span.start) {
                    self.r.error(Code::E0103, span, format!("`$ref` to `{text}` refers only to itself"), "loop");
                }
                return None;
            }
            None => {}
        }
        let base = fragment.rsplit('/').find(|t| !t.is_empty()).map(String::from).unwrap_or_else(|| {
            let name = self.docs.names.get(&file).map_or("schema", |n| n.as_str());
            let stem = name.rsplit('/').next().unwrap_or(name);
            stem.split('.').next().unwrap_or(stem).to_string()
        });
        let base = if by_id && fragment.is_empty() {
            let last = file_part.trim_end_matches('/').rsplit('/').next().unwrap_or(file_part);
            last.split('.').next().unwrap_or(last).to_string()
        } else if file == self.main && fragment.is_empty() {
            context.to_string()
        } else {
            base
        };
        let previous = std::mem::replace(&mut self.r.file, file);
        let kind = classify(node);
        let t = if matches!(kind, Kind::Model | Kind::Enum | Kind::Union) && non_string_values(node).is_none() {
            let name = self.fresh(&base);
            let t = Typed { text: name.clone(), ..Typed::default() };
            self.external.insert(key.clone(), Some(t.clone()));
            match kind {
                Kind::Model => self.model(&name, node.span, node),
                Kind::Enum => self.enum_(&name, node.span, node),
                _ => self.union(&name, node.span, node),
            }
            t
        } else {
            self.external.insert(key.clone(), None);
            let t = self.typed(node, &base);
            self.external.insert(key, Some(t.clone()));
            t
        };
        self.r.file = previous;
        Some(t)
    }

    fn schemas(&self) -> &'a [Member] {
        self.root.get("components").and_then(|c| c.get("schemas")).and_then(Node::as_object).unwrap_or(&[])
    }

    /// Decides what every component schema becomes and reserves its name.
    fn declare_components(&mut self) {
        let (extended, used) = self.bases();
        for m in self.schemas() {
            let mut kind = classify(&m.value);
            if kind == Kind::Model && extended.contains(m.key.as_str()) && !used.contains(m.key.as_str()) {
                kind = Kind::Interface;
            }
            let mut name = ir_name(&m.key);
            let mut n = 2;
            while self.taken.contains(&name.to_lowercase()) {
                name = format!("{}_{n}", ir_name(&m.key));
                n += 1;
            }
            if kind != Kind::Alias {
                self.taken.insert(name.to_lowercase());
            }
            self.components.insert(m.key.clone(), (kind, name));
        }
    }

    /// The component schemas other component schemas extend (a `$ref` that is an `allOf` part
    /// of one), and those referred to in any other way, anywhere in the document.
    fn bases(&self) -> (BTreeSet<&'a str>, BTreeSet<String>) {
        let component = |n: &Node| -> Option<String> {
            let text = n.get("$ref")?.as_str()?;
            let tokens = refs::local_pointer(text)?;
            match refs::component(&tokens)? {
                ("schemas", name) => Some(name.to_string()),
                _ => None,
            }
        };
        let mut extended = BTreeSet::new();
        let mut as_part = BTreeSet::new();
        for m in self.schemas() {
            for part in m.value.get("allOf").and_then(Node::as_array).unwrap_or(&[]) {
                if let Some(name) = component(part) {
                    as_part.insert(part.span.start);
                    if let Some(base) = self.schemas().iter().find(|b| b.key == name) {
                        extended.insert(base.key.as_str());
                    }
                }
            }
        }
        let mut used = BTreeSet::new();
        let mut stack = vec![self.root];
        while let Some(n) = stack.pop() {
            if let Some(name) = component(n)
                && !as_part.contains(&n.span.start)
            {
                used.insert(name);
            }
            match &n.value {
                Value::Object(members) => stack.extend(members.iter().map(|m| &m.value)),
                Value::Array(items) => stack.extend(items.iter()),
                _ => {}
            }
        }
        (extended, used)
    }

    fn lower_components(&mut self) {
        // Interfaces first, so that every model that implements one finds it.
        for m in self.schemas() {
            let (kind, name) = self.components[&m.key].clone();
            if kind == Kind::Interface {
                self.interface(&name, m.key_span, &m.value);
            }
        }
        for m in self.schemas() {
            let (kind, name) = self.components[&m.key].clone();
            match kind {
                Kind::Interface => {}
                Kind::Model => self.model(&name, m.key_span, &m.value),
                Kind::Enum => self.enum_(&name, m.key_span, &m.value),
                Kind::Union => self.union(&name, m.key_span, &m.value),
                Kind::Alias => {
                    // Read now, so that its problems are reported once, in its own place.
                    self.alias(&m.key);
                }
            }
        }
    }

    /// A fresh name for an inline type.
    fn fresh(&mut self, base: &str) -> String {
        let base = ir_name(base);
        let mut name = base.clone();
        let mut n = 2;
        while self.taken.contains(&name.to_lowercase()) {
            name = format!("{base}_{n}");
            n += 1;
        }
        self.taken.insert(name.to_lowercase());
        name
    }

    fn alias(&mut self, key: &str) -> Option<Typed> {
        match self.aliases.get(key) {
            Some(Some(t)) => return Some(t.clone()),
            Some(None) => return None,
            None => {}
        }
        let member = self.schemas().iter().find(|m| m.key == key)?;
        self.aliases.insert(key.to_string(), None);
        let name = self.components[key].1.clone();
        let t = self.typed(&member.value, &name);
        self.aliases.insert(key.to_string(), Some(t.clone()));
        Some(t)
    }

    /// A schema as a type; `context` names what an inline type here would be called.
    fn typed(&mut self, schema: &'a Node, context: &str) -> Typed {
        let mut t = Typed {
            description: schema.get("description").and_then(Node::as_str).map(String::from),
            example: schema.get("example").map(Node::to_serde).or_else(|| {
                schema.get("examples").and_then(Node::as_array).and_then(|a| a.first()).map(Node::to_serde)
            }),
            default: schema.get("default").map(Node::to_serde),
            deprecated: schema.get("deprecated").and_then(bool_of).unwrap_or(false),
            nullable: schema.get("nullable").and_then(bool_of).unwrap_or(false),
            ..Typed::default()
        };
        t.access = match (
            schema.get("readOnly").and_then(bool_of).unwrap_or(false),
            schema.get("writeOnly").and_then(bool_of).unwrap_or(false),
        ) {
            (true, false) => Access::ReadOnly,
            (false, true) => Access::WriteOnly,
            _ => Access::ReadWrite,
        };
        if let Some(r) = schema.get("$ref") {
            let Some(text) = r.as_str() else {
                self.r.error(Code::E0010, r.span, "`$ref` must be a string", "not a string");
                t.text = "json".into();
                return t;
            };
            let tokens = refs::local_pointer(text).filter(|_| self.r.file == self.main);
            let component = tokens.as_deref().and_then(refs::component).filter(|(kind, _)| *kind == "schemas");
            match component.and_then(|(_, name)| self.components.get(name).cloned().map(|c| (name.to_string(), c))) {
                Some((key, (Kind::Alias, _))) => match self.alias(&key) {
                    Some(inner) => {
                        t.text = inner.text;
                        t.constraints = inner.constraints;
                        t.nullable |= inner.nullable;
                        t.description = t.description.or(inner.description);
                        t.default = t.default.or(inner.default);
                        t.example = t.example.or(inner.example);
                    }
                    None => {
                        if self.reported.insert(r.span.start) {
                            self.r.error(Code::E0103, r.span, format!("schema `{key}` refers only to itself"), "loop");
                        }
                        t.text = "json".into();
                    }
                },
                Some((_, (_, name))) => t.text = name,
                None => match self.schema_ref(text, r.span, context) {
                    // Not a component schema: another file's, or elsewhere in this one.
                    Some(inner) => return t.over(inner),
                    None => t.text = "json".into(),
                },
            }
            return t;
        }
        let types: Vec<&str> = schema_types(schema);
        if types.contains(&"null") {
            t.nullable = true;
        }
        let types: Vec<&str> = types.into_iter().filter(|t| *t != "null").collect();
        if types.len() > 1 {
            self.warn(
                schema.get("type").map_or(schema.span, |n| n.span),
                format!("a schema of several types ({}) is read as `json`", types.join(", ")),
                "several types",
            );
            t.text = "json".into();
            return t;
        }
        let ty = types.first().copied();
        self.constraints(schema, &mut t.constraints);
        if enum_values(schema).is_empty() && integer_values(schema).is_empty() {
            // Values the IR's enums cannot hold (fractions, booleans, or strings of a schema
            // that is not a string): the diff still sees them change.
            for key in ["enum", "const"] {
                if let Some(v) = schema.get(key) {
                    t.constraints.assertions.insert(key.to_string(), v.to_serde());
                }
            }
        }
        if let Some(base) = non_string_values(schema) {
            self.warn(
                schema
                    .get("enum")
                    .or_else(|| schema.get("oneOf"))
                    .or_else(|| schema.get("anyOf"))
                    .map_or(schema.span, |n| n.span),
                format!(
                    "the values of `{context}` are not compiled (the IR's enums hold strings and integers): it is read as `{base}`"
                ),
                "enum of non-strings",
            );
            let base = match (base, schema.get("format").and_then(Node::as_str)) {
                ("long", Some("int32")) => "integer",
                (b, _) => b,
            };
            t.text = base.to_string();
            return t;
        }
        let kind = classify(schema);
        t.text = match kind {
            Kind::Enum => {
                let name = self.fresh(context);
                self.enum_(&name, schema.span, schema);
                name
            }
            Kind::Union => {
                // A `oneOf` of one member, or `null` and one member, is that member.
                let members = union_members(schema);
                let non_null: Vec<&Node> =
                    members.iter().copied().filter(|m| m.get("type").and_then(Node::as_str) != Some("null")).collect();
                if non_null.len() == 1 && schema.get("discriminator").is_none() {
                    if non_null.len() < members.len() {
                        t.nullable = true;
                    }
                    let inner = self.typed(non_null[0], context);
                    return t.over(inner);
                }
                let name = self.fresh(context);
                self.union(&name, schema.span, schema);
                name
            }
            // (`classify` tells no interface: only a component is one.)
            Kind::Model | Kind::Interface => {
                // `allOf` of one part is that part.
                if let Some(parts) = schema.get("allOf").and_then(Node::as_array)
                    && parts.len() == 1
                    && schema.get("properties").is_none()
                {
                    let inner = self.typed(&parts[0], context);
                    return t.over(inner);
                }
                let name = self.fresh(context);
                self.model(&name, schema.span, schema);
                // The object's own rules are the model's.
                t.constraints.assertions.clear();
                name
            }
            Kind::Alias => match ty {
                Some("string") => string_type(schema.get("format").and_then(Node::as_str)).to_string(),
                Some("integer") => match schema.get("format").and_then(Node::as_str) {
                    Some("int32") => "integer".into(),
                    _ => "long".into(),
                },
                Some("number") => match schema.get("format").and_then(Node::as_str) {
                    Some("decimal") => "decimal".into(),
                    _ => "double".into(),
                },
                Some("boolean") => "boolean".into(),
                Some("array") => match schema.get("items") {
                    Some(items) if items.as_object().is_some() => {
                        let inner = self.typed(items, &format!("{context}_item"));
                        t.constraints.elements = elements(inner.constraints);
                        format!("[{}]", inner.text)
                    }
                    _ => "[json]".into(),
                },
                Some("object") | None if schema.get("additionalProperties").is_some() => {
                    match schema.get("additionalProperties") {
                        Some(ap) if ap.as_object().is_some_and(|m| !m.is_empty()) => {
                            let inner = self.typed(ap, &format!("{context}_value"));
                            t.constraints.elements = elements(inner.constraints);
                            format!("map[{}]", inner.text)
                        }
                        _ => "map[json]".into(),
                    }
                }
                Some("object") => "object".into(),
                Some(other) => {
                    self.warn(
                        schema.get("type").map_or(schema.span, |n| n.span),
                        format!("schema type `{other}` is unknown; read as `json`"),
                        "unknown type",
                    );
                    "json".into()
                }
                None => "json".into(),
            },
        };
        t
    }

    fn constraints(&mut self, s: &Node, c: &mut Constraints) {
        let count = |n: Option<&Node>| {
            n.and_then(|n| match &n.value {
                Value::Number(t) => t.parse::<u64>().ok(),
                _ => None,
            })
        };
        // A keyword applies to values of its own type only: `maxItems` on a string says nothing.
        let types: Vec<&str> = schema_types(s);
        let typed_as = |t: &str| types.is_empty() || types.contains(&t);
        if typed_as("string") {
            c.length.min = count(s.get("minLength"));
            c.length.max = count(s.get("maxLength"));
        }
        if typed_as("array") {
            c.items.min = count(s.get("minItems"));
            c.items.max = count(s.get("maxItems"));
        }
        c.pattern = s.get("pattern").and_then(Node::as_str).map(String::from);
        c.format = s.get("format").and_then(Node::as_str).map(String::from);
        c.unique_items = s.get("uniqueItems").and_then(bool_of).unwrap_or(false);
        c.multiple_of = s.get("multipleOf").and_then(number);
        let bound = |n: Option<&Node>, exclusive: bool| n.and_then(number).map(|value| Bound { value, exclusive });
        // 3.0: `exclusiveMinimum: true` qualifies `minimum`; 3.1: `exclusiveMinimum: 5` is the bound.
        let (emin, emax) = (s.get("exclusiveMinimum"), s.get("exclusiveMaximum"));
        c.value.min = match emin.map(|n| &n.value) {
            Some(Value::Number(_)) => bound(emin, true),
            Some(Value::Bool(b)) => bound(s.get("minimum"), *b),
            _ => bound(s.get("minimum"), false),
        };
        c.value.max = match emax.map(|n| &n.value) {
            Some(Value::Number(_)) => bound(emax, true),
            Some(Value::Bool(b)) => bound(s.get("maximum"), *b),
            _ => bound(s.get("maximum"), false),
        };
        // A map's size is its number of properties.
        let map = s.get("properties").is_none() && s.get("additionalProperties").is_some();
        if map {
            c.items.min = c.items.min.or(count(s.get("minProperties")));
            c.items.max = c.items.max.or(count(s.get("maxProperties")));
        }
        c.assertions = assertions(s, !map);
    }

    /// The properties of an object schema and of its `allOf` parts, with what is required.
    fn properties(&mut self, schema: &'a Node, out: &mut Vec<(&'a Member, FileId)>, required: &mut BTreeSet<String>) {
        if let Some(parts) = schema.get("allOf").and_then(Node::as_array) {
            for part in parts {
                let part = match part.get("$ref").and_then(Node::as_str) {
                    Some(text) => {
                        if self.merging.iter().any(|m| m == text) {
                            continue;
                        }
                        let Some((file, target)) = self.target(text, part.get("$ref").map_or(part.span, |r| r.span))
                        else {
                            continue;
                        };
                        self.merging.push(text.to_string());
                        let previous = std::mem::replace(&mut self.r.file, file);
                        self.properties(target, out, required);
                        self.r.file = previous;
                        self.merging.pop();
                        continue;
                    }
                    None => part,
                };
                self.properties(part, out, required);
            }
        }
        for r in schema.get("required").and_then(Node::as_array).unwrap_or(&[]) {
            if let Some(name) = r.as_str() {
                required.insert(name.to_string());
            }
        }
        for p in schema.get("properties").and_then(Node::as_object).unwrap_or(&[]) {
            let file = self.r.file;
            match out.iter_mut().find(|(m, _)| m.key == p.key) {
                // A later part restates a property: its schema wins.
                Some(slot) => *slot = (p, file),
                None => out.push((p, file)),
            }
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(n) =
                schema.get(key).filter(|_| schema.get("properties").is_some() || schema.get("allOf").is_some())
            {
                self.warn(
                    n.span,
                    format!("`{key}` beside properties is not compiled: the model has the properties only"),
                    "dropped",
                );
            }
        }
    }

    /// The fields of an object schema, its `allOf` parts merged; `site` places field `i` and
    /// its type.
    fn fields(&mut self, name: &str, schema: &'a Node, site: impl Fn(usize) -> (Site, Site)) -> Vec<Field> {
        let mut props = Vec::new();
        let mut required = BTreeSet::new();
        self.properties(schema, &mut props, &mut required);
        let mut fields = Vec::new();
        for (i, (p, file)) in props.iter().enumerate() {
            let previous = std::mem::replace(&mut self.r.file, *file);
            let t = self.typed(&p.value, &join(name, &p.key));
            self.r.file = previous;
            let loc = |span: Span| Loc { file: *file, span };
            let presence = match (&t.default, required.contains(&p.key)) {
                (Some(d), true) => Presence::RequiredWithDefault(d.clone()),
                (None, true) => Presence::Required,
                (Some(d), false) => Presence::Default(d.clone()),
                (None, false) => Presence::Optional,
            };
            let (field, ty) = site(i);
            self.map.insert(field, loc(p.key_span));
            self.map.insert(ty, loc(p.value.span));
            fields.push(Field {
                name: p.key.clone(),
                ty: Type::Unresolved(t.text),
                description: t.description,
                presence,
                nullable: t.nullable,
                example: t.example,
                constraints: t.constraints,
                access: t.access,
                annotations: Vec::new(),
                attributes: Vec::new(),
                deprecation: t.deprecated.then(no_description),
            });
        }
        if let Some(ap) = schema
            .get("additionalProperties")
            .filter(|n| n.as_object().is_some_and(|m| !m.is_empty()) && !props.is_empty())
        {
            self.warn(
                ap.span,
                format!(
                    "`additionalProperties` beside properties is not compiled: model `{name}` has its properties only"
                ),
                "dropped",
            );
        }
        fields
    }

    fn model(&mut self, name: &str, span: Span, schema: &'a Node) {
        let id = ModelId(self.ir.models.len() as u32);
        self.ir.models.push(Model::named(self.service, name, names::pluralize(name)));
        self.ir.services[self.service.index()].models.push(id);
        self.map.insert(Site::Model(id), self.r.loc(span));
        let fields = self.fields(name, schema, |i| (Site::Field(id, i), Site::FieldType(id, i)));
        let mut interfaces = Vec::new();
        self.implemented(schema, &mut interfaces, &mut Vec::new());
        for (i, (_, at)) in interfaces.iter().enumerate() {
            self.map.insert(Site::ModelInterface(id, i), self.r.loc(*at));
        }
        let m = &mut self.ir.models[id.index()];
        m.fields = fields;
        m.interfaces = interfaces.into_iter().map(|(i, _)| i).collect();
        m.assertions = assertions(schema, true);
        m.description = schema.get("description").and_then(Node::as_str).map(String::from);
        m.deprecation = schema.get("deprecated").and_then(bool_of).filter(|d| *d).map(|_| no_description());
    }

    /// The interfaces a schema implements: the interface components its `allOf` parts name,
    /// and theirs in turn, each once, with where the first names it.
    fn implemented(&self, schema: &Node, out: &mut Vec<(InterfaceId, Span)>, seen: &mut Vec<String>) {
        for part in schema.get("allOf").and_then(Node::as_array).unwrap_or(&[]) {
            let Some(r) = part.get("$ref") else { continue };
            let Some(key) = r
                .as_str()
                .and_then(refs::local_pointer)
                .and_then(|t| refs::component(&t).filter(|(k, _)| *k == "schemas").map(|(_, n)| n.to_string()))
            else {
                continue;
            };
            if seen.contains(&key) {
                continue;
            }
            seen.push(key.clone());
            if let Some(&id) = self.interfaces.get(&key)
                && !out.iter().any(|(i, _)| *i == id)
            {
                out.push((id, r.span));
            }
            if let Some(base) = self.schemas().iter().find(|m| m.key == key) {
                self.implemented(&base.value, out, seen);
            }
        }
    }

    fn interface(&mut self, name: &str, span: Span, schema: &'a Node) {
        let id = InterfaceId(self.ir.interfaces.len() as u32);
        self.ir.interfaces.push(Interface::named(self.service, name, names::pluralize(name)));
        self.ir.services[self.service.index()].interfaces.push(id);
        self.map.insert(Site::Interface(id), self.r.loc(span));
        let key = self.components.iter().find(|(_, (_, n))| n == name).map(|(k, _)| k.clone());
        if let Some(key) = key {
            self.interfaces.insert(key, id);
        }
        let fields = self.fields(name, schema, |i| (Site::InterfaceField(id, i), Site::InterfaceFieldType(id, i)));
        let x = &mut self.ir.interfaces[id.index()];
        x.fields = fields;
        x.description = schema.get("description").and_then(Node::as_str).map(String::from);
        x.deprecation = schema.get("deprecated").and_then(bool_of).filter(|d| *d).map(|_| no_description());
    }

    fn enum_(&mut self, name: &str, span: Span, schema: &'a Node) {
        let id = EnumId(self.ir.enums.len() as u32);
        let mut values = Vec::new();
        let integers = integer_values(schema);
        let entries: Vec<(&Node, String, Option<String>, Option<&str>)> = if integers.is_empty() {
            enum_values(schema)
                .into_iter()
                .filter_map(|(v, doc)| {
                    let wire = v.as_str()?.to_string();
                    let name = if wire.trim().is_empty() { "empty".to_string() } else { wire.clone() };
                    Some((v, wire, Some(name), doc))
                })
                .collect()
        } else {
            integers.into_iter().map(|(v, n, name, doc)| (v, n.to_string(), name, doc)).collect()
        };
        for (v, wire, name, doc) in entries {
            if values.iter().any(|e: &EnumValue| e.value == wire) {
                continue;
            }
            // An integer without a name of its own (`x-enum-varnames`, a `oneOf` member's
            // `title`) is named after itself: `value_1`, `minus_1`.
            let name = name.unwrap_or_else(|| match wire.strip_prefix('-') {
                Some(n) => format!("minus_{n}"),
                None => format!("value_{wire}"),
            });
            self.map.insert(Site::EnumValue(id, values.len()), self.r.loc(v.span));
            values.push(EnumValue {
                name,
                value: wire,
                description: doc.map(String::from),
                attributes: Vec::new(),
                deprecation: None,
            });
        }
        let mut e = Enum::named(self.service, name, names::pluralize(name));
        e.integer = !integer_values(schema).is_empty();
        e.values = values;
        e.description = schema.get("description").and_then(Node::as_str).map(String::from);
        self.map.insert(Site::Enum(id), self.r.loc(span));
        self.ir.enums.push(e);
        self.ir.services[self.service.index()].enums.push(id);
    }

    fn union(&mut self, name: &str, span: Span, schema: &'a Node) {
        let id = UnionId(self.ir.unions.len() as u32);
        self.ir.unions.push(Union::named(self.service, name, names::pluralize(name)));
        self.ir.services[self.service.index()].unions.push(id);
        self.map.insert(Site::Union(id), self.r.loc(span));
        let discriminator = schema.get("discriminator");
        let property = discriminator.and_then(|d| d.get("propertyName")).and_then(Node::as_str).map(String::from);
        if let Some(d) = discriminator {
            self.map.insert(Site::UnionDiscriminator(id), self.r.loc(d.span));
        }
        // mapping: value → reference; reversed to find each member's value.
        let mut by_ref: BTreeMap<String, String> = BTreeMap::new();
        for m in discriminator.and_then(|d| d.get("mapping")).and_then(Node::as_object).unwrap_or(&[]) {
            if let Some(r) = m.value.as_str() {
                let r = if r.starts_with('#') || r.contains('/') {
                    r.to_string()
                } else {
                    format!("#/components/schemas/{r}")
                };
                by_ref.entry(r).or_insert_with(|| m.key.clone());
            }
        }
        let mut members = Vec::new();
        for (i, m) in union_members(schema).into_iter().enumerate() {
            if m.get("type").and_then(Node::as_str) == Some("null") {
                continue;
            }
            let reference = m.get("$ref").and_then(Node::as_str).map(String::from);
            let t = self.typed(m, &format!("{name}_{}", i + 1));
            if let Some(first) = members.iter().position(|x: &UnionMember| x.type_name == t.text) {
                self.warn(
                    m.span,
                    format!("member {} of `{name}` has the type of member {} (`{}`): the two are one member, and what tells them apart is not compiled", i + 1, first + 1, t.text),
                    "same type as another member",
                );
                continue;
            }
            let component_name = reference.as_deref().and_then(|r| r.rsplit('/').next()).map(String::from);
            let value = reference
                .as_ref()
                .and_then(|r| by_ref.get(r).cloned())
                .or_else(|| component_name.clone())
                .unwrap_or_else(|| t.text.clone());
            self.map.insert(Site::UnionMember(id, members.len()), self.r.loc(m.span));
            members.push(UnionMember {
                ty: Type::Unresolved(t.text.clone()),
                type_name: t.text,
                discriminator_value: value,
                default: false,
                description: t.description,
                attributes: Vec::new(),
                deprecation: None,
            });
        }
        let u = &mut self.ir.unions[id.index()];
        u.members = members;
        u.encoding = match property {
            Some(p) => UnionEncoding::Discriminated(p),
            None => UnionEncoding::Untagged,
        };
        u.description = schema.get("description").and_then(Node::as_str).map(String::from);
    }

    fn paths(&mut self) {
        let Some(paths) = self.root.get("paths") else { return };
        let mut resources: BTreeMap<String, ResourceId> = BTreeMap::new();
        for p in paths.as_object().unwrap_or(&[]) {
            if !p.key.starts_with('/') {
                if !p.key.starts_with("x-") {
                    self.r.error(
                        Code::E0010,
                        p.key_span,
                        format!("path `{}` must start with `/`", p.key),
                        "not a path",
                    );
                }
                continue;
            }
            let at = self.r.loc(p.key_span);
            let Some((file, item)) = self.deref(&p.value) else { continue };
            let back = self.enter(file);
            let shared = item.get("parameters");
            for (key, method) in METHODS {
                let Some(op) = item.get(key) else { continue };
                let tag = op
                    .get("tags")
                    .and_then(Node::as_array)
                    .and_then(|t| t.first())
                    .and_then(Node::as_str)
                    .map(String::from)
                    .unwrap_or_else(|| resource_of_path(&p.key).to_string());
                let rname = ir_name(&names::normalize(&ir_name(&tag)));
                let rid = match resources.get(&rname) {
                    Some(r) => *r,
                    None => {
                        let rid = self.resource(rname.clone(), ResourceKind::Endpoints, at);
                        self.ir.services[self.service.index()].resources.push(rid);
                        resources.insert(rname.clone(), rid);
                        rid
                    }
                };
                self.operation(rid, &p.key, at, method, op, shared);
            }
            for k in ["servers"] {
                if let Some(n) = item.get(k) {
                    self.warn(
                        n.span,
                        format!("`{k}` of path `{}` is not compiled: the service's base URL applies", p.key),
                        "dropped",
                    );
                }
            }
            self.r.file = back;
        }
    }

    /// A resource with no operations yet.
    fn resource(&mut self, name: String, kind: ResourceKind, at: Loc) -> ResourceId {
        let rid = ResourceId(self.ir.resources.len() as u32);
        self.ir.resources.push(Resource {
            service: self.service,
            ty: Type::Unresolved(name.clone()),
            type_name: name.clone(),
            plural: name,
            path: Some(String::new()),
            description: None,
            operations: Vec::new(),
            attributes: Vec::new(),
            deprecation: None,
            kind,
        });
        self.map.insert(Site::Resource(rid), at);
        rid
    }

    /// The operations of a path item the service sends (a webhook, or one expression of a
    /// callback) into the resource `rid`.
    fn sent(&mut self, rid: ResourceId, path: &str, at: Loc, node: &'a Node) {
        let Some((file, item)) = self.deref(node) else { return };
        let back = self.enter(file);
        let shared = item.get("parameters");
        for (key, method) in METHODS {
            if let Some(op) = item.get(key) {
                self.operation(rid, path, at, method, op, shared);
            }
        }
        self.r.file = back;
    }

    /// OpenAPI 3.1's `webhooks`: one resource of the service, its operations named by the
    /// webhooks' keys.
    fn webhooks(&mut self) {
        let Some(member) = self.root.as_object().and_then(|m| m.iter().find(|m| m.key == "webhooks")) else { return };
        let Some(hooks) = member.value.as_object().filter(|m| !m.is_empty()) else { return };
        let at = self.r.loc(member.key_span);
        let rid = self.resource("webhooks".to_string(), ResourceKind::Webhooks, at);
        self.ir.services[self.service.index()].webhooks = Some(rid);
        for h in hooks {
            if h.key.starts_with("x-") {
                continue;
            }
            let at = self.r.loc(h.key_span);
            self.sent(rid, &h.key, at, &h.value);
        }
    }

    /// One operation into the resource `rid`, at `path` (written at `path_at`). In a resource
    /// the service sends (webhooks, callbacks), the path is kept as written.
    fn operation(
        &mut self,
        rid: ResourceId,
        path: &str,
        path_at: Loc,
        method: Method,
        op: &'a Node,
        shared: Option<&'a Node>,
    ) {
        let outbound = self.ir.resources[rid.index()].kind.is_outbound();
        let id = OperationId(self.ir.operations.len() as u32);
        let operation_id = op.get("operationId").and_then(Node::as_str).map(String::from);
        let context = operation_id.clone().unwrap_or_else(|| format!("{}_{}", method.as_str().to_lowercase(), path));
        let what = match self.ir.resources[rid.index()].kind {
            ResourceKind::Endpoints => format!("operation `{} {path}`", method.as_str()),
            ResourceKind::Webhooks => format!("webhook `{path}` ({})", method.as_str()),
            ResourceKind::Callback(_) => {
                format!("callback `{}` `{} {path}`", self.ir.resources[rid.index()].type_name, method.as_str())
            }
        };
        if let Some(n) = op.get("operationId")
            && let Some(text) = n.as_str()
        {
            if let Some(first) = self.operation_ids.get(text).copied() {
                self.r
                    .error(Code::E0105, n.span, format!("operationId `{text}` is used twice"), "duplicate operationId")
                    .secondary
                    .push(crate::diagnostic::Label { loc: first, message: "first used here".into() });
            } else {
                let at = self.r.loc(n.span);
                self.operation_ids.insert(text.to_string(), at);
            }
        }
        self.map.insert(Site::Operation(id), self.r.loc(op.span));
        self.map.insert(Site::OperationMethod(id), path_at);
        self.map.insert(Site::OperationPath(id), path_at);
        // Parameters: the operation's, then the path item's it does not override.
        let mut declared: Vec<(FileId, &'a Node)> = Vec::new();
        for list in [op.get("parameters"), shared].into_iter().flatten() {
            for p in list.as_array().unwrap_or(&[]) {
                let Some((file, p)) = self.deref(p) else { continue };
                let key = |n: &Node| {
                    (
                        n.get("name").and_then(Node::as_str).map(String::from),
                        n.get("in").and_then(Node::as_str).map(String::from),
                    )
                };
                if !declared.iter().any(|(_, d)| key(d) == key(p)) {
                    declared.push((file, p));
                }
            }
        }
        let mut parameters = Vec::new();
        for (file, p) in declared {
            let back = self.enter(file);
            let parameter = self.parameter(id, parameters.len(), p, &context, &what);
            self.r.file = back;
            parameters.extend(parameter);
        }
        // Every `{name}` of the path has a path parameter, and the reverse.
        let ir_path = if outbound { path.to_string() } else { self.path_template(path, path_at, &parameters, &what) };
        let body = match op.get("requestBody") {
            Some(b) => self.deref(b).map(|(file, b)| {
                let back = self.enter(file);
                self.map.insert(Site::Body(id), self.r.loc(b.span));
                let body = Body {
                    content: self.content(b, &format!("{context}_body")),
                    required: b.get("required").and_then(bool_of).unwrap_or(false),
                    description: b.get("description").and_then(Node::as_str).map(String::from),
                    attributes: Vec::new(),
                    deprecation: None,
                };
                self.r.file = back;
                body
            }),
            None => None,
        };
        let mut responses = Vec::new();
        for r in op.get("responses").and_then(Node::as_object).unwrap_or(&[]) {
            let code = match response_code(&r.key) {
                Some(c) => c,
                None => {
                    if !r.key.starts_with("x-") {
                        self.r.error(
                            Code::E0056,
                            r.key_span,
                            format!(
                                "response code `{}` of {what} is not a status, a range such as `2XX`, or `default`",
                                r.key
                            ),
                            "not a response code",
                        );
                    }
                    continue;
                }
            };
            let Some((file, node)) = self.deref(&r.value) else { continue };
            let i = responses.len();
            self.map.insert(Site::Response(id, i), self.r.loc(r.key_span));
            let back = self.enter(file);
            let response = self.response(id, i, code, &r.key, node, &context, &what);
            self.r.file = back;
            responses.push(response);
        }
        let security = op.get("security").map(|s| self.security(s));
        let mut tags = Vec::new();
        for t in op.get("tags").and_then(Node::as_array).unwrap_or(&[]) {
            if let Some(name) = t.as_str() {
                self.map.insert(Site::OperationTag(id, tags.len()), self.r.loc(t.span));
                tags.push(name.to_string());
            }
        }
        let description = op.get("description").or_else(|| op.get("summary")).and_then(Node::as_str).map(String::from);
        self.ir.operations.push(Operation {
            resource: rid,
            method,
            path: ir_path,
            operation_id,
            description,
            body,
            parameters,
            responses,
            security,
            callbacks: Vec::new(),
            tags,
            attributes: Vec::new(),
            deprecation: op.get("deprecated").and_then(bool_of).filter(|d| *d).map(|_| no_description()),
        });
        self.ir.resources[rid.index()].operations.push(id);
        // After the operation itself, so that its id is taken before those of its callbacks.
        let mut callbacks = Vec::new();
        for cb in op.get("callbacks").and_then(Node::as_object).unwrap_or(&[]) {
            if cb.key.starts_with("x-") {
                continue;
            }
            let at = self.r.loc(cb.key_span);
            let Some((file, node)) = self.deref(&cb.value) else { continue };
            let back = self.enter(file);
            let crid = self.resource(ir_name(&cb.key), ResourceKind::Callback(id), at);
            for e in node.as_object().unwrap_or(&[]) {
                if !e.key.starts_with("x-") {
                    let at = self.r.loc(e.key_span);
                    self.sent(crid, &e.key, at, &e.value);
                }
            }
            self.r.file = back;
            callbacks.push(crid);
        }
        self.ir.operations[id.index()].callbacks = callbacks;
    }

    /// Parameter `index` of operation `id`, read in the file it is in.
    fn parameter(
        &mut self,
        id: OperationId,
        index: usize,
        p: &'a Node,
        context: &str,
        what: &str,
    ) -> Option<Parameter> {
        let Some(name) = p.get("name").and_then(Node::as_str) else {
            self.r.error(Code::E0009, p.span, format!("a parameter of {what} is missing `name`"), "`name` is required");
            return None;
        };
        let location = match p.get("in").and_then(Node::as_str) {
            Some("path") => ParameterLocation::Path,
            Some("query") => ParameterLocation::Query,
            Some("header") => ParameterLocation::Header,
            Some("cookie") => ParameterLocation::Cookie,
            other => {
                self.r.error(
                    Code::E0010,
                    p.get("in").map_or(p.span, |n| n.span),
                    format!(
                        "parameter `{name}` of {what} has `in` {}: expected path, query, header or cookie",
                        other.map_or("missing".to_string(), |o| format!("`{o}`"))
                    ),
                    "invalid location",
                );
                return None;
            }
        };
        let schema = p.get("schema").or_else(|| {
            p.get("content").and_then(Node::as_object).and_then(|c| c.first()).and_then(|m| m.value.get("schema"))
        });
        let t = match schema {
            Some(s) => self.typed(s, &join(context, name)),
            None => {
                self.r.error(
                    Code::E0106,
                    p.span,
                    format!("parameter `{name}` of {what} has neither `schema` nor `content`"),
                    "no schema",
                );
                Typed { text: "string".into(), ..Typed::default() }
            }
        };
        let encoding = self.encoding(p, location, &format!("parameter `{name}` of {what}"));
        let required = p.get("required").and_then(bool_of).unwrap_or(false) || location == ParameterLocation::Path;
        let presence = match (&t.default, required) {
            (Some(d), true) => Presence::RequiredWithDefault(d.clone()),
            (Some(d), false) => Presence::Default(d.clone()),
            (None, true) => Presence::Required,
            (None, false) => Presence::Optional,
        };
        self.map.insert(Site::Parameter(id, index), self.r.loc(p.get("name").map_or(p.span, |n| n.span)));
        self.map.insert(Site::ParameterType(id, index), self.r.loc(schema.map_or(p.span, |s| s.span)));
        Some(Parameter {
            name: name.to_string(),
            ty: Type::Unresolved(t.text),
            location,
            description: p.get("description").and_then(Node::as_str).map(String::from).or(t.description),
            presence,
            constraints: t.constraints,
            example: p.get("example").map(Node::to_serde).or(t.example),
            attributes: Vec::new(),
            deprecation: p.get("deprecated").and_then(bool_of).filter(|d| *d).map(|_| no_description()),
            inferred: false,
            encoding,
        })
    }

    /// A parameter's `style`, `explode` and `allowReserved`: `None` when they are the
    /// location's defaults. A style the location does not allow is read as the default, with a
    /// warning.
    fn encoding(&mut self, p: &Node, location: ParameterLocation, what: &str) -> Option<Encoding> {
        let default = Encoding::default_for(location);
        let mut e = default;
        if let Some(n) = p.get("style") {
            let style = n.as_str().and_then(Style::parse);
            match style {
                Some(style) if style.allowed_in(location) => {
                    e.style = style;
                    // `explode` defaults to true for `form`, false for every other style.
                    e.explode = style == Style::Form;
                }
                _ => self.warn(
                    n.span,
                    format!(
                        "`style` {} of {what} is not one a {} parameter may have: it is read as `{}`",
                        n.to_json_text(),
                        location.as_str(),
                        default.style.as_str()
                    ),
                    "read as the default",
                ),
            }
        }
        if let Some(b) = p.get("explode").and_then(bool_of) {
            e.explode = b;
        }
        if let Some(b) = p.get("allowReserved").and_then(bool_of) {
            e.allow_reserved = b;
        }
        (e != default).then_some(e)
    }

    /// Response `i` (of status `key`) of operation `id`, read in the file it is in.
    #[allow(clippy::too_many_arguments)]
    fn response(
        &mut self,
        id: OperationId,
        i: usize,
        code: ResponseCode,
        key: &str,
        node: &'a Node,
        context: &str,
        what: &str,
    ) -> Response {
        self.map.insert(Site::ResponseType(id, i), self.r.loc(node.span));
        let mut content = self.content(node, &format!("{context}_{}", key.to_lowercase()));
        if matches!(code, ResponseCode::Status(204 | 304)) && !content.is_empty() {
            let span = node.get("content").map_or(node.span, |c| c.span);
            self.warn(
                span,
                format!("the content of the {key} response of {what} is dropped: HTTP gives a {key} no body"),
                "dropped",
            );
            content.clear();
        }
        let mut headers = Vec::new();
        for h in node.get("headers").and_then(Node::as_object).unwrap_or(&[]) {
            let at = self.r.loc(h.key_span);
            let Some((file, hn)) = self.deref(&h.value) else { continue };
            let back = self.enter(file);
            let t = match hn.get("schema") {
                Some(s) => self.typed(s, &join(context, &h.key)),
                None => Typed { text: "string".into(), ..Typed::default() },
            };
            self.map.insert(Site::ResponseHeader(id, i, headers.len()), at);
            headers.push(Header {
                name: h.key.clone(),
                ty: Type::Unresolved(t.text),
                presence: if hn.get("required").and_then(bool_of).unwrap_or(false) {
                    Presence::Required
                } else {
                    Presence::Optional
                },
                constraints: t.constraints,
                description: hn.get("description").and_then(Node::as_str).map(String::from),
                attributes: Vec::new(),
                deprecation: None,
            });
            self.r.file = back;
        }
        if let Some(links) = node.get("links").filter(|n| n.as_object().is_some_and(|m| !m.is_empty())) {
            self.warn(links.span, format!("`links` of the {key} response of {what} are not compiled"), "dropped");
        }
        Response {
            code,
            content,
            headers,
            description: node.get("description").and_then(Node::as_str).map(String::from),
            attributes: Vec::new(),
            deprecation: None,
        }
    }

    /// `/users/{id}` → `/users/:id`, checking that path and parameters agree.
    fn path_template(&mut self, path: &str, at: Loc, parameters: &[Parameter], what: &str) -> String {
        let mut out = String::with_capacity(path.len());
        let mut in_path = Vec::new();
        let mut rest = path;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let Some(close) = rest[open..].find('}') else {
                out.push_str(&rest[open..]);
                rest = "";
                break;
            };
            let name = &rest[open + 1..open + close];
            out.push(':');
            out.push_str(name);
            in_path.push(name.to_string());
            rest = &rest[open + close + 1..];
        }
        out.push_str(rest);
        for name in &in_path {
            if !parameters.iter().any(|p| p.location == ParameterLocation::Path && &p.name == name) {
                self.r
                    .error_at(
                        Code::E0104,
                        at,
                        format!("path variable `{{{name}}}` of {what} has no path parameter"),
                        "undeclared path variable",
                    )
                    .help = Some(format!(
                    "declare `{{\"name\": \"{name}\", \"in\": \"path\", \"required\": true, \"schema\": {{\"type\": \"string\"}}}}`"
                ));
            }
        }
        for p in parameters.iter().filter(|p| p.location == ParameterLocation::Path) {
            if !in_path.contains(&p.name) {
                self.r.error_at(
                    Code::E0104,
                    at,
                    format!("path parameter `{}` of {what} does not appear in the path", p.name),
                    "parameter not in the path",
                );
            }
        }
        out
    }

    fn content(&mut self, node: &'a Node, context: &str) -> Vec<Content> {
        let mut out = Vec::new();
        let entries = node.get("content").and_then(Node::as_object).unwrap_or(&[]);
        let several = entries.len() > 1;
        for (i, m) in entries.iter().enumerate() {
            let ctx = if several && i > 0 { format!("{context}_{}", ir_name(&m.key)) } else { context.to_string() };
            let t = match m.value.get("schema") {
                Some(s) => self.typed(s, &ctx),
                None => Typed { text: "json".to_string(), ..Typed::default() },
            };
            let media_type = m.key.trim().to_lowercase();
            if !out.iter().any(|c: &Content| c.media_type == media_type) {
                let mut c = Content::new(media_type, Type::Unresolved(t.text));
                c.nullable = t.nullable;
                c.constraints = t.constraints;
                // A format is part of the type already; as a payload's own rule it says nothing more.
                c.constraints.format = None;
                out.push(c);
            }
        }
        out.sort_by(|a, b| a.media_type.cmp(&b.media_type));
        out
    }
}

fn no_description() -> Deprecation {
    Deprecation { description: None }
}

/// The resource of an untagged path: its first segment that is neither a variable nor a version
/// (`/v1/customers/{id}` → `customers`; `/2010-04-01/Accounts.json` → `Accounts`).
fn resource_of_path(path: &str) -> &str {
    let version = |s: &str| {
        let v = s.strip_prefix(['v', 'V']).unwrap_or("");
        (!v.is_empty() && v.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
            || (s.len() >= 4 && s.bytes().all(|b| b.is_ascii_digit() || b == b'-'))
            || s == "api"
    };
    path.split('/')
        .filter(|s| !s.is_empty() && !s.starts_with('{') && !version(s))
        .map(|s| s.split('.').next().unwrap_or(s))
        .find(|s| !s.is_empty())
        .unwrap_or("root")
}

fn bool_of(n: &Node) -> Option<bool> {
    match n.value {
        Value::Bool(b) => Some(b),
        _ => None,
    }
}

fn number(n: &Node) -> Option<serde_json::Number> {
    match &n.value {
        Value::Number(t) => serde_json::from_str(t).ok(),
        _ => None,
    }
}

fn union_members(schema: &Node) -> Vec<&Node> {
    schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(Node::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

/// What a schema becomes when it has a name.
fn classify(schema: &Node) -> Kind {
    if schema.get("$ref").is_some() {
        return Kind::Alias;
    }
    if !enum_values(schema).is_empty() || !integer_values(schema).is_empty() {
        return Kind::Enum;
    }
    if non_string_values(schema).is_some() {
        return Kind::Alias;
    }
    if schema.get("oneOf").is_some() || schema.get("anyOf").is_some() {
        if schema.get("properties").is_none() && schema.get("allOf").is_none() {
            return Kind::Union;
        }
        return Kind::Model;
    }
    if schema.get("properties").is_some() || schema.get("allOf").is_some() {
        return Kind::Model;
    }
    Kind::Alias
}

/// The values of a string enum: `enum` of strings, a string `const`, or a `oneOf`/`anyOf` whose
/// members are all such (the usual way to document each value), with each value's description.
/// Empty when the schema is not a string enum.
fn enum_values(schema: &Node) -> Vec<(&Node, Option<&str>)> {
    let ty = schema.get("type").and_then(Node::as_str);
    if !matches!(ty, None | Some("string")) || schema.get("properties").is_some() {
        return Vec::new();
    }
    // Zalando's `x-extensible-enum` lists the values known today and allows others: what every
    // enum of the IR is (readers keep unknown values).
    if let Some(values) = schema.get("enum").or_else(|| schema.get("x-extensible-enum")).and_then(Node::as_array) {
        let strings = values.iter().all(|v| matches!(v.value, Value::String(_) | Value::Null))
            && values.iter().any(|v| matches!(v.value, Value::String(_)));
        return if strings {
            values.iter().filter(|v| v.as_str().is_some()).map(|v| (v, None)).collect()
        } else {
            Vec::new()
        };
    }
    if let Some(c) = schema.get("const").filter(|c| c.as_str().is_some()) {
        return vec![(c, None)];
    }
    let members = union_members(schema);
    if members.is_empty() || schema.get("discriminator").is_some() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for m in members {
        if m.get("$ref").is_some() {
            return Vec::new();
        }
        let values = enum_values(m);
        if values.is_empty() {
            return Vec::new();
        }
        let doc = m.get("description").or_else(|| m.get("title")).and_then(Node::as_str);
        out.extend(values.into_iter().map(|(v, d)| (v, d.or(doc))));
    }
    out
}

/// The values of an integer enum: `enum` of integers (nulls aside) in a schema of type
/// `integer` or none, an integer `const`, or a `oneOf`/`anyOf` of such `const`s; each with its
/// name (`x-enum-varnames`, `x-enumNames`, or the member's `title`) and description
/// (`x-enum-descriptions`, or the member's `description`). Empty when the schema is not one.
fn integer_values(schema: &Node) -> Vec<(&Node, i64, Option<String>, Option<&str>)> {
    let types = schema_types(schema);
    if !types.iter().all(|t| matches!(*t, "integer" | "null")) || schema.get("properties").is_some() {
        return Vec::new();
    }
    let integer = |v: &Node| match &v.value {
        Value::Number(t) if !t.contains(['.', 'e', 'E']) => t.parse::<i64>().ok(),
        _ => None,
    };
    let strings = |key: &str| -> Vec<Option<&str>> {
        schema.get(key).and_then(Node::as_array).map(|a| a.iter().map(Node::as_str).collect()).unwrap_or_default()
    };
    if let Some(values) = schema.get("enum").and_then(Node::as_array) {
        let values: Vec<&Node> = values.iter().filter(|v| v.value != Value::Null).collect();
        let numbers: Option<Vec<i64>> = values.iter().map(|v| integer(v)).collect();
        let Some(numbers) = numbers.filter(|n| !n.is_empty()) else { return Vec::new() };
        let names = [strings("x-enum-varnames"), strings("x-enumNames")].into_iter().find(|n| n.len() == values.len());
        let docs = strings("x-enum-descriptions");
        return values
            .iter()
            .zip(numbers)
            .enumerate()
            .map(|(i, (v, n))| {
                let name = names.as_ref().and_then(|names| names[i]).filter(|s| !s.trim().is_empty());
                (*v, n, name.map(|s| ir_name(&names::normalize(s))), docs.get(i).copied().flatten())
            })
            .collect();
    }
    if let Some(c) = schema.get("const") {
        return integer(c).map(|n| vec![(c, n, None, None)]).unwrap_or_default();
    }
    let members = union_members(schema);
    if members.is_empty() || schema.get("discriminator").is_some() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for m in members {
        let Some((c, n)) = m.get("const").and_then(|c| Some((c, integer(c)?))) else { return Vec::new() };
        let name = m.get("title").and_then(Node::as_str).filter(|s| !s.trim().is_empty());
        out.push((c, n, name.map(|s| ir_name(&names::normalize(s))), m.get("description").and_then(Node::as_str)));
    }
    out
}

/// The type of an enum of fractions or booleans (`enum: [0.5, 1.5]`, or a `oneOf` of such
/// `const`s): the IR's enums hold strings and integers, so such an enum is read as its base
/// type.
fn non_string_values(schema: &Node) -> Option<&'static str> {
    if !integer_values(schema).is_empty() {
        return None;
    }
    let kind = |v: &Node| match &v.value {
        Value::Number(t) if t.contains(['.', 'e', 'E']) => Some("double"),
        Value::Number(_) => Some("long"),
        Value::Bool(_) => Some("boolean"),
        _ => None,
    };
    let values: Vec<&Node> = if let Some(values) = schema.get("enum").and_then(Node::as_array) {
        values.iter().filter(|v| v.value != Value::Null).collect()
    } else if let Some(c) = schema.get("const") {
        vec![c]
    } else {
        let members = union_members(schema);
        if members.is_empty() || !members.iter().all(|m| m.get("const").is_some()) {
            return None;
        }
        members.iter().filter_map(|m| m.get("const")).collect()
    };
    let kinds: BTreeSet<&str> = values.iter().map(|v| kind(v)).collect::<Option<_>>()?;
    match kinds.len() {
        1 => kinds.into_iter().next(),
        _ if kinds.iter().all(|k| *k != "boolean") => Some("double"),
        _ => None,
    }
}

/// The types a schema's `type` names: one, several (3.1's `[string, "null"]`), or none.
fn schema_types(schema: &Node) -> Vec<&str> {
    match schema.get("type").map(|n| &n.value) {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Node::as_str).collect(),
        _ => Vec::new(),
    }
}

/// The constraints of a list's elements or a map's values, when there are any (a format is
/// part of the element type already).
fn elements(mut c: Constraints) -> Option<Box<Constraints>> {
    c.format = None;
    (!c.is_empty()).then(|| Box::new(c))
}

/// JSON Schema assertions the IR models no other way. Kept as written so that the diff sees
/// them change; annotations (`title`, `$comment`, `xml`, …) are not among them.
const ASSERTIONS: [&str; 20] = [
    "not",
    "if",
    "then",
    "else",
    "contains",
    "minContains",
    "maxContains",
    "prefixItems",
    "additionalItems",
    "unevaluatedItems",
    "unevaluatedProperties",
    "patternProperties",
    "propertyNames",
    "dependentRequired",
    "dependentSchemas",
    "dependencies",
    "minProperties",
    "maxProperties",
    "contentMediaType",
    "contentSchema",
];

/// The assertions of a schema, by keyword; `contentEncoding` too, which says how the string's
/// bytes are encoded. `with_sizes` is false for a map, whose sizes are its `items` counts.
fn assertions(schema: &Node, with_sizes: bool) -> BTreeMap<String, serde_json::Value> {
    let mut out = BTreeMap::new();
    for key in ASSERTIONS.iter().copied().chain(["contentEncoding"]) {
        if !with_sizes && matches!(key, "minProperties" | "maxProperties") {
            continue;
        }
        if let Some(v) = schema.get(key) {
            out.insert(key.to_string(), v.to_serde());
        }
    }
    out
}

fn string_type(format: Option<&str>) -> &'static str {
    match format {
        Some("date-time") => "date-time-iso8601",
        Some("date") => "date-iso8601",
        Some("uuid") => "uuid",
        Some("decimal") => "decimal",
        _ => "string",
    }
}

fn response_code(key: &str) -> Option<ResponseCode> {
    let key = key.trim();
    if key.eq_ignore_ascii_case("default") {
        return Some(ResponseCode::Default);
    }
    let b = key.as_bytes();
    if b.len() == 3 && (b'1'..=b'5').contains(&b[0]) && b[1..].eq_ignore_ascii_case(b"XX") {
        return Some(ResponseCode::Range(b[0] - b'0'));
    }
    match key.parse::<u16>() {
        Ok(n) if (100..=599).contains(&n) => Some(ResponseCode::Status(n)),
        _ => None,
    }
}

/// The first server's URL, its variables replaced by their defaults, without a trailing `/`.
fn server_url(server: &Node) -> Option<String> {
    let mut url = server.get("url")?.as_str()?.to_string();
    for v in server.get("variables").and_then(Node::as_object).unwrap_or(&[]) {
        if let Some(d) = v.value.get("default").and_then(Node::as_str) {
            url = url.replace(&format!("{{{}}}", v.key), d);
        }
    }
    Some(url.trim_end_matches('/').to_string())
}
