//! RULES.md §9, personal data: SM4 encryption at rest, masking on screen,
//! and validation of identity numbers, phone numbers and unified social
//! credit codes.

use proptest::prelude::*;
use time::macros::date;
use yangguang_kernel::pii::*;

fn key() -> DataKey {
    DataKey::new(*b"0123456789abcdef")
}

// ---------------------------------------------------------------------------
// Encryption at rest

#[test]
fn seal_opens_with_the_same_key_and_has_the_versioned_format() {
    let sealed = seal(&key(), "320502198001011234").unwrap();
    assert!(sealed.starts_with("sm4gcm1:"));
    // base64 of 12-byte nonce + 18-byte ciphertext + 16-byte tag.
    let body = &sealed["sm4gcm1:".len()..];
    assert_eq!(body.len(), (12 + 18 + 16usize).div_ceil(3) * 4);
    assert!(
        body.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
    );
    assert_eq!(open(&key(), &sealed).as_deref(), Ok("320502198001011234"));
}

#[test]
fn two_seals_of_the_same_text_differ() {
    let a = seal(&key(), "13812345678").unwrap();
    let b = seal(&key(), "13812345678").unwrap();
    assert_ne!(a, b);
    assert_eq!(open(&key(), &a), open(&key(), &b));
}

#[test]
fn wrong_key_is_refused() {
    let sealed = seal(&key(), "江苏省苏州市姑苏区人民路100号").unwrap();
    let other = DataKey::from(*b"fedcba9876543210");
    assert_eq!(open(&other, &sealed), Err(PiiError::Decrypt));
    assert_eq!(
        open(&other, &sealed)
            .err()
            .map(|e| e.to_string())
            .as_deref(),
        Some("解密失败：密钥不正确或数据已被篡改")
    );
}

#[test]
fn a_flipped_byte_is_refused() {
    let sealed = seal(&key(), "张三").unwrap();
    let prefix = "sm4gcm1:".len();
    // Change one base64 character in the nonce, the ciphertext and the tag.
    for at in [prefix + 2, prefix + 17, sealed.len() - 4] {
        let mut bytes = sealed.clone().into_bytes();
        bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(bytes).unwrap();
        assert_eq!(open(&key(), &tampered), Err(PiiError::Decrypt), "at {at}");
    }
}

#[test]
fn bad_prefix_or_body_is_refused() {
    let sealed = seal(&key(), "张三").unwrap();
    let body = &sealed["sm4gcm1:".len()..];
    assert_eq!(
        open(&key(), &format!("sm4gcm2:{body}")),
        Err(PiiError::SealedFormat)
    );
    assert_eq!(open(&key(), body), Err(PiiError::SealedFormat));
    assert_eq!(open(&key(), "张三"), Err(PiiError::SealedFormat));
    assert_eq!(open(&key(), "sm4gcm1:"), Err(PiiError::SealedFormat));
    assert_eq!(open(&key(), "sm4gcm1:!!!!"), Err(PiiError::SealedFormat));
    assert_eq!(open(&key(), "sm4gcm1:AAAA"), Err(PiiError::SealedFormat));
    assert_eq!(
        open(&key(), &sealed[..sealed.len() - 4]),
        Err(PiiError::Decrypt)
    );
}

#[test]
fn aad_binds_the_value_to_its_row() {
    let ctx = "requests.applicant.id_number:YSQ-2026-000123";
    let sealed = seal_with_aad(&key(), "320502198001011234", ctx).unwrap();
    assert_eq!(
        open_with_aad(&key(), &sealed, ctx).as_deref(),
        Ok("320502198001011234")
    );
    let other_row = "requests.applicant.id_number:YSQ-2026-000124";
    assert_eq!(
        open_with_aad(&key(), &sealed, other_row),
        Err(PiiError::Decrypt)
    );
    assert_eq!(open(&key(), &sealed), Err(PiiError::Decrypt));
    let plain = seal(&key(), "x").unwrap();
    assert_eq!(open_with_aad(&key(), &plain, ctx), Err(PiiError::Decrypt));
}

#[test]
fn data_key_debug_hides_the_key() {
    assert_eq!(format!("{:?}", key()), "DataKey(**)");
}

fn chinese_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            prop::char::range('\u{4e00}', '\u{9fa5}'),
            prop::char::range(' ', '~'),
        ],
        0..40,
    )
    .prop_map(|v| v.into_iter().collect())
}

proptest! {
    #[test]
    fn seal_open_round_trip(text in any::<String>(), ctx in any::<String>()) {
        let sealed = seal(&key(), &text).unwrap();
        prop_assert_eq!(open(&key(), &sealed), Ok(text.clone()));
        let bound = seal_with_aad(&key(), &text, &ctx).unwrap();
        prop_assert_eq!(open_with_aad(&key(), &bound, &ctx), Ok(text));
    }

    #[test]
    fn seal_open_round_trip_chinese(text in chinese_text()) {
        let sealed = seal(&key(), &text).unwrap();
        prop_assert_eq!(open(&key(), &sealed), Ok(text));
    }

    #[test]
    fn masking_and_checks_never_panic(s in any::<String>()) {
        let _ = mask_id_number(&s);
        let _ = mask_phone(&s);
        let _ = mask_name(&s);
        let _ = mask_email(&s);
        let _ = mask_address(&s);
        let _ = check_id_number(&s, date!(2026 - 01 - 01));
        let _ = check_phone(&s);
        let _ = check_unified_social_credit_code(&s);
        let _ = open(&key(), &s);
        let _ = open(&key(), &format!("sm4gcm1:{s}"));
    }

    #[test]
    fn masking_chinese_text_never_panics(s in chinese_text()) {
        let _ = mask_id_number(&s);
        let _ = mask_phone(&s);
        let _ = mask_name(&s);
        let _ = mask_email(&s);
        let _ = mask_address(&s);
    }
}

// ---------------------------------------------------------------------------
// Masking

#[test]
fn id_number_keeps_region_and_last_four() {
    assert_eq!(mask_id_number("320502198001011234"), "320502********1234");
    assert_eq!(mask_id_number("32050219800101123X"), "320502********123X");
    assert_eq!(mask_id_number("320502800101123"), "320502*****1123");
}

#[test]
fn phone_masks_the_middle() {
    assert_eq!(mask_phone("13812345678"), "138****5678");
    assert_eq!(mask_phone("+86 138 1234 5678"), "138****5678");
    assert_eq!(mask_phone("0512-12345678"), "0512-****5678");
    assert_eq!(mask_phone("010-62345678-801"), "010-****5678-801");
    assert_eq!(mask_phone("051212345678"), "0512****5678");
}

#[test]
fn name_keeps_the_surname() {
    assert_eq!(mask_name("张三"), "张*");
    assert_eq!(mask_name("王小明"), "王**");
    assert_eq!(mask_name("欧阳娜娜"), "欧阳**");
    assert_eq!(mask_name("诸葛亮"), "诸葛*");
    assert_eq!(mask_name("司马"), "司*");
    assert_eq!(mask_name("张"), "张");
}

#[test]
fn email_keeps_first_letter_and_domain() {
    assert_eq!(mask_email("zhangsan@example.com"), "z*******@example.com");
    assert_eq!(mask_email("a@example.com"), "*@example.com");
    assert_eq!(mask_email("张三@例子.中国"), "张*@例子.中国");
}

#[test]
fn address_keeps_the_first_division_after_the_province() {
    assert_eq!(
        mask_address("江苏省苏州市姑苏区人民路100号"),
        "江苏省苏州市****"
    );
    assert_eq!(mask_address("北京市朝阳区建国路88号"), "北京市朝阳区****");
    assert_eq!(mask_address("上海浦东新区世纪大道1号"), "上海浦东新区****");
    assert_eq!(
        mask_address("新疆维吾尔自治区乌鲁木齐市天山区解放路1号"),
        "新疆维吾尔自治区乌鲁木齐市****"
    );
    assert_eq!(mask_address("浙江省安吉县递铺街道1号"), "浙江省安吉县****");
    assert_eq!(mask_address("苏州市姑苏区人民路100号"), "苏州市****");
    // No division: the first six characters.
    assert_eq!(mask_address("人民路100号3幢201室"), "人民路100****");
    // 小区, 3区 and 超市 are not divisions; the street stays hidden.
    assert_eq!(mask_address("幸福小区3区5幢超市旁"), "幸福小区3区****");
    assert_eq!(mask_address("江苏省苏州市"), "江苏省苏州市");
    assert_eq!(mask_address("人民路1号"), "人民****");
}

#[test]
fn masking_odd_input_does_not_panic() {
    let odd = [
        "",
        " ",
        "1",
        "12",
        "张",
        "@",
        "@@",
        "a@",
        "@b",
        "---",
        "-",
        "0",
        "+86",
        "省",
        "自治区",
        "北京",
        "特别行政区",
        "🙂🙂🙂",
        "\u{0}",
        "\u{200b}\u{200b}",
        "12345678901",
    ];
    for s in odd {
        let _ = mask_id_number(s);
        let _ = mask_phone(s);
        let _ = mask_name(s);
        let _ = mask_email(s);
        let _ = mask_address(s);
    }
    assert_eq!(mask_id_number(""), "");
    assert_eq!(mask_id_number("1234"), "****");
    assert_eq!(mask_name(""), "");
    assert_eq!(mask_email(""), "");
    assert_eq!(mask_address(""), "");
}

// ---------------------------------------------------------------------------
// Identity numbers (GB 11643-1999)

/// ISO 7064 MOD 11-2 computed here from its definition.
fn check_char(first17: &str) -> char {
    let mut sum = 0u64;
    for (i, c) in first17.chars().enumerate() {
        let weight = (1u64 << (17 - i)) % 11;
        sum += u64::from(c.to_digit(10).unwrap()) * weight;
    }
    let v = (12 - sum % 11) % 11;
    if v == 10 {
        'X'
    } else {
        char::from_digit(v as u32, 10).unwrap()
    }
}

fn with_check(first17: &str) -> String {
    format!("{first17}{}", check_char(first17))
}

const TODAY: time::Date = date!(2026 - 03 - 15);

#[test]
fn valid_id_number_is_accepted() {
    let id = with_check("32050219800101123");
    assert_eq!(check_id_number(&id, TODAY), Ok(id.clone()));
    assert_eq!(check_id_number(&format!(" {id} "), TODAY), Ok(id));
    // The example from GB 11643-1999 itself.
    assert_eq!(
        check_id_number("11010519491231002X", TODAY).as_deref(),
        Ok("11010519491231002X")
    );
}

#[test]
fn wrong_check_character_is_refused() {
    let id = with_check("32050219800101123");
    let last = id.chars().last().unwrap();
    let wrong = if last == '0' { '1' } else { '0' };
    let bad = format!("{}{wrong}", &id[..17]);
    assert_eq!(check_id_number(&bad, TODAY), Err(PiiError::IdChecksum));
    assert_eq!(
        check_id_number(&bad, TODAY)
            .err()
            .map(|e| e.to_string())
            .as_deref(),
        Some("身份证号码校验位不正确，请核对")
    );
}

#[test]
fn impossible_birth_date_is_refused() {
    for birth in ["19800230", "19801301", "19800000", "19000229", "18991231"] {
        let id = with_check(&format!("320502{birth}123"));
        assert_eq!(
            check_id_number(&id, TODAY),
            Err(PiiError::IdBirthDate(birth.to_string())),
            "{birth}"
        );
    }
    // 2000 was a leap year.
    let leap = with_check("32050220000229123");
    assert!(check_id_number(&leap, TODAY).is_ok());
}

#[test]
fn future_birth_date_is_refused() {
    let id = with_check("32050220260316123");
    assert_eq!(
        check_id_number(&id, TODAY),
        Err(PiiError::IdBirthFuture(date!(2026 - 03 - 16)))
    );
    let born_today = with_check("32050220260315123");
    assert!(check_id_number(&born_today, TODAY).is_ok());
}

#[test]
fn fifteen_digit_and_other_lengths_are_refused() {
    assert_eq!(
        check_id_number("320502800101123", TODAY),
        Err(PiiError::IdOldFormat)
    );
    assert_eq!(
        check_id_number("3205021980010112", TODAY),
        Err(PiiError::IdLength(16))
    );
    assert_eq!(check_id_number("", TODAY), Err(PiiError::IdLength(0)));
    assert_eq!(
        check_id_number("32050219800101123A", TODAY),
        Err(PiiError::IdChars)
    );
    assert_eq!(
        check_id_number("３２０５０２１９８００１０１１２３４", TODAY),
        Err(PiiError::IdChars)
    );
}

#[test]
fn lowercase_x_is_accepted_and_returned_uppercase() {
    let first17 = (0..1000)
        .map(|seq| format!("32050219800101{seq:03}"))
        .find(|f| check_char(f) == 'X')
        .unwrap();
    let lower = format!("{first17}x");
    assert_eq!(check_id_number(&lower, TODAY), Ok(format!("{first17}X")));
}

// ---------------------------------------------------------------------------
// Phone numbers

#[test]
fn valid_phone_numbers_are_normalized() {
    let ok = [
        ("13812345678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+86-138-1234-5678", "13812345678"),
        ("008619912345678", "19912345678"),
        ("8615012345678", "15012345678"),
        ("0512-12345678", "0512-12345678"),
        ("051212345678", "0512-12345678"),
        ("010-62345678", "010-62345678"),
        ("01062345678", "010-62345678"),
        ("021 6123 4567", "021-61234567"),
        ("0512-5123456", "0512-5123456"),
        ("0512-12345678-801", "0512-12345678-801"),
        ("051212345678-801", "0512-12345678-801"),
    ];
    for (input, want) in ok {
        assert_eq!(check_phone(input).as_deref(), Ok(want), "{input}");
    }
}

#[test]
fn invalid_phone_numbers_are_refused() {
    let bad = [
        "",
        "abc",
        "12812345678",    // 12x is not a mobile prefix
        "1381234567",     // 10 digits
        "138123456789",   // 12 digits
        "12345678",       // landline without area code
        "0512-123456",    // local number too short
        "0512-123456789", // local number too long
        "0512-02345678",  // local number starting with 0
        "05-12345678",    // area code too short
        "00512-12345678", // international prefix, not an area code
        "0512-12345678-", // empty extension
        "0512-12345678-1234567",
        "0512-1234-5678-9",
        "+1 202 555 0123",
        "１３８１２３４５６７８",
    ];
    for input in bad {
        assert_eq!(check_phone(input), Err(PiiError::Phone), "{input}");
    }
}

// ---------------------------------------------------------------------------
// Unified social credit codes (GB 32100-2015)

const CREDIT_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// MOD 31 check computed here from its definition: weights 3^i mod 31.
fn credit_with_check(first17: &str) -> String {
    let mut sum = 0u64;
    let mut weight = 1u64;
    for c in first17.chars() {
        let v = CREDIT_ALPHABET.find(c).unwrap() as u64;
        sum += v * weight;
        weight = weight * 3 % 31;
    }
    let check = (31 - sum % 31) % 31;
    let c = CREDIT_ALPHABET.chars().nth(check as usize).unwrap();
    format!("{first17}{c}")
}

#[test]
fn valid_credit_codes_are_accepted() {
    let code = credit_with_check("91320508MA1N2B3C4");
    assert_eq!(check_unified_social_credit_code(&code), Ok(code.clone()));
    assert_eq!(
        check_unified_social_credit_code(&code.to_lowercase()),
        Ok(code)
    );
    // A sample often printed in GB 32100 guidance.
    assert_eq!(
        check_unified_social_credit_code("91350100M000100Y43").as_deref(),
        Ok("91350100M000100Y43")
    );
}

#[test]
fn invalid_credit_codes_are_refused() {
    let code = credit_with_check("91320508MA1N2B3C4");
    let last = code.chars().last().unwrap();
    let wrong = if last == '0' { '1' } else { '0' };
    let bad = format!("{}{wrong}", &code[..17]);
    assert_eq!(
        check_unified_social_credit_code(&bad),
        Err(PiiError::CreditChecksum)
    );
    assert_eq!(
        check_unified_social_credit_code(&bad)
            .err()
            .map(|e| e.to_string())
            .as_deref(),
        Some("统一社会信用代码校验位不正确，请核对")
    );
    assert_eq!(
        check_unified_social_credit_code("91320508MA1N2B3C"),
        Err(PiiError::CreditLength(16))
    );
    assert_eq!(
        check_unified_social_credit_code("91320508MA1N2B3I48"),
        Err(PiiError::CreditChar('I'))
    );
    let region = credit_with_check("91A20508MA1N2B3C4");
    assert_eq!(
        check_unified_social_credit_code(&region),
        Err(PiiError::CreditRegion)
    );
}
