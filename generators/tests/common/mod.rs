//! Helpers shared by the generator tests: reading fixtures, the repository's `schemas/` and the
//! shared corpus, compiling them as `apigen` does, and running the models generator on every
//! service a compilation defines.

#![allow(dead_code)] // Each test binary uses a different subset of these helpers.

use std::path::{Path, PathBuf};

use compiler::ir::{Ir, ServiceId, SourceFormat, Type};
use compiler::{Compilation, Config, Input, NoLoader};
use generators::{Generator, rust};

/// The organization namespace `apigen.toml` declares, used for every fixture.
pub const ORG_NAMESPACE: &str = "com.acme";

pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The repository root (the `apigen` workspace).
pub fn repo_root() -> PathBuf {
    manifest_dir().join("..")
}

pub fn fixtures_dir() -> PathBuf {
    manifest_dir().join("tests/fixtures")
}

/// Reads a file, or every `*.json` of a folder, as inputs named relative to `base` (as
/// `tests/common.rs` of the root crate does).
pub fn inputs(path: &Path, base: &Path) -> Vec<Input> {
    let mut files = Vec::new();
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            let p = entry.unwrap().path();
            if p.extension().is_some_and(|e| e == "json") {
                files.push(p);
            }
        }
        files.sort();
    } else {
        files.push(path.to_path_buf());
    }
    files
        .into_iter()
        .map(|p| Input {
            name: p.strip_prefix(base).unwrap_or(&p).to_string_lossy().replace('\\', "/"),
            bytes: std::fs::read(&p).unwrap(),
        })
        .collect()
}

/// A spec repository to generate from: a name usable as a Rust module, and its files.
#[derive(Debug)]
pub struct Unit {
    pub name: String,
    pub inputs: Vec<Input>,
    pub config: Config,
}

fn acme() -> Config {
    Config { organization_namespace: Some(ORG_NAMESPACE.to_string()), ..Config::default() }
}

/// Every fixture: `fixtures/<name>.json` alone, or `fixtures/<name>/*.json` together.
pub fn fixtures() -> Vec<Unit> {
    let dir = fixtures_dir();
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    names
        .into_iter()
        .filter(|p| p.is_dir() || p.extension().is_some_and(|e| e == "json"))
        .map(|p| Unit {
            name: p.file_stem().unwrap().to_string_lossy().into_owned(),
            inputs: inputs(&p, &dir),
            config: acme(),
        })
        .collect()
}

/// The repository's own `schemas/`, as `apigen` compiles them.
pub fn schemas() -> Unit {
    let dir = repo_root().join("schemas");
    Unit { name: "schemas".to_string(), inputs: inputs(&dir, &dir), config: acme() }
}

pub fn compile(unit: &Unit) -> Compilation {
    compiler::compile(unit.inputs.clone(), &unit.config, &mut NoLoader)
}

/// Compiles a unit that must have no errors.
pub fn compile_clean(unit: &Unit) -> Compilation {
    let c = compile(unit);
    let errors: Vec<String> = c.errors().map(|d| format!("{}: {}", d.code.as_str(), d.message)).collect();
    assert!(errors.is_empty(), "`{}` must compile without errors:\n{}", unit.name, errors.join("\n"));
    c
}

/// The services a generator can run on: every service with a definition, in key order.
pub fn generated_services(ir: &Ir) -> Vec<ServiceId> {
    let mut ids: Vec<ServiceId> =
        ir.service_ids().filter(|s| ir.service(*s).format != SourceFormat::ImportSummary).collect();
    ids.sort_by(|a, b| ir.service(*a).key.cmp(&ir.service(*b).key));
    ids
}

/// The models file of every service, keyed by the service's module name.
pub fn models(ir: &Ir) -> Vec<(String, String)> {
    generated_services(ir)
        .into_iter()
        .map(|s| {
            let file = generators::generate(ir, s, Generator::Models)
                .unwrap_or_else(|e| panic!("models of `{}`: {e}", ir.service(s).key));
            (rust::module_ident(&ir.service(s).key).to_string(), file.contents)
        })
        .collect()
}

/// Every generated file of every service, keyed by the service's module name: all generators
/// for services with a definition, the models (type names as raw JSON) for those known only
/// from an import summary.
pub fn all_generated(ir: &Ir) -> Vec<(String, Vec<(String, String)>)> {
    let mut ids: Vec<ServiceId> = ir.service_ids().collect();
    ids.sort_by(|a, b| ir.service(*a).key.cmp(&ir.service(*b).key));
    ids.into_iter()
        .map(|s| {
            let files = Generator::ALL
                .iter()
                .filter(|g| generators::applies(ir, s, **g))
                .map(|g| {
                    let file = generators::generate(ir, s, *g)
                        .unwrap_or_else(|e| panic!("{} of `{}`: {e}", g.as_str(), ir.service(s).key));
                    (g.as_str().to_string(), file.contents)
                })
                .collect();
            (rust::module_ident(&ir.service(s).key).to_string(), files)
        })
        .collect()
}

/// A service whose models use a type of a service known only from an import summary (which
/// no generator can emit), if any: `(service key, summary service key)`.
pub fn uses_opaque_service(ir: &Ir) -> Option<(String, String)> {
    let opaque = |ty: &Type| -> Option<ServiceId> {
        let owner = match ty.innermost() {
            Type::Model(id) => ir.model(*id).service,
            Type::Enum(id) => ir.enum_(*id).service,
            Type::Union(id) => ir.union(*id).service,
            _ => return None,
        };
        (ir.service(owner).format == SourceFormat::ImportSummary).then_some(owner)
    };
    for s in generated_services(ir) {
        let service = ir.service(s);
        let fields = service.models.iter().flat_map(|m| ir.model(*m).fields.iter().map(|f| &f.ty));
        let members = service.unions.iter().flat_map(|u| ir.union(*u).members.iter().map(|m| &m.ty));
        if let Some(other) = fields.chain(members).find_map(opaque) {
            return Some((service.key.clone(), ir.service(other).key.clone()));
        }
    }
    None
}

/// Spec sets of the corpus that import each other compile together, as one repository, as in
/// the root crate's `tests/corpus.rs`: (file prefix, organization namespace).
const CORPUS_GROUPS: &[(&str, Option<&str>)] =
    &[("apicollective_apibuilder__spec__", Some("io.apibuilder")), ("mbryzek_waivers__backend__spec__", None)];

pub fn corpus_dir() -> PathBuf {
    let dir = repo_root().join("../shared/corpus/apibuilder");
    assert!(dir.is_dir(), "the corpus is missing: expected {} (shared/ beside the checkout)", dir.display());
    dir
}

/// Every compilation unit of the shared apibuilder corpus: one per file, one per group (named
/// by its prefix without the trailing `__`).
pub fn corpus() -> Vec<Unit> {
    let dir = corpus_dir();
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    files.sort();
    assert!(files.len() > 150, "the corpus looks incomplete: {} files", files.len());
    let group_of = |name: &str| CORPUS_GROUPS.iter().position(|(prefix, _)| name.starts_with(prefix));
    let input = |name: &str| Input { name: name.to_string(), bytes: std::fs::read(dir.join(name)).unwrap() };
    let mut units: Vec<Unit> = files
        .iter()
        .filter(|n| group_of(n).is_none())
        .map(|n| Unit { name: n.clone(), inputs: vec![input(n)], config: Config::default() })
        .collect();
    for (g, (prefix, namespace)) in CORPUS_GROUPS.iter().enumerate() {
        units.push(Unit {
            name: prefix.trim_end_matches('_').to_string(),
            inputs: files.iter().filter(|n| group_of(n) == Some(g)).map(|n| input(n)).collect(),
            config: Config { organization_namespace: namespace.map(String::from), ..Config::default() },
        });
    }
    units
}
