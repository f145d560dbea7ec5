//! `poc risk` and blocker escalation: the scope's risks and those raised
//! during the POC, listed by likelihood × impact, moved by ID, and
//! "escalate to NAME" in status, check and the customer update once a
//! triggered risk or an open blocker passes its threshold.

use crate::common::*;

/// The `risks:` section the tests add to the standard scope.
const RISKS: &str = "
risks:
  - id: R1
    title: Security review of the collector slips
    likelihood: medium
    impact: high
    owner: Jordan Lee
    mitigation: File the change request on day 1
    contingency: Run the validation on the staging cluster
    watch: CHG-4411 not approved by day 3
    escalation:
      - after_days: 1
        to: Priya Shah
      - after_days: 3
        to: Maria Chen
  - id: R2
    title: Test data not anonymised in time
    likelihood: low
    impact: medium
";

/// A fresh POC whose scope is version 2 with the two risks above.
pub fn with_risks() -> TestEnv {
    let env = TestEnv::with_poc();
    env.set_section("risks", RISKS.trim_start_matches('\n'));
    env.poc_run(&["validate"]).ok();
    env
}

/// `poc -C acme ARGS` with tables 200 columns wide, so cells never wrap.
pub fn wide(env: &TestEnv, args: &[&str]) -> Run {
    let mut full = vec!["-C", "acme"];
    full.extend_from_slice(args);
    let mut cmd = env.command(env.path(), &full);
    cmd.env("COLUMNS", "200");
    to_run(cmd.output().expect("poc runs"))
}

/// The ID a raise printed: "Raised R3-K7Q (…".
pub fn raised_id(run: &Run) -> String {
    let rest = run.stderr.strip_prefix("Raised ").expect("a Raised line");
    rest[..rest.find(' ').unwrap()].to_string()
}

fn risk_ids(env: &TestEnv) -> Vec<String> {
    let json = env.poc_run(&["risk", "--format", "json"]).ok().json();
    assert_eq!(json["schema_version"], 5);
    (json["risks"].as_array().unwrap().iter())
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_list_ranks_open_risks_by_likelihood_times_impact() {
    let env = with_risks();
    let list = wide(&env, &["risk"]);
    list.ok();
    for header in [
        "id",
        "risk",
        "likelihood",
        "impact",
        "score",
        "owner",
        "status",
        "since",
        "escalation",
    ] {
        list.stdout_has(&format!(" {header} "));
    }
    list.stdout_has("│ R1 ┆ Security review of the collector slips ┆ medium     ┆ high   ┆ 6     ┆ Jordan Lee ┆ watching ┆")
        .stdout_has("after 1 day → Priya Shah, after 3 days → Maria Chen");
    assert_eq!(risk_ids(&env), ["R1", "R2"]);

    let raised = env.poc_run(&[
        "risk",
        "add",
        "Champion",
        "may",
        "leave",
        "--likelihood",
        "high",
        "--impact",
        "high",
        "--owner",
        "Dana",
    ]);
    raised.ok();
    let id = raised_id(&raised);
    assert!(id.starts_with("R3-") && id.len() == 6, "{id}");
    raised.first_err_is(&format!(
        "Raised {id} (high likelihood × high impact, score 9, owner Dana). When it happens: `poc risk {id} --status triggered --note TEXT`."
    ));
    let entry = env.journal().pop().unwrap();
    assert_eq!(entry["kind"], "risk");
    assert_eq!(entry["id"], id.as_str());
    assert_eq!(entry["title"], "Champion may leave");
    assert_eq!(entry["likelihood"], "high");
    assert_eq!(entry["owner"], "Dana");
    // Defaults: medium × medium, 4, between R1 (6) and R2 (2).
    let second = env.poc_run(&["risk", "add", "Budget", "freeze"]);
    let id4 = raised_id(second.ok());
    assert!(id4.starts_with("R4-"), "{id4}");
    assert_eq!(risk_ids(&env), [id.as_str(), "R1", id4.as_str(), "R2"]);

    // Retired risks go last, whatever their score.
    env.poc_run(&[
        "risk",
        "R3",
        "--status",
        "retired",
        "--note",
        "champion stays",
    ])
    .ok()
    .first_err_is(&format!("{id} is now retired: Champion may leave"));
    assert_eq!(risk_ids(&env), ["R1", id4.as_str(), "R2", id.as_str()]);
    let json = env.poc_run(&["risk", "--format", "json"]).ok().json();
    let last = &json["risks"][3];
    assert_eq!(last["status"], "retired");
    assert_eq!(last["note"], "champion stays");
    assert_eq!(last["raised"], true);
    // `status` shows the open ones only, in the same order.
    let status = wide(&env, &["status"]);
    status.ok().stdout_has("Open risks:");
    let at = |needle: &str| status.stdout.find(needle).unwrap_or(usize::MAX);
    assert!(at("│ R1 ") < at(&format!("│ {id4} ")));
    assert!(at(&format!("│ {id4} ")) < at("│ R2 "));
    status.stdout_lacks("Champion may leave");
    status.stdout_has("medium × high = 6");
}

#[test]
fn ids_short_forms_and_unknown_ids() {
    let env = with_risks();
    let id = raised_id(env.poc_run(&["risk", "add", "Data", "late"]).ok());
    // A scope risk by its ID as written; a raised one by its short form,
    // any case.
    env.poc_run(&["risk", "R1", "--status", "triggered"]).ok();
    env.poc_run(&["risk", "r3", "--status", "triggered"])
        .ok()
        .first_err_is(&format!("{id} is now triggered: Data late"));
    env.poc_run(&["risk", &id.to_lowercase(), "--status", "watching"])
        .ok();
    // The same status again records nothing.
    unchanged(&env, || {
        env.poc_run(&["risk", "R1", "--status", "triggered"])
    })
    .ok()
    .first_err_is("R1 is already triggered since 2026-11-23 (nothing was recorded).");
    unchanged(&env, || {
        env.poc_run(&["risk", "R2", "--status", "watching"])
    })
    .ok()
    .first_err_is("R2 is already watching (nothing was recorded).");
    // Unknown: one line, the nearest, the list.
    unchanged(&env, || env.poc_run(&["risk", "R9", "--status", "retired"]))
        .code(1)
        .first_err_is(&format!(
            "error: unknown ID `R9`: no risk has it; did you mean `R1`?; risks: R1, R2, {id}"
        ));
    // A scope risk's ID is exact, like every scope ID.
    unchanged(&env, || env.poc_run(&["risk", "r2", "--status", "retired"]))
        .code(1)
        .first_err_is(&format!(
            "error: unknown ID `r2`: no risk has it; did you mean `R2`?; risks: R1, R2, {id}"
        ));
    // Asked the wrong way: usage errors, nothing changed.
    unchanged(&env, || env.poc_run(&["risk", "--status", "retired"])).code(2);
    unchanged(&env, || env.poc_run(&["risk", "R1"])).code(2);
    unchanged(&env, || env.poc_run(&["risk", "--note", "x"])).code(2);
    unchanged(&env, || {
        env.poc_run(&["risk", "R1", "--status", "retired", "--format", "json"])
    })
    .code(2);
    unchanged(&env, || env.poc_run(&["risk", "add", "  "]))
        .code(2)
        .first_err_is("error: the risk must not be empty");
    unchanged(&env, || {
        env.poc_run(&["risk", "add", "x", "--likelihood", "huge"])
    })
    .code(2);
}

#[test]
fn a_risk_raised_in_a_version_1_scope_and_none_on_a_closed_poc() {
    let env = TestEnv::with_poc();
    env.poc_run(&["risk"])
        .ok()
        .first_err_is("No risks yet. List the plan's under `risks:` in poc.yaml (version 2), or raise one with `poc risk add TEXT`.");
    unchanged(&env, || env.poc_run(&["risk", "R1", "--status", "retired"]))
        .code(1)
        .first_err_is("error: unknown ID `R1`: no risk has it; none is listed in poc.yaml (`risks:`) or raised with `poc risk add`");
    let id = raised_id(
        env.poc_run(&["risk", "add", "Firewall", "change", "slow"])
            .ok(),
    );
    env.poc_run(&[
        "risk",
        &id,
        "--status",
        "triggered",
        "--note",
        "CAB met Thursday",
    ])
    .ok();
    let json = status_json(&env);
    assert_eq!(json["risks"][0]["status"], "triggered");
    assert_eq!(json["risks"][0]["note"], "CAB met Thursday");
    // A raised risk has no escalation path: nothing to escalate.
    assert_eq!(json["risks"][0]["escalate_now"], serde_json::Value::Null);
    env.poc_run(&forced_close("loss", "budget")).ok();
    unchanged(&env, || env.poc_run(&["risk", "add", "Another"]))
        .code(1)
        .first_err_is("error: the POC is closed (loss); cannot raise a risk. Run `poc reopen PHASE --reason TEXT` to reopen it");
    // Tidying up stays possible.
    env.poc_run(&["risk", "R1", "--status", "retired"]).ok();
}

#[test]
fn a_triggered_risk_escalates_step_by_step_in_status_check_and_update() {
    let mut env = with_risks();
    env.at("2026-11-23T10:00:00Z");
    let triggered = env.poc_run(&[
        "risk",
        "R1",
        "--status",
        "triggered",
        "--note",
        "CHG-4411 not approved",
    ]);
    triggered
        .ok()
        .stderr_has("R1 is now triggered: Security review of the collector slips")
        .stderr_has("Contingency: Run the validation on the staging cluster")
        .stderr_has("Escalation: after 1 day → Priya Shah, after 3 days → Maria Chen; once a step is due, `poc status`, `poc check` and `poc update` say who to escalate to.");
    // Not yet: triggered less than a day ago.
    env.at("2026-11-24T09:00:00Z");
    wide(&env, &["status"]).ok().stdout_lacks("escalate to");
    env.poc_run(&["check"]).ok().stdout_lacks("Escalate now");
    assert_eq!(
        status_json(&env)["risks"][0]["escalate_now"],
        serde_json::Value::Null
    );
    // One day: the first step.
    env.at("2026-11-24T10:00:00Z");
    wide(&env, &["status"])
        .ok()
        .stdout_has("escalate to Priya Shah");
    // Three days: the second.
    env.at("2026-11-26T11:00:00Z");
    let status = wide(&env, &["status"]);
    status
        .ok()
        .stdout_has("┆ triggered ┆ escalate to Maria Chen")
        .stdout_lacks("Priya");
    env.poc_run(&["status", "--format", "markdown"])
        .ok()
        .stdout_has("## Risks")
        .stdout_has("| R1 | Security review of the collector slips (CHG-4411 not approved) | medium × high = 6 | Jordan Lee | triggered since 2026-11-23 | **escalate to Maria Chen** |")
        .stdout_has("| R2 | Test data not anonymised in time | low × medium = 2 |  | watching |  |\n");
    let json = status_json(&env);
    assert_eq!(json["risks"][0]["escalate_now"], "Maria Chen");
    let check = env.poc_run(&["check"]);
    check
        .ok()
        .stdout_has("Escalate now:\n  R1  Security review of the collector slips (risk triggered 2026-11-23) — escalate to Maria Chen\n");
    let today = env.poc_run(&["check", "--format", "json"]).ok().json();
    assert_eq!(today["escalations"][0]["kind"], "risk");
    assert_eq!(today["escalations"][0]["to"], "Maria Chen");
    env.poc_run(&["update"])
        .ok()
        .stdout_lacks("Nothing new")
        .stdout_has("BLOCKERS\n- R1 Security review of the collector slips (risk triggered 2026-11-23;\n  escalate to Maria Chen)\n");
    let update = env.poc_run(&["update", "--format", "json"]).ok().json();
    assert_eq!(update["risk_escalations"][0]["id"], "R1");
    // Retired: nothing left to escalate.
    env.poc_run(&[
        "risk",
        "R1",
        "--status",
        "retired",
        "--note",
        "approved on day 4",
    ])
    .ok();
    wide(&env, &["status"]).ok().stdout_lacks("escalate to");
    env.poc_run(&["check"]).ok().stdout_lacks("Escalate now");
    env.poc_run(&["update"]).ok().stdout_lacks("escalate to");
}

#[test]
fn a_blocker_escalates_after_its_threshold_and_not_before() {
    let mut env = TestEnv::with_poc();
    env.at("2026-11-23T10:00:00Z");
    let opened = env.poc_run(&[
        "blocker",
        "VPN",
        "access",
        "--owner",
        "Sam Ortiz",
        "--severity",
        "high",
        "--escalate-to",
        "Priya Shah",
        "--after",
        "2",
    ]);
    opened.ok().stderr_has("Opened B1-JJG (owner Sam Ortiz, high severity; escalate to Priya Shah after 2 days open). Escalate early;");
    let entry = env.journal().pop().unwrap();
    assert_eq!(entry["kind"], "blocker");
    assert_eq!(entry["owner"], "Sam Ortiz");
    assert_eq!(entry["severity"], "high");
    assert_eq!(entry["escalate_to"], "Priya Shah");
    assert_eq!(entry["after_days"], 2);
    // A plain blocker still records only its text.
    env.poc_run(&["blocker", "No test data"]).ok();
    let plain = env.journal().pop().unwrap();
    assert_eq!(plain.as_object().unwrap().len(), 5, "{plain}");

    // A day and a half: not yet.
    env.at("2026-11-24T22:00:00Z");
    env.poc_run(&["status"])
        .ok()
        .stdout_has("  B1-JJG VPN access (open 1 day, owner Sam Ortiz)\n")
        .stdout_lacks("escalate to");
    env.poc_run(&["check"])
        .ok()
        .stdout_has("  B1-JJG  VPN access (open 1 day, owner Sam Ortiz)\n")
        .stdout_lacks("Escalate now");
    env.poc_run(&["update"])
        .ok()
        .stdout_has("- B1-JJG VPN access (new, open 1 day)\n  Needed from: Sam Ortiz\n")
        .stdout_lacks("escalate to");
    // Two days: escalate.
    env.at("2026-11-25T10:00:00Z");
    env.poc_run(&["status"])
        .ok()
        .stdout_has("  B1-JJG VPN access (open 2 days, owner Sam Ortiz) — escalate to Priya Shah\n")
        .stdout_has("  B2-HZ7 No test data (open 2 days)\n");
    env.poc_run(&["status", "--format", "markdown"])
        .ok()
        .stdout_has("| B1-JJG | VPN access (owner: Sam Ortiz) | 2026-11-23 | open | 2 days · **escalate to Priya Shah** |");
    assert_eq!(
        status_json(&env)["blockers"][0]["escalate_now"],
        "Priya Shah"
    );
    env.poc_run(&["check"]).ok().stdout_has(
        "Escalate now:\n  B1-JJG  VPN access (open since 2026-11-23) — escalate to Priya Shah\n",
    );
    env.poc_run(&["update"])
        .ok()
        .stdout_has("- B1-JJG VPN access (new, open 2 days; escalate to Priya Shah)\n  Needed from: Sam Ortiz\n");
    env.poc_run(&["update", "--format", "markdown"])
        .ok()
        .stdout_has("- **B1-JJG VPN access** (new, open 2 days; escalate to Priya Shah)\n  - Needed from: Sam Ortiz\n");
    // Resolved: the owner is who it was, nothing to escalate.
    env.poc_run(&["blocker", "--resolve", "B1", "--note", "granted"])
        .ok();
    env.poc_run(&["status"]).ok().stdout_lacks("escalate to");
    env.poc_run(&["update"])
        .ok()
        .stdout_has("  Owner: Sam Ortiz\n")
        .stdout_lacks("escalate to");

    // Escalating to nobody, or --after alone: refused.
    unchanged(&env, || {
        env.poc_run(&["blocker", "x", "--escalate-to", " "])
    })
    .code(2)
    .first_err_is(
        "error: --escalate-to names who to escalate to; it is empty (nothing was recorded)",
    );
    unchanged(&env, || env.poc_run(&["blocker", "x", "--after", "2"])).code(2);
    unchanged(&env, || {
        env.poc_run(&["blocker", "--resolve", "B2", "--owner", "x"])
    })
    .code(2);
    // --escalate-to alone escalates at once.
    env.poc_run(&["blocker", "DNS", "--escalate-to", "Lee"])
        .ok()
        .stderr_has("(escalate to Lee now)");
    env.poc_run(&["status"])
        .ok()
        .stdout_has("DNS (open < 1 h) — escalate to Lee");
    // A closed POC escalates nothing.
    env.poc_run(&forced_close("loss", "budget")).ok();
    env.poc_run(&["status"]).ok().stdout_lacks("escalate to");
}

#[test]
fn the_debrief_and_the_report_tell_what_happened_to_the_risks() {
    let mut env = with_risks();
    env.at("2026-11-24T10:00:00Z");
    env.poc_run(&[
        "risk",
        "R1",
        "--status",
        "triggered",
        "--note",
        "CHG-4411 not approved",
    ])
    .ok();
    let id = raised_id(
        env.poc_run(&["risk", "add", "Champion", "may", "leave"])
            .ok(),
    );
    env.at("2026-11-25T10:00:00Z");
    env.poc_run(&[
        "risk",
        &id,
        "--status",
        "triggered",
        "--note",
        "Marcus on leave",
    ])
    .ok();
    env.at("2026-11-26T10:00:00Z");
    let report = env.poc_run(&["report", "--out", "-"]);
    report
        .ok()
        .stdout_has("<section id=\"risks\">")
        .stdout_has("<tr class=\"risk\" data-id=\"R1\" data-status=\"triggered\" data-score=\"6\">")
        .stdout_has("<span class=\"alert\">Escalate to Priya Shah</span>")
        .stdout_has("Mitigation: File the change request on day 1");
    let at = |needle: &str| report.stdout.find(needle).unwrap();
    assert!(at("id=\"blockers\"") < at("id=\"risks\""));
    assert!(at("id=\"risks\"") < at("id=\"parked\""));
    env.poc_run(&[
        "risk",
        "R1",
        "--status",
        "retired",
        "--note",
        "approved on day 4",
    ])
    .ok();
    let debrief = env.close_and_debrief("loss", "budget");
    assert!(debrief.contains(&format!(
        "Risks that triggered:\n\n- **R1** Security review of the collector slips (medium likelihood × high impact, owner: Jordan Lee): triggered 2026-11-24 (CHG-4411 not approved); escalation reached Priya Shah (after 1 day); retired 2026-11-26 (approved on day 4)\n- **{id}** Champion may leave (medium likelihood × medium impact): triggered 2026-11-25 (Marcus on leave); still triggered\n"
    )), "{debrief}");
    let section3 = &debrief[debrief.find("## 3.").unwrap()..debrief.find("## 4.").unwrap()];
    assert!(section3.contains("Risks that triggered:"), "{section3}");
    // R2 never triggered.
    assert!(!debrief.contains("R2"), "{debrief}");
}

#[test]
fn the_debrief_tells_how_far_a_risk_still_triggered_at_the_close_escalated() {
    let mut env = with_risks();
    env.at("2026-11-23T10:00:00Z");
    env.poc_run(&["risk", "R1", "--status", "triggered"]).ok();
    // Closed two days later: the first step was due, the second (3 days)
    // never came, however late the debrief is written.
    env.at("2026-11-25T12:00:00Z");
    env.poc_run(&forced_close("loss", "budget")).ok();
    env.at("2026-11-30T10:00:00Z");
    let json = status_json(&env);
    assert_eq!(json["risks"][0]["escalate_now"], serde_json::Value::Null);
    assert_eq!(
        json["risks"][0]["escalated_to"],
        serde_json::json!({"after_days": 1, "to": "Priya Shah"})
    );
    assert_eq!(json["risks"][1]["escalated_to"], serde_json::Value::Null);
    env.poc_run(&["debrief"]).ok();
    let debrief = env.read("acme/debrief.md");
    assert!(debrief.contains(
        "- **R1** Security review of the collector slips (medium likelihood × high impact, owner: Jordan Lee): triggered 2026-11-23; escalation reached Priya Shah (after 1 day); still triggered\n"
    ), "{debrief}");
}

#[test]
fn two_clones_raising_risks_and_gaps_mint_distinct_ids_that_merge() {
    let env = TestEnv::with_poc();
    // A second clone: a copy of the POC folder, with its own random suffixes.
    std::fs::create_dir(env.path().join("other")).unwrap();
    for file in ["poc.yaml", "journal.yaml"] {
        std::fs::copy(env.poc().join(file), env.path().join("other").join(file)).unwrap();
    }
    let in_other = |args: &[&str]| {
        let mut cmd = env.command(&env.path().join("other"), args);
        cmd.env("POC_ID_SEED", "the other clone");
        to_run(cmd.output().expect("poc runs"))
    };
    let ours = raised_id(env.poc_run(&["risk", "add", "Budget", "freeze"]).ok());
    let theirs = raised_id(in_other(&["risk", "add", "Champion", "leaves"]).ok());
    assert!(ours.starts_with("R1-") && theirs.starts_with("R1-"));
    assert_ne!(ours, theirs);
    let gap = |run: &Run| {
        let rest = run.stderr.strip_prefix("Recorded ").unwrap();
        rest[..rest.find(' ').unwrap()].to_string()
    };
    let our_gap = gap(env
        .poc_run(&["gap", "No SAML", "--severity", "challenge"])
        .ok());
    let their_gap = gap(in_other(&["gap", "No RBAC", "--severity", "deal-breaker"]).ok());
    assert_ne!(our_gap, their_gap);
    // A union merge: their new lines after ours.
    let base = env.read("acme/journal.yaml");
    let other = env.read("other/journal.yaml");
    let new: Vec<&str> = (other.lines())
        .filter(|l| !base.lines().any(|b| b == *l))
        .collect();
    assert_eq!(new.len(), 2);
    env.write("acme/journal.yaml", format!("{base}{}\n", new.join("\n")));
    env.poc_run(&["validate"]).ok().stdout_has("(0 warnings)");
    // The short form names two now: it asks, never guesses.
    unchanged(&env, || env.poc_run(&["risk", "R1", "--status", "triggered"]))
        .code(1)
        .first_err_is(&format!(
            "error: `R1` names 2 risks (a merge or a hand edit); use one of: {ours} (Budget freeze, watching), {theirs} (Champion leaves, watching) (nothing was recorded)"
        ));
    unchanged(&env, || {
        env.poc_run(&["gap", "--resolve", "g1", "--note", "x"])
    })
    .code(1)
    .stderr_has("names 2 gaps");
    env.poc_run(&["risk", &theirs, "--status", "triggered"])
        .ok();
    env.poc_run(&["gap", "--resolve", &their_gap, "--note", "roles in 4.3"])
        .ok();
    let json = status_json(&env);
    let status_of = |id: &str| {
        (json["risks"].as_array().unwrap().iter())
            .find(|r| r["id"] == id)
            .map(|r| r["status"].clone())
    };
    assert_eq!(status_of(&theirs).unwrap(), "triggered");
    assert_eq!(status_of(&ours).unwrap(), "watching");
    assert_eq!(json["open_gaps"]["challenge"], 1);
    assert_eq!(json["open_gaps"]["deal_breaker"], 0);
}
