//! `poc update`: the customer update, what happened in the period and what
//! comes next, as plain text for any inbox, markdown, an email-safe HTML
//! fragment and JSON; `--record` makes the next one start where it ends.

use crate::common::*;

/// The day after the example's last entry.
const LAST_DAY: &str = "2026-11-21T18:00:00Z";

/// A test folder holding a copy of the bundled example as `acme/`.
fn example() -> TestEnv {
    let mut env = TestEnv::with_example();
    env.at(LAST_DAY);
    env.user = "Dana Smith".into();
    env
}

/// The opening tags of an HTML fragment, as written.
fn opening_tags(html: &str) -> Vec<&str> {
    html.split('<')
        .skip(1)
        .filter(|t| !t.starts_with('/'))
        .map(|t| &t[..t.find('>').unwrap_or(t.len())])
        .collect()
}

#[track_caller]
fn assert_plain_text(text: &str) {
    for markup in ["**", "__", "`", "|", "# ", "](", "\\"] {
        assert!(
            !text.contains(markup),
            "{markup:?} in the text update:\n{text}"
        );
    }
    for line in text.lines() {
        assert!(
            line.chars().count() <= 72,
            "a line over 72 columns: {line:?}\n{text}"
        );
    }
}

#[track_caller]
fn assert_email_safe(html: &str) {
    for bad in [
        "<script", "http://", "https://", "<style", "class=", "<html", "<head", "<body", "<img",
        "<link",
    ] {
        assert!(!html.contains(bad), "{bad:?} in the HTML update:\n{html}");
    }
    for tag in opening_tags(html) {
        let name = tag.split_whitespace().next().unwrap_or_default();
        if !["tr", "br"].contains(&name) {
            assert!(tag.contains("style=\""), "<{tag}> has no inline style");
        }
        if name == "table" {
            for attr in [
                "role=\"presentation\"",
                "cellpadding=\"0\"",
                "cellspacing=\"0\"",
                "border=\"0\"",
            ] {
                assert!(tag.contains(attr), "<{tag}> lacks {attr}");
            }
        }
    }
}

#[test]
fn the_example_update_says_what_happened_and_what_comes_next() {
    let env = example();
    let run = env.poc_run(&["update", "--since", "2026-11-20"]);
    run.ok()
        // The header.
        .stdout_has("Acme Corp observability POC: update\n")
        .stdout_has("Prospect: Acme Corp\n")
        // Who it is from, and the people it is for, with role and side.
        .stdout_has("From: Dana Smith (SE), Lee Park (account executive)\n")
        .stdout_has("For: Priya Raman, Champion (Director of Platform Engineering); Marcus\n  Webb, Economic buyer (VP Infrastructure); Jordan Ellis, Security\n  reviewer (HIPAA compliance); Sam Ortiz, Ingest specialist (vendor)\n")
        .stdout_has("Day 6 of 12 · Use-case validation (planned days 4–7) · on time\n")
        .stdout_has("Period: 2026-11-20 00:00 UTC to 2026-11-21 18:00 UTC\n")
        // Criteria met and items done in the period, with their evidence.
        .stdout_has("SUCCESS CRITERIA MET\n- SC3 PHI masked before it is stored (must, met 2026-11-20)\n")
        .stdout_has("- SC2 Ingest production logs at peak volume (must, met 2026-11-21, after\n  an earlier failed attempt)\n")
        .stdout_has("  Evidence: Load test run 2: 12,400 events/s for 1 h, 0 dropped; Grafana\n    export in the shared drive; M2 measured 12400 events/s: target ≥\n")
        // Values measured in the period, against baseline and target.
        .stdout_has("VALUE MEASURED\n- M2 Peak ingest without dropped events (measured 2026-11-21)\n  Result: 6000 events/s → 12400 events/s → ≥ 10000 events/s: met, 106.7%\n    better than baseline\n  Decides: SC2\n")
        .stdout_has("- Results and screenshots documented (validation, 2026-11-21)\n")
        // The failure, its note, and what came of it.
        .stdout_has("FAILED, AND WHAT IS BEING DONE\n- SC2 Ingest production logs at peak volume (failed 2026-11-20)\n  Result: Load test run 1: peak 8,200 events/s, 0.4% dropped\n  Note: Gateway CPU-throttled at 2 vCPU\n  Since: met on a later check, 2026-11-21\n")
        // The open blocker, its text and age.
        .stdout_has("BLOCKERS\n- B2 Firewall change CHG-4411 pending: the load generator cannot reach\n  prod-eu (open 2 days, since 2026-11-19)\n")
        .stdout_has("PARKED FOR AFTER THE POC\n- Jordan asked whether audit logs can be retained for 7 years\n  (2026-11-21)\n")
        // What comes next.
        .stdout_has("NEXT\n- Still open in Use-case validation:\n  - SC4 Fast search over 30 days of logs (should)\n  - Core use cases from scope executed\n")
        .stdout_has("- Next gate: Integration & testing, planned by day 7 (2026-11-22)\n")
        .stdout_has("the last planned day is day 12\n  (2026-11-27)\n")
        // Before the period: not news.
        .stdout_lacks("SC1 Collectors")
        .stdout_lacks("Marcus asked")
        .stdout_lacks("VPN")
        .stdout_lacks("PHASE CHANGES")
        // The SE's notes stay out of the customer's inbox, and the SE is told.
        .stdout_lacks("Gateway raised to 4 vCPU")
        .stdout_lacks("SC4 latency test waits on B2")
        .stderr_has("2 notes from this period left out of the update");
    snapshot!(env, "example_since_day_5", run.stdout);
    assert_plain_text(&run.stdout);
}

#[test]
fn by_default_the_first_update_covers_the_whole_poc() {
    let env = example();
    let run = env.poc_run(&["update"]);
    run.ok()
        .stdout_has("Period: 2026-11-16 00:00 UTC (the start) to 2026-11-21 18:00 UTC\n")
        .stdout_has("PHASE CHANGES\n- Moved from Environment setup to Core deployment (day 2, 2026-11-17)\n- Moved from Core deployment to Use-case validation (day 4, 2026-11-19)\n")
        .stdout_has("- SC1 Collectors running on the 3 production clusters (must, met\n  2026-11-18)\n")
        .stdout_has("- B1 VPN access for the SE team not granted yet (IT ticket INC-20931)\n  (resolved 2026-11-17, after 16 h)\n  Resolution: IT granted VPN accounts for Dana and Lee at 08:45\n")
        .stdout_has("- Marcus asked for a monthly cost-allocation report per business unit\n");
    assert_plain_text(&run.stdout);
}

#[test]
fn the_text_update_has_no_markup_and_fits_72_columns_but_for_a_longer_word() {
    let env = example();
    let long_word = "x".repeat(100);
    env.poc_run(&[
        "blocker",
        &format!(
            "**Bold** `code` | [link](https://x.example) # {long_word} \\ ünïcödé 🚀 words {}",
            "and more words ".repeat(10)
        ),
    ])
    .ok();
    env.poc_run(&[
        "check",
        "SC4",
        "--evidence",
        "p95 1.4 s\nat 20 users\u{1b}[31m",
    ])
    .ok();
    let run = env.poc_run(&["update", "--since", "2026-11-21"]);
    run.ok()
        .stdout_has("- SC4 Fast search over 30 days of logs");
    // Every line fits, but for a word longer than a line, which has one of
    // its own, whole (a link cut in two no longer works).
    for line in run.stdout.lines() {
        let fits = line.chars().count() <= 72 || line.trim() == long_word;
        assert!(fits, "{line:?}\n{}", run.stdout);
    }
    assert!(!run.stdout.contains('\u{1b}'), "{}", run.stdout);
    assert!(
        run.stdout.contains(&format!("\n  {long_word}\n")),
        "{}",
        run.stdout
    );
    // The example itself, with nothing hostile in it, has no markup at all.
    assert_plain_text(&example().poc_run(&["update"]).stdout);
}

#[test]
fn the_html_update_is_an_email_safe_fragment() {
    let env = example();
    let run = env.poc_run(&["update", "--format", "html"]);
    run.ok()
        .stdout_has("<table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" width=\"100%\"")
        .stdout_has(">SC2 Ingest production logs at peak volume</strong> (must, met 2026-11-21, after an earlier failed attempt)")
        .stdout_has("&gt;= 10,000 events/s sustained for 1 hour");
    assert_email_safe(&run.stdout);
}

#[test]
fn hostile_text_is_escaped_in_html_and_neutralised_in_markdown() {
    let env = example();
    let script = "<script>alert(1)</script>";
    env.poc_run(&["blocker", script]).ok();
    env.poc_run(&[
        "check",
        "SC4",
        "--evidence",
        &format!("{script} [x](javascript:alert(1))"),
    ])
    .ok();
    env.poc_run(&["park", "<img src=x onerror=alert(1)>"]).ok();
    let html = env.poc_run(&["update", "--format", "html", "--since", "2026-11-21"]);
    html.ok()
        .stdout_has("&lt;script&gt;alert(1)&lt;/script&gt;")
        .stdout_has("&lt;img src=x onerror=alert(1)&gt;");
    assert_email_safe(&html.stdout);
    let md = env.poc_run(&["update", "--format", "markdown", "--since", "2026-11-21"]);
    md.ok()
        .stdout_has("### Blockers\n")
        .stdout_has("&lt;script>alert(1)&lt;/script>")
        .stdout_has("\\[x\\](javascript:alert(1))")
        .stdout_lacks("<script")
        .stdout_lacks("<img");
}

#[test]
fn markdown_has_headings_bullets_and_no_stray_escapes() {
    let env = example();
    env.poc_run(&["update", "--format", "markdown", "--since", "2026-11-20"])
        .ok()
        .stdout_has("## Acme Corp observability POC: update\n\n- Prospect: Acme Corp\n")
        .stdout_has("### Success criteria met\n\n- **SC3 PHI masked before it is stored** (must, met 2026-11-20)\n")
        .stdout_has("  - Target: >= 10,000 events/s sustained for 1 hour, 0 dropped events\n")
        .stdout_has("- **Next gate:** Integration & testing, planned by day 7 (2026-11-22)\n");
}

#[test]
fn record_then_the_next_update_starts_where_it_ended() {
    let mut env = example();
    let before = env.journal().len();
    let run = env.poc_run(&["update", "--record"]);
    run.ok()
        .stdout_has("SC3 PHI masked")
        .stderr_has("Recorded: the next `poc update` starts here (2026-11-21 18:00 UTC).");
    let journal = env.journal();
    assert_eq!(journal.len(), before + 1, "exactly one entry is added");
    let last = journal.last().unwrap();
    assert_eq!(last["kind"], "update");
    assert_eq!(last["at"], "2026-11-21T18:00:00Z");
    assert_eq!(last["since"], "2026-11-16T00:00:00Z");

    env.at("2026-11-22T09:00:00Z");
    env.poc_run(&[
        "check",
        "use-cases-run",
        "--evidence",
        "All 6 use cases run with Priya",
    ])
    .ok();
    env.at("2026-11-22T10:00:00Z");
    let run = env.poc_run(&["update"]);
    run.ok()
        .stdout_has("Period: 2026-11-21 18:00 UTC (the last update) to 2026-11-22 10:00 UTC\n")
        .stdout_has("DONE\n- Core use cases from scope executed (validation, 2026-11-22)\n  Evidence: All 6 use cases run with Priya\n")
        .stdout_lacks("SC3")
        .stdout_lacks("Load test run")
        .stdout_lacks("Jordan asked")
        .stdout_lacks("FAILED");
    assert_eq!(
        env.poc_run(&["update", "--format", "json"]).json()["since_from"],
        "last_update"
    );
    // --since overrides the last update.
    env.poc_run(&["update", "--since", "2026-11-20"])
        .ok()
        .stdout_has("SC3 PHI masked")
        .stdout_has("Core use cases from scope executed");
    // The journal shows the update sent.
    env.poc_run(&["log", "--kind", "update", "--format", "tsv"])
        .ok()
        .stdout_has("\tupdate\t\tcustomer update sent, covering from 2026-11-16T00:00:00Z\n");
    env.poc_run(&["validate"]).ok().stdout_has("(0 warnings)");
}

/// What reached the journal after an update was recorded is new to the
/// next one, whatever its time: a back-dated check, or a teammate's entries
/// merged in from another clone.
#[test]
fn entries_that_arrive_back_dated_after_a_record_are_in_the_next_update() {
    let mut env = example();
    env.poc_run(&["update", "--record"]).ok();
    // Recorded now, dated before the update (POC_NOW in the past).
    env.at("2026-11-21T12:00:00Z");
    env.poc_run(&["check", "SC4", "--evidence", "p95 1.4 s at 20 users"])
        .ok();
    // A teammate's entry, merged in after the record, dated before it.
    let merged = r#"- {"at":"2026-11-21T13:00:00Z","by":"Lee Park","kind":"note","text":"merged"}"#;
    let journal = env.read("acme/journal.yaml");
    env.write("acme/journal.yaml", format!("{journal}{merged}\n"));
    env.user = "Lee Park".into();
    env.poc_run(&["park", "Lee's request"]).ok();
    env.at("2026-11-22T10:00:00Z");
    env.poc_run(&["update"])
        .ok()
        .stdout_has("SC4 Fast search over 30 days of logs")
        .stdout_has("Evidence: p95 1.4 s at 20 users")
        .stdout_has("Lee's request")
        .stdout_lacks("Nothing new")
        .stdout_lacks("SC3 PHI masked");
}

#[test]
fn an_update_without_record_changes_nothing() {
    let env = example();
    unchanged(&env, || {
        for format in ["text", "markdown", "html", "json"] {
            env.poc_run(&["update", "--format", format]).ok();
        }
    });
}

#[test]
fn a_bad_since_is_a_usage_error_naming_the_flag_and_changes_nothing() {
    let env = example();
    for bad in ["2026-13-01", "yesterday", "2026-02-30"] {
        for args in [
            vec!["update", "--since", bad],
            vec!["update", "--record", "--since", bad],
        ] {
            let run = unchanged(&env, || env.poc_run(&args));
            run.code(2).first_err_is(&format!(
                "error: --since: `{bad}` is not a YYYY-MM-DD date or an RFC 3339 timestamp (2026-11-23T14:05:00Z)"
            ));
            assert_eq!(run.stderr.lines().count(), 1, "{run:#?}");
            assert!(run.stdout.is_empty(), "{run:#?}");
        }
    }
}

#[test]
fn an_empty_period_says_so_in_one_line_and_still_records() {
    let env = example();
    env.poc_run(&["update", "--record"]).ok();
    let before = env.journal().len();
    let run = env.poc_run(&["update", "--record"]);
    run.ok()
        .stdout_has("Period: 2026-11-21 18:00 UTC (the last update) to 2026-11-21 18:00 UTC\n\nNothing new since 2026-11-21 18:00 UTC.\n\nBLOCKERS\n")
        .stdout_has("NEXT\n")
        .stdout_lacks("SUCCESS CRITERIA MET")
        .stdout_lacks("DONE")
        .stdout_lacks("PARKED")
        .stderr_has("Recorded");
    // The SE sent "nothing new": that is recorded too.
    assert_eq!(env.journal().len(), before + 1);
    let json = env.poc_run(&["update", "--format", "json"]).json();
    assert_eq!(json["nothing_new"], true);
    assert_eq!(json["criteria_met"], serde_json::json!([]));
}

#[test]
fn a_closed_poc_update_gives_the_outcome_and_no_next_steps() {
    let mut env = TestEnv::with_poc();
    env.at("2026-11-24T15:00:00Z");
    env.poc_run(&forced_close("loss", "Budget frozen until Q3"))
        .ok();
    let run = env.poc_run(&["update"]);
    run.ok()
        .stdout_has("Closed: Technical Loss on 2026-11-24, in setup, after 2 days\nWhy: Budget frozen until Q3\n")
        .stdout_has("PHASE CHANGES\n- Closed: Technical Loss (day 2, 2026-11-24)\n  Why: Budget frozen until Q3\n")
        .stdout_lacks("NEXT")
        .stdout_lacks("Day 2 of");
    let json = env.poc_run(&["update", "--format", "json"]).json();
    assert_eq!(json["phase"], "closed");
    assert_eq!(json["outcome"], "loss");
    assert_eq!(json["next"], serde_json::Value::Null);
    // Recording still works on a closed POC.
    env.poc_run(&["update", "--record"])
        .ok()
        .stderr_has("Recorded");
}

#[test]
fn before_day_one_the_update_says_when_it_starts() {
    let mut env = TestEnv::new();
    env.at("2026-11-20T09:00:00Z");
    env.run(INIT_ACME).ok();
    env.poc_run(&["update"])
        .ok()
        .stdout_has("Starts 2026-11-23, in 3 days\n")
        .stdout_has("Nothing new since 2026-11-20 09:00 UTC.\n")
        .stdout_has("NEXT\n- Still open in Environment setup:\n  - Scope documented and approved by customer\n")
        .stdout_has("- Next gate: Core deployment, planned by day 2 (2026-11-24)\n")
        .stdout_has(
            "- Timeline: day 1 is 2026-11-23, the last planned day is day 12\n  (2026-12-04)\n",
        )
        .stdout_lacks("Day 0");
}

#[test]
fn the_period_is_in_the_poc_time_zone() {
    let mut env = TestEnv::new();
    env.at("2026-11-25T20:00:00Z");
    env.run(&[
        "init",
        "acme",
        "--prospect",
        "Acme Corp",
        "--start",
        "2026-11-23",
        "--timezone",
        "America/Los_Angeles",
    ])
    .ok();
    env.poc_run(&["update", "--since", "2026-11-24"])
        .ok()
        .stdout_has("Period: 2026-11-24 00:00 PST to 2026-11-25 12:00 PST\n");
}

#[test]
fn attached_files_runs_and_undos_are_reported() {
    let mut env = example();
    env.write("grafana-export.png", b"png bytes");
    env.poc_run(&[
        "check",
        "SC4",
        "--attach",
        "grafana-export.png",
        "--run",
        "true",
    ])
    .ok();
    env.poc_run(&["check", "use-cases-run", "--evidence", "ran them"])
        .ok();
    env.poc_run(&["update", "--record"]).ok();
    env.at("2026-11-22T09:00:00Z");
    env.poc_run(&[
        "check",
        "use-cases-run",
        "--undo",
        "--note",
        "Priya wants the HL7 case rerun",
    ])
    .ok();
    env.poc_run(&["update", "--since", "2026-11-21T17:00:00Z"])
        .ok()
        .stdout_has("- SC4 Fast search over 30 days of logs (should, met 2026-11-21)\n")
        .stdout_has("  Files: grafana-export.png\n  Ran: true (exit 0)\n")
        // Checked and put back within the period: only where it stands now.
        .stdout_lacks("BACK TO OPEN")
        .stdout_has("  - Core use cases from scope executed\n");
    env.poc_run(&["update"])
        .ok()
        .stdout_has("BACK TO OPEN\n- Core use cases from scope executed (2026-11-22)\n  Why: Priya wants the HL7 case rerun\n")
        .stdout_lacks("SC4 Fast search over 30 days of logs (should, met");
}

#[test]
fn a_since_after_now_is_a_usage_error() {
    let env = example();
    let run = unchanged(&env, || env.poc_run(&["update", "--since", "2026-11-22"]));
    run.code(2).first_err_is(
        "error: --since: `2026-11-22` is after now (2026-11-21 18:00 UTC); the update covers from then to now",
    );
}

#[test]
fn on_the_last_planned_day_the_timeline_says_so() {
    let mut env = example();
    env.at("2026-11-27T12:00:00Z");
    env.poc_run(&["update"])
        .ok()
        .stdout_has("Day 12 of 12 · Use-case validation (planned days 4–7) · 5 days late\n")
        .stdout_has(
            "- Next gate: Integration & testing, planned by day 7 (2026-11-22), 5\n  days late\n",
        )
        .stdout_has("- Timeline: today is the last planned day, day 12 (2026-11-27)\n");
}

#[test]
fn a_users_update_template_is_used_and_context_shows_what_it_gets() {
    let env = example();
    env.write(
        ".home/.config/poc/templates/update.md.j2",
        "# {{ doc.title }} for {{ update.prospect }}\n{% for s in doc.sections %}\n* {{ s.heading }}\n{% endfor %}\n",
    );
    let run = env.poc_run(&["update", "--format", "markdown"]);
    run.ok()
        .stdout_has("# Acme Corp observability POC: update for Acme Corp\n* ");
    let context = env.poc_run(&["update", "--context"]);
    let json = context.ok().json();
    assert_eq!(json["doc"]["title"], "Acme Corp observability POC: update");
    assert_eq!(json["update"]["prospect"], "Acme Corp");
    let first = &json["doc"]["sections"][0];
    let heading = first["heading"].as_str().unwrap();
    assert!(
        run.stdout.contains(&format!("* {heading}\n")),
        "{}",
        run.stdout
    );
    // The bundled HTML template is still the one used for HTML.
    env.poc_run(&["update", "--format", "html"])
        .ok()
        .stdout_has("<table role=\"presentation\"");
}
