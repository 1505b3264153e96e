//! Demo 权力清单 and 办件: the 232 items of seed document 1 with the
//! shipped processes, and cases in every state, each moved through the
//! engine by the people the processes name, on past working days: licences
//! decided on time and refused, one waiting for the bureau meeting, one
//! with 一次告知, one deemed accepted, one in an expert review; penalties
//! through a hearing, one disclosed, one in the hearing window; checks.

use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time};
use yangguang_kernel::audit::Actor;
use yangguang_kernel::calendar::Calendar;
use yangguang_kernel::timefmt::{CST, today_cst};
use yangguang_kernel::{Kernel, Result};
use yangguang_powers::case::{self, IntendedInput, StepInput};
use yangguang_powers::case_store::{self, Channel, NewCase};
use yangguang_powers::rules::{CaseFacts, Party, PenaltyKind};
use yangguang_powers::{seed, who};
use yangguang_process::{Value, Vars};

fn at(d: Date, minute: u32) -> OffsetDateTime {
    let t = Time::from_hms((minute / 60).min(23) as u8, (minute % 60) as u8, 0)
        .unwrap_or(Time::MIDNIGHT);
    PrimitiveDateTime::new(d, t).assume_offset(CST)
}

/// The `n`-th working day before `d`.
fn before(cal: &Calendar, d: Date, n: u32) -> Date {
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

/// The penalty a 告知 states, for an organisation.
fn intended(
    kind: PenaltyKind,
    amount_yuan: Option<i64>,
    facts: CaseFacts,
) -> Option<IntendedInput> {
    Some(IntendedInput {
        kind,
        amount_yuan,
        party: Party::Organisation,
        facts,
    })
}

fn vars(pairs: &[(&str, bool)]) -> Vars {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), Value::Bool(*v)))
        .collect()
}

/// One case's days: each act on the next working day after the last.
struct Walk<'a> {
    k: &'a Kernel,
    cal: Calendar,
    id: i64,
    day: Date,
    minute: u32,
}

async fn open<'a>(
    k: &'a Kernel,
    cal: &Calendar,
    (item, party, subject): (&str, &str, &str),
    channel: Channel,
    on: Date,
    by: &str,
) -> Result<Walk<'a>> {
    let o = case_store::open(
        k,
        at(on, 9 * 60 + 10),
        &Actor::user(by),
        NewCase {
            item_code: item.into(),
            party: party.into(),
            contact: "0512-6666 0000".into(),
            subject: subject.into(),
            channel,
            received_on: on,
        },
    )
    .await?;
    Ok(Walk {
        k,
        cal: cal.clone(),
        id: o.id,
        day: on,
        minute: 9 * 60 + 30,
    })
}

impl Walk<'_> {
    /// Moves `n` working days on.
    fn later(&mut self, n: u32) -> &mut Self {
        for _ in 0..n {
            self.day += Duration::days(1);
            while !self.cal.is_working_day(self.day) {
                self.day += Duration::days(1);
            }
        }
        self.minute = 9 * 60 + 30;
        self
    }

    async fn act(&mut self, user: &str, node: &str, v: Vars, input: StepInput) -> Result<()> {
        let w = who::who(self.k, user, self.day).await?;
        let c = case_store::get(self.k, self.id).await?;
        let cand = yangguang_process::engine::open_tasks(&c.definition, &c.instance)
            .into_iter()
            .find(|t| t.node == node)
            .and_then(|t| t.candidate);
        let actor = w.actor_for(cand.as_ref());
        self.minute += 17;
        let input = StepInput {
            node: node.into(),
            ..input
        };
        case_store::act_on(
            self.k,
            at(self.day, self.minute),
            &actor,
            &w.engine,
            &c,
            input,
            v,
        )
        .await
    }

    async fn say(&mut self, user: &str, node: &str, opinion: &str) -> Result<()> {
        self.act(
            user,
            node,
            Vars::new(),
            StepInput {
                opinion: opinion.into(),
                ..StepInput::default()
            },
        )
        .await
    }
}

pub async fn seed(k: &Kernel, now: OffsetDateTime) -> Result<()> {
    let cal = k.calendar();
    let today = today_cst(now);
    let setup = before(&cal, today, 130);
    seed::seed(k, at(setup, 8 * 60)).await?;
    let window = "xugang";
    let zf = "zhengwei";

    // 1. An ordinary licence decided and issued well within the promise.
    let mut w = open(
        k,
        &cal,
        (
            "XK-004",
            "苏州工业园区华泰化工贸易有限公司",
            "申请危险化学品经营许可证（不带储存设施）",
        ),
        Channel::Window,
        before(&cal, today, 80),
        window,
    )
    .await?;
    w.act(
        window,
        "check",
        vars(&[("materials_complete", true)]),
        StepInput::default(),
    )
    .await?;
    w.say(window, "accept", "材料齐全，予以受理").await?;
    w.later(6)
        .say(
            window,
            "review_window",
            "经现场核查，经营场所、安全管理制度符合条件",
        )
        .await?;
    w.later(2)
        .act(
            "liming",
            "decide",
            vars(&[("granted", true)]),
            StepInput {
                opinion: "准予许可，核发危险化学品经营许可证".into(),
                ..StepInput::default()
            },
        )
        .await?;
    w.later(1)
        .say(window, "issue", "许可证已送达申请人")
        .await?;

    // 2. 一次告知, supplement, review, refusal served.
    let mut w = open(
        k,
        &cal,
        (
            "XK-006",
            "苏州市姑苏区福临烟花爆竹经营部",
            "申请烟花爆竹经营（零售）许可证",
        ),
        Channel::Window,
        before(&cal, today, 60),
        window,
    )
    .await?;
    w.later(1)
        .act(
            window,
            "check",
            vars(&[("materials_complete", false)]),
            StepInput::default(),
        )
        .await?;
    w.act(
        window,
        "notify",
        Vars::new(),
        StepInput {
            missing: vec![
                "零售场所产权证明或租赁合同".into(),
                "零售场所周边安全距离示意图".into(),
            ],
            ..StepInput::default()
        },
    )
    .await?;
    w.later(5)
        .act(
            window,
            "recheck",
            vars(&[("materials_complete", true)]),
            StepInput::default(),
        )
        .await?;
    w.say(window, "accept", "补正齐全，予以受理").await?;
    w.later(4)
        .say(
            window,
            "review_window",
            "零售场所与居民住宅安全距离不符合要求",
        )
        .await?;
    w.later(1)
        .act(
            "liming",
            "decide",
            vars(&[("granted", false)]),
            StepInput {
                opinion:
                    "不予许可：零售场所与居民住宅安全距离不符合《烟花爆竹经营许可实施办法》的要求"
                        .into(),
                ..StepInput::default()
            },
        )
        .await?;
    w.later(1)
        .say(
            window,
            "deliver_refusal",
            "不予许可决定书已送达，告知申请复议或诉讼的权利",
        )
        .await?;

    // 3. An important item: the licensing working group's recorded opinion, awaiting decision.
    let mut w = open(
        k,
        &cal,
        (
            "XK-003",
            "张家港保税区长江润发化学有限公司",
            "申请危险化学品安全使用许可证",
        ),
        Channel::Online,
        before(&cal, today, 12),
        window,
    )
    .await?;
    w.act(
        window,
        "check",
        vars(&[("materials_complete", true)]),
        StepInput::default(),
    )
    .await?;
    w.say(window, "accept", "网上申请材料齐全，予以受理")
        .await?;
    w.later(8).say("hejun", "review_group", "许可工作小组集体审查意见：申请单位安全设施、管理制度符合条件，同意准予许可（小组成员5人，同意5人）").await?;

    // 4. A major item: waits for the bureau meeting (a 三重一大 topic).
    let mut w = open(
        k,
        &cal,
        (
            "XK-001",
            "苏州市相城区新材料产业园开发有限公司",
            "年产2万吨精细化学品建设项目安全条件审查",
        ),
        Channel::Window,
        before(&cal, today, 6),
        window,
    )
    .await?;
    w.act(
        window,
        "check",
        vars(&[("materials_complete", true)]),
        StepInput::default(),
    )
    .await?;
    w.say(window, "accept", "材料齐全，予以受理").await?;

    // 5. Just received, at the window.
    open(
        k,
        &cal,
        (
            "XK-007",
            "王海军",
            "申请特种作业操作证（危险化学品安全作业）",
        ),
        Channel::Window,
        before(&cal, today, 1),
        window,
    )
    .await?;

    // 6. No notice within five working days: deemed accepted by the sweep.
    open(
        k,
        &cal,
        (
            "XK-005",
            "苏州吴江区盛世烟花爆竹批发有限公司",
            "申请烟花爆竹经营（批发）许可证",
        ),
        Channel::Window,
        before(&cal, today, 9),
        window,
    )
    .await?;

    // 7. Extended, with an expert review not counted on the clock.
    let mut w = open(
        k,
        &cal,
        (
            "XK-008",
            "苏州苏钢特种合金有限公司",
            "金属冶炼建设项目安全设施设计审查",
        ),
        Channel::Window,
        before(&cal, today, 18),
        window,
    )
    .await?;
    w.act(
        window,
        "check",
        vars(&[("materials_complete", true)]),
        StepInput::default(),
    )
    .await?;
    w.say(window, "accept", "材料齐全，予以受理").await?;
    let exp = w.later(3).day;
    case_store::change_facts(
        k,
        at(exp, 10 * 60),
        &Actor::user("wangjg"),
        w.id,
        |c, d| {
            case::extend(
                c.kind,
                &c.facts,
                "wangjg",
                "设计方案涉及高温熔融金属工艺，需组织专家评审",
                0,
                d,
            )
        },
        "powers.case_extend",
    )
    .await?;
    case_store::change_facts(
        k,
        at(exp, 10 * 60 + 30),
        &Actor::user(window),
        w.id,
        |c, d| case::exclude(&c.facts, "专家评审", d, false),
        "powers.case_exclude",
    )
    .await?;

    // 8. Overdue: accepted long ago, still at the window's review.
    let mut w = open(
        k,
        &cal,
        (
            "XK-002",
            "常熟市氟化工园区建设发展有限公司",
            "危险化学品建设项目安全设施设计审查",
        ),
        Channel::Window,
        before(&cal, today, 40),
        window,
    )
    .await?;
    w.act(
        window,
        "check",
        vars(&[("materials_complete", true)]),
        StepInput::default(),
    )
    .await?;
    w.say(window, "accept", "材料齐全，予以受理").await?;

    // 9. A penalty decided, served and disclosed.
    let mut w = open(
        k,
        &cal,
        (
            "CF-007",
            "苏州某精密机械有限公司",
            "未按照规定配备安全生产管理人员",
        ),
        Channel::ExOfficio,
        before(&cal, today, 70),
        zf,
    )
    .await?;
    w.say(zf, "register", "经初步调查，有违法事实，予以立案")
        .await?;
    w.later(10)
        .say(zf, "investigate", "调查终结，证据确凿")
        .await?;
    w.later(2)
        .say("hejun", "examine", "事实清楚，证据确凿，拟处罚款三万元")
        .await?;
    let told = w.day;
    w.later(6)
        .act(
            zf,
            "inform",
            vars(&[("hearing_requested", false)]),
            StepInput {
                informed_on: Some(told),
                intended: intended(PenaltyKind::Fine, Some(30_000), CaseFacts::default()),
                ..StepInput::default()
            },
        )
        .await?;
    w.later(1).say("wangjg", "approve", "同意").await?;
    w.later(1)
        .act(
            zf,
            "decide",
            vars(&[("disclose", true)]),
            StepInput {
                opinion: "责令限期改正，处罚款人民币三万元".into(),
                ..StepInput::default()
            },
        )
        .await?;
    w.later(2).say(zf, "serve", "处罚决定书已直接送达").await?;
    w.say(
        "zhouting",
        "disclose",
        "已在政府信息公开目录“行政处罚”栏目公开",
    )
    .await?;
    w.later(1).say(zf, "close", "罚款已缴纳，结案").await?;

    // 10. A hearing held after notice seven working days ahead; now at 法制审核.
    let mut w = open(
        k,
        &cal,
        (
            "CF-020",
            "苏州某化工储运有限公司",
            "危险化学品储存未设置明显安全警示标志",
        ),
        Channel::ExOfficio,
        before(&cal, today, 35),
        zf,
    )
    .await?;
    w.say(zf, "register", "予以立案").await?;
    w.later(8).say(zf, "investigate", "调查终结").await?;
    w.later(2)
        .say("hejun", "examine", "拟责令停产停业整顿，当事人享有听证权利")
        .await?;
    let told = w.later(1).day;
    w.later(3)
        .act(
            zf,
            "inform",
            vars(&[("hearing_requested", true)]),
            StepInput {
                informed_on: Some(told),
                intended: intended(
                    PenaltyKind::SuspendProduction,
                    None,
                    CaseFacts {
                        major_rights: true,
                        ..CaseFacts::default()
                    },
                ),
                ..StepInput::default()
            },
        )
        .await?;
    let notice = w.day;
    let held = w.later(9).day;
    w.act(
        "hejun",
        "hearing",
        Vars::new(),
        StepInput {
            hearing_notice_on: Some(notice),
            hearing_on: Some(held),
            opinion: "听证会已举行，当事人进行了陈述申辩".into(),
            ..StepInput::default()
        },
    )
    .await?;

    // 11. In the hearing window after 告知.
    let mut w = open(
        k,
        &cal,
        (
            "CF-045",
            "昆山某五金制品有限公司",
            "未对安全设备进行经常性维护、保养",
        ),
        Channel::ExOfficio,
        before(&cal, today, 15),
        zf,
    )
    .await?;
    w.say(zf, "register", "予以立案").await?;
    w.later(6).say(zf, "investigate", "调查终结").await?;
    w.later(2).say("hejun", "examine", "拟处罚款二万元").await?;

    // 12. A major violation for 集体讨论决定 (a topic for the bureau meeting).
    let mut w = open(
        k,
        &cal,
        (
            "CF-050",
            "太仓某港务危化品码头有限公司",
            "重大事故隐患排除前未采取安全措施",
        ),
        Channel::ExOfficio,
        before(&cal, today, 30),
        zf,
    )
    .await?;
    w.say(zf, "register", "予以立案").await?;
    w.later(8).say(zf, "investigate", "调查终结").await?;
    w.later(2)
        .say("hejun", "examine", "情节严重，拟责令停产停业整顿并处罚款")
        .await?;
    let told = w.day;
    w.later(6)
        .act(
            zf,
            "inform",
            vars(&[("hearing_requested", false)]),
            StepInput {
                informed_on: Some(told),
                intended: intended(
                    PenaltyKind::SuspendProduction,
                    None,
                    CaseFacts {
                        major_violation: true,
                        major_public_interest: true,
                        ..CaseFacts::default()
                    },
                ),
                ..StepInput::default()
            },
        )
        .await?;
    w.later(2)
        .say(
            "chenjing",
            "legal_review",
            "法制审核意见：事实清楚，适用依据正确，程序合法",
        )
        .await?;

    // 13. Just filed.
    open(
        k,
        &cal,
        (
            "CF-101",
            "苏州某建设工程有限公司",
            "施工现场未设置安全生产管理机构",
        ),
        Channel::ExOfficio,
        before(&cal, today, 2),
        zf,
    )
    .await?;

    // 14–15. Safety inspections: one closed, one with hazards to re-check.
    let mut w = open(
        k,
        &cal,
        (
            "QT-001",
            "苏州某纺织印染有限公司",
            "2026年度安全生产监督检查计划（第三季度）",
        ),
        Channel::ExOfficio,
        before(&cal, today, 50),
        zf,
    )
    .await?;
    w.say(zf, "notify", "已制定检查方案并告知").await?;
    w.later(3)
        .act(
            zf,
            "inspect",
            vars(&[("hazards_found", false)]),
            StepInput {
                opinion: "现场检查未发现事故隐患".into(),
                ..StepInput::default()
            },
        )
        .await?;
    w.later(1).say("hejun", "archive", "检查记录归档").await?;
    let mut w = open(
        k,
        &cal,
        (
            "QT-001",
            "苏州某金属表面处理有限公司",
            "专项检查：涉爆粉尘作业场所",
        ),
        Channel::ExOfficio,
        before(&cal, today, 20),
        zf,
    )
    .await?;
    w.say(zf, "notify", "已告知").await?;
    w.later(2)
        .act(
            zf,
            "inspect",
            vars(&[("hazards_found", true)]),
            StepInput {
                opinion: "除尘系统未按规定设置锁气卸灰装置".into(),
                ..StepInput::default()
            },
        )
        .await?;
    w.later(1)
        .say(zf, "order", "已下达责令限期整改指令书，限期15日")
        .await?;

    // Timers due by today fire (the 5-day notice limit of case 6).
    case_store::tick(k, now).await?;
    Ok(())
}
