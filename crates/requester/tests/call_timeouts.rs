//! Failures on the way to the endpoint: refused connections, connection and
//! receive timeouts, and response bodies that stall or stream.

#![allow(clippy::unwrap_used)]

mod call_support;

use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use zconnect_config::model::RetryCheckLevel;
use zconnect_requester::{Client, ErrorKind};
use zconnect_sandbox::{closed_port, ApiAuth, Reply, Sandbox};

use call_support::*;

async fn open_client(sandbox: &Sandbox, receive_timeout: Duration) -> Client {
    sandbox.set_api_auth(ApiAuth::Open);
    let mut config = oauth_config(sandbox, RetryCheckLevel::InvalidTokenChallenge);
    connection(&mut config).authentication = None;
    connection(&mut config).receive_timeout = receive_timeout;
    client(config, &shared())
}

#[tokio::test]
async fn no_response_headers_in_time_is_504_rc4() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.push_api_reply(Reply::hang());
    let client = open_client(&sandbox, Duration::from_millis(300)).await;

    let error = get(&client, "/slow").await.unwrap_err();

    assert_eq!(error.kind(), ErrorKind::EndpointReceiveTimedOut);
    assert_eq!(error.status().as_u16(), 504);
    assert_eq!(error.return_code(), 4);
    assert!(
        error.message().contains("receiveTimeout (300 ms)"),
        "{error}"
    );
}

#[tokio::test]
async fn refused_connection_is_502_rc2() {
    let sandbox = Sandbox::start().await.unwrap();
    let mut config = oauth_config(&sandbox, RetryCheckLevel::InvalidTokenChallenge);
    connection(&mut config).authentication = None;
    connection(&mut config).port = closed_port().unwrap();
    let client = client(config, &shared());

    let error = get(&client, "/x").await.unwrap_err();

    assert_eq!(error.kind(), ErrorKind::EndpointUnreachable);
    assert_eq!(error.status().as_u16(), 502);
    assert_eq!(error.return_code(), 2);
    assert!(error.message().contains(CONNECTION), "{error}");
}

#[tokio::test]
async fn connection_closed_without_response_is_502() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.push_api_reply(Reply::close());
    let client = open_client(&sandbox, Duration::from_secs(5)).await;

    let error = get(&client, "/x").await.unwrap_err();

    assert_eq!(error.kind(), ErrorKind::EndpointUnreachable);
    assert_eq!(error.return_code(), 2);
}

/// Fills the accept queue of a listener that never accepts, so that the next
/// connection attempt gets no answer to its SYN until it times out.
#[tokio::test]
async fn connect_timeout_is_504_rc2() {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(1).unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut fillers = Vec::new();
    for _ in 0..8 {
        let attempt = tokio::time::timeout(
            Duration::from_millis(200),
            tokio::net::TcpStream::connect(("127.0.0.1", port)),
        )
        .await;
        match attempt {
            Ok(Ok(stream)) => fillers.push(stream),
            _ => break,
        }
    }
    let sandbox = Sandbox::start().await.unwrap();
    let mut config = oauth_config(&sandbox, RetryCheckLevel::InvalidTokenChallenge);
    connection(&mut config).authentication = None;
    connection(&mut config).port = port;
    connection(&mut config).connection_timeout = Duration::from_millis(300);
    let client = client(config, &shared());

    let error = get(&client, "/x").await.unwrap_err();

    assert_eq!(error.kind(), ErrorKind::EndpointConnectTimedOut, "{error}");
    assert_eq!(error.status().as_u16(), 504);
    assert_eq!(error.return_code(), 2);
    drop(listener);
}

#[tokio::test]
async fn stalled_body_cut_off_and_counted() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.push_api_reply(Reply::status(200).parts(vec![
        (Duration::ZERO, Bytes::from_static(b"partial")),
        (Duration::from_secs(30), Bytes::from_static(b"never")),
    ]));
    let shared = shared();
    let mut config = oauth_config(&sandbox, RetryCheckLevel::InvalidTokenChallenge);
    sandbox.set_api_auth(ApiAuth::Open);
    connection(&mut config).authentication = None;
    connection(&mut config).receive_timeout = Duration::from_millis(300);
    let client = client(config, &shared);

    let mut response = get(&client, "/stream").await.unwrap();
    let first = response.body.next().await.unwrap().unwrap();
    let second = response.body.next().await.unwrap();

    assert_eq!(response.status.as_u16(), 200);
    assert_eq!(first.as_ref(), b"partial");
    assert_eq!(second.unwrap_err().kind(), std::io::ErrorKind::TimedOut);
    let mut registry = prometheus_client::registry::Registry::default();
    shared.metrics().register(&mut registry);
    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, &registry).unwrap();
    assert!(
        text.contains(&format!(
            "zconnect_response_body_stalls_total{{connection=\"{CONNECTION}\"}} 1"
        )),
        "{text}"
    );
}

#[tokio::test]
async fn slow_body_with_short_pauses_streams_through() {
    let sandbox = Sandbox::start().await.unwrap();
    let parts: Vec<(Duration, Bytes)> = (0..5)
        .map(|index| {
            (
                Duration::from_millis(100),
                Bytes::from(format!("part{index};")),
            )
        })
        .collect();
    sandbox.push_api_reply(Reply::status(200).parts(parts));
    let client = open_client(&sandbox, Duration::from_millis(400)).await;

    let response = get(&client, "/stream").await.unwrap();

    assert_eq!(body_text(response).await, "part0;part1;part2;part3;part4;");
}
