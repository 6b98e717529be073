//! The one plain data type for findings, and the registry of every diagnostic code.
//!
//! Rendering (colors, carets, JSON, GitHub annotations) happens only in the binary; the compiler
//! builds [`Diagnostic`] values and nothing else.

use crate::source::{FileId, Loc, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    /// Information that needs no action, such as a compatible change in a diff.
    Note,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// A span with a short message shown under the source line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub loc: Loc,
    pub message: String,
}

/// What a finding is: a compiler code (`E0024`), or the id of a lint or breaking-change rule
/// (`FIELD_NAME_SNAKE_CASE`, `FIELD_REMOVED`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DiagnosticId {
    Code(Code),
    Rule(&'static str),
}

impl DiagnosticId {
    pub fn as_str(self) -> &'static str {
        match self {
            DiagnosticId::Code(c) => c.as_str(),
            DiagnosticId::Rule(r) => r,
        }
    }

    /// The compiler code, when this is one.
    pub fn compiler_code(self) -> Option<Code> {
        match self {
            DiagnosticId::Code(c) => Some(c),
            DiagnosticId::Rule(_) => None,
        }
    }
}

impl From<Code> for DiagnosticId {
    fn from(code: Code) -> Self {
        DiagnosticId::Code(code)
    }
}

impl PartialEq<Code> for DiagnosticId {
    fn eq(&self, other: &Code) -> bool {
        *self == DiagnosticId::Code(*other)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: DiagnosticId,
    pub severity: Severity,
    pub message: String,
    /// Where the fault is. Every diagnostic the compiler makes has one.
    pub primary: Label,
    pub secondary: Vec<Label>,
    pub notes: Vec<String>,
    pub help: Option<String>,
    /// Why this finding is suppressed (a `linter` ignore attribute, an apigen.toml exception),
    /// when it is. Suppressed findings are reported in JSON but neither shown nor counted.
    pub suppressed: Option<String>,
}

impl Diagnostic {
    pub fn new(code: Code, file: FileId, span: Span, message: impl Into<String>, label: impl Into<String>) -> Self {
        Self::with_id(code.into(), code.default_severity(), Loc { file, span }, message, label)
    }

    /// A finding of a lint or breaking-change rule (or any id) with its severity.
    pub fn with_id(
        code: DiagnosticId,
        severity: Severity,
        loc: Loc,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Self {
        let Loc { file, span } = loc;
        Diagnostic {
            code,
            severity,
            message: message.into(),
            primary: Label { loc: Loc { file, span }, message: label.into() },
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
            suppressed: None,
        }
    }

    pub fn at(code: Code, loc: Loc, message: impl Into<String>, label: impl Into<String>) -> Self {
        Self::new(code, loc.file, loc.span, message, label)
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn with_secondary(mut self, loc: Loc, message: impl Into<String>) -> Self {
        self.secondary.push(Label { loc, message: message.into() });
        self
    }

    /// An error that is not suppressed: what makes a command exit 1.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error && self.suppressed.is_none()
    }
}

/// Sorts by (file, offset, code) and drops exact repeats, so output is stable and each root
/// cause is said once.
pub fn sort_and_dedup(diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| {
        (a.primary.loc.file, a.primary.loc.span.start, a.code, &a.message).cmp(&(
            b.primary.loc.file,
            b.primary.loc.span.start,
            b.code,
            &b.message,
        ))
    });
    diags.dedup_by(|a, b| a.code == b.code && a.primary.loc == b.primary.loc && a.message == b.message);
}

macro_rules! codes {
    ($( $(#[doc = $doc:literal])* $code:ident $severity:ident $summary:literal; )*) => {
        /// Every diagnostic code apigen's compiler can emit. A code is never reused for another
        /// meaning; a retired code keeps its entry.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($code,)* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$code,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$code => stringify!($code),)* }
            }

            /// One line: what the code means.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$code => $summary,)* }
            }

            /// The long explanation printed by `apigen explain`.
            pub fn explanation(self) -> &'static str {
                match self { $(Code::$code => concat!($($doc, "\n",)*),)* }
            }

            pub fn default_severity(self) -> Severity {
                match self { $(Code::$code => Severity::$severity,)* }
            }

            pub fn parse(s: &str) -> Option<Code> {
                let s = s.trim().to_ascii_uppercase();
                Code::ALL.iter().copied().find(|c| c.as_str() == s)
            }
        }
    };
}

codes! {
    /// The file is not valid JSON. apigen reads strict JSON (RFC 8259): no comments, no trailing
    /// commas, keys in double quotes. The label points at the first character that cannot be read.
    E0001 Error "invalid JSON syntax";
    /// The file is empty or holds only white space. A spec file must hold one JSON object.
    E0002 Error "empty file";
    /// The file is not UTF-8 text. Spec files must be UTF-8 (RFC 8259 §8.1). Files saved as UTF-16
    /// (they start with a byte-order mark `FF FE` or `FE FF`) or in a legacy code page are
    /// rejected with the offset of the first bad byte. Re-save the file as UTF-8.
    E0003 Error "file is not valid UTF-8";
    /// Arrays and objects (YAML sequences and mappings) are nested deeper than 128 levels. No real
    /// spec comes close; such files are refused so that no input can exhaust the stack.
    E0004 Error "JSON nested too deeply";
    /// The file is larger than 64 MiB. The largest real spec known (Flow's merged API) is 3.4 MB.
    E0005 Error "file too large";
    /// A spec must be a JSON object (`{ "name": ... }`), or a YAML mapping that is an OpenAPI
    /// document; the file holds another kind of value, or YAML that is not OpenAPI (apibuilder
    /// specs are JSON).
    E0006 Error "spec is not a JSON object";
    /// The same key appears twice in one JSON object (or YAML mapping). Parsers disagree on which
    /// one wins, so apibuilder and apigen reject it. The label is on the second occurrence.
    E0007 Error "duplicate key in JSON object";
    /// A key that the spec format does not define. apibuilder is strict about unknown keys at every
    /// level, which catches typos such as `"requried": false`. The help lists the keys allowed there.
    /// Custom data belongs in `attributes`.
    E0008 Error "unrecognized element";
    /// A required element is missing, such as a field's `type` or an import's `uri`.
    E0009 Error "missing required element";
    /// A value has the wrong JSON type, for example a number where a string is expected.
    /// Booleans may also be written as the strings `"true"`/`"false"` and numbers as numeric strings,
    /// as apibuilder accepts.
    E0010 Error "value has the wrong JSON type";
    /// A string that must not be empty is empty (or only white space), e.g. a `type` or `method`.
    E0011 Error "empty string";
    /// A `minimum` or `maximum` is not a whole number, or lies outside the 64-bit range.
    E0012 Error "number out of range";
    /// A name uses characters other than a-z, A-Z, 0-9, `-`, `_` and `.`, or does not start with a
    /// letter. These are apibuilder's rules (`Text.validateName`); `_` followed by more characters is
    /// also accepted at the start, as apibuilder does.
    E0013 Error "invalid name";
    /// A field declares `enum` or `values`. Enumerations are first-class objects: declare the enum in
    /// the `enums` section (or inline as `"type": {"enum": "name", "values": [...]}`) and use its name.
    E0014 Error "inline enum values on a field";
    /// An attribute lacks a `name`, or its `value` is not a JSON object.
    E0015 Error "invalid attribute";
    /// An inline type (`"type": {...}`) must name the new type with exactly one of the keys `enum`,
    /// `interface`, `model` or `union`.
    E0016 Error "invalid inline type";
    /// A union member with `fields` creates a model of that name; that is not possible when the
    /// member's type is a list, a map or a primitive.
    E0017 Error "union member fields on a non-model type";
    /// The spec's `key` is not a valid URL key: lower case, alphanumerics with `-` or `_`, at least
    /// three characters. The help shows the key apibuilder would derive.
    E0018 Error "invalid url key";
    /// `base_url` must not end with a `/`; operation paths start with one.
    E0019 Error "base_url ends with a slash";
    /// An import URI must start with `http://`, `https://` or `file://` (or be a relative path) and
    /// must not end with `/`.
    E0020 Error "invalid import uri";
    /// An import does not resolve to a spec in this repository. apigen never fetches anything over
    /// the network: `…/<org>/<app>/<version>/service.json` resolves to the spec whose key is `<app>`,
    /// a relative path or `file://` URI to that file, and `[imports]` in `apigen.toml` can map any
    /// other URI to a file.
    E0021 Error "import not found";
    /// Specs import each other in a cycle. apibuilder cannot build a cycle of services (each import
    /// needs the other's published version), so apigen rejects it and names the whole cycle.
    E0022 Error "cyclic import";
    /// Two spec files in one repository have the same key (derived from `name`), so imports of that
    /// key would be ambiguous.
    E0023 Error "duplicate spec key";
    /// A type name does not resolve. Names resolve to a primitive, then an enum, model, union or
    /// interface of this spec; types of imported specs are referenced by their qualified name
    /// `<namespace>.<enums|models|unions|interfaces>.<name>`.
    E0024 Error "type not found";
    /// A name is declared twice where names must be unique: type names across enums, models,
    /// unions and interfaces; fields of a model; values of an enum (names and wire values);
    /// headers; parameters of an operation; members of a union; annotations; resource plurals.
    /// Names are compared as apibuilder does: `someUser` and `some_user` are the same name.
    E0025 Error "duplicate name";
    /// A `default` is not a valid value of its type (e.g. `"abc"` for an `integer`, or a value that
    /// is not one of the enum's values).
    E0026 Error "invalid default value";
    /// Models, unions and interfaces cannot have default values: apibuilder has no way to write
    /// one, and a generated client could not apply it.
    E0027 Error "default not allowed for this type";
    /// `minimum` is greater than `maximum`, so no value (or length, or element count) satisfies
    /// both bounds.
    E0028 Error "minimum greater than maximum";
    /// A numeric `default` lies outside `minimum`..`maximum`, so the default itself would fail
    /// validation.
    E0029 Error "default outside minimum/maximum";
    /// A field names an annotation that is declared neither in this spec's `annotations` nor in an
    /// imported spec.
    E0030 Error "annotation not defined";
    /// A model or union lists an interface that does not exist. Interfaces of imported specs are
    /// named by their qualified name (`<namespace>.interfaces.<name>`).
    E0031 Error "interface not found";
    /// A model that implements an interface must declare each of the interface's fields with the
    /// same type and the same `required`.
    E0032 Error "model does not match its interface";
    /// Interfaces are abstract: they cannot be the type of a field, parameter, body or response.
    /// Use a model, or a union whose members implement the interface.
    E0033 Error "interface used as a type";
    /// An enum must have at least one value; an empty enum accepts nothing on the wire.
    E0034 Error "enum has no values";
    /// A union must have at least one member type (`"types": [{"type": "..."}]`).
    E0035 Error "union has no types";
    /// `unit` cannot be a union member. To make a value optional, use `required: false`.
    E0036 Error "unit in a union";
    /// A union member must be a type of this spec: an imported type cannot be declared to extend a
    /// union defined here.
    E0037 Error "imported type in a union";
    /// Only one member of a union may be marked `default: true`: the default is the one member
    /// used when the discriminator field is missing.
    E0038 Error "several default union members";
    /// A default member is used when the discriminator field is missing, so it needs a union with
    /// a `discriminator`.
    E0039 Error "default member without discriminator";
    /// `value` and `implicit` are reserved: generators use `value` to wrap primitive members.
    E0040 Error "reserved discriminator name";
    /// The discriminator's name is also the name of a field of a member model, so the two would
    /// collide on the wire.
    E0041 Error "discriminator collides with a field";
    /// A union nested in another union must use the same discriminator name; with or without a
    /// discriminator, both must agree.
    E0042 Error "nested union discriminator mismatch";
    /// Two members of a union (including members of nested unions) have the same discriminator value,
    /// so a reader could not tell them apart.
    E0043 Error "duplicate discriminator value";
    /// A union contains itself, directly or through nested unions.
    E0044 Error "union contains itself";
    /// A model that belongs to several unions must use the same discriminator name and the same
    /// discriminator value in all of them, otherwise its serialized form is ambiguous
    /// (apicollective/apibuilder#818).
    E0045 Error "model in unions with different discriminators";
    /// Headers carry strings: a header's type must be `string`, an enum, or a list of either.
    E0046 Error "invalid header type";
    /// A resource's key must be a model, enum or union (local or imported): not a list, a map, a
    /// primitive or an unknown type.
    E0047 Error "invalid resource type";
    /// A resource must have at least one operation; a resource without one exposes nothing.
    E0048 Error "resource has no operations";
    /// The HTTP method is not one of GET, POST, PUT, PATCH, DELETE, HEAD, CONNECT, OPTIONS, TRACE.
    E0049 Error "invalid HTTP method";
    /// A parameter's `location` must be one of `path`, `query`, `form` or `header`.
    E0050 Error "invalid parameter location";
    /// GET operations cannot have a body: HTTP gives it no meaning and many proxies drop it.
    /// Send the data as query parameters, or use POST.
    E0051 Error "body not allowed";
    /// Query and header parameters must be a primitive that fits in a URL (not `unit`, `object` or
    /// `json`), an enum, or a list of those. Maps, models, unions and interfaces are not allowed.
    E0052 Error "invalid parameter type";
    /// A parameter declared with `location: path` does not appear as `:name` in the path.
    E0053 Error "path parameter missing from path";
    /// Path parameters are always required: a URL cannot have an empty segment in their place.
    E0054 Error "optional path parameter";
    /// A path parameter must be a primitive that fits in a URL or an enum.
    E0055 Error "invalid path parameter type";
    /// A response code must be an integer from 100 to 999 or the keyword `default`. Unlike
    /// apibuilder's docs, apigen allows 5xx codes: APIs do declare 503 with a body.
    E0056 Error "invalid response code";
    /// All 2xx responses of an operation must have the same type, so a client has one success type.
    E0057 Error "varying 2xx response types";
    /// 204 No Content and 304 Not Modified have no body, so their type must be `unit`.
    E0058 Error "response must be unit";
    /// A parameter with a default must be required (the default is applied when it is absent).
    /// Fields may be optional with a default; parameters may not.
    E0059 Error "parameter with default is optional";
    /// A model or resource names a template that `templates` does not define.
    E0060 Error "template not found";
    /// A model template is also an interface, which the models that take it implement (as in
    /// apibuilder), so its name cannot also be the name of a model or an interface.
    E0061 Error "template name taken";
    /// A template declares, directly or through other templates, a template that leads back to
    /// itself. Applying it would never end: remove the declaration that closes the loop.
    E0062 Error "recursive template";
    /// The file is not valid YAML (1.2): a syntax error, tabs used for indentation, more than one
    /// document, a mapping or list used as a key, a tag other than the core schema's, or aliases
    /// that expand past a million nodes (a "billion laughs" document). The label points where
    /// reading stopped.
    E0063 Error "invalid YAML";
    /// The document is not OpenAPI 3.0, 3.1 or 3.2: a Swagger 2.0 document, or an `openapi`
    /// version apigen does not know. Convert Swagger 2.0 documents to OpenAPI 3 first.
    E0101 Error "unsupported OpenAPI version";
    /// A `$ref` names nothing: no such pointer, `$anchor` or `$id` in the documents, or a file
    /// that cannot be read (other files are named relative to the referring one), or a URL that
    /// `[imports]` in apigen.toml does not map to a file (apigen never fetches one). The label is
    /// on the reference.
    E0102 Error "unresolved reference";
    /// References that lead back to where they started without reaching a definition: a schema
    /// that is only a `$ref` to itself, or parameters and responses that refer to each other.
    /// Recursive schemas (a `Node` with `children: [Node]`) are fine.
    E0103 Error "reference loop";
    /// A `{variable}` of a path template has no `in: path` parameter, or a path parameter does not
    /// appear in the path. OpenAPI requires both to match.
    E0104 Error "path variable and parameters differ";
    /// Two operations have the same `operationId`, which OpenAPI requires to be unique: generated
    /// method names come from it.
    E0105 Error "duplicate operationId";
    /// A parameter has neither `schema` nor `content`, so nothing says what it holds.
    E0106 Error "parameter without schema";
    /// The `psql` attribute (the table metadata of a model or a service, as Flow Commerce writes
    /// it) is not shaped as it must be: an unknown key, a list that is not one, an index without
    /// `fields`, a foreign key without `references`. `apigen explain` of any DAO code lists the keys.
    E0201 Error "invalid psql attribute";
    /// A `psql` key (`pkey`, an index, `on_conflict`, a foreign key) names a field the model does not
    /// have. Indexes decide which queries the DAO has, so a typo would silently lose one.
    E0202 Error "psql names an unknown field";
    /// A table needs a primary key: give `pkey` (a field, or a list of fields), or have a field
    /// named `id` or `guid`, which is the key when none is given.
    E0203 Error "table without a primary key";
    /// `on_conflict` names the unique key upserts are keyed by. Its fields have an index that is
    /// not unique, or is partial (`where`), which PostgreSQL cannot use for `on conflict`. Without
    /// an index of its own, apigen makes `on_conflict` a unique index.
    E0204 Error "on_conflict without a unique key";
    /// An audit column (`created_at`, `updated_by_guid`, …) has the name of a field of the model.
    /// Audit columns are the DAO's to fill; the model's fields are the caller's.
    E0205 Error "audit column is also a field";

    /// The file starts with a UTF-8 byte-order mark. It is ignored, but RFC 8259 forbids it and
    /// some tools choke on it: save the file without one.
    W0001 Warning "byte-order mark";
    /// A service.json enum value has a name api.json would reject (`Hazardous Material`).
    /// apibuilder reads service.json without its spec validator, so such files exist and stay
    /// valid; the name still cannot be written in api.json, and generators derive identifiers
    /// from it. Rename the value and keep the wire form in `value`.
    W0002 Warning "invalid enum value name";
    /// Part of an OpenAPI document that the IR cannot hold yet (links, a path item's own
    /// `servers`, `oneOf` beside properties, enums of fractions, a style a parameter's location
    /// does not allow, ...). It is left out of what is generated; the warning names exactly what.
    W0101 Warning "OpenAPI construct not compiled";
    /// `openapi: 3.0` in YAML is a number; OpenAPI says the version is a string. It is read as
    /// the version it spells; quote it.
    W0102 Warning "OpenAPI version is not a string";
    /// A foreign key of a table references a table that no model of the same spec is (Flow's DAO
    /// specs sometimes reference tables of other specs). Its constraint is left out of the
    /// generated SQL; create it in a migration of your own.
    W0201 Warning "foreign key to an unknown table";
    /// A member `X_upserted` of an event union (`*_event`) has no field whose type is the model
    /// `X`: the event should carry the new state of an `X`, which a relay fills from `X`'s table
    /// and consumers apply. No event code can be generated for the member. Add the field
    /// (`{ "name": "x", "type": "x" }`).
    W0211 Warning "upserted event without its model";
    /// A member `X_deleted` of an event union has neither a field of the model `X` nor the key of
    /// the `X` that was deleted (`id` or `guid`): consumers could not tell which one to delete, and
    /// no event code can be generated for the member.
    W0212 Warning "deleted event without a key";
}
