//! `check --run` and `--attach` under hostile commands: children left
//! behind, prompts, signals to `poc`, floods of output, files swapped during
//! the run, kills mid-copy, and runs for checklist items.

use crate::common::*;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Generous: CI is a 2-core machine. Every command that used to hang sleeps
/// far longer than this, so the bound still tells the two apart.
const LIMIT: Duration = Duration::from_secs(30);

fn check(env: &TestEnv, args: &[&str]) -> Command {
    let mut full = vec!["-C", "acme", "check"];
    full.extend_from_slice(args);
    env.command(env.path(), &full)
}

fn last_entry(env: &TestEnv) -> serde_json::Value {
    env.journal().pop().expect("a journal entry")
}

fn run_logs(env: &TestEnv) -> Vec<String> {
    let mut logs: Vec<String> = std::fs::read_dir(env.poc().join("evidence"))
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with("run-"))
                .collect()
        })
        .unwrap_or_default();
    logs.sort();
    logs
}

fn only_log(env: &TestEnv) -> String {
    let logs = run_logs(env);
    assert_eq!(logs.len(), 1, "{logs:?}");
    env.read(&format!("acme/evidence/{}", logs[0]))
}

/// The pid a command wrote to `acme/NAME`.
fn pid_in(env: &TestEnv, name: &str) -> i32 {
    let text = env.read(&format!("acme/{name}"));
    text.trim()
        .parse()
        .unwrap_or_else(|e| panic!("{name}: {e}: {text:?}"))
}

/// Whether `pid` is a live process (not gone, not a zombie). Linux only.
#[cfg(target_os = "linux")]
fn alive(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => false,
        // "pid (comm) S …": the state follows the last ')'.
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| !rest.trim_start().starts_with(['Z', 'X'])),
    }
}

/// Whether `pid` is gone within a few seconds (its killer may still be
/// reaping it).
#[cfg(target_os = "linux")]
fn dies(pid: i32) -> bool {
    let until = Instant::now() + Duration::from_secs(10);
    while Instant::now() < until {
        if !alive(pid) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

#[cfg(unix)]
fn kill(pid: i32, signal: i32) {
    unsafe {
        libc::kill(pid, signal);
    }
}

/// Waits for a spawned `poc` at most `limit`, killing it and failing after.
fn wait_within(child: Child, limit: Duration, what: &str) -> Run {
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(limit) {
        Ok(out) => to_run(out.expect("poc runs")),
        Err(_) => {
            #[cfg(unix)]
            kill(pid as i32, libc::SIGKILL);
            panic!("{what}: still running after {limit:?}");
        }
    }
}

// --- 1. A child left behind never holds the run open ---

#[cfg(target_os = "linux")]
#[test]
fn a_child_left_behind_does_not_hold_the_run_open_and_is_killed() {
    let _alone = alone();
    for (n, command) in [
        "sleep 60 & echo $! > bg.pid; echo started",
        "nohup sleep 60 & echo $! > bg.pid; echo started",
        "(sleep 60; echo late) & echo $! > bg.pid; echo started",
    ]
    .into_iter()
    .enumerate()
    {
        let env = TestEnv::with_poc();
        let started = Instant::now();
        let run = run_within(check(&env, &["SC1", "--run", command]), LIMIT, command);
        run.ok().stderr_has("Met: SC1").stdout_has("started");
        assert!(started.elapsed() < LIMIT, "{command}");
        assert_eq!(last_entry(&env)["kind"], "check", "{command}");
        let pid = pid_in(&env, "bg.pid");
        assert!(dies(pid), "case {n}: `{command}` left {pid} running");
        let log = only_log(&env);
        assert!(log.contains("[out] started"), "{log}");
        assert!(log.contains("# exit code: 0"), "{log}");
        assert!(
            log.contains("# output still open 0.5 s after the shell ended"),
            "{log}"
        );
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_child_in_its_own_session_is_not_waited_for() {
    let _alone = alone();
    let env = TestEnv::with_poc();
    let command = "setsid sleep 60 & echo $! > bg.pid; echo started";
    let run = run_within(check(&env, &["SC1", "--run", command]), LIMIT, command);
    // It escaped the process group, so it may live on; poc did not wait.
    kill(pid_in(&env, "bg.pid"), libc::SIGKILL);
    run.ok().stderr_has("Met: SC1");
    assert_eq!(last_entry(&env)["kind"], "check");
}

#[cfg(target_os = "linux")]
#[test]
fn the_timeout_ends_the_run_even_when_an_escaped_child_holds_the_output() {
    let _alone = alone();
    let env = TestEnv::with_poc();
    let command = "setsid sleep 60 & echo $! > bg.pid; sleep 60";
    let run = run_within(
        check(&env, &["SC1", "--run", command, "--timeout", "2"]),
        LIMIT,
        command,
    );
    kill(pid_in(&env, "bg.pid"), libc::SIGKILL);
    run.code(1)
        .stderr_has("The run failed (timed out after 2 s)");
    assert_eq!(last_entry(&env)["run"]["timed_out"], true);
}

// --- 2. No terminal for input unless --interactive ---

#[test]
fn stdin_is_empty_unless_interactive() {
    let env = TestEnv::with_poc();
    let command = r#"read x || exit 5; echo "got=$x""#;
    let mut poc = check(&env, &["SC1", "--run", command]);
    let run = with_stdin(&mut poc, b"hello\n");
    run.code(1)
        .stdout_lacks("got=")
        .stderr_has("The run failed (exit code 5)");
    let log = only_log(&env);
    assert!(
        log.contains(
            "# stdin: none (/dev/null), no terminal; run with --interactive to answer prompts"
        ),
        "{log}"
    );

    let mut poc = check(&env, &["SC2", "--run", command, "--interactive"]);
    with_stdin(&mut poc, b"hello\n")
        .ok()
        .stdout_has("got=hello")
        .stderr_has("Met: SC2");
    assert_eq!(last_entry(&env)["id"], "SC2");
}

/// Runs `cmd` with `input` on its stdin.
fn with_stdin(cmd: &mut Command, input: &[u8]) -> Run {
    use std::io::Write;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    wait_within(child, LIMIT, "a run reading stdin")
}

#[test]
fn interactive_needs_run() {
    let env = TestEnv::with_poc();
    unchanged(&env, || env.poc_run(&["check", "SC1", "--interactive"])).code(2);
}

#[cfg(target_os = "linux")]
#[test]
fn a_prompt_on_the_terminal_fails_at_once_instead_of_waiting_for_the_timeout() {
    let _alone = alone();
    let env = TestEnv::with_poc();
    let (_master, slave) = crate::common::pty();
    // As ssh asks about a host key, or sudo for a password: from /dev/tty.
    let command = r#"printf 'Password: ' > /dev/tty; read x < /dev/tty || exit 5; echo "got=$x""#;
    let child = crate::common::spawn_on_terminal(
        check(&env, &["SC1", "--run", command, "--timeout", "20"]),
        &slave,
        false,
    );
    let run = wait_within(child, LIMIT, command);
    run.code(1).stderr_has("The run failed (exit code 5)");
    let log = only_log(&env);
    assert!(!log.contains("timed out"), "{log}");
}

#[cfg(target_os = "linux")]
#[test]
fn interactive_gives_the_command_the_terminal() {
    use std::io::Write;
    let _alone = alone();
    let env = TestEnv::with_poc();
    let command = r#"read x < /dev/tty; echo "got=$x""#;
    // Stdin the terminal, or not: a prompt reads /dev/tty either way.
    for (n, stdin_null) in [false, true].into_iter().enumerate() {
        let (mut master, slave) = crate::common::pty();
        let id = ["SC1", "SC2"][n];
        let child = crate::common::spawn_on_terminal(
            check(
                &env,
                &[id, "--run", command, "--interactive", "--timeout", "20"],
            ),
            &slave,
            stdin_null,
        );
        // The terminal keeps what is typed until the command reads it.
        master.write_all(b"yes\n").unwrap();
        let run = wait_within(child, LIMIT, command);
        run.ok()
            .stdout_has("got=yes")
            .stderr_has(&format!("Met: {id}"));
    }
    let logs = run_logs(&env);
    let log = env.read(&format!("acme/evidence/{}", logs[0]));
    assert!(
        log.contains("# stdin: the terminal (--interactive)"),
        "{log}"
    );
}

// --- 3. SIGINT, SIGTERM and SIGHUP to poc stop the command's group ---

#[cfg(target_os = "linux")]
#[test]
fn a_signal_to_poc_kills_the_command_group_and_records_nothing() {
    let _alone = alone();
    for (signal, code, name) in [
        (libc::SIGTERM, 143, "SIGTERM"),
        (libc::SIGHUP, 129, "SIGHUP"),
        (libc::SIGINT, 130, "Ctrl-C"),
        (libc::SIGQUIT, 131, "SIGQUIT"),
    ] {
        let env = TestEnv::with_poc();
        let before = env.read("acme/journal.yaml");
        let child = check(
            &env,
            &[
                "SC1",
                "--run",
                "sleep 60 & echo $! > bg.pid; echo started; wait",
            ],
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
        let until = Instant::now() + LIMIT;
        while !run_logs(&env).first().is_some_and(|l| {
            env.read(&format!("acme/evidence/{l}"))
                .contains("[out] started")
        }) {
            assert!(Instant::now() < until, "{name}: the run never started");
            std::thread::sleep(Duration::from_millis(20));
        }
        kill(child.id() as i32, signal);
        let run = wait_within(child, LIMIT, name);
        run.code(code)
            .stderr_has("nothing was recorded; the partial log is kept at evidence/run-");
        assert_eq!(env.read("acme/journal.yaml"), before, "{name}");
        let pid = pid_in(&env, "bg.pid");
        assert!(dies(pid), "{name}: the command's child {pid} lives on");
        let log = only_log(&env);
        assert!(
            log.contains(&format!(
                "# interrupted ({name}): stopped, nothing recorded"
            )),
            "{log}"
        );
    }
}

#[cfg(target_os = "linux")]
#[test]
fn poc_killed_outright_takes_the_shell_with_it() {
    let _alone = alone();
    let env = TestEnv::with_poc();
    let mut child = check(
        &env,
        &["SC1", "--run", "echo $$ > sh.pid; sleep 60; echo done"],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    let until = Instant::now() + LIMIT;
    while std::fs::read_to_string(env.poc().join("sh.pid")).map_or(true, |t| !t.ends_with('\n')) {
        assert!(Instant::now() < until, "the run never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    kill(child.id() as i32, libc::SIGKILL);
    child.wait().unwrap();
    let shell = pid_in(&env, "sh.pid");
    assert!(dies(shell), "the shell {shell} outlived poc");
}

// --- 4. Output capture is linear, and the log is capped ---

#[test]
fn a_flood_of_short_lines_is_capped_too() {
    let _alone = alone();
    let env = TestEnv::with_poc();
    let command = "yes | head -c 20000000";
    let mut poc = check(&env, &["SC1", "--run", command]);
    poc.stdout(Stdio::null());
    run_within(poc, Duration::from_secs(60), command).ok();
    let log = only_log(&env);
    assert!(log.len() as u64 <= poc::limits::MAX_RUN_LOG_BYTES + 4096);
    // 20,000,000 bytes of "y\n". The log keeps whole lines, so the output
    // left out and the lines kept add up to all of it.
    let marker = log
        .lines()
        .find(|l| l.starts_with("[poc] … "))
        .expect("a marker");
    let left_out: u64 = marker["[poc] … ".len()..]
        .split_once(' ')
        .unwrap()
        .0
        .replace(',', "")
        .parse()
        .unwrap();
    let kept = log.lines().filter(|l| *l == "[out] y").count() as u64;
    assert_eq!(left_out + 2 * kept, 20_000_000, "{marker}");
}

#[test]
fn a_flood_of_output_without_newlines_is_fast_and_the_log_is_capped() {
    let _alone = alone();
    let env = TestEnv::with_poc();
    let command = r"head -c 40000000 /dev/zero | tr '\0' x";
    let started = Instant::now();
    let mut poc = check(&env, &["SC1", "--run", command]);
    poc.stdout(Stdio::null());
    let run = run_within(poc, Duration::from_secs(60), command);
    run.ok();
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    let logs = run_logs(&env);
    let path = env.poc().join("evidence").join(&logs[0]);
    let size = std::fs::metadata(&path).unwrap().len();
    assert!(
        size <= poc::limits::MAX_RUN_LOG_BYTES + 4096,
        "the log is {size} bytes"
    );
    let log = std::fs::read(&path).unwrap();
    let text = String::from_utf8_lossy(&log);
    assert!(
        text.contains("bytes of output left out here (log cap 16 MiB)"),
        "no marker"
    );
    assert!(text.contains("\n# exit code: 0\n"));
    // The head and the tail are there.
    assert!(text.contains("\n[out] xxxx"));
    assert!(text.contains("\n[out+] xxxx"));
    assert_eq!(last_entry(&env)["run"]["size"], size);
}

// --- 5. Attachments are opened once, before the run ---

#[cfg(unix)]
#[test]
fn an_attachment_swapped_for_a_fifo_by_the_run_is_copied_from_what_was_checked() {
    let _alone = alone();
    let env = TestEnv::with_poc();
    env.write("acme/report.txt", "before the run\n");
    let command = "rm report.txt && mkfifo report.txt";
    let run = run_within(
        check(
            &env,
            &["SC1", "--attach", "acme/report.txt", "--run", command],
        ),
        LIMIT,
        command,
    );
    run.ok().stderr_has("Attached report.txt as evidence/");
    let file = &last_entry(&env)["files"][0];
    let stored = env.read(&format!("acme/{}", file["path"].as_str().unwrap()));
    assert_eq!(stored, "before the run\n");
}

#[cfg(unix)]
#[test]
fn an_attachment_rewritten_by_the_run_is_stored_as_read_and_capped_by_bytes_read() {
    let _alone = alone();
    let env = TestEnv::with_poc();
    env.write("acme/big.bin", "x");
    let before = env.read("acme/journal.yaml");
    // Grows in place (same file) past the 50 MiB cap while poc holds it.
    let command = "head -c 53000000 /dev/zero >> big.bin";
    let run = run_within(
        check(&env, &["SC1", "--attach", "acme/big.bin", "--run", command]),
        LIMIT,
        command,
    );
    run.code(1).stderr_has("grew past the 50 MiB limit");
    assert_eq!(env.read("acme/journal.yaml"), before);
    let temps: Vec<_> = std::fs::read_dir(env.poc().join("evidence"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".poc-tmp-"))
        .collect();
    assert!(temps.is_empty(), "{temps:?}");
}

/// What is stored is bounded by the bytes read, not by the size the file
/// had when checked. (A file on /proc, such as `/proc/self/environ`, stats
/// as empty too, but is refused: see `review_fixes`.)
#[cfg(unix)]
#[test]
fn a_file_that_stats_as_empty_is_stored_with_the_bytes_read() {
    let env = TestEnv::with_poc();
    env.write("acme/late.txt", "");
    // Empty when checked; written by the run, before the copy.
    let command = "printf 'measured: 12,400 events/s' >> late.txt";
    env.poc_run(&[
        "check",
        "SC1",
        "--attach",
        "acme/late.txt",
        "--run",
        command,
    ])
    .ok();
    let file = &last_entry(&env)["files"][0];
    let size = file["size"].as_u64().unwrap();
    assert!(size > 0, "{file}");
    let stored = std::fs::read(env.poc().join(file["path"].as_str().unwrap())).unwrap();
    assert_eq!(stored.len() as u64, size);
    assert_eq!(stored, b"measured: 12,400 events/s");
}

#[cfg(unix)]
#[test]
fn a_fifo_or_a_device_is_refused_without_waiting() {
    let env = TestEnv::with_poc();
    let fifo = env.path().join("pipe");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    for file in ["pipe", "/dev/null"] {
        let run = unchanged(&env, || {
            run_within(
                env.command(
                    env.path(),
                    &["-C", "acme", "check", "SC1", "--attach", file],
                ),
                LIMIT,
                file,
            )
        });
        run.code(1)
            .stderr_has("not a regular file (nothing was recorded)");
    }
}

// --- 6. Temporary files of killed copies ---

#[test]
fn stale_temporary_files_are_removed_by_the_next_copy_and_never_counted() {
    let env = TestEnv::with_poc();
    env.write("acme/evidence/.poc-tmp-old", "killed copy");
    env.write("acme/evidence/.poc-tmp-new", "a copy in progress");
    let two_hours_ago = std::time::SystemTime::now() - Duration::from_secs(2 * 60 * 60);
    std::fs::File::options()
        .write(true)
        .open(env.poc().join("evidence/.poc-tmp-old"))
        .unwrap()
        .set_modified(two_hours_ago)
        .unwrap();
    // Neither counts as evidence, nor as a problem.
    env.poc_run(&["evidence", "--verify"])
        .ok()
        .stdout_has("ok: no stored evidence files to verify");
    let validate = env.poc_run(&["validate"]);
    validate.ok();
    assert!(!validate.stderr.contains("poc-tmp"), "{validate:#?}");

    env.write("proof.png", "png");
    env.poc_run(&["check", "SC1", "--attach", "proof.png"]).ok();
    assert!(!env.poc().join("evidence/.poc-tmp-old").exists());
    assert!(env.poc().join("evidence/.poc-tmp-new").exists());
    env.poc_run(&["evidence", "--verify"])
        .ok()
        .stdout_has("ok: 1 stored evidence file matches its recorded sha256");
}

// --- 7. --run for checklist items ---

#[test]
fn a_run_ticks_a_checklist_item_and_a_failed_run_leaves_it_open() {
    let env = TestEnv::with_poc();
    let item = |env: &TestEnv, id: &str| {
        let status = env.poc_run(&["status", "--format", "json"]).ok().json();
        status["phases"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|p| p["items"].as_array().unwrap().iter())
            .find(|i| i["id"] == id)
            .cloned()
            .unwrap()
    };

    // Exit non-zero: the failure is recorded, with its log, and the item
    // stays open (issue 9: "non-zero records the failure with its log").
    env.poc_run(&["check", "env-access", "--run", "false"])
        .code(1)
        .stderr_has("Failed (setup): env-access")
        .stderr_has(
            "The run failed (exit code 1); its log is evidence/run-20261123T090000Z-env-access.log",
        );
    let failed = item(&env, "env-access");
    assert_eq!(
        (failed["done"].clone(), failed["status"].clone()),
        (false.into(), "failed".into())
    );
    assert_eq!(failed["run"]["exit_code"], 1);

    env.poc_run(&["check", "env-access", "--run", "true"])
        .ok()
        .stderr_has("Done (setup): env-access")
        .stderr_has("The run passed (exit code 0)");
    let done = item(&env, "env-access");
    assert_eq!(done["done"], true);
    assert_eq!(done["run"]["exit_code"], 0);

    // A verification that fails later undoes the tick: the item is open
    // again until a run passes.
    env.poc_run(&["check", "env-access", "--run", "exit 2"])
        .code(1)
        .stderr_has("Failed (setup): env-access");
    assert_eq!(item(&env, "env-access")["done"], false);

    // With a criterion: both fail, in one append.
    env.poc_run(&["check", "SC1", "kickoff", "--run", "exit 3"])
        .code(1)
        .stderr_has("Failed: SC1")
        .stderr_has("Failed (setup): kickoff");
    let last = last_entry(&env);
    assert_eq!(
        (last["kind"].as_str(), last["id"].as_str()),
        (Some("fail"), Some("kickoff"))
    );
    assert_eq!(item(&env, "kickoff")["done"], false);
}
