//! The decision workflow through the store, on SQLite and PostgreSQL:
//! topic → submission form → meeting → notice → attendance → votes →
//! decision → minutes → publicity → archive → follow-up, with every
//! refusal of RULES.md §5 writing nothing.

use time::macros::{date, datetime};
use time::{Date, OffsetDateTime};
use yangguang_decisions::meeting::{self, Ballot, NewMeeting, Presence, SpeakerRole, SpeechEntry};
use yangguang_decisions::model::{
    CheckKind, PreDecision, PublicityClose, TopicDecision, TopicForm, TopicStatus, Vote,
};
use yangguang_decisions::rules::{MeetingType, TopicKind};
use yangguang_decisions::topic::{self, CheckEntry};
use yangguang_decisions::{MIGRATIONS, minutes};
use yangguang_kernel::audit::{self, Actor};
use yangguang_kernel::db::{query, query_scalar};
use yangguang_kernel::testing::kernels;
use yangguang_kernel::{Error, Kernel};

/// Monday 2026-11-23, 09:00 in Beijing.
const MON: OffsetDateTime = datetime!(2026-11-23 01:00 UTC);
/// Tuesday 2026-11-24, 09:00 in Beijing.
const TUE: OffsetDateTime = datetime!(2026-11-24 01:00 UTC);
/// Friday 2026-11-27 (after a Tuesday issue's two working days).
const FRI: OffsetDateTime = datetime!(2026-11-27 01:00 UTC);

const USERS: [(&str, &str); 9] = [
    ("zhang", "张局长"),
    ("li", "李副局长"),
    ("wang", "王副局长"),
    ("zhao", "赵组长"),
    ("qian", "钱主任"),
    ("sun", "孙副局长"),
    ("office1", "办公室周"),
    ("staff1", "科员吴"),
    ("staff2", "科员郑"),
];

async fn setup(tag: &str) -> Vec<(&'static str, Kernel)> {
    let ks = kernels(tag, &[MIGRATIONS]).await.expect("kernels");
    for (_, k) in &ks {
        for (u, n) in USERS {
            query(
                k.db.backend(),
                "INSERT INTO users (username, display_name, password_hash, password_changed_at, created_at) \
                 VALUES (?, ?, 'x', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
            )
            .bind(u)
            .bind(n)
            .execute(k.db.pool())
            .await
            .expect("user");
        }
        let members: Vec<String> = ["zhang", "li", "wang", "zhao", "qian"]
            .map(String::from)
            .to_vec();
        for t in [
            MeetingType::Party,
            MeetingType::Joint,
            MeetingType::Executive,
        ] {
            meeting::set_members(k, MON, &office(), t, "zhang", &members)
                .await
                .expect("members");
        }
        meeting::set_members(
            k,
            MON,
            &office(),
            MeetingType::Business,
            "li",
            &["li".into(), "zhao".into()],
        )
        .await
        .expect("business members");
    }
    ks
}

fn a(u: &str) -> Actor {
    Actor::user(u)
}

fn office() -> Actor {
    a("office1")
}

async fn count(k: &Kernel, sql: &'static str) -> i64 {
    query_scalar::<i64>(k.db.backend(), sql)
        .fetch_one(k.db.pool())
        .await
        .expect("count")
}

/// Every table a step may write, and the audit log.
async fn writes(k: &Kernel) -> Vec<i64> {
    let mut out = Vec::new();
    for sql in [
        "SELECT COUNT(*) FROM decision_topics",
        "SELECT COUNT(*) FROM decision_meetings",
        "SELECT COUNT(*) FROM decision_attendees",
        "SELECT COUNT(*) FROM decision_votes",
        "SELECT COUNT(*) FROM decision_recusals",
        "SELECT COUNT(*) FROM decision_minutes",
        "SELECT COUNT(*) FROM decision_comments",
        "SELECT COUNT(*) FROM audit_log",
        "SELECT COUNT(*) FROM sequences",
    ] {
        out.push(count(k, sql).await);
    }
    out
}

fn form(kind: &str, title: &str, amount: &str) -> TopicForm {
    TopicForm {
        kind: kind.into(),
        title: title.into(),
        lead_unit: "规划财务科".into(),
        deputy: "li".into(),
        amount: amount.into(),
        procurement: None,
        cadre: if kind == "personnel" {
            Some("on".into())
        } else {
            None
        },
        m_topic: "关于采购执法装备的议题".into(),
        m_background: "现有装备已使用八年。\n部分损坏。".into(),
        m_research: "经调研三家供应商。".into(),
        m_proposal: "建议公开招标采购。".into(),
    }
}

/// A topic taken to "ready for a meeting".
async fn ready_topic(k: &Kernel, kind: &str, title: &str, amount: &str) -> i64 {
    let id = topic::create(
        k,
        MON,
        &a("staff1"),
        form(kind, title, amount).parse().unwrap(),
    )
    .await
    .unwrap();
    for c in CheckKind::ALL {
        topic::record_check(
            k,
            MON,
            &a("staff1"),
            id,
            *c,
            CheckEntry::NotNeeded("不涉及".into()),
        )
        .await
        .unwrap();
    }
    topic::submit(k, MON, &a("staff1"), id).await.unwrap();
    topic::approve(k, MON, &a("li"), id).await.unwrap();
    topic::record(k, MON, &office(), id).await.unwrap();
    topic::pre_decide(k, MON, &a("zhang"), id, PreDecision::Meeting)
        .await
        .unwrap();
    id
}

fn code(e: &Error) -> &'static str {
    e.code()
}

#[tokio::test]
async fn the_whole_path_of_a_party_meeting_with_refusals_that_write_nothing() {
    for (be, k) in setup("dec-path").await {
        // Topic: 财权 of 150,000 yuan goes to the meeting by the 10万 rule.
        let f = form("finance", "采购执法装备", "150000");
        let id = topic::create(&k, MON, &a("staff1"), f.parse().unwrap())
            .await
            .unwrap();
        let t = topic::topic(&k, id).await.unwrap();
        assert!(t.scope_required, "{be}");
        assert!(
            t.scope_rule.contains("10 万元以上"),
            "{be}: {}",
            t.scope_rule
        );
        assert_eq!(t.kind, TopicKind::Finance);

        // Submitting before the preparation checks is refused.
        let before = writes(&k).await;
        let e = topic::submit(&k, MON, &a("staff1"), id).await.unwrap_err();
        assert_eq!(code(&e), "checks_missing", "{be}");
        assert!(e.to_string().contains("法律顾问意见"));
        assert_eq!(
            writes(&k).await,
            before,
            "{be}: refused submit wrote something"
        );

        topic::record_check(
            &k,
            MON,
            &a("staff1"),
            id,
            CheckKind::Public,
            CheckEntry::Done {
                on: date!(2026 - 11 - 10),
                file_name: "听证会记录.pdf",
                mime: "application/pdf",
                bytes: b"%PDF-1.4 hearing",
            },
        )
        .await
        .unwrap();
        for c in [CheckKind::Expert, CheckKind::Legal] {
            topic::record_check(
                &k,
                MON,
                &a("staff1"),
                id,
                c,
                CheckEntry::NotNeeded("常规采购".into()),
            )
            .await
            .unwrap();
        }
        let checks = topic::checks(&k, id).await.unwrap();
        assert_eq!(checks.len(), 3);
        assert_eq!(checks[0].file_name.as_deref(), Some("听证会记录.pdf"));
        topic::submit(&k, MON, &a("staff1"), id).await.unwrap();

        // Only the deputy in charge approves the form.
        let before = writes(&k).await;
        let e = topic::approve(&k, MON, &a("wang"), id).await.unwrap_err();
        assert_eq!(code(&e), "not_the_deputy");
        assert_eq!(writes(&k).await, before);
        topic::approve(&k, MON, &a("li"), id).await.unwrap();
        topic::record(&k, MON, &office(), id).await.unwrap();
        topic::pre_decide(
            &k,
            MON,
            &a("zhang"),
            id,
            PreDecision::Defer("补充市场询价".into()),
        )
        .await
        .unwrap();
        assert_eq!(
            topic::topic(&k, id).await.unwrap().status,
            TopicStatus::Deferred
        );
        topic::pre_decide(&k, MON, &a("zhang"), id, PreDecision::Meeting)
            .await
            .unwrap();
        assert_eq!(
            topic::topic(&k, id).await.unwrap().status,
            TopicStatus::Ready
        );

        // Scheduling for Tuesday; a Tuesday notice is late.
        let mid = meeting::schedule(
            &k,
            MON,
            &office(),
            NewMeeting {
                meeting_type: MeetingType::Party,
                title: "2026年第12次党组会议".into(),
                on: date!(2026 - 11 - 24),
                place: "三楼会议室".into(),
                chair: None,
                topics: vec![id],
            },
        )
        .await
        .unwrap();
        let before = writes(&k).await;
        let e = meeting::send_notice(&k, TUE, &office(), mid, None)
            .await
            .unwrap_err();
        assert_eq!(code(&e), "late_notice", "{be}");
        assert!(e.to_string().contains("最迟应于 2026-11-23"), "{e}");
        assert_eq!(
            writes(&k).await,
            before,
            "{be}: late notice wrote something"
        );
        meeting::send_notice(&k, MON, &office(), mid, None)
            .await
            .unwrap();

        // Materials: notified attendees only.
        assert!(meeting::can_read_materials(&k, mid, "wang").await.unwrap());
        assert!(
            !meeting::can_read_materials(&k, mid, "staff1")
                .await
                .unwrap()
        );

        let presence = vec![
            ("zhang".to_string(), Presence::Present),
            ("li".to_string(), Presence::Present),
            ("wang".to_string(), Presence::Present),
            ("zhao".to_string(), Presence::Absent("出差".into())),
            ("qian".to_string(), Presence::Present),
        ];
        meeting::open(&k, TUE, &office(), mid, &presence)
            .await
            .unwrap();

        let vote = |u: &'static str, v: Vote| Ballot {
            user: u,
            vote: v,
            opinion: "",
        };
        let before = writes(&k).await;
        for (u, want) in [("staff1", "not_a_member"), ("zhao", "not_present")] {
            let e = meeting::cast_vote(&k, TUE, &office(), mid, id, vote(u, Vote::For))
                .await
                .unwrap_err();
            assert_eq!(code(&e), want, "{be} {u}");
        }
        assert_eq!(writes(&k).await, before);
        // The absent member's written opinion is recorded, not counted.
        meeting::written_opinion(
            &k,
            TUE,
            &office(),
            mid,
            id,
            "zhao",
            "同意采购，但应压缩预算。",
        )
        .await
        .unwrap();
        meeting::recuse(&k, TUE, &office(), mid, id, "qian", "亲属在投标企业任职")
            .await
            .unwrap();
        let before = writes(&k).await;
        let e = meeting::cast_vote(&k, TUE, &office(), mid, id, vote("qian", Vote::For))
            .await
            .unwrap_err();
        assert_eq!(code(&e), "recused");
        assert!(e.to_string().contains("已回避"));
        assert_eq!(writes(&k).await, before);

        meeting::speak(
            &k,
            TUE,
            &office(),
            mid,
            id,
            SpeechEntry {
                user: "li",
                role: SpeakerRole::Deputy,
                content: "分管意见：同意。",
            },
        )
        .await
        .unwrap();
        for u in ["li", "wang"] {
            meeting::cast_vote(&k, TUE, &a(u), mid, id, vote(u, Vote::For))
                .await
                .unwrap();
        }
        meeting::cast_vote(
            &k,
            TUE,
            &a("zhang"),
            mid,
            id,
            Ballot {
                user: "zhang",
                vote: Vote::For,
                opinion: "同意",
            },
        )
        .await
        .unwrap();
        let before = writes(&k).await;
        let e = meeting::cast_vote(&k, TUE, &a("wang"), mid, id, vote("wang", Vote::Against))
            .await
            .unwrap_err();
        assert!(e.to_string().contains("每人只能表决一次"), "{e}");
        assert_eq!(writes(&k).await, before);

        // The chair speaks last; nobody after.
        meeting::speak(
            &k,
            TUE,
            &office(),
            mid,
            id,
            SpeechEntry {
                user: "zhang",
                role: SpeakerRole::Chair,
                content: "同意，按程序办理。",
            },
        )
        .await
        .unwrap();
        let e = meeting::speak(
            &k,
            TUE,
            &office(),
            mid,
            id,
            SpeechEntry {
                user: "wang",
                role: SpeakerRole::Member,
                content: "补充",
            },
        )
        .await
        .unwrap_err();
        assert!(e.to_string().contains("末位表态"));

        // 5 members, qian recused → 4 expected, 3 present; 3 for > 2.
        let st = meeting::decide(
            &k,
            TUE,
            &a("zhang"),
            mid,
            id,
            TopicDecision::Vote { reason: None },
        )
        .await
        .unwrap();
        assert_eq!(st, TopicStatus::Adopted, "{be}");
        assert_eq!(
            topic::topic(&k, id).await.unwrap().counts,
            Some([4, 3, 3, 0, 0])
        );

        // Closed topic: no vote, no change.
        let before = writes(&k).await;
        let e = meeting::cast_vote(&k, TUE, &a("qian"), mid, id, vote("qian", Vote::Against))
            .await
            .unwrap_err();
        assert!(e.to_string().contains("不能再更改"), "{e}");
        assert_eq!(writes(&k).await, before);

        meeting::close(&k, TUE, &office(), mid).await.unwrap();
        assert!(!meeting::can_read_materials(&k, mid, "wang").await.unwrap());

        // Minutes: approval before issue, by the chair only.
        let body = minutes::draft_from_record(&k, mid).await.unwrap();
        assert!(body.contains("张局长主持召开党组会议"), "{body}");
        assert!(body.contains("赵组长（出差）"), "{body}");
        minutes::save_draft(&k, TUE, &office(), mid, &body)
            .await
            .unwrap();
        let before = writes(&k).await;
        let e = minutes::issue(&k, TUE, &office(), mid).await.unwrap_err();
        assert_eq!(code(&e), "minutes_not_approved");
        assert!(e.to_string().contains("未经主要负责人审定"));
        let e = minutes::approve(&k, TUE, &a("li"), mid).await.unwrap_err();
        assert_eq!(code(&e), "not_the_chair");
        assert_eq!(writes(&k).await, before);
        minutes::approve(&k, TUE, &a("zhang"), mid).await.unwrap();
        let no = minutes::issue(&k, TUE, &office(), mid).await.unwrap();
        assert_eq!(no, "〔2026〕第1期", "{be}");
        let before = writes(&k).await;
        let e = minutes::save_draft(&k, TUE, &office(), mid, "改过的纪要")
            .await
            .unwrap_err();
        assert!(e.to_string().contains("不能再修改"), "{e}");
        assert_eq!(writes(&k).await, before);
        let docx = minutes::docx(&k, mid, true).await.unwrap();
        assert_eq!(&docx[..2], b"PK");

        // Publicity: two working days (Wed, Thu); comments, then the chair closes.
        minutes::comment(&k, TUE, &a("staff2"), mid, "建议采购时优先考虑节能产品。")
            .await
            .unwrap();
        let x = minutes::minutes(&k, mid).await.unwrap().unwrap();
        assert_eq!(x.publicity_ends, Some(date!(2026 - 11 - 26)));
        let e = minutes::close_publicity(&k, TUE, &a("zhang"), mid, PublicityClose::NoChange)
            .await
            .unwrap_err();
        assert!(e.to_string().contains("期满后"));
        let e = minutes::comment(&k, FRI, &a("staff2"), mid, "晚到的意见")
            .await
            .unwrap_err();
        assert!(e.to_string().contains("不在公示期内"));
        minutes::close_publicity(
            &k,
            FRI,
            &a("zhang"),
            mid,
            PublicityClose::Adjusted("采购清单增加节能要求".into()),
        )
        .await
        .unwrap();

        // Archive: then no edit; a correction is a new linked record.
        let hash = minutes::archive(&k, FRI, &office(), mid).await.unwrap();
        assert_eq!(hash.len(), 64);
        assert!(minutes::verify_archive(&k, mid).await.unwrap());
        let entries = audit::for_object(&k.db, &format!("decision_meeting:{mid}"))
            .await
            .unwrap();
        assert!(
            entries
                .iter()
                .any(|e| e.event_type == "decision.archive" && e.detail.contains(&hash))
        );
        let e = minutes::close_publicity(&k, FRI, &a("zhang"), mid, PublicityClose::NoChange)
            .await
            .unwrap_err();
        assert!(e.to_string().contains("已归档"), "{e}");
        minutes::correct(&k, FRI, &office(), mid, "笔误", "第二段“八年”应为“九年”。")
            .await
            .unwrap();
        assert_eq!(minutes::corrections(&k, mid).await.unwrap().len(), 1);
        assert!(minutes::verify_archive(&k, mid).await.unwrap());

        // Follow-up; overdue appears in the supervision view.
        let fid =
            minutes::assign_follow_up(&k, FRI, &office(), id, "规划财务科", date!(2026 - 12 - 31))
                .await
                .unwrap();
        minutes::report_progress(&k, FRI, &a("staff1"), fid, "已发布招标公告。", false)
            .await
            .unwrap();
        let v = minutes::follow_ups(&k, date!(2027 - 01 - 04))
            .await
            .unwrap();
        assert!(v[0].overdue);
        assert_eq!(v[0].last_progress.as_deref(), Some("已发布招标公告。"));
        let v = minutes::follow_ups(&k, date!(2026 - 12 - 01))
            .await
            .unwrap();
        assert!(!v[0].overdue);

        assert!(audit::verify(&k.db, &k.keys).await.unwrap().is_ok(), "{be}");
    }
}

/// Schedules a meeting of `t` on Tuesday with these topics, notified on
/// Monday, everyone in `absent` absent.
async fn held(k: &Kernel, t: MeetingType, topics: Vec<i64>, absent: &[&str]) -> i64 {
    let mid = meeting::schedule(
        k,
        MON,
        &office(),
        NewMeeting {
            meeting_type: t,
            title: format!("{}测试", t.label()),
            on: date!(2026 - 11 - 24),
            place: "会议室".into(),
            chair: None,
            topics,
        },
    )
    .await
    .unwrap();
    meeting::send_notice(k, MON, &office(), mid, None)
        .await
        .unwrap();
    let presence: Vec<(String, Presence)> = meeting::attendees(k, mid)
        .await
        .unwrap()
        .into_iter()
        .map(|x| {
            let p = if absent.contains(&x.username.as_str()) {
                Presence::Absent("请假".into())
            } else {
                Presence::Present
            };
            (x.username, p)
        })
        .collect();
    meeting::open(k, TUE, &office(), mid, &presence)
        .await
        .unwrap();
    mid
}

async fn vote_all(k: &Kernel, mid: i64, tid: i64, votes: &[(&str, Vote)]) {
    for (u, v) in votes {
        meeting::cast_vote(
            k,
            TUE,
            &a(u),
            mid,
            tid,
            Ballot {
                user: u,
                vote: *v,
                opinion: "",
            },
        )
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn unanimity_of_those_present_must_still_exceed_half_of_the_party_members() {
    for (be, k) in setup("dec-unanimous").await {
        let tid = ready_topic(&k, "powers", "修订议事规则", "").await;
        // 5 members, 3 present after 1 recusal among them: 3 of 4 expected.
        let mid = held(&k, MeetingType::Party, vec![tid], &["zhao", "qian"]).await;
        meeting::recuse(&k, TUE, &office(), mid, tid, "wang", "本人起草")
            .await
            .unwrap();
        // 2 present of 4 expected: quorum (half) but 2 is not more than half.
        let before = writes(&k).await;
        let e = meeting::decide(&k, TUE, &a("zhang"), mid, tid, TopicDecision::Unanimous)
            .await
            .unwrap_err();
        assert_eq!(code(&e), "unanimous_too_few", "{be}: {e}");
        assert_eq!(writes(&k).await, before);
    }
}

#[tokio::test]
async fn executive_head_against_majority_needs_a_reason_that_goes_into_the_minutes() {
    for (be, k) in setup("dec-exec").await {
        let tid = ready_topic(&k, "powers", "调整科室分工", "").await;
        let mid = held(&k, MeetingType::Executive, vec![tid], &[]).await;
        vote_all(
            &k,
            mid,
            tid,
            &[
                ("li", Vote::Against),
                ("wang", Vote::Against),
                ("zhao", Vote::Against),
                ("qian", Vote::For),
            ],
        )
        .await;
        let before = writes(&k).await;
        let e = meeting::decide(
            &k,
            TUE,
            &a("zhang"),
            mid,
            tid,
            TopicDecision::Head {
                adopt: true,
                reason: None,
            },
        )
        .await
        .unwrap_err();
        assert_eq!(code(&e), "override_reason_required", "{be}");
        let e = meeting::decide(
            &k,
            TUE,
            &a("zhang"),
            mid,
            tid,
            TopicDecision::Vote { reason: None },
        )
        .await
        .unwrap_err();
        assert_eq!(code(&e), "head_decides");
        assert_eq!(writes(&k).await, before);
        meeting::decide(
            &k,
            TUE,
            &a("zhang"),
            mid,
            tid,
            TopicDecision::Head {
                adopt: true,
                reason: Some("市局已明确要求年底前完成调整".into()),
            },
        )
        .await
        .unwrap();
        meeting::close(&k, TUE, &office(), mid).await.unwrap();
        let body = minutes::draft_from_record(&k, mid).await.unwrap();
        assert!(
            body.contains("与多数意见不一致，理由：市局已明确要求年底前完成调整"),
            "{body}"
        );
    }
}

#[tokio::test]
async fn party_personnel_topic_without_two_thirds_cannot_be_decided_only_postponed() {
    for (be, k) in setup("dec-quorum").await {
        let tid = ready_topic(&k, "personnel", "任免科长", "").await;
        // 3 of 5 present: half, not two thirds (needs 4).
        let mid = held(&k, MeetingType::Party, vec![tid], &["zhao", "qian"]).await;
        vote_all(
            &k,
            mid,
            tid,
            &[("zhang", Vote::For), ("li", Vote::For), ("wang", Vote::For)],
        )
        .await;
        let before = writes(&k).await;
        let e = meeting::decide(
            &k,
            TUE,
            &a("zhang"),
            mid,
            tid,
            TopicDecision::Vote { reason: None },
        )
        .await
        .unwrap_err();
        assert_eq!(code(&e), "no_quorum", "{be}");
        assert!(e.to_string().contains("至少 4 人到会"), "{e}");
        assert_eq!(writes(&k).await, before);
        let st = meeting::decide(
            &k,
            TUE,
            &a("zhang"),
            mid,
            tid,
            TopicDecision::Postpone {
                reason: "到会人数不足三分之二".into(),
            },
        )
        .await
        .unwrap();
        assert_eq!(st, TopicStatus::Postponed);
        // A postponed topic goes on the next agenda; the first meeting
        // takes no more votes on it.
        let mid2 = held(&k, MeetingType::Party, vec![tid], &[]).await;
        let e = meeting::cast_vote(
            &k,
            TUE,
            &a("zhao"),
            mid,
            tid,
            Ballot {
                user: "zhang",
                vote: Vote::For,
                opinion: "",
            },
        )
        .await
        .unwrap_err();
        assert!(e.to_string().contains("不能再更改"), "{be}: {e}");
        meeting::close(&k, TUE, &office(), mid).await.unwrap();
        let st = meeting::decide(&k, TUE, &a("zhang"), mid2, tid, TopicDecision::Unanimous)
            .await
            .unwrap();
        assert_eq!(st, TopicStatus::Adopted, "{be}");
        assert_eq!(
            topic::topic(&k, tid).await.unwrap().counts,
            Some([5, 5, 5, 0, 0])
        );
        // The first meeting's record keeps its own outcome: postponed.
        let first = meeting::agenda_entries(&k, mid).await.unwrap();
        assert_eq!(first[0].outcome, Some(TopicStatus::Postponed), "{be}");
        let body = minutes::draft_from_record(&k, mid).await.unwrap();
        assert!(
            body.contains("暂缓决定") && !body.contains("会议通过"),
            "{body}"
        );
        let second = minutes::draft_from_record(&k, mid2).await.unwrap();
        assert!(second.contains("会议通过"), "{second}");
    }
}

#[tokio::test]
async fn joint_meeting_not_passed_needs_a_reason_and_business_meeting_has_no_vote() {
    for (be, k) in setup("dec-joint").await {
        let tid = ready_topic(&k, "other", "机关食堂外包", "").await;
        let mid = held(&k, MeetingType::Joint, vec![tid], &[]).await;
        // 2 for of 5 present: not more than half.
        vote_all(
            &k,
            mid,
            tid,
            &[
                ("zhang", Vote::For),
                ("li", Vote::For),
                ("wang", Vote::Abstain),
            ],
        )
        .await;
        let e = meeting::decide(
            &k,
            TUE,
            &a("zhang"),
            mid,
            tid,
            TopicDecision::Vote { reason: None },
        )
        .await
        .unwrap_err();
        assert_eq!(code(&e), "reason_required", "{be}");
        let st = meeting::decide(
            &k,
            TUE,
            &a("zhang"),
            mid,
            tid,
            TopicDecision::Vote {
                reason: Some("缺乏法律依据".into()),
            },
        )
        .await
        .unwrap();
        assert_eq!(st, TopicStatus::NotAdopted);

        // Business meeting: an ordinary-business topic, the chair decides, no vote.
        let id = topic::create(
            &k,
            MON,
            &a("staff1"),
            form("finance", "购置打印机", "8000").parse().unwrap(),
        )
        .await
        .unwrap();
        assert!(!topic::topic(&k, id).await.unwrap().scope_required);
        for c in CheckKind::ALL {
            topic::record_check(
                &k,
                MON,
                &a("staff1"),
                id,
                *c,
                CheckEntry::NotNeeded("不涉及".into()),
            )
            .await
            .unwrap();
        }
        topic::submit(&k, MON, &a("staff1"), id).await.unwrap();
        topic::approve(&k, MON, &a("li"), id).await.unwrap();
        topic::record(&k, MON, &office(), id).await.unwrap();
        topic::pre_decide(&k, MON, &a("zhang"), id, PreDecision::Ordinary)
            .await
            .unwrap();
        let e = meeting::schedule(
            &k,
            TUE,
            &office(),
            NewMeeting {
                meeting_type: MeetingType::Business,
                title: "x".into(),
                on: date!(2026 - 11 - 23),
                place: "y".into(),
                chair: None,
                topics: vec![id],
            },
        )
        .await
        .unwrap_err();
        assert_eq!(code(&e), "meeting_in_past", "{be}");
        // Ordinary business cannot go to a party meeting.
        let e = meeting::schedule(
            &k,
            MON,
            &office(),
            NewMeeting {
                meeting_type: MeetingType::Party,
                title: "x".into(),
                on: date!(2026 - 11 - 24),
                place: "y".into(),
                chair: None,
                topics: vec![id],
            },
        )
        .await
        .unwrap_err();
        assert!(e.to_string().contains("不能列入党组会议议程"), "{e}");
        let bm = held(&k, MeetingType::Business, vec![id], &[]).await;
        let e = meeting::cast_vote(
            &k,
            TUE,
            &a("zhao"),
            bm,
            id,
            Ballot {
                user: "zhao",
                vote: Vote::For,
                opinion: "",
            },
        )
        .await
        .unwrap_err();
        assert_eq!(code(&e), "no_vote_in_business_meeting");
        meeting::decide(
            &k,
            TUE,
            &a("li"),
            bm,
            id,
            TopicDecision::Head {
                adopt: true,
                reason: None,
            },
        )
        .await
        .unwrap();
        meeting::close(&k, TUE, &office(), bm).await.unwrap();
    }
}

#[tokio::test]
async fn minutes_numbers_are_gapless_per_year_and_special_late_notice_records_its_reason() {
    for (be, k) in setup("dec-numbers").await {
        let mut numbers = Vec::new();
        for i in 0..2 {
            let tid = ready_topic(&k, "instruction", &format!("贯彻上级指示{i}"), "").await;
            let mid = meeting::schedule(
                &k,
                MON,
                &office(),
                NewMeeting {
                    meeting_type: MeetingType::Party,
                    title: "紧急会议".into(),
                    on: date!(2026 - 11 - 24),
                    place: "会议室".into(),
                    chair: None,
                    topics: vec![tid],
                },
            )
            .await
            .unwrap();
            let e = meeting::send_notice(&k, TUE, &office(), mid, Some("  "))
                .await
                .unwrap_err();
            assert_eq!(code(&e), "late_notice", "{be}");
            meeting::send_notice(&k, TUE, &office(), mid, Some("上级紧急部署，须当日研究"))
                .await
                .unwrap();
            let m = meeting::meeting(&k, mid).await.unwrap();
            assert_eq!(
                m.notice_special.as_deref(),
                Some("上级紧急部署，须当日研究")
            );
            let presence: Vec<(String, Presence)> = ["zhang", "li", "wang", "zhao", "qian"]
                .iter()
                .map(|u| (u.to_string(), Presence::Present))
                .collect();
            meeting::open(&k, TUE, &office(), mid, &presence)
                .await
                .unwrap();
            meeting::decide(&k, TUE, &a("zhang"), mid, tid, TopicDecision::Unanimous)
                .await
                .unwrap();
            meeting::close(&k, TUE, &office(), mid).await.unwrap();
            minutes::save_draft(&k, TUE, &office(), mid, "纪要")
                .await
                .unwrap();
            minutes::approve(&k, TUE, &a("zhang"), mid).await.unwrap();
            numbers.push(minutes::issue(&k, TUE, &office(), mid).await.unwrap());
        }
        assert_eq!(numbers, ["〔2026〕第1期", "〔2026〕第2期"], "{be}");
    }
}

#[test]
fn topic_form_is_parsed_at_the_edge_with_clear_messages() {
    let mut f = form("finance", "t", "");
    assert!(f.parse().unwrap_err().to_string().contains("须填写金额"));
    f.kind = "bogus".into();
    assert!(f.parse().unwrap_err().to_string().contains("议题类别"));
    let mut f = form("人事", "任免", "");
    f.m_proposal = "  ".into();
    assert!(
        f.parse()
            .unwrap_err()
            .to_string()
            .contains("请填写处理建议")
    );
    assert!(
        PreDecision::parse("defer", " ")
            .unwrap_err()
            .to_string()
            .contains("暂缓上会须写明")
    );
    let _: Date = date!(2026 - 01 - 01);
}

#[tokio::test]
async fn higher_approval_is_recorded_and_reconvene_opens_a_linked_topic() {
    for (be, k) in setup("dec-higher").await {
        let tid = ready_topic(&k, "instruction", "贯彻省厅专项整治部署", "").await;
        let mid = held(&k, MeetingType::Party, vec![tid], &[]).await;
        meeting::decide(&k, TUE, &a("zhang"), mid, tid, TopicDecision::Unanimous)
            .await
            .unwrap();
        topic::record_higher_approval(
            &k,
            TUE,
            &office(),
            tid,
            "市应急管理局",
            "同意实施",
            date!(2026 - 11 - 25),
        )
        .await
        .unwrap();
        let t = topic::topic(&k, tid).await.unwrap();
        assert_eq!(t.higher_body.as_deref(), Some("市应急管理局"), "{be}");
        assert_eq!(t.higher_on.as_deref(), Some("2026-11-25"));
        meeting::close(&k, TUE, &office(), mid).await.unwrap();
        minutes::save_draft(&k, TUE, &office(), mid, "纪要")
            .await
            .unwrap();
        minutes::approve(&k, TUE, &a("zhang"), mid).await.unwrap();
        minutes::issue(&k, TUE, &office(), mid).await.unwrap();
        // Only the chair closes publicity.
        let e = minutes::close_publicity(&k, FRI, &a("li"), mid, PublicityClose::Reconvene(tid))
            .await
            .unwrap_err();
        assert_eq!(code(&e), "not_the_chair");
        let new =
            minutes::close_publicity(&k, FRI, &a("zhang"), mid, PublicityClose::Reconvene(tid))
                .await
                .unwrap()
                .expect("a new topic");
        let n = topic::topic(&k, new).await.unwrap();
        assert_eq!(n.reconvened_from, Some(tid), "{be}");
        assert_eq!(n.status, TopicStatus::Ready);
        assert_eq!(n.title, t.title);
        let x = minutes::minutes(&k, mid).await.unwrap().unwrap();
        assert!(x.publicity_change.unwrap().contains("重新上会"));
    }
}

#[tokio::test]
async fn attachments_go_to_the_file_store_and_drafts_only_take_them() {
    for (be, k) in setup("dec-attach").await {
        let id = topic::create(
            &k,
            MON,
            &a("staff1"),
            form("powers", "调整分工", "").parse().unwrap(),
        )
        .await
        .unwrap();
        let e = topic::add_attachment(
            &k,
            MON,
            &a("staff1"),
            id,
            "a/b.pdf",
            "application/pdf",
            b"x",
        )
        .await
        .unwrap_err();
        assert!(e.to_string().contains("路径分隔符"), "{be}");
        topic::add_attachment(
            &k,
            MON,
            &a("staff1"),
            id,
            "调研报告.pdf",
            "application/pdf",
            b"%PDF report",
        )
        .await
        .unwrap();
        let list = topic::attachments(&k, id).await.unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(
            yangguang_kernel::files::get(&k.data_dir, &list[0].file_hash).unwrap(),
            b"%PDF report"
        );
        for c in CheckKind::ALL {
            topic::record_check(
                &k,
                MON,
                &a("staff1"),
                id,
                *c,
                CheckEntry::NotNeeded("不涉及".into()),
            )
            .await
            .unwrap();
        }
        topic::submit(&k, MON, &a("staff1"), id).await.unwrap();
        let e = topic::add_attachment(
            &k,
            MON,
            &a("staff1"),
            id,
            "补充.pdf",
            "application/pdf",
            b"y",
        )
        .await
        .unwrap_err();
        assert!(e.to_string().contains("只有起草中的议题"), "{be}: {e}");
    }
}

#[tokio::test]
async fn a_close_vote_is_postponed_unless_an_urgent_matter_is_decided_by_ballot() {
    for (be, k) in setup("dec-ballot").await {
        let tid = ready_topic(&k, "other", "防汛应急物资紧急采购", "").await;
        let mid = held(&k, MeetingType::Party, vec![tid], &[]).await;
        // 3 for, 2 against of 5: passes the 党组会议 rule, but close.
        vote_all(
            &k,
            mid,
            tid,
            &[
                ("zhang", Vote::For),
                ("li", Vote::For),
                ("wang", Vote::For),
                ("zhao", Vote::Against),
                ("qian", Vote::Against),
            ],
        )
        .await;
        let before = writes(&k).await;
        let vote = TopicDecision::Vote { reason: None };
        let e = meeting::decide(&k, TUE, &a("zhang"), mid, tid, vote)
            .await
            .unwrap_err();
        assert_eq!(code(&e), "close_vote", "{be}: {e}");
        assert!(e.to_string().contains("应暂缓到下次会议再议"), "{be}: {e}");
        let no_reason = TopicDecision::Ballot {
            urgency: "  ".into(),
            reason: None,
        };
        let e = meeting::decide(&k, TUE, &a("zhang"), mid, tid, no_reason)
            .await
            .unwrap_err();
        assert!(e.to_string().contains("紧急事由"), "{be}: {e}");
        assert_eq!(writes(&k).await, before, "{be}: refusals write nothing");
        let ballot = TopicDecision::Ballot {
            urgency: "汛期将至，物资须本周到位".into(),
            reason: None,
        };
        let st = meeting::decide(&k, TUE, &a("zhang"), mid, tid, ballot)
            .await
            .unwrap();
        assert_eq!(st, TopicStatus::Adopted, "{be}");
        assert_eq!(
            count(
                &k,
                "SELECT COUNT(*) FROM decision_topics WHERE method = 'ballot' \
                 AND outcome_reason = '紧急事由：汛期将至，物资须本周到位'"
            )
            .await,
            1,
            "{be}: the minutes get the method and the urgency"
        );
    }
}
