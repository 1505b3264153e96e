//! What the catalog and column pages print, prepared so that a first render
//! borrows instead of building: rows of pre-escaped text, the category tree
//! and filter menus made once per change (`Menus`), dates and links written
//! straight into the page.

use std::fmt::{self, Write};

use askama::filters::{Escaper, Html, HtmlSafe};
use time::Date;

use crate::public::CatalogRow;
use crate::store::Category;

/// Text already escaped for HTML (by askama's own escaper, so a page is
/// byte for byte what escaping at render time would give).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Esc<'a>(pub &'a str);

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl HtmlSafe for Esc<'_> {}

impl Esc<'_> {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// `s` escaped for HTML text and attributes.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // Writing into a String cannot fail.
    let _ = Html.write_escaped_str(&mut out, s);
    out
}

/// Whether escaping would change `s`.
pub fn needs_escaping(s: &str) -> bool {
    s.bytes()
        .any(|b| matches!(b, b'<' | b'>' | b'&' | b'"' | b'\''))
}

/// Writes `s` percent-encoded as a query value.
pub fn write_enc(w: &mut impl Write, s: &str) -> fmt::Result {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            continue;
        }
        w.write_str(s.get(start..i).unwrap_or_default())?;
        let hex = [b'%', HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]];
        w.write_str(std::str::from_utf8(&hex).unwrap_or_default())?;
        start = i + 1;
    }
    w.write_str(s.get(start..).unwrap_or_default())
}

/// `s` percent-encoded as a query value.
pub fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    let _ = write_enc(&mut out, s);
    out
}

/// A date as `YYYY-MM-DD` (the catalog's 发布日期 column).
#[derive(Debug, Clone, Copy)]
pub struct Day(pub Date);

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = (self.0.year(), u8::from(self.0.month()), self.0.day());
        if !(0..=9999).contains(&y) {
            return write!(f, "{y}-{m:02}-{d:02}");
        }
        let y = y as u32;
        let digit = |n: u32| b'0' + (n % 10) as u8;
        let b = [
            digit(y / 1000),
            digit(y / 100),
            digit(y / 10),
            digit(y),
            b'-',
            digit(u32::from(m) / 10),
            digit(u32::from(m)),
            b'-',
            digit(u32::from(d) / 10),
            digit(u32::from(d)),
        ];
        f.write_str(std::str::from_utf8(&b).unwrap_or_default())
    }
}

impl HtmlSafe for Day {}

/// A list row as the catalog and column pages print it.
pub struct Row<'a> {
    pub id: i64,
    pub index_no: Esc<'a>,
    pub title: Esc<'a>,
    pub summary: Esc<'a>,
    pub doc_no: Esc<'a>,
    pub published_on: Day,
}

/// A row read from the database, escaped once.
pub struct OwnedRow {
    id: i64,
    index_no: String,
    title: String,
    summary: String,
    doc_no: String,
    published_on: Date,
}

impl From<CatalogRow> for OwnedRow {
    fn from(r: CatalogRow) -> OwnedRow {
        OwnedRow {
            id: r.id,
            index_no: escape_html(&r.index_no),
            title: escape_html(&r.title),
            summary: escape_html(&r.summary),
            doc_no: escape_html(&r.doc_no),
            published_on: r.published_on,
        }
    }
}

impl OwnedRow {
    pub fn row(&self) -> Row<'_> {
        Row {
            id: self.id,
            index_no: Esc(&self.index_no),
            title: Esc(&self.title),
            summary: Esc(&self.summary),
            doc_no: Esc(&self.doc_no),
            published_on: Day(self.published_on),
        }
    }
}

// ---------------------------------------------------------------- menus

/// A category of the 法定主动公开内容 tree in the column's left menu.
pub struct Node {
    pub code: String,
    pub name: String,
    pub href: String,
    pub children: Vec<Node>,
}

/// A filter menu option: the value as the query carries it, and value and
/// label escaped for the page.
pub struct Choice {
    pub raw: String,
    pub value: String,
    pub label: String,
}

/// The column's left menu and the catalog's filter menus, made once per
/// change of the category tree or of the set of years, genres and
/// publishers in use.
pub struct Menus {
    pub cats: Vec<Category>,
    pub tree: Vec<Node>,
    /// 公开制度: the catalog of 规范性文件 (the catalog when there is none).
    pub rules_href: String,
    pub year_choices: Vec<Choice>,
    pub genre_choices: Vec<Choice>,
    pub publisher_choices: Vec<Choice>,
}

fn category_href(code: &str) -> String {
    format!("/xxgk/ml?category={}", enc(code))
}

impl Menus {
    /// `years` newest first, `genres` and `publishers` sorted.
    pub fn new(
        cats: Vec<Category>,
        years: Vec<i32>,
        genres: Vec<String>,
        publishers: Vec<String>,
    ) -> Menus {
        let node = |c: &Category| Node {
            code: c.code.clone(),
            name: escape_html(&c.name),
            href: category_href(&c.code),
            children: Vec::new(),
        };
        let mut tree: Vec<Node> = Vec::new();
        for c in cats.iter().filter(|c| c.parent.is_none()) {
            let mut n = node(c);
            n.children = cats
                .iter()
                .filter(|x| x.parent.as_deref() == Some(c.code.as_str()))
                .map(node)
                .collect();
            tree.push(n);
        }
        let rules_href = cats
            .iter()
            .find(|c| c.name == "规范性文件")
            .map(|c| category_href(&c.code))
            .unwrap_or_else(|| "/xxgk/ml".to_string());
        let same = |raw: String| {
            let e = escape_html(&raw);
            Choice {
                raw,
                value: e.clone(),
                label: e,
            }
        };
        Menus {
            tree,
            rules_href,
            year_choices: years
                .iter()
                .map(|y| Choice {
                    raw: y.to_string(),
                    value: y.to_string(),
                    label: format!("{y}年"),
                })
                .collect(),
            genre_choices: genres.into_iter().map(same).collect(),
            publisher_choices: publishers.into_iter().map(same).collect(),
            cats,
        }
    }
}

/// The column's left menu as one page shows it.
pub struct Side<'a> {
    /// Which entry is current: "column", "catalog" or "" (none).
    pub at: &'static str,
    /// The current category of the tree, if any.
    pub current: Option<&'a str>,
    pub rules_href: Esc<'a>,
    pub tree: &'a [Node],
}

impl<'a> Side<'a> {
    pub fn new(menus: &'a Menus, at: &'static str, current: Option<&'a str>) -> Side<'a> {
        Side {
            at,
            current,
            rules_href: Esc(&menus.rules_href),
            tree: &menus.tree,
        }
    }

    pub fn in_tree(&self) -> bool {
        self.current.is_some()
    }

    pub fn is_current(&self, n: &Node) -> bool {
        self.current == Some(n.code.as_str())
    }
}

/// An option of a filter menu on one page.
pub struct Opt<'a> {
    pub value: Esc<'a>,
    pub label: Esc<'a>,
    pub selected: bool,
}

/// The options of one menu, `selected` (raw value) marked.
pub fn opts<'a>(choices: &'a [Choice], selected: Option<&str>) -> Vec<Opt<'a>> {
    choices
        .iter()
        .map(|c| Opt {
            value: Esc(&c.value),
            label: Esc(&c.label),
            selected: selected == Some(c.raw.as_str()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_print_as_iso_days() {
        let d = Date::from_calendar_date(2026, time::Month::March, 7).unwrap();
        assert_eq!(Day(d).to_string(), "2026-03-07");
        let d = Date::from_calendar_date(999, time::Month::December, 31).unwrap();
        assert_eq!(Day(d).to_string(), "0999-12-31");
    }

    #[test]
    fn query_values_are_percent_encoded_without_touching_safe_bytes() {
        assert_eq!(enc("通知"), "%E9%80%9A%E7%9F%A5");
        assert_eq!(enc("a b&c=d"), "a%20b%26c%3Dd");
        assert_eq!(enc("zcwj-1_2.3~"), "zcwj-1_2.3~");
        assert_eq!(enc(""), "");
    }

    #[test]
    fn pre_escaped_text_matches_askamas_escaping() {
        assert_eq!(
            escape_html("<b>\"A&B\"</b> '"),
            "&#60;b&#62;&#34;A&#38;B&#34;&#60;/b&#62; &#39;"
        );
        assert!(needs_escaping("a<b"));
        assert!(!needs_escaping("关于开展“安全生产月”活动的通知"));
    }
}
