//! Evidence that holds up at sign-off: files copied next to the POC under a
//! content-addressed name, and command runs captured with their output and
//! exit code. Everything is hashed (sha256) so anyone can check later that
//! nothing changed.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::UserError;
use crate::journal::{Event, FileEvidence, Journal, RunEvidence};
use crate::text::terminal_safe;

/// The folder, inside the POC folder, that holds evidence.
pub const EVIDENCE_DIR: &str = "evidence";
/// The largest file `--attach` accepts: screenshots, PDFs and logs fit; a
/// database dump belongs somewhere else, referenced with `--evidence`.
pub const MAX_ATTACHMENT_BYTES: u64 = 50 * 1024 * 1024;
/// How long `--run` lets a command run by default.
pub const DEFAULT_RUN_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// A file checked and ready to attach.
#[derive(Debug)]
pub struct Attachment {
    pub source: PathBuf,
    pub name: String,
    pub size: u64,
}

/// Checks a file before anything is recorded: it exists, is a regular file
/// and is within the size cap.
pub fn check_attachment(source: &Path) -> Result<Attachment, UserError> {
    let shown = source.display();
    let meta = std::fs::metadata(source).map_err(|e| {
        UserError::new(match e.kind() {
            io::ErrorKind::NotFound => {
                format!("--attach {shown}: no such file (nothing was recorded)")
            }
            _ => format!("--attach {shown}: cannot read it: {e} (nothing was recorded)"),
        })
    })?;
    if meta.is_dir() {
        return Err(UserError::new(format!(
            "--attach {shown}: is a folder; attach files one by one, or an archive of it (nothing was recorded)"
        )));
    }
    if !meta.is_file() {
        return Err(UserError::new(format!(
            "--attach {shown}: not a regular file (nothing was recorded)"
        )));
    }
    if meta.len() > MAX_ATTACHMENT_BYTES {
        return Err(UserError::new(format!(
            "--attach {shown}: {} bytes is over the {} MiB limit for attachments; keep it elsewhere and reference it with --evidence (nothing was recorded)",
            meta.len(),
            MAX_ATTACHMENT_BYTES / (1024 * 1024)
        )));
    }
    let name = source
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".to_string());
    Ok(Attachment {
        source: source.to_path_buf(),
        name,
        size: meta.len(),
    })
}

/// A name safe in any folder and any markdown link: ASCII letters, digits,
/// `.`, `-` and `_` only, never starting with a dot, at most 80 characters.
pub fn safe_file_name(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    while out.starts_with('.') {
        out.remove(0);
    }
    if out.len() > 80 {
        let cut = out.len() - 80;
        out.drain(..cut);
    }
    if out.trim_matches(|c| c == '_' || c == '.').is_empty() {
        out = "file".to_string();
    }
    out
}

/// Copies an attachment into `evidence/` under `<hash prefix>-<safe name>`.
/// The same content attached twice is stored once; a different file never
/// replaces a stored one.
pub fn store(poc_dir: &Path, attachment: &Attachment) -> anyhow::Result<FileEvidence> {
    let dir = poc_dir.join(EVIDENCE_DIR);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".poc-tmp-")
        .tempfile_in(&dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    let mut source = File::open(&attachment.source)
        .with_context(|| format!("cannot read {}", attachment.source.display()))?;
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = source
            .read(&mut buf)
            .with_context(|| format!("cannot read {}", attachment.source.display()))?;
        if n == 0 {
            break;
        }
        size += n as u64;
        if size > MAX_ATTACHMENT_BYTES {
            crate::fail!(
                "--attach {}: grew past the {} MiB limit while being copied (nothing was recorded)",
                attachment.source.display(),
                MAX_ATTACHMENT_BYTES / (1024 * 1024)
            );
        }
        hasher.update(&buf[..n]);
        tmp.write_all(&buf[..n])?;
    }
    tmp.as_file().sync_all()?;
    #[cfg(unix)]
    std::fs::set_permissions(
        tmp.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o644),
    )?;
    let sha256 = hex(&hasher.finalize());
    let safe = safe_file_name(&attachment.name);
    for stem in [sha256[..12].to_string(), sha256.clone()] {
        let file_name = format!("{stem}-{safe}");
        let target = dir.join(&file_name);
        let rel = format!("{EVIDENCE_DIR}/{file_name}");
        match tmp.persist_noclobber(&target) {
            Ok(_) => {
                crate::fsutil::sync_dir(&dir);
                return Ok(FileEvidence {
                    path: rel,
                    sha256: sha256.clone(),
                    size,
                    name: attachment.name.clone(),
                });
            }
            Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists => {
                tmp = e.file;
                if hash_file(&target).ok().map(|(h, _)| h) == Some(sha256.clone()) {
                    // Already stored: the same content under the same name.
                    return Ok(FileEvidence {
                        path: rel,
                        sha256: sha256.clone(),
                        size,
                        name: attachment.name.clone(),
                    });
                }
            }
            Err(e) => {
                return Err(anyhow::Error::new(e.error)
                    .context(format!("cannot store {}", target.display())));
            }
        }
    }
    crate::fail!(
        "cannot store {}: evidence/ already holds different files under its names; nothing was overwritten",
        attachment.source.display()
    )
}

/// sha256 (hex) and size of a file.
pub fn hash_file(path: &Path) -> io::Result<(String, u64)> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buf[..n]);
    }
    Ok((hex(&hasher.finalize()), size))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

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

/// One piece of evidence, as `poc evidence` lists it.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceRow {
    /// The criterion or checklist item it is bound to.
    pub id: String,
    /// `met` (check) or `failed`.
    pub result: &'static str,
    pub at: DateTime<Utc>,
    pub by: String,
    /// text | file | run
    pub kind: &'static str,
    pub path: Option<String>,
    pub sha256: Option<String>,
    pub size: Option<u64>,
    /// The text, the original file name, or the command and its exit code.
    pub detail: String,
    /// The journal line it was recorded on.
    pub line: usize,
}

/// Every piece of evidence in the journal, oldest first.
pub fn list(journal: &Journal) -> Vec<EvidenceRow> {
    let mut rows = Vec::new();
    for line in journal.in_time_order() {
        let (mark, result) = match &line.entry.event {
            Event::Check(m) => (m, "met"),
            Event::Fail(m) => (m, "failed"),
            _ => continue,
        };
        let row = |kind, path: Option<&str>, sha: Option<&str>, size, detail: String| EvidenceRow {
            id: mark.id.to_string(),
            result,
            at: line.entry.at,
            by: line.entry.by.to_string(),
            kind,
            path: path.map(String::from),
            sha256: sha.map(String::from),
            size,
            detail,
            line: line.number,
        };
        if let Some(text) = &mark.evidence {
            rows.push(row("text", None, None, None, text.to_string()));
        }
        for f in &mark.files {
            rows.push(row(
                "file",
                Some(&f.path),
                Some(&f.sha256),
                Some(f.size),
                f.name.clone(),
            ));
        }
        if let Some(r) = &mark.run {
            rows.push(row(
                "run",
                Some(&r.log),
                Some(&r.sha256),
                Some(r.size),
                run_summary(r),
            ));
        }
    }
    rows
}

/// "`cmd` exit 0", "`cmd` timed out", "`cmd` killed".
pub fn run_summary(run: &RunEvidence) -> String {
    format!("`{}` {}", run.command, run.outcome())
}

/// A stored file that no longer matches what was recorded.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    pub path: String,
    pub id: String,
    pub line: usize,
    /// missing | changed
    pub problem: &'static str,
    pub expected_sha256: String,
    pub actual_sha256: Option<String>,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Path and ID come from the journal, which a person may have edited.
        let (path, id) = (terminal_safe(&self.path), terminal_safe(&self.id));
        match self.problem {
            "missing" => write!(
                f,
                "{path} (evidence for {id}, journal line {}) is missing",
                self.line
            ),
            _ => write!(
                f,
                "{path} (evidence for {id}, journal line {}) changed since it was recorded: sha256 {} expected {}",
                self.line,
                self.actual_sha256.as_deref().unwrap_or("?"),
                self.expected_sha256
            ),
        }
    }
}

/// Re-hashes every stored file the journal names; each path is checked once.
pub fn verify(poc_dir: &Path, journal: &Journal) -> Vec<Problem> {
    let mut seen = std::collections::HashSet::new();
    let mut problems = Vec::new();
    for row in list(journal) {
        let (Some(path), Some(expected)) = (row.path, row.sha256) else {
            continue;
        };
        if !seen.insert(path.clone()) {
            continue;
        }
        // Recorded paths are relative and inside evidence/; anything else
        // (a hand-edited journal) is reported rather than followed.
        let inside = Path::new(&path)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
        let actual = if inside {
            hash_file(&poc_dir.join(&path)).ok().map(|(h, _)| h)
        } else {
            None
        };
        let problem = match &actual {
            None => "missing",
            Some(h) if *h != expected => "changed",
            Some(_) => continue,
        };
        problems.push(Problem {
            path,
            id: row.id,
            line: row.line,
            problem,
            expected_sha256: expected,
            actual_sha256: actual,
        });
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_stay_inside_evidence() {
        assert_eq!(safe_file_name("../../x"), "_.._x");
        assert_eq!(safe_file_name(".bashrc"), "bashrc");
        assert_eq!(safe_file_name("a\u{1b}[31m b.png"), "a__31m_b.png");
        assert_eq!(safe_file_name("..."), "file");
        assert_eq!(safe_file_name("résumé (1).pdf"), "r_sum___1_.pdf");
        assert!(!safe_file_name(&"x".repeat(300)).contains('/'));
        assert_eq!(safe_file_name(&"x".repeat(300)).len(), 80);
    }
}
