//! `poc man [COMMAND]`: the man page, generated from the clap definitions.

use clap::CommandFactory;

use crate::cli::{Cli, ManArgs};
use crate::error::{EXIT_OK, Error, did_you_mean};

pub fn run(args: ManArgs) -> anyhow::Result<u8> {
    let mut poc = Cli::command();
    poc.build();
    let page = match &args.command {
        None => poc,
        Some(name) => subcommand_page(&poc, name)?,
    };
    let mut roff = Vec::new();
    clap_mangen::Man::new(page).render(&mut roff)?;
    crate::out(&title_first(&String::from_utf8_lossy(&roff)))?;
    Ok(EXIT_OK)
}

/// The page of `poc NAME`, titled `poc-NAME` as git and cargo title theirs.
fn subcommand_page(poc: &clap::Command, name: &str) -> Result<clap::Command, Error> {
    let names = || poc.get_subcommands().map(|c| c.get_name());
    let Some(command) = poc.find_subcommand(name) else {
        return Err(Error::usage(format!(
            "no command `{}`{}; the commands are {}",
            crate::text::terminal_safe(name),
            did_you_mean(name, names()),
            names().collect::<Vec<_>>().join(", ")
        )));
    };
    let title = format!("poc-{}", command.get_name());
    Ok(command
        .clone()
        .name(title.clone())
        .bin_name(title)
        .version(env!("CARGO_PKG_VERSION")))
}

/// The page with its `.TH` line first, as man(7) asks (and `file` and
/// `mandb` look for), ahead of the string definitions roff puts on top;
/// those are only used further down.
fn title_first(page: &str) -> String {
    let Some(at) = page.find("\n.TH ") else {
        return page.to_string();
    };
    let (defines, rest) = page.split_at(at + 1);
    let (title, body) = rest.split_at(rest.find('\n').map_or(rest.len(), |n| n + 1));
    format!("{title}{defines}{body}")
}
