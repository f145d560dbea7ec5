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

#[derive(Debug, Serialize)]
pub struct ValidateReport {
    pub schema_version: u32,
    pub valid: bool,
    pub errors: Vec<String>,
    pub warnings: Vec<Diagnostic>,
}

#[derive(Debug, Serialize)]
pub struct Diagnostic {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// Builds the report for the POC in `ctx`.
pub fn check(ctx: &Context) -> anyhow::Result<ValidateReport> {
    let dir = ctx.poc_dir()?;
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let user_error = |e: anyhow::Error| -> anyhow::Result<String> {
        match e.downcast::<UserError>() {
            Ok(u) => Ok(u.message),
            Err(e) => Err(e),
        }
    };
    let scope = match load_scope(&dir) {
        Ok(s) => Some(s),
        Err(e) => {
            errors.push(user_error(e)?);
            None
        }
    };
    let journal = match journal::read(&dir) {
        Ok(j) => Some(j),
        Err(e) => {
            errors.push(user_error(e)?);
            None
        }
    };
    let scope_name = display_in(&dir, SCOPE_FILE);
    let journal_name = display_in(&dir, JOURNAL_FILE);
    if let Some(scope) = &scope {
        for w in scope.warnings() {
            warnings.push(Diagnostic {
                file: scope_name.clone(),
                line: w.line,
                message: w.message,
            });
        }
    }
    if let Some(journal) = &journal {
        if let Some(line) = journal.torn {
            warnings.push(Diagnostic {
                file: journal_name.clone(),
                line,
                message: "torn last line left by an interrupted write; it is ignored and the next write drops it".into(),
            });
        }
        let mut previous = None;
        for l in &journal.lines {
            if previous.is_some_and(|t| l.entry.at < t) {
                warnings.push(Diagnostic {
                    file: journal_name.clone(),
                    line: l.number,
                    message: "entry is older than the one before it (out of time order; entries are read in time order)".into(),
                });
            }
            previous = Some(l.entry.at);
            if l.entry.at > ctx.now + chrono::Duration::minutes(5) {
                warnings.push(Diagnostic {
                    file: journal_name.clone(),
                    line: l.number,
                    message: format!(
                        "entry is dated in the future ({}); check the clock of whoever wrote it",
                        l.entry.at.format("%Y-%m-%d %H:%M UTC")
                    ),
                });
            }
        }
        for p in crate::evidence::verify(&dir, journal) {
            warnings.push(Diagnostic {
                file: journal_name.clone(),
                line: p.line,
                message: format!("evidence {p}"),
            });
        }
        if let Some(scope) = &scope {
            let state = PocState::derive(scope, journal);
            for (line, id) in &state.unknown_ids {
                warnings.push(Diagnostic {
                    file: journal_name.clone(),
                    line: *line,
                    message: format!(
                        "`{}` is no longer in {SCOPE_FILE}; this entry is ignored",
                        crate::text::terminal_safe(id)
                    ),
                });
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

pub fn run(args: FormatArgs<ListFormat>, ctx: &Context) -> anyhow::Result<u8> {
    let report = check(ctx)?;
    match args.format.unwrap_or(ListFormat::Table) {
        ListFormat::Json => crate::out(&render::json(&report)?)?,
        ListFormat::Table => {
            for e in &report.errors {
                eprintln!("error: {e}");
            }
            for w in &report.warnings {
                eprintln!("warning: {w}");
            }
            if report.valid {
                let dir = ctx.poc_dir()?;
                crate::out(&format!(
                    "ok: {} and {} are valid ({})\n",
                    display_in(&dir, SCOPE_FILE),
                    display_in(&dir, JOURNAL_FILE),
                    crate::text::plural(report.warnings.len() as i64, "warning")
                ))?;
            }
        }
    }
    Ok(if report.valid { EXIT_OK } else { EXIT_FAILURE })
}
