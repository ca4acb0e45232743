//! The `draw` stage: charts as SVG, drawn with plotters.
//!
//! Charts must read in greyscale (they get printed): breached points are
//! triangles in the breach colour, at-risk points squares, met points dots,
//! each status a different lightness too, and the objective a dashed black
//! line; a legend names what occurs, and both axes have titles. Labels are
//! 12 px and charts are shown at the size they are drawn, so they print at
//! 12 px. Each chart carries a `<title>` and a `<desc>` with every figure in
//! words (its text alternative; the report prints no second copy of them).
//! The output holds no time stamps or random ids: the same results give the
//! same bytes.

use plotters::prelude::*;

use crate::measure::exact::Status;
use crate::measure::print::format_value;
use crate::measure::results::TargetResult;

/// A chart ready to be written or inlined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    /// File name under `charts/`.
    pub file: String,
    /// `trend`, `daily` or `tickets`.
    pub kind: &'static str,
    pub title: String,
    /// The text alternative: what the chart shows, in words, every figure
    /// included (the chart's `<desc>` and its image's `alt`).
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
    let axes = Axes { x: "Month", y: value_axis(t), label_every: 3, from_end: true };
    let svg = plot(&title, &description, &labels, &points, Some(t.objective), t, &axes, TREND_HEIGHT);
    Chart {
        file: format!("{}-trend.svg", chart_id(t)),
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
    let summary = if below.is_empty() {
        format!("Every day with service hours was at or above {}.", format_value(Some(t.objective), "%"))
    } else {
        format!("Days below {}: {}.", format_value(Some(t.objective), "%"), below.join("; "))
    };
    let every: Vec<String> = t.daily.iter().map(|d| format!("{} {}", d.date.format("%d"), format_value(d.value, "%"))).collect();
    let description = format!("{summary} Each day: {}.", every.join("; "));
    let axes = Axes { x: "Day of the month", y: "Availability (%)".to_string(), label_every: 5, from_end: false };
    let svg = plot(&title, &description, &labels, &points, Some(t.objective), t, &axes, DAILY_HEIGHT);
    Some(Chart {
        file: format!("{}-daily.svg", chart_id(t)),
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
    let in_hours = TargetResult { unit: "h", ..t.clone() };
    let axes = Axes { x: "Ticket", y: "Business hours".to_string(), label_every, from_end: false };
    let svg = plot(&title, &summary, &labels, &hours, limit, &in_hours, &axes, TICKETS_HEIGHT);
    Some(Chart {
        file: format!("{}-tickets.svg", chart_id(t)),
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
struct Axes {
    x: &'static str,
    y: String,
    label_every: usize,
    /// Count `label_every` back from the last label (the current month).
    from_end: bool,
}

#[allow(clippy::too_many_arguments)]
fn plot(title: &str, description: &str, labels: &[String], points: &[(usize, Option<f64>, Status)], objective: Option<f64>, t: &TargetResult, axes: &Axes, height: u32) -> String {
    let values: Vec<f64> = points.iter().filter_map(|p| p.1).collect();
    let (y0, y1) = y_range(&values, objective, t.unit);
    let n = points.len().max(1);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        // Errors from plotters here can only come from the in-memory backend;
        // a chart that fails to draw is left empty rather than failing the build.
        let _ = draw(&root, labels, points, objective, t, (y0, y1), n, axes);
        let _ = root.present();
    }
    accessible(&compact(&svg), title, description)
}

/// Writes plotters' SVG with only what it draws: plotters emits one element
/// per shape with every attribute spelled out (a dashed line is a polyline
/// per dash, an unlabelled tick an empty `<text>`), about 10 kB a chart.
/// Here empty text is dropped, default attributes (`opacity="1"`, the
/// stroke width of an unstroked shape) are left out, the font is set once
/// on the `<svg>`, font sizes are rounded to 0.01 px, and runs of polylines
/// of one style are merged into one `<path>`. Nothing visible changes.
pub fn compact(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len() / 3);
    // A run of polylines of one style: the style and the path so far.
    let mut run: Option<(String, String)> = None;
    let flush = |out: &mut String, run: &mut Option<(String, String)>| {
        if let Some((style, d)) = run.take() {
            out.push_str(&format!("<path {style} d=\"{d}\"/>\n"));
        }
    };
    let mut lines = svg.lines();
    while let Some(line) = lines.next() {
        let line = line.replace(" opacity=\"1\"", "").replace(" font-family=\"sans-serif\"", "");
        if let Some(rest) = line.strip_prefix("<polyline ") {
            if let Some((style, points)) = rest.strip_suffix("\"/>").and_then(|r| r.rsplit_once(" points=\"")) {
                let mut d = String::new();
                for (i, p) in points.split_whitespace().enumerate() {
                    d.push(if i == 0 { 'M' } else { 'L' });
                    d.push_str(p);
                }
                match &mut run {
                    Some((s, path)) if s == style => path.push_str(&d),
                    _ => {
                        flush(&mut out, &mut run);
                        run = Some((style.to_string(), d));
                    }
                }
                continue;
            }
        }
        flush(&mut out, &mut run);
        if line.starts_with("<text") && !line.contains("</text>") {
            // plotters writes `<text ...>`, the text, then `</text>`, a line each.
            let mut body = String::new();
            for next in lines.by_ref() {
                if next == "</text>" {
                    break;
                }
                body.push_str(next);
            }
            if !body.trim().is_empty() {
                out.push_str(&round_font_size(&line));
                out.push_str(body.trim());
                out.push_str("</text>\n");
            }
            continue;
        }
        let line = if line.contains("stroke=\"none\"") { line.replace(" stroke-width=\"1\"", "") } else { line };
        if let Some(rest) = line.strip_prefix("<svg ") {
            out.push_str("<svg font-family=\"sans-serif\" ");
            out.push_str(rest);
        } else {
            out.push_str(&line);
        }
        out.push('\n');
    }
    flush(&mut out, &mut run);
    out
}

/// `font-size="12.096774193548388"` as `font-size="12.1"`.
fn round_font_size(tag: &str) -> String {
    let Some(start) = tag.find("font-size=\"").map(|i| i + "font-size=\"".len()) else { return tag.to_string() };
    let Some(len) = tag[start..].find('"') else { return tag.to_string() };
    match tag[start..start + len].parse::<f64>() {
        Ok(size) => format!("{}{}{}", &tag[..start], (size * 100.0).round() / 100.0, &tag[start + len..]),
        Err(_) => tag.to_string(),
    }
}

/// The legend row above the plot: the statuses that occur, and the objective.
fn legend<DB: DrawingBackend>(area: &DrawingArea<DB, plotters::coord::Shift>, points: &[(usize, Option<f64>, Status)], objective: bool) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let font = ("sans-serif", FONT).into_font().color(&INK);
    let y = 9;
    let mut x = 4;
    let has = |s: Status| points.iter().any(|p| p.1.is_some() && p.2 == s);
    if has(Status::Met) {
        area.draw(&Circle::new((x + 4, y), 4, MET.filled()))?;
        area.draw(&Text::new("met", (x + 12, y - 7), font.clone()))?;
        x += 48;
    }
    if has(Status::AtRisk) {
        area.draw(&Rectangle::new([(x, y - 4), (x + 8, y + 4)], RISK.filled()))?;
        area.draw(&Text::new("at risk", (x + 12, y - 7), font.clone()))?;
        x += 68;
    }
    if has(Status::Breached) {
        area.draw(&TriangleMarker::new((x + 5, y), 6, BREACH.filled()))?;
        area.draw(&Text::new("breached", (x + 13, y - 7), font.clone()))?;
        x += 82;
    }
    if has(Status::InsufficientData) {
        area.draw(&Circle::new((x + 4, y), 4, GREY.stroke_width(1)))?;
        area.draw(&Text::new("insufficient data", (x + 12, y - 7), font.clone()))?;
        x += 124;
    }
    if objective {
        for dash in 0..3 {
            let from = x + dash * 7;
            area.draw(&PathElement::new(vec![(from, y), (from + 4, y)], INK.stroke_width(2)))?;
        }
        area.draw(&Text::new("objective", (x + 24, y - 7), font))?;
    }
    Ok(())
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
    axes: &Axes,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let (top, body) = root.split_vertically(20);
    legend(&top, points, objective.is_some())?;
    let unit = t.unit;
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
            "h" | "ms" | "tickets" => format!("{y:.0}"),
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

/// Gives the SVG a role, a title and a description (every figure) for
/// screen readers.
fn accessible(svg: &str, title: &str, description: &str) -> String {
    let Some(end) = svg.find('>') else { return svg.to_string() };
    let (open, rest) = svg.split_at(end);
    format!(
        "{open} role=\"img\" aria-label=\"{}. {}\"><title>{}</title><desc>{}</desc>{}",
        xml_escape(title),
        xml_escape(description),
        xml_escape(title),
        xml_escape(description),
        &rest[1..]
    )
}

/// Escapes text for XML attributes and content.
pub fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    use super::compact;

    const PLOTTERS: &str = "<svg width=\"330\" height=\"160\" viewBox=\"0 0 330 160\" xmlns=\"http://www.w3.org/2000/svg\">
<rect x=\"0\" y=\"0\" width=\"330\" height=\"160\" opacity=\"1\" fill=\"#FFFFFF\" stroke=\"none\"/>
<circle cx=\"8\" cy=\"9\" r=\"4\" opacity=\"1\" fill=\"#2E7D32\" stroke=\"none\" stroke-width=\"1\"/>
<text x=\"16\" y=\"2\" dy=\"0.76em\" text-anchor=\"start\" font-family=\"sans-serif\" font-size=\"12.096774193548388\" opacity=\"1\" fill=\"#212529\">
met &amp; more
</text>
<polyline fill=\"none\" opacity=\"1\" stroke=\"#212529\" stroke-width=\"2\" points=\"52,9 56,9 \"/>
<polyline fill=\"none\" opacity=\"1\" stroke=\"#212529\" stroke-width=\"2\" points=\"59,9 63,9 \"/>
<text x=\"120\" y=\"130\" dy=\"0.76em\" text-anchor=\"middle\" font-family=\"sans-serif\" font-size=\"12.096774193548388\" opacity=\"1\" fill=\"#212529\">

</text>
<polyline fill=\"none\" opacity=\"1\" stroke=\"#6E6E6E\" stroke-width=\"1\" points=\"112,120 112,125 118,125 \"/>
<polyline fill=\"none\" opacity=\"1\" stroke=\"#212529\" stroke-width=\"2\" points=\"66,9 70,9 \"/>
</svg>
";

    #[test]
    fn compact_keeps_every_shape_and_drops_what_draws_nothing() {
        let out = compact(PLOTTERS);
        let expected = "<svg font-family=\"sans-serif\" width=\"330\" height=\"160\" viewBox=\"0 0 330 160\" xmlns=\"http://www.w3.org/2000/svg\">
<rect x=\"0\" y=\"0\" width=\"330\" height=\"160\" fill=\"#FFFFFF\" stroke=\"none\"/>
<circle cx=\"8\" cy=\"9\" r=\"4\" fill=\"#2E7D32\" stroke=\"none\"/>
<text x=\"16\" y=\"2\" dy=\"0.76em\" text-anchor=\"start\" font-size=\"12.1\" fill=\"#212529\">met &amp; more</text>
<path fill=\"none\" stroke=\"#212529\" stroke-width=\"2\" d=\"M52,9L56,9M59,9L63,9\"/>
<path fill=\"none\" stroke=\"#6E6E6E\" stroke-width=\"1\" d=\"M112,120L112,125L118,125\"/>
<path fill=\"none\" stroke=\"#212529\" stroke-width=\"2\" d=\"M66,9L70,9\"/>
</svg>
";
        // Two dashes of one style become one path; a polyline of another
        // style ends the run (drawing order is kept); the empty label is gone.
        assert_eq!(out, expected);
        // Compacting again changes nothing.
        assert_eq!(compact(&out), out);
    }
}
