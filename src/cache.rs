//! The `apigen update` cache: when nothing that generation reads has changed and every generated
//! file is still on disk as it was written, `update` (and `update --check`) answer without
//! compiling or generating anything.
//!
//! One file per app, `.apigen/update/<app>.json` beside apigen.toml. It records BLAKE3 hashes of
//! everything the answer depends on: the apigen executable itself (so another build never trusts
//! an older one's output), apigen.toml, the list of spec files the walk found and the bytes of
//! every file the compilation read (spec files and files loaded through imports), and every file
//! the app's output folder should hold. A cache is used only when all of them hash the same now
//! and the output folder holds no other generated file; anything else (an edited spec, a
//! hand-edited or deleted generated file, a new apigen) falls back to the full run, which
//! rewrites the cache. So the cache can make a run faster, never make a stale file look fresh.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

/// Bump when the cache's meaning changes.
const FORMAT: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    format: u32,
    /// Hash of the executable and apigen.toml.
    key: String,
    /// Spec files found by the walk, as paths.
    walked: Vec<String>,
    /// Every file the compilation read, by path, with its hash.
    inputs: BTreeMap<String, String>,
    /// Every file the app's output should hold, by path: the generator that made it, its hash.
    outputs: BTreeMap<String, (String, String)>,
}

fn hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

fn hash_file(path: &Path) -> Option<String> {
    crate::files::read_file(path).ok().map(|b| hash(&b))
}

/// What every app's cache entry shares: the executable, the configuration as parsed, and
/// whatever else the generated text depends on beyond the files read (`extra`: where each crate
/// finds the runtime, which moves with the project).
pub fn key(config_text: &str, extra: &[String]) -> Result<String> {
    let exe = std::env::current_exe().context("cannot find the apigen executable")?;
    let mut h = blake3::Hasher::new();
    h.update(&std::fs::read(&exe).with_context(|| format!("cannot read `{}`", exe.display()))?);
    h.update(config_text.as_bytes());
    for e in extra {
        h.update(&(e.len() as u64).to_le_bytes());
        h.update(e.as_bytes());
    }
    Ok(h.finalize().to_hex().to_string())
}

pub fn path(root: &Path, app: &str) -> PathBuf {
    root.join(".apigen").join("update").join(format!("{app}.json"))
}

impl Entry {
    /// An entry for a run that just compiled `inputs` (the files it read, with their bytes) and
    /// left `outputs` on disk.
    pub fn new(
        key: String,
        walked: &[PathBuf],
        inputs: &[(String, Vec<u8>)],
        outputs: &[(PathBuf, &str, &[u8])],
    ) -> Self {
        Entry {
            format: FORMAT,
            key,
            walked: walked.iter().map(|p| crate::files::display_name(p)).collect(),
            inputs: inputs.iter().map(|(n, b)| (n.clone(), hash(b))).collect(),
            outputs: outputs
                .iter()
                .map(|(p, g, b)| (crate::files::display_name(p), (g.to_string(), hash(b))))
                .collect(),
        }
    }

    /// Reads an entry; a missing or unreadable one is no entry.
    pub fn load(path: &Path) -> Option<Entry> {
        let text = crate::files::read_file(path).ok()?;
        serde_json::from_slice::<Entry>(&text).ok().filter(|e| e.format == FORMAT)
    }

    /// Writes the entry atomically; failing to is not an error of `update` (the next run is
    /// only slower), so the caller may ignore the result.
    pub fn store(&self, path: &Path) -> Result<()> {
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let tmp = dir.join(format!(".{}.tmp", path.file_name().unwrap_or_default().to_string_lossy()));
        std::fs::write(&tmp, serde_json::to_vec(self)?)?;
        std::fs::rename(&tmp, path)?;
        Ok(())
    }

    /// The output files, if everything the entry records is as it was: the same key, the same
    /// spec files, the same bytes in every input and every output, and no other generated file
    /// in the output folder (`generated` lists those on disk now).
    pub fn fresh(&self, key: &str, walked: &[PathBuf], generated: &[PathBuf]) -> Option<Vec<(String, PathBuf)>> {
        if self.key != key {
            return None;
        }
        let now: Vec<String> = walked.iter().map(|p| crate::files::display_name(p)).collect();
        if now != self.walked {
            return None;
        }
        if self.inputs.iter().any(|(name, h)| hash_file(Path::new(name)).as_ref() != Some(h)) {
            return None;
        }
        if self.outputs.iter().any(|(name, (_, h))| hash_file(Path::new(name)).as_ref() != Some(h)) {
            return None;
        }
        let on_disk: Vec<String> = generated.iter().map(|p| crate::files::display_name(p)).collect();
        if on_disk.iter().any(|p| !self.outputs.contains_key(p)) {
            return None;
        }
        Some(self.outputs.iter().map(|(p, (g, _))| (g.clone(), PathBuf::from(p))).collect())
    }
}

/// A loader that remembers what it loaded, so the cache knows every file a compilation read.
#[derive(Debug, Default)]
pub struct RecordingLoader {
    pub loaded: Vec<(String, Vec<u8>)>,
}

impl compiler::Loader for RecordingLoader {
    fn load(&mut self, name: &str) -> std::result::Result<Vec<u8>, String> {
        let bytes = crate::files::DiskLoader.load(name)?;
        self.loaded.push((name.to_string(), bytes.clone()));
        Ok(bytes)
    }
}
