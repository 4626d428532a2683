//! The WWW-Authenticate cases W1-W10, and the headers where reading the
//! Bearer challenge differs from a text search for `invalid_token`, end to
//! end: a 401 with these headers from the endpoint, and whether the call is
//! sent once more with a new token.

#![allow(clippy::unwrap_used)]

mod call_support;

use call_support::*;
use zconnect_config::model::RetryCheckLevel;
use zconnect_sandbox::{Reply, Sandbox};

/// Makes one call whose first attempt gets a 401 with `challenges` (one
/// header line each) and returns whether it was retried.
async fn retried(level: RetryCheckLevel, challenges: &[&str]) -> bool {
    retried_with(level, Reply::unauthorized(challenges)).await
}

async fn retried_with(level: RetryCheckLevel, reply: Reply) -> bool {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.push_api_reply(reply);
    let client = client(oauth_config(&sandbox, level), &shared());

    let status = get_status(&client, "/items").await;

    let retried = sandbox.api_calls() == 2;
    assert_eq!(sandbox.token_requests(), if retried { 2 } else { 1 });
    assert_eq!(status, if retried { 200 } else { 401 });
    retried
}

const LEVEL_3: RetryCheckLevel = RetryCheckLevel::InvalidTokenChallenge;
const LEVEL_1: RetryCheckLevel = RetryCheckLevel::AnyUnauthorized;

#[tokio::test]
async fn w1_space_separated_invalid_client_not_retried() {
    let header = r#"Bearer realm="Example" error="invalid_client" error_description="none""#;
    assert!(!retried(LEVEL_3, &[header]).await);
}

#[tokio::test]
async fn w2_single_quotes_retried() {
    assert!(retried(LEVEL_3, &["Bearer realm='api', error='invalid_token'"]).await);
}

#[tokio::test]
async fn w3_unquoted_url_value_retried() {
    let header =
        "Bearer authorization_uri=https://login.example.net/authorize, error=invalid_token";
    assert!(retried(LEVEL_3, &[header]).await);
}

#[tokio::test]
async fn w4_escaped_quotes_and_commas_retried() {
    let header = r#"Bearer error="invalid_token", error_description="Token \"t-42\" expired, please renew", scope="read,write""#;
    assert!(retried(LEVEL_3, &[header]).await);
}

#[tokio::test]
async fn w5_bearer_on_third_header_line_retried() {
    let lines = [
        r#"Basic realm="legacy""#,
        "Negotiate",
        r#"Bearer realm="api", error="invalid_token""#,
    ];
    assert!(retried(LEVEL_3, &lines).await);
}

#[tokio::test]
async fn w6_two_challenges_in_one_line_retried() {
    let header = r#"Basic realm="legacy", Bearer realm="api", error="invalid_token""#;
    assert!(retried(LEVEL_3, &[header]).await);
}

#[tokio::test]
async fn w7_lowercase_scheme_retried() {
    let reply = Reply::status(401).header("www-authenticate", r#"bearer error="invalid_token""#);
    assert!(retried_with(LEVEL_3, reply).await);
}

#[tokio::test]
async fn w7_uppercase_scheme_and_param_retried() {
    let reply = Reply::status(401).header("WWW-Authenticate", r#"BEARER Error="invalid_token""#);
    assert!(retried_with(LEVEL_3, reply).await);
}

#[tokio::test]
async fn w8_no_challenge_not_retried_at_level_3() {
    let reply = Reply::json(401, &serde_json::json!({"error": "HTTP 401 Unauthorized"}));
    assert!(!retried_with(LEVEL_3, reply).await);
}

#[tokio::test]
async fn w8_no_challenge_retried_at_level_1() {
    let reply = Reply::json(401, &serde_json::json!({"error": "HTTP 401 Unauthorized"}));
    assert!(retried_with(LEVEL_1, reply).await);
}

#[tokio::test]
async fn w9_garbage_not_retried_at_level_3() {
    assert!(!retried(LEVEL_3, &["token: false, info: token is not found"]).await);
}

#[tokio::test]
async fn w9_garbage_retried_at_level_1() {
    assert!(retried(LEVEL_1, &["token: false, info: token is not found"]).await);
}

#[tokio::test]
async fn w10_parameters_of_two_bearer_challenges_do_not_mix() {
    let header = r#"Bearer realm="a", error="insufficient_scope", scope="write", Bearer realm="b", error="invalid_token""#;
    assert!(retried(LEVEL_3, &[header]).await);
}

#[tokio::test]
async fn insufficient_scope_describing_invalid_token_not_retried() {
    let header =
        r#"Bearer realm="a", error="insufficient_scope", error_description="invalid_token scope""#;
    assert!(!retried(LEVEL_3, &[header]).await);
}

#[tokio::test]
async fn two_bearer_challenges_without_invalid_token_not_retried() {
    let header = r#"Bearer realm="a", error="insufficient_scope", Bearer realm="b", error_description="invalid_token""#;
    assert!(!retried(LEVEL_3, &[header]).await);
}

#[tokio::test]
async fn semicolon_after_quoted_error_not_retried() {
    assert!(!retried(LEVEL_3, &[r#"Bearer error="invalid_token"; charset=x"#]).await);
}

#[tokio::test]
async fn quoted_pair_in_error_value_retried() {
    assert!(retried(LEVEL_3, &[r#"Bearer error="invalid\_token""#]).await);
}
