//! The demo's 依申请公开: last year's applications across every outcome,
//! channel and applicant type (some carried over into this year), one
//! review case and one lawsuit, and this year's: replied, open, near due,
//! overdue, paused for a consultation, waiting for a supplement, fee
//! notice sent. Each step is taken on its own (past) date through the
//! store, so timelines, letters and the annual report are real.

use time::{Date, Duration, OffsetDateTime};
use yangguang_kernel::audit::Actor;
use yangguang_kernel::calendar::Calendar;
use yangguang_kernel::org_store::{self, NewPost};
use yangguang_kernel::timefmt::today_cst;
use yangguang_kernel::{Kernel, Result};
use yangguang_requests::cases::{self, CaseInput};
use yangguang_requests::fees::FeeMethod;
use yangguang_requests::model::ApplicationForm;
use yangguang_requests::outcome::Outcome;
use yangguang_requests::rules::{ApplicantKind, Channel, PauseKind, ReceiptEvidence};
use yangguang_requests::store::{self, Arrival};
use yangguang_requests::{annual, reply};

/// 10:00 Beijing time on `d`.
fn at(d: Date) -> OffsetDateTime {
    d.midnight().assume_utc() + Duration::hours(2)
}

/// The working day `n` working days before `to`.
fn back(cal: &Calendar, to: Date, n: u32) -> Date {
    let mut d = to;
    while cal.working_days_after(d, to) < n || !cal.is_working_day(d) {
        d -= Duration::days(1);
    }
    d
}

fn ymd(y: i32, m: time::Month, d: u8) -> Result<Date> {
    Date::from_calendar_date(y, m, d)
        .map_err(|e| yangguang_kernel::Error::Internal(format!("演示日期无效：{e}")))
}

fn id_number(seq: u32) -> String {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let base = format!(
        "320508{}{:02}{:02}{:03}",
        1960 + seq % 40,
        1 + seq % 12,
        1 + seq % 28,
        (100 + seq) % 1000
    );
    let sum: u32 = base
        .bytes()
        .zip(W)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    let c = match (12 - sum % 11) % 11 {
        10 => 'X',
        v => char::from(b'0' + v as u8),
    };
    format!("{base}{c}")
}

fn credit_code(seq: u32) -> String {
    const A: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    const W: [usize; 17] = [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];
    let base = format!("91320508MA{:07}", 1_000_000 + seq);
    let sum: usize = base
        .bytes()
        .zip(W)
        .map(|(b, w)| A.iter().position(|a| *a == b).unwrap_or(0) * w)
        .sum();
    format!("{base}{}", char::from(A[(31 - sum % 31) % 31]))
}

const PEOPLE: [&str; 5] = ["陈晓东", "林芳", "黄志强", "吴丽", "郑海"];
const NAMES: [&str; 6] = [
    "",
    "苏州市某化工有限公司",
    "某大学安全工程研究所",
    "某某环保公益协会",
    "某某律师事务所",
    "某某社区居民委员会",
];
const TOPICS: [&str; 8] = [
    "2025年度安全生产监督检查计划全文",
    "某化工企业2024年行政处罚决定书",
    "危险化学品经营许可证核发情况",
    "某区2024年生产安全事故调查报告",
    "本局2024年部门预算执行情况",
    "职业卫生专项整治工作方案",
    "某工地塔吊事故的调查处理结果",
    "安全生产专项资金使用明细",
];

fn form(kind: ApplicantKind, seq: u32) -> ApplicationForm {
    let i = ApplicantKind::ALL
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(0);
    let org = kind.is_org();
    ApplicationForm {
        applicant_type: if org { "org" } else { "natural" }.into(),
        org_kind: if org {
            kind.code().into()
        } else {
            String::new()
        },
        name: if org {
            NAMES[i].to_string()
        } else {
            PEOPLE[seq as usize % PEOPLE.len()].to_string()
        },
        id_type: "resident_id".into(),
        id_number: if org {
            credit_code(seq)
        } else {
            id_number(seq)
        },
        legal_rep: if org {
            "王立新".into()
        } else {
            String::new()
        },
        contact: if org { "李红".into() } else { String::new() },
        phone: format!("1391234{:04}", 1000 + seq),
        email: format!("applicant{seq}@example.com"),
        address: "江苏省苏州市姑苏区干将西路100号".into(),
        description: TOPICS[seq as usize % TOPICS.len()].into(),
        provision_form: "electronic".into(),
        delivery: if seq.is_multiple_of(3) {
            "post"
        } else {
            "online"
        }
        .into(),
        ..ApplicationForm::default()
    }
}

fn arrival(channel: Channel, d: Date) -> Arrival {
    Arrival {
        channel,
        evidence: ReceiptEvidence {
            arrived: d,
            signed_for: (channel == Channel::RegisteredPost).then_some(d),
            confirmed: matches!(channel, Channel::OrdinaryLetter | Channel::Fax).then_some(d),
        },
    }
}

async fn submit(
    k: &Kernel,
    kind: ApplicantKind,
    channel: Channel,
    seq: u32,
    on: Date,
    office: &Actor,
) -> Result<i64> {
    let app = form(kind, seq).parse(on)?;
    let actor = if channel == Channel::Online {
        Actor::public()
    } else {
        office.clone()
    };
    Ok(store::submit(k, &app, arrival(channel, on), &actor, at(on))
        .await?
        .id)
}

async fn answer(k: &Kernel, id: i64, o: Outcome, on: Date, office: &Actor) -> Result<()> {
    if o.releases() {
        reply::attach(
            k,
            id,
            "提供的政府信息.pdf",
            b"%PDF-1.4 demo",
            office,
            at(on),
        )
        .await?;
    }
    reply::save_draft(k, id, o, "", office, at(on)).await?;
    reply::issue(k, id, on, office, at(on)).await?;
    Ok(())
}

pub async fn seed(k: &Kernel, now: OffsetDateTime) -> Result<()> {
    let cal = k.calendar();
    let today = today_cst(now);
    let year = today.year();
    let office = Actor::user("zhanghua");
    let handler = Actor::user("liuyang");
    let cli = Actor::cli();
    let post = org_store::add_post(
        k,
        &cli,
        now,
        NewPost {
            agency_code: crate::demo::AGENCY,
            division_code: Some("zcfgc"),
            name: "依申请公开承办岗",
            a_username: "liuyang",
            b_username: Some("zhaomin"),
        },
    )
    .await?;
    let outcomes: Vec<Outcome> = Outcome::all().collect();
    let mut seq = 1u32;
    // Last year: one application per outcome, cycling types and channels.
    let jan = ymd(year - 1, time::Month::January, 6)?;
    for (i, o) in outcomes.iter().enumerate() {
        let kind = ApplicantKind::ALL[i % 6];
        let channel = Channel::ALL[i % 5];
        let received = back(&cal, jan + Duration::days(15 * i as i64 + 7), 0);
        let id = submit(k, kind, channel, seq, received, &office).await?;
        seq += 1;
        store::assign(k, id, post, &office, at(received)).await?;
        match o.code() {
            "other_1" => {
                let on = cal.add_working_days(received, 3);
                store::request_supplement(
                    k,
                    id,
                    on,
                    10,
                    "请写明所需信息的文件名称或年度",
                    &office,
                    at(on),
                )
                .await?;
                let lapse = cal.add_working_days(received, 20);
                reply::close_lapsed(k, lapse, at(lapse)).await?;
                continue;
            }
            "other_2" => {
                let on = cal.add_working_days(received, 2);
                reply::fee_notice(k, id, FeeMethod::ByPage, 320, on, &office, at(on)).await?;
                let lapse = cal.add_working_days(on, 21);
                reply::close_lapsed(k, lapse, at(lapse)).await?;
                continue;
            }
            "cannot_3" => {
                let on = cal.add_working_days(received, 2);
                store::request_supplement(
                    k,
                    id,
                    on,
                    10,
                    "请写明所需信息的具体名称",
                    &office,
                    at(on),
                )
                .await?;
                let back_on = cal.add_working_days(on, 4);
                store::receive_supplement(
                    k,
                    id,
                    back_on,
                    "就是那份文件",
                    &Actor::public(),
                    at(back_on),
                )
                .await?;
            }
            "withhold_4" | "partial" => {
                let on = cal.add_working_days(received, 3);
                let limit = store::start_pause(
                    k,
                    id,
                    PauseKind::ThirdParty,
                    "苏州市某化工有限公司",
                    on,
                    &handler,
                    at(on),
                )
                .await?;
                let _ = limit;
                let end = cal.add_working_days(on, 8);
                let pid = store::pauses(k, id)
                    .await?
                    .first()
                    .map(|p| p.0)
                    .unwrap_or(0);
                store::end_pause(
                    k,
                    id,
                    pid,
                    end,
                    "涉及商业秘密，不同意公开",
                    &handler,
                    at(end),
                )
                .await?;
            }
            "disclose" => {
                // A large request charged by page, paid within the period.
                let on = cal.add_working_days(received, 2);
                reply::fee_notice(k, id, FeeMethod::ByPage, 150, on, &office, at(on)).await?;
                let paid = cal.add_working_days(on, 5);
                let pid = store::pauses(k, id)
                    .await?
                    .first()
                    .map(|p| p.0)
                    .unwrap_or(0);
                store::end_pause(k, id, pid, paid, "", &office, at(paid)).await?;
            }
            "withhold_6" => {
                let on = cal.add_working_days(received, 18);
                store::extend(k, id, 15, "需向多个处室调取材料", "张华", &office, at(on)).await?;
            }
            _ => {}
        }
        let app = store::get(k, id).await?;
        let reply_on = back(&cal, app.due_on, 3).max(received);
        answer(k, id, *o, reply_on, &office).await?;
        if o.code() == "withhold_4" {
            let filed = reply_on + Duration::days(20);
            let decided = filed + Duration::days(50);
            cases::record(
                k,
                id,
                None,
                &CaseInput {
                    kind: "review",
                    filed_on: &filed.to_string(),
                    body: "苏州市人民政府",
                    result: "upheld",
                    concluded_on: &decided.to_string(),
                    note: "",
                },
                &office,
                at(decided),
            )
            .await?;
        }
        if o.code() == "withhold_7" {
            let filed = reply_on + Duration::days(30);
            cases::record(
                k,
                id,
                None,
                &CaseInput {
                    kind: "suit_direct",
                    filed_on: &filed.to_string(),
                    body: "苏州市姑苏区人民法院",
                    result: "pending",
                    concluded_on: "",
                    note: "",
                },
                &office,
                at(filed),
            )
            .await?;
        }
    }
    // Carried over: received late last December, replied this January.
    let dec = ymd(year - 1, time::Month::December, 24)?;
    for (i, code) in ["disclose", "cannot_1"].iter().enumerate() {
        let received = back(&cal, dec + Duration::days(i as i64), 0);
        let id = submit(
            k,
            ApplicantKind::ALL[i],
            Channel::Online,
            seq,
            received,
            &office,
        )
        .await?;
        seq += 1;
        let app = store::get(k, id).await?;
        let on = back(&cal, app.due_on, 2);
        if let Some(o) = Outcome::parse(code) {
            answer(k, id, o, on, &office).await?;
        }
    }
    // This year: replied ones through the year.
    let start = ymd(year, time::Month::February, 2)?;
    for (i, code) in [
        "disclose",
        "partial",
        "cannot_1",
        "not_processed_2",
        "withhold_5",
        "disclose",
    ]
    .iter()
    .enumerate()
    {
        let received = back(&cal, start + Duration::days(30 * i as i64), 0);
        if received >= back(&cal, today, 25) {
            break;
        }
        let id = submit(
            k,
            ApplicantKind::ALL[(i + 2) % 6],
            Channel::ALL[i % 5],
            seq,
            received,
            &office,
        )
        .await?;
        seq += 1;
        store::assign(k, id, post, &office, at(received)).await?;
        if let Some(o) = Outcome::parse(code) {
            let on = cal.add_working_days(received, 12);
            answer(k, id, o, on, &office).await?;
        }
    }
    // Open now: overdue, near due, paused, waiting for a supplement, fee.
    let overdue = back(&cal, today, 24);
    let id = submit(
        k,
        ApplicantKind::Natural,
        Channel::InPerson,
        seq,
        overdue,
        &office,
    )
    .await?;
    seq += 1;
    store::assign(k, id, post, &office, at(overdue)).await?;
    let near = back(&cal, today, 18);
    let id = submit(k, ApplicantKind::Legal, Channel::Online, seq, near, &office).await?;
    seq += 1;
    store::assign(k, id, post, &office, at(near)).await?;
    let paused = back(&cal, today, 8);
    let id = submit(
        k,
        ApplicantKind::Commercial,
        Channel::RegisteredPost,
        seq,
        paused,
        &office,
    )
    .await?;
    seq += 1;
    store::assign(k, id, post, &office, at(paused)).await?;
    let sent = back(&cal, today, 4);
    store::start_pause(
        k,
        id,
        PauseKind::OtherAgency,
        "苏州市生态环境局",
        sent,
        &handler,
        at(sent),
    )
    .await?;
    let asked = back(&cal, today, 5);
    let id = submit(
        k,
        ApplicantKind::Natural,
        Channel::OrdinaryLetter,
        seq,
        back(&cal, today, 7),
        &office,
    )
    .await?;
    seq += 1;
    store::request_supplement(
        k,
        id,
        asked,
        15,
        "请写明所需信息的文件名称、文号或年度",
        &office,
        at(asked),
    )
    .await?;
    // Fee: the same applicant's 11th case this month is charged.
    let fee_day = back(&cal, today, 3);
    let mut last = 0;
    for _ in 0..11 {
        last = submit(
            k,
            ApplicantKind::Natural,
            Channel::Online,
            999,
            fee_day,
            &office,
        )
        .await?;
    }
    reply::fee_notice(k, last, FeeMethod::ByCase, 0, fee_day, &office, at(fee_day)).await?;
    let _ = seq;
    // Last year's report, prepared and published.
    annual::save_draft(
        k,
        year - 1,
        &annual::Draft {
            section1:
                "本局认真贯彻《中华人民共和国政府信息公开条例》，依法及时办理政府信息公开申请。"
                    .into(),
            section5: "个别申请答复时间偏长，下一步将加强征求意见环节的时限管理。".into(),
            section6: "无其他需要报告的事项。".into(),
            entered: [
                ("行政强制/本年处理决定数量".to_string(), 12.0),
                ("行政事业性收费/本年收费金额（单位：万元）".to_string(), 0.0),
            ]
            .into_iter()
            .collect(),
            published_at: None,
        },
        &office,
        now,
    )
    .await?;
    annual::publish(k, year - 1, &office, now).await?;
    Ok(())
}
