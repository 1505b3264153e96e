//! `yangguang rules signing-path --doc-type TYPE` and `yangguang rules
//! doc-number --prefix P --year Y --seq N` (RULES.md §6).

use std::process::ExitCode;

use clap::Args;
use yangguang_docflow::rules::{DocType, default_path, doc_number};
use yangguang_kernel::{Error, Result};

#[derive(Args, Debug)]
pub struct SigningPathArgs {
    /// 代拟稿, 报市政府省厅, 一般业务, 联合发文, 办公室·领导交办, 办公室·职权内, 处室业务·办公室名义
    #[arg(long)]
    pub doc_type: String,
}

#[derive(Args, Debug)]
pub struct DocNumberArgs {
    /// 发文机关代字, e.g. 苏安监办
    #[arg(long)]
    pub prefix: String,
    #[arg(long, allow_hyphen_values = true)]
    pub year: String,
    #[arg(long, allow_hyphen_values = true)]
    pub seq: String,
}

/// The shipped matrix, one step a line: `step<TAB>role`.
pub fn signing_path(args: SigningPathArgs) -> Result<ExitCode> {
    let t = DocType::parse(&args.doc_type).ok_or_else(|| {
        Error::invalid(
            "unknown_doc_type",
            format!(
                "公文类型“{}”无效：应为{}",
                yangguang_kernel::text::clip(&args.doc_type, 30),
                DocType::ALL.map(|t| t.label()).join("、")
            ),
        )
    })?;
    for s in default_path(t) {
        println!("{}\t{}", s.step.as_str(), s.role.as_str());
    }
    Ok(ExitCode::SUCCESS)
}

pub fn doc_no(args: DocNumberArgs) -> Result<ExitCode> {
    let year: i32 = args.year.trim().parse().map_err(|_| {
        Error::invalid(
            "invalid_number",
            format!(
                "年份“{}”无效：应为 1949 到 2100 之间的四位年份",
                yangguang_kernel::text::clip(&args.year, 20)
            ),
        )
    })?;
    let seq: i64 = args.seq.trim().parse().map_err(|_| {
        Error::invalid(
            "invalid_number",
            format!(
                "顺序号“{}”无效：应为从 1 开始的整数",
                yangguang_kernel::text::clip(&args.seq, 20)
            ),
        )
    })?;
    println!("{}", doc_number(&args.prefix, year, seq)?);
    Ok(ExitCode::SUCCESS)
}
