//! Endpoint responses that cannot be passed on: a protocol switch, and
//! response headers larger than the HTTP client accepts. A raw TCP server on
//! loopback sends exactly the bytes each test needs.

#![allow(clippy::unwrap_used)]

mod call_support;

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use zconnect_config::model::RetryCheckLevel;
use zconnect_requester::{Client, ErrorKind};
use zconnect_sandbox::Sandbox;

use call_support::*;

/// Serves one connection: reads the request head, writes `response`, then
/// keeps the connection open for at most 3 s. Returns the port.
async fn raw_endpoint(response: Vec<u8>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let serve = async {
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut head = Vec::new();
            let mut buffer = [0u8; 1024];
            while !head.windows(4).any(|window| window == b"\r\n\r\n") {
                let read = stream.read(&mut buffer).await.unwrap();
                if read == 0 {
                    return;
                }
                head.extend_from_slice(&buffer[..read]);
            }
            // The client may close first; a failed write ends the test server.
            let _ = stream.write_all(&response).await;
            tokio::time::sleep(Duration::from_secs(3)).await;
        };
        let _ = tokio::time::timeout(Duration::from_secs(10), serve).await;
    });
    port
}

async fn client_for(port: u16) -> (Sandbox, Client) {
    let sandbox = Sandbox::start().await.unwrap();
    let mut config = oauth_config(&sandbox, RetryCheckLevel::InvalidTokenChallenge);
    connection(&mut config).authentication = None;
    connection(&mut config).port = port;
    connection(&mut config).receive_timeout = Duration::from_secs(2);
    let client = client(config, &shared());
    (sandbox, client)
}

#[tokio::test]
async fn switching_protocols_is_502_rc2() {
    let port = raw_endpoint(b"HTTP/1.1 101 Switching Protocols\r\n\r\n".to_vec()).await;
    let (_sandbox, client) = client_for(port).await;

    let outcome = tokio::time::timeout(Duration::from_secs(5), get(&client, "/ws")).await;

    let error = outcome.unwrap().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::EndpointUnreachable, "{error}");
    assert_eq!(error.status().as_u16(), 502);
    assert_eq!(error.return_code(), 2);
    assert!(
        error.message().contains("tried to switch protocols"),
        "{error}"
    );
    assert!(error.message().contains(CONNECTION), "{error}");
}

#[tokio::test]
async fn oversized_response_header_named_in_the_message() {
    let big = "x".repeat(1024 * 1024);
    let response = format!("HTTP/1.1 200 OK\r\nx-big: {big}\r\ncontent-length: 0\r\n\r\n");
    let port = raw_endpoint(response.into_bytes()).await;
    let (_sandbox, client) = client_for(port).await;

    let outcome = tokio::time::timeout(Duration::from_secs(5), get(&client, "/x")).await;

    let error = outcome.unwrap().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::EndpointUnreachable, "{error}");
    assert_eq!(error.return_code(), 2);
    assert!(
        error
            .message()
            .contains("response headers that are too large"),
        "{error}"
    );
    assert!(
        !error.message().contains("closed the connection"),
        "{error}"
    );
}
