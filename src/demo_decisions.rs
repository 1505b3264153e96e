//! Demo 三重一大 records: the meeting members of each type; an archived
//! 党政联席会议 of last year; a 局长办公会议 where the head decided against
//! the majority with a reason (publicity closed, ready to archive); and a
//! 党组会议 with a personnel topic (adopted) and a 财权 topic (postponed
//! after a close vote) whose minutes are in publicity with comments.

use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time};
use yangguang_decisions::meeting::{self, Ballot, NewMeeting, Presence, SpeakerRole, SpeechEntry};
use yangguang_decisions::minutes;
use yangguang_decisions::model::{
    CheckKind, PreDecision, PublicityClose, TopicDecision, TopicForm, Vote,
};
use yangguang_decisions::rules::MeetingType;
use yangguang_decisions::topic::{self, CheckEntry};
use yangguang_kernel::audit::Actor;
use yangguang_kernel::calendar::Calendar;
use yangguang_kernel::timefmt::{CST, today_cst};
use yangguang_kernel::{Kernel, Result};

/// 09:30 Beijing time on `d`.
fn at(d: Date) -> OffsetDateTime {
    PrimitiveDateTime::new(d, Time::from_hms(9, 30, 0).unwrap_or(Time::MIDNIGHT)).assume_offset(CST)
}

/// The `n`-th working day before `d`.
fn working_days_before(cal: &Calendar, d: Date, n: u32) -> Date {
    let mut x = d;
    let mut left = n;
    while left > 0 {
        x -= Duration::days(1);
        if cal.is_working_day(x) {
            left -= 1;
        }
    }
    x
}

fn a(u: &str) -> Actor {
    Actor::user(u)
}

struct TopicSeed<'a> {
    kind: &'a str,
    title: &'a str,
    unit: &'a str,
    author: &'a str,
    deputy: &'a str,
    amount: &'a str,
    cadre: bool,
    material: [&'a str; 4],
}

/// A topic taken through the submission form to "ready for a meeting".
async fn ready_topic(k: &Kernel, when: OffsetDateTime, s: TopicSeed<'_>) -> Result<i64> {
    let form = TopicForm {
        kind: s.kind.into(),
        title: s.title.into(),
        lead_unit: s.unit.into(),
        deputy: s.deputy.into(),
        amount: s.amount.into(),
        procurement: None,
        cadre: s.cadre.then(|| "on".to_string()),
        m_topic: s.material[0].into(),
        m_background: s.material[1].into(),
        m_research: s.material[2].into(),
        m_proposal: s.material[3].into(),
    };
    let id = topic::create(k, when, &a(s.author), form.parse()?).await?;
    for c in CheckKind::ALL {
        let entry = match c {
            CheckKind::Legal => CheckEntry::Done {
                on: today_cst(when) - Duration::days(3),
                file_name: "法律顾问意见书.txt",
                mime: "text/plain",
                bytes: "经审查，该事项符合有关法律法规规定。法律顾问：李律师".as_bytes(),
            },
            _ => CheckEntry::NotNeeded("不涉及群众切身利益，亦非战略性事项".into()),
        };
        topic::record_check(k, when, &a(s.author), id, *c, entry).await?;
    }
    topic::submit(k, when, &a(s.author), id).await?;
    topic::approve(k, when, &a(s.deputy), id).await?;
    topic::record(k, when, &a("zhanghua"), id).await?;
    topic::pre_decide(k, when, &a("wangjg"), id, PreDecision::Meeting).await?;
    Ok(id)
}

async fn members(k: &Kernel, now: OffsetDateTime) -> Result<()> {
    let office = a("zhanghua");
    let set = [
        (
            MeetingType::Party,
            "wangjg",
            &["wangjg", "liming", "zhouhong", "sunlei"][..],
        ),
        (
            MeetingType::Executive,
            "wangjg",
            &[
                "wangjg", "liming", "zhouhong", "zhanghua", "hejun", "chenjing",
            ][..],
        ),
        (
            MeetingType::Joint,
            "wangjg",
            &["wangjg", "liming", "zhouhong", "sunlei", "zhanghua"][..],
        ),
        (
            MeetingType::Business,
            "liming",
            &["liming", "chenjing", "hejun", "zhanghua"][..],
        ),
    ];
    for (t, chair, list) in set {
        let list: Vec<String> = list.iter().map(|s| s.to_string()).collect();
        meeting::set_members(k, now, &office, t, chair, &list).await?;
    }
    Ok(())
}

async fn all_present(
    k: &Kernel,
    mid: i64,
    absent: &[(&str, &str)],
) -> Result<Vec<(String, Presence)>> {
    Ok(meeting::attendees(k, mid)
        .await?
        .into_iter()
        .map(|x| {
            let p = match absent.iter().find(|(u, _)| *u == x.username) {
                Some((_, why)) => Presence::Absent((*why).to_string()),
                None => Presence::Present,
            };
            (x.username, p)
        })
        .collect())
}

async fn vote(
    k: &Kernel,
    when: OffsetDateTime,
    mid: i64,
    tid: i64,
    votes: &[(&str, Vote, &str)],
) -> Result<()> {
    for (u, v, op) in votes {
        meeting::cast_vote(
            k,
            when,
            &a(u),
            mid,
            tid,
            Ballot {
                user: u,
                vote: *v,
                opinion: op,
            },
        )
        .await?;
    }
    Ok(())
}

async fn minutes_issued(k: &Kernel, when: OffsetDateTime, mid: i64) -> Result<()> {
    let body = minutes::draft_from_record(k, mid).await?;
    minutes::save_draft(k, when, &a("zhouting"), mid, &body).await?;
    minutes::approve(k, when, &a("wangjg"), mid).await?;
    minutes::issue(k, when, &a("zhouting"), mid).await?;
    Ok(())
}

/// Last December: a 党政联席会议 on next year's budget, archived.
async fn archived_last_year(k: &Kernel, now: OffsetDateTime) -> Result<()> {
    let cal = k.calendar();
    let year = today_cst(now).year() - 1;
    let held = Date::from_calendar_date(year, time::Month::December, 9)
        .map_err(|e| yangguang_kernel::Error::Internal(e.to_string()))?;
    let held = if cal.is_working_day(held) {
        held
    } else {
        working_days_before(&cal, held, 1)
    };
    let notice = working_days_before(&cal, held, 2);
    let tid = ready_topic(
        k,
        at(notice) - Duration::days(7),
        TopicSeed {
            kind: "finance",
            title: &format!("{}年度部门预算编制方案", year + 1),
            unit: "办公室（财务）",
            author: "wuqiang",
            deputy: "liming",
            amount: "2350000",
            cadre: false,
            material: [
                "审议下一年度部门预算编制方案",
                "根据市财政局部署编制部门预算，基本支出和项目支出合计235万元。",
                "对照上年执行情况逐项测算，压减一般性支出5%。",
                "建议按方案报市财政局。",
            ],
        },
    )
    .await?;
    let mid = meeting::schedule(
        k,
        at(notice),
        &a("zhanghua"),
        NewMeeting {
            meeting_type: MeetingType::Joint,
            title: format!("{year}年第6次党政联席会议"),
            on: held,
            place: "局三楼会议室".into(),
            chair: None,
            topics: vec![tid],
        },
    )
    .await?;
    meeting::send_notice(k, at(notice), &a("zhanghua"), mid, None).await?;
    meeting::open(
        k,
        at(held),
        &a("zhouting"),
        mid,
        &all_present(k, mid, &[]).await?,
    )
    .await?;
    meeting::decide(
        k,
        at(held),
        &a("wangjg"),
        mid,
        tid,
        TopicDecision::Unanimous,
    )
    .await?;
    meeting::close(k, at(held), &a("zhouting"), mid).await?;
    let issued = cal.add_working_days(held, 1);
    minutes_issued(k, at(issued), mid).await?;
    let closed = cal.add_working_days(issued, 3);
    minutes::close_publicity(k, at(closed), &a("wangjg"), mid, PublicityClose::NoChange).await?;
    let fid = minutes::assign_follow_up(
        k,
        at(closed),
        &a("zhanghua"),
        tid,
        "办公室（财务）",
        closed + Duration::days(20),
    )
    .await?;
    minutes::report_progress(
        k,
        at(closed) + Duration::days(5),
        &a("wuqiang"),
        fid,
        "预算已按方案报送市财政局。",
        true,
    )
    .await?;
    minutes::archive(k, at(closed), &a("zhanghua"), mid).await?;
    Ok(())
}

/// A 局长办公会议 where the head adopted a topic against the majority,
/// with the reason; publicity over and closed, ready to archive.
async fn executive_override(k: &Kernel, now: OffsetDateTime) -> Result<()> {
    let cal = k.calendar();
    let today = today_cst(now);
    let held = working_days_before(&cal, today, 6);
    let notice = working_days_before(&cal, held, 1);
    let tid = ready_topic(
        k,
        at(notice) - Duration::days(3),
        TopicSeed {
            kind: "powers",
            title: "调整危化品处与工矿处执法检查分工",
            unit: "危险化学品安全监督管理处",
            author: "xugang",
            deputy: "zhouhong",
            amount: "",
            cadre: false,
            material: [
                "审议危化品处与工矿处执法检查分工调整方案",
                "涉及危化品使用的工矿企业目前由两处分别检查，存在重复检查。",
                "调研了12家企业，重复检查占检查总数的三成。",
                "建议涉及危化品使用的工矿企业统一由危化品处检查。",
            ],
        },
    )
    .await?;
    let mid = meeting::schedule(
        k,
        at(notice),
        &a("zhanghua"),
        NewMeeting {
            meeting_type: MeetingType::Executive,
            title: format!("{}年第9次局长办公会议", today.year()),
            on: held,
            place: "局二楼会议室".into(),
            chair: None,
            topics: vec![tid],
        },
    )
    .await?;
    meeting::send_notice(k, at(notice), &a("zhanghua"), mid, None).await?;
    meeting::open(
        k,
        at(held),
        &a("zhouting"),
        mid,
        &all_present(k, mid, &[]).await?,
    )
    .await?;
    let w = at(held);
    for (u, role, text) in [
        ("hejun", SpeakerRole::LeadUnit, "汇报调整方案和调研情况。"),
        (
            "zhouhong",
            SpeakerRole::Deputy,
            "方案可减少重复检查，但两处人员力量需同步调整。",
        ),
        ("liming", SpeakerRole::Member, "建议先试点半年再全面调整。"),
        (
            "wangjg",
            SpeakerRole::Chair,
            "省厅已部署危化品专项整治，须统一执法力量，同意按方案调整。",
        ),
    ] {
        meeting::speak(
            k,
            w,
            &a("zhouting"),
            mid,
            tid,
            SpeechEntry {
                user: u,
                role,
                content: text,
            },
        )
        .await?;
    }
    vote(
        k,
        w,
        mid,
        tid,
        &[
            ("wangjg", Vote::For, ""),
            ("hejun", Vote::For, ""),
            ("liming", Vote::Against, "建议先试点"),
            ("zhanghua", Vote::Against, "人员调整尚未到位"),
            ("chenjing", Vote::Against, "建议先试点"),
            ("zhouhong", Vote::Abstain, ""),
        ],
    )
    .await?;
    meeting::decide(
        k,
        w,
        &a("wangjg"),
        mid,
        tid,
        TopicDecision::Head {
            adopt: true,
            reason: Some("省厅已部署危化品专项整治，须在年内统一执法力量，不宜再试点".into()),
        },
    )
    .await?;
    meeting::close(k, w, &a("zhouting"), mid).await?;
    let issued = cal.add_working_days(held, 1);
    minutes_issued(k, at(issued), mid).await?;
    minutes::comment(
        k,
        at(issued),
        &a("xugang"),
        mid,
        "建议明确调整后的人员安排。",
    )
    .await?;
    let closed = cal.add_working_days(issued, 3);
    minutes::close_publicity(k, at(closed), &a("wangjg"), mid, PublicityClose::NoChange).await?;
    minutes::assign_follow_up(
        k,
        at(closed),
        &a("zhanghua"),
        tid,
        "危险化学品安全监督管理处",
        today + Duration::days(30),
    )
    .await?;
    Ok(())
}

/// This week's 党组会议: a personnel topic adopted, a 财权 topic postponed
/// after a close vote; minutes in publicity with comments.
async fn party_meeting(k: &Kernel, now: OffsetDateTime) -> Result<()> {
    let cal = k.calendar();
    let today = today_cst(now);
    let held = working_days_before(&cal, today, 1);
    let notice = working_days_before(&cal, held, 1);
    let prep = at(notice) - Duration::days(5);
    let personnel = ready_topic(
        k,
        prep,
        TopicSeed {
            kind: "personnel",
            title: "任命政策法规处副处长",
            unit: "办公室（人事）",
            author: "zhouting",
            deputy: "liming",
            amount: "",
            cadre: true,
            material: [
                "研究政策法规处副处长人选",
                "政策法规处副处长职位空缺，经民主推荐、考察，拟任人选一名。",
                "考察组谈话32人，拟任人选得票率87.5%，廉政意见已征求。",
                "建议任命孙莉同志为政策法规处副处长，按程序公示。",
            ],
        },
    )
    .await?;
    let finance = ready_topic(
        k,
        prep,
        TopicSeed {
            kind: "finance",
            title: "采购执法记录仪",
            unit: "监察支队",
            author: "zhengwei",
            deputy: "zhouhong",
            amount: "260000",
            cadre: false,
            material: [
                "审议采购执法记录仪60台",
                "现有执法记录仪使用已满六年，故障率高。",
                "询价三家供应商，单价4000至4500元。",
                "建议采用公开招标方式采购60台，预算26万元。",
            ],
        },
    )
    .await?;
    let mid = meeting::schedule(
        k,
        at(notice),
        &a("zhanghua"),
        NewMeeting {
            meeting_type: MeetingType::Party,
            title: format!("{}年第11次党组会议", today.year()),
            on: held,
            place: "局三楼会议室".into(),
            chair: None,
            topics: vec![personnel, finance],
        },
    )
    .await?;
    meeting::send_notice(k, at(notice), &a("zhanghua"), mid, None).await?;
    let w = at(held);
    meeting::open(
        k,
        w,
        &a("zhouting"),
        mid,
        &all_present(k, mid, &[("zhouhong", "赴省厅参加培训")]).await?,
    )
    .await?;
    vote(
        k,
        w,
        mid,
        personnel,
        &[
            ("wangjg", Vote::For, "同意"),
            ("liming", Vote::For, "同意"),
            ("sunlei", Vote::For, "廉政意见无异议"),
        ],
    )
    .await?;
    meeting::decide(
        k,
        w,
        &a("wangjg"),
        mid,
        personnel,
        TopicDecision::Vote { reason: None },
    )
    .await?;
    meeting::written_opinion(
        k,
        w,
        &a("zhouting"),
        mid,
        finance,
        "zhouhong",
        "同意采购，建议压缩数量至40台。",
    )
    .await?;
    vote(
        k,
        w,
        mid,
        finance,
        &[
            ("wangjg", Vote::For, ""),
            ("liming", Vote::Against, "数量偏多"),
            ("sunlei", Vote::Abstain, ""),
        ],
    )
    .await?;
    meeting::decide(
        k,
        w,
        &a("wangjg"),
        mid,
        finance,
        TopicDecision::Postpone {
            reason: "赞成与反对票数接近，采购数量需进一步论证，提交下次会议研究".into(),
        },
    )
    .await?;
    meeting::close(k, w, &a("zhouting"), mid).await?;
    minutes_issued(k, now, mid).await?;
    minutes::comment(
        k,
        now,
        &a("zhaomin"),
        mid,
        "拟任人选任前公示期间如有反映，请及时告知。",
    )
    .await?;
    minutes::comment(
        k,
        now,
        &a("xugang"),
        mid,
        "建议执法记录仪采购考虑与现有平台兼容。",
    )
    .await?;
    minutes::assign_follow_up(
        k,
        now,
        &a("zhanghua"),
        personnel,
        "办公室（人事）",
        today + Duration::days(14),
    )
    .await?;
    Ok(())
}

pub async fn seed(k: &Kernel, now: OffsetDateTime) -> Result<()> {
    members(k, now).await?;
    archived_last_year(k, now).await?;
    executive_override(k, now).await?;
    party_meeting(k, now).await
}
