use proptest::prelude::*;
use time::macros::date;

use super::*;

fn o(code: &str) -> Outcome {
    Outcome::parse(code).unwrap_or_else(|| panic!("{code}"))
}

#[test]
fn table3_has_every_row_of_rules_section_4_in_order() {
    let labels: Vec<&str> = table3_rows().into_iter().map(|r| r.label()).collect();
    assert_eq!(labels.len(), 30);
    assert_eq!(labels[0], "一、本年新收政府信息公开申请数量");
    assert_eq!(labels[2], "三、本年度办理结果");
    assert_eq!(labels[3], "（一）予以公开");
    assert_eq!(labels[5], "（三）不予公开");
    assert_eq!(labels[6], "1.属于国家秘密");
    assert_eq!(labels[14], "（四）无法提供");
    assert_eq!(labels[18], "（五）不予处理");
    assert_eq!(labels[24], "（六）其他处理");
    assert_eq!(labels[27], "3.其他");
    assert_eq!(labels[28], "（七）总计");
    assert_eq!(labels[29], "四、结转下年度继续办理");
}

#[test]
fn counted_in_the_year_of_reply_and_carried_over_when_open_on_31_december() {
    let facts = [
        // Received last year, replied this year: carried in, counted now.
        AppFact {
            kind: ApplicantKind::Natural,
            received: date!(2025 - 12 - 20),
            replied: Some((date!(2026 - 01 - 10), o("disclose"))),
        },
        // Received last year, replied last year: not in this year's table.
        AppFact {
            kind: ApplicantKind::Natural,
            received: date!(2025 - 11 - 20),
            replied: Some((date!(2025 - 12 - 10), o("disclose"))),
        },
        // Received this year, still open: carried out.
        AppFact {
            kind: ApplicantKind::Legal,
            received: date!(2026 - 12 - 28),
            replied: None,
        },
        // Received this year, replied next year: carried out this year.
        AppFact {
            kind: ApplicantKind::Research,
            received: date!(2026 - 12 - 29),
            replied: Some((date!(2027 - 01 - 05), o("withhold_4"))),
        },
        AppFact {
            kind: ApplicantKind::Commercial,
            received: date!(2026 - 03 - 02),
            replied: Some((date!(2026 - 03 - 20), o("withhold_4"))),
        },
        // Next year's: ignored.
        AppFact {
            kind: ApplicantKind::Natural,
            received: date!(2027 - 01 - 04),
            replied: None,
        },
    ];
    let t = table3_from(&facts, 2026);
    assert_eq!(t.row(Row3::New), [0, 1, 1, 0, 1, 0, 3]);
    assert_eq!(t.row(Row3::CarriedIn), [1, 0, 0, 0, 0, 0, 1]);
    assert_eq!(t.row(Row3::Outcome(o("disclose"))), [1, 0, 0, 0, 0, 0, 1]);
    assert_eq!(
        t.row(Row3::GroupHead(Group::Withhold)),
        [0, 1, 0, 0, 0, 0, 1]
    );
    assert_eq!(t.row(Row3::Total), [1, 1, 0, 0, 0, 0, 2]);
    assert_eq!(t.row(Row3::Results), t.row(Row3::Total));
    assert_eq!(t.row(Row3::CarriedOut), [0, 0, 1, 0, 1, 0, 2]);
    assert!(t.invariant_failures().is_empty());
}

#[test]
fn invariant_failure_names_the_column_and_both_sides() {
    let mut t = Table3::empty();
    t.new[3] = 2;
    t.add_outcome(o("partial"), 3, 1);
    assert_eq!(t.invariant_failures(), vec![(3, 2, 1), (6, 2, 1)]);
}

#[test]
fn json_has_columns_and_rows_with_group_sums() {
    let mut t = Table3::empty();
    t.add_outcome(o("cannot_1"), 0, 2);
    t.add_outcome(o("cannot_3"), 5, 1);
    let j = t.to_json();
    assert_eq!(j["columns"][6], "总计");
    let rows = j["rows"].as_array().map(|r| r.len());
    assert_eq!(rows, Some(30));
    assert_eq!(j["rows"][14]["label"], "（四）无法提供");
    assert_eq!(
        j["rows"][14]["values"],
        serde_json::json!([2, 0, 0, 0, 0, 1, 3])
    );
    assert_eq!(
        j["rows"][2]["values"],
        serde_json::json!([2, 0, 0, 0, 0, 1, 3])
    );
}

#[test]
fn table4_counts_concluded_cases_by_result_and_open_ones_as_pending() {
    let cases = [
        CaseFact {
            kind: CaseKind::Review,
            filed: date!(2026 - 02 - 01),
            concluded: Some((date!(2026 - 04 - 01), CaseResult::Upheld)),
        },
        CaseFact {
            kind: CaseKind::Review,
            filed: date!(2026 - 11 - 01),
            concluded: None,
        },
        CaseFact {
            kind: CaseKind::SuitAfterReview,
            filed: date!(2026 - 05 - 01),
            concluded: Some((date!(2027 - 02 - 01), CaseResult::Corrected)),
        },
        CaseFact {
            kind: CaseKind::SuitDirect,
            filed: date!(2025 - 05 - 01),
            concluded: Some((date!(2025 - 09 - 01), CaseResult::Corrected)),
        },
    ];
    let t = table4_from(&cases, 2026);
    assert_eq!(t.row(0), [1, 0, 0, 1, 2]);
    assert_eq!(t.row(1), [0, 0, 0, 0, 0]);
    assert_eq!(t.row(2), [0, 0, 0, 1, 1]);
    let j = t.to_json();
    assert_eq!(j["rows"][2]["label"], "行政诉讼·复议后起诉");
    assert_eq!(j["columns"][4], "总计");
}

#[test]
fn table2_lists_each_section_row_and_column_with_its_source() {
    assert_eq!(table2_keys().len(), 6 + 1 + 2 + 1);
    let j = table2_json(|k| Figure {
        value: if k == "规章/本年制发件数" {
            3.0
        } else {
            0.0
        },
        source: "entered",
    });
    assert_eq!(j["sections"][0]["rows"][0]["label"], "规章");
    assert_eq!(j["sections"][0]["rows"][0]["values"][0], 3.0);
    assert_eq!(j["sections"][3]["columns"][0], "本年收费金额（单位：万元）");
}

fn arb_fact() -> impl Strategy<Value = AppFact> {
    (
        0usize..6,
        0i64..1500,
        proptest::option::of((0i64..400, 0usize..21)),
    )
        .prop_map(|(k, d, r)| {
            let received = date!(2024 - 06 - 01) + time::Duration::days(d);
            let outcomes: Vec<Outcome> = Outcome::all().collect();
            AppFact {
                kind: ApplicantKind::ALL[k],
                received,
                replied: r.map(|(lag, oi)| (received + time::Duration::days(lag), outcomes[oi])),
            }
        })
}

proptest! {
    #[test]
    fn any_set_of_applications_satisfies_the_report_invariant(
        facts in proptest::collection::vec(arb_fact(), 0..200),
        year in 2024i32..2029,
    ) {
        let t = table3_from(&facts, year);
        prop_assert!(t.invariant_failures().is_empty(), "{:?}", t.invariant_failures());
        prop_assert_eq!(t.row(Row3::Results), t.row(Row3::Total));
    }
}
