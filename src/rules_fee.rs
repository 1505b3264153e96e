//! `yangguang rules fee --by case|page --count N`: the bare total in yuan
//! on the first line, then the calculation (RULES.md §3, 109号).

use std::process::ExitCode;

use clap::Args;
use yangguang_kernel::{Error, Result};
use yangguang_requests::fees::{self, FeeMethod, MAX_COUNT};

#[derive(Args, Debug)]
pub struct FeeArgs {
    /// case: cases of one applicant in one calendar month; page: pages of one application
    #[arg(long)]
    pub by: String,
    #[arg(long, allow_hyphen_values = true)]
    pub count: String,
}

pub fn run(args: FeeArgs) -> Result<ExitCode> {
    let method = FeeMethod::parse(&args.by).ok_or_else(|| {
        Error::invalid(
            "invalid_fee_method",
            format!(
                "计收方式“{}”无效：应为 case（按件）或 page（按量）",
                yangguang_kernel::text::clip(&args.by, 20)
            ),
        )
    })?;
    let n: u64 = args.count.trim().parse().map_err(|_| {
        Error::invalid(
            "invalid_number",
            format!(
                "数量“{}”无效：应为 0 到 {MAX_COUNT} 之间的整数",
                yangguang_kernel::text::clip(&args.count, 20)
            ),
        )
    })?;
    let calc = fees::fee(method, n)?;
    println!("{}", calc.total);
    for line in calc.explain() {
        println!("{line}");
    }
    if method == FeeMethod::ByCase && n > 0 {
        let (_, last) = fees::case_fee_for_next(n - 1)?;
        println!("其中第{n}件：{last}元");
    }
    Ok(ExitCode::SUCCESS)
}
