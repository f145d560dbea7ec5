//! `poc log`: the journal, oldest first, filtered by time, ID and kind.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use crate::cli::{LogArgs, LogFormat};
use crate::context::Context;
use crate::error::{EXIT_OK, Error};
use crate::event::{Entry, Event};
use crate::journal::Line;
use crate::render::{self, cell};

#[derive(Serialize)]
struct LogReport<'a> {
    schema_version: u32,
    /// The zone the table's times are shown in; JSON times are UTC.
    timezone: &'a str,
    entries: Vec<LogRow<'a>>,
}

#[derive(Serialize)]
struct LogRow<'a> {
    line: usize,
    #[serde(flatten)]
    entry: &'a Entry,
}

/// Which entries to show, from the flags.
struct Filter {
    since: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
    id: Option<String>,
    kinds: Vec<String>,
}

impl Filter {
    fn from_args(args: &LogArgs, zone: chrono_tz::Tz) -> Result<Filter, Error> {
        let instant = |flag: &str, value: &Option<String>| {
            (value.as_deref())
                .map(|v| crate::clock::parse_flag(flag, v, zone))
                .transpose()
        };
        Ok(Filter {
            since: instant("--since", &args.since)?,
            until: until(args.until.as_deref(), zone)?,
            id: args.id.as_deref().map(str::trim).map(str::to_owned),
            kinds: args.kind.clone(),
        })
    }

    fn keeps(&self, entry: &Entry) -> bool {
        self.since.is_none_or(|t| entry.at >= t)
            && self.until.is_none_or(|t| entry.at < t)
            && (self.kinds.is_empty() || self.kinds.iter().any(|k| k == entry.event.kind()))
            && self
                .id
                .as_deref()
                .is_none_or(|id| is_about(&entry.event, id))
    }
}

/// The end of `--until`: a date takes in the whole day (up to the start of
/// the next), a timestamp is the instant.
fn until(value: Option<&str>, zone: chrono_tz::Tz) -> Result<Option<DateTime<Utc>>, Error> {
    let Some(value) = value else {
        return Ok(None);
    };
    let end = crate::clock::parse_flag("--until", value, zone)?;
    Ok(Some(match crate::clock::parse_date(value) {
        Ok(day) => day
            .succ_opt()
            .map_or(end, |next| crate::clock::start_of_day(next, zone)),
        Err(_) => end,
    }))
}

/// Whether the entry is about `id`: a blocker also by its short form
/// (`B3` for `B3-K7Q`); items and criteria by their exact ID.
fn is_about(event: &Event, id: &str) -> bool {
    match (event, event.subject()) {
        (Event::Blocker { .. } | Event::Resolve { .. }, Some(subject)) => {
            crate::ids::addresses(id, subject)
        }
        (_, Some(subject)) => subject == id,
        (_, None) => false,
    }
}

pub fn run(args: LogArgs, ctx: &Context) -> anyhow::Result<u8> {
    let poc = ctx.load()?;
    let filter = Filter::from_args(&args, poc.scope.zone)?;
    let mut lines: Vec<&Line> = (poc.journal.in_time_order().into_iter())
        .filter(|l| filter.keeps(&l.entry))
        .collect();
    if let Some(limit) = args.limit {
        lines.drain(..lines.len().saturating_sub(limit));
    }
    let report = LogReport {
        schema_version: crate::report::JSON_SCHEMA_VERSION,
        timezone: &poc.scope.timezone,
        entries: (lines.iter())
            .map(|l| LogRow {
                line: l.number,
                entry: &l.entry,
            })
            .collect(),
    };
    let out = match args.format.unwrap_or(LogFormat::Table) {
        LogFormat::Json => render::json(&report)?,
        LogFormat::Tsv => tsv(&report),
        LogFormat::Table if report.entries.is_empty() => "No entries match.\n".to_string(),
        LogFormat::Table => table(&report, &poc.scope),
    };
    crate::out(&out)?;
    Ok(EXIT_OK)
}

fn table(report: &LogReport, scope: &crate::scope::Scope) -> String {
    let mut table = render::table(&["when", "who", "what", "id", "detail"]);
    for row in &report.entries {
        let e = row.entry;
        table.add_row(vec![
            cell(scope.show(e.at)),
            cell(&e.by),
            cell(e.event.kind()),
            cell(e.event.subject().unwrap_or_default()),
            // A table cell wraps its text: cut a very long note here (the
            // JSON keeps it whole) so the table stays fast.
            cell(crate::text::truncate(&e.event.detail(), 500)),
        ]);
    }
    render::shown(table)
}

/// One line per entry: time (RFC 3339, UTC), author, kind, ID, detail;
/// tab-separated, no header, no padding. Tabs and line breaks inside a
/// field become spaces, so every entry stays one line of five fields.
fn tsv(report: &LogReport) -> String {
    let mut out = String::new();
    for row in &report.entries {
        let e = row.entry;
        let fields = [
            e.at.to_rfc3339_opts(SecondsFormat::AutoSi, true),
            crate::text::terminal_safe(&e.by),
            e.event.kind().to_string(),
            crate::text::terminal_safe(e.event.subject().unwrap_or_default()),
            crate::text::terminal_safe(&e.event.detail()),
        ];
        out.push_str(&fields.join("\t"));
        out.push('\n');
    }
    out
}
