//! One API requester call end to end: check the path, build the endpoint URL,
//! filter the headers, add credentials, send, apply the 401 rule, and pass
//! the response on as a stream.

mod auth_token;
pub(crate) mod oauth;
mod send;

use std::fmt;

use base64::Engine;
use http::header::{HeaderName, HeaderValue, AUTHORIZATION};
use http::{HeaderMap, Method, StatusCode};
use zconnect_config::model::{Authentication, EndpointConnection};

use crate::body::{RequestBody, ResponseBody};
use crate::client::{Client, EndpointPool};
use crate::credentials::CallerCredentials;
use crate::error::{CallError, ErrorKind};
use crate::forward::{endpoint_url, has_dot_segment, strip_unforwarded};

use send::{endpoint_uri, into_call_response, Outbound};

/// Where a call goes. The admin crate has already resolved the requester
/// (name, status, archive operation, caller authentication).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallTarget {
    pub requester: String,
    /// Endpoint connection id.
    pub connection: String,
    /// The archive's base path, empty when the requester has no archive.
    pub base_path: String,
}

/// The caller's request.
#[derive(Debug)]
pub struct CallRequest {
    pub method: Method,
    /// Operation path after `/apiRequesters/{name}`, starting with `/`,
    /// percent-encoding as received.
    pub path: String,
    pub query: Option<String>,
    /// Headers as received. Hop-by-hop headers, `Host`, `Authorization` and
    /// the `BAQHAPI-*` credential headers (read here) are not forwarded.
    pub headers: HeaderMap,
    pub body: RequestBody,
}

/// The endpoint's response, passed on to the caller.
pub struct CallResponse {
    pub status: StatusCode,
    /// The endpoint's headers minus hop-by-hop ones.
    pub headers: HeaderMap,
    /// `BAQ-Return-Code`: 0 for a 2xx status, 1 otherwise.
    pub return_code: u8,
    pub body: ResponseBody,
}

impl fmt::Debug for CallResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallResponse")
            .field("status", &self.status)
            .field("return_code", &self.return_code)
            .finish_non_exhaustive()
    }
}

/// What every step of one call needs.
pub(crate) struct CallContext<'a> {
    pub(crate) client: &'a Client,
    pub(crate) requester: &'a str,
    pub(crate) connection: &'a EndpointConnection,
    pub(crate) pool: &'a EndpointPool,
}

impl Client {
    /// Makes one API requester call to `target.connection`. Logs a failure
    /// at warn once, a success at debug, and counts either.
    pub async fn call(
        &self,
        target: &CallTarget,
        request: CallRequest,
    ) -> Result<CallResponse, CallError> {
        let outcome = self.call_endpoint(target, request).await;

        let metrics = self.shared.metrics();
        match &outcome {
            Ok(response) => {
                let result = if response.return_code == 0 {
                    "success"
                } else {
                    "endpoint_status"
                };
                metrics.count_call(&target.requester, result);
                tracing::debug!(
                    requester = %target.requester,
                    connection = %target.connection,
                    status = response.status.as_u16(),
                    "API requester call completed"
                );
            }
            Err(error) => {
                metrics.count_call(&target.requester, error.kind().label());
                tracing::warn!(
                    requester = %target.requester,
                    connection = %target.connection,
                    status = error.status().as_u16(),
                    details = error.details().unwrap_or(""),
                    "{error}"
                );
            }
        }
        outcome
    }

    async fn call_endpoint(
        &self,
        target: &CallTarget,
        request: CallRequest,
    ) -> Result<CallResponse, CallError> {
        let requester = target.requester.as_str();
        let (connection, pool) = self.connection(target)?;
        let context = CallContext {
            client: self,
            requester,
            connection,
            pool,
        };

        if has_dot_segment(&request.path) {
            return Err(CallError::new(
                ErrorKind::DotSegment,
                format!(
                    "The operation path of the call to API requester '{requester}' contains a '.' or \
                     '..' segment (also when written as %2e, or set off by %2f, %5c or a backslash), \
                     which could leave the endpoint's base path. Send the path without dot segments."
                ),
            ));
        }
        let origin = self.endpoint_origins.get(&target.connection);
        let url = match origin {
            Some(origin) => origin.url(&target.base_path, &request.path, request.query.as_deref()),
            None => endpoint_url(
                connection,
                &target.base_path,
                &request.path,
                request.query.as_deref(),
            ),
        };

        let credentials = CallerCredentials::from_headers(&request.headers).map_err(|error| {
            CallError::new(
                ErrorKind::MalformedCredentialHeader,
                format!("The call to API requester '{requester}' has an invalid credential header: {error}."),
            )
        })?;
        let mut headers = request.headers;
        strip_unforwarded(&mut headers);

        let max_buffered = self.shared.options().max_buffered_body;
        let body = request.body.prepare(max_buffered).await.map_err(|error| {
            CallError::new(
                ErrorKind::Internal,
                format!("The request body of the call to API requester '{requester}' could not be read."),
            )
            .with_details(error.to_string())
        })?;
        let uri = match origin.and_then(|origin| origin.plain_uri(&url)) {
            Some(uri) => uri,
            None => endpoint_uri(&context, origin.and_then(|origin| origin.parse(&url)), &url)?,
        };
        let mut outbound = Outbound::new(request.method, uri, headers, body);

        let response = match &connection.authentication {
            Some(Authentication::OAuth(oauth_id)) => {
                oauth::send_with_oauth(&context, oauth_id, &credentials, &mut outbound).await?
            }
            Some(Authentication::AuthToken(token_id)) => {
                auth_token::send_with_auth_token(&context, token_id, &credentials, &mut outbound)
                    .await?
            }
            None => {
                let credential = self.basic_credential(&context)?;
                outbound.send(&context, credential).await?
            }
        };
        Ok(into_call_response(&context, response))
    }

    fn connection(
        &self,
        target: &CallTarget,
    ) -> Result<(&EndpointConnection, &EndpointPool), CallError> {
        let connection = self.config.endpoint_connections.get(&target.connection);
        let pool = self.endpoints.get(&target.connection);
        match (connection, pool) {
            (Some(connection), Some(pool)) => Ok((connection, pool)),
            (Some(connection), None) => {
                let cause = self
                    .endpoint_pool_problem(&connection.id)
                    .unwrap_or("no HTTP client was built for it");
                Err(CallError::new(
                    ErrorKind::RequesterUnavailable,
                    format!(
                        "API requester '{}' cannot call endpoint connection '{}': its HTTP client \
                         could not be built: {cause}. Correct the connection's TLS settings \
                         (sslCertsRef and its key stores) and reload.",
                        target.requester, connection.id
                    ),
                ))
            }
            _ => Err(CallError::new(
                ErrorKind::RequesterUnavailable,
                format!(
                    "API requester '{}' names endpoint connection '{}', which is not in the current \
                     configuration. Define zosconnect_endpointConnection '{}' or bind the requester to \
                     another connection.",
                    target.requester, target.connection, target.connection
                ),
            )),
        }
    }

    /// The `Authorization: Basic` header from the connection's `basicAuthRef`.
    fn basic_credential(
        &self,
        context: &CallContext<'_>,
    ) -> Result<Option<(HeaderName, HeaderValue)>, CallError> {
        let Some(auth_data_id) = &context.connection.basic_auth else {
            return Ok(None);
        };
        let auth_data = self.config.auth_data.get(auth_data_id).ok_or_else(|| {
            unavailable(
                context,
                format!("its basicAuthRef names zosconnect_authData '{auth_data_id}', which is not in the configuration"),
            )
        })?;
        let password = auth_data
            .password
            .as_ref()
            .map(|password| password.expose())
            .unwrap_or("");
        let encoded = base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{password}", auth_data.user));
        let mut value = HeaderValue::from_str(&format!("Basic {encoded}")).map_err(|_| {
            unavailable(
                context,
                format!("zosconnect_authData '{auth_data_id}' cannot be sent as HTTP Basic"),
            )
        })?;
        value.set_sensitive(true);
        Ok(Some((AUTHORIZATION, value)))
    }
}

/// Builds the 503 for a connection whose configuration cannot work, with
/// `problem` describing what is wrong.
pub(crate) fn unavailable(context: &CallContext<'_>, problem: String) -> CallError {
    CallError::new(
        ErrorKind::RequesterUnavailable,
        format!(
            "API requester '{}' cannot call endpoint connection '{}': {problem}. Correct the configuration.",
            context.requester, context.connection.id
        ),
    )
}

/// Joins an error and its sources with `: `, the way the details of a failure
/// are shown.
pub(crate) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}
