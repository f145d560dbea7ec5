//! Command runs captured as evidence: `poc check ID --run CMD` runs the
//! command through the shell in the POC folder, shows its output live, and
//! keeps stdout and stderr with the command line, start time, duration and
//! exit code in a log under `evidence/`.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use chrono::{DateTime, Utc};

use crate::evidence::{EVIDENCE_DIR, hash_file, safe_file_name};
use crate::journal::RunEvidence;

/// How long `--run` lets a command run by default.
pub const DEFAULT_RUN_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// How a captured run ended.
#[derive(Debug)]
pub enum RunEnd {
    /// The command finished (met when exit code 0, failed otherwise).
    Finished(RunEvidence),
    /// Ctrl-C: the command was stopped; nothing is recorded, the partial log
    /// is kept at this path.
    Interrupted(String),
}

/// Set by the SIGINT handler while a command runs.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

#[cfg(unix)]
extern "C" fn on_sigint(_: libc::c_int) {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Runs `command` through the shell in `poc_dir`, showing its output live and
/// keeping stdout and stderr, with the command line, start time, duration and
/// exit code, in a log under `evidence/`.
pub fn run_command(
    poc_dir: &Path,
    command: &str,
    ids: &[String],
    timeout: Duration,
    now: DateTime<Utc>,
) -> anyhow::Result<RunEnd> {
    crate::fsutil::refuse_links(poc_dir, EVIDENCE_DIR)?;
    let dir = poc_dir.join(EVIDENCE_DIR);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let stamp = now.format("%Y%m%dT%H%M%SZ");
    let label = safe_file_name(&ids.join("-"));
    let (log_file, rel) = (0..)
        .find_map(|n| {
            let suffix = if n == 0 {
                String::new()
            } else {
                format!("-{n}")
            };
            let name = format!("run-{stamp}-{label}{suffix}.log");
            let file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(dir.join(&name));
            match file {
                Ok(f) => Some(Ok((f, format!("{EVIDENCE_DIR}/{name}")))),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => None,
                Err(e) => Some(Err(e)),
            }
        })
        .expect("an unbounded search finds a free name")
        .with_context(|| format!("cannot create a log in {}", dir.display()))?;
    let log = Arc::new(Mutex::new(log_file));
    {
        let mut l = log.lock().expect("log lock");
        writeln!(l, "# poc run evidence for {}", ids.join(", "))?;
        writeln!(l, "# command: {}", command.replace('\n', "\n#          "))?;
        writeln!(l, "# folder: the POC folder")?;
        writeln!(l, "# started: {}", now.to_rfc3339())?;
        writeln!(
            l,
            "# output: [out] lines from stdout, [err] lines from stderr; each stream in order"
        )?;
    }

    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(command)
        .current_dir(poc_dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // Its own process group, so a timeout or Ctrl-C stops everything it
        // started, not just the shell.
        cmd.process_group(0);
        INTERRUPTED.store(false, Ordering::SeqCst);
        // SAFETY: the handler only stores to an atomic.
        unsafe {
            libc::signal(libc::SIGINT, on_sigint as *const () as libc::sighandler_t);
        }
    }
    let started = Instant::now();
    let mut child = cmd
        .spawn()
        .with_context(|| format!("cannot run `{command}` through sh"))?;
    let out = tee(child.stdout.take(), "[out] ", Arc::clone(&log), false);
    let err = tee(child.stderr.take(), "[err] ", Arc::clone(&log), true);

    let mut timed_out = false;
    let mut interrupted = false;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if INTERRUPTED.load(Ordering::SeqCst) {
            interrupted = true;
        } else if started.elapsed() >= timeout {
            timed_out = true;
        }
        if interrupted || timed_out {
            kill_group(&mut child);
            break child.wait()?;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let _ = out.join();
    let _ = err.join();
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGINT, libc::SIG_DFL);
    }
    let duration = started.elapsed();
    let exit_code = if timed_out { None } else { status.code() };
    {
        let mut l = log.lock().expect("log lock");
        writeln!(l, "# duration: {:.3} s", duration.as_secs_f64())?;
        if interrupted {
            writeln!(l, "# interrupted (Ctrl-C): stopped, nothing recorded")?;
        } else if timed_out {
            writeln!(l, "# timed out after {} s: killed", timeout.as_secs())?;
        } else {
            match exit_code {
                Some(code) => writeln!(l, "# exit code: {code}")?,
                None => writeln!(l, "# killed by a signal")?,
            }
        }
        l.sync_all()?;
    }
    if interrupted {
        return Ok(RunEnd::Interrupted(rel));
    }
    let (sha256, size) = hash_file(&poc_dir.join(&rel))?;
    Ok(RunEnd::Finished(RunEvidence {
        command: command.to_string(),
        log: rel,
        sha256,
        size,
        started: now,
        duration_ms: duration.as_millis() as u64,
        exit_code,
        timed_out,
    }))
}

#[cfg(unix)]
fn kill_group(child: &mut std::process::Child) {
    // SAFETY: plain syscall; a negative pid names the child's process group.
    unsafe {
        libc::kill(-(child.id() as libc::pid_t), libc::SIGKILL);
    }
    let _ = child.kill();
}

#[cfg(not(unix))]
fn kill_group(child: &mut std::process::Child) {
    let _ = child.kill();
}

/// Copies a stream to the terminal as it arrives and, line by line with a
/// prefix, to the log.
fn tee(
    stream: Option<impl Read + Send + 'static>,
    prefix: &'static str,
    log: Arc<Mutex<File>>,
    to_stderr: bool,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let Some(mut stream) = stream else { return };
        let mut buf = [0u8; 8192];
        let mut pending: Vec<u8> = Vec::new();
        let flush_lines = |pending: &mut Vec<u8>, all: bool| {
            let mut l = log.lock().expect("log lock");
            while let Some(i) = pending.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = pending.drain(..=i).collect();
                let _ = l
                    .write_all(prefix.as_bytes())
                    .and_then(|_| l.write_all(&line));
            }
            if all && !pending.is_empty() {
                let _ = l
                    .write_all(prefix.as_bytes())
                    .and_then(|_| l.write_all(pending))
                    .and_then(|_| l.write_all(b"\n"));
                pending.clear();
            }
        };
        loop {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if to_stderr {
                        let _ = io::stderr().write_all(&buf[..n]);
                    } else {
                        let _ = io::stdout().write_all(&buf[..n]);
                        let _ = io::stdout().flush();
                    }
                    pending.extend_from_slice(&buf[..n]);
                    flush_lines(&mut pending, false);
                }
            }
        }
        flush_lines(&mut pending, true);
    })
}
