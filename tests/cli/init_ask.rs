//! `poc init` at a terminal without `--prospect` asks, under a
//! pseudo-terminal as a person would answer; never anywhere else.
#![cfg(target_os = "linux")]

use std::io::{Read as _, Write as _};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::TestEnv;

/// A program on a pseudo-terminal: stdin and stderr are the terminal,
/// stdout a pipe; what it shows on the terminal is collected as it comes.
struct Terminal {
    master: std::fs::File,
    shown: Arc<Mutex<Vec<u8>>>,
    seen: usize,
    child: Child,
}

impl Terminal {
    fn spawn(mut cmd: Command) -> Terminal {
        use std::os::unix::process::CommandExt as _;
        let (master, slave) = crate::common::pty();
        let tty = || {
            std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open(&slave)
                .unwrap()
        };
        cmd.stdin(tty()).stderr(tty()).stdout(Stdio::piped());
        unsafe {
            cmd.pre_exec(|| {
                if libc::setsid() == -1 || libc::ioctl(0, libc::TIOCSCTTY, 0) == -1 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().unwrap();
        let shown = Arc::new(Mutex::new(Vec::new()));
        let mut reader = master.try_clone().unwrap();
        let sink = Arc::clone(&shown);
        std::thread::spawn(move || {
            let mut buf = [0u8; 1024];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Terminal {
            master,
            shown,
            seen: 0,
            child,
        }
    }

    /// Waits until the terminal shows `text` (after what was seen before).
    #[track_caller]
    fn expect(&mut self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let shown = String::from_utf8_lossy(&self.shown.lock().unwrap()).into_owned();
            if let Some(at) = shown[self.seen.min(shown.len())..].find(text) {
                self.seen += at + text.len();
                return;
            }
            assert!(
                Instant::now() < deadline,
                "never showed {text:?}; shown:\n{shown}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn answer(&mut self, keys: &str) {
        self.master.write_all(keys.as_bytes()).unwrap();
    }

    fn finish(self) -> std::process::Output {
        self.child.wait_with_output().unwrap()
    }
}

#[test]
fn init_at_a_terminal_asks_with_defaults_and_creates_the_poc() {
    let env = TestEnv::new();
    let mut cmd = env.command(env.path(), &["init", "acme"]);
    cmd.env("POC_NOW", "2026-11-20T09:00:00Z")
        .env("POC_USER", "dana")
        .env("TZ", "UTC");
    let mut term = Terminal::spawn(cmd);
    term.expect("Prospect");
    term.answer("Acme Corp\r");
    term.expect("Acme Corp POC");
    term.answer("\r");
    term.expect("Template");
    term.answer("\r");
    term.expect("2026-11-20");
    term.answer("2026-11-23\r");
    term.expect("dana");
    term.answer("\r");
    let out = term.finish();
    assert!(out.status.success(), "{out:?}");
    let scope = env.read("acme/poc.yaml");
    assert!(scope.contains("prospect: \"Acme Corp\""), "{scope}");
    assert!(scope.contains("name: \"Acme Corp POC\""), "{scope}");
    assert!(scope.contains("start: 2026-11-23"), "{scope}");
    assert!(scope.contains("owner: \"dana\""), "{scope}");
    let status = env.run(&["-C", "acme", "status", "--format", "json"]);
    assert_eq!(status.ok().json()["prospect"], "Acme Corp");
}

#[test]
fn a_bad_answer_is_asked_again_and_nothing_is_written_until_all_are_given() {
    let env = TestEnv::new();
    let mut cmd = env.command(env.path(), &["init", "acme"]);
    cmd.env("POC_NOW", "2026-11-20T09:00:00Z")
        .env("POC_USER", "dana");
    let mut term = Terminal::spawn(cmd);
    term.expect("Prospect");
    term.answer("   \r");
    term.expect("an answer is needed");
    term.answer("Acme\r");
    term.expect("POC name");
    term.answer("\r");
    term.expect("Template");
    term.answer("\r");
    term.expect("Day 1");
    assert!(
        !env.path().join("acme").exists(),
        "wrote before the last answer"
    );
    term.answer("2026-02-30\r");
    term.expect("is not a real date");
    term.answer("2026-12-01\r");
    term.expect("SE running it");
    term.answer("\r");
    let out = term.finish();
    assert!(out.status.success(), "{out:?}");
    assert!(env.read("acme/poc.yaml").contains("start: 2026-12-01"));
}

#[test]
fn without_a_terminal_the_missing_prospect_is_the_usage_error_it_was() {
    let env = TestEnv::new();
    let mut cmd = env.command(env.path(), &["init", "acme"]);
    let out = cmd.stdin(Stdio::null()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with(
            "error: the following required arguments were not provided:\n  --prospect <PROSPECT>"
        ),
        "{err}"
    );
    assert!(!env.path().join("acme").exists());
}

/// A flag given with the questions is the default its question offers:
/// `--name` as `--start` and `--owner` are, not replaced by the prospect's.
#[test]
fn a_flag_given_is_the_default_of_its_question() {
    let env = TestEnv::new();
    let mut cmd = env.command(
        env.path(),
        &["init", "acme", "--name", "Q4 pilot", "--owner", "lee"],
    );
    cmd.env("POC_NOW", "2026-11-20T09:00:00Z")
        .env("POC_USER", "dana");
    let mut term = Terminal::spawn(cmd);
    term.expect("Prospect");
    term.answer("Acme\r");
    term.expect("Q4 pilot");
    term.answer("\r");
    term.expect("Template");
    term.answer("\r");
    term.expect("Day 1");
    term.answer("2026-12-01\r");
    term.expect("lee");
    term.answer("\r");
    let out = term.finish();
    assert!(out.status.success(), "{out:?}");
    let scope = env.read("acme/poc.yaml");
    assert!(scope.contains("name: \"Q4 pilot\""), "{scope}");
    assert!(scope.contains("owner: \"lee\""), "{scope}");
}

/// Ctrl-C while the templates are shown (the cursor hidden) stops init,
/// writes nothing, and leaves the terminal with its cursor shown.
#[test]
fn ctrl_c_at_the_template_choice_writes_nothing_and_shows_the_cursor() {
    let env = TestEnv::new();
    let mut cmd = env.command(env.path(), &["init", "acme"]);
    cmd.env("POC_NOW", "2026-11-20T09:00:00Z")
        .env("POC_USER", "dana");
    let mut term = Terminal::spawn(cmd);
    term.expect("Prospect");
    term.answer("Acme\r");
    term.expect("POC name");
    term.answer("\r");
    term.expect("standard");
    let shown = Arc::clone(&term.shown);
    term.answer("\x03");
    let out = term.finish();
    assert!(!out.status.success(), "{out:?}");
    assert!(!env.path().join("acme").exists());
    // The reader thread may still hold the last bytes for a moment.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let text = String::from_utf8_lossy(&shown.lock().unwrap()).into_owned();
        let hidden = text
            .rfind("\x1b[?25l")
            .expect("the choice hides the cursor");
        if text[hidden..].contains("\x1b[?25h") {
            break;
        }
        assert!(Instant::now() < deadline, "cursor left hidden: {text:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}
