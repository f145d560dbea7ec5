//! The clock and the POC's time zone.
//!
//! `POC_NOW` (RFC 3339, or `YYYY-MM-DD` for the start of that day in the
//! POC's zone) overrides the clock so tests and reports are reproducible.
//! Days, "today", due dates and every time shown to a person are in the
//! POC's zone (`timezone:` in poc.yaml); the journal and JSON keep UTC.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

use crate::error::Error;

/// The years a journal timestamp is read in: the four-digit years of
/// RFC 3339, in UTC, as the journal stores them.
const READ_YEARS: std::ops::RangeInclusive<i32> = 0..=9999;
/// The years poc records: year 0, though RFC 3339 has it, is refused by
/// common readers (Python's among them).
const YEARS: std::ops::RangeInclusive<i32> = 1..=9999;

/// What time it is: an instant, or (`POC_NOW=2026-11-19`) the start of a
/// day, which depends on the POC's zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Now {
    At(DateTime<Utc>),
    StartOf(NaiveDate),
}

impl Now {
    /// `POC_NOW` when set, else the system clock.
    pub fn from_env() -> Result<Now, Error> {
        match std::env::var("POC_NOW") {
            Ok(value) if !value.trim().is_empty() => parse_now(value.trim()).ok_or_else(|| {
                Error::new(format!(
                    "POC_NOW: `{}` is not an RFC 3339 timestamp or a YYYY-MM-DD date between the years {} and {}",
                    crate::text::terminal_safe(&value),
                    YEARS.start(),
                    YEARS.end()
                ))
            }),
            _ => Ok(Now::At(Utc::now())),
        }
    }

    /// The instant, with a date taken as the start of that day in `zone`.
    pub fn resolve(self, zone: Tz) -> DateTime<Utc> {
        match self {
            Now::At(t) => t,
            Now::StartOf(day) => start_of_day(day, zone),
        }
    }
}

/// An RFC 3339 timestamp, or a `YYYY-MM-DD` date (the start of that day in
/// the POC's zone once resolved): what `POC_NOW`, `--since` and `--until`
/// take.
pub fn parse_now(value: &str) -> Option<Now> {
    if let Ok(t) = DateTime::parse_from_rfc3339(value) {
        let t = t.with_timezone(&Utc);
        return storable(t).then_some(Now::At(t));
    }
    let day = NaiveDate::parse_from_str(value, "%Y-%m-%d").ok()?;
    YEARS.contains(&day.year()).then_some(Now::StartOf(day))
}

/// A `--since`/`--until` value as an instant: a date is the start of that
/// day in the POC's zone.
pub fn parse_flag(flag: &str, value: &str, zone: Tz) -> Result<DateTime<Utc>, Error> {
    parse_flag_now(flag, value).map(|now| now.resolve(zone))
}

/// A `--since` value read before the zone it is resolved in is known
/// (`poc insights` resolves it in each POC's zone).
pub fn parse_flag_now(flag: &str, value: &str) -> Result<Now, Error> {
    parse_now(value.trim()).ok_or_else(|| {
        Error::usage(format!(
            "{flag}: `{}` is not a YYYY-MM-DD date or an RFC 3339 timestamp (2026-11-23T14:05:00Z)",
            crate::text::terminal_safe(value)
        ))
    })
}

/// Whether poc records a time: years 1 to 9999, and no leap second (a
/// `:60` other tools refuse).
pub fn storable(t: DateTime<Utc>) -> bool {
    YEARS.contains(&t.year()) && t.timestamp_subsec_nanos() < 1_000_000_000
}

/// Whether a journal timestamp is read: any four-digit year.
pub fn readable(t: DateTime<Utc>) -> bool {
    READ_YEARS.contains(&t.year())
}

/// Parses a `YYYY-MM-DD` date; the error says whether the form is wrong
/// (`11/23/2026`) or the day does not exist (`2026-02-30`).
pub fn parse_date(value: &str) -> Result<NaiveDate, &'static str> {
    let value = value.trim();
    NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| {
        let digits =
            |part: &str, len: usize| part.len() == len && part.bytes().all(|b| b.is_ascii_digit());
        match value.split('-').collect::<Vec<_>>()[..] {
            [y, m, d] if digits(y, 4) && digits(m, 2) && digits(d, 2) => "is not a real date",
            _ => "is not a date in the form YYYY-MM-DD",
        }
    })
}

/// An IANA zone name (`America/Los_Angeles`, `UTC`).
pub fn parse_zone(name: &str) -> Option<Tz> {
    name.trim().parse::<Tz>().ok()
}

/// The machine's zone for a new POC: `TZ` when it names an IANA zone
/// (`Asia/Tokyo`, `:Asia/Tokyo`, `/usr/share/zoneinfo/Asia/Tokyo`), else the
/// system's setting, else UTC. A `TZ` that is set but names no IANA zone (a
/// POSIX rule such as `EST5EDT,M3.2.0,M11.1.0`) is warned about, once.
pub fn machine_zone() -> Tz {
    let tz = std::env::var("TZ").ok().filter(|v| !v.trim().is_empty());
    let from_env = tz.as_deref().and_then(zone_from_tz);
    let zone = from_env
        .or_else(|| {
            iana_time_zone::get_timezone()
                .ok()
                .and_then(|n| parse_zone(&n))
        })
        .unwrap_or(Tz::UTC);
    if let (Some(value), None) = (&tz, from_env) {
        crate::warn!(
            "TZ={}: not an IANA time zone name; the POC's zone is {}; pass --timezone to choose",
            crate::text::terminal_safe(value),
            zone.name()
        );
    }
    zone
}

/// The IANA zone a `TZ` value names: the name itself, after a leading `:`,
/// or the part after `zoneinfo/` of a path to a zone file (and its `posix/`
/// or `right/` variants).
fn zone_from_tz(value: &str) -> Option<Tz> {
    let value = value.trim();
    let value = value.strip_prefix(':').unwrap_or(value);
    let name = match value.rfind("/zoneinfo/") {
        Some(at) if value.starts_with('/') => {
            let name = &value[at + "/zoneinfo/".len()..];
            ["posix/", "right/"]
                .iter()
                .find_map(|p| name.strip_prefix(p))
                .unwrap_or(name)
        }
        _ => value,
    };
    parse_zone(name)
}

/// The first instant of `day` in `zone`: midnight, or the first moment
/// after a daylight-saving gap that swallows midnight.
pub fn start_of_day(day: NaiveDate, zone: Tz) -> DateTime<Utc> {
    let midnight = day.and_time(chrono::NaiveTime::MIN);
    (0..=3)
        .find_map(|h| {
            zone.from_local_datetime(&(midnight + chrono::Duration::hours(h)))
                .earliest()
        })
        .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
}

/// The calendar day of `t` in `zone`.
/// The POC day of `t` for a POC that starts on `start` in `zone`: day 1
/// is `start`, counted in the POC's zone.
pub fn poc_day(start: NaiveDate, zone: Tz, t: DateTime<Utc>) -> i64 {
    (local_date(t, zone) - start).num_days() + 1
}

pub fn local_date(t: DateTime<Utc>, zone: Tz) -> NaiveDate {
    t.with_timezone(&zone).date_naive()
}

/// "2026-11-19 10:35 PST": a time as a person reads it, in `zone`.
pub fn show(t: DateTime<Utc>, zone: Tz) -> String {
    t.with_timezone(&zone)
        .format("%Y-%m-%d %H:%M %Z")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poc_now_is_an_instant_or_a_day() {
        assert_eq!(
            parse_now("2026-11-23T10:30:00+02:00"),
            Some(Now::At("2026-11-23T08:30:00Z".parse().unwrap()))
        );
        let day = parse_now("2026-11-23").unwrap();
        let la: Tz = "America/Los_Angeles".parse().unwrap();
        assert_eq!(day.resolve(la).to_rfc3339(), "2026-11-23T08:00:00+00:00");
        assert_eq!(
            day.resolve(Tz::UTC).to_rfc3339(),
            "2026-11-23T00:00:00+00:00"
        );
        assert!(parse_now("2026-02-30").is_none());
        assert!(parse_now("yesterday").is_none());
        // Times a journal line could not hold are refused.
        assert!(parse_now("0000-01-01T00:00:00+23:59").is_none());
        assert!(parse_now("0000-06-01T00:00:00Z").is_none());
        assert!(parse_now("2026-11-17T23:59:60+05:00").is_none());
        assert!(parse_now("9999-12-31T23:59:59-23:59").is_none());
    }

    #[test]
    fn days_are_local() {
        let la: Tz = "America/Los_Angeles".parse().unwrap();
        let t: DateTime<Utc> = "2027-01-12T01:00:00Z".parse().unwrap();
        assert_eq!(local_date(t, la).to_string(), "2027-01-11");
        assert_eq!(show(t, la), "2027-01-11 17:00 PST");
        let kolkata: Tz = "Asia/Kolkata".parse().unwrap();
        assert_eq!(show(t, kolkata), "2027-01-12 06:30 IST");
    }

    #[test]
    fn a_day_whose_midnight_is_skipped_starts_after_the_gap() {
        // Santiago skipped from 24:00 to 01:00 on 2026-09-06.
        let santiago: Tz = "America/Santiago".parse().unwrap();
        let start = start_of_day(NaiveDate::from_ymd_opt(2026, 9, 6).unwrap(), santiago);
        assert_eq!(local_date(start, santiago).to_string(), "2026-09-06");
    }
}
