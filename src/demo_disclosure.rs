//! The demo's disclosure content: the five seed documents published by the
//! bureau, items standing at every step of the pipeline, an
//! interpretation, a withdrawn and a repealed item, and — when the law
//! corpus is at hand — every law as one item under a second publisher.

use std::path::{Path, PathBuf};

use time::OffsetDateTime;
use yangguang_disclosure::draft::Draft;
use yangguang_disclosure::model::{Action, Attribute, SECRECY_CHECKS, Validity};
use yangguang_disclosure::{import, store};
use yangguang_kernel::audit::Actor;
use yangguang_kernel::timefmt::today_cst;
use yangguang_kernel::{Error, Kernel, Result};

/// The seed documents shipped with the project.
const SEED_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/seed-documents");
/// The law corpus beside the checkout, used when `--laws` is not given.
const SHARED_LAWS: &str = "../shared/data/laws";
pub const LAW_PUBLISHER: &str = "法律法规汇编（演示）";

/// `--laws DIR`, `--laws none`, or the shared corpus when present.
pub fn laws_dir(arg: Option<PathBuf>) -> Result<Option<PathBuf>> {
    match arg {
        Some(p) if p.as_os_str() == "none" => Ok(None),
        Some(p) => {
            if p.join("index.csv").is_file() {
                Ok(Some(p))
            } else {
                Err(Error::invalid(
                    "no_laws",
                    format!(
                        "{} 中没有 index.csv（格式见 shared/data/laws）",
                        p.display()
                    ),
                ))
            }
        }
        None => Ok(Some(PathBuf::from(SHARED_LAWS)).filter(|p| p.join("index.csv").is_file())),
    }
}

fn confirmed() -> Vec<String> {
    SECRECY_CHECKS.iter().map(|(c, _)| c.to_string()).collect()
}

fn draft(title: &str, category: &str, genre: &str, body: &str, today: time::Date) -> Draft {
    Draft {
        title: title.into(),
        summary: yangguang_kernel::text::clip(body, 80),
        category_code: category.into(),
        genre: genre.into(),
        publisher: "苏州市安全生产监督管理局".into(),
        written_on: today,
        doc_no: String::new(),
        keywords: String::new(),
        validity: Validity::Valid,
        attribute: Attribute::Proactive,
        ground: None,
        body_html: yangguang_disclosure::text::paragraphs(body),
        interprets_id: None,
    }
}

async fn advance(k: &Kernel, now: OffsetDateTime, id: i64, steps: &[Action]) -> Result<()> {
    for a in steps {
        store::act(k, &Actor::system(), now, id, a, None).await?;
    }
    Ok(())
}

pub async fn seed(k: &Kernel, now: OffsetDateTime, laws: Option<&Path>) -> Result<()> {
    let today = today_cst(now);
    let system = Actor::system();
    let rows = import::read_folder(k, Path::new(SEED_DIR), "", today).await?;
    let mut ids = Vec::new();
    for r in &rows {
        ids.push(import::publish(k, &system, now, r).await?);
    }
    let first = ids.first().copied();

    // An interpretation of the bureau's own opinion (政策解读).
    let mut d = draft(
        "《苏州市安监局关于进一步加强政务公开的意见》政策解读",
        "zcjd",
        "其他",
        "一、出台背景：为贯彻落实《中华人民共和国政府信息公开条例》，进一步规范我局政务公开工作。\n二、主要内容：规范信息的采编、报送、审核、发布，深化行政权力阳光运行，完善监督和责任追究。\n三、适用范围：局机关各处室、监察支队。",
        today,
    );
    d.interprets_id = first;
    let id = store::create(k, &system, now, None, &d).await?;
    let mut all = vec![
        Action::Submit,
        Action::Approve,
        Action::Clear {
            confirmed: confirmed(),
        },
    ];
    all.push(Action::Publish { change_note: None });
    advance(k, now, id, &all).await?;

    // A notice later withdrawn, and a plan later repealed.
    let id = store::create(
        k,
        &system,
        now,
        None,
        &draft(
            "关于开展2026年度安全生产月活动的通知",
            "aqsc_jdjc",
            "通知",
            "各县级市（区）安监局：为做好2026年度安全生产月活动，现将有关事项通知如下。一、活动时间：6月1日至30日。二、活动主题：人人讲安全、个个会应急。",
            today,
        ),
    )
    .await?;
    advance(k, now, id, &all).await?;
    store::act(
        k,
        &system,
        now,
        id,
        &Action::Withdraw {
            reason: "活动安排调整，本通知内容由新通知替代".into(),
        },
        None,
    )
    .await?;
    let id = store::create(
        k,
        &system,
        now,
        None,
        &draft(
            "苏州市安全生产监督管理局2021—2025年安全生产监管规划",
            "ghjh",
            "规划",
            "本规划期为2021年至2025年，明确安全生产监管的目标、任务和保障措施。",
            today,
        ),
    )
    .await?;
    advance(k, now, id, &all).await?;
    store::set_validity(
        k,
        &system,
        now,
        id,
        Validity::Expired,
        "规划期已满，自2026年1月1日起失效",
    )
    .await?;

    // Items waiting at each step, so every inbox has work: a draft of 赵敏,
    // one for 陈静's review, one for the confidentiality review, and one
    // for the publishing post (赵敏 stands in for 刘洋, who is on leave).
    let zhaomin = Actor::user("zhaomin");
    let waiting = [
        (
            "关于公布2026年第三季度安全生产行政处罚信息的通知",
            "xzzf_cf",
            "通知",
            0,
        ),
        (
            "2026年危险化学品企业专项检查情况通报",
            "aqsc_jdjc",
            "报告",
            1,
        ),
        (
            "苏州市安全生产监督管理局2027年部门预算",
            "czzj_yjs",
            "报告",
            2,
        ),
        ("关于调整行政许可窗口办公时间的公告", "xzzf_xk", "公告", 3),
    ];
    for (title, cat, genre, steps) in waiting {
        let id = store::create(
            k,
            &zhaomin,
            now,
            None,
            &draft(
                title,
                cat,
                genre,
                &format!("{title}。正文为演示内容，将按审核、保密审查、发布流程办理。"),
                today,
            ),
        )
        .await?;
        advance(k, now, id, &all[..steps]).await?;
    }

    if let Some(dir) = laws {
        let rows = import::read_folder(k, dir, LAW_PUBLISHER, today).await?;
        tracing::info!(laws = rows.len(), "publishing the law corpus");
        for r in &rows {
            import::publish(k, &system, now, r).await?;
        }
    }
    Ok(())
}
