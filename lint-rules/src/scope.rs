//! Where a finding sits: its source location (the most precise `Site` the source map has) and
//! what encloses it, which decides whether a `linter` attribute or a configured exception
//! suppresses it.

use compiler::ir::{Attribute, Ir, Site, Type};
use compiler::source::Loc;

use crate::Rule;
use crate::config::{LintConfig, designates};

/// The element that encloses `site`, one level up; `None` for a service.
fn parent(ir: &Ir, site: Site) -> Option<Site> {
    Some(match site {
        Site::Service(_) => return None,
        Site::ServiceName(s)
        | Site::Import(s, _)
        | Site::Header(s, _)
        | Site::Annotation(s, _)
        | Site::Tag(s, _)
        | Site::SecurityScheme(s, _) => Site::Service(s),
        Site::Model(m) => Site::Service(ir.models.get(m.index())?.service),
        Site::Field(m, _) | Site::ModelInterface(m, _) => Site::Model(m),
        Site::FieldType(m, i) => Site::Field(m, i),
        Site::Interface(i) => Site::Service(ir.interfaces.get(i.index())?.service),
        Site::InterfaceField(i, _) => Site::Interface(i),
        Site::InterfaceFieldType(i, f) => Site::InterfaceField(i, f),
        Site::Enum(e) => Site::Service(ir.enums.get(e.index())?.service),
        Site::EnumValue(e, _) => Site::Enum(e),
        Site::Union(u) => Site::Service(ir.unions.get(u.index())?.service),
        Site::UnionDiscriminator(u) | Site::UnionMember(u, _) | Site::UnionInterface(u, _) => Site::Union(u),
        Site::Resource(r) => Site::Service(ir.resources.get(r.index())?.service),
        Site::Operation(o) => Site::Resource(ir.operations.get(o.index())?.resource),
        Site::OperationMethod(o) | Site::OperationPath(o) | Site::Body(o) | Site::OperationTag(o, _) => {
            Site::Operation(o)
        }
        Site::Parameter(o, _) | Site::Response(o, _) => Site::Operation(o),
        Site::ParameterType(o, p) => Site::Parameter(o, p),
        Site::ResponseType(o, r) | Site::ResponseHeader(o, r, _) => Site::Response(o, r),
    })
}

/// The span of `site`, or of the nearest enclosing element the source map knows.
pub(crate) fn locate(ir: &Ir, map: &compiler::ir::SourceMap, site: Site) -> Option<Loc> {
    let mut site = site;
    // The deepest chain (a response header's type) is six levels; the bound only guards the loop.
    for _ in 0..12 {
        if let Some(loc) = map.get(site) {
            return Some(loc);
        }
        site = parent(ir, site)?;
    }
    None
}

/// What encloses a finding: attribute lists from the innermost element out, and the type names
/// and paths a configured exception may name.
#[derive(Default)]
struct Scope<'a> {
    attributes: Vec<(&'a [Attribute], String)>,
    types: Vec<String>,
    paths: Vec<&'a str>,
}

impl<'a> Scope<'a> {
    fn of(ir: &'a Ir, site: Site) -> Scope<'a> {
        let mut scope = Scope::default();
        let mut current = Some(site);
        let mut guard = 0;
        while let Some(site) = current {
            scope.add(ir, site);
            current = parent(ir, site);
            guard += 1;
            if guard > 12 {
                break;
            }
        }
        scope
    }

    fn add(&mut self, ir: &'a Ir, site: Site) {
        match site {
            Site::Service(s) => {
                if let Some(svc) = ir.services.get(s.index()) {
                    self.attributes.push((&svc.attributes, format!("service `{}`", svc.name)));
                }
            }
            Site::Header(s, h) => {
                if let Some(header) = ir.services.get(s.index()).and_then(|s| s.headers.get(h)) {
                    self.attributes.push((&header.attributes, format!("header `{}`", header.name)));
                }
            }
            Site::Model(m) => {
                if let Some(model) = ir.models.get(m.index()) {
                    self.attributes.push((&model.attributes, format!("model `{}`", model.name)));
                    self.add_type(ir, model.service, "models", &model.name);
                }
            }
            Site::Field(m, f) => {
                if let Some(model) = ir.models.get(m.index())
                    && let Some(field) = model.fields.get(f)
                {
                    let owner = format!("field `{}` of model `{}`", field.name, model.name);
                    self.attributes.push((&field.attributes, owner));
                }
            }
            Site::Interface(i) => {
                if let Some(interface) = ir.interfaces.get(i.index()) {
                    self.attributes.push((&interface.attributes, format!("interface `{}`", interface.name)));
                    self.add_type(ir, interface.service, "interfaces", &interface.name);
                }
            }
            Site::InterfaceField(i, f) => {
                if let Some(interface) = ir.interfaces.get(i.index())
                    && let Some(field) = interface.fields.get(f)
                {
                    let owner = format!("field `{}` of interface `{}`", field.name, interface.name);
                    self.attributes.push((&field.attributes, owner));
                }
            }
            Site::Enum(e) => {
                if let Some(enum_) = ir.enums.get(e.index()) {
                    self.attributes.push((&enum_.attributes, format!("enum `{}`", enum_.name)));
                    self.add_type(ir, enum_.service, "enums", &enum_.name);
                }
            }
            Site::EnumValue(e, v) => {
                if let Some(enum_) = ir.enums.get(e.index())
                    && let Some(value) = enum_.values.get(v)
                {
                    let owner = format!("value `{}` of enum `{}`", value.name, enum_.name);
                    self.attributes.push((&value.attributes, owner));
                }
            }
            Site::Union(u) => {
                if let Some(union) = ir.unions.get(u.index()) {
                    self.attributes.push((&union.attributes, format!("union `{}`", union.name)));
                    self.add_type(ir, union.service, "unions", &union.name);
                }
            }
            Site::UnionMember(u, k) => {
                if let Some(union) = ir.unions.get(u.index())
                    && let Some(member) = union.members.get(k)
                {
                    let owner = format!("member `{}` of union `{}`", member.type_name, union.name);
                    self.attributes.push((&member.attributes, owner));
                    // Flow puts `linter` attributes on the member's model; honour them here too.
                    if let Type::Model(m) = member.ty
                        && let Some(model) = ir.models.get(m.index())
                    {
                        self.attributes.push((&model.attributes, format!("model `{}`", model.name)));
                        self.add_type(ir, model.service, "models", &model.name);
                    }
                }
            }
            Site::Resource(r) => {
                if let Some(resource) = ir.resources.get(r.index()) {
                    self.attributes.push((&resource.attributes, format!("resource `{}`", resource.type_name)));
                    self.types.push(resource.type_name.clone());
                    if let Some(short) = resource.type_name.rsplit('.').next() {
                        self.types.push(short.to_string());
                    }
                    if let Some(path) = &resource.path {
                        self.paths.push(path);
                    }
                }
            }
            Site::Operation(o) => {
                if let Some(op) = ir.operations.get(o.index()) {
                    let owner = format!("operation `{} {}`", op.method.as_str(), op.path);
                    self.attributes.push((&op.attributes, owner));
                    self.paths.push(&op.path);
                }
            }
            Site::Body(o) => {
                if let Some(body) = ir.operations.get(o.index()).and_then(|op| op.body.as_ref()) {
                    self.attributes.push((&body.attributes, "the body".to_string()));
                }
            }
            Site::Parameter(o, p) => {
                if let Some(param) = ir.operations.get(o.index()).and_then(|op| op.parameters.get(p)) {
                    self.attributes.push((&param.attributes, format!("parameter `{}`", param.name)));
                }
            }
            Site::Response(o, r) => {
                if let Some(response) = ir.operations.get(o.index()).and_then(|op| op.responses.get(r)) {
                    self.attributes.push((&response.attributes, "the response".to_string()));
                }
            }
            Site::ResponseHeader(o, r, h) => {
                let op = ir.operations.get(o.index());
                if let Some(header) = op.and_then(|op| op.responses.get(r)).and_then(|r| r.headers.get(h)) {
                    self.attributes.push((&header.attributes, format!("header `{}`", header.name)));
                }
            }
            Site::ServiceName(_)
            | Site::Import(..)
            | Site::Annotation(..)
            | Site::Tag(..)
            | Site::SecurityScheme(..)
            | Site::OperationTag(..)
            | Site::FieldType(..)
            | Site::InterfaceFieldType(..)
            | Site::ModelInterface(..)
            | Site::UnionDiscriminator(_)
            | Site::UnionInterface(..)
            | Site::OperationMethod(_)
            | Site::OperationPath(_)
            | Site::ParameterType(..)
            | Site::ResponseType(..) => {}
        }
    }

    fn add_type(&mut self, ir: &Ir, service: compiler::ir::ServiceId, kind: &str, name: &str) {
        self.types.push(name.to_string());
        if let Some(svc) = ir.services.get(service.index()) {
            self.types.push(format!("{}.{kind}.{name}", svc.namespace));
        }
    }
}

/// Why the finding of `rule` at `site` is suppressed by a `linter` attribute or a configured
/// exception, if it is. `file` is the name of the file the finding points into.
pub(crate) fn suppression(
    ir: &Ir,
    site: Site,
    rule: &Rule,
    finding_names: &[&str],
    file: &str,
    config: &LintConfig,
) -> Option<String> {
    let scope = Scope::of(ir, site);
    let names_this =
        |name: &str| designates(name, rule) || finding_names.iter().any(|n| n.eq_ignore_ascii_case(name.trim()));
    for (attributes, owner) in &scope.attributes {
        for attribute in attributes.iter().filter(|a| a.name.trim().eq_ignore_ascii_case("linter")) {
            if let Some(name) = ignore_list(&attribute.value).find(|n| names_this(n)) {
                return Some(format!("ignored by the `linter` attribute of {owner} (`{name}`)"));
            }
        }
    }
    for exception in &config.ignore {
        if !(exception.rule.trim() == "*" || names_this(&exception.rule)) {
            continue;
        }
        let pattern = exception.path.trim();
        if pattern.is_empty() {
            continue;
        }
        let hit = prefix_matches(pattern, file)
            || scope.types.iter().any(|t| name_matches(pattern, t))
            || scope.paths.iter().any(|p| prefix_matches(pattern, p));
        if hit {
            let mut reason = format!("ignored by the lint configuration for `{pattern}`");
            if let Some(why) = exception.reason.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
                reason.push_str(": ");
                reason.push_str(why);
            }
            return Some(reason);
        }
    }
    None
}

/// The names in a `linter` attribute's `ignore`: an array of strings, or one string.
fn ignore_list(value: &serde_json::Value) -> impl Iterator<Item = &str> {
    let ignore = value.get("ignore");
    let one = ignore.and_then(|v| v.as_str());
    let many = ignore.and_then(|v| v.as_array()).into_iter().flatten().filter_map(|v| v.as_str());
    one.into_iter().chain(many)
}

/// A file or path pattern: equal, a prefix ending at a `/` boundary, or a prefix ending in `*`.
fn prefix_matches(pattern: &str, candidate: &str) -> bool {
    if let Some(prefix) = pattern.strip_suffix('*') {
        return candidate.starts_with(prefix);
    }
    match candidate.strip_prefix(pattern) {
        Some(rest) => rest.is_empty() || pattern.ends_with('/') || rest.starts_with('/'),
        None => false,
    }
}

/// A type-name pattern: equal, or a prefix ending in `*`.
fn name_matches(pattern: &str, candidate: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => candidate.starts_with(prefix),
        None => candidate == pattern,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_patterns_match_whole_segments() {
        assert!(prefix_matches("/internal", "/internal"));
        assert!(prefix_matches("/internal", "/internal/users"));
        assert!(!prefix_matches("/internal", "/internals"));
        assert!(prefix_matches("legacy/", "legacy/user.json"));
        assert!(prefix_matches("legacy", "legacy/user.json"));
        assert!(!prefix_matches("legacy", "legacy-user.json"));
        assert!(prefix_matches("legacy*", "legacy-user.json"));
        assert!(name_matches("user", "user"));
        assert!(!name_matches("user", "user_form"));
        assert!(name_matches("user*", "user_form"));
    }
}
