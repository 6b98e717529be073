//! The `[lint]` table of `apigen.toml`: which rules run, at which severity, and where they are
//! silenced; deserialized with serde, validated, and resolved into one setting per rule.
//!
//! ```toml
//! [lint]
//! use = ["STANDARD", "COMMENTS"]          # categories or rule ids; default: STANDARD
//! except = ["RESOURCE_PATH_PLURAL"]       # findings still reported, as suppressed
//! severity = { ENUM_VALUE_SNAKE_CASE = "off", EVENTS = "warning" }
//!
//! [[lint.ignore]]
//! rule = "COMMON_FIELD_TYPES"             # a rule id, a category, or "*"
//! path = "legacy/"                        # spec file prefix, type name or operation path prefix
//! reason = "generated from the vendor's schema"
//! ```

use std::collections::BTreeMap;
use std::fmt;

use compiler::diagnostic::Severity;
use serde::Deserialize;

use crate::{Category, RULES, Rule};

/// Lint settings, embedded as the `[lint]` table of `apigen.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LintConfig {
    /// Categories or rule ids to run; empty means `STANDARD`.
    #[serde(default, rename = "use")]
    pub use_: Vec<String>,
    /// Categories or rule ids whose findings are reported as suppressed.
    #[serde(default)]
    pub except: Vec<String>,
    /// Severity per rule id or category; a rule's own entry wins over its categories'. `off`
    /// reports the rule's findings as suppressed.
    #[serde(default)]
    pub severity: BTreeMap<String, Level>,
    /// Places where some rule is silenced.
    #[serde(default)]
    pub ignore: Vec<PathException>,
}

/// A severity as configuration names it, including `off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Off,
}

/// One `[[lint.ignore]]` entry: silences `rule` for findings at `path`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathException {
    /// A rule id or Flow name, a category, or `*` for every rule (case-insensitive).
    pub rule: String,
    /// Where: a spec file as diagnostics name it, or a folder prefix of it (`legacy/`); the name of
    /// a model, enum, union or interface, plain (`user`) or qualified (`com.acme.user.v0.models.user`),
    /// which also covers its fields, values and members and the resource of that type; or an
    /// operation path prefix (`/internal`), matched segment by segment. A trailing `*` matches any
    /// continuation (`legacy_*`).
    pub path: String,
    /// Why, shown with each suppressed finding.
    #[serde(default)]
    pub reason: Option<String>,
}

/// A problem in a [`LintConfig`], found by [`LintConfig::validate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    /// A name in `use`, `except`, `severity` or `ignore` is neither a rule nor a category.
    UnknownName { field: &'static str, name: String, suggestion: Option<String> },
    /// An `ignore` entry has an empty `path`, which would silence nothing (or, worse, everything).
    EmptyPath { rule: String },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::UnknownName { field, name, suggestion } => {
                write!(f, "`{name}` in `lint.{field}` is neither a lint rule nor a category")?;
                match suggestion {
                    Some(s) => write!(f, "; did you mean `{s}`?"),
                    None => write!(f, "; `apigen explain` lists the rules"),
                }
            }
            ConfigError::EmptyPath { rule } => write!(f, "`lint.ignore` entry for `{rule}` has an empty `path`"),
        }
    }
}

impl std::error::Error for ConfigError {}

impl LintConfig {
    /// Checks every name the configuration uses; returns the first problem.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let fields = [("use", &self.use_), ("except", &self.except)];
        for (field, names) in fields {
            for name in names {
                check_name(field, name, Wildcard::No)?;
            }
        }
        for name in self.severity.keys() {
            check_name("severity", name, Wildcard::No)?;
        }
        for exception in &self.ignore {
            check_name("ignore", &exception.rule, Wildcard::Allowed)?;
            if exception.path.trim().is_empty() {
                return Err(ConfigError::EmptyPath { rule: exception.rule.clone() });
            }
        }
        Ok(())
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Wildcard {
    Allowed,
    No,
}

fn check_name(field: &'static str, name: &str, wildcard: Wildcard) -> Result<(), ConfigError> {
    if (wildcard == Wildcard::Allowed && name.trim() == "*") || names_rule_or_category(name) {
        return Ok(());
    }
    Err(ConfigError::UnknownName { field, name: name.to_string(), suggestion: suggest(name) })
}

fn names_rule_or_category(name: &str) -> bool {
    Category::parse(name).is_some() || RULES.iter().any(|r| r.is_named(name))
}

/// The closest rule id or category, when one is close enough to be a typo.
fn suggest(name: &str) -> Option<String> {
    let upper = name.trim().to_ascii_uppercase();
    let candidates = RULES.iter().map(|r| r.id).chain(Category::ALL.iter().map(|c| c.as_str()));
    candidates
        .map(|c| (edit_distance(&upper, c), c))
        .filter(|(d, c)| *d <= (c.len() / 4).max(2))
        .min()
        .map(|(_, c)| c.to_string())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb { prev } else { 1 + prev.min(cur).min(row[j]) };
            prev = cur;
        }
    }
    row[b.len()]
}

/// Whether `name` (a rule id, Flow name or category) designates `rule`.
pub(crate) fn designates(name: &str, rule: &Rule) -> bool {
    match Category::parse(name) {
        Some(c) => rule.in_category(c),
        None => rule.is_named(name),
    }
}

/// How one selected rule runs.
#[derive(Debug, Clone, Default)]
pub(crate) struct Setting {
    /// The configured severity, when the configuration sets one.
    pub severity: Option<Severity>,
    /// Why every finding of the rule is suppressed (`except`, or severity `off`).
    pub suppressed: Option<String>,
}

/// The configuration resolved against the registry: the rules to run, each with its setting.
#[derive(Debug)]
pub(crate) struct Selection {
    rules: Vec<(&'static Rule, Setting)>,
}

impl Selection {
    pub fn new(config: &LintConfig) -> Self {
        let default_use = [Category::Standard.as_str().to_string()];
        let use_: &[String] = if config.use_.is_empty() { &default_use } else { &config.use_ };
        let mut rules = Vec::new();
        for rule in RULES.iter().copied() {
            if !use_.iter().any(|n| designates(n, rule)) {
                continue;
            }
            let mut setting = Setting::default();
            // A rule's own entry wins over its categories' entries.
            let level = config
                .severity
                .iter()
                .find(|(k, _)| rule.is_named(k))
                .or_else(|| config.severity.iter().find(|(k, _)| designates(k, rule)));
            match level {
                Some((_, Level::Error)) => setting.severity = Some(Severity::Error),
                Some((_, Level::Warning)) => setting.severity = Some(Severity::Warning),
                Some((key, Level::Off)) => {
                    setting.suppressed = Some(format!("severity of `{key}` is `off` in the lint configuration"))
                }
                None => {}
            }
            if let Some(name) = config.except.iter().find(|n| designates(n, rule)) {
                setting.suppressed = Some(format!("`{name}` is in `except` of the lint configuration"));
            }
            rules.push((rule, setting));
        }
        Selection { rules }
    }

    pub fn active(&self) -> impl Iterator<Item = (&'static Rule, &Setting)> {
        self.rules.iter().map(|(r, s)| (*r, s))
    }
}
