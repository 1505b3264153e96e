//! 信息处理费 (条例 Art 42; 国办函〔2020〕109号; RULES.md §3), pure.
//!
//! By case (按件): per applicant per calendar month, cases 1–10 free,
//! 11–30 at 100 yuan, then each band of 10 cases 100 yuan more per case.
//! By quantity (按量): per application, pages 1–30 free, 31–100 at 10,
//! 101–200 at 20, from 201 at 40. Progressive: each band is charged only
//! on the part inside it.

use serde::{Deserialize, Serialize};
use yangguang_kernel::{Error, Result};

/// Largest count accepted (cases in a month, pages in an application).
pub const MAX_COUNT: u64 = 1_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FeeMethod {
    ByCase,
    ByPage,
}

impl FeeMethod {
    pub fn code(self) -> &'static str {
        match self {
            FeeMethod::ByCase => "case",
            FeeMethod::ByPage => "page",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            FeeMethod::ByCase => "按件计收",
            FeeMethod::ByPage => "按量计收",
        }
    }

    pub fn unit(self) -> &'static str {
        match self {
            FeeMethod::ByCase => "件",
            FeeMethod::ByPage => "页",
        }
    }

    pub fn parse(s: &str) -> Option<FeeMethod> {
        match s.trim() {
            "case" | "按件" | "按件计收" => Some(FeeMethod::ByCase),
            "page" | "按量" | "按量计收" => Some(FeeMethod::ByPage),
            _ => None,
        }
    }
}

/// One band of the progressive scale with the part of the count inside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BandLine {
    pub from: u64,
    /// `None`: open-ended.
    pub to: Option<u64>,
    pub count: u64,
    /// Yuan per unit.
    pub rate: u64,
    pub amount: u64,
}

/// A fee with its calculation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeCalc {
    pub method: FeeMethod,
    pub count: u64,
    /// Yuan.
    pub total: u64,
    pub bands: Vec<BandLine>,
}

/// Rate per case for the i-th case of the month (1-based).
pub fn case_rate(i: u64) -> u64 {
    match i {
        0..=10 => 0,
        11..=30 => 100,
        _ => 100 * (1 + (i - 31) / 10 + 1),
    }
}

/// Rate per page for the i-th page of an application (1-based).
pub fn page_rate(i: u64) -> u64 {
    match i {
        0..=30 => 0,
        31..=100 => 10,
        101..=200 => 20,
        _ => 40,
    }
}

fn check_count(n: u64) -> Result<()> {
    if n > MAX_COUNT {
        return Err(Error::invalid(
            "fee_count_out_of_range",
            format!("数量 {n} 超出范围：应为 0 到 {MAX_COUNT} 之间的整数"),
        ));
    }
    Ok(())
}

/// The bands, as (from, to) inclusive with their rate, that cover 1..=n.
fn bands(method: FeeMethod, n: u64) -> Vec<(u64, Option<u64>, u64)> {
    let mut out = Vec::new();
    match method {
        FeeMethod::ByPage => {
            out.push((1, Some(30), 0));
            out.push((31, Some(100), 10));
            out.push((101, Some(200), 20));
            out.push((201, None, 40));
        }
        FeeMethod::ByCase => {
            out.push((1, Some(10), 0));
            out.push((11, Some(30), 100));
            let mut from = 31;
            // Bands of 10 as far as the count reaches.
            while from <= n.max(31) {
                out.push((from, Some(from + 9), case_rate(from)));
                from += 10;
            }
        }
    }
    out
}

/// The fee for `n` cases in one month (by case) or `n` pages in one
/// application (by page).
pub fn fee(method: FeeMethod, n: u64) -> Result<FeeCalc> {
    check_count(n)?;
    let mut lines = Vec::new();
    let mut total = 0;
    for (from, to, rate) in bands(method, n) {
        if n < from {
            break;
        }
        let hi = to.map_or(n, |t| t.min(n));
        let count = hi - from + 1;
        let amount = count * rate;
        total += amount;
        lines.push(BandLine {
            from,
            to,
            count,
            rate,
            amount,
        });
    }
    Ok(FeeCalc {
        method,
        count: n,
        total,
        bands: lines,
    })
}

/// The fee for one application by case, given the cases of the same
/// applicant already counted this month: the difference of the month's
/// totals with and without it.
pub fn case_fee_for_next(already: u64) -> Result<(FeeCalc, u64)> {
    let before = fee(FeeMethod::ByCase, already)?;
    let after = fee(FeeMethod::ByCase, already + 1)?;
    let this = after.total - before.total;
    Ok((after, this))
}

impl FeeCalc {
    /// The calculation, one Chinese line per band, for notices and the CLI.
    pub fn explain(&self) -> Vec<String> {
        let unit = self.method.unit();
        let scope = match self.method {
            FeeMethod::ByCase => "同一申请人一个自然月内累计",
            FeeMethod::ByPage => "同一申请",
        };
        let mut out = vec![format!(
            "{}：{scope}{}{unit}（国办函〔2020〕109号，超额累进）",
            self.method.label(),
            self.count
        )];
        for b in &self.bands {
            let range = match b.to {
                Some(t) => format!("第{}至{}{unit}", b.from, t),
                None => format!("第{}{unit}起", b.from),
            };
            if b.rate == 0 {
                out.push(format!("{range}：{}{unit}，免费", b.count));
            } else {
                out.push(format!(
                    "{range}：{}{unit} × {}元 = {}元",
                    b.count, b.rate, b.amount
                ));
            }
        }
        out.push(format!("合计：{}元", self.total));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn total(m: FeeMethod, n: u64) -> u64 {
        fee(m, n).map(|f| f.total).unwrap_or(u64::MAX)
    }

    #[test]
    fn thirty_five_cases_in_a_month_cost_3000_yuan_and_the_35th_alone_200() {
        assert_eq!(total(FeeMethod::ByCase, 35), 3000);
        let (_, this) = case_fee_for_next(34).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(this, 200);
    }

    #[test]
    fn one_hundred_fifty_pages_cost_1700_yuan() {
        assert_eq!(total(FeeMethod::ByPage, 150), 1700);
    }

    #[test]
    fn zero_count_is_free_with_no_band_lines() {
        let f = fee(FeeMethod::ByCase, 0).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(f.total, 0);
        assert!(f.bands.is_empty());
        assert_eq!(total(FeeMethod::ByPage, 0), 0);
    }

    #[test]
    fn case_band_edges_follow_109_hao() {
        assert_eq!(total(FeeMethod::ByCase, 10), 0);
        assert_eq!(total(FeeMethod::ByCase, 11), 100);
        assert_eq!(total(FeeMethod::ByCase, 30), 2000);
        assert_eq!(total(FeeMethod::ByCase, 31), 2200);
        assert_eq!(total(FeeMethod::ByCase, 40), 4000);
        assert_eq!(total(FeeMethod::ByCase, 41), 4300);
        assert_eq!(total(FeeMethod::ByCase, 50), 7000);
        assert_eq!(total(FeeMethod::ByCase, 51), 7400);
        assert_eq!(case_rate(60), 400);
        assert_eq!(case_rate(61), 500);
    }

    #[test]
    fn page_band_edges_follow_109_hao() {
        assert_eq!(total(FeeMethod::ByPage, 30), 0);
        assert_eq!(total(FeeMethod::ByPage, 31), 10);
        assert_eq!(total(FeeMethod::ByPage, 100), 700);
        assert_eq!(total(FeeMethod::ByPage, 101), 720);
        assert_eq!(total(FeeMethod::ByPage, 200), 2700);
        assert_eq!(total(FeeMethod::ByPage, 201), 2740);
    }

    #[test]
    fn total_equals_the_sum_of_per_unit_rates() {
        for n in 0..200 {
            let by_case: u64 = (1..=n).map(case_rate).sum();
            let by_page: u64 = (1..=n).map(page_rate).sum();
            assert_eq!(total(FeeMethod::ByCase, n), by_case, "{n} cases");
            assert_eq!(total(FeeMethod::ByPage, n), by_page, "{n} pages");
        }
    }

    #[test]
    fn calculation_prints_each_band_and_the_total() {
        let f = fee(FeeMethod::ByCase, 35).unwrap_or_else(|e| panic!("{e}"));
        let text = f.explain().join("\n");
        assert!(text.contains("第11至30件：20件 × 100元 = 2000元"), "{text}");
        assert!(text.contains("第31至40件：5件 × 200元 = 1000元"), "{text}");
        assert!(text.ends_with("合计：3000元"), "{text}");
    }

    #[test]
    fn counts_beyond_the_limit_are_refused_with_a_message() {
        let e = fee(FeeMethod::ByPage, MAX_COUNT + 1)
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some("数量 1000001 超出范围：应为 0 到 1000000 之间的整数")
        );
    }
}
