//! The journal: `journal.yaml`, what happened, owned by `poc`.
//!
//! A YAML sequence with one entry per line, each `- ` followed by a JSON
//! object (JSON is YAML's flow syntax, so the file stays valid YAML). Lines
//! are appended, never rewritten: two SEs' appends merge cleanly in git, and a
//! torn last line after a crash is detected and ignored. Each line is read on
//! its own with serde_json; the YAML parser is the fallback for a line a
//! person edited. The journal is never parsed as one document.

use std::borrow::Cow;
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

/// Text read from the journal: borrowed from the file's bytes unless it held
/// an escape, so reading 50,000 lines allocates almost nothing.
pub type Text<'a> = Cow<'a, str>;

/// One thing that happened, when and by whom. `'a` is the journal text it
/// was read from; entries a command writes are `Entry<'static>`.
///
/// Read through [`FlatEntry`]: serde's `flatten` over an internally tagged
/// enum buffers every line into an intermediate tree, which made a
/// 50,000-line journal several times slower to read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry<'a> {
    pub at: DateTime<Utc>,
    pub by: Text<'a>,
    #[serde(flatten)]
    pub event: Event<'a>,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event<'a> {
    /// The POC folder was created; setup starts.
    Init {
        template: Text<'a>,
    },
    /// An item done, or a criterion met.
    Check(Mark<'a>),
    /// A criterion failed.
    Fail(Mark<'a>),
    /// An item or criterion back to pending.
    Undo {
        id: Text<'a>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<Text<'a>>,
    },
    Note {
        text: Text<'a>,
    },
    /// An out-of-scope request, parked for after the POC.
    Park {
        text: Text<'a>,
    },
    /// A blocker opened, with its ID (B1, B2, …).
    Blocker {
        id: Text<'a>,
        text: Text<'a>,
    },
    /// A blocker resolved.
    Resolve {
        id: Text<'a>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<Text<'a>>,
    },
    Advance {
        from: Phase,
        to: Phase,
        #[serde(default, skip_serializing_if = "is_false")]
        forced: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<Text<'a>>,
    },
    /// Back to an earlier phase, or out of `closed`.
    Reopen {
        to: Phase,
        reason: Text<'a>,
    },
    Close {
        outcome: Outcome,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<Text<'a>>,
        #[serde(default, skip_serializing_if = "is_false")]
        forced: bool,
    },
}

impl<'de> Deserialize<'de> for Entry<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Entry<'de>, D::Error> {
        let flat = FlatEntry::deserialize(d)?;
        Entry::try_from(flat).map_err(serde::de::Error::custom)
    }
}

/// An entry that owns its text: what the YAML parser (which cannot lend
/// from its input) reads a person-edited line into.
struct OwnedEntry(Entry<'static>);

impl<'de> Deserialize<'de> for OwnedEntry {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<OwnedEntry, D::Error> {
        Entry::deserialize(d).map(|e| OwnedEntry(e.into_owned()))
    }
}

fn own(text: Text<'_>) -> Text<'static> {
    Cow::Owned(text.into_owned())
}

impl Entry<'_> {
    /// The same entry, no longer borrowing from the journal text.
    pub fn into_owned(self) -> Entry<'static> {
        Entry {
            at: self.at,
            by: own(self.by),
            event: self.event.into_owned(),
        }
    }
}

impl Event<'_> {
    pub fn into_owned(self) -> Event<'static> {
        match self {
            Event::Init { template } => Event::Init {
                template: own(template),
            },
            Event::Check(mark) => Event::Check(mark.into_owned()),
            Event::Fail(mark) => Event::Fail(mark.into_owned()),
            Event::Undo { id, note } => Event::Undo {
                id: own(id),
                note: note.map(own),
            },
            Event::Note { text } => Event::Note { text: own(text) },
            Event::Park { text } => Event::Park { text: own(text) },
            Event::Blocker { id, text } => Event::Blocker {
                id: own(id),
                text: own(text),
            },
            Event::Resolve { id, note } => Event::Resolve {
                id: own(id),
                note: note.map(own),
            },
            Event::Advance {
                from,
                to,
                forced,
                reason,
            } => Event::Advance {
                from,
                to,
                forced,
                reason: reason.map(own),
            },
            Event::Reopen { to, reason } => Event::Reopen {
                to,
                reason: own(reason),
            },
            Event::Close {
                outcome,
                reason,
                forced,
            } => Event::Close {
                outcome,
                reason: reason.map(own),
                forced,
            },
        }
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Every field any entry kind has, read in one pass.
#[derive(Deserialize)]
struct FlatEntry<'a> {
    #[serde(deserialize_with = "timestamp")]
    at: DateTime<Utc>,
    #[serde(borrow, deserialize_with = "text")]
    by: Text<'a>,
    #[serde(borrow, deserialize_with = "text")]
    kind: Text<'a>,
    #[serde(default, borrow, deserialize_with = "optional_text")]
    template: Option<Text<'a>>,
    #[serde(default, borrow, deserialize_with = "optional_text")]
    id: Option<Text<'a>>,
    #[serde(default, borrow, deserialize_with = "optional_text")]
    evidence: Option<Text<'a>>,
    #[serde(default, borrow, deserialize_with = "optional_text")]
    note: Option<Text<'a>>,
    #[serde(default)]
    files: Vec<FileEvidence>,
    #[serde(default)]
    run: Option<Box<RunEvidence>>,
    #[serde(default, borrow, deserialize_with = "optional_text")]
    text: Option<Text<'a>>,
    #[serde(default)]
    from: Option<Phase>,
    #[serde(default)]
    to: Option<Phase>,
    #[serde(default)]
    forced: bool,
    #[serde(default, borrow, deserialize_with = "optional_text")]
    reason: Option<Text<'a>>,
    #[serde(default)]
    outcome: Option<Outcome>,
}

/// A string, borrowed from the input when it holds no escape (serde itself
/// only borrows a field spelled `Cow<'a, str>`, not an alias or an `Option`).
fn text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Text<'de>, D::Error> {
    d.deserialize_str(Borrowing)
}

struct Borrowing;

impl<'de> serde::de::Visitor<'de> for Borrowing {
    type Value = Text<'de>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Text<'de>, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Text<'de>, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Text<'de>, E> {
        Ok(Cow::Owned(v))
    }
}

/// An optional [`text`].
fn optional_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Text<'de>>, D::Error> {
    struct Optional;
    impl<'de> serde::de::Visitor<'de> for Optional {
        type Value = Option<Text<'de>>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a string")
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_str(Borrowing).map(Some)
        }
    }
    d.deserialize_option(Optional)
}

impl<'a> TryFrom<FlatEntry<'a>> for Entry<'a> {
    type Error = String;

    fn try_from(f: FlatEntry<'a>) -> Result<Entry<'a>, String> {
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
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Mark<'a> {
    pub id: Text<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<FileEvidence>,
    /// Boxed: few marks have one, and it would double the size of every entry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run: Option<Box<RunEvidence>>,
}

impl Mark<'_> {
    pub fn into_owned(self) -> Mark<'static> {
        Mark {
            id: own(self.id),
            evidence: self.evidence.map(own),
            note: self.note.map(own),
            files: self.files,
            run: self.run,
        }
    }
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

impl Event<'_> {
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
pub struct Line<'a> {
    pub number: usize,
    pub entry: Entry<'a>,
}

/// A parsed journal, borrowing from its text.
#[derive(Debug, Clone, Default)]
pub struct Journal<'a> {
    /// Entries in file order.
    pub lines: Vec<Line<'a>>,
    /// The line number of a torn last line (an interrupted write), ignored.
    pub torn: Option<usize>,
    /// Byte offset where a torn last line starts, so a write can drop it.
    torn_offset: Option<u64>,
    /// Whether the file ends without a newline (a person's edit).
    missing_newline: bool,
}

impl<'a> Journal<'a> {
    /// Parses the bytes of a journal; `file` names it in errors.
    pub fn parse(bytes: &'a [u8], file: &str) -> Result<Journal<'a>, UserError> {
        // Validating the whole buffer at once is much faster than line by
        // line; on failure, find the line that holds the bad bytes.
        let (text, bad_line) = match std::str::from_utf8(bytes) {
            Ok(text) => (text, None),
            Err(e) => {
                let at = crate::text::BadUtf8::locate(bytes, &e);
                let is_last = !bytes[at.line_start..].contains(&b'\n');
                if !is_last {
                    return Err(UserError::new(format!(
                        "{file}:{}:{}: not valid UTF-8 text",
                        at.line, at.column
                    )));
                }
                // Bad bytes in a last line without a newline: a torn write.
                let text = std::str::from_utf8(&bytes[..at.line_start]).expect("valid up to here");
                (text, Some((at.line, at.line_start)))
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
                    // Room for both halves, so appending the second copies
                    // it once rather than growing (and copying) the first.
                    let first = scope.spawn(|| parse_lines(head, file, 0, 0, true, text.len()));
                    let second =
                        parse_lines(tail, file, head_lines, mid, ends_with_newline, tail.len());
                    (first.join().expect("journal parser thread"), second)
                });
                let mut journal = first?;
                let second = second?;
                journal.lines.extend(second.lines);
                journal.torn = second.torn;
                journal.torn_offset = second.torn_offset;
                journal
            }
            None => parse_lines(text, file, 0, 0, ends_with_newline, text.len())?,
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
    pub fn in_time_order(&self) -> Vec<&Line<'a>> {
        let mut lines: Vec<&Line<'a>> = self.lines.iter().collect();
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
/// Reserves room for the entries of `room` bytes of journal.
fn parse_lines<'a>(
    text: &'a str,
    file: &str,
    skipped: usize,
    base: usize,
    ends_with_newline: bool,
    room: usize,
) -> Result<Journal<'a>, UserError> {
    let mut journal = Journal {
        // Most lines of a long journal are 100–200 bytes: reserving up front
        // saves copying every entry as the vector grows.
        lines: Vec::with_capacity(room / 128),
        ..Journal::default()
    };
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

fn parse_line<'a>(text: &'a str, file: &str, number: usize) -> Result<Entry<'a>, UserError> {
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
    let mut entries: Vec<OwnedEntry> = crate::yaml::parse_line(text, file, number)?;
    match (entries.pop(), entries.is_empty()) {
        (Some(OwnedEntry(entry)), true) => Ok(entry),
        _ => Err(UserError::new(format!(
            "{file}:{number}:1: expected exactly one journal entry on this line"
        ))),
    }
}

/// Reads the journal of the POC in `dir` under a shared lock. A missing
/// journal reads as empty.
///
/// The text is kept for the rest of the process (one command): entries
/// borrow from it, and freeing it just before exit would only cost time.
pub fn read(dir: &Path) -> anyhow::Result<Journal<'static>> {
    let path = dir.join(JOURNAL_FILE);
    let name = crate::fsutil::display_in(dir, JOURNAL_FILE);
    if !crate::fsutil::regular_file_exists(&path, &name)? {
        return Ok(Journal::default());
    }
    let mut file = match File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Journal::default()),
        Err(e) => return Err(e).with_context(|| format!("cannot open {name}")),
    };
    file.lock_shared()
        .with_context(|| format!("cannot lock {name}"))?;
    Ok(Journal::parse(read_text(&mut file, &name)?, &name)?)
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

/// The bytes of the (locked) journal, kept for the rest of the process.
///
/// Read into memory rather than mapped: a map would keep the file, and so
/// its lock, for the whole process, and another program rewriting the file
/// in place would change text poc has already checked.
fn read_text(file: &mut File, name: &str) -> anyhow::Result<&'static [u8]> {
    let bytes = crate::fsutil::read_capped(file, Path::new(name), MAX_JOURNAL_BYTES)?;
    Ok(bytes.leak())
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
    /// `dir`, and reads it (keeping its text, as [`read`] does).
    pub fn open(dir: &Path) -> anyhow::Result<(LockedJournal, Journal<'static>)> {
        let opened = Self::open_with(dir, true)?;
        Ok(opened.expect("open_with creates a missing journal"))
    }

    /// As [`LockedJournal::open`], but `None` when there is no journal yet.
    pub fn open_existing(dir: &Path) -> anyhow::Result<Option<(LockedJournal, Journal<'static>)>> {
        Self::open_with(dir, false)
    }

    fn open_with(
        dir: &Path,
        create: bool,
    ) -> anyhow::Result<Option<(LockedJournal, Journal<'static>)>> {
        let path = dir.join(JOURNAL_FILE);
        let name = crate::fsutil::display_in(dir, JOURNAL_FILE);
        let mut file = loop {
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
        let journal = Journal::parse(read_text(&mut file, &name)?, &name)?;
        let locked = LockedJournal {
            file,
            path,
            name,
            torn: journal.torn_offset.zip(journal.torn),
            missing_newline: journal.missing_newline,
        };
        Ok(Some((locked, journal)))
    }

    /// Appends `entries` with one write and an fsync. A torn last line left
    /// by an interrupted write is dropped first (its command never finished).
    pub fn append(&mut self, entries: &[Entry<'_>]) -> anyhow::Result<()> {
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
                    text: format!("note {i}").into()
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
    fn text_is_borrowed_from_the_line_unless_it_holds_an_escape() {
        let text = concat!(
            "- {\"at\":\"2026-11-23T09:00:00Z\",\"by\":\"dana\",\"kind\":\"check\",\"id\":\"SC1\",",
            "\"evidence\":\"p95 \\\"180 ms\\\"\",\"note\":\"plain\"}\n",
            "- {at: 2026-11-23T10:00:00Z, by: lee, kind: note, text: by hand}\n",
        );
        let j = Journal::parse(text.as_bytes(), "journal.yaml").unwrap();
        let Event::Check(m) = &j.lines[0].entry.event else {
            panic!("{:?}", j.lines[0].entry.event)
        };
        assert!(matches!(j.lines[0].entry.by, Cow::Borrowed("dana")));
        assert!(matches!(m.id, Cow::Borrowed("SC1")));
        assert!(matches!(m.note, Some(Cow::Borrowed("plain"))));
        assert_eq!(m.evidence.as_deref(), Some("p95 \"180 ms\""));
        assert!(matches!(m.evidence, Some(Cow::Owned(_))));
        // A person-edited line goes through the YAML parser, which owns.
        assert_eq!(
            j.lines[1].entry.event,
            Event::Note {
                text: "by hand".into()
            }
        );
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
