//! `poc reopen`: go back to an earlier phase, or reopen a closed POC.

use crate::cli::ReopenArgs;
use crate::context::Context;
use crate::error::{EXIT_OK, Error, did_you_mean};
use crate::journal::Event;
use crate::scope::Phase;

pub fn run(args: ReopenArgs, ctx: &Context) -> anyhow::Result<u8> {
    let to = Phase::parse(args.phase.trim()).ok_or_else(|| {
        Error::usage(format!(
            "unknown phase `{}`{}; the phases are setup, deployment, validation, integration, signoff",
            args.phase,
            did_you_mean(&args.phase, Phase::ALL.iter().map(|p| p.id()))
        ))
    })?;
    let reason = super::non_empty(&args.reason, "--reason")?;
    let (poc, mut journal) = ctx.load_for_write()?;
    let current = poc.state.phase;
    if !poc.state.is_closed() && to >= current {
        crate::fail!(
            "the POC is in {current}; reopen goes back to an earlier phase (or reopens a closed POC)"
        );
    }
    if poc.state.is_closed() && to > current {
        crate::fail!("the POC was closed in {current}; reopen it at {current} or an earlier phase");
    }
    let closed = poc.state.closure.as_ref().map(|c| c.outcome);
    let mut entry = ctx.entry(&poc, Event::Reopen { to, reason, closed });
    poc.place_last(&mut entry, "reopen")?;
    journal.append(&[entry])?;
    crate::say!("Reopened at {to}. Run `poc check` for its open items.");
    Ok(EXIT_OK)
}
