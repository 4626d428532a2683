//! The 401 rule as a table: each `tokenRetryCheckLevel` against each kind of
//! `WWW-Authenticate`, counting what reached the endpoint and the token
//! endpoint.

#![allow(clippy::unwrap_used)]

mod call_support;

use call_support::*;
use zconnect_config::model::RetryCheckLevel;
use zconnect_sandbox::{Reply, Sandbox};

struct Row {
    level: RetryCheckLevel,
    challenge: &'static str,
    /// `None` sends no `WWW-Authenticate` at all.
    header: Option<&'static str>,
    endpoint_calls: usize,
    token_requests: usize,
    status: u16,
}

const NONE: Option<&str> = None;
const BEARER_INVALID_TOKEN: Option<&str> = Some(r#"Bearer error="invalid_token""#);
const BEARER_INSUFFICIENT_SCOPE: Option<&str> =
    Some(r#"Bearer error="insufficient_scope", scope="write""#);
const BASIC_ONLY: Option<&str> = Some(r#"Basic realm="api""#);
const DPOP_INVALID_TOKEN: Option<&str> = Some(r#"DPoP error="invalid_token", algs="ES256""#);
const GARBAGE: Option<&str> = Some(r#"token: false, info: "token is not found"#);

fn rows() -> Vec<Row> {
    let headers = [
        ("no WWW-Authenticate", NONE),
        ("Bearer invalid_token", BEARER_INVALID_TOKEN),
        ("Bearer insufficient_scope", BEARER_INSUFFICIENT_SCOPE),
        ("Basic only", BASIC_ONLY),
        ("DPoP invalid_token", DPOP_INVALID_TOKEN),
        ("garbage", GARBAGE),
    ];
    let mut rows = Vec::new();
    for (challenge, header) in headers {
        // Level 1 retries every 401: one more endpoint call with a new token.
        rows.push(Row {
            level: RetryCheckLevel::AnyUnauthorized,
            challenge,
            header,
            endpoint_calls: 2,
            token_requests: 2,
            status: 200,
        });
        // Level 3 retries only a Bearer challenge with error="invalid_token".
        let retried = header == BEARER_INVALID_TOKEN;
        rows.push(Row {
            level: RetryCheckLevel::InvalidTokenChallenge,
            challenge,
            header,
            endpoint_calls: if retried { 2 } else { 1 },
            token_requests: if retried { 2 } else { 1 },
            status: if retried { 200 } else { 401 },
        });
    }
    rows
}

#[tokio::test]
async fn retry_matrix_counts_calls_and_token_requests() {
    for row in rows() {
        let sandbox = Sandbox::start().await.unwrap();
        let challenges: Vec<&str> = row.header.into_iter().collect();
        sandbox.push_api_reply(Reply::unauthorized(&challenges));
        let client = client(oauth_config(&sandbox, row.level), &shared());

        let status = get_status(&client, "/items").await;

        let name = format!("level {} with {}", row.level.number(), row.challenge);
        assert_eq!(
            sandbox.api_calls(),
            row.endpoint_calls,
            "endpoint calls, {name}"
        );
        assert_eq!(
            sandbox.token_requests(),
            row.token_requests,
            "token requests, {name}"
        );
        assert_eq!(status, row.status, "status, {name}");
    }
}

#[tokio::test]
async fn retry_uses_the_new_token() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.push_api_reply(Reply::unauthorized(&[r#"Bearer error="invalid_token""#]));
    let client = client(
        oauth_config(&sandbox, RetryCheckLevel::InvalidTokenChallenge),
        &shared(),
    );

    get_status(&client, "/items").await;

    let log = sandbox.api_request_log();
    let issued = sandbox.issued_tokens();
    assert_eq!(log[0].bearer_token(), Some(issued[0].as_str()));
    assert_eq!(log[1].bearer_token(), Some(issued[1].as_str()));
}

#[tokio::test]
async fn second_401_goes_back_without_another_retry() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.set_api_reply(Some(Reply::unauthorized(&[
        r#"Bearer error="invalid_token""#,
    ])));
    let client = client(
        oauth_config(&sandbox, RetryCheckLevel::AnyUnauthorized),
        &shared(),
    );

    let status = get_status(&client, "/items").await;

    assert_eq!(status, 401);
    assert_eq!(sandbox.api_calls(), 2);
    assert_eq!(sandbox.token_requests(), 2);
}

#[tokio::test]
async fn replacement_within_interval_returns_401_without_retry() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.set_api_reply(Some(Reply::unauthorized(&[
        r#"Bearer error="invalid_token""#,
    ])));
    let client = client(
        oauth_config(&sandbox, RetryCheckLevel::AnyUnauthorized),
        &shared(),
    );
    get_status(&client, "/items").await;

    let status = get_status(&client, "/items").await;

    // The second call uses the replacement token from the cache; its 401
    // would need another replacement within tokenReplaceInterval.
    assert_eq!(status, 401);
    assert_eq!(sandbox.api_calls(), 3);
    assert_eq!(sandbox.token_requests(), 2);
}

#[tokio::test]
async fn zero_replace_interval_replaces_every_time() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.set_api_reply(Some(Reply::unauthorized(&[
        r#"Bearer error="invalid_token""#,
    ])));
    let mut config = oauth_config(&sandbox, RetryCheckLevel::AnyUnauthorized);
    oauth_settings(&mut config).token_replace_interval = std::time::Duration::ZERO;
    let client = client(config, &shared());
    get_status(&client, "/items").await;

    get_status(&client, "/items").await;

    assert_eq!(sandbox.api_calls(), 4);
    assert_eq!(sandbox.token_requests(), 3);
}

#[tokio::test]
async fn no_retry_keeps_the_cached_token() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.push_api_reply(Reply::unauthorized(&[]));
    let client = client(
        oauth_config(&sandbox, RetryCheckLevel::InvalidTokenChallenge),
        &shared(),
    );
    assert_eq!(get_status(&client, "/items").await, 401);

    let status = get_status(&client, "/items").await;

    assert_eq!(status, 200);
    assert_eq!(sandbox.token_requests(), 1);
}
