//! Loading one version of a spec repository: the working tree, any folder, or a git revision
//! (read through `git ls-tree` and `git cat-file`, without a checkout), then compiling it.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use compiler::{Compilation, Input, Loader};

use crate::files;

/// Compiles spec files or folders from disk.
pub fn compile_paths(paths: &[PathBuf], config: &compiler::Config) -> Result<Compilation> {
    let spec_files = files::collect(paths)?;
    let inputs = files::read_inputs(&spec_files)?;
    Ok(compiler::compile(inputs, config, &mut files::DiskLoader))
}

/// Compiles the given paths (relative to the working directory) as they are at git revision `rev`.
pub fn compile_revision(rev: &str, paths: &[PathBuf], config: &compiler::Config) -> Result<Compilation> {
    let git = Git::open(rev)?;
    let mut inputs = Vec::new();
    for path in paths {
        let names = git.list(path)?;
        if names.is_empty() {
            bail!("no spec files (*.json, *.yaml, *.yml) under `{}` at revision `{rev}`", path.display());
        }
        for name in names {
            let bytes = git.read(&name)?.with_context(|| format!("`{name}` vanished from revision `{rev}`"))?;
            inputs.push(Input { name, bytes });
        }
    }
    inputs.sort_by(|a, b| a.name.cmp(&b.name));
    inputs.dedup_by(|a, b| a.name == b.name);
    let mut loader = git;
    Ok(compiler::compile(inputs, config, &mut loader))
}

/// Reads files of one revision. Paths are relative to the working directory, as diagnostics show
/// them (git's `ls-tree` and `<rev>:./<path>` both speak that language).
struct Git {
    rev: String,
}

impl Git {
    fn open(rev: &str) -> Result<Git> {
        git(&["rev-parse", "--show-prefix"], None).context("not inside a git repository")?;
        // Resolve once, so that a bad revision is one clear error.
        git(&["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")], None)
            .with_context(|| format!("unknown git revision `{rev}`"))?;
        Ok(Git { rev: rev.to_string() })
    }

    /// Spec files (`*.json`, `*.yaml`, `*.yml`) under `path` at the revision, as paths relative to the working directory.
    fn list(&self, path: &Path) -> Result<Vec<String>> {
        let rel = files::display_name(path);
        let out = git(&["ls-tree", "-r", "-z", "--name-only", &self.rev, "--", &rel], None)?;
        let mut names: Vec<String> = out
            .split(|b| *b == 0)
            .filter(|n| !n.is_empty())
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .filter(|n| compiler::is_spec_file(n))
            .map(|n| n.strip_prefix("./").map(str::to_string).unwrap_or(n))
            .collect();
        names.sort();
        Ok(names)
    }

    /// The file's bytes at the revision, or `None` when it does not exist there. A blob over
    /// [`files::MAX_FILE_SIZE`] is refused from git's header, before its bytes are read.
    fn read(&self, name: &str) -> Result<Option<Vec<u8>>> {
        use std::io::BufRead;
        let object = format!("{}:./{}", self.rev, name.trim_start_matches("./"));
        let mut child = Command::new("git")
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("cannot run git")?;
        child.stdin.take().context("git stdin")?.write_all(format!("{object}\n").as_bytes())?;
        let mut out = std::io::BufReader::new(child.stdout.take().context("git stdout")?);
        let result = (|| -> Result<Option<Vec<u8>>> {
            // `<sha> blob <size>\n<bytes>\n`, or `<object> missing\n`.
            let mut header = String::new();
            out.read_line(&mut header)?;
            let mut parts = header.trim_end().split(' ');
            let (_, kind, size) = (parts.next(), parts.next(), parts.next());
            if kind != Some("blob") {
                return Ok(None);
            }
            let size: u64 = size.and_then(|s| s.parse().ok()).context("unexpected output from git cat-file")?;
            if size > files::MAX_FILE_SIZE {
                bail!(
                    "`{name}` is {size} bytes at revision `{}`, over the {} MB apigen reads at most from one file",
                    self.rev,
                    files::MAX_FILE_SIZE >> 20
                );
            }
            let mut body = vec![0; size as usize];
            out.read_exact(&mut body).context("truncated output from git cat-file")?;
            Ok(Some(body))
        })();
        let _ = child.kill();
        let _ = child.wait();
        result
    }
}

impl Loader for Git {
    fn load(&mut self, name: &str) -> Result<Vec<u8>, String> {
        match self.read(name) {
            Ok(Some(bytes)) => Ok(bytes),
            Ok(None) => Err(format!("`{name}` does not exist at revision `{}`", self.rev)),
            Err(e) => Err(format!("cannot read `{name}` at revision `{}`: {e:#}", self.rev)),
        }
    }
}

fn git(args: &[&str], cwd: Option<&Path>) -> Result<Vec<u8>> {
    let mut cmd = Command::new("git");
    cmd.args(args);
    if let Some(dir) = cwd {
        cmd.current_dir(dir);
    }
    let out = cmd.output().context("cannot run git (is it installed?)")?;
    if !out.status.success() {
        bail!("git {} failed: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(out.stdout)
}
