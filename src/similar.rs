//! `poc similar`: the pattern war story at kickoff. The team's past closed
//! POCs that share a competitor, the industry or the deal size tier with
//! this one, most similar first: how each ended, what failed, the gaps it
//! hit and what its debrief says was learned. `poc init` prints the
//! headline when there are any.

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::clock::Now;
use crate::journal::Outcome;
use crate::portfolio;
use crate::report::JSON_SCHEMA_VERSION;
use crate::scope::Priority;
use crate::summary::{Facet, GapFact, Outcomes, Summary, fold_key};

/// How many past POCs are shown unless `--limit` says otherwise.
pub const DEFAULT_LIMIT: usize = 10;

/// What a past POC is matched on, strongest first.
pub const MATCHED_ON: [Facet; 3] = [Facet::Competitor, Facet::Industry, Facet::Tier];

/// What a shared value of `facet` weighs: a shared competitor outweighs
/// the industry and the tier together, the industry outweighs the tier.
fn weight(facet: Facet) -> u32 {
    match facet {
        Facet::Competitor => 4,
        Facet::Industry => 2,
        Facet::Tier => 1,
        Facet::Template | Facet::Owner => 0,
    }
}

/// Where to look for the team's past POCs, and how.
pub struct Search<'a> {
    /// The POC the others are compared with.
    pub this: &'a Summary,
    /// Its folder, left out of the matches.
    pub dir: &'a Path,
    pub root: &'a Path,
    /// How deep under `root` POCs are looked for; none: the whole tree.
    pub max_depth: Option<usize>,
    /// What folders are shown relative to (the current folder).
    pub cwd: &'a Path,
    pub now: Now,
    /// Whether the summary cache may be used (and written).
    pub cache: bool,
    /// The most past POCs listed; all are counted.
    pub limit: usize,
}

/// `poc similar`'s report: one model for every format.
#[derive(Debug, Clone, Serialize)]
pub struct SimilarReport {
    pub schema_version: u32,
    /// The POC the others are compared with, and what it is matched on.
    pub poc: Profile,
    /// The folder searched, as typed from the current folder.
    pub root: String,
    /// "3 past POCs against Vendor X: 2 won, 1 lost", or the sentence that
    /// says nothing matched.
    pub headline: String,
    /// What to add to poc.yaml to match on more, when it records no
    /// competitor, industry or ACV.
    pub hint: Option<String>,
    /// Every past POC that matched, before `limit`.
    pub total: usize,
    /// How they ended.
    pub outcomes: Outcomes,
    /// The most similar first, at most `limit` of them.
    pub matches: Vec<PastPoc>,
    /// POC folders under the root that could not be read.
    pub unreadable: usize,
    /// Past POCs that matched but were left out: two clones closed them
    /// differently, so their outcome is not settled.
    pub in_conflict: usize,
}

/// This POC's values of what is matched on.
#[derive(Debug, Clone, Serialize)]
pub struct Profile {
    pub name: String,
    pub prospect: String,
    pub competitors: Vec<String>,
    pub industry: Option<String>,
    /// The deal size tier, from the ACV.
    pub tier: Option<String>,
}

/// A past POC like this one.
#[derive(Debug, Clone, Serialize)]
pub struct PastPoc {
    /// Its folder, relative to the current folder when below it.
    pub folder: String,
    pub name: String,
    pub prospect: String,
    /// What it shares with this POC, strongest first.
    pub matched: Vec<Match>,
    /// The sum of the matches' weights (competitor 4, industry 2, tier 1).
    pub score: u32,
    pub outcome: Outcome,
    pub closed_at: DateTime<Utc>,
    /// The day it closed, in its own time zone.
    pub closed_on: NaiveDate,
    pub close_reason: Option<String>,
    /// The criteria that failed at some point, musts first.
    pub failed: Vec<PastFailure>,
    pub gaps: Vec<GapFact>,
    /// The debrief's lessons section, as the SE wrote it.
    pub lessons: Option<String>,
    /// The debrief's own labels (`tags:` in its front matter).
    pub tags: Vec<String>,
    /// Whether its debrief.md was written.
    pub debriefed: bool,
}

/// One shared value: `competitor` "Vendor X".
#[derive(Debug, Clone, Serialize)]
pub struct Match {
    pub facet: Facet,
    /// As this POC writes it.
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PastFailure {
    pub id: String,
    pub title: String,
    pub priority: Priority,
    /// Met in the end, after failing.
    pub met_later: bool,
}

/// Where the team's past POCs are looked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamRoot {
    pub path: PathBuf,
    /// No repository holds the POC and `path` is its parent folder: only
    /// the folders beside the POC are looked at, never the whole tree below
    /// (which may be `/tmp`, a home folder or `/`).
    pub beside_only: bool,
}

impl TeamRoot {
    /// How deep under the root POCs are looked for.
    pub fn max_depth(&self) -> Option<usize> {
        self.beside_only.then_some(1)
    }
}

/// The team's folder of POCs, for the POC in `dir` (absolute): the nearest
/// folder from it upward holding `.git` or `.poc/`, within the bounds of
/// the POC search (never in or above a folder of
/// `POC_CEILING_DIRECTORIES` nor the home folder, never onto another
/// filesystem); else, or
/// when that is the POC's own folder (a POC kept as its own repository
/// sits beside the others), the POC's parent folder, beside it only.
pub fn team_root(dir: &Path) -> TeamRoot {
    let mut ceilings = crate::locate::ceilings_from_env();
    // A `.git` in the home folder is a dotfiles repository, not the
    // team's: the whole home folder is not searched for it.
    ceilings.extend(std::env::var_os("HOME").map(|home| canonical(Path::new(&home))));
    team_root_within(dir, &ceilings, crate::locate::device)
}

/// [`team_root`], with the ceilings and the filesystem of each folder
/// given (as [`crate::locate::search`] takes them).
fn team_root_within(
    dir: &Path,
    ceilings: &[PathBuf],
    device: impl Fn(&Path) -> Option<u64>,
) -> TeamRoot {
    let parent = || TeamRoot {
        path: dir.parent().unwrap_or(dir).to_path_buf(),
        beside_only: true,
    };
    let mut at = dir;
    loop {
        if at.join(".git").symlink_metadata().is_ok() || at.join(".poc").is_dir() {
            return if at == dir {
                parent()
            } else {
                TeamRoot {
                    path: at.to_path_buf(),
                    beside_only: false,
                }
            };
        }
        if ceilings.iter().any(|c| c == at) {
            return parent();
        }
        let Some(up) = at.parent() else {
            return parent();
        };
        let crosses = matches!((device(at), device(up)), (Some(a), Some(b)) if a != b);
        if ceilings.iter().any(|c| c == up) || crosses {
            return parent();
        }
        at = up;
    }
}

/// The past POCs under the search's root like its POC; none searched for
/// when it records nothing to match on.
pub fn search(search: &Search) -> SimilarReport {
    let mut report = SimilarReport::empty(search.this, relative(search.root, search.cwd));
    if !matchable(search.this) {
        report.headline = headline(search.this, &[], &report.root);
        return report;
    }
    let this_dir = canonical(search.dir);
    let (found, _) = portfolio::find_within(&[search.root.to_path_buf()], search.max_depth);
    let others: Vec<portfolio::Folder> = (found.into_iter())
        .filter(|dir| canonical(dir) != this_dir)
        .map(|path| portfolio::Folder {
            shown: path.display().to_string(),
            path,
        })
        .collect();
    let reads = portfolio::summaries(others, search.now, search.cache);
    let mut matches = Vec::new();
    for read in reads {
        let Ok(past) = read.summary else {
            report.unreadable += 1;
            continue;
        };
        let folder = relative(&read.path, search.cwd);
        let Some(found) = PastPoc::of(search.this, &past, folder) else {
            continue;
        };
        match past.conflicts {
            0 => matches.push(found),
            _ => report.in_conflict += 1,
        }
    }
    // Most similar first; of equals, the latest close first.
    matches.sort_by(|a, b| {
        (b.score.cmp(&a.score))
            .then(b.closed_at.cmp(&a.closed_at))
            .then_with(|| a.folder.cmp(&b.folder))
    });
    report.total = matches.len();
    report.outcomes = Outcomes::of(matches.iter().map(|m| m.outcome));
    report.headline = headline(search.this, &matches, &report.root);
    matches.truncate(search.limit);
    report.matches = matches;
    report
}

/// `dir` as a path from `cwd` (both absolute): `acme`, `../globex`; as
/// it is when they share nothing but the file system's root.
fn relative(dir: &Path, cwd: &Path) -> String {
    let (dir, cwd) = (canonical(dir), canonical(cwd));
    let common = (dir.components().zip(cwd.components()))
        .take_while(|(a, b)| a == b)
        .count();
    if common <= 1 {
        return dir.display().to_string();
    }
    let up = cwd.components().count() - common;
    let mut path: PathBuf = std::iter::repeat_n("..", up).collect();
    path.extend(dir.components().skip(common));
    portfolio::shown(&path, Path::new(""))
}

/// Whether `this` records anything a past POC could share.
pub fn matchable(this: &Summary) -> bool {
    MATCHED_ON.iter().any(|f| !this.facet(*f).is_empty())
}

fn canonical(dir: &Path) -> PathBuf {
    std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf())
}

impl SimilarReport {
    fn empty(this: &Summary, root: String) -> SimilarReport {
        SimilarReport {
            schema_version: JSON_SCHEMA_VERSION,
            poc: Profile {
                name: this.name.clone(),
                prospect: this.prospect.clone(),
                competitors: this.facet(Facet::Competitor),
                industry: this.facet(Facet::Industry).into_iter().next(),
                tier: this.facet(Facet::Tier).into_iter().next(),
            },
            root,
            headline: String::new(),
            hint: hint(this),
            total: 0,
            outcomes: Outcomes::default(),
            matches: Vec::new(),
            unreadable: 0,
            in_conflict: 0,
        }
    }
}

impl PastPoc {
    /// `past` as this POC's war story, when it is closed and shares
    /// anything with `this`.
    fn of(this: &Summary, past: &Summary, folder: String) -> Option<PastPoc> {
        let close = past.close.as_ref()?;
        let matched: Vec<Match> = (MATCHED_ON.iter())
            .flat_map(|&facet| shared(this, past, facet))
            .collect();
        if matched.is_empty() {
            return None;
        }
        let mut failed: Vec<PastFailure> = (past.criteria.iter())
            .filter(|c| c.ever_failed)
            .map(|c| PastFailure {
                id: c.id.clone(),
                title: c.title.clone(),
                priority: c.priority,
                met_later: c.status == crate::state::Status::Met,
            })
            .collect();
        // Stable: in scope order within a priority.
        failed.sort_by_key(|c| c.priority);
        let debrief = close.debrief.as_ref();
        Some(PastPoc {
            folder,
            name: past.name.clone(),
            prospect: past.prospect.clone(),
            score: matched.iter().map(|m| weight(m.facet)).sum(),
            matched,
            outcome: close.outcome,
            closed_at: close.at,
            closed_on: crate::clock::local_date(close.at, past.zone),
            close_reason: close.reason.clone(),
            failed,
            gaps: past.gaps.clone(),
            lessons: debrief.and_then(|d| d.lessons.clone()),
            tags: debrief.map(|d| d.tags.tags.clone()).unwrap_or_default(),
            debriefed: debrief.is_some(),
        })
    }
}

/// This POC's values of `facet` that `past` shares, as this POC writes them.
fn shared(this: &Summary, past: &Summary, facet: Facet) -> Vec<Match> {
    let theirs: Vec<String> = past.facet(facet).iter().map(|v| fold_key(v)).collect();
    let mut seen = Vec::new();
    (this.facet(facet).into_iter())
        .filter(|v| theirs.contains(&fold_key(v)))
        .filter(|v| {
            // "Vendor X" and "vendor x" in one scope match once.
            let fresh = !seen.contains(&fold_key(v));
            seen.push(fold_key(v));
            fresh
        })
        .map(|value| Match { facet, value })
        .collect()
}

/// "3 past POCs against Vendor X: 2 won, 1 lost", naming the values that
/// matched; with no match, what was searched for and where.
fn headline(this: &Summary, matches: &[PastPoc], root: &str) -> String {
    if matches.is_empty() {
        let wanted: Vec<Match> = (MATCHED_ON.iter())
            .flat_map(|&facet| {
                this.facet(facet)
                    .into_iter()
                    .map(move |value| Match { facet, value })
            })
            .collect();
        return match wanted.is_empty() {
            true => "Nothing to match on: this POC records no competitor, industry or ACV.".into(),
            false => format!("No past POC under {root} {}.", describe(&wanted)),
        };
    }
    let mut matched: Vec<Match> = Vec::new();
    for m in matches.iter().flat_map(|p| &p.matched) {
        if !(matched.iter()).any(|k| k.facet == m.facet && k.value == m.value) {
            matched.push(m.clone());
        }
    }
    matched.sort_by_key(|m| std::cmp::Reverse(weight(m.facet)));
    format!(
        "{} {}: {}",
        crate::text::plural(matches.len() as i64, "past POC"),
        describe(&matched),
        Outcomes::of(matches.iter().map(|m| m.outcome)).phrase()
    )
}

/// "against Vendor X or Vendor Y, in Retail or in Mid-Market deals".
fn describe(values: &[Match]) -> String {
    let mut parts: Vec<String> = Vec::new();
    for facet in MATCHED_ON {
        let of: Vec<&str> = (values.iter())
            .filter(|m| m.facet == facet)
            .map(|m| m.value.as_str())
            .collect();
        if of.is_empty() {
            continue;
        }
        parts.push(match facet {
            Facet::Competitor => format!("against {}", or_list(&of)),
            Facet::Tier => format!("in {} deals", or_list(&of)),
            _ => format!("in {}", or_list(&of)),
        });
    }
    or_list(&parts.iter().map(String::as_str).collect::<Vec<_>>())
}

/// "a", "a or b", "a, b or c".
fn or_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// What poc.yaml could add to be matched on more: none when it records a
/// competitor, the industry and the ACV.
fn hint(this: &Summary) -> Option<String> {
    let missing: Vec<&str> = [
        (Facet::Competitor, "competitors"),
        (Facet::Industry, "industry"),
        (Facet::Tier, "acv"),
    ]
    .into_iter()
    .filter(|(facet, _)| this.facet(*facet).is_empty())
    .map(|(_, key)| key)
    .collect();
    let keys: Vec<String> = missing.iter().map(|k| format!("`{k}:`")).collect();
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    (!missing.is_empty()).then(|| {
        format!(
            "poc.yaml records no {}: add {} to match on {}",
            or_list(&missing),
            and_list(&keys),
            if missing.len() == 3 { "them" } else { "more" }
        )
    })
}

fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_are_paths_from_the_current_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let root = canonical(tmp.path());
        for dir in ["pocs/a", "pocs/new", "other"] {
            std::fs::create_dir_all(root.join(dir)).unwrap();
        }
        let from = root.join("pocs/new");
        assert_eq!(relative(&root.join("pocs/a"), &from), "../a");
        assert_eq!(relative(&root.join("other"), &from), "../../other");
        assert_eq!(relative(&root, &from), "../..");
        assert_eq!(relative(&root.join("pocs/a"), &root), "pocs/a");
        assert_eq!(relative(&root, &root), ".");
    }

    #[test]
    fn the_team_root_is_the_repository_or_the_parent_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let top = canonical(tmp.path());
        let poc = top.join("team/pocs/acme");
        std::fs::create_dir_all(&poc).unwrap();
        let same = |_: &Path| Some(1);
        let beside = |path: PathBuf| TeamRoot {
            path,
            beside_only: true,
        };
        let repo = |path: PathBuf| TeamRoot {
            path,
            beside_only: false,
        };
        // No repository above: the POC's parent folder.
        assert_eq!(
            team_root_within(&poc, &[], same),
            beside(top.join("team/pocs"))
        );
        std::fs::create_dir(top.join("team/.poc")).unwrap();
        assert_eq!(team_root_within(&poc, &[], same), repo(top.join("team")));
        std::fs::write(top.join(".git"), "gitdir: elsewhere\n").unwrap();
        assert_eq!(team_root_within(&poc, &[], same), repo(top.join("team")));
        std::fs::remove_dir(top.join("team/.poc")).unwrap();
        assert_eq!(team_root_within(&poc, &[], same), repo(top.clone()));
        // Never at or above a ceiling, nor onto another filesystem.
        let ceiling = [top.join("team")];
        assert_eq!(
            team_root_within(&poc, &ceiling, same),
            beside(top.join("team/pocs"))
        );
        let split = |d: &Path| Some(u64::from(d.starts_with(top.join("team"))));
        assert_eq!(
            team_root_within(&poc, &[], split),
            beside(top.join("team/pocs"))
        );
        // A POC that is its own repository sits beside the others.
        std::fs::create_dir(poc.join(".git")).unwrap();
        assert_eq!(
            team_root_within(&poc, &[], same),
            beside(top.join("team/pocs"))
        );
    }

    #[test]
    fn lists_read_as_sentences() {
        assert_eq!(or_list(&["a"]), "a");
        assert_eq!(or_list(&["a", "b"]), "a or b");
        assert_eq!(or_list(&["a", "b", "c"]), "a, b or c");
        assert_eq!(and_list(&["a", "b", "c"]), "a, b and c");
    }

    #[test]
    fn a_competitor_outweighs_industry_and_tier_together() {
        assert!(weight(Facet::Competitor) > weight(Facet::Industry) + weight(Facet::Tier));
        assert!(weight(Facet::Industry) > weight(Facet::Tier));
    }

    #[test]
    fn matches_are_described_strongest_first() {
        let m = |facet, value: &str| Match {
            facet,
            value: value.to_string(),
        };
        assert_eq!(
            describe(&[
                m(Facet::Tier, "Mid-Market"),
                m(Facet::Competitor, "Vendor X"),
                m(Facet::Industry, "Retail"),
                m(Facet::Competitor, "Vendor Y"),
            ]),
            "against Vendor X or Vendor Y, in Retail or in Mid-Market deals"
        );
    }
}
