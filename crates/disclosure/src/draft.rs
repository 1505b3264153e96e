//! The item form parsed once, at the edge, into a typed command.

use time::Date;
use yangguang_kernel::text::{clip, optional, required};
use yangguang_kernel::timefmt::parse_date;

use crate::model::{Attribute, Validity, check_attribute};
use crate::{DisclosureError, text};

/// A valid item as written by its author (the working copy).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub title: String,
    pub summary: String,
    pub category_code: String,
    pub genre: String,
    pub publisher: String,
    pub written_on: Date,
    pub doc_no: String,
    pub keywords: String,
    pub validity: Validity,
    pub attribute: Attribute,
    pub ground: Option<String>,
    /// Sanitised.
    pub body_html: String,
    /// The document this item interprets (政策解读), if it is one.
    pub interprets_id: Option<i64>,
}

impl Draft {
    /// Parses the form fields. `categories`: the codes that exist.
    pub fn parse(
        get: impl Fn(&str) -> String,
        today: Date,
        categories: &[String],
    ) -> Result<Draft, DisclosureError> {
        let title = required("标题（名称）", &get("title"), 200)?;
        // Plain text (no markup) keeps its line breaks as paragraphs.
        let raw = get("body");
        let looks_like_html = raw.match_indices('<').any(|(i, _)| {
            raw[i + 1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!')
        });
        let body_html = if looks_like_html {
            text::sanitize(raw.trim())
        } else {
            text::paragraphs(&raw)
        };
        let body_plain = text::plain(&body_html);
        if body_plain.is_empty() {
            return Err(DisclosureError::invalid("missing_field", "请填写正文"));
        }
        let summary = match optional("内容概述", &get("summary"), 500)? {
            Some(s) => s,
            // The catalog needs a summary (条例 Art 12): the opening of the text.
            None => clip(&body_plain, 100),
        };
        let category_code = get("category").trim().to_string();
        if !categories.contains(&category_code) {
            return Err(DisclosureError::invalid(
                "unknown_category",
                "请选择主题分类",
            ));
        }
        let genre = required("体裁", &get("genre"), 20)?;
        let publisher = required("发布机构", &get("publisher"), 100)?;
        let written_on = parse_date(&get("written_on")).map_err(|_| {
            DisclosureError::invalid(
                "invalid_date",
                format!(
                    "成文日期“{}”无效：应为 YYYY-MM-DD 格式的日期",
                    clip(get("written_on").trim(), 20)
                ),
            )
        })?;
        if written_on > today {
            return Err(DisclosureError::invalid(
                "future_date",
                "成文日期不能晚于今天",
            ));
        }
        let doc_no = optional("文号", &get("doc_no"), 60)?.unwrap_or_default();
        let keywords = optional("关键词", &get("keywords"), 100)?.unwrap_or_default();
        let validity = Validity::parse(get("validity").trim()).unwrap_or(Validity::Valid);
        let attribute = Attribute::parse(get("attribute").trim())
            .ok_or_else(|| DisclosureError::invalid("missing_field", "请选择公开属性"))?;
        let ground =
            optional("理由", &get("ground"), 40)?.filter(|_| attribute != Attribute::Proactive);
        check_attribute(attribute, ground.as_deref())?;
        let interprets_id =
            match get("interprets").trim() {
                "" => None,
                s => Some(s.parse::<i64>().map_err(|_| {
                    DisclosureError::invalid("invalid_link", "所解读的文件编号无效")
                })?),
            };
        Ok(Draft {
            title,
            summary,
            category_code,
            genre,
            publisher,
            written_on,
            doc_no,
            keywords,
            validity,
            attribute,
            ground,
            body_html,
            interprets_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn form<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> String + 'a {
        move |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
                .unwrap_or_default()
        }
    }

    fn cats() -> Vec<String> {
        vec!["zcwj".into()]
    }

    const OK: &[(&str, &str)] = &[
        ("title", "关于进一步加强政务公开的意见"),
        ("body", "<p>正文</p>"),
        ("category", "zcwj"),
        ("genre", "意见"),
        ("publisher", "苏州市安全生产监督管理局"),
        ("written_on", "2008-08-21"),
        ("doc_no", "苏安监办〔2008〕38号"),
        ("attribute", "proactive"),
    ];

    #[test]
    fn a_complete_form_parses_and_the_summary_defaults_to_the_text() {
        let d = Draft::parse(form(OK), date!(2026 - 11 - 26), &cats()).expect("valid");
        assert_eq!(d.summary, "正文");
        assert_eq!(d.validity, Validity::Valid);
        assert_eq!(d.written_on, date!(2008 - 08 - 21));
    }

    #[test]
    fn plain_text_body_keeps_its_lines_as_paragraphs() {
        let mut f: Vec<(&str, &str)> = OK.iter().filter(|(k, _)| *k != "body").copied().collect();
        f.push(("body", "第一行\r\n第二行 <不是标签"));
        let d = Draft::parse(form(&f), date!(2026 - 11 - 26), &cats()).expect("valid");
        assert_eq!(d.body_html, "<p>第一行</p>\n<p>第二行 &lt;不是标签</p>");
    }

    #[test]
    fn not_disclosed_needs_a_legal_ground() {
        let mut f = OK.to_vec();
        f.retain(|(k, _)| *k != "attribute");
        f.push(("attribute", "not_disclosed"));
        let e = Draft::parse(form(&f), date!(2026 - 11 - 26), &cats())
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some("不予公开的信息须选择法定理由（条例第十四条至第十六条）")
        );
        f.push(("ground", "art16_process"));
        assert!(Draft::parse(form(&f), date!(2026 - 11 - 26), &cats()).is_ok());
    }

    #[test]
    fn bad_fields_are_refused_with_chinese_messages() {
        let today = date!(2026 - 11 - 26);
        let with = |k: &'static str, v: &'static str| {
            let mut f: Vec<(&str, &str)> = OK.iter().filter(|(n, _)| *n != k).copied().collect();
            f.push((k, v));
            Draft::parse(form(&f), today, &cats())
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default()
        };
        assert_eq!(with("title", ""), "请填写标题（名称）");
        assert_eq!(with("body", "<script>x</script>"), "请填写正文");
        assert_eq!(with("category", "nope"), "请选择主题分类");
        assert!(with("written_on", "2027-01-01").contains("不能晚于今天"));
        assert!(with("written_on", "2026-02-30").contains("成文日期“2026-02-30”无效"));
        assert!(with("title", &*Box::leak("长".repeat(201).into_boxed_str())).contains("过长"));
    }
}
