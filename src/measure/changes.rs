//! What changed between two versions of an agreement, in words a reader of
//! the report understands: targets added and removed, objectives, warning
//! levels, calendars, credits, services, metric options, whose rows count and
//! the sample coverage needed.

use super::format::format_value;
use crate::model::{Agreement, CreditTier, Measure, Planned, Target, Unknown};

/// One change, and the target it concerns (`None` for the agreement).
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub target: Option<String>,
    pub text: String,
}

/// The changes from `previous` to `current`, agreement first, then target by
/// target in the order of `current` (removed targets last).
pub fn changes(previous: &Agreement, current: &Agreement) -> Vec<Change> {
    let mut out = Vec::new();
    let agreement = |text: String| Change { target: None, text };
    if previous.services != current.services {
        out.push(agreement(format!("services: {} -> {}", previous.services.join(", "), current.services.join(", "))));
    }
    let cap = |a: &Agreement| a.credit_cap.map_or("none".to_string(), |c| format!("{c}% of the monthly charge"));
    if cap(previous) != cap(current) {
        out.push(agreement(format!("credit cap of the agreement: {} -> {}", cap(previous), cap(current))));
    }
    let charge = |a: &Agreement| a.monthly_charge.as_ref().map_or("none".to_string(), |c| format!("{} {}.{:02}", c.currency, c.cents / 100, c.cents % 100));
    if charge(previous) != charge(current) {
        out.push(agreement(format!("monthly charge: {} -> {}", charge(previous), charge(current))));
    }
    for target in &current.targets {
        match previous.targets.iter().find(|t| t.id == target.id) {
            None => out.push(Change {
                target: Some(target.id.clone()),
                text: format!("target `{}` added: {}, objective {}", target.id, options(&target.measure), objective(target)),
            }),
            Some(old) => out.extend(target_changes(old, target).into_iter().map(|text| Change {
                target: Some(target.id.clone()),
                text: format!("`{}`: {text}", target.id),
            })),
        }
    }
    for old in &previous.targets {
        if !current.targets.iter().any(|t| t.id == old.id) {
            out.push(agreement(format!("target `{}` removed (was {}, objective {})", old.id, options(&old.measure), objective(old))));
        }
    }
    out
}

fn target_changes(old: &Target, new: &Target) -> Vec<String> {
    let mut out = Vec::new();
    let mut differs = |what: &str, a: String, b: String| {
        if a != b {
            out.push(format!("{what} {a} -> {b}"));
        }
    };
    let service = |t: &Target| t.service.clone().unwrap_or_else(|| "each of the agreement's".to_string());
    differs("service", service(old), service(new));
    differs("measured as", options(&old.measure), options(&new.measure));
    differs("calendar", old.calendar.clone(), new.calendar.clone());
    differs("objective", objective(old), objective(new));
    let warning = |t: &Target| t.warning.map_or("none".to_string(), |w| value(w, &t.measure));
    differs("warning", warning(old), warning(new));
    differs("credit tiers", tiers(old), tiers(new));
    let cap = |t: &Target| t.credit_cap.map_or("none".to_string(), |c| format!("{c}%"));
    differs("credit cap", cap(old), cap(new));
    let underpinned = |t: &Target| if t.underpinned_by.is_empty() { "nothing".to_string() } else { t.underpinned_by.join(", ") };
    differs("underpinned by", underpinned(old), underpinned(new));
    let counts = |t: &Target| match t.counts {
        crate::model::Counts::Own => "its own outages and tickets".to_string(),
        crate::model::Counts::All => "the whole service".to_string(),
    };
    differs("counts", counts(old), counts(new));
    let coverage = |t: &Target| t.min_coverage.map_or("none".to_string(), |c| format!("{c}%"));
    differs("minimum coverage", coverage(old), coverage(new));
    out
}

fn value(v: f64, measure: &Measure) -> String {
    match measure.unit() {
        "tickets" => format!("{v} tickets"),
        unit => format_value(Some(v), unit),
    }
}

fn objective(t: &Target) -> String {
    let sign = if t.measure.higher_is_better() { "at least" } else { "at most" };
    format!("{sign} {}", value(t.objective, &t.measure))
}

fn tiers(t: &Target) -> String {
    if t.credits.is_empty() {
        return "none".to_string();
    }
    let word = if t.measure.higher_is_better() { "below" } else { "above" };
    let tier = |c: &CreditTier| format!("{word} {}: {}%", value(c.bound, &t.measure), c.percent);
    t.credits.iter().map(tier).collect::<Vec<_>>().join(", ")
}

fn hours(seconds: i64) -> String {
    match seconds % 3600 {
        0 => format!("{}h", seconds / 3600),
        rest => format!("{}h{:02}m", seconds / 3600, rest / 60),
    }
}

/// The metric and its options, e.g. "availability from outages (planned
/// maintenance excluded, degraded time 50% down)".
fn options(measure: &Measure) -> String {
    match measure {
        Measure::OutageAvailability { planned, degraded } => format!(
            "availability from outages (planned maintenance {}, degraded time {}% down)",
            match planned {
                Planned::Excluded => "excluded",
                Planned::Downtime => "as downtime",
                Planned::Uptime => "as uptime",
            },
            degraded * 100.0
        ),
        Measure::SampleAvailability { unknown } => format!(
            "availability from samples (time without samples {})",
            match unknown {
                Unknown::Exclude => "left out",
                Unknown::Down => "down",
                Unknown::Up => "up",
            }
        ),
        Measure::LatencyPercentile { percentile } => format!("latency, {percentile}th percentile"),
        Measure::LatencyShare { threshold_ms } => format!("latency, share at or under {threshold_ms} ms"),
        Measure::Response { priority, within } => format!("{priority} response within {}", hours(*within)),
        Measure::Resolution { priority, within } => format!("{priority} resolution within {}", hours(*within)),
        Measure::SatisfactionMean => "satisfaction, mean score".to_string(),
        Measure::SatisfactionShare { threshold } => format!("satisfaction, share scoring {threshold} or more"),
        Measure::Ratio => "ratio of good to all requests".to_string(),
        Measure::Incidents { priority } => format!("{priority} incidents opened"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AgreementKind, Counts, Metric};

    fn ola(counts: Counts, min_coverage: Option<f64>) -> Agreement {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        Agreement {
            id: "net-ola".into(),
            kind: AgreementKind::Ola,
            party: "network".into(),
            title: "Network".into(),
            version: "1".into(),
            effective: day,
            first_effective: day,
            review_due: day,
            drafted: None,
            agreed: None,
            services: vec!["vpn".into()],
            description: None,
            credit_cap: None,
            monthly_charge: None,
            targets: vec![Target {
                id: "a".into(),
                service: None,
                metric: Metric::Availability,
                measure: Measure::SampleAvailability { unknown: Unknown::Exclude },
                calendar: crate::model::ALWAYS.into(),
                objective: 99.9,
                warning: None,
                credits: Vec::new(),
                credit_cap: None,
                underpinned_by: Vec::new(),
                description: None,
                counts,
                min_coverage,
            }],
            file: "agreements/_internal/net-ola.toml".into(),
        }
    }

    #[test]
    fn whose_rows_count_and_the_coverage_needed_are_changes() {
        let texts = |a: &Agreement, b: &Agreement| changes(a, b).into_iter().map(|c| c.text).collect::<Vec<_>>();
        assert_eq!(
            texts(&ola(Counts::Own, None), &ola(Counts::All, Some(90.0))),
            ["`a`: counts its own outages and tickets -> the whole service", "`a`: minimum coverage none -> 90%"]
        );
        assert!(texts(&ola(Counts::Own, Some(90.0)), &ola(Counts::Own, Some(90.0))).is_empty());
    }

    #[test]
    fn the_agreement_cap_and_charge_are_changes() {
        let before = ola(Counts::All, None);
        let mut after = before.clone();
        after.credit_cap = Some(20.0);
        // 1,200,050 cents = EUR 12,000.50.
        after.monthly_charge = Some(crate::model::Charge { cents: 1_200_050, currency: "EUR".into() });
        let texts: Vec<String> = changes(&before, &after).into_iter().map(|c| c.text).collect();
        assert_eq!(texts, ["credit cap of the agreement: none -> 20% of the monthly charge", "monthly charge: none -> EUR 12000.50"]);
    }
}
