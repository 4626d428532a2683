//! Calls to an endpoint protected by a `zosconnect_authToken` token: the
//! token from the cache or the authentication server, sent in the element's
//! header. A 401 from the endpoint drops the cached token and goes back to the
//! caller; `tokenRetryCheckLevel` belongs to OAuth only.

use std::time::{Duration, SystemTime};

use futures_util::FutureExt;
use http::StatusCode;
use zconnect_config::model::AuthToken;

use crate::auth_token::{
    build_request, caching, endpoint_header, read_token, resolve_credentials, AuthTokenCaching,
    AuthTokenRequest, AuthTokenRequestError, AuthTokenResponseError,
};
use crate::call::oauth::token_error;
use crate::call::send::Outbound;
use crate::call::{unavailable, CallContext};
use crate::credentials::CallerCredentials;
use crate::error::{CallError, ErrorKind};
use crate::metrics::Metrics;
use crate::oauth::cache::{
    AuthTokenKey, CacheKey, Fetch, FetchedToken, SecretDigest, TokenFailure, TokenFailureKind,
};
use crate::oauth::fetch::{send_and_read, token_deadline};

/// How much of a token's life must remain for a cached token to be used.
/// `zosconnect_authToken` has no `tokenExpiryMargin`, so the OAuth default
/// applies.
const EXPIRY_MARGIN: Duration = Duration::from_secs(1);

pub(super) async fn send_with_auth_token(
    context: &CallContext<'_>,
    token_id: &str,
    credentials: &CallerCredentials,
    outbound: &mut Outbound,
) -> Result<http::Response<hyper::body::Incoming>, CallError> {
    let config = &context.client.config;
    let element = config.auth_tokens.get(token_id).ok_or_else(|| {
        unavailable(
            context,
            format!("its authenticationConfigRef names zosconnect_authToken '{token_id}', which is not in the configuration"),
        )
    })?;
    let server = config.authorization_servers.get(&element.auth_server).ok_or_else(|| {
        unavailable(
            context,
            format!(
                "zosconnect_authToken '{token_id}' names zosconnect_authorizationServer '{}', which is not in the configuration",
                element.auth_server
            ),
        )
    })?;
    let server_pool = context
        .client
        .auth_server_pool(&server.id)
        .map_err(|problem| unavailable(context, problem))?;

    let server_credentials = server
        .basic_auth
        .as_deref()
        .and_then(|id| config.auth_data.get(id));
    let token_credentials = resolve_credentials(element, server, server_credentials, credentials)
        .map_err(|error| request_error(context, error))?;
    let request = build_request(element, server, &token_credentials, credentials)
        .map_err(|error| request_error(context, error))?;

    let key = CacheKey::AuthToken(AuthTokenKey {
        token_id: element.id.clone(),
        token_endpoint: server.token_endpoint.clone(),
        settings: settings_digest(element),
        username: Some(SecretDigest::of(token_credentials.user.expose())),
        password: Some(SecretDigest::of(token_credentials.password.expose())),
        custom: custom_digest(credentials),
    });
    let fetch = AuthTokenFetch {
        http: server_pool.http.clone(),
        auth_server: server.id.clone(),
        element: element.clone(),
        request,
        deadline: token_deadline(server.connection_timeout, server.receive_timeout),
        metrics: context.client.shared.metrics().clone(),
    };

    let cache = context.client.shared.token_cache();
    let metrics = context.client.shared.metrics();
    let lookup = cache
        .get(&key, EXPIRY_MARGIN, || -> Fetch { fetch.run().boxed() })
        .await
        .map_err(|error| token_error(context, server, error))?;
    if lookup.hit {
        metrics.token_cache_hits.inc();
    } else {
        metrics.token_cache_misses.inc();
    }

    let header = endpoint_header(element, &lookup.token.value).map_err(|error| {
        CallError::new(
            ErrorKind::TokenRequestFailed,
            format!(
                "API requester '{}' cannot send the token of zosconnect_authToken '{token_id}': {error}.",
                context.requester
            ),
        )
    })?;
    let response = outbound.send(context, Some(header)).await?;

    if response.status() == StatusCode::UNAUTHORIZED {
        cache.drop_token(&key, lookup.token.serial);
        tracing::info!(
            requester = %context.requester,
            connection = %context.connection.id,
            auth_token = %token_id,
            "ZCN8532I The endpoint returned 401 to a zosconnect_authToken token; the cached token is dropped and the 401 goes back to the caller"
        );
    }
    Ok(response)
}

fn request_error(context: &CallContext<'_>, error: AuthTokenRequestError) -> CallError {
    let kind = match &error {
        AuthTokenRequestError::MissingCallerCredential { .. } => {
            ErrorKind::MissingCallerCredentials
        }
        AuthTokenRequestError::CustomParms(_)
        | AuthTokenRequestError::CustomHeaders(_)
        | AuthTokenRequestError::InvalidCustomHeader { .. } => ErrorKind::MalformedCredentialHeader,
        _ => ErrorKind::RequesterUnavailable,
    };
    CallError::new(
        kind,
        format!(
            "API requester '{}' (endpoint connection '{}') cannot request a token: {error}.",
            context.requester, context.connection.id
        ),
    )
}

/// A digest of every setting of the element, so that a reload that changes
/// any of them misses the cache.
fn settings_digest(element: &AuthToken) -> SecretDigest {
    SecretDigest::of(&serde_json::to_string(element).unwrap_or_else(|_| format!("{element:?}")))
}

fn custom_digest(credentials: &CallerCredentials) -> Option<SecretDigest> {
    let parms = credentials
        .token_custom_parms
        .as_ref()
        .map(|secret| secret.expose());
    let headers = credentials
        .token_custom_headers
        .as_ref()
        .map(|secret| secret.expose());
    if parms.is_none() && headers.is_none() {
        return None;
    }
    Some(SecretDigest::of(&format!(
        "{}\u{0}{}",
        parms.unwrap_or(""),
        headers.unwrap_or("")
    )))
}

/// One token request to an authentication server, owned so that it can run
/// in its own task.
struct AuthTokenFetch {
    http: reqwest::Client,
    auth_server: String,
    element: AuthToken,
    request: AuthTokenRequest,
    deadline: Duration,
    metrics: Metrics,
}

impl AuthTokenFetch {
    async fn run(self) -> Result<FetchedToken, TokenFailure> {
        let outcome = self.send_and_read().await;
        let label = match &outcome {
            Ok(_) => "success",
            Err(failure) => failure.kind.label(),
        };
        self.metrics.count_token_request(&self.auth_server, label);
        outcome
    }

    async fn send_and_read(&self) -> Result<FetchedToken, TokenFailure> {
        let mut builder = self
            .http
            .request(self.request.method.clone(), self.request.url.clone())
            .headers(self.request.headers.clone());
        if let Some(body) = &self.request.body {
            builder = builder.body(body.expose().to_owned());
        }

        let (status, headers, body) = send_and_read(builder, self.deadline).await?;

        let token = read_token(&self.element, status, &headers, &body).map_err(|error| {
            let kind = match &error {
                AuthTokenResponseError::Status { status } if status.is_client_error() => {
                    TokenFailureKind::ClientError
                }
                AuthTokenResponseError::Status { .. } => TokenFailureKind::ServerError,
                _ => TokenFailureKind::Unreadable,
            };
            TokenFailure {
                kind,
                message: error.to_string(),
            }
        })?;

        // The caching rule already subtracts the margin; adding it back gives
        // the token's remaining life, which the cache compares with the margin.
        let lifetime = match caching(
            token.expose(),
            self.element.cache_tokens_with_jti,
            EXPIRY_MARGIN,
            SystemTime::now(),
        ) {
            AuthTokenCaching::Cache { lifetime } => Some(lifetime + EXPIRY_MARGIN),
            AuthTokenCaching::DoNotCache(_) => None,
        };
        Ok(FetchedToken {
            value: token,
            lifetime,
        })
    }
}
