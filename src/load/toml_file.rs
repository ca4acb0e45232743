//! Reading one TOML file into a typed value, reporting *every* problem in it.
//!
//! serde stops at the first error. To list them all, the document is parsed
//! once into a spanned tree; after each failed attempt the entry holding the
//! error is removed from the tree and deserialisation is tried again, until it
//! succeeds or an error cannot be pinned on an entry. Missing fields that only
//! went missing because an earlier pass removed them are not reported twice.

use std::ops::Range;

use serde::de::DeserializeOwned;
use toml::de::{DeTable, DeValue, Deserializer};
use crate::diagnostic::{Diagnostic, Diagnostics, SourceFile};

/// How many errors one file may produce before we stop looking.
const MAX_PASSES: usize = 50;

/// Deserialises `source` as `T`, returning every problem found. The value is
/// there when the document, less its faulty entries, still makes a `T`, so
/// later checks can go on and report their problems too.
pub fn parse<T: DeserializeOwned>(source: &SourceFile) -> (Option<T>, Diagnostics) {
    match parse_strict(source) {
        Ok(value) => (Some(value), Diagnostics::new()),
        Err((value, problems)) => (value, problems),
    }
}

type Failure<T> = (Option<T>, Diagnostics);

fn parse_strict<T: DeserializeOwned>(source: &SourceFile) -> Result<T, Failure<T>> {
    let (mut document, syntax_errors) = DeTable::parse_recoverable(&source.text);
    if !syntax_errors.is_empty() {
        let mut problems = Diagnostics::new();
        for error in syntax_errors {
            problems.push(toml_error(source, &error, "this is not valid TOML"));
        }
        return Err((None, problems));
    }
    document.get_mut().make_owned();

    let mut problems = Diagnostics::new();
    let mut removed: Vec<String> = Vec::new();
    for _ in 0..MAX_PASSES {
        let attempt = T::deserialize(Deserializer::from(document.clone()));
        let error = match attempt {
            Ok(value) if problems.is_empty() => return Ok(value),
            Ok(value) => return Err((Some(value), in_line_order(problems))),
            Err(error) => error,
        };
        let message = error.message().to_string();
        if let Some(field) = missing_field(&message) {
            if removed.iter().any(|r| r == field) {
                return Err((None, in_line_order(problems)));
            }
        }
        problems.push(toml_error(source, &error, ""));
        let Some(span) = error.span() else {
            return Err((None, in_line_order(problems)));
        };
        match remove_entry_at(document.get_mut(), &span) {
            Some(key) => removed.push(key),
            None => return Err((None, in_line_order(problems))),
        }
    }
    Err((None, in_line_order(problems)))
}

fn in_line_order(problems: Diagnostics) -> Diagnostics {
    let mut items = problems.into_vec();
    items.sort_by_key(|d| d.location.as_ref().map(|l| (l.line, l.column)));
    let mut sorted = Diagnostics::new();
    for d in items {
        sorted.push(d);
    }
    sorted
}

/// A diagnostic from a toml error, with serde's wording made friendlier.
fn toml_error(source: &SourceFile, error: &toml::de::Error, fallback_hint: &str) -> Diagnostic {
    let message = error.message().trim().to_string();
    let mut diagnostic = Diagnostic::error(friendly(&message));
    diagnostic = match error.span() {
        Some(span) => diagnostic.at(source, span),
        None => diagnostic.in_file(&source.path),
    };
    if let Some(hint) = hint_for(&message) {
        diagnostic.with_hint(hint)
    } else if !fallback_hint.is_empty() {
        diagnostic.with_hint(fallback_hint)
    } else {
        diagnostic
    }
}

/// serde speaks Rust ("invalid type: string \"x\", expected f64",
/// "unknown variant `x`, expected one of `a`, `b`"); say it in the words of
/// the file: a number, a date, one of the listed values. The list of allowed
/// values or keys goes to the hint.
fn friendly(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let value = rest.split(", expected").next().unwrap_or(rest);
        return format!("{value} is not one of the allowed values");
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            return format!("expected {}, found {}", in_words(expected), found_in_words(found));
        }
    }
    if let Some(rest) = message.strip_prefix("invalid value: ") {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            return format!("expected {}, found {}", in_words(expected), found_in_words(found));
        }
    }
    match message.split_once(", expected one of") {
        Some((head, _)) => head.to_string(),
        None => match message.split_once(", expected ") {
            Some((head, _)) if head.starts_with("unknown") => head.to_string(),
            _ => message.to_string(),
        },
    }
}

/// What serde expected, as a user would say it.
fn in_words(expected: &str) -> String {
    let e = expected.trim();
    let words = match e {
        "f64" | "f32" => "a number",
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "usize" | "isize" => "a whole number",
        "a boolean" | "bool" => "true or false",
        "a string" | "string" | "a borrowed string" => "text in quotes",
        "a sequence" => "a list in [brackets]",
        "a map" => "a table",
        _ if e.starts_with("struct ") || e.starts_with("a map") => "a table",
        _ if e.starts_with("an array of length") || e.starts_with("array of length") => {
            return format!("a list of {} numbers", e.rsplit(' ').next().unwrap_or("2"));
        }
        _ if e.contains("datetime") || e.contains("date") => "a date such as 2026-01-31",
        _ if e.starts_with("enum ") => "one of the listed values",
        _ => return e.to_string(),
    };
    words.to_string()
}

/// What serde found, as a user would say it: `string "x"` is the text "x".
fn found_in_words(found: &str) -> String {
    let f = found.trim();
    if let Some(text) = f.strip_prefix("string ") {
        return format!("the text {text}");
    }
    // An integer past 64 bits: "integer `99999999999999999999999` as i128".
    if let Some(v) = f.strip_prefix("integer `").and_then(|v| v.strip_suffix("` as i128")) {
        return format!("the number {v}, too large to be exact");
    }
    for (prefix, name) in [("integer ", "the number "), ("floating point ", "the number "), ("boolean ", "")] {
        if let Some(v) = f.strip_prefix(prefix) {
            return format!("{name}{}", v.trim_matches('`'));
        }
    }
    match f {
        "sequence" => "a list".to_string(),
        "map" => "a table".to_string(),
        other => other.to_string(),
    }
}

fn hint_for(message: &str) -> Option<String> {
    if let Some((_, expected)) = message.split_once(", expected one of ") {
        let what = if message.starts_with("unknown field") { "allowed keys" } else { "use one of" };
        return Some(format!("{what}: {expected}"));
    }
    if let Some((head, expected)) = message.split_once(", expected ") {
        if head.starts_with("unknown variant") {
            return Some(format!("use {expected}"));
        }
        if head.starts_with("unknown") {
            return Some(format!("expected {expected}"));
        }
    }
    None
}

fn missing_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("missing field `")?;
    rest.split('`').next()
}

/// Removes the innermost table entry whose key or value contains `span`,
/// returning its key. Arrays cannot lose elements, so an error inside an array
/// of plain values removes the key that holds the array. Children are searched
/// first, whatever their spans say: the span of an array of tables does not
/// always cover every table in it.
fn remove_entry_at(table: &mut DeTable<'_>, span: &Range<usize>) -> Option<String> {
    for (_, value) in table.iter_mut() {
        if let Some(key) = remove_inside(value.get_mut(), span) {
            return Some(key);
        }
    }
    let key = table
        .iter()
        .find(|(k, v)| {
            contains(&(k.span().start..v.span().end), span) || contains(&v.span(), span)
        })
        .map(|(k, _)| k.get_ref().to_string())?;
    table.remove(key.as_str());
    Some(key)
}

fn remove_inside(value: &mut DeValue<'_>, span: &Range<usize>) -> Option<String> {
    match value {
        DeValue::Table(table) => remove_entry_at(table, span),
        DeValue::Array(array) => array.iter_mut().find_map(|item| match item.get_mut() {
            DeValue::Table(table) => remove_entry_at(table, span),
            _ => None,
        }),
        _ => None,
    }
}

fn contains(outer: &Range<usize>, inner: &Range<usize>) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        id: String,
        weight: f64,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        title: String,
        count: u32,
        items: Vec<Item>,
    }

    fn lines(problems: &Diagnostics) -> Vec<(usize, String)> {
        problems
            .iter()
            .map(|d| (d.location.as_ref().unwrap().line.unwrap(), d.message.clone()))
            .collect()
    }

    #[test]
    fn reports_every_structural_error_in_a_file() {
        let text = "title = \"x\"\ncount = \"three\"\ncolour = 1\n\n[[items]]\nid = \"a\"\nweight = 1.0\n\n[[items]]\nid = \"b\"\nwieght = 2.0\nweight = true\n";
        let source = SourceFile::new("doc.toml", text.into());
        let problems = parse::<Doc>(&source).1;
        let found = lines(&problems);
        assert_eq!(found.len(), 4, "{found:?}");
        // In line order, whatever order serde met them in.
        assert_eq!(found[0].0, 2);
        assert_eq!(found[0].1, "expected a whole number, found the text \"three\"");
        assert_eq!(found[1], (3, "unknown field `colour`".into()));
        assert_eq!(found[2], (11, "unknown field `wieght`".into()));
        assert_eq!(found[3].0, 12);
        assert_eq!(found[3].1, "expected a number, found true");
    }

    #[test]
    fn syntax_errors_point_at_the_line() {
        let source = SourceFile::new("doc.toml", "title = \"x\"\ncount = \n".into());
        let problems = parse::<Doc>(&source).1;
        assert_eq!(lines(&problems)[0].0, 2);
    }

    #[test]
    fn a_missing_field_is_reported_once() {
        let source = SourceFile::new("doc.toml", "title = \"x\"\nitems = []\n".into());
        let problems = parse::<Doc>(&source).1;
        assert_eq!(problems.iter().count(), 1);
        assert_eq!(problems.iter().next().unwrap().message, "missing field `count`");
    }
}
