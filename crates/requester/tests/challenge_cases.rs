//! The level 1 / level 3 decision on real-world `WWW-Authenticate` headers, and
//! the parser's handling of each deviation from RFC 9110 that servers send.

use http::header::WWW_AUTHENTICATE;
use http::{HeaderMap, HeaderName, HeaderValue};
use zconnect_config::model::RetryCheckLevel;
use zconnect_requester::challenge::{
    challenges_in, has_bearer_invalid_token, parse_challenges, Challenge,
};
use zconnect_requester::retry::{decide, RetryReason};

fn headers(lines: &[&str]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for line in lines {
        map.append(
            WWW_AUTHENTICATE,
            HeaderValue::from_str(line).expect("test header is valid"),
        );
    }
    map
}

fn retried_at_level_3(lines: &[&str]) -> bool {
    decide(RetryCheckLevel::InvalidTokenChallenge, &headers(lines)).retry
}

fn parse(line: &str) -> Vec<Challenge> {
    parse_challenges([line.as_bytes()])
}

fn param<'a>(challenge: &'a Challenge, name: &str) -> Option<&'a str> {
    challenge.param(name)
}

#[test]
fn w1_space_separated_params_invalid_client_not_retried() {
    let line = r#"Bearer realm="Example" error="invalid_client" error_description="none""#;
    assert!(!retried_at_level_3(&[line]));

    let challenges = parse(line);
    assert_eq!(challenges.len(), 1);
    assert_eq!(param(&challenges[0], "realm"), Some("Example"));
    assert_eq!(param(&challenges[0], "error"), Some("invalid_client"));
    assert_eq!(param(&challenges[0], "error_description"), Some("none"));
}

#[test]
fn w2_single_quoted_values_retried() {
    let line = "Bearer realm='api', error='invalid_token'";
    assert!(retried_at_level_3(&[line]));
    assert_eq!(param(&parse(line)[0], "realm"), Some("api"));
}

#[test]
fn w3_unquoted_url_value_retried() {
    let line = "Bearer authorization_uri=https://login.example.net/authorize, error=invalid_token";
    assert!(retried_at_level_3(&[line]));

    let challenges = parse(line);
    assert_eq!(challenges.len(), 1);
    assert_eq!(
        param(&challenges[0], "authorization_uri"),
        Some("https://login.example.net/authorize")
    );
}

#[test]
fn w4_escaped_quotes_and_commas_retried() {
    let line = r#"Bearer error="invalid_token", error_description="Token \"t-42\" expired, please renew", scope="read,write""#;
    assert!(retried_at_level_3(&[line]));

    let challenges = parse(line);
    assert_eq!(challenges.len(), 1);
    assert_eq!(
        param(&challenges[0], "error_description"),
        Some(r#"Token "t-42" expired, please renew"#)
    );
    assert_eq!(param(&challenges[0], "scope"), Some("read,write"));
}

#[test]
fn w5_bearer_on_third_header_line_retried() {
    let lines = [
        r#"Basic realm="legacy""#,
        "Negotiate",
        r#"Bearer realm="api", error="invalid_token""#,
    ];
    assert!(retried_at_level_3(&lines));

    let schemes: Vec<String> = challenges_in(&headers(&lines))
        .into_iter()
        .map(|c| c.scheme)
        .collect();
    assert_eq!(schemes, ["Basic", "Negotiate", "Bearer"]);
}

#[test]
fn w6_two_challenges_on_one_line_retried() {
    let line = r#"Basic realm="legacy", Bearer realm="api", error="invalid_token""#;
    assert!(retried_at_level_3(&[line]));

    let challenges = parse(line);
    assert_eq!(challenges.len(), 2);
    assert_eq!(param(&challenges[0], "realm"), Some("legacy"));
    assert_eq!(param(&challenges[0], "error"), None);
    assert_eq!(param(&challenges[1], "realm"), Some("api"));
}

#[test]
fn w7_lower_case_header_and_scheme_retried() {
    let mut map = HeaderMap::new();
    map.append(
        HeaderName::from_bytes(b"www-authenticate").expect("valid name"),
        HeaderValue::from_static(r#"bearer error="invalid_token""#),
    );
    assert!(decide(RetryCheckLevel::InvalidTokenChallenge, &map).retry);
}

#[test]
fn w7_upper_case_scheme_and_param_name_retried() {
    assert!(retried_at_level_3(&[r#"BEARER Error="invalid_token""#]));
}

#[test]
fn w8_no_challenge_not_retried_at_level_3() {
    let decision = decide(RetryCheckLevel::InvalidTokenChallenge, &HeaderMap::new());
    assert!(!decision.retry);
    assert_eq!(decision.reason, RetryReason::NoInvalidTokenChallenge);
}

#[test]
fn w8_no_challenge_retried_at_level_1() {
    let decision = decide(RetryCheckLevel::AnyUnauthorized, &HeaderMap::new());
    assert!(decision.retry);
    assert_eq!(decision.reason, RetryReason::AnyUnauthorized);
}

#[test]
fn w9_garbage_header_not_retried_at_level_3() {
    let lines = ["token: false, info: token is not found"];
    assert!(!retried_at_level_3(&lines));
    assert!(parse(lines[0])
        .iter()
        .all(|challenge| !challenge.is_scheme("Bearer")));
}

#[test]
fn w9_garbage_header_retried_at_level_1() {
    let map = headers(&["token: false, info: token is not found"]);
    assert!(decide(RetryCheckLevel::AnyUnauthorized, &map).retry);
}

#[test]
fn w10_params_of_two_bearer_challenges_do_not_mix() {
    let line = r#"Bearer realm="a", error="insufficient_scope", scope="write", Bearer realm="b", error="invalid_token""#;
    assert!(retried_at_level_3(&[line]));

    let challenges = parse(line);
    assert_eq!(challenges.len(), 2);
    assert_eq!(param(&challenges[0], "realm"), Some("a"));
    assert_eq!(param(&challenges[0], "error"), Some("insufficient_scope"));
    assert_eq!(param(&challenges[0], "scope"), Some("write"));
    assert_eq!(param(&challenges[1], "realm"), Some("b"));
    assert_eq!(param(&challenges[1], "error"), Some("invalid_token"));
    assert_eq!(param(&challenges[1], "scope"), None);
}

#[test]
fn w10_insufficient_scope_alone_not_retried() {
    assert!(!retried_at_level_3(&[
        r#"Bearer realm="a", error="insufficient_scope", scope="write""#
    ]));
}

#[test]
fn reasons_use_the_logged_texts() {
    assert_eq!(
        RetryReason::BearerInvalidToken.to_string(),
        "401 with Bearer error=invalid_token"
    );
    assert_eq!(
        RetryReason::NoInvalidTokenChallenge.to_string(),
        "401 without a Bearer invalid_token challenge, level 3"
    );
    assert_eq!(
        RetryReason::ReplacementLimited.to_string(),
        "replacement limited by tokenReplaceInterval"
    );
    assert!(RetryReason::AnyUnauthorized.to_string().contains("level 1"));
}

#[test]
fn level_3_reason_for_bearer_invalid_token() {
    let decision = decide(
        RetryCheckLevel::InvalidTokenChallenge,
        &headers(&[r#"Bearer error="invalid_token""#]),
    );
    assert_eq!(decision.reason, RetryReason::BearerInvalidToken);
}

// The quirk family: each deviation on its own.

#[test]
fn comma_right_after_scheme() {
    let challenges = parse(r#"Bearer, error="invalid_token""#);
    assert_eq!(challenges.len(), 1);
    assert_eq!(param(&challenges[0], "error"), Some("invalid_token"));
}

#[test]
fn empty_list_elements() {
    let challenges =
        parse(r#",, Basic realm="x",,, Bearer ,, realm="y" ,, error="invalid_token",,"#);
    assert_eq!(challenges.len(), 2);
    assert_eq!(param(&challenges[0], "realm"), Some("x"));
    assert_eq!(param(&challenges[1], "realm"), Some("y"));
    assert_eq!(param(&challenges[1], "error"), Some("invalid_token"));
}

#[test]
fn spaces_around_equals_sign() {
    let challenges = parse(r#"Bearer error = "invalid_token""#);
    assert_eq!(param(&challenges[0], "error"), Some("invalid_token"));
}

#[test]
fn unquoted_value_runs_to_next_comma() {
    let challenges = parse("Bearer realm=my api, error=invalid_token");
    assert_eq!(param(&challenges[0], "realm"), Some("my api"));
    assert_eq!(param(&challenges[0], "error"), Some("invalid_token"));
}

#[test]
fn unquoted_value_swallows_spaced_param() {
    // Only a quoted value may be followed by a parameter without a comma, so
    // the `error` value here is the whole rest of the item.
    let challenges = parse("Bearer error=invalid_token realm=x");
    assert_eq!(
        param(&challenges[0], "error"),
        Some("invalid_token realm=x")
    );
    assert!(!has_bearer_invalid_token(&headers(&[
        "Bearer error=invalid_token realm=x"
    ])));
}

#[test]
fn single_quoted_value_keeps_double_quotes() {
    let challenges =
        parse(r#"Bearer error_description='say "hi", then go', error='invalid_token'"#);
    assert_eq!(
        param(&challenges[0], "error_description"),
        Some(r#"say "hi", then go"#)
    );
    assert_eq!(param(&challenges[0], "error"), Some("invalid_token"));
}

#[test]
fn unescaped_quote_inside_quoted_value() {
    // Each inner quote is followed by a letter or `-`, so none closes the value.
    let challenges =
        parse(r#"Bearer error_description="use "Bearer"-scheme tokens", error="invalid_token""#);
    assert_eq!(challenges.len(), 1);
    assert_eq!(
        param(&challenges[0], "error_description"),
        Some(r#"use "Bearer"-scheme tokens"#)
    );
    assert_eq!(param(&challenges[0], "error"), Some("invalid_token"));
}

#[test]
fn quote_before_comma_closes_value() {
    let challenges = parse(r#"Bearer realm="a",error="invalid_token""#);
    assert_eq!(param(&challenges[0], "realm"), Some("a"));
    assert_eq!(param(&challenges[0], "error"), Some("invalid_token"));
}

#[test]
fn backslash_escapes_any_byte() {
    let challenges = parse(r#"Bearer realm="a\\b\"c\d""#);
    assert_eq!(param(&challenges[0], "realm"), Some(r#"a\b"cd"#));
}

#[test]
fn empty_quoted_value() {
    let challenges = parse(r#"Bearer realm="", error="invalid_token""#);
    assert_eq!(param(&challenges[0], "realm"), Some(""));
    assert_eq!(param(&challenges[0], "error"), Some("invalid_token"));
}

#[test]
fn unterminated_quoted_value_ends_at_line_end() {
    let map = headers(&[r#"Bearer realm="open"#, r#"Bearer error="invalid_token""#]);
    let challenges = challenges_in(&map);
    assert_eq!(challenges.len(), 2);
    assert_eq!(param(&challenges[0], "realm"), Some("open"));
    assert!(has_bearer_invalid_token(&map));
}

#[test]
fn token68_challenge() {
    let challenges = parse(r#"Negotiate YIIGhg+Yx/a==, Bearer error="invalid_token""#);
    assert_eq!(challenges.len(), 2);
    assert_eq!(challenges[0].token68.as_deref(), Some("YIIGhg+Yx/a=="));
    assert!(challenges[0].params.is_empty());
    assert!(challenges[1].is_scheme("bearer"));
}

#[test]
fn token68_without_padding() {
    let challenges = parse("Negotiate abc123");
    assert_eq!(challenges.len(), 1);
    assert_eq!(challenges[0].token68.as_deref(), Some("abc123"));
}

#[test]
fn scheme_without_params_then_next_line() {
    let challenges = parse_challenges([b"Negotiate".as_slice(), b"Bearer realm=\"x\"".as_slice()]);
    assert_eq!(challenges.len(), 2);
    assert_eq!(challenges[0].token68, None);
    assert_eq!(param(&challenges[1], "realm"), Some("x"));
}

#[test]
fn header_lines_form_one_list() {
    // RFC 9110 section 5.3: field lines combine as if joined by commas.
    let map = headers(&[r#"Bearer realm="api""#, r#"error="invalid_token""#]);
    assert!(has_bearer_invalid_token(&map));
}

#[test]
fn param_before_any_scheme_is_dropped() {
    let map = headers(&[r#"error="invalid_token""#]);
    assert!(challenges_in(&map).is_empty());
    assert!(!has_bearer_invalid_token(&map));
}

#[test]
fn dpop_error_does_not_count() {
    assert!(!retried_at_level_3(&[
        r#"DPoP algs="ES256", error="invalid_token""#
    ]));
}

#[test]
fn basic_error_does_not_count() {
    assert!(!retried_at_level_3(&[
        r#"Basic realm="x", error="invalid_token""#
    ]));
}

#[test]
fn dpop_before_bearer_keeps_its_own_error() {
    let line = r#"DPoP error="invalid_token", Bearer realm="api""#;
    assert!(!retried_at_level_3(&[line]));
    let challenges = parse(line);
    assert_eq!(challenges.len(), 2);
    assert_eq!(param(&challenges[1], "error"), None);
}

#[test]
fn invalid_token_in_description_does_not_count() {
    assert!(!retried_at_level_3(&[
        r#"Bearer error="invalid_request", error_description="not an invalid_token""#
    ]));
}

#[test]
fn invalid_token_outside_error_param_does_not_count() {
    assert!(!retried_at_level_3(&[r#"Bearer realm="invalid_token""#]));
    assert!(!retried_at_level_3(&["Bearer invalid_token"]));
    assert!(!retried_at_level_3(&[r#"Bearer error="invalid_token_x""#]));
    assert!(!retried_at_level_3(&[r#"Bearer error="INVALID_TOKEN""#]));
}

#[test]
fn non_utf8_bytes_do_not_stop_parsing() {
    let line: &[u8] = b"Basic realm=\"caf\xe9\", Bearer error=\"invalid_token\"";
    let challenges = parse_challenges([line]);
    assert_eq!(challenges.len(), 2);
    assert_eq!(param(&challenges[0], "realm"), Some("caf\u{fffd}"));
    assert_eq!(param(&challenges[1], "error"), Some("invalid_token"));
}

#[test]
fn stray_equals_and_quotes_are_skipped() {
    let challenges = parse(r#"= "x, y" Bearer error="invalid_token""#);
    assert_eq!(challenges.len(), 1);
    assert_eq!(param(&challenges[0], "error"), Some("invalid_token"));
}

#[test]
fn insufficient_scope_describing_invalid_token_not_retried() {
    let line =
        r#"Bearer realm="a", error="insufficient_scope", error_description="invalid_token scope""#;
    assert!(!retried_at_level_3(&[line]));

    let challenges = parse(line);
    assert_eq!(challenges.len(), 1);
    assert_eq!(param(&challenges[0], "error"), Some("insufficient_scope"));
}

#[test]
fn two_bearer_challenges_without_invalid_token_not_retried() {
    let line = r#"Bearer realm="a", error="insufficient_scope", Bearer realm="b", error_description="invalid_token""#;
    assert!(!retried_at_level_3(&[line]));

    let challenges = parse(line);
    assert_eq!(challenges.len(), 2);
    assert_eq!(param(&challenges[0], "error"), Some("insufficient_scope"));
    assert_eq!(param(&challenges[1], "error"), None);
    assert_eq!(
        param(&challenges[1], "error_description"),
        Some("invalid_token")
    );
}

#[test]
fn two_bearer_lines_without_invalid_token_not_retried() {
    let lines = [
        r#"Bearer realm="a", error="insufficient_scope""#,
        r#"Bearer realm="b", error_description="invalid_token""#,
    ];
    assert!(!retried_at_level_3(&lines));
    assert_eq!(challenges_in(&headers(&lines)).len(), 2);
}

/// `;` is no list separator, so the closing quote is followed by neither a
/// comma, whitespace nor the end, and counts as an unescaped quote inside the
/// value. The value is then not exactly `invalid_token`.
#[test]
fn semicolon_after_quoted_error_not_retried() {
    let line = r#"Bearer error="invalid_token"; charset=x"#;
    assert!(!retried_at_level_3(&[line]));

    let challenges = parse(line);
    assert_eq!(challenges.len(), 1);
    assert_eq!(
        param(&challenges[0], "error"),
        Some(r#"invalid_token"; charset=x"#)
    );
}

/// A quoted-pair stands for the byte after the backslash (RFC 9110 section
/// 5.6.4), so `invalid\_token` is `invalid_token`.
#[test]
fn quoted_pair_in_error_value_retried() {
    let line = r#"Bearer error="invalid\_token""#;
    assert!(retried_at_level_3(&[line]));
    assert_eq!(param(&parse(line)[0], "error"), Some("invalid_token"));
}

/// The table in docs/requester.md of headers where reading the Bearer
/// challenge and searching the text for `invalid_token` give different
/// answers, with zconnect's answer at level 3.
#[test]
fn text_search_differences_table() {
    let rows: [(&str, bool); 12] = [
        (
            r#"Bearer error="invalid_request", error_description="not an invalid_token""#,
            false,
        ),
        (
            r#"Bearer realm="a", error="insufficient_scope", error_description="invalid_token scope""#,
            false,
        ),
        (
            r#"Bearer realm="a", error="insufficient_scope", Bearer realm="b", error_description="invalid_token""#,
            false,
        ),
        (r#"DPoP algs="ES256", error="invalid_token""#, false),
        (r#"Basic realm="x", error="invalid_token""#, false),
        (r#"Bearer realm="invalid_token""#, false),
        (r#"Bearer error="invalid_token_x""#, false),
        (r#"error="invalid_token""#, false),
        ("token: false, info: invalid_token", false),
        ("Bearer error=invalid_token realm=x", false),
        (r#"Bearer error="invalid_token"; charset=x"#, false),
        (r#"Bearer error="invalid\_token""#, true),
    ];
    for (line, expected) in rows {
        assert_eq!(retried_at_level_3(&[line]), expected, "level 3 on {line}");
    }
}
