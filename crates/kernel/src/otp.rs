//! One-time passwords for the second login factor (RULES.md §9): TOTP
//! (RFC 6238, HMAC-SHA1) for ordinary authenticator apps, and the SM3
//! one-time password of GM/T 0021-2012 where a 商用密码 assessment requires
//! national algorithms. Also the secret's base32 form, the `otpauth://`
//! enrolment URI and peppered recovery codes.

use std::collections::HashSet;

use hmac::SimpleHmac;
use hmac::digest::{Digest, Key, KeyInit, Mac, Output, block_api::BlockSizeUser};
use sha1::Sha1;
use sm3::Sm3;

/// TOTP period in seconds (what authenticator apps assume).
pub const TOTP_STEP: u64 = 30;
/// TOTP code length.
pub const TOTP_DIGITS: u32 = 6;
/// SM3 one-time password period in seconds (GM/T 0021 allows at most 60).
pub const SM3_STEP: u64 = 60;
/// SM3 one-time password length (GM/T 0021 requires at least 6).
pub const SM3_DIGITS: u32 = 6;
/// Length of a generated secret: 160 bits, the HMAC-SHA1 output size
/// recommended by RFC 4226 and above the 128 bits GM/T 0021 requires.
pub const SECRET_LEN: usize = 20;
/// GM/T 0021: the seed key K is at least 128 bits.
pub const SM3_MIN_KEY_LEN: usize = 16;

const BASE32_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/// Crockford's base32 alphabet: no I, L, O, U, so codes read aloud or
/// copied by hand are not confused.
const CROCKFORD_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OtpError {
    #[error("系统随机数生成失败，请稍后重试")]
    Random,
    #[error("密钥中含有无效字符“{0}”，只能包含字母A至Z和数字2至7")]
    Base32Char(char),
    #[error("密钥长度不正确，请完整复制密钥")]
    Base32Length,
}

// ---------------------------------------------------------------------------
// HMAC helper

/// HMAC over the concatenation of `parts`. The key is turned into one block
/// exactly as RFC 2104 does (hashed if longer than a block, zero-padded),
/// so construction is infallible and no error path is needed.
fn hmac<D>(key: &[u8], parts: &[&[u8]]) -> Output<D>
where
    D: Digest + BlockSizeUser + Clone,
{
    let mut block = Key::<SimpleHmac<D>>::default();
    if key.len() > block.len() {
        let h = D::digest(key);
        let n = h.len().min(block.len());
        block[..n].copy_from_slice(&h[..n]);
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let mut mac = <SimpleHmac<D> as KeyInit>::new(&block);
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes()
}

/// Constant-time equality; the length is not secret.
fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

// ---------------------------------------------------------------------------
// HOTP / TOTP (RFC 4226, RFC 6238)

/// RFC 4226 HOTP with HMAC-SHA1 and dynamic truncation (§5.3).
/// Digits above 9 cannot change the 31-bit value and are clamped.
pub fn hotp_sha1(key: &[u8], counter: u64, digits: u32) -> u32 {
    let hs = hmac::<Sha1>(key, &[&counter.to_be_bytes()]);
    let offset = usize::from(hs[hs.len() - 1] & 0x0f);
    let bin = (u32::from(hs[offset] & 0x7f) << 24)
        | (u32::from(hs[offset + 1]) << 16)
        | (u32::from(hs[offset + 2]) << 8)
        | u32::from(hs[offset + 3]);
    let modulus = 10u64.pow(digits.min(10));
    // bin < 2^31, so the remainder always fits in u32.
    (u64::from(bin) % modulus) as u32
}

fn pad(value: u32, digits: u32) -> String {
    format!("{value:0width$}", width = digits as usize)
}

/// The TOTP code of the 30-second step containing `unix_time`.
pub fn totp(secret: &[u8], unix_time: u64) -> String {
    totp_at_step(secret, unix_time / TOTP_STEP)
}

fn totp_at_step(secret: &[u8], step: u64) -> String {
    pad(hotp_sha1(secret, step, TOTP_DIGITS), TOTP_DIGITS)
}

/// Checks a TOTP code, allowing one step of clock skew either way.
/// Returns the matched step, which the caller stores as `last_used_step`:
/// a step at or before it is refused, so an observed code cannot be
/// replayed, not even within its own 30 seconds.
pub fn verify_totp(
    secret: &[u8],
    code: &str,
    unix_time: u64,
    last_used_step: Option<u64>,
) -> Option<u64> {
    verify_window(
        code,
        TOTP_DIGITS,
        unix_time / TOTP_STEP,
        last_used_step,
        |s| totp_at_step(secret, s),
    )
}

/// Shared window check: current step first, then one behind, one ahead.
/// Every candidate is computed and compared so the time taken does not
/// depend on which one matched.
fn verify_window(
    code: &str,
    digits: u32,
    now_step: u64,
    last_used_step: Option<u64>,
    code_at: impl Fn(u64) -> String,
) -> Option<u64> {
    let typed: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if typed.len() != digits as usize || !typed.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let candidates = [
        Some(now_step),
        now_step.checked_sub(1),
        now_step.checked_add(1),
    ];
    let mut found = None;
    for step in candidates.into_iter().flatten() {
        let ok = ct_eq(code_at(step).as_bytes(), typed.as_bytes());
        let fresh = last_used_step.is_none_or(|last| step > last);
        if ok && fresh && found.is_none() {
            found = Some(step);
        }
    }
    found
}

// ---------------------------------------------------------------------------
// SM3 one-time password (GM/T 0021-2012)

/// The SM3 one-time password of the 60-second period containing
/// `unix_time`, with the time factor only.
pub fn sm3_otp(key: &[u8], unix_time: u64) -> String {
    sm3_otp_with(key, unix_time / SM3_STEP, None, None)
}

/// GM/T 0021-2012 §6: P = Truncate(SM3(K ‖ ID)) mod 10^6, with
/// ID = T ‖ C ‖ Q — T the 64-bit time factor, C the optional 32-bit event
/// counter, Q the optional challenge (the standard asks for at least four
/// bytes), all big-endian. The standard requires ID to be at least 128
/// bits; a shorter ID (T alone is 64) is padded on the right with zero
/// bytes, as the reference implementations do.
pub fn sm3_otp_with(
    key: &[u8],
    time_factor: u64,
    counter: Option<u32>,
    challenge: Option<&[u8]>,
) -> String {
    let mut id = Vec::with_capacity(16);
    id.extend_from_slice(&time_factor.to_be_bytes());
    if let Some(c) = counter {
        id.extend_from_slice(&c.to_be_bytes());
    }
    if let Some(q) = challenge {
        id.extend_from_slice(q);
    }
    if id.len() < 16 {
        id.resize(16, 0);
    }
    let mut h = Sm3::new();
    h.update(key);
    h.update(&id);
    let s = h.finalize();
    // GM/T 0021-2012 §6.3 截位算法 (SM3): split the 256-bit S into eight
    // 32-bit big-endian words S1..S8; OD = (S1 + … + S8) mod 2^32.
    let od = s
        .chunks_exact(4)
        .map(|w| u32::from_be_bytes([w[0], w[1], w[2], w[3]]))
        .fold(0u32, u32::wrapping_add);
    pad(od % 10u32.pow(SM3_DIGITS), SM3_DIGITS)
}

/// Checks an SM3 one-time password (time factor only), one period of
/// skew either way; replay is refused as for TOTP. Keys shorter than the
/// 128 bits the standard requires are refused outright.
pub fn verify_sm3_otp(
    key: &[u8],
    code: &str,
    unix_time: u64,
    last_used_step: Option<u64>,
) -> Option<u64> {
    if key.len() < SM3_MIN_KEY_LEN {
        return None;
    }
    verify_window(
        code,
        SM3_DIGITS,
        unix_time / SM3_STEP,
        last_used_step,
        |t| sm3_otp_with(key, t, None, None),
    )
}

// ---------------------------------------------------------------------------
// Secrets and enrolment

fn random_bytes(n: usize) -> Result<Vec<u8>, OtpError> {
    let mut buf = vec![0u8; n];
    getrandom::fill(&mut buf).map_err(|_| OtpError::Random)?;
    Ok(buf)
}

/// A fresh 160-bit secret.
pub fn new_secret() -> Result<Vec<u8>, OtpError> {
    random_bytes(SECRET_LEN)
}

/// RFC 4648 base32 without padding (what authenticator apps expect).
pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for &b in bytes {
        acc = ((acc << 8) | u32::from(b)) & 0xffff;
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(BASE32_ALPHABET[((acc >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(
            BASE32_ALPHABET[((acc << (5 - bits)) & 31) as usize],
        ));
    }
    out
}

/// Decodes base32 as people type it: any case, spaces ignored, trailing
/// `=` padding tolerated.
pub fn base32_decode(text: &str) -> Result<Vec<u8>, OtpError> {
    let chars: Vec<char> = text
        .trim_end_matches(|c: char| c == '=' || c.is_whitespace())
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    // 1, 3 or 6 trailing characters cannot come from whole bytes.
    if matches!(chars.len() % 8, 1 | 3 | 6) {
        return Err(OtpError::Base32Length);
    }
    let mut out = Vec::with_capacity(chars.len() * 5 / 8);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in chars {
        let up = c.to_ascii_uppercase();
        let v = match up {
            'A'..='Z' => up as u32 - 'A' as u32,
            '2'..='7' => up as u32 - '2' as u32 + 26,
            _ => return Err(OtpError::Base32Char(c)),
        };
        acc = ((acc << 5) | v) & 0xffff;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    Ok(out)
}

/// Percent-encodes everything but RFC 3986 unreserved characters and `@`
/// (kept so account names stay readable in the app).
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'@') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The Key URI Format enrolment link, shown as a QR code.
pub fn otpauth_uri(issuer: &str, account: &str, secret: &[u8]) -> String {
    let issuer = percent_encode(issuer);
    format!(
        "otpauth://totp/{issuer}:{account}?secret={secret}&issuer={issuer}\
         &algorithm=SHA1&digits={TOTP_DIGITS}&period={TOTP_STEP}",
        account = percent_encode(account),
        secret = base32(secret),
    )
}

// ---------------------------------------------------------------------------
// Recovery codes

/// `n` distinct codes like `7K3M-Q9XD` (40 bits each). 32 divides 256, so
/// taking the low five bits of a random byte is unbiased.
pub fn new_recovery_codes(n: usize) -> Result<Vec<String>, OtpError> {
    let mut seen = HashSet::with_capacity(n);
    let mut codes = Vec::with_capacity(n);
    while codes.len() < n {
        let raw = random_bytes(8)?;
        let mut code = String::with_capacity(9);
        for (i, b) in raw.iter().enumerate() {
            if i == 4 {
                code.push('-');
            }
            code.push(char::from(CROCKFORD_ALPHABET[usize::from(b & 31)]));
        }
        if seen.insert(code.clone()) {
            codes.push(code);
        }
    }
    Ok(codes)
}

/// The canonical form compared and hashed: upper case, no spaces or
/// dashes, and the look-alikes O→0, I/L→1 that Crockford's alphabet folds.
pub fn normalize_recovery_code(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            u => u,
        })
        .collect()
}

/// Hex HMAC-SM3 of the normalised code. The pepper lives outside the
/// database, so a leaked table of hashes cannot be brute-forced offline.
pub fn hash_recovery_code(pepper: &[u8], code: &str) -> String {
    let normal = normalize_recovery_code(code);
    hex::encode(hmac::<Sm3>(pepper, &[normal.as_bytes()]))
}
