//! `poc check`: today's list, or record items done and criteria met/failed,
//! with text, attached files or a captured command run as evidence.

use std::io::Write as _;
use std::time::Duration;

use serde::Serialize;

use crate::cli::{CheckArgs, ListFormat};
use crate::context::{Context, Poc};
use crate::error::{EXIT_FAILURE, EXIT_OK, Error};
use crate::evidence;
use crate::journal::{Entry, Event, FileEvidence, Mark, RunEvidence};
use crate::plan::Covers;
use crate::plan_report::SignoffRow;
use crate::plan_report::{EscalationDue, EscalationKind};
use crate::render;
use crate::report::{BlockerRow, CriterionRow, ItemRow, StatusReport};
use crate::run::{self, RunEnd};
use crate::scope::{Phase, Scope, Target};
use crate::state::{PocState, Status};
use crate::text::{id_width, plural, terminal_safe};

pub fn run(args: CheckArgs, ctx: &Context) -> anyhow::Result<u8> {
    if args.ids.is_empty() {
        return todays_list(args, ctx);
    }
    if args.format.is_some() {
        return Err(Error::usage(
            "--format is for today's list (`poc check` alone); recording prints a summary",
        )
        .into());
    }
    let mut ids: Vec<String> = Vec::new();
    for id in &args.ids {
        if !ids.contains(id) {
            ids.push(id.clone());
        }
    }
    // Everything is checked before anything is recorded, so one typo or one
    // missing file records nothing for any ID.
    ctx.poc_dir()?;
    let attachments = args
        .attach
        .iter()
        .map(|p| evidence::check_attachment(p))
        .collect::<Result<Vec<_>, _>>()?;
    // What can be checked without the journal's lock is checked first; then
    // the command runs and the attachments are copied, all before the lock
    // is taken, so other terminals are never held up waiting for them.
    let prepared = match prepare(&args, ctx, &ids, &attachments)? {
        Ok(prepared) => prepared,
        Err(code) => return Ok(code),
    };
    record(&args, ctx, &ids, prepared)
}

/// What a recording brings with it: the run's evidence and the stored files.
struct Prepared {
    run: Option<RunEvidence>,
    files: Vec<FileEvidence>,
}

/// Runs `--run COMMAND` and copies the attachments before anything is
/// locked: what they give, or the exit code to end with (stopped by a
/// signal: nothing recorded).
fn prepare(
    args: &CheckArgs,
    ctx: &Context,
    ids: &[String],
    attachments: &[evidence::Attachment],
) -> anyhow::Result<Result<Prepared, u8>> {
    let command = match &args.run {
        Some(command) => Some(super::non_empty(command, "--run")?),
        None => None,
    };
    if command.is_none() && attachments.is_empty() {
        return Ok(Ok(Prepared {
            run: None,
            files: Vec::new(),
        }));
    }
    let poc = ctx.load()?;
    poc.ensure_open("record checks")?;
    resolve(&poc.scope, ids, args)?;
    not_measured(&poc, ids, args)?;
    let run = match &command {
        Some(command) => {
            let timeout = args
                .timeout
                .map_or(run::DEFAULT_RUN_TIMEOUT, Duration::from_secs);
            crate::say!(
                "Running `{}` in {} …",
                terminal_safe(command),
                terminal_safe(&poc.dir.display().to_string())
            );
            let request = run::RunRequest {
                poc_dir: &poc.dir,
                command,
                ids,
                timeout,
                interactive: args.interactive,
                now: poc.now,
            };
            match run::run_command(&request)? {
                RunEnd::Finished(run) => Some(run),
                RunEnd::Interrupted { log, stop } => {
                    let kept = format!("the partial log is kept at {log}");
                    return Ok(Err(stopped(stop, Some(kept))));
                }
            }
        }
        None => None,
    };
    let files = match store_attachments(&poc.dir, attachments, run.as_ref())? {
        Ok(files) => files,
        Err(code) => return Ok(Err(code)),
    };
    Ok(Ok(Prepared { run, files }))
}

/// Copies the attachments into `evidence/`, after `run` if there was one:
/// the files stored, or the exit code to end with when a signal came (after
/// the run, or during a copy, which then removes its temporary file), and
/// then nothing is recorded.
pub(super) fn store_attachments(
    poc_dir: &std::path::Path,
    attachments: &[evidence::Attachment],
    run: Option<&RunEvidence>,
) -> anyhow::Result<Result<Vec<FileEvidence>, u8>> {
    let stopped_after_run = |stop| {
        let log = run.map(|r| format!("the run's log is kept at {}", r.log));
        stopped(stop, log)
    };
    let files = match evidence::store_all(poc_dir, attachments) {
        Ok(files) => files,
        Err(e) => match e.downcast_ref::<run::Stopped>() {
            Some(run::Stopped(stop)) => return Ok(Err(stopped_after_run(*stop))),
            None => return Err(e),
        },
    };
    if let Some(stop) = run::stop_requested() {
        return Ok(Err(stopped_after_run(stop)));
    }
    Ok(Ok(files))
}

/// Today's list: what is left in the current phase.
fn todays_list(args: CheckArgs, ctx: &Context) -> anyhow::Result<u8> {
    let recording = args.fail
        || args.undo
        || args.evidence.is_some()
        || args.note.is_some()
        || !args.attach.is_empty()
        || args.run.is_some();
    if recording {
        return Err(Error::usage(
            "name the IDs to record, e.g. `poc check SC1 --evidence TEXT`; run `poc check` alone for today's list",
        )
        .into());
    }
    let poc = ctx.load()?;
    poc.ensure_open("show today's checklist")?;
    let report = TodayReport::build(poc.status(&poc.state));
    crate::out(&match args.format.unwrap_or(ListFormat::Table) {
        ListFormat::Json => render::json(&report)?,
        ListFormat::Table => human(&report, poc.scope.zone),
    })?;
    super::done(poc);
    Ok(EXIT_OK)
}

/// Records the checks, failures or undos of `ids` in one append.
fn record(
    args: &CheckArgs,
    ctx: &Context,
    ids: &[String],
    prepared: Prepared,
) -> anyhow::Result<u8> {
    let Prepared { run, files } = prepared;
    let failed = args.fail || run.as_ref().is_some_and(|r| !r.passed());
    let (mut poc, mut journal) = ctx.load_for_write()?;
    poc.ensure_open("record checks")?;
    let mut targets = resolve(&poc.scope, ids, args)?;
    not_measured(&poc, ids, args)?;
    if args.undo {
        targets = undoable(&poc, targets);
        if targets.is_empty() {
            return Ok(EXIT_OK);
        }
    }
    let note = super::optional_text(args.note.clone())
        .or_else(|| run.as_ref().filter(|_| failed).map(run_failure));
    let mark = |id: &str| Mark {
        id: id.to_string(),
        evidence: super::optional_text(args.evidence.clone()),
        note: note.clone(),
        files: files.clone(),
        run: run.clone().map(Box::new),
    };
    let entries: Vec<Entry> = targets
        .iter()
        .map(|target| {
            let id = target.id();
            ctx.entry(
                &poc,
                match (args.undo, failed) {
                    (true, _) => Event::Undo {
                        id: id.to_string(),
                        note: note.clone(),
                    },
                    (false, true) => Event::Fail(mark(id).into()),
                    (false, false) => Event::Check(mark(id).into()),
                },
            )
        })
        .collect();
    let gate_was_open = !poc.state.gate(&poc.scope, poc.state.phase).is_empty();
    // Not `poc.record`: the targets hold the scope borrowed.
    journal.append(&entries)?;
    crate::context::take_in(&mut poc.state, &poc.scope, &poc.journal, &entries);
    let after = &poc.state;
    announce(&poc, after, &targets, &entries, args.undo);
    say_evidence(&files, run.as_ref(), failed);
    if gate_was_open && after.gate(&poc.scope, after.phase).is_empty() && !after.is_closed() {
        say_gate_met(&poc);
    }
    super::done(poc);
    // A captured run that failed is a check that did not pass.
    Ok(if run.is_some() && failed {
        EXIT_FAILURE
    } else {
        EXIT_OK
    })
}

/// Where the attached files went, and how the run ended.
fn say_evidence(files: &[FileEvidence], run: Option<&RunEvidence>, failed: bool) {
    for f in files {
        crate::say!("Attached {} as {}", terminal_safe(&f.name), f.path);
    }
    if let Some(run) = run {
        let result = if failed {
            format!("failed ({})", run_failure(run))
        } else {
            "passed (exit code 0)".to_string()
        };
        crate::say!("The run {result}; its log is {}", run.log);
    }
}

/// The next command once a phase's gate is met: in signoff, with the
/// final sign-offs a win still waits for.
pub(super) fn say_gate_met(poc: &Poc) {
    let phase = poc.state.phase;
    if let Some(next) = phase.next() {
        crate::say!("The {phase} phase is complete: run `poc advance` to move to {next}.");
        return;
    }
    let finals: Vec<String> = (poc.state.tracking.pending_finals(&poc.scope).into_iter())
        .map(|s| format!("`poc signoff {}` ({})", s.id, terminal_safe(&s.name)))
        .collect();
    match finals.as_slice() {
        [] => crate::say!("Signoff is complete: run `poc close --outcome win|loss|inconclusive`."),
        _ => crate::say!(
            "Signoff is complete: run `poc close --outcome win|loss|inconclusive`; a win waits for the final sign-off: {}.",
            finals.join(", ")
        ),
    }
}

/// The targets there is something to undo for; says which are already open.
fn undoable<'s>(poc: &Poc, targets: Vec<Target<'s>>) -> Vec<Target<'s>> {
    // Undoing what is already open would journal a change that is none.
    let (open, marked): (Vec<_>, Vec<_>) = targets
        .into_iter()
        .partition(|t| poc.state.status_of(t.id()) == Status::Pending);
    for t in &open {
        let state = match t {
            Target::Item(..) => "open",
            Target::Criterion(_) => "pending",
        };
        crate::say!(
            "Already {state}: {} (nothing to undo)",
            terminal_safe(t.id())
        );
    }
    marked
}

/// Says what each target now is, as `status` will show it: when an entry
/// dated later (a clock set wrong, or `POC_NOW` in the past) still decides
/// an ID, that is said instead of what was recorded.
fn announce(poc: &Poc, after: &PocState, targets: &[Target], entries: &[Entry], undo: bool) {
    for (target, entry) in targets.iter().zip(entries) {
        let id = target.id();
        let status = after.status_of(id);
        let recorded = match &entry.event {
            Event::Check(_) => Status::Met,
            Event::Fail(_) => Status::Failed,
            _ => Status::Pending,
        };
        let (title, phase) = match target {
            Target::Item(phase, item) => (&item.title, Some(phase)),
            Target::Criterion(c) => (&c.title, None),
        };
        let what = match (phase, status) {
            (Some(p), Status::Met) => format!("Done ({p})"),
            (Some(p), Status::Pending) if undo => format!("Back to open ({p})"),
            (Some(p), Status::Pending) => format!("Open ({p})"),
            (Some(p), Status::Failed) => format!("Failed ({p})"),
            (None, Status::Met) => "Met".to_string(),
            (None, Status::Pending) if undo => "Back to pending".to_string(),
            (None, Status::Pending) => "Pending".to_string(),
            (None, Status::Failed) => "Failed".to_string(),
        };
        if status != recorded {
            let decided = after.marks.get(id).map(|m| poc.scope.show(m.at));
            crate::say!(
                "Recorded as of {}, but an entry dated later{} still decides it: {what}: {} {}",
                poc.scope.show(entry.at),
                decided.map(|t| format!(" ({t})")).unwrap_or_default(),
                terminal_safe(id),
                terminal_safe(title)
            );
        } else {
            crate::say!("{what}: {} {}", terminal_safe(id), terminal_safe(title));
        }
    }
}

/// What every ID names; errors when one is unknown or the flags don't fit it.
fn resolve<'a>(
    scope: &'a Scope,
    ids: &[String],
    args: &CheckArgs,
) -> anyhow::Result<Vec<Target<'a>>> {
    let mut targets = Vec::new();
    for id in ids {
        let target = scope.find(id).ok_or_else(|| {
            let mut e = scope.unknown_id(id);
            if let Error::UnknownId { hint, .. } = &mut e {
                hint.push_str(" (nothing was recorded)");
            }
            e
        })?;
        if let Target::Item(..) = target
            && args.fail
        {
            crate::fail!(
                "`{}` is a checklist item; --fail is for success criteria; an item's failed verification is recorded by `--run` (nothing was recorded)",
                terminal_safe(id)
            );
        }
        targets.push(target);
    }
    Ok(targets)
}

/// A criterion a metric decides is met or failed by `poc measure`: a
/// check would stand until the next measurement silently replaced it.
/// Undoing stays allowed.
fn not_measured(poc: &Poc, ids: &[String], args: &CheckArgs) -> Result<(), Error> {
    if args.undo {
        return Ok(());
    }
    for id in ids {
        let Some(Target::Criterion(c)) = poc.scope.find(id) else {
            continue;
        };
        let Some(m) = (c.metric.as_deref()).and_then(|m| poc.scope.metric(m)) else {
            continue;
        };
        let latest = match poc.state.tracking.latest(&m.id) {
            Some(l) => {
                let met = m.judge(Some(l.value));
                format!("latest {}, {met}", m.amount(l.value))
            }
            None => "not measured yet".to_string(),
        };
        return Err(Error::new(format!(
            "{} is decided by {} ({}): record a value with `poc measure {} VALUE` (nothing was recorded)",
            terminal_safe(&c.id),
            m.id,
            terminal_safe(&latest),
            m.id
        )));
    }
    Ok(())
}

/// Says that a signal stopped `poc` before anything was recorded, and gives
/// the exit code for it: 130 (SIGINT), 143 (SIGTERM) or 129 (SIGHUP).
pub(super) fn stopped(stop: run::Stop, kept: Option<String>) -> u8 {
    let what = match stop {
        run::Stop::Interrupt => "Interrupted".to_string(),
        other => format!("Stopped by {}", other.name()),
    };
    let kept = kept.map(|k| format!("; {k}")).unwrap_or_default();
    // The terminal may be gone (SIGHUP): never panic on writing to it.
    let _ = writeln!(std::io::stderr(), "{what}: nothing was recorded{kept}");
    stop.exit_code()
}

/// "exit code 3", "timed out after 600 s", "killed by a signal": why a run
/// failed, kept as the failure's note.
pub(super) fn run_failure(run: &RunEvidence) -> String {
    match (run.timed_out, run.exit_code) {
        (true, _) => format!("timed out after {:.0} s", run.duration_ms as f64 / 1000.0),
        (false, Some(code)) => format!("exit code {code}"),
        (false, None) => "killed by a signal".to_string(),
    }
}

/// Today's list: what is left in the current phase, the criteria not yet
/// evaluated, and the open blockers.
#[derive(Debug, Serialize)]
pub struct TodayReport {
    pub schema_version: u32,
    /// Day 1 of the POC.
    pub start: chrono::NaiveDate,
    /// 0 before the start.
    pub day: i64,
    /// Days until day 1, before the start.
    pub starts_in_days: Option<i64>,
    pub total_days: u32,
    pub phase: Phase,
    pub phase_window: [u32; 2],
    /// Days past the phase's planned window.
    pub days_late: i64,
    /// The current phase's checklist items not done yet.
    pub open_items: Vec<ItemRow>,
    /// Criteria of any phase neither met nor failed.
    pub pending_criteria: Vec<CriterionRow>,
    /// Criteria whose latest check failed: to try again, or to explain.
    pub failed_criteria: Vec<CriterionRow>,
    pub open_blockers: Vec<BlockerRow>,
    /// Sign-offs not given that are due now: the scope's from the start,
    /// a list of criteria's once they are all evaluated, the final ones in
    /// signoff.
    pub pending_signoffs: Vec<SignoffRow>,
    /// Blockers open past their threshold and triggered risks past an
    /// escalation step: who to escalate to now.
    pub escalations: Vec<EscalationDue>,
}

impl TodayReport {
    pub fn build(status: StatusReport) -> TodayReport {
        let open_items = status
            .phases
            .iter()
            .find(|p| p.id == status.last_phase)
            .map(|p| p.items.iter().filter(|i| !i.done).cloned().collect())
            .unwrap_or_default();
        let pending_signoffs = due_signoffs(&status);
        let (pending_criteria, failed_criteria) = status
            .criteria
            .into_iter()
            .filter(|c| c.status != Status::Met)
            .partition(|c| c.status == Status::Pending);
        TodayReport {
            schema_version: crate::report::JSON_SCHEMA_VERSION,
            start: status.start,
            day: status.day,
            starts_in_days: status.starts_in_days,
            total_days: status.total_days,
            phase: status.last_phase,
            phase_window: status.phase_window,
            days_late: status.days_late,
            open_items,
            pending_criteria,
            failed_criteria,
            escalations: crate::plan_report::escalations_due(&status.blockers, &status.risks),
            open_blockers: status.blockers.into_iter().filter(|b| b.open).collect(),
            pending_signoffs,
        }
    }
}

/// The sign-offs not given that matter now (see [`TodayReport`]).
fn due_signoffs(status: &StatusReport) -> Vec<SignoffRow> {
    let evaluated =
        |id: &String| (status.criteria.iter()).any(|c| c.id == *id && c.status != Status::Pending);
    (status.signoffs.iter())
        .filter(|s| s.given.is_none())
        .filter(|s| match &s.covers {
            Covers::Scope => true,
            Covers::Final => status.last_phase == Phase::Signoff,
            Covers::Criteria(ids) => ids.iter().all(evaluated),
        })
        .cloned()
        .collect()
}

/// " — `poc measure M2 VALUE`" for a criterion a metric decides, which is
/// measured rather than checked.
fn measure_with(c: &CriterionRow) -> String {
    (c.metric.as_deref())
        .map(|m| format!(" — `poc measure {} VALUE`", terminal_safe(m)))
        .unwrap_or_default()
}

/// One section of criteria in today's list, IDs in a column, each line
/// ending with what `tail` says of it.
fn criteria_list(
    out: &mut String,
    heading: &str,
    marker: &str,
    criteria: &[CriterionRow],
    tail: impl Fn(&CriterionRow) -> String,
) {
    if criteria.is_empty() {
        return;
    }
    out.push_str(&format!("\n{heading}:\n"));
    let width = id_width(criteria.iter().map(|c| c.id.as_str()));
    for c in criteria {
        out.push_str(&format!(
            "  {marker} {:<width$}  {} [{}, {}]{}\n",
            c.id,
            terminal_safe(&c.title),
            c.priority.id(),
            c.phase,
            tail(c)
        ));
    }
}

fn human(r: &TodayReport, zone: chrono_tz::Tz) -> String {
    let day = if let Some(days) = r.starts_in_days {
        format!("Starts {} (in {})", r.start, plural(days, "day"))
    } else {
        format!("Day {} of {}", r.day, r.total_days)
    };
    let mut out = format!(
        "{day} · phase {} (planned days {}–{}){}\n",
        r.phase,
        r.phase_window[0],
        r.phase_window[1],
        if r.days_late > 0 {
            format!(" · {} late", plural(r.days_late, "day"))
        } else {
            String::new()
        }
    );
    if r.open_items.is_empty() {
        out.push_str("\nNo open items in this phase.\n");
    } else {
        out.push_str("\nOpen items:\n");
        let width = id_width(r.open_items.iter().map(|i| i.id.as_str()));
        for i in &r.open_items {
            let optional = if i.required { "" } else { " (optional)" };
            // An item whose verification run failed: run it again once fixed.
            let (marker, failed) = match (i.status, &i.run) {
                (Status::Failed, Some(run)) => {
                    ("[!]", format!(" — its run failed: {}", run.outcome()))
                }
                (Status::Failed, None) => ("[!]", " — failed".to_string()),
                _ => ("[ ]", String::new()),
            };
            out.push_str(&format!(
                "  {marker} {:<width$}  {}{optional}{failed}\n",
                i.id,
                terminal_safe(&i.title)
            ));
        }
    }
    criteria_list(
        &mut out,
        "Pending criteria",
        "[ ]",
        &r.pending_criteria,
        |c| {
            let target = (c.target.as_deref())
                .map(|t| format!(" — target: {}", terminal_safe(t)))
                .unwrap_or_default();
            format!("{target}{}", measure_with(c))
        },
    );
    criteria_list(
        &mut out,
        "Failed criteria (check again once fixed)",
        "[!]",
        &r.failed_criteria,
        |c| {
            let when = (c.at).map(|t| format!(" — failed {}", crate::clock::local_date(t, zone)));
            let why = (c.evidence.as_deref()).or(c.note.as_deref());
            format!(
                "{}{}{}",
                when.unwrap_or_default(),
                why.map(|e| format!(": {}", terminal_safe(e)))
                    .unwrap_or_default(),
                measure_with(c)
            )
        },
    );
    if !r.pending_signoffs.is_empty() {
        out.push_str("\nSign-offs to get (`poc signoff ID --evidence TEXT`):\n");
        let width = id_width(r.pending_signoffs.iter().map(|s| s.id.as_str()));
        for s in &r.pending_signoffs {
            out.push_str(&format!(
                "  [ ] {:<width$}  {}, {} ({}): {}\n",
                s.id,
                terminal_safe(&s.name),
                terminal_safe(&s.role),
                s.side.id(),
                s.covers.text()
            ));
        }
    }
    if !r.open_blockers.is_empty() {
        out.push_str("\nOpen blockers:\n");
        for b in &r.open_blockers {
            let owner = (b.blocker.owner.as_deref())
                .map(|o| format!(", owner {}", terminal_safe(o)))
                .unwrap_or_default();
            out.push_str(&format!(
                "  {}  {} (open {}{owner})\n",
                terminal_safe(&b.blocker.id),
                terminal_safe(&b.blocker.text),
                b.open_for
            ));
        }
    }
    escalations(&mut out, &r.escalations, zone);
    out
}

/// "Escalate now:", one line each, with who to.
fn escalations(out: &mut String, due: &[EscalationDue], zone: chrono_tz::Tz) {
    if due.is_empty() {
        return;
    }
    out.push_str("\nEscalate now:\n");
    let width = id_width(due.iter().map(|e| e.id.as_str()));
    for e in due {
        let since = crate::clock::local_date(e.since, zone);
        let what = match e.kind {
            EscalationKind::Blocker => format!("open since {since}"),
            EscalationKind::Risk => format!("risk triggered {since}"),
        };
        out.push_str(&format!(
            "  {:<width$}  {} ({what}) — escalate to {}\n",
            terminal_safe(&e.id),
            terminal_safe(&e.title),
            terminal_safe(&e.to)
        ));
    }
}
