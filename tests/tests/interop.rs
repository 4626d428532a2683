//! zconnect against third-party OAuth 2.0 servers: oauth2-mock-server as the
//! authorization server and an Express API protected by
//! express-oauth2-jwt-bearer, both started by `tests/interop/servers.mjs` on
//! 127.0.0.1. These check that tokens, client authentication and the 401
//! retry rule work with real implementations, not only with the sandbox.
//!
//! Each test starts its own Node process and zconnect server, so counters
//! never mix between tests running in parallel.
//!
//! The suite needs `node` on PATH and `npm ci` run in `tests/interop`. When a
//! piece is missing, each test prints why and passes, unless
//! `ZCONNECT_INTEROP=required` is set (CI sets it), which turns the missing
//! piece into a failure.

mod common;

use std::io::Write;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use common::{body_json, server_xml, TestServer};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// Client id the token endpoint accepts.
const CLIENT_ID: &str = "zconnect-interop";
/// Client secret the token endpoint accepts. The `:`, `%` and `+` must
/// survive the form-urlencoding of HTTP Basic client authentication.
const CLIENT_SECRET: &str = "s3cret:50%+more";
/// Requester whose oAuthConfig retries any 401.
const LEVEL1: &str = "claims-level1_1.0.0";
/// Requester whose oAuthConfig retries only a 401 with `error="invalid_token"`.
const LEVEL3: &str = "claims-level3_1.0.0";
/// Maximum wait for `servers.mjs` to print its ports. It generates an RSA key first.
const STARTUP_WAIT: Duration = Duration::from_secs(30);
/// Timeout of every control API request.
const CONTROL_TIMEOUT: Duration = Duration::from_secs(5);

/// The token and API call counts of the Node servers.
#[derive(Debug, PartialEq, Eq)]
struct Counters {
    token_requests: u64,
    api_calls: u64,
}

/// The Node servers of one test. Closing stdin stops them, and the process
/// is also killed when this is dropped, so a failing test leaves nothing behind.
struct NodeServers {
    child: Child,
    token_endpoint: String,
    api_port: u16,
    control: reqwest::Client,
}

impl NodeServers {
    fn control_url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}/control/{path}", self.api_port)
    }

    /// Sets the lifetime, `expires_in` or audience of the tokens issued from now on.
    async fn set_next_tokens(&self, settings: Value) {
        let response = self
            .control
            .post(self.control_url("token"))
            .header("Content-Type", "application/json")
            .body(settings.to_string())
            .send()
            .await
            .expect("control request /control/token");
        assert_eq!(response.status(), 200, "control API accepts {settings}");
    }

    async fn counters(&self) -> Counters {
        let response = self
            .control
            .get(self.control_url("counters"))
            .send()
            .await
            .expect("control request /control/counters");
        let body = body_json(response).await.expect("counters JSON");
        Counters {
            token_requests: body["tokenRequests"].as_u64().expect("tokenRequests"),
            api_calls: body["apiCalls"].as_u64().expect("apiCalls"),
        }
    }

    async fn stop(mut self) {
        drop(self.child.stdin.take());
        let exited = tokio::time::timeout(Duration::from_secs(5), self.child.wait()).await;
        if exited.is_err() {
            let _ = self.child.kill().await;
        }
    }
}

/// The Node servers and a zconnect server configured for them.
struct Interop {
    node: NodeServers,
    zconnect: TestServer,
}

impl Interop {
    /// Starts both, or returns `None` after printing why the suite is skipped.
    async fn start() -> Option<Interop> {
        let required = interop_required();
        let dir = interop_dir();
        if let Err(missing) = check_prerequisites(&dir) {
            assert!(
                !required,
                "ZCONNECT_INTEROP=required but the interop suite cannot run: {missing}"
            );
            // Written to the process's stderr directly, because the test
            // harness captures `eprintln!` of passing tests and the skip
            // would go unseen.
            let _ = writeln!(
                std::io::stderr(),
                "interop test skipped: {missing}; set ZCONNECT_INTEROP=required to make this a failure"
            );
            return None;
        }

        let node = start_node(&dir).await;
        let zconnect = TestServer::start(&server_xml(&requesters(&node))).await;
        Some(Interop { node, zconnect })
    }

    /// Sends `GET /apiRequesters/{requester}{path}` to zconnect.
    async fn call(&self, requester: &str, path: &str) -> reqwest::Response {
        self.zconnect
            .http
            .get(
                self.zconnect
                    .url(&format!("/apiRequesters/{requester}{path}")),
            )
            .send()
            .await
            .expect("API requester call")
    }

    async fn stop(self) {
        self.zconnect.stop().await;
        self.node.stop().await;
    }
}

fn interop_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("interop")
}

/// Returns what is missing for the suite to run, if anything.
fn check_prerequisites(dir: &std::path::Path) -> Result<(), String> {
    match std::process::Command::new("node")
        .arg("--version")
        .stdin(Stdio::null())
        .output()
    {
        Ok(output) if output.status.success() => {}
        Ok(output) => return Err(format!("`node --version` failed with {}", output.status)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err("`node` is not on PATH; install Node.js 20.19 or later".to_owned())
        }
        Err(error) => return Err(format!("`node` cannot be run: {error}")),
    }

    let packages = ["oauth2-mock-server", "express", "express-oauth2-jwt-bearer"];
    for package in packages {
        if !dir.join("node_modules").join(package).is_dir() {
            return Err(format!(
                "{} has no node_modules/{package}; run `npm ci --ignore-scripts` there",
                dir.display()
            ));
        }
    }
    Ok(())
}

/// Reads `ZCONNECT_INTEROP`: `required` makes a missing prerequisite a
/// failure, and unset or empty lets the suite skip.
fn interop_required() -> bool {
    match std::env::var("ZCONNECT_INTEROP") {
        Ok(value) if value == "required" => true,
        Ok(value) if value.is_empty() => false,
        Err(std::env::VarError::NotPresent) => false,
        Ok(value) => {
            panic!("ZCONNECT_INTEROP is {value:?}; set it to `required` or leave it unset")
        }
        Err(error) => panic!("ZCONNECT_INTEROP cannot be read: {error}"),
    }
}

/// Spawns `node servers.mjs` and reads the JSON line with its ports.
async fn start_node(dir: &std::path::Path) -> NodeServers {
    let mut child = Command::new("node")
        .arg("servers.mjs")
        .current_dir(dir)
        .env("INTEROP_CLIENT_ID", CLIENT_ID)
        .env("INTEROP_CLIENT_SECRET", CLIENT_SECRET)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn node servers.mjs");

    let stdout = child.stdout.take().expect("stdout of servers.mjs");
    let mut lines = BufReader::new(stdout).lines();
    let line = tokio::time::timeout(STARTUP_WAIT, lines.next_line())
        .await
        .unwrap_or_else(|_| panic!("servers.mjs printed no line within {STARTUP_WAIT:?}"))
        .expect("read stdout of servers.mjs")
        .expect("servers.mjs exited before printing its ports; its stderr is above");
    let started: Value = serde_json::from_str(&line)
        .unwrap_or_else(|error| panic!("servers.mjs printed {line:?}, not JSON: {error}"));

    let token_endpoint = started["tokenEndpoint"]
        .as_str()
        .expect("tokenEndpoint in the startup line")
        .to_owned();
    let api_port = started["apiPort"]
        .as_u64()
        .and_then(|port| u16::try_from(port).ok())
        .expect("apiPort in the startup line");
    let control = reqwest::Client::builder()
        .timeout(CONTROL_TIMEOUT)
        .build()
        .expect("control HTTP client");
    NodeServers {
        child,
        token_endpoint,
        api_port,
        control,
    }
}

/// Two requesters on the Express API, one per retry level, each with its own
/// oAuthConfig so that their tokens are cached apart. Calls go to
/// `/apiRequesters/{requester}/claims/{id}` and `/apiRequesters/{requester}/legacy`.
fn requesters(node: &NodeServers) -> String {
    let mut xml = format!(
        r#"  <zosconnect_authData id="interop-client" user="{CLIENT_ID}" password="{CLIENT_SECRET}"/>
  <zosconnect_authorizationServer id="interop-as" tokenEndpoint="{token_endpoint}" basicAuthRef="interop-client"/>
  <zosconnect_apiRequesters>
    <apiRequester name="{LEVEL1}" connectionRef="api-level1"/>
    <apiRequester name="{LEVEL3}" connectionRef="api-level3"/>
  </zosconnect_apiRequesters>
"#,
        token_endpoint = node.token_endpoint,
    );
    for level in [1, 3] {
        xml.push_str(&format!(
            r#"  <zosconnect_oAuthConfig id="oauth-level{level}" grantType="client_credentials" authServerRef="interop-as" tokenRetryCheckLevel="{level}"/>
  <zosconnect_endpointConnection id="api-level{level}" host="http://127.0.0.1" port="{port}" domainBasePath="/api" authenticationConfigRef="oauth-level{level}" receiveTimeout="5s"/>
"#,
            port = node.api_port,
        ));
    }
    xml
}

fn return_code(response: &reqwest::Response) -> Option<&str> {
    response
        .headers()
        .get("BAQ-Return-Code")
        .and_then(|value| value.to_str().ok())
}

fn challenge(response: &reqwest::Response) -> String {
    response
        .headers()
        .get_all("WWW-Authenticate")
        .iter()
        .map(|value| value.to_str().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("; ")
}

#[tokio::test]
async fn client_credentials_call_succeeds() {
    let Some(interop) = Interop::start().await else {
        return;
    };

    let response = interop.call(LEVEL3, "/claims/7").await;

    assert_eq!(response.status(), 200);
    assert_eq!(return_code(&response), Some("0"));
    let body = body_json(response).await.expect("claim JSON");
    assert_eq!(body["id"], "7", "the API saw the operation path");
    assert_eq!(
        interop.node.counters().await,
        Counters {
            token_requests: 1,
            api_calls: 1
        }
    );
    interop.stop().await;
}

/// JWT lifetime in the expired token test. The mock server sets `exp` to the
/// issue time, rounded down to whole seconds, plus this, so a fresh token stays
/// valid for at least one second less than this.
const JWT_LIFETIME_SECONDS: u64 = 3;

#[tokio::test]
async fn level3_expired_token_is_replaced() {
    let Some(interop) = Interop::start().await else {
        return;
    };
    // The JWT expires after JWT_LIFETIME_SECONDS, but the token response sets
    // `expires_in` to an hour, so zconnect keeps sending the token after the API starts
    // rejecting it.
    interop
        .node
        .set_next_tokens(json!({"lifetimeSeconds": JWT_LIFETIME_SECONDS, "expiresInSeconds": 3600}))
        .await;
    let first = interop.call(LEVEL3, "/claims/7").await;
    assert_eq!(first.status(), 200, "the fresh token is accepted");

    // `exp` is the issue time in whole seconds plus the lifetime, and the API
    // compares whole seconds, so the token is expired JWT_LIFETIME_SECONDS
    // after the first call returned. The extra second is a margin.
    tokio::time::sleep(Duration::from_secs(JWT_LIFETIME_SECONDS + 1)).await;
    interop
        .node
        .set_next_tokens(json!({"lifetimeSeconds": 3600, "expiresInSeconds": null}))
        .await;
    let before = interop.node.counters().await;
    let response = interop.call(LEVEL3, "/claims/7").await;

    assert_eq!(
        response.status(),
        200,
        "the retry with a new token succeeds"
    );
    assert_eq!(return_code(&response), Some("0"));
    let after = interop.node.counters().await;
    assert_eq!(
        after.api_calls - before.api_calls,
        2,
        "the rejected call and exactly one retry"
    );
    assert_eq!(
        after.token_requests - before.token_requests,
        1,
        "one replacement token"
    );
    interop.stop().await;
}

#[tokio::test]
async fn level1_wrong_audience_retries_once() {
    let Some(interop) = Interop::start().await else {
        return;
    };
    // Every token names another API, so a new token is rejected too.
    interop
        .node
        .set_next_tokens(json!({"audience": "another-api"}))
        .await;

    let response = interop.call(LEVEL1, "/claims/7").await;

    assert_eq!(response.status(), 401, "the retry's 401 goes back");
    assert_eq!(return_code(&response), Some("1"));
    assert!(
        challenge(&response).contains(r#"error="invalid_token""#),
        "the API's challenge passes through: {}",
        challenge(&response)
    );
    assert_eq!(
        interop.node.counters().await,
        Counters {
            token_requests: 2,
            api_calls: 2
        },
        "one token and one replacement, the call and one retry"
    );
    interop.stop().await;
}

#[tokio::test]
async fn level3_plain_401_is_not_retried() {
    let Some(interop) = Interop::start().await else {
        return;
    };

    let response = interop.call(LEVEL3, "/legacy").await;

    assert_eq!(response.status(), 401);
    assert_eq!(return_code(&response), Some("1"));
    assert_eq!(challenge(&response), r#"Bearer realm="legacy""#);
    assert_eq!(
        interop.node.counters().await,
        Counters {
            token_requests: 1,
            api_calls: 1
        },
        "no retry and no replacement token"
    );
    interop.stop().await;
}

#[tokio::test]
async fn level1_plain_401_retries_once() {
    let Some(interop) = Interop::start().await else {
        return;
    };

    let response = interop.call(LEVEL1, "/legacy").await;

    assert_eq!(response.status(), 401, "the retry's 401 goes back");
    assert_eq!(return_code(&response), Some("1"));
    assert_eq!(
        interop.node.counters().await,
        Counters {
            token_requests: 2,
            api_calls: 2
        },
        "one token and one replacement, the call and one retry"
    );
    interop.stop().await;
}
