//! Token endpoints that fail: each gives its defined error within the
//! configured timeouts, and the key's pause holds afterwards.

#![allow(clippy::unwrap_used)]

mod call_support;

use std::time::{Duration, Instant};

use zconnect_config::model::RetryCheckLevel;
use zconnect_config::Config;
use zconnect_requester::{CallError, Client, ErrorKind};
use zconnect_sandbox::{closed_port, Reply, Sandbox};

use call_support::*;

/// A client whose authorization server times out after 400 ms.
fn short_timeouts(mut config: Config) -> Client {
    auth_server(&mut config).connection_timeout = Duration::from_millis(400);
    auth_server(&mut config).receive_timeout = Duration::from_millis(400);
    client(config, &shared())
}

/// Makes a first call that must fail, then a second one at once, which must
/// fail in the pause without a new token request.
async fn first_then_paused(
    client: &Client,
    token_requests: impl Fn() -> usize,
) -> (CallError, CallError) {
    let started = Instant::now();
    let first = get(client, "/a").await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "first failure took {:?}",
        started.elapsed()
    );
    let requests_after_first = token_requests();

    let second = get(client, "/a").await.unwrap_err();

    assert_eq!(
        token_requests(),
        requests_after_first,
        "no token request during the pause"
    );
    (first, second)
}

fn assert_paused(error: &CallError) {
    assert_eq!(error.kind(), ErrorKind::TokenRequestPaused, "{error}");
    assert_eq!(error.status().as_u16(), 502);
    assert_eq!(error.return_code(), 2);
    assert!(
        error.message().contains("until the next attempt, in"),
        "{error}"
    );
}

#[tokio::test]
async fn refused_token_endpoint_is_502_then_paused() {
    let sandbox = Sandbox::start().await.unwrap();
    let url = format!("http://127.0.0.1:{}/token", closed_port().unwrap());
    let client = short_timeouts(with_token_endpoint(
        oauth_config(&sandbox, RetryCheckLevel::InvalidTokenChallenge),
        url,
    ));

    let (first, second) = first_then_paused(&client, || 0).await;

    assert_eq!(first.kind(), ErrorKind::TokenRequestFailed, "{first}");
    assert_eq!(first.status().as_u16(), 502);
    assert!(first.message().contains(AUTH_SERVER), "{first}");
    assert_paused(&second);
    assert_eq!(sandbox.api_calls(), 0);
}

#[tokio::test]
async fn hanging_token_endpoint_is_504_then_paused() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.push_token_reply(Reply::hang());
    let client = short_timeouts(oauth_config(
        &sandbox,
        RetryCheckLevel::InvalidTokenChallenge,
    ));

    let (first, second) = first_then_paused(&client, || sandbox.token_requests()).await;

    assert_eq!(first.kind(), ErrorKind::TokenRequestTimedOut, "{first}");
    assert_eq!(first.status().as_u16(), 504);
    assert_eq!(first.return_code(), 2);
    assert_paused(&second);
}

#[tokio::test]
async fn token_endpoint_500_is_502_then_paused() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.push_token_reply(Reply::text(500, "internal error"));
    let client = short_timeouts(oauth_config(
        &sandbox,
        RetryCheckLevel::InvalidTokenChallenge,
    ));

    let (first, second) = first_then_paused(&client, || sandbox.token_requests()).await;

    assert_eq!(first.kind(), ErrorKind::TokenRequestFailed, "{first}");
    assert!(first.message().contains("500"), "{first}");
    assert_paused(&second);
}

#[tokio::test]
async fn invalid_json_is_502_then_paused() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.push_token_reply(
        Reply::status(200)
            .header("content-type", "application/json")
            .body("{\"access_token\": "),
    );
    let client = short_timeouts(oauth_config(
        &sandbox,
        RetryCheckLevel::InvalidTokenChallenge,
    ));

    let (first, second) = first_then_paused(&client, || sandbox.token_requests()).await;

    assert_eq!(first.kind(), ErrorKind::TokenRequestFailed, "{first}");
    assert_paused(&second);
}

#[tokio::test]
async fn server_error_pause_ends_after_one_second() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.push_token_reply(Reply::text(503, "busy"));
    let client = short_timeouts(oauth_config(
        &sandbox,
        RetryCheckLevel::InvalidTokenChallenge,
    ));
    get(&client, "/a").await.unwrap_err();

    tokio::time::sleep(Duration::from_millis(1100)).await;
    let response = get(&client, "/a").await.unwrap();

    assert_eq!(response.status.as_u16(), 200);
    assert_eq!(sandbox.token_requests(), 2);
}

#[tokio::test]
async fn rejected_client_pauses_thirty_seconds() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.push_token_reply(Reply::json(
        401,
        &serde_json::json!({"error": "invalid_client"}),
    ));
    let client = short_timeouts(oauth_config(
        &sandbox,
        RetryCheckLevel::InvalidTokenChallenge,
    ));
    get(&client, "/a").await.unwrap_err();
    tokio::time::sleep(Duration::from_millis(1100)).await;

    let error = get(&client, "/a").await.unwrap_err();

    assert_paused(&error);
    assert!(
        error.message().contains("in 28.") || error.message().contains("in 29."),
        "{error}"
    );
    assert_eq!(sandbox.token_requests(), 1);
}

#[tokio::test]
async fn new_caller_credentials_do_not_inherit_pause() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.push_token_reply(Reply::json(
        400,
        &serde_json::json!({"error": "invalid_grant"}),
    ));
    let mut config = oauth_config(&sandbox, RetryCheckLevel::InvalidTokenChallenge);
    oauth_settings(&mut config).grant_type = zconnect_config::model::GrantType::Password;
    let client = short_timeouts(config);
    let call = |password: &str| {
        with_header(
            with_header(
                request(http::Method::GET, "/a"),
                "BAQHAPI-oAuth-Username",
                "alice",
            ),
            "BAQHAPI-oAuth-Password",
            password,
        )
    };
    client.call(&target(), call("wrong")).await.unwrap_err();

    let response = client.call(&target(), call("right")).await.unwrap();

    assert_eq!(response.status.as_u16(), 200);
    assert_eq!(sandbox.token_requests(), 2);
}

#[tokio::test]
async fn token_with_control_characters_names_requester_and_server() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.push_token_reply(Reply::json(
        200,
        &serde_json::json!({"access_token": "bad\u{1}token", "token_type": "Bearer", "expires_in": 60}),
    ));
    let client = client(
        oauth_config(&sandbox, RetryCheckLevel::InvalidTokenChallenge),
        &shared(),
    );

    let error = get(&client, "/a").await.unwrap_err();

    assert_eq!(error.kind(), ErrorKind::TokenRequestFailed, "{error}");
    assert!(error.message().contains(REQUESTER), "{error}");
    assert!(error.message().contains(AUTH_SERVER), "{error}");
    assert!(!error.message().contains("bad"), "{error}");
    assert_eq!(sandbox.api_calls(), 0);
}
