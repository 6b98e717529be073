//! Diagnostics rendered for people (rustc-style text), for tools (one JSON object per line) and
//! for GitHub Actions (`::error` workflow commands).

use std::io::{IsTerminal, Write};

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor};
use compiler::source::Sources;
use compiler::{Diagnostic, Severity};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Colored when writing to a terminal, with the source line and a caret.
    Text,
    /// One JSON object per line.
    Json,
    /// GitHub Actions annotations.
    Github,
}

/// Whether to color text output: only on a terminal, and never with `NO_COLOR` set.
pub fn color_choice() -> termcolor::ColorChoice {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    if std::io::stdout().is_terminal() && !no_color {
        termcolor::ColorChoice::Auto
    } else {
        termcolor::ColorChoice::Never
    }
}

/// Renders every diagnostic to stdout in `format`; returns the text for tests when asked.
pub fn emit(diags: &[Diagnostic], sources: &Sources, format: Format) -> std::io::Result<()> {
    match format {
        Format::Text => {
            let stream = termcolor::StandardStream::stdout(color_choice());
            let mut lock = stream.lock();
            write_text(diags, sources, &mut lock)?;
            write_summary(diags, &mut lock)
        }
        Format::Json => {
            let mut out = std::io::stdout().lock();
            for d in diags {
                writeln!(out, "{}", to_json(d, sources))?;
            }
            Ok(())
        }
        Format::Github => {
            let mut out = std::io::stdout().lock();
            for d in diags.iter().filter(|d| d.suppressed.is_none()) {
                writeln!(out, "{}", to_github(d, sources))?;
            }
            Ok(())
        }
    }
}

pub fn write_text<W: termcolor::WriteColor>(
    diags: &[Diagnostic],
    sources: &Sources,
    out: &mut W,
) -> std::io::Result<()> {
    let mut files = SimpleFiles::new();
    let ids: Vec<usize> = sources.iter().map(|(_, f)| files.add(f.name.clone(), f.text.clone())).collect();
    let config = term::Config::default();
    let styles = term::Styles::default();
    let mut writer = term::StylesWriter::new(out, &styles);
    for d in diags.iter().filter(|d| d.suppressed.is_none()) {
        let file = ids[d.primary.loc.file.0 as usize];
        let severity = match d.severity {
            Severity::Error => cs::Severity::Error,
            Severity::Warning => cs::Severity::Warning,
            Severity::Note => cs::Severity::Note,
        };
        let mut labels = vec![cs::Label::primary(file, d.primary.loc.span.range()).with_message(&d.primary.message)];
        for l in &d.secondary {
            labels.push(cs::Label::secondary(ids[l.loc.file.0 as usize], l.loc.span.range()).with_message(&l.message));
        }
        let mut notes: Vec<String> = Vec::new();
        // Minified specs put megabytes on one line: show where, not the line.
        if labels.iter().any(|l| line_len(sources, d, l.range.start) > MAX_SNIPPET_LINE) {
            let source = sources.get(d.primary.loc.file);
            let (line, column) = source.line_col(d.primary.loc.span.start);
            notes.push(format!("at {}:{line}:{column}: {}", source.name, d.primary.message));
            labels.clear();
        }
        notes.extend(d.notes.iter().map(|n| format!("note: {n}")));
        if let Some(help) = &d.help {
            notes.push(format!("help: {help}"));
        }
        let diagnostic = cs::Diagnostic::new(severity)
            .with_code(d.code.as_str())
            .with_message(&d.message)
            .with_labels(labels)
            .with_notes(notes);
        term::emit_to_write_style(&mut writer, &config, &files, &diagnostic).map_err(std::io::Error::other)?;
    }
    Ok(())
}

/// Lines longer than this are not printed under a diagnostic.
const MAX_SNIPPET_LINE: usize = 400;

fn line_len(sources: &Sources, d: &Diagnostic, offset: usize) -> usize {
    let file = sources.get(d.primary.loc.file);
    let starts = file.line_starts();
    let line = starts.partition_point(|&s| s as usize <= offset).saturating_sub(1);
    let start = starts[line] as usize;
    let end = starts.get(line + 1).map_or(file.text.len(), |&e| e as usize);
    end - start
}

fn write_summary<W: Write>(diags: &[Diagnostic], out: &mut W) -> std::io::Result<()> {
    let shown: Vec<&Diagnostic> = diags.iter().filter(|d| d.suppressed.is_none()).collect();
    let errors = shown.iter().filter(|d| d.is_error()).count();
    let warnings = shown.iter().filter(|d| d.severity == Severity::Warning).count();
    if errors + warnings > 0 {
        let plural = |n: usize, word: &str| if n == 1 { format!("{n} {word}") } else { format!("{n} {word}s") };
        writeln!(out, "{} and {} found", plural(errors, "error"), plural(warnings, "warning"))?;
    }
    Ok(())
}

/// 1-based line and column of both ends of the primary label.
fn position(d: &Diagnostic, sources: &Sources) -> (String, usize, usize, usize, usize) {
    let file = sources.get(d.primary.loc.file);
    let (line, column) = file.line_col(d.primary.loc.span.start);
    let (end_line, end_column) = file.line_col(d.primary.loc.span.end);
    (file.name.clone(), line, column, end_line, end_column)
}

pub fn to_json(d: &Diagnostic, sources: &Sources) -> serde_json::Value {
    let (file, line, column, end_line, end_column) = position(d, sources);
    serde_json::json!({
        "code": d.code.as_str(),
        "severity": d.severity.as_str(),
        "message": d.message,
        "file": file,
        "line": line,
        "column": column,
        "end_line": end_line,
        "end_column": end_column,
        "label": d.primary.message,
        "notes": d.notes,
        "help": d.help,
        "suppressed": d.suppressed,
    })
}

/// A workflow command; `%`, `\r`, `\n` and (in properties) `:` and `,` are escaped as GitHub requires.
pub fn to_github(d: &Diagnostic, sources: &Sources) -> String {
    let (file, line, column, end_line, end_column) = position(d, sources);
    let level = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    };
    let data = |s: &str| s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
    let prop = |s: &str| data(s).replace(':', "%3A").replace(',', "%2C");
    let mut message = format!("{}: {}", d.code.as_str(), d.message);
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    format!(
        "::{level} file={},line={line},col={column},endLine={end_line},endColumn={end_column},title={}::{}",
        prop(&file),
        prop(d.code.as_str()),
        data(&message)
    )
}
