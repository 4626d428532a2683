//! TLS client settings from `ssl` and `keyStore` elements, checked by real
//! handshakes between the built client settings and an in-memory rustls
//! server, with certificates generated for each test by rcgen.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use p12_keystore::{Certificate, KeyStoreEntry, PrivateKey, PrivateKeyChain};
use rcgen::{BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use rustls::server::WebPkiClientVerifier;
use rustls::{
    ClientConfig, ClientConnection, Connection, RootCertStore, ServerConfig, ServerConnection,
};
use tempfile::TempDir;
use zconnect_config::model::{KeyStore, KeyStoreType, SslConfig};
use zconnect_config::{Config, Secret};
use zconnect_requester::tls::{client_config, TlsError};

/// A certificate with its key pair.
struct Issued {
    cert: rcgen::Certificate,
    key: KeyPair,
}

impl Issued {
    fn der(&self) -> CertificateDer<'static> {
        self.cert.der().clone()
    }

    fn key_der(&self) -> PrivateKeyDer<'static> {
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key.serialize_der()))
    }
}

fn certificate_authority(name: &str) -> Issued {
    let key = KeyPair::generate().expect("key pair");
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    let cert = params.self_signed(&key).expect("CA certificate");
    Issued { cert, key }
}

fn issue(ca: &Issued, name: &str, purpose: ExtendedKeyUsagePurpose) -> Issued {
    let key = KeyPair::generate().expect("key pair");
    let mut params = CertificateParams::new(vec![name.to_owned()]).expect("params");
    params.distinguished_name.push(DnType::CommonName, name);
    params.extended_key_usages = vec![purpose];
    let cert = params
        .signed_by(&key, &ca.cert, &ca.key)
        .expect("issued certificate");
    Issued { cert, key }
}

fn server_certificate(ca: &Issued) -> Issued {
    issue(ca, "localhost", ExtendedKeyUsagePurpose::ServerAuth)
}

fn client_certificate(ca: &Issued, name: &str) -> Issued {
    issue(ca, name, ExtendedKeyUsagePurpose::ClientAuth)
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Builds a server that presents `server` and, with `client_ca`, requires a
/// client certificate issued by it.
fn server_config(server: &Issued, client_ca: Option<&Issued>) -> Arc<ServerConfig> {
    let builder = ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .expect("protocol versions");
    let builder = match client_ca {
        Some(ca) => {
            let mut roots = RootCertStore::empty();
            roots.add(ca.der()).expect("client CA");
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider())
                .build()
                .expect("client verifier");
            builder.with_client_cert_verifier(verifier)
        }
        None => builder.with_no_client_auth(),
    };
    let mut config = builder
        .with_single_cert(vec![server.der()], server.key_der())
        .expect("server certificate");
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Arc::new(config)
}

/// Runs a handshake in memory; returns the client certificate the server
/// received, if any.
fn handshake(
    client: ClientConfig,
    server: Arc<ServerConfig>,
) -> Result<Option<CertificateDer<'static>>, rustls::Error> {
    let name = ServerName::try_from("localhost").expect("server name");
    let mut client = Connection::from(ClientConnection::new(Arc::new(client), name)?);
    let mut server = Connection::from(ServerConnection::new(server)?);

    for _ in 0..20 {
        transfer(&mut client, &mut server)?;
        transfer(&mut server, &mut client)?;
        if !client.is_handshaking() && !server.is_handshaking() {
            return Ok(server
                .peer_certificates()
                .and_then(|chain| chain.first().cloned()));
        }
    }
    panic!("the handshake did not finish in 20 rounds");
}

/// Moves every pending TLS record from one end to the other.
fn transfer(from: &mut Connection, to: &mut Connection) -> Result<(), rustls::Error> {
    let mut buffer = Vec::new();
    while from.wants_write() {
        from.write_tls(&mut buffer).expect("write to memory");
    }
    let mut input = buffer.as_slice();
    while !input.is_empty() {
        to.read_tls(&mut input).expect("read from memory");
        to.process_new_packets()?;
    }
    Ok(())
}

fn write(dir: &TempDir, name: &str, contents: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, contents).expect("write test file");
    path
}

fn key_store(
    id: &str,
    location: &Path,
    store_type: KeyStoreType,
    password: Option<&str>,
) -> KeyStore {
    KeyStore {
        id: id.to_owned(),
        location: location.to_owned(),
        store_type,
        password: password.map(Secret::new),
    }
}

fn config_with(stores: Vec<KeyStore>, ssl: &SslConfig) -> Config {
    let mut config = Config::default();
    for store in stores {
        config.key_stores.insert(store.id.clone(), store);
    }
    config.ssl.insert(ssl.id.clone(), ssl.clone());
    config
}

fn ssl(trust_store: Option<&str>, key_store: Option<&str>, alias: Option<&str>) -> SslConfig {
    SslConfig {
        id: "endpointSSL".to_owned(),
        trust_store: trust_store.map(str::to_owned),
        key_store: key_store.map(str::to_owned),
        client_key_alias: alias.map(str::to_owned),
    }
}

fn build(stores: Vec<KeyStore>, ssl: SslConfig) -> Result<ClientConfig, TlsError> {
    client_config(&config_with(stores, &ssl), &ssl)
}

/// Writes a PKCS12 file with p12-keystore's Java-like defaults (PBES2 with
/// AES-256, HMAC-SHA256).
fn pkcs12(
    keys: &[(&str, &Issued, &Issued)],
    trusted: &[(&str, &Issued)],
    password: &str,
) -> Vec<u8> {
    let mut store = p12_keystore::KeyStore::new();
    for (index, (alias, leaf, ca)) in keys.iter().enumerate() {
        let chain = PrivateKeyChain::new(
            format!("key-{index}"),
            PrivateKey::from_der(&leaf.key.serialize_der()).expect("PKCS8 key"),
            [
                Certificate::from_der(leaf.cert.der()).expect("leaf"),
                Certificate::from_der(ca.cert.der()).expect("CA"),
            ],
        );
        store.add_entry(alias, KeyStoreEntry::PrivateKeyChain(chain));
    }
    for (alias, cert) in trusted {
        store.add_entry(
            alias,
            KeyStoreEntry::Certificate(
                Certificate::from_der(cert.cert.der()).expect("certificate"),
            ),
        );
    }
    store.writer(password).write().expect("PKCS12 file")
}

#[test]
fn pem_trust_store_accepts_server_from_its_ca() {
    let dir = TempDir::new().unwrap();
    let ca = certificate_authority("Test CA");
    let trust = write(&dir, "trust.pem", ca.cert.pem().as_bytes());
    let client = build(
        vec![key_store("trust", &trust, KeyStoreType::Pem, None)],
        ssl(Some("trust"), None, None),
    )
    .unwrap();

    let received = handshake(client, server_config(&server_certificate(&ca), None)).unwrap();
    assert_eq!(received, None);
}

#[test]
fn pem_trust_store_rejects_server_from_other_ca() {
    let dir = TempDir::new().unwrap();
    let trusted_ca = certificate_authority("Trusted CA");
    let other_ca = certificate_authority("Other CA");
    let trust = write(&dir, "trust.pem", trusted_ca.cert.pem().as_bytes());
    let client = build(
        vec![key_store("trust", &trust, KeyStoreType::Pem, None)],
        ssl(Some("trust"), None, None),
    )
    .unwrap();

    let error = handshake(client, server_config(&server_certificate(&other_ca), None)).unwrap_err();
    assert!(
        matches!(error, rustls::Error::InvalidCertificate(_)),
        "{error:?}"
    );
}

#[test]
fn pkcs12_trust_store_accepts_server_from_its_ca() {
    let dir = TempDir::new().unwrap();
    let ca = certificate_authority("Test CA");
    let trust = write(&dir, "trust.p12", &pkcs12(&[], &[("ca", &ca)], "changeit"));
    let client = build(
        vec![key_store(
            "trust",
            &trust,
            KeyStoreType::Pkcs12,
            Some("changeit"),
        )],
        ssl(Some("trust"), None, None),
    )
    .unwrap();

    assert!(handshake(client, server_config(&server_certificate(&ca), None)).is_ok());
}

#[test]
fn pkcs12_client_key_chosen_by_alias() {
    let dir = TempDir::new().unwrap();
    let ca = certificate_authority("Test CA");
    let alpha = client_certificate(&ca, "alpha");
    let beta = client_certificate(&ca, "beta");
    let keys = write(
        &dir,
        "key.p12",
        &pkcs12(
            &[("alpha", &alpha, &ca), ("beta", &beta, &ca)],
            &[],
            "s3cret",
        ),
    );
    let trust = write(&dir, "trust.pem", ca.cert.pem().as_bytes());
    let stores = || {
        vec![
            key_store("keys", &keys, KeyStoreType::Pkcs12, Some("s3cret")),
            key_store("trust", &trust, KeyStoreType::Pem, None),
        ]
    };
    let server = server_config(&server_certificate(&ca), Some(&ca));

    let client = build(stores(), ssl(Some("trust"), Some("keys"), Some("beta"))).unwrap();
    assert_eq!(handshake(client, server.clone()).unwrap(), Some(beta.der()));

    let client = build(stores(), ssl(Some("trust"), Some("keys"), Some("alpha"))).unwrap();
    assert_eq!(handshake(client, server).unwrap(), Some(alpha.der()));
}

#[test]
fn pkcs12_unknown_alias_lists_available_aliases() {
    let dir = TempDir::new().unwrap();
    let ca = certificate_authority("Test CA");
    let alpha = client_certificate(&ca, "alpha");
    let keys = write(
        &dir,
        "key.p12",
        &pkcs12(&[("alpha", &alpha, &ca)], &[], "pw"),
    );

    let error = build(
        vec![key_store("keys", &keys, KeyStoreType::Pkcs12, Some("pw"))],
        ssl(None, Some("keys"), Some("gamma")),
    )
    .unwrap_err();
    let message = error.to_string();
    assert!(message.contains("keyStore 'keys'"), "{message}");
    assert!(message.contains("'gamma'"), "{message}");
    assert!(message.contains("alpha"), "{message}");
}

#[test]
fn pkcs12_wrong_password_names_store_not_password() {
    let dir = TempDir::new().unwrap();
    let ca = certificate_authority("Test CA");
    let trust = write(
        &dir,
        "trust.p12",
        &pkcs12(&[], &[("ca", &ca)], "right-password"),
    );

    let error = build(
        vec![key_store(
            "trust",
            &trust,
            KeyStoreType::Pkcs12,
            Some("wrong-password"),
        )],
        ssl(Some("trust"), None, None),
    )
    .unwrap_err();
    let message = error.to_string();
    assert!(message.contains("keyStore 'trust'"), "{message}");
    assert!(message.contains("trust.p12"), "{message}");
    assert!(message.contains("wrong password"), "{message}");
    assert!(!message.contains("right-password"), "{message}");
    assert!(!message.contains("wrong-password"), "{message}");
}

#[test]
fn pkcs12_written_by_openssl_is_read() {
    // OpenSSL 3 writes PBES2 with AES-256-CBC and no Java trust attribute.
    let dir = TempDir::new().unwrap();
    let ca = certificate_authority("Test CA");
    let client_cert = client_certificate(&ca, "openssl-client");
    let cert_pem = write(&dir, "client.pem", client_cert.cert.pem().as_bytes());
    let key_pem = write(
        &dir,
        "client.key",
        client_cert.key.serialize_pem().as_bytes(),
    );
    let ca_pem = write(&dir, "ca.pem", ca.cert.pem().as_bytes());
    let p12 = dir.path().join("client.p12");
    let status = Command::new("openssl")
        .args(["pkcs12", "-export", "-name", "mykey", "-passout", "pass:pw"])
        .arg("-in")
        .arg(&cert_pem)
        .arg("-inkey")
        .arg(&key_pem)
        .arg("-certfile")
        .arg(&ca_pem)
        .arg("-out")
        .arg(&p12)
        .status()
        .expect("the openssl command runs");
    assert!(status.success(), "openssl pkcs12 -export failed");

    let client = build(
        vec![key_store("keys", &p12, KeyStoreType::Pkcs12, Some("pw"))],
        ssl(None, Some("keys"), Some("mykey")),
    )
    .unwrap();
    let server = server_config(&server_certificate(&ca), Some(&ca));
    assert_eq!(handshake(client, server).unwrap(), Some(client_cert.der()));
}

#[test]
fn pem_key_store_sends_client_certificate() {
    let dir = TempDir::new().unwrap();
    let ca = certificate_authority("Test CA");
    let client_cert = client_certificate(&ca, "pem-client");
    let pem = format!(
        "{}{}{}",
        client_cert.key.serialize_pem(),
        client_cert.cert.pem(),
        ca.cert.pem()
    );
    let keys = write(&dir, "key.pem", pem.as_bytes());

    // No trust store: the key store's certificates are trusted, as in Liberty.
    let client = build(
        vec![key_store("keys", &keys, KeyStoreType::Pem, None)],
        ssl(None, Some("keys"), Some("ignored-alias")),
    )
    .unwrap();
    let server = server_config(&server_certificate(&ca), Some(&ca));
    assert_eq!(handshake(client, server).unwrap(), Some(client_cert.der()));
}

#[test]
fn pem_key_store_with_two_keys_is_rejected() {
    let dir = TempDir::new().unwrap();
    let ca = certificate_authority("Test CA");
    let first = client_certificate(&ca, "first");
    let second = client_certificate(&ca, "second");
    let pem = format!(
        "{}{}{}",
        first.key.serialize_pem(),
        second.key.serialize_pem(),
        first.cert.pem()
    );
    let keys = write(&dir, "key.pem", pem.as_bytes());

    let error = build(
        vec![key_store("keys", &keys, KeyStoreType::Pem, None)],
        ssl(None, Some("keys"), None),
    )
    .unwrap_err();
    assert!(error.to_string().contains("2 private keys"), "{error}");
}

#[test]
fn pem_encrypted_key_is_rejected_with_advice() {
    let dir = TempDir::new().unwrap();
    let ca = certificate_authority("Test CA");
    let pem = format!(
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAECAwQFBgcICQ==\n-----END ENCRYPTED PRIVATE KEY-----\n{}",
        ca.cert.pem()
    );
    let keys = write(&dir, "key.pem", pem.as_bytes());

    let error = build(
        vec![key_store("keys", &keys, KeyStoreType::Pem, None)],
        ssl(None, Some("keys"), None),
    )
    .unwrap_err();
    assert!(
        error.to_string().contains("encrypted private key"),
        "{error}"
    );
}

#[test]
fn jks_is_rejected_with_keytool_advice() {
    let dir = TempDir::new().unwrap();
    let jks = write(&dir, "key.jks", b"\xfe\xed\xfe\xed");

    let error = build(
        vec![key_store(
            "defaultKeyStore",
            &jks,
            KeyStoreType::Unsupported("JKS".to_owned()),
            Some("changeit"),
        )],
        ssl(None, Some("defaultKeyStore"), None),
    )
    .unwrap_err();
    let message = error.to_string();
    assert!(message.contains("keyStore 'defaultKeyStore'"), "{message}");
    assert!(message.contains("key.jks"), "{message}");
    assert!(message.contains("type JKS"), "{message}");
    assert!(message.contains("keytool -importkeystore"), "{message}");
    assert!(message.contains("-deststoretype PKCS12"), "{message}");
    assert!(!message.contains("changeit"), "{message}");
}

#[test]
fn jceks_is_rejected_with_keytool_advice() {
    let dir = TempDir::new().unwrap();
    let jceks = write(&dir, "trust.jceks", b"\xce\xce\xce\xce");

    let error = build(
        vec![key_store(
            "trust",
            &jceks,
            KeyStoreType::Unsupported("JCEKS".to_owned()),
            None,
        )],
        ssl(Some("trust"), None, None),
    )
    .unwrap_err();
    assert!(error.to_string().contains("-srcstoretype JCEKS"), "{error}");
}

#[test]
fn missing_file_names_the_path() {
    let dir = TempDir::new().unwrap();
    let missing = dir.path().join("absent.p12");

    let error = build(
        vec![key_store("trust", &missing, KeyStoreType::Pkcs12, None)],
        ssl(Some("trust"), None, None),
    )
    .unwrap_err();
    let message = error.to_string();
    assert!(message.contains("keyStore 'trust'"), "{message}");
    assert!(message.contains("absent.p12"), "{message}");
    assert!(message.contains("cannot be read"), "{message}");
}

#[test]
fn trust_store_without_certificates_is_rejected() {
    let dir = TempDir::new().unwrap();
    let empty = write(&dir, "empty.pem", b"# no certificates here\n");

    let error = build(
        vec![key_store("trust", &empty, KeyStoreType::Pem, None)],
        ssl(Some("trust"), None, None),
    )
    .unwrap_err();
    assert!(error.to_string().contains("no certificate"), "{error}");
}

#[test]
fn unknown_key_store_reference_is_named() {
    let error = build(Vec::new(), ssl(Some("nowhere"), None, None)).unwrap_err();
    assert_eq!(
        error.to_string(),
        "ssl 'endpointSSL' names keyStore 'nowhere', which is not in the configuration"
    );
}

#[test]
fn no_stores_uses_system_roots() {
    let client = build(Vec::new(), ssl(None, None, None)).unwrap();
    // A server with a fresh private CA is not among the system roots.
    let ca = certificate_authority("Private CA");
    assert!(handshake(client, server_config(&server_certificate(&ca), None)).is_err());
}

/// A P-256 key written by Java, whose PKCS#8 form has no public key, and
/// the certificate that goes with it (see tests/fixtures/pkcs12/README.md).
fn java_ec_key_files() -> (Vec<u8>, Vec<u8>) {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pkcs12");
    let key = std::fs::read(fixtures.join("mykey-ec.key.pem")).expect("read the EC key");
    let certificate =
        std::fs::read(fixtures.join("mykey-ec.crt.pem")).expect("read the EC certificate");
    (key, certificate)
}

#[test]
fn pem_java_ec_key_without_public_key_is_used() {
    let dir = TempDir::new().unwrap();
    let (key, certificate) = java_ec_key_files();
    let keys = write(&dir, "key.pem", &[key, certificate.clone()].concat());

    let client = build(
        vec![key_store("keys", &keys, KeyStoreType::Pem, None)],
        ssl(None, Some("keys"), None),
    )
    .unwrap();

    let sent = client
        .client_auth_cert_resolver
        .resolve(&[], &[rustls::SignatureScheme::ECDSA_NISTP256_SHA256])
        .and_then(|certified| certified.cert.first().cloned());
    let expected = rustls_pemfile::certs(&mut certificate.as_slice())
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(sent, Some(expected));
}

#[test]
fn pem_java_ec_key_with_other_certificate_is_rejected() {
    let dir = TempDir::new().unwrap();
    let (key, _) = java_ec_key_files();
    let ca = certificate_authority("Test CA");
    let other = client_certificate(&ca, "other");
    let keys = write(
        &dir,
        "key.pem",
        &[key, other.cert.pem().into_bytes()].concat(),
    );

    let error = build(
        vec![key_store("keys", &keys, KeyStoreType::Pem, None)],
        ssl(None, Some("keys"), None),
    )
    .unwrap_err();
    let message = error.to_string();
    assert!(message.contains("keyStore 'keys'"), "{message}");
    assert!(message.contains("cannot be used for TLS"), "{message}");
}
