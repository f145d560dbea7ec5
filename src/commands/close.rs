//! `poc close`: record the outcome.

use crate::cli::{CloseArgs, OutcomeArg};
use crate::context::Context;
use crate::error::{EXIT_OK, Error};
use crate::journal::{Event, Outcome};
use crate::report::{DEBRIEF_FILE, describe_due};
use crate::scope::Phase;

pub fn run(args: CloseArgs, ctx: &Context) -> anyhow::Result<u8> {
    let outcome = match args.outcome {
        OutcomeArg::Win => Outcome::Win,
        OutcomeArg::Loss => Outcome::Loss,
        OutcomeArg::Inconclusive => Outcome::Inconclusive,
    };
    let (poc, mut journal) = ctx.load_for_write()?;
    if let Some(c) = &poc.state.closure {
        crate::fail!(
            "the POC is already closed ({}); run `poc reopen PHASE --reason TEXT` first to change it",
            c.outcome.id()
        );
    }
    let phase = poc.state.phase;
    let mut needs_force = Vec::new();
    if phase != Phase::Signoff {
        needs_force.push(format!(
            "the POC is in {phase}, not signoff (closing now cancels it)"
        ));
    }
    if outcome == Outcome::Win {
        let unmet: Vec<_> = poc
            .state
            .unmet_musts(&poc.scope)
            .iter()
            .map(|c| c.id.as_str())
            .collect();
        if !unmet.is_empty() {
            needs_force.push(format!("`must` criteria not met: {}", unmet.join(", ")));
        }
    }
    if !needs_force.is_empty() && !args.force {
        return Err(Error::new(format!(
            "cannot close as {}: {} (nothing was changed); pass --force --reason TEXT to close anyway",
            outcome.id(),
            needs_force.join("; ")
        ))
        .into());
    }
    let reason = super::optional_text(args.reason);
    if args.force && reason.is_none() {
        return Err(Error::usage("--force needs --reason TEXT saying why").into());
    }
    let entry = ctx.entry(
        &poc,
        Event::Close {
            outcome,
            reason,
            forced: !needs_force.is_empty(),
            from: Some(phase),
        },
    );
    poc.ensure_latest(entry.at, "close")?;
    journal.append(std::slice::from_ref(&entry))?;
    let mut after = poc.state.clone();
    crate::context::take_in(
        &mut after,
        &poc.scope,
        &poc.journal,
        std::slice::from_ref(&entry),
    );
    let report = poc.status_at(&after, entry.at);
    let due = (report.debrief.as_ref())
        .map(|d| describe_due(d, poc.scope.zone))
        .unwrap_or_default();
    // Closed again after a reopen: the debrief of the first close is there.
    let next = if poc.dir.join(DEBRIEF_FILE).exists() {
        format!(
            "run `poc debrief --force` to rewrite {DEBRIEF_FILE} (the old one is kept as a backup)"
        )
    } else {
        "run `poc debrief`".to_string()
    };
    crate::say!(
        "Closed: {} {}. Debrief {due}: {next}.",
        outcome.title(),
        match report.duration_days() {
            0 => "before day 1".to_string(),
            days => format!("after {}", crate::text::plural(days, "day")),
        }
    );
    Ok(EXIT_OK)
}
