//! The state machine: the current state of a POC, derived from the scope and
//! the journal, and the rules for moving between phases.
//!
//! setup → deployment → validation → integration → signoff → closed.

use std::collections::hash_map::Entry as Slot;

use rustc_hash::FxHashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::journal::{Entry, Event, FileEvidence, Journal, Mark, Outcome, RunEvidence};
use crate::scope::{Phase, Priority, Scope};

/// Where a checklist item or success criterion stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pending,
    /// A criterion met, or an item done.
    Met,
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

/// The latest check or failure of one ID: the journal entries themselves,
/// borrowed, so replaying a long journal copies nothing.
#[derive(Debug, Clone)]
pub struct Marked<'a> {
    pub status: Status,
    pub at: DateTime<Utc>,
    pub by: &'a str,
    /// The latest mark.
    pub mark: &'a Mark<'a>,
    /// Every mark since the status last changed, oldest first: checking a
    /// met criterion again adds evidence rather than replacing it.
    pub evidence: Vec<&'a Mark<'a>>,
}

impl Marked<'_> {
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

/// When a phase was actually entered and left.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct PhaseTimes {
    pub entered: Option<DateTime<Utc>>,
    pub left: Option<DateTime<Utc>>,
    /// Left by `advance --force`, its gate not met.
    pub forced: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Blocker {
    pub id: String,
    pub text: String,
    pub opened: DateTime<Utc>,
    pub by: String,
    pub resolved: Option<DateTime<Utc>>,
    pub resolution: Option<String>,
}

/// A note, a parked request, or the reason for a forced move.
#[derive(Debug, Clone, Serialize)]
pub struct Remark {
    pub at: DateTime<Utc>,
    pub by: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Closure {
    pub outcome: Outcome,
    pub at: DateTime<Utc>,
    pub by: String,
    pub reason: Option<String>,
    pub forced: bool,
}

/// A transition made despite its gate, or a reopen.
#[derive(Debug, Clone, Serialize)]
pub struct Override {
    pub at: DateTime<Utc>,
    pub by: String,
    pub what: String,
    pub reason: String,
}

/// The state of a POC, derived from `poc.yaml` + `journal.yaml`.
#[derive(Debug, Clone)]
pub struct PocState<'a> {
    /// The current phase, or the phase it was closed in.
    pub phase: Phase,
    pub closure: Option<Closure>,
    pub times: [PhaseTimes; 5],
    /// By ID. Fx hashing, as for the scope's index: one lookup per entry.
    pub marks: FxHashMap<&'a str, Marked<'a>>,
    /// Every failure of each criterion, even those later met or undone: the
    /// debrief lists what struggled before it worked.
    pub failures: FxHashMap<&'a str, Vec<Marked<'a>>>,
    pub blockers: Vec<Blocker>,
    /// Where each blocker ID first appears in `blockers`: a year-long POC
    /// opens and resolves blockers by the thousand.
    blocker_index: FxHashMap<&'a str, usize>,
    pub parked: Vec<Remark>,
    pub notes: usize,
    pub overrides: Vec<Override>,
    /// Journal lines whose ID is no longer in the scope: (line, id).
    pub unknown_ids: Vec<(usize, String)>,
}

impl<'a> PocState<'a> {
    /// Replays the journal over the scope.
    pub fn derive(scope: &Scope, journal: &'a Journal<'a>) -> PocState<'a> {
        let mut state = PocState {
            phase: Phase::Setup,
            closure: None,
            times: [PhaseTimes::default(); 5],
            marks: FxHashMap::default(),
            failures: FxHashMap::default(),
            blockers: Vec::new(),
            blocker_index: FxHashMap::default(),
            parked: Vec::new(),
            notes: 0,
            overrides: Vec::new(),
            unknown_ids: Vec::new(),
        };
        state.times[0].entered = scope.start.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
        for line in journal.in_time_order() {
            if let Some(id) = line.entry.event.subject()
                && matches!(
                    line.entry.event,
                    Event::Check(_) | Event::Fail(_) | Event::Undo { .. }
                )
                && scope.find(id).is_none()
            {
                state.unknown_ids.push((line.number, id.to_string()));
                continue;
            }
            state.apply(&line.entry);
        }
        state
    }

    /// Applies one entry. Lenient: a journal merged from two SEs or edited by
    /// hand still gives a state; `poc validate` reports what looks wrong.
    pub fn apply(&mut self, entry: &'a Entry<'a>) {
        let at = entry.at;
        let by = || entry.by.to_string();
        match &entry.event {
            Event::Init { .. } => self.times[0].entered = Some(at),
            Event::Check(mark) => self.mark(mark, Status::Met, entry),
            Event::Fail(mark) => self.mark(mark, Status::Failed, entry),
            Event::Undo { id, .. } => {
                self.marks.remove(id.as_ref());
            }
            Event::Note { .. } => self.notes += 1,
            Event::Park { text } => self.parked.push(Remark {
                at,
                by: by(),
                text: text.to_string(),
            }),
            Event::Blocker { id, text } => {
                self.blocker_index.entry(id).or_insert(self.blockers.len());
                self.blockers.push(Blocker {
                    id: id.to_string(),
                    text: text.to_string(),
                    opened: at,
                    by: by(),
                    resolved: None,
                    resolution: None,
                });
            }
            Event::Resolve { id, note } => {
                if let Some(b) = self
                    .blocker_index
                    .get(id.as_ref())
                    .map(|&i| &mut self.blockers[i])
                {
                    b.resolved = Some(at);
                    b.resolution = note.as_deref().map(str::to_owned);
                }
            }
            Event::Advance {
                from,
                to,
                forced,
                reason,
            } => {
                // After a git union merge two SEs may both have advanced:
                // an advance that does not move forward from here is stale.
                if self.closure.is_some() || *to <= self.phase {
                    return;
                }
                self.times[from.index()].left = Some(at);
                self.times[from.index()].forced = *forced;
                self.times[to.index()].entered = Some(at);
                self.times[to.index()].left = None;
                self.phase = *to;
                if *forced {
                    self.overrides.push(Override {
                        at,
                        by: by(),
                        what: format!("advanced from {from} to {to} with its gate not met"),
                        reason: reason.as_deref().unwrap_or_default().to_owned(),
                    });
                }
            }
            Event::Reopen { to, reason } => {
                let what = match &self.closure {
                    Some(c) => format!("reopened the {} POC at {to}", c.outcome.id()),
                    None => format!("went back from {} to {to}", self.phase),
                };
                self.overrides.push(Override {
                    at,
                    by: by(),
                    what,
                    reason: reason.to_string(),
                });
                self.closure = None;
                self.phase = *to;
                self.times[to.index()].left = None;
                self.times[to.index()].forced = false;
                if self.times[to.index()].entered.is_none() {
                    self.times[to.index()].entered = Some(at);
                }
                // The phases after it are ahead again; the journal keeps when
                // they were first entered.
                for later in &mut self.times[to.index() + 1..] {
                    *later = PhaseTimes::default();
                }
            }
            Event::Close {
                outcome,
                reason,
                forced,
            } => {
                self.times[self.phase.index()].left = Some(at);
                if *forced {
                    self.overrides.push(Override {
                        at,
                        by: by(),
                        what: format!(
                            "closed as {} from {} with --force",
                            outcome.id(),
                            self.phase
                        ),
                        reason: reason.as_deref().unwrap_or_default().to_owned(),
                    });
                }
                self.closure = Some(Closure {
                    outcome: *outcome,
                    at,
                    by: by(),
                    reason: reason.as_deref().map(str::to_owned),
                    forced: *forced,
                });
            }
        }
    }

    fn mark(&mut self, mark: &'a Mark<'a>, status: Status, entry: &'a Entry<'a>) {
        if status == Status::Failed {
            self.failures.entry(&mark.id).or_default().push(Marked {
                status,
                at: entry.at,
                by: &entry.by,
                mark,
                evidence: vec![mark],
            });
        }
        match self.marks.entry(&mark.id) {
            Slot::Occupied(mut slot) => {
                let marked = slot.get_mut();
                if marked.status != status {
                    marked.status = status;
                    marked.evidence.clear();
                }
                marked.at = entry.at;
                marked.by = &entry.by;
                marked.mark = mark;
                marked.evidence.push(mark);
            }
            Slot::Vacant(slot) => {
                slot.insert(Marked {
                    status,
                    at: entry.at,
                    by: &entry.by,
                    mark,
                    evidence: vec![mark],
                });
            }
        }
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
        let mut out = Vec::new();
        for item in &scope.plan(phase).checklist {
            if item.required && self.status_of(&item.id) != Status::Met {
                out.push(GateBlock {
                    id: item.id.clone(),
                    title: item.title.clone(),
                    reason: "required checklist item not done",
                });
            }
        }
        for c in scope.success_criteria.iter().filter(|c| c.phase == phase) {
            if self.status_of(&c.id) == Status::Pending {
                out.push(GateBlock {
                    id: c.id.clone(),
                    title: c.title.clone(),
                    reason: "success criterion not yet evaluated (met or failed)",
                });
            }
        }
        out
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
}

/// One thing that blocks a phase gate.
#[derive(Debug, Clone, Serialize)]
pub struct GateBlock {
    pub id: String,
    pub title: String,
    pub reason: &'static str,
}

/// The POC day of `now`: day 1 is the scope's `start`.
pub fn day_of(scope: &Scope, now: DateTime<Utc>) -> i64 {
    (now.date_naive() - scope.start).num_days() + 1
}

/// The debrief is due 48 hours after close.
pub fn debrief_due(closure: &Closure) -> DateTime<Utc> {
    closure.at + chrono::Duration::hours(48)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scope::tests::MINIMAL;

    fn entry(at: &str, event: Event<'static>) -> Entry<'static> {
        Entry {
            at: at.parse().unwrap(),
            by: "dana".into(),
            event,
        }
    }

    fn check(id: &str) -> Event<'static> {
        Event::Check(Mark {
            id: id.to_owned().into(),
            ..Mark::default()
        })
    }

    fn journal(entries: Vec<Entry>) -> &'static Journal<'static> {
        let text: String = entries
            .iter()
            .map(|e| format!("- {}\n", serde_json::to_string(e).unwrap()))
            .collect();
        Box::leak(Box::new(
            Journal::parse(text.leak().as_bytes(), "journal.yaml").unwrap(),
        ))
    }

    #[test]
    fn the_setup_gate_lists_required_items_only() {
        let scope = Scope::parse(MINIMAL, "poc.yaml").unwrap();
        let state = PocState::derive(&scope, journal(vec![]));
        assert_eq!(state.phase, Phase::Setup);
        let ids: Vec<_> = state
            .gate(&scope, Phase::Setup)
            .into_iter()
            .map(|b| b.id)
            .collect();
        assert_eq!(ids, ["access"]);
        let state = PocState::derive(
            &scope,
            journal(vec![entry("2026-11-23T10:00:00Z", check("access"))]),
        );
        assert!(state.gate(&scope, Phase::Setup).is_empty());
    }

    #[test]
    fn criteria_gate_their_phase_until_evaluated() {
        let scope = Scope::parse(MINIMAL, "poc.yaml").unwrap();
        let mut entries = vec![entry("2026-11-23T10:00:00Z", check("deploy"))];
        let state = PocState::derive(&scope, journal(entries.clone()));
        let ids: Vec<_> = state
            .gate(&scope, Phase::Deployment)
            .into_iter()
            .map(|b| b.id)
            .collect();
        assert_eq!(ids, ["SC1"]);
        entries.push(entry(
            "2026-11-23T11:00:00Z",
            Event::Fail(Mark {
                id: "SC1".into(),
                ..Mark::default()
            }),
        ));
        let state = PocState::derive(&scope, journal(entries.clone()));
        assert!(state.gate(&scope, Phase::Deployment).is_empty());
        assert_eq!(state.status_of("SC1"), Status::Failed);
        entries.push(entry(
            "2026-11-23T12:00:00Z",
            Event::Undo {
                id: "SC1".into(),
                note: None,
            },
        ));
        assert_eq!(
            PocState::derive(&scope, journal(entries)).status_of("SC1"),
            Status::Pending
        );
    }

    #[test]
    fn advance_close_and_reopen_move_the_phase_and_record_times() {
        let scope = Scope::parse(MINIMAL, "poc.yaml").unwrap();
        let entries = vec![
            entry(
                "2026-11-24T10:00:00Z",
                Event::Advance {
                    from: Phase::Setup,
                    to: Phase::Deployment,
                    forced: true,
                    reason: Some("customer late".into()),
                },
            ),
            entry(
                "2026-11-25T10:00:00Z",
                Event::Close {
                    outcome: Outcome::Loss,
                    reason: None,
                    forced: true,
                },
            ),
        ];
        let state = PocState::derive(&scope, journal(entries.clone()));
        assert!(state.is_closed());
        assert_eq!(state.phase, Phase::Deployment);
        assert_eq!(
            state.times[1].left.unwrap().to_rfc3339(),
            "2026-11-25T10:00:00+00:00"
        );
        assert_eq!(state.overrides.len(), 2);
        let mut reopened = entries;
        reopened.push(entry(
            "2026-11-26T10:00:00Z",
            Event::Reopen {
                to: Phase::Setup,
                reason: "new data".into(),
            },
        ));
        let state = PocState::derive(&scope, journal(reopened));
        assert!(!state.is_closed());
        assert_eq!(state.phase, Phase::Setup);
    }

    #[test]
    fn entries_for_removed_ids_are_set_aside() {
        let scope = Scope::parse(MINIMAL, "poc.yaml").unwrap();
        let state = PocState::derive(
            &scope,
            journal(vec![entry("2026-11-23T10:00:00Z", check("gone"))]),
        );
        assert_eq!(state.unknown_ids, vec![(1, "gone".to_string())]);
        assert!(state.marks.is_empty());
    }
}
