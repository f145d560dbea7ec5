//! What every command shares: usage errors exit 2 and change nothing, bare
//! `poc` prints help, the POC is found upward from where poc runs (or -C),
//! and a closed pipe ends poc quietly.

use crate::common::*;

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
fn bare_poc_prints_help_and_exits_2() {
    let env = TestEnv::new();
    let run = env.run(&[]);
    run.code(2);
    assert!(run.stderr.contains("Usage: poc"), "{run:?}");
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
