//! TLS client settings from the `ssl` and `keyStore` elements.
//!
//! Trust comes from the `ssl` element's trust store, else from its key store
//! (as in Liberty, where `trustStoreRef` defaults to `keyStoreRef`), else from
//! the system roots. The client certificate comes from the key store: for a
//! PEM store its one private key with its chain, for a PKCS12 store the
//! private key entry whose friendly name is `clientKeyAlias`. JKS and JCEKS
//! stores cannot be read, and their error explains how to convert them.
//!
//! Errors name the keyStore id and file, never the password.
//!
//! PKCS12 stores are read with p12-keystore. These encryption forms are
//! pinned by tests with files that keytool (OpenJDK 17) and openssl (3.0)
//! wrote:
//! - PBES2 with PBKDF2-HMAC-SHA-256 and AES-256-CBC, MAC HMAC-SHA-256: the
//!   default of keytool (`PBEWithHmacSHA256AndAES_256`) and of
//!   `openssl pkcs12 -export`.
//! - PBES2 with PBKDF2-HMAC-SHA-1 and AES-256-CBC, MAC HMAC-SHA-1: keytool's
//!   `PBEWithHmacSHA1AndAES_256`.
//! - PBES2 with DES-EDE3-CBC: `openssl pkcs12 -export -keypbe des-ede3-cbc`.
//! - PKCS#12 PBE with SHA-1 and 3DES for keys and 40-bit RC2 for
//!   certificates, MAC HMAC-SHA-1: keytool with `-J-Dkeystore.pkcs12.legacy`
//!   (the default of older JDKs) and `openssl pkcs12 -export -legacy`.
//!
//! EC keys written by Java (keytool) lack their public key, which ring needs,
//! so it is copied from the key's certificate (see `ec_key`).
//!
//! NOTE: other PBES2 PRFs and ciphers that pkcs5 implements (AES-128,
//! HMAC-SHA-512, scrypt) should work but have no test; PBMAC1 (OpenSSL 3.4
//! `-pbmac1_pbkdf2`) is not implemented by p12-keystore 0.4.

mod ec_key;

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use rustls::client::ResolvesClientCert;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::sign::CertifiedKey;
use rustls::{ClientConfig, RootCertStore, SignatureScheme};
use thiserror::Error;
use zconnect_config::model::{KeyStore, KeyStoreType, SslConfig};
use zconnect_config::{Config, Secret};

/// A TLS setting that cannot be built.
#[derive(Debug, Error)]
pub enum TlsError {
    #[error("keyStore '{id}' ({}) {problem}", .path.display())]
    KeyStore {
        id: String,
        path: PathBuf,
        problem: KeyStoreProblem,
    },
    #[error("ssl '{ssl}' names keyStore '{key_store}', which is not in the configuration")]
    UnknownKeyStore { ssl: String, key_store: String },
    #[error("no trust roots were found on this system; set trustStoreRef on an ssl element")]
    NoSystemRoots,
    #[error("ssl '{ssl}': the TLS settings cannot be built: {message}")]
    Settings { ssl: String, message: String },
}

/// A problem with one key store.
#[derive(Debug, Error)]
pub enum KeyStoreProblem {
    #[error("cannot be read: {0}")]
    Read(std::io::Error),
    #[error(
        "has type {store_type}, which zconnect cannot read; convert it to PKCS12 with \
         keytool -importkeystore -srckeystore {source_file} -srcstoretype {store_type} \
         -destkeystore {source_file}.p12 -deststoretype PKCS12, then set type=\"PKCS12\""
    )]
    UnsupportedType {
        store_type: String,
        source_file: String,
    },
    #[error(
        "cannot be read as PKCS12 (wrong password, damaged file or unsupported encryption): {0}"
    )]
    Pkcs12(String),
    #[error("cannot be read as PEM: {0}")]
    Pem(String),
    #[error(
        "contains an encrypted private key, which zconnect cannot read from PEM; \
         store it unencrypted or use a PKCS12 key store"
    )]
    EncryptedPemKey,
    #[error("contains no certificate to trust")]
    NoCertificates,
    #[error("contains {count} private keys; a PEM key store holds one private key with its certificate chain")]
    SeveralPemKeys { count: usize },
    #[error("has a private key but no certificate for it")]
    KeyWithoutCertificate,
    #[error("has no private key entry named '{alias}' (clientKeyAlias); its private key entries are: {}", .available.join(", "))]
    AliasNotFound {
        alias: String,
        available: Vec<String>,
    },
    #[error("has a private key that cannot be used for TLS: {0}")]
    KeyRejected(String),
}

/// Builds the TLS client settings for `ssl`.
pub fn client_config(config: &Config, ssl: &SslConfig) -> Result<ClientConfig, TlsError> {
    let key_store = |id: &String| {
        config
            .key_stores
            .get(id)
            .ok_or_else(|| TlsError::UnknownKeyStore {
                ssl: ssl.id.clone(),
                key_store: id.clone(),
            })
    };

    let roots = match ssl.trust_store.as_ref().or(ssl.key_store.as_ref()) {
        Some(id) => Arc::new(trust_roots(key_store(id)?)?),
        None => system_roots()?,
    };
    let client_keys = match &ssl.key_store {
        Some(id) => client_keys(key_store(id)?, ssl.client_key_alias.as_deref())?,
        None => Vec::new(),
    };

    let settings_error = |error: rustls::Error| TlsError::Settings {
        ssl: ssl.id.clone(),
        message: error.to_string(),
    };
    let builder = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(settings_error)?
        .with_root_certificates(roots);
    let mut client_config = match client_keys.len() {
        0 => builder.with_no_client_auth(),
        _ => builder.with_client_cert_resolver(Arc::new(ClientKeys(client_keys))),
    };
    client_config.alpn_protocols = alpn_protocols();
    Ok(client_config)
}

/// Builds TLS client settings that trust the system roots and send no client
/// certificate.
pub fn system_roots_config() -> Result<ClientConfig, TlsError> {
    let mut client_config = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|error| TlsError::Settings {
            ssl: "system".to_owned(),
            message: error.to_string(),
        })?
        .with_root_certificates(system_roots()?)
        .with_no_client_auth();
    client_config.alpn_protocols = alpn_protocols();
    Ok(client_config)
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// HTTP/2 then HTTP/1.1, the protocols reqwest offers with its own TLS settings.
fn alpn_protocols() -> Vec<Vec<u8>> {
    vec![b"h2".to_vec(), b"http/1.1".to_vec()]
}

/// Returns the system roots. They are read once per process, because reading
/// them takes tens of milliseconds and a configuration may have many endpoints.
fn system_roots() -> Result<Arc<RootCertStore>, TlsError> {
    static ROOTS: OnceLock<Option<Arc<RootCertStore>>> = OnceLock::new();
    ROOTS
        .get_or_init(|| {
            let mut roots = RootCertStore::empty();
            roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
            (!roots.is_empty()).then(|| Arc::new(roots))
        })
        .clone()
        .ok_or(TlsError::NoSystemRoots)
}

/// The contents of a key store file.
struct StoreContents {
    /// Every certificate, in file order.
    certificates: Vec<CertificateDer<'static>>,
    /// Private keys with their chains, with an alias where the store has one.
    keys: Vec<(Option<String>, CertifiedKeyParts)>,
}

struct CertifiedKeyParts {
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
}

fn store_error(store: &KeyStore, problem: KeyStoreProblem) -> TlsError {
    TlsError::KeyStore {
        id: store.id.clone(),
        path: store.location.clone(),
        problem,
    }
}

fn trust_roots(store: &KeyStore) -> Result<RootCertStore, TlsError> {
    let contents = read_store(store)?;
    let mut roots = RootCertStore::empty();
    roots.add_parsable_certificates(contents.certificates);
    if roots.is_empty() {
        return Err(store_error(store, KeyStoreProblem::NoCertificates));
    }
    Ok(roots)
}

fn client_keys(store: &KeyStore, alias: Option<&str>) -> Result<Vec<Arc<CertifiedKey>>, TlsError> {
    let contents = read_store(store)?;
    let mut keys = contents.keys;

    // A PEM store has one key and no aliases, so `clientKeyAlias` applies
    // only to PKCS12.
    if let (Some(alias), KeyStoreType::Pkcs12) = (alias, &store.store_type) {
        let position = keys
            .iter()
            .position(|(name, _)| name.as_deref() == Some(alias))
            .or_else(|| {
                keys.iter().position(|(name, _)| {
                    name.as_deref()
                        .is_some_and(|name| name.eq_ignore_ascii_case(alias))
                })
            });
        let Some(position) = position else {
            let available = keys.iter().filter_map(|(name, _)| name.clone()).collect();
            return Err(store_error(
                store,
                KeyStoreProblem::AliasNotFound {
                    alias: alias.to_owned(),
                    available,
                },
            ));
        };
        keys = vec![keys.swap_remove(position)];
    }

    keys.into_iter()
        .map(|(_, parts)| {
            let key = complete_ec_key(parts.key, parts.chain.first());
            CertifiedKey::from_der(parts.chain, key, &provider())
                .map(Arc::new)
                .map_err(|error| {
                    store_error(store, KeyStoreProblem::KeyRejected(error.to_string()))
                })
        })
        .collect()
}

/// Adds the public key from the certificate to a PKCS#8 EC key that lacks
/// it, as keys written by Java do; returns any other key unchanged.
///
/// NOTE: a SEC1 key (`BEGIN EC PRIVATE KEY`) without its public key is still
/// rejected.
fn complete_ec_key(
    key: PrivateKeyDer<'static>,
    certificate: Option<&CertificateDer<'static>>,
) -> PrivateKeyDer<'static> {
    let completed = match (&key, certificate) {
        (PrivateKeyDer::Pkcs8(pkcs8), Some(certificate)) => {
            ec_key::with_public_key(pkcs8, certificate)
        }
        _ => None,
    };
    completed.map_or(key, PrivateKeyDer::Pkcs8)
}

fn read_store(store: &KeyStore) -> Result<StoreContents, TlsError> {
    if let KeyStoreType::Unsupported(store_type) = &store.store_type {
        return Err(store_error(
            store,
            KeyStoreProblem::UnsupportedType {
                store_type: store_type.clone(),
                source_file: store.location.display().to_string(),
            },
        ));
    }
    let bytes = std::fs::read(&store.location)
        .map_err(|error| store_error(store, KeyStoreProblem::Read(error)))?;
    match store.store_type {
        KeyStoreType::Pem => read_pem(&bytes).map_err(|problem| store_error(store, problem)),
        _ => read_pkcs12(&bytes, store.password.as_ref())
            .map_err(|problem| store_error(store, problem)),
    }
}

fn read_pem(bytes: &[u8]) -> Result<StoreContents, KeyStoreProblem> {
    let mut certificates = Vec::new();
    let mut keys = Vec::new();
    for item in rustls_pemfile::read_all(&mut &bytes[..]) {
        match item.map_err(|error| KeyStoreProblem::Pem(error.to_string()))? {
            rustls_pemfile::Item::X509Certificate(certificate) => certificates.push(certificate),
            rustls_pemfile::Item::Pkcs1Key(key) => keys.push(PrivateKeyDer::from(key)),
            rustls_pemfile::Item::Pkcs8Key(key) => keys.push(PrivateKeyDer::from(key)),
            rustls_pemfile::Item::Sec1Key(key) => keys.push(PrivateKeyDer::from(key)),
            _ => {}
        }
    }

    if keys.is_empty() && contains(bytes, b"-----BEGIN ENCRYPTED PRIVATE KEY-----") {
        return Err(KeyStoreProblem::EncryptedPemKey);
    }
    if keys.len() > 1 {
        return Err(KeyStoreProblem::SeveralPemKeys { count: keys.len() });
    }
    let keys = match keys.pop() {
        Some(_) if certificates.is_empty() => return Err(KeyStoreProblem::KeyWithoutCertificate),
        Some(key) => vec![(
            None,
            CertifiedKeyParts {
                chain: certificates.clone(),
                key,
            },
        )],
        None => Vec::new(),
    };
    Ok(StoreContents { certificates, keys })
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

fn read_pkcs12(bytes: &[u8], password: Option<&Secret>) -> Result<StoreContents, KeyStoreProblem> {
    let password = password.map(Secret::expose).unwrap_or("");
    let pkcs12_error =
        |error: p12_keystore::error::Error| KeyStoreProblem::Pkcs12(error.to_string());

    // Every certificate bag is a trust anchor, whether or not it carries
    // Java's trusted-certificate attribute (openssl does not write it).
    let archive =
        p12_keystore::Pkcs12Archive::from_pkcs12(bytes, password).map_err(pkcs12_error)?;
    let certificates = archive
        .certs
        .iter()
        .map(|bag| CertificateDer::from(bag.cert.as_der().to_vec()))
        .collect();

    let store = p12_keystore::KeyStore::from_pkcs12(
        bytes,
        password,
        p12_keystore::Pkcs12ImportPolicy::Strict,
    )
    .map_err(pkcs12_error)?;
    let keys = store
        .entries()
        .filter_map(|(alias, entry)| match entry {
            p12_keystore::KeyStoreEntry::PrivateKeyChain(chain) => Some((
                Some(alias.clone()),
                CertifiedKeyParts {
                    chain: chain
                        .certs()
                        .iter()
                        .map(|certificate| CertificateDer::from(certificate.as_der().to_vec()))
                        .collect(),
                    key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
                        chain.key().as_der().to_vec(),
                    )),
                },
            )),
            _ => None,
        })
        .collect();

    Ok(StoreContents { certificates, keys })
}

/// The client certificates of one key store, in alias order.
///
/// NOTE: with several keys and no `clientKeyAlias`, Java picks a key whose
/// issuer the server lists as acceptable. zconnect ignores that list and picks
/// the first key whose type suits a signature scheme the server offers.
#[derive(Debug)]
struct ClientKeys(Vec<Arc<CertifiedKey>>);

impl ResolvesClientCert for ClientKeys {
    fn resolve(
        &self,
        _root_hint_subjects: &[&[u8]],
        sigschemes: &[SignatureScheme],
    ) -> Option<Arc<CertifiedKey>> {
        self.0
            .iter()
            .find(|certified| certified.key.choose_scheme(sigschemes).is_some())
            .cloned()
    }

    fn has_certs(&self) -> bool {
        !self.0.is_empty()
    }
}
