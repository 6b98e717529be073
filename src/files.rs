//! Reading spec files from disk: folders are walked for `*.json`, `*.yaml` and `*.yml`, files named by imports are
//! loaded on demand. Every file apigen reads goes through [`read_file`] or [`open_regular`]:
//! regular files only, at most [`MAX_FILE_SIZE`] bytes.

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
                bail!("no spec files (*.json, *.yaml, *.yml) in folder `{}`", path.display());
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
        } else if compiler::is_spec_file(&name) && !name.starts_with('.') {
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

/// The largest file apigen reads: far above the largest real spec (Flow's merged API is
/// 3.4 MB), and small enough that a wrong path cannot take the machine's memory.
pub const MAX_FILE_SIZE: u64 = 256 << 20;

/// Opens a regular file for reading. Anything else a path may name (a device such as
/// `/dev/zero`, a named pipe, a socket, a folder) is refused from its metadata before it is
/// opened, since opening a pipe blocks until someone writes to it; so is a file over
/// [`MAX_FILE_SIZE`], without reading it. The file is opened without blocking and checked again
/// through the open handle, so that a pipe put in its place meanwhile cannot block either.
/// Errors are the file system's (`NotFound` stays `NotFound`), or `InvalidInput` and
/// `FileTooLarge` saying what the path is.
pub fn open_regular(path: &Path) -> std::io::Result<std::fs::File> {
    check_regular(&std::fs::metadata(path)?)?;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let file = options.open(path)?;
    check_regular(&file.metadata()?)?;
    Ok(file)
}

fn check_regular(meta: &std::fs::Metadata) -> std::io::Result<()> {
    use std::io::{Error, ErrorKind};
    if !meta.is_file() {
        let what = kind_name(&meta.file_type());
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("it is {what}, not a regular file; apigen reads only regular files"),
        ));
    }
    if meta.len() > MAX_FILE_SIZE {
        return Err(Error::new(
            ErrorKind::FileTooLarge,
            format!(
                "it is {} ({} bytes), over the {} MB apigen reads at most from one file",
                human_size(meta.len()),
                meta.len(),
                MAX_FILE_SIZE >> 20
            ),
        ));
    }
    Ok(())
}

/// What a path that is not a regular file is, in words.
fn kind_name(ty: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ty.is_char_device() {
            return "a character device";
        }
        if ty.is_block_device() {
            return "a block device";
        }
        if ty.is_fifo() {
            return "a named pipe";
        }
        if ty.is_socket() {
            return "a socket";
        }
    }
    if ty.is_dir() { "a folder" } else { "not a file" }
}

fn human_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 => format!("{:.1} GB", b as f64 / (1u64 << 30) as f64),
        b => format!("{:.1} MB", b as f64 / (1u64 << 20) as f64),
    }
}

/// Reads a regular file whole (see [`open_regular`]), stopping past the limit should the file
/// grow while it is read.
pub fn read_file(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let file = open_regular(path)?;
    let mut bytes = Vec::with_capacity(file.metadata().map_or(0, |m| m.len() as usize));
    file.take(MAX_FILE_SIZE + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            format!("it grew past the {} MB apigen reads at most from one file", MAX_FILE_SIZE >> 20),
        ));
    }
    Ok(bytes)
}

/// Reads the files; an unreadable one is an I/O error for the caller.
pub fn read_inputs(paths: &[PathBuf]) -> Result<Vec<Input>> {
    paths
        .iter()
        .map(|p| {
            let bytes = read_file(p).with_context(|| format!("cannot read `{}`", display_name(p)))?;
            Ok(Input { name: display_name(p), bytes })
        })
        .collect()
}

/// Loads files named by imports, relative to the working directory (names are paths as shown).
#[derive(Debug, Default)]
pub struct DiskLoader;

impl Loader for DiskLoader {
    fn load(&mut self, name: &str) -> Result<Vec<u8>, String> {
        read_file(Path::new(name)).map_err(|e| format!("cannot read `{name}`: {e}"))
    }
}
