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
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read `{}`", path.display()))?;
    let file: ConfigFile = toml::from_str(&text).with_context(|| format!("invalid `{}`", path.display()))?;
    let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
    Ok(Config { file, root })
}
