//! `poc completions SHELL`: the script that registers `poc`'s completion.

use crate::cli::CompletionsArgs;
use crate::error::EXIT_OK;

pub fn run(args: CompletionsArgs) -> anyhow::Result<u8> {
    crate::out(&crate::complete::registration(args.shell.name())?)?;
    Ok(EXIT_OK)
}
