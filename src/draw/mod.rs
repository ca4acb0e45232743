//! The `draw` stage: charts as SVG, drawn with plotters.
//!
//! Charts must read in greyscale (they get printed): breached points are
//! triangles in the breach colour, at-risk points squares, met points dots,
//! each status a different lightness too, and the objective a dashed black
//! line; a legend names what occurs, and both axes have titles. Labels are
//! 12 px and charts are shown at the size they are drawn, so they print at
//! 12 px. Each chart carries a `<title>` and a `<desc>`, its text
//! alternative: a trend chart's names every month's figure (the report
//! prints no second copy of them); a day or ticket chart's sums its figures
//! up and points to the list of days or the ticket table under it.
//! Charts are drawn for report.html, which holds them inline; no page shows
//! them as images, so no chart is written as a file of its own.
//! The output holds no time stamps or random ids: the same results give the
//! same bytes. So a chart several reports show (customers sharing a
//! service and a target see the same days and months) is drawn once:
//! [`Drawn`] keeps what was drawn for a batch of reports.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use plotters::prelude::*;

mod svg;

use crate::measure::exact::Status;
use crate::measure::format::format_value;
use crate::measure::results::{Results, TargetResult};
use crate::model::AgreementKind;

/// A chart ready to be written or inlined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    /// `trend`, `daily` or `tickets`.
    pub kind: &'static str,
    pub title: String,
    /// The chart's `<desc>`: what it shows, in words. A trend chart's names
    /// every month's figure; a day or ticket chart's sums them up and says
    /// they are listed under the chart (the report lists every day and
    /// every ticket as text there).
    pub description: String,
    /// A short visible caption, when the chart needs one beside its legend.
    pub caption: Option<String>,
    /// The size the chart is drawn for, in CSS pixels: it is shown at this
    /// size on screen and in print, so its 12 px labels stay 12 px.
    pub width: u32,
    pub height: u32,
    pub svg: String,
}

/// Charts are drawn at the width of half an A4 page's text (two side by
/// side in print), so labels print at their drawn size.
const WIDTH: u32 = 330;
const TREND_HEIGHT: u32 = 190;
const DAILY_HEIGHT: u32 = 160;
const TICKETS_HEIGHT: u32 = 170;
/// Tick labels, axis titles and the legend. plotters writes a font of size
/// n as `font-size` n / 1.24 px: 15 gives 12.1 px (at least 11 px in print).
const FONT: u32 = 15;
const INK: RGBColor = RGBColor(33, 37, 41);
const GREY: RGBColor = RGBColor(110, 110, 110);
const LIGHT: RGBColor = RGBColor(210, 210, 210);
/// The value line: a mid blue-grey, lighter than every marker in greyscale.
const LINE: RGBColor = RGBColor(120, 144, 176);
/// Status colours. They differ in greyscale lightness as well as hue
/// (breached darkest, at risk lightest) and each has its own shape.
/// BREACH is the theme's `--breach`.
const MET: RGBColor = RGBColor(46, 125, 50);
const RISK: RGBColor = RGBColor(214, 140, 0);
const BREACH: RGBColor = RGBColor(164, 22, 26);

/// Plots already drawn, by what they were drawn from, shared by the
/// reports of a batch (the build's customers of one month, drawn in
/// parallel). Customers sharing a service and a target have the same days,
/// months and objective: their charts differ only in the title and the
/// description, which are added to each copy. Two threads asking for the
/// same plot at once may both draw it; both get the same bytes.
#[derive(Debug, Default)]
pub struct Drawn {
    /// (foldhash: a key is a few hundred bytes, hashed for every chart shown.)
    plots: Mutex<HashMap<PlotKey, Arc<str>, foldhash::fast::FixedState>>,
}

/// Everything a plot is drawn from (values as their bits: the same value
/// draws the same plot).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct PlotKey {
    labels: Vec<String>,
    points: Vec<(usize, Option<u64>, Status)>,
    objective: Option<u64>,
    unit: String,
    axes: Axes,
    height: u32,
}

impl Drawn {
    /// The plot of `key`, drawn by `draw` unless it was drawn before.
    fn get_or(&self, key: PlotKey, draw: impl FnOnce() -> String) -> Arc<str> {
        let plots = || self.plots.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(svg) = plots().get(&key) {
            return svg.clone();
        }
        // Drawn outside the lock: the other core goes on drawing meanwhile.
        let svg: Arc<str> = draw().into();
        plots().entry(key).or_insert(svg).clone()
    }

    /// How many different plots were drawn.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.plots.lock().unwrap_or_else(PoisonError::into_inner).len()
    }
}

/// The charts of one target result: its trend, and the daily availability
/// or the ticket times when it has them.
pub fn charts(t: &TargetResult, drawn: &Drawn) -> Vec<Chart> {
    let mut out = vec![trend(t, drawn)];
    if let Some(c) = daily(t, drawn) {
        out.push(c);
    }
    if let Some(c) = tickets(t, drawn) {
        out.push(c);
    }
    out
}

/// The charts of a report: each SLA row's, by its chart id (an OLA or UPC
/// row has no card to show them). Plots drawn before into `drawn` are not
/// drawn again.
pub fn report_charts(results: &Results, drawn: &Drawn) -> Vec<(String, Vec<Chart>)> {
    results.targets.iter().filter(|t| t.kind == AgreementKind::Sla).map(|t| (chart_id(t), charts(t, drawn))).collect()
}

/// The chart id of a target result: unique within a period.
pub fn chart_id(t: &TargetResult) -> String {
    format!("{}--{}--{}", t.agreement, t.target, t.service)
}

/// The axis title of a target's values.
fn value_axis(t: &TargetResult) -> String {
    let what = match t.metric {
        "availability" => "Availability",
        "latency" => "Latency",
        "response" | "resolution" => "Within time",
        "satisfaction" => "Satisfaction",
        "ratio" => "Good",
        "incidents" => "Incidents",
        m => m,
    };
    match t.unit {
        "%" => format!("{what} (%)"),
        "ms" => format!("{what} (ms)"),
        "h" => "Business hours".to_string(),
        _ => what.to_string(),
    }
}

/// Thirteen periods of a target with the objective line.
pub fn trend(t: &TargetResult, drawn: &Drawn) -> Chart {
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
    let axes = Axes { x: "Month", y: value_axis(t), label_every: 3, from_end: true };
    let svg = plot(drawn, &title, &description, &labels, &points, Some(t.objective), t.unit, &axes, TREND_HEIGHT);
    Chart {
        kind: "trend",
        title,
        description,
        caption: None,
        width: WIDTH,
        height: TREND_HEIGHT,
        svg,
    }
}

/// Availability of each day of the period.
pub fn daily(t: &TargetResult, drawn: &Drawn) -> Option<Chart> {
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
    let summary = if below.is_empty() {
        format!("Every day with service hours was at or above {}.", format_value(Some(t.objective), "%"))
    } else {
        format!("Days below {}: {}.", format_value(Some(t.objective), "%"), below.join("; "))
    };
    // Every day's figure is listed under the chart (`days` of the report's
    // row), as every ticket of a ticket chart is.
    let description = format!("{summary} Each day is listed under the chart.");
    let axes = Axes { x: "Day of the month", y: "Availability (%)".to_string(), label_every: 5, from_end: false };
    let svg = plot(drawn, &title, &description, &labels, &points, Some(t.objective), t.unit, &axes, DAILY_HEIGHT);
    Some(Chart {
        kind: "daily",
        title,
        description,
        caption: Some(summary),
        width: WIDTH,
        height: DAILY_HEIGHT,
        svg,
    })
}

/// Business time each ticket took, against the time allowed.
pub fn tickets(t: &TargetResult, drawn: &Drawn) -> Option<Chart> {
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
    let decided = t.tickets.len();
    let summary = format!(
        "{decided} {} decided; {} outside the time allowed{}{}.",
        if decided == 1 { "ticket" } else { "tickets" },
        late.len(),
        if late.is_empty() { "" } else { ": " },
        late.join("; ")
    );
    let labels: Vec<String> = t.tickets.iter().map(|p| p.id.clone()).collect();
    // Room for each label: about 7 px a character at 12 px, in a plot about 250 px wide.
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(1);
    let label_every = ((labels.len() * (longest * 7 + 10)) / 250).max(1);
    let axes = Axes { x: "Ticket", y: "Business hours".to_string(), label_every, from_end: false };
    let svg = plot(drawn, &title, &summary, &labels, &hours, limit, "h", &axes, TICKETS_HEIGHT);
    Some(Chart {
        kind: "tickets",
        title,
        description: summary.clone(),
        caption: Some(summary),
        width: WIDTH,
        height: TICKETS_HEIGHT,
        svg,
    })
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

/// Axis titles and which x labels to print.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Axes {
    x: &'static str,
    y: String,
    label_every: usize,
    /// Count `label_every` back from the last label (the current month).
    from_end: bool,
}

#[allow(clippy::too_many_arguments)]
fn plot(drawn: &Drawn, title: &str, description: &str, labels: &[String], points: &[(usize, Option<f64>, Status)], objective: Option<f64>, unit: &str, axes: &Axes, height: u32) -> String {
    let key = PlotKey {
        labels: labels.to_vec(),
        points: points.iter().map(|&(i, v, s)| (i, v.map(f64::to_bits), s)).collect(),
        objective: objective.map(f64::to_bits),
        unit: unit.to_string(),
        axes: axes.clone(),
        height,
    };
    let svg = drawn.get_or(key, || {
        let values: Vec<f64> = points.iter().filter_map(|p| p.1).collect();
        let (y0, y1) = y_range(&values, objective, unit);
        let n = points.len().max(1);
        svg::record((WIDTH, height), |root| {
            // The recorder never fails; a chart plotters cannot lay out is left
            // empty rather than failing the build.
            let _ = draw(root, labels, points, objective, unit, (y0, y1), n, axes);
        })
    });
    accessible(&svg, title, description)
}

/// An entry of the legend: a status that occurs, or the objective.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Entry {
    Met,
    AtRisk,
    Breached,
    InsufficientData,
    Objective,
}

impl Entry {
    /// The width the entry takes in the row, its marker, label and the gap after it included.
    fn width(self) -> i32 {
        match self {
            Entry::Met => 48,
            Entry::AtRisk => 68,
            Entry::Breached => 82,
            Entry::InsufficientData => 124,
            Entry::Objective => 90,
        }
    }
}

/// The height of one row of the legend.
const LEGEND_ROW: i32 = 18;

/// The legend above the plot: the statuses that occur, then the
/// objective, each at its place `(x, row)`. An entry that would pass the
/// chart's right edge starts a new row, so no label is ever cut off.
fn legend_layout(points: &[(usize, Option<f64>, Status)], objective: bool) -> Vec<(Entry, i32, i32)> {
    let has = |s: Status| points.iter().any(|p| p.1.is_some() && p.2 == s);
    let statuses = [
        (Status::Met, Entry::Met),
        (Status::AtRisk, Entry::AtRisk),
        (Status::Breached, Entry::Breached),
        (Status::InsufficientData, Entry::InsufficientData),
    ];
    let entries = statuses.into_iter().filter(|(s, _)| has(*s)).map(|(_, e)| e).chain(objective.then_some(Entry::Objective));
    let (mut x, mut row) = (4, 0);
    let mut placed = Vec::new();
    for entry in entries {
        if x > 4 && x + entry.width() > WIDTH as i32 {
            (x, row) = (4, row + 1);
        }
        placed.push((entry, x, row));
        x += entry.width();
    }
    placed
}

/// The height of the legend's area: 20 pixels for one row, one row's more for each row after.
fn legend_height(placed: &[(Entry, i32, i32)]) -> u32 {
    let rows = placed.iter().map(|(_, _, row)| row + 1).max().unwrap_or(1);
    (20 + LEGEND_ROW * (rows - 1)) as u32
}

fn legend<DB: DrawingBackend>(area: &DrawingArea<DB, plotters::coord::Shift>, placed: &[(Entry, i32, i32)]) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let font = ("sans-serif", FONT).into_font().color(&INK);
    for &(entry, x, row) in placed {
        let y = 9 + row * LEGEND_ROW;
        match entry {
            Entry::Met => {
                area.draw(&Circle::new((x + 4, y), 4, MET.filled()))?;
                area.draw(&Text::new("met", (x + 12, y - 7), font.clone()))?;
            }
            Entry::AtRisk => {
                area.draw(&Rectangle::new([(x, y - 4), (x + 8, y + 4)], RISK.filled()))?;
                area.draw(&Text::new("at risk", (x + 12, y - 7), font.clone()))?;
            }
            Entry::Breached => {
                area.draw(&TriangleMarker::new((x + 5, y), 6, BREACH.filled()))?;
                area.draw(&Text::new("breached", (x + 13, y - 7), font.clone()))?;
            }
            Entry::InsufficientData => {
                area.draw(&Circle::new((x + 4, y), 4, GREY.stroke_width(1)))?;
                area.draw(&Text::new("insufficient data", (x + 12, y - 7), font.clone()))?;
            }
            Entry::Objective => {
                for dash in 0..3 {
                    let from = x + dash * 7;
                    area.draw(&PathElement::new(vec![(from, y), (from + 4, y)], INK.stroke_width(2)))?;
                }
                area.draw(&Text::new("objective", (x + 24, y - 7), font.clone()))?;
            }
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    labels: &[String],
    points: &[(usize, Option<f64>, Status)],
    objective: Option<f64>,
    unit: &str,
    (y0, y1): (f64, f64),
    n: usize,
    axes: &Axes,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let placed = legend_layout(points, objective.is_some());
    let (top, body) = root.split_vertically(legend_height(&placed));
    legend(&top, &placed)?;
    let font = ("sans-serif", FONT).into_font().color(&INK);
    let mut chart = ChartBuilder::on(&body)
        .margin_top(4)
        .margin_right(10)
        .margin_left(2)
        .x_label_area_size(40)
        .y_label_area_size(66)
        .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), y0..y1)?;
    let last = labels.len().saturating_sub(1);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(LIGHT)
        .axis_style(GREY)
        .x_labels(n)
        .x_label_formatter(&|x| {
            let i = x.round();
            if (x - i).abs() > 1e-6 || i < 0.0 {
                return String::new();
            }
            let i = i as usize;
            let step = axes.label_every.max(1);
            let shown = if axes.from_end { last.saturating_sub(i).is_multiple_of(step) } else { i.is_multiple_of(step) };
            if shown && i <= last {
                labels.get(i).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .y_labels(5)
        .y_label_formatter(&|y| match unit {
            "%" if y1 - y0 < 1.0 => format!("{y:.2}"),
            "%" => format!("{y:.1}"),
            // Whole numbers while the ticks are whole; a short range (a
            // 30-minute response drawn in hours) needs decimals, or every
            // tick would read 0.
            "h" | "ms" | "tickets" if y1 - y0 >= 10.0 => format!("{y:.0}"),
            "h" | "ms" | "tickets" if y1 - y0 >= 1.0 => format!("{y:.1}"),
            "h" | "ms" | "tickets" => format!("{y:.2}"),
            _ => format!("{y:.1}"),
        })
        .x_desc(axes.x)
        .y_desc(axes.y.as_str())
        .label_style(font.clone())
        .axis_desc_style(font)
        .draw()?;
    if let Some(o) = objective {
        chart.draw_series(DashedLineSeries::new(vec![(-0.5, o), (n as f64 - 0.5, o)], 5, 4, INK.stroke_width(2)))?;
    }
    // The line breaks where a period has no data.
    let mut run: Vec<(f64, f64)> = Vec::new();
    for (i, v, _) in points {
        match v {
            Some(v) => run.push((*i as f64, *v)),
            None => {
                if run.len() > 1 {
                    chart.draw_series(LineSeries::new(run.clone(), LINE.stroke_width(2)))?;
                }
                run.clear();
            }
        }
    }
    if run.len() > 1 {
        chart.draw_series(LineSeries::new(run, LINE.stroke_width(2)))?;
    }
    let small = n > 15;
    for (i, v, status) in points {
        let Some(v) = v else { continue };
        let at = (*i as f64, *v);
        match status {
            Status::Breached => {
                chart.draw_series(std::iter::once(TriangleMarker::new(at, if small { 5 } else { 6 }, BREACH.filled())))?;
            }
            Status::AtRisk => {
                chart.draw_series(std::iter::once(EmptyElement::at(at) + Rectangle::new([(-4, -4), (4, 4)], RISK.filled())))?;
            }
            Status::InsufficientData => {
                chart.draw_series(std::iter::once(Circle::new(at, if small { 3 } else { 4 }, GREY.stroke_width(1))))?;
            }
            _ => {
                chart.draw_series(std::iter::once(Circle::new(at, if small { 2 } else { 3 }, MET.filled())))?;
            }
        }
    }
    Ok(())
}

/// Gives the SVG a role and, as its first children, a `<title>` and a
/// `<desc>` for screen readers: an SVG `img` takes its
/// accessible name from its `<title>` and its description from its
/// `<desc>` (SVG-AAM), so neither is repeated in an `aria-label`.
fn accessible(svg: &str, title: &str, description: &str) -> String {
    let Some(end) = svg.find('>') else { return svg.to_string() };
    let (open, rest) = svg.split_at(end);
    format!("{open} role=\"img\"><title>{}</title><desc>{}</desc>{}", xml_escape(title), xml_escape(description), &rest[1..])
}

/// Escapes text for XML attributes and content.
pub fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plot_two_reports_show_is_drawn_once_and_titled_for_each() {
        let drawn = Drawn::default();
        let axes = Axes { x: "Month", y: "Availability (%)".to_string(), label_every: 3, from_end: true };
        let labels: Vec<String> = vec!["2026-09".into(), "2026-10".into()];
        let points = [(0, Some(99.0), Status::Met), (1, Some(98.0), Status::Breached)];
        // Two customers' SLAs on one shared service: the same months and objective.
        let a = plot(&drawn, "sla-a / avail (web)", "for a", &labels, &points, Some(98.5), "%", &axes, TREND_HEIGHT);
        let b = plot(&drawn, "sla-b / avail (web)", "for b", &labels, &points, Some(98.5), "%", &axes, TREND_HEIGHT);
        assert_eq!(drawn.len(), 1, "the second report's plot is the first's");
        assert!(a.contains("<title>sla-a / avail (web)</title><desc>for a</desc>"), "{a}");
        assert!(b.contains("<title>sla-b / avail (web)</title><desc>for b</desc>"), "{b}");
        assert_eq!(a.replace("<title>sla-a / avail (web)</title><desc>for a</desc>", ""), b.replace("<title>sla-b / avail (web)</title><desc>for b</desc>", ""));
        // What was kept is what a fresh drawing gives, byte for byte.
        assert_eq!(plot(&Drawn::default(), "sla-b / avail (web)", "for b", &labels, &points, Some(98.5), "%", &axes, TREND_HEIGHT), b);
        // Another value, objective, status or height is another plot.
        let other_value = [(0, Some(99.0), Status::Met), (1, Some(97.0), Status::Breached)];
        let other_status = [(0, Some(99.0), Status::Met), (1, Some(98.0), Status::AtRisk)];
        plot(&drawn, "t", "d", &labels, &other_value, Some(98.5), "%", &axes, TREND_HEIGHT);
        plot(&drawn, "t", "d", &labels, &points, Some(98.0), "%", &axes, TREND_HEIGHT);
        plot(&drawn, "t", "d", &labels, &other_status, Some(98.5), "%", &axes, TREND_HEIGHT);
        plot(&drawn, "t", "d", &labels, &points, Some(98.5), "%", &axes, DAILY_HEIGHT);
        assert_eq!(drawn.len(), 5);
    }

    #[test]
    fn the_legend_wraps_instead_of_cutting_a_label_off() {
        let (met, risk, breach, insufficient) = (Status::Met, Status::AtRisk, Status::Breached, Status::InsufficientData);
        let points = |statuses: &[Status]| -> Vec<(usize, Option<f64>, Status)> { statuses.iter().enumerate().map(|(i, s)| (i, Some(99.0), *s)).collect() };
        // The usual chart: met and breached months and the objective on one
        // row: met at 4 (48 wide), breached at 4 + 48 = 52 (82 wide), the
        // objective at 52 + 82 = 134, ending at 134 + 90 = 224, inside 330.
        let one = legend_layout(&points(&[met, breach, met]), true);
        assert_eq!(one, vec![(Entry::Met, 4, 0), (Entry::Breached, 52, 0), (Entry::Objective, 134, 0)]);
        assert_eq!(legend_height(&one), 20);
        // Every status: met at 4, at risk at 52, breached at 52 + 68 = 120,
        // insufficient data at 120 + 82 = 202, ending at 202 + 124 = 326.
        // The objective would end at 326 + 90 = 416, past 330 (it was cut
        // off there): it starts a second row, 18 pixels lower.
        let two = legend_layout(&points(&[met, risk, breach, insufficient]), true);
        assert_eq!(
            two,
            vec![(Entry::Met, 4, 0), (Entry::AtRisk, 52, 0), (Entry::Breached, 120, 0), (Entry::InsufficientData, 202, 0), (Entry::Objective, 4, 1)]
        );
        assert_eq!(legend_height(&two), 20 + 18);
        // Met, breached and insufficient data end at 4 + 48 + 82 + 124 = 258;
        // the objective would end at 348, past 330: it wraps too.
        let three = legend_layout(&points(&[met, breach, insufficient]), true);
        assert_eq!(three.last(), Some(&(Entry::Objective, 4, 1)));
        for (entry, x, _) in two.iter().chain(&three).chain(&one) {
            assert!(x + entry.width() <= WIDTH as i32, "{entry:?} at {x} passes the right edge");
        }
        // The chart draws the objective on the second row: its label's top at 9 + 18 - 7 = 20.
        let svg = plot(&Drawn::default(), "t", "d", &["a".into(), "b".into(), "c".into(), "d".into()], &points(&[met, risk, breach, insufficient]), Some(99.5), "%", &Axes { x: "Month", y: "Availability (%)".to_string(), label_every: 1, from_end: true }, TREND_HEIGHT);
        // Its dashes at y = 9 + 18 = 27 from x = 4, its label at x = 4 + 24 = 28.
        assert!(svg.contains(r#"d="M4,27H22"/>"#), "{svg}");
        assert!(svg.contains(r#"<text x="28" y="20" dy="0.76em" text-anchor="start">objective</text>"#), "{svg}");
    }

    /// A chart drawn on the recorder, and the same drawn by plotters'
    /// `SVGBackend` as text and compacted by reading that text back (how
    /// charts were made before the recorder).
    fn both_ways(labels: &[String], points: &[(usize, Option<f64>, Status)], objective: Option<f64>, unit: &str, axes: &Axes, height: u32) -> (String, String) {
        let values: Vec<f64> = points.iter().filter_map(|p| p.1).collect();
        let range = y_range(&values, objective, unit);
        let n = points.len().max(1);
        let recorded = svg::record((WIDTH, height), |root| draw(root, labels, points, objective, unit, range, n, axes).expect("drawn"));
        let mut text = String::new();
        {
            let root = SVGBackend::with_string(&mut text, (WIDTH, height)).into_drawing_area();
            draw(&root, labels, points, objective, unit, range, n, axes).expect("drawn");
            root.present().expect("written");
        }
        (recorded, svg::compact(&text))
    }

    #[test]
    fn the_recorder_writes_what_compacting_plotters_svg_wrote() {
        use Status::{AtRisk, Breached, InsufficientData, Met, NoData};
        // A trend: every status, a month without data breaking the line.
        let months: Vec<String> = (1..=13).map(|m| format!("2025-{m:02}")).collect();
        let statuses = [NoData, Met, AtRisk, Breached, InsufficientData, Met, Met, Breached, AtRisk, Met, Met, Met, Breached];
        let values = [None, Some(99.95), Some(99.85), Some(99.2), Some(99.9), Some(100.0), Some(99.97), Some(98.5), Some(99.82), Some(99.99), None, Some(99.93), Some(99.1)];
        let trend: Vec<(usize, Option<f64>, Status)> = (0..13).map(|i| (i, values[i], statuses[i])).collect();
        let axes = Axes { x: "Month", y: "Availability (%)".to_string(), label_every: 3, from_end: true };
        let (recorded, read_back) = both_ways(&months, &trend, Some(99.8), "%", &axes, TREND_HEIGHT);
        assert_eq!(recorded, read_back);
        // It is the compact form: the objective's dashes one dashed line,
        // no default attributes, no empty labels.
        assert!(recorded.contains("<path fill=\"none\" stroke=\"#212529\" stroke-width=\"2\" stroke-dasharray=\"5 4\" d=\"M"), "{recorded}");
        assert!(!recorded.contains("opacity") && !recorded.contains("\"></text>"), "{recorded}");

        // Thirty-one days (small markers), a latency in ms.
        let days: Vec<String> = (1..=31).map(|d| format!("{d:02}")).collect();
        let daily: Vec<(usize, Option<f64>, Status)> =
            (0..31).map(|i| (i, (i % 7 != 3).then_some(99.0 + (i % 5) as f64 * 0.3), if i % 5 == 0 { Breached } else { Met })).collect();
        let axes = Axes { x: "Day of the month", y: "Availability (%)".to_string(), label_every: 5, from_end: false };
        let (recorded, read_back) = both_ways(&days, &daily, Some(99.5), "%", &axes, DAILY_HEIGHT);
        assert_eq!(recorded, read_back);
        let axes = Axes { x: "Month", y: "Latency (ms)".to_string(), label_every: 3, from_end: true };
        let latency: Vec<(usize, Option<f64>, Status)> = (0..13).map(|i| (i, Some(400.0 + 13.0 * i as f64), if i > 9 { Breached } else { Met })).collect();
        let (recorded, read_back) = both_ways(&months, &latency, Some(500.0), "ms", &axes, TREND_HEIGHT);
        assert_eq!(recorded, read_back);

        // Tickets whose ids (from the input) need escaping, and one still open.
        let ids: Vec<String> = ["INC<1>", "INC&2", "INC\"3\"", "INC'4'", "  "].iter().map(|s| s.to_string()).collect();
        let tickets = vec![(0, Some(1.5), Met), (1, Some(9.25), Breached), (2, None, Breached), (3, Some(0.0), Met), (4, Some(4.0), Met)];
        let axes = Axes { x: "Ticket", y: "Business hours".to_string(), label_every: 1, from_end: false };
        let (recorded, read_back) = both_ways(&ids, &tickets, Some(8.0), "h", &axes, TICKETS_HEIGHT);
        assert_eq!(recorded, read_back);
        assert!(recorded.contains(">INC&lt;1&gt;</t") && recorded.contains(">INC&apos;4&apos;</t"), "{recorded}");
    }

    /// The y-axis labels of a chart: the text of its labels beside the axis
    /// (anchored at their middle height, `dy="0.5ex"`), bottom first.
    fn y_labels(svg: &str) -> Vec<String> {
        svg.lines().filter(|l| l.starts_with("<text") && l.contains("dy=\"0.5ex\"")).map(|l| l[l.find('>').unwrap() + 1..l.find("</text>").unwrap()].to_string()).collect()
    }

    #[test]
    fn y_labels_have_the_decimals_their_ticks_need() {
        let ids: Vec<String> = ["INC-1", "INC-2"].iter().map(|s| s.to_string()).collect();
        let axes = Axes { x: "Ticket", y: "Business hours".to_string(), label_every: 1, from_end: false };
        // A 30-minute response: 0.1 h and 0.3 h taken, 0.5 h allowed. The
        // axis runs from 0 to 0.5 x 1.15 = 0.575 h; plotters puts ticks at 0,
        // 0.2 and 0.4 h, read with two decimals as the range is under 1 (they
        // all read "0" with none).
        let short = y_labels(&plot(&Drawn::default(), "t", "d", &ids, &[(0, Some(0.1), Status::Met), (1, Some(0.3), Status::Met)], Some(0.5), "h", &axes, TICKETS_HEIGHT));
        assert_eq!(short, ["0.00", "0.20", "0.40"]);
        // 8 h allowed: 0 to 9.2 h, one decimal.
        let day = y_labels(&plot(&Drawn::default(), "t", "d", &ids, &[(0, Some(1.5), Status::Met), (1, Some(4.0), Status::Met)], Some(8.0), "h", &axes, TICKETS_HEIGHT));
        assert!(day.len() >= 3 && day.iter().all(|l| l.split_once('.').is_some_and(|(_, d)| d.len() == 1)), "{day:?}");
        // 40 h allowed: 0 to 46 h, whole hours.
        let week = y_labels(&plot(&Drawn::default(), "t", "d", &ids, &[(0, Some(12.0), Status::Met), (1, Some(30.0), Status::Met)], Some(40.0), "h", &axes, TICKETS_HEIGHT));
        assert!(week.len() >= 3 && week.iter().all(|l| !l.contains('.')), "{week:?}");
        // Every label of each axis differs from the next.
        for labels in [&short, &day, &week] {
            assert!(labels.windows(2).all(|w| w[0] != w[1]), "{labels:?}");
        }
    }

    #[test]
    fn a_chart_names_itself_and_describes_every_figure_escaped() {
        let svg = super::accessible("<svg width=\"10\"><rect/></svg>", "Availability & <more>", "Objective 99.5%. 2026-06 99.9% (met).");
        assert_eq!(svg, "<svg width=\"10\" role=\"img\"><title>Availability &amp; &lt;more&gt;</title><desc>Objective 99.5%. 2026-06 99.9% (met).</desc><rect/></svg>");
    }

}
