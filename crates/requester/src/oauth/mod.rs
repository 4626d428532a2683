//! OAuth 2.0 access tokens: the token request, the token response and the
//! token cache.

pub mod cache;
pub mod fetch;
pub mod request;
pub mod response;
