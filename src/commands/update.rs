//! `poc update`: the customer update, what happened since the last one and
//! what comes next (see [`crate::update`]); `--record` notes in the journal
//! that it was sent, so the next one starts where it ends.

use crate::cli::{UpdateArgs, UpdateFormat};
use crate::clock;
use crate::context::Context;
use crate::error::{EXIT_OK, Error};
use crate::journal::Event;
use crate::render;
use crate::update::{self, UpdateReport};

pub fn run(args: UpdateArgs, ctx: &Context) -> anyhow::Result<u8> {
    // Checked before the POC is loaded (a date's instant needs the POC's
    // zone), so that a bad value changes nothing, journal lock included.
    if let Some(value) = &args.since {
        clock::parse_flag("--since", value, chrono_tz::Tz::UTC)?;
    }
    // Recording holds the journal's lock from reading to appending: the
    // entry marks the end of exactly what this update covered.
    let (poc, mut journal) = if args.record {
        let (poc, journal) = ctx.load_for_write()?;
        (poc, Some(journal))
    } else {
        (ctx.load()?, None)
    };
    let since = (args.since.as_deref())
        .map(|value| clock::parse_flag("--since", value, poc.scope.zone))
        .transpose()?;
    if let (Some(value), Some(since)) = (&args.since, since)
        && since > poc.now
    {
        return Err(Error::usage(format!(
            "--since: `{}` is after now ({}); the update covers from then to now",
            crate::text::terminal_safe(value),
            poc.scope.show(poc.now)
        ))
        .into());
    }
    if let (None, Some(last)) = (since, poc.state.last_update)
        && last > poc.now
    {
        crate::fail!(
            "the last update was recorded at {}, after now ({}): check the clock or POC_NOW, or give --since DATE (nothing was recorded)",
            poc.scope.show(last),
            poc.scope.show(poc.now)
        );
    }
    let status = poc.status(&poc.state);
    status.settled("an update")?;
    let report = UpdateReport::of(status, &poc.scope, &poc.journal, &poc.state, since);
    let text = match args.format.unwrap_or(UpdateFormat::Text) {
        _ if args.context => {
            let document = update::UpdateDocument::of(&report);
            render::json(&render::template_context(&document, &report.timezone, ""))?
        }
        UpdateFormat::Text => update::text(&report),
        UpdateFormat::Markdown => update::markdown(&report)?,
        UpdateFormat::Html => update::html(&report)?,
        UpdateFormat::Json => render::json(&report)?,
    };
    // Printed before it is recorded: an update that never reached its
    // reader (a full disk, a closed pipe) is not recorded as sent.
    crate::out(&text)?;
    let recorded = match &mut journal {
        Some(journal) => {
            let entry = ctx.entry(
                &poc,
                Event::Update {
                    since: report.since,
                    seen: update::entries_by_author(&poc.journal, poc.now),
                },
            );
            journal.append(std::slice::from_ref(&entry))?;
            Some(entry.at)
        }
        None => None,
    };
    if report.notes_left_out > 0 {
        crate::say!(
            "{} from this period left out of the update: notes are your own record (see `poc log`).",
            crate::text::plural(report.notes_left_out as i64, "note")
        );
    }
    if let Some(at) = recorded {
        crate::say!(
            "Recorded: the next `poc update` starts here ({}).",
            poc.scope.show(at)
        );
    }
    super::done(poc);
    Ok(EXIT_OK)
}
