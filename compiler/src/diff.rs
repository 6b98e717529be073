//! Breaking-change detection: compares the IR of a base version of a repository with the current
//! one and classifies every change by what it does on the wire to existing clients and servers.
//!
//! The catalogue is apibuilder's `ServiceDiff`, plus what it misses: enum wire-value changes,
//! `discriminator_value` changes, parameter location changes, and a moved operation reported as
//! one move instead of a removal and an addition. Every change has a rule id from [`RULES`].
//!
//! **Invariant:** the diff reads only the two IRs and their source maps; positions come from the
//! source maps, so the IRs themselves never carry them.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::*;
use crate::source::Loc;
use crate::usage::{TypeRef, Usage, Usages};

/// How a change affects existing users of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// An existing client or server can now fail or misread data.
    Breaking,
    /// Compatible, and worth a changelog line.
    NonBreaking,
    /// Compatible and invisible on the wire (documentation, versions, contacts).
    NotMaterial,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Breaking => "breaking",
            Class::NonBreaking => "non_breaking",
            Class::NotMaterial => "not_material",
        }
    }
}

/// One kind of change: its id, its class where the changed element travels in requests and
/// where it travels in responses, who breaks, and what it means.
#[derive(Debug)]
pub struct Rule {
    pub id: &'static str,
    /// The class where the element travels in requests only: clients write it, servers read it.
    pub request: Class,
    /// The class where it travels in responses only: servers write it, clients read it. An
    /// element travelling both ways takes the worse of the two.
    pub response: Class,
    /// Who is affected when the change is breaking: `clients`, `servers`, or both.
    pub breaks: &'static str,
    pub summary: &'static str,
}

macro_rules! rules {
    (@response $class:ident) => { Class::$class };
    (@response $class:ident $response:ident) => { Class::$response };
    ($($id:ident $class:ident $(/ $response:ident)? $breaks:literal $summary:literal;)*) => {
        /// Every rule the diff can report.
        pub const RULES: &[Rule] = &[$(Rule {
            id: stringify!($id),
            request: Class::$class,
            response: rules!(@response $class $($response)?),
            breaks: $breaks,
            summary: $summary,
        },)*];
    };
}

rules! {
    SERVICE_ADDED NonBreaking "" "a service was added to the repository";
    SERVICE_REMOVED Breaking "clients" "a service was removed: every client of it breaks";
    NAMESPACE_CHANGED Breaking "clients" "the namespace changed: generated code and qualified type names move";
    BASE_URL_CHANGED NonBreaking "" "the base URL changed";
    SERVICE_DOC_CHANGED NonBreaking "" "the name, description, license or an attribute of the service changed";
    SERVICE_INFO_CHANGED NotMaterial "" "the contact or the version of the service changed";
    SERVICE_KEY_CHANGED NonBreaking "" "the key of the service or of its organization changed: the wire is the same; generated module names and import URIs that name the key move";
    HEADER_ADDED_REQUIRED Breaking "clients" "a required header was added: existing clients do not send it";
    HEADER_ADDED_OPTIONAL NonBreaking "" "an optional header was added";
    HEADER_REMOVED NonBreaking "" "a header was removed: servers stop reading it";
    HEADER_TYPE_CHANGED Breaking "clients" "a header's type changed";
    HEADER_NOW_REQUIRED Breaking "clients" "a header became required";
        HEADER_NOW_OPTIONAL NonBreaking "" "a header became optional";
    RESPONSE_HEADER_ADDED NonBreaking "" "a response header was added";
    RESPONSE_HEADER_REMOVED Breaking "clients" "a response header was removed: clients that read it break";
    RESPONSE_HEADER_NOW_OPTIONAL Breaking "clients" "a response header is no longer always sent";
    IMPORT_CHANGED NotMaterial "" "an import was added or removed";
    TYPE_ADDED NonBreaking "" "an enum, model, union or interface was added";
    TYPE_REMOVED Breaking "clients and servers" "an enum, model, union or interface was removed";
    SCHEMA_REMOVED NonBreaking "" "a schema of an OpenAPI document was removed or renamed: schemas are not on the wire, the places that used it are compared where they are";
    TYPE_DOC_CHANGED NonBreaking "" "the description, plural, an attribute or the deprecation of a type changed";
    ENUM_VALUE_ADDED NonBreaking "" "an enum value was added (clients should read unknown values)";
    ENUM_VALUE_REMOVED Breaking/NonBreaking "clients" "an enum value was removed: old writers that send it are rejected (readers of responses get fewer values)";
    ENUM_VALUE_WIRE_CHANGED Breaking "clients and servers" "an enum value's wire string changed";
    FIELD_ADDED_OPTIONAL NonBreaking "" "an optional field, or a required field with a default, was added";
    FIELD_ADDED_REQUIRED Breaking/NonBreaking "clients" "a required field without a default was added: old writers omit it (readers of a type only responses carry ignore fields they do not know)";
    FIELD_REMOVED NonBreaking/Breaking "clients" "a required field was removed: readers that expect it break (servers ignore what old clients still send in a type only requests carry)";
    OPTIONAL_FIELD_REMOVED NonBreaking "" "an optional field was removed: readers already handle its absence, and servers ignore what old clients still send";
    FIELD_TYPE_CHANGED Breaking "clients and servers" "a field's type changed";
    FIELD_NOW_REQUIRED Breaking/NonBreaking "clients" "a field became required: old writers may omit it (in a type only responses carry, readers get it always)";
    FIELD_NOW_OPTIONAL NonBreaking/Breaking "clients" "a field became optional: readers that expect it break (in a type only requests carry, old writers still send it)";
    NULLABLE_ADDED NonBreaking/Breaking "clients" "a value may now be null: readers that expect a value break (servers reading requests accept more)";
    NULLABLE_REMOVED Breaking/NonBreaking "clients" "a value may no longer be null: old writers that send null are rejected (readers of responses get fewer cases)";
    TYPE_WIDENED NonBreaking/Breaking "clients" "a type was widened (integer to long or number; in a path, query or header, a scalar to string): every value that was valid still is, but readers may get values they cannot hold";
    TYPE_NARROWED Breaking/NonBreaking "clients" "a type was narrowed (number to integer): old writers' values may be rejected (readers of responses get values they already hold)";
    DEFAULT_REMOVED Breaking "clients" "a default was removed: values that relied on it must now be sent";
    DEFAULT_CHANGED NonBreaking "" "a default was added or changed";
    MINIMUM_TIGHTENED Breaking/NonBreaking "clients" "a minimum was added or raised: values that were valid are rejected (readers of responses get a subset of what they had)";
    MAXIMUM_TIGHTENED Breaking/NonBreaking "clients" "a maximum was added or lowered: values that were valid are rejected (readers of responses get a subset of what they had)";
    BOUND_RELAXED NonBreaking/Breaking "clients" "a minimum or maximum was removed or relaxed: readers of responses may get values outside what they were promised";
    PATTERN_ADDED Breaking/NonBreaking "clients" "a pattern was added: values that were valid may be rejected";
    PATTERN_REMOVED NonBreaking "" "a pattern was removed: values that matched still do (readers of responses are not promised the pattern any more, which, unlike a length, sizes nothing they hold)";
    PATTERN_CHANGED NonBreaking "" "a pattern changed: whether the new one accepts every value the old one did cannot be decided in general, so review it";
    ASSERTION_ADDED Breaking/NonBreaking "clients" "a JSON Schema assertion (`contains`, `not`, `if`, `dependentRequired`, `propertyNames`, …) was added: values that were valid may be rejected";
    ASSERTION_REMOVED NonBreaking/Breaking "clients" "a JSON Schema assertion was removed: readers of responses may get values it excluded";
    ASSERTION_CHANGED Breaking "clients" "a JSON Schema assertion changed: values that were valid may be rejected, and readers may get values it excluded";
    INTERFACES_CHANGED Breaking "clients" "the interfaces a model or union implements changed";
    BASES_CHANGED NonBreaking "" "the schemas an OpenAPI schema extends with `allOf` changed: what travels is its properties, compared one by one";
    UNION_MEMBER_ADDED NonBreaking "" "a union member was added (clients should read unknown members)";
    UNION_MEMBER_REMOVED Breaking/NonBreaking "clients" "a union member was removed: old writers that send it are rejected (readers of responses get fewer kinds)";
    UNTAGGED_MEMBER_ADDED NonBreaking/Breaking "clients" "a member was added to a union without a discriminator: an old reader has no tag to tell it is a member it does not know, and fails on it";
    DISCRIMINATOR_DECLARED NonBreaking "" "a discriminator was declared on, or dropped from, a union whose members all carry its property: the wire is the same, readers just stop trying each member";
    DISCRIMINATOR_CHANGED Breaking "clients and servers" "a union's discriminator was added, removed or renamed";
    DISCRIMINATOR_VALUE_CHANGED Breaking "clients and servers" "a union member's discriminator value changed";
    UNION_DEFAULT_ADDED NonBreaking "" "a union got a default member";
    UNION_DEFAULT_CHANGED Breaking "clients and servers" "a union's default member changed or was removed";
    WEBHOOK_ADDED NonBreaking "" "a webhook (a request the service sends to its consumers) was added";
    WEBHOOK_REMOVED Breaking "consumers" "a webhook was removed: consumers that wait for it are never called";
    CALLBACK_ADDED NonBreaking "" "a callback of an operation (a request the service sends to a URL the client gave) was added";
    CALLBACK_REMOVED Breaking "clients" "a callback was removed: clients that wait for it are never called";
    SECURITY_REQUIRED Breaking "clients" "an operation anonymous clients could call now requires credentials";
    SECURITY_TIGHTENED Breaking "clients" "an operation no longer accepts a way clients authenticated: an alternative removed, or a scheme or a scope added to one";
    SECURITY_RELAXED NonBreaking "" "an operation accepts more: another way to authenticate, fewer scopes, or no credentials at all";
    SECURITY_SCHEME_ADDED NonBreaking "" "a security scheme was added";
    SECURITY_SCHEME_REMOVED NonBreaking "" "a security scheme was removed: the operations that required it are compared where they are";
    SECURITY_SCHEME_CHANGED Breaking "clients" "a security scheme changed how credentials are sent or obtained (its type, HTTP scheme, key name or place, OAuth flows and their URLs, OpenID Connect URL)";
    RESOURCE_ADDED NonBreaking "" "a resource was added";
    RESOURCE_REMOVED Breaking "clients" "a resource was removed";
    OPERATION_ADDED NonBreaking "" "an operation was added";
    OPERATION_REMOVED Breaking "clients" "an operation was removed";
    OPERATION_MOVED Breaking "clients" "an operation's path changed: clients call the old path";
    OPERATION_DOC_CHANGED NonBreaking "" "the description, an attribute or the deprecation of an operation changed";
    DOC_CHANGED NonBreaking "" "the description, example, plural, an attribute or the deprecation of a field, enum value, union type, header, parameter, body, response or resource changed";
    BODY_ADDED Breaking/NonBreaking "clients" "an operation now takes a body (a webhook now carries one: its receivers may ignore it)";
    BODY_REMOVED Breaking "clients" "an operation no longer takes a body";
    BODY_NOW_REQUIRED Breaking/NonBreaking "clients" "a body became required: old clients may omit it (a webhook's receivers get it always)";
    BODY_NOW_OPTIONAL NonBreaking/Breaking "webhook and callback receivers" "a body became optional (a webhook's receivers may get none)";
    BODY_TYPE_CHANGED Breaking "clients" "an operation's body type changed";
    MEDIA_TYPE_ADDED NonBreaking "" "a body or a response can now also be in another media type";
    MEDIA_TYPE_REMOVED Breaking "clients" "a body or a response can no longer be in a media type: clients that send it, or ask for it, break";
    PARAMETER_ADDED_REQUIRED Breaking/NonBreaking "clients" "a required parameter without a default was added (a webhook's receivers just get one more)";
    PARAMETER_ADDED_OPTIONAL NonBreaking "" "an optional parameter, or a required one with a default, was added";
    PARAMETER_REMOVED Breaking "clients" "a parameter was removed: clients that send it may be rejected";
    PARAMETER_TYPE_CHANGED Breaking "clients" "a parameter's type changed";
    PARAMETER_LOCATION_CHANGED Breaking "clients" "a parameter moved (path, query, form, header)";
    PARAMETER_ENCODING_CHANGED Breaking "clients" "a parameter is written differently (OpenAPI's style, explode or allowReserved): readers parse the old form";
    PARAMETER_NOW_REQUIRED Breaking/NonBreaking "clients" "a parameter became required (a webhook's receivers get it always)";
    PARAMETER_NOW_OPTIONAL NonBreaking/Breaking "webhook and callback receivers" "a parameter became optional (a webhook's receivers may not get it)";
    RESPONSE_ADDED NonBreaking "" "a response code was added";
    RESPONSE_REMOVED Breaking "clients" "a response code was removed";
    RESPONSE_TYPE_CHANGED Breaking "clients" "a response's type changed";
    ANNOTATION_CHANGED NonBreaking "" "an annotation was added or removed, or its description or deprecation changed";
}

impl Rule {
    /// The class where the element travels both ways: the worse of the two.
    pub fn class(&self) -> Class {
        self.request.min(self.response)
    }

    /// The class of this change to an element that travels as `usage` says.
    pub fn class_for(&self, usage: Usage) -> Class {
        match (usage.request, usage.response) {
            (true, false) => self.request,
            (false, true) => self.response,
            _ => self.class(),
        }
    }

    /// Whether the class depends on which way the element travels.
    pub fn directional(&self) -> bool {
        self.request != self.response
    }
}

pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id.eq_ignore_ascii_case(id.trim()))
}

impl Rule {
    /// What `apigen explain` says beyond the summary: the deliberate choices, and where apigen
    /// and apibuilder's ServiceDiff part ways.
    pub fn explanation(&self) -> Option<&'static str> {
        Some(match self.id {
            "SERVICE_KEY_CHANGED" => {
                "Services are matched across versions by key. A service whose key is gone is taken to be \
                 a new service's old key when the two have the same namespace (else the same name): \
                 its key change is reported once, and the rest of it is compared as usual. Like \
                 apibuilder's ServiceDiff (`application/key changed`), this is not breaking: nothing on \
                 the wire names the key. What moves is apigen's generated module (`user::` becomes \
                 `identity::`) and any import URI that names the key (`…/acme/user/latest/service.json`), \
                 which the importing specs must follow; a change of the organization key is reported \
                 the same way. A service whose key, namespace and name all change is reported removed \
                 and added."
            }
            "OPERATION_MOVED" => {
                "Operations are matched by route: method and path with every path parameter alike \
                 (`GET /users/:id` and `GET /users/:guid` are one route), so renaming a path parameter \
                 is not a move; its old and new names are compared as one parameter. An operation \
                 whose route is gone is reported moved when an added operation of the same resource \
                 has the same method, parameters, body and responses, and does not sit below the old \
                 route. apibuilder's ServiceDiff matches operations by method and path as written, so \
                 it reports a renamed path parameter, and a move, as one operation removed and one \
                 added."
            }
            "FIELD_NOW_OPTIONAL"
            | "BOUND_RELAXED"
            | "FIELD_ADDED_REQUIRED"
            | "FIELD_NOW_REQUIRED"
            | "MINIMUM_TIGHTENED"
            | "MAXIMUM_TIGHTENED"
            | "FIELD_REMOVED"
            | "OPTIONAL_FIELD_REMOVED"
            | "ENUM_VALUE_REMOVED"
            | "UNION_MEMBER_REMOVED"
            | "NULLABLE_ADDED"
            | "NULLABLE_REMOVED" => {
                "A change to a type breaks either the type's writers or its readers, so apigen looks \
                 at which way the type travels: in requests (clients write, servers read), in \
                 responses (servers write, clients read), or both, from the operations that use \
                 it, through fields (`readOnly` ones travel in responses only, `writeOnly` ones in \
                 requests only), list and map elements, union members and interfaces. A type that \
                 travels both ways, or that no operation uses (an event, an unused schema), takes \
                 the worse class. apibuilder's ServiceDiff does not look: it calls every removed \
                 field, and every tightening, breaking, and every relaxation (a field no longer \
                 required, a bound lowered) not breaking. apigen agrees where the type travels in \
                 requests, and differs on purpose where readers receive it: a reader promised a \
                 field, or a bound, breaks when the promise goes. An optional field removed breaks \
                 nobody on the wire: readers already handle its absence, and servers ignore what \
                 old clients still send."
            }
            "TYPE_WIDENED" | "TYPE_NARROWED" => {
                "A primitive type whose values all belong to another is widened to it: `integer` to \
                 `long`, `double` or `decimal`; `long` to `double` or `decimal`; `uuid` and the date \
                 types to `string`; anything to `json`. In a path, query or header parameter the \
                 value travels as text, so any scalar widened to `string` reads the same bytes. A \
                 widening breaks nobody sending requests and may break readers of responses; a \
                 narrowing the reverse."
            }
            "WEBHOOK_ADDED"
            | "WEBHOOK_REMOVED"
            | "CALLBACK_ADDED"
            | "CALLBACK_REMOVED"
            | "BODY_ADDED"
            | "BODY_NOW_REQUIRED"
            | "BODY_NOW_OPTIONAL"
            | "PARAMETER_ADDED_REQUIRED"
            | "PARAMETER_NOW_REQUIRED"
            | "PARAMETER_NOW_OPTIONAL" => {
                "OpenAPI's webhooks and callbacks are requests the service sends, and its consumers \
                 serve: there the roles turn round. What a webhook's request carries travels like a \
                 response (the service writes it, consumers read it), and what its receivers answer \
                 like a request, so a change is classed as it would be on the other side: a required \
                 parameter or field added to a webhook breaks nobody, one removed or made optional \
                 breaks the receivers that expect it. In the classes above, \"requests\" are the \
                 requests of the service's own operations, \"responses\" those of its webhooks and \
                 callbacks. Webhooks are matched by name and method, callbacks by name, their \
                 requests by expression and method. oasdiff compares a webhook as an operation the \
                 reader of the document serves, and so calls a webhook body that became required \
                 breaking; apigen does not."
            }
            "SECURITY_REQUIRED" | "SECURITY_TIGHTENED" | "SECURITY_RELAXED" | "SECURITY_SCHEME_CHANGED" => {
                "An operation's requirement is its own `security`, else the document's: any one of its \
                 alternatives, each naming schemes that must all be satisfied with their scopes. A \
                 client authenticates one way, so a change breaks it when one old alternative is no \
                 longer accepted: when no new alternative asks only schemes that one has, with only \
                 scopes it was granted. An alternative added, or a scope dropped, breaks nobody; \
                 credentials required where none were, or a scheme that now sends them another way \
                 (another header, a query parameter instead of a header, another token URL), break \
                 every client. oasdiff reports every security change at INFO level, as not breaking; \
                 apigen does not. Webhooks' credentials are the service's own to send and are not \
                 compared."
            }
            "DOC_CHANGED" | "TYPE_DOC_CHANGED" | "OPERATION_DOC_CHANGED" | "SERVICE_DOC_CHANGED" => {
                "Documentation never reaches the wire, but a changelog lists it: as apibuilder's \
                 ServiceDiff does, each description, plural, example, attribute (its value, \
                 description and deprecation) and deprecation that changes is its own non-breaking \
                 change, with the element's path. The contact and the version of a service are not \
                 material (`SERVICE_INFO_CHANGED`)."
            }
            _ => return None,
        })
    }
}

/// Which version a change's location is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Side {
    Base,
    Current,
}

/// One classified change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub rule: &'static Rule,
    /// The rule's class for the way the changed element travels (see [`crate::usage`]).
    pub class: Class,
    /// A stable name of the changed element, used by suppressions:
    /// `user.models.user.fields.email`, `user.resources.user.operations.GET /users/:id`.
    pub element: String,
    pub message: String,
    /// Where to point: the current version, or the base one for something removed.
    pub loc: Option<(Side, Loc)>,
    /// Why the change is allowed (an `apigen.toml` suppression), when it is.
    pub allowed: Option<String>,
}

impl PartialEq for Rule {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}
impl Eq for Rule {}

impl Change {
    pub fn class(&self) -> Class {
        self.class
    }

    /// Breaking and not allowed: what makes `apigen diff` exit 1.
    pub fn is_blocking(&self) -> bool {
        self.class == Class::Breaking && self.allowed.is_none()
    }
}

/// Compares two versions. Both IRs should come from error-free compilations.
pub fn diff(base: (&Ir, &SourceMap), current: (&Ir, &SourceMap)) -> Vec<Change> {
    let mut d = Differ {
        a: base.0,
        am: base.1,
        b: current.0,
        bm: current.1,
        ua: Usages::of(base.0),
        ub: Usages::of(current.0),
        dir: Usage::BOTH,
        flip: false,
        out: Vec::new(),
    };
    let services = |ir: &Ir| -> BTreeMap<String, ServiceId> {
        ir.service_ids()
            .filter(|s| ir.service(*s).format != SourceFormat::ImportSummary)
            .map(|s| (ir.service(s).key.clone(), s))
            .collect()
    };
    let (sa, sb) = (services(d.a), services(d.b));
    // A service whose key changed is the same service when its namespace (else its name) is:
    // the key names generated modules and import URIs, not anything on the wire.
    let mut renamed: BTreeMap<&String, &String> = BTreeMap::new();
    for (key, &s) in sa.iter().filter(|(k, _)| !sb.contains_key(*k)) {
        let x = d.a.service(s);
        let taken: BTreeSet<&String> = renamed.values().copied().collect();
        let candidates = || sb.iter().filter(|(k, _)| !sa.contains_key(*k) && !taken.contains(k));
        let found = candidates()
            .find(|(_, t)| d.b.service(**t).namespace == x.namespace)
            .or_else(|| candidates().find(|(_, t)| d.b.service(**t).name == x.name));
        if let Some((new_key, _)) = found {
            renamed.insert(key, new_key);
        }
    }
    // An OpenAPI document's key and namespace come from its title: when the one unpaired document
    // of each side is OpenAPI, it is the same document, retitled.
    let unpaired_a: Vec<&String> = sa.keys().filter(|k| !sb.contains_key(*k) && !renamed.contains_key(k)).collect();
    let taken: BTreeSet<&String> = renamed.values().copied().collect();
    let unpaired_b: Vec<&String> = sb.keys().filter(|k| !sa.contains_key(*k) && !taken.contains(k)).collect();
    if let ([x], [y]) = (unpaired_a.as_slice(), unpaired_b.as_slice())
        && d.a.service(sa[*x]).format == SourceFormat::OpenApi
        && d.b.service(sb[*y]).format == SourceFormat::OpenApi
    {
        renamed.insert(x, y);
    }
    for (key, &s) in &sa {
        match (sb.get(key), renamed.get(key)) {
            (Some(&t), _) => d.service(key, s, t),
            (None, Some(&new_key)) => {
                let t = sb[new_key];
                let message = format!("the key of service `{key}` changed to `{new_key}`");
                d.added("SERVICE_KEY_CHANGED", new_key.clone(), message, Site::ServiceName(t));
                d.service(new_key, s, t);
            }
            (None, None) => {
                d.removed("SERVICE_REMOVED", key.clone(), format!("service `{key}` was removed"), Site::ServiceName(s))
            }
        }
    }
    let renamed_to: BTreeSet<&String> = renamed.values().copied().collect();
    for (key, &t) in &sb {
        if !sa.contains_key(key) && !renamed_to.contains(key) {
            d.added("SERVICE_ADDED", key.clone(), format!("service `{key}` was added"), Site::ServiceName(t));
        }
    }
    d.out.sort_by(|x, y| (x.class, &x.element, x.rule.id).cmp(&(y.class, &y.element, y.rule.id)));
    d.out
}

struct Differ<'a> {
    a: &'a Ir,
    am: &'a SourceMap,
    b: &'a Ir,
    bm: &'a SourceMap,
    /// Which way each type of either version travels.
    ua: Usages,
    ub: Usages,
    /// Which way the element being compared travels.
    dir: Usage,
    /// Within a webhook or callback, which the service sends: requests and responses swap.
    flip: bool,
    out: Vec<Change>,
}

fn rule_of(id: &str) -> &'static Rule {
    rule(id).unwrap_or_else(|| panic!("diff rule `{id}` is not in RULES"))
}

/// Type names compared across versions: local names short, imported names qualified.
fn type_text(ir: &Ir, ty: &Type, from: ServiceId) -> String {
    ir.type_name(ty, from)
}

/// An optional value in a message: quoted, or `none`.
fn shown(v: &Option<String>) -> String {
    v.as_deref().map_or("none".to_string(), |v| format!("`{v}`"))
}

impl Differ<'_> {
    fn push(&mut self, id: &str, element: String, message: String, loc: Option<(Side, Loc)>) {
        let rule = rule_of(id);
        let dir = if self.flip { Usage { request: self.dir.response, response: self.dir.request } } else { self.dir };
        let class = rule.class_for(dir);
        self.out.push(Change { rule, class, element, message, loc, allowed: None });
    }

    /// Which way a type travels, in either version; both ways when no operation reaches it.
    fn usage(&self, a: TypeRef, b: TypeRef) -> Usage {
        let u = self.ua.get(a).union(self.ub.get(b));
        if u.is_empty() { Usage::BOTH } else { u }
    }

    /// A change located in the current version.
    fn added(&mut self, id: &str, element: String, message: String, site: Site) {
        let loc = self.bm.get(site).map(|l| (Side::Current, l));
        self.push(id, element, message, loc);
    }

    /// A change located in the base version (something removed).
    fn removed(&mut self, id: &str, element: String, message: String, site: Site) {
        let loc = self.am.get(site).map(|l| (Side::Base, l));
        self.push(id, element, message, loc);
    }

    fn service(&mut self, key: &str, s: ServiceId, t: ServiceId) {
        let (x, y) = (self.a.service(s), self.b.service(t));
        let at = Site::ServiceName(t);
        // An OpenAPI document has no namespace of its own: apigen derives one from its title and
        // version, and neither is on the wire.
        let derived = x.format == SourceFormat::OpenApi && y.format == SourceFormat::OpenApi;
        if x.namespace != y.namespace && !derived {
            self.added(
                "NAMESPACE_CHANGED",
                key.into(),
                format!("the namespace of service `{key}` changed from `{}` to `{}`", x.namespace, y.namespace),
                at,
            );
        }
        if x.base_url != y.base_url {
            self.added(
                "BASE_URL_CHANGED",
                key.into(),
                format!(
                    "the base URL of service `{key}` changed from {} to {}",
                    shown(&x.base_url),
                    shown(&y.base_url)
                ),
                at,
            );
        }
        // (rule, element, as said in a message, before, after): apibuilder's ServiceDiff counts
        // the contact and the version as not material, the rest as material.
        let docs = [
            ("SERVICE_DOC_CHANGED", "name", "name", Some(&x.name), Some(&y.name)),
            ("SERVICE_DOC_CHANGED", "description", "description", x.description.as_ref(), y.description.as_ref()),
            (
                "SERVICE_DOC_CHANGED",
                "license/name",
                "license name",
                x.info.license_name.as_ref(),
                y.info.license_name.as_ref(),
            ),
            (
                "SERVICE_DOC_CHANGED",
                "license/url",
                "license URL",
                x.info.license_url.as_ref(),
                y.info.license_url.as_ref(),
            ),
            ("SERVICE_INFO_CHANGED", "version", "version", x.version.as_ref(), y.version.as_ref()),
            (
                "SERVICE_INFO_CHANGED",
                "contact/name",
                "contact name",
                x.info.contact_name.as_ref(),
                y.info.contact_name.as_ref(),
            ),
            (
                "SERVICE_INFO_CHANGED",
                "contact/url",
                "contact URL",
                x.info.contact_url.as_ref(),
                y.info.contact_url.as_ref(),
            ),
            (
                "SERVICE_INFO_CHANGED",
                "contact/email",
                "contact email",
                x.info.contact_email.as_ref(),
                y.info.contact_email.as_ref(),
            ),
        ];
        for (rule, element, label, from, to) in docs {
            if from != to {
                let message = changed_msg(
                    &format!("the {label} of service `{key}`"),
                    from.map(|v| v.as_str()),
                    to.map(|v| v.as_str()),
                );
                self.added(rule, format!("{key}.{element}"), message, at);
            }
        }
        if x.organization != y.organization {
            let message = changed_msg(
                &format!("the organization key of service `{key}`"),
                x.organization.as_deref(),
                y.organization.as_deref(),
            );
            self.added("SERVICE_KEY_CHANGED", format!("{key}.organization"), message, at);
        }
        let (dx, dy) = (
            Docs { attributes: &x.attributes, ..Docs::default() },
            Docs { attributes: &y.attributes, ..Docs::default() },
        );
        self.docs("SERVICE_DOC_CHANGED", key, &format!("service `{key}`"), dx, dy, at);
        self.headers(
            &format!("{key}.headers"),
            &format!("service `{key}`"),
            Direction::Request,
            (&x.headers, s),
            (&y.headers, t),
            |i| Site::Header(s, i),
            |i| Site::Header(t, i),
        );
        for i in &x.imports {
            let el = format!("{key}.imports.{}", i.uri);
            let label = format!("import `{}` of service `{key}`", i.uri);
            let Some(j) = y.imports.iter().find(|j| j.uri == i.uri) else {
                self.added("IMPORT_CHANGED", el, format!("{label} was removed"), at);
                continue;
            };
            // What service.json records of the imported service (api.json imports name a URI only).
            let details = [
                ("namespace", &i.namespace, &j.namespace),
                ("organization key", &i.organization, &j.organization),
                ("application key", &i.application, &j.application),
                ("version", &i.version, &j.version),
            ];
            for (what, from, to) in details {
                if from != to {
                    let message = changed_msg(&format!("the {what} of {label}"), from.as_deref(), to.as_deref());
                    self.added("IMPORT_CHANGED", el.clone(), message, at);
                }
            }
        }
        for j in y.imports.iter().filter(|j| !x.imports.iter().any(|i| i.uri == j.uri)) {
            let message = format!("import `{}` of service `{key}` was added", j.uri);
            self.added("IMPORT_CHANGED", format!("{key}.imports.{}", j.uri), message, at);
        }
        for a in &x.annotations {
            let el = format!("{key}.annotations.{}", a.name);
            let label = format!("annotation `{}` of service `{key}`", a.name);
            match y.annotations.iter().find(|b| b.name == a.name) {
                None => self.added("ANNOTATION_CHANGED", el, format!("{label} was removed"), at),
                Some(b) => self.docs(
                    "ANNOTATION_CHANGED",
                    &el,
                    &label,
                    Docs {
                        description: a.description.as_deref(),
                        deprecation: a.deprecation.as_ref(),
                        ..Docs::default()
                    },
                    Docs {
                        description: b.description.as_deref(),
                        deprecation: b.deprecation.as_ref(),
                        ..Docs::default()
                    },
                    at,
                ),
            }
        }
        for b in y.annotations.iter().filter(|b| !x.annotations.iter().any(|a| a.name == b.name)) {
            let message = format!("annotation `{}` of service `{key}` was added", b.name);
            self.added("ANNOTATION_CHANGED", format!("{key}.annotations.{}", b.name), message, at);
        }
        self.enums(key, s, t);
        self.models(key, s, t);
        self.interfaces(key, s, t);
        self.unions(key, s, t);
        self.dir = Usage::BOTH;
        self.security_schemes(key, s, t);
        self.resources(key, s, t);
        self.webhooks(key, s, t);
        self.dir = Usage::BOTH;
    }

    /// Request headers break clients when added or tightened; response headers break clients
    /// when removed or loosened, since there the server is the writer.
    #[allow(clippy::too_many_arguments)] // Two versions of one list, with their sites.
    fn headers(
        &mut self,
        prefix: &str,
        owner: &str,
        direction: Direction,
        (xs, s): (&[Header], ServiceId),
        (ys, t): (&[Header], ServiceId),
        site_a: impl Fn(usize) -> Site,
        site_b: impl Fn(usize) -> Site,
    ) {
        let response = direction == Direction::Response;
        for (i, h) in xs.iter().enumerate() {
            let el = format!("{prefix}.{}", h.name);
            let label = format!("header `{}` of {owner}", h.name);
            match ys.iter().position(|o| o.name.eq_ignore_ascii_case(&h.name)) {
                None if response && h.presence.is_required() => {
                    self.removed("RESPONSE_HEADER_REMOVED", el, format!("{label} was removed"), site_a(i))
                }
                None if response => {
                    self.removed("RESPONSE_HEADER_ADDED", el, format!("optional {label} was removed"), site_a(i))
                }
                None => self.removed("HEADER_REMOVED", el, format!("{label} was removed"), site_a(i)),
                Some(j) => {
                    let o = &ys[j];
                    let (ta, tb) = (type_text(self.a, &h.ty, s), type_text(self.b, &o.ty, t));
                    if ta != tb {
                        self.added(
                            "HEADER_TYPE_CHANGED",
                            el.clone(),
                            format!("the type of {label} changed from `{ta}` to `{tb}`"),
                            site_b(j),
                        );
                    }
                    if !h.presence.is_required() && o.presence.is_required() {
                        self.added(
                            if response { "RESPONSE_HEADER_ADDED" } else { "HEADER_NOW_REQUIRED" },
                            el.clone(),
                            format!("{label} is now required"),
                            site_b(j),
                        );
                    } else if h.presence.is_required() && !o.presence.is_required() {
                        self.added(
                            if response { "RESPONSE_HEADER_NOW_OPTIONAL" } else { "HEADER_NOW_OPTIONAL" },
                            el.clone(),
                            format!("{label} is no longer required"),
                            site_b(j),
                        );
                    }
                    self.default_change(&el, &label, h.presence.default(), o.presence.default(), site_b(j));
                    self.docs(
                        "DOC_CHANGED",
                        &el,
                        &label,
                        Docs::of(&h.description, &h.deprecation, &h.attributes),
                        Docs::of(&o.description, &o.deprecation, &o.attributes),
                        site_b(j),
                    );
                }
            }
        }
        for (j, o) in ys.iter().enumerate() {
            if !xs.iter().any(|h| h.name.eq_ignore_ascii_case(&o.name)) {
                let el = format!("{prefix}.{}", o.name);
                let label = format!("header `{}` of {owner}", o.name);
                if response {
                    self.added("RESPONSE_HEADER_ADDED", el, format!("{label} was added"), site_b(j));
                } else if o.presence.must_be_sent() {
                    self.added("HEADER_ADDED_REQUIRED", el, format!("required {label} was added"), site_b(j));
                } else {
                    self.added("HEADER_ADDED_OPTIONAL", el, format!("optional {label} was added"), site_b(j));
                }
            }
        }
    }

    /// A type gone. In an OpenAPI document a schema is not on the wire: what used it is compared
    /// where it is (a field's type, a body's), so the schema itself going is not breaking.
    fn type_removed(&mut self, s: ServiceId, el: String, message: String, site: Site) {
        let rule = if self.a.service(s).format == SourceFormat::OpenApi { "SCHEMA_REMOVED" } else { "TYPE_REMOVED" };
        self.removed(rule, el, message, site);
    }

    fn default_change(&mut self, el: &str, label: &str, from: Option<&Literal>, to: Option<&Literal>, at: Site) {
        let (from, to) = (from.map(crate::literal_text), to.map(crate::literal_text));
        match (from, to) {
            (Some(f), None) => self.added(
                "DEFAULT_REMOVED",
                el.into(),
                format!("the default of {label} was removed (it was `{f}`)"),
                at,
            ),
            (None, Some(t)) => self.added("DEFAULT_CHANGED", el.into(), format!("{label} now defaults to `{t}`"), at),
            (Some(f), Some(t)) if f != t => self.added(
                "DEFAULT_CHANGED",
                el.into(),
                format!("the default of {label} changed from `{f}` to `{t}`"),
                at,
            ),
            _ => {}
        }
    }

    /// Lengths, sizes and value ranges: a raised minimum or lowered maximum rejects values that
    /// were valid.
    fn constraints(&mut self, el: &str, label: &str, a: &Constraints, b: &Constraints, at: Site) {
        let counts = |c: &Counts| (c.min.map(|n| Limit::of(n as f64)), c.max.map(|n| Limit::of(n as f64)));
        let range = |r: &Range| {
            let limit = |b: &Bound| Limit { value: b.as_f64(), exclusive: b.exclusive, text: b.value.to_string() };
            (r.min.as_ref().map(limit), r.max.as_ref().map(limit))
        };
        self.bounds(el, label, "", range(&a.value), range(&b.value), at);
        self.bounds(el, label, " length", counts(&a.length), counts(&b.length), at);
        self.bounds(el, label, " size", counts(&a.items), counts(&b.items), at);
        let none = Constraints::default();
        match (&a.elements, &b.elements) {
            (None, None) => {}
            (x, y) => {
                let (x, y) = (x.as_deref().unwrap_or(&none), y.as_deref().unwrap_or(&none));
                self.constraints(el, &format!("the elements of {label}"), x, y, at);
            }
        }
        // A pattern every string matches (`.*`) is as good as none.
        let (p, q) = (
            a.pattern.as_deref().filter(|p| !matches_anything(p)),
            b.pattern.as_deref().filter(|q| !matches_anything(q)),
        );
        match (p, q) {
            (None, Some(q)) => {
                self.added("PATTERN_ADDED", el.into(), format!("{label} must now match `{}`", truncate(q)), at)
            }
            (Some(p), None) => self.added(
                "PATTERN_REMOVED",
                el.into(),
                format!("the pattern of {label} was removed (it was `{}`)", truncate(p)),
                at,
            ),
            (Some(p), Some(q)) if p != q => self.added(
                "PATTERN_CHANGED",
                el.into(),
                format!("the pattern of {label} changed from `{}` to `{}`", truncate(p), truncate(q)),
                at,
            ),
            _ => {}
        }
        self.assertions(el, label, &a.assertions, &b.assertions, at);
    }

    /// The JSON Schema assertions the IR keeps as written: counts compared as bounds, the rest
    /// added, removed or changed.
    fn assertions(
        &mut self,
        el: &str,
        label: &str,
        a: &BTreeMap<String, serde_json::Value>,
        b: &BTreeMap<String, serde_json::Value>,
        at: Site,
    ) {
        let count = |m: &BTreeMap<String, serde_json::Value>, k: &str| {
            m.get(k).and_then(serde_json::Value::as_f64).map(Limit::of)
        };
        for (kind, min, max) in [
            (" number of matching elements", "minContains", "maxContains"),
            (" number of properties", "minProperties", "maxProperties"),
        ] {
            self.bounds(el, label, kind, (count(a, min), count(a, max)), (count(b, min), count(b, max)), at);
        }
        let counted = ["minContains", "maxContains", "minProperties", "maxProperties"];
        for (k, v) in a.iter().filter(|(k, _)| !counted.contains(&k.as_str())) {
            match b.get(k) {
                None => self.added(
                    "ASSERTION_REMOVED",
                    el.into(),
                    format!("`{k}` was removed from {label} (it was `{}`)", truncate(&v.to_string())),
                    at,
                ),
                Some(w) if w != v => self.added(
                    "ASSERTION_CHANGED",
                    el.into(),
                    format!(
                        "`{k}` of {label} changed from `{}` to `{}`",
                        truncate(&v.to_string()),
                        truncate(&w.to_string())
                    ),
                    at,
                ),
                Some(_) => {}
            }
        }
        for (k, w) in b.iter().filter(|(k, _)| !counted.contains(&k.as_str()) && !a.contains_key(*k)) {
            self.added(
                "ASSERTION_ADDED",
                el.into(),
                format!("{label} now has `{k}`: `{}`", truncate(&w.to_string())),
                at,
            );
        }
    }

    fn bounds(
        &mut self,
        el: &str,
        label: &str,
        kind: &str,
        (amin, amax): (Option<Limit>, Option<Limit>),
        (bmin, bmax): (Option<Limit>, Option<Limit>),
        at: Site,
    ) {
        // `tighter(from, to)`: the new bound rejects values the old one let through.
        let mut side = |end: &str,
                        tightened: &str,
                        from: Option<Limit>,
                        to: Option<Limit>,
                        tighter: &dyn Fn(&Limit, &Limit) -> bool| {
            let what = format!("the {end}{kind} of {label}");
            let change = match (from, to) {
                (None, Some(n)) => Some((tightened, format!("{label} now has a {end}{kind} of {n}"))),
                (Some(f), Some(t)) if tighter(&f, &t) => Some((tightened, format!("{what} changed from {f} to {t}"))),
                (Some(f), Some(t)) if tighter(&t, &f) => {
                    Some(("BOUND_RELAXED", format!("{what} changed from {f} to {t}")))
                }
                (Some(f), None) => Some(("BOUND_RELAXED", format!("{what} was removed (it was {f})"))),
                _ => None,
            };
            if let Some((rule, message)) = change {
                self.added(rule, el.into(), message, at);
            }
        };
        side("minimum", "MINIMUM_TIGHTENED", amin, bmin, &|f, t| t.above(f));
        side("maximum", "MAXIMUM_TIGHTENED", amax, bmax, &|f, t| f.below_max(t));
    }

    /// Documentation: none of it reaches the wire, but a changelog lists it, as apibuilder's
    /// ServiceDiff does (material, not breaking). Each property is its own change.
    fn docs(&mut self, rule: &str, el: &str, label: &str, x: Docs<'_>, y: Docs<'_>, at: Site) {
        let pairs = [("description", x.description, y.description), ("plural", x.plural, y.plural)];
        for (what, from, to) in pairs {
            if from != to {
                let message = changed_msg(&format!("the {what} of {label}"), from, to);
                self.added(rule, el.into(), message, at);
            }
        }
        if x.example != y.example {
            self.added(
                rule,
                el.into(),
                changed_msg(&format!("the example of {label}"), x.example.as_deref(), y.example.as_deref()),
                at,
            );
        }
        self.deprecation(rule, el, label, x.deprecation, y.deprecation, at);
        for (i, a) in x.attributes.iter().enumerate() {
            let ael = format!("{el}.attributes.{}", a.name);
            let alabel = format!("attribute `{}` of {label}", a.name);
            let Some(b) = y.attributes.iter().find(|b| b.name == a.name) else {
                self.added(rule, ael, format!("{alabel} was removed"), at);
                continue;
            };
            let _ = i;
            if a.value != b.value {
                let (f, t) = (a.value.to_string(), b.value.to_string());
                self.added(
                    rule,
                    ael.clone(),
                    format!("the value of {alabel} changed from `{}` to `{}`", truncate(&f), truncate(&t)),
                    at,
                );
            }
            if a.description != b.description {
                self.added(
                    rule,
                    ael.clone(),
                    changed_msg(
                        &format!("the description of {alabel}"),
                        a.description.as_deref(),
                        b.description.as_deref(),
                    ),
                    at,
                );
            }
            self.deprecation(rule, &ael, &alabel, a.deprecation.as_ref(), b.deprecation.as_ref(), at);
        }
        for b in y.attributes.iter().filter(|b| !x.attributes.iter().any(|a| a.name == b.name)) {
            self.added(
                rule,
                format!("{el}.attributes.{}", b.name),
                format!("attribute `{}` of {label} was added", b.name),
                at,
            );
        }
    }

    fn deprecation(
        &mut self,
        rule: &str,
        el: &str,
        label: &str,
        x: Option<&Deprecation>,
        y: Option<&Deprecation>,
        at: Site,
    ) {
        let note = |d: &Deprecation| d.description.as_deref().map_or(String::new(), |n| format!(": {}", truncate(n)));
        let message = match (x, y) {
            (None, Some(d)) => format!("{label} was deprecated{}", note(d)),
            (Some(_), None) => format!("{label} is no longer deprecated"),
            (Some(a), Some(b)) if a.description != b.description => changed_msg(
                &format!("the deprecation note of {label}"),
                a.description.as_deref(),
                b.description.as_deref(),
            ),
            _ => return,
        };
        self.added(rule, el.into(), message, at);
    }

    fn enums(&mut self, key: &str, s: ServiceId, t: ServiceId) {
        let (a, b) = (self.a, self.b);
        let xs = by_name(a.service(s).enums.iter().map(|id| (a.enum_(*id).name.clone(), *id)));
        let ys = by_name(b.service(t).enums.iter().map(|id| (b.enum_(*id).name.clone(), *id)));
        for (name, &ea) in &xs {
            let el = format!("{key}.enums.{name}");
            self.dir = Usage::BOTH;
            let Some(&eb) = ys.get(name) else {
                self.type_removed(s, el, format!("enum `{name}` was removed"), Site::Enum(ea));
                continue;
            };
            let (x, y) = (a.enum_(ea), b.enum_(eb));
            self.dir = self.usage(TypeRef::Enum(ea), TypeRef::Enum(eb));
            let (dx, dy) = (
                Docs::typed(&x.description, &x.plural, &x.deprecation, &x.attributes),
                Docs::typed(&y.description, &y.plural, &y.deprecation, &y.attributes),
            );
            self.docs("TYPE_DOC_CHANGED", &el, &format!("enum `{name}`"), dx, dy, Site::Enum(eb));
            // Strings to integers or back: every value travels differently (`"1"` and `1`).
            if x.integer != y.integer {
                let kinds = |integer: bool| if integer { "integers" } else { "strings" };
                self.added(
                    "ENUM_VALUE_WIRE_CHANGED",
                    el.clone(),
                    format!("the values of enum `{name}` travel as {} (were {})", kinds(y.integer), kinds(x.integer)),
                    Site::Enum(eb),
                );
                continue;
            }
            // An enum of one value (OpenAPI's `const`) whose value changed: the one value
            // readers and writers match on is another.
            if let ([v], [w]) = (x.values.as_slice(), y.values.as_slice())
                && a.service(s).format == SourceFormat::OpenApi
                && v.value != w.value
            {
                self.added(
                    "ENUM_VALUE_WIRE_CHANGED",
                    format!("{el}.values.{}", v.name),
                    format!("the one value of enum `{name}` changed from `{}` to `{}`", v.value, w.value),
                    Site::EnumValue(eb, 0),
                );
                continue;
            }
            for (i, v) in x.values.iter().enumerate() {
                let vel = format!("{el}.values.{}", v.name);
                // An integer's name is the spec's label for it (`x-enum-varnames`); the
                // number is what travels.
                let same = |o: &EnumValue| if x.integer { o.value == v.value } else { o.name == v.name };
                match y.values.iter().position(same) {
                    None => self.removed(
                        "ENUM_VALUE_REMOVED",
                        vel,
                        format!("value `{}` of enum `{name}` was removed", v.name),
                        Site::EnumValue(ea, i),
                    ),
                    Some(j) => {
                        let w = &y.values[j];
                        if w.value != v.value {
                            self.added(
                                "ENUM_VALUE_WIRE_CHANGED",
                                vel.clone(),
                                format!(
                                    "the wire value of value `{}` of enum `{name}` changed from `{}` to `{}`",
                                    v.name, v.value, w.value
                                ),
                                Site::EnumValue(eb, j),
                            );
                        }
                        self.docs(
                            "DOC_CHANGED",
                            &vel,
                            &format!("value `{}` of enum `{name}`", v.name),
                            Docs::of(&v.description, &v.deprecation, &v.attributes),
                            Docs::of(&w.description, &w.deprecation, &w.attributes),
                            Site::EnumValue(eb, j),
                        );
                    }
                }
            }
            for (j, v) in y.values.iter().enumerate() {
                if !x.values.iter().any(|o| if x.integer { o.value == v.value } else { o.name == v.name }) {
                    self.added(
                        "ENUM_VALUE_ADDED",
                        format!("{el}.values.{}", v.name),
                        format!("value `{}` of enum `{name}` was added", v.name),
                        Site::EnumValue(eb, j),
                    );
                }
            }
        }
        for (name, &eb) in &ys {
            if !xs.contains_key(name) {
                self.added(
                    "TYPE_ADDED",
                    format!("{key}.enums.{name}"),
                    format!("enum `{name}` was added"),
                    Site::Enum(eb),
                );
            }
        }
    }

    #[allow(clippy::too_many_arguments)] // Fields live in models and interfaces; the sites differ.
    fn fields(
        &mut self,
        el: &str,
        owner: &str,
        (xs, s): (&[Field], ServiceId),
        (ys, t): (&[Field], ServiceId),
        site_a: impl Fn(usize) -> Site,
        site_b: impl Fn(usize) -> Site,
        type_site_b: impl Fn(usize) -> Site,
    ) {
        // A `readOnly` field travels in responses only, a `writeOnly` one in requests only.
        let owner_dir = self.dir;
        let field_dir = |access: Access| {
            let d = owner_dir.of_field(access);
            if d.is_empty() { owner_dir } else { d }
        };
        for (i, f) in xs.iter().enumerate() {
            let fel = format!("{el}.fields.{}", f.name);
            let label = format!("field `{}` of {owner}", f.name);
            self.dir = field_dir(f.access);
            let Some(j) = ys.iter().position(|o| o.name == f.name) else {
                if f.presence.is_required() {
                    self.removed("FIELD_REMOVED", fel, format!("required {label} was removed"), site_a(i));
                } else {
                    self.removed("OPTIONAL_FIELD_REMOVED", fel, format!("optional {label} was removed"), site_a(i));
                }
                continue;
            };
            let o = &ys[j];
            self.dir = field_dir(f.access).union(field_dir(o.access));
            self.value_type("FIELD_TYPE_CHANGED", &fel, &label, (&f.ty, s), (&o.ty, t), false, type_site_b(j));
            if !f.presence.is_required() && o.presence.is_required() {
                self.added("FIELD_NOW_REQUIRED", fel.clone(), format!("{label} is now required"), site_b(j));
            } else if f.presence.is_required() && !o.presence.is_required() {
                self.added("FIELD_NOW_OPTIONAL", fel.clone(), format!("{label} is no longer required"), site_b(j));
            }
            self.nullable(&fel, &label, f.nullable, o.nullable, site_b(j));
            self.default_change(&fel, &label, f.presence.default(), o.presence.default(), site_b(j));
            self.constraints(&fel, &label, &f.constraints, &o.constraints, site_b(j));
            self.docs("DOC_CHANGED", &fel, &label, Docs::field(f), Docs::field(o), site_b(j));
        }
        for (j, o) in ys.iter().enumerate() {
            if !xs.iter().any(|f| f.name == o.name) {
                self.dir = field_dir(o.access);
                let fel = format!("{el}.fields.{}", o.name);
                let name = &o.name;
                let default = o.presence.default().map(crate::literal_text);
                // OpenAPI's required-with-default must be sent all the same.
                if o.presence.must_be_sent() {
                    let message = format!("required field `{name}` of {owner} was added");
                    self.added("FIELD_ADDED_REQUIRED", fel, message, site_b(j));
                } else if let (true, Some(d)) = (o.presence.is_required(), default) {
                    let message = format!("required field `{name}` of {owner} was added, with the default `{d}`");
                    self.added("FIELD_ADDED_OPTIONAL", fel, message, site_b(j));
                } else {
                    let message = format!("optional field `{name}` of {owner} was added");
                    self.added("FIELD_ADDED_OPTIONAL", fel, message, site_b(j));
                }
            }
        }
        self.dir = owner_dir;
    }

    /// A value's type: the same, widened, narrowed, or changed. `text` is for values that travel
    /// as text (path, query and header parameters), where every scalar's text is a string.
    #[allow(clippy::too_many_arguments)] // Two versions of one value, with its names and site.
    fn value_type(
        &mut self,
        changed: &str,
        el: &str,
        label: &str,
        (x, s): (&Type, ServiceId),
        (y, t): (&Type, ServiceId),
        text: bool,
        at: Site,
    ) {
        let (ta, tb) = (type_text(self.a, x, s), type_text(self.b, y, t));
        // An OpenAPI inline schema is named after where it sits, so an object that became a
        // `oneOf` there keeps its name: the kind tells them apart.
        if ta == tb && kind(x) == kind(y) {
            return;
        }
        let (ta, tb) = if ta == tb { (format!("{} {ta}", kind(x)), format!("{} {tb}", kind(y))) } else { (ta, tb) };
        let rule = match (x, y) {
            (Type::Primitive(p), Type::Primitive(q)) if widens(*p, *q, text) => "TYPE_WIDENED",
            (Type::Primitive(p), Type::Primitive(q)) if widens(*q, *p, text) => "TYPE_NARROWED",
            _ => changed,
        };
        let how = match rule {
            "TYPE_WIDENED" => "was widened",
            "TYPE_NARROWED" => "was narrowed",
            _ => "changed",
        };
        self.added(rule, el.into(), format!("the type of {label} {how} from `{ta}` to `{tb}`"), at);
    }

    /// The payloads of a body or a response, media type by media type. A payload that appears
    /// or goes (`unit` to a type) is a type change of the whole.
    fn contents(
        &mut self,
        changed: &str,
        el: &str,
        label: &str,
        (xs, s): (&[Content], ServiceId),
        (ys, t): (&[Content], ServiceId),
        (site_a, site_b): (Site, Site),
    ) {
        if xs.is_empty() || ys.is_empty() {
            let (ta, tb) = (type_text(self.a, primary(xs), s), type_text(self.b, primary(ys), t));
            if ta != tb {
                self.added(changed, el.into(), format!("the type of {label} changed from `{ta}` to `{tb}`"), site_b);
            }
            return;
        }
        for x in xs {
            let what = format!("{label} in `{}`", x.media_type);
            match ys.iter().find(|y| y.media_type == x.media_type) {
                None => self.removed(
                    "MEDIA_TYPE_REMOVED",
                    el.into(),
                    format!("{label} can no longer be `{}`", x.media_type),
                    site_a,
                ),
                Some(y) => {
                    let label = if xs.len() == 1 && ys.len() == 1 { label.to_string() } else { what };
                    self.value_type(changed, el, &label, (&x.ty, s), (&y.ty, t), false, site_b);
                    self.nullable(el, &label, x.nullable, y.nullable, site_b);
                    self.constraints(el, &label, &x.constraints, &y.constraints, site_b);
                }
            }
        }
        for y in ys.iter().filter(|y| !xs.iter().any(|x| x.media_type == y.media_type)) {
            self.added("MEDIA_TYPE_ADDED", el.into(), format!("{label} can now also be `{}`", y.media_type), site_b);
        }
    }

    fn nullable(&mut self, el: &str, label: &str, x: bool, y: bool, at: Site) {
        match (x, y) {
            (false, true) => self.added("NULLABLE_ADDED", el.into(), format!("{label} may now be null"), at),
            (true, false) => self.added("NULLABLE_REMOVED", el.into(), format!("{label} may no longer be null"), at),
            _ => {}
        }
    }

    fn models(&mut self, key: &str, s: ServiceId, t: ServiceId) {
        let (a, b) = (self.a, self.b);
        let xs = by_name(a.service(s).models.iter().map(|id| (a.model(*id).name.clone(), *id)));
        let ys = by_name(b.service(t).models.iter().map(|id| (b.model(*id).name.clone(), *id)));
        for (name, &ma) in &xs {
            let el = format!("{key}.models.{name}");
            self.dir = Usage::BOTH;
            let Some(&mb) = ys.get(name) else {
                self.type_removed(s, el, format!("model `{name}` was removed"), Site::Model(ma));
                continue;
            };
            let (x, y) = (a.model(ma), b.model(mb));
            self.dir = self.usage(TypeRef::Model(ma), TypeRef::Model(mb));
            let (dx, dy) = (
                Docs::typed(&x.description, &x.plural, &x.deprecation, &x.attributes),
                Docs::typed(&y.description, &y.plural, &y.deprecation, &y.attributes),
            );
            self.docs("TYPE_DOC_CHANGED", &el, &format!("model `{name}`"), dx, dy, Site::Model(mb));
            let ia: BTreeSet<&str> = x.interfaces.iter().map(|i| a.interface(*i).name.as_str()).collect();
            let ib: BTreeSet<&str> = y.interfaces.iter().map(|i| b.interface(*i).name.as_str()).collect();
            if ia != ib {
                let (from, to) = (join(&ia), join(&ib));
                let (rule, message) = if b.service(t).format == SourceFormat::OpenApi {
                    ("BASES_CHANGED", format!("the schemas model `{name}` extends changed from [{from}] to [{to}]"))
                } else {
                    ("INTERFACES_CHANGED", format!("the interfaces of model `{name}` changed from [{from}] to [{to}]"))
                };
                self.added(rule, el.clone(), message, Site::Model(mb));
            }
            self.assertions(&el, &format!("model `{name}`"), &x.assertions, &y.assertions, Site::Model(mb));
            self.fields(
                &el,
                &format!("model `{name}`"),
                (&x.fields, s),
                (&y.fields, t),
                |i| Site::Field(ma, i),
                |j| Site::Field(mb, j),
                |j| Site::FieldType(mb, j),
            );
        }
        for (name, &mb) in &ys {
            if !xs.contains_key(name) {
                self.added(
                    "TYPE_ADDED",
                    format!("{key}.models.{name}"),
                    format!("model `{name}` was added"),
                    Site::Model(mb),
                );
            }
        }
    }

    fn interfaces(&mut self, key: &str, s: ServiceId, t: ServiceId) {
        let (a, b) = (self.a, self.b);
        let xs = by_name(a.service(s).interfaces.iter().map(|id| (a.interface(*id).name.clone(), *id)));
        let ys = by_name(b.service(t).interfaces.iter().map(|id| (b.interface(*id).name.clone(), *id)));
        for (name, &ia) in &xs {
            let el = format!("{key}.interfaces.{name}");
            self.dir = Usage::BOTH;
            let Some(&ib) = ys.get(name) else {
                self.type_removed(s, el, format!("interface `{name}` was removed"), Site::Interface(ia));
                continue;
            };
            let (x, y) = (a.interface(ia), b.interface(ib));
            self.dir = self.usage(TypeRef::Interface(ia), TypeRef::Interface(ib));
            let (dx, dy) = (
                Docs::typed(&x.description, &x.plural, &x.deprecation, &x.attributes),
                Docs::typed(&y.description, &y.plural, &y.deprecation, &y.attributes),
            );
            self.docs("TYPE_DOC_CHANGED", &el, &format!("interface `{name}`"), dx, dy, Site::Interface(ib));
            self.fields(
                &el,
                &format!("interface `{name}`"),
                (&x.fields, s),
                (&y.fields, t),
                |i| Site::InterfaceField(ia, i),
                |j| Site::InterfaceField(ib, j),
                |j| Site::InterfaceFieldType(ib, j),
            );
        }
        for (name, &ib) in &ys {
            if !xs.contains_key(name) {
                self.added(
                    "TYPE_ADDED",
                    format!("{key}.interfaces.{name}"),
                    format!("interface `{name}` was added"),
                    Site::Interface(ib),
                );
            }
        }
    }

    fn unions(&mut self, key: &str, s: ServiceId, t: ServiceId) {
        let (a, b) = (self.a, self.b);
        let xs = by_name(a.service(s).unions.iter().map(|id| (a.union(*id).name.clone(), *id)));
        let ys = by_name(b.service(t).unions.iter().map(|id| (b.union(*id).name.clone(), *id)));
        for (name, &ua) in &xs {
            let el = format!("{key}.unions.{name}");
            self.dir = Usage::BOTH;
            let Some(&ub) = ys.get(name) else {
                self.type_removed(s, el, format!("union `{name}` was removed"), Site::Union(ua));
                continue;
            };
            let (x, y) = (a.union(ua), b.union(ub));
            self.dir = self.usage(TypeRef::Union(ua), TypeRef::Union(ub));
            let (dx, dy) = (
                Docs::typed(&x.description, &x.plural, &x.deprecation, &x.attributes),
                Docs::typed(&y.description, &y.plural, &y.deprecation, &y.attributes),
            );
            self.docs("TYPE_DOC_CHANGED", &el, &format!("union `{name}`"), dx, dy, Site::Union(ub));
            if x.encoding != y.encoding {
                let show = |u: &Union| u.discriminator().map_or("none".to_string(), |d| format!("`{d}`"));
                // OpenAPI's discriminator names a property the members declare themselves: declaring
                // it, or dropping it, leaves every payload as it was.
                let declared = |ir: &Ir, u: &Union, property: &str| {
                    u.members.iter().all(|m| match &m.ty {
                        Type::Model(id) => ir.model(*id).fields.iter().any(|f| f.name == property),
                        _ => false,
                    })
                };
                let only_declared = match (&x.encoding, &y.encoding) {
                    (UnionEncoding::Untagged, UnionEncoding::Discriminated(p)) => declared(b, y, p),
                    (UnionEncoding::Discriminated(p), UnionEncoding::Untagged) => declared(a, x, p),
                    _ => false,
                };
                self.added(
                    if only_declared { "DISCRIMINATOR_DECLARED" } else { "DISCRIMINATOR_CHANGED" },
                    el.clone(),
                    format!("the discriminator of union `{name}` changed from {} to {}", show(x), show(y)),
                    Site::Union(ub),
                );
            }
            let ia: BTreeSet<&str> = x.interfaces.iter().map(|i| a.interface(*i).name.as_str()).collect();
            let ib: BTreeSet<&str> = y.interfaces.iter().map(|i| b.interface(*i).name.as_str()).collect();
            if ia != ib {
                self.added(
                    "INTERFACES_CHANGED",
                    el.clone(),
                    format!("the interfaces of union `{name}` changed from [{}] to [{}]", join(&ia), join(&ib)),
                    Site::Union(ub),
                );
            }
            let default = |u: &Union| u.members.iter().find(|m| m.default).map(|m| m.type_name.clone());
            match (default(x), default(y)) {
                (None, Some(d)) => self.added(
                    "UNION_DEFAULT_ADDED",
                    el.clone(),
                    format!("union `{name}` now defaults to type `{d}`"),
                    Site::Union(ub),
                ),
                (Some(f), None) => self.added(
                    "UNION_DEFAULT_CHANGED",
                    el.clone(),
                    format!("union `{name}` no longer defaults to type `{f}`"),
                    Site::Union(ub),
                ),
                (Some(f), Some(d)) if f != d => self.added(
                    "UNION_DEFAULT_CHANGED",
                    el.clone(),
                    format!("the default type of union `{name}` changed from `{f}` to `{d}`"),
                    Site::Union(ub),
                ),
                _ => {}
            }
            for (i, m) in x.members.iter().enumerate() {
                let mel = format!("{el}.types.{}", m.type_name);
                match y.members.iter().position(|o| o.type_name == m.type_name) {
                    None => self.removed(
                        "UNION_MEMBER_REMOVED",
                        mel,
                        format!("type `{}` of union `{name}` was removed", m.type_name),
                        Site::UnionMember(ua, i),
                    ),
                    Some(j) => {
                        let o = &y.members[j];
                        // Without a discriminator on both sides, no value is on the wire.
                        let tagged = x.encoding != UnionEncoding::Untagged && y.encoding != UnionEncoding::Untagged;
                        if tagged && o.discriminator_value != m.discriminator_value {
                            self.added(
                                "DISCRIMINATOR_VALUE_CHANGED",
                                mel.clone(),
                                format!(
                                    "the discriminator value of type `{}` of union `{name}` changed from `{}` to `{}`",
                                    m.type_name, m.discriminator_value, o.discriminator_value
                                ),
                                Site::UnionMember(ub, j),
                            );
                        }
                        self.docs(
                            "DOC_CHANGED",
                            &mel,
                            &format!("type `{}` of union `{name}`", m.type_name),
                            Docs::of(&m.description, &m.deprecation, &m.attributes),
                            Docs::of(&o.description, &o.deprecation, &o.attributes),
                            Site::UnionMember(ub, j),
                        );
                    }
                }
            }
            for (j, m) in y.members.iter().enumerate() {
                if !x.members.iter().any(|o| o.type_name == m.type_name) {
                    self.added(
                        if y.encoding == UnionEncoding::Untagged {
                            "UNTAGGED_MEMBER_ADDED"
                        } else {
                            "UNION_MEMBER_ADDED"
                        },
                        format!("{el}.types.{}", m.type_name),
                        format!("type `{}` of union `{name}` was added", m.type_name),
                        Site::UnionMember(ub, j),
                    );
                }
            }
        }
        for (name, &ub) in &ys {
            if !xs.contains_key(name) {
                self.added(
                    "TYPE_ADDED",
                    format!("{key}.unions.{name}"),
                    format!("union `{name}` was added"),
                    Site::Union(ub),
                );
            }
        }
    }

    fn resources(&mut self, key: &str, s: ServiceId, t: ServiceId) {
        let (a, b) = (self.a, self.b);
        let xs = by_name(a.service(s).resources.iter().map(|id| (a.resource(*id).type_name.clone(), *id)));
        let ys = by_name(b.service(t).resources.iter().map(|id| (b.resource(*id).type_name.clone(), *id)));
        for (name, &ra) in &xs {
            let el = format!("{key}.resources.{name}");
            let Some(&rb) = ys.get(name) else {
                self.removed("RESOURCE_REMOVED", el, format!("resource `{name}` was removed"), Site::Resource(ra));
                continue;
            };
            let (x, y) = (a.resource(ra), b.resource(rb));
            self.docs(
                "DOC_CHANGED",
                &el,
                &format!("resource `{name}`"),
                Docs::typed(&x.description, &x.plural, &x.deprecation, &x.attributes),
                Docs::typed(&y.description, &y.plural, &y.deprecation, &y.attributes),
                Site::Resource(rb),
            );
            self.operations(&el, name, (ra, s), (rb, t));
        }
        for (name, &rb) in &ys {
            if !xs.contains_key(name) {
                self.added(
                    "RESOURCE_ADDED",
                    format!("{key}.resources.{name}"),
                    format!("resource `{name}` was added"),
                    Site::Resource(rb),
                );
            }
        }
    }

    fn operations(
        &mut self,
        el: &str,
        rname: &str,
        (ra, s): (ResourceId, ServiceId),
        (rb, t): (ResourceId, ServiceId),
    ) {
        let (a, b) = (self.a, self.b);
        let label = |op: &Operation| format!("{} {}", op.method.as_str(), op.path);
        // Operations match by route, so renaming a path parameter is not a move.
        let xs: BTreeMap<String, OperationId> =
            a.resource(ra).operations.iter().map(|o| (route(a.operation(*o)), *o)).collect();
        let ys: BTreeMap<String, OperationId> =
            b.resource(rb).operations.iter().map(|o| (route(b.operation(*o)), *o)).collect();
        let removed: Vec<(&String, OperationId)> =
            xs.iter().filter(|(k, _)| !ys.contains_key(*k)).map(|(k, v)| (k, *v)).collect();
        let mut added: Vec<(&String, OperationId)> =
            ys.iter().filter(|(k, _)| !xs.contains_key(*k)).map(|(k, v)| (k, *v)).collect();
        for (r, &oa) in &xs {
            if let Some(&ob) = ys.get(r) {
                let k = label(a.operation(oa));
                self.operation(
                    &format!("{el}.operations.{k}"),
                    &format!("operation `{k}` of resource `{rname}`"),
                    (oa, s),
                    (ob, t),
                );
            }
        }
        for (_, oa) in removed {
            let k = label(a.operation(oa));
            // The same operation at a new path: one move, then its other changes.
            let signature = |ir: &Ir, o: OperationId, sid: ServiceId| signature(ir, ir.operation(o), sid);
            // A route below the removed one (`/users/:id` → `/users/:id/sessions`) is a new
            // operation, not the old one moved.
            let old_route = route(a.operation(oa));
            let moved = added.iter().position(|(r, ob)| {
                !r.starts_with(&format!("{old_route}/")) && signature(a, oa, s) == signature(b, *ob, t)
            });
            match moved {
                Some(i) => {
                    let (_, ob) = added.remove(i);
                    let nk = label(b.operation(ob));
                    let oel = format!("{el}.operations.{k}");
                    self.added(
                        "OPERATION_MOVED",
                        oel.clone(),
                        format!("operation `{k}` of resource `{rname}` moved to `{nk}`"),
                        Site::OperationPath(ob),
                    );
                    self.operation(&oel, &format!("operation `{nk}` of resource `{rname}`"), (oa, s), (ob, t));
                }
                None => self.removed(
                    "OPERATION_REMOVED",
                    format!("{el}.operations.{k}"),
                    format!("operation `{k}` of resource `{rname}` was removed"),
                    Site::Operation(oa),
                ),
            }
        }
        for (_, ob) in added {
            let k = label(b.operation(ob));
            self.added(
                "OPERATION_ADDED",
                format!("{el}.operations.{k}"),
                format!("operation `{k}` of resource `{rname}` was added"),
                Site::OperationMethod(ob),
            );
        }
    }

    /// OpenAPI webhooks, matched by name and method.
    fn webhooks(&mut self, key: &str, s: ServiceId, t: ServiceId) {
        let (wa, wb) = (self.a.service(s).webhooks, self.b.service(t).webhooks);
        if wa.is_none() && wb.is_none() {
            return;
        }
        self.sent(&format!("{key}.webhooks"), "webhook", ("WEBHOOK_ADDED", "WEBHOOK_REMOVED"), (wa, s), (wb, t));
    }

    /// The requests a service sends (its webhooks, or an operation's callback), matched by
    /// method and path (a webhook's name, a callback's expression), compared with requests and
    /// responses swapped.
    fn sent(
        &mut self,
        el: &str,
        what: &str,
        (added, removed): (&str, &str),
        (ra, s): (Option<ResourceId>, ServiceId),
        (rb, t): (Option<ResourceId>, ServiceId),
    ) {
        let (a, b) = (self.a, self.b);
        let label = |op: &Operation| format!("{} {}", op.method.as_str(), op.path);
        let ops = |ir: &Ir, r: Option<ResourceId>| -> BTreeMap<String, OperationId> {
            r.map(|r| ir.resource(r).operations.iter().map(|o| (label(ir.operation(*o)), *o)).collect())
                .unwrap_or_default()
        };
        let (xs, ys) = (ops(a, ra), ops(b, rb));
        for (k, &oa) in &xs {
            match ys.get(k) {
                None => self.removed(
                    removed,
                    format!("{el}.{k}"),
                    format!("{what} `{k}` was removed"),
                    Site::OperationMethod(oa),
                ),
                Some(&ob) => {
                    let flip = self.flip;
                    self.flip = !flip;
                    self.operation(&format!("{el}.{k}"), &format!("{what} `{k}`"), (oa, s), (ob, t));
                    self.flip = flip;
                }
            }
        }
        for (k, &ob) in &ys {
            if !xs.contains_key(k) {
                self.added(added, format!("{el}.{k}"), format!("{what} `{k}` was added"), Site::OperationMethod(ob));
            }
        }
    }

    fn operation(
        &mut self,
        el: &str,
        label: &str,
        (oa, s): (OperationId, ServiceId),
        (ob, t): (OperationId, ServiceId),
    ) {
        let (x, y) = (self.a.operation(oa), self.b.operation(ob));
        self.docs(
            "OPERATION_DOC_CHANGED",
            el,
            label,
            Docs::of(&x.description, &x.deprecation, &x.attributes),
            Docs::of(&y.description, &y.deprecation, &y.attributes),
            Site::OperationMethod(ob),
        );
        self.dir = Usage::REQUEST;
        match (&x.body, &y.body) {
            (None, Some(_)) => {
                self.added("BODY_ADDED", format!("{el}.body"), format!("a body was added to {label}"), Site::Body(ob))
            }
            (Some(_), None) => self.removed(
                "BODY_REMOVED",
                format!("{el}.body"),
                format!("the body of {label} was removed"),
                Site::Body(oa),
            ),
            (Some(bx), Some(by)) => {
                if !bx.required && by.required {
                    let message = format!("the body of {label} is now required");
                    self.added("BODY_NOW_REQUIRED", format!("{el}.body"), message, Site::Body(ob));
                } else if bx.required && !by.required {
                    let message = format!("the body of {label} is no longer required");
                    self.added("BODY_NOW_OPTIONAL", format!("{el}.body"), message, Site::Body(ob));
                }
                self.contents(
                    "BODY_TYPE_CHANGED",
                    &format!("{el}.body"),
                    &format!("the body of {label}"),
                    (&bx.content, s),
                    (&by.content, t),
                    (Site::Body(oa), Site::Body(ob)),
                );
                self.dir = Usage::BOTH;
                self.docs(
                    "DOC_CHANGED",
                    &format!("{el}.body"),
                    &format!("the body of {label}"),
                    Docs::of(&bx.description, &bx.deprecation, &bx.attributes),
                    Docs::of(&by.description, &by.deprecation, &by.attributes),
                    Site::Body(ob),
                );
            }
            (None, None) => {}
        }
        self.dir = Usage::REQUEST;
        for (i, p) in x.parameters.iter().enumerate() {
            let pel = format!("{el}.parameters.{}", p.name);
            let plabel = format!("parameter `{}` of {label}", p.name);
            // A renamed path parameter is the same parameter at the same position of the path.
            let j = y.parameters.iter().position(|o| o.name == p.name).or_else(|| {
                (p.location == ParameterLocation::Path).then(|| path_index(x, &p.name)).flatten().and_then(|k| {
                    y.parameters
                        .iter()
                        .position(|o| o.location == ParameterLocation::Path && path_index(y, &o.name) == Some(k))
                })
            });
            let Some(j) = j else {
                self.removed("PARAMETER_REMOVED", pel, format!("{plabel} was removed"), Site::Parameter(oa, i));
                continue;
            };
            let o = &y.parameters[j];
            let text = p.location != ParameterLocation::Form && o.location != ParameterLocation::Form;
            self.value_type(
                "PARAMETER_TYPE_CHANGED",
                &pel,
                &plabel,
                (&p.ty, s),
                (&o.ty, t),
                text,
                Site::Parameter(ob, j),
            );
            if p.location != o.location {
                self.added(
                    "PARAMETER_LOCATION_CHANGED",
                    pel.clone(),
                    format!("{plabel} moved from the {} to the {}", p.location.as_str(), o.location.as_str()),
                    Site::Parameter(ob, j),
                );
            } else if p.encoding().differs_for(&o.encoding(), &o.ty) || p.encoding().differs_for(&o.encoding(), &p.ty) {
                let shown = |e: Encoding| {
                    let mut text = format!("style `{}`, explode {}", e.style.as_str(), e.explode);
                    if e.allow_reserved {
                        text.push_str(", reserved characters allowed");
                    }
                    text
                };
                self.added(
                    "PARAMETER_ENCODING_CHANGED",
                    pel.clone(),
                    format!("{plabel} is now written with {} (was {})", shown(o.encoding()), shown(p.encoding())),
                    Site::Parameter(ob, j),
                );
            }
            if !p.presence.is_required() && o.presence.must_be_sent() {
                self.added(
                    "PARAMETER_NOW_REQUIRED",
                    pel.clone(),
                    format!("{plabel} is now required"),
                    Site::Parameter(ob, j),
                );
            } else if p.presence.is_required() && !o.presence.is_required() {
                self.added(
                    "PARAMETER_NOW_OPTIONAL",
                    pel.clone(),
                    format!("{plabel} is no longer required"),
                    Site::Parameter(ob, j),
                );
            }
            self.default_change(&pel, &plabel, p.presence.default(), o.presence.default(), Site::Parameter(ob, j));
            self.constraints(&pel, &plabel, &p.constraints, &o.constraints, Site::Parameter(ob, j));
            self.docs("DOC_CHANGED", &pel, &plabel, Docs::parameter(p), Docs::parameter(o), Site::Parameter(ob, j));
        }
        for (j, o) in y.parameters.iter().enumerate() {
            let matched = x.parameters.iter().any(|p| p.name == o.name)
                || (o.location == ParameterLocation::Path
                    && path_index(y, &o.name).is_some_and(|k| {
                        x.parameters
                            .iter()
                            .any(|p| p.location == ParameterLocation::Path && path_index(x, &p.name) == Some(k))
                    }));
            if !matched {
                let pel = format!("{el}.parameters.{}", o.name);
                if o.presence.must_be_sent() {
                    self.added(
                        "PARAMETER_ADDED_REQUIRED",
                        pel,
                        format!("required parameter `{}` of {label} was added", o.name),
                        Site::Parameter(ob, j),
                    );
                } else {
                    self.added(
                        "PARAMETER_ADDED_OPTIONAL",
                        pel,
                        format!("optional parameter `{}` of {label} was added", o.name),
                        Site::Parameter(ob, j),
                    );
                }
            }
        }
        self.dir = Usage::RESPONSE;
        let code = |c: ResponseCode| c.to_string();
        for (i, r) in x.responses.iter().enumerate() {
            let rel = format!("{el}.responses.{}", code(r.code));
            match y.responses.iter().position(|o| o.code == r.code) {
                None => self.removed(
                    "RESPONSE_REMOVED",
                    rel,
                    format!("response `{}` of {label} was removed", code(r.code)),
                    Site::Response(oa, i),
                ),
                Some(j) => {
                    let o = &y.responses[j];
                    self.contents(
                        "RESPONSE_TYPE_CHANGED",
                        &rel,
                        &format!("response `{}` of {label}", code(r.code)),
                        (&r.content, s),
                        (&o.content, t),
                        (Site::Response(oa, i), Site::ResponseType(ob, j)),
                    );
                    self.docs(
                        "DOC_CHANGED",
                        &rel,
                        &format!("response `{}` of {label}", code(r.code)),
                        Docs::of(&r.description, &r.deprecation, &r.attributes),
                        Docs::of(&o.description, &o.deprecation, &o.attributes),
                        Site::Response(ob, j),
                    );
                    let prefix = format!("{rel}.headers");
                    let hlabel = format!("response `{}` of {label}", code(r.code));
                    self.headers(
                        &prefix,
                        &hlabel,
                        Direction::Response,
                        (&r.headers, s),
                        (&o.headers, t),
                        |h| Site::ResponseHeader(oa, i, h),
                        |h| Site::ResponseHeader(ob, j, h),
                    );
                }
            }
        }
        for (j, o) in y.responses.iter().enumerate() {
            if !x.responses.iter().any(|r| r.code == o.code) {
                self.added(
                    "RESPONSE_ADDED",
                    format!("{el}.responses.{}", code(o.code)),
                    format!("response `{}` of {label} was added", code(o.code)),
                    Site::Response(ob, j),
                );
            }
        }
        self.dir = Usage::BOTH;
        // A webhook's credentials are the service's to send: nothing for its consumers to break.
        if !self.flip {
            let (sa, sb) = (x.effective_security(self.a.service(s)), y.effective_security(self.b.service(t)));
            self.security(&format!("{el}.security"), label, sa, sb, Site::OperationMethod(ob));
        }
        self.callbacks(el, label, (x, s), (y, t));
    }

    /// What an operation requires of its clients, before and after: a client authenticates one
    /// way (one alternative); it still can when some new alternative asks no scheme it lacks
    /// and no scope it was not granted.
    fn security(&mut self, el: &str, label: &str, x: &Security, y: &Security, at: Site) {
        if x == y {
            return;
        }
        let shown = |r: &SecurityRequirement| {
            let parts: Vec<String> = r
                .schemes
                .iter()
                .map(|s| {
                    if s.scopes.is_empty() {
                        format!("`{}`", s.scheme)
                    } else {
                        format!("`{}` [{}]", s.scheme, s.scopes.join(", "))
                    }
                })
                .collect();
            parts.join(" and ")
        };
        if x.is_public() && !y.is_public() {
            let needed: Vec<String> = y.alternatives.iter().map(shown).collect();
            let message = format!("{label} now requires credentials: {}", needed.join(", or "));
            self.added("SECURITY_REQUIRED", el.into(), message, at);
            return;
        }
        let accepted = |old: &SecurityRequirement| {
            y.is_public()
                || y.alternatives.iter().any(|new| {
                    new.schemes.iter().all(|n| {
                        old.schemes
                            .iter()
                            .any(|o| o.scheme == n.scheme && n.scopes.iter().all(|s| o.scopes.contains(s)))
                    })
                })
        };
        match x.alternatives.iter().find(|old| !old.schemes.is_empty() && !accepted(old)) {
            Some(lost) => {
                let message = format!("{label} no longer accepts {}", shown(lost));
                self.added("SECURITY_TIGHTENED", el.into(), message, at);
            }
            None => {
                let message = if y.is_public() {
                    format!("{label} no longer requires credentials")
                } else {
                    let now: Vec<String> = y.alternatives.iter().map(shown).collect();
                    format!("{label} accepts more: {}", now.join(", or "))
                };
                self.added("SECURITY_RELAXED", el.into(), message, at);
            }
        }
    }

    /// The security schemes of a service, by name.
    fn security_schemes(&mut self, key: &str, s: ServiceId, t: ServiceId) {
        let (xs, ys) = (&self.a.service(s).security_schemes, &self.b.service(t).security_schemes);
        for (i, x) in xs.iter().enumerate() {
            let el = format!("{key}.security_schemes.{}", x.name);
            match ys.iter().position(|y| y.name == x.name) {
                None => {
                    let message = format!("security scheme `{}` was removed", x.name);
                    self.removed("SECURITY_SCHEME_REMOVED", el, message, Site::SecurityScheme(s, i));
                }
                Some(j) => {
                    let (y, at) = (&ys[j], Site::SecurityScheme(t, j));
                    if let Some(how) = scheme_change(&x.kind, &y.kind) {
                        let message = format!("security scheme `{}` changed: {how}", x.name);
                        self.added("SECURITY_SCHEME_CHANGED", el.clone(), message, at);
                    }
                    if x.description != y.description {
                        let message = changed_msg(
                            &format!("the description of security scheme `{}`", x.name),
                            x.description.as_deref(),
                            y.description.as_deref(),
                        );
                        self.added("DOC_CHANGED", el, message, at);
                    }
                }
            }
        }
        for (j, y) in ys.iter().enumerate().filter(|(_, y)| !xs.iter().any(|x| x.name == y.name)) {
            let message = format!("security scheme `{}` was added", y.name);
            let el = format!("{key}.security_schemes.{}", y.name);
            self.added("SECURITY_SCHEME_ADDED", el, message, Site::SecurityScheme(t, j));
        }
    }

    /// An operation's callbacks, matched by name.
    fn callbacks(&mut self, el: &str, label: &str, (x, s): (&Operation, ServiceId), (y, t): (&Operation, ServiceId)) {
        let (a, b) = (self.a, self.b);
        let named = |ir: &Ir, op: &Operation| -> BTreeMap<String, ResourceId> {
            op.callbacks.iter().map(|r| (ir.resource(*r).type_name.clone(), *r)).collect()
        };
        let (xs, ys) = (named(a, x), named(b, y));
        for (name, &ra) in &xs {
            let cel = format!("{el}.callbacks.{name}");
            match ys.get(name) {
                None => {
                    self.removed(
                        "CALLBACK_REMOVED",
                        cel,
                        format!("callback `{name}` of {label} was removed"),
                        Site::Resource(ra),
                    );
                }
                Some(&rb) => self.sent(
                    &cel,
                    &format!("callback `{name}` of {label}:"),
                    ("CALLBACK_ADDED", "CALLBACK_REMOVED"),
                    (Some(ra), s),
                    (Some(rb), t),
                ),
            }
        }
        for (name, &rb) in &ys {
            if !xs.contains_key(name) {
                self.added(
                    "CALLBACK_ADDED",
                    format!("{el}.callbacks.{name}"),
                    format!("callback `{name}` was added to {label}"),
                    Site::Resource(rb),
                );
            }
        }
    }
}

/// Method, body type, non-path parameters, responses, and the number of path parameters.
type Signature = (Method, Option<String>, Vec<(String, String)>, Vec<(ResponseCode, String)>, usize);

/// What makes two operations "clearly the same" when only their path differs: method, body
/// type, non-path parameters and responses.
fn signature(ir: &Ir, op: &Operation, sid: ServiceId) -> Signature {
    let params = op
        .parameters
        .iter()
        .filter(|p| p.location != ParameterLocation::Path)
        .map(|p| (p.name.clone(), type_text(ir, &p.ty, sid)))
        .collect();
    let responses = op.responses.iter().map(|r| (r.code, type_text(ir, r.ty(), sid))).collect();
    let path_params = op.parameters.iter().filter(|p| p.location == ParameterLocation::Path).count();
    (op.method, op.body.as_ref().map(|b| type_text(ir, b.ty(), sid)), params, responses, path_params)
}

/// The position of `:name` among the path's parameters.
fn path_index(op: &Operation, name: &str) -> Option<usize> {
    crate::names::path_parameter_names(&op.path).iter().position(|n| n == name)
}

fn by_name<T>(items: impl Iterator<Item = (String, T)>) -> BTreeMap<String, T> {
    items.collect()
}

/// Whether one primitive's values are all values of another: `integer` of `long`, a `uuid` of
/// `string`, anything of `json`; with `text`, any scalar of `string` (a number in a query string
/// is text that a string parameter reads too).
fn widens(from: Primitive, to: Primitive, text: bool) -> bool {
    use Primitive::*;
    let scalar = !matches!(from, Json | Object | Unit);
    match (from, to) {
        (Integer, Long | Double | Decimal) | (Long, Double | Decimal) => true,
        (Uuid | DateIso8601 | DateTimeIso8601, String) => true,
        (Unit, _) | (_, Unit) => false,
        (f, Json) => f != Json,
        (_, String) => text && scalar,
        _ => false,
    }
}

/// What kind of type a type is, innermost: `model`, `union`, `enum`, `interface` or `type`.
fn kind(ty: &Type) -> &'static str {
    match ty.innermost() {
        Type::Model(_) => "model",
        Type::Union(_) => "union",
        Type::Enum(_) => "enum",
        Type::Interface(_) => "interface",
        _ => "type",
    }
}

/// Whether every string matches a pattern (`.*`, `^.*$`).
fn matches_anything(p: &str) -> bool {
    matches!(p.trim(), "" | ".*" | "^.*$" | "^.*" | ".*$" | "(.*)" | "^(.*)$" | "[\\s\\S]*" | "^[\\s\\S]*$")
}

fn join(set: &BTreeSet<&str>) -> String {
    set.iter().copied().collect::<Vec<_>>().join(", ")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Request,
    Response,
}

/// A path with its parameter names blanked: `/users/:id` and `/users/:user_id` are one route.
fn route(op: &Operation) -> String {
    let segments: Vec<&str> = op.path.split('/').map(|seg| if seg.starts_with(':') { ":" } else { seg }).collect();
    format!("{} {}", op.method.as_str(), segments.join("/"))
}

/// How a security scheme's way of sending or obtaining credentials changed, if it did.
fn scheme_change(x: &SecuritySchemeKind, y: &SecuritySchemeKind) -> Option<String> {
    use SecuritySchemeKind as K;
    let kind = |k: &K| match k {
        K::Http { scheme, .. } => format!("HTTP `{scheme}`"),
        K::ApiKey { name, location } => format!("an API key `{name}` in the {}", location.as_str()),
        K::OAuth2 { .. } => "OAuth 2".to_string(),
        K::OpenIdConnect { url } => format!("OpenID Connect at `{url}`"),
        K::MutualTls => "mutual TLS".to_string(),
    };
    match (x, y) {
        (K::OAuth2 { flows: a }, K::OAuth2 { flows: b }) => {
            let urls =
                |f: &OAuthFlow| (f.kind, f.authorization_url.clone(), f.token_url.clone(), f.refresh_url.clone());
            let (a, b): (Vec<_>, Vec<_>) = (a.iter().map(urls).collect(), b.iter().map(urls).collect());
            (a != b).then(|| "its OAuth flows or their URLs".to_string())
        }
        _ if kind(x) != kind(y) => Some(format!("{} instead of {}", kind(y), kind(x))),
        _ => None,
    }
}

fn changed_msg(label: &str, from: Option<&str>, to: Option<&str>) -> String {
    match (from, to) {
        (None, Some(t)) => format!("{label} was added: `{}`", truncate(t)),
        (Some(f), None) => format!("{label} was removed (it was `{}`)", truncate(f)),
        (f, t) => format!("{label} changed from `{}` to `{}`", truncate(f.unwrap_or("")), truncate(t.unwrap_or(""))),
    }
}

/// Values in messages are cut to 80 characters as apibuilder's `Text.truncate` cuts them: whole
/// words dropped from the end until the rest and `...` fit, else a cut at 77 characters.
fn truncate(s: &str) -> String {
    const MAX: usize = 80;
    if s.chars().count() <= MAX {
        return s.to_string();
    }
    let mut words: Vec<&str> = s.split(' ').collect();
    while words.len() > 1 {
        words.pop();
        let kept = words.join(" ");
        if kept.chars().count() + 3 <= MAX {
            return format!("{kept}...");
        }
    }
    format!("{}...", s.chars().take(MAX - 3).collect::<String>())
}

/// The documentation of one element, as [`Differ::docs`] compares it.
#[derive(Debug, Clone, Default)]
struct Docs<'a> {
    description: Option<&'a str>,
    plural: Option<&'a str>,
    example: Option<String>,
    deprecation: Option<&'a Deprecation>,
    attributes: &'a [Attribute],
}

impl<'a> Docs<'a> {
    fn typed(
        description: &'a Option<String>,
        plural: &'a str,
        deprecation: &'a Option<Deprecation>,
        attributes: &'a [Attribute],
    ) -> Self {
        Docs { plural: Some(plural), ..Docs::of(description, deprecation, attributes) }
    }

    fn field(f: &'a Field) -> Self {
        Docs {
            example: f.example.as_ref().map(crate::literal_text),
            ..Docs::of(&f.description, &f.deprecation, &f.attributes)
        }
    }

    fn parameter(p: &'a Parameter) -> Self {
        Docs {
            example: p.example.as_ref().map(crate::literal_text),
            ..Docs::of(&p.description, &p.deprecation, &p.attributes)
        }
    }

    fn of(description: &'a Option<String>, deprecation: &'a Option<Deprecation>, attributes: &'a [Attribute]) -> Self {
        Docs { description: description.as_deref(), deprecation: deprecation.as_ref(), attributes, ..Docs::default() }
    }
}

/// One end of a range, as the diff compares and prints it.
#[derive(Debug, Clone)]
struct Limit {
    value: f64,
    exclusive: bool,
    text: String,
}

impl Limit {
    fn of(value: f64) -> Self {
        Limit { value, exclusive: false, text: value.to_string() }
    }

    /// As a minimum, whether this one rejects more than `other` does.
    fn above(&self, other: &Limit) -> bool {
        self.value > other.value || (self.value == other.value && self.exclusive && !other.exclusive)
    }

    /// As a maximum, whether `other` rejects more than this one does.
    fn below_max(&self, other: &Limit) -> bool {
        other.value < self.value || (other.value == self.value && other.exclusive && !self.exclusive)
    }
}

impl std::fmt::Display for Limit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.exclusive { write!(f, "{} (exclusive)", self.text) } else { f.write_str(&self.text) }
    }
}
