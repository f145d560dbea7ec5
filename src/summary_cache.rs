//! The summary cache: a POC's [`Summary`] kept in `.poc-cache/summary.json`
//! inside its folder, so `poc list` and `poc insights` over thousands of
//! POCs read one small file per POC instead of parsing its scope and
//! replaying its journal.
//!
//! How it stays correct: the cache records, for each file the summary was
//! made from (`poc.yaml`, `journal.yaml`, `debrief.md`), its size,
//! modification and change times and inode, as they were before the files
//! were read, and the build of `poc` that made it. It is used only when all
//! of them are unchanged; anything else (an edit, a `git pull`, a merge, a
//! new build, a file restored with an old time, whose change time still
//! moves on Unix) makes the POC be read afresh. A POC whose files are links
//! is always read afresh: the link's times do not move when its target
//! changes. A summary is kept only when every file is older than
//! [`SETTLE`], by this machine's clock when it is written and by the cache
//! file's own time when it is read: a file written within the file
//! system's timestamp granularity could change again without its times
//! moving (git's "racily clean" problem). The cache is never needed: a
//! missing, unreadable, corrupt or foreign cache is read past, and deleting
//! `.poc-cache/` (or `--no-cache`) costs only time. The folder holds its
//! own `.gitignore`, so it is never committed, and another user's POC gets
//! none.

use std::io::Write as _;
use std::path::Path;
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use crate::clock::Now;
use crate::context::Poc;
use crate::journal::JOURNAL_FILE;
use crate::report::DEBRIEF_FILE;
use crate::scope::SCOPE_FILE;
use crate::summary::Summary;

/// The cache's folder in a POC folder.
pub const CACHE_DIR: &str = ".poc-cache";
const CACHE_FILE: &str = "summary.json";
/// Bumped whenever [`Summary`] changes meaning without changing shape.
const FORMAT: u32 = 3;
/// How old every file must be before its summary is kept.
const SETTLE: Duration = Duration::from_secs(2);
/// The most of a cache file read: a summary is a few kilobytes.
const MAX_CACHE_BYTES: u64 = 4 * 1024 * 1024;
/// The files a summary is made from.
const SOURCES: [&str; 3] = [SCOPE_FILE, JOURNAL_FILE, DEBRIEF_FILE];

/// A file as the cache last saw it; none when it did not exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Stamp {
    len: u64,
    modified_ns: i128,
    changed_ns: i128,
    inode: u64,
}

#[derive(Serialize, Deserialize)]
struct CacheFile {
    format: u32,
    build: String,
    files: Vec<Option<Stamp>>,
    summary: Summary,
}

/// The summary of the POC in `dir`: from its cache when that is still
/// true, else read afresh (and cached, when `cache` allows).
pub fn summary(dir: &Path, now: Now, cache: bool) -> anyhow::Result<Summary> {
    let stamps = stamps(dir).filter(|_| cache);
    if let Some(stamps) = &stamps
        && let Some(summary) = cached(dir, stamps)
    {
        return Ok(summary);
    }
    let summary = Summary::of(&Poc::open(dir, now)?);
    if let Some(stamps) = stamps.filter(|s| settled(s)) {
        // Best effort: a read-only checkout is listed all the same.
        let _ = store(dir, stamps, &summary);
    }
    Ok(summary)
}

/// The stamps of the source files; none when one is a link, whose
/// target's changes its own stamp would not show (such a POC is always
/// read afresh).
fn stamps(dir: &Path) -> Option<Vec<Option<Stamp>>> {
    let mut stamps = Vec::with_capacity(SOURCES.len());
    for file in SOURCES {
        match std::fs::symlink_metadata(dir.join(file)) {
            Ok(meta) if meta.file_type().is_symlink() => return None,
            Ok(meta) => stamps.push(Some(Stamp::of(&meta))),
            Err(_) => stamps.push(None),
        }
    }
    Some(stamps)
}

impl Stamp {
    #[cfg(unix)]
    fn of(meta: &std::fs::Metadata) -> Stamp {
        use std::os::unix::fs::MetadataExt as _;
        let ns = |s: i64, n: i64| i128::from(s) * 1_000_000_000 + i128::from(n);
        Stamp {
            len: meta.size(),
            modified_ns: ns(meta.mtime(), meta.mtime_nsec()),
            changed_ns: ns(meta.ctime(), meta.ctime_nsec()),
            inode: meta.ino(),
        }
    }

    /// Elsewhere the creation time stands in for the change time, and there
    /// is no inode: a file restored with an old modification time and the
    /// same size is not seen there.
    #[cfg(not(unix))]
    fn of(meta: &std::fs::Metadata) -> Stamp {
        let ns = |t: std::io::Result<SystemTime>| {
            t.ok()
                .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos() as i128)
        };
        Stamp {
            len: meta.len(),
            modified_ns: ns(meta.modified()),
            changed_ns: ns(meta.created()),
            inode: 0,
        }
    }
}

/// Whether every file is older than [`SETTLE`] by the system clock (not
/// `POC_NOW`: file times are real).
fn settled(stamps: &[Option<Stamp>]) -> bool {
    let Ok(now) = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH) else {
        return false;
    };
    older_than(stamps, now.as_nanos() as i128)
}

/// Whether every file's times are [`SETTLE`] before `ns`.
fn older_than(stamps: &[Option<Stamp>], ns: i128) -> bool {
    let limit = ns - SETTLE.as_nanos() as i128;
    (stamps.iter().flatten()).all(|s| s.modified_ns < limit && s.changed_ns < limit)
}

/// The build of `poc` running: its version and its binary's stamp, so a
/// new build never trusts an old build's summaries.
fn build() -> &'static str {
    static BUILD: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    BUILD.get_or_init(|| {
        // Followed: the binary a link (on macOS, often) names.
        let exe = (std::env::current_exe().ok())
            .and_then(|p| std::fs::metadata(p).ok())
            .map(|m| Stamp::of(&m));
        let exe = exe.map_or(0, |s| s.len as i128 ^ s.modified_ns);
        format!("{}+{exe:x}", env!("CARGO_PKG_VERSION"))
    })
}

fn cached(dir: &Path, stamps: &[Option<Stamp>]) -> Option<Summary> {
    let rel = format!("{CACHE_DIR}/{CACHE_FILE}");
    if crate::fsutil::link_in(dir, &rel).is_some() {
        return None;
    }
    let path = dir.join(rel);
    let file = crate::fsutil::open_regular(&path).ok()?;
    // Checked again against the cache's own time, which the same file
    // system's clock gave: on a network share this machine's clock may be
    // ahead of the server's, and a file then looked settled when it was not.
    let written = Stamp::of(&file.metadata().ok()?).modified_ns;
    let bytes = crate::fsutil::read_capped(&file, &path, MAX_CACHE_BYTES).ok()?;
    let cache: CacheFile = serde_json::from_slice(&bytes).ok()?;
    (cache.format == FORMAT
        && cache.build == build()
        && cache.files == stamps
        && older_than(stamps, written))
    .then_some(cache.summary)
}

/// Writes the cache: a new file renamed over the old, so a reader sees
/// one or the other. Not synced to disk: after a crash the cache may be
/// missing or empty, and is then rebuilt.
fn store(dir: &Path, files: Vec<Option<Stamp>>, summary: &Summary) -> anyhow::Result<()> {
    // Another user's POC: a cache only we could update would be theirs to
    // delete.
    #[cfg(unix)]
    if crate::locate::foreign_owner(dir).is_some() {
        anyhow::bail!("{} is another user's", dir.display());
    }
    let folder = dir.join(CACHE_DIR);
    match std::fs::symlink_metadata(&folder) {
        Ok(meta) if meta.is_dir() => {}
        // A link or a file by that name is not ours to write through.
        Ok(_) => anyhow::bail!("{} is not a folder", folder.display()),
        Err(_) => std::fs::create_dir(&folder)?,
    }
    ignore_in_git(&folder)?;
    let cache = CacheFile {
        format: FORMAT,
        build: build().to_string(),
        files,
        summary: summary.clone(),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".summary-")
        .tempfile_in(&folder)?;
    tmp.write_all(&serde_json::to_vec(&cache)?)?;
    tmp.persist(folder.join(CACHE_FILE))?;
    Ok(())
}

/// Writes the `.gitignore` that keeps the cache out of git, when it is
/// missing (a run stopped between making the folder and writing it).
fn ignore_in_git(folder: &Path) -> anyhow::Result<()> {
    let path = folder.join(".gitignore");
    if std::fs::symlink_metadata(&path).is_err() {
        std::fs::write(
            path,
            "# Made by poc: a cache, rebuilt whenever needed.\n*\n",
        )?;
    }
    Ok(())
}
