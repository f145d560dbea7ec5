//! `poc`: run a sales proof of concept from the terminal, in plain files.
//!
//! The domain (scope, journal, state machine, report, rendering) knows
//! nothing of the command line; `cli` holds the clap definitions and
//! `commands` one file per subcommand.

pub mod cli;
pub mod clock;
pub mod commands;
pub mod context;
pub mod error;
pub mod evidence;
pub mod fsutil;
pub mod journal;
pub mod locate;
pub mod render;
pub mod report;
pub mod run;
pub mod scope;
pub mod state;
pub mod text;
pub mod yaml;

use std::ffi::OsString;
use std::io::Write;

use clap::Parser;

use crate::error::{EXIT_FAILURE, EXIT_OK, UserError};

/// Runs `poc` with `args` and returns the exit code. Errors are printed once,
/// as `error: …`, on stderr.
pub fn run<I: IntoIterator<Item = OsString>>(args: I) -> u8 {
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = e.exit_code() as u8;
            let _ = e.print();
            return code;
        }
    };
    match commands::dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            let (message, code) = match e.downcast_ref::<UserError>() {
                Some(u) => (u.message.clone(), u.exit_code),
                None => (format!("{e:#}"), EXIT_FAILURE),
            };
            // Messages quote what the user typed; never let it drive the terminal.
            eprintln!("error: {}", text::terminal_safe_lines(&message));
            code
        }
    }
}

/// Prints data to stdout. A closed pipe (`poc log | head`) ends the program
/// quietly with success.
pub fn out(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(EXIT_OK.into()),
        Err(e) => Err(e.into()),
    }
}
