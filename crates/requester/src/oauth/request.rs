//! Building an OAuth 2.0 token request (RFC 6749 sections 4.3 and 4.4) from
//! the configuration and the caller's credential headers.
//!
//! Two steps: [`resolve_inputs`] picks every value that makes a token
//! different (which also forms the token cache key), and
//! [`TokenRequestInputs::build`] turns those values into the request body and
//! client authentication.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use http::HeaderValue;
use thiserror::Error;
use url::form_urlencoded;
use zconnect_config::model::{
    AuthData, AuthorizationServer, BasicAuthEncoding, GrantType, OAuthConfig,
};
use zconnect_config::Secret;

use crate::credentials::{CallerCredentials, OAUTH_PASSWORD, OAUTH_USERNAME};
pub use crate::custom_parms::{parse_custom_parms, CustomParm, CustomParmsError};

/// `Content-Type` of every token request.
pub const CONTENT_TYPE: &str = "application/x-www-form-urlencoded";
/// `Accept` of every token request.
pub const ACCEPT: &str = "application/json";

/// A token request that cannot be built from what the configuration and the
/// caller supply.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TokenRequestError {
    #[error(
        "oAuthConfig '{oauth_config}' uses the password grant, but the call has no {header} header; \
         the caller must send it"
    )]
    MissingCallerCredential {
        oauth_config: String,
        header: &'static str,
    },
    #[error(
        "oAuthConfig '{oauth_config}' has no client id: set basicAuthRef on \
         zosconnect_authorizationServer '{auth_server}' or send the BAQHAPI-oAuth-ClientId header"
    )]
    MissingClientId {
        oauth_config: String,
        auth_server: String,
    },
    #[error(
        "zosconnect_authData '{auth_data}', named by basicAuthRef of zosconnect_authorizationServer \
         '{auth_server}', was not supplied with the configuration"
    )]
    MissingAuthData {
        auth_data: String,
        auth_server: String,
    },
    #[error("header BAQHAPI-oAuth-CustomParms is malformed: {0}")]
    CustomParms(#[from] CustomParmsError),
}

impl TokenRequestError {
    /// Tells whether the caller sent missing or malformed input, which gets
    /// status 400, rather than the configuration being unusable.
    pub fn is_caller_error(&self) -> bool {
        !matches!(self, TokenRequestError::MissingAuthData { .. })
    }
}

/// Everything that makes one token different from another, after choosing
/// between server.xml and the caller's headers. Every value may be secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRequestInputs {
    pub grant_type: GrantType,
    pub client_id: Secret,
    /// `None` for a public client, which sends `client_id` in the body.
    pub client_secret: Option<Secret>,
    /// Set for the password grant only.
    pub username: Option<Secret>,
    /// Set for the password grant only.
    pub password: Option<Secret>,
    pub scope: Option<Secret>,
    pub audience: Option<Secret>,
    pub resource: Option<Secret>,
    pub custom_parms: Vec<CustomParm>,
}

/// The parts of a token request that depend on the inputs; the URL, method,
/// `Content-Type` and `Accept` are fixed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthTokenRequest {
    /// `Authorization` header value (`Basic ...`) when the client has a secret.
    pub authorization: Option<Secret>,
    /// The form-urlencoded body.
    pub body: Secret,
}

impl OAuthTokenRequest {
    /// Returns the `Authorization` header value, marked sensitive so that the
    /// `http` crate does not print it.
    pub fn authorization_header(&self) -> Option<HeaderValue> {
        let secret = self.authorization.as_ref()?;
        // Base64 text after "Basic " is always a valid header value.
        let mut value = HeaderValue::from_str(secret.expose()).ok()?;
        value.set_sensitive(true);
        Some(value)
    }
}

/// Picks the values of a token request.
///
/// `server_credentials` is the `zosconnect_authData` named by the
/// authorization server's `basicAuthRef`. When it is set, its user and
/// password are the client id and secret, and the caller's
/// `BAQHAPI-oAuth-ClientId` and `-ClientSecret` are ignored, because z/OS
/// Connect gives server.xml precedence. Username and password come only from
/// the caller. `scope`, `audience` and `resource` come from the caller's
/// headers, else from the oAuthConfig.
pub fn resolve_inputs(
    oauth: &OAuthConfig,
    server: &AuthorizationServer,
    server_credentials: Option<&AuthData>,
    caller: &CallerCredentials,
) -> Result<TokenRequestInputs, TokenRequestError> {
    let (client_id, client_secret) = match (&server.basic_auth, server_credentials) {
        (Some(_), Some(auth_data)) => (
            Some(Secret::new(auth_data.user.clone())),
            auth_data.password.clone(),
        ),
        (Some(auth_data), None) => {
            return Err(TokenRequestError::MissingAuthData {
                auth_data: auth_data.clone(),
                auth_server: server.id.clone(),
            })
        }
        (None, _) => (
            caller.oauth_client_id.clone(),
            caller.oauth_client_secret.clone(),
        ),
    };
    let client_id = client_id.filter(|id| !id.is_empty()).ok_or_else(|| {
        TokenRequestError::MissingClientId {
            oauth_config: oauth.id.clone(),
            auth_server: server.id.clone(),
        }
    })?;
    let client_secret = client_secret.filter(|secret| !secret.is_empty());

    let (username, password) = match oauth.grant_type {
        GrantType::ClientCredentials => (None, None),
        GrantType::Password => {
            let missing = |header| TokenRequestError::MissingCallerCredential {
                oauth_config: oauth.id.clone(),
                header,
            };
            let username = caller
                .oauth_username
                .clone()
                .ok_or_else(|| missing(OAUTH_USERNAME))?;
            let password = caller
                .oauth_password
                .clone()
                .ok_or_else(|| missing(OAUTH_PASSWORD))?;
            (Some(username), Some(password))
        }
    };

    let custom_parms = match &caller.oauth_custom_parms {
        Some(list) => parse_custom_parms(list.expose())?,
        None => Vec::new(),
    };

    let from_caller_else_config = |caller: &Option<Secret>, configured: &Option<String>| {
        caller
            .clone()
            .or_else(|| configured.clone().map(Secret::new))
    };

    Ok(TokenRequestInputs {
        grant_type: oauth.grant_type,
        client_id,
        client_secret,
        username,
        password,
        scope: from_caller_else_config(&caller.oauth_scope, &oauth.scope),
        audience: from_caller_else_config(&caller.oauth_audience, &oauth.audience),
        resource: from_caller_else_config(&caller.oauth_resource, &oauth.resource),
        custom_parms,
    })
}

impl TokenRequestInputs {
    /// Builds the body and client authentication.
    ///
    /// With a client secret the client authenticates with HTTP Basic. Under
    /// [`BasicAuthEncoding::Form`] the id and secret are each
    /// form-urlencoded before base64, as RFC 6749 section 2.3.1 requires, so
    /// that a secret with `:` or `%` survives; [`BasicAuthEncoding::Plain`]
    /// sends them as they are. Without a secret, `client_id` goes in the body.
    pub fn build(&self, encoding: BasicAuthEncoding) -> OAuthTokenRequest {
        let mut form = form_urlencoded::Serializer::new(String::new());
        form.append_pair("grant_type", grant_type_value(self.grant_type));
        if let (Some(username), Some(password)) = (&self.username, &self.password) {
            form.append_pair("username", username.expose());
            form.append_pair("password", password.expose());
        }
        for (name, value) in [
            ("scope", &self.scope),
            ("audience", &self.audience),
            ("resource", &self.resource),
        ] {
            if let Some(value) = value {
                form.append_pair(name, value.expose());
            }
        }
        if self.client_secret.is_none() {
            form.append_pair("client_id", self.client_id.expose());
        }
        for parm in &self.custom_parms {
            form.append_pair(&parm.name, parm.value.expose());
        }

        let authorization = self
            .client_secret
            .as_ref()
            .map(|secret| basic_authorization(self.client_id.expose(), secret.expose(), encoding));

        OAuthTokenRequest {
            authorization,
            body: Secret::new(form.finish()),
        }
    }
}

/// Returns the `grant_type` form value of a grant.
pub fn grant_type_value(grant_type: GrantType) -> &'static str {
    match grant_type {
        GrantType::ClientCredentials => "client_credentials",
        GrantType::Password => "password",
    }
}

/// Builds `Basic base64(id:secret)`, form-urlencoding id and secret first
/// unless `encoding` is [`BasicAuthEncoding::Plain`].
pub fn basic_authorization(
    client_id: &str,
    client_secret: &str,
    encoding: BasicAuthEncoding,
) -> Secret {
    let credentials = match encoding {
        BasicAuthEncoding::Form => {
            format!("{}:{}", form_encode(client_id), form_encode(client_secret))
        }
        BasicAuthEncoding::Plain => format!("{client_id}:{client_secret}"),
    };
    Secret::new(format!("Basic {}", STANDARD.encode(credentials)))
}

fn form_encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}
