//! zosconnect_authToken: where credentials come from, the token request, the
//! token read from the response, the caching rule and the endpoint header.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use http::header::{AUTHORIZATION, CONTENT_TYPE};
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use zconnect_config::model::{
    AuthData, AuthToken, AuthorizationServer, BasicAuthEncoding, CredentialLocation,
    ResponseFormat, TokenLocation, TokenRequest, TokenRequestMethod, TokenResponse,
};
use zconnect_config::Secret;
use zconnect_requester::auth_token::{
    build_request, caching, endpoint_header, read_token, resolve_credentials, AuthTokenCaching,
    AuthTokenCredentials, AuthTokenRequestError, AuthTokenResponseError, EndpointHeaderError,
    NoCacheReason,
};
use zconnect_requester::credentials::CallerCredentials;
use zconnect_requester::custom_parms::CustomParmsError;

fn element() -> AuthToken {
    AuthToken {
        id: "jwtToken".to_owned(),
        auth_server: "jwtServer".to_owned(),
        header: "Authorization".to_owned(),
        use_bearer_scheme: true,
        cache_tokens_with_jti: false,
        token_request: TokenRequest {
            credential_location: CredentialLocation::Header,
            header: Some("X-Credentials".to_owned()),
            request_method: TokenRequestMethod::Post,
            request_body: None,
        },
        token_response: TokenResponse {
            token_location: TokenLocation::Header,
            header: Some("X-Token".to_owned()),
            response_format: None,
            token_path: None,
        },
    }
}

fn body_element(template: &str) -> AuthToken {
    let mut element = element();
    element.token_request.credential_location = CredentialLocation::Body;
    element.token_request.header = None;
    element.token_request.request_body = Some(template.to_owned());
    element
}

fn json_response_element(path: &str) -> AuthToken {
    let mut element = element();
    element.token_response = TokenResponse {
        token_location: TokenLocation::Body,
        header: None,
        response_format: Some(ResponseFormat::Json),
        token_path: Some(path.to_owned()),
    };
    element
}

fn server(basic_auth: Option<&str>) -> AuthorizationServer {
    AuthorizationServer {
        id: "jwtServer".to_owned(),
        token_endpoint: "http://127.0.0.1:1/auth/token?realm=a".to_owned(),
        basic_auth: basic_auth.map(str::to_owned),
        ssl: None,
        connection_timeout: Duration::from_secs(30),
        receive_timeout: Duration::from_secs(60),
        basic_auth_encoding: BasicAuthEncoding::Form,
    }
}

fn secret(value: &str) -> Option<Secret> {
    Some(Secret::new(value))
}

fn credentials(user: &str, password: &str) -> AuthTokenCredentials {
    AuthTokenCredentials {
        user: Secret::new(user),
        password: Secret::new(password),
    }
}

fn caller(user: &str, password: &str) -> CallerCredentials {
    CallerCredentials {
        token_username: secret(user),
        token_password: secret(password),
        ..CallerCredentials::default()
    }
}

fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

fn jwt(payload: &str) -> String {
    format!(
        "{}.{}.c2ln",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256"}"#),
        URL_SAFE_NO_PAD.encode(payload)
    )
}

fn at(seconds: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(seconds)
}

// Credentials.

#[test]
fn credentials_from_caller_headers() {
    let resolved =
        resolve_credentials(&element(), &server(None), None, &caller("alice", "pw")).unwrap();
    assert_eq!(resolved, credentials("alice", "pw"));
}

#[test]
fn credentials_from_server_basic_auth_ref_win() {
    let auth_data = AuthData {
        id: "jwtUser".to_owned(),
        user: "service".to_owned(),
        password: secret("service-pw"),
    };
    let resolved = resolve_credentials(
        &element(),
        &server(Some("jwtUser")),
        Some(&auth_data),
        &caller("alice", "pw"),
    )
    .unwrap();
    assert_eq!(resolved, credentials("service", "service-pw"));
}

#[test]
fn credentials_missing_password_is_caller_error() {
    let caller = CallerCredentials {
        token_username: secret("alice"),
        ..CallerCredentials::default()
    };
    let error = resolve_credentials(&element(), &server(None), None, &caller).unwrap_err();
    assert_eq!(
        error,
        AuthTokenRequestError::MissingCallerCredential {
            auth_token: "jwtToken".to_owned(),
            header: "BAQHAPI-Token-Password",
        }
    );
    assert!(error.is_caller_error());
}

#[test]
fn credentials_auth_data_without_password_is_config_error() {
    let auth_data = AuthData {
        id: "jwtUser".to_owned(),
        user: "service".to_owned(),
        password: None,
    };
    let error = resolve_credentials(
        &element(),
        &server(Some("jwtUser")),
        Some(&auth_data),
        &caller("alice", "pw"),
    )
    .unwrap_err();
    assert!(matches!(
        error,
        AuthTokenRequestError::MissingAuthDataPassword { .. }
    ));
    assert!(!error.is_caller_error());
}

// The token request.

#[test]
fn request_header_credentials_use_basic() {
    let request = build_request(
        &element(),
        &server(None),
        &credentials("alice", "p:w"),
        &CallerCredentials::default(),
    )
    .unwrap();
    assert_eq!(request.method, Method::POST);
    // base64("alice:p:w"): plain Basic, no form encoding.
    assert_eq!(
        header_text(&request.headers, "X-Credentials"),
        Some("Basic YWxpY2U6cDp3")
    );
    assert_eq!(request.body, None);
    assert_eq!(
        request.url.as_str(),
        "http://127.0.0.1:1/auth/token?realm=a"
    );
}

#[test]
fn request_method_follows_element() {
    let mut element = element();
    element.token_request.request_method = TokenRequestMethod::Get;
    let request = build_request(
        &element,
        &server(None),
        &credentials("a", "b"),
        &CallerCredentials::default(),
    )
    .unwrap();
    assert_eq!(request.method, Method::GET);
}

#[test]
fn request_body_templates_by_format() {
    let cases = [
        (
            r#"{"user":"${userid}","pass":"${password}"}"#,
            "application/json",
            r#"{"user":"a\"b","pass":"p&w"}"#,
        ),
        (
            "user=${userid}&pass=${password}",
            "application/x-www-form-urlencoded",
            "user=a%22b&pass=p%26w",
        ),
        ("${userid}/${password}", "text/plain", r#"a"b/p&w"#),
    ];
    for (template, content_type, body) in cases {
        let request = build_request(
            &body_element(template),
            &server(None),
            &credentials("a\"b", "p&w"),
            &CallerCredentials::default(),
        )
        .unwrap();
        assert_eq!(
            header_text(&request.headers, "content-type"),
            Some(content_type),
            "{template}"
        );
        assert_eq!(
            request.body.as_ref().map(Secret::expose),
            Some(body),
            "{template}"
        );
    }
}

#[test]
fn request_custom_headers_are_added() {
    let caller = CallerCredentials {
        token_custom_headers: secret(r"X-Tenant=acme,X-List=a\,b"),
        ..CallerCredentials::default()
    };
    let request =
        build_request(&element(), &server(None), &credentials("a", "b"), &caller).unwrap();
    assert_eq!(header_text(&request.headers, "x-tenant"), Some("acme"));
    assert_eq!(header_text(&request.headers, "x-list"), Some("a,b"));
}

#[test]
fn request_headers_are_sensitive() {
    let caller = CallerCredentials {
        token_custom_headers: secret("X-Api-Key=key-123"),
        ..CallerCredentials::default()
    };
    let request = build_request(
        &element(),
        &server(None),
        &credentials("alice", "hunter2"),
        &caller,
    )
    .unwrap();
    let debug = format!("{request:?}");
    assert!(!debug.contains("key-123"), "{debug}");
    assert!(!debug.contains("YWxpY2U6aHVudGVyMg"), "{debug}");
}

#[test]
fn request_malformed_custom_headers_rejected() {
    let caller = CallerCredentials {
        token_custom_headers: secret("X-Tenant"),
        ..CallerCredentials::default()
    };
    let error =
        build_request(&element(), &server(None), &credentials("a", "b"), &caller).unwrap_err();
    assert_eq!(
        error,
        AuthTokenRequestError::CustomHeaders(CustomParmsError::MissingEquals { position: 1 })
    );
    assert!(error.is_caller_error());
}

#[test]
fn request_invalid_custom_header_name_rejected() {
    let caller = CallerCredentials {
        token_custom_headers: secret("X-Ok=1,Bad Name=2"),
        ..CallerCredentials::default()
    };
    let error =
        build_request(&element(), &server(None), &credentials("a", "b"), &caller).unwrap_err();
    assert!(
        matches!(
            error,
            AuthTokenRequestError::InvalidCustomHeader { position: 2, .. }
        ),
        "{error}"
    );
}

#[test]
fn request_framing_custom_header_rejected() {
    for list in [
        "Host=other",
        "content-length=1",
        "Transfer-Encoding=chunked",
    ] {
        let caller = CallerCredentials {
            token_custom_headers: secret(list),
            ..CallerCredentials::default()
        };
        let error =
            build_request(&element(), &server(None), &credentials("a", "b"), &caller).unwrap_err();
        assert!(
            error.to_string().contains("sets this header itself"),
            "{list}: {error}"
        );
    }
}

#[test]
fn request_custom_parms_become_query_parameters() {
    let caller = CallerCredentials {
        token_custom_parms: secret("app=pay roll,mode=x&y"),
        ..CallerCredentials::default()
    };
    let request =
        build_request(&element(), &server(None), &credentials("a", "b"), &caller).unwrap();
    assert_eq!(
        request.url.as_str(),
        "http://127.0.0.1:1/auth/token?realm=a&app=pay+roll&mode=x%26y"
    );
}

#[test]
fn request_malformed_custom_parms_rejected() {
    let caller = CallerCredentials {
        token_custom_parms: secret("=x"),
        ..CallerCredentials::default()
    };
    let error =
        build_request(&element(), &server(None), &credentials("a", "b"), &caller).unwrap_err();
    assert_eq!(
        error,
        AuthTokenRequestError::CustomParms(CustomParmsError::EmptyName { position: 1 })
    );
}

// Reading the token.

fn response_headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for (name, value) in pairs {
        headers.append(
            http::HeaderName::from_bytes(name.as_bytes()).expect("test header name is valid"),
            HeaderValue::from_str(value).expect("test header value is valid"),
        );
    }
    headers
}

#[test]
fn token_from_response_header() {
    let headers = response_headers(&[("x-token", " tok-1 ")]);
    let token = read_token(&element(), StatusCode::OK, &headers, b"").unwrap();
    assert_eq!(token, Secret::new("tok-1"));
}

#[test]
fn token_from_header_loses_bearer_prefix() {
    let headers = response_headers(&[("X-Token", "bearer tok-1")]);
    let token = read_token(&element(), StatusCode::OK, &headers, b"").unwrap();
    assert_eq!(token, Secret::new("tok-1"));
}

#[test]
fn token_header_missing() {
    let error = read_token(&element(), StatusCode::OK, &HeaderMap::new(), b"").unwrap_err();
    assert_eq!(
        error.to_string(),
        "the response has no X-Token header, where authToken 'jwtToken' expects the token"
    );
}

#[test]
fn token_from_text_body() {
    let mut element = element();
    element.token_response = TokenResponse {
        token_location: TokenLocation::Body,
        header: None,
        response_format: Some(ResponseFormat::Text),
        token_path: None,
    };
    let token = read_token(&element, StatusCode::OK, &HeaderMap::new(), b"tok-2\n").unwrap();
    assert_eq!(token, Secret::new("tok-2"));
}

#[test]
fn token_from_json_body_by_path() {
    let body = br#"{"data":{"jwt":"tok-3"},"other":"x"}"#;
    for path in ["$.data.jwt", "$['data'].jwt", r#"$["data"]["jwt"]"#] {
        let token = read_token(
            &json_response_element(path),
            StatusCode::OK,
            &HeaderMap::new(),
            body,
        )
        .unwrap();
        assert_eq!(token, Secret::new("tok-3"), "{path}");
    }
}

#[test]
fn token_path_not_found() {
    let error = read_token(
        &json_response_element("$.data.missing"),
        StatusCode::OK,
        &HeaderMap::new(),
        br#"{"data":{}}"#,
    )
    .unwrap_err();
    assert_eq!(
        error,
        AuthTokenResponseError::PathNotFound {
            path: "$.data.missing".to_owned()
        }
    );
}

#[test]
fn token_path_value_not_a_string() {
    let error = read_token(
        &json_response_element("$.data"),
        StatusCode::OK,
        &HeaderMap::new(),
        br#"{"data":{"jwt":"x"}}"#,
    )
    .unwrap_err();
    assert!(error.to_string().contains("object"), "{error}");
}

#[test]
fn token_body_not_json() {
    let error = read_token(
        &json_response_element("$.jwt"),
        StatusCode::OK,
        &HeaderMap::new(),
        b"<html>",
    )
    .unwrap_err();
    assert!(matches!(error, AuthTokenResponseError::NotJson { .. }));
}

#[test]
fn token_path_invalid() {
    let error = read_token(
        &json_response_element("jwt"),
        StatusCode::OK,
        &HeaderMap::new(),
        b"{}",
    )
    .unwrap_err();
    assert!(matches!(error, AuthTokenResponseError::InvalidTokenPath(_)));
}

#[test]
fn token_response_error_status() {
    let headers = response_headers(&[("X-Token", "tok")]);
    let error = read_token(&element(), StatusCode::UNAUTHORIZED, &headers, b"").unwrap_err();
    assert_eq!(
        error,
        AuthTokenResponseError::Status {
            status: StatusCode::UNAUTHORIZED
        }
    );
}

#[test]
fn token_empty_is_rejected() {
    let headers = response_headers(&[("X-Token", "  ")]);
    let error = read_token(&element(), StatusCode::OK, &headers, b"").unwrap_err();
    assert_eq!(error, AuthTokenResponseError::EmptyToken);
}

// The caching rule.

const MARGIN: Duration = Duration::from_secs(1);

#[test]
fn caching_jwt_with_exp_until_exp_less_margin() {
    let token = jwt(r#"{"exp":1100}"#);
    assert_eq!(
        caching(&token, false, MARGIN, at(1000)),
        AuthTokenCaching::Cache {
            lifetime: Duration::from_secs(99)
        }
    );
}

#[test]
fn caching_jwt_with_jti_not_cached() {
    let token = jwt(r#"{"exp":1100,"jti":"once"}"#);
    assert_eq!(
        caching(&token, false, MARGIN, at(1000)),
        AuthTokenCaching::DoNotCache(NoCacheReason::HasJti)
    );
}

#[test]
fn caching_jwt_with_jti_allowed_by_setting() {
    let token = jwt(r#"{"exp":1100,"jti":"once"}"#);
    assert_eq!(
        caching(&token, true, MARGIN, at(1000)),
        AuthTokenCaching::Cache {
            lifetime: Duration::from_secs(99)
        }
    );
}

#[test]
fn caching_jwt_without_exp_not_cached() {
    let token = jwt(r#"{"sub":"alice"}"#);
    assert_eq!(
        caching(&token, true, MARGIN, at(1000)),
        AuthTokenCaching::DoNotCache(NoCacheReason::NoExp)
    );
}

#[test]
fn caching_opaque_token_not_cached() {
    assert_eq!(
        caching("opaque-token", true, MARGIN, at(1000)),
        AuthTokenCaching::DoNotCache(NoCacheReason::NotJwt)
    );
}

#[test]
fn caching_jwt_expiring_within_margin_not_cached() {
    let token = jwt(r#"{"exp":1001}"#);
    assert_eq!(
        caching(&token, false, MARGIN, at(1000)),
        AuthTokenCaching::DoNotCache(NoCacheReason::ExpiresWithinMargin)
    );
    let expired = jwt(r#"{"exp":900}"#);
    assert_eq!(
        caching(&expired, false, MARGIN, at(1000)),
        AuthTokenCaching::DoNotCache(NoCacheReason::ExpiresWithinMargin)
    );
}

// Sending the token to the endpoint.

#[test]
fn endpoint_header_with_bearer_scheme() {
    let (name, value) = endpoint_header(&element(), &Secret::new("tok")).unwrap();
    assert_eq!(name, AUTHORIZATION);
    assert_eq!(value.to_str().unwrap(), "Bearer tok");
    assert!(value.is_sensitive());
}

#[test]
fn endpoint_header_without_bearer_scheme() {
    let mut element = element();
    element.header = "X-JWT".to_owned();
    element.use_bearer_scheme = false;
    let (name, value) = endpoint_header(&element, &Secret::new("tok")).unwrap();
    assert_eq!(name.as_str(), "x-jwt");
    assert_eq!(value.to_str().unwrap(), "tok");
}

#[test]
fn endpoint_header_rejects_token_with_newline() {
    let error = endpoint_header(&element(), &Secret::new("tok\nX-Injected: 1")).unwrap_err();
    assert_eq!(error, EndpointHeaderError::InvalidToken);
}

#[test]
fn request_header_credentials_send_no_content_type() {
    let request = build_request(
        &element(),
        &server(None),
        &credentials("a", "b"),
        &CallerCredentials::default(),
    )
    .unwrap();
    assert!(request.headers.get(CONTENT_TYPE).is_none());
}
