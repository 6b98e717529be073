//! `apigen update`: regenerates what apigen.toml's apps ask for. The plan (which files, with what
//! text) is `generators::plan`, a pure function; this module compares it with the disk, writes
//! every changed file atomically (a temporary file renamed over the old one) and deletes the
//! generated files that are no longer produced. Files without the `@generated` mark are never
//! overwritten or deleted.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use compiler::Compilation;
use generators::FileKind;

use crate::config::{App, Config};

/// A file to write or delete, and what `update` says of it.
#[derive(Debug)]
pub struct Planned {
    pub app: String,
    pub generator: String,
    pub path: PathBuf,
    /// The text to write; empty for a file to delete.
    pub contents: String,
    pub state: State,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Created,
    Updated,
    Unchanged,
    /// A generated file the plan no longer has: deleted by `update`, stale for `--check`.
    Deleted,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Created => "created",
            State::Updated => "updated",
            State::Unchanged => "unchanged",
            State::Deleted => "deleted",
        }
    }
}

/// The app's settings as the generators take them, with its migrations as `update` finds them.
pub fn generator_app(name: &str, app: &App, migrations: Option<generators::plan::Migrations>) -> generators::plan::App {
    generators::plan::App {
        name: name.to_string(),
        services: app.services.clone(),
        clients: app.clients.clone(),
        generators: app.generators.clone(),
        tables: app.migrations.as_ref().map(|m| m.services.clone()).unwrap_or_default(),
        migrations,
        settings: generators::Settings { derives: app.models.derives.clone(), replace: app.models.replace.clone() },
    }
}

/// The selected apps (all of them when `apps` is empty).
pub fn select<'c>(config: &'c Config, apps: &[String]) -> Result<Vec<(&'c String, &'c App)>> {
    if config.file.apps.is_empty() {
        bail!("apigen.toml defines no apps: add an `[apps.<name>]` table with services, generators and output");
    }
    if apps.is_empty() {
        return Ok(config.file.apps.iter().collect());
    }
    let mut out = Vec::new();
    for name in apps {
        match config.file.apps.get_key_value(name) {
            Some(app) => out.push(app),
            None => {
                let known: Vec<&str> = config.file.apps.keys().map(String::as_str).collect();
                bail!("unknown app `{name}`; apigen.toml defines: {}", known.join(", "));
            }
        }
    }
    Ok(out)
}

/// Generates every file of the selected apps and compares each with what is on disk, including
/// generated files on disk that the plan no longer has.
pub fn plan(config: &Config, compilation: &Compilation, apps: &[String]) -> Result<Vec<Planned>> {
    let mut planned = Vec::new();
    for (name, app) in select(config, apps)? {
        let migrations_dir = app.migrations.as_ref().map(|m| config.root.join(&m.path));
        let out_dir = config.root.join(&app.output);
        let others = other_outputs(config, name);
        planned.extend(plan_app(config, compilation, name, app, &out_dir, &others, migrations_dir.as_deref())?);
    }
    Ok(planned)
}

/// One app's files compared with the disk: its generated code in `out_dir`, then its next
/// migration in `migrations_dir` (listed in the code's `migrations.rs` already when the app
/// asks for the DAO).
pub fn plan_app(
    config: &Config,
    compilation: &Compilation,
    name: &str,
    app: &App,
    out_dir: &Path,
    others: &[PathBuf],
    migrations_dir: Option<&Path>,
) -> Result<Vec<Planned>> {
    let (next, listed) = match migrations_dir {
        Some(dir) => {
            let next = migrations(compilation, name, app, dir)?;
            let mut files = existing_migrations(dir)?;
            files.extend(
                next.iter()
                    .filter(|p| p.state == State::Created && p.path.extension().is_some_and(|e| e == "sql"))
                    .filter_map(|p| p.path.file_name().map(|f| f.to_string_lossy().into_owned()))
                    .filter_map(|f| Some((migration_number(&f)?, f))),
            );
            files.sort();
            let files: Vec<String> = files.into_iter().map(|(_, f)| f).collect();
            let from = absolute(out_dir);
            let to = absolute(dir);
            let rel = relative(&from, &to).unwrap_or(to);
            let dir = rel.to_string_lossy().replace('\\', "/");
            (next, Some(generators::plan::Migrations { app: name.to_string(), dir, files }))
        }
        None => (Vec::new(), None),
    };
    let files = app_files(config, compilation, name, app, listed)?;
    let mut planned = compare(name, out_dir, files, others)?;
    planned.extend(next);
    Ok(planned)
}

/// The version of a migration's file name: `0002_add_users.sql` → 2.
fn migration_number(file: &str) -> Option<u32> {
    file.strip_suffix(".sql")?.split('_').next()?.parse().ok()
}

/// The migrations in `dir` (`NNNN_description.sql`), by version; none when it does not exist.
pub fn existing_migrations(dir: &Path) -> Result<Vec<(u32, String)>> {
    let mut out = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(e).with_context(|| format!("cannot read folder `{}`", dir.display())),
    };
    for entry in entries {
        let file = entry.with_context(|| format!("cannot read folder `{}`", dir.display()))?.file_name();
        let file = file.to_string_lossy().into_owned();
        if let Some(n) = migration_number(&file) {
            out.push((n, file));
        }
    }
    out.sort();
    if let Some(w) = out.windows(2).find(|w| w[0].0 == w[1].0) {
        bail!(
            "`{}` holds two migrations numbered {:04} (`{}` and `{}`): renumber the newer one (two branches each added one)",
            dir.display(),
            w[0].0,
            w[0].1,
            w[1].1
        );
    }
    Ok(out)
}

/// The app's PostgreSQL migrations: when its tables differ from `schema.json` (the tables as
/// the last migration left them), the next `NNNN_description.sql` and the new `schema.json`.
/// Migrations that exist are never rewritten; a destructive change is refused unless the app's
/// `migrations.allow` names it.
pub fn migrations(compilation: &Compilation, name: &str, app: &App, dir: &Path) -> Result<Vec<Planned>> {
    let Some(m) = &app.migrations else { return Ok(Vec::new()) };
    let mut current = generators::psql::Schema::default();
    let services = if m.services.is_empty() { &app.services } else { &m.services };
    for key in services {
        let Some(sid) = compilation.ir.service_by_key(key) else {
            bail!("app `{name}`: its migrations name service `{key}`, which the spec repository does not have");
        };
        current.tables.extend(generators::psql::Schema::of(&compilation.ir, sid).tables);
    }
    let state_path = dir.join("schema.json");
    let previous = match crate::files::read_file(&state_path) {
        Ok(bytes) => serde_json::from_slice::<generators::psql::Schema>(&bytes)
            .with_context(|| format!("`{}` is not the schema apigen wrote", state_path.display()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => generators::psql::Schema::default(),
        Err(e) => return Err(e).with_context(|| format!("cannot read `{}`", state_path.display())),
    };
    let numbers: Vec<u32> = existing_migrations(dir)?.into_iter().map(|(n, _)| n).collect();
    if previous.is_empty() && !numbers.is_empty() {
        bail!(
            "app `{name}`: `{}` holds migrations but no schema.json: apigen cannot tell what they created",
            dir.display()
        );
    }
    let allowed = |element: &str| m.allow.iter().any(|a| a == element);
    let next = generators::psql::migrate(&previous, &current, &allowed).map_err(|refused| {
        let list: Vec<String> = refused.iter().map(|d| format!("  {} ({})", d.what, d.element)).collect();
        anyhow::anyhow!(
            "app `{name}`: the next migration would be destructive:\n{}\nallow what is intended in apigen.toml: [apps.{name}.migrations] allow = [\"{}\"]",
            list.join("\n"),
            refused[0].element
        )
    })?;
    let Some((description, sql)) = next else {
        // Up to date: the state says so.
        let contents = crate::files::read_file(&state_path).map(|b| String::from_utf8_lossy(&b).into_owned());
        return Ok(contents
            .map(|contents| Planned {
                app: name.to_string(),
                generator: "migrations".into(),
                path: state_path,
                contents,
                state: State::Unchanged,
            })
            .into_iter()
            .collect());
    };
    let number = numbers.iter().max().map_or(1, |n| n + 1);
    let state = format!(
        "{{\"x-generated\": \"@generated by apigen from the spec repository; do not edit.\",{}\n",
        serde_json::to_string_pretty(&current)?.trim_start_matches('{')
    );
    let planned = |path: PathBuf, contents: String, state| Planned {
        app: name.to_string(),
        generator: "migrations".into(),
        path,
        contents,
        state,
    };
    Ok(vec![
        planned(dir.join(format!("{number:04}_{description}.sql")), sql, State::Created),
        planned(state_path, state, if previous.is_empty() { State::Created } else { State::Updated }),
    ])
}

/// Every file of one app: its plan, made a crate when the app asks for one.
pub fn app_files(
    config: &Config,
    compilation: &Compilation,
    name: &str,
    app: &App,
    migrations: Option<generators::plan::Migrations>,
) -> Result<Vec<generators::plan::Planned>> {
    let files = generators::plan::plan(&compilation.ir, &generator_app(name, app, migrations))?;
    let Some(krate) = &app.krate else { return Ok(files) };
    let spec =
        generators::plan::CrateSpec { name: krate.clone(), runtime: app_runtime(config, app)?, standalone: false };
    Ok(generators::plan::into_crate(files, &spec)?)
}

/// How a crate app's Cargo.toml depends on the runtime: by its `runtime` path (relative to
/// apigen.toml), else the runtime this apigen was built with, as seen from the crate's folder.
pub fn app_runtime(config: &Config, app: &App) -> Result<String> {
    let runtime = match &app.runtime {
        Some(path) => config.root.join(path),
        None => built_runtime(),
    };
    runtime_dependency(&config.root.join(&app.output), &runtime)
}

/// The `apigen-runtime` of the repository this apigen was built from.
pub fn built_runtime() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("runtime")
}

/// `path = "<runtime relative to the crate>"`, so that the generated Cargo.toml holds no absolute
/// path when both live in one tree.
pub fn runtime_dependency(crate_dir: &Path, runtime: &Path) -> Result<String> {
    let runtime = std::fs::canonicalize(runtime)
        .with_context(|| format!("cannot find apigen-runtime at `{}`", runtime.display()))?;
    if !runtime.join("Cargo.toml").is_file() {
        bail!("`{}` is not the apigen-runtime crate (it has no Cargo.toml)", runtime.display());
    }
    // The crate's folder may not exist yet (and `--check` creates nothing): resolve the part of
    // it that does, so that symbolic links are seen as the runtime's path sees them.
    let abs = absolute(crate_dir);
    let existing = abs.ancestors().find(|a| a.exists()).unwrap_or(Path::new("/"));
    let from = std::fs::canonicalize(existing)
        .with_context(|| format!("cannot read `{}`", existing.display()))?
        .join(abs.strip_prefix(existing).unwrap_or(Path::new("")));
    let path = relative(&from, &runtime).unwrap_or(runtime);
    Ok(format!("path = {:?}", path.to_string_lossy().replace('\\', "/")))
}

/// `to` as seen from `from`, both absolute: `../../runtime`.
fn relative(from: &Path, to: &Path) -> Option<PathBuf> {
    let (a, b): (Vec<_>, Vec<_>) = (from.components().collect(), to.components().collect());
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if common == 0 {
        return None;
    }
    let mut out = PathBuf::new();
    for _ in common..a.len() {
        out.push("..");
    }
    for c in &b[common..] {
        out.push(c);
    }
    Some(out)
}

/// The output folders of the apps other than `name`: inside this app's folder, they are theirs.
pub fn other_outputs(config: &Config, name: &str) -> Vec<PathBuf> {
    config.file.apps.iter().filter(|(n, _)| *n != name).map(|(_, a)| config.root.join(&a.output)).collect()
}

/// Compares a plan with the output folder.
pub fn compare(
    app: &str,
    out_dir: &Path,
    files: Vec<generators::plan::Planned>,
    others: &[PathBuf],
) -> Result<Vec<Planned>> {
    let wanted: BTreeSet<PathBuf> = files.iter().map(|p| out_dir.join(&p.file.path)).collect();
    let mut out = Vec::new();
    for p in files {
        let path = out_dir.join(&p.file.path);
        let state = match crate::files::read_file(&path) {
            Ok(existing) if existing == p.file.contents.as_bytes() => State::Unchanged,
            Ok(existing) => {
                if !p.file.kind.is_generated(&existing) {
                    bail!(
                        "refusing to overwrite `{}`: it does not start with the `@generated` header, so it may hold hand-written code (move it away, or delete it to let apigen own it)",
                        path.display()
                    );
                }
                State::Updated
            }
            // A file standing where a folder should be means the target does not exist yet; the
            // write phase reports the blocked folder.
            Err(e) if matches!(e.kind(), std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory) => {
                State::Created
            }
            Err(e) => return Err(e).with_context(|| format!("cannot read `{}`", path.display())),
        };
        out.push(Planned { app: app.to_string(), generator: p.generator, path, contents: p.file.contents, state });
    }
    // A crate's generated files are its Cargo.toml and what is under src/; nothing else in its
    // folder is looked at.
    let crate_layout = wanted.contains(&out_dir.join("Cargo.toml"));
    let scan = if crate_layout { out_dir.join("src") } else { out_dir.to_path_buf() };
    let mut found = generated_files(&scan, others)?;
    if crate_layout && is_generated(&out_dir.join("Cargo.toml"), FileKind::Toml).unwrap_or(false) {
        found.push(out_dir.join("Cargo.toml"));
    }
    for path in found {
        if !wanted.contains(&path) {
            out.push(Planned {
                app: app.to_string(),
                generator: "orphan".into(),
                path,
                contents: String::new(),
                state: State::Deleted,
            });
        }
    }
    Ok(out)
}

/// Every regular file under `dir` (not under `skip`) whose kind apigen knows and whose first line
/// carries the `@generated` mark, sorted. A missing folder has none.
pub fn generated_files(dir: &Path, skip: &[PathBuf]) -> Result<Vec<PathBuf>> {
    // Compared as absolute paths without `.` segments: from inside an output folder, it is `.`
    // and its entries `./x`, while another app's folder may be named `x`.
    let skip: Vec<PathBuf> = skip.iter().map(|p| absolute(p)).collect();
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = match std::fs::read_dir(&d) {
            Ok(e) => e,
            Err(e) if matches!(e.kind(), std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory) => continue,
            Err(e) => return Err(e).with_context(|| format!("cannot read folder `{}`", d.display())),
        };
        for entry in entries {
            let entry = entry.with_context(|| format!("cannot read folder `{}`", d.display()))?;
            let path = entry.path();
            let kind = entry.file_type().with_context(|| format!("cannot read `{}`", path.display()))?;
            if kind.is_dir() {
                // Hidden folders and build output (Cargo tags its target dirs) are never generated code.
                let hidden = entry.file_name().to_string_lossy().starts_with('.');
                if !hidden && !path.join("CACHEDIR.TAG").is_file() && !skip.contains(&absolute(&path)) {
                    stack.push(path);
                }
                continue;
            }
            // Symbolic links, devices and pipes are never apigen's.
            if !kind.is_file() {
                continue;
            }
            let Some(file_kind) = path.to_str().and_then(FileKind::of_path) else { continue };
            if is_generated(&path, file_kind)? {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// `path` made absolute, without `.` segments.
fn absolute(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    abs.components().filter(|c| !matches!(c, std::path::Component::CurDir)).collect()
}

/// Reads only the first line's worth of a file.
fn is_generated(path: &Path, kind: FileKind) -> Result<bool> {
    use std::io::Read;
    let mut head = [0u8; 256];
    let mut file = crate::files::open_regular(path).with_context(|| format!("cannot read `{}`", path.display()))?;
    let mut n = 0;
    while n < head.len() {
        match file.read(&mut head[n..]).with_context(|| format!("cannot read `{}`", path.display()))? {
            0 => break,
            k => n += k,
        }
    }
    Ok(kind.is_generated(&head[..n]))
}

/// Writes every created or updated file in two phases: first every new text goes to a temporary
/// file beside its target; only when all of those are written are they renamed over the targets,
/// and only then are the files no longer generated deleted. A failure in the first phase (a full
/// disk, an unwritable folder) removes the temporary files and leaves every generated file as it
/// was; a rename never leaves half a file.
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
    for p in planned.iter().filter(|p| matches!(p.state, State::Created | State::Updated)) {
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
    for p in planned.iter().filter(|p| p.state == State::Deleted) {
        std::fs::remove_file(&p.path).with_context(|| format!("cannot delete `{}`", p.path.display()))?;
        // A service folder left empty goes too.
        if let Some(dir) = p.path.parent() {
            let _ = std::fs::remove_dir(dir);
        }
    }
    Ok(())
}
