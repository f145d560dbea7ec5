//! `poc blocker`: open a blocker, or resolve one.

use crate::cli::BlockerArgs;
use crate::context::Context;
use crate::error::{EXIT_OK, UserError};
use crate::journal::Event;
use crate::text::terminal_safe;

pub fn run(args: BlockerArgs, ctx: &Context) -> anyhow::Result<u8> {
    // clap lets `requires` pass when the required flag conflicts with a
    // given argument (here the blocker's text), so say it here.
    if !args.note.is_empty() && args.resolve.is_none() {
        return Err(UserError::usage(
            "--note says how a blocker was resolved and goes with --resolve ID; put the detail in the blocker's text instead (nothing was recorded)",
        )
        .into());
    }
    let (poc, mut journal) = ctx.load_for_write()?;
    if let Some(id) = args.resolve {
        let id = id.trim().to_uppercase();
        let Some(blocker) = poc.state.blockers.iter().find(|b| b.id == id) else {
            let known: Vec<&str> = poc.state.blockers.iter().map(|b| b.id.as_str()).collect();
            crate::fail!(
                "no blocker `{id}`{}",
                if known.is_empty() {
                    "; none has been opened".to_string()
                } else {
                    format!("; blockers: {}", known.join(", "))
                }
            );
        };
        if blocker.resolved.is_some() {
            crate::fail!("blocker {id} is already resolved");
        }
        let note = super::optional_text((!args.note.is_empty()).then(|| args.note.join(" ")));
        journal.append(&[ctx.entry(Event::Resolve {
            id: id.clone().into(),
            note: note.map(Into::into),
        })])?;
        eprintln!(
            "Resolved {}: {}",
            terminal_safe(&id),
            terminal_safe(&blocker.text)
        );
        return Ok(EXIT_OK);
    }
    // Resolving stays possible after the close, to tidy up; a new blocker
    // has nothing left to block.
    poc.ensure_open("open a blocker")?;
    let text = super::non_empty(&args.words.join(" "), "the blocker")?;
    let id = poc.journal.next_blocker_id();
    journal.append(&[ctx.entry(Event::Blocker {
        id: id.clone().into(),
        text: text.into(),
    })])?;
    eprintln!(
        "Opened {id}. Escalate early; resolve it with `poc blocker --resolve {id} --note TEXT`."
    );
    Ok(EXIT_OK)
}
