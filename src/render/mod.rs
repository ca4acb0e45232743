//! The `render` stage: pages in memory from results, with tera templates.
//!
//! Rendering is pure: it returns [`Page`]s and never touches the output
//! folder (that is `publish`'s job). Templates come from the theme: the
//! site's own `themes/<name>/templates/<file>` first, then the default theme
//! embedded in the binary, which is the very files of `themes/default/`.

pub mod markdown;
pub mod theme;
pub mod view;

use std::path::{Path, PathBuf};

use serde::Serialize;
use tera::{Context, Tera};

use crate::diagnostic::{Diagnostic, Diagnostics};

/// The default theme, embedded: (name, text).
const DEFAULT_TEMPLATES: [(&str, &str); 6] = [
    ("base.html", include_str!("../../themes/default/templates/base.html")),
    ("macros.html", include_str!("../../themes/default/templates/macros.html")),
    ("index.html", include_str!("../../themes/default/templates/index.html")),
    ("customer.html", include_str!("../../themes/default/templates/customer.html")),
    ("report.html", include_str!("../../themes/default/templates/report.html")),
    ("to-date.html", include_str!("../../themes/default/templates/to-date.html")),
];
const DEFAULT_CSS: &str = include_str!("../../themes/default/style.css");

/// A file of the rendered site, relative to the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

impl Page {
    pub fn new(path: impl Into<PathBuf>, bytes: impl Into<Vec<u8>>) -> Self {
        Page { path: path.into(), bytes: bytes.into() }
    }
}

/// The site-wide values every page sees.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub title: String,
}

/// Templates and stylesheet, ready to render.
pub struct Renderer {
    tera: Tera,
    pub css: String,
    tool_version: &'static str,
    /// When the inputs were taken (SOURCE_DATE_EPOCH), shown in footers.
    built: Option<String>,
}

impl Renderer {
    /// The template file names a theme may override.
    pub fn template_names() -> Vec<&'static str> {
        DEFAULT_TEMPLATES.iter().map(|(n, _)| *n).collect()
    }

    /// Loads the theme `name` of the site in `root` over the default theme.
    pub fn new(root: &Path, name: &str, built: Option<String>) -> Result<Renderer, Diagnostics> {
        let dir = root.join("themes").join(name);
        if name != "default" && !dir.is_dir() {
            return Err(Diagnostic::error(format!("theme `{name}` not found: there is no themes/{name}/ folder"))
                .in_file(crate::load::CONFIG_FILE)
                .with_hint("remove `theme` from slareport.toml to use the built-in theme")
                .into());
        }
        let mut templates: Vec<(String, String)> = Vec::new();
        let mut problems = Diagnostics::new();
        for (file, text) in DEFAULT_TEMPLATES {
            let own = dir.join("templates").join(file);
            let text = if own.is_file() {
                match std::fs::read_to_string(&own) {
                    Ok(t) => t,
                    Err(e) => {
                        problems.push(Diagnostic::error(format!("cannot read themes/{name}/templates/{file}: {e}")));
                        continue;
                    }
                }
            } else {
                text.to_string()
            };
            templates.push((file.to_string(), text));
        }
        let css = match std::fs::read_to_string(dir.join("style.css")) {
            Ok(css) => css,
            Err(_) => DEFAULT_CSS.to_string(),
        };
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html"]);
        tera.set_escape_fn(escape_html);
        problems.extend(theme::check_recursion(root, name, &templates));
        if let Err(e) = tera.add_raw_templates(templates) {
            let names: Vec<&str> = DEFAULT_TEMPLATES.iter().map(|(n, _)| *n).collect();
            problems.push(theme::parse_error(root, name, &names, &error_chain(&e)));
        }
        if problems.has_errors() {
            return Err(problems);
        }
        Ok(Renderer { tera, css, tool_version: env!("CARGO_PKG_VERSION"), built })
    }

    fn context(&self, site: &SiteView, standalone: bool, style_href: &str) -> Context {
        let mut c = Context::new();
        c.insert("site", site);
        c.insert("standalone", &standalone);
        c.insert("style_href", style_href);
        c.insert("css", &self.css);
        c.insert("tool_version", self.tool_version);
        c.insert("built", &self.built);
        c
    }

    fn render(&self, template: &str, context: &Context) -> Result<String, Diagnostics> {
        self.tera.render(template, context).map_err(|e| {
            Diagnostic::error(format!("cannot render {template}: {}", error_chain(&e))).into()
        })
    }

    /// A monthly report: its linked page and its self-contained twin.
    pub fn report(&self, site: &SiteView, customer: &CustomerView, report: &view::ReportView) -> Result<(String, String), Diagnostics> {
        let mut c = self.context(site, false, "style.css");
        c.insert("customer", customer);
        let fields = Context::from_serialize(report)
            .map_err(|e| Diagnostics::from(Diagnostic::error(format!("cannot prepare the report page: {}", error_chain(&e)))))?;
        c.extend(fields);
        let linked = self.render("report.html", &c)?;
        c.insert("standalone", &true);
        let standalone = self.render("report.html", &c)?;
        Ok((linked, standalone))
    }

    /// A customer's list of published periods.
    pub fn customer(
        &self,
        site: &SiteView,
        customer: &CustomerView,
        periods: &[PeriodLink],
        to_date: Option<&ToDateLink>,
        awaiting: &[String],
    ) -> Result<String, Diagnostics> {
        let mut c = self.context(site, false, "style.css");
        c.insert("customer", customer);
        c.insert("periods", periods);
        c.insert("to_date", &to_date);
        c.insert("awaiting", awaiting);
        self.render("customer.html", &c)
    }

    /// The provisional page of the month in progress.
    pub fn to_date(&self, site: &SiteView, customer: &CustomerView, view: &view::ToDateView) -> Result<String, Diagnostics> {
        let mut c = self.context(site, false, "../style.css");
        c.insert("customer", customer);
        c.insert("report", view);
        self.render("to-date.html", &c)
    }

    /// The provider overview.
    pub fn provider(&self, site: &SiteView, customers: &[CustomerSummary], provider: Option<&view::ProviderView>) -> Result<String, Diagnostics> {
        let mut c = self.context(site, false, "style.css");
        c.insert("customers", customers);
        c.insert("provider", &provider);
        self.render("index.html", &c)
    }
}

/// Escapes text for HTML content and quoted attributes. tera's own escaper
/// also turns `/` into `&#x2F;`, which is safe but makes every link unreadable.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// tera's errors keep their cause (the template line) in the source chain.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[derive(Debug, Clone, Serialize)]
pub struct CustomerView {
    pub id: String,
    pub name: String,
}

/// The link to a customer's provisional page of the month in progress.
#[derive(Debug, Clone, Serialize)]
pub struct ToDateLink {
    pub href: String,
    pub label: String,
    pub as_of: String,
}

/// A period in a customer's index.
#[derive(Debug, Clone, Serialize)]
pub struct PeriodLink {
    pub href: String,
    pub label: String,
    pub revision: u32,
    pub summary: String,
    pub earlier: Vec<RevisionLink>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RevisionLink {
    pub href: String,
    pub label: String,
}

/// A customer's line in the provider overview.
#[derive(Debug, Clone, Serialize)]
pub struct CustomerSummary {
    pub id: String,
    pub name: String,
    pub latest: Option<String>,
    pub latest_label: String,
    pub percent_met: String,
    pub breaches: usize,
    pub credits: String,
}
