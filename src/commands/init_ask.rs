//! `poc init` at a terminal without `--prospect`: asks for what the flags
//! would say, each with its default, then creates the POC as the flags
//! would. Never asked when stdin or stderr is not a terminal (a script, a
//! pipe, CI): there the missing `--prospect` is a usage error, as before.

use std::io::IsTerminal as _;

use dialoguer::{Input, Select};

use crate::cli::InitArgs;
use crate::error::Error;

/// Whether init may ask: stdin and stderr both terminals. Prompt libraries
/// read `/dev/tty` even when stdin is piped, so this is checked here.
pub fn may_ask() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// A scope template to choose from: its name and what it is for.
pub struct Choice {
    pub name: String,
    pub description: String,
}

/// `args` with every question answered: the prospect, the POC's name, the
/// template, the start date, the owner, and the deal details.
pub fn ask(
    mut args: InitArgs,
    templates: &[Choice],
    template: &str,
    owner: &str,
    today: &str,
) -> anyhow::Result<InitArgs> {
    let cancelled = |e: dialoguer::Error| -> anyhow::Error {
        Error::new(format!("init cancelled ({e}); nothing was written")).into()
    };
    let prospect: String = Input::new()
        .with_prompt("Prospect (company name)")
        .validate_with(|v: &String| required(v))
        .interact_text()
        .map_err(cancelled)?;
    let name: String = Input::new()
        .with_prompt("POC name")
        .default((args.name.clone()).unwrap_or_else(|| format!("{} POC", prospect.trim())))
        .validate_with(|v: &String| required(v))
        .interact_text()
        .map_err(cancelled)?;
    let current = templates.iter().position(|t| t.name == template);
    #[cfg(unix)]
    let _cursor = CursorOnInterrupt::install();
    let picked = Select::new()
        .with_prompt("Template")
        .items(
            templates
                .iter()
                .map(|t| format!("{}: {}", t.name, t.description)),
        )
        .default(current.unwrap_or(0))
        .interact()
        .map_err(cancelled)?;
    let start: String = Input::new()
        .with_prompt("Day 1 (YYYY-MM-DD)")
        .default(args.start.clone().unwrap_or_else(|| today.to_string()))
        .validate_with(|v: &String| crate::clock::parse_date(v.trim()).map(|_| ()))
        .interact_text()
        .map_err(cancelled)?;
    let owner: String = Input::new()
        .with_prompt("SE running it")
        .default(args.owner.clone().unwrap_or_else(|| owner.to_string()))
        .validate_with(|v: &String| required(v))
        .interact_text()
        .map_err(cancelled)?;
    args.prospect = Some(prospect.trim().to_string());
    args.name = Some(name.trim().to_string());
    if let Some(t) = templates.get(picked) {
        args.template = Some(t.name.clone());
    }
    args.start = Some(start.trim().to_string());
    args.owner = Some(owner.trim().to_string());
    Ok(args)
}

/// While a choice is shown (dialoguer hides the cursor for it, and on
/// Ctrl-C the terminal library raises SIGINT), SIGINT shows the cursor
/// again before it ends `poc`: else the shell is left without one.
#[cfg(unix)]
struct CursorOnInterrupt(libc::sighandler_t);

#[cfg(unix)]
impl CursorOnInterrupt {
    fn install() -> CursorOnInterrupt {
        extern "C" fn show_cursor_and_stop(signal: libc::c_int) {
            const SHOW: &[u8] = b"\x1b[?25h\n";
            // Only async-signal-safe calls: write, signal, raise.
            unsafe {
                libc::write(2, SHOW.as_ptr().cast(), SHOW.len());
                libc::signal(signal, libc::SIG_DFL);
                libc::raise(signal);
            }
        }
        let handler = show_cursor_and_stop as extern "C" fn(libc::c_int);
        let previous = unsafe { libc::signal(libc::SIGINT, handler as libc::sighandler_t) };
        CursorOnInterrupt(previous)
    }
}

#[cfg(unix)]
impl Drop for CursorOnInterrupt {
    fn drop(&mut self) {
        unsafe { libc::signal(libc::SIGINT, self.0) };
    }
}

fn required(value: &str) -> Result<(), &'static str> {
    match value.trim().is_empty() {
        true => Err("an answer is needed"),
        false => Ok(()),
    }
}
