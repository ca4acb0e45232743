//! Parsers for the small values of the TOML files: ids, zones, hours,
//! durations and dates. Each returns a message a user can act on.

use chrono::NaiveDate;
use chrono_tz::Tz;

/// Names our site layout uses for its own folders and files, and device
/// names Windows will not create: an id equal to one of them cannot be a
/// folder of the published site.
const RESERVED_IDS: &[&str] = &[
    "index", "assets", "charts", "agreements", "static", "theme", "con", "prn", "aux", "nul",
    "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9", "lpt1", "lpt2", "lpt3",
    "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// Checks that `id` can name a folder or file of the published site on any
/// system: 1 to 64 of `a-z 0-9 - _`, starting with a letter or digit, not a
/// reserved name.
pub fn check_id(id: &str) -> Result<(), String> {
    if id.is_empty() {
        return Err("is empty".into());
    }
    if id.len() > 64 {
        return Err(format!("is {} characters long; at most 64 are allowed", id.len()));
    }
    if let Some(bad) = id
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '_'))
    {
        return Err(format!("contains {bad:?}"));
    }
    if !id.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err("must start with a letter or a digit".into());
    }
    if RESERVED_IDS.contains(&id) {
        return Err("is a reserved name".into());
    }
    Ok(())
}

pub const ID_HINT: &str =
    "ids name folders of the published site: use 1 to 64 of a-z, 0-9, '-' and '_', starting with a letter or digit";

/// Parses an IANA time zone name such as `Europe/London`.
pub fn parse_timezone(name: &str) -> Result<Tz, String> {
    name.parse::<Tz>()
        .map_err(|_| format!("`{name}` is not a time zone of the IANA database"))
}

/// Parses service hours `HH:MM-HH:MM` into seconds after midnight,
/// `[start, end)`; `24:00` is allowed as the end.
pub fn parse_hours(text: &str) -> Result<(u32, u32), String> {
    let (from, to) = text
        .split_once('-')
        .ok_or_else(|| format!("`{text}` is not a range of hours like \"08:00-18:00\""))?;
    let start = parse_clock(from.trim(), false)?;
    let end = parse_clock(to.trim(), true)?;
    if start >= end {
        return Err(format!(
            "`{text}` ends before it starts; hours may not cross midnight"
        ));
    }
    Ok((start, end))
}

fn parse_clock(text: &str, allow_24: bool) -> Result<u32, String> {
    let bad = || format!("`{text}` is not a time of day like 08:00");
    let (h, m) = text.split_once(':').ok_or_else(bad)?;
    if h.len() != 2 || m.len() != 2 {
        return Err(bad());
    }
    let h: u32 = h.parse().map_err(|_| bad())?;
    let m: u32 = m.parse().map_err(|_| bad())?;
    if m > 59 || h > 24 || (h == 24 && (m != 0 || !allow_24)) {
        return Err(bad());
    }
    Ok(h * 3600 + m * 60)
}

/// Parses a duration made of hours, minutes and seconds (`4h`, `1h30m`,
/// `90s`) into seconds. Days are refused: a business day is ambiguous.
pub fn parse_duration(text: &str) -> Result<i64, String> {
    let bad = || format!("`{text}` is not a duration like \"30m\", \"4h\" or \"1h30m\"");
    if text.contains('d') {
        return Err(format!(
            "`{text}` uses days, which are ambiguous for business time; write hours instead (e.g. \"40h\")"
        ));
    }
    let mut total: i64 = 0;
    let mut number = String::new();
    let mut last_unit = 0u8;
    for c in text.trim().chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let (rank, scale) = match c {
            'h' => (1, 3600),
            'm' => (2, 60),
            's' => (3, 1),
            _ => return Err(bad()),
        };
        if number.is_empty() || rank <= last_unit {
            return Err(bad());
        }
        let n: i64 = number.parse().map_err(|_| bad())?;
        total = n
            .checked_mul(scale)
            .and_then(|s| total.checked_add(s))
            .ok_or_else(bad)?;
        number.clear();
        last_unit = rank;
    }
    if !number.is_empty() || last_unit == 0 {
        return Err(bad());
    }
    if total == 0 {
        return Err(format!("`{text}` is zero; a duration must be positive"));
    }
    Ok(total)
}

/// Turns a TOML date literal into a date; date-times and times are refused.
/// A waiting time in days, hours and minutes: `3d`, `36h`, `2d12h`.
pub fn parse_days(text: &str) -> Result<i64, String> {
    let bad = || format!("`{text}` is not a waiting time like \"3d\", \"36h\" or \"2d12h\"");
    let (days, rest) = match text.split_once('d') {
        Some((d, rest)) => (d.parse::<i64>().map_err(|_| bad())?, rest),
        None => (0, text),
    };
    if !(0..=366).contains(&days) {
        return Err(bad());
    }
    let rest = if rest.is_empty() { 0 } else { parse_duration(rest).map_err(|_| bad())? };
    Ok(days * 86_400 + rest)
}

pub fn toml_date(value: &toml::value::Datetime) -> Result<NaiveDate, String> {
    match (value.date, value.time, value.offset) {
        (Some(d), None, None) => NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into())
            .ok_or_else(|| format!("`{value}` is not a date of the calendar")),
        _ => Err(format!("`{value}` is not a plain date like 2026-02-01")),
    }
}

/// Checks a source's strftime `timestamp_format` before any row is read
/// (scan reads the rows with it later; load checks it, without scan).
pub fn check_format(format: &str) -> Result<(), String> {
    use chrono::format::{Item, StrftimeItems};
    if StrftimeItems::new(format).any(|i| matches!(i, Item::Error)) {
        return Err(format!("`{format}` is not a valid timestamp format"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_must_be_safe_folder_names() {
        assert!(check_id("acme-email_2").is_ok());
        assert!(check_id("24x7").is_ok());
        assert_eq!(check_id("").unwrap_err(), "is empty");
        assert_eq!(check_id("../x").unwrap_err(), "contains '.'");
        assert_eq!(check_id("a/b").unwrap_err(), "contains '/'");
        assert_eq!(check_id("Acme").unwrap_err(), "contains 'A'");
        assert_eq!(check_id("_internal").unwrap_err(), "must start with a letter or a digit");
        assert_eq!(check_id("con").unwrap_err(), "is a reserved name");
        assert_eq!(check_id("index").unwrap_err(), "is a reserved name");
        assert!(check_id(&"a".repeat(65)).is_err());
    }

    #[test]
    fn waiting_times_in_days() {
        assert_eq!(parse_days("3d"), Ok(3 * 86_400));
        assert_eq!(parse_days("2d12h"), Ok(2 * 86_400 + 12 * 3600));
        assert_eq!(parse_days("36h"), Ok(36 * 3600));
        assert!(parse_days("3 days").is_err());
        assert!(parse_days("d").is_err());
    }

    #[test]
    fn durations_are_hours_minutes_seconds() {
        assert_eq!(parse_duration("30m"), Ok(30 * 60));
        assert_eq!(parse_duration("4h"), Ok(4 * 3600));
        assert_eq!(parse_duration("1h30m"), Ok(3600 + 30 * 60));
        assert_eq!(parse_duration("60s"), Ok(60));
        assert!(parse_duration("2d").unwrap_err().contains("days"));
        assert!(parse_duration("30m1h").is_err());
        assert!(parse_duration("h").is_err());
        assert!(parse_duration("15").is_err());
        assert!(parse_duration("0m").is_err());
        assert!(parse_duration("").is_err());
    }

    #[test]
    fn hours_are_a_half_open_range_within_one_day() {
        assert_eq!(parse_hours("08:00-18:00"), Ok((8 * 3600, 18 * 3600)));
        assert_eq!(parse_hours("00:00-24:00"), Ok((0, 86_400)));
        assert!(parse_hours("22:00-06:00").is_err());
        assert!(parse_hours("8-18").is_err());
        assert!(parse_hours("24:00-24:00").is_err());
        assert!(parse_hours("08:60-18:00").is_err());
    }

    #[test]
    fn time_zones_come_from_the_iana_database() {
        assert_eq!(parse_timezone("Europe/London"), Ok(chrono_tz::Europe::London));
        assert!(parse_timezone("Europe/Londn").is_err());
    }

    #[test]
    fn bad_formats_are_refused_up_front() {
        assert!(super::check_format("%d/%m/%Y %H:%M").is_ok());
        assert!(super::check_format("%Q").is_err());
    }
}
