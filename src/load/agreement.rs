//! Agreement files: SLAs with customers, OLAs with teams, UPCs with suppliers.
//!
//! A file is checked on its own here (fields, ranges, metric options, its
//! calendars and services); references *between* agreements are checked in
//! [`super::check_references`] once every file is read.

use std::collections::BTreeSet;
use std::ops::Range;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::values::{check_id, parse_duration, toml_date, ID_HINT};
use crate::diagnostic::{Diagnostic, Diagnostics, SourceFile};
use crate::model::{
    Agreement, AgreementKind, Charge, Counts, CreditTier, Measure, Metric, Planned, SiteConfig, Target,
    Unknown, ALWAYS,
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAgreement {
    id: Spanned<String>,
    kind: Spanned<AgreementKind>,
    customer: Option<Spanned<String>>,
    team: Option<Spanned<String>>,
    supplier: Option<Spanned<String>>,
    title: String,
    version: Spanned<String>,
    effective: Spanned<toml::value::Datetime>,
    review_due: Spanned<toml::value::Datetime>,
    drafted: Option<Spanned<toml::value::Datetime>>,
    agreed: Option<Spanned<toml::value::Datetime>>,
    services: Spanned<Vec<Spanned<String>>>,
    description: Option<String>,
    // money, for the whole agreement
    credit_cap: Option<Spanned<f64>>,
    monthly_charge: Option<Spanned<RawCharge>>,
    #[serde(default)]
    targets: Vec<Spanned<RawTarget>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCharge {
    amount: f64,
    currency: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    id: Spanned<String>,
    service: Option<Spanned<String>>,
    metric: Metric,
    calendar: Option<Spanned<String>>,
    objective: Spanned<f64>,
    warning: Option<Spanned<f64>>,
    description: Option<String>,
    // availability
    source: Option<Spanned<AvailabilitySource>>,
    unknown: Option<Spanned<Unknown>>,
    planned: Option<Spanned<Planned>>,
    degraded: Option<Spanned<f64>>,
    // latency and satisfaction
    percentile: Option<Spanned<f64>>,
    threshold: Option<Spanned<f64>>,
    // tickets
    priority: Option<Spanned<String>>,
    within: Option<Spanned<String>>,
    // money
    #[serde(default)]
    credits: Vec<Spanned<RawCredit>>,
    credit_cap: Option<Spanned<f64>>,
    #[serde(default)]
    underpinned_by: Vec<Spanned<String>>,
    // whose rows count (OLA and UPC), and the coverage a sample figure needs
    counts: Option<Spanned<String>>,
    min_coverage: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum AvailabilitySource {
    Outages,
    Samples,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCredit {
    below: Option<f64>,
    above: Option<f64>,
    percent: f64,
}

/// An agreement with what later checks need to point at its text.
#[derive(Debug)]
pub struct LoadedAgreement {
    pub agreement: Agreement,
    pub source: SourceFile,
    pub id_span: Range<usize>,
    /// Per target, the `underpinned_by` entries with their spans.
    pub underpinned_spans: Vec<Vec<Spanned<String>>>,
    /// The span of the customer/team/supplier value.
    pub party_span: Range<usize>,
    pub version_span: Range<usize>,
    pub effective_span: Range<usize>,
    pub kind_span: Range<usize>,
}

/// Collects problems for one file.
struct FileProblems<'a> {
    source: &'a SourceFile,
    problems: Diagnostics,
}

impl FileProblems<'_> {
    fn error(&mut self, span: Range<usize>, message: impl Into<String>) -> &mut Diagnostic {
        self.problems.push(Diagnostic::error(message).at(self.source, span));
        self.problems.last_mut().expect("an item was just pushed")
    }

    fn hint(&mut self, span: Range<usize>, message: impl Into<String>, hint: impl Into<String>) {
        let hint = hint.into();
        self.error(span, message).hint = Some(hint);
    }
}

/// Reads and checks one agreement file. `folder` is the file's folder below
/// `agreements/` (an SLA's folder must be its customer).
pub fn load(source: SourceFile, folder: &str, config: &SiteConfig) -> Result<LoadedAgreement, Diagnostics> {
    let (raw, problems) = super::toml_file::parse::<RawAgreement>(&source);
    let Some(raw) = raw else { return Err(problems) };
    let mut p = FileProblems { source: &source, problems };

    if let Err(e) = check_id(raw.id.get_ref()) {
        p.hint(raw.id.span(), format!("agreement id `{}` {e}", raw.id.get_ref()), ID_HINT);
    }
    let (party, party_span) = check_party(&mut p, &raw, folder, config);

    let version = raw.version.get_ref().trim();
    if version.is_empty() {
        p.error(raw.version.span(), "version is empty");
    }

    let date = |p: &mut FileProblems, field: &str, value: &Spanned<toml::value::Datetime>| {
        toml_date(value.get_ref()).map_err(|e| {
            p.error(value.span(), format!("{field} {e}"));
        })
    };
    let effective = date(&mut p, "effective", &raw.effective).ok();
    let review_due = date(&mut p, "review_due", &raw.review_due).ok();
    let drafted = raw.drafted.as_ref().and_then(|d| date(&mut p, "drafted", d).ok());
    let agreed = raw.agreed.as_ref().and_then(|d| date(&mut p, "agreed", d).ok());
    if let (Some(e), Some(r)) = (effective, review_due) {
        if e > r {
            p.hint(
                raw.review_due.span(),
                format!("review_due {r} is before effective {e}"),
                "an agreement is reviewed after it takes effect, at least once a year",
            );
        }
    }
    if let (Some(d), Some(a), Some(agreed_value)) = (drafted, agreed, &raw.agreed) {
        if a < d {
            p.error(agreed_value.span(), format!("agreed {a} is before drafted {d}"));
        }
    }

    let mut services = Vec::new();
    if raw.services.get_ref().is_empty() {
        p.error(raw.services.span(), "an agreement must name at least one service");
    }
    for service in raw.services.get_ref() {
        if let Err(e) = check_id(service.get_ref()) {
            p.hint(service.span(), format!("service name `{}` {e}", service.get_ref()), ID_HINT);
        }
        if services.contains(service.get_ref()) {
            p.error(service.span(), format!("service `{}` is listed twice", service.get_ref()));
        }
        services.push(service.get_ref().clone());
    }

    let credit_cap = raw.credit_cap.as_ref().map(|cap| {
        let c = *cap.get_ref();
        if !(c > 0.0 && c <= 100.0) {
            p.hint(
                cap.span(),
                format!("credit_cap {c} must be a percentage above 0 and at most 100"),
                "the agreement's credit_cap is the most its targets' credits add up to in a month, in % of the monthly charge",
            );
        }
        c
    });
    let monthly_charge = raw.monthly_charge.as_ref().and_then(|charge| check_charge(&mut p, *raw.kind.get_ref(), charge));

    let mut targets = Vec::new();
    let mut underpinned_spans = Vec::new();
    let mut target_ids = BTreeSet::new();
    for raw_target in raw.targets {
        let span = raw_target.span();
        let raw_target = raw_target.into_inner();
        if !target_ids.insert(raw_target.id.get_ref().clone()) {
            p.error(
                raw_target.id.span(),
                format!("target id `{}` is used twice in this agreement", raw_target.id.get_ref()),
            );
        }
        underpinned_spans.push(raw_target.underpinned_by.clone());
        if let Some(target) = check_target(&mut p, raw_target, span, &services, config, *raw.kind.get_ref()) {
            targets.push(target);
        }
    }

    if p.problems.has_errors() {
        return Err(p.problems);
    }
    let agreement = Agreement {
        id: raw.id.get_ref().clone(),
        kind: *raw.kind.get_ref(),
        party,
        title: raw.title,
        version: version.to_string(),
        effective: effective.expect("checked above"),
        first_effective: effective.expect("checked above"),
        review_due: review_due.expect("checked above"),
        drafted,
        agreed,
        services,
        description: raw.description,
        credit_cap,
        monthly_charge,
        targets,
        file: source.path.clone(),
    };
    Ok(LoadedAgreement {
        agreement,
        id_span: raw.id.span(),
        underpinned_spans,
        party_span,
        version_span: raw.version.span(),
        effective_span: raw.effective.span(),
        kind_span: raw.kind.span(),
        source,
    })
}

/// The largest monthly charge taken, so every credit in cents stays exact.
const MAX_CHARGE: f64 = 1e12;

/// Checks `monthly_charge = { amount = 12000, currency = "EUR" }`: an SLA's
/// or a UPC's, an amount above 0 in whole cents, an ISO 4217 code.
fn check_charge(p: &mut FileProblems, kind: AgreementKind, charge: &Spanned<RawCharge>) -> Option<Charge> {
    let before = p.problems.errors();
    let RawCharge { amount, currency } = charge.get_ref();
    if kind == AgreementKind::Ola {
        p.hint(
            charge.span(),
            "an OLA has no monthly_charge",
            "an OLA is with an internal team and costs nothing a month; a monthly_charge belongs to an SLA (what the customer pays) or a UPC (what we pay the supplier)",
        );
    }
    let cents = (amount * 100.0).round();
    if !(*amount > 0.0 && *amount <= MAX_CHARGE) {
        p.error(
            charge.span(),
            format!("monthly_charge amount {amount} must be above 0 and at most {MAX_CHARGE:.0}"),
        );
    } else if cents / 100.0 != *amount {
        p.hint(
            charge.span(),
            format!("monthly_charge amount {amount} has more than 2 decimals"),
            "write the charge in whole cents, e.g. amount = 12000.50",
        );
    }
    if !(currency.len() == 3 && currency.bytes().all(|b| b.is_ascii_uppercase())) {
        p.hint(
            charge.span(),
            format!("monthly_charge currency `{currency}` is not a 3-letter upper-case code"),
            "an ISO 4217 code such as EUR, GBP or USD",
        );
    }
    (p.problems.errors() == before).then(|| Charge { cents: cents as i64, currency: currency.clone() })
}

/// Checks that the agreement names exactly the party its kind needs, and that
/// an SLA sits in its customer's folder.
fn check_party(
    p: &mut FileProblems,
    raw: &RawAgreement,
    folder: &str,
    config: &SiteConfig,
) -> (String, Range<usize>) {
    let kind = *raw.kind.get_ref();
    let fields = [("customer", &raw.customer), ("team", &raw.team), ("supplier", &raw.supplier)];
    for (field, value) in fields {
        if let Some(value) = value {
            if field != kind.party_field() {
                p.hint(
                    value.span(),
                    format!("an {kind} names its {}, not a {field}", kind.party_field()),
                    "sla: customer, ola: team, upc: supplier",
                );
            }
        }
    }
    let Some(party) = fields
        .iter()
        .find(|(f, _)| *f == kind.party_field())
        .and_then(|(_, v)| v.as_ref())
    else {
        p.error(raw.id.span(), format!("an {kind} must name its {}", kind.party_field()));
        return (String::new(), raw.id.span());
    };
    if let Err(e) = check_id(party.get_ref()) {
        p.hint(party.span(), format!("{} id `{}` {e}", kind.party_field(), party.get_ref()), ID_HINT);
    }
    if kind == AgreementKind::Sla {
        if folder != party.get_ref() {
            p.hint(
                party.span(),
                format!(
                    "this SLA is for customer `{}` but lies in agreements/{folder}/",
                    party.get_ref()
                ),
                format!("move it to agreements/{}/ so each customer's folder holds only its own agreements", party.get_ref()),
            );
        }
        if !config.customers.is_empty() && !config.customers.contains_key(party.get_ref()) {
            let known: Vec<&str> = config.customers.keys().map(String::as_str).collect();
            p.hint(
                party.span(),
                format!("unknown customer `{}`", party.get_ref()),
                format!("customers in slareport.toml: {}", known.join(", ")),
            );
        }
    }
    (party.get_ref().clone(), party.span())
}

fn check_target(
    p: &mut FileProblems,
    raw: RawTarget,
    span: Range<usize>,
    services: &[String],
    config: &SiteConfig,
    kind: AgreementKind,
) -> Option<Target> {
    let before = p.problems.errors();
    if let Err(e) = check_id(raw.id.get_ref()) {
        p.hint(raw.id.span(), format!("target id `{}` {e}", raw.id.get_ref()), ID_HINT);
    }
    if let Some(service) = &raw.service {
        if !services.contains(service.get_ref()) {
            p.hint(
                service.span(),
                format!("unknown service `{}`", service.get_ref()),
                format!("this agreement's services: {}", services.join(", ")),
            );
        }
    }
    let calendar = match &raw.calendar {
        Some(c) if raw.metric == Metric::Satisfaction => {
            p.error(c.span(), "satisfaction targets take no calendar: surveys count whenever they were answered");
            ALWAYS.to_string()
        }
        Some(c) => {
            if !config.calendars.contains_key(c.get_ref()) {
                let known: Vec<&str> = config.calendars.keys().map(String::as_str).collect();
                p.hint(
                    c.span(),
                    format!("unknown calendar `{}`", c.get_ref()),
                    format!("calendars defined in slareport.toml: {}", known.join(", ")),
                );
            }
            c.get_ref().clone()
        }
        None => ALWAYS.to_string(),
    };

    let measure = check_measure(p, &raw, span.clone());
    if let Some(m) = &measure {
        let kind = m.source_kind();
        if !config.sources.contains_key(&kind) {
            p.hint(
                span.clone(),
                format!("target `{}` is measured from {kind}, but slareport.toml has no [sources.{kind}]", raw.id.get_ref()),
                format!("add a [sources.{kind}] table naming the export, e.g. path = \"data/{kind}.csv\""),
            );
        }
    }
    let range = measure.as_ref().map(|m| value_range(m, config));
    let objective = *raw.objective.get_ref();
    if let Some((lo, hi, what)) = &range {
        if !(objective >= *lo && objective <= *hi) {
            p.error(
                raw.objective.span(),
                format!("objective {objective} is outside the range of {} targets ({what})", raw.metric),
            );
        }
        if matches!(measure, Some(Measure::Incidents { .. })) && objective.fract() != 0.0 {
            p.error(raw.objective.span(), format!("objective {objective} must be a whole number of tickets"));
        }
    }
    let higher_is_better = measure.as_ref().is_none_or(Measure::higher_is_better);
    if let (Some(warning), Some((lo, hi, what))) = (&raw.warning, &range) {
        let w = *warning.get_ref();
        if !(w >= *lo && w <= *hi) {
            p.error(warning.span(), format!("warning {w} is outside the range of {} targets ({what})", raw.metric));
        } else if (higher_is_better && w < objective) || (!higher_is_better && w > objective) {
            p.hint(
                warning.span(),
                format!("warning {w} is worse than the objective {objective}"),
                if higher_is_better {
                    "the warning level is reached before the objective is breached: make it higher than the objective"
                } else {
                    "the warning level is reached before the objective is breached: make it lower than the objective"
                },
            );
        }
    }

    let credits = check_credits(p, &raw.credits, higher_is_better, range.as_ref());
    if let Some(cap) = &raw.credit_cap {
        let c = *cap.get_ref();
        if !(c > 0.0 && c <= 100.0) {
            p.error(cap.span(), format!("credit_cap {c} must be a percentage above 0 and at most 100"));
        }
    }

    let counts = check_counts(p, raw.counts.as_ref(), kind);
    if let (Some(min), Some(m)) = (&raw.min_coverage, &measure) {
        let c = *min.get_ref();
        let sample_based = matches!(m, Measure::SampleAvailability { .. } | Measure::LatencyPercentile { .. } | Measure::LatencyShare { .. });
        if !sample_based {
            p.hint(
                min.span(),
                format!("`min_coverage` does not apply to this {} target", raw.metric),
                "`min_coverage` applies to targets measured from probe samples: availability with source = \"samples\", and latency",
            );
        } else if !(c > 0.0 && c <= 100.0) {
            p.error(min.span(), format!("min_coverage {c} must be a percentage above 0 and at most 100"));
        }
    }

    if p.problems.errors() > before {
        return None;
    }
    Some(Target {
        id: raw.id.into_inner(),
        service: raw.service.map(Spanned::into_inner),
        metric: raw.metric,
        measure: measure?,
        calendar,
        objective,
        warning: raw.warning.map(Spanned::into_inner),
        credits,
        credit_cap: raw.credit_cap.map(Spanned::into_inner),
        underpinned_by: raw.underpinned_by.into_iter().map(Spanned::into_inner).collect(),
        description: raw.description,
        counts,
        min_coverage: raw.min_coverage.map(Spanned::into_inner),
    })
}

/// `counts`: "own" (the default of OLA and UPC targets) or "all"; an SLA
/// target always counts the whole service and takes no `counts`.
fn check_counts(p: &mut FileProblems, raw: Option<&Spanned<String>>, kind: AgreementKind) -> Counts {
    if kind == AgreementKind::Sla {
        if let Some(c) = raw {
            p.hint(
                c.span(),
                "`counts` does not apply to SLA targets",
                "an SLA target counts every outage and ticket of its service; `counts` applies to OLA and UPC targets",
            );
        }
        return Counts::All;
    }
    match raw.map(|c| (c, c.get_ref().as_str())) {
        None | Some((_, "own")) => Counts::Own,
        Some((_, "all")) => Counts::All,
        Some((c, other)) => {
            p.hint(
                c.span(),
                format!("counts `{other}` is not one of \"own\", \"all\""),
                "\"own\" counts only outages and tickets caused by this agreement (the default); \"all\" counts the whole service",
            );
            Counts::Own
        }
    }
}

/// The lowest and highest sensible objective for a measure, and its words.
fn value_range(measure: &Measure, config: &SiteConfig) -> (f64, f64, String) {
    match measure {
        Measure::LatencyPercentile { .. } => (f64::MIN_POSITIVE, f64::MAX, "milliseconds above 0".into()),
        Measure::Incidents { .. } => (0.0, f64::MAX, "a count of 0 or more".into()),
        Measure::SatisfactionMean => {
            let (lo, hi) = config
                .sources
                .get(&crate::model::SourceKind::Surveys)
                .map_or((1.0, 5.0), |s| s.scale);
            (lo, hi, format!("a score from {lo} to {hi}"))
        }
        _ => (0.0, 100.0, "a percentage from 0 to 100".into()),
    }
}

/// Works out what the target measures from its metric and options, refusing
/// options that do not belong to the metric.
fn check_measure(p: &mut FileProblems, raw: &RawTarget, span: Range<usize>) -> Option<Measure> {
    let metric = raw.metric;
    let options: [(&str, Option<Range<usize>>, &[Metric]); 8] = [
        ("source", raw.source.as_ref().map(|s| s.span()), &[Metric::Availability]),
        ("unknown", raw.unknown.as_ref().map(|s| s.span()), &[Metric::Availability]),
        ("planned", raw.planned.as_ref().map(|s| s.span()), &[Metric::Availability]),
        ("degraded", raw.degraded.as_ref().map(|s| s.span()), &[Metric::Availability]),
        ("percentile", raw.percentile.as_ref().map(|s| s.span()), &[Metric::Latency]),
        ("threshold", raw.threshold.as_ref().map(|s| s.span()), &[Metric::Latency, Metric::Satisfaction]),
        ("priority", raw.priority.as_ref().map(|s| s.span()), &[Metric::Response, Metric::Resolution, Metric::Incidents]),
        ("within", raw.within.as_ref().map(|s| s.span()), &[Metric::Response, Metric::Resolution]),
    ];
    let mut ok = true;
    for (name, option_span, metrics) in options {
        if let Some(option_span) = option_span {
            if !metrics.contains(&metric) {
                let fits: Vec<&str> = metrics.iter().map(|m| m.name()).collect();
                p.hint(
                    option_span,
                    format!("`{name}` does not apply to {metric} targets"),
                    format!("`{name}` applies to {} targets", fits.join(" and ")),
                );
                ok = false;
            }
        }
    }
    let priority = || raw.priority.as_ref().map(|s| s.get_ref().clone());
    let measure = match metric {
        Metric::Availability => {
            let samples = raw.source.as_ref().map(|s| *s.get_ref()) == Some(AvailabilitySource::Samples);
            if samples {
                for (name, present) in [("planned", raw.planned.as_ref().map(|s| s.span())), ("degraded", raw.degraded.as_ref().map(|s| s.span()))] {
                    if let Some(s) = present {
                        p.error(s, format!("`{name}` applies to availability from outages, not from samples"));
                        ok = false;
                    }
                }
                Measure::SampleAvailability { unknown: raw.unknown.as_ref().map(|u| *u.get_ref()).unwrap_or_default() }
            } else {
                if let Some(u) = &raw.unknown {
                    p.hint(u.span(), "`unknown` applies to availability from samples", "add source = \"samples\" or remove `unknown`");
                    ok = false;
                }
                let degraded = raw.degraded.as_ref().map_or(0.0, |d| *d.get_ref());
                if let Some(d) = &raw.degraded {
                    if !(0.0..=1.0).contains(&degraded) {
                        p.error(d.span(), format!("degraded {degraded} must be a fraction from 0 (counts as up) to 1 (counts as down)"));
                        ok = false;
                    }
                }
                Measure::OutageAvailability { planned: raw.planned.as_ref().map(|s| *s.get_ref()).unwrap_or_default(), degraded }
            }
        }
        Metric::Latency => match (&raw.percentile, &raw.threshold) {
            (Some(pc), Some(t)) => {
                p.hint(t.span(), "a latency target has either `percentile` or `threshold`, not both", format!("percentile is set at line {}", line_of(p.source, pc.span())));
                return None;
            }
            (None, Some(t)) => {
                if *t.get_ref() <= 0.0 {
                    p.error(t.span(), "threshold must be more than 0 ms");
                    ok = false;
                }
                Measure::LatencyShare { threshold_ms: *t.get_ref() }
            }
            (pc, None) => {
                let percentile = pc.as_ref().map_or(95.0, |s| *s.get_ref());
                if let Some(pc) = pc {
                    if !(percentile > 0.0 && percentile <= 100.0) || (percentile * 1000.0).fract() != 0.0 {
                        p.error(pc.span(), format!("percentile {percentile} must be above 0 and at most 100, with at most 3 decimals"));
                        ok = false;
                    }
                }
                Measure::LatencyPercentile { percentile }
            }
        },
        Metric::Response | Metric::Resolution => {
            let within = match &raw.within {
                Some(w) => match parse_duration(w.get_ref()) {
                    Ok(s) => s,
                    Err(e) => {
                        p.error(w.span(), e);
                        return None;
                    }
                },
                None => {
                    p.hint(span, format!("a {metric} target needs `within`"), "e.g. within = \"4h\": business time on the target's calendar");
                    return None;
                }
            };
            let Some(priority) = priority() else {
                p.hint(span, format!("a {metric} target needs `priority`"), "the ticket priority it applies to, e.g. priority = \"P1\"");
                return None;
            };
            if metric == Metric::Response {
                Measure::Response { priority, within }
            } else {
                Measure::Resolution { priority, within }
            }
        }
        Metric::Satisfaction => match &raw.threshold {
            Some(t) => Measure::SatisfactionShare { threshold: *t.get_ref() },
            None => Measure::SatisfactionMean,
        },
        Metric::Ratio => Measure::Ratio,
        Metric::Incidents => {
            let Some(priority) = priority() else {
                p.hint(span, "an incidents target needs `priority`", "the ticket priority it counts, e.g. priority = \"P1\"");
                return None;
            };
            Measure::Incidents { priority }
        }
    };
    ok.then_some(measure)
}

fn check_credits(
    p: &mut FileProblems,
    raw: &[Spanned<RawCredit>],
    higher_is_better: bool,
    range: Option<&(f64, f64, String)>,
) -> Vec<CreditTier> {
    let (want, avoid) = if higher_is_better { ("below", "above") } else { ("above", "below") };
    let mut tiers = Vec::new();
    for tier in raw {
        let t = tier.get_ref();
        let bound = if higher_is_better { (t.below, t.above) } else { (t.above, t.below) };
        let bound = match bound {
            (Some(b), None) => b,
            (_, Some(_)) => {
                p.hint(
                    tier.span(),
                    format!("this target's credits use `{want}`, not `{avoid}`"),
                    if higher_is_better {
                        "higher is better for this metric: a credit is owed when the value falls below a bound"
                    } else {
                        "lower is better for this metric: a credit is owed when the value rises above a bound"
                    },
                );
                continue;
            }
            (None, None) => {
                p.error(tier.span(), format!("a credit tier needs `{want}` and `percent`"));
                continue;
            }
        };
        if let Some((lo, hi, what)) = range {
            if !(bound >= *lo && bound <= *hi) {
                p.error(tier.span(), format!("credit bound {bound} is outside the metric's range ({what})"));
            }
        }
        if !(t.percent > 0.0 && t.percent <= 100.0) {
            p.error(tier.span(), format!("credit percent {} must be above 0 and at most 100", t.percent));
        }
        if tiers.iter().any(|x: &CreditTier| x.bound == bound) {
            p.error(tier.span(), format!("two credit tiers have the bound {bound}"));
        }
        tiers.push(CreditTier { bound, percent: t.percent });
    }
    // Mildest first: for higher-is-better the highest bound is reached first.
    tiers.sort_by(|a, b| {
        let order = a.bound.total_cmp(&b.bound);
        if higher_is_better { order.reverse() } else { order }
    });
    tiers
}

fn line_of(source: &SourceFile, span: Range<usize>) -> usize {
    source.locate(span).0.line.unwrap_or(0)
}

/// The folder of an agreement file below `agreements/`, e.g. `acme` for
/// `agreements/acme/email.toml`.
pub fn folder_of(relative: &Path) -> String {
    relative
        .components()
        .nth(1)
        .filter(|_| relative.components().count() > 2)
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .unwrap_or_default()
}
