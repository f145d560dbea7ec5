//! A POC's days are counted in its own time zone (`timezone:` in
//! poc.yaml), not in UTC: day numbers, "today", due dates and the times
//! shown to people. JSON keeps UTC timestamps.

use crate::common::{TestEnv, forced_close};

fn poc_in(zone: &str, start: &str) -> TestEnv {
    let env = TestEnv::new();
    env.run(&[
        "init",
        "acme",
        "--prospect",
        "Acme",
        "--start",
        start,
        "--timezone",
        zone,
    ])
    .ok()
    .stderr_has(&format!("(day 1 is {start}, {zone})"));
    assert!(
        env.read("acme/poc.yaml")
            .contains(&format!("\ntimezone: {zone}\n"))
    );
    env
}

#[test]
fn in_california_5_pm_on_day_1_is_still_day_1() {
    let mut env = poc_in("America/Los_Angeles", "2027-01-11");
    env.at("2027-01-11T17:00:00-08:00");
    env.poc_run(&["check"])
        .ok()
        .stdout_has("Day 1 of 12 · phase setup");
    env.poc_run(&["status"])
        .ok()
        .stdout_has("day 1 of 12 · phase setup");
    env.poc_run(&["note", "evening call"]).ok();
    env.poc_run(&["log"])
        .ok()
        .stdout_has("2027-01-11 17:00 PST");
    let json = env.poc_run(&["log", "--format", "json"]).json();
    assert_eq!(json["timezone"], "America/Los_Angeles");
    assert_eq!(json["entries"][1]["at"], "2027-01-12T01:00:00Z");
    env.at("2027-01-12T00:30:00-08:00");
    env.poc_run(&["check"]).ok().stdout_has("Day 2 of 12");
    // A date as POC_NOW is the start of that day in the POC's zone.
    env.at("2027-01-12");
    let json = env.poc_run(&["status", "--format", "json"]).json();
    assert_eq!(
        (json["day"].clone(), json["now"].clone()),
        (2.into(), "2027-01-12T08:00:00Z".into())
    );
}

#[test]
fn in_kolkata_the_day_turns_at_local_midnight() {
    let mut env = poc_in("Asia/Kolkata", "2027-01-11");
    env.at("2027-01-11T18:29:00Z"); // 23:59 IST
    env.poc_run(&["check"]).ok().stdout_has("Day 1 of 12");
    env.at("2027-01-11T18:31:00Z"); // 00:01 IST on the 12th
    env.poc_run(&["check"]).ok().stdout_has("Day 2 of 12");
}

#[test]
fn a_daylight_saving_change_inside_the_poc_keeps_days_and_the_48_hours() {
    // Clocks in Los Angeles spring forward on 2027-03-14.
    let mut env = poc_in("America/Los_Angeles", "2027-03-12");
    env.at("2027-03-15T00:30:00-07:00");
    env.poc_run(&["check"]).ok().stdout_has("Day 4 of 12");
    env.at("2027-03-13T20:00:00-08:00");
    env.poc_run(&forced_close("loss", "budget"))
        .ok()
        .stderr_has("due in 48 h (2027-03-15 21:00 PDT)");
    env.at("2027-03-15T20:00:00-07:00");
    env.poc_run(&["status"])
        .ok()
        .stdout_has("Debrief due in 1 h (2027-03-15 21:00 PDT)");
}

#[test]
fn before_day_1_nothing_shows_a_negative_day() {
    let mut env = poc_in("UTC", "2026-11-26");
    env.at("2026-11-23T09:00:00Z");
    env.poc_run(&["status"])
        .ok()
        .stdout_has("starts 2026-11-26 (in 3 days) · phase setup");
    let json = env.poc_run(&["status", "--format", "json"]).json();
    assert_eq!(
        (json["day"].clone(), json["starts_in_days"].clone()),
        (0.into(), 3.into())
    );
    assert_eq!(json["phases"][0]["entered_day"], serde_json::Value::Null);
    let md = env.poc_run(&["status", "--format", "markdown"]).stdout;
    assert!(!md.contains("day -"), "{md}");
    env.at("2026-11-26T10:00:00Z");
    let json = env.poc_run(&["status", "--format", "json"]).json();
    assert_eq!(
        (
            json["day"].clone(),
            json["phases"][0]["entered_day"].clone()
        ),
        (1.into(), 1.into())
    );
    assert_eq!(json["starts_in_days"], serde_json::Value::Null);
}

#[test]
fn a_scope_without_a_zone_is_utc_and_a_bad_zone_is_located() {
    let env = TestEnv::with_poc();
    let scope = env.read("acme/poc.yaml");
    let line = scope
        .lines()
        .position(|l| l.starts_with("timezone:"))
        .unwrap()
        + 1;
    env.write("acme/poc.yaml", scope.replace("timezone: UTC\n", ""));
    env.poc_run(&["validate"]).ok();
    env.write(
        "acme/poc.yaml",
        scope.replace("timezone: UTC", "timezone: Mars/Olympus"),
    );
    env.poc_run(&["status"]).code(1).first_err_is(&format!(
        "error: acme/poc.yaml:{line}:11: `timezone` `Mars/Olympus` is not an IANA time zone name, such as Europe/Berlin, America/Los_Angeles or UTC"
    ));
    env.run(&["init", "x", "--prospect", "X", "--timezone", "PST8"])
        .code(2);
}
