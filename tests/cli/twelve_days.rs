//! A whole POC driven through the built binary over twelve days, with
//! `POC_NOW` moving day by day: kickoff, the gates, a failure re-run, scope
//! creep parked, a forced advance, a reopen, the close and the debrief.
//!
//! One narrative test, not many: each day's state is the sum of the days
//! before it, and the checklist, the debrief and the log summarise the whole
//! story. The behaviour of each command on its own is tested in the file
//! named after it. Long output (today's list, the status table, JSON and
//! markdown, the checklist, the debrief, the log) is a reviewed snapshot in
//! `snapshots/`; the one-line messages are asserted where they are printed.

use crate::common::*;

use serde_json::Value;

#[test]
fn a_whole_poc_over_twelve_days() {
    // Day 1: kickoff.
    let mut env = TestEnv::with_poc();
    add_deal_details(&env);
    env.at("2026-11-23T10:00:00Z");
    env.poc_run(&["validate"])
        .ok()
        .stdout_has("ok: acme/poc.yaml and acme/journal.yaml are valid");
    // Today's list: day 1 of 12, every setup item open, every criterion
    // pending with its priority, phase and target.
    snapshot!(
        env,
        "day_01_todays_list",
        env.poc_run(&["check"]).ok().stdout
    );
    check(
        &env,
        &[
            "scope-approved",
            "criteria-measurable",
            "timeline-agreed",
            "comms-channel",
            "kickoff",
            "--note",
            "kickoff with Sam and the platform team",
        ],
    )
    .stderr_has("Done (setup): kickoff Kickoff call held with the customer team\n");
    env.poc_run(&["blocker", "VPN access not granted"])
        .ok()
        .stderr_has("Opened B1-JJG.");
    // The gate lists exactly what blocks, and writes nothing.
    let refused = unchanged(&env, || env.poc_run(&["advance"]));
    refused.code(1);
    assert_eq!(
        refused.stderr,
        "error: cannot advance from setup to deployment: 3 items still open in setup (nothing was changed)\n  \
         env-access       Environment access granted and tested — required checklist item not done\n  \
         artifacts-ready  Artifacts available (images, charts, docs) — required checklist item not done\n  \
         env-ready        Networking verified and environment confirmed — required checklist item not done\n\
         Finish them with `poc check ID`, or override with `poc advance --force --reason TEXT`.\n"
    );
    // Kickoff is off the list; the blocker is on it.
    snapshot!(
        env,
        "day_01_todays_list_with_a_blocker",
        env.poc_run(&["check"]).ok().stdout
    );

    // Day 2: access arrives, setup done.
    env.at("2026-11-24T09:00:00Z");
    // On time, with the blocker open 23 h.
    snapshot!(env, "day_02_status", env.poc_run(&["status"]).ok().stdout);
    env.at("2026-11-24T10:00:00Z");
    check(
        &env,
        &["env-access", "--note", "ssh from the jump host works"],
    );
    env.poc_run(&["blocker", "--resolve", "B1", "--note", "granted by IT"])
        .ok()
        .stderr_has("Resolved B1-JJG: VPN access not granted");
    check(&env, &["artifacts-ready", "env-ready"])
        .stderr_has("The setup phase is complete: run `poc advance` to move to deployment.");
    env.poc_run(&["advance"]).ok().stderr_has(
        "Advanced to deployment (day 2 of 12; planned days 2–4). Run `poc check` for today's list.",
    );

    // Day 3: deployed; SC1 proven.
    env.at("2026-11-25T10:00:00Z");
    check(&env, DEPLOYMENT);
    check(
        &env,
        &[
            "SC1",
            "--evidence",
            "running since day 3, 0 failing smoke tests",
        ],
    )
    .stderr_has("Met: SC1 Solution deployed in the customer environment");
    env.poc_run(&["advance"])
        .ok()
        .stderr_has("Advanced to validation (day 3 of 12; planned days 4–7).");

    // Day 4: a tick taken back, a criterion failed.
    env.at("2026-11-26T10:00:00Z");
    // SC1, met, is off the list; SC2 to SC4 are pending.
    snapshot!(
        env,
        "day_04_todays_list",
        env.poc_run(&["check"]).ok().stdout
    );
    check(&env, &["use-cases-run"]);
    check(&env, &["use-cases-run", "--undo"])
        .stderr_has("Back to open (validation): use-cases-run Core use cases from scope executed");
    check(
        &env,
        &["SC3", "--fail", "--note", "p95 was 3.4 s on the first run"],
    )
    .stderr_has("Failed: SC3 Meets the customer's performance bar");
    let s = status_json(&env);
    assert_eq!(s["phases"][2]["done"], 0, "{s:#}");
    assert_eq!(criterion(&s, "SC3")["status"], "failed");

    // Day 5: SC3 re-run after tuning; scope creep parked.
    env.at("2026-11-27T10:00:00Z");
    check(&env, &["SC3", "--undo"]).stderr_has("Back to pending: SC3");
    assert_eq!(criterion(&status_json(&env), "SC3")["status"], "pending");
    check(
        &env,
        &["SC3", "--evidence", "p95 1.6 s at 50 users for 1 h"],
    );
    env.poc_run(&["park", "Multi-region failover demo"])
        .ok()
        .stderr_has("Parked for after the POC (1 parked).");
    env.poc_run(&["note", "customer wants a weekly readout"])
        .ok()
        .stderr_has("Noted.");

    // Day 6: the core use case proven.
    env.at("2026-11-28T10:00:00Z");
    check(&env, &["SC2", "--evidence", "97% of 40 scenarios pass"]);
    check(
        &env,
        &["criteria-measured", "evidence-captured", "status-updates"],
    );

    // Day 7: still inside the window.
    env.at("2026-11-29T10:00:00Z");
    env.poc_run(&["status"])
        .ok()
        .stdout_has("day 7 of 12 · phase validation (planned days 4–7) · on time");

    // Day 8: validation runs past its window.
    env.at("2026-11-30T10:00:00Z");
    // One day late; three criteria met (SC3 after a failure), SC4 pending;
    // the blocker resolved, one request parked. The same report as a table,
    // as JSON and as markdown.
    snapshot!(env, "day_08_status", env.poc_run(&["status"]).ok().stdout);
    snapshot!(
        env,
        "day_08_status_json",
        env.poc_run(&["status", "--format", "json"]).ok().stdout
    );
    snapshot!(
        env,
        "day_08_status_markdown",
        env.poc_run(&["status", "--format", "markdown"]).ok().stdout
    );

    // Day 9: the customer's security team is away: forced on.
    env.at("2026-12-01T10:00:00Z");
    let refused = unchanged(&env, || env.poc_run(&["advance"]));
    refused
        .code(1)
        .first_err_is("error: cannot advance from validation to integration: 2 items still open in validation (nothing was changed)");
    let blocking: Vec<&str> = refused
        .stderr
        .lines()
        .skip(1)
        .filter(|l| l.starts_with("  "))
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(blocking, ["use-cases-run", "issues-tracked"]);
    env.poc_run(&[
        "advance",
        "--force",
        "--reason",
        "customer security team on holiday",
    ])
    .ok()
    .stderr_has("Advanced to integration (day 9 of 12; planned days 7–10), forced past 2 items open in validation.");
    let last = env.journal().pop().unwrap();
    assert_eq!(last["kind"], "advance");
    assert_eq!(last["forced"], true);
    assert_eq!(last["reason"], "customer security team on holiday");

    // Day 10: integration, with a blocker and a failed nice-to-have.
    env.at("2026-12-02T10:00:00Z");
    env.poc_run(&["blocker", "SSO metadata missing"])
        .ok()
        .stderr_has("Opened B2-HZ7.");
    check(&env, INTEGRATION);
    let refused = unchanged(&env, || env.poc_run(&["advance"]));
    refused.code(1);
    assert_eq!(
        refused.stderr,
        "error: cannot advance from integration to signoff: 1 criterion still open in integration (nothing was changed)\n  \
         SC4  Works with the customer's single sign-on — success criterion not yet evaluated (met or failed)\n\
         Finish them with `poc check ID`, or override with `poc advance --force --reason TEXT`.\n"
    );
    check(
        &env,
        &[
            "SC4",
            "--fail",
            "--evidence",
            "2 of 5 users logged in",
            "--note",
            "IdP metadata never arrived",
        ],
    );
    env.poc_run(&["advance"])
        .ok()
        .stderr_has("Advanced to signoff (day 10 of 12; planned days 10–12).");

    // Day 11: back to integration to retest, then on again.
    env.at("2026-12-03T10:00:00Z");
    env.poc_run(&[
        "reopen",
        "integration",
        "--reason",
        "customer asked to retest SSO",
    ])
    .ok()
    .stderr_has("Reopened at integration.");
    assert_eq!(status_json(&env)["phase"], "integration");
    unchanged(&env, || env.poc_run(&["reopen", "signoff", "--reason", "x"]))
        .code(1)
        .first_err_is("error: the POC is in integration; reopen goes back to an earlier phase (or reopens a closed POC)");
    env.at("2026-12-03T15:00:00Z");
    env.poc_run(&["blocker", "--resolve", "B2"]).ok();
    env.poc_run(&["advance"])
        .ok()
        .stderr_has("Advanced to signoff (day 11 of 12; planned days 10–12).");

    // Day 12: sign-off and close.
    env.at("2026-12-04T10:00:00Z");
    check(&env, SIGNOFF)
        .stderr_has("Signoff is complete: run `poc close --outcome win|loss|inconclusive`.");
    assert_eq!(status_json(&env)["outcome"], Value::Null);
    unchanged(&env, || env.poc_run(&["debrief"]))
        .code(1)
        .first_err_is("error: the POC is not closed yet; record the outcome with `poc close --outcome win|loss|inconclusive` first");
    unchanged(&env, || env.poc_run(&["advance"]))
        .code(1)
        .first_err_is("error: signoff is the last phase; record the outcome with `poc close --outcome win|loss|inconclusive`");

    // The checklist: ticked items with their dates, optional items marked,
    // signoff current, SC4's failure with its evidence.
    let checklist = env.poc_run(&["checklist"]);
    let md = &checklist.ok().stdout;
    // One blank line between a heading and its list, never more.
    assert!(md.contains("days 1–2)\n\n- [x] "), "{md}");
    assert!(!md.contains("\n\n\n"), "{md}");
    snapshot!(env, "day_12_checklist", md);

    env.at("2026-12-04T16:00:00Z");
    env.poc_run(&["close", "--outcome", "win", "--reason", "all must criteria met"])
        .ok()
        .stderr_has("Closed: Technical Win after 12 days. Debrief due in 48 h (2026-12-06 16:00 UTC): run `poc debrief`.");
    for args in [&["check", "crm-updated"][..], &["check"], &["advance"]] {
        let run = unchanged(&env, || env.poc_run(args));
        run.code(1)
            .stderr_has("the POC is closed (win)")
            .stderr_has("`poc reopen PHASE --reason TEXT`");
    }
    let s = status_json(&env);
    assert_eq!(s["phase"], "closed");
    assert_eq!(s["outcome"], "win");
    // Closed after 12 days (planned 12), the debrief due in 48 h.
    snapshot!(
        env,
        "day_12_status_closed",
        env.poc_run(&["status"]).ok().stdout
    );

    env.at("2026-12-04T17:00:00Z");
    env.poc_run(&["debrief"])
        .ok()
        .stderr_has("Wrote acme/debrief.md. Debrief due in 47 h (2026-12-06 16:00 UTC)");
    // Tags for the win/loss analysis in the front matter (the tier from the
    // ACV), the summary table, what worked (met criteria), what failed or
    // struggled (SC4; the late phases; the forced advance and the reopen;
    // both blockers; SC3's earlier failure; the parked request) and the
    // questions for the team.
    let doc = env.read("acme/debrief.md");
    snapshot!(env, "day_12_debrief", &doc);
    // What worked: met criteria, earliest first (SC3 was met before SC2).
    let worked = section(&doc, "## 2. What worked", "## 3.");
    assert!(
        pos(worked, "- **SC1**") < pos(worked, "- **SC3**")
            && pos(worked, "- **SC3**") < pos(worked, "- **SC2**"),
        "not earliest first:\n{worked}"
    );

    // Day 15: the debrief is written, so status stops counting.
    env.at("2026-12-07T10:00:00Z");
    env.poc_run(&["status"])
        .ok()
        .stdout_has("Debrief written: debrief.md (due 2026-12-06 16:00 UTC)\n")
        .stdout_lacks("overdue");
    env.poc_run(&["status", "--format", "markdown"])
        .ok()
        .stdout_has("| **Outcome** | Technical Win, closed 2026-12-04 16:00 UTC in signoff |")
        .stdout_has("| **Debrief** | written: debrief.md (due 2026-12-06 16:00 UTC) |");
    assert_eq!(status_json(&env)["debrief"]["written"], true);
    // Without the file, it is late.
    let kept = env.poc().join("debrief.md.kept");
    std::fs::rename(env.poc().join("debrief.md"), &kept).unwrap();
    env.poc_run(&["status"])
        .ok()
        .stdout_has("Debrief overdue by 18 h (was due 2026-12-06 16:00 UTC)");
    env.poc_run(&["status", "--format", "markdown"])
        .ok()
        .stdout_has("| **Debrief due** | 2026-12-06 16:00 UTC (overdue by 18 h) |");
    assert_eq!(status_json(&env)["debrief"]["written"], false);
    std::fs::rename(&kept, env.poc().join("debrief.md")).unwrap();

    // The journal holds every step, one line each, oldest first.
    snapshot!(env, "day_15_log", env.poc_run(&["log"]).ok().stdout);
    let log = env.poc_run(&["log", "--format", "json"]);
    log.ok();
    let entries = log.json()["entries"].as_array().unwrap().clone();
    assert_eq!(entries.len(), env.journal().len());
    let kinds: Vec<&str> = entries
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.first(), Some(&"init"));
    assert_eq!(kinds.last(), Some(&"close"));
    for kind in [
        "check", "undo", "fail", "note", "park", "blocker", "resolve", "advance", "reopen",
    ] {
        assert!(kinds.contains(&kind), "no {kind} in {kinds:?}");
    }
    assert!(
        entries
            .iter()
            .all(|e| e["by"] == "dana" && e["at"].is_string())
    );
}
