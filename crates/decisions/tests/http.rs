//! The decision pages through HTTP, on SQLite and PostgreSQL: who may read
//! materials (notified attendees, until the meeting closes), votes that
//! cannot be cast twice, by non-members, by recused members or after the
//! topic is closed, minutes that cannot be issued without approval or
//! changed after issue, the vote table shown only to the roles allowed —
//! each refusal with a Chinese message and nothing written.

use axum::http::StatusCode;
use yangguang_kernel::Kernel;
use yangguang_kernel::db::query_scalar;
use yangguang_kernel::org::Role;
use yangguang_kernel::testing::kernels;
use yangguang_kernel::timefmt::{self, fmt_date, today_cst};
use yangguang_web::AppState;
use yangguang_web::testing::{Browser, Page, form_action, signed_in, state_for};

async fn states(tag: &str) -> Vec<(&'static str, AppState)> {
    let mut out = Vec::new();
    for (be, k) in kernels(tag, &yangguang_web::migrations())
        .await
        .expect("kernels")
    {
        out.push((be, state_for(k).await));
    }
    out
}

async fn count(k: &Kernel, sql: &'static str) -> i64 {
    query_scalar::<i64>(k.db.backend(), sql)
        .fetch_one(k.db.pool())
        .await
        .expect("count")
}

async fn writes(k: &Kernel) -> Vec<i64> {
    let mut out = Vec::new();
    for sql in [
        "SELECT COUNT(*) FROM decision_topics",
        "SELECT COUNT(*) FROM decision_meetings",
        "SELECT COUNT(*) FROM decision_votes",
        "SELECT COUNT(*) FROM decision_minutes WHERE status = 'draft'",
        "SELECT COUNT(*) FROM decision_comments",
        "SELECT COUNT(*) FROM audit_log",
    ] {
        out.push(count(k, sql).await);
    }
    out
}

fn id_from(p: &Page) -> String {
    let loc = p.location.clone().expect("location");
    loc.rsplit('/').next().expect("id").to_string()
}

fn ok(p: &Page, what: &str) {
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{what}: {}", p.body);
}

struct People {
    office: Browser,
    zhang: Browser,
    li: Browser,
    wang: Browser,
    author: Browser,
    outsider: Browser,
}

async fn people(st: &AppState) -> People {
    People {
        office: signed_in(st, "office1", Role::Office).await,
        zhang: signed_in(st, "zhang", Role::PrincipalLeader).await,
        li: signed_in(st, "lideputy", Role::DeputyLeader).await,
        wang: signed_in(st, "wangdeputy", Role::DeputyLeader).await,
        author: signed_in(st, "author", Role::Staff).await,
        outsider: signed_in(st, "outsider", Role::Staff).await,
    }
}

#[tokio::test]
async fn meeting_pages_enforce_membership_single_votes_and_minutes_approval() {
    for (be, st) in states("dec-http").await {
        let k = st.kernel.clone();
        let mut p = people(&st).await;
        let r = p
            .office
            .post(
                "/staff/decisions/rules",
                &[
                    ("meeting_type", "party"),
                    ("chair", "zhang"),
                    ("members", "zhang lideputy wangdeputy"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{be}: {}", r.body);
        assert!(r.body.contains("已保存"));

        // The author files a topic; bad input is refused and writes nothing.
        let before = writes(&k).await;
        let r = p
            .author
            .post(
                "/staff/decisions/topics/new",
                &[("kind", "finance"), ("title", "采购执法车辆")],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{be}");
        assert!(r.body.contains("须填写金额"), "{}", r.body);
        assert_eq!(writes(&k).await, before);
        let r = p
            .author
            .post(
                "/staff/decisions/topics/new",
                &[
                    ("kind", "finance"),
                    ("title", "采购执法车辆"),
                    ("lead_unit", "装备财务科"),
                    ("deputy", "lideputy"),
                    ("amount", "380000"),
                    ("m_topic", "关于采购执法车辆的议题"),
                    ("m_background", "现有执法车辆车龄超过十年"),
                    ("m_research", "比较了三种车型"),
                    ("m_proposal", "建议采购两辆"),
                ],
            )
            .await;
        ok(&r, "create topic");
        let tid = id_from(&r);
        let topic_url = format!("/staff/decisions/topics/{tid}");
        let step = format!("{topic_url}/step");
        let page = p.author.get(&topic_url).await;
        assert!(page.body.contains("10 万元以上"), "{}", page.body);
        // Materials go up through the page's own upload form: multipart,
        // with the CSRF token in the form's action as a browser sends it.
        let upload = form_action(&page.body, "multipart/form-data").expect("upload form");
        let attachment = [("purpose", "attachment"), ("done_on", "")];
        let before = writes(&k).await;
        let r = p
            .author
            .post_multipart(&upload, &attachment, ("", b""))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{be}: no file");
        assert!(r.body.contains("请选择要上传的文件"), "{be}: {}", r.body);
        assert_eq!(writes(&k).await, before, "{be}: nothing written");
        let report = "三种车型比选".as_bytes();
        let r = p
            .outsider
            .post_multipart(&upload, &attachment, ("车辆比选报告.txt", report))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{be}: not the author");
        ok(
            &p.author
                .post_multipart(&upload, &attachment, ("车辆比选报告.txt", report))
                .await,
            "upload",
        );
        let page = p.author.get(&topic_url).await;
        assert!(page.body.contains("车辆比选报告.txt"), "{be}: listed");
        let hash = {
            let id: i64 = tid.parse().expect("topic id");
            yangguang_decisions::topic::attachments(&k, id)
                .await
                .expect("list")[0]
                .file_hash
                .clone()
        };
        let file_url = format!("{topic_url}/files/{hash}");
        let file = p.author.get(&file_url).await;
        assert_eq!(file.status, StatusCode::OK, "{be}");
        assert_eq!(file.body, "三种车型比选", "{be}: the bytes uploaded");
        assert_eq!(
            p.wang.get(&file_url).await.status,
            StatusCode::FORBIDDEN,
            "{be}: not yet notified"
        );
        for c in ["public", "expert", "legal"] {
            ok(
                &p.author
                    .post(
                        &step,
                        &[("action", "not_needed"), ("check", c), ("reason", "不涉及")],
                    )
                    .await,
                c,
            );
        }
        ok(
            &p.author.post(&step, &[("action", "submit")]).await,
            "submit",
        );
        // The deputy in charge finds it on the staff workbench.
        let r = p.li.get("/staff/").await;
        assert!(
            r.body.contains("三重一大：审核提交单") && r.body.contains("采购执法车辆"),
            "{be}: {}",
            r.body
        );
        // Only the deputy in charge approves.
        let r = p.wang.post(&step, &[("action", "approve")]).await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "{be}: wang is not a reader of this topic"
        );
        ok(&p.li.post(&step, &[("action", "approve")]).await, "approve");
        ok(
            &p.office.post(&step, &[("action", "record")]).await,
            "record",
        );
        ok(
            &p.zhang
                .post(&step, &[("action", "pre_decide"), ("decision", "meeting")])
                .await,
            "pre",
        );

        // A meeting today: the notice is late and needs a special reason.
        let today = fmt_date(today_cst(timefmt::now()));
        let r = p
            .office
            .post(
                "/staff/decisions/meetings/new",
                &[
                    ("meeting_type", "party"),
                    ("title", "党组会议"),
                    ("on", &today),
                    ("place", "三楼会议室"),
                    ("topic", &tid),
                ],
            )
            .await;
        ok(&r, "schedule");
        let mid = id_from(&r);
        let murl = format!("/staff/decisions/meetings/{mid}");
        let mstep = format!("{murl}/step");
        let before = writes(&k).await;
        let attendees_before = count(&k, "SELECT COUNT(*) FROM decision_attendees").await;
        let r = p.office.post(&mstep, &[("action", "notice")]).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{be}");
        assert!(
            r.body.contains("会议通知应至少提前 1 个工作日发出"),
            "{}",
            r.body
        );
        assert!(r.body.contains("未作任何更改"));
        assert_eq!(writes(&k).await, before);
        assert_eq!(
            count(&k, "SELECT COUNT(*) FROM decision_attendees").await,
            attendees_before
        );
        ok(
            &p.office
                .post(
                    &mstep,
                    &[("action", "notice"), ("special_reason", "上级紧急部署")],
                )
                .await,
            "notice",
        );

        // Materials: an attendee reads them, a non-attendee cannot.
        let r = p.wang.get(&murl).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(
            r.body.contains("现有执法车辆车龄超过十年"),
            "{be}: attendee sees materials"
        );
        let r = p.outsider.get(&murl).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{be}");
        let r = p.outsider.get(&topic_url).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(!r.body.contains("现有执法车辆车龄超过十年"));
        let r = p.wang.get(&topic_url).await;
        assert_eq!(
            r.status,
            StatusCode::OK,
            "{be}: attendee reads the topic while the meeting is open"
        );
        let r = p.wang.get(&file_url).await;
        assert_eq!(
            r.status,
            StatusCode::OK,
            "{be}: attendee downloads the attachment"
        );
        assert_eq!(r.body, "三种车型比选");
        assert_eq!(
            p.outsider.get(&file_url).await.status,
            StatusCode::FORBIDDEN
        );

        ok(
            &p.office
                .post(
                    &mstep,
                    &[
                        ("action", "open"),
                        ("att_zhang", "present"),
                        ("att_lideputy", "present"),
                        ("att_wangdeputy", "present"),
                    ],
                )
                .await,
            "open",
        );

        // Votes: once each, members only, not when recused.
        ok(
            &p.wang
                .post(
                    &mstep,
                    &[("action", "vote"), ("topic", &tid), ("vote", "for")],
                )
                .await,
            "vote",
        );
        let before = writes(&k).await;
        let r = p
            .wang
            .post(
                &mstep,
                &[("action", "vote"), ("topic", &tid), ("vote", "against")],
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{be}");
        assert!(r.body.contains("每人只能表决一次"), "{}", r.body);
        let r = p
            .office
            .post(
                &mstep,
                &[
                    ("action", "vote"),
                    ("topic", &tid),
                    ("user", "outsider"),
                    ("vote", "for"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.body.contains("不是本次会议的成员"), "{}", r.body);
        let r = p
            .outsider
            .post(
                &mstep,
                &[("action", "vote"), ("topic", &tid), ("vote", "for")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(writes(&k).await, before);
        ok(
            &p.office
                .post(
                    &mstep,
                    &[
                        ("action", "recuse"),
                        ("topic", &tid),
                        ("user", "lideputy"),
                        ("reason", "分管本项目采购"),
                    ],
                )
                .await,
            "recuse",
        );
        let before = writes(&k).await;
        let r =
            p.li.post(
                &mstep,
                &[("action", "vote"), ("topic", &tid), ("vote", "for")],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.body.contains("已回避"), "{}", r.body);
        assert_eq!(writes(&k).await, before);
        ok(
            &p.zhang
                .post(
                    &mstep,
                    &[("action", "vote"), ("topic", &tid), ("vote", "for")],
                )
                .await,
            "vote zhang",
        );
        ok(
            &p.zhang
                .post(
                    &mstep,
                    &[("action", "decide"), ("topic", &tid), ("method", "vote")],
                )
                .await,
            "decide",
        );
        let before = writes(&k).await;
        let r =
            p.li.post(
                &mstep,
                &[("action", "vote"), ("topic", &tid), ("vote", "against")],
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(r.body.contains("不能再更改"), "{}", r.body);
        assert_eq!(writes(&k).await, before);

        // Closing the meeting takes the materials back.
        ok(
            &p.office.post(&mstep, &[("action", "close")]).await,
            "close",
        );
        let r = p.wang.get(&murl).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(
            !r.body.contains("现有执法车辆车龄超过十年"),
            "{be}: materials gone after close"
        );
        let r = p.wang.get(&topic_url).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{be}");
        assert_eq!(
            p.wang.get(&file_url).await.status,
            StatusCode::FORBIDDEN,
            "{be}: no download after close"
        );
        // The archive readers keep them.
        assert_eq!(p.zhang.get(&file_url).await.status, StatusCode::OK);

        // Minutes: not issued without the principal's approval, not changed after issue.
        ok(
            &p.office
                .post(
                    &mstep,
                    &[
                        ("action", "minutes_save"),
                        ("body", "会议研究了采购执法车辆事项。"),
                    ],
                )
                .await,
            "draft",
        );
        let before = writes(&k).await;
        let r = p.office.post(&mstep, &[("action", "minutes_issue")]).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.body.contains("未经主要负责人审定"), "{}", r.body);
        let r = p
            .office
            .post(&mstep, &[("action", "minutes_approve")])
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(writes(&k).await, before);
        ok(
            &p.zhang.post(&mstep, &[("action", "minutes_approve")]).await,
            "approve minutes",
        );
        ok(
            &p.office.post(&mstep, &[("action", "minutes_issue")]).await,
            "issue",
        );
        let r = p
            .office
            .post(&mstep, &[("action", "minutes_save"), ("body", "改")])
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(r.body.contains("不能再修改"), "{}", r.body);
        let year = &today[..4];
        let murl_min = format!("{murl}/minutes");
        let r = p.office.get(&murl_min).await;
        assert!(
            r.body.contains(&format!("〔{year}〕第1期")),
            "{be}: {}",
            r.body
        );
        assert!(r.body.contains("表决情况"), "office sees the vote table");
        // Publicity: every staff member reads and comments; no vote table for them.
        let r = p.outsider.get(&murl_min).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(
            !r.body.contains("表决情况"),
            "{be}: staff do not see the vote table"
        );
        ok(
            &p.outsider
                .post(
                    &mstep,
                    &[("action", "comment"), ("body", "建议选择新能源车型。")],
                )
                .await,
            "comment",
        );
        let r = p.office.get(&murl).await;
        assert!(r.body.contains("建议选择新能源车型。"));
        let r = p.office.get(&format!("{murl}/minutes.docx")).await;
        assert_eq!(r.status, StatusCode::OK);
        let r = p.outsider.get(&format!("{murl_min}?print=1")).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(
            r.body.contains(&format!("〔{year}〕第1期")) && !r.body.contains("class=\"mainnav\""),
            "{be}: print view"
        );

        // The agency narrows who sees the vote table: the office no longer does.
        let r = p
            .office
            .post(
                "/staff/decisions/rules",
                &[
                    ("action", "vote_roles"),
                    ("meeting_type", "party"),
                    ("vote_role", "principal_leader"),
                    ("vote_role", "supervisor"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{be}: {}", r.body);
        assert!(
            r.body.contains("主要领导、监察人员") || r.body.contains("已保存"),
            "{}",
            r.body
        );
        assert!(
            !p.office.get(&murl_min).await.body.contains("表决情况"),
            "{be}"
        );
        assert!(
            p.zhang.get(&murl_min).await.body.contains("表决情况"),
            "{be}"
        );
        let r = p
            .office
            .post(
                "/staff/decisions/rules",
                &[
                    ("action", "vote_roles"),
                    ("meeting_type", "party"),
                    ("vote_role", "system_admin"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.body.contains("不能查看表决情况"), "{}", r.body);

        // Follow-up of the adopted decision, through the topic page's forms:
        // the office names the unit and deadline, the author reports.
        let page = p.office.get(&topic_url).await;
        assert!(
            page.body.contains("尚未确定落实责任"),
            "{be}: {}",
            page.body
        );
        let deadline = fmt_date(today_cst(timefmt::now()) + time::Duration::days(30));
        let before = writes(&k).await;
        for (unit, on, message) in [
            ("", deadline.as_str(), "请填写责任单位"),
            ("装备财务科", "2020-01-01", "落实期限不能早于今天"),
        ] {
            let r = p
                .office
                .post(
                    &step,
                    &[("action", "follow_up"), ("unit", unit), ("deadline", on)],
                )
                .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{be}: {message}");
            assert!(r.body.contains(message), "{be}: {}", r.body);
        }
        assert_eq!(writes(&k).await, before, "{be}: nothing written");
        ok(
            &p.office
                .post(
                    &step,
                    &[
                        ("action", "follow_up"),
                        ("unit", "装备财务科"),
                        ("deadline", &deadline),
                    ],
                )
                .await,
            "follow-up",
        );
        let page = p.author.get(&topic_url).await;
        assert!(
            page.body.contains(&format!(
                "责任单位：装备财务科；落实期限：{deadline}；落实中"
            )),
            "{be}: {}",
            page.body
        );
        let fid = page
            .body
            .split("name=\"followup\" value=\"")
            .nth(1)
            .and_then(|v| v.split('"').next())
            .expect("progress form")
            .to_string();
        let r = p
            .outsider
            .post(
                &step,
                &[("action", "progress"), ("followup", &fid), ("note", "x")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{be}: not the unit");
        ok(
            &p.author
                .post(
                    &step,
                    &[
                        ("action", "progress"),
                        ("followup", &fid),
                        ("note", "已完成车辆招标。"),
                        ("done", "1"),
                    ],
                )
                .await,
            "progress",
        );
        let today = fmt_date(today_cst(timefmt::now()));
        let page = p.author.get(&topic_url).await;
        assert!(
            page.body.contains(&format!("已于 {today} 落实")) && !page.body.contains("报告进展"),
            "{be}: done, no more reports"
        );
        let r = p.zhang.get("/staff/decisions/followups").await;
        assert!(
            r.body.contains("装备财务科") && r.body.contains("已完成车辆招标。"),
            "{be}: the overseers' list"
        );
    }
}

#[tokio::test]
async fn pages_of_unknown_records_are_not_found_and_followups_are_for_overseers() {
    for (be, st) in states("dec-http-404").await {
        let mut p = people(&st).await;
        for url in [
            "/staff/decisions/topics/999999",
            "/staff/decisions/meetings/abc",
        ] {
            let r = p.office.get(url).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{be} {url}");
        }
        assert_eq!(
            p.outsider.get("/staff/decisions/followups").await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            p.zhang.get("/staff/decisions/followups").await.status,
            StatusCode::OK
        );
        let r = p.author.get("/staff/decisions").await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("提交新议题"));
    }
}
