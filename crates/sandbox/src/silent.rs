//! Servers that misbehave at the TCP level: one that accepts and never
//! answers, and a port where nothing listens.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};

/// Accepts TCP connections on 127.0.0.1, reads and discards what arrives and
/// never writes a byte. Dropping it closes the listener and every connection.
#[derive(Debug)]
pub struct SilentServer {
    addr: SocketAddr,
    accepted: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl SilentServer {
    pub async fn start() -> std::io::Result<SilentServer> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let accepted = Arc::new(AtomicUsize::new(0));
        let task = tokio::spawn(hold_connections(listener, accepted.clone()));
        Ok(SilentServer {
            addr,
            accepted,
            task,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:{port}`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Number of TCP connections accepted so far.
    pub fn connections(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

impl Drop for SilentServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn hold_connections(listener: TcpListener, accepted: Arc<AtomicUsize>) {
    // The connections live in this set, so aborting this task closes them all.
    let mut connections = JoinSet::new();
    loop {
        let Ok((mut stream, _peer)) = listener.accept().await else {
            continue;
        };
        accepted.fetch_add(1, Ordering::SeqCst);
        connections.spawn(async move {
            let mut buffer = [0_u8; 4096];
            while let Ok(read) = stream.read(&mut buffer).await {
                if read == 0 {
                    break;
                }
            }
        });
    }
}

/// Returns a loopback port on which nothing listens, so a connection to it is
/// refused. The port was bound and released, so another process could take it
/// in between; on a test machine that is unlikely within a test's lifetime.
pub fn closed_port() -> std::io::Result<u16> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
    let port = listener.local_addr()?.port();
    drop(listener);
    Ok(port)
}
