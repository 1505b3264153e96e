//! The periodic 催办 pass: reminder levels on open tasks, and documents
//! paused for collective consultation resume once the meeting decided.
//! Safe on several nodes at once: every update is guarded by the current
//! level or status, and a pass that changes nothing writes nothing.

use std::time::Duration;

use yangguang_kernel::Kernel;
use yangguang_kernel::timefmt::{now, today_cst};

use crate::inbox;

/// Runs a pass now and then every ten minutes, in the background (a
/// decided topic resumes its document within ten minutes).
pub fn spawn(k: Kernel) {
    tokio::spawn(async move {
        loop {
            let now = now();
            match inbox::sweep(&k, now, today_cst(now)).await {
                Ok(s) if s == inbox::Sweep::default() => {}
                Ok(s) => tracing::info!(
                    reminded = s.reminded,
                    overdue = s.overdue,
                    escalated = s.escalated,
                    resumed = s.resumed,
                    "docflow sweep"
                ),
                Err(e) => {
                    tracing::warn!(error = %e, "docflow sweep failed; retried in ten minutes")
                }
            }
            tokio::time::sleep(Duration::from_secs(600)).await;
        }
    });
}
