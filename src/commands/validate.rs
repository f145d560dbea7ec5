//! `poc validate`: check both files. Errors name file:line:col; warnings do
//! not fail the run.

use serde::Serialize;

use crate::cli::{FormatArgs, ListFormat};
use crate::context::{Context, load_scope};
use crate::error::{EXIT_FAILURE, EXIT_OK, UserError};
use crate::fsutil::display_in;
use crate::journal::{self, JOURNAL_FILE};
use crate::render;
use crate::scope::SCOPE_FILE;
use crate::state::PocState;
use crate::text::terminal_safe_lines;

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

    /// An error as the loaders report it: `FILE:LINE:COL: message` (line and
    /// column where known) becomes a located diagnostic.
    fn error(file: &str, message: String) -> Diagnostic {
        let located = |rest: &str| -> Option<(usize, Option<usize>, String)> {
            let (line, rest) = rest.split_once(':')?;
            let line = line.parse().ok()?;
            let (column, rest) = match rest.split_once(':') {
                Some((col, after)) if col.parse::<usize>().is_ok() => (col.parse().ok(), after),
                _ => (None, rest),
            };
            Some((line, column, rest.trim_start().to_string()))
        };
        let rest = message.strip_prefix(file).and_then(|m| m.strip_prefix(':'));
        match rest.map(|r| (located(r), r)) {
            Some((Some((line, column, text)), _)) => Diagnostic {
                file: file.to_string(),
                line: Some(line),
                column,
                code: "invalid",
                message: text,
            },
            Some((None, text)) => Diagnostic {
                file: file.to_string(),
                line: None,
                column: None,
                code: "invalid",
                message: text.trim_start().to_string(),
            },
            None => Diagnostic {
                file: file.to_string(),
                line: None,
                column: None,
                code: "invalid",
                message,
            },
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
    let user_error = |file: &str, e: anyhow::Error| -> anyhow::Result<Diagnostic> {
        match e.downcast::<UserError>() {
            Ok(u) => Ok(Diagnostic::error(file, u.message)),
            Err(e) => Err(e),
        }
    };
    let scope = match load_scope(&dir) {
        Ok(s) => Some(s),
        Err(e) => {
            errors.push(user_error(&scope_name, e)?);
            None
        }
    };
    let journal = match journal::read(&dir) {
        Ok(j) => Some(j),
        Err(e) => {
            errors.push(user_error(&journal_name, e)?);
            None
        }
    };
    if let Some(scope) = &scope {
        for w in scope.warnings() {
            warnings.push(Diagnostic::warning(&scope_name, w.line, w.code, w.message));
        }
    }
    if let Some(journal) = &journal {
        let warn =
            |line, code, message: String| Diagnostic::warning(&journal_name, line, code, message);
        if let Some(line) = journal.torn {
            warnings.push(warn(
                line,
                "torn-line",
                "torn last line left by an interrupted write; it is ignored and the next write drops it".into(),
            ));
        }
        let mut previous = None;
        for l in &journal.lines {
            if previous.is_some_and(|t| l.entry.at < t) {
                warnings.push(warn(
                    l.number,
                    "out-of-order",
                    "entry is older than the one before it (out of time order; entries are read in time order)".into(),
                ));
            }
            previous = Some(l.entry.at);
            if l.entry.at > ctx.now + chrono::Duration::minutes(5) {
                warnings.push(warn(
                    l.number,
                    "future-entry",
                    format!(
                        "entry is dated in the future ({}); check the clock of whoever wrote it",
                        l.entry.at.format("%Y-%m-%d %H:%M UTC")
                    ),
                ));
            }
        }
        for p in crate::evidence::verify(&dir, journal) {
            let (code, is_error) = match p.problem {
                "missing" => ("evidence-missing", false),
                "changed" => ("evidence-changed", false),
                // Never "ok": the file may be somewhere else entirely.
                "link" => ("evidence-link", true),
                _ => ("evidence-not-a-file", true),
            };
            let diagnostic = warn(p.line, code, p.to_string());
            if is_error {
                errors.push(diagnostic);
            } else {
                warnings.push(diagnostic);
            }
        }
        if let Some(scope) = &scope {
            let state = PocState::derive(scope, journal);
            for (line, id) in &state.unknown_ids {
                warnings.push(warn(
                    *line,
                    "unknown-id",
                    format!(
                        "`{}` is no longer in {SCOPE_FILE}; this entry is ignored",
                        crate::text::terminal_safe(id)
                    ),
                ));
            }
        }
    }
    Ok(ValidateReport {
        schema_version: crate::report::JSON_SCHEMA_VERSION,
        valid: errors.is_empty(),
        errors,
        warnings,
    })
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
                eprintln!("error: {}", terminal_safe_lines(&e.to_string()));
            }
            for line in human_warnings(&report.warnings) {
                eprintln!("{}", terminal_safe_lines(&line));
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
