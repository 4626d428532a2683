//! Calls to an endpoint protected by OAuth 2.0: the token from the cache and
//! the 401 rule (`tokenRetryCheckLevel`, at most one retry, always with a
//! newer token, replacements limited by `tokenReplaceInterval`).

use std::collections::HashMap;
use std::sync::Arc;

use futures_util::FutureExt;
use http::header::{HeaderName, HeaderValue, AUTHORIZATION};
use http::StatusCode;
use zconnect_config::model::{AuthorizationServer, OAuthConfig};

use crate::call::send::Outbound;
use crate::call::{unavailable, CallContext};
use crate::client::{Client, Pool};
use crate::credentials::CallerCredentials;
use crate::error::{CallError, ErrorKind};
use crate::oauth::cache::{
    CacheKey, CachedToken, Fetch, OAuthKey, Replacement, SecretDigest, TokenError, TokenFailureKind,
};
use crate::oauth::fetch::{token_deadline, TokenFetch};
use crate::oauth::request::{
    grant_type_value, resolve_inputs, TokenRequestError, TokenRequestInputs,
};
use crate::retry::{self, RetryReason};

/// Sends the call with a token for `oauth_id`, and once more with a newer
/// token when the 401 rule allows it.
pub(super) async fn send_with_oauth(
    context: &CallContext<'_>,
    oauth_id: &str,
    credentials: &CallerCredentials,
    outbound: &mut Outbound,
) -> Result<http::Response<hyper::body::Incoming>, CallError> {
    let config = &context.client.config;
    let oauth = config.oauth_configs.get(oauth_id).ok_or_else(|| {
        unavailable(
            context,
            format!("its authenticationConfigRef names zosconnect_oAuthConfig '{oauth_id}', which is not in the configuration"),
        )
    })?;
    let server = config.authorization_servers.get(&oauth.auth_server).ok_or_else(|| {
        unavailable(
            context,
            format!(
                "zosconnect_oAuthConfig '{oauth_id}' names zosconnect_authorizationServer '{}', which is not in the configuration",
                oauth.auth_server
            ),
        )
    })?;
    let server_pool = context
        .client
        .auth_server_pool(&server.id)
        .map_err(|problem| unavailable(context, problem))?;

    let prepared = credentials
        .is_empty()
        .then(|| context.client.oauth_prepared.get(oauth_id))
        .flatten();
    let computed;
    let (key, token_fetch) = match prepared {
        Some(prepared) => (&prepared.key, &prepared.fetch),
        None => {
            computed = prepare(context.client, oauth, server, server_pool, credentials)
                .map_err(|error| token_request_error(context, error))?;
            (&computed.key, &computed.fetch)
        }
    };
    let fetch = || -> Fetch { token_fetch.clone().run().boxed() };

    let cache = context.client.shared.token_cache();
    let metrics = context.client.shared.metrics();
    let lookup = cache
        .get(key, oauth.token_expiry_margin, fetch)
        .await
        .map_err(|error| token_error(context, server, error))?;
    if lookup.hit {
        metrics.token_cache_hits.inc();
    } else {
        metrics.token_cache_misses.inc();
    }

    let response = outbound
        .send(context, Some(bearer(context, server, &lookup.token)?))
        .await?;
    if response.status() != StatusCode::UNAUTHORIZED {
        return Ok(response);
    }

    let level = oauth.token_retry_check_level.number();
    let decision = retry::decide(oauth.token_retry_check_level, response.headers());
    if !decision.retry {
        log_decision(
            context,
            level,
            false,
            decision.reason.label(),
            &decision.reason.to_string(),
        );
        return Ok(response);
    }

    let rejected = lookup.token.serial;
    let margin = oauth.token_expiry_margin;
    let interval = oauth.token_replace_interval;

    if !outbound.replayable() {
        // The body has been sent and is gone, so this call cannot be retried,
        // but later calls should not get the rejected token again.
        let cache = Arc::clone(cache);
        let replacement_fetch = token_fetch.clone();
        let key = key.clone();
        tokio::spawn(async move {
            let fetch = || -> Fetch { replacement_fetch.run().boxed() };
            // The outcome reaches later calls through the cache.
            let _ = cache.replace(&key, rejected, margin, interval, fetch).await;
        });
        log_decision(
            context,
            level,
            false,
            "streamed_body",
            &format!(
                "{}, but the request body was streamed because it is over the maximum buffered size, so it cannot be sent again",
                decision.reason
            ),
        );
        return Ok(response);
    }

    let replacement = cache
        .replace(key, rejected, margin, interval, fetch)
        .await
        .map_err(|error| token_error(context, server, error))?;
    let token = match replacement {
        Replacement::Limited => {
            let reason = RetryReason::ReplacementLimited;
            log_decision(context, level, false, reason.label(), &reason.to_string());
            return Ok(response);
        }
        Replacement::Newer(token) | Replacement::Fetched(token) => token,
    };

    log_decision(
        context,
        level,
        true,
        decision.reason.label(),
        &decision.reason.to_string(),
    );
    drop(response);
    outbound
        .send(context, Some(bearer(context, server, &token)?))
        .await
}

/// The token cache key and token request of one oAuthConfig for one set of
/// caller credentials.
pub(crate) struct PreparedOAuth {
    key: CacheKey,
    fetch: TokenFetch,
}

/// Prepares, once per configuration, the key and token request of every
/// oAuthConfig that calls without credential headers use. Both then depend
/// only on server.xml, and the SHA-256 digests of the key cost more than the
/// rest of the call's own work. An oAuthConfig that cannot work without
/// caller credentials is left out; its calls prepare their own and fail there
/// with the usual error.
pub(crate) fn prepare_without_credentials(client: &Client) -> HashMap<String, PreparedOAuth> {
    let config = &client.config;
    let none = CallerCredentials::default();
    let mut prepared = HashMap::new();
    for (id, oauth) in &config.oauth_configs {
        let Some(server) = config.authorization_servers.get(&oauth.auth_server) else {
            continue;
        };
        let Some(server_pool) = client.auth_servers.get(&server.id) else {
            continue;
        };
        if let Ok(entry) = prepare(client, oauth, server, server_pool, &none) {
            prepared.insert(id.clone(), entry);
        }
    }
    prepared
}

fn prepare(
    client: &Client,
    oauth: &OAuthConfig,
    server: &AuthorizationServer,
    server_pool: &Pool,
    credentials: &CallerCredentials,
) -> Result<PreparedOAuth, TokenRequestError> {
    let server_credentials = server
        .basic_auth
        .as_deref()
        .and_then(|id| client.config.auth_data.get(id));
    let inputs = resolve_inputs(oauth, server, server_credentials, credentials)?;
    Ok(PreparedOAuth {
        key: CacheKey::OAuth(oauth_key(oauth, server, &inputs)),
        fetch: TokenFetch {
            http: server_pool.http.clone(),
            auth_server: server.id.clone(),
            token_endpoint: server.token_endpoint.clone(),
            request: inputs.build(server.basic_auth_encoding),
            default_lifetime: oauth.default_token_lifetime,
            deadline: token_deadline(server.connection_timeout, server.receive_timeout),
            metrics: client.shared.metrics().clone(),
        },
    })
}

fn bearer(
    context: &CallContext<'_>,
    server: &AuthorizationServer,
    token: &CachedToken,
) -> Result<(HeaderName, HeaderValue), CallError> {
    let value = token.bearer_header().ok_or_else(|| {
        CallError::new(
            ErrorKind::TokenRequestFailed,
            format!(
                "Authorization server '{}' returned an access token for API requester '{}' (endpoint \
                 connection '{}') with characters that cannot be sent in an HTTP header, such as control \
                 characters. Check the authorization server's token format.",
                server.id, context.requester, context.connection.id
            ),
        )
    })?;
    Ok((AUTHORIZATION, value))
}

/// Logs and counts one decision on a 401.
fn log_decision(context: &CallContext<'_>, level: u8, retry: bool, label: &str, reason: &str) {
    context
        .client
        .shared
        .metrics()
        .count_retry_decision(context.requester, retry, label);
    if retry {
        tracing::info!(
            requester = %context.requester,
            connection = %context.connection.id,
            level,
            reason,
            "ZCN8530I The endpoint returned 401; the call is sent once more with a new token"
        );
    } else {
        tracing::info!(
            requester = %context.requester,
            connection = %context.connection.id,
            level,
            reason,
            "ZCN8531I The endpoint returned 401; the 401 goes back to the caller without a retry"
        );
    }
}

fn oauth_key(
    oauth: &OAuthConfig,
    server: &AuthorizationServer,
    inputs: &TokenRequestInputs,
) -> OAuthKey {
    let digest = |secret: &Option<zconnect_config::Secret>| {
        secret
            .as_ref()
            .map(|secret| SecretDigest::of(secret.expose()))
    };
    let custom_params = (!inputs.custom_parms.is_empty()).then(|| {
        let joined: Vec<String> = inputs
            .custom_parms
            .iter()
            .map(|parm| {
                format!("{}={}", parm.name.len(), parm.name) + "\u{0}" + parm.value.expose()
            })
            .collect();
        SecretDigest::of(&joined.join("\u{0}"))
    });
    OAuthKey {
        config_id: oauth.id.clone(),
        token_endpoint: server.token_endpoint.clone(),
        grant_type: grant_type_value(oauth.grant_type),
        client_id: SecretDigest::of(inputs.client_id.expose()),
        client_secret: digest(&inputs.client_secret),
        username: digest(&inputs.username),
        password: digest(&inputs.password),
        scope: digest(&inputs.scope),
        audience: digest(&inputs.audience),
        resource: digest(&inputs.resource),
        custom_params,
    }
}

fn token_request_error(context: &CallContext<'_>, error: TokenRequestError) -> CallError {
    let kind = match &error {
        TokenRequestError::CustomParms(_) => ErrorKind::MalformedCredentialHeader,
        TokenRequestError::MissingAuthData { .. } => ErrorKind::RequesterUnavailable,
        TokenRequestError::MissingCallerCredential { .. }
        | TokenRequestError::MissingClientId { .. } => ErrorKind::MissingCallerCredentials,
    };
    CallError::new(
        kind,
        format!(
            "API requester '{}' (endpoint connection '{}') cannot request a token: {error}.",
            context.requester, context.connection.id
        ),
    )
}

/// Maps a failed token lookup, naming the authorization server and what to
/// check.
pub(crate) fn token_error(
    context: &CallContext<'_>,
    server: &AuthorizationServer,
    error: TokenError,
) -> CallError {
    let requester = context.requester;
    let connection = &context.connection.id;
    let server_id = &server.id;
    match error {
        TokenError::Failed(failure) => {
            let (kind, advice) = match failure.kind {
                TokenFailureKind::Timeout => (
                    ErrorKind::TokenRequestTimedOut,
                    format!(
                        "It did not answer within connectionTimeout ({} ms) and receiveTimeout ({} ms); check \
                         the server or raise the timeouts",
                        server.connection_timeout.as_millis(),
                        server.receive_timeout.as_millis()
                    ),
                ),
                TokenFailureKind::Connect => (
                    ErrorKind::TokenRequestFailed,
                    "Check tokenEndpoint, that the server is up and reachable, and its TLS settings".to_owned(),
                ),
                TokenFailureKind::ErrorAnswer | TokenFailureKind::ClientError => (
                    ErrorKind::TokenRequestFailed,
                    "Check the client id and secret, the user credentials, scope, audience and resource".to_owned(),
                ),
                TokenFailureKind::ServerError | TokenFailureKind::Unreadable | TokenFailureKind::Internal => (
                    ErrorKind::TokenRequestFailed,
                    "Check the authorization server's logs".to_owned(),
                ),
            };
            CallError::new(
                kind,
                format!(
                    "The token request to authorization server '{server_id}' for API requester '{requester}' \
                     (endpoint connection '{connection}') failed: {}. {advice}.",
                    failure.message
                ),
            )
        }
        TokenError::Paused { failure, remaining } => CallError::new(
            ErrorKind::TokenRequestPaused,
            format!(
                "The last token request to authorization server '{server_id}' for API requester '{requester}' \
                 (endpoint connection '{connection}') failed ({}), and calls with the same credentials fail \
                 at once until the next attempt, in {:.1} s.",
                failure.message,
                remaining.as_secs_f64()
            ),
        ),
    }
}
