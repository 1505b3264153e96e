//! `yangguang rules licensing-due …` (《行政许可法》第四十二条、第四十五条、
//! 第八十二条) and `yangguang rules penalty-due …` (《行政处罚法》第六十条):
//! the due date alone on the first line, then the explanation in Chinese.

use clap::Args;
use yangguang_kernel::Result;
use yangguang_kernel::calendar::Calendar;
use yangguang_kernel::timefmt::{fmt_date, parse_date};
use yangguang_powers::rules;

use crate::rules_cmd::CalendarSource;

#[derive(Args, Debug)]
pub struct LicensingDueArgs {
    /// The day the application was accepted (受理之日), YYYY-MM-DD
    #[arg(long)]
    pub received: String,
    /// Extended by 10 working days with the agency head's approval (第四十二条)
    #[arg(long)]
    pub extended: bool,
    /// FROM..TO, repeatable: hearing, testing, expert review … not counted (第四十五条)
    #[arg(long = "pause")]
    pub pauses: Vec<String>,
    #[command(flatten)]
    pub src: CalendarSource,
}

#[derive(Args, Debug)]
pub struct PenaltyDueArgs {
    /// The day the case was filed (立案之日), YYYY-MM-DD
    #[arg(long)]
    pub filed: String,
    /// Calendar days of an extension approved by the agency head (1–90)
    #[arg(long, allow_hyphen_values = true)]
    pub extended_days: Option<String>,
    #[command(flatten)]
    pub src: CalendarSource,
}

/// Prints the licensing due date; returns the years with no arrangement
/// loaded, for the caller's warning.
pub fn licensing_due(args: LicensingDueArgs, cal: &Calendar) -> Result<Vec<i32>> {
    let accepted = parse_date(&args.received)?;
    let pauses = args
        .pauses
        .iter()
        .map(|p| yangguang_web::api::parse_pause(p))
        .collect::<Result<Vec<_>>>()?;
    let d = rules::licensing_due(accepted, args.extended, &pauses, cal)?;
    println!("{}", fmt_date(d.due()));
    for line in d.explain() {
        println!("{line}");
    }
    Ok(d.clock.missing_years)
}

/// Prints the penalty due date (calendar days; `cal` only to say when
/// the last day is a rest day).
pub fn penalty_due(args: PenaltyDueArgs, cal: &Calendar) -> Result<()> {
    let filed = parse_date(&args.filed)?;
    let days = rules::parse_extension_days(args.extended_days.as_deref())?;
    let p = rules::penalty_clock(filed, days)?;
    println!("{}", fmt_date(p.due));
    for line in p.explain(cal) {
        println!("{line}");
    }
    Ok(())
}
