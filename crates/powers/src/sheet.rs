//! The power list as agencies keep it in a spreadsheet: one row an item,
//! these columns. Import reads them (by header, in any order) and export
//! writes them, so an exported list imports again unchanged. Pure.

use crate::model::{Basis, Category, Content, DaysKind, Limit, Tier, check};

pub const CODE: &str = "编码";
pub const NAME: &str = "事项名称";
pub const CATEGORY: &str = "类别";
pub const BASIS: &str = "实施依据";
pub const PENALTY: &str = "处罚种类和幅度";
pub const UNIT: &str = "实施主体";
pub const POST: &str = "承办岗位";
pub const CONDITIONS: &str = "受理条件";
pub const MATERIALS: &str = "申请材料";
pub const STATUTORY: &str = "法定时限";
pub const PROMISED: &str = "承诺时限";
pub const FEES: &str = "收费标准";
pub const TIER: &str = "审批层级";
pub const PROCESS: &str = "办理流程";
pub const CHANNEL: &str = "监督投诉渠道";
pub const REASON: &str = "调整理由";

/// Every column in export order; the first four and 实施主体 are required.
pub const COLUMNS: [&str; 16] = [
    CODE, NAME, CATEGORY, BASIS, PENALTY, UNIT, POST, CONDITIONS, MATERIALS, STATUTORY, PROMISED,
    FEES, TIER, PROCESS, CHANNEL, REASON,
];
pub const REQUIRED: [&str; 5] = [CODE, NAME, CATEGORY, BASIS, UNIT];

/// One parsed row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub code: String,
    pub content: Content,
    /// 调整理由 as written (may be empty).
    pub reason: String,
}

/// Where each column is in the sheet, from its header row.
#[derive(Clone, Debug)]
pub struct Header {
    index: Vec<Option<usize>>,
}

impl Header {
    /// Reads the header row; a missing required column is refused, naming it.
    pub fn parse(cells: &[String]) -> Result<Header, String> {
        let index: Vec<Option<usize>> = COLUMNS
            .iter()
            .map(|c| cells.iter().position(|h| h.trim() == *c))
            .collect();
        let missing: Vec<&str> = REQUIRED
            .iter()
            .filter(|r| {
                COLUMNS
                    .iter()
                    .position(|c| c == *r)
                    .and_then(|i| index[i])
                    .is_none()
            })
            .copied()
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "表头缺少必填列：{}（第一行应为列名：{}）",
                missing.join("、"),
                COLUMNS.join("、")
            ));
        }
        Ok(Header { index })
    }

    fn get<'a>(&self, cells: &'a [String], col: &str) -> &'a str {
        COLUMNS
            .iter()
            .position(|c| *c == col)
            .and_then(|i| self.index[i])
            .and_then(|i| cells.get(i))
            .map_or("", |s| s.trim())
    }
}

/// The process a category's cases run when the row names none.
pub fn default_process(c: Category) -> &'static str {
    match c {
        Category::Licensing => "licensing",
        Category::Penalty => "penalty",
        Category::Inspection => "inspection",
        Category::Coercion => "enforcement",
        _ => "other",
    }
}

/// One data row → a checked item; the Chinese reason when refused.
pub fn parse_row(h: &Header, cells: &[String]) -> Result<Row, String> {
    let code = h.get(cells, CODE).to_string();
    let cat_text = h.get(cells, CATEGORY);
    let category = Category::parse(cat_text).ok_or_else(|| {
        format!(
            "类别“{}”无效：应为{}之一",
            yangguang_kernel::text::clip(cat_text, 20),
            Category::ALL.map(|c| c.label()).join("、")
        )
    })?;
    let tier_text = h.get(cells, TIER);
    let tier = if tier_text.is_empty() {
        None
    } else {
        Some(Tier::parse(tier_text).ok_or_else(|| {
            format!(
                "审批层级“{}”无效：应为一般、重要或重大",
                yangguang_kernel::text::clip(tier_text, 20)
            )
        })?)
    };
    let process = match h.get(cells, PROCESS) {
        "" => default_process(category).to_string(),
        p => p.to_string(),
    };
    let content = Content {
        name: h.get(cells, NAME).to_string(),
        category,
        basis: parse_basis(h.get(cells, BASIS))?,
        penalty: h.get(cells, PENALTY).to_string(),
        unit: h.get(cells, UNIT).to_string(),
        post: h.get(cells, POST).to_string(),
        conditions: h.get(cells, CONDITIONS).to_string(),
        materials: parse_lines(h.get(cells, MATERIALS)),
        statutory: parse_limit(STATUTORY, h.get(cells, STATUTORY))?,
        promised: parse_limit(PROMISED, h.get(cells, PROMISED))?,
        fees: h.get(cells, FEES).to_string(),
        tier,
        process,
        channel: h.get(cells, CHANNEL).to_string(),
    };
    check(&code, &content)?;
    Ok(Row {
        code,
        content,
        reason: h.get(cells, REASON).to_string(),
    })
}

/// An item as its spreadsheet row, in [`COLUMNS`] order.
pub fn to_row(code: &str, c: &Content, reason: &str) -> Vec<String> {
    vec![
        code.to_string(),
        c.name.clone(),
        c.category.label().to_string(),
        basis_text(&c.basis),
        c.penalty.clone(),
        c.unit.clone(),
        c.post.clone(),
        c.conditions.clone(),
        c.materials
            .iter()
            .enumerate()
            .map(|(i, m)| format!("{}. {m}", i + 1))
            .collect::<Vec<_>>()
            .join("\n"),
        c.statutory.map(|l| l.label()).unwrap_or_default(),
        c.promised.map(|l| l.label()).unwrap_or_default(),
        c.fees.clone(),
        c.tier.map(|t| t.label().to_string()).unwrap_or_default(),
        c.process.clone(),
        c.channel.clone(),
        reason.to_string(),
    ]
}

/// One basis a paragraph: 《法》第X条（一）：text (the text may run over
/// several lines, as the article's paragraphs do).
pub fn basis_text(basis: &[Basis]) -> String {
    basis
        .iter()
        .map(|b| {
            let text = b.text.trim();
            if text.is_empty() {
                b.citation()
            } else {
                format!("{}：{text}", b.citation())
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Reads [`basis_text`]'s format: a line of the form 《法》第X条… starts a
/// basis; any other line continues the previous one's text.
pub fn parse_basis(s: &str) -> Result<Vec<Basis>, String> {
    let mut out: Vec<Basis> = Vec::new();
    for line in s.lines().map(str::trim).filter(|l| !l.is_empty()) {
        match (citation(line), out.last_mut()) {
            (Ok(b), _) => out.push(b),
            (Err(_), Some(last)) if !line.starts_with('《') || !last.text.is_empty() => {
                if !last.text.is_empty() {
                    last.text.push('\n');
                }
                last.text.push_str(line);
            }
            (Err(why), _) => return Err(why),
        }
    }
    Ok(out)
}

/// One line 《法》第X条（一）：text as a basis.
fn citation(line: &str) -> Result<Basis, String> {
    let Some(rest) = line.strip_prefix('《') else {
        return Err(format!(
            "实施依据“{}”应以法律名称开头，如《中华人民共和国安全生产法》第九十七条",
            yangguang_kernel::text::clip(line, 30)
        ));
    };
    let Some((law, rest)) = rest.split_once('》') else {
        return Err(format!(
            "实施依据“{}”缺少书名号的后半“》”",
            yangguang_kernel::text::clip(line, 30)
        ));
    };
    let (cite, text) = match rest.split_once('：').or_else(|| rest.split_once(':')) {
        Some((c, t)) => (c.trim(), t.trim()),
        None => (rest.trim(), ""),
    };
    let (article, clause) = split_article(cite).ok_or_else(|| {
        format!(
            "实施依据“{}”未写明条款：应为《法律名称》第X条，可加款项如（一）",
            yangguang_kernel::text::clip(line, 30)
        )
    })?;
    Ok(Basis {
        law: law.trim().to_string(),
        article,
        clause,
        text: text.to_string(),
    })
}

/// "第九十七条（一）" → ("第九十七条", "（一）"); also "第九十七条第一款".
fn split_article(cite: &str) -> Option<(String, String)> {
    if !cite.starts_with('第') {
        return None;
    }
    let end = cite.find('条')? + '条'.len_utf8();
    let (article, clause) = cite.split_at(end);
    if article.chars().count() < 3 {
        return None;
    }
    Some((article.to_string(), clause.trim().to_string()))
}

/// Lines of a cell, without list numbers ("1." "1、" "（1）").
pub fn parse_lines(s: &str) -> Vec<String> {
    s.lines()
        .map(|l| strip_number(l.trim()).trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

fn strip_number(l: &str) -> &str {
    let digits = l.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 {
        let rest = &l[digits..];
        for sep in [".", "、", "．", ")", "）"] {
            if let Some(r) = rest.strip_prefix(sep) {
                return r;
            }
        }
        return l;
    }
    if let Some(r) = l.strip_prefix('（').or_else(|| l.strip_prefix('('))
        && let Some(close) = r.find(['）', ')'])
        && r[..close].chars().all(|c| c.is_ascii_digit())
        && close > 0
    {
        return &r[close + r[close..].chars().next().map_or(1, char::len_utf8)..];
    }
    l
}

/// "20个工作日" / "90日" / "90天" / "" → the limit; a bare number is refused
/// because it does not say which days count.
pub fn parse_limit(col: &str, s: &str) -> Result<Option<Limit>, String> {
    let s = s.trim();
    if s.is_empty() || s == "无" || s == "即办" && col == PROMISED {
        return Ok(None);
    }
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    let rest = s[digits.len()..].trim();
    let days: u32 = digits.parse().map_err(|_| {
        format!(
            "{col}“{}”无效：应写为“20个工作日”或“90日”",
            yangguang_kernel::text::clip(s, 20)
        )
    })?;
    if days == 0 || days > 3650 {
        return Err(format!("{col}“{s}”无效：天数应在1到3650之间"));
    }
    let kind = match rest {
        "个工作日" | "工作日" => DaysKind::Working,
        "日" | "天" | "个自然日" | "自然日" => DaysKind::Calendar,
        "" => {
            return Err(format!(
                "{col}“{s}”未写明单位：请写“{days}个工作日”或“{days}日”"
            ));
        }
        _ => {
            return Err(format!(
                "{col}“{}”无效：应写为“20个工作日”或“90日”",
                yangguang_kernel::text::clip(s, 20)
            ));
        }
    };
    Ok(Some(Limit { days, kind }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> Header {
        Header::parse(&COLUMNS.map(String::from)).expect("header")
    }

    fn sample() -> Content {
        Content {
            name: "危险化学品经营许可证核发".into(),
            category: Category::Licensing,
            basis: vec![Basis {
                law: "危险化学品安全管理条例".into(),
                article: "第三十三条".into(),
                clause: String::new(),
                text: "国家对危险化学品经营（包括仓储经营）实行许可制度。".into(),
            }],
            penalty: String::new(),
            unit: "危险化学品安全监督管理处".into(),
            post: "行政许可窗口岗".into(),
            conditions: "有符合国家标准的经营场所".into(),
            materials: vec!["申请书".into(), "营业执照".into()],
            statutory: Some(Limit {
                days: 20,
                kind: DaysKind::Working,
            }),
            promised: Some(Limit {
                days: 15,
                kind: DaysKind::Working,
            }),
            fees: "不收费".into(),
            tier: Some(Tier::Ordinary),
            process: "licensing".into(),
            channel: "0512-12345".into(),
        }
    }

    #[test]
    fn an_exported_row_imports_back_unchanged() {
        let c = sample();
        let row = to_row("XK-001", &c, "");
        let back = parse_row(&header(), &row).expect("row");
        assert_eq!(back.code, "XK-001");
        assert_eq!(back.content, c);
    }

    #[test]
    fn columns_are_found_by_header_in_any_order() {
        let mut cols: Vec<String> = COLUMNS.map(String::from).to_vec();
        let mut row = to_row("XK-001", &sample(), "");
        cols.reverse();
        row.reverse();
        let back = parse_row(&Header::parse(&cols).expect("header"), &row).expect("row");
        assert_eq!(back.content.name, "危险化学品经营许可证核发");
    }

    #[test]
    fn a_header_without_a_required_column_is_refused_naming_it() {
        let cols: Vec<String> = COLUMNS
            .iter()
            .filter(|c| **c != BASIS)
            .map(|c| c.to_string())
            .collect();
        let e = Header::parse(&cols).expect_err("refused");
        assert!(e.contains("表头缺少必填列：实施依据"), "{e}");
    }

    #[test]
    fn a_basis_without_an_article_is_refused() {
        let e = parse_basis("《中华人民共和国安全生产法》关于许可的规定").expect_err("refused");
        assert!(e.contains("未写明条款"), "{e}");
        let e = parse_basis("安全生产法第九条").expect_err("refused");
        assert!(e.contains("应以法律名称开头"), "{e}");
    }

    #[test]
    fn basis_lines_split_law_article_clause_and_text() {
        let b = parse_basis(
            "《中华人民共和国安全生产法》第九十七条（一）：未按照规定设置安全生产管理机构的\n续行\n《烟花爆竹安全管理条例》第三十六条",
        )
        .expect("basis");
        assert_eq!(b.len(), 2);
        assert_eq!(b[0].article, "第九十七条");
        assert_eq!(b[0].clause, "（一）");
        assert_eq!(b[0].text, "未按照规定设置安全生产管理机构的\n续行");
        assert_eq!(b[1].law, "烟花爆竹安全管理条例");
        assert_eq!(b[1].text, "");
    }

    #[test]
    fn a_limit_must_say_which_days_count() {
        assert_eq!(
            parse_limit(STATUTORY, "20个工作日"),
            Ok(Some(Limit {
                days: 20,
                kind: DaysKind::Working
            }))
        );
        assert_eq!(
            parse_limit(STATUTORY, "90日"),
            Ok(Some(Limit {
                days: 90,
                kind: DaysKind::Calendar
            }))
        );
        let e = parse_limit(STATUTORY, "20").expect_err("no unit");
        assert!(e.contains("未写明单位"), "{e}");
        assert!(parse_limit(STATUTORY, "二十日").is_err());
        assert!(parse_limit(STATUTORY, "0个工作日").is_err());
    }

    #[test]
    fn a_promise_longer_than_the_statutory_limit_is_refused() {
        let mut row = to_row("XK-001", &sample(), "");
        row[10] = "25个工作日".into();
        let e = parse_row(&header(), &row).expect_err("refused");
        assert!(
            e.contains("承诺时限25个工作日超过法定时限20个工作日"),
            "{e}"
        );
    }

    #[test]
    fn a_licensing_item_needs_a_tier_and_others_have_none() {
        let mut row = to_row("XK-001", &sample(), "");
        row[12] = String::new();
        assert!(
            parse_row(&header(), &row)
                .expect_err("no tier")
                .contains("审批层级")
        );
        let mut row = to_row("CF-001", &sample(), "");
        row[2] = "行政处罚".into();
        assert!(
            parse_row(&header(), &row)
                .expect_err("tier")
                .contains("只有行政许可")
        );
    }

    #[test]
    fn materials_lose_their_list_numbers() {
        assert_eq!(
            parse_lines("1. 申请书\n2、营业执照\n（3）场所证明\n\n安全评价报告"),
            vec!["申请书", "营业执照", "场所证明", "安全评价报告"]
        );
    }

    #[test]
    fn a_bad_code_or_category_is_refused() {
        let mut row = to_row("XK 001", &sample(), "");
        assert!(
            parse_row(&header(), &row)
                .expect_err("code")
                .contains("事项编码")
        );
        row[0] = "XK-001".into();
        row[2] = "行政审批".into();
        assert!(
            parse_row(&header(), &row)
                .expect_err("cat")
                .contains("类别“行政审批”无效")
        );
    }
}
