//! Sending one attempt of a call to the endpoint and turning its response or
//! failure into what the caller receives.

use std::io;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{StreamExt, TryStreamExt};
use http::header::{HeaderName, HeaderValue, ACCEPT, CONTENT_LENGTH};
use http::{HeaderMap, Method, Request, Response, Uri};
use http_body_util::{BodyDataStream, BodyExt, Empty, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use tokio::time::Instant;

use crate::body::{BodyStream, PreparedBody, ResponseBody};
use crate::call::{error_chain, CallContext, CallResponse};
use crate::error::{CallError, ErrorKind};
use crate::forward::strip_hop_by_hop;
use crate::transport::{ConnectTimedOut, OutboundBody, TransportError};

/// Returns the endpoint URL as the HTTP client takes it: `parsed`, the URL
/// from the connection's parsed origin, when that shortcut could take it, and
/// otherwise `text` parsed whole, IDNA and percent-encoding rules included.
pub(crate) fn endpoint_uri(
    context: &CallContext<'_>,
    parsed: Option<url::Url>,
    text: &str,
) -> Result<Uri, CallError> {
    let url = match parsed {
        Some(url) => url,
        None => url::Url::parse(text).map_err(|error| invalid_url(context, &error))?,
    };
    Uri::try_from(url.as_str()).map_err(|error| invalid_url(context, &error))
}

fn invalid_url(context: &CallContext<'_>, error: &dyn std::error::Error) -> CallError {
    let connection = context.connection;
    CallError::new(
        ErrorKind::EndpointUnreachable,
        format!(
            "API requester '{}' cannot call endpoint connection '{}' ({}:{}): the URL built from the \
             connection's host, its domainBasePath and the operation path is not a valid HTTP URL. \
             Check host and domainBasePath, and percent-encode the operation path.",
            context.requester, connection.id, connection.host, connection.port
        ),
    )
    .with_details(error.to_string())
}

/// The request to the endpoint, kept between attempts.
pub(crate) struct Outbound {
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: OutboundBodySource,
}

enum OutboundBodySource {
    Buffered(Bytes),
    /// `None` once the only attempt has taken it.
    Streamed(Option<(BodyStream, Option<u64>)>),
}

impl Outbound {
    pub(crate) fn new(
        method: Method,
        uri: Uri,
        headers: HeaderMap,
        body: PreparedBody,
    ) -> Outbound {
        let body = match body {
            PreparedBody::Buffered(bytes) => OutboundBodySource::Buffered(bytes),
            PreparedBody::Streamed {
                stream,
                content_length,
            } => OutboundBodySource::Streamed(Some((stream, content_length))),
        };
        Outbound {
            method,
            uri,
            headers,
            body,
        }
    }

    /// Tells whether the body is in memory, so a second attempt sends the
    /// same bytes.
    pub(crate) fn replayable(&self) -> bool {
        matches!(self.body, OutboundBodySource::Buffered(_))
    }

    /// Sends one attempt with `credential` as an extra header and waits for
    /// the response headers, for at most `receiveTimeout` from the start.
    pub(crate) async fn send(
        &mut self,
        context: &CallContext<'_>,
        credential: Option<(HeaderName, HeaderValue)>,
    ) -> Result<Response<Incoming>, CallError> {
        let mut headers = self.headers.clone();
        if let Some((name, value)) = credential {
            headers.insert(name, value);
        }
        // What reqwest, which zconnect used before, sends when the caller
        // names no media type, because some endpoints return 406 without it.
        if !headers.contains_key(ACCEPT) {
            headers.insert(ACCEPT, HeaderValue::from_static("*/*"));
        }
        let body: OutboundBody = match &mut self.body {
            OutboundBodySource::Buffered(bytes) if bytes.is_empty() => {
                Empty::new().map_err(|never| match never {}).boxed_unsync()
            }
            OutboundBodySource::Buffered(bytes) => Full::new(bytes.clone())
                .map_err(|never| match never {})
                .boxed_unsync(),
            OutboundBodySource::Streamed(slot) => {
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
                    headers.insert(CONTENT_LENGTH, HeaderValue::from(length));
                }
                StreamBody::new(stream.map_ok(Frame::data)).boxed_unsync()
            }
        };
        let mut request = Request::new(body);
        *request.method_mut() = self.method.clone();
        *request.uri_mut() = self.uri.clone();
        *request.headers_mut() = headers;

        let started = Instant::now();
        // NOTE: counted from the start of the attempt, connection and upload
        // included, as reqwest did before. receiveTimeout is meant to start
        // once the request is sent, so an upload slower than receiveTimeout
        // times out here.
        let receive_timeout = context.connection.receive_timeout;
        let result =
            tokio::time::timeout(receive_timeout, context.pool.transport.send(request)).await;
        context
            .client
            .shared
            .metrics()
            .observe_latency(&context.connection.id, started.elapsed().as_secs_f64());
        let response = match result {
            Ok(Ok(response)) => response,
            Ok(Err(error)) => return Err(endpoint_error(context, &error)),
            Err(_) => return Err(receive_timed_out(context)),
        };
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
    response: Response<Incoming>,
) -> CallResponse {
    let status = response.status();
    let (parts, body) = response.into_parts();
    let mut headers = parts.headers;
    strip_hop_by_hop(&mut headers);
    let return_code = if status.is_success() { 0 } else { 1 };

    let receive_timeout = context.connection.receive_timeout;
    let stream = BodyDataStream::new(body)
        .map_err(|error| io::Error::other(error_chain(&error)))
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

fn receive_timed_out(context: &CallContext<'_>) -> CallError {
    let connection = context.connection;
    CallError::new(
        ErrorKind::EndpointReceiveTimedOut,
        format!(
            "Endpoint connection '{}' ({}:{}) of API requester '{}' sent no response within \
             receiveTimeout ({} ms). Check the endpoint, or raise receiveTimeout.",
            connection.id,
            connection.host,
            connection.port,
            context.requester,
            connection.receive_timeout.as_millis()
        ),
    )
}

/// Maps a failed attempt to the error the caller receives.
fn endpoint_error(context: &CallContext<'_>, error: &TransportError) -> CallError {
    let connection = context.connection;
    let requester = context.requester;
    let connect_timeout = find_in_chain::<ConnectTimedOut>(error).is_some();
    let connect = error.is_connect();
    let tls_error = find_in_chain::<rustls::Error>(error).map(ToString::to_string);
    let head_too_large =
        find_in_chain::<hyper::Error>(error).is_some_and(hyper::Error::is_parse_too_large);
    let details = error_chain(error);
    let address = format!("{}:{}", connection.host, connection.port);

    let error = if connect_timeout {
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

/// Finds an error of type `T` in the chain behind `error`.
///
/// `io::Error::source()` skips the error it wraps, and the TLS and connector
/// layers wrap theirs in `io::Error`s, so each `io::Error` in the chain is
/// opened with `get_ref()` instead.
fn find_in_chain<'a, T: std::error::Error + 'static>(
    error: &'a (dyn std::error::Error + 'static),
) -> Option<&'a T> {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = cause {
        if let Some(found) = current.downcast_ref::<T>() {
            return Some(found);
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
