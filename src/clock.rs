//! The clock. `POC_NOW` (RFC 3339 or `YYYY-MM-DD`) overrides it so tests and
//! reports are reproducible.

use chrono::{DateTime, NaiveDate, Utc};

use crate::error::UserError;

/// The current time: `POC_NOW` when set, else the system clock.
pub fn now() -> Result<DateTime<Utc>, UserError> {
    match std::env::var("POC_NOW") {
        Ok(value) if !value.trim().is_empty() => parse_instant(value.trim()).ok_or_else(|| {
            UserError::new(format!(
                "POC_NOW: `{value}` is not an RFC 3339 timestamp or a YYYY-MM-DD date"
            ))
        }),
        _ => Ok(Utc::now()),
    }
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

/// Parses an RFC 3339 timestamp, or a date taken as midnight UTC.
pub fn parse_instant(value: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(value) {
        return Some(t.with_timezone(&Utc));
    }
    let date = NaiveDate::parse_from_str(value, "%Y-%m-%d").ok()?;
    Some(date.and_hms_opt(0, 0, 0)?.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_dates_and_timestamps() {
        assert_eq!(
            parse_instant("2026-11-23").unwrap().to_rfc3339(),
            "2026-11-23T00:00:00+00:00"
        );
        assert_eq!(
            parse_instant("2026-11-23T10:30:00+02:00")
                .unwrap()
                .to_rfc3339(),
            "2026-11-23T08:30:00+00:00"
        );
        assert!(parse_instant("2026-02-30").is_none());
        assert!(parse_instant("yesterday").is_none());
    }
}
