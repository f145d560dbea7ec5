//! The state machine: the current state of a POC, derived from the scope and
//! the journal, and the rules for moving between phases.
//!
//! setup → deployment → validation → integration → signoff → closed.
//!
//! Replay is lenient: a journal merged from two SEs' clones or edited by
//! hand still gives a state, and what looks wrong is kept for `validate`
//! and `status` to show (unknown IDs, conflicting outcomes).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

pub use crate::error::GateBlock;
use crate::journal::{Entry, Event, FileEvidence, Journal, Mark, Outcome, RunEvidence};
use crate::plan::Level;
use crate::scope::{Phase, Priority, Scope};
pub use crate::tracking::Tracking;

/// Where a checklist item or success criterion stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pending,
    /// A criterion met, or an item done.
    Met,
    /// A criterion failed, or an item whose verification run failed.
    Failed,
}

impl Status {
    pub fn id(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Met => "met",
            Status::Failed => "failed",
        }
    }
}

/// The latest check or failure of one ID, and the evidence behind it.
#[derive(Debug, Clone)]
pub struct Marked {
    pub status: Status,
    pub at: DateTime<Utc>,
    pub by: Arc<str>,
    /// Every mark since the status last changed, oldest first: checking a
    /// met criterion again adds evidence rather than replacing it. The
    /// last is the latest mark.
    pub evidence: Vec<Arc<Mark>>,
}

impl Marked {
    /// The latest mark.
    pub fn mark(&self) -> &Mark {
        // Never empty: a Marked is made with its first mark.
        &self.evidence[self.evidence.len() - 1]
    }

    /// The evidence texts of every mark, once each, joined.
    pub fn evidence_text(&self) -> Option<String> {
        let mut texts: Vec<&str> = Vec::new();
        for t in self.evidence.iter().filter_map(|m| m.evidence.as_deref()) {
            if !texts.contains(&t) {
                texts.push(t);
            }
        }
        (!texts.is_empty()).then(|| texts.join("; "))
    }

    /// Every attached file, once each, oldest first.
    pub fn files(&self) -> Vec<FileEvidence> {
        let mut files: Vec<FileEvidence> = Vec::new();
        for f in self.evidence.iter().flat_map(|m| &m.files) {
            if !files.iter().any(|seen| seen.path == f.path) {
                files.push(f.clone());
            }
        }
        files
    }

    /// The latest captured run.
    pub fn run(&self) -> Option<RunEvidence> {
        self.evidence
            .iter()
            .rev()
            .find_map(|m| m.run.as_deref().cloned())
    }
}

/// An earlier failure of a criterion, kept for the debrief.
#[derive(Debug, Clone)]
pub struct Failure {
    pub at: DateTime<Utc>,
    pub by: Arc<str>,
    pub mark: Arc<Mark>,
}

/// When a phase was actually entered and left.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct PhaseTimes {
    pub entered: Option<DateTime<Utc>>,
    pub left: Option<DateTime<Utc>>,
    /// Left by `advance --force`, its gate not met.
    pub forced: bool,
}

/// One stretch of time the POC stood in a phase: a reopen makes a second.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Stint {
    pub phase: Phase,
    pub entered: DateTime<Utc>,
    /// None while the POC stands in it.
    pub left: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Blocker {
    pub id: String,
    pub text: String,
    pub opened: DateTime<Utc>,
    pub by: Arc<str>,
    pub resolved: Option<DateTime<Utc>>,
    pub resolution: Option<String>,
    pub owner: Option<String>,
    pub severity: Option<Level>,
    /// Who to escalate to once it has been open `after_days` days.
    pub escalate_to: Option<String>,
    pub after_days: Option<u32>,
}

/// A note, a parked request, or the reason for a forced move.
#[derive(Debug, Clone, Serialize)]
pub struct Remark {
    pub at: DateTime<Utc>,
    pub by: Arc<str>,
    pub text: String,
}

/// A note, and the phase the POC stood in when it was written (the
/// debrief groups notes by phase).
#[derive(Debug, Clone, Serialize)]
pub struct Note {
    pub at: DateTime<Utc>,
    pub by: Arc<str>,
    pub text: Arc<str>,
    pub phase: Phase,
}

#[derive(Debug, Clone, Serialize)]
pub struct Closure {
    pub outcome: Outcome,
    pub at: DateTime<Utc>,
    pub by: Arc<str>,
    pub reason: Option<String>,
    pub forced: bool,
}

/// A transition made despite its gate, or a reopen.
#[derive(Debug, Clone, Serialize)]
pub struct Override {
    pub at: DateTime<Utc>,
    pub by: Arc<str>,
    pub what: String,
    pub reason: String,
}

/// Two clones that decided differently: a second outcome, or a close made
/// in another phase than the one the POC stands in. Settled by a reopen
/// (and a new close).
#[derive(Debug, Clone, Serialize)]
pub struct Conflict {
    pub at: DateTime<Utc>,
    pub by: Arc<str>,
    /// The journal line of the entry that conflicts.
    pub line: usize,
    pub what: String,
}

/// The state of a POC, derived from `poc.yaml` + `journal.yaml`.
#[derive(Debug, Clone)]
pub struct PocState {
    /// The current phase, or the phase it was closed in.
    pub phase: Phase,
    pub closure: Option<Closure>,
    pub times: [PhaseTimes; 5],
    /// Every stretch in a phase, in order: what actually happened, where
    /// `times` keeps each phase's latest.
    pub stints: Vec<Stint>,
    /// By ID. Fx hashing: short IDs from the SE's own file, one lookup per
    /// entry, where SipHash's resistance to crafted keys buys nothing.
    pub marks: FxHashMap<String, Marked>,
    /// Every failure of each criterion, even those later met or undone: the
    /// debrief lists what struggled before it worked.
    pub failures: FxHashMap<String, Vec<Failure>>,
    pub blockers: Vec<Blocker>,
    pub parked: Vec<Remark>,
    pub notes: Vec<Note>,
    pub overrides: Vec<Override>,
    pub conflicts: Vec<Conflict>,
    /// When the latest customer update was sent (`poc update --record`):
    /// the next one starts there.
    pub last_update: Option<DateTime<Utc>>,
    /// Sign-offs, risks, measured values and product gaps.
    pub tracking: Tracking,
    /// Journal lines whose ID is no longer in the scope: (line, id).
    pub unknown_ids: Vec<(usize, String)>,
    /// Entries that change nothing where they fall: a resolve of no open
    /// blocker, an advance made where the POC did not stand: (line, why).
    pub unmatched: Vec<(usize, String)>,
}

impl PocState {
    /// The state before anything is recorded: setup, entered on day 1.
    pub fn new(scope: &Scope) -> PocState {
        let mut times = [PhaseTimes::default(); 5];
        times[0].entered = Some(scope.day_one());
        PocState {
            phase: Phase::Setup,
            closure: None,
            times,
            stints: vec![Stint {
                phase: Phase::Setup,
                entered: scope.day_one(),
                left: None,
            }],
            marks: FxHashMap::default(),
            failures: FxHashMap::default(),
            blockers: Vec::new(),
            parked: Vec::new(),
            notes: Vec::new(),
            overrides: Vec::new(),
            conflicts: Vec::new(),
            last_update: None,
            tracking: Tracking::new(scope),
            unknown_ids: Vec::new(),
            unmatched: Vec::new(),
        }
    }

    /// Replays the journal over the scope, in time order.
    pub fn derive(scope: &Scope, journal: &Journal) -> PocState {
        Self::replay(
            scope,
            journal
                .in_time_order()
                .into_iter()
                .map(|l| (l.number, &l.entry)),
        )
    }

    /// Replays `(line, entry)` pairs, already in time order.
    pub fn replay<'e>(
        scope: &Scope,
        entries: impl Iterator<Item = (usize, &'e Entry)>,
    ) -> PocState {
        let mut state = PocState::new(scope);
        for (line, entry) in entries {
            if let Some(id) = entry.event.subject()
                && matches!(
                    entry.event,
                    Event::Check(_) | Event::Fail(_) | Event::Undo { .. }
                )
                && scope.find(id).is_none()
            {
                state.unknown_ids.push((line, id.to_string()));
                continue;
            }
            state.apply(scope, line, entry);
        }
        state
    }

    /// Applies one entry, from journal line `line` (replay in time order).
    pub fn apply(&mut self, scope: &Scope, line: usize, entry: &Entry) {
        let at = entry.at;
        match &entry.event {
            Event::Init { .. } => {
                // Set up before day 1 (the usual case) still enters on day 1.
                self.times[0].entered = Some(at.max(scope.day_one()));
                if let [first] = self.stints.as_mut_slice() {
                    first.entered = at.max(scope.day_one());
                }
            }
            Event::Check(mark) => self.mark(mark, Status::Met, entry),
            Event::Fail(mark) => self.mark(mark, Status::Failed, entry),
            Event::Undo { id, .. } => {
                self.marks.remove(id);
            }
            Event::Note { text } => self.notes.push(Note {
                at,
                by: entry.by.clone(),
                text: text.clone(),
                phase: self.phase,
            }),
            Event::Park { text } => self.parked.push(remark(entry, text)),
            Event::Blocker { id, text, plan } => {
                let plan = plan.as_deref().cloned().unwrap_or_default();
                self.blockers.push(Blocker {
                    id: id.clone(),
                    text: text.clone(),
                    opened: at,
                    by: entry.by.clone(),
                    resolved: None,
                    resolution: None,
                    owner: plan.owner,
                    severity: plan.severity,
                    // Empty (a hand edit) is no one to escalate to.
                    escalate_to: plan.escalate_to.filter(|to| !to.trim().is_empty()),
                    after_days: plan.after_days,
                })
            }
            Event::Signoff(_)
            | Event::Unsignoff { .. }
            | Event::Risk(_)
            | Event::RiskStatus { .. }
            | Event::Gap(_)
            | Event::GapResolve { .. } => {
                if let Some(why) = self.tracking.apply(scope, entry) {
                    self.unmatched.push((line, why));
                }
            }
            Event::Measure(_) => match self.tracking.apply(scope, entry) {
                Some(why) => self.unmatched.push((line, why)),
                None => self.measure_criteria(scope, entry),
            },
            Event::Resolve { id, note, opened } => {
                if !self.resolve(id, *opened, note, at) {
                    self.unmatched.push((
                        line,
                        format!(
                            "resolves `{id}`, but no blocker with that ID is open at that time"
                        ),
                    ));
                }
            }
            Event::Advance {
                from,
                to,
                forced,
                reason,
            } => {
                if !self.advance(*from, *to, *forced, reason.as_deref(), entry) {
                    self.unmatched.push((
                        line,
                        format!(
                            "advance from {from} to {to} is not applied: the POC stood in {} then",
                            self.describe_phase()
                        ),
                    ));
                }
            }
            Event::Reopen { to, reason, closed } => self.reopen(*to, reason, *closed, entry),
            Event::Close {
                outcome,
                reason,
                forced,
                from,
            } => {
                let close = (*outcome, reason.as_deref(), *forced, *from);
                self.close(scope, close, line, entry);
            }
            // Replayed in time order: the latest update sent wins.
            Event::Update { .. } => self.last_update = Some(at),
        }
    }

    /// Resolves a blocker; false when none matches (a resolve dated before
    /// its blocker was opened, or of an ID no blocker has).
    fn resolve(
        &mut self,
        id: &str,
        opened: Option<DateTime<Utc>>,
        note: &Option<String>,
        at: DateTime<Utc>,
    ) -> bool {
        // The first open blocker with this ID (and open time, when the
        // entry names one): two blockers a hand edit gave one ID are
        // resolved one after the other.
        let target = self
            .blockers
            .iter_mut()
            .find(|b| b.id == id && b.resolved.is_none() && opened.is_none_or(|t| t == b.opened));
        let Some(b) = target else {
            return false;
        };
        b.resolved = Some(at);
        b.resolution = note.clone();
        true
    }

    /// "setup", or "closed (win)".
    fn describe_phase(&self) -> String {
        match &self.closure {
            Some(c) => format!("{}, closed ({})", self.phase, c.outcome),
            None => self.phase.to_string(),
        }
    }

    /// Moves to the next phase; false when the entry is stale: made in a
    /// clone that stood elsewhere (another phase, or closed), or a jump a
    /// hand edit made. Only the move from the current phase to the next
    /// one is applied.
    fn advance(
        &mut self,
        from: Phase,
        to: Phase,
        forced: bool,
        reason: Option<&str>,
        e: &Entry,
    ) -> bool {
        let applies = self.closure.is_none() && from == self.phase && from.next() == Some(to);
        if !applies {
            // A move the POC has already made (in two clones, or past it)
            // is what merges look like; a jump or a move after the close
            // is reported.
            let already_there = self.closure.is_none() && to <= self.phase;
            // After a union merge, the other clone may have made this move
            // too, or moved on, or closed: the entry is stale, but the
            // reason it was forced is kept for the debrief.
            if forced {
                let what = if self.closure.is_none() && to == self.phase {
                    format!("also advanced from {from} to {to} with its gate not met")
                } else {
                    format!(
                        "advanced from {from} to {to} with its gate not met, in a clone merged after the POC had moved on"
                    )
                };
                self.overrides.push(Override {
                    at: e.at,
                    by: e.by.clone(),
                    what,
                    reason: reason.unwrap_or_default().to_owned(),
                });
            }
            return already_there;
        }
        self.times[from.index()].left = Some(e.at);
        self.times[from.index()].forced = forced;
        self.times[to.index()].entered = Some(e.at);
        self.times[to.index()].left = None;
        self.phase = to;
        self.move_to(Some(to), e.at);
        if forced {
            self.overrides.push(Override {
                at: e.at,
                by: e.by.clone(),
                what: format!("advanced from {from} to {to} with its gate not met"),
                reason: reason.unwrap_or_default().to_owned(),
            });
        }
        true
    }

    /// Ends the stint the POC stands in at `at`, and starts one in `to`
    /// (none for a close).
    fn move_to(&mut self, to: Option<Phase>, at: DateTime<Utc>) {
        if let Some(last) = self.stints.last_mut().filter(|s| s.left.is_none()) {
            last.left = Some(at);
        }
        if let Some(phase) = to {
            self.stints.push(Stint {
                phase,
                entered: at,
                left: None,
            });
        }
    }

    fn reopen(&mut self, to: Phase, reason: &str, closed: Option<Outcome>, e: &Entry) {
        let what = match &self.closure {
            Some(c) => format!("reopened the {} POC at {to}", c.outcome),
            None => format!("went back from {} to {to}", self.phase),
        };
        self.overrides.push(Override {
            at: e.at,
            by: e.by.clone(),
            what,
            reason: reason.to_string(),
        });
        // A reopen is how a conflict is settled, by someone who saw the
        // outcome it stands on: one from a clone that had closed otherwise
        // (and never saw this outcome) leaves the conflict standing.
        let knew = match (closed, &self.closure) {
            (Some(reopened), Some(c)) => reopened == c.outcome,
            _ => true,
        };
        if knew {
            self.conflicts.clear();
        }
        self.closure = None;
        self.phase = to;
        self.move_to(Some(to), e.at);
        let times = &mut self.times[to.index()];
        times.left = None;
        times.forced = false;
        times.entered.get_or_insert(e.at);
        // The phases after it are ahead again; the journal keeps when they
        // were first entered.
        for later in &mut self.times[to.index() + 1..] {
            *later = PhaseTimes::default();
        }
    }

    fn close(
        &mut self,
        scope: &Scope,
        (outcome, reason, forced, from): (Outcome, Option<&str>, bool, Option<Phase>),
        line: usize,
        e: &Entry,
    ) {
        if let Some(c) = &self.closure {
            if forced {
                // A second close merged in: its reason is kept all the same.
                self.overrides.push(Override {
                    at: e.at,
                    by: e.by.clone(),
                    what: format!(
                        "also closed as {outcome} with --force, after the close of {}",
                        c.by
                    ),
                    reason: reason.unwrap_or_default().to_owned(),
                });
            }
            if c.outcome != outcome {
                self.conflicts.push(Conflict {
                    at: e.at,
                    by: e.by.clone(),
                    line,
                    what: format!(
                        "closed as {outcome} by {} while already closed as {} by {} on {}",
                        e.by,
                        c.outcome,
                        c.by,
                        scope.day_named(c.at)
                    ),
                });
            }
            return;
        }
        if let Some(from) = from.filter(|f| *f != self.phase) {
            // Decided in another phase than this one: a merge of a reopen in
            // one clone and a close in the other. Not a jump past gates.
            self.conflicts.push(Conflict {
                at: e.at,
                by: e.by.clone(),
                line,
                what: format!(
                    "closed as {outcome} by {} from {from}, but the merged journal stands in {}",
                    e.by, self.phase
                ),
            });
        }
        if outcome == Outcome::Win
            && !forced
            && let Some(undermined) = self.undermined_win(scope)
        {
            // `close` refuses such a win without --force: entries dated
            // before it came in with a merge, after the gate was checked.
            self.conflicts.push(Conflict {
                at: e.at,
                by: e.by.clone(),
                line,
                what: format!(
                    "closed as win by {} without --force, but entries merged in from before the close leave {undermined}",
                    e.by
                ),
            });
        }
        self.times[self.phase.index()].left = Some(e.at);
        self.move_to(None, e.at);
        if forced {
            self.overrides.push(Override {
                at: e.at,
                by: e.by.clone(),
                what: format!("closed as {outcome} from {} with --force", self.phase),
                reason: reason.unwrap_or_default().to_owned(),
            });
        }
        self.closure = Some(Closure {
            outcome,
            at: e.at,
            by: e.by.clone(),
            reason: reason.map(str::to_owned),
            forced,
        });
    }

    /// What would have stopped a win here that the clone which closed
    /// could not see: `must` criteria failed, final sign-offs withdrawn
    /// ("the `must` criterion SC2 failed; the final sign-off SO2
    /// withdrawn"). Criteria still pending or sign-offs never given are
    /// left out: a scope edited after the close adds those.
    fn undermined_win(&self, scope: &Scope) -> Option<String> {
        let mut out: Vec<String> = Vec::new();
        let failed: Vec<&str> = (self.unmet_musts(scope).into_iter())
            .filter(|c| self.status_of(&c.id) == Status::Failed)
            .map(|c| c.id.as_str())
            .collect();
        match failed.as_slice() {
            [] => {}
            [one] => out.push(format!("the `must` criterion {one} failed")),
            many => out.push(format!("the `must` criteria {} failed", many.join(", "))),
        }
        let withdrawn: Vec<&str> = (self.tracking.pending_finals(scope).into_iter())
            .filter(|s| self.tracking.withdrawn.contains_key(&s.id))
            .map(|s| s.id.as_str())
            .collect();
        match withdrawn.as_slice() {
            [] => {}
            [one] => out.push(format!("the final sign-off {one} withdrawn")),
            many => out.push(format!("the final sign-offs {} withdrawn", many.join(", "))),
        }
        (!out.is_empty()).then(|| out.join(" and "))
    }

    /// Marks the criteria tied to `metric` met or failed by a measured
    /// value, saying so in their evidence.
    fn measure_criteria(&mut self, scope: &Scope, entry: &Entry) {
        for (mark, status) in measure_marks(scope, &entry.event) {
            self.mark(&mark, status, entry);
        }
    }

    fn mark(&mut self, mark: &Arc<Mark>, status: Status, entry: &Entry) {
        if status == Status::Failed {
            let failure = Failure {
                at: entry.at,
                by: entry.by.clone(),
                mark: Arc::clone(mark),
            };
            match self.failures.get_mut(&mark.id) {
                Some(failures) => failures.push(failure),
                None => {
                    self.failures.insert(mark.id.clone(), vec![failure]);
                }
            }
        }
        // Looked up before inserting: most entries mark an ID seen before,
        // and a year-long journal need not copy its ID each time.
        let Some(marked) = self.marks.get_mut(&mark.id) else {
            let marked = Marked {
                status,
                at: entry.at,
                by: entry.by.clone(),
                evidence: vec![Arc::clone(mark)],
            };
            self.marks.insert(mark.id.clone(), marked);
            return;
        };
        if marked.status != status {
            marked.status = status;
            marked.evidence.clear();
        }
        marked.at = entry.at;
        marked.by.clone_from(&entry.by);
        marked.evidence.push(Arc::clone(mark));
    }

    pub fn is_closed(&self) -> bool {
        self.closure.is_some()
    }

    pub fn status_of(&self, id: &str) -> Status {
        self.marks.get(id).map_or(Status::Pending, |m| m.status)
    }

    /// What stops `advance` out of `phase`: required items not done and the
    /// phase's criteria not yet evaluated.
    pub fn gate(&self, scope: &Scope, phase: Phase) -> Vec<GateBlock> {
        let items = scope.plan(phase).checklist.iter();
        let items = items
            .filter(|i| i.required && self.status_of(&i.id) != Status::Met)
            .map(|i| GateBlock {
                id: i.id.clone(),
                title: i.title.clone(),
                reason: "required checklist item not done",
                criterion: false,
                metric: None,
            });
        let criteria = scope.success_criteria.iter();
        let criteria = criteria
            .filter(|c| c.phase == phase && self.status_of(&c.id) == Status::Pending)
            .map(|c| GateBlock {
                id: c.id.clone(),
                title: c.title.clone(),
                reason: "success criterion not yet evaluated (met or failed)",
                criterion: true,
                metric: c.metric.clone(),
            });
        items.chain(criteria).collect()
    }

    /// `must` criteria that are not met (what stands in the way of a win).
    pub fn unmet_musts<'s>(&self, scope: &'s Scope) -> Vec<&'s crate::scope::Criterion> {
        scope
            .success_criteria
            .iter()
            .filter(|c| c.priority == Priority::Must && self.status_of(&c.id) != Status::Met)
            .collect()
    }

    pub fn open_blockers(&self) -> impl Iterator<Item = &Blocker> {
        self.blockers.iter().filter(|b| b.resolved.is_none())
    }

    /// Blocker IDs held by more than one blocker (a hand edit or an old
    /// journal merged), compared as commands take them (any case), each
    /// once, as first written.
    pub fn duplicate_blocker_ids(&self) -> Vec<&str> {
        crate::ids::duplicates(self.blockers.iter().map(|b| b.id.as_str()))
    }
}

fn remark(entry: &Entry, text: &str) -> Remark {
    Remark {
        at: entry.at,
        by: entry.by.clone(),
        text: text.to_string(),
    }
}

/// Whole hours a blocker raised at `opened` has been open at `now`: until
/// it was resolved, and at the most until the POC `closed` (nobody works
/// it after; one resolved later, merged in, stopped counting there).
pub fn hours_open(
    opened: DateTime<Utc>,
    resolved: Option<DateTime<Utc>>,
    closed: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> i64 {
    let until = match (resolved, closed) {
        (Some(r), Some(c)) => r.min(c),
        (r, c) => r.or(c).unwrap_or(now),
    };
    (until - opened).num_hours().max(0)
}

/// The debrief is due 48 hours after close.
pub fn debrief_due(closure: &Closure) -> DateTime<Utc> {
    closure.at + chrono::Duration::hours(48)
}

/// What a measured value records for the criteria tied to its metric
/// (`metric: M1`): a mark each, met when the value meets the target and
/// failed when not, its evidence saying so. Nothing for any other entry.
pub fn measure_marks(scope: &Scope, event: &Event) -> Vec<(Arc<Mark>, Status)> {
    let Event::Measure(measure) = event else {
        return Vec::new();
    };
    let crate::event::MeasureEvent {
        id,
        value,
        evidence,
        files,
        run,
        target,
        better,
    } = &**measure;
    let Some(m) = scope.metric(id) else {
        return Vec::new();
    };
    // Judged by the target it was measured against, not one edited since.
    let m = &m.judged_by(*target, *better);
    let status = if m.met_by(*value) {
        Status::Met
    } else {
        Status::Failed
    };
    let text = m.criterion_evidence(*value, evidence.as_deref());
    (scope.success_criteria.iter())
        .filter(|c| c.metric.as_deref() == Some(id.as_str()))
        .map(|c| {
            let mark = Mark {
                id: c.id.clone(),
                evidence: Some(text.clone()),
                note: None,
                files: files.clone(),
                run: run.clone(),
            };
            (Arc::new(mark), status)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scope::tests::MINIMAL;

    fn entry(at: &str, by: &str, event: Event) -> Entry {
        Entry {
            at: at.parse().unwrap(),
            by: by.into(),
            event,
        }
    }

    fn check(id: &str) -> Event {
        Event::Check(Arc::new(Mark {
            id: id.into(),
            ..Mark::default()
        }))
    }

    fn derive(entries: &[Entry]) -> (Scope, PocState) {
        let scope = Scope::parse(MINIMAL, "poc.yaml").unwrap();
        let mut sorted: Vec<(usize, &Entry)> = entries.iter().enumerate().collect();
        sorted.sort_by(|(_, a), (_, b)| a.order_key().cmp(&b.order_key()));
        let state = PocState::replay(&scope, sorted.into_iter());
        (scope, state)
    }

    #[test]
    fn the_setup_gate_lists_required_items_only() {
        let (scope, state) = derive(&[]);
        assert_eq!(state.phase, Phase::Setup);
        let ids: Vec<_> = state
            .gate(&scope, Phase::Setup)
            .into_iter()
            .map(|b| b.id)
            .collect();
        assert_eq!(ids, ["access"]);
        let (scope, state) = derive(&[entry("2026-11-23T10:00:00Z", "d", check("access"))]);
        assert!(state.gate(&scope, Phase::Setup).is_empty());
    }

    #[test]
    fn criteria_gate_their_phase_until_evaluated() {
        let mut entries = vec![entry("2026-11-23T10:00:00Z", "d", check("deploy"))];
        let (scope, state) = derive(&entries);
        let ids: Vec<_> = (state.gate(&scope, Phase::Deployment).into_iter())
            .map(|b| b.id)
            .collect();
        assert_eq!(ids, ["SC1"]);
        let fail = Event::Fail(Arc::new(Mark {
            id: "SC1".into(),
            ..Mark::default()
        }));
        entries.push(entry("2026-11-23T11:00:00Z", "d", fail));
        let (scope, state) = derive(&entries);
        assert!(state.gate(&scope, Phase::Deployment).is_empty());
        assert_eq!(state.status_of("SC1"), Status::Failed);
        let undo = Event::Undo {
            id: "SC1".into(),
            note: None,
        };
        entries.push(entry("2026-11-23T12:00:00Z", "d", undo));
        assert_eq!(derive(&entries).1.status_of("SC1"), Status::Pending);
    }

    fn advance(forced: bool, reason: &str) -> Event {
        Event::Advance {
            from: Phase::Setup,
            to: Phase::Deployment,
            forced,
            reason: Some(reason.into()),
        }
    }

    fn close(outcome: Outcome, from: Option<Phase>) -> Event {
        Event::Close {
            outcome,
            reason: None,
            forced: true,
            from,
        }
    }

    #[test]
    fn advance_close_and_reopen_move_the_phase_and_record_times() {
        let mut entries = vec![
            entry("2026-11-24T10:00:00Z", "d", advance(true, "customer late")),
            entry("2026-11-25T10:00:00Z", "d", close(Outcome::Loss, None)),
        ];
        let (_, state) = derive(&entries);
        assert!(state.is_closed());
        assert_eq!(state.phase, Phase::Deployment);
        assert_eq!(
            state.times[1].left.unwrap().to_rfc3339(),
            "2026-11-25T10:00:00+00:00"
        );
        assert_eq!(state.overrides.len(), 2);
        let reopen = Event::Reopen {
            to: Phase::Setup,
            reason: "new data".into(),
            closed: None,
        };
        entries.push(entry("2026-11-26T10:00:00Z", "d", reopen));
        let (_, state) = derive(&entries);
        assert!(!state.is_closed());
        assert_eq!(state.phase, Phase::Setup);
    }

    #[test]
    fn both_reasons_survive_when_two_clones_force_the_same_advance() {
        let (_, state) = derive(&[
            entry(
                "2026-11-24T10:00:00Z",
                "dana",
                advance(true, "waived by Marcus"),
            ),
            entry(
                "2026-11-24T11:00:00Z",
                "lee",
                advance(true, "access came late"),
            ),
        ]);
        assert_eq!(state.phase, Phase::Deployment);
        let reasons: Vec<_> = state.overrides.iter().map(|o| o.reason.as_str()).collect();
        assert_eq!(reasons, ["waived by Marcus", "access came late"]);
    }

    #[test]
    fn two_outcomes_or_a_close_from_elsewhere_are_conflicts_until_a_reopen() {
        let mut entries = vec![
            entry(
                "2026-11-25T10:00:00Z",
                "dana",
                close(Outcome::Win, Some(Phase::Setup)),
            ),
            entry(
                "2026-11-25T11:00:00Z",
                "lee",
                close(Outcome::Loss, Some(Phase::Setup)),
            ),
        ];
        let (_, state) = derive(&entries);
        assert_eq!(state.conflicts.len(), 1, "{:?}", state.conflicts);
        assert!(state.conflicts[0].what.contains("closed as loss by lee"));
        entries.push(entry(
            "2026-11-26T10:00:00Z",
            "dana",
            Event::Reopen {
                to: Phase::Setup,
                reason: "settle".into(),
                closed: Some(Outcome::Win),
            },
        ));
        assert!(derive(&entries).1.conflicts.is_empty());
        let (_, state) = derive(&[entry(
            "2026-11-25T10:00:00Z",
            "lee",
            close(Outcome::Win, Some(Phase::Signoff)),
        )]);
        assert!(
            state.conflicts[0].what.contains("from signoff"),
            "{:?}",
            state.conflicts
        );
    }

    #[test]
    fn duplicate_blocker_ids_resolve_one_after_the_other() {
        let blocker = |t: &str| Event::blocker("B3", t);
        let resolve = Event::Resolve {
            id: "B3".into(),
            note: None,
            opened: None,
        };
        let (_, state) = derive(&[
            entry("2026-11-24T10:00:00Z", "dana", blocker("VPN")),
            entry("2026-11-24T11:00:00Z", "lee", blocker("DNS")),
            entry("2026-11-24T12:00:00Z", "lee", resolve.clone()),
        ]);
        assert_eq!(state.duplicate_blocker_ids(), ["B3"]);
        assert_eq!(
            state
                .open_blockers()
                .map(|b| b.text.as_str())
                .collect::<Vec<_>>(),
            ["DNS"]
        );
    }

    #[test]
    fn setup_is_entered_on_day_one_when_init_came_before() {
        let init = Event::Init {
            template: "standard@1".into(),
        };
        let (_, state) = derive(&[entry("2026-11-20T10:00:00Z", "d", init)]);
        assert_eq!(
            state.times[0].entered.unwrap().to_rfc3339(),
            "2026-11-23T00:00:00+00:00"
        );
    }

    #[test]
    fn the_latest_update_sent_is_kept_whatever_the_file_order() {
        let update = |since: &str| Event::Update {
            since: since.parse().unwrap(),
            seen: Default::default(),
        };
        let (_, state) = derive(&[
            entry("2026-11-25T10:00:00Z", "d", update("2026-11-24T10:00:00Z")),
            entry("2026-11-24T10:00:00Z", "d", update("2026-11-23T00:00:00Z")),
        ]);
        assert_eq!(
            state.last_update.unwrap().to_rfc3339(),
            "2026-11-25T10:00:00+00:00"
        );
        assert_eq!(derive(&[]).1.last_update, None);
    }

    #[test]
    fn entries_for_removed_ids_are_set_aside() {
        let (_, state) = derive(&[entry("2026-11-23T10:00:00Z", "d", check("gone"))]);
        assert_eq!(state.unknown_ids, vec![(0, "gone".to_string())]);
        assert!(state.marks.is_empty());
    }
}
