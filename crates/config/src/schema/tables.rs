//! The list of element kinds zconnect uses, in the order of the reference
//! documentation.

use super::{liberty, requester, ElementSchema};

/// Every top-level element kind zconnect uses.
pub static ELEMENTS: &[&ElementSchema] = &[
    &requester::ENDPOINT_CONNECTION,
    &requester::OAUTH_CONFIG,
    &requester::AUTHORIZATION_SERVER,
    &requester::AUTH_DATA,
    &requester::AUTH_TOKEN,
    &requester::AUTH_TOKEN_LOCAL,
    &requester::API_REQUESTERS,
    &requester::ZOS_CONNECT_MANAGER,
    &liberty::FEATURE_MANAGER,
    &liberty::HTTP_ENDPOINT,
    &liberty::SSL,
    &liberty::SSL_DEFAULT,
    &liberty::KEY_STORE,
    &liberty::BASIC_REGISTRY,
    &liberty::ADMINISTRATOR_ROLE,
    &liberty::CONFIG,
    &liberty::LOGGING,
    &liberty::WEB_APPLICATION,
];
