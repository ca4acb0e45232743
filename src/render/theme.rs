//! Checks of a theme's templates that tera does not make: which file and
//! line a parse error is in, recursion (a macro that calls itself, a
//! template that includes itself: tera has no depth limit, so either
//! overflows the stack and aborts the build), and files in the theme folder
//! that are not where the renderer looks for them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Diagnostics};

/// Where a template came from, for messages: the site's own file, or the
/// built-in default theme.
pub fn origin(root: &Path, theme: &str, file: &str) -> PathBuf {
    let own = Path::new("themes").join(theme).join("templates").join(file);
    if root.join(&own).is_file() {
        own
    } else {
        Path::new("themes/default/templates (built in)").join(file)
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    1 + text[..offset.min(text.len())].bytes().filter(|b| *b == b'\n').count()
}

/// A tera parse error as a diagnostic naming the template file and line.
pub fn parse_error(root: &Path, theme: &str, names: &[&str], chain: &str) -> Diagnostic {
    let file = names.iter().find(|n| chain.contains(&format!("'{n}'")) || chain.contains(&format!("\"{n}\"")));
    let line = chain.find("--> ").and_then(|i| {
        let digits: String = chain[i + 4..].chars().take_while(char::is_ascii_digit).collect();
        digits.parse::<usize>().ok()
    });
    let d = Diagnostic::error(format!("a template of theme `{theme}` does not parse: {chain}"));
    match (file, line) {
        (Some(f), Some(l)) => d.at_line(origin(root, theme, f), l),
        (Some(f), None) => d.in_file(origin(root, theme, f)),
        _ => d.in_file(format!("themes/{theme}/templates")),
    }
}

/// Where the tag `{% keyword` (or `{%- keyword`) starts in `text`, and
/// where its arguments start.
fn tags<'t>(text: &'t str, keyword: &'t str) -> impl Iterator<Item = (usize, usize)> + 't {
    text.match_indices(keyword)
        .map(|(i, _)| i)
        .filter(move |i| text[..*i].trim_end_matches([' ', '\t', '\n', '\r', '-']).ends_with("{%"))
        .map(move |i| (i, i + keyword.len()))
}

/// `{% macro name(` definitions: (name, offset of the tag, body).
fn macros(text: &str) -> Vec<(String, usize, &str)> {
    let mut out = Vec::new();
    for (i, from) in tags(text, "macro ") {
        let name: String = text[from..].trim_start().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        if name.is_empty() {
            continue;
        }
        let end = text[from..].find("endmacro").map_or(text.len(), |e| e + from);
        out.push((name, i, &text[from..end]));
    }
    out
}

/// Names called as `namespace::name(` in `text`.
fn calls(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("::").map(|i| i + from) {
        from = i + 2;
        let name: String = text[from..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        if text[from + name.len()..].trim_start().starts_with('(') && !name.is_empty() {
            out.insert(name);
        }
    }
    out
}

/// Templates named by `{% include "x" %}` in `text`.
fn includes(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (_, from) in tags(text, "include") {
        let rest = text[from..].trim_start();
        let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else { continue };
        if let Some(end) = rest[1..].find(quote) {
            out.insert(rest[1..1 + end].to_string());
        }
    }
    out
}

/// A cycle through `start` in `graph`, as the path of names, if any.
fn cycle(graph: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    fn walk(graph: &BTreeMap<String, BTreeSet<String>>, start: &str, at: &str, path: &mut Vec<String>, seen: &mut BTreeSet<String>) -> bool {
        for next in graph.get(at).into_iter().flatten() {
            if next == start {
                path.push(next.clone());
                return true;
            }
            if seen.insert(next.clone()) {
                path.push(next.clone());
                if walk(graph, start, next, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![start.to_string()];
    walk(graph, start, start, &mut path, &mut BTreeSet::new()).then_some(path)
}

/// Refuses recursion in `templates` ((file name, text)): a macro that calls
/// itself, directly or through other macros, and a template that includes
/// itself. Each is named with its file and line.
pub fn check_recursion(root: &Path, theme: &str, templates: &[(String, String)]) -> Diagnostics {
    let mut problems = Diagnostics::new();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut defined: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for (file, text) in templates {
        for (name, offset, body) in macros(text) {
            graph.entry(name.clone()).or_default().extend(calls(body));
            defined.entry(name).or_insert((file.clone(), line_of(text, offset)));
        }
    }
    for (name, (file, line)) in &defined {
        if let Some(path) = cycle(&graph, name) {
            problems.push(
                Diagnostic::error(format!("macro `{name}` calls itself ({}); theme templates may not recurse", path.join(" -> ")))
                    .at_line(origin(root, theme, file), *line)
                    .with_hint("tera has no depth limit, so a recursive macro overflows the stack; write the nesting out, or loop"),
            );
            break;
        }
    }
    let graph: BTreeMap<String, BTreeSet<String>> = templates.iter().map(|(f, t)| (f.clone(), includes(t))).collect();
    for (file, text) in templates {
        if let Some(path) = cycle(&graph, file) {
            let at = text.find("include").unwrap_or(0);
            problems.push(
                Diagnostic::error(format!("template {file} includes itself ({}); theme templates may not recurse", path.join(" -> ")))
                    .at_line(origin(root, theme, file), line_of(text, at)),
            );
            break;
        }
    }
    problems
}

/// Warnings about files of `themes/<theme>/` the renderer never reads: a
/// template outside `templates/`, a template name it does not know, a
/// stylesheet in the wrong place.
pub fn misplaced_files(root: &Path, theme: &str, names: &[&str]) -> Diagnostics {
    let mut problems = Diagnostics::new();
    let dir = root.join("themes").join(theme);
    if !dir.is_dir() {
        return problems;
    }
    for entry in walkdir::WalkDir::new(&dir).min_depth(1).sort_by_file_name().into_iter().flatten() {
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(root).unwrap_or(entry.path()).to_path_buf();
        let inner = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
        let parts: Vec<String> = inner.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        let used = match parts.as_slice() {
            [css] => css == "style.css",
            [t, file] if t == "templates" => names.contains(&file.as_str()),
            _ => false,
        };
        if !used {
            problems.push(
                Diagnostic::warning(format!("{} is not used by theme `{theme}`", rel.display()))
                    .in_file(&rel)
                    .with_hint(format!(
                        "a theme has themes/{theme}/style.css and templates in themes/{theme}/templates/: {}",
                        names.join(", ")
                    )),
            );
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recursion_is_found() {
        let t = |f: &str, s: &str| (f.to_string(), s.to_string());
        let root = Path::new("/nonexistent");
        let ok = [t("macros.html", "{% macro a(x) %}{{ self::b(x=x) }}{% endmacro a %}\n{% macro b(x) %}{{ x }}{% endmacro b %}")];
        assert!(check_recursion(root, "house", &ok).is_empty());
        let direct = [t("base.html", "x"), t("macros.html", "\n{%- macro loop(n) -%}{{ self::loop(n=n) }}{%- endmacro loop -%}")];
        let p = check_recursion(root, "house", &direct);
        let d = p.iter().next().unwrap();
        assert!(d.message.contains("macro `loop` calls itself (loop -> loop)"), "{d}");
        assert_eq!(d.location.as_ref().unwrap().line, Some(2));
        let mutual = [t("macros.html", "{% macro a() %}{{ self::b() }}{% endmacro %}{% macro b() %}{{ self::a() }}{% endmacro %}")];
        assert!(check_recursion(root, "house", &mutual).iter().next().unwrap().message.contains("a -> b -> a"));
        let include = [t("report.html", "{% include \"report.html\" %}")];
        assert!(check_recursion(root, "house", &include).iter().next().unwrap().message.contains("includes itself"));
    }
}
