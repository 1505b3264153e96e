//! An issued document marked for 主动公开 goes into the disclosure
//! pipeline as a draft (文号, 成文日期, 发布机构 filled in), through the
//! disclosure module's public `create_in`, in the same transaction.

use time::OffsetDateTime;
use yangguang_disclosure::draft::Draft;
use yangguang_disclosure::model::{Attribute, Validity};
use yangguang_kernel::audit::Actor;
use yangguang_kernel::db::{WriteTx, query};
use yangguang_kernel::text::clip;
use yangguang_kernel::timefmt::parse_date;
use yangguang_kernel::{Error, Kernel, Result, org_store};

use crate::model::Doc;

/// 政策文件 › 部门文件: where the bureau's own documents are catalogued.
pub const CATEGORY: &str = "zcwj_bmwj";

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The 文种 named at the end of a title (GB/T 9704 titles end with it).
fn genre_of(title: &str) -> &'static str {
    const KINDS: [&str; 10] = [
        "通知", "通报", "意见", "决定", "报告", "请示", "批复", "函", "方案", "办法",
    ];
    KINDS
        .into_iter()
        .filter_map(|k| title.rfind(k).map(|i| (i, k)))
        .max_by_key(|(i, _)| *i)
        .map(|(_, k)| k)
        .unwrap_or("公文")
}

/// The disclosure item id of the new draft.
pub(crate) async fn to_disclosure(
    tx: &mut WriteTx,
    k: &Kernel,
    now: OffsetDateTime,
    actor: &Actor,
    doc: &Doc,
) -> Result<i64> {
    let body: String = {
        let r = query(
            tx.backend(),
            "SELECT body FROM docflow_versions WHERE doc_id = ? ORDER BY no DESC LIMIT 1",
        )
        .bind(doc.id)
        .fetch_one(tx.conn())
        .await?;
        crate::store::s(&r, 0)?
    };
    let agency = org_store::main_agency(k)
        .await?
        .ok_or_else(|| Error::Conflict("尚未登记机关".into()))?;
    let written_on = doc
        .signed_on
        .as_deref()
        .map(parse_date)
        .transpose()?
        .ok_or_else(|| Error::Internal("docflow: issued without signing date".into()))?;
    let body_html: String = body
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| format!("<p>{}</p>", escape(l)))
        .collect();
    let d = Draft {
        title: doc.title.clone(),
        summary: clip(&body.replace('\n', " "), 100),
        category_code: CATEGORY.into(),
        genre: genre_of(&doc.title).into(),
        publisher: agency.name.clone(),
        written_on,
        doc_no: doc.doc_no.clone().unwrap_or_default(),
        keywords: String::new(),
        validity: Validity::Valid,
        attribute: Attribute::Proactive,
        ground: None,
        body_html: if body_html.is_empty() {
            format!("<p>{}</p>", escape(&doc.title))
        } else {
            body_html
        },
        interprets_id: None,
    };
    yangguang_disclosure::store::create_in(tx, k, actor, now, doc.lead_division_id, &d).await
}
