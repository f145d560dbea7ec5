//! Crash-safe writes: a temporary file in the same folder, fsync, rename.

use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

use anyhow::Context as _;

/// Writes `contents` to `path` atomically: readers see the old file or the
/// new one, never a mix, whatever happens. With `overwrite` false an existing
/// file is left alone and an error returned.
pub fn write_atomic(path: &Path, contents: &[u8], overwrite: bool) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(".poc-tmp-");
    // The files are meant to be shared in git, not private like a temp file.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    let mut tmp = builder
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    tmp.write_all(contents)
        .and_then(|_| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    if overwrite {
        tmp.persist(path)
            .map_err(|e| e.error)
            .with_context(|| format!("cannot write {}", path.display()))?;
    } else {
        tmp.persist_noclobber(path).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                anyhow::Error::new(crate::error::UserError::new(format!(
                    "{} already exists; refusing to overwrite it",
                    path.display()
                )))
            } else {
                anyhow::Error::new(e.error).context(format!("cannot write {}", path.display()))
            }
        })?;
    }
    sync_dir(dir);
    Ok(())
}

/// Makes a rename durable. Best effort: not every platform can open a folder.
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// The folder `to` as seen from the folder `from`, as a link prefix with a
/// trailing slash: "" for the same folder, "../acme/" for a sibling. Both
/// must exist (they are resolved through symlinks); None when they cannot
/// be, or share no root (another drive).
pub fn link_prefix(from: &Path, to: &Path) -> Option<String> {
    let from = std::fs::canonicalize(from).ok()?;
    let to = std::fs::canonicalize(to).ok()?;
    let common = from
        .components()
        .zip(to.components())
        .take_while(|(a, b)| a == b)
        .count();
    if common == 0 {
        return None;
    }
    let mut prefix = String::new();
    for _ in from.components().skip(common) {
        prefix.push_str("../");
    }
    for part in to.components().skip(common) {
        prefix.push_str(&part.as_os_str().to_string_lossy());
        prefix.push('/');
    }
    Some(prefix)
}

/// `file` inside `dir`, as a person would type it.
pub fn display_in(dir: &Path, file: &str) -> String {
    if dir.as_os_str().is_empty() || dir == Path::new(".") {
        file.to_string()
    } else {
        dir.join(file).display().to_string()
    }
}

/// Reads a file of at most `cap` bytes, refusing a larger one before reading.
pub fn read_capped(file: &mut File, path: &Path, cap: u64) -> anyhow::Result<Vec<u8>> {
    let len = file
        .metadata()
        .with_context(|| format!("cannot read {}", path.display()))?
        .len();
    if len > cap {
        return Err(crate::error::Error::invalid(
            crate::error::Location::file(&path.display().to_string()),
            format!(
                "the file is {len} bytes, over the {} MiB limit; refusing to read it",
                cap / (1024 * 1024)
            ),
        )
        .into());
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {}", path.display()))?;
    Ok(bytes)
}

/// Whether `path` exists, refusing one that is there but is not a regular
/// file (a folder, a FIFO, a device) before anything opens it: reading a
/// FIFO would wait for a writer forever. A broken link is refused too, so
/// nothing is read as empty or created at the link's far end.
/// `name` is how messages show it.
pub fn regular_file_exists(path: &Path, name: &str) -> anyhow::Result<bool> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => Ok(true),
        Ok(meta) => Err(crate::error::Error::invalid(
            crate::error::Location::file(name),
            format!(
                "is {}, not a regular file; refusing to read it",
                if meta.is_dir() {
                    "a folder"
                } else {
                    "a special file"
                }
            ),
        )
        .into()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if std::fs::symlink_metadata(path).is_ok() {
                return Err(crate::error::Error::invalid(
                    crate::error::Location::file(name),
                    "is a symbolic link to a file that does not exist",
                )
                .into());
            }
            Ok(false)
        }
        Err(e) => Err(e).with_context(|| format!("cannot read {name}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_prefix_climbs_out_and_down() {
        let root = tempfile::tempdir().unwrap();
        for dir in ["acme/evidence", "reports/2026", "acme2"] {
            std::fs::create_dir_all(root.path().join(dir)).unwrap();
        }
        let at = |p: &str| root.path().join(p);
        let prefix = |from: &str, to: &str| link_prefix(&at(from), &at(to)).unwrap();
        assert_eq!(prefix("acme", "acme"), "");
        assert_eq!(prefix("reports/2026", "acme"), "../../acme/");
        assert_eq!(prefix("acme/evidence", "acme"), "../");
        assert_eq!(prefix(".", "acme"), "acme/");
        // A shared name prefix is not a shared folder.
        assert_eq!(prefix("acme2", "acme"), "../acme/");
        assert_eq!(link_prefix(&at("missing"), &at("acme")), None);
    }
}
