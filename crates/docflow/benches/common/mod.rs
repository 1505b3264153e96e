//! Shared by the docflow benches: a bureau of 1,000 users (leaders, the
//! office's posts, 29 divisions with heads, A/B posts and leaves) and a
//! docflow history of 250,000 documents and 1,000,000 tasks, filled by
//! literal INSERTs of 500 rows a statement in one transaction.
//!
//! The measured user `u0055` (a staff member of division d01) stands in
//! as B for the head of d01 (`u0026`, on leave today), so their inbox
//! reads two assignees: 2,000 open 待办 between them (1,800 + 200), 150
//! open 待阅, 4,800 已办 and 100 cancelled, scattered through the table.
//! The others' tasks: 98,000 open 待办 (due from 15 days ago to 45 days
//! ahead: about a quarter overdue), 19,850 open 待阅, 19,900 cancelled,
//! the rest done over 2025–2026.
//!
//! Outside `cargo bench` (criterion's test mode: `cargo test --benches`)
//! the same shapes are filled at 1/250 of the size, so the benches run
//! once in seconds.

#![allow(dead_code)]

use sqlx::Row;
use time::macros::{date, datetime};
use time::{Date, Duration, OffsetDateTime};
use yangguang_kernel::Kernel;
use yangguang_kernel::db::{Backend, Db, WriteTx, query_dyn};
use yangguang_kernel::keys::Keys;
use yangguang_kernel::testing::{fresh_postgres, temp_dir};

/// Monday 2026-11-23, 09:00 in Beijing.
pub const NOW: OffsetDateTime = datetime!(2026-11-23 01:00 UTC);
pub const TODAY: Date = date!(2026 - 11 - 23);
pub const BATCH: usize = 500;

/// The measured user and the A holder they stand in for today.
pub const ME: usize = 55;
pub const ME_A: usize = 26;

/// `cargo bench` passes `--bench`; `cargo test --benches` does not, and
/// criterion then runs each benchmark once (its test mode).
pub fn full_run() -> bool {
    let args: Vec<String> = std::env::args().collect();
    args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--test")
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

/// How much to fill.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub users: usize,
    pub docs: usize,
    pub tasks: usize,
    /// Open 待办 of everyone (the sweep's rows), the measured pair's included.
    pub open_todo: usize,
    pub me_todo: usize,
    pub me_a_todo: usize,
    pub open_read: usize,
    pub me_read: usize,
    pub cancelled: usize,
    pub me_cancelled: usize,
    pub me_done: usize,
    pub me_a_done: usize,
}

pub const FULL: Scale = Scale {
    users: 1_000,
    docs: 250_000,
    tasks: 1_000_000,
    open_todo: 100_000,
    me_todo: 1_800,
    me_a_todo: 200,
    open_read: 20_000,
    me_read: 150,
    cancelled: 20_000,
    me_cancelled: 100,
    me_done: 4_000,
    me_a_done: 800,
};

/// Criterion's test mode: the same shapes, 1/250 of the rows.
pub const SMALL: Scale = Scale {
    users: 100,
    docs: 1_000,
    tasks: 4_000,
    open_todo: 400,
    me_todo: 36,
    me_a_todo: 4,
    open_read: 80,
    me_read: 3,
    cancelled: 80,
    me_cancelled: 2,
    me_done: 16,
    me_a_done: 4,
};

pub fn scale() -> Scale {
    if full_run() { FULL } else { SMALL }
}

/// One kernel per backend, as `yangguang_kernel::testing::kernels` makes
/// them, except that SQLite runs as deployed (`Db::connect`: WAL,
/// `synchronous=FULL`), not with the tests' `synchronous=NORMAL`.
pub async fn kernels(tag: &str) -> Vec<(&'static str, Kernel)> {
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
    if let Some(url) = fresh_postgres(tag).await.expect("postgres") {
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

pub fn username(i: usize) -> String {
    format!("u{i:04}")
}

/// The bureau's users by index: 0 the principal, 1–5 deputies (`fu1`…),
/// 6–25 the office (6 its director), from 26 on the divisions d01–d29 in
/// turn, the first of each its head.
fn division_of(i: usize) -> Option<usize> {
    match i {
        0..=5 => None,
        6..=25 => Some(0),
        _ => Some(1 + (i - 26) % 29),
    }
}

fn role_of(i: usize) -> &'static str {
    match i {
        0 => "principal_leader",
        1..=5 => "deputy_leader",
        6..=25 => "office",
        26..=54 => "division_head",
        _ => "staff",
    }
}

fn name_of(i: usize) -> String {
    match i {
        0 => "wang".into(),
        1..=5 => format!("fu{i}"),
        _ => username(i),
    }
}

/// The head of division `d` (1–29).
pub fn head_of(d: usize) -> usize {
    25 + d
}

/// What the fill made: database ids by index.
pub struct Org {
    pub divisions: Vec<i64>,
    pub users: Vec<i64>,
    pub names: Vec<String>,
}

async fn exec(tx: &mut WriteTx, sql: String) {
    query_dyn(tx.backend(), sql)
        .execute(tx.conn())
        .await
        .expect("insert");
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
        if n == BATCH {
            exec(tx, std::mem::take(&mut sql)).await;
            n = 0;
        }
    }
    if n > 0 {
        exec(tx, sql).await;
    }
}

async fn ids(tx: &mut WriteTx, sql: &str) -> Vec<i64> {
    query_dyn(tx.backend(), sql.to_string())
        .fetch_all(tx.conn())
        .await
        .expect("ids")
        .iter()
        .map(|r| r.try_get::<i64, _>(0).expect("id"))
        .collect()
}

const SURNAMES: [&str; 10] = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"];

/// Agency, divisions, users and roles, posts (A/B, duties), leaves.
pub async fn org(tx: &mut WriteTx, s: Scale) -> Org {
    exec(
        tx,
        "INSERT INTO agencies (code, name, short_name, doc_prefix, address, phone, created_at) VALUES \
         ('sxaj', '苏州市安全生产监督管理局', '市安监局', '苏安监', '', '', '2026-01-01T00:00:00Z')"
            .into(),
    )
    .await;
    let agency = ids(tx, "SELECT id FROM agencies WHERE code = 'sxaj'").await[0];
    bulk(
        tx,
        "INSERT INTO divisions (agency_id, code, name, kind, sort)",
        (0..30).map(|d| match d {
            0 => format!("({agency}, 'bgs', '办公室', 'office', 0)"),
            _ => format!("({agency}, 'd{d:02}', '第{d}处', 'division', {d})"),
        }),
    )
    .await;
    let divisions = ids(
        tx,
        "SELECT id FROM divisions WHERE code = 'bgs' OR code LIKE 'd%' ORDER BY sort",
    )
    .await;
    assert_eq!(divisions.len(), 30);
    let names: Vec<String> = (0..s.users).map(name_of).collect();
    bulk(
        tx,
        "INSERT INTO users (username, display_name, agency_id, division_id, password_hash, password_changed_at, created_at)",
        (0..s.users).map(|i| {
            let div = division_of(i).map_or("NULL".to_string(), |d| divisions[d].to_string());
            format!(
                "('{}', '{}{i}', {agency}, {div}, 'x', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
                names[i],
                SURNAMES[i % 10]
            )
        }),
    )
    .await;
    let users = ids(tx, "SELECT id FROM users ORDER BY id").await;
    assert_eq!(users.len(), s.users);
    bulk(
        tx,
        "INSERT INTO user_roles (user_id, role)",
        (0..s.users).map(|i| format!("({}, '{}')", users[i], role_of(i))),
    )
    .await;
    // Office posts with duties, the principal's, and one head post per
    // division whose B is the division's next member.
    let user = |i: usize| users.get(i).map_or("NULL".to_string(), i64::to_string);
    let mut posts = vec![
        format!(
            "({agency}, {}, '收发文登记岗', {}, {}, 'docflow.register')",
            divisions[0],
            user(7),
            user(8)
        ),
        format!(
            "({agency}, {}, '核稿岗', {}, NULL, 'docflow.review')",
            divisions[0],
            user(9)
        ),
        format!(
            "({agency}, {}, '办公室主任岗', {}, {}, 'docflow.director')",
            divisions[0],
            user(6),
            user(10)
        ),
        format!("({agency}, NULL, '局长岗', {}, {}, '')", user(0), user(1)),
    ];
    for (d, division) in divisions.iter().enumerate().take(30).skip(1) {
        posts.push(format!(
            "({agency}, {division}, '第{d}处负责人岗', {}, {}, '')",
            user(head_of(d)),
            user(head_of(d) + 29)
        ));
    }
    bulk(
        tx,
        "INSERT INTO posts (agency_id, division_id, name, a_user_id, b_user_id, duty)",
        posts,
    )
    .await;
    // The head of d01 is away today (u0055 stands in); a few others are
    // away on other days; every user took leave once earlier in the year.
    let mut leaves = vec![format!(
        "({}, '2026-11-20', '2026-11-30', '年休假', '2026-11-01T00:00:00Z', NULL)",
        users[ME_A]
    )];
    for (i, from, to) in [
        (30, "2026-11-24", "2026-11-27"),
        (40, "2026-12-01", "2026-12-04"),
    ] {
        leaves.push(format!(
            "({}, '{from}', '{to}', '出差', '2026-11-01T00:00:00Z', NULL)",
            users[i]
        ));
    }
    for (i, u) in users.iter().enumerate() {
        let from = date!(2026 - 01 - 05) + Duration::days((i * 7 % 300) as i64);
        let to = from + Duration::days(4);
        leaves.push(format!(
            "({u}, '{from}', '{to}', '年休假', '2026-01-01T00:00:00Z', NULL)"
        ));
    }
    bulk(
        tx,
        "INSERT INTO leaves (user_id, from_date, to_date, reason, created_at, cancelled_at)",
        leaves,
    )
    .await;
    Org {
        divisions,
        users,
        names,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Cat {
    MeTodo,
    MeATodo,
    MeRead,
    MeCancelled,
    MeDone,
    MeADone,
    Todo,
    Read,
    Cancelled,
    Done,
}

const IN_OPEN: [&str; 3] = ["handling", "registered", "requested"];
const OUT_OPEN: [&str; 5] = ["drafting", "cosigning", "signing", "signed", "numbered"];
const TODO_STEPS: [(&str, &str); 10] = [
    ("division_opinion", ""),
    ("handle", ""),
    ("handle", ""),
    ("handle", ""),
    ("approve", ""),
    ("route", ""),
    ("cosign", ""),
    ("sign", "division_sign"),
    ("sign", "office_review"),
    ("leader_read", ""),
];
const OPINIONS: [(&str, &str); 4] = [
    ("agree", "同意。"),
    ("agree", "同意，请按程序办理。"),
    ("instruct", "请政策法规处牵头，会同相关处室研究提出意见。"),
    ("disagree", "与现行规定不一致，请修改后再报。"),
];

/// Urgency by document index (75% 平件).
fn urgency(j: usize) -> &'static str {
    match j % 20 {
        0..=14 => "normal",
        15..=18 => "urgent",
        _ => "very_urgent",
    }
}

/// Documents and tasks (see the module comment); returns the first
/// document id. One document in five is still open; open tasks lie on
/// open documents.
pub async fn history(tx: &mut WriteTx, s: Scale, org: &Org) -> i64 {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let docs = (0..s.docs).map(|j| {
        let open = j % 5 == 0;
        let incoming = j % 2 == 0;
        let created = date!(2025 - 01 - 02) + Duration::days((j * 690 / s.docs) as i64);
        let status = match (open, incoming) {
            (true, true) => IN_OPEN[j / 10 % IN_OPEN.len()],
            (true, false) => OUT_OPEN[j / 10 % OUT_OPEN.len()],
            (false, true) => "closed",
            (false, false) => "issued",
        };
        let div = org.divisions[1 + (j % 29)];
        let owner = &org.names[26 + (j * 31 % (s.users - 26))];
        let deputy = 1 + j % 5;
        let (reg, no, due) = if incoming {
            (
                format!("{}, {j}", created.year()),
                "NULL".to_string(),
                format!("'{}'", created + Duration::days(14)),
            )
        } else if status == "issued" {
            (
                "NULL, NULL".to_string(),
                format!("'苏安监〔{}〕{j}号'", created.year()),
                "NULL".to_string(),
            )
        } else {
            ("NULL, NULL".into(), "NULL".into(), "NULL".into())
        };
        format!(
            "('{dir}', '关于做好第{j}批安全生产检查工作的通知', '{status}', '{urg}', 'none', {div}, 'fu{deputy}', \
             '{owner}', '{created}T02:00:00Z', '{created}T02:00:00Z', {due}, {reg}, {no}, {closed})",
            dir = if incoming { "in" } else { "out" },
            urg = urgency(j),
            closed = if open {
                "NULL".to_string()
            } else {
                format!("'{}T08:00:00Z'", created + Duration::days(20))
            },
        )
    });
    bulk(
        tx,
        "INSERT INTO docflow_docs (direction, title, status, urgency, secrecy, lead_division_id, deputy, created_by, \
         created_at, updated_at, due_on, reg_year, reg_seq, doc_no, closed_at)",
        docs,
    )
    .await;
    let first = ids(tx, "SELECT MIN(id) FROM docflow_docs").await[0];
    let last = ids(tx, "SELECT MAX(id) FROM docflow_docs").await[0];
    assert_eq!(
        (last - first + 1) as usize,
        s.docs,
        "contiguous document ids"
    );

    // Which row is what, shuffled (Fisher–Yates) so that the measured
    // user's rows are scattered as they would be after years of use.
    let mut cats = Vec::with_capacity(s.tasks);
    for (c, n) in [
        (Cat::MeTodo, s.me_todo),
        (Cat::MeATodo, s.me_a_todo),
        (Cat::MeRead, s.me_read),
        (Cat::MeCancelled, s.me_cancelled),
        (Cat::MeDone, s.me_done),
        (Cat::MeADone, s.me_a_done),
        (Cat::Todo, s.open_todo - s.me_todo - s.me_a_todo),
        (Cat::Read, s.open_read - s.me_read),
        (Cat::Cancelled, s.cancelled - s.me_cancelled),
    ] {
        cats.extend(std::iter::repeat_n(c, n));
    }
    cats.resize(s.tasks, Cat::Done);
    for i in (1..cats.len()).rev() {
        cats.swap(i, rng.below(i as u64 + 1) as usize);
    }
    let users = &org.users;
    let open_docs = (s.docs / 5) as u64;
    let tasks = cats.into_iter().map(|c| {
        let assignee = match c {
            Cat::MeTodo | Cat::MeRead | Cat::MeCancelled | Cat::MeDone => ME,
            Cat::MeATodo | Cat::MeADone => ME_A,
            // Anyone but the measured pair.
            _ => loop {
                let u = rng.below(s.users as u64) as usize;
                if u != ME && u != ME_A {
                    break u;
                }
            },
        };
        let open = matches!(c, Cat::MeTodo | Cat::MeATodo | Cat::MeRead | Cat::Todo | Cat::Read);
        let read = matches!(c, Cat::MeRead | Cat::Read);
        let j = if open {
            5 * rng.below(open_docs)
        } else {
            rng.below(s.docs as u64)
        } as i64;
        let doc = first + j;
        let (step, note) = if read {
            ("read", "")
        } else {
            TODO_STEPS[rng.below(TODO_STEPS.len() as u64) as usize]
        };
        let div = match division_of(assignee) {
            Some(d) if rng.below(4) > 0 => org.divisions[d].to_string(),
            _ => "NULL".into(),
        };
        let by = &org.names[rng.below(s.users as u64) as usize];
        let u = users[assignee];
        if open {
            let created = TODAY - Duration::days(1 + rng.below(30) as i64);
            let due = if read {
                "NULL".to_string()
            } else {
                format!("'{}'", TODAY + Duration::days(rng.below(61) as i64 - 15))
            };
            let (state, claimed) = if rng.below(2) == 0 {
                ("new", "NULL".to_string())
            } else {
                ("claimed", format!("'{created}T03:00:00Z'"))
            };
            format!(
                "({doc}, '{kind}', '{step}', '{note}', {u}, {div}, '{state}', '{by}', '{created}T02:00:00Z', {due}, \
                 {claimed}, NULL, NULL, NULL, NULL, NULL)",
                kind = if read { "read" } else { "todo" },
            )
        } else {
            let created = date!(2025 - 01 - 02) + Duration::days(rng.below(685) as i64);
            let due = created + Duration::days(5 + rng.below(16) as i64);
            let done = created + Duration::days(rng.below(25) as i64);
            let (state, verdict, opinion) = if matches!(c, Cat::MeCancelled | Cat::Cancelled) {
                ("cancelled", "NULL".to_string(), "NULL".to_string())
            } else {
                let (v, o) = OPINIONS[rng.below(OPINIONS.len() as u64) as usize];
                ("done", format!("'{v}'"), format!("'{o}'"))
            };
            format!(
                "({doc}, '{kind}', '{step}', '{note}', {u}, {div}, '{state}', '{by}', '{created}T02:00:00Z', '{due}', \
                 '{created}T03:00:00Z', '{done}T07:00:00Z', '{done}', '{me}', {verdict}, {opinion})",
                kind = if read { "read" } else { "todo" },
                me = org.names[assignee],
            )
        }
    });
    bulk(
        tx,
        "INSERT INTO docflow_tasks (doc_id, kind, step, note, assignee_user_id, division_id, state, created_by, \
         created_at, due_on, claimed_at, done_at, done_on, acted_by, verdict, opinion)",
        tasks,
    )
    .await;
    first
}

/// Bureau and history in one transaction. PostgreSQL then vacuums and
/// gathers statistics, as its autovacuum does soon after a load this
/// size (inserts alone trigger it since PostgreSQL 13); SQLite gathers
/// none: nothing in the application runs `ANALYZE`.
pub async fn fill(k: &Kernel, s: Scale) -> Org {
    let started = std::time::Instant::now();
    let mut tx = k.db.begin().await.expect("tx");
    let org = org(&mut tx, s).await;
    history(&mut tx, s, &org).await;
    tx.commit().await.expect("commit");
    if k.db.backend() == Backend::Postgres {
        query_dyn(k.db.backend(), "VACUUM ANALYZE".into())
            .execute(k.db.pool())
            .await
            .expect("vacuum");
    }
    eprintln!(
        "filled {:?}: {} documents, {} tasks in {:.1} s",
        k.db.backend(),
        s.docs,
        s.tasks,
        started.elapsed().as_secs_f64()
    );
    org
}
