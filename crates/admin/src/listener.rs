//! The HTTP listener of `httpEndpoint id="defaultHttpEndpoint"`, and how it
//! moves when a reload changes the host or port.
//!
//! A port change opens the new listener before the old one stops accepting.
//! A host-only change cannot have both bound, so the old one stops first and is
//! bound again if the new bind fails. A listener that stops accepting lets its
//! open connections finish, for at most the shutdown timeout.

use std::convert::Infallible;
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::{JoinHandle, JoinSet};
use zconnect_config::model::HttpEndpoint;

use crate::app::App;
use crate::messages;
use crate::workers::ConnectionWorkers;

/// Host and port as written in `httpEndpoint`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListenAddress {
    pub host: String,
    pub port: u16,
}

impl ListenAddress {
    /// The address to listen on, or `None` when the endpoint is disabled
    /// (`enabled="false"` or `httpPort="-1"`).
    pub fn from_endpoint(endpoint: &HttpEndpoint) -> Option<Self> {
        if !endpoint.enabled {
            return None;
        }
        endpoint.http_port.map(|port| ListenAddress {
            host: endpoint.host.clone(),
            port,
        })
    }
}

impl std::fmt::Display for ListenAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.host, self.port)
    }
}

/// A failed bind, with the address it was for.
#[derive(Debug, thiserror::Error)]
#[error("cannot listen on {address}: {source}; check that httpEndpoint host and httpPort name a free port on an address of this machine")]
pub struct BindError {
    pub address: ListenAddress,
    #[source]
    pub source: io::Error,
}

/// Binds a TCP listener. `*` means all IPv4 interfaces; a name is resolved
/// and its first IPv4 address is preferred.
pub async fn bind(address: &ListenAddress) -> Result<TcpListener, BindError> {
    let error = |source| BindError {
        address: address.clone(),
        source,
    };
    let socket_address = resolve(address).await.map_err(error)?;
    TcpListener::bind(socket_address).await.map_err(error)
}

async fn resolve(address: &ListenAddress) -> io::Result<SocketAddr> {
    let host = address.host.trim();
    if host == "*" {
        return Ok(SocketAddr::new(
            IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            address.port,
        ));
    }
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, address.port));
    }

    let candidates: Vec<SocketAddr> = tokio::net::lookup_host((bare, address.port))
        .await?
        .collect();
    candidates
        .iter()
        .find(|candidate| candidate.is_ipv4())
        .or_else(|| candidates.first())
        .copied()
        .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "the host name has no address"))
}

/// A listener that accepts connections and serves them with the app.
#[derive(Debug)]
pub struct RunningListener {
    pub requested: ListenAddress,
    pub local_addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    /// Resolves once the listening socket is closed (connections may still be open).
    socket_closed: Option<oneshot::Receiver<()>>,
    task: JoinHandle<()>,
}

impl RunningListener {
    /// Starts serving on a bound listener, each connection on one of
    /// `workers`.
    pub fn start(
        listener: TcpListener,
        requested: ListenAddress,
        app: App,
        timeouts: Timeouts,
        workers: Arc<ConnectionWorkers>,
    ) -> io::Result<Self> {
        let local_addr = listener.local_addr()?;
        let (stop, stop_receiver) = oneshot::channel();
        let (closed_sender, socket_closed) = oneshot::channel();
        let task = tokio::spawn(serve(
            listener,
            app,
            stop_receiver,
            closed_sender,
            timeouts,
            workers,
        ));
        tracing::info!(address = %local_addr, "{} Listening on http://{local_addr}", messages::LISTENING.id);
        Ok(RunningListener {
            requested,
            local_addr,
            stop: Some(stop),
            socket_closed: Some(socket_closed),
            task,
        })
    }

    /// Stops accepting and waits until the listening socket is closed, so its
    /// port can be bound again. Open connections finish in the background.
    pub async fn stop_accepting(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(closed) = self.socket_closed.take() {
            let _ = closed.await;
        }
    }

    /// Stops accepting and waits for open connections to finish, for at most
    /// the shutdown timeout.
    pub async fn shut_down(mut self) {
        self.stop_accepting().await;
        let _ = self.task.await;
    }
}

async fn serve(
    listener: TcpListener,
    app: App,
    mut stop: oneshot::Receiver<()>,
    socket_closed: oneshot::Sender<()>,
    timeouts: Timeouts,
    workers: Arc<ConnectionWorkers>,
) {
    let shutdown_timeout = timeouts.shutdown;
    let graceful = GracefulShutdown::new();
    let mut builder = auto::Builder::new(TokioExecutor::new());
    // Without a timer hyper never enforces the header timeout, and a client
    // sending partial headers would hold its connection open for good.
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(timeouts.header_read);
    let mut connections = JoinSet::new();

    loop {
        tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    let app = app.clone();
                    let service = service_fn(move |request| {
                        let app = app.clone();
                        async move { Ok::<_, Infallible>(app.handle(request).await) }
                    });
                    let builder = builder.clone();
                    let watcher = graceful.watcher();
                    // Taken off this runtime's reactor here and registered
                    // with the worker's below: otherwise every readiness
                    // event of the connection would pass through this thread
                    // and wake the worker from here.
                    let stream = stream.into_std();
                    let serving = async move {
                        let stream = match stream.and_then(TcpStream::from_std) {
                            Ok(stream) => stream,
                            Err(error) => {
                                tracing::warn!(%error, "Handing an accepted connection to a worker thread failed");
                                return;
                            }
                        };
                        let connection = builder
                            .serve_connection(TokioIo::new(stream), service)
                            .into_owned();
                        if let Err(error) = watcher.watch(connection).await {
                            tracing::debug!(%error, "Connection ended with an error");
                        }
                    };
                    connections.spawn_on(serving, workers.next());
                }
                Err(error) => {
                    // Usually too many open files; pausing keeps the loop from spinning.
                    tracing::warn!(%error, "Accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }

    let address = listener.local_addr().ok();
    drop(listener);
    let _ = socket_closed.send(());

    if tokio::time::timeout(shutdown_timeout, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            address = ?address,
            open = connections.len(),
            "Connections still open after the shutdown timeout were closed"
        );
    }
    connections.abort_all();
    while connections.join_next().await.is_some() {}
}

/// What a reload did to the listener.
#[derive(Debug)]
pub enum ListenerMove {
    /// Host and port are the same; nothing changed.
    Unchanged,
    /// A new listener is serving; the previous one, if any, must be shut down
    /// once the new configuration is visible.
    Moved { previous: Option<RunningListener> },
    /// The new address could not be bound; the old listener keeps serving.
    Failed(BindError),
}

/// The time limits of every connection of a listener.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// Longest wait for open connections when the listener closes.
    pub shutdown: Duration,
    /// Longest time to receive a request's line and headers.
    pub header_read: Duration,
}

/// The current listener of the server, owned by the reload task.
#[derive(Debug)]
pub struct Listeners {
    app: App,
    timeouts: Timeouts,
    workers: Arc<ConnectionWorkers>,
    current: Option<RunningListener>,
}

impl Listeners {
    pub fn new(
        app: App,
        shutdown_timeout: Duration,
        header_read_timeout: Duration,
        workers: Arc<ConnectionWorkers>,
    ) -> Self {
        Listeners {
            app,
            timeouts: Timeouts {
                shutdown: shutdown_timeout,
                header_read: header_read_timeout,
            },
            workers,
            current: None,
        }
    }

    pub fn local_addresses(&self) -> Vec<SocketAddr> {
        self.current
            .iter()
            .map(|listener| listener.local_addr)
            .collect()
    }

    /// Moves the listener to `wanted`: `None` closes it.
    pub async fn move_to(&mut self, wanted: Option<ListenAddress>) -> ListenerMove {
        let Some(wanted) = wanted else {
            return ListenerMove::Moved {
                previous: self.current.take(),
            };
        };

        let Some(current) = self.current.as_mut() else {
            return match self.open(&wanted).await {
                Ok(listener) => {
                    self.current = Some(listener);
                    ListenerMove::Moved { previous: None }
                }
                Err(error) => ListenerMove::Failed(error),
            };
        };

        // Port 0 (any free port) stays on the port it got until the setting changes.
        if current.requested == wanted {
            return ListenerMove::Unchanged;
        }

        if current.requested.port != wanted.port {
            return match self.open(&wanted).await {
                Ok(listener) => ListenerMove::Moved {
                    previous: self.current.replace(listener),
                },
                Err(error) => ListenerMove::Failed(error),
            };
        }

        // Same port, other host: both cannot be bound, so close the old socket first.
        current.stop_accepting().await;
        let previous = self.current.take();
        match self.open(&wanted).await {
            Ok(listener) => {
                self.current = Some(listener);
                ListenerMove::Moved { previous }
            }
            Err(error) => {
                let old_address = previous.as_ref().map(|p| p.requested.clone());
                if let Some(old_address) = old_address {
                    match self.open(&old_address).await {
                        Ok(listener) => self.current = Some(listener),
                        Err(rebind_error) => tracing::error!(
                            error = %rebind_error,
                            "{} Listening again on the previous address failed; no listener is open",
                            messages::BIND_FAILED.id
                        ),
                    }
                }
                if let Some(previous) = previous {
                    tokio::spawn(previous.shut_down());
                }
                ListenerMove::Failed(error)
            }
        }
    }

    async fn open(&self, address: &ListenAddress) -> Result<RunningListener, BindError> {
        let listener = bind(address).await?;
        RunningListener::start(
            listener,
            address.clone(),
            self.app.clone(),
            self.timeouts,
            self.workers.clone(),
        )
        .map_err(|source| BindError {
            address: address.clone(),
            source,
        })
    }

    /// Stops the listener and waits for its connections (bounded by the shutdown timeout).
    pub async fn shut_down(&mut self) {
        if let Some(listener) = self.current.take() {
            listener.shut_down().await;
        }
    }
}
