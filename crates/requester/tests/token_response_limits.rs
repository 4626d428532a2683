//! Token responses that are too slow or too large: the whole token request
//! has a deadline, and a body over the size cap is its own error, never parsed.

#![allow(clippy::unwrap_used)]

mod call_support;

use std::time::{Duration, Instant};

use bytes::Bytes;
use zconnect_config::model::RetryCheckLevel;
use zconnect_requester::{Client, ErrorKind};
use zconnect_sandbox::{Reply, Sandbox};

use call_support::*;

const TOKEN_JSON: &str = r#"{"access_token":"slow-token","token_type":"Bearer","expires_in":60}"#;

/// A client whose authorization server has 300 ms for each timeout, so the
/// whole token request has 600 ms.
fn short_timeouts(sandbox: &Sandbox) -> Client {
    let mut config = oauth_config(sandbox, RetryCheckLevel::InvalidTokenChallenge);
    auth_server(&mut config).connection_timeout = Duration::from_millis(300);
    auth_server(&mut config).receive_timeout = Duration::from_millis(300);
    client(config, &shared())
}

/// A valid token response sent one byte every 100 ms: no single pause
/// reaches receiveTimeout, but the whole body takes about 7 s.
fn trickled_token() -> Reply {
    let parts = TOKEN_JSON
        .bytes()
        .map(|byte| (Duration::from_millis(100), Bytes::from(vec![byte])))
        .collect();
    Reply::status(200)
        .header("content-type", "application/json")
        .parts(parts)
}

#[tokio::test]
async fn trickled_token_body_times_out_at_the_deadline() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.push_token_reply(trickled_token());
    let client = short_timeouts(&sandbox);
    let started = Instant::now();

    let error = get(&client, "/a").await.unwrap_err();

    assert!(
        started.elapsed() < Duration::from_secs(3),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(error.kind(), ErrorKind::TokenRequestTimedOut, "{error}");
    assert_eq!(error.status().as_u16(), 504);
    assert_eq!(error.return_code(), 2);
    assert!(error.message().contains(AUTH_SERVER), "{error}");
}

#[tokio::test]
async fn trickled_token_body_fails_every_waiting_call_then_pauses() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.push_token_reply(trickled_token());
    let client = short_timeouts(&sandbox);
    let started = Instant::now();

    let (first, second) = tokio::join!(get(&client, "/a"), get(&client, "/b"));
    let during_pause = get(&client, "/c").await.unwrap_err();

    assert!(
        started.elapsed() < Duration::from_secs(3),
        "took {:?}",
        started.elapsed()
    );
    for error in [first.unwrap_err(), second.unwrap_err()] {
        assert_eq!(error.kind(), ErrorKind::TokenRequestTimedOut, "{error}");
    }
    assert_eq!(during_pause.kind(), ErrorKind::TokenRequestPaused);
    assert_eq!(sandbox.token_requests(), 1);
}

fn assert_too_large(error: &zconnect_requester::CallError) {
    assert_eq!(error.kind(), ErrorKind::TokenRequestFailed, "{error}");
    assert_eq!(error.status().as_u16(), 502);
    assert_eq!(error.return_code(), 2);
    assert!(
        error
            .message()
            .contains("the token response is larger than 1 MiB"),
        "{error}"
    );
    assert!(!error.message().contains("neither JSON"), "{error}");
}

#[tokio::test]
async fn oversized_json_token_response_is_its_own_error() {
    let sandbox = Sandbox::start().await.unwrap();
    let padding = "x".repeat(10 * 1024 * 1024);
    let body = format!(r#"{{"access_token":"big","token_type":"Bearer","pad":"{padding}"}}"#);
    sandbox.push_token_reply(
        Reply::status(200)
            .header("content-type", "application/json")
            .body(body),
    );
    let client = client(
        oauth_config(&sandbox, RetryCheckLevel::InvalidTokenChallenge),
        &shared(),
    );

    let error = get(&client, "/a").await.unwrap_err();

    assert_too_large(&error);
}

/// Sent in parts, so the response has no Content-Length and the cap is found
/// while reading. The first part alone is a complete, valid form body.
#[tokio::test]
async fn oversized_form_token_response_in_parts_is_never_parsed() {
    let sandbox = Sandbox::start().await.unwrap();
    let first = "access_token=cut&token_type=bearer&pad=".to_owned() + &"x".repeat(700 * 1024);
    let second = "x".repeat(700 * 1024);
    sandbox.push_token_reply(
        Reply::status(200)
            .header("content-type", "application/x-www-form-urlencoded")
            .parts(vec![
                (Duration::ZERO, Bytes::from(first)),
                (Duration::ZERO, Bytes::from(second)),
            ]),
    );
    let client = client(
        oauth_config(&sandbox, RetryCheckLevel::InvalidTokenChallenge),
        &shared(),
    );

    let error = get(&client, "/a").await.unwrap_err();

    assert_too_large(&error);
    assert_eq!(sandbox.api_calls(), 0);
}
