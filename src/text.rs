//! Making user text safe to show: in a terminal (no control characters or
//! escapes reach it raw) and in markdown (no `|` or newline breaks a table,
//! no tag, image or link comes alive); and the character set of IDs.

/// Replaces control characters (ANSI escapes included) with a visible `�`
/// placeholder; newlines and tabs become spaces so one value stays one line.
pub fn terminal_safe(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' => ' ',
            c if c.is_control() || is_bidi_control(c) => '\u{fffd}',
            c => c,
        })
        .collect()
}

/// Like [`terminal_safe`], keeping line breaks: for multi-line messages.
pub fn terminal_safe_lines(text: &str) -> String {
    text.split('\n')
        .map(terminal_safe)
        .collect::<Vec<_>>()
        .join("\n")
}

/// At most `max` characters, with `…` when cut.
pub fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

/// Inline markdown: one line, `|` escaped, control characters removed, and
/// characters that would start a heading, list, HTML tag, image or link
/// neutralised: `[` and `]` are escaped, so neither `![x](url)` nor
/// `[x](javascript:…)` forms an image or a link, and a `<` that could open a
/// tag or an autolink (`<img`, `</`, `<!--`, `<javascript:`) becomes `&lt;`.
/// A backslash that would escape what follows is itself escaped.
pub fn markdown_inline(text: &str) -> String {
    let safe = terminal_safe(text);
    let mut out = String::with_capacity(safe.len());
    let mut chars = safe.trim().chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '|' => out.push_str("\\|"),
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '\\' if chars.peek().is_some_and(|n| n.is_ascii_punctuation()) => out.push_str("\\\\"),
            // Only a `<` that could open an HTML tag or comment is escaped,
            // so a target like "< 200 ms" stays readable.
            '<' if chars
                .peek()
                .is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?')) =>
            {
                out.push_str("&lt;")
            }
            '\u{fffd}' => {}
            c => out.push(c),
        }
    }
    if out.starts_with('#')
        || out.starts_with('>')
        || out.starts_with("- ")
        || out.starts_with("* ")
        || out.starts_with("+ ")
    {
        out.insert(0, '\\');
    }
    out
}

/// `text` wrapped at `width` columns for plain text: broken at spaces,
/// every line after the first indented by `indent` spaces (a hanging
/// indent, for bullets). Runs of whitespace become one space; the text's
/// own leading spaces stay on the first line. Width is what a terminal or
/// a mail client shows (a CJK character or an emoji takes two columns). A
/// word longer than a line gets a line of its own, whole: a link or a
/// command cut in two no longer works when pasted.
pub fn wrap(text: &str, width: usize, indent: usize) -> String {
    let indent = indent.min(width / 2);
    let lead = text
        .chars()
        .take_while(|c| *c == ' ')
        .count()
        .min(width / 2);
    let mut lines: Vec<String> = Vec::new();
    let mut line = " ".repeat(lead);
    // Columns on `line`, and whether a word is on it yet.
    let (mut len, mut empty) = (lead, true);
    for word in text.split_whitespace() {
        let cols = columns(word);
        if !empty && len + 1 + cols > width {
            lines.push(std::mem::replace(&mut line, " ".repeat(indent)));
            (len, empty) = (indent, true);
        }
        if !empty {
            line.push(' ');
            len += 1;
        }
        line.push_str(word);
        (len, empty) = (len + cols, false);
    }
    if !empty || lines.is_empty() {
        lines.push(line);
    }
    lines.join("\n")
}

/// The columns `text` takes on a screen.
pub fn columns(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

/// "1 day", "3 days".
pub fn plural(n: i64, noun: &str) -> String {
    let sign = if n < 0 { "-" } else { "" };
    let count = thousands(n.unsigned_abs());
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{sign}{count} {noun}s")
    }
}

/// "120,000".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "67%": a share from 0 to 1, as a whole percentage.
pub fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

/// "5 h", "1 day", "3 days" for a span given in hours.
pub fn span(hours: i64) -> String {
    if hours < 1 {
        "< 1 h".to_string()
    } else if hours < 24 {
        format!("{hours} h")
    } else {
        plural(hours / 24, "day")
    }
}

/// Characters that reorder or hide text without being controls: the
/// bidirectional embeddings, overrides and isolates, the directional marks,
/// and the line and paragraph separators.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{061c}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

/// The longest ID a scope may use.
pub const MAX_ID_CHARS: usize = 64;

/// Whether `id` is in the one character set IDs use (of a criterion, a
/// checklist item or a blocker): ASCII letters and digits, `-`, `_` and
/// `.`, 1 to 64 of them, not starting with `-` (it would read as a flag).
/// Such an ID is safe on a command line, in a terminal, in a file name and
/// in markdown as it is. The error completes "ID `x` …" and names the rule.
pub fn valid_id(id: &str) -> Result<(), &'static str> {
    if id.is_empty() {
        return Err(
            "is empty; an ID is 1 to 64 ASCII letters, digits, `-`, `_` or `.`, not starting with `-`",
        );
    }
    if !id
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        return Err(
            "has a character outside the ID set; an ID is 1 to 64 ASCII letters, digits, `-`, `_` or `.`, not starting with `-`",
        );
    }
    if id.len() > MAX_ID_CHARS {
        return Err(
            "is longer than 64 characters; an ID is 1 to 64 ASCII letters, digits, `-`, `_` or `.`, not starting with `-`",
        );
    }
    if id.starts_with('-') {
        return Err(
            "starts with `-`, which reads as a flag; an ID is 1 to 64 ASCII letters, digits, `-`, `_` or `.`, not starting with `-`",
        );
    }
    Ok(())
}

/// The width of a column of IDs, so what follows them lines up.
pub fn id_width<'a>(ids: impl Iterator<Item = &'a str>) -> usize {
    ids.map(|id| id.chars().count()).max().unwrap_or(0)
}

/// Where the first bad byte of a file that is not valid UTF-8 sits.
pub struct BadUtf8 {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in bytes.
    pub column: usize,
}

impl BadUtf8 {
    pub fn locate(bytes: &[u8], error: &std::str::Utf8Error) -> BadUtf8 {
        let valid = &bytes[..error.valid_up_to()];
        let line_start = valid.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        BadUtf8 {
            line: valid.iter().filter(|b| **b == b'\n').count() + 1,
            column: valid.len() - line_start + 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_never_reach_the_terminal() {
        assert_eq!(terminal_safe("a\u{1b}[31mb\nc"), "a\u{fffd}[31mb c");
    }

    #[test]
    fn wrap_breaks_at_spaces_with_a_hanging_indent() {
        let text = "- Evidence: Load test run 2: 12,400 events/s for 1 h, 0 dropped";
        assert_eq!(
            wrap(text, 30, 2),
            "- Evidence: Load test run 2:\n  12,400 events/s for 1 h, 0\n  dropped"
        );
        for line in wrap(text, 30, 2).lines() {
            assert!(line.chars().count() <= 30, "{line:?}");
        }
        // Short text stays as it is; leading spaces stay on the first line.
        assert_eq!(wrap("  - a  b", 72, 4), "  - a b");
        assert_eq!(wrap("", 72, 2), "");
        // A word is never cut: a longer one has a line of its own.
        assert_eq!(wrap("aaaa bbbbbb", 6, 0), "aaaa\nbbbbbb");
        assert_eq!(
            wrap("see https://drive.example/a-b-c/d?x=1 now", 12, 2),
            "see\n  https://drive.example/a-b-c/d?x=1\n  now"
        );
    }

    #[test]
    fn wrap_counts_columns_not_bytes() {
        let text = "é".repeat(10) + " " + &"ü".repeat(10);
        assert_eq!(wrap(&text, 21, 0), text);
        assert_eq!(
            wrap(&text, 20, 0),
            format!("{}\n{}", "é".repeat(10), "ü".repeat(10))
        );
        // A CJK character takes two columns.
        assert_eq!(wrap("日本語 日本語 日本語", 14, 0), "日本語 日本語\n日本語");
    }

    #[test]
    fn numbers_read_naturally() {
        assert_eq!(plural(1, "day"), "1 day");
        assert_eq!(plural(0, "day"), "0 days");
        assert_eq!(thousands(120_000), "120,000");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(span(0), "< 1 h");
        assert_eq!(span(5), "5 h");
        assert_eq!(span(49), "2 days");
    }

    #[test]
    fn markdown_cells_stay_in_their_column() {
        assert_eq!(markdown_inline("A|B\nC"), "A\\|B C");
        assert_eq!(markdown_inline("# not a heading"), "\\# not a heading");
        assert_eq!(markdown_inline("<script>"), "&lt;script>");
        assert_eq!(
            markdown_inline("p95 < 200 ms, >= 10"),
            "p95 < 200 ms, >= 10"
        );
        assert_eq!(markdown_inline("> quoted"), "\\> quoted");
        assert_eq!(markdown_inline("Zoë Ærø"), "Zoë Ærø");
    }

    #[test]
    fn no_tag_image_or_link_comes_alive_in_markdown() {
        assert_eq!(
            markdown_inline("<img src=x onerror=alert(1)>"),
            "&lt;img src=x onerror=alert(1)>"
        );
        assert_eq!(
            markdown_inline("![x](https://tracker.example/p.png)"),
            "!\\[x\\](https://tracker.example/p.png)"
        );
        assert_eq!(
            markdown_inline("[click](javascript:alert(1))"),
            "\\[click\\](javascript:alert(1))"
        );
        assert_eq!(
            markdown_inline("<javascript:alert(1)>"),
            "&lt;javascript:alert(1)>"
        );
        // A backslash cannot undo the escape that follows it.
        assert_eq!(markdown_inline("\\[x](y)"), "\\\\\\[x\\](y)");
        // Ordinary text stays as it was.
        assert_eq!(markdown_inline("p95 < 200 ms"), "p95 < 200 ms");
        assert_eq!(markdown_inline(r"C:\Users\dana"), r"C:\Users\dana");
        assert_eq!(markdown_inline("Wow! 3 < 4"), "Wow! 3 < 4");
    }

    #[test]
    fn bidi_and_separators_never_reach_the_terminal() {
        for c in [
            '\u{202a}', '\u{202e}', '\u{2066}', '\u{2069}', '\u{200e}', '\u{200f}', '\u{061c}',
            '\u{2028}', '\u{2029}', '\u{7f}', '\u{85}', '\u{9f}',
        ] {
            assert_eq!(terminal_safe(&format!("a{c}b")), "a\u{fffd}b", "{:?}", c);
        }
    }

    #[test]
    fn ids_follow_one_documented_character_set() {
        for ok in [
            "SC1",
            "scope-approved",
            "env_ready",
            "v1.2",
            "B12",
            &"x".repeat(64),
        ] {
            assert_eq!(valid_id(ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            "-rf",
            "has space",
            "é",
            "a\u{1b}[2J",
            "<img>",
            "a/b",
            "a`b",
            &"x".repeat(65),
        ] {
            let rule = valid_id(bad).expect_err(bad);
            assert!(
                rule.ends_with(
                    "an ID is 1 to 64 ASCII letters, digits, `-`, `_` or `.`, not starting with `-`"
                ),
                "{bad}: {rule}"
            );
        }
    }
}
