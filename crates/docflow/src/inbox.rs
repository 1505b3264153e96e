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
    rows.iter()
        .map(|r| {
            let task = task_from(r)?;
            let b = 19;
            let number = os(r, b + 4)?.or(match (on(r, b + 5)?, on(r, b + 6)?) {
                (Some(y), Some(q)) => Some(format!("收〔{y}〕{q}号")),
                _ => None,
            });
            let overdue =
                task.state.open() && task.due_on.as_deref().is_some_and(|d| d < today.as_str());
            Ok(InboxRow {
                overdue,
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
             ORDER BY t.due_on, t.id LIMIT ?"
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
    rows.iter()
        .map(|r| {
            let task = task_from(r)?;
            Ok(Overdue {
                uncovered: uncovered.contains(&task.assignee_user_id),
                title: s(r, 19)?,
                assignee: s(r, 20)?,
                division: os(r, 21)?,
                task,
            })
        })
        .collect()
}

/// What one sweep changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sweep {
    /// Newly reminded (due by the next working day).
    pub reminded: u64,
    /// Newly overdue: the division head is told.
    pub overdue: u64,
    /// Newly more than two working days overdue: the deputy is told.
    pub escalated: u64,
    /// Paused documents whose topic was decided.
    pub resumed: usize,
}

/// 催办: raises each open task's reminder level by set-based updates (a
/// level never goes down), with one summary audit entry.
pub async fn sweep(k: &Kernel, now: OffsetDateTime, today: Date) -> Result<Sweep> {
    let c = rules::cutoffs(&k.calendar(), today);
    let mut tx = k.db.begin().await?;
    let be = tx.backend();
    let mut out = Sweep::default();
    for (level, cmp, date) in [(3, "<", c.late), (2, "<", c.overdue), (1, "<=", c.soon)] {
        let sql = format!(
            "UPDATE docflow_tasks SET remind_level = {level} WHERE state IN ('new', 'claimed') \
             AND kind = 'todo' AND due_on {cmp} ? AND remind_level < {level}"
        );
        let n = query_dyn(be, sql)
            .bind(fmt_date(date))
            .execute(tx.conn())
            .await?
            .rows_affected();
        match level {
            3 => out.escalated = n,
            2 => out.overdue = n,
            _ => out.reminded = n,
        }
    }
    if out.reminded + out.overdue + out.escalated > 0 {
        audit::success(
            &mut tx,
            &k.keys,
            now,
            &Actor::system(),
            "docflow.sweep",
            "docflow",
            serde_json::json!({"reminded": out.reminded, "overdue": out.overdue, "escalated": out.escalated, "on": fmt_date(today)}),
        )
        .await?;
        tx.commit().await?;
    } else {
        // Release the write lock before resuming: resume opens its own.
        drop(tx);
    }
    out.resumed = crate::docacts::resume_decided(k, now).await?;
    Ok(out)
}

/// Tasks of the people this user supervises as head or deputy that the
/// sweep escalated to them: level 2 for a division head's division, level
/// 3 for documents whose deputy in charge is this user.
pub async fn escalated_to(
    k: &Kernel,
    who: &Who,
) -> Result<Vec<(i64, String, String, Option<String>, i64)>> {
    let rows = query(
        k.db.backend(),
        "SELECT t.doc_id, d.title, u.display_name, t.due_on, t.remind_level FROM docflow_tasks t \
         JOIN docflow_docs d ON d.id = t.doc_id JOIN users u ON u.id = t.assignee_user_id \
         WHERE t.kind = 'todo' AND t.state IN ('new', 'claimed') AND t.assignee_user_id <> ? AND ( \
           (t.remind_level >= 2 AND COALESCE(t.division_id, u.division_id) = ? AND EXISTS \
             (SELECT 1 FROM user_roles r WHERE r.user_id = ? AND r.role = 'division_head')) \
           OR (t.remind_level >= 3 AND d.deputy = ?)) ORDER BY t.due_on LIMIT 100",
    )
    .bind(who.me.id)
    .bind(who.me.division_id.unwrap_or(-1))
    .bind(who.me.id)
    .bind(who.me.username.clone())
    .fetch_all(k.db.pool())
    .await?;
    rows.iter()
        .map(|r| Ok((n(r, 0)?, s(r, 1)?, s(r, 2)?, os(r, 3)?, n(r, 4)?)))
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
