//! A penalty decision with social impact is disclosed (行政处罚法 第四十八条):
//! completing the `disclose` step puts it into the 主动公开 pipeline as a
//! draft in 行政执法 › 行政处罚, through the disclosure module's public
//! `create_in`, in the step's transaction; the office reviews and
//! publishes it there. When the decision is changed or annulled, the case
//! records the withdrawal with its reason (within 3 working days) and the
//! published item is withdrawn through the disclosure module's act.

use time::{Date, OffsetDateTime};
use yangguang_disclosure::draft::Draft;
use yangguang_disclosure::model::{Action, Attribute, Status, Validity};
use yangguang_kernel::audit::Actor;
use yangguang_kernel::db::WriteTx;
use yangguang_kernel::timefmt::fmt_date;
use yangguang_kernel::{Error, Kernel, Result, org_store};

use crate::case::Facts;
use crate::case_store::Case;

/// 行政执法 › 行政处罚 in the catalog.
pub const CATEGORY: &str = "xzzf_cf";

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The disclosure draft of a decided penalty; its item id.
pub async fn to_disclosure(
    tx: &mut WriteTx,
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    c: &Case,
    f: &Facts,
) -> Result<i64> {
    let agency = org_store::main_agency(k)
        .await?
        .ok_or_else(|| Error::Conflict("尚未登记机关".into()))?;
    let decided = f
        .decided_on
        .ok_or_else(|| Error::invalid("not_decided", "尚未作出处罚决定，不能公开"))?;
    let basis: Vec<String> = c.item.content.basis.iter().map(|b| b.citation()).collect();
    let lines = [
        ("案件编号", c.case_no.clone()),
        ("当事人", c.party_masked.clone()),
        ("违法事实（案由）", c.subject.clone()),
        ("处罚依据", basis.join("；")),
        ("处罚决定", f.result.clone()),
        ("作出决定机关", agency.name.clone()),
        ("作出决定日期", fmt_date(decided)),
    ];
    let body_html: String = lines
        .iter()
        .map(|(k, v)| format!("<p><strong>{k}</strong>：{}</p>", escape(v)))
        .collect();
    let d = Draft {
        title: format!("{}行政处罚决定信息（{}）", agency.short_name, c.case_no),
        summary: yangguang_kernel::text::clip(&format!("{}：{}", c.subject, f.result), 100),
        category_code: CATEGORY.into(),
        genre: "行政处罚决定".into(),
        publisher: agency.name.clone(),
        written_on: decided,
        doc_no: String::new(),
        keywords: "行政处罚".into(),
        validity: Validity::Valid,
        attribute: Attribute::Proactive,
        ground: None,
        body_html,
        interprets_id: None,
    };
    yangguang_disclosure::store::create_in(tx, k, actor, now, None, &d).await
}

/// Records the withdrawal of a disclosed decision that was changed or
/// annulled on `changed_on`; the Chinese refusal when the law says no.
pub fn withdraw(
    f: &Facts,
    changed_on: Date,
    reason: &str,
    today: Date,
) -> std::result::Result<Facts, String> {
    if f.disclosed_on.is_none() {
        return Err("该处罚决定未公开，无需撤回".into());
    }
    if f.withdrawn_on.is_some() {
        return Err("该处罚决定信息已经撤回".into());
    }
    if reason.trim().is_empty() {
        return Err(
            "请写明撤回理由（决定被变更、撤销、确认违法或者确认无效的情况），理由将一并公开".into(),
        );
    }
    if changed_on > today || f.decided_on.is_some_and(|d| changed_on < d) {
        return Err(format!(
            "决定变更或撤销的日期{changed_on}应在作出决定之后、不晚于今日"
        ));
    }
    let mut f = f.clone();
    f.withdrawn_on = Some(today);
    f.withdrawn_reason = reason.trim().to_string();
    f.changed_on = Some(changed_on);
    Ok(f)
}

/// Withdraws the published catalog item, if it was published, in the
/// case's transaction (the case's record and the public item change
/// together or not at all).
pub async fn withdraw_item_in(
    tx: &mut WriteTx,
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    item_id: i64,
    reason: &str,
) -> Result<()> {
    let it = yangguang_disclosure::store::item(k, item_id).await?;
    if it.status == Status::Published {
        yangguang_disclosure::store::act_in(
            tx,
            k,
            actor,
            now,
            item_id,
            &Action::Withdraw {
                reason: format!("行政处罚决定被变更或撤销，依法撤回：{}", reason.trim()),
            },
            None,
        )
        .await?;
    }
    Ok(())
}
