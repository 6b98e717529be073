//! Name resolution: every `Type::Unresolved` text becomes a resolved [`Type`] (or stays
//! unresolved with an E0024), interfaces lists are resolved, and the things apibuilder derives
//! from resolved types are filled in: resource plurals and paths, full operation paths and the
//! types of path parameters that were not declared.

use std::collections::HashMap;

use crate::Compiler;
use crate::diagnostic::{Code, Diagnostic};
use crate::frontend::apibuilder::PendingOwner;
use crate::ir::*;
use crate::source::Loc;

/// The names a service can refer to: its own types by short and qualified name, and the types of
/// the services it imports by qualified name.
struct Scope {
    names: HashMap<String, Type>,
    /// Short names of imported types → their qualified names, for "did you mean" help.
    imported_short: HashMap<String, String>,
    /// Interfaces by short (local) and qualified name: `interfaces` lists name only interfaces,
    /// even where a union or model has the same name.
    interfaces: HashMap<String, InterfaceId>,
}

fn declare(names: &mut HashMap<String, Type>, ir: &Ir, sid: ServiceId, qualified: bool) {
    let s = ir.service(sid);
    let ns = &s.namespace;
    // Resolution order for a short name is enum → model → union → interface (apibuilder's `Kind`).
    let mut put = |name: &str, kind: &str, ty: Type| {
        if qualified {
            names.entry(format!("{ns}.{kind}.{name}")).or_insert(ty);
        } else {
            names.entry(name.to_string()).or_insert(ty);
        }
    };
    for id in &s.enums {
        put(&ir.enum_(*id).name, "enums", Type::Enum(*id));
    }
    for id in &s.models {
        put(&ir.model(*id).name, "models", Type::Model(*id));
    }
    for id in &s.unions {
        put(&ir.union(*id).name, "unions", Type::Union(*id));
    }
    for id in &s.interfaces {
        put(&ir.interface(*id).name, "interfaces", Type::Interface(*id));
    }
}

fn scope_of(ir: &Ir, sid: ServiceId) -> Scope {
    let mut names = HashMap::new();
    declare(&mut names, ir, sid, false);
    declare(&mut names, ir, sid, true);
    let mut imported_short = HashMap::new();
    for import in &ir.service(sid).imports {
        if let Some(target) = import.service {
            let mut qualified = HashMap::new();
            declare(&mut qualified, ir, target, true);
            for (q, ty) in qualified {
                let short = q.rsplit('.').next().unwrap_or(&q).to_string();
                imported_short.entry(short).or_insert_with(|| q.clone());
                names.entry(q).or_insert(ty);
            }
        }
    }
    let mut interfaces = HashMap::new();
    let mut add_interfaces = |target: ServiceId, local: bool| {
        let s = ir.service(target);
        for id in &s.interfaces {
            let name = &ir.interface(*id).name;
            if local {
                interfaces.insert(name.clone(), *id);
            }
            interfaces.insert(format!("{}.interfaces.{name}", s.namespace), *id);
        }
    };
    add_interfaces(sid, true);
    for import in &ir.service(sid).imports {
        if let Some(target) = import.service {
            add_interfaces(target, false);
        }
    }
    Scope { names, imported_short, interfaces }
}

impl Scope {
    /// Resolves a type expression: `T`, `[T]`, `map[T]`, `map` (= `map[string]`), nested.
    fn resolve(&self, text: &str) -> Result<Type, String> {
        self.resolve_at(text, 0)
    }

    fn resolve_at(&self, text: &str, depth: usize) -> Result<Type, String> {
        let t = text.trim();
        // No real type nests collections more than a few levels; a limit keeps the stack safe.
        if depth > 32 {
            return Err(t.to_string());
        }
        if let Some(inner) = t.strip_prefix("map[").and_then(|r| r.strip_suffix(']')) {
            return Ok(Type::Map(Box::new(self.resolve_at(inner, depth + 1)?)));
        }
        if t == "map" {
            return Ok(Type::Map(Box::new(Type::Primitive(Primitive::String))));
        }
        if let Some(inner) = t.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            return Ok(Type::List(Box::new(self.resolve_at(inner, depth + 1)?)));
        }
        if let Some(p) = Primitive::parse(t) {
            return Ok(Type::Primitive(p));
        }
        self.names.get(t).cloned().ok_or_else(|| t.to_string())
    }
}

pub(crate) fn resolve(c: &mut Compiler<'_>) {
    let scopes: Vec<Scope> = c.ir.service_ids().map(|s| scope_of(&c.ir, s)).collect();
    let has_unresolved_import: Vec<bool> =
        c.ir.services.iter().map(|s| s.imports.iter().any(|i| i.service.is_none())).collect();
    let mut diags = Vec::new();
    let Compiler { ir, map, pending, .. } = c;

    // Interfaces that models and unions implement.
    for p in pending.iter() {
        for (owner, names) in &p.pending.interfaces {
            let sid = p.service;
            for (i, (name, loc)) in names.iter().enumerate() {
                match scopes[sid.index()].interfaces.get(name.trim()).copied() {
                    Some(id) => match owner {
                        PendingOwner::Model(m) => {
                            map.insert(Site::ModelInterface(*m, ir.models[m.index()].interfaces.len()), *loc);
                            ir.models[m.index()].interfaces.push(id);
                        }
                        PendingOwner::Union(u) => {
                            map.insert(Site::UnionInterface(*u, ir.unions[u.index()].interfaces.len()), *loc);
                            ir.unions[u.index()].interfaces.push(id);
                        }
                    },
                    _ => {
                        let owner_name = match owner {
                            PendingOwner::Model(m) => format!("model `{}`", ir.models[m.index()].name),
                            PendingOwner::Union(u) => format!("union `{}`", ir.unions[u.index()].name),
                        };
                        diags.push(Diagnostic::at(
                            Code::E0031,
                            *loc,
                            format!("interface `{name}` of {owner_name} not found"),
                            "no such interface",
                        ));
                    }
                }
                let _ = i;
            }
        }
    }

    let resolve_slot = |ty: &mut Type, sid: ServiceId, loc: Option<Loc>, diags: &mut Vec<Diagnostic>| {
        let Type::Unresolved(text) = ty else { return };
        if text.is_empty() {
            return; // Missing type: already reported, or a path parameter to infer.
        }
        match scopes[sid.index()].resolve(text) {
            Ok(resolved) => *ty = resolved,
            Err(name) => {
                // A qualified name into an import that did not resolve has its root cause
                // reported already (E0021); one error per root cause.
                if has_unresolved_import[sid.index()] && looks_qualified(&name) {
                    return;
                }
                if let Some(loc) = loc {
                    let mut d = Diagnostic::at(Code::E0024, loc, format!("type `{name}` not found"), "unknown type");
                    if let Some(q) = scopes[sid.index()].imported_short.get(&name) {
                        d = d.with_help(format!(
                            "types of imported specs are referenced by their qualified name: `{q}`"
                        ));
                    } else if let Some(best) = crate::frontend::reader::closest(
                        &name,
                        // Qualified names are suggested only for qualified misspellings; the
                        // primitives (`strng` → `string`) are names too.
                        scopes[sid.index()]
                            .names
                            .keys()
                            .map(String::as_str)
                            .filter(|k| !k.contains('.') || name.contains('.'))
                            .chain(Primitive::ALL.iter().map(|p| p.as_str())),
                    ) {
                        d = d.with_help(format!("did you mean `{best}`?"));
                    }
                    diags.push(d);
                }
            }
        }
    };

    let summary = |ir: &Ir, sid: ServiceId| ir.service(sid).format == SourceFormat::ImportSummary;
    for m in 0..ir.models.len() {
        let sid = ir.models[m].service;
        if summary(ir, sid) {
            continue;
        }
        for f in 0..ir.models[m].fields.len() {
            let loc = map.get(Site::FieldType(ModelId(m as u32), f));
            resolve_slot(&mut ir.models[m].fields[f].ty, sid, loc, &mut diags);
        }
    }
    for i in 0..ir.interfaces.len() {
        let sid = ir.interfaces[i].service;
        for f in 0..ir.interfaces[i].fields.len() {
            let loc = map.get(Site::InterfaceFieldType(InterfaceId(i as u32), f));
            resolve_slot(&mut ir.interfaces[i].fields[f].ty, sid, loc, &mut diags);
        }
    }
    for u in 0..ir.unions.len() {
        let sid = ir.unions[u].service;
        for k in 0..ir.unions[u].members.len() {
            let loc = map.get(Site::UnionMember(UnionId(u as u32), k));
            resolve_slot(&mut ir.unions[u].members[k].ty, sid, loc, &mut diags);
        }
    }
    for s in 0..ir.services.len() {
        let sid = ServiceId(s as u32);
        for h in 0..ir.services[s].headers.len() {
            let loc = map.get(Site::Header(sid, h));
            resolve_slot(&mut ir.services[s].headers[h].ty, sid, loc, &mut diags);
        }
    }

    // Resources: type, plural and path.
    for r in 0..ir.resources.len() {
        let sid = ir.resources[r].service;
        let loc = map.get(Site::Resource(ResourceId(r as u32)));
        let text = ir.resources[r].type_name.clone();
        let resolved = scopes[sid.index()].resolve(&text);
        // OpenAPI resources group operations by tag; a model, enum or union of that name is
        // their type, else they have none (the tag's name, unresolved).
        if ir.services[sid.index()].format == SourceFormat::OpenApi {
            if ir.resources[r].kind.is_outbound() {
                continue;
            }
            if let Ok(ty @ (Type::Model(_) | Type::Enum(_) | Type::Union(_))) = resolved {
                ir.resources[r].ty = ty;
            }
            continue;
        }
        let problem = match &resolved {
            Ok(Type::List(_)) | Ok(Type::Map(_)) => Some("must be a singleton (not a list nor map)".to_string()),
            Ok(Type::Primitive(_)) => Some("primitives cannot be mapped to resources".to_string()),
            Ok(Type::Interface(_)) => Some("interfaces are abstract; use a model or a union".to_string()),
            Ok(_) => None,
            Err(_) => Some("type not found".to_string()),
        };
        let unresolved_import = resolved.is_err() && has_unresolved_import[sid.index()] && looks_qualified(&text);
        if let (Some(problem), Some(loc), false) = (problem, loc, unresolved_import) {
            diags.push(
                Diagnostic::at(
                    Code::E0047,
                    loc,
                    format!("resource `{text}` has an invalid type: {problem}"),
                    "not a model, enum or union",
                )
                .with_help("a resource is keyed by the name of a model, enum or union (qualified if imported)"),
            );
        }
        let plural = match &resolved {
            Ok(Type::Model(id)) => ir.model(*id).plural.clone(),
            Ok(Type::Enum(id)) => ir.enum_(*id).plural.clone(),
            Ok(Type::Union(id)) => ir.union(*id).plural.clone(),
            Ok(Type::Interface(id)) => ir.interface(*id).plural.clone(),
            _ => crate::names::pluralize(text.rsplit('.').next().unwrap_or(&text)),
        };
        let res = &mut ir.resources[r];
        if res.plural.is_empty() {
            res.plural = plural;
        }
        res.ty = resolved.unwrap_or(Type::Unresolved(text));
        if res.path.is_none() && ir.services[sid.index()].format == SourceFormat::ApiJson {
            res.path =
                Some(if matches!(res.ty, Type::Unresolved(_)) { String::new() } else { format!("/{}", res.plural) });
        }
    }

    // Operations: full paths, then every type slot, then inferred path parameter types.
    for o in 0..ir.operations.len() {
        let oid = OperationId(o as u32);
        let rid = ir.operations[o].resource;
        let sid = ir.resources[rid.index()].service;
        if ir.services[sid.index()].format == SourceFormat::ApiJson {
            let rpath = ir.resources[rid.index()].path.clone().unwrap_or_default();
            let joined = format!("{rpath}{}", ir.operations[o].path);
            ir.operations[o].path = if joined.is_empty() { "/".to_string() } else { joined };
        }
        if let Some(body) = &mut ir.operations[o].body {
            for c in &mut body.content {
                resolve_slot(&mut c.ty, sid, map.get(Site::Body(oid)), &mut diags);
            }
        }
        for p in 0..ir.operations[o].parameters.len() {
            let loc = map.get(Site::ParameterType(oid, p));
            resolve_slot(&mut ir.operations[o].parameters[p].ty, sid, loc, &mut diags);
        }
        for r in 0..ir.operations[o].responses.len() {
            let loc = map.get(Site::ResponseType(oid, r));
            for c in &mut ir.operations[o].responses[r].content {
                resolve_slot(&mut c.ty, sid, loc, &mut diags);
            }
            // `unit` is apibuilder's word for "no body".
            ir.operations[o].responses[r].content.retain(|c| !c.ty.is_unit());
            for h in 0..ir.operations[o].responses[r].headers.len() {
                let loc = map.get(Site::ResponseHeader(oid, r, h));
                resolve_slot(&mut ir.operations[o].responses[r].headers[h].ty, sid, loc, &mut diags);
            }
        }
        for p in 0..ir.operations[o].parameters.len() {
            if ir.operations[o].parameters[p].inferred {
                let name = ir.operations[o].parameters[p].name.clone();
                ir.operations[o].parameters[p].ty = infer_path_type(ir, &ir.resources[rid.index()].ty, &name);
            }
        }
    }
    c.diags.extend(diags);
}

/// The type of an undeclared path parameter: the resource model's field of that name; for a
/// union resource the type that field has in every member; otherwise `string`.
fn infer_path_type(ir: &Ir, resource: &Type, name: &str) -> Type {
    let field_of = |m: ModelId| ir.model(m).fields.iter().find(|f| f.name == name).map(|f| f.ty.clone());
    let found = match resource {
        Type::Model(m) => field_of(*m),
        Type::Union(u) => {
            let types: Vec<Option<Type>> = ir
                .union(*u)
                .members
                .iter()
                .map(|m| match &m.ty {
                    Type::Model(id) => field_of(*id),
                    _ => None,
                })
                .collect();
            match types.first() {
                Some(Some(first)) if types.iter().all(|t| t.as_ref() == Some(first)) => Some(first.clone()),
                _ => None,
            }
        }
        _ => None,
    };
    found.filter(|t| !matches!(t, Type::Unresolved(_))).unwrap_or(Type::Primitive(Primitive::String))
}

/// `io.flow.common.v0.models.user`: a name into another spec's namespace.
fn looks_qualified(name: &str) -> bool {
    let inner = name.trim_start_matches('[').trim_start_matches("map[").trim_end_matches(']');
    [".models.", ".enums.", ".unions.", ".interfaces."].iter().any(|k| inner.contains(k))
}
