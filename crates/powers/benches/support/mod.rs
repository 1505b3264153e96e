//! Shared by the powers benches: one kernel per backend as deployed
//! (SQLite in WAL with `synchronous=FULL`; PostgreSQL when
//! YANGGUANG_TEST_POSTGRES is set), the demo bureau and list, the whole
//! application driven in process through one router (as a server builds
//! it once), bulk inserts and the test-mode switch.

#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use time::macros::date;
use time::{Date, OffsetDateTime};
use tower::ServiceExt;
use yangguang_kernel::Kernel;
use yangguang_kernel::audit::Actor;
use yangguang_kernel::db::{Db, WriteTx, query_dyn};
use yangguang_kernel::keys::Keys;
use yangguang_kernel::testing::{fresh_postgres, temp_dir};
use yangguang_web::AppState;
use yangguang_web::testing::{Browser, extract_csrf};

/// `cargo bench` passes `--bench`; `cargo test --benches` does not, and
/// criterion then runs each benchmark once (its test mode).
pub fn full_run() -> bool {
    let args: Vec<String> = std::env::args().collect();
    args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--test")
}

/// One kernel per backend, SQLite as deployed (`synchronous=FULL`, not
/// the tests' NORMAL); PostgreSQL only when asked for and configured.
pub async fn kernels(tag: &str, postgres: bool) -> Vec<(&'static str, Kernel)> {
    let migrations = yangguang_web::migrations();
    let mut out = Vec::new();
    let dir = temp_dir(tag);
    let db = Db::connect_with(&Db::sqlite_url(&dir.join("yangguang.db")), true)
        .await
        .expect("sqlite");
    let keys = Keys::for_tests(dir.join("audit-head"));
    out.push((
        "sqlite",
        Kernel::open(db, keys, dir, &migrations)
            .await
            .expect("open"),
    ));
    if postgres && let Some(url) = fresh_postgres(tag).await.expect("postgres") {
        let dir = temp_dir(&format!("{tag}-pg"));
        let db = Db::connect(&url).await.expect("postgres");
        let keys = Keys::for_tests(dir.join("audit-head"));
        out.push((
            "postgres",
            Kernel::open(db, keys, dir, &migrations)
                .await
                .expect("open"),
        ));
    }
    out
}

/// 09:00 Beijing time on `d`.
pub fn at(d: Date) -> OffsetDateTime {
    d.with_hms(1, 0, 0).expect("time").assume_utc()
}

/// The demo agency's 232 items (seed document 1), through the import.
pub async fn demo_list(k: &Kernel) {
    let report = yangguang_powers::store::import(
        k,
        at(date!(2026 - 03 - 01)),
        &Actor::system(),
        yangguang_powers::seed::demo_rows().expect("rows"),
        "权力清单（演示）",
    )
    .await
    .expect("import");
    assert!(report.applied && report.lines.len() == 232);
}

/// The application as a server runs it: one router, built once; a
/// browser's cookies (the CSRF cookie) and its form token.
pub struct Http {
    router: Router,
    cookie: String,
    pub token: String,
}

impl Http {
    pub async fn new(st: &AppState) -> Http {
        let mut b = Browser::new(st);
        let login = b.get("/login").await;
        let token = extract_csrf(&login.body);
        assert!(!token.is_empty(), "the login page carries a CSRF token");
        let cookie = b
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        Http {
            router: yangguang_web::app(st.clone()),
            cookie,
            token,
        }
    }

    async fn send(&self, req: Request<Body>) -> (StatusCode, String) {
        let resp = self.router.clone().oneshot(req).await.expect("response");
        let status = resp.status();
        let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
            .await
            .expect("body");
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    pub async fn get(&self, uri: &str) -> (StatusCode, String) {
        let req = Request::get(uri)
            .header(header::COOKIE, &self.cookie)
            .body(Body::empty())
            .expect("request");
        self.send(req).await
    }

    /// POSTs a form with this browser's CSRF token.
    pub async fn post(&self, uri: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
        let mut all = vec![("_csrf", self.token.as_str())];
        all.extend_from_slice(fields);
        let req = Request::post(uri)
            .header(header::COOKIE, &self.cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(serde_urlencoded::to_string(&all).expect("form")))
            .expect("request");
        self.send(req).await
    }
}

/// A SQL string literal.
pub fn lit(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Inserts `rows` (literal value lists) under `head`, 500 a statement.
pub async fn bulk(tx: &mut WriteTx, head: &str, rows: impl IntoIterator<Item = String>) {
    let mut sql = String::new();
    let mut n = 0;
    for r in rows {
        if n == 0 {
            sql.clear();
            sql.push_str(head);
            sql.push_str(" VALUES ");
        } else {
            sql.push(',');
        }
        sql.push_str(&r);
        n += 1;
        if n == 500 {
            exec(tx, std::mem::take(&mut sql)).await;
            n = 0;
        }
    }
    if n > 0 {
        exec(tx, sql).await;
    }
}

pub async fn exec(tx: &mut WriteTx, sql: String) {
    query_dyn(tx.backend(), sql)
        .execute(tx.conn())
        .await
        .expect("insert");
}

/// Deterministic xorshift (no rand dependency).
pub struct Rng(pub u64);

impl Rng {
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}
