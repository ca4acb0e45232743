//! Availability from random outage sets, random calendars and random time
//! zones equals a brute-force count done minute by minute on wall clocks.
//!
//! The brute force shares no code with the engine: it asks chrono-tz for the
//! wall time of every minute of the month and checks the calendar rule and
//! every outage directly. Everything is minute-aligned, so counting minutes
//! is exact.

mod common;

use chrono::{Datelike, NaiveDate, TimeZone, Timelike};
use chrono_tz::Tz;
use common::Fixture;
use slareport::measure::{prepare, Period};

/// A small deterministic generator (splitmix64), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const ZONES: [&str; 7] = [
    "Europe/London",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Kolkata",
    "UTC",
    "Pacific/Chatham",
    "America/St_Johns",
];
const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const KINDS: [&str; 3] = ["unplanned", "planned", "degraded"];
const RULES: [&str; 3] = ["excluded", "downtime", "uptime"];

struct Outage {
    start: i64,
    end: i64,
    kind: &'static str,
}

struct Case {
    site_zone: Tz,
    calendar_zone: Tz,
    days: Vec<usize>,
    start_min: u32,
    end_min: u32,
    holidays: Vec<NaiveDate>,
    period: Period,
    outages: Vec<Outage>,
    rule: &'static str,
    degraded: f64,
}

fn utc_of_local_midnight(zone: Tz, date: NaiveDate) -> i64 {
    zone.from_local_datetime(&date.and_hms_opt(0, 0, 0).unwrap()).earliest().unwrap().timestamp()
}

fn random_case(rng: &mut Rng) -> Case {
    let site_zone: Tz = rng.pick(&ZONES).parse().unwrap();
    let calendar_zone: Tz = rng.pick(&ZONES).parse().unwrap();
    // Months with clock changes somewhere in the zones above, and others.
    let (year, month) = *rng.pick(&[(2026, 3), (2026, 10), (2026, 4), (2025, 11), (2026, 2), (2026, 7)]);
    let period = Period::new(year, month).unwrap();
    let mut days: Vec<usize> = (0..7).filter(|_| rng.below(3) > 0).collect();
    if days.is_empty() {
        days.push(rng.below(7) as usize);
    }
    let start_min = (rng.below(24 * 4) * 15) as u32;
    let end_min = (start_min + 15 + (rng.below(24 * 4) * 15) as u32).min(24 * 60);
    let holidays = (0..rng.below(3))
        .map(|_| period.first_day() + chrono::Duration::days(rng.below(28) as i64))
        .collect();
    let from = utc_of_local_midnight(site_zone, period.first_day()) - 2 * 86_400;
    let span = 35 * 86_400 / 60;
    let outages = (0..rng.below(9))
        .map(|_| {
            let start = from + rng.below(span) as i64 * 60;
            let end = start + (1 + rng.below(3 * 24 * 60)) as i64 * 60;
            Outage { start, end, kind: *rng.pick(&KINDS) }
        })
        .collect();
    Case {
        site_zone,
        calendar_zone,
        days,
        start_min,
        end_min,
        holidays,
        period,
        outages,
        rule: *rng.pick(&RULES),
        degraded: *rng.pick(&[0.0, 0.5, 1.0]),
    }
}

/// (in-scope seconds, lost seconds), minute by minute.
fn brute_force(case: &Case) -> (i64, f64) {
    let start = utc_of_local_midnight(case.site_zone, case.period.first_day());
    let end = utc_of_local_midnight(case.site_zone, case.period.next().first_day());
    let (mut scope, mut lost) = (0i64, 0f64);
    let mut t = start;
    while t < end {
        let wall = case.calendar_zone.timestamp_opt(t, 0).unwrap().naive_local();
        let day = wall.weekday().num_days_from_monday() as usize;
        let minute = wall.hour() * 60 + wall.minute();
        let in_calendar = case.days.contains(&day)
            && !case.holidays.contains(&wall.date())
            && case.start_min <= minute
            && minute < case.end_min;
        let covering: Vec<&Outage> = case.outages.iter().filter(|o| o.start <= t && t < o.end).collect();
        let planned_here = covering.iter().any(|o| o.kind == "planned");
        if in_calendar && !(case.rule == "excluded" && planned_here) {
            scope += 60;
            let weight = covering
                .iter()
                .map(|o| match o.kind {
                    "unplanned" => 1.0,
                    "degraded" => case.degraded,
                    _ if case.rule == "downtime" => 1.0,
                    _ => 0.0,
                })
                .fold(0.0, f64::max);
            lost += 60.0 * weight;
        }
        t += 60;
    }
    (scope, lost)
}

fn write_site(case: &Case) -> Fixture {
    let f = Fixture::valid();
    let days: Vec<String> = case.days.iter().map(|d| format!("\"{}\"", DAYS[*d])).collect();
    let holidays: Vec<String> = case.holidays.iter().map(|d| d.to_string()).collect();
    let hhmm = |m: u32| format!("{:02}:{:02}", m / 60, m % 60);
    f.write(
        "slareport.toml",
        &format!(
            "title = \"p\"\ntimezone = \"{}\"\n\n[calendars.c]\ntimezone = \"{}\"\ndays = [{}]\nhours = \"{}-{}\"\nholidays = [{}]\n\n\
             [sources.outages]\npath = \"data/outages.csv\"\n\n[sources.surveys]\npath = \"data/surveys.csv\"\n",
            case.site_zone.name(),
            case.calendar_zone.name(),
            days.join(", "),
            hhmm(case.start_min),
            hhmm(case.end_min),
            holidays.join(", ")
        ),
    );
    std::fs::remove_file(f.path("agreements/_internal/network.toml")).unwrap();
    f.write(
        "agreements/acme/email.toml",
        &format!(
            "id = \"sla\"\nkind = \"sla\"\ncustomer = \"acme\"\ntitle = \"t\"\nversion = \"1\"\neffective = 2020-01-01\n\
             review_due = 2030-01-01\nservices = [\"svc\"]\n\n[[targets]]\nid = \"a\"\nmetric = \"availability\"\n\
             calendar = \"c\"\nobjective = 99\nplanned = \"{}\"\ndegraded = {}\n",
            case.rule, case.degraded
        ),
    );
    let mut csv = String::from("service,start,end,kind\n");
    for o in &case.outages {
        let iso = |t: i64| chrono::DateTime::from_timestamp(t, 0).unwrap().format("%Y-%m-%dT%H:%M:%SZ").to_string();
        csv.push_str(&format!("svc,{},{},{}\n", iso(o.start), iso(o.end), o.kind));
    }
    f.write("data/outages.csv", &csv);
    // One survey answer in the month, so the period has data.
    let mid = utc_of_local_midnight(case.site_zone, case.period.first_day()) + 10 * 86_400;
    f.write(
        "data/surveys.csv",
        &format!("time,service,score\n{},svc,4\n", chrono::DateTime::from_timestamp(mid, 0).unwrap().to_rfc3339()),
    );
    f
}

#[test]
fn availability_matches_a_minute_by_minute_count() {
    let mut rng = Rng(20_261_123);
    for case_no in 0..60 {
        let case = random_case(&mut rng);
        let (scope, lost) = brute_force(&case);
        let site = write_site(&case);
        let prepared = prepare(site.root()).unwrap_or_else(|p| panic!("{}", common::render(&p.into_vec())));
        let results = prepared.measure(case.period);
        let r = &results.targets[0];
        let what = format!(
            "case {case_no}: site {} calendar {} {:?} {}-{} min, holidays {:?}, {} rule {} degraded {}, {} outages",
            case.site_zone.name(),
            case.calendar_zone.name(),
            case.days,
            case.start_min,
            case.end_min,
            case.holidays,
            case.period,
            case.rule,
            case.degraded,
            case.outages.len()
        );
        assert_eq!(r.basis.scope_seconds, Some(scope), "{what}");
        assert_eq!(r.basis.lost_seconds, Some(lost), "{what}");
        if scope > 0 {
            let expected = 100.0 * (scope as f64 - lost) / scope as f64;
            assert!((r.value.unwrap() - expected).abs() < 1e-9, "{what}");
        } else {
            assert_eq!(r.value, None, "{what}");
        }
    }
}
