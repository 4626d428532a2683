//! Completing EC private keys that Java writes without their public key.
//!
//! A PKCS#8 EC key contains an `ECPrivateKey` (RFC 5915), whose `publicKey`
//! field is optional. Java's keytool leaves it out, and so does
//! `openssl pkcs12 -nodes` on a keytool store, but ring (the crypto provider
//! of rustls here) rejects an EC key without it. The public key is also in
//! the key's certificate, so it is copied from there.

use der::asn1::{AnyRef, BitStringRef, ObjectIdentifier, OctetStringRef};
use der::{Decode, Encode, Sequence};
use pkcs8::PrivateKeyInfoRef;
use rustls::pki_types::{CertificateDer, PrivatePkcs8KeyDer};
use x509_cert::Certificate;

/// `id-ecPublicKey` (RFC 5480), the algorithm of every EC key.
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");

/// `ECPrivateKey` from RFC 5915 section 3.
#[derive(Sequence)]
struct EcPrivateKey<'a> {
    version: u8,
    private_key: &'a OctetStringRef,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    parameters: Option<AnyRef<'a>>,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    public_key: Option<BitStringRef<'a>>,
}

/// Returns `key` with the public key of `certificate` added, when `key` is a
/// PKCS#8 EC key without one and `certificate` has an EC key on the same
/// curve. Returns `None` for any other key, so the caller keeps the original.
///
/// Whether the two keys belong together is not checked here: ring checks it
/// when it loads the completed key.
pub(super) fn with_public_key(
    key: &PrivatePkcs8KeyDer<'_>,
    certificate: &CertificateDer<'_>,
) -> Option<PrivatePkcs8KeyDer<'static>> {
    let info = PrivateKeyInfoRef::from_der(key.secret_pkcs8_der()).ok()?;
    if info.algorithm.oid != EC_PUBLIC_KEY {
        return None;
    }
    let ec_key = EcPrivateKey::from_der(info.private_key.as_bytes()).ok()?;
    if ec_key.public_key.is_some() {
        return None;
    }

    let certificate = Certificate::from_der(certificate.as_ref()).ok()?;
    let spki = certificate.tbs_certificate().subject_public_key_info();
    if spki.algorithm.oid != EC_PUBLIC_KEY {
        return None;
    }
    let key_curve = info.algorithm.parameters.as_ref()?.to_der().ok()?;
    let certificate_curve = spki.algorithm.parameters.as_ref()?.to_der().ok()?;
    if key_curve != certificate_curve {
        return None;
    }

    let public_key = spki.subject_public_key.as_bytes()?;
    let completed = EcPrivateKey {
        public_key: Some(BitStringRef::from_bytes(public_key).ok()?),
        ..ec_key
    }
    .to_der()
    .ok()?;
    let info = PrivateKeyInfoRef {
        private_key: OctetStringRef::new(&completed).ok()?,
        ..info
    };
    Some(PrivatePkcs8KeyDer::from(info.to_der().ok()?))
}
