//! The power list over HTTP on SQLite and PostgreSQL: the office imports
//! process definitions and the list from .xlsx (all or nothing, a report
//! a row), the public reads the list, an item's 办事指南 with its
//! flowchart and adjustment record, and downloads the list as .xlsx.

use axum::http::StatusCode;
use yangguang_kernel::org::Role;
use yangguang_kernel::testing::kernels;
use yangguang_powers::model::{Basis, Category, Content, DaysKind, Limit, Tier};
use yangguang_powers::{seed, sheet, xlsx};
use yangguang_web::testing::{Browser, form_action, signed_in, state_for};

async fn count(k: &yangguang_kernel::Kernel, sql: &'static str) -> i64 {
    yangguang_kernel::db::query_scalar(k.db.backend(), sql)
        .fetch_one(k.db.pool())
        .await
        .expect("count")
}

fn licence(name: &str) -> Content {
    Content {
        name: name.into(),
        category: Category::Licensing,
        basis: vec![Basis {
            law: "危险化学品安全管理条例".into(),
            article: "第三十三条".into(),
            clause: String::new(),
            text: "国家对危险化学品经营（包括仓储经营）实行许可制度。未经许可，任何单位和个人不得经营危险化学品。".into(),
        }],
        penalty: String::new(),
        unit: "危险化学品安全监督管理处".into(),
        post: "行政许可窗口岗".into(),
        conditions: "有符合国家标准、行业标准的经营场所".into(),
        materials: vec!["经营许可证申请书".into(), "营业执照".into()],
        statutory: Some(Limit { days: 20, kind: DaysKind::Working }),
        promised: Some(Limit { days: 15, kind: DaysKind::Working }),
        fees: "不收费".into(),
        tier: Some(Tier::Ordinary),
        process: "licensing".into(),
        channel: "监督投诉电话：0512-12345".into(),
    }
}

fn penalty() -> Content {
    Content {
        name: "对生产经营单位未按照规定设置安全生产管理机构的处罚".into(),
        category: Category::Penalty,
        basis: vec![Basis {
            law: "中华人民共和国安全生产法".into(),
            article: "第九十七条".into(),
            clause: "（一）".into(),
            text: "未按照规定设置安全生产管理机构或者配备安全生产管理人员、注册安全工程师的".into(),
        }],
        penalty: "责令限期改正，处十万元以下的罚款".into(),
        unit: "监察支队".into(),
        post: "行政执法监察岗".into(),
        conditions: String::new(),
        materials: vec![],
        statutory: Some(Limit {
            days: 90,
            kind: DaysKind::Calendar,
        }),
        promised: None,
        fees: String::new(),
        tier: None,
        process: "penalty".into(),
        channel: String::new(),
    }
}

/// A sheet as an agency keeps it: the header, then these rows.
fn sheet_of(rows: &[Vec<String>]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in sheet::COLUMNS.iter().enumerate() {
        ws.write_string(0, c as u16, *h).expect("head");
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, v).expect("cell");
        }
    }
    wb.save_to_buffer().expect("xlsx")
}

async fn upload(
    b: &mut Browser,
    marker: &str,
    name: &str,
    bytes: &[u8],
) -> yangguang_web::testing::Page {
    let page = b.get("/staff/qlqd").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let action = form_action(&page.body, marker).expect("form");
    b.post_multipart(&action, &[("note", "测试导入")], (name, bytes))
        .await
}

#[tokio::test]
async fn the_office_imports_processes_and_the_list_and_the_public_reads_the_guide_and_flowchart() {
    for (be, k) in kernels("powers_list", &yangguang_web::migrations())
        .await
        .expect("kernels")
    {
        let st = state_for(k).await;
        let k = &st.kernel;
        let mut office = signed_in(&st, "office1", Role::Office).await;

        // A definition the engine cannot run is refused, naming the element.
        let bad = r#"<?xml version="1.0"?><definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="bad" name="坏流程"><startEvent id="s"/><scriptTask id="calc" name="计算"/><endEvent id="e"/><sequenceFlow id="a" sourceRef="s" targetRef="calc"/><sequenceFlow id="b" sourceRef="calc" targetRef="e"/></process></definitions>"#;
        let p = upload(
            &mut office,
            "/staff/qlqd/processes",
            "bad.bpmn",
            bad.as_bytes(),
        )
        .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{be}: {}", p.body);
        assert!(
            p.body.contains("calc"),
            "{be}: the refusal names the element"
        );
        assert_eq!(
            count(k, "SELECT COUNT(*) FROM power_processes").await,
            0,
            "{be}"
        );

        for (file, xml) in seed::PROCESSES {
            let p = upload(&mut office, "/staff/qlqd/processes", file, xml.as_bytes()).await;
            assert_eq!(p.status, StatusCode::OK, "{be} {file}: {}", p.body);
            assert!(p.body.contains("已导入为第1版"), "{be} {file}");
        }
        // The same file again adds no version.
        let p = upload(
            &mut office,
            "/staff/qlqd/processes",
            "licensing.bpmn",
            seed::PROCESSES[0].1.as_bytes(),
        )
        .await;
        assert!(p.body.contains("未新增版本"), "{be}");

        // A file that is not a spreadsheet, a sheet without the header.
        let p = upload(
            &mut office,
            "/staff/qlqd/import",
            "清单.xls",
            b"not a workbook",
        )
        .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{be}");
        assert!(p.body.contains("文件不是有效的 .xlsx 表格"), "{be}");
        let mut wb = rust_xlsxwriter::Workbook::new();
        wb.add_worksheet().write_string(0, 0, "编码").expect("cell");
        let p = upload(
            &mut office,
            "/staff/qlqd/import",
            "清单.xlsx",
            &wb.save_to_buffer().expect("xlsx"),
        )
        .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{be}");
        assert!(
            p.body
                .contains("表头缺少必填列：事项名称、类别、实施依据、实施主体"),
            "{be}: {}",
            p.body
        );

        // One bad row: nothing is written, the report names the row and why.
        let mut bad_row = sheet::to_row("XK-002", &licence("烟花爆竹经营（批发）许可"), "");
        bad_row[9] = "20".into();
        let rows = vec![
            sheet::to_row("XK-001", &licence("危险化学品经营许可证核发"), ""),
            bad_row,
        ];
        let p = upload(
            &mut office,
            "/staff/qlqd/import",
            "清单.xlsx",
            &sheet_of(&rows),
        )
        .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{be}: {}", p.body);
        assert!(p.body.contains("整张表格未导入"), "{be}");
        assert!(
            p.body.contains("拒绝：法定时限“20”未写明单位"),
            "{be}: {}",
            p.body
        );
        assert_eq!(
            count(k, "SELECT COUNT(*) FROM power_items").await,
            0,
            "{be}"
        );

        let rows = vec![
            sheet::to_row("XK-001", &licence("危险化学品经营许可证核发"), ""),
            sheet::to_row("CF-001", &penalty(), ""),
        ];
        let p = upload(
            &mut office,
            "/staff/qlqd/import",
            "清单.xlsx",
            &sheet_of(&rows),
        )
        .await;
        assert_eq!(p.status, StatusCode::OK, "{be}: {}", p.body);
        assert!(p.body.contains("导入完成"), "{be}");

        let mut public = Browser::new(&st);
        let list = public.get("/qlqd/").await;
        assert_eq!(list.status, StatusCode::OK, "{be}");
        assert!(list.body.contains("共 2 项"), "{be}: {}", list.body);
        assert!(
            list.body.contains("行政许可（1）") && list.body.contains("行政处罚（1）"),
            "{be}"
        );
        let only = public.get("/qlqd/?category=penalty").await;
        assert!(
            only.body.contains("共 1 项") && !only.body.contains("危险化学品经营许可证核发"),
            "{be}"
        );
        let found = public
            .get("/qlqd/?q=%E7%BB%8F%E8%90%A5%E8%AE%B8%E5%8F%AF")
            .await;
        assert!(
            found.body.contains("危险化学品经营许可证核发") && found.body.contains("共 1 项"),
            "{be}"
        );
        let bad = public.get("/qlqd/?category=%E5%AE%A1%E6%89%B9").await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{be}");
        assert!(bad.body.contains("类别“审批”不存在"), "{be}");

        let item = public.get("/qlqd/XK-001").await;
        assert_eq!(item.status, StatusCode::OK, "{be}: {}", item.body);
        for text in [
            "办事指南",
            "《危险化学品安全管理条例》第三十三条",
            "经营许可证申请书",
            "20个工作日",
            "15个工作日",
            "一般事项（窗口办理）",
            "<svg",
            "role=\"img\"",
            "办理步骤（流程图的文字说明）",
            "行政许可窗口岗",
            "首次公布",
        ] {
            assert!(item.body.contains(text), "{be}: the item page shows {text}");
        }
        let svg = public.get("/qlqd/XK-001/flow.svg").await;
        assert_eq!(svg.status, StatusCode::OK, "{be}");
        assert!(
            svg.body.starts_with("<svg") || svg.body.starts_with("<?xml"),
            "{be}"
        );
        let missing = public.get("/qlqd/XK-999").await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND, "{be}");
        assert!(missing.body.contains("没有编码为“XK-999”的事项"), "{be}");

        // An adjustment keeps the old version and says why.
        let mut changed = sheet::to_row(
            "XK-001",
            &licence("危险化学品经营许可证核发（含仓储经营）"),
            "依据条例修订调整名称",
        );
        changed[15] = "依据条例修订调整名称".into();
        let p = upload(
            &mut office,
            "/staff/qlqd/import",
            "调整.xlsx",
            &sheet_of(&[changed]),
        )
        .await;
        assert_eq!(p.status, StatusCode::OK, "{be}: {}", p.body);
        assert!(p.body.contains("调整（第2版）"), "{be}");
        let item = public.get("/qlqd/XK-001").await;
        assert!(
            item.body.contains("第2版")
                && item.body.contains("依据条例修订调整名称")
                && item.body.contains("第1版"),
            "{be}"
        );
        assert_eq!(
            count(k, "SELECT COUNT(*) FROM power_item_versions").await,
            3,
            "{be}"
        );
        // The list shows the new name (its copy reloads the changed item).
        let list = public.get("/qlqd/").await.body;
        assert!(
            list.contains("危险化学品经营许可证核发（含仓储经营）") && list.contains("共 2 项"),
            "{be}: {list}"
        );

        // The export imports back: same rows, nothing changes.
        let x = public.get("/qlqd/qlqd.xlsx").await;
        assert_eq!(x.status, StatusCode::OK, "{be}");
        assert!(x.body.starts_with("PK"), "{be}: an .xlsx (zip) file");
        let bytes = xlsx::write(
            &yangguang_powers::store::all(k).await.expect("all"),
            "权力清单",
        )
        .expect("xlsx");
        let back = xlsx::read(&bytes).expect("read");
        assert_eq!(back.len(), 2, "{be}");
        assert!(back.iter().all(|(_, r)| r.is_ok()), "{be}: {back:?}");

        // 第六十三条's 较大数额: the province's figures with their document;
        // bad input is refused with nothing saved, a change is audited.
        let settings = "SELECT COUNT(*) FROM settings WHERE key = 'powers.larger_amounts'";
        let p = office
            .post(
                "/staff/qlqd/larger-amounts",
                &[
                    ("individual", "5000"),
                    ("organisation", "三万"),
                    ("basis", "省政府规定"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{be}");
        assert!(
            p.body
                .contains("对法人或者其他组织的较大数额应为整数（元）"),
            "{be}"
        );
        let p = office
            .post(
                "/staff/qlqd/larger-amounts",
                &[
                    ("individual", "5000"),
                    ("organisation", "50000"),
                    ("basis", " "),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{be}");
        assert!(p.body.contains("请写明规定较大数额的文件"), "{be}");
        assert_eq!(count(k, settings).await, 0, "{be}: nothing saved");
        let page = office.get("/staff/qlqd").await;
        assert!(
            page.body
                .contains("对公民10000元以上，对法人或者其他组织30000元以上"),
            "{be}: the fallback until the office enters the province's figures"
        );
        let p = office
            .post(
                "/staff/qlqd/larger-amounts",
                &[
                    ("individual", "5,000"),
                    ("organisation", "50000"),
                    ("basis", "省人民政府关于行政处罚较大数额标准的规定"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::OK, "{be}: {}", p.body);
        assert!(p.body.contains("较大数额标准已保存"), "{be}");
        assert!(
            p.body.contains("对公民5000元以上，对法人或者其他组织50000元以上（省人民政府关于行政处罚较大数额标准的规定）"),
            "{be}"
        );
        assert_eq!(
            count(
                k,
                "SELECT COUNT(*) FROM audit_log WHERE event_type = 'powers.larger_amounts'"
            )
            .await,
            1,
            "{be}"
        );

        // Abolishing keeps the item and its versions; the list leaves it out.
        let p = office
            .post(
                "/staff/qlqd/abolish",
                &[("code", "CF-001"), ("reason", " ")],
            )
            .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{be}");
        assert!(p.body.contains("取消事项须写明理由"), "{be}");
        let p = office
            .post(
                "/staff/qlqd/abolish",
                &[("code", "CF-001"), ("reason", "所依据条款已修订")],
            )
            .await;
        assert_eq!(p.status, StatusCode::OK, "{be}: {}", p.body);
        assert!(public.get("/qlqd/").await.body.contains("共 1 项"), "{be}");
        let gone = public.get("/qlqd/CF-001").await;
        assert_eq!(gone.status, StatusCode::OK, "{be}");
        assert!(gone.body.contains("（已取消）"), "{be}");
        let p = office
            .post(
                "/staff/qlqd/abolish",
                &[("code", "CF-001"), ("reason", "再次取消")],
            )
            .await;
        assert_eq!(p.status, StatusCode::NOT_FOUND, "{be}");

        // The public may not open the office's page.
        let denied = public.get("/staff/qlqd").await;
        assert_ne!(denied.status, StatusCode::OK, "{be}");
    }
}
