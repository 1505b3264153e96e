//! The annual report from the data: table 三 as a few GROUP BY queries
//! over indexed columns, table 四 from review/litigation records, table 二
//! from published disclosure items, the power list's decision counts
//! (through the kernel's yearly figures) and figures the office enters, and
//! sections 一, 五, 六 written by staff. Published years are kept.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use sqlx::Row;
use time::OffsetDateTime;
use yangguang_kernel::audit::{self, Actor};
use yangguang_kernel::db::{query, query_scalar};
use yangguang_kernel::figures::{self, Decisions};
use yangguang_kernel::timefmt::{parse_date, rfc3339};
use yangguang_kernel::{Error, Kernel, Result};

use crate::outcome::Outcome;
use crate::report::{self, CaseFact, CaseKind, CaseResult, Figure, Table3, Table4};
use crate::rules::ApplicantKind;

fn bounds(year: i32) -> (String, String) {
    (format!("{year:04}-01-01"), format!("{year:04}-12-31"))
}

fn check_year(year: i32) -> Result<()> {
    if !(2000..=2100).contains(&year) {
        return Err(Error::invalid(
            "invalid_year",
            format!("年度 {year} 无效：应为 2000 至 2100 年"),
        ));
    }
    Ok(())
}

async fn by_kind(k: &Kernel, sql: &'static str, binds: &[String]) -> Result<[i64; 6]> {
    let mut q = query(k.db.backend(), sql);
    for b in binds {
        q = q.bind(b.clone());
    }
    let mut out = [0; 6];
    for r in q.fetch_all(k.db.pool()).await? {
        let kind: String = r.try_get(0)?;
        let n: i64 = r.try_get(1)?;
        if let Some(kind) = ApplicantKind::parse(&kind) {
            out[kind.column()] += n;
        }
    }
    Ok(out)
}

/// Table 三 for `year` (RULES.md §4).
pub async fn table3(k: &Kernel, year: i32) -> Result<Table3> {
    check_year(year)?;
    let (start, end) = bounds(year);
    let mut t = Table3::empty();
    t.new = by_kind(
        k,
        "SELECT applicant_kind, COUNT(*) FROM ysq_applications WHERE received_on >= ? AND received_on <= ? GROUP BY applicant_kind",
        &[start.clone(), end.clone()],
    )
    .await?;
    t.carried_in = by_kind(
        k,
        "SELECT applicant_kind, COUNT(*) FROM ysq_applications WHERE received_on < ? \
         AND (replied_on IS NULL OR replied_on >= ?) GROUP BY applicant_kind",
        &[start.clone(), start.clone()],
    )
    .await?;
    t.carried_out = by_kind(
        k,
        "SELECT applicant_kind, COUNT(*) FROM ysq_applications WHERE received_on <= ? \
         AND (replied_on IS NULL OR replied_on > ?) GROUP BY applicant_kind",
        &[end.clone(), end.clone()],
    )
    .await?;
    let rows = query(
        k.db.backend(),
        "SELECT applicant_kind, outcome, COUNT(*) FROM ysq_applications WHERE replied_on >= ? AND replied_on <= ? \
         GROUP BY applicant_kind, outcome",
    )
    .bind(start)
    .bind(end)
    .fetch_all(k.db.pool())
    .await?;
    for r in rows {
        let kind: String = r.try_get(0)?;
        let o: Option<String> = r.try_get(1)?;
        let n: i64 = r.try_get(2)?;
        if let (Some(kind), Some(o)) = (
            ApplicantKind::parse(&kind),
            o.as_deref().and_then(Outcome::parse),
        ) {
            t.add_outcome(o, kind.column(), n);
        }
    }
    Ok(t)
}

/// Table 四 for `year`.
pub async fn table4(k: &Kernel, year: i32) -> Result<Table4> {
    check_year(year)?;
    let (_, end) = bounds(year);
    let rows = query(
        k.db.backend(),
        "SELECT kind, filed_on, result, concluded_on FROM ysq_cases WHERE filed_on <= ?",
    )
    .bind(end)
    .fetch_all(k.db.pool())
    .await?;
    let mut facts = Vec::new();
    for r in rows {
        let kind: String = r.try_get(0)?;
        let result: String = r.try_get(2)?;
        let concluded: Option<String> = r.try_get(3)?;
        let (Some(kind), Some(result)) = (CaseKind::parse(&kind), CaseResult::parse(&result))
        else {
            continue;
        };
        facts.push(CaseFact {
            kind,
            filed: parse_date(&r.try_get::<String, _>(1)?)?,
            concluded: match (result, concluded) {
                (CaseResult::Pending, _) | (_, None) => None,
                (r, Some(d)) => Some((parse_date(&d)?, r)),
            },
        });
    }
    Ok(report::table4_from(&facts, year))
}

/// 信息处理费 collected in `year` (fees paid that year), in yuan.
pub async fn fees_collected(k: &Kernel, year: i32) -> Result<i64> {
    let (start, end) = bounds(year);
    let n: Option<i64> = query_scalar(
        k.db.backend(),
        "SELECT CAST(SUM(a.fee_amount) AS BIGINT) FROM ysq_applications a JOIN ysq_pauses p ON p.app_id = a.id \
         WHERE p.kind = 'fee' AND p.to_on >= ? AND p.to_on <= ?",
    )
    .bind(start)
    .bind(end)
    .fetch_one(k.db.pool())
    .await?;
    Ok(n.unwrap_or(0))
}

async fn count(k: &Kernel, sql: &'static str, binds: &[String]) -> Result<f64> {
    let mut q = query_scalar::<i64>(k.db.backend(), sql);
    for b in binds {
        q = q.bind(b.clone());
    }
    Ok(q.fetch_one(k.db.pool()).await? as f64)
}

/// Table 二 figures computed from platform data: 规章 and 行政规范性文件
/// from published disclosure items by 体裁 (or the 规范性文件 category);
/// 行政许可, 行政处罚 and 行政强制 decisions taken in the system, from the
/// yearly figures the power list keeps in the kernel. Others are entered
/// by the office.
pub async fn table2_computed(k: &Kernel, year: i32) -> Result<BTreeMap<String, f64>> {
    let (start, end) = bounds(year);
    let mut m = BTreeMap::new();
    let kinds: [(&str, &'static str, &'static str, &'static str); 2] = [
        (
            "规章",
            "SELECT COUNT(*) FROM disclosure_items WHERE genre = '规章' AND first_published_on >= ? AND first_published_on <= ?",
            "SELECT COUNT(*) FROM disclosure_items WHERE genre = '规章' AND validity = 'repealed' AND validity_changed_on >= ? AND validity_changed_on <= ?",
            "SELECT COUNT(*) FROM disclosure_items WHERE genre = '规章' AND status = 'published' AND validity = 'valid' AND first_published_on <= ?",
        ),
        (
            "行政规范性文件",
            "SELECT COUNT(*) FROM disclosure_items WHERE (genre IN ('规范性文件', '行政规范性文件') OR category_code = 'zcwj_gfxwj') AND first_published_on >= ? AND first_published_on <= ?",
            "SELECT COUNT(*) FROM disclosure_items WHERE (genre IN ('规范性文件', '行政规范性文件') OR category_code = 'zcwj_gfxwj') AND validity = 'repealed' AND validity_changed_on >= ? AND validity_changed_on <= ?",
            "SELECT COUNT(*) FROM disclosure_items WHERE (genre IN ('规范性文件', '行政规范性文件') OR category_code = 'zcwj_gfxwj') AND status = 'published' AND validity = 'valid' AND first_published_on <= ?",
        ),
    ];
    for (row, made, repealed, valid) in kinds {
        let b = [start.clone(), end.clone()];
        m.insert(format!("{row}/本年制发件数"), count(k, made, &b).await?);
        m.insert(format!("{row}/本年废止件数"), count(k, repealed, &b).await?);
        m.insert(
            format!("{row}/现行有效件数"),
            count(k, valid, std::slice::from_ref(&end)).await?,
        );
    }
    let figs = figures::of_year(k, year).await?;
    for d in Decisions::ALL {
        let n = figs.get(d.system_key()).map_or(0, |f| f.value);
        m.insert(decisions_key(d), n as f64);
    }
    Ok(m)
}

/// The table 二 key of a kind of decision (`行政许可/本年处理决定数量`).
pub fn decisions_key(d: Decisions) -> String {
    format!("{}/本年处理决定数量", d.label())
}

/// A figure of table 二 the power list's cases feed: the decisions taken
/// in the system plus those the office entered for powers run outside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fed {
    pub system: i64,
    pub entered: Option<i64>,
}

impl Fed {
    pub fn total(self) -> i64 {
        self.system + self.entered.unwrap_or(0)
    }

    /// `computed`, `entered`, or `mixed` when both parts count.
    pub fn source(self) -> &'static str {
        match (self.system, self.entered.unwrap_or(0)) {
            (_, 0) => "computed",
            (0, _) => "entered",
            _ => "mixed",
        }
    }

    pub fn note(self) -> String {
        format!(
            "其中系统办结{}件，填报系统外办理{}件",
            self.system,
            self.entered.unwrap_or(0)
        )
    }
}

/// The fed figures of `year` by table 二 key. The entered part is the
/// figure entered on the power list's statistics page; failing that, the
/// one a draft saved before table 二 was fed (kept, still marked entered).
pub async fn table2_fed(k: &Kernel, year: i32, d: &Draft) -> Result<BTreeMap<String, Fed>> {
    let figs = figures::of_year(k, year).await?;
    Ok(Decisions::ALL
        .into_iter()
        .map(|dk| {
            let key = decisions_key(dk);
            let entered = figs
                .get(dk.entered_key())
                .map(|f| f.value)
                .or_else(|| d.entered.get(&key).map(|v| v.round() as i64));
            let system = figs.get(dk.system_key()).map_or(0, |f| f.value);
            (key, Fed { system, entered })
        })
        .collect())
}

/// The office's draft of a year's report.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Draft {
    pub section1: String,
    pub section5: String,
    pub section6: String,
    /// Entered figures of table 二 by key (`规章/本年制发件数`).
    pub entered: BTreeMap<String, f64>,
    pub published_at: Option<String>,
}

pub async fn draft(k: &Kernel, year: i32) -> Result<Draft> {
    let row = query(
        k.db.backend(),
        "SELECT section1, section5, section6, table2, published_at FROM ysq_reports WHERE year = ?",
    )
    .bind(i64::from(year))
    .fetch_optional(k.db.pool())
    .await?;
    let Some(r) = row else {
        return Ok(Draft::default());
    };
    let t2: String = r.try_get(3)?;
    Ok(Draft {
        section1: r.try_get(0)?,
        section5: r.try_get(1)?,
        section6: r.try_get(2)?,
        entered: serde_json::from_str(&t2).unwrap_or_default(),
        published_at: r.try_get(4)?,
    })
}

/// Saves the sections and entered figures (validated first).
pub async fn save_draft(
    k: &Kernel,
    year: i32,
    d: &Draft,
    actor: &Actor,
    now: OffsetDateTime,
) -> Result<()> {
    check_year(year)?;
    let keys = report::table2_keys();
    for (key, v) in &d.entered {
        if !keys.contains(key) {
            return Err(Error::invalid(
                "invalid_table2_key",
                format!("表二没有“{key}”一栏"),
            ));
        }
        if !v.is_finite() || *v < 0.0 || *v > 1e12 {
            return Err(Error::invalid(
                "invalid_table2_value",
                format!("表二“{key}”应为不小于0的数"),
            ));
        }
    }
    for (label, text) in [
        ("一、总体情况", &d.section1),
        ("五、存在的主要问题及改进情况", &d.section5),
        ("六、其他需要报告的事项", &d.section6),
    ] {
        crate::model::long_text(label, text, 20_000, false)?;
    }
    let t2 = serde_json::to_string(&d.entered).map_err(|e| Error::Internal(e.to_string()))?;
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    let n = query(be, "UPDATE ysq_reports SET section1 = ?, section5 = ?, section6 = ?, table2 = ?, updated_by = ?, updated_at = ? WHERE year = ?")
        .bind(d.section1.trim().to_string())
        .bind(d.section5.trim().to_string())
        .bind(d.section6.trim().to_string())
        .bind(t2.clone())
        .bind(actor.user.clone())
        .bind(rfc3339(now))
        .bind(i64::from(year))
        .execute(tx.conn())
        .await?
        .rows_affected();
    if n == 0 {
        query(be, "INSERT INTO ysq_reports (year, section1, section5, section6, table2, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
            .bind(i64::from(year))
            .bind(d.section1.trim().to_string())
            .bind(d.section5.trim().to_string())
            .bind(d.section6.trim().to_string())
            .bind(t2)
            .bind(actor.user.clone())
            .bind(rfc3339(now))
            .execute(tx.conn())
            .await?;
    }
    audit::success(
        &mut tx,
        &k.keys,
        now,
        actor,
        "request.report_saved",
        &format!("ysq-report:{year}"),
        json!({"year": year}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The whole report as JSON (the CLI's `--format json` and the stored
/// publication): tables 二, 三, 四, sections, invariant check.
pub async fn build(k: &Kernel, year: i32) -> Result<Value> {
    let t3 = table3(k, year).await?;
    let t4 = table4(k, year).await?;
    let d = draft(k, year).await?;
    let computed = table2_computed(k, year).await?;
    let fed = table2_fed(k, year, &d).await?;
    let mut t2 =
        report::table2_json(
            |key| match (fed.get(key), d.entered.get(key), computed.get(key)) {
                (Some(f), _, _) => Figure {
                    value: f.total() as f64,
                    source: f.source(),
                },
                (None, Some(v), _) => Figure {
                    value: *v,
                    source: "entered",
                },
                (None, None, Some(v)) => Figure {
                    value: *v,
                    source: "computed",
                },
                (None, None, None) => Figure {
                    value: 0.0,
                    source: "entered",
                },
            },
        );
    // Which part of each fed figure the system counted and which was entered.
    t2["parts"] = fed
        .iter()
        .map(|(key, f)| {
            (
                key.clone(),
                json!({"system": f.system, "entered": f.entered.unwrap_or(0), "note": f.note()}),
            )
        })
        .collect::<serde_json::Map<String, Value>>()
        .into();
    let fees = fees_collected(k, year).await?;
    let agency = crate::settings::load(k).await?.agency_name;
    let failures: Vec<Value> = t3
        .invariant_failures()
        .into_iter()
        .map(|(c, l, r)| json!({"column": report::TABLE3_COLUMNS[c], "left": l, "right": r}))
        .collect();
    Ok(json!({
        "year": year,
        "agency": agency,
        "title": format!("{agency}{year}年政府信息公开工作年度报告"),
        "section1": d.section1,
        "table2": t2,
        "table3": t3.to_json(),
        "table4": t4.to_json(),
        "section5": d.section5,
        "section6": d.section6,
        "fees_collected_yuan": fees,
        "invariant": {"holds": failures.is_empty(), "failures": failures},
    }))
}

/// Publishes the report at /xxgk/nb (a snapshot; republishing replaces the
/// year's snapshot, earlier years stay). Refused while the invariant fails.
pub async fn publish(k: &Kernel, year: i32, actor: &Actor, now: OffsetDateTime) -> Result<()> {
    let j = build(k, year).await?;
    if j["invariant"]["holds"] != Value::Bool(true) {
        return Err(Error::Conflict(
            "表三不满足“一 + 二 = 总计 + 四”，请先核对数据再发布".into(),
        ));
    }
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    let exists: i64 = query_scalar(be, "SELECT COUNT(*) FROM ysq_reports WHERE year = ?")
        .bind(i64::from(year))
        .fetch_one(tx.conn())
        .await?;
    if exists == 0 {
        query(be, "INSERT INTO ysq_reports (year, section1, section5, section6, table2, updated_by, updated_at) VALUES (?, '', '', '', '{}', ?, ?)")
            .bind(i64::from(year))
            .bind(actor.user.clone())
            .bind(rfc3339(now))
            .execute(tx.conn())
            .await?;
    }
    query(
        be,
        "UPDATE ysq_reports SET published_at = ?, published_json = ? WHERE year = ?",
    )
    .bind(rfc3339(now))
    .bind(j.to_string())
    .bind(i64::from(year))
    .execute(tx.conn())
    .await?;
    audit::success(
        &mut tx,
        &k.keys,
        now,
        actor,
        "request.report_published",
        &format!("ysq-report:{year}"),
        json!({"year": year}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Published reports: (year, published_at), newest first.
pub async fn published(k: &Kernel) -> Result<Vec<(i32, String)>> {
    let rows = query(k.db.backend(), "SELECT year, published_at FROM ysq_reports WHERE published_at IS NOT NULL ORDER BY year DESC")
        .fetch_all(k.db.pool())
        .await?;
    rows.iter()
        .map(|r| {
            Ok((
                i32::try_from(r.try_get::<i64, _>(0)?).unwrap_or(0),
                r.try_get(1)?,
            ))
        })
        .collect()
}

pub async fn published_json(k: &Kernel, year: i32) -> Result<Option<Value>> {
    let s: Option<Option<String>> = query_scalar(
        k.db.backend(),
        "SELECT published_json FROM ysq_reports WHERE year = ?",
    )
    .bind(i64::from(year))
    .fetch_optional(k.db.pool())
    .await?;
    Ok(s.flatten().and_then(|s| serde_json::from_str(&s).ok()))
}
