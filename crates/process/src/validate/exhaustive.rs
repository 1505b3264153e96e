//! Does some condition of a gateway without a default always hold?
//!
//! Decided by enumeration over a finite domain per variable that is
//! enough for the comparisons the conditions make: {true, false} for
//! booleans; the literals plus one other string for strings; t-1, t, t+1
//! for each integer threshold t.

use std::collections::{BTreeMap, BTreeSet};

use crate::cond::{Cond, Expr, show};
use crate::model::{Value, Vars};

/// More assignments than this are not enumerated.
const MAX_ASSIGNMENTS: usize = 200_000;

/// Ok when the conditions cover every case; else the reason, with an
/// assignment under which none holds.
pub(super) fn check(conds: &[&Cond]) -> Result<(), String> {
    let domains = domains(conds);
    let names: Vec<&String> = domains.keys().collect();
    let sizes: Vec<usize> = domains.values().map(Vec::len).collect();
    let total = sizes
        .iter()
        .try_fold(1usize, |acc, &s| acc.checked_mul(s))
        .filter(|&t| t <= MAX_ASSIGNMENTS);
    let Some(total) = total else {
        return Err("条件涉及的取值组合太多，无法判断是否覆盖所有情况，请设置默认路径".into());
    };
    let mut vars = Vars::new();
    for i in 0..total {
        let mut rest = i;
        for (k, name) in names.iter().enumerate() {
            let d = &domains[*name];
            vars.insert((*name).clone(), d[rest % sizes[k]].clone());
            rest /= sizes[k];
        }
        // An evaluation error routes nowhere, like a false condition.
        if !conds.iter().any(|c| c.eval(&vars) == Ok(true)) {
            let example: Vec<String> = vars
                .iter()
                .map(|(k, v)| format!("{k} = {}", show(v)))
                .collect();
            return Err(if example.is_empty() {
                "条件都不成立，请设置默认路径".into()
            } else {
                format!(
                    "条件可能都不成立（例如 {}），请设置默认路径",
                    example.join("，")
                )
            });
        }
    }
    Ok(())
}

#[derive(Default)]
struct Use {
    values: BTreeSet<Value>,
    strings: bool,
    links: BTreeSet<String>,
}

fn domains(conds: &[&Cond]) -> BTreeMap<String, Vec<Value>> {
    let mut uses: BTreeMap<String, Use> = BTreeMap::new();
    for c in conds {
        walk(&c.expr, &mut uses);
    }
    let mut out: BTreeMap<String, BTreeSet<Value>> = BTreeMap::new();
    for (name, u) in &uses {
        let mut d = u.values.clone();
        if u.strings {
            d.insert(Value::Str(fresh(&u.values)));
        }
        out.insert(name.clone(), d);
    }
    // A variable compared only with other variables takes their values.
    loop {
        let mut changed = false;
        for (name, u) in &uses {
            for other in &u.links {
                let add: Vec<Value> = out.get(other).into_iter().flatten().cloned().collect();
                let mine = out.entry(name.clone()).or_default();
                for v in add {
                    changed |= mine.insert(v);
                }
            }
        }
        if !changed {
            break;
        }
    }
    out.into_iter()
        .map(|(k, d)| {
            let d: Vec<Value> = if d.is_empty() {
                vec![Value::Int(0), Value::Int(1)]
            } else {
                d.into_iter().collect()
            };
            (k, d)
        })
        .collect()
}

/// A string none of the literals is.
fn fresh(values: &BTreeSet<Value>) -> String {
    let mut candidate = "其他".to_string();
    let mut n = 2;
    while values.contains(&Value::Str(candidate.clone())) {
        candidate = format!("其他{n}");
        n += 1;
    }
    candidate
}

fn add_literal(u: &mut Use, v: &Value) {
    match v {
        Value::Bool(_) => {
            u.values.insert(Value::Bool(false));
            u.values.insert(Value::Bool(true));
        }
        Value::Int(t) => {
            for x in [t.saturating_sub(1), *t, t.saturating_add(1)] {
                u.values.insert(Value::Int(x));
            }
        }
        Value::Str(_) => {
            u.values.insert(v.clone());
            u.strings = true;
        }
    }
}

fn walk(e: &Expr, uses: &mut BTreeMap<String, Use>) {
    match e {
        // A variable read as a truth value.
        Expr::Var(v) => add_literal(uses.entry(v.clone()).or_default(), &Value::Bool(true)),
        Expr::Lit(_) => {}
        Expr::Not(a) => walk(a, uses),
        Expr::And(a, b) | Expr::Or(a, b) => {
            walk(a, uses);
            walk(b, uses);
        }
        Expr::Cmp(_, a, b) => match (a.as_ref(), b.as_ref()) {
            (Expr::Var(v), Expr::Lit(l)) | (Expr::Lit(l), Expr::Var(v)) => {
                add_literal(uses.entry(v.clone()).or_default(), l);
            }
            (Expr::Var(x), Expr::Var(y)) => {
                uses.entry(x.clone()).or_default().links.insert(y.clone());
                uses.entry(y.clone()).or_default().links.insert(x.clone());
            }
            (x, y) => {
                for side in [x, y] {
                    if !matches!(side, Expr::Var(_) | Expr::Lit(_)) {
                        walk(side, uses);
                    }
                }
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cond::parse_condition;

    fn run(srcs: &[&str]) -> Result<(), String> {
        let conds: Vec<Cond> = srcs.iter().map(|s| parse_condition(s).unwrap()).collect();
        let refs: Vec<&Cond> = conds.iter().collect();
        check(&refs)
    }

    #[test]
    fn boolean_and_its_negation_cover_every_case() {
        assert_eq!(run(&["${ok}", "${!ok}"]), Ok(()));
        assert_eq!(run(&["${a && b}", "${!a}", "${a && !b}"]), Ok(()));
    }

    #[test]
    fn three_string_literals_leave_other_strings_uncovered() {
        let e = run(&[
            "${tier == 'ordinary'}",
            "${tier == 'important'}",
            "${tier == 'major'}",
        ])
        .unwrap_err();
        assert_eq!(
            e,
            "条件可能都不成立（例如 tier = \"其他\"），请设置默认路径"
        );
        assert_eq!(run(&["${tier == 'major'}", "${tier != 'major'}"]), Ok(()));
    }

    #[test]
    fn integer_thresholds_find_the_gap() {
        assert_eq!(run(&["${amount < 5000}", "${amount >= 5000}"]), Ok(()));
        let e = run(&["${amount < 5000}", "${amount > 5000}"]).unwrap_err();
        assert!(e.contains("amount = 5000"), "{e}");
    }

    #[test]
    fn a_single_false_condition_is_not_exhaustive() {
        assert!(run(&["${false}"]).is_err());
        assert_eq!(run(&["${true}"]), Ok(()));
    }
}
