//! The editor schema (issue 14): `poc schema` is generated from the structs
//! that read `poc.yaml`, accepts every scope `poc` accepts (the example,
//! every template as `init` renders it, version 1 and 2) and rejects what a
//! schema can say is wrong; `init` writes it beside `poc.yaml` with the
//! modeline that points editors to it.

use crate::common::*;

use std::path::Path;

const MODELINE: &str = "# yaml-language-server: $schema=poc.schema.json";

fn schema_text() -> String {
    let run = TestEnv::new().run(&["schema"]);
    run.ok();
    assert_eq!(run.stderr, "");
    run.stdout
}

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(&schema_text()).unwrap();
    jsonschema::validator_for(&schema).expect("a valid JSON Schema")
}

/// `poc.yaml` as the JSON an editor's YAML language server checks.
fn as_json(yaml: &str) -> serde_json::Value {
    serde_saphyr::from_str(yaml).unwrap_or_else(|e| panic!("not YAML: {e}\n{yaml}"))
}

/// The schema's complaints about `yaml`, one line each.
fn complaints(validator: &jsonschema::Validator, yaml: &str) -> Vec<String> {
    let instance = as_json(yaml);
    validator
        .iter_errors(&instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn example_dir() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/acme-observability"
    ))
}

#[test]
fn the_schema_is_draft_7_with_the_fields_documented() {
    let schema: serde_json::Value = serde_json::from_str(&schema_text()).unwrap();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    assert_eq!(schema["title"], "poc.yaml");
    assert_eq!(schema["additionalProperties"], false);
    let required = schema["required"].as_array().unwrap();
    for field in ["version", "name", "prospect", "start", "phases"] {
        assert!(required.contains(&field.into()), "{field} is required");
    }
    // Doc comments are the descriptions editors show on hover.
    let start = &schema["properties"]["start"]["description"];
    assert!(start.as_str().unwrap().contains("YYYY-MM-DD"), "{start}");
    let phases = &schema["definitions"]["Phases"]["required"];
    assert_eq!(
        phases,
        &serde_json::json!([
            "setup",
            "deployment",
            "validation",
            "integration",
            "signoff"
        ])
    );
}

/// The checked-in copy beside the example is what `poc schema` prints, so
/// it cannot go stale; the example's modeline points to it.
#[test]
fn the_example_carries_the_current_schema_and_the_modeline() {
    let checked_in = std::fs::read_to_string(example_dir().join("poc.schema.json")).unwrap();
    assert!(
        checked_in == schema_text(),
        "examples/acme-observability/poc.schema.json is stale: run `poc schema > examples/acme-observability/poc.schema.json`"
    );
    let scope = std::fs::read_to_string(example_dir().join("poc.yaml")).unwrap();
    assert_eq!(scope.lines().next(), Some(MODELINE));
    assert_eq!(complaints(&validator(), &scope), Vec::<String>::new());
}

#[test]
fn the_schema_accepts_every_template_as_init_renders_it_in_both_versions() {
    let validator = validator();
    let env = TestEnv::new();
    let listed = env.run(&["templates", "--format", "json"]);
    let templates = listed.ok().json()["templates"].as_array().unwrap().clone();
    assert!(
        templates.iter().filter(|t| t["kind"] == "scope").count() >= 2,
        "{templates:?}"
    );
    let scopes = templates.iter().filter(|t| t["kind"] == "scope");
    for template in scopes {
        let name = template["name"].as_str().unwrap();
        env.run(&["init", name, "--prospect", "Acme", "--template", name])
            .ok();
        let scope = env.read(&format!("{name}/poc.yaml"));
        assert_eq!(scope.lines().next(), Some(MODELINE), "{name}");
        assert_eq!(
            complaints(&validator, &scope),
            Vec::<String>::new(),
            "{name}"
        );
        assert_eq!(env.read(&format!("{name}/poc.schema.json")), schema_text());
    }
    // A version 1 scope (no plan sections) is valid too.
    let env = TestEnv::with_poc();
    env.as_version_1();
    env.poc_run(&["validate"]).ok();
    let v1 = env.read("acme/poc.yaml");
    assert_eq!(complaints(&validator, &v1), Vec::<String>::new());
}

/// The valid scopes of the corpus, odd ones included, pass.
#[test]
fn the_schema_accepts_the_valid_scopes_of_the_corpus() {
    let validator = validator();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/scope");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let expect = path.with_extension("expect");
        if path.extension().is_some_and(|e| e == "yaml")
            && std::fs::read_to_string(&expect)
                .unwrap()
                .contains("exit: 0")
        {
            let scope = std::fs::read_to_string(&path).unwrap();
            assert_eq!(
                complaints(&validator, &scope),
                Vec::<String>::new(),
                "{path:?}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 6, "{checked}");
}

/// The invalid scopes of the corpus whose error a schema can express: an
/// unknown field, a wrong type, a value outside its choices or range, a
/// missing field. Each case names the part of its expected message that
/// makes it one, so a changed corpus cannot silently change the test. Left
/// out: YAML syntax, duplicates, real dates, the order of phases and day
/// windows, cross-references between IDs, version 1 with version 2
/// sections, sizes a schema cannot count the way poc does, and `.inf`
/// (JSON has no such number: the YAML is not JSON to check).
const REJECTED: &[(&str, &str)] = &[
    ("05-type-version-is-text", "expected a whole number"),
    ("06-type-prospect-is-a-list", "expected text, not a list"),
    ("07-type-days-is-a-number", "expected sequence start"),
    ("08-type-required-is-not-a-bool", "expected true or false"),
    ("09-type-priority-unknown-value", "unknown value `high`"),
    ("10-unknown-top-level-field", "unknown field `prospekt`"),
    ("11-unknown-criterion-field", "unknown field `traget`"),
    ("12-unknown-first-phase", "unknown phase `stup`"),
    ("16-id-with-a-space", "outside the ID set"),
    ("18-date-in-words", "not a date in the form YYYY-MM-DD"),
    ("22-missing-phase", "is missing `signoff`"),
    ("24-negative-number", "expected a whole number, 0 or more"),
    ("25-negative-day", "expected a whole number, 0 or more"),
    ("26-day-beyond-a-year", "POC days run from 1 to 366"),
    ("27-day-zero", "POC days run from 1 to 366"),
    ("28-three-day-numbers", "must be two day numbers"),
    ("29-unsupported-version", "this poc reads up to version 2"),
    ("33-top-level-list", "expected mapping start"),
    ("36-unknown-later-phase", "unknown phase `validaton`"),
    ("37-missing-prospect", "missing required field `prospect`"),
    ("38-empty-title", "empty value; expected text"),
    (
        "54-v2-signoff-covers-unknown-word",
        "`covers` is `everything`",
    ),
    (
        "55-v2-signoff-covers-empty-list",
        "`covers` is an empty list",
    ),
    ("58-v2-escalation-to-nobody", "`to` is empty"),
    ("59-v2-risk-bad-level", "unknown value `huge`"),
];

#[test]
fn the_schema_rejects_the_invalid_scopes_a_schema_can_express() {
    let validator = validator();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/scope");
    for (case, message) in REJECTED {
        let expect = std::fs::read_to_string(dir.join(format!("{case}.expect"))).unwrap();
        assert!(
            expect.contains(message),
            "{case}.expect no longer says {message:?}:\n{expect}"
        );
        let scope = std::fs::read_to_string(dir.join(format!("{case}.yaml"))).unwrap();
        assert!(
            !complaints(&validator, &scope).is_empty(),
            "the schema accepts {case}"
        );
    }
}

/// A text field takes any scalar, as poc reads it (`title: 42` is "42"):
/// the schema must not flag what `poc validate` accepts.
#[test]
fn numbers_in_text_fields_are_accepted_as_poc_accepts_them() {
    let env = TestEnv::with_poc();
    env.edit("acme/poc.yaml", "prospect: \"Acme Corp\"", "prospect: 3");
    env.edit(
        "acme/poc.yaml",
        "title: Solution deployed in the customer environment",
        "title: 42",
    );
    env.poc_run(&["validate"]).ok();
    let scope = env.read("acme/poc.yaml");
    assert_eq!(complaints(&validator(), &scope), Vec::<String>::new());
}

/// init puts the modeline on the first line and the schema beside the
/// scope; validate has nothing to say about either.
#[test]
fn init_writes_the_modeline_and_the_schema_and_validate_is_quiet_about_them() {
    let env = TestEnv::with_poc();
    let scope = env.read("acme/poc.yaml");
    assert_eq!(scope.lines().next(), Some(MODELINE));
    assert_eq!(scope.matches("yaml-language-server").count(), 1);
    assert_eq!(env.read("acme/poc.schema.json"), schema_text());
    let run = env.poc_run(&["validate"]);
    run.ok().stdout_has("(0 warnings)");
    assert_eq!(run.stderr, "");
}

/// A schema already in the folder (the team's own, or an older poc's) is
/// never replaced: init names it when it differs, and says nothing when it
/// is the same.
#[test]
fn init_leaves_a_schema_already_there() {
    let env = TestEnv::new();
    env.write("acme/poc.schema.json", "{\"title\": \"the team's own\"}\n");
    let run = env.run(INIT_ACME);
    run.ok().stderr_has(
        "acme/poc.schema.json already exists and differs from this poc's schema; left as is (`poc schema > poc.schema.json` in the POC folder refreshes it).",
    );
    assert_eq!(
        env.read("acme/poc.schema.json"),
        "{\"title\": \"the team's own\"}\n"
    );

    let env = TestEnv::new();
    env.write("acme/poc.schema.json", schema_text());
    let run = env.run(INIT_ACME);
    run.ok();
    assert!(!run.stderr.contains("poc.schema.json"), "{run:#?}");
}
