//! Commentary from notes: Markdown to HTML, then sanitized.
//!
//! Notes are written by people and may be pasted from anywhere; the HTML is
//! cleaned with ammonia after rendering, so no script, no event handler and
//! no `javascript:` link reaches a report, whatever the Markdown held.
//!
//! Reports fetch nothing from outside the site (they are read offline,
//! zipped and archived): an image in a note whose address leaves the site
//! (`![chart](https://...)`) becomes a link to it, and such an address in
//! any attribute that fetches (`src`, `srcset`, `poster`, `background`,
//! `data` of an object, `href` of a `link` or `image`) is dropped. Whether an
//! address leaves the site is decided as a browser reads it (the WHATWG URL
//! rules): leading and trailing controls and spaces trimmed, tabs and
//! newlines removed anywhere, a backslash read as a slash. What stays is a
//! relative path (`chart.svg`, `img/a.png`) or a `#` anchor; a scheme
//! (`https:`, `data:`), a network path (`//host`, `/\host`, `\\host`) or
//! a root path (`/a.png`, outside the site once published under a folder)
//! is refused. `style` attributes, and so CSS `url()`, never pass.

use pulldown_cmark::{html, Event, Options, Parser, Tag, TagEnd};

/// Renders Markdown (tables, footnotes, strikethrough) to safe HTML.
pub fn to_safe_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
    let mut raw = String::new();
    // For each open image: whether it was turned into a link.
    let mut images: Vec<bool> = Vec::new();
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
            let remote = leaves_the_site(&dest_url);
            images.push(remote);
            if remote {
                Event::Start(Tag::Link { link_type, dest_url, title, id })
            } else {
                Event::Start(Tag::Image { link_type, dest_url, title, id })
            }
        }
        Event::End(TagEnd::Image) if images.pop() == Some(true) => Event::End(TagEnd::Link),
        other => other,
    });
    html::push_html(&mut raw, events);
    ammonia::Builder::default()
        .attribute_filter(|element, attribute, value| {
            let fetched = matches!(attribute, "src" | "poster" | "background")
                || (element == "object" && attribute == "data")
                || (matches!(element, "link" | "image") && matches!(attribute, "href" | "xlink:href"));
            let refused = if attribute == "srcset" { srcset_leaves_the_site(value) } else { fetched && leaves_the_site(value) };
            if refused {
                None
            } else {
                Some(value.into())
            }
        })
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("noopener noreferrer"))
        .add_generic_attributes(["id"])
        // Footnotes: pulldown-cmark marks references and definitions by class.
        .add_tag_attributes("sup", ["class"])
        .add_tag_attributes("div", ["class"])
        .clean(&raw)
        .to_string()
}

/// True when `url`, read as a browser reads it, points outside the site:
/// anything but a relative path or a `#` anchor (see the module comment).
fn leaves_the_site(url: &str) -> bool {
    // WHATWG URL parsing: C0 controls and spaces trimmed at both ends, ASCII
    // tab and newline removed anywhere, `\` a path separator like `/`.
    let url: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .map(|c| if c == '\\' { '/' } else { c })
        .collect();
    if url.starts_with('#') || url.is_empty() {
        return false;
    }
    if url.starts_with('/') {
        // A network path (`//host`) or a root path.
        return true;
    }
    // A scheme: a letter, then letters, digits, `+`, `-` or `.`, then `:`
    // before any `/`, `?` or `#`.
    let head = url.split(['/', '?', '#']).next().unwrap_or_default();
    head.split_once(':').is_some_and(|(scheme, _)| {
        scheme.starts_with(|c: char| c.is_ascii_alphabetic()) && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    }) || head.contains(':')
}

/// True when any candidate of a `srcset` (`a.png 1x, b.png 2x`) leaves the site.
fn srcset_leaves_the_site(srcset: &str) -> bool {
    srcset.split(',').any(|candidate| candidate.split_whitespace().next().is_some_and(leaves_the_site))
}

#[cfg(test)]
mod tests {
    use super::to_safe_html;

    #[test]
    fn tables_and_footnotes_render() {
        let html = to_safe_html("| a | b |\n| - | - |\n| 1 | 2 |\n\nText[^1].\n\n[^1]: A note.\n");
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<td>1</td>"), "{html}");
        assert!(html.contains("<sup class=\"footnote-reference\"><a href=\"#1\" rel=\"noopener noreferrer\">1</a></sup>"), "{html}");
        assert!(html.contains("<div class=\"footnote-definition\" id=\"1\">"), "{html}");
    }

    #[test]
    fn scripts_handlers_and_javascript_links_are_removed() {
        let html = to_safe_html(
            "<script>alert(1)</script>\n\n<img src=x onerror=\"alert(2)\">\n\n[click](javascript:alert(3)) <a href=\"javascript:alert(4)\">x</a>\n",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn remote_images_become_links_and_remote_sources_are_dropped() {
        let html = to_safe_html("![tracker](https://tracker.example/p.png) and ![local](chart.svg)\n\n<img src=\"//evil.example/x.gif\">\n");
        assert!(!html.contains("<img src=\"https://"), "{html}");
        assert!(html.contains("<a href=\"https://tracker.example/p.png\""), "{html}");
        assert!(html.contains(">tracker</a>"), "{html}");
        assert!(html.contains("<img src=\"chart.svg\""), "{html}");
        assert!(!html.contains("evil.example"), "{html}");
    }

    #[test]
    fn addresses_a_browser_reads_as_remote_are_dropped_from_every_fetching_attribute() {
        // Each of these is read by a browser as //evil.example/... (a backslash
        // is a slash, a tab is removed), so it would be fetched over HTTP.
        for payload in [
            "<img src=\"/\\evil.example/a.png\">",
            "<img src=\"\\/evil.example/b.png\">",
            "<img src=\"/&#9;/evil.example/c.png\">",
            "<img src=\"/&#10;/evil.example/d.png\">",
            "<img src=\"\\\\evil.example/e.png\">",
            "<img src=\" &#1;//evil.example/f.png\">",
            "<img src=\"HTTPS://evil.example/g.png\">",
            "<img src=\"ht&#9;tps://evil.example/h.png\">",
            "<img src=\"data:image/png;base64,AAAA\">",
            "<img src=\"/evil.example/root-path.png\">",
            "<img srcset=\"ok.png 1x, //evil.example/i.png 2x\">",
            "<video poster=\"//evil.example/j.png\"></video>",
            "<p style=\"background:url(//evil.example/k.png)\">x</p>",
            "<table background=\"//evil.example/l.png\"><tr><td>x</td></tr></table>",
        ] {
            let html = to_safe_html(payload);
            assert!(!html.contains("evil.example"), "{payload} -> {html}");
            assert!(!html.contains("base64"), "{payload} -> {html}");
        }
        // The same rule for a Markdown image: it becomes a link, never an image.
        let html = to_safe_html("![x](/\\evil.example/m.png)");
        assert!(!html.contains("<img"), "{html}");
    }

    #[test]
    fn relative_paths_and_anchors_inside_the_site_stay() {
        let html = to_safe_html("<img src=\"chart.svg\"> <img src=\"img/a.png\"> <img srcset=\"a.png 1x, b.png 2x\"> <a href=\"#actions\">plan</a>");
        assert!(html.contains("<img src=\"chart.svg\">"), "{html}");
        assert!(html.contains("<img src=\"img/a.png\">"), "{html}");
        assert!(html.contains("href=\"#actions\""), "{html}");
    }

    #[test]
    fn leaves_the_site_reads_addresses_as_a_browser_does() {
        use super::leaves_the_site;
        for remote in ["//h/x", "/\\h/x", "\\/h/x", "\\\\h/x", "/\t/h/x", " \u{1}//h/x", "https://h/x", "HTTP://h", "ht\ntp://h", "data:x", "javascript:x", "/root.png", "c:/x.png"] {
            assert!(leaves_the_site(remote), "{remote:?}");
        }
        for local in ["", "#a", "chart.svg", "img/a.png", "../a.png", "a.png?x=1:2", "a/b:c.png"] {
            assert!(!leaves_the_site(local), "{local:?}");
        }
    }
}
