//! The request store on SQLite and PostgreSQL: submission with sealed
//! personal data, the clock steps on the timeline, fees, replies with
//! numbered letters, lapses, review records and the annual report tables
//! agreeing with the pure aggregation; bad input writes nothing.

use time::macros::{date, datetime};
use time::{Date, OffsetDateTime};
use yangguang_kernel::audit::Actor;
use yangguang_kernel::db::query_scalar;
use yangguang_kernel::testing::kernels;
use yangguang_kernel::{Kernel, Result};
use yangguang_requests::cases::{self, CaseInput};
use yangguang_requests::fees::FeeMethod;
use yangguang_requests::model::ApplicationForm;
use yangguang_requests::outcome::Outcome;
use yangguang_requests::report::{self, AppFact, Row3};
use yangguang_requests::rules::{Channel, PauseKind, ReceiptEvidence};
use yangguang_requests::store::{self, Arrival};
use yangguang_requests::{annual, reply, rules};

fn form(name: &str, id: &str) -> ApplicationForm {
    ApplicationForm {
        applicant_type: "natural".into(),
        name: name.into(),
        id_type: "resident_id".into(),
        id_number: id.into(),
        phone: "13800138000".into(),
        address: "江苏省苏州市姑苏区人民路100号".into(),
        description: "2025年度安全生产监督检查计划全文".into(),
        provision_form: "electronic".into(),
        delivery: "online".into(),
        ..Default::default()
    }
}

const ID1: &str = "11010519491231002X";

fn online(on: Date) -> Arrival {
    Arrival {
        channel: Channel::Online,
        evidence: ReceiptEvidence {
            arrived: on,
            signed_for: None,
            confirmed: None,
        },
    }
}

/// 10:00 Beijing time on `d`.
fn at(d: Date) -> OffsetDateTime {
    d.with_hms(2, 0, 0)
        .map(|t| t.assume_utc())
        .unwrap_or(datetime!(2026-10-20 02:00 UTC))
}

async fn count(k: &Kernel, sql: &'static str) -> i64 {
    query_scalar::<i64>(k.db.backend(), sql)
        .fetch_one(k.db.pool())
        .await
        .unwrap_or(-1)
}

async fn writes(k: &Kernel) -> [i64; 5] {
    [
        count(k, "SELECT COUNT(*) FROM ysq_applications").await,
        count(k, "SELECT COUNT(*) FROM ysq_events").await,
        count(k, "SELECT COUNT(*) FROM ysq_pauses").await,
        count(k, "SELECT COUNT(*) FROM ysq_replies").await,
        count(k, "SELECT COUNT(*) FROM audit_log").await,
    ]
}

async fn all() -> Vec<(&'static str, Kernel)> {
    kernels("requests-store", &yangguang_web::migrations())
        .await
        .unwrap_or_else(|e| panic!("kernels: {e}"))
}

async fn submit(k: &Kernel, name: &str, id: &str, on: Date) -> Result<store::Receipt> {
    let app = form(name, id).parse(on)?;
    store::submit(k, &app, online(on), &Actor::public(), at(on)).await
}

#[tokio::test]
async fn submission_numbers_the_application_and_seals_personal_data() -> Result<()> {
    for (be, k) in all().await {
        let r = submit(&k, "张三", ID1, date!(2026 - 09 - 30)).await?;
        assert_eq!(r.app_no, "YSQ-2026-000001", "{be}");
        assert_eq!(r.due_on, date!(2026 - 11 - 03), "{be}");
        let r2 = submit(&k, "李四", ID1, date!(2026 - 10 - 09)).await?;
        assert_eq!(r2.app_no, "YSQ-2026-000002", "{be}");
        // At rest: no clear ID number, phone or address.
        let raw: String = query_scalar(
            k.db.backend(),
            "SELECT id_number_sealed || phone_sealed || address_sealed FROM ysq_applications WHERE id = ?",
        )
        .bind(r.id)
        .fetch_one(k.db.pool())
        .await?;
        assert!(
            !raw.contains(ID1) && !raw.contains("13800138000") && !raw.contains("人民路"),
            "{be}"
        );
        let app = store::get(&k, r.id).await?;
        assert_eq!(app.id_number, ID1, "{be}");
        let masked = app.clone().masked();
        assert_ne!(masked.id_number, ID1, "{be}");
        assert!(
            !masked.phone.contains("38000") || masked.phone.contains('*'),
            "{be}"
        );
        // Follow with number + code; any wrong pair reveals nothing.
        let found = store::find_by_code(&k, &r.app_no.to_lowercase(), &r.query_code).await?;
        assert_eq!(found.map(|a| a.id), Some(r.id), "{be}");
        assert!(
            store::find_by_code(&k, &r.app_no, &r2.query_code)
                .await?
                .is_none(),
            "{be}"
        );
        assert!(
            store::find_by_code(&k, "YSQ-2026-000009", &r.query_code)
                .await?
                .is_none(),
            "{be}"
        );
        assert!(
            store::find_by_code(&k, "garbage", "x").await?.is_none(),
            "{be}"
        );
        let same = store::same_applicant(&k, &app).await?;
        assert_eq!(same.len(), 1, "{be}: same ID number, other application");
    }
    Ok(())
}

#[tokio::test]
async fn clock_steps_go_on_the_timeline_and_match_the_rules_due_date() -> Result<()> {
    for (be, k) in all().await {
        let r = submit(&k, "张三", ID1, date!(2026 - 09 - 30)).await?;
        let office = Actor::user("office1");
        // Third-party consultation 10-09 → 10-16: due 11-11 (RULES example).
        let limit = store::start_pause(
            &k,
            r.id,
            PauseKind::ThirdParty,
            "某某公司",
            date!(2026 - 10 - 09),
            &office,
            at(date!(2026 - 10 - 09)),
        )
        .await?;
        assert_eq!(limit, date!(2026 - 10 - 29), "{be}");
        let app = store::get(&k, r.id).await?;
        assert!(app.paused, "{be}");
        let pid = store::pauses(&k, r.id).await?[0].0;
        let due = store::end_pause(
            &k,
            r.id,
            pid,
            date!(2026 - 10 - 16),
            "不同意公开",
            &office,
            at(date!(2026 - 10 - 16)),
        )
        .await?;
        assert_eq!(due, date!(2026 - 11 - 11), "{be}");
        let due = store::extend(
            &k,
            r.id,
            10,
            "需调取档案",
            "王主任",
            &office,
            at(date!(2026 - 10 - 20)),
        )
        .await?;
        assert_eq!(due, date!(2026 - 11 - 25), "{be}");
        // A second extension is refused and writes nothing.
        let before = writes(&k).await;
        assert!(
            store::extend(
                &k,
                r.id,
                5,
                "再延",
                "王主任",
                &office,
                at(date!(2026 - 10 - 21))
            )
            .await
            .is_err()
        );
        assert_eq!(writes(&k).await, before, "{be}");
        let app = store::get(&k, r.id).await?;
        assert_eq!(app.due_on, date!(2026 - 11 - 25), "{be}");
        assert_eq!(
            rules::due_date_command(&app.facts, date!(2026 - 10 - 21)),
            "yangguang rules due-date --received 2026-09-30 --pause 2026-10-09..2026-10-16 --extend 10",
            "{be}"
        );
        let public = store::timeline(&k, r.id, true).await?;
        let all = store::timeline(&k, r.id, false).await?;
        let public_text: String = public.iter().map(|l| l.text.clone()).collect();
        assert!(
            !public_text.contains("某某公司") && !public_text.contains("不同意"),
            "{be}: {public_text}"
        );
        assert!(
            public_text.contains("延长10个工作日，至2026-11-25"),
            "{be}: {public_text}"
        );
        assert!(all.len() > public.len(), "{be}");
    }
    Ok(())
}

#[tokio::test]
async fn supplement_restarts_the_clock_and_unanswered_supplement_lapses_as_other_1() -> Result<()> {
    for (be, k) in all().await {
        let office = Actor::user("office1");
        let a = submit(&k, "张三", ID1, date!(2026 - 09 - 30)).await?;
        let b = submit(&k, "李四", "110105194912310038", date!(2026 - 09 - 30)).await?;
        // Late notice (after the 7th working day) is refused.
        assert!(
            store::request_supplement(
                &k,
                a.id,
                date!(2026 - 10 - 16),
                15,
                "请写明文件名称",
                &office,
                at(date!(2026 - 10 - 16))
            )
            .await
            .is_err(),
            "{be}"
        );
        let deadline = store::request_supplement(
            &k,
            a.id,
            date!(2026 - 10 - 09),
            10,
            "请写明文件名称",
            &office,
            at(date!(2026 - 10 - 09)),
        )
        .await?;
        assert_eq!(deadline, date!(2026 - 10 - 22), "{be}");
        store::request_supplement(
            &k,
            b.id,
            date!(2026 - 10 - 09),
            10,
            "请写明年份",
            &office,
            at(date!(2026 - 10 - 09)),
        )
        .await?;
        let due = store::receive_supplement(
            &k,
            a.id,
            date!(2026 - 10 - 20),
            "文件名称为《2025年度监督检查计划》",
            &Actor::public(),
            at(date!(2026 - 10 - 20)),
        )
        .await?;
        assert_eq!(
            due,
            k.calendar().add_working_days(date!(2026 - 10 - 20), 20),
            "{be}"
        );
        let closed =
            reply::close_lapsed(&k, date!(2026 - 10 - 26), at(date!(2026 - 10 - 26))).await?;
        assert_eq!(closed, vec![b.app_no.clone()], "{be}");
        let b2 = store::get(&k, b.id).await?;
        assert_eq!(b2.outcome.map(|o| o.code()), Some("other_1"), "{be}");
        let letter = reply::reply_of(&k, b.id)
            .await?
            .map(|r| r.body)
            .unwrap_or_default();
        assert!(letter.contains("逾期未补正"), "{be}: {letter}");
    }
    Ok(())
}

#[tokio::test]
async fn fee_notice_pauses_the_clock_with_the_monthly_case_calculation() -> Result<()> {
    for (be, k) in all().await {
        let office = Actor::user("office1");
        let mut last = None;
        for i in 0..11 {
            last = Some(
                submit(
                    &k,
                    "张三",
                    ID1,
                    date!(2026 - 10 - 09) + time::Duration::days(i / 11),
                )
                .await?,
            );
        }
        let Some(r) = last else { continue };
        let app = store::get(&k, r.id).await?;
        let (amount, lines) = reply::fee_for(&k, &app, FeeMethod::ByCase, 0).await?;
        assert_eq!(amount, 100, "{be}: the 11th case of the month");
        assert!(
            lines.iter().any(|l| l.contains("本月第11件")),
            "{be}: {lines:?}"
        );
        // The first case of the month is free: no notice.
        let first = store::find_by_code(&k, "YSQ-2026-000001", "XXXXXXXX").await?;
        assert!(first.is_none());
        let amount = reply::fee_notice(
            &k,
            r.id,
            FeeMethod::ByPage,
            150,
            date!(2026 - 10 - 12),
            &office,
            at(date!(2026 - 10 - 12)),
        )
        .await?;
        assert_eq!(amount, 1700, "{be}");
        assert!(store::get(&k, r.id).await?.paused, "{be}");
        let pid = store::pauses(&k, r.id).await?[0].0;
        store::end_pause(
            &k,
            r.id,
            pid,
            date!(2026 - 10 - 16),
            "",
            &office,
            at(date!(2026 - 10 - 16)),
        )
        .await?;
        assert_eq!(annual::fees_collected(&k, 2026).await?, 1700, "{be}");
    }
    Ok(())
}

#[tokio::test]
async fn reply_is_numbered_on_issue_and_the_annual_report_counts_it() -> Result<()> {
    for (be, k) in all().await {
        let office = Actor::user("office1");
        let r1 = submit(&k, "张三", ID1, date!(2025 - 12 - 22)).await?;
        let r2 = submit(&k, "李四", "110105194912310038", date!(2026 - 03 - 02)).await?;
        let r3 = submit(&k, "王五", "110105194912310046", date!(2026 - 12 - 30)).await?;
        let withhold = Outcome::parse("withhold_4").unwrap_or_else(|| panic!());
        let body =
            reply::save_draft(&k, r1.id, withhold, "", &office, at(date!(2026 - 01 - 05))).await?;
        assert!(body.contains("复议前置"), "{be}: {body}");
        // Editable before issue.
        let edited = format!("{body}\n（补充说明）");
        reply::save_draft(
            &k,
            r1.id,
            withhold,
            &edited,
            &office,
            at(date!(2026 - 01 - 06)),
        )
        .await?;
        let no = reply::issue(
            &k,
            r1.id,
            date!(2026 - 01 - 08),
            &office,
            at(date!(2026 - 01 - 08)),
        )
        .await?;
        assert_eq!(no, "依申复〔2026〕1号", "{be}");
        assert!(
            reply::save_draft(&k, r1.id, withhold, "", &office, at(date!(2026 - 01 - 09)))
                .await
                .is_err(),
            "{be}"
        );
        // 予以公开 needs released files unless collected in person.
        let disclose = Outcome::parse("disclose").unwrap_or_else(|| panic!());
        reply::save_draft(&k, r2.id, disclose, "", &office, at(date!(2026 - 03 - 10))).await?;
        assert!(
            reply::issue(
                &k,
                r2.id,
                date!(2026 - 03 - 10),
                &office,
                at(date!(2026 - 03 - 10))
            )
            .await
            .is_err(),
            "{be}"
        );
        reply::attach(
            &k,
            r2.id,
            "检查计划.pdf",
            b"%PDF-1.4 plan",
            &office,
            at(date!(2026 - 03 - 10)),
        )
        .await?;
        let no = reply::issue(
            &k,
            r2.id,
            date!(2026 - 03 - 10),
            &office,
            at(date!(2026 - 03 - 10)),
        )
        .await?;
        assert_eq!(no, "依申复〔2026〕2号", "{be}");
        // A review case on r1, upheld.
        cases::record(
            &k,
            r1.id,
            None,
            &CaseInput {
                kind: "review",
                filed_on: "2026-02-01",
                body: "某某市人民政府",
                result: "upheld",
                concluded_on: "2026-04-01",
                note: "",
            },
            &office,
            at(date!(2026 - 04 - 02)),
        )
        .await?;
        let bad = CaseInput {
            kind: "review",
            filed_on: "2026-02-01",
            body: "某某市人民政府",
            result: "pending",
            concluded_on: "2026-04-01",
            note: "",
        };
        let before = writes(&k).await;
        assert!(
            cases::record(&k, r1.id, None, &bad, &office, at(date!(2026 - 04 - 02)))
                .await
                .is_err()
        );
        assert_eq!(writes(&k).await, before, "{be}");

        let t = annual::table3(&k, 2026).await?;
        let facts = [
            AppFact {
                kind: rules::ApplicantKind::Natural,
                received: date!(2025 - 12 - 22),
                replied: Some((date!(2026 - 01 - 08), withhold)),
            },
            AppFact {
                kind: rules::ApplicantKind::Natural,
                received: date!(2026 - 03 - 02),
                replied: Some((date!(2026 - 03 - 10), disclose)),
            },
            AppFact {
                kind: rules::ApplicantKind::Natural,
                received: date!(2026 - 12 - 30),
                replied: None,
            },
        ];
        assert_eq!(t, report::table3_from(&facts, 2026), "{be}");
        assert_eq!(t.row(Row3::CarriedIn)[6], 1, "{be}");
        assert_eq!(t.row(Row3::CarriedOut)[6], 1, "{be}");
        assert!(t.invariant_failures().is_empty(), "{be}");
        let t4 = annual::table4(&k, 2026).await?;
        assert_eq!(t4.row(0), [1, 0, 0, 0, 1], "{be}");
        let j = annual::build(&k, 2026).await?;
        assert_eq!(j["table3"]["rows"][0]["values"][6], 2, "{be}");
        assert_eq!(j["invariant"]["holds"], true, "{be}");
        annual::publish(&k, 2026, &office, at(date!(2026 - 12 - 31))).await?;
        assert_eq!(annual::published(&k).await?.len(), 1, "{be}");
        let _ = r3;
    }
    Ok(())
}

#[tokio::test]
async fn overdue_sweep_counts_open_running_clocks_by_due_date() -> Result<()> {
    for (be, k) in all().await {
        submit(&k, "张三", ID1, date!(2026 - 09 - 30)).await?; // due 11-03
        submit(&k, "李四", "110105194912310038", date!(2026 - 10 - 26)).await?; // due 11-23
        let s = store::sweep(&k, date!(2026 - 11 - 04)).await?;
        assert_eq!(
            (s.open, s.overdue, s.near_due, s.paused),
            (2, 1, 0, 0),
            "{be}"
        );
        let s = store::sweep(&k, date!(2026 - 10 - 29)).await?;
        assert_eq!((s.overdue, s.near_due), (0, 1), "{be}");
        let inbox = store::inbox(&k, date!(2026 - 11 - 04), None, 100).await?;
        assert!(inbox[0].overdue(), "{be}");
    }
    Ok(())
}

#[tokio::test]
async fn unanswered_consultation_ends_on_its_limit_on_the_timeline_and_the_clock_resumes()
-> Result<()> {
    for (be, k) in all().await {
        let r = submit(&k, "张三", ID1, date!(2026 - 09 - 30)).await?;
        let office = Actor::user("office1");
        store::start_pause(
            &k,
            r.id,
            PauseKind::OtherAgency,
            "某某局",
            date!(2026 - 10 - 09),
            &office,
            at(date!(2026 - 10 - 09)),
        )
        .await?;
        assert_eq!(
            store::lapse_consultations(&k, date!(2026 - 10 - 29), at(date!(2026 - 10 - 29)))
                .await?,
            0,
            "{be}: not past the limit yet"
        );
        assert_eq!(
            store::lapse_consultations(&k, date!(2026 - 10 - 30), at(date!(2026 - 10 - 30)))
                .await?,
            1,
            "{be}"
        );
        let app = store::get(&k, r.id).await?;
        assert!(!app.paused, "{be}");
        assert_eq!(
            app.due_on,
            k.calendar()
                .add_working_days(date!(2026 - 09 - 30), 20 + 15),
            "{be}"
        );
        let lines = store::timeline(&k, r.id, false).await?;
        assert!(
            lines
                .iter()
                .any(|l| l.kind == "consult_lapsed" && l.text.contains("视为同意") && !l.public),
            "{be}"
        );
        assert_eq!(
            store::lapse_consultations(&k, date!(2026 - 11 - 02), at(date!(2026 - 11 - 02)))
                .await?,
            0,
            "{be}: once"
        );
    }
    Ok(())
}

/// Deterministic xorshift for the random sets below.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[tokio::test]
async fn table3_from_the_database_equals_the_pure_aggregation_for_random_applications() -> Result<()>
{
    use yangguang_kernel::db::query_dyn;
    for (be, k) in all().await {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        let outcomes: Vec<Outcome> = Outcome::all().collect();
        let mut facts = Vec::new();
        for seq in 0..400 {
            let received = date!(2024 - 06 - 01) + time::Duration::days(rng.below(1000) as i64);
            let kind = rules::ApplicantKind::ALL[rng.below(6) as usize];
            let replied = (rng.below(4) > 0).then(|| {
                (
                    received + time::Duration::days(rng.below(60) as i64),
                    outcomes[rng.below(outcomes.len() as u64) as usize],
                )
            });
            facts.push(AppFact {
                kind,
                received,
                replied,
            });
            let (status, o, r) = match replied {
                Some((d, o)) => ("replied", format!("'{}'", o.code()), format!("'{d}'")),
                None => ("open", "NULL".into(), "NULL".into()),
            };
            query_dyn(
                k.db.backend(),
                format!(
                    "INSERT INTO ysq_applications (app_no, year, code_hash, channel, applicant_kind, applicant_name, id_type, \
                     id_number_sealed, phone_sealed, description, provision_form, delivery, applicant_key, arrived_on, received_on, \
                     status, due_on, paused, outcome, replied_on, created_by, created_at, updated_at) VALUES \
                     ('R-{seq}', 2025, 'h', 'online', '{}', 'x', 'resident_id', 's', 's', 'd', 'electronic', 'online', 'k', \
                     '{received}', '{received}', '{status}', '{received}', 0, {o}, {r}, 't', 'now', 'now')",
                    kind.code()
                ),
            )
            .execute(k.db.pool())
            .await?;
        }
        for year in 2024..=2027 {
            let from_db = annual::table3(&k, year).await?;
            assert_eq!(from_db, report::table3_from(&facts, year), "{be} {year}");
            assert!(from_db.invariant_failures().is_empty(), "{be} {year}");
        }
    }
    Ok(())
}

#[tokio::test]
async fn a_due_date_through_a_year_without_arrangement_is_provisional_until_it_is_imported()
-> Result<()> {
    for (be, k) in all().await {
        // Received 2026-12-21: the 20 working days run into 2027.
        let r = submit(&k, "张三", ID1, date!(2026 - 12 - 21)).await?;
        let flag: i64 = query_scalar(
            k.db.backend(),
            "SELECT provisional FROM ysq_applications WHERE id = ?",
        )
        .bind(r.id)
        .fetch_one(k.db.pool())
        .await?;
        assert_eq!(flag, 1, "{be}");
        assert_eq!(
            store::refresh_provisional(&k, date!(2026 - 12 - 22), at(date!(2026 - 12 - 22)))
                .await?,
            0,
            "{be}"
        );
        // 2027: New Year's Day off and a made-up day off on 2027-01-04 (test data).
        let csv = "date,kind,festival\n2027-01-01,holiday,元旦\n2027-01-04,holiday,元旦\n";
        yangguang_kernel::calendar_store::import_csv(
            &k,
            &Actor::cli(),
            at(date!(2026 - 12 - 22)),
            "test",
            csv,
        )
        .await?;
        assert_eq!(
            store::refresh_provisional(&k, date!(2026 - 12 - 22), at(date!(2026 - 12 - 22)))
                .await?,
            1,
            "{be}"
        );
        let app = store::get(&k, r.id).await?;
        assert_eq!(
            app.due_on,
            k.calendar().add_working_days(date!(2026 - 12 - 21), 20),
            "{be}"
        );
        let lines = store::timeline(&k, r.id, true).await?;
        assert!(
            lines
                .iter()
                .any(|l| l.text.contains("节假日安排公布后重新计算")),
            "{be}"
        );
    }
    Ok(())
}
