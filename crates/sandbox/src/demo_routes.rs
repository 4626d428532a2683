//! Opt-in API routes for `zconnect demo`. Two paths always respond 401, one
//! with a Bearer `error="invalid_token"` challenge and one with a Bearer
//! challenge that has no `error`, so that both `tokenRetryCheckLevel` values
//! can be seen against each kind of 401.

use crate::reply::Reply;

/// Path that rejects every request with 401 and a Bearer
/// `error="invalid_token"` challenge, which both retry levels retry.
pub const REJECT_INVALID_TOKEN_PATH: &str = "/demo/reject/invalid-token";

/// Path that rejects every request with 401 and a Bearer challenge without an
/// `error` parameter, which only level 1 retries.
pub const REJECT_NO_CHALLENGE_PATH: &str = "/demo/reject/no-challenge";

/// `WWW-Authenticate` of [`REJECT_INVALID_TOKEN_PATH`].
pub const INVALID_TOKEN_CHALLENGE: &str = r#"Bearer realm="demo", error="invalid_token", error_description="This demo route rejects every token""#;

/// `WWW-Authenticate` of [`REJECT_NO_CHALLENGE_PATH`]: a Bearer challenge, but
/// no `invalid_token` error in it.
pub const NO_INVALID_TOKEN_CHALLENGE: &str = r#"Bearer realm="demo""#;

/// Returns the 401 for a demo path, or `None` for any other path.
/// `token_number` is the position of the request's token among the tokens
/// the sandbox issued (1 for the first), shown in the body so that a caller
/// can see whether a retry used a new token.
pub(crate) fn reply(path: &str, token_number: Option<usize>) -> Option<Reply> {
    let (challenge, error) = match path {
        REJECT_INVALID_TOKEN_PATH => (INVALID_TOKEN_CHALLENGE, "invalid_token"),
        REJECT_NO_CHALLENGE_PATH => (NO_INVALID_TOKEN_CHALLENGE, "rejected"),
        _ => return None,
    };
    let body = serde_json::json!({
        "error": error,
        "path": path,
        "tokenNumber": token_number,
    });
    Some(Reply::json(401, &body).header("www-authenticate", challenge))
}
