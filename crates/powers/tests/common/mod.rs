//! What the case tests share: a bureau of one division with the window and
//! enforcement posts, its people and the shipped processes; items; moving
//! a case step by step as a person would.

#![allow(dead_code)]

use time::macros::datetime;
use time::{Date, OffsetDateTime};
use yangguang_kernel::audit::Actor;
use yangguang_kernel::org::Role;
use yangguang_kernel::org_store::{self, NewDivision, NewPost, NewUser};
use yangguang_kernel::{Error, Kernel};
use yangguang_powers::case::StepInput;
use yangguang_powers::case_store;
use yangguang_powers::model::{Basis, Category, Content, DaysKind, Limit, Tier};
use yangguang_powers::{seed, store, who};
use yangguang_process::{Value, Vars};

pub const AGENCY: &str = "014101876";
pub const HQ: &str = "危险化学品安全监督管理处";
pub const WINDOW: &str = "行政许可窗口岗";
pub const ENFORCEMENT: &str = "行政执法监察岗";

/// 09:00 Beijing time on `d`.
pub fn at(d: Date) -> OffsetDateTime {
    d.with_hms(1, 0, 0).expect("time").assume_utc()
}

pub fn vars(pairs: &[(&str, Value)]) -> Vars {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

pub async fn count(k: &Kernel, sql: &'static str) -> i64 {
    yangguang_kernel::db::query_scalar(k.db.backend(), sql)
        .fetch_one(k.db.pool())
        .await
        .expect("count")
}

pub fn open_nodes(c: &case_store::Case) -> Vec<String> {
    yangguang_process::engine::open_tasks(&c.definition, &c.instance)
        .into_iter()
        .map(|t| t.node)
        .collect()
}

/// The agency, division `wh`, these people (username, name, role) and
/// posts (post, A, B), and the shipped process definitions.
pub async fn bureau(
    k: &Kernel,
    people: &[(&str, &str, Role)],
    posts: &[(&str, &str, Option<&str>)],
) {
    let now = datetime!(2026-03-01 09:00 +8);
    let cli = Actor::cli();
    org_store::add_agency(
        k,
        &cli,
        now,
        org_store::NewAgency {
            code: AGENCY.into(),
            name: "苏州市安全生产监督管理局".into(),
            short_name: "苏州市安监局".into(),
            doc_prefix: "苏安监".into(),
            address: String::new(),
            phone: String::new(),
        },
    )
    .await
    .expect("agency");
    org_store::add_division(
        k,
        &cli,
        now,
        NewDivision {
            agency_code: AGENCY,
            code: "wh",
            name: HQ,
            kind: "division",
            sort: 1,
        },
    )
    .await
    .expect("division");
    for (u, n, role) in people {
        org_store::add_user(
            k,
            &cli,
            now,
            NewUser {
                username: (*u).into(),
                display_name: (*n).into(),
                agency_code: Some(AGENCY.into()),
                division_code: Some("wh".into()),
                title: String::new(),
                password: "Pass-word-2026!".into(),
                roles: vec![*role],
            },
        )
        .await
        .expect("user");
    }
    for (post, a, b) in posts {
        org_store::add_post(
            k,
            &cli,
            now,
            NewPost {
                agency_code: AGENCY,
                division_code: Some("wh"),
                name: post,
                a_username: a,
                b_username: *b,
            },
        )
        .await
        .expect("post");
    }
    for (file, xml) in seed::PROCESSES {
        yangguang_powers::process_store::import_process(k, now, &cli, xml, "")
            .await
            .unwrap_or_else(|e| panic!("{file}: {e}"));
    }
}

/// The usual people: two window staff (A and B of the window post), an
/// inspector (A of the enforcement post), the division head, a deputy,
/// the principal and an office member.
pub async fn usual_bureau(k: &Kernel) {
    bureau(
        k,
        &[
            ("window1", "徐窗口", Role::Staff),
            ("window2", "王窗口", Role::Staff),
            ("inspector", "郑执法", Role::Staff),
            ("head", "何处长", Role::DivisionHead),
            ("deputy", "李副局长", Role::DeputyLeader),
            ("chief", "王局长", Role::PrincipalLeader),
            ("office1", "赵办公", Role::Office),
        ],
        &[
            (WINDOW, "window1", Some("window2")),
            (ENFORCEMENT, "inspector", None),
        ],
    )
    .await;
}

/// An item of `category` run by `process`: licensing 20 working days
/// (ordinary unless `tier` says otherwise), penalty 90 calendar days.
pub fn content(
    name: &str,
    category: Category,
    tier: Option<Tier>,
    unit: &str,
    post: &str,
    process: &str,
) -> Content {
    Content {
        name: name.into(),
        category,
        basis: vec![Basis {
            law: "危险化学品安全管理条例".into(),
            article: "第三十三条".into(),
            clause: String::new(),
            text: "国家对危险化学品经营（包括仓储经营）实行许可制度。".into(),
        }],
        penalty: String::new(),
        unit: unit.into(),
        post: post.into(),
        conditions: String::new(),
        materials: vec!["申请书".into()],
        statutory: Some(if category == Category::Penalty {
            Limit {
                days: 90,
                kind: DaysKind::Calendar,
            }
        } else {
            Limit {
                days: 20,
                kind: DaysKind::Working,
            }
        }),
        promised: None,
        fees: String::new(),
        tier: tier.or((category == Category::Licensing).then_some(Tier::Ordinary)),
        process: process.into(),
        channel: String::new(),
    }
}

/// An item of the 危化处 with the window post.
pub fn item(name: &str, category: Category, tier: Option<Tier>, process: &str) -> Content {
    content(name, category, tier, HQ, WINDOW, process)
}

pub async fn add_items(k: &Kernel, items: &[(&str, Content)]) {
    let now = datetime!(2026-03-01 09:00 +8);
    let mut tx = k.db.begin().await.expect("tx");
    for (code, c) in items {
        store::save_in(&mut tx, k, now, &Actor::cli(), code, c, "")
            .await
            .expect("item");
    }
    tx.commit().await.expect("commit");
}

/// `user` completes `node` on `on` as the case page would: the audit
/// actor is B for A when the step is a post `user` covers as B.
pub async fn act(
    k: &Kernel,
    user: &str,
    on: Date,
    id: i64,
    node: &str,
    v: Vars,
    input: StepInput,
) -> Result<(), Error> {
    let w = who::who(k, user, on).await.expect("who");
    let c = case_store::get(k, id).await.expect("case");
    let cand = yangguang_process::engine::open_tasks(&c.definition, &c.instance)
        .into_iter()
        .find(|t| t.node == node)
        .and_then(|t| t.candidate);
    let actor = w.actor_for(cand.as_ref());
    let input = StepInput {
        node: node.into(),
        ..input
    };
    case_store::act_on(k, at(on), &actor, &w.engine, &c, input, v).await
}

pub fn opinion(s: &str) -> StepInput {
    StepInput {
        opinion: s.into(),
        ..StepInput::default()
    }
}
