//! `poc list`: every POC under the roots, one row each (the portfolio).

use crate::cli::{ListArgs, TableFormat};
use crate::context::Context;
use crate::error::{EXIT_FAILURE, EXIT_OK};
use crate::portfolio::{self, Alarm, DEFAULT_STALE_DAYS, Filter, ListRow, SortKey};
use crate::render;

/// The columns of the table and the CSV, in order.
// The POC's name is left to JSON and CSV: with it, eleven columns split
// words at the 100 columns a piped table gets.
const COLUMNS: [&str; 10] = [
    "folder",
    "prospect",
    "owner",
    "phase",
    "day",
    "late",
    "met (musts)",
    "blockers",
    "idle",
    "debrief",
];

pub fn run(args: ListArgs, ctx: &Context) -> anyhow::Result<u8> {
    let roots = super::roots(&args.roots, ctx)?;
    let stale_days = (args.stale.flatten())
        .or(ctx.config.stale_days())
        .map_or(DEFAULT_STALE_DAYS, i64::from);
    let filter = Filter {
        owner: args.owner.clone(),
        phase: args.phase.map(Into::into),
        open: args.open,
        closed: args.closed,
        stale: args.stale.map(|_| stale_days),
    };
    let folders = super::scan(&roots)?;
    let found = folders.len();
    let mut rows: Vec<ListRow> = (portfolio::rows(folders, ctx.now, !args.no_cache).into_iter())
        .filter(|row| filter.keeps(row))
        .collect();
    portfolio::sort(&mut rows, args.sort.map_or(SortKey::default(), Into::into));
    print(&rows, args.format.unwrap_or(TableFormat::Table), found)?;
    let broken = rows.iter().filter(|r| r.error.is_some()).count();
    if broken > 0 {
        let (rows, says, it) = match broken {
            1 => ("its row", "says", "it"),
            _ => ("their rows", "say", "each"),
        };
        crate::warn!(
            "{} could not be read; {rows} {says} why (`poc validate` in {it} says more)",
            crate::text::plural(broken as i64, "POC")
        );
    }
    let alarms: Vec<Alarm> = args.fail_on.iter().map(|a| (*a).into()).collect();
    let raised = rows
        .iter()
        .any(|row| alarms.iter().any(|a| row.raises(*a, stale_days)));
    Ok(if raised { EXIT_FAILURE } else { EXIT_OK })
}

/// Prints the rows; `found` is how many POCs there were before the filters.
fn print(rows: &[ListRow], format: TableFormat, found: usize) -> anyhow::Result<()> {
    match format {
        TableFormat::Json => {
            let lines: anyhow::Result<String> = rows.iter().map(render::json_line).collect();
            crate::out(&lines?)
        }
        TableFormat::Csv => crate::out(&csv(rows)),
        TableFormat::Table if rows.is_empty() && found > 0 => {
            crate::say!(
                "No POC matches the filters ({} found).",
                crate::text::plural(found as i64, "POC")
            );
            Ok(())
        }
        TableFormat::Table if rows.is_empty() => {
            crate::say!("No POC found (a POC is a folder holding poc.yaml).");
            Ok(())
        }
        TableFormat::Table => {
            let mut table = render::table(&COLUMNS);
            for row in rows {
                table.add_row(cells(row).into_iter().map(render::cell));
            }
            let mut text = render::shown(table);
            for (folder, e) in rows
                .iter()
                .filter_map(|r| Some((&r.folder, r.error.as_ref()?)))
            {
                let at = e.at().map(|at| format!("{at}: ")).unwrap_or_default();
                text.push_str(&crate::text::terminal_safe(&format!(
                    "{folder}: cannot be read ({}): {at}{}",
                    e.kind, e.message
                )));
                text.push('\n');
            }
            crate::out(&text)
        }
    }
}

/// The row as the table and the CSV show it, one text per column.
fn cells(row: &ListRow) -> [String; 10] {
    let text = |t: &Option<String>| t.clone().unwrap_or_default();
    let pair = |a: Option<usize>, b: Option<usize>| match (a, b) {
        (Some(a), Some(b)) => format!("{a}/{b}"),
        _ => String::new(),
    };
    if row.error.is_some() {
        let mut out: [String; 10] = Default::default();
        out[0] = row.folder.clone();
        out[1] = "unreadable".to_string();
        return out;
    }
    let phase = match (row.outcome, row.phase) {
        (Some(outcome), _) if row.conflicts > 0 => format!("{} (in conflict)", outcome.id()),
        (Some(outcome), _) => outcome.id().to_string(),
        (None, Some(phase)) => phase.id().to_string(),
        _ => String::new(),
    };
    let criteria = format!(
        "{} ({})",
        pair(row.criteria_met, row.criteria_total),
        pair(row.must_met, row.must_total)
    );
    let blockers = match (row.open_blockers, row.oldest_blocker_days) {
        (Some(0), _) | (None, _) => "0".to_string(),
        (Some(n), Some(days)) => format!("{n} ({days} d)"),
        (Some(n), None) => n.to_string(),
    };
    let activity = match row.idle_days {
        None => "—".to_string(),
        Some(0) => "today".to_string(),
        Some(days) => format!("{days} d"),
    };
    let debrief = match (row.debrief, &row.debrief_distance) {
        (Some(portfolio::DebriefState::Written), _) => "written".to_string(),
        (Some(portfolio::DebriefState::Overdue), Some(d)) => format!("overdue by {d}"),
        (Some(portfolio::DebriefState::Due), Some(d)) => format!("due in {d}"),
        _ => "—".to_string(),
    };
    [
        row.folder.clone(),
        text(&row.prospect),
        text(&row.owner),
        phase,
        format!("{}/{}", row.day.unwrap_or(0), row.total_days.unwrap_or(0)),
        row.days_late.unwrap_or(0).to_string(),
        criteria,
        blockers,
        activity,
        debrief,
    ]
}

/// The CSV's columns: the JSON's fields, flat, with the same names.
const CSV_COLUMNS: [&str; 24] = [
    "folder",
    "name",
    "prospect",
    "owner",
    "phase",
    "closed",
    "outcome",
    "day",
    "total_days",
    "days_late",
    "criteria_met",
    "criteria_total",
    "must_met",
    "must_total",
    "open_blockers",
    "oldest_blocker_days",
    "last_activity",
    "idle_days",
    "debrief",
    "debrief_due",
    "error_kind",
    "error_at",
    "error",
    "conflicts",
];

/// A header row, then a row per POC, each cell safe to open in a
/// spreadsheet.
fn csv(rows: &[ListRow]) -> String {
    let mut out = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = String>| {
        let cells: Vec<String> = cells.map(|c| render::csv_cell(&c)).collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    };
    line(&mut CSV_COLUMNS.iter().map(|c| c.to_string()));
    for row in rows {
        line(&mut csv_cells(row).into_iter());
    }
    out
}

fn csv_cells(row: &ListRow) -> [String; 24] {
    fn s<T: ToString>(value: Option<T>) -> String {
        value.map_or_else(String::new, |v| v.to_string())
    }
    let error = row.error.as_ref();
    let at = error.and_then(|e| e.at());
    [
        row.folder.clone(),
        s(row.name.as_ref()),
        s(row.prospect.as_ref()),
        s(row.owner.as_ref()),
        s(row.phase.map(|p| p.id())),
        s(row.closed),
        s(row.outcome.map(|o| o.id())),
        s(row.day),
        s(row.total_days),
        s(row.days_late),
        s(row.criteria_met),
        s(row.criteria_total),
        s(row.must_met),
        s(row.must_total),
        s(row.open_blockers),
        s(row.oldest_blocker_days),
        s(row
            .last_activity
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))),
        s(row.idle_days),
        s(row.debrief.map(|d| d.id())),
        s(row
            .debrief_due
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))),
        s(error.map(|e| e.kind)),
        s(at),
        s(error.map(|e| e.message.as_str())),
        row.conflicts.to_string(),
    ]
}
