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

/// Largest token response body accepted, in bytes. Real responses are a few
/// KiB; a larger one fails the token request without being parsed, because a
/// cut body could still parse (a form-encoded one, for one).
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
    /// The whole token request, see [`token_deadline`].
    pub deadline: Duration,
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

        let (status, headers, body) = send_and_read(builder, self.deadline).await?;

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

/// The deadline of a whole token request to an authorization server:
/// `connectionTimeout + receiveTimeout`, counted from the start of the request
/// (connection and TLS handshake included) to the last byte of the response
/// body. receiveTimeout alone bounds each pause, so without this a server
/// that sends one byte at a time could hold the request, and every call
/// waiting for it, for as long as it likes.
pub(crate) fn token_deadline(connection_timeout: Duration, receive_timeout: Duration) -> Duration {
    connection_timeout.saturating_add(receive_timeout)
}

/// Sends a token request and reads its whole response within `deadline`.
pub(crate) async fn send_and_read(
    builder: reqwest::RequestBuilder,
    deadline: Duration,
) -> Result<(StatusCode, HeaderMap, Bytes), TokenFailure> {
    let exchange = async {
        let response = builder.send().await.map_err(transport_failure)?;
        read_response(response).await
    };
    match tokio::time::timeout(deadline, exchange).await {
        Ok(outcome) => outcome,
        Err(_) => Err(TokenFailure {
            kind: TokenFailureKind::Timeout,
            message: format!(
                "the token response was not complete within connectionTimeout + receiveTimeout ({} ms)",
                deadline.as_millis()
            ),
        }),
    }
}

/// Reads status, headers and the body, failing when the body is over
/// [`MAX_RESPONSE_BODY`] instead of cutting it.
async fn read_response(
    response: reqwest::Response,
) -> Result<(StatusCode, HeaderMap, Bytes), TokenFailure> {
    let too_large = || TokenFailure {
        kind: TokenFailureKind::Unreadable,
        message: "the token response is larger than 1 MiB".to_owned(),
    };
    if response
        .content_length()
        .is_some_and(|length| length > MAX_RESPONSE_BODY as u64)
    {
        return Err(too_large());
    }

    let status = response.status();
    let headers = response.headers().clone();
    let mut body = BytesMut::new();
    let mut stream = response.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(transport_failure)?;
        if chunk.len() > MAX_RESPONSE_BODY - body.len() {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
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
