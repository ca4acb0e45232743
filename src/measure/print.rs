//! The results of a period as a terminal table (`slareport measure`).

use std::fmt::Write;

use super::exact::Status;
use super::format::{format_value, plural, trim};
use super::results::{Results, TargetResult};



fn objective(t: &TargetResult) -> String {
    let sign = if t.higher_is_better { "≥" } else { "≤" };
    format!("{sign} {}", format_value(Some(t.objective), t.unit))
}

/// The table of every figure of `results`.
pub fn table(results: &Results) -> String {
    let rows: Vec<&TargetResult> = results.targets.iter().map(|t| t.as_ref()).collect();
    let to_date = results.as_of.is_some();
    let header = if to_date {
        ["agreement", "target", "service", "to date", "objective", "status so far", "credit so far", "budget left", "main cause", "forecast"]
    } else {
        ["agreement", "target", "service", "value", "objective", "status", "credit", "budget left", "main cause", ""]
    };
    let mut cells: Vec<[String; 10]> = Vec::new();
    for t in &rows {
        let status = match (t.status, t.severity) {
            (Status::Breached, Some(n)) if n > 0 => format!("BREACHED (tier {n})"),
            (Status::Breached, _) => "BREACHED".to_string(),
            (s, _) => s.label().to_string(),
        };
        let budget = t.budget.as_ref().map_or(String::new(), |b| {
            if b.unit == "seconds" {
                format!("{:.0} min", b.remaining / 60.0)
            } else {
                format!("{} {}", trim(format!("{:.1}", b.remaining)), b.unit)
            }
        });
        let cause = t.attribution.first().map_or(String::new(), |a| a.cause.clone().unwrap_or_else(|| "unattributed".into()));
        cells.push([
            t.agreement.clone(),
            t.target.clone(),
            t.service.clone(),
            format_value(t.value, t.unit),
            objective(t),
            status,
            if t.credit_percent > 0.0 { format!("{}%", t.credit_percent) } else { String::new() },
            budget,
            cause,
            t.forecast.as_ref().map_or(String::new(), |f| f.words.clone()),
        ]);
    }
    let mut widths = header.map(|h| h.chars().count());
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    let line = |out: &mut String, row: &[String]| {
        let padded: Vec<String> = row.iter().zip(widths).map(|(c, w)| format!("{c}{}", " ".repeat(w - c.chars().count()))).collect();
        let _ = writeln!(out, "{}", padded.join("  ").trim_end());
    };
    match &results.as_of {
        Some(as_of) => {
            let _ = writeln!(out, "{} — {} to date, as of {as_of} (month {} to {}; provisional)", results.title, results.period, results.starts, results.ends);
        }
        None => {
            let _ = writeln!(out, "{} — {} ({} to {})", results.title, results.period, results.starts, results.ends);
        }
    }
    line(&mut out, &header.map(String::from));
    for row in &cells {
        line(&mut out, row);
    }
    let s = &results.summary;
    // A customer's results list the OLAs and UPCs under its SLAs too, while
    // its summary counts its SLA figures only: say which is which.
    let counted = if s.figures == rows.len() {
        plural(s.figures, "figure", "figures")
    } else {
        format!(
            "{} shown: the customer's {} and {} of the OLAs and UPCs under them. SLA figures",
            plural(rows.len(), "figure", "figures"),
            plural(s.figures, "SLA figure", "SLA figures"),
            rows.len().saturating_sub(s.figures)
        )
    };
    let _ = writeln!(
        out,
        "{counted}: {} met, {} at risk, {} breached, {} no data{}{}; {} of {} overdue for review; {} held; actions {} open ({} overdue), {} done",
        s.met,
        s.at_risk,
        s.breached,
        s.no_data,
        if s.insufficient > 0 { format!(", {} insufficient data", s.insufficient) } else { String::new() },
        s.percent_met.map_or(String::new(), |p| format!(" ({p:.1}% met)")),
        s.agreements_overdue,
        plural(s.agreements, "agreement", "agreements"),
        plural(s.reviews_held, "review", "reviews"),
        s.actions_open,
        s.actions_overdue,
        s.actions_done
    );
    for warning in results.data.warnings() {
        let _ = writeln!(out, "warning: {warning}");
    }
    out
}
