//! One file per subcommand; `dispatch` is the one place that matches on them.

use std::path::PathBuf;

use anyhow::Context as _;

use crate::cli::{Cli, Command};
use crate::context::{Context, Poc};
use crate::error::Error;

pub mod advance;
pub mod blocker;
pub mod calendar;
pub mod check;
pub mod checklist;
pub mod close;
pub mod completions;
pub mod config;
pub mod debrief;
pub mod evidence;
pub mod gap;
pub mod init;
pub mod init_ask;
pub mod insights;
pub mod list;
pub mod log;
pub mod man;
pub mod measure;
pub mod note;
pub mod park;
pub mod reopen;
pub mod report;
pub mod risk;
pub mod schema;
pub mod signoff;
pub mod similar;
pub mod status;
pub mod templates;
pub mod update;
pub mod validate;

/// Runs the parsed command; returns the exit code.
pub fn dispatch(cli: Cli) -> anyhow::Result<u8> {
    // What is printed from the definitions alone needs no POC, no clock and
    // no config: a broken config must not stop the tools that help fix it.
    let command = match cli.command {
        Command::Completions(args) => return completions::run(args),
        Command::Man(args) => return man::run(args),
        Command::Schema => return schema::run(),
        command => command,
    };
    let ctx = Context::from_env(cli.dir)?;
    match command {
        Command::Init(args) => init::run(args, &ctx),
        Command::Templates(args) => templates::run(args, &ctx),
        Command::Config(args) => config::run(args, &ctx),
        Command::Validate(args) => validate::run(args, &ctx),
        Command::Status(args) => status::run(args, &ctx),
        Command::Check(args) => check::run(args, &ctx),
        Command::Note(args) => note::run(args, &ctx),
        Command::Park(args) => park::run(args, &ctx),
        Command::Blocker(args) => blocker::run(args, &ctx),
        Command::Log(args) => log::run(args, &ctx),
        Command::Checklist(args) => checklist::run(args, &ctx),
        Command::Advance(args) => advance::run(args, &ctx),
        Command::Reopen(args) => reopen::run(args, &ctx),
        Command::Close(args) => close::run(args, &ctx),
        Command::Debrief(args) => debrief::run(args, &ctx),
        Command::Evidence(args) => evidence::run(args, &ctx),
        Command::Update(args) => update::run(args, &ctx),
        Command::Report(args) => report::run(args, &ctx),
        Command::Calendar(args) => calendar::run(args, &ctx),
        Command::Signoff(args) => signoff::run(args, &ctx),
        Command::Risk(args) => risk::run(args, &ctx),
        Command::Measure(args) => measure::run(args, &ctx),
        Command::Gap(args) => gap::run(args, &ctx),
        Command::List(args) => list::run(args, &ctx),
        // Run above, before the context.
        Command::Completions(args) => completions::run(args),
        Command::Man(args) => man::run(args),
        Command::Schema => schema::run(),
        Command::Similar(args) => similar::run(args, &ctx),
        Command::Insights(args) => insights::run(args, &ctx),
    }
}

// --- Shared by the commands that read many POCs (list, insights). ---

/// The folders to search: those given, else -C DIR, else the current
/// folder; each must be a folder (`poc list` and `poc insights`).
pub fn roots(given: &[PathBuf], ctx: &Context) -> Result<Vec<PathBuf>, Error> {
    let roots = match (given.is_empty(), &ctx.dir) {
        (false, _) => given.to_vec(),
        (true, Some(dir)) => vec![dir.clone()],
        (true, None) => vec![PathBuf::from(".")],
    };
    for root in &roots {
        if !root.is_dir() {
            let what = match root.exists() {
                true => "not a folder; name the folder to search",
                false => "no such folder",
            };
            return Err(Error::usage(format!(
                "{}: {what}",
                crate::text::terminal_safe(&root.display().to_string())
            )));
        }
    }
    Ok(roots)
}

/// Every POC folder under `roots`, as the user would write it from the
/// current folder; a folder that could not be searched is a warning.
pub fn scan(roots: &[PathBuf]) -> anyhow::Result<Vec<crate::portfolio::Folder>> {
    let cwd = std::env::current_dir().context("cannot read the current folder")?;
    let (found, unsearched) = crate::portfolio::find(roots);
    for problem in &unsearched {
        crate::warn!("not searched: {}", crate::text::terminal_safe(problem));
    }
    Ok(found
        .into_iter()
        .map(|path| {
            let shown = crate::portfolio::shown(&path, &cwd);
            // Read as shown, so errors name files as the user writes them;
            // a name that is not UTF-8, from where it really is.
            let path = match path.to_str() {
                Some(_) => PathBuf::from(&shown),
                None => path,
            };
            crate::portfolio::Folder { path, shown }
        })
        .collect())
}

/// Ends a command's use of its POC without freeing it entry by entry: the
/// process exits right after, and freeing a 50,000-entry journal was a
/// tenth of what `status` cost (bench/run.sh). Only a command does this,
/// once, at its very end; a program that loads POCs with `Poc::open`
/// drops them as usual, and its memory stays flat (tests/cli/loading.rs).
pub fn done(poc: Poc) {
    std::mem::forget(poc);
}

/// Places `entry`, about something recorded at `floor`, just after it when
/// its own time is not later (a clock behind a colleague's): replayed at or
/// before it, the entry would find nothing to act on. Says so when the
/// time moved; `when` says what happened at `floor` ("B3 was opened").
pub fn just_after(
    poc: &Poc,
    entry: &mut crate::event::Entry,
    floor: chrono::DateTime<chrono::Utc>,
    when: &str,
) {
    if entry.at > floor {
        return;
    }
    if entry.at < floor {
        crate::say!(
            "Recorded as of {}, when {when} (its time is later than now; check the clock of whoever recorded it).",
            poc.scope.show(floor)
        );
    }
    entry.place_after(floor);
}

/// Optional text from a flag, trimmed; blank counts as absent.
pub fn optional_text(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_string()).filter(|t| !t.is_empty())
}

/// Rejects empty or whitespace-only text for a journal entry.
pub fn non_empty(text: &str, what: &str) -> Result<String, Error> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Error::usage(format!("{what} must not be empty")));
    }
    Ok(t.to_string())
}
