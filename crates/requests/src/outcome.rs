//! Reply outcomes: exactly the categories of annual report table 三
//! (RULES.md §4), each with its legal basis and the remedies its letter
//! states (RULES.md §3).

use serde::{Deserialize, Serialize};

/// The group rows of table 三, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Group {
    Disclose,
    Partial,
    Withhold,
    CannotProvide,
    NotProcessed,
    Other,
}

impl Group {
    pub fn label(self) -> &'static str {
        match self {
            Group::Disclose => "予以公开",
            Group::Partial => "部分公开",
            Group::Withhold => "不予公开",
            Group::CannotProvide => "无法提供",
            Group::NotProcessed => "不予处理",
            Group::Other => "其他处理",
        }
    }
}

/// One outcome category: its group and item number (0 for the groups
/// without items, 予以公开 and 部分公开).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Outcome {
    pub group: Group,
    pub item: u8,
}

struct Def {
    code: &'static str,
    group: Group,
    item: u8,
    /// The verbatim label of table 三.
    label: &'static str,
    basis: &'static str,
    /// What the letter tells the applicant, before the remedies.
    decision: &'static str,
}

const DEFS: [Def; 21] = [
    Def {
        code: "disclose",
        group: Group::Disclose,
        item: 0,
        label: "（一）予以公开",
        basis: "《中华人民共和国政府信息公开条例》第三十六条第（二）项",
        decision: "经审查，您申请获取的政府信息属于公开范围，本机关予以公开，现将该信息提供给您（见附件）。",
    },
    Def {
        code: "partial",
        group: Group::Partial,
        item: 0,
        label: "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        basis: "《中华人民共和国政府信息公开条例》第三十七条",
        decision: "经审查，您申请获取的政府信息中含有不应当公开的内容，但能够作区分处理，本机关向您提供可以公开的部分（见附件），不予公开的部分及理由如下。",
    },
    Def {
        code: "withhold_1",
        group: Group::Withhold,
        item: 1,
        label: "1.属于国家秘密",
        basis: "《中华人民共和国政府信息公开条例》第十四条、第三十六条第（三）项",
        decision: "经审查，您申请获取的政府信息属于国家秘密，依法不予公开。",
    },
    Def {
        code: "withhold_2",
        group: Group::Withhold,
        item: 2,
        label: "2.其他法律行政法规禁止公开",
        basis: "《中华人民共和国政府信息公开条例》第十四条、第三十六条第（三）项",
        decision: "经审查，您申请获取的政府信息属于法律、行政法规禁止公开的信息，依法不予公开。",
    },
    Def {
        code: "withhold_3",
        group: Group::Withhold,
        item: 3,
        label: "3.危及\"三安全一稳定\"",
        basis: "《中华人民共和国政府信息公开条例》第十四条、第三十六条第（三）项",
        decision: "经审查，您申请获取的政府信息公开后可能危及国家安全、公共安全、经济安全、社会稳定，依法不予公开。",
    },
    Def {
        code: "withhold_4",
        group: Group::Withhold,
        item: 4,
        label: "4.保护第三方合法权益",
        basis: "《中华人民共和国政府信息公开条例》第十五条、第三十六条第（三）项",
        decision: "经审查，您申请获取的政府信息涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害，依法不予公开。",
    },
    Def {
        code: "withhold_5",
        group: Group::Withhold,
        item: 5,
        label: "5.属于三类内部事务信息",
        basis: "《中华人民共和国政府信息公开条例》第十六条第一款、第三十六条第（三）项",
        decision: "经审查，您申请获取的信息属于人事管理、后勤管理、内部工作流程等内部事务信息，可以不予公开。",
    },
    Def {
        code: "withhold_6",
        group: Group::Withhold,
        item: 6,
        label: "6.属于四类过程性信息",
        basis: "《中华人民共和国政府信息公开条例》第十六条第二款、第三十六条第（三）项",
        decision: "经审查，您申请获取的信息属于行政机关在履行行政管理职能过程中形成的讨论记录、过程稿、磋商信函、请示报告等过程性信息，可以不予公开。",
    },
    Def {
        code: "withhold_7",
        group: Group::Withhold,
        item: 7,
        label: "7.属于行政执法案卷",
        basis: "《中华人民共和国政府信息公开条例》第十六条第二款、第三十六条第（三）项",
        decision: "经审查，您申请获取的信息属于行政执法案卷信息，可以不予公开。",
    },
    Def {
        code: "withhold_8",
        group: Group::Withhold,
        item: 8,
        label: "8.属于行政查询事项",
        basis: "《中华人民共和国政府信息公开条例》第三十六条第（三）项",
        decision: "经审查，您申请获取的信息属于法律、行政法规规定的行政查询事项，请按相关规定办理查询。",
    },
    Def {
        code: "cannot_1",
        group: Group::CannotProvide,
        item: 1,
        label: "1.本机关不掌握相关政府信息",
        basis: "《中华人民共和国政府信息公开条例》第三十六条第（四）项、第（五）项",
        decision: "经检索查找，本机关未制作、获取您申请的政府信息，该政府信息不存在；能够确定负责公开该政府信息的行政机关的，已在下文告知名称和联系方式。",
    },
    Def {
        code: "cannot_2",
        group: Group::CannotProvide,
        item: 2,
        label: "2.没有现成信息需要另行制作",
        basis: "《中华人民共和国政府信息公开条例》第三十八条",
        decision: "您申请获取的信息需要本机关对现有政府信息进行加工、分析，本机关不负有另行制作的义务，无法提供。",
    },
    Def {
        code: "cannot_3",
        group: Group::CannotProvide,
        item: 3,
        label: "3.补正后申请内容仍不明确",
        basis: "《中华人民共和国政府信息公开条例》第三十条",
        decision: "经补正，您的申请内容仍不明确，本机关无法确定您所需的政府信息，无法提供。",
    },
    Def {
        code: "not_processed_1",
        group: Group::NotProcessed,
        item: 1,
        label: "1.信访举报投诉类申请",
        basis: "《中华人民共和国政府信息公开条例》第三十九条第一款",
        decision: "您的申请以政府信息公开申请的形式进行信访、投诉、举报等活动，本机关不作为政府信息公开申请处理，请通过相应渠道提出。",
    },
    Def {
        code: "not_processed_2",
        group: Group::NotProcessed,
        item: 2,
        label: "2.重复申请",
        basis: "《中华人民共和国政府信息公开条例》第三十六条第（六）项",
        decision: "本机关已就您申请公开的政府信息作出答复，您重复申请公开相同政府信息，本机关不予重复处理。",
    },
    Def {
        code: "not_processed_3",
        group: Group::NotProcessed,
        item: 3,
        label: "3.要求提供公开出版物",
        basis: "《中华人民共和国政府信息公开条例》第三十九条第二款",
        decision: "您申请获取的信息属于公开出版物，请通过公开渠道获取，本机关可以告知获取的途径。",
    },
    Def {
        code: "not_processed_4",
        group: Group::NotProcessed,
        item: 4,
        label: "4.无正当理由大量反复申请",
        basis: "《中华人民共和国政府信息公开条例》第三十五条",
        decision: "您申请公开政府信息的数量、频次明显超过合理范围，且说明的理由不合理，本机关不予处理。",
    },
    Def {
        code: "not_processed_5",
        group: Group::NotProcessed,
        item: 5,
        label: "5.要求行政机关确认或重新出具已获取信息",
        basis: "《中华人民共和国政府信息公开条例》第三十九条第二款",
        decision: "您的申请要求本机关确认或者重新出具已获取的信息，不属于政府信息公开申请，本机关不予处理。",
    },
    Def {
        code: "other_1",
        group: Group::Other,
        item: 1,
        label: "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        basis: "《中华人民共和国政府信息公开条例》第三十条",
        decision: "您无正当理由逾期未补正，视为放弃申请，本机关不再处理该政府信息公开申请。",
    },
    Def {
        code: "other_2",
        group: Group::Other,
        item: 2,
        label: "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        basis: "《中华人民共和国政府信息公开条例》第四十二条；《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）",
        decision: "您逾期未按收费通知要求缴纳信息处理费，本机关不再处理该政府信息公开申请。",
    },
    Def {
        code: "other_3",
        group: Group::Other,
        item: 3,
        label: "3.其他",
        basis: "《中华人民共和国政府信息公开条例》",
        decision: "本机关对您的申请作如下处理。",
    },
];

impl Outcome {
    /// Every category in the order of table 三.
    pub fn all() -> impl Iterator<Item = Outcome> {
        DEFS.iter().map(|d| Outcome {
            group: d.group,
            item: d.item,
        })
    }

    fn def(self) -> &'static Def {
        // Every Outcome is built from DEFS, so the search always succeeds;
        // the fallback (其他) keeps this total without a panic.
        DEFS.iter()
            .find(|d| d.group == self.group && d.item == self.item)
            .unwrap_or(&DEFS[20])
    }

    pub fn code(self) -> &'static str {
        self.def().code
    }

    pub fn parse(code: &str) -> Option<Outcome> {
        DEFS.iter().find(|d| d.code == code).map(|d| Outcome {
            group: d.group,
            item: d.item,
        })
    }

    /// The verbatim row label of table 三.
    pub fn label(self) -> &'static str {
        self.def().label
    }

    /// `不予公开：1.属于国家秘密` — the label with its group, for lists.
    pub fn full_label(self) -> String {
        if self.item == 0 {
            self.group.label().to_string()
        } else {
            format!("{}：{}", self.group.label(), self.label())
        }
    }

    pub fn legal_basis(self) -> &'static str {
        self.def().basis
    }

    pub fn decision_text(self) -> &'static str {
        self.def().decision
    }

    /// Information is released with the reply (attachments expected).
    pub fn releases(self) -> bool {
        matches!(self.group, Group::Disclose | Group::Partial)
    }

    /// 复议前置 (行政复议法 2023 Art 23(4)): the letter must say review first.
    pub fn review_first(self) -> bool {
        self.group == Group::Withhold
    }

    /// The remedies paragraph of the letter (RULES.md §3).
    pub fn remedies(self, review_body: &str, court: &str) -> String {
        if self.review_first() {
            format!(
                "如对本告知不服，根据《中华人民共和国行政复议法》第二十三条第一款第（四）项的规定，\
                 应当先向{review_body}申请行政复议（复议前置），申请期限为自收到本告知书之日起六十日内；\
                 对行政复议决定不服的，可以自收到行政复议决定书之日起十五日内向{court}提起行政诉讼。"
            )
        } else {
            format!(
                "如对本告知不服，可以自收到本告知书之日起六十日内向{review_body}申请行政复议，\
                 或者自收到本告知书之日起六个月内向{court}提起行政诉讼。"
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_are_exactly_the_21_categories_of_the_annual_report() {
        let all: Vec<Outcome> = Outcome::all().collect();
        assert_eq!(all.len(), 21);
        let count = |g| all.iter().filter(|o| o.group == g).count();
        assert_eq!(count(Group::Disclose), 1);
        assert_eq!(count(Group::Partial), 1);
        assert_eq!(count(Group::Withhold), 8);
        assert_eq!(count(Group::CannotProvide), 3);
        assert_eq!(count(Group::NotProcessed), 5);
        assert_eq!(count(Group::Other), 3);
    }

    #[test]
    fn codes_round_trip_and_are_unique() {
        let mut codes: Vec<&str> = Outcome::all().map(|o| o.code()).collect();
        for o in Outcome::all() {
            assert_eq!(Outcome::parse(o.code()), Some(o));
        }
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), 21);
        assert_eq!(Outcome::parse("withhold_9"), None);
    }

    #[test]
    fn every_withholding_letter_says_review_first_and_names_body_and_court() {
        for o in Outcome::all() {
            let r = o.remedies("某某市人民政府", "某某区人民法院");
            assert!(r.contains("某某市人民政府") && r.contains("某某区人民法院"));
            if o.group == Group::Withhold {
                assert!(
                    r.contains("应当先向某某市人民政府申请行政复议（复议前置）"),
                    "{r}"
                );
                assert!(r.contains("十五日内"), "{r}");
            } else {
                assert!(!r.contains("复议前置"), "{r}");
                assert!(r.contains("六十日内") && r.contains("六个月内"), "{r}");
            }
        }
    }

    #[test]
    fn every_category_has_a_legal_basis_citing_the_regulation() {
        for o in Outcome::all() {
            assert!(o.legal_basis().contains("政府信息公开条例"), "{}", o.code());
            assert!(!o.decision_text().is_empty());
        }
    }

    #[test]
    fn labels_are_verbatim_from_the_report_format() {
        let o = Outcome::parse("other_1").map(|o| o.label());
        assert_eq!(
            o,
            Some("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请")
        );
        assert_eq!(
            Outcome::parse("withhold_3").map(|o| o.label()),
            Some("3.危及\"三安全一稳定\"")
        );
    }
}
