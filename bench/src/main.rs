//! A minimal hyper server for the forwarding benchmark: `GET /0k`, `/1k` and
//! `/64k` return 200 with a body of that many KiB, and `POST /token` returns an
//! OAuth 2.0 token response, so zconnect can run with a cached token.
//!
//! Usage: `bench-backend PORT` (binds 127.0.0.1).

use std::convert::Infallible;
use std::net::SocketAddr;

use bytes::Bytes;
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

const TOKEN_RESPONSE: &str =
    r#"{"access_token":"bench-token","token_type":"Bearer","expires_in":86400}"#;

struct Bodies {
    empty: Bytes,
    one_kib: Bytes,
    sixty_four_kib: Bytes,
}

fn respond(bodies: &Bodies, request: &Request<hyper::body::Incoming>) -> Response<Full<Bytes>> {
    let (status, body, content_type) = match request.uri().path() {
        "/0k" => (StatusCode::OK, bodies.empty.clone(), "text/plain"),
        "/1k" => (StatusCode::OK, bodies.one_kib.clone(), "text/plain"),
        "/64k" => (StatusCode::OK, bodies.sixty_four_kib.clone(), "text/plain"),
        "/token" => (
            StatusCode::OK,
            Bytes::from_static(TOKEN_RESPONSE.as_bytes()),
            "application/json",
        ),
        _ => (StatusCode::NOT_FOUND, Bytes::new(), "text/plain"),
    };
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static(content_type),
    );
    response
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = match std::env::args().nth(1) {
        Some(text) => text.parse()?,
        None => return Err("usage: bench-backend PORT".into()),
    };
    let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port))).await?;
    let bodies: &'static Bodies = Box::leak(Box::new(Bodies {
        empty: Bytes::new(),
        one_kib: Bytes::from(vec![b'a'; 1024]),
        sixty_four_kib: Bytes::from(vec![b'a'; 64 * 1024]),
    }));

    loop {
        let (stream, _) = listener.accept().await?;
        tokio::spawn(async move {
            let service =
                service_fn(
                    move |request| async move { Ok::<_, Infallible>(respond(bodies, &request)) },
                );
            // A connection error (a client that resets) ends only that connection.
            let _ = http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}
