//! A client whose elements cannot all be built: the broken ones are recorded
//! with their cause and fail the calls that need them, the others work.

#![allow(clippy::unwrap_used)]

mod call_support;

use std::sync::Arc;

use zconnect_config::model::{
    EndpointConnection, KeyStore, KeyStoreType, RetryCheckLevel, Scheme, SslConfig,
};
use zconnect_config::{Config, Secret};
use zconnect_requester::{CallTarget, Client, ErrorKind};
use zconnect_sandbox::{ApiAuth, Sandbox};

use call_support::*;

const BROKEN_SSL: &str = "brokenSsl";
const MISSING_STORE: &str = "missingStore";
const BROKEN_CONNECTION: &str = "brokenConn";

/// Adds an `ssl` element whose trust store file does not exist.
fn add_broken_ssl(config: &mut Config, directory: &std::path::Path) {
    config.key_stores.insert(
        MISSING_STORE.to_owned(),
        KeyStore {
            id: MISSING_STORE.to_owned(),
            location: directory.join("missing.p12"),
            store_type: KeyStoreType::Pkcs12,
            password: Some(Secret::new("changeit")),
        },
    );
    config.ssl.insert(
        BROKEN_SSL.to_owned(),
        SslConfig {
            id: BROKEN_SSL.to_owned(),
            trust_store: Some(MISSING_STORE.to_owned()),
            key_store: None,
            client_key_alias: None,
        },
    );
}

/// The sandbox configuration plus an https connection using the broken
/// `ssl` element.
fn config_with_broken_connection(sandbox: &Sandbox, directory: &std::path::Path) -> Config {
    let mut config = oauth_config(sandbox, RetryCheckLevel::InvalidTokenChallenge);
    connection(&mut config).authentication = None;
    add_broken_ssl(&mut config, directory);
    let mut broken = config.endpoint_connections[CONNECTION].clone();
    broken.id = BROKEN_CONNECTION.to_owned();
    broken.scheme = Scheme::Https;
    broken.ssl = Some(BROKEN_SSL.to_owned());
    config.endpoint_connections.insert(
        BROKEN_CONNECTION.to_owned(),
        EndpointConnection { ..broken },
    );
    config
}

fn build(config: Config) -> Client {
    Client::build(Arc::new(config), shared(), None).unwrap()
}

#[tokio::test]
async fn broken_connection_recorded_and_others_work() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.set_api_auth(ApiAuth::Open);
    let directory = tempfile::tempdir().unwrap();
    let client = build(config_with_broken_connection(&sandbox, directory.path()));

    let problems = client.build_problems();

    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(
        problems[0].element,
        format!("zosconnect_endpointConnection[{BROKEN_CONNECTION}]")
    );
    assert_eq!(get_status(&client, "/ok").await, 200);
}

#[tokio::test]
async fn call_to_broken_connection_is_503_naming_element_and_cause() {
    let sandbox = Sandbox::start().await.unwrap();
    let directory = tempfile::tempdir().unwrap();
    let client = build(config_with_broken_connection(&sandbox, directory.path()));
    let target = CallTarget {
        connection: BROKEN_CONNECTION.to_owned(),
        ..target()
    };

    let error = client
        .call(&target, request(http::Method::GET, "/x"))
        .await
        .unwrap_err();

    assert_eq!(error.kind(), ErrorKind::RequesterUnavailable, "{error}");
    assert_eq!(error.status().as_u16(), 503);
    assert_eq!(error.return_code(), 2);
    assert!(error.message().contains(BROKEN_CONNECTION), "{error}");
    assert!(error.message().contains(MISSING_STORE), "{error}");
    assert_eq!(sandbox.api_calls(), 0);
}

#[tokio::test]
async fn broken_authorization_server_fails_its_calls_with_503() {
    let sandbox = Sandbox::start().await.unwrap();
    let directory = tempfile::tempdir().unwrap();
    let mut config = oauth_config(&sandbox, RetryCheckLevel::InvalidTokenChallenge);
    add_broken_ssl(&mut config, directory.path());
    auth_server(&mut config).token_endpoint = format!("https://127.0.0.1:{}/token", sandbox.port());
    auth_server(&mut config).ssl = Some(BROKEN_SSL.to_owned());
    let client = build(config);

    let error = get(&client, "/x").await.unwrap_err();

    assert_eq!(
        client.build_problems()[0].element,
        format!("zosconnect_authorizationServer[{AUTH_SERVER}]")
    );
    assert_eq!(error.kind(), ErrorKind::RequesterUnavailable, "{error}");
    assert!(error.message().contains(AUTH_SERVER), "{error}");
    assert!(error.message().contains(MISSING_STORE), "{error}");
    assert_eq!(sandbox.token_requests(), 0);
}
