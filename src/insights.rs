//! The debrief library (`poc insights`): what the closed POCs under some
//! roots say together. Outcomes and the win rate per group (competitor,
//! industry, …), how long POCs ran against their plan, the phases that ran
//! late or were forced, the criteria that failed, must-haves met in won and
//! lost POCs, parked requests, how long blockers stayed open, product gaps
//! by the ACV of the deals they appeared in, and every debrief's tags and
//! lessons. One model, [`InsightsReport`], that every format renders.
//!
//! Medians and 90th percentiles are nearest-rank: the value at rank
//! ⌈p × n⌉ of the n values in order, so every figure is one that happened
//! (the median of an even count is the lower middle one).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::clock::Now;
use crate::journal::Outcome;
use crate::plan::GapSeverity;
use crate::portfolio::Read;
use crate::report::{JSON_SCHEMA_VERSION, PhaseState};
use crate::scope::{Phase, Priority};
use crate::state::Status;
use crate::summary::{CloseFacts, Facet, GapKey, Outcomes, Summary, fold_key};

/// What a group of POCs without a value of the facet is called.
pub const NOT_RECORDED: &str = "not recorded";

/// Which closed POCs count, and how they are grouped.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Only POCs closed at or after this (a date: the start of that day in
    /// each POC's zone).
    pub since: Option<Now>,
    pub by: Facet,
}

/// `poc insights`: the library of the closed POCs.
#[derive(Debug, Clone, Serialize)]
pub struct InsightsReport {
    pub schema_version: u32,
    /// What the POCs are grouped by.
    pub by: Facet,
    /// `--since`, as given.
    pub since: Option<String>,
    /// Every POC counted, by outcome; the win rate is wins over wins and
    /// losses (an inconclusive POC decided nothing).
    pub outcomes: Outcomes,
    /// The same per value of `by`, most POCs first; "not recorded" last.
    pub groups: Vec<Group>,
    pub duration: Durations,
    /// The five phases, most often late, forced or cut short first.
    pub phases: Vec<PhaseFigures>,
    /// Criteria (by title, any case) that failed before the outcome, most
    /// often first.
    pub failed_criteria: Vec<FailedCriterion>,
    /// Must-haves met when the POC closed, in won against lost POCs.
    pub musts: MustShares,
    pub parked: Parked,
    pub blockers: Blockers,
    /// Product gaps (by feature, else by text, any case), by the ACV of
    /// the deals they appeared in, largest first.
    pub gaps: Vec<GapFigures>,
    /// The debriefs' own labels (`tags:`), most POCs first.
    pub tags: Vec<TagFigures>,
    /// What each debrief's lessons section says, latest close first.
    pub lessons: Vec<Lesson>,
    /// The POCs found but not counted, and why.
    pub left_out: LeftOut,
    /// Debriefs counted whose front matter could not be read: their tags
    /// are left out.
    pub unread_tags: Vec<UnreadTags>,
}

/// A debrief.md whose front matter is not YAML (or too big, or an alias
/// bomb): where, and why.
#[derive(Debug, Clone, Serialize)]
pub struct UnreadTags {
    pub folder: String,
    /// `debrief.md:3:7: …`, as the parser said it.
    pub error: String,
}

/// The POCs of one value of the facet.
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    /// As first written (in folder order), or "not recorded".
    pub value: String,
    pub recorded: bool,
    pub outcomes: Outcomes,
    /// Median planned and actual days of the group's POCs.
    pub planned_median: i64,
    pub actual_median: i64,
}

/// Days from the start to the close (the POC day it closed on), against
/// the plan (its total days).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Durations {
    pub pocs: usize,
    pub planned: Option<Spread>,
    pub actual: Option<Spread>,
    /// POCs that closed after their planned last day.
    pub over_plan: usize,
    /// The most days any POC ran or planned: the scale of a chart.
    pub longest: i64,
}

/// A median and a 90th percentile (nearest rank).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Spread {
    pub median: i64,
    pub p90: i64,
}

/// One phase over the POCs that went through it.
#[derive(Debug, Clone, Serialize)]
pub struct PhaseFigures {
    pub phase: Phase,
    pub title: &'static str,
    /// POCs that entered it and left it (by an advance or the close).
    pub reached: usize,
    /// Left after its planned last day.
    pub late: usize,
    /// Days late, over the late ones.
    pub days_late: Option<Spread>,
    pub days_late_total: i64,
    /// Left by `advance --force`, its gate unmet.
    pub forced: usize,
    /// Closed in it with `close --force`.
    pub cut_short: usize,
}

/// A success criterion that failed in some POCs.
#[derive(Debug, Clone, Serialize)]
pub struct FailedCriterion {
    /// As first written, in folder order.
    pub title: String,
    /// POCs where it failed at some point, whether or not met later.
    pub failed: usize,
    /// POCs that had it.
    pub pocs: usize,
    /// The failed ones, by outcome.
    pub outcomes: Outcomes,
}

/// Must-haves met in won against lost POCs.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MustShares {
    pub won: Share,
    pub lost: Share,
}

/// Of `total` must-haves over `pocs` POCs, `met` were met.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Share {
    pub pocs: usize,
    pub met: usize,
    pub total: usize,
    /// `met / total`; none without a must-have.
    pub share: Option<f64>,
}

/// Requests parked as out of scope.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Parked {
    pub total: usize,
    pub pocs: usize,
    /// `total / pocs`.
    pub per_poc: f64,
    /// POCs that parked any.
    pub pocs_with_any: usize,
    pub most: usize,
}

/// How long blockers stayed open: to their resolution, or to the close
/// for those never resolved.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Blockers {
    pub count: usize,
    /// Still open when the POC closed.
    pub unresolved: usize,
    pub pocs_with_any: usize,
    /// Whole hours open.
    pub hours_open: Option<Spread>,
}

/// A product gap, over the deals it appeared in.
#[derive(Debug, Clone, Serialize)]
pub struct GapFigures {
    /// The feature, else the gap's text, as first written.
    pub gap: String,
    pub by_feature: bool,
    /// The worst severity it was recorded with.
    pub severity: GapSeverity,
    /// The sum of the ACV of the POCs it appeared in, each once.
    pub acv: u64,
    pub won: OutcomeAcv,
    pub lost: OutcomeAcv,
    pub inconclusive: OutcomeAcv,
    /// POCs it appeared in that record no ACV.
    pub without_acv: usize,
    pub pocs: usize,
}

/// POCs of one outcome and the sum of their ACV.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct OutcomeAcv {
    pub pocs: usize,
    pub acv: u64,
}

/// A label from debriefs' `tags:`.
#[derive(Debug, Clone, Serialize)]
pub struct TagFigures {
    pub tag: String,
    pub outcomes: Outcomes,
}

/// One debrief: its POC, its tags and what it says was learned.
#[derive(Debug, Clone, Serialize)]
pub struct Lesson {
    pub folder: String,
    pub prospect: String,
    pub outcome: Outcome,
    /// The close's day in the POC's zone.
    pub closed: NaiveDate,
    /// The POC's values of the facet grouped by.
    pub group: Vec<String>,
    pub tags: Vec<String>,
    /// The lessons section as written; none when empty.
    pub lessons: Option<String>,
}

/// POCs found but not counted.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LeftOut {
    pub open: usize,
    /// Closed before `--since`.
    pub before_since: usize,
    /// Two outcomes merged, not yet settled (`poc list` shows them).
    pub in_conflict: usize,
    /// Could not be read (`poc list` says why).
    pub unreadable: usize,
}

/// A closed POC that counts.
struct Counted<'a> {
    folder: &'a str,
    summary: &'a Summary,
    close: &'a CloseFacts,
}

impl InsightsReport {
    /// The library of the closed POCs among `reads`.
    pub fn build(reads: &[Read], options: Options, since: Option<String>) -> InsightsReport {
        let mut left_out = LeftOut::default();
        let mut counted = Vec::new();
        for read in reads {
            let Ok(summary) = &read.summary else {
                left_out.unreadable += 1;
                continue;
            };
            let Some(close) = &summary.close else {
                left_out.open += 1;
                continue;
            };
            if summary.conflicts > 0 {
                left_out.in_conflict += 1;
            } else if options
                .since
                .is_some_and(|t| close.at < t.resolve(summary.zone))
            {
                left_out.before_since += 1;
            } else {
                counted.push(Counted {
                    folder: &read.folder,
                    summary,
                    close,
                });
            }
        }
        let pocs = &counted;
        InsightsReport {
            schema_version: JSON_SCHEMA_VERSION,
            by: options.by,
            since,
            outcomes: Outcomes::of(pocs.iter().map(|p| p.close.outcome)),
            groups: groups(pocs, options.by),
            duration: durations(pocs),
            phases: phases(pocs),
            failed_criteria: failed_criteria(pocs),
            musts: MustShares {
                won: must_share(pocs, Outcome::Win),
                lost: must_share(pocs, Outcome::Loss),
            },
            parked: parked(pocs),
            blockers: blockers(pocs),
            gaps: gaps(pocs),
            tags: tags(pocs),
            lessons: lessons(pocs, options.by),
            unread_tags: unread_tags(pocs),
            left_out,
        }
    }

    /// Whether no closed POC counts.
    pub fn is_empty(&self) -> bool {
        self.outcomes.pocs == 0
    }
}

fn ratio(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// The nearest-rank `p`-th percentile (`p` in 1..=100) of `values`, which
/// it sorts.
pub fn percentile(values: &mut [i64], p: usize) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let rank = (p * values.len()).div_ceil(100).max(1);
    Some(values[rank - 1])
}

fn spread(mut values: Vec<i64>) -> Option<Spread> {
    Some(Spread {
        median: percentile(&mut values, 50)?,
        p90: percentile(&mut values, 90)?,
    })
}

/// Items under a case-insensitive key, each keeping the spelling it was
/// first seen with, in first-seen order.
struct Keyed<T, K = String> {
    index: HashMap<K, usize>,
    items: Vec<(String, T)>,
}

impl<T: Default, K: Eq + std::hash::Hash> Keyed<T, K> {
    fn new() -> Keyed<T, K> {
        Keyed {
            index: HashMap::new(),
            items: Vec::new(),
        }
    }

    fn entry(&mut self, key: K, shown: &str) -> &mut T {
        let next = self.items.len();
        let at = *self.index.entry(key).or_insert(next);
        if at == next {
            self.items.push((shown.to_string(), T::default()));
        }
        &mut self.items[at].1
    }
}

fn groups(pocs: &[Counted], by: Facet) -> Vec<Group> {
    #[derive(Default)]
    struct Acc {
        outcomes: Outcomes,
        planned: Vec<i64>,
        actual: Vec<i64>,
    }
    let mut keyed: Keyed<Acc> = Keyed::new();
    let mut unrecorded = Acc::default();
    for p in pocs {
        let values = p.summary.facet(by);
        let add = |acc: &mut Acc| {
            acc.outcomes.add(p.close.outcome);
            acc.planned.push(i64::from(p.summary.total_days));
            acc.actual.push(p.close.duration_days);
        };
        if values.is_empty() {
            add(&mut unrecorded);
        }
        for value in &values {
            add(keyed.entry(fold_key(value), value));
        }
    }
    let group = |value: String, recorded: bool, mut acc: Acc| Group {
        value,
        recorded,
        outcomes: acc.outcomes,
        planned_median: percentile(&mut acc.planned, 50).unwrap_or(0),
        actual_median: percentile(&mut acc.actual, 50).unwrap_or(0),
    };
    let mut out: Vec<Group> = (keyed.items.into_iter())
        .map(|(value, acc)| group(value, true, acc))
        .collect();
    out.sort_by(|a, b| {
        (b.outcomes.pocs.cmp(&a.outcomes.pocs))
            .then_with(|| a.value.to_lowercase().cmp(&b.value.to_lowercase()))
    });
    if unrecorded.outcomes.pocs > 0 {
        out.push(group(NOT_RECORDED.to_string(), false, unrecorded));
    }
    out
}

fn durations(pocs: &[Counted]) -> Durations {
    let planned: Vec<i64> = pocs
        .iter()
        .map(|p| i64::from(p.summary.total_days))
        .collect();
    let actual: Vec<i64> = pocs.iter().map(|p| p.close.duration_days).collect();
    Durations {
        pocs: pocs.len(),
        over_plan: pocs
            .iter()
            .filter(|p| p.close.duration_days > i64::from(p.summary.total_days))
            .count(),
        longest: planned.iter().chain(&actual).copied().max().unwrap_or(0),
        planned: spread(planned),
        actual: spread(actual),
    }
}

fn phases(pocs: &[Counted]) -> Vec<PhaseFigures> {
    let mut out: Vec<PhaseFigures> = Phase::ALL
        .iter()
        .map(|&phase| {
            let facts: Vec<_> = (pocs.iter())
                .flat_map(|p| &p.close.phases)
                .filter(|f| f.phase == phase)
                .filter(|f| {
                    matches!(
                        f.state,
                        PhaseState::Done | PhaseState::Forced | PhaseState::CutShort
                    )
                })
                .collect();
            let late: Vec<i64> = (facts.iter())
                .map(|f| f.days_late)
                .filter(|d| *d > 0)
                .collect();
            let count = |state| facts.iter().filter(|f| f.state == state).count();
            PhaseFigures {
                phase,
                title: phase.title(),
                reached: facts.len(),
                late: late.len(),
                days_late_total: late.iter().sum(),
                days_late: spread(late),
                forced: count(PhaseState::Forced),
                cut_short: count(PhaseState::CutShort),
            }
        })
        .collect();
    // Stable: phases equally troubled stay in their order.
    out.sort_by_key(|p| std::cmp::Reverse(p.late + p.forced + p.cut_short));
    out
}

fn failed_criteria(pocs: &[Counted]) -> Vec<FailedCriterion> {
    #[derive(Default)]
    struct Acc {
        pocs: usize,
        failed: Outcomes,
    }
    let mut keyed: Keyed<Acc> = Keyed::new();
    for p in pocs {
        // A POC counts once per title, whatever its criteria's IDs.
        let mut seen: HashMap<String, bool> = HashMap::new();
        for c in &p.summary.criteria {
            *seen.entry(fold_key(&c.title)).or_default() |= c.ever_failed;
        }
        for c in &p.summary.criteria {
            let key = fold_key(&c.title);
            let Some(failed) = seen.remove(&key) else {
                continue;
            };
            let acc = keyed.entry(key, c.title.trim());
            acc.pocs += 1;
            if failed {
                acc.failed.add(p.close.outcome);
            }
        }
    }
    let mut out: Vec<FailedCriterion> = (keyed.items.into_iter())
        .filter(|(_, acc)| acc.failed.pocs > 0)
        .map(|(title, acc)| FailedCriterion {
            title,
            failed: acc.failed.pocs,
            pocs: acc.pocs,
            outcomes: acc.failed,
        })
        .collect();
    out.sort_by(|a, b| {
        (b.failed.cmp(&a.failed)).then_with(|| a.title.to_lowercase().cmp(&b.title.to_lowercase()))
    });
    out
}

fn must_share(pocs: &[Counted], outcome: Outcome) -> Share {
    let mut share = Share::default();
    for p in pocs.iter().filter(|p| p.close.outcome == outcome) {
        let musts = (p.summary.criteria.iter()).filter(|c| c.priority == Priority::Must);
        share.pocs += 1;
        for c in musts {
            share.total += 1;
            share.met += usize::from(c.status == Status::Met);
        }
    }
    share.share = ratio(share.met, share.total);
    share
}

fn parked(pocs: &[Counted]) -> Parked {
    let total = pocs.iter().map(|p| p.summary.parked).sum();
    Parked {
        total,
        pocs: pocs.len(),
        per_poc: ratio(total, pocs.len()).unwrap_or(0.0),
        pocs_with_any: pocs.iter().filter(|p| p.summary.parked > 0).count(),
        most: pocs.iter().map(|p| p.summary.parked).max().unwrap_or(0),
    }
}

fn blockers(pocs: &[Counted]) -> Blockers {
    let mut open_for = Vec::new();
    let mut out = Blockers::default();
    for p in pocs {
        out.pocs_with_any += usize::from(!p.summary.blockers.is_empty());
        for b in &p.summary.blockers {
            out.count += 1;
            out.unresolved += usize::from(b.resolved.is_none_or(|r| r > p.close.at));
            let at = p.close.at;
            open_for.push(crate::state::hours_open(b.opened, b.resolved, Some(at), at));
        }
    }
    out.hours_open = spread(open_for);
    out
}

fn gaps(pocs: &[Counted]) -> Vec<GapFigures> {
    #[derive(Default)]
    struct Acc {
        by_feature: bool,
        severity: Option<GapSeverity>,
        won: OutcomeAcv,
        lost: OutcomeAcv,
        inconclusive: OutcomeAcv,
        without_acv: usize,
    }
    let mut keyed: Keyed<Acc, GapKey> = Keyed::new();
    for p in pocs {
        // Each gap is in a summary once (summary::distinct_gaps).
        for g in &p.summary.gaps {
            let (key, shown) = g.key();
            let by_feature = matches!(key, GapKey::Feature(_));
            let acc = keyed.entry(key, shown);
            acc.by_feature = by_feature;
            acc.severity = Some(acc.severity.map_or(g.severity, |s| s.min(g.severity)));
            let side = match p.close.outcome {
                Outcome::Win => &mut acc.won,
                Outcome::Loss => &mut acc.lost,
                Outcome::Inconclusive => &mut acc.inconclusive,
            };
            side.pocs += 1;
            // Saturating: an ACV is any u64 a scope holds, and a sum of
            // two near the top must not wrap (nor panic).
            side.acv = side.acv.saturating_add(p.summary.acv.unwrap_or(0));
            acc.without_acv += usize::from(p.summary.acv.is_none());
        }
    }
    let mut out: Vec<GapFigures> = (keyed.items.into_iter())
        .map(|(gap, acc)| GapFigures {
            gap,
            by_feature: acc.by_feature,
            severity: acc.severity.unwrap_or(GapSeverity::NiceToHave),
            acv: (acc.won.acv)
                .saturating_add(acc.lost.acv)
                .saturating_add(acc.inconclusive.acv),
            pocs: acc.won.pocs + acc.lost.pocs + acc.inconclusive.pocs,
            won: acc.won,
            lost: acc.lost,
            inconclusive: acc.inconclusive,
            without_acv: acc.without_acv,
        })
        .collect();
    out.sort_by(|a, b| {
        (b.acv.cmp(&a.acv))
            .then(b.pocs.cmp(&a.pocs))
            .then_with(|| a.gap.to_lowercase().cmp(&b.gap.to_lowercase()))
    });
    out
}

fn tags(pocs: &[Counted]) -> Vec<TagFigures> {
    let mut keyed: Keyed<Outcomes> = Keyed::new();
    for p in pocs {
        let Some(debrief) = &p.close.debrief else {
            continue;
        };
        let mut seen = std::collections::HashSet::new();
        // Trimmed and never empty (debrief_doc reads them so).
        for tag in &debrief.tags.tags {
            let key = fold_key(tag);
            if seen.insert(key.clone()) {
                keyed.entry(key, tag).add(p.close.outcome);
            }
        }
    }
    let mut out: Vec<TagFigures> = (keyed.items.into_iter())
        .map(|(tag, outcomes)| TagFigures { tag, outcomes })
        .collect();
    out.sort_by(|a, b| {
        (b.outcomes.pocs.cmp(&a.outcomes.pocs))
            .then_with(|| a.tag.to_lowercase().cmp(&b.tag.to_lowercase()))
    });
    out
}

fn unread_tags(pocs: &[Counted]) -> Vec<UnreadTags> {
    (pocs.iter())
        .filter_map(|p| {
            let error = p.close.debrief.as_ref()?.tags_error.clone()?;
            Some(UnreadTags {
                folder: p.folder.to_string(),
                error,
            })
        })
        .collect()
}

fn lessons(pocs: &[Counted], by: Facet) -> Vec<Lesson> {
    let mut out: Vec<(DateTime<Utc>, Lesson)> = (pocs.iter())
        .filter_map(|p| {
            let debrief = p.close.debrief.as_ref()?;
            let tags = debrief.tags.tags.clone();
            if debrief.lessons.is_none() && tags.is_empty() {
                return None;
            }
            let lesson = Lesson {
                folder: p.folder.to_string(),
                prospect: p.summary.prospect.clone(),
                outcome: p.close.outcome,
                closed: crate::clock::local_date(p.close.at, p.summary.zone),
                group: p.summary.facet(by),
                tags,
                lessons: debrief.lessons.clone(),
            };
            Some((p.close.at, lesson))
        })
        .collect();
    out.sort_by(|(a, x), (b, y)| b.cmp(a).then_with(|| x.folder.cmp(&y.folder)));
    out.into_iter().map(|(_, lesson)| lesson).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let p = |values: &[i64], p| percentile(&mut values.to_vec(), p);
        assert_eq!(p(&[], 50), None);
        assert_eq!(p(&[7], 50), Some(7));
        assert_eq!(p(&[7], 90), Some(7));
        // The lower middle of an even count.
        assert_eq!(p(&[4, 1, 3, 2], 50), Some(2));
        assert_eq!(p(&[5, 1, 4, 2, 3], 50), Some(3));
        // Rank ⌈0.9 × 10⌉ = 9; ⌈0.9 × 11⌉ = 10.
        let ten: Vec<i64> = (1..=10).collect();
        assert_eq!(p(&ten, 90), Some(9));
        let eleven: Vec<i64> = (1..=11).collect();
        assert_eq!(p(&eleven, 90), Some(10));
    }

    #[test]
    fn the_win_rate_leaves_out_the_inconclusive() {
        use Outcome::*;
        let o = Outcomes::of([Win, Win, Loss, Inconclusive]);
        assert_eq!((o.pocs, o.win, o.loss, o.inconclusive), (4, 2, 1, 1));
        assert_eq!(o.win_rate, Some(2.0 / 3.0));
        assert_eq!(Outcomes::of([Inconclusive]).win_rate, None);
    }
}
