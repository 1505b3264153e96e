//! Everyone's one inbox (待办, 待阅, 已办), who may see a document, the
//! office's list of overdue tasks, and the 催办 sweep.

use time::{Date, OffsetDateTime};
use yangguang_kernel::audit::{self, Actor};
use yangguang_kernel::db::{query, query_dyn};
use yangguang_kernel::org::Acting;
use yangguang_kernel::timefmt::{fmt_date, parse_date};
use yangguang_kernel::{Kernel, Result};

use crate::model::{Direction, Doc, Status, Task};
use crate::rules::{self, Urgency};
use crate::store::{TASK_COLS, n, on, os, s, task_from};
use crate::who::Who;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    /// 待办
    Todo,
    /// 待阅
    Read,
    /// 已办
    Done,
}

impl Tab {
    pub fn parse(s: &str) -> Tab {
        match s {
            "read" => Tab::Read,
            "done" => Tab::Done,
            _ => Tab::Todo,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Tab::Todo => "todo",
            Tab::Read => "read",
            Tab::Done => "done",
        }
    }
}

/// A row of the inbox: the task and what the list shows of its document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxRow {
    pub task: Task,
    pub title: String,
    pub direction: Direction,
    pub urgency: Urgency,
    pub status: Status,
    /// 发文字号 or 收文编号.
    pub number: Option<String>,
    /// Overdue on the day asked.
    pub overdue: bool,
    /// 催办 level on the day asked (`rules::remind_level`; 0 when done).
    pub remind: u8,
}

pub const PAGE: i64 = 50;

fn in_list(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// Counts of the three tabs.
pub async fn counts(k: &Kernel, who: &Who) -> Result<(i64, i64, i64)> {
    let ids = who.inbox_ids();
    let sql = format!(
        "SELECT \
         CAST(COALESCE(SUM(CASE WHEN kind = 'todo' AND state IN ('new', 'claimed') THEN 1 ELSE 0 END), 0) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN kind = 'read' AND state IN ('new', 'claimed') THEN 1 ELSE 0 END), 0) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN state = 'done' THEN 1 ELSE 0 END), 0) AS BIGINT) \
         FROM docflow_tasks WHERE assignee_user_id IN ({})",
        in_list(ids.len())
    );
    let mut q = query_dyn(k.db.backend(), sql);
    for i in &ids {
        q = q.bind(*i);
    }
    let r = q.fetch_one(k.db.pool()).await?;
    Ok((n(&r, 0)?, n(&r, 1)?, n(&r, 2)?))
}

/// One page of a tab, most urgent first (待办: by due date).
pub async fn inbox(k: &Kernel, who: &Who, tab: Tab, page: i64) -> Result<Vec<InboxRow>> {
    let ids = who.inbox_ids();
    let cols = TASK_COLS
        .split(", ")
        .map(|c| format!("t.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ");
    let (filter, order, outer) = match tab {
        Tab::Todo => (
            "kind = 'todo' AND state IN ('new', 'claimed')",
            "due_on, id",
            "t.due_on, t.id",
        ),
        Tab::Read => (
            "kind = 'read' AND state IN ('new', 'claimed')",
            "id DESC",
            "t.id DESC",
        ),
        Tab::Done => (
            "state = 'done'",
            "done_at DESC, id DESC",
            "t.done_at DESC, t.id DESC",
        ),
    };
    // The page's ids first, from the index on (assignee, kind, state,
    // due date, id) alone; then only those rows and their documents.
    // Reading and joining every open task before sorting took 20–25 ms
    // for a user with 2,000 of them among 1,000,000 (benches/inbox.rs).
    let sql = format!(
        "SELECT {cols}, d.title, d.direction, d.urgency, d.status, d.doc_no, d.reg_year, d.reg_seq \
         FROM docflow_tasks t JOIN docflow_docs d ON d.id = t.doc_id \
         WHERE t.id IN (SELECT id FROM docflow_tasks WHERE assignee_user_id IN ({}) AND {filter} \
         ORDER BY {order} LIMIT ? OFFSET ?) ORDER BY {outer}",
        in_list(ids.len())
    );
    let mut q = query_dyn(k.db.backend(), sql);
    for i in &ids {
        q = q.bind(*i);
    }
    let rows = q
        .bind(PAGE)
        .bind(page.max(0) * PAGE)
        .fetch_all(k.db.pool())
        .await?;
    let today = fmt_date(who.today);
    let cut = rules::cutoffs(&k.calendar(), who.today);
    rows.iter()
        .map(|r| {
            let task = task_from(r)?;
            let b = 18;
            let number = os(r, b + 4)?.or(match (on(r, b + 5)?, on(r, b + 6)?) {
                (Some(y), Some(q)) => Some(format!("收〔{y}〕{q}号")),
                _ => None,
            });
            let overdue =
                task.state.open() && task.due_on.as_deref().is_some_and(|d| d < today.as_str());
            Ok(InboxRow {
                overdue,
                remind: open_level(cut, &task),
                title: s(r, b)?,
                direction: if s(r, b + 1)? == "in" {
                    Direction::In
                } else {
                    Direction::Out
                },
                urgency: Urgency::parse(&s(r, b + 2)?).unwrap_or(Urgency::Normal),
                status: Status::parse(&s(r, b + 3)?).unwrap_or(Status::Drafting),
                number,
                task,
            })
        })
        .collect()
}

/// Who may open a document and its opinions: the office and supervisors
/// (`broad`), whoever filed it, and whoever the route gave a step on it
/// (in person or as B). Nobody else, and never the public.
pub async fn may_view(k: &Kernel, who: &Who, doc: &Doc, broad: bool) -> Result<bool> {
    if broad || doc.created_by == who.me.username || doc.owner() == who.me.username {
        return Ok(true);
    }
    let ids = who.inbox_ids();
    let sql = format!(
        "SELECT COUNT(*) FROM docflow_tasks WHERE doc_id = ? AND assignee_user_id IN ({})",
        in_list(ids.len())
    );
    let mut q = query_dyn(k.db.backend(), sql).bind(doc.id);
    for i in &ids {
        q = q.bind(*i);
    }
    let r = q.fetch_one(k.db.pool()).await?;
    Ok(n(&r, 0)? > 0)
}

/// An open task past its limit, for the office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overdue {
    pub task: Task,
    pub title: String,
    pub assignee: String,
    pub division: Option<String>,
    /// Nobody can act: the holder is away and no B stands in.
    pub uncovered: bool,
    /// 2 (overdue) or 3 (more than two working days overdue).
    pub remind: u8,
}

/// The 催办 level of an open 待办 on the cutoffs' day; 0 otherwise.
fn open_level(c: rules::Cutoffs, task: &Task) -> u8 {
    match (task.state.open() && !task.is_read(), task.due_on.as_deref()) {
        (true, Some(d)) => parse_date(d).map_or(0, |d| rules::remind_level(c, d)),
        _ => 0,
    }
}

pub async fn overdue(k: &Kernel, who: &Who, limit: i64) -> Result<Vec<Overdue>> {
    let cols = TASK_COLS
        .split(", ")
        .map(|c| format!("t.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ");
    let rows = query_dyn(
        k.db.backend(),
        format!(
            "SELECT {cols}, d.title, u.display_name, dv.name FROM docflow_tasks t \
             JOIN docflow_docs d ON d.id = t.doc_id JOIN users u ON u.id = t.assignee_user_id \
             LEFT JOIN divisions dv ON dv.id = COALESCE(t.division_id, u.division_id) \
             WHERE t.kind = 'todo' AND t.state IN ('new', 'claimed') AND t.due_on < ? \
             AND d.status <> 'paused' ORDER BY t.due_on, t.id LIMIT ?"
        ),
    )
    .bind(fmt_date(who.today))
    .bind(limit)
    .fetch_all(k.db.pool())
    .await?;
    let uncovered: Vec<i64> = who
        .posts
        .iter()
        .filter_map(|p| match p.acting {
            Acting::Nobody { a_user_id } => Some(a_user_id),
            _ => None,
        })
        .collect();
    let cut = rules::cutoffs(&k.calendar(), who.today);
    rows.iter()
        .map(|r| {
            let task = task_from(r)?;
            Ok(Overdue {
                uncovered: uncovered.contains(&task.assignee_user_id),
                title: s(r, 18)?,
                assignee: s(r, 19)?,
                division: os(r, 20)?,
                remind: open_level(cut, &task).max(2),
                task,
            })
        })
        .collect()
}

/// What one sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sweep {
    /// People sent a 催办 notice (one each, with their counts).
    pub people: u64,
    /// Open 待办 due by the next working day.
    pub reminded: u64,
    /// Overdue: the division head is told.
    pub overdue: u64,
    /// More than two working days overdue: the deputy is told.
    pub escalated: u64,
    /// Paused documents whose topic was decided.
    pub resumed: usize,
}

/// The sweeper's pass: resumes paused documents whose topic was decided
/// and, on a working day's first pass, sends the day's 催办 notices.
pub async fn sweep(k: &Kernel, now: OffsetDateTime, today: Date) -> Result<Sweep> {
    let mut out = if k.calendar().is_working_day(today) {
        remind(k, now, today).await?
    } else {
        Sweep::default()
    };
    out.resumed = crate::docacts::resume_decided(k, now).await?;
    Ok(out)
}

/// 催办, once a working day: one outbox notice (`docflow.remind`) to each
/// person with open 待办 due by the next working day, with their counts by
/// level, and one audit entry. Levels are not stored: pages compute them
/// from the due date (`rules::remind_level`), so the heads' and deputies'
/// escalation lists are right even on a day the sweeper did not run.
/// A second pass that day (or another node) finds the day recorded and
/// does nothing.
async fn remind(k: &Kernel, now: OffsetDateTime, today: Date) -> Result<Sweep> {
    let c = rules::cutoffs(&k.calendar(), today);
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    let day = fmt_date(today);
    let first = query(
        be,
        "INSERT INTO docflow_sweeps (day, at, people, reminded, overdue, escalated)          VALUES (?, ?, 0, 0, 0, 0) ON CONFLICT (day) DO NOTHING",
    )
    .bind(day.clone())
    .bind(yangguang_kernel::timefmt::rfc3339(now))
    .execute(tx.conn())
    .await?
    .rows_affected();
    if first == 0 {
        return Ok(Sweep::default());
    }
    let rows = query(
        be,
        "SELECT assignee_user_id, \
         CAST(SUM(CASE WHEN due_on >= ? THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN due_on < ? AND due_on >= ? THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN due_on < ? THEN 1 ELSE 0 END) AS BIGINT) \
         FROM docflow_tasks WHERE kind = 'todo' AND state IN ('new', 'claimed') AND due_on <= ? \
         GROUP BY assignee_user_id ORDER BY assignee_user_id",
    )
    .bind(fmt_date(c.overdue))
    .bind(fmt_date(c.overdue))
    .bind(fmt_date(c.late))
    .bind(fmt_date(c.late))
    .bind(fmt_date(c.soon))
    .fetch_all(tx.conn())
    .await?;
    let mut out = Sweep::default();
    let mut notices = Vec::with_capacity(rows.len());
    for r in &rows {
        let (user, soon, overdue, late) = (n(r, 0)?, n(r, 1)?, n(r, 2)?, n(r, 3)?);
        out.people += 1;
        out.reminded += soon as u64;
        out.overdue += overdue as u64;
        out.escalated += late as u64;
        notices.push((
            format!("user:{user}"),
            serde_json::json!({"on": day, "due_soon": soon, "overdue": overdue, "late": late}),
        ));
    }
    crate::store::publish_many(&mut tx, now, "docflow.remind", &notices).await?;
    query(
        be,
        "UPDATE docflow_sweeps SET people = ?, reminded = ?, overdue = ?, escalated = ? WHERE day = ?",
    )
    .bind(out.people as i64)
    .bind(out.reminded as i64)
    .bind(out.overdue as i64)
    .bind(out.escalated as i64)
    .bind(day.clone())
    .execute(tx.conn())
    .await?;
    audit::success(
        &mut tx,
        &k.keys,
        now,
        &Actor::system(),
        "docflow.sweep",
        "docflow",
        serde_json::json!({"on": day, "people": out.people, "reminded": out.reminded, "overdue": out.overdue, "escalated": out.escalated}),
    )
    .await?;
    tx.commit().await?;
    Ok(out)
}

/// Open 待办 of the people this user supervises, past their limit: as
/// division head, their division's overdue tasks (level 2 and up); as
/// deputy in charge, tasks on their documents more than two working days
/// overdue (level 3). (doc, title, holder, due, level)
pub async fn escalated_to(
    k: &Kernel,
    who: &Who,
) -> Result<Vec<(i64, String, String, Option<String>, u8)>> {
    let c = rules::cutoffs(&k.calendar(), who.today);
    let rows = query(
        k.db.backend(),
        "SELECT t.doc_id, d.title, u.display_name, t.due_on FROM docflow_tasks t \
         JOIN docflow_docs d ON d.id = t.doc_id JOIN users u ON u.id = t.assignee_user_id \
         WHERE t.kind = 'todo' AND t.state IN ('new', 'claimed') AND t.assignee_user_id <> ? \
         AND d.status <> 'paused' AND ( \
           (t.due_on < ? AND COALESCE(t.division_id, u.division_id) = ? AND EXISTS \
             (SELECT 1 FROM user_roles r WHERE r.user_id = ? AND r.role = 'division_head')) \
           OR (t.due_on < ? AND d.deputy = ?)) ORDER BY t.due_on LIMIT 100",
    )
    .bind(who.me.id)
    .bind(fmt_date(c.overdue))
    .bind(who.me.division_id.unwrap_or(-1))
    .bind(who.me.id)
    .bind(fmt_date(c.late))
    .bind(who.me.username.clone())
    .fetch_all(k.db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let due = os(r, 3)?;
            let level = due
                .as_deref()
                .and_then(|d| parse_date(d).ok())
                .map_or(0, |d| rules::remind_level(c, d));
            Ok((n(r, 0)?, s(r, 1)?, s(r, 2)?, due, level))
        })
        .collect()
}

/// Per-division timeliness for supervision.
#[derive(Debug, Clone, PartialEq)]
pub struct DivisionStats {
    pub division: String,
    pub on_time: i64,
    pub late: i64,
    pub open: i64,
    pub open_overdue: i64,
    /// Average working days per step, by step label.
    pub avg_days: Vec<(String, f64)>,
}

pub async fn stats(k: &Kernel, from: Date, to: Date, today: Date) -> Result<Vec<DivisionStats>> {
    let rows = query(
        k.db.backend(),
        "SELECT COALESCE(dv.name, '（未归属处室）'), t.step, t.note, t.state, t.due_on, t.done_on, t.created_at \
         FROM docflow_tasks t JOIN users u ON u.id = t.assignee_user_id \
         LEFT JOIN divisions dv ON dv.id = COALESCE(t.division_id, u.division_id) \
         WHERE t.kind = 'todo' AND t.state <> 'cancelled' AND t.created_at >= ? AND t.created_at < ? \
         ORDER BY dv.sort, dv.id",
    )
    .bind(fmt_date(from))
    .bind(fmt_date(to.next_day().unwrap_or(to)))
    .fetch_all(k.db.pool())
    .await?;
    let cal = k.calendar();
    let mut out: Vec<DivisionStats> = Vec::new();
    let mut sums: Vec<Vec<(String, u32, u32)>> = Vec::new();
    for r in &rows {
        let div = s(r, 0)?;
        let step = crate::model::TaskStep::parse(&s(r, 1)?);
        let label = match step {
            Some(crate::model::TaskStep::Sign) => rules::Step::parse(&s(r, 2)?)
                .map(|x| x.label().to_string())
                .unwrap_or_else(|| "审签".into()),
            Some(x) => x.label().to_string(),
            None => continue,
        };
        let state = s(r, 3)?;
        let due = os(r, 4)?.and_then(|d| parse_date(&d).ok());
        let done = os(r, 5)?.and_then(|d| parse_date(&d).ok());
        let created = parse_date(&s(r, 6)?.chars().take(10).collect::<String>()).ok();
        let i = match out.iter().position(|d| d.division == div) {
            Some(i) => i,
            None => {
                out.push(DivisionStats {
                    division: div.clone(),
                    on_time: 0,
                    late: 0,
                    open: 0,
                    open_overdue: 0,
                    avg_days: Vec::new(),
                });
                sums.push(Vec::new());
                out.len() - 1
            }
        };
        let d = &mut out[i];
        if state == "done" {
            match (done, due) {
                (Some(x), Some(y)) if x > y => d.late += 1,
                _ => d.on_time += 1,
            }
            if let (Some(c), Some(x)) = (created, done) {
                let days = cal.working_days_after(c, x);
                match sums[i].iter_mut().find(|s| s.0 == label) {
                    Some(s) => {
                        s.1 += days;
                        s.2 += 1;
                    }
                    None => sums[i].push((label, days, 1)),
                }
            }
        } else {
            d.open += 1;
            if due.is_some_and(|y| y < today) {
                d.open_overdue += 1;
            }
        }
    }
    for (d, s) in out.iter_mut().zip(sums) {
        d.avg_days = s
            .into_iter()
            .map(|(l, sum, cnt)| (l, f64::from(sum) / f64::from(cnt.max(1))))
            .collect();
    }
    Ok(out)
}
