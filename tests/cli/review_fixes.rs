//! Fixes from a review: what `poc` attaches, reads, suggests and leaves
//! behind at the edges (pseudo-filesystems, `TZ` forms, zone names typed
//! with the wrong case, journal paths outside `evidence/`, a full disk
//! during a run). Each test failed before its fix.

use crate::common::{TestEnv, unchanged};

// --- 1. Files on /proc or /sys are not attached. ---

/// `/proc/self/environ` stats as a regular file of 0 bytes but holds the
/// environment of whoever reads it: poc's own, with any token in it.
#[cfg(target_os = "linux")]
#[test]
fn files_on_proc_are_not_attached_and_nothing_is_recorded() {
    let env = TestEnv::with_poc();
    for file in ["/proc/self/environ", "/proc/self/status"] {
        let run = unchanged(&env, || env.poc_run(&["check", "SC1", "--attach", file]));
        run.code(1).first_err_is(&format!(
            "error: --attach {file}: is on /proc, a system pseudo-filesystem, not a file to attach (nothing was recorded)"
        ));
        // With --run too: refused before the command runs.
        let run = unchanged(&env, || {
            env.poc_run(&["check", "SC1", "--attach", file, "--run", "true"])
        });
        run.code(1).stderr_has("a system pseudo-filesystem");
    }
    assert!(!env.poc().join("evidence").exists());
}

#[cfg(target_os = "linux")]
#[test]
fn files_on_sys_are_not_attached() {
    let file = "/sys/kernel/mm/transparent_hugepage/enabled";
    let file = [file, "/sys/power/state", "/sys/kernel/uevent_seqnum"]
        .into_iter()
        .find(|f| std::fs::metadata(f).is_ok_and(|m| m.is_file()));
    let Some(file) = file else {
        eprintln!("note: no readable file under /sys; skipping the /sys attach test");
        return;
    };
    let env = TestEnv::with_poc();
    let run = unchanged(&env, || env.poc_run(&["check", "SC1", "--attach", file]));
    run.code(1).first_err_is(&format!(
        "error: --attach {file}: is on /sys, a system pseudo-filesystem, not a file to attach (nothing was recorded)"
    ));
}

// --- 2. `TZ` forms other than a bare IANA name. ---

fn init_with_tz(tz: &str) -> (TestEnv, crate::common::Run) {
    let env = TestEnv::new();
    let mut cmd = env.command(env.path(), &["init", "acme", "--prospect", "Acme"]);
    cmd.env("TZ", tz);
    let run = crate::common::to_run(cmd.output().expect("poc runs"));
    run.ok();
    (env, run)
}

fn zone_of(env: &TestEnv) -> String {
    let scope = env.read("acme/poc.yaml");
    let line = scope.lines().find(|l| l.starts_with("timezone: "));
    line.expect("poc.yaml has a timezone")["timezone: ".len()..].to_string()
}

#[test]
fn tz_as_a_zoneinfo_path_or_with_a_colon_names_its_zone() {
    for tz in [
        "/usr/share/zoneinfo/Asia/Tokyo",
        ":/usr/share/zoneinfo/Asia/Tokyo",
        "/usr/share/zoneinfo/posix/Asia/Tokyo",
        ":Asia/Tokyo",
        "Asia/Tokyo",
    ] {
        let (env, run) = init_with_tz(tz);
        assert_eq!(zone_of(&env), "Asia/Tokyo", "TZ={tz}\n{run:#?}");
        assert!(!run.stderr.contains("warning"), "TZ={tz}\n{run:#?}");
    }
}

#[test]
fn a_tz_that_names_no_iana_zone_is_warned_about_once() {
    for tz in ["EST5EDT,M3.2.0,M11.1.0", "/nowhere/Tokyo", "Mars/Olympus"] {
        let (env, run) = init_with_tz(tz);
        let zone = zone_of(&env);
        let warnings: Vec<&str> = run
            .stderr
            .lines()
            .filter(|l| l.starts_with("warning: "))
            .collect();
        assert_eq!(
            warnings,
            [format!(
                "warning: TZ={tz}: not an IANA time zone name; the POC's zone is {zone}; pass --timezone to choose"
            )],
            "{run:#?}"
        );
    }
    // --timezone given: TZ is not looked at.
    let env = TestEnv::new();
    let mut cmd = env.command(
        env.path(),
        &["init", "acme", "--prospect", "A", "--timezone", "UTC"],
    );
    cmd.env("TZ", "EST5EDT,M3.2.0,M11.1.0");
    let run = crate::common::to_run(cmd.output().unwrap());
    run.ok();
    assert!(!run.stderr.contains("warning"), "{run:#?}");
}

// --- 3. A zone name in poc.yaml with the wrong case or a typo. ---

#[test]
fn a_zone_typed_with_the_wrong_case_or_a_typo_gets_a_suggestion() {
    let env = TestEnv::with_poc();
    let scope = env.read("acme/poc.yaml");
    for (typed, meant) in [
        ("America/new_york", "America/New_York"),
        ("europe/berlin", "Europe/Berlin"),
        ("Europe/Berln", "Europe/Berlin"),
    ] {
        env.write(
            "acme/poc.yaml",
            scope.replace("timezone: UTC", &format!("timezone: {typed}")),
        );
        let run = env.poc_run(&["status"]);
        run.code(1);
        assert!(
            run.first_err_line().ends_with(&format!(
                "`timezone` `{typed}` is not an IANA time zone name, such as Europe/Berlin, America/Los_Angeles or UTC; did you mean `{meant}`?"
            )),
            "{run:#?}"
        );
    }
}

// --- 4. Journal paths outside evidence/. ---

#[test]
fn evidence_paths_outside_evidence_are_reported_as_such_not_missing() {
    let env = TestEnv::with_poc();
    env.write("a.txt", "a");
    env.write("b.txt", "b");
    env.poc_run(&["check", "SC1", "--attach", "a.txt", "--attach", "b.txt"])
        .ok();
    let entry = env.journal().into_iter().last().unwrap();
    let stored: Vec<String> = (0..2)
        .map(|i| entry["files"][i]["path"].as_str().unwrap().to_string())
        .collect();
    // Both exist: /etc/passwd on unix, and x beside the POC folder.
    env.write("x", "x");
    let outside = [
        if cfg!(unix) {
            "/etc/passwd"
        } else {
            "/windows/win.ini"
        },
        "evidence/../../x",
    ];
    for (path, new) in stored.iter().zip(outside) {
        env.edit("acme/journal.yaml", path, new);
    }
    let line = env.read("acme/journal.yaml").lines().count();

    let run = env.poc_run(&["evidence", "--verify"]);
    run.code(1).stdout_lacks("ok");
    for path in outside {
        run.stderr_has(&format!(
            "error: {path} (evidence for SC1, journal line {line}) is outside the POC's evidence folder; it was not read"
        ));
    }
    assert!(!run.stderr.contains("missing\n"), "{run:#?}");
    let json = env
        .poc_run(&["evidence", "--verify", "--format", "json"])
        .json();
    for i in 0..2 {
        assert_eq!(json["problems"][i]["problem"], "outside", "{json:#}");
    }

    let run = env.poc_run(&["validate"]);
    run.code(1)
        .stdout_lacks("ok:")
        .stderr_has("is outside the POC's evidence folder");
    let json = env.poc_run(&["validate", "--format", "json"]).json();
    let codes: Vec<&str> = json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["evidence-outside", "evidence-outside"], "{json:#}");
    assert!(
        !json["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["code"] == "evidence-missing"),
        "{json:#}"
    );
}

/// The README lists every code `validate` reports for stored evidence.
#[test]
fn the_readme_lists_the_evidence_outside_code() {
    let readme = include_str!("../../README.md");
    for code in [
        "`evidence-missing`",
        "`evidence-changed`",
        "`evidence-link`",
        "`evidence-not-a-file`",
        "`evidence-outside`",
    ] {
        assert!(readme.contains(code), "README lacks {code}");
    }
}

// --- 5. A full disk while a run's log is written. ---

/// A file size limit (`prlimit --fsize`, with SIGXFSZ ignored so the write
/// fails instead of killing poc) stands in for a full disk.
#[cfg(unix)]
#[test]
fn a_run_log_that_cannot_be_written_is_named_removed_and_nothing_is_recorded() {
    let found = crate::common::runs("prlimit");
    if !crate::common::have("prlimit (util-linux)", found, "the full-disk run test") {
        return;
    }
    let env = TestEnv::with_poc();
    std::fs::create_dir_all(env.poc().join("evidence")).unwrap();
    for limit in [0, 100] {
        let script = format!(
            "trap '' XFSZ; prlimit --fsize={limit} \"$POC\" check SC1 --run 'echo measured'"
        );
        let run = unchanged(&env, || {
            let mut cmd = std::process::Command::new("sh");
            cmd.arg("-c")
                .arg(&script)
                .current_dir(env.poc())
                .env("POC", crate::common::BIN)
                .env("POC_NOW", &env.now)
                .env("POC_USER", &env.user)
                .env("TZ", "UTC");
            crate::common::hermetic(&mut cmd, &env.path().join(".home"));
            let out = cmd.output().expect("sh runs");
            crate::common::to_run(out)
        });
        run.code(1);
        let error = run
            .stderr
            .lines()
            .find(|l| l.starts_with("error: "))
            .unwrap_or_else(|| panic!("no error\n{run:#?}"));
        assert!(
            error.starts_with(
                "error: cannot write the run log evidence/run-20261123T090000Z-SC1.log: "
            ) && error.ends_with(" (removed it; nothing was recorded)"),
            "{run:#?}"
        );
    }
}
