//! `poc insights`: a tree of hand-made closed POCs (wins and losses by
//! competitor and industry, a forced phase, late phases, failed criteria,
//! parked requests, blockers, gaps with ACV, filled debriefs) beside an
//! open one, a broken one and one in conflict; every figure checked against
//! what the comments below work out by hand, in every format, by every
//! facet, with --since, and (with headless Chromium) the charts' bars.

use std::sync::OnceLock;

use serde_json::{Value, json};

use crate::common::{Run, TestEnv, to_run, unchanged};
use crate::report::{assert_self_contained, chromium, tags};

/// When the library is read.
const NOW: &str = "2026-12-20T12:00:00Z";

/// Runs `poc -C FOLDER ARGS` at `now`; it must succeed.
fn at(env: &mut TestEnv, now: &str, folder: &str, args: &[&str]) {
    env.at(now);
    let mut full = vec!["-C", folder];
    full.extend_from_slice(args);
    env.run(&full).ok();
}

/// A POC from the standard template (12 days planned, SC1 and SC2 must),
/// in UTC, with its deal details: `deal` replaces the commented example.
fn init(env: &mut TestEnv, folder: &str, prospect: &str, owner: &str, start: &str, deal: &str) {
    env.at("2026-10-01T08:00:00Z");
    env.run(&[
        "init",
        folder,
        "--prospect",
        prospect,
        "--owner",
        owner,
        "--start",
        start,
    ])
    .ok();
    let example = "# industry: Healthcare\n# acv: 120000\n# competitors: [Vendor X, Vendor Y]\n";
    env.edit(&format!("{folder}/poc.yaml"), example, deal);
}

fn close(outcome: &str) -> [&str; 6] {
    ["close", "--outcome", outcome, "--force", "--reason", "test"]
}

/// Writes the debrief, then fills in its tags and a lesson as the SE would.
fn debrief(env: &mut TestEnv, now: &str, folder: &str, tags: &str, lesson: &str) {
    at(env, now, folder, &["debrief"]);
    let file = format!("{folder}/debrief.md");
    env.edit(&file, "\ntags: []\n", &format!("\ntags: {tags}\n"));
    let prompt =
        "- What should be done differently in the next POC for a similar customer profile?\n";
    env.edit(&file, prompt, &format!("{prompt}- {lesson}\n"));
}

/// The tree, built once. Day n of a POC starting 2026-11-02 is 2026-11-(n+1).
fn tree() -> &'static TestEnv {
    static TREE: OnceLock<TestEnv> = OnceLock::new();
    TREE.get_or_init(build_tree)
}

const SETUP_ITEMS: [&str; 8] = [
    "scope-approved",
    "criteria-measurable",
    "timeline-agreed",
    "comms-channel",
    "kickoff",
    "env-access",
    "artifacts-ready",
    "env-ready",
];

fn build_tree() -> TestEnv {
    let mut tree = TestEnv::new();
    fill(&mut tree);
    tree.at(NOW);
    tree
}

fn fill(env: &mut TestEnv) {
    // alpha: won in deployment on day 5 (cut short, 1 day late); setup done
    // on day 3 (1 day late). SC2 failed, then met; both musts met.
    init(
        env,
        "alpha",
        "Alpha Retail",
        "dana",
        "2026-11-02",
        "industry: Retail\nacv: 120000\ncompetitors: [Vendor X]\n",
    );
    let mut check = vec!["check"];
    check.extend(SETUP_ITEMS);
    at(env, "2026-11-02T10:00:00Z", "alpha", &check);
    at(
        env,
        "2026-11-02T11:00:00Z",
        "alpha",
        &["check", "SC2", "--fail"],
    );
    at(env, "2026-11-04T10:00:00Z", "alpha", &["advance"]);
    at(
        env,
        "2026-11-05T10:00:00Z",
        "alpha",
        &["check", "SC1", "SC2"],
    );
    at(env, "2026-11-06T12:00:00Z", "alpha", &close("win"));
    debrief(
        env,
        "2026-11-06T13:00:00Z",
        "alpha",
        "[pricing, SSO]",
        "Bring the SSO team in on day 1.",
    );
    // bravo: setup forced on day 2 (on time); lost in deployment on day 6
    // (2 days late). A blocker never resolved (open 98 h at the close),
    // SC1 failed, two requests parked, an SSO gap on an $80,000 deal.
    init(
        env,
        "bravo",
        "Bravo Health",
        "sam",
        "2026-11-02",
        "industry: Healthcare\nacv: 80000\ncompetitors: [Vendor X]\n",
    );
    at(
        env,
        "2026-11-03T09:00:00Z",
        "bravo",
        &["advance", "--force", "--reason", "customer asked"],
    );
    at(
        env,
        "2026-11-03T10:00:00Z",
        "bravo",
        &["blocker", "VPN access"],
    );
    at(
        env,
        "2026-11-04T09:00:00Z",
        "bravo",
        &["check", "SC1", "--fail"],
    );
    at(
        env,
        "2026-11-04T10:00:00Z",
        "bravo",
        &["park", "Multi-region failover"],
    );
    at(
        env,
        "2026-11-04T10:30:00Z",
        "bravo",
        &["park", "Dashboard migration"],
    );
    at(
        env,
        "2026-11-04T11:00:00Z",
        "bravo",
        &[
            "gap",
            "No SCIM",
            "--severity",
            "deal-breaker",
            "--feature",
            "SSO",
        ],
    );
    at(env, "2026-11-07T12:00:00Z", "bravo", &close("loss"));
    debrief(
        env,
        "2026-11-07T13:00:00Z",
        "bravo",
        "[pricing]",
        "Price the SSO add-on before the POC.",
    );
    // charlie: two competitors; won in setup on day 2 (cut short, on
    // time). A blocker open 6 h, SC3 failed then met, SC1 met (1 of 2
    // musts), one request parked, two gaps of one feature (`sso`, any
    // case) on a $250,000 deal.
    init(
        env,
        "charlie",
        "Charlie Co",
        "dana",
        "2026-11-02",
        "industry: retail\nacv: 250000\ncompetitors: [Vendor X, Vendor Y]\n",
    );
    at(
        env,
        "2026-11-02T09:00:00Z",
        "charlie",
        &["blocker", "Firewall"],
    );
    at(
        env,
        "2026-11-02T10:00:00Z",
        "charlie",
        &["check", "SC3", "--fail"],
    );
    at(
        env,
        "2026-11-02T11:00:00Z",
        "charlie",
        &[
            "gap",
            "SCIM missing",
            "--severity",
            "challenge",
            "--feature",
            "sso",
        ],
    );
    at(
        env,
        "2026-11-02T12:00:00Z",
        "charlie",
        &[
            "gap",
            "Group sync",
            "--severity",
            "nice-to-have",
            "--feature",
            "SSO ",
        ],
    );
    at(
        env,
        "2026-11-02T15:00:00Z",
        "charlie",
        &["blocker", "--resolve", "B1", "--note", "done"],
    );
    at(
        env,
        "2026-11-03T09:00:00Z",
        "charlie",
        &["check", "SC3", "SC1"],
    );
    at(
        env,
        "2026-11-03T10:00:00Z",
        "charlie",
        &["park", "Custom retention"],
    );
    at(env, "2026-11-03T12:00:00Z", "charlie", &close("win"));
    debrief(
        env,
        "2026-11-03T13:00:00Z",
        "charlie",
        "[sso, fast deployment]",
        "Demo SSO on day 1.",
    );
    // delta: nothing recorded of the deal; inconclusive in setup on day 13
    // (11 days late, over the 12 planned). Three requests parked, a gap
    // without a feature, no debrief.
    init(env, "delta", "Delta Ltd", "sam", "2026-11-02", "");
    for (t, text) in [("09", "One"), ("10", "Two"), ("11", "Three")] {
        at(
            env,
            &format!("2026-11-05T{t}:00:00Z"),
            "delta",
            &["park", text],
        );
    }
    at(
        env,
        "2026-11-05T12:00:00Z",
        "delta",
        &[
            "gap",
            "No cross-region replication",
            "--severity",
            "challenge",
        ],
    );
    at(env, "2026-11-14T12:00:00Z", "delta", &close("inconclusive"));
    // echo: lost in setup on day 3 (1 day late). Its SC2 title in another
    // case, failed; a blocker open 12 h; one request parked; an SSO gap on
    // a $45,000 deal; a debrief left as generated (no lessons, no tags).
    init(
        env,
        "echo",
        "Echo Care",
        "sam",
        "2026-11-02",
        "industry: Healthcare\nacv: 45000\ncompetitors: [Vendor Y]\n",
    );
    env.edit(
        "echo/poc.yaml",
        "title: Core use case works on customer data",
        "title: CORE use case works on customer DATA",
    );
    at(
        env,
        "2026-11-03T12:00:00Z",
        "echo",
        &["blocker", "Licence key"],
    );
    at(
        env,
        "2026-11-03T13:00:00Z",
        "echo",
        &["check", "SC2", "--fail"],
    );
    at(
        env,
        "2026-11-03T14:00:00Z",
        "echo",
        &[
            "gap",
            "No SCIM",
            "--severity",
            "deal-breaker",
            "--feature",
            "SSO",
        ],
    );
    at(env, "2026-11-03T15:00:00Z", "echo", &["park", "Second IdP"]);
    at(
        env,
        "2026-11-04T00:00:00Z",
        "echo",
        &["blocker", "--resolve", "B1", "--note", "sent"],
    );
    at(env, "2026-11-04T12:00:00Z", "echo", &close("loss"));
    at(env, "2026-11-04T13:00:00Z", "echo", &["debrief"]);
    // foxtrot: won in setup on day 2, in October (before --since
    // 2026-11-01); no must met.
    init(
        env,
        "foxtrot",
        "Foxtrot Bank",
        "dana",
        "2026-10-01",
        "industry: Retail\nacv: 100000\ncompetitors: [Vendor X]\n",
    );
    at(env, "2026-10-02T12:00:00Z", "foxtrot", &close("win"));
    debrief(
        env,
        "2026-10-02T13:00:00Z",
        "foxtrot",
        "[fast deployment]",
        "Keep the musts to three.",
    );
    // Not counted: open, unreadable, an outcome in conflict.
    init(env, "golf", "Golf", "dana", "2026-12-01", "");
    env.write("broken/poc.yaml", "name: [\n");
    init(env, "hotel", "Hotel", "sam", "2026-11-02", "");
    let journal = env.read("hotel/journal.yaml");
    env.write(
        "hotel/journal.yaml",
        format!(
            "{journal}{}\n{}\n",
            r#"- {"at":"2026-11-03T10:00:00Z","by":"dana","kind":"close","outcome":"win","forced":true,"reason":"w","from":"setup"}"#,
            r#"- {"at":"2026-11-03T11:00:00Z","by":"lee","kind":"close","outcome":"loss","forced":true,"reason":"l","from":"setup"}"#
        ),
    );
}

fn insights(env: &TestEnv, args: &[&str]) -> Run {
    let mut full = vec!["insights"];
    full.extend_from_slice(args);
    env.run(&full)
}

fn report(args: &[&str]) -> Value {
    let mut full = vec!["--format", "json"];
    full.extend_from_slice(args);
    let run = insights(tree(), &full);
    run.ok();
    run.json()
}

/// (pocs, win, loss, inconclusive, win rate).
fn outcomes(v: &Value) -> Value {
    json!([
        v["pocs"],
        v["win"],
        v["loss"],
        v["inconclusive"],
        v["win_rate"]
    ])
}

/// Each group as [value, pocs, win, loss, inconclusive, win rate].
fn groups(r: &Value) -> Vec<Value> {
    (r["groups"].as_array().unwrap().iter())
        .map(|g| {
            let o = outcomes(&g["outcomes"]);
            let mut row = vec![g["value"].clone()];
            row.extend(o.as_array().unwrap().iter().cloned());
            Value::Array(row)
        })
        .collect()
}

#[test]
fn every_figure_is_the_one_worked_out_by_hand() {
    let r = report(&[]);
    assert_eq!(r["schema_version"], 5);
    assert_eq!(r["by"], "competitor");
    // Counted: alpha, charlie, foxtrot won; bravo, echo lost; delta
    // inconclusive. Win rate 3 / (3 + 2).
    assert_eq!(outcomes(&r["outcomes"]), json!([6, 3, 2, 1, 0.6]));
    assert_eq!(
        r["left_out"],
        json!({"open": 1, "before_since": 0, "in_conflict": 1, "unreadable": 1})
    );
    // Vendor X: alpha, bravo, charlie, foxtrot; Vendor Y: charlie, echo.
    assert_eq!(
        groups(&r),
        [
            json!(["Vendor X", 4, 3, 1, 0, 0.75]),
            json!(["Vendor Y", 2, 1, 1, 0, 0.5]),
            json!(["not recorded", 1, 0, 0, 1, null]),
        ]
    );
    // Days to close: Vendor X 5, 6, 2, 2 → median (rank 2 of 4) 2.
    let medians: Vec<Value> = (r["groups"].as_array().unwrap().iter())
        .map(|g| json!([g["planned_median"], g["actual_median"]]))
        .collect();
    assert_eq!(medians, [json!([12, 2]), json!([12, 2]), json!([12, 13])]);
    // Days 5, 6, 2, 13, 3, 2 → 2 2 3 5 6 13: median rank 3 = 3; p90 rank
    // ⌈5.4⌉ = 6 = 13. Only delta ran past its 12 days.
    assert_eq!(
        r["duration"],
        json!({
            "pocs": 6,
            "planned": {"median": 12, "p90": 12},
            "actual": {"median": 3, "p90": 13},
            "over_plan": 1,
            "longest": 13
        })
    );
    // Setup: alpha done 1 day late, bravo forced, charlie/delta/echo/
    // foxtrot cut short (delta 11 late, echo 1): late 1, 1, 11 → median 1,
    // p90 11. Deployment: alpha 1 and bravo 2 days late, both cut short.
    let phases = r["phases"].as_array().unwrap();
    assert_eq!(
        phases[0],
        json!({"phase": "setup", "title": "Environment setup", "reached": 6, "late": 3,
               "days_late": {"median": 1, "p90": 11}, "days_late_total": 13,
               "forced": 1, "cut_short": 4})
    );
    assert_eq!(
        phases[1],
        json!({"phase": "deployment", "title": "Core deployment", "reached": 2, "late": 2,
               "days_late": {"median": 1, "p90": 2}, "days_late_total": 3,
               "forced": 0, "cut_short": 2})
    );
    for p in &phases[2..] {
        assert_eq!(
            (p["reached"].clone(), p["late"].clone()),
            (json!(0), json!(0))
        );
    }
    // SC2 failed in alpha (won) and, titled in another case, echo (lost).
    let failed: Vec<Value> = (r["failed_criteria"].as_array().unwrap().iter())
        .map(|c| {
            json!([
                c["title"],
                c["failed"],
                c["pocs"],
                c["outcomes"]["win"],
                c["outcomes"]["loss"]
            ])
        })
        .collect();
    assert_eq!(
        failed,
        [
            json!(["Core use case works on customer data", 2, 6, 1, 1]),
            json!(["Meets the customer's performance bar", 1, 6, 1, 0]),
            json!(["Solution deployed in the customer environment", 1, 6, 0, 1]),
        ]
    );
    // Musts met: won alpha 2/2, charlie 1/2, foxtrot 0/2; lost 0/2, 0/2.
    assert_eq!(
        r["musts"],
        json!({
            "won": {"pocs": 3, "met": 3, "total": 6, "share": 0.5},
            "lost": {"pocs": 2, "met": 0, "total": 4, "share": 0.0}
        })
    );
    // Parked 0 + 2 + 1 + 3 + 1 + 0.
    assert_eq!(r["parked"]["total"], 7);
    assert_eq!(r["parked"]["per_poc"], 7.0 / 6.0);
    assert_eq!(r["parked"]["pocs_with_any"], 4);
    assert_eq!(r["parked"]["most"], 3);
    // Blockers open 6 h (charlie), 12 h (echo), 98 h (bravo, until the
    // close): median 12, p90 98.
    assert_eq!(
        r["blockers"],
        json!({"count": 3, "unresolved": 1, "pocs_with_any": 3,
               "hours_open": {"median": 12, "p90": 98}})
    );
    // SSO: charlie's $250,000 won (two gaps, one deal), bravo's $80,000
    // and echo's $45,000 lost.
    let gaps = r["gaps"].as_array().unwrap();
    assert_eq!(gaps.len(), 2, "{gaps:#?}");
    assert_eq!(
        gaps[0],
        json!({"gap": "SSO", "by_feature": true, "severity": "deal-breaker", "acv": 375000,
               "won": {"pocs": 1, "acv": 250000}, "lost": {"pocs": 2, "acv": 125000},
               "inconclusive": {"pocs": 0, "acv": 0}, "without_acv": 0, "pocs": 3})
    );
    assert_eq!(
        gaps[1],
        json!({"gap": "No cross-region replication", "by_feature": false, "severity": "challenge",
               "acv": 0, "won": {"pocs": 0, "acv": 0}, "lost": {"pocs": 0, "acv": 0},
               "inconclusive": {"pocs": 1, "acv": 0}, "without_acv": 1, "pocs": 1})
    );
    // Tags: pricing (alpha, bravo), SSO (alpha, charlie's sso), fast
    // deployment (charlie, foxtrot).
    let tag_rows: Vec<Value> = (r["tags"].as_array().unwrap().iter())
        .map(|t| json!([t["tag"], outcomes(&t["outcomes"])]))
        .collect();
    assert_eq!(
        tag_rows,
        [
            json!(["fast deployment", [2, 2, 0, 0, 1.0]]),
            json!(["pricing", [2, 1, 1, 0, 0.5]]),
            json!(["SSO", [2, 2, 0, 0, 1.0]]),
        ]
    );
    // Latest close first; echo's debrief says nothing, delta has none.
    assert_eq!(
        r["lessons"],
        json!([
            {"folder": "bravo", "prospect": "Bravo Health", "outcome": "loss", "closed": "2026-11-07",
             "group": ["Vendor X"], "tags": ["pricing"], "lessons": "- Price the SSO add-on before the POC."},
            {"folder": "alpha", "prospect": "Alpha Retail", "outcome": "win", "closed": "2026-11-06",
             "group": ["Vendor X"], "tags": ["pricing", "SSO"], "lessons": "- Bring the SSO team in on day 1."},
            {"folder": "charlie", "prospect": "Charlie Co", "outcome": "win", "closed": "2026-11-03",
             "group": ["Vendor X", "Vendor Y"], "tags": ["sso", "fast deployment"], "lessons": "- Demo SSO on day 1."},
            {"folder": "foxtrot", "prospect": "Foxtrot Bank", "outcome": "win", "closed": "2026-10-02",
             "group": ["Vendor X"], "tags": ["fast deployment"], "lessons": "- Keep the musts to three."}
        ])
    );
}

#[test]
fn every_facet_groups_as_worked_out_by_hand() {
    // Retail: alpha, charlie (written `retail`), foxtrot; Healthcare:
    // bravo, echo.
    assert_eq!(
        groups(&report(&["--by", "industry"])),
        [
            json!(["Retail", 3, 3, 0, 0, 1.0]),
            json!(["Healthcare", 2, 0, 2, 0, 0.0]),
            json!(["not recorded", 1, 0, 0, 1, null]),
        ]
    );
    // $100,000 and up is Enterprise: alpha, charlie, foxtrot.
    assert_eq!(
        groups(&report(&["--by", "tier"])),
        [
            json!(["Enterprise", 3, 3, 0, 0, 1.0]),
            json!(["Mid-Market", 2, 0, 2, 0, 0.0]),
            json!(["not recorded", 1, 0, 0, 1, null]),
        ]
    );
    assert_eq!(
        groups(&report(&["--by", "owner"])),
        [
            json!(["dana", 3, 3, 0, 0, 1.0]),
            json!(["sam", 3, 0, 2, 1, 0.0]),
        ]
    );
    assert_eq!(
        groups(&report(&["--by", "template"])),
        [json!(["standard@1", 6, 3, 2, 1, 0.6])]
    );
    assert_eq!(report(&["--by", "tier"])["by"], "tier");
}

#[test]
fn since_leaves_out_the_earlier_closes() {
    let r = report(&["--since", "2026-11-01"]);
    assert_eq!(r["since"], "2026-11-01");
    // foxtrot closed in October.
    assert_eq!(outcomes(&r["outcomes"]), json!([5, 2, 2, 1, 0.5]));
    assert_eq!(r["left_out"]["before_since"], 1);
    assert_eq!(groups(&r)[0], json!(["Vendor X", 3, 2, 1, 0, 2.0 / 3.0]));
    // Closed at 12:00 on 2026-11-06: an instant after it leaves alpha out.
    let r = report(&["--since", "2026-11-06T12:00:01Z"]);
    assert_eq!(outcomes(&r["outcomes"]), json!([2, 0, 1, 1, 0.0]));
    let run = insights(tree(), &["--since", "2027-01-01"]);
    run.ok()
        .first_err_is("No closed POC to learn from: 9 POCs found: 1 open, 6 closed before --since, 1 with an outcome in conflict, 1 unreadable.");
    assert_eq!(run.stdout, "");
    insights(tree(), &["--since", "11/01/2026"])
        .code(2)
        .first_err_is("error: --since: `11/01/2026` is not a YYYY-MM-DD date or an RFC 3339 timestamp (2026-11-23T14:05:00Z)");
}

#[test]
fn the_table_says_it_in_lines_and_tables_and_stderr_counts_the_left_out() {
    let mut cmd = tree().command(tree().path(), &["insights"]);
    let run = to_run(cmd.env("COLUMNS", "160").output().unwrap());
    run.ok();
    assert_eq!(
        run.stderr,
        "warning: 1 POC left out: two closes were merged and the outcome is in conflict (`poc list` shows which; reopen and close again to settle it)\n\
         warning: 1 POC could not be read and is left out; `poc list` says why\n"
    );
    let out = &run.stdout;
    for line in [
        "6 closed POCs: 3 won, 2 lost, 1 inconclusive · win rate 60% (3 of 5 decided)\n",
        "│ Vendor X     ┆ 4    ┆ 3   ┆ 1    ┆ 0            ┆ 75%      ┆ 2 (12)         │",
        "│ not recorded ┆ 1    ┆ 0   ┆ 0    ┆ 1            ┆ —        ┆ 13 (12)        │",
        "Duration, start to close: median 3 days, 90th percentile 13 days; planned median 12 days, 90th percentile 12 days; 1 of 6 ran over plan.\n",
        "Must-haves met: in won POCs 3 of 6 (50%, 3 POCs); in lost POCs 0 of 4 (0%, 2 POCs).\n",
        "Parked requests: 7 in 6 POCs (1.2 per POC; 4 parked any, at most 3).\n",
        "Blockers: 3 in 3 POCs, open for median 12 h, 90th percentile 4 days; 1 never resolved.\n",
        "│ setup       ┆ 6       ┆ 3    ┆ 1, 11                   ┆ 1      ┆ 4         │",
        "│ SSO                         ┆ deal-breaker ┆ $375,000 ┆ $250,000 (1) ┆ $125,000 (2) ┆ $0 (0)       ┆ 3    │",
        "\n2026-11-07 · bravo · Bravo Health · loss · tags: pricing\n  - Price the SSO add-on before the POC.\n",
    ] {
        assert!(out.contains(line), "lacks {line:?}:\n{out}");
    }
    // Latest close first.
    let order: Vec<usize> = ["· bravo ·", "· alpha ·", "· charlie ·", "· foxtrot ·"]
        .iter()
        .map(|f| out.find(f).unwrap_or_else(|| panic!("{f}: {out}")))
        .collect();
    assert!(order.is_sorted(), "{out}");
    assert!(
        !out.contains("· echo ·") && !out.contains("· delta ·"),
        "{out}"
    );
}

#[test]
fn markdown_and_json_hold_the_same_figures() {
    let run = insights(tree(), &["--format", "markdown", "--by", "industry"]);
    run.ok();
    let md = &run.stdout;
    for line in [
        "# Debrief library\n",
        "6 closed POCs: 3 won, 2 lost, 1 inconclusive; win rate 60% (3 of 5 decided).\n",
        "## Win rate by industry\n",
        "| Retail | 3 | 3 | 0 | 0 | 100% | 2 (12) |\n",
        "| Healthcare | 2 | 0 | 2 | 0 | 0% | 3 (12) |\n",
        "| *not recorded* | 1 | 0 | 0 | 1 | — | 13 (12) |\n",
        "| Actual | 3 days | 13 days |\n",
        "| Environment setup | 6 | 3 | 1 (11) | 1 | 4 |\n",
        "| Core use case works on customer data | 2 | 6 | 1 | 1 | 0 |\n",
        "Must-haves met: in won POCs 3 of 6 (50%) over 3 POCs; in lost POCs 0 of 4 (0%) over 2 POCs.\n",
        "| SSO | deal-breaker | $375,000 | $250,000 (1) | $125,000 (2) | $0 (0) | 3 |\n",
        "| No cross-region replication (no feature) | challenge | $0 | $0 (0) | $0 (0) | $0 (1) | 1 (1 without ACV) |\n",
        "| fast deployment | 2 | 2 | 0 | 0 |\n",
        "### 2026-11-07 · Bravo Health · loss\n\n`bravo` · Healthcare · tags: pricing\n\n- Price the SSO add-on before the POC.\n",
    ] {
        assert!(md.contains(line), "lacks {line:?}:\n{md}");
    }
    // JSON is one object, pretty, with the same figures.
    let run = insights(tree(), &["--format", "json", "--by", "industry"]);
    run.ok();
    assert!(run.stdout.starts_with("{\n"), "{}", run.stdout);
    assert_eq!(run.json()["groups"][0]["value"], "Retail");
}

#[test]
fn html_is_one_self_contained_page_with_the_charts() {
    let run = insights(tree(), &["--format", "html"]);
    run.ok();
    let html = &run.stdout;
    assert_self_contained(html);
    assert_win_rate_bars(html);
    for text in [
        "<h1>Debrief library</h1>",
        "<td>Core use case works on customer data</td>",
        "Price the SSO add-on before the POC.",
    ] {
        assert!(html.contains(text), "lacks {text:?}");
    }
}

/// The win-rate bars: one per group with a decided POC, its counts in data
/// attributes, its width the win rate of the bar area (`data-scale`).
#[track_caller]
fn assert_win_rate_bars(html: &str) {
    let svg = (tags(html, "svg").into_iter())
        .find(|s| s.get("id").is_some_and(|id| id == "chart-win-rate"))
        .expect("the win-rate chart");
    let scale: f64 = svg["data-scale"].parse().unwrap();
    let left = &svg["data-left"];
    let bars: Vec<[String; 6]> = (tags(html, "rect").into_iter())
        .filter(|r| r.get("class").is_some_and(|c| c == "win-rate"))
        .map(|r| {
            assert_eq!(&r["x"], left);
            [
                r["data-group"].clone(),
                r["data-pocs"].clone(),
                r["data-win"].clone(),
                r["data-loss"].clone(),
                r["data-inconclusive"].clone(),
                r["width"].clone(),
            ]
        })
        .collect();
    let width = |rate: f64| ((rate * scale).round() as i64).to_string();
    let expected = [
        ["Vendor X", "4", "3", "1", "0", &width(0.75)],
        ["Vendor Y", "2", "1", "1", "0", &width(0.5)],
    ];
    assert_eq!(bars, expected.map(|row| row.map(str::to_string)));
    // The durations: every group's median planned and actual, to scale.
    let longest = 13.0;
    let days: Vec<(String, String, String)> = (tags(html, "rect").into_iter())
        .filter(|r| {
            r.get("class")
                .is_some_and(|c| c == "actual" || c == "planned")
        })
        .map(|r| {
            (
                r["data-group"].clone(),
                r["data-days"].clone(),
                r["width"].clone(),
            )
        })
        .collect();
    let to_scale = |d: f64| ((d * scale / longest).round() as i64).to_string();
    let row = |group: &str, days: f64| (group.to_string(), days.to_string(), to_scale(days));
    assert_eq!(
        days,
        [
            row("All POCs", 12.0),
            row("All POCs", 3.0),
            row("Vendor X", 12.0),
            row("Vendor X", 2.0),
            row("Vendor Y", 12.0),
            row("Vendor Y", 2.0),
            row("not recorded", 12.0),
            row("not recorded", 13.0),
        ]
    );
}

#[test]
fn in_a_browser_the_bars_show_the_counts_behind_them() {
    let env = tree();
    let page = tempfile::tempdir().unwrap();
    let file = page.path().join("insights.html");
    let run = insights(env, &["--format", "html"]);
    run.ok();
    std::fs::write(&file, &run.stdout).unwrap();
    let Some(dom) = chromium(&["--dump-dom"], &file) else {
        return;
    };
    assert_win_rate_bars(&dom.stdout);
    // The gap ranking: SSO's won, lost and inconclusive parts side by side.
    let sso: Vec<(String, String, String, String)> = (tags(&dom.stdout, "rect").into_iter())
        .filter(|r| r.get("data-gap").is_some_and(|g| g == "SSO"))
        .map(|r| {
            (
                r["class"].clone(),
                r["data-acv"].clone(),
                r["x"].clone(),
                r["width"].clone(),
            )
        })
        .collect();
    // The top gap fills the 400 units: $250,000 → 267, $125,000 → 133.
    assert_eq!(
        sso,
        [
            ("won".into(), "250000".into(), "220".into(), "267".into()),
            ("lost".into(), "125000".into(), "487".into(), "133".into()),
            ("inconclusive".into(), "0".into(), "620".into(), "0".into()),
        ]
    );
    assert!(
        dom.stdout.contains("75% · 3 of 4 decided · 4 POCs"),
        "{}",
        dom.stdout
    );
}

#[test]
fn no_closed_poc_says_so_and_reading_changes_nothing() {
    let mut env = TestEnv::new();
    let run = insights(&env, &[]);
    run.ok().first_err_is(
        "No closed POC to learn from: no POC found (a POC is a folder holding poc.yaml).",
    );
    init(&mut env, "open", "Open", "dana", "2026-12-01", "");
    env.at(NOW);
    let run = unchanged(&env, || insights(&env, &["--no-cache"]));
    run.ok()
        .first_err_is("No closed POC to learn from: 1 POC found: 1 open.");
    assert_eq!(run.stdout, "");
    // JSON still prints the (empty) library, for tools.
    let run = insights(&env, &["--format", "json", "--no-cache"]);
    run.ok();
    assert_eq!(run.json()["outcomes"]["pocs"], 0);
    assert_eq!(run.json()["left_out"]["open"], 1);
    insights(&env, &["nowhere"])
        .code(2)
        .first_err_is("error: nowhere: no such folder");
    insights(&env, &["--by", "colour"]).code(2);
}

#[test]
fn markup_and_escapes_in_user_text_stay_text() {
    let mut env = TestEnv::new();
    init(
        &mut env,
        "x",
        "<script>alert(1)</script>",
        "dana",
        "2026-11-02",
        "competitors: [\"<img src=x onerror=alert(1)>\"]\n",
    );
    at(&mut env, "2026-11-03T12:00:00Z", "x", &close("loss"));
    debrief(
        &mut env,
        "2026-11-03T13:00:00Z",
        "x",
        "[\"<b>bold</b>\"]",
        "[link](evil.example) \u{1b}[31mred",
    );
    env.at(NOW);
    let html = insights(&env, &["--format", "html"]);
    html.ok();
    assert_self_contained(&html.stdout);
    for raw in ["<script", "<img", "<b>"] {
        assert!(!html.stdout.contains(raw), "{raw}: {}", html.stdout);
    }
    assert!(
        html.stdout.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{}",
        html.stdout
    );
    let md = insights(&env, &["--format", "markdown"]);
    md.ok();
    for raw in ["<script", "<img", "<b>", "[link](", "\u{1b}"] {
        assert!(!md.stdout.contains(raw), "{raw}: {}", md.stdout);
    }
    let table = insights(&env, &[]);
    table.ok();
    assert!(!table.stdout.contains('\u{1b}'), "{}", table.stdout);
}

#[test]
fn out_writes_the_page_or_the_document_and_only_over_its_own() {
    let mut env = TestEnv::new();
    init(&mut env, "x", "Xco", "dana", "2026-11-02", "");
    at(&mut env, "2026-11-03T12:00:00Z", "x", &close("win"));
    env.at(NOW);
    let run = insights(&env, &["--format", "html", "--out", "insights.html"]);
    run.ok().first_err_is("Wrote insights.html: 1 closed POC.");
    assert_eq!(run.stdout, "");
    let page = env.read("insights.html");
    assert_self_contained(&page);
    assert_eq!(page, insights(&env, &["--format", "html"]).stdout);
    // Written over next time; the markdown likewise.
    insights(&env, &["--format", "html", "--out", "insights.html"]).ok();
    insights(&env, &["--format", "markdown", "--out", "lib.md"]).ok();
    insights(&env, &["--format", "markdown", "--out", "lib.md"]).ok();
    assert!(
        env.read("lib.md")
            .starts_with("<!-- written by poc insights -->\n# Debrief library\n")
    );
    // Never over the SE's files, a POC's own, nor for a table.
    env.write("notes.html", "my notes\n");
    unchanged(&env, || {
        insights(&env, &["--format", "html", "--out", "notes.html"])
            .code(1)
            .first_err_is("error: --out notes.html: is there and is not a page poc wrote; refusing to replace it (nothing was changed). Name another file, or remove it first");
        insights(&env, &["--format", "markdown", "--out", "x/poc.yaml"])
            .code(1)
            .first_err_is("error: --out x/poc.yaml: poc.yaml is a POC file, not a document; refusing to write it (nothing was changed)");
        insights(&env, &["--out", "t.txt"]).code(2).first_err_is(
            "error: --out writes a page or a document: give --format html or --format markdown",
        );
    });
}

#[test]
fn the_largest_acvs_add_up_without_wrapping_and_lessons_keep_their_lines() {
    let mut env = TestEnv::new();
    let max = u64::MAX.to_string();
    for (folder, outcome) in [("a", "win"), ("b", "loss")] {
        init(
            &mut env,
            folder,
            "Big",
            "dana",
            "2026-11-02",
            &format!("acv: {max}\n"),
        );
        at(
            &mut env,
            "2026-11-03T10:00:00Z",
            folder,
            &[
                "gap",
                "No SAML",
                "--severity",
                "deal-breaker",
                "--feature",
                "SSO",
            ],
        );
        at(&mut env, "2026-11-04T10:00:00Z", folder, &close(outcome));
    }
    debrief(
        &mut env,
        "2026-11-04T11:00:00Z",
        "a",
        "[sso]",
        "Bring SSO in early.\n- Agree the load profile",
    );
    env.at(NOW);
    let json = env.run(&["insights", "--format", "json"]).ok().json();
    let gap = &json["gaps"][0];
    assert_eq!(gap["acv"], json!(u64::MAX), "{gap}");
    assert_eq!(gap["won"]["acv"], json!(u64::MAX));
    let html = env.run(&["insights", "--format", "html"]);
    html.ok()
        .stdout_has("- Bring SSO in early.<br>- Agree the load profile");
}

#[test]
fn the_largest_acv_twice_does_not_overflow_the_gap_ranking() {
    let mut env = TestEnv::new();
    let deal = "acv: 18446744073709551615\ncompetitors: [Vendor X]\n";
    for folder in ["a", "b"] {
        init(&mut env, folder, "Big", "dana", "2026-11-02", deal);
        let gap = [
            "gap",
            "No SSO",
            "--severity",
            "challenge",
            "--feature",
            "sso",
        ];
        at(&mut env, "2026-11-03T10:00:00Z", folder, &gap);
        at(&mut env, "2026-11-03T12:00:00Z", folder, &close("loss"));
    }
    env.at(NOW);
    let run = insights(&env, &["--format", "json"]);
    run.ok();
    // Two deals of u64's largest ACV: the sum stops there, no panic.
    let gap = &run.json()["gaps"][0];
    assert_eq!(gap["acv"], json!(u64::MAX), "{gap}");
    assert_eq!(gap["lost"], json!({"pocs": 2, "acv": u64::MAX}), "{gap}");
    for format in ["table", "markdown", "html"] {
        insights(&env, &["--format", format]).ok();
    }
}

#[test]
fn a_debrief_whose_front_matter_is_broken_is_named_and_the_rest_counts() {
    let mut env = TestEnv::new();
    for folder in ["bomb", "broken", "emptied", "fine", "huge"] {
        init(&mut env, folder, folder, "dana", "2026-11-02", "");
        at(&mut env, "2026-11-03T12:00:00Z", folder, &close("loss"));
        debrief(&mut env, "2026-11-03T13:00:00Z", folder, "[t]", "kept");
    }
    let lessons = "## 4. Lessons\n\nkept\n";
    // An alias bomb, unclosed brackets, an emptied front matter.
    let mut bomb = String::from("---\na: &a [x,x,x,x,x,x,x,x,x]\n");
    for (i, c) in ('b'..='j').enumerate() {
        let p = (b'a' + i as u8) as char;
        bomb.push_str(&format!(
            "{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
        ));
    }
    env.write("bomb/debrief.md", format!("{bomb}tags: *j\n---\n{lessons}"));
    env.write(
        "broken/debrief.md",
        format!("---\ntags: [x\n---\n{lessons}"),
    );
    env.write("emptied/debrief.md", format!("---\n# none\n---\n{lessons}"));
    // Closed past the first MiB, which is all that is read.
    let padding = "# padding\n".repeat(110_000);
    env.write("huge/debrief.md", format!("---\n{padding}---\n{lessons}"));
    env.at(NOW);
    let run = insights(&env, &["--format", "json"]);
    run.ok();
    let warnings: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(warnings.len(), 3, "{}", run.stderr);
    assert!(
        warnings[0].starts_with("warning: bomb/debrief.md:"),
        "{}",
        run.stderr
    );
    assert!(
        warnings[1].starts_with("warning: broken/debrief.md:2:7: unclosed bracket"),
        "{}",
        run.stderr
    );
    assert_eq!(
        warnings[2],
        "warning: huge/debrief.md:1:1: the front matter opened here is never closed by a `---` line; its tags are left out"
    );
    for w in &warnings {
        assert!(w.ends_with("; its tags are left out"), "{w}");
    }
    let report = run.json();
    assert_eq!(report["unread_tags"].as_array().unwrap().len(), 3);
    // Every lesson but the huge one's is still there, and only the fine
    // debrief's tag counts.
    assert_eq!(report["lessons"].as_array().unwrap().len(), 4, "{report}");
    assert_eq!(
        report["tags"],
        json!([{"tag": "t", "outcomes": {"pocs": 1, "win": 0, "loss": 1, "inconclusive": 0, "win_rate": 0.0}}])
    );
}

#[test]
fn a_competitor_written_twice_in_one_poc_counts_it_once_whatever_its_spaces() {
    let mut env = TestEnv::new();
    let deal = "competitors: [\"VENDOR x\", \"vendor X \", \"Vendor\u{a0} x\", \"  \", Vendor Y]\n";
    init(&mut env, "x", "Xco", "dana", "2026-11-02", deal);
    at(&mut env, "2026-11-03T12:00:00Z", "x", &close("loss"));
    env.at(NOW);
    let run = insights(&env, &["--format", "json"]);
    run.ok();
    // [value, pocs, win, loss, inconclusive, win rate]
    assert_eq!(
        groups(&run.json()),
        [
            json!(["VENDOR x", 1, 0, 1, 0, 0.0]),
            json!(["Vendor Y", 1, 0, 1, 0, 0.0])
        ]
    );
}
