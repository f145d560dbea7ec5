//! The plan sections as the journal leaves them: the sign-offs given, each
//! risk's status, the values measured for each metric, and the product
//! gaps the prospect hit. Replayed with the rest of the state.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::event::{
    Entry, Event, FileEvidence, GapEvent, MeasureEvent, RiskEvent, RunEvidence, SignoffEvent,
};
use crate::plan::{GapSeverity, Level, RiskStatus, Signoff};
use crate::scope::Scope;

/// A sign-off given.
#[derive(Debug, Clone, Serialize)]
pub struct Given {
    pub at: DateTime<Utc>,
    /// Who recorded it.
    pub by: Arc<str>,
    /// Who signed.
    pub name: String,
    pub evidence: Option<String>,
    pub files: Vec<FileEvidence>,
}

/// A risk as it stands: the scope's, or one raised during the POC.
#[derive(Debug, Clone, Serialize)]
pub struct RiskState {
    pub id: String,
    pub title: String,
    pub likelihood: Level,
    pub impact: Level,
    pub owner: Option<String>,
    pub status: RiskStatus,
    /// When it took its status (none for a scope risk still watched).
    pub since: Option<DateTime<Utc>>,
    pub note: Option<String>,
    /// When it was raised during the POC; none for the scope's own.
    pub raised: Option<DateTime<Utc>>,
    /// When it was (last) triggered, if ever: its escalation counts from it.
    pub triggered: Option<DateTime<Utc>>,
    /// What was noted when it was triggered: what happened.
    pub trigger_note: Option<String>,
}

/// A value measured for a metric.
#[derive(Debug, Clone, Serialize)]
pub struct Measured {
    pub at: DateTime<Utc>,
    pub by: Arc<str>,
    pub value: f64,
    pub evidence: Option<String>,
    pub files: Vec<FileEvidence>,
    pub run: Option<RunEvidence>,
}

/// A product gap.
#[derive(Debug, Clone, Serialize)]
pub struct GapState {
    pub id: String,
    pub text: String,
    pub severity: GapSeverity,
    pub feature: Option<String>,
    pub criterion: Option<String>,
    pub workaround: Option<String>,
    pub opened: DateTime<Utc>,
    pub by: Arc<str>,
    pub resolved: Option<DateTime<Utc>>,
    pub resolution: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Tracking {
    /// By sign-off ID.
    pub signoffs: FxHashMap<String, Given>,
    /// Sign-offs given, then withdrawn and not given again: when.
    pub withdrawn: FxHashMap<String, DateTime<Utc>>,
    /// The scope's risks, then those raised, in the order raised.
    pub risks: Vec<RiskState>,
    /// By metric ID, oldest first.
    pub measured: FxHashMap<String, Vec<Measured>>,
    pub gaps: Vec<GapState>,
}

impl Tracking {
    /// Before anything is recorded: the scope's risks, watched.
    pub fn new(scope: &Scope) -> Tracking {
        let risks = (scope.risks.iter())
            .map(|r| RiskState {
                id: r.id.clone(),
                title: r.title.clone(),
                likelihood: r.likelihood,
                impact: r.impact,
                owner: r.owner.clone(),
                status: RiskStatus::Watching,
                since: None,
                note: None,
                raised: None,
                triggered: None,
                trigger_note: None,
            })
            .collect();
        Tracking {
            risks,
            ..Tracking::default()
        }
    }

    /// Applies an entry of the plan sections; the reason it changes
    /// nothing when it does not (for `validate`), else None. Other kinds
    /// are not its business and change nothing.
    pub fn apply(&mut self, scope: &Scope, entry: &Entry) -> Option<String> {
        let at = entry.at;
        match &entry.event {
            Event::Signoff(signoff) => {
                let SignoffEvent {
                    id,
                    name,
                    evidence,
                    files,
                } = &**signoff;
                if !scope.signoffs.iter().any(|s| s.id == *id) {
                    return Some(format!(
                        "signs off `{id}`, which poc.yaml has no sign-off for"
                    ));
                }
                let given = Given {
                    at,
                    by: entry.by.clone(),
                    name: name.clone(),
                    evidence: evidence.clone(),
                    files: files.clone(),
                };
                self.signoffs.insert(id.clone(), given);
                self.withdrawn.remove(id);
            }
            Event::Unsignoff { id, .. } => {
                let withdrawn = self.signoffs.remove(id);
                if withdrawn.is_none() {
                    return Some(format!(
                        "withdraws sign-off `{id}`, which was not given then"
                    ));
                }
                self.withdrawn.insert(id.clone(), at);
            }
            Event::Risk(risk) => {
                let RiskEvent {
                    id,
                    title,
                    likelihood,
                    impact,
                    owner,
                } = &**risk;
                // The same entry twice (a line a merge or a copy doubled) is
                // one risk; two entries with one ID are two.
                let again = (self.risks.iter())
                    .any(|r| r.raised == Some(at) && r.id == *id && r.title == *title);
                if again {
                    return Some(format!(
                        "repeats the raising of risk `{id}` exactly; it counts once"
                    ));
                }
                self.risks.push(RiskState {
                    id: id.clone(),
                    title: title.clone(),
                    likelihood: *likelihood,
                    impact: *impact,
                    owner: owner.clone(),
                    status: RiskStatus::Watching,
                    since: Some(at),
                    note: None,
                    raised: Some(at),
                    triggered: None,
                    trigger_note: None,
                });
            }
            Event::RiskStatus {
                id,
                status,
                note,
                raised,
            } => {
                // Without `raised`: the scope's own, else the first raised.
                let named = |r: &&mut RiskState| r.id == *id && r.raised == *raised;
                let risk = match self.risks.iter_mut().find(named) {
                    Some(risk) => Some(risk),
                    None => self.risks.iter_mut().find(|r| r.id == *id),
                };
                let Some(risk) = risk else {
                    return Some(format!(
                        "moves risk `{id}`, which is not in poc.yaml nor raised before"
                    ));
                };
                if *status == RiskStatus::Triggered && risk.status != RiskStatus::Triggered {
                    risk.triggered = Some(at);
                    risk.trigger_note = note.clone();
                }
                risk.status = *status;
                risk.since = Some(at);
                risk.note = note.clone();
            }
            Event::Measure(measure) => {
                let MeasureEvent {
                    id,
                    value,
                    evidence,
                    files,
                    run,
                    ..
                } = &**measure;
                if !scope.metrics.iter().any(|m| m.id == *id) {
                    return Some(format!("measures `{id}`, which poc.yaml has no metric for"));
                }
                self.measured.entry(id.clone()).or_default().push(Measured {
                    at,
                    by: entry.by.clone(),
                    value: *value,
                    evidence: evidence.clone(),
                    files: files.clone(),
                    run: run.as_deref().cloned(),
                });
            }
            Event::Gap(gap) => {
                let GapEvent {
                    id,
                    text,
                    severity,
                    feature,
                    criterion,
                    workaround,
                } = &**gap;
                let again = (self.gaps.iter())
                    .any(|g| g.opened == at && g.id == *id && g.text == *text && g.by == entry.by);
                if again {
                    return Some(format!("repeats the gap `{id}` exactly; it counts once"));
                }
                self.gaps.push(GapState {
                    id: id.clone(),
                    text: text.clone(),
                    severity: *severity,
                    feature: feature.clone(),
                    criterion: criterion.clone(),
                    workaround: workaround.clone(),
                    opened: at,
                    by: entry.by.clone(),
                    resolved: None,
                    resolution: None,
                });
            }
            Event::GapResolve { id, note, opened } => {
                // The first open gap with this ID (and time, when the
                // entry names one), as blockers are resolved.
                let open = (self.gaps.iter_mut()).find(|g| {
                    g.id == *id && g.resolved.is_none() && opened.is_none_or(|t| t == g.opened)
                });
                let Some(gap) = open else {
                    return Some(format!(
                        "resolves gap `{id}`, but no gap with that ID is open then"
                    ));
                };
                gap.resolved = Some(at);
                gap.resolution = Some(note.clone());
            }
            _ => {}
        }
        None
    }

    /// The scope's sign-offs not given, in the scope's order.
    pub fn pending_signoffs<'s>(&self, scope: &'s Scope) -> Vec<&'s Signoff> {
        (scope.signoffs.iter())
            .filter(|s| !self.signoffs.contains_key(&s.id))
            .collect()
    }

    /// The `final` sign-offs not given: what a win waits for.
    pub fn pending_finals<'s>(&self, scope: &'s Scope) -> Vec<&'s Signoff> {
        let mut pending = self.pending_signoffs(scope);
        pending.retain(|s| s.covers == crate::plan::Covers::Final);
        pending
    }

    /// Risk IDs held by more than one risk (a raised one reusing a scope
    /// risk's ID, a merge, a hand edit), each once.
    pub fn duplicate_risk_ids(&self) -> Vec<&str> {
        crate::ids::duplicates(self.risks.iter().map(|r| r.id.as_str()))
    }

    /// Gap IDs held by more than one gap, each once.
    pub fn duplicate_gap_ids(&self) -> Vec<&str> {
        crate::ids::duplicates(self.gaps.iter().map(|g| g.id.as_str()))
    }

    /// The latest value measured for a metric.
    pub fn latest(&self, metric: &str) -> Option<&Measured> {
        self.measured.get(metric).and_then(|m| m.last())
    }
}
