//! The 公开指南 (条例 Art 12): the classification and arrangement of the
//! information, how to obtain it, and the disclosure office's name,
//! address, office hours, telephone, fax and internet contact. The office
//! edits these settings; every save is kept (the store writes a new row),
//! and the public page is generated from the latest. Pure: parsing,
//! checking and defaults; the SQL is in `store`.

use serde::{Deserialize, Serialize};
use yangguang_kernel::org_store::Agency;
use yangguang_kernel::text::{optional, required};

use crate::DisclosureError;
use crate::store::Category;

/// The guide's settings, as stored (JSON) and edited.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Guide {
    /// 政府信息公开工作机构 (the disclosure office).
    pub office_name: String,
    pub address: String,
    pub postcode: String,
    pub office_hours: String,
    pub phone: String,
    pub fax: String,
    pub email: String,
    /// 互联网联系方式 (website or online channel).
    pub website: String,
    /// 获取信息的方式 (multi-line).
    pub how_to_obtain: String,
    /// 信息分类与编排体系 (multi-line).
    pub classification: String,
    /// 收费 (multi-line).
    pub fees: String,
    /// 监督和救济 (multi-line).
    pub supervision: String,
}

/// A field of the guide form: form name, label, maximum length in
/// characters, required, multi-line.
pub struct FieldSpec {
    pub name: &'static str,
    pub label: &'static str,
    pub max: usize,
    pub required: bool,
    pub multiline: bool,
}

const fn f(
    name: &'static str,
    label: &'static str,
    max: usize,
    required: bool,
    multiline: bool,
) -> FieldSpec {
    FieldSpec {
        name,
        label,
        max,
        required,
        multiline,
    }
}

/// Every field, in the order of the form.
pub const FIELDS: [FieldSpec; 12] = [
    f("office_name", "政府信息公开工作机构名称", 100, true, false),
    f("address", "办公地址", 200, true, false),
    f("postcode", "邮政编码", 10, false, false),
    f("office_hours", "办公时间", 200, true, false),
    f("phone", "联系电话", 60, true, false),
    f("fax", "传真", 60, false, false),
    f("email", "电子邮箱", 100, false, false),
    f("website", "互联网联系方式（网址）", 200, false, false),
    f("how_to_obtain", "获取政府信息的方式", 3000, true, true),
    f("classification", "信息分类与编排体系", 3000, true, true),
    f("fees", "收费说明", 2000, true, true),
    f("supervision", "监督和救济", 2000, true, true),
];

impl Guide {
    /// The value of a field by its form name.
    pub fn get(&self, name: &str) -> &str {
        match name {
            "office_name" => &self.office_name,
            "address" => &self.address,
            "postcode" => &self.postcode,
            "office_hours" => &self.office_hours,
            "phone" => &self.phone,
            "fax" => &self.fax,
            "email" => &self.email,
            "website" => &self.website,
            "how_to_obtain" => &self.how_to_obtain,
            "classification" => &self.classification,
            "fees" => &self.fees,
            "supervision" => &self.supervision,
            _ => "",
        }
    }

    fn set(&mut self, name: &str, v: String) {
        let slot = match name {
            "office_name" => &mut self.office_name,
            "address" => &mut self.address,
            "postcode" => &mut self.postcode,
            "office_hours" => &mut self.office_hours,
            "phone" => &mut self.phone,
            "fax" => &mut self.fax,
            "email" => &mut self.email,
            "website" => &mut self.website,
            "how_to_obtain" => &mut self.how_to_obtain,
            "classification" => &mut self.classification,
            "fees" => &mut self.fees,
            "supervision" => &mut self.supervision,
            _ => return,
        };
        *slot = v;
    }

    /// Parses the form: every field checked (length in characters, no
    /// control characters; line breaks allowed in the multi-line ones).
    pub fn parse(get: impl Fn(&str) -> String) -> Result<Guide, DisclosureError> {
        let mut g = Guide::default();
        for spec in &FIELDS {
            let raw = get(spec.name);
            let v = if spec.multiline {
                multiline(spec.label, &raw, spec.max, spec.required)?
            } else if spec.required {
                required(spec.label, &raw, spec.max)?
            } else {
                optional(spec.label, &raw, spec.max)?.unwrap_or_default()
            };
            g.set(spec.name, v);
        }
        Ok(g)
    }

    /// The labels of the fields that differ from `before`.
    pub fn changed_from(&self, before: &Guide) -> Vec<&'static str> {
        FIELDS
            .iter()
            .filter(|s| self.get(s.name) != before.get(s.name))
            .map(|s| s.label)
            .collect()
    }

    /// The guide an agency starts with when the office has saved none.
    pub fn default_for(agency: Option<&Agency>, categories: &[Category]) -> Guide {
        let name = agency
            .map(|a| a.name.clone())
            .unwrap_or_else(|| "本机关".to_string());
        Guide {
            office_name: format!("{name}办公室"),
            address: agency.map(|a| a.address.clone()).unwrap_or_default(),
            postcode: String::new(),
            office_hours: "工作日上午 9:00—12:00，下午 13:30—17:00（法定节假日除外）".into(),
            phone: agency.map(|a| a.phone.clone()).unwrap_or_default(),
            fax: String::new(),
            email: String::new(),
            website: String::new(),
            how_to_obtain: format!(
                "主动公开的政府信息，通过{name}门户网站“政府信息公开”专栏发布，公众可在网上检索、查阅和下载；\
                 也可到本机关政府信息公开工作机构的查阅场所查阅。\n\
                 需要获取主动公开以外的政府信息的，可以向本机关提出政府信息公开申请（见本指南“三、依申请公开”）。"
            ),
            classification: default_classification(categories),
            fees: "行政机关依申请提供政府信息，不收取费用。但是，申请人申请公开政府信息的数量、频次明显超过合理范围的，\
                   按照《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）收取信息处理费，\
                   收费前书面告知申请人收费依据、标准、数额和缴纳方式。"
                .into(),
            supervision: format!(
                "公民、法人或者其他组织认为{name}在政府信息公开工作中侵犯其合法权益的，\
                 可以向上一级行政机关或者政府信息公开工作主管部门投诉、举报，\
                 也可以依法申请行政复议或者提起行政诉讼。"
            ),
        }
    }
}

/// A multi-line text field: trimmed, at most `max` characters, no control
/// characters other than line breaks and tabs.
fn multiline(
    label: &str,
    value: &str,
    max: usize,
    needed: bool,
) -> Result<String, DisclosureError> {
    let v = value.trim().replace("\r\n", "\n");
    if v.is_empty() {
        if needed {
            return Err(DisclosureError::invalid(
                "missing_field",
                format!("请填写{label}"),
            ));
        }
        return Ok(String::new());
    }
    let n = v.chars().count();
    if n > max {
        return Err(DisclosureError::invalid(
            "field_too_long",
            format!("{label}过长：最多 {max} 个字，现有 {n} 个字"),
        ));
    }
    if v.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(DisclosureError::invalid(
            "invalid_characters",
            format!("{label}含有不可见的控制字符，请删除后重试"),
        ));
    }
    Ok(v)
}

/// The default description of the classification: the category tree.
pub fn default_classification(categories: &[Category]) -> String {
    let tops: Vec<String> = categories
        .iter()
        .filter(|c| c.parent.is_none())
        .map(|c| {
            let kids: Vec<&str> = categories
                .iter()
                .filter(|k| k.parent.as_deref() == Some(c.code.as_str()))
                .map(|k| k.name.as_str())
                .collect();
            if kids.is_empty() {
                c.name.clone()
            } else {
                format!("{}（{}）", c.name, kids.join("、"))
            }
        })
        .collect();
    format!(
        "本机关主动公开的政府信息按主题分为：{}。\n\
         每条信息标注索引号、名称、内容概述、主题分类、体裁、发布机构、成文日期、发布日期、文号和有效性；\
         索引号由机关代码、年份和当年顺序号组成，一经编制不再重复使用。\n\
         公开目录按发布日期由近及远排列，可按主题分类、年份、体裁、发布机构和有效性筛选。",
        tops.join("、")
    )
}

/// Paragraphs of a multi-line setting (for the public page).
pub fn lines(s: &str) -> Vec<&str> {
    s.lines().map(str::trim).filter(|l| !l.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cats() -> Vec<Category> {
        vec![
            Category {
                code: "zcwj".into(),
                parent: None,
                name: "政策文件".into(),
            },
            Category {
                code: "zcwj_gfxwj".into(),
                parent: Some("zcwj".into()),
                name: "规范性文件".into(),
            },
            Category {
                code: "qt".into(),
                parent: None,
                name: "其他".into(),
            },
        ]
    }

    #[test]
    fn the_default_guide_describes_the_category_tree_and_passes_its_own_checks() {
        let g = Guide::default_for(None, &cats());
        assert!(g.classification.contains("政策文件（规范性文件）、其他"));
        let mut filled = g.clone();
        filled.address = "苏州市三香路".into();
        filled.phone = "0512-12345678".into();
        let again = Guide::parse(|k| filled.get(k).to_string()).expect("valid");
        assert_eq!(again, filled);
    }

    #[test]
    fn over_long_and_missing_fields_are_refused_in_chinese() {
        let g = Guide::default_for(None, &cats());
        let long = "长".repeat(101);
        let e = Guide::parse(|k| match k {
            "office_name" => long.clone(),
            _ => g.get(k).to_string(),
        })
        .err()
        .map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some("政府信息公开工作机构名称过长：最多 100 个字，现有 101 个字")
        );
        let e = Guide::parse(|k| g.get(k).to_string())
            .err()
            .map(|e| e.to_string());
        assert_eq!(e.as_deref(), Some("请填写办公地址"));
    }

    #[test]
    fn changed_fields_are_named() {
        let a = Guide::default_for(None, &cats());
        let mut b = a.clone();
        b.phone = "1".into();
        assert_eq!(b.changed_from(&a), vec!["联系电话"]);
    }
}
