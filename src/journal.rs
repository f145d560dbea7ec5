//! The journal: `journal.yaml`, what happened, owned by `poc`.
//!
//! A YAML sequence with one entry per line, each `- ` followed by a JSON
//! object (JSON is YAML's flow syntax, so the file stays valid YAML). Lines
//! are appended, never rewritten: two SEs' appends merge cleanly in git
//! (`merge=union`), and a torn last line after a crash is detected and
//! ignored. Each line is read on its own with serde_json; the YAML parser
//! is the fallback for a line a person edited.

use std::fs::{File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::error::{Error, Location};
use crate::event::Authors;
pub use crate::event::{
    BlockerPlan, Entry, Event, FileEvidence, GapEvent, Mark, MeasureEvent, Outcome, RiskEvent,
    RunEvidence, SignoffEvent,
};

/// The journal file name inside a POC folder.
pub const JOURNAL_FILE: &str = "journal.yaml";
/// A year-long journal is a few MiB; refuse anything past this before reading.
pub const MAX_JOURNAL_BYTES: u64 = 32 * 1024 * 1024;
/// Journals at least this large are parsed on two threads.
pub(crate) const PARALLEL_PARSE_BYTES: usize = 1024 * 1024;
/// The first line of a new journal.
pub const JOURNAL_HEADER: &str = "# poc journal: one entry per line, appended by poc and never rewritten. Record with poc commands; see `poc log`.\n";

/// An entry and the line it came from.
#[derive(Debug, Clone)]
pub struct Line {
    pub number: usize,
    pub entry: Entry,
}

/// A parsed journal: plain owned data.
#[derive(Debug, Clone, Default)]
pub struct Journal {
    /// Entries in file order.
    pub lines: Vec<Line>,
    /// The line number of a torn last line (an interrupted write), ignored.
    pub torn: Option<usize>,
    /// Byte offset where a torn last line starts, so a write can drop it.
    torn_offset: Option<u64>,
    /// Whether the file ends without a newline (a person's edit).
    missing_newline: bool,
    /// Who wrote entries, each name held once for all their entries.
    authors: Authors,
}

impl Journal {
    /// Parses the bytes of a journal; `file` names it in errors. (A long
    /// journal on disk is read in two halves: [`read`].)
    pub fn parse(bytes: &[u8], file: &str) -> Result<Journal, Error> {
        let mut journal = Journal::with_room(bytes.len());
        let mut start = 0usize;
        let mut number = 0usize;
        while start < bytes.len() {
            number += 1;
            let end = memchr_newline(&bytes[start..]).map(|i| start + i);
            let raw = &bytes[start..end.unwrap_or(bytes.len())];
            let line_start = start;
            start = end.map_or(bytes.len(), |e| e + 1);
            if journal.take_line(raw, end.is_none(), number, line_start, file)? {
                break;
            }
        }
        journal.missing_newline =
            !bytes.is_empty() && !bytes.ends_with(b"\n") && journal.torn.is_none();
        Ok(journal)
    }

    /// An empty journal with room for the entries of `room` bytes: most
    /// lines are 100–200 bytes, and reserving up front saves copying every
    /// entry as the vector grows.
    fn with_room(room: usize) -> Journal {
        Journal {
            lines: Vec::with_capacity(room / 128),
            ..Journal::default()
        }
    }

    /// Takes line `number` (without its newline; `last` when none followed
    /// it, at the end of the file), which starts at byte `line_start`.
    /// True when reading stops there: a torn last line.
    fn take_line(
        &mut self,
        raw: &[u8],
        last: bool,
        number: usize,
        line_start: usize,
        file: &str,
    ) -> Result<bool, Error> {
        let text = match line_text(raw, line_start == 0) {
            Ok(text) => text,
            // A write cut inside a multi-byte character: torn if the rest
            // of the line is one of poc's own entries cut short.
            Err(valid) if last && is_cut_short(valid) => {
                self.mark_torn(number, line_start);
                return Ok(true);
            }
            Err(_) => return Err(bad_utf8(raw, number, file)),
        };
        let line = text.strip_suffix('\r').unwrap_or(text);
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            return Ok(false);
        }
        match parse_line(line, file, number, &mut self.authors) {
            Ok(entry) => self.lines.push(Line { number, entry }),
            Err(_) if last && is_cut_short(line) => {
                self.mark_torn(number, line_start);
                return Ok(true);
            }
            Err(e) => return Err(e),
        }
        Ok(false)
    }

    /// Reads the (locked) journal `file` of `len` bytes. A long one is read
    /// as two halves, each by its own thread in blocks straight from the
    /// file: holding the whole text as well as its entries cost a fifth of
    /// `status`, in memory the kernel had to hand out page by page.
    #[cfg(unix)]
    fn read_from(file: &File, len: u64, name: &str) -> anyhow::Result<Journal> {
        let whole = |mut file: &File| -> anyhow::Result<Journal> {
            // From the top, wherever the file's position was left.
            file.seek(SeekFrom::Start(0))?;
            let bytes = crate::fsutil::read_capped(file, Path::new(name), MAX_JOURNAL_BYTES)?;
            Ok(Journal::parse(&bytes, name)?)
        };
        if len < PARALLEL_PARSE_BYTES as u64 {
            return whole(file);
        }
        let Some(at) = split_point(file, len)? else {
            return whole(file);
        };
        let (first, second) = std::thread::scope(|scope| {
            let first = scope.spawn(|| Journal::parse_range(file, 0..at, len, name));
            let second = Journal::parse_range(file, at..len, len - at, name);
            (first.join(), second)
        });
        let first = first.map_err(|_| Error::new(format!("{name}: the parser stopped")))?;
        let (mut journal, head_lines) = first?;
        // The second half counted its lines from its own start; an error in
        // it is read again from the top, to name its line.
        let Ok((second, _)) = second else {
            return whole(file);
        };
        journal.lines.extend(second.lines.into_iter().map(|l| Line {
            number: l.number + head_lines,
            entry: l.entry,
        }));
        journal.torn = second.torn.map(|n| n + head_lines);
        journal.torn_offset = second.torn_offset;
        journal.missing_newline = second.missing_newline;
        Ok(journal)
    }

    #[cfg(not(unix))]
    fn read_from(file: &File, _len: u64, name: &str) -> anyhow::Result<Journal> {
        let bytes = crate::fsutil::read_capped(file, Path::new(name), MAX_JOURNAL_BYTES)?;
        Ok(Journal::parse(&bytes, name)?)
    }

    /// Parses bytes `range` of `file` (line numbers counted from the
    /// range's start), with room for `room` bytes of entries; also returns
    /// how many lines it read.
    #[cfg(unix)]
    fn parse_range(
        file: &File,
        range: std::ops::Range<u64>,
        room: u64,
        name: &str,
    ) -> anyhow::Result<(Journal, usize)> {
        use std::io::BufRead as _;
        let mut journal = Journal::with_room(room as usize);
        let mut reader = std::io::BufReader::with_capacity(
            256 * 1024,
            RangeReader {
                file,
                range: range.clone(),
            },
        );
        let (mut line, mut number, mut offset) = (Vec::new(), 0usize, range.start as usize);
        let mut ended_with_newline = true;
        loop {
            line.clear();
            let n = reader
                .read_until(b'\n', &mut line)
                .with_context(|| format!("cannot read {name}"))?;
            if n == 0 {
                break;
            }
            number += 1;
            ended_with_newline = line.last() == Some(&b'\n');
            let raw = line.strip_suffix(b"\n").unwrap_or(&line);
            if journal.take_line(raw, !ended_with_newline, number, offset, name)? {
                break;
            }
            offset += n;
        }
        journal.missing_newline = !ended_with_newline && journal.torn.is_none();
        Ok((journal, number))
    }

    fn mark_torn(&mut self, number: usize, start: usize) {
        self.torn = Some(number);
        self.torn_offset = Some(start as u64);
    }

    /// Entries in time order (a git union merge interleaves two SEs'
    /// lines); entries with the same time keep their file order.
    pub fn in_time_order(&self) -> Vec<&Line> {
        let mut lines: Vec<&Line> = self.lines.iter().collect();
        lines.sort_by(|a, b| a.entry.order_key().cmp(&b.entry.order_key()));
        lines
    }

    /// The last entry in replay order.
    pub fn latest(&self) -> Option<&Line> {
        self.lines
            .iter()
            .max_by(|a, b| a.entry.order_key().cmp(&b.entry.order_key()))
    }
}

fn memchr_newline(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|b| *b == b'\n')
}

/// Bytes `range` of a file, read with positioned reads: two threads read
/// their halves of one open file at once.
#[cfg(unix)]
struct RangeReader<'a> {
    file: &'a File,
    range: std::ops::Range<u64>,
}

#[cfg(unix)]
impl std::io::Read for RangeReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use std::os::unix::fs::FileExt as _;
        let left = (self.range.end - self.range.start).min(buf.len() as u64) as usize;
        if left == 0 {
            return Ok(0);
        }
        let n = self.file.read_at(&mut buf[..left], self.range.start)?;
        self.range.start += n as u64;
        Ok(n)
    }
}

/// Where the second half of a long journal starts: just after the first
/// line break at or past the middle, found in the file; None when there is
/// none before the end.
#[cfg(unix)]
fn split_point(file: &File, len: u64) -> anyhow::Result<Option<u64>> {
    use std::os::unix::fs::FileExt as _;
    let mut at = len / 2;
    let mut window = vec![0u8; 64 * 1024];
    while at < len {
        let n = file.read_at(&mut window, at)?;
        if n == 0 {
            return Ok(None);
        }
        if let Some(i) = memchr_newline(&window[..n]) {
            let split = at + i as u64 + 1;
            return Ok((split < len).then_some(split));
        }
        at += n as u64;
    }
    Ok(None)
}

/// The line as text (a BOM dropped from the first), or the valid UTF-8
/// prefix of a line that is not valid UTF-8 throughout.
fn line_text(raw: &[u8], starts_file: bool) -> Result<&str, &str> {
    let raw = if starts_file {
        raw.strip_prefix("\u{feff}".as_bytes()).unwrap_or(raw)
    } else {
        raw
    };
    std::str::from_utf8(raw).map_err(|e| {
        // Only a character cut at the very end can be a torn write.
        let valid = &raw[..e.valid_up_to()];
        let cut_at_end = e.error_len().is_none();
        if cut_at_end {
            std::str::from_utf8(valid).unwrap_or_default()
        } else {
            ""
        }
    })
}

fn bad_utf8(raw: &[u8], number: usize, file: &str) -> Error {
    let column = std::str::from_utf8(raw)
        .err()
        .map_or(1, |e| e.valid_up_to() + 1);
    Error::invalid(Location::at(file, number, column), "not valid UTF-8 text")
}

/// Whether a last line is one of poc's own entries cut short by an
/// interrupted write, rather than a line a person got wrong (which is an
/// error, and never dropped). poc writes compact JSON that starts
/// `- {"at":"`: a line with a space after a colon was typed.
fn is_cut_short(line: &str) -> bool {
    const OWN: &str = "- {\"at\":\"";
    // A write cut within its first bytes leaves a prefix of that.
    if !line.is_empty() && OWN.starts_with(line) {
        return true;
    }
    line.starts_with(OWN)
        && serde_json::from_str::<serde::de::IgnoredAny>(&line[2..]).is_err_and(|e| e.is_eof())
}

fn parse_line(
    text: &str,
    file: &str,
    number: usize,
    authors: &mut Authors,
) -> Result<Entry, Error> {
    if ["<<<<<<<", "=======", ">>>>>>>", "|||||||"]
        .iter()
        .any(|m| text.starts_with(m))
    {
        // A merge without the union driver: both sides are there, between
        // markers. Say what happened and how to stop it happening again.
        return Err(Error::invalid(
            Location::at(file, number, 1),
            "a git conflict marker: this journal was merged without the union driver. Keep the lines of both sides, delete the marker lines, and add `journal.yaml merge=union` to the POC folder's .gitattributes (poc init writes it) so the next merge keeps both sides by itself",
        ));
    }
    if let Some(json) = text.strip_prefix("- ")
        && json.starts_with('{')
    {
        match Entry::from_json(json, authors) {
            Ok(entry) => return Ok(entry),
            // Strict JSON that is not a valid entry: say why, at the column.
            Err(e) if !e.is_syntax() && !e.is_eof() => {
                return Err(Error::Invalid {
                    at: Location::at(file, number, 3),
                    message: describe_entry_error(&e.to_string(), json),
                    snippet: Some(crate::yaml::snippet(text, number, 3)),
                });
            }
            Err(_) => {}
        }
    }
    if !text.starts_with('-') {
        return Err(Error::invalid(
            Location::at(file, number, 1),
            "expected a journal entry line starting with `- `",
        ));
    }
    // A line a person edited: YAML flow syntax rather than strict JSON.
    let mut entries: Vec<Entry> = crate::yaml::parse_line(text, file, number)?;
    match (entries.pop(), entries.is_empty()) {
        (Some(entry), true) => Ok(entry),
        _ => Err(Error::invalid(
            Location::at(file, number, 1),
            "expected exactly one journal entry on this line",
        )),
    }
}

/// serde_json's words for a wrong entry of `line`, without their location
/// suffix: a missing field named with its entry's kind, and an unknown kind
/// said as what it probably is.
fn describe_entry_error(message: &str, line: &str) -> String {
    let message = match message.rfind(" at line ") {
        Some(i) => &message[..i],
        None => message,
    };
    #[derive(serde::Deserialize)]
    struct Kind {
        kind: String,
    }
    if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|f| f.strip_suffix('`'))
        && let Ok(Kind { kind }) = serde_json::from_str::<Kind>(line)
    {
        return format!(
            "a `{}` entry needs `{field}`",
            crate::text::terminal_safe(&kind)
        );
    }
    let unknown = (message.strip_prefix("unknown variant `"))
        .and_then(|r| r.split_once("`, expected one of "));
    // serde says "unknown variant" of a field's value too (a risk's
    // `status`, a `likelihood`): name the field and its values.
    if let Some((value, expected)) = unknown
        && let Ok(Kind { kind }) = serde_json::from_str::<Kind>(line)
        && kind != value
        && let Some(field) = field_holding(line, value)
    {
        let values = expected.split(", ").map(|k| k.trim_matches('`'));
        return format!(
            "`{}` of a `{}` entry is `{}`{}; expected one of {}",
            crate::text::terminal_safe(&field),
            crate::text::terminal_safe(&kind),
            crate::text::terminal_safe(value),
            crate::error::did_you_mean(value, values),
            expected.replace('`', "")
        );
    }
    match unknown {
        Some((kind, expected)) => format!(
            "unknown entry kind `{}`{}; this poc knows {}; an entry from a newer poc needs an upgrade",
            crate::text::terminal_safe(kind),
            crate::error::did_you_mean(kind, expected.split(", ").map(|k| k.trim_matches('`'))),
            expected.replace('`', "")
        ),
        None => crate::text::terminal_safe(&crate::yaml::tidy_message(message)),
    }
}

/// The field of the entry `line` other than `kind` whose value is the
/// string `value`, if one is.
fn field_holding(line: &str, value: &str) -> Option<String> {
    let object: serde_json::Map<String, serde_json::Value> = serde_json::from_str(line).ok()?;
    (object.into_iter())
        .find(|(k, v)| k != "kind" && v.as_str() == Some(value))
        .map(|(k, _)| k)
}

/// Reads the journal of the POC in `dir` under a shared lock, held only
/// while reading. A missing journal reads as empty.
pub fn read(dir: &Path) -> anyhow::Result<Journal> {
    let path = dir.join(JOURNAL_FILE);
    let name = crate::fsutil::display_in(dir, JOURNAL_FILE);
    // A linked journal would take entries outside the POC folder.
    crate::fsutil::refuse_links(dir, JOURNAL_FILE)?;
    if !crate::fsutil::regular_file_exists(&path, &name)? {
        return Ok(Journal::default());
    }
    let file = match File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Journal::default()),
        Err(e) => return Err(e).with_context(|| format!("cannot open {name}")),
    };
    file.lock_shared()
        .with_context(|| format!("cannot lock {name}"))?;
    let len = crate::fsutil::capped_len(&file, Path::new(&name), MAX_JOURNAL_BYTES)?;
    Journal::read_from(&file, len, &name)
}

/// Whether `file` is still the file at `path`.
#[cfg(unix)]
fn is_at(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(open), Ok(there)) => (open.dev(), open.ino()) == (there.dev(), there.ino()),
        _ => false,
    }
}

#[cfg(not(unix))]
fn is_at(_file: &File, _path: &Path) -> bool {
    true
}

/// The journal opened for appending, holding an exclusive lock until dropped,
/// so that what a command read is still true when it writes.
pub struct LockedJournal {
    file: File,
    path: PathBuf,
    /// The name messages use for it.
    name: String,
    /// Where a torn last line starts, and its line number: dropped on write.
    torn: Option<(u64, usize)>,
    missing_newline: bool,
}

impl LockedJournal {
    /// Opens (creating it if missing) and locks the journal of the POC in
    /// `dir`, and reads it.
    pub fn open(dir: &Path) -> anyhow::Result<(LockedJournal, Journal)> {
        match Self::open_with(dir, true)? {
            Some(opened) => Ok(opened),
            None => crate::fail!("cannot create {}", dir.join(JOURNAL_FILE).display()),
        }
    }

    /// As [`LockedJournal::open`], but `None` when there is no journal yet.
    pub fn open_existing(dir: &Path) -> anyhow::Result<Option<(LockedJournal, Journal)>> {
        Self::open_with(dir, false)
    }

    fn open_with(dir: &Path, create: bool) -> anyhow::Result<Option<(LockedJournal, Journal)>> {
        let path = dir.join(JOURNAL_FILE);
        let name = crate::fsutil::display_in(dir, JOURNAL_FILE);
        crate::fsutil::refuse_links(dir, JOURNAL_FILE)?;
        let file = loop {
            if !crate::fsutil::regular_file_exists(&path, &name)? && !create {
                return Ok(None);
            }
            let opened = OpenOptions::new()
                .read(true)
                .append(true)
                .create(create)
                .open(&path);
            let file = match opened {
                Ok(file) => file,
                Err(e) if !create && e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(e).with_context(|| format!("cannot open {name}")),
            };
            file.lock().with_context(|| format!("cannot lock {name}"))?;
            // git checkout and pull replace journal.yaml rather than write
            // into it: a run that waited for the lock on the old file would
            // append where nobody reads. Open the file that is there now.
            if is_at(&file, &path) {
                break file;
            }
        };
        let len = crate::fsutil::capped_len(&file, Path::new(&name), MAX_JOURNAL_BYTES)?;
        let journal = Journal::read_from(&file, len, &name)?;
        let locked = LockedJournal {
            file,
            path,
            name,
            torn: journal.torn_offset.zip(journal.torn),
            missing_newline: journal.missing_newline,
        };
        Ok(Some((locked, journal)))
    }

    /// Appends `entries` with one write and an fsync: all of them or none.
    /// A torn last line left by an interrupted write is dropped first (its
    /// command never finished).
    pub fn append(&mut self, entries: &[Entry]) -> anyhow::Result<()> {
        let mut buf = String::new();
        let original = self.file.metadata()?.len();
        if original == 0 {
            buf.push_str(JOURNAL_HEADER);
        } else if self.torn.is_none() && self.missing_newline {
            buf.push('\n');
        }
        for entry in entries {
            if !crate::clock::storable(entry.at) {
                crate::fail!(
                    "{}: cannot record a time in the year {}; poc stores the years 1 to 9999 (nothing was recorded)",
                    self.name,
                    chrono::Datelike::year(&entry.at)
                );
            }
            buf.push_str("- ");
            buf.push_str(&serde_json::to_string(entry)?);
            buf.push('\n');
        }
        let keep = self.torn.map_or(original, |(offset, _)| offset);
        if keep + buf.len() as u64 > MAX_JOURNAL_BYTES {
            crate::fail!(
                "{}: recording this would take the journal past its {} MiB limit (nothing was recorded). Start a new POC folder for the next phase of work, or archive old entries by hand",
                self.name,
                MAX_JOURNAL_BYTES / (1024 * 1024)
            );
        }
        if let Some((offset, line)) = self.torn {
            self.file.set_len(offset).with_context(|| {
                format!(
                    "cannot repair the torn last line of {}",
                    self.path.display()
                )
            })?;
            self.file.seek(SeekFrom::End(0))?;
            crate::warn!(
                "{}:{line}: dropped a torn last line left by an interrupted write",
                self.name
            );
            self.torn = None;
        }
        let written = self
            .file
            .write_all(buf.as_bytes())
            .and_then(|()| self.file.sync_data());
        if let Err(e) = written {
            // A full disk may have taken part of the write: take it back, so
            // a command's entries land all together or not at all.
            let _ = self.file.set_len(keep).and_then(|()| self.file.sync_data());
            return Err(anyhow::Error::new(e).context(format!(
                "cannot write {} (nothing was recorded)",
                self.path.display()
            )));
        }
        self.missing_newline = false;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "# header\n- {\"at\":\"2026-11-23T09:00:00Z\",\"by\":\"dana\",\"kind\":\"note\",\"text\":\"hi\"}\n";

    fn err(text: &str) -> String {
        Journal::parse(text.as_bytes(), "journal.yaml")
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn reads_json_lines_and_person_edited_yaml_lines() {
        let text = format!(
            "{GOOD}- {{at: 2026-11-23T10:00:00Z, by: lee, kind: check, id: SC1, evidence: done by hand}}\n"
        );
        let j = Journal::parse(text.as_bytes(), "journal.yaml").unwrap();
        assert_eq!(j.lines.len(), 2);
        assert_eq!(j.lines[1].number, 3);
        assert!(matches!(&j.lines[1].entry.event, Event::Check(m) if m.id == "SC1"));
    }

    #[test]
    fn a_torn_last_line_is_ignored_but_a_broken_middle_line_is_an_error() {
        let torn = format!("{GOOD}- {{\"at\":\"2026-11-23T1");
        let j = Journal::parse(torn.as_bytes(), "journal.yaml").unwrap();
        assert_eq!((j.lines.len(), j.torn), (1, Some(3)));
        let broken = format!("- {{\"at\": [\n{GOOD}");
        assert!(
            err(&broken).starts_with("journal.yaml:1:"),
            "{}",
            err(&broken)
        );
    }

    #[test]
    fn a_complete_last_line_without_newline_is_kept_never_torn() {
        let text = format!("{GOOD}- {{at: 2026-11-23T10:00:00Z, by: lee, kind: note, text: x}}");
        let j = Journal::parse(text.as_bytes(), "journal.yaml").unwrap();
        assert_eq!((j.lines.len(), j.torn, j.missing_newline), (2, None, true));
        // A person's line with a bad byte in it is an error, not a torn write.
        let mut bytes = GOOD.as_bytes().to_vec();
        bytes.extend_from_slice(b"- {at: 2026-11-23T10:00:00Z, by: Zo\xeb, kind: note, text: x}");
        let e = Journal::parse(&bytes, "journal.yaml")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("journal.yaml:3:"), "{e}");
        // poc's own line cut inside a character is torn.
        let mut bytes = GOOD.as_bytes().to_vec();
        bytes.extend_from_slice("- {\"at\":\"2026-11-23T10:00:00Z\",\"by\":\"Zoë".as_bytes());
        bytes.pop();
        let j = Journal::parse(&bytes, "journal.yaml").unwrap();
        assert_eq!(j.torn, Some(3));
    }

    #[test]
    fn multibyte_text_anywhere_in_a_long_journal_reads_back() {
        let mut text = String::from(JOURNAL_HEADER);
        let mut i = 0;
        while text.len() < 2 * 1024 * 1024 + 64 {
            text.push_str(&format!(
                "- {{\"at\":\"2026-11-23T09:00:00Z\",\"by\":\"Zoë Müller\",\"kind\":\"note\",\"text\":\"{}é{i}\"}}\n",
                "ü".repeat(i % 7)
            ));
            i += 1;
        }
        let j = read_file(text.as_bytes()).unwrap();
        assert_eq!(j.lines.len(), i);
        assert!(j.lines.iter().enumerate().all(|(n, l)| l.number == n + 2));
        // Read from a file in two halves, wherever the middle falls (inside
        // a character or not): a torn tail is found at its offset, and
        // errors name their own line.
        for cut in 0..8 {
            let mut bytes = text.as_bytes()[cut..].to_vec();
            let torn_at = bytes.len();
            bytes.extend_from_slice("- {\"at\":\"2026-11-23T09:00:00Z\",\"by\":\"Zoë".as_bytes());
            bytes.pop();
            match read_file(&bytes) {
                Ok(j) => assert_eq!(j.torn_offset, Some(torn_at as u64)),
                // Cutting the head off the first line leaves a broken line 1.
                Err(e) => assert!(e.starts_with("journal.yaml:1:"), "{e}"),
            }
        }
        // An error in either half names its own line.
        for n in [100, i - 50] {
            let note = format!("\"text\":\"{}é{n}\"", "ü".repeat(n % 7));
            let broken = text.replacen(&note, "\"text\":[", 1);
            let Err(e) = read_file(broken.as_bytes()) else {
                panic!("line {} was not refused", n + 2);
            };
            let at = format!("journal.yaml:{}:", n + 2);
            assert!(e.starts_with(&at), "{e}");
        }
    }

    /// `bytes` read from a file as poc reads a journal.
    fn read_file(bytes: &[u8]) -> Result<Journal, String> {
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(bytes).unwrap();
        Journal::read_from(&file, bytes.len() as u64, "journal.yaml").map_err(|e| e.to_string())
    }

    #[test]
    fn a_complete_but_wrong_last_line_is_an_error_not_a_torn_write() {
        let text = format!("{GOOD}- {{at: 2026-11-23T10:00:00Z, by: lee, kind: chek, id: SC1}}");
        assert!(err(&text).starts_with("journal.yaml:3:"), "{}", err(&text));
        let text =
            format!("{GOOD}- {{\"at\":\"2026-11-23T10:00:00Z\",\"by\":\"d\",\"kind\":\"chek\"}}");
        let e = err(&text);
        assert!(
            e.contains("unknown entry kind `chek`; did you mean `check`?"),
            "{e}"
        );
    }

    #[test]
    fn times_poc_cannot_store_are_an_error() {
        let text =
            "- {\"at\":\"-0001-01-01T00:00:00Z\",\"by\":\"d\",\"kind\":\"note\",\"text\":\"x\"}\n";
        assert!(err(text).starts_with("journal.yaml:1:"), "{}", err(text));
    }
}
