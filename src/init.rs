//! `slareport init DIR`: a small working site to start from.
//!
//! One customer with one SLA, the OLA and the UPC under it, a few weeks of
//! outages and tickets in the last complete month, and that month's note.
//! `check` and `build` accept it as it is. The measurement dates follow the
//! day `init` runs, so the first build has a month to publish; the files are
//! otherwise always the same. `init` never writes into a folder that holds
//! anything.

use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};

use crate::period::Period;

/// What to create.
#[derive(Debug, Clone)]
pub struct InitOptions {
    /// The new site's folder: missing or empty.
    pub dir: PathBuf,
    /// Today: the site's data falls in the month before.
    pub today: NaiveDate,
}

/// Why nothing was created.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error("{0} is not empty; `slareport init` only creates a new site in a missing or empty folder")]
    NotEmpty(PathBuf),
    #[error("{0} exists and is not a folder")]
    NotAFolder(PathBuf),
    #[error("cannot write {path}: {message}")]
    Io { path: PathBuf, message: String },
}

/// The files of the new site, relative to its folder, and the month its
/// data covers.
pub fn files(today: NaiveDate) -> (Period, Vec<(String, String)>) {
    let month = Period::of(today).prev();
    let first = month.first_day();
    let day = |d: u32| first.with_day(d).expect("days 1 to 28 exist in every month");
    let ym = month.to_string();
    let mut outages = String::from("service,start,end,kind,cause\n");
    for (d, from, to, kind, cause) in [
        (6, "09:10", "09:52", "unplanned", "network-ola"),
        (12, "20:00", "22:00", "planned", ""),
        (19, "14:03", "14:21", "unplanned", "hostco-upc"),
        (26, "10:30", "11:05", "degraded", ""),
    ] {
        let date = day(d);
        outages.push_str(&format!("email,{date}T{from}:00Z,{date}T{to}:00Z,{kind},{cause}\n"));
    }
    let mut tickets = String::from("id,service,priority,opened,responded,resolved,cause\n");
    for (n, (d, opened, responded, resolved, priority)) in [
        (5, "08:40", "08:55", "10:10", "P1"),
        (6, "09:15", "09:20", "09:58", "P1"),
        (7, "13:00", "13:30", "16:45", "P2"),
        (11, "10:05", "10:20", "11:00", "P3"),
        (13, "15:30", "15:41", "17:02", "P2"),
        (14, "08:10", "08:30", "12:40", "P1"),
        (19, "14:05", "14:09", "14:30", "P1"),
        (20, "11:00", "11:45", "15:20", "P3"),
        (21, "09:00", "09:05", "09:40", "P2"),
        (25, "16:20", "16:35", "17:50", "P3"),
        (26, "10:32", "10:40", "11:10", "P1"),
        (27, "12:00", "12:12", "13:15", "P2"),
    ]
    .into_iter()
    .enumerate()
    {
        let date = day(d);
        tickets.push_str(&format!(
            "INC{:04},email,{priority},{date}T{opened}:00Z,{date}T{responded}:00Z,{date}T{resolved}:00Z,\n",
            n + 1
        ));
    }
    let note = NOTE.replace("{meeting}", &day(9).to_string()).replace("{month}", &crate::render::view::period_label(month));
    let files = vec![
        ("slareport.toml".to_string(), SITE.to_string()),
        ("agreements/example/email.toml".to_string(), SLA.to_string()),
        ("agreements/_internal/network.toml".to_string(), OLA.to_string()),
        ("agreements/_suppliers/hostco.toml".to_string(), UPC.to_string()),
        ("data/outages.csv".to_string(), outages),
        ("data/tickets.csv".to_string(), tickets),
        (format!("notes/example/{ym}.md"), note),
        ("schemas/slareport.schema.json".to_string(), crate::schema::site_json()),
        ("schemas/agreement.schema.json".to_string(), crate::schema::agreement_json()),
        (".gitignore".to_string(), "/public/\n".to_string()),
    ];
    (month, files)
}

/// Creates the site; returns the files written, relative to `dir`.
pub fn init(options: &InitOptions) -> Result<Vec<String>, InitError> {
    let dir = &options.dir;
    if dir.exists() {
        if !dir.is_dir() {
            return Err(InitError::NotAFolder(dir.clone()));
        }
        let mut entries = std::fs::read_dir(dir).map_err(|e| io(dir, e))?;
        if entries.next().is_some() {
            return Err(InitError::NotEmpty(dir.clone()));
        }
    }
    let (_, files) = files(options.today);
    let mut written = Vec::new();
    for (relative, text) in files {
        let path = dir.join(&relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
        }
        std::fs::write(&path, text).map_err(|e| io(&path, e))?;
        written.push(relative);
    }
    Ok(written)
}

fn io(path: &Path, e: std::io::Error) -> InitError {
    InitError::Io { path: path.to_path_buf(), message: e.to_string() }
}

const SITE: &str = r##"#:schema ./schemas/slareport.schema.json
# The site: its title, time zone, calendars, customers and measurement sources.
# `slareport check` validates this folder; `slareport build` publishes it into public/.

title = "Example IT — service reports"
# Months are cut in this zone (DST-aware).
timezone = "Europe/London"
# Where `slareport build` writes the site, relative to this folder.
output = "public"

# One table per customer; its SLAs live in agreements/<customer>/.
[customers.example]
name = "Example Trading Ltd"

# Service hours. "24x7" is built in.
[calendars.business]
days = ["mon", "tue", "wed", "thu", "fri"]
hours = "08:00-18:00"          # [start, end) in the site's zone
holidays = [2026-12-25, 2026-12-28]

# One source per kind of measurement: outages, samples, tickets, surveys, counts.
# `columns` maps the canonical column (left) to your export's header (right).
[sources.outages]
path = "data/outages.csv"

[sources.tickets]
path = "data/tickets.csv"
"##;

const SLA: &str = r##"#:schema ../../schemas/agreement.schema.json
# A service level agreement with the customer `example`.
id = "example-email"
kind = "sla"                    # sla | ola | upc
customer = "example"
title = "E-mail service"
version = "1"
effective = 2026-01-01
review_due = 2026-12-31         # reviewed at least once a year
services = ["email"]

[[targets]]
id = "availability"
metric = "availability"         # from the outage log
calendar = "business"
objective = 99.5                # %; breached when lower
warning = 99.8                  # at risk when lower than this
planned = "excluded"            # planned maintenance is out of scope
degraded = 0.5                  # half of degraded time counts as down
credits = [{ below = 99.5, percent = 5 }, { below = 99.0, percent = 10 }]
underpinned_by = ["network-ola", "hostco-upc"]

[[targets]]
id = "p1-resolution"
metric = "resolution"
priority = "P1"
within = "4h"                   # business time on the calendar, less time on hold
calendar = "business"
objective = 95                  # % of P1 tickets resolved within 4 hours
"##;

const OLA: &str = r##"#:schema ../../schemas/agreement.schema.json
# An operational level agreement with an internal team.
id = "network-ola"
kind = "ola"
team = "network"
title = "Network operations"
version = "1"
effective = 2026-01-01
review_due = 2026-12-31
services = ["email"]

[[targets]]
id = "availability"
metric = "availability"
objective = 99.9
"##;

const UPC: &str = r##"#:schema ../../schemas/agreement.schema.json
# An underpinning contract with a supplier.
id = "hostco-upc"
kind = "upc"
supplier = "hostco"
title = "HostCo mail hosting"
version = "1"
effective = 2026-01-01
review_due = 2026-12-31
services = ["email"]

[[targets]]
id = "availability"
metric = "availability"
objective = 99.9
"##;

const NOTE: &str = r##"+++
meeting = {meeting}
attendees = ["A. Customer (Example Trading)", "S. Manager (service level manager)"]
satisfaction = 4
complaints = 0
compliments = 1

[[actions]]
id = "SIP-01"
title = "Alert the network team on mail relay latency"
target = "example-email/availability"
owner = "Network team"
due = 2026-12-31
status = "open"
+++
# {month} review

Write the commentary of the month here, in Markdown; it ends the report.
"##;
