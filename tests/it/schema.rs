//! The JSON Schema from `surveydeck schema` accepts the samples and rejects a
//! broken survey, so editors using it agree with `surveydeck check`.

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value =
        serde_json::from_str(&surveydeck::document::json_schema()).expect("schema is JSON");
    jsonschema::validator_for(&schema).expect("schema compiles")
}

fn as_json(yaml: &str) -> serde_json::Value {
    serde_saphyr::from_str(yaml).expect("YAML parses")
}

#[test]
fn schema_accepts_the_samples() {
    let v = validator();
    for name in [
        "samples/2020-10-ai-update.yaml",
        "samples/minimal.yaml",
        "templates/starter.yaml",
    ] {
        let doc = as_json(&std::fs::read_to_string(name).expect("read"));
        let errors: Vec<String> = v
            .iter_errors(&doc)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
    }
}

#[test]
fn schema_rejects_a_broken_survey() {
    let v = validator();
    for broken in [
        "deck:\n  titel: x\nsections: []\n", // unknown field, no title
        "deck:\n  title: x\nsections:\n  - slide: a\n    bulets: [b]\n", // unknown field in a section
        "deck:\n  title: x\n  date: 7 Oct 2020\nsections: []\n",         // bad date pattern
        "deck:\n  title: x\n",                                           // no sections
    ] {
        assert!(!v.is_valid(&as_json(broken)), "accepted: {broken}");
    }
}

#[test]
fn theme_schema_accepts_the_builtin_themes() {
    let schema: serde_json::Value =
        serde_json::from_str(&surveydeck::theme::json_schema()).expect("schema is JSON");
    let v = jsonschema::validator_for(&schema).expect("compiles");
    for (name, text) in surveydeck::theme::BUILTIN {
        assert!(v.is_valid(&as_json(text)), "{name}");
    }
}

/// The schema and the CLI accept the same date forms and paper ids
/// (docs/format.md says the same): YYYY-MM-DD or YYYY/MM/DD with one-digit
/// months and days, and arXiv ids quoted or not.
#[test]
fn schema_and_cli_agree_on_dates_and_ids() {
    let v = validator();
    for (date, ok) in [
        ("2020-10-07", true),
        ("2020/10/07", true),
        ("2026-1-5", true),
        ("2026/1/5", true),
        ("2026-12/03", false),
        ("20201007", false),
        ("10/07/2020", false),
        ("7 Oct 2020", false),
    ] {
        let y = format!("deck:\n  title: x\n  date: {date}\nsections: []\n");
        assert_eq!(v.is_valid(&as_json(&y)), ok, "schema on {date}");
        assert_eq!(
            surveydeck::document::Date::parse(date).is_some(),
            ok,
            "CLI on {date}"
        );
    }
    let unquoted = "deck:\n  title: x\npapers:\n  2009.10000:\n    title: T\nsections:\n  - ranking: r\n    papers: [2009.10000]\n  - paper: 2009.10000\n";
    let errors: Vec<String> = v
        .iter_errors(&as_json(unquoted))
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}
