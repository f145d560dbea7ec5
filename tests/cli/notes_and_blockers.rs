//! `poc note`, `poc park` and `poc blocker`: numbered, logged, typed without
//! quotes, and recorded once.

use crate::common::*;

#[test]
fn notes_parks_and_blockers_are_numbered_and_logged() {
    let mut env = TestEnv::with_poc();
    env.at("2026-11-23T10:00:00Z");
    env.poc_run(&["blocker", "VPN access not granted"])
        .ok()
        .stderr_has(
            "Opened B1-JJG. Escalate early; resolve it with `poc blocker --resolve B1-JJG --note TEXT`.",
        );
    env.poc_run(&["blocker", "No test data"])
        .ok()
        .stderr_has("Opened B2-HZ7.");
    env.poc_run(&["park", "Custom reporting"]).ok();
    env.poc_run(&["note", "champion out on Friday"]).ok();
    env.at("2026-11-25T12:00:00Z");
    env.poc_run(&[
        "blocker",
        "--resolve",
        "b1",
        "--note",
        "granted",
        "by",
        "IT",
    ])
    .ok()
    .stderr_has("Resolved B1-JJG: VPN access not granted");
    unchanged(&env, || env.poc_run(&["blocker", "--resolve", "B1"]))
        .code(1)
        .first_err_is("error: blocker B1-JJG is already resolved (nothing was recorded)");
    unchanged(&env, || env.poc_run(&["blocker", "--resolve", "B7"]))
        .code(1)
        .first_err_is("error: unknown ID `B7`: no blocker has it; blockers: B1-JJG, B2-HZ7");
    unchanged(&env, || env.poc_run(&["blocker", "Proxy", "--note", "detail"]))
        .code(2)
        .first_err_is("error: --note says how a blocker was resolved and goes with --resolve ID; put the detail in the blocker's text instead (nothing was recorded)");

    let s = status_json(&env);
    assert_eq!(s["open_blockers"], 1);
    assert_eq!(s["blockers"][0]["id"], "B1-JJG");
    assert_eq!(s["blockers"][0]["open"], false);
    assert_eq!(s["blockers"][0]["resolution"], "granted by IT");
    assert_eq!(s["blockers"][0]["days_open"], 2);
    assert_eq!(s["blockers"][0]["hours_open"], 50);
    assert_eq!(s["blockers"][0]["open_for"], "2 days");
    assert_eq!(s["blockers"][1]["id"], "B2-HZ7");
    assert_eq!(s["blockers"][1]["open"], true);
    assert_eq!(s["parked"][0]["text"], "Custom reporting");
    env.poc_run(&["status"])
        .ok()
        .stdout_has("Blockers open: 1 · parked requests: 1")
        .stdout_has("  B2-HZ7 No test data (open 2 days)");

    // The log: when, who, what and the detail of every entry, the
    // resolution's note included.
    snapshot!(
        env,
        "log_of_notes_parks_and_blockers",
        env.poc_run(&["log"]).ok().stdout
    );
    let json = env.poc_run(&["log", "--format", "json"]);
    json.ok();
    let entries = json.json()["entries"].clone();
    assert_eq!(entries.as_array().unwrap().len(), 6);
    assert_eq!(entries[1]["kind"], "blocker");
    assert_eq!(entries[1]["id"], "B1-JJG");
    assert_eq!(entries[1]["text"], "VPN access not granted");
    assert_eq!(entries[5]["kind"], "resolve");
    assert_eq!(entries[5]["line"], 7);
}

/// Typing as one talks: several words need no quotes; undoing what is
/// already open and parking the same request twice record nothing.
#[test]
fn words_without_quotes_and_no_op_records() {
    let mut env = TestEnv::with_poc();
    env.at("2026-11-23T10:00:00Z");
    env.poc_run(&["note", "champion", "out", "on", "Friday"])
        .ok();
    env.poc_run(&["park", "Custom", "reporting"]).ok();
    env.poc_run(&["blocker", "VPN", "access", "not", "granted"])
        .ok()
        .stderr_has("Opened B1-JJG.");
    let texts: Vec<String> = env.journal()[1..]
        .iter()
        .map(|e| e["text"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        texts,
        [
            "champion out on Friday",
            "Custom reporting",
            "VPN access not granted"
        ]
    );

    let run = unchanged(&env, || env.poc_run(&["park", "custom reporting "]));
    run.ok();
    assert_eq!(
        run.stderr,
        "Already parked on 2026-11-23: Custom reporting (nothing was recorded)\n"
    );

    let run = unchanged(&env, || env.poc_run(&["check", "kickoff", "SC1", "--undo"]));
    run.ok();
    assert_eq!(
        run.stderr,
        "Already open: kickoff (nothing to undo)\nAlready pending: SC1 (nothing to undo)\n"
    );
    check(&env, &["kickoff"]);
    let run = env.poc_run(&["check", "kickoff", "SC1", "--undo"]);
    run.ok();
    assert_eq!(
        run.stderr,
        "Already pending: SC1 (nothing to undo)\nBack to open (setup): kickoff Kickoff call held with the customer team\n"
    );
    let last = env.journal().pop().unwrap();
    assert_eq!(
        (last["kind"].as_str(), last["id"].as_str()),
        (Some("undo"), Some("kickoff"))
    );
    assert_eq!(env.journal().len(), 6);
}
