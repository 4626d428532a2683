//! PKCS12 key stores in the encryption forms that keytool and openssl write,
//! read from the committed files in `tests/fixtures/pkcs12` (see the README
//! there for the commands that made them). Each file contains the same RSA
//! 2048 key and self-signed certificate under the alias `mykey`, with the
//! password `changeit`.

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

/// The certificate that every fixture store contains under `mykey`.
fn expected_certificate() -> CertificateDer<'static> {
    let pem = std::fs::read(fixture("mykey.crt.pem")).expect("read mykey.crt.pem");
    let certificate = rustls_pemfile::certs(&mut pem.as_slice())
        .next()
        .expect("one certificate in mykey.crt.pem")
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
/// that accepts RSA PKCS#1 client signatures.
fn client_certificate(client: &ClientConfig) -> Option<CertificateDer<'static>> {
    client
        .client_auth_cert_resolver
        .resolve(&[], &[SignatureScheme::RSA_PKCS1_SHA256])
        .and_then(|certified| certified.cert.first().cloned())
}

/// Reads the store at `path` and checks that its key entry is usable and
/// carries the expected certificate.
fn assert_store_is_read(path: &Path) {
    let client = match build_with_key_store(path) {
        Ok(client) => client,
        Err(error) => panic!("{} was not read: {error}", path.display()),
    };
    assert_eq!(
        client_certificate(&client),
        Some(expected_certificate()),
        "{} did not yield the certificate of {ALIAS}",
        path.display()
    );
}

#[test]
fn pkcs12_keytool_default_pbes2_hmac_sha256_aes256() {
    assert_store_is_read(&fixture("keytool-default.p12"));
}

#[test]
fn pkcs12_keytool_pbes2_hmac_sha1_aes256() {
    assert_store_is_read(&fixture("keytool-hmacsha1-aes256.p12"));
}

#[test]
fn pkcs12_keytool_legacy_pbe_sha1_3des_rc2() {
    assert_store_is_read(&fixture("keytool-legacy.p12"));
}

#[test]
fn pkcs12_openssl_default_pbes2_hmac_sha256_aes256() {
    assert_store_is_read(&fixture("openssl-default.p12"));
}

#[test]
fn pkcs12_openssl_legacy_pbe_sha1_3des_rc2() {
    assert_store_is_read(&fixture("openssl-legacy.p12"));
}

#[test]
fn pkcs12_openssl_pbes2_3des() {
    assert_store_is_read(&fixture("openssl-pbes2-3des.p12"));
}

/// Writes a store with the keytool on PATH, in its default form and in the
/// PBES2 HMAC-SHA1 form, so that a newer JDK's defaults are checked too.
#[test]
fn pkcs12_written_by_installed_keytool() {
    if Command::new("keytool").arg("-help").output().is_err() {
        println!("skipped: keytool is not on PATH");
        return;
    }
    let dir = TempDir::new().expect("temporary directory");
    let forms: [(&str, &[&str]); 2] = [
        ("default.p12", &[]),
        (
            "hmacsha1.p12",
            &[
                "-J-Dkeystore.pkcs12.keyProtectionAlgorithm=PBEWithHmacSHA1AndAES_256",
                "-J-Dkeystore.pkcs12.certProtectionAlgorithm=PBEWithHmacSHA1AndAES_256",
                "-J-Dkeystore.pkcs12.macAlgorithm=HmacPBESHA1",
            ],
        ),
    ];

    for (name, properties) in forms {
        let path = dir.path().join(name);
        let output = Command::new("keytool")
            .args(properties)
            .args(["-genkeypair", "-alias", ALIAS, "-keyalg", "RSA"])
            .args(["-keysize", "2048", "-dname", "CN=zconnect test"])
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
            client_certificate(&client).is_some(),
            "{name} written by keytool has no usable key"
        );
    }
}
