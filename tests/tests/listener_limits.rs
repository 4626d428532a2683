//! Limits of the inbound listener that protect it from slow or idle clients.

mod common;

use std::time::{Duration, Instant};

use common::{plain_requester, server_xml, TestServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn partial_headers_close_connection() {
    let server = TestServer::start_with(&server_xml(&plain_requester("one")), |options| {
        options.header_read_timeout = Duration::from_millis(300);
    })
    .await;
    let mut stream = tokio::net::TcpStream::connect(server.addr())
        .await
        .expect("connect to the server");

    // The request line and one header, but never the empty line that ends them.
    stream
        .write_all(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .await
        .expect("send partial headers");
    let started = Instant::now();
    let mut answer = Vec::new();
    let closed =
        tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await;

    assert!(
        closed.is_ok(),
        "the connection with partial headers was still open after 5 s"
    );
    assert!(
        started.elapsed() >= Duration::from_millis(250),
        "closed before the header read timeout: {:?}",
        started.elapsed()
    );
    server.stop().await;
}
