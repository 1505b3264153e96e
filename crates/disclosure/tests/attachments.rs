//! Attachments through HTTP, on SQLite and (when YANGGUANG_TEST_POSTGRES
//! names a server) PostgreSQL: checked by content and size, refused with a
//! clear Chinese message and nothing written, text extracted for the
//! index, and served to the public only as listed by the current published
//! version of an item.

use std::io::Write;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use time::macros::date;
use tower::ServiceExt;
use yangguang_disclosure::attach::{self, Kind};
use yangguang_disclosure::draft::Draft;
use yangguang_disclosure::model::{Action, Attribute, SECRECY_CHECKS, Validity};
use yangguang_disclosure::routes::files;
use yangguang_disclosure::store;
use yangguang_kernel::audit::{self, Actor};
use yangguang_kernel::db::query_scalar;
use yangguang_kernel::org::Role;
use yangguang_kernel::testing::kernels;
use yangguang_kernel::{Kernel, timefmt};
use yangguang_web::AppState;
use yangguang_web::testing::{Browser, Page, signed_in, state_for};

// ---- real files, made here ------------------------------------------------------

/// A PDF with one page of text: an ASCII line in Helvetica and a Chinese
/// line in a Type0 font whose ToUnicode map gives 安全生产.
fn pdf() -> Vec<u8> {
    let content = "BT /F1 12 Tf 72 720 Td (Yangguang attachment text) Tj ET\n\
                   BT /F2 12 Tf 72 700 Td <0001000200030004> Tj ET\n";
    let cmap = "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
                /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
                /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
                1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n\
                4 beginbfchar\n<0001> <5B89>\n<0002> <5168>\n<0003> <751F>\n<0004> <4EA7>\nendbfchar\n\
                endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] \
         /Resources << /Font << /F1 4 0 R /F2 6 0 R >> >> /Contents 5 0 R >>"
            .to_string(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
        format!(
            "<< /Length {} >>\nstream\n{content}endstream",
            content.len()
        ),
        "<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H \
         /DescendantFonts [7 0 R] /ToUnicode 8 0 R >>"
            .to_string(),
        "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun \
         /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>"
            .to_string(),
        format!("<< /Length {} >>\nstream\n{cmap}endstream", cmap.len()),
    ];
    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn zip_of(parts: &[(&str, &str)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in parts {
        w.start_file(*name, opts).expect("zip entry");
        w.write_all(text.as_bytes()).expect("zip write");
    }
    w.finish().expect("zip").into_inner()
}

const DOCX_TEXT: &str = "关于开展安全生产大检查的通知";

/// A DOCX: the parts Word needs to call it one, with Chinese paragraphs.
fn docx() -> Vec<u8> {
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
<w:p><w:r><w:t>{DOCX_TEXT}</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">各区县应急管理局 &amp; 有关单位：</w:t></w:r></w:p>
</w:body></w:document>"#
    );
    zip_of(&[
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#,
        ),
        ("word/document.xml", &document),
    ])
}

fn xlsx() -> Vec<u8> {
    zip_of(&[
        ("[Content_Types].xml", "<Types/>"),
        ("xl/workbook.xml", "<workbook/>"),
        (
            "xl/sharedStrings.xml",
            "<sst><si><t>2024年部门预算</t></si><si><r><t>一般公共</t></r><r><t>预算支出</t></r></si></sst>",
        ),
    ])
}

fn png() -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0".to_vec();
    b.extend_from_slice(&[0x1f, 0x15, 0xc4, 0x89]);
    b
}

const EXE: &[u8] =
    b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0This program cannot be run in DOS mode.";
const HTML: &[u8] = b"<!doctype html><html><script>alert(1)</script></html>";

// ---- HTTP -------------------------------------------------------------------------

/// Uploads like the item page's form does: multipart, CSRF token in the
/// query (or none at all).
async fn upload(b: &mut Browser, item: i64, filename: &str, bytes: &[u8], csrf: bool) -> Page {
    let uri = if csrf {
        let token = b.csrf().await;
        format!("/staff/disclosure/{item}/attachments?_csrf={token}")
    } else {
        format!("/staff/disclosure/{item}/attachments")
    };
    b.post_multipart(&uri, &[], (filename, bytes)).await
}

/// A GET whose headers and raw bytes the test reads.
async fn download(st: &AppState, uri: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
    let req = Request::get(uri).body(Body::empty()).expect("request");
    let resp = yangguang_web::app(st.clone())
        .oneshot(req)
        .await
        .expect("response");
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp.into_body().collect().await.expect("body").to_bytes();
    (status, headers, body.to_vec())
}

// ---- the store ----------------------------------------------------------------------

fn draft(title: &str) -> Draft {
    Draft {
        title: title.to_string(),
        summary: "附件测试".into(),
        category_code: "gzdt".into(),
        genre: "通知".into(),
        publisher: "苏州市安全生产监督管理局".into(),
        written_on: date!(2024 - 05 - 06),
        doc_no: String::new(),
        keywords: String::new(),
        validity: Validity::Valid,
        attribute: Attribute::Proactive,
        ground: None,
        body_html: "<p>正文。</p>".into(),
        interprets_id: None,
    }
}

async fn publish(k: &Kernel, id: i64, note: Option<&str>) {
    let a = Actor::user("pipeline");
    let now = timefmt::now();
    for action in [
        Action::Submit,
        Action::Approve,
        Action::Clear {
            confirmed: SECRECY_CHECKS.iter().map(|(c, _)| c.to_string()).collect(),
        },
        Action::Publish {
            change_note: note.map(str::to_string),
        },
    ] {
        store::act(k, &a, now, id, &action, None)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", action.label()));
    }
}

async fn attachment_ids(k: &Kernel, item: i64) -> Vec<i64> {
    query_scalar::<i64>(
        k.db.backend(),
        "SELECT id FROM disclosure_attachments WHERE item_id = ? ORDER BY id",
    )
    .bind(item)
    .fetch_all(k.db.pool())
    .await
    .expect("ids")
}

async fn count(k: &Kernel, sql: &'static str) -> i64 {
    query_scalar::<i64>(k.db.backend(), sql)
        .fetch_one(k.db.pool())
        .await
        .expect("count")
}

async fn text_of(k: &Kernel, aid: i64) -> String {
    query_scalar::<String>(
        k.db.backend(),
        "SELECT text_content FROM disclosure_attachments WHERE id = ?",
    )
    .bind(aid)
    .fetch_one(k.db.pool())
    .await
    .expect("text")
}

// ---- the tests ----------------------------------------------------------------------

#[test]
fn real_files_are_recognised_and_their_text_read() {
    assert_eq!(attach::detect(&pdf()).unwrap(), Some(Kind::Pdf));
    assert_eq!(attach::detect(&docx()).unwrap(), Some(Kind::Docx));
    assert_eq!(attach::detect(&xlsx()).unwrap(), Some(Kind::Xlsx));
    assert_eq!(attach::detect(&png()).unwrap(), Some(Kind::Png));
    let t = attach::extract_text(Kind::Pdf, &pdf());
    assert!(t.contains("Yangguang attachment text"), "{t:?}");
    assert!(t.contains("安全生产"), "{t:?}");
    assert_eq!(
        attach::extract_text(Kind::Docx, &docx()),
        format!("{DOCX_TEXT}\n各区县应急管理局 & 有关单位：")
    );
    assert_eq!(
        attach::extract_text(Kind::Xlsx, &xlsx()),
        "2024年部门预算\n一般公共预算支出"
    );
    // A plain ZIP is not an attachment kind; a macro-carrying one is refused.
    assert_eq!(attach::detect(&zip_of(&[("a.txt", "x")])).unwrap(), None);
    let docm = zip_of(&[
        ("[Content_Types].xml", "<Types/>"),
        ("word/document.xml", "<w:document/>"),
        ("word/vbaProject.bin", "macro"),
    ]);
    let e = attach::check("通知.docx", &docm).unwrap_err();
    assert!(e.to_string().contains("含有宏"), "{e}");
}

#[tokio::test]
async fn attachments_are_checked_stored_and_published_with_their_version() {
    for (backend, k) in kernels("attachments", &yangguang_web::migrations())
        .await
        .expect("kernels")
    {
        run(backend, k).await;
    }
}

async fn run(backend: &str, k: Kernel) {
    let st = state_for(k.clone()).await;
    let mut author = signed_in(&st, "zhang_att", Role::Staff).await;
    let now = timefmt::now();
    let id = store::create(
        &k,
        &Actor::user("zhang_att"),
        now,
        None,
        &draft("附件测试通知"),
    )
    .await
    .expect("create");
    let it = store::item(&k, id).await.expect("item");

    // A DOCX: stored, its Chinese text extracted, audited, one redirect.
    let p = upload(
        &mut author,
        id,
        "关于开展安全生产大检查的通知.docx",
        &docx(),
        true,
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{backend}: {}", p.body);
    assert_eq!(
        p.location.as_deref(),
        Some(format!("/staff/disclosure/{id}").as_str())
    );
    let ids = attachment_ids(&k, id).await;
    assert_eq!(ids.len(), 1, "{backend}");
    let a_docx = ids[0];
    assert!(text_of(&k, a_docx).await.contains(DOCX_TEXT), "{backend}");
    let entries = audit::for_object(&k.db, &format!("disclosure:{}", it.index_no))
        .await
        .expect("audit");
    let added = entries
        .iter()
        .find(|e| e.event_type == "disclosure.attachment.add")
        .expect("audited");
    assert_eq!(added.actor, "zhang_att");
    assert!(added.detail.contains("关于开展安全生产大检查的通知.docx"));

    // A PDF (text read) and a PNG (no text, still listed).
    let p = upload(&mut author, id, "检查表.pdf", &pdf(), true).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{backend}: {}", p.body);
    let p = upload(&mut author, id, "现场照片.PNG", &png(), true).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{backend}: {}", p.body);
    let ids = attachment_ids(&k, id).await;
    assert_eq!(ids.len(), 3);
    let (a_pdf, a_png) = (ids[1], ids[2]);
    assert!(text_of(&k, a_pdf).await.contains("安全生产"), "{backend}");
    assert_eq!(text_of(&k, a_png).await, "");

    // Refusals: a clear message, and nothing written.
    let mut other = signed_in(&st, "li_att", Role::Staff).await;
    let files_before = count(&k, "SELECT COUNT(*) FROM files").await;
    let audit_before = count(&k, "SELECT COUNT(*) FROM audit_log").await;
    let p = upload(&mut author, id, "伪装.docx", &pdf(), true).await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST, "{backend}");
    assert!(
        p.body
            .contains("文件内容与扩展名不符（内容为 PDF，扩展名为 .docx）"),
        "{}",
        p.body
    );
    assert!(p.body.contains("请上传真实的 PDF、DOCX、XLSX 或图片文件"));
    let p = upload(&mut author, id, "setup.pdf", EXE, true).await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST, "{backend}");
    assert!(p.body.contains("文件内容与扩展名不符"), "{}", p.body);
    let p = upload(&mut author, id, "page.pdf", HTML, true).await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST, "{backend}");
    assert!(p.body.contains("内容却不是 PDF 文件"), "{}", p.body);
    let p = upload(&mut author, id, "tool.exe", EXE, true).await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST);
    assert!(
        p.body
            .contains("不支持的附件类型：只接受 PDF、DOCX、XLSX、PNG、JPG、GIF")
    );
    let p = upload(&mut author, id, "空.pdf", b"", true).await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST);
    assert!(p.body.contains("空文件"));
    let mut big = pdf();
    big.resize(attach::MAX_BYTES + 1, b' ');
    let p = upload(&mut author, id, "大文件.pdf", &big, true).await;
    assert_eq!(p.status, StatusCode::PAYLOAD_TOO_LARGE, "{backend}");
    assert!(
        p.body.contains("附件过大：最大 20 MB，本文件 20.1 MB"),
        "{}",
        p.body
    );
    let p = upload(&mut author, id, "again.docx", &docx(), true).await;
    assert_eq!(p.status, StatusCode::CONFLICT);
    assert!(p.body.contains("已作为附件"), "{}", p.body);
    let p = upload(&mut author, id, "", b"", true).await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST);
    assert!(p.body.contains("请选择要上传的附件文件"), "{}", p.body);
    let p = author
        .post(
            &format!("/staff/disclosure/{id}/attachments"),
            &[("file", "x.pdf")],
        )
        .await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST, "not a multipart form");
    assert!(p.body.contains("无法读取上传的文件"), "{}", p.body);
    // No CSRF token: refused before anything is read.
    let p = upload(&mut author, id, "无令牌.pdf", &pdf(), false).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN, "{backend}");
    // Someone else's draft.
    let p = upload(&mut other, id, "他人.pdf", &pdf(), true).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN, "{}", p.body);
    assert!(p.body.contains("只有起草人或办公室"));
    assert_eq!(attachment_ids(&k, id).await.len(), 3, "{backend}");
    assert_eq!(count(&k, "SELECT COUNT(*) FROM files").await, files_before);
    // Nothing written but the security record of the refused CSRF check.
    assert_eq!(
        count(&k, "SELECT COUNT(*) FROM audit_log").await,
        audit_before + 1
    );
    assert_eq!(
        count(&k, "SELECT COUNT(*) FROM audit_log WHERE event_type = 'csrf.refused' AND outcome = 'refused'").await,
        1
    );

    // The panel the staff item page shows.
    let panel = files::panel(&k, &it, "tok", true).await.expect("panel");
    assert_eq!(panel.rows.len(), 3);
    assert_eq!(panel.rows[1].kind, "PDF");
    assert!(panel.rows[1].has_text && !panel.rows[2].has_text);
    let html = panel.html();
    assert!(html.contains("关于开展安全生产大检查的通知.docx"));
    assert!(html.contains(&format!(
        "/staff/disclosure/{id}/attachments/{a_png}/remove"
    )));
    assert!(html.contains(&format!("/staff/disclosure/{id}/attachments?_csrf=tok")));
    assert!(html.contains("enctype=\"multipart/form-data\""));
    // The author may open a draft's attachment; the public may not.
    let p = author
        .get(&format!("/staff/disclosure/{id}/attachments/{a_pdf}"))
        .await;
    assert_eq!(p.status, StatusCode::OK);
    let (s, _, _) = download(&st, &format!("/xxgk/file/{a_docx}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{backend}: a draft's attachment");

    // Published: the public downloads each attachment of the version.
    publish(&k, id, None).await;
    let (s, h, body) = download(&st, &format!("/xxgk/file/{a_docx}")).await;
    assert_eq!(s, StatusCode::OK, "{backend}");
    assert_eq!(body, docx());
    assert_eq!(
        h[header::CONTENT_TYPE],
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    let cd = h[header::CONTENT_DISPOSITION].to_str().expect("ascii");
    assert!(cd.starts_with("attachment;"), "{cd}");
    assert!(
        cd.contains("filename*=UTF-8''%E5%85%B3%E4%BA%8E%E5%BC%80%E5%B1%95"),
        "{cd}"
    );
    assert!(cd.ends_with(".docx"), "{cd}");
    let (s, h, _) = download(&st, &format!("/xxgk/file/{a_pdf}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h[header::CONTENT_TYPE], "application/pdf");
    // Unknown and malformed ids: the same 404.
    let (s, _, missing) = download(&st, "/xxgk/file/999999").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _, bad) = download(&st, "/xxgk/file/abc").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let msg = "您要下载的附件不存在或已不再公开";
    assert!(String::from_utf8_lossy(&missing).contains(msg));
    assert!(String::from_utf8_lossy(&bad).contains(msg));

    // Published: attachments may not change until a new version is begun.
    let p = upload(&mut author, id, "晚到.pdf", &pdf(), true).await;
    assert_eq!(p.status, StatusCode::CONFLICT, "{backend}");
    assert!(
        p.body.contains("只有采编中的信息可以修改附件"),
        "{}",
        p.body
    );
    let p = author
        .post(
            &format!("/staff/disclosure/{id}/attachments/{a_png}/remove"),
            &[],
        )
        .await;
    assert_eq!(p.status, StatusCode::CONFLICT);

    // A revision: remove the PNG, add an XLSX. The public still gets the
    // published version's files — the PNG yes, the XLSX not yet.
    store::act(
        &k,
        &Actor::user("zhang_att"),
        timefmt::now(),
        id,
        &Action::Revise,
        None,
    )
    .await
    .expect("revise");
    let p = author
        .post(
            &format!("/staff/disclosure/{id}/attachments/{a_png}/remove"),
            &[],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{backend}: {}", p.body);
    let removed_at: Option<String> = query_scalar(
        k.db.backend(),
        "SELECT removed_at FROM disclosure_attachments WHERE id = ?",
    )
    .bind(a_png)
    .fetch_one(k.db.pool())
    .await
    .expect("row kept");
    assert!(removed_at.is_some());
    let p = upload(&mut author, id, "2024年部门预算.xlsx", &xlsx(), true).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{backend}: {}", p.body);
    let a_xlsx = *attachment_ids(&k, id).await.last().expect("xlsx");
    assert!(text_of(&k, a_xlsx).await.contains("一般公共预算支出"));
    let (s, _, _) = download(&st, &format!("/xxgk/file/{a_png}")).await;
    assert_eq!(
        s,
        StatusCode::OK,
        "{backend}: still in the published version"
    );
    let (s, _, _) = download(&st, &format!("/xxgk/file/{a_xlsx}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{backend}: not yet published");
    let panel = files::panel(&k, &store::item(&k, id).await.expect("item"), "t", true)
        .await
        .expect("panel");
    assert_eq!(panel.rows.len(), 3, "the removed PNG is no longer listed");

    // Version 2 published: the XLSX is public, the removed PNG is not.
    publish(&k, id, Some("增加预算表，删除现场照片")).await;
    let (s, h, _) = download(&st, &format!("/xxgk/file/{a_xlsx}")).await;
    assert_eq!(s, StatusCode::OK, "{backend}");
    assert_eq!(
        h[header::CONTENT_TYPE],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let (s, _, _) = download(&st, &format!("/xxgk/file/{a_png}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{backend}: removed in version 2");

    // Withdrawn: nothing is served.
    store::act(
        &k,
        &Actor::user("office"),
        timefmt::now(),
        id,
        &Action::Withdraw {
            reason: "文件已被新文件替代".into(),
        },
        None,
    )
    .await
    .expect("withdraw");
    for aid in [a_docx, a_pdf, a_xlsx] {
        let (s, _, _) = download(&st, &format!("/xxgk/file/{aid}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{backend}: withdrawn");
    }

    // A PDF whose text cannot be read (a scan, or damaged) is still
    // accepted and listed by its name; its text is empty, not an error.
    let id2 = store::create(
        &k,
        &Actor::user("zhang_att"),
        timefmt::now(),
        None,
        &draft("扫描件"),
    )
    .await
    .expect("create");
    let scan =
        b"%PDF-1.4\n1 0 obj << /Type /XObject /Subtype /Image >> stream\n\xff\xd8\xff garbage";
    let p = upload(&mut author, id2, "扫描件.pdf", scan, true).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{backend}: {}", p.body);
    let it2 = store::item(&k, id2).await.expect("item");
    let panel = files::panel(&k, &it2, "t", false).await.expect("panel");
    assert_eq!(panel.rows.len(), 1);
    assert!(!panel.rows[0].has_text && panel.rows[0].text_kind);
    assert!(
        !panel.editable,
        "not editable for a viewer who may not edit"
    );
    assert!(!panel.html().contains("/remove"));
    publish(&k, id2, None).await;
    let aid = attachment_ids(&k, id2).await[0];
    let (s, h, body) = download(&st, &format!("/xxgk/file/{aid}")).await;
    assert_eq!(s, StatusCode::OK, "{backend}");
    assert_eq!(h[header::CONTENT_TYPE], "application/pdf");
    assert_eq!(body, scan.to_vec());
}
