//! A minimal Office Open XML (.docx) writer for the letters, minutes and
//! reports the platform issues: headings, paragraphs and plain tables in
//! 仿宋/黑体 as Chinese official documents use (GB/T 9704 look, not layout).
//!
//! Only what Word, WPS and LibreOffice need to open the file is written:
//! `[Content_Types].xml`, the package relationships and `word/document.xml`.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;

use crate::{Error, Result};

/// One block of a document, in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// The centred document title (小标宋 style, 二号).
    Title(String),
    /// A heading (黑体, 三号); the level is 1 or 2.
    Heading(String),
    /// A body paragraph (仿宋, 三号), first-line indent of two characters.
    Para(String),
    /// A paragraph without indent (addressee lines, signatures, dates).
    Plain(String),
    /// A right-aligned paragraph (issuing body and date).
    Right(String),
    /// A table; the first row is the header row.
    Table(Vec<Vec<String>>),
    /// A page break.
    PageBreak,
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>"#;

const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>"#;

/// The MIME type to serve a .docx with.
pub const MIME: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// Escapes text for XML character data and attribute values; drops the
/// control characters XML 1.0 forbids (they would make Word refuse the file).
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

fn run(text: &str, font: &str, half_points: u32, bold: bool) -> String {
    let b = if bold { "<w:b/>" } else { "" };
    // Line breaks inside one paragraph become <w:br/>.
    let mut body = String::new();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            body.push_str("<w:br/>");
        }
        body.push_str(&format!(
            r#"<w:t xml:space="preserve">{}</w:t>"#,
            xml_escape(line)
        ));
    }
    format!(
        r#"<w:r><w:rPr><w:rFonts w:ascii="{font}" w:eastAsia="{font}" w:hAnsi="{font}"/>{b}<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/></w:rPr>{body}</w:r>"#
    )
}

fn para(text: &str, font: &str, size: u32, bold: bool, jc: Option<&str>, indent: bool) -> String {
    let jc = jc
        .map(|j| format!(r#"<w:jc w:val="{j}"/>"#))
        .unwrap_or_default();
    let ind = if indent {
        r#"<w:ind w:firstLineChars="200" w:firstLine="640"/>"#
    } else {
        ""
    };
    format!(
        r#"<w:p><w:pPr><w:spacing w:line="560" w:lineRule="exact"/>{ind}{jc}</w:pPr>{}</w:p>"#,
        run(text, font, size, bold)
    )
}

fn table(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(|r| r.len()).max().unwrap_or(0).max(1);
    let mut x = String::from(
        r#"<w:tbl><w:tblPr><w:tblW w:w="5000" w:type="pct"/><w:tblBorders><w:top w:val="single" w:sz="4"/><w:left w:val="single" w:sz="4"/><w:bottom w:val="single" w:sz="4"/><w:right w:val="single" w:sz="4"/><w:insideH w:val="single" w:sz="4"/><w:insideV w:val="single" w:sz="4"/></w:tblBorders></w:tblPr><w:tblGrid>"#,
    );
    for _ in 0..cols {
        x.push_str(&format!(r#"<w:gridCol w:w="{}"/>"#, 9000 / cols));
    }
    x.push_str("</w:tblGrid>");
    for (i, r) in rows.iter().enumerate() {
        x.push_str("<w:tr>");
        for c in 0..cols {
            let text = r.get(c).map(String::as_str).unwrap_or("");
            x.push_str(&format!(
                r#"<w:tc><w:tcPr><w:tcW w:w="{}" w:type="dxa"/></w:tcPr><w:p>{}</w:p></w:tc>"#,
                9000 / cols,
                run(text, "仿宋", 24, i == 0)
            ));
        }
        x.push_str("</w:tr>");
    }
    x.push_str("</w:tbl>");
    x
}

/// The `word/document.xml` of the blocks.
pub fn document_xml(blocks: &[Block]) -> String {
    let mut body = String::new();
    for b in blocks {
        body.push_str(&match b {
            Block::Title(t) => para(t, "方正小标宋简体", 44, false, Some("center"), false),
            Block::Heading(t) => para(t, "黑体", 32, false, None, true),
            Block::Para(t) => para(t, "仿宋", 32, false, None, true),
            Block::Plain(t) => para(t, "仿宋", 32, false, None, false),
            Block::Right(t) => para(t, "仿宋", 32, false, Some("right"), false),
            Block::Table(rows) => table(rows),
            Block::PageBreak => r#"<w:p><w:r><w:br w:type="page"/></w:r></w:p>"#.to_string(),
        });
    }
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr></w:body></w:document>"#
    )
}

fn core_xml(title: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{}</dc:title></cp:coreProperties>"#,
        xml_escape(title)
    )
}

/// Builds the .docx file of `blocks` with `title` as its document title.
pub fn build(title: &str, blocks: &[Block]) -> Result<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let parts: [(&str, String); 4] = [
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", RELS.to_string()),
        ("docProps/core.xml", core_xml(title)),
        ("word/document.xml", document_xml(blocks)),
    ];
    for (name, text) in parts {
        zip.start_file(name, opts).map_err(zip_err)?;
        zip.write_all(text.as_bytes())
            .map_err(|e| Error::Internal(format!("docx: {e}")))?;
    }
    let cur = zip.finish().map_err(zip_err)?;
    Ok(cur.into_inner())
}

fn zip_err(e: zip::result::ZipError) -> Error {
    Error::Internal(format!("docx: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn part(bytes: &[u8], name: &str) -> String {
        let mut z = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
        let mut f = z.by_name(name).expect("part");
        let mut s = String::new();
        f.read_to_string(&mut s).expect("utf8");
        s
    }

    #[test]
    fn a_docx_holds_the_text_of_every_block_in_order() {
        let bytes = build(
            "答复书",
            &[
                Block::Title("政府信息公开申请答复书".into()),
                Block::Plain("张三：".into()),
                Block::Para("您的申请已收悉。".into()),
                Block::Table(vec![
                    vec!["项目".into(), "金额".into()],
                    vec!["信息处理费".into(), "100".into()],
                ]),
                Block::Right("2026年11月26日".into()),
            ],
        )
        .expect("build");
        let doc = part(&bytes, "word/document.xml");
        let order = [
            "政府信息公开申请答复书",
            "张三：",
            "您的申请已收悉。",
            "信息处理费",
            "2026年11月26日",
        ];
        let mut at = 0;
        for t in order {
            let i = doc[at..].find(t).map(|i| i + at);
            assert!(i.is_some(), "{t} missing or out of order");
            at = i.unwrap_or(at);
        }
        assert!(part(&bytes, "[Content_Types].xml").contains("/word/document.xml"));
        assert!(part(&bytes, "docProps/core.xml").contains("<dc:title>答复书</dc:title>"));
    }

    #[test]
    fn markup_in_text_is_escaped_and_control_characters_dropped() {
        let doc = document_xml(&[Block::Para("<script>&\u{1}".into())]);
        assert!(doc.contains("&lt;script&gt;&amp;"));
        assert!(!doc.contains('\u{1}'));
        assert!(!doc.contains("<script>"));
    }
}
