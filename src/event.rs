//! What a journal entry records: the one place an entry kind is defined.
//! Adding a kind is a variant here and its replay in `state.rs`; serde
//! derives how it is written and read, and the list of kinds.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::plan::{Better, GapSeverity, Level, RiskStatus};
use crate::scope::Phase;

/// One thing that happened, when and by whom.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    #[serde(deserialize_with = "timestamp")]
    pub at: DateTime<Utc>,
    /// Shared: a journal has a handful of authors and thousands of entries.
    pub by: Arc<str>,
    #[serde(flatten)]
    pub event: Event,
}

/// The authors met while reading a journal, each held once.
#[derive(Debug, Clone, Default)]
pub struct Authors(Vec<Arc<str>>);

impl Authors {
    fn get(&mut self, name: &str) -> Arc<str> {
        if let Some(known) = self.0.iter().find(|a| &***a == name) {
            return Arc::clone(known);
        }
        let new: Arc<str> = name.into();
        self.0.push(Arc::clone(&new));
        new
    }
}

/// What happened. Optional fields are left out when empty, so lines stay
/// short and older poc versions read what newer ones write.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    /// The POC folder was created; setup starts.
    Init { template: String },
    /// An item done, or a criterion met. Shared (`Arc`): the replayed
    /// state keeps every mark as evidence, and copying 50,000 of them was
    /// a tenth of what `status` cost on a year-long journal.
    Check(Arc<Mark>),
    /// A criterion failed, or an item's verification run failed.
    Fail(Arc<Mark>),
    /// An item or criterion back to pending.
    Undo {
        id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// Shared (`Arc`): the state and every report keep each note, and a
    /// long journal holds thousands.
    Note { text: Arc<str> },
    /// An out-of-scope request, parked for after the POC.
    Park { text: String },
    /// A blocker opened, with an ID minted to stay unique across clones;
    /// who owns it, how bad it is, and who to escalate to after how long.
    Blocker {
        id: String,
        text: String,
        /// Written as the blocker's own fields; None when it has none.
        #[serde(flatten, deserialize_with = "blocker_plan")]
        plan: Option<Box<BlockerPlan>>,
    },
    /// A blocker resolved. `opened` names which one when a hand edit left
    /// two blockers with one ID.
    Resolve {
        id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opened: Option<DateTime<Utc>>,
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
        #[serde(default)]
        reason: String,
        /// The outcome it reopened, when it reopened a closed POC: a reopen
        /// made in a clone that saw another outcome settles no conflict.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        closed: Option<Outcome>,
    },
    /// The outcome. `from` is the phase it was decided in (absent in
    /// journals before it was recorded): a close merged in from a clone
    /// that stood elsewhere is a conflict, not a jump past gates.
    Close {
        outcome: Outcome,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        #[serde(default, skip_serializing_if = "is_false")]
        forced: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<Phase>,
    },
    /// A customer update was sent (`poc update --record`), covering what
    /// happened from `since` to the entry's time: the next update starts
    /// where this one ends.
    Update {
        #[serde(deserialize_with = "timestamp")]
        since: DateTime<Utc>,
        /// How many entries each author had in the journal then (updates
        /// aside): an author's entries past that count are new to the next
        /// update, whatever their time (a teammate's merged in, or one
        /// recorded back-dated).
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        seen: BTreeMap<String, usize>,
    },
    /// A sign-off given: `name` approved what the scope's sign-off covers.
    Signoff(Box<SignoffEvent>),
    /// A sign-off withdrawn.
    Unsignoff {
        id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// A risk raised during the POC (the scope's own are there from the
    /// start), with an ID minted to stay unique across clones.
    Risk(Box<RiskEvent>),
    /// A risk moved: watching, triggered or retired. `raised` names which
    /// one when a merge or a hand edit left two risks with one ID (a
    /// raised one's time; absent for the scope's own).
    RiskStatus {
        id: String,
        status: RiskStatus,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        raised: Option<DateTime<Utc>>,
    },
    /// A value metric's actual value, and what proves it.
    Measure(Box<MeasureEvent>),
    /// A product gap the prospect hit, with an ID minted to stay unique.
    Gap(Box<GapEvent>),
    /// A product gap closed, by a workaround or a fix. `opened` names
    /// which one when a merge or a hand edit left two gaps with one ID.
    GapResolve {
        id: String,
        note: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opened: Option<DateTime<Utc>>,
    },
}

// The rarer kinds with many fields are boxed, and the blocker's plan too:
// an entry is as large as its largest kind, and a long journal holds tens
// of thousands of entries (see the size test below).

/// A blocker's owner, severity and escalation, when it has any.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct BlockerPlan {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Level>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalate_to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_days: Option<u32>,
}

impl BlockerPlan {
    /// Boxed, or None when it says nothing (as a plain blocker is read).
    pub fn boxed(self) -> Option<Box<BlockerPlan>> {
        (self != BlockerPlan::default()).then(|| Box::new(self))
    }
}

/// Reads a blocker's plan fields: None when there are none.
fn blocker_plan<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Box<BlockerPlan>>, D::Error> {
    BlockerPlan::deserialize(d).map(BlockerPlan::boxed)
}

/// A sign-off given: `name` approved what the scope's sign-off covers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignoffEvent {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<FileEvidence>,
}

/// A risk raised during the POC.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskEvent {
    pub id: String,
    pub title: String,
    pub likelihood: Level,
    pub impact: Level,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

/// A value metric's actual value, and what proves it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeasureEvent {
    pub id: String,
    pub value: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<FileEvidence>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<Box<RunEvidence>>,
    /// The target and direction it was judged against (absent in
    /// entries before they were recorded: the scope's apply), so an
    /// edit of the target afterwards rewrites no result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub better: Option<Better>,
}

/// A product gap the prospect hit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GapEvent {
    pub id: String,
    pub text: String,
    pub severity: GapSeverity,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feature: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criterion: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workaround: Option<String>,
}

/// The stored files' paths, comma-separated; none without files.
fn paths(files: &[FileEvidence]) -> Option<String> {
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    (!paths.is_empty()).then(|| paths.join(", "))
}

fn is_false(b: &bool) -> bool {
    !*b
}

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
    /// Boxed: few marks have one, and it would double the size of every entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<Box<RunEvidence>>,
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
    #[serde(deserialize_with = "timestamp")]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

impl Event {
    /// The checklist item, criterion or blocker this entry is about.
    pub fn subject(&self) -> Option<&str> {
        match self {
            Event::Check(m) | Event::Fail(m) => Some(&m.id),
            Event::Signoff(s) => Some(&s.id),
            Event::Risk(r) => Some(&r.id),
            Event::Measure(m) => Some(&m.id),
            Event::Gap(g) => Some(&g.id),
            Event::Undo { id, .. }
            | Event::Blocker { id, .. }
            | Event::Resolve { id, .. }
            | Event::Unsignoff { id, .. }
            | Event::RiskStatus { id, .. }
            | Event::GapResolve { id, .. } => Some(id),
            _ => None,
        }
    }

    /// A blocker with its text alone: no owner, severity or escalation.
    pub fn blocker(id: impl Into<String>, text: impl Into<String>) -> Event {
        Event::Blocker {
            id: id.into(),
            text: text.into(),
            plan: None,
        }
    }

    /// Every kind, as [`Event::kind`] writes it (a test checks the list
    /// against serde's).
    pub const KINDS: &[&str] = &[
        "init",
        "check",
        "fail",
        "undo",
        "note",
        "park",
        "blocker",
        "resolve",
        "advance",
        "reopen",
        "close",
        "update",
        "signoff",
        "unsignoff",
        "risk",
        "risk_status",
        "measure",
        "gap",
        "gap_resolve",
    ];

    /// The kind as written in the journal: `check`, `advance`, ….
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
            Event::Update { .. } => "update",
            Event::Signoff(_) => "signoff",
            Event::Unsignoff { .. } => "unsignoff",
            Event::Risk(_) => "risk",
            Event::RiskStatus { .. } => "risk_status",
            Event::Measure(_) => "measure",
            Event::Gap(_) => "gap",
            Event::GapResolve { .. } => "gap_resolve",
        }
    }

    /// Whether it moves the POC between phases or in and out of closed.
    pub fn is_transition(&self) -> bool {
        matches!(
            self,
            Event::Advance { .. } | Event::Reopen { .. } | Event::Close { .. }
        )
    }

    /// The human part of the entry, on one line, as `poc log` shows it.
    pub fn detail(&self) -> String {
        let join = |parts: Vec<Option<String>>| {
            parts.into_iter().flatten().collect::<Vec<_>>().join(" · ")
        };
        match self {
            Event::Init { template } => format!("created from {template}"),
            Event::Check(m) | Event::Fail(m) => join(vec![
                m.evidence.clone(),
                m.note.clone(),
                paths(&m.files),
                m.run
                    .as_ref()
                    .map(|r| format!("ran `{}`: {}", r.command, r.outcome())),
            ]),
            Event::Undo { note, .. } | Event::Resolve { note, .. } => {
                note.clone().unwrap_or_default()
            }
            Event::Note { text } => text.to_string(),
            Event::Park { text } => text.clone(),
            Event::Blocker { text, plan, .. } => {
                let plan = plan.as_deref().cloned().unwrap_or_default();
                join(vec![
                    Some(text.clone()),
                    plan.owner.as_ref().map(|o| format!("owner {o}")),
                    plan.severity.map(|s| format!("{} severity", s.id())),
                    (plan.escalate_to.as_ref().filter(|to| !to.trim().is_empty())).map(|to| {
                        match plan.after_days {
                            Some(days) => format!(
                                "escalate to {to} after {}",
                                crate::text::plural(i64::from(days), "day")
                            ),
                            None => format!("escalate to {to}"),
                        }
                    }),
                ])
            }
            Event::Signoff(s) => join(vec![
                Some(format!("signed by {}", s.name)),
                s.evidence.clone(),
                paths(&s.files),
            ]),
            Event::Unsignoff { note, .. } => note.clone().unwrap_or_default(),
            Event::Risk(r) => join(vec![
                Some(r.title.clone()),
                Some(format!(
                    "{} likelihood, {} impact",
                    r.likelihood.id(),
                    r.impact.id()
                )),
                r.owner.as_ref().map(|o| format!("owner {o}")),
            ]),
            Event::RiskStatus { status, note, .. } => {
                join(vec![Some(status.id().to_string()), note.clone()])
            }
            Event::Measure(m) => join(vec![
                Some(crate::plan::number(m.value)),
                m.evidence.clone(),
                paths(&m.files),
                m.run
                    .as_ref()
                    .map(|r| format!("ran `{}`: {}", r.command, r.outcome())),
            ]),
            Event::Gap(g) => join(vec![
                Some(g.text.clone()),
                Some(g.severity.id().to_string()),
                g.feature.as_ref().map(|f| format!("feature {f}")),
                g.criterion.as_ref().map(|c| format!("criterion {c}")),
                g.workaround.as_ref().map(|w| format!("workaround: {w}")),
            ]),
            Event::GapResolve { note, .. } => note.clone(),
            Event::Advance {
                from,
                to,
                forced,
                reason,
            } => join(vec![
                Some(format!("{from} → {to}")),
                forced.then(|| "forced".to_string()),
                reason.clone(),
            ]),
            Event::Reopen { to, reason, .. } => format!("back to {to} · {reason}"),
            Event::Close {
                outcome,
                reason,
                forced,
                ..
            } => join(vec![
                Some(outcome.id().to_string()),
                forced.then(|| "forced".to_string()),
                reason.clone(),
            ]),
            Event::Update { since, .. } => format!(
                "customer update sent, covering from {}",
                since.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
            ),
        }
    }
}

impl Entry {
    /// Dates the entry just after `t`: replayed at the same instant, the
    /// (time, author) order could put it first.
    pub fn place_after(&mut self, t: DateTime<Utc>) {
        self.at = t + chrono::Duration::milliseconds(1);
    }

    /// Where the entry falls in replay: by time, then (for entries of the
    /// same instant, common with `POC_NOW=YYYY-MM-DD`) by who wrote it, so
    /// that a union merge replays the same whichever side came first. One
    /// person's entries of one instant keep their file order.
    pub fn order_key(&self) -> (DateTime<Utc>, &str) {
        (self.at, &self.by)
    }

    /// Reads one journal line's JSON object.
    ///
    /// The kinds a long journal is made of (checks, failures, undos, notes,
    /// parked requests, blockers) take a fast path: one pass into the
    /// fields they use. serde's reading of `Event`, which buffers every
    /// line twice (once for `flatten`, once for the `kind` tag), made a
    /// 50,000-line journal half again slower. Anything the fast path does
    /// not take (another kind, a field of an unexpected type, an error) is
    /// read by serde from this file's one definition of the entry, which
    /// also gives the error messages; the two agree by test.
    pub fn from_json(json: &str, authors: &mut Authors) -> serde_json::Result<Entry> {
        match serde_json::from_str::<Common>(json) {
            Ok(common) => common
                .into_entry(authors)
                .map_or_else(|| serde_json::from_str(json), Ok),
            Err(_) => serde_json::from_str(json),
        }
    }
}

/// The fields of the frequent kinds, read in one pass (see
/// [`Entry::from_json`]). Unknown fields are ignored, as serde's reading
/// of `Event` ignores them.
#[derive(Deserialize)]
struct Common<'a> {
    #[serde(deserialize_with = "timestamp")]
    at: DateTime<Utc>,
    #[serde(borrow)]
    by: &'a str,
    #[serde(borrow)]
    kind: &'a str,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    evidence: Option<String>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    files: Vec<FileEvidence>,
    #[serde(default)]
    run: Option<Box<RunEvidence>>,
    /// Present: a kind the fast path leaves to serde (`resolve` naming
    /// which of two blockers).
    #[serde(default)]
    opened: Option<serde::de::IgnoredAny>,
    /// Present: a blocker with an owner, a severity or an escalation,
    /// which the fast path leaves to serde.
    #[serde(default)]
    owner: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    severity: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    escalate_to: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    after_days: Option<serde::de::IgnoredAny>,
}

impl Common<'_> {
    /// The entry, or None for what serde's reading must decide.
    fn into_entry(self, authors: &mut Authors) -> Option<Entry> {
        let Common {
            at,
            by,
            kind,
            id,
            text,
            evidence,
            note,
            files,
            run,
            opened,
            owner,
            severity,
            escalate_to,
            after_days,
        } = self;
        let plain_blocker =
            owner.is_none() && severity.is_none() && escalate_to.is_none() && after_days.is_none();
        let event = match (kind, id, text) {
            ("check" | "fail", Some(id), _) => {
                let mark = Arc::new(Mark {
                    id,
                    evidence,
                    note,
                    files,
                    run,
                });
                if kind == "check" {
                    Event::Check(mark)
                } else {
                    Event::Fail(mark)
                }
            }
            ("undo", Some(id), _) => Event::Undo { id, note },
            ("resolve", Some(id), _) if opened.is_none() => Event::Resolve {
                id,
                note,
                opened: None,
            },
            ("note", _, Some(text)) => Event::Note { text: text.into() },
            ("park", _, Some(text)) => Event::Park { text },
            ("blocker", Some(id), Some(text)) if plain_blocker => Event::Blocker {
                id,
                text,
                plan: None,
            },
            _ => return None,
        };
        Some(Entry {
            at,
            by: authors.get(by),
            event,
        })
    }
}

/// Reads an RFC 3339 timestamp; the journal's own `2026-11-23T09:00:00Z`
/// form takes a fast path (chrono's general parser was most of the time
/// spent reading a long journal).
fn timestamp<'de, D: serde::Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    // A visitor rather than a `String` (or serde's `Cow`, which always
    // copies): the text is parsed where it lies, one allocation fewer per
    // entry.
    struct Visitor;
    impl serde::de::Visitor<'_> for Visitor {
        type Value = DateTime<Utc>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an RFC 3339 timestamp")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<DateTime<Utc>, E> {
            parse_timestamp(v)
                .ok_or_else(|| E::custom(format!("`{v}` is not an RFC 3339 timestamp")))
        }
    }
    d.deserialize_str(Visitor)
}

/// An RFC 3339 timestamp within the years poc can write back.
pub fn parse_timestamp(v: &str) -> Option<DateTime<Utc>> {
    parse_utc_fast(v)
        .or_else(|| DateTime::parse_from_rfc3339(v).ok().map(|t| t.to_utc()))
        .filter(|t| crate::clock::readable(*t))
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction]Z`, the form poc writes (chrono's own
/// serialisation: a fraction of up to nine digits when the clock has one),
/// else None for the general parser.
fn parse_utc_fast(v: &str) -> Option<DateTime<Utc>> {
    let b = v.as_bytes();
    let shape = b.len() >= 20
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[b.len() - 1] == b'Z';
    if !shape {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let nanos = match &b[19..b.len() - 1] {
        [] => 0,
        [b'.', digits @ ..] if (1..=9).contains(&digits.len()) => {
            num(20..20 + digits.len())? * 10u32.pow(9 - digits.len() as u32)
        }
        _ => return None,
    };
    let date = chrono::NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)?;
    Some(
        date.and_hms_nano_opt(num(11..13)?, num(14..16)?, num(17..19)?, nanos)?
            .and_utc(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_of_kinds_is_serdes() {
        // serde names every variant it expects when a kind is unknown.
        let err = serde_json::from_str::<Event>(r#"{"kind":"nope"}"#).unwrap_err();
        let msg = err.to_string();
        let expected = msg
            .split("expected one of ")
            .nth(1)
            .unwrap_or_else(|| panic!("{msg}"));
        let serde_kinds: Vec<&str> = (expected.split('`')).skip(1).step_by(2).collect();
        assert_eq!(serde_kinds, Event::KINDS, "{msg}");
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
        assert_eq!(
            line,
            r#"{"at":"2026-11-23T09:00:00Z","by":"dana","kind":"advance","from":"setup","to":"deployment","forced":true,"reason":"line\nbreak"}"#
        );
        assert_eq!(serde_json::from_str::<Entry>(&line).unwrap(), entry);
    }

    #[test]
    fn the_fast_path_reads_every_kind_as_serde_does() {
        let lines = [
            r#"{"at":"2026-11-23T09:00:00Z","by":"d","kind":"init","template":"standard@1"}"#,
            r#"{"at":"2026-11-23T09:00:00Z","by":"d\u00eb","kind":"check","id":"SC1","evidence":"e \"q\"","note":"n","files":[{"path":"evidence/a","sha256":"00","size":3,"name":"a"}],"run":{"command":"c","log":"l","sha256":"0","size":1,"started":"2026-11-23T09:00:00Z","duration_ms":1,"exit_code":0}}"#,
            r#"{"at":"2026-11-23T09:00:00Z","by":"d","kind":"fail","id":"SC1","note":"p95 340 ms"}"#,
            r#"{"at":"2026-11-23T09:00:00Z","by":"d","kind":"undo","id":"SC1","note":"n"}"#,
            r#"{"at":"2026-11-23T09:00:00Z","by":"d","kind":"note","text":"t"}"#,
            r#"{"at":"2026-11-23T09:00:00Z","by":"d","kind":"park","text":"t"}"#,
            r#"{"at":"2026-11-23T09:00:00Z","by":"d","kind":"blocker","id":"B3-K7Q","text":"t"}"#,
            r#"{"at":"2026-11-23T09:00:00Z","by":"d","kind":"resolve","id":"B3","note":"n"}"#,
            r#"{"at":"2026-11-23T09:00:00Z","by":"d","kind":"resolve","id":"B3","opened":"2026-11-23T08:00:00Z"}"#,
            r#"{"at":"2026-11-23T09:00:00Z","by":"d","kind":"advance","from":"setup","to":"deployment","forced":true,"reason":"r"}"#,
            r#"{"at":"2026-11-23T09:00:00Z","by":"d","kind":"reopen","to":"setup","reason":"r"}"#,
            r#"{"at":"2026-11-23T09:00:00Z","by":"d","kind":"close","outcome":"win","from":"signoff"}"#,
            r#"{"at":"2026-11-23T09:00:00Z","by":"d","kind":"update","since":"2026-11-22T00:00:00Z"}"#,
            // A field the fast path reads, on a kind it leaves to serde.
            r#"{"at":"2026-11-23T09:00:00Z","by":"d","kind":"update","since":"2026-11-22T05:00:00+05:00","id":"x"}"#,
            // Odd but valid: extra fields, a field of another kind, a
            // different key order.
            r#"{"kind":"note","text":"t","by":"d","at":"2026-11-23T10:00:00+01:00","x":[1]}"#,
            r#"{"at":"2026-11-23T09:00:00Z","by":"d","kind":"check","id":"SC1","text":5}"#,
        ];
        for line in lines {
            let slow = serde_json::from_str::<Entry>(line).map_err(|e| e.to_string());
            let fast = Entry::from_json(line, &mut Authors::default()).map_err(|e| e.to_string());
            assert_eq!(fast, slow, "{line}");
            assert!(fast.is_ok(), "{line}");
        }
        for bad in [
            r#"{"at":"2026-11-23T09:00:00Z","by":"d","kind":"chek","id":"SC1"}"#,
            r#"{"at":"2026-11-23T09:00:00Z","by":"d","kind":"note"}"#,
            r#"{"at":"nope","by":"d","kind":"note","text":"t"}"#,
            r#"{"at":"2026-11-23T09:00:00Z","by":"d","kind":"update"}"#,
            r#"{"at":"2026-11-23T09:00:00Z","by":"d","kind":"update","since":"yesterday"}"#,
        ] {
            let slow = serde_json::from_str::<Entry>(bad).map_err(|e| e.to_string());
            let fast = Entry::from_json(bad, &mut Authors::default());
            assert_eq!(fast.map_err(|e| e.to_string()), slow, "{bad}");
            assert!(slow.is_err(), "{bad}");
        }
    }

    #[test]
    fn an_entry_stays_small() {
        // Every entry is as large as the largest kind, and a year-long
        // journal holds 50,000 of them: 128 bytes instead of 72 was 3 MB
        // more at its peak. Box a large, rare kind rather than grow this.
        assert!(size_of::<Event>() <= 72, "{}", size_of::<Event>());
    }

    #[test]
    fn boxed_kinds_are_written_and_read_with_flat_fields() {
        let lines = [
            r#"{"at":"2026-11-23T09:00:00Z","by":"d","kind":"blocker","id":"B1","text":"t","owner":"o","severity":"high","escalate_to":"e","after_days":2}"#,
            r#"{"at":"2026-11-23T09:00:00Z","by":"d","kind":"blocker","id":"B1","text":"t","after_days":0}"#,
            r#"{"at":"2026-11-23T09:00:00Z","by":"d","kind":"signoff","id":"SO1","name":"n","evidence":"e","files":[{"path":"evidence/a","sha256":"00","size":3,"name":"a"}]}"#,
            r#"{"at":"2026-11-23T09:00:00Z","by":"d","kind":"risk","id":"R1","title":"t","likelihood":"low","impact":"high","owner":"o"}"#,
            r#"{"at":"2026-11-23T09:00:00Z","by":"d","kind":"measure","id":"M1","value":1.5,"evidence":"e","target":2.0,"better":"lower"}"#,
            r#"{"at":"2026-11-23T09:00:00Z","by":"d","kind":"gap","id":"G1","text":"t","severity":"deal-breaker","feature":"f","criterion":"SC1","workaround":"w"}"#,
        ];
        for line in lines {
            let fast = Entry::from_json(line, &mut Authors::default()).unwrap();
            assert_eq!(fast, serde_json::from_str::<Entry>(line).unwrap(), "{line}");
            assert_eq!(serde_json::to_string(&fast).unwrap(), line);
        }
        // A blocker whose plan fields are all null is a plain one, both ways.
        let null = r#"{"at":"2026-11-23T09:00:00Z","by":"d","kind":"blocker","id":"B1","text":"t","owner":null}"#;
        let slow = serde_json::from_str::<Entry>(null).unwrap();
        assert_eq!(slow.event, Event::blocker("B1", "t"));
        assert_eq!(
            Entry::from_json(null, &mut Authors::default()).unwrap(),
            slow
        );
    }

    #[test]
    fn timestamps_parse_fast_or_fully_within_storable_years() {
        for t in [
            "2026-11-23T09:00:00Z",
            "2026-11-23T10:00:00+01:00",
            "2026-11-23T09:00:00.000Z",
        ] {
            assert_eq!(
                parse_utc_fast(t),
                DateTime::parse_from_rfc3339(t)
                    .ok()
                    .map(|t| t.to_utc())
                    .filter(|_| t.ends_with('Z')),
                "{t}"
            );
            assert_eq!(
                parse_timestamp(t).unwrap().to_rfc3339(),
                "2026-11-23T09:00:00+00:00",
                "{t}"
            );
        }
        for t in ["2026-11-29T09:40:11.431440167Z", "2026-11-29T09:40:11.4Z"] {
            assert_eq!(
                parse_utc_fast(t),
                DateTime::parse_from_rfc3339(t).ok().map(|t| t.to_utc()),
                "{t}"
            );
        }
        assert!(parse_utc_fast("2026-11-29T09:40:11.Z").is_none());
        assert!(parse_utc_fast("2026-11-29T09:40:11.1234567890Z").is_none());
        assert!(parse_utc_fast("2026-02-30T09:00:00Z").is_none());
        assert!(parse_utc_fast("2026-11-23T25:00:00Z").is_none());
        assert!(parse_timestamp("0000-01-01T00:00:00+01:00").is_none());
    }
}
