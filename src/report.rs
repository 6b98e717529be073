//! Diff reports: changes between two versions rendered as diagnostics (text, GitHub), as JSON
//! lines, or as a Markdown changelog a pull-request comment can carry.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use compiler::diff::{Change, Class, Side};
use compiler::source::{FileId, Loc, SourceFile, Sources, Span};
use compiler::{Compilation, Diagnostic, DiagnosticId, Severity};

/// Changes as diagnostics over one set of sources holding both versions' files.
#[derive(Debug)]
pub struct DiffReport {
    pub changes: Vec<Change>,
    pub diagnostics: Vec<Diagnostic>,
    pub sources: Sources,
}

pub fn build(changes: Vec<Change>, base: &Compilation, current: &Compilation) -> DiffReport {
    let mut sources = current.sources.clone();
    let base_ids: BTreeMap<FileId, FileId> =
        base.sources.iter().map(|(id, f)| (id, sources.add(SourceFile::new(f.name.clone(), f.text.clone())))).collect();
    // A change with no position (rare: an element without a recorded site) points at the start
    // of the first file, so that every report line still names a file.
    let fallback = Loc { file: FileId(0), span: Span::default() };
    let diagnostics = changes
        .iter()
        .map(|c| {
            let loc = match c.loc {
                Some((Side::Current, loc)) => loc,
                Some((Side::Base, loc)) => Loc { file: base_ids[&loc.file], span: loc.span },
                None => fallback,
            };
            let severity = match (c.class(), &c.allowed) {
                (Class::Breaking, None) => Severity::Error,
                (Class::Breaking, Some(_)) => Severity::Warning,
                _ => Severity::Note,
            };
            let label = match c.loc {
                Some((Side::Base, _)) => "in the base version",
                _ => c.rule.summary,
            };
            let mut d = Diagnostic::with_id(DiagnosticId::Rule(c.rule.id), severity, loc, c.message.clone(), label);
            if c.class() == Class::Breaking {
                d = d.with_note(format!("breaks existing {}", c.rule.breaks));
                if c.allowed.is_none() {
                    d = d.with_help(format!(
                        "if this break is intended, allow it in apigen.toml: [[diff.allow]] rule = \"{}\", element = \"{}\", reason = \"...\"",
                        c.rule.id, c.element
                    ));
                }
            }
            if let Some(reason) = &c.allowed {
                d = d.with_note(format!("allowed: {reason}"));
            }
            d
        })
        .collect();
    DiffReport { changes, diagnostics, sources }
}

impl DiffReport {
    pub fn breaking(&self) -> usize {
        self.changes.iter().filter(|c| c.is_blocking()).count()
    }

    pub fn summary(&self) -> String {
        let count = |class| self.changes.iter().filter(|c| c.class() == class).count();
        let allowed = self.changes.iter().filter(|c| c.allowed.is_some()).count();
        format!(
            "{} breaking ({allowed} allowed), {} non-breaking, {} not material",
            count(Class::Breaking),
            count(Class::NonBreaking),
            count(Class::NotMaterial)
        )
    }

    pub fn json_lines(&self) -> String {
        let mut out = String::new();
        for (c, d) in self.changes.iter().zip(&self.diagnostics) {
            let file = self.sources.get(d.primary.loc.file);
            let (line, column) = file.line_col(d.primary.loc.span.start);
            let v = serde_json::json!({
                "rule": c.rule.id,
                "class": c.class().as_str(),
                "breaks": if c.class() == Class::Breaking { Some(c.rule.breaks) } else { None },
                "element": c.element,
                "message": c.message,
                "file": file.name,
                "line": line,
                "column": column,
                "help": d.help,
                "allowed": c.allowed,
            });
            let _ = writeln!(out, "{v}");
        }
        out
    }

    pub fn markdown(&self) -> String {
        let mut out = String::from("## API changes\n\n");
        if self.changes.is_empty() {
            out.push_str("No changes.\n");
            return out;
        }
        for (class, title) in [
            (Class::Breaking, "Breaking changes"),
            (Class::NonBreaking, "Non-breaking changes"),
            (Class::NotMaterial, "Not material"),
        ] {
            let items: Vec<(&Change, &Diagnostic)> =
                self.changes.iter().zip(&self.diagnostics).filter(|(c, _)| c.class() == class).collect();
            if items.is_empty() {
                continue;
            }
            let _ = writeln!(out, "### {title} ({})\n", items.len());
            for (c, d) in items {
                let file = self.sources.get(d.primary.loc.file);
                let (line, _) = file.line_col(d.primary.loc.span.start);
                let allowed = c.allowed.as_deref().map(|r| format!(" — allowed: {r}")).unwrap_or_default();
                let _ =
                    writeln!(out, "- `{}` {} ({}:{line}){allowed}", c.rule.id, escape_markdown(&c.message), file.name);
            }
            out.push('\n');
        }
        out
    }
}

fn escape_markdown(s: &str) -> String {
    s.replace('|', "\\|").replace('<', "&lt;").replace('>', "&gt;")
}
