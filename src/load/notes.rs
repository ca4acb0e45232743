//! Notes: `notes/<customer>/<YYYY-MM>.md`, the month's commentary and the
//! record of its service review, in TOML front matter between `+++` lines.
//!
//! The front matter is parsed in place (the rest of the file blanked to
//! spaces), so its errors carry the line and column of the note itself.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Deserialize;
use toml::Spanned;

use super::values::toml_date;
use crate::diagnostic::{Diagnostic, Diagnostics, SourceFile};
use crate::period::Period;
use crate::model::Site;

/// The folder of notes inside a site.
pub const NOTES_DIR: &str = "notes";

/// A month's note for one customer.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub customer: String,
    pub period: Period,
    /// The day of the review meeting, if one was held.
    pub meeting: Option<NaiveDate>,
    /// The month the meeting reviewed, when the note says (`reviews`): a
    /// meeting early in October usually reviews September.
    pub reviews: Option<Period>,
    pub attendees: Vec<String>,
    /// The customer's own rating in the meeting.
    pub satisfaction: Option<f64>,
    pub complaints: u32,
    pub compliments: u32,
    pub actions: Vec<Action>,
    /// The commentary, Markdown.
    pub body: String,
    pub file: PathBuf,
}

/// A service improvement plan action as a note records it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Action {
    pub id: String,
    pub title: String,
    /// `agreement-id/target-id`.
    pub target: Option<String>,
    pub owner: Option<String>,
    pub raised: Option<String>,
    pub due: Option<NaiveDate>,
    pub status: ActionStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ActionStatus {
    Open,
    Done,
    Dropped,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNote {
    meeting: Option<Spanned<toml::value::Datetime>>,
    reviews: Option<Spanned<String>>,
    #[serde(default)]
    attendees: Vec<String>,
    satisfaction: Option<Spanned<f64>>,
    #[serde(default)]
    complaints: u32,
    #[serde(default)]
    compliments: u32,
    #[serde(default)]
    actions: Vec<RawAction>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAction {
    id: Spanned<String>,
    title: String,
    target: Option<Spanned<String>>,
    owner: Option<String>,
    raised: Option<Spanned<String>>,
    due: Option<Spanned<toml::value::Datetime>>,
    status: ActionStatus,
}

/// Reads every note of the site, checking references to agreements and
/// targets. Notes for customers without an SLA are refused.
pub fn load_notes(site: &Site) -> (Vec<Note>, Diagnostics) {
    let mut notes = Vec::new();
    let mut problems = Diagnostics::new();
    let dir = site.root.join(NOTES_DIR);
    if !dir.is_dir() {
        return (notes, problems);
    }
    let targets: BTreeMap<String, ()> = site
        .versions
        .iter()
        .flat_map(|a| a.targets.iter().map(move |t| (format!("{}/{}", a.id, t.id), ())))
        .collect();
    for entry in walkdir::WalkDir::new(&dir).min_depth(1).sort_by_file_name() {
        let Ok(entry) = entry else { continue };
        if !entry.file_type().is_file() || entry.path().extension().is_none_or(|e| e != "md") {
            continue;
        }
        let source = match super::read_source(&site.root, entry.path()) {
            Ok(s) => s,
            Err(d) => {
                problems.push(d);
                continue;
            }
        };
        match load_note(&source, site, &targets) {
            Ok((note, warnings)) => {
                notes.push(note);
                problems.extend(warnings);
            }
            Err(p) => problems.extend(p),
        }
    }
    (notes, problems)
}

/// Reads one note (its path relative to the site, as `notes/<customer>/<YYYY-MM>.md`)
/// against the site; `targets` holds every `agreement/target` id of the site.
/// Reads one note: the note and its warnings, or every problem when one is an error.
pub fn load_note(source: &SourceFile, site: &Site, targets: &BTreeMap<String, ()>) -> Result<(Note, Diagnostics), Diagnostics> {
    let (customer, period) = place(&source.path).map_err(|m| {
        Diagnostics::from(Diagnostic::error(m).in_file(&source.path).with_hint(
            "notes live in notes/<customer>/<YYYY-MM>.md, e.g. notes/acme/2026-10.md",
        ))
    })?;
    let known_customer = site.agreements.iter().any(|a| a.kind == crate::model::AgreementKind::Sla && a.party == customer);
    if !known_customer {
        return Err(Diagnostic::error(format!("no SLA names customer `{customer}`"))
            .in_file(&source.path)
            .into());
    }
    let (front, body) = split_front_matter(&source.text).map_err(|m| {
        Diagnostics::from(Diagnostic::error(m).at_line(&source.path, 1).with_hint(
            "a note may start with TOML front matter between two lines of `+++`; the commentary follows the second",
        ))
    })?;
    let (raw, mut problems) = match front {
        Some(masked) => super::toml_file::parse::<RawNote>(&SourceFile::new(&source.path, masked)),
        None => (None, Diagnostics::new()),
    };
    let raw = match raw {
        Some(raw) => raw,
        None if problems.is_empty() => RawNote {
            meeting: None,
            reviews: None,
            attendees: Vec::new(),
            satisfaction: None,
            complaints: 0,
            compliments: 0,
            actions: Vec::new(),
        },
        None => return Err(problems),
    };
    let meeting = raw.meeting.as_ref().and_then(|m| match toml_date(m.get_ref()) {
        Ok(d) => {
            if Period::of(d) != period {
                problems.push(
                    Diagnostic::warning(format!("meeting {d} is not in {period}, the month of this note"))
                        .at(source, m.span()),
                );
            }
            Some(d)
        }
        Err(e) => {
            problems.push(Diagnostic::error(format!("meeting {e}")).at(source, m.span()));
            None
        }
    });
    let reviews = raw.reviews.as_ref().and_then(|r| {
        let problem = match r.get_ref().parse::<Period>() {
            Err(_) => format!("reviews `{}` is not a month like 2026-09", r.get_ref()),
            Ok(month) if month > period => format!("reviews {month} is after {period}, the month of this note"),
            Ok(_) if raw.meeting.is_none() => "reviews names the month a meeting reviewed, but this note records no meeting".to_string(),
            Ok(month) => return Some(month),
        };
        problems.push(
            Diagnostic::error(problem)
                .at(source, r.span())
                .with_hint("a review meeting reviews a month that has ended, e.g. reviews = \"2026-09\" in notes/<customer>/2026-10.md"),
        );
        None
    });
    let (lo, hi) = site.config.sources.get(&crate::model::SourceKind::Surveys).map_or((1.0, 5.0), |s| s.scale);
    if let Some(s) = &raw.satisfaction {
        // Written so that NaN (`satisfaction = nan`) is outside the scale too.
        if !(*s.get_ref() >= lo && *s.get_ref() <= hi) {
            problems.push(Diagnostic::error(format!("satisfaction {} is outside the scale {lo} to {hi}", s.get_ref())).at(source, s.span()));
        }
    }
    let mut actions = Vec::new();
    for a in raw.actions {
        if a.id.get_ref().trim().is_empty() {
            problems.push(Diagnostic::error("an action needs an id").at(source, a.id.span()));
        }
        if let Some(t) = &a.target {
            if !targets.contains_key(t.get_ref()) {
                problems.push(
                    Diagnostic::error(format!("unknown target `{}`", t.get_ref()))
                        .at(source, t.span())
                        .with_hint("name a target as \"<agreement id>/<target id>\", e.g. \"acme-email/availability\""),
                );
            }
        }
        if let Some(r) = &a.raised {
            if r.get_ref().parse::<Period>().is_err() {
                problems.push(Diagnostic::error(format!("raised `{}` is not a month like 2026-08", r.get_ref())).at(source, r.span()));
            }
        }
        let due = a.due.as_ref().and_then(|d| match toml_date(d.get_ref()) {
            Ok(d) => Some(d),
            Err(e) => {
                problems.push(Diagnostic::error(format!("due {e}")).at(source, d.span()));
                None
            }
        });
        actions.push(Action {
            id: a.id.into_inner(),
            title: a.title,
            target: a.target.map(Spanned::into_inner),
            owner: a.owner,
            raised: a.raised.map(Spanned::into_inner),
            due,
            status: a.status,
        });
    }
    if problems.has_errors() {
        return Err(problems);
    }
    let note = Note {
        customer,
        period,
        meeting,
        reviews,
        attendees: raw.attendees,
        satisfaction: raw.satisfaction.map(Spanned::into_inner),
        complaints: raw.complaints,
        compliments: raw.compliments,
        actions,
        body: body.to_string(),
        file: source.path.clone(),
    };
    // Warnings (a meeting outside the note's month) go with the note.
    Ok((note, problems))
}

/// The customer and month a note's path names.
fn place(path: &Path) -> Result<(String, Period), String> {
    let parts: Vec<String> = path.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    match parts.as_slice() {
        [_, customer, file] => {
            let stem = file.strip_suffix(".md").unwrap_or(file);
            let period = stem.parse::<Period>().map_err(|_| format!("`{file}` is not named after a month like 2026-10.md"))?;
            Ok((customer.clone(), period))
        }
        _ => Err(format!("{} is not at notes/<customer>/<YYYY-MM>.md", path.display())),
    }
}

/// Splits `+++` front matter from the body. The front matter comes back as
/// the whole text with everything else blanked to spaces, so byte offsets
/// (and so lines and columns) stay those of the file. A byte-order mark
/// before the opening `+++` is allowed (and blanked); an opening `+++`
/// without a closing one is an error, never taken as commentary.
pub fn split_front_matter(text: &str) -> Result<(Option<String>, &str), String> {
    let bom = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    let after_bom = &text[bom..];
    let first_end = after_bom.find('\n').map_or(after_bom.len(), |i| i + 1);
    if after_bom[..first_end].trim_end() != "+++" {
        return Ok((None, after_bom));
    }
    let open = bom + first_end;
    let mut offset = open;
    for line in text[open..].split_inclusive('\n') {
        if line.trim_end() == "+++" {
            let close_end = offset + line.len();
            let mut masked: Vec<u8> = text.as_bytes().to_vec();
            for (i, b) in masked.iter_mut().enumerate() {
                if (i < open || i >= offset) && *b != b'\n' {
                    *b = b' ';
                }
            }
            // Whole characters were blanked (the mark and everything outside the front matter).
            let masked = String::from_utf8(masked).map_err(|_| "the front matter is not UTF-8 text".to_string())?;
            return Ok((Some(masked), &text[close_end..]));
        }
        offset += line.len();
    }
    Err("the front matter opened by `+++` on line 1 is never closed: expected a line `+++` after it".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_keeps_its_offsets() {
        let text = "+++\nmeeting = 2026-10-14\n+++\n# Héllo\n";
        let (front, body) = split_front_matter(text).unwrap();
        let front = front.unwrap();
        assert_eq!(front.len(), text.len());
        assert_eq!(&front[4..25], "meeting = 2026-10-14\n");
        assert!(front[25..].chars().all(|c| c == ' ' || c == '\n'));
        assert_eq!(body, "# Héllo\n");
        assert_eq!(split_front_matter("# no front matter").unwrap().0, None);
        let (front, body) = split_front_matter("\u{feff}+++\r\nmeeting = 2026-10-14\r\n+++\r\nText").unwrap();
        assert!(front.unwrap().contains("meeting = 2026-10-14"));
        assert_eq!(body, "Text");
        assert!(split_front_matter("+++\nmeeting = 2026-10-14\n").unwrap_err().contains("never closed"));
        assert!(split_front_matter("+++").unwrap_err().contains("never closed"));
    }

    #[test]
    fn notes_are_placed_by_their_path() {
        assert_eq!(place(Path::new("notes/acme/2026-10.md")).unwrap(), ("acme".into(), "2026-10".parse().unwrap()));
        assert!(place(Path::new("notes/acme/october.md")).is_err());
        assert!(place(Path::new("notes/2026-10.md")).is_err());
    }
}
