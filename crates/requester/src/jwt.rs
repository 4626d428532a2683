//! Reading the claims of a JWT that zconnect only forwards.
//!
//! zconnect never trusts these claims for access decisions. It reads `exp` and
//! `jti` only to decide how long to keep a token, so the signature is not
//! checked.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;

/// The claims zconnect reads from a JWT payload.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct JwtClaims {
    /// `exp` in seconds since the Unix epoch, when it is a number.
    pub exp: Option<f64>,
    /// Whether the payload has a `jti` claim.
    pub has_jti: bool,
}

impl JwtClaims {
    /// Returns the time from `now` until `exp`, or `None` when the token has no
    /// `exp` or has already expired.
    pub fn remaining_lifetime(&self, now: SystemTime) -> Option<Duration> {
        let exp = self.exp?;
        let now = now.duration_since(UNIX_EPOCH).ok()?.as_secs_f64();
        let remaining = exp - now;
        if remaining > 0.0 {
            // Only a value beyond `Duration::MAX` fails to convert.
            Some(Duration::try_from_secs_f64(remaining).unwrap_or(Duration::MAX))
        } else {
            None
        }
    }
}

/// Reads the claims of `token` when it has the JWS compact form
/// `header.payload.signature` with a base64url JSON object as payload.
/// Returns `None` for any other token.
pub fn claims(token: &str) -> Option<JwtClaims> {
    let mut parts = token.split('.');
    let (_header, payload, _signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }

    // JWTs omit the padding, but some issuers keep it.
    let bytes = URL_SAFE_NO_PAD
        .decode(payload)
        .or_else(|_| URL_SAFE.decode(payload))
        .ok()?;
    let serde_json::Value::Object(object) = serde_json::from_slice(&bytes).ok()? else {
        return None;
    };

    Some(JwtClaims {
        exp: object.get("exp").and_then(serde_json::Value::as_f64),
        has_jti: object.contains_key("jti"),
    })
}

#[cfg(test)]
pub(crate) mod test_tokens {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;

    /// Builds an unsigned JWT with the given JSON payload.
    pub fn jwt(payload: &str) -> String {
        format!(
            "{}.{}.c2ln",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#),
            URL_SAFE_NO_PAD.encode(payload)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::test_tokens::jwt;
    use super::*;

    #[test]
    fn exp_and_jti_are_read() {
        let claims = claims(&jwt(r#"{"exp":1700000000,"jti":"abc"}"#)).unwrap();
        assert_eq!(claims.exp, Some(1_700_000_000.0));
        assert!(claims.has_jti);
    }

    #[test]
    fn missing_claims() {
        let claims = claims(&jwt(r#"{"sub":"x"}"#)).unwrap();
        assert_eq!(claims.exp, None);
        assert!(!claims.has_jti);
    }

    #[test]
    fn opaque_token_is_not_a_jwt() {
        assert_eq!(claims("T2"), None);
        assert_eq!(claims("a.b"), None);
        assert_eq!(claims("a.b.c.d"), None);
        assert_eq!(claims("a.!!!.c"), None);
    }

    #[test]
    fn payload_must_be_a_json_object() {
        assert_eq!(claims(&jwt("[1,2]")), None);
        assert_eq!(claims(&jwt("not json")), None);
    }

    #[test]
    fn remaining_lifetime_counts_from_now() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000);
        let claims = JwtClaims {
            exp: Some(1_060.0),
            has_jti: false,
        };
        assert_eq!(
            claims.remaining_lifetime(now),
            Some(Duration::from_secs(60))
        );
    }

    #[test]
    fn expired_token_has_no_lifetime() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000);
        let claims = JwtClaims {
            exp: Some(1_000.0),
            has_jti: false,
        };
        assert_eq!(claims.remaining_lifetime(now), None);
    }
}
