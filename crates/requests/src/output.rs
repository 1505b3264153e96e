//! The annual report and reply letters as HTML fragments and .docx, from
//! the report JSON (so page, file and CLI show the same figures).

use serde_json::Value;
use yangguang_kernel::Result;
use yangguang_kernel::docx::{self, Block};

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| a.iter().map(text).collect())
        .unwrap_or_default()
}

/// A table 二 figure as printed: counts without a decimal point.
fn figure(v: &Value) -> String {
    match v.as_f64() {
        Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
        _ => text(v),
    }
}

/// (header, rows) of table 二, 三 and 四 as text cells.
pub fn tables(j: &Value) -> Vec<(String, Vec<Vec<String>>)> {
    let mut out = Vec::new();
    let mut t2 = Vec::new();
    for s in j["table2"]["sections"].as_array().into_iter().flatten() {
        let mut head = vec![format!("{} 信息内容", text(&s["label"]))];
        head.extend(strs(&s["columns"]));
        t2.push(head);
        for r in s["rows"].as_array().into_iter().flatten() {
            let mut row = vec![text(&r["label"])];
            let sources = strs(&r["sources"]);
            let values = r["values"].as_array().into_iter().flatten().map(figure);
            for (i, v) in values.enumerate() {
                let mark = match sources.get(i).map(String::as_str) {
                    Some("entered") => "（填报）",
                    Some("mixed") => "（含填报）",
                    _ => "",
                };
                row.push(format!("{v}{mark}"));
            }
            t2.push(row);
        }
    }
    out.push(("二、主动公开政府信息情况".to_string(), t2));
    let mut t3 = vec![{
        let mut h = vec![
            "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）".to_string(),
        ];
        h.extend(strs(&j["table3"]["columns"]));
        h
    }];
    for r in j["table3"]["rows"].as_array().into_iter().flatten() {
        let mut row = vec![text(&r["label"])];
        row.extend(strs(&r["values"]));
        t3.push(row);
    }
    out.push(("三、收到和处理政府信息公开申请情况".to_string(), t3));
    let mut t4 = vec![{
        let mut h = vec![String::new()];
        h.extend(strs(&j["table4"]["columns"]));
        h
    }];
    for r in j["table4"]["rows"].as_array().into_iter().flatten() {
        let mut row = vec![text(&r["label"])];
        row.extend(strs(&r["values"]));
        t4.push(row);
    }
    out.push(("四、政府信息公开行政复议、行政诉讼情况".to_string(), t4));
    out
}

/// The notes under table 二: for each figure the power list's cases
/// feed, how many the system counted and how many were entered.
pub fn table2_notes(j: &Value) -> Vec<String> {
    let parts = &j["table2"]["parts"];
    let mut out = Vec::new();
    for s in j["table2"]["sections"].as_array().into_iter().flatten() {
        for r in s["rows"].as_array().into_iter().flatten() {
            for c in strs(&s["columns"]) {
                let label = text(&r["label"]);
                let note = text(&parts[format!("{label}/{c}")]["note"]);
                if !note.is_empty() {
                    out.push(format!("{label}{c}：{note}。"));
                }
            }
        }
    }
    out
}

fn paras(s: &str) -> Vec<String> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

fn section6(j: &Value) -> String {
    let fees = j["fees_collected_yuan"].as_i64().unwrap_or(0);
    let written = text(&j["section6"]);
    format!("本年度收取信息处理费{fees}元。\n{written}")
}

/// The report as an HTML fragment (official layout: sections and tables).
pub fn report_html(j: &Value) -> String {
    let mut h = String::new();
    h.push_str(&format!(
        "<article class=\"annual-report\"><h1>{}</h1>",
        esc(&text(&j["title"]))
    ));
    let t = tables(j);
    let section = |h: &mut String, title: &str, body: &str| {
        h.push_str(&format!("<h2>{}</h2>", esc(title)));
        for p in paras(body) {
            h.push_str(&format!("<p>{}</p>", esc(&p)));
        }
    };
    section(&mut h, "一、总体情况", &text(&j["section1"]));
    for (n, (title, rows)) in t.into_iter().enumerate() {
        if n == 1 {
            for note in table2_notes(j) {
                h.push_str(&format!("<p class=\"note\">{}</p>", esc(&note)));
            }
        }
        h.push_str(&format!(
            "<h2>{}</h2><div class=\"table-wrap\"><table class=\"report-table\">",
            esc(&title)
        ));
        for (i, r) in rows.iter().enumerate() {
            h.push_str("<tr>");
            for (c, cell) in r.iter().enumerate() {
                let tag = if i == 0 {
                    "th scope=\"col\""
                } else if c == 0 {
                    "th scope=\"row\""
                } else {
                    "td"
                };
                let close = if tag == "td" { "td" } else { "th" };
                h.push_str(&format!("<{tag}>{}</{close}>", esc(cell)));
            }
            h.push_str("</tr>");
        }
        h.push_str("</table></div>");
    }
    if j["invariant"]["holds"] == Value::Bool(true) {
        h.push_str("<p class=\"note\">勾稽关系核对：各列均满足“一 + 二 = 总计 + 四”。</p>");
    } else {
        h.push_str("<p class=\"warning\">勾稽关系核对未通过：");
        for f in j["invariant"]["failures"].as_array().into_iter().flatten() {
            h.push_str(&esc(&format!(
                "{}列 一+二={}，总计+四={}；",
                text(&f["column"]),
                text(&f["left"]),
                text(&f["right"])
            )));
        }
        h.push_str("</p>");
    }
    section(
        &mut h,
        "五、存在的主要问题及改进情况",
        &text(&j["section5"]),
    );
    section(&mut h, "六、其他需要报告的事项", &section6(j));
    h.push_str("</article>");
    h
}

/// A standalone HTML document (the CLI's `--format html`).
pub fn report_document(j: &Value) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{}</title>\
         <style>body{{font-family:\"FangSong\",\"仿宋\",serif;max-width:60em;margin:2em auto}}h1{{text-align:center}}\
         table{{border-collapse:collapse;width:100%}}th,td{{border:1px solid #000;padding:.2em .4em}}td{{text-align:right}}</style>\
         </head><body>{}</body></html>\n",
        esc(&text(&j["title"])),
        report_html(j)
    )
}

/// The report as .docx.
pub fn report_docx(j: &Value) -> Result<Vec<u8>> {
    let title = text(&j["title"]);
    let mut b = vec![Block::Title(title.clone())];
    b.push(Block::Heading("一、总体情况".into()));
    b.extend(paras(&text(&j["section1"])).into_iter().map(Block::Para));
    for (n, (t, rows)) in tables(j).into_iter().enumerate() {
        b.push(Block::Heading(t));
        b.push(Block::Table(rows));
        if n == 0 {
            b.extend(table2_notes(j).into_iter().map(Block::Para));
        }
    }
    b.push(Block::Heading("五、存在的主要问题及改进情况".into()));
    b.extend(paras(&text(&j["section5"])).into_iter().map(Block::Para));
    b.push(Block::Heading("六、其他需要报告的事项".into()));
    b.extend(paras(&section6(j)).into_iter().map(Block::Para));
    docx::build(&title, &b)
}

/// A reply letter as .docx: title, number, body paragraphs.
pub fn letter_docx(agency: &str, letter_no: &str, body: &str) -> Result<Vec<u8>> {
    let title = "政府信息公开申请答复告知书".to_string();
    let mut b = vec![
        Block::Title(agency.to_string()),
        Block::Title(title.clone()),
        Block::Right(letter_no.to_string()),
    ];
    let lines: Vec<&str> = body.lines().collect();
    for (i, l) in lines.iter().enumerate() {
        let l = l.trim();
        if l.is_empty() {
            continue;
        }
        if i == 0 || i + 2 >= lines.len() {
            b.push(if i == 0 {
                Block::Plain(l.to_string())
            } else {
                Block::Right(l.to_string())
            });
        } else {
            b.push(Block::Para(l.to_string()));
        }
    }
    docx::build(&title, &b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Figure, Table3, Table4, table2_json};

    fn sample() -> Value {
        serde_json::json!({
            "title": "某局2026年政府信息公开工作年度报告",
            "section1": "总体<情况>",
            "table2": table2_json(|_| Figure { value: 1.0, source: "computed" }),
            "table3": Table3::empty().to_json(),
            "table4": Table4::default().to_json(),
            "section5": "问题", "section6": "无", "fees_collected_yuan": 300,
            "invariant": {"holds": true, "failures": []},
        })
    }

    #[test]
    fn report_html_escapes_text_and_shows_every_table_and_the_fee_line() {
        let h = report_html(&sample());
        assert!(h.contains("总体&lt;情况&gt;"));
        assert!(
            h.contains("（七）总计") && h.contains("行政诉讼·复议后起诉") && h.contains("行政许可")
        );
        assert!(h.contains("本年度收取信息处理费300元"));
        assert!(h.contains("各列均满足"));
    }

    #[test]
    fn report_docx_is_a_zip_package() {
        let d = report_docx(&sample()).unwrap_or_default();
        assert!(d.starts_with(b"PK"));
    }
}
