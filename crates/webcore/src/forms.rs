//! Form bodies as name/value lists, parsed once at the edge. Handlers turn
//! them into typed commands; a malformed body is a Chinese 400.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// An `application/x-www-form-urlencoded` body.
#[derive(Debug, Clone, Default)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// The first value of `name`, or "".
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    }

    /// Every value of `name` (checkbox groups).
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

impl<S: Send + Sync> FromRequest<S> for Fields {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| (StatusCode::BAD_REQUEST, "无法读取提交的表单").into_response())?;
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
            .map(Fields)
            .map_err(|_| (StatusCode::BAD_REQUEST, "表单格式不正确").into_response())
    }
}

/// A `multipart/form-data` body read whole: its text fields and the one
/// file field named `file` (an empty file input counts as none).
#[derive(Debug, Clone, Default)]
pub struct Upload {
    pub fields: Fields,
    /// (file name as sent, bytes)
    pub file: Option<(String, Vec<u8>)>,
}

impl Upload {
    /// Reads the body; an unreadable one is a Chinese 400.
    pub async fn read(
        mp: Result<
            axum::extract::multipart::Multipart,
            axum::extract::multipart::MultipartRejection,
        >,
    ) -> yangguang_kernel::Result<Upload> {
        let unreadable = || {
            yangguang_kernel::Error::invalid(
                "upload_unreadable",
                "无法读取上传的文件，请重新选择文件后上传",
            )
        };
        let mut mp = mp.map_err(|_| unreadable())?;
        let mut up = Upload::default();
        while let Some(field) = mp.next_field().await.map_err(|_| unreadable())? {
            let name = field.name().unwrap_or_default().to_string();
            if name == "file" {
                let file_name = field.file_name().unwrap_or_default().to_string();
                let bytes = field.bytes().await.map_err(|_| unreadable())?;
                if !(file_name.is_empty() && bytes.is_empty()) {
                    up.file = Some((file_name, bytes.to_vec()));
                }
            } else {
                let v = field.text().await.map_err(|_| unreadable())?;
                up.fields.0.push((name, v));
            }
        }
        Ok(up)
    }

    /// The file, or the Chinese refusal naming what to choose.
    pub fn require_file(&self, what: &str) -> yangguang_kernel::Result<(&str, &[u8])> {
        match &self.file {
            Some((n, b)) if !b.is_empty() => Ok((n.as_str(), b.as_slice())),
            _ => Err(yangguang_kernel::Error::invalid(
                "upload_missing",
                format!("请选择要上传的{what}"),
            )),
        }
    }
}
