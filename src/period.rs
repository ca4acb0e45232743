//! Reporting periods: calendar months in the site's time zone.
//!
//! A period is `[local 1st 00:00, next local 1st 00:00)`, so a month in which
//! the clocks change is an hour shorter or longer than its days suggest:
//! March 2026 in London has 743 hours, October 2026 745.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, LocalResult, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    pub year: i32,
    /// 1 to 12.
    pub month: u32,
}

impl Period {
    pub fn new(year: i32, month: u32) -> Option<Self> {
        (1..=12).contains(&month).then_some(Period { year, month })
    }

    /// The month holding `date`.
    pub fn of(date: NaiveDate) -> Self {
        Period { year: date.year(), month: date.month() }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("month is 1..=12")
    }

    /// The last day of the month.
    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().expect("not the first day ever")
    }

    pub fn next(self) -> Self {
        if self.month == 12 {
            Period { year: self.year + 1, month: 1 }
        } else {
            Period { year: self.year, month: self.month + 1 }
        }
    }

    pub fn prev(self) -> Self {
        if self.month == 1 {
            Period { year: self.year - 1, month: 12 }
        } else {
            Period { year: self.year, month: self.month - 1 }
        }
    }

    /// This period and the `n` before it, oldest first.
    pub fn trailing(self, n: usize) -> Vec<Period> {
        let mut periods = vec![self];
        for _ in 0..n {
            let earliest = *periods.last().expect("not empty");
            periods.push(earliest.prev());
        }
        periods.reverse();
        periods
    }

    /// UTC seconds of `[start, end)` of the month in `zone`.
    pub fn bounds(self, zone: Tz) -> (i64, i64) {
        (start_of_day(self.first_day(), zone), start_of_day(self.next().first_day(), zone))
    }
}

/// As-of: the instant a build or a measurement stands at. A day means the
/// start of that day in the site's zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AsOf {
    Day(NaiveDate),
    /// UTC seconds.
    Instant(i64),
}

impl AsOf {
    /// UTC seconds; a day is the start of that day in `zone`.
    pub fn instant(self, zone: Tz) -> i64 {
        match self {
            AsOf::Day(d) => start_of_day(d, zone),
            AsOf::Instant(t) => t,
        }
    }
}

impl FromStr for AsOf {
    type Err = String;

    /// `2026-11-23` or an RFC 3339 instant such as `2026-11-23T09:00:00Z`.
    fn from_str(text: &str) -> Result<Self, String> {
        if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return Ok(AsOf::Day(d));
        }
        chrono::DateTime::parse_from_rfc3339(text)
            .map(|t| AsOf::Instant(t.timestamp()))
            .map_err(|_| format!("`{text}` is not a date like 2026-11-23 or an instant like 2026-11-23T09:00:00Z"))
    }
}

/// UTC seconds of the first instant of local `date` in `zone`: local
/// midnight, or when a zone skips midnight, the first instant after the gap.
pub fn start_of_day(date: NaiveDate, zone: Tz) -> i64 {
    local_to_utc(date.and_time(chrono::NaiveTime::MIN), zone)
}

/// UTC seconds of a wall time in `zone`: the first occurrence of a repeated
/// time, or the end of the gap for a skipped one.
pub fn local_to_utc(wall: NaiveDateTime, zone: Tz) -> i64 {
    match zone.from_local_datetime(&wall) {
        LocalResult::Single(t) => t.timestamp(),
        LocalResult::Ambiguous(first, _) => first.timestamp(),
        LocalResult::None => {
            // In a gap: the offsets before and after differ; the wall time
            // read with the offset from before lands after the gap.
            let before = zone.offset_from_utc_datetime(&(wall - chrono::Duration::hours(3)));
            let guess = wall.and_utc().timestamp() - chrono::Offset::fix(&before).local_minus_utc() as i64;
            let mut t = guess;
            // Move to the first instant whose wall time is at or after `wall`.
            while zone.timestamp_opt(t, 0).single().is_some_and(|x| x.naive_local() > wall) {
                t -= 60;
            }
            while zone.timestamp_opt(t, 0).single().is_some_and(|x| x.naive_local() < wall) {
                t += 1;
            }
            t
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for Period {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || format!("`{text}` is not a month like 2026-10");
        let (y, m) = text.split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let year = y.parse().map_err(|_| bad())?;
        let month = m.parse().map_err(|_| bad())?;
        Period::new(year, month).ok_or_else(bad)
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// An instant in the site's zone, for messages: "2026-11-25 16:00 GMT".
pub fn instant_text(t: i64, tz: chrono_tz::Tz) -> String {
    chrono::DateTime::from_timestamp(t, 0).map_or_else(|| t.to_string(), |d| d.with_timezone(&tz).format("%Y-%m-%d %H:%M %Z").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::{America::New_York, Europe::London, UTC};

    fn hours(p: &str, zone: Tz) -> i64 {
        let (a, b) = p.parse::<Period>().unwrap().bounds(zone);
        (b - a) / 3600
    }

    #[test]
    fn months_with_a_clock_change_are_an_hour_short_or_long() {
        // March 2026: 31 days * 24 h = 744 h, less the hour skipped on 29 March.
        assert_eq!(hours("2026-03", London), 743);
        // October 2026: 744 h plus the hour repeated on 25 October.
        assert_eq!(hours("2026-10", London), 745);
        // November 2026 in London has no change: 30 * 24.
        assert_eq!(hours("2026-11", London), 720);
        // New York changes on 1 November 2026: 720 + 1.
        assert_eq!(hours("2026-11", New_York), 721);
        assert_eq!(hours("2026-02", UTC), 28 * 24);
    }

    #[test]
    fn bounds_are_local_midnights() {
        // 2026-10-01 00:00 BST is 2026-09-30 23:00 UTC: day 20_727 * 86_400 - 3_600.
        let (start, end) = "2026-10".parse::<Period>().unwrap().bounds(London);
        assert_eq!(start, 20_727 * 86_400 - 3_600);
        // 2026-11-01 00:00 GMT is 2026-11-01 00:00 UTC: day 20_758.
        assert_eq!(end, 20_758 * 86_400);
    }

    #[test]
    fn parse_and_step() {
        let p: Period = "2026-01".parse().unwrap();
        assert_eq!(p.prev().to_string(), "2025-12");
        assert_eq!(p.prev().next(), p);
        assert!("2026-13".parse::<Period>().is_err());
        assert!("2026-1".parse::<Period>().is_err());
        let trail: Vec<String> = p.trailing(2).iter().map(|p| p.to_string()).collect();
        assert_eq!(trail, ["2025-11", "2025-12", "2026-01"]);
        assert_eq!(p.last_day(), NaiveDate::from_ymd_opt(2026, 1, 31).unwrap());
    }

    #[test]
    fn a_skipped_wall_time_maps_to_the_end_of_the_gap() {
        // 2026-03-29 01:30 does not exist in London; the gap ends at 01:00 UTC (02:00 BST).
        let wall = NaiveDate::from_ymd_opt(2026, 3, 29).unwrap().and_hms_opt(1, 30, 0).unwrap();
        let gap_end = NaiveDate::from_ymd_opt(2026, 3, 29).unwrap().and_hms_opt(1, 0, 0).unwrap().and_utc().timestamp();
        assert_eq!(local_to_utc(wall, London), gap_end);
    }
}
