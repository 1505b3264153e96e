//! Following a case from outside (依申请公开 applications, 办件): a number
//! and a query code printed on the receipt. The code is stored only as a
//! keyed digest; a wrong pair is told apart from nothing.

use sm3::{Digest, Sm3};

use crate::{Error, Result};

/// Query-code alphabet: no 0/O, 1/I/L, so it can be read over the phone.
pub const QUERY_CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
pub const QUERY_CODE_LEN: usize = 8;

/// Makes a query code from random bytes (the caller supplies randomness).
pub fn query_code_from(random: &[u8; QUERY_CODE_LEN]) -> String {
    random
        .iter()
        .map(|b| QUERY_CODE_ALPHABET[usize::from(*b) % QUERY_CODE_ALPHABET.len()] as char)
        .collect()
}

/// A fresh random query code.
pub fn new_query_code() -> Result<String> {
    let mut r = [0u8; QUERY_CODE_LEN];
    getrandom::fill(&mut r).map_err(|_| Error::Internal("系统随机数生成失败".into()))?;
    Ok(query_code_from(&r))
}

/// Normalises a typed query code; `None` if it cannot be one.
pub fn normalise_query_code(s: &str) -> Option<String> {
    let c: String = s
        .trim()
        .to_ascii_uppercase()
        .chars()
        .filter(|c| *c != '-' && *c != ' ')
        .collect();
    (c.len() == QUERY_CODE_LEN && c.bytes().all(|b| QUERY_CODE_ALPHABET.contains(&b))).then_some(c)
}

/// Keyed SM3 digest of length-prefixed parts, as hex.
pub fn keyed_hex(key: &[u8], parts: &[&[u8]]) -> String {
    let mut h = Sm3::new();
    h.update((key.len() as u64).to_be_bytes());
    h.update(key);
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares two digests in constant time.
pub fn same_digest(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_codes_avoid_look_alike_characters_and_normalise_typing() {
        let c = query_code_from(&[0, 1, 2, 3, 250, 251, 254, 255]);
        assert_eq!(c.len(), QUERY_CODE_LEN);
        assert!(!c.contains(['0', 'O', '1', 'I', 'L']));
        assert_eq!(normalise_query_code(&c.to_lowercase()), Some(c.clone()));
        assert_eq!(normalise_query_code("ABCD-EFGH"), Some("ABCDEFGH".into()));
        assert_eq!(normalise_query_code("ABCDEFG0"), None);
    }

    #[test]
    fn a_digest_depends_on_key_and_every_part() {
        let a = keyed_hex(b"k1", &[b"XK-2026-000001", b"ABCDEFGH"]);
        assert_eq!(a.len(), 64);
        assert!(same_digest(
            &a,
            &keyed_hex(b"k1", &[b"XK-2026-000001", b"ABCDEFGH"])
        ));
        assert!(!same_digest(
            &a,
            &keyed_hex(b"k2", &[b"XK-2026-000001", b"ABCDEFGH"])
        ));
        assert!(!same_digest(
            &a,
            &keyed_hex(b"k1", &[b"XK-2026-00000", b"1ABCDEFGH"])
        ));
    }
}
