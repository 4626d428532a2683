//! Reading OAuth 2.0 token responses: success, failure, body formats and
//! every way a lifetime can be given or missing.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use http::header::CONTENT_TYPE;
use http::{HeaderMap, HeaderValue, StatusCode};
use zconnect_config::Secret;
use zconnect_requester::oauth::response::{
    parse_token_response, AccessToken, LifetimeSource, TokenLifetime, TokenResponseError,
    MAX_TOKEN_LIFETIME,
};

const DEFAULT_LIFETIME: Duration = Duration::from_secs(300);

fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_700_000_000)
}

fn headers(content_type: Option<&str>) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if let Some(content_type) = content_type {
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_str(content_type).expect("test content type is valid"),
        );
    }
    headers
}

fn parse_as(
    status: u16,
    content_type: Option<&str>,
    body: &str,
) -> Result<AccessToken, TokenResponseError> {
    parse_token_response(
        StatusCode::from_u16(status).expect("test status is valid"),
        &headers(content_type),
        body.as_bytes(),
        DEFAULT_LIFETIME,
        now(),
    )
}

fn parse_json(body: &str) -> Result<AccessToken, TokenResponseError> {
    parse_as(200, Some("application/json"), body)
}

fn expires(seconds: u64, source: LifetimeSource) -> TokenLifetime {
    TokenLifetime::Expires {
        after: Duration::from_secs(seconds),
        source,
    }
}

fn jwt(payload: &str) -> String {
    format!(
        "{}.{}.c2ln",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256"}"#),
        URL_SAFE_NO_PAD.encode(payload)
    )
}

#[test]
fn t2_expires_in_as_string() {
    let token =
        parse_json(r#"{"token_type":"Bearer","expires_in":"3599","access_token":"T1"}"#).unwrap();
    assert_eq!(token.token, Secret::new("T1"));
    assert_eq!(token.lifetime, expires(3599, LifetimeSource::ExpiresIn));
    assert!(token.is_bearer());
}

#[test]
fn t3_no_type_no_lifetime_uses_default() {
    let token = parse_json(r#"{"access_token":"T2"}"#).unwrap();
    assert_eq!(token.token, Secret::new("T2"));
    assert_eq!(token.token_type, None);
    assert!(token.is_bearer());
    assert_eq!(token.lifetime, expires(300, LifetimeSource::Default));
}

#[test]
fn t4_error_with_status_200_fails() {
    let error = parse_json(
        r#"{"error":"incorrect_client_credentials","error_description":"The client_id and/or client_secret passed are incorrect."}"#,
    )
    .unwrap_err();
    assert_eq!(
        error,
        TokenResponseError::ErrorAnswer {
            status: StatusCode::OK,
            error: "incorrect_client_credentials".to_owned(),
            description: Some(
                "The client_id and/or client_secret passed are incorrect.".to_owned()
            ),
        }
    );
    let message = error.to_string();
    assert!(
        message.contains("incorrect_client_credentials"),
        "{message}"
    );
    assert!(
        message.contains("client_secret passed are incorrect"),
        "{message}"
    );
    assert!(error.is_rejection());
}

#[test]
fn error_with_access_token_still_fails() {
    let error = parse_json(r#"{"access_token":"T","error":"invalid_scope"}"#).unwrap_err();
    assert!(matches!(error, TokenResponseError::ErrorAnswer { .. }));
}

#[test]
fn null_or_empty_error_is_no_error() {
    for error in ["null", r#""""#] {
        let body = format!(r#"{{"access_token":"T","error":{error}}}"#);
        assert_eq!(
            parse_json(&body).unwrap().token,
            Secret::new("T"),
            "{error}"
        );
    }
}

#[test]
fn error_answer_with_status_400() {
    let error = parse_as(
        400,
        Some("application/json"),
        r#"{"error":"invalid_grant"}"#,
    )
    .unwrap_err();
    assert_eq!(error.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        error.to_string(),
        "the authorization server returned error \"invalid_grant\" (HTTP 400 Bad Request)"
    );
}

#[test]
fn non_2xx_without_error_fails() {
    let error = parse_as(503, Some("text/html"), "<html>down</html>").unwrap_err();
    assert_eq!(
        error,
        TokenResponseError::Status {
            status: StatusCode::SERVICE_UNAVAILABLE
        }
    );
    assert!(!error.is_rejection());
}

#[test]
fn non_2xx_with_access_token_fails() {
    let error = parse_as(401, Some("application/json"), r#"{"access_token":"T"}"#).unwrap_err();
    assert_eq!(
        error,
        TokenResponseError::Status {
            status: StatusCode::UNAUTHORIZED
        }
    );
    assert!(error.is_rejection());
}

#[test]
fn missing_access_token_fails() {
    let error = parse_json(r#"{"token_type":"Bearer","expires_in":60}"#).unwrap_err();
    assert_eq!(
        error,
        TokenResponseError::MissingAccessToken {
            status: StatusCode::OK
        }
    );
}

#[test]
fn empty_or_non_string_access_token_fails() {
    for body in [
        r#"{"access_token":""}"#,
        r#"{"access_token":42}"#,
        r#"{"access_token":null}"#,
    ] {
        let error = parse_json(body).unwrap_err();
        assert!(
            matches!(error, TokenResponseError::MissingAccessToken { .. }),
            "{body}"
        );
    }
}

#[test]
fn unreadable_body_fails() {
    let error = parse_as(200, Some("text/html"), "<html>login page</html>").unwrap_err();
    assert_eq!(
        error,
        TokenResponseError::Unreadable {
            status: StatusCode::OK,
            content_type: Some("text/html".to_owned()),
        }
    );
}

#[test]
fn json_array_is_unreadable() {
    let error = parse_json(r#"["access_token"]"#).unwrap_err();
    assert!(matches!(error, TokenResponseError::Unreadable { .. }));
}

#[test]
fn form_encoded_response() {
    let token = parse_as(
        200,
        Some("application/x-www-form-urlencoded; charset=utf-8"),
        "access_token=abc%2Bdef&token_type=bearer&expires_in=120&scope=a+b",
    )
    .unwrap();
    assert_eq!(token.token, Secret::new("abc+def"));
    assert_eq!(token.token_type.as_deref(), Some("bearer"));
    assert_eq!(token.lifetime, expires(120, LifetimeSource::ExpiresIn));
}

#[test]
fn form_encoded_error_answer() {
    let error = parse_as(
        200,
        Some("application/x-www-form-urlencoded"),
        "error=bad_verification_code&error_description=The+code+passed+is+incorrect",
    )
    .unwrap_err();
    assert!(
        error.to_string().contains("bad_verification_code"),
        "{error}"
    );
    assert!(
        error.to_string().contains("The code passed is incorrect"),
        "{error}"
    );
}

#[test]
fn form_body_without_content_type() {
    let token = parse_as(200, None, "access_token=T&expires_in=60").unwrap();
    assert_eq!(token.lifetime, expires(60, LifetimeSource::ExpiresIn));
}

#[test]
fn json_body_with_text_plain_content_type() {
    let token = parse_as(
        200,
        Some("text/plain"),
        r#"{"access_token":"T","expires_in":60}"#,
    )
    .unwrap();
    assert_eq!(token.token, Secret::new("T"));
}

#[test]
fn json_suffix_content_type() {
    let token = parse_as(
        200,
        Some("application/vnd.api+json"),
        r#"{"access_token":"T"}"#,
    )
    .unwrap();
    assert_eq!(token.token, Secret::new("T"));
}

#[test]
fn token_type_matched_without_case() {
    for token_type in ["bearer", "BEARER", "Bearer"] {
        let body = format!(r#"{{"access_token":"T","token_type":"{token_type}"}}"#);
        assert!(parse_json(&body).unwrap().is_bearer(), "{token_type}");
    }
    assert!(!parse_json(r#"{"access_token":"T","token_type":"DPoP"}"#)
        .unwrap()
        .is_bearer());
}

#[test]
fn expires_in_as_number() {
    let token = parse_json(r#"{"access_token":"T","expires_in":3600}"#).unwrap();
    assert_eq!(token.lifetime, expires(3600, LifetimeSource::ExpiresIn));
}

#[test]
fn expires_in_as_fractional_number() {
    let token = parse_json(r#"{"access_token":"T","expires_in":1.5}"#).unwrap();
    assert_eq!(
        token.lifetime,
        TokenLifetime::Expires {
            after: Duration::from_millis(1500),
            source: LifetimeSource::ExpiresIn
        }
    );
}

#[test]
fn expires_in_string_with_spaces() {
    let token = parse_json(r#"{"access_token":"T","expires_in":" 60 "}"#).unwrap();
    assert_eq!(token.lifetime, expires(60, LifetimeSource::ExpiresIn));
}

#[test]
fn expires_in_zero_is_used_once() {
    for expires_in in ["0", r#""0""#] {
        let body = format!(r#"{{"access_token":"T","expires_in":{expires_in}}}"#);
        assert_eq!(
            parse_json(&body).unwrap().lifetime,
            TokenLifetime::UseOnce,
            "{expires_in}"
        );
    }
}

#[test]
fn expires_in_negative_is_used_once() {
    for expires_in in ["-5", r#""-5""#] {
        let body = format!(r#"{{"access_token":"T","expires_in":{expires_in}}}"#);
        assert_eq!(
            parse_json(&body).unwrap().lifetime,
            TokenLifetime::UseOnce,
            "{expires_in}"
        );
    }
}

#[test]
fn expires_in_not_numeric_counts_as_missing() {
    for expires_in in [r#""soon""#, "true", "null", r#""NaN""#, r#""inf""#] {
        let body = format!(r#"{{"access_token":"T","expires_in":{expires_in}}}"#);
        assert_eq!(
            parse_json(&body).unwrap().lifetime,
            expires(300, LifetimeSource::Default),
            "{expires_in}"
        );
    }
}

#[test]
fn expires_in_huge_is_capped() {
    let token = parse_json(r#"{"access_token":"T","expires_in":1e300}"#).unwrap();
    assert_eq!(
        token.lifetime,
        TokenLifetime::Expires {
            after: MAX_TOKEN_LIFETIME,
            source: LifetimeSource::ExpiresIn
        }
    );
}

#[test]
fn jwt_exp_gives_lifetime_when_expires_in_missing() {
    let token = jwt(r#"{"sub":"x","exp":1700000600}"#);
    let body = format!(r#"{{"access_token":"{token}"}}"#);
    assert_eq!(
        parse_json(&body).unwrap().lifetime,
        expires(600, LifetimeSource::JwtExp)
    );
}

#[test]
fn expires_in_wins_over_jwt_exp() {
    let token = jwt(r#"{"exp":1700000600}"#);
    let body = format!(r#"{{"access_token":"{token}","expires_in":60}}"#);
    assert_eq!(
        parse_json(&body).unwrap().lifetime,
        expires(60, LifetimeSource::ExpiresIn)
    );
}

#[test]
fn jwt_exp_in_the_past_is_used_once() {
    let token = jwt(r#"{"exp":1699999999}"#);
    let body = format!(r#"{{"access_token":"{token}"}}"#);
    assert_eq!(parse_json(&body).unwrap().lifetime, TokenLifetime::UseOnce);
}

#[test]
fn jwt_without_exp_uses_default() {
    let token = jwt(r#"{"sub":"x"}"#);
    let body = format!(r#"{{"access_token":"{token}"}}"#);
    assert_eq!(
        parse_json(&body).unwrap().lifetime,
        expires(300, LifetimeSource::Default)
    );
}

#[test]
fn error_description_shortened_and_cleaned() {
    let description = format!("line1\nline2{}", "x".repeat(1000));
    let body =
        serde_json::json!({"error": "server_error", "error_description": description}).to_string();
    let TokenResponseError::ErrorAnswer { description, .. } = parse_json(&body).unwrap_err() else {
        panic!("expected an error answer");
    };
    let description = description.unwrap();
    assert!(description.starts_with("line1line2"), "{description}");
    assert_eq!(description.chars().count(), 300);
}

#[test]
fn error_as_object_is_shown_as_json() {
    let error = parse_json(r#"{"error":{"code":7}}"#).unwrap_err();
    assert!(error.to_string().contains(r#"{"code":7}"#), "{error}");
}

#[test]
fn debug_output_hides_token() {
    let token = parse_json(r#"{"access_token":"very-secret-token"}"#).unwrap();
    assert!(!format!("{token:?}").contains("very-secret-token"));
}
