//! The `yangguang` command line as a user runs it: first line is the
//! answer, explanation after, warnings on stderr, exit codes for refusals.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_yangguang"));
    c.env_remove("YANGGUANG_DATABASE")
        .env_remove("YANGGUANG_DATA_DIR");
    c
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run yangguang")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn first_line(o: &Output) -> String {
    stdout(o).lines().next().unwrap_or_default().to_string()
}

fn temp(tag: &str) -> PathBuf {
    yangguang_kernel::testing::temp_dir(tag)
}

fn dir_arg(p: &Path) -> String {
    p.display().to_string()
}

#[test]
fn rules_working_days_prints_the_due_date_first_then_each_skipped_day() {
    let o = run(&["rules", "working-days", "2026-09-30", "20"]);
    assert!(o.status.success());
    assert_eq!(first_line(&o), "2026-11-03");
    let out = stdout(&o);
    assert!(out.contains("2026-10-01 星期四 国庆节假期"), "{out}");
    assert!(out.contains("跳过 14 天"), "{out}");
    assert!(stderr(&o).is_empty(), "no warning inside announced years");
}

#[test]
fn rules_working_days_warns_on_stderr_for_a_year_without_arrangement() {
    let o = run(&["rules", "working-days", "2026-12-20", "20"]);
    assert!(o.status.success());
    assert_eq!(first_line(&o), "2027-01-15");
    assert!(
        stderr(&o).contains("2027年 的节假日安排尚未公布"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn rules_refuse_bad_dates_and_out_of_range_counts_with_exit_2() {
    for (args, msg) in [
        (
            vec!["rules", "working-days", "2026-02-30", "5"],
            "日期“2026-02-30”无效",
        ),
        (
            vec!["rules", "working-days", "2026-09-30", "-1"],
            "工作日数“-1”无效",
        ),
        (
            vec!["rules", "working-days", "2026-09-30", "3651"],
            "工作日数 3651 超出范围",
        ),
        (
            vec!["rules", "is-working-day", "20261001"],
            "日期“20261001”无效",
        ),
        (
            vec![
                "rules",
                "due-date",
                "--received",
                "2026-09-30",
                "--extend",
                "21",
            ],
            "20",
        ),
        (
            vec![
                "rules",
                "due-date",
                "--received",
                "2026-09-30",
                "--pause",
                "2026-10-16..2026-10-09",
            ],
            "中止",
        ),
    ] {
        let o = bin().args(&args).output().expect("run");
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stdout(&o).is_empty(), "{args:?}: nothing on stdout");
        assert!(stderr(&o).contains(msg), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn rules_is_working_day_answers_yes_or_no_with_the_reason() {
    let o = run(&["rules", "is-working-day", "2026-10-10"]);
    assert_eq!(first_line(&o), "yes");
    assert!(stdout(&o).contains("国庆节调休上班日"));
    let o = run(&["rules", "is-working-day", "2026-10-01"]);
    assert_eq!(first_line(&o), "no");
    assert!(stdout(&o).contains("国庆节假期"));
}

#[test]
fn rules_due_date_follows_clock_arithmetic_of_rules_section_1() {
    let o = run(&[
        "rules",
        "due-date",
        "--received",
        "2026-09-30",
        "--pause",
        "2026-10-09..2026-10-16",
    ]);
    assert_eq!(first_line(&o), "2026-11-11");
    let o = run(&[
        "rules",
        "due-date",
        "--received",
        "2026-09-30",
        "--pause",
        "2026-10-09..2026-10-16",
        "--extend",
        "10",
    ]);
    assert_eq!(first_line(&o), "2026-11-25");
    assert!(stdout(&o).contains("合计：36个工作日"), "{}", stdout(&o));
    // A restart drops earlier pauses and counts from the supplement.
    let o = run(&[
        "rules",
        "due-date",
        "--received",
        "2026-09-30",
        "--pause",
        "2026-10-09..2026-10-16",
        "--restart",
        "2026-10-20",
    ]);
    assert_eq!(first_line(&o), "2026-11-17");
}

#[test]
fn commands_on_a_missing_data_dir_explain_what_to_do() {
    let d = temp("cli-missing").join("nope");
    let o = run(&["user", "list", "--data-dir", &dir_arg(&d)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("数据目录"), "{}", stderr(&o));
    assert!(!d.exists(), "nothing created");
}

#[test]
fn user_commands_add_list_lock_and_refuse_duplicates_and_weak_passwords() {
    let d = temp("cli-user");
    let dd = dir_arg(&d);
    assert!(run(&["migrate", "--data-dir", &dd]).status.success());
    let o = run(&[
        "user",
        "add",
        "liuyang",
        "--name",
        "刘洋",
        "--role",
        "staff",
        "--password",
        "Abcdefgh-123",
        "--data-dir",
        &dd,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&[
        "user",
        "add",
        "liuyang",
        "--name",
        "刘洋",
        "--role",
        "staff",
        "--password",
        "Abcdefgh-123",
        "--data-dir",
        &dd,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("用户名“liuyang”已存在"));
    let o = run(&[
        "user",
        "add",
        "zhaomin",
        "--name",
        "赵敏",
        "--role",
        "staff",
        "--password",
        "short",
        "--data-dir",
        &dd,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("密码至少 10 位"));
    let o = run(&[
        "user",
        "add",
        "boss",
        "--name",
        "某",
        "--role",
        "king",
        "--password",
        "Abcdefgh-123",
        "--data-dir",
        &dd,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("未知角色“king”"));
    let o = run(&[
        "user",
        "add",
        "adm",
        "--name",
        "管理员",
        "--role",
        "system_admin",
        "--role",
        "audit_admin",
        "--password",
        "Abcdefgh-123",
        "--data-dir",
        &dd,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("三权分立"));
    assert!(
        run(&["user", "lock", "liuyang", "--data-dir", &dd])
            .status
            .success()
    );
    let list = stdout(&run(&["user", "list", "--data-dir", &dd]));
    assert!(list.contains("liuyang\t刘洋"), "{list}");
    assert!(list.contains("已锁定"), "{list}");
    assert!(!list.contains("zhaomin"), "refused user not written");
    assert!(
        run(&["user", "unlock", "liuyang", "--data-dir", &dd])
            .status
            .success()
    );
    let o = run(&["user", "lock", "ghost", "--data-dir", &dd]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("用户“ghost”不存在"));
    let o = bin()
        .args(["user", "passwd", "liuyang", "--data-dir", &dd])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run");
    assert_eq!(
        o.status.code(),
        Some(2),
        "empty password from stdin refused"
    );
    // Three accepted changes plus the user: every change audited, chain intact.
    let o = run(&["audit", "verify", "--data-dir", &dd]);
    assert!(o.status.success());
    assert_eq!(first_line(&o), "3");
}

#[test]
fn audit_verify_fails_with_the_first_broken_entry_after_tampering() {
    let d = temp("cli-audit");
    let dd = dir_arg(&d);
    assert!(
        run(&["demo", "--no-serve", "--laws", "none", "--data-dir", &dd])
            .status
            .success()
    );
    let o = run(&["audit", "verify", "--data-dir", &dd]);
    assert!(o.status.success());
    let n: i64 = first_line(&o).parse().expect("count");
    assert!(n > 20, "demo seeding is audited: {n}");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("rt");
    rt.block_on(async {
        let db = yangguang_kernel::db::Db::connect(&yangguang_kernel::db::Db::sqlite_url(
            &d.join("yangguang.db"),
        ))
        .await
        .expect("db");
        yangguang_kernel::db::query(
            db.backend(),
            "UPDATE audit_log SET actor = 'mallory' WHERE seq = 5",
        )
        .execute(db.pool())
        .await
        .expect("tamper");
        db.close().await;
    });
    let o = run(&["audit", "verify", "--data-dir", &dd]);
    assert_eq!(o.status.code(), Some(3));
    assert_eq!(first_line(&o), "broken 5");
}

#[test]
fn demo_seeds_the_suzhou_bureau_with_a_backup_acting_for_an_absent_primary() {
    let d = temp("cli-demo");
    let dd = dir_arg(&d);
    let o = run(&["demo", "--no-serve", "--laws", "none", "--data-dir", &dd]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("auditadmin"));
    let posts = stdout(&run(&["org", "posts", "--data-dir", &dd]));
    assert!(posts.contains("赵敏（B岗代刘洋）"), "{posts}");
    let missing = stdout(&run(&["org", "posts", "--missing-b", "--data-dir", &dd]));
    assert!(missing.contains("行政许可窗口岗"), "{missing}");
    assert!(!missing.contains("政务公开信息发布岗"), "{missing}");
    let users = stdout(&run(&["user", "list", "--data-dir", &dd]));
    for label in [
        "主要领导",
        "分管局领导",
        "办公室",
        "处室负责人",
        "工作人员",
        "监察室（监督）",
        "系统管理员",
        "安全管理员",
        "审计管理员",
    ] {
        assert!(users.contains(label), "demo lacks a {label} user");
    }
    // Running the demo again does not seed twice.
    assert!(
        run(&["demo", "--no-serve", "--laws", "none", "--data-dir", &dd])
            .status
            .success()
    );
    let again = stdout(&run(&["user", "list", "--data-dir", &dd]));
    assert_eq!(again.lines().count(), users.lines().count());
}

/// One count from the demo database.
async fn count(db: &yangguang_kernel::db::Db, sql: &'static str) -> i64 {
    yangguang_kernel::db::query_scalar::<i64>(db.backend(), sql)
        .fetch_one(db.pool())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

#[test]
fn demo_seeds_a_year_of_docflow_traffic_in_every_state_through_the_engine() {
    let d = temp("cli-demo-docflow");
    let dd = dir_arg(&d);
    let o = run(&["demo", "--no-serve", "--laws", "none", "--data-dir", &dd]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Every act went through the audit chain.
    let o = run(&["audit", "verify", "--data-dir", &dd]);
    assert!(o.status.success(), "{}", stdout(&o));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("rt");
    rt.block_on(async {
        let db = yangguang_kernel::db::Db::connect(&yangguang_kernel::db::Db::sqlite_url(
            &d.join("yangguang.db"),
        ))
        .await
        .expect("db");
        let n = |dir: &'static str, st: &'static str| {
            let db = &db;
            async move {
                yangguang_kernel::db::query_scalar::<i64>(
                    db.backend(),
                    "SELECT COUNT(*) FROM docflow_docs WHERE direction = ? AND status = ?",
                )
                .bind(dir)
                .bind(st)
                .fetch_one(db.pool())
                .await
                .expect("count by status")
            }
        };
        // 收文 waiting for approval, registration, routing, returned, in
        // handling and closed; 发文 at every stage from draft to issue.
        for st in [
            "requested",
            "to_register",
            "registered",
            "returned",
            "handling",
            "closed",
        ] {
            assert!(n("in", st).await > 0, "no incoming document {st}");
        }
        for st in [
            "drafting",
            "cosigning",
            "signing",
            "signed",
            "numbered",
            "printed",
            "issued",
            "withdrawn",
        ] {
            assert!(n("out", st).await > 0, "no outgoing document {st}");
        }
        assert!(n("in", "closed").await > 100 && n("out", "issued").await > 50);
        let total = count(&db, "SELECT COUNT(*) FROM docflow_docs").await;
        assert!((300..=400).contains(&total), "{total} documents");
        // Exactly one paused into a 三重一大 topic that exists.
        assert_eq!(
            count(&db, "SELECT COUNT(*) FROM docflow_docs WHERE status = 'paused'").await,
            1
        );
        assert_eq!(
            count(
                &db,
                "SELECT COUNT(*) FROM docflow_docs d JOIN decision_topics t ON t.id = d.topic_id \
                 WHERE d.status = 'paused'"
            )
            .await,
            1
        );
        // One change after 签发, approved by the signer: a new frozen version.
        assert_eq!(
            count(
                &db,
                "SELECT COUNT(*) FROM docflow_amendments WHERE state = 'approved' AND version_no IS NOT NULL"
            )
            .await,
            1
        );
        assert_eq!(
            count(
                &db,
                "SELECT COUNT(*) FROM docflow_versions WHERE approved_by IS NOT NULL AND frozen = 1"
            )
            .await,
            1
        );
        // The 局长 away: his B holder signed for him, task and audit say so.
        assert_eq!(
            count(
                &db,
                "SELECT COUNT(*) FROM docflow_docs WHERE signed_by = 'wangjg' AND signed_for = 'liming'"
            )
            .await,
            1
        );
        assert!(
            count(
                &db,
                "SELECT COUNT(*) FROM docflow_tasks WHERE acted_by = 'liming' AND acted_for = 'wangjg' \
                 AND step = 'sign' AND note = 'principal_issue'"
            )
            .await
                >= 1
        );
        assert!(
            count(
                &db,
                "SELECT COUNT(*) FROM audit_log WHERE event_type = 'docflow.sign' AND actor = 'liming' \
                 AND acting_for = 'wangjg'"
            )
            .await
                >= 1
        );
        // Some open tasks are past their limit today (Beijing date).
        let today = yangguang_kernel::timefmt::fmt_date(yangguang_kernel::timefmt::today_cst(
            yangguang_kernel::timefmt::now(),
        ));
        let overdue: i64 = yangguang_kernel::db::query_scalar(
            db.backend(),
            "SELECT COUNT(*) FROM docflow_tasks WHERE kind = 'todo' AND state IN ('new', 'claimed') \
             AND due_on < ?",
        )
        .bind(today)
        .fetch_one(db.pool())
        .await
        .expect("overdue");
        assert!(overdue >= 3, "{overdue} overdue tasks");
        // Numbers are real: gap-free per year (and 代字).
        assert_eq!(
            count(
                &db,
                "SELECT COUNT(*) FROM (SELECT reg_year FROM docflow_docs WHERE reg_seq IS NOT NULL \
                 GROUP BY reg_year HAVING MAX(reg_seq) <> COUNT(*)) x"
            )
            .await,
            0
        );
        assert_eq!(
            count(
                &db,
                "SELECT COUNT(*) FROM (SELECT prefix, no_year FROM docflow_docs WHERE no_seq IS NOT NULL \
                 GROUP BY prefix, no_year HAVING MAX(no_seq) <> COUNT(*)) x"
            )
            .await,
            0
        );
        // Issued documents marked for 主动公开 wait as disclosure drafts.
        assert!(
            count(
                &db,
                "SELECT COUNT(*) FROM docflow_docs d JOIN disclosure_items i ON i.id = d.disclosure_item_id \
                 WHERE d.status = 'issued' AND i.status = 'draft'"
            )
            .await
                > 0
        );
        db.close().await;
    });
}

#[test]
fn calendar_import_makes_next_year_definitive_for_that_data_dir() {
    let d = temp("cli-cal");
    let dd = dir_arg(&d);
    assert!(run(&["migrate", "--data-dir", &dd]).status.success());
    let csv = d.join("2027.csv");
    std::fs::write(&csv, "date,kind,festival\n2027-01-01,holiday,元旦\n2027-01-02,holiday,元旦\n2027-01-03,holiday,元旦\n")
        .expect("write");
    let o = run(&["calendar", "import", &dir_arg(&csv), "--data-dir", &dd]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("已导入 2027 年节假日安排：放假 3 天"));
    let o = run(&[
        "rules",
        "working-days",
        "2026-12-31",
        "1",
        "--data-dir",
        &dd,
    ]);
    assert_eq!(first_line(&o), "2027-01-04");
    assert!(
        stderr(&o).is_empty(),
        "2027 is announced now: {}",
        stderr(&o)
    );
    let bad = d.join("bad.csv");
    std::fs::write(&bad, "date,kind\n2027-01-01,holiday\n").expect("write");
    let o = run(&["calendar", "import", &dir_arg(&bad), "--data-dir", &dd]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!stderr(&o).is_empty());
}

#[test]
fn backup_excludes_keys_and_restore_needs_them_then_verifies_the_audit_chain() {
    let src = temp("cli-backup");
    let s = dir_arg(&src);
    assert!(
        run(&["demo", "--no-serve", "--laws", "none", "--data-dir", &s])
            .status
            .success()
    );
    let file = src.join("snap.tar");
    let o = run(&["backup", "--to", &dir_arg(&file), "--data-dir", &s]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("备份不含密钥"));
    let archive = String::from_utf8_lossy(&std::fs::read(&file).expect("tar")).to_string();
    for k in ["audit.key", "data.key"] {
        let key = std::fs::read_to_string(src.join("keys").join(k)).expect("key");
        assert!(
            !archive.contains(key.trim()),
            "{k} must not be in the backup"
        );
    }

    let target = temp("cli-restore");
    let t = dir_arg(&target);
    let o = run(&["restore", "--from", &dir_arg(&file), "--data-dir", &t]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "refused without the separately kept keys"
    );
    assert!(stderr(&o).contains("密钥"), "{}", stderr(&o));

    std::fs::create_dir_all(target.join("keys")).expect("mkdir");
    for k in ["audit.key", "data.key"] {
        std::fs::copy(src.join("keys").join(k), target.join("keys").join(k)).expect("copy key");
    }
    let o = run(&["restore", "--from", &dir_arg(&file), "--data-dir", &t]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("审计日志校验通过"));
    let users = stdout(&run(&["user", "list", "--data-dir", &t]));
    assert!(users.contains("wangjg\t王建国"), "{users}");
}

#[test]
fn demo_pre_enrols_leaders_and_admins_and_prints_their_factor() {
    let d = temp("cli-demo-2fa");
    let dd = dir_arg(&d);
    let o = run(&["demo", "--no-serve", "--laws", "none", "--data-dir", &dd]);
    let out = stdout(&o);
    let line = out
        .lines()
        .find(|l| l.trim_start().starts_with("wangjg"))
        .unwrap_or_default();
    assert!(line.contains("动态口令（TOTP，30秒）密钥"), "{line}");
    let audit = out
        .lines()
        .find(|l| l.trim_start().starts_with("auditadmin"))
        .unwrap_or_default();
    assert!(audit.contains("国密SM3"), "{audit}");
    let staff = out
        .lines()
        .find(|l| l.trim_start().starts_with("liuyang"))
        .unwrap_or_default();
    assert!(
        !staff.contains("动态口令"),
        "staff sign in with a password only: {staff}"
    );
    // The current code, as an authenticator would show it.
    let o = run(&["user", "otp-code", "wangjg", "--data-dir", &dd]);
    assert!(o.status.success(), "{}", stderr(&o));
    let code = first_line(&o);
    assert_eq!(code.len(), 6);
    assert!(code.chars().all(|c| c.is_ascii_digit()));
    let o = run(&["user", "otp-code", "liuyang", "--data-dir", &dd]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("未绑定动态口令"));
}

#[test]
fn otp_code_command_refuses_outside_a_demo_data_dir() {
    let d = temp("cli-otp-prod");
    let dd = dir_arg(&d);
    assert!(run(&["migrate", "--data-dir", &dd]).status.success());
    let o = run(&["user", "otp-code", "anyone", "--data-dir", &dd]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("只有演示数据目录"));
}

fn tally(args: &[&str]) -> Output {
    let mut a = vec!["rules", "tally"];
    a.extend_from_slice(args);
    run(&a)
}

#[test]
fn rules_tally_party_counts_for_against_members_who_should_attend() {
    let o = tally(&[
        "--meeting",
        "party",
        "--expected",
        "9",
        "--present",
        "5",
        "--for",
        "5",
        "--against",
        "0",
        "--abstain",
        "0",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(first_line(&o), "passed");
    let o = tally(&[
        "--meeting",
        "party",
        "--expected",
        "9",
        "--present",
        "5",
        "--for",
        "4",
        "--against",
        "1",
        "--abstain",
        "0",
    ]);
    assert_eq!(first_line(&o), "not-passed");
    assert!(
        stdout(&o).contains("赞成票超过应到会成员的半数"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn rules_tally_personnel_party_meeting_needs_two_thirds_present() {
    let o = tally(&[
        "--meeting",
        "party",
        "--expected",
        "9",
        "--present",
        "5",
        "--for",
        "5",
        "--against",
        "0",
        "--abstain",
        "0",
        "--personnel",
    ]);
    assert!(o.status.success());
    assert_eq!(first_line(&o), "no-quorum");
    assert!(stdout(&o).contains("三分之二以上"), "{}", stdout(&o));
}

#[test]
fn rules_tally_joint_counts_against_those_present() {
    let o = tally(&[
        "--meeting",
        "joint",
        "--expected",
        "9",
        "--present",
        "6",
        "--for",
        "3",
        "--against",
        "0",
        "--abstain",
        "3",
    ]);
    assert_eq!(first_line(&o), "not-passed");
}

#[test]
fn rules_tally_refuses_more_votes_than_present_or_present_than_expected() {
    let o = tally(&[
        "--meeting",
        "joint",
        "--expected",
        "5",
        "--present",
        "3",
        "--for",
        "2",
        "--against",
        "1",
        "--abstain",
        "1",
    ]);
    assert!(!o.status.success());
    assert!(stdout(&o).is_empty());
    assert!(stderr(&o).contains("多于到会人数"), "{}", stderr(&o));
    let o = tally(&[
        "--meeting",
        "party",
        "--expected",
        "5",
        "--present",
        "6",
        "--for",
        "0",
        "--against",
        "0",
        "--abstain",
        "0",
    ]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("到会人数多于应到会人数"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn rules_tally_head_against_majority_without_reason_prints_outcome_then_warns() {
    let o = tally(&[
        "--meeting",
        "executive",
        "--expected",
        "7",
        "--present",
        "7",
        "--for",
        "2",
        "--against",
        "5",
        "--abstain",
        "0",
        "--head",
        "adopt",
    ]);
    assert!(o.status.success());
    assert_eq!(first_line(&o), "passed");
    assert!(
        stderr(&o).contains("会议纪要必须写明理由"),
        "{}",
        stderr(&o)
    );
    let o = tally(&[
        "--meeting",
        "executive",
        "--expected",
        "7",
        "--present",
        "7",
        "--for",
        "2",
        "--against",
        "5",
        "--abstain",
        "0",
        "--head",
        "adopt",
        "--reason",
        "上级已明确要求年内完成",
    ]);
    assert_eq!(first_line(&o), "passed");
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    assert!(stdout(&o).contains("上级已明确要求年内完成"));
    // The executive meeting needs the head's decision once quorum is met.
    let o = tally(&[
        "--meeting",
        "executive",
        "--expected",
        "7",
        "--present",
        "7",
        "--for",
        "5",
        "--against",
        "2",
        "--abstain",
        "0",
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("行政首长"), "{}", stderr(&o));
}

#[test]
fn rules_fee_prints_the_bare_total_in_yuan_first_then_each_band() {
    let o = run(&["rules", "fee", "--by", "case", "--count", "35"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(first_line(&o), "3000");
    let out = stdout(&o);
    assert!(out.contains("第31至40件：5件 × 200元 = 1000元"), "{out}");
    assert!(out.contains("其中第35件：200元"), "{out}");
    let o = run(&["rules", "fee", "--by", "page", "--count", "150"]);
    assert_eq!(first_line(&o), "1700");
    let o = run(&["rules", "fee", "--by", "case", "--count", "0"]);
    assert_eq!(first_line(&o), "0");
}

#[test]
fn rules_fee_refuses_a_bad_method_or_count_with_exit_code_2() {
    let o = run(&["rules", "fee", "--by", "both", "--count", "3"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("应为 case（按件）或 page（按量）"),
        "{}",
        stderr(&o)
    );
    for bad in ["-1", "x", "1000001"] {
        let o = run(&["rules", "fee", "--by", "page", "--count", bad]);
        assert_eq!(o.status.code(), Some(2), "{bad}");
        assert!(stdout(&o).is_empty(), "{bad}");
    }
}

#[test]
fn report_annual_json_has_table3_columns_and_every_row_with_seven_values() {
    let dir = temp("cli-report");
    let o = run(&["migrate", "--data-dir", &dir_arg(&dir)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&[
        "report",
        "annual",
        "--year",
        "2026",
        "--format",
        "json",
        "--data-dir",
        &dir_arg(&dir),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json on stdout");
    assert_eq!(
        j["table3"]["columns"],
        serde_json::json!([
            "自然人",
            "商业企业",
            "科研机构",
            "社会公益组织",
            "法律服务机构",
            "其他",
            "总计"
        ])
    );
    let rows = j["table3"]["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 30);
    assert_eq!(rows[0]["label"], "一、本年新收政府信息公开申请数量");
    assert_eq!(rows[29]["label"], "四、结转下年度继续办理");
    assert!(
        rows.iter()
            .all(|r| r["values"].as_array().map(|v| v.len()) == Some(7))
    );
    assert_eq!(j["table4"]["rows"][0]["label"], "行政复议");
    assert_eq!(j["table2"]["sections"][0]["rows"][0]["label"], "规章");
    let o = run(&[
        "report",
        "annual",
        "--year",
        "2026",
        "--format",
        "docx",
        "--data-dir",
        &dir_arg(&dir),
    ]);
    assert!(o.status.success() && o.stdout.starts_with(b"PK"));
    let o = run(&[
        "report",
        "annual",
        "--year",
        "2026",
        "--format",
        "html",
        "--data-dir",
        &dir_arg(&dir),
    ]);
    assert!(stdout(&o).contains("（七）总计"));
    let o = run(&[
        "report",
        "annual",
        "--year",
        "20x6",
        "--data-dir",
        &dir_arg(&dir),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&[
        "report",
        "annual",
        "--year",
        "2026",
        "--format",
        "pdf",
        "--data-dir",
        &dir_arg(&dir),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("json、html 或 docx"));
}

#[test]
fn output_piped_into_a_reader_that_stops_early_ends_quietly() {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = bin()
        .args(["rules", "working-days", "2026-01-01", "200"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    // The reader goes away before the command writes (like `| head -0`).
    drop(child.stdout.take());
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        e.read_to_string(&mut err).expect("stderr");
    }
    child.wait().expect("wait");
    assert!(!err.contains("panicked"), "{err}");
    assert!(!err.contains("Broken pipe"), "{err}");
}

#[test]
fn rules_signing_path_prints_step_tab_role_for_each_matrix_type() {
    let o = run(&["rules", "signing-path", "--doc-type", "报市政府省厅"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "draft\tlead_division\ndivision_sign\tlead_head\noffice_review\toffice\n\
         deputy_review\tdeputy\nprincipal_issue\tprincipal\n"
    );
    let o = run(&["rules", "signing-path", "--doc-type", "办公室·职权内"]);
    assert_eq!(
        stdout(&o),
        "draft\tlead_division\noffice_director_issue\toffice_director\n"
    );
    for t in [
        "代拟稿",
        "一般业务",
        "联合发文",
        "办公室·领导交办",
        "处室业务·办公室名义",
    ] {
        let o = run(&["rules", "signing-path", "--doc-type", t]);
        assert!(o.status.success(), "{t}");
        assert!(stdout(&o).starts_with("draft\tlead_division\n"), "{t}");
    }
    let o = run(&["rules", "signing-path", "--doc-type", "代拟稿"]);
    assert!(stdout(&o).ends_with("paper_principal_sign\tlead_division\n"));
}

#[test]
fn rules_signing_path_unknown_type_exits_2_with_a_chinese_message() {
    let o = run(&["rules", "signing-path", "--doc-type", "请示"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).is_empty());
    assert!(stderr(&o).contains("公文类型“请示”无效"), "{}", stderr(&o));
}

#[test]
fn rules_doc_number_follows_gb_t_9704_and_refuses_bad_input_with_exit_2() {
    let o = run(&[
        "rules",
        "doc-number",
        "--prefix",
        "苏安监办",
        "--year",
        "2026",
        "--seq",
        "38",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "苏安监办〔2026〕38号\n");
    for (prefix, year, seq, msg) in [
        ("苏安监办", "1948", "1", "1949 到 2100"),
        ("苏安监办", "2101", "1", "1949 到 2100"),
        ("苏安监办", "2026", "0", "从 1 开始"),
        ("苏安监办", "2026", "-3", "从 1 开始"),
        ("", "2026", "1", "代字不能为空"),
        ("苏安监办", "二〇二六", "1", "四位年份"),
    ] {
        let o = run(&[
            "rules",
            "doc-number",
            "--prefix",
            prefix,
            "--year",
            year,
            "--seq",
            seq,
        ]);
        assert_eq!(o.status.code(), Some(2), "{prefix} {year} {seq}");
        assert!(stdout(&o).is_empty());
        assert!(stderr(&o).contains(msg), "{}", stderr(&o));
    }
}

#[test]
fn rules_licensing_due_prints_the_art42_date_first_with_extension_and_art45_periods() {
    let o = run(&["rules", "licensing-due", "--received", "2026-09-25"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(first_line(&o), "2026-10-29");
    let o = run(&[
        "rules",
        "licensing-due",
        "--received",
        "2026-09-25",
        "--extended",
        "--pause",
        "2026-10-09..2026-10-16",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(first_line(&o), "2026-11-20");
    let out = stdout(&o);
    assert!(
        out.contains("受理日：2026-09-25（受理当日不计入期限）"),
        "{out}"
    );
    assert!(
        out.contains("延长：10个工作日（经本行政机关负责人批准"),
        "{out}"
    );
    assert!(out.contains("合计：36个工作日"), "{out}");
    assert!(stderr(&o).is_empty(), "no warning inside announced years");
}

#[test]
fn rules_penalty_due_prints_the_art60_date_in_calendar_days() {
    let o = run(&["rules", "penalty-due", "--filed", "2026-12-01"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(first_line(&o), "2027-03-01");
    assert!(stdout(&o).contains("法定期限：90日（《行政处罚法》第六十条，按日历日计算）"));
    let o = run(&[
        "rules",
        "penalty-due",
        "--filed",
        "2026-12-01",
        "--extended-days",
        "30",
    ]);
    assert_eq!(first_line(&o), "2027-03-31");
    assert!(stdout(&o).contains("合计：120日"), "{}", stdout(&o));
}

#[test]
fn rules_licensing_and_penalty_due_refuse_bad_input_with_exit_2_and_a_chinese_message() {
    for (args, msg) in [
        (
            vec!["rules", "licensing-due", "--received", "2026-02-30"],
            "日期“2026-02-30”无效",
        ),
        (
            vec![
                "rules",
                "licensing-due",
                "--received",
                "2026-09-25",
                "--pause",
                "2026-10-16..2026-10-09",
            ],
            "不计入期限的期间无效：结束日期2026-10-09早于开始日期2026-10-16",
        ),
        (
            vec![
                "rules",
                "penalty-due",
                "--filed",
                "2026-12-01",
                "--extended-days",
                "91",
            ],
            "延长91日超出范围",
        ),
        (
            vec![
                "rules",
                "penalty-due",
                "--filed",
                "2026-12-01",
                "--extended-days",
                "-1",
            ],
            "延长天数“-1”无效",
        ),
        (
            vec!["rules", "penalty-due", "--filed", "2026/12/01"],
            "日期“2026/12/01”无效",
        ),
    ] {
        let o = bin().args(&args).output().expect("run");
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stdout(&o).is_empty(), "{args:?}: nothing on stdout");
        assert!(stderr(&o).contains(msg), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn process_check_lists_the_steps_of_a_runnable_definition_and_render_draws_it() {
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/crates/powers/processes/licensing.bpmn"
    );
    let o = run(&["process", "check", file]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(first_line(&o), "有效");
    let out = stdout(&o);
    assert!(out.contains("流程：行政许可办理流程（licensing）"), "{out}");
    assert!(
        out.contains("窗口受理审查材料　岗位：行政许可窗口岗"),
        "{out}"
    );
    assert!(out.contains("集体决策"), "{out}");
    let o = run(&["process", "render", file, "--current", "accept"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = stdout(&o);
    assert!(
        svg.starts_with("<svg") && svg.contains("role=\"img\"") && svg.contains("当前"),
        "{}",
        &svg[..200.min(svg.len())]
    );
}

#[test]
fn process_check_refuses_a_definition_the_engine_cannot_run_with_exit_2_naming_the_element() {
    let dir = temp("process-bad");
    let bad = dir.join("bad.bpmn");
    std::fs::write(
        &bad,
        r#"<?xml version="1.0"?><definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="p" name="坏流程"><startEvent id="s"/><exclusiveGateway id="x" default="f5"/><userTask id="a" name="甲" xmlns:yg="http://yangguang.gov.cn/bpmn" yg:candidateRole="staff"/><parallelGateway id="join"/><endEvent id="e"/><sequenceFlow id="f1" sourceRef="s" targetRef="x"/><sequenceFlow id="f5" sourceRef="x" targetRef="a"/><sequenceFlow id="f6" sourceRef="x" targetRef="join"/><sequenceFlow id="f2" sourceRef="a" targetRef="join"/><sequenceFlow id="f3" sourceRef="join" targetRef="e"/></process></definitions>"#,
    )
    .expect("write");
    let o = run(&["process", "check", bad.to_str().expect("path")]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(err.contains("join"), "the deadlocking join is named: {err}");
    let o = run(&["process", "render", bad.to_str().expect("path")]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["process", "check", "/nonexistent/x.bpmn"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("无法读取流程定义文件"));
}
