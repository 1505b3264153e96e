//! Annual report tables (RULES.md §4; 国办公开办函〔2021〕30号), pure:
//! the row and column labels, aggregation from per-application facts, the
//! invariant 一 + 二 = （七）总计 + 四, and the JSON shape.

use serde::Serialize;
use serde_json::{Value, json};
use time::Date;

use crate::outcome::{Group, Outcome};
use crate::rules::ApplicantKind;

pub const TABLE3_COLUMNS: [&str; 7] = [
    "自然人",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
    "总计",
];

/// A row of table 三.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row3 {
    New,
    CarriedIn,
    Results,
    Outcome(Outcome),
    GroupHead(Group),
    Total,
    CarriedOut,
}

/// The rows of table 三 in order.
pub fn table3_rows() -> Vec<Row3> {
    let mut rows = vec![Row3::New, Row3::CarriedIn, Row3::Results];
    let mut last: Option<Group> = None;
    for o in Outcome::all() {
        if o.item > 0 && last != Some(o.group) {
            rows.push(Row3::GroupHead(o.group));
        }
        last = Some(o.group);
        rows.push(Row3::Outcome(o));
    }
    rows.push(Row3::Total);
    rows.push(Row3::CarriedOut);
    rows
}

impl Row3 {
    pub fn label(self) -> &'static str {
        match self {
            Row3::New => "一、本年新收政府信息公开申请数量",
            Row3::CarriedIn => "二、上年结转政府信息公开申请数量",
            Row3::Results => "三、本年度办理结果",
            Row3::Outcome(o) => o.label(),
            Row3::GroupHead(Group::Withhold) => "（三）不予公开",
            Row3::GroupHead(Group::CannotProvide) => "（四）无法提供",
            Row3::GroupHead(Group::NotProcessed) => "（五）不予处理",
            Row3::GroupHead(Group::Other) => "（六）其他处理",
            // 予以公开 and 部分公开 have no items, so no group head.
            Row3::GroupHead(Group::Disclose) => "（一）予以公开",
            Row3::GroupHead(Group::Partial) => "（二）部分公开",
            Row3::Total => "（七）总计",
            Row3::CarriedOut => "四、结转下年度继续办理",
        }
    }

    /// Group rows show the sums of their items.
    pub fn is_group(self) -> bool {
        matches!(self, Row3::Results | Row3::GroupHead(_))
    }
}

/// One application as the report sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppFact {
    pub kind: ApplicantKind,
    pub received: Date,
    /// Reply sent on, with its outcome.
    pub replied: Option<(Date, Outcome)>,
}

/// Table 三 counts. Values per column 0..=5; the 总计 column is derived.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table3 {
    pub new: [i64; 6],
    pub carried_in: [i64; 6],
    pub outcomes: Vec<(Outcome, [i64; 6])>,
    pub carried_out: [i64; 6],
}

fn with_total(v: [i64; 6]) -> [i64; 7] {
    let mut out = [0; 7];
    out[..6].copy_from_slice(&v);
    out[6] = v.iter().sum();
    out
}

fn add(a: &mut [i64; 6], b: &[i64; 6]) {
    for (x, y) in a.iter_mut().zip(b) {
        *x += y;
    }
}

impl Table3 {
    pub fn empty() -> Table3 {
        Table3 {
            new: [0; 6],
            carried_in: [0; 6],
            outcomes: Outcome::all().map(|o| (o, [0; 6])).collect(),
            carried_out: [0; 6],
        }
    }

    pub fn add_outcome(&mut self, o: Outcome, col: usize, n: i64) {
        if let Some((_, v)) = self.outcomes.iter_mut().find(|(x, _)| *x == o)
            && let Some(c) = v.get_mut(col)
        {
            *c += n;
        }
    }

    fn group_sum(&self, g: Option<Group>) -> [i64; 6] {
        let mut s = [0; 6];
        for (o, v) in &self.outcomes {
            if g.is_none_or(|g| o.group == g) {
                add(&mut s, v);
            }
        }
        s
    }

    /// The values of a row, with the 总计 column.
    pub fn row(&self, r: Row3) -> [i64; 7] {
        with_total(match r {
            Row3::New => self.new,
            Row3::CarriedIn => self.carried_in,
            Row3::Results | Row3::Total => self.group_sum(None),
            Row3::GroupHead(g) => self.group_sum(Some(g)),
            Row3::Outcome(o) => self
                .outcomes
                .iter()
                .find(|(x, _)| *x == o)
                .map(|(_, v)| *v)
                .unwrap_or([0; 6]),
            Row3::CarriedOut => self.carried_out,
        })
    }

    /// Columns (0..=6) where 一 + 二 ≠ （七）总计 + 四, with both sides.
    pub fn invariant_failures(&self) -> Vec<(usize, i64, i64)> {
        let (n, c, t, o) = (
            self.row(Row3::New),
            self.row(Row3::CarriedIn),
            self.row(Row3::Total),
            self.row(Row3::CarriedOut),
        );
        (0..7)
            .filter_map(|i| {
                let (l, r) = (n[i] + c[i], t[i] + o[i]);
                (l != r).then_some((i, l, r))
            })
            .collect()
    }

    /// `{"columns": [...], "rows": [{"label", "values"}]}`.
    pub fn to_json(&self) -> Value {
        let rows: Vec<Value> = table3_rows()
            .into_iter()
            .map(|r| json!({"label": r.label(), "values": self.row(r)}))
            .collect();
        json!({"columns": TABLE3_COLUMNS, "rows": rows})
    }
}

/// Table 三 for `year` from per-application facts (RULES.md §4: counted in
/// the year the reply is sent; open on 31 December → carried over).
pub fn table3_from(facts: &[AppFact], year: i32) -> Table3 {
    let mut t = Table3::empty();
    for f in facts {
        let col = f.kind.column();
        if f.received.year() > year {
            continue;
        }
        let replied_year = f.replied.map(|(d, _)| d.year());
        if replied_year.is_some_and(|y| y < year) {
            continue;
        }
        if f.received.year() == year {
            t.new[col] += 1;
        } else {
            t.carried_in[col] += 1;
        }
        match f.replied {
            Some((d, o)) if d.year() == year => t.add_outcome(o, col, 1),
            _ => t.carried_out[col] += 1,
        }
    }
    t
}

// ---------------------------------------------------------------------------
// Table 四: administrative review and litigation

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum CaseKind {
    Review,
    SuitDirect,
    SuitAfterReview,
}

impl CaseKind {
    pub const ALL: [CaseKind; 3] = [
        CaseKind::Review,
        CaseKind::SuitDirect,
        CaseKind::SuitAfterReview,
    ];

    pub fn code(self) -> &'static str {
        match self {
            CaseKind::Review => "review",
            CaseKind::SuitDirect => "suit_direct",
            CaseKind::SuitAfterReview => "suit_after_review",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CaseKind::Review => "行政复议",
            CaseKind::SuitDirect => "行政诉讼·未经复议直接起诉",
            CaseKind::SuitAfterReview => "行政诉讼·复议后起诉",
        }
    }

    pub fn parse(code: &str) -> Option<CaseKind> {
        CaseKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum CaseResult {
    Upheld,
    Corrected,
    Other,
    Pending,
}

impl CaseResult {
    pub const ALL: [CaseResult; 4] = [
        CaseResult::Upheld,
        CaseResult::Corrected,
        CaseResult::Other,
        CaseResult::Pending,
    ];

    pub fn code(self) -> &'static str {
        match self {
            CaseResult::Upheld => "upheld",
            CaseResult::Corrected => "corrected",
            CaseResult::Other => "other",
            CaseResult::Pending => "pending",
        }
    }

    /// The short result shown in records (维持 / 纠正 / 其他 / 尚未审结).
    pub fn short(self) -> &'static str {
        match self {
            CaseResult::Upheld => "维持",
            CaseResult::Corrected => "纠正",
            CaseResult::Other => "其他",
            CaseResult::Pending => "尚未审结",
        }
    }

    pub fn column(self) -> &'static str {
        match self {
            CaseResult::Upheld => "结果维持",
            CaseResult::Corrected => "结果纠正",
            CaseResult::Other => "其他结果",
            CaseResult::Pending => "尚未审结",
        }
    }

    pub fn index(self) -> usize {
        match self {
            CaseResult::Upheld => 0,
            CaseResult::Corrected => 1,
            CaseResult::Other => 2,
            CaseResult::Pending => 3,
        }
    }

    pub fn parse(code: &str) -> Option<CaseResult> {
        CaseResult::ALL.into_iter().find(|k| k.code() == code)
    }
}

pub const TABLE4_COLUMNS: [&str; 5] = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];

/// A review or lawsuit record as the report sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseFact {
    pub kind: CaseKind,
    pub filed: Date,
    /// Concluded on, with the result (never `Pending`).
    pub concluded: Option<(Date, CaseResult)>,
}

/// Table 四: per kind, [维持, 纠正, 其他, 尚未审结].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table4 {
    pub counts: [[i64; 4]; 3],
}

/// Decided here, mirroring table 三: a case counts in the year it is
/// concluded, under its result; one filed by 31 December and not
/// concluded by then counts as 尚未审结.
pub fn table4_from(cases: &[CaseFact], year: i32) -> Table4 {
    let mut t = Table4::default();
    for c in cases {
        let k = CaseKind::ALL.iter().position(|x| *x == c.kind).unwrap_or(0);
        if c.filed.year() > year {
            continue;
        }
        match c.concluded {
            Some((d, r)) if d.year() == year => t.counts[k][r.index()] += 1,
            Some((d, _)) if d.year() < year => {}
            _ => t.counts[k][CaseResult::Pending.index()] += 1,
        }
    }
    t
}

impl Table4 {
    pub fn row(&self, k: usize) -> [i64; 5] {
        let c = self.counts[k];
        [c[0], c[1], c[2], c[3], c.iter().sum()]
    }

    pub fn to_json(&self) -> Value {
        let rows: Vec<Value> = CaseKind::ALL
            .iter()
            .enumerate()
            .map(|(i, k)| json!({"label": k.label(), "values": self.row(i)}))
            .collect();
        json!({"columns": TABLE4_COLUMNS, "rows": rows})
    }
}

// ---------------------------------------------------------------------------
// Table 二: proactive disclosure figures

/// A section of table 二: the article it reports and its columns.
pub struct Section2 {
    pub label: &'static str,
    pub columns: &'static [&'static str],
    pub rows: &'static [&'static str],
}

pub const TABLE2: [Section2; 4] = [
    Section2 {
        label: "第二十条第（一）项",
        columns: &["本年制发件数", "本年废止件数", "现行有效件数"],
        rows: &["规章", "行政规范性文件"],
    },
    Section2 {
        label: "第二十条第（五）项",
        columns: &["本年处理决定数量"],
        rows: &["行政许可"],
    },
    Section2 {
        label: "第二十条第（六）项",
        columns: &["本年处理决定数量"],
        rows: &["行政处罚", "行政强制"],
    },
    Section2 {
        label: "第二十条第（八）项",
        columns: &["本年收费金额（单位：万元）"],
        rows: &["行政事业性收费"],
    },
];

/// Every (section, row, column) key of table 二, e.g. `规章/本年制发件数`.
pub fn table2_keys() -> Vec<String> {
    let mut out = Vec::new();
    for s in &TABLE2 {
        for r in s.rows {
            for c in s.columns {
                out.push(format!("{r}/{c}"));
            }
        }
    }
    out
}

/// A figure of table 二 and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    pub value: f64,
    /// `computed` from platform data or `entered` by the office.
    pub source: &'static str,
}

/// Table 二 as JSON: sections with columns and rows of values; `sources`
/// says per value whether it was computed or entered.
pub fn table2_json(get: impl Fn(&str) -> Figure) -> Value {
    let sections: Vec<Value> = TABLE2
        .iter()
        .map(|s| {
            let rows: Vec<Value> = s
                .rows
                .iter()
                .map(|r| {
                    let figs: Vec<Figure> =
                        s.columns.iter().map(|c| get(&format!("{r}/{c}"))).collect();
                    json!({
                        "label": r,
                        "values": figs.iter().map(|f| f.value).collect::<Vec<_>>(),
                        "sources": figs.iter().map(|f| f.source).collect::<Vec<_>>(),
                    })
                })
                .collect();
            json!({"label": s.label, "columns": s.columns, "rows": rows})
        })
        .collect();
    json!({"sections": sections})
}

#[cfg(test)]
mod tests;
