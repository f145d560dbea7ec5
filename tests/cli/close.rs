//! `poc close` and `poc reopen` of a closed POC: when --force is needed, and
//! what a closed POC refuses.

use crate::common::*;

use serde_json::Value;

#[test]
fn close_needs_force_before_signoff_and_for_a_win_with_an_unmet_must() {
    let mut env = TestEnv::with_poc();
    env.at("2026-11-25T10:00:00Z");
    let run = unchanged(&env, || env.poc_run(&["close", "--outcome", "loss"]));
    run.code(1).first_err_is(
        "error: cannot close as loss: the POC is in setup, not signoff (closing now cancels it) (nothing was changed); pass --force --reason TEXT to close anyway",
    );
    unchanged(&env, || {
        env.poc_run(&["close", "--outcome", "loss", "--force"])
    })
    .code(2)
    .first_err_is("error: the following required arguments were not provided:");
    unchanged(&env, || env.poc_run(&forced_close("loss", " ")))
        .code(2)
        .first_err_is("error: --force needs --reason TEXT saying why");
    env.poc_run(&forced_close("loss", "budget cut"))
        .ok()
        .stderr_has("Closed: Technical Loss after 3 days.");
    let last = env.journal().pop().unwrap();
    assert_eq!(last["kind"], "close");
    assert_eq!(last["outcome"], "loss");
    assert_eq!(last["forced"], true);
    assert_eq!(last["reason"], "budget cut");
    unchanged(&env, || env.poc_run(&["close", "--outcome", "win"]))
        .code(1)
        .stderr_has("already closed (loss)")
        .stderr_has("poc reopen");

    // In signoff, a win needs every `must` met.
    let mut env = poc_in_signoff();
    env.at("2026-12-03T10:00:00Z");
    check(&env, &["SC2", "--fail", "--note", "re-run failed"]);
    let run = unchanged(&env, || env.poc_run(&["close", "--outcome", "win"]));
    run.code(1).first_err_is(
        "error: cannot close as win: `must` criteria not met: SC2 (nothing was changed); pass --force --reason TEXT to close anyway",
    );
    // Other outcomes are fine from signoff without --force.
    env.poc_run(&["close", "--outcome", "inconclusive"])
        .ok()
        .stderr_has("Closed: Inconclusive after 11 days.");
    assert_eq!(env.journal().pop().unwrap().get("forced"), None);
    env.poc_run(&["reopen", "signoff", "--reason", "champion overruled"])
        .ok();
    env.poc_run(&forced_close("win", "SC2 waived by the champion"))
        .ok()
        .stderr_has("Closed: Technical Win");
    let s = status_json(&env);
    assert_eq!(s["outcome"], "win");
    assert!(
        s["overrides"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["what"] == "closed as win from signoff with --force"
                && o["reason"] == "SC2 waived by the champion"),
        "{s:#}"
    );
}

#[test]
fn a_win_from_signoff_with_every_must_met_needs_no_force() {
    let mut env = poc_in_signoff();
    env.at("2026-12-04T10:00:00Z");
    env.poc_run(&["close", "--outcome", "win"])
        .ok()
        .stderr_has("Closed: Technical Win after 12 days.");
}

#[test]
fn a_closed_poc_can_be_reopened() {
    let mut env = poc_in_signoff();
    env.at("2026-12-04T10:00:00Z");
    env.poc_run(&["close", "--outcome", "win"]).ok();
    env.poc_run(&["debrief"]).ok();
    unchanged(&env, || env.poc_run(&["check", "crm-updated"]))
        .code(1)
        .first_err_is("error: the POC is closed (win); cannot record checks. Run `poc reopen PHASE --reason TEXT` to reopen it");
    unchanged(&env, || env.poc_run(&["advance"]))
        .code(1)
        .first_err_is("error: the POC is closed (win); cannot advance. Run `poc reopen PHASE --reason TEXT` to reopen it");
    unchanged(&env, || env.poc_run(&["blocker", "late", "finding"]))
        .code(1)
        .first_err_is("error: the POC is closed (win); cannot open a blocker. Run `poc reopen PHASE --reason TEXT` to reopen it");
    env.at("2026-12-05T10:00:00Z");
    env.poc_run(&[
        "reopen",
        "validation",
        "--reason",
        "procurement wants SC3 re-run",
    ])
    .ok()
    .stderr_has("Reopened at validation.");
    let last = env.journal().pop().unwrap();
    assert_eq!(last["kind"], "reopen");
    assert_eq!(last["to"], "validation");
    assert_eq!(last["reason"], "procurement wants SC3 re-run");
    let s = status_json(&env);
    assert_eq!(s["phase"], "validation");
    assert_eq!(s["outcome"], Value::Null);
    check(&env, &["SC3", "--evidence", "p95 1.2 s"]);
    unchanged(&env, || env.poc_run(&["debrief"]))
        .code(1)
        .stderr_has("not closed yet");
    // Closed again: the first debrief is there, so the hint says --force.
    for phase in ["integration", "signoff"] {
        env.poc_run(&["advance"]).ok();
        assert_eq!(status_json(&env)["phase"], phase);
    }
    env.poc_run(&["close", "--outcome", "win"]).ok().stderr_has(
        "Debrief due in 48 h (2026-12-07 10:00 UTC): run `poc debrief --force` to rewrite debrief.md (the old one is kept as a backup).\n",
    );
    // The debrief on disk is the first close's: this one is not written yet.
    env.poc_run(&["status"])
        .ok()
        .stdout_has("Debrief due in 48 h (2026-12-07 10:00 UTC)\n");
    env.poc_run(&["debrief", "--force"]).ok();
    env.poc_run(&["status"])
        .ok()
        .stdout_has("Debrief written: debrief.md (due 2026-12-07 10:00 UTC)\n");
}
