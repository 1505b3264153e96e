//! Demo 网上办文: a year of the bureau's 收文 and 发文, driven through the
//! docflow engine itself (receive, 签收, act, 签发, 编号, 印制, 核发), so the
//! trail, the audit chain and the numbers are the real ones.
//!
//! Each document is planned as a list of dated acts in office hours; then
//! the acts of all documents run in time order, so 收文编号 and 发文字号
//! follow the calendar. Documents begun in the last weeks stay where an
//! office would have them (awaiting approval, registration, routing, a
//! head's opinion, 会签, 核稿, 签发, printing), some past their limit.
//! Three cases are there on purpose: one 发文 paused into a 三重一大
//! topic, one changed after 签发 with the signer's approval (a new
//! version), and one issued by the B holder of 局长岗 while the 局长 was
//! away on business. Whoever is on leave on a day has their work done by
//! their B holder, as the posts say.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time};
use yangguang_docflow::acts::{self, Act, Registration, Upload};
use yangguang_docflow::incoming::{self, NewIncoming};
use yangguang_docflow::model::{TaskState, TaskStep};
use yangguang_docflow::outgoing::{self, NewOutgoing};
use yangguang_docflow::rules::{self, DocType, Opinion, Secrecy, Step, Urgency, default_path};
use yangguang_docflow::who::{self, Who};
use yangguang_docflow::{docacts, inbox, store};
use yangguang_kernel::audit::Actor;
use yangguang_kernel::calendar::Calendar;
use yangguang_kernel::org::Acting;
use yangguang_kernel::org_store::{self, PostView};
use yangguang_kernel::timefmt::{CST, fmt_date, today_cst};
use yangguang_kernel::{Error, Kernel, Result};

use crate::demo::{AGENCY, USERS};

/// Incoming documents by where they stand at the end.
const INCOMING: &[(In, usize)] = &[
    (In::Closed, 174),
    (In::Declined, 3),
    (In::Requested, 7),
    (In::ToRegister, 4),
    (In::Registered, 4),
    (In::Returned, 4),
    (In::Routed, 8),
    (In::Handling, 16),
];

/// Outgoing documents by where they stand at the end (the three special
/// ones are added to these).
const OUTGOING: &[(Out, usize)] = &[
    (Out::Issued, 82),
    (Out::Withdrawn(0), 1),
    (Out::Withdrawn(1), 1),
    (Out::Withdrawn(2), 1),
    (Out::Drafting, 4),
    (Out::Returned, 1),
    (Out::Cosigning, 4),
    (Out::Consolidating, 2),
    (Out::Coordinating, 1),
    (Out::Signing, 9),
    (Out::Signed, 3),
    (Out::Checked, 2),
    (Out::Numbered, 2),
    (Out::Printed, 3),
];

// ---------------------------------------------------------------- randomness

/// xorshift64: the same documents on every run.
#[derive(Clone)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// 0..n
    fn below(&mut self, n: usize) -> usize {
        (self.next() % (n.max(1) as u64)) as usize
    }

    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }

    /// lo..=hi
    fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + (self.next() % u64::from(hi.saturating_sub(lo) + 1)) as u32
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

// ---------------------------------------------------------------- time

/// `minute` minutes after midnight, Beijing time, on `d`.
fn at(d: Date, minute: u32) -> OffsetDateTime {
    let t = Time::from_hms((minute / 60).min(23) as u8, (minute % 60) as u8, 0)
        .unwrap_or(Time::MIDNIGHT);
    PrimitiveDateTime::new(d, t).assume_offset(CST)
}

fn minute_of(t: OffsetDateTime) -> u32 {
    let l = t.to_offset(CST);
    u32::from(l.hour()) * 60 + u32::from(l.minute())
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

/// A document's clock: its acts fall in office hours on working days.
struct Clock<'a> {
    cal: &'a Calendar,
    t: OffsetDateTime,
}

impl<'a> Clock<'a> {
    fn new(cal: &'a Calendar, d: Date, rng: &mut Rng) -> Self {
        let mut d = d;
        while !cal.is_working_day(d) {
            d += Duration::days(1);
        }
        Clock {
            cal,
            t: at(d, 8 * 60 + 40 + rng.range(0, 400)),
        }
    }

    /// The next act: later the same day (`days` 0) or `days` working days on.
    fn next(&mut self, rng: &mut Rng, days: u32) -> OffsetDateTime {
        let day = today_cst(self.t);
        let t = if days == 0 {
            let t = self.t + Duration::minutes(i64::from(rng.range(12, 150)));
            if today_cst(t) == day && minute_of(t) <= 17 * 60 + 20 {
                t
            } else {
                at(
                    self.cal.add_working_days(day, 1),
                    8 * 60 + 40 + rng.range(0, 90),
                )
            }
        } else {
            at(
                self.cal.add_working_days(day, days),
                8 * 60 + 30 + rng.range(0, 420),
            )
        };
        self.t = t.max(self.t + Duration::minutes(12));
        self.t
    }

    /// `next` with 0..=max days.
    fn soon(&mut self, rng: &mut Rng, max: u32) -> OffsetDateTime {
        let d = rng.range(0, max);
        self.next(rng, d)
    }
}

// ---------------------------------------------------------------- content

#[derive(Clone, Copy, PartialEq, Eq)]
enum Src {
    Nation,
    Province,
    City,
    Committee,
    County,
    Dept,
}

/// A field of the bureau's work: who leads it and what its papers say.
struct Area {
    division: &'static str,
    deputy: &'static str,
    /// What the work is, for opening sentences.
    topic: &'static str,
    /// The goal a notice states.
    goal: &'static str,
    incoming: &'static [(Src, &'static str)],
    results: &'static [&'static str],
    outgoing: &'static [(DocType, &'static str)],
    tasks: &'static [&'static str],
}

const HAZCHEM: usize = 0;
const POLICY: usize = 5;

const AREAS: [Area; 6] = [
    Area {
        division: "wh",
        deputy: "zhouhong",
        topic: "危险化学品安全监管",
        goal: "危险化学品企业主体责任全面落实，重大危险源得到有效监控。",
        incoming: &[
            (
                Src::Nation,
                "关于开展危险化学品企业安全风险隐患排查治理工作的通知",
            ),
            (Src::Province, "关于加强危险化学品道路运输安全管理的通知"),
            (
                Src::Province,
                "关于做好{y}年度危险化学品经营许可证换证工作的通知",
            ),
            (
                Src::County,
                "关于{county}化工园区安全整治提升工作情况的报告",
            ),
            (Src::Province, "关于开展涉氨制冷企业液氨使用专项治理的通知"),
            (
                Src::City,
                "关于印发苏州市危险化学品安全综合治理实施方案的通知",
            ),
            (
                Src::County,
                "关于{company}申请危险化学品安全生产许可证延期的请示",
            ),
            (Src::Province, "关于报送危险化学品重点监管企业名单的通知"),
            (Src::Dept, "关于通报危险化学品运输车辆违法违规情况的函"),
            (Src::Nation, "关于加强化工过程安全管理的指导意见"),
            (
                Src::County,
                "关于{county}危险化学品重大危险源备案情况的报告",
            ),
            (Src::Committee, "关于开展危险化学品储罐区专项检查的通知"),
            (
                Src::County,
                "关于{county}{company}危险化学品建设项目安全条件审查的请示",
            ),
            (
                Src::Province,
                "关于开展{y}年度危险化学品登记信息核查工作的通知",
            ),
            (Src::Dept, "关于{county}危险化学品运输车辆专项检查情况的函"),
            (
                Src::County,
                "关于{county}危险化学品经营企业专项整治情况的报告",
            ),
            (
                Src::Committee,
                "关于开展第{q}季度危险化学品安全联合检查的通知",
            ),
        ],
        results: &[
            "已转发各市、区安监局并部署落实，全市汇总情况已按时报送省局。",
            "已组织对全市{n}家重点企业开展排查，发现隐患{m}处，均已督促整改到位。",
            "经现场核查，该企业符合延期条件，已提出同意意见报分管局领导审定并函复。",
            "已完成重点监管企业名单核对，共{n}家，已按要求上报。",
            "已会同属地安监局完成复查，情况报告已报送市安委办。",
        ],
        outgoing: &[
            (
                DocType::Routine,
                "关于开展{y}年度危险化学品安全专项检查的通知",
            ),
            (
                DocType::Routine,
                "关于进一步加强危险化学品重大危险源监管的通知",
            ),
            (
                DocType::Routine,
                "关于{company}危险化学品安全生产许可证延期申请的批复",
            ),
            (
                DocType::ToCity,
                "关于全市危险化学品安全综合治理工作进展情况的报告",
            ),
            (
                DocType::Joint,
                "关于联合开展危险化学品道路运输安全专项整治的通知",
            ),
            (
                DocType::OfficeName,
                "关于报送危险化学品重点监管企业信息的通知",
            ),
            (
                DocType::Routine,
                "关于{county}{company}危险化学品建设项目安全条件审查意见的批复",
            ),
            (
                DocType::Routine,
                "关于第{q}季度危险化学品安全专项检查情况的通报",
            ),
        ],
        tasks: &[
            "全面排查危险化学品生产、储存、使用企业的重大危险源",
            "督促企业落实自动化控制和紧急切断装置",
            "严格危险化学品经营许可审查",
            "加强对化工园区的日常安全监管",
        ],
    },
    Area {
        division: "wh",
        deputy: "zhouhong",
        topic: "烟花爆竹安全监管",
        goal: "烟花爆竹经营秩序明显好转，非法生产经营行为得到有效遏制。",
        incoming: &[
            (
                Src::Province,
                "关于做好{y}年春节期间烟花爆竹安全监管工作的通知",
            ),
            (Src::Committee, "关于开展烟花爆竹“打非治违”专项行动的通知"),
            (Src::County, "关于{county}烟花爆竹零售网点布局规划的请示"),
            (
                Src::County,
                "关于{county}烟花爆竹批发企业仓储设施安全检查情况的报告",
            ),
            (Src::Dept, "关于联合开展烟花爆竹运输安全检查的函"),
            (Src::Nation, "关于进一步加强烟花爆竹安全监管工作的通知"),
            (
                Src::County,
                "关于{county}{y}年烟花爆竹零售许可审批情况的报告",
            ),
            (
                Src::Province,
                "关于做好{y}年烟花爆竹经营许可证换证工作的通知",
            ),
            (Src::Dept, "关于{county}查获非法储存烟花爆竹情况的函"),
        ],
        results: &[
            "已部署各地开展零售网点检查，共检查网点{n}个，取缔无证经营{m}处。",
            "已按程序审核，同意该布局规划，复函已印发。",
            "已会同公安、质监部门完成联合检查，情况已报市安委办。",
        ],
        outgoing: &[
            (
                DocType::Routine,
                "关于做好{y}年烟花爆竹经营许可管理工作的通知",
            ),
            (
                DocType::Joint,
                "关于联合开展烟花爆竹“打非治违”专项行动的通知",
            ),
            (
                DocType::ToCity,
                "关于{y}年春节期间烟花爆竹安全监管工作情况的报告",
            ),
            (
                DocType::Routine,
                "关于{county}烟花爆竹零售网点布局规划的批复",
            ),
        ],
        tasks: &[
            "严格烟花爆竹批发、零售经营许可审查",
            "严厉打击非法生产、经营烟花爆竹行为",
            "加强节日期间零售网点的安全检查",
        ],
    },
    Area {
        division: "jczd",
        deputy: "zhouhong",
        topic: "职业卫生监管",
        goal: "重点行业企业职业病危害得到有效控制，劳动者职业健康权益得到保障。",
        incoming: &[
            (Src::Nation, "关于开展粉尘危害专项治理工作的通知"),
            (Src::Province, "关于做好{y}年度职业病危害项目申报工作的通知"),
            (
                Src::Province,
                "关于开展建设项目职业卫生“三同时”监督检查的通知",
            ),
            (
                Src::County,
                "关于{county}重点行业领域职业病危害现状调查情况的报告",
            ),
            (Src::Dept, "关于通报{y}年职业病报告情况的函"),
            (Src::Committee, "关于开展《职业病防治法》宣传周活动的通知"),
            (
                Src::County,
                "关于{county}{company}职业病危害事故调查情况的报告",
            ),
            (Src::Province, "关于开展{y}年度职业卫生监管人员培训的通知"),
            (
                Src::County,
                "关于{county}粉尘涉爆企业专项治理进展情况的报告",
            ),
        ],
        results: &[
            "已完成全市{n}家企业职业病危害项目申报审核，情况已上报省局。",
            "已组织开展粉尘危害专项检查，检查企业{n}家，责令整改{m}家。",
            "宣传周活动已按方案组织实施，活动总结已报送。",
        ],
        outgoing: &[
            (
                DocType::Routine,
                "关于开展{y}年度职业卫生专项执法检查的通知",
            ),
            (
                DocType::Routine,
                "关于加强粉尘涉爆企业职业危害防治工作的通知",
            ),
            (DocType::OfficeName, "关于报送职业病危害项目申报数据的通知"),
            (
                DocType::Routine,
                "关于{y}年第{q}季度职业卫生监督检查情况的通报",
            ),
        ],
        tasks: &[
            "督促企业开展职业病危害因素检测",
            "严格落实建设项目职业卫生“三同时”制度",
            "加强粉尘、噪声、毒物等重点危害的治理",
        ],
    },
    Area {
        division: "jczd",
        deputy: "zhouhong",
        topic: "安全生产执法",
        goal: "执法检查覆盖重点企业，重大事故隐患及时消除。",
        incoming: &[
            (Src::Province, "关于印发{y}年度安全生产监督检查计划的通知"),
            (Src::Province, "关于开展安全生产执法检查“回头看”的通知"),
            (Src::County, "关于{county}{y}年安全生产执法检查情况的报告"),
            (Src::Committee, "关于开展有限空间作业专项执法检查的通知"),
            (Src::Nation, "关于开展粉尘防爆专项执法检查的通知"),
            (Src::Province, "关于规范安全生产行政执法文书的通知"),
            (Src::County, "关于{company}重大事故隐患挂牌督办的请示"),
            (
                Src::County,
                "关于{county}第{q}季度安全生产执法检查情况的报告",
            ),
            (Src::Province, "关于开展{y}年度安全生产执法案卷评查的通知"),
            (
                Src::County,
                "关于{county}{company}拒不执行安全生产监管指令的情况报告",
            ),
            (Src::Committee, "关于开展第{q}季度安全生产大检查的通知"),
        ],
        results: &[
            "已制定全市执法检查计划并部署实施，共检查企业{n}家，立案查处{m}起。",
            "已组织开展“回头看”，复查企业{n}家，整改情况已报省局。",
            "已对该企业重大事故隐患实施挂牌督办，整改方案已审核。",
            "已按新文书格式组织培训并在全市推行。",
        ],
        outgoing: &[
            (
                DocType::Routine,
                "关于印发苏州市{y}年度安全生产监督检查计划的通知",
            ),
            (
                DocType::Routine,
                "关于{y}年第{q}季度安全生产执法检查情况的通报",
            ),
            (DocType::Routine, "关于开展有限空间作业专项执法检查的通知"),
            (DocType::ToCity, "关于{y}年全市安全生产执法工作情况的报告"),
            (DocType::Joint, "关于联合开展工贸企业安全生产执法检查的通知"),
            (
                DocType::Routine,
                "关于对{county}{company}重大事故隐患挂牌督办的通知",
            ),
        ],
        tasks: &[
            "依法查处安全生产违法行为",
            "对重大事故隐患实行挂牌督办",
            "规范执法程序和执法文书",
            "做好执法检查结果的公开",
        ],
    },
    Area {
        division: "jczd",
        deputy: "zhouhong",
        topic: "事故调查处理和隐患排查治理",
        goal: "事故教训得到深刻汲取，同类事故得到有效防范。",
        incoming: &[
            (
                Src::County,
                "关于{county}{company}“{md}”{kind}事故情况的报告",
            ),
            (
                Src::County,
                "关于{county}{company}“{md}”{kind}事故调查报告的请示",
            ),
            (Src::Province, "关于近期几起较大生产安全事故情况的通报"),
            (
                Src::City,
                "关于吸取近期事故教训切实加强安全防范工作的紧急通知",
            ),
            (Src::Province, "关于做好生产安全事故统计快报工作的通知"),
            (
                Src::Province,
                "关于{y}年第{q}季度全省生产安全事故情况的通报",
            ),
            (
                Src::County,
                "关于{county}{company}“{md}”{kind}事故结案情况的报告",
            ),
        ],
        results: &[
            "已派员赴现场指导事故调查，事故调查报告已审核并报市政府批复。",
            "已按要求转发各地，举一反三开展隐患排查，情况已报送。",
            "事故统计数据已核对上报，无漏报、迟报。",
            "已督促属地落实事故防范和整改措施，结案材料已归档。",
        ],
        outgoing: &[
            (
                DocType::ToCity,
                "关于{county}{company}“{md}”{kind}事故调查处理情况的报告",
            ),
            (
                DocType::Routine,
                "关于{county}{company}“{md}”{kind}事故的通报",
            ),
            (
                DocType::Routine,
                "关于切实加强事故隐患排查治理工作的紧急通知",
            ),
        ],
        tasks: &[
            "依法依规做好事故调查处理",
            "严格落实事故防范和整改措施",
            "举一反三开展同类企业隐患排查",
        ],
    },
    Area {
        division: "zcfgc",
        deputy: "liming",
        topic: "安全生产法规和政务公开",
        goal: "法规制度进一步健全，政务公开工作规范透明。",
        incoming: &[
            (Src::Province, "关于报送{y}年政府信息公开工作年度报告的通知"),
            (
                Src::Province,
                "关于开展安全生产标准化建设达标升级工作的通知",
            ),
            (Src::Committee, "关于开展{y}年“安全生产月”活动的通知"),
            (Src::City, "关于报送{y}年上半年安全生产工作总结的通知"),
            (Src::City, "关于征求《苏州市安全生产条例（草案）》意见的函"),
            (Src::Province, "关于做好安全生产责任保险推行工作的通知"),
            (Src::City, "关于进一步规范行政审批事项办理的通知"),
            (
                Src::Province,
                "关于组织参加全省安全生产监管人员执法资格培训的通知",
            ),
            (Src::Province, "关于做好{y}年度安全生产统计分析工作的通知"),
            (Src::City, "关于做好权力清单和责任清单动态调整工作的通知"),
            (Src::City, "关于开展政务公开工作第三方评估的通知"),
            (Src::Province, "关于报送{y}年第{q}季度政务信息的通知"),
            (Src::City, "关于做好{y}年度依法行政考核工作的通知"),
            (Src::County, "关于{county}安全生产标准化达标企业名单的请示"),
            (Src::City, "关于报送{y}年度重大行政决策事项目录的通知"),
            (
                Src::Committee,
                "关于召开{y}年第{q}季度安全生产形势分析会的通知",
            ),
        ],
        results: &[
            "已按要求编制并报送，相关材料已在门户网站公开。",
            "已汇总各处室意见{n}条，反馈意见已函复来文单位。",
            "已制定活动方案并组织实施，活动总结已按时报送。",
            "已组织{n}名执法人员参加培训，均取得执法资格。",
            "已完成清单动态调整，调整情况已报市审改办。",
        ],
        outgoing: &[
            (DocType::Routine, "关于开展{y}年“安全生产月”活动的通知"),
            (
                DocType::Routine,
                "关于印发《苏州市安全生产标准化建设工作方案》的通知",
            ),
            (
                DocType::ToCity,
                "关于报送{y}年政府信息公开工作年度报告的报告",
            ),
            (
                DocType::ToCity,
                "关于《苏州市安全生产条例（草案）》修改意见的报告",
            ),
            (DocType::OfficeName, "关于报送{y}年安全生产工作总结的通知"),
            (
                DocType::OfficeInstructed,
                "关于落实局领导调研{county}安全生产工作要求的通知",
            ),
            (
                DocType::CityDraft,
                "市政府关于进一步加强安全生产工作的意见（代拟稿）",
            ),
            (DocType::Joint, "关于联合推进安全生产责任保险工作的通知"),
            (DocType::Routine, "关于{y}年第{q}季度政务公开工作情况的通报"),
            (DocType::OfficeName, "关于报送{y}年第{q}季度政务信息的通知"),
            (
                DocType::Routine,
                "关于做好{y}年度安全生产行政执法统计工作的通知",
            ),
        ],
        tasks: &[
            "完善安全生产法规制度",
            "推进安全生产标准化建设",
            "做好政务公开和信息报送",
            "加强安全生产宣传教育培训",
        ],
    },
];

/// The office's own remit.
const OFFICE: Area = Area {
    division: "bgs",
    deputy: "liming",
    topic: "机关日常管理",
    goal: "机关运转规范有序，各项工作衔接顺畅。",
    incoming: &[],
    results: &[],
    outgoing: &[],
    tasks: &[
        "严格执行值班和信息报送制度",
        "规范公文处理程序",
        "加强机关作风建设",
    ],
};

/// Which area a document belongs to, weighted.
const AREA_WEIGHTS: [usize; 18] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 3, 4, 4, 5, 5, 5, 5, 5];

/// The office's own papers (办公室·职权内).
const OFFICE_OWN: [&str; 9] = [
    "关于{y}年元旦、春节期间值班安排的通知",
    "关于召开全市安全生产监管工作会议的通知",
    "关于做好机关公文处理工作的通知",
    "关于开展机关作风建设自查的通知",
    "关于{y}年国庆节期间值班安排的通知",
    "关于做好机关节能降耗工作的通知",
    "关于召开{y}年第{q}季度安全生产形势分析会的通知",
    "关于做好{y}年度机关档案整理归档工作的通知",
    "关于调整局机关值班人员的通知",
];

/// (county, its bureau's 代字)
const COUNTIES: [(&str, &str); 10] = [
    ("张家港市", "张安监"),
    ("常熟市", "常安监"),
    ("太仓市", "太安监"),
    ("昆山市", "昆安监"),
    ("吴江区", "吴江安监"),
    ("吴中区", "吴中安监"),
    ("相城区", "相安监"),
    ("姑苏区", "姑苏安监"),
    ("苏州工业园区", "苏园安监"),
    ("苏州高新区", "苏高新安监"),
];

/// Fictitious companies.
const COMPANIES: [&str; 8] = [
    "华盛精细化工有限公司",
    "恒远金属制品有限公司",
    "东吴纺织印染有限公司",
    "金港仓储物流有限公司",
    "宏达新型建材有限公司",
    "新苏包装材料有限公司",
    "瑞丰涂料有限公司",
    "联科电子材料有限公司",
];

const ACCIDENTS: [&str; 7] = [
    "机械伤害",
    "高处坠落",
    "中毒窒息",
    "火灾",
    "爆燃",
    "物体打击",
    "触电",
];

const DEPTS: [(&str, &str); 5] = [
    ("苏州市公安局", "苏公"),
    ("苏州市公安消防支队", "苏公消"),
    ("苏州市质量技术监督局", "苏质监"),
    ("苏州市交通运输局", "苏交"),
    ("苏州市卫生局", "苏卫"),
];

fn heads(division: &str) -> &'static str {
    match division {
        "zcfgc" => "chenjing",
        "wh" => "hejun",
        _ => "zhengwei",
    }
}

fn handlers(division: &str) -> &'static [&'static str] {
    match division {
        "zcfgc" => &["liuyang", "zhaomin", "liuyang", "sunli"],
        "wh" => &["xugang", "xugang", "hejun"],
        "bgs" => &["zhouting", "wuqiang"],
        _ => &["zhengwei"],
    }
}

fn drafters(division: &str) -> &'static [&'static str] {
    match division {
        "zcfgc" => &["liuyang", "zhaomin"],
        "wh" => &["xugang"],
        "bgs" => &["zhouting", "wuqiang"],
        _ => &["zhengwei"],
    }
}

fn division_name(code: &str) -> &'static str {
    match code {
        "zcfgc" => "政策法规处",
        "wh" => "危险化学品安全监督管理处",
        "bgs" => "办公室",
        _ => "监察支队",
    }
}

/// The divisions whose heads handle and co-sign.
const BUSINESS: [&str; 3] = ["zcfgc", "wh", "jczd"];

fn name(username: &str) -> &'static str {
    USERS
        .iter()
        .find(|u| u.0 == username)
        .map(|u| u.1)
        .unwrap_or("")
}

/// A title from a template: year, county, company, accident date and kind.
fn fill(rng: &mut Rng, tpl: &str, on: Date, county: &str) -> String {
    let acc = on - Duration::days(i64::from(rng.range(3, 25)));
    tpl.replace("{y}", &on.year().to_string())
        .replace("{county}", county)
        .replace("{company}", rng.pick(&COMPANIES))
        .replace("{md}", &format!("{}·{}", u8::from(acc.month()), acc.day()))
        .replace("{kind}", rng.pick(&ACCIDENTS))
        .replace("{q}", &u8::from(on.month()).div_ceil(3).to_string())
}

fn numbers(rng: &mut Rng, s: &str) -> String {
    s.replace("{n}", &rng.range(12, 260).to_string())
        .replace("{m}", &rng.range(3, 60).to_string())
}

/// (来文单位, 来文字号)
fn source(rng: &mut Rng, src: Src, county: (&str, &str), year: i32) -> (String, String) {
    let (org, code) = match src {
        Src::Nation => rng.pick(&[
            ("国家安全生产监督管理总局", "安监总管三"),
            ("国家安全生产监督管理总局办公厅", "安监总厅"),
        ]),
        Src::Province => rng.pick(&[
            ("江苏省安全生产监督管理局", "苏安监"),
            ("江苏省安全生产委员会办公室", "苏安委办"),
        ]),
        Src::City => rng.pick(&[
            ("苏州市人民政府", "苏府"),
            ("苏州市人民政府办公室", "苏府办"),
        ]),
        Src::Committee => ("苏州市安全生产委员会办公室", "苏市安委办"),
        Src::Dept => rng.pick(&DEPTS),
        Src::County => {
            return (
                format!("{}安全生产监督管理局", county.0),
                format!("{}〔{year}〕{}号", county.1, rng.range(1, 120)),
            );
        }
    };
    (
        org.to_string(),
        format!("{code}〔{year}〕{}号", rng.range(1, 260)),
    )
}

fn summary_of(title: &str) -> &'static str {
    if title.ends_with("报告") {
        "报告有关工作情况和下一步措施，请审阅。"
    } else if title.ends_with("请示") {
        "请示有关事项，请予批复。"
    } else if title.ends_with("通报") {
        "通报有关情况，要求举一反三、加强防范。"
    } else if title.ends_with("函") {
        "商请有关事项，请于规定时限内反馈意见。"
    } else if title.ends_with("意见") {
        "提出指导意见，请结合实际贯彻落实。"
    } else {
        "要求各地认真组织实施，并于规定时限内报送工作情况。"
    }
}

/// What the title is about: "关于…的通知" → "…".
fn subject(title: &str) -> String {
    let s = title.strip_prefix("关于").unwrap_or(title);
    let s = s.strip_prefix("市政府关于").unwrap_or(s);
    match s.rfind('的') {
        Some(i) => s[..i].to_string(),
        None => s.to_string(),
    }
}

/// (主送, 抄送): a 批复 answers the county bureau that asked.
fn addressees(t: DocType, title: &str, county: &str) -> (String, String) {
    if title.ends_with("批复") {
        return (format!("{county}安全生产监督管理局"), String::new());
    }
    let (m, c) = match t {
        DocType::ToCity => ("苏州市人民政府", "江苏省安全生产监督管理局"),
        DocType::CityDraft => ("苏州市人民政府办公室", ""),
        DocType::Joint => (
            "各市、区安全生产监督管理局、公安局、交通运输局",
            "苏州市人民政府办公室",
        ),
        DocType::OfficeOwn => ("局机关各处室、监察支队", ""),
        _ => (
            "各市、区安全生产监督管理局",
            "江苏省安全生产监督管理局，市安委会各成员单位",
        ),
    };
    (m.to_string(), c.to_string())
}

fn body_of(
    rng: &mut Rng,
    title: &str,
    area: &Area,
    main_to: &str,
    drafter: &str,
    on: Date,
) -> String {
    let subj = subject(title);
    let n = area.tasks.len();
    let i = rng.below(n);
    let t1 = area.tasks[i];
    let t2 = area.tasks[(i + 1 + rng.below(n - 1)) % n];
    let by = on + Duration::days(i64::from(rng.range(15, 40)));
    if title.ends_with("报告") || title.ends_with("请示") {
        return format!(
            "{main_to}：\n现将{subj}有关情况报告如下：\n一、基本情况\n今年以来，全市共检查企业{}家，发现并整改隐患{}处，立案查处违法行为{}起。\n二、主要做法\n（一）{t1}。\n（二）{t2}。\n三、下一步工作\n我局将继续加强{}，确保全市安全生产形势持续稳定。\n特此报告。",
            rng.range(300, 3000),
            rng.range(200, 2000),
            rng.range(10, 120),
            area.topic
        );
    }
    format!(
        "{main_to}：\n为进一步加强{}工作，根据有关法律法规和上级部署，现就{subj}有关事项通知如下：\n一、工作目标\n{}\n二、主要任务\n（一）{t1}。\n（二）{t2}。\n三、工作要求\n各单位要高度重视，明确责任分工，于{}月{}日前将工作情况报送我局{}。\n联系人：{}，电话：0512-6852{:04}（示例）。",
        area.topic,
        area.goal,
        u8::from(by.month()),
        by.day(),
        division_name(area.division),
        name(drafter),
        rng.range(1000, 9999)
    )
}

fn revised(rng: &mut Rng, body: &str) -> String {
    let add = rng.pick(&[
        "四、保障措施\n各单位要加强组织领导，落实专人负责，确保各项任务按期完成。",
        "四、督查考核\n我局将适时组织督查，督查结果纳入年度安全生产目标考核。",
        "四、信息报送\n各单位应当确定一名信息员，每月5日前报送上月工作进展。",
    ]);
    match body.find("\n四、") {
        Some(i) => format!("{}\n{add}", &body[..i]),
        None => format!("{body}\n{add}"),
    }
}

fn scan_of(title: &str) -> Upload {
    Upload {
        name: "来文扫描件.pdf".into(),
        mime: "application/pdf".into(),
        bytes: format!("%PDF-1.4\n% 扫描件：{title}\n%%EOF\n").into_bytes(),
    }
}

fn say(verdict: &str, text: &str) -> Result<Opinion> {
    rules::opinion(verdict, text)
}

// ---------------------------------------------------------------- plans

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum In {
    Requested,
    ToRegister,
    Registered,
    Returned,
    Declined,
    /// Routed, the heads' opinions pending.
    Routed,
    /// Handlers at work.
    Handling,
    Closed,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Out {
    Drafting,
    /// Back in drafting after a signer disagreed.
    Returned,
    Cosigning,
    Consolidating,
    Coordinating,
    Paused,
    Signing,
    Signed,
    Checked,
    Numbered,
    Printed,
    Issued,
    /// Withdrawn while drafting (0), while signing (1), after numbering (2).
    Withdrawn(u8),
}

/// One act of the plan.
enum Op {
    Receive(&'static str, Box<NewIncoming>),
    Create(&'static str, Box<NewOutgoing>),
    /// 签收 and (with an act) 办理 the open task of `step`, of `division`
    /// or `assignee` where several are open, by its holder or their B.
    Work {
        step: TaskStep,
        division: Option<i64>,
        assignee: Option<&'static str>,
        act: Option<Box<Act>>,
    },
    Version(&'static str, String),
    SendToLeader(&'static str, &'static str),
    Circulate(&'static str, Vec<String>),
    Pause(&'static str, String),
    Withdraw(&'static str, bool, String),
    Amend(&'static str, String, String),
}

fn work(step: TaskStep, act: Act) -> Op {
    Op::Work {
        step,
        division: None,
        assignee: None,
        act: Some(Box::new(act)),
    }
}

fn work_in(step: TaskStep, division: i64, act: Act) -> Op {
    Op::Work {
        step,
        division: Some(division),
        assignee: None,
        act: Some(Box::new(act)),
    }
}

fn claim(step: TaskStep, division: Option<i64>) -> Op {
    Op::Work {
        step,
        division,
        assignee: None,
        act: None,
    }
}

type Plan = Vec<(OffsetDateTime, Op)>;

struct Ctx {
    cal: Calendar,
    today: Date,
    /// Nothing is planned after this.
    limit: OffsetDateTime,
    div: HashMap<&'static str, i64>,
    /// Titles already planned.
    used: RefCell<HashSet<String>>,
}

impl Ctx {
    fn div(&self, code: &str) -> Result<i64> {
        self.div
            .get(code)
            .copied()
            .ok_or_else(|| Error::Internal(format!("demo docflow: no division {code}")))
    }
}

/// Plans a document to start `back` working days ago; a plan that would
/// run past now starts a day earlier until it fits.
fn place(
    ctx: &Ctx,
    rng: &mut Rng,
    (lo, hi): (u32, u32),
    build: impl Fn(&Ctx, &mut Rng, Date) -> Result<Plan>,
) -> Result<Plan> {
    let back = rng.range(lo, hi);
    let mut start = working_days_before(&ctx.cal, ctx.today, back);
    for _ in 0..400 {
        let mut r = rng.clone();
        let plan = build(ctx, &mut r, start)?;
        if plan.last().is_some_and(|(t, _)| *t <= ctx.limit) {
            *rng = r;
            if let Some((_, Op::Receive(_, n))) = plan.first() {
                ctx.used.borrow_mut().insert(n.title.clone());
            }
            if let Some((_, Op::Create(_, n))) = plan.first() {
                ctx.used.borrow_mut().insert(n.title.clone());
            }
            return Ok(plan);
        }
        start = working_days_before(&ctx.cal, start, 1);
    }
    Err(Error::Internal("demo docflow: a plan does not fit".into()))
}

fn plan_in(ctx: &Ctx, rng: &mut Rng, start: Date, stop: In) -> Result<Plan> {
    let area = &AREAS[rng.pick(&AREA_WEIGHTS)];
    let mut c = Clock::new(&ctx.cal, start, rng);
    let mut p: Plan = Vec::new();
    let on = today_cst(c.t);
    // A title not used yet, where the templates allow.
    let (mut county, mut src, mut title) = (COUNTIES[0], Src::Province, String::new());
    for _ in 0..8 {
        county = rng.pick(&COUNTIES);
        let (s, tpl) = rng.pick(area.incoming);
        src = s;
        title = fill(rng, tpl, on, county.0);
        if !ctx.used.borrow().contains(&title) {
            break;
        }
    }
    let (org, no) = source(rng, src, county, on.year());
    let urgency = match rng.below(20) {
        0 => Urgency::VeryUrgent,
        1..=3 => Urgency::Urgent,
        _ => Urgency::Normal,
    };
    let secret = stop == In::Declined || rng.chance(3);
    let paper = secret || rng.chance(30);
    let major = stop != In::Declined && rng.chance(5);
    let receiver = if rng.chance(70) {
        rng.pick(&["wuqiang", "wuqiang", "zhouting"])
    } else {
        rng.pick(drafters(area.division))
    };
    let reg = Registration {
        source_org: org,
        source_no: no,
        secrecy: if secret {
            Secrecy::Secret
        } else {
            Secrecy::None
        },
        secrecy_years: secret.then_some(10),
        urgency,
        copies: i64::from(rng.range(1, 4)),
        received_on: on,
    };
    p.push((
        c.t,
        Op::Receive(
            receiver,
            Box::new(NewIncoming {
                title: title.clone(),
                summary: format!("{}来文，{}", reg.source_org, summary_of(&title)),
                reg: reg.clone(),
                paper,
                major,
                deputy: area.deputy.into(),
                files: if paper { vec![scan_of(&title)] } else { vec![] },
            }),
        ),
    ));
    if stop == In::Requested {
        if rng.chance(30) {
            p.push((c.soon(rng, 1), claim(TaskStep::Approve, None)));
        }
        return Ok(p);
    }
    if stop == In::Declined {
        let o = say("disagree", "该件为涉密纸质公文，请按纸质公文流转办理。")?;
        p.push((c.soon(rng, 1), work(TaskStep::Approve, Act::Approve(o))));
        return Ok(p);
    }
    let lead = ctx.div(area.division)?;
    let o = if rng.chance(50) {
        say("agree", "")?
    } else {
        say(
            "instruct",
            &format!(
                "同意网上办理，请办公室登记后送{}。",
                division_name(area.division)
            ),
        )?
    };
    p.push((c.soon(rng, 1), work(TaskStep::Approve, Act::Approve(o))));
    if stop == In::ToRegister {
        return Ok(p);
    }
    p.push((c.soon(rng, 1), work(TaskStep::Register, Act::Register(reg))));
    if stop == In::Registered {
        return Ok(p);
    }
    // 拟办 before routing: the leader reads it first.
    if stop != In::Returned && rng.chance(18) {
        let leader = if major || rng.chance(30) {
            "wangjg"
        } else {
            area.deputy
        };
        p.push((c.next(rng, 0), Op::SendToLeader("zhouting", leader)));
        let text = if leader == "wangjg" {
            format!(
                "请{}同志阅示，请{}抓紧研究落实。",
                name(area.deputy),
                division_name(area.division)
            )
        } else {
            format!(
                "请{}认真研究，按时限办结并报告结果。",
                division_name(area.division)
            )
        };
        p.push((
            c.soon(rng, 1),
            Op::Work {
                step: TaskStep::LeaderRead,
                division: None,
                assignee: Some(leader),
                act: Some(Box::new(Act::LeaderRead(say("instruct", &text)?))),
            },
        ));
    }
    if stop == In::Returned || rng.chance(7) {
        let reason = rng.pick(&[
            "来文附件不全，缺少企业名单，请补充后重新提交。",
            "扫描件页码不连续，请核对纸质原件后补扫。",
            "该文已由市安委办统一转发，请核实是否重复提交。",
            "密级标注不清，请与来文单位核实后重新提交。",
        ]);
        p.push((
            c.soon(rng, 1),
            work(
                TaskStep::Route,
                Act::Return {
                    reason: reason.into(),
                },
            ),
        ));
        if stop == In::Returned {
            return Ok(p);
        }
        let note = rng.pick(&["已补齐附件并重新扫描。", "已与来文单位核实，按原件补正。"]);
        p.push((
            c.soon(rng, 2),
            work(TaskStep::Resubmit, Act::Resubmit { note: note.into() }),
        ));
    }
    let co: Vec<&str> = if rng.chance(35) {
        let others: Vec<&str> = BUSINESS
            .iter()
            .copied()
            .filter(|d| *d != area.division)
            .collect();
        vec![rng.pick(&others)]
    } else {
        vec![]
    };
    let limit = match (urgency, rng.chance(30)) {
        (_, false) => None,
        (Urgency::Normal, true) => Some(rng.range(5, 15)),
        (Urgency::Urgent, true) => Some(rng.range(3, 5)),
        (Urgency::VeryUrgent, true) => Some(2),
    };
    let days = rules::time_limit(urgency, limit)?;
    let co_ids = co.iter().map(|d| ctx.div(d)).collect::<Result<Vec<_>>>()?;
    p.push((
        c.soon(rng, 1),
        work(
            TaskStep::Route,
            Act::Route {
                lead,
                co: co_ids.clone(),
                limit,
            },
        ),
    ));
    if stop == In::Routed {
        if rng.chance(40) {
            p.push((c.soon(rng, 1), claim(TaskStep::DivisionOpinion, Some(lead))));
        }
        return Ok(p);
    }
    let head = heads(area.division);
    if rng.chance(12) {
        let readers: Vec<&'static str> = ["liming", "zhouhong", "zhanghua"]
            .into_iter()
            .filter(|u| *u != area.deputy || rng.chance(50))
            .collect();
        p.push((
            c.next(rng, 0),
            Op::Circulate(head, readers.iter().map(|r| r.to_string()).collect()),
        ));
        if stop == In::Closed {
            for r in readers {
                p.push((
                    c.next(rng, 0),
                    Op::Work {
                        step: TaskStep::Read,
                        division: None,
                        assignee: Some(r),
                        act: Some(Box::new(Act::Read)),
                    },
                ));
            }
        }
    }
    let lead_handler = rng.pick(handlers(area.division));
    let o = if rng.chance(60) {
        say(
            "instruct",
            &format!(
                "请{}同志牵头办理，{days}个工作日内办结。",
                name(lead_handler)
            ),
        )?
    } else {
        say("agree", "")?
    };
    p.push((
        c.soon(rng, 1),
        work_in(
            TaskStep::DivisionOpinion,
            lead,
            Act::DivisionOpinion {
                opinion: o,
                handler: lead_handler.into(),
            },
        ),
    ));
    let mut co_handlers = Vec::new();
    for (code, id) in co.iter().zip(&co_ids) {
        let h = rng.pick(handlers(code));
        let o = say("instruct", &format!("请{}同志配合主办处室办理。", name(h)))?;
        p.push((
            c.soon(rng, 1),
            work_in(
                TaskStep::DivisionOpinion,
                *id,
                Act::DivisionOpinion {
                    opinion: o,
                    handler: h.into(),
                },
            ),
        ));
        co_handlers.push(*id);
    }
    let co_done = stop == In::Closed || rng.chance(50);
    if co_done {
        for id in &co_handlers {
            let r = rng.pick(&[
                "本处已提供相关企业名单及监管情况。",
                "已配合完成联合检查，意见已反馈主办处室。",
                "本处无补充意见。",
            ]);
            p.push((
                c.soon(rng, 3),
                work_in(TaskStep::Handle, *id, Act::Handle { result: r.into() }),
            ));
        }
    }
    if stop == In::Handling {
        if rng.chance(50) {
            p.push((c.soon(rng, 1), claim(TaskStep::Handle, Some(lead))));
        }
        return Ok(p);
    }
    let late = rng.chance(12);
    let wait = if late {
        days + rng.range(1, 4)
    } else {
        rng.range(1, days.saturating_sub(1).max(1))
    };
    let r = rng.pick(area.results);
    let result = numbers(rng, r);
    p.push((
        c.next(rng, wait),
        work_in(TaskStep::Handle, lead, Act::Handle { result }),
    ));
    Ok(p)
}

/// A document planned for a purpose, not drawn.
#[derive(Clone, Copy)]
struct Fixed {
    area: usize,
    doc_type: DocType,
    title: &'static str,
    drafter: &'static str,
    /// 签发 on this day (B for A on leave).
    issue_on: Option<Date>,
    amend: bool,
}

fn sign_opinion(rng: &mut Rng, step: Step) -> Result<Opinion> {
    match step {
        Step::DivisionSign => {
            if rng.chance(50) {
                say("agree", "")
            } else {
                say("instruct", "同意，请办公室核稿。")
            }
        }
        Step::OfficeReview => say("agree", "已核稿，格式和文字符合要求。"),
        Step::DeputyReview => say("instruct", &format!("同意，请{}同志签发。", name("wangjg"))),
        Step::DeputyOpinion => say("agree", "请报送外单位会签。"),
        Step::ExternalCosign => say("agree", "外单位已会签，签批页已扫描上传。"),
        Step::Consolidate => say("agree", "外单位会签意见已汇总。"),
        Step::PaperDeputyReview | Step::PaperPrincipalSign => {
            say("agree", "纸质签批页已扫描上传。")
        }
        s if s.issues() => {
            if rng.chance(50) {
                say("agree", "")
            } else {
                say("instruct", rng.pick(&["同意印发。", "同意，按程序发文。"]))
            }
        }
        _ => say("agree", ""),
    }
}

fn plan_out(
    ctx: &Ctx,
    rng: &mut Rng,
    start: Date,
    stop: Out,
    fixed: Option<Fixed>,
) -> Result<Plan> {
    let mut c = Clock::new(&ctx.cal, start, rng);
    let mut p: Plan = Vec::new();
    let on = today_cst(c.t);
    let office_own = rng.chance(10);
    let draw = |rng: &mut Rng| {
        let county = rng.pick(&COUNTIES);
        let (area, t, tpl, drafter) = match fixed {
            Some(f) => (&AREAS[f.area], f.doc_type, f.title, f.drafter),
            None if office_own => {
                let tpl = rng.pick(&OFFICE_OWN);
                let d = rng.pick(drafters("bgs"));
                (&OFFICE, DocType::OfficeOwn, tpl, d)
            }
            None => {
                let area = &AREAS[rng.pick(&AREA_WEIGHTS)];
                let (t, tpl) = rng.pick(area.outgoing);
                (area, t, tpl, rng.pick(drafters(area.division)))
            }
        };
        let title = fill(rng, tpl, on, county.0);
        (county, area, t, drafter, title)
    };
    // A title not used yet, where the templates allow.
    let (mut county, mut area, mut t, mut drafter, mut title) = draw(rng);
    for _ in 0..8 {
        if fixed.is_some() || !ctx.used.borrow().contains(&title) {
            break;
        }
        (county, area, t, drafter, title) = draw(rng);
    }
    let office = t == DocType::OfficeOwn;
    let division = if office { "bgs" } else { area.division };
    let deputy = if office { "liming" } else { area.deputy };
    let (main_to, cc_to) = addressees(t, &title, county.0);
    let mut body = body_of(rng, &title, area, &main_to, drafter, on);
    let public = fixed.is_some_and(|f| f.amend)
        || (matches!(t, DocType::Routine | DocType::Joint | DocType::OfficeName)
            && !title.ends_with("批复")
            && rng.chance(55));
    let urgency = match rng.below(30) {
        0 => Urgency::VeryUrgent,
        1..=3 => Urgency::Urgent,
        _ => Urgency::Normal,
    };
    p.push((
        c.t,
        Op::Create(
            drafter,
            Box::new(NewOutgoing {
                title: title.clone(),
                doc_type: t,
                urgency,
                secrecy: Secrecy::None,
                secrecy_years: None,
                deputy: deputy.into(),
                instructing_leader: (t == DocType::OfficeInstructed).then(|| "wangjg".into()),
                main_to: main_to.clone(),
                cc_to: cc_to.clone(),
                public_release: public,
                body: body.clone(),
                docx: None,
            }),
        ),
    ));
    if rng.chance(35) {
        body = revised(rng, &body);
        p.push((c.soon(rng, 1), Op::Version(drafter, body.clone())));
    }
    if stop == Out::Drafting {
        return Ok(p);
    }
    if stop == Out::Withdrawn(0) {
        p.push((
            c.soon(rng, 2),
            Op::Withdraw(drafter, false, "上级已统一部署，本文不再印发。".into()),
        ));
        return Ok(p);
    }
    let must_cosign = matches!(
        stop,
        Out::Cosigning | Out::Consolidating | Out::Coordinating | Out::Paused
    );
    let may_cosign =
        !office && t != DocType::CityDraft && fixed.is_none_or(|f| f.issue_on.is_none());
    let cosign: Vec<&str> = if must_cosign || (may_cosign && rng.chance(35)) {
        let mut others: Vec<&str> = BUSINESS
            .iter()
            .copied()
            .filter(|d| *d != division)
            .collect();
        if stop == Out::Paused {
            others.retain(|d| *d == "zcfgc");
        } else if rng.chance(60) {
            let keep = rng.pick(&others);
            others.retain(|d| *d == keep);
        }
        others
    } else {
        vec![]
    };
    let cosign_ids = cosign
        .iter()
        .map(|d| ctx.div(d))
        .collect::<Result<Vec<_>>>()?;
    p.push((
        c.soon(rng, 1),
        work(
            TaskStep::Draft,
            Act::SubmitDraft {
                cosign: cosign_ids.clone(),
            },
        ),
    ));
    if !cosign.is_empty() {
        let disagree = matches!(stop, Out::Paused | Out::Coordinating)
            || (stop == Out::Issued && fixed.is_none() && rng.chance(8));
        for (i, id) in cosign_ids.iter().enumerate() {
            if stop == Out::Cosigning && i + 1 == cosign_ids.len() {
                if rng.chance(40) {
                    p.push((c.soon(rng, 1), claim(TaskStep::Cosign, Some(*id))));
                }
                return Ok(p);
            }
            let o = if disagree && i == 0 {
                say(
                    "disagree",
                    if stop == Out::Paused {
                        "与《苏州市安全生产行政执法程序规定》有关条款冲突，且涉及全市监管制度调整，建议提请集体研究。"
                    } else {
                        "检查范围与年度执法计划不一致，建议调整后再发。"
                    },
                )?
            } else if rng.chance(40) {
                say(
                    "instruct",
                    rng.pick(&[
                        "建议在第二部分增加有限空间作业检查内容。",
                        "建议明确各市、区安监局的报送时限。",
                        "建议与监察支队年度执法计划做好衔接。",
                    ]),
                )?
            } else {
                say("agree", rng.pick(&["", "无修改意见。"]))?
            };
            p.push((
                c.soon(rng, 2),
                work_in(TaskStep::Cosign, *id, Act::Cosign(o)),
            ));
        }
        if stop == Out::Consolidating {
            return Ok(p);
        }
        if rng.chance(50) {
            body = revised(rng, &body);
            p.push((c.next(rng, 0), Op::Version(drafter, body.clone())));
        }
        p.push((
            c.soon(rng, 1),
            work(
                TaskStep::Consolidate,
                Act::Consolidate {
                    escalate: disagree,
                    note: if disagree {
                        "与会签处室意见分歧，未能协商一致，报分管局领导协调。".into()
                    } else {
                        "已采纳会签意见并修改。".into()
                    },
                },
            ),
        ));
        if disagree {
            if stop == Out::Coordinating {
                return Ok(p);
            }
            if stop == Out::Paused {
                p.push((
                    c.soon(rng, 1),
                    Op::Pause(
                        deputy,
                        "涉及全市危险化学品企业分级监管制度调整，事项重大，提请局党组会议集体研究。"
                            .into(),
                    ),
                ));
                return Ok(p);
            }
            p.push((
                c.soon(rng, 2),
                work(
                    TaskStep::Coordinate,
                    Act::Coordinate(say(
                        "instruct",
                        "经协调，按主办处室意见修改，检查范围与年度执法计划衔接后报签。",
                    )?),
                ),
            ));
            body = revised(rng, &body);
            p.push((c.soon(rng, 1), Op::Version(drafter, body.clone())));
            p.push((
                c.next(rng, 0),
                work(
                    TaskStep::Consolidate,
                    Act::Consolidate {
                        escalate: false,
                        note: "已按分管局领导协调意见修改。".into(),
                    },
                ),
            ));
        }
    }
    // The signing path, as the type's path says.
    let path = default_path(t);
    let n = path.len();
    let stop_at = if stop == Out::Signing {
        rng.below(n - 1) + 1
    } else {
        usize::MAX
    };
    let mut returns_at = if stop == Out::Returned || (fixed.is_none() && rng.chance(6)) {
        Some(rng.below(n - 1) + 1)
    } else {
        None
    };
    let mut i = 1;
    while i < n {
        let step = path[i].step;
        if i == stop_at && returns_at.is_none() {
            if rng.chance(40) {
                p.push((c.soon(rng, 1), claim(TaskStep::Sign, None)));
            }
            return Ok(p);
        }
        if stop == Out::Withdrawn(1) && i + 1 == n {
            p.push((
                c.soon(rng, 2),
                Op::Withdraw(drafter, false, "与已印发文件内容重复，撤销重拟。".into()),
            ));
            return Ok(p);
        }
        let when = match fixed.and_then(|f| f.issue_on) {
            Some(d) if step.issues() => at(d, 10 * 60 + 20).max(c.next(rng, 0)),
            // Reviewed briskly, to reach the 局长 on his first day away.
            Some(_) => c.soon(rng, 1),
            None => c.soon(rng, 2),
        };
        c.t = when;
        if step == Step::OfficeReview && rng.chance(30) {
            body = revised(rng, &body);
            p.push((when, Op::Version("zhouting", body.clone())));
            c.t = c.next(rng, 0);
        }
        if returns_at == Some(i) {
            returns_at = None;
            let o = say(
                "disagree",
                rng.pick(&[
                    "文中引用的规范性文件已修订，请核实后修改。",
                    "检查范围与年度执法计划不一致，请修改后重新报送。",
                    "报送时限过紧，请征求各市、区意见后调整。",
                ]),
            )?;
            p.push((
                c.t,
                work(
                    TaskStep::Sign,
                    Act::Sign {
                        opinion: o,
                        scan: None,
                    },
                ),
            ));
            if stop == Out::Returned {
                return Ok(p);
            }
            body = revised(rng, &body);
            p.push((c.soon(rng, 2), Op::Version(drafter, body.clone())));
            p.push((
                c.next(rng, 0),
                work(TaskStep::Draft, Act::SubmitDraft { cosign: vec![] }),
            ));
            i = 1;
            continue;
        }
        let o = sign_opinion(rng, step)?;
        p.push((
            c.t,
            work(
                TaskStep::Sign,
                Act::Sign {
                    opinion: o,
                    scan: None,
                },
            ),
        ));
        i += 1;
    }
    // 签发 done.
    if fixed.is_some_and(|f| f.amend) {
        let amended = body.replacen(
            "：\n",
            "，苏州工业园区、苏州高新区安全生产监督管理局：\n",
            1,
        );
        p.push((
            c.next(rng, 0),
            Op::Amend(
                "zhouting",
                "主送机关漏列苏州工业园区、苏州高新区安全生产监督管理局。".into(),
                amended,
            ),
        ));
        p.push((
            c.next(rng, 0),
            work(
                TaskStep::ApproveAmendment,
                Act::ApproveAmendment(say("agree", "")?),
            ),
        ));
    }
    if stop == Out::Signed {
        return Ok(p);
    }
    let note = rng.pick(&["", "已核对签发稿与定稿一致。"]);
    p.push((
        c.soon(rng, 1),
        work(TaskStep::Recheck, Act::Recheck { note: note.into() }),
    ));
    if stop == Out::Checked {
        return Ok(p);
    }
    p.push((
        c.next(rng, 0),
        work(TaskStep::Number, Act::Number { entered: None }),
    ));
    if stop == Out::Withdrawn(2) {
        p.push((
            c.soon(rng, 1),
            Op::Withdraw(
                "zhouting",
                true,
                "引用的规范性文件已废止，撤销重拟；已编发文字号作废，不再使用。".into(),
            ),
        ));
        return Ok(p);
    }
    if stop == Out::Numbered {
        return Ok(p);
    }
    p.push((
        c.soon(rng, 1),
        work(
            TaskStep::Print,
            Act::Print {
                copies: i64::from(rng.range(10, 120)),
                main_to,
                cc_to,
            },
        ),
    ));
    if stop == Out::Printed {
        return Ok(p);
    }
    let loc = format!(
        "档案室{}柜{}层",
        rng.pick(&["A", "B", "C", "D"]),
        rng.range(1, 5)
    );
    p.push((
        c.soon(rng, 1),
        work(
            TaskStep::Issue,
            Act::Issue {
                archive_location: Some(loc),
            },
        ),
    ));
    Ok(p)
}

/// Working days back a document of each end state starts.
fn in_window(rng: &mut Rng, stop: In) -> (u32, u32) {
    if rng.chance(6) && !matches!(stop, In::Closed | In::Declined) {
        return (15, 40);
    }
    match stop {
        In::Closed | In::Declined => (15, 245),
        In::Requested | In::ToRegister | In::Registered => (1, 3),
        In::Returned => (2, 10),
        In::Routed => (1, 8),
        In::Handling => (3, 12),
    }
}

fn out_window(rng: &mut Rng, stop: Out) -> (u32, u32) {
    match stop {
        Out::Issued | Out::Withdrawn(_) => (20, 245),
        Out::Paused => (4, 6),
        Out::Signing if rng.chance(15) => (12, 30),
        Out::Drafting | Out::Signing => (1, 10),
        _ => (1, 5),
    }
}

// ---------------------------------------------------------------- running

struct Run<'a> {
    k: &'a Kernel,
    whos: HashMap<(String, Date), Who>,
    posts: HashMap<Date, Vec<PostView>>,
    names: HashMap<i64, String>,
    ids: HashMap<String, i64>,
    docs: Vec<Option<i64>>,
}

impl Run<'_> {
    fn id(&self, user: &str) -> Result<i64> {
        self.ids
            .get(user)
            .copied()
            .ok_or_else(|| Error::Internal(format!("demo docflow: no user {user}")))
    }

    fn doc(&self, i: usize) -> Result<i64> {
        self.docs
            .get(i)
            .copied()
            .flatten()
            .ok_or_else(|| Error::Internal(format!("demo docflow: document {i} not filed")))
    }

    async fn who(&mut self, user: &str, day: Date) -> Result<Who> {
        let key = (user.to_string(), day);
        if let Some(w) = self.whos.get(&key) {
            return Ok(w.clone());
        }
        let w = who::who(self.k, user, day).await?;
        self.whos.insert(key, w.clone());
        Ok(w)
    }

    /// Who does `user_id`'s work on `day`: their B holder while they are away.
    async fn stand_in(&mut self, user_id: i64, day: Date) -> Result<String> {
        if !self.posts.contains_key(&day) {
            let p = org_store::posts_on(self.k, day).await?;
            self.posts.insert(day, p);
        }
        let b = self.posts.get(&day).and_then(|ps| {
            ps.iter().find_map(|p| match p.acting {
                Acting::Backup {
                    user_id: b,
                    for_user_id,
                } if for_user_id == user_id => Some(b),
                _ => None,
            })
        });
        let id = b.unwrap_or(user_id);
        self.names
            .get(&id)
            .cloned()
            .ok_or_else(|| Error::Internal(format!("demo docflow: no user {id}")))
    }

    /// `user`'s context on `day`, or their B holder's while they are away.
    async fn by(&mut self, user: &str, day: Date) -> Result<Who> {
        let id = self.id(user)?;
        let u = self.stand_in(id, day).await?;
        self.who(&u, day).await
    }

    async fn run(&mut self, at: OffsetDateTime, i: usize, op: Op) -> Result<()> {
        let k = self.k;
        let day = today_cst(at);
        match op {
            Op::Receive(by, n) => {
                let w = self.by(by, day).await?;
                self.docs[i] = Some(incoming::receive(k, at, &w, *n).await?);
            }
            Op::Create(by, n) => {
                let w = self.by(by, day).await?;
                self.docs[i] = Some(outgoing::create(k, at, &w, *n).await?);
            }
            Op::Work {
                step,
                division,
                assignee,
                act,
            } => {
                let doc = self.doc(i)?;
                let aid = match assignee {
                    Some(u) => Some(self.id(u)?),
                    None => None,
                };
                let task = store::doc_tasks(k, doc)
                    .await?
                    .into_iter()
                    .find(|t| {
                        t.state.open()
                            && t.step == step
                            && division.is_none_or(|d| t.division_id == Some(d))
                            && aid.is_none_or(|a| t.assignee_user_id == a)
                    })
                    .ok_or_else(|| Error::Internal(format!("no open {} task", step.as_str())))?;
                let user = self.stand_in(task.assignee_user_id, day).await?;
                let w = self.who(&user, day).await?;
                if task.state == TaskState::New && !task.is_read() {
                    acts::claim(k, at - Duration::minutes(4), &w, task.id).await?;
                }
                if let Some(act) = act {
                    let act = match *act {
                        Act::Sign {
                            opinion,
                            scan: None,
                        } if Step::parse(&task.note).is_some_and(|s| s.on_paper()) => Act::Sign {
                            opinion,
                            scan: Some(Upload {
                                name: "签批页.pdf".into(),
                                mime: "application/pdf".into(),
                                bytes: format!("%PDF-1.4\n% 签批页 {doc} {}\n%%EOF\n", task.note)
                                    .into_bytes(),
                            }),
                        },
                        a => a,
                    };
                    acts::act(k, at, &w, task.id, act).await?;
                }
            }
            Op::Version(by, body) => {
                let w = self.by(by, day).await?;
                outgoing::new_version(k, at, &w, self.doc(i)?, &body, None).await?;
            }
            Op::SendToLeader(by, leader) => {
                let w = self.by(by, day).await?;
                docacts::send_to_leader(k, at, &w, false, self.doc(i)?, leader).await?;
            }
            Op::Circulate(by, readers) => {
                let w = self.by(by, day).await?;
                docacts::circulate(k, at, &w, false, self.doc(i)?, &readers).await?;
            }
            Op::Pause(by, reason) => {
                let w = self.who(by, day).await?;
                docacts::pause(k, at, &w, false, self.doc(i)?, &reason).await?;
            }
            Op::Withdraw(by, manage, reason) => {
                let w = self.who(by, day).await?;
                docacts::withdraw(k, at, &w, manage, self.doc(i)?, &reason).await?;
            }
            Op::Amend(by, reason, body) => {
                let w = self.by(by, day).await?;
                outgoing::request_amendment(k, at, &w, self.doc(i)?, &reason, &body).await?;
            }
        }
        Ok(())
    }
}

fn op_name(op: &Op) -> String {
    match op {
        Op::Receive(..) => "receive".into(),
        Op::Create(..) => "create".into(),
        Op::Work { step, act, .. } => format!(
            "{} {}",
            if act.is_some() { "act" } else { "claim" },
            step.as_str()
        ),
        Op::Version(..) => "version".into(),
        Op::SendToLeader(..) => "send_to_leader".into(),
        Op::Circulate(..) => "circulate".into(),
        Op::Pause(..) => "pause".into(),
        Op::Withdraw(..) => "withdraw".into(),
        Op::Amend(..) => "amend".into(),
    }
}

/// Records a leave of `user` over `days` working days from `from`.
async fn leave(
    k: &Kernel,
    cal: &Calendar,
    user: &str,
    from: Date,
    days: u32,
    why: &str,
) -> Result<()> {
    let to = cal.add_working_days(from, days.saturating_sub(1));
    org_store::add_leave(
        k,
        &Actor::user("zhanghua"),
        at(working_days_before(cal, from, 2), 16 * 60),
        user,
        &fmt_date(from),
        &fmt_date(to),
        why,
    )
    .await?;
    Ok(())
}

pub async fn seed(k: &Kernel, now: OffsetDateTime) -> Result<()> {
    let cal = k.calendar();
    let today = today_cst(now);
    let mut div = HashMap::new();
    for d in org_store::list_divisions(k, AGENCY).await? {
        if let Some(code) = ["bgs", "zcfgc", "wh", "jczd"]
            .into_iter()
            .find(|c| *c == d.code)
        {
            div.insert(code, d.id);
        }
    }
    let ctx = Ctx {
        today,
        limit: now - Duration::minutes(5),
        div,
        cal: cal.clone(),
        used: RefCell::new(HashSet::new()),
    };
    // The 局长 on business for two days five months ago (the B holder of
    // 局长岗 signs for him); a head on annual leave for a week.
    let away = working_days_before(&cal, today, 105);
    leave(k, &cal, "wangjg", away, 2, "公务出差").await?;
    leave(
        k,
        &cal,
        "chenjing",
        working_days_before(&cal, today, 60),
        5,
        "年休假",
    )
    .await?;

    let mut rng = Rng(0x5eed_d0c5_2026_0001);
    let mut plans: Vec<Plan> = Vec::new();
    for (stop, n) in INCOMING {
        for _ in 0..*n {
            let w = in_window(&mut rng, *stop);
            plans.push(place(&ctx, &mut rng, w, |c, r, d| plan_in(c, r, d, *stop))?);
        }
    }
    for (stop, n) in OUTGOING {
        for _ in 0..*n {
            let w = out_window(&mut rng, *stop);
            plans.push(place(&ctx, &mut rng, w, |c, r, d| {
                plan_out(c, r, d, *stop, None)
            })?);
        }
    }
    let special = [
        (
            Out::Paused,
            out_window(&mut rng, Out::Paused),
            Fixed {
                area: HAZCHEM,
                doc_type: DocType::Routine,
                title: "关于实施危险化学品企业安全风险分级监管的意见",
                drafter: "xugang",
                issue_on: None,
                amend: false,
            },
        ),
        (
            Out::Issued,
            (70, 80),
            Fixed {
                area: POLICY,
                doc_type: DocType::Routine,
                title: "关于开展{y}年“安全生产月”活动的通知",
                drafter: "liuyang",
                issue_on: None,
                amend: true,
            },
        ),
        (
            Out::Issued,
            (111, 111),
            Fixed {
                area: HAZCHEM,
                doc_type: DocType::ToCity,
                title: "关于全市危险化学品安全综合治理工作进展情况的报告",
                drafter: "xugang",
                issue_on: Some(away),
                amend: false,
            },
        ),
    ];
    for (stop, w, f) in special {
        plans.push(place(&ctx, &mut rng, w, |c, r, d| {
            plan_out(c, r, d, stop, Some(f))
        })?);
    }

    let mut acts: Vec<(OffsetDateTime, usize, usize, Op)> = Vec::new();
    for (i, plan) in plans.into_iter().enumerate() {
        for (j, (t, op)) in plan.into_iter().enumerate() {
            acts.push((t, i, j, op));
        }
    }
    let docs = acts.iter().map(|a| a.1).max().map_or(0, |m| m + 1);
    acts.sort_by_key(|a| (a.0, a.1, a.2));
    let mut run = Run {
        k,
        whos: HashMap::new(),
        posts: HashMap::new(),
        names: HashMap::new(),
        ids: HashMap::new(),
        docs: vec![None; docs],
    };
    for u in org_store::list_users(k).await? {
        run.ids.insert(u.username.clone(), u.id);
        run.names.insert(u.id, u.username);
    }
    for (t, i, _, op) in acts {
        let what = op_name(&op);
        run.run(t, i, op).await.map_err(|e| {
            Error::Internal(format!(
                "demo docflow: document {i} at {}: {what}: {e}",
                yangguang_kernel::timefmt::rfc3339(t)
            ))
        })?;
    }
    // 催办 as of now: reminders and escalations on the open tasks.
    inbox::sweep(k, now, today).await?;
    Ok(())
}
