//! The `draw` stage: charts as SVG, drawn with plotters.
//!
//! Charts must read in greyscale (they get printed): breached points are
//! filled triangles, at-risk points hollow squares, met points small dots,
//! and the objective a dashed line. Each chart carries a `<title>` and a
//! `<desc>` with its figures in words, and the report prints the same
//! figures in a table beside it. The output holds no time stamps or random
//! ids: the same results give the same bytes.

use plotters::prelude::*;

use crate::measure::exact::Status;
use crate::measure::print::format_value;
use crate::measure::results::TargetResult;

/// A chart ready to be written or inlined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    /// File name under `charts/`.
    pub file: String,
    pub title: String,
    /// The text alternative: what the chart shows, in words.
    pub description: String,
    pub svg: String,
}

const WIDTH: u32 = 720;
const HEIGHT: u32 = 300;
const INK: RGBColor = RGBColor(33, 37, 41);
const GREY: RGBColor = RGBColor(120, 120, 120);
const LIGHT: RGBColor = RGBColor(200, 200, 200);

/// The charts of one target result: its trend, and the daily availability
/// or the ticket times when it has them.
pub fn charts(t: &TargetResult) -> Vec<Chart> {
    let mut out = vec![trend(t)];
    if let Some(c) = daily(t) {
        out.push(c);
    }
    if let Some(c) = tickets(t) {
        out.push(c);
    }
    out
}

/// The chart id of a target result: unique within a period.
pub fn chart_id(t: &TargetResult) -> String {
    format!("{}--{}--{}", t.agreement, t.target, t.service)
}

/// Thirteen periods of a target with the objective line.
pub fn trend(t: &TargetResult) -> Chart {
    let title = format!("{} / {} ({}): {} over 13 months", t.agreement, t.target, t.service, t.metric);
    let points: Vec<(usize, Option<f64>, Status)> = t.trend.iter().enumerate().map(|(i, p)| (i, p.value, p.status)).collect();
    let labels: Vec<String> = t.trend.iter().map(|p| p.period.to_string()).collect();
    let words: Vec<String> = t
        .trend
        .iter()
        .map(|p| format!("{} {} ({})", p.period, format_value(p.value, t.unit), p.status.label()))
        .collect();
    let description = format!(
        "Objective {} {}. {}.",
        if t.higher_is_better { "at least" } else { "at most" },
        format_value(Some(t.objective), t.unit),
        words.join("; ")
    );
    let svg = plot(&title, &labels, &points, Some(t.objective), t, 2);
    Chart { file: format!("{}-trend.svg", chart_id(t)), title, description, svg }
}

/// Availability of each day of the period.
pub fn daily(t: &TargetResult) -> Option<Chart> {
    if t.daily.is_empty() {
        return None;
    }
    let title = format!("{} / {} ({}): availability by day", t.agreement, t.target, t.service);
    let points: Vec<(usize, Option<f64>, Status)> = t
        .daily
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let status = crate::measure::exact::status(
                d.value.map(crate::measure::exact::Fraction::decimal),
                t.objective,
                t.warning,
                true,
            );
            (i, d.value, status)
        })
        .collect();
    let labels: Vec<String> = t.daily.iter().map(|d| d.date.format("%d").to_string()).collect();
    let below: Vec<String> = t
        .daily
        .iter()
        .filter(|d| d.status == Status::Breached)
        .map(|d| format!("{} {}", d.date, format_value(d.value, "%")))
        .collect();
    let description = if below.is_empty() {
        format!("Every day with service hours was at or above {}.", format_value(Some(t.objective), "%"))
    } else {
        format!("Days below {}: {}.", format_value(Some(t.objective), "%"), below.join("; "))
    };
    let svg = plot(&title, &labels, &points, Some(t.objective), t, 5);
    Some(Chart { file: format!("{}-daily.svg", chart_id(t)), title, description, svg })
}

/// Business time each ticket took, against the time allowed.
pub fn tickets(t: &TargetResult) -> Option<Chart> {
    if t.tickets.is_empty() {
        return None;
    }
    let hours: Vec<(usize, Option<f64>, Status)> = t
        .tickets
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let status = if p.within { Status::Met } else { Status::Breached };
            (i, p.elapsed_seconds.map(|s| s as f64 / 3600.0), status)
        })
        .collect();
    let limit = t.within_seconds.map(|s| s as f64 / 3600.0);
    let title = format!("{} / {} ({}): business hours per ticket", t.agreement, t.target, t.service);
    let late: Vec<String> = t
        .tickets
        .iter()
        .filter(|p| !p.within)
        .map(|p| match p.elapsed_seconds {
            Some(s) => format!("{} took {:.1} h", p.id, s as f64 / 3600.0),
            None => format!("{} still open", p.id),
        })
        .collect();
    let description = format!(
        "{} tickets decided; {} outside the time allowed{}{}.",
        t.tickets.len(),
        late.len(),
        if late.is_empty() { "" } else { ": " },
        late.join("; ")
    );
    let labels: Vec<String> = t.tickets.iter().map(|p| p.id.clone()).collect();
    let in_hours = TargetResult { unit: "h", ..t.clone() };
    let svg = plot(&title, &labels, &hours, limit, &in_hours, (t.tickets.len() / 8).max(1));
    Some(Chart { file: format!("{}-tickets.svg", chart_id(t)), title, description, svg })
}

/// The y range: for percentages from a little under the lowest value (or
/// objective) to 100; otherwise from 0 to a little over the highest.
fn y_range(values: &[f64], objective: Option<f64>, unit: &str) -> (f64, f64) {
    let all: Vec<f64> = values.iter().copied().chain(objective).collect();
    let lo = all.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = all.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if unit == "%" {
        let span = (100.0 - lo).max(0.05);
        ((lo - span * 0.25).max(0.0), 100.0 + span * 0.05)
    } else {
        (0.0, if hi > 0.0 { hi * 1.15 } else { 1.0 })
    }
}

fn plot(title: &str, labels: &[String], points: &[(usize, Option<f64>, Status)], objective: Option<f64>, t: &TargetResult, label_every: usize) -> String {
    let values: Vec<f64> = points.iter().filter_map(|p| p.1).collect();
    let (y0, y1) = y_range(&values, objective, t.unit);
    let n = points.len().max(1);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        // Errors from plotters here can only come from the in-memory backend;
        // a chart that fails to draw is left empty rather than failing the build.
        let _ = draw(&root, labels, points, objective, t, (y0, y1), n, label_every);
        let _ = root.present();
    }
    accessible(&svg, title)
}

#[allow(clippy::too_many_arguments)]
fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    labels: &[String],
    points: &[(usize, Option<f64>, Status)],
    objective: Option<f64>,
    t: &TargetResult,
    (y0, y1): (f64, f64),
    n: usize,
    label_every: usize,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let unit = t.unit;
    let mut chart = ChartBuilder::on(root)
        .margin(12)
        .x_label_area_size(28)
        .y_label_area_size(64)
        .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), y0..y1)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(LIGHT.mix(0.4))
        .bold_line_style(LIGHT)
        .axis_style(GREY)
        .x_labels(n)
        .x_label_formatter(&|x| {
            let i = x.round();
            if (x - i).abs() > 1e-6 || i < 0.0 {
                return String::new();
            }
            let i = i as usize;
            if i % label_every == 0 || i + 1 == labels.len() {
                labels.get(i).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .y_labels(6)
        .y_label_formatter(&|y| match unit {
            "%" => format!("{y:.2}%"),
            "h" => format!("{y:.0} h"),
            "ms" => format!("{y:.0} ms"),
            _ => format!("{y:.1}"),
        })
        .label_style(("sans-serif", 12).into_font().color(&INK))
        .draw()?;
    if let Some(o) = objective {
        chart.draw_series(DashedLineSeries::new(vec![(-0.5, o), (n as f64 - 0.5, o)], 6, 4, GREY.stroke_width(2)))?;
    }
    // The line breaks where a period has no data.
    let mut run: Vec<(f64, f64)> = Vec::new();
    for (i, v, _) in points {
        match v {
            Some(v) => run.push((*i as f64, *v)),
            None => {
                if run.len() > 1 {
                    chart.draw_series(LineSeries::new(run.clone(), INK.stroke_width(2)))?;
                }
                run.clear();
            }
        }
    }
    if run.len() > 1 {
        chart.draw_series(LineSeries::new(run, INK.stroke_width(2)))?;
    }
    for (i, v, status) in points {
        let Some(v) = v else { continue };
        let at = (*i as f64, *v);
        match status {
            Status::Breached => {
                chart.draw_series(std::iter::once(TriangleMarker::new(at, 7, INK.filled())))?;
            }
            Status::AtRisk => {
                chart.draw_series(std::iter::once(Rectangle::new([at, at], INK.stroke_width(1))))?;
                chart.draw_series(std::iter::once(Cross::new(at, 5, INK.stroke_width(2))))?;
            }
            _ => {
                chart.draw_series(std::iter::once(Circle::new(at, 3, INK.filled())))?;
            }
        }
    }
    Ok(())
}

/// Gives the SVG a role, a title and a description for screen readers.
fn accessible(svg: &str, title: &str) -> String {
    let Some(end) = svg.find('>') else { return svg.to_string() };
    let (open, rest) = svg.split_at(end);
    format!(
        "{open} role=\"img\" aria-label=\"{}\"><title>{}</title>{}",
        xml_escape(title),
        xml_escape(title),
        &rest[1..]
    )
}

/// Escapes text for XML attributes and content.
pub fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}
