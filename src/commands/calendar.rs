//! `poc calendar`: the plan as an iCalendar file for the SE's calendar. An
//! all-day event per phase window, one for the POC's last day and, once
//! closed, the debrief deadline. The events are the plan, not the history:
//! each phase stays on its planned days whatever happened (the description
//! says what did), and a closed POC keeps them all.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sha2::{Digest, Sha256};

use crate::cli::OutArgs;
use crate::context::{Context, Poc};
use crate::error::EXIT_OK;
use crate::event::Event;
use crate::ical::{self, Calendar, When};
use crate::output::{self, Destination, Document, Replaces};
use crate::report::{PhaseRow, PhaseState, StatusReport};
use crate::{fsutil, text};

/// The calendar: `calendar.ics` in the POC folder unless `--out` says;
/// written only over one poc wrote (its PRODID says so), never over a
/// calendar exported from elsewhere.
pub const DOCUMENT: Document = Document {
    file: "calendar.ics",
    noun: "calendar",
    replaces: Replaces::Own {
        mark: b"PRODID:-//poc//",
        kind: "a calendar poc wrote",
    },
};

pub fn run(args: OutArgs, ctx: &Context) -> anyhow::Result<u8> {
    let poc = ctx.load()?;
    let status = poc.status(&poc.state);
    status.settled("a calendar")?;
    let calendar = build(&poc, &status)?;
    let told = told(&status, &calendar);
    let ics = calendar.write();
    let Destination::File { path, exists } = output::destination(args.out, &poc.dir, DOCUMENT)?
    else {
        crate::out(&ics)?;
        crate::say!("Printed {told}.");
        return Ok(EXIT_OK);
    };
    // A file that appears meanwhile is not replaced unchecked.
    fsutil::write_atomic(&path, ics.as_bytes(), exists)?;
    let written = output::written(&path);
    crate::say!(
        "Wrote {written}: {told}. Import it into your calendar; importing a newer one moves the events rather than adding copies."
    );
    super::done(poc);
    Ok(EXIT_OK)
}

/// "the 5 phases (2026-11-16 to 2026-11-27), the last day and the debrief
/// deadline": what the file holds, for the message.
fn told(status: &StatusReport, calendar: &Calendar) -> String {
    let days = calendar.events.iter().filter_map(|e| match e.when {
        When::Days(first, last) => Some((first, last)),
        When::Between(..) => None,
    });
    let first = days.clone().map(|d| d.0).min();
    let last = days.map(|d| d.1).max();
    let n = status.phases.len();
    let span = match (first, last) {
        (Some(first), Some(last)) => format!(" ({first} to {last})"),
        _ => String::new(),
    };
    match status.debrief {
        Some(_) => format!("the {n} phases{span}, the last day and the debrief deadline"),
        None => format!("the {n} phases{span} and the last day"),
    }
}

/// The calendar of the POC's plan, as of now.
fn build(poc: &Poc, status: &StatusReport) -> anyhow::Result<Calendar> {
    let stamp = Stamp {
        identity: identity(poc),
        now: poc.now,
    };
    let prospect = &status.prospect;
    let mut events = Vec::new();
    for row in &status.phases {
        let (first, last) = (day(poc, row.days[0])?, day(poc, row.days[1])?);
        let skipped = row.state == PhaseState::Skipped;
        let mut e = stamp.event(
            &format!("phase:{}", row.id),
            When::Days(first, last),
            format!(
                "{prospect} POC: {} ({}{})",
                row.title,
                days_named(row.days),
                if skipped { ", skipped" } else { "" }
            ),
            phase_description(status, row, first, last),
        );
        // A phase the POC closed before will not happen: a calendar shows
        // it cancelled rather than as days of work ahead.
        e.cancelled = skipped;
        events.push(e);
    }
    let last_day = day(poc, status.total_days)?;
    events.push(stamp.event(
        "last-day",
        When::Days(last_day, last_day),
        format!("{prospect} POC: last day (day {})", status.total_days),
        last_day_description(poc, status),
    ));
    events.extend(debrief_event(poc, status, &stamp)?);
    Ok(Calendar {
        name: status.name.clone(),
        events,
    })
}

/// What every event of one export shares: the POC's identity and now.
struct Stamp {
    identity: String,
    now: DateTime<Utc>,
}

impl Stamp {
    fn event(&self, kind: &str, when: When, summary: String, description: String) -> ical::Event {
        ical::Event {
            uid: uid(&self.identity, kind),
            sequence: sequence(self.now),
            stamp: self.now,
            when,
            summary,
            description,
            cancelled: false,
        }
    }
}

/// The debrief deadline, once closed: a timed event, in UTC, since the
/// deadline is an instant (48 hours after the close) that shows at the
/// right hour in any zone; the half hour the debrief takes, ending then.
fn debrief_event(
    poc: &Poc,
    status: &StatusReport,
    stamp: &Stamp,
) -> anyhow::Result<Option<ical::Event>> {
    let (Some(due), Some(closed)) = (&status.debrief, status.closed_at) else {
        return Ok(None);
    };
    let start = due.due - chrono::Duration::minutes(30);
    if !(1..=9999).contains(&start.year()) || due.due.year() > 9999 {
        crate::fail!(
            "the debrief deadline, {}, is outside the years 1 to 9999, which a calendar holds; check the close's time in the journal",
            poc.scope.show(due.due)
        );
    }
    Ok(Some(stamp.event(
        "debrief",
        When::Between(start, due.due),
        format!("{} POC: debrief due", status.prospect),
        format!(
            "The debrief is due {}, 48 hours after the close ({}, {}). Run `poc debrief` in the POC folder and fill in the questions with the AE and SE manager (30 minutes).",
            poc.scope.show(due.due),
            poc.scope.show(closed),
            status.outcome_title.unwrap_or("closed"),
        ),
    )))
}

/// The date of POC day `n` (day 1 is `start`). The day after it must be
/// a four-digit year too: an all-day event ends there.
fn day(poc: &Poc, n: u32) -> anyhow::Result<NaiveDate> {
    let start = poc.scope.start;
    let date = (poc.scope.date_of_day(n.max(1)))
        .filter(|d| d.year() >= 1 && d.succ_opt().is_some_and(|next| next.year() <= 9999));
    match date {
        Some(date) => Ok(date),
        None => crate::fail!(
            "{}: day {n} of a POC starting {start} falls outside the dates a calendar holds (the years 1 to 9999); fix `start`",
            fsutil::display_in(&poc.dir, crate::scope::SCOPE_FILE)
        ),
    }
}

/// "days 4–7", or "day 4" for a one-day window.
fn days_named(days: [u32; 2]) -> String {
    if days[0] == days[1] {
        format!("day {}", days[0])
    } else {
        format!("days {}–{}", days[0], days[1])
    }
}

/// The phase's checklist and the criteria it proves, then what happened.
fn phase_description(
    status: &StatusReport,
    row: &PhaseRow,
    first: NaiveDate,
    last: NaiveDate,
) -> String {
    let mut lines = vec![format!(
        "Planned: {}, {first} to {last}.",
        days_named(row.days)
    )];
    if !row.items.is_empty() {
        lines.push("Checklist:".into());
        lines.extend(row.items.iter().map(|i| {
            let optional = if i.required { "" } else { " (optional)" };
            format!("- {}{optional}", i.title)
        }));
    }
    let criteria: Vec<String> = (status.criteria.iter())
        .filter(|c| c.phase == row.id)
        .map(|c| {
            let target = c.target.as_ref().map(|t| format!(": {t}"));
            format!(
                "- {} ({}) {}{}",
                c.id,
                c.priority.id(),
                c.title,
                target.unwrap_or_default()
            )
        })
        .collect();
    if !criteria.is_empty() {
        lines.push("Success criteria proven in this phase:".into());
        lines.extend(criteria);
    }
    lines.push(format!("So far: {}.", actual(status, row)));
    lines.join("\n")
}

/// What happened to a phase: "done, 2026-11-17 to 2026-11-18", "current
/// since 2026-11-19, 2 days late", "not started".
fn actual(status: &StatusReport, row: &PhaseRow) -> String {
    let zone = crate::clock::parse_zone(&status.timezone).unwrap_or(chrono_tz::Tz::UTC);
    let date = |t: DateTime<Utc>| crate::clock::local_date(t, zone).to_string();
    let mut said = match (row.state, row.entered, row.left) {
        (PhaseState::Upcoming, ..) => "not started".to_string(),
        (PhaseState::Skipped, ..) => "skipped: the POC closed before it".to_string(),
        (PhaseState::Current, Some(entered), _) => format!("current since {}", date(entered)),
        (state, Some(entered), Some(left)) => {
            format!("{}, {} to {}", state.id(), date(entered), date(left))
        }
        (state, Some(entered), None) => format!("{} since {}", state.id(), date(entered)),
        (state, None, _) => state.id().to_string(),
    };
    if row.days_late > 0 {
        said.push_str(&format!(", {} late", text::plural(row.days_late, "day")));
    }
    said
}

fn last_day_description(poc: &Poc, status: &StatusReport) -> String {
    let planned = format!(
        "The last planned day of {}: the outcome is due (`poc close`).",
        status.name
    );
    match (status.closed_at, status.outcome_title) {
        (Some(at), Some(outcome)) => {
            format!("{planned}\nClosed {}: {outcome}.", poc.scope.show(at))
        }
        _ => planned,
    }
}

/// What identifies the POC for good: its journal's first entry, the `init`
/// (its time and author never change, and every clone has the same). The
/// start date, the prospect's spelling and the folder may all change;
/// without an `init` (a journal started by hand), the name and prospect.
fn identity(poc: &Poc) -> String {
    let init = (poc.journal.lines.iter())
        .map(|l| &l.entry)
        .filter(|e| matches!(e.event, Event::Init { .. }))
        .min_by(|a, b| a.order_key().cmp(&b.order_key()));
    match init {
        Some(e) => format!(
            "init\n{}\n{}",
            e.at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            e.by
        ),
        None => format!("scope\n{}\n{}", poc.scope.prospect, poc.scope.name),
    }
}

/// `<32 hex digits>@poc`, from the POC's identity and the event's kind
/// (`phase:validation`, `last-day`, `debrief`): the same on every export,
/// so a calendar moves the event rather than adding a copy.
fn uid(identity: &str, kind: &str) -> String {
    let hash = Sha256::digest(format!("{identity}\n{kind}").as_bytes());
    let hex: String = hash[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("{hex}@poc")
}

/// The revision: the export's time, in seconds since 2024. A calendar
/// replaces its copy of an event only with a higher SEQUENCE, and what
/// changes an event is as often an edit of `poc.yaml` (a new start date,
/// which the journal never sees) as a journal entry: so every later export
/// is a newer revision. It fits the 31 bits calendars allow until 2092.
fn sequence(now: DateTime<Utc>) -> u32 {
    let epoch = DateTime::<Utc>::from_timestamp(1_704_067_200, 0).unwrap_or_default();
    let seconds = (now - epoch).num_seconds().clamp(0, i64::from(i32::MAX));
    u32::try_from(seconds).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uids_differ_by_event_and_poc_and_look_like_uids() {
        let a = uid("init\n2026-11-16T09:00:00Z\nDana", "phase:setup");
        assert_eq!(a.len(), 32 + "@poc".len());
        assert!(a.ends_with("@poc"));
        assert_ne!(a, uid("init\n2026-11-16T09:00:00Z\nDana", "last-day"));
        assert_ne!(a, uid("init\n2026-11-16T09:00:01Z\nDana", "phase:setup"));
        assert_eq!(a, uid("init\n2026-11-16T09:00:00Z\nDana", "phase:setup"));
    }

    #[test]
    fn a_later_export_is_a_higher_revision() {
        let at = |t: &str| sequence(t.parse().unwrap());
        assert!(at("2026-11-20T10:00:01Z") > at("2026-11-20T10:00:00Z"));
        assert_eq!(at("2020-01-01T00:00:00Z"), 0);
        assert_eq!(at("9999-01-01T00:00:00Z"), i32::MAX as u32);
    }
}
