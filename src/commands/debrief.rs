//! `poc debrief`: write debrief.md after close, pre-filled from the POC,
//! following the debrief framework: outcome summary, what worked, what failed
//! or struggled, lessons. The file is the SE's once written: never
//! overwritten without --force, and then the old one is kept.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::cli::{DebriefArgs, DocumentFormat};
use crate::context::Context;
use crate::error::{EXIT_OK, Error};
use crate::output::{self, Destination, Document, Replaces};
use crate::plan::GapSeverity;
use crate::plan_report::{GapRow, RiskRow};
use crate::report::{
    BlockerRow, CriterionRow, DEBRIEF_FILE, DebriefDue, PhaseRow, StatusReport, describe_due,
};
use crate::scope::Phase;
use crate::state::{Note, Override, Remark, Status};
use crate::{fsutil, render};

/// What `poc debrief` renders: the status at the close, sorted for the
/// debrief's sections, and the tags the debrief library will read.
#[derive(Debug, Serialize)]
pub struct DebriefReport {
    pub schema_version: u32,
    pub tags: Tags,
    pub due: DebriefDue,
    /// Criteria met, earliest first.
    pub worked: Vec<CriterionRow>,
    /// Criteria failed or never met.
    pub unmet: Vec<CriterionRow>,
    /// Criteria met after failing first.
    pub retried: Vec<CriterionRow>,
    pub late_phases: Vec<PhaseRow>,
    pub overrides: Vec<Override>,
    pub blockers: Vec<BlockerRow>,
    /// Risks that were triggered at some point, and where they ended,
    /// in the order they were (last) triggered.
    pub triggered_risks: Vec<RiskRow>,
    /// Product gaps, open first, the worst first: each open one puts the
    /// deal's ACV at stake.
    pub gaps: Vec<GapRow>,
    pub parked: Vec<Remark>,
    /// The notes, grouped by the phase they were written in; only phases
    /// with notes, in phase order.
    pub notes_by_phase: Vec<PhaseNotes>,
    pub status: StatusReport,
}

/// The notes written during one phase, oldest first.
#[derive(Debug, Serialize)]
pub struct PhaseNotes {
    pub phase: Phase,
    pub title: &'static str,
    pub notes: Vec<Note>,
}

impl PhaseNotes {
    fn group(notes: &[Note]) -> Vec<PhaseNotes> {
        (Phase::ALL.iter())
            .map(|&phase| PhaseNotes {
                phase,
                title: phase.title(),
                notes: (notes.iter().filter(|n| n.phase == phase).cloned()).collect(),
            })
            .filter(|group| !group.notes.is_empty())
            .collect()
    }
}

/// The debrief framework's tags, for a library of debriefs.
#[derive(Debug, Serialize)]
pub struct Tags {
    pub prospect: String,
    pub industry: Option<String>,
    pub deal_size_tier: Option<crate::scope::Tier>,
    pub acv: Option<u64>,
    pub outcome: crate::journal::Outcome,
    pub competitors: Vec<String>,
    pub duration_days: i64,
    pub closed: String,
    /// Each product gap recorded, the worst first, open before resolved
    /// within a severity: what a library of debriefs ranks by revenue at
    /// risk (with `acv`), by feature.
    pub gaps: Vec<GapTag>,
}

/// A product gap as the debrief's front matter tags it.
#[derive(Debug, Serialize)]
pub struct GapTag {
    pub severity: GapSeverity,
    pub feature: Option<String>,
    pub open: bool,
}

impl DebriefReport {
    pub fn build(status: StatusReport, scope: &crate::scope::Scope) -> Option<DebriefReport> {
        let due = status.debrief.clone()?;
        let mut worked: Vec<_> = status
            .criteria
            .iter()
            .filter(|c| c.status == Status::Met)
            .cloned()
            .collect();
        worked.sort_by_key(|c| c.at);
        let unmet = status
            .criteria
            .iter()
            .filter(|c| c.status != Status::Met)
            .cloned()
            .collect();
        let retried = worked
            .iter()
            .filter(|c| !c.earlier_failures.is_empty())
            .cloned()
            .collect();
        let mut gaps = status.gaps.clone();
        gaps.sort_by_key(|g| (!g.open, g.gap.severity));
        let mut triggered_risks: Vec<RiskRow> = (status.risks.iter())
            .filter(|r| r.triggered.is_some())
            .cloned()
            .collect();
        triggered_risks.sort_by_key(|r| r.triggered);
        Some(DebriefReport {
            schema_version: crate::report::JSON_SCHEMA_VERSION,
            tags: Tags {
                prospect: status.prospect.clone(),
                industry: status.industry.clone(),
                deal_size_tier: status.deal_size_tier,
                acv: status.acv,
                outcome: status.outcome?,
                competitors: status.competitors.clone(),
                duration_days: status.duration_days(),
                closed: crate::clock::local_date(status.closed_at?, scope.zone).to_string(),
                gaps: {
                    let mut tags: Vec<GapTag> = (gaps.iter())
                        .map(|g| GapTag {
                            severity: g.gap.severity,
                            feature: g.gap.feature.clone(),
                            open: g.open,
                        })
                        .collect();
                    tags.sort_by_key(|t| (t.severity, !t.open));
                    tags
                },
            },
            due,
            worked,
            unmet,
            retried,
            late_phases: status
                .phases
                .iter()
                .filter(|p| p.days_late > 0)
                .cloned()
                .collect(),
            overrides: status.overrides.clone(),
            blockers: status.blockers.clone(),
            triggered_risks,
            gaps,
            parked: status.parked.clone(),
            notes_by_phase: PhaseNotes::group(&status.notes),
            status,
        })
    }
}

pub fn run(args: DebriefArgs, ctx: &Context) -> anyhow::Result<u8> {
    let poc = ctx.load()?;
    let status = poc.status(&poc.state);
    status.settled("a debrief")?;
    let Some(report) = DebriefReport::build(status, &poc.scope) else {
        crate::fail!(
            "the POC is not closed yet; record the outcome with `poc close --outcome win|loss|inconclusive` first"
        );
    };
    let due = describe_due(&report.due, poc.scope.zone);
    if args.format == Some(DocumentFormat::Json) {
        if args.out.is_some() {
            return Err(Error::usage(
                "--format json prints to stdout; redirect it instead of using --out",
            )
            .into());
        }
        crate::out(&render::json(&report)?)?;
        return Ok(EXIT_OK);
    }
    let destination = output::destination(args.out, &poc.dir, DOCUMENT)?;
    if args.context {
        // What the template gets where the debrief would be written.
        let poc_dir = match &destination {
            Destination::File { path, .. } => output::poc_dir_from(path, &poc.dir),
            _ => String::new(),
        };
        let context = render::template_context(&report, &poc.scope.timezone, &poc_dir);
        crate::out(&render::json(&context)?)?;
        return Ok(EXIT_OK);
    }
    let Destination::File {
        path: target,
        exists,
    } = destination
    else {
        crate::out(&render::document(
            "debrief.md",
            &report,
            &poc.scope.timezone,
        )?)?;
        crate::say!("Debrief {due}.");
        return Ok(EXIT_OK);
    };
    // Links to evidence must work from where the file is written.
    let poc_dir = output::poc_dir_from(&target, &poc.dir);
    let text = render::document_at("debrief.md", &report, &poc.scope.timezone, &poc_dir)?;
    let shown = output::written(&target);
    if exists {
        if !args.force {
            return Err(Error::new(format!(
                "{shown} already exists and may hold your notes; refusing to overwrite it (nothing was changed). Use --force to replace it; the old file is kept as a backup"
            ))
            .into());
        }
        let backup = backup_path(&target, poc.now);
        // A backup only ever of a regular file, read as one.
        let file = fsutil::open_regular_named(&target, &shown)?;
        let old = fsutil::read_capped(&file, Path::new(&*shown), MAX_BACKUP_BYTES)?;
        fsutil::write_atomic(&backup, &old, false)?;
        crate::say!(
            "Kept the previous debrief as {}",
            crate::text::terminal_safe(&backup.display().to_string())
        );
    }
    // Without --force the rename itself refuses to replace a file, so one
    // written since the check above is not lost either.
    fsutil::write_atomic(&target, text.as_bytes(), args.force)?;
    crate::say!(
        "Wrote {shown}. Debrief {due}: fill in the questions with the AE and SE manager (30 minutes)."
    );
    Ok(EXIT_OK)
}

/// The debrief: `debrief.md` in the POC folder unless `--out` says.
pub const DOCUMENT: Document = Document {
    file: DEBRIEF_FILE,
    noun: "debrief",
    replaces: Replaces::Asked,
};

/// The largest debrief kept as a backup before `--force` replaces it.
const MAX_BACKUP_BYTES: u64 = 64 * 1024 * 1024;

/// `debrief.md.20261205T100000Z.bak`, or with a counter if that exists.
fn backup_path(target: &std::path::Path, now: chrono::DateTime<chrono::Utc>) -> PathBuf {
    let stamp = now.format("%Y%m%dT%H%M%SZ");
    let name = target.file_name().unwrap_or_default().to_string_lossy();
    let mut n = 0;
    loop {
        let suffix = if n == 0 {
            String::new()
        } else {
            format!("-{n}")
        };
        let candidate = target.with_file_name(format!("{name}.{stamp}{suffix}.bak"));
        if std::fs::symlink_metadata(&candidate).is_err() {
            return candidate;
        }
        n += 1;
    }
}
