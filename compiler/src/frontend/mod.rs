//! The boundary between the syntax of a file and the IR: bytes are decoded and parsed into a
//! span-keeping tree (`syntax`), then the front end for the file's format lowers the tree into the
//! IR arenas, leaving types as text for `resolve`. Every front end ends at [`PendingService`].
//!
//! Front ends: `apibuilder` (api.json and service.json) and `openapi` (OpenAPI 3.x). Files named
//! `*.yaml` or `*.yml` are YAML, every other file JSON; a document with an `openapi` (or
//! `swagger`) key is OpenAPI, any other an apibuilder spec.

pub(crate) mod apibuilder;
pub(crate) mod openapi;
pub(crate) mod reader;

use crate::Compiler;
use crate::diagnostic::{Code, Diagnostic};
use crate::ir::ServiceId;
use crate::source::{self, FileId, MAX_FILE_BYTES, SourceFile, Span};
use crate::syntax::{json, yaml};

/// What a front end hands on for one file: the service it declared, and the facts that import
/// and type resolution need but the IR does not keep.
pub(crate) struct PendingService {
    pub service: ServiceId,
    pub file: FileId,
    pub pending: apibuilder::Pending,
    pub summaries: Vec<Option<apibuilder::service_json::ImportSummary>>,
}

impl Compiler<'_> {
    /// Decodes, parses and lowers one file. Returns its id.
    pub fn add_file(&mut self, name: String, bytes: &[u8]) -> FileId {
        let (file, tree) = self.parse_file(name, bytes);
        if let Some((root, is_yaml)) = tree {
            self.lower_file(file, &root, is_yaml, &openapi::Docs::default());
        }
        file
    }

    /// The inputs of a compilation: every file parsed first; then the files OpenAPI documents
    /// refer to (`$ref: ./schemas/pet.yaml#/Pet`) are found among them or loaded, each parsed
    /// once, and followed in turn; then every file is lowered, in input order. A file that an
    /// OpenAPI document refers to is a fragment of it, not a spec of its own.
    pub fn add_inputs(&mut self, inputs: Vec<crate::Input>, loader: &mut dyn crate::Loader) {
        let mut order = Vec::new();
        let mut docs = openapi::Docs::default();
        docs.imports = self.config.imports.clone();
        for input in inputs {
            let (file, tree) = self.parse_file(input.name, &input.bytes);
            if let Some((root, is_yaml)) = tree {
                order.push((file, is_yaml));
                docs.insert(file, self.sources.get(file).name.clone(), root);
            }
        }
        let mut queue: Vec<FileId> =
            order.iter().map(|(f, _)| *f).filter(|f| docs.tree(*f).is_some_and(openapi::is_openapi)).collect();
        while let Some(file) = queue.pop() {
            for name in docs.external_files(file) {
                if docs.by_name(&name).is_some() || docs.failed(&name).is_some() {
                    // An input that is a part: the files it refers to are parts too.
                    if let Some(f) = docs.by_name(&name)
                        && docs.referenced.insert(f)
                        && !docs.tree(f).is_some_and(openapi::is_openapi)
                    {
                        queue.push(f);
                    }
                    continue;
                }
                let loaded = match self.sources.find(&name) {
                    Some(_) => Err(format!("`{name}` could not be read as a document")),
                    None => loader.load(&name),
                };
                match loaded {
                    Ok(bytes) => match self.parse_file(name.clone(), &bytes) {
                        (f, Some((root, _))) => {
                            docs.insert(f, name, root);
                            docs.referenced.insert(f);
                            queue.push(f);
                        }
                        (_, None) => docs.fail(name, "it has errors of its own (reported there)".into()),
                    },
                    Err(reason) => docs.fail(name, reason),
                }
            }
        }
        for (file, is_yaml) in order {
            if docs.referenced.contains(&file) && !docs.tree(file).is_some_and(openapi::is_openapi) {
                continue;
            }
            let root = docs.tree(file).expect("parsed");
            self.lower_file(file, root, is_yaml, &docs);
        }
    }

    /// Decodes and parses one file into a tree (`None` when it cannot be read; the diagnostic is
    /// reported). The bool says whether it was YAML.
    pub(crate) fn parse_file(&mut self, name: String, bytes: &[u8]) -> (FileId, Option<(json::Node, bool)>) {
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
                return (file, None);
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
                return (file, None);
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
                return (file, None);
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
            return (file, None);
        }
        let is_yaml = {
            let lower = self.sources.get(file).name.to_lowercase();
            lower.ends_with(".yaml") || lower.ends_with(".yml")
        };
        let parsed = if is_yaml { yaml::parse(body) } else { json::parse(body) };
        let root = match parsed {
            Ok(root) => shift(root, offset as u32),
            Err(e) => {
                let code = match (e.kind, is_yaml) {
                    (json::ParseErrorKind::TooDeep, _) => Code::E0004,
                    (_, true) => Code::E0063,
                    (_, false) => Code::E0001,
                };
                let span = Span { start: e.span.start + offset as u32, end: e.span.end + offset as u32 };
                self.diags.push(Diagnostic::new(code, file, span, e.message, e.label));
                return (file, None);
            }
        };
        report_duplicate_keys(&root, file, &mut self.diags);
        (file, Some((root, is_yaml)))
    }

    /// Lowers one parsed file with the front end of its format.
    pub(crate) fn lower_file(&mut self, file: FileId, root: &json::Node, is_yaml: bool, docs: &openapi::Docs) {
        if root.as_object().is_none() {
            self.diags.push(
                Diagnostic::new(
                    Code::E0006,
                    file,
                    root.span,
                    if is_yaml {
                        format!("spec must be a YAML mapping, found {}", root.kind_name())
                    } else {
                        format!("spec must be a JSON object, found {}", root.kind_name())
                    },
                    "expected an object",
                )
                .with_help(if is_yaml {
                    "an OpenAPI document is a mapping: `openapi: 3.1.0`, `info: ...`, `paths: ...`"
                } else {
                    "a spec file holds one JSON object: `{\"name\": \"...\"}`"
                }),
            );
            return;
        }
        if is_yaml && !openapi::is_openapi(root) {
            self.diags.push(
                Diagnostic::new(
                    Code::E0006,
                    file,
                    root.span,
                    "a YAML file must be an OpenAPI document, or a part of one: it has no `openapi` key and no document refers to it",
                    "not OpenAPI",
                )
                .with_help("apibuilder specs are JSON; an OpenAPI document starts with `openapi: 3.1.0`, and its parts are the files its `$ref`s name"),
            );
            return;
        }
        let r = reader::Reader { file, diags: &mut self.diags };
        if openapi::is_openapi(root) {
            let service = openapi::lower(r, &mut self.ir, &mut self.map, root, docs);
            self.pending.push(PendingService {
                service,
                file,
                pending: apibuilder::Pending::default(),
                summaries: Vec::new(),
            });
            return;
        }
        let pending = apibuilder::lower(r, &mut self.ir, &mut self.map, root);
        self.pending.push(pending);
    }
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
