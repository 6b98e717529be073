//! apigen's spec compiler: reads a repository of apibuilder specs (api.json and service.json)
//! into one resolved [`ir::Ir`], with every problem reported as a [`Diagnostic`].
//!
//! **Invariant:** the compiler never touches the file system, the terminal or the clock. Files
//! come in as bytes; files named by imports are asked for through a [`Loader`] the caller gives.
//! Compiling never stops at the first error and never panics on any input.

pub mod diagnostic;
pub mod diff;
pub mod ir;
pub mod json;
pub mod names;
pub mod source;

mod api_json;
mod imports;
mod reader;
mod resolve;
mod service_json;
mod validate;

use std::collections::BTreeMap;

pub use diagnostic::{Code, Diagnostic, DiagnosticId, Label, Severity};
use ir::{Ir, ServiceId, SourceMap};
use source::{FileId, MAX_FILE_BYTES, SourceFile, Sources, Span};

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
    for input in inputs {
        c.add_file(input.name, &input.bytes);
    }
    imports::resolve_imports(&mut c, loader);
    resolve::resolve(&mut c);
    validate::validate(&c.ir, &c.map, &mut c.diags);
    sort_items(&mut c.ir);
    diagnostic::sort_and_dedup(&mut c.diags);
    Compilation { ir: c.ir, map: c.map, sources: c.sources, diagnostics: c.diags }
}

/// Compiles a single document (a convenience for tests and tools).
pub fn compile_str(name: &str, text: &str) -> Compilation {
    compile(vec![Input { name: name.into(), bytes: text.as_bytes().to_vec() }], &Config::default(), &mut NoLoader)
}

/// Per-service facts gathered by the front ends for import resolution.
pub(crate) struct PendingService {
    pub service: ServiceId,
    pub file: FileId,
    pub pending: api_json::Pending,
    pub summaries: Vec<Option<service_json::ImportSummary>>,
}

pub(crate) struct Compiler<'c> {
    pub ir: Ir,
    pub map: SourceMap,
    pub sources: Sources,
    pub diags: Vec<Diagnostic>,
    pub pending: Vec<PendingService>,
    pub config: &'c Config,
}

impl Compiler<'_> {
    /// Decodes, parses and lowers one file. Returns its id.
    pub fn add_file(&mut self, name: String, bytes: &[u8]) -> FileId {
        let (text, problem) = decode(bytes);
        let file = self.sources.add(SourceFile::new(name, text));
        let text = &self.sources.get(file).text;
        let whole = Span::new(0, text.len().min(1));
        match problem {
            Some(Decoding::TooLarge(n)) => {
                self.diags.push(Diagnostic::new(
                    Code::E0005,
                    file,
                    Span::default(),
                    format!("file is {} MiB; the limit is {} MiB", n >> 20, MAX_FILE_BYTES >> 20),
                    "file too large",
                ));
                return file;
            }
            Some(Decoding::Utf16) => {
                self.diags.push(
                    Diagnostic::new(
                        Code::E0003,
                        file,
                        Span::default(),
                        "file is UTF-16, not UTF-8",
                        "UTF-16 byte-order mark",
                    )
                    .with_help("save the file as UTF-8"),
                );
                return file;
            }
            Some(Decoding::InvalidUtf8(offset)) => {
                self.diags.push(
                    Diagnostic::new(
                        Code::E0003,
                        file,
                        // The shown text replaced the bad byte by U+FFFD, three bytes long.
                        Span::new(offset, offset + 3),
                        format!("file is not valid UTF-8: invalid byte at offset {offset}"),
                        "invalid UTF-8 here",
                    )
                    .with_help("save the file as UTF-8"),
                );
                return file;
            }
            Some(Decoding::Bom) => {
                self.diags.push(
                    Diagnostic::new(
                        Code::W0001,
                        file,
                        Span::new(0, 3),
                        "file starts with a UTF-8 byte-order mark",
                        "byte-order mark",
                    )
                    .with_help("save the file as UTF-8 without a byte-order mark"),
                );
            }
            None => {}
        }
        // The text kept for display includes a BOM when there was one; parse after it.
        let offset = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let body = &text[offset..];
        if body.trim().is_empty() {
            self.diags.push(
                Diagnostic::new(Code::E0002, file, whole, "file is empty", "no JSON here")
                    .with_help("a spec file holds one JSON object: `{\"name\": \"...\"}`"),
            );
            return file;
        }
        let root = match json::parse(body) {
            Ok(root) => shift(root, offset as u32),
            Err(e) => {
                let code = if e.kind == json::ParseErrorKind::TooDeep { Code::E0004 } else { Code::E0001 };
                let span = Span { start: e.span.start + offset as u32, end: e.span.end + offset as u32 };
                self.diags.push(Diagnostic::new(code, file, span, e.message, e.label));
                return file;
            }
        };
        report_duplicate_keys(&root, file, &mut self.diags);
        if root.as_object().is_none() {
            self.diags.push(
                Diagnostic::new(
                    Code::E0006,
                    file,
                    root.span,
                    format!("spec must be a JSON object, found {}", root.kind_name()),
                    "expected an object",
                )
                .with_help("a spec file holds one JSON object: `{\"name\": \"...\"}`"),
            );
            return file;
        }
        let r = reader::Reader { file, diags: &mut self.diags };
        let pending = if is_service_json(&root) {
            let (service, pending, summaries) = service_json::lower(r, &mut self.ir, &mut self.map, &root);
            PendingService { service, file, pending, summaries }
        } else {
            let (service, pending) = api_json::lower(r, &mut self.ir, &mut self.map, &root);
            PendingService { service, file, pending, summaries: Vec::new() }
        };
        self.pending.push(pending);
        file
    }
}

/// service.json lists named elements in arrays and records who compiled it; api.json uses maps.
fn is_service_json(root: &json::Node) -> bool {
    let arrays = ["models", "enums", "unions", "resources"]
        .iter()
        .any(|k| root.get(k).and_then(json::Node::as_array).is_some_and(|a| !a.is_empty()));
    let compiled_keys = root.get("application").is_some() && root.get("organization").is_some();
    arrays || compiled_keys
}

enum Decoding {
    TooLarge(usize),
    Utf16,
    InvalidUtf8(usize),
    Bom,
}

fn decode(bytes: &[u8]) -> (String, Option<Decoding>) {
    if bytes.len() > MAX_FILE_BYTES {
        return (String::new(), Some(Decoding::TooLarge(bytes.len())));
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return (String::from_utf8_lossy(bytes).into_owned(), Some(Decoding::Utf16));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) if text.starts_with('\u{feff}') => (text.to_string(), Some(Decoding::Bom)),
        Ok(text) => (text.to_string(), None),
        Err(e) => (String::from_utf8_lossy(bytes).into_owned(), Some(Decoding::InvalidUtf8(e.valid_up_to()))),
    }
}

/// Moves every span of a tree parsed from `text[offset..]` back to offsets in `text`.
fn shift(mut node: json::Node, offset: u32) -> json::Node {
    if offset == 0 {
        return node;
    }
    fn go(n: &mut json::Node, o: u32) {
        n.span.start += o;
        n.span.end += o;
        match &mut n.value {
            json::Value::Array(items) => items.iter_mut().for_each(|i| go(i, o)),
            json::Value::Object(members) => members.iter_mut().for_each(|m| {
                m.key_span.start += o;
                m.key_span.end += o;
                go(&mut m.value, o);
            }),
            _ => {}
        }
    }
    go(&mut node, offset);
    node
}

fn report_duplicate_keys(node: &json::Node, file: FileId, diags: &mut Vec<Diagnostic>) {
    match &node.value {
        json::Value::Object(members) => {
            // A map from key to first index: objects such as `models` can hold thousands of keys.
            let mut first_index: std::collections::HashMap<&str, usize> =
                std::collections::HashMap::with_capacity(members.len());
            for (i, m) in members.iter().enumerate() {
                let first = *first_index.entry(m.key.as_str()).or_insert(i);
                if first != i {
                    let first = &members[first];
                    diags.push(
                        Diagnostic::new(
                            Code::E0007,
                            file,
                            m.key_span,
                            format!("duplicate key `{}`", m.key),
                            "duplicate key",
                        )
                        .with_secondary(source::Loc { file, span: first.key_span }, "first defined here")
                        .with_help("remove one of the two, or rename it"),
                    );
                }
                report_duplicate_keys(&m.value, file, diags);
            }
        }
        json::Value::Array(items) => items.iter().for_each(|i| report_duplicate_keys(i, file, diags)),
        _ => {}
    }
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
