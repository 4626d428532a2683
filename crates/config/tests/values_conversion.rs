//! Table tests for the value types of the schema.

use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use zconnect_config::schema::{TimeUnit, ValueType};
use zconnect_config::values::{
    self, decode_password, encode_xor, parse_boolean, parse_duration, parse_enum, parse_int,
    parse_int_option, verify_hash, PasswordValue, ValueError,
};
use zconnect_config::Secret;

#[test]
fn duration_valid_forms() {
    let cases: &[(&str, TimeUnit, u64, bool)] = &[
        ("30", TimeUnit::Milliseconds, 30, true),
        ("0", TimeUnit::Milliseconds, 0, true),
        ("300", TimeUnit::Seconds, 300_000, true),
        ("500ms", TimeUnit::Milliseconds, 500, false),
        ("30s", TimeUnit::Milliseconds, 30_000, false),
        ("30s", TimeUnit::Seconds, 30_000, false),
        ("1m30s", TimeUnit::Milliseconds, 90_000, false),
        ("1s500ms", TimeUnit::Milliseconds, 1_500, false),
        ("2h 5m", TimeUnit::Milliseconds, 7_500_000, false),
        ("1d", TimeUnit::Milliseconds, 86_400_000, false),
        ("1D2H", TimeUnit::Milliseconds, 93_600_000, false),
        ("10MS", TimeUnit::Milliseconds, 10, false),
        ("1h  1s", TimeUnit::Milliseconds, 3_601_000, false),
    ];
    for (raw, unit, millis, bare) in cases {
        let parsed = parse_duration(raw, *unit).unwrap_or_else(|e| panic!("{raw}: {e}"));
        assert_eq!(parsed.value, Duration::from_millis(*millis), "{raw}");
        assert_eq!(parsed.bare, *bare, "{raw}");
    }
}

#[test]
fn duration_invalid_forms() {
    let cases: &[(&str, &str)] = &[
        ("1m30", "no unit"),
        ("-5s", "no sign"),
        ("+5s", "no sign"),
        ("1.5s", "no fractions"),
        ("", "empty"),
        ("s", "number followed by a unit"),
        ("5x", "`x` is not a unit"),
        ("5 s", "without a space"),
        (" 5s", "leading spaces"),
        ("5s ", "trailing spaces"),
        ("99999999999999999999", "too large"),
        ("999999999999999d", "too large"),
    ];
    for (raw, reason) in cases {
        let error = parse_duration(raw, TimeUnit::Milliseconds).expect_err(raw);
        let message = error.to_string();
        assert!(message.contains(reason), "{raw}: {message}");
        assert!(
            message.contains(&format!("`{raw}`")),
            "{raw}: message names the value: {message}"
        );
    }
}

#[test]
fn boolean_any_case() {
    for (raw, expected) in [
        ("true", true),
        ("TRUE", true),
        ("True", true),
        ("false", false),
        ("FaLsE", false),
    ] {
        assert_eq!(parse_boolean(raw), Ok(expected), "{raw}");
    }
    for raw in ["yes", "1", " true", "true ", ""] {
        assert_eq!(
            parse_boolean(raw),
            Err(ValueError::NotABoolean {
                value: raw.to_owned()
            }),
            "{raw}"
        );
    }
}

#[test]
fn int_range_and_no_trimming() {
    assert_eq!(parse_int("9080", 1, 65535), Ok(9080));
    assert_eq!(parse_int("-1", -1, 65535), Ok(-1));
    assert_eq!(parse_int("+7", 1, 10), Ok(7));
    assert!(matches!(
        parse_int(" 3", 1, 10),
        Err(ValueError::NotAnInteger { .. })
    ));
    assert!(matches!(
        parse_int("3 ", 1, 10),
        Err(ValueError::NotAnInteger { .. })
    ));
    assert!(matches!(
        parse_int("0x10", 1, 100),
        Err(ValueError::NotAnInteger { .. })
    ));
    assert!(matches!(
        parse_int("70000", 1, 65535),
        Err(ValueError::OutOfRange { .. })
    ));
    assert!(matches!(
        parse_int("0", 1, 65535),
        Err(ValueError::OutOfRange { .. })
    ));
    assert!(matches!(
        parse_int("99999999999999999999", 1, 65535),
        Err(ValueError::OutOfRange { .. })
    ));
}

#[test]
fn token_retry_check_level_options() {
    let cases: &[(&str, Option<i64>)] = &[
        ("1", Some(1)),
        ("3", Some(3)),
        ("2", None),
        ("4", None),
        ("abc", None),
        (" 3", None),
        ("", None),
    ];
    for (raw, expected) in cases {
        let result = parse_int_option(raw, &[1, 3]);
        match expected {
            Some(level) => assert_eq!(result, Ok(*level), "{raw}"),
            None => {
                let error = result.expect_err(raw);
                assert!(error.to_string().contains("`1` or `3`"), "{raw}: {error}");
            }
        }
    }
}

#[test]
fn enum_canonical_spelling() {
    const OPTIONS: &[&str] = &["Text", "JSON"];
    assert_eq!(parse_enum("json", OPTIONS), Ok("JSON"));
    assert_eq!(parse_enum("TEXT", OPTIONS), Ok("Text"));
    let error = parse_enum("xml", OPTIONS).expect_err("xml");
    assert_eq!(
        error.to_string(),
        "`xml` is not one of the allowed values: write `Text` or `JSON`"
    );
}

#[test]
fn xor_decodes_and_round_trips() {
    let cases: &[(&str, &str)] = &[
        ("{xor}Lz4sLCgwLTs=", "password"),
        ("{XOR}Lz4sLCgwLTs=", "password"),
        ("{xor}", ""),
        ("plain-secret", "plain-secret"),
    ];
    for (raw, plain) in cases {
        let decoded = decode_password(raw, false).unwrap_or_else(|e| panic!("{raw}: {e}"));
        assert_eq!(decoded, PasswordValue::Plain(Secret::new(*plain)), "{raw}");
    }
    for plain in ["password", "pässwörd", "a:b@c", ""] {
        let encoded = encode_xor(plain);
        assert!(encoded.starts_with("{xor}"), "{encoded}");
        assert_eq!(
            decode_password(&encoded, false),
            Ok(PasswordValue::Plain(Secret::new(plain)))
        );
    }
}

#[test]
fn xor_invalid_base64_is_an_error() {
    let error = decode_password("{xor}not*base64", false).expect_err("invalid");
    assert!(matches!(error, ValueError::InvalidXor { .. }), "{error}");
    assert!(error.to_string().contains("zconnect encode"), "{error}");
}

#[test]
fn aes_password_is_rejected_with_advice() {
    let error = decode_password("{aes}ARAGH2ldY2TSdJXoxXYMx+U=", false).expect_err("aes");
    let message = error.to_string();
    assert!(message.contains("{aes}"), "{message}");
    assert!(message.contains("zconnect encode"), "{message}");
    assert!(message.contains("variable"), "{message}");
    assert!(
        !message.contains("ARAGH2"),
        "message must not show the value: {message}"
    );
}

/// Builds a Liberty `{hash}` record for `password`.
fn hash_record(password: &str, salt: &[u8], iterations: u32, algorithm: Option<&str>) -> String {
    let mut digest = vec![0u8; 32];
    match algorithm.unwrap_or("PBKDF2WithHmacSHA1") {
        "PBKDF2WithHmacSHA256" => {
            pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password.as_bytes(), salt, iterations, &mut digest)
        }
        _ => pbkdf2::pbkdf2_hmac::<sha1::Sha1>(password.as_bytes(), salt, iterations, &mut digest),
    }
    let mut record = Vec::new();
    let mut field = |tag: u8, bytes: &[u8]| {
        record.push(tag);
        record.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
        record.extend_from_slice(bytes);
    };
    if let Some(name) = algorithm {
        field(0x10, name.as_bytes());
    }
    field(0x20, &iterations.to_be_bytes());
    field(0x30, salt);
    field(0x40, &digest);
    field(0x50, &256u32.to_be_bytes());
    format!("{{hash}}{}", STANDARD.encode(record))
}

#[test]
fn hash_verifies_the_right_password_only() {
    let record = hash_record("s3cret", b"0123456789abcdef", 6384, None);
    let secret = Secret::new(record.clone());
    assert!(verify_hash(&secret, "s3cret"));
    assert!(!verify_hash(&secret, "s3cret "));
    assert!(!verify_hash(&secret, "wrong"));

    let sha256 = Secret::new(hash_record(
        "other",
        b"salt",
        10,
        Some("PBKDF2WithHmacSHA256"),
    ));
    assert!(verify_hash(&sha256, "other"));
    assert!(!verify_hash(&sha256, "s3cret"));
}

#[test]
fn hash_accepted_only_where_allowed() {
    let record = hash_record("s3cret", b"salt", 100, None);
    match decode_password(&record, true) {
        Ok(PasswordValue::Hash(stored)) => assert!(verify_hash(&stored, "s3cret")),
        other => panic!("expected a hash, got {other:?}"),
    }
    let error = decode_password(&record, false).expect_err("hash not allowed");
    assert!(error.to_string().contains("{hash}"), "{error}");
    assert!(error.to_string().contains("zconnect encode"), "{error}");
}

#[test]
fn hash_malformed_record_is_invalid() {
    for raw in ["{hash}", "{hash}!!!", "{hash}EAAAAAE="] {
        let error = decode_password(raw, true).expect_err(raw);
        assert!(
            matches!(error, ValueError::InvalidHash { .. }),
            "{raw}: {error}"
        );
    }
    assert!(!verify_hash(&Secret::new("{hash}EAAAAAE="), ""));
}

#[test]
fn url_must_be_absolute_http() {
    assert!(values::parse_url("https://127.0.0.1:8443/token?a=b&c=d").is_ok());
    assert!(values::parse_url("http://localhost/token").is_ok());
    for raw in ["/token", "ftp://host/token", "https://", "token"] {
        assert!(values::parse_url(raw).is_err(), "{raw}");
    }
}

#[test]
fn convert_by_schema_type() {
    assert_eq!(
        values::convert(ValueType::NameList, " a, b ,,c"),
        Ok(values::Value::NameList(vec![
            "a".into(),
            "b".into(),
            "c".into()
        ]))
    );
    assert_eq!(
        values::convert(ValueType::Reference(&["ssl"]), " mySsl "),
        Ok(values::Value::Reference("mySsl".into()))
    );
    assert_eq!(
        values::convert(ValueType::Reference(&["ssl"]), "  "),
        Err(ValueError::EmptyReference)
    );
    assert!(values::convert(ValueType::JsonPath, "$.access_token").is_ok());
}
