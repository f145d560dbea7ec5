//! `poc signoff`: record a sign-off the plan asks for (`signoffs:` in
//! poc.yaml), withdraw one, or print the sign-off sheet to sign or send.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::cli::{SheetFormat, SignoffArgs};
use crate::context::{Context, Poc};
use crate::error::{EXIT_OK, Error};
use crate::evidence;
use crate::journal::{Entry, Event, FileEvidence, SignoffEvent};
use crate::plan::{Covers, Signoff};
use crate::plan_report::SignoffRow;
use crate::render;
use crate::report::{CriterionRow, StatusReport};
use crate::scope::Scope;
use crate::text::{plural, terminal_safe};
use crate::tracking::Given;

pub fn run(args: SignoffArgs, ctx: &Context) -> anyhow::Result<u8> {
    if args.sheet {
        return sheet(args.format.unwrap_or(SheetFormat::Markdown), ctx);
    }
    let Some(id) = args.id.clone() else {
        return Err(Error::usage(
            "name the sign-off to record, e.g. `poc signoff SO1`, or print the sheet with `poc signoff --sheet`",
        )
        .into());
    };
    if args.undo {
        return withdraw(&id, args.note, ctx);
    }
    give(&id, args, ctx)
}

/// The sign-off `id` names; an error listing the sign-offs when none does.
fn find<'s>(scope: &'s Scope, id: &str) -> Result<&'s Signoff, Error> {
    if let Some(s) = scope.signoffs.iter().find(|s| s.id == id) {
        return Ok(s);
    }
    let ids: Vec<&str> = scope.signoffs.iter().map(|s| s.id.as_str()).collect();
    let shown = terminal_safe(id);
    // A criterion or checklist item is recorded with `check`.
    let criterion = scope.find(id).is_some();
    let instead = match criterion {
        true => format!("; to record `{shown}` itself, run `poc check {shown}`"),
        false => String::new(),
    };
    if ids.is_empty() {
        return Err(Error::new(format!(
            "unknown sign-off `{shown}`: poc.yaml has no sign-offs; add a `signoffs:` section (scope version 2) naming who approves what{instead} (nothing was recorded)"
        )));
    }
    Err(Error::UnknownId {
        id: shown,
        what: "sign-off in poc.yaml",
        suggestion: (!criterion)
            .then(|| crate::error::suggest(id, ids.iter().copied()))
            .flatten()
            .map(str::to_owned),
        hint: format!(
            " (the sign-offs are {}{instead}; nothing was recorded)",
            ids.join(", ")
        ),
    })
}

/// Records the sign-off: a journal `signoff` entry with its evidence.
fn give(id: &str, args: SignoffArgs, ctx: &Context) -> anyhow::Result<u8> {
    let by = match &args.by {
        Some(by) => Some(super::non_empty(by, "--by")?),
        None => None,
    };
    let evidence_text = super::optional_text(args.evidence.clone());
    // Everything is checked before a file is copied or anything recorded.
    ctx.poc_dir()?;
    let attachments = (args.attach.iter())
        .map(|p| evidence::check_attachment(p))
        .collect::<Result<Vec<_>, _>>()?;
    let files = match store(ctx, id, &attachments)? {
        Ok(files) => files,
        Err(code) => return Ok(code),
    };
    let (mut poc, mut journal) = ctx.load_for_write()?;
    let signoff = find(&poc.scope, id)?.clone();
    let name = by.unwrap_or_else(|| signoff.name.clone());
    let earlier = poc.state.tracking.signoffs.get(id).cloned();
    if let Some(given) = &earlier
        && nothing_new(given, &name, evidence_text.as_ref(), &files)
    {
        crate::say!(
            "Already signed off: {} by {} on {} (nothing was recorded). To replace it, give new --evidence or --attach; to withdraw it, `poc signoff {} --undo`",
            signoff.id,
            terminal_safe(&given.name),
            poc.scope.show(given.at),
            signoff.id
        );
        super::done(poc);
        return Ok(EXIT_OK);
    }
    // Another signer alone keeps the evidence given before.
    let (evidence_text, files) = match &earlier {
        Some(given) if evidence_text.is_none() && files.is_empty() => {
            (given.evidence.clone(), given.files.clone())
        }
        _ => (evidence_text, files),
    };
    let event = Event::Signoff(Box::new(SignoffEvent {
        id: signoff.id.clone(),
        name,
        evidence: evidence_text,
        files,
    }));
    let entry = ctx.entry(&poc, event);
    poc.record(&mut journal, std::slice::from_ref(&entry))?;
    announce_given(&poc, &signoff, &entry, earlier.map(|g| g.at));
    say_after_close(&poc, "recorded");
    super::done(poc);
    Ok(EXIT_OK)
}

/// Copies the attachments into `evidence/` as `check --attach` does, and
/// before the journal's lock is taken, so other terminals are not held up
/// meanwhile: the files, or the exit code to end with when a signal
/// stopped the copy (nothing recorded).
fn store(
    ctx: &Context,
    id: &str,
    attachments: &[evidence::Attachment],
) -> anyhow::Result<Result<Vec<FileEvidence>, u8>> {
    if attachments.is_empty() {
        return Ok(Ok(Vec::new()));
    }
    let poc = ctx.load()?;
    // A typo copies nothing.
    find(&poc.scope, id)?;
    match evidence::store_all(&poc.dir, attachments) {
        Ok(files) => Ok(Ok(files)),
        Err(e) => match e.downcast_ref::<crate::run::Stopped>() {
            Some(crate::run::Stopped(stop)) => Ok(Err(super::check::stopped(*stop, None))),
            None => Err(e),
        },
    }
}

/// Whether signing again would record what is recorded already: the same
/// signer, and no evidence or files other than those given.
fn nothing_new(given: &Given, name: &str, text: Option<&String>, files: &[FileEvidence]) -> bool {
    given.name == name
        && text.is_none_or(|e| given.evidence.as_ref() == Some(e))
        && (files.is_empty() || given.files == files)
}

/// "Signed off: SO2 Marcus Webb (VP Engineering, customer) approves the
/// final result", where its files went, and what it means for the close.
fn announce_given(poc: &Poc, signoff: &Signoff, entry: &Entry, replaces: Option<DateTime<Utc>>) {
    let Event::Signoff(given) = &entry.event else {
        return;
    };
    let SignoffEvent { name, files, .. } = &**given;
    let at = entry.at;
    let what = format!(
        "{} {} ({}, {}) approves {}",
        signoff.id,
        terminal_safe(name),
        terminal_safe(&signoff.role),
        signoff.side.id(),
        terminal_safe(&signoff.covers.text())
    );
    let decided = poc.state.tracking.signoffs.get(&signoff.id).map(|g| g.at);
    if decided != Some(at) {
        crate::say!(
            "Recorded as of {}, but an entry dated later still decides it: {what}",
            poc.scope.show(at)
        );
        return;
    }
    match replaces {
        Some(before) => crate::say!(
            "Signed off again: {what} (replaces the sign-off of {})",
            poc.scope.show(before)
        ),
        None => crate::say!("Signed off: {what}"),
    }
    for f in files {
        crate::say!("Attached {} as {}", terminal_safe(&f.name), f.path);
    }
    let finals_pending = !poc.state.tracking.pending_finals(&poc.scope).is_empty();
    if signoff.covers == Covers::Final && !finals_pending && !poc.state.is_closed() {
        crate::say!(
            "Every final sign-off is in: a win can be recorded with `poc close --outcome win`."
        );
    }
}

/// A sign-off recorded or withdrawn after the close is fine (a final
/// sign-off often arrives after the decision), but the close stands.
fn say_after_close(poc: &Poc, done: &str) {
    if let Some(c) = &poc.state.closure {
        crate::say!(
            "The POC is closed ({}); the sign-off is {done} all the same, and the close stands.",
            c.outcome.title()
        );
    }
}

/// Withdraws the sign-off: a journal `unsignoff` entry.
fn withdraw(id: &str, note: Option<String>, ctx: &Context) -> anyhow::Result<u8> {
    let (mut poc, mut journal) = ctx.load_for_write()?;
    let signoff = find(&poc.scope, id)?.clone();
    let Some(given) = poc.state.tracking.signoffs.get(id).cloned() else {
        crate::say!("Not signed off: {} (nothing to withdraw)", signoff.id);
        super::done(poc);
        return Ok(EXIT_OK);
    };
    let event = Event::Unsignoff {
        id: signoff.id.clone(),
        note: super::optional_text(note),
    };
    let entry = ctx.entry(&poc, event);
    poc.record(&mut journal, std::slice::from_ref(&entry))?;
    crate::say!(
        "Withdrawn: {} {}'s sign-off of {} (given {})",
        signoff.id,
        terminal_safe(&given.name),
        terminal_safe(&signoff.covers.text()),
        poc.scope.show(given.at)
    );
    say_after_close(&poc, "withdrawn");
    super::done(poc);
    Ok(EXIT_OK)
}

// --- The sign-off sheet. ---

/// What the sign-off sheet shows: the POC, and for each sign-off who
/// approves what, the criteria it covers, and its signature lines or the
/// sign-off recorded.
#[derive(Debug, Serialize)]
pub struct SignoffSheet {
    pub schema_version: u32,
    pub name: String,
    pub prospect: String,
    pub owner: Option<String>,
    pub account_exec: Option<String>,
    pub start: NaiveDate,
    /// The last planned day's date.
    pub end: Option<NaiveDate>,
    pub total_days: u32,
    pub timezone: String,
    pub now: DateTime<Utc>,
    /// "Day 11 of 12, phase signoff", "Starts 2026-11-23" or
    /// "Closed: Technical Win on 2026-12-04".
    pub standing: String,
    pub out_of_scope: Vec<String>,
    /// The phases' planned windows: part of what a scope sign-off approves.
    pub plan: Vec<PlannedPhase>,
    pub signoffs: Vec<SheetEntry>,
}

#[derive(Debug, Serialize)]
pub struct PlannedPhase {
    pub title: &'static str,
    pub days: [u32; 2],
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// One sign-off on the sheet.
#[derive(Debug, Serialize)]
pub struct SheetEntry {
    #[serde(flatten)]
    pub signoff: SignoffRow,
    /// What signing approves, in a sentence.
    pub approves: String,
    /// Whether the criteria are shown with their results (final, a list of
    /// criteria) or with their targets only (the scope).
    pub with_results: bool,
    pub criteria: Vec<CriterionRow>,
}

impl SignoffSheet {
    pub fn build(status: StatusReport, scope: &Scope) -> SignoffSheet {
        let date = |day: u32| scope.date_of_day(day);
        let plan = (status.phases.iter())
            .map(|p| PlannedPhase {
                title: p.title,
                days: p.days,
                from: date(p.days[0]),
                to: date(p.days[1]),
            })
            .collect();
        let signoffs = (status.signoffs.iter())
            .map(|s| SheetEntry::of(s, &status))
            .collect();
        SignoffSheet {
            schema_version: crate::report::JSON_SCHEMA_VERSION,
            name: status.name.clone(),
            prospect: status.prospect.clone(),
            owner: status.owner.clone(),
            account_exec: status.account_exec.clone(),
            start: status.start,
            end: date(status.total_days),
            total_days: status.total_days,
            timezone: status.timezone.clone(),
            now: status.now,
            standing: status.standing(scope.zone),
            out_of_scope: status.out_of_scope.clone(),
            plan,
            signoffs,
        }
    }
}

impl SheetEntry {
    fn of(s: &SignoffRow, status: &StatusReport) -> SheetEntry {
        let criteria = &status.criteria;
        let (approves, with_results, criteria): (String, bool, Vec<CriterionRow>) = match &s.covers
        {
            Covers::Scope => (
                format!(
                    "the POC's scope as agreed at kickoff: the success criteria with their targets, and the plan of {} below",
                    plural(i64::from(status.total_days), "day")
                ),
                false,
                criteria.clone(),
            ),
            Covers::Final => (
                match status.outcome_title {
                    Some(outcome) => format!(
                        "the POC's result ({outcome}): every success criterion below with its result and evidence"
                    ),
                    None => "the POC's result: every success criterion below with its result and evidence".to_string(),
                },
                true,
                criteria.clone(),
            ),
            Covers::Criteria(ids) => (
                format!(
                    "the results of {}: {}",
                    if ids.len() == 1 {
                        "this success criterion"
                    } else {
                        "these success criteria"
                    },
                    ids.join(", ")
                ),
                true,
                (ids.iter())
                    .filter_map(|id| criteria.iter().find(|c| c.id == *id).cloned())
                    .collect(),
            ),
        };
        SheetEntry {
            signoff: s.clone(),
            approves,
            with_results,
            criteria,
        }
    }
}

/// Prints the sheet; an error when the scope names no sign-offs.
fn sheet(format: SheetFormat, ctx: &Context) -> anyhow::Result<u8> {
    let poc = ctx.load()?;
    if poc.scope.signoffs.is_empty() {
        crate::fail!(
            "poc.yaml has no sign-offs, so there is no sheet to print; add a `signoffs:` section (scope version 2) naming who approves what"
        );
    }
    let sheet = SignoffSheet::build(poc.status(&poc.state), &poc.scope);
    let template = match format {
        SheetFormat::Markdown => "signoff-sheet.md",
        SheetFormat::Html => "signoff-sheet.html",
    };
    crate::out(&render::document(template, &sheet, &poc.scope.timezone)?)?;
    super::done(poc);
    Ok(EXIT_OK)
}
