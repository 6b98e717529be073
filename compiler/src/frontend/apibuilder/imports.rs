//! Import resolution across one spec repository: URIs to services, namespaces, duplicate keys and
//! import cycles. Nothing is fetched over the network, ever.

use std::collections::{BTreeMap, HashMap};

use super::service_json::ImportSummary;
use crate::diagnostic::{Code, Diagnostic};
use crate::ir::*;
use crate::names;
use crate::source::{FileId, Loc, Span};
use crate::{Compiler, Loader};

/// Where an import URI points.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    /// A file, by name relative to the repository (or as the config maps it).
    File(String),
    /// An apibuilder URL: the application key.
    App(String),
    Invalid(String),
}

fn classify(uri: &str, importer: &str, config: &crate::Config) -> Target {
    if let Some(file) = config.imports.get(uri) {
        return Target::File(file.clone());
    }
    if uri.trim().is_empty() {
        return Target::Invalid("import uri must be a non-empty string".into());
    }
    if uri.ends_with('/') {
        return Target::Invalid(format!("uri `{uri}` cannot end with a '/'"));
    }
    if let Some(path) = uri.strip_prefix("file://") {
        return Target::File(join_relative(importer, path));
    }
    if uri.starts_with("http://") || uri.starts_with("https://") {
        // …/<org>/<app>/<version>/service.json, as apibuilder publishes them.
        let segments: Vec<&str> = uri.split('/').filter(|s| !s.is_empty()).collect();
        if segments.len() >= 5 && segments.last().is_some_and(|s| s.ends_with(".json")) {
            return Target::App(segments[segments.len() - 3].to_string());
        }
        return Target::Invalid(format!(
            "uri `{uri}` is not of the form `…/<organization>/<application>/<version>/service.json`"
        ));
    }
    if uri.contains("://") {
        return Target::Invalid(format!("uri `{uri}` must start with http://, https:// or file://"));
    }
    if uri.ends_with(".json") {
        return Target::File(join_relative(importer, uri));
    }
    Target::Invalid(format!("uri `{uri}` must start with http://, https:// or file://"))
}

/// `importer`'s folder joined with a relative path, normalised (`a/./b/../c` → `a/c`).
fn join_relative(importer: &str, path: &str) -> String {
    if path.starts_with('/') {
        return normalize_path(path);
    }
    let dir = importer.rsplit_once('/').map_or("", |(d, _)| d);
    if dir.is_empty() { normalize_path(path) } else { normalize_path(&format!("{dir}/{path}")) }
}

fn normalize_path(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    if path.starts_with('/') { format!("/{joined}") } else { joined }
}

pub(crate) fn resolve_imports(c: &mut Compiler<'_>, loader: &mut dyn Loader) {
    // Pass 1: load files named by imports (which may name further files) until nothing is new.
    let mut next = 0;
    while next < c.pending.len() {
        let importer = c.sources.get(c.pending[next].file).name.clone();
        let uris: Vec<(String, Span)> = c.pending[next].pending.imports.clone();
        let file = c.pending[next].file;
        next += 1;
        for (uri, span) in uris {
            if let Target::File(name) = classify(&uri, &importer, c.config)
                && c.sources.find(&name).is_none()
            {
                match loader.load(&name) {
                    Ok(bytes) => {
                        c.add_file(name, &bytes);
                    }
                    Err(reason) => c.diags.push(
                        Diagnostic::new(
                            Code::E0021,
                            file,
                            span,
                            format!("import `{uri}` not found"),
                            "cannot load this file",
                        )
                        .with_note(reason),
                    ),
                }
            }
        }
    }

    // Keys of real (not summary) services; a key held twice is ambiguous.
    let mut by_key: HashMap<String, ServiceId> = HashMap::new();
    for p in &c.pending {
        let key = c.ir.service(p.service).key.clone();
        if key.is_empty() {
            continue;
        }
        if let Some(first) = by_key.get(&key) {
            let loc = c.map.get(Site::ServiceName(p.service)).expect("every service has a name location");
            let first_loc = c.map.get(Site::ServiceName(*first)).expect("every service has a name location");
            c.diags.push(
                Diagnostic::at(
                    Code::E0023,
                    loc,
                    format!("two specs have the key `{key}`"),
                    "second spec with this key",
                )
                .with_secondary(first_loc, "first spec with this key")
                .with_help("give one of them another `name`"),
            );
        } else {
            by_key.insert(key, p.service);
        }
    }
    let by_file: HashMap<FileId, ServiceId> = c.pending.iter().map(|p| (p.file, p.service)).collect();

    // Namespaces, so that summary services can be matched by namespace too.
    for p in &c.pending {
        let s = &mut c.ir.services[p.service.index()];
        s.namespace = match &p.pending.namespace {
            Some(ns) => ns.clone(),
            None => {
                let major = s.version.as_deref().map_or(0, names::major_version);
                names::default_namespace(c.config.organization_namespace.as_deref().unwrap_or(""), &s.key, major)
            }
        };
    }

    // Pass 2: point every import at its service.
    let mut summary_services: BTreeMap<String, ServiceId> = BTreeMap::new();
    for i in 0..c.pending.len() {
        let sid = c.pending[i].service;
        let file = c.pending[i].file;
        let importer = c.sources.get(file).name.clone();
        let uris = c.pending[i].pending.imports.clone();
        let mut imports = Vec::new();
        for (k, (uri, span)) in uris.into_iter().enumerate() {
            let summary = c.pending[i].summaries.get(k).cloned().flatten();
            let recorded = summary.as_ref().map_or((None, None, None, None), |s| {
                (Some(s.namespace.clone()), s.organization.clone(), s.application.clone(), s.version.clone())
            });
            let target = classify(&uri, &importer, c.config);
            let found = match &target {
                Target::File(name) => c.sources.find(name).and_then(|f| by_file.get(&f).copied()),
                Target::App(key) => by_key.get(key).copied().or_else(|| {
                    // A service.json import names the application key, which may differ from the URL's.
                    let app = summary.as_ref().and_then(|s| s.application.clone())?;
                    by_key.get(&app).copied()
                }),
                Target::Invalid(_) => None,
            };
            let found = found.or_else(|| {
                let ns = &summary.as_ref()?.namespace;
                c.ir.services
                    .iter()
                    .position(|s| &s.namespace == ns && s.format != SourceFormat::ImportSummary)
                    .map(|p| ServiceId(p as u32))
            });
            let service = match (found, &target, summary) {
                (Some(s), _, _) => Some(s),
                (None, _, Some(summary)) => Some(summary_service(c, &mut summary_services, &uri, summary)),
                (None, Target::Invalid(reason), None) => {
                    c.diags.push(Diagnostic::new(
                        Code::E0020,
                        file,
                        span,
                        format!("invalid import: {reason}"),
                        "invalid uri",
                    ));
                    None
                }
                (None, Target::File(_), None) => None, // reported when loading
                (None, Target::App(key), None) => {
                    let mut d = Diagnostic::new(Code::E0021, file, span, format!("import `{uri}` not found"), format!("no spec with key `{key}` in this repository"))
                        .with_help(format!("add the spec whose key is `{key}` to the repository, or map this uri to a file under `[imports]` in apigen.toml"));
                    let known: Vec<&str> = by_key.keys().map(String::as_str).collect();
                    if !known.is_empty() {
                        let mut known = known;
                        known.sort_unstable();
                        d = d.with_note(format!("keys in this repository: {}", known.join(", ")));
                    }
                    c.diags.push(d);
                    None
                }
            };
            if service == Some(sid) {
                c.diags.push(Diagnostic::new(
                    Code::E0022,
                    file,
                    span,
                    "a spec cannot import itself",
                    "imports this same spec",
                ));
            }
            let (namespace, organization, application, version) = recorded;
            imports.push(Import {
                uri,
                service: service.filter(|s| *s != sid),
                namespace,
                organization,
                application,
                version,
            });
        }
        c.ir.services[sid.index()].imports = imports;
    }
    report_cycles(c);
}

/// Declares the types an import summary names, once per namespace.
fn summary_service(
    c: &mut Compiler<'_>,
    cache: &mut BTreeMap<String, ServiceId>,
    uri: &str,
    summary: ImportSummary,
) -> ServiceId {
    if let Some(&id) = cache.get(&summary.namespace) {
        // A service.json may import several versions of one service; their summaries together
        // declare every name any of them has.
        merge_summary(c, id, &summary);
        return id;
    }
    let sid = ServiceId(c.ir.services.len() as u32);
    let key = summary.application.clone().unwrap_or_else(|| summary.namespace.clone());
    let s = Service {
        namespace: summary.namespace.clone(),
        description: Some(format!("declared by the import summary of `{uri}`")),
        ..Service::new(key.clone(), key, SourceFormat::ImportSummary)
    };
    c.ir.services.push(s);
    declare_summary_types(c, sid, &summary);
    cache.insert(summary.namespace, sid);
    sid
}

fn declare_summary_types(c: &mut Compiler<'_>, sid: ServiceId, summary: &ImportSummary) {
    let ir = &mut c.ir;
    let s = &mut ir.services[sid.index()];
    for name in &summary.enums {
        s.enums.push(EnumId(ir.enums.len() as u32));
        ir.enums.push(Enum::named(sid, name, names::pluralize(name)));
    }
    for name in &summary.models {
        s.models.push(ModelId(ir.models.len() as u32));
        ir.models.push(Model::named(sid, name, names::pluralize(name)));
    }
    for name in &summary.unions {
        s.unions.push(UnionId(ir.unions.len() as u32));
        ir.unions.push(Union::named(sid, name, names::pluralize(name)));
    }
    for name in &summary.interfaces {
        s.interfaces.push(InterfaceId(ir.interfaces.len() as u32));
        ir.interfaces.push(Interface::named(sid, name, names::pluralize(name)));
    }
    s.annotations.extend(summary.annotations.iter().map(|a| Annotation {
        name: a.clone(),
        description: None,
        deprecation: None,
    }));
}

fn merge_summary(c: &mut Compiler<'_>, sid: ServiceId, summary: &ImportSummary) {
    let s = &c.ir.services[sid.index()];
    let has = |names: Vec<&str>, name: &str| names.contains(&name);
    let enums: Vec<String> = summary
        .enums
        .iter()
        .filter(|n| !has(s.enums.iter().map(|i| c.ir.enums[i.index()].name.as_str()).collect(), n))
        .cloned()
        .collect();
    let models: Vec<String> = summary
        .models
        .iter()
        .filter(|n| !has(s.models.iter().map(|i| c.ir.models[i.index()].name.as_str()).collect(), n))
        .cloned()
        .collect();
    let unions: Vec<String> = summary
        .unions
        .iter()
        .filter(|n| !has(s.unions.iter().map(|i| c.ir.unions[i.index()].name.as_str()).collect(), n))
        .cloned()
        .collect();
    let interfaces: Vec<String> = summary
        .interfaces
        .iter()
        .filter(|n| !has(s.interfaces.iter().map(|i| c.ir.interfaces[i.index()].name.as_str()).collect(), n))
        .cloned()
        .collect();
    let annotations: Vec<String> =
        summary.annotations.iter().filter(|n| !s.annotations.iter().any(|a| &a.name == *n)).cloned().collect();
    declare_summary_types(
        c,
        sid,
        &ImportSummary { enums, models, unions, interfaces, annotations, ..ImportSummary::default() },
    );
}

/// Reports each import cycle once, on the import that closes it, naming the whole cycle.
fn report_cycles(c: &mut Compiler<'_>) {
    let n = c.ir.services.len();
    let edges: Vec<Vec<(usize, ServiceId)>> =
        c.ir.services
            .iter()
            .map(|s| s.imports.iter().enumerate().filter_map(|(i, imp)| imp.service.map(|t| (i, t))).collect())
            .collect();
    // Iterative DFS with colors: 0 unvisited, 1 on the stack, 2 done.
    let mut color = vec![0u8; n];
    let mut reported = std::collections::HashSet::new();
    for start in 0..n {
        if color[start] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        color[start] = 1;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if *next < edges[node].len() {
                let (import_index, target) = edges[node][*next];
                *next += 1;
                let t = target.index();
                match color[t] {
                    0 => {
                        color[t] = 1;
                        stack.push((t, 0));
                    }
                    1 => {
                        let pos = stack.iter().position(|(s, _)| *s == t).unwrap_or(0);
                        let mut cycle: Vec<usize> = stack[pos..].iter().map(|(s, _)| *s).collect();
                        let mut key_set = cycle.clone();
                        key_set.sort_unstable();
                        if reported.insert(key_set) {
                            cycle.push(t);
                            let names: Vec<String> = cycle.iter().map(|s| c.ir.services[*s].key.clone()).collect();
                            let loc: Option<Loc> = c.map.get(Site::Import(ServiceId(node as u32), import_index));
                            if let Some(loc) = loc {
                                c.diags.push(
                                    Diagnostic::at(
                                        Code::E0022,
                                        loc,
                                        format!("cyclic import: {}", names.join(" → ")),
                                        "this import closes the cycle",
                                    )
                                    .with_help("move the types both specs need into a third spec that both import"),
                                );
                            }
                        }
                    }
                    _ => {}
                }
            } else {
                color[node] = 2;
                stack.pop();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_classify() {
        let cfg = crate::Config::default();
        assert_eq!(
            classify("https://app.apibuilder.io/apicollective/apibuilder-common/latest/service.json", "a.json", &cfg),
            Target::App("apibuilder-common".into())
        );
        assert_eq!(classify("file://common.json", "specs/user.json", &cfg), Target::File("specs/common.json".into()));
        assert_eq!(classify("../x/common.json", "specs/user.json", &cfg), Target::File("x/common.json".into()));
        assert!(matches!(classify("foobar", "a.json", &cfg), Target::Invalid(_)));
        assert!(matches!(classify("https://x.io/a/b/", "a.json", &cfg), Target::Invalid(_)));
        assert!(matches!(classify("ftp://x.io/a", "a.json", &cfg), Target::Invalid(_)));
    }
}
