//! `yangguang rules …`: the answer alone on the first line, then the
//! explanation in Chinese.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use yangguang_kernel::calendar::Calendar;
use yangguang_kernel::clock::{ClockInput, due_date};
use yangguang_kernel::timefmt::{fmt_date, parse_date, weekday_cn};
use yangguang_kernel::{Error, Result};

/// Optional data options: with them, the calendar includes the years
/// imported into that database and its local days off; without them, the
/// built-in arrangement.
#[derive(Args, Clone, Debug)]
pub struct CalendarSource {
    #[arg(long, global = true)]
    pub database: Option<String>,
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
}

#[derive(Subcommand)]
pub enum RulesCmd {
    /// The N-th working day after DATE
    WorkingDays {
        date: String,
        #[arg(allow_hyphen_values = true)]
        n: String,
        #[command(flatten)]
        src: CalendarSource,
    },
    /// Whether DATE is a working day
    IsWorkingDay {
        date: String,
        #[command(flatten)]
        src: CalendarSource,
    },
    /// Due date of a statutory clock (RULES.md §1)
    DueDate {
        #[arg(long)]
        received: String,
        #[arg(long, default_value = "20")]
        base: String,
        /// FROM..TO, repeatable
        #[arg(long = "pause")]
        pauses: Vec<String>,
        #[arg(long, default_value = "0")]
        extend: String,
        #[arg(long)]
        restart: Option<String>,
        #[command(flatten)]
        src: CalendarSource,
    },
    /// Outcome of a vote under a meeting type's decision rule (RULES.md §5)
    Tally(crate::rules_tally::TallyArgs),
    /// 信息处理费 for N cases in one month or N pages in one application (RULES.md §3)
    Fee(crate::rules_fee::FeeArgs),
    /// The 签发 path of a document type as shipped: `step<TAB>role` (RULES.md §6)
    SigningPath(crate::rules_docflow::SigningPathArgs),
    /// 发文字号 per GB/T 9704-2012 (RULES.md §6)
    DocNumber(crate::rules_docflow::DocNumberArgs),
    /// 行政许可 decision due date: 20 working days from acceptance (行政许可法 Art 42, 45, 82)
    LicensingDue(crate::rules_powers::LicensingDueArgs),
    /// 行政处罚 decision due date: 90 calendar days from 立案 (行政处罚法 Art 60)
    PenaltyDue(crate::rules_powers::PenaltyDueArgs),
}

async fn calendar(src: &CalendarSource) -> Result<Calendar> {
    if src.database.is_none() && src.data_dir.is_none() {
        return Ok(Calendar::builtin());
    }
    let data = crate::DataOpts {
        database: src.database.clone(),
        data_dir: src
            .data_dir
            .clone()
            .unwrap_or_else(|| PathBuf::from("yangguang-data")),
    };
    Ok(crate::commands::open(&data, false).await?.calendar())
}

fn count(label: &str, s: &str, max: u32) -> Result<u32> {
    let n: u32 = s.trim().parse().map_err(|_| {
        Error::invalid(
            "invalid_number",
            format!(
                "{label}“{}”无效：应为 0 到 {max} 之间的整数",
                yangguang_kernel::text::clip(s, 20)
            ),
        )
    })?;
    if n > max {
        return Err(Error::invalid(
            "number_out_of_range",
            format!("{label} {n} 超出范围：应为 0 到 {max} 之间的整数"),
        ));
    }
    Ok(n)
}

fn warn_missing(years: &[i32]) {
    if !years.is_empty() {
        eprintln!(
            "警告：{} 的节假日安排尚未公布或未导入，结果为暂定，公布后请用 yangguang calendar import 导入",
            years
                .iter()
                .map(|y| format!("{y}年"))
                .collect::<Vec<_>>()
                .join("、")
        );
    }
}

pub async fn run(cmd: RulesCmd) -> Result<ExitCode> {
    match cmd {
        RulesCmd::WorkingDays { date, n, src } => {
            let from = parse_date(&date)?;
            let n = count("工作日数", &n, 3650)?;
            let cal = calendar(&src).await?;
            cal.checked_add_working_days(from, n)?;
            let ex = cal.explain_add(from, n);
            println!("{}", fmt_date(ex.due));
            println!(
                "自 {}（{}）起第 {} 个工作日为 {}（{}）{}",
                fmt_date(from),
                weekday_cn(from),
                n,
                fmt_date(ex.due),
                weekday_cn(ex.due),
                if ex.provisional() { "，暂定" } else { "" }
            );
            if ex.skipped.is_empty() {
                println!("期间没有跳过的日期");
            } else {
                println!("跳过 {} 天：", ex.skipped.len());
                for s in &ex.skipped {
                    println!(
                        "  {} {} {}",
                        fmt_date(s.date),
                        weekday_cn(s.date),
                        s.reason.describe()
                    );
                }
            }
            warn_missing(&ex.missing_years);
        }
        RulesCmd::IsWorkingDay { date, src } => {
            let d = parse_date(&date)?;
            let cal = calendar(&src).await?;
            let s = cal.status(d);
            println!("{}", if s.working { "yes" } else { "no" });
            println!(
                "{}（{}）{}：{}",
                fmt_date(d),
                weekday_cn(d),
                if s.working {
                    "是工作日"
                } else {
                    "不是工作日"
                },
                s.reason.describe()
            );
            if !cal.has_arrangement(d.year()) {
                warn_missing(&[d.year()]);
            }
        }
        RulesCmd::DueDate {
            received,
            base,
            pauses,
            extend,
            restart,
            src,
        } => {
            let input = ClockInput {
                received: parse_date(&received)?,
                base: count("基础期限", &base, 3650)?,
                pauses: pauses
                    .iter()
                    .map(|p| yangguang_web::api::parse_pause(p))
                    .collect::<Result<Vec<_>>>()?,
                extension: count("延长期限", &extend, 3650)?,
                restart: restart.as_deref().map(parse_date).transpose()?,
            };
            let cal = calendar(&src).await?;
            let d = due_date(&cal, &input)?;
            println!("{}", fmt_date(d.due));
            for line in d.explain() {
                println!("{line}");
            }
            warn_missing(&d.missing_years);
        }
        RulesCmd::Tally(args) => return crate::rules_tally::run(args),
        RulesCmd::Fee(args) => return crate::rules_fee::run(args),
        RulesCmd::SigningPath(args) => return crate::rules_docflow::signing_path(args),
        RulesCmd::DocNumber(args) => return crate::rules_docflow::doc_no(args),
        RulesCmd::LicensingDue(args) => {
            let cal = calendar(&args.src).await?;
            warn_missing(&crate::rules_powers::licensing_due(args, &cal)?);
        }
        RulesCmd::PenaltyDue(args) => {
            let cal = calendar(&args.src).await?;
            crate::rules_powers::penalty_due(args, &cal)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
