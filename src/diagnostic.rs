//! Problems found in a site, reported the way rustc reports them.
//!
//! Every stage that reads user input speaks in [`Diagnostic`]s instead of
//! returning on the first error: a service level manager fixing a site wants
//! the whole list at once, each with the file, the line and column, what was
//! found and what was expected. A diagnostic carries the offending source line
//! with it, so printing needs no second read of the file.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// How bad a problem is: errors stop a build, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Error,
    Warning,
}

/// One line of source shown under a message, with the span to underline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    pub text: String,
    /// Character columns (0-based) to underline, start inclusive, end exclusive.
    pub underline: Range<usize>,
}

/// Where a problem is: a file, and a line and column when known (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        Ok(())
    }
}

/// A problem in the user's input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub level: Level,
    pub message: String,
    pub location: Option<Location>,
    pub snippet: Option<Snippet>,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            level: Level::Error,
            message: message.into(),
            location: None,
            snippet: None,
            hint: None,
        }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            level: Level::Warning,
            ..Diagnostic::error(message)
        }
    }

    /// Points the problem at a whole file.
    pub fn in_file(mut self, file: impl Into<PathBuf>) -> Self {
        self.location = Some(Location {
            file: file.into(),
            line: None,
            column: None,
        });
        self
    }

    /// Points the problem at a line of a file that has no source text to show
    /// (a CSV row, say).
    pub fn at_line(mut self, file: impl Into<PathBuf>, line: usize) -> Self {
        self.location = Some(Location {
            file: file.into(),
            line: Some(line),
            column: None,
        });
        self
    }

    /// Points the problem at a byte span of a source text.
    pub fn at(mut self, source: &SourceFile, span: Range<usize>) -> Self {
        let (location, snippet) = source.locate(span);
        self.location = Some(location);
        self.snippet = Some(snippet);
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }
}

impl fmt::Display for Diagnostic {
    /// Renders like rustc:
    ///
    /// ```text
    /// error: unknown calendar `busines`
    ///   --> agreements/acme/email.toml:14:12
    ///    |
    /// 14 | calendar = "busines"
    ///    |            ^^^^^^^^^
    ///    = help: calendars defined in slareport.toml: 24x7, business
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.level {
            Level::Error => "error",
            Level::Warning => "warning",
        };
        writeln!(f, "{level}: {}", printable(&self.message))?;
        let line_no = self
            .location
            .as_ref()
            .and_then(|l| l.line)
            .map(|l| l.to_string())
            .unwrap_or_default();
        let pad = " ".repeat(line_no.len().max(1));
        if let Some(location) = &self.location {
            writeln!(f, "{pad}--> {}", printable(&location.to_string()))?;
        }
        if let Some(snippet) = &self.snippet {
            let width = snippet.underline.end.saturating_sub(snippet.underline.start).max(1);
            writeln!(f, "{pad} |")?;
            // One character for one, so the underline stays in place.
            let text: String = snippet.text.chars().map(|c| if c.is_control() && c != '\t' { '\u{FFFD}' } else { c }).collect();
            writeln!(f, "{line_no} | {text}")?;
            writeln!(
                f,
                "{pad} | {}{}",
                " ".repeat(snippet.underline.start),
                "^".repeat(width)
            )?;
        }
        if let Some(hint) = &self.hint {
            writeln!(f, "{pad} = help: {}", printable(hint))?;
        }
        Ok(())
    }
}

/// The text of an input file, kept to turn byte spans into lines and columns.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as shown to the user (relative to the site folder).
    pub path: PathBuf,
    pub text: String,
}

impl SourceFile {
    pub fn new(path: impl AsRef<Path>, text: String) -> Self {
        SourceFile {
            path: path.as_ref().to_path_buf(),
            text,
        }
    }

    /// Line and column (1-based, columns in characters) of a byte offset, and
    /// the line's text with the span underlined (clipped to that line).
    pub fn locate(&self, span: Range<usize>) -> (Location, Snippet) {
        let start = floor_char_boundary(&self.text, span.start.min(self.text.len()));
        let end = floor_char_boundary(&self.text, span.end.clamp(start, self.text.len()));
        let line_start = self.text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |i| start + i);
        let line = self.text[..start].matches('\n').count() + 1;
        let column = self.text[line_start..start].chars().count();
        let underline_end = column + self.text[start..end.min(line_end)].chars().count();
        let text = self.text[line_start..line_end].trim_end_matches('\r').to_string();
        (
            Location {
                file: self.path.clone(),
                line: Some(line),
                column: Some(column + 1),
            },
            Snippet {
                text,
                underline: column..underline_end,
            },
        )
    }
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while index > 0 && !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// The problems gathered by a stage, in the order they were found.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn last_mut(&mut self) -> Option<&mut Diagnostic> {
        self.items.last_mut()
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub fn errors(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.items.len() - self.errors()
    }

    pub fn has_errors(&self) -> bool {
        self.errors() > 0
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.items.iter()
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        Diagnostics {
            items: vec![diagnostic],
        }
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

/// Text from the user's files made safe to print on a terminal: control
/// characters (an escape sequence in a CSV cell could recolour or clear the
/// screen, or retitle the window) are shown as `\u{1b}`; line breaks and tabs
/// are kept.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() && c != '\n' && c != '\t' {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_spans_in_characters_and_renders_like_rustc() {
        let source = SourceFile::new("a.toml", "title = \"é\"\ncalendar = \"busines\"\n".into());
        let start = source.text.find("\"busines").unwrap();
        let d = Diagnostic::error("unknown calendar `busines`")
            .at(&source, start..start + 9)
            .with_hint("calendars: 24x7");
        let location = d.location.clone().unwrap();
        assert_eq!((location.line, location.column), (Some(2), Some(12)));
        assert_eq!(
            d.to_string(),
            "error: unknown calendar `busines`\n --> a.toml:2:12\n  |\n2 | calendar = \"busines\"\n  |            ^^^^^^^^^\n  = help: calendars: 24x7\n"
        );
    }

    #[test]
    fn control_characters_never_reach_the_terminal() {
        let d = Diagnostic::error("`\u{1b}]0;pwned\u{7}` is not a number").with_hint("x\u{1b}[2J");
        let shown = d.to_string();
        assert!(!shown.contains('\u{1b}') && !shown.contains('\u{7}'), "{shown:?}");
        assert!(shown.contains("\\u{1b}]0;pwned\\u{7}"), "{shown}");
    }
}
