//! The status report: everything a person or a tool needs to know about
//! where a POC stands, as one serde model. `status`, `checklist` and
//! `debrief` render it as a table, markdown or JSON.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::journal::{FileEvidence, Outcome, RunEvidence};
use crate::plan_report::{self, GapCounts, GapRow, MetricRow, RiskRow, SignoffRow};
use crate::scope::{Phase, Priority, Scope, Stakeholder, Tier};
use crate::state::{self, Blocker, Conflict, Note, Override, PocState, Remark, Status};

/// The debrief `poc debrief` writes in the POC folder.
pub const DEBRIEF_FILE: &str = "debrief.md";

/// The version of the JSON the read commands print; bumped on a breaking
/// change, while fields added beside the old ones keep it (3: a phase's
/// `state` may be `forced` or `cut short`, where it read `done`; 4: `day` is
/// 0 before the start, with `starts_in_days`; blocker IDs carry a suffix,
/// `B3-K7Q`; 5: `notes` is the list of notes, not their count; added with
/// it: `stakeholders`, each phase's `stints`, and the plan sections
/// `signoffs`, `risks`, `metrics`, `gaps` and `open_gaps`).
pub const JSON_SCHEMA_VERSION: u32 = 5;

#[derive(Debug, Clone, Serialize)]
pub struct StatusReport {
    pub schema_version: u32,
    pub name: String,
    pub prospect: String,
    pub owner: Option<String>,
    pub account_exec: Option<String>,
    pub industry: Option<String>,
    pub acv: Option<u64>,
    pub deal_size_tier: Option<Tier>,
    pub competitors: Vec<String>,
    pub out_of_scope: Vec<String>,
    pub stakeholders: Vec<Stakeholder>,
    pub start: NaiveDate,
    /// The POC's time zone: days, due dates and the times people read are
    /// in it; timestamps in JSON stay UTC.
    pub timezone: String,
    pub now: DateTime<Utc>,
    /// Today's POC day (day 1 is `start`); 0 before the start.
    pub day: i64,
    /// Days until day 1, before the start; null from day 1 on.
    pub starts_in_days: Option<i64>,
    /// The last planned day.
    pub total_days: u32,
    /// The current phase, or `closed`.
    pub phase: Standing,
    /// The phase the POC is in, or was closed in.
    pub last_phase: Phase,
    pub phase_window: [u32; 2],
    /// Days past the current phase's planned window (0 when on time or closed).
    pub days_late: i64,
    pub criteria_summary: CriteriaSummary,
    pub open_blockers: usize,
    /// Blocker IDs that more than one blocker holds (a hand edit, or an old
    /// journal merged): `validate` names them.
    pub duplicate_blocker_ids: Vec<String>,
    pub blockers: Vec<BlockerRow>,
    pub parked: Vec<Remark>,
    /// The notes, oldest first, each with the phase it was written in.
    pub notes: Vec<Note>,
    pub overrides: Vec<Override>,
    /// Decisions two clones made differently (two outcomes), to settle
    /// with `reopen` and a new `close`.
    pub conflicts: Vec<Conflict>,
    /// `win`, `loss`, `inconclusive`, or null until closed.
    pub outcome: Option<Outcome>,
    pub outcome_title: Option<&'static str>,
    pub closed_at: Option<DateTime<Utc>>,
    pub close_reason: Option<String>,
    pub debrief: Option<DebriefDue>,
    pub phases: Vec<PhaseRow>,
    pub criteria: Vec<CriterionRow>,
    /// The sign-offs the plan asks for, given or pending.
    pub signoffs: Vec<SignoffRow>,
    /// Open risks first, by likelihood × impact.
    pub risks: Vec<RiskRow>,
    pub metrics: Vec<MetricRow>,
    pub gaps: Vec<GapRow>,
    /// Open product gaps by severity.
    pub open_gaps: GapCounts,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CriteriaSummary {
    pub total: usize,
    pub met: usize,
    pub failed: usize,
    pub pending: usize,
    pub must_total: usize,
    pub must_met: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct BlockerRow {
    #[serde(flatten)]
    pub blocker: Blocker,
    pub open: bool,
    /// Hours it stayed open: until resolved, else until the close, else now.
    pub hours_open: i64,
    /// Whole days it stayed open.
    pub days_open: i64,
    /// "5 h", "1 day", "3 days".
    pub open_for: String,
    /// Who to escalate to now: open at least as long as it says (none
    /// once the POC is closed).
    pub escalate_now: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DebriefDue {
    pub due: DateTime<Utc>,
    /// Whether the 48 hours are up.
    pub overdue: bool,
    /// Whole hours past due (0 when not yet due).
    pub overdue_hours: i64,
    /// Whole hours left until due (0 when overdue).
    pub hours_left: i64,
    /// "3 h 20 min", "2 days 4 h": how far past or before the deadline.
    pub distance: String,
    /// Whether `debrief.md` is in the POC folder (filled in by the commands
    /// that see the folder; building from scope and journal cannot know).
    pub written: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct PhaseRow {
    pub id: Phase,
    pub title: &'static str,
    pub days: [u32; 2],
    pub entered: Option<DateTime<Utc>>,
    pub left: Option<DateTime<Utc>>,
    /// POC day entered and left, for planned-against-actual views.
    pub entered_day: Option<i64>,
    pub left_day: Option<i64>,
    pub state: PhaseState,
    /// Each stretch the POC stood in it, oldest first (a reopen makes a
    /// second), as POC days: `[entered, left]`, `left` null while current.
    pub stints: Vec<(i64, Option<i64>)>,
    pub done: usize,
    pub total: usize,
    /// Days past the planned end (left late, or still open past the window).
    pub days_late: i64,
    pub items: Vec<ItemRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ItemRow {
    pub id: String,
    pub title: String,
    pub required: bool,
    pub done: bool,
    /// pending, met (done), or failed (its verification run failed).
    pub status: Status,
    pub at: Option<DateTime<Utc>>,
    pub by: Option<String>,
    pub evidence: Option<String>,
    pub files: Vec<FileEvidence>,
    pub run: Option<RunEvidence>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CriterionRow {
    pub id: String,
    pub title: String,
    pub target: Option<String>,
    pub priority: Priority,
    pub phase: Phase,
    pub owner: Option<String>,
    /// The value metric whose target decides it.
    pub metric: Option<String>,
    pub status: Status,
    pub evidence: Option<String>,
    pub note: Option<String>,
    pub files: Vec<FileEvidence>,
    pub run: Option<RunEvidence>,
    /// When it was last evaluated.
    pub at: Option<DateTime<Utc>>,
    pub by: Option<String>,
    /// Failures recorded before the current status, oldest first.
    pub earlier_failures: Vec<Attempt>,
}

/// An earlier failed attempt at a criterion.
#[derive(Debug, Clone, Serialize)]
pub struct Attempt {
    pub at: DateTime<Utc>,
    pub by: String,
    pub evidence: Option<String>,
    pub note: Option<String>,
    pub run: Option<RunEvidence>,
}

/// Where the POC stands: in a phase, or closed. Written as the phase's
/// name or `closed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    In(Phase),
    Closed,
}

impl Standing {
    pub fn id(self) -> &'static str {
        match self {
            Standing::In(phase) => phase.id(),
            Standing::Closed => "closed",
        }
    }
}

impl Serialize for Standing {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl std::fmt::Display for Standing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// Where a phase stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum PhaseState {
    #[serde(rename = "done")]
    Done,
    /// Left by `advance --force`, its gate not met.
    #[serde(rename = "forced")]
    Forced,
    /// Closed in it with `close --force`.
    #[serde(rename = "cut short")]
    CutShort,
    #[serde(rename = "current")]
    Current,
    #[serde(rename = "upcoming")]
    Upcoming,
    /// Closed before it.
    #[serde(rename = "skipped")]
    Skipped,
}

impl PhaseState {
    pub fn id(self) -> &'static str {
        match self {
            PhaseState::Done => "done",
            PhaseState::Forced => "forced",
            PhaseState::CutShort => "cut short",
            PhaseState::Current => "current",
            PhaseState::Upcoming => "upcoming",
            PhaseState::Skipped => "skipped",
        }
    }

    fn of(phase: Phase, state: &PocState) -> PhaseState {
        use std::cmp::Ordering::*;
        let closed = state.closure.as_ref();
        match (phase.cmp(&state.phase), closed) {
            (Less, _) if state.times[phase.index()].forced => PhaseState::Forced,
            (Less, _) => PhaseState::Done,
            // A forced close in signoff is a win with a must unmet, not a
            // phase ended early.
            (Equal, Some(c)) if c.forced && phase != Phase::Signoff => PhaseState::CutShort,
            (Equal, Some(_)) => PhaseState::Done,
            (Equal, None) => PhaseState::Current,
            (Greater, Some(_)) => PhaseState::Skipped,
            (Greater, None) => PhaseState::Upcoming,
        }
    }
}

impl StatusReport {
    pub fn build(scope: &Scope, state: &PocState, now: DateTime<Utc>) -> StatusReport {
        let day = scope.day_of(now);
        let closed = state.closure.as_ref();
        let criteria = criterion_rows(scope, state);
        let blockers = blocker_rows(state, now);
        let plan = scope.plan(state.phase);
        let (gaps, open_gaps) = plan_report::gap_rows(state);
        StatusReport {
            schema_version: JSON_SCHEMA_VERSION,
            name: scope.name.clone(),
            prospect: scope.prospect.clone(),
            owner: scope.owner.clone(),
            account_exec: scope.account_exec.clone(),
            industry: scope.industry.clone(),
            acv: scope.acv,
            deal_size_tier: scope.deal_size_tier(),
            competitors: scope.competitors.clone(),
            out_of_scope: scope.out_of_scope.clone(),
            stakeholders: scope.stakeholders.clone(),
            start: scope.start,
            timezone: scope.timezone.clone(),
            now,
            day: day.max(0),
            starts_in_days: (day < 1).then_some(1 - day),
            total_days: scope.total_days(),
            phase: match closed {
                Some(_) => Standing::Closed,
                None => Standing::In(state.phase),
            },
            last_phase: state.phase,
            phase_window: [plan.days.0, plan.days.1],
            days_late: match closed {
                Some(_) => 0,
                None => days_late(day, plan.days.1),
            },
            criteria_summary: CriteriaSummary::of(&criteria),
            open_blockers: blockers.iter().filter(|b| b.open).count(),
            duplicate_blocker_ids: (state.duplicate_blocker_ids().into_iter())
                .map(str::to_owned)
                .collect(),
            blockers,
            parked: state.parked.clone(),
            notes: state.notes.clone(),
            overrides: state.overrides.clone(),
            conflicts: state.conflicts.clone(),
            outcome: closed.map(|c| c.outcome),
            outcome_title: closed.map(|c| c.outcome.title()),
            closed_at: closed.map(|c| c.at),
            close_reason: closed.and_then(|c| c.reason.clone()),
            debrief: closed.map(|c| DebriefDue::at(state::debrief_due(c), now)),
            phases: phase_rows(scope, state, now),
            criteria,
            signoffs: plan_report::signoff_rows(scope, state),
            risks: plan_report::risk_rows(scope, state, now),
            metrics: plan_report::metric_rows(scope, state),
            gaps,
            open_gaps,
        }
    }

    /// Where the POC stands, in one line: "Day 9 of 12 · Use-case
    /// validation (planned days 4–7) · 2 days late", "Starts 2026-11-23, in
    /// 3 days", or "Closed: Technical Win on 2026-12-04, in signoff, after
    /// 12 days".
    pub fn standing(&self, zone: chrono_tz::Tz) -> String {
        use crate::text::plural;
        if let (Some(outcome), Some(closed)) = (self.outcome_title, self.closed_at) {
            let after = match self.duration_days() {
                0 => "before day 1".to_string(),
                days => format!("after {}", plural(days, "day")),
            };
            return format!(
                "Closed: {outcome} on {}, in {}, {after}",
                crate::clock::local_date(closed, zone),
                self.last_phase
            );
        }
        if let Some(days) = self.starts_in_days {
            return format!("Starts {}, in {}", self.start, plural(days, "day"));
        }
        let late = match self.days_late {
            0 => "on time".to_string(),
            days => format!("{} late", plural(days, "day")),
        };
        format!(
            "Day {} of {} · {} (planned days {}–{}) · {late}",
            self.day,
            self.total_days,
            self.last_phase.title(),
            self.phase_window[0],
            self.phase_window[1]
        )
    }

    /// Refuses, for a document that states the outcome (`what`: "a
    /// debrief"), a POC whose outcome two clones decided differently.
    pub fn settled(&self, what: &str) -> Result<(), crate::Error> {
        match self.conflicts.first() {
            None => Ok(()),
            Some(c) => Err(crate::Error::new(format!(
                "the outcome is in conflict: {} (journal line {}); {what} would pick one. Agree on the outcome, then `poc reopen PHASE --reason TEXT` and `poc close` again (nothing was written)",
                crate::text::terminal_safe(&c.what),
                c.line
            ))),
        }
    }

    /// POC duration in days: from start to close (or to today), counted in
    /// the POC's days; 0 when it closed before day 1.
    pub fn duration_days(&self) -> i64 {
        let end = self.closed_at.unwrap_or(self.now);
        let zone = crate::clock::parse_zone(&self.timezone).unwrap_or(chrono_tz::Tz::UTC);
        ((crate::clock::local_date(end, zone) - self.start).num_days() + 1).max(0)
    }
}

impl CriteriaSummary {
    fn of(criteria: &[CriterionRow]) -> CriteriaSummary {
        CriteriaSummary::count(criteria.iter().map(|c| (c.status, c.priority)))
    }

    /// The counts of criteria standing as `(status, priority)`.
    pub fn count(criteria: impl Iterator<Item = (Status, Priority)>) -> CriteriaSummary {
        let mut counts = CriteriaSummary::default();
        for (status, priority) in criteria {
            counts.total += 1;
            match status {
                Status::Met => counts.met += 1,
                Status::Failed => counts.failed += 1,
                Status::Pending => counts.pending += 1,
            }
            if priority == Priority::Must {
                counts.must_total += 1;
                counts.must_met += usize::from(status == Status::Met);
            }
        }
        counts
    }
}

/// Whole days `day` is past a window whose last day is `last_day` (0 when
/// within it).
pub fn days_late(day: i64, last_day: u32) -> i64 {
    (day - i64::from(last_day)).max(0)
}

impl DebriefDue {
    pub fn at(due: DateTime<Utc>, now: DateTime<Utc>) -> DebriefDue {
        DebriefDue {
            due,
            overdue: now >= due,
            overdue_hours: (now - due).num_hours().max(0),
            hours_left: (due - now).num_hours().max(0),
            distance: distance((now - due).num_minutes().abs()),
            written: false,
        }
    }
}

fn phase_rows(scope: &Scope, state: &PocState, now: DateTime<Utc>) -> Vec<PhaseRow> {
    let day = scope.day_of(now);
    // A time not yet reached (setup "entered" on a day 1 still ahead) is
    // not shown as a day.
    let day_of = |t: DateTime<Utc>| (t <= now).then(|| scope.day_of(t));
    scope
        .phases
        .iter()
        .map(|plan| {
            let times = state.times[plan.phase.index()];
            let phase_state = PhaseState::of(plan.phase, state);
            let days_late = match (phase_state, times.left) {
                (PhaseState::Current, _) => days_late(day, plan.days.1),
                (_, Some(left)) => days_late(scope.day_of(left), plan.days.1),
                _ => 0,
            };
            let items: Vec<ItemRow> = (plan.checklist.iter())
                .map(|item| ItemRow::of(item, state.marks.get(item.id.as_str())))
                .collect();
            PhaseRow {
                id: plan.phase,
                title: plan.phase.title(),
                days: [plan.days.0, plan.days.1],
                entered: times.entered.filter(|t| *t <= now),
                left: times.left,
                entered_day: times.entered.and_then(day_of),
                left_day: times.left.and_then(day_of),
                state: phase_state,
                stints: (state.stints.iter())
                    .filter(|s| s.phase == plan.phase && s.entered <= now)
                    .map(|s| (scope.day_of(s.entered), s.left.map(|t| scope.day_of(t))))
                    .collect(),
                done: items.iter().filter(|i| i.done).count(),
                total: items.len(),
                days_late,
                items,
            }
        })
        .collect()
}

impl ItemRow {
    fn of(item: &crate::scope::Item, mark: Option<&state::Marked>) -> ItemRow {
        ItemRow {
            id: item.id.clone(),
            title: item.title.clone(),
            required: item.required,
            done: mark.is_some_and(|m| m.status == Status::Met),
            status: mark.map_or(Status::Pending, |m| m.status),
            at: mark.map(|m| m.at),
            by: mark.map(|m| m.by.to_string()),
            evidence: mark.and_then(|m| m.evidence_text()),
            files: mark.map(|m| m.files()).unwrap_or_default(),
            run: mark.and_then(|m| m.run()),
        }
    }
}

fn criterion_rows(scope: &Scope, state: &PocState) -> Vec<CriterionRow> {
    scope
        .success_criteria
        .iter()
        .map(|c| {
            let mark = state.marks.get(c.id.as_str());
            CriterionRow {
                id: c.id.clone(),
                title: c.title.clone(),
                target: c.target.clone(),
                priority: c.priority,
                phase: c.phase,
                owner: c.owner.clone(),
                metric: c.metric.clone(),
                status: mark.map_or(Status::Pending, |m| m.status),
                evidence: mark.and_then(|m| m.evidence_text()),
                note: mark.and_then(|m| m.mark().note.clone()),
                files: mark.map(|m| m.files()).unwrap_or_default(),
                run: mark.and_then(|m| m.run()),
                at: mark.map(|m| m.at),
                by: mark.map(|m| m.by.to_string()),
                earlier_failures: earlier_failures(state, &c.id, mark),
            }
        })
        .collect()
}

/// Every failure of `id` but the latest mark itself (two marks may share a
/// time: dates given as POC_NOW=YYYY-MM-DD).
fn earlier_failures(state: &PocState, id: &str, latest: Option<&state::Marked>) -> Vec<Attempt> {
    let Some(latest) = latest else {
        return Vec::new();
    };
    let failures = state
        .failures
        .get(id)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let is_latest = |f: &&state::Failure| {
        latest.status == Status::Failed && f.at == latest.at && *f.mark == *latest.mark()
    };
    failures
        .iter()
        .filter(|f| !is_latest(f))
        .map(|f| Attempt {
            at: f.at,
            by: f.by.to_string(),
            evidence: f.mark.evidence.clone(),
            note: f.mark.note.clone(),
            run: f.mark.run.as_deref().cloned(),
        })
        .collect()
}

fn blocker_rows(state: &PocState, now: DateTime<Utc>) -> Vec<BlockerRow> {
    let closed = state.closure.as_ref().map(|c| c.at);
    state
        .blockers
        .iter()
        .map(|b| {
            let hours = crate::state::hours_open(b.opened, b.resolved, closed, now);
            BlockerRow {
                blocker: b.clone(),
                open: b.resolved.is_none(),
                hours_open: hours,
                days_open: hours / 24,
                open_for: crate::text::span(hours),
                // A closed POC has nobody left to escalate to.
                escalate_now: (closed.is_none())
                    .then(|| plan_report::blocker_escalation(b, hours / 24))
                    .flatten(),
            }
        })
        .collect()
}

/// "due in 5 h (2026-12-06 10:00 PST)" or "overdue by 3 h (…)".
pub fn describe_due(due: &DebriefDue, zone: chrono_tz::Tz) -> String {
    let when = crate::clock::show(due.due, zone);
    if due.overdue {
        format!("overdue by {} (was due {when})", due.distance)
    } else {
        format!("due in {} ({when})", due.distance)
    }
}

/// "45 min", "3 h 20 min", "47 h", "2 days 4 h".
fn distance(minutes: i64) -> String {
    // Within the 48-hour window hours read better than days.
    let (hours, rest) = (minutes / 60, minutes % 60);
    match hours {
        0 => format!("{rest} min"),
        1..48 if rest > 0 => format!("{hours} h {rest} min"),
        1..48 => format!("{hours} h"),
        48 if rest == 0 => "48 h".to_string(),
        _ if hours % 24 == 0 => crate::text::plural(hours / 24, "day"),
        _ => format!(
            "{} {} h",
            crate::text::plural(hours / 24, "day"),
            hours % 24
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn due_at(now: &str) -> String {
        let due: DateTime<Utc> = "2026-12-06T16:00:00Z".parse().unwrap();
        let now: DateTime<Utc> = now.parse().unwrap();
        describe_due(
            &DebriefDue {
                due,
                overdue: now >= due,
                overdue_hours: 0,
                hours_left: 0,
                distance: distance((now - due).num_minutes().abs()),
                written: false,
            },
            chrono_tz::Tz::UTC,
        )
    }

    #[test]
    fn the_debrief_deadline_reads_right_on_both_sides() {
        let when = "(2026-12-06 16:00 UTC)";
        // The window as a close opens it: 48 h, not "2 days 0 h".
        assert_eq!(
            due_at("2026-12-04T16:00:00Z"),
            format!("due in 48 h {when}")
        );
        assert_eq!(
            due_at("2026-12-09T16:00:00Z"),
            "overdue by 3 days (was due 2026-12-06 16:00 UTC)"
        );
        assert_eq!(
            due_at("2026-12-08T18:00:00Z"),
            "overdue by 2 days 2 h (was due 2026-12-06 16:00 UTC)"
        );
        assert_eq!(
            due_at("2026-12-08T16:30:00Z"),
            "overdue by 2 days (was due 2026-12-06 16:00 UTC)"
        );
        assert_eq!(
            due_at("2026-12-06T12:40:00Z"),
            format!("due in 3 h 20 min {when}")
        );
        assert_eq!(
            due_at("2026-12-06T15:30:00Z"),
            format!("due in 30 min {when}")
        );
        assert_eq!(
            due_at("2026-12-06T16:00:00Z"),
            format!("overdue by 0 min (was due 2026-12-06 16:00 UTC)")
        );
        assert_eq!(
            due_at("2026-12-06T16:45:00Z"),
            format!("overdue by 45 min (was due 2026-12-06 16:00 UTC)")
        );
        assert_eq!(
            due_at("2026-12-07T19:00:00Z"),
            format!("overdue by 27 h (was due 2026-12-06 16:00 UTC)")
        );
        assert_eq!(
            due_at("2026-12-09T17:00:00Z"),
            format!("overdue by 3 days 1 h (was due 2026-12-06 16:00 UTC)")
        );
    }
}
