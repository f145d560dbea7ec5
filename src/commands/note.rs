//! `poc note`: add a note to the journal.

use crate::cli::TextArgs;
use crate::context::Context;
use crate::error::EXIT_OK;
use crate::journal::Event;

pub fn run(args: TextArgs, ctx: &Context) -> anyhow::Result<u8> {
    let text = super::non_empty(&args.text(), "the note")?;
    let (poc, mut journal) = ctx.load_for_write()?;
    journal.append(&[ctx.entry(&poc, Event::Note { text: text.into() })])?;
    crate::say!("Noted.");
    Ok(EXIT_OK)
}
