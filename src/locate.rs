//! Finding the POC folder: the nearest folder holding `poc.yaml`, from a
//! starting folder upward, with the boundaries git has for its own search,
//! so a `poc.yaml` planted in a shared parent folder (`/tmp`, a home folder
//! shared by a team) cannot capture commands run below it:
//!
//! - the search stops at a repository root (a folder holding `.git`), after
//!   looking in it;
//! - it never crosses into another filesystem (the device changes);
//! - it never looks in or above a folder listed in `POC_CEILING_DIRECTORIES`
//!   (colon-separated absolute paths, as `GIT_CEILING_DIRECTORIES`), though
//!   the starting folder itself is always looked in (and, if it is a
//!   ceiling, nothing above it);
//! - a `poc.yaml` owned by another user is refused, as git refuses a
//!   repository owned by someone else, unless `-C DIR` names its folder.

use std::path::{Path, PathBuf};

use crate::scope::SCOPE_FILE;

/// The environment variable listing folders the search never enters.
pub const CEILING_VAR: &str = "POC_CEILING_DIRECTORIES";

/// Why the upward search ended without a `poc.yaml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// Reached the filesystem's root.
    Root,
    /// The repository root (holding `.git`) at this folder.
    Repository(PathBuf),
    /// The parent (or the starting folder) is a ceiling from
    /// `POC_CEILING_DIRECTORIES`.
    Ceiling(PathBuf),
    /// The parent is on another filesystem.
    Filesystem(PathBuf),
}

impl Stop {
    /// " (the search stops at …)", for messages; empty at the root or a
    /// filesystem's edge.
    pub fn describe(&self) -> String {
        let shown = |p: &Path| crate::text::terminal_safe(&p.display().to_string());
        match self {
            Stop::Root => String::new(),
            Stop::Repository(dir) => {
                format!(" (the search stops at the repository root {})", shown(dir))
            }
            Stop::Ceiling(dir) => {
                format!(" (the search stops below {}, in {CEILING_VAR})", shown(dir))
            }
            // A mount point is where most searches end anyway: not worth a
            // word, like the root.
            Stop::Filesystem(_) => String::new(),
        }
    }
}

/// Whether `dir` holds a `poc.yaml`. Any entry counts, even one that is
/// not a regular file or a broken link: loading it then says what is wrong.
pub fn holds_scope(dir: &Path) -> bool {
    std::fs::symlink_metadata(dir.join(SCOPE_FILE)).is_ok()
}

/// The folders of `POC_CEILING_DIRECTORIES`: absolute paths only (others
/// are ignored, as git does), resolved through links where they exist.
pub fn ceilings_from_env() -> Vec<PathBuf> {
    let Some(value) = std::env::var_os(CEILING_VAR) else {
        return Vec::new();
    };
    std::env::split_paths(&value)
        .filter(|p| p.is_absolute())
        .map(|p| std::fs::canonicalize(&p).unwrap_or(p))
        .collect()
}

/// The device a folder is on, where the platform says.
pub fn device(dir: &Path) -> Option<u64> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        std::fs::metadata(dir).ok().map(|m| m.dev())
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        None
    }
}

/// Searches from `start` (absolute) upward for a folder holding `poc.yaml`.
/// `device` tells which filesystem a folder is on (see [`device`]).
pub fn search(
    start: &Path,
    ceilings: &[PathBuf],
    device: impl Fn(&Path) -> Option<u64>,
) -> Result<PathBuf, Stop> {
    search_for(start, ceilings, device, holds_scope)
}

/// Searches from `start` (absolute) upward for a folder where `holds` is
/// true, within the same boundaries as [`search`].
pub fn search_for(
    start: &Path,
    ceilings: &[PathBuf],
    device: impl Fn(&Path) -> Option<u64>,
    holds: impl Fn(&Path) -> bool,
) -> Result<PathBuf, Stop> {
    let mut dir = start;
    loop {
        if holds(dir) {
            return Ok(dir.to_path_buf());
        }
        if std::fs::symlink_metadata(dir.join(".git")).is_ok() {
            return Err(Stop::Repository(dir.to_path_buf()));
        }
        // Started at a ceiling: looked in (as git does), never above.
        if ceilings.iter().any(|c| c == dir) {
            return Err(Stop::Ceiling(dir.to_path_buf()));
        }
        let Some(parent) = dir.parent() else {
            return Err(Stop::Root);
        };
        if ceilings.iter().any(|c| c == parent) {
            return Err(Stop::Ceiling(parent.to_path_buf()));
        }
        if let (Some(here), Some(there)) = (device(dir), device(parent))
            && here != there
        {
            return Err(Stop::Filesystem(dir.to_path_buf()));
        }
        dir = parent;
    }
}

/// Refuses the `poc.yaml` in `dir` when another user owns it (see the
/// module's notes); `shown` is the folder as messages name it. As root
/// under sudo, the user who ran sudo counts as the owner too.
pub fn ensure_trusted(dir: &Path, shown: &str) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        if let Some((owner, me)) = foreign_owner(&dir.join(SCOPE_FILE)) {
            let shown = crate::text::terminal_safe(shown);
            crate::fail!(
                "{} is owned by another user (uid {owner}), not by you (uid {me}); poc does not use a POC someone else may have placed above your folder. If you trust it, name it: poc -C {shown} …",
                crate::fsutil::display_in(Path::new(&shown), SCOPE_FILE)
            );
        }
    }
    #[cfg(not(unix))]
    let _ = (dir, shown);
    Ok(())
}

/// The owner of `path` and the current user, when `path` exists and
/// another user owns it. As root under sudo, the user who ran sudo counts
/// as the owner too.
#[cfg(unix)]
pub fn foreign_owner(path: &Path) -> Option<(u32, u32)> {
    use std::os::unix::fs::MetadataExt as _;
    let meta = std::fs::symlink_metadata(path).ok()?;
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    let owner = meta.uid();
    let sudo = (me == 0)
        .then(|| std::env::var("SUDO_UID").ok()?.parse::<u32>().ok())
        .flatten();
    (owner != me && Some(owner) != sudo).then_some((owner, me))
}

/// Says once per run, on stderr, which POC a command uses when it is not
/// in the current folder: `poc: using the POC in ../.. (acme)`.
pub fn announce(shown: &Path, absolute: &Path) {
    use std::sync::atomic::{AtomicBool, Ordering};
    static SAID: AtomicBool = AtomicBool::new(false);
    if SAID.swap(true, Ordering::SeqCst) {
        return;
    }
    let name = absolute
        .file_name()
        .map(|n| format!(" ({})", n.to_string_lossy()))
        .unwrap_or_default();
    crate::say!(
        "{}",
        crate::text::terminal_safe(&format!("poc: using the POC in {}{name}", shown.display()))
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tree under a temp folder: `top/poc.yaml`, and `top/a/b/c` below it.
    fn tree() -> (tempfile::TempDir, PathBuf) {
        let root = tempfile::tempdir().unwrap();
        let top = std::fs::canonicalize(root.path()).unwrap().join("top");
        std::fs::create_dir_all(top.join("a/b/c")).unwrap();
        std::fs::write(top.join(SCOPE_FILE), "").unwrap();
        (root, top)
    }

    #[test]
    fn finds_the_nearest_poc_upward() {
        let (_root, top) = tree();
        assert_eq!(search(&top.join("a/b/c"), &[], device), Ok(top.clone()));
        assert_eq!(search(&top, &[], device), Ok(top));
    }

    #[test]
    fn stops_at_a_repository_root_after_looking_in_it() {
        let (_root, top) = tree();
        std::fs::create_dir(top.join("a/.git")).unwrap();
        assert_eq!(
            search(&top.join("a/b/c"), &[], device),
            Err(Stop::Repository(top.join("a")))
        );
        std::fs::write(top.join("a/poc.yaml"), "").unwrap();
        assert_eq!(search(&top.join("a/b"), &[], device), Ok(top.join("a")));
    }

    #[test]
    fn never_looks_in_or_above_a_ceiling() {
        let (_root, top) = tree();
        let ceilings = [top.join("a")];
        assert_eq!(
            search(&top.join("a/b/c"), &ceilings, device),
            Err(Stop::Ceiling(top.join("a")))
        );
        // The starting folder is always looked in, as git does, but the
        // search never goes above it when it is a ceiling.
        assert_eq!(
            search(&top, std::slice::from_ref(&top), device),
            Ok(top.clone())
        );
        let a = top.join("a");
        assert_eq!(
            search(&a, std::slice::from_ref(&a), device),
            Err(Stop::Ceiling(a.clone()))
        );
        // A ceiling elsewhere changes nothing.
        assert_eq!(
            search(&top.join("a/b"), &[top.join("elsewhere")], device),
            Ok(top)
        );
    }

    #[test]
    fn never_crosses_into_another_filesystem() {
        let (_root, top) = tree();
        // `b` and what is below it on one device, its parents on another.
        let b = top.join("a/b");
        let fake = |dir: &Path| Some(u64::from(dir.starts_with(&b)));
        assert_eq!(
            search(&top.join("a/b/c"), &[], fake),
            Err(Stop::Filesystem(b))
        );
    }
}
