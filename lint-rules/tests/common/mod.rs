//! Helpers shared by the lint-rules tests: compile a spec, lint it, render findings as lines.

#![allow(dead_code)] // Each test binary uses a different subset of these helpers.

use std::path::PathBuf;

use compiler::{Compilation, Diagnostic};
use lint_rules::LintConfig;

pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Compiles one api.json or service.json document and fails the test on compiler errors: lint
/// fixtures must be valid specs, or they would test the compiler instead of the rule.
pub fn compile_valid(name: &str, text: &str) -> Compilation {
    let c = compiler::compile_str(name, text);
    let errors: Vec<String> = c.errors().map(|d| render(&c, d)).collect();
    assert!(errors.is_empty(), "{name} does not compile:\n{}", errors.join("\n"));
    c
}

/// Runs exactly these rules (ids or categories) with otherwise default settings.
pub fn config(use_: &[&str]) -> LintConfig {
    LintConfig { use_: use_.iter().map(|s| s.to_string()).collect(), ..LintConfig::default() }
}

pub fn lint(c: &Compilation, config: &LintConfig) -> Vec<Diagnostic> {
    lint_rules::lint(&c.ir, &c.map, &c.sources, config)
}

/// `RULE file:line:col message`, then the help, notes, related places and suppression, indented.
pub fn render(c: &Compilation, d: &Diagnostic) -> String {
    let at = |loc: compiler::source::Loc| {
        let file = c.sources.get(loc.file);
        let (line, col) = file.line_col(loc.span.start);
        format!("{}:{line}:{col}", file.name)
    };
    let mut out = format!("{} {} {}", d.code.as_str(), at(d.primary.loc), d.message);
    if d.severity != compiler::Severity::Error {
        out.push_str(&format!(" [{}]", d.severity.as_str()));
    }
    for label in &d.secondary {
        out.push_str(&format!("\n    {}: {}", at(label.loc), label.message));
    }
    for note in &d.notes {
        out.push_str(&format!("\n    note: {note}"));
    }
    if let Some(help) = &d.help {
        out.push_str(&format!("\n    help: {help}"));
    }
    if let Some(reason) = &d.suppressed {
        out.push_str(&format!("\n    suppressed: {reason}"));
    }
    out
}

pub fn render_all(c: &Compilation, diags: &[Diagnostic]) -> String {
    diags.iter().map(|d| render(c, d)).collect::<Vec<_>>().join("\n")
}
