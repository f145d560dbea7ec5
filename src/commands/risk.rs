//! `poc risk`: list the risks, raise one during the POC, or move one
//! (watching, triggered, retired).

use serde::Serialize;

use crate::cli::{ListFormat, RiskAddArgs, RiskArgs, RiskCommand};
use crate::context::Context;
use crate::error::{EXIT_OK, Error};
use crate::ids::Found;
use crate::journal::{Event, RiskEvent};
use crate::plan::{Level, RiskStatus};
use crate::plan_report::RiskRow;
use crate::render::{self, Tone, cell, status_cell};
use crate::text::terminal_safe;
use crate::tracking::RiskState;

/// What `poc risk --format json` prints.
#[derive(Debug, Serialize)]
pub struct RiskList {
    pub schema_version: u32,
    /// Open risks first, by likelihood × impact; retired ones last.
    pub risks: Vec<RiskRow>,
}

pub fn run(args: RiskArgs, ctx: &Context) -> anyhow::Result<u8> {
    if let Some(RiskCommand::Add(add)) = args.add {
        return raise(add, ctx);
    }
    match (args.id, args.status) {
        (Some(id), Some(status)) => {
            if args.format.is_some() {
                return Err(Error::usage(
                    "--format is for the list (`poc risk` alone); moving a risk prints one line",
                )
                .into());
            }
            move_risk(ctx, id.trim(), status.into(), args.note)
        }
        (None, None) if args.note.is_none() => list(ctx, args.format),
        _ => Err(Error::usage(
            "name the risk to move and its status, e.g. `poc risk R1 --status triggered --note TEXT`; `poc risk` alone lists them",
        )
        .into()),
    }
}

fn list(ctx: &Context, format: Option<ListFormat>) -> anyhow::Result<u8> {
    let poc = ctx.load()?;
    let report = RiskList {
        schema_version: crate::report::JSON_SCHEMA_VERSION,
        risks: crate::plan_report::risk_rows(&poc.scope, &poc.state, poc.now),
    };
    match format.unwrap_or(ListFormat::Table) {
        ListFormat::Json => crate::out(&render::json(&report)?)?,
        ListFormat::Table if report.risks.is_empty() => crate::say!(
            "No risks yet. List the plan's under `risks:` in poc.yaml (version 2), or raise one with `poc risk add TEXT`."
        ),
        ListFormat::Table => crate::out(&table(&report.risks, poc.scope.zone, ctx.color))?,
    }
    super::done(poc);
    Ok(EXIT_OK)
}

/// The risks as a table: id, title, likelihood, impact, score, owner,
/// status, since, escalation.
pub fn table(risks: &[RiskRow], zone: chrono_tz::Tz, color: bool) -> String {
    let mut t = render::table(&[
        "id",
        "risk",
        "likelihood",
        "impact",
        "score",
        "owner",
        "status",
        "since",
        "escalation",
    ]);
    for r in risks {
        t.add_row(vec![
            cell(&r.id),
            cell(&r.title),
            cell(r.likelihood.id()),
            cell(r.impact.id()),
            cell(r.score.to_string()),
            cell(r.owner.as_deref().unwrap_or_default()),
            status_cell(r.status.id(), tone(r.status), color),
            cell(
                r.since
                    .map(|t| crate::clock::local_date(t, zone).to_string())
                    .unwrap_or_default(),
            ),
            cell(escalation_text(r)),
        ]);
    }
    render::shown(t)
}

/// "escalate to Priya" when it is due, else the path the scope gives.
pub fn escalation_text(r: &RiskRow) -> String {
    match &r.escalate_now {
        Some(to) => format!("escalate to {to}"),
        None => r.escalation_path.clone(),
    }
}

pub fn tone(status: RiskStatus) -> Tone {
    match status {
        RiskStatus::Watching => Tone::Open,
        RiskStatus::Triggered => Tone::Bad,
        RiskStatus::Retired => Tone::Good,
    }
}

fn raise(args: RiskAddArgs, ctx: &Context) -> anyhow::Result<u8> {
    let title = super::non_empty(&args.words.join(" "), "the risk")?;
    let owner = super::optional_text(args.owner);
    let (likelihood, impact) = (Level::from(args.likelihood), Level::from(args.impact));
    let (poc, mut journal) = ctx.load_for_write()?;
    // A closed POC has nothing left to put at risk.
    poc.ensure_open("raise a risk")?;
    let risks = &poc.state.tracking.risks;
    let id = crate::ids::mint("R", risks.iter().map(|r| r.id.as_str()));
    let shown_owner = (owner.as_deref())
        .map(|o| format!(", owner {}", terminal_safe(o)))
        .unwrap_or_default();
    journal.append(&[ctx.entry(
        &poc,
        Event::Risk(Box::new(RiskEvent {
            id: id.clone(),
            title,
            likelihood,
            impact,
            owner,
        })),
    )])?;
    crate::say!(
        "Raised {id} ({} likelihood × {} impact, score {}{shown_owner}). When it happens: `poc risk {id} --status triggered --note TEXT`.",
        likelihood.id(),
        impact.id(),
        Level::score(likelihood, impact)
    );
    super::done(poc);
    Ok(EXIT_OK)
}

fn move_risk(
    ctx: &Context,
    input: &str,
    status: RiskStatus,
    note: Option<String>,
) -> anyhow::Result<u8> {
    let note = super::optional_text(note);
    // Moving stays possible after the close, to tidy up (retire what is
    // left), as resolving a blocker does.
    let (poc, mut journal) = ctx.load_for_write()?;
    let risk = find(&poc.state.tracking.risks, input)?;
    let shown = terminal_safe(&risk.id);
    if risk.status == status {
        let since = (risk.since)
            .map(|t| format!(" since {}", crate::clock::local_date(t, poc.scope.zone)))
            .unwrap_or_default();
        crate::say!(
            "{shown} is already {}{since} (nothing was recorded).",
            status.id()
        );
        return Ok(EXIT_OK);
    }
    let shared = (poc.state.tracking.risks.iter())
        .filter(|r| r.id == risk.id)
        .count()
        > 1;
    let mut entry = ctx.entry(
        &poc,
        Event::RiskStatus {
            id: risk.id.clone(),
            status,
            note,
            raised: risk.raised.filter(|_| shared),
        },
    );
    // Replayed before the risk was raised or last moved, the move would be
    // lost or undone.
    if let Some(floor) = risk.since.or(risk.raised) {
        let when = format!("{shown} was last raised or moved");
        super::just_after(&poc, &mut entry, floor, &when);
    }
    journal.append(&[entry])?;
    crate::say!(
        "{shown} is now {}: {}",
        status.id(),
        terminal_safe(&risk.title)
    );
    if status == RiskStatus::Triggered
        && let Some(planned) = poc.scope.risks.iter().find(|p| p.id == risk.id)
    {
        if let Some(contingency) = &planned.contingency {
            crate::say!("Contingency: {}", terminal_safe(contingency));
        }
        if !planned.escalation.is_empty() {
            crate::say!(
                "Escalation: {}; once a step is due, `poc status`, `poc check` and `poc update` say who to escalate to.",
                terminal_safe(&crate::plan::escalation_path(&planned.escalation))
            );
        }
    }
    super::done(poc);
    Ok(EXIT_OK)
}

/// The risk `input` names: a scope risk by its ID as written in poc.yaml,
/// a raised one by its whole ID (any case) or its short form (`R3` for
/// `R3-K7Q`) while only one has it, or `ID#N`, the Nth of several with one
/// ID (a raised risk reusing a scope risk's, a merge).
fn find<'a>(risks: &'a [RiskState], input: &str) -> Result<&'a RiskState, Error> {
    let base = crate::ids::numbered(input).map_or(input, |(base, _)| base);
    // A scope ID is exact, like every ID poc.yaml gives.
    let inexact = |r: &RiskState| r.raised.is_none() && r.id != base;
    match crate::ids::find(risks, |r| &r.id, input) {
        Found::One(one) if !inexact(one) => Ok(one),
        Found::One(_) | Found::None => Err(crate::ids::unknown(
            input,
            "risk",
            "risks",
            risks.iter().map(|r| r.id.as_str()),
            "none is listed in poc.yaml (`risks:`) or raised with `poc risk add`",
        )),
        Found::Many(many) => Err(Error::AmbiguousId {
            id: terminal_safe(input),
            what: "risks",
            candidates: (many.iter().zip(crate::ids::labels(&many, |r| &r.id)))
                .map(|(r, label)| {
                    format!(
                        "{label} ({}, {})",
                        crate::text::truncate(&terminal_safe(&r.title), 40),
                        r.status.id()
                    )
                })
                .collect(),
        }),
    }
}
