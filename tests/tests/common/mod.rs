//! Helpers shared by the end-to-end tests: a zconnect server started in
//! process on 127.0.0.1 with a temporary server directory, configuration
//! snippets, and admin API shortcuts.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;
use zconnect_admin::{Server, ServerOptions};
use zconnect_sandbox::Sandbox;

/// Administrator of every test registry.
pub const ADMIN: (&str, &str) = ("admin", "admin-pw");
/// Client secret the authorization server snippet uses; must never be shown.
pub const CLIENT_SECRET: &str = "client-secret-7f3a";
/// Longest wait for a reload to become visible.
pub const RELOAD_WAIT: Duration = Duration::from_secs(10);

/// A zconnect server in this process, with its server directory.
pub struct TestServer {
    pub server: Option<Server>,
    pub dir: TempDir,
    pub http: reqwest::Client,
}

impl TestServer {
    /// Writes `server.xml` into a new temporary directory and starts a server
    /// with a 10 ms quiet period.
    pub async fn start(server_xml: &str) -> TestServer {
        Self::start_with(server_xml, |_| {}).await
    }

    pub async fn start_with(
        server_xml: &str,
        adjust: impl FnOnce(&mut ServerOptions),
    ) -> TestServer {
        let dir = tempfile::tempdir().expect("temporary server directory");
        std::fs::write(dir.path().join("server.xml"), server_xml).expect("write server.xml");
        Self::start_in(dir, adjust).await
    }

    /// Starts a server on a directory prepared by the test.
    pub async fn start_in(dir: TempDir, adjust: impl FnOnce(&mut ServerOptions)) -> TestServer {
        let mut options = ServerOptions::new(dir.path());
        options.reload_quiet_period = Duration::from_millis(10);
        options.shutdown_timeout = Duration::from_secs(2);
        adjust(&mut options);

        let server = Server::start(options).await.unwrap_or_else(|error| {
            panic!(
                "server did not start: {error}; diagnostics: {:?}",
                error
                    .diagnostics()
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
            )
        });
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .expect("HTTP client");
        TestServer {
            server: Some(server),
            dir,
            http,
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.server
            .as_ref()
            .and_then(Server::local_addr)
            .expect("server is listening")
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr())
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Replaces a file in the server directory in place.
    pub fn write(&self, name: &str, content: &str) {
        std::fs::write(self.path(name), content).expect("write configuration file");
    }

    /// `GET` as the administrator.
    pub async fn admin_get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .basic_auth(ADMIN.0, Some(ADMIN.1))
            .send()
            .await
            .expect("admin request")
    }

    pub async fn status(&self) -> Value {
        let response = self.admin_get("/zosConnect/config/status").await;
        assert_eq!(response.status(), 200, "status route answers");
        body_json(response).await.expect("status JSON")
    }

    pub async fn generation(&self) -> u64 {
        self.status().await["generation"]
            .as_u64()
            .expect("generation number")
    }

    /// Waits until the running generation is at least `generation`; returns the status.
    pub async fn wait_for_generation(&self, generation: u64) -> Value {
        let deadline = Instant::now() + RELOAD_WAIT;
        loop {
            let status = self.status().await;
            if status["generation"].as_u64() >= Some(generation) {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "generation {generation} not reached; status: {status:#}"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Waits until the last reload attempt has this result; returns the status.
    pub async fn wait_for_result(&self, result: &str) -> Value {
        let deadline = Instant::now() + RELOAD_WAIT;
        loop {
            let status = self.status().await;
            if status["lastReload"]["result"] == result {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "no reload with result {result}; status: {status:#}"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Names of the API requesters as the admin API lists them, in name order.
    pub async fn requester_names(&self) -> Vec<String> {
        let response = self.admin_get("/zosConnect/apiRequesters").await;
        let list = body_json(response).await.expect("requester list JSON");
        list["apiRequesters"]
            .as_array()
            .expect("apiRequesters array")
            .iter()
            .map(|item| item["name"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// Reads one counter of `/metrics`, 0 when absent.
    pub async fn metric(&self, name_and_labels: &str) -> f64 {
        let text = self
            .http
            .get(self.url("/metrics"))
            .send()
            .await
            .expect("metrics request")
            .text()
            .await
            .expect("metrics text");
        text.lines()
            .find_map(|line| {
                line.strip_prefix(name_and_labels)
                    .and_then(|rest| rest.trim().parse::<f64>().ok())
            })
            .unwrap_or(0.0)
    }

    pub async fn stop(mut self) {
        if let Some(server) = self.server.take() {
            server.shut_down().await;
        }
    }
}

/// Reads a response body as JSON.
pub async fn body_json(response: reqwest::Response) -> Result<Value, String> {
    let bytes = response.bytes().await.map_err(|error| error.to_string())?;
    serde_json::from_slice(&bytes)
        .map_err(|error| format!("{error}: {}", String::from_utf8_lossy(&bytes)))
}

/// A `server.xml` for tests: monitor interval 50 ms, a listener on
/// 127.0.0.1 with a free port, a registry with the administrator, callers
/// not authenticated unless `body` says otherwise, then `body`.
pub fn server_xml(body: &str) -> String {
    server_xml_on(0, "polled", body)
}

pub fn server_xml_on(port: u16, update_trigger: &str, body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<server>
  <featureManager><feature>zosconnect:apiRequester-1.0</feature></featureManager>
  <config monitorInterval="50ms" updateTrigger="{update_trigger}"/>
  <httpEndpoint id="defaultHttpEndpoint" host="127.0.0.1" httpPort="{port}"/>
  <zosconnect_zosConnectManager requireAuth="false" requireSecure="false"/>
  <basicRegistry id="basic">
    <user name="{admin}" password="{admin_pw}"/>
  </basicRegistry>
  <administrator-role><user>{admin}</user></administrator-role>
{body}
</server>
"#,
        admin = ADMIN.0,
        admin_pw = ADMIN.1,
    )
}

/// An OAuth client-credentials requester `pets_1.0.0` calling the sandbox.
pub fn oauth_requester(sandbox: &Sandbox, level: u8) -> String {
    oauth_requester_named("pets_1.0.0", "conn", sandbox, level)
}

pub fn oauth_requester_named(name: &str, connection: &str, sandbox: &Sandbox, level: u8) -> String {
    format!(
        r#"  <zosconnect_authData id="{connection}-client" user="zconnect" password="{CLIENT_SECRET}"/>
  <zosconnect_authorizationServer id="{connection}-as" tokenEndpoint="{token_url}" basicAuthRef="{connection}-client"/>
  <zosconnect_oAuthConfig id="{connection}-oauth" grantType="client_credentials" authServerRef="{connection}-as" tokenRetryCheckLevel="{level}"/>
  <zosconnect_endpointConnection id="{connection}" host="http://127.0.0.1" port="{port}" authenticationConfigRef="{connection}-oauth" receiveTimeout="400ms"/>
  <zosconnect_apiRequesters>
    <apiRequester name="{name}" connectionRef="{connection}"/>
  </zosconnect_apiRequesters>"#,
        token_url = sandbox.token_url(),
        port = sandbox.port(),
    )
}

/// A requester with a connection to a closed port; enough for tests that
/// never call the endpoint.
pub fn plain_requester(name: &str) -> String {
    format!(
        r#"  <zosconnect_endpointConnection id="conn-{name}" host="http://127.0.0.1" port="9"/>
  <zosconnect_apiRequesters>
    <apiRequester name="{name}" connectionRef="conn-{name}"/>
  </zosconnect_apiRequesters>"#
    )
}

/// Replaces `server.xml` the way editors save: rename the old file away,
/// write a new one, remove the old one.
pub fn editor_save(dir: &Path, content: &str) {
    let file = dir.join("server.xml");
    let backup = dir.join("server.xml~");
    std::fs::rename(&file, &backup).expect("rename server.xml away");
    std::fs::write(&file, content).expect("write new server.xml");
    std::fs::remove_file(&backup).expect("remove backup");
}

/// A port that was free a moment ago on 127.0.0.1.
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address").port()
}
