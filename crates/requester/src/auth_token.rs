//! Tokens from an authentication server that is not an OAuth 2.0 token
//! endpoint (`zosconnect_authToken`): building the token request, reading the
//! token from the response, deciding whether it may be cached, and the header
//! that carries it to the endpoint.

pub mod template;
pub mod token_path;

use std::time::{Duration, SystemTime};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use http::header::{CONNECTION, CONTENT_LENGTH, CONTENT_TYPE, HOST, TRANSFER_ENCODING};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use thiserror::Error;
use url::Url;
use zconnect_config::model::{
    AuthData, AuthToken, AuthorizationServer, CredentialLocation, ResponseFormat, TokenLocation,
    TokenRequestMethod,
};
use zconnect_config::Secret;

use crate::credentials::{CallerCredentials, TOKEN_PASSWORD, TOKEN_USERNAME};
use crate::custom_parms::{parse_custom_parms, CustomParmsError};
use crate::jwt;
use token_path::{parse_token_path, select, TokenPathError};

/// User and password sent to the authentication server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthTokenCredentials {
    pub user: Secret,
    pub password: Secret,
}

/// A token request that cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AuthTokenRequestError {
    #[error("authToken '{auth_token}' needs the {header} header, which the call does not have; the caller must send it")]
    MissingCallerCredential {
        auth_token: String,
        header: &'static str,
    },
    #[error(
        "zosconnect_authData '{auth_data}', named by basicAuthRef of zosconnect_authorizationServer \
         '{auth_server}', was not supplied with the configuration"
    )]
    MissingAuthData {
        auth_data: String,
        auth_server: String,
    },
    #[error(
        "zosconnect_authData '{auth_data}' has no password, which authToken '{auth_token}' needs"
    )]
    MissingAuthDataPassword {
        auth_data: String,
        auth_token: String,
    },
    #[error("authToken '{auth_token}' has no {attribute} in its {element}; set it in server.xml")]
    IncompleteElement {
        auth_token: String,
        element: &'static str,
        attribute: &'static str,
    },
    #[error("tokenEndpoint of zosconnect_authorizationServer '{auth_server}' is not a valid URL")]
    InvalidTokenEndpoint { auth_server: String },
    #[error("header BAQHAPI-Token-CustomParms is malformed: {0}")]
    CustomParms(CustomParmsError),
    #[error("header BAQHAPI-Token-CustomHeaders is malformed: {0}")]
    CustomHeaders(CustomParmsError),
    #[error("header BAQHAPI-Token-CustomHeaders item {position}: {problem}")]
    InvalidCustomHeader {
        position: usize,
        problem: &'static str,
    },
}

impl AuthTokenRequestError {
    /// Tells whether the caller sent missing or malformed input, which gets
    /// status 400, rather than the configuration being unusable.
    pub fn is_caller_error(&self) -> bool {
        matches!(
            self,
            AuthTokenRequestError::MissingCallerCredential { .. }
                | AuthTokenRequestError::CustomParms(_)
                | AuthTokenRequestError::CustomHeaders(_)
                | AuthTokenRequestError::InvalidCustomHeader { .. }
        )
    }
}

/// Picks the credentials: the authorization server's `basicAuthRef` (given as
/// `server_credentials`) when set, else the caller's `BAQHAPI-Token-Username`
/// and `-Password`.
pub fn resolve_credentials(
    element: &AuthToken,
    server: &AuthorizationServer,
    server_credentials: Option<&AuthData>,
    caller: &CallerCredentials,
) -> Result<AuthTokenCredentials, AuthTokenRequestError> {
    if let Some(auth_data_id) = &server.basic_auth {
        let auth_data =
            server_credentials.ok_or_else(|| AuthTokenRequestError::MissingAuthData {
                auth_data: auth_data_id.clone(),
                auth_server: server.id.clone(),
            })?;
        let password = auth_data.password.clone().ok_or_else(|| {
            AuthTokenRequestError::MissingAuthDataPassword {
                auth_data: auth_data.id.clone(),
                auth_token: element.id.clone(),
            }
        })?;
        return Ok(AuthTokenCredentials {
            user: Secret::new(auth_data.user.clone()),
            password,
        });
    }

    let missing = |header| AuthTokenRequestError::MissingCallerCredential {
        auth_token: element.id.clone(),
        header,
    };
    Ok(AuthTokenCredentials {
        user: caller
            .token_username
            .clone()
            .ok_or_else(|| missing(TOKEN_USERNAME))?,
        password: caller
            .token_password
            .clone()
            .ok_or_else(|| missing(TOKEN_PASSWORD))?,
    })
}

/// A token request ready to send. Header values are marked sensitive, so the
/// `http` crate does not print them.
#[derive(Debug, Clone)]
pub struct AuthTokenRequest {
    pub method: Method,
    /// The token endpoint, with the caller's `BAQHAPI-Token-CustomParms` as
    /// query parameters; it may carry caller values, so do not log it.
    pub url: Url,
    pub headers: HeaderMap,
    pub body: Option<Secret>,
}

/// Builds the token request of `element` to `server`'s token endpoint.
///
/// With `credentialLocation="header"` the named header carries
/// `Basic base64(user:password)`; with `body` the `requestBody` template is
/// filled (see [`template::fill`]). `BAQHAPI-Token-CustomHeaders` adds headers.
///
/// NOTE: the specification does not say where `BAQHAPI-Token-CustomParms`
/// go. zconnect appends them to the token endpoint URL as query parameters,
/// because that works for every request method.
pub fn build_request(
    element: &AuthToken,
    server: &AuthorizationServer,
    credentials: &AuthTokenCredentials,
    caller: &CallerCredentials,
) -> Result<AuthTokenRequest, AuthTokenRequestError> {
    let settings = &element.token_request;
    let incomplete = |attribute| AuthTokenRequestError::IncompleteElement {
        auth_token: element.id.clone(),
        element: "tokenRequest",
        attribute,
    };

    let mut url = Url::parse(&server.token_endpoint).map_err(|_| {
        AuthTokenRequestError::InvalidTokenEndpoint {
            auth_server: server.id.clone(),
        }
    })?;
    if let Some(list) = &caller.token_custom_parms {
        let parms =
            parse_custom_parms(list.expose()).map_err(AuthTokenRequestError::CustomParms)?;
        if !parms.is_empty() {
            let mut query = url.query_pairs_mut();
            for parm in &parms {
                query.append_pair(&parm.name, parm.value.expose());
            }
        }
    }

    let mut headers = HeaderMap::new();
    let mut body = None;
    match settings.credential_location {
        CredentialLocation::Header => {
            let name = settings
                .header
                .as_deref()
                .ok_or_else(|| incomplete("header"))?;
            let name =
                HeaderName::from_bytes(name.as_bytes()).map_err(|_| incomplete("valid header"))?;
            let basic = format!(
                "Basic {}",
                STANDARD.encode(format!(
                    "{}:{}",
                    credentials.user.expose(),
                    credentials.password.expose()
                ))
            );
            headers.insert(
                name,
                sensitive(&basic).ok_or_else(|| incomplete("valid header"))?,
            );
        }
        CredentialLocation::Body => {
            let template_text = settings
                .request_body
                .as_deref()
                .ok_or_else(|| incomplete("requestBody"))?;
            let (filled, format) = template::fill(
                template_text,
                credentials.user.expose(),
                credentials.password.expose(),
            );
            headers.insert(
                CONTENT_TYPE,
                HeaderValue::from_static(format.content_type()),
            );
            body = Some(filled);
        }
    }

    if let Some(list) = &caller.token_custom_headers {
        add_custom_headers(&mut headers, list.expose())?;
    }

    Ok(AuthTokenRequest {
        method: method(settings.request_method),
        url,
        headers,
        body,
    })
}

fn method(method: TokenRequestMethod) -> Method {
    match method {
        TokenRequestMethod::Get => Method::GET,
        TokenRequestMethod::Put => Method::PUT,
        TokenRequestMethod::Post => Method::POST,
    }
}

fn sensitive(value: &str) -> Option<HeaderValue> {
    let mut value = HeaderValue::from_str(value).ok()?;
    value.set_sensitive(true);
    Some(value)
}

/// Adds the `name=value,...` headers of `BAQHAPI-Token-CustomHeaders`.
/// Headers that frame the message (`Host`, `Content-Length`,
/// `Transfer-Encoding`, `Connection`) are rejected, because zconnect sets them.
fn add_custom_headers(headers: &mut HeaderMap, list: &str) -> Result<(), AuthTokenRequestError> {
    let parms = parse_custom_parms(list).map_err(AuthTokenRequestError::CustomHeaders)?;
    for (index, parm) in parms.iter().enumerate() {
        let position = index + 1;
        let invalid = |problem| AuthTokenRequestError::InvalidCustomHeader { position, problem };
        let name = HeaderName::from_bytes(parm.name.as_bytes())
            .map_err(|_| invalid("the name is not a valid header name"))?;
        if [HOST, CONTENT_LENGTH, TRANSFER_ENCODING, CONNECTION].contains(&name) {
            return Err(invalid("zconnect sets this header itself"));
        }
        let value = sensitive(parm.value.expose())
            .ok_or_else(|| invalid("the value is not a valid header value"))?;
        headers.append(name, value);
    }
    Ok(())
}

/// A token response that gives no token.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AuthTokenResponseError {
    #[error("the authentication server returned HTTP {status}")]
    Status { status: StatusCode },
    #[error(
        "the response has no {header} header, where authToken '{auth_token}' expects the token"
    )]
    MissingHeader { auth_token: String, header: String },
    #[error("the response body is not UTF-8 text")]
    NotText,
    #[error("the response body is not JSON, but authToken '{auth_token}' has responseFormat JSON")]
    NotJson { auth_token: String },
    #[error("the response JSON has no value at tokenPath \"{path}\"")]
    PathNotFound { path: String },
    #[error("the response JSON has a {found} at tokenPath \"{path}\", not a string")]
    NotAString { path: String, found: &'static str },
    #[error("the token in the response is empty")]
    EmptyToken,
    #[error(transparent)]
    InvalidTokenPath(#[from] TokenPathError),
    #[error(
        "authToken '{auth_token}' has no {attribute} in its tokenResponse; set it in server.xml"
    )]
    IncompleteElement {
        auth_token: String,
        attribute: &'static str,
    },
}

/// Reads the token from a response of the authentication server: from the
/// named header, or from the body as text or at `tokenPath`.
///
/// A token read from a header loses a leading `Bearer ` (any case), since the
/// token is sent on with its own scheme prefix.
pub fn read_token(
    element: &AuthToken,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Secret, AuthTokenResponseError> {
    if !status.is_success() {
        return Err(AuthTokenResponseError::Status { status });
    }
    let settings = &element.token_response;
    let incomplete = |attribute| AuthTokenResponseError::IncompleteElement {
        auth_token: element.id.clone(),
        attribute,
    };

    let token = match settings.token_location {
        TokenLocation::Header => {
            let name = settings
                .header
                .as_deref()
                .ok_or_else(|| incomplete("header"))?;
            let missing = || AuthTokenResponseError::MissingHeader {
                auth_token: element.id.clone(),
                header: name.to_owned(),
            };
            let value = headers.get(name).ok_or_else(missing)?;
            let text = std::str::from_utf8(value.as_bytes())
                .map_err(|_| AuthTokenResponseError::NotText)?;
            strip_bearer(text.trim()).to_owned()
        }
        TokenLocation::Body => {
            let text = std::str::from_utf8(body).map_err(|_| AuthTokenResponseError::NotText)?;
            match settings
                .response_format
                .ok_or_else(|| incomplete("responseFormat"))?
            {
                ResponseFormat::Text => text.trim().to_owned(),
                ResponseFormat::Json => {
                    let path = settings
                        .token_path
                        .as_deref()
                        .ok_or_else(|| incomplete("tokenPath"))?;
                    token_at_path(element, text, path)?
                }
            }
        }
    };

    if token.is_empty() {
        return Err(AuthTokenResponseError::EmptyToken);
    }
    Ok(Secret::new(token))
}

fn token_at_path(
    element: &AuthToken,
    text: &str,
    path: &str,
) -> Result<String, AuthTokenResponseError> {
    let segments = parse_token_path(path)?;
    let document: serde_json::Value =
        serde_json::from_str(text).map_err(|_| AuthTokenResponseError::NotJson {
            auth_token: element.id.clone(),
        })?;
    match select(&document, &segments) {
        Some(serde_json::Value::String(token)) => Ok(token.clone()),
        Some(other) => Err(AuthTokenResponseError::NotAString {
            path: path.to_owned(),
            found: json_type(other),
        }),
        None => Err(AuthTokenResponseError::PathNotFound {
            path: path.to_owned(),
        }),
    }
}

fn json_type(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "boolean",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    }
}

fn strip_bearer(token: &str) -> &str {
    match token.get(..7) {
        Some(prefix) if prefix.eq_ignore_ascii_case("bearer ") => token[7..].trim_start(),
        _ => token,
    }
}

/// Whether a token from the authentication server may be cached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthTokenCaching {
    /// Cache for this long from `now`: until the JWT `exp` less the margin.
    Cache {
        lifetime: Duration,
    },
    DoNotCache(NoCacheReason),
}

/// The reason a token is used once and not cached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoCacheReason {
    /// Not a JWT, so zconnect cannot know when it expires.
    NotJwt,
    NoExp,
    /// A `jti` claim suggests a one-time token; `cacheTokensWithJti="true"` allows it.
    HasJti,
    /// `exp` is less than the margin away.
    ExpiresWithinMargin,
}

/// Decides whether `token` may be cached: only a JWT with an `exp` claim and,
/// unless `cache_tokens_with_jti`, no `jti` claim, and only while more than
/// `margin` of its life remains.
pub fn caching(
    token: &str,
    cache_tokens_with_jti: bool,
    margin: Duration,
    now: SystemTime,
) -> AuthTokenCaching {
    let Some(claims) = jwt::claims(token) else {
        return AuthTokenCaching::DoNotCache(NoCacheReason::NotJwt);
    };
    if claims.exp.is_none() {
        return AuthTokenCaching::DoNotCache(NoCacheReason::NoExp);
    }
    if claims.has_jti && !cache_tokens_with_jti {
        return AuthTokenCaching::DoNotCache(NoCacheReason::HasJti);
    }
    match claims
        .remaining_lifetime(now)
        .and_then(|remaining| remaining.checked_sub(margin))
        .filter(|lifetime| !lifetime.is_zero())
    {
        Some(lifetime) => AuthTokenCaching::Cache { lifetime },
        None => AuthTokenCaching::DoNotCache(NoCacheReason::ExpiresWithinMargin),
    }
}

/// Builds the header that carries `token` to the endpoint: `element.header`
/// with `Bearer <token>`, or the bare token when `useBearerScheme="false"`.
pub fn endpoint_header(
    element: &AuthToken,
    token: &Secret,
) -> Result<(HeaderName, HeaderValue), EndpointHeaderError> {
    let name = HeaderName::from_bytes(element.header.as_bytes()).map_err(|_| {
        EndpointHeaderError::InvalidName {
            auth_token: element.id.clone(),
        }
    })?;
    let text = if element.use_bearer_scheme {
        format!("Bearer {}", token.expose())
    } else {
        token.expose().to_owned()
    };
    let value = sensitive(&text).ok_or(EndpointHeaderError::InvalidToken)?;
    Ok((name, value))
}

/// A token that cannot be sent to the endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EndpointHeaderError {
    #[error("the header attribute of authToken '{auth_token}' is not a valid header name")]
    InvalidName { auth_token: String },
    #[error(
        "the token from the authentication server contains characters not allowed in a header"
    )]
    InvalidToken,
}
