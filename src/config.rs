//! `apigen.toml`: found by walking up from the working directory, as Cargo finds Cargo.toml.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;

pub const FILE_NAME: &str = "apigen.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default)]
    pub organization: Organization,
    /// Import URIs mapped to spec files (relative to the folder holding apigen.toml).
    #[serde(default)]
    pub imports: BTreeMap<String, String>,
    #[serde(default)]
    pub diff: DiffConfig,
    /// Apps whose code `apigen update` generates, by name.
    #[serde(default)]
    pub apps: BTreeMap<String, App>,
    /// Lint configuration (categories, rules, severities, exceptions).
    #[serde(default)]
    pub lint: lint_rules::LintConfig,
}

/// One app: which services it needs, which generators, and where their files go.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct App {
    /// Keys of the services the app serves or calls; their imports come along (models only).
    pub services: Vec<String>,
    /// Generators to run for those services: `models`, `api`, `server`, `client`, `mock`, `dao`, `events`
    /// (also for the services of `migrations`).
    pub generators: Vec<String>,
    /// Services the app calls: their models, API traits and HTTP client are generated too.
    #[serde(default)]
    pub clients: Vec<String>,
    /// The folder (relative to apigen.toml) the generated modules are written to.
    pub output: String,
    /// Settings of the models generator, which every other generator's types follow.
    #[serde(default)]
    pub models: ModelSettings,
    /// Write a crate of this name at `output` (Cargo.toml, src/lib.rs, modules under src/)
    /// instead of a folder of modules.
    #[serde(default, rename = "crate")]
    pub krate: Option<String>,
    /// Where the crate's `apigen-runtime` dependency is, relative to apigen.toml; default: the
    /// runtime this apigen was built with.
    #[serde(default)]
    pub runtime: Option<String>,
    /// The PostgreSQL migrations of the app's tables (the `psql` models of its services), relative
    /// to apigen.toml: `NNNN_description.sql`, one per change, never rewritten, and `schema.json`,
    /// the tables as the last migration leaves them.
    #[serde(default)]
    pub migrations: Option<Migrations>,
}

/// `[apps.<name>.migrations]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Migrations {
    /// The folder, relative to apigen.toml.
    pub path: String,
    /// Keys of the services whose tables it holds (their `psql` models); default: the app's.
    #[serde(default)]
    pub services: Vec<String>,
    /// Destructive changes allowed in the next migration, by element: `public.users` (drop the
    /// table), `public.users.nickname` (drop, retype or tighten the column).
    #[serde(default)]
    pub allow: Vec<String>,
}

/// `[apps.<name>.models]`: extra derives and type replacements (see `generators::Settings`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSettings {
    /// More derives on every generated model struct, as Rust paths: `["Eq", "Hash"]`.
    #[serde(default)]
    pub derives: Vec<String>,
    /// Spec types (or primitives) to take from your own code: `{ money = "crate::Money" }`.
    #[serde(default)]
    pub replace: BTreeMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiffConfig {
    /// Intended breaking changes: `[[diff.allow]] rule = "FIELD_REMOVED", element = "user.models.user.fields.nick", reason = "…"`.
    #[serde(default)]
    pub allow: Vec<AllowedChange>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowedChange {
    pub rule: String,
    /// The changed element as the diff names it; a trailing `*` allows everything below it.
    pub element: String,
    pub reason: String,
}

impl AllowedChange {
    pub fn matches(&self, rule: &str, element: &str) -> bool {
        let element_ok = match self.element.strip_suffix('*') {
            Some(prefix) => element.starts_with(prefix),
            None => self.element == element,
        };
        element_ok && self.rule.eq_ignore_ascii_case(rule)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organization {
    /// Root of default namespaces, e.g. `io.apibuilder`.
    pub namespace: Option<String>,
    /// The spec folder, relative to apigen.toml; default: the folder holding apigen.toml.
    pub specs: Option<String>,
}

/// A loaded configuration and the folder it applies to.
#[derive(Debug)]
pub struct Config {
    pub file: ConfigFile,
    /// The folder holding apigen.toml.
    pub root: PathBuf,
    /// apigen.toml itself, and its text as read (the update cache hashes exactly what was parsed).
    pub path: PathBuf,
    pub text: String,
}

impl Config {
    /// The spec folder named by the config.
    pub fn specs_dir(&self) -> PathBuf {
        match &self.file.organization.specs {
            Some(s) => self.root.join(s),
            None => self.root.clone(),
        }
    }
}

/// Finds apigen.toml in `start` or one of its ancestors.
pub fn discover(start: &Path) -> Result<Option<Config>> {
    for dir in start.ancestors() {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            return load(&candidate).map(Some);
        }
    }
    Ok(None)
}

pub fn load(path: &Path) -> Result<Config> {
    let bytes = crate::files::read_file(path).with_context(|| format!("cannot read `{}`", path.display()))?;
    let text = String::from_utf8(bytes).with_context(|| format!("invalid `{}`: not UTF-8", path.display()))?;
    let file: ConfigFile = toml::from_str(&text).with_context(|| format!("invalid `{}`", path.display()))?;
    file.lint.validate().with_context(|| format!("invalid `[lint]` in `{}`", path.display()))?;
    // Two apps writing one folder would each delete the other's files as no longer generated.
    let mut outputs: BTreeMap<PathBuf, &str> = BTreeMap::new();
    for (name, app) in &file.apps {
        let out = normalize(Path::new(&app.output));
        if let Some(other) = outputs.insert(out, name) {
            anyhow::bail!(
                "invalid `{}`: apps `{other}` and `{name}` both write to `{}`; give each app its own output folder",
                path.display(),
                app.output
            );
        }
    }
    let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
    for (name, app) in &file.apps {
        if let Some(krate) = &app.krate
            && !valid_crate_name(krate)
        {
            anyhow::bail!(
                "invalid `{}`: app `{name}`: `{krate}` is not a valid crate name (a letter, then letters, digits, `-` or `_`)",
                path.display()
            );
        }
    }
    Ok(Config { file, root, path: path.to_path_buf(), text })
}

/// A relative path without `.` segments or trailing slashes, so that `out/` and `./out` compare
/// equal.
fn normalize(path: &Path) -> PathBuf {
    path.components().filter(|c| !matches!(c, std::path::Component::CurDir)).collect()
}

/// What Cargo accepts as a package name: a letter, then letters, digits, `-` and `_`.
pub fn valid_crate_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}
