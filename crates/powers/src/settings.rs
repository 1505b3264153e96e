//! The office's settings of the powers module: the 较大数额 of 第六十三条
//! (the province's figures and the document that sets them). Kept in the
//! kernel's settings table; every change audited with before and after.

use time::OffsetDateTime;
use yangguang_kernel::audit::{self, Actor};
use yangguang_kernel::{Error, Kernel, Result, settings};

use crate::rules::LargerAmounts;

const LARGER_AMOUNTS: &str = "powers.larger_amounts";

/// The 较大数额 in force (in-thread on SQLite: every 告知 reads it).
pub async fn larger_amounts(k: &Kernel) -> Result<LargerAmounts> {
    match settings::get(k, LARGER_AMOUNTS).await? {
        Some(json) => serde_json::from_str(&json)
            .map_err(|e| Error::Internal(format!("setting {LARGER_AMOUNTS}: {e}"))),
        None => Ok(LargerAmounts::default()),
    }
}

/// Sets the 较大数额 for 告知 recorded from now on (a 告知 already recorded
/// keeps the figure it was decided on).
pub async fn set_larger_amounts(
    k: &Kernel,
    actor: &Actor,
    now: OffsetDateTime,
    v: &LargerAmounts,
) -> Result<()> {
    let v = LargerAmounts {
        basis: v.basis.trim().to_string(),
        ..v.clone()
    };
    v.check()
        .map_err(|m| Error::invalid("invalid_larger_amounts", m))?;
    let before = larger_amounts(k).await?;
    let json = serde_json::to_string(&v).map_err(|e| Error::Internal(e.to_string()))?;
    let mut tx = k.db.begin().await?;
    settings::put_in(&mut tx, now, LARGER_AMOUNTS, &json).await?;
    audit::success(
        &mut tx,
        &k.keys,
        now,
        actor,
        "powers.larger_amounts",
        &format!("settings:{LARGER_AMOUNTS}"),
        serde_json::json!({ "before": before, "after": v }),
    )
    .await?;
    tx.commit().await
}
