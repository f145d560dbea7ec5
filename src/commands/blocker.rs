//! `poc blocker`: open a blocker, or resolve one.

use crate::cli::BlockerArgs;
use crate::context::{Context, Poc};
use crate::error::{EXIT_OK, Error};
use crate::ids::Found;
use crate::journal::{BlockerPlan, Event, LockedJournal};
use crate::state::Blocker;
use crate::text::terminal_safe;

pub fn run(args: BlockerArgs, ctx: &Context) -> anyhow::Result<u8> {
    // clap lets `requires` pass when the required flag conflicts with a
    // given argument (here the blocker's text), so say it here.
    if !args.note.is_empty() && args.resolve.is_none() {
        return Err(Error::usage(
            "--note says how a blocker was resolved and goes with --resolve ID; put the detail in the blocker's text instead (nothing was recorded)",
        )
        .into());
    }
    let (poc, journal) = ctx.load_for_write()?;
    match args.resolve {
        Some(id) if id.trim().is_empty() => Err(Error::usage(
            "--resolve needs the blocker's ID, such as B3 (nothing was recorded)",
        )
        .into()),
        Some(id) => {
            let note = super::optional_text((!args.note.is_empty()).then(|| args.note.join(" ")));
            resolve(ctx, &poc, journal, id.trim(), note)
        }
        None => {
            let text = args.words.join(" ");
            let escalation = BlockerPlan {
                owner: super::optional_text(args.owner),
                severity: args.severity.map(Into::into),
                escalate_to: args.escalate_to.map(|to| to.trim().to_string()),
                after_days: args.after,
            };
            open(ctx, &poc, journal, &text, escalation)
        }
    }
}

/// "owner Sam, high severity; escalate to Jordan after 2 days", or
/// nothing.
fn describe(plan: &BlockerPlan) -> Option<String> {
    let who = [
        plan.owner
            .as_ref()
            .map(|o| format!("owner {}", terminal_safe(o))),
        plan.severity.map(|s| format!("{} severity", s.id())),
    ];
    let who: Vec<String> = who.into_iter().flatten().collect();
    let when = plan.escalate_to.as_ref().map(|to| {
        let days = i64::from(plan.after_days.unwrap_or(0));
        match days {
            0 => format!("escalate to {} now", terminal_safe(to)),
            _ => format!(
                "escalate to {} after {} open",
                terminal_safe(to),
                crate::text::plural(days, "day")
            ),
        }
    });
    let parts: Vec<String> = [(!who.is_empty()).then(|| who.join(", ")), when]
        .into_iter()
        .flatten()
        .collect();
    (!parts.is_empty()).then(|| parts.join("; "))
}

fn open(
    ctx: &Context,
    poc: &Poc,
    mut journal: LockedJournal,
    text: &str,
    escalation: BlockerPlan,
) -> anyhow::Result<u8> {
    // Resolving stays possible after the close, to tidy up; a new blocker
    // has nothing left to block.
    poc.ensure_open("open a blocker")?;
    let text = super::non_empty(text, "the blocker")?;
    if escalation.escalate_to.as_deref() == Some("") {
        return Err(Error::usage(
            "--escalate-to names who to escalate to; it is empty (nothing was recorded)",
        )
        .into());
    }
    let id = crate::ids::mint("B", poc.state.blockers.iter().map(|b| b.id.as_str()));
    let described = describe(&escalation);
    journal.append(&[ctx.entry(
        poc,
        Event::Blocker {
            id: id.clone(),
            text,
            plan: escalation.boxed(),
        },
    )])?;
    let described = described.map(|d| format!(" ({d})")).unwrap_or_default();
    crate::say!(
        "Opened {id}{described}. Escalate early; resolve it with `poc blocker --resolve {id} --note TEXT`."
    );
    Ok(EXIT_OK)
}

fn resolve(
    ctx: &Context,
    poc: &Poc,
    mut journal: LockedJournal,
    input: &str,
    note: Option<String>,
) -> anyhow::Result<u8> {
    let blocker = find(&poc.state.blockers, input)?;
    let shown = terminal_safe(&blocker.id);
    if blocker.resolved.is_some() {
        crate::fail!("blocker {shown} is already resolved (nothing was recorded)");
    }
    let duplicated = poc
        .state
        .blockers
        .iter()
        .filter(|b| b.id.eq_ignore_ascii_case(&blocker.id))
        .count()
        > 1;
    let mut entry = ctx.entry(
        poc,
        Event::Resolve {
            id: blocker.id.clone(),
            note,
            opened: duplicated.then_some(blocker.opened),
        },
    );
    super::just_after(
        poc,
        &mut entry,
        blocker.opened,
        &format!("{shown} was opened"),
    );
    journal.append(&[entry])?;
    crate::say!("Resolved {shown}: {}", terminal_safe(&blocker.text));
    Ok(EXIT_OK)
}

/// The blocker `input` names: its ID (any case), its short form (`B3` for
/// `B3-K7Q`) when only one has it, or `ID#N`, the Nth of several blockers
/// a hand edit gave one ID.
fn find<'a>(blockers: &'a [Blocker], input: &str) -> Result<&'a Blocker, Error> {
    match crate::ids::find(blockers, |b| &b.id, input) {
        Found::One(one) => {
            // A resolve names its blocker by ID and opening time: two of
            // one instant cannot be told apart.
            let twin = (blockers.iter())
                .filter(|b| b.id.eq_ignore_ascii_case(&one.id) && b.opened == one.opened)
                .count()
                > 1;
            if twin && crate::ids::numbered(input).is_some() {
                return Err(Error::new(format!(
                    "`{}` and another blocker with its ID were opened at the same instant, so a resolve cannot tell them apart; give one of them another ID in journal.yaml (nothing was recorded)",
                    terminal_safe(input)
                )));
            }
            Ok(one)
        }
        Found::None => Err(unknown(blockers, input)),
        // Never a guess: after a merge, the blocker still open may be the
        // colleague's, not the one the SE meant.
        Found::Many(many) => Err(Error::AmbiguousId {
            id: terminal_safe(input),
            what: "blockers",
            candidates: addresses(&many),
        }),
    }
}

/// How to name each of several blockers: its full ID, or `ID#N` when
/// they share one.
fn addresses(blockers: &[&Blocker]) -> Vec<String> {
    let labels = crate::ids::labels(blockers, |b| &b.id);
    (blockers.iter().zip(labels))
        .map(|(b, label)| {
            let text = crate::text::truncate(&terminal_safe(&b.text), 40);
            let resolved = if b.resolved.is_some() {
                ", resolved"
            } else {
                ""
            };
            format!("{label} ({text}{resolved})")
        })
        .collect()
}

fn unknown(blockers: &[Blocker], input: &str) -> Error {
    let ids = blockers.iter().map(|b| b.id.as_str());
    crate::ids::unknown(input, "blocker", "blockers", ids, "none has been opened")
}
