//! The `tokenRetryCheckLevel` decision: whether a 401 from the endpoint is
//! worth one more attempt with a new OAuth token.
//!
//! This module only reads the 401 response. The call path adds what needs
//! state: the `tokenReplaceInterval` limit and whether the request body was
//! kept for a second attempt.

use std::fmt;

use http::HeaderMap;
use zconnect_config::model::RetryCheckLevel;

use crate::challenge::has_bearer_invalid_token;

/// The outcome for one 401 response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryDecision {
    pub retry: bool,
    pub reason: RetryReason,
}

/// The reason a 401 is or is not retried. `Display` gives the text logged with
/// the decision, and [`RetryReason::label`] gives the metric label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RetryReason {
    /// Level 1 retries every 401.
    AnyUnauthorized,
    /// A challenge of scheme Bearer has `error="invalid_token"`.
    BearerInvalidToken,
    /// Level 3 and no Bearer challenge with `error="invalid_token"`.
    NoInvalidTokenChallenge,
    /// The retry would need a replacement token within `tokenReplaceInterval`
    /// of the last one. The call path decides this, not [`decide`].
    ReplacementLimited,
}

impl RetryReason {
    /// Returns a short, stable label for metrics.
    pub fn label(self) -> &'static str {
        match self {
            RetryReason::AnyUnauthorized => "level_1",
            RetryReason::BearerInvalidToken => "invalid_token",
            RetryReason::NoInvalidTokenChallenge => "no_invalid_token_challenge",
            RetryReason::ReplacementLimited => "replace_interval",
        }
    }
}

impl fmt::Display for RetryReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RetryReason::AnyUnauthorized => "401 at level 1, which retries every 401",
            RetryReason::BearerInvalidToken => "401 with Bearer error=invalid_token",
            RetryReason::NoInvalidTokenChallenge => {
                "401 without a Bearer invalid_token challenge, level 3"
            }
            RetryReason::ReplacementLimited => "replacement limited by tokenReplaceInterval",
        })
    }
}

/// Decides whether a 401 with these response headers is retried at `level`.
pub fn decide(level: RetryCheckLevel, headers: &HeaderMap) -> RetryDecision {
    match level {
        RetryCheckLevel::AnyUnauthorized => RetryDecision {
            retry: true,
            reason: RetryReason::AnyUnauthorized,
        },
        RetryCheckLevel::InvalidTokenChallenge if has_bearer_invalid_token(headers) => {
            RetryDecision {
                retry: true,
                reason: RetryReason::BearerInvalidToken,
            }
        }
        RetryCheckLevel::InvalidTokenChallenge => RetryDecision {
            retry: false,
            reason: RetryReason::NoInvalidTokenChallenge,
        },
    }
}
