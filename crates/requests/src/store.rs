//! Applications and the steps that move their clock. One transaction per
//! state change, with its timeline line and audit entry; personal data
//! sealed with SM4 before it reaches the database.

use sqlx::Row;
use time::{Date, OffsetDateTime};
use yangguang_kernel::audit::{self, Actor};
use yangguang_kernel::db::{WriteTx, query, query_scalar};
use yangguang_kernel::pii::{self, DataKey};
use yangguang_kernel::timefmt::{fmt_date, parse_date, rfc3339, today_cst};
use yangguang_kernel::{Error, Kernel, Result, numbering, tracking};

use crate::model::NewApplication;
use crate::outcome::Outcome;
use crate::rules::{self, ApplicantKind, Channel, ClockFacts, ClockPause, PauseKind};
use crate::settings;

pub const STATUS_OPEN: &str = "open";
pub const STATUS_REPLIED: &str = "replied";

/// Numbering scope of application numbers.
pub const APP_SEQ: &str = "ysq.application";

fn key(k: &Kernel) -> DataKey {
    DataKey::new(k.keys.data)
}

fn ctx(app_no: &str, column: &str) -> String {
    format!("ysq_applications.{column}:{app_no}")
}

fn seal(k: &Kernel, app_no: &str, column: &str, v: &str) -> Result<String> {
    pii::seal_with_aad(&key(k), v, &ctx(app_no, column)).map_err(|e| Error::Key(e.to_string()))
}

fn open_pii(k: &Kernel, app_no: &str, column: &str, v: &str) -> String {
    pii::open_with_aad(&key(k), v, &ctx(app_no, column)).unwrap_or_else(|_| "（无法解密）".into())
}

/// Keyed digest of the applicant's ID number: finds earlier applications
/// of the same applicant without storing the number in clear.
pub fn applicant_key(k: &Kernel, id_number: &str) -> String {
    tracking::keyed_hex(
        &k.keys.data,
        &[
            b"applicant",
            id_number.trim().to_ascii_uppercase().as_bytes(),
        ],
    )
}

fn code_hash(k: &Kernel, app_no: &str, code: &str) -> String {
    tracking::keyed_hex(
        &k.keys.data,
        &[b"query-code", app_no.as_bytes(), code.as_bytes()],
    )
}

fn opt_date(s: Option<String>) -> Result<Option<Date>> {
    s.as_deref().map(parse_date).transpose()
}

/// An application as staff see it (personal data opened or masked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    pub id: i64,
    pub app_no: String,
    pub channel: Channel,
    pub kind: ApplicantKind,
    pub name: String,
    pub id_type: String,
    pub id_number: String,
    pub legal_rep: Option<String>,
    pub contact: Option<String>,
    pub phone: String,
    pub email: Option<String>,
    pub address: Option<String>,
    pub description: String,
    pub doc_ref: Option<String>,
    pub purpose: Option<String>,
    pub provision_form: String,
    pub delivery: String,
    pub applicant_key: String,
    pub arrived_on: Date,
    pub received_on: Date,
    pub status: String,
    pub post_id: Option<i64>,
    pub division_id: Option<i64>,
    pub supplement_request: Option<String>,
    pub supplement_text: Option<String>,
    pub extension_reason: Option<String>,
    pub fee_method: Option<String>,
    pub fee_count: Option<i64>,
    pub fee_amount: Option<i64>,
    pub fee_calc: Option<String>,
    pub due_on: Date,
    pub paused: bool,
    pub outcome: Option<Outcome>,
    pub replied_on: Option<Date>,
    pub facts: ClockFacts,
}

impl Application {
    pub fn is_open(&self) -> bool {
        self.status == STATUS_OPEN
    }

    /// Masks ID number, phone and address for roles that do not need them.
    pub fn masked(mut self) -> Application {
        self.id_number = pii::mask_id_number(&self.id_number);
        self.phone = pii::mask_phone(&self.phone);
        self.address = self.address.as_deref().map(pii::mask_address);
        self.email = self.email.as_deref().map(pii::mask_email);
        self
    }
}

const APP_COLUMNS: &str = "id, app_no, channel, applicant_kind, applicant_name, id_type, id_number_sealed, \
     legal_rep, contact, phone_sealed, email, address_sealed, description, doc_ref, purpose, \
     provision_form, delivery, applicant_key, arrived_on, received_on, status, post_id, division_id, \
     supplement_on, supplement_deadline, supplement_request, supplement_received_on, supplement_text, \
     extension_days, extension_reason, fee_method, fee_count, fee_amount, fee_calc, due_on, paused, \
     outcome, replied_on";

async fn pauses_of(
    conn: &mut sqlx::AnyConnection,
    be: yangguang_kernel::db::Backend,
    id: i64,
) -> Result<Vec<(i64, ClockPause, String)>> {
    let rows = query(
        be,
        "SELECT id, kind, from_on, to_on, limit_on, party FROM ysq_pauses WHERE app_id = ? ORDER BY id",
    )
    .bind(id)
    .fetch_all(conn)
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        let kind: String = r.try_get(1)?;
        out.push((
            r.try_get(0)?,
            ClockPause {
                kind: PauseKind::parse(&kind).unwrap_or(PauseKind::OtherAgency),
                from: parse_date(&r.try_get::<String, _>(2)?)?,
                to: opt_date(r.try_get(3)?)?,
                limit: parse_date(&r.try_get::<String, _>(4)?)?,
            },
            r.try_get(5)?,
        ));
    }
    Ok(out)
}

fn app_from_row(k: &Kernel, r: &sqlx::any::AnyRow, pauses: Vec<ClockPause>) -> Result<Application> {
    let app_no: String = r.try_get(1)?;
    let channel: String = r.try_get(2)?;
    let kind: String = r.try_get(3)?;
    let received_on = parse_date(&r.try_get::<String, _>(19)?)?;
    let supplement_on = opt_date(r.try_get(23)?)?;
    let supplement_deadline = opt_date(r.try_get(24)?)?;
    let outcome: Option<String> = r.try_get(36)?;
    let address: Option<String> = r.try_get(11)?;
    let facts = ClockFacts {
        received: received_on,
        supplement_requested: supplement_on.zip(supplement_deadline),
        supplement_received: opt_date(r.try_get(26)?)?,
        pauses,
        extension: u32::try_from(r.try_get::<i64, _>(28)?).unwrap_or(0),
    };
    Ok(Application {
        id: r.try_get(0)?,
        channel: Channel::parse(&channel).unwrap_or(Channel::Online),
        kind: ApplicantKind::parse(&kind).unwrap_or(ApplicantKind::Natural),
        name: r.try_get(4)?,
        id_type: r.try_get(5)?,
        id_number: open_pii(k, &app_no, "id_number", &r.try_get::<String, _>(6)?),
        legal_rep: r.try_get(7)?,
        contact: r.try_get(8)?,
        phone: open_pii(k, &app_no, "phone", &r.try_get::<String, _>(9)?),
        email: r.try_get(10)?,
        address: address.map(|a| open_pii(k, &app_no, "address", &a)),
        description: r.try_get(12)?,
        doc_ref: r.try_get(13)?,
        purpose: r.try_get(14)?,
        provision_form: r.try_get(15)?,
        delivery: r.try_get(16)?,
        applicant_key: r.try_get(17)?,
        arrived_on: parse_date(&r.try_get::<String, _>(18)?)?,
        received_on,
        status: r.try_get(20)?,
        post_id: r.try_get(21)?,
        division_id: r.try_get(22)?,
        supplement_request: r.try_get(25)?,
        supplement_text: r.try_get(27)?,
        extension_reason: r.try_get(29)?,
        fee_method: r.try_get(30)?,
        fee_count: r.try_get(31)?,
        fee_amount: r.try_get(32)?,
        fee_calc: r.try_get(33)?,
        due_on: parse_date(&r.try_get::<String, _>(34)?)?,
        paused: r.try_get::<i64, _>(35)? != 0,
        outcome: outcome.as_deref().and_then(Outcome::parse),
        replied_on: opt_date(r.try_get(37)?)?,
        facts,
        app_no,
    })
}

/// Reads an application inside a transaction (for a state change).
async fn load_tx(k: &Kernel, tx: &mut WriteTx, id: i64) -> Result<Application> {
    let be = tx.backend();
    let sql = format!("SELECT {APP_COLUMNS} FROM ysq_applications WHERE id = ?");
    let row = yangguang_kernel::db::query_dyn(be, sql)
        .bind(id)
        .fetch_optional(tx.conn())
        .await?
        .ok_or_else(|| Error::NotFound(format!("依申请公开申请 {id} 不存在")))?;
    let pauses = pauses_of(tx.conn(), be, id)
        .await?
        .into_iter()
        .map(|p| p.1)
        .collect();
    app_from_row(k, &row, pauses)
}

pub async fn get(k: &Kernel, id: i64) -> Result<Application> {
    let be = k.db.backend();
    let sql = format!("SELECT {APP_COLUMNS} FROM ysq_applications WHERE id = ?");
    let row = yangguang_kernel::db::query_dyn(be, sql)
        .bind(id)
        .fetch_optional(k.db.pool())
        .await?
        .ok_or_else(|| Error::NotFound(format!("依申请公开申请 {id} 不存在")))?;
    let mut conn = k.db.pool().acquire().await?;
    let pauses = pauses_of(&mut conn, be, id)
        .await?
        .into_iter()
        .map(|p| p.1)
        .collect();
    app_from_row(k, &row, pauses)
}

/// The pauses with their ids and the consulted party (internal).
pub async fn pauses(k: &Kernel, id: i64) -> Result<Vec<(i64, ClockPause, String)>> {
    let mut conn = k.db.pool().acquire().await?;
    pauses_of(&mut conn, k.db.backend(), id).await
}

/// Finds an application by number and query code; `None` for any wrong
/// pair (the caller shows one message whatever was wrong).
pub async fn find_by_code(k: &Kernel, app_no: &str, code: &str) -> Result<Option<Application>> {
    let (Some((year, seq)), Some(code)) = (
        rules::parse_app_no(app_no),
        rules::normalise_query_code(code),
    ) else {
        return Ok(None);
    };
    let no = rules::format_app_no(year, seq);
    let row = query(
        k.db.backend(),
        "SELECT id, code_hash FROM ysq_applications WHERE app_no = ?",
    )
    .bind(no.clone())
    .fetch_optional(k.db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let stored: String = row.try_get(1)?;
    let given = code_hash(k, &no, &code);
    if !tracking::same_digest(&stored, &given) {
        return Ok(None);
    }
    Ok(Some(get(k, row.try_get(0)?).await?))
}

/// Appends a timeline line; `public` lines are what the applicant sees.
#[allow(clippy::too_many_arguments)]
pub async fn event(
    tx: &mut WriteTx,
    app_id: i64,
    now: OffsetDateTime,
    on: Date,
    kind: &str,
    actor: &Actor,
    public: bool,
    text: &str,
) -> Result<()> {
    let who = match &actor.acting_for {
        Some(a) => format!("{}（代{}）", actor.user, a),
        None => actor.user.clone(),
    };
    query(
        tx.backend(),
        "INSERT INTO ysq_events (app_id, at, on_date, kind, actor, public, text) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(app_id)
    .bind(rfc3339(now))
    .bind(fmt_date(on))
    .bind(kind.to_string())
    .bind(who)
    .bind(i64::from(public))
    .bind(text.to_string())
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn audit_app(
    k: &Kernel,
    tx: &mut WriteTx,
    actor: &Actor,
    now: OffsetDateTime,
    event_type: &str,
    app_no: &str,
    detail: serde_json::Value,
) -> Result<()> {
    audit::success(
        tx,
        &k.keys,
        now,
        actor,
        event_type,
        &format!("ysq:{app_no}"),
        detail,
    )
    .await?;
    Ok(())
}

/// Recomputes and stores the due date and the paused flag.
async fn refresh_clock(k: &Kernel, tx: &mut WriteTx, id: i64, today: Date) -> Result<Application> {
    let app = load_tx(k, tx, id).await?;
    let d = rules::due(&k.calendar(), &app.facts, today)?;
    let paused = d.open_pause.is_some();
    query(
        tx.backend(),
        "UPDATE ysq_applications SET due_on = ?, paused = ?, provisional = ? WHERE id = ?",
    )
    .bind(fmt_date(d.due))
    .bind(i64::from(paused))
    .bind(i64::from(d.provisional))
    .bind(id)
    .execute(tx.conn())
    .await?;
    Ok(Application {
        due_on: d.due,
        paused,
        ..app
    })
}

/// How an application arrived and when it counts as received.
#[derive(Debug, Clone, Copy)]
pub struct Arrival {
    pub channel: Channel,
    pub evidence: rules::ReceiptEvidence,
}

/// The receipt given back to the applicant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub id: i64,
    pub app_no: String,
    pub query_code: String,
    pub received_on: Date,
    pub due_on: Date,
}

/// Stores a valid application (online submission or staff registration):
/// number, query code, sealed personal data, first timeline line, audit.
pub async fn submit(
    k: &Kernel,
    app: &NewApplication,
    arrival: Arrival,
    actor: &Actor,
    now: OffsetDateTime,
) -> Result<Receipt> {
    let today = today_cst(now);
    let received = rules::receipt_date(arrival.channel, arrival.evidence, today)?;
    let cal = k.calendar();
    let facts = ClockFacts {
        received,
        supplement_requested: None,
        supplement_received: None,
        pauses: Vec::new(),
        extension: 0,
    };
    let first = rules::due(&cal, &facts, today)?;
    let due = first.due;
    let code = tracking::new_query_code()?;
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    let year = received.year();
    let seq = numbering::next(&mut tx, APP_SEQ, year).await?;
    let app_no = rules::format_app_no(year, seq);
    let id_sealed = seal(k, &app_no, "id_number", &app.id_number)?;
    let phone_sealed = seal(k, &app_no, "phone", &app.phone)?;
    let address_sealed = app
        .address
        .as_deref()
        .map(|a| seal(k, &app_no, "address", a))
        .transpose()?;
    let at = rfc3339(now);
    let id: i64 = query_scalar(
        be,
        "INSERT INTO ysq_applications (app_no, year, code_hash, channel, applicant_kind, applicant_name, id_type, \
         id_number_sealed, legal_rep, contact, phone_sealed, email, address_sealed, description, doc_ref, purpose, \
         provision_form, delivery, applicant_key, arrived_on, received_on, status, due_on, paused, provisional, \
         created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?) \
         RETURNING id",
    )
    .bind(app_no.clone())
    .bind(i64::from(year))
    .bind(code_hash(k, &app_no, &code))
    .bind(arrival.channel.code())
    .bind(app.kind.code())
    .bind(app.name.clone())
    .bind(app.id_type.clone())
    .bind(id_sealed)
    .bind(app.legal_rep.clone())
    .bind(app.contact.clone())
    .bind(phone_sealed)
    .bind(app.email.clone())
    .bind(address_sealed)
    .bind(app.description.clone())
    .bind(app.doc_ref.clone())
    .bind(app.purpose.clone())
    .bind(app.provision_form.clone())
    .bind(app.delivery.clone())
    .bind(applicant_key(k, &app.id_number))
    .bind(fmt_date(arrival.evidence.arrived))
    .bind(fmt_date(received))
    .bind(STATUS_OPEN)
    .bind(fmt_date(due))
    .bind(i64::from(first.provisional))
    .bind(actor.user.clone())
    .bind(at.clone())
    .bind(at)
    .fetch_one(tx.conn())
    .await?;
    let text = format!(
        "收到申请（{}；{}）",
        arrival.channel.label(),
        arrival.channel.receipt_rule()
    );
    event(&mut tx, id, now, received, "received", actor, true, &text).await?;
    audit_app(
        k,
        &mut tx,
        actor,
        now,
        "request.received",
        &app_no,
        serde_json::json!({"channel": arrival.channel.code(), "received_on": fmt_date(received)}),
    )
    .await?;
    tx.commit().await?;
    Ok(Receipt {
        id,
        app_no,
        query_code: code,
        received_on: received,
        due_on: due,
    })
}

fn need_open(app: &Application) -> Result<()> {
    if !app.is_open() {
        return Err(Error::Conflict(format!(
            "申请 {} 已办结，不能再办理",
            app.app_no
        )));
    }
    Ok(())
}

fn not_future(on: Date, today: Date, what: &str) -> Result<()> {
    if on > today {
        return Err(Error::invalid(
            "date_in_future",
            format!("{what}{}晚于今天", fmt_date(on)),
        ));
    }
    Ok(())
}

/// Assigns the application to a handling post (the post's A holder, or B
/// while A is away, handles it).
pub async fn assign(
    k: &Kernel,
    id: i64,
    post_id: i64,
    actor: &Actor,
    now: OffsetDateTime,
) -> Result<()> {
    let mut tx = k.db.begin().await?;
    let app = load_tx(k, &mut tx, id).await?;
    need_open(&app)?;
    let be = tx.backend();
    let post = query(be, "SELECT p.name, p.division_id, d.name FROM posts p LEFT JOIN divisions d ON d.id = p.division_id WHERE p.id = ?")
        .bind(post_id)
        .fetch_optional(tx.conn())
        .await?
        .ok_or_else(|| Error::invalid("invalid_post", "请选择承办岗位"))?;
    let name: String = post.try_get(0)?;
    let division_id: Option<i64> = post.try_get(1)?;
    let division: Option<String> = post.try_get(2)?;
    query(
        be,
        "UPDATE ysq_applications SET post_id = ?, division_id = ?, updated_at = ? WHERE id = ?",
    )
    .bind(post_id)
    .bind(division_id)
    .bind(rfc3339(now))
    .bind(id)
    .execute(tx.conn())
    .await?;
    let text = format!("分办至{}{}", division.unwrap_or_default(), name);
    event(
        &mut tx,
        id,
        now,
        today_cst(now),
        "assigned",
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
        "request.assigned",
        &app.app_no,
        serde_json::json!({"post_id": post_id}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Art 30: the one-time supplement notice.
pub async fn request_supplement(
    k: &Kernel,
    id: i64,
    on: Date,
    period: u32,
    what: &str,
    actor: &Actor,
    now: OffsetDateTime,
) -> Result<Date> {
    let what = crate::model::long_text("需要补正的内容", what, 1000, true)?.unwrap_or_default();
    let mut tx = k.db.begin().await?;
    let app = load_tx(k, &mut tx, id).await?;
    need_open(&app)?;
    not_future(on, today_cst(now), "补正告知日期")?;
    let deadline = rules::check_supplement_request(&k.calendar(), &app.facts, on, period)?;
    query(tx.backend(), "UPDATE ysq_applications SET supplement_on = ?, supplement_deadline = ?, supplement_request = ?, updated_at = ? WHERE id = ?")
        .bind(fmt_date(on))
        .bind(fmt_date(deadline))
        .bind(what.clone())
        .bind(rfc3339(now))
        .bind(id)
        .execute(tx.conn())
        .await?;
    let text = format!(
        "发出补正告知，请于{}前补正；答复期限自收到补正之日起重新计算",
        fmt_date(deadline)
    );
    event(
        &mut tx,
        id,
        now,
        on,
        "supplement_requested",
        actor,
        true,
        &text,
    )
    .await?;
    refresh_clock(k, &mut tx, id, today_cst(now)).await?;
    audit_app(
        k,
        &mut tx,
        actor,
        now,
        "request.supplement_requested",
        &app.app_no,
        serde_json::json!({"on": fmt_date(on), "deadline": fmt_date(deadline)}),
    )
    .await?;
    tx.commit().await?;
    Ok(deadline)
}

/// The supplement received (online from the applicant, or registered by
/// staff): the clock restarts from `on`.
pub async fn receive_supplement(
    k: &Kernel,
    id: i64,
    on: Date,
    text: &str,
    actor: &Actor,
    now: OffsetDateTime,
) -> Result<Date> {
    let text = crate::model::long_text("补正内容", text, 2000, true)?.unwrap_or_default();
    let mut tx = k.db.begin().await?;
    let app = load_tx(k, &mut tx, id).await?;
    need_open(&app)?;
    let Some((asked, deadline)) = app.facts.supplement_requested else {
        return Err(Error::Conflict("本申请没有待补正的告知".into()));
    };
    if app.facts.supplement_received.is_some() {
        return Err(Error::Conflict("补正材料已经收到，不能重复提交".into()));
    }
    not_future(on, today_cst(now), "收到补正日期")?;
    if on < asked {
        return Err(Error::invalid(
            "date_before_notice",
            format!(
                "收到补正日期{}早于补正告知日期{}",
                fmt_date(on),
                fmt_date(asked)
            ),
        ));
    }
    if on > deadline {
        return Err(Error::invalid(
            "supplement_late",
            format!("补正期限已于{}届满", fmt_date(deadline)),
        ));
    }
    query(tx.backend(), "UPDATE ysq_applications SET supplement_received_on = ?, supplement_text = ?, updated_at = ? WHERE id = ?")
        .bind(fmt_date(on))
        .bind(text)
        .bind(rfc3339(now))
        .bind(id)
        .execute(tx.conn())
        .await?;
    let app2 = refresh_clock(k, &mut tx, id, today_cst(now)).await?;
    let line = format!(
        "收到补正材料，答复期限自{}重新计算，至{}",
        fmt_date(on),
        fmt_date(app2.due_on)
    );
    event(
        &mut tx,
        id,
        now,
        on,
        "supplement_received",
        actor,
        true,
        &line,
    )
    .await?;
    audit_app(
        k,
        &mut tx,
        actor,
        now,
        "request.supplement_received",
        &app.app_no,
        serde_json::json!({"on": fmt_date(on)}),
    )
    .await?;
    tx.commit().await?;
    Ok(app2.due_on)
}

/// Starts a pause: third-party or other-agency consultation (Art 32, 34)
/// or a fee notice (see [`crate::fee_store`]).
pub async fn start_pause(
    k: &Kernel,
    id: i64,
    kind: PauseKind,
    party: &str,
    from: Date,
    actor: &Actor,
    now: OffsetDateTime,
) -> Result<Date> {
    let party = yangguang_kernel::text::required("征求意见对象", party, 100)?;
    let mut tx = k.db.begin().await?;
    let limit = start_pause_tx(k, &mut tx, id, kind, &party, from, actor, now).await?;
    tx.commit().await?;
    Ok(limit)
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn start_pause_tx(
    k: &Kernel,
    tx: &mut WriteTx,
    id: i64,
    kind: PauseKind,
    party: &str,
    from: Date,
    actor: &Actor,
    now: OffsetDateTime,
) -> Result<Date> {
    let app = load_tx(k, tx, id).await?;
    need_open(&app)?;
    not_future(from, today_cst(now), "开始日期")?;
    let fee_days = settings::load(k).await?.fee_pay_days;
    let limit = rules::check_pause_start(&k.calendar(), &app.facts, kind, from, fee_days)?;
    query(tx.backend(), "INSERT INTO ysq_pauses (app_id, kind, party, from_on, to_on, limit_on, created_by) VALUES (?, ?, ?, ?, NULL, ?, ?)")
        .bind(id)
        .bind(kind.code())
        .bind(party.to_string())
        .bind(fmt_date(from))
        .bind(fmt_date(limit))
        .bind(actor.user.clone())
        .execute(tx.conn())
        .await?;
    let public = match kind {
        PauseKind::Fee => format!(
            "发出收费通知，请于{}前缴纳；缴费期间不计入答复期限",
            fmt_date(limit)
        ),
        _ => "依法征求意见，征求意见期间不计入答复期限".to_string(),
    };
    event(
        tx,
        id,
        now,
        from,
        &format!("pause_{}", kind.code()),
        actor,
        true,
        &public,
    )
    .await?;
    if kind != PauseKind::Fee {
        let internal = format!("{}：{}（期限至{}）", kind.label(), party, fmt_date(limit));
        event(tx, id, now, from, "consult_party", actor, false, &internal).await?;
    }
    refresh_clock(k, tx, id, today_cst(now)).await?;
    audit_app(
        k,
        tx,
        actor,
        now,
        "request.pause_started",
        &app.app_no,
        serde_json::json!({"kind": kind.code(), "from": fmt_date(from)}),
    )
    .await?;
    Ok(limit)
}

/// Ends a pause: the answer (with the internal opinion) or the payment.
pub async fn end_pause(
    k: &Kernel,
    id: i64,
    pause_id: i64,
    to: Date,
    opinion: &str,
    actor: &Actor,
    now: OffsetDateTime,
) -> Result<Date> {
    let opinion = crate::model::long_text("意见", opinion, 2000, false)?;
    let mut tx = k.db.begin().await?;
    let app = load_tx(k, &mut tx, id).await?;
    need_open(&app)?;
    let be = tx.backend();
    let all = pauses_of(tx.conn(), be, id).await?;
    let (_, p, _) = all
        .into_iter()
        .find(|(pid, _, _)| *pid == pause_id)
        .ok_or_else(|| Error::NotFound(format!("中止记录 {pause_id} 不存在")))?;
    if p.to.is_some() {
        return Err(Error::Conflict("该中止已经结束".into()));
    }
    rules::check_pause_end(&p, to)?;
    not_future(to, today_cst(now), "结束日期")?;
    if p.kind == PauseKind::Fee && to > p.limit {
        return Err(Error::invalid(
            "fee_late",
            format!("缴费期限已于{}届满", fmt_date(p.limit)),
        ));
    }
    query(
        be,
        "UPDATE ysq_pauses SET to_on = ?, opinion = ? WHERE id = ?",
    )
    .bind(fmt_date(to))
    .bind(opinion)
    .bind(pause_id)
    .execute(tx.conn())
    .await?;
    let app2 = refresh_clock(k, &mut tx, id, today_cst(now)).await?;
    let text = match p.kind {
        PauseKind::Fee => format!(
            "收到信息处理费，答复期限恢复计算，至{}",
            fmt_date(app2.due_on)
        ),
        _ => format!(
            "征求意见结束，答复期限恢复计算，至{}",
            fmt_date(app2.due_on)
        ),
    };
    event(&mut tx, id, now, to, "pause_ended", actor, true, &text).await?;
    audit_app(
        k,
        &mut tx,
        actor,
        now,
        "request.pause_ended",
        &app.app_no,
        serde_json::json!({"pause_id": pause_id, "to": fmt_date(to)}),
    )
    .await?;
    tx.commit().await?;
    Ok(app2.due_on)
}

/// Art 33: one extension, approved by the head of the disclosure office.
#[allow(clippy::too_many_arguments)]
pub async fn extend(
    k: &Kernel,
    id: i64,
    days: u32,
    reason: &str,
    approved_by: &str,
    actor: &Actor,
    now: OffsetDateTime,
) -> Result<Date> {
    let reason = crate::model::long_text("延长理由", reason, 500, true)?.unwrap_or_default();
    let approved_by =
        yangguang_kernel::text::required("批准人（公开工作机构负责人）", approved_by, 50)?;
    let mut tx = k.db.begin().await?;
    let app = load_tx(k, &mut tx, id).await?;
    need_open(&app)?;
    rules::check_extension(&app.facts, days)?;
    query(tx.backend(), "UPDATE ysq_applications SET extension_days = ?, extension_reason = ?, extension_approved_by = ?, updated_at = ? WHERE id = ?")
        .bind(i64::from(days))
        .bind(reason.clone())
        .bind(approved_by.clone())
        .bind(rfc3339(now))
        .bind(id)
        .execute(tx.conn())
        .await?;
    let app2 = refresh_clock(k, &mut tx, id, today_cst(now)).await?;
    let text = format!(
        "经政府信息公开工作机构负责人同意，答复期限延长{days}个工作日，至{}（延期告知已送达申请人）",
        fmt_date(app2.due_on)
    );
    event(
        &mut tx,
        id,
        now,
        today_cst(now),
        "extended",
        actor,
        true,
        &text,
    )
    .await?;
    event(
        &mut tx,
        id,
        now,
        today_cst(now),
        "extension_reason",
        actor,
        false,
        &format!("延长理由：{reason}；批准人：{approved_by}"),
    )
    .await?;
    audit_app(
        k,
        &mut tx,
        actor,
        now,
        "request.extended",
        &app.app_no,
        serde_json::json!({"days": days, "approved_by": approved_by}),
    )
    .await?;
    tx.commit().await?;
    Ok(app2.due_on)
}

/// A timeline line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineLine {
    pub on: Date,
    pub kind: String,
    pub actor: String,
    pub public: bool,
    pub text: String,
}

/// The timeline; `public_only` for the applicant's view.
pub async fn timeline(k: &Kernel, id: i64, public_only: bool) -> Result<Vec<TimelineLine>> {
    let rows = query(
        k.db.backend(),
        "SELECT on_date, kind, actor, public, text FROM ysq_events WHERE app_id = ? ORDER BY id",
    )
    .bind(id)
    .fetch_all(k.db.pool())
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        let public = r.try_get::<i64, _>(3)? != 0;
        if public_only && !public {
            continue;
        }
        out.push(TimelineLine {
            on: parse_date(&r.try_get::<String, _>(0)?)?,
            kind: r.try_get(1)?,
            actor: r.try_get(2)?,
            public,
            text: r.try_get(4)?,
        });
    }
    Ok(out)
}

/// A row of the staff inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxRow {
    pub id: i64,
    pub app_no: String,
    pub name: String,
    pub kind: ApplicantKind,
    pub received_on: Date,
    pub due_on: Date,
    pub paused: bool,
    pub post_id: Option<i64>,
    pub description: String,
    /// Working days left (negative: overdue); `None` while paused.
    pub days_left: Option<i64>,
}

impl InboxRow {
    pub fn near_due(&self) -> bool {
        self.days_left
            .is_some_and(|d| (0..=yangguang_kernel::clock::NEAR_DUE_WORKING_DAYS).contains(&d))
    }
    pub fn overdue(&self) -> bool {
        self.days_left.is_some_and(|d| d < 0)
    }
    /// Days left as the inbox shows them.
    pub fn days_label(&self) -> String {
        match self.days_left {
            None => "期限中止".into(),
            Some(d) if d < 0 => format!("已逾期 {} 个工作日", -d),
            Some(d) if d <= yangguang_kernel::clock::NEAR_DUE_WORKING_DAYS => {
                format!("临近到期：{d}")
            }
            Some(d) => d.to_string(),
        }
    }
}

/// Open applications by due date; `post_ids`: only those assigned to these
/// posts (a handler's inbox), `None` for the office's whole list.
pub async fn inbox(
    k: &Kernel,
    today: Date,
    post_ids: Option<&[i64]>,
    limit: i64,
) -> Result<Vec<InboxRow>> {
    // The post filter is a list of integers (never text), so it is
    // written into the SQL; an empty list matches nothing.
    let filter = match post_ids {
        None => String::new(),
        Some(ids) => format!(
            " AND post_id IN ({})",
            if ids.is_empty() {
                "-1".to_string()
            } else {
                ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
            }
        ),
    };
    let rows = yangguang_kernel::db::query_dyn(
        k.db.backend(),
        format!(
            "SELECT id, app_no, applicant_name, applicant_kind, received_on, due_on, paused, post_id, description \
             FROM ysq_applications WHERE status = 'open'{filter} ORDER BY paused, due_on, id LIMIT ?"
        ),
    )
    .bind(limit)
    .fetch_all(k.db.pool())
    .await?;
    let cal = k.calendar();
    let mut out = Vec::new();
    for r in &rows {
        let post_id: Option<i64> = r.try_get(7)?;
        if let Some(ids) = post_ids
            && !post_id.is_some_and(|p| ids.contains(&p))
        {
            continue;
        }
        let due_on = parse_date(&r.try_get::<String, _>(5)?)?;
        let paused = r.try_get::<i64, _>(6)? != 0;
        let days_left = (!paused).then(|| {
            if due_on >= today {
                i64::from(cal.working_days_after(today, due_on))
            } else {
                -i64::from(cal.working_days_after(due_on, today))
            }
        });
        let kind: String = r.try_get(3)?;
        out.push(InboxRow {
            id: r.try_get(0)?,
            app_no: r.try_get(1)?,
            name: r.try_get(2)?,
            kind: ApplicantKind::parse(&kind).unwrap_or(ApplicantKind::Natural),
            received_on: parse_date(&r.try_get::<String, _>(4)?)?,
            due_on,
            paused,
            post_id,
            description: r.try_get(8)?,
            days_left,
        });
    }
    Ok(out)
}

/// The overdue / near-due sweep: counts over every open running clock,
/// from the stored due dates (one indexed scan, no per-row queries).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sweep {
    pub open: i64,
    pub paused: i64,
    pub near_due: i64,
    pub overdue: i64,
}

pub async fn sweep(k: &Kernel, today: Date) -> Result<Sweep> {
    let rows = query(
        k.db.backend(),
        "SELECT due_on, COUNT(*) FROM ysq_applications WHERE status = 'open' AND paused = 0 GROUP BY due_on",
    )
    .fetch_all(k.db.pool())
    .await?;
    let paused: i64 = query_scalar(
        k.db.backend(),
        "SELECT COUNT(*) FROM ysq_applications WHERE status = 'open' AND paused = 1",
    )
    .fetch_one(k.db.pool())
    .await?;
    let cal = k.calendar();
    let mut s = Sweep {
        paused,
        open: paused,
        ..Sweep::default()
    };
    for r in &rows {
        let due = parse_date(&r.try_get::<String, _>(0)?)?;
        let n: i64 = r.try_get(1)?;
        s.open += n;
        if due < today {
            s.overdue += n;
        } else if i64::from(cal.working_days_after(today, due))
            <= yangguang_kernel::clock::NEAR_DUE_WORKING_DAYS
        {
            s.near_due += n;
        }
    }
    Ok(s)
}

/// Earlier applications of the same applicant (重复申请, Art 35).
pub async fn same_applicant(
    k: &Kernel,
    app: &Application,
) -> Result<Vec<(i64, String, Date, String, Option<Outcome>)>> {
    let rows = query(
        k.db.backend(),
        "SELECT id, app_no, received_on, description, outcome FROM ysq_applications \
         WHERE applicant_key = ? AND id <> ? ORDER BY received_on DESC, id DESC LIMIT 50",
    )
    .bind(app.applicant_key.clone())
    .bind(app.id)
    .fetch_all(k.db.pool())
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        let o: Option<String> = r.try_get(4)?;
        out.push((
            r.try_get(0)?,
            r.try_get(1)?,
            parse_date(&r.try_get::<String, _>(2)?)?,
            r.try_get(3)?,
            o.as_deref().and_then(Outcome::parse),
        ));
    }
    Ok(out)
}

/// Decided here: an applicant with 10 or more applications received in the
/// last 12 months (this one included) is flagged for Art 35 review.
pub const FREQUENT_APPLICANT: i64 = 10;

pub async fn applications_in_year_before(k: &Kernel, app: &Application) -> Result<i64> {
    let from = app.received_on - time::Duration::days(365);
    Ok(query_scalar(
        k.db.backend(),
        "SELECT COUNT(*) FROM ysq_applications WHERE applicant_key = ? AND received_on > ? AND received_on <= ?",
    )
    .bind(app.applicant_key.clone())
    .bind(fmt_date(from))
    .bind(fmt_date(app.received_on))
    .fetch_one(k.db.pool())
    .await?)
}

/// Consultations unanswered by their 15-working-day limit end on the limit
/// (Art 32: the agency decides; Art 34: silence means consent), recorded
/// on the timeline, and the clock resumes. Returns how many ended.
pub async fn lapse_consultations(k: &Kernel, today: Date, now: OffsetDateTime) -> Result<usize> {
    let rows = query(
        k.db.backend(),
        "SELECT p.id, p.app_id, p.kind, p.limit_on FROM ysq_pauses p JOIN ysq_applications a ON a.id = p.app_id \
         WHERE a.status = 'open' AND p.to_on IS NULL AND p.kind <> 'fee' AND p.limit_on < ? ORDER BY p.id",
    )
    .bind(fmt_date(today))
    .fetch_all(k.db.pool())
    .await?;
    let actor = Actor::system();
    let mut n = 0;
    for r in &rows {
        let (pid, app_id): (i64, i64) = (r.try_get(0)?, r.try_get(1)?);
        let kind: String = r.try_get(2)?;
        let limit = parse_date(&r.try_get::<String, _>(3)?)?;
        let mut tx = k.db.begin().await?;
        let done = query(
            tx.backend(),
            "UPDATE ysq_pauses SET to_on = ?, opinion = ? WHERE id = ? AND to_on IS NULL",
        )
        .bind(fmt_date(limit))
        .bind("（期满未答复）")
        .bind(pid)
        .execute(tx.conn())
        .await?
        .rows_affected();
        if done == 0 {
            continue;
        }
        let app = refresh_clock(k, &mut tx, app_id, today).await?;
        let internal = if kind == PauseKind::ThirdParty.code() {
            "第三方逾期未提出意见，由本机关依法决定（第三十二条）"
        } else {
            "被征求意见机关逾期未提出意见，视为同意（第三十四条）"
        };
        event(
            &mut tx,
            app_id,
            now,
            limit,
            "consult_lapsed",
            &actor,
            false,
            internal,
        )
        .await?;
        let public = format!("征求意见期满，答复期限恢复计算，至{}", fmt_date(app.due_on));
        event(
            &mut tx,
            app_id,
            now,
            limit,
            "pause_ended",
            &actor,
            true,
            &public,
        )
        .await?;
        audit_app(
            k,
            &mut tx,
            &actor,
            now,
            "request.pause_lapsed",
            &app.app_no,
            serde_json::json!({"pause_id": pid, "to": fmt_date(limit)}),
        )
        .await?;
        tx.commit().await?;
        n += 1;
    }
    Ok(n)
}

/// An internal consultation of another division (its opinion is never
/// shown to the applicant; it does not stop the clock).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consult {
    pub id: i64,
    pub division: String,
    pub question: String,
    pub asked_on: Date,
    pub asked_by: String,
    pub opinion: Option<String>,
    pub answered_by: Option<String>,
}

pub async fn consult_division(
    k: &Kernel,
    id: i64,
    division_id: i64,
    question: &str,
    actor: &Actor,
    now: OffsetDateTime,
) -> Result<i64> {
    let question =
        crate::model::long_text("征求意见的事项", question, 1000, true)?.unwrap_or_default();
    let mut tx = k.db.begin().await?;
    let app = load_tx(k, &mut tx, id).await?;
    need_open(&app)?;
    let be = tx.backend();
    let name: String = query_scalar(be, "SELECT name FROM divisions WHERE id = ?")
        .bind(division_id)
        .fetch_optional(tx.conn())
        .await?
        .ok_or_else(|| Error::invalid("invalid_division", "请选择征求意见的处室"))?;
    let cid: i64 = query_scalar(
        be,
        "INSERT INTO ysq_consults (app_id, division_id, question, asked_on, asked_by) VALUES (?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(id)
    .bind(division_id)
    .bind(question)
    .bind(fmt_date(today_cst(now)))
    .bind(actor.user.clone())
    .fetch_one(tx.conn())
    .await?;
    event(
        &mut tx,
        id,
        now,
        today_cst(now),
        "division_consulted",
        actor,
        false,
        &format!("征求{name}意见"),
    )
    .await?;
    audit_app(
        k,
        &mut tx,
        actor,
        now,
        "request.division_consulted",
        &app.app_no,
        serde_json::json!({"division_id": division_id}),
    )
    .await?;
    tx.commit().await?;
    Ok(cid)
}

pub async fn answer_consult(
    k: &Kernel,
    id: i64,
    consult_id: i64,
    opinion: &str,
    actor: &Actor,
    now: OffsetDateTime,
) -> Result<()> {
    let opinion = crate::model::long_text("处室意见", opinion, 2000, true)?.unwrap_or_default();
    let mut tx = k.db.begin().await?;
    let app = load_tx(k, &mut tx, id).await?;
    need_open(&app)?;
    let n = query(
        tx.backend(),
        "UPDATE ysq_consults SET opinion = ?, answered_on = ?, answered_by = ? WHERE id = ? AND app_id = ? AND opinion IS NULL",
    )
    .bind(opinion)
    .bind(fmt_date(today_cst(now)))
    .bind(actor.user.clone())
    .bind(consult_id)
    .bind(id)
    .execute(tx.conn())
    .await?
    .rows_affected();
    if n == 0 {
        return Err(Error::Conflict("该征求意见不存在或已答复".into()));
    }
    event(
        &mut tx,
        id,
        now,
        today_cst(now),
        "division_answered",
        actor,
        false,
        "处室意见已提出",
    )
    .await?;
    audit_app(
        k,
        &mut tx,
        actor,
        now,
        "request.division_answered",
        &app.app_no,
        serde_json::json!({"consult_id": consult_id}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn consults(k: &Kernel, id: i64) -> Result<Vec<Consult>> {
    let rows = query(
        k.db.backend(),
        "SELECT c.id, d.name, c.question, c.asked_on, c.asked_by, c.opinion, c.answered_by FROM ysq_consults c \
         JOIN divisions d ON d.id = c.division_id WHERE c.app_id = ? ORDER BY c.id",
    )
    .bind(id)
    .fetch_all(k.db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Consult {
                id: r.try_get(0)?,
                division: r.try_get(1)?,
                question: r.try_get(2)?,
                asked_on: parse_date(&r.try_get::<String, _>(3)?)?,
                asked_by: r.try_get(4)?,
                opinion: r.try_get(5)?,
                answered_by: r.try_get(6)?,
            })
        })
        .collect()
}

/// Recomputes the due dates marked provisional (暂定): after the next
/// year's holiday arrangement is imported they become final (RULES.md §1).
/// Returns how many due dates changed.
pub async fn refresh_provisional(k: &Kernel, today: Date, now: OffsetDateTime) -> Result<usize> {
    let ids: Vec<i64> = query_scalar(
        k.db.backend(),
        "SELECT id FROM ysq_applications WHERE status = 'open' AND provisional = 1 ORDER BY id",
    )
    .fetch_all(k.db.pool())
    .await?;
    let mut changed = 0;
    for id in ids {
        let mut tx = k.db.begin().await?;
        let before = load_tx(k, &mut tx, id).await?;
        let after = refresh_clock(k, &mut tx, id, today).await?;
        if after.due_on != before.due_on {
            let text = format!(
                "节假日安排公布后重新计算，答复期限为{}",
                fmt_date(after.due_on)
            );
            event(
                &mut tx,
                id,
                now,
                today,
                "due_recomputed",
                &Actor::system(),
                true,
                &text,
            )
            .await?;
            changed += 1;
        }
        tx.commit().await?;
    }
    Ok(changed)
}
