//! `poc measure`: record a value metric's actual value, typed or read from
//! a command's output with the metric's `capture:` pattern, with what
//! proves it. The replay marks the criteria tied to the metric met or
//! failed by it.
//!
//! A run that fails, times out or prints nothing `capture:` matches records
//! nothing: it is a broken measurement, not a value, and recording it as a
//! failed criterion would tell the customer the product missed a target
//! that was never measured. Its log stays in `evidence/` to fix the command
//! from, and the error names it.

use std::time::Duration;

use crate::cli::MeasureArgs;
use crate::context::{Context, Poc};
use crate::error::{EXIT_FAILURE, EXIT_OK, Error};
use crate::evidence;
use crate::journal::{Entry, Event, FileEvidence, MeasureEvent, RunEvidence};
use crate::plan::{CaptureMiss, Metric};
use crate::run::{self, RunEnd};
use crate::scope::Scope;
use crate::state::Status;
use crate::text::terminal_safe;

use super::check;

pub fn run(args: MeasureArgs, ctx: &Context) -> anyhow::Result<u8> {
    // Everything that can be checked is checked before anything runs, is
    // copied or is recorded.
    let typed = args.value.as_deref().map(typed_value).transpose()?;
    let command = match &args.run {
        Some(command) => Some(super::non_empty(command, "--run")?),
        None => None,
    };
    ctx.poc_dir()?;
    let attachments = (args.attach.iter())
        .map(|p| evidence::check_attachment(p))
        .collect::<Result<Vec<_>, _>>()?;
    let poc = ctx.load()?;
    poc.ensure_open("record a measurement")?;
    let metric = find(&poc.scope, &args.id)?.clone();
    let (value, run) = match (typed, command) {
        (Some(value), _) => (value, None),
        (None, Some(command)) => match measure_run(&poc, &metric, &command, args.timeout)? {
            Ok((value, run)) => (value, Some(run)),
            Err(code) => return Ok(code),
        },
        (None, None) => {
            return Err(Error::usage("give the VALUE measured, or --run COMMAND").into());
        }
    };
    let files = match check::store_attachments(&poc.dir, &attachments, run.as_ref())? {
        Ok(files) => files,
        Err(code) => return Ok(code),
    };
    super::done(poc);
    let measured = Measurement {
        value,
        evidence: super::optional_text(args.evidence),
        files,
        run,
    };
    record(ctx, &metric, measured)
}

/// VALUE as typed: a finite number, or a usage error naming it.
fn typed_value(text: &str) -> Result<f64, Error> {
    crate::plan::parse_value(text).map_err(|problem| {
        Error::usage(format!(
            "VALUE `{}` is not a number: {problem} (nothing was recorded)",
            terminal_safe(text)
        ))
    })
}

/// The metric `id` names, or an error listing the metrics there are.
fn find<'s>(scope: &'s Scope, id: &str) -> Result<&'s Metric, Error> {
    if let Some(m) = scope.metric(id) {
        return Ok(m);
    }
    let ids: Vec<&str> = scope.metrics.iter().map(|m| m.id.as_str()).collect();
    // A criterion's ID given for the metric that decides it.
    let via = (scope.success_criteria.iter())
        .find(|c| c.id == id)
        .and_then(|c| c.metric.clone());
    let hint = if ids.is_empty() {
        " (poc.yaml has no `metrics:` yet; add one with its baseline and target, see `poc measure --help`; nothing was recorded)".to_string()
    } else {
        format!(" (metrics: {}; nothing was recorded)", ids.join(", "))
    };
    Err(Error::UnknownId {
        id: terminal_safe(id),
        what: "metric in poc.yaml",
        suggestion: via
            .or_else(|| crate::error::suggest(id, ids.iter().copied()).map(str::to_owned)),
        hint,
    })
}

/// Runs `command` as `check --run` does, and reads the value from its
/// output: the value and the run, or the exit code to end with when
/// nothing is to be recorded (the reason said, the log kept).
fn measure_run(
    poc: &Poc,
    metric: &Metric,
    command: &str,
    timeout: Option<u64>,
) -> anyhow::Result<Result<(f64, RunEvidence), u8>> {
    let Some(pattern) = metric.capture.as_deref() else {
        return Err(Error::usage(format!(
            "metric {} has no `capture:` in poc.yaml, so --run cannot read its value from the output; add one, as in `capture: 'p95=([0-9.]+) ms'`, or give the VALUE measured (nothing was run)",
            metric.id
        ))
        .into());
    };
    crate::say!(
        "Running `{}` in {} …",
        terminal_safe(command),
        terminal_safe(&poc.dir.display().to_string())
    );
    let ids = [metric.id.clone()];
    let request = run::RunRequest {
        poc_dir: &poc.dir,
        command,
        ids: &ids,
        timeout: timeout.map_or(run::DEFAULT_RUN_TIMEOUT, Duration::from_secs),
        interactive: false,
        now: poc.now,
    };
    let run = match run::run_command(&request)? {
        RunEnd::Finished(run) => run,
        RunEnd::Interrupted { log, stop } => {
            let kept = format!("the partial log is kept at {log}");
            return Ok(Err(check::stopped(stop, Some(kept))));
        }
    };
    let log = std::fs::read(poc.dir.join(&run.log))
        .map_err(|e| Error::new(format!("cannot read back the run log {}: {e}", run.log)))?;
    let log = String::from_utf8_lossy(&log);
    let read = metric.capture_value(&run::logged_output(&log));
    let id = &metric.id;
    if !run.passed() {
        // A tool that exits non-zero when its own threshold is missed (k6)
        // still printed a figure: say how to record it, by hand.
        let printed = match read {
            Ok(v) => format!(
                "; it printed {}: to record that value anyway, `poc measure {id} {} --attach {}`",
                metric.amount(v),
                crate::plan::number(v),
                run.log
            ),
            Err(_) => String::new(),
        };
        crate::fail!(
            "the run failed ({}), so nothing was recorded for {id}; its log is kept at {}{printed}",
            check::run_failure(&run),
            run.log
        );
    }
    match read {
        Ok(value) => Ok(Ok((value, run))),
        Err(miss) => {
            let why = match miss {
                CaptureMiss::NotANumber { text, problem } => format!(
                    "`capture` caught `{}`, which is not a number ({problem})",
                    terminal_safe(&text)
                ),
                CaptureMiss::EmptyGroup => format!(
                    "the last match of `capture: {}` in its output caught nothing in its first group",
                    terminal_safe(pattern)
                ),
                CaptureMiss::NoMatch | CaptureMiss::NoPattern => format!(
                    "nothing in its output matches `capture: {}`",
                    terminal_safe(pattern)
                ),
            };
            let cut = match run::log_was_cut(&log) {
                true => format!(
                    " (the output was over the log's {} MiB cap and its middle was left out: the value may have been in the part cut)",
                    run::MAX_RUN_LOG_BYTES / (1024 * 1024)
                ),
                false => String::new(),
            };
            crate::fail!(
                "the run passed, but {why}{cut}, so nothing was recorded for {id}; its log is kept at {}",
                run.log
            );
        }
    }
}

/// A value and what proves it, ready to record.
struct Measurement {
    value: f64,
    evidence: Option<String>,
    files: Vec<FileEvidence>,
    run: Option<RunEvidence>,
}

/// Appends the measurement and says what it means: the value against
/// baseline and target, and the criteria it decides.
fn record(ctx: &Context, metric: &Metric, m: Measurement) -> anyhow::Result<u8> {
    let (mut poc, mut journal) = ctx.load_for_write()?;
    poc.ensure_open("record a measurement")?;
    // poc.yaml may have changed while the command ran.
    let metric = find(&poc.scope, &metric.id)?.clone();
    let entry = ctx.entry(
        &poc,
        Event::Measure(Box::new(MeasureEvent {
            id: metric.id.clone(),
            value: m.value,
            evidence: m.evidence,
            files: m.files.clone(),
            run: m.run.clone().map(Box::new),
            target: Some(metric.target),
            better: Some(metric.better),
        })),
    );
    let phase = poc.state.phase;
    let gate_was_open = !poc.state.gate(&poc.scope, phase).is_empty();
    poc.record(&mut journal, std::slice::from_ref(&entry))?;
    announce(&poc, &metric, &entry, m.value);
    for f in &m.files {
        crate::say!("Attached {} as {}", terminal_safe(&f.name), f.path);
    }
    if let Some(run) = &m.run {
        crate::say!("The run passed (exit code 0); its log is {}", run.log);
    }
    let after = &poc.state;
    if gate_was_open && after.gate(&poc.scope, after.phase).is_empty() && !after.is_closed() {
        check::say_gate_met(&poc);
    }
    super::done(poc);
    // As with `check --run`: a run whose value misses the target is a check
    // that did not pass, for a script to stop on.
    Ok(if m.run.is_some() && !metric.met_by(m.value) {
        EXIT_FAILURE
    } else {
        EXIT_OK
    })
}

/// "M1: 1.8 min (baseline 25 min, target ≤ 2 min): met, 92.8% better than
/// baseline", then each criterion it decides as it now stands; when a value
/// dated later is the latest, that is said too.
fn announce(poc: &Poc, metric: &Metric, entry: &Entry, value: f64) {
    crate::say!("{}: {}", metric.id, terminal_safe(&metric.summary(value)));
    let latest = poc.state.tracking.latest(&metric.id);
    if let Some(later) = latest.filter(|l| l.at > entry.at) {
        crate::say!(
            "Recorded as of {}, but a value measured later ({}, {}) is the latest",
            poc.scope.show(entry.at),
            metric.amount(later.value),
            poc.scope.show(later.at)
        );
    }
    let tied = (poc.scope.success_criteria.iter())
        .filter(|c| c.metric.as_deref() == Some(metric.id.as_str()));
    for c in tied {
        let what = match poc.state.status_of(&c.id) {
            Status::Met => "Met",
            Status::Failed => "Failed",
            Status::Pending => "Pending",
        };
        crate::say!(
            "{what}: {} {} (via {})",
            terminal_safe(&c.id),
            terminal_safe(&c.title),
            metric.id
        );
    }
}
