//! A small iCalendar (RFC 5545) writer, enough for `poc calendar`: all-day
//! events by date, timed ones in UTC, text escaped, lines folded at 75
//! octets and ended with CRLF. Hand-written: the `icalendar` crate writes an
//! all-day event whose end equals its start, which calendars read as a day
//! too short.

use chrono::{DateTime, NaiveDate, Utc};

/// A calendar to publish: its name and its events.
#[derive(Debug, Clone)]
pub struct Calendar {
    /// What calendar apps call it (`X-WR-CALNAME`).
    pub name: String,
    pub events: Vec<Event>,
}

#[derive(Debug, Clone)]
pub struct Event {
    /// The same for every export of one event, so an import updates it.
    pub uid: String,
    /// The revision: a higher one replaces what a calendar holds.
    pub sequence: u32,
    /// When this copy was made.
    pub stamp: DateTime<Utc>,
    pub when: When,
    pub summary: String,
    pub description: String,
    /// Shown as cancelled (`STATUS:CANCELLED`).
    pub cancelled: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// All day, from the first to the last day, both included. Free time:
    /// a twelve-day POC must not mark the SE busy for twelve days.
    Days(NaiveDate, NaiveDate),
    /// From one instant to a later one.
    Between(DateTime<Utc>, DateTime<Utc>),
}

impl Calendar {
    /// The calendar as an iCalendar file.
    pub fn write(&self) -> String {
        let mut out = String::new();
        let mut put = |name: &str, value: &str| fold_into(&mut out, &format!("{name}:{value}"));
        put("BEGIN", "VCALENDAR");
        put("VERSION", "2.0");
        put(
            "PRODID",
            concat!("-//poc//poc ", env!("CARGO_PKG_VERSION"), "//EN"),
        );
        put("CALSCALE", "GREGORIAN");
        put("METHOD", "PUBLISH");
        put("X-WR-CALNAME", &text(&self.name));
        for event in &self.events {
            put("BEGIN", "VEVENT");
            put("UID", &text(&event.uid));
            put("DTSTAMP", &utc(event.stamp));
            put("SEQUENCE", &event.sequence.to_string());
            match event.when {
                When::Days(first, last) => {
                    // The end is exclusive: the day after the last.
                    let end = last.succ_opt().unwrap_or(last);
                    put("DTSTART;VALUE=DATE", &first.format("%Y%m%d").to_string());
                    put("DTEND;VALUE=DATE", &end.format("%Y%m%d").to_string());
                    put("TRANSP", "TRANSPARENT");
                }
                When::Between(start, end) => {
                    put("DTSTART", &utc(start));
                    put("DTEND", &utc(end));
                }
            }
            put("SUMMARY", &text(&event.summary));
            put("DESCRIPTION", &text(&event.description));
            if event.cancelled {
                put("STATUS", "CANCELLED");
            }
            put("END", "VEVENT");
        }
        put("END", "VCALENDAR");
        out
    }
}

/// `20261206T160000Z`.
fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// A TEXT value: backslash, `;`, `,` and line breaks escaped; control
/// characters (and those that reorder text) replaced, so user text can
/// neither break the file nor disguise itself.
pub fn text(value: &str) -> String {
    let safe = crate::text::terminal_safe_lines(&value.replace("\r\n", "\n"));
    let mut out = String::with_capacity(safe.len() + 8);
    for c in safe.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// The largest content line, in octets, before the line break.
const MAX_OCTETS: usize = 75;

/// Appends `line` folded: at most 75 octets a line, a continuation starting
/// with one space, never inside a UTF-8 character nor inside an escape
/// (`\n`, `\,`: a reader careless about folding still reads it whole);
/// each line ended by CRLF.
fn fold_into(out: &mut String, line: &str) {
    let mut used = 0;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        let escaped = if c == '\\' { chars.next() } else { None };
        let len = c.len_utf8() + escaped.map_or(0, char::len_utf8);
        if used + len > MAX_OCTETS {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        out.extend(escaped);
        used += len;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(line: &str) -> String {
        let mut out = String::new();
        fold_into(&mut out, line);
        out
    }

    #[test]
    fn short_lines_are_left_whole() {
        assert_eq!(folded("VERSION:2.0"), "VERSION:2.0\r\n");
        let exact = format!("SUMMARY:{}", "x".repeat(75 - 8));
        assert_eq!(folded(&exact), format!("{exact}\r\n"));
    }

    #[test]
    fn long_lines_fold_at_75_octets_and_unfold_to_the_same() {
        let line = format!("SUMMARY:{}", "abcdefghij".repeat(20));
        let out = folded(&line);
        let physical: Vec<&str> = out.strip_suffix("\r\n").unwrap().split("\r\n").collect();
        assert_eq!(physical[0].len(), 75);
        assert!(physical[1..].iter().all(|l| l.starts_with(' ')));
        assert!(physical.iter().all(|l| l.len() <= 75));
        assert_eq!(out.replace("\r\n ", ""), format!("{line}\r\n"));
    }

    #[test]
    fn a_fold_never_splits_a_character() {
        // 3-octet and 4-octet characters straddle every position in turn.
        for pad in 0..4 {
            let line = format!("SUMMARY:{}{}", "x".repeat(pad), "日本語😀é".repeat(30));
            let out = folded(&line);
            for physical in out.split("\r\n") {
                assert!(physical.len() <= 75, "{physical:?}");
            }
            assert_eq!(out.replace("\r\n ", ""), format!("{line}\r\n"));
        }
    }

    #[test]
    fn a_fold_never_splits_an_escape() {
        for pad in 0..3 {
            let value = text(&"a,b;c\\d\n".repeat(20));
            let out = folded(&format!("DESCRIPTION:{}{value}", "x".repeat(pad)));
            for physical in out.split("\r\n") {
                assert!(physical.len() <= 75, "{physical:?}");
                let trailing = physical.len() - physical.trim_end_matches('\\').len();
                assert!(trailing % 2 == 0, "an escape split at {physical:?}");
            }
        }
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            text("a,b;c\\d\ne\r\nf"),
            "a\\,b\\;c\\\\d\\ne\\nf".to_string()
        );
        assert_eq!(text("Ünïcode 日本語"), "Ünïcode 日本語");
    }

    #[test]
    fn control_characters_cannot_break_the_file() {
        let out = text("a\rb\tc\u{1b}[31md\u{0}e\u{202e}f\u{2028}g");
        assert!(!out.chars().any(|c| c.is_control()), "{out:?}");
        assert_eq!(out, "a b c\u{fffd}[31md\u{fffd}e\u{fffd}f\u{fffd}g");
    }

    #[test]
    fn all_day_events_end_the_day_after_their_last() {
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        let calendar = Calendar {
            name: "Acme, Inc.".into(),
            events: vec![Event {
                uid: "x@poc".into(),
                sequence: 3,
                stamp: "2026-11-20T10:00:00Z".parse().unwrap(),
                when: When::Days(day(19), day(22)),
                summary: "Validation".into(),
                description: String::new(),
                cancelled: false,
            }],
        };
        let out = calendar.write();
        assert!(out.contains("\r\nDTSTART;VALUE=DATE:20261119\r\nDTEND;VALUE=DATE:20261123\r\n"));
        assert!(out.contains("\r\nX-WR-CALNAME:Acme\\, Inc.\r\n"));
        assert!(out.contains("\r\nDTSTAMP:20261120T100000Z\r\n"));
        assert!(out.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(out.ends_with("END:VEVENT\r\nEND:VCALENDAR\r\n"));
        assert!(!out.replace("\r\n", "").contains('\n'));
    }
}
