//! A small bureau for the docflow tests: leaders, the office's posts
//! (registration, 核稿, director), two divisions with heads and staff.

#![allow(dead_code)]

use time::macros::{date, datetime};
use time::{Date, OffsetDateTime};
use yangguang_docflow::acts::{self, Act};
use yangguang_docflow::inbox::{self, Tab};
use yangguang_docflow::model::{Task, TaskStep};
use yangguang_docflow::rules::{self, Opinion};
use yangguang_docflow::who::{self, Who};
use yangguang_kernel::Kernel;
use yangguang_kernel::db::{query, query_scalar};
use yangguang_kernel::testing::kernels;

/// Monday 2026-11-23, 09:00 in Beijing.
pub const NOW: OffsetDateTime = datetime!(2026-11-23 01:00 UTC);
pub const TODAY: Date = date!(2026 - 11 - 23);

/// (username, name, division code, roles)
pub const USERS: [(&str, &str, &str, &str); 12] = [
    ("wang", "王局长", "", "principal_leader"),
    ("li", "李副局长", "", "deputy_leader"),
    ("zhao", "赵副局长", "", "deputy_leader"),
    ("zhou", "周文秘", "bgs", "office"),
    ("wu", "吴文秘", "bgs", "office"),
    ("hegao", "何核稿", "bgs", "office"),
    ("zhuren", "张主任", "bgs", "office,division_head"),
    ("chen", "陈处长", "zcfgc", "division_head"),
    ("liu", "刘科员", "zcfgc", "staff"),
    ("sun", "孙科员", "zcfgc", "staff"),
    ("he", "贺处长", "jcs", "division_head"),
    ("xu", "徐科员", "jcs", "staff"),
];

pub async fn setup(tag: &str) -> Vec<(&'static str, Kernel)> {
    let ks = kernels(tag, &yangguang_web::migrations())
        .await
        .expect("kernels");
    for (_, k) in &ks {
        let be = k.db.backend();
        let p = k.db.pool();
        let agency: i64 = query_scalar(
            be,
            "INSERT INTO agencies (code, name, short_name, doc_prefix, address, phone, created_at) \
             VALUES ('sxaj', '苏州市安全生产监督管理局', '市安监局', '苏安监', '', '', '2026-01-01T00:00:00Z') RETURNING id",
        )
        .fetch_one(p)
        .await
        .expect("agency");
        for (i, (code, name, kind)) in [
            ("bgs", "办公室", "office"),
            ("zcfgc", "政策法规处", "division"),
            ("jcs", "监督检查处", "division"),
        ]
        .into_iter()
        .enumerate()
        {
            query(
                be,
                "INSERT INTO divisions (agency_id, code, name, kind, sort) VALUES (?, ?, ?, ?, ?)",
            )
            .bind(agency)
            .bind(code)
            .bind(name)
            .bind(kind)
            .bind(i as i64)
            .execute(p)
            .await
            .expect("division");
        }
        for (u, n, d, roles) in USERS {
            let div: Option<i64> = if d.is_empty() {
                None
            } else {
                Some(
                    query_scalar(be, "SELECT id FROM divisions WHERE code = ?")
                        .bind(d)
                        .fetch_one(p)
                        .await
                        .expect("div"),
                )
            };
            let id: i64 = query_scalar(
                be,
                "INSERT INTO users (username, display_name, agency_id, division_id, password_hash, \
                 password_changed_at, created_at) VALUES (?, ?, ?, ?, 'x', '2026-01-01T00:00:00Z', \
                 '2026-01-01T00:00:00Z') RETURNING id",
            )
            .bind(u)
            .bind(n)
            .bind(agency)
            .bind(div)
            .fetch_one(p)
            .await
            .expect("user");
            for r in roles.split(',') {
                query(be, "INSERT INTO user_roles (user_id, role) VALUES (?, ?)")
                    .bind(id)
                    .bind(r)
                    .execute(p)
                    .await
                    .expect("role");
            }
        }
        for (name, div, a, b, duty) in [
            (
                "收发文登记岗",
                Some("bgs"),
                "zhou",
                Some("wu"),
                "docflow.register",
            ),
            ("核稿岗", Some("bgs"), "hegao", None, "docflow.review"),
            (
                "办公室主任岗",
                Some("bgs"),
                "zhuren",
                Some("hegao"),
                "docflow.director",
            ),
            ("政策法规处负责人岗", Some("zcfgc"), "chen", Some("liu"), ""),
            ("局长岗", None, "wang", Some("li"), ""),
        ] {
            let div: Option<i64> = match div {
                Some(c) => Some(
                    query_scalar(be, "SELECT id FROM divisions WHERE code = ?")
                        .bind(c)
                        .fetch_one(p)
                        .await
                        .expect("div"),
                ),
                None => None,
            };
            query(
                be,
                "INSERT INTO posts (agency_id, division_id, name, a_user_id, b_user_id, duty) VALUES \
                 (?, ?, ?, (SELECT id FROM users WHERE username = ?), (SELECT id FROM users WHERE username = ?), ?)",
            )
            .bind(agency)
            .bind(div)
            .bind(name)
            .bind(a)
            .bind(b)
            .bind(duty)
            .execute(p)
            .await
            .expect("post");
        }
    }
    ks
}

pub async fn division(k: &Kernel, code: &str) -> i64 {
    query_scalar(k.db.backend(), "SELECT id FROM divisions WHERE code = ?")
        .bind(code.to_string())
        .fetch_one(k.db.pool())
        .await
        .expect("division")
}

/// `user` goes on leave today (their B holder stands in).
pub async fn away(k: &Kernel, user: &str) {
    query(
        k.db.backend(),
        "INSERT INTO leaves (user_id, from_date, to_date, reason, created_at) VALUES \
         ((SELECT id FROM users WHERE username = ?), '2026-11-20', '2026-11-30', '年休假', '2026-11-01T00:00:00Z')",
    )
    .bind(user.to_string())
    .execute(k.db.pool())
    .await
    .expect("leave");
}

pub async fn who(k: &Kernel, user: &str) -> Who {
    who::who(k, user, TODAY).await.expect("who")
}

/// The open task of `step` on `doc` in `user`'s inbox (own or as B).
pub async fn task_of(k: &Kernel, user: &str, doc: i64, step: TaskStep) -> Task {
    let w = who(k, user).await;
    inbox::inbox(k, &w, Tab::Todo, 0)
        .await
        .expect("inbox")
        .into_iter()
        .map(|r| r.task)
        .find(|t| t.doc_id == doc && t.step == step)
        .unwrap_or_else(|| panic!("{user} has no {step:?} task on document {doc}"))
}

/// Claims and acts on `user`'s task of `step` on `doc`.
pub async fn work(k: &Kernel, user: &str, doc: i64, step: TaskStep, act: Act) {
    let t = task_of(k, user, doc, step).await;
    let w = who(k, user).await;
    if t.state == yangguang_docflow::model::TaskState::New {
        acts::claim(k, NOW, &w, t.id).await.expect("claim");
    }
    acts::act(k, NOW, &w, t.id, act)
        .await
        .unwrap_or_else(|e| panic!("{user} {step:?}: {e}"));
}

pub fn agree() -> Opinion {
    rules::opinion("agree", "").expect("opinion")
}

pub fn say(verdict: &str, text: &str) -> Opinion {
    rules::opinion(verdict, text).expect("opinion")
}

pub async fn count(k: &Kernel, sql: &'static str) -> i64 {
    query_scalar::<i64>(k.db.backend(), sql)
        .fetch_one(k.db.pool())
        .await
        .expect("count")
}

/// Rows that any act writes: a refused act leaves all of them unchanged.
pub async fn writes(k: &Kernel) -> [i64; 6] {
    [
        count(k, "SELECT COUNT(*) FROM docflow_tasks").await,
        count(k, "SELECT COUNT(*) FROM docflow_tasks WHERE state = 'done'").await,
        count(k, "SELECT COUNT(*) FROM docflow_versions").await,
        count(k, "SELECT COUNT(*) FROM audit_log").await,
        count(k, "SELECT COUNT(*) FROM outbox").await,
        count(
            k,
            "SELECT CAST(COALESCE(SUM(value), 0) AS BIGINT) FROM sequences",
        )
        .await,
    ]
}
