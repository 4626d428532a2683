//! `/apiRequesters/{name}/{path...}`: one API requester call.
//!
//! The route resolves the requester in one snapshot, authenticates and
//! authorizes the caller, checks the requester's status and connection,
//! matches the method and path against the operations of the requester's
//! archive, limits the body, and hands the call to the requester crate.
//! Every response carries `BAQ-Return-Code`.
//!
//! The caller is checked first so that a caller who must authenticate learns
//! nothing about the requesters (missing, stopped) before doing so. Calls
//! rejected here are counted and logged here; the requester crate counts and
//! logs the calls it makes.

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures_util::{Stream, StreamExt, TryStreamExt};
use zconnect_config::archive::{OperationMatch, Requester};
use zconnect_config::model::RequesterStatus;
use zconnect_requester::metrics::CallLabels;
use zconnect_requester::{CallError, CallRequest, CallTarget, ErrorKind, RequestBody};

use super::error::RETURN_CODE_HEADER;
use crate::auth::{authenticate, AuthFailure};
use crate::state::{AppState, Snapshot};

const PREFIX: &str = "/apiRequesters/";

/// Handles every method on `/apiRequesters/{name}` and below.
pub async fn call(State(state): State<Arc<AppState>>, request: Request) -> Response {
    // One load per call: a reload during the call never mixes two configurations.
    let snapshot = state.snapshot.load_full();
    let (parts, body) = request.into_parts();

    let Some((name, operation_path)) = split_path(parts.uri.path()) else {
        return rejected(
            &state,
            &snapshot,
            "",
            CallError::new(
                ErrorKind::UnknownRequester,
                "The path names no API requester: use /apiRequesters/{name}/{operation path}.",
            ),
        );
    };

    let target = match resolve(&state, &snapshot, name, &parts).await {
        Ok(target) => target,
        Err(error) => return rejected(&state, &snapshot, name, error),
    };

    let max = state.options.max_request_body;
    let declared_length = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok());
    if declared_length.is_some_and(|length| length > max) {
        let error = body_too_large(&target.requester, max);
        return rejected(&state, &snapshot, &target.requester, error);
    }

    let over_limit = Arc::new(AtomicBool::new(false));
    let stream = LimitedBody {
        inner: body
            .into_data_stream()
            .map_err(|error| io::Error::other(error.to_string()))
            .boxed(),
        remaining: max,
        over_limit: over_limit.clone(),
    };
    let call_request = CallRequest {
        method: parts.method,
        path: operation_path.to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts.headers,
        body: RequestBody::from_stream(stream, declared_length),
    };

    match snapshot.client.call(&target, call_request).await {
        Ok(answer) => {
            let mut response = Response::new(Body::from_stream(answer.body));
            *response.status_mut() = answer.status;
            *response.headers_mut() = answer.headers;
            response.headers_mut().insert(
                RETURN_CODE_HEADER,
                HeaderValue::from(u16::from(answer.return_code)),
            );
            response
        }
        Err(_) if over_limit.load(Ordering::Relaxed) => {
            failure(body_too_large(&target.requester, max))
        }
        Err(error) => failure(error),
    }
}

/// Splits `/apiRequesters/{name}/{rest}` into the name and `/{rest}`, keeping
/// the percent-encoding of the rest as received.
fn split_path(path: &str) -> Option<(&str, &str)> {
    let rest = path.strip_prefix(PREFIX)?;
    let (name, operation) = match rest.find('/') {
        Some(slash) => (&rest[..slash], &rest[slash..]),
        None => (rest, "/"),
    };
    (!name.is_empty()).then_some((name, operation))
}

/// Logs and counts a call rejected before it reached the requester crate,
/// then answers it. A name that no requester has is the caller's own text,
/// so it never becomes a metric label, and it is logged at info: callers who
/// are not authenticated must not be able to flood the warnings.
fn rejected(state: &AppState, snapshot: &Snapshot, name: &str, error: CallError) -> Response {
    let known = snapshot.requester(name).is_some();
    let label = if known { name } else { "" };
    state
        .shared
        .metrics()
        .calls
        .get_or_create(&CallLabels {
            requester: label.to_owned(),
            result: error.kind().label().to_owned(),
        })
        .inc();

    if known {
        tracing::warn!(requester = %name, "{} {}", error.message_id(), error.message());
    } else {
        tracing::info!(requester = %name, "{} {}", error.message_id(), error.message());
    }
    failure(error)
}

/// Finds the requester and checks caller, status, connection and operation.
async fn resolve(
    state: &AppState,
    snapshot: &Snapshot,
    name: &str,
    request: &axum::http::request::Parts,
) -> Result<CallTarget, CallError> {
    let config = &snapshot.loaded.config;
    let found = snapshot.requester(name);

    // A name no requester has gets the settings every requester inherits, so
    // that where callers must authenticate, a missing requester answers 401
    // like an existing one.
    let (require_auth, invoke_groups) = match found {
        Some(requester) => (
            requester.settings.require_auth,
            requester.settings.invoke_groups.as_slice(),
        ),
        None => (config.api_requesters.defaults.require_auth, &[][..]),
    };
    if require_auth {
        check_caller(config, name, invoke_groups, &request.headers).await?;
    }

    let requester = found.ok_or_else(|| {
        CallError::new(
            ErrorKind::UnknownRequester,
            format!("No API requester is named {name}."),
        )
        .with_details("Deploy its .ara archive, or declare it in server.xml as an apiRequester inside zosconnect_apiRequesters, or check the name in the path.")
    })?;

    if state.requester_status(requester) == RequesterStatus::Stopped {
        return Err(CallError::new(
            ErrorKind::RequesterUnavailable,
            format!("The API requester {name} is stopped."),
        )
        .with_details(format!(
            "Start it with PUT /zosConnect/apiRequesters/{name}?status=started."
        )));
    }

    let Some(connection) = requester.connection.clone() else {
        return Err(CallError::new(
            ErrorKind::RequesterUnavailable,
            format!("The API requester {name} has no endpoint connection."),
        )
        .with_details(
            "Set connectionRef on an apiRequester element of that name to a zosconnect_endpointConnection id, or rebuild its archive with a connectionRef.",
        ));
    };
    if !config.endpoint_connections.contains_key(&connection) {
        return Err(CallError::new(
            ErrorKind::RequesterUnavailable,
            format!("The endpoint connection {connection} of API requester {name} is not valid."),
        )
        .with_details(
            "GET /zosConnect/config/status lists the diagnostics of the configuration.",
        ));
    }

    check_operation(requester, request)?;

    Ok(CallTarget {
        requester: requester.name.clone(),
        connection,
        base_path: requester.base_path.clone(),
    })
}

/// Checks that the method and operation path are an operation of the
/// requester's archive. A requester without an archive accepts any.
fn check_operation(
    requester: &Requester,
    request: &axum::http::request::Parts,
) -> Result<(), CallError> {
    let method = request.method.as_str();
    let path = split_path(request.uri.path()).map_or("/", |(_, path)| path);
    match requester.match_operation(method, path) {
        OperationMatch::Operation(_) | OperationMatch::Unrestricted => Ok(()),
        OperationMatch::NotDefined => {
            let declared: Vec<String> = requester
                .operations
                .iter()
                .flatten()
                .map(|operation| format!("{} {}", operation.method, operation.relative_path))
                .collect();
            Err(CallError::new(
                ErrorKind::NotAnOperation,
                requester.operation_not_defined_message(method, path),
            )
            .with_details(format!(
                "Operations of the archive: {}.",
                declared.join(", ")
            )))
        }
    }
}

/// Authenticates the caller and checks that it is in one of `invoke_groups`
/// (any caller when there are none).
async fn check_caller(
    config: &zconnect_config::Config,
    name: &str,
    invoke_groups: &[String],
    headers: &axum::http::HeaderMap,
) -> Result<(), CallError> {
    let caller = authenticate(config, headers).await.map_err(|failure| match failure {
        AuthFailure::NoRegistry => CallError::new(
            ErrorKind::CallerNotAuthenticated,
            format!("The API requester {name} requires authenticated callers but no user registry is configured."),
        )
        .with_details("Add a basicRegistry with the calling users, or set requireAuth=\"false\" on zosconnect_zosConnectManager, zosconnect_apiRequesters or the apiRequester."),
        AuthFailure::MissingCredentials => CallError::new(
            ErrorKind::CallerNotAuthenticated,
            format!("The API requester {name} requires HTTP Basic credentials of a basicRegistry user."),
        ),
        AuthFailure::MalformedCredentials | AuthFailure::WrongCredentials => CallError::new(
            ErrorKind::CallerNotAuthenticated,
            format!("The user name or password sent to API requester {name} is not valid."),
        ),
    })?;

    if !invoke_groups.is_empty() && !caller.in_any(invoke_groups) {
        return Err(CallError::new(
            ErrorKind::CallerNotAuthorized,
            format!(
                "User {} is not in an invokeGroup of API requester {name}.",
                caller.user
            ),
        )
        .with_details(format!("Allowed groups: {}.", invoke_groups.join(", "))));
    }
    Ok(())
}

fn body_too_large(requester: &str, max: u64) -> CallError {
    CallError::new(
        ErrorKind::BodyTooLarge,
        format!("The request body for API requester {requester} is larger than the maximum of {max} bytes."),
    )
    .with_details("Start zconnect with a larger --max-request-body to accept it.")
}

fn failure(error: CallError) -> Response {
    let mut response = (error.status(), axum::Json(error.to_json())).into_response();
    response.headers_mut().insert(
        RETURN_CODE_HEADER,
        HeaderValue::from(u16::from(error.return_code())),
    );
    if error.kind() == ErrorKind::CallerNotAuthenticated {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"zconnect\""),
        );
    }
    response
}

/// The caller's body, ended with an error once it passes the maximum size.
struct LimitedBody {
    inner: futures_util::stream::BoxStream<'static, Result<Bytes, io::Error>>,
    remaining: u64,
    over_limit: Arc<AtomicBool>,
}

impl Stream for LimitedBody {
    type Item = Result<Bytes, io::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        match this.inner.poll_next_unpin(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                let length = chunk.len() as u64;
                if length > this.remaining {
                    this.over_limit.store(true, Ordering::Relaxed);
                    return Poll::Ready(Some(Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "the request body is larger than --max-request-body",
                    ))));
                }
                this.remaining -= length;
                Poll::Ready(Some(Ok(chunk)))
            }
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::split_path;

    #[test]
    fn split_keeps_operation_path_encoding() {
        assert_eq!(
            split_path("/apiRequesters/pets_1.0.0/pets/a%2Fb"),
            Some(("pets_1.0.0", "/pets/a%2Fb"))
        );
    }

    #[test]
    fn split_without_operation_path_gives_slash() {
        assert_eq!(split_path("/apiRequesters/pets"), Some(("pets", "/")));
    }

    #[test]
    fn split_rejects_missing_name() {
        assert_eq!(split_path("/apiRequesters/"), None);
        assert_eq!(split_path("/other/pets"), None);
    }
}
