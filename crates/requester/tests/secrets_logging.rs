//! No secret reaches a log line (captured at TRACE, every crate included) or
//! the Debug output of the configuration and the client, across calls that
//! use every kind of credential, succeed, retry and fail.

#![allow(clippy::unwrap_used)]

mod call_support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use base64::Engine;
use http::Method;
use zconnect_config::model::{AuthData, GrantType, RetryCheckLevel};
use zconnect_config::Secret;
use zconnect_sandbox::{closed_port, Reply, Sandbox};

use call_support::*;

const ENDPOINT_PASSWORD: &str = "endp0int-pa55word";
const CALLER_USERNAME: &str = "caller-user-7731";
const CALLER_PASSWORD: &str = "caller-pa55-9923";
const CALLER_CLIENT_ID: &str = "caller-client-4410";
const CALLER_CLIENT_SECRET: &str = "caller-client-s3cret-5521";
const CUSTOM_VALUE: &str = "custom-s3cret-8812";
const TOKEN_USERNAME: &str = "token-user-6620";
const TOKEN_PASSWORD: &str = "token-pa55-3391";

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

fn basic(user: &str, password: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_never_logged_or_debug_printed() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .try_init()
        .unwrap();

    let sandbox = Sandbox::start().await.unwrap();
    let shared = shared();

    // Client credentials from server.xml, with a 401 retry on the way.
    let oauth = client(
        oauth_config(&sandbox, RetryCheckLevel::InvalidTokenChallenge),
        &shared,
    );
    sandbox.push_api_reply(Reply::unauthorized(&[r#"Bearer error="invalid_token""#]));
    assert_eq!(get_status(&oauth, "/a").await, 200);

    // Password grant with every credential from the caller's headers.
    let mut config = oauth_config(&sandbox, RetryCheckLevel::AnyUnauthorized);
    oauth_settings(&mut config).grant_type = GrantType::Password;
    auth_server(&mut config).basic_auth = None;
    let password_grant = client(config, &shared);
    let mut request = request(Method::GET, "/b");
    for (name, value) in [
        ("BAQHAPI-oAuth-Username", CALLER_USERNAME),
        ("BAQHAPI-oAuth-Password", CALLER_PASSWORD),
        ("BAQHAPI-oAuth-ClientId", CALLER_CLIENT_ID),
        ("BAQHAPI-oAuth-ClientSecret", CALLER_CLIENT_SECRET),
        (
            "BAQHAPI-oAuth-CustomParms",
            &format!("tenant={CUSTOM_VALUE}"),
        ),
        ("BAQHAPI-Token-Username", TOKEN_USERNAME),
        ("BAQHAPI-Token-Password", TOKEN_PASSWORD),
    ] {
        request = with_header(request, name, value);
    }
    sandbox.push_api_reply(Reply::unauthorized(&[]));
    assert_eq!(
        password_grant
            .call(&target(), request)
            .await
            .unwrap()
            .status
            .as_u16(),
        200
    );

    // HTTP Basic to the endpoint from an authData password.
    let mut config = oauth_config(&sandbox, RetryCheckLevel::InvalidTokenChallenge);
    connection(&mut config).authentication = None;
    connection(&mut config).basic_auth = Some("endpointUser".to_owned());
    config.auth_data.insert(
        "endpointUser".to_owned(),
        AuthData {
            id: "endpointUser".to_owned(),
            user: "zcuser".to_owned(),
            password: Some(Secret::new(ENDPOINT_PASSWORD)),
        },
    );
    let basic_client = client(config.clone(), &shared);
    sandbox.push_api_reply(Reply::status(403));
    assert_eq!(get_status(&basic_client, "/c").await, 403);

    // Failures: a token endpoint error answer and an unreachable endpoint.
    sandbox.push_token_reply(Reply::json(
        400,
        &serde_json::json!({"error": "invalid_client"}),
    ));
    let mut failing = oauth_config(&sandbox, RetryCheckLevel::InvalidTokenChallenge);
    oauth_settings(&mut failing).scope = Some("other".to_owned());
    client(failing, &shared)
        .call(&target(), request_with_client_auth())
        .await
        .unwrap_err();
    let mut unreachable = config.clone();
    connection(&mut unreachable).port = closed_port().unwrap();
    get(&client(unreachable, &shared), "/d").await.unwrap_err();

    let logs = captured.text();
    assert!(
        logs.contains("TRACE hyper_util"),
        "the HTTP client's trace lines are captured"
    );
    assert!(
        logs.contains("ZCN8530I"),
        "the retry decision is logged:\n{logs}"
    );
    assert!(
        logs.contains("ZCN8510E"),
        "the token failure is logged:\n{logs}"
    );
    assert!(
        logs.contains("ZCN8520E"),
        "the endpoint failure is logged:\n{logs}"
    );

    let mut secrets: Vec<String> = [
        CLIENT_SECRET,
        ENDPOINT_PASSWORD,
        CALLER_USERNAME,
        CALLER_PASSWORD,
        CALLER_CLIENT_SECRET,
        CUSTOM_VALUE,
        TOKEN_USERNAME,
        TOKEN_PASSWORD,
    ]
    .iter()
    .map(|secret| secret.to_string())
    .collect();
    secrets.extend(sandbox.issued_tokens());
    secrets.push(basic("zcuser", ENDPOINT_PASSWORD));
    secrets.push(basic(CLIENT_ID, "cl1ent-s3cret%3A%25with-specials"));
    secrets.push(basic(CALLER_CLIENT_ID, CALLER_CLIENT_SECRET));
    assert!(secrets.len() > 10, "tokens were issued");

    let config_debug = format!("{config:?}");
    let client_debug = format!("{basic_client:?} {oauth:?} {shared:?}");
    for secret in &secrets {
        assert!(
            !logs.contains(secret.as_str()),
            "log output contains {secret}"
        );
        assert!(
            !config_debug.contains(secret.as_str()),
            "Config Debug contains {secret}"
        );
        assert!(
            !client_debug.contains(secret.as_str()),
            "Client Debug contains {secret}"
        );
    }
}

fn request_with_client_auth() -> zconnect_requester::CallRequest {
    request(Method::GET, "/e")
}
