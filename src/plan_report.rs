//! The plan sections in the status report: each sign-off and whether it is
//! given, the risks ranked by likelihood × impact with any escalation due,
//! each metric's baseline, latest value and target, and the product gaps.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::plan::{
    Better, Covers, Escalation, GapSeverity, Level, MetricVerdict, RiskStatus, Stream,
};
use crate::scope::{Scope, Side};
use crate::state::PocState;
use crate::tracking::{GapState, Given, Measured};

#[derive(Debug, Clone, Serialize)]
pub struct SignoffRow {
    pub id: String,
    pub role: String,
    pub name: String,
    pub side: Side,
    pub covers: Covers,
    /// "the scope", "the final result", "SC1, SC3".
    pub covers_text: String,
    /// Null while pending.
    pub given: Option<Given>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RiskRow {
    pub id: String,
    pub title: String,
    pub likelihood: Level,
    pub impact: Level,
    /// Likelihood × impact, 1 to 9: the list is ranked by it.
    pub score: u32,
    pub owner: Option<String>,
    pub mitigation: Option<String>,
    pub contingency: Option<String>,
    pub watch: Option<String>,
    pub status: RiskStatus,
    pub since: Option<DateTime<Utc>>,
    pub note: Option<String>,
    /// Raised during the POC (not in the scope).
    pub raised: bool,
    pub triggered: Option<DateTime<Utc>>,
    /// What was noted when it was (last) triggered.
    pub trigger_note: Option<String>,
    /// Who to escalate to now: triggered for as long as an escalation
    /// step of the scope says (none once the POC is closed). Named as a
    /// blocker's is.
    pub escalate_now: Option<String>,
    /// The scope's escalation path; empty for a risk raised during the POC.
    pub escalation: Vec<Escalation>,
    /// "after 2 days → Marcus Webb", or "at once → …": the path as every
    /// document writes it.
    pub escalation_path: String,
    /// The last escalation step it reached while triggered (until it was
    /// moved on, the POC closed, or now): what the debrief tells, when
    /// `escalate_now` is over.
    pub escalated_to: Option<Escalation>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MetricRow {
    pub id: String,
    pub title: String,
    pub stream: Stream,
    pub unit: Option<String>,
    pub baseline: f64,
    pub target: f64,
    pub better: Better,
    /// "≤ 2 min".
    pub bar: String,
    pub latest: Option<Measured>,
    /// Whether the latest value meets the target; null until measured.
    pub met: Option<bool>,
    /// The latest value's improvement over the baseline, in percent.
    pub improvement_percent: Option<f64>,
    /// The success criteria it decides.
    pub criteria: Vec<String>,
    /// The baseline and the latest value with the unit: "25 min".
    pub baseline_amount: String,
    pub latest_amount: Option<String>,
    /// "25 min → 1.8 min → ≤ 2 min", or "25 min → not measured → ≤ 2 min":
    /// baseline, latest actual and target, as every view shows them.
    pub progress: String,
    /// "92.8% better", "20% worse", "no change"; null until measured or
    /// with a baseline of 0.
    pub improvement: Option<String>,
    /// "met", "not met" or "not measured".
    pub verdict: MetricVerdict,
    /// "met, 92.8% better than baseline"; null until measured.
    pub outcome: Option<String>,
    /// How many values were recorded.
    pub measurements: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct GapRow {
    #[serde(flatten)]
    pub gap: GapState,
    pub open: bool,
}

/// Open product gaps by severity.
#[derive(Debug, Clone, Default, Serialize)]
pub struct GapCounts {
    pub deal_breaker: usize,
    pub challenge: usize,
    pub nice_to_have: usize,
}

pub fn signoff_rows(scope: &Scope, state: &PocState) -> Vec<SignoffRow> {
    (scope.signoffs.iter())
        .map(|s| SignoffRow {
            id: s.id.clone(),
            role: s.role.clone(),
            name: s.name.clone(),
            side: s.side,
            covers_text: s.covers.text(),
            covers: s.covers.clone(),
            given: state.tracking.signoffs.get(&s.id).cloned(),
        })
        .collect()
}

/// Open risks first, highest likelihood × impact first; then the rest.
pub fn risk_rows(scope: &Scope, state: &PocState, now: DateTime<Utc>) -> Vec<RiskRow> {
    // A closed POC has nobody left to escalate to.
    let open = state.closure.is_none();
    let mut rows: Vec<RiskRow> = (state.tracking.risks.iter())
        .map(|r| {
            let planned = scope.risks.iter().find(|p| p.id == r.id);
            let escalated_to = match (r.triggered, planned) {
                (Some(t), Some(p)) => {
                    // Triggered until it moved on or the POC closed.
                    let moved_on = r.since.filter(|_| r.status != RiskStatus::Triggered);
                    let closed = state.closure.as_ref().map(|c| c.at);
                    let until = [moved_on, closed]
                        .into_iter()
                        .flatten()
                        .min()
                        .unwrap_or(now);
                    reached(&p.escalation, (until - t).num_days().max(0))
                }
                _ => None,
            };
            let escalate_now = (escalated_to.as_ref())
                .filter(|_| open && r.status == RiskStatus::Triggered)
                .map(|e| e.to.clone());
            RiskRow {
                id: r.id.clone(),
                title: r.title.clone(),
                likelihood: r.likelihood,
                impact: r.impact,
                score: Level::score(r.likelihood, r.impact),
                owner: r.owner.clone(),
                mitigation: planned.and_then(|p| p.mitigation.clone()),
                contingency: planned.and_then(|p| p.contingency.clone()),
                watch: planned.and_then(|p| p.watch.clone()),
                status: r.status,
                since: r.since,
                note: r.note.clone(),
                raised: r.raised.is_some(),
                triggered: r.triggered,
                trigger_note: r.trigger_note.clone(),
                escalate_now,
                escalation_path: planned
                    .map_or_else(String::new, |p| crate::plan::escalation_path(&p.escalation)),
                escalation: planned.map(|p| p.escalation.clone()).unwrap_or_default(),
                escalated_to,
            }
        })
        .collect();
    rows.sort_by_key(|r| (r.status == RiskStatus::Retired, std::cmp::Reverse(r.score)));
    rows
}

/// The last step of `path` due after `days` triggered.
fn reached(path: &[Escalation], days: i64) -> Option<Escalation> {
    (path.iter())
        .filter(|e| i64::from(e.after_days) <= days)
        .max_by_key(|e| e.after_days)
        .cloned()
}

pub fn metric_rows(scope: &Scope, state: &PocState) -> Vec<MetricRow> {
    (scope.metrics.iter())
        .map(|m| {
            let latest = state.tracking.latest(&m.id).cloned();
            let value = latest.as_ref().map(|l| l.value);
            let latest_amount = value.map(|v| m.amount(v));
            MetricRow {
                baseline_amount: m.amount(m.baseline),
                progress: m.progress(value),
                improvement: value.and_then(|v| m.improvement(v)),
                verdict: m.judge(value),
                outcome: value.map(|v| m.verdict(v)),
                measurements: state.tracking.measured.get(&m.id).map_or(0, Vec::len),
                latest_amount,
                id: m.id.clone(),
                title: m.title.clone(),
                stream: m.stream,
                unit: m.unit.clone(),
                baseline: m.baseline,
                target: m.target,
                better: m.better,
                bar: m.bar(),
                met: value.map(|v| m.met_by(v)),
                improvement_percent: value.and_then(|v| m.improvement_percent(v)),
                latest,
                criteria: (scope.success_criteria.iter())
                    .filter(|c| c.metric.as_deref() == Some(m.id.as_str()))
                    .map(|c| c.id.clone())
                    .collect(),
            }
        })
        .collect()
}

pub fn gap_rows(state: &PocState) -> (Vec<GapRow>, GapCounts) {
    let rows: Vec<GapRow> = (state.tracking.gaps.iter())
        .map(|g| GapRow {
            gap: g.clone(),
            open: g.resolved.is_none(),
        })
        .collect();
    let open = |s: GapSeverity| {
        rows.iter()
            .filter(|r| r.open && r.gap.severity == s)
            .count()
    };
    let counts = GapCounts {
        deal_breaker: open(GapSeverity::DealBreaker),
        challenge: open(GapSeverity::Challenge),
        nice_to_have: open(GapSeverity::NiceToHave),
    };
    (rows, counts)
}

/// Who to escalate an open blocker to now: open at least its `after_days`
/// (0 when it names no delay).
pub fn blocker_escalation(b: &crate::state::Blocker, days_open: i64) -> Option<String> {
    let to = b.escalate_to.as_ref()?;
    (b.resolved.is_none() && days_open >= i64::from(b.after_days.unwrap_or(0))).then(|| to.clone())
}

/// Someone to escalate to now: a blocker open past its threshold, or a
/// triggered risk past an escalation step.
#[derive(Debug, Clone, Serialize)]
pub struct EscalationDue {
    pub id: String,
    pub kind: EscalationKind,
    /// The blocker's text or the risk's title.
    pub title: String,
    pub to: String,
    /// When the blocker was opened, or the risk triggered.
    pub since: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EscalationKind {
    Blocker,
    Risk,
}

/// Every escalation due now, blockers first, each list in its own order.
pub fn escalations_due(
    blockers: &[crate::report::BlockerRow],
    risks: &[RiskRow],
) -> Vec<EscalationDue> {
    let blockers = (blockers.iter()).filter_map(|b| {
        Some(EscalationDue {
            to: b.escalate_now.clone()?,
            id: b.blocker.id.clone(),
            kind: EscalationKind::Blocker,
            title: b.blocker.text.clone(),
            since: b.blocker.opened,
        })
    });
    let risks = risks.iter().filter_map(|r| {
        Some(EscalationDue {
            to: r.escalate_now.clone()?,
            id: r.id.clone(),
            kind: EscalationKind::Risk,
            title: r.title.clone(),
            since: r.triggered?,
        })
    });
    blockers.chain(risks).collect()
}
