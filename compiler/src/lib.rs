//! apigen's spec compiler: reads a repository of apibuilder specs (api.json and service.json)
//! into one resolved [`ir::Ir`], with every problem reported as a [`Diagnostic`].
//!
//! **Invariant:** the compiler never touches the file system, the terminal or the clock. Files
//! come in as bytes; files named by imports are asked for through a [`Loader`] the caller gives.
//! Compiling never stops at the first error and never panics on any input.

pub mod dao;
pub mod diagnostic;
pub mod diff;
pub mod events;
pub mod ir;
pub mod names;
pub mod source;
pub mod syntax;
pub mod usage;

mod frontend;
mod literals;
mod resolve;
mod validate;

use std::collections::BTreeMap;

pub use diagnostic::{Code, Diagnostic, DiagnosticId, Label, Severity};
use frontend::PendingService;
pub use frontend::reader::closest;
use ir::{Ir, SourceMap};
pub use literals::literal_text;
use source::Sources;

/// Settings from `apigen.toml` that change how specs compile.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Root of default namespaces (`io.apibuilder`): a spec without `namespace` gets
    /// `<root>.<key words>.v<major>`.
    pub organization_namespace: Option<String>,
    /// Import URIs mapped to file names (as the [`Loader`] and the input files name them).
    pub imports: BTreeMap<String, String>,
}

/// One input file as bytes, named as diagnostics should show it.
#[derive(Debug, Clone)]
pub struct Input {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Gives the compiler files that imports name but the inputs do not hold.
pub trait Loader {
    /// Returns the file's bytes, or a reason it cannot be read.
    fn load(&mut self, name: &str) -> Result<Vec<u8>, String>;
}

/// A loader for callers that pass every file up front.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoLoader;

impl Loader for NoLoader {
    fn load(&mut self, name: &str) -> Result<Vec<u8>, String> {
        Err(format!("`{name}` is not among the compiled files"))
    }
}

/// The result of compiling a repository: the IR it could build, where everything came from, and
/// every finding, sorted by file and position.
#[derive(Debug)]
pub struct Compilation {
    pub ir: Ir,
    pub map: SourceMap,
    pub sources: Sources,
    pub diagnostics: Vec<Diagnostic>,
}

impl Compilation {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }
}

/// Compiles every input as one spec repository.
pub fn compile(inputs: Vec<Input>, config: &Config, loader: &mut dyn Loader) -> Compilation {
    let mut c = Compiler {
        ir: Ir::default(),
        map: SourceMap::default(),
        sources: Sources::default(),
        diags: Vec::new(),
        pending: Vec::new(),
        config,
    };
    c.add_inputs(inputs, loader);
    frontend::apibuilder::imports::resolve_imports(&mut c, loader);
    resolve::resolve(&mut c);
    literals::place_apibuilder_bounds(&mut c.ir);
    validate::validate(&c.ir, &c.map, &mut c.diags);
    literals::normalize(&mut c.ir);
    sort_items(&mut c.ir);
    diagnostic::sort_and_dedup(&mut c.diags);
    Compilation { ir: c.ir, map: c.map, sources: c.sources, diagnostics: c.diags }
}

/// Whether a file name is a spec's: `*.json` (apibuilder or OpenAPI), `*.yaml` or `*.yml`
/// (OpenAPI). Folders are searched for these.
pub fn is_spec_file(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".json", ".yaml", ".yml"].iter().any(|ext| lower.ends_with(ext))
}

/// Compiles a single document (a convenience for tests and tools).
pub fn compile_str(name: &str, text: &str) -> Compilation {
    compile(vec![Input { name: name.into(), bytes: text.as_bytes().to_vec() }], &Config::default(), &mut NoLoader)
}

pub(crate) struct Compiler<'c> {
    pub ir: Ir,
    pub map: SourceMap,
    pub sources: Sources,
    pub diags: Vec<Diagnostic>,
    pub pending: Vec<PendingService>,
    pub config: &'c Config,
}

/// apibuilder sorts a service's elements case-insensitively by name; so does the IR, so that
/// reordering a spec changes nothing downstream.
fn sort_items(ir: &mut Ir) {
    let Ir { services, models, enums, unions, interfaces, resources, .. } = ir;
    for s in services.iter_mut() {
        s.models.sort_by_cached_key(|id| models[id.index()].name.to_lowercase());
        s.enums.sort_by_cached_key(|id| enums[id.index()].name.to_lowercase());
        s.unions.sort_by_cached_key(|id| unions[id.index()].name.to_lowercase());
        s.interfaces.sort_by_cached_key(|id| interfaces[id.index()].name.to_lowercase());
        s.resources.sort_by_cached_key(|id| resources[id.index()].type_name.to_lowercase());
    }
}
