//! Timestamps as exports write them, read into UTC seconds.
//!
//! A timestamp with `Z` or an offset means that instant. One without is wall
//! time in the source's zone; in the hour repeated when clocks go back the
//! first occurrence is taken, and a wall time skipped when clocks go forward
//! is an error (no monitoring system writes one, so it means a broken export).
//! Fractional seconds are dropped (floored): figures are kept in whole seconds.

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

/// Reads timestamps of one source.
#[derive(Debug, Clone)]
pub struct TimestampParser {
    format: Option<String>,
    zone: Tz,
    /// The format carries its own offset (`%z`), so no zone is applied.
    format_has_offset: bool,
}

/// Instants outside 1970..2200 are refused: they are typing errors, and the
/// calendar arithmetic walks every day between the first and last instant.
const EARLIEST: i64 = 0;
const LATEST: i64 = 7_258_118_400; // 2200-01-01T00:00:00Z

/// Checks that an instant lies in the years 1970 to 2199.
pub fn in_range(t: i64) -> Result<i64, String> {
    if (EARLIEST..LATEST).contains(&t) {
        Ok(t)
    } else {
        Err(format!("{t} s since 1970 is outside the years 1970 to 2199"))
    }
}

/// Naive layouts tried, in order, when no format is given.
const ISO_NAIVE: [&str; 4] = [
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
];

impl TimestampParser {
    pub fn new(format: Option<&str>, zone: Tz) -> Self {
        TimestampParser {
            format: format.map(str::to_string),
            zone,
            format_has_offset: format.is_some_and(|f| f.contains("%z") || f.contains("%:z") || f.contains("%#z")),
        }
    }

    /// What a valid cell looks like, for error messages.
    pub fn expected(&self) -> String {
        match &self.format {
            Some(f) => format!("a timestamp in the format \"{f}\""),
            None => "an ISO 8601 timestamp such as 2026-10-01T08:30:00Z, 2026-10-01T09:30:00+01:00 or 2026-10-01 08:30".to_string(),
        }
    }

    /// UTC seconds since 1970 of one cell.
    pub fn parse(&self, text: &str) -> Result<i64, String> {
        let t = self.parse_any(text)?;
        in_range(t).map_err(|_| format!("`{}` is outside the years 1970 to 2199", text.trim()))
    }

    fn parse_any(&self, text: &str) -> Result<i64, String> {
        let text = text.trim();
        match &self.format {
            Some(format) if self.format_has_offset => DateTime::parse_from_str(text, format)
                .map(|d| d.timestamp())
                .map_err(|e| format!("`{text}` is not {}: {e}", self.expected())),
            Some(format) => {
                let naive = NaiveDateTime::parse_from_str(text, format)
                    .or_else(|e| {
                        NaiveDate::parse_from_str(text, format)
                            .map(|d| d.and_time(chrono::NaiveTime::MIN))
                            .map_err(|_| e)
                    })
                    .map_err(|e| format!("`{text}` is not {}: {e}", self.expected()))?;
                self.localize(naive)
            }
            None => self.parse_iso(text),
        }
    }

    fn parse_iso(&self, text: &str) -> Result<i64, String> {
        if let Ok(d) = DateTime::parse_from_rfc3339(text) {
            return Ok(d.timestamp());
        }
        for layout in ISO_NAIVE {
            if let Ok(naive) = NaiveDateTime::parse_from_str(text, layout) {
                return self.localize(naive);
            }
        }
        if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return self.localize(date.and_time(chrono::NaiveTime::MIN));
        }
        Err(format!("`{text}` is not {}", self.expected()))
    }

    /// Wall time in the source's zone to UTC seconds.
    fn localize(&self, naive: NaiveDateTime) -> Result<i64, String> {
        match self.zone.from_local_datetime(&naive) {
            LocalResult::Single(t) => Ok(t.timestamp()),
            LocalResult::Ambiguous(first, _) => Ok(first.timestamp()),
            LocalResult::None => Err(format!(
                "`{naive}` never happened in {}: the clocks went forward over it",
                self.zone.name()
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::London;

    fn utc(text: &str) -> i64 {
        DateTime::parse_from_rfc3339(text).unwrap().timestamp()
    }

    #[test]
    fn offsets_are_honoured_and_naive_times_read_in_the_zone() {
        let p = TimestampParser::new(None, London);
        assert_eq!(p.parse("2026-07-01T09:30:00+01:00"), Ok(utc("2026-07-01T08:30:00Z")));
        assert_eq!(p.parse("2026-07-01T08:30:00Z"), Ok(utc("2026-07-01T08:30:00Z")));
        // Summer: London is UTC+1, so 09:30 local is 08:30 UTC.
        assert_eq!(p.parse("2026-07-01 09:30"), Ok(utc("2026-07-01T08:30:00Z")));
        // Winter: London is UTC+0.
        assert_eq!(p.parse("2026-01-15T09:30:00"), Ok(utc("2026-01-15T09:30:00Z")));
        assert_eq!(p.parse("2026-01-15"), Ok(utc("2026-01-15T00:00:00Z")));
        // Fractions are floored to the second.
        assert_eq!(p.parse("2026-01-15T09:30:00.999Z"), Ok(utc("2026-01-15T09:30:00Z")));
    }

    #[test]
    fn repeated_hour_takes_the_first_and_skipped_hour_is_an_error() {
        let p = TimestampParser::new(None, London);
        // 2025-10-26 01:30 happens twice in London: first at BST (00:30 UTC).
        assert_eq!(p.parse("2025-10-26 01:30"), Ok(utc("2025-10-26T00:30:00Z")));
        // 2026-03-29 01:30 does not exist in London.
        assert!(p.parse("2026-03-29 01:30").unwrap_err().contains("never happened"));
    }

    #[test]
    fn custom_formats_day_first() {
        let p = TimestampParser::new(Some("%d/%m/%Y %H:%M"), London);
        assert_eq!(p.parse("03/02/2026 14:05"), Ok(utc("2026-02-03T14:05:00Z")));
        let e = p.parse("2026-02-03 14:05").unwrap_err();
        assert!(e.contains("%d/%m/%Y %H:%M"), "{e}");
        let with_offset = TimestampParser::new(Some("%d/%m/%Y %H:%M %z"), London);
        assert_eq!(with_offset.parse("03/02/2026 14:05 +0100"), Ok(utc("2026-02-03T13:05:00Z")));
    }

    #[test]
    fn instants_outside_1970_to_2199_are_refused() {
        let p = TimestampParser::new(None, London);
        assert!(p.parse("9999-01-01T00:00:00Z").unwrap_err().contains("outside the years"));
        assert!(p.parse("1969-12-31T23:59:59Z").is_err());
        assert_eq!(p.parse("2199-12-31T23:59:59Z"), Ok(7_258_118_399));
    }
}
