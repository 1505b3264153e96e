//! Test support: a fresh kernel on SQLite, and on PostgreSQL when
//! `YANGGUANG_TEST_POSTGRES` names a server (CI sets it; elsewhere the
//! PostgreSQL half is skipped with a visible message).

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::db::Db;
use crate::keys::Keys;
use crate::migrate::Migration;
use crate::{Kernel, Result};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A fresh, empty directory under the system temp dir. The first call in
/// a test process removes the directories of test processes that have
/// ended (their pid is in the name), so runs do not fill the disk.
pub fn temp_dir(tag: &str) -> PathBuf {
    static SWEEP: std::sync::Once = std::sync::Once::new();
    SWEEP.call_once(sweep_ended_runs);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!("yg-{tag}-{}-{n}-{nanos}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::create_dir_all(&dir);
    dir
}

/// Removes `yg-<tag>-<pid>-…` directories whose process is gone. Only
/// where `/proc` tells which processes run; a tag may contain dashes, so
/// the pid is the third field from the end.
fn sweep_ended_runs() {
    let procs = std::path::Path::new("/proc");
    if !procs.join("self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix("yg-") else {
            continue;
        };
        let fields: Vec<&str> = rest.rsplitn(4, '-').collect();
        let [_, _, pid, _] = fields[..] else {
            continue;
        };
        if pid.parse::<u32>().is_ok() && !procs.join(pid).exists() {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// The PostgreSQL server for tests, if any.
pub fn postgres_url() -> Option<String> {
    std::env::var("YANGGUANG_TEST_POSTGRES")
        .ok()
        .filter(|s| !s.is_empty())
}

/// Creates a new database on the test server and returns its URL.
pub async fn fresh_postgres(tag: &str) -> Result<Option<String>> {
    let Some(admin) = postgres_url() else {
        eprintln!("SKIPPED (PostgreSQL half of {tag}): YANGGUANG_TEST_POSTGRES is not set");
        return Ok(None);
    };
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() % 1_000_000_000)
        .unwrap_or(0);
    let name = format!(
        "yg_{}_{}_{n}_{nanos}",
        tag.to_ascii_lowercase()
            .replace(|c: char| !c.is_ascii_alphanumeric(), "_"),
        std::process::id()
    );
    let name: String = name.chars().take(60).collect();
    let db = Db::connect(&admin).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(db.pool())
        .await?;
    db.close().await;
    let base = match admin.rfind('/') {
        Some(i) if i > "postgres://".len() => admin[..i].to_string(),
        _ => admin.clone(),
    };
    let query = admin
        .split_once('?')
        .map(|(_, q)| format!("?{q}"))
        .unwrap_or_default();
    Ok(Some(format!("{base}/{name}{query}")))
}

/// One kernel per available backend: ("sqlite", k) and ("postgres", k).
pub async fn kernels(
    tag: &str,
    migrations: &[&[Migration]],
) -> Result<Vec<(&'static str, Kernel)>> {
    let mut out = Vec::new();
    let dir = temp_dir(tag);
    let db = Db::connect_with(&Db::sqlite_url(&dir.join("yangguang.db")), false).await?;
    let keys = Keys::for_tests(dir.join("audit-head"));
    out.push(("sqlite", Kernel::open(db, keys, dir, migrations).await?));
    if let Some(url) = fresh_postgres(tag).await? {
        let dir = temp_dir(&format!("{tag}-pg"));
        let db = Db::connect(&url).await?;
        let keys = Keys::for_tests(dir.join("audit-head"));
        out.push(("postgres", Kernel::open(db, keys, dir, migrations).await?));
    }
    Ok(out)
}

/// p50 / p90 / p99 / max of `runs` timed calls, printed (benchmarks:
/// criterion reports means, and the latency targets are medians).
pub fn percentiles(label: &str, runs: usize, mut f: impl FnMut()) {
    let mut t: Vec<std::time::Duration> = (0..runs)
        .map(|_| {
            let s = std::time::Instant::now();
            f();
            s.elapsed()
        })
        .collect();
    t.sort();
    let at = |p: usize| t[(t.len() * p / 100).min(t.len() - 1)];
    eprintln!(
        "{label}: p50 {:.2?}, p90 {:.2?}, p99 {:.2?}, max {:.2?} over {runs} runs",
        at(50),
        at(90),
        at(99),
        t[t.len() - 1]
    );
}
