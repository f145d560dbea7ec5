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

/// The people and the SE's notes are in every document a person reads:
/// stakeholders with role and side, the account executive, each
/// criterion's owner, and the notes (the debrief groups them by phase).
#[test]
fn stakeholders_owners_and_notes_reach_every_document() {
    let mut env = TestEnv::with_example();
    env.at("2026-11-24T15:00:00Z");
    let status = env.poc_run(&["status", "--format", "markdown"]);
    status
        .ok()
        .stdout_has("| **Account executive** | Lee Park |")
        .stdout_has("| Priya Raman | Champion (Director of Platform Engineering) | customer |")
        .stdout_has("| Sam Ortiz | Ingest specialist | vendor |")
        .stdout_has("| Ingest production logs at peak volume (via M2) | \\>= 10,000 events/s sustained for 1 hour, 0 dropped events | must | Priya Raman | met |")
        .stdout_has("## Notes\n\n- 2026-11-17, Lee Park (deployment): prod-west runs CRI-O");
    let checklist = env.poc_run(&["checklist"]);
    checklist
        .ok()
        .stdout_has("**Account executive:** Lee Park")
        .stdout_has("**Stakeholders:** Priya Raman, Champion (Director of Platform Engineering) · ")
        .stdout_has("Sam Ortiz, Ingest specialist (vendor)")
        .stdout_has("(must, owner: Jordan Ellis)");
    // Each note under the phase it was written in.
    let md = &checklist.stdout;
    let deployment = section(md, "## 2. Core deployment", "## 3.");
    assert!(
        deployment.contains("Notes:\n\n- 2026-11-17, Lee Park: prod-west runs CRI-O"),
        "{deployment}"
    );
    let validation = section(md, "## 3. Use-case validation", "## 4.");
    assert!(
        validation.contains("- 2026-11-20, Lee Park: Gateway raised to 4 vCPU"),
        "{validation}"
    );
    env.poc_run(&forced_close("loss", "budget frozen")).ok();
    let debrief = env.poc_run(&["debrief", "--out", "-"]);
    debrief
        .ok()
        .stdout_has("| **Team** | SE Dana Smith; account executive Lee Park |")
        .stdout_has(
            "| **Stakeholders** | Priya Raman, Champion (Director of Platform Engineering); ",
        )
        .stdout_has("Sam Ortiz, Ingest specialist (vendor) |")
        .stdout_has(", confirmed by Jordan Ellis, met 2026-11-20");
    let notes = &debrief.stdout[pos(&debrief.stdout, "## Notes taken during the POC")..];
    assert!(
        notes.contains("### Core deployment\n\n- 2026-11-17, Lee Park: prod-west runs CRI-O")
            && notes.contains("### Use-case validation\n\n- 2026-11-20, Lee Park: Gateway raised"),
        "{notes}"
    );
}
