//! The office's catalog settings through HTTP: the category tree grows and
//! is renamed (never deleted), the 索引号 pattern applies to new numbers
//! only, and bad input is refused with nothing written.

use axum::http::StatusCode;
use time::macros::date;
use yangguang_disclosure::draft::Draft;
use yangguang_disclosure::model::{Attribute, Validity};
use yangguang_disclosure::{store, text};
use yangguang_kernel::audit::Actor;
use yangguang_kernel::org::Role;
use yangguang_kernel::testing::kernels;
use yangguang_kernel::timefmt;
use yangguang_web::testing::{signed_in, state_for};

fn draft(category: &str) -> Draft {
    Draft {
        title: "测试信息".into(),
        summary: "概述".into(),
        category_code: category.into(),
        genre: "通知".into(),
        publisher: "苏州市安全生产监督管理局".into(),
        written_on: date!(2026 - 03 - 02),
        doc_no: String::new(),
        keywords: String::new(),
        validity: Validity::Valid,
        attribute: Attribute::Proactive,
        ground: None,
        body_html: text::paragraphs("正文"),
        interprets_id: None,
    }
}

#[tokio::test]
async fn office_adds_and_renames_categories_and_sets_the_index_pattern() {
    for (be, k) in kernels("disc_settings", &yangguang_web::migrations())
        .await
        .expect("kernels")
    {
        let st = state_for(k).await;
        let mut office = signed_in(&st, "office1", Role::Office).await;
        let p = office.get("/staff/disclosure/settings").await;
        assert_eq!(p.status, StatusCode::OK, "{be}");
        assert!(
            p.body.contains("AJJ/2026-00001")
                || p.body.contains(&format!(
                    "AJJ/{}-00001",
                    timefmt::today_cst(timefmt::now()).year()
                )),
            "{be}: example index number"
        );

        let p = office
            .post(
                "/staff/disclosure/settings/categories",
                &[
                    ("code", "aqsc_yhpc"),
                    ("name", "隐患排查"),
                    ("parent", "aqsc"),
                    ("sort", "63"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{be}: {}", p.body);
        let cats = store::categories(&st.kernel).await.expect("cats");
        assert!(
            cats.iter()
                .any(|c| c.code == "aqsc_yhpc" && c.parent.as_deref() == Some("aqsc")),
            "{be}"
        );
        // A third level, a duplicate, a bad code: refused, nothing written.
        for (code, parent, msg) in [
            ("x_deep", "aqsc_yhpc", "最多两级"),
            ("aqsc_yhpc", "aqsc", "已存在"),
            ("坏代码", "", "分类代码应为"),
        ] {
            let p = office
                .post(
                    "/staff/disclosure/settings/categories",
                    &[("code", code), ("name", "测试"), ("parent", parent)],
                )
                .await;
            assert!(p.status.is_client_error(), "{be}: {code}");
            assert!(p.body.contains(msg), "{be}: {code}: {}", p.body);
        }
        assert_eq!(
            store::categories(&st.kernel).await.expect("cats").len(),
            cats.len(),
            "{be}"
        );
        let p = office
            .post(
                "/staff/disclosure/settings/categories/aqsc_yhpc",
                &[("name", "隐患排查治理"), ("sort", "")],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{be}");
        assert!(
            store::categories(&st.kernel)
                .await
                .expect("cats")
                .iter()
                .any(|c| c.name == "隐患排查治理"),
            "{be}"
        );

        // The pattern: refused without {year}; applies to the next number only.
        let first = store::create(
            &st.kernel,
            &Actor::user("office1"),
            timefmt::now(),
            None,
            &draft("zcwj"),
        )
        .await
        .expect("create");
        let p = office
            .post(
                "/staff/disclosure/settings/index-pattern",
                &[("pattern", "{agency}-{seq}")],
            )
            .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{be}");
        assert!(p.body.contains("{year}"), "{be}");
        let p = office
            .post(
                "/staff/disclosure/settings/index-pattern",
                &[("pattern", "{agency}〔{year}〕{seq:04}")],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{be}");
        let second = store::create(
            &st.kernel,
            &Actor::user("office1"),
            timefmt::now(),
            None,
            &draft("aqsc_yhpc"),
        )
        .await
        .expect("create");
        let y = timefmt::today_cst(timefmt::now()).year();
        assert_eq!(
            store::item(&st.kernel, first).await.expect("item").index_no,
            format!("AJJ/{y}-00001"),
            "{be}"
        );
        assert_eq!(
            store::item(&st.kernel, second)
                .await
                .expect("item")
                .index_no,
            format!("AJJ〔{y}〕0002"),
            "{be}"
        );

        // Staff may not change settings.
        let mut staff = signed_in(&st, "staff1", Role::Staff).await;
        assert_eq!(
            staff.get("/staff/disclosure/settings").await.status,
            StatusCode::FORBIDDEN,
            "{be}"
        );
    }
}
