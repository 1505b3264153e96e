//! Forms at the edge: a multipart or JSON body read into fields and files,
//! then into the typed commands the engine takes. Pages and the JSON API
//! share these parsers, so both refuse the same input the same way.

use axum::extract::multipart::{Multipart, MultipartRejection};
use yangguang_kernel::timefmt::parse_date;
use yangguang_kernel::{Error, Result};
use yangguang_webcore::forms::Fields;

use crate::acts::{Act, Registration, Upload};
use crate::incoming::NewIncoming;
use crate::model::{Task, TaskStep};
use crate::outgoing::NewOutgoing;
use crate::rules::{self, DocType, Secrecy, Urgency};

/// A multipart body: its text fields and its non-empty files by field name.
pub async fn read_multipart(
    mp: std::result::Result<Multipart, MultipartRejection>,
) -> Result<(Fields, Vec<(String, Upload)>)> {
    let unreadable = || {
        Error::invalid(
            "form_unreadable",
            "无法读取提交的表单或文件，请重新选择文件后提交",
        )
    };
    let mut mp = mp.map_err(|_| unreadable())?;
    let mut fields = Vec::new();
    let mut files = Vec::new();
    while let Some(field) = mp.next_field().await.map_err(|_| unreadable())? {
        let name = field.name().unwrap_or_default().to_string();
        match field.file_name().map(str::to_string) {
            Some(file_name) => {
                let mime = field
                    .content_type()
                    .unwrap_or("application/octet-stream")
                    .to_string();
                let bytes = field.bytes().await.map_err(|_| unreadable())?;
                if !(file_name.is_empty() && bytes.is_empty()) {
                    files.push((
                        name,
                        Upload {
                            name: file_name,
                            mime,
                            bytes: bytes.to_vec(),
                        },
                    ));
                }
            }
            None => fields.push((name, field.text().await.map_err(|_| unreadable())?)),
        }
    }
    Ok((Fields(fields), files))
}

/// A JSON object as fields: strings and numbers as text, arrays as
/// repeated fields, booleans as "1"/"".
pub fn json_fields(v: &serde_json::Value) -> Result<Fields> {
    let obj = v
        .as_object()
        .ok_or_else(|| Error::invalid("invalid_json", "请求正文应为 JSON 对象"))?;
    let mut out = Vec::new();
    fn text(v: &serde_json::Value) -> String {
        match v {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Bool(true) => "1".into(),
            serde_json::Value::Bool(false) | serde_json::Value::Null => String::new(),
            other => other.to_string(),
        }
    }
    for (k, v) in obj {
        match v {
            serde_json::Value::Array(items) => {
                out.extend(items.iter().map(|i| (k.clone(), text(i))));
            }
            other => out.push((k.clone(), text(other))),
        }
    }
    Ok(Fields(out))
}

fn take(files: &mut Vec<(String, Upload)>, name: &str) -> Option<Upload> {
    let i = files.iter().position(|(n, _)| n == name)?;
    Some(files.remove(i).1)
}

fn int(f: &Fields, name: &str, what: &str) -> Result<Option<i64>> {
    let v = f.get(name).trim();
    if v.is_empty() {
        return Ok(None);
    }
    v.parse::<i64>().map(Some).map_err(|_| {
        Error::invalid(
            "invalid_number",
            format!(
                "{what}应为整数，“{}”无效",
                yangguang_kernel::text::clip(v, 20)
            ),
        )
    })
}

fn ids(f: &Fields, name: &str, what: &str) -> Result<Vec<i64>> {
    f.all(name)
        .iter()
        .filter(|v| !v.trim().is_empty())
        .map(|v| {
            v.trim()
                .parse::<i64>()
                .map_err(|_| Error::invalid("invalid_division", format!("无法识别的{what}")))
        })
        .collect()
}

fn urgency(f: &Fields) -> Result<Urgency> {
    let v = f.get("urgency");
    if v.trim().is_empty() {
        return Ok(Urgency::Normal);
    }
    Urgency::parse(v).ok_or_else(|| Error::invalid("invalid_urgency", "请选择紧急程度"))
}

fn secrecy(f: &Fields) -> Result<(Secrecy, Option<u32>)> {
    let s = Secrecy::parse(f.get("secrecy"))?;
    let years = int(f, "secrecy_years", "保密期限")?
        .map(|y| u32::try_from(y).map_err(|_| Error::invalid("invalid_term", "保密期限无效")))
        .transpose()?;
    Ok((s, years))
}

fn opinion(f: &Fields) -> Result<rules::Opinion> {
    rules::opinion(f.get("verdict"), f.get("text"))
}

/// 收文登记 fields.
pub fn registration(f: &Fields) -> Result<Registration> {
    let (secrecy, secrecy_years) = secrecy(f)?;
    let copies = int(f, "copies", "份数")?.unwrap_or(1);
    let received_on = parse_date(f.get("received_on"))?;
    Ok(Registration {
        source_org: f.get("source_org").to_string(),
        source_no: f.get("source_no").to_string(),
        secrecy,
        secrecy_years,
        urgency: urgency(f)?,
        copies,
        received_on,
    })
}

pub fn new_incoming(f: &Fields, files: Vec<(String, Upload)>) -> Result<NewIncoming> {
    Ok(NewIncoming {
        title: f.get("title").to_string(),
        summary: f.get("summary").to_string(),
        reg: registration(f)?,
        paper: f.get("paper") == "1",
        major: f.get("major") == "1",
        deputy: f.get("deputy").to_string(),
        files: files.into_iter().map(|(_, u)| u).collect(),
    })
}

pub fn new_outgoing(f: &Fields, mut files: Vec<(String, Upload)>) -> Result<NewOutgoing> {
    let doc_type = DocType::parse(f.get("doc_type"))
        .ok_or_else(|| Error::invalid("invalid_doc_type", "请选择公文类型"))?;
    let (secrecy, secrecy_years) = secrecy(f)?;
    let leader = f.get("instructing_leader").trim();
    Ok(NewOutgoing {
        title: f.get("title").to_string(),
        doc_type,
        urgency: urgency(f)?,
        secrecy,
        secrecy_years,
        deputy: f.get("deputy").to_string(),
        instructing_leader: (!leader.is_empty()).then(|| leader.to_string()),
        main_to: f.get("main_to").to_string(),
        cc_to: f.get("cc_to").to_string(),
        public_release: f.get("public_release") == "1",
        body: f.get("body").to_string(),
        docx: take(&mut files, "docx"),
    })
}

/// The act a task's form asks for. The route task carries two: 分办
/// (`action=route`, the default) and 退回 (`action=return`).
pub fn act(task: &Task, f: &Fields, mut files: Vec<(String, Upload)>) -> Result<Act> {
    Ok(match task.step {
        TaskStep::Approve => Act::Approve(opinion(f)?),
        TaskStep::Register => Act::Register(registration(f)?),
        TaskStep::Route if f.get("action") == "return" => Act::Return {
            reason: f.get("reason").to_string(),
        },
        TaskStep::Route => {
            let lead = int(f, "lead", "主办处室")?
                .ok_or_else(|| Error::invalid("lead_required", "请选择主办处室"))?;
            let limit = int(f, "limit", "办理时限")?
                .map(|d| {
                    u32::try_from(d).map_err(|_| Error::invalid("invalid_limit", "办理时限无效"))
                })
                .transpose()?;
            Act::Route {
                lead,
                co: ids(f, "co", "协办处室")?,
                limit,
            }
        }
        TaskStep::Resubmit => Act::Resubmit {
            note: f.get("note").to_string(),
        },
        TaskStep::DivisionOpinion => Act::DivisionOpinion {
            opinion: opinion(f)?,
            handler: f.get("handler").to_string(),
        },
        TaskStep::Handle => Act::Handle {
            result: f.get("result").to_string(),
        },
        TaskStep::LeaderRead => Act::LeaderRead(opinion(f)?),
        TaskStep::Read => Act::Read,
        TaskStep::Draft => Act::SubmitDraft {
            cosign: ids(f, "cosign", "会签处室")?,
        },
        TaskStep::Cosign => Act::Cosign(opinion(f)?),
        TaskStep::Consolidate => Act::Consolidate {
            escalate: f.get("escalate") == "1",
            note: f.get("note").to_string(),
        },
        TaskStep::Coordinate => Act::Coordinate(opinion(f)?),
        TaskStep::Sign => Act::Sign {
            opinion: opinion(f)?,
            scan: take(&mut files, "scan"),
        },
        TaskStep::Recheck => Act::Recheck {
            note: f.get("note").to_string(),
        },
        TaskStep::Number => Act::Number {
            entered: int(f, "entered", "文号顺序号")?,
        },
        TaskStep::Print => Act::Print {
            copies: int(f, "copies", "印制份数")?.unwrap_or(0),
            main_to: f.get("main_to").to_string(),
            cc_to: f.get("cc_to").to_string(),
        },
        TaskStep::Issue => {
            let loc = f.get("archive_location").trim();
            Act::Issue {
                archive_location: (!loc.is_empty()).then(|| loc.to_string()),
            }
        }
        TaskStep::ApproveAmendment => Act::ApproveAmendment(opinion(f)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(v: &[(&str, &str)]) -> Fields {
        Fields(
            v.iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
        )
    }

    #[test]
    fn json_bodies_read_as_the_same_fields_as_forms() {
        let f = json_fields(
            &serde_json::json!({"lead": 3, "co": [4, 5], "paper": true, "text": "同意"}),
        )
        .expect("object");
        assert_eq!(f.get("lead"), "3");
        assert_eq!(f.all("co"), vec!["4", "5"]);
        assert_eq!(f.get("paper"), "1");
        assert!(json_fields(&serde_json::json!([1, 2])).is_err());
    }

    #[test]
    fn registration_refuses_a_missing_date_and_top_secret_documents() {
        let e = registration(&fields(&[("source_org", "市应急局"), ("received_on", "")]))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("日期"), "{e}");
        let e = registration(&fields(&[
            ("source_org", "市应急局"),
            ("received_on", "2026-11-02"),
            ("secrecy", "绝密"),
        ]))
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
        assert!(e.contains("绝密"), "{e}");
    }

    #[test]
    fn a_number_field_with_letters_is_refused_in_chinese() {
        let e = int(&fields(&[("copies", "3份")]), "copies", "份数")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("份数应为整数"), "{e}");
    }
}
