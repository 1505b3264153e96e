//! Administrative review and litigation records per application (table 四).

use sqlx::Row;
use time::{Date, OffsetDateTime};
use yangguang_kernel::audit::Actor;
use yangguang_kernel::db::query;
use yangguang_kernel::timefmt::{fmt_date, parse_date, rfc3339, today_cst};
use yangguang_kernel::{Error, Kernel, Result};

use crate::report::{CaseKind, CaseResult};
use crate::store::{self, audit_app, event};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRecord {
    pub id: i64,
    pub app_id: i64,
    pub kind: CaseKind,
    pub filed_on: Date,
    pub body: String,
    pub result: CaseResult,
    pub concluded_on: Option<Date>,
    pub note: Option<String>,
}

/// A case as posted: checked before anything is written.
pub struct CaseInput<'a> {
    pub kind: &'a str,
    pub filed_on: &'a str,
    pub body: &'a str,
    pub result: &'a str,
    pub concluded_on: &'a str,
    pub note: &'a str,
}

type Parsed = (
    CaseKind,
    Date,
    String,
    CaseResult,
    Option<Date>,
    Option<String>,
);

fn parse(input: &CaseInput, received: Date, today: Date) -> Result<Parsed> {
    let kind = CaseKind::parse(input.kind.trim()).ok_or_else(|| {
        Error::invalid(
            "invalid_case_kind",
            "请选择类型：行政复议、直接起诉或复议后起诉",
        )
    })?;
    let filed = yangguang_kernel::timefmt::parse_date(input.filed_on)?;
    if filed < received || filed > today {
        return Err(Error::invalid(
            "invalid_filed_on",
            format!("提起日期应在收到申请之日{}至今天之间", fmt_date(received)),
        ));
    }
    let body = yangguang_kernel::text::required("复议机关或受理法院", input.body, 60)?;
    let result = CaseResult::parse(input.result.trim()).ok_or_else(|| {
        Error::invalid(
            "invalid_case_result",
            "请选择结果：维持、纠正、其他或尚未审结",
        )
    })?;
    let concluded = match (result, input.concluded_on.trim()) {
        (CaseResult::Pending, "") => None,
        (CaseResult::Pending, _) => {
            return Err(Error::invalid(
                "concluded_pending",
                "尚未审结的案件不应填写审结日期",
            ));
        }
        (_, "") => return Err(Error::invalid("missing_field", "请填写审结日期")),
        (_, s) => {
            let d = parse_date(s)?;
            if d < filed || d > today {
                return Err(Error::invalid(
                    "invalid_concluded_on",
                    "审结日期应在提起日期至今天之间",
                ));
            }
            Some(d)
        }
    };
    let note = yangguang_kernel::text::optional("备注", input.note, 200)?;
    Ok((kind, filed, body, result, concluded, note))
}

/// Records a review or lawsuit; `case_id` updates an existing record (the
/// result once concluded). Records are never deleted.
pub async fn record(
    k: &Kernel,
    app_id: i64,
    case_id: Option<i64>,
    input: &CaseInput<'_>,
    actor: &Actor,
    now: OffsetDateTime,
) -> Result<i64> {
    let app = store::get(k, app_id).await?;
    let (kind, filed, body, result, concluded, note) =
        parse(input, app.received_on, today_cst(now))?;
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    let id = match case_id {
        Some(cid) => {
            let n = query(be, "UPDATE ysq_cases SET kind = ?, filed_on = ?, body = ?, result = ?, concluded_on = ?, note = ?, recorded_by = ?, updated_at = ? WHERE id = ? AND app_id = ?")
                .bind(kind.code())
                .bind(fmt_date(filed))
                .bind(body.clone())
                .bind(result.code())
                .bind(concluded.map(fmt_date))
                .bind(note.clone())
                .bind(actor.user.clone())
                .bind(rfc3339(now))
                .bind(cid)
                .bind(app_id)
                .execute(tx.conn())
                .await?
                .rows_affected();
            if n == 0 {
                return Err(Error::NotFound(format!("复议诉讼记录 {cid} 不存在")));
            }
            cid
        }
        None => yangguang_kernel::db::query_scalar(be, "INSERT INTO ysq_cases (app_id, kind, filed_on, body, result, concluded_on, note, recorded_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")
            .bind(app_id)
            .bind(kind.code())
            .bind(fmt_date(filed))
            .bind(body.clone())
            .bind(result.code())
            .bind(concluded.map(fmt_date))
            .bind(note.clone())
            .bind(actor.user.clone())
            .bind(rfc3339(now))
            .fetch_one(tx.conn())
            .await?,
    };
    let text = format!(
        "{}（{}，{}）：{}",
        kind.label(),
        body,
        fmt_date(filed),
        result.short()
    );
    event(
        &mut tx,
        app_id,
        now,
        today_cst(now),
        "case",
        actor,
        false,
        &text,
    )
    .await?;
    audit_app(
        k,
        &mut tx,
        actor,
        now,
        "request.case_recorded",
        &app.app_no,
        serde_json::json!({"case_id": id, "kind": kind.code(), "result": result.code()}),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn list(k: &Kernel, app_id: i64) -> Result<Vec<CaseRecord>> {
    let rows = query(k.db.backend(), "SELECT id, app_id, kind, filed_on, body, result, concluded_on, note FROM ysq_cases WHERE app_id = ? ORDER BY id")
        .bind(app_id)
        .fetch_all(k.db.pool())
        .await?;
    rows.iter()
        .map(|r| {
            let kind: String = r.try_get(2)?;
            let result: String = r.try_get(5)?;
            let concluded: Option<String> = r.try_get(6)?;
            Ok(CaseRecord {
                id: r.try_get(0)?,
                app_id: r.try_get(1)?,
                kind: CaseKind::parse(&kind).unwrap_or(CaseKind::Review),
                filed_on: parse_date(&r.try_get::<String, _>(3)?)?,
                body: r.try_get(4)?,
                result: CaseResult::parse(&result).unwrap_or(CaseResult::Pending),
                concluded_on: concluded.as_deref().map(parse_date).transpose()?,
                note: r.try_get(7)?,
            })
        })
        .collect()
}
