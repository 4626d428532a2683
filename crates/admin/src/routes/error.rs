//! Error responses of the admin API and of the API requester route, in the shape
//! z/OS Connect's admin API uses: `{"errorMessage": "<id>: <text>", "errorDetails": "..."}`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// Header that carries the communication stub's return code on API requester calls.
pub const RETURN_CODE_HEADER: &str = "BAQ-Return-Code";

/// Return code of a call that failed in zconnect or could not reach the endpoint.
pub const RETURN_CODE_FAILED: u8 = 2;

/// An error response with its status and message id.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub id: &'static str,
    pub message: String,
    pub details: String,
    /// Set on API requester calls, where every response carries `BAQ-Return-Code`.
    pub return_code: Option<u8>,
    /// Set on 401 answers: the `WWW-Authenticate` challenge.
    pub challenge: bool,
}

impl ApiError {
    pub fn new(status: StatusCode, id: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            id,
            message: message.into(),
            details: String::new(),
            return_code: None,
            challenge: false,
        }
    }

    pub fn details(mut self, details: impl Into<String>) -> Self {
        self.details = details.into();
        self
    }

    /// Marks the error as the answer to an API requester call (return code 2).
    pub fn for_call(mut self) -> Self {
        self.return_code = Some(RETURN_CODE_FAILED);
        self
    }

    /// Adds `WWW-Authenticate: Basic realm="zconnect"` so that clients send credentials.
    pub fn with_challenge(mut self) -> Self {
        self.challenge = true;
        self
    }

    pub fn body(&self) -> serde_json::Value {
        serde_json::json!({
            "errorMessage": format!("{}: {}", self.id, self.message),
            "errorDetails": self.details,
        })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(self.body())).into_response();
        if let Some(code) = self.return_code {
            response
                .headers_mut()
                .insert(RETURN_CODE_HEADER, HeaderValue::from(u16::from(code)));
        }
        if self.challenge {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"zconnect\""),
            );
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_has_id_prefix_and_details() {
        let error = ApiError::new(
            StatusCode::NOT_FOUND,
            "ZCN8710E",
            "No API requester named x.",
        )
        .details("Known API requesters: a, b.");
        assert_eq!(
            error.body(),
            serde_json::json!({
                "errorMessage": "ZCN8710E: No API requester named x.",
                "errorDetails": "Known API requesters: a, b.",
            })
        );
    }

    #[test]
    fn call_error_sets_return_code_two() {
        let response = ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "ZCN8711E", "stopped")
            .for_call()
            .into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            response.headers().get(RETURN_CODE_HEADER),
            Some(&HeaderValue::from_static("2"))
        );
    }

    #[test]
    fn challenge_adds_basic_www_authenticate() {
        let response = ApiError::new(StatusCode::UNAUTHORIZED, "ZCN8714E", "credentials")
            .with_challenge()
            .into_response();
        assert_eq!(
            response.headers().get(header::WWW_AUTHENTICATE),
            Some(&HeaderValue::from_static("Basic realm=\"zconnect\""))
        );
    }
}
