//! Password encodings: plain, `{xor}`, and Liberty's one-way `{hash}`.
//!
//! `{xor}` is base64 of the UTF-8 bytes each XORed with 0x5F: obfuscation,
//! not encryption. `{hash}` is base64 of a PBKDF2 record that is verified
//! against a candidate, never decoded. `{aes}` needs Liberty's key material and
//! is rejected.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha1::Sha1;
use sha2::{Sha256, Sha512};

use super::ValueError;
use crate::Secret;

const XOR_KEY: u8 = 0x5F;

/// The advice given for every password that cannot be used.
const ENCODING_ADVICE: &str =
    "write it plain, encode it with `zconnect encode` (which writes `{xor}`), or take it from a variable";

/// Upper bound on PBKDF2 iterations, so a hostile record cannot make every
/// login take minutes. Liberty's default is 6384.
const MAX_HASH_ITERATIONS: u64 = 1_000_000;

/// A decoded password value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordValue {
    /// Plain text, or the decoded `{xor}` value.
    Plain(Secret),
    /// A `{hash}` record (base64, without the prefix), verified with [`verify_hash`].
    Hash(Secret),
}

/// Decodes a password attribute value. `{hash}` is accepted only where
/// `hash_allowed`; `{aes}` never.
pub fn decode_password(raw: &str, hash_allowed: bool) -> Result<PasswordValue, ValueError> {
    if let Some(encoded) = strip_encoding(raw, "xor") {
        return decode_xor(encoded).map(PasswordValue::Plain);
    }
    if let Some(record) = strip_encoding(raw, "hash") {
        if !hash_allowed {
            return Err(ValueError::UnsupportedPasswordEncoding {
                encoding: "{hash}".to_owned(),
                advice: "a one-way hash can be verified but not sent, so only basicRegistry user \
                         passwords accept it; write the password plain, encode it with \
                         `zconnect encode`, or take it from a variable",
            });
        }
        parse_hash_record(record)?;
        return Ok(PasswordValue::Hash(Secret::new(record)));
    }
    if strip_encoding(raw, "aes").is_some() {
        return Err(ValueError::UnsupportedPasswordEncoding {
            encoding: "{aes}".to_owned(),
            advice: ENCODING_ADVICE,
        });
    }
    Ok(PasswordValue::Plain(Secret::new(raw)))
}

/// Returns the text after `{name}` when `raw` starts with it, ignoring case.
fn strip_encoding<'a>(raw: &'a str, name: &str) -> Option<&'a str> {
    let prefix_len = name.len() + 2;
    let prefix = raw.get(..prefix_len)?;
    let inner = prefix.strip_prefix('{')?.strip_suffix('}')?;
    inner.eq_ignore_ascii_case(name).then(|| &raw[prefix_len..])
}

fn decode_xor(encoded: &str) -> Result<Secret, ValueError> {
    let bytes = STANDARD
        .decode(encoded.trim())
        .map_err(|_| ValueError::InvalidXor {
            reason: "not base64",
        })?;
    let plain: Vec<u8> = bytes.into_iter().map(|byte| byte ^ XOR_KEY).collect();
    let text = String::from_utf8(plain).map_err(|_| ValueError::InvalidXor {
        reason: "the decoded bytes are not UTF-8",
    })?;
    Ok(Secret::new(text))
}

/// Encodes a password as `{xor}` + base64 of its UTF-8 bytes XORed with 0x5F,
/// as Liberty's securityUtility does.
pub fn encode_xor(plain: &str) -> String {
    let bytes: Vec<u8> = plain.bytes().map(|byte| byte ^ XOR_KEY).collect();
    format!("{{xor}}{}", STANDARD.encode(bytes))
}

/// The fields of a Liberty `{hash}` record.
#[derive(Debug, Clone, PartialEq, Eq)]
struct HashRecord {
    algorithm: String,
    iterations: u32,
    salt: Vec<u8>,
    digest: Vec<u8>,
}

const TAG_ALGORITHM: u8 = 0x10;
const TAG_ITERATIONS: u8 = 0x20;
const TAG_SALT: u8 = 0x30;
const TAG_DIGEST: u8 = 0x40;
const TAG_OUTPUT_LENGTH: u8 = 0x50;

/// Parses base64 of a record of tagged fields, each a tag byte, a 4-byte
/// big-endian length and the bytes. Missing fields take Liberty's defaults:
/// PBKDF2WithHmacSHA1, 6384 iterations, 256 bits.
fn parse_hash_record(encoded: &str) -> Result<HashRecord, ValueError> {
    let invalid = |reason: &str| ValueError::InvalidHash {
        reason: reason.to_owned(),
    };
    let bytes = STANDARD
        .decode(encoded.trim())
        .map_err(|_| invalid("not base64"))?;

    let mut algorithm = "PBKDF2WithHmacSHA1".to_owned();
    let mut iterations: u64 = 6384;
    let mut output_bits: u64 = 256;
    let mut salt = None;
    let mut digest = None;

    let mut rest = bytes.as_slice();
    while let Some((&tag, after_tag)) = rest.split_first() {
        let (length_bytes, after_length) = after_tag
            .split_first_chunk::<4>()
            .ok_or_else(|| invalid("a field is cut short"))?;
        let length = u32::from_be_bytes(*length_bytes) as usize;
        if after_length.len() < length {
            return Err(invalid("a field is longer than the record"));
        }
        let (field, after_field) = after_length.split_at(length);
        rest = after_field;

        match tag {
            TAG_ALGORITHM => {
                algorithm = String::from_utf8(field.to_vec())
                    .map_err(|_| invalid("the algorithm name is not text"))?;
            }
            TAG_ITERATIONS => {
                iterations = big_endian(field)
                    .ok_or_else(|| invalid("the iteration count is not a number"))?
            }
            TAG_SALT => salt = Some(field.to_vec()),
            TAG_DIGEST => digest = Some(field.to_vec()),
            TAG_OUTPUT_LENGTH => {
                output_bits =
                    big_endian(field).ok_or_else(|| invalid("the output length is not a number"))?
            }
            _ => return Err(invalid(&format!("unknown field tag 0x{tag:02x}"))),
        }
    }

    let salt = salt.ok_or_else(|| invalid("the salt is missing"))?;
    let digest = digest.ok_or_else(|| invalid("the digest is missing"))?;
    if !matches!(
        algorithm.as_str(),
        "PBKDF2WithHmacSHA1" | "PBKDF2WithHmacSHA256" | "PBKDF2WithHmacSHA512"
    ) {
        return Err(invalid(&format!(
            "the algorithm `{algorithm}` is not supported"
        )));
    }
    if iterations == 0 || iterations > MAX_HASH_ITERATIONS {
        return Err(invalid(&format!(
            "the iteration count must be from 1 to {MAX_HASH_ITERATIONS}"
        )));
    }
    if output_bits % 8 != 0 || digest.len() as u64 * 8 != output_bits {
        return Err(invalid(
            "the digest length does not match the output length",
        ));
    }

    Ok(HashRecord {
        algorithm,
        iterations: iterations as u32,
        salt,
        digest,
    })
}

/// Reads an unsigned big-endian number of 1 to 8 bytes.
fn big_endian(field: &[u8]) -> Option<u64> {
    if field.is_empty() || field.len() > 8 {
        return None;
    }
    Some(
        field
            .iter()
            .fold(0u64, |value, byte| (value << 8) | u64::from(*byte)),
    )
}

/// Verifies a candidate password against a `{hash}` record (with or without
/// the `{hash}` prefix). A malformed record verifies nothing.
pub fn verify_hash(hash: &Secret, candidate: &str) -> bool {
    let encoded = strip_encoding(hash.expose(), "hash").unwrap_or(hash.expose());
    let Ok(record) = parse_hash_record(encoded) else {
        return false;
    };

    let mut computed = vec![0u8; record.digest.len()];
    let password = candidate.as_bytes();
    match record.algorithm.as_str() {
        "PBKDF2WithHmacSHA1" => {
            pbkdf2::pbkdf2_hmac::<Sha1>(password, &record.salt, record.iterations, &mut computed)
        }
        "PBKDF2WithHmacSHA256" => {
            pbkdf2::pbkdf2_hmac::<Sha256>(password, &record.salt, record.iterations, &mut computed)
        }
        "PBKDF2WithHmacSHA512" => {
            pbkdf2::pbkdf2_hmac::<Sha512>(password, &record.salt, record.iterations, &mut computed)
        }
        _ => return false,
    }
    constant_time_eq(&computed, &record.digest)
}

/// Compares without stopping at the first difference, so timing does not
/// reveal how much of a guess was right.
fn constant_time_eq(left: &[u8], right: &[u8]) -> bool {
    left.len() == right.len()
        && left
            .iter()
            .zip(right)
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0
}
