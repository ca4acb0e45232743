//! The charts' SVG (a part of `draw`): plotters draws each chart on a
//! [`Recorder`], which takes each shape as the element plotters' own
//! `SVGBackend` writes for it (the same attributes in the same order, the
//! same numbers), and [`write`] writes them with only what they draw.
//!
//! Taking the shapes as they are drawn, rather than reading back the text
//! `SVGBackend` wrote, spares parsing about a hundred elements a chart:
//! reading plotters' SVG back was a fifth of a whole build's CPU. The tests
//! hold the two ways against each other on real charts
//! (`the_recorder_writes_what_compacting_plotters_svg_wrote`).

use std::convert::Infallible;
use std::fmt::Write as _;
use std::rc::Rc;

use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, IntoDrawingArea};
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind, FontStyle, FontTransform};

/// Draws a chart of `size` pixels with `draw` and returns its compact SVG.
pub(super) fn record(size: (u32, u32), draw: impl FnOnce(&DrawingArea<Recorder<'_>, Shift>)) -> String {
    let (w, h) = size;
    // No `xmlns`: a chart is inlined in HTML, where `<svg>` is SVG anyway.
    let mut items = vec![Item::Other(format!("<svg width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">"))];
    draw(&Recorder { size, items: &mut items, styles: Vec::new(), font_size: None }.into_drawing_area());
    items.push(Item::Other("</svg>".to_string()));
    write(items)
}

/// A plotters backend that keeps what is drawn on it as [`Item`]s.
pub(super) struct Recorder<'a> {
    size: (u32, u32),
    items: &'a mut Vec<Item>,
    /// The style of each stroke colour and width of the chart's lines, made
    /// once (a chart has a few, and a hundred lines).
    styles: Vec<((u8, u8, u8), u32, Rc<str>)>,
    /// The last font size asked for (its bits) and its `font-size` ([`font_size`]).
    font_size: Option<(u64, String)>,
}

/// `#RRGGBB`, as plotters writes a colour.
fn colour(c: BackendColor) -> String {
    let (r, g, b) = c.rgb;
    format!("#{r:02X}{g:02X}{b:02X}")
}

/// Points in whole pixels.
fn points(path: impl IntoIterator<Item = BackendCoord>) -> Vec<(i64, i64)> {
    path.into_iter().map(|(x, y)| (i64::from(x), i64::from(y))).collect()
}

/// Text as plotters escapes it.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

type Drawn = Result<(), DrawingErrorKind<Infallible>>;

/// A polyline's attributes as plotters writes them.
fn polyline_attrs(c: BackendColor, width: u32) -> Vec<(&'static str, String)> {
    let mut attrs = vec![("fill", "none".to_string()), ("stroke", colour(c)), ("stroke-width", width.to_string())];
    opacity(&mut attrs, 1, c);
    attrs
}

/// plotters writes a shape's `opacity` at place `at` of its attributes: an
/// opaque one's `opacity="1"` draws nothing and is left out (as [`shape`]
/// and [`label`] leave it out of what they are given).
fn opacity(attrs: &mut Vec<(&'static str, String)>, at: usize, c: BackendColor) {
    if c.alpha != 1.0 {
        attrs.insert(at, ("opacity", c.alpha.to_string()));
    }
}

impl Recorder<'_> {
    fn push(&mut self, name: &'static str, attrs: Vec<(&'static str, String)>, points: Option<Vec<(i64, i64)>>) -> Drawn {
        self.items.push(shape(Element { name, attrs, points }));
        Ok(())
    }
}

/// Each method takes the element `SVGBackend` (plotters-svg 0.3.7) writes
/// for the shape; nothing with a transparent colour is drawn.
impl DrawingBackend for Recorder<'_> {
    type ErrorType = Infallible;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> Drawn {
        Ok(())
    }

    fn present(&mut self) -> Drawn {
        Ok(())
    }

    fn draw_pixel(&mut self, (x, y): BackendCoord, c: BackendColor) -> Drawn {
        if c.alpha == 0.0 {
            return Ok(());
        }
        let mut attrs = vec![
            ("x", x.to_string()),
            ("y", y.to_string()),
            ("width", "1".to_string()),
            ("height", "1".to_string()),
            ("stroke", "none".to_string()),
            ("fill", colour(c)),
        ];
        opacity(&mut attrs, 5, c);
        self.push("rect", attrs, None)
    }

    fn draw_line<S: BackendStyle>(&mut self, from: BackendCoord, to: BackendCoord, style: &S) -> Drawn {
        let c = style.color();
        if c.alpha == 0.0 {
            return Ok(());
        }
        let mut attrs = vec![
            ("stroke", colour(c)),
            ("stroke-width", style.stroke_width().to_string()),
            ("x1", from.0.to_string()),
            ("y1", from.1.to_string()),
            ("x2", to.0.to_string()),
            ("y2", to.1.to_string()),
        ];
        opacity(&mut attrs, 0, c);
        self.push("line", attrs, None)
    }

    fn draw_rect<S: BackendStyle>(&mut self, upper_left: BackendCoord, bottom_right: BackendCoord, style: &S, fill: bool) -> Drawn {
        let c = style.color();
        if c.alpha == 0.0 {
            return Ok(());
        }
        let (fill, stroke) = if fill { (colour(c), "none".to_string()) } else { ("none".to_string(), colour(c)) };
        let mut attrs = vec![
            ("x", upper_left.0.to_string()),
            ("y", upper_left.1.to_string()),
            ("width", (bottom_right.0 - upper_left.0).to_string()),
            ("height", (bottom_right.1 - upper_left.1).to_string()),
            ("fill", fill),
            ("stroke", stroke),
        ];
        opacity(&mut attrs, 4, c);
        self.push("rect", attrs, None)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, path: I, style: &S) -> Drawn {
        let c = style.color();
        if c.alpha == 0.0 {
            return Ok(());
        }
        let (width, points) = (style.stroke_width(), points(path));
        if c.alpha == 1.0 && width > 0 && !points.is_empty() {
            // An opaque stroked polyline (every tick, dash and trend line) is
            // the line `shape` would make of its element, made at once.
            let bounds = Bounds::of_stroke(&points, f64::from(width));
            let style = match self.styles.iter().find(|(rgb, w, _)| *rgb == c.rgb && *w == width) {
                Some((.., style)) => style.clone(),
                None => {
                    let (r, g, b) = c.rgb;
                    let style: Rc<str> = format!("fill=\"none\" stroke=\"#{r:02X}{g:02X}{b:02X}\" stroke-width=\"{width}\"").into();
                    self.styles.push((c.rgb, width, style.clone()));
                    style
                }
            };
            self.items.push(Item::Line(Line { style, line: None, points, bounds }));
            return Ok(());
        }
        self.push("polyline", polyline_attrs(c, width), Some(points))
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, path: I, style: &S) -> Drawn {
        let c = style.color();
        if c.alpha == 0.0 {
            return Ok(());
        }
        let mut attrs = vec![("fill", colour(c))];
        opacity(&mut attrs, 0, c);
        self.push("polygon", attrs, Some(points(path)))
    }

    fn draw_circle<S: BackendStyle>(&mut self, center: BackendCoord, radius: u32, style: &S, fill: bool) -> Drawn {
        let c = style.color();
        if c.alpha == 0.0 {
            return Ok(());
        }
        let (stroke, fill) = if fill { ("none".to_string(), colour(c)) } else { (colour(c), "none".to_string()) };
        let mut attrs = vec![
            ("cx", center.0.to_string()),
            ("cy", center.1.to_string()),
            ("r", radius.to_string()),
            ("fill", fill),
            ("stroke", stroke),
            ("stroke-width", style.stroke_width().to_string()),
        ];
        opacity(&mut attrs, 3, c);
        self.push("circle", attrs, None)
    }

    fn draw_text<S: BackendTextStyle>(&mut self, text: &str, style: &S, (x, y): BackendCoord) -> Drawn {
        let c = style.color();
        if c.alpha == 0.0 {
            return Ok(());
        }
        let anchor = match style.anchor().h_pos {
            HPos::Left => "start",
            HPos::Right => "end",
            HPos::Center => "middle",
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => "0.76em",
            VPos::Center => "0.5ex",
            VPos::Bottom => "-0.5ex",
        };
        // plotters writes a font of size n as n / 1.24 px; worked out once per size.
        let size = style.size();
        let font_size = match &self.font_size {
            Some((bits, rounded)) if *bits == size.to_bits() => rounded.clone(),
            _ => {
                let rounded = font_size(size / 1.24);
                self.font_size = Some((size.to_bits(), rounded.clone()));
                rounded
            }
        };
        let mut attrs = vec![
            ("x", x.to_string()),
            ("y", y.to_string()),
            ("dy", dy.to_string()),
            ("text-anchor", anchor.to_string()),
            ("font-size", font_size),
            ("fill", colour(c)),
        ];
        opacity(&mut attrs, 5, c);
        // The family is set on the `<svg>` (`label` leaves sans-serif out).
        let family = style.family();
        if family.as_str() != "sans-serif" {
            attrs.insert(4, ("font-family", family.as_str().to_string()));
        }
        match style.style() {
            FontStyle::Normal => {}
            FontStyle::Bold => attrs.push(("font-weight", "bold".to_string())),
            other => attrs.push(("font-style", other.as_str().to_string())),
        }
        match style.transform() {
            FontTransform::Rotate90 => attrs.push(("transform", format!("rotate(90, {x}, {y})"))),
            FontTransform::Rotate180 => attrs.push(("transform", format!("rotate(180, {x}, {y})"))),
            FontTransform::Rotate270 => attrs.push(("transform", format!("rotate(270, {x}, {y})"))),
            FontTransform::None => {}
        }
        // plotters writes the text on lines of its own: read back, they join.
        let body: String = escape(text).lines().collect();
        if let Some(label) = label(attrs, body.trim()) {
            self.items.push(Item::Label(label));
        }
        Ok(())
    }
}

/// A `<text>` as [`write`] takes it: none when it has no text; the default
/// opacity and font family left out (the family is set on the `<svg>`).
/// Its font size is given as [`font_size`] writes it.
fn label(mut attrs: Vec<(&'static str, String)>, body: &str) -> Option<Label> {
    if body.is_empty() {
        return None;
    }
    attrs.retain(|(name, value)| !matches!((*name, value.as_str()), ("opacity", "1") | ("font-family", "sans-serif")));
    Some(Label { attrs, body: body.to_string(), ink: std::cell::OnceCell::new() })
}

/// A label's `font-size` of `px` pixels: rounded to 0.01 px.
fn font_size(px: f64) -> String {
    ((px * 100.0).round() / 100.0).to_string()
}

/// A shape as [`write`] takes it: attributes that draw nothing left out
/// (`opacity="1"`, the stroke width of a shape without a stroke), then a
/// line that can be merged, a marker that can be grouped, or else the
/// element as it is.
fn shape(mut e: Element) -> Item {
    e.attrs.retain(|(n, v)| !(*n == "opacity" && v == "1"));
    if e.attrs.iter().any(|(n, v)| *n == "stroke" && v == "none") {
        e.attrs.retain(|(n, v)| !(*n == "stroke-width" && v == "1"));
        // No stroke is the default, and nothing a shape sits in sets one
        // (the `<svg>` passes on fonts and a fill, a group a fill).
        e.attrs.retain(|(n, v)| !(*n == "stroke" && v == "none"));
    }
    if e.name == "rect" {
        // A rectangle's corner at 0 is where it starts anyway.
        e.attrs.retain(|(n, v)| !(matches!(*n, "x" | "y") && v == "0"));
    }
    match stroked_line(e) {
        Ok(line) => Item::Line(line),
        Err(e) => match marker(e) {
            Ok(marker) => Item::Marker(marker),
            Err(e) => Item::Other(e.markup(|_| true)),
        },
    }
}

/// A shape as plotters writes it: its name, its attributes in order and,
/// for a polyline or polygon, its points (written last, as `points`).
struct Element {
    name: &'static str,
    attrs: Vec<(&'static str, String)>,
    points: Option<Vec<(i64, i64)>>,
}

impl Element {
    fn attr(&self, key: &str) -> Option<&str> {
        self.attrs.iter().find(|(n, _)| *n == key).map(|(_, v)| v.as_str())
    }

    /// `<name a="v" .../>` with the attributes `keep` keeps (points always).
    fn markup(&self, keep: impl Fn(&str) -> bool) -> String {
        let mut out = String::new();
        self.write_markup(&mut out, keep);
        out
    }

    /// Writes [`Element::markup`] to `out`.
    fn write_markup(&self, out: &mut String, keep: impl Fn(&str) -> bool) {
        out.push('<');
        out.push_str(self.name);
        for (key, value) in self.attrs.iter().filter(|(key, _)| keep(key)) {
            let _ = write!(out, " {key}=\"{value}\"");
        }
        if let Some(points) = &self.points {
            out.push_str(" points=\"");
            for (x, y) in points {
                let _ = write!(out, "{x},{y} ");
            }
            out.push('"');
        }
        out.push_str("/>");
    }
}

/// Writes a chart's shapes with only what they draw. plotters emits one element
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
/// (relative steps, `h` and `v`); a regular run of dashes on one row (a
/// dashed objective line) is one line with a `stroke-dasharray` ([`dashes`]).
/// A run of circles of one colour and radius (the dots of met points) is
/// one path of round dots ([`dots`]). Other filled shapes (triangles,
/// squares, legend keys) are not merged: a run of them of one style is put
/// in a `<g>` that carries the style they share. Shapes of different styles
/// keep their order. Labels of one row under the x axis are one `<text>`
/// ([`join_labels`]). Nothing moves; a dot's edge may be smoothed a shade
/// differently from a circle's.
fn write(items: Vec<Item>) -> String {
    let labels: Vec<&Label> = items.iter().filter_map(|i| if let Item::Label(l) = i { Some(l) } else { None }).collect();
    // Only when every text is a label read here (none of its own form that
    // might lack the attribute and inherit it).
    let all_labels = items.iter().all(|i| !matches!(i, Item::Other(line) if line.starts_with("<text")));
    // The value of an attribute most labels have (the first seen of those
    // most seen), when every label has it: set on the <svg>, it is left off
    // the labels that have it and the others keep their own.
    let common = |name: &str| {
        let values: Vec<&str> = labels.iter().map(|l| l.attr(name)).collect::<Option<_>>().filter(|_| all_labels)?;
        // Each value with how many have it, in the order first seen.
        let mut counts: Vec<(&str, usize)> = Vec::new();
        for &value in &values {
            match counts.iter_mut().find(|(v, _)| *v == value) {
                Some((_, n)) => *n += 1,
                None => counts.push((value, 1)),
            }
        }
        let (mut most, mut times) = (*values.first()?, 0);
        for &(value, n) in &counts {
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
    let mut out = Writer { out: String::with_capacity(64 * items.len()), run: Vec::new(), labels: Vec::new(), markers: Vec::new(), inherited: &inherited };
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
                label.write_markup(&mut out.out, &inherited);
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
                            let _ = write!(open, "{name}=\"{value}\" ");
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
    join_labels(&out.out)
}

/// Labels on one row: consecutive `<text>`s with nothing on them but their
/// x, the same y and dy, and plain text (the month or day labels under the
/// x axis) are written as one `<text>` with a `<tspan>` at each x. The dy
/// of a `<text>` moves its first character, and the text after it stays on
/// that line; each `<tspan>` starting at an x of its own is anchored on its
/// own, so every label is where it was.
fn join_labels(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len());
    let mut row: Vec<(&str, &str)> = Vec::new();
    let mut row_key = "";
    let flush = |row: &mut Vec<(&str, &str)>, key: &str, out: &mut String| {
        match row.as_slice() {
            [] => {}
            [(x, body)] => {
                let _ = writeln!(out, "<text x=\"{x}\" {key}>{body}</text>");
            }
            _ => {
                let _ = write!(out, "<text {key}>");
                for (x, body) in row.iter() {
                    let _ = write!(out, "<tspan x=\"{x}\">{body}</tspan>");
                }
                out.push_str("</text>\n");
            }
        }
        row.clear();
    };
    for line in svg.lines() {
        match row_label(line) {
            Some((x, key, body)) => {
                if key != row_key {
                    flush(&mut row, row_key, &mut out);
                    row_key = key;
                }
                row.push((x, body));
            }
            None => {
                flush(&mut row, row_key, &mut out);
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    flush(&mut row, row_key, &mut out);
    out
}

/// `<text x="X" y="Y" dy="D">text</text>` with nothing else on it: X, the
/// `y="Y" dy="D"` it shares with the labels of its row, and its text.
fn row_label(line: &str) -> Option<(&str, &str, &str)> {
    let rest = line.strip_prefix("<text x=\"")?;
    let (x, rest) = rest.split_once("\" ")?;
    let (key, rest) = rest.split_once('>')?;
    let body = rest.strip_suffix("</text>")?;
    let fields: Vec<&str> = key.split("\" ").collect();
    let shared = matches!(fields.as_slice(), [y, dy] if y.starts_with("y=\"") && dy.starts_with("dy=\"")) && key.ends_with('"');
    let plain = !x.is_empty() && !x.contains(['"', '<', '>']) && !body.contains('<');
    (shared && plain).then_some((x, key, body))
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
    style: Rc<str>,
    /// A `<line>` as it came, written so when no other line joins it (a
    /// polyline alone is written as a path of its own).
    line: Option<String>,
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
    /// Where a line through `points` (not empty) stroked `width` wide paints.
    fn of_stroke(points: &[(i64, i64)], width: f64) -> Bounds {
        let (ex, ey) = match points {
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
        Bounds {
            x0: xs.clone().fold(f64::INFINITY, f64::min) - ex,
            x1: xs.fold(f64::NEG_INFINITY, f64::max) + ex,
            y0: ys.clone().fold(f64::INFINITY, f64::min) - ey,
            y1: ys.fold(f64::NEG_INFINITY, f64::max) + ey,
        }
    }

    /// At least 1 px apart, so no pixel (at the drawn size or larger) is
    /// painted by both.
    fn apart(&self, other: &Bounds) -> bool {
        other.x0 - self.x1 >= 1.0 || self.x0 - other.x1 >= 1.0 || other.y0 - self.y1 >= 1.0 || self.y0 - other.y1 >= 1.0
    }
}

struct Marker {
    /// Its fill, stroke and stroke width: markers are grouped when these are the same.
    style: String,
    element: Element,
}

/// The attributes a marker's group carries for it.
fn inherited(key: &str) -> bool {
    matches!(key, "fill" | "stroke" | "stroke-width")
}

struct Label {
    /// The attributes of its `<text>` tag, the font size rounded.
    attrs: Vec<(&'static str, String)>,
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
        self.attrs.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }

    /// Writes `<text ...>body</text>` and a newline, without the attributes
    /// it inherits from the `<svg>`.
    fn write_markup(&self, out: &mut String, inherited: &[(String, String)]) {
        out.push_str("<text");
        for (name, value) in &self.attrs {
            if !inherited.iter().any(|(n, v)| n == name && v == value) {
                let _ = write!(out, " {name}=\"{value}\"");
            }
        }
        let _ = writeln!(out, ">{}</text>", self.body);
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
        if self.attrs.iter().any(|(name, _)| !known.contains(name)) {
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
        let out = &mut self.out;
        match self.markers.as_slice() {
            [] => {}
            [one] => {
                one.element.write_markup(out, |_| true);
                out.push('\n');
            }
            [first, ..] => match dots(&self.markers) {
                Some((radius, centres)) => {
                    let fill = first.element.attr("fill").unwrap_or_default();
                    // A dot is a step of no length from its centre.
                    let steps: Vec<[(i64, i64); 2]> = centres.iter().map(|&c| [c, c]).collect();
                    let d = path_data(steps.iter().map(|s| &s[..]));
                    let _ = writeln!(out, "<path stroke=\"{fill}\" stroke-width=\"{}\" stroke-linecap=\"round\" d=\"{d}\"/>", 2 * radius);
                }
                None => {
                    let _ = writeln!(out, "<g {}>", first.style);
                    for marker in &self.markers {
                        marker.element.write_markup(out, |key| !inherited(key));
                        out.push('\n');
                    }
                    out.push_str("</g>\n");
                }
            },
        }
        self.markers.clear();
        match self.run.as_slice() {
            [] => {}
            [one] => match &one.line {
                Some(line) => {
                    out.push_str(line);
                    out.push('\n');
                }
                None => {
                    let _ = writeln!(out, "<path {} d=\"{}\"/>", one.style, path_data([one.points.as_slice()]));
                }
            },
            [first, ..] => {
                let _ = match dashes(&self.run) {
                    Some(d) => writeln!(out, "<path {} stroke-dasharray=\"{} {}\" d=\"{}\"/>", first.style, d.dash, d.gap, path_data([&[d.from, d.to][..]])),
                    None => writeln!(out, "<path {} d=\"{}\"/>", first.style, path_data(self.run.iter().map(|l| l.points.as_slice()))),
                };
            }
        }
        self.run.clear();
        for label in &self.labels {
            label.write_markup(out, self.inherited);
        }
        self.labels.clear();
    }
}

/// A run of filled circles of one radius, with nothing on them but their
/// centre, radius and fill: their radius and centres. They are written as
/// one path of dots: a step of no length with a round cap paints a disc of
/// the stroke's width around its point, so each circle is a dot of the
/// same size and colour in a few bytes (`M72,28h0m8,0h0`: [`path_data`]
/// of a step from each centre to itself). `None` for anything else.
fn dots(markers: &[Marker]) -> Option<(i64, Vec<(i64, i64)>)> {
    let mut radius = None;
    let mut centres = Vec::with_capacity(markers.len());
    for m in markers {
        let e = &m.element;
        if e.name != "circle" || e.attrs.iter().any(|(key, _)| !matches!(*key, "cx" | "cy" | "r" | "fill")) {
            return None;
        }
        let num = |key: &str| e.attr(key)?.parse::<i64>().ok();
        let (x, y, r) = (num("cx")?, num("cy")?, num("r")?);
        if r <= 0 || radius.is_some_and(|first| first != r) {
            return None;
        }
        radius = Some(r);
        centres.push((x, y));
    }
    Some((radius?, centres))
}

/// A dashed line: from `from` to `to`, dashes of `dash` pixels `gap` apart.
struct Dashes {
    from: (i64, i64),
    to: (i64, i64),
    dash: i64,
    gap: i64,
}

/// A run of three or more level strokes on one row, left to right, each
/// `dash` long and `gap` after the one before (as plotters draws a dashed
/// line, one polyline per dash): drawn as one line with
/// `stroke-dasharray="dash gap"`, the pattern starting where the first
/// dash starts, they paint exactly the same pixels (butt ends, a straight
/// line). `None` for anything less regular.
fn dashes(run: &[Line]) -> Option<Dashes> {
    let spans: Vec<(i64, i64, i64)> = run
        .iter()
        .map(|l| match l.points.as_slice() {
            [(a, y), (b, y2)] if y == y2 && b > a => Some((*a, *b, *y)),
            _ => None,
        })
        .collect::<Option<_>>()?;
    let &[(a0, b0, y), (a1, ..), ..] = spans.as_slice() else { return None };
    if spans.len() < 3 {
        return None;
    }
    let (dash, gap) = (b0 - a0, a1 - b0);
    let regular = spans.windows(2).all(|w| w[1].2 == y && w[1].1 - w[1].0 == dash && w[1].0 - w[0].1 == gap);
    let last = spans[spans.len() - 1].1;
    (regular && gap > 0).then_some(Dashes { from: (a0, y), to: (last, y), dash, gap })
}

/// A `<polyline>` (`fill="none"`) or `<line>` with a stroke, nothing on it
/// but its stroke, stroke width and points, all in whole pixels: one that
/// can be merged with others of its style into a path.
fn stroked_line(e: Element) -> Result<Line, Element> {
    let (geometry, fill): (&[&str], _) = match e.name {
        "polyline" => (&[], Some("none")),
        "line" => (&["x1", "y1", "x2", "y2"], None),
        _ => return Err(e),
    };
    let mut style = Vec::new();
    for (key, value) in &e.attrs {
        if !geometry.contains(key) {
            if !matches!(*key, "fill" | "stroke" | "stroke-width") {
                return Err(e);
            }
            style.push(format!("{key}=\"{value}\""));
        }
    }
    let Some(width) = e.attr("stroke-width").map_or(Some(1.0), |w| w.parse::<f64>().ok()) else { return Err(e) };
    if e.attr("fill") != fill || e.attr("stroke").is_none_or(|s| s == "none") || width <= 0.0 {
        return Err(e);
    }
    // A line's two ends are its attributes; a polyline's points are moved
    // out of it below, once nothing can refuse it.
    let ends = if e.name == "line" {
        let num = |key: &str| e.attr(key)?.parse().ok();
        match (num("x1"), num("y1"), num("x2"), num("y2")) {
            (Some(x1), Some(y1), Some(x2), Some(y2)) => Some(vec![(x1, y1), (x2, y2)]),
            _ => return Err(e),
        }
    } else {
        None
    };
    let points = match ends.as_deref().or(e.points.as_deref()) {
        Some(points) if !points.is_empty() => points,
        _ => return Err(e),
    };
    let bounds = Bounds::of_stroke(points, width);
    // A path is filled black unless told otherwise; a line is never filled.
    let style: Rc<str> = if e.name == "line" { format!("fill=\"none\" {}", style.join(" ")).into() } else { style.join(" ").into() };
    let line = (e.name == "line").then(|| e.markup(|_| true));
    let points = ends.or(e.points).unwrap_or_default();
    Ok(Line { style, line, points, bounds })
}

/// A `<circle>`, `<rect>` or `<polygon>` with a fill: one that can be
/// grouped with others of its style in a `<g>` that carries their fill,
/// stroke and stroke width (all inherited), which draws them exactly as
/// before (a group without opacity, filter, clip or transform only passes
/// its style on).
fn marker(e: Element) -> Result<Marker, Element> {
    if !matches!(e.name, "circle" | "rect" | "polygon") || e.attr("fill").is_none() {
        return Err(e);
    }
    let style = e.attrs.iter().filter(|(key, _)| inherited(key)).map(|(key, value)| format!("{key}=\"{value}\"")).collect::<Vec<_>>().join(" ");
    Ok(Marker { style, element: e })
}

/// The path data of polylines in its shortest form: each step absolute or
/// relative, whichever is shorter, and `h`/`v` for level and upright ones.
/// Of forms as short, the first of `M`, `m` (a move) or `L`, `l`, `H`, `h`,
/// `V`, `v` (a step) is taken. Lengths are counted, and only the form taken is
/// written.
fn path_data<'a>(lines: impl IntoIterator<Item = &'a [(i64, i64)]>) -> String {
    // The length of an integer as written, sign included.
    let len = |v: i64| usize::from(v < 0) + v.unsigned_abs().checked_ilog10().map_or(1, |d| d as usize + 1);
    // "x,y", or "x-y" when y is negative.
    let pair = |x: i64, y: i64| len(x) + usize::from(y >= 0) + len(y);
    let mut d = String::new();
    let mut at = (0, 0);
    for line in lines {
        for (i, &(x, y)) in line.iter().enumerate() {
            let (dx, dy) = (x - at.0, y - at.1);
            // (letter, the numbers after it, its length), in the order offered.
            let mut best: Option<(char, i64, Option<i64>, usize)> = None;
            let mut offer = |letter: char, a: i64, b: Option<i64>| {
                let length = 1 + b.map_or(len(a), |b| pair(a, b));
                if best.is_none_or(|(.., l)| length < l) {
                    best = Some((letter, a, b, length));
                }
            };
            if i == 0 {
                offer('M', x, Some(y));
                if !d.is_empty() {
                    offer('m', dx, Some(dy));
                }
            } else {
                offer('L', x, Some(y));
                offer('l', dx, Some(dy));
                if dy == 0 {
                    offer('H', x, None);
                    offer('h', dx, None);
                }
                if dx == 0 {
                    offer('V', y, None);
                    offer('v', dy, None);
                }
            }
            if let Some((letter, a, b, _)) = best {
                let _ = match b {
                    Some(b) if b < 0 => write!(d, "{letter}{a}{b}"),
                    Some(b) => write!(d, "{letter}{a},{b}"),
                    None => write!(d, "{letter}{a}"),
                };
            }
            at = (x, y);
        }
    }
    d
}


/// plotters' SVG text read back into shapes, as the charts were compacted
/// before the [`Recorder`] (kept to hold the two ways against each other):
/// every element on a line of its own, a `<text>` over three (its tag, its
/// text, `</text>`).
#[cfg(test)]
pub(super) fn compact(svg: &str) -> String {
    let mut items = Vec::new();
    let mut lines = svg.lines();
    // What compacting left on the `<svg>`, read again, is written once.
    let other = |line: &str| Item::Other(line.replace(" font-family=\"sans-serif\"", "").replace(" xmlns=\"http://www.w3.org/2000/svg\"", ""));
    while let Some(line) = lines.next() {
        let Some(parsed) = element(line) else {
            items.push(other(line));
            continue;
        };
        // Names as the recorder has them (test input only: leaked).
        let attrs: Vec<(&'static str, String)> = parsed.attrs.iter().map(|(n, v)| (&*Box::leak(n.to_string().into_boxed_str()), v.to_string())).collect();
        if parsed.name == "text" && !parsed.closed {
            let mut body = String::new();
            for next in lines.by_ref() {
                if next == "</text>" {
                    break;
                }
                body.push_str(next);
            }
            // plotters' font size, rounded as the recorder writes it.
            let attrs = attrs
                .into_iter()
                .map(|(name, value)| match (name, value.parse::<f64>()) {
                    ("font-size", Ok(px)) => (name, font_size(px)),
                    _ => (name, value),
                })
                .collect();
            items.extend(label(attrs, body.trim()).map(Item::Label));
        } else if parsed.closed {
            // Names and keys as the recorder has them (test input only: leaked).
            let name: &'static str = Box::leak(parsed.name.to_string().into_boxed_str());
            let mut element = Element { name, attrs: Vec::new(), points: None };
            for (key, value) in attrs {
                let parsed_points = (key == "points")
                    .then(|| value.split_whitespace().map(|p| p.split_once(',').and_then(|(x, y)| Some((x.parse().ok()?, y.parse().ok()?)))).collect::<Option<Vec<_>>>())
                    .flatten();
                match parsed_points {
                    Some(points) => element.points = Some(points),
                    None => element.attrs.push((key, value)),
                }
            }
            items.push(shape(element));
        } else {
            items.push(other(line));
        }
    }
    write(items)
}

/// A tag as plotters writes it: its name, its attributes (`name="value"`
/// apart) and whether it closes itself.
#[cfg(test)]
struct Tag<'a> {
    name: &'a str,
    attrs: Vec<(&'a str, &'a str)>,
    closed: bool,
}

#[cfg(test)]
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

#[cfg(test)]
mod tests {
    use super::{compact, path_data, points, polyline_attrs, shape, Bounds, Element, Item, Label, Recorder};
    use plotters::style::{Color, RGBColor};
    use plotters_backend::{BackendStyle, DrawingBackend};

    /// An opaque stroked polyline is made into a line at once: the same
    /// line its element, as plotters' SVG has it, makes.
    #[test]
    fn an_opaque_polyline_is_the_line_its_element_makes() {
        for (width, path) in [(2, vec![(1, 2), (5, 2), (9, 7)]), (1, vec![(62, 101), (67, 101)]), (3, vec![(4, 4)])] {
            let style = Color::stroke_width(&RGBColor(0x21, 0x25, 0x29), width);
            let mut items = Vec::new();
            Recorder { size: (100, 100), items: &mut items, styles: Vec::new(), font_size: None }.draw_path(path.clone(), &style).unwrap();
            let element = Element { name: "polyline", attrs: polyline_attrs(style.color(), width), points: Some(points(path)) };
            match (&items[..], shape(element)) {
                ([Item::Line(fast)], Item::Line(made)) => {
                    assert_eq!((&fast.style, &fast.line, &fast.points), (&made.style, &made.line, &made.points));
                    let b = |b: &Bounds| [b.x0, b.y0, b.x1, b.y1].map(f64::to_bits);
                    assert_eq!(b(&fast.bounds), b(&made.bounds));
                }
                _ => panic!("a polyline {width} px wide is not one line"),
            }
        }
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
        let expected = r##"<svg font-family="sans-serif" font-size="12.1" text-anchor="end" fill="#212529" width="330" height="160" viewBox="0 0 330 160">
<rect width="330" height="160" fill="#FFFFFF"/>
<circle cx="8" cy="9" r="4" fill="#2E7D32"/>
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
<path stroke="#2E7D32" stroke-width="4" stroke-linecap="round" d="M72,28h0m8,0h0m24,0h0"/>
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
        // Circles of one colour and size are one path of round dots; a
        // polyline of another style ends a run (drawing order is kept); the
        // empty label is gone; no shape says it has no stroke (none has
        // one to inherit), and the background starts at 0 without saying so.
        assert_eq!(out, expected);
        // Compacting again changes nothing.
        assert_eq!(compact(&out), out);
    }

    #[test]
    fn labels_of_one_row_are_one_text_with_a_span_at_each_x() {
        let svg = "<svg>\n\
            <text x=\"77\" y=\"160\" dy=\"0.76em\">2025-07</text>\n\
            <text x=\"135\" y=\"160\" dy=\"0.76em\">2025-10</text>\n\
            <text x=\"193\" y=\"160\" dy=\"0.76em\">A &amp; B</text>\n\
            <text x=\"251\" y=\"161\" dy=\"0.76em\">other row</text>\n\
            <text x=\"58\" y=\"161\" dy=\"0.76em\" text-anchor=\"end\">own anchor</text>\n\
            <path d=\"M0,0h1\"/>\n\
            <text x=\"1\" y=\"161\" dy=\"0.76em\">after a path</text>\n\
            </svg>";
        let expected = "<svg>\n\
            <text y=\"160\" dy=\"0.76em\"><tspan x=\"77\">2025-07</tspan><tspan x=\"135\">2025-10</tspan><tspan x=\"193\">A &amp; B</tspan></text>\n\
            <text x=\"251\" y=\"161\" dy=\"0.76em\">other row</text>\n\
            <text x=\"58\" y=\"161\" dy=\"0.76em\" text-anchor=\"end\">own anchor</text>\n\
            <path d=\"M0,0h1\"/>\n\
            <text x=\"1\" y=\"161\" dy=\"0.76em\">after a path</text>\n\
            </svg>\n";
        // Only neighbours sharing y and dy, with nothing else on them, join;
        // the order of everything drawn is kept.
        assert_eq!(super::join_labels(svg), expected);
    }

    #[test]
    fn a_label_is_moved_only_past_lines_clear_of_its_ink() {
        let label = |attrs: &[(&'static str, &str)]| Label {
            attrs: attrs.iter().map(|(n, v)| (*n, v.to_string())).collect(),
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
    fn a_regular_run_of_dashes_is_one_dashed_line() {
        let dash = |a: i64, b: i64, y: i64| super::Line {
            style: "fill=\"none\" stroke=\"#212529\" stroke-width=\"2\"".into(),
            line: None,
            points: vec![(a, y), (b, y)],
            bounds: Bounds { x0: a as f64, y0: y as f64 - 1.0, x1: b as f64, y1: y as f64 + 1.0 },
        };
        // plotters' dashes of an objective: 5 px, 4 apart, from 68 to 100.
        let regular = [dash(68, 73, 61), dash(77, 82, 61), dash(86, 91, 61), dash(95, 100, 61)];
        let d = super::dashes(&regular).expect("regular");
        assert_eq!((d.from, d.to, d.dash, d.gap), ((68, 61), (100, 61), 5, 4));
        // The last dash cut short: left as it is (every dash must be as long).
        let cut = [dash(68, 73, 61), dash(77, 82, 61), dash(86, 88, 61)];
        assert!(super::dashes(&cut).is_none());
        // A gap one pixel wider, another row, two dashes only, overlapping: left as they are.
        assert!(super::dashes(&[dash(68, 73, 61), dash(77, 82, 61), dash(87, 92, 61)]).is_none());
        assert!(super::dashes(&[dash(68, 73, 61), dash(77, 82, 62), dash(86, 91, 61)]).is_none());
        assert!(super::dashes(&[dash(68, 73, 61), dash(77, 82, 61)]).is_none());
        assert!(super::dashes(&[dash(68, 73, 61), dash(73, 78, 61), dash(78, 83, 61)]).is_none());
        // Written as one line with the pattern.
        let out = super::write(vec![super::Item::Line(dash(68, 73, 61)), super::Item::Line(dash(77, 82, 61)), super::Item::Line(dash(86, 91, 61))]);
        assert_eq!(out, "<path fill=\"none\" stroke=\"#212529\" stroke-width=\"2\" stroke-dasharray=\"5 4\" d=\"M68,61H91\"/>\n");
    }

    #[test]
    fn path_data_takes_the_shorter_of_absolute_and_relative() {
        let ticks: [&[(i64, i64)]; 3] = [&[(62, 130), (67, 130)], &[(62, 105), (67, 105)], &[(62, 80), (67, 80)]];
        assert_eq!(path_data(ticks), "M62,130h5m-5-25h5M62,80h5");
        assert_eq!(path_data([&[(77, 29), (96, 35), (116, 29), (135, 29), (135, 129)][..]]), "M77,29l19,6l20-6h19V129");
    }

    /// Every form written out and the first shortest kept (as path data was
    /// made before its lengths were counted).
    fn path_data_by_writing_every_form(lines: &[Vec<(i64, i64)>]) -> String {
        let sep = |y: i64| if y < 0 { "" } else { "," };
        let mut d = String::new();
        let mut at = (0, 0);
        for line in lines {
            for (i, &(x, y)) in line.iter().enumerate() {
                let (dx, dy) = (x - at.0, y - at.1);
                let mut forms = Vec::new();
                if i == 0 {
                    forms.push(format!("M{x}{}{y}", sep(y)));
                    if !d.is_empty() {
                        forms.push(format!("m{dx}{}{dy}", sep(dy)));
                    }
                } else {
                    forms.push(format!("L{x}{}{y}", sep(y)));
                    forms.push(format!("l{dx}{}{dy}", sep(dy)));
                    if dy == 0 {
                        forms.push(format!("H{x}"));
                        forms.push(format!("h{dx}"));
                    }
                    if dx == 0 {
                        forms.push(format!("V{y}"));
                        forms.push(format!("v{dy}"));
                    }
                }
                let shortest = forms.iter().map(String::len).min().unwrap();
                d.push_str(forms.iter().find(|f| f.len() == shortest).unwrap());
                at = (x, y);
            }
        }
        d
    }

    #[test]
    fn path_data_counted_is_path_data_written_out() {
        // Points around 0, 9/10, 99/100 and 999/1000 either way, in every
        // combination of a few lines of a few points.
        let values = [-1000, -999, -100, -99, -10, -9, -1, 0, 1, 9, 10, 99, 100, 999, 1000, 12345];
        let mut seed = 7u64;
        let mut next = || {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize
        };
        for _ in 0..5_000 {
            let lines: Vec<Vec<(i64, i64)>> = (0..1 + next() % 3)
                .map(|_| {
                    let mut points = vec![(values[next() % values.len()], values[next() % values.len()])];
                    for _ in 0..next() % 4 {
                        let &(x, y) = points.last().unwrap();
                        // Level, upright or any step.
                        points.push(match next() % 3 {
                            0 => (values[next() % values.len()], y),
                            1 => (x, values[next() % values.len()]),
                            _ => (values[next() % values.len()], values[next() % values.len()]),
                        });
                    }
                    points
                })
                .collect();
            assert_eq!(path_data(lines.iter().map(Vec::as_slice)), path_data_by_writing_every_form(&lines), "{lines:?}");
        }
    }
}
