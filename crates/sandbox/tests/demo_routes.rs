//! The opt-in `zconnect demo` routes of the sandbox API.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use zconnect_sandbox::{
    Sandbox, INVALID_TOKEN_CHALLENGE, NO_INVALID_TOKEN_CHALLENGE, REJECT_INVALID_TOKEN_PATH,
    REJECT_NO_CHALLENGE_PATH,
};

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
    let body: serde_json::Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

async fn get(sandbox: &Sandbox, path: &str, token: &str) -> reqwest::Response {
    client()
        .get(format!("{}{path}", sandbox.base_url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

async fn json(response: reqwest::Response) -> serde_json::Value {
    serde_json::from_slice(&response.bytes().await.unwrap()).unwrap()
}

fn challenges(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all("www-authenticate")
        .iter()
        .map(|value| value.to_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn invalid_token_route_rejects_issued_token() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.enable_demo_routes();
    let token = fetch_token(&sandbox).await;

    let response = get(&sandbox, REJECT_INVALID_TOKEN_PATH, &token).await;

    assert_eq!(response.status(), 401);
    assert_eq!(challenges(&response), vec![INVALID_TOKEN_CHALLENGE]);
    let body = json(response).await;
    assert_eq!(body["error"], "invalid_token");
    assert_eq!(body["tokenNumber"], 1);
}

#[tokio::test]
async fn no_challenge_route_sends_bearer_without_error() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.enable_demo_routes();
    let token = fetch_token(&sandbox).await;

    let response = get(&sandbox, REJECT_NO_CHALLENGE_PATH, &token).await;

    assert_eq!(response.status(), 401);
    assert_eq!(challenges(&response), vec![NO_INVALID_TOKEN_CHALLENGE]);
    assert!(!NO_INVALID_TOKEN_CHALLENGE.contains("error"));
    let body = json(response).await;
    assert_eq!(body["tokenNumber"], 1);
}

#[tokio::test]
async fn demo_routes_reject_without_token() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.enable_demo_routes();

    let response = client()
        .get(format!("{}{REJECT_NO_CHALLENGE_PATH}", sandbox.base_url()))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 401);
    assert_eq!(challenges(&response), vec![NO_INVALID_TOKEN_CHALLENGE]);
    assert_eq!(json(response).await["tokenNumber"], serde_json::Value::Null);
}

#[tokio::test]
async fn demo_mode_200_shows_token_number() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.enable_demo_routes();
    let _first = fetch_token(&sandbox).await;
    let second = fetch_token(&sandbox).await;

    let response = get(&sandbox, "/claims/1001", &second).await;

    assert_eq!(response.status(), 200);
    let body = json(response).await;
    assert_eq!(body["path"], "/claims/1001");
    assert_eq!(body["tokenNumber"], 2);
}

#[tokio::test]
async fn demo_paths_use_default_behaviour_when_off() {
    let sandbox = Sandbox::start().await.unwrap();
    let token = fetch_token(&sandbox).await;

    let response = get(&sandbox, REJECT_INVALID_TOKEN_PATH, &token).await;

    assert_eq!(response.status(), 200);
    let body = json(response).await;
    assert_eq!(body["path"], REJECT_INVALID_TOKEN_PATH);
    assert!(body.get("tokenNumber").is_none(), "{body}");
}
