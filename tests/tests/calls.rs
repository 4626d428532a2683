//! API requester calls through zconnect to the loopback sandbox: OAuth
//! tokens, the 401 retry levels, return codes and the checks zconnect makes
//! before calling.

mod common;

use common::{oauth_requester, server_xml, TestServer, ADMIN};
use serde_json::{json, Value};
use zconnect_sandbox::{Reply, Sandbox};

const CALL: &str = "/apiRequesters/pets_1.0.0/pets/1";

fn return_code(response: &reqwest::Response) -> Option<&str> {
    response
        .headers()
        .get("BAQ-Return-Code")
        .and_then(|value| value.to_str().ok())
}

async fn start(sandbox: &Sandbox, level: u8) -> TestServer {
    TestServer::start(&server_xml(&oauth_requester(sandbox, level))).await
}

#[tokio::test]
async fn oauth_call_sends_issued_token() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let server = start(&sandbox, 3).await;

    let response = server
        .http
        .get(server.url(CALL))
        .send()
        .await
        .expect("call");

    assert_eq!(response.status(), 200);
    assert_eq!(return_code(&response), Some("0"));
    assert_eq!(sandbox.token_requests(), 1);
    let calls = sandbox.api_request_log();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].path, "/pets/1");
    assert_eq!(
        calls[0].bearer_token().map(str::to_owned),
        sandbox.issued_tokens().first().cloned()
    );
    server.stop().await;
}

#[tokio::test]
async fn oauth_token_is_reused_across_calls() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let server = start(&sandbox, 3).await;

    for _ in 0..3 {
        let response = server
            .http
            .get(server.url(CALL))
            .send()
            .await
            .expect("call");
        assert_eq!(response.status(), 200);
    }

    assert_eq!(sandbox.token_requests(), 1);
    assert_eq!(sandbox.api_calls(), 3);
    server.stop().await;
}

#[tokio::test]
async fn level1_retries_401_without_challenge() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let server = start(&sandbox, 1).await;
    sandbox.push_api_reply(Reply::unauthorized(&[]));

    let response = server
        .http
        .get(server.url(CALL))
        .send()
        .await
        .expect("call");

    assert_eq!(response.status(), 200);
    assert_eq!(return_code(&response), Some("0"));
    assert_eq!(
        sandbox.token_requests(),
        2,
        "one token, then one replacement"
    );
    assert_eq!(sandbox.api_calls(), 2, "the call and its retry");
    server.stop().await;
}

#[tokio::test]
async fn level3_retries_invalid_token_challenge() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let server = start(&sandbox, 3).await;
    sandbox.push_api_reply(Reply::unauthorized(&[r#"Bearer error="invalid_token""#]));

    let response = server
        .http
        .get(server.url(CALL))
        .send()
        .await
        .expect("call");

    assert_eq!(response.status(), 200);
    assert_eq!(
        sandbox.token_requests(),
        2,
        "one token, then one replacement"
    );
    assert_eq!(sandbox.api_calls(), 2, "the call and its retry");
    server.stop().await;
}

#[tokio::test]
async fn level3_passes_401_without_challenge() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let server = start(&sandbox, 3).await;
    sandbox.push_api_reply(Reply::unauthorized(&[]));

    let response = server
        .http
        .get(server.url(CALL))
        .send()
        .await
        .expect("call");

    assert_eq!(response.status(), 401);
    assert_eq!(return_code(&response), Some("1"));
    assert_eq!(sandbox.token_requests(), 1, "no replacement token");
    assert_eq!(sandbox.api_calls(), 1, "no retry");
    server.stop().await;
}

#[tokio::test]
async fn endpoint_error_passes_through_with_code_1() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let server = start(&sandbox, 3).await;
    sandbox.push_api_reply(Reply::json(500, &json!({"fault": "db down"})));

    let response = server
        .http
        .get(server.url(CALL))
        .send()
        .await
        .expect("call");

    assert_eq!(response.status(), 500);
    assert_eq!(return_code(&response), Some("1"));
    let body: Value = common::body_json(response).await.expect("endpoint body");
    assert_eq!(body, json!({"fault": "db down"}));
    server.stop().await;
}

#[tokio::test]
async fn token_failure_gives_502_code_2() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let server = start(&sandbox, 3).await;
    sandbox.set_token_reply(Some(Reply::json(
        400,
        &json!({"error": "invalid_client", "error_description": "unknown client"}),
    )));

    let response = server
        .http
        .get(server.url(CALL))
        .send()
        .await
        .expect("call");

    assert_eq!(response.status(), 502);
    assert_eq!(return_code(&response), Some("2"));
    let body: Value = common::body_json(response).await.expect("error body");
    let message = body["errorMessage"].as_str().expect("errorMessage");
    assert!(message.starts_with("ZCN"), "{message}");
    assert_eq!(sandbox.api_calls(), 0);
    server.stop().await;
}

#[tokio::test]
async fn endpoint_timeout_gives_504_code_4() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let server = start(&sandbox, 3).await;
    sandbox.push_api_reply(Reply::hang());

    let response = server
        .http
        .get(server.url(CALL))
        .send()
        .await
        .expect("call");

    assert_eq!(response.status(), 504);
    assert_eq!(return_code(&response), Some("4"));
    server.stop().await;
}

#[tokio::test]
async fn unknown_requester_gives_404_code_2() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let server = start(&sandbox, 3).await;

    let response = server
        .http
        .get(server.url("/apiRequesters/nothing_1.0.0/pets"))
        .send()
        .await
        .expect("call");

    assert_eq!(response.status(), 404);
    assert_eq!(return_code(&response), Some("2"));
    assert_eq!(sandbox.api_calls(), 0);
    server.stop().await;
}

#[tokio::test]
async fn stopped_requester_gives_503() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let server = start(&sandbox, 3).await;
    let stop = server
        .http
        .put(server.url("/zosConnect/apiRequesters/pets_1.0.0?status=stopped"))
        .basic_auth(ADMIN.0, Some(ADMIN.1))
        .send()
        .await
        .expect("stop");
    assert_eq!(stop.status(), 200);

    let response = server
        .http
        .get(server.url(CALL))
        .send()
        .await
        .expect("call");

    assert_eq!(response.status(), 503);
    assert_eq!(return_code(&response), Some("2"));
    assert_eq!(sandbox.api_calls(), 0);
    server.stop().await;
}

#[tokio::test]
async fn requester_without_connection_gives_503() {
    let xml = server_xml(
        r#"  <zosconnect_apiRequesters><apiRequester name="lonely_1.0.0"/></zosconnect_apiRequesters>"#,
    );
    let server = TestServer::start(&xml).await;

    let response = server
        .http
        .get(server.url("/apiRequesters/lonely_1.0.0/x"))
        .send()
        .await
        .expect("call");

    assert_eq!(response.status(), 503);
    assert_eq!(return_code(&response), Some("2"));
    server.stop().await;
}

#[tokio::test]
async fn body_over_maximum_gives_413() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let xml = server_xml(&oauth_requester(&sandbox, 3));
    let server = TestServer::start_with(&xml, |options| options.max_request_body = 1024).await;

    let response = server
        .http
        .post(server.url(CALL))
        .body(vec![b'x'; 2048])
        .send()
        .await
        .expect("call");

    assert_eq!(response.status(), 413);
    assert_eq!(return_code(&response), Some("2"));
    assert_eq!(sandbox.api_calls(), 0);
    server.stop().await;
}

/// A configuration where callers must authenticate: user `caller` in group
/// `invokers`, user `outsider` in no group, and the requester open to `invokers`.
fn secured_xml(sandbox: &Sandbox) -> String {
    let requester = oauth_requester(sandbox, 3).replace(
        r#"connectionRef="conn"/>"#,
        r#"connectionRef="conn" requireAuth="true" invokeGroup="invokers"/>"#,
    );
    server_xml(&format!(
        r#"  <basicRegistry id="callers">
    <user name="caller" password="caller-pw"/>
    <user name="outsider" password="outsider-pw"/>
    <group name="invokers"><member name="caller"/></group>
  </basicRegistry>
{requester}"#
    ))
}

#[tokio::test]
async fn caller_without_credentials_gets_401() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let server = TestServer::start(&secured_xml(&sandbox)).await;

    let response = server
        .http
        .get(server.url(CALL))
        .send()
        .await
        .expect("call");

    assert_eq!(response.status(), 401);
    assert_eq!(return_code(&response), Some("2"));
    assert_eq!(sandbox.api_calls(), 0);
    server.stop().await;
}

#[tokio::test]
async fn caller_in_invoke_group_is_served() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let server = TestServer::start(&secured_xml(&sandbox)).await;

    let response = server
        .http
        .get(server.url(CALL))
        .basic_auth("caller", Some("caller-pw"))
        .send()
        .await
        .expect("call");

    assert_eq!(response.status(), 200);
    let forwarded = sandbox.api_request_log();
    assert_eq!(forwarded.len(), 1);
    let authorization = forwarded[0].header("authorization").unwrap_or_default();
    assert!(
        authorization.starts_with("Bearer "),
        "the caller's Basic credentials are not forwarded: {authorization}"
    );
    server.stop().await;
}

#[tokio::test]
async fn caller_outside_invoke_group_gets_403() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let server = TestServer::start(&secured_xml(&sandbox)).await;

    let response = server
        .http
        .get(server.url(CALL))
        .basic_auth("outsider", Some("outsider-pw"))
        .send()
        .await
        .expect("call");

    assert_eq!(response.status(), 403);
    assert_eq!(return_code(&response), Some("2"));
    assert_eq!(sandbox.api_calls(), 0);
    server.stop().await;
}

#[tokio::test]
async fn caller_with_wrong_password_gets_401() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let server = TestServer::start(&secured_xml(&sandbox)).await;

    let response = server
        .http
        .get(server.url(CALL))
        .basic_auth("caller", Some("wrong"))
        .send()
        .await
        .expect("call");

    assert_eq!(response.status(), 401);
    assert_eq!(sandbox.api_calls(), 0);
    server.stop().await;
}
