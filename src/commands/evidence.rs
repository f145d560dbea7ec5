//! `poc evidence`: every piece of evidence, and `--verify` to re-hash the
//! stored files.

use serde::Serialize;

use crate::cli::{EvidenceArgs, ListFormat};
use crate::context::Context;
use crate::error::{EXIT_FAILURE, EXIT_OK};
use crate::evidence::{self, EvidenceRow, Problem};
use crate::render::{self, cell, status_cell};
use crate::scope::Scope;

#[derive(Serialize)]
struct EvidenceReport {
    schema_version: u32,
    evidence: Vec<EvidenceRow>,
    /// Present with --verify: stored files missing or changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    problems: Option<Vec<Problem>>,
}

pub fn run(args: EvidenceArgs, ctx: &Context) -> anyhow::Result<u8> {
    let poc = ctx.load()?;
    if let Some(id) = &args.id
        && poc.scope.find(id).is_none()
        && !poc.scope.signoffs.iter().any(|s| s.id == *id)
    {
        return Err(poc.scope.unknown_id(id).into());
    }
    let mut rows = evidence::list(&poc.journal);
    if let Some(id) = &args.id {
        rows.retain(|r| &r.id == id);
    }
    let problems = args.verify.then(|| {
        let mut p = evidence::verify(&poc.dir, &poc.journal);
        if let Some(id) = &args.id {
            p.retain(|p| &p.id == id);
        }
        p
    });
    let failed = problems.as_ref().is_some_and(|p| !p.is_empty());
    let report = EvidenceReport {
        schema_version: crate::report::JSON_SCHEMA_VERSION,
        evidence: rows,
        problems,
    };
    match args.format.unwrap_or(ListFormat::Table) {
        ListFormat::Json => crate::out(&render::json(&report)?)?,
        ListFormat::Table if args.verify => say_verified(&report)?,
        ListFormat::Table if report.evidence.is_empty() => crate::say!(
            "No evidence recorded yet. Add it with `poc check ID --evidence TEXT`, `--attach FILE` or `--run COMMAND`."
        ),
        ListFormat::Table => crate::out(&table(&report, &poc.scope, ctx.color))?,
    }
    Ok(if failed { EXIT_FAILURE } else { EXIT_OK })
}

/// `--verify` as people read it: each problem on stderr, or "ok: …".
fn say_verified(report: &EvidenceReport) -> anyhow::Result<()> {
    let problems = report.problems.as_deref().unwrap_or_default();
    for p in problems {
        crate::say!("error: {p}");
    }
    if !problems.is_empty() {
        let unread = problems.iter().any(|p| p.problem.code().1);
        crate::say!(
            "error: {} missing or changed since recorded{}",
            crate::text::plural(problems.len() as i64, "stored evidence file"),
            if unread {
                ", or not read (not a regular file, reached through a symbolic link, or outside evidence/)"
            } else {
                ""
            }
        );
        return Ok(());
    }
    // A file attached to two IDs is one file.
    let stored: std::collections::BTreeSet<&str> = (report.evidence.iter())
        .filter_map(|r| r.path.as_deref())
        .collect();
    crate::out(&match stored.len() {
        0 => "ok: no stored evidence files to verify (text evidence has none)\n".to_string(),
        1 => "ok: 1 stored evidence file matches its recorded sha256\n".to_string(),
        n => format!(
            "ok: {} match their recorded sha256\n",
            crate::text::plural(n as i64, "stored evidence file")
        ),
    })
}

/// Every piece of evidence, a row each, times in the POC's zone.
fn table(report: &EvidenceReport, scope: &Scope, color: bool) -> String {
    let mut table = render::table(&[
        "id", "result", "when", "who", "kind", "evidence", "path", "sha256",
    ]);
    for r in &report.evidence {
        // The hash comes from the journal, which a person may have edited:
        // cut it by characters, not bytes.
        let sha: String = r
            .sha256
            .as_deref()
            .unwrap_or_default()
            .chars()
            .take(12)
            .collect();
        table.add_row(vec![
            cell(&r.id),
            status_cell(r.result.id(), r.result.into(), color),
            cell(scope.show(r.at)),
            cell(&r.by),
            cell(r.kind),
            cell(&r.detail),
            cell(r.path.as_deref().unwrap_or_default()),
            cell(sha),
        ]);
    }
    render::shown(table)
}
