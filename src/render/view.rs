//! What the templates see: the results turned into text, ready to print.
//!
//! Formatting lives here, in Rust, so themes stay simple and every number on
//! a page is formatted the same way as in `slareport measure`.

use serde::Serialize;

use crate::draw::{chart_id, Chart};
use crate::measure::exact::Status;
use crate::measure::format::format_value;
use crate::measure::results::{AgreementCredit, Results, TargetResult};
use crate::model::AgreementKind;

#[derive(Debug, Serialize)]
pub struct Headline {
    pub percent_met: String,
    pub breaches: usize,
    pub at_risk: usize,
    /// Every agreement's credit on one line, "none" when nothing is owed.
    pub credits: String,
    /// Per SLA owing a credit: "Corporate e-mail: 20% of EUR 12,000.00 =
    /// EUR 2,400.00, capped from 25%". Never more than the agreement's cap.
    pub credit_lines: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct ChartView {
    /// `trend`, `daily` or `tickets`.
    pub kind: &'static str,
    pub title: String,
    /// The chart's `<desc>` (see `draw::Chart::description`).
    pub description: String,
    /// A short visible caption, when the chart has one.
    pub caption: Option<String>,
    pub width: u32,
    pub height: u32,
    pub svg: String,
}

#[derive(Debug, Serialize)]
pub struct TrendRow {
    pub period: String,
    pub value: String,
    pub status: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Row {
    pub key: String,
    pub agreement: String,
    pub agreement_title: String,
    pub target: String,
    pub service: String,
    pub value: String,
    pub objective: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub trend_text: String,
    /// The trend as (glyph, status key) pairs, oldest first, so a theme can
    /// colour each month.
    pub trend_marks: Vec<(char, &'static str)>,
    /// `trend_marks` with consecutive months of one status joined: (glyphs,
    /// status key), oldest first. What the default theme colours: the same
    /// glyphs in the same colours, in fewer elements.
    pub trend_runs: Vec<(String, &'static str)>,
    /// The trend in words, for screen readers.
    pub trend_words: String,
    pub rule: String,
    pub budget: Option<String>,
    pub coverage: Option<String>,
    pub remarks: Vec<String>,
    pub charts: Vec<ChartView>,
    pub trend: Vec<TrendRow>,
    /// The figures of the daily chart, a day each: its day of the month and
    /// figure, and its status when it is not met ("01 100%", "04 no data",
    /// "16 98.006% (breached)"; the spaces are no-break spaces).
    pub days: Vec<String>,
    /// The figures of the ticket chart.
    pub tickets: Vec<TicketTimeRow>,
    /// How the target changed with a new version of its agreement this month.
    pub changes: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct TicketTimeRow {
    pub id: String,
    pub taken: String,
    pub within: bool,
    pub cause: String,
}

#[derive(Debug, Serialize)]
pub struct BreachRow {
    pub agreement_title: String,
    pub target: String,
    pub service: String,
    pub value: String,
    pub severity: String,
    pub credit: String,
    pub lost: String,
    pub causes: String,
}

#[derive(Debug, Serialize)]
pub struct AgreementRow {
    pub id: String,
    pub title: String,
    pub kind: String,
    pub party: String,
    pub version: String,
    pub effective: String,
    pub review_due: String,
    pub overdue: bool,
    pub review: String,
    /// The version it replaced this month, and what changed.
    pub previous_version: Option<String>,
    pub changes: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct ActionRow {
    pub id: String,
    pub title: String,
    pub target: String,
    pub owner: String,
    pub raised: String,
    pub due: String,
    pub status: String,
}

#[derive(Debug, Serialize)]
pub struct TicketRow {
    pub service: String,
    pub priority: String,
    pub opened: usize,
    pub resolved: usize,
    pub open: usize,
}

#[derive(Debug, Serialize)]
pub struct ReviewView {
    pub meeting: Option<String>,
    /// "Review of September 2026, held 14 October: rating 5".
    pub heading: Option<String>,
    pub attendees: Vec<String>,
    /// The rating given in the meeting, when it reviewed this month.
    pub satisfaction: Option<String>,
    pub complaints: u32,
    pub compliments: u32,
    pub meetings: usize,
}

/// The whole monthly report.
#[derive(Debug, Serialize)]
pub struct ReportView {
    pub period: String,
    pub period_label: String,
    pub revision: u32,
    pub headline: Headline,
    pub rows: Vec<Row>,
    pub breaches: Vec<BreachRow>,
    pub satisfaction: Vec<Row>,
    pub agreements: Vec<AgreementRow>,
    pub actions: Vec<ActionRow>,
    pub tickets: Vec<TicketRow>,
    pub review: ReviewView,
    pub commentary: Option<String>,
    /// For a revision after the first: why it exists.
    pub revision_reason: Option<RevisionView>,
    /// Corrections applied to rows of the month.
    pub corrections: Vec<crate::measure::corrections::CorrectionResult>,
    /// "September 2026": the month `changes` compares with.
    pub previous_label: String,
    /// SLA targets whose status differs from the month before, in words.
    pub changes: Vec<String>,
    /// What each source held for the month.
    pub data: Vec<DataRow>,
    /// Every source's rows set aside, a line each ("tickets: 3 rows of ...").
    pub set_aside: Vec<String>,
}

/// One source in the report's data section.
#[derive(Debug, Clone, Serialize)]
pub struct DataRow {
    pub source: String,
    pub rows: usize,
    /// The latest row's time in the site's zone, or "none".
    pub last_row: String,
    /// Probe samples: "email 99.98%, crm 100%".
    pub coverage: String,
    pub warning: Option<String>,
    /// "3 rows of data/incident.csv set aside: service is empty (rows 18, 1204, 2891)".
    pub set_aside: Vec<String>,
}

/// The data section of a report or a to-date page.
pub fn data_rows(results: &Results) -> Vec<DataRow> {
    results
        .data
        .sources
        .iter()
        .map(|s| DataRow {
            source: s.source.to_string(),
            rows: s.rows,
            last_row: s.last_row.and_then(|t| chrono::DateTime::from_timestamp(t, 0)).map_or_else(
                || "none".to_string(),
                |t| local_instant(&t.to_rfc3339(), &results.timezone),
            ),
            coverage: s.coverage.iter().map(|c| format!("{} {}%", c.service, c.percent)).collect::<Vec<_>>().join(", "),
            warning: s.warning.clone(),
            set_aside: s
                .set_aside
                .iter()
                .map(|a| {
                    let rows: Vec<String> = a.rows.iter().map(i64::to_string).collect();
                    let more = if a.count > a.rows.len() { ", ..." } else { "" };
                    format!("{} of {} set aside: {} (rows {}{more})", crate::measure::format::plural(a.count, "row", "rows"), a.file, a.reason, rows.join(", "))
                })
                .collect(),
        })
        .collect()
}

/// Why a revision of a published month exists.
#[derive(Debug, Clone, Serialize)]
pub struct RevisionView {
    pub replaces: u32,
    pub changes: Vec<String>,
}

/// "October 2026".
pub fn period_label(period: crate::period::Period) -> String {
    period.first_day().format("%B %Y").to_string()
}

fn glyph(status: Status) -> char {
    match status {
        Status::Met => '●',
        Status::AtRisk => '◇',
        Status::Breached => '▲',
        Status::NoData => '·',
        Status::InsufficientData => '○',
    }
}

fn status_key(status: Status) -> &'static str {
    match status {
        Status::Met => "met",
        Status::AtRisk => "at_risk",
        Status::Breached => "breached",
        Status::NoData => "no_data",
        Status::InsufficientData => "insufficient_data",
    }
}

/// Seconds as "5 h 59 min", "12 min 30 s".
pub fn duration(seconds: f64) -> String {
    let s = seconds.round() as i64;
    let (h, m, sec) = (s / 3600, s % 3600 / 60, s % 60);
    match (h, m, sec) {
        (0, 0, s) => format!("{s} s"),
        (0, m, 0) => format!("{m} min"),
        (0, m, s) => format!("{m} min {s} s"),
        (h, m, _) => format!("{h} h {m} min"),
    }
}

fn amount(value: f64, unit: &str) -> String {
    match unit {
        "seconds" => duration(value),
        u => format!("{} {u}", format_value(Some(value), "count")),
    }
}

/// Money, currency code first, thousands separated, to the cent:
/// "EUR 12,000.00". The one money formatter of every page.
pub fn money(value: f64, currency: &str) -> String {
    let cents = (value * 100.0).round() as i64;
    let sign = if cents < 0 { "-" } else { "" };
    let (whole, cents) = (cents.unsigned_abs() / 100, cents.unsigned_abs() % 100);
    let digits = whole.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(d);
    }
    format!("{currency} {sign}{grouped}.{cents:02}")
}

/// An agreement's credit: "20% of EUR 12,000.00 = EUR 2,400.00, capped from
/// 25%"; without a charge "20% of the monthly charge, capped from 25%".
pub fn credit_text(c: &AgreementCredit) -> String {
    let percent = format_value(Some(c.percent), "%");
    let mut text = match (c.charge, c.amount, &c.currency) {
        (Some(charge), Some(amount), Some(currency)) => {
            format!("{percent} of {} = {}", money(charge, currency), money(amount, currency))
        }
        _ => format!("{percent} of the monthly charge"),
    };
    if c.capped {
        text.push_str(&format!(", capped from {}", format_value(Some(c.percent_uncapped), "%")));
    }
    text
}

/// What several agreements owe together: the money per currency, and the
/// percentages of agreements without a charge by name: "EUR 2,400.00;
/// Corporate web: 5% of the monthly charge". "none" when nothing is owed.
pub fn credits_total(credits: &[&AgreementCredit]) -> String {
    let mut cents: std::collections::BTreeMap<&str, i64> = std::collections::BTreeMap::new();
    let mut parts = Vec::new();
    let mut without = Vec::new();
    for c in credits.iter().filter(|c| c.percent > 0.0) {
        match (c.amount, &c.currency) {
            (Some(a), Some(currency)) => *cents.entry(currency).or_insert(0) += (a * 100.0).round() as i64,
            _ => without.push(format!("{}: {} of the monthly charge", c.title, format_value(Some(c.percent), "%"))),
        }
    }
    parts.extend(cents.into_iter().map(|(currency, c)| money(c as f64 / 100.0, currency)));
    parts.extend(without);
    if parts.is_empty() { "none".to_string() } else { parts.join("; ") }
}

/// The "Credits owed" cell of a customer in the provider overview, from its
/// published results.json: its SLAs' credits (`credits`), or, for results
/// published before agreements had charges, the percent in the summary.
pub fn customer_credits(summary: &serde_json::Value, credits: &serde_json::Value) -> String {
    match serde_json::from_value::<Vec<AgreementCredit>>(credits.clone()) {
        Ok(credits) => credits_total(&credits.iter().filter(|c| c.kind == AgreementKind::Sla).collect::<Vec<_>>()),
        Err(_) => {
            let c: f64 = summary["credits_by_customer"].as_object().map_or(0.0, |m| m.values().filter_map(|v| v.as_f64()).sum());
            if c > 0.0 { format!("{c}%") } else { "none".into() }
        }
    }
}

fn objective(t: &TargetResult) -> String {
    let sign = if t.higher_is_better { "at least" } else { "at most" };
    format!("{sign} {}", format_value(Some(t.objective), t.unit))
}

fn row(t: &TargetResult, title: &str, charts: &[Chart]) -> Row {
    Row {
        key: chart_id(t),
        agreement: t.agreement.clone(),
        agreement_title: title.to_string(),
        target: t.target.clone(),
        service: t.service.clone(),
        value: format_value(t.value, t.unit),
        objective: objective(t),
        status: status_key(t.status),
        status_label: t.status.label(),
        trend_text: t.trend.iter().map(|p| glyph(p.status)).collect(),
        trend_marks: t.trend.iter().map(|p| (glyph(p.status), status_key(p.status))).collect(),
        trend_runs: t.trend.iter().fold(Vec::new(), |mut runs: Vec<(String, &'static str)>, p| {
            match runs.last_mut() {
                Some((glyphs, key)) if *key == status_key(p.status) => glyphs.push(glyph(p.status)),
                _ => runs.push((glyph(p.status).to_string(), status_key(p.status))),
            }
            runs
        }),
        trend_words: t
            .trend
            .iter()
            .map(|p| format!("{} {}", p.period, p.status.label()))
            .collect::<Vec<_>>()
            .join(", "),
        rule: t.rule.clone(),
        budget: t.budget.as_ref().map(|b| {
            format!(
                "{} allowed, {} used, {} {}",
                amount(b.allowed, b.unit),
                amount(b.used, b.unit),
                amount(b.remaining.abs(), b.unit),
                if b.remaining < 0.0 { "over" } else { "left" }
            )
        }),
        coverage: t.coverage.map(|c| format_value(Some(c), "%")),
        remarks: t.remarks.clone(),
        charts: charts
            .iter()
            .map(|c| ChartView {
                kind: c.kind,
                title: c.title.clone(),
                description: c.description.clone(),
                caption: c.caption.clone(),
                width: c.width,
                height: c.height,
                svg: c.svg.clone(),
            })
            .collect(),
        trend: t
            .trend
            .iter()
            .map(|p| TrendRow { period: p.period.to_string(), value: format_value(p.value, t.unit), status: p.status.label() })
            .collect(),
        days: t
            .daily
            .iter()
            .map(|d| {
                let (day, value) = (d.date.format("%d"), format_value(d.value, "%"));
                // A day and its figure stay on one line (no-break spaces).
                match d.status {
                    Status::Met | Status::NoData => format!("{day}\u{a0}{value}"),
                    other => format!("{day}\u{a0}{value}\u{a0}({})", other.label()),
                }
            })
            .collect(),
        tickets: t
            .tickets
            .iter()
            .map(|p| TicketTimeRow {
                id: p.id.clone(),
                taken: p.elapsed_seconds.map_or("still open".to_string(), |s| duration(s as f64)),
                within: p.within,
                cause: p.cause.clone().unwrap_or_default(),
            })
            .collect(),
        changes: t.changes.clone(),
    }
}

/// A breach's own credit, before its agreement's cap: "15% of the monthly
/// charge = EUR 1,800.00", and the cap when it took something off.
fn breach_credit(results: &Results, t: &TargetResult) -> String {
    if t.credit_percent <= 0.0 {
        return "none".to_string();
    }
    let mut text = format!("{} of the monthly charge", format_value(Some(t.credit_percent), "%"));
    if let (Some(a), Some(currency)) = (t.credit_amount, &t.currency) {
        text.push_str(&format!(" = {}", money(a, currency)));
    }
    let agreement = results.credits.iter().find(|c| c.agreement == t.agreement && c.kind == t.kind && c.party == t.party);
    if let Some(c) = agreement.filter(|c| c.capped) {
        text.push_str(&format!(" (the agreement's credits are capped at {} in all)", format_value(c.cap, "%")));
    }
    text
}

fn causes(results: &Results, t: &TargetResult, titles: &dyn Fn(&str) -> String) -> String {
    if t.attribution.is_empty() {
        return "none recorded".to_string();
    }
    let unit = t.budget.as_ref().map_or("seconds", |b| b.unit);
    t.attribution
        .iter()
        .map(|a| {
            let who = match (&a.cause, a.cause_kind) {
                (Some(c), Some(kind)) => {
                    let figure = results
                        .targets
                        .iter()
                        .find(|u| u.agreement == *c && u.service == t.service && u.metric == t.metric);
                    let their = figure.map_or(String::new(), |u| {
                        format!("; its {} {} ({})", u.target, format_value(u.value, u.unit), u.status.label())
                    });
                    format!("{} ({}, {}{their})", titles(c), kind, c)
                }
                (Some(c), None) => c.clone(),
                (None, _) => "unattributed".to_string(),
            };
            format!("{who}: {}", amount(a.amount, unit))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The SLA targets whose status changed since the month before:
/// "Corporate e-mail / availability (email): met → breached (99.95% → 96.188%)".
fn changes(slas: &[&TargetResult], title_of: &dyn Fn(&str) -> String) -> Vec<String> {
    slas.iter()
        .filter_map(|t| {
            let [.., before, now] = t.trend.as_slice() else { return None };
            if before.status == now.status {
                return None;
            }
            Some(format!(
                "{} / {} ({}): {} → {} ({} → {})",
                title_of(&t.agreement),
                t.target,
                t.service,
                before.status.label(),
                now.status.label(),
                format_value(before.value, t.unit),
                format_value(now.value, t.unit)
            ))
        })
        .collect()
}

/// Builds the report view of one customer's results.
pub fn report(results: &Results, charts: &[(String, Vec<Chart>)], commentary: Option<String>, revision: u32) -> ReportView {
    let title_of = |id: &str| results.agreements.iter().find(|a| a.id == id).map_or(id.to_string(), |a| a.title.clone());
    let charts_of = |t: &TargetResult| charts.iter().find(|(k, _)| *k == chart_id(t)).map_or(&[][..], |(_, c)| c.as_slice());
    let slas: Vec<&TargetResult> = results.targets.iter().filter(|t| t.kind == AgreementKind::Sla).map(|t| t.as_ref()).collect();
    let rows: Vec<Row> = slas.iter().map(|t| row(t, &title_of(&t.agreement), charts_of(t))).collect();
    let satisfaction = slas
        .iter()
        .filter(|t| t.metric == "satisfaction")
        .map(|t| row(t, &title_of(&t.agreement), &[]))
        .collect();
    let breaches = slas
        .iter()
        .filter(|t| t.status == Status::Breached)
        .map(|t| BreachRow {
            agreement_title: title_of(&t.agreement),
            target: t.target.clone(),
            service: t.service.clone(),
            value: format_value(t.value, t.unit),
            severity: match t.severity {
                Some(0) | None => "below the objective, above every credit tier".to_string(),
                Some(n) => format!("credit tier {n}"),
            },
            credit: breach_credit(results, t),
            lost: t.budget.as_ref().map_or(String::new(), |b| amount(b.used, b.unit)),
            causes: causes(results, t, &title_of),
        })
        .collect();
    let s = &results.summary;
    let credit_lines: Vec<String> = results
        .credits
        .iter()
        .filter(|c| c.kind == AgreementKind::Sla)
        .map(|c| format!("{}: {}", c.title, credit_text(c)))
        .collect();
    let review = results.reviews.first();
    let data = data_rows(results);
    ReportView {
        period: results.period.to_string(),
        period_label: period_label(results.period),
        revision,
        headline: Headline {
            percent_met: s.percent_met.map_or("no data".to_string(), |p| format!("{p:.1}%")),
            breaches: s.breached,
            at_risk: s.at_risk,
            credits: if credit_lines.is_empty() { "none".to_string() } else { credit_lines.join("; ") },
            credit_lines,
        },
        rows,
        breaches,
        satisfaction,
        agreements: results
            .agreements
            .iter()
            .map(|a| AgreementRow {
                id: a.id.clone(),
                title: a.title.clone(),
                kind: a.kind.to_string(),
                party: a.party.clone(),
                version: a.version.clone(),
                effective: a.effective.to_string(),
                review_due: a.review_due.to_string(),
                overdue: a.overdue,
                review: if a.overdue { format!("overdue by {} days", a.days_overdue) } else { "up to date".to_string() },
                previous_version: a.previous_version.clone(),
                changes: a.changes.clone(),
            })
            .collect(),
        actions: results
            .actions
            .iter()
            .map(|a| ActionRow {
                id: a.action.id.clone(),
                title: a.action.title.clone(),
                target: a.action.target.clone().unwrap_or_default(),
                owner: a.action.owner.clone().unwrap_or_default(),
                raised: a.action.raised.clone().unwrap_or_default(),
                due: a.action.due.map(|d| d.to_string()).unwrap_or_default(),
                status: format!("{:?}{}", a.action.status, if a.overdue { " (overdue)" } else { "" }).to_lowercase(),
            })
            .collect(),
        tickets: results
            .tickets
            .iter()
            .map(|t| TicketRow { service: t.service.clone(), priority: t.priority.clone(), opened: t.opened, resolved: t.resolved, open: t.open_at_end })
            .collect(),
        review: ReviewView {
            meeting: review.and_then(|r| r.meeting).map(|d| d.to_string()),
            heading: review.and_then(review_heading),
            attendees: review.map(|r| r.attendees.clone()).unwrap_or_default(),
            satisfaction: review.filter(|r| r.reviewed == Some(results.period)).and_then(|r| r.satisfaction).map(|s| format!("{s}")),
            complaints: review.map_or(0, |r| r.complaints),
            compliments: review.map_or(0, |r| r.compliments),
            meetings: review.map_or(0, |r| r.meetings_last_12_months),
        },
        commentary,
        revision_reason: None,
        corrections: results.corrections.clone(),
        previous_label: period_label(results.period.prev()),
        changes: changes(&slas, &title_of),
        set_aside: data.iter().flat_map(|d| d.set_aside.iter().map(|a| format!("{}: {a}", d.source))).collect(),
        data,
    }
}

/// One target of the month in progress.
#[derive(Debug, Serialize)]
pub struct ToDateRow {
    pub agreement_title: String,
    pub target: String,
    pub service: String,
    pub value: String,
    pub objective: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub elapsed: String,
    pub budget_used: String,
    pub budget_left: String,
    pub burn: String,
    pub projected: String,
    pub forecast: String,
    pub heading_for_breach: bool,
}

/// The provisional page of the month in progress.
#[derive(Debug, Default, Serialize)]
pub struct ToDateView {
    pub period_label: String,
    pub as_of: String,
    pub heading: usize,
    pub rows: Vec<ToDateRow>,
    /// What each SLA would owe if the month ended now, as the headline says it.
    pub credits: Vec<String>,
}

/// An RFC 3339 instant as wall time in `zone`: "2026-10-20 00:00 BST".
fn local_instant(rfc3339: &str, zone: &str) -> String {
    let (Ok(t), Ok(tz)) = (chrono::DateTime::parse_from_rfc3339(rfc3339), zone.parse::<chrono_tz::Tz>()) else {
        return rfc3339.to_string();
    };
    t.with_timezone(&tz).format("%-d %B %Y %H:%M %Z").to_string()
}

/// The month in progress as the to-date page shows it.
pub fn to_date(results: &Results) -> ToDateView {
    let title_of = |id: &str| results.agreements.iter().find(|a| a.id == id).map_or(id.to_string(), |a| a.title.clone());
    let rows: Vec<ToDateRow> = results
        .targets
        .iter()
        .filter(|t| t.kind == AgreementKind::Sla)
        .map(|t| {
            let f = t.forecast.as_ref();
            let unit = f.and_then(|f| f.budget_unit).unwrap_or("");
            let money = |v: Option<f64>| v.map_or(String::new(), |v| amount(v.max(0.0), unit));
            ToDateRow {
                agreement_title: title_of(&t.agreement),
                target: t.target.clone(),
                service: t.service.clone(),
                value: format_value(t.value, t.unit),
                objective: objective(t),
                status: status_key(t.status),
                status_label: t.status.label(),
                elapsed: f.map_or(String::new(), |f| format!("{:.0}%", f.elapsed_percent)),
                budget_used: f.and_then(|f| f.budget_used.zip(f.budget_month)).map_or(String::new(), |(u, m)| format!("{} of {}", amount(u, unit), amount(m, unit))),
                budget_left: f.map_or(String::new(), |f| money(f.budget_left)),
                burn: f.and_then(|f| f.burn_per_day).map_or(String::new(), |b| format!("{} a day", amount(b, unit))),
                projected: f.map_or(String::new(), |f| format_value(f.projected_value, t.unit)),
                forecast: f.map_or(String::new(), |f| f.words.clone()),
                heading_for_breach: f.is_some_and(|f| f.heading_for_breach),
            }
        })
        .collect();
    ToDateView {
        period_label: period_label(results.period),
        as_of: results.as_of.as_deref().map(|t| local_instant(t, &results.timezone)).unwrap_or_default(),
        heading: rows.iter().filter(|r| r.heading_for_breach).count(),
        rows,
        credits: results
            .credits
            .iter()
            .filter(|c| c.kind == AgreementKind::Sla)
            .map(|c| format!("{}: {}", c.title, credit_text(c)))
            .collect(),
    }
}

/// "Review of September 2026, held 14 October: rating 5": the meeting held in
/// the month, named after the month it reviewed.
fn review_heading(review: &crate::measure::results::Review) -> Option<String> {
    let (meeting, reviewed) = (review.meeting?, review.reviewed?);
    let held = if meeting.format("%Y").to_string() == reviewed.year.to_string() { "%-d %B" } else { "%-d %B %Y" };
    let rating = review.satisfaction.map_or(String::new(), |s| format!(": rating {s}"));
    Some(format!("Review of {}, held {}{rating}", period_label(reviewed), meeting.format(held)))
}

/// Provider-level figures of one month, for the overview page.
#[derive(Debug, Serialize)]
pub struct ProviderView {
    pub period_label: String,
    pub figures: usize,
    pub percent_met: String,
    pub met: usize,
    pub at_risk: usize,
    pub breached: usize,
    pub no_data: usize,
    /// Figures with too few probe samples (`min_coverage`).
    pub insufficient: usize,
    pub severity: Vec<(String, usize)>,
    /// Breaches of SLAs, OLAs and UPCs: add up to `breached`.
    pub sla_breaches: usize,
    pub ola_breaches: usize,
    pub upc_breaches: usize,
    /// SLA breaches by their largest cause: add up to `sla_breaches`.
    pub supplier: usize,
    pub internal: usize,
    pub unattributed: usize,
    pub overdue: Vec<String>,
    pub agreements: usize,
    pub reviews_held: usize,
    /// Customers whose month has been reviewed (in a meeting then or later),
    /// and the mean rating they gave.
    pub reviewed: usize,
    pub review_rating: Option<String>,
    pub customers: usize,
    pub actions_open: usize,
    pub actions_overdue: usize,
    pub actions_done: usize,
    pub actions_dropped: usize,
    /// Breached OLA and UPC targets: which team or supplier missed what.
    pub underpinning_breaches: Vec<String>,
    /// Credits owed to each customer (SLAs), with the money per currency.
    pub customer_credits: Vec<CreditGroup>,
    /// Credits owed to us by each supplier (UPCs).
    pub supplier_credits: Vec<CreditGroup>,
}

/// The credits of one customer or supplier: the total, then each agreement.
#[derive(Debug, Serialize)]
pub struct CreditGroup {
    pub party: String,
    /// The money per currency, and percentages without a charge.
    pub total: String,
    /// "Corporate e-mail: 20% of EUR 12,000.00 = EUR 2,400.00, capped from 25%".
    pub agreements: Vec<String>,
}

/// The credits of `kind` grouped by party, in party order.
fn credit_groups(results: &Results, kind: AgreementKind) -> Vec<CreditGroup> {
    let mut by_party: std::collections::BTreeMap<&str, Vec<&AgreementCredit>> = std::collections::BTreeMap::new();
    for c in results.credits.iter().filter(|c| c.kind == kind) {
        by_party.entry(&c.party).or_default().push(c);
    }
    by_party
        .into_iter()
        .map(|(party, credits)| CreditGroup {
            party: party.to_string(),
            total: credits_total(&credits),
            agreements: credits.iter().map(|c| format!("{}: {}", c.title, credit_text(c))).collect(),
        })
        .collect()
}

/// The provider view of the full (all-customer) results of a month.
pub fn provider(results: &Results) -> ProviderView {
    let s = &results.summary;
    ProviderView {
        period_label: period_label(results.period),
        figures: s.figures,
        percent_met: s.percent_met.map_or("no data".to_string(), |p| format!("{p:.1}%")),
        met: s.met,
        at_risk: s.at_risk,
        breached: s.breached,
        no_data: s.no_data,
        insufficient: s.insufficient,
        severity: s.breaches_by_severity.iter().map(|(k, v)| (k.clone(), *v)).collect(),
        sla_breaches: s.breaches_by_kind.get("SLA").copied().unwrap_or(0),
        ola_breaches: s.breaches_by_kind.get("OLA").copied().unwrap_or(0),
        upc_breaches: s.breaches_by_kind.get("UPC").copied().unwrap_or(0),
        supplier: s.breaches_supplier,
        internal: s.breaches_internal,
        unattributed: s.breaches_unattributed,
        overdue: results
            .agreements
            .iter()
            .filter(|a| a.overdue)
            .map(|a| format!("{} ({}, {}): review was due {}", a.title, a.kind, a.party, a.review_due))
            .collect(),
        agreements: s.agreements,
        reviews_held: s.reviews_held,
        reviewed: s.reviewed,
        review_rating: s.review_rating.map(|r| format_value(Some(r), "score")),
        customers: s.customers,
        actions_open: s.actions_open,
        actions_overdue: s.actions_overdue,
        actions_done: s.actions_done,
        actions_dropped: s.actions_dropped,
        underpinning_breaches: results
            .targets
            .iter()
            .filter(|t| t.kind != AgreementKind::Sla && t.status == Status::Breached)
            .map(|t| format!("{} ({}, {}): {} on {} was {} against {}", t.agreement, t.kind, t.party, t.target, t.service, format_value(t.value, t.unit), objective(t)))
            .collect(),
        customer_credits: credit_groups(results, AgreementKind::Sla),
        supplier_credits: credit_groups(results, AgreementKind::Upc),
    }
}
