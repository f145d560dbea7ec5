//! `poc advance`: move to the next phase when the current one is finished.

use crate::cli::AdvanceArgs;
use crate::context::Context;
use crate::error::{EXIT_FAILURE, EXIT_OK, UserError};
use crate::journal::Event;
use crate::state::{Status, day_of};
use crate::text::{plural, terminal_safe};

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
        let mut message = format!(
            "cannot advance from {from} to {to}: {} still open in {from} (nothing was changed)",
            plural(blocks.len() as i64, "item")
        );
        let width = crate::text::id_width(blocks.iter().map(|b| b.id.as_str()));
        for b in &blocks {
            message.push_str(&format!(
                "\n  {:<width$}  {} — {}",
                terminal_safe(&b.id),
                terminal_safe(&b.title),
                b.reason
            ));
        }
        message.push_str(
            "\nFinish them with `poc check ID`, or override with `poc advance --force --reason TEXT`.",
        );
        return Err(UserError {
            message,
            exit_code: EXIT_FAILURE,
        }
        .into());
    }
    if args.force && reason.is_none() {
        return Err(UserError::usage("--force needs --reason TEXT saying why").into());
    }
    let forced = args.force && !blocks.is_empty();
    journal.append(&[ctx.entry(Event::Advance {
        from,
        to,
        forced,
        reason: reason.map(Into::into),
    })])?;
    let plan = poc.scope.plan(to);
    eprintln!(
        "Advanced to {to} (day {} of {}; planned days {}–{}){}. Run `poc check` for today's list.",
        day_of(&poc.scope, ctx.now),
        poc.scope.total_days(),
        plan.days.0,
        plan.days.1,
        if forced {
            format!(
                ", forced past {} open in {from}",
                plural(blocks.len() as i64, "item")
            )
        } else {
            String::new()
        }
    );
    // A failed criterion that does not gate the phase is easy to leave
    // behind unnoticed.
    let failed: Vec<String> = (poc.scope.success_criteria.iter())
        .filter(|c| c.phase == from)
        .filter(|c| poc.state.marks.get(c.id.as_str()).map(|m| m.status) == Some(Status::Failed))
        .map(|c| format!("{} ({})", terminal_safe(&c.id), c.priority.id()))
        .collect();
    if !failed.is_empty() {
        eprintln!(
            "Left failed in {from}: {}. Check again with `poc check ID` once fixed; the debrief lists {}.",
            failed.join(", "),
            if failed.len() == 1 { "it" } else { "them" }
        );
    }
    Ok(EXIT_OK)
}
