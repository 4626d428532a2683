//! The `token_type` of a token response does not change how the token is
//! sent: whatever the type, and in any case, the endpoint receives exactly one
//! `Authorization: Bearer <token>` header.

#![allow(clippy::unwrap_used)]

mod call_support;

use http::Method;
use serde_json::{json, Value};
use zconnect_config::model::RetryCheckLevel;
use zconnect_sandbox::{ApiAuth, Reply, Sandbox};

use call_support::*;

/// Makes one call after a token response with `token_type` set to
/// `token_type` (left out when `None`) and returns the `Authorization`
/// header values the endpoint received.
async fn authorization_sent(token_type: Option<Value>) -> Vec<String> {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.set_api_auth(ApiAuth::Open);
    let mut token_response = json!({"access_token": "T-typed", "expires_in": 600});
    if let Some(token_type) = token_type {
        token_response["token_type"] = token_type;
    }
    sandbox.push_token_reply(Reply::json(200, &token_response));
    let client = client(
        oauth_config(&sandbox, RetryCheckLevel::InvalidTokenChallenge),
        &shared(),
    );

    assert_eq!(get_status(&client, "/items").await, 200);

    let log = sandbox.api_request_log();
    assert_eq!(log.len(), 1);
    log[0]
        .header_values("authorization")
        .into_iter()
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn token_type_bearer_in_any_case_sent_as_bearer() {
    for token_type in ["Bearer", "bearer", "BEARER", "bEaReR"] {
        assert_eq!(
            authorization_sent(Some(json!(token_type))).await,
            ["Bearer T-typed"],
            "token_type {token_type}"
        );
    }
}

#[tokio::test]
async fn token_type_other_than_bearer_sent_as_bearer() {
    for token_type in ["DPoP", "mac", "N_A", "urn:ietf:params:oauth:token-type:jwt"] {
        assert_eq!(
            authorization_sent(Some(json!(token_type))).await,
            ["Bearer T-typed"],
            "token_type {token_type}"
        );
    }
}

#[tokio::test]
async fn token_type_missing_or_not_a_string_sent_as_bearer() {
    for token_type in [None, Some(json!(null)), Some(json!(1)), Some(json!([]))] {
        assert_eq!(
            authorization_sent(token_type.clone()).await,
            ["Bearer T-typed"],
            "token_type {token_type:?}"
        );
    }
}

#[tokio::test]
async fn token_type_other_than_bearer_replaces_caller_authorization() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.set_api_auth(ApiAuth::Open);
    sandbox.push_token_reply(Reply::json(
        200,
        &json!({"access_token": "T-dpop", "token_type": "DPoP", "expires_in": 600}),
    ));
    let client = client(
        oauth_config(&sandbox, RetryCheckLevel::InvalidTokenChallenge),
        &shared(),
    );
    let request = with_header(
        request(Method::GET, "/items"),
        "Authorization",
        "Bearer caller-token",
    );

    let response = client.call(&target(), request).await.unwrap();

    assert_eq!(response.status.as_u16(), 200);
    let log = sandbox.api_request_log();
    assert_eq!(log[0].header_values("authorization"), ["Bearer T-dpop"]);
}

#[tokio::test]
async fn token_type_other_than_bearer_retried_as_bearer() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.set_api_auth(ApiAuth::Open);
    for token in ["T-first", "T-second"] {
        sandbox.push_token_reply(Reply::json(
            200,
            &json!({"access_token": token, "token_type": "DPoP", "expires_in": 600}),
        ));
    }
    sandbox.push_api_reply(Reply::unauthorized(&[r#"Bearer error="invalid_token""#]));
    let client = client(
        oauth_config(&sandbox, RetryCheckLevel::InvalidTokenChallenge),
        &shared(),
    );

    assert_eq!(get_status(&client, "/items").await, 200);

    let log = sandbox.api_request_log();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].header_values("authorization"), ["Bearer T-first"]);
    assert_eq!(log[1].header_values("authorization"), ["Bearer T-second"]);
}
