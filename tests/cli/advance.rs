//! `poc advance` and `poc reopen` of an open POC: how each phase ended.
//! The gates' messages are followed day by day in `twelve_days.rs`.

use crate::common::*;

use serde_json::Value;

/// A phase left by `advance --force` reads "forced", the phase a forced
/// close ends reads "cut short", and a reopen makes the later phases
/// upcoming again.
#[test]
fn phase_states_say_how_each_phase_ended() {
    let mut env = TestEnv::with_poc();
    env.at("2026-11-23T10:00:00Z");
    env.poc_run(&["advance", "--force", "--reason", "kickoff slipped"])
        .ok();
    env.at("2026-11-24T10:00:00Z");
    check(&env, DEPLOYMENT);
    check(&env, &["SC1"]);
    env.poc_run(&["advance"]).ok();
    let states = |env: &TestEnv| -> Vec<(String, Value, Value)> {
        status_json(env)["phases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["state"].as_str().unwrap().to_string(),
                    p["entered_day"].clone(),
                    p["left_day"].clone(),
                )
            })
            .collect()
    };
    let s = |state: &str, entered: Value, left: Value| (state.to_string(), entered, left);
    assert_eq!(
        states(&env),
        [
            s("forced", 1.into(), 1.into()),
            s("done", 1.into(), 2.into()),
            s("current", 2.into(), Value::Null),
            s("upcoming", Value::Null, Value::Null),
            s("upcoming", Value::Null, Value::Null),
        ]
    );
    env.poc_run(&["status"])
        .ok()
        .stdout_has("│ setup       ┆ 1–2          ┆ day 1   ┆ day 1 ┆ 0/8   ┆ forced   │");

    env.poc_run(&["reopen", "setup", "--reason", "redo the access checks"])
        .ok();
    assert_eq!(
        states(&env),
        [
            s("current", 1.into(), Value::Null),
            s("upcoming", Value::Null, Value::Null),
            s("upcoming", Value::Null, Value::Null),
            s("upcoming", Value::Null, Value::Null),
            s("upcoming", Value::Null, Value::Null),
        ]
    );

    env.poc_run(&forced_close("loss", "budget cut")).ok();
    assert_eq!(states(&env)[0].0, "cut short");
    assert_eq!(states(&env)[1].0, "skipped");

    // A forced win in signoff (a must unmet) does not cut signoff short.
    let mut env = poc_in_signoff();
    env.at("2026-12-03T10:00:00Z");
    check(&env, &["SC2", "--fail"]);
    env.poc_run(&forced_close("win", "waived")).ok();
    assert_eq!(states(&env)[4].0, "done");
}
