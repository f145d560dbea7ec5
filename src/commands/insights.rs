//! `poc insights`: the debrief library over the closed POCs under the roots.

use crate::cli::{InsightsArgs, InsightsFormat};
use crate::context::Context;
use crate::error::EXIT_OK;
use crate::error::Error;
use crate::insights::{InsightsReport, Options, Spread};
use crate::output::{self, Destination, Document, Replaces};
use crate::render;
use crate::summary::Facet;
use crate::summary::Outcomes;
use crate::text::{percent, plural, span, terminal_safe};

/// The page `--format html --out FILE` writes: only over one it wrote.
const PAGE: Document = Document {
    file: "insights.html",
    noun: "page",
    replaces: Replaces::Own {
        mark: br#"<meta name="generator" content="poc">"#,
        kind: "a page poc wrote",
    },
};

/// The document `--format markdown --out FILE` writes.
const MARKDOWN: Document = Document {
    file: "insights.md",
    noun: "document",
    replaces: Replaces::Own {
        mark: MARKDOWN_MARK.as_bytes(),
        kind: "a document poc insights wrote",
    },
};

/// The first line of the markdown document (templates/insights.md.j2).
const MARKDOWN_MARK: &str = "<!-- written by poc insights -->";

pub fn run(args: InsightsArgs, ctx: &Context) -> anyhow::Result<u8> {
    let format = args.format.unwrap_or(InsightsFormat::Table);
    let document = match (format, &args.out) {
        (_, None) => None,
        (InsightsFormat::Html, Some(_)) => Some(PAGE),
        (InsightsFormat::Markdown, Some(_)) => Some(MARKDOWN),
        (_, Some(_)) => {
            return Err(Error::usage(
                "--out writes a page or a document: give --format html or --format markdown",
            )
            .into());
        }
    };
    // Checked before the scan: a refused FILE costs no time.
    let destination = match (document, args.out.clone()) {
        (Some(document), Some(out)) => Some(output::destination(
            Some(out),
            std::path::Path::new("."),
            document,
        )?),
        _ => None,
    };
    let roots = super::roots(&args.roots, ctx)?;
    let since = (args.since.as_deref())
        .map(|value| crate::clock::parse_flag_now("--since", value))
        .transpose()?;
    let options = Options {
        since,
        by: args.by.map_or(Facet::Competitor, Into::into),
    };
    let folders = super::scan(&roots)?;
    let found = folders.len();
    let reads = crate::portfolio::summaries(folders, ctx.now, !args.no_cache);
    let report = InsightsReport::build(&reads, options, args.since.map(|s| s.trim().to_string()));
    if report.is_empty() && format != InsightsFormat::Json {
        say_empty(&report, found);
    } else if let Some(Destination::File { path, exists }) = destination {
        // A file that appears meanwhile is not replaced unchecked.
        crate::fsutil::write_atomic(&path, text(&report, format)?.as_bytes(), exists)?;
        crate::say!(
            "Wrote {}: {}.",
            output::written(&path),
            plural(report.outcomes.pocs as i64, "closed POC")
        );
    } else {
        crate::out(&text(&report, format)?)?;
    }
    warn_left_out(&report);
    Ok(EXIT_OK)
}

fn text(report: &InsightsReport, format: InsightsFormat) -> anyhow::Result<String> {
    Ok(match format {
        InsightsFormat::Json => render::json(report)?,
        InsightsFormat::Markdown => render::document("insights.md", report, "UTC")?,
        InsightsFormat::Html => render::document("insights.html", report, "UTC")?,
        InsightsFormat::Table => table(report),
    })
}

/// No closed POC counts: says what was found instead.
fn say_empty(report: &InsightsReport, found: usize) {
    let left = &report.left_out;
    if found == 0 {
        crate::say!(
            "No closed POC to learn from: no POC found (a POC is a folder holding poc.yaml)."
        );
        return;
    }
    // Every POC found is in one of these: they add up to what was found.
    let parts: Vec<String> = [
        (left.open, "open"),
        (left.before_since, "closed before --since"),
        (left.in_conflict, "with an outcome in conflict"),
        (left.unreadable, "unreadable"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .collect();
    let why = format!(
        "{} found: {}",
        plural(found as i64, "POC"),
        parts.join(", ")
    );
    crate::say!("No closed POC to learn from: {why}.");
}

/// How many debriefs with unreadable tags are named one by one.
const UNREAD_TAGS_NAMED: usize = 10;

/// The POCs left out, on stderr: in conflict, or unreadable; and the
/// debriefs whose tags could not be read.
fn warn_left_out(report: &InsightsReport) {
    for unread in report.unread_tags.iter().take(UNREAD_TAGS_NAMED) {
        crate::warn!(
            "{}/{}; its tags are left out",
            terminal_safe(&unread.folder),
            terminal_safe(&unread.error)
        );
    }
    if let Some(more) = (report.unread_tags.len()).checked_sub(UNREAD_TAGS_NAMED)
        && more > 0
    {
        crate::warn!(
            "and {} whose front matter could not be read",
            plural(more as i64, "more debrief")
        );
    }
    let left = &report.left_out;
    if left.in_conflict > 0 {
        crate::warn!(
            "{} left out: two closes were merged and the outcome is in conflict (`poc list` shows which; reopen and close again to settle it)",
            plural(left.in_conflict as i64, "POC")
        );
    }
    if left.unreadable > 0 {
        crate::warn!(
            "{} could not be read and {} left out; `poc list` says why",
            plural(left.unreadable as i64, "POC"),
            if left.unreadable == 1 { "is" } else { "are" }
        );
    }
}

/// "7 won, 4 lost, 1 inconclusive · win rate 64% (7 of 11 decided)".
fn outcomes_line(o: &Outcomes) -> String {
    format!(
        "{} won, {} lost, {} inconclusive · win rate {}",
        o.win,
        o.loss,
        o.inconclusive,
        win_rate(o)
    )
}

fn win_rate(o: &Outcomes) -> String {
    match o.win_rate {
        Some(rate) => format!("{} ({} of {} decided)", percent(rate), o.win, o.decided()),
        None => "— (none decided)".to_string(),
    }
}

fn spread_text(s: Option<Spread>, show: impl Fn(i64) -> String) -> String {
    s.map_or_else(
        || "—".to_string(),
        |s| format!("median {}, 90th percentile {}", show(s.median), show(s.p90)),
    )
}

fn days(n: i64) -> String {
    plural(n, "day")
}

/// The report as text for a terminal: a few tables and lines.
/// The library for the terminal: a headline, tables and a few lines, one
/// part after another.
fn table(r: &InsightsReport) -> String {
    [
        headline(r),
        groups(r),
        figures(r),
        phases(r),
        failed_criteria(r),
        gaps(r),
        tags(r),
        lessons(r),
    ]
    .concat()
}

/// One line of text, made safe for the terminal.
fn line(text: &str) -> String {
    format!("{}\n", terminal_safe(text))
}

/// A titled table, or nothing when it would have no row.
fn titled(title: &str, header: &[&str], rows: Vec<Vec<String>>) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let mut t = render::table(header);
    for row in rows {
        t.add_row(row.into_iter().map(render::cell));
    }
    format!("\n{}{}", line(title), render::shown(t))
}

fn headline(r: &InsightsReport) -> String {
    let since = (r.since.as_deref())
        .map(|s| format!(", closed since {s}"))
        .unwrap_or_default();
    line(&format!(
        "{}{since}: {}",
        plural(r.outcomes.pocs as i64, "closed POC"),
        outcomes_line(&r.outcomes)
    ))
}

fn groups(r: &InsightsReport) -> String {
    let by = r.by.id();
    let header = [
        by,
        "POCs",
        "won",
        "lost",
        "inconclusive",
        "win rate",
        "days (planned)",
    ];
    let rows = (r.groups.iter())
        .map(|g| {
            let o = &g.outcomes;
            vec![
                g.value.clone(),
                o.pocs.to_string(),
                o.win.to_string(),
                o.loss.to_string(),
                o.inconclusive.to_string(),
                o.win_rate.map_or("—".to_string(), percent),
                format!("{} ({})", g.actual_median, g.planned_median),
            ]
        })
        .collect();
    // Every closed POC is in a group, if only "not recorded".
    titled(&format!("By {by}:"), &header, rows)
}

/// Durations, must-haves, parked requests and blockers: one line each.
fn figures(r: &InsightsReport) -> String {
    let d = &r.duration;
    [
        String::from("\n"),
        line(&format!(
            "Duration, start to close: {}; planned {}; {} of {} ran over plan.",
            spread_text(d.actual, days),
            spread_text(d.planned, days),
            d.over_plan,
            d.pocs
        )),
        line(&format!(
            "Must-haves met: in won POCs {}; in lost POCs {}.",
            share_text(&r.musts.won),
            share_text(&r.musts.lost)
        )),
        line(&format!(
            "Parked requests: {} in {} ({:.1} per POC; {} parked any, at most {}).",
            r.parked.total,
            plural(r.parked.pocs as i64, "POC"),
            r.parked.per_poc,
            r.parked.pocs_with_any,
            r.parked.most
        )),
        line(&format!(
            "Blockers: {} in {}, open for {}; {} never resolved.",
            r.blockers.count,
            plural(r.blockers.pocs_with_any as i64, "POC"),
            spread_text(r.blockers.hours_open, span),
            r.blockers.unresolved
        )),
    ]
    .concat()
}

fn phases(r: &InsightsReport) -> String {
    let header = [
        "phase",
        "reached",
        "late",
        "days late (median, p90)",
        "forced",
        "cut short",
    ];
    let rows = (r.phases.iter())
        .map(|p| {
            let late =
                (p.days_late).map_or("—".to_string(), |s| format!("{}, {}", s.median, s.p90));
            vec![
                p.phase.id().to_string(),
                p.reached.to_string(),
                p.late.to_string(),
                late,
                p.forced.to_string(),
                p.cut_short.to_string(),
            ]
        })
        .collect();
    titled("Phases, most often late or forced first:", &header, rows)
}

fn failed_criteria(r: &InsightsReport) -> String {
    let header = [
        "criterion",
        "failed in",
        "of POCs",
        "won",
        "lost",
        "inconclusive",
    ];
    let rows = (r.failed_criteria.iter())
        .map(|c| {
            let o = &c.outcomes;
            vec![
                c.title.clone(),
                c.failed.to_string(),
                c.pocs.to_string(),
                o.win.to_string(),
                o.loss.to_string(),
                o.inconclusive.to_string(),
            ]
        })
        .collect();
    titled("Criteria most often failed:", &header, rows)
}

fn gaps(r: &InsightsReport) -> String {
    let header = [
        "gap",
        "severity",
        "ACV",
        "won",
        "lost",
        "inconclusive",
        "POCs",
    ];
    let acv = |a: &crate::insights::OutcomeAcv| format!("{} ({})", dollars(a.acv), a.pocs);
    let rows = (r.gaps.iter())
        .map(|g| {
            vec![
                g.gap.clone(),
                g.severity.id().to_string(),
                dollars(g.acv),
                acv(&g.won),
                acv(&g.lost),
                acv(&g.inconclusive),
                g.pocs.to_string(),
            ]
        })
        .collect();
    let title = "Product gaps by the ACV of their deals (won, lost, inconclusive: ACV and POCs):";
    titled(title, &header, rows)
}

fn tags(r: &InsightsReport) -> String {
    let header = ["tag", "POCs", "won", "lost", "inconclusive"];
    let rows = (r.tags.iter())
        .map(|tag| {
            let o = &tag.outcomes;
            vec![
                tag.tag.clone(),
                o.pocs.to_string(),
                o.win.to_string(),
                o.loss.to_string(),
                o.inconclusive.to_string(),
            ]
        })
        .collect();
    titled("Debrief tags:", &header, rows)
}

fn lessons(r: &InsightsReport) -> String {
    if r.lessons.is_empty() {
        return String::new();
    }
    let mut out = String::from("\nLessons, latest close first:\n");
    for l in &r.lessons {
        let mut head = format!(
            "{} · {} · {} · {}",
            l.closed,
            l.folder,
            l.prospect,
            l.outcome.id()
        );
        if !l.tags.is_empty() {
            head.push_str(&format!(" · tags: {}", l.tags.join(", ")));
        }
        out.push('\n');
        out.push_str(&line(&head));
        for text in l.lessons.iter().flat_map(|t| t.lines()) {
            out.push_str(&line(&format!("  {text}")));
        }
    }
    out
}

fn share_text(s: &crate::insights::Share) -> String {
    match s.share {
        Some(share) => format!(
            "{} of {} ({}, {})",
            s.met,
            s.total,
            percent(share),
            plural(s.pocs as i64, "POC")
        ),
        None => format!("— ({})", plural(s.pocs as i64, "POC")),
    }
}

fn dollars(n: u64) -> String {
    format!("${}", crate::text::thousands(n))
}
