//! What an accident, a merge or a shared repository can do to the journal,
//! and what `poc` does about it: no panic, no silent loss, no phantom
//! entry, no write outside the POC (issue 10).

use std::process::Command;

use crate::common::{BIN, INIT_ACME, TestEnv, forced_close, unchanged};

/// `poc` in the POC folder through `sh -c`, so a test can close or fill
/// stderr or set resource limits around it.
fn sh(env: &TestEnv, script: &str) -> crate::common::Run {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(script)
        .current_dir(env.poc())
        .env("POC", BIN)
        .env("POC_NOW", &env.now)
        .env("POC_USER", &env.user)
        .env("POC_ID_SEED", "test")
        .env("TZ", "UTC");
    crate::common::hermetic(&mut cmd, &env.path().join(".home"));
    let out = cmd.output().expect("sh runs");
    crate::common::to_run(out)
}

fn entries(env: &TestEnv) -> usize {
    env.read("acme/journal.yaml")
        .lines()
        .filter(|l| l.starts_with("- "))
        .count()
}

#[test]
fn a_journal_over_1_mib_of_accented_text_reads_and_takes_entries() {
    let env = TestEnv::with_poc();
    let mut journal = env.read("acme/journal.yaml");
    let mut i = 0;
    // Long enough for the two-halves read, with the middle at every offset
    // inside a character over the runs of this loop's lengths.
    while journal.len() < 1024 * 1024 + 4096 {
        journal.push_str(&format!(
            "- {{\"at\":\"2026-11-23T08:00:00Z\",\"by\":\"Zoë Müller\",\"kind\":\"note\",\"text\":\"{}é {i}\"}}\n",
            "ü".repeat(i % 5)
        ));
        i += 1;
    }
    for shift in 0..4 {
        // A comment up front moves the middle by one byte at a time.
        let text = format!(
            "# {}\n{journal}",
            "é".repeat(shift) + &"x".repeat(shift % 2)
        );
        env.write("acme/journal.yaml", &text);
        env.poc_run(&["status"]).ok();
        env.poc_run(&["validate"]).ok();
        env.poc_run(&["note", "Zoë: still fine"]).ok();
        assert!(
            env.read("acme/journal.yaml")
                .ends_with("\"text\":\"Zoë: still fine\"}\n")
        );
    }
}

#[test]
fn a_closed_or_full_stderr_never_panics_and_the_entry_is_kept() {
    let env = TestEnv::with_poc();
    let before = entries(&env);
    for (redirect, n) in [("2>&-", 1), ("2>/dev/full", 2)] {
        let run = sh(
            &env,
            &format!("\"$POC\" note \"stderr {redirect}\" {redirect}; echo \"exit $?\""),
        );
        assert_eq!(run.stdout, "exit 0\n", "{run:?}");
        assert!(!run.stderr.contains("panicked"), "{run:?}");
        assert_eq!(entries(&env), before + n);
    }
}

#[test]
fn a_complete_last_line_without_a_newline_is_kept_when_the_next_entry_comes() {
    let env = TestEnv::with_poc();
    let mut journal = env.read("acme/journal.yaml");
    journal.push_str("- {at: 2026-11-23T08:30:00Z, by: Lee, kind: note, text: written by hand}");
    env.write("acme/journal.yaml", &journal);
    env.poc_run(&["note", "next"]).ok();
    let after = env.read("acme/journal.yaml");
    assert!(
        after.contains("text: written by hand}\n- {\"at\""),
        "the hand-written line was not kept whole:\n{after}"
    );
    assert_eq!(entries(&env), 3);
}

#[test]
fn an_append_that_would_cross_the_size_cap_is_refused_and_nothing_is_written() {
    let env = TestEnv::with_poc();
    let mut journal = env.read("acme/journal.yaml");
    let cap = poc::limits::MAX_JOURNAL_BYTES as usize;
    let line =
        "- {\"at\":\"2026-11-23T08:00:00Z\",\"by\":\"d\",\"kind\":\"note\",\"text\":\"x\"}\n";
    while journal.len() + line.len() < cap - 100 {
        journal.push_str(line);
    }
    env.write("acme/journal.yaml", &journal);
    let long = "a long note ".repeat(20);
    let run = unchanged(&env, || env.poc_run(&["note", &long]));
    run.code(1).first_err_is(
        "error: acme/journal.yaml: recording this would take the journal past its 32 MiB limit (nothing was recorded). Start a new POC folder for the next phase of work, or archive old entries by hand",
    );
    // What fits is still taken, and every command still reads the POC.
    env.poc_run(&["note", "short"]).ok();
    env.poc_run(&["status"]).ok();
}

#[test]
fn a_time_poc_could_not_read_back_is_refused() {
    let mut env = TestEnv::with_poc();
    for now in [
        "0000-01-01T00:00:00+01:00",
        "9999-12-31T23:30:00-01:00",
        "+10000-01-01T00:00:00Z",
    ] {
        env.at(now);
        let run = unchanged(&env, || env.poc_run(&["note", "x"]));
        run.code(1);
        assert!(
            run.first_err_line().starts_with("error: POC_NOW: "),
            "{run:?}"
        );
    }
}

#[test]
fn a_full_disk_during_a_write_records_none_of_the_commands_entries() {
    let found = crate::common::runs("prlimit");
    if !crate::common::have("prlimit (util-linux)", found, "the full-disk test") {
        return;
    }
    let env = TestEnv::with_poc();
    let size = std::fs::metadata(env.poc().join("journal.yaml"))
        .unwrap()
        .len();
    // Room for about one of the three entries: the write stops part way.
    let script = format!(
        "trap '' XFSZ; prlimit --fsize={} \"$POC\" check kickoff comms-channel env-access",
        size + 150
    );
    let run = unchanged(&env, || sh(&env, &script));
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("(nothing was recorded)"), "{run:?}");
}

#[test]
fn conflict_markers_from_a_merge_without_the_union_driver_name_the_cause() {
    let env = TestEnv::with_poc();
    let journal = env.read("acme/journal.yaml");
    let line = |t: &str| {
        format!(
            "- {{\"at\":\"2026-11-23T0{t}:00:00Z\",\"by\":\"d\",\"kind\":\"note\",\"text\":\"{t}\"}}\n"
        )
    };
    let merged = format!(
        "{journal}<<<<<<< HEAD\n{}=======\n{}>>>>>>> origin/main\n",
        line("7"),
        line("8")
    );
    env.write("acme/journal.yaml", &merged);
    let run = unchanged(&env, || env.poc_run(&["status"]));
    run.code(1).first_err_is(
        "error: acme/journal.yaml:3:1: a git conflict marker: this journal was merged without the union driver. Keep the lines of both sides, delete the marker lines, and add `journal.yaml merge=union` to the POC folder's .gitattributes (poc init writes it) so the next merge keeps both sides by itself",
    );
}

#[test]
fn closing_before_day_1_says_so() {
    let mut env = TestEnv::new();
    env.at("2026-11-10T09:00:00Z");
    env.run(INIT_ACME).ok();
    env.at("2026-11-20T09:00:00Z");
    env.poc_run(&forced_close("loss", "budget cut"))
        .ok()
        .stderr_has("Closed: Technical Loss before day 1.");
    env.poc_run(&["status"])
        .ok()
        .stdout_has("Closed: Technical Loss on 2026-11-20, in setup, before day 1 (planned 12)");
}

#[test]
fn a_journal_linked_outside_the_poc_is_never_written() {
    let env = TestEnv::with_poc();
    env.write("elsewhere.yaml", env.read("acme/journal.yaml"));
    std::fs::remove_file(env.poc().join("journal.yaml")).unwrap();
    std::os::unix::fs::symlink(
        env.path().join("elsewhere.yaml"),
        env.poc().join("journal.yaml"),
    )
    .unwrap();
    for args in [&["note", "x"][..], &["status"], &["blocker", "VPN"]] {
        let run = unchanged(&env, || env.poc_run(args));
        run.code(1);
        assert!(
            run.first_err_line()
                .starts_with("error: acme/journal.yaml: is a symbolic link to "),
            "{run:?}"
        );
    }
}

#[test]
fn a_typed_last_line_that_does_not_parse_is_reported_never_dropped() {
    let env = TestEnv::with_poc();
    let mut journal = env.read("acme/journal.yaml");
    journal.push_str(r#"- {"at": "2026-11-23T08:00:00Z", "by": "Lee", "kind": "note", "text": "typed by hand, no brace""#);
    env.write("acme/journal.yaml", &journal);
    let run = unchanged(&env, || env.poc_run(&["note", "next"]));
    run.code(1);
    assert!(
        run.first_err_line()
            .starts_with("error: acme/journal.yaml:3:"),
        "{run:?}"
    );
}

#[test]
fn a_long_journal_read_in_two_halves_names_lines_and_drops_only_a_torn_tail() {
    let env = TestEnv::with_poc();
    let mut journal = env.read("acme/journal.yaml");
    let mut n = journal.lines().count();
    while journal.len() < 1024 * 1024 + 4096 {
        n += 1;
        journal.push_str(&format!(
            "- {{\"at\":\"2026-11-23T08:00:00Z\",\"by\":\"Zoë\",\"kind\":\"note\",\"text\":\"é {n}\"}}\n"
        ));
    }
    // A broken line late in the file is named by its own line number.
    let broken = journal.replacen(&format!("\"text\":\"é {}\"", n - 3), "\"text\":[", 1);
    env.write("acme/journal.yaml", &broken);
    let run = unchanged(&env, || env.poc_run(&["status"]));
    run.code(1);
    let at = format!("error: acme/journal.yaml:{}:", n - 3);
    assert!(run.first_err_line().starts_with(&at), "{run:?}");
    // A torn tail is dropped by the next write, and only it.
    let torn = format!("{journal}- {{\"at\":\"2026-11-23T08:");
    env.write("acme/journal.yaml", &torn);
    env.poc_run(&["validate"]).ok().stderr_has(&format!(
        "warning: acme/journal.yaml:{}: torn last line",
        n + 1
    ));
    env.poc_run(&["note", "after"]).ok().stderr_has(&format!(
        "warning: acme/journal.yaml:{}: dropped a torn last line",
        n + 1
    ));
    let after = env.read("acme/journal.yaml");
    assert_eq!(
        after.len(),
        journal.len() + after.lines().last().unwrap().len() + 1
    );
    assert!(after.starts_with(&journal));
}

#[test]
fn a_byte_order_mark_is_taken_only_at_the_start_of_the_file() {
    let env = TestEnv::with_poc();
    let mut journal = env.read("acme/journal.yaml");
    while journal.len() < 1024 * 1024 + 4096 {
        journal.push_str(
            "- {\"at\":\"2026-11-23T08:00:00Z\",\"by\":\"d\",\"kind\":\"note\",\"text\":\"n\"}\n",
        );
    }
    // Just after the first line break past the middle: where the second
    // half of a long journal starts.
    let mid = journal.len() / 2;
    let at = mid + journal[mid..].find('\n').unwrap() + 1;
    let line = journal[..at].lines().count() + 1;
    journal.insert(at, '\u{feff}');
    env.write("acme/journal.yaml", &journal);
    let run = unchanged(&env, || env.poc_run(&["status"]));
    run.code(1);
    let expected = format!(
        "error: acme/journal.yaml:{line}:1: expected a journal entry line starting with `- `"
    );
    assert_eq!(run.first_err_line(), expected);
}
