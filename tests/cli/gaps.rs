//! `poc gap`: product gaps the prospect hit, recorded with a minted ID,
//! counted by severity in status, resolved with a note, and listed in the
//! debrief with the deal's ACV so a portfolio can rank them.

use crate::common::*;
use crate::risks::wide;

/// The ID a gap printed: "Recorded G1-K7Q (…".
fn recorded_id(run: &Run) -> String {
    let rest = run
        .stderr
        .strip_prefix("Recorded ")
        .expect("a Recorded line");
    rest[..rest.find(' ').unwrap()].to_string()
}

#[test]
fn gaps_are_recorded_counted_and_resolved() {
    let mut env = TestEnv::with_poc();
    add_deal_details(&env);
    env.at("2026-11-24T10:00:00Z");
    let first = env.poc_run(&[
        "gap",
        "No",
        "SAML",
        "--severity",
        "deal-breaker",
        "--feature",
        "sso",
        "--criterion",
        "SC4",
        "--workaround",
        "OIDC through their IdP",
    ]);
    first.ok();
    let g1 = recorded_id(&first);
    assert!(g1.starts_with("G1-") && g1.len() == 6, "{g1}");
    first.first_err_is(&format!(
        "Recorded {g1} (deal-breaker, on a deal of ACV $120,000). Resolve it with `poc gap --resolve {g1} --note TEXT` once worked around or fixed."
    ));
    let entry = env.journal().pop().unwrap();
    assert_eq!(
        entry,
        serde_json::json!({
            "at": "2026-11-24T10:00:00Z", "by": "dana", "kind": "gap", "id": g1,
            "text": "No SAML", "severity": "deal-breaker", "feature": "sso",
            "criterion": "SC4", "workaround": "OIDC through their IdP"
        })
    );
    let g2 = recorded_id(
        env.poc_run(&["gap", "No per-tenant retention", "--severity", "challenge"])
            .ok(),
    );
    let g3 = recorded_id(
        env.poc_run(&["gap", "Dark mode", "--severity", "nice-to-have"])
            .ok(),
    );
    assert!(g2.starts_with("G2-") && g3.starts_with("G3-"));

    let json = status_json(&env);
    assert_eq!(
        json["open_gaps"],
        serde_json::json!({"deal_breaker": 1, "challenge": 1, "nice_to_have": 1})
    );
    assert_eq!(json["gaps"][0]["id"], g1.as_str());
    assert_eq!(json["gaps"][0]["open"], true);
    env.poc_run(&["status"]).ok().stdout_has(
        "\nProduct gaps open: 1 deal-breaker, 1 challenge, 1 nice-to-have (0 resolved)\n",
    );

    // Resolved by the short form, any case, with a note.
    env.at("2026-11-25T10:00:00Z");
    env.poc_run(&[
        "gap",
        "--resolve",
        "g2",
        "--note",
        "retention per index in 4.3",
    ])
    .ok()
    .first_err_is(&format!("Resolved {g2}: No per-tenant retention"));
    let entry = env.journal().pop().unwrap();
    assert_eq!(entry["kind"], "gap_resolve");
    assert_eq!(entry["id"], g2.as_str());
    assert_eq!(entry["note"], "retention per index in 4.3");
    env.poc_run(&["status"])
        .ok()
        .stdout_has("Product gaps open: 1 deal-breaker, 0 challenge, 1 nice-to-have (1 resolved)");
    let md = env.poc_run(&["status", "--format", "markdown"]);
    md.ok()
        .stdout_has("| **Open product gaps** | 1 deal-breaker, 0 challenge, 1 nice-to-have |")
        .stdout_has("## Product gaps")
        .stdout_has(&format!(
            "| {g1} | No SAML | deal-breaker | sso | SC4 | OIDC through their IdP | open since 2026-11-24 |"
        ))
        .stdout_has(&format!(
            "| {g2} | No per-tenant retention | challenge |  |  |  | resolved 2026-11-25: retention per index in 4.3 |"
        ));
    env.poc_run(&["log", "--kind", "gap"])
        .ok()
        .stdout_has("No SAML");

    // Resolving twice, an unknown ID, a note missing: nothing recorded.
    unchanged(&env, || {
        env.poc_run(&["gap", "--resolve", &g2, "--note", "again"])
    })
    .code(1)
    .first_err_is(&format!(
        "error: gap {g2} was already resolved on 2026-11-25 (nothing was recorded)"
    ));
    unchanged(&env, || env.poc_run(&["gap", "--resolve", "G9", "--note", "x"]))
        .code(1)
        .first_err_is(&format!(
            "error: unknown ID `G9`: no product gap has it; did you mean `G1`?; gaps: {g1}, {g2}, {g3}"
        ).replace("did you mean `G1`?; ", ""));
    unchanged(&env, || env.poc_run(&["gap", "--resolve", "G1"])).code(2);
    unchanged(&env, || {
        env.poc_run(&["gap", "--resolve", "G1", "--note", " "])
    })
    .code(2)
    .first_err_is("error: --note (how the gap was resolved) must not be empty");
    unchanged(&env, || {
        env.poc_run(&["gap", "x", "--severity", "challenge", "--note", "y"])
    })
    .code(2)
    .first_err_is("error: --note says how a gap was resolved and goes with --resolve ID; put a workaround in --workaround instead (nothing was recorded)");
    unchanged(&env, || env.poc_run(&["gap", "No", "SAML"])).code(2);
    unchanged(&env, || env.poc_run(&["gap", "x", "--severity", "fatal"])).code(2);
    unchanged(&env, || {
        env.poc_run(&["gap", " ", "--severity", "challenge"])
    })
    .code(2)
    .first_err_is("error: the gap must not be empty");
    unchanged(&env, || {
        env.poc_run(&[
            "gap",
            "--resolve",
            "G1",
            "--note",
            "x",
            "--severity",
            "challenge",
        ])
    })
    .code(2);
}

#[test]
fn a_gaps_criterion_is_one_of_the_scope() {
    let env = TestEnv::with_poc();
    unchanged(&env, || {
        env.poc_run(&["gap", "No SAML", "--severity", "challenge", "--criterion", "SC9"])
    })
    .code(1)
    .first_err_is("error: unknown ID `SC9`: no success criterion has it; did you mean `SC1`?; criteria: SC1, SC2, SC3, SC4");
    unchanged(&env, || {
        env.poc_run(&[
            "gap",
            "No SAML",
            "--severity",
            "challenge",
            "--criterion",
            "sc4",
        ])
    })
    .code(1)
    .stderr_has("did you mean `SC4`?");
    // A checklist item is not a criterion.
    unchanged(&env, || {
        env.poc_run(&[
            "gap",
            "x",
            "--severity",
            "challenge",
            "--criterion",
            "kickoff",
        ])
    })
    .code(1)
    .stderr_has("no success criterion has it");
    // A scope without criteria says so.
    env.edit(
        "acme/poc.yaml",
        "success_criteria:",
        "success_criteria: []\nold_criteria:",
    );
    let text = env.read("acme/poc.yaml");
    // Drop the criteria list (the lines up to `phases:`).
    let start = text.find("old_criteria:").unwrap();
    let end = text.find("\nphases:").unwrap();
    env.write(
        "acme/poc.yaml",
        format!("{}{}", &text[..start], &text[end + 1..]),
    );
    env.poc_run(&["validate"]).ok();
    unchanged(&env, || {
        env.poc_run(&["gap", "x", "--severity", "challenge", "--criterion", "SC1"])
    })
    .code(1)
    .first_err_is(
        "error: unknown ID `SC1`: no success criterion has it; poc.yaml has no success criteria",
    );
    env.poc_run(&["gap", "x", "--severity", "challenge"]).ok();
}

#[test]
fn a_closed_poc_takes_no_new_gap_but_resolves_one() {
    let env = TestEnv::with_poc();
    let g1 = recorded_id(
        env.poc_run(&["gap", "No SAML", "--severity", "deal-breaker"])
            .ok(),
    );
    env.poc_run(&forced_close("loss", "no SAML")).ok();
    unchanged(&env, || env.poc_run(&["gap", "No RBAC", "--severity", "challenge"]))
        .code(1)
        .first_err_is("error: the POC is closed (loss); cannot record a product gap. Run `poc reopen PHASE --reason TEXT` to reopen it");
    // The fix may ship after the POC: resolving stays possible.
    env.poc_run(&["gap", "--resolve", &g1, "--note", "SAML in 4.4"])
        .ok();
}

#[test]
fn the_debrief_lists_gaps_with_the_acv_at_stake() {
    let mut env = TestEnv::with_poc();
    add_deal_details(&env);
    env.at("2026-11-24T10:00:00Z");
    let g1 = recorded_id(
        env.poc_run(&[
            "gap",
            "No per-tenant retention",
            "--severity",
            "challenge",
            "--feature",
            "retention",
        ])
        .ok(),
    );
    let g2 = recorded_id(
        env.poc_run(&[
            "gap",
            "No SAML",
            "--severity",
            "deal-breaker",
            "--criterion",
            "SC4",
            "--workaround",
            "OIDC",
        ])
        .ok(),
    );
    let g3 = recorded_id(
        env.poc_run(&["gap", "Dark mode", "--severity", "nice-to-have"])
            .ok(),
    );
    env.poc_run(&["gap", "--resolve", &g3, "--note", "shipped in 4.3"])
        .ok();
    let report = wide(&env, &["report", "--out", "-"]);
    report
        .ok()
        .stdout_has("<section id=\"gaps\">")
        .stdout_has("Open: 1 deal-breaker, 1 challenge, 0 nice-to-have, on a deal of ACV $120,000.")
        .stdout_has(&format!(
            "<tr class=\"gap\" data-id=\"{g2}\" data-severity=\"deal-breaker\" data-open=\"true\">"
        ));
    let debrief = env.close_and_debrief("loss", "no SAML");
    // The open ones first, the worst first; each open one puts the ACV at
    // stake.
    let expected = format!(
        "Product gaps the prospect hit:\n\n\
         - **{g2}** No SAML: deal-breaker · ACV $120,000 at stake · criterion SC4 · workaround: OIDC · still open\n\
         - **{g1}** No per-tenant retention: challenge · ACV $120,000 at stake · feature: retention · still open\n\
         - **{g3}** Dark mode: nice-to-have · resolved 2026-11-24: shipped in 4.3\n"
    );
    assert!(debrief.contains(&expected), "{debrief}");
    let section3 = &debrief[debrief.find("## 3.").unwrap()..debrief.find("## 4.").unwrap()];
    assert!(section3.contains("Product gaps the prospect hit:"));
    // The front matter tags the debrief with them, for a library.
    assert!(
        debrief.contains("competitors: [\"Vendor X\", \"Vendor Y\"]\ngaps: [{severity: deal-breaker, feature: null, open: true}, {severity: challenge, feature: \"retention\", open: true}, {severity: nice-to-have, feature: null, open: false}]\n"),
        "{debrief}"
    );
    let front = (debrief.strip_prefix("---\n"))
        .and_then(|rest| rest.split_once("\n---\n"))
        .map(|(front, _)| front)
        .unwrap();
    let tags: std::collections::BTreeMap<String, serde_json::Value> =
        serde_saphyr::from_str(front).unwrap_or_else(|e| panic!("{e}\n{front:?}"));
    assert_eq!(
        tags["gaps"],
        serde_json::json!([
            {"severity": "deal-breaker", "feature": null, "open": true},
            {"severity": "challenge", "feature": "retention", "open": true},
            {"severity": "nice-to-have", "feature": null, "open": false},
        ])
    );
}

#[test]
fn without_an_acv_the_debrief_says_it_is_not_recorded_and_no_gap_no_tag() {
    let env = TestEnv::with_poc();
    let debrief = env.close_and_debrief("inconclusive", "paused");
    assert!(!debrief.contains("gaps:"), "{debrief}");
    assert!(!debrief.contains("Product gaps the prospect hit"));
    let env = TestEnv::with_poc();
    env.poc_run(&["gap", "No SAML", "--severity", "deal-breaker"])
        .ok()
        .stderr_has("(deal-breaker). Resolve");
    let debrief = env.close_and_debrief("loss", "no SAML");
    assert!(
        debrief.contains("No SAML: deal-breaker · ACV not recorded · still open"),
        "{debrief}"
    );
}

#[test]
fn hostile_text_in_gaps_and_risks_breaks_no_table_or_page() {
    let env = TestEnv::with_poc();
    let hostile = "a | b <script>alert(1)</script> \u{202e}evil\u{1b}[31m [x](javascript:x)";
    env.poc_run(&[
        "gap",
        hostile,
        "--severity",
        "challenge",
        "--workaround",
        hostile,
    ])
    .ok();
    let raised = env.poc_run(&["risk", "add", hostile, "--owner", hostile]);
    raised.ok();
    assert!(!raised.stderr.contains('\u{1b}') && !raised.stderr.contains('\u{202e}'));
    for args in [&["status"][..], &["risk"], &["check"]] {
        let run = env.poc_run(args);
        run.ok();
        assert!(
            !run.stdout.contains('\u{202e}') && !run.stdout.contains('\u{1b}'),
            "{run:?}"
        );
    }
    let md = env.poc_run(&["status", "--format", "markdown"]);
    md.ok();
    let row = (md.stdout.lines())
        .find(|l| l.starts_with("| G1-"))
        .unwrap();
    // The text's `|` is escaped: it splits no cell.
    assert!(row.contains("a \\| b"), "{row}");
    assert!(!md.stdout.contains("<script>") && md.stdout.contains("\\[x\\](javascript"));
    let html = env.poc_run(&["report", "--out", "-"]);
    html.ok();
    assert!(!html.stdout.contains("<script>alert"), "script came alive");
    assert!(html.stdout.contains("&lt;script&gt;"));
}
