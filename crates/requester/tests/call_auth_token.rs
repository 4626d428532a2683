//! Calls through a `zosconnect_authToken`: the token from the authentication
//! server in the configured header, cached only when it is a JWT with `exp`,
//! and dropped when the endpoint returns 401.

#![allow(clippy::unwrap_used)]

mod call_support;

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use http::Method;
use zconnect_config::model::{
    AuthToken, Authentication, CredentialLocation, ResponseFormat, RetryCheckLevel, TokenLocation,
    TokenRequest, TokenRequestMethod, TokenResponse,
};
use zconnect_config::Config;
use zconnect_requester::ErrorKind;
use zconnect_sandbox::{ApiAuth, Reply, Sandbox};

use call_support::*;

const AUTH_TOKEN: &str = "jwtToken";

/// The sandbox's API behind an authToken that posts the caller's
/// credentials in a Basic header and reads `$.token` from the response.
fn auth_token_config(sandbox: &Sandbox) -> Config {
    let mut config = oauth_config(sandbox, RetryCheckLevel::InvalidTokenChallenge);
    connection(&mut config).authentication = Some(Authentication::AuthToken(AUTH_TOKEN.to_owned()));
    auth_server(&mut config).basic_auth = None;
    config.auth_tokens.insert(
        AUTH_TOKEN.to_owned(),
        AuthToken {
            id: AUTH_TOKEN.to_owned(),
            auth_server: AUTH_SERVER.to_owned(),
            header: "X-Api-Token".to_owned(),
            use_bearer_scheme: false,
            cache_tokens_with_jti: false,
            token_request: TokenRequest {
                credential_location: CredentialLocation::Header,
                header: Some("Authorization".to_owned()),
                request_method: TokenRequestMethod::Post,
                request_body: None,
            },
            token_response: TokenResponse {
                token_location: TokenLocation::Body,
                header: None,
                response_format: Some(ResponseFormat::Json),
                token_path: Some("$.token".to_owned()),
            },
        },
    );
    config
}

fn jwt(seconds_from_now: u64) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let encode = |text: String| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text);
    format!(
        "{}.{}.c2lnbmF0dXJl",
        encode(r#"{"alg":"HS256","typ":"JWT"}"#.to_owned()),
        encode(format!(
            r#"{{"sub":"alice","exp":{}}}"#,
            now + seconds_from_now
        ))
    )
}

fn with_token_credentials(
    request: zconnect_requester::CallRequest,
) -> zconnect_requester::CallRequest {
    with_header(
        with_header(request, "BAQHAPI-Token-Username", "alice"),
        "BAQHAPI-Token-Password",
        "wonder",
    )
}

async fn call(client: &zconnect_requester::Client) -> u16 {
    let request = with_token_credentials(request(Method::GET, "/items"));
    client
        .call(&target(), request)
        .await
        .unwrap()
        .status
        .as_u16()
}

#[tokio::test]
async fn jwt_sent_in_configured_header_and_cached() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.set_api_auth(ApiAuth::Open);
    let token = jwt(3600);
    sandbox.set_token_reply(Some(Reply::json(200, &serde_json::json!({"token": token}))));
    let client = client(auth_token_config(&sandbox), &shared());

    assert_eq!(call(&client).await, 200);
    assert_eq!(call(&client).await, 200);

    assert_eq!(sandbox.token_requests(), 1);
    let token_request = &sandbox.token_request_log()[0];
    // base64("alice:wonder")
    assert_eq!(
        token_request.header("authorization"),
        Some("Basic YWxpY2U6d29uZGVy")
    );
    assert_eq!(
        sandbox.api_request_log()[1].header("x-api-token"),
        Some(token.as_str())
    );
}

#[tokio::test]
async fn token_without_exp_not_cached() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.set_api_auth(ApiAuth::Open);
    sandbox.set_token_reply(Some(Reply::json(
        200,
        &serde_json::json!({"token": "opaque"}),
    )));
    let client = client(auth_token_config(&sandbox), &shared());

    call(&client).await;
    call(&client).await;

    assert_eq!(sandbox.token_requests(), 2);
}

#[tokio::test]
async fn endpoint_401_drops_cached_token_without_retry() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.set_api_auth(ApiAuth::Open);
    sandbox.set_token_reply(Some(Reply::json(
        200,
        &serde_json::json!({"token": jwt(3600)}),
    )));
    sandbox.push_api_reply(Reply::unauthorized(&[r#"Bearer error="invalid_token""#]));
    let client = client(auth_token_config(&sandbox), &shared());

    let first = call(&client).await;
    let second = call(&client).await;

    assert_eq!(first, 401);
    assert_eq!(second, 200);
    assert_eq!(sandbox.api_calls(), 2, "the 401 is not retried");
    assert_eq!(
        sandbox.token_requests(),
        2,
        "the rejected token was dropped"
    );
}

#[tokio::test]
async fn missing_token_credentials_is_400() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(auth_token_config(&sandbox), &shared());

    let error = get(&client, "/items").await.unwrap_err();

    assert_eq!(error.kind(), ErrorKind::MissingCallerCredentials);
    assert_eq!(error.status().as_u16(), 400);
    assert_eq!(sandbox.token_requests(), 0);
}
