//! Evidence: attached files and captured command runs (issue 4).

use crate::common::*;

use std::time::{Duration, Instant};

fn journal_lines(env: &TestEnv) -> Vec<serde_json::Value> {
    env.read("acme/journal.yaml")
        .lines()
        .filter_map(|l| l.strip_prefix("- "))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn evidence_files(env: &TestEnv) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(env.poc().join("evidence"))
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn attaching_a_file_stores_it_under_its_hash_and_journals_it() {
    let env = TestEnv::with_poc();
    env.write("shots/dashboard.png", b"PNG bytes");
    env.poc_run(&[
        "check",
        "SC1",
        "--attach",
        "shots/dashboard.png",
        "--evidence",
        "12,400 events/s",
    ])
    .ok()
    .stderr_has("Met: SC1")
    .stderr_has("Attached dashboard.png as evidence/");
    let files = evidence_files(&env);
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].ends_with("-dashboard.png"), "{files:?}");
    assert_eq!(
        std::fs::read(env.poc().join("evidence").join(&files[0])).unwrap(),
        b"PNG bytes"
    );
    let last = journal_lines(&env).pop().unwrap();
    assert_eq!(last["kind"], "check");
    assert_eq!(last["id"], "SC1");
    assert_eq!(last["evidence"], "12,400 events/s");
    let file = &last["files"][0];
    assert_eq!(file["name"], "dashboard.png");
    assert_eq!(file["size"], 9);
    assert_eq!(file["path"], format!("evidence/{}", files[0]));
    let hash = file["sha256"].as_str().unwrap();
    use sha2::Digest;
    let expected: String = sha2::Sha256::digest(b"PNG bytes")
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(hash, expected);
    assert!(files[0].starts_with(&hash[..12]));
}

#[test]
fn the_same_file_attached_twice_is_stored_once_and_different_files_never_overwrite() {
    let env = TestEnv::with_poc();
    env.write("a/report.pdf", b"first");
    env.write("b/report.pdf", b"second");
    env.poc_run(&["check", "SC1", "--attach", "a/report.pdf"])
        .ok();
    env.poc_run(&["check", "SC2", "--attach", "a/report.pdf"])
        .ok();
    assert_eq!(evidence_files(&env).len(), 1);
    env.poc_run(&["check", "SC3", "--attach", "b/report.pdf"])
        .ok();
    let files = evidence_files(&env);
    assert_eq!(files.len(), 2, "{files:?}");
    let contents: Vec<Vec<u8>> = files
        .iter()
        .map(|f| std::fs::read(env.poc().join("evidence").join(f)).unwrap())
        .collect();
    assert!(contents.contains(&b"first".to_vec()) && contents.contains(&b"second".to_vec()));
    // Three attachments, two files: verify counts files.
    env.poc_run(&["evidence", "--verify"])
        .ok()
        .stdout_has("ok: 2 stored evidence files match their recorded sha256\n");
}

#[test]
fn hostile_original_names_stay_inside_evidence_and_do_not_break_documents() {
    let env = TestEnv::with_poc();
    // A name made of traversal and control characters.
    let name = "..\u{1b}[31m|evil]\n(x).png";
    env.write(&format!("in/{name}"), b"payload");
    env.poc_run(&["check", "SC1", "--attach", &format!("in/{name}")])
        .ok();
    let files = evidence_files(&env);
    assert_eq!(files.len(), 1);
    assert!(!files[0].contains('/') && !files[0].contains('\u{1b}') && !files[0].contains('\n'));
    // Nothing was written outside the POC's evidence folder.
    let outside: Vec<_> = env
        .snapshot()
        .into_keys()
        .filter(|p| !p.starts_with("acme") && !p.starts_with("in"))
        .collect();
    assert!(outside.is_empty(), "{outside:?}");
    let md = env
        .poc_run(&["status", "--format", "markdown"])
        .ok()
        .stdout
        .clone();
    let row = md.lines().find(|l| l.starts_with("| SC1 ")).unwrap();
    assert_eq!(
        row.matches(" | ").count(),
        7,
        "the row keeps its 8 cells: {row}"
    );
    assert!(!md.contains('\u{1b}'));
    let checklist = env.poc_run(&["checklist"]).ok().stdout.clone();
    let line = checklist.lines().find(|l| l.contains("**SC1**")).unwrap();
    assert!(
        line.contains(&format!("](evidence/{})", files[0])),
        "{line}"
    );
}

#[test]
fn a_missing_file_a_folder_or_an_oversized_file_records_nothing() {
    let env = TestEnv::with_poc();
    env.write("ok.txt", b"fine");
    std::fs::create_dir(env.path().join("folder")).unwrap();
    let big = std::fs::File::create(env.path().join("big.bin")).unwrap();
    big.set_len(50 * 1024 * 1024 + 1).unwrap();
    drop(big);
    for (file, message) in [
        (
            "nope.png",
            "error: --attach nope.png: no such file (nothing was recorded)",
        ),
        (
            "folder",
            "error: --attach folder: is a folder; attach files one by one, or an archive of it (nothing was recorded)",
        ),
        (
            "big.bin",
            "error: --attach big.bin: 52428801 bytes is over the 50 MiB limit for attachments; keep it elsewhere and reference it with --evidence (nothing was recorded)",
        ),
    ] {
        let run = unchanged(&env, || {
            env.run_in(
                &env.poc(),
                &[
                    "check",
                    "SC1",
                    "SC2",
                    "--attach",
                    "../ok.txt",
                    "--attach",
                    &format!("../{file}"),
                ],
            )
        });
        run.code(1);
        assert_eq!(
            run.first_err_line(),
            message.replace("--attach ", "--attach ../")
        );
    }
}

#[test]
fn a_passing_run_records_the_criterion_met_with_its_log() {
    let env = TestEnv::with_poc();
    let run = env.poc_run(&[
        "check",
        "SC3",
        "--run",
        "echo p95=180ms; echo warming up >&2; pwd",
    ]);
    run.ok()
        .stdout_has("p95=180ms")
        .stderr_has("warming up")
        .stderr_has("Met: SC3")
        .stderr_has("The run passed (exit code 0)");
    let last = journal_lines(&env).pop().unwrap();
    assert_eq!(last["kind"], "check");
    let r = &last["run"];
    assert_eq!(r["command"], "echo p95=180ms; echo warming up >&2; pwd");
    assert_eq!(r["exit_code"], 0);
    assert_eq!(r["timed_out"], false);
    assert_eq!(r["started"], "2026-11-23T09:00:00Z");
    let log = env.read(&format!("acme/{}", r["log"].as_str().unwrap()));
    assert!(
        log.contains("# command: echo p95=180ms; echo warming up >&2; pwd"),
        "{log}"
    );
    assert!(
        log.contains("# started: 2026-11-23T09:00:00+00:00"),
        "{log}"
    );
    assert!(log.contains("[out] p95=180ms\n"), "{log}");
    assert!(log.contains("[err] warming up\n"), "{log}");
    assert!(log.contains("# exit code: 0\n"), "{log}");
    // It ran in the POC folder.
    let cwd = env.poc().canonicalize().unwrap();
    assert!(log.contains(&format!("[out] {}\n", cwd.display())), "{log}");
    assert!(log.contains("# duration: "), "{log}");
}

#[test]
fn a_failing_run_records_the_criterion_failed_naming_the_exit_code() {
    let env = TestEnv::with_poc();
    env.poc_run(&["check", "SC3", "--run", "echo p95=340ms; exit 3"])
        .code(1)
        .stderr_has("Failed: SC3")
        .stderr_has("The run failed (exit code 3)");
    let last = journal_lines(&env).pop().unwrap();
    assert_eq!(last["kind"], "fail");
    assert_eq!(last["note"], "exit code 3");
    assert_eq!(last["run"]["exit_code"], 3);
    let status = env.poc_run(&["status", "--format", "json"]).ok().json();
    let sc3 = status["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "SC3")
        .unwrap();
    assert_eq!(sc3["status"], "failed");
    assert_eq!(sc3["run"]["exit_code"], 3);
}

#[test]
fn a_run_past_its_timeout_is_killed_and_recorded_failed() {
    let env = TestEnv::with_poc();
    let started = Instant::now();
    // The child of the shell must die too, or this would hang on its pipe.
    env.poc_run(&[
        "check",
        "SC3",
        "--run",
        "sleep 30 & sleep 30; echo never",
        "--timeout",
        "1",
    ])
    .code(1)
    .stderr_has("The run failed (timed out after 1 s)");
    assert!(started.elapsed() < Duration::from_secs(20));
    let last = journal_lines(&env).pop().unwrap();
    assert_eq!(last["kind"], "fail");
    assert_eq!(last["run"]["timed_out"], true);
    assert_eq!(last["run"]["exit_code"], serde_json::Value::Null);
    let log = env.read(&format!("acme/{}", last["run"]["log"].as_str().unwrap()));
    assert!(log.contains("# timed out after 1 s: killed"), "{log}");
    assert!(!log.contains("[out] never"), "{log}");
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_run_records_nothing_and_keeps_the_partial_log() {
    let env = TestEnv::with_poc();
    let before = env.read("acme/journal.yaml");
    let child = env
        .command(
            &env.poc(),
            &["check", "SC3", "--run", "echo started; sleep 30"],
        )
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the command has written to its log.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let logged = evidence_files(&env).iter().any(|f| {
            env.read(&format!("acme/evidence/{f}"))
                .contains("[out] started")
        });
        if logged {
            break;
        }
        assert!(Instant::now() < deadline, "the run never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGINT);
    }
    let out = child.wait_with_output().unwrap();
    let run = to_run(out);
    run.code(130)
        .stderr_has("Interrupted: nothing was recorded; the partial log is kept at evidence/run-");
    assert_eq!(env.read("acme/journal.yaml"), before);
    let files = evidence_files(&env);
    assert_eq!(files.len(), 1);
    let log = env.read(&format!("acme/evidence/{}", files[0]));
    assert!(
        log.contains("[out] started") && log.contains("# interrupted"),
        "{log}"
    );
}

#[test]
fn a_checklist_item_is_verified_by_a_run_as_a_criterion_is() {
    let env = TestEnv::with_poc();
    env.poc_run(&["check", "env-access", "--run", "true"])
        .ok()
        .stderr_has("Done (setup): env-access")
        .stderr_has("The run passed (exit code 0)");
    let run = env.poc_run(&["check", "kickoff", "--run", "exit 3"]);
    run.code(1)
        .stderr_has("Failed (setup): kickoff")
        .stderr_has("The run failed (exit code 3); its log is evidence/run-");
    let status = env.poc_run(&["status", "--format", "json"]).json();
    let items = &status["phases"][0]["items"];
    let item = |id: &str| {
        items
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(
        (
            item("env-access")["done"].clone(),
            item("env-access")["status"].clone()
        ),
        (true.into(), "met".into())
    );
    assert_eq!(
        (
            item("kickoff")["done"].clone(),
            item("kickoff")["status"].clone()
        ),
        (false.into(), "failed".into())
    );
    assert_eq!(item("kickoff")["run"]["exit_code"], 3);
    // Today's list and the checklist mark it to run again once fixed.
    env.poc_run(&["check"]).ok().stdout_has("  [!] kickoff ");
    env.poc_run(&["check"])
        .ok()
        .stdout_has(" — its run failed: exit 3\n");
    env.poc_run(&["checklist"]).ok().stdout_has("- [!] ");
    // --fail stays for criteria: an item's failure is its run's.
    unchanged(&env, || env.poc_run(&["check", "kickoff", "--fail"]))
        .code(1)
        .first_err_is("error: `kickoff` is a checklist item; --fail is for success criteria; an item's failed verification is recorded by `--run` (nothing was recorded)");
    unchanged(&env, || {
        env.poc_run(&["check", "SC1", "--run", "true", "--fail"])
    })
    .code(2);
    unchanged(&env, || env.poc_run(&["check", "SC1", "--timeout", "5"])).code(2);
}

#[test]
fn evidence_lists_every_piece_and_verify_catches_an_edited_or_missing_file() {
    let mut env = TestEnv::with_poc();
    env.poc_run(&["evidence", "--verify"])
        .ok()
        .stdout_has("ok: no stored evidence files to verify (text evidence has none)\n");
    env.write("shot.png", b"original");
    env.run_in(
        &env.poc(),
        &[
            "check",
            "SC1",
            "--attach",
            "../shot.png",
            "--evidence",
            "see dashboard",
        ],
    )
    .ok();
    env.at("2026-11-24T10:00:00Z");
    env.poc_run(&["check", "SC2", "--run", "echo ok"]).ok();

    let table = env.poc_run(&["evidence"]).ok().stdout.clone();
    for needle in [
        "SC1",
        "text",
        "see dashboard",
        "file",
        "shot.png",
        "SC2",
        "run",
        "`echo ok` exit 0",
    ] {
        assert!(table.contains(needle), "{needle} missing from\n{table}");
    }
    let json = env
        .poc_run(&["evidence", "SC2", "--format", "json"])
        .ok()
        .json();
    let rows = json["evidence"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["kind"], "run");
    assert_eq!(rows[0]["by"], "dana");
    assert_eq!(rows[0]["at"], "2026-11-24T10:00:00Z");
    assert!(
        rows[0]["path"]
            .as_str()
            .unwrap()
            .starts_with("evidence/run-20261124T100000Z-SC2")
    );
    assert_eq!(rows[0]["sha256"].as_str().unwrap().len(), 64);

    env.poc_run(&["evidence", "--verify"])
        .ok()
        .stdout_has("ok: 2 stored evidence files match their recorded sha256");

    let stored = evidence_files(&env)
        .into_iter()
        .find(|f| f.ends_with("shot.png"))
        .unwrap();
    std::fs::write(env.poc().join("evidence").join(&stored), b"edited").unwrap();
    let run = env.poc_run(&["evidence", "--verify"]);
    run.code(1)
        .stderr_has(&format!("error: evidence/{stored} (evidence for SC1, journal line 3) changed since it was recorded: sha256 1fb9f4097256db2d7b1e13aff79cee44339891a31c556b9cf6093885773b3618 expected "))
        .stderr_has("\nerror: 1 stored evidence file missing or changed since recorded\n");
    env.poc_run(&["validate"]).ok().stderr_has(&format!(
        "warning: acme/journal.yaml:3: evidence/{stored} (evidence for SC1"
    ));

    std::fs::remove_file(env.poc().join("evidence").join(&stored)).unwrap();
    env.poc_run(&["evidence", "--verify"])
        .code(1)
        .stderr_has(&format!(
            "error: evidence/{stored} (evidence for SC1, journal line 3) is missing\n"
        ));
}

#[test]
fn the_debrief_links_each_criterion_to_its_evidence() {
    let mut env = TestEnv::with_poc();
    env.write("proof.png", b"proof");
    env.run_in(&env.poc(), &["check", "SC1", "--attach", "../proof.png"])
        .ok();
    env.poc_run(&["check", "SC2", "--run", "exit 4"]).code(1);
    env.at("2026-11-25T10:00:00Z");
    let debrief = env.close_and_debrief("loss", "budget cut");
    let file = evidence_files(&env)
        .into_iter()
        .find(|f| f.ends_with("proof.png"))
        .unwrap();
    assert!(
        debrief.contains(&format!("[proof.png](evidence/{file})")),
        "{debrief}"
    );
    assert!(
        debrief.contains("[`exit 4`](evidence/run-20261123T090000Z-SC2.log) exit 4"),
        "{debrief}"
    );
}

#[test]
fn checking_a_criterion_again_adds_evidence_and_a_failure_starts_over() {
    let env = TestEnv::with_poc();
    env.write("a.png", b"first shot");
    env.write("b.png", b"second shot");
    env.poc_run(&[
        "check",
        "SC1",
        "--attach",
        "a.png",
        "--evidence",
        "dashboard",
    ])
    .ok();
    env.run_in(&env.poc(), &["check", "SC1", "--attach", "../b.png"])
        .ok();
    env.poc_run(&["check", "SC1"]).ok();
    let checklist = env.poc_run(&["checklist"]).ok().stdout.clone();
    let line = checklist.lines().find(|l| l.contains("**SC1**")).unwrap();
    assert!(line.contains(": dashboard; [a.png](evidence/"), "{line}");
    assert!(line.contains("; [b.png](evidence/"), "{line}");
    let status = env.poc_run(&["status", "--format", "json"]).ok().json();
    assert_eq!(status["criteria"][0]["files"].as_array().unwrap().len(), 2);

    // A failure is new evidence of its own: the proof of the old status goes.
    env.poc_run(&["check", "SC1", "--fail", "--evidence", "cluster 2 down"])
        .ok();
    let checklist = env.poc_run(&["checklist"]).ok().stdout.clone();
    let line = checklist.lines().find(|l| l.contains("**SC1**")).unwrap();
    assert!(line.ends_with(": cluster 2 down"), "{line}");
}

#[test]
fn a_run_shows_its_output_while_it_runs() {
    use std::io::BufRead;
    let env = TestEnv::with_poc();
    let mut child = env
        .command(
            &env.poc(),
            &["check", "SC3", "--run", "echo first; sleep 3; echo second"],
        )
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert_eq!(line, "first\n");
    assert!(
        child.try_wait().unwrap().is_none(),
        "the first line arrived only after the command had finished"
    );
    assert!(child.wait().unwrap().success());
}

#[test]
fn undo_takes_no_evidence() {
    let env = TestEnv::with_poc();
    unchanged(&env, || {
        env.poc_run(&["check", "SC1", "--undo", "--evidence", "x"])
    })
    .code(2);
}

/// Every markdown link target `](…)` in `doc`.
fn link_targets(doc: &str) -> Vec<String> {
    doc.split("](")
        .skip(1)
        .filter_map(|rest| rest.split_once(')').map(|(t, _)| t.to_string()))
        .collect()
}

#[test]
fn a_debrief_written_elsewhere_links_to_the_evidence_from_where_it_is() {
    let mut env = TestEnv::with_poc();
    env.write("proof shot.png", b"proof");
    env.poc_run(&["check", "SC1", "--attach", "proof shot.png"])
        .ok();
    env.poc_run(&["check", "SC2", "--run", "exit 4"]).code(1);
    env.at("2026-11-25T10:00:00Z");
    env.poc_run(&forced_close("loss", "budget")).ok();
    std::fs::create_dir_all(env.path().join("reports/2026")).unwrap();
    for (out, cwd, expected_prefix) in [
        (
            "reports/2026/acme.md",
            env.path().to_path_buf(),
            "../../acme/evidence/",
        ),
        ("acme/debrief.md", env.path().to_path_buf(), "evidence/"),
        ("../reports/acme.md", env.poc(), "../acme/evidence/"),
    ] {
        env.run_in(
            &cwd,
            &[
                "-C",
                &env.poc().display().to_string(),
                "debrief",
                "--out",
                out,
            ],
        )
        .ok();
        let written = cwd.join(out);
        let doc = std::fs::read_to_string(&written).unwrap();
        let targets = link_targets(&doc);
        assert_eq!(targets.len(), 2, "{out}: {targets:?}");
        for target in targets {
            assert!(target.starts_with(expected_prefix), "{out}: {target}");
            let file = written.parent().unwrap().join(target.replace("%20", " "));
            assert!(file.is_file(), "{out}: the link {target} leads nowhere");
        }
    }
}
