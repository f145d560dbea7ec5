//! Every YAML call in `poc` goes through this module, so the parser stays easy
//! to change. We use serde-saphyr: it is maintained, enforces resource budgets
//! and reports errors with a line and column.

use serde::de::DeserializeOwned;

use crate::error::{Error, Location, did_you_mean};

/// Resource limits for a file a person writes by hand: generous for a real
/// scope (a few KiB), far below what would hurt the machine.
fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: 64,
            max_aliases: 2_000,
            max_anchors: 2_000,
            max_events: 500_000,
            max_nodes: 250_000,
            max_total_scalar_bytes: 8 * 1024 * 1024,
            max_documents: 1,
        },
    }
}

/// Limits for one journal line a person edited: an entry is a flat mapping
/// of a few dozen nodes, and has no use for anchors.
fn line_options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: 8,
            max_aliases: 0,
            max_anchors: 0,
            max_events: 2_000,
            max_nodes: 1_000,
            max_total_scalar_bytes: 2 * 1024 * 1024,
            max_documents: 1,
        },
    }
}

/// Parses one YAML document of `text`, which came from `file`. Errors read
/// `file:line:col: what is wrong`, followed by the offending line.
pub fn parse<T: DeserializeOwned>(text: &str, file: &str) -> Result<T, Error> {
    parse_with(text, file, 0, options())
}

/// Parses a YAML document that starts after line `line_offset` of `file`
/// (a front matter): errors name the file's own lines.
pub fn parse_at<T: DeserializeOwned>(
    text: &str,
    file: &str,
    line_offset: usize,
) -> Result<T, Error> {
    parse_with(text, file, line_offset, options())
}

/// Parses one journal line, line `number` of `file`, that is not strict JSON.
pub fn parse_line<T: DeserializeOwned>(text: &str, file: &str, number: usize) -> Result<T, Error> {
    parse_with(text, file, number - 1, line_options())
}

/// Whether `text` holds no YAML at all: only blank lines and comments
/// (after a byte-order mark).
pub fn is_blank(text: &str) -> bool {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    (body.lines()).all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
}

fn parse_with<T: DeserializeOwned>(
    text: &str,
    file: &str,
    line_offset: usize,
    options: serde_saphyr::Options,
) -> Result<T, Error> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    if is_blank(body) {
        let what = if body.trim().is_empty() {
            "the file is empty"
        } else {
            "the file holds only comments"
        };
        return Err(Error::invalid(
            Location::at(file, line_offset + 1, 1),
            format!("{what}; expected a YAML mapping"),
        ));
    }
    serde_saphyr::from_str_with_options::<T>(body, options)
        .map_err(|e| describe(&e, body, file, line_offset))
}

fn describe(error: &serde_saphyr::Error, text: &str, file: &str, line_offset: usize) -> Error {
    let raw = error.without_snippet().to_string();
    let (line, col) = error
        .location()
        .map(|l| (l.line() as usize, l.column() as usize))
        .unwrap_or((0, 0));
    let message = tidy_message(strip_location_suffix(&raw));
    // A top-level field that is missing has no line of its own: the parser
    // points wherever the mapping ended, which would only mislead.
    let (line, col) = if message.starts_with("missing required field") && col == 1 {
        (0, 0)
    } else {
        (line, col)
    };
    let at = if line > 0 {
        Location::at(file, line + line_offset, col)
    } else {
        Location::file(file)
    };
    let snippet = text
        .lines()
        .nth(line.saturating_sub(1))
        .filter(|_| line > 0)
        .map(|src| snippet(src, line + line_offset, col));
    Error::Invalid {
        at,
        message,
        snippet,
    }
}

/// The offending line with a caret under `column`, as errors show it.
pub(crate) fn snippet(line_text: &str, line: usize, column: usize) -> String {
    let shown: String = line_text.chars().take(120).collect();
    let shown = crate::text::terminal_safe(&shown);
    let gutter = line.to_string();
    format!(
        " {gutter} | {shown}\n {} | {}^",
        " ".repeat(gutter.len()),
        " ".repeat(column.saturating_sub(1).min(shown.chars().count()))
    )
}

fn strip_location_suffix(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(i) if message[i..].contains(", column ") => &message[..i],
        _ => message,
    }
}

/// Rewords the parser's messages where a person would otherwise be puzzled.
pub(crate) fn tidy_message(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        if let Some((field, expected)) = rest.split_once("`, expected one of ") {
            let candidates: Vec<&str> = expected.split(", ").collect();
            return format!(
                "unknown field `{field}`{}; valid fields: {}",
                did_you_mean(field, candidates.iter().copied()),
                expected
            );
        }
        if let Some((field, expected)) = rest.split_once("`, expected `") {
            let expected = expected.trim_end_matches('`');
            return format!("unknown field `{field}`{}", did_you_mean(field, [expected]));
        }
    }
    if let Some(rest) = message.strip_prefix("unknown variant `")
        && let Some((value, expected)) = rest.split_once("`, expected one of ")
    {
        return format!(
            "unknown value `{value}`{}; expected one of {expected}",
            did_you_mean(value, expected.split(", "))
        );
    }
    // The parser's words for what is nearly always an indentation slip, or
    // an unquoted `: ` inside a value.
    if message.starts_with("mapping values are not allowed") {
        return format!(
            "{message} (a value holding `: ` needs quotes; otherwise check this line's indentation)"
        );
    }
    if message.contains("did not find expected key") {
        return format!("{message} (check this line's indentation against the lines above)");
    }
    if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|r| r.strip_suffix('`'))
    {
        return format!("missing required field `{field}`");
    }
    if message.starts_with("cannot deserialize null into string") {
        return "empty value; expected text".to_string();
    }
    if message.starts_with("invalid boolean") {
        return "expected true or false".to_string();
    }
    let json_not_text = message.starts_with("invalid type: ")
        && message.ends_with("expected a string")
        && !message.starts_with("invalid type: null");
    if message == "expected string scalar" || json_not_text {
        return "expected text, not a list or mapping".to_string();
    }
    if message.starts_with("budget breached") {
        return "too large or too deeply nested: more nodes, aliases or nesting than a POC file needs; refusing to read further".to_string();
    }
    if let Some(rest) = message.strip_prefix("duplicate mapping key: ") {
        let key = rest
            .split(", set DuplicateKeyPolicy")
            .next()
            .unwrap_or(rest);
        return format!("duplicate key `{key}`");
    }
    if let Some(kind) = message.strip_prefix("invalid ") {
        let expected = match kind {
            "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number, 0 or more",
            "i32" | "i64" => "a whole number",
            "f32" | "f64" => "a number",
            "bool" => "true or false",
            _ => "",
        };
        if !expected.is_empty() {
            return format!("expected {expected}");
        }
    }
    message.to_string()
}
