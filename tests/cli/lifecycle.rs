//! A whole POC driven through the built binary, with `POC_NOW` moving day by
//! day, and the behaviours of every lifecycle command around it.

use crate::common::*;

use serde_json::Value;

const DEPLOYMENT: &[&str] = &[
    "base-components",
    "deviations-logged",
    "solution-deployed",
    "use-case-config",
    "smoke-tests",
    "basic-function",
    "early-feedback",
];
const VALIDATION: &[&str] = &[
    "use-cases-run",
    "criteria-measured",
    "evidence-captured",
    "issues-tracked",
    "status-updates",
];
const INTEGRATION: &[&str] = &["e2e-workflows", "security-review", "customer-testing"];
const SIGNOFF: &[&str] = &[
    "criteria-walkthrough",
    "stakeholder-demo",
    "concerns-addressed",
    "next-steps",
    "results-documented",
    "findings-shared",
    "crm-updated",
];

/// `poc -C acme check IDS...`, which must succeed.
fn check(env: &TestEnv, ids: &[&str]) -> Run {
    let mut args = vec!["check"];
    args.extend_from_slice(ids);
    let run = env.poc_run(&args);
    run.ok();
    run
}

/// Fills in the optional deal details, as the SE does after `init`.
fn add_deal_details(env: &TestEnv) {
    env.edit(
        "acme/poc.yaml",
        "# industry: Healthcare",
        "industry: Healthcare",
    );
    env.edit("acme/poc.yaml", "# acv: 120000", "acv: 120000");
    env.edit(
        "acme/poc.yaml",
        "# competitors: [Vendor X, Vendor Y]",
        "competitors: [Vendor X, Vendor Y]",
    );
}

/// Takes a fresh POC to signoff on day 10 with every gate met (SC1–SC4 met).
fn poc_in_signoff() -> TestEnv {
    let mut env = TestEnv::with_poc();
    env.at("2026-11-23T10:00:00Z");
    check(&env, &STANDARD_IDS[..8]);
    env.poc_run(&["advance"]).ok();
    env.at("2026-11-25T10:00:00Z");
    check(&env, DEPLOYMENT);
    check(&env, &["SC1"]);
    env.poc_run(&["advance"]).ok();
    env.at("2026-11-28T10:00:00Z");
    check(&env, VALIDATION);
    check(&env, &["SC2", "SC3"]);
    env.poc_run(&["advance"]).ok();
    env.at("2026-12-02T10:00:00Z");
    check(&env, INTEGRATION);
    check(&env, &["SC4"]);
    env.poc_run(&["advance"]).ok();
    env
}

fn status_json(env: &TestEnv) -> Value {
    let run = env.poc_run(&["status", "--format", "json"]);
    run.ok();
    run.json()
}

fn criterion<'a>(status: &'a Value, id: &str) -> &'a Value {
    status["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no criterion {id} in {status:#}"))
}

/// Position of `needle` in `haystack`, which must hold it.
#[track_caller]
fn pos(haystack: &str, needle: &str) -> usize {
    haystack
        .find(needle)
        .unwrap_or_else(|| panic!("lacks {needle:?}:\n{haystack}"))
}

/// The text between the headings `from` and `to`.
#[track_caller]
fn section<'a>(doc: &'a str, from: &str, to: &str) -> &'a str {
    let start = pos(doc, from);
    let end = start + pos(&doc[start..], to);
    &doc[start..end]
}

#[test]
fn a_whole_poc_over_twelve_days() {
    // Day 1: kickoff.
    let mut env = TestEnv::with_poc();
    add_deal_details(&env);
    env.at("2026-11-23T10:00:00Z");
    env.poc_run(&["validate"])
        .ok()
        .stdout_has("ok: acme/poc.yaml and acme/journal.yaml are valid");
    let today = env.poc_run(&["check"]);
    today
        .ok()
        .stdout_has("Day 1 of 12 · phase setup (planned days 1–2)")
        .stdout_has("  [ ] kickoff              Kickoff call held with the customer team\n")
        .stdout_has("  [ ] env-ready            Networking verified and environment confirmed\n")
        .stdout_has("Pending criteria:")
        .stdout_has("  [ ] SC1  Solution deployed in the customer environment [must, deployment] — target: Running by POC day 4 with 0 failing smoke tests\n");
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
    let today = env.poc_run(&["check"]);
    today
        .ok()
        .stdout_lacks("[ ] kickoff")
        .stdout_has("[ ] env-access")
        .stdout_has("Open blockers:\n  B1-JJG  VPN access not granted (open < 1 h)\n");

    // Day 2: access arrives, setup done.
    env.at("2026-11-24T09:00:00Z");
    env.poc_run(&["status"])
        .ok()
        .stdout_has("day 2 of 12 · phase setup (planned days 1–2) · on time")
        .stdout_has("Blockers open: 1 · parked requests: 0")
        .stdout_has("  B1-JJG VPN access not granted (open 23 h)");
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
    env.poc_run(&["check"])
        .ok()
        .stdout_has("Day 4 of 12 · phase validation (planned days 4–7)")
        .stdout_lacks("[ ] SC1")
        .stdout_has("[ ] SC2")
        .stdout_has("[ ] SC4");
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
    let table = env.poc_run(&["status"]);
    table
        .ok()
        .stdout_has("Acme Corp POC\nday 8 of 12")
        .stdout_has("day 8 of 12 · phase validation (planned days 4–7) · 1 day late")
        .stdout_has("Criteria: 3 met, 0 failed, 1 pending of 4 (must: 2/2 met)")
        .stdout_has("Blockers open: 0 · parked requests: 1")
        .stdout_has("current (1 day late)")
        .stdout_has("97% of 40 scenarios pass");
    let s = status_json(&env);
    assert_eq!(s["phase"], "validation");
    assert_eq!(s["day"], 8);
    assert_eq!(s["total_days"], 12);
    assert_eq!(s["days_late"], 1);
    assert_eq!(s["outcome"], Value::Null);
    let phases: Vec<_> = s["phases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["id"].as_str().unwrap().to_string(),
                p["state"].as_str().unwrap().to_string(),
                p["done"].as_u64().unwrap(),
                p["total"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected: Vec<(String, String, u64, u64)> = [
        ("setup", "done", 8, 8),
        ("deployment", "done", 7, 7),
        ("validation", "current", 3, 6),
        ("integration", "upcoming", 0, 5),
        ("signoff", "upcoming", 0, 8),
    ]
    .into_iter()
    .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c, d))
    .collect();
    assert_eq!(phases, expected);
    assert_eq!(s["phases"][2]["days_late"], 1);
    let sc1 = criterion(&s, "SC1");
    assert_eq!(sc1["status"], "met");
    assert_eq!(
        sc1["evidence"],
        "running since day 3, 0 failing smoke tests"
    );
    assert_eq!(criterion(&s, "SC2")["evidence"], "97% of 40 scenarios pass");
    assert_eq!(criterion(&s, "SC4")["status"], "pending");
    assert_eq!(criterion(&s, "SC4")["evidence"], Value::Null);
    env.poc_run(&["status", "--format", "markdown"])
        .ok()
        .stdout_has("# Acme Corp POC\n")
        .stdout_has("| **Phase** | validation (planned days 4–7), 1 day late |")
        .stdout_has("| Use-case validation (`validation`) | 4–7 | day 3 |  | 3/6 | current, 1 day late |")
        .stdout_has("| SC2 | Core use case works on customer data | \\>= 95% of the agreed test scenarios pass on real data | must | met | 97% of 40 scenarios pass | 2026-11-28 |")
        .stdout_has("## Parked for after the POC\n\n- Multi-region failover demo (2026-11-27, dana)");

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
        "error: cannot advance from integration to signoff: 1 item still open in integration (nothing was changed)\n  \
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

    let checklist = env.poc_run(&["checklist"]);
    checklist.ok();
    let md = &checklist.stdout;
    assert!(md.starts_with("# Checklist: Acme Corp POC\n"), "{md}");
    // One blank line between a heading and its list, never more.
    assert!(md.contains("days 1–2)\n\n- [x] "), "{md}");
    assert!(!md.contains("\n\n\n"), "{md}");
    for line in [
        "## 1. Environment setup (`setup`, days 1–2)\n",
        "- [x] Kickoff call held with the customer team `kickoff` — 2026-11-23\n",
        "- [x] Environment access granted and tested `env-access` — 2026-11-24\n",
        "## 3. Use-case validation (`validation`, days 4–7)\n",
        "- [ ] Core use cases from scope executed `use-cases-run`\n",
        "- [ ] Out-of-scope requests parked for later `scope-parked` (optional)\n",
        "## 5. Validation & sign-off (`signoff`, days 10–12) ← current\n",
        "- [ ] Follow-up call scheduled if needed `follow-up-call` (optional)\n",
        "## Success criteria\n",
        "- [x] **SC1** Solution deployed in the customer environment — target: Running by POC day 4 with 0 failing smoke tests (must) — met 2026-11-25: running since day 3, 0 failing smoke tests\n",
        "- [x] **SC3** Meets the customer's performance bar — target: p95 response time < 2 s at 50 concurrent users for 1 hour (should) — met 2026-11-27: p95 1.6 s at 50 users for 1 h\n",
        "- [ ] **SC4** Works with the customer's single sign-on — target: 5 of 5 named test users log in through SSO (nice) — failed 2026-12-02: 2 of 5 users logged in\n",
    ] {
        assert!(md.contains(line), "checklist lacks {line:?}:\n{md}");
    }

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
    env.poc_run(&["status"])
        .ok()
        .stdout_has("Closed: Technical Win on 2026-12-04, in signoff, after 12 days (planned 12)")
        .stdout_has("Debrief due in 48 h (2026-12-06 16:00 UTC)");

    env.at("2026-12-04T17:00:00Z");
    env.poc_run(&["debrief"])
        .ok()
        .stderr_has("Wrote acme/debrief.md. Debrief due in 47 h (2026-12-06 16:00 UTC)");
    let doc = env.read("acme/debrief.md");
    assert!(
        doc.starts_with(
            "---\nprospect: \"Acme Corp\"\nindustry: \"Healthcare\"\ndeal_size_tier: \"Enterprise\"\n\
             outcome: win\ncompetitors: [\"Vendor X\", \"Vendor Y\"]\nduration_days: 12\nclosed: 2026-12-04\n---\n"
        ),
        "{doc}"
    );
    for line in [
        "# Debrief: Acme Corp POC\n",
        "| **Prospect** | Acme Corp |\n",
        "| **Deal size (ACV)** | $120,000 (Enterprise) |\n",
        "| **POC duration** | 12 days (planned 12) |\n",
        "| **Outcome** | Technical Win: all must criteria met |\n",
        "| **Competitor(s)** | Vendor X, Vendor Y |\n",
        "| **Criteria** | 3 met, 1 failed, 0 never evaluated, of 4 (must: 2/2) |\n",
    ] {
        assert!(doc.contains(line), "debrief lacks {line:?}:\n{doc}");
    }
    // What worked: met criteria, earliest first (SC3 was met before SC2).
    let worked = section(&doc, "## 2. What worked", "## 3.");
    let sc1 = pos(
        worked,
        "- **SC1** Solution deployed in the customer environment (target: Running by POC day 4 with 0 failing smoke tests), met 2026-11-25: running since day 3, 0 failing smoke tests\n",
    );
    let sc3 = pos(
        worked,
        "- **SC3** Meets the customer's performance bar (target: p95 response time < 2 s at 50 concurrent users for 1 hour), met 2026-11-27: p95 1.6 s at 50 users for 1 h\n",
    );
    let sc2 = pos(
        worked,
        "- **SC2** Core use case works on customer data (target: \\>= 95% of the agreed test scenarios pass on real data), met 2026-11-28: 97% of 40 scenarios pass\n",
    );
    assert!(sc1 < sc3 && sc3 < sc2, "not earliest first:\n{worked}");
    assert!(!worked.contains("SC4"), "{worked}");
    pos(
        worked,
        "- Which demo scenarios impressed the prospect most?",
    );
    // What failed or struggled.
    let failed = section(&doc, "## 3. What failed or struggled", "## 4.");
    for line in [
        "- **SC4** Works with the customer's single sign-on (nice): failed 2026-12-02: 2 of 5 users logged in (IdP metadata never arrived)\n",
        "- Use-case validation: planned days 4–7, left on day 9, 2 days late\n",
        "- Integration & testing: planned days 7–10, left on day 11, 1 day late\n",
        "- 2026-12-01: advanced from validation to integration with its gate not met, because: customer security team on holiday\n",
        "- 2026-12-03: went back from signoff to integration, because: customer asked to retest SSO\n",
        "- B1-JJG VPN access not granted: open 1 day, resolved 2026-11-24 (granted by IT)\n",
        "- B2-HZ7 SSO metadata missing: open 1 day, resolved 2026-12-03\n",
        "Criteria that failed before they were met:\n\n- **SC3** Meets the customer's performance bar: failed 2026-11-26 (p95 was 3.4 s on the first run); met 2026-11-27\n",
        "Scope creep, parked for after the POC:",
        "- Multi-region failover demo (2026-11-27)\n",
        "- Which success criteria were hardest to achieve, and why?\n",
        "- How was scope creep handled?\n",
    ] {
        pos(failed, line);
    }
    assert!(!failed.contains("**SC1**"), "{failed}");
    assert!(!failed.contains("Core deployment:"), "{failed}");
    let lessons = &doc[pos(&doc, "## 4. Lessons")..];
    for q in [
        "- What should be done differently in the next POC for a similar customer profile?",
        "- Which product gaps should be escalated to the Product team?",
        "- Which process improvements (sandbox provisioning, data loading, standups) would make the next POC faster?",
    ] {
        pos(lessons, q);
    }

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

#[test]
fn init_creates_the_poc_and_refuses_to_overwrite_one() {
    let env = TestEnv::new();
    let run = env.run(&[
        "init",
        "acme",
        "--prospect",
        "Acme Corp",
        "--start",
        "2026-11-23",
        "--owner",
        "Dana Smith",
    ]);
    run.ok()
        .stderr_has("Created acme/poc.yaml from template standard@1 (day 1 is 2026-11-23, UTC).")
        .stderr_has("Next steps:")
        .stderr_has("poc -C acme validate")
        .stderr_has("poc -C acme check")
        .stderr_has("poc -C acme status");
    let scope = env.read("acme/poc.yaml");
    for line in [
        "version: 1\n",
        "template: standard@1\n",
        "name: \"Acme Corp POC\"\n",
        "prospect: \"Acme Corp\"\n",
        "owner: \"Dana Smith\"\n",
        "start: 2026-11-23\n",
    ] {
        assert!(scope.contains(line), "poc.yaml lacks {line:?}:\n{scope}");
    }
    assert!(scope.starts_with('#'), "poc.yaml is commented for the SE");
    let journal = env.journal();
    assert_eq!(journal.len(), 1);
    assert_eq!(journal[0]["kind"], "init");
    assert_eq!(journal[0]["template"], "standard@1");
    assert_eq!(journal[0]["at"], "2026-11-23T09:00:00Z");
    assert_eq!(journal[0]["by"], "dana");
    assert!(
        env.read("acme/.gitattributes")
            .lines()
            .any(|l| l == "journal.yaml merge=union")
    );

    // A second init changes nothing, whatever it was asked.
    let again = unchanged(&env, || {
        env.run(&[
            "init",
            "acme",
            "--prospect",
            "Other",
            "--template",
            "kubernetes",
        ])
    });
    again.code(1).first_err_is(
        "error: acme/poc.yaml already exists; refusing to overwrite a POC (nothing was changed)",
    );
}

#[test]
fn init_with_no_dir_uses_the_current_folder_and_today() {
    let env = TestEnv::new();
    std::fs::create_dir(env.path().join("here")).unwrap();
    env.run_at("here", &["init", "--prospect", "Acme Corp"])
        .ok()
        .stderr_has("Created poc.yaml from template standard@1 (day 1 is 2026-11-23, UTC).")
        .stderr_has("poc validate");
    assert!(env.read("here/poc.yaml").contains("start: 2026-11-23\n"));
}

#[test]
fn templates_are_listed_and_kubernetes_can_be_used() {
    let env = TestEnv::new();
    let list = env.run(&["templates"]);
    list.ok().stdout_has("standard").stdout_has("kubernetes");
    let json = env.run(&["templates", "--format", "json"]);
    json.ok();
    let ids: Vec<_> = json.json()["templates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["standard@1", "kubernetes@1"]);

    env.run(&[
        "init",
        "acme",
        "--prospect",
        "Acme Corp",
        "--template",
        "kubernetes",
    ])
    .ok()
    .stderr_has("from template kubernetes@1");
    assert!(
        env.read("acme/poc.yaml")
            .contains("template: kubernetes@1\n")
    );
    assert_eq!(env.journal()[0]["template"], "kubernetes@1");
    env.poc_run(&["validate"]).ok();
    env.poc_run(&["status"]).ok().stdout_has("phase setup");
}

#[test]
fn an_unknown_template_suggests_the_nearest_and_creates_nothing() {
    let env = TestEnv::new();
    let run = unchanged(&env, || {
        env.run(&[
            "init",
            "acme",
            "--prospect",
            "Acme",
            "--template",
            "kubernets",
        ])
    });
    run.code(2).first_err_is(
        "error: unknown template `kubernets`; did you mean `kubernetes`?; bundled templates: standard, kubernetes",
    );
    assert!(!env.path().join("acme").exists());
}

#[test]
fn check_records_evidence_and_notes_in_the_journal() {
    let mut env = TestEnv::with_poc();
    env.at("2026-11-23T11:00:00Z");
    check(
        &env,
        &[
            "SC1",
            "--evidence",
            "12,400 events/s for 1 h",
            "--note",
            "dashboard in the shared channel",
        ],
    );
    check(&env, &["kickoff", "--note", "all hands"]);
    let j = env.journal();
    let sc1 = &j[1];
    assert_eq!(sc1["kind"], "check");
    assert_eq!(sc1["id"], "SC1");
    assert_eq!(sc1["evidence"], "12,400 events/s for 1 h");
    assert_eq!(sc1["note"], "dashboard in the shared channel");
    assert_eq!(sc1["at"], "2026-11-23T11:00:00Z");
    assert_eq!(j[2]["id"], "kickoff");
    assert_eq!(j[2]["note"], "all hands");
    let s = status_json(&env);
    assert_eq!(criterion(&s, "SC1")["evidence"], "12,400 events/s for 1 h");
    assert_eq!(s["phases"][0]["done"], 1);
}

#[test]
fn fail_is_for_criteria_only_and_records_nothing_on_an_item() {
    let env = TestEnv::with_poc();
    let run = unchanged(&env, || env.poc_run(&["check", "SC2", "kickoff", "--fail"]));
    run.code(1).first_err_is(
        "error: `kickoff` is a checklist item; --fail is for success criteria; an item's failed verification is recorded by `--run` (nothing was recorded)",
    );
    check(&env, &["SC2", "--fail", "--note", "p95 was 340 ms"])
        .stderr_has("Failed: SC2 Core use case works on customer data");
    let last = env.journal().pop().unwrap();
    assert_eq!(last["kind"], "fail");
    assert_eq!(last["note"], "p95 was 340 ms");
    assert_eq!(criterion(&status_json(&env), "SC2")["status"], "failed");
}

#[test]
fn an_unknown_id_records_nothing_for_any_id_and_suggests_the_nearest() {
    let env = TestEnv::with_poc();
    let run = unchanged(&env, || {
        env.poc_run(&["check", "kickoff", "env-acess", "SC1"])
    });
    run.code(1).first_err_is(
        "error: unknown ID `env-acess`: no success criterion or checklist item in poc.yaml has it; did you mean `env-access`? (nothing was recorded)",
    );
    let run = unchanged(&env, || env.poc_run(&["check", "SC9", "--undo"]));
    run.code(1).stderr_has("unknown ID `SC9`");
    assert_eq!(env.journal().len(), 1);
}

#[test]
fn usage_errors_exit_2_and_change_nothing() {
    let env = TestEnv::with_poc();
    for args in [
        &["frobnicate"][..],
        &["status", "--format", "xml"],
        &["check", "--fail"],
        &["check", "--evidence", "x"],
        &["check", "SC1", "--fail", "--undo"],
        &["close"],
        &["close", "--outcome", "maybe"],
        &["advance", "--force"],
        &["note"],
        &["note", "   "],
        &["blocker"],
        &["reopen", "setup"],
        &["reopen", "stup", "--reason", "x"],
        &["init", "other", "--prospect", " "],
        &["init", "other", "--prospect", "X", "--start", "23/11/2026"],
    ] {
        let run = unchanged(&env, || env.poc_run(args));
        assert_eq!(run.code, 2, "{args:?}\n{run:#?}");
        assert!(
            run.first_err_line().starts_with("error: "),
            "{args:?}\n{run:#?}"
        );
    }
    unchanged(&env, || env.poc_run(&["reopen", "stup", "--reason", "x"]))
        .code(2)
        .stderr_has("did you mean `setup`?");
}

#[test]
fn the_poc_is_found_from_a_subfolder_and_not_outside_one() {
    let mut env = TestEnv::with_poc();
    std::fs::create_dir_all(env.poc().join("notes/day1")).unwrap();
    env.at("2026-11-23T12:00:00Z");
    env.run_at("acme/notes/day1", &["status"])
        .ok()
        .stdout_has("day 1 of 12 · phase setup");
    env.run_at("acme/notes/day1", &["check", "kickoff"]).ok();
    assert_eq!(env.journal().last().unwrap()["id"], "kickoff");
    assert!(!env.poc().join("notes/day1/journal.yaml").exists());

    for args in [&["status"][..], &["check", "kickoff"], &["note", "x"]] {
        let run = unchanged(&env, || env.run(args));
        run.code(1);
        assert_eq!(run.stderr.lines().count(), 1, "{run:#?}");
        assert!(run.first_err_line().contains("run `poc init`"), "{run:#?}");
    }
    let run = unchanged(&env, || env.run(&["-C", "nowhere", "status"]));
    run.code(1)
        .first_err_is("error: -C nowhere: no such folder");
    let run = unchanged(&env, || env.run(&["-C", "acme/poc.yaml", "note", "x"]));
    run.code(1)
        .first_err_is("error: -C acme/poc.yaml: not a folder");
    std::fs::create_dir(env.path().join("other")).unwrap();
    let run = unchanged(&env, || env.run(&["-C", "other", "note", "x"]));
    run.code(1).first_err_is(
        "error: no poc.yaml in other or any parent folder; run `poc init other` to start a POC there",
    );

    // -C searches upward from DIR as git does, and names files as from here.
    env.run(&["-C", "acme/notes/day1", "check", "env-access"])
        .ok();
    assert_eq!(env.journal().last().unwrap()["id"], "env-access");
    env.run(&["-C", "acme/notes", "validate"])
        .ok()
        .stdout_has("ok: acme/poc.yaml and acme/journal.yaml are valid");
    env.run_at("acme/notes", &["-C", "..", "validate"])
        .ok()
        .stdout_has("ok: ../poc.yaml and ../journal.yaml are valid");
}

/// init takes its folder from -C or from its argument, either place on
/// the command line, and refuses two different ones.
#[test]
fn init_takes_its_folder_from_c_or_its_argument() {
    let env = TestEnv::new();
    env.run(&["init", "-C", "one", "--prospect", "Acme Corp"])
        .ok();
    assert!(env.path().join("one/poc.yaml").is_file());
    env.run(&["-C", "two", "init", "--prospect", "Acme Corp"])
        .ok();
    assert!(env.path().join("two/poc.yaml").is_file());
    env.run(&["-C", "three", "init", "./three/", "--prospect", "Acme Corp"])
        .ok();
    assert!(env.path().join("three/poc.yaml").is_file());
    let run = unchanged(&env, || {
        env.run(&["-C", "four", "init", "five", "--prospect", "Acme Corp"])
    });
    run.code(2)
        .first_err_is("error: -C four and init's folder five name two places; give one of them");
}

#[test]
fn notes_parks_and_blockers_are_numbered_and_logged() {
    let mut env = TestEnv::with_poc();
    env.at("2026-11-23T10:00:00Z");
    env.poc_run(&["blocker", "VPN access not granted"])
        .ok()
        .stderr_has(
            "Opened B1-JJG. Escalate early; resolve it with `poc blocker --resolve B1-JJG --note TEXT`.",
        );
    env.poc_run(&["blocker", "No test data"])
        .ok()
        .stderr_has("Opened B2-HZ7.");
    env.poc_run(&["park", "Custom reporting"]).ok();
    env.poc_run(&["note", "champion out on Friday"]).ok();
    env.at("2026-11-25T12:00:00Z");
    env.poc_run(&[
        "blocker",
        "--resolve",
        "b1",
        "--note",
        "granted",
        "by",
        "IT",
    ])
    .ok()
    .stderr_has("Resolved B1-JJG: VPN access not granted");
    unchanged(&env, || env.poc_run(&["blocker", "--resolve", "B1"]))
        .code(1)
        .first_err_is("error: blocker B1-JJG is already resolved");
    unchanged(&env, || env.poc_run(&["blocker", "--resolve", "B7"]))
        .code(1)
        .first_err_is("error: unknown ID `B7`: no blocker has it; blockers: B1-JJG, B2-HZ7");
    unchanged(&env, || env.poc_run(&["blocker", "Proxy", "--note", "detail"]))
        .code(2)
        .first_err_is("error: --note says how a blocker was resolved and goes with --resolve ID; put the detail in the blocker's text instead (nothing was recorded)");

    let s = status_json(&env);
    assert_eq!(s["open_blockers"], 1);
    assert_eq!(s["blockers"][0]["id"], "B1-JJG");
    assert_eq!(s["blockers"][0]["open"], false);
    assert_eq!(s["blockers"][0]["resolution"], "granted by IT");
    assert_eq!(s["blockers"][0]["days_open"], 2);
    assert_eq!(s["blockers"][0]["hours_open"], 50);
    assert_eq!(s["blockers"][0]["open_for"], "2 days");
    assert_eq!(s["blockers"][1]["id"], "B2-HZ7");
    assert_eq!(s["blockers"][1]["open"], true);
    assert_eq!(s["parked"][0]["text"], "Custom reporting");
    env.poc_run(&["status"])
        .ok()
        .stdout_has("Blockers open: 1 · parked requests: 1")
        .stdout_has("  B2-HZ7 No test data (open 2 days)");

    let log = env.poc_run(&["log"]);
    log.ok();
    for needle in [
        "when",
        "who",
        "what",
        "detail",
        "2026-11-23 10:00",
        "blocker",
        "B2-HZ7",
        "No test data",
        "park",
        "Custom reporting",
        "note",
        "champion out on Friday",
        "resolve",
        "granted by IT",
    ] {
        log.stdout_has(needle);
    }
    let json = env.poc_run(&["log", "--format", "json"]);
    json.ok();
    let entries = json.json()["entries"].clone();
    assert_eq!(entries.as_array().unwrap().len(), 6);
    assert_eq!(entries[1]["kind"], "blocker");
    assert_eq!(entries[1]["id"], "B1-JJG");
    assert_eq!(entries[1]["text"], "VPN access not granted");
    assert_eq!(entries[5]["kind"], "resolve");
    assert_eq!(entries[5]["line"], 7);
}

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
    unchanged(&env, || {
        env.poc_run(&["close", "--outcome", "loss", "--force", "--reason", " "])
    })
    .code(2)
    .first_err_is("error: --force needs --reason TEXT saying why");
    env.poc_run(&[
        "close",
        "--outcome",
        "loss",
        "--force",
        "--reason",
        "budget cut",
    ])
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
    env.poc_run(&[
        "close",
        "--outcome",
        "win",
        "--force",
        "--reason",
        "SC2 waived by the champion",
    ])
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

#[test]
fn debrief_never_overwrites_without_force_and_keeps_a_backup() {
    let mut env = poc_in_signoff();
    env.at("2026-12-04T10:00:00Z");
    env.poc_run(&["close", "--outcome", "win"]).ok();
    env.poc_run(&["debrief"]).ok();
    let generated = env.read("acme/debrief.md");
    let mine = format!("{generated}\n## Notes from the call\nThe champion loved the dashboards.\n");
    env.write("acme/debrief.md", &mine);

    env.at("2026-12-05T10:00:00Z");
    let run = unchanged(&env, || env.poc_run(&["debrief"]));
    run.code(1).first_err_is(
        "error: acme/debrief.md already exists and may hold your notes; refusing to overwrite it (nothing was changed). Use --force to replace it; the old file is kept as a backup",
    );
    assert_eq!(env.read("acme/debrief.md"), mine);

    env.poc_run(&["debrief", "--force"])
        .ok()
        .stderr_has("Kept the previous debrief as acme/debrief.md.20261205T100000Z.bak");
    assert_eq!(env.read("acme/debrief.md.20261205T100000Z.bak"), mine);
    assert_eq!(env.read("acme/debrief.md"), generated);
}

/// `--out` never writes over the POC's own files or into a folder, with
/// --force or without, from inside the POC or outside it.
#[test]
fn debrief_out_refuses_the_poc_files_and_folders() {
    let mut env = poc_in_signoff();
    env.at("2026-12-04T10:00:00Z");
    env.poc_run(&["close", "--outcome", "win"]).ok();
    std::fs::create_dir_all(env.poc().join("evidence")).unwrap();
    for (cwd, out, expected) in [
        (
            "acme",
            "poc.yaml",
            "error: --out poc.yaml: poc.yaml is a POC file, not a debrief; refusing to write it (nothing was changed)",
        ),
        (
            "acme",
            "journal.yaml",
            "error: --out journal.yaml: journal.yaml is a POC file, not a debrief; refusing to write it (nothing was changed)",
        ),
        (
            ".",
            "acme/poc.yaml",
            "error: --out acme/poc.yaml: poc.yaml is a POC file, not a debrief; refusing to write it (nothing was changed)",
        ),
        (
            "acme",
            "evidence/debrief.md",
            "error: --out evidence/debrief.md: is inside the POC's evidence folder, which poc keeps; refusing to write it (nothing was changed)",
        ),
        (
            ".",
            "acme",
            "error: --out acme: is a folder; name the file to write, such as acme/debrief.md (nothing was changed)",
        ),
    ] {
        for force in [false, true] {
            let mut args = if cwd == "." {
                vec!["-C", "acme"]
            } else {
                vec![]
            };
            args.extend(["debrief", "--out", out]);
            if force {
                args.push("--force");
            }
            let run = unchanged(&env, || env.run_in(&env.path().join(cwd), &args));
            run.code(1);
            assert_eq!(run.first_err_line(), expected, "from {cwd}: {args:?}");
        }
    }
}

#[test]
fn debrief_out_file_json_and_due_or_overdue() {
    let mut env = poc_in_signoff();
    env.at("2026-12-04T10:00:00Z");
    env.poc_run(&["close", "--outcome", "win"]).ok();

    // --out FILE, relative to where poc runs (here: inside the POC).
    env.run_at("acme", &["debrief", "--out", "review.md"])
        .ok()
        .stderr_has("Wrote review.md. Debrief due in 48 h (2026-12-06 10:00 UTC)");
    assert!(
        env.read("acme/review.md")
            .contains("# Debrief: Acme Corp POC")
    );
    assert!(!env.poc().join("debrief.md").exists());

    // --format json prints and writes nothing.
    env.at("2026-12-08T13:00:00Z");
    let json = unchanged(&env, || env.poc_run(&["debrief", "--format", "json"]));
    json.ok();
    let d = json.json();
    assert_eq!(d["tags"]["outcome"], "win");
    assert_eq!(d["tags"]["duration_days"], 12);
    assert_eq!(d["tags"]["industry"], Value::Null);
    assert_eq!(d["due"]["due"], "2026-12-06T10:00:00Z");
    assert_eq!(d["due"]["overdue_hours"], 51);
    let worked: Vec<_> = d["worked"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(worked, ["SC1", "SC2", "SC3", "SC4"]);

    // Overdue, when written late.
    env.poc_run(&["debrief"])
        .ok()
        .stderr_has("Debrief overdue by 2 days 3 h (was due 2026-12-06 10:00 UTC)");
    env.poc_run(&["debrief", "--out", "-"])
        .ok()
        .stdout_has("# Debrief: Acme Corp POC");
}

#[test]
fn a_cancelled_poc_debrief_lists_what_was_never_evaluated() {
    let mut env = TestEnv::with_poc();
    env.edit("acme/poc.yaml", "# acv: 120000", "acv: 60000");
    env.at("2026-11-24T10:00:00Z");
    env.poc_run(&["park", "Custom reporting"]).ok();
    env.poc_run(&["blocker", "No production-like data"]).ok();
    env.at("2026-11-27T16:00:00Z");
    let doc = env.close_and_debrief("loss", "prospect chose Vendor X");
    for line in [
        "industry: null\n",
        "deal_size_tier: \"Mid-Market\"\n",
        "outcome: loss\n",
        "competitors: []\n",
        "duration_days: 5\n",
        "closed: 2026-11-27\n",
        "| **Deal size (ACV)** | $60,000 (Mid-Market) |",
        "| **Outcome** | Technical Loss: prospect chose Vendor X |",
        "| **Competitor(s)** | None |",
        "- _No success criterion was met._",
        "- **SC1** Solution deployed in the customer environment (must): never evaluated",
        "- **SC4** Works with the customer's single sign-on (nice): never evaluated",
        "- Environment setup: planned days 1–2, left on day 5, 3 days late",
        "- 2026-11-27: closed as loss from setup with --force, because: prospect chose Vendor X",
        "- B1-JJG No production-like data: still open after 3 days",
        "- Custom reporting (2026-11-24)",
    ] {
        assert!(doc.contains(line), "debrief lacks {line:?}:\n{doc}");
    }
}

#[test]
fn user_text_does_not_break_tables_or_documents() {
    let mut env = TestEnv::new();
    env.run(&[
        "init",
        "acme",
        "--prospect",
        "Zoë | Ærø\nCorp",
        "--start",
        "2026-11-23",
    ])
    .ok();
    env.poc_run(&["validate"]).ok();
    env.at("2026-11-24T10:00:00Z");
    check(&env, &["SC1", "--evidence", "A|B\nsecond line"]);
    env.poc_run(&["park", "# not a heading | with a pipe"]).ok();
    env.poc_run(&["blocker", "proxy |\nfirewall"]).ok();

    let status = env.poc_run(&["status", "--format", "markdown"]);
    status.ok();
    let md = &status.stdout;
    assert!(md.starts_with("# Zoë \\| Ærø Corp POC\n"), "{md}");
    assert!(md.contains("| **Prospect** | Zoë \\| Ærø Corp |\n"), "{md}");
    assert!(
        md.contains("| met | A\\|B second line | 2026-11-24 |\n"),
        "{md}"
    );
    assert!(
        md.contains("| B1-JJG | proxy \\| firewall | 2026-11-24 |"),
        "{md}"
    );
    assert!(md.contains("- \\# not a heading \\| with a pipe ("), "{md}");
    assert_tables_are_whole(md);

    let checklist = env.poc_run(&["checklist"]);
    checklist.ok();
    assert!(
        checklist
            .stdout
            .starts_with("# Checklist: Zoë \\| Ærø Corp POC\n\n**Prospect:** Zoë \\| Ærø Corp ·"),
        "{}",
        checklist.stdout
    );
    checklist.stdout_has("met 2026-11-24: A\\|B second line\n");

    let doc = env.close_and_debrief("loss", "a|b\nc");
    assert!(
        doc.starts_with("---\nprospect: \"Zoë | Ærø\\nCorp\"\n"),
        "{doc}"
    );
    assert!(doc.contains("\n# Debrief: Zoë \\| Ærø Corp POC\n"), "{doc}");
    assert!(
        doc.contains("| **Prospect** | Zoë \\| Ærø Corp |\n"),
        "{doc}"
    );
    assert!(
        doc.contains("| **Outcome** | Technical Loss: a\\|b c |\n"),
        "{doc}"
    );
    assert!(doc.contains("met 2026-11-24: A\\|B second line\n"), "{doc}");
    assert_tables_are_whole(&doc);

    // The terminal table keeps the name on its lines too.
    env.poc_run(&["status"])
        .ok()
        .stdout_has("Zoë | Ærø Corp POC\n")
        .stdout_lacks("Ærø\nCorp");
}

/// Every markdown table row has as many unescaped `|` as its header row.
#[track_caller]
fn assert_tables_are_whole(md: &str) {
    let pipes = |l: &str| l.replace("\\|", "").matches('|').count();
    let mut expected = None;
    for line in md.lines() {
        if line.starts_with('|') {
            let n = pipes(line);
            match expected {
                None => expected = Some(n),
                Some(e) => assert_eq!(n, e, "broken table row {line:?} in:\n{md}"),
            }
        } else {
            expected = None;
        }
    }
}

#[test]
fn an_escape_sequence_in_a_note_never_reaches_the_terminal_raw() {
    let mut env = TestEnv::with_poc();
    env.at("2026-11-23T10:00:00Z");
    env.poc_run(&["note", "\u{1b}[31mred\u{1b}[0m alert\u{7}"])
        .ok();
    env.poc_run(&["blocker", "\u{1b}]0;pwned\u{7}title"]).ok();
    check(&env, &["SC1", "--evidence", "\u{1b}[2Jcleared"]);
    for args in [&["log"][..], &["status"], &["check"]] {
        let run = env.poc_run(args);
        run.ok();
        assert!(
            !run.stdout.contains('\u{1b}') && !run.stdout.contains('\u{7}'),
            "{args:?} printed a raw escape:\n{run:#?}"
        );
    }
    env.poc_run(&["log"])
        .ok()
        .stdout_has("[31mred")
        .stdout_has("alert");
    // The journal keeps the text as written (JSON-escaped).
    assert_eq!(
        env.journal()[1]["text"],
        "\u{1b}[31mred\u{1b}[0m alert\u{7}"
    );
}

#[test]
fn the_checklist_shows_evidence_on_checklist_items() {
    let env = TestEnv::with_poc();
    env.poc_run(&[
        "check",
        "kickoff",
        "--evidence",
        "minutes in the shared drive",
    ])
    .ok();
    env.poc_run(&["checklist"]).ok().stdout_has(
        "- [x] Kickoff call held with the customer team `kickoff` — 2026-11-23: minutes in the shared drive\n",
    );
}

#[test]
fn debrief_lists_are_separated_from_the_paragraph_after_them() {
    let mut env = TestEnv::with_poc();
    env.poc_run(&["check", "SC1", "--fail", "--note", "not deployed"])
        .ok();
    env.poc_run(&["blocker", "No VPN"]).ok();
    env.poc_run(&["park", "A dashboard for finance"]).ok();
    env.at("2026-11-27T09:00:00Z");
    env.poc_run(&[
        "close",
        "--outcome",
        "loss",
        "--force",
        "--reason",
        "budget",
    ])
    .ok();
    let doc = env.poc_run(&["debrief", "--out", "-"]).ok().stdout.clone();
    for heading in [
        "Criteria failed or not met:",
        "Phases that ran late:",
        "Forced transitions and reopens:",
        "Blockers:",
        "Scope creep, parked for after the POC:",
        "Questions for the team:",
    ] {
        let at = doc
            .find(heading)
            .unwrap_or_else(|| panic!("no {heading}\n{doc}"));
        assert!(
            doc[..at].ends_with("\n\n"),
            "no blank line before {heading}\n{doc}"
        );
        assert!(doc[at..].starts_with(&format!("{heading}\n\n")), "{doc}");
    }
}

#[test]
fn the_phase_complete_hint_comes_only_from_the_check_that_completes_it() {
    let env = TestEnv::with_poc();
    check(&env, &STANDARD_IDS[..7]);
    env.poc_run(&["check", "env-ready"])
        .ok()
        .stderr_has("The setup phase is complete: run `poc advance` to move to deployment.");
    let run = env.poc_run(&["check", "SC4"]);
    run.ok();
    assert!(!run.stderr.contains("complete"), "{run:?}");
}

#[test]
fn validate_warns_about_targets_without_numbers_and_too_many_musts() {
    let env = TestEnv::with_poc();
    let mut scope = env.read("acme/poc.yaml");
    let at = scope.find("phases:").unwrap();
    let extra: String = (5..=8)
        .map(|i| format!("  - {{id: M{i}, title: Extra {i}, target: as fast as possible}}\n"))
        .collect();
    scope.insert_str(at, &extra);
    env.write("acme/poc.yaml", scope);
    let run = env.poc_run(&["validate"]);
    run.ok()
        .stdout_has("ok: acme/poc.yaml and acme/journal.yaml are valid (5 warnings)");
    assert!(
        run.stderr
            .contains("target has no number, so it is hard to prove: as fast as possible"),
        "{run:?}"
    );
    assert!(
        run.stderr
            .contains("6 criteria are `must`; more than five makes a clear win unlikely"),
        "{run:?}"
    );
}

#[test]
fn bare_poc_prints_help_and_exits_2() {
    let env = TestEnv::new();
    let run = env.run(&[]);
    run.code(2);
    assert!(run.stderr.contains("Usage: poc"), "{run:?}");
}

#[test]
fn a_closed_pipe_ends_poc_quietly() {
    let env = TestEnv::with_poc();
    for i in 0..300 {
        env.poc_run(&["note", &format!("note {i}")]);
    }
    let mut child = env
        .command(env.path(), &["-C", "acme", "log", "--format", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_json_debrief_is_not_written_to_a_file() {
    let env = TestEnv::with_poc();
    env.poc_run(&["close", "--outcome", "loss", "--force", "--reason", "x"])
        .ok();
    unchanged(&env, || {
        env.poc_run(&["debrief", "--format", "json", "--out", "d.json"])
    })
    .code(2);
}

#[test]
fn todays_list_as_json_for_scripts() {
    let mut env = TestEnv::with_poc();
    env.poc_run(&["check", "kickoff"]).ok();
    env.poc_run(&["blocker", "VPN access not granted"]).ok();
    env.at("2026-11-25T15:00:00Z");
    let run = unchanged(&env, || env.poc_run(&["check", "--format", "json"]));
    let today = run.ok().json();
    assert_eq!(today["schema_version"], 4);
    assert_eq!(
        (&today["day"], &today["total_days"], &today["phase"]),
        (&3.into(), &12.into(), &"setup".into())
    );
    assert_eq!(today["phase_window"], serde_json::json!([1, 2]));
    assert_eq!(today["days_late"], 1);
    let ids = |key: &str| -> Vec<String> {
        today[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        ids("open_items"),
        [
            "scope-approved",
            "criteria-measurable",
            "timeline-agreed",
            "comms-channel",
            "env-access",
            "artifacts-ready",
            "env-ready"
        ]
    );
    assert_eq!(ids("pending_criteria"), ["SC1", "SC2", "SC3", "SC4"]);
    assert_eq!(ids("open_blockers"), ["B1-JJG"]);
    assert_eq!(today["open_blockers"][0]["open_for"], "2 days");
    // The same list for people, late by a day.
    unchanged(&env, || env.poc_run(&["check"]))
        .ok()
        .stdout_has("Day 3 of 12 · phase setup (planned days 1–2) · 1 day late\n")
        .stdout_has("  B1-JJG  VPN access not granted (open 2 days)\n");
    // Recording has no --format.
    let refused = unchanged(&env, || {
        env.poc_run(&["check", "env-access", "--format", "json"])
    });
    refused.code(2).first_err_is(
        "error: --format is for today's list (`poc check` alone); recording prints a summary",
    );
}

/// The headline names the prospect after the POC's name, unless the name
/// already says it.
#[test]
fn the_headline_names_the_prospect_once() {
    let env = TestEnv::with_poc();
    let first_line = |env: &TestEnv| {
        let run = env.poc_run(&["status"]);
        run.ok();
        run.stdout.lines().next().unwrap().to_string()
    };
    assert_eq!(first_line(&env), "Acme Corp POC");
    env.edit(
        "acme/poc.yaml",
        "name: \"Acme Corp POC\"",
        "name: Observability pilot",
    );
    assert_eq!(first_line(&env), "Observability pilot — Acme Corp");
    // Whole words only: "Acme Corporation" does not name "Acme Corp".
    env.edit(
        "acme/poc.yaml",
        "name: Observability pilot",
        "name: Acme Corporation pilot",
    );
    assert_eq!(first_line(&env), "Acme Corporation pilot — Acme Corp");
}

/// A failure and the success after it recorded with the same time (a day
/// backfilled with `POC_NOW=YYYY-MM-DD`) still count as "failed, then met".
#[test]
fn a_failure_at_the_same_time_as_the_success_is_kept() {
    let mut env = TestEnv::with_poc();
    env.at("2026-11-25");
    env.poc_run(&["check", "SC2", "--fail", "--evidence", "run 1: 88%"])
        .ok();
    env.poc_run(&["check", "SC2", "--evidence", "run 2: 97%"])
        .ok();
    let status = status_json(&env);
    let sc2 = criterion(&status, "SC2");
    assert_eq!(sc2["status"], "met");
    let failures = sc2["earlier_failures"].as_array().unwrap();
    assert_eq!(failures.len(), 1, "{sc2:#}");
    assert_eq!(failures[0]["evidence"], "run 1: 88%");
}

/// A failed criterion stays on today's list until it is checked again, and
/// advancing past its phase says it is left failed. Before the start, the
/// list says when the POC starts rather than counting negative days.
#[test]
fn failed_criteria_stay_on_todays_list_and_advance_names_them() {
    let mut env = TestEnv::with_poc();
    env.at("2026-11-20T10:00:00Z");
    env.poc_run(&["check"])
        .ok()
        .stdout_has("Starts 2026-11-23 (in 3 days) · phase setup (planned days 1–2)\n");
    env.poc_run(&["checklist"])
        .ok()
        .stdout_has(" · **Now:** starts 2026-11-23\n");

    env.at("2026-11-23T10:00:00Z");
    check(&env, &STANDARD_IDS[..8]);
    env.poc_run(&["advance"]).ok();
    check(&env, DEPLOYMENT);
    check(&env, &["SC1"]);
    env.poc_run(&["advance"]).ok();
    check(&env, VALIDATION);
    check(&env, &["SC2"]);
    env.poc_run(&["check", "SC3", "--fail", "--evidence", "p95 was 3.4 s"])
        .ok();

    let today = env.poc_run(&["check"]);
    today.ok().stdout_has(
        "\nFailed criteria (check again once fixed):\n  [!] SC3  Meets the customer's performance bar [should, validation] — failed 2026-11-23: p95 was 3.4 s\n",
    );
    let json = env.poc_run(&["check", "--format", "json"]).ok().json();
    let failed: Vec<&str> = json["failed_criteria"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(failed, ["SC3"]);
    assert_eq!(json["pending_criteria"].as_array().unwrap().len(), 1);
    assert_eq!(json["start"], "2026-11-23");

    env.poc_run(&["advance"]).ok().stderr_has(
        "Left failed in validation: SC3 (should). Check again with `poc check ID` once fixed; the debrief lists it.\n",
    );
    check(&env, &["SC3"]);
    env.poc_run(&["check"]).ok().stdout_lacks("Failed criteria");
}

/// Typing as one talks: several words need no quotes; undoing what is
/// already open and parking the same request twice record nothing.
#[test]
fn words_without_quotes_and_no_op_records() {
    let mut env = TestEnv::with_poc();
    env.at("2026-11-23T10:00:00Z");
    env.poc_run(&["note", "champion", "out", "on", "Friday"])
        .ok();
    env.poc_run(&["park", "Custom", "reporting"]).ok();
    env.poc_run(&["blocker", "VPN", "access", "not", "granted"])
        .ok()
        .stderr_has("Opened B1-JJG.");
    let texts: Vec<String> = env.journal()[1..]
        .iter()
        .map(|e| e["text"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        texts,
        [
            "champion out on Friday",
            "Custom reporting",
            "VPN access not granted"
        ]
    );

    let run = unchanged(&env, || env.poc_run(&["park", "custom reporting "]));
    run.ok();
    assert_eq!(
        run.stderr,
        "Already parked on 2026-11-23: Custom reporting (nothing was recorded)\n"
    );

    let run = unchanged(&env, || env.poc_run(&["check", "kickoff", "SC1", "--undo"]));
    run.ok();
    assert_eq!(
        run.stderr,
        "Already open: kickoff (nothing to undo)\nAlready pending: SC1 (nothing to undo)\n"
    );
    check(&env, &["kickoff"]);
    let run = env.poc_run(&["check", "kickoff", "SC1", "--undo"]);
    run.ok();
    assert_eq!(
        run.stderr,
        "Already pending: SC1 (nothing to undo)\nBack to open (setup): kickoff Kickoff call held with the customer team\n"
    );
    let last = env.journal().pop().unwrap();
    assert_eq!(
        (last["kind"].as_str(), last["id"].as_str()),
        (Some("undo"), Some("kickoff"))
    );
    assert_eq!(env.journal().len(), 6);
}

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

    env.poc_run(&[
        "close",
        "--outcome",
        "loss",
        "--force",
        "--reason",
        "budget cut",
    ])
    .ok();
    assert_eq!(states(&env)[0].0, "cut short");
    assert_eq!(states(&env)[1].0, "skipped");

    // A forced win in signoff (a must unmet) does not cut signoff short.
    let mut env = poc_in_signoff();
    env.at("2026-12-03T10:00:00Z");
    check(&env, &["SC2", "--fail"]);
    env.poc_run(&["close", "--outcome", "win", "--force", "--reason", "waived"])
        .ok();
    assert_eq!(states(&env)[4].0, "done");
}
