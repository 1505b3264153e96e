//! `yangguang demo`: seeds the agency of the first seed document (苏州市安全
//! 生产监督管理局) on first run, prints the demo logins and serves it.
//! Demo data is created here and nowhere else.

use std::process::ExitCode;

use time::{Duration, OffsetDateTime};
use yangguang_kernel::audit::Actor;
use yangguang_kernel::db::query;
use yangguang_kernel::org::Role;
use yangguang_kernel::org_store::{self, NewAgency, NewDivision, NewPost, NewUser};
use yangguang_kernel::timefmt::{self, fmt_date, rfc3339, today_cst};
use yangguang_kernel::{Kernel, Result};

use crate::DataOpts;

pub const AGENCY: &str = "014101876";
/// One password for every demo account, printed at start.
pub const DEMO_PASSWORD: &str = "Yg-Demo-2026!";

/// (username, name, division code, title, role, 2FA needed later)
pub const USERS: &[(&str, &str, Option<&str>, &str, Role)] = &[
    ("wangjg", "王建国", None, "局长", Role::PrincipalLeader),
    ("liming", "李明", None, "副局长", Role::DeputyLeader),
    ("zhouhong", "周红", None, "副局长", Role::DeputyLeader),
    ("zhanghua", "张华", Some("bgs"), "办公室主任", Role::Office),
    ("zhouting", "周婷", Some("bgs"), "办公室文秘", Role::Office),
    ("wuqiang", "吴强", Some("bgs"), "办公室科员", Role::Staff),
    (
        "chenjing",
        "陈静",
        Some("zcfgc"),
        "政策法规处处长",
        Role::DivisionHead,
    ),
    (
        "sunli",
        "孙莉",
        Some("zcfgc"),
        "政策法规处副处长",
        Role::DivisionHead,
    ),
    (
        "liuyang",
        "刘洋",
        Some("zcfgc"),
        "政务公开专管员",
        Role::Staff,
    ),
    ("zhaomin", "赵敏", Some("zcfgc"), "科员", Role::Staff),
    (
        "sunlei",
        "孙磊",
        Some("jcs"),
        "监察室主任",
        Role::Supervisor,
    ),
    (
        "zhengwei",
        "郑伟",
        Some("jczd"),
        "监察支队副支队长",
        Role::DivisionHead,
    ),
    (
        "hejun",
        "何军",
        Some("wh"),
        "危险化学品安全监督管理处处长",
        Role::DivisionHead,
    ),
    ("xugang", "徐刚", Some("wh"), "科员", Role::Staff),
    ("sysadmin", "系统管理员", Some("bgs"), "", Role::SystemAdmin),
    (
        "secadmin",
        "安全管理员",
        Some("bgs"),
        "",
        Role::SecurityAdmin,
    ),
    (
        "auditadmin",
        "审计管理员",
        Some("jcs"),
        "",
        Role::AuditAdmin,
    ),
];

const DIVISIONS: &[(&str, &str, &str)] = &[
    ("bgs", "办公室", "office"),
    ("zcfgc", "政策法规处", "division"),
    ("jcs", "监察室", "supervision"),
    ("jczd", "监察支队", "division"),
    ("wh", "危险化学品安全监督管理处", "division"),
    ("gm", "工矿商贸安全监督管理处", "division"),
    ("zyaq", "职业安全健康监督管理处", "division"),
];

/// (post, division, A, B, duty)
type PostSeed = (
    &'static str,
    Option<&'static str>,
    &'static str,
    Option<&'static str>,
    &'static str,
);

/// Every post has a B holder except the two windows (行政许可窗口岗,
/// 行政执法监察岗): the office's list of posts without B shows them.
const POSTS: &[PostSeed] = &[
    (
        "政务公开信息发布岗",
        Some("zcfgc"),
        "liuyang",
        Some("zhaomin"),
        "disclosure.publish",
    ),
    (
        "政策法规处审核岗",
        Some("zcfgc"),
        "chenjing",
        Some("sunli"),
        "disclosure.review",
    ),
    (
        "保密审查岗",
        Some("bgs"),
        "zhanghua",
        Some("zhouting"),
        "disclosure.secrecy",
    ),
    (
        "依申请公开受理岗",
        Some("zcfgc"),
        "zhaomin",
        Some("liuyang"),
        "",
    ),
    (
        "收发文登记岗",
        Some("bgs"),
        "zhouting",
        Some("wuqiang"),
        yangguang_docflow::who::DUTY_REGISTER,
    ),
    ("会议纪要岗", Some("bgs"), "wuqiang", Some("zhouting"), ""),
    ("行政许可窗口岗", Some("wh"), "xugang", None, ""),
    ("行政执法监察岗", Some("jczd"), "zhengwei", None, ""),
    // 网上办文: the office's 核稿 and director posts, the heads who sign
    // division opinions, and the leaders (B acts for A on leave).
    (
        "核稿岗",
        Some("bgs"),
        "zhouting",
        Some("zhanghua"),
        yangguang_docflow::who::DUTY_REVIEW,
    ),
    (
        "办公室主任岗",
        Some("bgs"),
        "zhanghua",
        Some("zhouting"),
        yangguang_docflow::who::DUTY_DIRECTOR,
    ),
    (
        "政策法规处负责人岗",
        Some("zcfgc"),
        "chenjing",
        Some("sunli"),
        "",
    ),
    (
        "危险化学品安全监督管理处负责人岗",
        Some("wh"),
        "hejun",
        Some("xugang"),
        "",
    ),
    ("局长岗", None, "wangjg", Some("liming"), ""),
    (
        "副局长岗（分管办公室、政策法规）",
        None,
        "liming",
        Some("zhouhong"),
        "",
    ),
    (
        "副局长岗（分管危化、执法监察）",
        None,
        "zhouhong",
        Some("liming"),
        "",
    ),
];

async fn seeded(k: &Kernel) -> Result<bool> {
    Ok(org_store::agency_by_code(k, AGENCY).await?.is_some())
}

pub async fn seed(k: &Kernel, now: OffsetDateTime) -> Result<()> {
    let actor = Actor::system();
    org_store::add_agency(
        k,
        &actor,
        now,
        NewAgency {
            code: AGENCY.into(),
            name: "苏州市安全生产监督管理局".into(),
            short_name: "苏州市安监局".into(),
            doc_prefix: "苏安监".into(),
            address: "江苏省苏州市姑苏区三香路（示例地址）".into(),
            phone: "0512-12345678（示例）".into(),
        },
    )
    .await?;
    for (i, (code, name, kind)) in DIVISIONS.iter().enumerate() {
        org_store::add_division(
            k,
            &actor,
            now,
            NewDivision {
                agency_code: AGENCY,
                code,
                name,
                kind,
                sort: i as i64,
            },
        )
        .await?;
    }
    for (username, name, division, title, role) in USERS {
        org_store::add_user(
            k,
            &actor,
            now,
            NewUser {
                username: (*username).into(),
                display_name: (*name).into(),
                agency_code: Some(AGENCY.into()),
                division_code: division.map(str::to_string),
                title: (*title).into(),
                password: DEMO_PASSWORD.into(),
                roles: vec![*role],
            },
        )
        .await?;
    }
    for (post, division, a, b, duty) in POSTS {
        let id = org_store::add_post(
            k,
            &actor,
            now,
            NewPost {
                agency_code: AGENCY,
                division_code: *division,
                name: post,
                a_username: a,
                b_username: *b,
            },
        )
        .await?;
        if !duty.is_empty() {
            org_store::set_post_duty(k, &actor, now, id, duty).await?;
        }
    }
    // One A holder is away today, so the B holder acts for them.
    let today = today_cst(now);
    org_store::add_leave(
        k,
        &actor,
        now,
        "liuyang",
        &fmt_date(today - Duration::days(1)),
        &fmt_date(today + Duration::days(5)),
        "年休假",
    )
    .await?;
    // Leaders and administrators sign in with a second factor: pre-enrol
    // them (the audit administrator with the national-algorithm token).
    for (username, _, _, _, role) in USERS {
        if yangguang_kernel::perm::needs_second_factor(&[*role]) {
            let id: i64 = yangguang_kernel::db::query_scalar(
                k.db.backend(),
                "SELECT id FROM users WHERE username = ?",
            )
            .bind(*username)
            .fetch_one(k.db.pool())
            .await?;
            let kind = if *role == Role::AuditAdmin {
                "sm3"
            } else {
                "totp"
            };
            let secret = yangguang_kernel::otp::new_secret()
                .map_err(|e| yangguang_kernel::Error::Internal(e.to_string()))?;
            yangguang_kernel::auth::store_second_factor(
                k,
                id,
                username,
                kind,
                &yangguang_kernel::otp::base32(&secret),
                None,
                now,
            )
            .await?;
        }
    }
    let mut tx = k.db.begin().await?;
    for (key, value) in [
        ("demo.mode", "1"),
        ("site.code", "3205000031（示例）"),
        ("site.icp", "苏ICP备05001234号（示例）"),
        ("site.psb", "苏公网安备32050802010123号（示例）"),
    ] {
        query(
            tx.backend(),
            "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)",
        )
        .bind(key)
        .bind(value)
        .bind(rfc3339(now))
        .execute(tx.conn())
        .await?;
    }
    yangguang_kernel::audit::append(
        &mut tx,
        &k.keys,
        now,
        yangguang_kernel::audit::Event {
            actor: &actor,
            event_type: "settings.update",
            object: "settings:site",
            outcome: yangguang_kernel::audit::Outcome::Success,
            detail: serde_json::json!({ "keys": ["site.code", "site.icp", "site.psb"] }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn print_logins(k: &Kernel, addr: &str, data_dir: &std::path::Path) -> Result<()> {
    println!("阳光政务演示站：http://{addr}/");
    println!("演示账号（密码均为 {DEMO_PASSWORD}）：");
    for (username, name, _, title, role) in USERS {
        let id: i64 = yangguang_kernel::db::query_scalar(
            k.db.backend(),
            "SELECT id FROM users WHERE username = ?",
        )
        .bind(*username)
        .fetch_one(k.db.pool())
        .await?;
        let factor = match yangguang_kernel::auth::second_factor_secret(k, id).await? {
            Some((kind, secret)) => format!(
                "　动态口令（{}）密钥 {secret}",
                if kind == "sm3" {
                    "国密SM3，60秒"
                } else {
                    "TOTP，30秒"
                }
            ),
            None => String::new(),
        };
        println!("  {username:<11} {name}（{}）{title}{factor}", role.label());
    }
    println!("领导和管理员登录时需输入动态口令：可把上面的密钥加入验证器应用，或运行");
    println!(
        "  yangguang user otp-code 用户名 --data-dir {}",
        data_dir.display()
    );
    println!("查看当前口令（仅演示数据目录可用）。");
    println!("AB岗示例：政务公开信息发布岗的A岗刘洋今日休假，由B岗赵敏代岗。");
    Ok(())
}

/// Seeds the agency and then its disclosure content.
async fn seed_all(k: &Kernel, laws: Option<&std::path::Path>) -> Result<()> {
    let now = timefmt::now();
    seed(k, now).await?;
    crate::demo_disclosure::seed(k, now, laws).await?;
    crate::demo_decisions::seed(k, now).await?;
    crate::demo_docflow::seed(k, now).await?;
    crate::demo_powers::seed(k, now).await?;
    crate::demo_requests::seed(k, now).await
}

pub async fn run(
    data: &DataOpts,
    addr: &str,
    serve: bool,
    laws: Option<std::path::PathBuf>,
) -> Result<ExitCode> {
    let k = crate::commands::open(data, true).await?;
    let laws = crate::demo_disclosure::laws_dir(laws)?;
    if !serve {
        if !seeded(&k).await? {
            seed_all(&k, laws.as_deref()).await?;
        }
        print_logins(&k, addr, &data.data_dir).await?;
        return Ok(ExitCode::SUCCESS);
    }
    // Serve at once; /healthz answers 200 only when seeding is finished.
    let (state, handle) = crate::commands::serve_kernel(k.clone(), addr, false).await?;
    if !seeded(&k).await? {
        tracing::info!("seeding demo data");
        seed_all(&k, laws.as_deref()).await?;
    }
    state.reload_site().await;
    yangguang_web::catch_up_search(&state).await?;
    state.set_ready();
    print_logins(&k, addr, &data.data_dir).await?;
    let _ = handle.await;
    Ok(ExitCode::SUCCESS)
}
