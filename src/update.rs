//! `apigen update`: regenerates what apigen.toml's apps ask for. All files are generated first;
//! only then, when nothing failed, each changed file is written atomically (a temporary file
//! renamed over the old one). Files that do not start with the `@generated` header are never
//! overwritten.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use compiler::Compilation;
use compiler::ir::{ServiceId, SourceFormat};
use generators::Generator;

use crate::config::{App, Config};

/// A file to write, and what `update` says of it.
#[derive(Debug)]
pub struct Planned {
    pub app: String,
    pub generator: String,
    pub path: PathBuf,
    pub contents: String,
    pub state: State,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Created,
    Updated,
    Unchanged,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Created => "created",
            State::Updated => "updated",
            State::Unchanged => "unchanged",
        }
    }
}

/// Generates every file of the selected apps and compares each with what is on disk.
pub fn plan(config: &Config, compilation: &Compilation, apps: &[String]) -> Result<Vec<Planned>> {
    let selected: Vec<(&String, &App)> = if apps.is_empty() {
        config.file.apps.iter().collect()
    } else {
        let mut out = Vec::new();
        for name in apps {
            match config.file.apps.get_key_value(name) {
                Some(app) => out.push(app),
                None => {
                    let known: Vec<&str> = config.file.apps.keys().map(String::as_str).collect();
                    bail!(
                        "unknown app `{name}`; apigen.toml defines: {}",
                        if known.is_empty() { "no apps".to_string() } else { known.join(", ") }
                    );
                }
            }
        }
        out
    };
    if selected.is_empty() {
        bail!("apigen.toml defines no apps: add an `[apps.<name>]` table with services, generators and output");
    }
    let mut planned = Vec::new();
    for (name, app) in selected {
        planned.extend(plan_app(config, compilation, name, app)?);
    }
    Ok(planned)
}

fn plan_app(config: &Config, c: &Compilation, name: &str, app: &App) -> Result<Vec<Planned>> {
    let ir = &c.ir;
    let mut generators = Vec::new();
    for g in &app.generators {
        match Generator::parse(g) {
            Some(g) => generators.push(g),
            None => {
                let known: Vec<&str> = Generator::ALL.iter().map(|g| g.as_str()).collect();
                bail!("app `{name}`: unknown generator `{g}`; known generators: {}", known.join(", "));
            }
        }
    }
    let mut roots = Vec::new();
    let mut called = Vec::new();
    for key in app.services.iter().chain(&app.clients) {
        match ir.service_by_key(key) {
            Some(s) if ir.service(s).format != SourceFormat::ImportSummary => {
                if app.services.contains(key) {
                    roots.push(s)
                } else {
                    called.push(s)
                }
            }
            _ => {
                let known: Vec<&str> = ir
                    .services
                    .iter()
                    .filter(|s| s.format != SourceFormat::ImportSummary)
                    .map(|s| s.key.as_str())
                    .collect();
                bail!(
                    "app `{name}`: no service with key `{key}` in the spec repository (services: {})",
                    known.join(", ")
                );
            }
        }
    }
    // The services the app needs: its own, and everything they import, transitively.
    let mut needed: BTreeSet<ServiceId> = BTreeSet::new();
    let mut stack: Vec<ServiceId> = roots.iter().chain(&called).copied().collect();
    while let Some(s) = stack.pop() {
        if needed.insert(s) {
            stack.extend(ir.service(s).imports.iter().filter_map(|i| i.service));
        }
    }
    let out_dir = config.root.join(&app.output);
    let mut files = Vec::new();
    let mut modules = Vec::new();
    for &s in &needed {
        let service = ir.service(s);
        let module = generators::rust::module_ident(&service.key).to_string();
        // A service known only from an import summary gets its type names, as raw JSON.
        let mut wanted: BTreeSet<Generator> = BTreeSet::from([Generator::Models]);
        if roots.contains(&s) {
            wanted.extend(generators.iter().copied());
        }
        if called.contains(&s) {
            wanted.insert(Generator::Client);
        }
        wanted.extend(wanted.clone().iter().flat_map(|g| g.needs().iter().copied()));
        wanted.retain(|g| generators::applies(ir, s, *g));
        let mut sub = Vec::new();
        for g in wanted {
            let file = generators::generate(ir, s, g)?;
            sub.push(g.as_str().to_string());
            files.push((g.as_str().to_string(), file));
        }
        files.push(("mod".to_string(), generators::module_file(&format!("{module}/mod.rs"), &sub)));
        modules.push(module);
    }
    files.push(("mod".to_string(), generators::module_file("mod.rs", &modules)));
    files
        .into_iter()
        .map(|(generator, file)| {
            let path = out_dir.join(&file.path);
            let state = match std::fs::read(&path) {
                Ok(existing) if existing == file.contents.as_bytes() => State::Unchanged,
                Ok(existing) => {
                    // Every file apigen writes starts with `generators::HEADER`.
                    if !existing.starts_with(b"// @generated") {
                        bail!("refusing to overwrite `{}`: it does not start with the `@generated` header, so it may hold hand-written code (move it away, or delete it to let apigen own it)", path.display());
                    }
                    State::Updated
                }
                // A file standing where a folder should be means the target does not exist yet; the
                // write phase reports the blocked folder.
                Err(e) if matches!(e.kind(), std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory) => State::Created,
                Err(e) => return Err(e).with_context(|| format!("cannot read `{}`", path.display())),
            };
            Ok(Planned { app: name.to_string(), generator, path, contents: file.contents, state })
        })
        .collect()
}

/// Writes every created or updated file in two phases: first every new text goes to a temporary
/// file beside its target; only when all of those are written are they renamed over the targets.
/// A failure in the first phase (a full disk, an unwritable folder) removes the temporary files and
/// leaves every generated file as it was; a rename never leaves half a file.
pub fn write(planned: &[Planned]) -> Result<()> {
    let mut staged: Vec<(PathBuf, &Path)> = Vec::new();
    fn stage<'p>(p: &'p Planned, staged: &mut Vec<(PathBuf, &'p Path)>) -> Result<()> {
        let dir = p.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create folder `{}`", dir.display()))?;
        let file_name = p.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let tmp = dir.join(format!(".{file_name}.apigen-tmp"));
        std::fs::write(&tmp, &p.contents).with_context(|| format!("cannot write `{}`", tmp.display()))?;
        staged.push((tmp, &p.path));
        Ok(())
    }
    for p in planned.iter().filter(|p| p.state != State::Unchanged) {
        if let Err(e) = stage(p, &mut staged) {
            for (tmp, _) in &staged {
                let _ = std::fs::remove_file(tmp);
            }
            return Err(e.context("nothing was written"));
        }
    }
    for (i, (tmp, target)) in staged.iter().enumerate() {
        if let Err(e) = std::fs::rename(tmp, target) {
            for (tmp, _) in &staged[i..] {
                let _ = std::fs::remove_file(tmp);
            }
            return Err(e).with_context(|| format!("cannot replace `{}`", target.display()));
        }
    }
    Ok(())
}
