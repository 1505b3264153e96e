//! The condition language of sequence flows: the small JUEL subset that
//! Flowable users write on exclusive gateways (`${tier == 'major'}`,
//! `${materials_complete && !late}`), evaluated on the case's variables.
//!
//! Types are strict: comparing a string with a number is an error, not
//! `false`, so that a typo in a definition shows up instead of silently
//! routing the case the wrong way.

use std::collections::BTreeSet;

use crate::model::{Value, Vars};

/// A parsed condition with its source text.
#[derive(Clone, Debug, PartialEq)]
pub struct Cond {
    pub source: String,
    pub expr: Expr,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Var(String),
    Lit(Value),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Cmp(CmpOp, Box<Expr>, Box<Expr>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// Parses `${expr}` (or a bare `expr`, or JUEL's `#{expr}`).
pub fn parse_condition(src: &str) -> Result<Cond, String> {
    let trimmed = src.trim();
    let inner = ["${", "#{"]
        .iter()
        .find_map(|open| trimmed.strip_prefix(open))
        .map(|rest| {
            rest.strip_suffix('}')
                .ok_or_else(|| "条件缺少结尾的“}”".to_string())
        })
        .transpose()?
        .unwrap_or(trimmed);
    let tokens = lex(inner)?;
    if tokens.is_empty() {
        return Err("条件为空".into());
    }
    let mut p = Parser { tokens, pos: 0 };
    let expr = p.or()?;
    if let Some(t) = p.peek() {
        return Err(format!("条件在“{}”处多出了内容", t.text()));
    }
    Ok(Cond {
        source: src.to_string(),
        expr,
    })
}

impl Cond {
    /// Evaluates the condition; it must yield a boolean.
    pub fn eval(&self, vars: &Vars) -> Result<bool, String> {
        match eval(&self.expr, vars)? {
            Value::Bool(b) => Ok(b),
            other => Err(format!("条件的结果是{}，不是真假值", type_name(&other))),
        }
    }

    /// The variable names the condition reads.
    pub fn variables(&self) -> BTreeSet<&str> {
        let mut out = BTreeSet::new();
        collect_vars(&self.expr, &mut out);
        out
    }
}

fn collect_vars<'a>(e: &'a Expr, out: &mut BTreeSet<&'a str>) {
    match e {
        Expr::Var(v) => {
            out.insert(v);
        }
        Expr::Lit(_) => {}
        Expr::Not(a) => collect_vars(a, out),
        Expr::And(a, b) | Expr::Or(a, b) | Expr::Cmp(_, a, b) => {
            collect_vars(a, out);
            collect_vars(b, out);
        }
    }
}

pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Bool(_) => "真假值",
        Value::Int(_) => "整数",
        Value::Str(_) => "文字",
    }
}

fn eval(e: &Expr, vars: &Vars) -> Result<Value, String> {
    Ok(match e {
        Expr::Var(name) => vars
            .get(name)
            .cloned()
            .ok_or_else(|| format!("变量“{name}”没有值"))?,
        Expr::Lit(v) => v.clone(),
        Expr::Not(a) => Value::Bool(!truth(a, vars, "非（!）")?),
        // Short-circuit, as JUEL does.
        Expr::And(a, b) => {
            Value::Bool(truth(a, vars, "并且（&&）")? && truth(b, vars, "并且（&&）")?)
        }
        Expr::Or(a, b) => {
            Value::Bool(truth(a, vars, "或者（||）")? || truth(b, vars, "或者（||）")?)
        }
        Expr::Cmp(op, a, b) => Value::Bool(compare(*op, &eval(a, vars)?, &eval(b, vars)?)?),
    })
}

fn truth(e: &Expr, vars: &Vars, what: &str) -> Result<bool, String> {
    match eval(e, vars)? {
        Value::Bool(b) => Ok(b),
        other => Err(format!(
            "{what}只能用于真假值，这里是{}（{}）",
            type_name(&other),
            show(&other)
        )),
    }
}

/// Compares two values of one type; ordering only for integers.
pub(crate) fn compare(op: CmpOp, l: &Value, r: &Value) -> Result<bool, String> {
    if std::mem::discriminant(l) != std::mem::discriminant(r) {
        return Err(format!(
            "不能比较{}（{}）和{}（{}）",
            type_name(l),
            show(l),
            type_name(r),
            show(r)
        ));
    }
    match op {
        CmpOp::Eq => Ok(l == r),
        CmpOp::Ne => Ok(l != r),
        _ => match (l, r) {
            (Value::Int(a), Value::Int(b)) => Ok(match op {
                CmpOp::Lt => a < b,
                CmpOp::Le => a <= b,
                CmpOp::Gt => a > b,
                _ => a >= b,
            }),
            _ => Err(format!("只有整数可以比较大小，这里是{}", type_name(l))),
        },
    }
}

/// A value as a condition would write it (strings in double quotes).
pub fn show(v: &Value) -> String {
    match v {
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Str(s) => format!("\"{s}\""),
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Int(i64),
    True,
    False,
    Op(CmpOp),
    And,
    Or,
    Not,
    LParen,
    RParen,
}

impl Tok {
    fn text(&self) -> String {
        match self {
            Tok::Ident(s) => s.clone(),
            Tok::Str(s) => format!("'{s}'"),
            Tok::Int(i) => i.to_string(),
            Tok::True => "true".into(),
            Tok::False => "false".into(),
            Tok::Op(op) => match op {
                CmpOp::Eq => "==",
                CmpOp::Ne => "!=",
                CmpOp::Lt => "<",
                CmpOp::Le => "<=",
                CmpOp::Gt => ">",
                CmpOp::Ge => ">=",
            }
            .into(),
            Tok::And => "&&".into(),
            Tok::Or => "||".into(),
            Tok::Not => "!".into(),
            Tok::LParen => "(".into(),
            Tok::RParen => ")".into(),
        }
    }
}

fn lex(src: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let two = |a: char, b: char| c == a && next == Some(b);
        if c.is_whitespace() {
            i += 1;
        } else if two('=', '=') || two('!', '=') || two('<', '=') || two('>', '=') {
            out.push(Tok::Op(match c {
                '=' => CmpOp::Eq,
                '!' => CmpOp::Ne,
                '<' => CmpOp::Le,
                _ => CmpOp::Ge,
            }));
            i += 2;
        } else if two('&', '&') {
            out.push(Tok::And);
            i += 2;
        } else if two('|', '|') {
            out.push(Tok::Or);
            i += 2;
        } else if c == '<' || c == '>' {
            out.push(Tok::Op(if c == '<' { CmpOp::Lt } else { CmpOp::Gt }));
            i += 1;
        } else if c == '!' || c == '(' || c == ')' {
            out.push(match c {
                '!' => Tok::Not,
                '(' => Tok::LParen,
                _ => Tok::RParen,
            });
            i += 1;
        } else if c == '\'' || c == '"' {
            let start = i + 1;
            let end = (start..chars.len())
                .find(|&j| chars[j] == c)
                .ok_or_else(|| "文字缺少结尾的引号".to_string())?;
            out.push(Tok::Str(chars[start..end].iter().collect()));
            i = end + 1;
        } else if c.is_ascii_digit() || (c == '-' && next.is_some_and(|d| d.is_ascii_digit())) {
            let start = i;
            i += 1;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            let n = text
                .parse::<i64>()
                .map_err(|_| format!("整数“{text}”超出范围"))?;
            out.push(Tok::Int(n));
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            out.push(match word.as_str() {
                "true" => Tok::True,
                "false" => Tok::False,
                "and" => Tok::And,
                "or" => Tok::Or,
                "not" => Tok::Not,
                "eq" => Tok::Op(CmpOp::Eq),
                "ne" => Tok::Op(CmpOp::Ne),
                "lt" => Tok::Op(CmpOp::Lt),
                "le" => Tok::Op(CmpOp::Le),
                "gt" => Tok::Op(CmpOp::Gt),
                "ge" => Tok::Op(CmpOp::Ge),
                "null" | "empty" => return Err(format!("不支持“{word}”")),
                _ => Tok::Ident(word),
            });
        } else {
            return Err(format!("不支持字符“{c}”"));
        }
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos)
    }

    fn eat(&mut self, t: &Tok) -> bool {
        if self.peek() == Some(t) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn or(&mut self) -> Result<Expr, String> {
        let mut left = self.and()?;
        while self.eat(&Tok::Or) {
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, String> {
        let mut left = self.not()?;
        while self.eat(&Tok::And) {
            left = Expr::And(Box::new(left), Box::new(self.not()?));
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Expr, String> {
        if self.eat(&Tok::Not) {
            return Ok(Expr::Not(Box::new(self.not()?)));
        }
        self.cmp()
    }

    fn cmp(&mut self) -> Result<Expr, String> {
        let left = self.primary()?;
        if let Some(Tok::Op(op)) = self.peek().cloned() {
            self.pos += 1;
            let right = self.primary()?;
            if let (Expr::Lit(a), Expr::Lit(b)) = (&left, &right) {
                // Catches `'a' == 1` when the definition is imported.
                compare(op, a, b)?;
            }
            if matches!(self.peek(), Some(Tok::Op(_))) {
                return Err("比较不能连写，请用 && 连接".into());
            }
            return Ok(Expr::Cmp(op, Box::new(left), Box::new(right)));
        }
        Ok(left)
    }

    fn primary(&mut self) -> Result<Expr, String> {
        let Some(t) = self.peek().cloned() else {
            return Err("条件不完整".into());
        };
        self.pos += 1;
        Ok(match t {
            Tok::Ident(name) => Expr::Var(name),
            Tok::Str(s) => Expr::Lit(Value::Str(s)),
            Tok::Int(i) => Expr::Lit(Value::Int(i)),
            Tok::True => Expr::Lit(Value::Bool(true)),
            Tok::False => Expr::Lit(Value::Bool(false)),
            Tok::LParen => {
                let inner = self.or()?;
                if !self.eat(&Tok::RParen) {
                    return Err("括号没有配对".into());
                }
                inner
            }
            other => return Err(format!("条件在“{}”处不完整", other.text())),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, Value)]) -> Vars {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    fn holds(src: &str, v: &Vars) -> Result<bool, String> {
        parse_condition(src)?.eval(v)
    }

    #[test]
    fn comparisons_and_connectives_follow_juel() {
        let v = vars(&[
            ("tier", Value::Str("major".into())),
            ("amount", Value::Int(5000)),
            ("ok", Value::Bool(true)),
        ]);
        assert_eq!(holds("${tier == 'major'}", &v), Ok(true));
        assert_eq!(holds("tier != \"major\"", &v), Ok(false));
        assert_eq!(holds("${amount >= 5000 && amount < 10000}", &v), Ok(true));
        assert_eq!(holds("${amount gt 5000 or not ok}", &v), Ok(false));
        assert_eq!(holds("${!(ok && amount <= -1)}", &v), Ok(true));
        assert_eq!(holds("${ok == true}", &v), Ok(true));
        assert_eq!(holds("#{ok}", &v), Ok(true));
        assert_eq!(
            holds(
                "${a || ok}",
                &vars(&[("a", Value::Bool(false)), ("ok", Value::Bool(true))])
            ),
            Ok(true)
        );
    }

    #[test]
    fn and_binds_tighter_than_or() {
        let v = vars(&[
            ("a", Value::Bool(true)),
            ("b", Value::Bool(false)),
            ("c", Value::Bool(false)),
        ]);
        assert_eq!(holds("${a || b && c}", &v), Ok(true));
        assert_eq!(holds("${(a || b) && c}", &v), Ok(false));
    }

    #[test]
    fn unknown_variable_and_type_mismatch_are_errors() {
        let v = vars(&[("tier", Value::Str("major".into()))]);
        let e = holds("${granted}", &v).unwrap_err();
        assert!(e.contains("granted"), "{e}");
        let e = holds("${tier == 3}", &v).unwrap_err();
        assert!(e.contains("不能比较"), "{e}");
        let e = holds("${tier}", &v).unwrap_err();
        assert!(e.contains("不是真假值"), "{e}");
        let e = holds("${tier < 'z'}", &v).unwrap_err();
        assert!(e.contains("只有整数"), "{e}");
    }

    #[test]
    fn malformed_conditions_are_refused_in_chinese() {
        for bad in [
            "${tier == }",
            "${(a}",
            "${a == 'x}",
            "${a = 1}",
            "${a == b == c}",
            "${'a' == 1}",
            "${a == null}",
            "${a}} ",
            "${a",
            "",
            "${a b}",
        ] {
            assert!(parse_condition(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn variables_lists_every_name_read() {
        let c = parse_condition("${tier == 'major' || (amount > 3 && !ok)}").unwrap();
        assert_eq!(
            c.variables().into_iter().collect::<Vec<_>>(),
            vec!["amount", "ok", "tier"]
        );
    }
}
