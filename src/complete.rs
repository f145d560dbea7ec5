//! Shell completion, by clap_complete's dynamic completion: the script
//! `poc completions SHELL` prints (what `COMPLETE=SHELL poc` prints) asks
//! `poc` itself for the candidates as the user types, so IDs come from the
//! POC being worked on. A candidate list is read quietly: outside a POC, or
//! with a broken `poc.yaml`, there are none, and nothing is printed.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use clap::CommandFactory;
use clap_complete::CompletionCandidate;
use clap_complete::env::{CompleteEnv, Shells};

use crate::clock::Now;
use crate::context::Poc;
use crate::scope::Phase;

/// The variable that makes `poc` answer a completion request.
const VAR: &str = "COMPLETE";

/// Answers the shell's completion request and exits, when `COMPLETE` names
/// a shell; otherwise returns at once. Any other value (`COMPLETE=1` set
/// for something else) leaves `poc` to run as usual.
pub fn answer_if_asked() {
    let Some(shell) = std::env::var_os(VAR) else {
        return;
    };
    let named = Path::new(&shell).file_stem().and_then(|s| s.to_str());
    if named.is_none_or(|name| Shells::builtins().completer(name).is_none()) {
        return;
    }
    // A panic's message would land in the middle of the user's prompt.
    std::panic::set_hook(Box::new(|_| {}));
    CompleteEnv::with_factory(crate::cli::Cli::command)
        .var(VAR)
        .complete();
}

/// The script that registers `poc`'s completion with `shell`: the same
/// `COMPLETE=SHELL poc` prints.
pub fn registration(shell: &str) -> anyhow::Result<String> {
    let shells = Shells::builtins();
    let Some(completer) = shells.completer(shell) else {
        anyhow::bail!("no completion for the shell `{shell}`");
    };
    let mut script = Vec::new();
    completer.write_registration(VAR, "poc", "poc", &this_program(), &mut script)?;
    Ok(String::from_utf8_lossy(&script).into_owned())
}

/// How the script calls `poc` back: as it was called now (`poc` on the
/// PATH, or a path, made absolute), as clap_complete does.
fn this_program() -> String {
    let called = PathBuf::from(std::env::args_os().next().unwrap_or_else(|| "poc".into()));
    let called = match std::env::current_dir() {
        Ok(cwd) if called.components().count() > 1 => cwd.join(called),
        _ => called,
    };
    called.to_string_lossy().into_owned()
}

// --- Candidates, for `ArgValueCandidates` in cli.rs. ---

/// Success criteria and checklist items (`poc check`).
pub fn criteria_and_items() -> Vec<CompletionCandidate> {
    from_poc(|poc| {
        let mut out = criteria(poc);
        out.extend(items(poc));
        out
    })
}

/// Success criteria (`poc gap --criterion`).
pub fn criterion_ids() -> Vec<CompletionCandidate> {
    from_poc(criteria)
}

/// What evidence can be about: criteria, items and sign-offs.
pub fn evidence_ids() -> Vec<CompletionCandidate> {
    from_poc(|poc| {
        let mut out = criteria(poc);
        out.extend(items(poc));
        out.extend(signoffs(poc));
        out
    })
}

/// Every ID the journal can be about (`poc log --id`).
pub fn any_ids() -> Vec<CompletionCandidate> {
    from_poc(|poc| {
        let mut out = criteria(poc);
        out.extend(items(poc));
        out.extend(signoffs(poc));
        out.extend(risks(poc));
        out.extend(metrics(poc));
        out.extend(blockers(poc, false));
        out.extend(gaps(poc, false));
        out
    })
}

/// The open blockers (`poc blocker --resolve`).
pub fn open_blocker_ids() -> Vec<CompletionCandidate> {
    from_poc(|poc| blockers(poc, true))
}

/// The open product gaps (`poc gap --resolve`).
pub fn open_gap_ids() -> Vec<CompletionCandidate> {
    from_poc(|poc| gaps(poc, true))
}

/// The sign-offs (`poc signoff`).
pub fn signoff_ids() -> Vec<CompletionCandidate> {
    from_poc(signoffs)
}

/// The risks, the scope's and those raised since (`poc risk`).
pub fn risk_ids() -> Vec<CompletionCandidate> {
    from_poc(risks)
}

/// The value metrics (`poc measure`).
pub fn metric_ids() -> Vec<CompletionCandidate> {
    from_poc(metrics)
}

/// The phases (`poc reopen`); needs no POC.
pub fn phase_ids() -> Vec<CompletionCandidate> {
    Phase::ALL
        .iter()
        .map(|p| candidate(p.id(), p.title()))
        .collect()
}

/// The subcommands (`poc man`); needs no POC.
pub fn subcommands() -> Vec<CompletionCandidate> {
    crate::cli::Cli::command()
        .get_subcommands()
        .map(|c| {
            let about = c.get_about().map(|a| a.to_string()).unwrap_or_default();
            candidate(c.get_name(), &about)
        })
        .collect()
}

fn criteria(poc: &Poc) -> Vec<CompletionCandidate> {
    let criteria = poc.scope.success_criteria.iter();
    criteria.map(|c| candidate(&c.id, &c.title)).collect()
}

fn items(poc: &Poc) -> Vec<CompletionCandidate> {
    let items = poc.scope.phases.iter().flat_map(|p| &p.checklist);
    items.map(|i| candidate(&i.id, &i.title)).collect()
}

fn signoffs(poc: &Poc) -> Vec<CompletionCandidate> {
    let signoffs = poc.scope.signoffs.iter();
    signoffs
        .map(|s| candidate(&s.id, &format!("{} ({})", s.name, s.role)))
        .collect()
}

fn risks(poc: &Poc) -> Vec<CompletionCandidate> {
    let risks = poc.state.tracking.risks.iter();
    risks.map(|r| candidate(&r.id, &r.title)).collect()
}

fn metrics(poc: &Poc) -> Vec<CompletionCandidate> {
    let metrics = poc.scope.metrics.iter();
    metrics.map(|m| candidate(&m.id, &m.title)).collect()
}

fn blockers(poc: &Poc, open_only: bool) -> Vec<CompletionCandidate> {
    let blockers = poc.state.blockers.iter();
    blockers
        .filter(|b| !open_only || b.resolved.is_none())
        .map(|b| candidate(&b.id, &b.text))
        .collect()
}

fn gaps(poc: &Poc, open_only: bool) -> Vec<CompletionCandidate> {
    let gaps = poc.state.tracking.gaps.iter();
    gaps.filter(|g| !open_only || g.resolved.is_none())
        .map(|g| candidate(&g.id, &g.text))
        .collect()
}

/// An ID with its title as the help the shell shows beside it (zsh, fish,
/// elvish, PowerShell), on one line whatever the title holds.
fn candidate(id: &str, help: &str) -> CompletionCandidate {
    let help = crate::text::terminal_safe(help);
    CompletionCandidate::new(id).help((!help.is_empty()).then(|| help.into()))
}

/// The candidates `list` finds in the POC the command line is about, or
/// none when there is no readable POC.
fn from_poc(list: impl FnOnce(&Poc) -> Vec<CompletionCandidate>) -> Vec<CompletionCandidate> {
    let found = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let poc = current_poc()?;
        let out = list(&poc);
        crate::commands::done(poc);
        Some(out)
    }));
    found.ok().flatten().unwrap_or_default()
}

/// The POC of the line being completed: from its `-C DIR`, else from the
/// current folder, found as commands find it.
fn current_poc() -> Option<Poc> {
    let cwd = std::env::current_dir().ok()?;
    let start = match dash_c(std::env::args_os()) {
        Some(dir) => cwd.join(dir),
        None => cwd,
    };
    let ceilings = crate::locate::ceilings_from_env();
    let dir = crate::locate::search(&start, &ceilings, crate::locate::device).ok()?;
    crate::locate::ensure_trusted(&dir, "").ok()?;
    let now = Now::from_env().unwrap_or(Now::At(chrono::Utc::now()));
    Poc::open(&dir, now).ok()
}

/// The `-C DIR` (`--dir DIR`, `--dir=DIR`, `-CDIR`) of the line being
/// completed, which clap_complete passes after `--`; `~/` is the home
/// folder, as the shell would have made it.
fn dash_c(args: impl Iterator<Item = OsString>) -> Option<PathBuf> {
    let words: Vec<String> = args
        .skip_while(|a| a != "--")
        .skip(2)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let mut found = None;
    for (i, word) in words.iter().enumerate() {
        let value = match word.as_str() {
            "-C" | "--dir" => words.get(i + 1).map(String::as_str),
            w => w.strip_prefix("--dir=").or_else(|| w.strip_prefix("-C")),
        };
        found = value.or(found);
    }
    let dir = found.filter(|d| !d.is_empty())?;
    match (dir.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => Some(PathBuf::from(home).join(rest)),
        _ => Some(PathBuf::from(dir)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(words: &[&str]) -> Option<PathBuf> {
        dash_c(words.iter().map(OsString::from))
    }

    #[test]
    fn finds_the_poc_folder_the_line_names() {
        assert_eq!(line(&["poc", "--", "poc", "check", ""]), None);
        let acme = Some(PathBuf::from("acme"));
        assert_eq!(line(&["poc", "--", "poc", "-C", "acme", "check", ""]), acme);
        assert_eq!(line(&["poc", "--", "poc", "--dir=acme", "check"]), acme);
        assert_eq!(line(&["poc", "--", "poc", "check", "-Cacme", ""]), acme);
        // The program's own name is not searched: only the line's words.
        assert_eq!(line(&["-C", "--", "poc", "check"]), None);
    }
}
