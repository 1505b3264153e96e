//! `yangguang report annual --year Y --format json|html|docx`: the annual
//! report (RULES.md §4) computed from the data; the result on stdout, logs
//! on stderr.

use std::io::Write;
use std::process::ExitCode;

use clap::Subcommand;
use yangguang_kernel::{Error, Result};
use yangguang_requests::{annual, output};

use crate::DataOpts;

#[derive(Subcommand)]
pub enum ReportCmd {
    /// 政府信息公开工作年度报告 for a year
    Annual {
        #[arg(long)]
        year: String,
        /// json, html or docx
        #[arg(long, default_value = "json")]
        format: String,
    },
}

pub async fn run(data: &DataOpts, cmd: ReportCmd) -> Result<ExitCode> {
    match cmd {
        ReportCmd::Annual { year, format } => {
            let y: i32 = year.trim().parse().map_err(|_| {
                Error::invalid(
                    "invalid_year",
                    format!(
                        "年度“{}”无效：应为四位年份，例如 2026",
                        yangguang_kernel::text::clip(&year, 10)
                    ),
                )
            })?;
            let fmt = format.trim();
            if !matches!(fmt, "json" | "html" | "docx") {
                return Err(Error::invalid(
                    "invalid_format",
                    format!(
                        "格式“{}”无效：应为 json、html 或 docx",
                        yangguang_kernel::text::clip(fmt, 10)
                    ),
                ));
            }
            let k = crate::commands::open(data, false).await?;
            let j = annual::build(&k, y).await?;
            let bytes = match fmt {
                "json" => {
                    let mut s = serde_json::to_string_pretty(&j)
                        .map_err(|e| Error::Internal(e.to_string()))?;
                    s.push('\n');
                    s.into_bytes()
                }
                "html" => output::report_document(&j).into_bytes(),
                _ => output::report_docx(&j)?,
            };
            std::io::stdout().lock().write_all(&bytes)?;
            if j["invariant"]["holds"] != serde_json::Value::Bool(true) {
                eprintln!("警告：表三不满足“一 + 二 = 总计 + 四”，请核对数据");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
