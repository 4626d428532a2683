//! Sending one attempt of a call to the endpoint and turning its response or
//! failure into what the caller receives.

use std::io;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{StreamExt, TryStreamExt};
use http::header::{HeaderName, HeaderValue, CONTENT_LENGTH};
use http::{HeaderMap, Method};
use tokio::time::Instant;

use crate::body::{BodyStream, PreparedBody, ResponseBody};
use crate::call::{error_chain, CallContext, CallResponse};
use crate::error::{CallError, ErrorKind};
use crate::forward::returned_headers;

/// The endpoint URL: parsed already, or text for reqwest to parse (and
/// reject the way it always has).
pub(crate) enum EndpointUrl {
    Parsed(url::Url),
    Text(String),
}

/// The request to the endpoint, kept between attempts.
pub(crate) struct Outbound {
    method: Method,
    url: EndpointUrl,
    headers: HeaderMap,
    body: OutboundBody,
}

enum OutboundBody {
    Buffered(Bytes),
    /// `None` once the only attempt has taken it.
    Streamed(Option<(BodyStream, Option<u64>)>),
}

impl Outbound {
    pub(crate) fn new(
        method: Method,
        url: EndpointUrl,
        headers: HeaderMap,
        body: PreparedBody,
    ) -> Outbound {
        let body = match body {
            PreparedBody::Buffered(bytes) => OutboundBody::Buffered(bytes),
            PreparedBody::Streamed {
                stream,
                content_length,
            } => OutboundBody::Streamed(Some((stream, content_length))),
        };
        Outbound {
            method,
            url,
            headers,
            body,
        }
    }

    /// Tells whether the body is in memory, so a second attempt sends the
    /// same bytes.
    pub(crate) fn replayable(&self) -> bool {
        matches!(self.body, OutboundBody::Buffered(_))
    }

    /// Sends one attempt with `credential` as an extra header and waits for
    /// the response headers.
    pub(crate) async fn send(
        &mut self,
        context: &CallContext<'_>,
        credential: Option<(HeaderName, HeaderValue)>,
    ) -> Result<reqwest::Response, CallError> {
        let http = &context.pool.http;
        let builder = match &self.url {
            EndpointUrl::Parsed(url) => http.request(self.method.clone(), url.clone()),
            EndpointUrl::Text(url) => http.request(self.method.clone(), url),
        };
        let mut builder = builder.headers(self.headers.clone());
        if let Some((name, value)) = credential {
            builder = builder.header(name, value);
        }
        builder = match &mut self.body {
            OutboundBody::Buffered(bytes) if bytes.is_empty() => builder,
            OutboundBody::Buffered(bytes) => builder.body(bytes.clone()),
            OutboundBody::Streamed(slot) => {
                let Some((stream, content_length)) = slot.take() else {
                    return Err(CallError::new(
                        ErrorKind::Internal,
                        format!(
                            "API requester '{}' tried to send a streamed request body twice.",
                            context.requester
                        ),
                    ));
                };
                if let Some(length) = content_length {
                    builder = builder.header(CONTENT_LENGTH, length);
                }
                builder.body(reqwest::Body::wrap_stream(stream))
            }
        };

        let started = Instant::now();
        let result = builder.send().await;
        context
            .client
            .shared
            .metrics()
            .observe_latency(&context.connection.id, started.elapsed().as_secs_f64());
        let response = result.map_err(|error| endpoint_error(context, error))?;
        if response.status().is_informational() {
            return Err(protocol_switch(context, response.status()));
        }
        Ok(response)
    }
}

/// Passes the endpoint's response on: status, headers minus hop-by-hop ones,
/// and the body as a stream whose pauses are limited to `receiveTimeout`.
pub(crate) fn into_call_response(
    context: &CallContext<'_>,
    response: reqwest::Response,
) -> CallResponse {
    let status = response.status();
    let headers = returned_headers(response.headers());
    let return_code = if status.is_success() { 0 } else { 1 };

    let receive_timeout = context.connection.receive_timeout;
    let stream = response
        .bytes_stream()
        .map_err(|error| {
            let kind = if error.is_timeout() {
                io::ErrorKind::TimedOut
            } else {
                io::ErrorKind::Other
            };
            io::Error::new(kind, error_chain(&error.without_url()))
        })
        .boxed();
    let on_stall = stall_reporter(context, receive_timeout);
    CallResponse {
        status,
        headers,
        return_code,
        body: ResponseBody::new(stream, receive_timeout, on_stall),
    }
}

fn stall_reporter(
    context: &CallContext<'_>,
    receive_timeout: Duration,
) -> Box<dyn FnOnce() + Send> {
    let requester = context.requester.to_owned();
    let connection = context.connection.id.clone();
    let metrics = context.client.shared.metrics().clone();
    Box::new(move || {
        metrics.count_stall(&connection);
        tracing::warn!(
            requester = %requester,
            connection = %connection,
            receive_timeout_ms = receive_timeout.as_millis() as u64,
            "ZCN8523W The endpoint paused the response body longer than receiveTimeout; the body was cut off"
        );
    })
}

/// The error for a 1xx final response. The HTTP client hands back a 101
/// Switching Protocols (and any other 1xx it does not absorb) as the final
/// response; zconnect does not proxy upgraded connections, and passing it on
/// would leave the caller waiting on a connection that never answers.
fn protocol_switch(context: &CallContext<'_>, status: http::StatusCode) -> CallError {
    let connection = context.connection;
    CallError::new(
        ErrorKind::EndpointUnreachable,
        format!(
            "Endpoint connection '{}' ({}:{}) of API requester '{}' answered {status}: the endpoint \
             tried to switch protocols, which zconnect does not proxy. Call an operation of the \
             endpoint that answers with a final HTTP response.",
            connection.id, connection.host, connection.port, context.requester
        ),
    )
}

/// Maps a failed attempt to the error the caller receives.
fn endpoint_error(context: &CallContext<'_>, error: reqwest::Error) -> CallError {
    let connection = context.connection;
    let requester = context.requester;
    let timeout = error.is_timeout();
    let connect = error.is_connect();
    let tls_error = tls_failure(&error).map(ToString::to_string);
    let head_too_large = response_head_too_large(&error);
    let details = error_chain(&error.without_url());
    let address = format!("{}:{}", connection.host, connection.port);

    let error = if timeout && connect {
        CallError::new(
            ErrorKind::EndpointConnectTimedOut,
            format!(
                "API requester '{requester}' could not open a connection to endpoint connection '{}' \
                 ({address}) within connectionTimeout ({} ms). Check that the endpoint is up and \
                 reachable, or raise connectionTimeout.",
                connection.id,
                connection.connection_timeout.as_millis()
            ),
        )
    } else if timeout {
        CallError::new(
            ErrorKind::EndpointReceiveTimedOut,
            format!(
                "Endpoint connection '{}' ({address}) of API requester '{requester}' sent no response \
                 within receiveTimeout ({} ms). Check the endpoint, or raise receiveTimeout.",
                connection.id,
                connection.receive_timeout.as_millis()
            ),
        )
    } else if let Some(tls_error) = tls_error {
        CallError::new(
            ErrorKind::EndpointUnreachable,
            format!(
                "API requester '{requester}' cannot reach endpoint connection '{}' ({address}): the \
                 TLS handshake failed: {tls_error}. Check that the trust store of the connection's \
                 sslCertsRef contains the CA that issued the endpoint's certificate, and that the \
                 certificate names {}.",
                connection.id, connection.host
            ),
        )
    } else if head_too_large {
        CallError::new(
            ErrorKind::EndpointUnreachable,
            format!(
                "Endpoint connection '{}' ({address}) of API requester '{requester}' sent response \
                 headers that are too large (or too many header lines) for the HTTP client. Make the \
                 endpoint send smaller headers.",
                connection.id
            ),
        )
    } else if connect {
        CallError::new(
            ErrorKind::EndpointUnreachable,
            format!(
                "API requester '{requester}' cannot reach endpoint connection '{}' ({address}): the \
                 connection was refused, the host name was not resolved or the TLS handshake failed. \
                 Check host, port and sslCertsRef.",
                connection.id
            ),
        )
    } else {
        CallError::new(
            ErrorKind::EndpointUnreachable,
            format!(
                "Endpoint connection '{}' ({address}) of API requester '{requester}' closed the \
                 connection or failed before sending a response. Check the endpoint's logs.",
                connection.id
            ),
        )
    };
    error.with_details(details)
}

/// Tells whether hyper rejected the endpoint's response head as too large:
/// one header over its buffer, or more header lines than it accepts.
fn response_head_too_large(error: &reqwest::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = cause {
        if let Some(hyper_error) = current.downcast_ref::<hyper::Error>() {
            return hyper_error.is_parse_too_large();
        }
        cause = current.source();
    }
    false
}

/// Finds the rustls error behind a failed attempt, if TLS is what failed.
///
/// reqwest 0.12 wraps it in two `io::Error`s, and `io::Error::source()` skips
/// the error it wraps, so each `io::Error` in the chain is opened with
/// `get_ref()` instead.
fn tls_failure(error: &reqwest::Error) -> Option<&rustls::Error> {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = cause {
        if let Some(tls_error) = current.downcast_ref::<rustls::Error>() {
            return Some(tls_error);
        }
        cause = match current.downcast_ref::<io::Error>() {
            Some(io_error) => io_error
                .get_ref()
                .map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => current.source(),
        };
    }
    None
}
