//! `poc close`: record the outcome.

use crate::cli::CloseArgs;
use chrono::{DateTime, Utc};

use crate::context::{Context, Poc};
use crate::error::{EXIT_OK, Error};
use crate::journal::{Event, Outcome};
use crate::report::{DEBRIEF_FILE, describe_due};
use crate::scope::Phase;
use crate::text::terminal_safe;

pub fn run(args: CloseArgs, ctx: &Context) -> anyhow::Result<u8> {
    let outcome = Outcome::from(args.outcome);
    let (mut poc, mut journal) = ctx.load_for_write()?;
    if let Some(c) = &poc.state.closure {
        crate::fail!(
            "the POC is already closed ({}); run `poc reopen PHASE --reason TEXT` first to change it",
            c.outcome.id()
        );
    }
    let needs_force = needs_force(&poc, outcome);
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
    let close = Event::Close {
        outcome,
        reason,
        forced: !needs_force.is_empty(),
        from: Some(poc.state.phase),
    };
    let mut entry = ctx.entry(&poc, close);
    poc.place_last(&mut entry, "close")?;
    poc.record(&mut journal, std::slice::from_ref(&entry))?;
    announce(&poc, outcome, entry.at);
    Ok(EXIT_OK)
}

/// Why closing with `outcome` now takes `--force`: closing before signoff
/// cancels the POC; a win with a `must` unmet is no clear win.
fn needs_force(poc: &Poc, outcome: Outcome) -> Vec<String> {
    let mut out = Vec::new();
    let phase = poc.state.phase;
    if phase != Phase::Signoff {
        out.push(format!(
            "the POC is in {phase}, not signoff (closing now cancels it)"
        ));
    }
    let unmet = poc.state.unmet_musts(&poc.scope);
    if outcome == Outcome::Win && !unmet.is_empty() {
        let ids: Vec<&str> = unmet.iter().map(|c| c.id.as_str()).collect();
        out.push(format!("`must` criteria not met: {}", ids.join(", ")));
    }
    if outcome == Outcome::Win
        && let Some(missing) = missing_final_signoffs(poc)
    {
        out.push(missing);
    }
    out
}

/// "the final sign-off SO2 (Marcus Webb) is not given; …": a win is the
/// customer's to approve when the plan names who approves the result.
fn missing_final_signoffs(poc: &Poc) -> Option<String> {
    let pending = poc.state.tracking.pending_finals(&poc.scope);
    let named = |s: &&crate::plan::Signoff| format!("{} ({})", s.id, terminal_safe(&s.name));
    match pending.as_slice() {
        [] => None,
        [one] => Some(format!(
            "the final sign-off {} is not given; record it with `poc signoff {} --evidence TEXT`",
            named(one),
            one.id
        )),
        many => Some(format!(
            "the final sign-offs {} are not given; record each with `poc signoff ID --evidence TEXT`",
            many.iter().map(named).collect::<Vec<_>>().join(", ")
        )),
    }
}

/// "Closed: Technical Win after 12 days. Debrief due in 48 h (…): run …".
fn announce(poc: &Poc, outcome: Outcome, at: DateTime<Utc>) {
    let report = poc.status_at(&poc.state, at);
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
    let after = match report.duration_days() {
        0 => "before day 1".to_string(),
        days => format!("after {}", crate::text::plural(days, "day")),
    };
    crate::say!(
        "Closed: {} {after}. Debrief {due}: {next}.",
        outcome.title()
    );
}
