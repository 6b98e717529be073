//! apigen's lint rules: named, documented checks of API style over the resolved IR.
//!
//! Every rule lives in one file under `src/rules/` and is one [`Rule`] value: an `UPPER_SNAKE` id
//! that states the rule, a one-sentence purpose, the rationale, a bad and a good api.json example,
//! a default severity, the categories it belongs to, the names Flow's `api-build` linter uses for
//! the same check, and the check itself. [`RULES`] lists them all; [`lint`] runs a selection of
//! them, as a [`LintConfig`] (the `[lint]` table of `apigen.toml`) asks.
//!
//! Categories work as buf's do (see [`Category`]): `MINIMAL` ⊂ `BASIC` ⊂ `STANDARD`, `STANDARD` is
//! the default, `EVENTS` names the event rules (which are also in `STANDARD`), and `COMMENTS` is off
//! unless asked for. `lint-rules/README.md` lists which rule is in which category; a test keeps it
//! in step with the code.
//!
//! **Invariant:** linting is a pure function of the IR, its source map and the configuration: it
//! never panics on any IR (rules look items up with `get`, never by indexing), and every finding,
//! suppressed or not, comes back; suppressed ones carry the reason in `Diagnostic::suppressed`.

mod config;
mod context;
mod rules;
mod scope;
mod text;

use compiler::Diagnostic;
use compiler::diagnostic::{DiagnosticId, Severity, sort_and_dedup};
use compiler::ir::{Ir, SourceFormat, SourceMap};
use compiler::source::Sources;

pub use config::{ConfigError, Level, LintConfig, PathException};
pub use context::{Context, Finding};
pub use rules::RULES;

/// A lint rule: its documentation and its check.
#[derive(Debug)]
pub struct Rule {
    /// `UPPER_SNAKE`, stating the rule (`FIELD_NAME_SNAKE_CASE`). Never reused for another meaning.
    pub id: &'static str,
    /// One sentence: what the rule checks.
    pub purpose: &'static str,
    /// Why the rule exists: what goes wrong without it.
    pub rationale: &'static str,
    /// A complete api.json document the rule reports on.
    pub bad: &'static str,
    /// The same document, fixed: the rule reports nothing on it.
    pub good: &'static str,
    pub severity: Severity,
    pub categories: &'static [Category],
    /// Names Flow's linter (`flowcommerce/api-build`) gives the same check in its `linter`
    /// attribute (`{"ignore": ["common_field_types"]}`), accepted there like the rule id itself.
    pub flow_names: &'static [&'static str],
    /// The linter of Flow's `api-build` this rule corresponds to (`CommonFieldTypes`), if any.
    pub flow_rule: Option<&'static str>,
    /// Which specs the rule is about: some are apibuilder's (and Flow's) conventions, which mean
    /// nothing for an OpenAPI document (`snake_case` names), others are about any API.
    pub formats: Formats,
    /// Reports the rule's findings for one service.
    pub check: fn(&Context<'_>, &mut Vec<Finding>),
}

/// The spec formats a rule checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Formats {
    /// Every spec.
    Both,
    /// apibuilder's api.json and service.json.
    ApiBuilder,
    /// OpenAPI documents.
    OpenApi,
}

impl Formats {
    pub fn includes(self, format: SourceFormat) -> bool {
        match self {
            Formats::Both => true,
            Formats::ApiBuilder => matches!(format, SourceFormat::ApiJson | SourceFormat::ServiceJson),
            Formats::OpenApi => format == SourceFormat::OpenApi,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Formats::Both => "apibuilder and OpenAPI",
            Formats::ApiBuilder => "apibuilder (api.json, service.json)",
            Formats::OpenApi => "OpenAPI",
        }
    }
}

impl Rule {
    /// Whether `name` designates this rule in an `ignore` list: its id or one of its Flow names,
    /// compared case-insensitively.
    pub fn is_named(&self, name: &str) -> bool {
        let name = name.trim();
        self.id.eq_ignore_ascii_case(name) || self.flow_names.iter().any(|f| f.eq_ignore_ascii_case(name))
    }

    pub fn in_category(&self, category: Category) -> bool {
        self.categories.contains(&category)
    }

    /// The documentation `apigen explain RULE_ID` prints, as Markdown.
    pub fn explanation(&self) -> String {
        let categories: Vec<&str> = self.categories.iter().map(|c| c.as_str()).collect();
        let mut out = format!("# {}\n\n{}\n\n{}\n\n", self.id, self.purpose, self.rationale);
        out.push_str(&format!("- Default severity: {}\n", self.severity.as_str()));
        out.push_str(&format!("- Categories: {}\n", categories.join(", ")));
        out.push_str(&format!("- Checks: {} specs\n", self.formats.as_str()));
        if let Some(flow) = self.flow_rule {
            out.push_str(&format!("- Corresponds to Flow's `{flow}` linter (flowcommerce/api-build)\n"));
        }
        if !self.flow_names.is_empty() {
            let names: Vec<String> = self.flow_names.iter().map(|n| format!("`{n}`")).collect();
            out.push_str(&format!("- Flow's names, accepted in `linter` ignore lists: {}\n", names.join(", ")));
        }
        out.push_str(&format!("\n## Bad\n\n```json\n{}\n```\n\n## Good\n\n```json\n{}\n```\n", self.bad, self.good));
        out.push_str(&format!(
            "\nTo silence it for one element, give that element (or its model, operation, resource or \
             service) the attribute `{{\"name\": \"linter\", \"value\": {{\"ignore\": [\"{}\"]}}}}`.\n",
            self.id.to_lowercase()
        ));
        out
    }
}

/// A named set of rules, as buf groups its lint rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    /// Problems that break routing or clients: duplicate routes, trailing slashes.
    Minimal,
    /// `MINIMAL` plus naming: snake_case names and lower-case paths.
    Basic,
    /// `BASIC` plus the conventions of a well-kept API repository (Flow's): forms, pagination,
    /// common field types, error models, discriminators, events. The default.
    Standard,
    /// The event rules (`*_event` unions of `X_upserted`/`X_deleted` models); also in `STANDARD`.
    Events,
    /// Descriptions on types, fields and operations. Not in `STANDARD`: turn it on with `use`.
    Comments,
}

impl Category {
    pub const ALL: [Category; 5] =
        [Category::Minimal, Category::Basic, Category::Standard, Category::Events, Category::Comments];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Minimal => "MINIMAL",
            Category::Basic => "BASIC",
            Category::Standard => "STANDARD",
            Category::Events => "EVENTS",
            Category::Comments => "COMMENTS",
        }
    }

    /// Category names are case-insensitive in configuration and `linter` attributes.
    pub fn parse(name: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str().eq_ignore_ascii_case(name.trim()))
    }

    pub fn description(self) -> &'static str {
        match self {
            Category::Minimal => "problems that break routing or clients",
            Category::Basic => "MINIMAL plus naming: snake_case names, lower-case paths",
            Category::Standard => "BASIC plus API conventions; the default",
            Category::Events => "event unions and event models (also in STANDARD)",
            Category::Comments => "descriptions on types, fields and operations (off by default)",
        }
    }

    pub fn rules(self) -> impl Iterator<Item = &'static Rule> {
        RULES.iter().copied().filter(move |r| r.in_category(self))
    }
}

/// The rule with this id, compared case-insensitively (for `apigen explain RULE_ID`).
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.id.eq_ignore_ascii_case(id.trim()))
}

/// Runs the rules `config` selects over every service of `ir` that has definitions, and returns
/// every finding sorted by (file, offset, rule), suppressed ones included with their reason.
///
/// Services known only from an import summary are skipped: their types have no definitions to
/// check, and they belong to another repository. Names in `config` that match no rule or category
/// are ignored here; [`LintConfig::validate`] reports them.
pub fn lint(ir: &Ir, map: &SourceMap, sources: &Sources, config: &LintConfig) -> Vec<Diagnostic> {
    let selection = config::Selection::new(config);
    let file_names: Vec<&str> = sources.iter().map(|(_, f)| f.name.as_str()).collect();
    let mut out = Vec::new();
    let mut findings = Vec::new();
    for service in ir.service_ids() {
        if ir.services.get(service.index()).is_none_or(|s| s.format == SourceFormat::ImportSummary) {
            continue;
        }
        let cx = Context { ir, service };
        let format = ir.service(service).format;
        for (rule, setting) in selection.active().filter(|(rule, _)| rule.formats.includes(format)) {
            findings.clear();
            (rule.check)(&cx, &mut findings);
            for finding in findings.drain(..) {
                let Some(loc) = scope::locate(ir, map, finding.site) else { continue };
                let severity = setting.severity.unwrap_or(rule.severity);
                let mut d =
                    Diagnostic::with_id(DiagnosticId::Rule(rule.id), severity, loc, finding.message, finding.label);
                d.help = finding.help;
                d.notes = finding.notes;
                for (site, label) in finding.related {
                    if let Some(loc) = scope::locate(ir, map, site) {
                        d = d.with_secondary(loc, label);
                    }
                }
                let file = file_names.get(loc.file.0 as usize).copied().unwrap_or("");
                d.suppressed = scope::suppression(ir, finding.site, rule, finding.flow_names, file, config)
                    .or_else(|| setting.suppressed.clone());
                out.push(d);
            }
        }
    }
    sort_and_dedup(&mut out);
    out
}
