//! PKCS12 key stores in the encryption forms that keytool and openssl write,
//! read from the committed files in `tests/fixtures/pkcs12` (see the README
//! there for the commands that made them). Each `.p12` file contains one key
//! and its self-signed certificate under the alias `mykey`, with the password
//! `changeit`: the RSA 2048 key of `mykey.crt.pem`, or for the files with `ec`
//! in their name the P-256 key of `mykey-ec.crt.pem`.

use std::path::{Path, PathBuf};
use std::process::Command;

use rustls::pki_types::CertificateDer;
use rustls::{ClientConfig, SignatureScheme};
use tempfile::TempDir;
use zconnect_config::model::{KeyStore, KeyStoreType, SslConfig};
use zconnect_config::{Config, Secret};
use zconnect_requester::tls::{client_config, TlsError};

const PASSWORD: &str = "changeit";
const ALIAS: &str = "mykey";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/pkcs12")
        .join(name)
}

/// The key type of a fixture store, with the certificate file that goes with
/// it and a signature scheme that a server could accept for it.
#[derive(Clone, Copy)]
enum KeyType {
    Rsa,
    EcP256,
}

impl KeyType {
    fn certificate_file(self) -> &'static str {
        match self {
            KeyType::Rsa => "mykey.crt.pem",
            KeyType::EcP256 => "mykey-ec.crt.pem",
        }
    }

    fn signature_scheme(self) -> SignatureScheme {
        match self {
            KeyType::Rsa => SignatureScheme::RSA_PKCS1_SHA256,
            KeyType::EcP256 => SignatureScheme::ECDSA_NISTP256_SHA256,
        }
    }
}

/// The certificate that the fixture stores with keys of `key_type` contain.
fn expected_certificate(key_type: KeyType) -> CertificateDer<'static> {
    let file = key_type.certificate_file();
    let pem = std::fs::read(fixture(file)).expect("read the certificate file");
    let certificate = rustls_pemfile::certs(&mut pem.as_slice())
        .next()
        .expect("one certificate in the file")
        .expect("a PEM certificate");
    certificate
}

/// Builds the TLS settings of an `ssl` element whose key store is `path`.
fn build_with_key_store(path: &Path) -> Result<ClientConfig, TlsError> {
    let store = KeyStore {
        id: "clientKeys".to_owned(),
        location: path.to_owned(),
        store_type: KeyStoreType::Pkcs12,
        password: Some(Secret::new(PASSWORD)),
    };
    let ssl = SslConfig {
        id: "endpointSSL".to_owned(),
        trust_store: None,
        key_store: Some(store.id.clone()),
        client_key_alias: Some(ALIAS.to_owned()),
    };
    let mut config = Config::default();
    config.key_stores.insert(store.id.clone(), store);
    config.ssl.insert(ssl.id.clone(), ssl.clone());
    client_config(&config, &ssl)
}

/// Returns the certificate that the built settings would send to a server
/// that accepts client signatures with `scheme`.
fn client_certificate(
    client: &ClientConfig,
    scheme: SignatureScheme,
) -> Option<CertificateDer<'static>> {
    client
        .client_auth_cert_resolver
        .resolve(&[], &[scheme])
        .and_then(|certified| certified.cert.first().cloned())
}

/// Reads the store at `path` and checks that its key entry is usable and
/// carries the expected certificate.
fn assert_store_is_read(path: &Path, key_type: KeyType) {
    let client = match build_with_key_store(path) {
        Ok(client) => client,
        Err(error) => panic!("{} was not read: {error}", path.display()),
    };
    assert_eq!(
        client_certificate(&client, key_type.signature_scheme()),
        Some(expected_certificate(key_type)),
        "{} did not yield the certificate of {ALIAS}",
        path.display()
    );
}

#[test]
fn pkcs12_keytool_default_pbes2_hmac_sha256_aes256() {
    assert_store_is_read(&fixture("keytool-default.p12"), KeyType::Rsa);
}

#[test]
fn pkcs12_keytool_pbes2_hmac_sha1_aes256() {
    assert_store_is_read(&fixture("keytool-hmacsha1-aes256.p12"), KeyType::Rsa);
}

#[test]
fn pkcs12_keytool_legacy_pbe_sha1_3des_rc2() {
    assert_store_is_read(&fixture("keytool-legacy.p12"), KeyType::Rsa);
}

#[test]
fn pkcs12_openssl_default_pbes2_hmac_sha256_aes256() {
    assert_store_is_read(&fixture("openssl-default.p12"), KeyType::Rsa);
}

#[test]
fn pkcs12_openssl_legacy_pbe_sha1_3des_rc2() {
    assert_store_is_read(&fixture("openssl-legacy.p12"), KeyType::Rsa);
}

#[test]
fn pkcs12_openssl_pbes2_3des() {
    assert_store_is_read(&fixture("openssl-pbes2-3des.p12"), KeyType::Rsa);
}

#[test]
fn pkcs12_keytool_ec_key_without_public_key() {
    assert_store_is_read(&fixture("keytool-ec-p256.p12"), KeyType::EcP256);
}

#[test]
fn pkcs12_openssl_with_java_ec_key() {
    assert_store_is_read(&fixture("openssl-ec-p256-java-key.p12"), KeyType::EcP256);
}

/// A store that the installed keytool writes at test time.
struct KeytoolStore {
    name: &'static str,
    /// `-J-D` options that choose the encryption.
    properties: &'static [&'static str],
    key_options: &'static [&'static str],
    scheme: SignatureScheme,
}

const HMAC_SHA1_AES256: &[&str] = &[
    "-J-Dkeystore.pkcs12.keyProtectionAlgorithm=PBEWithHmacSHA1AndAES_256",
    "-J-Dkeystore.pkcs12.certProtectionAlgorithm=PBEWithHmacSHA1AndAES_256",
    "-J-Dkeystore.pkcs12.macAlgorithm=HmacPBESHA1",
];

/// Writes stores with the keytool on PATH, so that a newer JDK's defaults
/// are checked too, with RSA and EC keys.
#[test]
fn pkcs12_written_by_installed_keytool() {
    if Command::new("keytool").arg("-help").output().is_err() {
        println!("skipped: keytool is not on PATH");
        return;
    }
    let dir = TempDir::new().expect("temporary directory");
    let stores = [
        KeytoolStore {
            name: "rsa-default.p12",
            properties: &[],
            key_options: &["-keyalg", "RSA", "-keysize", "2048"],
            scheme: SignatureScheme::RSA_PKCS1_SHA256,
        },
        KeytoolStore {
            name: "rsa-hmacsha1.p12",
            properties: HMAC_SHA1_AES256,
            key_options: &["-keyalg", "RSA", "-keysize", "2048"],
            scheme: SignatureScheme::RSA_PKCS1_SHA256,
        },
        KeytoolStore {
            name: "ec-p256-default.p12",
            properties: &[],
            key_options: &["-keyalg", "EC", "-groupname", "secp256r1"],
            scheme: SignatureScheme::ECDSA_NISTP256_SHA256,
        },
        KeytoolStore {
            name: "ec-p384-hmacsha1.p12",
            properties: HMAC_SHA1_AES256,
            key_options: &["-keyalg", "EC", "-groupname", "secp384r1"],
            scheme: SignatureScheme::ECDSA_NISTP384_SHA384,
        },
    ];

    for store in stores {
        let name = store.name;
        let path = dir.path().join(name);
        let output = Command::new("keytool")
            .args(store.properties)
            .args(["-genkeypair", "-alias", ALIAS, "-dname", "CN=zconnect test"])
            .args(store.key_options)
            .args(["-storetype", "PKCS12", "-storepass", PASSWORD])
            .arg("-keystore")
            .arg(&path)
            .output()
            .expect("keytool runs");
        assert!(
            output.status.success(),
            "keytool failed for {name}: {}",
            String::from_utf8_lossy(&output.stderr)
        );

        let client = match build_with_key_store(&path) {
            Ok(client) => client,
            Err(error) => panic!("{name} written by keytool was not read: {error}"),
        };
        assert!(
            client_certificate(&client, store.scheme).is_some(),
            "{name} written by keytool has no usable key"
        );
    }
}
