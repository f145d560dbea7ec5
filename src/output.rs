//! Where a document a command writes goes (`debrief`, `report`,
//! `calendar`): its default file in the POC folder, `--out FILE`, or `-` for
//! stdout. Never over a file poc keeps for the POC, never a folder, never
//! through a link or into a device.

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::evidence::EVIDENCE_DIR;
use crate::fsutil;
use crate::journal::JOURNAL_FILE;
use crate::report::DEBRIEF_FILE;
use crate::scope::SCOPE_FILE;

/// A kind of document: its default file name, what people call it, and
/// which existing file it may replace.
#[derive(Debug, Clone, Copy)]
pub struct Document {
    pub file: &'static str,
    pub noun: &'static str,
    pub replaces: Replaces,
}

/// Which existing file a document may be written over.
#[derive(Debug, Clone, Copy)]
pub enum Replaces {
    /// Only one it wrote (its first KiB holds this mark), or an empty
    /// file: a mistyped `--out notes.md` loses nothing.
    Own {
        mark: &'static [u8],
        /// "an iCalendar file", as the refusal says.
        kind: &'static str,
    },
    /// The command asks first (`debrief --force`).
    Asked,
}

/// Where the document goes.
pub enum Destination {
    Stdout,
    File {
        path: PathBuf,
        /// Whether a regular file is there already.
        exists: bool,
    },
}

/// The destination `out` names (default: the document's file in the POC
/// folder), once it is known to be one poc may write.
pub fn destination(
    out: Option<PathBuf>,
    poc_dir: &Path,
    document: Document,
) -> anyhow::Result<Destination> {
    let given = out.is_some();
    let path = out.unwrap_or_else(|| poc_dir.join(document.file));
    if path.as_os_str() == "-" {
        return Ok(Destination::Stdout);
    }
    let named = if given {
        format!("--out {}", path.display())
    } else {
        fsutil::refuse_links(poc_dir, document.file)?;
        fsutil::display_in(poc_dir, document.file)
    };
    let named = crate::text::terminal_safe(&named);
    refuse_poc_files(&path, poc_dir, &named, document)?;
    let exists = fsutil::check_write_target(&path, &named)?;
    if let (true, Replaces::Own { mark, kind }) = (exists, document.replaces) {
        refuse_other_files(&path, &named, mark, kind)?;
    }
    Ok(Destination::File { path, exists })
}

/// Refuses a folder, or a file poc keeps for a POC: its scope, journal,
/// debrief (to any command but `debrief`) or evidence.
fn refuse_poc_files(
    target: &Path,
    poc_dir: &Path,
    named: &str,
    document: Document,
) -> Result<(), Error> {
    if target.is_dir() {
        return Err(Error::new(format!(
            "{named}: is a folder; name the file to write, such as {} (nothing was changed)",
            crate::text::terminal_safe(&target.join(document.file).display().to_string())
        )));
    }
    let name = target.file_name().unwrap_or_default().to_string_lossy();
    let own = [SCOPE_FILE, JOURNAL_FILE, DEBRIEF_FILE, ".gitattributes"];
    let mut own = own.into_iter().filter(|own| *own != document.file);
    // By name in any case (a case-insensitive file system finds
    // `Journal.yaml` as the journal), and by the file itself (a hard link).
    if let Some(own) =
        own.find(|own| name.eq_ignore_ascii_case(own) || same_file(target, &poc_dir.join(own)))
    {
        return Err(Error::new(format!(
            "{named}: {own} is a POC file, not a {}; refusing to write it (nothing was changed)",
            document.noun
        )));
    }
    if inside_evidence(target, poc_dir) {
        return Err(Error::new(format!(
            "{named}: is inside a POC's evidence folder, which poc keeps; refusing to write it (nothing was changed)"
        )));
    }
    Ok(())
}

/// Whether `target` would land in this POC's `evidence/`, or in any
/// `evidence/` beside a `poc.yaml` (another POC's).
fn inside_evidence(target: &Path, poc_dir: &Path) -> bool {
    let Ok(folder) = folder_of(target).canonicalize() else {
        return false;
    };
    if let Ok(evidence) = poc_dir.join(EVIDENCE_DIR).canonicalize()
        && folder.starts_with(&evidence)
    {
        return true;
    }
    folder.ancestors().any(|a| {
        a.file_name().is_some_and(|n| n == EVIDENCE_DIR)
            && a.parent().is_some_and(|p| p.join(SCOPE_FILE).is_file())
    })
}

/// Whether `target` itself (not what a link at it names: links are
/// refused on their own) is the file `own` (the same device and inode).
#[cfg(unix)]
fn same_file(target: &Path, own: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::symlink_metadata(target), std::fs::metadata(own)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &Path, _: &Path) -> bool {
    false
}

/// Refuses to replace a file the document did not write: only an empty
/// file or one whose first KiB holds `mark` is replaced.
fn refuse_other_files(target: &Path, named: &str, mark: &[u8], kind: &str) -> anyhow::Result<()> {
    use std::io::Read as _;
    let file = fsutil::open_regular_named(target, named)?;
    let mut head = Vec::new();
    file.take(1024).read_to_end(&mut head)?;
    if head.iter().all(u8::is_ascii_whitespace) || head.windows(mark.len()).any(|w| w == mark) {
        return Ok(());
    }
    crate::fail!(
        "{named}: is there and is not {kind}; refusing to replace it (nothing was changed). Name another file, or remove it first"
    )
}

/// The folder `target` is written in.
fn folder_of(target: &Path) -> &Path {
    target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// The POC folder as seen from the folder `target` is written in, as a
/// link prefix (`../acme/`), so links to evidence open from there; absolute
/// when no relative path leads there.
pub fn poc_dir_from(target: &Path, poc_dir: &Path) -> String {
    fsutil::link_prefix(folder_of(target), poc_dir).unwrap_or_else(|| {
        let absolute = std::fs::canonicalize(poc_dir).unwrap_or_else(|_| poc_dir.to_path_buf());
        format!("{}/", absolute.display())
    })
}

/// The written file as a person would type it, for "Wrote …".
pub fn written(target: &Path) -> String {
    let shown = fsutil::display_in(
        target.parent().unwrap_or(Path::new("")),
        &target.file_name().unwrap_or_default().to_string_lossy(),
    );
    crate::text::terminal_safe(&shown)
}
