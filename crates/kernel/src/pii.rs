//! Personal data (RULES.md §9): SM4 encryption at rest, masking on screen
//! for roles that do not need the full value, and validation of Chinese
//! identity numbers, phone numbers and unified social credit codes at the
//! edge, before anything is stored.

use aes_gcm::aead::consts::U12;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{AesGcm, Key, Nonce};
use sm4::Sm4;
use time::{Date, Month};

/// SM4 in GCM mode (the AEAD construction of GB/T 36624 over SM4), with
/// the usual 96-bit nonce and 128-bit tag.
type Sm4Gcm = AesGcm<Sm4, U12>;

/// Version prefix of a sealed value, so the format can change later.
pub const SEALED_PREFIX: &str = "sm4gcm1:";
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PiiError {
    #[error("系统随机数生成失败，请稍后重试")]
    Random,
    #[error("加密失败：内容过长")]
    Encrypt,
    #[error("加密数据格式不正确，无法解密")]
    SealedFormat,
    #[error("解密失败：密钥不正确或数据已被篡改")]
    Decrypt,
    #[error("身份证号码应为18位，实际为{0}位")]
    IdLength(usize),
    #[error("15位旧版身份证号码已停止使用，请填写18位身份证号码")]
    IdOldFormat,
    #[error("身份证号码前17位应为数字，最后一位应为数字或字母X")]
    IdChars,
    #[error("身份证号码中的出生日期“{0}”不是有效日期")]
    IdBirthDate(String),
    #[error("身份证号码中的出生日期{0}晚于今天")]
    IdBirthFuture(Date),
    #[error("身份证号码校验位不正确，请核对")]
    IdChecksum,
    #[error(
        "电话号码格式不正确：手机号码为1开头的11位数字；\
         固定电话为区号加7至8位号码，如0512-12345678"
    )]
    Phone,
    #[error("统一社会信用代码应为18位，实际为{0}位")]
    CreditLength(usize),
    #[error("统一社会信用代码含有无效字符“{0}”（不使用字母I、O、S、V、Z）")]
    CreditChar(char),
    #[error("统一社会信用代码第3至8位应为登记管理机关行政区划码（数字）")]
    CreditRegion,
    #[error("统一社会信用代码校验位不正确，请核对")]
    CreditChecksum,
}

// ---------------------------------------------------------------------------
// Encryption at rest

/// The SM4 data key. Debug never shows it.
#[derive(Clone)]
pub struct DataKey([u8; 16]);

impl DataKey {
    pub fn new(bytes: [u8; 16]) -> DataKey {
        DataKey(bytes)
    }
}

impl From<[u8; 16]> for DataKey {
    fn from(bytes: [u8; 16]) -> DataKey {
        DataKey(bytes)
    }
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(**)")
    }
}

fn cipher(key: &DataKey) -> Sm4Gcm {
    Sm4Gcm::new(&Key::<Sm4Gcm>::from(key.0))
}

/// Encrypts `plaintext` as `sm4gcm1:` + base64(nonce ‖ ciphertext ‖ tag).
pub fn seal(key: &DataKey, plaintext: &str) -> Result<String, PiiError> {
    seal_with_aad(key, plaintext, "")
}

/// Decrypts a value made by [`seal`].
pub fn open(key: &DataKey, sealed: &str) -> Result<String, PiiError> {
    open_with_aad(key, sealed, "")
}

/// As [`seal`], binding the ciphertext to `context` (e.g. table, column
/// and row number): it only opens with the same context, so a value
/// copied into another row or column is refused instead of shown.
pub fn seal_with_aad(key: &DataKey, plaintext: &str, context: &str) -> Result<String, PiiError> {
    let mut nonce = [0u8; NONCE_LEN];
    getrandom::fill(&mut nonce).map_err(|_| PiiError::Random)?;
    let ct = cipher(key)
        .encrypt(
            &Nonce::<U12>::from(nonce),
            Payload {
                msg: plaintext.as_bytes(),
                aad: context.as_bytes(),
            },
        )
        .map_err(|_| PiiError::Encrypt)?;
    let mut raw = Vec::with_capacity(NONCE_LEN + ct.len());
    raw.extend_from_slice(&nonce);
    raw.extend_from_slice(&ct);
    Ok(format!("{SEALED_PREFIX}{}", base64_encode(&raw)))
}

/// Decrypts a value made by [`seal_with_aad`] with the same context.
pub fn open_with_aad(key: &DataKey, sealed: &str, context: &str) -> Result<String, PiiError> {
    let body = sealed
        .strip_prefix(SEALED_PREFIX)
        .ok_or(PiiError::SealedFormat)?;
    let raw = base64_decode(body).ok_or(PiiError::SealedFormat)?;
    if raw.len() < NONCE_LEN + TAG_LEN {
        return Err(PiiError::SealedFormat);
    }
    let (nonce, ct) = raw.split_at(NONCE_LEN);
    let mut n = [0u8; NONCE_LEN];
    n.copy_from_slice(nonce);
    let pt = cipher(key)
        .decrypt(
            &Nonce::<U12>::from(n),
            Payload {
                msg: ct,
                aad: context.as_bytes(),
            },
        )
        .map_err(|_| PiiError::Decrypt)?;
    String::from_utf8(pt).map_err(|_| PiiError::SealedFormat)
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// RFC 4648 base64, standard alphabet, with padding.
fn base64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(B64[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Strict decoding: whole quads, padding only at the very end.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    let value = |c: u8| -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    };
    let quads = bytes.len() / 4;
    let mut out = Vec::with_capacity(quads * 3);
    for (qi, quad) in bytes.chunks_exact(4).enumerate() {
        let pad = quad.iter().rev().take_while(|c| **c == b'=').count();
        if pad > 2 || (pad > 0 && qi + 1 != quads) {
            return None;
        }
        let mut n = 0u32;
        for &c in &quad[..4 - pad] {
            n = (n << 6) | value(c)?;
        }
        n <<= 6 * pad as u32;
        let got = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&got[..3 - pad]);
    }
    Some(out)
}

// ---------------------------------------------------------------------------
// Masking

fn stars(n: usize) -> String {
    "*".repeat(n)
}

/// Keeps the first `head` and last `tail` characters, stars in between.
fn keep_ends(chars: &[char], head: usize, tail: usize) -> String {
    let n = chars.len();
    let mut out: String = chars[..head].iter().collect();
    out.push_str(&stars(n - head - tail));
    out.extend(&chars[n - tail..]);
    out
}

/// Keeps the last `k` characters (at most half of them), stars before.
fn keep_last(s: &str, k: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    let keep = k.min(chars.len() / 2);
    keep_ends(&chars, 0, keep)
}

/// "320502198001011234" → "320502********1234": the region (first six)
/// and the last four stay. Too short to mask that way → all stars.
pub fn mask_id_number(id: &str) -> String {
    let chars: Vec<char> = id.trim().chars().collect();
    if chars.len() < 11 {
        return stars(chars.len());
    }
    keep_ends(&chars, 6, 4)
}

/// Mobile "13812345678" → "138****5678"; landline "0512-12345678" →
/// "0512-****5678" (area code and extension stay).
pub fn mask_phone(phone: &str) -> String {
    let compact: String = phone.chars().filter(|c| !c.is_whitespace()).collect();
    if let Some(m) = mobile_number(&compact) {
        return format!("{}****{}", &m[..3], &m[7..]);
    }
    let mut parts = compact.splitn(3, '-');
    let first = parts.next().unwrap_or_default();
    match (parts.next(), parts.next()) {
        (Some(local), ext) => {
            let mut out = format!("{first}-{}", keep_last(local, 4));
            if let Some(e) = ext {
                out.push('-');
                out.push_str(e);
            }
            out
        }
        (None, _) if first.starts_with('0') && first.bytes().all(|b| b.is_ascii_digit()) => {
            let area = area_code_len(first).min(first.len());
            format!("{}{}", &first[..area], keep_last(&first[area..], 4))
        }
        (None, _) => keep_last(first, 4),
    }
}

/// Compound surnames kept whole by [`mask_name`].
const COMPOUND_SURNAMES: [&str; 14] = [
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
    "夏侯", "令狐",
];

/// "张三" → "张*", "欧阳娜娜" → "欧阳**": the surname stays.
pub fn mask_name(name: &str) -> String {
    let name = name.trim();
    let chars: Vec<char> = name.chars().collect();
    if chars.len() <= 1 {
        return name.to_string();
    }
    let surname = if chars.len() > 2 && COMPOUND_SURNAMES.iter().any(|s| name.starts_with(s)) {
        2
    } else {
        1
    };
    keep_ends(&chars, surname, 0)
}

/// "zhangsan@example.com" → "z*******@example.com".
pub fn mask_email(email: &str) -> String {
    let email = email.trim();
    let (local, domain) = match email.rsplit_once('@') {
        Some((l, d)) => (l, Some(d)),
        None => (email, None),
    };
    let chars: Vec<char> = local.chars().collect();
    let mut out = if chars.len() >= 2 {
        keep_ends(&chars, 1, 0)
    } else {
        stars(chars.len())
    };
    if let Some(d) = domain {
        out.push('@');
        out.push_str(d);
    }
    out
}

/// Keeps the address up to and including the first 区/县/市 after the
/// province-level part ("江苏省苏州市****", "北京市朝阳区****"); without
/// one, keeps the first six characters (half of a shorter address, so a
/// short one is never shown whole).
pub fn mask_address(address: &str) -> String {
    let chars: Vec<char> = address.trim().chars().collect();
    let start = province_end(&chars);
    let keep = match (start..chars.len()).position(|i| is_admin_suffix(&chars, i)) {
        Some(i) => start + i + 1,
        None if chars.len() > 6 => 6,
        None => chars.len() / 2,
    };
    let mut out: String = chars[..keep].iter().collect();
    if keep < chars.len() {
        out.push_str("****");
    }
    out
}

/// Whether `chars[i]` ends an administrative division name. 区 and 市 also
/// end everyday words (小区, 社区, 3区, 超市, 市场…); those would keep the
/// street address visible, so they are skipped.
fn is_admin_suffix(chars: &[char], i: usize) -> bool {
    let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
    let next = chars.get(i + 1).copied();
    match chars[i] {
        '县' => true,
        '区' => {
            !prev.is_some_and(|p| p.is_ascii_alphanumeric() || "小社校园景厂街片营院".contains(p))
        }
        '市' => !prev.is_some_and(|p| "超菜集夜".contains(p)) && next != Some('场'),
        _ => false,
    }
}

/// Length of the province-level part at the start of an address: a
/// province (…省), an autonomous region (…自治区), a special
/// administrative region, or a municipality (whose 市 is not the city
/// level we look for next). 0 when there is none.
fn province_end(chars: &[char]) -> usize {
    let starts = |s: &str| chars.iter().copied().take(s.chars().count()).eq(s.chars());
    let find = |s: &str, max_at: usize| {
        let pat: Vec<char> = s.chars().collect();
        chars
            .windows(pat.len())
            .take(max_at + 1)
            .position(|w| w == pat.as_slice())
            .map(|i| i + pat.len())
    };
    for m in ["北京", "上海", "天津", "重庆"] {
        if starts(m) {
            return if chars.get(2) == Some(&'市') { 3 } else { 2 };
        }
    }
    if let Some(end) = find("特别行政区", 2) {
        return end;
    }
    // 新疆维吾尔自治区 is the longest: 自治区 at index 5.
    if let Some(end) = find("自治区", 5) {
        return end;
    }
    // 黑龙江省 is the longest province name.
    find("省", 3).unwrap_or(0)
}

// ---------------------------------------------------------------------------
// Validation

/// Checks an 18-character resident identity number (GB 11643-1999):
/// 17 digits and a check character, a real birth date not after `today`,
/// and the ISO 7064 MOD 11-2 check. Returns it with an upper-case X.
pub fn check_id_number(id: &str, today: Date) -> Result<String, PiiError> {
    let id = id.trim();
    let n = id.chars().count();
    if n == 15 && id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PiiError::IdOldFormat);
    }
    if n != 18 {
        return Err(PiiError::IdLength(n));
    }
    let id = id.to_ascii_uppercase();
    let b = id.as_bytes();
    // n == 18 characters; all ASCII is needed for byte indexing below.
    if b.len() != 18
        || !b[..17].iter().all(u8::is_ascii_digit)
        || !(b[17].is_ascii_digit() || b[17] == b'X')
    {
        return Err(PiiError::IdChars);
    }
    let birth = &id[6..14];
    let date = parse_birth_date(birth).ok_or_else(|| PiiError::IdBirthDate(birth.to_string()))?;
    if date > today {
        return Err(PiiError::IdBirthFuture(date));
    }
    if id_check_char(&b[..17]) != char::from(b[17]) {
        return Err(PiiError::IdChecksum);
    }
    Ok(id)
}

/// ISO 7064 MOD 11-2: weights 2^(17-i) mod 11, check = (12 - sum mod 11)
/// mod 11, with 10 written as X.
fn id_check_char(digits: &[u8]) -> char {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = digits
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    match (12 - sum % 11) % 11 {
        10 => 'X',
        v => char::from(b'0' + v as u8),
    }
}

fn parse_birth_date(yyyymmdd: &str) -> Option<Date> {
    let year: i32 = yyyymmdd.get(0..4)?.parse().ok()?;
    let month: u8 = yyyymmdd.get(4..6)?.parse().ok()?;
    let day: u8 = yyyymmdd.get(6..8)?.parse().ok()?;
    // Nobody alive holds an ID with an earlier birth year.
    if year < 1900 {
        return None;
    }
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

/// A mainland mobile number in national form, if `s` is one: the +86,
/// 0086 or 86 prefix and dashes are dropped.
fn mobile_number(s: &str) -> Option<String> {
    let digits: String = s.chars().filter(|c| *c != '-').collect();
    let national = digits
        .strip_prefix("+86")
        .or_else(|| digits.strip_prefix("0086"))
        .unwrap_or(&digits);
    let national = match national.strip_prefix("86") {
        Some(rest) if national.len() == 13 => rest,
        _ => national,
    };
    let b = national.as_bytes();
    let ok = b.len() == 11
        && b.iter().all(u8::is_ascii_digit)
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1]);
    ok.then(|| national.to_string())
}

/// Length of the area code at the start of a national landline number:
/// 010 and 02X have three digits, every other area code four.
fn area_code_len(digits: &str) -> usize {
    if digits.starts_with("01") || digits.starts_with("02") {
        3
    } else {
        4
    }
}

fn all_digits(s: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_area_code(s: &str) -> bool {
    // 0 + 2–3 digits; 00 is the international prefix, not an area code.
    all_digits(s, 3, 4) && s.starts_with('0') && !s.starts_with("00")
}

fn is_local_number(s: &str) -> bool {
    // A leading 0 would be a second trunk prefix.
    all_digits(s, 7, 8) && !s.starts_with('0')
}

/// Checks a mainland mobile number (returned as 11 digits) or a landline
/// with area code (returned as `0512-12345678`, plus `-ext` if given).
pub fn check_phone(phone: &str) -> Result<String, PiiError> {
    let compact: String = phone.chars().filter(|c| !c.is_whitespace()).collect();
    if let Some(m) = mobile_number(&compact) {
        return Ok(m);
    }
    let parts: Vec<&str> = compact.split('-').collect();
    let (area, local, ext) = match parts.as_slice() {
        [whole] => split_area(whole).ok_or(PiiError::Phone)?,
        [a, l] if is_area_code(a) => (*a, *l, None),
        [whole, e] => {
            let (a, l, _) = split_area(whole).ok_or(PiiError::Phone)?;
            (a, l, Some(*e))
        }
        [a, l, e] => (*a, *l, Some(*e)),
        _ => return Err(PiiError::Phone),
    };
    if !is_area_code(area) || !is_local_number(local) {
        return Err(PiiError::Phone);
    }
    match ext {
        Some(e) if !all_digits(e, 1, 6) => Err(PiiError::Phone),
        Some(e) => Ok(format!("{area}-{local}-{e}")),
        None => Ok(format!("{area}-{local}")),
    }
}

/// Splits an undashed landline by the area-code length rule.
fn split_area(whole: &str) -> Option<(&str, &str, Option<&str>)> {
    if !whole.starts_with('0') || !whole.is_ascii() {
        return None;
    }
    let cut = area_code_len(whole);
    (whole.len() > cut).then(|| (&whole[..cut], &whole[cut..], None))
}

/// GB 32100-2015 alphabet: digits and capitals without I, O, S, V, Z.
const CREDIT_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Checks an 18-character unified social credit code (统一社会信用代码,
/// GB 32100-2015): its alphabet, the region digits (positions 3–8) and
/// the MOD 31 check character. Returns it in upper case.
pub fn check_unified_social_credit_code(code: &str) -> Result<String, PiiError> {
    let code = code.trim().to_ascii_uppercase();
    let n = code.chars().count();
    if n != 18 {
        return Err(PiiError::CreditLength(n));
    }
    let mut values = Vec::with_capacity(18);
    for c in code.chars() {
        let v = u8::try_from(c)
            .ok()
            .and_then(|b| CREDIT_ALPHABET.iter().position(|a| *a == b))
            .ok_or(PiiError::CreditChar(c))?;
        values.push(v);
    }
    if !code.as_bytes()[2..8].iter().all(u8::is_ascii_digit) {
        return Err(PiiError::CreditRegion);
    }
    if credit_check_value(&values[..17]) != values[17] {
        return Err(PiiError::CreditChecksum);
    }
    Ok(code)
}

/// Weights 3^(i-1) mod 31; check = 31 - (Σ mod 31), with 31 written as 0.
fn credit_check_value(values: &[usize]) -> usize {
    const WEIGHTS: [usize; 17] = [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];
    let sum: usize = values.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    (31 - sum % 31) % 31
}
