//! What a review of the plan sections (issue 12) found: IDs two entries
//! share, a win a merge undermined, a metric's target edited afterwards, a
//! criterion a metric decides, `capture:` anchors, rounded values, journal
//! fields with a value poc does not know.

use crate::common::*;
use crate::risks::with_risks;

/// Appends journal lines (JSON objects) to `acme/journal.yaml`, as a merge
/// or a hand edit would.
fn append(env: &TestEnv, lines: &[&str]) {
    let mut text = env.read("acme/journal.yaml");
    for l in lines {
        text.push_str("- ");
        text.push_str(l);
        text.push('\n');
    }
    env.write("acme/journal.yaml", text);
}

#[test]
fn risk_and_gap_ids_two_entries_share_are_reported_and_addressed_by_number() {
    let mut env = with_risks();
    env.at("2026-11-24T10:00:00Z");
    append(
        &env,
        &[
            // A raised risk reusing a scope risk's ID.
            r#"{"at":"2026-11-24T08:00:00Z","by":"lee","kind":"risk","id":"R1","title":"Collector OOM","likelihood":"high","impact":"high"}"#,
            // Two gaps a merge left with one ID, and one line doubled.
            r#"{"at":"2026-11-24T08:00:00Z","by":"dana","kind":"gap","id":"G1-AAA","text":"No SAML","severity":"deal-breaker"}"#,
            r#"{"at":"2026-11-24T08:30:00Z","by":"lee","kind":"gap","id":"G1-AAA","text":"No dark mode","severity":"nice-to-have"}"#,
            r#"{"at":"2026-11-24T08:30:00Z","by":"lee","kind":"gap","id":"G1-AAA","text":"No dark mode","severity":"nice-to-have"}"#,
        ],
    );
    let run = env.poc_run(&["validate"]);
    run.ok()
        .stderr_has("risk ID `R1` is used by 2 risks (poc.yaml, line ")
        .stderr_has("address each as R1#1, R1#2, …")
        .stderr_has("gap ID `G1-AAA` is used by 3 gaps (lines ")
        .stderr_has("repeats the gap `G1-AAA` exactly; it counts once");
    // The doubled line is one gap: two open, not three.
    assert_eq!(
        status_json(&env)["open_gaps"],
        serde_json::json!({"deal_breaker": 1, "challenge": 0, "nice_to_have": 1})
    );

    // The bare ID is ambiguous, and says how to name each.
    unchanged(&env, || {
        env.poc_run(&["risk", "R1", "--status", "triggered"])
            .code(1)
            .stderr_has("R1#1 (Security review of the collector slips, watching)")
            .stderr_has("R1#2 (Collector OOM, watching)");
        env.poc_run(&["gap", "--resolve", "G1", "--note", "x"])
            .code(1)
            .stderr_has("G1-AAA#1 (No SAML)")
            .stderr_has("G1-AAA#2 (No dark mode)");
    });

    // `ID#N` picks the Nth, and the replay moves that one.
    env.poc_run(&["risk", "R1#2", "--status", "triggered", "--note", "OOM"])
        .ok();
    env.poc_run(&["gap", "--resolve", "G1-AAA#2", "--note", "theme CSS"])
        .ok()
        .stderr_has("Resolved G1-AAA: No dark mode");
    let json = status_json(&env);
    let risks = json["risks"].as_array().unwrap();
    let status = |title: &str| {
        let r = risks.iter().find(|r| r["title"] == title).unwrap();
        r["status"].as_str().unwrap().to_string()
    };
    assert_eq!(status("Collector OOM"), "triggered");
    assert_eq!(status("Security review of the collector slips"), "watching");
    assert_eq!(
        json["open_gaps"],
        serde_json::json!({"deal_breaker": 1, "challenge": 0, "nice_to_have": 0})
    );
    let gap = &json["gaps"].as_array().unwrap();
    let open: Vec<&str> = (gap.iter())
        .filter(|g| g["open"] == true)
        .map(|g| g["text"].as_str().unwrap())
        .collect();
    assert_eq!(open, ["No SAML"]);
}

#[test]
fn a_merge_that_undermines_an_unforced_win_is_a_conflict_until_a_reopen() {
    let mut env = poc_in_signoff();
    env.set_section(
        "signoffs",
        "signoffs:\n  - {id: SO2, role: VP Engineering, name: Marcus Webb, covers: final}\n",
    );
    env.at("2026-12-03T10:00:00Z");
    env.poc_run(&["signoff", "SO2"]).ok();
    env.at("2026-12-04T10:00:00Z");
    env.poc_run(&["close", "--outcome", "win"]).ok();
    let clean = env.poc_run(&["validate"]);
    assert!(!clean.ok().stderr.contains("conflict"), "{clean:#?}");
    // A colleague's clone withdrew the sign-off and failed a must before
    // the close; the merge brings both in.
    append(
        &env,
        &[
            r#"{"at":"2026-12-03T15:00:00Z","by":"lee","kind":"unsignoff","id":"SO2","note":"VP wants the load test redone"}"#,
            r#"{"at":"2026-12-03T16:00:00Z","by":"lee","kind":"fail","id":"SC2","note":"p95 340 ms"}"#,
        ],
    );
    let what = "closed as win by dana without --force, but entries merged in from before the close leave the `must` criterion SC2 failed and the final sign-off SO2 withdrawn";
    env.poc_run(&["status"])
        .ok()
        .stdout_has(&format!("Conflict to settle: {what}"));
    env.poc_run(&["validate"]).ok().stderr_has(&format!(
        "{what}; settle it with `poc reopen PHASE --reason TEXT`"
    ));
    unchanged(&env, || {
        env.poc_run(&["debrief"])
            .code(1)
            .stderr_has("the outcome is in conflict: closed as win by dana without --force");
    });
    env.at("2026-12-05T10:00:00Z");
    env.poc_run(&["reopen", "signoff", "--reason", "the VP withdrew"])
        .ok();
    env.poc_run(&["status"])
        .ok()
        .stdout_lacks("Conflict to settle");
}

#[test]
fn a_journal_field_with_an_unknown_value_is_named_with_its_values() {
    let env = TestEnv::with_poc();
    let journal = env.read("acme/journal.yaml");
    for (line, expected) in [
        (
            r#"{"at":"2026-11-24T10:00:00Z","by":"d","kind":"risk_status","id":"R1","status":"exploded"}"#,
            "`status` of a `risk_status` entry is `exploded`; expected one of watching, triggered, retired",
        ),
        (
            r#"{"at":"2026-11-24T10:00:00Z","by":"d","kind":"risk","id":"R9","title":"x","likelihood":"hihg","impact":"low"}"#,
            "`likelihood` of a `risk` entry is `hihg`; did you mean `high`?; expected one of low, medium, high",
        ),
        (
            r#"{"at":"2026-11-24T10:00:00Z","by":"d","kind":"gap","id":"G1","text":"x","severity":"fatal"}"#,
            "`severity` of a `gap` entry is `fatal`; expected one of deal-breaker, challenge, nice-to-have",
        ),
    ] {
        env.write("acme/journal.yaml", format!("{journal}- {line}\n"));
        let n = journal.lines().count() + 1;
        env.poc_run(&["validate"])
            .code(1)
            .first_err_is(&format!("error: acme/journal.yaml:{n}:3: {expected}"));
    }
}

#[test]
fn small_things_a_review_found() {
    let env = TestEnv::with_poc();
    env.set_section(
        "signoffs",
        "signoffs:\n  - {id: SO1, role: Champion, name: Sam Lee, covers: scope}\n",
    );
    env.write("approval.eml", "Approved.\n");
    // The same file attached twice is stored and recorded once.
    env.poc_run(&[
        "signoff",
        "SO1",
        "--evidence",
        "email",
        "--attach",
        "approval.eml",
        "--attach",
        "approval.eml",
    ])
    .ok();
    let given = env.journal().pop().unwrap();
    assert_eq!(given["files"].as_array().unwrap().len(), 1, "{given}");
    // Another signer alone keeps the evidence.
    env.poc_run(&["signoff", "SO1", "--by", "Deputy"]).ok();
    let again = env.journal().pop().unwrap();
    assert_eq!(again["name"], "Deputy");
    assert_eq!(again["evidence"], "email");
    assert_eq!(again["files"], given["files"]);

    // An empty escalation from a hand edit is none.
    append(
        &env,
        &[
            r#"{"at":"2026-11-23T08:00:00Z","by":"d","kind":"blocker","id":"B1","text":"VPN","escalate_to":"","after_days":0}"#,
        ],
    );
    let status = env.poc_run(&["status"]);
    assert!(!status.ok().stdout.contains("escalate to"), "{status:#?}");
    let log = env.poc_run(&["log", "--kind", "blocker"]);
    assert!(!log.ok().stdout.contains("escalate to"), "{log:#?}");

    // The issue's form of resolving a gap gets the form that works.
    unchanged(&env, || {
        env.poc_run(&["gap", "G1", "--resolve", "--note", "fixed"])
            .code(2)
            .first_err_is(
                "error: --resolve takes the gap's ID: `poc gap --resolve G1 --note TEXT` (nothing was recorded)",
            );
    });
}
