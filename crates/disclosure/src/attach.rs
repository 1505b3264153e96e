//! Attachments, checked by their content: what kind a file really is (PDF,
//! DOCX, XLSX, PNG, JPEG, GIF — from its bytes, never from its name), the
//! size limit, the file name as stored and shown, and the text the search
//! index reads (DOCX and PDF). Pure: no I/O, no clock.
//!
//! A file is refused with a Chinese message when it is empty, larger than
//! [`MAX_BYTES`], of a kind not accepted, disguised (its extension does not
//! agree with its content), carries macros, or is a ZIP that would inflate
//! beyond [`MAX_ZIP_ENTRIES`] entries. Text extraction never refuses: a file
//! whose text cannot be read gets "" and is still listed by its metadata.

use std::io::{Cursor, Read};

use crate::DisclosureError;

/// The largest attachment accepted (20 MB).
pub const MAX_BYTES: usize = 20 * 1024 * 1024;
/// The most a single part of a DOCX/XLSX (or a PDF stream) may inflate to
/// while its text is read; past it the text is given up, not the file.
pub const MAX_INFLATED: usize = 50 * 1024 * 1024;
/// The most entries an accepted DOCX/XLSX may hold.
pub const MAX_ZIP_ENTRIES: usize = 5_000;
/// The longest file name kept, in characters (extension included).
pub const MAX_NAME_CHARS: usize = 100;
/// The most text kept per attachment, in characters (for the index).
pub const MAX_TEXT_CHARS: usize = 1_000_000;

/// What the upload form accepts, for its `accept` attribute.
pub const ACCEPT: &str = ".pdf,.docx,.xlsx,.png,.jpg,.jpeg,.gif";

const ASK_REAL: &str = "请上传真实的 PDF、DOCX、XLSX 或图片文件";

/// The kinds of attachment accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Pdf,
    Docx,
    Xlsx,
    Png,
    Jpeg,
    Gif,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Pdf,
        Kind::Docx,
        Kind::Xlsx,
        Kind::Png,
        Kind::Jpeg,
        Kind::Gif,
    ];

    /// The `Content-Type` it is served with.
    pub fn mime(self) -> &'static str {
        match self {
            Kind::Pdf => "application/pdf",
            Kind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Kind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Kind::Png => "image/png",
            Kind::Jpeg => "image/jpeg",
            Kind::Gif => "image/gif",
        }
    }

    /// As shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Pdf => "PDF",
            Kind::Docx => "DOCX",
            Kind::Xlsx => "XLSX",
            Kind::Png => "PNG 图片",
            Kind::Jpeg => "JPG 图片",
            Kind::Gif => "GIF 图片",
        }
    }

    /// The usual extension (without the dot).
    pub fn extension(self) -> &'static str {
        match self {
            Kind::Pdf => "pdf",
            Kind::Docx => "docx",
            Kind::Xlsx => "xlsx",
            Kind::Png => "png",
            Kind::Jpeg => "jpg",
            Kind::Gif => "gif",
        }
    }

    /// Extensions (lower case, without the dot) that name this kind.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Kind::Pdf => &["pdf"],
            Kind::Docx => &["docx"],
            Kind::Xlsx => &["xlsx"],
            Kind::Png => &["png"],
            Kind::Jpeg => &["jpg", "jpeg"],
            Kind::Gif => &["gif"],
        }
    }

    /// The kind an extension claims, if it is one accepted.
    pub fn of_extension(ext: &str) -> Option<Kind> {
        let ext = ext.to_ascii_lowercase();
        Kind::ALL
            .into_iter()
            .find(|k| k.extensions().contains(&ext.as_str()))
    }

    /// The kind of a stored MIME type (as written by [`check`]).
    pub fn of_mime(mime: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.mime() == mime)
    }

    /// Whether the search index can read text from this kind.
    pub fn has_text(self) -> bool {
        matches!(self, Kind::Pdf | Kind::Docx | Kind::Xlsx)
    }
}

fn refuse(code: &'static str, message: impl Into<String>) -> DisclosureError {
    DisclosureError::invalid(code, message)
}

/// The error code of a refusal for size (a 413, not a 400).
pub const TOO_LARGE: &str = "attachment_too_large";

/// The kind of a file, from its bytes. `Ok(None)`: not a kind accepted.
/// Refuses outright a ZIP that is broken, holds too many entries, or
/// carries macros (a DOCM/XLSM renamed).
pub fn detect(bytes: &[u8]) -> Result<Option<Kind>, DisclosureError> {
    if bytes.starts_with(b"%PDF-") {
        return Ok(Some(Kind::Pdf));
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(Some(Kind::Png));
    }
    if bytes.starts_with(b"\xff\xd8\xff") {
        return Ok(Some(Kind::Jpeg));
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Ok(Some(Kind::Gif));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return detect_ooxml(bytes);
    }
    Ok(None)
}

fn detect_ooxml(bytes: &[u8]) -> Result<Option<Kind>, DisclosureError> {
    let broken = || {
        refuse(
            "attachment_malformed",
            "附件已损坏，无法读取：请确认是有效的 DOCX 或 XLSX 文件，另存后重新上传",
        )
    };
    let zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| broken())?;
    if zip.len() > MAX_ZIP_ENTRIES {
        return Err(refuse(
            "attachment_malformed",
            format!(
                "附件结构异常（压缩包内有 {} 个文件，超过 {MAX_ZIP_ENTRIES} 个），请另存后重新上传",
                zip.len()
            ),
        ));
    }
    let (mut types, mut word, mut excel, mut macros) = (false, false, false, false);
    for name in zip.file_names_raw() {
        match name {
            b"[Content_Types].xml" => types = true,
            b"word/document.xml" => word = true,
            b"xl/workbook.xml" => excel = true,
            n if n.to_ascii_lowercase().ends_with(b"vbaproject.bin") => macros = true,
            _ => {}
        }
    }
    if !types || word == excel {
        // A plain ZIP, or something claiming to be both at once.
        return Ok(None);
    }
    if macros {
        return Err(refuse(
            "attachment_macro",
            "附件含有宏（VBA 代码），不予接受：请另存为不含宏的 DOCX 或 XLSX 后上传",
        ));
    }
    Ok(Some(if word { Kind::Docx } else { Kind::Xlsx }))
}

/// A file name fit to store and show: the last path component, without
/// control, bidirectional-override or zero-width characters, characters
/// Windows forbids in names, or leading dots; at most [`MAX_NAME_CHARS`]
/// characters with its extension kept. Chinese is kept as is.
pub fn sanitize_filename(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| {
            !c.is_control()
                && !matches!(c,
                    '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}'
                    | '\u{2066}'..='\u{2069}' | '\u{feff}')
        })
        .map(|c| match c {
            '<' | '>' | ':' | '"' | '|' | '?' | '*' => '_',
            c => c,
        })
        .collect();
    let mut name = cleaned
        .trim()
        .trim_start_matches('.')
        .trim_end_matches(['.', ' '])
        .trim()
        .to_string();
    if name.chars().count() > MAX_NAME_CHARS {
        let (stem, ext) = split_ext(&name);
        let ext_part = if ext.is_empty() || ext.chars().count() > 10 {
            String::new()
        } else {
            format!(".{ext}")
        };
        let keep = MAX_NAME_CHARS - ext_part.chars().count();
        let stem: String = stem.chars().take(keep).collect();
        name = format!("{}{ext_part}", stem.trim_end());
    }
    name
}

/// (stem, extension without the dot); "" when there is none.
fn split_ext(name: &str) -> (&str, &str) {
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem, ext),
        _ => (name, ""),
    }
}

/// Megabytes with one decimal, rounded up (so a file just over the limit
/// never reads as exactly the limit).
fn mb_up(size: usize) -> String {
    let tenths = (size as u128 * 10).div_ceil(1024 * 1024);
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// A size as shown beside an attachment: "512 字节", "34.5 KB", "2.1 MB".
pub fn size_label(size: i64) -> String {
    let size = size.max(0) as f64;
    if size < 1024.0 {
        format!("{size} 字节")
    } else if size < 1024.0 * 1024.0 {
        format!("{:.1} KB", size / 1024.0)
    } else {
        format!("{:.1} MB", size / (1024.0 * 1024.0))
    }
}

/// An attachment that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub kind: Kind,
    /// Sanitised; its extension names `kind`.
    pub filename: String,
    pub size: usize,
}

/// Every check an upload passes before anything is stored: not empty,
/// within [`MAX_BYTES`], a kind accepted by its content, and an extension
/// that agrees with that content.
pub fn check(filename: &str, bytes: &[u8]) -> Result<Checked, DisclosureError> {
    if bytes.is_empty() {
        return Err(refuse(
            "attachment_empty",
            "附件是空文件（0 字节），请重新选择要上传的文件",
        ));
    }
    if bytes.len() > MAX_BYTES {
        return Err(refuse(
            TOO_LARGE,
            format!(
                "附件过大：最大 {} MB，本文件 {} MB。请压缩或拆分后再上传",
                MAX_BYTES / (1024 * 1024),
                mb_up(bytes.len())
            ),
        ));
    }
    let name = sanitize_filename(filename);
    if name.is_empty() {
        return Err(refuse("attachment_name", "附件缺少文件名，请重新选择文件"));
    }
    let (_, ext) = split_ext(&name);
    let ext = ext.to_ascii_lowercase();
    let shown_ext = if ext.is_empty() {
        "无扩展名".to_string()
    } else {
        format!("扩展名为 .{ext}")
    };
    match detect(bytes)? {
        Some(kind) if kind.extensions().contains(&ext.as_str()) => Ok(Checked {
            kind,
            filename: name,
            size: bytes.len(),
        }),
        Some(kind) => Err(refuse(
            "attachment_disguised",
            format!(
                "文件内容与扩展名不符（内容为 {}，{shown_ext}），{ASK_REAL}",
                kind.label()
            ),
        )),
        None => match Kind::of_extension(&ext) {
            Some(claimed) => Err(refuse(
                "attachment_disguised",
                format!(
                    "文件内容与扩展名不符（{shown_ext}，内容却不是 {} 文件），{ASK_REAL}",
                    claimed.label()
                ),
            )),
            None => {
                let mut m = "不支持的附件类型：只接受 PDF、DOCX、XLSX、PNG、JPG、GIF".to_string();
                if matches!(ext.as_str(), "doc" | "xls" | "wps" | "et" | "ppt" | "pptx") {
                    m.push_str(
                        "（Word、Excel 97-2003 格式及 WPS、演示文稿请另存为 DOCX、XLSX 或 PDF 后上传）",
                    );
                }
                Err(refuse("attachment_type", m))
            }
        },
    }
}

/// The text of an attachment for the search index: DOCX → the paragraphs
/// of `word/document.xml`; XLSX → the shared strings; PDF → the text
/// lopdf reads; images → "". Never fails: unreadable text is "".
pub fn extract_text(kind: Kind, bytes: &[u8]) -> String {
    let text = std::panic::catch_unwind(|| match kind {
        Kind::Docx => zip_part(bytes, "word/document.xml")
            .map(|x| ooxml_text(&x, "p", &[]))
            .unwrap_or_default(),
        Kind::Xlsx => zip_part(bytes, "xl/sharedStrings.xml")
            .map(|x| ooxml_text(&x, "si", &["rPh"]))
            .unwrap_or_default(),
        Kind::Pdf => pdf_text(bytes),
        Kind::Png | Kind::Jpeg | Kind::Gif => String::new(),
    })
    .unwrap_or_default();
    tidy(&text)
}

/// One part of a ZIP, read at most [`MAX_INFLATED`] bytes; `None` when it
/// is missing, encrypted, broken or larger.
fn zip_part(bytes: &[u8], name: &str) -> Option<String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    if zip.len() > MAX_ZIP_ENTRIES {
        return None;
    }
    let part = zip.by_name(name).ok()?;
    let mut buf = Vec::new();
    part.take(MAX_INFLATED as u64 + 1)
        .read_to_end(&mut buf)
        .ok()?;
    if buf.len() > MAX_INFLATED {
        return None;
    }
    Some(String::from_utf8_lossy(&buf).into_owned())
}

/// The text content of the elements whose local name is `t`, with a line
/// break after each element named `para`; tabs and breaks inside runs
/// kept; elements named in `skip` ignored with everything inside them.
fn ooxml_text(xml: &str, para: &str, skip: &[&str]) -> String {
    let mut out = String::new();
    let (mut in_t, mut in_run, mut skipping) = (0usize, 0usize, 0usize);
    let mut rest = xml;
    while let Some(lt) = rest.find('<') {
        if in_t > 0 && skipping == 0 {
            decode_entities(&rest[..lt], &mut out);
        }
        rest = &rest[lt..];
        if let Some(r) = rest.strip_prefix("<![CDATA[") {
            let end = r.find("]]>").unwrap_or(r.len());
            if in_t > 0 && skipping == 0 {
                out.push_str(&r[..end]);
            }
            rest = r.get(end + 3..).unwrap_or_default();
            continue;
        }
        if let Some(r) = rest.strip_prefix("<!--") {
            rest = r.find("-->").map(|e| &r[e + 3..]).unwrap_or_default();
            continue;
        }
        // The end of the tag, quotes respected.
        let mut quote = None;
        let mut end = None;
        for (i, c) in rest.char_indices().skip(1) {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '>') => {
                    end = Some(i);
                    break;
                }
                _ => {}
            }
        }
        let Some(end) = end else { break };
        let tag = &rest[1..end];
        rest = &rest[end + 1..];
        if tag.starts_with('?') || tag.starts_with('!') {
            continue;
        }
        let closing = tag.starts_with('/');
        let empty = tag.ends_with('/');
        let name = tag
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or_default();
        let local = name.rsplit(':').next().unwrap_or_default();
        if skip.contains(&local) {
            if closing {
                skipping = skipping.saturating_sub(1);
            } else if !empty {
                skipping += 1;
            }
            continue;
        }
        match (local, closing, empty) {
            ("t", false, false) => in_t += 1,
            ("t", true, _) => in_t = in_t.saturating_sub(1),
            ("r", false, false) => in_run += 1,
            ("r", true, _) => in_run = in_run.saturating_sub(1),
            ("tab", false, true) if in_run > 0 && skipping == 0 => out.push('\t'),
            ("br" | "cr", false, true) if in_run > 0 && skipping == 0 => out.push('\n'),
            (l, true, _) if l == para && skipping == 0 => out.push('\n'),
            _ => {}
        }
        if out.len() > MAX_TEXT_CHARS * 4 {
            break;
        }
    }
    out
}

/// Appends `s` with XML's entity and character references decoded.
fn decode_entities(s: &str, out: &mut String) {
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest.find(';').filter(|&e| e <= 12).and_then(|e| {
            let c = match &rest[1..e] {
                "lt" => Some('<'),
                "gt" => Some('>'),
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                r => r
                    .strip_prefix("#x")
                    .or_else(|| r.strip_prefix("#X"))
                    .map(|h| u32::from_str_radix(h, 16))
                    .or_else(|| r.strip_prefix('#').map(str::parse::<u32>))
                    .and_then(Result::ok)
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
}

fn pdf_text(bytes: &[u8]) -> String {
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(MAX_INFLATED),
        ..Default::default()
    };
    let Ok(doc) = lopdf::Document::load_mem_with_options(bytes, options) else {
        return String::new();
    };
    let mut out = String::new();
    for n in doc.get_pages().into_keys() {
        for chunk in doc
            .extract_text_chunks_with_limit(&[n], MAX_INFLATED)
            .into_iter()
            .flatten()
        {
            out.push_str(&chunk);
        }
        if !out.ends_with('\n') {
            out.push('\n');
        }
        if out.len() > MAX_TEXT_CHARS * 4 {
            break;
        }
    }
    out
}

/// Control characters gone (PostgreSQL refuses NUL), blank lines and
/// trailing spaces squeezed, at most [`MAX_TEXT_CHARS`].
fn tidy(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let line: String = line
            .chars()
            .filter(|c| *c == '\t' || !c.is_control())
            .collect();
        let line = line.trim_end();
        if line.trim().is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(line);
    }
    match out.char_indices().nth(MAX_TEXT_CHARS) {
        Some((i, _)) => out[..i].to_string(),
        None => out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_numbers() {
        assert_eq!(detect(b"%PDF-1.7\n").unwrap(), Some(Kind::Pdf));
        assert_eq!(
            detect(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap(),
            Some(Kind::Png)
        );
        assert_eq!(detect(b"\xff\xd8\xff\xe0JFIF").unwrap(), Some(Kind::Jpeg));
        assert_eq!(detect(b"GIF89a....").unwrap(), Some(Kind::Gif));
        assert_eq!(detect(b"MZ\x90\0").unwrap(), None);
        assert_eq!(detect(b"<!doctype html><html>").unwrap(), None);
    }

    #[test]
    fn names_are_cleaned() {
        assert_eq!(
            sanitize_filename("C:\\Users\\a\\关于做好安全生产工作的通知.pdf"),
            "关于做好安全生产工作的通知.pdf"
        );
        assert_eq!(sanitize_filename("../../etc/passwd"), "passwd");
        assert_eq!(sanitize_filename("a\u{202e}fdp.exe"), "afdp.exe");
        assert_eq!(sanitize_filename("a\nb\0c.pdf"), "abc.pdf");
        assert_eq!(sanitize_filename("...hidden.pdf"), "hidden.pdf");
        assert_eq!(sanitize_filename("a<b>:c?.pdf"), "a_b__c_.pdf");
        let long = format!("{}.docx", "长".repeat(300));
        let s = sanitize_filename(&long);
        assert_eq!(s.chars().count(), MAX_NAME_CHARS);
        assert!(s.ends_with(".docx"));
    }

    #[test]
    fn extension_must_agree() {
        let pdf = b"%PDF-1.4\n%%EOF\n";
        assert_eq!(check("通知.PDF", pdf).unwrap().kind, Kind::Pdf);
        let e = check("通知.docx", pdf).unwrap_err().to_string();
        assert!(
            e.contains("文件内容与扩展名不符") && e.contains("PDF"),
            "{e}"
        );
        let e = check("setup.pdf", b"MZ\x90\0\x03").unwrap_err().to_string();
        assert!(e.contains("文件内容与扩展名不符"), "{e}");
        let e = check("a.exe", b"MZ\x90\0\x03").unwrap_err().to_string();
        assert!(e.starts_with("不支持的附件类型"), "{e}");
        let e = check("通知", pdf).unwrap_err().to_string();
        assert!(e.contains("无扩展名"), "{e}");
        assert_eq!(
            check("photo.jpeg", b"\xff\xd8\xff\xdb").unwrap().kind,
            Kind::Jpeg
        );
    }

    #[test]
    fn size_limits() {
        let e = check("a.pdf", b"").unwrap_err();
        assert_eq!(e.code(), "attachment_empty");
        let mut big = b"%PDF-1.4\n".to_vec();
        big.resize(MAX_BYTES + 1, b' ');
        let e = check("a.pdf", &big).unwrap_err();
        assert_eq!(e.code(), TOO_LARGE);
        assert!(e.to_string().contains("最大 20 MB，本文件 20.1 MB"), "{e}");
        big.truncate(MAX_BYTES);
        assert!(check("a.pdf", &big).is_ok());
    }

    #[test]
    fn docx_text_with_entities_and_paragraphs() {
        let xml = r#"<?xml version="1.0"?><w:document xmlns:w="x"><w:body>
            <w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>
            <w:r><w:t>关于</w:t></w:r><w:r><w:t xml:space="preserve">安全 &amp; 生产&#x3002;</w:t></w:r></w:p>
            <w:p><w:r><w:t>第二段</w:t><w:tab/><w:t>&lt;b&gt;</w:t></w:r><w:r><w:instrText>PAGE</w:instrText></w:r></w:p>
            </w:body></w:document>"#;
        assert_eq!(
            tidy(&ooxml_text(xml, "p", &[])),
            "关于安全 & 生产。\n第二段\t<b>"
        );
    }

    #[test]
    fn xlsx_shared_strings_skip_phonetics() {
        let xml = r#"<sst><si><t>预算</t></si><si><r><t>决</t></r><r><t>算</t></r><rPh><t>けっさん</t></rPh></si></sst>"#;
        assert_eq!(tidy(&ooxml_text(xml, "si", &["rPh"])), "预算\n决算");
    }

    #[test]
    fn broken_input_gives_no_text() {
        assert_eq!(extract_text(Kind::Pdf, b"%PDF-1.4 garbage"), "");
        assert_eq!(extract_text(Kind::Docx, b"PK\x03\x04broken"), "");
        assert_eq!(extract_text(Kind::Png, b"\x89PNG\r\n\x1a\n"), "");
    }
}
