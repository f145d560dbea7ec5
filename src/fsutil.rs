//! Crash-safe writes (a temporary file in the same folder, fsync, rename),
//! and the boundaries of what `poc` opens: only regular files are read
//! (never a FIFO or a device, which could block forever), reads are capped
//! by the bytes actually read, its own files are never reached through a
//! symbolic link, and an `--out` is only ever a regular file or a new path.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

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
                anyhow::Error::new(crate::error::Error::new(format!(
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

/// Reads a file of at most `cap` bytes. A file whose size is already over
/// the cap is refused before reading; the cap holds on the bytes actually
/// read too, so a file that grows meanwhile (or reports no size, as a
/// device does) is refused rather than read past it.
pub fn read_capped(file: &File, path: &Path, cap: u64) -> anyhow::Result<Vec<u8>> {
    let len = capped_len(file, path, cap)?;
    let limit = cap / (1024 * 1024);
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {}", path.display()))?;
    if bytes.len() as u64 > cap {
        crate::fail!(
            "{}: the file holds more than {cap} bytes, over the {limit} MiB limit; refusing to read it",
            path.display()
        );
    }
    Ok(bytes)
}

/// The length of an open file, refusing one over `cap` bytes before
/// anything is read.
pub fn capped_len(file: &File, path: &Path, cap: u64) -> anyhow::Result<u64> {
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
    Ok(len)
}

/// What a file is, as messages name it: "a folder", "a FIFO", ….
pub fn kind_name(file_type: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
    }
    if file_type.is_symlink() {
        "a symbolic link"
    } else if file_type.is_dir() {
        "a folder"
    } else if file_type.is_file() {
        "a regular file"
    } else {
        "a special file"
    }
}

/// The error [`open_regular`] gives for anything but a regular file.
#[derive(Debug)]
pub struct NotRegular(pub &'static str);

impl std::fmt::Display for NotRegular {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "is {}, not a regular file", self.0)
    }
}

impl std::error::Error for NotRegular {}

/// What `error` says the file is, when [`open_regular`] refused it for not
/// being a regular file.
pub fn not_regular(error: &io::Error) -> Option<&'static str> {
    error
        .get_ref()
        .and_then(|e| e.downcast_ref::<NotRegular>())
        .map(|n| n.0)
}

/// Opens `path` for reading when it is a regular file (through links), and
/// only then. Anything else (a FIFO, a device, a socket, a folder) is an
/// error [`not_regular`] recognises, and never blocks: the type is checked
/// before opening, and the open itself is non-blocking on unix, with the
/// handle checked again, so a FIFO swapped in meanwhile cannot hang the run.
pub fn open_regular(path: &Path) -> io::Result<File> {
    let refuse = |kind| io::Error::other(NotRegular(kind));
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(refuse(kind_name(&meta.file_type())));
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let file = match options.open(path) {
        Ok(file) => file,
        #[cfg(unix)]
        Err(e) if e.raw_os_error() == Some(libc::ENXIO) => return Err(refuse("a socket")),
        Err(e) => return Err(e),
    };
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(refuse(kind_name(&meta.file_type())));
    }
    Ok(file)
}

/// Where the system pseudo-filesystem holding `file` is usually mounted
/// (`/proc`, `/sys`, …), when it is on one: its files stat as regular files
/// but hold the state of the machine and its processes (environment
/// variables, memory maps), never something to keep as evidence. Checked on
/// the open handle (`fstatfs`), so no other file can be swapped in. Linux
/// only; elsewhere, and when the check itself fails, None.
pub fn pseudo_filesystem(file: &File) -> Option<&'static str> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd as _;
        // The magic numbers of linux/magic.h.
        const KINDS: [(u32, &str); 8] = [
            (0x9fa0, "/proc"),                     // PROC_SUPER_MAGIC
            (0x6265_6572, "/sys"),                 // SYSFS_MAGIC
            (0x6462_6720, "/sys/kernel/debug"),    // DEBUGFS_MAGIC
            (0x7472_6163, "/sys/kernel/tracing"),  // TRACEFS_MAGIC
            (0x0027_e0eb, "/sys/fs/cgroup"),       // CGROUP_SUPER_MAGIC
            (0x6367_7270, "/sys/fs/cgroup"),       // CGROUP2_SUPER_MAGIC
            (0x7363_6673, "/sys/kernel/security"), // SECURITYFS_MAGIC
            (0xcafe_4a11, "/sys/fs/bpf"),          // BPF_FS_MAGIC
        ];
        // SAFETY: fstatfs fills the zeroed struct from an open descriptor.
        let mut st: libc::statfs = unsafe { std::mem::zeroed() };
        if unsafe { libc::fstatfs(file.as_raw_fd(), &mut st) } != 0 {
            return None;
        }
        // Its type differs by platform; every magic number fits in 32 bits.
        #[allow(clippy::unnecessary_cast)]
        let magic = st.f_type as u32;
        KINDS.iter().find(|(m, _)| *m == magic).map(|(_, at)| *at)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = file;
        None
    }
}

/// [`open_regular`], with errors that name the file as `name`.
pub fn open_regular_named(path: &Path, name: &str) -> anyhow::Result<File> {
    open_regular(path).map_err(|e| match not_regular(&e) {
        Some(kind) => anyhow::Error::new(crate::error::Error::new(format!(
            "{name}: is {kind}, not a regular file; refusing to read it"
        ))),
        None => anyhow::Error::new(e).context(format!("cannot read {name}")),
    })
}

/// The first part of `rel` below `dir` that is a symbolic link (`rel`
/// itself or a folder on the way to it), if any. Parts that do not exist
/// end the search: nothing below them can be a link.
pub fn link_in(dir: &Path, rel: &str) -> Option<PathBuf> {
    let mut path = dir.to_path_buf();
    for part in Path::new(rel).components() {
        path.push(part);
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => return Some(path),
            Ok(_) => {}
            Err(_) => return None,
        }
    }
    None
}

/// Refuses when `rel` in the POC folder `dir` (`journal.yaml`, `evidence`,
/// `evidence/…`, `debrief.md`) is a symbolic link or lies under one.
///
/// The policy: `poc` keeps its own files inside the POC folder and never
/// reads or writes them through a link, wherever the link points. A link
/// committed to git or planted in a shared folder could otherwise make
/// entries, attachments and run logs land outside the folder (or anywhere
/// the user running `poc` may write), and these files have no reason to be
/// links. Call it before opening: the journal code on every open of
/// `journal.yaml`, the evidence code before storing or verifying, the
/// debrief writer before writing.
pub fn refuse_links(dir: &Path, rel: &str) -> anyhow::Result<()> {
    let Some(link) = link_in(dir, rel) else {
        return Ok(());
    };
    let shown = link.strip_prefix(dir).unwrap_or(&link).to_string_lossy();
    let shown = display_in(dir, &shown);
    let target = std::fs::read_link(&link)
        .map(|t| format!(" to {}", t.display()))
        .unwrap_or_default();
    Err(crate::error::Error::invalid(
        crate::error::Location::file(&shown),
        format!(
            "is a symbolic link{target}; poc keeps its own files inside the POC folder and never reads or writes them through a link. Replace the link with the file or folder itself"
        ),
    )
    .into())
}

/// Checks a path a command was told to write (`--out FILE`, or the default
/// file it writes) before anything is written: only a regular file or a new
/// path is accepted. A symbolic link, a device, a FIFO or a socket is
/// refused with one line naming it as `shown`: writing would replace a
/// system link such as `/dev/stdout`, or reach whatever the link names.
/// Returns whether a regular file is there.
pub fn check_write_target(path: &Path, shown: &str) -> Result<bool, crate::error::Error> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => {
            return Err(crate::error::Error::new(format!(
                "{shown}: cannot check it: {e} (nothing was changed)"
            )));
        }
    };
    let file_type = meta.file_type();
    if file_type.is_file() {
        return Ok(true);
    }
    if file_type.is_dir() {
        return Err(crate::error::Error::new(format!(
            "{shown}: is a folder; name the file to write (nothing was changed)"
        )));
    }
    Err(crate::error::Error::new(format!(
        "{shown}: is {}, not a regular file; poc writes only to a regular file or a new path (`-` for stdout) (nothing was changed)",
        kind_name(&file_type)
    )))
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

    #[test]
    fn reads_stop_at_the_cap_whatever_the_size_said() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, vec![b'x'; 10]).unwrap();
        let file = File::open(&path).unwrap();
        assert_eq!(read_capped(&file, &path, 10).unwrap().len(), 10);
        let file = File::open(&path).unwrap();
        assert!(read_capped(&file, &path, 9).is_err());
        // A device reports no size; the cap still holds.
        #[cfg(unix)]
        {
            let zero = File::open("/dev/zero").unwrap();
            let e = read_capped(&zero, Path::new("/dev/zero"), 1024).unwrap_err();
            assert!(e.to_string().contains("over the 0 MiB limit"), "{e}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn only_regular_files_are_opened() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        let kind = |p: &Path| not_regular(&open_regular(p).unwrap_err());
        assert_eq!(kind(&fifo), Some("a FIFO"));
        assert_eq!(kind(Path::new("/dev/null")), Some("a character device"));
        assert_eq!(kind(dir.path()), Some("a folder"));
        std::os::unix::fs::symlink("/dev/zero", dir.path().join("link")).unwrap();
        assert_eq!(kind(&dir.path().join("link")), Some("a character device"));
        std::fs::write(dir.path().join("file"), "x").unwrap();
        assert!(open_regular(&dir.path().join("file")).is_ok());
        assert_eq!(
            not_regular(&open_regular(&dir.path().join("none")).unwrap_err()),
            None
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn proc_files_are_on_a_pseudo_filesystem_and_temp_files_are_not() {
        let on = |p: &str| pseudo_filesystem(&File::open(p).unwrap());
        assert_eq!(on("/proc/self/status"), Some("/proc"));
        let tmp = tempfile::NamedTempFile::new().unwrap();
        assert_eq!(pseudo_filesystem(tmp.as_file()), None);
    }

    #[cfg(unix)]
    #[test]
    fn links_in_poc_paths_are_found() {
        let dir = tempfile::tempdir().unwrap();
        let poc = dir.path().join("poc");
        std::fs::create_dir_all(poc.join("evidence")).unwrap();
        std::os::unix::fs::symlink("/tmp", poc.join("out")).unwrap();
        std::os::unix::fs::symlink("elsewhere", poc.join("evidence/x")).unwrap();
        assert_eq!(link_in(&poc, "out/a.log"), Some(poc.join("out")));
        assert_eq!(link_in(&poc, "evidence/x"), Some(poc.join("evidence/x")));
        assert_eq!(link_in(&poc, "evidence/y"), None);
        assert_eq!(link_in(&poc, "journal.yaml"), None);
        assert!(refuse_links(&poc, "evidence/x").is_err());
    }
}
