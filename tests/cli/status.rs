//! The read commands `poc status`, `poc checklist` and `poc validate`.

use crate::common::*;

/// The headline names the prospect after the POC's name, unless the name
/// already says it.
#[test]
fn the_headline_names_the_prospect_once() {
    let env = TestEnv::with_poc();
    let first_line = |env: &TestEnv| {
        let run = env.poc_run(&["status"]);
        run.ok();
        run.stdout.lines().next().unwrap().to_string()
    };
    assert_eq!(first_line(&env), "Acme Corp POC");
    env.edit(
        "acme/poc.yaml",
        "name: \"Acme Corp POC\"",
        "name: Observability pilot",
    );
    assert_eq!(first_line(&env), "Observability pilot — Acme Corp");
    // Whole words only: "Acme Corporation" does not name "Acme Corp".
    env.edit(
        "acme/poc.yaml",
        "name: Observability pilot",
        "name: Acme Corporation pilot",
    );
    assert_eq!(first_line(&env), "Acme Corporation pilot — Acme Corp");
}

#[test]
fn the_checklist_shows_evidence_on_checklist_items() {
    let env = TestEnv::with_poc();
    env.poc_run(&[
        "check",
        "kickoff",
        "--evidence",
        "minutes in the shared drive",
    ])
    .ok();
    env.poc_run(&["checklist"]).ok().stdout_has(
        "- [x] Kickoff call held with the customer team `kickoff` — 2026-11-23: minutes in the shared drive\n",
    );
}

#[test]
fn validate_warns_about_targets_without_numbers_and_too_many_musts() {
    let env = TestEnv::with_poc();
    let mut scope = env.read("acme/poc.yaml");
    let at = scope.find("phases:").unwrap();
    let extra: String = (5..=8)
        .map(|i| format!("  - {{id: M{i}, title: Extra {i}, target: as fast as possible}}\n"))
        .collect();
    scope.insert_str(at, &extra);
    env.write("acme/poc.yaml", scope);
    let run = env.poc_run(&["validate"]);
    run.ok()
        .stdout_has("ok: acme/poc.yaml and acme/journal.yaml are valid (5 warnings)");
    assert!(
        run.stderr
            .contains("target has no number, so it is hard to prove: as fast as possible"),
        "{run:?}"
    );
    assert!(
        run.stderr
            .contains("6 criteria are `must`; more than five makes a clear win unlikely"),
        "{run:?}"
    );
}
