//! The one error type of a failed API requester call, with the fixed mapping
//! from each condition to an HTTP status, a `BAQ-Return-Code` and a message id.

use std::fmt;

use http::StatusCode;

/// The condition that made a call fail. Each kind has one status, one return
/// code and one message id, so every layer that reports a failure maps it the
/// same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// No API requester has the name in the path.
    UnknownRequester,
    /// The method and path match no operation of the requester's archive.
    NotAnOperation,
    /// The operation path contains a `.` or `..` segment, plain or
    /// percent-encoded.
    DotSegment,
    /// A `BAQHAPI-*` credential header cannot be read (custom parameters or
    /// custom headers not in `name=value,...` form).
    MalformedCredentialHeader,
    /// The grant needs caller credentials that the call does not carry.
    MissingCallerCredentials,
    /// The request body is over the maximum size.
    BodyTooLarge,
    /// The caller sent no valid credentials for zconnect.
    CallerNotAuthenticated,
    /// The caller is authenticated but not in a group allowed to call.
    CallerNotAuthorized,
    /// The requester is stopped, has no connection, or its configuration is
    /// invalid.
    RequesterUnavailable,
    /// The token request failed: refused connection, DNS or TLS failure, an
    /// error answer or an unreadable answer.
    TokenRequestFailed,
    /// The authorization server sent no response within its timeouts.
    TokenRequestTimedOut,
    /// An earlier token request for the same credentials failed and its pause
    /// has not ended.
    TokenRequestPaused,
    /// The endpoint refused the connection, or DNS or TLS failed.
    EndpointUnreachable,
    /// The connection to the endpoint was not open within `connectionTimeout`.
    EndpointConnectTimedOut,
    /// The endpoint sent no response headers within `receiveTimeout`.
    EndpointReceiveTimedOut,
    /// A fault in zconnect itself.
    Internal,
}

impl ErrorKind {
    /// The HTTP status the caller receives.
    pub fn status(self) -> StatusCode {
        match self {
            ErrorKind::UnknownRequester | ErrorKind::NotAnOperation => StatusCode::NOT_FOUND,
            ErrorKind::DotSegment
            | ErrorKind::MalformedCredentialHeader
            | ErrorKind::MissingCallerCredentials => StatusCode::BAD_REQUEST,
            ErrorKind::BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorKind::CallerNotAuthenticated => StatusCode::UNAUTHORIZED,
            ErrorKind::CallerNotAuthorized => StatusCode::FORBIDDEN,
            ErrorKind::RequesterUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            ErrorKind::TokenRequestFailed
            | ErrorKind::TokenRequestPaused
            | ErrorKind::EndpointUnreachable => StatusCode::BAD_GATEWAY,
            ErrorKind::TokenRequestTimedOut
            | ErrorKind::EndpointConnectTimedOut
            | ErrorKind::EndpointReceiveTimedOut => StatusCode::GATEWAY_TIMEOUT,
            ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The `BAQ-Return-Code`: 4 when the endpoint sent no response headers in
    /// time, 2 for every other failure.
    pub fn return_code(self) -> u8 {
        match self {
            ErrorKind::EndpointReceiveTimedOut => 4,
            _ => 2,
        }
    }

    /// The message id. `ZCN1132E` and `ZCN7033E` share their digits with
    /// z/OS Connect's BAQR1132E (not an operation of the API requester) and
    /// BAQR7033E (internal server error); the rest are zconnect's own.
    pub fn message_id(self) -> &'static str {
        match self {
            ErrorKind::UnknownRequester => "ZCN8501E",
            ErrorKind::NotAnOperation => "ZCN1132E",
            ErrorKind::DotSegment => "ZCN8502E",
            ErrorKind::MalformedCredentialHeader => "ZCN8503E",
            ErrorKind::MissingCallerCredentials => "ZCN8504E",
            ErrorKind::BodyTooLarge => "ZCN8505E",
            ErrorKind::CallerNotAuthenticated => "ZCN8506E",
            ErrorKind::CallerNotAuthorized => "ZCN8507E",
            ErrorKind::RequesterUnavailable => "ZCN8508E",
            ErrorKind::TokenRequestFailed => "ZCN8510E",
            ErrorKind::TokenRequestTimedOut => "ZCN8511E",
            ErrorKind::TokenRequestPaused => "ZCN8512E",
            ErrorKind::EndpointUnreachable => "ZCN8520E",
            ErrorKind::EndpointConnectTimedOut => "ZCN8521E",
            ErrorKind::EndpointReceiveTimedOut => "ZCN8522E",
            ErrorKind::Internal => "ZCN7033E",
        }
    }

    /// A short snake_case name for metric labels and log fields.
    pub fn label(self) -> &'static str {
        match self {
            ErrorKind::UnknownRequester => "unknown_requester",
            ErrorKind::NotAnOperation => "not_an_operation",
            ErrorKind::DotSegment => "dot_segment",
            ErrorKind::MalformedCredentialHeader => "malformed_credential_header",
            ErrorKind::MissingCallerCredentials => "missing_caller_credentials",
            ErrorKind::BodyTooLarge => "body_too_large",
            ErrorKind::CallerNotAuthenticated => "caller_not_authenticated",
            ErrorKind::CallerNotAuthorized => "caller_not_authorized",
            ErrorKind::RequesterUnavailable => "requester_unavailable",
            ErrorKind::TokenRequestFailed => "token_request_failed",
            ErrorKind::TokenRequestTimedOut => "token_request_timed_out",
            ErrorKind::TokenRequestPaused => "token_request_paused",
            ErrorKind::EndpointUnreachable => "endpoint_unreachable",
            ErrorKind::EndpointConnectTimedOut => "endpoint_connect_timed_out",
            ErrorKind::EndpointReceiveTimedOut => "endpoint_receive_timed_out",
            ErrorKind::Internal => "internal",
        }
    }

    /// Every kind, for tables and docs.
    pub const ALL: &'static [ErrorKind] = &[
        ErrorKind::UnknownRequester,
        ErrorKind::NotAnOperation,
        ErrorKind::DotSegment,
        ErrorKind::MalformedCredentialHeader,
        ErrorKind::MissingCallerCredentials,
        ErrorKind::BodyTooLarge,
        ErrorKind::CallerNotAuthenticated,
        ErrorKind::CallerNotAuthorized,
        ErrorKind::RequesterUnavailable,
        ErrorKind::TokenRequestFailed,
        ErrorKind::TokenRequestTimedOut,
        ErrorKind::TokenRequestPaused,
        ErrorKind::EndpointUnreachable,
        ErrorKind::EndpointConnectTimedOut,
        ErrorKind::EndpointReceiveTimedOut,
        ErrorKind::Internal,
    ];
}

/// A failed API requester call: the condition, a sentence for the caller that
/// names the requester, connection or authorization server and what to do,
/// and optional details (the underlying error). Neither text ever contains a
/// secret: callers of [`CallError::new`] build them from names and settings
/// only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallError {
    kind: ErrorKind,
    message: String,
    details: Option<String>,
}

impl CallError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> CallError {
        CallError {
            kind,
            message: message.into(),
            details: None,
        }
    }

    /// Adds the underlying cause, shown as `errorDetails`.
    pub fn with_details(mut self, details: impl Into<String>) -> CallError {
        self.details = Some(details.into());
        self
    }

    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    pub fn status(&self) -> StatusCode {
        self.kind.status()
    }

    pub fn return_code(&self) -> u8 {
        self.kind.return_code()
    }

    pub fn message_id(&self) -> &'static str {
        self.kind.message_id()
    }

    /// The sentence for the caller, without the message id.
    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn details(&self) -> Option<&str> {
        self.details.as_deref()
    }

    /// Tells whether the failure is a timeout, of the endpoint or of the
    /// authorization server.
    pub fn is_timeout(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::TokenRequestTimedOut
                | ErrorKind::EndpointConnectTimedOut
                | ErrorKind::EndpointReceiveTimedOut
        )
    }

    /// The response body: `{"errorMessage": "<id>: <text>", "errorDetails": "..."}`.
    /// `errorDetails` is empty when there are none.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "errorMessage": format!("{}: {}", self.message_id(), self.message),
            "errorDetails": self.details.as_deref().unwrap_or(""),
        })
    }
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.message_id(), self.message)
    }
}

impl std::error::Error for CallError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_and_return_code_follow_the_table() {
        let table = [
            (ErrorKind::UnknownRequester, 404, 2),
            (ErrorKind::NotAnOperation, 404, 2),
            (ErrorKind::DotSegment, 400, 2),
            (ErrorKind::MalformedCredentialHeader, 400, 2),
            (ErrorKind::MissingCallerCredentials, 400, 2),
            (ErrorKind::BodyTooLarge, 413, 2),
            (ErrorKind::CallerNotAuthenticated, 401, 2),
            (ErrorKind::CallerNotAuthorized, 403, 2),
            (ErrorKind::RequesterUnavailable, 503, 2),
            (ErrorKind::TokenRequestFailed, 502, 2),
            (ErrorKind::TokenRequestTimedOut, 504, 2),
            (ErrorKind::TokenRequestPaused, 502, 2),
            (ErrorKind::EndpointUnreachable, 502, 2),
            (ErrorKind::EndpointConnectTimedOut, 504, 2),
            (ErrorKind::EndpointReceiveTimedOut, 504, 4),
            (ErrorKind::Internal, 500, 2),
        ];
        assert_eq!(table.len(), ErrorKind::ALL.len());
        for (kind, status, return_code) in table {
            assert_eq!(kind.status().as_u16(), status, "{kind:?}");
            assert_eq!(kind.return_code(), return_code, "{kind:?}");
        }
    }

    #[test]
    fn message_ids_are_distinct_and_well_formed() {
        let mut ids: Vec<&str> = ErrorKind::ALL
            .iter()
            .map(|kind| kind.message_id())
            .collect();
        for id in &ids {
            assert_eq!(id.len(), 8, "{id}");
            assert!(id.starts_with("ZCN"), "{id}");
            assert!(id[3..7].bytes().all(|byte| byte.is_ascii_digit()), "{id}");
            assert!(id.ends_with('E'), "{id}");
        }
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), ErrorKind::ALL.len());
    }

    #[test]
    fn message_ids_are_in_the_catalog() {
        let catalog = zconnect_config::diagnostics::catalog::ALL;
        for kind in ErrorKind::ALL {
            let id = kind.message_id();
            assert!(catalog.iter().any(|def| def.id == id), "{id} of {kind:?}");
        }
    }

    #[test]
    fn json_carries_id_text_and_details() {
        let error = CallError::new(ErrorKind::DotSegment, "The path contains '..'.")
            .with_details("path /a/../b");

        let json = error.to_json();

        assert_eq!(json["errorMessage"], "ZCN8502E: The path contains '..'.");
        assert_eq!(json["errorDetails"], "path /a/../b");
    }

    #[test]
    fn json_details_empty_when_absent() {
        let error = CallError::new(ErrorKind::Internal, "Failed.");

        assert_eq!(error.to_json()["errorDetails"], "");
    }
}
