//! Shared setup for the requester's integration tests: a configuration built
//! by hand around a sandbox on loopback, and short ways to make calls.

#![allow(dead_code, clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use http::{HeaderMap, HeaderName, HeaderValue, Method};
use zconnect_config::model::{
    AuthData, Authentication, AuthorizationServer, BasicAuthEncoding, EndpointConnection,
    GrantType, OAuthConfig, RetryCheckLevel, Scheme,
};
use zconnect_config::{Config, Secret};
use zconnect_requester::{
    CallError, CallRequest, CallResponse, CallTarget, Client, RequestBody, RequesterOptions,
    SharedState,
};
use zconnect_sandbox::Sandbox;

pub const REQUESTER: &str = "orders";
pub const CONNECTION: &str = "ordersApi";
pub const OAUTH: &str = "ordersOAuth";
pub const AUTH_SERVER: &str = "sandboxAS";
pub const CLIENT_DATA: &str = "ordersClient";
pub const CLIENT_ID: &str = "orders-app";
pub const CLIENT_SECRET: &str = "cl1ent-s3cret:%with-specials";

/// A configuration with one endpoint connection (`/api` on the sandbox)
/// protected by an OAuth client credentials grant against the sandbox's
/// token endpoint.
pub fn oauth_config(sandbox: &Sandbox, level: RetryCheckLevel) -> Config {
    let mut config = Config::default();
    config.endpoint_connections.insert(
        CONNECTION.to_owned(),
        EndpointConnection {
            id: CONNECTION.to_owned(),
            scheme: Scheme::Http,
            host: "127.0.0.1".to_owned(),
            port: sandbox.port(),
            domain_base_path: "/api".to_owned(),
            basic_auth: None,
            authentication: Some(Authentication::OAuth(OAUTH.to_owned())),
            ssl: None,
            connection_timeout: Duration::from_secs(2),
            receive_timeout: Duration::from_secs(5),
        },
    );
    config.oauth_configs.insert(
        OAUTH.to_owned(),
        OAuthConfig {
            id: OAUTH.to_owned(),
            grant_type: GrantType::ClientCredentials,
            auth_server: AUTH_SERVER.to_owned(),
            token_retry_check_level: level,
            scope: None,
            audience: None,
            resource: None,
            token_expiry_margin: Duration::from_secs(1),
            token_replace_interval: Duration::from_secs(5),
            default_token_lifetime: Duration::from_secs(300),
        },
    );
    config.authorization_servers.insert(
        AUTH_SERVER.to_owned(),
        AuthorizationServer {
            id: AUTH_SERVER.to_owned(),
            token_endpoint: sandbox.token_url(),
            basic_auth: Some(CLIENT_DATA.to_owned()),
            ssl: None,
            connection_timeout: Duration::from_secs(2),
            receive_timeout: Duration::from_secs(5),
            basic_auth_encoding: BasicAuthEncoding::Form,
        },
    );
    config.auth_data.insert(
        CLIENT_DATA.to_owned(),
        AuthData {
            id: CLIENT_DATA.to_owned(),
            user: CLIENT_ID.to_owned(),
            password: Some(Secret::new(CLIENT_SECRET)),
        },
    );
    config
}

/// Points the authorization server at another token URL.
pub fn with_token_endpoint(mut config: Config, url: String) -> Config {
    if let Some(server) = config.authorization_servers.get_mut(AUTH_SERVER) {
        server.token_endpoint = url;
    }
    config
}

pub fn oauth_settings(config: &mut Config) -> &mut OAuthConfig {
    config.oauth_configs.get_mut(OAUTH).unwrap()
}

pub fn auth_server(config: &mut Config) -> &mut AuthorizationServer {
    config.authorization_servers.get_mut(AUTH_SERVER).unwrap()
}

pub fn connection(config: &mut Config) -> &mut EndpointConnection {
    config.endpoint_connections.get_mut(CONNECTION).unwrap()
}

pub fn shared() -> Arc<SharedState> {
    SharedState::new(RequesterOptions::default())
}

pub fn client(config: Config, shared: &Arc<SharedState>) -> Client {
    Client::build(Arc::new(config), shared.clone(), None).unwrap()
}

pub fn target() -> CallTarget {
    CallTarget {
        requester: REQUESTER.to_owned(),
        connection: CONNECTION.to_owned(),
        base_path: String::new(),
    }
}

pub fn request(method: Method, path: &str) -> CallRequest {
    CallRequest {
        method,
        path: path.to_owned(),
        query: None,
        headers: HeaderMap::new(),
        body: RequestBody::empty(),
    }
}

pub fn with_header(mut request: CallRequest, name: &str, value: &str) -> CallRequest {
    request.headers.append(
        HeaderName::from_bytes(name.as_bytes()).unwrap(),
        HeaderValue::from_str(value).unwrap(),
    );
    request
}

pub async fn get(client: &Client, path: &str) -> Result<CallResponse, CallError> {
    client.call(&target(), request(Method::GET, path)).await
}

/// Makes a GET call that must reach the endpoint, returning its status.
pub async fn get_status(client: &Client, path: &str) -> u16 {
    get(client, path).await.unwrap().status.as_u16()
}

/// Reads the response body to the end.
pub async fn body_text(response: CallResponse) -> String {
    String::from_utf8(response.body.collect().await.unwrap().to_vec()).unwrap()
}
