//! `poc log`: the journal, oldest first.

use serde::Serialize;

use crate::cli::{FormatArgs, ListFormat};
use crate::context::Context;
use crate::error::EXIT_OK;
use crate::journal::{Entry, Event};
use crate::render::{self, cell};

#[derive(Serialize)]
struct LogReport<'a> {
    schema_version: u32,
    entries: Vec<LogRow<'a>>,
}

#[derive(Serialize)]
struct LogRow<'a> {
    line: usize,
    #[serde(flatten)]
    entry: &'a Entry<'a>,
}

pub fn run(args: FormatArgs<ListFormat>, ctx: &Context) -> anyhow::Result<u8> {
    let poc = ctx.load()?;
    let report = LogReport {
        schema_version: crate::report::JSON_SCHEMA_VERSION,
        entries: poc
            .journal
            .in_time_order()
            .into_iter()
            .map(|l| LogRow {
                line: l.number,
                entry: &l.entry,
            })
            .collect(),
    };
    match args.format.unwrap_or(ListFormat::Table) {
        ListFormat::Json => crate::out(&render::json(&report)?)?,
        ListFormat::Table => {
            let mut table = render::table(&["when", "who", "what", "id", "detail"]);
            for row in &report.entries {
                let e = row.entry;
                table.add_row(vec![
                    cell(e.at.format("%Y-%m-%d %H:%M").to_string()),
                    cell(&e.by),
                    cell(e.event.kind()),
                    cell(e.event.subject().unwrap_or_default()),
                    // A table cell wraps its text: cut a very long note here
                    // (the JSON keeps it whole) so the table stays fast.
                    cell(crate::text::truncate(&detail(&e.event), 500)),
                ]);
            }
            crate::out(&format!("{table}\n"))?;
        }
    }
    Ok(EXIT_OK)
}

/// The human part of an entry, on one line.
fn detail(event: &Event) -> String {
    let join =
        |parts: Vec<Option<String>>| parts.into_iter().flatten().collect::<Vec<_>>().join(" · ");
    match event {
        Event::Init { template } => format!("created from {template}"),
        Event::Check(m) | Event::Fail(m) => join(vec![
            m.evidence.as_deref().map(str::to_owned),
            m.note.as_deref().map(str::to_owned),
            (!m.files.is_empty()).then(|| {
                m.files
                    .iter()
                    .map(|f| f.path.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            }),
            m.run
                .as_ref()
                .map(|r| format!("ran `{}`: {}", r.command, r.outcome())),
        ]),
        Event::Undo { note, .. } | Event::Resolve { note, .. } => {
            note.as_deref().unwrap_or_default().to_owned()
        }
        Event::Note { text } | Event::Park { text } | Event::Blocker { text, .. } => {
            text.to_string()
        }
        Event::Advance {
            from,
            to,
            forced,
            reason,
        } => join(vec![
            Some(format!("{from} → {to}")),
            forced.then(|| "forced".to_string()),
            reason.as_deref().map(str::to_owned),
        ]),
        Event::Reopen { to, reason } => format!("back to {to} · {reason}"),
        Event::Close {
            outcome,
            reason,
            forced,
        } => join(vec![
            Some(outcome.id().to_string()),
            forced.then(|| "forced".to_string()),
            reason.as_deref().map(str::to_owned),
        ]),
    }
}
