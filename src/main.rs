//! The `apigen` command line: the only part of apigen that touches files, the terminal and git.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};

use apigen::render::Format;
use apigen::{config, files, render};

/// Generation builds and drops millions of small token trees, on every core; mimalloc's
/// per-thread heaps make `apigen update` of a large API about a third faster than the system
/// allocator (see the README's performance table).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// API-first toolchain: compile, lint, diff and generate Rust from apibuilder specs.
#[derive(Debug, Parser)]
#[command(name = "apigen", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Compile specs and print every diagnostic.
    ///
    /// With no PATH, validates the spec folder named in apigen.toml (found by walking up from the
    /// working directory). Exit codes: 0 no errors (warnings allowed), 1 errors in specs, 2 usage
    /// or I/O error.
    Validate {
        /// Spec files or folders (folders are searched for *.json, *.yaml and *.yml).
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Use this apigen.toml instead of searching for one.
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Compile specs and check them against the lint rules configured in apigen.toml.
    ///
    /// Exit codes: 0 no errors, 1 spec errors or lint errors, 2 usage or I/O error.
    Lint {
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// The CI gate: validate, lint, (with --against) diff, and generated code up to date, in one report.
    ///
    /// Exit codes: 0 clean, 1 spec errors, lint errors or breaking changes, 2 usage or I/O error.
    Check {
        paths: Vec<PathBuf>,
        /// A git revision to check for breaking changes against (e.g. `origin/main`).
        #[arg(long)]
        against: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Classify every change between two versions of the specs as breaking or not.
    ///
    /// `apigen diff BASE CURRENT` compares two spec files or folders; `apigen diff --against REV
    /// [PATH…]` compares the working tree with a git revision (default PATH: the spec folder of
    /// apigen.toml). Exit codes: 0 nothing breaking, 1 something breaking, 2 could not answer
    /// (usage or I/O error, or specs that do not compile).
    Diff {
        /// BASE and CURRENT; with --against, the paths to compare.
        paths: Vec<PathBuf>,
        /// A git revision to compare the working tree against (e.g. `origin/main`, `HEAD~1`).
        #[arg(long)]
        against: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: DiffFormat,
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Regenerate the code apigen.toml's apps ask for; write only the files that changed.
    ///
    /// Exit codes: 0 done (or, with --check, everything fresh), 1 spec errors or (with --check)
    /// stale files, 2 usage or I/O error.
    Update {
        /// Only these apps (repeatable); default: every app.
        #[arg(long = "app")]
        apps: Vec<String>,
        /// Write nothing; exit 1 if any generated file is stale.
        #[arg(long)]
        check: bool,
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Generate a complete crate from spec files, without any apigen.toml: Cargo.toml (exactly
    /// the dependencies the generated code uses), src/lib.rs, a module per service.
    ///
    /// Exit codes: 0 written, 1 spec errors, 2 usage or I/O error.
    Generate {
        /// Spec files or folders (folders are searched for *.json, *.yaml and *.yml).
        #[arg(required = true)]
        specs: Vec<PathBuf>,
        /// The crate's folder (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// The crate's name; default: the folder's name.
        #[arg(long = "crate")]
        krate: Option<String>,
        /// Generators to run, comma-separated; default: all of them.
        #[arg(long, value_delimiter = ',')]
        generators: Vec<String>,
        /// The apigen-runtime crate to depend on; default: the one this apigen was built with.
        #[arg(long)]
        runtime: Option<PathBuf>,
    },
    /// Print the documentation of a diagnostic code or rule, e.g. `apigen explain E0024`.
    Explain { code: String },
}

/// `println!` that hands back the error rather than panicking: a closed pipe (`apigen … | head`)
/// then ends the program quietly in `main`.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)
    }};
}

/// `print!` that hands back the error, as [`outln!`] does.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        write!(std::io::stdout().lock(), $($arg)*)
    }};
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // clap uses 0 for --help/--version and 2 for usage errors, as our contract says.
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match run(cli) {
        Ok(code) => code,
        // The reader went away (`| head`): nothing is wrong and nobody is listening. End quietly,
        // with the status a shell reports for a program the pipe's signal ended (128 + SIGPIPE).
        Err(e) if is_broken_pipe(&e) => ExitCode::from(141),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe))
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Validate { paths, format, config } => validate(paths, format, config),
        Command::Explain { code } => explain(&code),
        Command::Diff { paths, against, format, config } => diff(paths, against, format, config),
        Command::Lint { paths, format, config } => lint(paths, format, config),
        Command::Update { apps, check, config } => update(apps, check, config),
        Command::Generate { specs, out, krate, generators, runtime } => {
            generate(specs, out, krate, generators, runtime)
        }
        Command::Check { paths, against, format, config } => check(paths, against, format, config),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum DiffFormat {
    Text,
    Json,
    Github,
    Markdown,
}

fn load_config(config_path: Option<PathBuf>) -> Result<Option<config::Config>> {
    match config_path {
        Some(p) => Ok(Some(config::load(&p)?)),
        None => config::discover(&std::env::current_dir().context("cannot read the working directory")?),
    }
}

/// The paths given, or the spec folder of apigen.toml.
fn spec_paths(paths: Vec<PathBuf>, config: &Option<config::Config>) -> Result<Vec<PathBuf>> {
    if !paths.is_empty() {
        return Ok(paths);
    }
    match config {
        Some(c) => Ok(vec![relative_to_cwd(c.specs_dir())]),
        None => bail!("no PATH given and no `{}` found in this folder or any parent", config::FILE_NAME),
    }
}

fn validate(paths: Vec<PathBuf>, format: Format, config_path: Option<PathBuf>) -> Result<ExitCode> {
    let config = load_config(config_path)?;
    let paths = spec_paths(paths, &config)?;
    let compilation = apigen::repo::compile_paths(&paths, &compiler_config(&config))?;
    render::emit(&compilation.diagnostics, &compilation.sources, format).context("cannot write the report")?;
    Ok(if compilation.has_errors() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn lint(paths: Vec<PathBuf>, format: Format, config_path: Option<PathBuf>) -> Result<ExitCode> {
    let config = load_config(config_path)?;
    let paths = spec_paths(paths, &config)?;
    let compilation = apigen::repo::compile_paths(&paths, &compiler_config(&config))?;
    let mut diags = compilation.diagnostics.clone();
    if !compilation.has_errors() {
        let lint_config = config.as_ref().map(|c| &c.file.lint).cloned().unwrap_or_default();
        diags.extend(lint_rules::lint(&compilation.ir, &compilation.map, &compilation.sources, &lint_config));
    }
    compiler::diagnostic::sort_and_dedup(&mut diags);
    render::emit(&diags, &compilation.sources, format).context("cannot write the report")?;
    Ok(if diags.iter().any(|d| d.is_error()) { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn check(
    paths: Vec<PathBuf>,
    against: Option<String>,
    format: Format,
    config_path: Option<PathBuf>,
) -> Result<ExitCode> {
    let config = load_config(config_path)?;
    let paths = spec_paths(paths, &config)?;
    let cc = compiler_config(&config);
    let current = apigen::repo::compile_paths(&paths, &cc)?;
    let mut diags = current.diagnostics.clone();
    let mut sources = current.sources.clone();
    if !current.has_errors() {
        let lint_config = config.as_ref().map(|c| &c.file.lint).cloned().unwrap_or_default();
        diags.extend(lint_rules::lint(&current.ir, &current.map, &current.sources, &lint_config));
        if let Some(rev) = &against {
            let base = apigen::repo::compile_revision(rev, &paths, &cc)?;
            if base.has_errors() {
                render::emit(&base.diagnostics, &base.sources, Format::Text).context("cannot write the report")?;
                bail!("the specs at `{rev}` have errors; the diff cannot be computed");
            }
            let mut changes = compiler::diff::diff((&base.ir, &base.map), (&current.ir, &current.map));
            allow_changes(&mut changes, &config);
            let report = apigen::report::build(changes, &base, &current);
            // The report's sources are the current files followed by the base files, so the
            // validation and lint findings keep their file ids.
            sources = report.sources;
            diags.extend(report.diagnostics.into_iter().filter(|d| d.severity != compiler::Severity::Note));
        }
    }
    compiler::diagnostic::sort_and_dedup(&mut diags);
    render::emit(&diags, &sources, format).context("cannot write the report")?;
    // Generated code must be fresh: what `apigen update --check` says, for every app.
    let mut stale = 0;
    if let Some(cfg) = config.as_ref().filter(|c| !c.file.apps.is_empty() && !current.has_errors()) {
        for p in apigen::update::plan(cfg, &current, &[])? {
            if p.state != apigen::update::State::Unchanged {
                stale += 1;
                let path = files::display_name(&relative_to_cwd(p.path.clone()));
                let message = if p.state == apigen::update::State::Deleted {
                    format!("{path} is no longer generated; run `apigen update` to delete it")
                } else {
                    format!("{path} is stale; run `apigen update`")
                };
                match format {
                    Format::Github => outln!("::error file={path},title=STALE_GENERATED_CODE::{message}")?,
                    Format::Json => outln!(
                        "{}",
                        serde_json::json!({"code": "STALE_GENERATED_CODE", "severity": "error", "message": message, "file": path})
                    )?,
                    Format::Text => outln!("error[STALE_GENERATED_CODE]: {message}")?,
                }
            }
        }
    }
    Ok(if stale > 0 || diags.iter().any(|d| d.is_error()) { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn update(apps: Vec<String>, check: bool, config_path: Option<PathBuf>) -> Result<ExitCode> {
    use apigen::cache;
    let config = load_config(config_path)?;
    let Some(cfg) = &config else {
        bail!("no `{}` found in this folder or any parent; `update` needs one with `[apps.<name>]`", config::FILE_NAME);
    };
    let specs = relative_to_cwd(cfg.specs_dir());
    let walked = files::collect(std::slice::from_ref(&specs))?;
    let selected = apigen::update::select(cfg, &apps)?;
    // Where each crate finds the runtime moves with the project, not with any file it reads.
    let mut runtimes = Vec::new();
    for (name, app) in &selected {
        if app.krate.is_some() {
            runtimes.push(format!("{name}: {}", apigen::update::app_runtime(cfg, app)?));
        }
    }
    let key = cache::key(&cfg.text, &runtimes)?;
    let out_dir = |app: &config::App| relative_to_cwd(cfg.root.join(&app.output));
    let others = |name: &str| -> Vec<PathBuf> {
        apigen::update::other_outputs(cfg, name).into_iter().map(relative_to_cwd).collect()
    };

    // Nothing changed since the last run, and every generated file is as it was written: done.
    let mut cached = Vec::new();
    for (name, app) in &selected {
        let generated = apigen::update::generated_files(&out_dir(app), &others(name))?;
        match cache::Entry::load(&cache::path(&cfg.root, name)).and_then(|e| e.fresh(&key, &walked, &generated)) {
            Some(files) => cached.push((name, files)),
            None => break,
        }
    }
    // Migrations depend on what their folder holds, which the cache does not follow.
    if cached.len() == selected.len() && selected.iter().all(|(_, app)| app.migrations.is_none()) {
        for (name, files) in cached {
            for (generator, path) in files {
                outln!("{name}: {generator} → {} (unchanged)", files::display_name(&path))?;
            }
        }
        return Ok(ExitCode::SUCCESS);
    }

    let inputs = files::read_inputs(&walked)?;
    let mut read: Vec<(String, Vec<u8>)> = inputs.iter().map(|i| (i.name.clone(), i.bytes.clone())).collect();
    let mut loader = cache::RecordingLoader::default();
    let compilation = compiler::compile(inputs, &compiler_config(&config), &mut loader);
    read.extend(loader.loaded);
    if compilation.has_errors() {
        render::emit(&compilation.diagnostics, &compilation.sources, Format::Text)
            .context("cannot write the report")?;
        eprintln!("error: the specs have errors; nothing was generated");
        return Ok(ExitCode::from(1));
    }
    let mut planned = Vec::new();
    for (name, app) in &selected {
        let dir = app.migrations.as_ref().map(|m| relative_to_cwd(cfg.root.join(&m.path)));
        planned.extend(apigen::update::plan_app(
            cfg,
            &compilation,
            name,
            app,
            &out_dir(app),
            &others(name),
            dir.as_deref(),
        )?);
    }
    let stale = planned.iter().filter(|p| p.state != apigen::update::State::Unchanged).count();
    // Report what happened, so in write mode only after the writes succeeded.
    if !check {
        apigen::update::write(&planned)?;
    }
    for p in &planned {
        let state = if check && p.state != apigen::update::State::Unchanged { "stale" } else { p.state.as_str() };
        outln!("{}: {} → {} ({state})", p.app, p.generator, files::display_name(&p.path))?;
    }
    if check && stale > 0 {
        eprintln!("error: {stale} generated file(s) are stale; run `apigen update`");
        return Ok(ExitCode::from(1));
    }
    // The disk now holds exactly the plan: remember it. A cache that cannot be written only
    // makes the next run slower; `--check` writes nothing at all.
    for (name, _) in selected.iter().filter(|_| !check) {
        let outputs: Vec<(PathBuf, &str, &[u8])> = planned
            .iter()
            .filter(|p| &p.app == *name && p.state != apigen::update::State::Deleted)
            .map(|p| (p.path.clone(), p.generator.as_str(), p.contents.as_bytes()))
            .collect();
        let entry = cache::Entry::new(key.clone(), &walked, &read, &outputs);
        let _ = entry.store(&cache::path(&cfg.root, name));
    }
    Ok(ExitCode::SUCCESS)
}

fn generate(
    specs: Vec<PathBuf>,
    out: PathBuf,
    krate: Option<String>,
    generators: Vec<String>,
    runtime: Option<PathBuf>,
) -> Result<ExitCode> {
    let compilation = apigen::repo::compile_paths(&specs, &compiler::Config::default())?;
    if compilation.has_errors() {
        render::emit(&compilation.diagnostics, &compilation.sources, Format::Text)
            .context("cannot write the report")?;
        eprintln!("error: the specs have errors; nothing was generated");
        return Ok(ExitCode::from(1));
    }
    let ir = &compilation.ir;
    let services: Vec<String> = ir
        .services
        .iter()
        .filter(|s| s.format != compiler::ir::SourceFormat::ImportSummary)
        .map(|s| s.key.clone())
        .collect();
    // By default every generator with something to make: the DAO only where there are tables.
    let generators = if generators.is_empty() {
        generators::Generator::ALL
            .iter()
            .filter(|g| **g != generators::Generator::Dao || ir.service_ids().any(|s| generators::applies(ir, s, **g)))
            .map(|g| g.as_str().to_string())
            .collect()
    } else {
        generators
    };
    let name = match krate {
        Some(n) => n,
        None => std::path::absolute(&out)
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .context("give the crate a name with --crate")?,
    };
    if !config::valid_crate_name(&name) {
        bail!("`{name}` is not a valid crate name: a letter, then letters, digits, `-` or `_` (name it with --crate)");
    }
    let app =
        generators::plan::App { name: name.clone(), services, clients: Vec::new(), generators, ..Default::default() };
    let files = generators::plan::plan(ir, &app)?;
    let runtime = runtime.unwrap_or_else(apigen::update::built_runtime);
    let spec = generators::plan::CrateSpec {
        name: name.clone(),
        runtime: apigen::update::runtime_dependency(&out, &runtime)?,
        standalone: true,
    };
    let files = generators::plan::into_crate(files, &spec)?;
    let planned = apigen::update::compare(&name, &out, files, &[])?;
    apigen::update::write(&planned)?;
    for p in &planned {
        outln!("{}: {} → {} ({})", p.app, p.generator, files::display_name(&p.path), p.state.as_str())?;
    }
    Ok(ExitCode::SUCCESS)
}

fn allow_changes(changes: &mut [compiler::diff::Change], config: &Option<config::Config>) {
    let allow = config.as_ref().map(|c| c.file.diff.allow.as_slice()).unwrap_or_default();
    for change in changes {
        if let Some(a) = allow.iter().find(|a| a.matches(change.rule.id, &change.element)) {
            change.allowed = Some(a.reason.clone());
        }
    }
}

fn diff(
    paths: Vec<PathBuf>,
    against: Option<String>,
    format: DiffFormat,
    config_path: Option<PathBuf>,
) -> Result<ExitCode> {
    let config = load_config(config_path)?;
    let cc = compiler_config(&config);
    let (base, current) = match &against {
        Some(rev) => {
            let paths = spec_paths(paths, &config)?;
            (apigen::repo::compile_revision(rev, &paths, &cc)?, apigen::repo::compile_paths(&paths, &cc)?)
        }
        None => match paths.as_slice() {
            [base, current] => (
                apigen::repo::compile_paths(std::slice::from_ref(base), &cc)?,
                apigen::repo::compile_paths(std::slice::from_ref(current), &cc)?,
            ),
            _ => bail!("give BASE and CURRENT (two spec files or folders), or --against REV"),
        },
    };
    // A version that does not compile cannot be compared: show why and answer 2.
    for (label, c) in [("base", &base), ("current", &current)] {
        if c.has_errors() {
            render::emit(&c.diagnostics, &c.sources, Format::Text).context("cannot write the report")?;
            bail!("the {label} version has errors; fix them before comparing");
        }
    }
    let mut changes = compiler::diff::diff((&base.ir, &base.map), (&current.ir, &current.map));
    allow_changes(&mut changes, &config);
    let report = apigen::report::build(changes, &base, &current);
    match format {
        DiffFormat::Text => {
            let stream = codespan_reporting::term::termcolor::StandardStream::stdout(render::color_choice());
            let mut lock = stream.lock();
            render::write_text(&report.diagnostics, &report.sources, &mut lock)?;
            use std::io::Write;
            writeln!(lock, "{}", report.summary())?;
        }
        DiffFormat::Json => out!("{}", report.json_lines())?,
        DiffFormat::Github => {
            for d in &report.diagnostics {
                outln!("{}", render::to_github(d, &report.sources))?;
            }
        }
        DiffFormat::Markdown => out!("{}", report.markdown())?,
    }
    Ok(if report.breaking() > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn compiler_config(config: &Option<config::Config>) -> compiler::Config {
    compiler::Config {
        organization_namespace: config.as_ref().and_then(|c| c.file.organization.namespace.clone()),
        imports: config
            .as_ref()
            .map(|c| {
                c.file
                    .imports
                    .iter()
                    .map(|(uri, file)| (uri.clone(), files::display_name(&relative_to_cwd(c.root.join(file)))))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// Shortens an absolute path under the working directory, so diagnostics show `schemas/user.json`.
fn relative_to_cwd(path: PathBuf) -> PathBuf {
    let Ok(cwd) = std::env::current_dir() else { return path };
    match path.strip_prefix(&cwd) {
        Ok(rel) if rel.as_os_str().is_empty() => PathBuf::from("."),
        Ok(rel) => rel.to_path_buf(),
        Err(_) => path,
    }
}

fn explain(code: &str) -> Result<ExitCode> {
    if let Some(rule) = compiler::diff::rule(code) {
        if rule.directional() {
            outln!(
                "{}: {}\n\nClass: {} where the element travels in requests only, {} where it travels in responses only, {} where it travels both ways (or no operation uses it).",
                rule.id,
                rule.summary,
                rule.request.as_str(),
                rule.response.as_str(),
                rule.class().as_str()
            )?;
        } else {
            outln!("{}: {}\n\nClass: {}.", rule.id, rule.summary, rule.class().as_str())?;
        }
        if rule.class() == compiler::diff::Class::Breaking {
            outln!("Breaks existing {}.", rule.breaks)?;
        }
        if let Some(text) = rule.explanation() {
            outln!("\n{text}")?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(rule) = lint_rules::rule(code) {
        outln!("{}", rule.explanation().trim_end())?;
        return Ok(ExitCode::SUCCESS);
    }
    let Some(code) = compiler::Code::parse(code) else {
        bail!("unknown code `{code}`; codes look like E0024 or FIELD_REMOVED (run `apigen explain --help`)");
    };
    // Doc comments keep the space after `///`; drop it so the text starts at the margin.
    let text: Vec<&str> = code.explanation().lines().map(|l| l.strip_prefix(' ').unwrap_or(l)).collect();
    outln!("{}: {}\n\n{}", code.as_str(), code.summary(), text.join("\n").trim_end())?;
    Ok(ExitCode::SUCCESS)
}
