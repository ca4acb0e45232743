//! Commentary from notes: Markdown to HTML, then sanitized.
//!
//! Notes are written by people and may be pasted from anywhere; the HTML is
//! cleaned with ammonia after rendering, so no script, no event handler and
//! no `javascript:` link reaches a report, whatever the Markdown held.
//!
//! Reports fetch nothing from the network (they are read offline, zipped and
//! archived): a remote image in a note (`![chart](https://...)`) becomes a
//! link to it, and a remote `src` in raw HTML is dropped.

use pulldown_cmark::{html, Event, Options, Parser, Tag, TagEnd};

/// Renders Markdown (tables, footnotes, strikethrough) to safe HTML.
pub fn to_safe_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
    let mut raw = String::new();
    // For each open image: whether it was turned into a link.
    let mut images: Vec<bool> = Vec::new();
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
            let remote = is_remote(&dest_url);
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
            let fetched = matches!(attribute, "src" | "srcset" | "poster" | "background")
                || (element == "object" && attribute == "data");
            if fetched && is_remote(value) {
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

/// A URL that would be fetched from the network: with a scheme, or
/// protocol-relative (`//host/...`).
fn is_remote(url: &str) -> bool {
    let url = url.trim();
    url.starts_with("//") || url.starts_with("\\\\") || url.split_once(':').is_some_and(|(scheme, _)| !scheme.is_empty() && !scheme.contains('/'))
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
}
