//! `poc init` at a terminal without `--prospect`: asks for what the flags
//! would say, each with its default, then creates the POC as the flags
//! would. A flag given on the command line is not asked again. Never asked
//! when stdin or stderr is not a terminal (a script, a pipe, CI): there
//! the missing `--prospect` is a usage error, as before.

use std::io::IsTerminal as _;

use dialoguer::Input;

use crate::cli::InitArgs;
use crate::error::Error;

/// Whether init may ask: stdin and stderr both terminals. Prompt libraries
/// read `/dev/tty` even when stdin is piped, so this is checked here.
pub fn may_ask() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// What the questions offer by default.
pub struct Defaults<'a> {
    /// The scope templates to choose from, nearest first.
    pub templates: &'a [String],
    pub template: &'a str,
    pub owner: &'a str,
    /// Today in the new POC's zone.
    pub today: &'a str,
}

/// `args` with every question its flags left open answered: the prospect,
/// the POC's name, the template, day 1, the owner, and the deal details.
pub fn ask(mut args: InitArgs, defaults: &Defaults) -> anyhow::Result<InitArgs> {
    match ask_all(&mut args, defaults) {
        Ok(()) => Ok(args),
        Err(e) => Err(Error::new(format!("init cancelled ({e}); nothing was written")).into()),
    }
}

fn ask_all(args: &mut InitArgs, defaults: &Defaults) -> dialoguer::Result<()> {
    let prospect = text("Prospect (company name)", None, required)?;
    if args.name.is_none() {
        let name = text("POC name", Some(format!("{prospect} POC")), required)?;
        args.name = Some(name);
    }
    args.prospect = Some(prospect);
    if args.template.is_none() {
        let names = defaults.templates.join(", ");
        let prompt = format!("Template ({names})");
        let known = |v: &str| match defaults.templates.iter().any(|t| t == v) {
            true => Ok(()),
            false => Err("not one of the templates listed"),
        };
        args.template = Some(text(&prompt, Some(defaults.template.to_string()), known)?);
    }
    if args.start.is_none() {
        let day = |v: &str| crate::clock::parse_date(v).map(|_| ());
        args.start = Some(text(
            "Day 1 (YYYY-MM-DD)",
            Some(defaults.today.to_string()),
            day,
        )?);
    }
    if args.owner.is_none() {
        args.owner = Some(text(
            "SE running it",
            Some(defaults.owner.to_string()),
            required,
        )?);
    }
    if args.industry.is_none() {
        args.industry = optional("Industry (empty: none)", |_| Ok(()))?;
    }
    if args.acv.is_none() {
        let dollars = |v: &str| match v.parse::<u64>() {
            Ok(_) => Ok(()),
            Err(_) => Err("a whole number of dollars, such as 120000"),
        };
        let acv = optional("ACV in USD (empty: none)", dollars)?;
        args.acv = acv.and_then(|a| a.parse().ok());
    }
    if args.competitor.is_empty() {
        let names = optional("Competitors, comma-separated (empty: none)", |_| Ok(()))?;
        args.competitor = (names.unwrap_or_default().split(','))
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect();
    }
    Ok(())
}

/// One answer, trimmed, checked by `valid` (asked again until it passes).
// A text prompt even for the template: a selection list hides the cursor,
// and a Ctrl-C there would leave the terminal without one.
fn text(
    prompt: &str,
    default: Option<String>,
    valid: impl Fn(&str) -> Result<(), &'static str>,
) -> dialoguer::Result<String> {
    let mut input = Input::<String>::new().with_prompt(prompt);
    if let Some(d) = default {
        input = input.default(d);
    }
    let answer = input
        .validate_with(|v: &String| valid(v.trim()))
        .interact_text()?;
    Ok(answer.trim().to_string())
}

/// An answer that may be left empty (none), checked by `valid` otherwise.
fn optional(
    prompt: &str,
    valid: impl Fn(&str) -> Result<(), &'static str>,
) -> dialoguer::Result<Option<String>> {
    let answer: String = Input::new()
        .with_prompt(prompt)
        .allow_empty(true)
        .validate_with(|v: &String| match v.trim() {
            "" => Ok(()),
            text => valid(text),
        })
        .interact_text()?;
    let answer = answer.trim();
    Ok((!answer.is_empty()).then(|| answer.to_string()))
}

fn required(value: &str) -> Result<(), &'static str> {
    match value.is_empty() {
        true => Err("an answer is needed"),
        false => Ok(()),
    }
}
