//! `poc gap`: record a product gap the prospect hit, or resolve one with a
//! workaround or a fix. Gaps live in the journal only, so they work in a
//! scope of any version.

use crate::cli::GapArgs;
use crate::context::{Context, Poc};
use crate::error::{EXIT_OK, Error};
use crate::ids::Found;
use crate::journal::{Event, GapEvent, LockedJournal};
use crate::plan::GapSeverity;
use crate::text::terminal_safe;
use crate::tracking::GapState;

pub fn run(args: GapArgs, ctx: &Context) -> anyhow::Result<u8> {
    // clap lets `requires` pass when the required flag conflicts with a
    // given argument (here the gap's text), so say it here.
    if args.note.is_some() && args.resolve.is_none() {
        return Err(Error::usage(
            "--note says how a gap was resolved and goes with --resolve ID; put a workaround in --workaround instead (nothing was recorded)",
        )
        .into());
    }
    if let Some(resolve) = &args.resolve
        && !args.words.is_empty()
    {
        // `poc gap G1 --resolve --note x`: the ID went where the text goes.
        let message = match args.words.as_slice() {
            [id] if resolve.trim().is_empty() => format!(
                "--resolve takes the gap's ID: `poc gap --resolve {} --note TEXT` (nothing was recorded)",
                terminal_safe(id)
            ),
            _ => "--resolve ID closes a gap and takes no gap text; the text is for a new gap with --severity (nothing was recorded)".to_string(),
        };
        return Err(Error::usage(message).into());
    }
    match (args.resolve, args.severity) {
        (Some(id), _) => {
            let id = id.trim().to_string();
            if id.is_empty() {
                return Err(Error::usage(
                    "--resolve needs the gap's ID, such as G1 (nothing was recorded)",
                )
                .into());
            }
            let note = super::non_empty(
                args.note.as_deref().unwrap_or_default(),
                "--note (how the gap was resolved)",
            )?;
            let (poc, journal) = ctx.load_for_write()?;
            resolve(ctx, &poc, journal, &id, note)
        }
        (None, Some(severity)) => {
            let gap = NewGap {
                text: super::non_empty(&args.words.join(" "), "the gap")?,
                severity: severity.into(),
                feature: super::optional_text(args.feature),
                criterion: super::optional_text(args.criterion),
                workaround: super::optional_text(args.workaround),
            };
            let (poc, journal) = ctx.load_for_write()?;
            record(ctx, &poc, journal, gap)
        }
        (None, None) => Err(Error::usage(
            "say how badly the gap hurts the deal: --severity deal-breaker|challenge|nice-to-have",
        )
        .into()),
    }
}

struct NewGap {
    text: String,
    severity: GapSeverity,
    feature: Option<String>,
    criterion: Option<String>,
    workaround: Option<String>,
}

fn record(ctx: &Context, poc: &Poc, mut journal: LockedJournal, gap: NewGap) -> anyhow::Result<u8> {
    // Resolving stays possible after the close (the fix may ship later);
    // a new gap belongs to a POC still running.
    poc.ensure_open("record a product gap")?;
    if let Some(criterion) = &gap.criterion {
        known_criterion(poc, criterion)?;
    }
    let id = crate::ids::mint("G", poc.state.tracking.gaps.iter().map(|g| g.id.as_str()));
    let severity = gap.severity;
    journal.append(&[ctx.entry(
        poc,
        Event::Gap(Box::new(GapEvent {
            id: id.clone(),
            text: gap.text,
            severity,
            feature: gap.feature,
            criterion: gap.criterion,
            workaround: gap.workaround,
        })),
    )])?;
    let acv = match poc.scope.acv {
        Some(acv) => format!(", on a deal of ACV ${}", crate::text::thousands(acv)),
        None => String::new(),
    };
    crate::say!(
        "Recorded {id} ({}{acv}). Resolve it with `poc gap --resolve {id} --note TEXT` once worked around or fixed.",
        severity.id()
    );
    Ok(EXIT_OK)
}

/// `--criterion` names one of the scope's success criteria, as written.
fn known_criterion(poc: &Poc, id: &str) -> Result<(), Error> {
    let criteria = poc.scope.success_criteria.iter().map(|c| c.id.as_str());
    if criteria.clone().any(|c| c == id) {
        return Ok(());
    }
    Err(crate::ids::unknown(
        id,
        "success criterion",
        "criteria",
        criteria,
        "poc.yaml has no success criteria",
    ))
}

fn resolve(
    ctx: &Context,
    poc: &Poc,
    mut journal: LockedJournal,
    input: &str,
    note: String,
) -> anyhow::Result<u8> {
    let gap = find(&poc.state.tracking.gaps, input)?;
    let shown = terminal_safe(&gap.id);
    if let Some(at) = gap.resolved {
        crate::fail!(
            "gap {shown} was already resolved on {} (nothing was recorded)",
            crate::clock::local_date(at, poc.scope.zone)
        );
    }
    let shared = (poc.state.tracking.gaps.iter())
        .filter(|g| g.id == gap.id)
        .count()
        > 1;
    let mut entry = ctx.entry(
        poc,
        Event::GapResolve {
            id: gap.id.clone(),
            note,
            opened: shared.then_some(gap.opened),
        },
    );
    super::just_after(
        poc,
        &mut entry,
        gap.opened,
        &format!("{shown} was recorded"),
    );
    journal.append(&[entry])?;
    crate::say!("Resolved {shown}: {}", terminal_safe(&gap.text));
    Ok(EXIT_OK)
}

/// The gap `input` names: its whole ID (any case), its short form (`G1`
/// for `G1-K7Q`) while only one has it, or `ID#N`, the Nth of several
/// with one ID.
fn find<'a>(gaps: &'a [GapState], input: &str) -> Result<&'a GapState, Error> {
    match crate::ids::find(gaps, |g| &g.id, input) {
        Found::One(one) => Ok(one),
        Found::None => Err(crate::ids::unknown(
            input,
            "product gap",
            "gaps",
            gaps.iter().map(|g| g.id.as_str()),
            "none has been recorded",
        )),
        Found::Many(many) => Err(Error::AmbiguousId {
            id: terminal_safe(input),
            what: "gaps",
            candidates: (many.iter().zip(crate::ids::labels(&many, |g| &g.id)))
                .map(|(g, label)| {
                    let resolved = if g.resolved.is_some() {
                        ", resolved"
                    } else {
                        ""
                    };
                    format!(
                        "{label} ({}{resolved})",
                        crate::text::truncate(&terminal_safe(&g.text), 40)
                    )
                })
                .collect(),
        }),
    }
}
