//! The journal: `journal.yaml`, what happened, owned by `poc`.
//!
//! A YAML sequence with one entry per line, each `- ` followed by a JSON
//! object (JSON is YAML's flow syntax, so the file stays valid YAML). Lines
//! are appended, never rewritten: two SEs' appends merge cleanly in git, and a
//! torn last line after a crash is detected and ignored. Each line is read on
//! its own with serde_json; the YAML parser is the fallback for a line a
//! person edited. The journal is never parsed as one document.

use std::fs::{File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::UserError;
use crate::scope::Phase;

/// The journal file name inside a POC folder.
pub const JOURNAL_FILE: &str = "journal.yaml";
/// A year-long journal is a few MiB; refuse anything past this before reading.
pub const MAX_JOURNAL_BYTES: u64 = 32 * 1024 * 1024;
/// The first line of a new journal.
pub const JOURNAL_HEADER: &str = "# poc journal: one entry per line, appended by poc and never rewritten. Record with poc commands; see `poc log`.\n";

/// One thing that happened, when and by whom.
///
/// Read through [`FlatEntry`]: serde's `flatten` over an internally tagged
/// enum buffers every line into an intermediate tree, which made a
/// 50,000-line journal several times slower to read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "FlatEntry<'_>")]
pub struct Entry {
    pub at: DateTime<Utc>,
    pub by: String,
    #[serde(flatten)]
    pub event: Event,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    /// The POC folder was created; setup starts.
    Init {
        template: String,
    },
    /// An item done, or a criterion met.
    Check(Mark),
    /// A criterion failed.
    Fail(Mark),
    /// An item or criterion back to pending.
    Undo {
        id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    Note {
        text: String,
    },
    /// An out-of-scope request, parked for after the POC.
    Park {
        text: String,
    },
    /// A blocker opened, with its ID (B1, B2, …).
    Blocker {
        id: String,
        text: String,
    },
    /// A blocker resolved.
    Resolve {
        id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    Advance {
        from: Phase,
        to: Phase,
        #[serde(default, skip_serializing_if = "is_false")]
        forced: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// Back to an earlier phase, or out of `closed`.
    Reopen {
        to: Phase,
        reason: String,
    },
    Close {
        outcome: Outcome,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        #[serde(default, skip_serializing_if = "is_false")]
        forced: bool,
    },
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Every field any entry kind has, read in one pass.
#[derive(Deserialize)]
struct FlatEntry<'a> {
    #[serde(deserialize_with = "timestamp")]
    at: DateTime<Utc>,
    by: String,
    /// Borrowed from the line: a kind never holds an escape.
    #[serde(borrow)]
    kind: std::borrow::Cow<'a, str>,
    #[serde(default)]
    template: Option<String>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    evidence: Option<String>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    files: Vec<FileEvidence>,
    #[serde(default)]
    run: Option<RunEvidence>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    from: Option<Phase>,
    #[serde(default)]
    to: Option<Phase>,
    #[serde(default)]
    forced: bool,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    outcome: Option<Outcome>,
}

impl TryFrom<FlatEntry<'_>> for Entry {
    type Error = String;

    fn try_from(f: FlatEntry<'_>) -> Result<Entry, String> {
        let FlatEntry {
            at,
            by,
            kind,
            template,
            id,
            evidence,
            note,
            files,
            run,
            text,
            from,
            to,
            forced,
            reason,
            outcome,
        } = f;
        let k = kind.as_ref();
        let event = match k {
            "init" => Event::Init {
                template: template.unwrap_or_default(),
            },
            "check" | "fail" => {
                let mark = Mark {
                    id: need(id, k, "id")?,
                    evidence,
                    note,
                    files,
                    run,
                };
                if k == "check" {
                    Event::Check(mark)
                } else {
                    Event::Fail(mark)
                }
            }
            "undo" => Event::Undo {
                id: need(id, k, "id")?,
                note,
            },
            "note" => Event::Note {
                text: need(text, k, "text")?,
            },
            "park" => Event::Park {
                text: need(text, k, "text")?,
            },
            "blocker" => Event::Blocker {
                id: need(id, k, "id")?,
                text: need(text, k, "text")?,
            },
            "resolve" => Event::Resolve {
                id: need(id, k, "id")?,
                note,
            },
            "advance" => Event::Advance {
                from: need(from, k, "from")?,
                to: need(to, k, "to")?,
                forced,
                reason,
            },
            "reopen" => Event::Reopen {
                to: need(to, k, "to")?,
                reason: reason.unwrap_or_default(),
            },
            "close" => Event::Close {
                outcome: need(outcome, k, "outcome")?,
                reason,
                forced,
            },
            other => {
                return Err(format!(
                    "unknown entry kind `{other}`{}",
                    crate::error::did_you_mean(other, EVENT_KINDS.iter().copied())
                ));
            }
        };
        Ok(Entry { at, by, event })
    }
}

/// Reads an RFC 3339 timestamp without allocating; the journal's own
/// `2026-11-23T09:00:00Z` form takes a fast path (most of the time spent
/// reading a long journal was chrono's general parser).
fn timestamp<'de, D: serde::Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    struct Visitor;
    impl serde::de::Visitor<'_> for Visitor {
        type Value = DateTime<Utc>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an RFC 3339 timestamp")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<DateTime<Utc>, E> {
            parse_utc_fast(v)
                .or_else(|| DateTime::parse_from_rfc3339(v).ok().map(|t| t.to_utc()))
                .ok_or_else(|| E::custom(format!("`{v}` is not an RFC 3339 timestamp")))
        }
    }
    d.deserialize_str(Visitor)
}

/// `YYYY-MM-DDTHH:MM:SSZ` exactly, else None.
fn parse_utc_fast(v: &str) -> Option<DateTime<Utc>> {
    let b = v.as_bytes();
    if b.len() != 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
        || b[19] != b'Z'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let date = chrono::NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)?;
    Some(
        date.and_hms_opt(num(11..13)?, num(14..16)?, num(17..19)?)?
            .and_utc(),
    )
}

fn need<T>(value: Option<T>, kind: &str, field: &str) -> Result<T, String> {
    value.ok_or_else(|| format!("a `{kind}` entry needs `{field}`"))
}

/// The entry kinds, as written in the journal.
pub const EVENT_KINDS: &[&str] = &[
    "init", "check", "fail", "undo", "note", "park", "blocker", "resolve", "advance", "reopen",
    "close",
];

/// A check or a failure of one ID, with its evidence.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Mark {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<FileEvidence>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<RunEvidence>,
}

/// A file attached as evidence, stored under `evidence/`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileEvidence {
    /// Path relative to the POC folder.
    pub path: String,
    pub sha256: String,
    pub size: u64,
    /// The file's name where it was attached from.
    pub name: String,
}

/// A command run as evidence; its output is kept in a log under `evidence/`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunEvidence {
    pub command: String,
    /// Path of the log, relative to the POC folder.
    pub log: String,
    pub sha256: String,
    pub size: u64,
    pub started: DateTime<Utc>,
    pub duration_ms: u64,
    /// None when the command was killed (timed out, or by a signal).
    pub exit_code: Option<i32>,
    #[serde(default)]
    pub timed_out: bool,
}

impl RunEvidence {
    /// "exit 0", "exit 3", "timed out", "killed".
    pub fn outcome(&self) -> String {
        match (self.timed_out, self.exit_code) {
            (true, _) => "timed out".to_string(),
            (false, Some(code)) => format!("exit {code}"),
            (false, None) => "killed".to_string(),
        }
    }

    /// Whether the command proved its criteria: it exited 0.
    pub fn passed(&self) -> bool {
        !self.timed_out && self.exit_code == Some(0)
    }
}

/// How a POC ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Win,
    Loss,
    Inconclusive,
}

impl Outcome {
    pub fn id(self) -> &'static str {
        match self {
            Outcome::Win => "win",
            Outcome::Loss => "loss",
            Outcome::Inconclusive => "inconclusive",
        }
    }

    /// The debrief framework's wording.
    pub fn title(self) -> &'static str {
        match self {
            Outcome::Win => "Technical Win",
            Outcome::Loss => "Technical Loss",
            Outcome::Inconclusive => "Inconclusive",
        }
    }
}

impl Event {
    /// The checklist item, criterion or blocker this entry is about.
    pub fn subject(&self) -> Option<&str> {
        match self {
            Event::Check(m) | Event::Fail(m) => Some(&m.id),
            Event::Undo { id, .. } | Event::Blocker { id, .. } | Event::Resolve { id, .. } => {
                Some(id)
            }
            _ => None,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Event::Init { .. } => "init",
            Event::Check(_) => "check",
            Event::Fail(_) => "fail",
            Event::Undo { .. } => "undo",
            Event::Note { .. } => "note",
            Event::Park { .. } => "park",
            Event::Blocker { .. } => "blocker",
            Event::Resolve { .. } => "resolve",
            Event::Advance { .. } => "advance",
            Event::Reopen { .. } => "reopen",
            Event::Close { .. } => "close",
        }
    }
}

/// An entry and the line it came from.
#[derive(Debug, Clone)]
pub struct Line {
    pub number: usize,
    pub entry: Entry,
}

/// A parsed journal.
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
}

impl Journal {
    /// Parses the bytes of a journal; `file` names it in errors.
    pub fn parse(bytes: &[u8], file: &str) -> Result<Journal, UserError> {
        // Validating the whole buffer at once is much faster than line by
        // line; on failure, find the line that holds the bad bytes.
        let (text, bad_line) = match std::str::from_utf8(bytes) {
            Ok(text) => (text, None),
            Err(e) => {
                let valid = &bytes[..e.valid_up_to()];
                let line_start = valid.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
                let number = valid.iter().filter(|b| **b == b'\n').count() + 1;
                let is_last = !bytes[line_start..].contains(&b'\n');
                if !is_last {
                    return Err(UserError::new(format!(
                        "{file}:{number}:{}: not valid UTF-8 text",
                        e.valid_up_to() - line_start + 1
                    )));
                }
                // Bad bytes in a last line without a newline: a torn write.
                let text = std::str::from_utf8(&bytes[..line_start]).expect("valid up to here");
                (text, Some((number, line_start)))
            }
        };
        let ends_with_newline = bad_line.is_none() && text.is_empty() || text.ends_with('\n');
        // A long journal is read in two halves at once: this is most of what
        // `status` does on a year-long POC, and the machine has a second core.
        let split = if text.len() >= PARALLEL_PARSE_BYTES {
            text[text.len() / 2..]
                .find('\n')
                .map(|i| text.len() / 2 + i + 1)
        } else {
            None
        };
        let mut journal = match split {
            Some(mid) => {
                let (head, tail) = text.split_at(mid);
                let head_lines = head.bytes().filter(|b| *b == b'\n').count();
                let (first, second) = std::thread::scope(|scope| {
                    let first = scope.spawn(|| parse_lines(head, file, 0, 0, true));
                    let second = parse_lines(tail, file, head_lines, mid, ends_with_newline);
                    (first.join().expect("journal parser thread"), second)
                });
                let mut journal = first?;
                let second = second?;
                journal.lines.extend(second.lines);
                journal.torn = second.torn;
                journal.torn_offset = second.torn_offset;
                journal
            }
            None => parse_lines(text, file, 0, 0, ends_with_newline)?,
        };
        if let Some((number, start)) = bad_line {
            journal.mark_torn(number, start);
        }
        journal.missing_newline = !ends_with_newline && journal.torn.is_none();
        Ok(journal)
    }

    fn mark_torn(&mut self, number: usize, start: usize) {
        self.torn = Some(number);
        self.torn_offset = Some(start as u64);
    }

    /// Entries in time order (a git union merge may interleave two SEs'
    /// lines); entries with the same time keep their file order.
    pub fn in_time_order(&self) -> Vec<&Line> {
        let mut lines: Vec<&Line> = self.lines.iter().collect();
        lines.sort_by_key(|l| l.entry.at);
        lines
    }

    /// The next free blocker ID: B1, B2, …
    pub fn next_blocker_id(&self) -> String {
        let n = self
            .lines
            .iter()
            .filter_map(|l| match &l.entry.event {
                Event::Blocker { id, .. } => id.strip_prefix('B')?.parse::<u32>().ok(),
                _ => None,
            })
            .max()
            .unwrap_or(0);
        format!("B{}", n + 1)
    }
}

/// Journals at least this large are parsed on two threads.
const PARALLEL_PARSE_BYTES: usize = 1024 * 1024;

/// Parses `text`, whose first line is line `skipped + 1` of the file and
/// starts at byte `base`; only the file's last chunk can end in a torn line.
fn parse_lines(
    text: &str,
    file: &str,
    skipped: usize,
    base: usize,
    ends_with_newline: bool,
) -> Result<Journal, UserError> {
    let mut journal = Journal::default();
    let mut offset = 0usize;
    let mut number = skipped;
    while offset < text.len() {
        number += 1;
        let start = offset;
        let (raw, is_last) = match text[start..].find('\n') {
            Some(i) => (&text[start..start + i], false),
            None => (&text[start..], true),
        };
        offset = start + raw.len() + 1;
        let torn_tail = is_last && !ends_with_newline;
        let raw = if number == 1 {
            raw.strip_prefix('\u{feff}').unwrap_or(raw)
        } else {
            raw
        };
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if !line.starts_with("- ") {
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
        }
        match parse_line(line, file, number) {
            Ok(entry) => journal.lines.push(Line { number, entry }),
            Err(_) if torn_tail && cut_short(line) => {
                journal.mark_torn(number, base + start);
                break;
            }
            Err(e) => return Err(e),
        }
    }
    Ok(journal)
}

/// Whether a last line is one of poc's own entries cut short by an
/// interrupted write, rather than a line a person got wrong (which is an
/// error, and never dropped).
fn cut_short(line: &str) -> bool {
    // A write cut within its first bytes leaves a prefix of `- {"`.
    if "- {\"".starts_with(line) {
        return true;
    }
    line.strip_prefix("- ").is_some_and(|json| {
        json.starts_with("{\"")
            && serde_json::from_str::<serde::de::IgnoredAny>(json).is_err_and(|e| e.is_eof())
    })
}

fn parse_line(text: &str, file: &str, number: usize) -> Result<Entry, UserError> {
    if let Some(json) = text.strip_prefix("- ")
        && let Ok(entry) = serde_json::from_str::<Entry>(json)
    {
        return Ok(entry);
    }
    if !text.starts_with('-') {
        return Err(UserError::new(format!(
            "{file}:{number}:1: expected a journal entry line starting with `- `"
        )));
    }
    // A line a person edited: YAML flow syntax rather than strict JSON.
    let mut entries: Vec<Entry> = crate::yaml::parse_line(text, file, number)?;
    match (entries.pop(), entries.is_empty()) {
        (Some(entry), true) => Ok(entry),
        _ => Err(UserError::new(format!(
            "{file}:{number}:1: expected exactly one journal entry on this line"
        ))),
    }
}

/// Reads the journal of the POC in `dir` under a shared lock. A missing
/// journal reads as empty.
pub fn read(dir: &Path) -> anyhow::Result<Journal> {
    let path = dir.join(JOURNAL_FILE);
    let mut file = match File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Journal::default()),
        Err(e) => return Err(e).with_context(|| format!("cannot open {}", path.display())),
    };
    file.lock_shared()
        .with_context(|| format!("cannot lock {}", path.display()))?;
    let name = crate::fsutil::display_in(dir, JOURNAL_FILE);
    let bytes = crate::fsutil::read_capped(&mut file, Path::new(&name), MAX_JOURNAL_BYTES)?;
    Ok(Journal::parse(&bytes, &name)?)
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
    /// Opens (creating if needed) and locks the journal of the POC in `dir`,
    /// and reads it.
    pub fn open(dir: &Path) -> anyhow::Result<(LockedJournal, Journal)> {
        let path = dir.join(JOURNAL_FILE);
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        file.lock()
            .with_context(|| format!("cannot lock {}", path.display()))?;
        let name = crate::fsutil::display_in(dir, JOURNAL_FILE);
        let bytes = crate::fsutil::read_capped(&mut file, Path::new(&name), MAX_JOURNAL_BYTES)?;
        let journal = Journal::parse(&bytes, &name)?;
        let locked = LockedJournal {
            file,
            path,
            name,
            torn: journal.torn_offset.zip(journal.torn),
            missing_newline: journal.missing_newline,
        };
        Ok((locked, journal))
    }

    /// Appends `entries` with one write and an fsync. A torn last line left
    /// by an interrupted write is dropped first (its command never finished).
    pub fn append(&mut self, entries: &[Entry]) -> anyhow::Result<()> {
        let mut buf = String::new();
        if let Some((offset, line)) = self.torn.take() {
            self.file.set_len(offset).with_context(|| {
                format!(
                    "cannot repair the torn last line of {}",
                    self.path.display()
                )
            })?;
            self.file.seek(SeekFrom::End(0))?;
            eprintln!(
                "warning: {}:{line}: dropped a torn last line left by an interrupted write",
                self.name
            );
        } else if self.missing_newline {
            buf.push('\n');
            self.missing_newline = false;
        }
        if self.file.metadata()?.len() == 0 {
            buf.push_str(JOURNAL_HEADER);
        }
        for entry in entries {
            buf.push_str("- ");
            buf.push_str(&serde_json::to_string(entry)?);
            buf.push('\n');
        }
        self.file
            .write_all(buf.as_bytes())
            .with_context(|| format!("cannot write {}", self.path.display()))?;
        self.file
            .sync_data()
            .with_context(|| format!("cannot sync {}", self.path.display()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "# header\n- {\"at\":\"2026-11-23T09:00:00Z\",\"by\":\"dana\",\"kind\":\"note\",\"text\":\"hi\"}\n";

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
        let e = Journal::parse(broken.as_bytes(), "journal.yaml").unwrap_err();
        assert!(e.message.starts_with("journal.yaml:1:"), "{}", e.message);
    }

    #[test]
    fn a_long_journal_read_in_two_halves_keeps_order_numbers_and_torn_tail() {
        let mut text = String::from(JOURNAL_HEADER);
        let n = 30_000;
        for i in 0..n {
            text.push_str(&format!(
                "- {{\"at\":\"2026-11-23T09:00:00Z\",\"by\":\"d\",\"kind\":\"note\",\"text\":\"note {i}\"}}\n"
            ));
        }
        assert!(text.len() >= PARALLEL_PARSE_BYTES);
        let torn_at = text.len();
        text.push_str("- {\"at\":\"2026-11-2");
        let j = Journal::parse(text.as_bytes(), "journal.yaml").unwrap();
        assert_eq!(j.lines.len(), n);
        for (i, line) in j.lines.iter().enumerate() {
            assert_eq!(line.number, i + 2);
            assert_eq!(
                line.entry.event,
                Event::Note {
                    text: format!("note {i}")
                }
            );
        }
        assert_eq!((j.torn, j.torn_offset), (Some(n + 2), Some(torn_at as u64)));
        // An error in either half names its own line.
        let broken = text.replacen("\"note 100\"", "[", 1);
        let e = Journal::parse(broken.as_bytes(), "journal.yaml").unwrap_err();
        assert!(e.message.starts_with("journal.yaml:102:"), "{}", e.message);
        let broken = text.replacen("\"note 29000\"", "[", 1);
        let e = Journal::parse(broken.as_bytes(), "journal.yaml").unwrap_err();
        assert!(
            e.message.starts_with("journal.yaml:29002:"),
            "{}",
            e.message
        );
    }

    #[test]
    fn a_complete_but_wrong_last_line_is_an_error_not_a_torn_write() {
        let text = format!("{GOOD}- {{at: 2026-11-23T10:00:00Z, by: lee, kind: chek, id: SC1}}");
        let e = Journal::parse(text.as_bytes(), "journal.yaml").unwrap_err();
        assert!(e.message.starts_with("journal.yaml:3:"), "{}", e.message);
        let text =
            format!("{GOOD}- {{\"at\":\"2026-11-23T10:00:00Z\",\"by\":\"d\",\"kind\":\"chek\"}}");
        assert!(Journal::parse(text.as_bytes(), "journal.yaml").is_err());
    }

    #[test]
    fn timestamps_parse_fast_or_fully() {
        for t in [
            "2026-11-23T09:00:00Z",
            "2026-11-23T10:00:00+01:00",
            "2026-11-23T09:00:00.000Z",
        ] {
            let line =
                format!("- {{\"at\":\"{t}\",\"by\":\"d\",\"kind\":\"note\",\"text\":\"x\"}}\n");
            let j = Journal::parse(line.as_bytes(), "journal.yaml").unwrap();
            assert_eq!(
                j.lines[0].entry.at.to_rfc3339(),
                "2026-11-23T09:00:00+00:00",
                "{t}"
            );
        }
        assert!(parse_utc_fast("2026-02-30T09:00:00Z").is_none());
        assert!(parse_utc_fast("2026-11-23T25:00:00Z").is_none());
    }

    #[test]
    fn entries_round_trip_as_one_json_line() {
        let entry = Entry {
            at: "2026-11-23T09:00:00Z".parse().unwrap(),
            by: "dana".into(),
            event: Event::Advance {
                from: Phase::Setup,
                to: Phase::Deployment,
                forced: true,
                reason: Some("line\nbreak".into()),
            },
        };
        let line = serde_json::to_string(&entry).unwrap();
        assert!(!line.contains('\n'));
        assert_eq!(
            line,
            r#"{"at":"2026-11-23T09:00:00Z","by":"dana","kind":"advance","from":"setup","to":"deployment","forced":true,"reason":"line\nbreak"}"#
        );
        assert_eq!(serde_json::from_str::<Entry>(&line).unwrap(), entry);
    }
}
