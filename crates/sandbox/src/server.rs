//! The accept loop: HTTP/1.1 connections served by an axum router, with a way
//! for a handler to drop its connection without answering.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;
use tower::ServiceExt;

/// Put in every request's extensions; [`ConnectionCloser::close`] drops the
/// TCP connection the request came on, so the client sees it closed with no
/// response.
#[derive(Debug, Clone)]
pub(crate) struct ConnectionCloser(Arc<Notify>);

impl ConnectionCloser {
    pub(crate) fn close(&self) {
        self.0.notify_one();
    }
}

/// A running server; dropping it stops accepting and closes every connection.
#[derive(Debug)]
pub(crate) struct RunningServer {
    pub(crate) addr: SocketAddr,
    _shutdown: watch::Sender<()>,
    accept_task: JoinHandle<()>,
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        self.accept_task.abort();
    }
}

/// Binds 127.0.0.1 on a free port and serves `router` until the returned value
/// is dropped.
pub(crate) async fn serve(router: Router) -> std::io::Result<RunningServer> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    let addr = listener.local_addr()?;
    let (shutdown, shutdown_rx) = watch::channel(());
    let accept_task = tokio::spawn(accept_loop(listener, router, shutdown_rx));
    Ok(RunningServer {
        addr,
        _shutdown: shutdown,
        accept_task,
    })
}

async fn accept_loop(listener: TcpListener, router: Router, mut shutdown: watch::Receiver<()>) {
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = shutdown.changed() => return,
        };
        let Ok((stream, _peer)) = accepted else {
            continue;
        };
        tokio::spawn(serve_connection(stream, router.clone(), shutdown.clone()));
    }
}

async fn serve_connection(
    stream: tokio::net::TcpStream,
    router: Router,
    mut shutdown: watch::Receiver<()>,
) {
    let close = Arc::new(Notify::new());
    let closer = ConnectionCloser(close.clone());
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(closer.clone());
        router.clone().oneshot(request.map(axum::body::Body::new))
    });
    let connection =
        hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service);

    // Whichever comes first ends the connection: the client closing it, a
    // handler asking for an abrupt close, or the sandbox stopping.
    tokio::select! {
        _ = connection => {}
        _ = close.notified() => {}
        _ = shutdown.changed() => {}
    }
}
