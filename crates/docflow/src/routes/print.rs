//! The issued document as GB/T 9704-2012 lays it out: 版头 (份号, 密级和
//! 保密期限, 紧急程度, 发文机关标志, 发文字号, 签发人 for 上行文, the red
//! separator), 主体 (标题, 主送机关, 正文, 署名, 成文日期) and 版记 (抄送机关,
//! 印发机关和印发日期) — as a printable page and as .docx.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use yangguang_kernel::docx::{self, Block};
use yangguang_kernel::org_store;
use yangguang_kernel::timefmt::{fmt_date_cn, parse_date};
use yangguang_kernel::{Error, Kernel, Result};
use yangguang_webcore::AppState;
use yangguang_webcore::download::serve_download;
use yangguang_webcore::error::render;
use yangguang_webcore::layout::Frame;

use super::page::visible;
use super::{fail, me};
use crate::model::Doc;
use crate::rules;
use crate::store;

/// What the red-header page shows, field by field.
pub struct RedHeader {
    pub doc_id: i64,
    pub copy_no: String,
    pub secrecy: String,
    pub urgency: String,
    /// 发文机关标志: the agency's (or its office's) name and 文件.
    pub mark: String,
    pub doc_no: String,
    pub signer: Option<String>,
    pub title: String,
    pub main_to: String,
    pub paragraphs: Vec<String>,
    pub issuer: String,
    pub written_on: String,
    pub cc_to: String,
    pub printer: String,
    pub printed_on: String,
}

fn date_cn(s: Option<&str>) -> String {
    s.and_then(|d| parse_date(d).ok())
        .map(fmt_date_cn)
        .unwrap_or_default()
}

/// The red header of a numbered document (409 before 发文登记).
pub async fn red_header(k: &Kernel, d: &Doc) -> Result<RedHeader> {
    let doc_no = d
        .doc_no
        .clone()
        .ok_or_else(|| Error::Conflict("公文尚未编发文字号，不能生成红头文件".into()))?;
    let agency = org_store::main_agency(k)
        .await?
        .ok_or_else(|| Error::NotFound("尚未登记机关".into()))?;
    let office_name = d.doc_type.is_some_and(|t| t.office_name());
    let issuer = if office_name {
        format!("{}办公室", agency.name)
    } else {
        agency.name.clone()
    };
    let names = store::names(k).await?;
    let body = store::versions(k, d.id)
        .await?
        .into_iter()
        .rev()
        .find(|v| v.frozen)
        .map(|v| v.body)
        .unwrap_or_default();
    let main_to = d.main_to.trim().trim_end_matches(['：', ':']).to_string();
    let cc_to = d.cc_to.trim().trim_end_matches(['。', '.']).to_string();
    Ok(RedHeader {
        doc_id: d.id,
        copy_no: "000001".into(),
        secrecy: rules::secrecy_mark(d.secrecy, d.secrecy_years)?,
        urgency: d.urgency.mark().to_string(),
        mark: format!("{issuer}文件"),
        doc_no,
        signer: d
            .doc_type
            .filter(|t| t.upward())
            .and(d.signed_for.as_deref().or(d.signed_by.as_deref()))
            .map(|u| names.display(u)),
        title: d.title.clone(),
        main_to: if main_to.is_empty() {
            String::new()
        } else {
            format!("{main_to}：")
        },
        paragraphs: body
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
        issuer,
        written_on: date_cn(d.signed_on.as_deref()),
        cc_to: if cc_to.is_empty() {
            String::new()
        } else {
            format!("抄送：{cc_to}。")
        },
        printer: format!("{}办公室", agency.name),
        printed_on: {
            let on = date_cn(d.issued_on.as_deref().or(d.signed_on.as_deref()));
            if on.is_empty() {
                on
            } else {
                format!("{on}印发")
            }
        },
    })
}

#[derive(askama::Template)]
#[template(path = "docflow_print.html")]
struct PrintPage {
    p: RedHeader,
}

pub async fn page(State(st): State<AppState>, frame: Frame, Path(raw): Path<String>) -> Response {
    let k = &st.kernel;
    let r = async {
        let me = me(k, &frame).await?;
        let d = visible(k, &me, &raw).await?;
        red_header(k, &d).await
    }
    .await;
    match r {
        Ok(p) => render(StatusCode::OK, &PrintPage { p }),
        Err(e) => fail(frame, e),
    }
}

/// The same page as .docx blocks.
pub fn blocks(p: &RedHeader) -> Vec<Block> {
    let mut b = vec![Block::Plain(p.copy_no.clone())];
    if !p.secrecy.is_empty() {
        b.push(Block::Plain(p.secrecy.clone()));
    }
    if !p.urgency.is_empty() {
        b.push(Block::Plain(p.urgency.clone()));
    }
    b.push(Block::Title(p.mark.clone()));
    match &p.signer {
        Some(s) => b.push(Block::Plain(format!("{}　　　　签发人：{s}", p.doc_no))),
        None => b.push(Block::Plain(p.doc_no.clone())),
    }
    b.push(Block::Title(p.title.clone()));
    if !p.main_to.is_empty() {
        b.push(Block::Plain(p.main_to.clone()));
    }
    b.extend(p.paragraphs.iter().cloned().map(Block::Para));
    b.push(Block::Right(p.issuer.clone()));
    b.push(Block::Right(p.written_on.clone()));
    if !p.cc_to.is_empty() {
        b.push(Block::Plain(p.cc_to.clone()));
    }
    b.push(Block::Plain(format!("{}　　{}", p.printer, p.printed_on)));
    b
}

pub async fn docx(State(st): State<AppState>, frame: Frame, Path(raw): Path<String>) -> Response {
    let k = &st.kernel;
    let r = async {
        let me = me(k, &frame).await?;
        let d = visible(k, &me, &raw).await?;
        let p = red_header(k, &d).await?;
        let bytes = docx::build(&p.title, &blocks(&p))?;
        Ok::<_, Error>((format!("{}.docx", p.doc_no), bytes))
    }
    .await;
    match r {
        Ok((name, bytes)) => serve_download(&name, docx::MIME, bytes),
        Err(e) => fail(frame, e),
    }
}
