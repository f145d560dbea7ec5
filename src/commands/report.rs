//! `poc report`: one self-contained HTML page a customer can read or print:
//! where the POC stands, a timeline of the five phases (planned against
//! actual), the success criteria with their evidence, open blockers, parked
//! requests and the latest notes. No script and nothing fetched: inline CSS
//! and inline SVG, from `templates/report.html.j2`.

use chrono::NaiveDate;
use serde::Serialize;

use crate::cli::ReportArgs;
use crate::context::Context;
use crate::error::EXIT_OK;
use crate::fsutil;
use crate::output::{self, Destination, Document, Replaces};
use crate::render;
use crate::report::{BlockerRow, DEBRIEF_FILE, PhaseRow, PhaseState, StatusReport, describe_due};
use crate::scope::{Phase, Scope};
use crate::state::Note;
use crate::text::plural;

/// The report: `report.html` in the POC folder unless `--out` says;
/// generated, so written over each time, but only over a report.
pub const DOCUMENT: Document = Document {
    file: "report.html",
    noun: "report",
    replaces: Replaces::Own {
        mark: br#"<meta name="generator" content="poc">"#,
        kind: "a report poc wrote",
    },
};

/// How many notes the report shows, newest first.
const RECENT_NOTES: usize = 10;

/// What `poc report` renders.
#[derive(Debug, Serialize)]
pub struct HtmlReport {
    pub schema_version: u32,
    /// "Day 9 of 12 · Use-case validation (planned days 4–7) · 2 days late",
    /// "Starts 2026-11-23, in 3 days" or "Closed: Technical Win on …".
    pub standing: String,
    pub timeline: Timeline,
    /// Open blockers, oldest first.
    pub open_blockers: Vec<BlockerRow>,
    pub resolved_blockers: usize,
    /// The latest notes, newest first.
    pub recent_notes: Vec<Note>,
    /// Notes older than those shown.
    pub earlier_notes: usize,
    /// "due in 31 h (2026-11-29 16:00 UTC)", once closed.
    pub debrief_due: Option<String>,
    /// The page for the customer: no deal, risks, gaps or notes.
    pub customer: bool,
    pub status: StatusReport,
}

impl HtmlReport {
    pub fn build(status: StatusReport, scope: &Scope) -> HtmlReport {
        let (open, resolved): (Vec<_>, Vec<_>) = status.blockers.iter().partition(|b| b.open);
        let recent_notes: Vec<Note> = status
            .notes
            .iter()
            .rev()
            .take(RECENT_NOTES)
            .cloned()
            .collect();
        HtmlReport {
            schema_version: crate::report::JSON_SCHEMA_VERSION,
            standing: status.standing(scope.zone),
            timeline: Timeline::build(&status, scope),
            open_blockers: open.into_iter().cloned().collect(),
            resolved_blockers: resolved.len(),
            earlier_notes: status.notes.len() - recent_notes.len(),
            recent_notes,
            debrief_due: status.debrief.as_ref().map(|due| {
                if due.written {
                    format!("written ({DEBRIEF_FILE}, due {})", scope.show(due.due))
                } else {
                    describe_due(due, scope.zone)
                }
            }),
            customer: false,
            status,
        }
    }
}

/// The timeline of the five phases as SVG geometry, in the SVG's own units:
/// day `d` spans from `left + (d - 1) * px_per_day` to
/// `left + d * px_per_day`, so a window of days `a`–`b` is a bar at
/// `x = left + (a - 1) * px_per_day`, `width = (b - a + 1) * px_per_day`.
#[derive(Debug, Serialize)]
pub struct Timeline {
    pub width: i64,
    pub height: i64,
    pub left: i64,
    pub px_per_day: i64,
    /// Days on the axis: the plan, and as far as the POC actually ran.
    pub days: i64,
    /// Where the axis ends.
    pub right: i64,
    /// Where the rows start and end.
    pub top: i64,
    pub bottom: i64,
    pub ticks: Vec<Tick>,
    pub rows: Vec<TimelineRow>,
    /// Today, while the POC runs (from day 1).
    pub today: Option<Marker>,
    /// The day it closed.
    pub closed: Option<Marker>,
}

/// A day labelled on the axis.
#[derive(Debug, Serialize)]
pub struct Tick {
    pub day: i64,
    /// The day's left edge, and its middle (where the label goes).
    pub x: i64,
    pub middle: i64,
    /// "Nov 16": the day's date in the POC's time zone.
    pub date: String,
}

/// One phase: its planned window and, once entered, what actually happened.
#[derive(Debug, Serialize)]
pub struct TimelineRow {
    pub phase: Phase,
    pub title: &'static str,
    pub y: i64,
    pub planned: Bar,
    /// When it actually ran: a bar per stretch (a reopen makes a second).
    pub actual: Vec<Bar>,
    pub state: PhaseState,
    pub days_late: i64,
    /// "forced · 1 day late": what the colours say, in words.
    pub label: String,
    /// The label's class: `late`, `forced`, `cut-short` or the state.
    pub tone: &'static str,
}

/// A bar from day `from` to day `to`, inclusive.
#[derive(Debug, Serialize)]
pub struct Bar {
    pub from: i64,
    pub to: i64,
    pub x: i64,
    pub width: i64,
    pub y: i64,
    pub height: i64,
    /// What the bar shows, for a tooltip and for screen readers.
    pub title: String,
}

/// A vertical line on one day: today, or the close.
#[derive(Debug, Serialize)]
pub struct Marker {
    pub day: i64,
    pub x: i64,
    pub label: String,
}

/// The width the day axis aims for; each day gets a whole number of units.
const AXIS_WIDTH: i64 = 600;
const LEFT: i64 = 180;
const RIGHT_MARGIN: i64 = 170;
const TOP: i64 = 44;
const ROW_HEIGHT: i64 = 34;
const PLANNED_HEIGHT: i64 = 20;
const ACTUAL_HEIGHT: i64 = 8;
/// Below the rows: the markers' labels.
const FOOTER: i64 = 26;
/// At most this many labelled days.
const MAX_TICKS: i64 = 14;

impl Timeline {
    pub fn build(r: &StatusReport, scope: &Scope) -> Timeline {
        let open = r.outcome.is_none();
        let today = (open && r.day >= 1).then_some(r.day);
        let closed = r.closed_at.map(|t| scope.day_of(t));
        let spans: Vec<Vec<(i64, i64)>> =
            (r.phases.iter()).map(|p| actual_spans(p, r.day)).collect();
        // The plan, and as far as the POC ran, up to twice the plan: a POC
        // left open for a year keeps a readable axis, its bars and today
        // stopping at the axis's end.
        let planned = i64::from(r.total_days).max(1);
        let cap = (2 * planned).max(planned + 14);
        let days = (spans.iter().flatten().map(|s| s.1))
            .chain(today)
            .chain([planned])
            .max()
            .unwrap_or(1)
            .min(cap);
        let spans: Vec<Vec<(i64, i64)>> = (spans.into_iter())
            .map(|row| {
                row.into_iter()
                    .map(|(f, t)| (f.min(days), t.min(days)))
                    .collect()
            })
            .collect();
        let px_per_day = (AXIS_WIDTH / days).max(1);
        let geometry = Geometry {
            left: LEFT,
            px_per_day,
            start: r.start,
        };
        let rows = (r.phases.iter().zip(spans).enumerate())
            .map(|(i, (p, spans))| geometry.row(p, spans, TOP + i as i64 * ROW_HEIGHT))
            .collect::<Vec<_>>();
        let bottom = TOP + rows.len() as i64 * ROW_HEIGHT;
        let marker = |day: i64, what: &str| Marker {
            day,
            x: geometry.middle(day.min(days)),
            label: format!("{what}, day {day}"),
        };
        Timeline {
            width: LEFT + days * px_per_day + RIGHT_MARGIN,
            height: bottom + FOOTER,
            left: LEFT,
            px_per_day,
            days,
            right: geometry.x(days + 1),
            top: TOP,
            bottom,
            ticks: tick_days(days)
                .map(|day| Tick {
                    day,
                    x: geometry.x(day),
                    middle: geometry.middle(day),
                    date: geometry
                        .date(day)
                        .map_or_else(String::new, |d| d.format("%b %-d").to_string()),
                })
                .collect(),
            rows,
            today: today.map(|day| marker(day, "today")),
            closed: closed.filter(|d| *d >= 1).map(|day| marker(day, "closed")),
        }
    }
}

/// The days a phase actually ran, a span per stretch, clamped to the axis:
/// from the day it was entered to the day it was left, or to today while
/// the POC stands in it.
fn actual_spans(p: &PhaseRow, today: i64) -> Vec<(i64, i64)> {
    (p.stints.iter())
        .map(|&(entered, left)| {
            let from = entered.max(1);
            (from, left.unwrap_or(today).max(from))
        })
        .collect()
}

/// The days labelled on an axis of `days` days: every day, or every second,
/// every week, … so that at most [`MAX_TICKS`] are.
fn tick_days(days: i64) -> impl Iterator<Item = i64> {
    let labelled = |step: i64| (days + step - 1) / step;
    let step = [1, 2, 7, 14, 28, 56, 91, 182, 364]
        .into_iter()
        .find(|step| labelled(*step) <= MAX_TICKS)
        .unwrap_or_else(|| (days + MAX_TICKS - 1) / MAX_TICKS);
    (1..=days).step_by(step as usize)
}

/// Where days are on the axis.
struct Geometry {
    left: i64,
    px_per_day: i64,
    start: NaiveDate,
}

impl Geometry {
    /// The left edge of day `day`.
    fn x(&self, day: i64) -> i64 {
        self.left + (day - 1) * self.px_per_day
    }

    fn middle(&self, day: i64) -> i64 {
        self.x(day) + self.px_per_day / 2
    }

    /// Day `day`'s date: days are calendar days in the POC's zone.
    fn date(&self, day: i64) -> Option<NaiveDate> {
        let offset = chrono::Days::new((day - 1).unsigned_abs());
        match day >= 1 {
            true => self.start.checked_add_days(offset),
            false => self.start.checked_sub_days(offset),
        }
    }

    fn dates(&self, from: i64, to: i64) -> String {
        let show = |day| self.date(day).map_or_else(String::new, |d| d.to_string());
        match from == to {
            true => show(from),
            false => format!("{} to {}", show(from), show(to)),
        }
    }

    fn bar(&self, from: i64, to: i64, y: i64, height: i64, title: String) -> Bar {
        Bar {
            from,
            to,
            x: self.x(from),
            width: (to - from + 1) * self.px_per_day,
            y,
            height,
            title,
        }
    }

    fn row(&self, p: &PhaseRow, spans: Vec<(i64, i64)>, y: i64) -> TimelineRow {
        let (from, to) = (i64::from(p.days[0]), i64::from(p.days[1]));
        let planned = self.bar(
            from,
            to,
            y + (ROW_HEIGHT - PLANNED_HEIGHT) / 2,
            PLANNED_HEIGHT,
            format!(
                "{}: planned days {from}–{to} ({})",
                p.title,
                self.dates(from, to)
            ),
        );
        let label = match p.days_late {
            0 => p.state.id().to_string(),
            days => format!("{} · {} late", p.state.id(), plural(days, "day")),
        };
        let actual = (spans.into_iter())
            .map(|(from, to)| {
                self.bar(
                    from,
                    to,
                    y + (ROW_HEIGHT - ACTUAL_HEIGHT) / 2,
                    ACTUAL_HEIGHT,
                    format!(
                        "{}: actual days {from}–{to} ({})",
                        p.title,
                        self.dates(from, to)
                    ),
                )
            })
            .collect();
        TimelineRow {
            phase: p.id,
            title: p.title,
            y,
            planned,
            actual,
            state: p.state,
            days_late: p.days_late,
            tone: match p.state {
                PhaseState::Forced => "forced",
                PhaseState::CutShort => "cut-short",
                _ if p.days_late > 0 => "late",
                state => state.id(),
            },
            label,
        }
    }
}

pub fn run(args: ReportArgs, ctx: &Context) -> anyhow::Result<u8> {
    let poc = ctx.load()?;
    let mut report = HtmlReport::build(poc.status(&poc.state), &poc.scope);
    report.customer = args.customer;
    let zone = &poc.scope.timezone;
    let Destination::File { path, exists } = output::destination(args.out.out, &poc.dir, DOCUMENT)?
    else {
        crate::out(&render::document("report.html", &report, zone)?)?;
        return Ok(EXIT_OK);
    };
    let poc_dir = output::poc_dir_from(&path, &poc.dir);
    let html = render::document_at("report.html", &report, zone, &poc_dir)?;
    // A file that appears meanwhile is not replaced unchecked.
    fsutil::write_atomic(&path, html.as_bytes(), exists)?;
    crate::say!(
        "Wrote {}: {}. Open it in a browser, or print it to PDF to send.",
        output::written(&path),
        crate::text::terminal_safe(&report.standing)
    );
    super::done(poc);
    Ok(EXIT_OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_stay_few_however_long_the_axis() {
        let ticks = |days| tick_days(days).collect::<Vec<_>>();
        assert_eq!(ticks(12), (1..=12).collect::<Vec<_>>());
        assert_eq!(ticks(20), [1, 3, 5, 7, 9, 11, 13, 15, 17, 19]);
        assert_eq!(ticks(60), [1, 8, 15, 22, 29, 36, 43, 50, 57]);
        assert!(ticks(3_650_000).len() as i64 <= MAX_TICKS);
        assert_eq!(ticks(1), [1]);
    }

    #[test]
    fn days_map_to_whole_units_and_dates() {
        let g = Geometry {
            left: LEFT,
            px_per_day: 50,
            start: NaiveDate::from_ymd_opt(2026, 11, 16).unwrap(),
        };
        let bar = g.bar(4, 7, 0, 1, String::new());
        assert_eq!((bar.x, bar.width), (LEFT + 150, 200));
        assert_eq!(g.middle(1), LEFT + 25);
        assert_eq!(g.date(1).unwrap().to_string(), "2026-11-16");
        assert_eq!(g.date(0).unwrap().to_string(), "2026-11-15");
        assert_eq!(g.dates(2, 4), "2026-11-17 to 2026-11-19");
    }
}
