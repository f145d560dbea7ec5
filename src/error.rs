//! Errors a user causes, and the exit codes they map to: one type whose
//! variants carry their data, so `validate` and the JSON outputs report
//! kind, file, line and column as fields rather than parsing messages.
//!
//! Exit codes (documented in the README):
//! - 0: success
//! - 1: an error, or a gate or check that did not pass
//! - 2: usage error (bad flags or arguments; clap reports most of these)

use std::fmt;

use crate::journal::Outcome;
use crate::scope::Phase;

/// Exit code for success.
pub const EXIT_OK: u8 = 0;
/// Exit code for an error or a gate that is not met.
pub const EXIT_FAILURE: u8 = 1;
/// Exit code for a usage error.
pub const EXIT_USAGE: u8 = 2;

/// Where in a file a problem is. `line` and `column` are absent when the
/// problem is with the whole file (one over its size cap, say).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Location {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl Location {
    pub fn file(file: &str) -> Location {
        Location {
            file: file.to_string(),
            line: None,
            column: None,
        }
    }

    pub fn at(file: &str, line: usize, column: usize) -> Location {
        Location {
            file: file.to_string(),
            line: Some(line),
            column: Some(column),
        }
    }

    pub fn line(file: &str, line: usize) -> Location {
        Location {
            file: file.to_string(),
            line: Some(line),
            column: None,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        for n in [self.line, self.column].into_iter().flatten() {
            write!(f, ":{n}")?;
        }
        Ok(())
    }
}

/// One thing that blocks a phase gate.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GateBlock {
    pub id: String,
    pub title: String,
    pub reason: &'static str,
    /// A success criterion, rather than a checklist item.
    pub criterion: bool,
    /// The value metric that decides the criterion: it is measured, not
    /// checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metric: Option<String>,
}

/// "3 items", "1 criterion", "2 items and 1 criterion": what blocks a gate.
pub fn open_count(blocks: &[GateBlock]) -> String {
    let criteria = blocks.iter().filter(|b| b.criterion).count() as i64;
    let items = blocks.len() as i64 - criteria;
    let criteria_text = match criteria {
        1 => "1 criterion".to_string(),
        n => format!("{n} criteria"),
    };
    match (items, criteria) {
        (_, 0) => crate::text::plural(items, "item"),
        (0, _) => criteria_text,
        _ => format!("{} and {criteria_text}", crate::text::plural(items, "item")),
    }
}

/// An error the user can act on. Its first line says what and where;
/// further lines (a snippet, the list of what blocks a gate) may follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// Bad flags or arguments (exit 2).
    Usage(String),
    /// A file that cannot be read as what it should be: invalid YAML, an
    /// unknown field, a bad journal line, a file over its cap.
    Invalid {
        at: Location,
        message: String,
        /// The offending line with a caret under the column.
        snippet: Option<String>,
    },
    /// An ID that names nothing: `what` is "success criterion or checklist
    /// item", "blocker", ….
    UnknownId {
        id: String,
        what: &'static str,
        suggestion: Option<String>,
        /// Appended as is: what the user can type instead, "(nothing was recorded)".
        hint: String,
    },
    /// An ID that names more than one thing after a merge or a hand edit.
    AmbiguousId {
        id: String,
        /// "blockers", ….
        what: &'static str,
        candidates: Vec<String>,
    },
    /// `advance` refused: what is still open in `from`.
    GateNotMet {
        from: Phase,
        to: Phase,
        blocks: Vec<GateBlock>,
    },
    /// A command that needs an open POC, on a closed one.
    Closed { outcome: Outcome, doing: String },
    /// Anything else the user can act on, said in words.
    Refused(String),
}

impl Error {
    /// An error said in words (what `fail!` makes).
    pub fn new(message: impl Into<String>) -> Error {
        Error::Refused(message.into())
    }

    pub fn usage(message: impl Into<String>) -> Error {
        Error::Usage(message.into())
    }

    pub fn invalid(at: Location, message: impl Into<String>) -> Error {
        Error::Invalid {
            at,
            message: message.into(),
            snippet: None,
        }
    }

    /// The one place errors map to exit codes.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) => EXIT_USAGE,
            _ => EXIT_FAILURE,
        }
    }

    /// A stable name of the error's kind, for JSON.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Usage(_) => "usage",
            Error::Invalid { .. } => "invalid",
            Error::UnknownId { .. } => "unknown-id",
            Error::AmbiguousId { .. } => "ambiguous-id",
            Error::GateNotMet { .. } => "gate-not-met",
            Error::Closed { .. } => "closed",
            Error::Refused(_) => "refused",
        }
    }

    /// Where the problem is, when it is in a file.
    pub fn location(&self) -> Option<&Location> {
        match self {
            Error::Invalid { at, .. } => Some(at),
            _ => None,
        }
    }

    /// The message without its location prefix (for JSON, which carries
    /// the location as fields).
    pub fn message(&self) -> String {
        match self {
            Error::Invalid {
                message, snippet, ..
            } => match snippet {
                Some(s) => format!("{message}\n{s}"),
                None => message.clone(),
            },
            other => other.to_string(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(m) | Error::Refused(m) => f.write_str(m),
            Error::Invalid {
                at,
                message,
                snippet,
            } => {
                write!(f, "{at}: {message}")?;
                match snippet {
                    Some(s) => write!(f, "\n{s}"),
                    None => Ok(()),
                }
            }
            Error::UnknownId {
                id,
                what,
                suggestion,
                hint,
            } => {
                write!(f, "unknown ID `{id}`: no {what} has it")?;
                if let Some(s) = suggestion {
                    write!(f, "; did you mean `{s}`?")?;
                }
                f.write_str(hint)
            }
            Error::AmbiguousId {
                id,
                what,
                candidates,
            } => write!(
                f,
                "`{id}` names {} {what} (a merge or a hand edit); use one of: {} (nothing was recorded)",
                candidates.len(),
                candidates.join(", ")
            ),
            Error::GateNotMet { from, to, blocks } => {
                write!(
                    f,
                    "cannot advance from {from} to {to}: {} still open in {from} (nothing was changed)",
                    open_count(blocks)
                )?;
                let width = crate::text::id_width(blocks.iter().map(|b| b.id.as_str()));
                for b in blocks {
                    write!(
                        f,
                        "\n  {:<width$}  {} — {}",
                        b.id,
                        crate::text::terminal_safe(&b.title),
                        b.reason
                    )?;
                    if let Some(m) = &b.metric {
                        write!(f, ": measure it with `poc measure {m} VALUE`")?;
                    }
                }
                let measure = match blocks.iter().any(|b| b.metric.is_some()) {
                    true => " (`poc measure` for those a metric decides)",
                    false => "",
                };
                write!(
                    f,
                    "\nFinish them with `poc check ID`{measure}, or override with `poc advance --force --reason TEXT`."
                )
            }
            Error::Closed { outcome, doing } => write!(
                f,
                "the POC is closed ({outcome}); cannot {doing}. Run `poc reopen PHASE --reason TEXT` to reopen it"
            ),
        }
    }
}

impl std::error::Error for Error {}

/// Shorthand for returning an [`Error`] said in words, wrapped in `anyhow`.
#[macro_export]
macro_rules! fail {
    ($($arg:tt)*) => {
        return Err($crate::error::Error::new(format!($($arg)*)).into())
    };
}

/// The closest candidate to `input` by edit distance, if it is close enough to
/// be a plausible typo.
pub fn suggest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = input.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (edit_distance(&lower, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= (c.chars().count().max(input.chars().count()) / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// "; did you mean `x`?" or nothing.
pub fn did_you_mean<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    suggest(input, candidates)
        .map(|s| format!("; did you mean `{s}`?"))
        .unwrap_or_default()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_candidates_only() {
        assert_eq!(
            suggest("env-acess", ["env-access", "kickoff"]),
            Some("env-access")
        );
        assert_eq!(suggest("SC1", ["sc1", "SC2"]), Some("sc1"));
        assert_eq!(suggest("zzzzzzzz", ["env-access", "kickoff"]), None);
    }

    #[test]
    fn kinds_and_exit_codes_come_from_the_variant() {
        let e = Error::invalid(Location::at("poc.yaml", 3, 5), "unknown field `x`");
        assert_eq!(e.to_string(), "poc.yaml:3:5: unknown field `x`");
        assert_eq!((e.kind(), e.exit_code()), ("invalid", EXIT_FAILURE));
        assert_eq!(e.location().and_then(|l| l.column), Some(5));
        assert_eq!(Error::usage("no").exit_code(), EXIT_USAGE);
        let e = Error::UnknownId {
            id: "SC9".into(),
            what: "success criterion or checklist item in poc.yaml",
            suggestion: Some("SC1".into()),
            hint: String::new(),
        };
        assert_eq!(
            e.to_string(),
            "unknown ID `SC9`: no success criterion or checklist item in poc.yaml has it; did you mean `SC1`?"
        );
    }
}
