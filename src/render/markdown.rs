//! Commentary from notes: Markdown to HTML, then sanitized.
//!
//! Notes are written by people and may be pasted from anywhere; the HTML is
//! cleaned with ammonia after rendering, so no script, no event handler and
//! no `javascript:` link reaches a report, whatever the Markdown held.

use pulldown_cmark::{html, Options, Parser};

/// Renders Markdown (tables, footnotes, strikethrough) to safe HTML.
pub fn to_safe_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
    let mut raw = String::new();
    html::push_html(&mut raw, Parser::new_ext(markdown, options));
    ammonia::Builder::default()
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("noopener noreferrer"))
        .add_generic_attributes(["id"])
        // Footnotes: pulldown-cmark marks references and definitions by class.
        .add_tag_attributes("sup", ["class"])
        .add_tag_attributes("div", ["class"])
        .clean(&raw)
        .to_string()
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
}
