//! Two SEs on one POC, each in a clone of one git repository: what they
//! record survives `git pull` on both sides, IDs stay unique, and both
//! clones see the same POC.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{BIN, INIT_ACME, TestEnv, forced_close, unchanged};

/// A bare repository with a POC pushed to it, and two clones of it.
struct Team {
    /// Holds the temporary folder for the test's life.
    _env: TestEnv,
    a: PathBuf,
    b: PathBuf,
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn have_git() -> bool {
    crate::common::have("git", crate::common::runs("git"), "the two-clone tests")
}

impl Team {
    fn new() -> Team {
        let env = TestEnv::new();
        let root = env.path().to_path_buf();
        git(&root, &["init", "-q", "--bare", "-b", "main", "origin.git"]);
        git(&root, &["clone", "-q", "origin.git", "a"]);
        let a = root.join("a");
        env.run_in(&a, INIT_ACME).ok();
        git(&a, &["add", "-A"]);
        git(&a, &["commit", "-qm", "kickoff"]);
        git(&a, &["push", "-q", "origin", "HEAD:main"]);
        git(&root, &["clone", "-q", "origin.git", "b"]);
        Team {
            b: root.join("b"),
            a,
            _env: env,
        }
    }

    /// `poc` in the POC folder of a clone, as `user`, at `now`, with the
    /// real random ID suffixes (no seed: two clones must not agree).
    fn poc(&self, clone: &Path, user: &str, now: &str, args: &[&str]) -> crate::common::Run {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .current_dir(clone.join("acme"))
            .env("POC_NOW", now)
            .env("POC_USER", user)
            .env("TZ", "UTC")
            .env_remove("POC_ID_SEED");
        crate::common::hermetic(&mut cmd, &clone.join(".home"));
        crate::common::to_run(cmd.output().expect("poc runs"))
    }

    fn commit_and_sync(&self) {
        for clone in [&self.a, &self.b] {
            git(clone, &["add", "-A"]);
            git(clone, &["commit", "-qm", "work", "--allow-empty"]);
        }
        for clone in [&self.a, &self.b, &self.a] {
            git(
                clone,
                &["pull", "-q", "--no-rebase", "--no-edit", "origin", "main"],
            );
            git(clone, &["push", "-q", "origin", "HEAD:main"]);
        }
    }
}

/// The ID `poc blocker TEXT` printed: "Opened B3-K7Q. …".
fn opened_id(run: &crate::common::Run) -> String {
    let rest = run.stderr.strip_prefix("Opened ").expect("an Opened line");
    rest[..rest.find('.').unwrap()].to_string()
}

#[test]
fn two_clones_merge_into_one_poc_with_every_id_and_reason_kept() {
    if !have_git() {
        return;
    }
    let team = Team::new();
    let (a, b) = (&team.a, &team.b);
    let mut ids = Vec::new();
    // Both open their first two blockers on the same day.
    for (i, text) in ["VPN access", "Firewall change"].iter().enumerate() {
        let t = format!("2026-11-23T1{i}:00:00Z");
        ids.push(opened_id(team.poc(a, "dana", &t, &["blocker", text]).ok()));
        ids.push(opened_id(team.poc(b, "lee", &t, &["blocker", text]).ok()));
    }
    // Both force the same advance, each with a reason.
    team.poc(
        a,
        "dana",
        "2026-11-24T09:00:00Z",
        &["advance", "--force", "--reason", "waived by Marcus"],
    )
    .ok();
    team.poc(
        b,
        "lee",
        "2026-11-24T10:00:00Z",
        &["advance", "--force", "--reason", "access came late"],
    )
    .ok();
    // One closes while the other goes back to setup, later.
    team.poc(
        a,
        "dana",
        "2026-11-25T09:00:00Z",
        &forced_close("loss", "budget cut"),
    )
    .ok();
    team.poc(
        b,
        "lee",
        "2026-11-25T10:00:00Z",
        &["reopen", "setup", "--reason", "redo access"],
    )
    .ok();
    team.commit_and_sync();

    let now = "2026-11-26T09:00:00Z";
    let status = |clone| {
        team.poc(clone, "dana", now, &["status", "--format", "json"])
            .ok()
            .json()
    };
    let (sa, sb) = (status(a), status(b));
    assert_eq!(sa, sb, "both clones see one POC");
    let unique: std::collections::BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), 4, "{ids:?}");
    let reasons: Vec<&str> = (sa["overrides"].as_array().unwrap().iter())
        .map(|o| o["reason"].as_str().unwrap())
        .collect();
    for reason in [
        "waived by Marcus",
        "access came late",
        "budget cut",
        "redo access",
    ] {
        assert!(reasons.contains(&reason), "{reasons:?}");
    }
    assert_eq!(sa["phase"], "setup");
    let v = team.poc(a, "dana", now, &["validate"]);
    v.ok();
    assert_eq!(
        (v.stderr.as_str(), v.stdout.as_str()),
        ("", "ok: poc.yaml and journal.yaml are valid (0 warnings)\n")
    );
    // Every blocker resolves by the ID printed when it was opened.
    for id in &ids {
        team.poc(a, "dana", now, &["blocker", "--resolve", id])
            .ok()
            .stderr_has(&format!("Resolved {id}:"));
    }
    let after = team
        .poc(a, "dana", now, &["status", "--format", "json"])
        .ok()
        .json();
    assert_eq!(after["open_blockers"], 0);
}

#[test]
fn two_outcomes_merged_are_a_conflict_to_settle_not_a_pick() {
    if !have_git() {
        return;
    }
    let team = Team::new();
    let (a, b) = (&team.a, &team.b);
    team.poc(a, "dana", "2026-11-25T09:00:00Z", &forced_close("win", "x"))
        .ok();
    team.poc(b, "lee", "2026-11-25T10:00:00Z", &forced_close("loss", "y"))
        .ok();
    team.commit_and_sync();
    let now = "2026-11-26T09:00:00Z";
    team.poc(a, "dana", now, &["status"])
        .ok()
        .stdout_has("Conflict to settle: closed as loss by lee while already closed as win by dana on 2026-11-25");
    team.poc(b, "lee", now, &["validate"])
        .ok()
        .stderr_has("closed as loss by lee while already closed as win by dana on 2026-11-25; settle it with `poc reopen PHASE --reason TEXT` and a new `poc close`");
    let json = team
        .poc(a, "dana", now, &["status", "--format", "json"])
        .ok()
        .json();
    assert_eq!(json["conflicts"].as_array().unwrap().len(), 1);
    // Settled: a reopen clears it.
    team.poc(
        a,
        "dana",
        now,
        &["reopen", "setup", "--reason", "agreed: loss"],
    )
    .ok();
    let json = team
        .poc(
            a,
            "dana",
            "2026-11-26T10:00:00Z",
            &["status", "--format", "json"],
        )
        .ok()
        .json();
    assert_eq!(json["conflicts"], serde_json::json!([]));
}

#[test]
fn a_hand_made_duplicate_blocker_id_is_reported_and_each_can_be_resolved() {
    let env = TestEnv::with_poc();
    let line = |t: &str, text: &str| {
        format!(
            "- {{\"at\":\"2026-11-23T{t}:00:00Z\",\"by\":\"dana\",\"kind\":\"blocker\",\"id\":\"B3\",\"text\":\"{text}\"}}\n"
        )
    };
    let mut journal = env.read("acme/journal.yaml");
    journal.push_str(&line("07", "VPN"));
    journal.push_str(&line("08", "DNS"));
    env.write("acme/journal.yaml", &journal);
    env.poc_run(&["validate"])
        .ok()
        .stderr_has("warning: acme/journal.yaml:4: blocker ID `B3` is used by 2 blockers (lines 3, 4); address each as B3#1, B3#2, …");
    env.poc_run(&["blocker", "--resolve", "B3#2", "--note", "fixed"])
        .ok()
        .stderr_has("Resolved B3: DNS");
    // The short form never guesses: the first is addressed as B3#1.
    env.poc_run(&["blocker", "--resolve", "B3"])
        .code(1)
        .stderr_has("`B3` names 2 blockers (a merge or a hand edit); use one of: B3#1 (VPN), B3#2 (DNS, resolved)");
    env.poc_run(&["blocker", "--resolve", "B3#1"])
        .ok()
        .stderr_has("Resolved B3: VPN");
    let json = env.poc_run(&["status", "--format", "json"]).json();
    assert_eq!(json["open_blockers"], 0);
    assert_eq!(json["duplicate_blocker_ids"], serde_json::json!(["B3"]));
}

#[test]
fn a_short_id_that_names_two_blockers_asks_which() {
    let env = TestEnv::with_poc();
    let mut journal = env.read("acme/journal.yaml");
    for (t, id, text) in [("07", "B3-AAA", "VPN"), ("08", "B3-BBB", "DNS")] {
        journal.push_str(&format!("- {{\"at\":\"2026-11-23T{t}:00:00Z\",\"by\":\"dana\",\"kind\":\"blocker\",\"id\":\"{id}\",\"text\":\"{text}\"}}\n"));
    }
    env.write("acme/journal.yaml", &journal);
    let before = env.snapshot();
    env.poc_run(&["blocker", "--resolve", "b3"])
        .code(1)
        .stderr_has("error: `b3` names 2 blockers (a merge or a hand edit); use one of: B3-AAA (VPN), B3-BBB (DNS) (nothing was recorded)");
    assert_eq!(env.snapshot(), before);
    env.poc_run(&["blocker", "--resolve", "b3-bbb"])
        .ok()
        .stderr_has("Resolved B3-BBB: DNS");
    // With one of them resolved, the short form still names two: it never
    // guesses which one the SE meant.
    env.poc_run(&["blocker", "--resolve", "B3"])
        .code(1)
        .stderr_has("use one of: B3-AAA (VPN), B3-BBB (DNS, resolved)");
    env.poc_run(&["blocker", "--resolve", "B3-aaa"])
        .ok()
        .stderr_has("Resolved B3-AAA: VPN");
}

#[test]
fn a_later_entry_is_never_hidden_behind_an_announcement() {
    let mut env = TestEnv::with_poc();
    env.at("2026-11-25T09:00:00Z");
    env.poc_run(&["check", "SC1", "--fail", "--note", "p95 340 ms"])
        .ok();
    // Recorded as of an earlier time: the later failure still decides.
    env.at("2026-11-24T09:00:00Z");
    env.poc_run(&["check", "SC1"])
        .ok()
        .stderr_has("Recorded as of 2026-11-24 09:00 UTC, but an entry dated later (2026-11-25 09:00 UTC) still decides it: Failed: SC1");
    env.at("2026-11-26T09:00:00Z");
    let json = env.poc_run(&["status", "--format", "json"]).json();
    assert_eq!(json["criteria"][0]["status"], "failed");
    // A phase change as of a time before the latest entry is refused.
    env.at("2026-11-24T10:00:00Z");
    let before = env.snapshot();
    env.poc_run(&["advance", "--force", "--reason", "x"])
        .code(1)
        .stderr_has("error: cannot advance as of 2026-11-24 10:00 UTC: acme/journal.yaml:3 is dated later (2026-11-25 09:00 UTC)");
    assert_eq!(env.snapshot(), before);
}

/// The journal of `env`'s POC with `lines` (JSON objects) appended, as a
/// union merge leaves it.
fn merge_in(env: &TestEnv, lines: &[&str]) {
    let mut journal = env.read("acme/journal.yaml");
    for l in lines {
        journal.push_str(&format!("- {l}\n"));
    }
    env.write("acme/journal.yaml", &journal);
}

#[test]
fn a_resolve_on_a_clock_behind_the_blockers_is_recorded_when_it_can_take_effect() {
    let mut env = TestEnv::with_poc();
    env.at("2026-11-25T10:00:00Z");
    env.poc_run(&["blocker", "VPN late"]).ok();
    env.at("2026-11-24T10:00:00Z");
    env.poc_run(&["blocker", "--resolve", "B1", "--note", "done"])
        .ok()
        .stderr_has("Recorded as of 2026-11-25 10:00 UTC, when B1-JJG was opened")
        .stderr_has("Resolved B1-JJG: VPN late");
    env.at("2026-11-26T10:00:00Z");
    assert_eq!(
        env.poc_run(&["status", "--format", "json"]).json()["open_blockers"],
        0
    );
    env.poc_run(&["blocker", "--resolve", "B1"])
        .code(1)
        .first_err_is("error: blocker B1-JJG is already resolved (nothing was recorded)");
    // A resolve that finds nothing open where it falls is reported.
    merge_in(
        &env,
        &[r#"{"at":"2026-11-23T08:00:00Z","by":"lee","kind":"resolve","id":"B9"}"#],
    );
    env.poc_run(&["validate"]).ok().stderr_has(
        "warning: acme/journal.yaml:5: this entry resolves `B9`, but no blocker with that ID is open at that time",
    );
}

#[test]
fn an_advance_merged_from_a_clone_that_stood_elsewhere_jumps_no_gate() {
    let mut env = TestEnv::with_poc();
    env.at("2026-11-24T09:00:00Z");
    env.poc_run(&["advance", "--force", "--reason", "x"]).ok();
    env.at("2026-11-24T10:00:00Z");
    env.poc_run(&["reopen", "setup", "--reason", "redo access"])
        .ok();
    // The other clone, still in deployment, advanced later.
    merge_in(
        &env,
        &[
            r#"{"at":"2026-11-24T11:00:00Z","by":"lee","kind":"advance","from":"deployment","to":"validation","forced":true,"reason":"waived"}"#,
        ],
    );
    env.at("2026-11-25T09:00:00Z");
    let json = env.poc_run(&["status", "--format", "json"]).json();
    assert_eq!(json["phase"], "setup");
    let reasons: Vec<&str> = (json["overrides"].as_array().unwrap().iter())
        .map(|o| o["reason"].as_str().unwrap())
        .collect();
    assert!(reasons.contains(&"waived"), "{reasons:?}");
    env.poc_run(&["validate"]).ok().stderr_has(
        "this entry advance from deployment to validation is not applied: the POC stood in setup then",
    );
    // A hand-made jump over phases is not applied either.
    merge_in(
        &env,
        &[
            r#"{"at":"2026-11-24T12:00:00Z","by":"lee","kind":"advance","from":"setup","to":"signoff"}"#,
        ],
    );
    assert_eq!(
        env.poc_run(&["status", "--format", "json"]).json()["phase"],
        "setup"
    );
}

#[test]
fn entries_of_one_instant_replay_the_same_whichever_side_a_merge_put_first() {
    let env = TestEnv::with_poc();
    let base = env.read("acme/journal.yaml");
    let dana = r#"{"at":"2026-11-24T00:00:00Z","by":"dana","kind":"check","id":"SC1"}"#;
    let lee = r#"{"at":"2026-11-24T00:00:00Z","by":"lee","kind":"fail","id":"SC1"}"#;
    let mut seen = Vec::new();
    for order in [[dana, lee], [lee, dana]] {
        env.write("acme/journal.yaml", &base);
        merge_in(&env, &order);
        seen.push(env.poc_run(&["status", "--format", "json"]).json());
    }
    assert_eq!(seen[0], seen[1]);
    assert_eq!(seen[0]["criteria"][0]["status"], "failed");
}

#[test]
fn a_phase_change_a_few_minutes_behind_a_colleagues_clock_goes_just_after_it() {
    let mut env = TestEnv::with_poc();
    merge_in(
        &env,
        &[r#"{"at":"2026-11-23T09:03:00Z","by":"lee","kind":"note","text":"from a fast laptop"}"#],
    );
    env.at("2026-11-23T09:00:00Z");
    env.poc_run(&["advance", "--force", "--reason", "x"]).ok();
    let journal = env.read("acme/journal.yaml");
    let last = journal.lines().last().unwrap();
    assert!(
        last.contains(r#""at":"2026-11-23T09:03:00.001Z""#),
        "{last}"
    );
    env.at("2026-11-23T09:10:00Z");
    assert_eq!(
        env.poc_run(&["status", "--format", "json"]).json()["phase"],
        "deployment"
    );
}

#[test]
fn a_conflict_shows_in_every_document_and_holds_back_the_debrief() {
    let mut env = TestEnv::with_poc();
    merge_in(
        &env,
        &[
            r#"{"at":"2026-11-24T09:00:00Z","by":"dana","kind":"close","outcome":"win","forced":true,"reason":"w","from":"setup"}"#,
            r#"{"at":"2026-11-24T10:00:00Z","by":"lee","kind":"close","outcome":"loss","forced":true,"reason":"l","from":"setup"}"#,
        ],
    );
    env.at("2026-11-25T09:00:00Z");
    let what = "closed as loss by lee while already closed as win by dana on 2026-11-24";
    env.poc_run(&["status", "--format", "markdown"])
        .ok()
        .stdout_has(what);
    env.poc_run(&["checklist"])
        .ok()
        .stdout_has(&format!("(in conflict: {what})"));
    let html = env.poc_run(&["report", "--out", "-"]).ok().stdout.clone();
    assert!(html.contains("Conflict to settle"), "{html}");
    // What states the outcome to others refuses to pick one.
    for (command, what) in [
        ("debrief", "a debrief"),
        ("update", "an update"),
        ("calendar", "a calendar"),
    ] {
        let run = unchanged(&env, || env.poc_run(&[command]));
        run.code(1).first_err_is(&format!(
            "error: the outcome is in conflict: closed as loss by lee while already closed as win by dana on 2026-11-24 (journal line 4); {what} would pick one. Agree on the outcome, then `poc reopen PHASE --reason TEXT` and `poc close` again (nothing was written)"
        ));
    }
}

#[test]
fn blocker_ids_outside_the_id_set_are_reported_and_a_whole_id_comes_first() {
    let env = TestEnv::with_poc();
    merge_in(
        &env,
        &[
            r#"{"at":"2026-11-23T07:00:00Z","by":"d","kind":"blocker","id":"B1#1","text":"odd"}"#,
            r#"{"at":"2026-11-23T07:01:00Z","by":"d","kind":"blocker","id":"B1","text":"plain"}"#,
        ],
    );
    env.poc_run(&["validate"]).ok().stderr_has(
        "warning: acme/journal.yaml:3: blocker ID `B1#1` has a character outside the ID set",
    );
    env.poc_run(&["blocker", "--resolve", "B1#1"])
        .ok()
        .stderr_has("Resolved B1#1: odd");
    unchanged(&env, || env.poc_run(&["blocker", "--resolve", " "]))
        .code(2)
        .first_err_is("error: --resolve needs the blocker's ID, such as B3 (nothing was recorded)");
}

#[test]
fn a_reopen_from_a_clone_that_never_saw_the_other_outcome_settles_nothing() {
    let mut env = TestEnv::with_poc();
    // A closed as win; B, which never saw that, closed as loss, reopened
    // and closed as inconclusive. Merged: the win still conflicts.
    merge_in(
        &env,
        &[
            r#"{"at":"2026-11-24T09:00:00Z","by":"dana","kind":"close","outcome":"win","forced":true,"reason":"w","from":"setup"}"#,
            r#"{"at":"2026-11-24T10:00:00Z","by":"lee","kind":"close","outcome":"loss","forced":true,"reason":"l","from":"setup"}"#,
            r#"{"at":"2026-11-24T11:00:00Z","by":"lee","kind":"reopen","to":"setup","reason":"again","closed":"loss"}"#,
            r#"{"at":"2026-11-24T12:00:00Z","by":"lee","kind":"close","outcome":"inconclusive","forced":true,"reason":"i","from":"setup"}"#,
        ],
    );
    env.at("2026-11-25T09:00:00Z");
    let json = env.poc_run(&["status", "--format", "json"]).json();
    assert_eq!(
        json["conflicts"].as_array().unwrap().len(),
        1,
        "{}",
        json["conflicts"]
    );
    // Whoever sees it settles it: their reopen names the outcome they saw.
    env.poc_run(&["reopen", "setup", "--reason", "agreed on inconclusive"])
        .ok();
    let json = env.poc_run(&["status", "--format", "json"]).json();
    assert_eq!(json["conflicts"], serde_json::json!([]));
    let last = env.read("acme/journal.yaml");
    assert!(
        last.lines()
            .last()
            .unwrap()
            .contains(r#""closed":"inconclusive""#),
        "{last}"
    );
}

#[test]
fn a_resolve_behind_a_colleagues_blocker_lands_after_it_whoever_sorts_first() {
    let mut env = TestEnv::with_poc();
    // lee's blocker, from a clock five minutes ahead; dana ("d" < "l")
    // resolves it at what her clock says.
    merge_in(
        &env,
        &[r#"{"at":"2026-11-24T09:05:00Z","by":"lee","kind":"blocker","id":"B1-AAA","text":"x"}"#],
    );
    env.at("2026-11-24T09:00:00Z");
    env.poc_run(&["blocker", "--resolve", "B1"])
        .ok()
        .stderr_has("Resolved B1-AAA: x");
    env.at("2026-11-24T10:00:00Z");
    assert_eq!(
        env.poc_run(&["status", "--format", "json"]).json()["open_blockers"],
        0
    );
    // Two blockers with one ID opened at one instant cannot be told apart.
    merge_in(
        &env,
        &[
            r#"{"at":"2026-11-23T07:00:00Z","by":"lee","kind":"blocker","id":"B4-EEE","text":"dupA"}"#,
            r#"{"at":"2026-11-23T07:00:00Z","by":"lee","kind":"blocker","id":"B4-EEE","text":"dupB"}"#,
        ],
    );
    unchanged(&env, || env.poc_run(&["blocker", "--resolve", "B4#2"]))
        .code(1)
        .stderr_has("were opened at the same instant");
}
