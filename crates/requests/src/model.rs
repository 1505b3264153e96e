//! The application form, parsed at the edge into a typed command. Every
//! field is checked with a Chinese message; nothing is stored until the
//! whole form is valid.

use serde::Deserialize;
use time::Date;
use yangguang_kernel::pii;
use yangguang_kernel::text::{optional, required};
use yangguang_kernel::{Error, Result};

use crate::rules::ApplicantKind;

/// The form as posted (public form and staff registration share it).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ApplicationForm {
    /// `natural` or `org`.
    pub applicant_type: String,
    /// For `org`: commercial, research, public_welfare, legal, other_org.
    pub org_kind: String,
    pub name: String,
    pub id_type: String,
    pub id_number: String,
    pub legal_rep: String,
    pub contact: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub description: String,
    pub doc_ref: String,
    pub purpose: String,
    pub provision_form: String,
    pub delivery: String,
}

/// ID documents of a natural person.
pub const ID_TYPES: [(&str, &str); 5] = [
    ("resident_id", "居民身份证"),
    ("passport", "护照"),
    ("hk_macao", "港澳居民来往内地通行证"),
    ("taiwan", "台湾居民来往大陆通行证"),
    ("foreign_pr", "外国人永久居留身份证"),
];
/// The organisation code accepted.
pub const ORG_ID_TYPE: (&str, &str) = ("credit_code", "统一社会信用代码");

pub const ORG_KINDS: [ApplicantKind; 5] = [
    ApplicantKind::Commercial,
    ApplicantKind::Research,
    ApplicantKind::PublicWelfare,
    ApplicantKind::Legal,
    ApplicantKind::OtherOrg,
];

pub const PROVISION_FORMS: [(&str, &str); 2] = [("paper", "纸质"), ("electronic", "电子")];
pub const DELIVERIES: [(&str, &str); 4] = [
    ("pickup", "自行领取"),
    ("post", "邮寄"),
    ("email", "电子邮件"),
    ("online", "网上获取"),
];

/// The first 30 characters of a description, for lists.
pub fn clip_title(s: &str) -> String {
    yangguang_kernel::text::clip(s.lines().next().unwrap_or_default(), 30)
}

pub fn label_of(list: &[(&'static str, &'static str)], code: &str) -> &'static str {
    list.iter()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| *l)
        .unwrap_or("")
}

/// A valid application, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApplication {
    pub kind: ApplicantKind,
    pub name: String,
    pub id_type: String,
    pub id_number: String,
    pub legal_rep: Option<String>,
    pub contact: Option<String>,
    pub phone: String,
    pub email: Option<String>,
    pub address: Option<String>,
    pub description: String,
    pub doc_ref: Option<String>,
    pub purpose: Option<String>,
    pub provision_form: String,
    pub delivery: String,
}

/// Multi-line text: trimmed, required, at most `max` characters, no
/// control characters other than line breaks and tabs.
pub fn long_text(label: &str, value: &str, max: usize, need: bool) -> Result<Option<String>> {
    let v = value.trim().replace("\r\n", "\n");
    if v.is_empty() {
        if need {
            return Err(Error::invalid("missing_field", format!("请填写{label}")));
        }
        return Ok(None);
    }
    let n = v.chars().count();
    if n > max {
        return Err(Error::invalid(
            "field_too_long",
            format!("{label}过长：最多 {max} 个字，现有 {n} 个字"),
        ));
    }
    if v.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(Error::invalid(
            "invalid_characters",
            format!("{label}含有不可见的控制字符，请删除后重试"),
        ));
    }
    Ok(Some(v))
}

fn check_email(v: &str) -> Result<String> {
    let v = v.trim();
    let ok = v.len() <= 100
        && v.split_once('@').is_some_and(|(user, host)| {
            !user.is_empty()
                && host.contains('.')
                && !host.starts_with('.')
                && !host.ends_with('.')
                && !host.contains('@')
        })
        && !v.chars().any(|c| c.is_whitespace() || c.is_control());
    if !ok {
        return Err(Error::invalid(
            "invalid_email",
            format!(
                "电子邮箱“{}”格式不正确，例如 zhangsan@example.com",
                yangguang_kernel::text::clip(v, 40)
            ),
        ));
    }
    Ok(v.to_string())
}

fn check_other_id(label: &str, v: &str) -> Result<String> {
    let v = v.trim().to_ascii_uppercase();
    let n = v.chars().count();
    if !(5..=20).contains(&n) || !v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(Error::invalid(
            "invalid_id_number",
            format!("{label}号码应为5至20位字母或数字"),
        ));
    }
    Ok(v)
}

fn pii_err(label: &str, e: pii::PiiError) -> Error {
    let code = match label {
        "联系电话" => "invalid_phone",
        "统一社会信用代码" => "invalid_credit_code",
        _ => "invalid_id_number",
    };
    Error::invalid(code, e.to_string())
}

impl ApplicationForm {
    /// Parses the whole form; the first problem is reported.
    pub fn parse(&self, today: Date) -> Result<NewApplication> {
        let kind = match self.applicant_type.trim() {
            "natural" => ApplicantKind::Natural,
            "org" => ApplicantKind::parse(self.org_kind.trim())
                .filter(|k| k.is_org())
                .ok_or_else(|| {
                    Error::invalid(
                        "invalid_org_kind",
                        "请选择法人或其他组织的类型：商业企业、科研机构、社会公益组织、法律服务机构或其他",
                    )
                })?,
            _ => {
                return Err(Error::invalid(
                    "invalid_applicant_type",
                    "请选择申请人类型：自然人，或法人或其他组织",
                ));
            }
        };
        let name = if kind.is_org() {
            required("单位名称", &self.name, 100)?
        } else {
            required("姓名", &self.name, 50)?
        };
        let (id_type, id_number) = if kind.is_org() {
            let code = pii::check_unified_social_credit_code(&self.id_number)
                .map_err(|e| pii_err("统一社会信用代码", e))?;
            (ORG_ID_TYPE.0.to_string(), code)
        } else {
            let t = self.id_type.trim();
            let label = label_of(&ID_TYPES, t);
            if label.is_empty() {
                return Err(Error::invalid("invalid_id_type", "请选择身份证件类型"));
            }
            if self.id_number.trim().is_empty() {
                return Err(Error::invalid(
                    "missing_field",
                    format!("请填写{label}号码"),
                ));
            }
            let n = if t == "resident_id" {
                pii::check_id_number(&self.id_number, today).map_err(|e| pii_err("身份证", e))?
            } else {
                check_other_id(label, &self.id_number)?
            };
            (t.to_string(), n)
        };
        let legal_rep = if kind.is_org() {
            Some(required("法定代表人或负责人", &self.legal_rep, 50)?)
        } else {
            optional("法定代表人", &self.legal_rep, 50)?
        };
        let contact = if kind.is_org() {
            Some(required("联系人", &self.contact, 50)?)
        } else {
            optional("联系人", &self.contact, 50)?
        };
        if self.phone.trim().is_empty() {
            return Err(Error::invalid("missing_field", "请填写联系电话"));
        }
        let phone = pii::check_phone(&self.phone).map_err(|e| pii_err("联系电话", e))?;
        let email = match self.email.trim() {
            "" => None,
            e => Some(check_email(e)?),
        };
        let address = optional("通信地址", &self.address, 200)?;
        let description =
            long_text("所需政府信息的内容描述", &self.description, 2000, true)?.unwrap_or_default();
        if description.chars().count() < 5 {
            return Err(Error::invalid(
                "description_too_short",
                "所需政府信息的内容描述过短：请写明所需信息的名称、文号或便于查找的其他特征描述",
            ));
        }
        let doc_ref = optional("文件名称或文号", &self.doc_ref, 200)?;
        let purpose = long_text("用途", &self.purpose, 500, false)?;
        let provision_form = self.provision_form.trim();
        if label_of(&PROVISION_FORMS, provision_form).is_empty() {
            return Err(Error::invalid(
                "invalid_provision_form",
                "请选择信息提供形式：纸质或电子",
            ));
        }
        let delivery = self.delivery.trim();
        if label_of(&DELIVERIES, delivery).is_empty() {
            return Err(Error::invalid(
                "invalid_delivery",
                "请选择获取信息的方式：自行领取、邮寄、电子邮件或网上获取",
            ));
        }
        if delivery == "post" && address.is_none() {
            return Err(Error::invalid(
                "missing_field",
                "选择邮寄的，请填写通信地址",
            ));
        }
        if delivery == "email" && email.is_none() {
            return Err(Error::invalid(
                "missing_field",
                "选择电子邮件获取的，请填写电子邮箱",
            ));
        }
        Ok(NewApplication {
            kind,
            name,
            id_type,
            id_number,
            legal_rep,
            contact,
            phone,
            email,
            address,
            description,
            doc_ref,
            purpose,
            provision_form: provision_form.to_string(),
            delivery: delivery.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    pub fn valid() -> ApplicationForm {
        ApplicationForm {
            applicant_type: "natural".into(),
            name: "张三".into(),
            id_type: "resident_id".into(),
            id_number: "11010519491231002X".into(),
            phone: "13800138000".into(),
            description: "2025年度安全生产监督检查计划全文".into(),
            provision_form: "electronic".into(),
            delivery: "online".into(),
            ..Default::default()
        }
    }

    fn refused(f: ApplicationForm) -> String {
        match f.parse(date!(2026 - 10 - 09)) {
            Ok(v) => panic!("accepted {v:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn a_complete_natural_person_form_is_accepted() {
        let a = valid()
            .parse(date!(2026 - 10 - 09))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.kind, ApplicantKind::Natural);
        assert_eq!(a.id_number, "11010519491231002X");
    }

    #[test]
    fn every_field_is_checked_with_a_chinese_message() {
        type Edit = fn(&mut ApplicationForm);
        let cases: Vec<(Edit, &str)> = vec![
            (|f| f.applicant_type = "robot".into(), "请选择申请人类型"),
            (|f| f.name = " ".into(), "请填写姓名"),
            (|f| f.name = "张".repeat(51), "姓名过长"),
            (|f| f.id_type = "".into(), "请选择身份证件类型"),
            (|f| f.id_number = "".into(), "请填写居民身份证号码"),
            (|f| f.id_number = "110105194912310021".into(), "校验位"),
            (|f| f.id_number = "110105491231002".into(), "15位"),
            (
                |f| {
                    f.id_type = "passport".into();
                    f.id_number = "E1".into();
                },
                "护照号码应为5至20位",
            ),
            (|f| f.phone = "".into(), "请填写联系电话"),
            (|f| f.phone = "12345".into(), "电话号码格式不正确"),
            (|f| f.email = "a@b".into(), "电子邮箱“a@b”格式不正确"),
            (
                |f| f.description = "".into(),
                "请填写所需政府信息的内容描述",
            ),
            (|f| f.description = "文件".into(), "内容描述过短"),
            (|f| f.description = "长".repeat(2001), "最多 2000 个字"),
            (|f| f.description = "计划\u{0}全文内容".into(), "控制字符"),
            (|f| f.purpose = "用".repeat(501), "用途过长"),
            (|f| f.provision_form = "fax".into(), "请选择信息提供形式"),
            (|f| f.delivery = "".into(), "请选择获取信息的方式"),
            (|f| f.delivery = "post".into(), "请填写通信地址"),
            (|f| f.delivery = "email".into(), "请填写电子邮箱"),
            (|f| f.address = "路".repeat(201), "通信地址过长"),
            (|f| f.doc_ref = "号".repeat(201), "文件名称或文号过长"),
        ];
        for (edit, msg) in cases {
            let mut f = valid();
            edit(&mut f);
            let e = refused(f);
            assert!(e.contains(msg), "expected “{msg}” in “{e}”");
        }
    }

    #[test]
    fn an_organisation_needs_its_kind_credit_code_representative_and_contact() {
        let mut f = valid();
        f.applicant_type = "org".into();
        f.name = "某某律师事务所".into();
        assert!(refused(f.clone()).contains("请选择法人或其他组织的类型"));
        f.org_kind = "legal".into();
        assert!(refused(f.clone()).contains("统一社会信用代码"));
        f.id_number = "91350100M000100Y43".into();
        assert!(refused(f.clone()).contains("请填写法定代表人或负责人"));
        f.legal_rep = "李四".into();
        assert!(refused(f.clone()).contains("请填写联系人"));
        f.contact = "王五".into();
        let a = f
            .parse(date!(2026 - 10 - 09))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.kind, ApplicantKind::Legal);
        assert_eq!(a.id_type, "credit_code");
    }
}
