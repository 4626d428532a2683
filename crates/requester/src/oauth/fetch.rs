//! Sending an OAuth 2.0 token request and reading its response, with the
//! outcome counted by authorization server.

use std::time::{Duration, SystemTime};

use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use http::{HeaderMap, StatusCode};

use crate::metrics::Metrics;
use crate::oauth::cache::{FetchedToken, TokenFailure, TokenFailureKind};
use crate::oauth::request::{self, OAuthTokenRequest};
use crate::oauth::response::{parse_token_response, TokenLifetime};

/// Largest token response body read, in bytes. Real responses are a few KiB;
/// a larger one is cut off and most likely fails to parse.
const MAX_RESPONSE_BODY: usize = 1024 * 1024;

/// One token request to one authorization server, owned so that it can run in
/// its own task.
#[derive(Debug, Clone)]
pub struct TokenFetch {
    pub http: reqwest::Client,
    pub auth_server: String,
    pub token_endpoint: String,
    pub request: OAuthTokenRequest,
    pub default_lifetime: Duration,
    pub metrics: Metrics,
}

impl TokenFetch {
    /// Sends the request and reads the token, counting the outcome.
    pub async fn run(self) -> Result<FetchedToken, TokenFailure> {
        let outcome = self.send_and_parse().await;
        let label = match &outcome {
            Ok(_) => "success",
            Err(failure) => failure.kind.label(),
        };
        self.metrics.count_token_request(&self.auth_server, label);
        outcome
    }

    async fn send_and_parse(&self) -> Result<FetchedToken, TokenFailure> {
        let mut builder = self
            .http
            .post(&self.token_endpoint)
            .header(CONTENT_TYPE, request::CONTENT_TYPE)
            .header(ACCEPT, request::ACCEPT)
            .body(self.request.body.expose().to_owned());
        if let Some(authorization) = self.request.authorization_header() {
            builder = builder.header(AUTHORIZATION, authorization);
        }

        let (status, headers, body) = match builder.send().await {
            Ok(response) => read_response(response).await,
            Err(error) => Err(error),
        }
        .map_err(transport_failure)?;

        let token = parse_token_response(
            status,
            &headers,
            &body,
            self.default_lifetime,
            SystemTime::now(),
        )
        .map_err(|error| {
            let kind = if matches!(
                error,
                crate::oauth::response::TokenResponseError::ErrorAnswer { .. }
            ) {
                TokenFailureKind::ErrorAnswer
            } else if status.is_client_error() {
                TokenFailureKind::ClientError
            } else if status.is_server_error() {
                TokenFailureKind::ServerError
            } else {
                TokenFailureKind::Unreadable
            };
            TokenFailure {
                kind,
                message: error.to_string(),
            }
        })?;

        let lifetime = match token.lifetime {
            TokenLifetime::Expires { after, .. } => Some(after),
            TokenLifetime::UseOnce => None,
        };
        Ok(FetchedToken {
            value: token.token,
            lifetime,
        })
    }
}

/// Reads status, headers and up to [`MAX_RESPONSE_BODY`] bytes of the body.
pub(crate) async fn read_response(
    response: reqwest::Response,
) -> Result<(StatusCode, HeaderMap, Bytes), reqwest::Error> {
    let status = response.status();
    let headers = response.headers().clone();
    let mut body = BytesMut::new();
    let mut stream = response.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        let room = MAX_RESPONSE_BODY.saturating_sub(body.len());
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if room <= chunk.len() {
            break;
        }
    }
    Ok((status, headers, body.freeze()))
}

/// Maps a failure to reach the authorization server or read its response.
/// The text is reqwest's error chain without the URL, which can carry a
/// tenant or other query values.
fn transport_failure(error: reqwest::Error) -> TokenFailure {
    let kind = if error.is_timeout() {
        TokenFailureKind::Timeout
    } else {
        TokenFailureKind::Connect
    };
    TokenFailure {
        kind,
        message: crate::call::error_chain(&error.without_url()),
    }
}
