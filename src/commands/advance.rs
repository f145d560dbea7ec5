//! `poc advance`: move to the next phase when the current one is finished.

use crate::cli::AdvanceArgs;
use crate::context::Context;
use crate::error::{EXIT_OK, Error};
use crate::journal::Event;
use crate::state::Status;
use crate::text::terminal_safe;

pub fn run(args: AdvanceArgs, ctx: &Context) -> anyhow::Result<u8> {
    let (poc, mut journal) = ctx.load_for_write()?;
    poc.ensure_open("advance")?;
    let from = poc.state.phase;
    let Some(to) = from.next() else {
        crate::fail!(
            "signoff is the last phase; record the outcome with `poc close --outcome win|loss|inconclusive`"
        );
    };
    let blocks = poc.state.gate(&poc.scope, from);
    let reason = super::optional_text(args.reason);
    if !blocks.is_empty() && !args.force {
        return Err(Error::GateNotMet { from, to, blocks }.into());
    }
    if args.force && reason.is_none() {
        return Err(Error::usage("--force needs --reason TEXT saying why").into());
    }
    let forced = args.force && !blocks.is_empty();
    let mut entry = ctx.entry(
        &poc,
        Event::Advance {
            from,
            to,
            forced,
            reason,
        },
    );
    poc.place_last(&mut entry, "advance")?;
    journal.append(std::slice::from_ref(&entry))?;
    let plan = poc.scope.plan(to);
    crate::say!(
        "Advanced to {to} (day {} of {}; planned days {}–{}){}. Run `poc check` for today's list.",
        poc.scope.day_of(entry.at).max(1),
        poc.scope.total_days(),
        plan.days.0,
        plan.days.1,
        if forced {
            format!(
                ", forced past {} open in {from}",
                crate::error::open_count(&blocks)
            )
        } else {
            String::new()
        }
    );
    // A failed criterion that does not gate the phase is easy to leave
    // behind unnoticed.
    let failed: Vec<String> = (poc.scope.success_criteria.iter())
        .filter(|c| c.phase == from && poc.state.status_of(&c.id) == Status::Failed)
        .map(|c| match &c.metric {
            Some(m) => format!(
                "{} ({}, measured by {})",
                terminal_safe(&c.id),
                c.priority.id(),
                terminal_safe(m)
            ),
            None => format!("{} ({})", terminal_safe(&c.id), c.priority.id()),
        })
        .collect();
    if !failed.is_empty() {
        let measured = (poc.scope.success_criteria.iter()).any(|c| {
            c.phase == from && c.metric.is_some() && poc.state.status_of(&c.id) == Status::Failed
        });
        let again = match measured {
            true => "`poc check ID` (`poc measure METRIC VALUE` for a criterion a metric decides)",
            false => "`poc check ID`",
        };
        crate::say!(
            "Left failed in {from}: {}. Check again with {again} once fixed; the debrief lists {}.",
            failed.join(", "),
            if failed.len() == 1 { "it" } else { "them" }
        );
    }
    Ok(EXIT_OK)
}
