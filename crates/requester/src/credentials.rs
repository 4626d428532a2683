//! The `BAQHAPI-*` credential headers a caller sends with an API requester
//! call: the HTTP form of the parameters a z/OS Connect 3.0 program passes to
//! the Host API.
//!
//! Header names are compared without regard to case (the `http` crate stores
//! them in lower case). An empty value counts as absent, as an empty parameter
//! does for the Host API. These headers are read here and never forwarded to
//! the endpoint.

use std::fmt;

use http::{HeaderMap, HeaderName};
use thiserror::Error;
use zconnect_config::Secret;

pub const OAUTH_USERNAME: &str = "BAQHAPI-oAuth-Username";
pub const OAUTH_PASSWORD: &str = "BAQHAPI-oAuth-Password";
pub const OAUTH_CLIENT_ID: &str = "BAQHAPI-oAuth-ClientId";
pub const OAUTH_CLIENT_SECRET: &str = "BAQHAPI-oAuth-ClientSecret";
pub const OAUTH_SCOPE: &str = "BAQHAPI-oAuth-Scope";
pub const OAUTH_AUDIENCE: &str = "BAQHAPI-oAuth-Audience";
pub const OAUTH_RESOURCE: &str = "BAQHAPI-oAuth-Resource";
pub const OAUTH_CUSTOM_PARMS: &str = "BAQHAPI-oAuth-CustomParms";
pub const TOKEN_USERNAME: &str = "BAQHAPI-Token-Username";
pub const TOKEN_PASSWORD: &str = "BAQHAPI-Token-Password";
pub const TOKEN_CUSTOM_PARMS: &str = "BAQHAPI-Token-CustomParms";
pub const TOKEN_CUSTOM_HEADERS: &str = "BAQHAPI-Token-CustomHeaders";

/// The lower-case prefix that every credential header name starts with.
const CREDENTIAL_PREFIX: &str = "baqhapi-";

/// Every credential header name, as documented.
pub const CREDENTIAL_HEADERS: [&str; 12] = [
    OAUTH_USERNAME,
    OAUTH_PASSWORD,
    OAUTH_CLIENT_ID,
    OAUTH_CLIENT_SECRET,
    OAUTH_SCOPE,
    OAUTH_AUDIENCE,
    OAUTH_RESOURCE,
    OAUTH_CUSTOM_PARMS,
    TOKEN_USERNAME,
    TOKEN_PASSWORD,
    TOKEN_CUSTOM_PARMS,
    TOKEN_CUSTOM_HEADERS,
];

/// Tells whether `name` is one of the credential headers, which are never
/// forwarded to the endpoint.
pub fn is_credential_header(name: &HeaderName) -> bool {
    CREDENTIAL_HEADERS
        .iter()
        .any(|credential| name.as_str().eq_ignore_ascii_case(credential))
}

/// The credential headers of one call. Every value is a [`Secret`], because the
/// specification forbids logging any of these headers, user names included.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct CallerCredentials {
    pub oauth_username: Option<Secret>,
    pub oauth_password: Option<Secret>,
    pub oauth_client_id: Option<Secret>,
    pub oauth_client_secret: Option<Secret>,
    pub oauth_scope: Option<Secret>,
    pub oauth_audience: Option<Secret>,
    pub oauth_resource: Option<Secret>,
    /// Raw `name1=value1,name2=value2`; see [`crate::oauth::request::parse_custom_parms`].
    pub oauth_custom_parms: Option<Secret>,
    pub token_username: Option<Secret>,
    pub token_password: Option<Secret>,
    pub token_custom_parms: Option<Secret>,
    pub token_custom_headers: Option<Secret>,
}

/// Lists which headers were sent, never their values.
impl fmt::Debug for CallerCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let present: Vec<&str> = self
            .fields()
            .into_iter()
            .filter(|(_, value)| value.is_some())
            .map(|(name, _)| name)
            .collect();
        f.debug_struct("CallerCredentials")
            .field("present", &present)
            .finish()
    }
}

/// A credential header that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CredentialHeaderError {
    #[error("header {header} is not valid UTF-8; send the value in UTF-8")]
    NotUtf8 { header: &'static str },
    #[error("header {header} was sent more than once; send it once")]
    Repeated { header: &'static str },
}

impl CallerCredentials {
    /// Reads every credential header from `headers`.
    ///
    /// Fails on a header that is not UTF-8 or appears more than once, because
    /// guessing which credentials were meant could lock a user's account.
    pub fn from_headers(headers: &HeaderMap) -> Result<CallerCredentials, CredentialHeaderError> {
        // Most calls send none of these headers: one pass over the names
        // (stored in lower case) saves twelve lookups by name, each of which
        // parses the name again.
        let any_credential = headers
            .keys()
            .any(|name| name.as_str().starts_with(CREDENTIAL_PREFIX));
        if !any_credential {
            return Ok(CallerCredentials::default());
        }

        Ok(CallerCredentials {
            oauth_username: read(headers, OAUTH_USERNAME)?,
            oauth_password: read(headers, OAUTH_PASSWORD)?,
            oauth_client_id: read(headers, OAUTH_CLIENT_ID)?,
            oauth_client_secret: read(headers, OAUTH_CLIENT_SECRET)?,
            oauth_scope: read(headers, OAUTH_SCOPE)?,
            oauth_audience: read(headers, OAUTH_AUDIENCE)?,
            oauth_resource: read(headers, OAUTH_RESOURCE)?,
            oauth_custom_parms: read(headers, OAUTH_CUSTOM_PARMS)?,
            token_username: read(headers, TOKEN_USERNAME)?,
            token_password: read(headers, TOKEN_PASSWORD)?,
            token_custom_parms: read(headers, TOKEN_CUSTOM_PARMS)?,
            token_custom_headers: read(headers, TOKEN_CUSTOM_HEADERS)?,
        })
    }

    /// Tells whether the call sent no credential header with a value.
    pub fn is_empty(&self) -> bool {
        self.fields().iter().all(|(_, value)| value.is_none())
    }

    fn fields(&self) -> [(&'static str, &Option<Secret>); 12] {
        [
            (OAUTH_USERNAME, &self.oauth_username),
            (OAUTH_PASSWORD, &self.oauth_password),
            (OAUTH_CLIENT_ID, &self.oauth_client_id),
            (OAUTH_CLIENT_SECRET, &self.oauth_client_secret),
            (OAUTH_SCOPE, &self.oauth_scope),
            (OAUTH_AUDIENCE, &self.oauth_audience),
            (OAUTH_RESOURCE, &self.oauth_resource),
            (OAUTH_CUSTOM_PARMS, &self.oauth_custom_parms),
            (TOKEN_USERNAME, &self.token_username),
            (TOKEN_PASSWORD, &self.token_password),
            (TOKEN_CUSTOM_PARMS, &self.token_custom_parms),
            (TOKEN_CUSTOM_HEADERS, &self.token_custom_headers),
        ]
    }
}

fn read(
    headers: &HeaderMap,
    header: &'static str,
) -> Result<Option<Secret>, CredentialHeaderError> {
    let mut values = headers.get_all(header).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(CredentialHeaderError::Repeated { header });
    }
    let text = std::str::from_utf8(value.as_bytes())
        .map_err(|_| CredentialHeaderError::NotUtf8 { header })?;
    if text.is_empty() {
        return Ok(None);
    }
    Ok(Some(Secret::new(text)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn map(pairs: &[(&str, &[u8])]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_bytes(value).unwrap(),
            );
        }
        headers
    }

    #[test]
    fn names_are_case_insensitive() {
        let credentials = CallerCredentials::from_headers(&map(&[
            ("baqhapi-oauth-clientid", b"client"),
            ("BAQHAPI-OAUTH-CLIENTSECRET", b"s3cret"),
            ("BaqHapi-Token-Username", b"alice"),
        ]))
        .unwrap();
        assert_eq!(credentials.oauth_client_id, Some(Secret::new("client")));
        assert_eq!(credentials.oauth_client_secret, Some(Secret::new("s3cret")));
        assert_eq!(credentials.token_username, Some(Secret::new("alice")));
        assert_eq!(credentials.oauth_password, None);
    }

    #[test]
    fn every_header_is_read() {
        let pairs: Vec<(&str, &[u8])> = CREDENTIAL_HEADERS
            .iter()
            .map(|name| (*name, name.as_bytes()))
            .collect();
        let credentials = CallerCredentials::from_headers(&map(&pairs)).unwrap();
        for (name, value) in credentials.fields() {
            assert_eq!(value.as_ref().map(Secret::expose), Some(name), "{name}");
        }
    }

    #[test]
    fn values_are_used_as_given() {
        let credentials = CallerCredentials::from_headers(&map(&[(
            "BAQHAPI-oAuth-Password",
            b" p w:%\xc3\xa9 ",
        )]))
        .unwrap();
        assert_eq!(
            credentials.oauth_password,
            Some(Secret::new(" p w:%\u{e9} "))
        );
    }

    #[test]
    fn empty_value_counts_as_absent() {
        let credentials =
            CallerCredentials::from_headers(&map(&[("BAQHAPI-oAuth-Scope", b"")])).unwrap();
        assert_eq!(credentials.oauth_scope, None);
    }

    #[test]
    fn repeated_header_is_rejected() {
        let error = CallerCredentials::from_headers(&map(&[
            ("BAQHAPI-oAuth-Username", b"a"),
            ("baqhapi-oauth-username", b"b"),
        ]))
        .unwrap_err();
        assert_eq!(
            error,
            CredentialHeaderError::Repeated {
                header: OAUTH_USERNAME
            }
        );
    }

    #[test]
    fn non_utf8_value_is_rejected_without_echoing_it() {
        let error =
            CallerCredentials::from_headers(&map(&[("BAQHAPI-Token-Password", b"caf\xe9")]))
                .unwrap_err();
        assert_eq!(
            error,
            CredentialHeaderError::NotUtf8 {
                header: TOKEN_PASSWORD
            }
        );
        assert!(!error.to_string().contains("caf"));
    }

    #[test]
    fn debug_lists_names_not_values() {
        let credentials = CallerCredentials::from_headers(&map(&[
            ("BAQHAPI-oAuth-Username", b"alice"),
            ("BAQHAPI-oAuth-Password", b"hunter2"),
        ]))
        .unwrap();
        let debug = format!("{credentials:?}");
        assert!(debug.contains(OAUTH_USERNAME), "{debug}");
        assert!(!debug.contains("alice"), "{debug}");
        assert!(!debug.contains("hunter2"), "{debug}");
    }

    #[test]
    fn call_without_credential_headers_has_empty_credentials() {
        let credentials = CallerCredentials::from_headers(&map(&[
            ("content-type", b"application/json"),
            ("baqhapi-other", b"x"),
        ]))
        .unwrap();
        assert!(credentials.is_empty());
    }

    #[test]
    fn one_credential_header_makes_credentials_non_empty() {
        let credentials =
            CallerCredentials::from_headers(&map(&[("BAQHAPI-oAuth-Scope", b"read")])).unwrap();
        assert!(!credentials.is_empty());
    }

    #[test]
    fn prefix_matches_every_credential_header() {
        for name in CREDENTIAL_HEADERS {
            assert!(
                name.to_ascii_lowercase().starts_with(CREDENTIAL_PREFIX),
                "{name}"
            );
        }
    }

    #[test]
    fn credential_header_check_ignores_case() {
        assert!(is_credential_header(&HeaderName::from_static(
            "baqhapi-token-customheaders"
        )));
        assert!(!is_credential_header(&HeaderName::from_static(
            "baqhapi-other"
        )));
    }
}
