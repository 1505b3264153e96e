//! Bringing existing items over (`yangguang import disclosure PATH`) and
//! the demo's seed documents and laws: a folder of text, Markdown or HTML
//! files with a metadata file. Every row is validated before anything is
//! written; each item is then created and published through the normal
//! pipeline steps (recorded as an import).

use std::path::{Path, PathBuf};

use time::{Date, OffsetDateTime};
use yangguang_kernel::Kernel;
use yangguang_kernel::audit::Actor;
use yangguang_kernel::timefmt::parse_date;

use crate::draft::Draft;
use crate::model::{Action, Attribute, SECRECY_CHECKS, Validity};
use crate::store::{self, Result};
use crate::{DisclosureError, text};

/// One item to import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    pub source: PathBuf,
    pub draft: Draft,
    pub published_on: Date,
}

/// A tiny CSV reader (RFC 4180 quoting) for metadata files.
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.trim_start_matches('\u{feff}').chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                if row.iter().any(|f| !f.is_empty()) {
                    rows.push(std::mem::take(&mut row));
                }
                row.clear();
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// Markdown (as in the law corpus) → sanitised HTML: headings and
/// paragraphs; comments dropped.
pub fn markdown_to_html(md: &str) -> String {
    let mut out = Vec::new();
    for line in md.lines() {
        let l = line.trim();
        if l.is_empty() || l.starts_with("<!--") {
            continue;
        }
        let level = l.chars().take_while(|c| *c == '#').count();
        if level > 0 {
            let h = (level + 1).min(4);
            out.push(format!("<h{h}>{}</h{h}>", text::escape(l[level..].trim())));
        } else {
            out.push(format!("<p>{}</p>", text::escape(l)));
        }
    }
    out.join("\n")
}

fn body_of(path: &Path, raw: &str) -> String {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
    {
        "md" | "markdown" => markdown_to_html(raw),
        "html" | "htm" => text::sanitize(raw),
        _ => text::paragraphs(raw),
    }
}

fn invalid(msg: String) -> DisclosureError {
    DisclosureError::invalid("invalid_import", msg)
}

/// Builds one row from metadata, reading and checking its file.
#[allow(clippy::too_many_arguments)]
fn row(
    dir: &Path,
    n: usize,
    file: &str,
    title: &str,
    publisher: &str,
    doc_no: &str,
    date: &str,
    category: &str,
    genre: &str,
    keywords: &str,
    today: Date,
    categories: &[String],
) -> Result<ImportRow> {
    let path = dir.join(file);
    if file.contains("..") || file.starts_with('/') {
        return Err(invalid(format!("第 {n} 条：文件路径“{file}”无效")));
    }
    let raw = std::fs::read(&path)
        .map_err(|e| invalid(format!("第 {n} 条：无法读取 {}：{e}", path.display())))?;
    let raw = String::from_utf8_lossy(&raw).to_string();
    let written = if date.trim().is_empty() {
        "2000-01-01"
    } else {
        date
    };
    let fields = [
        ("title", title.to_string()),
        ("body", body_of(&path, &raw)),
        ("category", category.to_string()),
        (
            "genre",
            if genre.is_empty() {
                "其他".into()
            } else {
                genre.to_string()
            },
        ),
        ("publisher", publisher.to_string()),
        ("written_on", written.to_string()),
        ("doc_no", doc_no.to_string()),
        ("keywords", keywords.to_string()),
        ("attribute", "proactive".to_string()),
        ("validity", Validity::Valid.label().to_string()),
    ];
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let draft = Draft::parse(get, today, categories)
        .map_err(|e| invalid(format!("第 {n} 条（{file}）：{e}")))?;
    let published_on = parse_date(written).unwrap_or(today);
    Ok(ImportRow {
        source: path,
        draft,
        published_on,
    })
}

/// Reads a folder: `index.json` (the seed-document format: file, title,
/// issuer, doc_no, date; optional category, genre, keywords), or
/// `metadata.csv` (columns file,title,publisher,doc_no,date,category,genre,keywords),
/// or the law corpus's `index.csv` (path,title,category,date,chars; each
/// law is published under `publisher` in category 法律法规 with its corpus
/// category as 体裁).
pub async fn read_folder(
    k: &Kernel,
    dir: &Path,
    law_publisher: &str,
    today: Date,
) -> Result<Vec<ImportRow>> {
    let cats: Vec<String> = store::categories(k)
        .await?
        .into_iter()
        .map(|c| c.code)
        .collect();
    let mut out = Vec::new();
    if dir.join("index.json").is_file() {
        let text = std::fs::read_to_string(dir.join("index.json"))
            .map_err(|e| invalid(format!("无法读取 index.json：{e}")))?;
        let v: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| invalid(format!("index.json 格式错误：{e}")))?;
        for (i, e) in v.as_array().cloned().unwrap_or_default().iter().enumerate() {
            let s = |k: &str| e[k].as_str().unwrap_or_default().to_string();
            let genre = if s("genre").is_empty() {
                guess_genre(&s("title"))
            } else {
                s("genre")
            };
            let category = if s("category").is_empty() {
                "zcwj_bmwj".into()
            } else {
                s("category")
            };
            let publisher = if s("publisher").is_empty() {
                s("issuer")
            } else {
                s("publisher")
            };
            out.push(row(
                dir,
                i + 1,
                &s("file"),
                &s("title"),
                &publisher,
                &s("doc_no"),
                &s("date"),
                &category,
                &genre,
                &s("keywords"),
                today,
                &cats,
            )?);
        }
    } else if dir.join("metadata.csv").is_file() {
        let text = std::fs::read_to_string(dir.join("metadata.csv"))
            .map_err(|e| invalid(format!("无法读取 metadata.csv：{e}")))?;
        let rows = parse_csv(&text);
        let header = rows.first().cloned().unwrap_or_default();
        let col = |name: &str| header.iter().position(|h| h.trim() == name);
        let need = ["file", "title", "publisher", "date", "category"];
        if let Some(m) = need.iter().find(|n| col(n).is_none()) {
            return Err(invalid(format!(
                "metadata.csv 缺少列“{m}”（需要 file,title,publisher,doc_no,date,category,genre,keywords）"
            )));
        }
        for (i, r) in rows.iter().enumerate().skip(1) {
            let get = |name: &str| {
                col(name)
                    .and_then(|c| r.get(c))
                    .cloned()
                    .unwrap_or_default()
            };
            out.push(row(
                dir,
                i,
                &get("file"),
                &get("title"),
                &get("publisher"),
                &get("doc_no"),
                &get("date"),
                &get("category"),
                &get("genre"),
                &get("keywords"),
                today,
                &cats,
            )?);
        }
    } else if dir.join("index.csv").is_file() {
        let text = std::fs::read_to_string(dir.join("index.csv"))
            .map_err(|e| invalid(format!("无法读取 index.csv：{e}")))?;
        for (i, r) in parse_csv(&text).iter().enumerate().skip(1) {
            let get = |c: usize| r.get(c).cloned().unwrap_or_default();
            out.push(row(
                dir,
                i,
                &get(0),
                &get(1),
                law_publisher,
                "",
                &get(3),
                "zcwj_flfg",
                &get(2),
                "",
                today,
                &cats,
            )?);
        }
    } else {
        return Err(invalid(format!(
            "{} 中没有元数据文件：需要 index.json、metadata.csv 或 index.csv",
            dir.display()
        )));
    }
    Ok(out)
}

fn guess_genre(title: &str) -> String {
    for g in crate::rules::GENRES {
        if title.ends_with(g)
            || title.contains(&format!("{g}("))
            || title.contains(&format!("{g}（"))
        {
            return g.to_string();
        }
    }
    ["意见", "方案", "通知", "办法"]
        .iter()
        .find(|g| title.contains(*g))
        .map(|g| g.to_string())
        .unwrap_or_else(|| "其他".into())
}

/// Creates and publishes one imported item, with its original date as the
/// publication date. The steps are recorded with `actor`.
pub async fn publish(k: &Kernel, actor: &Actor, now: OffsetDateTime, r: &ImportRow) -> Result<i64> {
    let id = store::create(k, actor, now, None, &r.draft).await?;
    let confirmed = SECRECY_CHECKS.iter().map(|(c, _)| c.to_string()).collect();
    for a in [Action::Submit, Action::Approve, Action::Clear { confirmed }] {
        store::act(k, actor, now, id, &a, None).await?;
    }
    store::act(
        k,
        actor,
        now,
        id,
        &Action::Publish { change_note: None },
        Some(r.published_on),
    )
    .await?;
    debug_assert!(r.draft.attribute == Attribute::Proactive);
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_reader_handles_quotes_commas_and_crlf() {
        let rows = parse_csv("a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\r\n");
        assert_eq!(rows, vec![vec!["a", "b"], vec!["x, y", "say \"hi\""]]);
    }

    #[test]
    fn markdown_headings_and_paragraphs_become_escaped_html() {
        let h = markdown_to_html("# 条例\n\n<!-- INFO END -->\n## 第一章 总则\n第一条 <为了>");
        assert_eq!(
            h,
            "<h2>条例</h2>\n<h3>第一章 总则</h3>\n<p>第一条 &lt;为了&gt;</p>"
        );
    }

    #[test]
    fn genre_is_guessed_from_the_title() {
        assert_eq!(
            guess_genre("苏州市安监局关于进一步加强政务公开的意见"),
            "意见"
        );
        assert_eq!(
            guess_genre("涡阳县安监局政务公开“深化年”活动实施方案"),
            "方案"
        );
    }
}
