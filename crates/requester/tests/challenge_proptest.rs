//! The `WWW-Authenticate` parser returns on any input, never panics, and reads
//! a well-formed challenge the same way wherever it sits in a list.

use proptest::prelude::*;
use zconnect_requester::challenge::parse_challenges;

/// Bytes biased towards the characters the grammar cares about, so that the
/// cases reach quotes, escapes and separators often.
fn header_bytes() -> impl Strategy<Value = Vec<u8>> {
    let interesting = prop::sample::select(vec![
        b'"', b'\'', b'\\', b',', b'=', b' ', b'\t', b'B', b'e', b'a', b'r', b'x', 0xff, 0xc3,
    ]);
    prop::collection::vec(prop_oneof![any::<u8>(), interesting], 0..200)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parser_returns_on_any_bytes(lines in prop::collection::vec(header_bytes(), 0..4)) {
        let challenges = parse_challenges(lines.iter().map(Vec::as_slice));
        let total: usize = lines.iter().map(Vec::len).sum();
        // Every challenge starts with a scheme of at least one byte.
        prop_assert!(challenges.len() <= total);
    }

    #[test]
    fn bearer_after_garbage_is_found(garbage in "[a-zA-Z0-9 ,=\"'\\\\]{0,40}") {
        // Garbage on its own header line cannot hide a later well-formed line.
        let bearer = br#"Bearer error="invalid_token""#;
        let challenges = parse_challenges([garbage.as_bytes(), bearer.as_slice()]);
        let last = challenges.last().expect("the Bearer line yields a challenge");
        prop_assert!(last.is_scheme("Bearer"));
        prop_assert_eq!(last.param("error"), Some("invalid_token"));
    }
}
