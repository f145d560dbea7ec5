//! The customer update: what happened in a period (by default since the
//! last update sent) and what comes next, written for the customer's inbox.
//!
//! One serde model, [`UpdateReport`], built from the scope and the journal
//! (the entries of the period, in time order), and one renderer per format:
//! plain text that pastes into any email or CRM note, markdown for Slack,
//! Confluence and GitHub, an email-safe HTML fragment, and JSON. What the
//! update says is decided once, in [`Doc`]; the renderers differ only in
//! syntax and escaping.
//!
//! The SE's notes (`poc note`) are left out: they are the SE's own record of
//! the POC, often candid, and not written for the customer; `poc log` shows
//! them. So are the reasons given for forcing past a gate, which the debrief
//! lists. What the SE recorded about the work itself is in: evidence, the
//! note on a failure, blockers and their resolution, parked requests, and the
//! reason for a reopen or the close.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::journal::{Event, Journal, Line, Mark, Outcome, RunEvidence};
use crate::plan::{Level, Stream};
use crate::plan_report::{EscalationDue, escalations_due};
use crate::report::{CriteriaSummary, JSON_SCHEMA_VERSION, Standing, StatusReport};
use crate::scope::{Phase, Priority, Scope, Side, Stakeholder, Target};
use crate::state::{PocState, Remark, Status};
use crate::text::{plural, terminal_safe};

/// The column plain text is wrapped at: what every mail client shows whole.
pub const TEXT_WIDTH: usize = 72;

/// The customer update, as one model: `--format json` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct UpdateReport {
    pub schema_version: u32,
    pub name: String,
    pub prospect: String,
    /// Where the POC stands, in one line (as the report says it).
    pub standing: String,
    pub owner: Option<String>,
    pub account_exec: Option<String>,
    /// The people it is for: the stakeholders, each with role and side.
    pub stakeholders: Vec<Stakeholder>,
    /// The POC's time zone, in which the update shows times; JSON is UTC.
    pub timezone: String,
    /// The end of the period: now.
    pub now: DateTime<Utc>,
    /// The start of the period.
    pub since: DateTime<Utc>,
    /// Where the start came from: `flag` (`--since`), `last_update` (the
    /// last update recorded with `--record`) or `start` (none was: the
    /// update covers the whole POC).
    pub since_from: SinceFrom,
    /// Today's POC day; 0 before the start.
    pub day: i64,
    /// Days until day 1, before the start.
    pub starts_in_days: Option<i64>,
    pub start: NaiveDate,
    /// The last planned day, and its date.
    pub total_days: u32,
    pub last_date: Option<NaiveDate>,
    /// The current phase, or `closed`.
    pub phase: Standing,
    /// The phase the POC is in, or was closed in.
    pub last_phase: Phase,
    pub phase_window: [u32; 2],
    pub days_late: i64,
    pub outcome: Option<Outcome>,
    pub outcome_title: Option<&'static str>,
    pub closed_at: Option<DateTime<Utc>>,
    pub close_reason: Option<String>,
    /// Days from the start to the close, once closed.
    pub duration_days: Option<i64>,
    pub criteria_summary: CriteriaSummary,
    /// Nothing the update reports happened in the period.
    pub nothing_new: bool,
    /// Criteria met in the period (and still met), latest check last.
    pub criteria_met: Vec<Done>,
    /// Sign-offs given in the period (and still given), oldest first.
    pub signoffs: Vec<SignoffGiven>,
    /// Value metrics measured in the period, each with its latest value
    /// then, against its baseline and target.
    pub metrics_measured: Vec<MetricUpdate>,
    /// Checklist items done in the period (and still done).
    pub items_done: Vec<Done>,
    /// Failures recorded in the period, and what came of them since.
    pub failures: Vec<FailureRow>,
    /// Items and criteria put back to pending in the period.
    pub reopened: Vec<Reopened>,
    /// Phase changes and the close, in the period.
    pub moves: Vec<Move>,
    /// Blockers opened or resolved in the period, and every open one.
    pub blockers: Vec<BlockerUpdate>,
    /// Triggered risks past an escalation step: who is asked to step in.
    pub risk_escalations: Vec<EscalationDue>,
    /// Requests parked for after the POC, in the period.
    pub parked: Vec<Remark>,
    /// Notes written in the period, left out of the update (see the module
    /// documentation): their count, so the SE knows.
    pub notes_left_out: usize,
    /// What comes next; null once closed.
    pub next: Option<Next>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SinceFrom {
    Flag,
    LastUpdate,
    Start,
}

/// What an ID names: a success criterion or a checklist item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Subject {
    Criterion,
    Item,
}

/// A criterion met or an item done in the period, with the evidence
/// recorded for it in the period.
#[derive(Debug, Clone, Serialize)]
pub struct Done {
    pub id: String,
    pub subject: Subject,
    pub title: String,
    /// The criterion's priority; null for an item.
    pub priority: Option<Priority>,
    pub target: Option<String>,
    /// A criterion's owner, who confirms it.
    pub owner: Option<String>,
    pub phase: Phase,
    /// The latest check in the period.
    pub at: DateTime<Utc>,
    pub by: String,
    pub evidence: Vec<String>,
    /// The attached files' original names.
    pub files: Vec<String>,
    pub runs: Vec<RunRef>,
    /// A failure was recorded for it before it was met.
    pub after_failure: bool,
}

/// A sign-off given in the period.
#[derive(Debug, Clone, Serialize)]
pub struct SignoffGiven {
    pub id: String,
    /// Who signed.
    pub name: String,
    pub role: String,
    pub side: Side,
    /// "the scope", "the final result", "SC2, SC3".
    pub covers: String,
    pub at: DateTime<Utc>,
    pub evidence: Option<String>,
    /// The attached files' original names.
    pub files: Vec<String>,
}

/// A value metric measured in the period.
#[derive(Debug, Clone, Serialize)]
pub struct MetricUpdate {
    pub id: String,
    pub title: String,
    pub stream: Stream,
    /// The latest value measured in the period, and when.
    pub value: f64,
    pub at: DateTime<Utc>,
    /// "25 min → 1.8 min → ≤ 2 min": baseline, that value, target.
    pub progress: String,
    /// "met, 92.8% better than baseline".
    pub outcome: String,
    pub met: bool,
    pub improvement_percent: Option<f64>,
    /// Values recorded in the period.
    pub measurements: usize,
    pub evidence: Vec<String>,
    /// The attached files' original names.
    pub files: Vec<String>,
    pub runs: Vec<RunRef>,
    /// The success criteria it decides.
    pub criteria: Vec<String>,
}

/// A command run as evidence: what ran and how it ended.
#[derive(Debug, Clone, Serialize)]
pub struct RunRef {
    pub command: String,
    /// "exit 0", "exit 3", "timed out", "killed".
    pub outcome: String,
    pub passed: bool,
}

/// A failure recorded in the period.
#[derive(Debug, Clone, Serialize)]
pub struct FailureRow {
    pub id: String,
    pub subject: Subject,
    pub title: String,
    pub at: DateTime<Utc>,
    pub evidence: Option<String>,
    pub note: Option<String>,
    pub files: Vec<String>,
    pub run: Option<RunRef>,
    /// Where the ID stands now.
    pub status: Status,
    /// When it was checked again after this failure (met, or failed
    /// again); null while it has not been.
    pub rechecked: Option<DateTime<Utc>>,
}

/// An item or criterion put back to pending (`poc check --undo`).
#[derive(Debug, Clone, Serialize)]
pub struct Reopened {
    pub id: String,
    pub subject: Subject,
    pub title: String,
    pub at: DateTime<Utc>,
    pub note: Option<String>,
}

/// A phase change or the close.
#[derive(Debug, Clone, Serialize)]
pub struct Move {
    pub at: DateTime<Utc>,
    pub day: i64,
    pub kind: MoveKind,
    pub from: Option<Phase>,
    pub to: Option<Phase>,
    pub outcome: Option<Outcome>,
    /// Why, for a reopen or the close.
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MoveKind {
    Advanced,
    Reopened,
    Closed,
}

/// A blocker the customer should hear about: opened or resolved in the
/// period, or still open.
#[derive(Debug, Clone, Serialize)]
pub struct BlockerUpdate {
    pub id: String,
    pub text: String,
    pub opened: DateTime<Utc>,
    pub resolved: Option<DateTime<Utc>>,
    pub resolution: Option<String>,
    pub open: bool,
    /// "5 h", "2 days": how long it has been (or stayed) open.
    pub open_for: String,
    pub opened_in_period: bool,
    pub resolved_in_period: bool,
    /// Who owns getting it resolved: what is needed from whom.
    pub owner: Option<String>,
    pub severity: Option<Level>,
    /// Who to escalate to now: open past its threshold.
    pub escalate_now: Option<String>,
}

/// What comes next, while the POC is open.
#[derive(Debug, Clone, Serialize)]
pub struct Next {
    pub phase: Phase,
    /// The current phase's checklist items not done yet.
    pub open_items: Vec<OpenItem>,
    /// The current phase's criteria not met yet.
    pub open_criteria: Vec<OpenCriterion>,
    /// The phase the next gate leads to; null in signoff, where the
    /// decision comes next.
    pub gate_to: Option<Phase>,
    /// The day the current phase is planned to end by, and its date.
    pub gate_day: u32,
    pub gate_date: Option<NaiveDate>,
    /// Days after today until the last planned day (0 on it or past it).
    pub days_left: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct OpenItem {
    pub id: String,
    pub title: String,
    pub required: bool,
    /// pending, or failed (its verification run failed).
    pub status: Status,
}

#[derive(Debug, Clone, Serialize)]
pub struct OpenCriterion {
    pub id: String,
    pub title: String,
    pub priority: Priority,
    pub target: Option<String>,
    pub status: Status,
}

impl UpdateReport {
    /// The update for the period from `since` (or, when None, from the end
    /// of the last update recorded, else from the start) to `now`.
    pub fn build(
        scope: &Scope,
        journal: &Journal,
        state: &PocState,
        now: DateTime<Utc>,
        since: Option<DateTime<Utc>>,
    ) -> UpdateReport {
        let status = StatusReport::build(scope, state, now);
        UpdateReport::of(status, scope, journal, state, since)
    }

    /// As [`UpdateReport::build`], from the status already built.
    pub fn of(
        status: StatusReport,
        scope: &Scope,
        journal: &Journal,
        state: &PocState,
        since: Option<DateTime<Utc>>,
    ) -> UpdateReport {
        let now = status.now;
        let ordered = journal.in_time_order();
        let (since, since_from, entries) = period(scope, journal, &ordered, since);
        // Entries dated after now (a colleague's clock ahead) wait for the
        // update that covers their time.
        let period: Vec<&Line> = entries.into_iter().filter(|l| l.entry.at <= now).collect();
        let (criteria_met, items_done) = done(scope, state, &period);
        let metrics_measured = measured(scope, &period);
        let failures = failures(scope, state, &period);
        let signoffs = signoffs_given(scope, state, &period);
        let reopened = reopened(scope, state, &period);
        let moves = moves(scope, state, &period);
        let blockers = blockers(&status, &period);
        let parked: Vec<Remark> = (period.iter())
            .filter_map(|l| match &l.entry.event {
                Event::Park { text } => Some(Remark {
                    at: l.entry.at,
                    by: l.entry.by.clone(),
                    text: text.clone(),
                }),
                _ => None,
            })
            .collect();
        // The blockers' own escalations are on their rows.
        let risk_escalations = escalations_due(&[], &status.risks);
        let nothing_new = criteria_met.is_empty()
            && signoffs.is_empty()
            && metrics_measured.is_empty()
            && items_done.is_empty()
            && failures.is_empty()
            && reopened.is_empty()
            && moves.is_empty()
            && parked.is_empty()
            && !blockers
                .iter()
                .any(|b| b.opened_in_period || b.resolved_in_period)
            // A risk triggered in the period and already to escalate is news.
            && !risk_escalations.iter().any(|e| e.since >= since);
        let closed = state.closure.as_ref();
        UpdateReport {
            schema_version: JSON_SCHEMA_VERSION,
            name: scope.name.clone(),
            prospect: scope.prospect.clone(),
            standing: status.standing(scope.zone),
            owner: scope.owner.clone(),
            account_exec: scope.account_exec.clone(),
            stakeholders: scope.stakeholders.clone(),
            timezone: scope.timezone.clone(),
            now,
            since,
            since_from,
            day: status.day,
            starts_in_days: status.starts_in_days,
            start: scope.start,
            total_days: status.total_days,
            last_date: scope.date_of_day(status.total_days),
            phase: status.phase,
            last_phase: status.last_phase,
            phase_window: status.phase_window,
            days_late: status.days_late,
            outcome: status.outcome,
            outcome_title: status.outcome_title,
            closed_at: status.closed_at,
            close_reason: status.close_reason.clone(),
            duration_days: closed.map(|_| status.duration_days()),
            criteria_summary: status.criteria_summary.clone(),
            nothing_new,
            criteria_met,
            signoffs,
            metrics_measured,
            items_done,
            failures,
            reopened,
            moves,
            blockers,
            risk_escalations,
            parked,
            notes_left_out: (period.iter())
                .filter(|l| matches!(l.entry.event, Event::Note { .. }))
                .count(),
            next: closed.is_none().then(|| next(scope, state, &status)),
        }
    }
}

/// How many entries each author has in the journal, updates aside, up to
/// their first dated after `now` (which waits for the update that covers
/// its time): what an update records as seen.
pub fn entries_by_author(journal: &Journal, now: DateTime<Utc>) -> BTreeMap<String, usize> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut ahead: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for line in journal.lines.iter().filter(|l| !is_update(l)) {
        let by = &*line.entry.by;
        if line.entry.at > now {
            ahead.insert(by);
        }
        if !ahead.contains(by) {
            *seen.entry(by.to_string()).or_insert(0) += 1;
        }
    }
    seen
}

fn is_update(line: &Line) -> bool {
    matches!(line.entry.event, Event::Update { .. })
}

/// Where the period starts, where that came from, and its entries in time
/// order (before the cut at now).
fn period<'j>(
    scope: &Scope,
    journal: &'j Journal,
    ordered: &[&'j Line],
    since: Option<DateTime<Utc>>,
) -> (DateTime<Utc>, SinceFrom, Vec<&'j Line>) {
    if let Some(since) = since {
        let first = ordered.partition_point(|l| l.entry.at < since);
        return (since, SinceFrom::Flag, ordered[first..].to_vec());
    }
    // The latest update in time order, the one the replay keeps.
    let Some(last) = (ordered.iter()).rposition(|l| is_update(l)) else {
        let first = ordered.first().map(|l| l.entry.at);
        let start = first.map_or(scope.day_one(), |t| t.min(scope.day_one()));
        return (start, SinceFrom::Start, ordered.to_vec());
    };
    let update = ordered[last];
    let Event::Update { seen, .. } = &update.entry.event else {
        unreachable!("is_update")
    };
    let new: Vec<&Line> = if seen.is_empty() {
        // Recorded before updates counted what they saw: by position in
        // time order, so entries of the same instant recorded after it
        // are new.
        ordered[last + 1..].to_vec()
    } else {
        let unseen = unseen(journal, seen);
        (ordered.iter())
            .filter(|l| unseen.contains(&l.number))
            .copied()
            .collect()
    };
    (update.entry.at, SinceFrom::LastUpdate, new)
}

/// The journal lines an update that counted `seen` did not see: each
/// author's entries past their count, in file order (a union merge keeps
/// each clone's lines in their order).
fn unseen(journal: &Journal, seen: &BTreeMap<String, usize>) -> std::collections::HashSet<usize> {
    let mut counted: BTreeMap<&str, usize> = BTreeMap::new();
    let mut out = std::collections::HashSet::new();
    for line in journal.lines.iter().filter(|l| !is_update(l)) {
        let count = counted.entry(&line.entry.by).or_insert(0);
        *count += 1;
        if *count > seen.get(&*line.entry.by).copied().unwrap_or(0) {
            out.insert(line.number);
        }
    }
    out
}

/// What an ID names, as the update shows it.
struct Named {
    subject: Subject,
    title: String,
    phase: Phase,
    /// A criterion's; None for an item.
    priority: Option<Priority>,
    target: Option<String>,
    /// A criterion's owner: who on the customer's side confirms it.
    owner: Option<String>,
}

fn named(scope: &Scope, id: &str) -> Option<Named> {
    Some(match scope.find(id)? {
        Target::Criterion(c) => Named {
            subject: Subject::Criterion,
            title: c.title.clone(),
            phase: c.phase,
            priority: Some(c.priority),
            target: c.target.clone(),
            owner: c.owner.clone(),
        },
        Target::Item(phase, item) => Named {
            subject: Subject::Item,
            title: item.title.clone(),
            phase,
            priority: None,
            target: None,
            owner: None,
        },
    })
}

fn run_ref(mark: &Mark) -> Option<RunRef> {
    mark.run.as_deref().map(RunRef::of)
}

impl RunRef {
    fn of(r: &RunEvidence) -> RunRef {
        RunRef {
            command: r.command.clone(),
            outcome: r.outcome(),
            passed: r.passed(),
        }
    }
}

/// The marks an entry records: a check's (met) or a failure's (failed)
/// own, or those a measured value gives the criteria tied to its metric.
fn marks(scope: &Scope, event: &Event) -> Vec<(Arc<Mark>, Status)> {
    match event {
        Event::Check(m) => vec![(Arc::clone(m), Status::Met)],
        Event::Fail(m) => vec![(Arc::clone(m), Status::Failed)],
        Event::Measure(_) => crate::state::measure_marks(scope, event),
        _ => Vec::new(),
    }
}

/// The metrics measured in the period, in the order first measured, each
/// with its latest value in the period and the evidence of every one.
fn measured(scope: &Scope, period: &[&Line]) -> Vec<MetricUpdate> {
    let mut rows: Vec<MetricUpdate> = Vec::new();
    for line in period {
        let Event::Measure(measure) = &line.entry.event else {
            continue;
        };
        let crate::event::MeasureEvent {
            id,
            value,
            evidence,
            files,
            run,
            ..
        } = &**measure;
        let Some(m) = scope.metric(id) else {
            continue;
        };
        let i = match rows.iter().position(|r| r.id == *id) {
            Some(i) => i,
            None => {
                rows.push(MetricUpdate {
                    id: id.clone(),
                    title: m.title.clone(),
                    stream: m.stream,
                    value: *value,
                    at: line.entry.at,
                    progress: String::new(),
                    outcome: String::new(),
                    met: false,
                    improvement_percent: None,
                    measurements: 0,
                    evidence: Vec::new(),
                    files: Vec::new(),
                    runs: Vec::new(),
                    criteria: (scope.success_criteria.iter())
                        .filter(|c| c.metric.as_deref() == Some(id.as_str()))
                        .map(|c| c.id.clone())
                        .collect(),
                });
                rows.len() - 1
            }
        };
        let row = &mut rows[i];
        row.value = *value;
        row.at = line.entry.at;
        row.progress = m.progress(Some(*value));
        row.outcome = m.verdict(*value);
        row.met = m.met_by(*value);
        row.improvement_percent = m.improvement_percent(*value);
        row.measurements += 1;
        if let Some(e) = evidence
            && !row.evidence.contains(e)
        {
            row.evidence.push(e.clone());
        }
        for f in files {
            if !row.files.contains(&f.name) {
                row.files.push(f.name.clone());
            }
        }
        row.runs.extend(run.as_deref().map(RunRef::of));
    }
    rows
}

fn file_names(mark: &Mark) -> impl Iterator<Item = String> + '_ {
    mark.files.iter().map(|f| f.name.clone())
}

/// Criteria met and items done in the period that still are, one row per
/// ID with the evidence of each check in the period.
fn done(scope: &Scope, state: &PocState, period: &[&Line]) -> (Vec<Done>, Vec<Done>) {
    let mut rows: Vec<Done> = Vec::new();
    let checks = period.iter().flat_map(|line| {
        let met = marks(scope, &line.entry.event).into_iter();
        met.filter(|(_, s)| *s == Status::Met)
            .map(move |(m, _)| (line, m))
    });
    for (line, mark) in checks {
        let (Some(named), Status::Met) = (named(scope, &mark.id), state.status_of(&mark.id)) else {
            continue;
        };
        let i = match rows.iter().position(|r| r.id == mark.id) {
            Some(i) => i,
            None => {
                rows.push(Done {
                    id: mark.id.clone(),
                    subject: named.subject,
                    title: named.title,
                    priority: named.priority,
                    target: named.target,
                    owner: named.owner,
                    phase: named.phase,
                    at: line.entry.at,
                    by: line.entry.by.to_string(),
                    evidence: Vec::new(),
                    files: Vec::new(),
                    runs: Vec::new(),
                    after_failure: false,
                });
                rows.len() - 1
            }
        };
        let row = &mut rows[i];
        row.at = line.entry.at;
        row.by = line.entry.by.to_string();
        if let Some(e) = &mark.evidence
            && !row.evidence.contains(e)
        {
            row.evidence.push(e.clone());
        }
        for name in file_names(&mark) {
            if !row.files.contains(&name) {
                row.files.push(name);
            }
        }
        row.runs.extend(run_ref(&mark));
    }
    for row in &mut rows {
        let failures = state.failures.get(&row.id).map(Vec::as_slice);
        row.after_failure = failures.unwrap_or_default().iter().any(|f| f.at <= row.at);
    }
    rows.sort_by_key(|r| r.at);
    rows.into_iter()
        .partition(|r| r.subject == Subject::Criterion)
}

/// The sign-offs given in the period that still stand as given then.
fn signoffs_given(scope: &Scope, state: &PocState, period: &[&Line]) -> Vec<SignoffGiven> {
    let mut rows: Vec<SignoffGiven> = Vec::new();
    for line in period {
        let Event::Signoff(signoff) = &line.entry.event else {
            continue;
        };
        let id = &signoff.id;
        let given = state.tracking.signoffs.get(id);
        let (Some(given), Some(planned)) = (
            given.filter(|g| g.at == line.entry.at),
            scope.signoffs.iter().find(|s| s.id == *id),
        ) else {
            continue;
        };
        rows.retain(|r| r.id != *id);
        rows.push(SignoffGiven {
            id: id.clone(),
            name: given.name.clone(),
            role: planned.role.clone(),
            side: planned.side,
            covers: planned.covers.text(),
            at: given.at,
            evidence: given.evidence.clone(),
            files: given.files.iter().map(|f| f.name.clone()).collect(),
        });
    }
    rows
}

fn failures(scope: &Scope, state: &PocState, period: &[&Line]) -> Vec<FailureRow> {
    let failed = period.iter().flat_map(|line| {
        let marks = marks(scope, &line.entry.event).into_iter();
        marks
            .filter(|(_, s)| *s == Status::Failed)
            .map(move |(m, _)| (line, m))
    });
    let rows = failed.filter_map(|(line, mark)| {
        let named = named(scope, &mark.id)?;
        let latest = state.marks.get(&mark.id);
        Some(FailureRow {
            id: mark.id.clone(),
            subject: named.subject,
            title: named.title,
            at: line.entry.at,
            evidence: mark.evidence.clone(),
            note: mark.note.clone(),
            files: file_names(&mark).collect(),
            run: run_ref(&mark),
            status: latest.map_or(Status::Pending, |m| m.status),
            rechecked: latest.map(|m| m.at).filter(|t| *t > line.entry.at),
        })
    });
    rows.collect()
}

/// Undos in the period of IDs still pending, unless the ID was marked
/// earlier in the same period (then neither is news).
fn reopened(scope: &Scope, state: &PocState, period: &[&Line]) -> Vec<Reopened> {
    let mut rows: Vec<Reopened> = Vec::new();
    // The IDs marked so far in the period, kept as the walk goes: looking
    // back over every earlier line for each undo grew with its square.
    let mut marked: std::collections::HashSet<String> = Default::default();
    for line in period {
        let Event::Undo { id, note } = &line.entry.event else {
            marked.extend(
                marks(scope, &line.entry.event)
                    .into_iter()
                    .map(|(m, _)| m.id.clone()),
            );
            continue;
        };
        let Some(named) = named(scope, id) else {
            continue;
        };
        if marked.contains(id) || state.status_of(id) != Status::Pending {
            continue;
        }
        rows.retain(|r| r.id != *id);
        rows.push(Reopened {
            id: id.clone(),
            subject: named.subject,
            title: named.title,
            at: line.entry.at,
            note: note.clone(),
        });
    }
    rows
}

/// The phase changes that took effect in the period, and the close that
/// stands (not a second outcome merged from another clone).
fn moves(scope: &Scope, state: &PocState, period: &[&Line]) -> Vec<Move> {
    let stale = |n: usize| state.unmatched.iter().any(|(line, _)| *line == n);
    let conflicting = |n: usize| state.conflicts.iter().any(|c| c.line == n);
    let mut rows = Vec::new();
    for line in period {
        let e = &line.entry;
        let mut row = Move {
            at: e.at,
            day: scope.day_of(e.at),
            kind: MoveKind::Advanced,
            from: None,
            to: None,
            outcome: None,
            reason: None,
        };
        match &e.event {
            Event::Advance { from, to, .. } if !stale(line.number) => {
                row.from = Some(*from);
                row.to = Some(*to);
            }
            Event::Reopen { to, reason, .. } => {
                row.kind = MoveKind::Reopened;
                row.to = Some(*to);
                row.reason = Some(reason.clone()).filter(|r| !r.trim().is_empty());
            }
            Event::Close {
                outcome, reason, ..
            } if !conflicting(line.number) => {
                row.kind = MoveKind::Closed;
                row.outcome = Some(*outcome);
                row.reason = reason.clone();
            }
            _ => continue,
        }
        rows.push(row);
    }
    rows
}

/// Blockers opened or resolved in the period, and every open one: open
/// first, oldest first, then those resolved.
fn blockers(status: &StatusReport, period: &[&Line]) -> Vec<BlockerUpdate> {
    let entry_at = |is: &dyn Fn(&Event) -> bool, at: DateTime<Utc>| {
        period
            .iter()
            .any(|l| l.entry.at == at && is(&l.entry.event))
    };
    let mut rows: Vec<BlockerUpdate> = (status.blockers.iter())
        .filter_map(|row| {
            let b = &row.blocker;
            let opened_in_period = entry_at(
                &|e| matches!(e, Event::Blocker { id, .. } if *id == b.id),
                b.opened,
            );
            let resolved_in_period = b.resolved.is_some_and(|t| {
                entry_at(
                    &|e| matches!(e, Event::Resolve { id, .. } if *id == b.id),
                    t,
                )
            });
            (row.open || opened_in_period || resolved_in_period).then(|| BlockerUpdate {
                id: b.id.clone(),
                text: b.text.clone(),
                opened: b.opened,
                resolved: b.resolved,
                resolution: b.resolution.clone(),
                open: row.open,
                open_for: row.open_for.clone(),
                opened_in_period,
                resolved_in_period,
                owner: b.owner.clone(),
                severity: b.severity,
                escalate_now: row.escalate_now.clone(),
            })
        })
        .collect();
    rows.sort_by_key(|b| (!b.open, b.resolved, b.opened));
    rows
}

fn next(scope: &Scope, state: &PocState, status: &StatusReport) -> Next {
    let phase = state.phase;
    let plan = scope.plan(phase);
    let open_items = (plan.checklist.iter())
        .filter(|i| state.status_of(&i.id) != Status::Met)
        .map(|i| OpenItem {
            id: i.id.clone(),
            title: i.title.clone(),
            required: i.required,
            status: state.status_of(&i.id),
        })
        .collect();
    let open_criteria = (scope.success_criteria.iter())
        .filter(|c| c.phase == phase && state.status_of(&c.id) != Status::Met)
        .map(|c| OpenCriterion {
            id: c.id.clone(),
            title: c.title.clone(),
            priority: c.priority,
            target: c.target.clone(),
            status: state.status_of(&c.id),
        })
        .collect();
    Next {
        phase,
        open_items,
        open_criteria,
        gate_to: phase.next(),
        gate_day: plan.days.1,
        gate_date: scope.date_of_day(plan.days.1),
        days_left: match status.day {
            ..1 => i64::from(status.total_days),
            day => (i64::from(status.total_days) - day).max(0),
        },
    }
}

// --- What the update says, once for every format. ---

/// The update as plain-text blocks: headings, bullets with a lead (bold
/// where the format has bold), their details and sub-bullets. Every string
/// is plain text, escaped by each renderer for its format.
/// The update as written: what every format shows, and what the markdown
/// and HTML templates (`update.md.j2`, `update.html.j2`) receive as `doc`.
#[derive(Serialize)]
pub struct Doc {
    title: String,
    header: Vec<String>,
    /// The one line said instead of the period's sections when nothing
    /// happened.
    nothing_new: Option<String>,
    sections: Vec<Section>,
}

#[derive(Serialize)]
struct Section {
    heading: String,
    bullets: Vec<Bullet>,
}

/// One point: a bold lead, the rest, labelled details and sub-points.
#[derive(Default, Serialize)]
struct Bullet {
    lead: String,
    rest: String,
    details: Vec<Detail>,
    children: Vec<String>,
}

#[derive(Serialize)]
struct Detail {
    label: &'static str,
    text: String,
}

impl Bullet {
    fn new(lead: impl Into<String>, rest: impl Into<String>) -> Bullet {
        Bullet {
            lead: lead.into(),
            rest: rest.into(),
            ..Bullet::default()
        }
    }

    fn detail(mut self, label: &'static str, text: Option<String>) -> Bullet {
        if let Some(text) = text.filter(|t| !t.trim().is_empty()) {
            self.details.push(Detail { label, text });
        }
        self
    }
}

impl Doc {
    pub fn of(r: &UpdateReport) -> Doc {
        let zone = crate::clock::parse_zone(&r.timezone).unwrap_or(chrono_tz::Tz::UTC);
        let when = move |t: DateTime<Utc>| crate::clock::show(t, zone);
        let date = move |t: DateTime<Utc>| crate::clock::local_date(t, zone).to_string();
        Doc {
            title: format!("{}: update", r.name),
            header: header(r, &when),
            nothing_new: (r.nothing_new).then(|| format!("Nothing new since {}.", when(r.since))),
            sections: sections(r, &date),
        }
    }
}

/// Who, where the POC stands, and the period covered.
fn header(r: &UpdateReport, when: &dyn Fn(DateTime<Utc>) -> String) -> Vec<String> {
    let mut header = vec![format!("Prospect: {}", r.prospect)];
    let team: Vec<String> = [(&r.owner, "SE"), (&r.account_exec, "account executive")]
        .into_iter()
        .filter_map(|(name, role)| name.as_ref().map(|n| format!("{n} ({role})")))
        .collect();
    if !team.is_empty() {
        header.push(format!("From: {}", team.join(", ")));
    }
    // Those on the customer's side are who it is for; a vendor or partner
    // stakeholder is named with the side they are on.
    let people: Vec<String> = (r.stakeholders.iter())
        .map(|p| {
            let role = p
                .role
                .as_ref()
                .map(|r| format!(", {r}"))
                .unwrap_or_default();
            let side = match p.side {
                Side::Customer => String::new(),
                side => format!(" ({})", side.id()),
            };
            format!("{}{role}{side}", p.name)
        })
        .collect();
    if !people.is_empty() {
        header.push(format!("For: {}", people.join("; ")));
    }
    header.push(r.standing.clone());
    if let Some(why) = r.close_reason.as_deref().filter(|_| r.outcome.is_some()) {
        header.push(format!("Why: {why}"));
    }
    let s = &r.criteria_summary;
    if s.total > 0 {
        header.push(format!(
            "Success criteria: {} of {} met (must: {} of {})",
            s.met, s.total, s.must_met, s.must_total
        ));
    }
    let from = match r.since_from {
        SinceFrom::Flag => "",
        SinceFrom::LastUpdate => " (the last update)",
        SinceFrom::Start => " (the start)",
    };
    header.push(format!(
        "Period: {}{from} to {}",
        when(r.since),
        when(r.now)
    ));
    header
}

/// The sections that have something to say, in the order a customer reads
/// them: what moved, what was proven, what went wrong, what is needed,
/// what comes next.
fn sections(r: &UpdateReport, date: &Day) -> Vec<Section> {
    let mut sections = Vec::new();
    let mut add = |heading: &str, bullets: Vec<Bullet>| {
        if !bullets.is_empty() {
            let heading = heading.to_string();
            sections.push(Section { heading, bullets });
        }
    };
    let moves = r.moves.iter().map(|m| move_bullet(m, date));
    add("Phase changes", moves.collect());
    let met = r.criteria_met.iter().map(|d| done_bullet(d, date));
    add("Success criteria met", met.collect());
    let measured = r.metrics_measured.iter().map(|m| metric_bullet(m, date));
    add("Value measured", measured.collect());
    let signed = r.signoffs.iter().map(|g| {
        Bullet::new(
            format!("{} {} ({})", g.id, g.name, g.role),
            format!("approved {} ({})", g.covers, date(g.at)),
        )
        .detail("Evidence", g.evidence.clone())
        .detail("Files", joined(&g.files, ", "))
    });
    add("Sign-offs", signed.collect());
    add(
        "Done",
        r.items_done.iter().map(|d| done_bullet(d, date)).collect(),
    );
    let failed = r.failures.iter().map(|f| failure_bullet(f, date));
    add("Failed, and what is being done", failed.collect());
    let undone = r.reopened.iter().map(|u| {
        let lead = labelled(&u.id, u.subject, &u.title);
        Bullet::new(lead, format!("({})", date(u.at))).detail("Why", u.note.clone())
    });
    add("Back to open", undone.collect());
    let blockers = r.blockers.iter().map(|b| blocker_bullet(b, date));
    let risks = r.risk_escalations.iter().map(|e| {
        let rest = format!("(risk triggered {}; escalate to {})", date(e.since), e.to);
        Bullet::new(format!("{} {}", e.id, e.title), rest)
    });
    add("Blockers", blockers.chain(risks).collect());
    let parked = (r.parked.iter()).map(|p| Bullet::new("", format!("{} ({})", p.text, date(p.at))));
    add("Parked for after the POC", parked.collect());
    if let Some(next) = &r.next {
        add("Next", next_bullets(r, next));
    }
    sections
}

/// A time as its calendar day in the POC's zone.
type Day = dyn Fn(DateTime<Utc>) -> String;

/// "SC2 Ingest production logs" for a criterion, the title for an item.
fn labelled(id: &str, subject: Subject, title: &str) -> String {
    match subject {
        Subject::Criterion => format!("{id} {title}"),
        Subject::Item => title.to_string(),
    }
}

fn run_text(run: &RunRef) -> String {
    format!("{} ({})", run.command, run.outcome)
}

fn joined(parts: &[String], sep: &str) -> Option<String> {
    (!parts.is_empty()).then(|| parts.join(sep))
}

fn done_bullet(d: &Done, date: &Day) -> Bullet {
    let mut rest = match d.priority {
        Some(p) => format!("({}, met {}", p.id(), date(d.at)),
        None => format!("({}, {}", d.phase, date(d.at)),
    };
    if d.after_failure {
        rest.push_str(", after an earlier failed attempt");
    }
    rest.push(')');
    let runs: Vec<String> = d.runs.iter().map(run_text).collect();
    Bullet::new(labelled(&d.id, d.subject, &d.title), rest)
        .detail("Target", d.target.clone())
        .detail("Confirmed by", d.owner.clone())
        .detail("Evidence", joined(&d.evidence, "; "))
        .detail("Files", joined(&d.files, ", "))
        .detail("Ran", joined(&runs, "; "))
}

fn metric_bullet(m: &MetricUpdate, date: &Day) -> Bullet {
    let times = match m.measurements {
        1 => String::new(),
        n => format!(", the latest of {n} values"),
    };
    let runs: Vec<String> = m.runs.iter().map(run_text).collect();
    Bullet::new(
        format!("{} {}", m.id, m.title),
        format!("(measured {}{times})", date(m.at)),
    )
    .detail("Result", Some(format!("{}: {}", m.progress, m.outcome)))
    .detail("Decides", joined(&m.criteria, ", "))
    .detail("Evidence", joined(&m.evidence, "; "))
    .detail("Files", joined(&m.files, ", "))
    .detail("Ran", joined(&runs, "; "))
}

fn failure_bullet(f: &FailureRow, date: &Day) -> Bullet {
    let since = match (f.status, f.rechecked) {
        (Status::Met, Some(t)) => match f.subject {
            Subject::Criterion => format!("met on a later check, {}", date(t)),
            Subject::Item => format!("done on a later check, {}", date(t)),
        },
        (Status::Failed, Some(t)) => format!("failed again, {}", date(t)),
        (Status::Pending, _) => "back to pending, to be checked again".to_string(),
        _ => "not checked again yet".to_string(),
    };
    Bullet::new(
        labelled(&f.id, f.subject, &f.title),
        format!("(failed {})", date(f.at)),
    )
    .detail("Result", f.evidence.clone())
    .detail("Note", f.note.clone())
    .detail("Files", joined(&f.files, ", "))
    .detail("Ran", f.run.as_ref().map(run_text))
    .detail("Since", Some(since))
}

fn blocker_bullet(b: &BlockerUpdate, date: &Day) -> Bullet {
    let escalate = (b.escalate_now.as_ref())
        .map(|to| format!("; escalate to {to}"))
        .unwrap_or_default();
    let rest = match b.resolved {
        None if b.opened_in_period => format!("(new, open {}{escalate})", b.open_for),
        None => format!("(open {}, since {}{escalate})", b.open_for, date(b.opened)),
        Some(t) => format!("(resolved {}, after {})", date(t), b.open_for),
    };
    // What an open blocker waits for is the customer's to give: say whom.
    let owner = if b.open { "Needed from" } else { "Owner" };
    Bullet::new(format!("{} {}", b.id, b.text), rest)
        .detail(owner, b.owner.clone())
        .detail("Resolution", b.resolution.clone())
}

fn move_bullet(m: &Move, date: &Day) -> Bullet {
    let lead = match (m.kind, m.from, m.to, m.outcome) {
        (MoveKind::Advanced, Some(from), Some(to), _) => {
            format!("Moved from {} to {}", from.title(), to.title())
        }
        (MoveKind::Reopened, _, Some(to), _) => format!("Back to {}", to.title()),
        (MoveKind::Closed, _, _, Some(outcome)) => format!("Closed: {}", outcome.title()),
        _ => "Phase change".to_string(),
    };
    let day = if m.day >= 1 {
        format!("day {}, ", m.day)
    } else {
        String::new()
    };
    Bullet::new(lead, format!("({day}{})", date(m.at))).detail("Why", m.reason.clone())
}

fn next_bullets(r: &UpdateReport, next: &Next) -> Vec<Bullet> {
    let mut bullets = Vec::new();
    let mut open: Vec<String> = (next.open_criteria.iter())
        .map(|c| {
            let failed = if c.status == Status::Failed {
                ", failed"
            } else {
                ""
            };
            format!("{} {} ({}{failed})", c.id, c.title, c.priority.id())
        })
        .collect();
    open.extend(next.open_items.iter().map(|i| {
        let mut s = i.title.clone();
        if i.status == Status::Failed {
            s.push_str(" (its last run failed)");
        } else if !i.required {
            s.push_str(" (optional)");
        }
        s
    }));
    if open.is_empty() {
        bullets.push(Bullet::new(
            format!("Everything in {} is done.", next.phase.title()),
            "",
        ));
    } else {
        let mut b = Bullet::new(format!("Still open in {}:", next.phase.title()), "");
        b.children = open;
        bullets.push(b);
    }
    let on = next
        .gate_date
        .map(|d| format!(" ({d})"))
        .unwrap_or_default();
    let gate = match next.gate_to {
        Some(to) => format!("{}, planned by day {}{on}", to.title(), next.gate_day),
        None => format!("the decision, planned by day {}{on}", next.gate_day),
    };
    let late = match r.days_late {
        0 => String::new(),
        n => format!(", {} late", plural(n, "day")),
    };
    bullets.push(Bullet::new("Next gate:", format!("{gate}{late}")));
    let last = r.last_date.map(|d| format!(" ({d})")).unwrap_or_default();
    let end = if r.starts_in_days.is_some() {
        format!(
            "day 1 is {}, the last planned day is day {}{last}",
            r.start, r.total_days
        )
    } else if r.day > i64::from(r.total_days) {
        format!(
            "the last planned day was day {}{last}, {} ago",
            r.total_days,
            plural(r.day - i64::from(r.total_days), "day")
        )
    } else if next.days_left == 0 {
        format!("today is the last planned day, day {}{last}", r.total_days)
    } else {
        format!(
            "{} left after today; the last planned day is day {}{last}",
            plural(next.days_left, "day"),
            r.total_days
        )
    };
    bullets.push(Bullet::new("Timeline:", end));
    bullets
}

// --- Renderers. ---

/// Plain text for any email or CRM note: no markup at all, headings in
/// capitals, `-` bullets with a hanging indent, wrapped at 72 columns.
pub fn text(r: &UpdateReport) -> String {
    let doc = Doc::of(r);
    let wrap = |s: &str, indent: usize| crate::text::wrap(&terminal_safe(s), TEXT_WIDTH, indent);
    let mut out = String::new();
    out.push_str(&wrap(&doc.title, 0));
    out.push('\n');
    for line in &doc.header {
        out.push_str(&wrap(line, 2));
        out.push('\n');
    }
    if let Some(line) = &doc.nothing_new {
        out.push('\n');
        out.push_str(&wrap(line, 0));
        out.push('\n');
    }
    for section in &doc.sections {
        out.push('\n');
        out.push_str(&section.heading.to_uppercase());
        out.push('\n');
        for b in &section.bullets {
            let first = [b.lead.as_str(), b.rest.as_str()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            out.push_str(&wrap(&format!("- {first}"), 2));
            out.push('\n');
            for Detail { label, text } in &b.details {
                out.push_str(&wrap(&format!("  {label}: {text}"), 4));
                out.push('\n');
            }
            for child in &b.children {
                out.push_str(&wrap(&format!("  - {child}"), 4));
                out.push('\n');
            }
        }
    }
    out
}

/// What the markdown and HTML templates receive: the update as written
/// (`doc`), and the report it was written from (`update`).
#[derive(Serialize)]
pub struct UpdateDocument<'a> {
    pub doc: Doc,
    pub update: &'a UpdateReport,
}

impl<'a> UpdateDocument<'a> {
    pub fn of(update: &'a UpdateReport) -> UpdateDocument<'a> {
        UpdateDocument {
            doc: Doc::of(update),
            update,
        }
    }
}

/// Markdown for Slack, Confluence and GitHub, from `update.md.j2` (or the
/// team's or user's own): headings, bullets and bold leads, user text
/// neutralised (no tag, image or link comes alive).
pub fn markdown(r: &UpdateReport) -> anyhow::Result<String> {
    crate::render::document("update.md", &UpdateDocument::of(r), &r.timezone)
}

/// An email-safe HTML fragment, from `update.html.j2` (or an override):
/// tables for layout, inline styles only, no script, no external resource,
/// every user text escaped.
pub fn html(r: &UpdateReport) -> anyhow::Result<String> {
    crate::render::document("update.html", &UpdateDocument::of(r), &r.timezone)
}
