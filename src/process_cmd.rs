//! `yangguang process check FILE.bpmn` validates a definition and prints
//! its steps; `yangguang process render FILE.bpmn > out.svg` draws the
//! flowchart the public sees (from the file's diagram, laid out when it
//! has none).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use yangguang_kernel::{Error, Result};
use yangguang_process::Definition;

#[derive(Subcommand)]
pub enum ProcessCmd {
    /// Validate a BPMN 2.0 definition and list its steps
    Check { file: PathBuf },
    /// Draw the definition as SVG on stdout
    Render {
        file: PathBuf,
        /// Highlight this step as current (repeatable)
        #[arg(long = "current")]
        current: Vec<String>,
    },
}

fn load(file: &PathBuf) -> Result<Definition> {
    let bytes = std::fs::read(file).map_err(|e| {
        Error::invalid(
            "unreadable",
            format!("无法读取流程定义文件{}：{e}", file.display()),
        )
    })?;
    let xml = String::from_utf8(bytes).map_err(|_| {
        Error::invalid(
            "invalid_process",
            "流程定义文件应为 UTF-8 编码的 BPMN 2.0 XML",
        )
    })?;
    yangguang_process::parse::parse(&xml)
        .map_err(|e| Error::invalid("invalid_process", e.to_string()))
}

pub fn run(cmd: ProcessCmd) -> Result<ExitCode> {
    match cmd {
        ProcessCmd::Check { file } => {
            let def = load(&file)?;
            let steps = yangguang_process::steps::steps(&def);
            println!("有效");
            println!("流程：{}（{}），{}个步骤", def.name, def.id, steps.len());
            for (i, s) in steps.iter().enumerate() {
                let mut line = format!("{}. {}", i + 1, s.name);
                if !s.who.is_empty() {
                    line.push_str(&format!("　{}", s.who));
                }
                if let Some(l) = &s.limit {
                    line.push_str(&format!("　时限：{l}"));
                }
                if !s.next.is_empty() {
                    line.push_str(&format!("　→ {}", s.next.join("；")));
                }
                println!("{line}");
            }
        }
        ProcessCmd::Render { file, current } => {
            let def = load(&file)?;
            if let Some(bad) = current.iter().find(|c| def.node(c).is_none()) {
                return Err(Error::invalid(
                    "unknown_step",
                    format!("流程中没有步骤“{bad}”"),
                ));
            }
            let view = yangguang_process::svg::View {
                current,
                ..Default::default()
            };
            println!("{}", yangguang_process::svg::render(&def, &view));
        }
    }
    Ok(ExitCode::SUCCESS)
}
