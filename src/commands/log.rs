//! `poc log`: the journal, oldest first.

use serde::Serialize;

use crate::cli::{LogArgs, LogFormat};
use crate::context::Context;
use crate::error::EXIT_OK;
use crate::journal::Entry;
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

pub fn run(args: LogArgs, ctx: &Context) -> anyhow::Result<u8> {
    let poc = ctx.load()?;
    let report = LogReport {
        schema_version: crate::report::JSON_SCHEMA_VERSION,
        timezone: &poc.scope.timezone,
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
    match args.format.unwrap_or(LogFormat::Table) {
        LogFormat::Json | LogFormat::Tsv => crate::out(&render::json(&report)?)?,
        LogFormat::Table => {
            let mut table = render::table(&["when", "who", "what", "id", "detail"]);
            for row in &report.entries {
                let e = row.entry;
                table.add_row(vec![
                    cell(poc.scope.show(e.at)),
                    cell(&e.by),
                    cell(e.event.kind()),
                    cell(e.event.subject().unwrap_or_default()),
                    // A table cell wraps its text: cut a very long note here
                    // (the JSON keeps it whole) so the table stays fast.
                    cell(crate::text::truncate(&e.event.detail(), 500)),
                ]);
            }
            crate::out(&format!("{table}\n"))?;
        }
    }
    Ok(EXIT_OK)
}
