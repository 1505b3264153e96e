//! QR codes rendered on the server as SVG (e.g. the authenticator
//! enrolment link), so no script or image service is needed in the page.

use std::fmt::Write as _;

use qrcodegen::{QrCode, QrCodeEcc};

/// Light modules around the symbol, as ISO/IEC 18004 requires for
/// reliable scanning.
pub const QUIET_ZONE: i32 = 4;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QrError {
    #[error("内容过长，无法生成二维码")]
    TooLong,
}

/// A standalone SVG of `text` (error correction level M). All dark modules
/// are one `<path>` of horizontal runs, which keeps the markup small;
/// `title` becomes the accessible name.
pub fn svg(text: &str, title: &str) -> Result<String, QrError> {
    let qr = QrCode::encode_text(text, QrCodeEcc::Medium).map_err(|_| QrError::TooLong)?;
    let size = qr.size();
    let dim = size + 2 * QUIET_ZONE;
    let mut d = String::new();
    for y in 0..size {
        let mut x = 0;
        while x < size {
            if !qr.get_module(x, y) {
                x += 1;
                continue;
            }
            let start = x;
            while x < size && qr.get_module(x, y) {
                x += 1;
            }
            let run = x - start;
            // Writing to a String cannot fail.
            let _ = write!(
                d,
                "M{},{}h{run}v1h-{run}z",
                start + QUIET_ZONE,
                y + QUIET_ZONE
            );
        }
    }
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {dim} {dim}\" \
         role=\"img\" aria-label=\"{label}\" shape-rendering=\"crispEdges\">\
         <rect width=\"{dim}\" height=\"{dim}\" fill=\"#fff\"/>\
         <path fill=\"#000\" d=\"{d}\"/></svg>",
        label = escape_xml(title),
    ))
}

/// Escapes text for an XML attribute value.
fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Most control characters are not allowed anywhere in XML 1.0.
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}
