//! The token handling cases T1-T6, end to end against the sandbox.

#![allow(clippy::unwrap_used)]

mod call_support;

use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::future::join_all;
use http::Method;
use zconnect_config::model::RetryCheckLevel;
use zconnect_requester::oauth::fetch::TokenFetch;
use zconnect_requester::oauth::request::resolve_inputs;
use zconnect_requester::{ErrorKind, RequestBody};
use zconnect_sandbox::{ApiAuth, Reply, Sandbox, SilentServer};

use call_support::*;

/// Runs one token request the way a call would, straight to the sandbox.
async fn fetch_once(sandbox: &Sandbox) -> zconnect_requester::oauth::cache::FetchedToken {
    let config = oauth_config(sandbox, RetryCheckLevel::InvalidTokenChallenge);
    let oauth = &config.oauth_configs[OAUTH];
    let server = &config.authorization_servers[AUTH_SERVER];
    let inputs = resolve_inputs(
        oauth,
        server,
        config.auth_data.get(CLIENT_DATA),
        &Default::default(),
    )
    .unwrap();
    TokenFetch {
        http: reqwest::Client::new(),
        auth_server: AUTH_SERVER.to_owned(),
        token_endpoint: sandbox.token_url(),
        request: inputs.build(server.basic_auth_encoding),
        default_lifetime: oauth.default_token_lifetime,
        deadline: std::time::Duration::from_secs(10),
        metrics: Default::default(),
    }
    .run()
    .await
    .unwrap()
}

#[tokio::test]
async fn t1_hundred_rejected_calls_share_one_token_request() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(
        oauth_config(&sandbox, RetryCheckLevel::InvalidTokenChallenge),
        &shared(),
    );
    assert_eq!(get_status(&client, "/warm").await, 200);
    sandbox.revoke_tokens();

    let calls = (0..100).map(|index| get(&client, if index % 2 == 0 { "/a" } else { "/b" }));
    let responses = join_all(calls).await;

    let statuses: Vec<u16> = responses
        .into_iter()
        .map(|response| response.unwrap().status.as_u16())
        .collect();
    assert!(statuses.iter().all(|&status| status == 200), "{statuses:?}");
    assert_eq!(
        sandbox.token_requests(),
        2,
        "one token to start, one replacement"
    );
    assert_eq!(sandbox.api_calls(), 1 + 200, "every call sent twice");
    let issued = sandbox.issued_tokens();
    let log = sandbox.api_request_log();
    let with_old = log[1..]
        .iter()
        .filter(|request| request.bearer_token() == Some(&issued[0]))
        .count();
    let with_new = log[1..]
        .iter()
        .filter(|request| request.bearer_token() == Some(&issued[1]))
        .count();
    assert_eq!(with_old, 100);
    assert_eq!(with_new, 100);
}

#[tokio::test]
async fn t2_expires_in_as_string_gives_lifetime() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.push_token_reply(Reply::json(
        200,
        &serde_json::json!({"token_type": "Bearer", "expires_in": "3599", "access_token": "T1"}),
    ));

    let fetched = fetch_once(&sandbox).await;

    assert_eq!(fetched.value.expose(), "T1");
    assert_eq!(fetched.lifetime, Some(Duration::from_secs(3599)));
}

#[tokio::test]
async fn t2_token_sent_as_bearer_and_cached() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.set_api_auth(ApiAuth::Open);
    sandbox.push_token_reply(Reply::json(
        200,
        &serde_json::json!({"token_type": "Bearer", "expires_in": "3599", "access_token": "T1"}),
    ));
    let client = client(
        oauth_config(&sandbox, RetryCheckLevel::InvalidTokenChallenge),
        &shared(),
    );

    get_status(&client, "/a").await;
    get_status(&client, "/b").await;

    assert_eq!(sandbox.token_requests(), 1);
    assert_eq!(sandbox.api_request_log()[1].bearer_token(), Some("T1"));
}

#[tokio::test]
async fn t3_bare_token_gets_default_lifetime() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.push_token_reply(Reply::json(200, &serde_json::json!({"access_token": "T2"})));

    let fetched = fetch_once(&sandbox).await;

    assert_eq!(fetched.value.expose(), "T2");
    assert_eq!(fetched.lifetime, Some(Duration::from_secs(300)));
}

#[tokio::test]
async fn t3_bare_token_sent_as_bearer_and_cached() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.set_api_auth(ApiAuth::Open);
    sandbox.push_token_reply(Reply::json(200, &serde_json::json!({"access_token": "T2"})));
    let shared = shared();
    let client = client(
        oauth_config(&sandbox, RetryCheckLevel::InvalidTokenChallenge),
        &shared,
    );

    get_status(&client, "/a").await;
    get_status(&client, "/b").await;

    assert_eq!(sandbox.token_requests(), 1);
    assert_eq!(
        sandbox.api_request_log()[0].header("authorization"),
        Some("Bearer T2")
    );
    assert_eq!(shared.token_cache().cached_tokens(), 1);
}

#[tokio::test]
async fn t4_error_answer_with_200_fails_and_caches_nothing() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.push_token_reply(Reply::json(
        200,
        &serde_json::json!({
            "error": "incorrect_client_credentials",
            "error_description": "The client_id and/or client_secret passed are incorrect.",
        }),
    ));
    let shared = shared();
    let client = client(
        oauth_config(&sandbox, RetryCheckLevel::InvalidTokenChallenge),
        &shared,
    );

    let error = get(&client, "/a").await.unwrap_err();

    assert_eq!(error.kind(), ErrorKind::TokenRequestFailed);
    assert_eq!(error.status().as_u16(), 502);
    assert_eq!(error.return_code(), 2);
    assert!(
        error.message().contains("incorrect_client_credentials"),
        "{error}"
    );
    assert!(
        error
            .message()
            .contains("client_id and/or client_secret passed are incorrect"),
        "{error}"
    );
    assert_eq!(shared.token_cache().cached_tokens(), 0);
    assert_eq!(sandbox.api_calls(), 0);
}

#[tokio::test]
async fn t5_megabyte_body_replayed_byte_for_byte() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.push_api_reply(Reply::unauthorized(&[r#"Bearer error="invalid_token""#]));
    let client = client(
        oauth_config(&sandbox, RetryCheckLevel::InvalidTokenChallenge),
        &shared(),
    );
    let body: Vec<u8> = (0..1024 * 1024)
        .map(|index: u32| (index * 7 % 251) as u8)
        .collect();
    let chunks: Vec<Result<Bytes, std::io::Error>> = body
        .chunks(64 * 1024)
        .map(|chunk| Ok(Bytes::copy_from_slice(chunk)))
        .collect();
    let mut request = request(Method::POST, "/upload");
    request.body =
        RequestBody::from_stream(futures_util::stream::iter(chunks), Some(body.len() as u64));

    let response = client.call(&target(), request).await.unwrap();

    assert_eq!(response.status.as_u16(), 200);
    let log = sandbox.api_request_log();
    assert_eq!(log.len(), 2);
    assert!(
        log[0].body.as_ref() == body.as_slice(),
        "first attempt differs"
    );
    assert!(log[1].body.as_ref() == body.as_slice(), "retry differs");
    assert_ne!(log[0].bearer_token(), log[1].bearer_token());
}

#[tokio::test]
async fn t6_silent_token_endpoint_fails_every_waiting_call_in_time() {
    let sandbox = Sandbox::start().await.unwrap();
    let silent = SilentServer::start().await.unwrap();
    let receive_timeout = Duration::from_millis(500);
    let mut config = with_token_endpoint(
        oauth_config(&sandbox, RetryCheckLevel::InvalidTokenChallenge),
        format!("{}/token", silent.base_url()),
    );
    auth_server(&mut config).receive_timeout = receive_timeout;
    let client = client(config, &shared());
    let started = Instant::now();

    let results = join_all((0..20).map(|_| get(&client, "/a"))).await;

    let elapsed = started.elapsed();
    for result in results {
        let error = result.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::TokenRequestTimedOut, "{error}");
        assert_eq!(error.return_code(), 2);
    }
    assert!(
        elapsed < receive_timeout + Duration::from_secs(2),
        "took {elapsed:?}"
    );
    assert_eq!(
        silent.connections(),
        1,
        "one token request for all waiting calls"
    );
    assert_eq!(sandbox.api_calls(), 0);
}
