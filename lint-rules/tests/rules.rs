//! Data-driven rule tests: every rule runs alone on `fixtures/<RULE_ID>/bad.json`, whose findings
//! are snapshotted, and on `good.json`, which must give none.

mod common;

use lint_rules::RULES;

#[test]
fn every_rule_on_its_fixtures() {
    for rule in RULES {
        let dir = common::fixtures().join(rule.id);
        let read = |kind: &str| {
            let path = dir.join(format!("{kind}.json"));
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        };
        let only = common::config(&[rule.id]);

        let bad = common::compile_valid(&format!("{}/bad.json", rule.id), &read("bad"));
        let findings = common::lint(&bad, &only);
        assert!(findings.iter().any(|d| d.suppressed.is_none()), "{}: bad.json gives no finding", rule.id);
        assert!(findings.iter().all(|d| d.code.as_str() == rule.id), "{}: another rule reported", rule.id);
        insta::assert_snapshot!(rule.id, common::render_all(&bad, &findings));

        let good = common::compile_valid(&format!("{}/good.json", rule.id), &read("good"));
        let findings = common::lint(&good, &only);
        assert!(
            findings.is_empty(),
            "{}: good.json gives findings:\n{}",
            rule.id,
            common::render_all(&good, &findings)
        );
    }
}
