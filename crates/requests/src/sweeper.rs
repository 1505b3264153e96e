//! The periodic sweep: consultations past their limit end on the limit;
//! applications whose supplement or fee period lapsed are closed
//! (其他处理 1 / 2). Safe on several nodes at once: each change is guarded
//! by its current state inside its transaction.

use std::time::Duration;

use yangguang_kernel::timefmt::{now, today_cst};
use yangguang_kernel::{Kernel, Result};

use crate::{reply, store};

/// One pass for today.
pub async fn run_once(k: &Kernel) -> Result<(usize, usize)> {
    let now = now();
    let today = today_cst(now);
    let ended = store::lapse_consultations(k, today, now).await?;
    let closed = reply::close_lapsed(k, today, now).await?;
    store::refresh_provisional(k, today, now).await?;
    Ok((ended, closed.len()))
}

/// Runs a pass now and then every hour, in the background.
pub fn spawn(k: Kernel) {
    tokio::spawn(async move {
        loop {
            match run_once(&k).await {
                Ok((0, 0)) => {}
                Ok((ended, closed)) => {
                    tracing::info!(
                        ended,
                        closed,
                        "requests sweep: consultations ended, applications closed"
                    )
                }
                Err(e) => tracing::warn!(error = %e, "requests sweep failed; retried next hour"),
            }
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
    });
}
