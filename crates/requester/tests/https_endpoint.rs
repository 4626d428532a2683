//! Calls to an HTTPS endpoint on 127.0.0.1: a rustls server with a
//! certificate from a test CA, and a client that trusts that CA through an
//! `ssl` element whose trust store is a PEM file.

#![allow(clippy::unwrap_used)]

mod call_support;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::ServerConfig;
use tempfile::TempDir;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use zconnect_config::model::{EndpointConnection, KeyStore, KeyStoreType, Scheme, SslConfig};
use zconnect_config::Config;
use zconnect_requester::{Client, ErrorKind};

use call_support::*;

const SSL: &str = "endpointSSL";
const TRUST_STORE: &str = "endpointTrust";
const GREETING: &str = "hello over TLS";
/// The response header in which the server names the HTTP version of the
/// request.
const VERSION_HEADER: &str = "x-request-version";

struct Authority {
    cert: rcgen::Certificate,
    key: KeyPair,
}

fn certificate_authority(name: &str) -> Authority {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    let cert = params.self_signed(&key).unwrap();
    Authority { cert, key }
}

/// An HTTPS server on 127.0.0.1 that answers every request with 200 and
/// [`GREETING`]. It stops when dropped.
struct TlsEndpoint {
    addr: SocketAddr,
    handshakes: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl Drop for TlsEndpoint {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl TlsEndpoint {
    /// Starts the server with a certificate for 127.0.0.1 issued by `ca`,
    /// offering HTTP/1.1 only.
    async fn start(ca: &Authority) -> TlsEndpoint {
        TlsEndpoint::start_offering(ca, &[b"http/1.1"]).await
    }

    /// Starts the server offering `protocols` by ALPN.
    async fn start_offering(ca: &Authority, protocols: &[&[u8]]) -> TlsEndpoint {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(vec!["127.0.0.1".to_owned()]).unwrap();
        params
            .distinguished_name
            .push(DnType::CommonName, "zconnect test endpoint");
        let cert = params.signed_by(&key, &ca.cert, &ca.key).unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                vec![cert.der().clone(), ca.cert.der().clone()],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
            )
            .unwrap();
        config.alpn_protocols = protocols.iter().map(|protocol| protocol.to_vec()).collect();
        let acceptor = TlsAcceptor::from(Arc::new(config));

        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let handshakes = Arc::new(AtomicUsize::new(0));
        let task = tokio::spawn(serve(listener, acceptor, handshakes.clone()));
        TlsEndpoint {
            addr,
            handshakes,
            task,
        }
    }
}

async fn serve(listener: TcpListener, acceptor: TlsAcceptor, handshakes: Arc<AtomicUsize>) {
    while let Ok((stream, _)) = listener.accept().await {
        let acceptor = acceptor.clone();
        let handshakes = handshakes.clone();
        tokio::spawn(async move {
            // A client that rejects the certificate ends the handshake here.
            let Ok(stream) = acceptor.accept(stream).await else {
                return;
            };
            handshakes.fetch_add(1, Ordering::SeqCst);
            let service = service_fn(|request: hyper::Request<_>| async move {
                let version = format!("{:?}", request.version());
                let response = hyper::Response::builder()
                    .header(VERSION_HEADER, version)
                    .body(Full::new(Bytes::from(GREETING)));
                Ok::<_, Infallible>(response.unwrap())
            });
            let _ = auto::Builder::new(TokioExecutor::new())
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// A configuration with one HTTPS endpoint connection to `endpoint`, without
/// credentials, whose `ssl` element trusts the PEM file `trust_file`.
fn https_config(endpoint: &TlsEndpoint, trust_file: &Path) -> Config {
    let mut config = Config::default();
    config.endpoint_connections.insert(
        CONNECTION.to_owned(),
        EndpointConnection {
            id: CONNECTION.to_owned(),
            scheme: Scheme::Https,
            host: "127.0.0.1".to_owned(),
            port: endpoint.addr.port(),
            domain_base_path: "/api".to_owned(),
            basic_auth: None,
            authentication: None,
            ssl: Some(SSL.to_owned()),
            connection_timeout: Duration::from_secs(2),
            receive_timeout: Duration::from_secs(5),
        },
    );
    config.ssl.insert(
        SSL.to_owned(),
        SslConfig {
            id: SSL.to_owned(),
            trust_store: Some(TRUST_STORE.to_owned()),
            key_store: None,
            client_key_alias: None,
        },
    );
    config.key_stores.insert(
        TRUST_STORE.to_owned(),
        KeyStore {
            id: TRUST_STORE.to_owned(),
            location: trust_file.to_owned(),
            store_type: KeyStoreType::Pem,
            password: None,
        },
    );
    config
}

/// Builds a client for `endpoint` that trusts `trusted`.
fn client_trusting(dir: &TempDir, endpoint: &TlsEndpoint, trusted: &Authority) -> Client {
    let trust_file = dir.path().join("trust.pem");
    std::fs::write(&trust_file, trusted.cert.pem()).unwrap();
    client(https_config(endpoint, &trust_file), &shared())
}

#[tokio::test]
async fn https_endpoint_from_trusted_ca_answers() {
    let dir = TempDir::new().unwrap();
    let ca = certificate_authority("zconnect test CA");
    let endpoint = TlsEndpoint::start(&ca).await;
    let client = client_trusting(&dir, &endpoint, &ca);

    let response = get(&client, "/items").await.unwrap();

    assert_eq!(response.status.as_u16(), 200);
    assert_eq!(response.return_code, 0);
    assert_eq!(body_text(response).await, GREETING);
    assert_eq!(endpoint.handshakes.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn https_endpoint_from_other_ca_fails_with_tls_error() {
    let dir = TempDir::new().unwrap();
    let server_ca = certificate_authority("zconnect server CA");
    let other_ca = certificate_authority("zconnect other CA");
    let endpoint = TlsEndpoint::start(&server_ca).await;
    let client = client_trusting(&dir, &endpoint, &other_ca);

    let error = get(&client, "/items").await.unwrap_err();

    assert_eq!(error.kind(), ErrorKind::EndpointUnreachable, "{error}");
    assert_eq!(error.status().as_u16(), 502);
    assert_eq!(error.return_code(), 2);
    let message = error.message();
    assert!(
        message.contains(&format!("endpoint connection '{CONNECTION}'")),
        "{message}"
    );
    assert!(
        message.contains("TLS handshake failed: invalid peer certificate"),
        "{message}"
    );
    assert!(!message.contains("refused"), "{message}");
    assert_eq!(endpoint.handshakes.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn https_endpoint_offering_http2_gets_http2() {
    let dir = TempDir::new().unwrap();
    let ca = certificate_authority("zconnect test CA");
    let endpoint = TlsEndpoint::start_offering(&ca, &[b"h2", b"http/1.1"]).await;
    let client = client_trusting(&dir, &endpoint, &ca);

    let response = get(&client, "/items").await.unwrap();

    assert_eq!(response.status.as_u16(), 200);
    assert_eq!(response.headers[VERSION_HEADER], "HTTP/2.0");
    assert_eq!(body_text(response).await, GREETING);
}

#[tokio::test]
async fn https_endpoint_offering_http1_gets_http1() {
    let dir = TempDir::new().unwrap();
    let ca = certificate_authority("zconnect test CA");
    let endpoint = TlsEndpoint::start(&ca).await;
    let client = client_trusting(&dir, &endpoint, &ca);

    let response = get(&client, "/items").await.unwrap();

    assert_eq!(response.headers[VERSION_HEADER], "HTTP/1.1");
}

/// A server that accepts TCP connections and never replies to the TLS
/// handshake, so the handshake counts against connectionTimeout.
#[tokio::test]
async fn tls_handshake_without_answer_is_a_connect_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let holder = tokio::spawn(async move {
        let mut open_streams = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            open_streams.push(stream);
        }
    });
    let dir = TempDir::new().unwrap();
    let ca = certificate_authority("zconnect test CA");
    let trust_file = dir.path().join("trust.pem");
    std::fs::write(&trust_file, ca.cert.pem()).unwrap();
    let silent = TlsEndpoint {
        addr,
        handshakes: Arc::new(AtomicUsize::new(0)),
        task: holder,
    };
    let mut config = https_config(&silent, &trust_file);
    let connection = config.endpoint_connections.get_mut(CONNECTION).unwrap();
    connection.connection_timeout = Duration::from_millis(300);
    let client = client(config, &shared());

    let error = get(&client, "/items").await.unwrap_err();

    assert_eq!(error.kind(), ErrorKind::EndpointConnectTimedOut, "{error}");
    assert_eq!(error.status().as_u16(), 504);
}
