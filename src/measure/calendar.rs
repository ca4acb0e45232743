//! Service hours as UTC intervals.
//!
//! A calendar is a rule on wall-clock time in its zone; the metric code wants
//! sorted UTC intervals. Each local day is turned into at most two intervals:
//! one per UTC offset in force that day, split at the clock change, so an
//! hour skipped in spring is not counted and an hour repeated in autumn is
//! counted twice when it falls inside the service hours.

use chrono::{Duration, NaiveDate, Offset, TimeZone};
use chrono_tz::Tz;

use super::intervals::Interval;
use crate::period::start_of_day;
use crate::model::{Calendar, WeekdayOrd};

use chrono::Datelike;

/// The UTC intervals of `[from, to)` inside `calendar`, sorted and disjoint.
pub fn windows(calendar: &Calendar, from: i64, to: i64) -> Vec<Interval> {
    if from >= to {
        return Vec::new();
    }
    if calendar.is_always() {
        return vec![Interval::new(from, to)];
    }
    let zone = calendar.timezone;
    let first = local_date(from, zone) - Duration::days(1);
    let last = local_date(to, zone) + Duration::days(1);
    let mut out: Vec<Interval> = Vec::new();
    let mut day = first;
    while day <= last {
        if is_working_day(calendar, day) {
            for w in day_windows(calendar, day) {
                if let Some(w) = w.clip(from, to) {
                    match out.last_mut() {
                        Some(prev) if prev.end >= w.start => prev.end = prev.end.max(w.end),
                        _ => out.push(w),
                    }
                }
            }
        }
        day = day.succ_opt().expect("dates stay in range");
    }
    out
}

fn is_working_day(calendar: &Calendar, day: NaiveDate) -> bool {
    calendar.days.contains(&WeekdayOrd(day.weekday())) && !calendar.holidays.contains(&day)
}

/// The local date of a UTC instant in `zone`.
fn local_date(t: i64, zone: Tz) -> NaiveDate {
    zone.timestamp_opt(t, 0).single().map_or_else(
        || chrono::DateTime::from_timestamp(t, 0).expect("in range").date_naive(),
        |d| d.date_naive(),
    )
}

fn offset_at(t: i64, zone: Tz) -> i64 {
    zone.offset_from_utc_datetime(&chrono::DateTime::from_timestamp(t, 0).expect("in range").naive_utc())
        .fix()
        .local_minus_utc() as i64
}

/// The UTC intervals in which the wall time is on `day` within the
/// calendar's hours.
fn day_windows(calendar: &Calendar, day: NaiveDate) -> Vec<Interval> {
    let zone = calendar.timezone;
    let day_start = start_of_day(day, zone);
    let day_end = start_of_day(day.succ_opt().expect("in range"), zone);
    let midnight = day.and_time(chrono::NaiveTime::MIN).and_utc().timestamp();
    let wall = |offset: i64| {
        Interval::new(midnight + calendar.start as i64 - offset, midnight + calendar.end as i64 - offset)
    };
    let before = offset_at(day_start, zone);
    let after = offset_at(day_end - 1, zone);
    if before == after {
        return wall(before).clip(day_start, day_end).into_iter().collect();
    }
    // The offset changes during the day: find the UTC instant it changes.
    let (mut lo, mut hi) = (day_start, day_end - 1);
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if offset_at(mid, zone) == before {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let change = hi;
    [wall(before).clip(day_start, change), wall(after).clip(change, day_end)]
        .into_iter()
        .flatten()
        .collect()
}

/// Seconds of `[from, to)` inside `calendar`.
pub fn business_seconds(calendar: &Calendar, from: i64, to: i64) -> i64 {
    windows(calendar, from, to).iter().map(Interval::len).sum()
}

/// The instant at which `seconds` of calendar time have passed since
/// `from`, or `None` if the calendar has no such time within ten years.
pub fn add_business(calendar: &Calendar, from: i64, seconds: i64) -> Option<i64> {
    if seconds <= 0 {
        return Some(from);
    }
    let mut left = seconds;
    let mut cursor = from;
    let chunk = 35 * 86_400;
    let horizon = from + 3_660 * 86_400;
    while cursor < horizon {
        for w in windows(calendar, cursor, cursor + chunk) {
            if w.len() >= left {
                return Some(w.start + left);
            }
            left -= w.len();
        }
        cursor += chunk;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Calendar;
    use chrono_tz::{America::New_York, Europe::London};
    use std::collections::BTreeSet;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> i64 {
        NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, min, 0).unwrap().and_utc().timestamp()
    }

    fn business(zone: Tz, holidays: &[NaiveDate]) -> Calendar {
        use chrono::Weekday::*;
        Calendar {
            name: "business".into(),
            timezone: zone,
            days: [Mon, Tue, Wed, Thu, Fri].into_iter().map(WeekdayOrd).collect(),
            start: 8 * 3600,
            end: 18 * 3600,
            holidays: holidays.iter().copied().collect::<BTreeSet<_>>(),
        }
    }

    #[test]
    fn business_hours_of_a_week_with_a_holiday() {
        // Mon 21 Dec 2026 .. Mon 28 Dec 2026 (UTC = London in winter). Fri 25
        // is a holiday: Mon, Tue, Wed, Thu are 4 days of 10 h = 40 h.
        let christmas = NaiveDate::from_ymd_opt(2026, 12, 25).unwrap();
        let cal = business(London, &[christmas]);
        let w = windows(&cal, utc(2026, 12, 21, 0, 0), utc(2026, 12, 28, 0, 0));
        assert_eq!(w.len(), 4);
        assert_eq!(w[0], Interval::new(utc(2026, 12, 21, 8, 0), utc(2026, 12, 21, 18, 0)));
        assert_eq!(business_seconds(&cal, utc(2026, 12, 21, 0, 0), utc(2026, 12, 28, 0, 0)), 40 * 3600);
    }

    #[test]
    fn hours_are_wall_clock_in_the_calendars_zone() {
        // Wed 1 Jul 2026: 08:00-18:00 BST is 07:00-17:00 UTC.
        let cal = business(London, &[]);
        let w = windows(&cal, utc(2026, 7, 1, 0, 0), utc(2026, 7, 2, 0, 0));
        assert_eq!(w, vec![Interval::new(utc(2026, 7, 1, 7, 0), utc(2026, 7, 1, 17, 0))]);
        // New York 08:00-18:00 EDT (UTC-4) is 12:00-22:00 UTC.
        let ny = business(New_York, &[]);
        let w = windows(&ny, utc(2026, 7, 1, 0, 0), utc(2026, 7, 2, 0, 0));
        // Also the evening of 30 June NY time lies in this UTC day: 30 June
        // 18:00 EDT is 22:00 UTC, so no window of 30 June reaches into 1 July.
        assert_eq!(w, vec![Interval::new(utc(2026, 7, 1, 12, 0), utc(2026, 7, 1, 22, 0))]);
    }

    #[test]
    fn a_24_hour_calendar_on_clock_change_days() {
        use chrono::Weekday::*;
        let all = Calendar {
            name: "daily".into(),
            timezone: London,
            days: [Mon, Tue, Wed, Thu, Fri, Sat, Sun].into_iter().map(WeekdayOrd).collect(),
            start: 0,
            end: 86_400,
            holidays: BTreeSet::new(),
        };
        // A full-day calendar that is not `24x7` (it lists a holiday-free
        // week) still walks day by day: Sun 29 Mar 2026 has 23 hours.
        let mut not_always = all.clone();
        not_always.holidays.insert(NaiveDate::from_ymd_opt(2030, 1, 1).unwrap());
        let day = |d: u32, m: u32| (start_of_day(NaiveDate::from_ymd_opt(2026, m, d).unwrap(), London), start_of_day(NaiveDate::from_ymd_opt(2026, m, d + 1).unwrap(), London));
        let (a, b) = day(29, 3);
        assert_eq!(business_seconds(&not_always, a, b), 23 * 3600);
        // Sun 25 Oct 2026 has 25 hours.
        let (a, b) = day(25, 10);
        assert_eq!(business_seconds(&not_always, a, b), 25 * 3600);
    }

    #[test]
    fn service_hours_across_the_repeated_hour() {
        use chrono::Weekday::*;
        // Hours 00:30-01:30 on Sun 25 Oct 2026 (London): 01:00-01:30 happens
        // twice (BST then GMT), so the window holds 30 min BST (00:30-01:00
        // BST... 01:00-01:30 BST) = 23:30-00:30 UTC, plus 01:00-01:30 GMT =
        // 01:00-01:30 UTC: 60 + 30 = 90 minutes.
        let cal = Calendar {
            name: "night".into(),
            timezone: London,
            days: [Sun].into_iter().map(WeekdayOrd).collect(),
            start: 1800,
            end: 5400,
            holidays: BTreeSet::new(),
        };
        let w = windows(&cal, utc(2026, 10, 24, 0, 0), utc(2026, 10, 26, 0, 0));
        assert_eq!(
            w,
            vec![
                Interval::new(utc(2026, 10, 24, 23, 30), utc(2026, 10, 25, 0, 30)),
                Interval::new(utc(2026, 10, 25, 1, 0), utc(2026, 10, 25, 1, 30)),
            ]
        );
    }

    #[test]
    fn adding_business_time_skips_nights_weekends_and_holidays() {
        let christmas = NaiveDate::from_ymd_opt(2026, 12, 25).unwrap();
        let cal = business(London, &[christmas]);
        // Opened Thu 24 Dec 2026 16:00; 4 h budget: 2 h on Thursday (to 18:00),
        // Fri 25 is a holiday, Sat/Sun off, so 2 h more on Mon 28 Dec: 10:00.
        assert_eq!(add_business(&cal, utc(2026, 12, 24, 16, 0), 4 * 3600), Some(utc(2026, 12, 28, 10, 0)));
        // Opened at night: the clock starts at 08:00.
        assert_eq!(add_business(&cal, utc(2026, 12, 22, 23, 0), 3600), Some(utc(2026, 12, 23, 9, 0)));
        let closed = Calendar { days: BTreeSet::new(), ..cal };
        assert_eq!(add_business(&closed, 0, 60), None);
    }
}

/// A calendar's windows over a fixed span, precomputed once, with running
/// totals: `windows`, `business_seconds` and `add_business` become binary
/// searches instead of walks over days. Outside the span it falls back to
/// the walk, so answers never depend on the span chosen.
#[derive(Debug, Clone)]
pub struct CalendarIndex {
    calendar: Calendar,
    from: i64,
    to: i64,
    windows: Vec<Interval>,
    /// `before[i]`: seconds in windows `0..i`.
    before: Vec<i64>,
}

impl CalendarIndex {
    pub fn new(calendar: &Calendar, from: i64, to: i64) -> Self {
        let windows = windows(calendar, from, to);
        let mut before = Vec::with_capacity(windows.len() + 1);
        let mut sum = 0;
        before.push(0);
        for w in &windows {
            sum += w.len();
            before.push(sum);
        }
        CalendarIndex { calendar: calendar.clone(), from, to, windows, before }
    }

    pub fn calendar(&self) -> &Calendar {
        &self.calendar
    }

    fn covers(&self, from: i64, to: i64) -> bool {
        self.from <= from && to <= self.to
    }

    /// Seconds of calendar time in `[from, t)` counted from the span's start.
    fn seconds_before(&self, t: i64) -> i64 {
        let i = self.windows.partition_point(|w| w.end <= t);
        let partial = self.windows.get(i).map_or(0, |w| (t - w.start).clamp(0, w.len()));
        self.before[i] + partial
    }

    /// See [`windows`].
    pub fn windows(&self, from: i64, to: i64) -> Vec<Interval> {
        if !self.covers(from, to) {
            return windows(&self.calendar, from, to);
        }
        let lo = self.windows.partition_point(|w| w.end <= from);
        let hi = self.windows.partition_point(|w| w.start < to);
        self.windows[lo..hi.max(lo)].iter().filter_map(|w| w.clip(from, to)).collect()
    }

    /// See [`business_seconds`].
    pub fn business_seconds(&self, from: i64, to: i64) -> i64 {
        if from >= to {
            return 0;
        }
        if !self.covers(from, to) {
            return business_seconds(&self.calendar, from, to);
        }
        self.seconds_before(to) - self.seconds_before(from)
    }

    /// See [`add_business`].
    pub fn add_business(&self, from: i64, seconds: i64) -> Option<i64> {
        if seconds <= 0 {
            return Some(from);
        }
        if self.covers(from, from) {
            let goal = self.seconds_before(from) + seconds;
            let i = self.before.partition_point(|&b| b < goal);
            // Window i-1 holds the instant the running total reaches `goal`.
            if i > 0 && i <= self.windows.len() {
                let w = self.windows[i - 1];
                return Some(w.start + (goal - self.before[i - 1]));
            }
        }
        add_business(&self.calendar, from, seconds)
    }
}

#[cfg(test)]
mod index_tests {
    use super::*;
    use chrono_tz::Europe::London;

    #[test]
    fn the_index_agrees_with_the_walk() {
        use chrono::Weekday::*;
        let cal = Calendar {
            name: "b".into(),
            timezone: London,
            days: [Mon, Tue, Wed, Thu, Fri].into_iter().map(WeekdayOrd).collect(),
            start: 8 * 3600,
            end: 18 * 3600,
            holidays: [NaiveDate::from_ymd_opt(2026, 12, 25).unwrap()].into_iter().collect(),
        };
        let base = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap().and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp();
        let index = CalendarIndex::new(&cal, base, base + 120 * 86_400);
        // Instants every 7 h 13 min over four months, against budgets of 0 to 50 h.
        for k in 0..300 {
            let a = base + k * 26_000;
            let b = a + (k % 17) * 40_000;
            assert_eq!(index.business_seconds(a, b), business_seconds(&cal, a, b), "{a} {b}");
            assert_eq!(index.windows(a, b), windows(&cal, a, b));
            let budget = (k % 50) * 3600 + 1;
            assert_eq!(index.add_business(a, budget), add_business(&cal, a, budget), "{a} {budget}");
        }
    }
}
