//! Building OAuth 2.0 token requests: form parameters per grant, where each
//! value comes from, client authentication, and the errors a caller can cause.

use std::time::Duration;

use http::HeaderMap;
use url::form_urlencoded;
use zconnect_config::model::{
    AuthData, AuthorizationServer, BasicAuthEncoding, GrantType, OAuthConfig, RetryCheckLevel,
};
use zconnect_config::Secret;
use zconnect_requester::credentials::CallerCredentials;
use zconnect_requester::oauth::request::{
    basic_authorization, resolve_inputs, CustomParmsError, OAuthTokenRequest, TokenRequestError,
    TokenRequestInputs,
};

fn oauth(grant_type: GrantType) -> OAuthConfig {
    OAuthConfig {
        id: "petOAuth".to_owned(),
        grant_type,
        auth_server: "petAuthServer".to_owned(),
        token_retry_check_level: RetryCheckLevel::InvalidTokenChallenge,
        scope: None,
        audience: None,
        resource: None,
        token_expiry_margin: Duration::from_secs(1),
        token_replace_interval: Duration::from_secs(5),
        default_token_lifetime: Duration::from_secs(300),
    }
}

fn server(basic_auth: Option<&str>) -> AuthorizationServer {
    AuthorizationServer {
        id: "petAuthServer".to_owned(),
        token_endpoint: "http://127.0.0.1:1/token".to_owned(),
        basic_auth: basic_auth.map(str::to_owned),
        ssl: None,
        connection_timeout: Duration::from_secs(30),
        receive_timeout: Duration::from_secs(60),
        basic_auth_encoding: BasicAuthEncoding::Form,
    }
}

fn auth_data(user: &str, password: Option<&str>) -> AuthData {
    AuthData {
        id: "clientAuth".to_owned(),
        user: user.to_owned(),
        password: password.map(Secret::new),
    }
}

fn secret(value: &str) -> Option<Secret> {
    Some(Secret::new(value))
}

fn caller_with_client(id: &str, client_secret: Option<&str>) -> CallerCredentials {
    CallerCredentials {
        oauth_client_id: secret(id),
        oauth_client_secret: client_secret.map(Secret::new),
        ..CallerCredentials::default()
    }
}

fn resolve(
    oauth: &OAuthConfig,
    caller: &CallerCredentials,
) -> Result<TokenRequestInputs, TokenRequestError> {
    resolve_inputs(oauth, &server(None), None, caller)
}

fn build(oauth: &OAuthConfig, caller: &CallerCredentials) -> OAuthTokenRequest {
    resolve(oauth, caller)
        .expect("the test inputs resolve")
        .build(BasicAuthEncoding::Form)
}

fn form(request: &OAuthTokenRequest) -> Vec<(String, String)> {
    form_urlencoded::parse(request.body.expose().as_bytes())
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect()
}

#[test]
fn client_credentials_body() {
    let request = build(
        &oauth(GrantType::ClientCredentials),
        &caller_with_client("app", Some("s")),
    );
    assert_eq!(
        form(&request),
        pairs(&[("grant_type", "client_credentials")])
    );
}

#[test]
fn password_grant_body() {
    let caller = CallerCredentials {
        oauth_username: secret("alice smith"),
        oauth_password: secret("p&w=1"),
        ..caller_with_client("app", Some("s"))
    };
    let request = build(&oauth(GrantType::Password), &caller);
    assert_eq!(
        form(&request),
        pairs(&[
            ("grant_type", "password"),
            ("username", "alice smith"),
            ("password", "p&w=1")
        ])
    );
    assert_eq!(
        request.body.expose(),
        "grant_type=password&username=alice+smith&password=p%26w%3D1"
    );
}

#[test]
fn scope_audience_resource_from_config() {
    let mut config = oauth(GrantType::ClientCredentials);
    config.scope = Some("read write".to_owned());
    config.audience = Some("api://pets".to_owned());
    config.resource = Some("https://pets.example/".to_owned());
    let request = build(&config, &caller_with_client("app", Some("s")));
    assert_eq!(
        form(&request),
        pairs(&[
            ("grant_type", "client_credentials"),
            ("scope", "read write"),
            ("audience", "api://pets"),
            ("resource", "https://pets.example/"),
        ])
    );
}

#[test]
fn caller_headers_override_config_scope_audience_resource() {
    let mut config = oauth(GrantType::ClientCredentials);
    config.scope = Some("config-scope".to_owned());
    config.audience = Some("config-audience".to_owned());
    config.resource = Some("config-resource".to_owned());
    let caller = CallerCredentials {
        oauth_scope: secret("caller-scope"),
        oauth_audience: secret("caller-audience"),
        oauth_resource: secret("caller-resource"),
        ..caller_with_client("app", Some("s"))
    };
    let request = build(&config, &caller);
    assert_eq!(
        form(&request),
        pairs(&[
            ("grant_type", "client_credentials"),
            ("scope", "caller-scope"),
            ("audience", "caller-audience"),
            ("resource", "caller-resource"),
        ])
    );
}

#[test]
fn custom_parms_become_form_parameters() {
    let caller = CallerCredentials {
        oauth_custom_parms: secret(r"tenant=a\,b,Prompt=None"),
        ..caller_with_client("app", Some("s"))
    };
    let request = build(&oauth(GrantType::ClientCredentials), &caller);
    assert_eq!(
        form(&request),
        pairs(&[
            ("grant_type", "client_credentials"),
            ("tenant", "a,b"),
            ("Prompt", "None")
        ])
    );
}

#[test]
fn malformed_custom_parms_is_a_caller_error() {
    let caller = CallerCredentials {
        oauth_custom_parms: secret("tenant"),
        ..caller_with_client("app", Some("s"))
    };
    let error = resolve(&oauth(GrantType::ClientCredentials), &caller).unwrap_err();
    assert_eq!(
        error,
        TokenRequestError::CustomParms(CustomParmsError::MissingEquals { position: 1 })
    );
    assert!(error.is_caller_error());
    assert!(error.to_string().contains("BAQHAPI-oAuth-CustomParms"));
}

#[test]
fn basic_header_form_encodes_colon_and_percent() {
    let request = build(
        &oauth(GrantType::ClientCredentials),
        &caller_with_client("client:1", Some("s:e%c r+t")),
    );
    // base64("client%3A1:s%3Ae%25c+r%2Bt")
    assert_eq!(
        request.authorization.as_ref().map(Secret::expose),
        Some("Basic Y2xpZW50JTNBMTpzJTNBZSUyNWMrciUyQnQ=")
    );
}

#[test]
fn basic_header_plain_encoding() {
    // base64("app:pa:ss%word")
    assert_eq!(
        basic_authorization("app", "pa:ss%word", BasicAuthEncoding::Plain).expose(),
        "Basic YXBwOnBhOnNzJXdvcmQ="
    );
}

#[test]
fn basic_header_form_encoding_of_secret() {
    // base64("app:pa%3Ass%25word")
    assert_eq!(
        basic_authorization("app", "pa:ss%word", BasicAuthEncoding::Form).expose(),
        "Basic YXBwOnBhJTNBc3MlMjV3b3Jk"
    );
}

#[test]
fn client_id_without_secret_goes_in_body() {
    let request = build(
        &oauth(GrantType::ClientCredentials),
        &caller_with_client("public-app", None),
    );
    assert_eq!(request.authorization, None);
    assert_eq!(
        form(&request),
        pairs(&[
            ("grant_type", "client_credentials"),
            ("client_id", "public-app")
        ])
    );
}

#[test]
fn client_id_with_secret_stays_out_of_body() {
    let request = build(
        &oauth(GrantType::ClientCredentials),
        &caller_with_client("app", Some("s")),
    );
    assert!(form(&request).iter().all(|(name, _)| name != "client_id"));
    assert!(request.authorization.is_some());
}

#[test]
fn server_basic_auth_ref_wins_over_caller_client() {
    let caller = caller_with_client("caller-app", Some("caller-secret"));
    let inputs = resolve_inputs(
        &oauth(GrantType::ClientCredentials),
        &server(Some("clientAuth")),
        Some(&auth_data("server-app", Some("server-secret"))),
        &caller,
    )
    .unwrap();
    assert_eq!(inputs.client_id, Secret::new("server-app"));
    assert_eq!(inputs.client_secret, secret("server-secret"));
}

#[test]
fn server_client_without_password_is_public() {
    let caller = caller_with_client("caller-app", Some("caller-secret"));
    let inputs = resolve_inputs(
        &oauth(GrantType::ClientCredentials),
        &server(Some("clientAuth")),
        Some(&auth_data("server-app", None)),
        &caller,
    )
    .unwrap();
    assert_eq!(inputs.client_secret, None);
    let request = inputs.build(BasicAuthEncoding::Form);
    assert!(form(&request).contains(&("client_id".to_owned(), "server-app".to_owned())));
}

#[test]
fn server_auth_data_missing_is_config_error() {
    let error = resolve_inputs(
        &oauth(GrantType::ClientCredentials),
        &server(Some("clientAuth")),
        None,
        &caller_with_client("caller-app", Some("s")),
    )
    .unwrap_err();
    assert!(matches!(error, TokenRequestError::MissingAuthData { .. }));
    assert!(!error.is_caller_error());
}

#[test]
fn missing_client_id_is_a_caller_error() {
    let error = resolve(
        &oauth(GrantType::ClientCredentials),
        &CallerCredentials::default(),
    )
    .unwrap_err();
    assert!(matches!(error, TokenRequestError::MissingClientId { .. }));
    assert!(error.is_caller_error());
    assert!(
        error.to_string().contains("BAQHAPI-oAuth-ClientId"),
        "{error}"
    );
    assert!(error.to_string().contains("petAuthServer"), "{error}");
}

#[test]
fn password_grant_without_username_is_a_caller_error() {
    let caller = CallerCredentials {
        oauth_password: secret("pw"),
        ..caller_with_client("app", Some("s"))
    };
    let error = resolve(&oauth(GrantType::Password), &caller).unwrap_err();
    assert_eq!(
        error,
        TokenRequestError::MissingCallerCredential {
            oauth_config: "petOAuth".to_owned(),
            header: "BAQHAPI-oAuth-Username",
        }
    );
}

#[test]
fn password_grant_without_password_is_a_caller_error() {
    let caller = CallerCredentials {
        oauth_username: secret("alice"),
        ..caller_with_client("app", Some("s"))
    };
    let error = resolve(&oauth(GrantType::Password), &caller).unwrap_err();
    assert!(
        error.to_string().contains("BAQHAPI-oAuth-Password"),
        "{error}"
    );
    assert!(error.is_caller_error());
}

#[test]
fn client_credentials_grant_ignores_caller_username() {
    let caller = CallerCredentials {
        oauth_username: secret("alice"),
        oauth_password: secret("pw"),
        ..caller_with_client("app", Some("s"))
    };
    let inputs = resolve(&oauth(GrantType::ClientCredentials), &caller).unwrap();
    assert_eq!(inputs.username, None);
    assert_eq!(inputs.password, None);
}

#[test]
fn credentials_come_from_parsed_headers() {
    let mut headers = HeaderMap::new();
    headers.insert("baqhapi-oauth-clientid", "app".parse().unwrap());
    headers.insert("baqhapi-oauth-clientsecret", "s3cret".parse().unwrap());
    headers.insert("baqhapi-oauth-username", "alice".parse().unwrap());
    headers.insert("baqhapi-oauth-password", "pw".parse().unwrap());
    let caller = CallerCredentials::from_headers(&headers).unwrap();
    let request = build(&oauth(GrantType::Password), &caller);
    assert!(form(&request).contains(&("username".to_owned(), "alice".to_owned())));
    assert_eq!(
        request.authorization.as_ref().map(Secret::expose),
        Some(basic_authorization("app", "s3cret", BasicAuthEncoding::Form).expose())
    );
}

#[test]
fn debug_output_hides_secrets() {
    let caller = CallerCredentials {
        oauth_username: secret("alice"),
        oauth_password: secret("hunter2"),
        ..caller_with_client("app", Some("topsecret"))
    };
    let inputs = resolve(&oauth(GrantType::Password), &caller).unwrap();
    let request = inputs.build(BasicAuthEncoding::Form);
    let debug = format!(
        "{inputs:?} {request:?} {:?}",
        request.authorization_header()
    );
    for value in ["hunter2", "topsecret", "alice"] {
        assert!(!debug.contains(value), "{value} in {debug}");
    }
}
