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
