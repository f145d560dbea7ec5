//! `poc park`: park an out-of-scope request for after the POC.

use crate::cli::TextArgs;
use crate::context::Context;
use crate::error::EXIT_OK;
use crate::journal::Event;

pub fn run(args: TextArgs, ctx: &Context) -> anyhow::Result<u8> {
    let text = super::non_empty(&args.text(), "the request")?;
    let (poc, mut journal) = ctx.load_for_write()?;
    // The same request asked twice is still one request for the debrief.
    let same = |parked: &str| parked.trim().to_lowercase() == text.to_lowercase();
    if let Some(p) = poc.state.parked.iter().find(|p| same(&p.text)) {
        crate::say!(
            "Already parked on {}: {} (nothing was recorded)",
            crate::clock::local_date(p.at, poc.scope.zone),
            crate::text::terminal_safe(&p.text)
        );
        return Ok(EXIT_OK);
    }
    journal.append(&[ctx.entry(&poc, Event::Park { text })])?;
    crate::say!(
        "Parked for after the POC ({} parked). It will be listed in the debrief as scope creep to follow up.",
        poc.state.parked.len() + 1
    );
    Ok(EXIT_OK)
}
