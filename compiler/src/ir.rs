//! The IR: one resolved, immutable model of a whole spec repository.
//!
//! A superset of apibuilder's service.json. Items live in arenas indexed by typed ids, and types
//! refer to items by id, so the IR has no `Rc` graph and no lifetimes. Positions are not stored
//! here but in [`SourceMap`], so that comparing two IRs (the diff) never sees them.
//!
//! **Invariant:** every id in the IR indexes its arena; unresolvable references are kept as
//! [`Type::Unresolved`] (with a diagnostic already reported) instead of being dropped.

use std::collections::HashMap;

use serde::Serialize;

use crate::source::Loc;

macro_rules! ids {
    ($($name:ident),*) => {$(
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        pub struct $name(pub u32);
        impl $name {
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    )*};
}

ids!(ServiceId, ModelId, EnumId, UnionId, InterfaceId, ResourceId, OperationId);

/// The whole repository.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Ir {
    pub services: Vec<Service>,
    pub models: Vec<Model>,
    pub enums: Vec<Enum>,
    pub unions: Vec<Union>,
    pub interfaces: Vec<Interface>,
    pub resources: Vec<Resource>,
    pub operations: Vec<Operation>,
}

impl Ir {
    pub fn service(&self, id: ServiceId) -> &Service {
        &self.services[id.index()]
    }
    pub fn model(&self, id: ModelId) -> &Model {
        &self.models[id.index()]
    }
    pub fn enum_(&self, id: EnumId) -> &Enum {
        &self.enums[id.index()]
    }
    pub fn union(&self, id: UnionId) -> &Union {
        &self.unions[id.index()]
    }
    pub fn interface(&self, id: InterfaceId) -> &Interface {
        &self.interfaces[id.index()]
    }
    pub fn resource(&self, id: ResourceId) -> &Resource {
        &self.resources[id.index()]
    }
    pub fn operation(&self, id: OperationId) -> &Operation {
        &self.operations[id.index()]
    }

    pub fn service_ids(&self) -> impl Iterator<Item = ServiceId> {
        (0..self.services.len() as u32).map(ServiceId)
    }

    /// The service with this key (`apibuilder-common`), if the repository has one.
    pub fn service_by_key(&self, key: &str) -> Option<ServiceId> {
        self.services.iter().position(|s| s.key == key).map(|i| ServiceId(i as u32))
    }

    /// A type as a spec author writes it: local names short, imported names qualified.
    pub fn type_name(&self, ty: &Type, from: ServiceId) -> String {
        let named = |service: ServiceId, kind: &str, name: &str| {
            if service == from {
                name.to_string()
            } else {
                format!("{}.{kind}.{name}", self.service(service).namespace)
            }
        };
        match ty {
            Type::Primitive(p) => p.as_str().to_string(),
            Type::List(inner) => format!("[{}]", self.type_name(inner, from)),
            Type::Map(inner) => format!("map[{}]", self.type_name(inner, from)),
            Type::Enum(id) => named(self.enum_(*id).service, "enums", &self.enum_(*id).name),
            Type::Model(id) => named(self.model(*id).service, "models", &self.model(*id).name),
            Type::Union(id) => named(self.union(*id).service, "unions", &self.union(*id).name),
            Type::Interface(id) => named(self.interface(*id).service, "interfaces", &self.interface(*id).name),
            Type::Unresolved(text) => text.clone(),
        }
    }
}

/// Which front end a service came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceFormat {
    /// apibuilder's hand-written api.json.
    ApiJson,
    /// apibuilder's compiled service.json.
    ServiceJson,
    /// Known only from a service.json import summary: type names without definitions, used when
    /// the imported service is not in the repository. Its types are opaque and never validated.
    ImportSummary,
}

#[derive(Debug, Clone, Serialize)]
pub struct Service {
    pub name: String,
    /// The URL key, derived from the name as apibuilder does (`apibuilder common` → `apibuilder-common`).
    pub key: String,
    pub namespace: String,
    pub organization: Option<String>,
    pub version: Option<String>,
    pub base_url: Option<String>,
    pub description: Option<String>,
    pub info: Info,
    pub format: SourceFormat,
    pub headers: Vec<Header>,
    pub imports: Vec<Import>,
    pub enums: Vec<EnumId>,
    pub models: Vec<ModelId>,
    pub unions: Vec<UnionId>,
    pub interfaces: Vec<InterfaceId>,
    pub resources: Vec<ResourceId>,
    pub annotations: Vec<Annotation>,
    pub attributes: Vec<Attribute>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Info {
    pub contact_name: Option<String>,
    pub contact_url: Option<String>,
    pub contact_email: Option<String>,
    pub license_name: Option<String>,
    pub license_url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Import {
    pub uri: String,
    /// The imported service, when the import resolved.
    pub service: Option<ServiceId>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Annotation {
    pub name: String,
    pub description: Option<String>,
    pub deprecation: Option<Deprecation>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attribute {
    pub name: String,
    pub value: serde_json::Value,
    pub description: Option<String>,
    pub deprecation: Option<Deprecation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deprecation {
    pub description: Option<String>,
}

/// The twelve primitive types of apibuilder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Primitive {
    Boolean,
    DateIso8601,
    DateTimeIso8601,
    Decimal,
    Double,
    Integer,
    Long,
    Json,
    Object,
    String,
    Unit,
    Uuid,
}

impl Primitive {
    pub const ALL: [Primitive; 12] = [
        Primitive::Boolean,
        Primitive::DateIso8601,
        Primitive::DateTimeIso8601,
        Primitive::Decimal,
        Primitive::Double,
        Primitive::Integer,
        Primitive::Long,
        Primitive::Json,
        Primitive::Object,
        Primitive::String,
        Primitive::Unit,
        Primitive::Uuid,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Primitive::Boolean => "boolean",
            Primitive::DateIso8601 => "date-iso8601",
            Primitive::DateTimeIso8601 => "date-time-iso8601",
            Primitive::Decimal => "decimal",
            Primitive::Double => "double",
            Primitive::Integer => "integer",
            Primitive::Long => "long",
            Primitive::Json => "json",
            Primitive::Object => "object",
            Primitive::String => "string",
            Primitive::Unit => "unit",
            Primitive::Uuid => "uuid",
        }
    }

    /// Primitive names are case-insensitive on input, as in apibuilder.
    pub fn parse(name: &str) -> Option<Primitive> {
        Primitive::ALL.into_iter().find(|p| p.as_str().eq_ignore_ascii_case(name))
    }

    /// apibuilder's `Primitives.ValidInPath`: everything that fits in a URL segment.
    pub fn valid_in_path(self) -> bool {
        !matches!(self, Primitive::Unit | Primitive::Object | Primitive::Json)
    }

    pub fn is_numeric(self) -> bool {
        matches!(self, Primitive::Decimal | Primitive::Double | Primitive::Integer | Primitive::Long)
    }
}

impl Model {
    /// A model with a name and nothing else: a placeholder, or a name from an import summary.
    pub fn named(service: ServiceId, name: &str, plural: String) -> Self {
        Model {
            service,
            name: name.to_string(),
            plural,
            description: None,
            fields: Vec::new(),
            interfaces: Vec::new(),
            attributes: Vec::new(),
            deprecation: None,
        }
    }
}

impl Interface {
    /// An interface with a name and nothing else.
    pub fn named(service: ServiceId, name: &str, plural: String) -> Self {
        Interface {
            service,
            name: name.to_string(),
            plural,
            description: None,
            fields: Vec::new(),
            attributes: Vec::new(),
            deprecation: None,
        }
    }
}

impl Union {
    /// A union with a name and nothing else.
    pub fn named(service: ServiceId, name: &str, plural: String) -> Self {
        Union {
            service,
            name: name.to_string(),
            plural,
            encoding: UnionEncoding::Wrapped,
            description: None,
            members: Vec::new(),
            interfaces: Vec::new(),
            attributes: Vec::new(),
            deprecation: None,
        }
    }
}

impl Enum {
    /// An enum with a name and nothing else.
    pub fn named(service: ServiceId, name: &str, plural: String) -> Self {
        Enum {
            service,
            name: name.to_string(),
            plural,
            description: None,
            values: Vec::new(),
            attributes: Vec::new(),
            deprecation: None,
        }
    }
}

/// A resolved type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Type {
    Primitive(Primitive),
    List(Box<Type>),
    Map(Box<Type>),
    Enum(EnumId),
    Model(ModelId),
    Union(UnionId),
    Interface(InterfaceId),
    /// A reference that did not resolve; a diagnostic was reported for it.
    Unresolved(String),
}

impl Type {
    /// The innermost element type of lists and maps.
    pub fn innermost(&self) -> &Type {
        match self {
            Type::List(inner) | Type::Map(inner) => inner.innermost(),
            other => other,
        }
    }

    pub fn is_unit(&self) -> bool {
        matches!(self, Type::Primitive(Primitive::Unit))
    }
}

/// A field of a model or an interface.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    pub name: String,
    pub ty: Type,
    pub description: Option<String>,
    /// Must be present on the wire. Kept apart from `nullable`: OpenAPI can say "present, may be null".
    pub required: bool,
    /// May be `null` on the wire (OpenAPI); apibuilder specs never say so.
    pub nullable: bool,
    /// The default as apibuilder stores it: the JSON text of the value, strings unquoted.
    pub default: Option<String>,
    pub example: Option<String>,
    /// Length for strings, element count for collections, value for numbers.
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
    /// Constraints an OpenAPI schema can carry.
    pub pattern: Option<String>,
    pub format: Option<String>,
    pub annotations: Vec<String>,
    pub attributes: Vec<Attribute>,
    pub deprecation: Option<Deprecation>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Model {
    pub service: ServiceId,
    pub name: String,
    pub plural: String,
    pub description: Option<String>,
    pub fields: Vec<Field>,
    pub interfaces: Vec<InterfaceId>,
    pub attributes: Vec<Attribute>,
    pub deprecation: Option<Deprecation>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Interface {
    pub service: ServiceId,
    pub name: String,
    pub plural: String,
    pub description: Option<String>,
    pub fields: Vec<Field>,
    pub attributes: Vec<Attribute>,
    pub deprecation: Option<Deprecation>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Enum {
    pub service: ServiceId,
    pub name: String,
    pub plural: String,
    pub description: Option<String>,
    pub values: Vec<EnumValue>,
    pub attributes: Vec<Attribute>,
    pub deprecation: Option<Deprecation>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EnumValue {
    pub name: String,
    /// The wire value; defaults to `name`.
    pub value: String,
    pub description: Option<String>,
    pub attributes: Vec<Attribute>,
    pub deprecation: Option<Deprecation>,
}

/// How a union's members are told apart on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnionEncoding {
    /// The member's object with a `"<discriminator>": "<value>"` field added.
    Discriminated(String),
    /// apibuilder's default: `{"<type name>": <value>}`.
    Wrapped,
    /// OpenAPI `oneOf`/`anyOf` without a discriminator: the reader tries each member.
    Untagged,
}

#[derive(Debug, Clone, Serialize)]
pub struct Union {
    pub service: ServiceId,
    pub name: String,
    pub plural: String,
    pub encoding: UnionEncoding,
    pub description: Option<String>,
    pub members: Vec<UnionMember>,
    pub interfaces: Vec<InterfaceId>,
    pub attributes: Vec<Attribute>,
    pub deprecation: Option<Deprecation>,
}

impl Union {
    pub fn discriminator(&self) -> Option<&str> {
        match &self.encoding {
            UnionEncoding::Discriminated(d) => Some(d),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct UnionMember {
    pub ty: Type,
    /// The type name as written, used as the wire tag when no discriminator value is given.
    pub type_name: String,
    /// Filled in with the type name when the spec gives none, as apibuilder does.
    pub discriminator_value: String,
    pub default: bool,
    pub description: Option<String>,
    pub attributes: Vec<Attribute>,
    pub deprecation: Option<Deprecation>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Header {
    pub name: String,
    pub ty: Type,
    pub required: bool,
    pub default: Option<String>,
    pub description: Option<String>,
    pub attributes: Vec<Attribute>,
    pub deprecation: Option<Deprecation>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Resource {
    pub service: ServiceId,
    pub ty: Type,
    /// The type name as written in the spec (the `resources` key).
    pub type_name: String,
    pub plural: String,
    /// The resource path: as written, or `/` + plural.
    pub path: Option<String>,
    pub description: Option<String>,
    pub operations: Vec<OperationId>,
    pub attributes: Vec<Attribute>,
    pub deprecation: Option<Deprecation>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
    Head,
    Connect,
    Options,
    Trace,
}

impl Method {
    pub const ALL: [Method; 9] = [
        Method::Get,
        Method::Post,
        Method::Put,
        Method::Patch,
        Method::Delete,
        Method::Head,
        Method::Connect,
        Method::Options,
        Method::Trace,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Head => "HEAD",
            Method::Connect => "CONNECT",
            Method::Options => "OPTIONS",
            Method::Trace => "TRACE",
        }
    }

    /// Input is upper-cased before matching, as in apibuilder.
    pub fn parse(s: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParameterLocation {
    Path,
    Query,
    Form,
    Header,
}

impl ParameterLocation {
    pub fn as_str(self) -> &'static str {
        match self {
            ParameterLocation::Path => "path",
            ParameterLocation::Query => "query",
            ParameterLocation::Form => "form",
            ParameterLocation::Header => "header",
        }
    }

    pub fn parse(s: &str) -> Option<ParameterLocation> {
        [ParameterLocation::Path, ParameterLocation::Query, ParameterLocation::Form, ParameterLocation::Header]
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Operation {
    pub resource: ResourceId,
    pub method: Method,
    /// The full path: resource path joined with the operation's path; `/` when both are empty.
    pub path: String,
    pub description: Option<String>,
    pub body: Option<Body>,
    /// Path parameters first, in path order, then the declared ones.
    pub parameters: Vec<Parameter>,
    pub responses: Vec<Response>,
    pub attributes: Vec<Attribute>,
    pub deprecation: Option<Deprecation>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Body {
    pub ty: Type,
    /// `None` means JSON; OpenAPI documents may name other media types.
    pub media_type: Option<String>,
    pub description: Option<String>,
    pub attributes: Vec<Attribute>,
    pub deprecation: Option<Deprecation>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Parameter {
    pub name: String,
    pub ty: Type,
    pub location: ParameterLocation,
    pub description: Option<String>,
    pub required: bool,
    pub default: Option<String>,
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
    pub example: Option<String>,
    pub attributes: Vec<Attribute>,
    pub deprecation: Option<Deprecation>,
    /// True when the parameter was not declared but inferred from a `:name` path segment.
    pub inferred: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseCode {
    Status(u16),
    Default,
}

#[derive(Debug, Clone, Serialize)]
pub struct Response {
    pub code: ResponseCode,
    pub ty: Type,
    pub headers: Vec<Header>,
    pub description: Option<String>,
    pub attributes: Vec<Attribute>,
    pub deprecation: Option<Deprecation>,
}

/// An IR element that has a place in a source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Site {
    Service(ServiceId),
    /// The `name` value of a service.
    ServiceName(ServiceId),
    Import(ServiceId, usize),
    Header(ServiceId, usize),
    Model(ModelId),
    Field(ModelId, usize),
    FieldType(ModelId, usize),
    Interface(InterfaceId),
    InterfaceField(InterfaceId, usize),
    InterfaceFieldType(InterfaceId, usize),
    /// One entry of a model's `interfaces` list.
    ModelInterface(ModelId, usize),
    UnionInterface(UnionId, usize),
    Enum(EnumId),
    EnumValue(EnumId, usize),
    Union(UnionId),
    UnionDiscriminator(UnionId),
    UnionMember(UnionId, usize),
    Resource(ResourceId),
    Operation(OperationId),
    OperationMethod(OperationId),
    OperationPath(OperationId),
    Body(OperationId),
    Parameter(OperationId, usize),
    ParameterType(OperationId, usize),
    Response(OperationId, usize),
    ResponseType(OperationId, usize),
    ResponseHeader(OperationId, usize, usize),
    Annotation(ServiceId, usize),
}

/// Where each IR element was written. Kept beside the IR so that IR values compare without spans.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    locs: HashMap<Site, Loc>,
}

impl SourceMap {
    pub fn insert(&mut self, node: Site, loc: Loc) {
        self.locs.insert(node, loc);
    }

    pub fn get(&self, node: Site) -> Option<Loc> {
        self.locs.get(&node).copied()
    }
}
