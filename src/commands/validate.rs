//! `poc validate`: check both files. Errors name file:line:col; warnings do
//! not fail the run.

use serde::Serialize;

use crate::cli::{FormatArgs, ListFormat};
use crate::context::{Context, load_scope};
use chrono::{DateTime, Utc};

use crate::error::{EXIT_FAILURE, EXIT_OK, Error};
use crate::fsutil::display_in;
use crate::journal::{self, Event, JOURNAL_FILE, Journal};
use crate::render;
use crate::scope::{SCOPE_FILE, Scope};
use crate::state::PocState;
use crate::text::{terminal_safe, terminal_safe_lines};

#[derive(Debug, Serialize)]
pub struct ValidateReport {
    pub schema_version: u32,
    pub valid: bool,
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
}

/// One problem, where it is, and a stable code naming its kind.
#[derive(Debug, Serialize)]
pub struct Diagnostic {
    pub file: String,
    /// None when the problem is with the file as a whole (too large, …).
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub code: &'static str,
    /// What is wrong; an error's first line, then any snippet.
    pub message: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.file)?;
        for n in [self.line, self.column].into_iter().flatten() {
            write!(f, ":{n}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl Diagnostic {
    fn warning(file: &str, line: usize, code: &'static str, message: String) -> Diagnostic {
        Diagnostic {
            file: file.to_string(),
            line: Some(line),
            column: None,
            code,
            message,
        }
    }

    /// An error as the loaders report it: its location and kind are fields
    /// of the error; `file` names the file when the error has none.
    fn error(file: &str, e: &Error) -> Diagnostic {
        let at = e.location();
        Diagnostic {
            file: at.map_or_else(|| file.to_string(), |l| l.file.clone()),
            line: at.and_then(|l| l.line),
            column: at.and_then(|l| l.column),
            code: e.kind(),
            message: e.message(),
        }
    }
}

/// Builds the report for the POC in `ctx`.
pub fn check(ctx: &Context) -> anyhow::Result<ValidateReport> {
    let dir = ctx.poc_dir()?;
    let scope_name = display_in(&dir, SCOPE_FILE);
    let journal_name = display_in(&dir, JOURNAL_FILE);
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let scope = loaded(load_scope(&dir), &scope_name, &mut errors)?;
    let journal = loaded(journal::read(&dir), &journal_name, &mut errors)?;
    if let Some(scope) = &scope {
        for w in scope.warnings() {
            warnings.push(Diagnostic::warning(&scope_name, w.line, w.code, w.message));
        }
    }
    if let Some(journal) = &journal {
        let zone = scope.as_ref().map_or(chrono_tz::Tz::UTC, |s| s.zone);
        let now = ctx.now.resolve(zone);
        journal_warnings(journal, &journal_name, now, zone, &mut warnings);
        for p in crate::evidence::verify(&dir, journal) {
            let (code, is_error) = p.problem.code();
            let diagnostic = Diagnostic::warning(&journal_name, p.line, code, p.to_string());
            if is_error {
                errors.push(diagnostic);
            } else {
                warnings.push(diagnostic);
            }
        }
        if let Some(scope) = &scope {
            state_warnings(scope, journal, &journal_name, &mut warnings);
        }
    }
    Ok(ValidateReport {
        schema_version: crate::report::JSON_SCHEMA_VERSION,
        valid: errors.is_empty(),
        errors,
        warnings,
    })
}

/// What loaded, or None with its error added to `errors`; an error the
/// user did not cause (an unreadable folder) ends the run.
fn loaded<T>(
    result: anyhow::Result<T>,
    file: &str,
    errors: &mut Vec<Diagnostic>,
) -> anyhow::Result<Option<T>> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(e) => {
            let e = e.downcast::<Error>()?;
            errors.push(Diagnostic::error(file, &e));
            Ok(None)
        }
    }
}

/// A torn last line, and entries dated in the future. Entries out of file
/// order are what a merge of two clones looks like, and no warning.
fn journal_warnings(
    journal: &Journal,
    file: &str,
    now: DateTime<Utc>,
    zone: chrono_tz::Tz,
    out: &mut Vec<Diagnostic>,
) {
    if let Some(line) = journal.torn {
        out.push(Diagnostic::warning(
            file,
            line,
            "torn-line",
            "torn last line left by an interrupted write; it is ignored and the next write drops it".into(),
        ));
    }
    for l in &journal.lines {
        if l.entry.at > now + chrono::Duration::minutes(5) {
            out.push(Diagnostic::warning(
                file,
                l.number,
                "future-entry",
                format!(
                    "entry is dated in the future ({}); check the clock of whoever wrote it",
                    crate::clock::show(l.entry.at, zone)
                ),
            ));
        }
    }
}

/// What only the replayed state shows: IDs no longer in the scope, blocker
/// IDs held twice, and outcomes two clones decided differently.
fn state_warnings(scope: &Scope, journal: &Journal, file: &str, out: &mut Vec<Diagnostic>) {
    let state = PocState::derive(scope, journal);
    for (line, id) in &state.unknown_ids {
        out.push(Diagnostic::warning(
            file,
            *line,
            "unknown-id",
            format!(
                "`{}` is no longer in {SCOPE_FILE}; this entry is ignored",
                terminal_safe(id)
            ),
        ));
    }
    let tracking = &state.tracking;
    let held = [
        ("blocker", "blockers", state.duplicate_blocker_ids()),
        ("risk", "risks", tracking.duplicate_risk_ids()),
        ("gap", "gaps", tracking.duplicate_gap_ids()),
    ];
    for (what, plural, ids) in held {
        for id in ids {
            out.push(duplicate(scope, journal, file, (what, plural), id));
        }
    }
    for (line, why) in &state.unmatched {
        out.push(Diagnostic::warning(
            file,
            *line,
            "no-effect",
            format!("this entry {}", terminal_safe(why)),
        ));
    }
    for l in &journal.lines {
        if let Event::Blocker { id, .. } = &l.entry.event
            && let Err(rule) = crate::text::valid_id(id)
        {
            out.push(Diagnostic::warning(
                file,
                l.number,
                "bad-id",
                format!("blocker ID `{}` {rule}", terminal_safe(id)),
            ));
        }
    }
    metric_warnings(scope, journal, file, out);
    for c in &state.conflicts {
        out.push(Diagnostic::warning(
            file,
            c.line,
            "conflict",
            format!(
                "{}; settle it with `poc reopen PHASE --reason TEXT` and a new `poc close`",
                terminal_safe(&c.what)
            ),
        ));
    }
}

/// Measurements judged against another target than the scope's now: their
/// criteria keep the verdict of then, which the SE may not expect.
fn metric_warnings(scope: &Scope, journal: &Journal, file: &str, out: &mut Vec<Diagnostic>) {
    for l in &journal.lines {
        let Event::Measure(measure) = &l.entry.event else {
            continue;
        };
        let crate::event::MeasureEvent {
            id, target, better, ..
        } = &**measure;
        let Some(m) = scope.metric(id) else {
            continue;
        };
        if m.target_changed(*target, *better) {
            let then = m.judged_by(*target, *better);
            out.push(Diagnostic::warning(
                file,
                l.number,
                "metric-target-changed",
                format!(
                    "{} was measured against the target {}, but {SCOPE_FILE} now says {}; its criteria keep the verdict of then: measure again to judge it by the new target",
                    terminal_safe(id),
                    terminal_safe(&then.bar()),
                    terminal_safe(&m.bar())
                ),
            ));
        }
    }
}

/// "risk ID `R1` is used by 2 risks (poc.yaml, line 7); …": one ID held
/// by several blockers, risks or gaps, where each is, and how to name each.
fn duplicate(
    scope: &Scope,
    journal: &Journal,
    file: &str,
    (what, plural): (&str, &str),
    id: &str,
) -> Diagnostic {
    let same = |other: &str| other.eq_ignore_ascii_case(id);
    let lines: Vec<usize> = (journal.lines.iter())
        .filter(|l| match &l.entry.event {
            Event::Blocker { id, .. } => what == "blocker" && same(id),
            Event::Risk(r) => what == "risk" && same(&r.id),
            Event::Gap(g) => what == "gap" && same(&g.id),
            _ => false,
        })
        .map(|l| l.number)
        .collect();
    let mut places: Vec<String> = Vec::new();
    let in_scope = what == "risk" && scope.risks.iter().any(|r| same(&r.id));
    if in_scope {
        places.push(SCOPE_FILE.to_string());
    }
    match lines.as_slice() {
        [] => {}
        [one] => places.push(format!("line {one}")),
        many => {
            let numbers: Vec<String> = many.iter().map(usize::to_string).collect();
            places.push(format!("lines {}", numbers.join(", ")));
        }
    }
    let count = lines.len() + usize::from(in_scope);
    Diagnostic::warning(
        file,
        lines.last().copied().unwrap_or_default(),
        "duplicate-id",
        format!(
            "{what} ID `{}` is used by {count} {plural} ({}); address each as {0}#1, {0}#2, …",
            terminal_safe(id),
            places.join(", ")
        ),
    )
}

/// How many warnings of one kind are printed before the rest are counted:
/// a journal merged with a wrong clock can have thousands alike.
const SHOWN_PER_CODE: usize = 5;

pub fn run(args: FormatArgs<ListFormat>, ctx: &Context) -> anyhow::Result<u8> {
    let report = check(ctx)?;
    match args.format.unwrap_or(ListFormat::Table) {
        ListFormat::Json => crate::out(&render::json(&report)?)?,
        ListFormat::Table => {
            // Messages quote the files, which may hold anything.
            for e in &report.errors {
                crate::say!("error: {}", terminal_safe_lines(&e.to_string()));
            }
            for line in human_warnings(&report.warnings) {
                crate::say!("{}", terminal_safe_lines(&line));
            }
            if report.valid {
                let dir = ctx.poc_dir()?;
                crate::out(&format!(
                    "ok: {} and {} are valid ({})\n",
                    crate::text::terminal_safe(&display_in(&dir, SCOPE_FILE)),
                    crate::text::terminal_safe(&display_in(&dir, JOURNAL_FILE)),
                    crate::text::plural(report.warnings.len() as i64, "warning")
                ))?;
            }
        }
    }
    Ok(if report.valid { EXIT_OK } else { EXIT_FAILURE })
}

/// The warnings as printed: the first few of each kind, then one line
/// counting the rest of that kind.
fn human_warnings(warnings: &[Diagnostic]) -> Vec<String> {
    let mut out = Vec::new();
    let mut codes: Vec<(&str, &str)> = Vec::new();
    for w in warnings {
        if !codes.contains(&(w.file.as_str(), w.code)) {
            codes.push((&w.file, w.code));
        }
    }
    for (file, code) in codes {
        let alike: Vec<&Diagnostic> = warnings
            .iter()
            .filter(|w| w.file == file && w.code == code)
            .collect();
        for w in alike.iter().take(SHOWN_PER_CODE) {
            out.push(format!("warning: {w}"));
        }
        let rest = &alike[alike.len().min(SHOWN_PER_CODE)..];
        if let (Some(first), Some(last)) = (rest.first(), rest.last()) {
            let lines = match (first.line, last.line) {
                (Some(a), Some(b)) if a != b => format!(" (lines {a}–{b})"),
                (Some(a), _) => format!(" (line {a})"),
                _ => String::new(),
            };
            out.push(format!(
                "warning: {file}: {} more like the above ({code}){lines}; `poc validate --format json` lists them all",
                crate::text::thousands(rest.len() as u64)
            ));
        }
    }
    out
}
