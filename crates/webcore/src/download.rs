//! Files served as downloads: never rendered by the browser, the real
//! name in UTF-8.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// `Content-Disposition` for a download: an ASCII `filename` for old
/// clients and the real name as `filename*` (RFC 6266 / RFC 8187).
pub fn content_disposition(name: &str, fallback: &str) -> String {
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'!' | b'#' | b'$' | b'&' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~'
            )
        {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    let fallback: String = fallback
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .collect();
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// `bytes` as a download named `name` (`fallback` for clients without
/// RFC 8187), sandboxed, with the given cache policy.
pub fn serve_file(
    name: &str,
    fallback: &str,
    mime: &'static str,
    bytes: Vec<u8>,
    cache: &'static str,
) -> Response {
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    if let Ok(v) = HeaderValue::from_str(&content_disposition(name, fallback)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    resp
}

/// A staff file as a download, never cached.
pub fn serve_download(name: &str, mime: &'static str, bytes: Vec<u8>) -> Response {
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("bin");
    let ascii_ext: String = ext
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(8)
        .collect();
    serve_file(
        name,
        &format!("download.{ascii_ext}"),
        mime,
        bytes,
        "private, no-store",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disposition_is_percent_encoded() {
        assert_eq!(
            content_disposition("通知 1.pdf", "attachment-1.pdf"),
            "attachment; filename=\"attachment-1.pdf\"; filename*=UTF-8''%E9%80%9A%E7%9F%A5%201.pdf"
        );
    }
}
