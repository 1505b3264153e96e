//! Body text: sanitised rich text for pages, plain text for search and
//! feeds, paragraphs from plain text for imports.

use std::collections::HashSet;

/// Keeps the markup of an official document and nothing that runs:
/// paragraphs, headings, lists, tables, emphasis, links (http/https/mailto,
/// opened with rel="noopener noreferrer").
pub fn sanitize(html: &str) -> String {
    let tags: HashSet<&str> = [
        "p",
        "br",
        "h2",
        "h3",
        "h4",
        "ul",
        "ol",
        "li",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "strong",
        "b",
        "em",
        "i",
        "u",
        "a",
        "blockquote",
        "span",
        "div",
        "sub",
        "sup",
        "hr",
    ]
    .into_iter()
    .collect();
    ammonia::Builder::default()
        .tags(tags)
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("noopener noreferrer"))
        .clean(html)
        .to_string()
}

/// Escapes text for HTML.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Plain text → paragraphs (blank-line or line separated).
pub fn paragraphs(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| format!("<p>{}</p>", escape(l)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The text of sanitised HTML (for search, feeds and summaries).
pub fn plain(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    let decoded = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitising_removes_scripts_handlers_and_javascript_links() {
        let dirty = r#"<p onclick="x()">正文<script>alert(1)</script><a href="javascript:alert(2)">链接</a><img src=x onerror=alert(3)></p>"#;
        let clean = sanitize(dirty);
        assert!(
            !clean.contains("script")
                && !clean.contains("onclick")
                && !clean.contains("javascript")
        );
        assert!(!clean.contains("onerror") && !clean.contains("<img"));
        assert!(clean.contains("正文"));
    }

    #[test]
    fn plain_text_of_html_keeps_words_and_decodes_entities() {
        assert_eq!(plain("<p>安全&amp;生产</p><p>监督</p>"), "安全&生产 监督");
    }

    #[test]
    fn imported_text_becomes_escaped_paragraphs() {
        assert_eq!(
            paragraphs("第一段\n\n<第二段>"),
            "<p>第一段</p>\n<p>&lt;第二段&gt;</p>"
        );
    }
}
