//! `yangguang rules tally`: the outcome of one topic's vote under the
//! decision rule of a meeting type (RULES.md §5).

use std::process::ExitCode;

use clap::{Args, ValueEnum};
use yangguang_decisions::rules::{
    Count, HeadDecision, MeetingType, PassBasis, ProcedureRules, tally,
};
use yangguang_kernel::{Error, Result};

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum MeetingArg {
    /// 党组会议
    Party,
    /// 局长办公会议
    Executive,
    /// 党政联席会议
    Joint,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum HeadArg {
    Adopt,
    Reject,
}

#[derive(Args, Debug)]
pub struct TallyArgs {
    #[arg(long, value_enum)]
    pub meeting: MeetingArg,
    /// Members who should attend (net of recused members)
    #[arg(long)]
    pub expected: String,
    /// Members present (net of recused members)
    #[arg(long)]
    pub present: String,
    #[arg(long = "for")]
    pub for_: String,
    #[arg(long)]
    pub against: String,
    #[arg(long)]
    pub abstain: String,
    /// Cadre appointment/removal or discipline
    #[arg(long)]
    pub personnel: bool,
    /// The executive head's decision (局长办公会议)
    #[arg(long, value_enum)]
    pub head: Option<HeadArg>,
    /// Why the head decided against the majority
    #[arg(long)]
    pub reason: Option<String>,
}

fn members(label: &str, s: &str) -> Result<u32> {
    let n: u32 = s.trim().parse().map_err(|_| {
        Error::invalid(
            "invalid_number",
            format!(
                "{label}“{}”无效：应为 0 到 1000 之间的整数",
                yangguang_kernel::text::clip(s, 20)
            ),
        )
    })?;
    if n > 1000 {
        return Err(Error::invalid(
            "number_out_of_range",
            format!("{label} {n} 超出范围：应为 0 到 1000 之间的整数"),
        ));
    }
    Ok(n)
}

pub fn run(a: TallyArgs) -> Result<ExitCode> {
    let meeting = match a.meeting {
        MeetingArg::Party => MeetingType::Party,
        MeetingArg::Executive => MeetingType::Executive,
        MeetingArg::Joint => MeetingType::Joint,
    };
    let rules = ProcedureRules::default_for(meeting);
    let count = Count {
        expected: members("应到会人数", &a.expected)?,
        present: members("到会人数", &a.present)?,
        for_: members("赞成票数", &a.for_)?,
        against: members("反对票数", &a.against)?,
        abstain: members("弃权票数", &a.abstain)?,
    };
    let head = a.head.map(|h| match h {
        HeadArg::Adopt => HeadDecision::Adopt,
        HeadArg::Reject => HeadDecision::Reject,
    });
    if head.is_some() && rules.basis != PassBasis::HeadDecides {
        return Err(Error::invalid(
            "head_not_applicable",
            format!(
                "--head 只适用于局长办公会议；{}按表决结果决定",
                meeting.label()
            ),
        ));
    }
    let t = tally(&rules, a.personnel, count, head)?;
    println!("{}", t.outcome.as_str());
    println!("{}：{}", meeting.label(), t.outcome.label());
    for line in t.explain() {
        println!("{line}");
    }
    let reason = a.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
    if t.against_majority {
        match reason {
            Some(r) => println!("理由（写入会议纪要）：{r}"),
            None => eprintln!(
                "警告：行政首长的决定与多数意见不一致，会议纪要必须写明理由（用 --reason 填写）"
            ),
        }
    }
    Ok(ExitCode::SUCCESS)
}
