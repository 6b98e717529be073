//! The `apigen` command line: the only part of apigen that touches files, the terminal and git.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};

use apigen::render::Format;
use apigen::{config, files, render};

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
        /// Spec files or folders (folders are searched for *.json).
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Use this apigen.toml instead of searching for one.
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Print the documentation of a diagnostic code, e.g. `apigen explain E0024`.
    Explain { code: String },
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
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Validate { paths, format, config } => validate(paths, format, config),
        Command::Explain { code } => explain(&code),
    }
}

fn validate(paths: Vec<PathBuf>, format: Format, config_path: Option<PathBuf>) -> Result<ExitCode> {
    let config = match config_path {
        Some(p) => Some(config::load(&p)?),
        None => config::discover(&std::env::current_dir().context("cannot read the working directory")?)?,
    };
    let paths = if paths.is_empty() {
        match &config {
            Some(c) => vec![relative_to_cwd(c.specs_dir())],
            None => bail!("no PATH given and no `{}` found in this folder or any parent", config::FILE_NAME),
        }
    } else {
        paths
    };
    let spec_files = files::collect(&paths)?;
    let inputs = files::read_inputs(&spec_files)?;
    let compiler_config = compiler::Config {
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
    };
    let compilation = compiler::compile(inputs, &compiler_config, &mut files::DiskLoader);
    render::emit(&compilation.diagnostics, &compilation.sources, format).context("cannot write the report")?;
    Ok(if compilation.has_errors() { ExitCode::from(1) } else { ExitCode::SUCCESS })
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
    let Some(code) = compiler::Code::parse(code) else {
        bail!("unknown code `{code}`; codes look like E0024 (run `apigen explain --help`)");
    };
    // Doc comments keep the space after `///`; drop it so the text starts at the margin.
    let text: Vec<&str> = code.explanation().lines().map(|l| l.strip_prefix(' ').unwrap_or(l)).collect();
    println!("{}: {}\n\n{}", code.as_str(), code.summary(), text.join("\n").trim_end());
    Ok(ExitCode::SUCCESS)
}
