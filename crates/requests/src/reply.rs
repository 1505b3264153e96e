//! Fee notices, replies and their letters (告知书), released files, and
//! closing lapsed applications (Art 30 no supplement; 109号 unpaid fee).

use sqlx::Row;
use time::{Date, OffsetDateTime};
use yangguang_kernel::audit::Actor;
use yangguang_kernel::db::{query, query_scalar};
use yangguang_kernel::numbering;
use yangguang_kernel::timefmt::{fmt_date, fmt_date_cn, parse_date, rfc3339, today_cst};
use yangguang_kernel::{Error, Kernel, Result, files};

use crate::fees::{self, FeeMethod};
use crate::outcome::Outcome;
use crate::rules::{self, Lapse, PauseKind};
use crate::settings::{self, Settings};
use crate::store::{self, Application, STATUS_OPEN, STATUS_REPLIED, audit_app, event};

/// Numbering scope of reply letters.
pub const LETTER_SEQ: &str = "ysq.letter";

/// Cases of the same applicant already counted in the calendar month of
/// this application's receipt (by-case fees are cumulative per month).
pub async fn cases_before_in_month(k: &Kernel, app: &Application) -> Result<u64> {
    let first = app.received_on.replace_day(1).unwrap_or(app.received_on);
    let n: i64 = query_scalar(
        k.db.backend(),
        "SELECT COUNT(*) FROM ysq_applications WHERE applicant_key = ? AND received_on >= ? \
         AND (received_on < ? OR (received_on = ? AND id < ?))",
    )
    .bind(app.applicant_key.clone())
    .bind(fmt_date(first))
    .bind(fmt_date(app.received_on))
    .bind(fmt_date(app.received_on))
    .bind(app.id)
    .fetch_one(k.db.pool())
    .await?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// The fee for this application and its printable calculation.
pub async fn fee_for(
    k: &Kernel,
    app: &Application,
    method: FeeMethod,
    pages: u64,
) -> Result<(u64, Vec<String>)> {
    match method {
        FeeMethod::ByPage => {
            let f = fees::fee(method, pages)?;
            Ok((f.total, f.explain()))
        }
        FeeMethod::ByCase => {
            let before = cases_before_in_month(k, app).await?;
            let (month, this) = fees::case_fee_for_next(before)?;
            let mut lines = month.explain();
            lines.push(format!(
                "本申请为该申请人本月第{}件，本件应缴：{}元（本月合计{}元减去前{}件合计{}元）",
                before + 1,
                this,
                month.total,
                before,
                month.total - this
            ));
            Ok((this, lines))
        }
    }
}

/// Sends the fee notice: the clock pauses until payment.
pub async fn fee_notice(
    k: &Kernel,
    id: i64,
    method: FeeMethod,
    pages: u64,
    on: Date,
    actor: &Actor,
    now: OffsetDateTime,
) -> Result<u64> {
    let app = store::get(k, id).await?;
    let (amount, lines) = fee_for(k, &app, method, pages).await?;
    if amount == 0 {
        return Err(Error::invalid(
            "fee_zero",
            "按此计算本申请不收费（在免费范围内），无需发出收费通知",
        ));
    }
    let mut tx = k.db.begin().await?;
    let limit =
        store::start_pause_tx(k, &mut tx, id, PauseKind::Fee, "申请人", on, actor, now).await?;
    query(tx.backend(), "UPDATE ysq_applications SET fee_method = ?, fee_count = ?, fee_amount = ?, fee_calc = ?, updated_at = ? WHERE id = ?")
        .bind(method.code())
        .bind(i64::try_from(if method == FeeMethod::ByPage { pages } else { 1 }).unwrap_or(0))
        .bind(i64::try_from(amount).unwrap_or(i64::MAX))
        .bind(lines.join("\n"))
        .bind(rfc3339(now))
        .bind(id)
        .execute(tx.conn())
        .await?;
    event(
        &mut tx,
        id,
        now,
        on,
        "fee_amount",
        actor,
        true,
        &format!("信息处理费{amount}元，缴费期限至{}", fmt_date(limit)),
    )
    .await?;
    tx.commit().await?;
    Ok(amount)
}

/// The reply letter text for an outcome (editable before issue).
pub fn letter_body(s: &Settings, app: &Application, outcome: Outcome, today: Date) -> String {
    let mut out = String::new();
    out.push_str(&format!("{}：\n", app.name));
    out.push_str(&format!(
        "    本机关于{}收到您（单位）提出的政府信息公开申请（申请编号：{}），申请获取：{}。\n",
        fmt_date_cn(app.received_on),
        app.app_no,
        app.description
    ));
    out.push_str(&format!("    {}\n", outcome.decision_text()));
    out.push_str(&format!("    依据：{}。\n", outcome.legal_basis()));
    out.push_str(&format!(
        "    {}\n",
        outcome.remedies(&s.review_body, &s.court)
    ));
    out.push_str(&format!("\n{}\n{}\n", s.agency_name, fmt_date_cn(today)));
    out
}

/// A reply as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub outcome: Outcome,
    pub letter_no: Option<String>,
    pub body: String,
    pub issued: bool,
    pub issued_on: Option<Date>,
}

pub async fn reply_of(k: &Kernel, id: i64) -> Result<Option<Reply>> {
    let row = query(
        k.db.backend(),
        "SELECT outcome, letter_no, body, status, issued_on FROM ysq_replies WHERE app_id = ?",
    )
    .bind(id)
    .fetch_optional(k.db.pool())
    .await?;
    let Some(r) = row else { return Ok(None) };
    let o: String = r.try_get(0)?;
    let issued_on: Option<String> = r.try_get(4)?;
    Ok(Some(Reply {
        outcome: Outcome::parse(&o)
            .ok_or_else(|| Error::Internal(format!("未知的答复类型 {o}")))?,
        letter_no: r.try_get(1)?,
        body: r.try_get(2)?,
        issued: r.try_get::<String, _>(3)? == "issued",
        issued_on: issued_on.as_deref().map(parse_date).transpose()?,
    }))
}

/// Saves the draft reply (outcome and letter text); `body` empty: the
/// template's text for the outcome.
pub async fn save_draft(
    k: &Kernel,
    id: i64,
    outcome: Outcome,
    body: &str,
    actor: &Actor,
    now: OffsetDateTime,
) -> Result<String> {
    let app = store::get(k, id).await?;
    if !app.is_open() {
        return Err(Error::Conflict(format!(
            "申请 {} 已答复，告知书不能再修改",
            app.app_no
        )));
    }
    let s = settings::load(k).await?;
    let body = match crate::model::long_text("告知书正文", body, 20_000, false)? {
        Some(b) => b,
        None => letter_body(&s, &app, outcome, today_cst(now)),
    };
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    let n = query(be, "UPDATE ysq_replies SET outcome = ?, body = ?, drafted_by = ?, updated_at = ? WHERE app_id = ? AND status = 'draft'")
        .bind(outcome.code())
        .bind(body.clone())
        .bind(actor.user.clone())
        .bind(rfc3339(now))
        .bind(id)
        .execute(tx.conn())
        .await?
        .rows_affected();
    if n == 0 {
        query(be, "INSERT INTO ysq_replies (app_id, outcome, body, status, drafted_by, updated_at) VALUES (?, ?, ?, 'draft', ?, ?)")
            .bind(id)
            .bind(outcome.code())
            .bind(body.clone())
            .bind(actor.user.clone())
            .bind(rfc3339(now))
            .execute(tx.conn())
            .await?;
    }
    event(
        &mut tx,
        id,
        now,
        today_cst(now),
        "reply_drafted",
        actor,
        false,
        &format!("拟定答复：{}", outcome.full_label()),
    )
    .await?;
    audit_app(
        k,
        &mut tx,
        actor,
        now,
        "request.reply_drafted",
        &app.app_no,
        serde_json::json!({"outcome": outcome.code()}),
    )
    .await?;
    tx.commit().await?;
    Ok(body)
}

/// Attaches released information to the reply (before issue).
pub async fn attach(
    k: &Kernel,
    id: i64,
    name: &str,
    bytes: &[u8],
    actor: &Actor,
    now: OffsetDateTime,
) -> Result<()> {
    let name = yangguang_kernel::text::required("附件文件名", name, 120)?;
    if bytes.is_empty() {
        return Err(Error::invalid("empty_file", "附件为空文件"));
    }
    let app = store::get(k, id).await?;
    if !app.is_open() {
        return Err(Error::Conflict("申请已答复，不能再添加附件".into()));
    }
    let mut tx = k.db.begin().await?;
    let h = files::put(&mut tx, &k.data_dir, now, bytes, "application/octet-stream").await?;
    query(tx.backend(), "INSERT INTO ysq_reply_files (app_id, name, hash, size, added_by, added_at) VALUES (?, ?, ?, ?, ?, ?)")
        .bind(id)
        .bind(name.clone())
        .bind(h)
        .bind(bytes.len() as i64)
        .bind(actor.user.clone())
        .bind(rfc3339(now))
        .execute(tx.conn())
        .await?;
    audit_app(
        k,
        &mut tx,
        actor,
        now,
        "request.file_attached",
        &app.app_no,
        serde_json::json!({"name": name}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The released files: (id, name, hash, size).
pub async fn reply_files(k: &Kernel, id: i64) -> Result<Vec<(i64, String, String, i64)>> {
    let rows = query(
        k.db.backend(),
        "SELECT id, name, hash, size FROM ysq_reply_files WHERE app_id = ? ORDER BY id",
    )
    .bind(id)
    .fetch_all(k.db.pool())
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?)))
        .collect()
}

/// Issues the reply: numbers the letter, closes the application.
pub async fn issue(
    k: &Kernel,
    id: i64,
    on: Date,
    actor: &Actor,
    now: OffsetDateTime,
) -> Result<String> {
    let app = store::get(k, id).await?;
    let reply = reply_of(k, id)
        .await?
        .ok_or_else(|| Error::Conflict("请先拟定答复告知书".into()))?;
    if on > today_cst(now) {
        return Err(Error::invalid(
            "date_in_future",
            format!("答复日期{}晚于今天", fmt_date(on)),
        ));
    }
    if on < app.received_on {
        return Err(Error::invalid(
            "date_before_receipt",
            format!(
                "答复日期{}早于收到申请之日{}",
                fmt_date(on),
                fmt_date(app.received_on)
            ),
        ));
    }
    if reply.outcome.releases() && reply_files(k, id).await?.is_empty() && app.delivery != "pickup"
    {
        return Err(Error::invalid(
            "no_files",
            "予以公开或部分公开的答复须附上提供的信息（请先上传附件）",
        ));
    }
    let s = settings::load(k).await?;
    let mut tx = k.db.begin().await?;
    let n = numbering::next(&mut tx, LETTER_SEQ, on.year()).await?;
    let letter_no = numbering::doc_no(&s.letter_prefix, on.year(), n);
    close_tx(
        k,
        &mut tx,
        &app,
        reply.outcome,
        on,
        &letter_no,
        &reply.body,
        actor,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(letter_no)
}

#[allow(clippy::too_many_arguments)]
async fn close_tx(
    k: &Kernel,
    tx: &mut yangguang_kernel::db::WriteTx,
    app: &Application,
    outcome: Outcome,
    on: Date,
    letter_no: &str,
    body: &str,
    actor: &Actor,
    now: OffsetDateTime,
) -> Result<()> {
    let be = tx.backend();
    let n = query(be, "UPDATE ysq_applications SET status = ?, outcome = ?, replied_on = ?, paused = 0, updated_at = ? WHERE id = ? AND status = ?")
        .bind(STATUS_REPLIED)
        .bind(outcome.code())
        .bind(fmt_date(on))
        .bind(rfc3339(now))
        .bind(app.id)
        .bind(STATUS_OPEN)
        .execute(tx.conn())
        .await?
        .rows_affected();
    if n == 0 {
        return Err(Error::Conflict(format!("申请 {} 已办结", app.app_no)));
    }
    let updated = query(be, "UPDATE ysq_replies SET outcome = ?, letter_no = ?, body = ?, status = 'issued', issued_on = ?, issued_by = ?, updated_at = ? WHERE app_id = ?")
        .bind(outcome.code())
        .bind(letter_no.to_string())
        .bind(body.to_string())
        .bind(fmt_date(on))
        .bind(actor.user.clone())
        .bind(rfc3339(now))
        .bind(app.id)
        .execute(tx.conn())
        .await?
        .rows_affected();
    if updated == 0 {
        query(be, "INSERT INTO ysq_replies (app_id, outcome, letter_no, body, status, drafted_by, issued_on, issued_by, updated_at) VALUES (?, ?, ?, ?, 'issued', ?, ?, ?, ?)")
            .bind(app.id)
            .bind(outcome.code())
            .bind(letter_no.to_string())
            .bind(body.to_string())
            .bind(actor.user.clone())
            .bind(fmt_date(on))
            .bind(actor.user.clone())
            .bind(rfc3339(now))
            .execute(tx.conn())
            .await?;
    }
    event(
        tx,
        app.id,
        now,
        on,
        "replied",
        actor,
        true,
        &format!("已答复（{letter_no}）：{}", outcome.full_label()),
    )
    .await?;
    audit_app(
        k,
        tx,
        actor,
        now,
        "request.replied",
        &app.app_no,
        serde_json::json!({"outcome": outcome.code(), "letter_no": letter_no, "on": fmt_date(on)}),
    )
    .await?;
    Ok(())
}

/// Closes every open application whose supplement or fee period has
/// lapsed by `today` (其他处理 1 / 2), each in its own transaction with a
/// generated letter. Returns the application numbers closed.
pub async fn close_lapsed(k: &Kernel, today: Date, now: OffsetDateTime) -> Result<Vec<String>> {
    let ids: Vec<i64> = query_scalar(
        k.db.backend(),
        "SELECT a.id FROM ysq_applications a WHERE a.status = 'open' AND ((a.supplement_deadline IS NOT NULL \
         AND a.supplement_received_on IS NULL AND a.supplement_deadline < ?) OR EXISTS (SELECT 1 FROM ysq_pauses p \
         WHERE p.app_id = a.id AND p.kind = 'fee' AND p.to_on IS NULL AND p.limit_on < ?)) ORDER BY a.id",
    )
    .bind(fmt_date(today))
    .bind(fmt_date(today))
    .fetch_all(k.db.pool())
    .await?;
    let s = settings::load(k).await?;
    let actor = Actor::system();
    let mut closed = Vec::new();
    for id in ids {
        let app = store::get(k, id).await?;
        let Some(l) = rules::lapse(&app.facts, today) else {
            continue;
        };
        let code = match l {
            Lapse::NoSupplement => "other_1",
            Lapse::FeeUnpaid => "other_2",
        };
        let Some(outcome) = Outcome::parse(code) else {
            continue;
        };
        let body = letter_body(&s, &app, outcome, today);
        let mut tx = k.db.begin().await?;
        let n = numbering::next(&mut tx, LETTER_SEQ, today.year()).await?;
        let letter_no = numbering::doc_no(&s.letter_prefix, today.year(), n);
        match close_tx(
            k, &mut tx, &app, outcome, today, &letter_no, &body, &actor, now,
        )
        .await
        {
            Ok(()) => tx.commit().await?,
            // Closed meanwhile (another node's sweep, or a reply): skip.
            Err(Error::Conflict(_)) => continue,
            Err(e) => return Err(e),
        }
        closed.push(app.app_no);
    }
    Ok(closed)
}
