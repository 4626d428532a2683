//! The 401 rule for a request body larger than `max_buffered_body`: such a
//! body is streamed to the endpoint and cannot be sent again, so the call is
//! not retried and its 401 goes back to the caller. The rejected token is
//! still replaced for later calls, within the `tokenReplaceInterval` limit.

#![allow(clippy::unwrap_used)]

mod call_support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::Method;
use zconnect_config::model::RetryCheckLevel;
use zconnect_requester::{CallRequest, Client, RequestBody, RequesterOptions, SharedState};
use zconnect_sandbox::{Reply, Sandbox};

use call_support::*;

const MAX_BUFFERED: u64 = 16 * 1024;
const BODY_SIZE: usize = 64 * 1024;
const INVALID_TOKEN: &str = r#"Bearer error="invalid_token""#;

fn small_buffer_state() -> Arc<SharedState> {
    SharedState::new(RequesterOptions {
        max_buffered_body: MAX_BUFFERED,
        ..RequesterOptions::default()
    })
}

fn body_bytes() -> Vec<u8> {
    (0..BODY_SIZE).map(|index| (index % 251) as u8).collect()
}

/// A POST whose body arrives in 4 KiB chunks, with or without the caller's
/// `Content-Length`. Without it the client buffers past `MAX_BUFFERED` before
/// it switches to streaming.
fn streamed_post(body: &[u8], with_length: bool) -> CallRequest {
    let chunks: Vec<Result<Bytes, std::io::Error>> = body
        .chunks(4 * 1024)
        .map(|chunk| Ok(Bytes::copy_from_slice(chunk)))
        .collect();
    let length = with_length.then_some(body.len() as u64);
    let mut request = request(Method::POST, "/upload");
    request.body = RequestBody::from_stream(futures_util::stream::iter(chunks), length);
    request
}

/// Waits, at most 5 s, until the sandbox has received `count` token requests.
async fn wait_for_token_requests(sandbox: &Sandbox, count: usize) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while sandbox.token_requests() < count {
        assert!(
            Instant::now() < deadline,
            "only {} token requests after 5 s, expected {count}",
            sandbox.token_requests()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Waits long enough for a wrong background token request to reach the
/// sandbox, so that a check of the count can catch it.
async fn settle() {
    tokio::time::sleep(Duration::from_millis(300)).await;
}

fn streaming_client(sandbox: &Sandbox, level: RetryCheckLevel) -> Client {
    client(oauth_config(sandbox, level), &small_buffer_state())
}

#[tokio::test]
async fn streamed_body_401_not_retried() {
    for with_length in [true, false] {
        let sandbox = Sandbox::start().await.unwrap();
        sandbox.push_api_reply(Reply::unauthorized(&[INVALID_TOKEN]));
        let client = streaming_client(&sandbox, RetryCheckLevel::InvalidTokenChallenge);
        let body = body_bytes();

        let response = client
            .call(&target(), streamed_post(&body, with_length))
            .await
            .unwrap();

        let case = format!("Content-Length sent: {with_length}");
        assert_eq!(response.status.as_u16(), 401, "{case}");
        assert_eq!(response.return_code, 1, "{case}");
        assert_eq!(
            response.headers.get("www-authenticate").unwrap(),
            INVALID_TOKEN,
            "{case}"
        );
        let log = sandbox.api_request_log();
        assert_eq!(log.len(), 1, "endpoint calls, {case}");
        assert!(log[0].body.as_ref() == body.as_slice(), "body sent, {case}");
    }
}

#[tokio::test]
async fn streamed_body_401_counted_as_streamed_body() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.push_api_reply(Reply::unauthorized(&[INVALID_TOKEN]));
    let shared = small_buffer_state();
    let client = client(
        oauth_config(&sandbox, RetryCheckLevel::InvalidTokenChallenge),
        &shared,
    );

    client
        .call(&target(), streamed_post(&body_bytes(), true))
        .await
        .unwrap();

    let mut registry = prometheus_client::registry::Registry::default();
    shared.metrics().register(&mut registry);
    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, &registry).unwrap();
    let line = format!(
        "zconnect_requester_retry_decisions_total{{requester=\"{REQUESTER}\",decision=\"no_retry\",reason=\"streamed_body\"}} 1"
    );
    assert!(text.contains(&line), "{text}");
}

#[tokio::test]
async fn streamed_body_401_replaces_token_for_later_calls() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.push_api_reply(Reply::unauthorized(&[INVALID_TOKEN]));
    let client = streaming_client(&sandbox, RetryCheckLevel::InvalidTokenChallenge);

    let response = client
        .call(&target(), streamed_post(&body_bytes(), true))
        .await
        .unwrap();
    assert_eq!(response.status.as_u16(), 401);
    wait_for_token_requests(&sandbox, 2).await;

    assert_eq!(get_status(&client, "/items").await, 200);
    let issued = sandbox.issued_tokens();
    let log = sandbox.api_request_log();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].bearer_token(), Some(issued[0].as_str()));
    assert_eq!(log[1].bearer_token(), Some(issued[1].as_str()));
    assert_eq!(sandbox.token_requests(), 2, "the later call used the cache");
}

#[tokio::test]
async fn streamed_body_401_within_replace_interval_keeps_token() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.push_api_reply(Reply::unauthorized(&[INVALID_TOKEN]));
    sandbox.push_api_reply(Reply::unauthorized(&[INVALID_TOKEN]));
    let client = streaming_client(&sandbox, RetryCheckLevel::InvalidTokenChallenge);
    let body = body_bytes();

    // The first 401 replaces the token. The second one comes within
    // tokenReplaceInterval (5 s) of that replacement.
    client
        .call(&target(), streamed_post(&body, true))
        .await
        .unwrap();
    wait_for_token_requests(&sandbox, 2).await;
    let second = client
        .call(&target(), streamed_post(&body, true))
        .await
        .unwrap();
    assert_eq!(second.status.as_u16(), 401);
    settle().await;

    assert_eq!(sandbox.token_requests(), 2, "no replacement within 5 s");
    assert_eq!(get_status(&client, "/items").await, 200);
    let issued = sandbox.issued_tokens();
    let log = sandbox.api_request_log();
    assert_eq!(log.len(), 3);
    assert_eq!(log[1].bearer_token(), Some(issued[1].as_str()));
    assert_eq!(log[2].bearer_token(), Some(issued[1].as_str()));
}

#[tokio::test]
async fn streamed_body_401_without_invalid_token_keeps_token() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.push_api_reply(Reply::unauthorized(&[
        r#"Bearer error="insufficient_scope""#,
    ]));
    let client = streaming_client(&sandbox, RetryCheckLevel::InvalidTokenChallenge);

    let response = client
        .call(&target(), streamed_post(&body_bytes(), true))
        .await
        .unwrap();
    assert_eq!(response.status.as_u16(), 401);
    settle().await;

    assert_eq!(sandbox.token_requests(), 1, "level 3 does not replace");
    assert_eq!(get_status(&client, "/items").await, 200);
    let issued = sandbox.issued_tokens();
    let log = sandbox.api_request_log();
    assert_eq!(log[1].bearer_token(), Some(issued[0].as_str()));
}
