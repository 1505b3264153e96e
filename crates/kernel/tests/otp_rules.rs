//! RULES.md §9, second factor: TOTP (RFC 6238 / RFC 4226), the SM3
//! one-time password of GM/T 0021-2012, enrolment and recovery codes,
//! and the server-rendered QR code of the enrolment link.

use hmac::{KeyInit, Mac, SimpleHmac};
use proptest::prelude::*;
use sm3::{Digest, Sm3};
use yangguang_kernel::otp::*;
use yangguang_kernel::qr;

const RFC_SECRET: &[u8] = b"12345678901234567890";

#[test]
fn rfc6238_appendix_b_sha1_vectors() {
    let cases = [
        (59u64, 94287082u32),
        (1111111109, 7081804),
        (1111111111, 14050471),
        (1234567890, 89005924),
        (2000000000, 69279037),
        (20000000000, 65353130),
    ];
    for (t, want) in cases {
        assert_eq!(hotp_sha1(RFC_SECRET, t / TOTP_STEP, 8), want, "t = {t}");
    }
    // The 6-digit codes apps show are the last six of the same value.
    assert_eq!(totp(RFC_SECRET, 59), "287082");
    assert_eq!(totp(RFC_SECRET, 1111111109), "081804");
}

#[test]
fn rfc4226_appendix_d_hotp_vectors() {
    let want = [
        755224u32, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489,
    ];
    for (counter, w) in want.iter().enumerate() {
        assert_eq!(hotp_sha1(RFC_SECRET, counter as u64, 6), *w);
    }
}

#[test]
fn totp_is_six_zero_padded_digits() {
    // RFC 6238 at t = 1111111109 gives 07081804: the 6-digit code keeps
    // its leading zero.
    let code = totp(RFC_SECRET, 1111111109);
    assert_eq!(code.len(), 6);
    assert!(code.starts_with('0'));
}

#[test]
fn totp_accepts_one_step_of_skew_and_refuses_two() {
    let now = 1_700_000_015u64;
    let step = now / TOTP_STEP;
    assert_eq!(
        verify_totp(RFC_SECRET, &totp(RFC_SECRET, now), now, None),
        Some(step)
    );
    let behind = totp(RFC_SECRET, now - 30);
    let ahead = totp(RFC_SECRET, now + 30);
    assert_eq!(verify_totp(RFC_SECRET, &behind, now, None), Some(step - 1));
    assert_eq!(verify_totp(RFC_SECRET, &ahead, now, None), Some(step + 1));
    assert_eq!(
        verify_totp(RFC_SECRET, &totp(RFC_SECRET, now - 60), now, None),
        None
    );
    assert_eq!(
        verify_totp(RFC_SECRET, &totp(RFC_SECRET, now + 60), now, None),
        None
    );
}

#[test]
fn totp_replay_of_a_used_step_is_refused() {
    let now = 1_700_000_015u64;
    let code = totp(RFC_SECRET, now);
    let used = verify_totp(RFC_SECRET, &code, now, None);
    assert!(used.is_some());
    // Same code again, even within its own 30 seconds.
    assert_eq!(verify_totp(RFC_SECRET, &code, now + 5, used), None);
    // An older code is refused too; the next step is fine.
    assert_eq!(
        verify_totp(RFC_SECRET, &totp(RFC_SECRET, now - 30), now, used),
        None
    );
    let next = now + 30;
    assert_eq!(
        verify_totp(RFC_SECRET, &totp(RFC_SECRET, next), next, used),
        used.map(|s| s + 1)
    );
}

#[test]
fn totp_refuses_malformed_and_wrong_codes() {
    let now = 1_700_000_015u64;
    let code = totp(RFC_SECRET, now);
    assert_eq!(verify_totp(RFC_SECRET, &code[..5], now, None), None);
    assert_eq!(verify_totp(RFC_SECRET, "abcdef", now, None), None);
    assert_eq!(verify_totp(RFC_SECRET, "", now, None), None);
    assert_eq!(verify_totp(b"another secret!!", &code, now, None), None);
    // Spaces typed between the groups are fine.
    let spaced = format!("{} {}", &code[..3], &code[3..]);
    assert!(verify_totp(RFC_SECRET, &spaced, now, None).is_some());
    // At the epoch there is no step -1 to fall back to.
    assert_eq!(
        verify_totp(RFC_SECRET, &totp(RFC_SECRET, 0), 0, None),
        Some(0)
    );
}

/// GM/T 0021-2012 computed by hand: S = SM3(K ‖ ID), ID = T ‖ C ‖ Q
/// zero-padded to 128 bits, OD = sum of the eight big-endian words.
fn sm3_reference(key: &[u8], t: u64, c: Option<u32>, q: Option<&[u8]>) -> String {
    let mut input = key.to_vec();
    let mut id = t.to_be_bytes().to_vec();
    if let Some(c) = c {
        id.extend_from_slice(&c.to_be_bytes());
    }
    if let Some(q) = q {
        id.extend_from_slice(q);
    }
    while id.len() < 16 {
        id.push(0);
    }
    input.extend_from_slice(&id);
    let s = Sm3::digest(&input);
    let mut od: u64 = 0;
    for i in 0..8 {
        let w = u32::from_be_bytes([s[4 * i], s[4 * i + 1], s[4 * i + 2], s[4 * i + 3]]);
        od += u64::from(w);
    }
    format!("{:06}", (od % (1u64 << 32)) % 1_000_000)
}

const SM3_KEYS: [&[u8]; 3] = [
    b"1234567890abcdef",
    b"\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13",
    "阳光政务动态口令种子密钥".as_bytes(),
];

#[test]
fn sm3_otp_matches_an_independent_computation() {
    for key in SM3_KEYS {
        for t in [0u64, 59, 60, 1_313_998_979, 1_700_000_000, 4_102_444_800] {
            let got = sm3_otp(key, t);
            assert_eq!(got, sm3_reference(key, t / 60, None, None), "t = {t}");
            assert_eq!(got.len(), 6);
            assert!(got.bytes().all(|b| b.is_ascii_digit()));
        }
        let t = 1_700_000_000 / SM3_STEP;
        assert_eq!(
            sm3_otp_with(key, t, Some(1234), None),
            sm3_reference(key, t, Some(1234), None)
        );
        assert_eq!(
            sm3_otp_with(key, t, Some(1234), Some(b"5678")),
            sm3_reference(key, t, Some(1234), Some(b"5678"))
        );
        assert_eq!(
            sm3_otp_with(key, t, None, Some("挑战码ABCD".as_bytes())),
            sm3_reference(key, t, None, Some("挑战码ABCD".as_bytes()))
        );
    }
}

#[test]
fn sm3_otp_keeps_leading_zeros() {
    let key = SM3_KEYS[0];
    let zero_led = (0..5000u64)
        .map(|p| (p, sm3_otp(key, p * 60)))
        .find(|(_, c)| c.starts_with('0'));
    let Some((p, code)) = zero_led else {
        panic!("no code with a leading zero in 5000 periods");
    };
    assert_eq!(code.len(), 6);
    assert_eq!(code, sm3_reference(key, p, None, None));
}

#[test]
fn sm3_otp_changes_every_sixty_seconds_and_differs_from_totp() {
    let key = SM3_KEYS[1];
    let base = 1_700_000_040u64; // a multiple of 60
    assert_eq!(base % 60, 0);
    let first = sm3_otp(key, base);
    assert_eq!(sm3_otp(key, base + 30), first);
    assert_eq!(sm3_otp(key, base + 59), first);
    assert_ne!(sm3_otp(key, base + 60), first);
    assert_ne!(sm3_otp(key, base - 1), first);
    for t in [base, base + 60, base + 120] {
        assert_ne!(sm3_otp(key, t), totp(key, t));
    }
}

#[test]
fn sm3_otp_verification_skew_and_replay() {
    let key = SM3_KEYS[2];
    let now = 1_700_000_070u64;
    let step = now / SM3_STEP;
    let used = verify_sm3_otp(key, &sm3_otp(key, now), now, None);
    assert_eq!(used, Some(step));
    assert_eq!(verify_sm3_otp(key, &sm3_otp(key, now), now, used), None);
    assert_eq!(
        verify_sm3_otp(key, &sm3_otp(key, now - 60), now, None),
        Some(step - 1)
    );
    assert_eq!(
        verify_sm3_otp(key, &sm3_otp(key, now + 60), now, None),
        Some(step + 1)
    );
    assert_eq!(
        verify_sm3_otp(key, &sm3_otp(key, now - 120), now, None),
        None
    );
    assert_eq!(
        verify_sm3_otp(key, &sm3_otp(key, now + 120), now, None),
        None
    );
    // The standard requires a seed key of at least 128 bits.
    let short = b"short key";
    assert_eq!(verify_sm3_otp(short, &sm3_otp(short, now), now, None), None);
}

#[test]
fn new_secret_is_twenty_random_bytes() {
    let a = new_secret().unwrap_or_default();
    let b = new_secret().unwrap_or_default();
    assert_eq!(a.len(), 20);
    assert_ne!(a, b);
}

#[test]
fn base32_rfc4648_vectors() {
    let cases = [
        ("", ""),
        ("f", "MY"),
        ("fo", "MZXQ"),
        ("foo", "MZXW6"),
        ("foob", "MZXW6YQ"),
        ("fooba", "MZXW6YTB"),
        ("foobar", "MZXW6YTBOI"),
    ];
    for (plain, encoded) in cases {
        assert_eq!(base32(plain.as_bytes()), encoded);
        assert_eq!(base32_decode(encoded), Ok(plain.as_bytes().to_vec()));
    }
    assert_eq!(base32(RFC_SECRET), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
}

#[test]
fn base32_decode_is_forgiving_about_case_spaces_and_padding() {
    assert_eq!(base32_decode("mzxw 6ytb oi"), Ok(b"foobar".to_vec()));
    assert_eq!(base32_decode("MZXW6YTBOI======"), Ok(b"foobar".to_vec()));
    assert_eq!(base32_decode("MZ1W"), Err(OtpError::Base32Char('1')));
    assert_eq!(base32_decode("MZXW6YTBO"), Err(OtpError::Base32Length));
    assert_eq!(
        base32_decode("MZ1W")
            .err()
            .map(|e| e.to_string())
            .as_deref(),
        Some("密钥中含有无效字符“1”，只能包含字母A至Z和数字2至7")
    );
}

proptest! {
    #[test]
    fn base32_round_trips(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let text = base32(&bytes);
        prop_assert!(!text.contains('='));
        prop_assert_eq!(base32_decode(&text), Ok(bytes.clone()));
        prop_assert_eq!(base32_decode(&text.to_lowercase()), Ok(bytes));
    }
}

#[test]
fn otpauth_uri_exact_string() {
    let uri = otpauth_uri("阳光政务", "admin@yangguang.gov.cn", RFC_SECRET);
    assert_eq!(
        uri,
        "otpauth://totp/%E9%98%B3%E5%85%89%E6%94%BF%E5%8A%A1:admin@yangguang.gov.cn\
         ?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\
         &issuer=%E9%98%B3%E5%85%89%E6%94%BF%E5%8A%A1\
         &algorithm=SHA1&digits=6&period=30"
    );
    // A colon, space or ampersand in a name cannot break the URI apart.
    let odd = otpauth_uri("A&B", "张 三:x", b"k");
    assert!(odd.starts_with("otpauth://totp/A%26B:%E5%BC%A0%20%E4%B8%89%3Ax?secret="));
    assert!(odd.contains("&issuer=A%26B&"));
}

const CROCKFORD: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

#[test]
fn recovery_codes_have_the_4_4_crockford_format_and_are_unique() {
    let codes = new_recovery_codes(200).unwrap_or_default();
    assert_eq!(codes.len(), 200);
    for c in &codes {
        assert_eq!(c.len(), 9, "{c}");
        assert_eq!(&c[4..5], "-");
        assert!(
            c.chars()
                .filter(|ch| *ch != '-')
                .all(|ch| CROCKFORD.contains(ch)),
            "{c}"
        );
        assert_eq!(normalize_recovery_code(c).len(), 8);
    }
    let mut sorted = codes.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), codes.len());
    assert_eq!(new_recovery_codes(0), Ok(Vec::new()));
}

#[test]
fn recovery_code_normalization() {
    assert_eq!(normalize_recovery_code("7k3m q9xd"), "7K3MQ9XD");
    assert_eq!(
        normalize_recovery_code("7k3m q9xd"),
        normalize_recovery_code("7K3M-Q9XD")
    );
    assert_eq!(normalize_recovery_code(" o1il-LOIo "), "01111010");
}

#[test]
fn recovery_code_hash_is_stable_and_depends_on_the_pepper() {
    let pepper = b"pepper kept outside the database";
    let h = hash_recovery_code(pepper, "7K3M-Q9XD");
    assert_eq!(h.len(), 64);
    assert!(h.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(h, hash_recovery_code(pepper, "7k3m q9xd"));
    assert_ne!(h, hash_recovery_code(b"another pepper", "7K3M-Q9XD"));
    assert_ne!(h, hash_recovery_code(pepper, "7K3M-Q9XE"));
    // Independently: HMAC-SM3(pepper, normalized code).
    let mut mac = <SimpleHmac<Sm3> as KeyInit>::new_from_slice(pepper).unwrap();
    mac.update(b"7K3MQ9XD");
    assert_eq!(h, hex::encode(mac.finalize().into_bytes()));
    // A pepper longer than a block is hashed first, as RFC 2104 says.
    let long = [7u8; 100];
    let mut mac = <SimpleHmac<Sm3> as KeyInit>::new_from_slice(&long).unwrap();
    mac.update(b"7K3MQ9XD");
    assert_eq!(
        hash_recovery_code(&long, "7K3M-Q9XD"),
        hex::encode(mac.finalize().into_bytes())
    );
}

// ---------------------------------------------------------------------------
// QR code of the enrolment link

/// Sums the horizontal runs of the single path: `M x,y h n v1 h-n z`.
fn dark_modules_in_path(svg: &str) -> usize {
    let Some(start) = svg.find(" d=\"") else {
        return 0;
    };
    let d = &svg[start + 4..];
    let d = &d[..d.find('"').unwrap_or(d.len())];
    d.split('z')
        .filter(|seg| !seg.is_empty())
        .map(|seg| {
            let h = seg.find('h').unwrap() + 1;
            let v = seg.find('v').unwrap();
            seg[h..v].parse::<usize>().unwrap()
        })
        .sum()
}

#[test]
fn qr_svg_is_one_path_sized_to_the_symbol() {
    let uri = otpauth_uri("阳光政务", "admin@yangguang.gov.cn", RFC_SECRET);
    let svg = qr::svg(&uri, "扫描二维码绑定动态口令").unwrap();
    assert!(svg.starts_with("<svg"));
    assert!(svg.ends_with("</svg>"));
    assert_eq!(svg.matches("<path").count(), 1);
    assert_eq!(svg.matches("<rect").count(), 1);
    assert!(svg.contains("xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.contains("role=\"img\""));
    assert!(svg.contains("aria-label=\"扫描二维码绑定动态口令\""));
    assert!(svg.contains("shape-rendering=\"crispEdges\""));

    let code = qrcodegen::QrCode::encode_text(&uri, qrcodegen::QrCodeEcc::Medium).unwrap();
    let dim = code.size() + 8; // quiet zone of 4 modules on each side
    assert!(svg.contains(&format!("viewBox=\"0 0 {dim} {dim}\"")));
    let mut dark = 0;
    for y in 0..code.size() {
        for x in 0..code.size() {
            if code.get_module(x, y) {
                dark += 1;
            }
        }
    }
    assert_eq!(dark_modules_in_path(&svg), dark);
}

#[test]
fn qr_title_is_escaped() {
    let svg = qr::svg("https://example.gov.cn/", "a<b & \"c\"").unwrap();
    assert!(svg.contains("aria-label=\"a&lt;b &amp; &quot;c&quot;\""));
    assert!(!svg.contains("a<b"));
}

#[test]
fn qr_refuses_text_too_long_for_any_version() {
    let huge = "阳".repeat(3000);
    assert_eq!(qr::svg(&huge, "x"), Err(qr::QrError::TooLong));
}
