//! Reading spec files from disk: folders are walked for `*.json`, files named by imports are
//! loaded on demand. The only place (with config.rs) that reads the file system.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use compiler::{Input, Loader};

/// Folders never searched for specs.
const SKIPPED_DIRS: &[&str] = &["target", "node_modules"];

/// Every spec file under `paths` (files as given, folders walked recursively, sorted).
pub fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).with_context(|| format!("cannot read `{}`", path.display()))?;
        if meta.is_dir() {
            let before = out.len();
            walk(path, &mut out).with_context(|| format!("cannot read folder `{}`", path.display()))?;
            if out.len() == before {
                bail!("no spec files (*.json) in folder `{}`", path.display());
            }
        } else {
            out.push(path.clone());
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let path = entry.path();
        let ty = entry.file_type()?;
        if ty.is_dir() {
            if !name.starts_with('.') && !SKIPPED_DIRS.contains(&name.as_ref()) {
                walk(&path, out)?;
            }
        } else if name.ends_with(".json") && !name.starts_with('.') {
            out.push(path);
        }
    }
    Ok(())
}

/// The name a file is shown under: its path as given, with `/` separators.
pub fn display_name(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// Reads the files; an unreadable one is an I/O error for the caller.
pub fn read_inputs(paths: &[PathBuf]) -> Result<Vec<Input>> {
    paths
        .iter()
        .map(|p| {
            let bytes = std::fs::read(p).with_context(|| format!("cannot read `{}`", p.display()))?;
            Ok(Input { name: display_name(p), bytes })
        })
        .collect()
}

/// Loads files named by imports, relative to the working directory (names are paths as shown).
#[derive(Debug, Default)]
pub struct DiskLoader;

impl Loader for DiskLoader {
    fn load(&mut self, name: &str) -> Result<Vec<u8>, String> {
        std::fs::read(name).map_err(|e| format!("cannot read `{name}`: {e}"))
    }
}
