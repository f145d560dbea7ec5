//! `poc check`: recording checks, failures, evidence, notes and undos, and
//! today's list for people and as JSON.

use crate::common::*;

#[test]
fn check_records_evidence_and_notes_in_the_journal() {
    let mut env = TestEnv::with_poc();
    env.at("2026-11-23T11:00:00Z");
    check(
        &env,
        &[
            "SC1",
            "--evidence",
            "12,400 events/s for 1 h",
            "--note",
            "dashboard in the shared channel",
        ],
    );
    check(&env, &["kickoff", "--note", "all hands"]);
    let j = env.journal();
    let sc1 = &j[1];
    assert_eq!(sc1["kind"], "check");
    assert_eq!(sc1["id"], "SC1");
    assert_eq!(sc1["evidence"], "12,400 events/s for 1 h");
    assert_eq!(sc1["note"], "dashboard in the shared channel");
    assert_eq!(sc1["at"], "2026-11-23T11:00:00Z");
    assert_eq!(j[2]["id"], "kickoff");
    assert_eq!(j[2]["note"], "all hands");
    let s = status_json(&env);
    assert_eq!(criterion(&s, "SC1")["evidence"], "12,400 events/s for 1 h");
    assert_eq!(s["phases"][0]["done"], 1);
}

#[test]
fn fail_is_for_criteria_only_and_records_nothing_on_an_item() {
    let env = TestEnv::with_poc();
    let run = unchanged(&env, || env.poc_run(&["check", "SC2", "kickoff", "--fail"]));
    run.code(1).first_err_is(
        "error: `kickoff` is a checklist item; --fail is for success criteria; an item's failed verification is recorded by `--run` (nothing was recorded)",
    );
    check(&env, &["SC2", "--fail", "--note", "p95 was 340 ms"])
        .stderr_has("Failed: SC2 Core use case works on customer data");
    let last = env.journal().pop().unwrap();
    assert_eq!(last["kind"], "fail");
    assert_eq!(last["note"], "p95 was 340 ms");
    assert_eq!(criterion(&status_json(&env), "SC2")["status"], "failed");
}

#[test]
fn an_unknown_id_records_nothing_for_any_id_and_suggests_the_nearest() {
    let env = TestEnv::with_poc();
    let run = unchanged(&env, || {
        env.poc_run(&["check", "kickoff", "env-acess", "SC1"])
    });
    run.code(1).first_err_is(
        "error: unknown ID `env-acess`: no success criterion or checklist item in poc.yaml has it; did you mean `env-access`? (nothing was recorded)",
    );
    let run = unchanged(&env, || env.poc_run(&["check", "SC9", "--undo"]));
    run.code(1).stderr_has("unknown ID `SC9`");
    assert_eq!(env.journal().len(), 1);
}

#[test]
fn the_phase_complete_hint_comes_only_from_the_check_that_completes_it() {
    let env = TestEnv::with_poc();
    check(&env, &STANDARD_IDS[..7]);
    env.poc_run(&["check", "env-ready"])
        .ok()
        .stderr_has("The setup phase is complete: run `poc advance` to move to deployment.");
    let run = env.poc_run(&["check", "SC4"]);
    run.ok();
    assert!(!run.stderr.contains("complete"), "{run:?}");
}

/// A failure and the success after it recorded with the same time (a day
/// backfilled with `POC_NOW=YYYY-MM-DD`) still count as "failed, then met".
#[test]
fn a_failure_at_the_same_time_as_the_success_is_kept() {
    let mut env = TestEnv::with_poc();
    env.at("2026-11-25");
    env.poc_run(&["check", "SC2", "--fail", "--evidence", "run 1: 88%"])
        .ok();
    env.poc_run(&["check", "SC2", "--evidence", "run 2: 97%"])
        .ok();
    let status = status_json(&env);
    let sc2 = criterion(&status, "SC2");
    assert_eq!(sc2["status"], "met");
    let failures = sc2["earlier_failures"].as_array().unwrap();
    assert_eq!(failures.len(), 1, "{sc2:#}");
    assert_eq!(failures[0]["evidence"], "run 1: 88%");
}

#[test]
fn todays_list_as_json_for_scripts() {
    let mut env = TestEnv::with_poc();
    env.poc_run(&["check", "kickoff"]).ok();
    env.poc_run(&["blocker", "VPN access not granted"]).ok();
    env.at("2026-11-25T15:00:00Z");
    let run = unchanged(&env, || env.poc_run(&["check", "--format", "json"]));
    let today = run.ok().json();
    assert_eq!(today["schema_version"], 5);
    assert_eq!(
        (&today["day"], &today["total_days"], &today["phase"]),
        (&3.into(), &12.into(), &"setup".into())
    );
    assert_eq!(today["phase_window"], serde_json::json!([1, 2]));
    assert_eq!(today["days_late"], 1);
    let ids = |key: &str| -> Vec<String> {
        today[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        ids("open_items"),
        [
            "scope-approved",
            "criteria-measurable",
            "timeline-agreed",
            "comms-channel",
            "env-access",
            "artifacts-ready",
            "env-ready"
        ]
    );
    assert_eq!(ids("pending_criteria"), ["SC1", "SC2", "SC3", "SC4"]);
    assert_eq!(ids("open_blockers"), ["B1-JJG"]);
    assert_eq!(today["open_blockers"][0]["open_for"], "2 days");
    // The same list for people, late by a day.
    unchanged(&env, || env.poc_run(&["check"]))
        .ok()
        .stdout_has("Day 3 of 12 · phase setup (planned days 1–2) · 1 day late\n")
        .stdout_has("  B1-JJG  VPN access not granted (open 2 days)\n");
    // Recording has no --format.
    let refused = unchanged(&env, || {
        env.poc_run(&["check", "env-access", "--format", "json"])
    });
    refused.code(2).first_err_is(
        "error: --format is for today's list (`poc check` alone); recording prints a summary",
    );
}

/// A failed criterion stays on today's list until it is checked again, and
/// advancing past its phase says it is left failed. Before the start, the
/// list says when the POC starts rather than counting negative days.
#[test]
fn failed_criteria_stay_on_todays_list_and_advance_names_them() {
    let mut env = TestEnv::with_poc();
    env.at("2026-11-20T10:00:00Z");
    env.poc_run(&["check"])
        .ok()
        .stdout_has("Starts 2026-11-23 (in 3 days) · phase setup (planned days 1–2)\n");
    env.poc_run(&["checklist"])
        .ok()
        .stdout_has(" · **Now:** starts 2026-11-23\n");

    env.at("2026-11-23T10:00:00Z");
    check(&env, &STANDARD_IDS[..8]);
    env.poc_run(&["advance"]).ok();
    check(&env, DEPLOYMENT);
    check(&env, &["SC1"]);
    env.poc_run(&["advance"]).ok();
    check(&env, VALIDATION);
    check(&env, &["SC2"]);
    env.poc_run(&["check", "SC3", "--fail", "--evidence", "p95 was 3.4 s"])
        .ok();

    let today = env.poc_run(&["check"]);
    today.ok().stdout_has(
        "\nFailed criteria (check again once fixed):\n  [!] SC3  Meets the customer's performance bar [should, validation] — failed 2026-11-23: p95 was 3.4 s\n",
    );
    let json = env.poc_run(&["check", "--format", "json"]).ok().json();
    let failed: Vec<&str> = json["failed_criteria"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(failed, ["SC3"]);
    assert_eq!(json["pending_criteria"].as_array().unwrap().len(), 1);
    assert_eq!(json["start"], "2026-11-23");

    env.poc_run(&["advance"]).ok().stderr_has(
        "Left failed in validation: SC3 (should). Check again with `poc check ID` once fixed; the debrief lists it.\n",
    );
    check(&env, &["SC3"]);
    env.poc_run(&["check"]).ok().stdout_lacks("Failed criteria");
}
