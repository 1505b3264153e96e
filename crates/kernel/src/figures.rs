//! Yearly figures one module keeps current for another to report, so that
//! no module reads another's tables: the power list's cases write how many
//! licensing, penalty and coercion decisions were taken in a year (and
//! the figures the office entered for powers run outside the system);
//! table 二 of the annual report reads them here.

use std::collections::BTreeMap;

use sqlx::Row;
use time::OffsetDateTime;

use crate::db::{WriteTx, query};
use crate::timefmt::rfc3339;
use crate::{Kernel, Result};

/// 本年处理决定数量 of table 二, by kind of decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Decisions {
    Licensing,
    Penalty,
    Coercion,
}

impl Decisions {
    pub const ALL: [Decisions; 3] = [
        Decisions::Licensing,
        Decisions::Penalty,
        Decisions::Coercion,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Decisions::Licensing => "licensing",
            Decisions::Penalty => "penalty",
            Decisions::Coercion => "coercion",
        }
    }

    /// The row of table 二 (RULES.md §4).
    pub fn label(self) -> &'static str {
        match self {
            Decisions::Licensing => "行政许可",
            Decisions::Penalty => "行政处罚",
            Decisions::Coercion => "行政强制",
        }
    }

    pub fn parse(s: &str) -> Option<Decisions> {
        let s = s.trim();
        Decisions::ALL
            .into_iter()
            .find(|d| d.code() == s || d.label() == s)
    }

    /// Decisions taken in the system in the year.
    pub fn system_key(self) -> &'static str {
        match self {
            Decisions::Licensing => "decisions.licensing.system",
            Decisions::Penalty => "decisions.penalty.system",
            Decisions::Coercion => "decisions.coercion.system",
        }
    }

    /// Decisions on powers run outside the system, entered by the office.
    pub fn entered_key(self) -> &'static str {
        match self {
            Decisions::Licensing => "decisions.licensing.entered",
            Decisions::Penalty => "decisions.penalty.entered",
            Decisions::Coercion => "decisions.coercion.entered",
        }
    }
}

/// A stored figure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Figure {
    pub value: i64,
    /// The module that keeps it.
    pub module: String,
    pub updated_at: String,
}

/// Makes sure the figure exists and holds its row lock until the
/// transaction ends, so that recounts of the same figure on several
/// PostgreSQL connections run one after the other and the last one sees
/// every committed change. Keeps the value.
pub async fn lock_in(
    tx: &mut WriteTx,
    now: OffsetDateTime,
    year: i32,
    key: &str,
    module: &str,
) -> Result<()> {
    query(
        tx.backend(),
        "INSERT INTO annual_figures (year, key, value, module, updated_at) VALUES (?, ?, 0, ?, ?) \
         ON CONFLICT (year, key) DO UPDATE SET updated_at = excluded.updated_at",
    )
    .bind(i64::from(year))
    .bind(key.to_string())
    .bind(module.to_string())
    .bind(rfc3339(now))
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Sets a figure in the caller's transaction.
pub async fn put_in(
    tx: &mut WriteTx,
    now: OffsetDateTime,
    year: i32,
    key: &str,
    value: i64,
    module: &str,
) -> Result<()> {
    query(
        tx.backend(),
        "INSERT INTO annual_figures (year, key, value, module, updated_at) VALUES (?, ?, ?, ?, ?) \
         ON CONFLICT (year, key) DO UPDATE SET value = excluded.value, module = excluded.module, \
         updated_at = excluded.updated_at WHERE annual_figures.value <> excluded.value",
    )
    .bind(i64::from(year))
    .bind(key.to_string())
    .bind(value)
    .bind(module.to_string())
    .bind(rfc3339(now))
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Every figure of `year` by key.
pub async fn of_year(k: &Kernel, year: i32) -> Result<BTreeMap<String, Figure>> {
    let rows = query(
        k.db.backend(),
        "SELECT key, value, module, updated_at FROM annual_figures WHERE year = ?",
    )
    .bind(i64::from(year))
    .fetch_all(k.db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get::<String, _>(0)?,
                Figure {
                    value: r.try_get(1)?,
                    module: r.try_get(2)?,
                    updated_at: r.try_get(3)?,
                },
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_decision_has_its_own_keys_and_parses_from_code_or_label() {
        let mut keys: Vec<&str> = Decisions::ALL
            .iter()
            .flat_map(|d| [d.system_key(), d.entered_key()])
            .collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), 6);
        for d in Decisions::ALL {
            assert_eq!(Decisions::parse(d.code()), Some(d));
            assert_eq!(Decisions::parse(d.label()), Some(d));
        }
        assert_eq!(Decisions::parse("行政征收"), None);
    }
}
