//! The sandbox's routes, scripts and misbehaving servers, driven with reqwest
//! over loopback.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use bytes::Bytes;
use zconnect_sandbox::{closed_port, ApiAuth, Reply, Sandbox, SilentServer};

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

async fn fetch_token(sandbox: &Sandbox) -> String {
    let response = client()
        .post(sandbox.token_url())
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn token_endpoint_issues_bearer_token_with_lifetime() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.set_token_lifetime(Some(120));

    let response = client()
        .post(sandbox.token_url())
        .form(&[("grant_type", "client_credentials"), ("scope", "read")])
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();

    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 120);
    assert_eq!(body["access_token"], "sandbox-token-1");
    assert_eq!(sandbox.token_requests(), 1);
    let log = sandbox.token_request_log();
    assert_eq!(log[0].form_value("scope").as_deref(), Some("read"));
}

#[tokio::test]
async fn api_accepts_issued_token_and_rejects_others() {
    let sandbox = Sandbox::start().await.unwrap();
    let token = fetch_token(&sandbox).await;

    let accepted = client()
        .get(format!("{}/api/items?x=1", sandbox.base_url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let rejected = client()
        .get(format!("{}/api/items", sandbox.base_url()))
        .bearer_auth("forged")
        .send()
        .await
        .unwrap();

    assert_eq!(accepted.status(), 200);
    let body: serde_json::Value = serde_json::from_slice(&accepted.bytes().await.unwrap()).unwrap();
    assert_eq!(body["path"], "/api/items");
    assert_eq!(body["query"], "x=1");
    assert_eq!(rejected.status(), 401);
    assert_eq!(
        rejected.headers()["www-authenticate"],
        zconnect_sandbox::DEFAULT_REJECTION_CHALLENGE
    );
    assert_eq!(sandbox.api_calls(), 2);
}

#[tokio::test]
async fn revoked_token_is_rejected() {
    let sandbox = Sandbox::start().await.unwrap();
    let token = fetch_token(&sandbox).await;
    sandbox.revoke_tokens();
    sandbox.set_rejection_challenges(&[]);

    let response = client()
        .get(format!("{}/api", sandbox.base_url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 401);
    assert!(response.headers().get("www-authenticate").is_none());
}

#[tokio::test]
async fn queued_replies_come_before_standing_reply() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.push_api_reply(Reply::text(503, "first"));
    sandbox.set_api_reply(Some(Reply::text(202, "always")));

    let first = client().get(sandbox.base_url()).send().await.unwrap();
    let second = client().get(sandbox.base_url()).send().await.unwrap();
    let third = client().get(sandbox.base_url()).send().await.unwrap();

    assert_eq!(first.status(), 503);
    assert_eq!(second.status(), 202);
    assert_eq!(third.text().await.unwrap(), "always");
}

#[tokio::test]
async fn open_api_records_body_byte_for_byte() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.set_api_auth(ApiAuth::Open);
    let body: Vec<u8> = (0..=255_u8).cycle().take(70_000).collect();

    let response = client()
        .post(format!("{}/upload", sandbox.base_url()))
        .body(body.clone())
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(sandbox.api_request_log()[0].body.as_ref(), body.as_slice());
}

#[tokio::test]
async fn required_client_rejects_wrong_secret() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.require_client("app", "s3:cr%t");

    let wrong = client()
        .post(sandbox.token_url())
        .basic_auth("app", Some("other"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    let right = client()
        .post(sandbox.token_url())
        .basic_auth("app", Some("s3%3Acr%25t"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();

    assert_eq!(wrong.status(), 401);
    assert_eq!(right.status(), 200);
}

#[tokio::test]
async fn close_reply_drops_connection_without_response() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.push_api_reply(Reply::close());

    let result = client().get(sandbox.base_url()).send().await;

    let error = result.unwrap_err();
    assert!(!error.is_timeout(), "{error:?}");
}

#[tokio::test]
async fn hang_reply_never_answers() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.push_token_reply(Reply::hang());

    let result = reqwest::Client::new()
        .post(sandbox.token_url())
        .timeout(Duration::from_millis(300))
        .send()
        .await;

    assert!(result.unwrap_err().is_timeout());
    assert_eq!(sandbox.token_requests(), 1);
}

#[tokio::test]
async fn parts_reply_sends_body_in_pieces() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.push_api_reply(Reply::status(200).parts(vec![
        (Duration::ZERO, Bytes::from_static(b"ab")),
        (Duration::from_millis(50), Bytes::from_static(b"cd")),
    ]));

    let response = client().get(sandbox.base_url()).send().await.unwrap();

    assert_eq!(response.text().await.unwrap(), "abcd");
}

#[tokio::test]
async fn silent_server_accepts_and_never_answers() {
    let silent = SilentServer::start().await.unwrap();

    let result = reqwest::Client::new()
        .get(silent.base_url())
        .timeout(Duration::from_millis(300))
        .send()
        .await;

    assert!(result.unwrap_err().is_timeout());
    assert_eq!(silent.connections(), 1);
}

#[tokio::test]
async fn closed_port_refuses_connections() {
    let port = closed_port().unwrap();

    let result = client()
        .get(format!("http://127.0.0.1:{port}/"))
        .send()
        .await;

    assert!(result.unwrap_err().is_connect());
}

#[tokio::test]
async fn dropped_sandbox_stops_listening() {
    let sandbox = Sandbox::start().await.unwrap();
    let url = sandbox.base_url();
    drop(sandbox);
    tokio::time::sleep(Duration::from_millis(50)).await;

    let result = client().get(url).send().await;

    assert!(result.unwrap_err().is_connect());
}
