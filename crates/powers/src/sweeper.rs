//! The periodic pass over cases: boundary timers whose limit has passed
//! fire (the engine moves the case), and cases waiting on a collective
//! decision resume once the meeting decided — learnt from the outbox
//! (`decision.decided`), not from the decisions module's tables. Safe on
//! several nodes: every case change is guarded by the case's revision.

use std::time::Duration;

use time::OffsetDateTime;
use yangguang_kernel::timefmt::now;
use yangguang_kernel::{Kernel, Result, outbox};

use crate::case_store;

/// The outbox consumer that resumes cases.
pub const CONSUMER: &str = "powers.decisions";

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sweep {
    pub timers: usize,
    pub resumed: usize,
}

/// Resumes the cases whose topics were decided since the last pass.
pub async fn follow_decisions(k: &Kernel, now: OffsetDateTime) -> Result<usize> {
    let mut resumed = 0;
    loop {
        let batch = outbox::pending(&k.db, CONSUMER, 500).await?;
        let Some(last) = batch.last().map(|e| e.id) else {
            return Ok(resumed);
        };
        for e in batch
            .iter()
            .filter(|e| e.topic == yangguang_decisions::topic::DECIDED)
        {
            let topic = e
                .payload
                .get("topic_id")
                .and_then(serde_json::Value::as_i64);
            let outcome = e.payload.get("outcome").and_then(serde_json::Value::as_str);
            if let (Some(t), Some(o)) = (topic, outcome)
                && case_store::decided(k, now, t, o).await?
            {
                resumed += 1;
            }
        }
        outbox::ack(&k.db, CONSUMER, last, now).await?;
    }
}

pub async fn sweep(k: &Kernel, now: OffsetDateTime) -> Result<Sweep> {
    let s = Sweep {
        timers: case_store::tick(k, now).await?,
        resumed: follow_decisions(k, now).await?,
    };
    // Recounts this year's and last year's decisions for table 二: repairs
    // the figures after a restore; idempotent.
    let year = yangguang_kernel::timefmt::today_cst(now).year();
    for y in [year - 1, year] {
        crate::stats::refresh_annual(k, now, y).await?;
    }
    Ok(s)
}

/// Runs a pass now and then every ten minutes, in the background.
pub fn spawn(k: Kernel) {
    tokio::spawn(async move {
        loop {
            match sweep(&k, now()).await {
                Ok(s) if s == Sweep::default() => {}
                Ok(s) => tracing::info!(timers = s.timers, resumed = s.resumed, "powers sweep"),
                Err(e) => tracing::warn!(error = %e, "powers sweep failed; retried in ten minutes"),
            }
            tokio::time::sleep(Duration::from_secs(600)).await;
        }
    });
}
