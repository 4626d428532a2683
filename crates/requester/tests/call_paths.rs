//! What reaches the endpoint: URL, headers, credentials and body, and what
//! comes back to the caller.

#![allow(clippy::unwrap_used)]

mod call_support;

use http::Method;
use zconnect_config::model::{AuthData, RetryCheckLevel};
use zconnect_config::Secret;
use zconnect_requester::ErrorKind;
use zconnect_sandbox::{ApiAuth, Reply, Sandbox};

use call_support::*;

/// An endpoint connection with no credentials, on an open sandbox API.
async fn open_setup() -> (Sandbox, zconnect_requester::Client) {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.set_api_auth(ApiAuth::Open);
    let mut config = oauth_config(&sandbox, RetryCheckLevel::InvalidTokenChallenge);
    connection(&mut config).authentication = None;
    let client = client(config, &shared());
    (sandbox, client)
}

#[tokio::test]
async fn url_joins_base_paths_and_keeps_query() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.set_api_auth(ApiAuth::Open);
    let mut config = oauth_config(&sandbox, RetryCheckLevel::InvalidTokenChallenge);
    connection(&mut config).authentication = None;
    connection(&mut config).domain_base_path = "/api/".to_owned();
    let client = client(config, &shared());
    let mut target = target();
    target.base_path = "/v2/".to_owned();
    let mut request = request(Method::GET, "/items/a%2Fb");
    request.query = Some("q=%20x&limit=5".to_owned());

    client.call(&target, request).await.unwrap();

    let recorded = &sandbox.api_request_log()[0];
    assert_eq!(recorded.path, "/api/v2/items/a%2Fb");
    assert_eq!(recorded.query.as_deref(), Some("q=%20x&limit=5"));
}

#[tokio::test]
async fn dot_segments_rejected_with_400() {
    let (sandbox, client) = open_setup().await;
    for path in ["/a/../b", "/%2e%2e/etc", "/a/%2E/b", "/.%2E/x"] {
        let error = get(&client, path).await.unwrap_err();

        assert_eq!(error.kind(), ErrorKind::DotSegment, "{path}");
        assert_eq!(error.status().as_u16(), 400, "{path}");
        assert_eq!(error.return_code(), 2, "{path}");
    }
    assert_eq!(sandbox.api_calls(), 0);
}

#[tokio::test]
async fn dot_segments_behind_encoded_slashes_rejected_with_400() {
    let (sandbox, client) = open_setup().await;
    for path in ["/..%2f..%2fx", "/a%2F..%2Fb", "/..%5cx", "/a\\..\\b"] {
        let error = get(&client, path).await.unwrap_err();

        assert_eq!(error.kind(), ErrorKind::DotSegment, "{path}");
        assert_eq!(error.status().as_u16(), 400, "{path}");
    }
    assert_eq!(sandbox.api_calls(), 0);
}

#[tokio::test]
async fn headers_filtered_before_forwarding() {
    let (sandbox, client) = open_setup().await;
    let mut request = request(Method::GET, "/items");
    for (name, value) in [
        ("connection", "close, x-hop"),
        ("x-hop", "1"),
        ("keep-alive", "timeout=5"),
        ("proxy-authorization", "Basic eDp5"),
        ("authorization", "Basic Y2FsbGVyOnB3"),
        ("host", "zconnect.example"),
        ("baqhapi-oauth-scope", "read"),
        ("x-correlation-id", "abc-123"),
    ] {
        request = with_header(request, name, value);
    }

    client.call(&target(), request).await.unwrap();

    let recorded = &sandbox.api_request_log()[0];
    assert_eq!(recorded.header("x-correlation-id"), Some("abc-123"));
    for dropped in [
        "x-hop",
        "keep-alive",
        "proxy-authorization",
        "authorization",
        "baqhapi-oauth-scope",
    ] {
        assert_eq!(recorded.header(dropped), None, "{dropped}");
    }
    assert_eq!(
        recorded.header("host"),
        Some(format!("127.0.0.1:{}", sandbox.port()).as_str())
    );
}

#[tokio::test]
async fn accept_defaults_to_any_and_keeps_the_callers() {
    let (sandbox, client) = open_setup().await;

    client
        .call(&target(), request(Method::GET, "/items"))
        .await
        .unwrap();
    let with_accept = with_header(request(Method::GET, "/items"), "accept", "application/json");
    client.call(&target(), with_accept).await.unwrap();

    let log = sandbox.api_request_log();
    assert_eq!(log[0].header("accept"), Some("*/*"));
    assert_eq!(log[1].header("accept"), Some("application/json"));
}

#[tokio::test]
async fn basic_auth_sent_to_endpoint() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.set_api_auth(ApiAuth::Open);
    let mut config = oauth_config(&sandbox, RetryCheckLevel::InvalidTokenChallenge);
    connection(&mut config).authentication = None;
    connection(&mut config).basic_auth = Some("endpointUser".to_owned());
    config.auth_data.insert(
        "endpointUser".to_owned(),
        AuthData {
            id: "endpointUser".to_owned(),
            user: "zcuser".to_owned(),
            password: Some(Secret::new("p@ss:word")),
        },
    );
    let client = client(config, &shared());

    get(&client, "/items").await.unwrap();

    // base64("zcuser:p@ss:word")
    assert_eq!(
        sandbox.api_request_log()[0].header("authorization"),
        Some("Basic emN1c2VyOnBAc3M6d29yZA==")
    );
}

#[tokio::test]
async fn endpoint_status_and_body_pass_through() {
    let (sandbox, client) = open_setup().await;
    sandbox.push_api_reply(Reply::text(418, "teapot").header("x-reason", "short and stout"));

    let response = get(&client, "/items").await.unwrap();

    assert_eq!(response.status.as_u16(), 418);
    assert_eq!(response.return_code, 1);
    assert_eq!(response.headers["x-reason"], "short and stout");
    assert_eq!(body_text(response).await, "teapot");
}

#[tokio::test]
async fn success_has_return_code_0() {
    let (_sandbox, client) = open_setup().await;

    let response = get(&client, "/items").await.unwrap();

    assert_eq!(response.status.as_u16(), 200);
    assert_eq!(response.return_code, 0);
}

#[tokio::test]
async fn redirect_not_followed() {
    let (sandbox, client) = open_setup().await;
    sandbox.push_api_reply(Reply::status(302).header("location", "http://127.0.0.1:1/elsewhere"));

    let response = get(&client, "/items").await.unwrap();

    assert_eq!(response.status.as_u16(), 302);
    assert_eq!(response.headers["location"], "http://127.0.0.1:1/elsewhere");
    assert_eq!(sandbox.api_calls(), 1);
}

#[tokio::test]
async fn unknown_connection_is_503() {
    let (_sandbox, client) = open_setup().await;
    let mut target = target();
    target.connection = "missing".to_owned();

    let error = client
        .call(&target, request(Method::GET, "/x"))
        .await
        .unwrap_err();

    assert_eq!(error.kind(), ErrorKind::RequesterUnavailable);
    assert_eq!(error.status().as_u16(), 503);
    assert!(error.message().contains("'missing'"), "{error}");
}

#[tokio::test]
async fn post_body_forwarded_unchanged() {
    let (sandbox, client) = open_setup().await;
    let mut request = with_header(
        request(Method::POST, "/items"),
        "content-type",
        "application/json",
    );
    request.body = zconnect_requester::RequestBody::from_bytes(r#"{"qty":3}"#);

    client.call(&target(), request).await.unwrap();

    let recorded = &sandbox.api_request_log()[0];
    assert_eq!(recorded.method, "POST");
    assert_eq!(recorded.body.as_ref(), br#"{"qty":3}"#);
    assert_eq!(recorded.header("content-type"), Some("application/json"));
}

#[tokio::test]
async fn password_grant_without_username_is_400() {
    let sandbox = Sandbox::start().await.unwrap();
    let mut config = oauth_config(&sandbox, RetryCheckLevel::InvalidTokenChallenge);
    oauth_settings(&mut config).grant_type = zconnect_config::model::GrantType::Password;
    let client = client(config, &shared());

    let error = get(&client, "/items").await.unwrap_err();

    assert_eq!(error.kind(), ErrorKind::MissingCallerCredentials);
    assert_eq!(error.status().as_u16(), 400);
    assert_eq!(sandbox.token_requests(), 0);
}

#[tokio::test]
async fn malformed_custom_parms_is_400() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(
        oauth_config(&sandbox, RetryCheckLevel::InvalidTokenChallenge),
        &shared(),
    );
    let request = with_header(
        request(Method::GET, "/items"),
        "BAQHAPI-oAuth-CustomParms",
        "novalue",
    );

    let error = client.call(&target(), request).await.unwrap_err();

    assert_eq!(error.kind(), ErrorKind::MalformedCredentialHeader);
    assert_eq!(error.status().as_u16(), 400);
}

#[tokio::test]
async fn password_grant_sends_caller_credentials() {
    let sandbox = Sandbox::start().await.unwrap();
    let mut config = oauth_config(&sandbox, RetryCheckLevel::InvalidTokenChallenge);
    oauth_settings(&mut config).grant_type = zconnect_config::model::GrantType::Password;
    let client = client(config, &shared());
    let request = with_header(
        with_header(
            request(Method::GET, "/items"),
            "BAQHAPI-oAuth-Username",
            "alice",
        ),
        "BAQHAPI-oAuth-Password",
        "wonder land",
    );

    let response = client.call(&target(), request).await.unwrap();

    assert_eq!(response.status.as_u16(), 200);
    let token_request = &sandbox.token_request_log()[0];
    assert_eq!(
        token_request.form_value("grant_type").as_deref(),
        Some("password")
    );
    assert_eq!(
        token_request.form_value("username").as_deref(),
        Some("alice")
    );
    assert_eq!(
        token_request.form_value("password").as_deref(),
        Some("wonder land")
    );
}

#[tokio::test]
async fn rebuilt_client_follows_a_new_endpoint_port() {
    let first = Sandbox::start().await.unwrap();
    let second = Sandbox::start().await.unwrap();
    for sandbox in [&first, &second] {
        sandbox.set_api_auth(ApiAuth::Open);
    }
    let shared = shared();
    let mut config = oauth_config(&first, RetryCheckLevel::InvalidTokenChallenge);
    connection(&mut config).authentication = None;
    let before = client(config.clone(), &shared);
    get(&before, "/items").await.unwrap();

    connection(&mut config).port = second.port();
    let after =
        zconnect_requester::Client::build(std::sync::Arc::new(config), shared, Some(&before))
            .unwrap();
    get(&after, "/items").await.unwrap();

    assert_eq!(first.api_calls(), 1);
    assert_eq!(second.api_calls(), 1);
}
