//! The `[lint]` configuration and suppression: TOML shape, validation, rule selection, severities,
//! `ignore` entries, `linter` attributes (with Flow's names), and what is never linted.

mod common;

use compiler::Severity;
use lint_rules::{Category, ConfigError, Level, LintConfig, PathException, RULES};

/// A spec with one finding for several rules, each in a known place.
const SPEC: &str = r#"{
  "name": "shop",
  "models": {
    "user": {
      "fields": [
        { "name": "id", "type": "long" },
        { "name": "createdAt", "type": "date-time-iso8601" }
      ]
    },
    "legacy_user": {
      "attributes": [{ "name": "linter", "value": { "ignore": ["common_field_types"] } }],
      "fields": [{ "name": "id", "type": "long" }]
    }
  },
  "resources": {
    "user": {
      "operations": [
        { "method": "GET", "responses": { "200": { "type": "[user]" } } },
        {
          "method": "GET",
          "path": "/:id/friends",
          "attributes": [{ "name": "linter", "value": { "ignore": ["limit"] } }],
          "parameters": [{ "name": "offset", "type": "long", "default": 0, "minimum": 0 }],
          "responses": { "200": { "type": "[user]" } }
        }
      ]
    }
  }
}"#;

fn parse(toml_text: &str) -> Result<LintConfig, toml::de::Error> {
    toml::from_str(toml_text)
}

fn ids(diags: &[compiler::Diagnostic]) -> Vec<&str> {
    diags.iter().filter(|d| d.suppressed.is_none()).map(|d| d.code.as_str()).collect()
}

#[test]
fn toml_shape() {
    let config = parse(
        r#"
        use = ["STANDARD", "comments"]
        except = ["RESOURCE_PATH_PLURAL"]
        severity = { ENUM_VALUE_SNAKE_CASE = "off", EVENTS = "warning", union_has_discriminator = "error" }

        [[ignore]]
        rule = "COMMON_FIELD_TYPES"
        path = "legacy/"
        reason = "generated from the vendor's schema"

        [[ignore]]
        rule = "*"
        path = "/internal"
        "#,
    )
    .unwrap();
    assert_eq!(config.use_, ["STANDARD", "comments"]);
    assert_eq!(config.except, ["RESOURCE_PATH_PLURAL"]);
    assert_eq!(config.severity.get("ENUM_VALUE_SNAKE_CASE"), Some(&Level::Off));
    assert_eq!(config.severity.get("EVENTS"), Some(&Level::Warning));
    assert_eq!(
        config.ignore[0],
        PathException {
            rule: "COMMON_FIELD_TYPES".into(),
            path: "legacy/".into(),
            reason: Some("generated from the vendor's schema".into()),
        }
    );
    assert_eq!(config.validate(), Ok(()));
    assert_eq!(parse("").unwrap(), LintConfig::default());
}

#[test]
fn toml_rejects_unknown_keys_and_levels() {
    for bad in [
        r#"uses = ["STANDARD"]"#,
        r#"severity = { PATH_LOWER_CASE = "fatal" }"#,
        "[[ignore]]\nrule = \"X\"\npath = \"a\"\nwhy = \"b\"",
        "[[ignore]]\npath = \"a\"",
        r#"use = "STANDARD""#,
    ] {
        assert!(parse(bad).is_err(), "accepted: {bad}");
    }
}

#[test]
fn validation_names_the_unknown_and_suggests() {
    let config = LintConfig { use_: vec!["FIELD_NAME_SNAKECASE".into()], ..LintConfig::default() };
    let err = config.validate().unwrap_err();
    assert_eq!(
        err,
        ConfigError::UnknownName {
            field: "use",
            name: "FIELD_NAME_SNAKECASE".into(),
            suggestion: Some("FIELD_NAME_SNAKE_CASE".into()),
        }
    );
    assert_eq!(
        err.to_string(),
        "`FIELD_NAME_SNAKECASE` in `lint.use` is neither a lint rule nor a category; did you mean `FIELD_NAME_SNAKE_CASE`?"
    );

    let config = LintConfig { severity: [("NOPE".to_string(), Level::Off)].into(), ..LintConfig::default() };
    assert!(matches!(config.validate(), Err(ConfigError::UnknownName { field: "severity", suggestion: None, .. })));

    // `*` only means "every rule" in `ignore`.
    let config = LintConfig { except: vec!["*".into()], ..LintConfig::default() };
    assert!(config.validate().is_err());
    let star = PathException { rule: "*".into(), path: "legacy/".into(), reason: None };
    assert_eq!(LintConfig { ignore: vec![star], ..LintConfig::default() }.validate(), Ok(()));

    let empty = PathException { rule: "PATH_LOWER_CASE".into(), path: " ".into(), reason: None };
    let err = LintConfig { ignore: vec![empty], ..LintConfig::default() }.validate().unwrap_err();
    assert_eq!(err, ConfigError::EmptyPath { rule: "PATH_LOWER_CASE".into() });

    // Flow names and categories are names too, in any case.
    let config = LintConfig { except: vec!["get".into(), "events".into()], ..LintConfig::default() };
    assert_eq!(config.validate(), Ok(()));
}

#[test]
fn default_is_standard_and_categories_nest() {
    let c = common::compile_valid("shop.json", SPEC);
    let default = common::lint(&c, &LintConfig::default());
    assert!(
        default.iter().all(|d| lint_rules::rule(d.code.as_str()).is_some_and(|r| r.in_category(Category::Standard)))
    );
    assert!(ids(&default).contains(&"FIELD_NAME_SNAKE_CASE"));
    assert!(!ids(&default).contains(&"TYPE_HAS_DESCRIPTION"), "COMMENTS is off by default");

    let minimal = common::lint(&c, &common::config(&["MINIMAL"]));
    assert!(minimal.is_empty());
    let comments = common::lint(&c, &common::config(&["COMMENTS"]));
    assert!(ids(&comments).iter().all(|id| id.ends_with("_HAS_DESCRIPTION")) && !comments.is_empty());

    for rule in RULES {
        if rule.in_category(Category::Minimal) {
            assert!(rule.in_category(Category::Basic), "{}: MINIMAL ⊂ BASIC", rule.id);
        }
        if rule.in_category(Category::Basic) || rule.in_category(Category::Events) {
            assert!(rule.in_category(Category::Standard), "{}: BASIC and EVENTS ⊂ STANDARD", rule.id);
        }
        if rule.in_category(Category::Comments) {
            assert!(!rule.in_category(Category::Standard), "{}: COMMENTS is not in STANDARD", rule.id);
        }
    }
}

/// Every kind of suppression on one spec, rendered: what is suppressed, and why.
#[test]
fn suppressions_are_reported_with_their_reason() {
    let c = common::compile_valid("specs/shop.json", SPEC);
    let mut config = common::config(&["COMMON_FIELD_TYPES", "LIST_OPERATION_PAGINATED", "FIELD_NAME_SNAKE_CASE"]);
    config.except = vec!["field_name_snake_case".into()];
    config.ignore = vec![PathException {
        rule: "COMMON_FIELD_TYPES".into(),
        path: "user".into(),
        reason: Some("ids are numbers in the legacy database".into()),
    }];
    let findings = common::lint(&c, &config);
    insta::assert_snapshot!("suppressions", common::render_all(&c, &findings));

    // Suppressed findings are returned, not dropped; only the two about `GET /users` remain.
    assert_eq!(findings.len(), 6);
    assert_eq!(ids(&findings), ["LIST_OPERATION_PAGINATED", "LIST_OPERATION_PAGINATED"]);
}

#[test]
fn severity_overrides_rule_before_category() {
    let c = common::compile_valid("shop.json", SPEC);
    let mut config = common::config(&["STANDARD"]);
    config.severity = [
        ("STANDARD".to_string(), Level::Warning),
        ("common_field_types".to_string(), Level::Error),
        ("LIST_OPERATION_PAGINATED".to_string(), Level::Off),
    ]
    .into();
    let findings = common::lint(&c, &config);
    for d in &findings {
        match d.code.as_str() {
            "COMMON_FIELD_TYPES" => assert_eq!(d.severity, Severity::Error),
            // An inline `linter` attribute, when there is one, is the reason given.
            "LIST_OPERATION_PAGINATED" => assert!(d.suppressed.is_some()),
            _ => assert_eq!(d.severity, Severity::Warning, "{}", d.code.as_str()),
        }
    }
    let off = "severity of `LIST_OPERATION_PAGINATED` is `off` in the lint configuration";
    assert!(findings.iter().any(|d| d.suppressed.as_deref() == Some(off)));
}

#[test]
fn ignore_matches_files_types_and_paths() {
    let c = common::compile_valid("specs/legacy/shop.json", SPEC);
    let only = |rule: &str, path: &str| {
        let mut config = common::config(&["COMMON_FIELD_TYPES", "LIST_OPERATION_PAGINATED", "FIELD_NAME_SNAKE_CASE"]);
        config.ignore = vec![PathException { rule: rule.into(), path: path.into(), reason: None }];
        common::lint(&c, &config)
    };
    let unsuppressed = |diags: &[compiler::Diagnostic]| ids(diags).len();
    let baseline = unsuppressed(&only("TYPE_NAME_SNAKE_CASE", "nothing/here"));
    assert_eq!(baseline, 4, "{:?}", ids(&only("TYPE_NAME_SNAKE_CASE", "nothing/here")));

    // A folder prefix, the file itself, and a `*` prefix; `specs/leg` is not a folder.
    assert_eq!(unsuppressed(&only("*", "specs/legacy")), 0);
    assert_eq!(unsuppressed(&only("*", "specs/legacy/")), 0);
    assert_eq!(unsuppressed(&only("*", "specs/legacy/shop.json")), 0);
    assert_eq!(unsuppressed(&only("*", "specs/leg*")), 0);
    assert_eq!(unsuppressed(&only("*", "specs/leg")), baseline);

    // A type, plain or qualified: its fields are covered; a category selects its rules.
    assert_eq!(unsuppressed(&only("COMMON_FIELD_TYPES", "user")), baseline - 1);
    assert_eq!(unsuppressed(&only("basic", "user")), baseline - 1);
    let qualified = format!("{}.models.user", c.ir.services[0].namespace);
    assert_eq!(unsuppressed(&only("*", &qualified)), baseline - 2);

    // An operation path prefix, segment by segment; the resource type covers its operations.
    assert_eq!(unsuppressed(&only("get", "/users")), baseline - 2);
    assert_eq!(unsuppressed(&only("*", "/users/:id")), baseline);
    assert_eq!(unsuppressed(&only("*", "/user")), baseline);
    assert_eq!(unsuppressed(&only("LIST_OPERATION_PAGINATED", "user")), baseline - 2);
}

#[test]
fn linter_attributes_anywhere_up_the_tree() {
    let spec = |attribute_at: &str, ignore: &str| {
        let attr = format!(r#""attributes": [{{ "name": "Linter", "value": {{ "ignore": {ignore} }} }}],"#);
        let with = |place: &str| if place == attribute_at { attr.as_str() } else { "" };
        format!(
            r#"{{
              "name": "shop", {service}
              "models": {{
                "user": {{ {model} "fields": [{{ {field} "name": "userName", "type": "string" }}] }}
              }},
              "resources": {{
                "user": {{ {resource}
                  "operations": [
                    {{ "method": "GET", "path": "/:userId", {operation} "responses": {{ "200": {{ "type": "user" }} }} }}
                  ]
                }}
              }}
            }}"#,
            service = with("service"),
            model = with("model"),
            field = with("field"),
            resource = with("resource"),
            operation = with("operation"),
        )
    };
    let run = |attribute_at: &str, ignore: &str| {
        let c = common::compile_valid("shop.json", &spec(attribute_at, ignore));
        let findings = common::lint(&c, &common::config(&["FIELD_NAME_SNAKE_CASE", "PARAMETER_NAME_SNAKE_CASE"]));
        assert_eq!(findings.len(), 2, "{attribute_at}: {findings:?}");
        ids(&findings).into_iter().map(String::from).collect::<Vec<_>>()
    };
    let both = vec!["FIELD_NAME_SNAKE_CASE".to_string(), "PARAMETER_NAME_SNAKE_CASE".to_string()];
    assert_eq!(run("nowhere", "[]"), both);
    assert_eq!(run("field", r#"["field_name_snake_case"]"#), ["PARAMETER_NAME_SNAKE_CASE"]);
    assert_eq!(run("model", r#""FIELD_NAME_SNAKE_CASE""#), ["PARAMETER_NAME_SNAKE_CASE"]);
    assert_eq!(run("operation", r#"["parameter_name_snake_case"]"#), ["FIELD_NAME_SNAKE_CASE"]);
    assert_eq!(run("resource", r#"["BASIC"]"#), ["FIELD_NAME_SNAKE_CASE"]);
    assert_eq!(run("service", r#"["basic"]"#), Vec::<String>::new());
    // An attribute on a field does not reach its siblings' operations, and unknown names do nothing.
    assert_eq!(run("field", r#"["parameter_name_snake_case", "versions", 3]"#), both);
}

#[test]
fn union_members_honour_their_models_linter_attribute() {
    let c = common::compile_valid(
        "events.json",
        r#"{
          "name": "user",
          "models": {
            "user_upserted": {
              "attributes": [{ "name": "linter", "value": { "ignore": ["EVENTS"] } }],
              "fields": [{ "name": "event_id", "type": "string" }, { "name": "timestamp", "type": "date-time-iso8601" }]
            }
          },
          "unions": { "user_event": { "discriminator": "discriminator", "types": [{ "type": "user_upserted" }] } }
        }"#,
    );
    let findings = common::lint(&c, &common::config(&["EVENTS"]));
    assert_eq!(findings.len(), 1);
    assert_eq!(
        findings[0].suppressed.as_deref(),
        Some("ignored by the `linter` attribute of model `user_upserted` (`EVENTS`)")
    );
}

/// Types known only from a service.json import summary have no definitions: never linted.
#[test]
fn import_summaries_are_not_linted() {
    let c = compiler::compile_str(
        "service.json",
        r#"{
          "name": "shop", "namespace": "com.acme.shop.v0",
          "organization": { "key": "acme" }, "application": { "key": "shop" }, "version": "1.0.0",
          "info": {}, "headers": [], "enums": [], "unions": [], "interfaces": [], "resources": [], "attributes": [],
          "imports": [{
            "uri": "https://app.apibuilder.io/acme/legacy/latest/service.json",
            "namespace": "com.acme.legacy.v0",
            "organization": { "key": "acme" }, "application": { "key": "legacy" }, "version": "1.0.0",
            "enums": ["BadEnum"], "unions": ["BadUnion"], "models": ["BadModel"], "interfaces": []
          }],
          "models": [{ "name": "order", "plural": "orders", "fields": [], "attributes": [], "interfaces": [] }]
        }"#,
    );
    assert!(c.ir.services.iter().any(|s| s.format == compiler::ir::SourceFormat::ImportSummary));
    let findings = common::lint(&c, &common::config(&["STANDARD", "COMMENTS"]));
    let rendered = common::render_all(&c, &findings);
    assert!(!rendered.contains("Bad"), "{rendered}");
    assert!(rendered.contains("model `order` has no description"), "{rendered}");
}

#[test]
fn explain_finds_rules_case_insensitively() {
    let rule = lint_rules::rule("common_field_types").unwrap();
    assert_eq!(rule.id, "COMMON_FIELD_TYPES");
    assert!(lint_rules::rule("NO_SUCH_RULE").is_none());
    insta::assert_snapshot!("explain_common_field_types", rule.explanation());
}

/// Every compiler fixture, however broken, lints without panicking, and twice alike.
#[test]
fn broken_specs_lint_without_panic() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/codes");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        // A fixture is a file, or a folder of files compiled together.
        let files: Vec<std::path::PathBuf> = if path.is_dir() {
            std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect()
        } else {
            vec![path]
        };
        let inputs = files
            .iter()
            .map(|p| compiler::Input { name: p.display().to_string(), bytes: std::fs::read(p).unwrap() })
            .collect();
        let c = compiler::compile(inputs, &compiler::Config::default(), &mut compiler::NoLoader);
        let all = common::config(&["STANDARD", "COMMENTS"]);
        assert_eq!(common::lint(&c, &all), common::lint(&c, &all));
        count += 1;
    }
    assert!(count > 50, "expected the compiler's code fixtures in {}", dir.display());
}
