//! Single flight and reloads through the client: concurrent calls on an
//! empty cache make one token request, and a reload keeps tokens whose key
//! did not change.

#![allow(clippy::unwrap_used)]

mod call_support;

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::join_all;
use zconnect_config::model::RetryCheckLevel;
use zconnect_config::Secret;
use zconnect_requester::Client;
use zconnect_sandbox::{Reply, Sandbox};

use call_support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousand_concurrent_calls_make_one_token_request() {
    let sandbox = Sandbox::start().await.unwrap();
    // A slow token endpoint makes every call arrive while the request is in
    // flight.
    sandbox.push_token_reply(
        Reply::json(
            200,
            &serde_json::json!({"access_token": "shared-token", "expires_in": 600}),
        )
        .delay(Duration::from_millis(300)),
    );
    sandbox.set_api_auth(zconnect_sandbox::ApiAuth::Open);
    let client = Arc::new(client(
        oauth_config(&sandbox, RetryCheckLevel::InvalidTokenChallenge),
        &shared(),
    ));

    let calls = (0..1000).map(|_| {
        let client = client.clone();
        tokio::spawn(async move {
            get(&client, "/items")
                .await
                .map(|response| response.status.as_u16())
        })
    });
    let results = join_all(calls).await;

    let ok = results
        .into_iter()
        .filter(|result| matches!(result, Ok(Ok(200))))
        .count();
    assert_eq!(ok, 1000);
    assert_eq!(sandbox.token_requests(), 1);
    assert_eq!(sandbox.api_calls(), 1000);
}

#[tokio::test]
async fn reload_keeps_token_when_key_unchanged() {
    let sandbox = Sandbox::start().await.unwrap();
    let shared = shared();
    let config = oauth_config(&sandbox, RetryCheckLevel::InvalidTokenChallenge);
    let first = Client::build(Arc::new(config.clone()), shared.clone(), None).unwrap();
    get_status(&first, "/a").await;

    let mut reloaded_config = config;
    connection(&mut reloaded_config).receive_timeout = Duration::from_secs(9);
    let second = Client::build(Arc::new(reloaded_config), shared.clone(), Some(&first)).unwrap();
    let status = get_status(&second, "/a").await;

    assert_eq!(status, 200);
    assert_eq!(sandbox.token_requests(), 1);
}

#[tokio::test]
async fn reload_with_changed_secret_requests_new_token() {
    let sandbox = Sandbox::start().await.unwrap();
    let shared = shared();
    let config = oauth_config(&sandbox, RetryCheckLevel::InvalidTokenChallenge);
    let first = Client::build(Arc::new(config.clone()), shared.clone(), None).unwrap();
    get_status(&first, "/a").await;

    let mut reloaded_config = config;
    reloaded_config
        .auth_data
        .get_mut(CLIENT_DATA)
        .unwrap()
        .password = Some(Secret::new("rotated"));
    let second = Client::build(Arc::new(reloaded_config), shared.clone(), Some(&first)).unwrap();
    get_status(&second, "/a").await;

    assert_eq!(sandbox.token_requests(), 2);
}

#[tokio::test]
async fn different_scopes_get_different_tokens() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(
        oauth_config(&sandbox, RetryCheckLevel::InvalidTokenChallenge),
        &shared(),
    );
    let scoped = |scope: &str| {
        with_header(
            request(http::Method::GET, "/a"),
            "BAQHAPI-oAuth-Scope",
            scope,
        )
    };

    client.call(&target(), scoped("read")).await.unwrap();
    client.call(&target(), scoped("write")).await.unwrap();
    client.call(&target(), scoped("read")).await.unwrap();

    assert_eq!(sandbox.token_requests(), 2);
    let scopes: Vec<Option<String>> = sandbox
        .token_request_log()
        .iter()
        .map(|request| request.form_value("scope"))
        .collect();
    assert_eq!(scopes, [Some("read".to_owned()), Some("write".to_owned())]);
}
