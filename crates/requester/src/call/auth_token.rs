//! Calls to an endpoint protected by a `zosconnect_authToken` token.

use crate::call::send::Outbound;
use crate::call::{unavailable, CallContext};
use crate::credentials::CallerCredentials;
use crate::error::CallError;

pub(super) async fn send_with_auth_token(
    context: &CallContext<'_>,
    token_id: &str,
    _credentials: &CallerCredentials,
    _outbound: &mut Outbound,
) -> Result<reqwest::Response, CallError> {
    // TODO: replaced once the authToken request and response module exists.
    Err(unavailable(
        context,
        format!("zosconnect_authToken '{token_id}' is not supported yet"),
    ))
}
