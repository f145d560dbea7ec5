//! `poc`: run a sales proof of concept from the terminal, in plain files.
//!
//! The public surface is the domain a program needs to read POCs (the
//! portfolio, the fuzz target, the property tests): [`Poc::open`] loads a
//! folder into plain owned data; `scope`, `journal`, `event`, `state` and
//! `report` are what it holds; `render` turns a report into documents;
//! `error` is the one error type. The command line (`cli`, `commands`) and
//! the plumbing (files, text, YAML, runs) stay inside the crate.

pub mod clock;
pub mod debrief_doc;
pub mod error;
pub mod event;
pub mod insights;
pub mod journal;
pub mod plan;
pub mod plan_report;
pub mod portfolio;
pub mod progress;
pub mod render;
pub mod report;
pub mod scope;
pub mod similar;
pub mod state;
pub mod summary;
pub mod summary_cache;
pub mod tracking;
pub mod update;

pub(crate) mod catalog;
pub(crate) mod cli;
pub(crate) mod commands;
pub(crate) mod complete;
pub(crate) mod config;
pub(crate) mod context;
pub(crate) mod evidence;
pub(crate) mod fsutil;
pub(crate) mod html;
pub(crate) mod ical;
pub(crate) mod ids;
pub(crate) mod locate;
pub(crate) mod output;
pub(crate) mod run;
pub(crate) mod schema;
pub(crate) mod text;
pub(crate) mod yaml;

pub use context::Poc;
pub use error::Error;

/// The documented size caps, in bytes.
pub mod limits {
    pub use crate::evidence::MAX_ATTACHMENT_BYTES;
    pub use crate::journal::MAX_JOURNAL_BYTES;
    pub use crate::run::MAX_RUN_LOG_BYTES;
    pub use crate::scope::MAX_SCOPE_BYTES;
}

use std::ffi::OsString;
use std::io::Write;

use crate::error::{EXIT_FAILURE, EXIT_OK};

/// Answers a shell's completion request (`COMPLETE=SHELL`, set by the
/// script `poc completions` prints) and exits; otherwise returns at once.
/// Called first thing, before anything is printed.
pub fn complete_if_asked() {
    complete::answer_if_asked();
}

/// Runs `poc` with `args` and returns the exit code. Errors are printed once,
/// as `error: …`, on stderr.
pub fn run<I: IntoIterator<Item = OsString>>(args: I) -> u8 {
    let cli = match cli::Cli::parse_from_args(args, commands::init_ask::may_ask()) {
        Ok(cli) => cli,
        Err(e) => {
            let code = e.exit_code() as u8;
            let _ = e.print();
            return code;
        }
    };
    match commands::dispatch(cli) {
        Ok(code) => code,
        Err(e) if e.is::<BrokenPipe>() => EXIT_OK,
        Err(e) => {
            let (message, code) = match e.downcast_ref::<Error>() {
                Some(u) => (u.to_string(), u.exit_code()),
                None => (format!("{e:#}"), EXIT_FAILURE),
            };
            // Messages quote what the user typed; never let it drive the terminal.
            say!("error: {}", text::terminal_safe_lines(&message));
            code
        }
    }
}

/// stdout was closed (`poc log | head`): the run ends quietly, with success.
#[derive(Debug)]
pub(crate) struct BrokenPipe;

impl std::fmt::Display for BrokenPipe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("stdout is closed")
    }
}

impl std::error::Error for BrokenPipe {}

/// Prints data to stdout. A closed pipe ends the command quietly.
pub(crate) fn out(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(BrokenPipe.into()),
        Err(e) => Err(e.into()),
    }
}

/// Writes a message line to stderr. A closed or full stderr drops it: the
/// entry it reports on is already recorded, and a message is not worth a
/// crash (`eprintln!` would panic).
pub(crate) fn say_line(args: std::fmt::Arguments) {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr
        .write_fmt(args)
        .and_then(|()| stderr.write_all(b"\n"));
}

/// A message to the user on stderr, never panicking.
#[macro_export]
#[doc(hidden)]
macro_rules! say {
    ($($arg:tt)*) => { $crate::say_line(format_args!($($arg)*)) };
}

/// `warning: …` on stderr, never panicking.
#[macro_export]
#[doc(hidden)]
macro_rules! warn {
    ($($arg:tt)*) => { $crate::say_line(format_args!("warning: {}", format_args!($($arg)*))) };
}
