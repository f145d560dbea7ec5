//! `poc similar`: the team's past POCs like this one (src/similar.rs).

use std::path::Path;

use anyhow::Context as _;

use crate::cli::{SimilarArgs, SimilarFormat};
use crate::context::Context;
use crate::error::{EXIT_OK, Error};
use crate::render;
use crate::similar::{self, DEFAULT_LIMIT, PastPoc, Search, SimilarReport};
use crate::summary::Summary;
use crate::text::terminal_safe;

const COLUMNS: [&str; 6] = [
    "folder", "prospect", "matched", "outcome", "failed", "gaps hit",
];

pub fn run(args: SimilarArgs, ctx: &Context) -> anyhow::Result<u8> {
    let poc = ctx.load()?;
    let cwd = std::env::current_dir().context("cannot read the current folder")?;
    let dir = cwd.join(&poc.dir);
    let root = match &args.root {
        Some(root) if root.is_dir() => similar::TeamRoot {
            path: root.clone(),
            beside_only: false,
        },
        Some(root) => {
            return Err(Error::usage(format!(
                "--root {}: {}",
                terminal_safe(&root.display().to_string()),
                if root.exists() {
                    "not a folder"
                } else {
                    "no such folder"
                }
            ))
            .into());
        }
        None => similar::team_root(&std::fs::canonicalize(&dir).unwrap_or(dir.clone())),
    };
    let this = Summary::of(&poc);
    let report = similar::search(&Search {
        this: &this,
        dir: &dir,
        root: &root.path,
        max_depth: root.max_depth(),
        cwd: &cwd,
        now: ctx.now,
        cache: !args.no_cache,
        limit: args.limit.map_or(DEFAULT_LIMIT, |n| n as usize),
    });
    if report.unreadable > 0 {
        crate::warn!(
            "{} under {} could not be read; `poc list {}` says why",
            crate::text::plural(report.unreadable as i64, "POC"),
            terminal_safe(&report.root),
            terminal_safe(&report.root)
        );
    }
    let format = args.format.unwrap_or(SimilarFormat::Table);
    if format == SimilarFormat::Json {
        crate::out(&render::json(&report)?)?;
    } else if report.matches.is_empty() {
        // Nothing to show but the sentence saying so.
        crate::say!("{}", sentence(&report));
    } else if format == SimilarFormat::Markdown {
        let mut doc = render::document("similar.md", &report, this.zone.name())?;
        if !doc.ends_with('\n') {
            doc.push('\n');
        }
        crate::out(&doc)?;
    } else {
        crate::out(&table(&report))?;
    }
    if report.total > report.matches.len() && format != SimilarFormat::Json {
        crate::say!(
            "The {} most similar of {} shown; --limit N shows more.",
            report.matches.len(),
            report.total
        );
    }
    crate::commands::done(poc);
    Ok(EXIT_OK)
}

/// The headline, and the hint when there is one.
fn sentence(report: &SimilarReport) -> String {
    let hint = (report.hint.as_ref()).map_or_else(String::new, |h| format!(" ({h}.)"));
    terminal_safe(&format!("{}{hint}", report.headline))
}

/// The headline, a row per past POC, and the lessons their debriefs hold.
fn table(report: &SimilarReport) -> String {
    let mut table = render::table(&COLUMNS);
    for past in &report.matches {
        table.add_row(cells(past).into_iter().map(render::cell));
    }
    let mut text = format!("{}\n{}", sentence(report), render::shown(table));
    let told: Vec<&PastPoc> = (report.matches.iter())
        .filter(|p| p.lessons.is_some() || !p.tags.is_empty())
        .collect();
    if !told.is_empty() {
        text.push_str("\nLessons from their debriefs:\n");
    }
    for past in told {
        text.push('\n');
        let tags = match past.tags.is_empty() {
            true => String::new(),
            false => format!("; tags: {}", past.tags.join(", ")),
        };
        text.push_str(&terminal_safe(&format!(
            "  {} ({}, {}{tags})",
            past.folder,
            past.outcome.id(),
            past.closed_on
        )));
        text.push('\n');
        let lessons = past.lessons.as_deref().unwrap_or("(no lessons written)");
        for line in lessons.lines() {
            text.push_str(format!("    {}", terminal_safe(line)).trim_end());
            text.push('\n');
        }
    }
    text
}

fn cells(past: &PastPoc) -> [String; 6] {
    let matched: Vec<String> = (past.matched.iter())
        .map(|m| format!("{} {}", m.facet.id(), m.value))
        .collect();
    let failed: Vec<String> = (past.failed.iter())
        .map(|c| {
            let later = if c.met_later { ", met later" } else { "" };
            format!("{} {} ({}{later})", c.id, c.title, c.priority.id())
        })
        .collect();
    let gaps: Vec<String> = (past.gaps.iter())
        .map(|g| format!("{} ({})", g.text, g.severity.id()))
        .collect();
    let none = |v: Vec<String>| match v.is_empty() {
        true => "—".to_string(),
        false => v.join("; "),
    };
    [
        past.folder.clone(),
        past.prospect.clone(),
        matched.join(", "),
        format!("{}, {}", past.outcome.id(), past.closed_on),
        none(failed),
        none(gaps),
    ]
}

/// The line `poc init` prints when the team has POCs like the new one:
/// "3 past POCs against Vendor X: 2 won, 1 lost; see `poc similar`". A
/// quick scan (the summary cache serves it); nothing when this POC records
/// nothing to match on or nothing matches.
pub fn init_hint(dir: &Path, ctx: &Context, dash_c: &str) -> Option<String> {
    let cwd = std::env::current_dir().ok()?;
    let dir = std::fs::canonicalize(cwd.join(dir)).ok()?;
    let poc = crate::context::Poc::open(&dir, ctx.now).ok()?;
    let this = Summary::of(&poc);
    if !similar::matchable(&this) {
        return None;
    }
    let root = similar::team_root(&dir);
    let report = similar::search(&Search {
        this: &this,
        dir: &dir,
        root: &root.path,
        max_depth: root.max_depth(),
        cwd: &cwd,
        now: ctx.now,
        cache: true,
        limit: 0,
    });
    (report.total > 0)
        .then(|| terminal_safe(&format!("{}; see `poc {dash_c}similar`", report.headline)))
}
