//! `yangguang`: the one binary. Logs go to stderr; a command's result goes
//! to stdout (calculators print the answer alone on the first line).

mod commands;
mod demo;
mod demo_decisions;
mod demo_disclosure;
mod demo_docflow;
mod demo_powers;
mod demo_requests;
mod process_cmd;
mod report_cmd;
mod rules_cmd;
mod rules_docflow;
mod rules_fee;
mod rules_powers;
mod rules_tally;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(name = "yangguang", version, about = "阳光政务：政务公开一体化平台")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where the data lives: every command that touches data takes these.
#[derive(Args, Clone, Debug)]
pub struct DataOpts {
    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB (default: DATA_DIR/yangguang.db)
    #[arg(long, env = "YANGGUANG_DATABASE", global = true)]
    pub database: Option<String>,
    /// Data directory: keys, audit head, attachments (and the SQLite file)
    #[arg(
        long,
        env = "YANGGUANG_DATA_DIR",
        default_value = "yangguang-data",
        global = true
    )]
    pub data_dir: PathBuf,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the site and API
    Serve {
        #[command(flatten)]
        data: DataOpts,
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
    },
    /// Seed a realistic demo agency (first run) and serve it
    Demo {
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        #[arg(long, default_value = "yangguang-demo")]
        data_dir: PathBuf,
        #[arg(long, env = "YANGGUANG_DATABASE")]
        database: Option<String>,
        /// Seed and exit without serving
        #[arg(long)]
        no_serve: bool,
        /// Also publish every law in DIR/index.csv (default: ../shared/data/laws when present)
        #[arg(long)]
        laws: Option<PathBuf>,
    },
    /// Apply pending database migrations
    Migrate {
        #[command(flatten)]
        data: DataOpts,
    },
    /// Manage user accounts
    User {
        #[command(flatten)]
        data: DataOpts,
        #[command(subcommand)]
        action: commands::UserCmd,
    },
    /// Holiday arrangement
    Calendar {
        #[command(flatten)]
        data: DataOpts,
        #[command(subcommand)]
        action: commands::CalendarCmd,
    },
    /// Statutory calculators (answer on the first line)
    Rules {
        #[command(subcommand)]
        action: rules_cmd::RulesCmd,
    },
    /// Process definitions (BPMN 2.0): check a file, draw its flowchart
    Process {
        #[command(subcommand)]
        action: process_cmd::ProcessCmd,
    },
    /// Org: posts and who acts for them
    Org {
        #[command(flatten)]
        data: DataOpts,
        #[command(subcommand)]
        action: commands::OrgCmd,
    },
    /// Audit log
    Audit {
        #[command(flatten)]
        data: DataOpts,
        #[command(subcommand)]
        action: commands::AuditCmd,
    },
    /// Rebuild this node's search index from the published catalog
    Reindex {
        #[command(flatten)]
        data: DataOpts,
    },
    /// Bring existing content over
    Import {
        #[command(flatten)]
        data: DataOpts,
        #[command(subcommand)]
        what: commands::ImportCmd,
    },
    /// Consistent online snapshot of database and attachments (keys excluded)
    Backup {
        #[command(flatten)]
        data: DataOpts,
        #[arg(long)]
        to: PathBuf,
    },
    /// Restore a snapshot into a new, empty database
    Restore {
        #[command(flatten)]
        data: DataOpts,
        #[arg(long)]
        from: PathBuf,
    },
    /// Reports computed from the data (annual report on 依申请公开 and more)
    Report {
        #[command(flatten)]
        data: DataOpts,
        #[command(subcommand)]
        what: report_cmd::ReportCmd,
    },
}

fn init_logs() {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_max_level(tracing::Level::INFO)
        .init();
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logs();
    if !matches!(cli.command, Command::Serve { .. } | Command::Demo { .. }) {
        quiet_on_closed_pipe();
    }
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("无法启动运行时：{e}");
            return ExitCode::from(1);
        }
    };
    let result = rt.block_on(async move {
        match cli.command {
            Command::Serve { data, addr } => commands::serve(&data, &addr).await,
            Command::Demo {
                addr,
                data_dir,
                database,
                no_serve,
                laws,
            } => demo::run(&DataOpts { database, data_dir }, &addr, !no_serve, laws).await,
            Command::Migrate { data } => commands::migrate(&data).await,
            Command::User { data, action } => commands::user(&data, action).await,
            Command::Calendar { data, action } => commands::calendar(&data, action).await,
            Command::Rules { action } => rules_cmd::run(action).await,
            Command::Process { action } => process_cmd::run(action),
            Command::Org { data, action } => commands::org(&data, action).await,
            Command::Audit { data, action } => commands::audit(&data, action).await,
            Command::Reindex { data } => commands::reindex(&data).await,
            Command::Import { data, what } => commands::import(&data, what).await,
            Command::Backup { data, to } => commands::backup(&data, &to).await,
            Command::Restore { data, from } => commands::restore(&data, &from).await,
            Command::Report { data, what } => report_cmd::run(&data, what).await,
        }
    });
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{e}");
            ExitCode::from(if e.is_client_error() { 2 } else { 1 })
        }
    }
}

/// A command whose output is piped into `head` ends quietly when the pipe
/// closes, as Unix tools do, instead of panicking in `println!`. Not for
/// the server: there a client that hangs up must not end the process.
fn quiet_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: restores the default disposition of SIGPIPE before any thread
    // is started; no handler runs Rust code.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
