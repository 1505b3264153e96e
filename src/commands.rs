//! Commands that touch data: serve, migrate, user, calendar, org, audit,
//! backup, restore.

use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

use clap::Subcommand;
use yangguang_kernel::audit::Actor;
use yangguang_kernel::db::Db;
use yangguang_kernel::keys::Keys;
use yangguang_kernel::org::Role;
use yangguang_kernel::org_store::{self, NewUser};
use yangguang_kernel::timefmt::{self, fmt_date, today_cst};
use yangguang_kernel::{Error, Kernel, Result};
use yangguang_web::AppState;

use crate::DataOpts;

/// Every module's migrations, in dependency order.
pub fn migrations() -> Vec<&'static [yangguang_kernel::migrate::Migration]> {
    yangguang_web::migrations()
}

/// Opens the kernel for a data directory. `create`: make the directory
/// (serve, demo, migrate, restore); otherwise a missing one is an error.
pub async fn open(data: &DataOpts, create: bool) -> Result<Kernel> {
    if !data.data_dir.exists() {
        if create {
            std::fs::create_dir_all(&data.data_dir)?;
        } else {
            return Err(Error::invalid(
                "no_data_dir",
                format!(
                    "数据目录 {} 不存在：请先运行 yangguang migrate --data-dir {} 或 yangguang demo",
                    data.data_dir.display(),
                    data.data_dir.display()
                ),
            ));
        }
    }
    let url = match &data.database {
        Some(u) => u.clone(),
        None => Db::sqlite_url(&data.data_dir.join("yangguang.db")),
    };
    let db = Db::connect(&url).await?;
    let keys = Keys::load_or_create(&data.data_dir)?;
    Kernel::open(db, keys, data.data_dir.clone(), &migrations()).await
}

pub async fn serve_kernel(
    k: Kernel,
    addr: &str,
    ready: bool,
) -> Result<(AppState, tokio::task::JoinHandle<()>)> {
    let state = yangguang_web::state(k, ready).await;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Error::invalid("bind_failed", format!("无法监听地址 {addr}：{e}")))?;
    let app = yangguang_web::app(state.clone());
    tracing::info!("listening on http://{addr}");
    let handle = tokio::spawn(async move {
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        if let Err(e) = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
        {
            tracing::error!(error = %e, "server stopped");
        }
    });
    Ok((state, handle))
}

pub async fn serve(data: &DataOpts, addr: &str) -> Result<ExitCode> {
    let k = open(data, true).await?;
    let (_state, handle) = serve_kernel(k, addr, true).await?;
    let _ = handle.await;
    Ok(ExitCode::SUCCESS)
}

pub async fn migrate(data: &DataOpts) -> Result<ExitCode> {
    let url = match &data.database {
        Some(u) => u.clone(),
        None => {
            std::fs::create_dir_all(&data.data_dir)?;
            Db::sqlite_url(&data.data_dir.join("yangguang.db"))
        }
    };
    let db = Db::connect(&url).await?;
    let mut sets = vec![yangguang_kernel::migrate::KERNEL];
    sets.extend(migrations());
    let applied = yangguang_kernel::migrate::run(&db, &sets).await?;
    if applied.is_empty() {
        println!("数据库已是最新，无需迁移");
    } else {
        for a in &applied {
            println!("已应用迁移：{a}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand)]
pub enum UserCmd {
    /// Add a user (password from --password or standard input)
    Add {
        username: String,
        /// Display name (姓名)
        #[arg(long)]
        name: String,
        /// Role code or Chinese label; repeat for several
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        #[arg(long)]
        division: Option<String>,
        #[arg(long)]
        agency: Option<String>,
        #[arg(long, default_value = "")]
        title: String,
        #[arg(long)]
        password: Option<String>,
    },
    /// Set a user's password
    Passwd {
        username: String,
        #[arg(long)]
        password: Option<String>,
    },
    /// List users
    List,
    /// Lock an account
    Lock { username: String },
    /// Unlock an account
    Unlock { username: String },
    /// Print a user's current one-time code (demo data directories only)
    OtpCode { username: String },
}

fn password_arg(p: Option<String>) -> Result<String> {
    match p {
        Some(p) => Ok(p),
        None => {
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s)?;
            let s = s.trim_end_matches(['\n', '\r']).to_string();
            if s.is_empty() {
                return Err(Error::invalid(
                    "missing_password",
                    "请用 --password 或标准输入提供密码",
                ));
            }
            Ok(s)
        }
    }
}

pub async fn user(data: &DataOpts, cmd: UserCmd) -> Result<ExitCode> {
    let k = open(data, false).await?;
    let now = timefmt::now();
    let actor = Actor::cli();
    match cmd {
        UserCmd::Add {
            username,
            name,
            roles,
            division,
            agency,
            title,
            password,
        } => {
            let roles = roles
                .iter()
                .map(|r| {
                    Role::parse(r).ok_or_else(|| {
                        Error::invalid(
                            "unknown_role",
                            format!(
                                "未知角色“{r}”：可选 {}",
                                Role::ALL
                                    .iter()
                                    .map(|r| r.code())
                                    .collect::<Vec<_>>()
                                    .join("、")
                            ),
                        )
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            let password = password_arg(password)?;
            org_store::add_user(
                &k,
                &actor,
                now,
                NewUser {
                    username: username.clone(),
                    display_name: name,
                    agency_code: agency,
                    division_code: division,
                    title,
                    password,
                    roles,
                },
            )
            .await?;
            println!("已添加用户 {username}");
        }
        UserCmd::Passwd { username, password } => {
            let password = password_arg(password)?;
            org_store::set_password(&k, &actor, now, &username, &password).await?;
            println!("已修改用户 {username} 的密码");
        }
        UserCmd::List => {
            println!("用户名\t姓名\t处室\t职务\t角色\t状态");
            for u in org_store::list_users(&k).await? {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    u.username,
                    u.display_name,
                    u.division.unwrap_or_default(),
                    u.title,
                    u.roles
                        .iter()
                        .map(|r| r.label())
                        .collect::<Vec<_>>()
                        .join("、"),
                    if u.locked { "已锁定" } else { "正常" }
                );
            }
        }
        UserCmd::Lock { username } => {
            org_store::set_locked(&k, &actor, now, &username, true).await?;
            println!("已锁定用户 {username}");
        }
        UserCmd::OtpCode { username } => {
            let demo: Option<String> = yangguang_kernel::db::query_scalar(
                k.db.backend(),
                "SELECT value FROM settings WHERE key = 'demo.mode'",
            )
            .fetch_optional(k.db.pool())
            .await?;
            if demo.as_deref() != Some("1") {
                return Err(Error::invalid(
                    "not_demo",
                    "只有演示数据目录才能用命令行查看动态口令；正式环境请使用令牌或验证器应用",
                ));
            }
            let id: i64 = yangguang_kernel::db::query_scalar(
                k.db.backend(),
                "SELECT id FROM users WHERE username = ?",
            )
            .bind(username.clone())
            .fetch_optional(k.db.pool())
            .await?
            .ok_or_else(|| Error::NotFound(format!("用户“{username}”不存在")))?;
            let (kind, secret) = yangguang_kernel::auth::second_factor_secret(&k, id)
                .await?
                .ok_or_else(|| {
                    Error::invalid(
                        "no_second_factor",
                        format!("用户“{username}”未绑定动态口令"),
                    )
                })?;
            let bytes = yangguang_kernel::otp::base32_decode(&secret)
                .map_err(|e| Error::Internal(e.to_string()))?;
            let unix = now.unix_timestamp().max(0) as u64;
            let code = if kind == "sm3" {
                yangguang_kernel::otp::sm3_otp(&bytes, unix)
            } else {
                yangguang_kernel::otp::totp(&bytes, unix)
            };
            println!("{code}");
        }
        UserCmd::Unlock { username } => {
            org_store::set_locked(&k, &actor, now, &username, false).await?;
            println!("已解锁用户 {username}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand)]
pub enum CalendarCmd {
    /// Import a year's arrangement (CSV: date,kind,festival)
    Import { file: std::path::PathBuf },
    /// Add an agency's own day off
    DayOff {
        date: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        agency: Option<String>,
    },
}

pub async fn calendar(data: &DataOpts, cmd: CalendarCmd) -> Result<ExitCode> {
    let k = open(data, false).await?;
    let now = timefmt::now();
    match cmd {
        CalendarCmd::Import { file } => {
            let text = std::fs::read_to_string(&file).map_err(|e| {
                Error::invalid(
                    "unreadable_file",
                    format!("无法读取文件 {}：{e}", file.display()),
                )
            })?;
            let r = yangguang_kernel::calendar_store::import_csv(
                &k,
                &Actor::cli(),
                now,
                &file.display().to_string(),
                &text,
            )
            .await?;
            println!(
                "已导入 {} 年节假日安排：放假 {} 天，调休上班 {} 天；重新计算到期日 {} 个",
                r.years
                    .iter()
                    .map(|y| y.to_string())
                    .collect::<Vec<_>>()
                    .join("、"),
                r.holidays,
                r.workdays,
                r.clocks_recomputed
            );
        }
        CalendarCmd::DayOff {
            date,
            reason,
            agency,
        } => {
            let agency = match agency {
                Some(a) => a,
                None => org_store::main_agency(&k)
                    .await?
                    .map(|a| a.code)
                    .ok_or_else(|| Error::NotFound("尚未登记任何机关".into()))?,
            };
            let n = yangguang_kernel::calendar_store::add_local_day_off(
                &k,
                &Actor::cli(),
                now,
                &agency,
                &date,
                &reason,
            )
            .await?;
            println!("已登记本机关放假日 {date}；重新计算到期日 {n} 个");
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand)]
pub enum OrgCmd {
    /// Posts with their A/B holders and who acts on a date (default today)
    Posts {
        #[arg(long)]
        date: Option<String>,
        /// Only posts without a B holder
        #[arg(long)]
        missing_b: bool,
    },
}

pub async fn org(data: &DataOpts, cmd: OrgCmd) -> Result<ExitCode> {
    let k = open(data, false).await?;
    match cmd {
        OrgCmd::Posts { date, missing_b } => {
            let on = match date {
                Some(d) => timefmt::parse_date(&d)?,
                None => today_cst(timefmt::now()),
            };
            println!("岗位\t处室\tA岗\tB岗\t{} 在岗", fmt_date(on));
            for v in org_store::posts_on(&k, on).await? {
                if missing_b && v.b_name.is_some() {
                    continue;
                }
                let acting = match &v.acting {
                    yangguang_kernel::org::Acting::Primary { .. } => v.a_name.clone(),
                    yangguang_kernel::org::Acting::Backup { .. } => format!(
                        "{}（B岗代{}）",
                        v.acting_name.clone().unwrap_or_default(),
                        v.a_name
                    ),
                    yangguang_kernel::org::Acting::Nobody { .. } => {
                        "无人在岗（需办公室指定）".to_string()
                    }
                };
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    v.post.name,
                    v.division.unwrap_or_default(),
                    v.a_name,
                    v.b_name.unwrap_or_else(|| "（未设B岗）".into()),
                    acting
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand)]
pub enum AuditCmd {
    /// Verify the audit chain (exit 0 and the entry count when intact)
    Verify,
}

pub async fn audit(data: &DataOpts, cmd: AuditCmd) -> Result<ExitCode> {
    let k = open(data, false).await?;
    match cmd {
        AuditCmd::Verify => match yangguang_kernel::audit::verify(&k.db, &k.keys).await? {
            Ok(n) => {
                println!("{n}");
                println!("审计日志完整：共 {n} 条，校验链无断裂");
                Ok(ExitCode::SUCCESS)
            }
            Err(b) => {
                println!("broken {}", b.seq);
                println!("审计日志校验失败：{b}");
                Ok(ExitCode::from(3))
            }
        },
    }
}

pub async fn backup(data: &DataOpts, to: &Path) -> Result<ExitCode> {
    let k = open(data, false).await?;
    let s = yangguang_kernel::backup::backup(&k, to).await?;
    println!(
        "已备份到 {}：数据表 {} 个，记录 {} 条，附件 {} 个",
        to.display(),
        s.tables,
        s.rows,
        s.files
    );
    eprintln!(
        "注意：备份不含密钥。请另行安全保管 {}（恢复时需要）",
        yangguang_kernel::keys::keys_dir(&data.data_dir).display()
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn restore(data: &DataOpts, from: &Path) -> Result<ExitCode> {
    // Restore uses the keys kept separately: they must already be there.
    std::fs::create_dir_all(&data.data_dir)?;
    Keys::load_existing(&data.data_dir)?;
    let k = open(data, true).await?;
    let s = yangguang_kernel::backup::restore(&k, from).await?;
    let verified = yangguang_kernel::audit::verify(&k.db, &k.keys).await?;
    println!(
        "已从 {} 恢复：数据表 {} 个，记录 {} 条，附件 {} 个",
        from.display(),
        s.tables,
        s.rows,
        s.files
    );
    match verified {
        Ok(n) => {
            println!("审计日志校验通过：共 {n} 条");
            Ok(ExitCode::SUCCESS)
        }
        Err(b) => {
            println!("审计日志校验失败：{b}（密钥是否与备份时一致？）");
            Ok(ExitCode::from(3))
        }
    }
}

fn progress_bar(total: usize, what: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(total as u64),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template(&format!(
        "{what} [{{bar:40}}] {{pos}}/{{len}} ({{eta}})"
    )) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

pub async fn reindex(data: &DataOpts) -> Result<ExitCode> {
    let k = open(data, false).await?;
    let ix = yangguang_disclosure::indexer::Indexer::open(&k)?;
    let bar = progress_bar(0, "重建索引");
    let n = ix
        .rebuild(|done, total| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        })
        .await?;
    bar.finish_and_clear();
    println!("{n}");
    println!("已重建搜索索引：共 {n} 条已发布信息");
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand)]
pub enum ImportCmd {
    /// Items for proactive disclosure: a folder of .txt/.md/.html files
    /// with index.json, metadata.csv or index.csv
    Disclosure {
        path: std::path::PathBuf,
        /// 发布机构 for rows of an index.csv (law corpus format)
        #[arg(long, default_value = "法律法规汇编")]
        publisher: String,
    },
}

pub async fn import(data: &DataOpts, what: ImportCmd) -> Result<ExitCode> {
    let k = open(data, false).await?;
    match what {
        ImportCmd::Disclosure { path, publisher } => {
            let now = timefmt::now();
            // Every row is checked before anything is written.
            let rows =
                yangguang_disclosure::import::read_folder(&k, &path, &publisher, today_cst(now))
                    .await?;
            let bar = progress_bar(rows.len(), "导入");
            let mut ids = Vec::with_capacity(rows.len());
            for r in &rows {
                ids.push(yangguang_disclosure::import::publish(&k, &Actor::cli(), now, r).await?);
                bar.inc(1);
            }
            bar.finish_and_clear();
            let ix = yangguang_disclosure::indexer::Indexer::open(&k)?;
            ix.catch_up().await?;
            println!("{}", ids.len());
            println!("已导入并发布 {} 条信息，已编入搜索索引", ids.len());
        }
    }
    Ok(ExitCode::SUCCESS)
}
