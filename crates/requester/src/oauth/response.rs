//! Reading an OAuth 2.0 token response (RFC 6749 sections 5.1 and 5.2), with
//! the leniency real authorization servers need: form-urlencoded bodies,
//! `expires_in` as a string, `token_type` in any case, and `error` responses
//! sent with status 200.

use std::time::{Duration, SystemTime};

use http::header::CONTENT_TYPE;
use http::{HeaderMap, StatusCode};
use serde_json::{Map, Value};
use thiserror::Error;
use url::form_urlencoded;
use zconnect_config::Secret;

use crate::jwt;

/// The maximum lifetime a token response can give, about 136 years. Longer
/// values are cut to it, so that adding a lifetime to an `Instant` stays in
/// range.
pub const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(u32::MAX as u64);

/// Longest `error` or `error_description` text kept for a message, in characters.
const MAX_ERROR_TEXT: usize = 300;

/// A token from a successful response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessToken {
    pub token: Secret,
    /// `token_type` as sent. The token is sent as `Bearer` whatever its type.
    pub token_type: Option<String>,
    pub lifetime: TokenLifetime,
}

impl AccessToken {
    /// Tells whether `token_type` is absent or `Bearer` in any case.
    pub fn is_bearer(&self) -> bool {
        self.token_type
            .as_deref()
            .is_none_or(|token_type| token_type.eq_ignore_ascii_case("bearer"))
    }
}

/// How long a token may be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenLifetime {
    /// Valid for this long, counted from when the token request was sent.
    Expires {
        after: Duration,
        source: LifetimeSource,
    },
    /// The response gave a zero or negative lifetime (or a JWT `exp` in the
    /// past): use the token for the calls that waited for it, never cache it.
    UseOnce,
}

/// The source of a lifetime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LifetimeSource {
    ExpiresIn,
    JwtExp,
    /// `defaultTokenLifetime`: the response gave none and the token is not a
    /// JWT with `exp`.
    Default,
}

/// A token response that gives no usable token.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TokenResponseError {
    #[error("the authorization server returned error \"{error}\"{} (HTTP {status})", describe(.description))]
    ErrorAnswer {
        status: StatusCode,
        error: String,
        description: Option<String>,
    },
    #[error("the authorization server returned HTTP {status} without an OAuth error code")]
    Status { status: StatusCode },
    #[error("the token response (HTTP {status}) has no access_token string")]
    MissingAccessToken { status: StatusCode },
    #[error(
        "the token response (HTTP {status}, Content-Type {}) is neither JSON nor form-urlencoded",
        .content_type.as_deref().unwrap_or("missing")
    )]
    Unreadable {
        status: StatusCode,
        content_type: Option<String>,
    },
}

impl TokenResponseError {
    /// Tells whether the server rejected the request with an `error` response
    /// or a 4xx status. Repeating such a request soon could lock an account,
    /// unlike a retry after a fault on the server's side.
    pub fn is_rejection(&self) -> bool {
        match self {
            TokenResponseError::ErrorAnswer { .. } => true,
            TokenResponseError::Status { status } => status.is_client_error(),
            TokenResponseError::MissingAccessToken { .. }
            | TokenResponseError::Unreadable { .. } => false,
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            TokenResponseError::ErrorAnswer { status, .. }
            | TokenResponseError::Status { status }
            | TokenResponseError::MissingAccessToken { status }
            | TokenResponseError::Unreadable { status, .. } => *status,
        }
    }
}

fn describe(description: &Option<String>) -> String {
    match description {
        Some(description) => format!(": {description}"),
        None => String::new(),
    }
}

/// Reads a token response.
///
/// A response with an `error` field is a failure whatever its status, and so
/// are a non-2xx status and a missing `access_token`. Without `expires_in`,
/// the lifetime is the JWT `exp` claim (counted from `now`) when the token is
/// a JWT that has one, else `default_lifetime`. An `expires_in` that is not a
/// number counts as absent.
pub fn parse_token_response(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    default_lifetime: Duration,
    now: SystemTime,
) -> Result<AccessToken, TokenResponseError> {
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let fields = parse_fields(content_type.as_deref(), body);

    // Some servers send `"error": null` or `""` with a token, which is no error.
    let error = fields
        .as_ref()
        .and_then(|fields| fields.get("error"))
        .filter(|error| !error.is_null() && error.as_str() != Some(""));
    if let Some(error) = error {
        return Err(TokenResponseError::ErrorAnswer {
            status,
            error: error_text(error),
            description: fields
                .as_ref()
                .and_then(|fields| fields.get("error_description"))
                .map(error_text),
        });
    }
    if !status.is_success() {
        return Err(TokenResponseError::Status { status });
    }
    let Some(fields) = fields else {
        return Err(TokenResponseError::Unreadable {
            status,
            content_type,
        });
    };

    let token = match fields.get("access_token") {
        Some(Value::String(token)) if !token.is_empty() => token.clone(),
        _ => return Err(TokenResponseError::MissingAccessToken { status }),
    };
    let token_type = fields
        .get("token_type")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let lifetime = match fields.get("expires_in").and_then(seconds) {
        Some(expires_in) => lifetime_from_seconds(expires_in, LifetimeSource::ExpiresIn),
        None => lifetime_without_expires_in(&token, default_lifetime, now),
    };

    Ok(AccessToken {
        token: Secret::new(token),
        token_type,
        lifetime,
    })
}

/// Reads the body as a JSON object or form fields. The content type decides
/// when it names one of the two; otherwise JSON is tried first, then a form.
fn parse_fields(content_type: Option<&str>, body: &[u8]) -> Option<Map<String, Value>> {
    let essence = content_type
        .and_then(|content_type| content_type.split(';').next())
        .map(|essence| essence.trim().to_ascii_lowercase())
        .unwrap_or_default();

    if essence == "application/x-www-form-urlencoded" {
        return parse_form(body);
    }
    if essence == "application/json" || essence.ends_with("+json") {
        return parse_json(body);
    }
    parse_json(body).or_else(|| parse_form(body))
}

fn parse_json(body: &[u8]) -> Option<Map<String, Value>> {
    match serde_json::from_slice(body).ok()? {
        Value::Object(object) => Some(object),
        _ => None,
    }
}

/// Reads `name=value&...`; a body that is not UTF-8 text with at least one
/// `name=value` pair is not a form.
fn parse_form(body: &[u8]) -> Option<Map<String, Value>> {
    let text = std::str::from_utf8(body).ok()?.trim();
    if !text.split('&').any(|pair| {
        pair.split_once('=')
            .is_some_and(|(name, _)| !name.is_empty())
    }) {
        return None;
    }
    let mut fields = Map::new();
    for (name, value) in form_urlencoded::parse(text.as_bytes()) {
        // The first occurrence wins, as with a JSON object's first key.
        fields
            .entry(name.into_owned())
            .or_insert_with(|| Value::String(value.into_owned()));
    }
    Some(fields)
}

/// Reads `expires_in` from a JSON number or a numeric string.
fn seconds(value: &Value) -> Option<f64> {
    let seconds = match value {
        Value::Number(number) => number.as_f64()?,
        Value::String(text) => text.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    seconds.is_finite().then_some(seconds)
}

fn lifetime_from_seconds(seconds: f64, source: LifetimeSource) -> TokenLifetime {
    if seconds <= 0.0 {
        return TokenLifetime::UseOnce;
    }
    let after = Duration::try_from_secs_f64(seconds)
        .unwrap_or(MAX_TOKEN_LIFETIME)
        .min(MAX_TOKEN_LIFETIME);
    TokenLifetime::Expires { after, source }
}

fn lifetime_without_expires_in(
    token: &str,
    default_lifetime: Duration,
    now: SystemTime,
) -> TokenLifetime {
    if let Some(claims) = jwt::claims(token).filter(|claims| claims.exp.is_some()) {
        return match claims.remaining_lifetime(now) {
            Some(remaining) => TokenLifetime::Expires {
                after: remaining.min(MAX_TOKEN_LIFETIME),
                source: LifetimeSource::JwtExp,
            },
            None => TokenLifetime::UseOnce,
        };
    }
    if default_lifetime.is_zero() {
        return TokenLifetime::UseOnce;
    }
    TokenLifetime::Expires {
        after: default_lifetime.min(MAX_TOKEN_LIFETIME),
        source: LifetimeSource::Default,
    }
}

/// Turns an `error` or `error_description` value into short printable text.
fn error_text(value: &Value) -> String {
    let text = match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    text.chars()
        .filter(|c| !c.is_control())
        .take(MAX_ERROR_TEXT)
        .collect()
}
