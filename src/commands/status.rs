//! `poc status`: where the POC stands.

use crate::cli::{StatusArgs, StatusFormat};
use crate::context::Context;
use crate::error::EXIT_OK;
use crate::journal::JOURNAL_FILE;
use crate::plan::{MetricVerdict, RiskStatus};
use crate::render::{self, Tone, cell, status_cell};
use crate::report::{DEBRIEF_FILE, DebriefDue, StatusReport, describe_due};
use crate::scope::{SCOPE_FILE, Scope};
use crate::text::{plural, terminal_safe};

pub fn run(args: StatusArgs, ctx: &Context) -> anyhow::Result<u8> {
    let poc = ctx.load()?;
    let report = poc.status(&poc.state);
    // A renamed ID in poc.yaml quietly resets to pending: say so once.
    if let Some((line, id)) = poc.state.unknown_ids.first() {
        crate::say!(
            "warning: {}:{line}: `{}` is no longer in {SCOPE_FILE}{}; its entries are ignored. Run `poc validate` for the details",
            terminal_safe(&crate::fsutil::display_in(&poc.dir, JOURNAL_FILE)),
            terminal_safe(id),
            match poc.state.unknown_ids.len() - 1 {
                0 => String::new(),
                n => format!(" (and {} more like it)", crate::text::thousands(n as u64)),
            }
        );
    }
    let text = match args.format.unwrap_or(StatusFormat::Table) {
        _ if args.context => {
            render::json(&render::template_context(&report, &poc.scope.timezone, ""))?
        }
        StatusFormat::Json => render::json(&report)?,
        StatusFormat::Markdown => render::document("status.md", &report, &poc.scope.timezone)?,
        StatusFormat::Table => human(&report, &poc.scope, ctx.color),
    };
    crate::out(&text)?;
    super::done(poc);
    Ok(EXIT_OK)
}

/// Whether `name` holds the words of `prospect`, in order and whole:
/// "Acme Corp POC" names "Acme Corp"; "Workplace analytics" does not name
/// "Ace".
fn names_prospect(name: &str, prospect: &str) -> bool {
    let words = |text: &str| -> Vec<String> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let (name, prospect) = (words(name), words(prospect));
    !prospect.is_empty() && name.windows(prospect.len()).any(|w| w == prospect)
}

/// The header lines every human view starts with.
fn headline(r: &StatusReport, scope: &Scope) -> String {
    // "Acme Corp observability POC — Acme Corp" says the prospect twice.
    let mut out = if names_prospect(&r.name, &r.prospect) {
        format!("{}\n", terminal_safe(&r.name))
    } else {
        format!(
            "{} — {}\n",
            terminal_safe(&r.name),
            terminal_safe(&r.prospect)
        )
    };
    match (r.outcome_title, &r.debrief) {
        (Some(_), Some(due)) => out.push_str(&closed_lines(r, scope, due)),
        _ => out.push_str(&open_line(r)),
    }
    for c in &r.conflicts {
        out.push_str(&format!(
            "Conflict to settle: {} (journal line {}); agree on one, then `poc reopen PHASE --reason TEXT` and close again\n",
            terminal_safe(&c.what),
            c.line
        ));
    }
    let s = &r.criteria_summary;
    out.push_str(&format!(
        "Criteria: {} met, {} failed, {} pending of {} (must: {}/{} met)\n",
        s.met, s.failed, s.pending, s.total, s.must_met, s.must_total
    ));
    out.push_str(&format!(
        "Blockers open: {} · parked requests: {}\n",
        r.open_blockers,
        r.parked.len()
    ));
    for b in r.blockers.iter().filter(|b| b.open) {
        let owner = (b.blocker.owner.as_deref())
            .map(|o| format!(", owner {}", terminal_safe(o)))
            .unwrap_or_default();
        let escalate = (b.escalate_now.as_deref())
            .map(|to| format!(" — escalate to {}", terminal_safe(to)))
            .unwrap_or_default();
        out.push_str(&format!(
            "  {} {} (open {}{owner}){escalate}\n",
            terminal_safe(&b.blocker.id),
            terminal_safe(&b.blocker.text),
            b.open_for
        ));
    }
    out
}

/// "day 7 of 12 · phase validation (planned days 4–7) · on time", or when
/// the POC starts.
fn open_line(r: &StatusReport) -> String {
    let day = match r.starts_in_days {
        Some(days) => format!("starts {} (in {})", r.start, plural(days, "day")),
        None => format!("day {} of {}", r.day, r.total_days),
    };
    let late = if r.days_late > 0 {
        format!("{} late", plural(r.days_late, "day"))
    } else {
        "on time".to_string()
    };
    format!(
        "{day} · phase {} (planned days {}–{}) · {late}\n",
        r.phase, r.phase_window[0], r.phase_window[1]
    )
}

fn closed_lines(r: &StatusReport, scope: &Scope, due: &DebriefDue) -> String {
    let mut out = format!("{} (planned {})\n", r.standing(scope.zone), r.total_days);
    if due.written {
        out.push_str(&format!(
            "Debrief written: {DEBRIEF_FILE} (due {})\n",
            scope.show(due.due)
        ));
    } else {
        out.push_str(&format!("Debrief {}\n", describe_due(due, scope.zone)));
    }
    out
}

fn human(r: &StatusReport, scope: &Scope, color: bool) -> String {
    let mut out = headline(r, scope);
    out.push_str(&signoff_line(r));
    let mut phases = render::table(&["phase", "planned days", "entered", "left", "items", "state"]);
    for p in &r.phases {
        let day = |d: Option<i64>| d.map(|d| format!("day {d}")).unwrap_or_default();
        let (state, tone) = if p.days_late > 0 {
            let late = format!("{} ({} late)", p.state.id(), plural(p.days_late, "day"));
            (late, Tone::Bad)
        } else {
            (p.state.id().to_string(), p.state.into())
        };
        phases.add_row(vec![
            cell(p.id.id()),
            cell(format!("{}–{}", p.days[0], p.days[1])),
            cell(day(p.entered_day)),
            cell(day(p.left_day)),
            cell(format!("{}/{}", p.done, p.total)),
            status_cell(&state, tone, color),
        ]);
    }
    out.push('\n');
    out.push_str(&render::shown(phases));
    if !r.criteria.is_empty() {
        let mut criteria =
            render::table(&["id", "criterion", "priority", "status", "evidence", "when"]);
        for c in &r.criteria {
            criteria.add_row(vec![
                cell(&c.id),
                cell(match &c.metric {
                    Some(m) => format!("{} (via {m})", c.title),
                    None => c.title.clone(),
                }),
                cell(c.priority.id()),
                status_cell(c.status.id(), c.status.into(), color),
                cell(evidence_summary(c)),
                cell(
                    c.at.map(|t| crate::clock::local_date(t, scope.zone).to_string())
                        .unwrap_or_default(),
                ),
            ]);
        }
        out.push('\n');
        out.push_str(&render::shown(criteria));
    }
    out.push_str(&metrics_table(r, color));
    out.push_str(&risks_and_gaps(r, color));
    out
}

/// The open risks, highest likelihood × impact first, with any escalation
/// due; then the open product gaps by severity.
fn risks_and_gaps(r: &StatusReport, color: bool) -> String {
    let mut out = String::new();
    let open: Vec<_> = (r.risks.iter())
        .filter(|k| k.status != RiskStatus::Retired)
        .collect();
    if !open.is_empty() {
        let mut risks = render::table(&[
            "id",
            "risk",
            "likelihood × impact",
            "owner",
            "status",
            "escalation",
        ]);
        for k in open {
            risks.add_row(vec![
                cell(&k.id),
                cell(&k.title),
                cell(format!(
                    "{} × {} = {}",
                    k.likelihood.id(),
                    k.impact.id(),
                    k.score
                )),
                cell(k.owner.as_deref().unwrap_or_default()),
                status_cell(k.status.id(), super::risk::tone(k.status), color),
                cell(super::risk::escalation_text(k)),
            ]);
        }
        out.push_str("\nOpen risks:\n");
        out.push_str(&render::shown(risks));
    }
    if !r.gaps.is_empty() {
        let g = &r.open_gaps;
        out.push_str(&format!(
            "\nProduct gaps open: {} deal-breaker, {} challenge, {} nice-to-have ({} resolved)\n",
            g.deal_breaker,
            g.challenge,
            g.nice_to_have,
            r.gaps.iter().filter(|g| !g.open).count()
        ));
    }
    out
}

/// "Sign-offs pending: SO2 Marcus Webb (final) · 1 of 2 given", or "all
/// given"; nothing when the plan asks for none.
fn signoff_line(r: &StatusReport) -> String {
    if r.signoffs.is_empty() {
        return String::new();
    }
    let pending: Vec<String> = (r.signoffs.iter())
        .filter(|s| s.given.is_none())
        .map(|s| format!("{} {} ({})", s.id, terminal_safe(&s.name), s.covers.label()))
        .collect();
    let total = r.signoffs.len();
    match pending.len() {
        0 => format!("Sign-offs: all {total} given\n"),
        n => format!(
            "Sign-offs pending: {} · {} of {total} given\n",
            pending.join(", "),
            total - n
        ),
    }
}

/// Each value metric: baseline → latest → target, the improvement, and
/// whether the target is met; nothing when the scope has none.
fn metrics_table(r: &StatusReport, color: bool) -> String {
    if r.metrics.is_empty() {
        return String::new();
    }
    let mut table = render::table(&[
        "id",
        "metric",
        "baseline → latest → target",
        "improvement",
        "met",
    ]);
    for m in &r.metrics {
        let tone = match m.verdict {
            MetricVerdict::Met => Tone::Good,
            MetricVerdict::NotMet => Tone::Bad,
            MetricVerdict::NotMeasured => Tone::Open,
        };
        table.add_row(vec![
            cell(&m.id),
            cell(&m.title),
            cell(&m.progress),
            cell(m.improvement.as_deref().unwrap_or_default()),
            status_cell(m.verdict.id(), tone, color),
        ]);
    }
    format!("\n{}", render::shown(table))
}

/// Evidence text, attached files and a run's exit code, on one line.
fn evidence_summary(c: &crate::report::CriterionRow) -> String {
    let mut parts = Vec::new();
    if let Some(e) = &c.evidence {
        parts.push(e.clone());
    }
    for f in &c.files {
        parts.push(f.path.clone());
    }
    if let Some(run) = &c.run {
        parts.push(format!("{} ({})", run.log, run.outcome()));
    }
    parts.join("; ")
}
