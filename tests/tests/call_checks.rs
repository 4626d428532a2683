//! The checks a call passes before it reaches the requester crate: the
//! caller first, then the requester's existence, status and connection. Calls
//! rejected by them are counted like every other call.

mod common;

use common::{plain_requester, server_xml, TestServer};

/// A configuration whose callers must authenticate, with requester `one`
/// stopped from the start.
fn callers_must_authenticate() -> String {
    server_xml(&plain_requester("one"))
        .replace(
            "requireAuth=\"false\" requireSecure=\"false\"",
            "requireAuth=\"true\" requireSecure=\"false\"",
        )
        .replace(
            "<apiRequester name=\"one\" connectionRef=\"conn-one\"/>",
            "<apiRequester name=\"one\" connectionRef=\"conn-one\" status=\"stopped\"/>",
        )
}

async fn unauthenticated_status(server: &TestServer, path: &str) -> (u16, Option<String>) {
    let response = server
        .http
        .get(server.url(path))
        .send()
        .await
        .expect("call");
    let return_code = response
        .headers()
        .get("BAQ-Return-Code")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    (response.status().as_u16(), return_code)
}

#[tokio::test]
async fn missing_and_stopped_both_answer_401() {
    let server = TestServer::start(&callers_must_authenticate()).await;

    let missing = unauthenticated_status(&server, "/apiRequesters/absent/pets").await;
    let stopped = unauthenticated_status(&server, "/apiRequesters/one/pets").await;

    assert_eq!(missing.0, 401, "missing requester");
    assert_eq!(stopped.0, 401, "stopped requester");
    assert_eq!(missing.1, stopped.1, "same BAQ-Return-Code");
    server.stop().await;
}

#[tokio::test]
async fn unknown_requester_call_is_counted() {
    let server = TestServer::start(&server_xml(&plain_requester("one"))).await;

    let (status, _) = unauthenticated_status(&server, "/apiRequesters/absent/pets").await;

    assert_eq!(status, 404);
    let counted = server
        .metric("zconnect_requester_calls_total{requester=\"\",result=\"unknown_requester\"}")
        .await;
    assert_eq!(counted, 1.0);
    server.stop().await;
}

#[tokio::test]
async fn stopped_requester_call_is_counted() {
    let xml = server_xml(&plain_requester("one")).replace(
        "<apiRequester name=\"one\" connectionRef=\"conn-one\"/>",
        "<apiRequester name=\"one\" connectionRef=\"conn-one\" status=\"stopped\"/>",
    );
    let server = TestServer::start(&xml).await;

    let (status, _) = unauthenticated_status(&server, "/apiRequesters/one/pets").await;

    assert_eq!(status, 503);
    let counted = server
        .metric(
            "zconnect_requester_calls_total{requester=\"one\",result=\"requester_unavailable\"}",
        )
        .await;
    assert_eq!(counted, 1.0);
    server.stop().await;
}

#[tokio::test]
async fn requester_paths_carry_return_code() {
    let server = TestServer::start(&server_xml(&plain_requester("one"))).await;

    for path in [
        "/apiRequesters/one",
        "/apiRequesters/one/",
        "/apiRequesters/absent/",
        "/apiRequesters/",
        "/apiRequesters",
    ] {
        let (status, return_code) = unauthenticated_status(&server, path).await;

        assert!(
            return_code.is_some(),
            "{path} answered {status} without BAQ-Return-Code"
        );
    }
    let (status, _) = unauthenticated_status(&server, "/apiRequesters/absent/").await;
    assert_eq!(status, 404, "an unknown requester stays a call error");
    server.stop().await;
}
