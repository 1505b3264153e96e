//! Cases through the store on SQLite and PostgreSQL, each on the clock
//! the law sets: a licence from intake through 一次告知, 受理, an approved
//! extension, review by the B holder while A is away, decision and
//! certificate; a major licence through a collective decision that resumes
//! from the outbox; the 5-day notice limit passing (deemed accepted); a
//! penalty through the hearing window and the hearing notice rule.

mod common;

use common::{AGENCY, act, add_items, at, count, item, open_nodes, usual_bureau, vars};
use time::macros::date;
use yangguang_kernel::audit::Actor;
use yangguang_kernel::org::Role;
use yangguang_kernel::org_store::{self, NewUser};
use yangguang_kernel::testing::kernels;
use yangguang_kernel::{Error, Kernel};
use yangguang_powers::case::{IntendedInput, StepInput};
use yangguang_powers::case_store::{self, Channel, NewCase};
use yangguang_powers::model::{Category, Tier};
use yangguang_powers::rules::{CaseFacts, LargerAmounts, Party, PenaltyKind};
use yangguang_powers::sweeper;
use yangguang_process::{Value, Vars};

async fn setup(k: &Kernel) {
    usual_bureau(k).await;
    add_items(
        k,
        &[
            (
                "XK-001",
                item(
                    "危险化学品经营许可证核发",
                    Category::Licensing,
                    Some(Tier::Ordinary),
                    "licensing",
                ),
            ),
            (
                "XK-002",
                item(
                    "危险化学品建设项目安全条件审查",
                    Category::Licensing,
                    Some(Tier::Major),
                    "licensing",
                ),
            ),
            (
                "CF-001",
                item(
                    "对未按照规定设置安全生产管理机构的处罚",
                    Category::Penalty,
                    None,
                    "penalty",
                ),
            ),
        ],
    )
    .await;
}

#[tokio::test]
async fn a_licence_runs_intake_notice_acceptance_extension_decision_and_certificate_on_the_working_day_clock()
 {
    for (be, k) in kernels("powers_cases", &yangguang_web::migrations())
        .await
        .expect("kernels")
    {
        setup(&k).await;
        let opened = case_store::open(
            &k,
            at(date!(2026 - 03 - 02)),
            &Actor::user("window1"),
            NewCase {
                item_code: "XK-001".into(),
                party: "苏州某化工贸易有限公司".into(),
                contact: "0512-66660000".into(),
                subject: "申请危险化学品经营许可证".into(),
                channel: Channel::Window,
                received_on: date!(2026 - 03 - 02),
            },
        )
        .await
        .expect("open");
        assert_eq!(opened.case_no, "XK-2026-000001", "{be}");
        assert_eq!(opened.query_code.len(), 8, "{be}");
        let id = opened.id;
        let c = case_store::get(&k, id).await.expect("case");
        assert_eq!(open_nodes(&c), vec!["check"], "{be}");
        assert_eq!(c.due_label, "一次告知期限", "{be}");
        assert_eq!(
            c.due_on,
            Some(date!(2026 - 03 - 09)),
            "{be}: five working days after receipt"
        );
        assert_eq!(c.owner, "window1", "{be}: 首问负责");

        // Someone the definition does not name is refused; nothing written.
        let steps = count(&k, "SELECT COUNT(*) FROM power_case_steps").await;
        let e = act(
            &k,
            "head",
            date!(2026 - 03 - 03),
            id,
            "check",
            vars(&[("materials_complete", Value::Bool(false))]),
            StepInput::default(),
        )
        .await
        .expect_err("not the window");
        assert!(matches!(e, Error::Forbidden(_)), "{be}: {e}");
        assert!(e.to_string().contains("行政许可窗口岗"), "{be}: {e}");
        assert_eq!(
            count(&k, "SELECT COUNT(*) FROM power_case_steps").await,
            steps,
            "{be}"
        );

        act(
            &k,
            "window1",
            date!(2026 - 03 - 03),
            id,
            "check",
            vars(&[("materials_complete", Value::Bool(false))]),
            StepInput::default(),
        )
        .await
        .expect("check");
        let e = act(
            &k,
            "window1",
            date!(2026 - 03 - 03),
            id,
            "notify",
            Vars::new(),
            StepInput::default(),
        )
        .await
        .expect_err("no list");
        assert!(
            e.to_string().contains("一次告知应列明需要补正的全部材料"),
            "{be}: {e}"
        );
        act(
            &k,
            "window1",
            date!(2026 - 03 - 03),
            id,
            "notify",
            Vars::new(),
            StepInput {
                missing: vec!["营业执照副本".into(), "安全评价报告".into()],
                ..StepInput::default()
            },
        )
        .await
        .expect("notify");
        act(
            &k,
            "window1",
            date!(2026 - 03 - 05),
            id,
            "recheck",
            vars(&[("materials_complete", Value::Bool(true))]),
            StepInput::default(),
        )
        .await
        .expect("recheck");
        act(
            &k,
            "window1",
            date!(2026 - 03 - 05),
            id,
            "accept",
            Vars::new(),
            StepInput::default(),
        )
        .await
        .expect("accept");
        let c = case_store::get(&k, id).await.expect("case");
        assert_eq!(c.facts.notice_on, Some(date!(2026 - 03 - 03)), "{be}");
        assert_eq!(c.facts.accepted_on, Some(date!(2026 - 03 - 05)), "{be}");
        assert!(!c.facts.deemed_accepted, "{be}");
        assert_eq!(c.due_label, "办理期限", "{be}");
        assert_eq!(
            c.due_on,
            Some(date!(2026 - 04 - 02)),
            "{be}: 20 working days after acceptance"
        );
        assert_eq!(
            open_nodes(&c),
            vec!["review_window"],
            "{be}: an ordinary item is decided at the window"
        );

        // One extension of 10 working days, across 清明 (2026-04-04..06).
        case_store::change_facts(
            &k,
            at(date!(2026 - 03 - 20)),
            &Actor::user("chief"),
            id,
            |c, today| {
                yangguang_powers::case::extend(
                    c.kind,
                    &c.facts,
                    "chief",
                    "需现场核查储存设施",
                    0,
                    today,
                )
            },
            "powers.case_extend",
        )
        .await
        .expect("extend");
        assert_eq!(
            case_store::get(&k, id).await.expect("case").due_on,
            Some(date!(2026 - 04 - 17)),
            "{be}"
        );
        let e = case_store::change_facts(
            &k,
            at(date!(2026 - 03 - 21)),
            &Actor::user("chief"),
            id,
            |c, today| {
                yangguang_powers::case::extend(c.kind, &c.facts, "chief", "再次延长", 0, today)
            },
            "powers.case_extend",
        )
        .await
        .expect_err("once only");
        assert!(e.to_string().contains("已经延长过一次"), "{be}: {e}");

        // A is away: B completes the window's step, recorded as B for A.
        org_store::add_leave(
            &k,
            &Actor::cli(),
            at(date!(2026 - 03 - 01)),
            "window1",
            "2026-03-23",
            "2026-03-27",
            "年休假",
        )
        .await
        .expect("leave");
        let e = act(
            &k,
            "window1",
            date!(2026 - 03 - 23),
            id,
            "review_window",
            Vars::new(),
            StepInput {
                opinion: "材料齐全".into(),
                ..StepInput::default()
            },
        )
        .await
        .expect_err("A is away");
        assert!(matches!(e, Error::Forbidden(_)), "{be}: {e}");
        act(
            &k,
            "window2",
            date!(2026 - 03 - 23),
            id,
            "review_window",
            Vars::new(),
            StepInput {
                opinion: "经审查符合条件，拟准予许可".into(),
                ..StepInput::default()
            },
        )
        .await
        .expect("B acts");
        let acting: String = yangguang_kernel::db::query_scalar(k.db.backend(), "SELECT acting_for FROM power_case_steps WHERE node = 'review_window' AND what = 'completed'")
            .fetch_one(k.db.pool())
            .await
            .expect("step");
        assert_eq!(acting, "window1", "{be}");

        act(
            &k,
            "deputy",
            date!(2026 - 03 - 24),
            id,
            "decide",
            vars(&[("granted", Value::Bool(true))]),
            StepInput {
                opinion: "准予许可，核发危险化学品经营许可证".into(),
                ..StepInput::default()
            },
        )
        .await
        .expect("decide");
        let c = case_store::get(&k, id).await.expect("case");
        assert_eq!(c.facts.decided_on, Some(date!(2026 - 03 - 24)), "{be}");
        assert_eq!(c.due_label, "送达期限", "{be}");
        assert_eq!(
            c.due_on,
            Some(date!(2026 - 04 - 08)),
            "{be}: ten working days to issue the certificate, 清明 not counted"
        );
        act(
            &k,
            "window2",
            date!(2026 - 03 - 25),
            id,
            "issue",
            Vars::new(),
            StepInput {
                opinion: "证件已送达".into(),
                ..StepInput::default()
            },
        )
        .await
        .expect("issue");
        let c = case_store::get(&k, id).await.expect("case");
        assert!(!c.open, "{be}: ended");
        let on_time: i64 = yangguang_kernel::db::query_scalar(
            k.db.backend(),
            "SELECT on_time FROM power_cases WHERE id = ?",
        )
        .bind(id)
        .fetch_one(k.db.pool())
        .await
        .expect("on time");
        assert_eq!(on_time, 1, "{be}");

        assert!(
            case_store::find_by_code(&k, &opened.case_no, &opened.query_code)
                .await
                .expect("find")
                .is_some(),
            "{be}"
        );
        assert!(
            case_store::find_by_code(&k, &opened.case_no, "ABCDEFGH")
                .await
                .expect("find")
                .is_none(),
            "{be}"
        );
    }
}

#[tokio::test]
async fn a_major_licence_waits_for_the_bureau_meeting_and_resumes_from_the_outbox() {
    for (be, k) in kernels("powers_major", &yangguang_web::migrations())
        .await
        .expect("kernels")
    {
        setup(&k).await;
        let id = case_store::open(
            &k,
            at(date!(2026 - 03 - 02)),
            &Actor::user("window1"),
            NewCase {
                item_code: "XK-002".into(),
                party: "苏州某化工有限公司".into(),
                contact: String::new(),
                subject: "新建储罐区建设项目安全条件审查".into(),
                channel: Channel::Online,
                received_on: date!(2026 - 03 - 02),
            },
        )
        .await
        .expect("open")
        .id;
        act(
            &k,
            "window1",
            date!(2026 - 03 - 02),
            id,
            "check",
            vars(&[("materials_complete", Value::Bool(true))]),
            StepInput::default(),
        )
        .await
        .expect("check");
        act(
            &k,
            "window1",
            date!(2026 - 03 - 02),
            id,
            "accept",
            Vars::new(),
            StepInput::default(),
        )
        .await
        .expect("accept");
        let c = case_store::get(&k, id).await.expect("case");
        assert_eq!(open_nodes(&c), vec!["review_meeting"], "{be}");
        let topic = c.topic_id.expect("a 三重一大 topic");
        let title: String = yangguang_kernel::db::query_scalar(
            k.db.backend(),
            "SELECT title FROM decision_topics WHERE id = ?",
        )
        .bind(topic)
        .fetch_one(k.db.pool())
        .await
        .expect("topic");
        assert!(title.contains("XK-2026-000001"), "{be}: {title}");
        assert_eq!(
            sweeper::follow_decisions(&k, at(date!(2026 - 03 - 10)))
                .await
                .expect("follow"),
            0,
            "{be}: nothing decided yet"
        );

        let mut tx = k.db.begin().await.expect("tx");
        yangguang_decisions::topic::publish_decided(
            &mut tx,
            at(date!(2026 - 03 - 12)),
            topic,
            yangguang_decisions::model::TopicStatus::Adopted,
        )
        .await
        .expect("publish");
        tx.commit().await.expect("commit");
        assert_eq!(
            sweeper::follow_decisions(&k, at(date!(2026 - 03 - 12)))
                .await
                .expect("follow"),
            1,
            "{be}"
        );
        assert_eq!(
            sweeper::follow_decisions(&k, at(date!(2026 - 03 - 12)))
                .await
                .expect("follow"),
            0,
            "{be}: once"
        );
        let c = case_store::get(&k, id).await.expect("case");
        assert_eq!(open_nodes(&c), vec!["decide"], "{be}");
    }
}

#[tokio::test]
async fn no_notice_within_five_working_days_means_accepted_on_the_day_of_receipt() {
    for (be, k) in kernels("powers_deemed", &yangguang_web::migrations())
        .await
        .expect("kernels")
    {
        setup(&k).await;
        let id = case_store::open(
            &k,
            at(date!(2026 - 09 - 28)),
            &Actor::user("window1"),
            NewCase {
                item_code: "XK-001".into(),
                party: "苏州某贸易公司".into(),
                contact: String::new(),
                subject: "申请危险化学品经营许可证".into(),
                channel: Channel::Window,
                received_on: date!(2026 - 09 - 28),
            },
        )
        .await
        .expect("open")
        .id;
        // 2026-09-28 + 5 working days: 09-29, 09-30, (国庆 10-01..07), 10-08, 10-09 and the make-up Saturday 10-10.
        let c = case_store::get(&k, id).await.expect("case");
        assert_eq!(c.due_on, Some(date!(2026 - 10 - 10)), "{be}");
        assert_eq!(
            case_store::tick(&k, at(date!(2026 - 10 - 10)))
                .await
                .expect("tick"),
            0,
            "{be}: the last day is still in time"
        );
        assert_eq!(
            case_store::tick(&k, at(date!(2026 - 10 - 11)))
                .await
                .expect("tick"),
            1,
            "{be}"
        );
        let c = case_store::get(&k, id).await.expect("case");
        assert!(c.facts.deemed_accepted, "{be}");
        assert_eq!(c.facts.accepted_on, Some(date!(2026 - 09 - 28)), "{be}");
        assert_eq!(open_nodes(&c), vec!["accept"], "{be}");
    }
}

#[tokio::test]
async fn a_penalty_waits_out_the_hearing_window_and_holds_the_hearing_seven_working_days_after_notice()
 {
    for (be, k) in kernels("powers_penalty", &yangguang_web::migrations())
        .await
        .expect("kernels")
    {
        setup(&k).await;
        let id = open_penalty(&k, "未按照规定设置安全生产管理机构").await;
        act(
            &k,
            "inspector",
            date!(2026 - 12 - 01),
            id,
            "register",
            Vars::new(),
            StepInput {
                opinion: "予以立案".into(),
                ..StepInput::default()
            },
        )
        .await
        .expect("register");
        let c = case_store::get(&k, id).await.expect("case");
        assert_eq!(
            c.due_on,
            Some(date!(2027 - 03 - 01)),
            "{be}: 90 calendar days from 立案"
        );
        act(
            &k,
            "inspector",
            date!(2026 - 12 - 10),
            id,
            "investigate",
            Vars::new(),
            StepInput {
                opinion: "调查终结".into(),
                ..StepInput::default()
            },
        )
        .await
        .expect("investigate");
        act(
            &k,
            "head",
            date!(2026 - 12 - 11),
            id,
            "examine",
            Vars::new(),
            StepInput {
                opinion: "事实清楚".into(),
                ..StepInput::default()
            },
        )
        .await
        .expect("examine");
        let no_hearing = vars(&[("hearing_requested", Value::Bool(false))]);
        let with_hearing = vars(&[("hearing_requested", Value::Bool(true))]);
        let told = |intended| StepInput {
            informed_on: Some(date!(2026 - 12 - 14)),
            intended,
            ..StepInput::default()
        };
        let inform = |v: &Vars, input: StepInput| {
            let (k, v) = (k.clone(), v.clone());
            async move {
                act(
                    &k,
                    "inspector",
                    date!(2026 - 12 - 16),
                    id,
                    "inform",
                    v,
                    input,
                )
                .await
            }
        };
        let e = inform(&no_hearing, told(None))
            .await
            .expect_err("the penalty must be stated");
        assert!(
            e.to_string().contains("请选择拟作出的行政处罚种类"),
            "{be}: {e}"
        );
        let e = inform(&no_hearing, told(fine(None, CaseFacts::default())))
            .await
            .expect_err("a fine needs its amount");
        assert!(
            e.to_string().contains("拟罚款的，请填写金额（元）"),
            "{be}: {e}"
        );
        // 50,000 元 to an organisation is a 较大数额 (30,000 元以上): the
        // party may ask for a hearing within five working days.
        let e = inform(&no_hearing, told(fine(Some(50_000), CaseFacts::default())))
            .await
            .expect_err("window still open");
        assert!(e.to_string().contains("至2026-12-21尚未届满"), "{be}: {e}");
        // 20,000 元 is not: a hearing request is not the party's to make.
        let e = inform(
            &with_hearing,
            told(fine(Some(20_000), CaseFacts::default())),
        )
        .await
        .expect_err("no hearing right under 较大数额");
        assert!(
            e.to_string()
                .contains("不属于《行政处罚法》第六十三条规定的听证范围（对法人或者其他组织较大数额为30000元以上）"),
            "{be}: {e}"
        );
        // Once the office enters the province's own figure (15,000 元 for
        // an organisation), the same 20,000 元 fine carries the right.
        yangguang_powers::settings::set_larger_amounts(
            &k,
            &Actor::user("office1"),
            at(date!(2026 - 12 - 16)),
            &LargerAmounts {
                individual_yuan: 5_000,
                organisation_yuan: 15_000,
                basis: "省人民政府关于行政处罚较大数额标准的规定".into(),
            },
        )
        .await
        .expect("setting");
        let major = CaseFacts {
            major_rights: true,
            ..CaseFacts::default()
        };
        inform(&with_hearing, told(fine(Some(20_000), major)))
            .await
            .expect("inform");
        let c = case_store::get(&k, id).await.expect("case");
        let it = c.facts.intended.expect("the 告知 is recorded");
        assert!(it.hearing_right && !it.facts.heard, "{be}: {it:?}");
        assert_eq!(it.threshold_yuan, 15_000, "{be}");
        assert_eq!(open_nodes(&c), vec!["hearing"], "{be}");
        let e = act(
            &k,
            "head",
            date!(2026 - 12 - 28),
            id,
            "hearing",
            Vars::new(),
            StepInput {
                hearing_notice_on: Some(date!(2026 - 12 - 18)),
                hearing_on: Some(date!(2026 - 12 - 25)),
                ..StepInput::default()
            },
        )
        .await
        .expect_err("notice too late");
        assert!(e.to_string().contains("不足七个工作日"), "{be}: {e}");
        act(
            &k,
            "head",
            date!(2026 - 12 - 30),
            id,
            "hearing",
            Vars::new(),
            StepInput {
                hearing_notice_on: Some(date!(2026 - 12 - 18)),
                hearing_on: Some(date!(2026 - 12 - 29)),
                ..StepInput::default()
            },
        )
        .await
        .expect("hearing");
        let c = case_store::get(&k, id).await.expect("case");
        assert_eq!(
            open_nodes(&c),
            vec!["legal_review"],
            "{be}: 重大权益 and a hearing held: 法制审核 (第五十八条第一款第（二）项)"
        );
        assert_eq!(c.facts.hearing_on, Some(date!(2026 - 12 - 29)), "{be}");

        // 法制审核, approval, the decision disclosed, served; then changed on
        // review and the disclosure withdrawn with its reason.
        let say = |o: &str| StepInput {
            opinion: o.into(),
            ..StepInput::default()
        };
        act(
            &k,
            "head",
            date!(2026 - 12 - 30),
            id,
            "legal_review",
            Vars::new(),
            say("审核通过"),
        )
        .await
        .expect("review");
        act(
            &k,
            "chief",
            date!(2026 - 12 - 31),
            id,
            "approve",
            Vars::new(),
            say("同意"),
        )
        .await
        .expect("approve");
        act(
            &k,
            "inspector",
            date!(2026 - 12 - 31),
            id,
            "decide",
            vars(&[("disclose", Value::Bool(true))]),
            say("责令限期改正，处罚款人民币五万元"),
        )
        .await
        .expect("decide");
        let c = case_store::get(&k, id).await.expect("case");
        assert_eq!(
            open_nodes(&c),
            vec!["serve", "disclose"],
            "{be}: served and disclosed in parallel"
        );
        let office = "head";
        let e = act(
            &k,
            office,
            date!(2027 - 01 - 04),
            id,
            "disclose",
            Vars::new(),
            say("公开"),
        )
        .await
        .expect_err("the office discloses");
        assert!(matches!(e, Error::Forbidden(_)), "{be}: {e}");
        yangguang_kernel::org_store::add_user(
            &k,
            &Actor::cli(),
            at(date!(2027 - 01 - 04)),
            NewUser {
                username: "officer".into(),
                display_name: "周文秘".into(),
                agency_code: Some(AGENCY.into()),
                division_code: None,
                title: String::new(),
                password: "Pass-word-2026!".into(),
                roles: vec![Role::Office],
            },
        )
        .await
        .expect("office user");
        act(
            &k,
            "officer",
            date!(2027 - 01 - 04),
            id,
            "disclose",
            Vars::new(),
            say("提交公开"),
        )
        .await
        .expect("disclose");
        let c = case_store::get(&k, id).await.expect("case");
        let item = c.facts.disclosure_item.expect("a 主动公开 draft");
        let (title, category): (String, String) = {
            use sqlx::Row;
            let r = yangguang_kernel::db::query(
                k.db.backend(),
                "SELECT title, category_code FROM disclosure_items WHERE id = ?",
            )
            .bind(item)
            .fetch_one(k.db.pool())
            .await
            .expect("item");
            (
                r.try_get(0).expect("title"),
                r.try_get(1).expect("category"),
            )
        };
        assert!(
            title.contains("行政处罚决定信息") && title.contains(&c.case_no),
            "{be}: {title}"
        );
        assert_eq!(category, "xzzf_cf", "{be}");
        act(
            &k,
            "inspector",
            date!(2027 - 01 - 05),
            id,
            "serve",
            Vars::new(),
            say("直接送达"),
        )
        .await
        .expect("serve");
        act(
            &k,
            "inspector",
            date!(2027 - 01 - 06),
            id,
            "close",
            Vars::new(),
            say("结案"),
        )
        .await
        .expect("close");
        assert!(!case_store::get(&k, id).await.expect("case").open, "{be}");

        // The office publishes the draft through its pipeline.
        {
            use yangguang_disclosure::model::{Action, SECRECY_CHECKS};
            let clear = Action::Clear {
                confirmed: SECRECY_CHECKS.iter().map(|(c, _)| c.to_string()).collect(),
            };
            let publish = Action::Publish { change_note: None };
            for a in [Action::Submit, Action::Approve, clear, publish] {
                yangguang_disclosure::store::act(
                    &k,
                    &Actor::user("office1"),
                    at(date!(2027 - 01 - 07)),
                    item,
                    &a,
                    None,
                )
                .await
                .unwrap_or_else(|e| panic!("{be}: {a:?}: {e}"));
            }
        }

        let withdraw = |on: time::Date, reason: &'static str| {
            let k = k.clone();
            async move {
                case_store::change_closed_facts(
                    &k,
                    at(date!(2027 - 03 - 10)),
                    &Actor::user("inspector"),
                    id,
                    move |c, today| {
                        yangguang_powers::release::withdraw(&c.facts, on, reason, today)
                    },
                    "powers.case_withdraw",
                )
                .await
            }
        };
        let e = withdraw(date!(2027 - 03 - 09), "  ")
            .await
            .expect_err("a reason is required");
        assert!(e.to_string().contains("撤回理由"), "{be}: {e}");
        withdraw(date!(2027 - 03 - 09), "行政复议决定变更罚款数额")
            .await
            .expect("withdraw");
        let c = case_store::get(&k, id).await.expect("case");
        assert_eq!(c.facts.withdrawn_on, Some(date!(2027 - 03 - 10)), "{be}");
        assert_eq!(c.facts.changed_on, Some(date!(2027 - 03 - 09)), "{be}");
        // The public item is withdrawn with it, in the same transaction,
        // and says why.
        let public = yangguang_disclosure::store::item(&k, item)
            .await
            .expect("item");
        assert_eq!(
            public.status,
            yangguang_disclosure::model::Status::Withdrawn,
            "{be}"
        );
        assert_eq!(
            public.withdrawn_reason.as_deref(),
            Some("行政处罚决定被变更或撤销，依法撤回：行政复议决定变更罚款数额"),
            "{be}"
        );
        let e = withdraw(date!(2027 - 03 - 09), "再次撤回")
            .await
            .expect_err("once");
        assert!(e.to_string().contains("已经撤回"), "{be}: {e}");
    }
}

/// A penalty case on CF-001 found by the inspector on 2026-12-01.
async fn open_penalty(k: &Kernel, subject: &str) -> i64 {
    case_store::open(
        k,
        at(date!(2026 - 12 - 01)),
        &Actor::user("inspector"),
        NewCase {
            item_code: "CF-001".into(),
            party: "苏州某机械制造有限公司".into(),
            contact: String::new(),
            subject: subject.into(),
            channel: Channel::ExOfficio,
            received_on: date!(2026 - 12 - 01),
        },
    )
    .await
    .expect("open")
    .id
}

/// A fine to an organisation, as the 告知 states it.
fn fine(amount_yuan: Option<i64>, facts: CaseFacts) -> Option<IntendedInput> {
    Some(IntendedInput {
        kind: PenaltyKind::Fine,
        amount_yuan,
        party: Party::Organisation,
        facts,
    })
}

#[tokio::test]
async fn a_fine_under_the_larger_amount_has_no_hearing_window_and_the_facts_route_review_and_collective_decision()
 {
    for (be, k) in kernels("powers_small_fine", &yangguang_web::migrations())
        .await
        .expect("kernels")
    {
        setup(&k).await;
        let mut ids = Vec::new();
        for subject in [
            "未如实记录安全生产教育和培训情况",
            "未按照规定制定生产安全事故应急救援预案",
        ] {
            let id = open_penalty(&k, subject).await;
            for (who, on, node) in [
                ("inspector", date!(2026 - 12 - 01), "register"),
                ("inspector", date!(2026 - 12 - 10), "investigate"),
                ("head", date!(2026 - 12 - 11), "examine"),
            ] {
                act(&k, who, on, id, node, Vars::new(), StepInput::default())
                    .await
                    .unwrap_or_else(|e| panic!("{be}: {node}: {e}"));
            }
            ids.push(id);
        }
        let no_hearing = vars(&[("hearing_requested", Value::Bool(false))]);
        // 20,000 元: no hearing right, so "no hearing" is recorded the day
        // after the 告知, and with no ground of 第五十八条 or 第五十七条 the
        // case goes straight to the head's approval.
        act(
            &k,
            "inspector",
            date!(2026 - 12 - 15),
            ids[0],
            "inform",
            no_hearing.clone(),
            StepInput {
                informed_on: Some(date!(2026 - 12 - 14)),
                intended: fine(Some(20_000), CaseFacts::default()),
                ..StepInput::default()
            },
        )
        .await
        .expect("inform");
        let c = case_store::get(&k, ids[0]).await.expect("case");
        assert_eq!(open_nodes(&c), vec!["approve"], "{be}");
        assert!(!c.facts.intended.expect("intended").hearing_right, "{be}");
        // The same fine in a case that is 疑难复杂 and a 重大违法行为: 法制审核,
        // then the collective decision (a 三重一大 topic).
        act(
            &k,
            "inspector",
            date!(2026 - 12 - 15),
            ids[1],
            "inform",
            no_hearing,
            StepInput {
                informed_on: Some(date!(2026 - 12 - 14)),
                intended: fine(
                    Some(20_000),
                    CaseFacts {
                        difficult: true,
                        major_violation: true,
                        ..CaseFacts::default()
                    },
                ),
                ..StepInput::default()
            },
        )
        .await
        .expect("inform");
        let c = case_store::get(&k, ids[1]).await.expect("case");
        assert_eq!(open_nodes(&c), vec!["legal_review"], "{be}");
        act(
            &k,
            "head",
            date!(2026 - 12 - 16),
            ids[1],
            "legal_review",
            Vars::new(),
            StepInput::default(),
        )
        .await
        .expect("review");
        let c = case_store::get(&k, ids[1]).await.expect("case");
        assert_eq!(open_nodes(&c), vec!["collective"], "{be}");
        assert!(c.topic_id.is_some(), "{be}: a topic for the meeting");
    }
}

#[tokio::test]
async fn two_people_completing_one_step_at_once_get_one_success_and_one_refusal() {
    for (be, k) in kernels("powers_race", &yangguang_web::migrations())
        .await
        .expect("kernels")
    {
        setup(&k).await;
        let id = case_store::open(
            &k,
            at(date!(2026 - 03 - 02)),
            &Actor::user("window1"),
            NewCase {
                item_code: "XK-001".into(),
                party: "苏州某化工贸易有限公司".into(),
                contact: String::new(),
                subject: "申请危险化学品经营许可证".into(),
                channel: Channel::Window,
                received_on: date!(2026 - 03 - 02),
            },
        )
        .await
        .expect("open")
        .id;
        let v = vars(&[("materials_complete", Value::Bool(true))]);
        let (a, b) = tokio::join!(
            act(
                &k,
                "window1",
                date!(2026 - 03 - 03),
                id,
                "check",
                v.clone(),
                StepInput::default()
            ),
            act(
                &k,
                "window1",
                date!(2026 - 03 - 03),
                id,
                "check",
                v.clone(),
                StepInput::default()
            ),
        );
        let ok = [&a, &b].iter().filter(|r| r.is_ok()).count();
        assert_eq!(ok, 1, "{be}: {a:?} {b:?}");
        let refused = if a.is_err() { a } else { b };
        assert!(
            matches!(refused, Err(Error::Conflict(_))),
            "{be}: {refused:?}"
        );
        let completed: i64 = yangguang_kernel::db::query_scalar(
            k.db.backend(),
            "SELECT COUNT(*) FROM power_case_steps WHERE node = 'check' AND what = 'completed'",
        )
        .fetch_one(k.db.pool())
        .await
        .expect("count");
        assert_eq!(completed, 1, "{be}");
    }
}

#[tokio::test]
async fn a_new_version_of_a_definition_leaves_running_cases_on_the_version_they_started_on() {
    for (be, k) in kernels("powers_versions", &yangguang_web::migrations())
        .await
        .expect("kernels")
    {
        setup(&k).await;
        let new_case = |item: &'static str| {
            let k = k.clone();
            async move {
                case_store::open(
                    &k,
                    at(date!(2026 - 03 - 02)),
                    &Actor::user("window1"),
                    NewCase {
                        item_code: item.into(),
                        party: "苏州某化工贸易有限公司".into(),
                        contact: String::new(),
                        subject: "申请危险化学品经营许可证".into(),
                        channel: Channel::Window,
                        received_on: date!(2026 - 03 - 02),
                    },
                )
                .await
                .expect("open")
                .id
            }
        };
        let old = new_case("XK-001").await;
        // Version 2: the window's check is renamed and needs the division head.
        let v2 = yangguang_powers::seed::PROCESSES[0]
            .1
            .replace("窗口受理审查材料", "受理审查（处室负责人）")
            .replacen(
                r#"id="check" name="受理审查（处室负责人）" yg:candidatePost="行政许可窗口岗""#,
                r#"id="check" name="受理审查（处室负责人）" yg:candidateRole="division_head""#,
                1,
            );
        let i = yangguang_powers::process_store::import_process(
            &k,
            at(date!(2026 - 03 - 02)),
            &Actor::cli(),
            &v2,
            "受理审查改由处室负责人",
        )
        .await
        .expect("version 2");
        assert_eq!(i.version, 2, "{be}");
        let new = new_case("XK-001").await;
        let (o, n) = (
            case_store::get(&k, old).await.expect("old"),
            case_store::get(&k, new).await.expect("new"),
        );
        assert_ne!(o.process_id, n.process_id, "{be}");
        assert_eq!(
            o.definition.node("check").map(|n| n.name.as_str()),
            Some("窗口受理审查材料"),
            "{be}"
        );
        assert_eq!(
            n.definition.node("check").map(|n| n.name.as_str()),
            Some("受理审查（处室负责人）"),
            "{be}"
        );
        // The running case still takes the window; the new one the head.
        act(
            &k,
            "window1",
            date!(2026 - 03 - 03),
            old,
            "check",
            vars(&[("materials_complete", Value::Bool(true))]),
            StepInput::default(),
        )
        .await
        .expect("old case, old rule");
        let e = act(
            &k,
            "window1",
            date!(2026 - 03 - 03),
            new,
            "check",
            vars(&[("materials_complete", Value::Bool(true))]),
            StepInput::default(),
        )
        .await
        .expect_err("new case, new rule");
        assert!(matches!(e, Error::Forbidden(_)), "{be}: {e}");
        act(
            &k,
            "head",
            date!(2026 - 03 - 03),
            new,
            "check",
            vars(&[("materials_complete", Value::Bool(true))]),
            StepInput::default(),
        )
        .await
        .expect("the head");
    }
}
