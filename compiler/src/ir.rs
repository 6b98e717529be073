//! The IR: one resolved, immutable model of a whole spec repository.
//!
//! A superset of apibuilder's service.json. Items live in arenas indexed by typed ids, and types
//! refer to items by id, so the IR has no `Rc` graph and no lifetimes. Positions are not stored
//! here but in [`SourceMap`], so that comparing two IRs (the diff) never sees them.
//!
//! **Invariant:** every id in the IR indexes its arena; unresolvable references are kept as
//! [`Type::Unresolved`] (with a diagnostic already reported) instead of being dropped.

use std::collections::{BTreeMap, HashMap};

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

/// A JSON value written in a spec: a default or an example. Front ends store what was written;
/// after validation the compiler normalises each to the JSON value of its resolved type (an
/// apibuilder `"25"` for an integer becomes `25`, an enum default its wire value), so two specs
/// that mean the same value compare equal.
pub type Literal = serde_json::Value;

/// Which front end a service came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceFormat {
    /// apibuilder's hand-written api.json.
    ApiJson,
    /// apibuilder's compiled service.json.
    ServiceJson,
    /// An OpenAPI 3.0, 3.1 or 3.2 document, JSON or YAML.
    OpenApi,
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
    /// The ways a client may authenticate, by name; operations refer to them in `security`.
    pub security_schemes: Vec<SecurityScheme>,
    /// What every operation requires unless it says otherwise (see [`Security`]).
    pub security: Security,
    pub enums: Vec<EnumId>,
    pub models: Vec<ModelId>,
    pub unions: Vec<UnionId>,
    pub interfaces: Vec<InterfaceId>,
    pub resources: Vec<ResourceId>,
    /// OpenAPI `webhooks`: the requests the service sends to its consumers, as the operations of
    /// a resource of kind [`ResourceKind::Webhooks`] that is not among `resources`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhooks: Option<ResourceId>,
    /// OpenAPI's top-level `tags`: the tags the document declares, with their descriptions.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
    pub annotations: Vec<Annotation>,
    pub attributes: Vec<Attribute>,
}

impl Service {
    /// A service with a name, a key and a source, and nothing in it yet.
    pub fn new(name: String, key: String, format: SourceFormat) -> Self {
        Service {
            name,
            key,
            namespace: String::new(),
            organization: None,
            version: None,
            base_url: None,
            description: None,
            info: Info::default(),
            format,
            headers: Vec::new(),
            imports: Vec::new(),
            security_schemes: Vec::new(),
            security: Security::default(),
            enums: Vec::new(),
            models: Vec::new(),
            unions: Vec::new(),
            interfaces: Vec::new(),
            resources: Vec::new(),
            webhooks: None,
            tags: Vec::new(),
            annotations: Vec::new(),
            attributes: Vec::new(),
        }
    }
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
    /// What a service.json records of the imported service (api.json imports name a URI only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
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
            assertions: BTreeMap::new(),
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
            integer: false,
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

/// Whether a field, parameter or header must be on the wire, and what its absence means.
/// Kept apart from nullability: OpenAPI can say "present, and may be `null`".
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    /// Must be present.
    Required,
    /// May be absent; nothing stands in for it.
    Optional,
    /// May be absent; an absent value reads as this default. apibuilder writes this as
    /// `required: true` (its default) with a `default`; OpenAPI as a `default` on the schema.
    Default(Literal),
    /// apibuilder's `required: false` with a `default`: optional, and the default is the value a
    /// receiver assumes. Kept apart so that apibuilder input loses nothing.
    OptionalWithDefault(Literal),
    /// OpenAPI's `required` with a `default`: must be sent (a validator rejects an object
    /// without it, so the default never stands in); the default says what writers put there
    /// when they have nothing else.
    RequiredWithDefault(Literal),
}

impl Presence {
    /// From apibuilder's `required` flag and `default`.
    pub fn from_apibuilder(required: bool, default: Option<Literal>) -> Self {
        match (required, default) {
            (true, None) => Presence::Required,
            (false, None) => Presence::Optional,
            (true, Some(d)) => Presence::Default(d),
            (false, Some(d)) => Presence::OptionalWithDefault(d),
        }
    }

    /// What apibuilder's `required` says: required, or required with a default.
    pub fn is_required(&self) -> bool {
        matches!(self, Presence::Required | Presence::Default(_) | Presence::RequiredWithDefault(_))
    }

    /// Whether a sender must put the value on the wire: required with no default to stand in.
    pub fn must_be_sent(&self) -> bool {
        matches!(self, Presence::Required | Presence::RequiredWithDefault(_))
    }

    pub fn default(&self) -> Option<&Literal> {
        match self {
            Presence::Default(d) | Presence::OptionalWithDefault(d) | Presence::RequiredWithDefault(d) => Some(d),
            Presence::Required | Presence::Optional => None,
        }
    }

    pub fn default_mut(&mut self) -> Option<&mut Literal> {
        match self {
            Presence::Default(d) | Presence::OptionalWithDefault(d) | Presence::RequiredWithDefault(d) => Some(d),
            Presence::Required | Presence::Optional => None,
        }
    }
}

/// An inclusive range of counts: string lengths in characters, list and map sizes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<u64>,
}

impl Counts {
    pub fn is_empty(&self) -> bool {
        self.min.is_none() && self.max.is_none()
    }
}

/// One end of a numeric range. Integers stay exact; `exclusive` is OpenAPI's
/// `exclusiveMinimum`/`exclusiveMaximum` (apibuilder's bounds are always inclusive).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bound {
    pub value: serde_json::Number,
    pub exclusive: bool,
}

impl Bound {
    pub fn inclusive(value: impl Into<serde_json::Number>) -> Self {
        Bound { value: value.into(), exclusive: false }
    }

    pub fn as_f64(&self) -> f64 {
        self.value.as_f64().unwrap_or(f64::NAN)
    }
}

/// A numeric range.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Range {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<Bound>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<Bound>,
}

impl Range {
    pub fn is_empty(&self) -> bool {
        self.min.is_none() && self.max.is_none()
    }
}

/// What a value must satisfy beyond its type, each constraint by the kind of value it applies to.
/// apibuilder's single `minimum`/`maximum` is placed by the resolved type: a length for strings,
/// a size for lists and maps, a value for everything else.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Constraints {
    /// Strings: length in characters.
    #[serde(skip_serializing_if = "Counts::is_empty")]
    pub length: Counts,
    /// Strings: a regular expression (ECMA 262, as OpenAPI says) the value must match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// The `format` of OpenAPI (`email`, `int32`, `uri`, …), as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// Numbers: the value.
    #[serde(skip_serializing_if = "Range::is_empty")]
    pub value: Range,
    /// Numbers: the value must be a multiple of this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub multiple_of: Option<serde_json::Number>,
    /// Lists and maps: the number of elements.
    #[serde(skip_serializing_if = "Counts::is_empty")]
    pub items: Counts,
    /// Lists: no two elements equal.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unique_items: bool,
    /// The JSON Schema assertions the IR does not model otherwise, as written, by keyword
    /// (`contains`, `not`, `if`/`then`/`else`, `dependentRequired`, `prefixItems`, …). Generated
    /// code does not enforce them; the diff compares them, so tightening one is not missed.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub assertions: BTreeMap<String, serde_json::Value>,
    /// Lists and maps: what each element (each value) must satisfy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub elements: Option<Box<Constraints>>,
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }
}

/// A field of a model or an interface.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    pub name: String,
    pub ty: Type,
    pub description: Option<String>,
    pub presence: Presence,
    /// May be `null` on the wire (OpenAPI); apibuilder specs never say so.
    pub nullable: bool,
    pub example: Option<Literal>,
    #[serde(skip_serializing_if = "Constraints::is_empty")]
    pub constraints: Constraints,
    /// OpenAPI's `readOnly` / `writeOnly`.
    pub access: Access,
    pub annotations: Vec<String>,
    pub attributes: Vec<Attribute>,
    pub deprecation: Option<Deprecation>,
}

/// Which direction a field travels in (OpenAPI's `readOnly` and `writeOnly`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    #[default]
    ReadWrite,
    /// Sent by servers only.
    ReadOnly,
    /// Sent by clients only.
    WriteOnly,
}

#[derive(Debug, Clone, Serialize)]
pub struct Model {
    pub service: ServiceId,
    pub name: String,
    pub plural: String,
    pub description: Option<String>,
    pub fields: Vec<Field>,
    /// What the object as a whole must satisfy beyond its fields (OpenAPI's `minProperties`,
    /// `dependentRequired`, `not`, …), as [`Constraints::assertions`] keeps them.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub assertions: BTreeMap<String, serde_json::Value>,
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
    /// An enum of integers (OpenAPI `type: integer` with `enum`): its values travel as JSON
    /// numbers, each `EnumValue::value` being the integer's decimal text. apibuilder's enums are
    /// strings.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub integer: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct EnumValue {
    pub name: String,
    /// The wire value; defaults to `name`. In an integer enum, the integer in decimal (`-1`).
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
    /// OpenAPI `oneOf`/`anyOf` without a discriminator: the member's value as it is; the reader
    /// tries each member in order and takes the first that fits.
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
    pub presence: Presence,
    #[serde(skip_serializing_if = "Constraints::is_empty")]
    pub constraints: Constraints,
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
    /// Whether the service serves these operations or sends them.
    #[serde(skip_serializing_if = "ResourceKind::is_endpoints")]
    pub kind: ResourceKind,
}

/// A tag an OpenAPI document declares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tag {
    pub name: String,
    pub description: Option<String>,
}

/// Who serves a resource's operations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub enum ResourceKind {
    /// Endpoints the service serves: every resource of `Service::resources`.
    #[default]
    Endpoints,
    /// OpenAPI `webhooks`: requests the service sends to its consumers; each operation's path is
    /// the webhook's name.
    Webhooks,
    /// A callback of an operation (OpenAPI `callbacks`): requests the service sends to a URL the
    /// operation's request gives; the resource's type name is the callback's, each operation's
    /// path its runtime expression as written (`{$request.body#/callbackUrl}`).
    Callback(OperationId),
}

impl ResourceKind {
    pub fn is_endpoints(&self) -> bool {
        *self == ResourceKind::Endpoints
    }

    /// Whether the service sends these requests rather than serves them: in them, bodies and
    /// parameters travel towards the API's consumers and responses come back from them.
    pub fn is_outbound(&self) -> bool {
        !self.is_endpoints()
    }
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
    /// apibuilder's form parameters: fields of a form-encoded (or JSON) body.
    Form,
    Header,
    Cookie,
}

impl ParameterLocation {
    pub const ALL: [ParameterLocation; 5] = [
        ParameterLocation::Path,
        ParameterLocation::Query,
        ParameterLocation::Form,
        ParameterLocation::Header,
        ParameterLocation::Cookie,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ParameterLocation::Path => "path",
            ParameterLocation::Query => "query",
            ParameterLocation::Form => "form",
            ParameterLocation::Header => "header",
            ParameterLocation::Cookie => "cookie",
        }
    }

    /// Case-insensitive (service.json spells locations `Query`).
    pub fn parse(s: &str) -> Option<ParameterLocation> {
        ParameterLocation::ALL.into_iter().find(|l| l.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Operation {
    pub resource: ResourceId,
    pub method: Method,
    /// The full path: resource path joined with the operation's path; `/` when both are empty.
    pub path: String,
    /// OpenAPI's `operationId`, when the document gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation_id: Option<String>,
    pub description: Option<String>,
    pub body: Option<Body>,
    /// Path parameters first, in path order, then the declared ones.
    pub parameters: Vec<Parameter>,
    pub responses: Vec<Response>,
    /// `None`: what the service requires; `Some` overrides it (`Some(Security::default())` is public).
    pub security: Option<Security>,
    /// OpenAPI callbacks: resources of kind [`ResourceKind::Callback`], by callback name.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub callbacks: Vec<ResourceId>,
    /// OpenAPI's `tags` of the operation, as written (the first names its resource).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    pub attributes: Vec<Attribute>,
    pub deprecation: Option<Deprecation>,
}

/// The media type apibuilder bodies and responses travel as.
pub const JSON: &str = "application/json";

/// A payload in one media type.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Content {
    /// As written, lower-cased (`application/json`, `multipart/form-data`, `text/*`).
    pub media_type: String,
    pub ty: Type,
    /// May be `null` (OpenAPI); apibuilder payloads never are.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub nullable: bool,
    /// What the payload must satisfy beyond its type, when its schema says so itself (an array
    /// body's `minItems`); a named type's own rules stay with the type.
    #[serde(skip_serializing_if = "Constraints::is_empty")]
    pub constraints: Constraints,
}

impl Content {
    pub fn new(media_type: impl Into<String>, ty: Type) -> Self {
        Content { media_type: media_type.into(), ty, nullable: false, constraints: Constraints::default() }
    }
}

/// The unit type, for payloads that are absent.
pub static UNIT: Type = Type::Primitive(Primitive::Unit);

/// The type of the first payload, preferring JSON; unit when there is none.
pub fn primary(content: &[Content]) -> &Type {
    content.iter().find(|c| c.media_type == JSON).or(content.first()).map_or(&UNIT, |c| &c.ty)
}

/// A request body: one payload per media type, sorted by media type.
#[derive(Debug, Clone, Serialize)]
pub struct Body {
    pub content: Vec<Content>,
    /// Whether a request must carry it (apibuilder bodies always must).
    pub required: bool,
    pub description: Option<String>,
    pub attributes: Vec<Attribute>,
    pub deprecation: Option<Deprecation>,
}

impl Body {
    /// A JSON body of one type, as apibuilder declares every body.
    pub fn json(ty: Type) -> Self {
        Body {
            content: vec![Content::new(JSON, ty)],
            required: true,
            description: None,
            attributes: Vec::new(),
            deprecation: None,
        }
    }

    /// The JSON payload's type, else the first one's.
    pub fn ty(&self) -> &Type {
        primary(&self.content)
    }

    pub fn ty_mut(&mut self) -> Option<&mut Type> {
        let i = self.content.iter().position(|c| c.media_type == JSON).unwrap_or(0);
        self.content.get_mut(i).map(|c| &mut c.ty)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Parameter {
    pub name: String,
    pub ty: Type,
    pub location: ParameterLocation,
    pub description: Option<String>,
    pub presence: Presence,
    #[serde(skip_serializing_if = "Constraints::is_empty")]
    pub constraints: Constraints,
    pub example: Option<Literal>,
    pub attributes: Vec<Attribute>,
    pub deprecation: Option<Deprecation>,
    /// True when the parameter was not declared but inferred from a `:name` path segment.
    pub inferred: bool,
    /// How the value is written (OpenAPI's `style`, `explode`, `allowReserved`); `None`: the
    /// location's default, which is all apibuilder has (see [`Encoding::default_for`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<Encoding>,
}

impl Parameter {
    /// How the value is written: as declared, or the location's default.
    pub fn encoding(&self) -> Encoding {
        self.encoding.unwrap_or_else(|| Encoding::default_for(self.location))
    }
}

/// OpenAPI's serialization of a parameter: `style`, `explode`, `allowReserved`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Encoding {
    pub style: Style,
    pub explode: bool,
    pub allow_reserved: bool,
}

impl Encoding {
    /// OpenAPI's defaults: `form`, exploded, in a query or cookie (and apibuilder's form
    /// parameters); `simple`, not exploded, in a path or header.
    pub fn default_for(location: ParameterLocation) -> Encoding {
        let style = match location {
            ParameterLocation::Query | ParameterLocation::Cookie | ParameterLocation::Form => Style::Form,
            ParameterLocation::Path | ParameterLocation::Header => Style::Simple,
        };
        Encoding { style, explode: style == Style::Form, allow_reserved: false }
    }

    /// Whether two encodings write a value of this type differently. A scalar reads the same
    /// in every style but `label` and `matrix` (`.5`, `;id=5`), and `explode` only changes lists
    /// and objects; `allowReserved` changes what a client may leave unescaped.
    pub fn differs_for(&self, other: &Encoding, ty: &Type) -> bool {
        let structured = !matches!(ty, Type::Primitive(p) if !matches!(p, Primitive::Object | Primitive::Json))
            && !matches!(ty, Type::Enum(_));
        let shown = |e: &Encoding| {
            let style =
                if structured || matches!(e.style, Style::Label | Style::Matrix) { Some(e.style) } else { None };
            (style, structured && e.explode)
        };
        shown(self) != shown(other) || self.allow_reserved != other.allow_reserved
    }
}

/// A parameter's `style`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Style {
    Form,
    Simple,
    Label,
    Matrix,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
    /// OpenAPI 3.2's `cookie` style.
    Cookie,
}

impl Style {
    pub fn parse(text: &str) -> Option<Style> {
        Some(match text {
            "form" => Style::Form,
            "simple" => Style::Simple,
            "label" => Style::Label,
            "matrix" => Style::Matrix,
            "spaceDelimited" => Style::SpaceDelimited,
            "pipeDelimited" => Style::PipeDelimited,
            "deepObject" => Style::DeepObject,
            "cookie" => Style::Cookie,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Style::Form => "form",
            Style::Simple => "simple",
            Style::Label => "label",
            Style::Matrix => "matrix",
            Style::SpaceDelimited => "spaceDelimited",
            Style::PipeDelimited => "pipeDelimited",
            Style::DeepObject => "deepObject",
            Style::Cookie => "cookie",
        }
    }

    /// The styles OpenAPI allows in each location.
    pub fn allowed_in(self, location: ParameterLocation) -> bool {
        match location {
            ParameterLocation::Path => matches!(self, Style::Simple | Style::Label | Style::Matrix),
            ParameterLocation::Query => {
                matches!(self, Style::Form | Style::SpaceDelimited | Style::PipeDelimited | Style::DeepObject)
            }
            ParameterLocation::Header => self == Style::Simple,
            ParameterLocation::Cookie => matches!(self, Style::Form | Style::Cookie),
            ParameterLocation::Form => self == Style::Form,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseCode {
    Status(u16),
    /// A class of status codes, by its first digit: `Range(2)` is OpenAPI's `2XX`.
    Range(u8),
    /// Any status not declared otherwise.
    Default,
}

impl ResponseCode {
    /// Whether a status code falls under this one.
    pub fn covers(self, status: u16) -> bool {
        match self {
            ResponseCode::Status(s) => s == status,
            ResponseCode::Range(class) => status / 100 == u16::from(class),
            ResponseCode::Default => true,
        }
    }

    /// 2xx, or `2XX`.
    pub fn is_success(self) -> bool {
        match self {
            ResponseCode::Status(s) => (200..300).contains(&s),
            ResponseCode::Range(class) => class == 2,
            ResponseCode::Default => false,
        }
    }
}

impl std::fmt::Display for ResponseCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ResponseCode::Status(s) => write!(f, "{s}"),
            ResponseCode::Range(class) => write!(f, "{class}XX"),
            ResponseCode::Default => f.write_str("default"),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Response {
    pub code: ResponseCode,
    /// One payload per media type, sorted by media type; empty when the response has no body
    /// (apibuilder's `unit`).
    pub content: Vec<Content>,
    pub headers: Vec<Header>,
    pub description: Option<String>,
    pub attributes: Vec<Attribute>,
    pub deprecation: Option<Deprecation>,
}

impl Response {
    /// The JSON payload's type, else the first one's; unit when the response has no body.
    pub fn ty(&self) -> &Type {
        primary(&self.content)
    }
}

/// A way for a client to prove who it is (OpenAPI's security schemes).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SecurityScheme {
    /// The name requirements refer to it by.
    pub name: String,
    pub kind: SecuritySchemeKind,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SecuritySchemeKind {
    /// `Authorization: <scheme> …`: `bearer` (with the token's format, e.g. `JWT`), `basic`, or
    /// another registered HTTP scheme, lower-cased.
    Http {
        scheme: String,
        bearer_format: Option<String>,
    },
    /// A key in a header, a query parameter or a cookie of this name.
    ApiKey {
        name: String,
        location: ApiKeyLocation,
    },
    OAuth2 {
        flows: Vec<OAuthFlow>,
    },
    OpenIdConnect {
        url: String,
    },
    MutualTls,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ApiKeyLocation {
    Header,
    Query,
    Cookie,
}

impl ApiKeyLocation {
    pub fn as_str(self) -> &'static str {
        match self {
            ApiKeyLocation::Header => "header",
            ApiKeyLocation::Query => "query",
            ApiKeyLocation::Cookie => "cookie",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OAuthFlow {
    pub kind: OAuthFlowKind,
    pub authorization_url: Option<String>,
    pub token_url: Option<String>,
    pub refresh_url: Option<String>,
    /// Scope names and what each grants.
    pub scopes: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OAuthFlowKind {
    Implicit,
    Password,
    ClientCredentials,
    AuthorizationCode,
    DeviceAuthorization,
}

/// What an operation requires, as OpenAPI says it: any one of the alternatives (OR), each of
/// which names schemes that must all be satisfied (AND). No alternatives: no authentication.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Security {
    pub alternatives: Vec<SecurityRequirement>,
}

impl Security {
    pub fn is_public(&self) -> bool {
        self.alternatives.is_empty() || self.alternatives.iter().any(|a| a.schemes.is_empty())
    }
}

/// Schemes that must all be satisfied, each with the scopes (or roles) it must grant.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SecurityRequirement {
    pub schemes: Vec<SchemeRequirement>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SchemeRequirement {
    /// A name in the service's `security_schemes`.
    pub scheme: String,
    pub scopes: Vec<String>,
}

impl Operation {
    /// What this operation requires: its own requirement, else the service's.
    pub fn effective_security<'a>(&'a self, service: &'a Service) -> &'a Security {
        self.security.as_ref().unwrap_or(&service.security)
    }
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
    /// One of the tags a document declares.
    Tag(ServiceId, usize),
    /// One of a service's security schemes.
    SecurityScheme(ServiceId, usize),
    /// One of the tags of an operation.
    OperationTag(OperationId, usize),
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
