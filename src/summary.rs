//! What one POC folder tells the portfolio (`poc list`) and the debrief
//! library (`poc insights`, `poc similar`): plain owned facts that do not
//! depend on the time they are read at, so they can be kept in a cache
//! (src/summary_cache.rs) and turned into a row at any `now`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::context::Poc;
use crate::debrief_doc::DebriefDoc;
use crate::journal::Outcome;
use crate::plan::GapSeverity;
use crate::report::{CriteriaSummary, PhaseState};
use crate::scope::{Phase, Priority, Tier};
use crate::state::Status;

/// One POC, summarised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub name: String,
    pub prospect: String,
    pub owner: Option<String>,
    pub account_exec: Option<String>,
    pub industry: Option<String>,
    pub acv: Option<u64>,
    pub tier: Option<Tier>,
    pub competitors: Vec<String>,
    /// The bundled or team template `init` started from.
    pub template: Option<String>,
    /// The POC's zone: its days are counted there.
    pub zone: chrono_tz::Tz,
    pub start: NaiveDate,
    pub total_days: u32,
    /// The phase it is in, or was closed in.
    pub phase: Phase,
    /// That phase's planned days.
    pub phase_window: [u32; 2],
    /// The latest journal entry's time.
    pub last_activity: Option<DateTime<Utc>>,
    pub criteria: Vec<CriterionFact>,
    pub blockers: Vec<BlockerFact>,
    /// Requests parked as out of scope.
    pub parked: usize,
    pub gaps: Vec<GapFact>,
    /// Outcomes two clones decided differently (merged), not yet settled.
    pub conflicts: usize,
    /// How it ended; none while open.
    pub close: Option<CloseFacts>,
}

/// A success criterion, as it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriterionFact {
    pub id: String,
    pub title: String,
    pub priority: Priority,
    pub status: Status,
    /// Failed at some point, whether or not met later.
    pub ever_failed: bool,
}

/// A blocker: when it was raised and resolved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlockerFact {
    pub opened: DateTime<Utc>,
    pub resolved: Option<DateTime<Utc>>,
}

/// A product gap the prospect hit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GapFact {
    pub text: String,
    pub feature: Option<String>,
    pub severity: GapSeverity,
    pub open: bool,
}

/// What makes two recorded gaps one: the feature when named, else the
/// text, in any case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum GapKey {
    Feature(String),
    Text(String),
}

impl GapFact {
    /// The gap's key, and the words to show it by (the feature, else the
    /// text, as first written).
    pub fn key(&self) -> (GapKey, &str) {
        let feature = (self.feature.as_deref())
            .map(str::trim)
            .filter(|f| !f.is_empty());
        match feature {
            Some(f) => (GapKey::Feature(fold_key(f)), f),
            None => (GapKey::Text(fold_key(&self.text)), self.text.trim()),
        }
    }
}

/// The gaps of a POC, each once: a gap recorded twice (again, or by two
/// clones) is one, with its worst severity and open if either is.
pub fn distinct_gaps(gaps: &[GapFact]) -> Vec<GapFact> {
    let mut out: Vec<(GapKey, GapFact)> = Vec::new();
    for g in gaps {
        let (key, _) = g.key();
        match out.iter_mut().find(|(k, _)| *k == key) {
            Some((_, seen)) => {
                seen.severity = seen.severity.min(g.severity);
                seen.open |= g.open;
            }
            None => out.push((key, g.clone())),
        }
    }
    out.into_iter().map(|(_, g)| g).collect()
}

/// How a POC ended, and what its phases and debrief say about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CloseFacts {
    pub outcome: Outcome,
    pub at: DateTime<Utc>,
    /// Closed with `--force`, a gate unmet.
    pub forced: bool,
    pub reason: Option<String>,
    /// Days from the start to the close, counted in the POC's days.
    pub duration_days: i64,
    pub phases: Vec<PhaseFact>,
    pub debrief_due: DateTime<Utc>,
    /// The debrief.md of this close, once written.
    pub debrief: Option<DebriefDoc>,
}

/// One phase of a closed POC: planned against what happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhaseFact {
    pub phase: Phase,
    pub days: [u32; 2],
    pub state: PhaseState,
    /// Days it ran past its planned last day.
    pub days_late: i64,
}

impl Summary {
    /// The summary of a loaded POC.
    pub fn of(poc: &Poc) -> Summary {
        let scope = &poc.scope;
        let state = &poc.state;
        // Built directly: the debrief is read below, once.
        let report = crate::report::StatusReport::build(scope, state, poc.now);
        let plan = scope.plan(state.phase);
        Summary {
            name: scope.name.clone(),
            prospect: scope.prospect.clone(),
            owner: scope.owner.clone(),
            account_exec: scope.account_exec.clone(),
            industry: scope.industry.clone(),
            acv: scope.acv,
            tier: scope.deal_size_tier(),
            competitors: scope.competitors.clone(),
            template: scope.template.clone(),
            zone: scope.zone,
            start: scope.start,
            total_days: scope.total_days(),
            phase: state.phase,
            phase_window: [plan.days.0, plan.days.1],
            last_activity: poc.journal.latest().map(|l| l.entry.at),
            criteria: (report.criteria.iter())
                .map(|c| CriterionFact {
                    id: c.id.clone(),
                    title: c.title.clone(),
                    priority: c.priority,
                    status: c.status,
                    ever_failed: c.status == Status::Failed || !c.earlier_failures.is_empty(),
                })
                .collect(),
            blockers: (state.blockers.iter())
                .map(|b| BlockerFact {
                    opened: b.opened,
                    resolved: b.resolved,
                })
                .collect(),
            parked: state.parked.len(),
            // Each gap once: recorded twice (again, or by two clones), it is
            // one gap of this deal.
            gaps: distinct_gaps(
                &(report.gaps.iter())
                    .map(|g| GapFact {
                        text: g.gap.text.clone(),
                        feature: g.gap.feature.clone(),
                        severity: g.gap.severity,
                        open: g.open,
                    })
                    .collect::<Vec<_>>(),
            ),
            conflicts: state.conflicts.len(),
            close: report
                .closed_at
                .zip(state.closure.as_ref())
                .map(|(at, c)| CloseFacts {
                    outcome: c.outcome,
                    at,
                    forced: c.forced,
                    reason: c.reason.clone(),
                    duration_days: report.duration_days(),
                    phases: (report.phases.iter())
                        .map(|p| PhaseFact {
                            phase: p.id,
                            days: p.days,
                            state: p.state,
                            days_late: p.days_late,
                        })
                        .collect(),
                    debrief_due: crate::state::debrief_due(c),
                    debrief: DebriefDoc::read(&poc.dir).filter(|d| d.is_for(at, scope.zone)),
                }),
        }
    }

    /// The POC day of `t`: day 1 is the start, counted in the POC's zone.
    pub fn day_of(&self, t: DateTime<Utc>) -> i64 {
        crate::clock::poc_day(self.start, self.zone, t)
    }

    pub fn outcome(&self) -> Option<Outcome> {
        self.close.as_ref().map(|c| c.outcome)
    }

    /// Criteria met, failed and pending, and of the musts, met.
    pub fn criteria_counts(&self) -> CriteriaSummary {
        CriteriaSummary::count(self.criteria.iter().map(|c| (c.status, c.priority)))
    }

    /// Whole days the longest-open blocker still open has been open at
    /// `now` (a closed POC's blockers stopped counting at the close).
    pub fn oldest_blocker_days(&self, now: DateTime<Utc>) -> Option<i64> {
        let closed = self.close.as_ref().map(|c| c.at);
        (self.blockers.iter())
            .filter(|b| b.resolved.is_none())
            .map(|b| crate::state::hours_open(b.opened, None, closed, now) / 24)
            .max()
    }

    pub fn open_blockers(&self) -> usize {
        self.blockers
            .iter()
            .filter(|b| b.resolved.is_none())
            .count()
    }
}

/// How many POCs ended each way: what insights counts per group and
/// similar per match.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Outcomes {
    pub pocs: usize,
    pub win: usize,
    pub loss: usize,
    pub inconclusive: usize,
    /// `win / (win + loss)`; none when no POC was won or lost.
    pub win_rate: Option<f64>,
}

impl Outcomes {
    pub fn of(outcomes: impl IntoIterator<Item = Outcome>) -> Outcomes {
        let mut out = Outcomes::default();
        for outcome in outcomes {
            out.add(outcome);
        }
        out
    }

    pub fn add(&mut self, outcome: Outcome) {
        self.pocs += 1;
        match outcome {
            Outcome::Win => self.win += 1,
            Outcome::Loss => self.loss += 1,
            Outcome::Inconclusive => self.inconclusive += 1,
        }
        let decided = self.decided();
        self.win_rate = (decided > 0).then(|| self.win as f64 / decided as f64);
    }

    /// POCs won or lost: what the win rate is over.
    pub fn decided(&self) -> usize {
        self.win + self.loss
    }

    /// "2 won, 1 lost, 1 inconclusive", leaving out what is none.
    pub fn phrase(&self) -> String {
        let parts: Vec<String> = [
            (self.win, "won"),
            (self.loss, "lost"),
            (self.inconclusive, "inconclusive"),
        ]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, word)| format!("{n} {word}"))
        .collect();
        parts.join(", ")
    }
}

/// What closed POCs are grouped by (`poc insights --by`) and matched on
/// (`poc similar`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Facet {
    Industry,
    Tier,
    Competitor,
    Template,
    Owner,
}

impl Facet {
    pub fn id(self) -> &'static str {
        match self {
            Facet::Industry => "industry",
            Facet::Tier => "tier",
            Facet::Competitor => "competitor",
            Facet::Template => "template",
            Facet::Owner => "owner",
        }
    }
}

impl Summary {
    /// The POC's values of `facet`, as first written (several competitors,
    /// each once in any case; none when not recorded). The scope decides; a debrief's tag fills in what
    /// the scope left out (the SE may tag a debrief after the fact).
    pub fn facet(&self, facet: Facet) -> Vec<String> {
        let tags = (self.close.as_ref())
            .and_then(|c| c.debrief.as_ref())
            .map(|d| &d.tags);
        let one = |v: Option<String>| v.into_iter().collect::<Vec<_>>();
        let values = match facet {
            Facet::Industry => {
                one((self.industry.clone()).or_else(|| tags.and_then(|t| t.industry.clone())))
            }
            Facet::Tier => one((self.tier.map(|t| t.title().to_string()))
                .or_else(|| tags.and_then(|t| t.deal_size_tier.clone()))),
            Facet::Competitor => match (self.competitors.is_empty(), tags) {
                (true, Some(t)) => t.competitors.clone(),
                _ => self.competitors.clone(),
            },
            Facet::Template => one(self.template.clone()),
            Facet::Owner => one(self.owner.clone()),
        };
        // One value once, however it is spelled ("Vendor X", "vendor x "):
        // a POC is never counted twice in one group.
        let mut seen = std::collections::HashSet::new();
        (values.into_iter())
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty() && seen.insert(fold_key(v)))
            .collect()
    }
}

/// The key two texts the library matches are compared by (facet values,
/// tags, criterion titles, gaps): "Vendor X", "vendor x " and
/// "Vendor\u{a0} X" (a no-break space, two spaces) are one competitor.
pub fn fold_key(value: &str) -> String {
    value
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gap(text: &str, feature: Option<&str>, severity: GapSeverity, open: bool) -> GapFact {
        GapFact {
            text: text.into(),
            feature: feature.map(Into::into),
            severity,
            open,
        }
    }

    #[test]
    fn a_gap_recorded_twice_is_one_with_its_worst_severity() {
        let gaps = [
            gap("No SAML", Some("SSO"), GapSeverity::Challenge, false),
            gap(
                "SAML missing",
                Some(" sso "),
                GapSeverity::DealBreaker,
                false,
            ),
            gap("Slow export", None, GapSeverity::NiceToHave, true),
            gap("slow EXPORT ", None, GapSeverity::Challenge, false),
        ];
        let one = distinct_gaps(&gaps);
        assert_eq!(one.len(), 2, "{one:?}");
        assert_eq!(one[0].severity, GapSeverity::DealBreaker);
        assert_eq!(one[0].key().1, "SSO");
        assert_eq!(
            (one[1].severity, one[1].open),
            (GapSeverity::Challenge, true)
        );
    }

    #[test]
    fn fold_keys_ignore_case_and_spaces() {
        assert_eq!(fold_key(" Vendor X "), fold_key("vendor x"));
        assert_eq!(Tier::MidMarket.title(), "Mid-Market");
    }
}
