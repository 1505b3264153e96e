//! The demo agency's power list: the shipped process definitions and the
//! 232 items of seed document 1 (8 licensing, 217 penalty, 7 others),
//! built from real articles of the safety laws by
//! `tools/powers_demo_items.py`. They go in through the same import as
//! an agency's spreadsheet.

use serde::Deserialize;
use time::OffsetDateTime;
use yangguang_kernel::audit::Actor;
use yangguang_kernel::{Error, Kernel, Result};

use crate::model::{Basis, Category, Content, DaysKind, Limit, Tier};
use crate::process_store;
use crate::sheet::Row;
use crate::store::{self, ImportReport};

/// The shipped process definitions: (file, BPMN).
pub const PROCESSES: [(&str, &str); 5] = [
    (
        "licensing.bpmn",
        include_str!("../processes/licensing.bpmn"),
    ),
    ("penalty.bpmn", include_str!("../processes/penalty.bpmn")),
    (
        "inspection.bpmn",
        include_str!("../processes/inspection.bpmn"),
    ),
    (
        "enforcement.bpmn",
        include_str!("../processes/enforcement.bpmn"),
    ),
    ("other.bpmn", include_str!("../processes/other.bpmn")),
];

const DEMO_ITEMS: &str = include_str!("../data/demo-items.json");

#[derive(Deserialize)]
struct DemoItem {
    code: String,
    name: String,
    category: String,
    basis: Vec<Basis>,
    #[serde(default)]
    penalty: String,
    unit: String,
    #[serde(default)]
    post: String,
    #[serde(default)]
    conditions: String,
    #[serde(default)]
    materials: Vec<String>,
    #[serde(default)]
    statutory_days: u32,
    #[serde(default)]
    days_kind: String,
    #[serde(default)]
    promised_days: u32,
    #[serde(default)]
    fees: String,
    #[serde(default)]
    tier: String,
    process: String,
    #[serde(default)]
    channel: String,
}

fn row_of(d: DemoItem) -> std::result::Result<Row, String> {
    let category =
        Category::parse(&d.category).ok_or_else(|| format!("类别“{}”无效", d.category))?;
    let kind = if d.days_kind == "calendar" {
        DaysKind::Calendar
    } else {
        DaysKind::Working
    };
    let limit = |days: u32| (days > 0).then_some(Limit { days, kind });
    let content = Content {
        name: d.name,
        category,
        basis: d.basis,
        penalty: d.penalty,
        unit: d.unit,
        post: d.post,
        conditions: d.conditions,
        materials: d.materials,
        statutory: limit(d.statutory_days),
        promised: limit(d.promised_days),
        fees: d.fees,
        tier: Tier::parse(&d.tier),
        process: d.process,
        channel: d.channel,
    };
    crate::model::check(&d.code, &content)?;
    Ok(Row {
        code: d.code,
        content,
        reason: String::new(),
    })
}

/// The demo items as import rows (row numbers as if in a sheet).
pub fn demo_rows() -> Result<Vec<(usize, std::result::Result<Row, String>)>> {
    let items: Vec<DemoItem> = serde_json::from_str(DEMO_ITEMS)
        .map_err(|e| Error::Internal(format!("demo-items.json: {e}")))?;
    Ok(items
        .into_iter()
        .enumerate()
        .map(|(i, d)| (i + 2, row_of(d)))
        .collect())
}

/// Imports the shipped processes, then the demo list.
pub async fn seed(k: &Kernel, now: OffsetDateTime) -> Result<ImportReport> {
    let actor = Actor::system();
    for (file, xml) in PROCESSES {
        process_store::import_process(k, now, &actor, xml, "随系统提供的标准流程")
            .await
            .map_err(|e| Error::Internal(format!("{file}: {e}")))?;
    }
    let report = store::import(k, now, &actor, demo_rows()?, "权力清单（演示）").await?;
    if !report.applied {
        let first = report
            .lines
            .iter()
            .find_map(|l| match &l.result {
                store::RowResult::Refused(why) => Some(format!("row {}: {why}", l.row)),
                _ => None,
            })
            .unwrap_or_default();
        return Err(Error::Internal(format!("demo power list refused: {first}")));
    }
    Ok(report)
}
