//! The one place where errors become HTTP: a status and a Chinese message,
//! as an HTML page or as `{"error": code, "message": …}` for the API.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use yangguang_kernel::Error;

use crate::layout::Layout;

pub fn status_of(e: &Error) -> StatusCode {
    match e {
        Error::Invalid { .. } | Error::Calendar(_) | Error::Clock(_) => StatusCode::BAD_REQUEST,
        Error::NotFound(_) => StatusCode::NOT_FOUND,
        Error::Conflict(_) => StatusCode::CONFLICT,
        Error::Forbidden(_) => StatusCode::FORBIDDEN,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// A path segment that names a record by number; anything else is a
/// record that does not exist (404), named in the message.
pub fn path_id(raw: &str, what: &str) -> yangguang_kernel::Result<i64> {
    raw.parse::<i64>().map_err(|_| {
        Error::NotFound(format!(
            "{what}“{}”不存在",
            yangguang_kernel::text::clip(raw, 20)
        ))
    })
}

/// A refused form, shown at the top of the page it came from.
pub struct Failure {
    pub message: String,
    pub status: StatusCode,
}

impl Failure {
    pub fn of(e: &Error) -> Failure {
        Failure {
            message: public_message(e),
            status: status_of(e),
        }
    }
    pub fn forbidden(message: &str) -> Failure {
        Failure {
            message: message.to_string(),
            status: StatusCode::FORBIDDEN,
        }
    }
    pub fn is_forbidden(&self) -> bool {
        self.status == StatusCode::FORBIDDEN
    }
}

/// The message shown to users: server faults are logged, not shown.
pub fn public_message(e: &Error) -> String {
    if e.is_client_error() {
        e.to_string()
    } else {
        tracing::error!(error = %e, "request failed");

        "系统繁忙，请稍后再试。如问题持续，请联系网站管理员。".to_string()
    }
}

/// An error for JSON endpoints.
#[derive(Debug)]
pub struct ApiError(pub Error);

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = status_of(&self.0);
        let body =
            serde_json::json!({ "error": self.0.code(), "message": public_message(&self.0) });
        (status, axum::Json(body)).into_response()
    }
}

/// An error for HTML pages, rendered inside the site layout.
pub struct PageError {
    pub error: Error,
    pub layout: Layout,
    /// Overrides the status derived from the error (403 refusals).
    pub status: Option<StatusCode>,
}

#[derive(askama::Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    layout: &'a Layout,
    title: &'a str,
    message: &'a str,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = self.status.unwrap_or_else(|| status_of(&self.error));
        let title = match status {
            StatusCode::NOT_FOUND => "页面不存在",
            StatusCode::FORBIDDEN => "无权访问",
            StatusCode::PAYLOAD_TOO_LARGE => "文件过大",
            StatusCode::BAD_REQUEST => "输入有误",
            StatusCode::CONFLICT => "操作冲突",
            _ => "系统错误",
        };
        let message = public_message(&self.error);
        render(
            status,
            &ErrorPage {
                layout: &self.layout,
                title,
                message: &message,
            },
        )
    }
}

/// Renders a template; a template fault is a 500 with a plain message.
pub fn render<T: askama::Template>(status: StatusCode, t: &T) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Html("<!doctype html><html lang=\"zh-CN\"><title>系统错误</title><p>系统错误，请稍后再试。</p></html>".to_string()),
            )
                .into_response()
        }
    }
}
