//! A version 2 POC over twelve days that uses every plan section (issue 12):
//! sign-offs (the scope, the final result, some criteria) with the close
//! gate, risks with an escalation path, value metrics (one deciding a
//! criterion and read from a run's output by its `capture:`), blockers with
//! an owner and an escalation, and product gaps. `POC_NOW` moves day by
//! day; each step asserts what the SE sees, and the checklist and the
//! debrief, which sum up the story, are reviewed snapshots.
//!
//! Each command on its own is tested in its file (signoffs, risks, metrics,
//! gaps); this is the story through all of them.

use crate::common::*;
use crate::risks::wide;

/// The plan sections and the people of the story, put in the scope `poc
/// init` wrote.
fn plan_the_poc(env: &TestEnv) {
    add_deal_details(env);
    env.edit(
        "acme/poc.yaml",
        "stakeholders: []\n",
        "stakeholders:
  - {name: Sam Lee, role: Champion, email: sam@acme.example}
  - {name: Marcus Webb, role: VP Engineering}
  - {name: Priya Shah, role: Security lead}
  - {name: Jordan Lee, role: Solutions engineer, side: vendor}
",
    );
    // SC3 is decided by M1.
    env.edit(
        "acme/poc.yaml",
        "    target: \"p95 response time < 2 s at 50 concurrent users for 1 hour\"\n",
        "    target: \"p95 response time < 2 s at 50 concurrent users for 1 hour\"\n    metric: M1\n",
    );
    env.set_section(
        "metrics",
        "metrics:
  - id: M1
    title: p95 search latency at 50 users
    stream: time
    unit: ms
    baseline: 3400
    target: 2000
    better: lower
    capture: 'p95=([0-9.]+)ms'
  - id: M2
    title: Log storage cost per month
    stream: cost
    unit: USD
    baseline: 18000
    target: 12000
    better: lower
",
    );
    env.set_section(
        "signoffs",
        "signoffs:
  - {id: SO1, role: Champion, name: Sam Lee, covers: scope}
  - {id: SO2, role: VP Engineering, name: Marcus Webb, covers: final}
  - {id: SO3, role: Security lead, name: Priya Shah, covers: [SC2, SC4]}
",
    );
    env.set_section(
        "risks",
        "risks:
  - id: R1
    title: Security review of the collector slips
    likelihood: medium
    impact: high
    owner: Jordan Lee
    mitigation: File the change request at kickoff
    contingency: Run the validation on the staging cluster
    watch: CHG-4411 not approved by day 3
    escalation:
      - {after_days: 1, to: Priya Shah}
      - {after_days: 3, to: Marcus Webb}
  - id: R2
    title: Test data not anonymised in time
    likelihood: low
    impact: medium
",
    );
}

/// The ID a gap printed: "Recorded G1-K7Q (…".
fn gap_id(run: &Run) -> String {
    let rest = run
        .stderr
        .strip_prefix("Recorded ")
        .expect("a Recorded line");
    rest[..rest.find(' ').unwrap()].to_string()
}

#[test]
fn a_version_2_poc_with_every_plan_section_over_twelve_days() {
    // Day 1: the plan, kickoff, the scope signed off, a blocker.
    let mut env = TestEnv::with_poc();
    assert!(env.read("acme/poc.yaml").contains("\nversion: 2\n"));
    plan_the_poc(&env);
    env.at("2026-11-23T10:00:00Z");
    env.poc_run(&["validate"])
        .ok()
        .stdout_has("ok: acme/poc.yaml and acme/journal.yaml are valid (0 warnings)");
    env.poc_run(&["check"]).ok().stdout_has(
        "Sign-offs to get (`poc signoff ID --evidence TEXT`):\n  [ ] SO1  Sam Lee, Champion (customer): the scope\n",
    );
    check(
        &env,
        &[
            "scope-approved",
            "criteria-measurable",
            "timeline-agreed",
            "comms-channel",
            "kickoff",
        ],
    )
    .stderr_has("Done (setup): kickoff Kickoff call held with the customer team\n");
    env.write(
        "approval.eml",
        "From: sam@acme.example\nSubject: POC scope\n\nApproved as sent.\n",
    );
    let signed = env.poc_run(&[
        "signoff",
        "SO1",
        "--evidence",
        "Scope approved by email",
        "--attach",
        "approval.eml",
    ]);
    signed
        .ok()
        .first_err_is("Signed off: SO1 Sam Lee (Champion, customer) approves the scope");
    let approval = env.journal().pop().unwrap()["files"][0]["path"]
        .as_str()
        .unwrap()
        .to_string();
    signed.stderr_has(&format!("Attached approval.eml as {approval}"));
    assert_eq!(
        env.read(&format!("acme/{approval}")),
        "From: sam@acme.example\nSubject: POC scope\n\nApproved as sent.\n"
    );
    env.poc_run(&["check"]).ok().stdout_lacks("SO1");
    env.poc_run(&[
        "blocker",
        "VPN access not granted",
        "--owner",
        "Sam Lee",
        "--severity",
        "high",
        "--escalate-to",
        "Priya Shah",
        "--after",
        "1",
    ])
    .ok()
    .first_err_is("Opened B1-JJG (owner Sam Lee, high severity; escalate to Priya Shah after 1 day open). Escalate early; resolve it with `poc blocker --resolve B1-JJG --note TEXT`.");

    // Day 2, 09:00: open 23 h, not yet to escalate.
    env.at("2026-11-24T09:00:00Z");
    env.poc_run(&["status"])
        .ok()
        .stdout_has("  B1-JJG VPN access not granted (open 23 h, owner Sam Lee)\n")
        .stdout_lacks("escalate to");
    env.poc_run(&["check"])
        .ok()
        .stdout_has("Open blockers:\n  B1-JJG  VPN access not granted")
        .stdout_lacks("Escalate now");
    env.poc_run(&["update"]).ok().stdout_lacks("escalate to");
    // 10:00: a day open, escalate in status, check and the update.
    env.at("2026-11-24T10:00:00Z");
    env.poc_run(&["status"]).ok().stdout_has(
        "  B1-JJG VPN access not granted (open 1 day, owner Sam Lee) — escalate to Priya Shah\n",
    );
    env.poc_run(&["check"]).ok().stdout_has(
        "Escalate now:\n  B1-JJG  VPN access not granted (open since 2026-11-23) — escalate to Priya Shah\n",
    );
    env.poc_run(&["update"]).ok().stdout_has(
        "BLOCKERS\n- B1-JJG VPN access not granted (new, open 1 day; escalate to Priya\n  Shah)\n  Needed from: Sam Lee\n",
    );
    // Access arrives: resolved, setup done.
    env.poc_run(&["blocker", "--resolve", "B1", "--note", "granted by IT"])
        .ok()
        .first_err_is("Resolved B1-JJG: VPN access not granted");
    env.poc_run(&["check"]).ok().stdout_lacks("Escalate now");
    check(&env, &["env-access", "artifacts-ready", "env-ready"])
        .stderr_has("The setup phase is complete: run `poc advance` to move to deployment.");
    env.poc_run(&["advance"])
        .ok()
        .stderr_has("Advanced to deployment (day 2 of 12; planned days 2–4).");

    // Day 3: deployed; the security review risk happens.
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
    env.poc_run(&[
        "risk",
        "R1",
        "--status",
        "triggered",
        "--note",
        "CHG-4411 not approved",
    ])
    .ok()
    .first_err_is("R1 is now triggered: Security review of the collector slips")
    .stderr_has("Contingency: Run the validation on the staging cluster\n")
    .stderr_has("Escalation: after 1 day → Priya Shah, after 3 days → Marcus Webb; once a step is due, `poc status`, `poc check` and `poc update` say who to escalate to.");

    // Day 4, 09:00: triggered 23 h ago, no escalation yet.
    env.at("2026-11-26T09:00:00Z");
    wide(&env, &["status"])
        .ok()
        .stdout_has("┆ triggered ┆ after 1 day → Priya Shah, after 3 days → Marcus Webb")
        .stdout_lacks("escalate to");
    env.poc_run(&["check"]).ok().stdout_lacks("Escalate now");
    env.poc_run(&["update"]).ok().stdout_lacks("escalate to");
    // 10:00: the first step.
    env.at("2026-11-26T10:00:00Z");
    wide(&env, &["status"])
        .ok()
        .stdout_has("Open risks:")
        .stdout_has("│ R1 ┆ Security review of the collector slips ┆ medium × high = 6   ┆ Jordan Lee ┆ triggered ┆ escalate to Priya Shah")
        .stdout_has("│ R2 ┆ Test data not anonymised in time       ┆ low × medium = 2    ┆            ┆ watching  ┆");
    assert_eq!(status_json(&env)["risks"][0]["escalate_now"], "Priya Shah");
    env.poc_run(&["check"]).ok().stdout_has(
        "Escalate now:\n  R1  Security review of the collector slips (risk triggered 2026-11-25) — escalate to Priya Shah\n",
    );
    env.poc_run(&["update"]).ok().stdout_has(
        "- R1 Security review of the collector slips (risk triggered 2026-11-25;\n  escalate to Priya Shah)\n",
    );
    env.poc_run(&["checklist"]).ok().stdout_has(
        "## Risks\n\n- **R1** Security review of the collector slips (medium × high = 6, owner: Jordan Lee) — triggered since 2026-11-25: CHG-4411 not approved — **escalate to Priya Shah**\n- **R2** Test data not anonymised in time (low × medium = 2) — watching\n",
    );

    // Day 5: the performance run proves M1, and so SC3; a gap found.
    env.at("2026-11-27T10:00:00Z");
    env.write(
        "acme/p95.sh",
        "echo 'warm-up: p95=2900ms'\necho 'steady, 50 users for 1 h: p95=1800ms'\n",
    );
    let log = "evidence/run-20261127T100000Z-M1.log";
    env.poc_run(&[
        "measure",
        "M1",
        "--run",
        "sh p95.sh",
        "--evidence",
        "50 users for 1 h",
    ])
    .ok()
    .stdout_has("steady, 50 users for 1 h: p95=1800ms\n")
    .stderr_has("Running `sh p95.sh` in acme …\n")
    .stderr_has(
        "M1: 1800 ms (baseline 3400 ms, target ≤ 2000 ms): met, 47.1% better than baseline\n",
    )
    .stderr_has("Met: SC3 Meets the customer's performance bar (via M1)\n")
    .stderr_has(&format!("The run passed (exit code 0); its log is {log}\n"));
    let measured = env.journal().pop().unwrap();
    assert_eq!(measured["kind"], "measure");
    assert_eq!(measured["value"], 1800.0);
    assert_eq!(measured["run"]["log"], log);
    // The last match, not the warm-up's, is the value; the log keeps both.
    let kept = env.read(&format!("acme/{log}"));
    assert!(kept.contains("[out] warm-up: p95=2900ms\n"), "{kept}");
    let status = status_json(&env);
    let sc3 = criterion(&status, "SC3");
    assert_eq!(sc3["status"], "met");
    assert_eq!(
        sc3["evidence"],
        "M1 measured 1800 ms: target ≤ 2000 ms met (50 users for 1 h)"
    );
    assert_eq!(sc3["run"]["log"], log);
    assert_eq!(status["metrics"][0]["met"], true);
    let better = status["metrics"][0]["improvement_percent"]
        .as_f64()
        .unwrap();
    assert!((better - 47.06).abs() < 0.01, "{better}");
    let g1 = gap_id(
        env.poc_run(&[
            "gap",
            "No SAML single sign-on",
            "--severity",
            "deal-breaker",
            "--feature",
            "sso",
            "--criterion",
            "SC4",
            "--workaround",
            "OIDC through their IdP",
        ])
        .ok(),
    );
    env.poc_run(&["status"]).ok().stdout_has(
        "Product gaps open: 1 deal-breaker, 0 challenge, 0 nice-to-have (0 resolved)\n",
    );
    check(&env, &["SC2", "--evidence", "97% of 40 scenarios pass"]);
    env.poc_run(&[
        "measure",
        "M2",
        "11000",
        "--evidence",
        "Sizing from day 5 ingest",
    ])
    .ok()
    .first_err_is(
        "M2: 11000 USD (baseline 18000 USD, target ≤ 12000 USD): met, 38.9% better than baseline",
    );

    // Day 6: three days triggered: the second step of the escalation.
    env.at("2026-11-28T10:00:00Z");
    assert_eq!(status_json(&env)["risks"][0]["escalate_now"], "Marcus Webb");
    env.poc_run(&["check"])
        .ok()
        .stdout_has("(risk triggered 2026-11-25) — escalate to Marcus Webb\n");
    env.poc_run(&[
        "risk",
        "R1",
        "--status",
        "retired",
        "--note",
        "CHG-4411 approved after the escalation",
    ])
    .ok()
    .first_err_is("R1 is now retired: Security review of the collector slips");
    env.poc_run(&["check"]).ok().stdout_lacks("Escalate now");
    wide(&env, &["status"]).ok().stdout_lacks("escalate to");
    check(&env, VALIDATION)
        .stderr_has("The validation phase is complete: run `poc advance` to move to integration.");

    // Day 7: on to integration.
    env.at("2026-11-29T10:00:00Z");
    env.poc_run(&["advance"])
        .ok()
        .stderr_has("Advanced to integration (day 7 of 12; planned days 7–10).");

    // Day 8: SSO through the workaround; the gap resolved, another found.
    env.at("2026-11-30T10:00:00Z");
    env.poc_run(&[
        "gap",
        "--resolve",
        "G1",
        "--note",
        "OIDC via their IdP verified with 5 users",
    ])
    .ok()
    .first_err_is(&format!("Resolved {g1}: No SAML single sign-on"));
    let g2 = gap_id(
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
    env.poc_run(&["status"]).ok().stdout_has(
        "Product gaps open: 0 deal-breaker, 1 challenge, 0 nice-to-have (1 resolved)\n",
    );
    check(
        &env,
        &["SC4", "--evidence", "5 of 5 users log in through OIDC"],
    );
    check(&env, INTEGRATION)
        .stderr_has("The integration phase is complete: run `poc advance` to move to signoff.");

    // Day 9: the security lead signs off the criteria they own.
    env.at("2026-12-01T10:00:00Z");
    env.poc_run(&["signoff", "SO3", "--evidence", "Security review passed"])
        .ok()
        .first_err_is("Signed off: SO3 Priya Shah (Security lead, customer) approves SC2, SC4");

    // Day 10: signoff; the final sign-off is what is left to get.
    env.at("2026-12-02T10:00:00Z");
    env.poc_run(&["advance"])
        .ok()
        .stderr_has("Advanced to signoff (day 10 of 12; planned days 10–12).");
    env.poc_run(&["check"]).ok().stdout_has(
        "Sign-offs to get (`poc signoff ID --evidence TEXT`):\n  [ ] SO2  Marcus Webb, VP Engineering (customer): the final result\n",
    );
    env.poc_run(&["status"])
        .ok()
        .stdout_has("Sign-offs pending: SO2 Marcus Webb (final) · 2 of 3 given\n");
    // The whole plan, every section: risks and gaps at the end, the open
    // gap before the resolved one.
    let checklist = env.poc_run(&["checklist"]);
    let md = &checklist.ok().stdout;
    assert!(!md.contains("\n\n\n"), "{md}");
    assert!(
        pos(md, &format!("**{g2}**")) < pos(md, &format!("**{g1}**")),
        "{md}"
    );
    snapshot!(env, "day_10_checklist", md);

    // Day 12: the gate on the final sign-off, then the win.
    env.at("2026-12-04T10:00:00Z");
    check(&env, SIGNOFF).stderr_has(
        "Signoff is complete: run `poc close --outcome win|loss|inconclusive`; a win waits for the final sign-off: `poc signoff SO2` (Marcus Webb).",
    );
    let refused = unchanged(&env, || env.poc_run(&["close", "--outcome", "win"]));
    refused.code(1);
    assert_eq!(
        refused.stderr,
        "error: cannot close as win: the final sign-off SO2 (Marcus Webb) is not given; record it with `poc signoff SO2 --evidence TEXT` (nothing was changed); pass --force --reason TEXT to close anyway\n"
    );
    env.poc_run(&["signoff", "SO2", "--evidence", "Signed results deck"])
        .ok()
        .first_err_is(
            "Signed off: SO2 Marcus Webb (VP Engineering, customer) approves the final result",
        )
        .stderr_has(
            "Every final sign-off is in: a win can be recorded with `poc close --outcome win`.",
        );
    env.at("2026-12-04T16:00:00Z");
    env.poc_run(&["close", "--outcome", "win", "--reason", "every criterion met"])
        .ok()
        .first_err_is("Closed: Technical Win after 12 days. Debrief due in 48 h (2026-12-06 16:00 UTC): run `poc debrief`.");
    let closed = env.journal().pop().unwrap();
    assert_eq!(closed["kind"], "close");
    assert_eq!(closed.get("forced"), None);
    // Closed: nothing left to escalate, the open gap still counted.
    let status = status_json(&env);
    assert_eq!(status["outcome"], "win");
    assert_eq!(status["open_gaps"]["challenge"], 1);
    assert!(
        status["signoffs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["given"].is_object()),
        "{status:#}"
    );

    // The debrief: value delivered, the triggered risk, the gaps with the
    // ACV, the sign-offs.
    env.at("2026-12-04T17:00:00Z");
    env.poc_run(&["debrief"])
        .ok()
        .stderr_has("Wrote acme/debrief.md.");
    let doc = env.read("acme/debrief.md");
    assert!(
        doc.contains("\ngaps: [{severity: deal-breaker, feature: \"sso\", open: false}, {severity: challenge, feature: \"retention\", open: true}]\n"),
        "{doc}"
    );
    let summary = section(&doc, "## 1.", "## 2.");
    assert!(
        summary.contains("| **Deal size (ACV)** | $120,000 (Enterprise) |"),
        "{summary}"
    );
    assert!(summary.contains("Value delivered, by stream (baseline → actual → target):\n\n- **Time**: **M1** p95 search latency at 50 users: 3400 ms → 1800 ms → ≤ 2000 ms: met, 47.1% better than baseline; decides SC3\n- **Cost**: **M2** Log storage cost per month: 18000 USD → 11000 USD → ≤ 12000 USD: met, 38.9% better than baseline\n"), "{summary}");
    let struggled = section(&doc, "## 3.", "## 4.");
    assert!(struggled.contains("Risks that triggered:\n\n- **R1** Security review of the collector slips (medium likelihood × high impact, owner: Jordan Lee): triggered 2026-11-25 (CHG-4411 not approved); escalation reached Marcus Webb (after 3 days); retired 2026-11-28 (CHG-4411 approved after the escalation)\n"), "{struggled}");
    assert!(!struggled.contains("R2"), "{struggled}");
    assert!(struggled.contains(&format!("- **{g2}** No per-tenant retention: challenge · ACV $120,000 at stake · feature: retention · still open\n")), "{struggled}");
    assert!(struggled.contains(&format!("- **{g1}** No SAML single sign-on: deal-breaker · feature: sso · criterion SC4 · workaround: OIDC through their IdP · resolved 2026-11-30: OIDC via their IdP verified with 5 users\n")), "{struggled}");
    let signoffs = &doc[pos(&doc, "## Sign-offs")..];
    for line in [
        "- **SO1** Sam Lee, Champion (customer), approving the scope: signed 2026-11-23",
        "- **SO2** Marcus Webb, VP Engineering (customer), approving the final result: signed 2026-12-04: Signed results deck",
        "- **SO3** Priya Shah, Security lead (customer), approving SC2, SC4: signed 2026-12-01: Security review passed",
    ] {
        assert!(signoffs.contains(line), "lacks {line:?}:\n{signoffs}");
    }
    snapshot!(env, "day_12_debrief", &doc);

    // The HTML report: every section.
    env.poc_run(&["report", "--out", "report.html"])
        .ok()
        .first_err_is("Wrote report.html: Closed: Technical Win on 2026-12-04, in signoff, after 12 days. Open it in a browser, or print it to PDF to send.");
    let html = env.read("report.html");
    for needle in [
        "<section id=\"risks\">",
        "<tr class=\"risk\" data-id=\"R1\" data-status=\"retired\" data-score=\"6\">",
        "Security review of the collector slips",
        "Measured by M1",
        "M1 measured 1800 ms: target ≤ 2000 ms met (50 users for 1 h)",
        "Log storage cost per month",
        "No SAML single sign-on",
        "No per-tenant retention",
        "OIDC via their IdP verified with 5 users",
        "Signed results deck",
        "Marcus Webb",
    ] {
        assert!(html.contains(needle), "the report lacks {needle:?}");
    }
    for id in [g1.as_str(), g2.as_str(), "SO1", "SO2", "SO3", "M2"] {
        assert!(html.contains(id), "the report lacks {id}");
    }

    // The sign-off sheet: every sign-off recorded, with its evidence.
    let sheet = unchanged(&env, || env.poc_run(&["signoff", "--sheet"]));
    let sheet = &sheet.ok().stdout;
    assert!(
        sheet.contains(
            "| **Status** | Closed: Technical Win on 2026-12-04, in signoff, after 12 days |"
        ),
        "{sheet}"
    );
    assert!(
        sheet.contains("## SO1: Sam Lee, Champion (customer)"),
        "{sheet}"
    );
    assert!(
        sheet.contains(&format!("({approval})")),
        "the sheet links the approval:\n{sheet}"
    );
    assert!(
        sheet.contains(
            "**Signed** by Marcus Webb on 2026-12-04: Signed results deck (recorded by dana)"
        ),
        "{sheet}"
    );
    assert!(sheet.contains("| SC3 | Meets the customer's performance bar | p95 response time < 2 s at 50 concurrent users for 1 hour | should | met | M1 measured 1800 ms: target ≤ 2000 ms met (50 users for 1 h);"), "{sheet}");
    assert!(
        !sheet.contains("Signature: ___"),
        "every sign-off is recorded:\n{sheet}"
    );
    let html_sheet = unchanged(&env, || {
        env.poc_run(&["signoff", "--sheet", "--format", "html"])
    });
    let html_sheet = &html_sheet.ok().stdout;
    for needle in [
        "Marcus Webb",
        "Signed results deck",
        "Security review passed",
        "Scope approved by email",
    ] {
        assert!(
            html_sheet.contains(needle),
            "the HTML sheet lacks {needle:?}"
        );
    }

    // The journal holds every kind of the plan.
    let kinds: Vec<String> = (env.journal().iter())
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect();
    for kind in [
        "signoff",
        "blocker",
        "resolve",
        "risk_status",
        "measure",
        "gap",
        "gap_resolve",
        "close",
    ] {
        assert!(kinds.iter().any(|k| k == kind), "no {kind} in {kinds:?}");
    }
}
