//! What the form of a step asks: the variables the gateways right after
//! the step read, with the choices the conditions compare them with. The
//! form asks exactly what the process needs to go on. Pure.

use std::collections::BTreeMap;

use yangguang_process::cond::{Expr, parse_condition};
use yangguang_process::{Definition, NodeKind, Value, Vars};

/// Variables set when the case opens, never asked (nor are the ones the
/// law decides, `case::DERIVED_VARS`).
const PRESET: [&str; 1] = ["tier"];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub label: String,
    /// Empty for a yes/no question; else the string values to choose from.
    pub choices: Vec<String>,
}

/// The Chinese question for the variables the shipped processes use.
pub fn label(var: &str) -> String {
    match var {
        "materials_complete" => "申请材料是否齐全、符合法定形式",
        "granted" => "是否准予许可",
        "hearing_requested" => "当事人是否要求听证",
        "legal_review" => "是否需要法制审核（《行政处罚法》第五十八条）",
        "collective" => "是否属于情节复杂或者重大违法行为、需要集体讨论决定（第五十七条）",
        "disclose" => "是否属于具有一定社会影响、应当公开的处罚决定（第四十八条）",
        "hazards_found" => "是否发现事故隐患或违法行为",
        other => other,
    }
    .to_string()
}

fn collect(e: &Expr, out: &mut BTreeMap<String, Vec<String>>) {
    match e {
        Expr::Var(v) => {
            out.entry(v.clone()).or_default();
        }
        Expr::Lit(_) => {}
        Expr::Not(x) => collect(x, out),
        Expr::And(a, b) | Expr::Or(a, b) => {
            collect(a, out);
            collect(b, out);
        }
        Expr::Cmp(_, a, b) => {
            if let (Expr::Var(v), Expr::Lit(Value::Str(s)))
            | (Expr::Lit(Value::Str(s)), Expr::Var(v)) = (a.as_ref(), b.as_ref())
            {
                let c = out.entry(v.clone()).or_default();
                if !c.contains(s) {
                    c.push(s.clone());
                }
            } else {
                collect(a, out);
                collect(b, out);
            }
        }
    }
}

/// The fields of `node`'s form, in a stable order.
pub fn fields(def: &Definition, node: &str) -> Vec<Field> {
    let mut vars: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut seen = Vec::new();
    let mut frontier: Vec<String> = def.outgoing(node).map(|f| f.id.clone()).collect();
    while let Some(fid) = frontier.pop() {
        let Some(f) = def.flows.iter().find(|f| f.id == fid) else {
            continue;
        };
        if let Some(c) = f.condition.as_deref().and_then(|c| parse_condition(c).ok()) {
            collect(&c.expr, &mut vars);
        }
        let gateway = def
            .node(&f.target)
            .is_some_and(|n| matches!(n.kind, NodeKind::Exclusive { .. } | NodeKind::Parallel));
        if gateway && !seen.contains(&f.target) {
            seen.push(f.target.clone());
            frontier.extend(def.outgoing(&f.target).map(|g| g.id.clone()));
        }
    }
    vars.into_iter()
        .filter(|(n, _)| {
            !PRESET.contains(&n.as_str()) && !crate::case::DERIVED_VARS.contains(&n.as_str())
        })
        .map(|(name, choices)| Field {
            label: label(&name),
            name,
            choices,
        })
        .collect()
}

/// Reads the form's answers (`var.NAME` = "true"/"false" or a choice);
/// an unanswered question is refused, naming it.
pub fn read(fields: &[Field], get: impl Fn(&str) -> String) -> Result<Vars, String> {
    let mut out = Vars::new();
    for f in fields {
        let v = get(&format!("var.{}", f.name));
        let v = v.trim();
        let value = if f.choices.is_empty() {
            match v {
                "true" | "是" => Value::Bool(true),
                "false" | "否" => Value::Bool(false),
                _ => return Err(format!("请回答：{}", f.label)),
            }
        } else if f.choices.iter().any(|c| c == v) {
            Value::Str(v.to_string())
        } else {
            return Err(format!("请选择：{}", f.label));
        };
        out.insert(f.name.clone(), value);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(xml: &str) -> Definition {
        yangguang_process::parse::parse(xml).expect("definition")
    }

    #[test]
    fn a_step_asks_what_the_gateways_after_it_read_but_not_what_the_law_decides() {
        let d = def(crate::seed::PROCESSES[1].1);
        let names: Vec<String> = fields(&d, "inform").into_iter().map(|f| f.name).collect();
        assert_eq!(
            names,
            vec!["hearing_requested"],
            "法制审核 and 集体讨论 follow from the facts recorded at 告知"
        );
        assert!(fields(&d, "register").is_empty());
        assert!(fields(&d, "hearing").is_empty());
    }

    #[test]
    fn the_preset_tier_is_not_asked_and_the_check_asks_about_materials() {
        let d = def(crate::seed::PROCESSES[0].1);
        let f = fields(&d, "check");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].name, "materials_complete");
        assert!(f[0].choices.is_empty());
        assert!(
            fields(&d, "accept").is_empty(),
            "tier is set when the case opens"
        );
    }

    #[test]
    fn an_unanswered_question_is_refused_with_its_label() {
        let f = vec![Field {
            name: "granted".into(),
            label: label("granted"),
            choices: vec![],
        }];
        let e = read(&f, |_| String::new()).expect_err("unanswered");
        assert_eq!(e, "请回答：是否准予许可");
        let v = read(&f, |_| "false".into()).expect("answered");
        assert_eq!(v.get("granted"), Some(&Value::Bool(false)));
    }
}
