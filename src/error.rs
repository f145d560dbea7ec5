//! Errors a user causes, and the exit codes they map to.
//!
//! Exit codes (documented in the README):
//! - 0: success
//! - 1: an error, or a gate or check that did not pass
//! - 2: usage error (bad flags or arguments; clap reports these)

use std::fmt;

/// Exit code for success.
pub const EXIT_OK: u8 = 0;
/// Exit code for an error or a gate that is not met.
pub const EXIT_FAILURE: u8 = 1;
/// Exit code for a usage error.
pub const EXIT_USAGE: u8 = 2;

/// An error the user can act on. Its first line says what and where; further
/// lines (a snippet, the list of what blocks a gate) may follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserError {
    pub message: String,
    pub exit_code: u8,
}

impl UserError {
    pub fn new(message: impl Into<String>) -> Self {
        UserError {
            message: message.into(),
            exit_code: EXIT_FAILURE,
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        UserError {
            message: message.into(),
            exit_code: EXIT_USAGE,
        }
    }
}

impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UserError {}

/// Shorthand for returning a [`UserError`] wrapped in `anyhow`.
#[macro_export]
macro_rules! fail {
    ($($arg:tt)*) => {
        return Err($crate::error::UserError::new(format!($($arg)*)).into())
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
}
