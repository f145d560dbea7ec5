//! Evidence that holds up at sign-off: files copied next to the POC under a
//! content-addressed name, and command runs captured with their output and
//! exit code. Everything is hashed (sha256) so anyone can check later that
//! nothing changed.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::journal::{Event, FileEvidence, Journal, RunEvidence};
use crate::text::terminal_safe;

/// The folder, inside the POC folder, that holds evidence.
pub const EVIDENCE_DIR: &str = "evidence";
/// The largest file `--attach` accepts: screenshots, PDFs and logs fit; a
/// database dump belongs somewhere else, referenced with `--evidence`.
pub const MAX_ATTACHMENT_BYTES: u64 = 50 * 1024 * 1024;

/// A file checked and ready to attach, held open: what is stored is what
/// was checked, even if the path is replaced (by a `--run` command, say)
/// before it is copied.
#[derive(Debug)]
pub struct Attachment {
    pub source: PathBuf,
    pub name: String,
    file: File,
}

/// How old a `.poc-tmp-*` file in `evidence/` must be before [`store`]
/// removes it as left by a copy that was killed (SIGKILL, a power cut).
pub const STALE_TEMP_AGE: std::time::Duration = std::time::Duration::from_secs(60 * 60);

/// Checks a file before anything is recorded, and opens it once: it exists,
/// is a regular file, not on a system pseudo-filesystem such as `/proc`
/// (whose files stat as regular), and is within the size cap. The file is opened without
/// blocking (a FIFO put in its place cannot hang the open) and checked on the
/// opened handle, so nothing else can be swapped in between.
pub fn check_attachment(source: &Path) -> Result<Attachment, Error> {
    let shown = source.display();
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let opened = options
        .open(source)
        .and_then(|f| f.metadata().map(|m| (f, m)));
    let (file, meta) = opened.map_err(|e| {
        Error::new(match e.kind() {
            io::ErrorKind::NotFound => {
                format!("--attach {shown}: no such file (nothing was recorded)")
            }
            _ => format!("--attach {shown}: cannot read it: {e} (nothing was recorded)"),
        })
    })?;
    if meta.is_dir() {
        return Err(Error::new(format!(
            "--attach {shown}: is a folder; attach files one by one, or an archive of it (nothing was recorded)"
        )));
    }
    if let Some(at) = crate::fsutil::pseudo_filesystem(&file) {
        return Err(Error::new(format!(
            "--attach {shown}: is on {at}, a system pseudo-filesystem, not a file to attach (nothing was recorded)"
        )));
    }
    if !meta.is_file() {
        return Err(Error::new(format!(
            "--attach {shown}: not a regular file (nothing was recorded)"
        )));
    }
    if meta.len() > MAX_ATTACHMENT_BYTES {
        return Err(Error::new(format!(
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
        file,
    })
}

/// Removes `.poc-tmp-*` files in `dir` older than [`STALE_TEMP_AGE`]: left
/// by a copy killed before it could clean up. Best effort; a younger one may
/// be another `poc` copying right now and is left alone.
fn remove_stale_temps(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let now = std::time::SystemTime::now();
    for entry in entries.flatten() {
        if !entry.file_name().to_string_lossy().starts_with(".poc-tmp-") {
            continue;
        }
        let stale = entry.metadata().ok().filter(|m| m.is_file()).and_then(|m| {
            let age = now.duration_since(m.modified().ok()?).ok()?;
            Some(age > STALE_TEMP_AGE)
        });
        if stale == Some(true) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
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

/// Copies an attachment into `evidence/` under `<hash prefix>-<safe name>`,
/// from the handle [`check_attachment`] opened, capped by the bytes read
/// (a file may grow after it was checked). The same
/// content attached twice is stored once; a different file never replaces a
/// stored one. Stale temporary files of killed copies are removed first.
pub fn store(poc_dir: &Path, attachment: &Attachment) -> anyhow::Result<FileEvidence> {
    crate::fsutil::refuse_links(poc_dir, EVIDENCE_DIR)?;
    let dir = poc_dir.join(EVIDENCE_DIR);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".poc-tmp-")
        .tempfile_in(&dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    let mut source = &attachment.file;
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
        // SIGINT, SIGTERM or SIGHUP during the copy: the temporary file is
        // removed as `tmp` drops, and nothing is recorded.
        if let Some(stop) = crate::run::stop_requested() {
            return Err(crate::run::Stopped(stop).into());
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
                // Only a regular file there counts, never a link to one.
                let regular = std::fs::symlink_metadata(&target).is_ok_and(|m| m.is_file());
                let same =
                    || hash_file_upto(&target, size).is_ok_and(|(h, _, over)| !over && h == sha256);
                if regular && same() {
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

/// Copies every attachment into `evidence/` ([`store`]), the one way a
/// command stores them (`check`, `signoff`). While copying, SIGINT, SIGTERM
/// and SIGHUP only ask to stop: the copy in progress removes its temporary
/// file and [`crate::run::Stopped`] is returned, so nothing is recorded.
pub fn store_all(poc_dir: &Path, attachments: &[Attachment]) -> anyhow::Result<Vec<FileEvidence>> {
    if attachments.is_empty() {
        return Ok(Vec::new());
    }
    let _signals = crate::run::SignalGuard::install();
    // Once for all the attachments: it lists the whole folder.
    remove_stale_temps(&poc_dir.join(EVIDENCE_DIR));
    let mut files: Vec<FileEvidence> = Vec::new();
    for a in attachments {
        let file = store(poc_dir, a)?;
        // The same file given twice (`--attach f --attach f`) is one.
        if !files.iter().any(|f| f.path == file.path) {
            files.push(file);
        }
    }
    match crate::run::stop_requested() {
        Some(stop) => Err(crate::run::Stopped(stop).into()),
        None => Ok(files),
    }
}

/// sha256 (hex) and size of a regular file; anything else is an error
/// (see [`crate::fsutil::open_regular`]), never a wait.
pub fn hash_file(path: &Path) -> io::Result<(String, u64)> {
    hash_file_upto(path, u64::MAX).map(|(hash, size, _)| (hash, size))
}

/// As [`hash_file`], reading at most `cap` bytes and one more: the third
/// value says whether the file held more than `cap` (then the hash and size
/// are of its first `cap + 1` bytes only). Bounded by the bytes read, not
/// by a size reported beforehand.
pub fn hash_file_upto(path: &Path, cap: u64) -> io::Result<(String, u64, bool)> {
    let mut file = crate::fsutil::open_regular(path)?.take(cap.saturating_add(1));
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
    Ok((hex(&hasher.finalize()), size, size > cap))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// One piece of evidence, as `poc evidence` lists it.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceRow {
    /// The criterion, checklist item or sign-off it is bound to.
    pub id: String,
    /// `met` (check) or `failed`.
    pub result: crate::state::Status,
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
            Event::Check(m) => (m, crate::state::Status::Met),
            Event::Fail(m) => (m, crate::state::Status::Failed),
            Event::Signoff(s) => {
                rows.extend(signoff_rows(line, &s.id, s.evidence.as_deref(), &s.files));
                continue;
            }
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

/// The evidence of a sign-off: its text and files, listed (and verified)
/// as a met criterion's are.
fn signoff_rows(
    line: &crate::journal::Line,
    id: &str,
    evidence: Option<&str>,
    files: &[FileEvidence],
) -> Vec<EvidenceRow> {
    let row = |kind, file: Option<&FileEvidence>, detail: String| EvidenceRow {
        id: id.to_string(),
        result: crate::state::Status::Met,
        at: line.entry.at,
        by: line.entry.by.to_string(),
        kind,
        path: file.map(|f| f.path.clone()),
        sha256: file.map(|f| f.sha256.clone()),
        size: file.map(|f| f.size),
        detail,
        line: line.number,
    };
    let text = evidence.map(|e| row("text", None, e.to_string()));
    let stored = files.iter().map(|f| row("file", Some(f), f.name.clone()));
    text.into_iter().chain(stored).collect()
}

/// "`cmd` exit 0", "`cmd` timed out", "`cmd` killed".
pub fn run_summary(run: &RunEvidence) -> String {
    format!("`{}` {}", run.command, run.outcome())
}

/// What is wrong with a stored evidence file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileProblem {
    Missing,
    Changed,
    /// A FIFO, a device or a folder: not read.
    NotAFile,
    /// Reached through a symbolic link, which may lead outside the POC.
    Link,
    /// A path outside `evidence/` (`/etc/passwd`, `evidence/../../x`): only
    /// a hand-edited journal names one. Not read.
    Outside,
}

impl FileProblem {
    /// The code `validate` reports it under, and whether it is an error
    /// (never "ok": a file not read may be anything, anywhere).
    pub fn code(self) -> (&'static str, bool) {
        match self {
            FileProblem::Missing => ("evidence-missing", false),
            FileProblem::Changed => ("evidence-changed", false),
            FileProblem::Link => ("evidence-link", true),
            FileProblem::NotAFile => ("evidence-not-a-file", true),
            FileProblem::Outside => ("evidence-outside", true),
        }
    }
}

/// A stored file that no longer matches what was recorded.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    pub path: String,
    pub id: String,
    pub line: usize,
    pub problem: FileProblem,
    pub expected_sha256: String,
    pub actual_sha256: Option<String>,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Path and ID come from the journal, which a person may have edited.
        let (path, id) = (terminal_safe(&self.path), terminal_safe(&self.id));
        let line = self.line;
        match self.problem {
            FileProblem::Missing => write!(
                f,
                "{path} (evidence for {id}, journal line {line}) is missing"
            ),
            FileProblem::NotAFile => write!(
                f,
                "{path} (evidence for {id}, journal line {line}) is not a regular file; it was not read"
            ),
            FileProblem::Link => write!(
                f,
                "{path} (evidence for {id}, journal line {line}) is reached through a symbolic link, which may lead outside the POC folder; it was not read"
            ),
            FileProblem::Outside => write!(
                f,
                "{path} (evidence for {id}, journal line {line}) is outside the POC's evidence folder; it was not read"
            ),
            FileProblem::Changed => match &self.actual_sha256 {
                Some(actual) => write!(
                    f,
                    "{path} (evidence for {id}, journal line {line}) changed since it was recorded: sha256 {} expected {}",
                    terminal_safe(actual),
                    terminal_safe(&self.expected_sha256)
                ),
                None => write!(
                    f,
                    "{path} (evidence for {id}, journal line {line}) changed since it was recorded: it is larger than the size recorded"
                ),
            },
        }
    }
}

/// Whether `path` is one `poc` records: relative, below `evidence/`, with
/// no `..` or `.` on the way. Anything else (a hand-edited journal) is
/// reported rather than followed.
fn in_evidence_dir(path: &str) -> bool {
    let mut parts = Path::new(path).components();
    parts.next() == Some(std::path::Component::Normal(EVIDENCE_DIR.as_ref()))
        && parts.clone().next().is_some()
        && parts.all(|c| matches!(c, std::path::Component::Normal(_)))
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
        let (actual, problem) = if !in_evidence_dir(&path) {
            (None, FileProblem::Outside)
        } else if crate::fsutil::link_in(poc_dir, &path).is_some() {
            (None, FileProblem::Link)
        } else {
            // A file longer than recorded has changed: no need to read
            // more of it than that to know.
            let cap = row.size.unwrap_or(u64::MAX);
            match hash_file_upto(&poc_dir.join(&path), cap) {
                Ok((_, _, true)) => (None, FileProblem::Changed),
                Ok((h, _, _)) if h == expected => continue,
                Ok((h, _, _)) => (Some(h), FileProblem::Changed),
                Err(e) if crate::fsutil::not_regular(&e).is_some() => (None, FileProblem::NotAFile),
                Err(_) => (None, FileProblem::Missing),
            }
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

    #[cfg(unix)]
    #[test]
    fn a_signal_during_a_copy_removes_the_temporary_file_and_stops() {
        let root = tempfile::tempdir().unwrap();
        let source = root.path().join("proof.png");
        std::fs::write(&source, b"png").unwrap();
        let attachment = check_attachment(&source).unwrap();
        crate::run::pretend_signal(libc::SIGTERM);
        let stored = store(root.path(), &attachment);
        crate::run::pretend_signal(0);
        let err = stored.unwrap_err();
        assert!(
            matches!(
                err.downcast_ref::<crate::run::Stopped>(),
                Some(crate::run::Stopped(crate::run::Stop::Terminate))
            ),
            "{err:#}"
        );
        let left: Vec<_> = std::fs::read_dir(root.path().join(EVIDENCE_DIR))
            .unwrap()
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn only_paths_below_evidence_are_read() {
        assert!(in_evidence_dir("evidence/abc-x.png"));
        assert!(in_evidence_dir("evidence/run-20261123T090000Z-SC1.log"));
        for outside in [
            "/etc/passwd",
            "evidence/../../x",
            "../evidence/x",
            "./evidence/x",
            "poc.yaml",
            "evidence",
            "evidence/",
            "",
        ] {
            assert!(!in_evidence_dir(outside), "{outside}");
        }
    }

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
