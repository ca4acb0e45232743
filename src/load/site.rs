//! `slareport.toml`: the site's title, zone, calendars, customers and sources.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use chrono::Weekday;
use serde::Deserialize;
use toml::Spanned;

use super::values::{check_id, parse_duration, parse_hours, parse_timezone, toml_date, ID_HINT};
use crate::diagnostic::{Diagnostic, Diagnostics, SourceFile};
use crate::model::{
    Calendar, Customer, SiteConfig, Source, SourceKind, WeekdayOrd, ALWAYS, MAPPED_COLUMNS,
};

/// The file name of a site's configuration.
pub const CONFIG_FILE: &str = "slareport.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSite {
    title: String,
    timezone: Spanned<String>,
    output: Option<Spanned<String>>,
    theme: Option<Spanned<String>>,
    publish_after: Option<Spanned<String>>,
    #[serde(default)]
    customers: BTreeMap<Spanned<String>, RawCustomer>,
    #[serde(default)]
    calendars: BTreeMap<Spanned<String>, Spanned<RawCalendar>>,
    #[serde(default)]
    sources: RawSources,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCustomer {
    name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalendar {
    timezone: Option<Spanned<String>>,
    days: Spanned<Vec<RawDay>>,
    hours: Spanned<String>,
    #[serde(default)]
    holidays: Vec<Spanned<toml::value::Datetime>>,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum RawDay {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl From<RawDay> for Weekday {
    fn from(day: RawDay) -> Weekday {
        match day {
            RawDay::Mon => Weekday::Mon,
            RawDay::Tue => Weekday::Tue,
            RawDay::Wed => Weekday::Wed,
            RawDay::Thu => Weekday::Thu,
            RawDay::Fri => Weekday::Fri,
            RawDay::Sat => Weekday::Sat,
            RawDay::Sun => Weekday::Sun,
        }
    }
}

/// One table per measurement kind: a typo in a kind's name is an unknown field.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSources {
    outages: Option<RawSource>,
    samples: Option<RawSource>,
    tickets: Option<RawSource>,
    surveys: Option<RawSource>,
    counts: Option<RawSource>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    path: Spanned<String>,
    #[serde(default)]
    columns: BTreeMap<Spanned<String>, String>,
    timestamp_format: Option<Spanned<String>>,
    timezone: Option<Spanned<String>>,
    null_values: Option<Vec<String>>,
    separator: Option<Spanned<String>>,
    interval: Option<Spanned<String>>,
    scale: Option<Spanned<[f64; 2]>>,
    #[serde(default)]
    values: BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, Spanned<String>>>,
}

/// Reads and validates `slareport.toml`. The configuration comes back even
/// with problems when it could be read at all, so agreements and sources can
/// still be checked against it.
pub fn load(source: &SourceFile) -> (Option<SiteConfig>, Diagnostics) {
    let (raw, mut problems) = super::toml_file::parse::<RawSite>(source);
    let Some(raw) = raw else { return (None, problems) };
    let mut error = |span: std::ops::Range<usize>, message: String, hint: Option<&str>| {
        let d = Diagnostic::error(message).at(source, span);
        problems.push(match hint {
            Some(h) => d.with_hint(h),
            None => d,
        });
    };

    let timezone = parse_timezone(raw.timezone.get_ref()).unwrap_or_else(|e| {
        error(raw.timezone.span(), e, Some(TZ_HINT));
        chrono_tz::UTC
    });

    let output = match &raw.output {
        Some(o) => match relative_path(o.get_ref()).and_then(|p| output_folder(o.get_ref(), p)) {
            Ok(p) => p,
            Err(e) => {
                error(o.span(), format!("output {e}"), None);
                PathBuf::from("public")
            }
        },
        None => PathBuf::from("public"),
    };
    let publish_after = match &raw.publish_after {
        Some(d) => crate::load::values::parse_days(d.get_ref()).unwrap_or_else(|e| {
            error(d.span(), format!("publish_after: {e}"), Some("how long after a month ends to wait for late rows before publishing it, e.g. \"3d\" or \"12h\""));
            0
        }),
        None => 0,
    };
    let theme = match &raw.theme {
        Some(t) => {
            if let Err(e) = check_id(t.get_ref()) {
                error(t.span(), format!("theme name `{}` {e}", t.get_ref()), Some(ID_HINT));
            }
            t.get_ref().clone()
        }
        None => "default".to_string(),
    };

    let mut customers = BTreeMap::new();
    for (id, customer) in raw.customers {
        if let Err(e) = check_id(id.get_ref()) {
            error(id.span(), format!("customer id `{}` {e}", id.get_ref()), Some(ID_HINT));
        }
        let id = id.into_inner();
        customers.insert(id.clone(), Customer { id, name: customer.name });
    }

    let mut calendars = BTreeMap::new();
    calendars.insert(ALWAYS.to_string(), Calendar::always(timezone));
    for (name, calendar) in raw.calendars {
        if name.get_ref() == ALWAYS {
            error(
                name.span(),
                format!("calendar `{ALWAYS}` is built in and cannot be redefined"),
                Some("give your calendar another name"),
            );
            continue;
        }
        if let Err(e) = check_id(name.get_ref()) {
            error(name.span(), format!("calendar name `{}` {e}", name.get_ref()), Some(ID_HINT));
        }
        let calendar = calendar.into_inner();
        let zone = match &calendar.timezone {
            Some(tz) => parse_timezone(tz.get_ref()).unwrap_or_else(|e| {
                error(tz.span(), e, Some(TZ_HINT));
                timezone
            }),
            None => timezone,
        };
        let (start, end) = parse_hours(calendar.hours.get_ref()).unwrap_or_else(|e| {
            error(calendar.hours.span(), e, None);
            (0, 86_400)
        });
        if calendar.days.get_ref().is_empty() {
            error(calendar.days.span(), "a calendar needs at least one day".into(), None);
        }
        let mut holidays = BTreeSet::new();
        for holiday in &calendar.holidays {
            match toml_date(holiday.get_ref()) {
                Ok(d) => {
                    holidays.insert(d);
                }
                Err(e) => error(holiday.span(), format!("holiday {e}"), None),
            }
        }
        let name = name.into_inner();
        calendars.insert(
            name.clone(),
            Calendar {
                name,
                timezone: zone,
                days: calendar
                    .days
                    .into_inner()
                    .into_iter()
                    .map(|d| WeekdayOrd(d.into()))
                    .collect(),
                start,
                end,
                holidays,
            },
        );
    }

    let mut sources = BTreeMap::new();
    let RawSources { outages, samples, tickets, surveys, counts } = raw.sources;
    for (kind, raw_source) in [
        (SourceKind::Outages, outages),
        (SourceKind::Samples, samples),
        (SourceKind::Tickets, tickets),
        (SourceKind::Surveys, surveys),
        (SourceKind::Counts, counts),
    ] {
        let Some(raw_source) = raw_source else { continue };
        let (source_config, source_problems) = validate_source(source, kind, raw_source, timezone, &customers);
        for p in source_problems {
            problems.push(p);
        }
        sources.insert(kind, source_config);
    }

    let config = SiteConfig {
        title: raw.title,
        timezone,
        output,
        theme,
        publish_after,
        customers,
        calendars,
        sources,
    };
    (Some(config), problems)
}

const TZ_HINT: &str = "use a name from the IANA time zone database, such as \"Europe/London\" or \"America/New_York\"";

fn validate_source(
    file: &SourceFile,
    kind: SourceKind,
    raw: RawSource,
    site_zone: chrono_tz::Tz,
    customers: &BTreeMap<String, Customer>,
) -> (Source, Diagnostics) {
    let mut problems = Diagnostics::new();
    let at = |span, message: String| Diagnostic::error(message).at(file, span);

    let path = relative_path(raw.path.get_ref()).unwrap_or_else(|e| {
        problems.push(at(raw.path.span(), format!("sources.{kind}.path {e}")));
        PathBuf::new()
    });

    let canonical = kind.columns();
    let mut columns: BTreeMap<String, String> = canonical
        .iter()
        .map(|c| (c.name.to_string(), c.name.to_string()))
        .collect();
    for (name, export) in raw.columns {
        if !columns.contains_key(name.get_ref()) {
            let names: Vec<&str> = canonical.iter().map(|c| c.name).collect();
            problems.push(
                at(name.span(), format!("`{}` is not a column of {kind}", name.get_ref()))
                    .with_hint(format!(
                        "map the canonical columns of {kind} to your export's: {}",
                        names.join(", ")
                    )),
            );
            continue;
        }
        columns.insert(name.into_inner(), export);
    }

    let timezone = match &raw.timezone {
        Some(tz) => parse_timezone(tz.get_ref()).unwrap_or_else(|e| {
            problems.push(at(tz.span(), e).with_hint(TZ_HINT));
            site_zone
        }),
        None => site_zone,
    };

    if let Some(format) = &raw.timestamp_format {
        if let Err(e) = super::values::check_format(format.get_ref()) {
            problems.push(at(format.span(), e).with_hint(
                "use chrono's strftime codes, e.g. \"%d/%m/%Y %H:%M\" or \"%Y-%m-%dT%H:%M:%S%z\"",
            ));
        }
    }

    let separator = match &raw.separator {
        Some(s) if s.get_ref().len() == 1 && s.get_ref().is_ascii() => s.get_ref().as_bytes()[0],
        Some(s) => {
            problems.push(at(s.span(), format!("separator `{}` must be one ASCII character", s.get_ref())));
            b','
        }
        None => b',',
    };

    let interval = match &raw.interval {
        Some(i) if kind != SourceKind::Samples => {
            problems.push(at(i.span(), format!("`interval` applies to samples, not to {kind}")));
            60
        }
        Some(i) => parse_duration(i.get_ref()).unwrap_or_else(|e| {
            problems.push(at(i.span(), e));
            60
        }),
        None => 60,
    };

    let scale = match &raw.scale {
        Some(s) if kind != SourceKind::Surveys => {
            problems.push(at(s.span(), format!("`scale` applies to surveys, not to {kind}")));
            (1.0, 5.0)
        }
        Some(s) => {
            let [lo, hi] = *s.get_ref();
            if !(lo.is_finite() && hi.is_finite() && lo < hi) {
                problems.push(at(s.span(), format!("scale [{lo}, {hi}] must go from a lower to a higher score")));
            }
            (lo, hi)
        }
        None => (1.0, 5.0),
    };

    let values = validate_values(file, kind, raw.values, customers, &mut problems);

    let source = Source {
        kind,
        values,
        path,
        columns,
        timestamp_format: raw.timestamp_format.map(Spanned::into_inner),
        timezone,
        null_values: raw.null_values.unwrap_or_else(|| vec![String::new()]),
        separator,
        interval,
        scale,
    };
    (source, problems)
}

/// `[sources.<kind>.values]`: export values mapped to ids, for the columns
/// `service`, `priority` and `customer`. A service id must be an id; a
/// customer id must be a customer of the site.
fn validate_values(
    file: &SourceFile,
    kind: SourceKind,
    raw: BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, Spanned<String>>>,
    customers: &BTreeMap<String, Customer>,
    problems: &mut Diagnostics,
) -> BTreeMap<String, BTreeMap<String, String>> {
    let at = |span, message: String| Diagnostic::error(message).at(file, span);
    let mut values = BTreeMap::new();
    for (column, map) in raw {
        let name = column.get_ref().as_str();
        if !MAPPED_COLUMNS.contains(&name) {
            problems.push(
                at(column.span(), format!("sources.{kind}.values: `{name}` is not a column whose values can be mapped"))
                    .with_hint(format!("map export values to ids for the columns {}", MAPPED_COLUMNS.join(", "))),
            );
            continue;
        }
        let mut mapped = BTreeMap::new();
        for (from, to) in map {
            let id = to.get_ref();
            match name {
                "service" => {
                    if let Err(e) = check_id(id) {
                        problems.push(
                            at(to.span(), format!("sources.{kind}.values.service: `{}` maps to `{id}`, which {e}; expected a service id", from.get_ref()))
                                .with_hint(ID_HINT),
                        );
                    }
                }
                "customer" => {
                    if !customers.contains_key(id) {
                        let known: Vec<&str> = customers.keys().map(String::as_str).collect();
                        problems.push(
                            at(to.span(), format!("sources.{kind}.values.customer: `{}` maps to `{id}`, which is no customer of the site", from.get_ref()))
                                .with_hint(if known.is_empty() {
                                    "define the customer under [customers.<id>] in slareport.toml".to_string()
                                } else {
                                    format!("customers of this site: {}", known.join(", "))
                                }),
                        );
                    }
                }
                _ => {
                    if id.trim().is_empty() {
                        problems.push(at(to.span(), format!("sources.{kind}.values.{name}: `{}` maps to an empty value", from.get_ref())));
                    }
                }
            }
            mapped.insert(from.into_inner(), to.into_inner());
        }
        values.insert(name.to_string(), mapped);
    }
    values
}

/// The folders of a site that hold its inputs: publishing into one of them
/// (or into the site folder itself) would mix reports with what they are
/// made from.
pub const INPUT_FOLDERS: [&str; 5] = ["agreements", "data", "notes", "themes", CONFIG_FILE];

/// `output` names a folder of its own inside the site: not the site folder
/// (`.`), and not one of its input folders.
fn output_folder(text: &str, path: PathBuf) -> Result<PathBuf, String> {
    let normal: PathBuf = path.components().filter(|c| matches!(c, Component::Normal(_))).collect();
    let Some(first) = normal.components().next() else {
        return Err(format!(
            "`{text}` is the site folder itself; expected a folder of its own inside the site, such as \"public\""
        ));
    };
    if INPUT_FOLDERS.iter().any(|f| first.as_os_str() == *f) {
        return Err(format!(
            "`{text}` is inside the site's inputs ({}); expected a folder of its own, such as \"public\"",
            first.as_os_str().to_string_lossy()
        ));
    }
    Ok(normal)
}

/// A path inside the site folder: relative, with no `..`.
fn relative_path(text: &str) -> Result<PathBuf, String> {
    let path = Path::new(text);
    if text.is_empty() {
        return Err("is empty".into());
    }
    if path
        .components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(format!(
            "`{text}` must be a path inside the site folder (relative, without `..`)"
        ));
    }
    Ok(path.to_path_buf())
}
