//! The office's settings for requests (kernel `settings` table, keys
//! `requests.*`): the review body and court named in reply letters, the
//! letter number prefix and the fee payment period.

use time::OffsetDateTime;
use yangguang_kernel::audit::Actor;
use yangguang_kernel::db::query;
use yangguang_kernel::{Error, Kernel, Result, org_store};

use crate::rules::DEFAULT_FEE_PAY_WORKING_DAYS;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub agency_name: String,
    /// 本级人民政府 (行政复议法 2023 Art 24).
    pub review_body: String,
    pub court: String,
    /// Letter numbers: prefix + 〔year〕 + n + 号.
    pub letter_prefix: String,
    pub fee_pay_days: u32,
    pub office_address: String,
    pub office_phone: String,
}

const KEYS: [&str; 4] = [
    "requests.review_body",
    "requests.court",
    "requests.letter_prefix",
    "requests.fee_pay_days",
];

pub async fn load(k: &Kernel) -> Result<Settings> {
    let agency = org_store::main_agency(k).await?;
    let (name, prefix, address, phone) = agency
        .map(|a| (a.name, a.doc_prefix, a.address, a.phone))
        .unwrap_or_else(|| ("本机关".into(), "".into(), "".into(), "".into()));
    let mut s = Settings {
        agency_name: name,
        review_body: "本级人民政府".into(),
        court: "有管辖权的人民法院".into(),
        letter_prefix: format!("{prefix}依申复"),
        fee_pay_days: DEFAULT_FEE_PAY_WORKING_DAYS,
        office_address: address,
        office_phone: phone,
    };
    let rows = query(
        k.db.backend(),
        "SELECT key, value FROM settings WHERE key LIKE 'requests.%'",
    )
    .fetch_all(k.db.pool())
    .await?;
    for r in &rows {
        use sqlx::Row;
        let key: String = r.try_get(0)?;
        let v: String = r.try_get(1)?;
        match key.as_str() {
            "requests.review_body" => s.review_body = v,
            "requests.court" => s.court = v,
            "requests.letter_prefix" => s.letter_prefix = v,
            "requests.fee_pay_days" => s.fee_pay_days = v.parse().unwrap_or(s.fee_pay_days),
            _ => {}
        }
    }
    Ok(s)
}

/// Saves the settings the office edits (validated first).
pub async fn save(
    k: &Kernel,
    actor: &Actor,
    now: OffsetDateTime,
    review_body: &str,
    court: &str,
    letter_prefix: &str,
    fee_pay_days: &str,
) -> Result<()> {
    use yangguang_kernel::text::required;
    let review_body = required("行政复议机关", review_body, 60)?;
    let court = required("管辖法院", court, 60)?;
    let letter_prefix = required("告知书编号前缀", letter_prefix, 20)?;
    let days: u32 = fee_pay_days
        .trim()
        .parse()
        .ok()
        .filter(|d| (1..=60).contains(d))
        .ok_or_else(|| Error::invalid("invalid_fee_days", "缴费期限应为1至60个工作日"))?;
    let values = [review_body, court, letter_prefix, days.to_string()];
    let mut tx = k.db.begin().await?;
    for (key, v) in KEYS.iter().zip(values.iter()) {
        yangguang_kernel::settings::put_in(&mut tx, now, key, v).await?;
    }
    yangguang_kernel::audit::append(
        &mut tx,
        &k.keys,
        now,
        yangguang_kernel::audit::Event {
            actor,
            event_type: "request.settings",
            object: "settings:requests",
            outcome: yangguang_kernel::audit::Outcome::Success,
            detail: serde_json::json!({"values": values}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
