//! Kernel storage on SQLite and PostgreSQL: audit chain, org, calendar
//! import with clock recomputation, numbering, outbox, files, backup.

use time::OffsetDateTime;
use time::macros::{date, datetime};
use yangguang_kernel::audit::{self, Actor, Event, Outcome};
use yangguang_kernel::clock::{ClockInput, Pause};
use yangguang_kernel::db::{query, query_scalar};
use yangguang_kernel::org::{Acting, Role};
use yangguang_kernel::org_store::{self, NewAgency, NewUser};
use yangguang_kernel::testing::kernels;
use yangguang_kernel::{Error, Kernel, backup, calendar_store, clocks, files, numbering, outbox};

const NOW: OffsetDateTime = datetime!(2026-11-26 09:00 UTC);

async fn agency(k: &Kernel) {
    org_store::add_agency(
        k,
        &Actor::cli(),
        NOW,
        NewAgency {
            code: "AJJ".into(),
            name: "苏州市安全生产监督管理局".into(),
            short_name: "苏州市安监局".into(),
            doc_prefix: "苏安监".into(),
            address: String::new(),
            phone: String::new(),
        },
    )
    .await
    .expect("agency");
}

fn user(name: &str, role: Role) -> NewUser {
    NewUser {
        username: name.into(),
        display_name: format!("用户{name}"),
        agency_code: Some("AJJ".into()),
        division_code: None,
        title: String::new(),
        password: "Abcdefgh-123".into(),
        roles: vec![role],
    }
}

fn post<'a>(name: &'a str, a: &'a str, b: Option<&'a str>) -> org_store::NewPost<'a> {
    org_store::NewPost {
        agency_code: "AJJ",
        division_code: None,
        name,
        a_username: a,
        b_username: b,
    }
}

async fn count(k: &Kernel, table: &'static str) -> i64 {
    let sql: &'static str = match table {
        "users" => "SELECT COUNT(*) FROM users",
        "audit_log" => "SELECT COUNT(*) FROM audit_log",
        "agencies" => "SELECT COUNT(*) FROM agencies",
        _ => unreachable!(),
    };
    query_scalar::<i64>(k.db.backend(), sql)
        .fetch_one(k.db.pool())
        .await
        .expect("count")
}

async fn log_events(k: &Kernel, n: usize) {
    for i in 0..n {
        audit::record(
            &k.db,
            &k.keys,
            NOW,
            Event {
                actor: &Actor::user("liuyang"),
                event_type: "test.event",
                object: &format!("obj:{i}"),
                outcome: Outcome::Success,
                detail: serde_json::json!({ "i": i }),
            },
        )
        .await
        .expect("record");
    }
}

async fn verify(k: &Kernel) -> Result<i64, audit::Broken> {
    audit::verify(&k.db, &k.keys).await.expect("verify runs")
}

#[tokio::test]
async fn only_committed_audited_transactions_count_as_this_processs_writes() {
    for (be, k) in kernels("audit_commits", &[]).await.expect("kernels") {
        let before = k.db.audited_commits();
        log_events(&k, 3).await;
        assert_eq!(k.db.audited_commits(), before + 3, "{be}: three commits");
        // A clone of the handle (as every part of the application holds)
        // sees the same count.
        assert_eq!(k.clone().db.audited_commits(), before + 3, "{be}");
        // Rolled back: no write happened.
        let mut tx = k.db.begin().await.expect("begin");
        audit::success(
            &mut tx,
            &k.keys,
            NOW,
            &Actor::user("liuyang"),
            "test.event",
            "obj:rolled-back",
            serde_json::json!({}),
        )
        .await
        .expect("append");
        drop(tx);
        // Committed without an audit entry: nothing for the page cache.
        k.db.begin()
            .await
            .expect("begin")
            .commit()
            .await
            .expect("commit");
        assert_eq!(k.db.audited_commits(), before + 3, "{be}: unchanged");
    }
}

#[tokio::test]
async fn audit_chain_intact_counts_every_entry() {
    for (be, k) in kernels("audit_ok", &[]).await.expect("kernels") {
        log_events(&k, 5).await;
        assert_eq!(verify(&k).await, Ok(5), "{be}");
        let head = audit::read_head(&k.keys.head_path)
            .expect("head")
            .expect("written");
        assert_eq!(head.0, 5, "{be}: head file written after commit");
    }
}

#[tokio::test]
async fn audit_chain_detects_an_edited_entry() {
    for (be, k) in kernels("audit_edit", &[]).await.expect("kernels") {
        log_events(&k, 5).await;
        query(
            k.db.backend(),
            "UPDATE audit_log SET detail = '{\"i\":99}' WHERE seq = 3",
        )
        .execute(k.db.pool())
        .await
        .expect("tamper");
        let b = verify(&k).await.expect_err(be);
        assert_eq!(b.seq, 3, "{be}");
        assert!(b.reason.contains("校验码不符"), "{be}: {}", b.reason);
    }
}

#[tokio::test]
async fn audit_chain_detects_a_deleted_entry() {
    for (be, k) in kernels("audit_delete", &[]).await.expect("kernels") {
        log_events(&k, 5).await;
        query(k.db.backend(), "DELETE FROM audit_log WHERE seq = 2")
            .execute(k.db.pool())
            .await
            .expect("tamper");
        let b = verify(&k).await.expect_err(be);
        assert_eq!(b.seq, 2, "{be}");
        assert!(b.reason.contains("被删除"), "{be}: {}", b.reason);
    }
}

#[tokio::test]
async fn audit_chain_detects_an_inserted_entry() {
    for (be, k) in kernels("audit_insert", &[]).await.expect("kernels") {
        log_events(&k, 3).await;
        // A forger appends a row and moves the in-database head, but
        // cannot compute the MAC without the key.
        query(
            k.db.backend(),
            "INSERT INTO audit_log (seq, at, actor, acting_for, event_type, object, outcome, detail, mac) \
             VALUES (4, '2026-11-26T09:00:00Z', 'mallory', NULL, 'org.user.create', 'user:x', 'success', '{}', 'abcd')",
        )
        .execute(k.db.pool())
        .await
        .expect("tamper");
        query(
            k.db.backend(),
            "UPDATE audit_head SET seq = 4, mac = 'abcd' WHERE id = 1",
        )
        .execute(k.db.pool())
        .await
        .expect("tamper head");
        let b = verify(&k).await.expect_err(be);
        assert_eq!(b.seq, 4, "{be}");
    }
}

#[tokio::test]
async fn audit_chain_detects_truncation_through_the_head_outside_the_database() {
    for (be, k) in kernels("audit_trunc", &[]).await.expect("kernels") {
        log_events(&k, 5).await;
        let mac4: String = query_scalar(k.db.backend(), "SELECT mac FROM audit_log WHERE seq = 3")
            .fetch_one(k.db.pool())
            .await
            .expect("mac");
        // Remove the last two entries and make the in-database head agree:
        // only the head file outside the database can tell.
        query(k.db.backend(), "DELETE FROM audit_log WHERE seq > 3")
            .execute(k.db.pool())
            .await
            .expect("tamper");
        query(
            k.db.backend(),
            "UPDATE audit_head SET seq = 3, mac = ? WHERE id = 1",
        )
        .bind(mac4)
        .execute(k.db.pool())
        .await
        .expect("tamper head");
        let b = verify(&k).await.expect_err(be);
        assert_eq!(b.seq, 4, "{be}");
        assert!(b.reason.contains("截断"), "{be}: {}", b.reason);
    }
}

#[tokio::test]
async fn org_refuses_duplicates_and_unknown_agencies_and_writes_nothing() {
    for (be, k) in kernels("org_bad", &[]).await.expect("kernels") {
        agency(&k).await;
        org_store::add_user(&k, &Actor::cli(), NOW, user("liuyang", Role::Staff))
            .await
            .expect("first user");
        let users = count(&k, "users").await;
        let audits = count(&k, "audit_log").await;

        let dup = org_store::add_user(&k, &Actor::cli(), NOW, user("liuyang", Role::Staff)).await;
        assert!(
            matches!(&dup, Err(Error::Conflict(m)) if m == "用户名“liuyang”已存在"),
            "{be}: {dup:?}"
        );

        let mut unknown = user("zhaomin", Role::Staff);
        unknown.agency_code = Some("NOPE".into());
        let e = org_store::add_user(&k, &Actor::cli(), NOW, unknown).await;
        assert!(
            matches!(&e, Err(Error::NotFound(m)) if m == "机关代码“NOPE”不存在"),
            "{be}: {e:?}"
        );

        let mut long = user("zhaomin", Role::Staff);
        long.display_name = "赵".repeat(41);
        let e = org_store::add_user(&k, &Actor::cli(), NOW, long).await;
        assert!(
            matches!(
                &e,
                Err(Error::Invalid {
                    code: "field_too_long",
                    ..
                })
            ),
            "{be}: {e:?}"
        );

        let mut two_admins = user("admin2", Role::SystemAdmin);
        two_admins.roles.push(Role::AuditAdmin);
        let e = org_store::add_user(&k, &Actor::cli(), NOW, two_admins).await;
        assert!(
            matches!(
                &e,
                Err(Error::Invalid {
                    code: "role_conflict",
                    ..
                })
            ),
            "{be}: {e:?}"
        );

        let dup_agency = org_store::add_agency(
            &k,
            &Actor::cli(),
            NOW,
            NewAgency {
                code: "AJJ".into(),
                name: "重复".into(),
                short_name: "重复".into(),
                doc_prefix: "重".into(),
                address: String::new(),
                phone: String::new(),
            },
        )
        .await;
        assert!(matches!(dup_agency, Err(Error::Conflict(_))), "{be}");

        assert_eq!(count(&k, "users").await, users, "{be}: no user written");
        assert_eq!(count(&k, "agencies").await, 1, "{be}");
        assert_eq!(
            count(&k, "audit_log").await,
            audits,
            "{be}: no audit entry for refused input"
        );
        assert_eq!(verify(&k).await, Ok(audits), "{be}");
    }
}

#[tokio::test]
async fn ab_post_backup_acts_for_primary_on_leave_and_unbacked_posts_are_listed() {
    for (be, k) in kernels("org_ab", &[]).await.expect("kernels") {
        agency(&k).await;
        for u in ["liuyang", "zhaomin", "xugang"] {
            org_store::add_user(&k, &Actor::cli(), NOW, user(u, Role::Staff))
                .await
                .expect("user");
        }
        let p1 = org_store::add_post(
            &k,
            &Actor::cli(),
            NOW,
            post("信息发布岗", "liuyang", Some("zhaomin")),
        )
        .await
        .expect("post");
        org_store::add_post(&k, &Actor::cli(), NOW, post("许可窗口岗", "xugang", None))
            .await
            .expect("post");
        org_store::add_leave(
            &k,
            &Actor::cli(),
            NOW,
            "liuyang",
            "2026-11-25",
            "2026-11-27",
            "年休假",
        )
        .await
        .expect("leave");
        let (acting, actor) = org_store::acting_for_post(&k, p1, date!(2026 - 11 - 26))
            .await
            .expect("acting");
        assert!(matches!(acting, Acting::Backup { .. }), "{be}");
        assert_eq!(
            actor,
            Some(Actor {
                user: "zhaomin".into(),
                acting_for: Some("liuyang".into())
            }),
            "{be}: B acts for A"
        );
        let (acting, _) = org_store::acting_for_post(&k, p1, date!(2026 - 11 - 28))
            .await
            .expect("acting");
        assert!(
            matches!(acting, Acting::Primary { .. }),
            "{be}: A is back after leave"
        );
        let missing = org_store::posts_without_backup(&k, date!(2026 - 11 - 26))
            .await
            .expect("list");
        assert_eq!(missing.len(), 1, "{be}");
        assert_eq!(missing[0].post.name, "许可窗口岗", "{be}");
        let e = org_store::add_leave(
            &k,
            &Actor::cli(),
            NOW,
            "liuyang",
            "2026-11-27",
            "2026-11-25",
            "x",
        )
        .await;
        assert!(
            matches!(e, Err(Error::Invalid { .. })),
            "{be}: leave ending before it starts"
        );
    }
}

const CAL_2027: &str = "date,kind,festival\n2027-01-01,holiday,元旦\n2027-01-02,holiday,元旦\n2027-01-03,holiday,元旦\n";

#[tokio::test]
async fn calendar_import_recomputes_provisional_due_dates() {
    for (be, k) in kernels("cal_import", &[]).await.expect("kernels") {
        let input = ClockInput {
            received: date!(2026 - 12 - 25),
            base: 20,
            pauses: vec![],
            extension: 0,
            restart: None,
        };
        let mut tx = k.db.begin().await.expect("tx");
        let before = clocks::save(
            &mut tx,
            &k.calendar(),
            "requests",
            "YSQ-2026-000001",
            &input,
        )
        .await
        .expect("save");
        tx.commit().await.expect("commit");
        assert!(before.provisional, "{be}: 2027 not announced yet");
        assert_eq!(before.due, date!(2027 - 01 - 22), "{be}");

        let r = calendar_store::import_csv(&k, &Actor::cli(), NOW, "test.csv", CAL_2027)
            .await
            .expect("import");
        assert_eq!(r.years, vec![2027], "{be}");
        assert_eq!(r.clocks_recomputed, 1, "{be}");
        let after = clocks::get(&k.db, "requests", "YSQ-2026-000001")
            .await
            .expect("get")
            .expect("stored");
        assert!(!after.provisional, "{be}");
        // 2027-01-01 (Fri) is now a holiday: one working day later.
        assert_eq!(after.due, date!(2027 - 01 - 25), "{be}");
        assert!(k.calendar().has_arrangement(2027), "{be}");
    }
}

#[tokio::test]
async fn calendar_import_refuses_a_bad_file_and_writes_nothing() {
    for (be, k) in kernels("cal_bad", &[]).await.expect("kernels") {
        let e = calendar_store::import_csv(
            &k,
            &Actor::cli(),
            NOW,
            "bad.csv",
            "date,kind,festival\n2027-02-30,holiday,春节\n",
        )
        .await;
        let msg = e.expect_err(be).to_string();
        assert!(msg.contains("2027-02-30"), "{be}: {msg}");
        assert!(!k.calendar().has_arrangement(2027), "{be}");
        assert_eq!(count(&k, "audit_log").await, 0, "{be}");
    }
}

#[tokio::test]
async fn imported_calendar_survives_a_restart() {
    for (be, k) in kernels("cal_reload", &[]).await.expect("kernels") {
        calendar_store::import_csv(&k, &Actor::cli(), NOW, "t.csv", CAL_2027)
            .await
            .expect("import");
        let reloaded = calendar_store::load(&k.db).await.expect("load");
        assert!(reloaded.has_arrangement(2027), "{be}");
        assert!(!reloaded.is_working_day(date!(2027 - 01 - 01)), "{be}");
    }
}

#[tokio::test]
async fn local_day_off_moves_open_due_dates() {
    for (be, k) in kernels("cal_local", &[]).await.expect("kernels") {
        agency(&k).await;
        let input = ClockInput {
            received: date!(2026 - 11 - 02),
            base: 5,
            pauses: vec![Pause {
                from: date!(2026 - 11 - 03),
                to: Some(date!(2026 - 11 - 04)),
            }],
            extension: 0,
            restart: None,
        };
        let mut tx = k.db.begin().await.expect("tx");
        let d = clocks::save(&mut tx, &k.calendar(), "requests", "A1", &input)
            .await
            .expect("save");
        tx.commit().await.expect("commit");
        assert_eq!(
            d.due,
            date!(2026 - 11 - 10),
            "{be}: 5 + 1 paused working day"
        );
        let n = calendar_store::add_local_day_off(
            &k,
            &Actor::cli(),
            NOW,
            "AJJ",
            "2026-11-09",
            "地方节日",
        )
        .await
        .expect("day off");
        assert_eq!(n, 1, "{be}");
        let c = clocks::get(&k.db, "requests", "A1")
            .await
            .expect("get")
            .expect("stored");
        assert_eq!(c.due, date!(2026 - 11 - 11), "{be}");
        let overdue = clocks::overdue(&k.db, date!(2026 - 11 - 12))
            .await
            .expect("overdue");
        assert_eq!(overdue.len(), 1, "{be}");
        assert!(
            clocks::overdue(&k.db, date!(2026 - 11 - 11))
                .await
                .expect("overdue")
                .is_empty(),
            "{be}: not overdue on the due date"
        );
    }
}

#[tokio::test]
async fn yearly_sequences_count_from_one_per_scope_and_year() {
    for (be, k) in kernels("numbering", &[]).await.expect("kernels") {
        let mut tx = k.db.begin().await.expect("tx");
        let a = numbering::next(&mut tx, "ysq", 2026).await.expect("n");
        let b = numbering::next(&mut tx, "ysq", 2026).await.expect("n");
        let c = numbering::next(&mut tx, "ysq", 2027).await.expect("n");
        let d = numbering::next(&mut tx, "minutes", 2026).await.expect("n");
        tx.commit().await.expect("commit");
        assert_eq!((a, b, c, d), (1, 2, 1, 1), "{be}");
        // A rolled-back transaction does not consume a number.
        let mut tx = k.db.begin().await.expect("tx");
        numbering::next(&mut tx, "ysq", 2026).await.expect("n");
        drop(tx);
        let mut tx = k.db.begin().await.expect("tx");
        assert_eq!(
            numbering::next(&mut tx, "ysq", 2026).await.expect("n"),
            3,
            "{be}"
        );
        tx.commit().await.expect("commit");
    }
}

#[tokio::test]
async fn outbox_consumers_follow_with_their_own_cursor() {
    for (be, k) in kernels("outbox", &[]).await.expect("kernels") {
        let mut tx = k.db.begin().await.expect("tx");
        for i in 0..3 {
            outbox::publish(
                &mut tx,
                NOW,
                "disclosure.published",
                &format!("item:{i}"),
                &serde_json::json!({ "i": i }),
            )
            .await
            .expect("publish");
        }
        tx.commit().await.expect("commit");
        let p = outbox::pending(&k.db, "search@node1", 10)
            .await
            .expect("pending");
        assert_eq!(p.len(), 3, "{be}");
        outbox::ack(&k.db, "search@node1", p[1].id, NOW)
            .await
            .expect("ack");
        let rest = outbox::pending(&k.db, "search@node1", 10)
            .await
            .expect("pending");
        assert_eq!(
            rest.iter().map(|e| e.object.as_str()).collect::<Vec<_>>(),
            vec!["item:2"],
            "{be}"
        );
        assert_eq!(
            outbox::pending(&k.db, "search@node2", 10)
                .await
                .expect("pending")
                .len(),
            3,
            "{be}: other node's cursor is its own"
        );
    }
}

#[tokio::test]
async fn files_are_content_addressed_and_checked_on_read() {
    for (be, k) in kernels("files", &[]).await.expect("kernels") {
        let mut tx = k.db.begin().await.expect("tx");
        let h = files::put(
            &mut tx,
            &k.data_dir,
            NOW,
            "附件内容".as_bytes(),
            "text/plain",
        )
        .await
        .expect("put");
        let h2 = files::put(
            &mut tx,
            &k.data_dir,
            NOW,
            "附件内容".as_bytes(),
            "text/plain",
        )
        .await
        .expect("put");
        tx.commit().await.expect("commit");
        assert_eq!(h, h2, "{be}");
        assert_eq!(
            files::get(&k.data_dir, &h).expect("get"),
            "附件内容".as_bytes(),
            "{be}"
        );
        assert!(
            matches!(
                files::get(&k.data_dir, "../etc/passwd"),
                Err(Error::NotFound(_))
            ),
            "{be}"
        );
    }
}

#[tokio::test]
async fn backup_and_restore_round_trip_keeps_data_files_and_a_valid_audit_chain() {
    for (be, k) in kernels("backup", &[]).await.expect("kernels") {
        agency(&k).await;
        org_store::add_user(&k, &Actor::cli(), NOW, user("liuyang", Role::Staff))
            .await
            .expect("user");
        let mut tx = k.db.begin().await.expect("tx");
        let h = files::put(
            &mut tx,
            &k.data_dir,
            NOW,
            b"%PDF-1.4 demo",
            "application/pdf",
        )
        .await
        .expect("put");
        tx.commit().await.expect("commit");
        let audits = count(&k, "audit_log").await;
        let file = k.data_dir.join("snapshot.tar");
        let s = backup::backup(&k, &file).await.expect("backup");
        assert_eq!(s.files, 1, "{be}");

        // Restore into a new SQLite kernel with the same keys.
        for (tbe, target) in kernels("restore", &[]).await.expect("kernels") {
            let r = backup::restore(&target, &file).await.expect("restore");
            assert_eq!(r.rows, s.rows, "{be}->{tbe}");
            assert_eq!(count(&target, "users").await, 1, "{be}->{tbe}");
            assert_eq!(verify(&target).await, Ok(audits), "{be}->{tbe}");
            assert_eq!(
                files::get(&target.data_dir, &h).expect("file"),
                b"%PDF-1.4 demo",
                "{be}->{tbe}"
            );
            // New rows get fresh ids after restore.
            org_store::add_user(&target, &Actor::cli(), NOW, user("zhaomin", Role::Staff))
                .await
                .expect("insert after restore");
            // Restoring twice is refused: the target is no longer empty.
            assert!(
                matches!(
                    backup::restore(&target, &file).await,
                    Err(Error::Conflict(_))
                ),
                "{be}->{tbe}"
            );
        }
    }
}

#[tokio::test]
async fn migrations_apply_once() {
    for (be, k) in kernels("migrate", &[]).await.expect("kernels") {
        let again = yangguang_kernel::migrate::run(&k.db, &[yangguang_kernel::migrate::KERNEL])
            .await
            .expect("rerun");
        assert!(again.is_empty(), "{be}");
    }
}

#[tokio::test]
async fn in_thread_reads_see_committed_writes_and_keep_value_kinds() {
    use yangguang_kernel::read::{self, Val};
    for (be, k) in kernels("read_rows", &[]).await.expect("kernels") {
        let sql = "SELECT code, name, CAST(NULL AS TEXT), CAST(LENGTH(code) AS BIGINT) \
                   FROM agencies WHERE code = ?";
        let code = [Val::Text("AJJ".into())];
        assert!(
            read::rows(&k.db, sql, &code)
                .await
                .expect("before")
                .is_empty(),
            "{be}"
        );
        agency(&k).await;
        // The page reader's own connection sees the pool's commit at once.
        let rows = read::rows(&k.db, sql, &code).await.expect("after");
        assert_eq!(
            rows,
            vec![vec![
                Val::Text("AJJ".into()),
                Val::Text("苏州市安全生产监督管理局".into()),
                Val::Null,
                Val::Int(3),
            ]],
            "{be}"
        );
    }
}
