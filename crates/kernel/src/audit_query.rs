//! Reading the audit log for the audit administrator: filters (Beijing
//! dates, actor, event type, object), newest-first pages, and export rows
//! (CSV here; the web layer writes XLSX from the same rows). Reading never
//! writes; the export itself is recorded by the caller as `audit.export`.

use sqlx::Row;
use time::{Date, OffsetDateTime, Time};

use crate::audit::Entry;
use crate::db::{Db, query, query_dyn, query_scalar};
use crate::timefmt::{CST, fmt_date, parse_date, parse_rfc3339, rfc3339};
use crate::{Error, Result};

/// Entries per screen page.
pub const PAGE_SIZE: i64 = 50;

/// At most this many entries in one export; more must be narrowed first.
pub const EXPORT_MAX: i64 = 100_000;

/// A validated filter. Dates are days in Beijing time, both inclusive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub from: Option<Date>,
    pub to: Option<Date>,
    /// The account that acted, or the one acted for (B for A).
    pub actor: Option<String>,
    pub event_type: Option<String>,
    /// A substring of the object, case-insensitive.
    pub object: Option<String>,
}

fn opt_text(label: &str, raw: &str, max: usize) -> Result<Option<String>> {
    let v = raw.trim();
    if v.is_empty() {
        return Ok(None);
    }
    if v.chars().count() > max {
        return Err(Error::invalid(
            "invalid_filter",
            format!("{label}不能超过 {max} 个字符"),
        ));
    }
    if v.chars().any(char::is_control) {
        return Err(Error::invalid(
            "invalid_filter",
            format!("{label}含有无效字符"),
        ));
    }
    Ok(Some(v.to_string()))
}

fn opt_date(label: &str, raw: &str) -> Result<Option<Date>> {
    let v = raw.trim();
    if v.is_empty() {
        return Ok(None);
    }
    parse_date(v).map(Some).map_err(|e| match e {
        Error::Invalid { code, message } => Error::Invalid {
            code,
            message: format!("{label}：{message}"),
        },
        other => other,
    })
}

impl Filter {
    /// Parses the filter form (every field optional; blank means "any").
    pub fn parse(
        from: &str,
        to: &str,
        actor: &str,
        event_type: &str,
        object: &str,
    ) -> Result<Filter> {
        let f = Filter {
            from: opt_date("起始日期", from)?,
            to: opt_date("结束日期", to)?,
            actor: opt_text("操作人", actor, 64)?,
            event_type: opt_text("事件类型", event_type, 100)?,
            object: opt_text("对象", object, 200)?,
        };
        if let (Some(a), Some(b)) = (f.from, f.to)
            && a > b
        {
            return Err(Error::invalid(
                "invalid_range",
                format!("起始日期 {} 不能晚于结束日期 {}", fmt_date(a), fmt_date(b)),
            ));
        }
        Ok(f)
    }

    /// The filter as recorded with an export.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "from": self.from.map(fmt_date),
            "to": self.to.map(fmt_date),
            "actor": self.actor,
            "event_type": self.event_type,
            "object": self.object,
        })
    }

    /// The WHERE clause (placeholders only) and its values, in order.
    fn clause(&self) -> (String, Vec<String>) {
        let mut conds: Vec<&str> = Vec::new();
        let mut vals: Vec<String> = Vec::new();
        if let Some(d) = self.from {
            conds.push("at >= ?");
            vals.push(start_of_day_utc(d));
        }
        if let Some(d) = self.to {
            conds.push("at < ?");
            vals.push(match d.next_day() {
                Some(n) => start_of_day_utc(n),
                None => "9999-12-31T23:59:59Z".to_string(),
            });
        }
        if let Some(a) = &self.actor {
            conds.push("(actor = ? OR acting_for = ?)");
            vals.push(a.clone());
            vals.push(a.clone());
        }
        if let Some(t) = &self.event_type {
            conds.push("event_type = ?");
            vals.push(t.clone());
        }
        if let Some(o) = &self.object {
            conds.push("LOWER(object) LIKE ? ESCAPE '\\'");
            vals.push(format!("%{}%", escape_like(&o.to_lowercase())));
        }
        if conds.is_empty() {
            (String::new(), vals)
        } else {
            (format!(" WHERE {}", conds.join(" AND ")), vals)
        }
    }
}

/// Midnight of a Beijing day, as the stored UTC text.
fn start_of_day_utc(d: Date) -> String {
    rfc3339(OffsetDateTime::new_in_offset(d, Time::MIDNIGHT, CST))
}

fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

const COLUMNS: &str = "seq, at, actor, acting_for, event_type, object, outcome, detail, mac";

fn entry_from(row: &sqlx::any::AnyRow) -> Result<Entry> {
    Ok(Entry {
        seq: row.try_get(0)?,
        at: row.try_get(1)?,
        actor: row.try_get(2)?,
        acting_for: row.try_get(3)?,
        event_type: row.try_get(4)?,
        object: row.try_get(5)?,
        outcome: row.try_get(6)?,
        detail: row.try_get(7)?,
        mac: row.try_get(8)?,
    })
}

/// How many entries match.
pub async fn count(db: &Db, f: &Filter) -> Result<i64> {
    let (w, vals) = f.clause();
    let mut q = query_dyn(db.backend(), format!("SELECT COUNT(*) FROM audit_log{w}"));
    for v in vals {
        q = q.bind(v);
    }
    let row = q.fetch_one(db.pool()).await?;
    Ok(row.try_get(0)?)
}

/// Matching entries, newest first: `limit` of them after skipping `offset`.
pub async fn entries(db: &Db, f: &Filter, offset: i64, limit: i64) -> Result<Vec<Entry>> {
    let (w, vals) = f.clause();
    let mut q = query_dyn(
        db.backend(),
        format!("SELECT {COLUMNS} FROM audit_log{w} ORDER BY seq DESC LIMIT ? OFFSET ?"),
    );
    for v in vals {
        q = q.bind(v);
    }
    let rows = q
        .bind(limit.max(0))
        .bind(offset.max(0))
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(entry_from).collect()
}

/// One screen page (1-based), newest first.
pub async fn page(db: &Db, f: &Filter, page: i64) -> Result<Vec<Entry>> {
    let page = page.max(1);
    entries(db, f, (page - 1).saturating_mul(PAGE_SIZE), PAGE_SIZE).await
}

/// Every matching entry for an export, newest first; refused (nothing
/// read) when more than `EXPORT_MAX` match.
pub async fn for_export(db: &Db, f: &Filter) -> Result<Vec<Entry>> {
    let n = count(db, f).await?;
    if n > EXPORT_MAX {
        return Err(Error::invalid(
            "export_too_large",
            format!(
                "符合条件的记录共 {n} 条，超过单次导出上限 {EXPORT_MAX} 条，请缩小日期范围后分批导出"
            ),
        ));
    }
    entries(db, f, 0, EXPORT_MAX).await
}

/// The event types present in the log, for the filter's select.
pub async fn event_types(db: &Db) -> Result<Vec<String>> {
    Ok(query_scalar(
        db.backend(),
        "SELECT DISTINCT event_type FROM audit_log ORDER BY event_type",
    )
    .fetch_all(db.pool())
    .await?)
}

/// Whether any entry exists at all (for the empty-log message).
pub async fn is_empty(db: &Db) -> Result<bool> {
    let row = query(db.backend(), "SELECT seq FROM audit_log LIMIT 1")
        .fetch_optional(db.pool())
        .await?;
    Ok(row.is_none())
}

/// The Chinese name of a known event type.
pub fn event_label(code: &str) -> Option<&'static str> {
    Some(match code {
        "auth.login" => "登录",
        "auth.logout" => "退出登录",
        "auth.second_factor" => "动态口令验证",
        "auth.second_factor.enroll" => "绑定动态口令",
        "auth.password.change" => "修改密码",
        "auth.password.reset" => "重置密码",
        "org.agency.create" => "新建机关",
        "org.division.create" => "新建处室",
        "org.user.create" => "新建账号",
        "org.user.roles" => "分配角色",
        "org.user.lock" => "锁定账号",
        "org.user.unlock" => "解锁账号",
        "org.post.create" => "新建岗位",
        "org.leave.create" => "登记请假",
        "calendar.import" => "导入节假日安排",
        "calendar.local_day_off" => "登记本机关放假日",
        "settings.update" => "修改网站设置",
        "security.policy.update" => "修改安全策略",
        "security.grants.update" => "调整角色权限",
        "audit.export" => "导出审计日志",
        _ => return None,
    })
}

/// 成功 / 失败 / 拒绝.
pub fn outcome_label(outcome: &str) -> &str {
    match outcome {
        "success" => "成功",
        "failure" => "失败",
        "refused" => "拒绝",
        other => other,
    }
}

/// A stored instant in Beijing time with seconds (`2026-11-26 17:05:09`);
/// the stored text itself if it cannot be read.
pub fn instant_cst_seconds(at: &str) -> String {
    match parse_rfc3339(at) {
        Ok(t) => {
            let t = t.to_offset(CST);
            format!(
                "{} {:02}:{:02}:{:02}",
                fmt_date(t.date()),
                t.hour(),
                t.minute(),
                t.second()
            )
        }
        Err(_) => at.to_string(),
    }
}

/// The export's header row.
pub const EXPORT_HEADER: [&str; 10] = [
    "序号",
    "时间（北京时间）",
    "操作人",
    "代岗（代谁办理）",
    "事件类型",
    "事件说明",
    "对象",
    "结果",
    "详情",
    "校验码",
];

/// One entry as an export row, in `EXPORT_HEADER` order.
pub fn export_row(e: &Entry) -> [String; 10] {
    [
        e.seq.to_string(),
        instant_cst_seconds(&e.at),
        e.actor.clone(),
        e.acting_for.clone().unwrap_or_default(),
        e.event_type.clone(),
        event_label(&e.event_type).unwrap_or_default().to_string(),
        e.object.clone(),
        outcome_label(&e.outcome).to_string(),
        e.detail.clone(),
        e.mac.clone(),
    ]
}

/// A spreadsheet would read a cell starting with these as a formula.
fn neutralise_formula(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// RFC 4180: quoted when it holds a comma, quote or line break; quotes
/// doubled.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn csv_line(out: &mut String, cells: &[String]) {
    let line: Vec<String> = cells
        .iter()
        .map(|c| csv_field(&neutralise_formula(c)))
        .collect();
    out.push_str(&line.join(","));
    out.push_str("\r\n");
}

/// The export as CSV: UTF-8 with a byte-order mark (so Excel reads the
/// Chinese correctly), a Chinese header row, CRLF line ends.
pub fn csv(entries: &[Entry]) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    let header: Vec<String> = EXPORT_HEADER.iter().map(|h| h.to_string()).collect();
    csv_line(&mut out, &header);
    for e in entries {
        csv_line(&mut out, &export_row(e));
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn entry(detail: &str) -> Entry {
        Entry {
            seq: 7,
            at: "2026-11-26T09:05:09Z".into(),
            actor: "sec1".into(),
            acting_for: None,
            event_type: "org.user.roles".into(),
            object: "user:a,b".into(),
            outcome: "refused".into(),
            detail: detail.into(),
            mac: "ab".into(),
        }
    }

    #[test]
    fn csv_export_has_bom_chinese_header_and_rfc4180_quoting() {
        let bytes = csv(&[entry(r#"{"note":"say "hi""}"#)]);
        assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
        let text = String::from_utf8(bytes).unwrap_or_default();
        let mut lines = text.trim_start_matches('\u{feff}').split("\r\n");
        assert_eq!(
            lines.next(),
            Some(
                "序号,时间（北京时间）,操作人,代岗（代谁办理）,事件类型,事件说明,对象,结果,详情,校验码"
            )
        );
        assert_eq!(
            lines.next(),
            Some(
                r#"7,2026-11-26 17:05:09,sec1,,org.user.roles,分配角色,"user:a,b",拒绝,"{""note"":""say ""hi""""}",ab"#
            )
        );
    }

    #[test]
    fn csv_cells_that_a_spreadsheet_would_run_as_formulas_are_neutralised() {
        let mut e = entry("{}");
        e.actor = "=HYPERLINK(\"x\")".into();
        let text = String::from_utf8(csv(&[e])).unwrap_or_default();
        assert!(text.contains(r#""'=HYPERLINK(""x"")""#), "{text}");
    }

    #[test]
    fn filter_dates_are_beijing_days_and_a_bad_date_is_refused_in_chinese() {
        let f = Filter::parse("2026-11-26", "2026-11-26", "", "", "").unwrap_or_default();
        let (w, vals) = f.clause();
        assert_eq!(w, " WHERE at >= ? AND at < ?");
        assert_eq!(vals, vec!["2026-11-25T16:00:00Z", "2026-11-26T16:00:00Z"]);
        assert_eq!(f.from, Some(date!(2026 - 11 - 26)));
        let e = Filter::parse("2026-02-30", "", "", "", "")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("起始日期") && e.contains("2026-02-30"), "{e}");
        assert!(Filter::parse("2026-11-27", "2026-11-26", "", "", "").is_err());
    }

    #[test]
    fn object_filter_is_a_substring_with_like_wildcards_escaped() {
        let f = Filter::parse("", "", "", "", "100%_A").unwrap_or_default();
        let (_, vals) = f.clause();
        assert_eq!(vals, vec![r"%100\%\_a%"]);
        assert_eq!(
            Filter::parse("", "", " ", "", "").ok(),
            Some(Filter::default())
        );
    }

    #[test]
    fn outcomes_are_shown_in_chinese() {
        assert_eq!(outcome_label("success"), "成功");
        assert_eq!(outcome_label("failure"), "失败");
        assert_eq!(outcome_label("refused"), "拒绝");
    }
}
