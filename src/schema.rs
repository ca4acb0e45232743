//! `slareport schema`: JSON Schemas of `slareport.toml` and of agreement
//! files, for editors (taplo, Even Better TOML) to check and complete the
//! files as they are typed.
//!
//! The schemas are generated with schemars from the serde types below. They
//! mirror the loader's own raw types (`load::site::RawSite`,
//! `load::agreement::RawAgreement`), which keep `toml::Spanned` wrappers for
//! error positions that a schema has no use for; the test
//! `schema_fields_match_the_loader` reads the loader's structs and fails when
//! a key is added to one and not the other. Like the loader, every table
//! rejects unknown keys (`additionalProperties: false`). What the schema
//! cannot say (a calendar named in an agreement exists, `hours` is a valid
//! range) is left to `slareport check`.

use std::borrow::Cow;
use std::collections::BTreeMap;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::Deserialize;

/// Which file a schema is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// `slareport.toml`.
    Site,
    /// `agreements/**/*.toml`.
    Agreement,
}

/// The schema of `slareport.toml`, as pretty JSON with a final newline.
pub fn site_json() -> String {
    json(Which::Site)
}

/// The schema of an agreement file, as pretty JSON with a final newline.
pub fn agreement_json() -> String {
    json(Which::Agreement)
}

/// The schema of `which`, as pretty JSON with a final newline.
pub fn json(which: Which) -> String {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let schema = match which {
        Which::Site => generator.into_root_schema_for::<SiteFile>(),
        Which::Agreement => generator.into_root_schema_for::<AgreementFile>(),
    };
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema is plain JSON");
    text.push('\n');
    text
}

/// A TOML local date such as 2026-01-31 (editors see TOML dates as strings
/// in the `date` format).
#[derive(Deserialize)]
pub struct TomlDate(#[allow(dead_code)] toml::value::Datetime);

impl JsonSchema for TomlDate {
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "format": "date", "description": "A date such as 2026-01-31." })
    }
}

/// slareport.toml: the site's title, zone, calendars, customers and sources.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "slareport site (slareport.toml)")]
#[allow(dead_code)]
pub struct SiteFile {
    /// The title on every page.
    title: String,
    /// IANA time zone in which months are cut, e.g. "Europe/London".
    timezone: String,
    /// Where `slareport build` writes the site, relative to the site folder (default "public").
    output: Option<String>,
    /// A theme in themes/<name>/ that overrides the built-in one.
    theme: Option<String>,
    /// How long after a month ends to wait for late rows before publishing it, e.g. "3d", "36h" or "2d12h".
    publish_after: Option<String>,
    /// The customers, by id (a-z, 0-9, - and _).
    #[serde(default)]
    customers: BTreeMap<String, Customer>,
    /// Service-hour calendars, by id; "24x7" is built in.
    #[serde(default)]
    calendars: BTreeMap<String, Calendar>,
    /// Where each kind of measurement comes from.
    #[serde(default)]
    sources: Sources,
}

/// A customer.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct Customer {
    /// The customer's name as printed on its reports.
    name: String,
}

/// A day of the week.
#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Day {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

/// Service hours.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct Calendar {
    /// The calendar's own IANA zone (default the site's).
    timezone: Option<String>,
    /// The days with service hours.
    days: Vec<Day>,
    /// "HH:MM-HH:MM", [start, end) in the calendar's zone.
    hours: String,
    /// Days without service hours.
    #[serde(default)]
    holidays: Vec<TomlDate>,
}

/// One source per kind of measurement.
#[derive(Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct Sources {
    /// The outage log: service, start, end, kind, cause.
    outages: Option<SourceTable>,
    /// Probe samples: time, service, up, latency_ms.
    samples: Option<SourceTable>,
    /// Tickets: id, service, priority, opened, responded, resolved, paused_minutes, cause.
    tickets: Option<SourceTable>,
    /// Survey results: time, service, score.
    surveys: Option<SourceTable>,
    /// Request counts: time, service, good, total.
    counts: Option<SourceTable>,
}

/// A measurement export: CSV or Parquet files.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct SourceTable {
    /// A file or a folder, relative to the site folder.
    path: String,
    /// Canonical column (key) to the export's header (value).
    #[serde(default)]
    columns: BTreeMap<String, String>,
    /// chrono format of timestamps without an ISO 8601 form, e.g. "%d/%m/%Y %H:%M".
    timestamp_format: Option<String>,
    /// IANA zone of timestamps without an offset (default the site's).
    timezone: Option<String>,
    /// Cell values that mean "empty".
    null_values: Option<Vec<String>>,
    /// CSV field separator, one character.
    separator: Option<String>,
    /// Samples: how long one sample covers at most, e.g. "60s".
    interval: Option<String>,
    /// Surveys: the score scale [lowest, highest] (default [1, 5]).
    scale: Option<[f64; 2]>,
    /// Export values to ids, per column (service, priority, customer):
    /// `service = { "Email Service" = "email" }`.
    #[serde(default)]
    values: BTreeMap<String, BTreeMap<String, String>>,
}

/// An agreement: an SLA with a customer, an OLA with a team or a UPC with a supplier.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "slareport agreement (agreements/**/*.toml)")]
#[allow(dead_code)]
pub struct AgreementFile {
    /// Unique id; a-z, 0-9, - and _ (it names folders of the site).
    id: String,
    kind: Kind,
    /// SLA: the customer's id.
    customer: Option<String>,
    /// OLA: the team.
    team: Option<String>,
    /// UPC: the supplier.
    supplier: Option<String>,
    title: String,
    version: String,
    effective: TomlDate,
    /// Agreements are reviewed at least once a year.
    review_due: TomlDate,
    drafted: Option<TomlDate>,
    agreed: Option<TomlDate>,
    services: Vec<String>,
    description: Option<String>,
    /// The most the targets' credits add up to in a month, % of the monthly charge (above 0, at most 100).
    credit_cap: Option<f64>,
    /// What the agreement costs a month: SLA, what the customer pays; UPC, what we pay the supplier. Not on an OLA.
    monthly_charge: Option<MonthlyCharge>,
    #[serde(default)]
    targets: Vec<TargetTable>,
}

/// An amount of money a month.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct MonthlyCharge {
    /// Above 0, in whole cents (at most 2 decimals).
    amount: f64,
    /// A 3-letter upper-case ISO 4217 code, e.g. "EUR".
    #[schemars(regex(pattern = r"^[A-Z]{3}$"))]
    currency: String,
}

/// What kind of agreement.
#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// With a customer.
    Sla,
    /// With an internal team.
    Ola,
    /// With a supplier.
    Upc,
}

/// What a target measures.
#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum MetricName {
    Availability,
    Latency,
    Response,
    Resolution,
    Satisfaction,
    Ratio,
    Incidents,
}

/// Where availability comes from.
#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum AvailabilitySource {
    Outages,
    Samples,
}

/// Time no probe sample covers.
#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum UnknownTime {
    Exclude,
    Down,
    Up,
}

/// What planned maintenance counts as.
#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PlannedTime {
    Excluded,
    Downtime,
    Uptime,
}

/// One target of an agreement.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct TargetTable {
    id: String,
    /// Without it, each service of the agreement is measured.
    service: Option<String>,
    metric: MetricName,
    /// A calendar of slareport.toml, or "24x7".
    calendar: Option<String>,
    /// Breached when worse.
    objective: f64,
    /// At risk when worse than this.
    warning: Option<f64>,
    description: Option<String>,
    /// Availability: from outages (default) or samples.
    source: Option<AvailabilitySource>,
    /// Availability from samples: time no sample covers.
    unknown: Option<UnknownTime>,
    /// Availability: planned maintenance.
    planned: Option<PlannedTime>,
    /// Availability: the share of degraded time that counts as down, 0 to 1.
    degraded: Option<f64>,
    /// Latency: nearest-rank percentile.
    percentile: Option<f64>,
    /// Latency: the share at or under this many ms; satisfaction: the share at or above this score.
    threshold: Option<f64>,
    /// Tickets: the priority, e.g. "P1".
    priority: Option<String>,
    /// Response and resolution: business time allowed, e.g. "4h", "1h30m".
    within: Option<String>,
    /// Service credit tiers.
    #[serde(default)]
    credits: Vec<Credit>,
    /// The most credit owed for this target, % of the monthly charge.
    credit_cap: Option<f64>,
    /// OLAs and UPCs this target depends on.
    #[serde(default)]
    underpinned_by: Vec<String>,
    /// OLA and UPC targets: "own" (default) counts only outages and tickets caused by the agreement; "all" the whole service.
    counts: Option<CountsRule>,
    /// Sample-based targets: the least sample coverage (%) of in-scope time; below it, insufficient data.
    min_coverage: Option<f64>,
}

/// Whose outages and tickets an OLA or UPC target counts.
#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CountsRule {
    Own,
    All,
}

/// A service credit tier: `below` (higher is better) or `above` (lower is better).
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct Credit {
    below: Option<f64>,
    above: Option<f64>,
    /// % of the monthly charge.
    percent: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The field names of `struct name` in a Rust source file.
    fn fields(source: &str, name: &str) -> Vec<String> {
        let start = source.find(&format!("struct {name} {{")).unwrap_or_else(|| panic!("no struct {name}"));
        let body = &source[start..];
        let body = &body[body.find('{').unwrap() + 1..body.find("\n}").unwrap()];
        let mut names: Vec<String> = body
            .lines()
            .map(str::trim)
            .filter(|l| !l.starts_with("//") && !l.starts_with('#'))
            .filter_map(|l| l.split_once(':').map(|(n, _)| n.trim().to_string()))
            .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            .collect();
        names.sort();
        names
    }

    fn properties(schema: &serde_json::Value, definition: Option<&str>) -> Vec<String> {
        let node = match definition {
            Some(d) => &schema["definitions"][d],
            None => schema,
        };
        let mut names: Vec<String> = node["properties"].as_object().unwrap_or_else(|| panic!("{definition:?}")).keys().cloned().collect();
        names.sort();
        names
    }

    #[test]
    fn schema_fields_match_the_loader() {
        let site_rs = include_str!("load/site.rs");
        let agreement_rs = include_str!("load/agreement.rs");
        let site: serde_json::Value = serde_json::from_str(&site_json()).unwrap();
        let agreement: serde_json::Value = serde_json::from_str(&agreement_json()).unwrap();
        assert_eq!(properties(&site, None), fields(site_rs, "RawSite"));
        assert_eq!(properties(&site, Some("Customer")), fields(site_rs, "RawCustomer"));
        assert_eq!(properties(&site, Some("Calendar")), fields(site_rs, "RawCalendar"));
        assert_eq!(properties(&site, Some("Sources")), fields(site_rs, "RawSources"));
        assert_eq!(properties(&site, Some("SourceTable")), fields(site_rs, "RawSource"));
        assert_eq!(properties(&agreement, None), fields(agreement_rs, "RawAgreement"));
        assert_eq!(properties(&agreement, Some("TargetTable")), fields(agreement_rs, "RawTarget"));
        assert_eq!(properties(&agreement, Some("Credit")), fields(agreement_rs, "RawCredit"));
        assert_eq!(properties(&agreement, Some("MonthlyCharge")), fields(agreement_rs, "RawCharge"));
    }

    #[test]
    fn tables_reject_unknown_keys_and_list_allowed_values() {
        let agreement: serde_json::Value = serde_json::from_str(&agreement_json()).unwrap();
        assert_eq!(agreement["$schema"], "http://json-schema.org/draft-07/schema#");
        assert_eq!(agreement["additionalProperties"], false);
        assert_eq!(agreement["definitions"]["TargetTable"]["additionalProperties"], false);
        assert_eq!(agreement["definitions"]["Kind"]["oneOf"].as_array().map(Vec::len).or_else(|| agreement["definitions"]["Kind"]["enum"].as_array().map(Vec::len)), Some(3));
        let required: Vec<&str> = agreement["required"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        assert_eq!(required, ["id", "kind", "title", "version", "effective", "review_due", "services"]);
        assert_eq!(agreement["properties"]["effective"]["$ref"], "#/definitions/Date");
        assert_eq!(agreement["definitions"]["Date"]["format"], "date");
    }

    /// Every agreement and the site file of the sample site deserialise into
    /// the schema's types: the schema accepts what the loader accepts.
    #[test]
    fn the_sample_site_fits_the_schema_types() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
        let text = std::fs::read_to_string(root.join("slareport.toml")).unwrap();
        toml::from_str::<SiteFile>(&text).unwrap();
        let mut n = 0;
        for entry in walkdir::WalkDir::new(root.join("agreements")) {
            let entry = entry.unwrap();
            if entry.path().extension().is_some_and(|e| e == "toml") {
                let text = std::fs::read_to_string(entry.path()).unwrap();
                toml::from_str::<AgreementFile>(&text).unwrap_or_else(|e| panic!("{}: {e}", entry.path().display()));
                n += 1;
            }
        }
        assert_eq!(n, 10);
    }
}
