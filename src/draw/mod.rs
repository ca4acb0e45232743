//! The `draw` stage: charts as SVG, drawn with plotters.
//!
//! Charts must read in greyscale (they get printed): breached points are
//! triangles in the breach colour, at-risk points squares, met points dots,
//! each status a different lightness too, and the objective a dashed black
//! line; a legend names what occurs, and both axes have titles. Labels are
//! 12 px and charts are shown at the size they are drawn, so they print at
//! 12 px. Each chart carries a `<title>` and a `<desc>` with every figure in
//! words (its text alternative; the report prints no second copy of them);
//! its file under `charts/` leaves the `<desc>` to the `alt` of the image
//! that shows it ([`Chart::file_svg`]).
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

impl Chart {
    /// The chart as a file of its own under `charts/`, which index.html
    /// shows with an `<img>` whose `alt` is the text alternative (an image's
    /// own `<title>` and `<desc>` are not read out): the `<desc>`, every
    /// figure in words again, is left out; the `<title>` names the chart
    /// when the file is opened on its own.
    pub fn file_svg(&self) -> String {
        let desc = self.svg.find("<desc>").zip(self.svg.find("</desc>"));
        match desc {
            Some((start, end)) if start < end => format!("{}{}", &self.svg[..start], &self.svg[end + "</desc>".len()..]),
            _ => self.svg.clone(),
        }
    }
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

/// Writes plotters' SVG with only what it draws. plotters emits one element
/// per shape with every attribute spelled out (a dashed line is a polyline
/// per dash, each tick mark a polyline of its own between the tick labels,
/// each grid line a `<line>`, each marker a circle with its own fill, an
/// unlabelled tick an empty `<text>`), about 10 kB a chart. Here empty text
/// is dropped; default attributes (`opacity="1"`, the stroke width of an
/// unstroked shape) are left out; font sizes are rounded to 0.01 px; the
/// font family is set once on the `<svg>`, and so are the font size, text
/// anchor and text colour most labels have when every label has one (the
/// others keep their own; the colour only when every other element that
/// paints has a fill of its own, so none inherits it).
///
/// Polylines and lines of one stroke are merged into one `<path>` while
/// they come one after another, or with only labels between them: those
/// labels are then written after the path, so a label is moved only past
/// lines clear of its ink ([`Label::clear_of`]). A line joins a path only
/// when it is at least 1 px from every line already in it, so no pixel is
/// painted by two of them: painting them at once colours each pixel as
/// painting them one by one did. Path data is written in its shortest form
/// (relative steps, `h` and `v`). Filled shapes (markers, legend keys) are
/// not merged (a path of several circles or triangles is smoothed
/// differently at its edges than each drawn alone): a run of them of one
/// style is put in a `<g>` that carries the style they share. Shapes of
/// different styles keep their order. Nothing visible changes.
pub fn compact(svg: &str) -> String {
    let items = read_plotters(svg);
    let labels: Vec<&Label> = items.iter().filter_map(|i| if let Item::Label(l) = i { Some(l) } else { None }).collect();
    // Only when every text is a label read here (none of its own form that
    // might lack the attribute and inherit it).
    let all_labels = items.iter().all(|i| !matches!(i, Item::Other(line) if line.starts_with("<text")));
    // The value of an attribute most labels have (the first seen of those
    // most seen), when every label has it: set on the <svg>, it is left off
    // the labels that have it and the others keep their own.
    let common = |name: &str| {
        let values: Vec<&str> = labels.iter().map(|l| l.attr(name)).collect::<Option<_>>().filter(|_| all_labels)?;
        let (mut most, mut times) = (*values.first()?, 0);
        for &value in &values {
            let n = values.iter().filter(|v| **v == value).count();
            if n > times {
                (most, times) = (value, n);
            }
        }
        Some((name.to_string(), most.to_string()))
    };
    // A fill on the <svg> is inherited by any element without one of its
    // own: only when each element that paints has one (a line has nothing
    // to fill, merged lines get `fill="none"`).
    let all_filled = items.iter().all(|i| match i {
        Item::Other(line) => line.starts_with("<svg ") || line.starts_with("</") || line.starts_with("<line ") || line.contains(" fill=\""),
        Item::Marker(m) => m.style.contains("fill=\""),
        Item::Line(_) | Item::Label(_) => true,
    });
    let inherited: Vec<(String, String)> =
        [common("font-size"), common("text-anchor"), common("fill").filter(|_| all_filled)].into_iter().flatten().collect();
    let mut out = Writer { out: String::with_capacity(svg.len() / 3), run: Vec::new(), labels: Vec::new(), markers: Vec::new(), inherited: &inherited };
    for item in items {
        match item {
            Item::Line(line) => {
                let joins = out.run.first().is_some_and(|first| first.style == line.style)
                    && out.run.iter().all(|l| l.bounds.apart(&line.bounds))
                    && out.labels.iter().all(|l| l.clear_of(&line.bounds));
                if !joins {
                    out.flush();
                }
                out.run.push(line);
            }
            Item::Label(label) if !out.run.is_empty() => out.labels.push(label),
            Item::Label(label) => {
                out.flush();
                let markup = label.markup(&inherited);
                out.line(&markup);
            }
            Item::Marker(marker) => {
                if out.markers.first().is_none_or(|first| first.style != marker.style) {
                    out.flush();
                }
                out.markers.push(marker);
            }
            Item::Other(element) => {
                out.flush();
                match element.strip_prefix("<svg ") {
                    Some(rest) => {
                        let mut open = String::from("<svg font-family=\"sans-serif\" ");
                        for (name, value) in &inherited {
                            open.push_str(&format!("{name}=\"{value}\" "));
                        }
                        open.push_str(rest);
                        out.line(&open);
                    }
                    None => out.line(&element),
                }
            }
        }
    }
    out.flush();
    out.out
}

/// One element of plotters' SVG.
enum Item {
    /// A stroked polyline or line, which may be merged with others of its style.
    Line(Line),
    /// A `<text>` with text in it.
    Label(Label),
    /// A circle, rectangle or polygon, which may be grouped with others of its style.
    Marker(Marker),
    /// Anything else, written as it is.
    Other(String),
}

struct Line {
    /// Its attributes but its points, as a path's: lines merge when these are the same.
    style: String,
    /// How it is written when no other line joins it.
    alone: String,
    /// Its points, in whole pixels.
    points: Vec<(i64, i64)>,
    bounds: Bounds,
}

/// Where a line paints, its stroke included.
#[derive(Clone, Copy)]
struct Bounds {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

impl Bounds {
    /// At least 1 px apart, so no pixel (at the drawn size or larger) is
    /// painted by both.
    fn apart(&self, other: &Bounds) -> bool {
        other.x0 - self.x1 >= 1.0 || self.x0 - other.x1 >= 1.0 || other.y0 - self.y1 >= 1.0 || self.y0 - other.y1 >= 1.0
    }
}

struct Marker {
    /// Its fill, stroke and stroke width: markers are grouped when these are the same.
    style: String,
    /// It without them.
    bare: String,
    /// It as it came.
    whole: String,
}

struct Label {
    /// The attributes of its `<text>` tag, the font size rounded.
    attrs: Vec<(String, String)>,
    /// The text, as plotters escaped it, trimmed.
    body: String,
    /// Where its ink may reach, read from its attributes the first time a
    /// line is held against it (see [`Label::clear_of`]).
    ink: std::cell::OnceCell<Option<Ink>>,
}

/// A label's anchor and how far its ink may pass it: `start` is true for
/// `text-anchor="start"` and false for `end`; `hangs` is true for
/// `dy="0.76em"` and false for `dy="-0.5ex"`; `None` where the label
/// anchors no side that way.
#[derive(Clone, Copy)]
struct Ink {
    x: f64,
    y: f64,
    reach: f64,
    start: Option<bool>,
    hangs: Option<bool>,
}

impl Label {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// `<text ...>body</text>` without the attributes it inherits from the `<svg>`.
    fn markup(&self, inherited: &[(String, String)]) -> String {
        let mut tag = String::from("<text");
        for (name, value) in &self.attrs {
            if !inherited.iter().any(|(n, v)| n == name && v == value) {
                tag.push_str(&format!(" {name}=\"{value}\""));
            }
        }
        format!("{tag}>{}</text>", self.body)
    }

    /// Whether a line is clear of this label's ink: at least 1 px beyond a
    /// side the label's anchor bounds. plotters anchors a label at its
    /// start or end (`text-anchor`), and at its top (`dy="0.76em"`: it
    /// hangs below y) or bottom (`dy="-0.5ex"`: it stands on y); the ink
    /// passes that edge by at most a fifth of the font size (an accent on a
    /// capital, a glyph's overhang). A label centred both ways, turned
    /// (`transform`) or in italics is clear of nothing.
    fn clear_of(&self, b: &Bounds) -> bool {
        let Some(ink) = *self.ink.get_or_init(|| self.read_ink()) else { return false };
        let across = match ink.start {
            Some(true) => ink.x - ink.reach - b.x1 >= 1.0,
            Some(false) => b.x0 - (ink.x + ink.reach) >= 1.0,
            None => false,
        };
        let down = match ink.hangs {
            Some(true) => ink.y - ink.reach - b.y1 >= 1.0,
            Some(false) => b.y0 - (ink.y + ink.reach) >= 1.0,
            None => false,
        };
        across || down
    }

    fn read_ink(&self) -> Option<Ink> {
        let known = ["x", "y", "dy", "text-anchor", "font-size", "fill", "font-weight", "opacity"];
        if self.attrs.iter().any(|(name, _)| !known.contains(&name.as_str())) {
            return None;
        }
        let num = |name: &str| self.attr(name).and_then(|v| v.parse::<f64>().ok());
        let (x, y, size) = (num("x")?, num("y")?, num("font-size")?);
        let start = match self.attr("text-anchor") {
            Some("start") => Some(true),
            Some("end") => Some(false),
            _ => None,
        };
        let hangs = match self.attr("dy") {
            Some("0.76em") => Some(true),
            Some("-0.5ex") => Some(false),
            _ => None,
        };
        Some(Ink { x, y, reach: size / 5.0, start, hangs })
    }
}

/// The output, with the run of lines of one style being merged and the
/// labels that came between them, or the run of markers of one style being
/// grouped (one run at a time).
struct Writer<'a> {
    out: String,
    run: Vec<Line>,
    labels: Vec<Label>,
    markers: Vec<Marker>,
    inherited: &'a [(String, String)],
}

impl Writer<'_> {
    fn line(&mut self, line: &str) {
        self.out.push_str(line);
        self.out.push('\n');
    }

    /// Writes the run of lines as one path (a lone line as it was), then the
    /// labels; or the run of markers in a `<g>` that carries their style (a
    /// lone one as it was).
    fn flush(&mut self) {
        let markers = std::mem::take(&mut self.markers);
        match markers.as_slice() {
            [] => {}
            [one] => self.line(&one.whole),
            [first, ..] => {
                self.line(&format!("<g {}>", first.style));
                for marker in &markers {
                    self.line(&marker.bare);
                }
                self.line("</g>");
            }
        }
        let run = std::mem::take(&mut self.run);
        match run.as_slice() {
            [] => {}
            [one] => self.line(&one.alone),
            [first, ..] => {
                let path = format!("<path {} d=\"{}\"/>", first.style, path_data(run.iter().map(|l| l.points.as_slice())));
                self.line(&path);
            }
        }
        for label in std::mem::take(&mut self.labels) {
            let markup = label.markup(self.inherited);
            self.line(&markup);
        }
    }
}

/// plotters' SVG as elements: one a line, but a `<text>` over three (its
/// tag, its text, `</text>`). Empty text and default attributes are dropped
/// here.
fn read_plotters(svg: &str) -> Vec<Item> {
    let mut items = Vec::new();
    let mut lines = svg.lines();
    while let Some(line) = lines.next() {
        let line = line.replace(" opacity=\"1\"", "").replace(" font-family=\"sans-serif\"", "");
        if line.starts_with("<text") && !line.contains("</text>") {
            let mut body = String::new();
            for next in lines.by_ref() {
                if next == "</text>" {
                    break;
                }
                body.push_str(next);
            }
            if body.trim().is_empty() {
                continue;
            }
            let tag = round_font_size(&line);
            items.push(match element(&tag) {
                Some(Tag { name: "text", attrs, closed: false }) => Item::Label(Label {
                    attrs: attrs.into_iter().map(|(n, v)| (n.to_string(), v.to_string())).collect(),
                    body: body.trim().to_string(),
                    ink: std::cell::OnceCell::new(),
                }),
                _ => Item::Other(format!("{tag}{}</text>", body.trim())),
            });
            continue;
        }
        let line = if line.contains("stroke=\"none\"") { line.replace(" stroke-width=\"1\"", "") } else { line };
        // Each tag parsed once: a line that can merge, else a marker that can group.
        let shape = element(&line).and_then(|tag| stroked_line(&line, &tag).map(Item::Line).or_else(|| marker(&line, &tag).map(Item::Marker)));
        items.push(shape.unwrap_or(Item::Other(line)));
    }
    items
}

/// A tag as plotters writes it: its name, its attributes (`name="value"`
/// apart) and whether it closes itself.
struct Tag<'a> {
    name: &'a str,
    attrs: Vec<(&'a str, &'a str)>,
    closed: bool,
}

fn element(tag: &str) -> Option<Tag<'_>> {
    let inner = tag.strip_prefix('<')?;
    let (inner, closed) = match inner.strip_suffix("/>") {
        Some(inner) => (inner, true),
        None => (inner.strip_suffix('>')?, false),
    };
    let (name, mut rest) = inner.split_once(' ')?;
    let mut attrs = Vec::new();
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return Some(Tag { name, attrs, closed });
        }
        let (key, after) = rest.split_once("=\"")?;
        let (value, after) = after.split_once('"')?;
        if key.is_empty() || key.contains(char::is_whitespace) {
            return None;
        }
        attrs.push((key, value));
        rest = after;
    }
}

/// A `<polyline>` (`fill="none"`) or `<line>` with a stroke, nothing on it
/// but its stroke, stroke width and points, all in whole pixels: one that
/// can be merged with others of its style into a path.
fn stroked_line(tag: &str, parsed: &Tag) -> Option<Line> {
    let Tag { name, attrs, closed: true } = parsed else { return None };
    let name = *name;
    let (geometry, fill): (&[&str], _) = match name {
        "polyline" => (&["points"], Some("none")),
        "line" => (&["x1", "y1", "x2", "y2"], None),
        _ => return None,
    };
    let get = |key: &str| attrs.iter().find(|(n, _)| *n == key).map(|(_, v)| *v);
    let mut style = Vec::new();
    for (key, value) in attrs {
        if !geometry.contains(key) {
            if !matches!(*key, "fill" | "stroke" | "stroke-width") {
                return None;
            }
            style.push(format!("{key}=\"{value}\""));
        }
    }
    let width: f64 = get("stroke-width").map_or(Some(1.0), |w| w.parse().ok())?;
    if get("fill") != fill || get("stroke").is_none_or(|s| s == "none") || width <= 0.0 {
        return None;
    }
    let points: Vec<(i64, i64)> = if name == "line" {
        let num = |key: &str| get(key)?.parse().ok();
        vec![(num("x1")?, num("y1")?), (num("x2")?, num("y2")?)]
    } else {
        let points = get("points")?.split_whitespace().map(|p| {
            let (x, y) = p.split_once(',')?;
            Some((x.parse().ok()?, y.parse().ok()?))
        });
        points.collect::<Option<_>>()?
    };
    if points.is_empty() {
        return None;
    }
    let (ex, ey) = match points.as_slice() {
        // A single stretch: its butt ends reach no further than its ends.
        [a, b] if a != b => {
            let (dx, dy) = ((b.0 - a.0) as f64, (b.1 - a.1) as f64);
            let len = dx.hypot(dy);
            (width / 2.0 * dy.abs() / len, width / 2.0 * dx.abs() / len)
        }
        // A mitred join reaches at most twice the width past its point (miter limit 4).
        _ => (width * 2.0, width * 2.0),
    };
    let xs = points.iter().map(|p| p.0 as f64);
    let ys = points.iter().map(|p| p.1 as f64);
    let bounds = Bounds {
        x0: xs.clone().fold(f64::INFINITY, f64::min) - ex,
        x1: xs.fold(f64::NEG_INFINITY, f64::max) + ex,
        y0: ys.clone().fold(f64::INFINITY, f64::min) - ey,
        y1: ys.fold(f64::NEG_INFINITY, f64::max) + ey,
    };
    // A path is filled black unless told otherwise; a line is never filled.
    let style = if name == "line" { format!("fill=\"none\" {}", style.join(" ")) } else { style.join(" ") };
    let alone = if name == "line" { tag.to_string() } else { format!("<path {style} d=\"{}\"/>", path_data([points.as_slice()])) };
    Some(Line { style, alone, points, bounds })
}

/// A `<circle>`, `<rect>` or `<polygon>` with a fill: one that can be
/// grouped with others of its style in a `<g>` that carries their fill,
/// stroke and stroke width (all inherited), which draws them exactly as
/// before (a group without opacity, filter, clip or transform only passes
/// its style on).
fn marker(tag: &str, parsed: &Tag) -> Option<Marker> {
    let Tag { name: name @ ("circle" | "rect" | "polygon"), attrs, closed: true } = parsed else { return None };
    let inherited = |key: &str| matches!(key, "fill" | "stroke" | "stroke-width");
    if !attrs.iter().any(|(key, _)| *key == "fill") {
        return None;
    }
    let join = |keep: bool| attrs.iter().filter(|(key, _)| inherited(key) == keep).map(|(key, value)| format!("{key}=\"{value}\"")).collect::<Vec<_>>().join(" ");
    Some(Marker { style: join(true), bare: format!("<{name} {}/>", join(false)), whole: tag.to_string() })
}

/// The path data of polylines in its shortest form: each step absolute or
/// relative, whichever is shorter, and `h`/`v` for level and upright ones.
fn path_data<'a>(lines: impl IntoIterator<Item = &'a [(i64, i64)]>) -> String {
    // "x,y", or "x-y" when y is negative.
    let sep = |y: i64| if y < 0 { "" } else { "," };
    let (mut d, mut best, mut scratch) = (String::new(), String::new(), String::new());
    let mut at = (0, 0);
    for line in lines {
        for (i, &(x, y)) in line.iter().enumerate() {
            let (dx, dy) = (x - at.0, y - at.1);
            // The first of the shortest forms, as each is offered in turn.
            best.clear();
            let mut offer = |form: std::fmt::Arguments| {
                scratch.clear();
                let _ = std::fmt::Write::write_fmt(&mut scratch, form);
                if best.is_empty() || scratch.len() < best.len() {
                    std::mem::swap(&mut best, &mut scratch);
                }
            };
            if i == 0 {
                offer(format_args!("M{x}{}{y}", sep(y)));
                if !d.is_empty() {
                    offer(format_args!("m{dx}{}{dy}", sep(dy)));
                }
            } else {
                offer(format_args!("L{x}{}{y}", sep(y)));
                offer(format_args!("l{dx}{}{dy}", sep(dy)));
                if dy == 0 {
                    offer(format_args!("H{x}"));
                    offer(format_args!("h{dx}"));
                }
                if dx == 0 {
                    offer(format_args!("V{y}"));
                    offer(format_args!("v{dy}"));
                }
            }
            d.push_str(&best);
            at = (x, y);
        }
    }
    d
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

/// Gives the SVG a role and, as its first children, a `<title>` and a
/// `<desc>` (every figure) for screen readers: an SVG `img` takes its
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
    use super::{compact, path_data, Bounds, Chart, Label};

    #[test]
    fn a_chart_file_leaves_out_the_description_only() {
        let svg = super::accessible("<svg width=\"10\"><rect/></svg>", "Availability & <more>", "Objective 99.5%. 2026-06 99.9% (met).");
        assert_eq!(svg, "<svg width=\"10\" role=\"img\"><title>Availability &amp; &lt;more&gt;</title><desc>Objective 99.5%. 2026-06 99.9% (met).</desc><rect/></svg>");
        let chart = Chart { file: "a.svg".into(), kind: "trend", title: String::new(), description: String::new(), caption: None, width: 10, height: 10, svg };
        assert_eq!(chart.file_svg(), "<svg width=\"10\" role=\"img\"><title>Availability &amp; &lt;more&gt;</title><rect/></svg>");
    }

    /// plotters' SVG (as `SVGBackend` writes it) of a legend, two grid
    /// lines, a y axis with two ticks, an x tick under its label, a turned
    /// axis title, the value line and its markers.
    const PLOTTERS: &str = r##"<svg width="330" height="160" viewBox="0 0 330 160" xmlns="http://www.w3.org/2000/svg">
<rect x="0" y="0" width="330" height="160" opacity="1" fill="#FFFFFF" stroke="none"/>
<circle cx="8" cy="9" r="4" opacity="1" fill="#2E7D32" stroke="none" stroke-width="1"/>
<text x="16" y="2" dy="0.76em" text-anchor="start" font-family="sans-serif" font-size="12.096774193548388" opacity="1" fill="#212529">
met &amp; more
</text>
<polyline fill="none" opacity="1" stroke="#212529" stroke-width="2" points="52,9 56,9 "/>
<polyline fill="none" opacity="1" stroke="#212529" stroke-width="2" points="59,9 63,9 "/>
<text x="120" y="130" dy="0.76em" text-anchor="middle" font-family="sans-serif" font-size="12.096774193548388" opacity="1" fill="#212529">

</text>
<line opacity="1" stroke="#D2D2D2" stroke-width="1" x1="68" y1="101" x2="319" y2="101"/>
<line opacity="1" stroke="#D2D2D2" stroke-width="1" x1="68" y1="77" x2="319" y2="77"/>
<polyline fill="none" opacity="1" stroke="#6E6E6E" stroke-width="1" points="67,24 67,119 "/>
<text x="58" y="101" dy="0.5ex" text-anchor="end" font-family="sans-serif" font-size="12.096774193548388" opacity="1" fill="#212529">
99.8
</text>
<polyline fill="none" opacity="1" stroke="#6E6E6E" stroke-width="1" points="62,101 67,101 "/>
<text x="58" y="77" dy="0.5ex" text-anchor="end" font-family="sans-serif" font-size="12.096774193548388" opacity="1" fill="#212529">
99.9
</text>
<polyline fill="none" opacity="1" stroke="#6E6E6E" stroke-width="1" points="62,77 67,77 "/>
<text x="72" y="130" dy="0.76em" text-anchor="middle" font-family="sans-serif" font-size="12.096774193548388" opacity="1" fill="#212529">
01
</text>
<polyline fill="none" opacity="1" stroke="#6E6E6E" stroke-width="1" points="72,120 72,125 "/>
<text x="2" y="72" dy="0.76em" text-anchor="middle" font-family="sans-serif" font-size="12.096774193548388" opacity="1" fill="#212529" transform="rotate(270, 2, 72)">
Availability (%)
</text>
<polyline fill="none" opacity="1" stroke="#6E6E6E" stroke-width="1" points="80,120 80,125 "/>
<polyline fill="none" opacity="1" stroke="#7890B0" stroke-width="2" points="72,28 80,28 104,28 "/>
<circle cx="72" cy="28" r="2" opacity="1" fill="#2E7D32" stroke="none" stroke-width="1"/>
<circle cx="80" cy="28" r="2" opacity="1" fill="#2E7D32" stroke="none" stroke-width="1"/>
<circle cx="104" cy="28" r="2" opacity="1" fill="#2E7D32" stroke="none" stroke-width="1"/>
<polygon opacity="1" fill="#A4161A" points="154,119 149,128 160,128 "/>
<polyline fill="none" opacity="1" stroke="#212529" stroke-width="2" points="66,9 70,9 "/>
</svg>
"##;

    #[test]
    fn compact_keeps_every_shape_and_drops_what_draws_nothing() {
        let out = compact(PLOTTERS);
        let expected = r##"<svg font-family="sans-serif" font-size="12.1" text-anchor="end" fill="#212529" width="330" height="160" viewBox="0 0 330 160" xmlns="http://www.w3.org/2000/svg">
<rect x="0" y="0" width="330" height="160" fill="#FFFFFF" stroke="none"/>
<circle cx="8" cy="9" r="4" fill="#2E7D32" stroke="none"/>
<text x="16" y="2" dy="0.76em" text-anchor="start">met &amp; more</text>
<path fill="none" stroke="#212529" stroke-width="2" d="M52,9h4m3,0h4"/>
<path fill="none" stroke="#D2D2D2" stroke-width="1" d="M68,101H319M68,77H319"/>
<path fill="none" stroke="#6E6E6E" stroke-width="1" d="M67,24v95"/>
<text x="58" y="101" dy="0.5ex">99.8</text>
<path fill="none" stroke="#6E6E6E" stroke-width="1" d="M62,101h5M62,77h5m5,43v5"/>
<text x="58" y="77" dy="0.5ex">99.9</text>
<text x="72" y="130" dy="0.76em" text-anchor="middle">01</text>
<text x="2" y="72" dy="0.76em" text-anchor="middle" transform="rotate(270, 2, 72)">Availability (%)</text>
<path fill="none" stroke="#6E6E6E" stroke-width="1" d="M80,120v5"/>
<path fill="none" stroke="#7890B0" stroke-width="2" d="M72,28h8h24"/>
<g fill="#2E7D32" stroke="none">
<circle cx="72" cy="28" r="2"/>
<circle cx="80" cy="28" r="2"/>
<circle cx="104" cy="28" r="2"/>
</g>
<polygon fill="#A4161A" points="154,119 149,128 160,128 "/>
<path fill="none" stroke="#212529" stroke-width="2" d="M66,9h4"/>
</svg>
"##;
        // The font size, the colour of every label and the anchor most have
        // (end and middle two each: the first seen) are set on the <svg>.
        // Two dashes become one path, two grid lines another. The first y
        // tick overlaps the axis, so it starts a path of its own; the second
        // and the x tick join it and the labels between are written after
        // it (each is clear of the ticks that now come before it); the
        // turned title is clear of nothing, so the next tick starts again.
        // Markers of one style share a group; a polyline of another style
        // ends a run (drawing order is kept); the empty label is gone.
        assert_eq!(out, expected);
        // Compacting again changes nothing.
        assert_eq!(compact(&out), out);
    }

    #[test]
    fn a_label_is_moved_only_past_lines_clear_of_its_ink() {
        let label = |attrs: &[(&str, &str)]| Label {
            attrs: attrs.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect(),
            body: "99.9".to_string(),
            ink: std::cell::OnceCell::new(),
        };
        // A y tick from 62 to 67 at y = 77, 1 px wide.
        let tick = Bounds { x0: 62.0, y0: 76.5, x1: 67.0, y1: 77.5 };
        let y_label = |x: &str| label(&[("x", x), ("y", "77"), ("dy", "0.5ex"), ("text-anchor", "end"), ("font-size", "12.1")]);
        // Ending at 58, its ink reaches 60.42: 1.58 px short of the tick.
        assert!(y_label("58").clear_of(&tick));
        // Ending at 59, 0.58 px: too close.
        assert!(!y_label("59").clear_of(&tick));
        // Hanging below y = 130 (ink from 127.58), clear of an x tick ending at 125.
        let x_label = label(&[("x", "72"), ("y", "130"), ("dy", "0.76em"), ("text-anchor", "middle"), ("font-size", "12.1")]);
        assert!(x_label.clear_of(&Bounds { x0: 71.5, y0: 120.0, x1: 72.5, y1: 125.0 }));
        assert!(!x_label.clear_of(&Bounds { x0: 71.5, y0: 120.0, x1: 72.5, y1: 127.0 }));
        // Centred both ways, or in italics: clear of nothing.
        let centred = label(&[("x", "72"), ("y", "30"), ("dy", "0.5ex"), ("text-anchor", "middle"), ("font-size", "12.1")]);
        assert!(!centred.clear_of(&tick));
        let italic = label(&[("x", "58"), ("y", "77"), ("dy", "0.5ex"), ("text-anchor", "end"), ("font-size", "12.1"), ("font-style", "italic")]);
        assert!(!italic.clear_of(&tick));
    }

    #[test]
    fn path_data_takes_the_shorter_of_absolute_and_relative() {
        let ticks: [&[(i64, i64)]; 3] = [&[(62, 130), (67, 130)], &[(62, 105), (67, 105)], &[(62, 80), (67, 80)]];
        assert_eq!(path_data(ticks), "M62,130h5m-5-25h5M62,80h5");
        assert_eq!(path_data([&[(77, 29), (96, 35), (116, 29), (135, 29), (135, 129)][..]]), "M77,29l19,6l20-6h19V129");
    }
}
