//! `poc signoff`: sign-offs recorded with their evidence, withdrawn, the
//! sheet to print or send, the gate on a win, and where they show.

use crate::common::*;

/// The sign-offs the tests add to a version 2 scope: the champion approves
/// the scope, the VP the result, the security lead two criteria.
const SIGNOFFS: &str = "
signoffs:
  - {id: SO1, role: Champion, name: Sam Lee, covers: scope}
  - {id: SO2, role: VP Engineering, name: Marcus Webb, covers: final}
  - {id: SO3, role: Security lead, name: Priya Shah, covers: [SC2, SC3]}
";

/// Puts `signoffs` (a `signoffs:` section as YAML text) in the standard
/// init's `acme/poc.yaml`.
fn add_signoffs(env: &TestEnv, signoffs: &str) {
    env.set_section("signoffs", signoffs.trim_start_matches('\n'));
}

/// A fresh POC with the three sign-offs.
fn poc_with_signoffs() -> TestEnv {
    let env = TestEnv::with_poc();
    add_signoffs(&env, SIGNOFFS);
    env
}

/// A POC in signoff on day 10, every criterion met, with the sign-offs.
fn signoff_phase_with_signoffs() -> TestEnv {
    let env = poc_in_signoff();
    add_signoffs(&env, SIGNOFFS);
    env
}

/// The sign-off `id` in `poc status --format json`.
#[track_caller]
fn signoff_json(env: &TestEnv, id: &str) -> serde_json::Value {
    let status = status_json(env);
    let all = status["signoffs"].as_array().unwrap();
    (all.iter().find(|s| s["id"] == id))
        .unwrap_or_else(|| panic!("no sign-off {id} in {status:#}"))
        .clone()
}

#[test]
fn a_signoff_is_recorded_with_its_evidence_and_attached_file() {
    let env = poc_with_signoffs();
    env.write("approval.eml", "From: sam@acme.example\n\nApproved.\n");
    let run = env.poc_run(&[
        "signoff",
        "SO1",
        "--evidence",
        "Scope approved by email",
        "--attach",
        "approval.eml",
    ]);
    run.ok()
        .first_err_is("Signed off: SO1 Sam Lee (Champion, customer) approves the scope");
    let last = env.journal().pop().unwrap();
    assert_eq!(last["kind"], "signoff");
    assert_eq!(last["id"], "SO1");
    assert_eq!(last["name"], "Sam Lee");
    assert_eq!(last["by"], "dana");
    assert_eq!(last["evidence"], "Scope approved by email");
    let file = &last["files"][0];
    assert_eq!(file["name"], "approval.eml");
    let path = file["path"].as_str().unwrap();
    assert!(
        path.starts_with("evidence/") && path.ends_with("-approval.eml"),
        "{path}"
    );
    run.stderr_has(&format!("Attached approval.eml as {path}"));
    // Stored as `check --attach` stores files: a copy named by its hash.
    assert_eq!(
        env.read(&format!("acme/{path}")),
        "From: sam@acme.example\n\nApproved.\n"
    );
    let given = &signoff_json(&env, "SO1")["given"];
    assert_eq!(given["name"], "Sam Lee");
    assert_eq!(given["evidence"], "Scope approved by email");
    // `poc evidence` lists it, and --verify checks the file.
    let listed = env.poc_run(&["evidence", "SO1", "--format", "json"]).json();
    let rows = listed["evidence"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{listed:#}");
    assert_eq!(rows[0]["detail"], "Scope approved by email");
    assert_eq!(rows[1]["path"], path);
    env.poc_run(&["evidence", "--verify"])
        .ok()
        .stdout_has("ok: 1 stored evidence file matches its recorded sha256");
    std::fs::write(env.poc().join(path), "tampered").unwrap();
    env.poc_run(&["evidence", "--verify"])
        .code(1)
        .stderr_has("(evidence for SO1, journal line");
}

#[test]
fn by_defaults_to_the_name_in_the_scope_and_a_second_signing_needs_something_new() {
    let env = poc_with_signoffs();
    env.poc_run(&["signoff", "SO3", "--by", "Priya Shah (CISO office)"])
        .ok()
        .first_err_is(
            "Signed off: SO3 Priya Shah (CISO office) (Security lead, customer) approves SC2, SC3",
        );
    assert_eq!(
        env.journal().pop().unwrap()["name"],
        "Priya Shah (CISO office)"
    );
    env.poc_run(&["signoff", "SO1"]).ok();
    let last = env.journal().pop().unwrap();
    assert_eq!(last["name"], "Sam Lee");
    assert_eq!(last.get("evidence"), None);
    // Again with nothing new: said, and nothing recorded.
    unchanged(&env, || env.poc_run(&["signoff", "SO1"]))
        .ok()
        .first_err_is(
            "Already signed off: SO1 by Sam Lee on 2026-11-23 09:00 UTC (nothing was recorded). To replace it, give new --evidence or --attach; to withdraw it, `poc signoff SO1 --undo`",
        );
    // With new evidence: a new sign-off that replaces the first.
    env.poc_run(&["signoff", "SO1", "--evidence", "Signed scope v2"])
        .ok()
        .first_err_is("Signed off again: SO1 Sam Lee (Champion, customer) approves the scope (replaces the sign-off of 2026-11-23 09:00 UTC)");
    assert_eq!(
        signoff_json(&env, "SO1")["given"]["evidence"],
        "Signed scope v2"
    );
    unchanged(&env, || env.poc_run(&["signoff", "SO1", "--by", " "]))
        .code(2)
        .first_err_is("error: --by must not be empty");
}

#[test]
fn undo_withdraws_a_signoff_and_says_when_there_is_none() {
    let env = poc_with_signoffs();
    env.poc_run(&["signoff", "SO1", "--evidence", "email"]).ok();
    env.poc_run(&[
        "signoff",
        "SO1",
        "--undo",
        "--note",
        "signed the wrong version",
    ])
    .ok()
    .first_err_is("Withdrawn: SO1 Sam Lee's sign-off of the scope (given 2026-11-23 09:00 UTC)");
    let last = env.journal().pop().unwrap();
    assert_eq!(last["kind"], "unsignoff");
    assert_eq!(last["id"], "SO1");
    assert_eq!(last["note"], "signed the wrong version");
    assert!(signoff_json(&env, "SO1")["given"].is_null());
    unchanged(&env, || env.poc_run(&["signoff", "SO1", "--undo"]))
        .ok()
        .first_err_is("Not signed off: SO1 (nothing to withdraw)");
    unchanged(&env, || {
        env.poc_run(&["signoff", "SO1", "--undo", "--by", "x"])
    })
    .code(2);
}

#[test]
fn an_unknown_signoff_is_refused_naming_the_signoffs() {
    let env = poc_with_signoffs();
    env.write("approval.eml", "ok");
    unchanged(&env, || {
        env.poc_run(&["signoff", "SO4", "--attach", "approval.eml"])
    })
    .code(1)
    .first_err_is(
        "error: unknown ID `SO4`: no sign-off in poc.yaml has it; did you mean `SO1`? (the sign-offs are SO1, SO2, SO3; nothing was recorded)",
    );
    unchanged(&env, || env.poc_run(&["signoff", "champion"]))
        .code(1)
        .first_err_is(
            "error: unknown ID `champion`: no sign-off in poc.yaml has it (the sign-offs are SO1, SO2, SO3; nothing was recorded)",
        );
    unchanged(&env, || env.poc_run(&["signoff", "SC2"]))
        .code(1)
        .first_err_is(
            "error: unknown ID `SC2`: no sign-off in poc.yaml has it (the sign-offs are SO1, SO2, SO3; to record `SC2` itself, run `poc check SC2`; nothing was recorded)",
        );
    unchanged(&env, || {
        env.poc_run(&["signoff", "SO1", "--attach", "missing.pdf"])
    })
    .code(1)
    .first_err_is("error: --attach missing.pdf: no such file (nothing was recorded)");
    unchanged(&env, || env.poc_run(&["signoff"])).code(2);

    // A scope with no sign-offs says where they go.
    let v1 = TestEnv::with_poc();
    unchanged(&v1, || v1.poc_run(&["signoff", "SO1"]))
        .code(1)
        .first_err_is(
            "error: unknown sign-off `SO1`: poc.yaml has no sign-offs; add a `signoffs:` section (scope version 2) naming who approves what (nothing was recorded)",
        );
    unchanged(&v1, || v1.poc_run(&["signoff", "--sheet"]))
        .code(1)
        .first_err_is(
            "error: poc.yaml has no sign-offs, so there is no sheet to print; add a `signoffs:` section (scope version 2) naming who approves what",
        );
}

#[test]
fn a_win_waits_for_the_final_signoff_unless_forced() {
    let mut env = signoff_phase_with_signoffs();
    env.at("2026-12-03T10:00:00Z");
    unchanged(&env, || env.poc_run(&["close", "--outcome", "win"]))
        .code(1)
        .first_err_is(
            "error: cannot close as win: the final sign-off SO2 (Marcus Webb) is not given; record it with `poc signoff SO2 --evidence TEXT` (nothing was changed); pass --force --reason TEXT to close anyway",
        );
    // The scope and criteria sign-offs do not gate the win.
    env.poc_run(&["signoff", "SO2", "--evidence", "Signed results deck"])
        .ok()
        .stderr_has(
            "Every final sign-off is in: a win can be recorded with `poc close --outcome win`.",
        );
    env.poc_run(&["close", "--outcome", "win"])
        .ok()
        .stderr_has("Closed: Technical Win");
    assert_eq!(env.journal().pop().unwrap().get("forced"), None);
    // A sign-off after the close is recorded, and says so.
    env.at("2026-12-05T10:00:00Z");
    env.poc_run(&["signoff", "SO3"])
        .ok()
        .stderr_has("Signed off: SO3 Priya Shah")
        .stderr_has("The POC is closed (Technical Win); the sign-off is recorded all the same, and the close stands.");
    assert_eq!(env.journal().pop().unwrap()["kind"], "signoff");

    // Forced: journaled as forced, with the reason.
    let mut env = signoff_phase_with_signoffs();
    env.at("2026-12-03T10:00:00Z");
    env.poc_run(&forced_close("win", "VP signs next week"))
        .ok()
        .stderr_has("Closed: Technical Win");
    let last = env.journal().pop().unwrap();
    assert_eq!(last["forced"], true);
    assert_eq!(last["reason"], "VP signs next week");

    // Two final sign-offs missing are named together.
    let mut env = poc_in_signoff();
    add_signoffs(
        &env,
        &format!("{SIGNOFFS}  - {{id: SO4, role: CFO, name: Lee Park, covers: final}}\n"),
    );
    env.at("2026-12-03T10:00:00Z");
    unchanged(&env, || env.poc_run(&["close", "--outcome", "win"]))
        .code(1)
        .first_err_is(
            "error: cannot close as win: the final sign-offs SO2 (Marcus Webb), SO4 (Lee Park) are not given; record each with `poc signoff ID --evidence TEXT` (nothing was changed); pass --force --reason TEXT to close anyway",
        );

    // Loss and inconclusive are not gated by sign-offs.
    for outcome in ["loss", "inconclusive"] {
        let mut env = signoff_phase_with_signoffs();
        env.at("2026-12-03T10:00:00Z");
        env.poc_run(&["close", "--outcome", outcome]).ok();
        assert_eq!(env.journal().pop().unwrap().get("forced"), None);
    }
}

#[test]
fn the_markdown_sheet_says_what_each_person_approves_and_fills_in_the_recorded() {
    let mut env = signoff_phase_with_signoffs();
    env.edit(
        "acme/poc.yaml",
        "out_of_scope: []",
        "out_of_scope: [Custom dashboards]",
    );
    env.at("2026-12-03T10:00:00Z");
    env.write("results.pdf", "%PDF");
    env.poc_run(&[
        "signoff",
        "SO3",
        "--evidence",
        "Security review passed",
        "--attach",
        "results.pdf",
    ])
    .ok();
    let run = unchanged(&env, || env.poc_run(&["signoff", "--sheet"]));
    let sheet = &run.ok().stdout;
    assert!(
        sheet.starts_with("# Sign-off sheet: Acme Corp POC\n"),
        "{sheet}"
    );
    assert!(sheet.contains("| **Prospect** | Acme Corp |"), "{sheet}");
    assert!(
        sheet.contains("| **Dates** | 2026-11-23 to 2026-12-04 (12 days planned) |"),
        "{sheet}"
    );
    assert!(
        sheet.contains(
            "| **Status** | Day 11 of 12 · Validation & sign-off (planned days 10–12) · on time |"
        ),
        "{sheet}"
    );
    // The scope: criteria with their targets, the plan, what is left out.
    let scope = section(sheet, "## SO1: Sam Lee, Champion (customer)", "## SO2");
    assert!(
        scope.contains("**Approves** the POC's scope as agreed at kickoff"),
        "{scope}"
    );
    assert!(
        scope.contains("| SC3 | Meets the customer's performance bar | p95 response time < 2 s at 50 concurrent users for 1 hour | should |"),
        "{scope}"
    );
    assert!(
        scope.contains("| Validation & sign-off | 10–12 | 2026-12-02 to 2026-12-04 |"),
        "{scope}"
    );
    assert!(scope.contains("Out of scope: Custom dashboards"), "{scope}");
    assert!(scope.contains("Signature: ____"), "{scope}");
    // The result: every criterion with its result.
    let result = section(
        sheet,
        "## SO2: Marcus Webb, VP Engineering (customer)",
        "## SO3",
    );
    assert!(result.contains("**Approves** the POC's result"), "{result}");
    for id in ["SC1", "SC2", "SC3", "SC4"] {
        assert!(result.contains(&format!("| {id} |")), "{result}");
    }
    assert!(result.contains("| met |"), "{result}");
    assert!(
        result.contains("Name: Marcus Webb\n\nDate: ______________"),
        "{result}"
    );
    // Some criteria, signed: filled in, no lines to sign.
    let criteria = &sheet[pos(sheet, "## SO3: Priya Shah, Security lead (customer)")..];
    assert!(
        criteria.contains("**Approves** the results of these success criteria: SC2, SC3."),
        "{criteria}"
    );
    assert!(
        criteria.contains("| SC2 |") && criteria.contains("| SC3 |"),
        "{criteria}"
    );
    assert!(
        !criteria.contains("| SC1 |") && !criteria.contains("| SC4 |"),
        "{criteria}"
    );
    assert!(
        criteria.contains("**Signed** by Priya Shah on 2026-12-03: Security review passed; [results.pdf](evidence/"),
        "{criteria}"
    );
    assert!(criteria.contains("(recorded by dana)"), "{criteria}");
    assert!(!criteria.contains("Signature:"), "{criteria}");
    assert_tables_are_whole(sheet);
    assert!(
        sheet.ends_with("Date: ______________\n\n") || sheet.ends_with(")\n\n"),
        "{sheet:?}"
    );
}

#[test]
fn the_html_sheet_is_self_contained_and_escapes_user_text() {
    let env = TestEnv::with_poc();
    add_signoffs(
        &env,
        "
signoffs:
  - {id: SO1, role: \"<img src=x onerror=alert(1)>\", name: \"<script>alert('x')</script> Lee\", covers: scope}
  - {id: SO2, role: VP Engineering, name: Marcus Webb, covers: final}
",
    );
    env.poc_run(&["signoff", "SO1", "--evidence", "<b>approved</b> & filed"])
        .ok();
    let run = unchanged(&env, || {
        env.poc_run(&["signoff", "--sheet", "--format", "html"])
    });
    let html = &run.ok().stdout;
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(html.trim_end().ends_with("</html>"), "{html}");
    assert!(!html.to_lowercase().contains("<script"), "{html}");
    assert!(!html.contains("<img"), "{html}");
    assert!(!html.contains("<b>approved"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Lee"),
        "{html}"
    );
    assert!(
        html.contains("&lt;b&gt;approved&lt;/b&gt; &amp; filed"),
        "{html}"
    );
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "nothing fetched"
    );
    assert!(html.contains("@media print"), "{html}");
    assert!(html.contains(r#"data-id="SO1" data-given="yes""#), "{html}");
    assert!(html.contains(r#"data-id="SO2" data-given="no""#), "{html}");
    let pending = &html[pos(html, r#"data-id="SO2""#)..];
    assert!(
        pending.contains(r#"<div class="line">Name<span class="filled">Marcus Webb</span></div>"#),
        "{pending}"
    );
    assert!(
        pending.contains(r#"<div class="line">Signature</div>"#),
        "{pending}"
    );
    assert!(
        html.contains("<strong>Signed</strong> by &lt;script&gt;"),
        "{html}"
    );
}

#[test]
fn status_and_check_show_the_pending_signoffs_that_matter_now() {
    let mut env = poc_with_signoffs();
    let run = env.poc_run(&["status"]);
    run.ok().stdout_has(
        "Sign-offs pending: SO1 Sam Lee (scope), SO2 Marcus Webb (final), SO3 Priya Shah (SC2, SC3) · 0 of 3 given\n",
    );
    assert!(
        pos(&run.stdout, "Sign-offs pending") < pos(&run.stdout, "┌"),
        "{}",
        run.stdout
    );
    // At the start only the scope's is due.
    let today = env.poc_run(&["check"]);
    today
        .ok()
        .stdout_has("\nSign-offs to get (`poc signoff ID --evidence TEXT`):\n  [ ] SO1  Sam Lee, Champion (customer): the scope\n")
        .stdout_lacks("SO2")
        .stdout_lacks("SO3");
    let json = env.poc_run(&["check", "--format", "json"]).json();
    assert_eq!(json["pending_signoffs"][0]["id"], "SO1");
    assert_eq!(json["pending_signoffs"].as_array().unwrap().len(), 1);
    env.poc_run(&["signoff", "SO1"]).ok();
    env.poc_run(&["check"])
        .ok()
        .stdout_lacks("Sign-offs to get");
    // SO3 once SC2 and SC3 are both evaluated.
    env.at("2026-11-26T10:00:00Z");
    check(&env, &["SC2"]);
    env.poc_run(&["check"]).ok().stdout_lacks("SO3");
    env.poc_run(&["check", "SC3", "--fail", "--note", "p95 2.4 s"])
        .ok();
    env.poc_run(&["check"])
        .ok()
        .stdout_has("  [ ] SO3  Priya Shah, Security lead (customer): SC2, SC3\n")
        .stdout_lacks("SO2");
    env.poc_run(&["status"]).ok().stdout_has(
        "Sign-offs pending: SO2 Marcus Webb (final), SO3 Priya Shah (SC2, SC3) · 1 of 3 given\n",
    );
    // The final one in signoff.
    let mut env = signoff_phase_with_signoffs();
    env.at("2026-12-03T10:00:00Z");
    env.poc_run(&["check"])
        .ok()
        .stdout_has("  [ ] SO2  Marcus Webb, VP Engineering (customer): the final result\n");
    for id in ["SO1", "SO2", "SO3"] {
        env.poc_run(&["signoff", id]).ok();
    }
    env.poc_run(&["status"])
        .ok()
        .stdout_has("Sign-offs: all 3 given\n");
}

#[test]
fn the_documents_list_signoffs_given_and_pending() {
    let mut env = signoff_phase_with_signoffs();
    env.at("2026-12-03T10:00:00Z");
    env.poc_run(&["update", "--record"]).ok();
    env.write("approval.eml", "ok");
    env.at("2026-12-03T11:00:00Z");
    env.poc_run(&[
        "signoff",
        "SO1",
        "--by",
        "Sam Lee (for Alex Kim)",
        "--evidence",
        "Approved <by> email",
        "--attach",
        "approval.eml",
    ])
    .ok();

    // status --format markdown: a table right before the blockers.
    env.poc_run(&["blocker", "VPN flaky"]).ok();
    let md = env
        .poc_run(&["status", "--format", "markdown"])
        .ok()
        .stdout
        .clone();
    let table = section(&md, "## Sign-offs", "## Blockers");
    assert!(
        table.contains("| SO1 | Sam Lee | Champion | customer | the scope | 2026-12-03, by Sam Lee (for Alex Kim) | Approved &lt;by> email; [approval.eml](evidence/"),
        "{table}"
    );
    assert!(
        table.contains(
            "| SO2 | Marcus Webb | VP Engineering | customer | the final result | pending |  |"
        ),
        "{table}"
    );
    assert_tables_are_whole(&md);

    // checklist: at the end.
    let checklist = env.poc_run(&["checklist"]).ok().stdout.clone();
    let list = &checklist[pos(&checklist, "## Sign-offs")..];
    assert!(pos(&checklist, "## Success criteria") < pos(&checklist, "## Sign-offs"));
    assert!(
        list.contains("- [x] **SO1** Sam Lee, Champion (customer) approves the scope — signed 2026-12-03 by Sam Lee (for Alex Kim): Approved &lt;by> email; [approval.eml](evidence/"),
        "{list}"
    );
    assert!(
        list.contains(
            "- [ ] **SO3** Priya Shah, Security lead (customer) approves SC2, SC3 — pending"
        ),
        "{list}"
    );

    // The customer update: the sign-offs given in the period.
    let update = env.poc_run(&["update"]).ok().stdout.clone();
    let given = section(&update, "SIGN-OFFS", "BLOCKERS");
    assert!(
        given.contains("- SO1 Sam Lee (for Alex Kim) (Champion) approved the scope (2026-12-03)"),
        "{update}"
    );
    assert!(given.contains("Evidence: Approved <by> email"), "{update}");
    assert!(given.contains("Files: approval.eml"), "{update}");
    assert!(!given.contains("SO2"), "{update}");
    let json = env.poc_run(&["update", "--format", "json"]).json();
    assert_eq!(json["signoffs"][0]["id"], "SO1");
    assert_eq!(json["nothing_new"], false);
    let html = env
        .poc_run(&["update", "--format", "html"])
        .ok()
        .stdout
        .clone();
    assert!(html.contains("Approved &lt;by&gt; email"), "{html}");

    // The HTML report: a section right before the blockers.
    let report = env.poc_run(&["report", "--out", "-"]).ok().stdout.clone();
    let signoffs = section(
        &report,
        r#"<section id="signoffs">"#,
        r#"<section id="blockers">"#,
    );
    assert!(
        signoffs.contains(r#"data-id="SO1" data-given="yes""#),
        "{signoffs}"
    );
    assert!(signoffs.contains("signed 2026-12-03"), "{signoffs}");
    assert!(signoffs.contains("by Sam Lee (for Alex Kim)"), "{signoffs}");
    assert!(signoffs.contains("Approved &lt;by&gt; email"), "{signoffs}");
    assert!(
        signoffs.contains(r#"data-id="SO2" data-given="no""#),
        "{signoffs}"
    );

    // The debrief: at the end, given with date and evidence, or not.
    env.poc_run(&["signoff", "SO2", "--evidence", "Signed results deck"])
        .ok();
    let debrief = env.close_and_debrief("win", "all criteria met");
    let list = &debrief[pos(&debrief, "\n## Sign-offs\n")..];
    assert!(
        list.contains("- **SO2** Marcus Webb, VP Engineering (customer), approving the final result: signed 2026-12-03: Signed results deck"),
        "{list}"
    );
    assert!(
        list.contains(
            "- **SO3** Priya Shah, Security lead (customer), approving SC2, SC3: not given"
        ),
        "{list}"
    );
}

#[test]
fn a_version_1_scope_shows_no_signoffs_anywhere() {
    let mut env = TestEnv::with_poc();
    env.as_version_1();
    env.at("2026-11-24T10:00:00Z");
    check(&env, &["kickoff"]);
    env.poc_run(&["blocker", "VPN flaky"]).ok();
    let outputs = [
        env.poc_run(&["status"]).ok().stdout.clone(),
        env.poc_run(&["status", "--format", "markdown"])
            .ok()
            .stdout
            .clone(),
        env.poc_run(&["check"]).ok().stdout.clone(),
        env.poc_run(&["checklist"]).ok().stdout.clone(),
        env.poc_run(&["update"]).ok().stdout.clone(),
        env.poc_run(&["report", "--out", "-"]).ok().stdout.clone(),
    ];
    for out in &outputs {
        assert!(!out.contains("Sign-offs"), "{out}");
        assert!(!out.contains("SIGN-OFFS"), "{out}");
        assert!(!out.contains("signoffs"), "{out}");
    }
    assert_eq!(status_json(&env)["signoffs"], serde_json::json!([]));
    let debrief = env.close_and_debrief("loss", "budget");
    assert!(!debrief.contains("Sign-offs"), "{debrief}");
    let run = env.poc_run(&["validate"]);
    assert!(!run.ok().stderr.contains("sign-off"), "{run:#?}");
}

#[test]
fn validate_warns_when_no_signoff_covers_the_result() {
    let env = TestEnv::with_poc();
    add_signoffs(
        &env,
        "
signoffs:
  - {id: SO1, role: Champion, name: Sam Lee, covers: scope}
",
    );
    let run = env.poc_run(&["validate"]);
    run.ok().stderr_has(
        "no sign-off covers `final`: nobody is asked to approve the POC's result, and a win will not wait for one",
    );
    let env = poc_with_signoffs();
    let run = env.poc_run(&["validate"]);
    assert!(!run.ok().stderr.contains("sign-off"), "{run:#?}");
}

/// Ticking the last signoff item says the phase is done, and that a win
/// still waits for the final sign-off, by name.
#[test]
fn the_signoff_phase_done_names_the_final_signoff_a_win_waits_for() {
    let mut env = signoff_phase_with_signoffs();
    env.at("2026-12-03T10:00:00Z");
    let (last, rest) = SIGNOFF.split_last().unwrap();
    check(&env, rest);
    env.poc_run(&["check", last]).ok().stderr_has(
        "Signoff is complete: run `poc close --outcome win|loss|inconclusive`; a win waits for the final sign-off: `poc signoff SO2` (Marcus Webb).",
    );
}
