//! Small validation helpers for text fields at the edge.

use crate::{Error, Result};

/// Cuts `s` to at most `max` characters (for echoing input in messages).
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max).collect();
        out.push('…');
        out
    }
}

/// A required single-line field: trimmed, non-empty, at most `max` chars,
/// no control characters.
pub fn required(label: &str, value: &str, max: usize) -> Result<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Error::invalid("missing_field", format!("请填写{label}")));
    }
    optional(label, v, max).map(|o| o.unwrap_or_default())
}

/// An optional single-line field: empty becomes `None`.
pub fn optional(label: &str, value: &str, max: usize) -> Result<Option<String>> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    let n = v.chars().count();
    if n > max {
        return Err(Error::invalid(
            "field_too_long",
            format!("{label}过长：最多 {max} 个字，现有 {n} 个字"),
        ));
    }
    if v.chars().any(|c| c.is_control()) {
        return Err(Error::invalid(
            "invalid_characters",
            format!("{label}含有不可见的控制字符，请删除后重试"),
        ));
    }
    Ok(Some(v.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_field_is_trimmed_and_length_checked_in_characters() {
        assert_eq!(required("姓名", "  张三 ", 10).ok(), Some("张三".into()));
        let e = required("姓名", "", 10).err().map(|e| e.to_string());
        assert_eq!(e.as_deref(), Some("请填写姓名"));
        let long = "长".repeat(11);
        let e = required("姓名", &long, 10).err().map(|e| e.to_string());
        assert_eq!(e.as_deref(), Some("姓名过长：最多 10 个字，现有 11 个字"));
        assert!(required("姓名", "a\u{7}b", 10).is_err());
    }
}
