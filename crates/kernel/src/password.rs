//! Password hashing (argon2id). The full policy (history, expiry,
//! lockout) belongs to the sign-in module; this is the minimum every
//! account needs from day one.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};

use crate::{Error, Result};

pub const MIN_LEN: usize = 10;

/// Length and character classes (level-3 systems expect at least three
/// of: lower case, upper case, digits, symbols).
pub fn check_policy(pw: &str) -> Result<()> {
    let n = pw.chars().count();
    if n < MIN_LEN {
        return Err(Error::invalid(
            "weak_password",
            format!("密码至少 {MIN_LEN} 位，现为 {n} 位"),
        ));
    }
    if n > 128 {
        return Err(Error::invalid("weak_password", "密码最多 128 位"));
    }
    let classes = [
        pw.chars().any(|c| c.is_ascii_lowercase()),
        pw.chars().any(|c| c.is_ascii_uppercase()),
        pw.chars().any(|c| c.is_ascii_digit()),
        pw.chars().any(|c| !c.is_ascii_alphanumeric()),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    if classes < 3 {
        return Err(Error::invalid(
            "weak_password",
            "密码须包含小写字母、大写字母、数字、符号中的至少三类",
        ));
    }
    Ok(())
}

pub fn hash(pw: &str) -> Result<String> {
    Argon2::default()
        .hash_password(pw.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(format!("密码哈希失败：{e}")))
}

pub fn verify(pw: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(h) => Argon2::default().verify_password(pw.as_bytes(), &h).is_ok(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_policy_needs_ten_chars_and_three_classes() {
        assert!(check_policy("Abcdefgh1!").is_ok());
        assert!(check_policy("abcdefgh12").is_err());
        assert_eq!(
            check_policy("Ab1!").err().map(|e| e.to_string()).as_deref(),
            Some("密码至少 10 位，现为 4 位")
        );
    }

    #[test]
    fn argon2id_hash_verifies_only_the_same_password() {
        let h = hash("Correct-Horse-9").unwrap_or_default();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("Correct-Horse-9", &h));
        assert!(!verify("Correct-Horse-8", &h));
    }
}
