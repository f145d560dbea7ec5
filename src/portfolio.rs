//! The portfolio: every POC folder under some roots, one row each, for the
//! SE manager (`poc list`). A folder that cannot be read is a row with its
//! error, never the end of the run.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::clock::Now;
use crate::evidence::EVIDENCE_DIR;
use crate::journal::Outcome;
use crate::report::{DebriefDue, JSON_SCHEMA_VERSION};
use crate::scope::Phase;
use crate::summary::Summary;

/// Days without a journal entry after which an open POC is stale, when
/// `--fail-on stale` is given without `--stale DAYS`.
pub const DEFAULT_STALE_DAYS: i64 = 7;

/// One POC, as the portfolio shows it. Every field but `folder` is null for
/// a folder that cannot be read; `error` then says why.
#[derive(Debug, Clone, Serialize)]
pub struct ListRow {
    pub schema_version: u32,
    /// The POC folder, relative to the current folder when below it.
    pub folder: String,
    pub name: Option<String>,
    pub prospect: Option<String>,
    pub owner: Option<String>,
    /// The phase it is in, or was closed in.
    pub phase: Option<Phase>,
    pub closed: Option<bool>,
    /// `win`, `loss`, `inconclusive`; null while open.
    pub outcome: Option<Outcome>,
    /// Today's POC day (0 before the start); once closed, the day it closed.
    pub day: Option<i64>,
    pub total_days: Option<u32>,
    /// Days past the current phase's window (0 when on time or closed).
    pub days_late: Option<i64>,
    pub criteria_met: Option<usize>,
    pub criteria_total: Option<usize>,
    pub must_met: Option<usize>,
    pub must_total: Option<usize>,
    pub open_blockers: Option<usize>,
    /// Whole days the oldest open blocker has been open.
    pub oldest_blocker_days: Option<i64>,
    /// The latest journal entry's time.
    pub last_activity: Option<DateTime<Utc>>,
    /// Whole days since then.
    pub idle_days: Option<i64>,
    /// The debrief, once closed.
    pub debrief: Option<DebriefState>,
    /// When the debrief is (or was) due.
    pub debrief_due: Option<DateTime<Utc>>,
    /// "5 h", "2 days 4 h": before or past the deadline.
    pub debrief_distance: Option<String>,
    pub error: Option<RowError>,
    /// Decisions two clones made differently (two outcomes merged): the
    /// outcome shown is not settled until a reopen and a new close.
    pub conflicts: usize,
}

/// Where a closed POC's debrief stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DebriefState {
    Overdue,
    Due,
    Written,
}

impl DebriefState {
    pub fn id(self) -> &'static str {
        match self {
            DebriefState::Overdue => "overdue",
            DebriefState::Due => "due",
            DebriefState::Written => "written",
        }
    }
}

/// Why a folder could not be read: the error's kind, and where.
#[derive(Debug, Clone, Serialize)]
pub struct RowError {
    pub kind: &'static str,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The first line of the message, without its location.
    pub message: String,
}

/// What a row is picked by; each `None` or `false` lets every row through.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub owner: Option<String>,
    pub phase: Option<Phase>,
    pub open: bool,
    pub closed: bool,
    /// Only open POCs with no journal entry for this many days.
    pub stale: Option<i64>,
}

/// The columns rows can be ordered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    #[default]
    Folder,
    Name,
    Prospect,
    Owner,
    Phase,
    Day,
    Late,
    Criteria,
    Blockers,
    Activity,
    Debrief,
}

/// What makes `--fail-on` exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alarm {
    /// An open POC with no journal entry for the stale days.
    Stale,
    /// An open POC past its phase's window.
    Late,
    /// A closed POC whose debrief is past due and not written.
    Overdue,
    /// A folder that cannot be read.
    Broken,
}

/// Every POC folder (one holding `poc.yaml`) under `roots`, in path order:
/// `.gitignore`d folders, `.git/`, `target/` and a POC's own `evidence/`
/// are not searched. Folders that could not be searched (no permission)
/// are the second list, as messages.
pub fn find(roots: &[PathBuf]) -> (Vec<PathBuf>, Vec<String>) {
    find_within(roots, None)
}

/// [`find`], at most `max_depth` folders below each root when given (1:
/// the root's own subfolders).
pub fn find_within(roots: &[PathBuf], max_depth: Option<usize>) -> (Vec<PathBuf>, Vec<String>) {
    let mut found = Vec::new();
    let mut unsearched = Vec::new();
    // A POC once, however many roots reach it (`poc list . acme`).
    let mut seen = std::collections::HashSet::new();
    let progress = crate::progress::Progress::counter("searching");
    for root in roots {
        let walker = ignore::WalkBuilder::new(root)
            // A tree copied out of git (an export, a CI artifact) keeps its
            // .gitignore and means the same.
            .require_git(false)
            // A POC in a dot-folder is still a POC; ignore files decide.
            .hidden(false)
            .sort_by_file_name(|a, b| a.cmp(b))
            .max_depth(max_depth)
            .filter_entry(searched)
            .build();
        for entry in walker {
            match entry {
                Ok(entry) if holds_scope(&entry) => {
                    let path = entry.into_path();
                    let key = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
                    if seen.insert(key) {
                        progress.step();
                        found.push(path);
                    }
                }
                Ok(_) => {}
                Err(e) => unsearched.push(e.to_string()),
            }
        }
    }
    found.sort();
    (found, unsearched)
}

/// Whether `entry` is a folder holding a `poc.yaml` of any kind (see
/// [`crate::locate::holds_scope`]).
fn holds_scope(entry: &ignore::DirEntry) -> bool {
    // A root may be a link to a POC folder, which the walk reports as a link.
    let folder = entry.file_type().is_some_and(|t| t.is_dir())
        || (entry.depth() == 0 && entry.path().is_dir());
    folder && crate::locate::holds_scope(entry.path())
}

/// Whether the walk goes into `entry`: never `.git/`, `target/`, or a POC's
/// `evidence/` (its stored files are not POCs, whatever they hold).
fn searched(entry: &ignore::DirEntry) -> bool {
    if !entry.file_type().is_some_and(|t| t.is_dir()) || entry.depth() == 0 {
        return true;
    }
    let name = entry.file_name();
    if name == ".git" || name == "target" || name == crate::summary_cache::CACHE_DIR {
        return false;
    }
    !(name == EVIDENCE_DIR
        && entry
            .path()
            .parent()
            .is_some_and(crate::locate::holds_scope))
}

/// A POC folder found: where it is, and how it is shown.
#[derive(Debug, Clone)]
pub struct Folder {
    /// Read from here: a name that is not UTF-8 is kept as it is.
    pub path: PathBuf,
    /// As [`shown`] makes it.
    pub shown: String,
}

/// The summaries of the POCs in `folders`, in their order, read on every
/// core (a team's repository holds thousands), each from its cache when
/// `cache` allows and it is still true.
pub fn summaries(folders: Vec<Folder>, now: Now, cache: bool) -> Vec<Read> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = folders.len().div_ceil(threads).max(1);
    let progress = crate::progress::Progress::bar(folders.len(), "reading POCs");
    let progress = &progress;
    let read = move |folder: &Folder| {
        let summary = crate::summary_cache::summary(&folder.path, now, cache);
        progress.step();
        Read {
            summary,
            folder: folder.shown.clone(),
            path: folder.path.clone(),
        }
    };
    std::thread::scope(|scope| {
        let handles: Vec<std::thread::ScopedJoinHandle<Vec<Read>>> = (folders.chunks(chunk))
            .map(|part| scope.spawn(move || part.iter().map(read).collect()))
            .collect();
        let mut out = Vec::with_capacity(folders.len());
        for handle in handles {
            // A panic in a reader is a bug: raise it here as it was.
            match handle.join() {
                Ok(part) => out.extend(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        out
    })
}

/// A POC folder (as [`shown`] makes it: errors name its files as the user
/// would), and its summary or why it could not be read.
pub struct Read {
    pub folder: String,
    pub path: PathBuf,
    pub summary: anyhow::Result<Summary>,
}

/// The rows of `folders`, in their order.
pub fn rows(folders: Vec<Folder>, now: Now, cache: bool) -> Vec<ListRow> {
    (summaries(folders, now, cache).into_iter())
        .map(|read| match read.summary {
            Ok(summary) => ListRow::of(&summary, read.folder, now),
            Err(e) => ListRow::broken(read.folder, &e),
        })
        .collect()
}

impl ListRow {
    /// The row of the POC `summary` tells of, at `now`.
    pub fn of(summary: &Summary, folder: String, now: Now) -> ListRow {
        let now = now.resolve(summary.zone);
        let counts = summary.criteria_counts();
        let close = summary.close.as_ref();
        let last = summary.last_activity;
        let due = close.map(|c| DebriefDue::at(c.debrief_due, now));
        ListRow {
            name: Some(summary.name.clone()),
            prospect: Some(summary.prospect.clone()),
            owner: summary.owner.clone(),
            phase: Some(summary.phase),
            closed: Some(close.is_some()),
            outcome: summary.outcome(),
            day: Some(match close {
                Some(c) => c.duration_days,
                None => summary.day_of(now).max(0),
            }),
            total_days: Some(summary.total_days),
            days_late: Some(match close {
                Some(_) => 0,
                None => crate::report::days_late(summary.day_of(now), summary.phase_window[1]),
            }),
            criteria_met: Some(counts.met),
            criteria_total: Some(counts.total),
            must_met: Some(counts.must_met),
            must_total: Some(counts.must_total),
            open_blockers: Some(summary.open_blockers()),
            oldest_blocker_days: summary.oldest_blocker_days(now),
            last_activity: last,
            idle_days: last.map(|t| (now - t).num_days().max(0)),
            debrief: close
                .zip(due.as_ref())
                .map(|(c, d)| match (c.debrief.is_some(), d.overdue) {
                    (true, _) => DebriefState::Written,
                    (false, true) => DebriefState::Overdue,
                    (false, false) => DebriefState::Due,
                }),
            debrief_due: due.as_ref().map(|d| d.due),
            debrief_distance: due.map(|d| d.distance),
            conflicts: summary.conflicts,
            ..ListRow::empty(folder)
        }
    }

    pub fn broken(folder: String, e: &anyhow::Error) -> ListRow {
        ListRow {
            error: Some(RowError::of(e)),
            ..ListRow::empty(folder)
        }
    }

    fn empty(folder: String) -> ListRow {
        ListRow {
            schema_version: JSON_SCHEMA_VERSION,
            folder,
            name: None,
            prospect: None,
            owner: None,
            phase: None,
            closed: None,
            outcome: None,
            day: None,
            total_days: None,
            days_late: None,
            criteria_met: None,
            criteria_total: None,
            must_met: None,
            must_total: None,
            open_blockers: None,
            oldest_blocker_days: None,
            last_activity: None,
            idle_days: None,
            debrief: None,
            debrief_due: None,
            debrief_distance: None,
            error: None,
            conflicts: 0,
        }
    }

    pub fn is_open(&self) -> bool {
        self.closed == Some(false)
    }

    /// Whether an open POC has had no journal entry for `days` days; one
    /// with none at all (a poc.yaml copied in by hand), since its day 1.
    pub fn is_stale(&self, days: i64) -> bool {
        let since_start = self.day.filter(|d| *d >= 1).map(|d| d - 1);
        self.is_open()
            && self
                .idle_days
                .or(since_start)
                .is_some_and(|idle| idle >= days)
    }

    /// Whether the row raises `alarm` (`stale_days` for [`Alarm::Stale`]).
    pub fn raises(&self, alarm: Alarm, stale_days: i64) -> bool {
        match alarm {
            Alarm::Stale => self.is_stale(stale_days),
            Alarm::Late => self.days_late.is_some_and(|d| d > 0),
            Alarm::Overdue => self.debrief == Some(DebriefState::Overdue),
            // An outcome in conflict is as broken as an unreadable file:
            // the row cannot be counted as it stands.
            Alarm::Broken => self.error.is_some() || self.conflicts > 0,
        }
    }
}

impl RowError {
    /// Why a POC could not be read, from the error reading it.
    pub fn of(e: &anyhow::Error) -> RowError {
        match e.downcast_ref::<crate::Error>() {
            Some(e) => {
                let at = e.location();
                RowError {
                    kind: e.kind(),
                    file: at.map(|l| l.file.clone()),
                    line: at.and_then(|l| l.line),
                    column: at.and_then(|l| l.column),
                    message: first_line(&e.message()),
                }
            }
            None => RowError {
                kind: "unreadable",
                file: None,
                line: None,
                column: None,
                message: first_line(&format!("{e:#}")),
            },
        }
    }

    /// `file:line:column`, or the file alone, when the error is in one.
    pub fn at(&self) -> Option<String> {
        let mut at = self.file.clone()?;
        for n in [self.line, self.column].into_iter().flatten() {
            at.push_str(&format!(":{n}"));
        }
        Some(at)
    }
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().to_string()
}

impl Filter {
    /// Whether `row` is listed. A folder that cannot be read always is:
    /// it may be one of those asked for, and hiding it would hide a problem.
    pub fn keeps(&self, row: &ListRow) -> bool {
        if row.error.is_some() {
            return true;
        }
        // Any case, any spacing: "Zoë Ng" is "ZOË  NG".
        let key = crate::summary::fold_key;
        let owner_ok = (self.owner.as_deref())
            .is_none_or(|o| (row.owner.as_deref()).is_some_and(|r| key(r) == key(o)));
        let phase_ok = self
            .phase
            .is_none_or(|p| row.is_open() && row.phase == Some(p));
        owner_ok
            && phase_ok
            && (!self.open || row.is_open())
            && (!self.closed || row.closed == Some(true))
            && self.stale.is_none_or(|days| row.is_stale(days))
    }
}

/// Orders `rows` by `key`, then by folder. Numbers that call for action
/// come first (most days late, most blockers, longest idle, debriefs
/// overdue); but for the folder order, folders that cannot be read come
/// last.
pub fn sort(rows: &mut [ListRow], key: SortKey) {
    use std::cmp::Reverse;
    rows.sort_by(|a, b| {
        let broken = match key {
            SortKey::Folder => std::cmp::Ordering::Equal,
            _ => a.error.is_some().cmp(&b.error.is_some()),
        };
        let by = match key {
            SortKey::Folder => std::cmp::Ordering::Equal,
            SortKey::Name => lower(&a.name).cmp(&lower(&b.name)),
            SortKey::Prospect => lower(&a.prospect).cmp(&lower(&b.prospect)),
            SortKey::Owner => lower(&a.owner).cmp(&lower(&b.owner)),
            SortKey::Phase => (a.closed, a.phase).cmp(&(b.closed, b.phase)),
            SortKey::Day => a.day.cmp(&b.day),
            SortKey::Late => Reverse(a.days_late).cmp(&Reverse(b.days_late)),
            SortKey::Criteria => ratio(a).total_cmp(&ratio(b)),
            SortKey::Blockers => Reverse((a.open_blockers, a.oldest_blocker_days))
                .cmp(&Reverse((b.open_blockers, b.oldest_blocker_days))),
            SortKey::Activity => a.last_activity.cmp(&b.last_activity),
            SortKey::Debrief => (a.debrief.is_none(), a.debrief, a.debrief_due).cmp(&(
                b.debrief.is_none(),
                b.debrief,
                b.debrief_due,
            )),
        };
        broken.then(by).then_with(|| a.folder.cmp(&b.folder))
    });
}

fn lower(text: &Option<String>) -> Option<String> {
    text.as_ref().map(|t| t.to_lowercase())
}

/// The share of criteria met (fewest first), 1 when there are none.
fn ratio(row: &ListRow) -> f64 {
    match (row.criteria_met, row.criteria_total) {
        (Some(met), Some(total)) if total > 0 => met as f64 / total as f64,
        _ => 1.0,
    }
}

/// `dir` as the user would write it from `cwd`: `acme`, `pocs/acme`, `.`,
/// or as given when it is not below `cwd`.
pub fn shown(dir: &Path, cwd: &Path) -> String {
    let below = if dir.is_absolute() {
        dir.strip_prefix(cwd).unwrap_or(dir)
    } else {
        dir
    };
    let below = below.strip_prefix(".").unwrap_or(below);
    match below.as_os_str().is_empty() {
        true => ".".to_string(),
        false => below.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_read_as_typed() {
        let cwd = Path::new("/home/dana/pocs");
        assert_eq!(shown(Path::new("./acme"), cwd), "acme");
        assert_eq!(shown(Path::new("."), cwd), ".");
        assert_eq!(shown(Path::new("/home/dana/pocs/acme"), cwd), "acme");
        assert_eq!(shown(Path::new("/srv/pocs/x"), cwd), "/srv/pocs/x");
        assert_eq!(shown(Path::new("team/acme"), cwd), "team/acme");
    }
}
