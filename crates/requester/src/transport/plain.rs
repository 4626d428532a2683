//! The connection pool of one call worker to a plain `http` endpoint: HTTP/1.1
//! connections from hyper's low-level client, kept in a stack of idle ones.
//!
//! hyper-util's general pool, which `https` endpoints still use, cost about
//! 8,000 instructions per call in callgrind (its checkout, the hashing of its
//! pool keys and its large futures). A worker's connections to one endpoint
//! need none of that.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::Duration;

use http::header::{HeaderValue, HOST};
use http::uri::PathAndQuery;
use http::{Request, Response, Uri};
use hyper::body::Incoming;
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::client::legacy::connect::HttpConnector;
use tokio::time::Instant;
use tower_service::Service;

use super::{ConnectTimedOut, OutboundBody, TransportError, IDLE_TIMEOUT};

/// Idle HTTP/1.1 connections to one endpoint, newest last.
#[derive(Debug)]
pub(super) struct PlainPool {
    connector: HttpConnector,
    connection_timeout: Duration,
    idle: Arc<Mutex<Vec<IdleConnection>>>,
    /// Connections whose response is still being read; each goes back to
    /// `idle` when it ends.
    returning: Arc<AtomicUsize>,
    reaper_started: AtomicBool,
}

#[derive(Debug)]
struct IdleConnection {
    sender: SendRequest<OutboundBody>,
    since: Instant,
}

impl PlainPool {
    pub(super) fn new(connector: HttpConnector, connection_timeout: Duration) -> PlainPool {
        PlainPool {
            connector,
            connection_timeout,
            idle: Arc::new(Mutex::new(Vec::new())),
            returning: Arc::new(AtomicUsize::new(0)),
            reaper_started: AtomicBool::new(false),
        }
    }

    /// Sends `request` (absolute URI) on an idle connection, or on a new one
    /// when none is idle or every idle one turns out to be closed.
    pub(super) async fn send(
        &self,
        mut request: Request<OutboundBody>,
    ) -> Result<Response<Incoming>, TransportError> {
        let uri = request.uri().clone();
        into_origin_form(&mut request, &uri)?;

        while let Some(mut connection) = self.take_idle_or_wait().await {
            match connection.sender.try_send_request(request).await {
                Ok(response) => {
                    self.keep_when_ready(connection.sender);
                    return Ok(response);
                }
                Err(mut error) => match error.take_message() {
                    // The connection closed before the request went out:
                    // nothing was sent, so another connection may take it.
                    Some(unsent) => request = unsent,
                    None => return Err(TransportError::Request(error.into_error())),
                },
            }
        }

        let mut sender = self.connect(uri).await?;
        let response = sender
            .send_request(request)
            .await
            .map_err(TransportError::Request)?;
        self.keep_when_ready(sender);
        Ok(response)
    }

    /// Opens a connection within `connectionTimeout` and starts driving it
    /// on the current runtime.
    async fn connect(&self, uri: Uri) -> Result<SendRequest<OutboundBody>, TransportError> {
        let mut connector = self.connector.clone();
        let stream = match tokio::time::timeout(self.connection_timeout, connector.call(uri)).await
        {
            Ok(Ok(stream)) => stream,
            Ok(Err(error)) => return Err(TransportError::Connect(Box::new(error))),
            Err(_) => return Err(TransportError::Connect(Box::new(ConnectTimedOut))),
        };

        let (sender, connection) = http1::handshake(stream)
            .await
            .map_err(|error| TransportError::Connect(Box::new(error)))?;
        self.start_reaper();
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, "Endpoint connection ended with an error");
            }
        });
        Ok(sender)
    }

    /// Takes an idle connection. When there is none but a connection is about
    /// to come back (its response was just read), lets the tasks that put
    /// connections back run first, a few times at most, rather than opening
    /// one more connection at once.
    async fn take_idle_or_wait(&self) -> Option<IdleConnection> {
        for _ in 0..RETURN_WAITS {
            if let Some(connection) = self.take_idle() {
                return Some(connection);
            }
            if self.returning.load(Ordering::Acquire) == 0 {
                return None;
            }
            tokio::task::yield_now().await;
        }
        self.take_idle()
    }

    /// Takes the newest idle connection that is still open and young enough.
    fn take_idle(&self) -> Option<IdleConnection> {
        let mut idle = lock(&self.idle);
        while let Some(connection) = idle.pop() {
            if usable(&connection) {
                return Some(connection);
            }
        }
        None
    }

    /// Puts the connection back once its response has been read to the end,
    /// which is when HTTP/1.1 lets it carry the next request.
    fn keep_when_ready(&self, mut sender: SendRequest<OutboundBody>) {
        let idle = Arc::downgrade(&self.idle);
        let returning = self.returning.clone();
        returning.fetch_add(1, Ordering::AcqRel);
        tokio::spawn(async move {
            let ready = sender.ready().await.is_ok();
            if let Some(idle) = idle.upgrade().filter(|_| ready) {
                lock(&idle).push(IdleConnection {
                    sender,
                    since: Instant::now(),
                });
            }
            returning.fetch_sub(1, Ordering::AcqRel);
        });
    }

    /// Starts, with the first connection, the task that closes connections
    /// idle for longer than [`IDLE_TIMEOUT`]. It ends when the pool is
    /// dropped.
    fn start_reaper(&self) {
        if !self.reaper_started.swap(true, Ordering::AcqRel) {
            tokio::spawn(reap(Arc::downgrade(&self.idle)));
        }
    }
}

/// How many times a call lets connections come back before it opens one.
const RETURN_WAITS: usize = 3;

async fn reap(idle: Weak<Mutex<Vec<IdleConnection>>>) {
    loop {
        tokio::time::sleep(IDLE_TIMEOUT / 4).await;
        let Some(idle) = idle.upgrade() else {
            return;
        };
        lock(&idle).retain(usable);
    }
}

fn usable(connection: &IdleConnection) -> bool {
    connection.since.elapsed() < IDLE_TIMEOUT && !connection.sender.is_closed()
}

/// Locks a pool's state. A panic while it was held left nothing half
/// changed, so a poisoned lock is used as it is.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Turns an absolute URI into the request line's path and a `Host` header,
/// which is how HTTP/1.1 requests go to an origin server.
fn into_origin_form(request: &mut Request<OutboundBody>, uri: &Uri) -> Result<(), TransportError> {
    let Some(authority) = uri.authority() else {
        return Err(TransportError::Connect(
            "the endpoint URL has no host".into(),
        ));
    };
    let host = HeaderValue::from_str(authority.as_str())
        .map_err(|error| TransportError::Connect(Box::new(error)))?;
    request.headers_mut().entry(HOST).or_insert(host);

    let path = uri
        .path_and_query()
        .cloned()
        .unwrap_or_else(|| PathAndQuery::from_static("/"));
    *request.uri_mut() = Uri::from(path);
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;

    use bytes::Bytes;
    use http_body_util::{BodyExt, Empty, Full};
    use hyper::service::service_fn;
    use hyper_util::rt::TokioIo;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    use super::*;

    fn pool() -> PlainPool {
        let mut connector = HttpConnector::new();
        connector.enforce_http(false);
        PlainPool::new(connector, Duration::from_secs(2))
    }

    fn get(port: u16, path: &str) -> Request<OutboundBody> {
        let mut request = Request::new(Empty::new().map_err(|never| match never {}).boxed_unsync());
        *request.uri_mut() = format!("http://127.0.0.1:{port}{path}").parse().unwrap();
        request
    }

    async fn call(pool: &PlainPool, port: u16) -> Result<Bytes, TransportError> {
        let response = pool.send(get(port, "/")).await?;
        Ok(response.into_body().collect().await.unwrap().to_bytes())
    }

    /// Starts an HTTP/1.1 server on 127.0.0.1 and returns its port and the
    /// number of its connections still open.
    async fn server_counting_open() -> (u16, Arc<AtomicUsize>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let open = Arc::new(AtomicUsize::new(0));
        let counter = open.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let counter = counter.clone();
                counter.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(async move {
                    let service = service_fn(|_request| async {
                        Ok::<_, Infallible>(hyper::Response::new(Full::new(Bytes::from("ok"))))
                    });
                    let _ = http1_server()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                    counter.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        (port, open)
    }

    fn http1_server() -> hyper::server::conn::http1::Builder {
        hyper::server::conn::http1::Builder::new()
    }

    /// Starts a server that reads one request per connection, responds with
    /// a keep-alive response and closes the connection 20 ms later, as an
    /// endpoint with a short idle timeout does. Returns the port and the
    /// count of connections accepted.
    async fn server_closing_idle() -> (u16, Arc<AtomicUsize>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let accepted = Arc::new(AtomicUsize::new(0));
        let counter = accepted.clone();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(async move {
                    let mut buffer = [0u8; 1024];
                    let _ = stream.read(&mut buffer).await;
                    let _ = stream
                        .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok")
                        .await;
                    tokio::time::sleep(Duration::from_millis(20)).await;
                });
            }
        });
        (port, accepted)
    }

    #[tokio::test]
    async fn request_line_is_origin_form_with_host() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let head = tokio::spawn(async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut buffer = vec![0u8; 1024];
            let read = stream.read(&mut buffer).await.unwrap();
            let _ = stream.write_all(b"HTTP/1.1 204 No Content\r\n\r\n").await;
            String::from_utf8_lossy(&buffer[..read]).into_owned()
        });

        pool().send(get(port, "/a/b?x=1")).await.unwrap();

        let head = head.await.unwrap().to_ascii_lowercase();
        assert!(head.starts_with("get /a/b?x=1 http/1.1\r\n"), "{head}");
        assert!(
            head.contains(&format!("\r\nhost: 127.0.0.1:{port}\r\n")),
            "{head}"
        );
    }

    #[tokio::test]
    async fn connection_closed_while_idle_is_replaced() {
        let (port, accepted) = server_closing_idle().await;
        let pool = pool();

        assert_eq!(call(&pool, port).await.unwrap(), "ok");
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(call(&pool, port).await.unwrap(), "ok");

        assert_eq!(accepted.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn calls_in_a_row_share_one_connection() {
        let (port, open) = server_counting_open().await;
        let pool = pool();

        for _ in 0..5 {
            call(&pool, port).await.unwrap();
        }

        assert_eq!(open.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn idle_connection_closed_after_idle_timeout() {
        let (port, open) = server_counting_open().await;
        let pool = pool();
        call(&pool, port).await.unwrap();
        assert_eq!(open.load(Ordering::SeqCst), 1);

        tokio::time::sleep(IDLE_TIMEOUT + IDLE_TIMEOUT / 2).await;
        for _ in 0..100 {
            if open.load(Ordering::SeqCst) == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }

        assert_eq!(open.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn refused_connection_is_a_connect_error() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);

        let error = call(&pool(), port).await.unwrap_err();

        assert!(error.is_connect(), "{error:?}");
    }
}
