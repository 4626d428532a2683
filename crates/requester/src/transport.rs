//! The connections of endpoint calls: for `https` endpoints hyper-util's
//! pooled HTTP/1.1 and HTTP/2 client with rustls, for `http` endpoints a
//! smaller HTTP/1.1 pool of zconnect's own (`plain`).
//!
//! Calls go through hyper rather than reqwest (which token requests still
//! use): reqwest parses the endpoint URL again in its own layers on every
//! request, which cost about a third of the instructions of a forwarded call.

mod plain;

use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response, Uri};
use http_body_util::combinators::UnsyncBoxBody;
use hyper::body::Incoming;
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder, MaybeHttpsStream};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use rustls::ClientConfig;
use tokio::net::TcpStream;

/// The body of a request to an endpoint.
pub(crate) type OutboundBody = UnsyncBoxBody<Bytes, io::Error>;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// How long an idle connection to an endpoint stays open for the next call.
const IDLE_TIMEOUT: Duration = Duration::from_secs(90);

thread_local! {
    /// The call worker this thread is, set by [`bind_thread_to_worker`].
    static WORKER: Cell<usize> = const { Cell::new(0) };
}

/// Marks the current thread as call worker `index` (counted from 0). Calls
/// made on it use that worker's own connections to each endpoint, so that a
/// connection is always driven by the thread that uses it, as each nginx
/// worker keeps its own upstream connections. Threads never marked are
/// worker 0.
pub fn bind_thread_to_worker(index: usize) {
    WORKER.with(|worker| worker.set(index));
}

/// The connection pools to one endpoint connection: one per call worker.
#[derive(Clone)]
pub(crate) struct EndpointTransport {
    workers: Arc<[WorkerPool]>,
}

enum WorkerPool {
    Plain(plain::PlainPool),
    Tls(Box<Client<TimedConnector, OutboundBody>>),
}

/// The failure of an attempt that got no response.
#[derive(Debug)]
pub(crate) enum TransportError {
    /// No connection could be opened (`ConnectTimedOut` when it took longer
    /// than `connectionTimeout`).
    Connect(BoxError),
    /// The connection failed while the request or the response head was on
    /// its way.
    Request(hyper::Error),
    /// The pool of `https` endpoints failed.
    Pooled(hyper_util::client::legacy::Error),
}

impl TransportError {
    /// Tells whether the connection could not be opened.
    pub(crate) fn is_connect(&self) -> bool {
        match self {
            TransportError::Connect(_) => true,
            TransportError::Request(_) => false,
            TransportError::Pooled(error) => error.is_connect(),
        }
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransportError::Connect(_) => f.write_str("the connection could not be opened"),
            TransportError::Request(_) => f.write_str("the request failed"),
            TransportError::Pooled(error) => write!(f, "{error}"),
        }
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            TransportError::Connect(error) => Some(error.as_ref()),
            TransportError::Request(error) => Some(error),
            TransportError::Pooled(error) => error.source(),
        }
    }
}

impl fmt::Debug for EndpointTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EndpointTransport")
            .field("workers", &self.workers.len())
            .finish()
    }
}

impl EndpointTransport {
    /// Builds `workers` pools (at least one) that open connections within
    /// `connection_timeout`, TCP connect and TLS handshake included: with
    /// `tls` for an `https` endpoint, plain HTTP/1.1 without.
    pub(crate) fn new(
        connection_timeout: Duration,
        tls: Option<ClientConfig>,
        workers: usize,
    ) -> EndpointTransport {
        let mut tcp = HttpConnector::new();
        tcp.set_nodelay(true);
        tcp.enforce_http(false);
        let Some(mut tls) = tls else {
            let workers = (0..workers.max(1))
                .map(|_| WorkerPool::Plain(plain::PlainPool::new(tcp.clone(), connection_timeout)))
                .collect();
            return EndpointTransport { workers };
        };

        // The builder sets the ALPN protocols (h2, then http/1.1) itself and
        // panics when the configuration already has some.
        tls.alpn_protocols.clear();
        let connector = HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_all_versions()
            .wrap_connector(tcp);
        let connector = TimedConnector {
            inner: connector,
            timeout: connection_timeout,
        };

        let workers = (0..workers.max(1))
            .map(|_| {
                WorkerPool::Tls(Box::new(
                    Client::builder(TokioExecutor::new())
                        .pool_idle_timeout(IDLE_TIMEOUT)
                        .pool_timer(TokioTimer::new())
                        .timer(TokioTimer::new())
                        .build(connector.clone()),
                ))
            })
            .collect();
        EndpointTransport { workers }
    }

    /// Sends `request` on a pooled connection of the current thread's
    /// worker, opening one if none is idle.
    pub(crate) async fn send(
        &self,
        request: Request<OutboundBody>,
    ) -> Result<Response<Incoming>, TransportError> {
        let index = WORKER.with(Cell::get) % self.workers.len();
        match &self.workers[index] {
            WorkerPool::Plain(pool) => pool.send(request).await,
            WorkerPool::Tls(client) => client
                .request(request)
                .await
                .map_err(TransportError::Pooled),
        }
    }
}

/// The connection was not open within `connectionTimeout`.
#[derive(Debug)]
pub(crate) struct ConnectTimedOut;

impl fmt::Display for ConnectTimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the connection was not open within connectionTimeout")
    }
}

impl std::error::Error for ConnectTimedOut {}

type Stream = MaybeHttpsStream<TokioIo<TcpStream>>;

/// Opens TLS connections within one time limit, TCP connect and handshake
/// together.
#[derive(Clone)]
struct TimedConnector {
    inner: HttpsConnector<HttpConnector>,
    timeout: Duration,
}

impl tower_service::Service<Uri> for TimedConnector {
    type Response = Stream;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Stream, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let timeout = self.timeout;
        let connecting = self.inner.call(uri);
        Box::pin(async move {
            match tokio::time::timeout(timeout, connecting).await {
                Ok(outcome) => outcome,
                Err(_) => Err(Box::new(ConnectTimedOut) as BoxError),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use http_body_util::{BodyExt, Empty, Full};
    use hyper::service::service_fn;
    use tokio::net::TcpListener;

    use super::*;

    /// Starts an HTTP/1.1 server on 127.0.0.1 and returns its port and the
    /// count of connections it has accepted.
    async fn counting_server() -> (u16, Arc<AtomicUsize>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let accepted = Arc::new(AtomicUsize::new(0));
        let counter = accepted.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(async move {
                    let service = service_fn(|_request| async {
                        Ok::<_, Infallible>(hyper::Response::new(Full::new(Bytes::from("ok"))))
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        (port, accepted)
    }

    async fn call(transport: &EndpointTransport, port: u16) {
        let mut request = Request::new(Empty::new().map_err(|never| match never {}).boxed_unsync());
        *request.uri_mut() = format!("http://127.0.0.1:{port}/").parse().unwrap();
        let response = transport.send(request).await.unwrap();
        response.into_body().collect().await.unwrap();
    }

    #[tokio::test]
    async fn each_worker_keeps_its_own_connection() {
        let (port, accepted) = counting_server().await;
        let transport = EndpointTransport::new(Duration::from_secs(2), None, 2);

        for worker in [0, 1, 0, 1] {
            bind_thread_to_worker(worker);
            call(&transport, port).await;
        }
        bind_thread_to_worker(0);

        assert_eq!(accepted.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn one_worker_reuses_one_connection() {
        let (port, accepted) = counting_server().await;
        let transport = EndpointTransport::new(Duration::from_secs(2), None, 1);

        for worker in [0, 1, 0] {
            bind_thread_to_worker(worker);
            call(&transport, port).await;
        }
        bind_thread_to_worker(0);

        assert_eq!(accepted.load(Ordering::SeqCst), 1);
    }
}
