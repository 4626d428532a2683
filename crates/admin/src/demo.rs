//! `zconnect demo`: the sandbox authorization server and sample API on
//! 127.0.0.1, and zconnect itself with a configuration that calls them through
//! two API requesters, one at each `tokenRetryCheckLevel`. The demo prints the
//! curl commands that show each 401 decision and stops on SIGINT or SIGTERM.

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use tempfile::TempDir;
use zconnect_sandbox::{Sandbox, REJECT_INVALID_TOKEN_PATH, REJECT_NO_CHALLENGE_PATH};

use crate::logging::{LogFormat, LogSettings};
use crate::options::ServerOptions;
use crate::reload::StartError;
use crate::server::Server;
use crate::signals::StopSignals;

/// Default of `--port`: the port z/OS Connect's `defaultHttpEndpoint` uses.
pub const DEFAULT_PORT: u16 = 9080;
/// Default of `--token-lifetime`: short enough to watch a token expire.
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(30);

/// The requester whose oAuthConfig leaves `tokenRetryCheckLevel` at its default, 3.
pub const LEVEL_3_REQUESTER: &str = "claims_level3";
/// The requester whose oAuthConfig sets `tokenRetryCheckLevel="1"`.
pub const LEVEL_1_REQUESTER: &str = "claims_level1";
/// Id of the `zosconnect_authorizationServer`, the label of its token metrics.
pub const AUTHORIZATION_SERVER_ID: &str = "demoAuthServer";

/// The sample API path of the normal call.
const SAMPLE_PATH: &str = "/claims/1001";
/// Client the sandbox token endpoint requires. The demo is public, so the
/// secret only shows how zconnect sends one and masks it in the admin API.
const CLIENT_ID: &str = "demo-client";
const CLIENT_SECRET: &str = "demo-secret";
/// Default `location` of `zosconnect_apiRequesters`, relative to the server directory.
const ARCHIVE_FOLDER: &str = "resources/zosconnect/apiRequesters";
/// Maximum wait for calls in progress when the demo stops.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(5);

/// Settings of `zconnect demo`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoOptions {
    /// Port of zconnect on 127.0.0.1; 0 takes a free port.
    pub port: u16,
    /// Lifetime of the tokens the sandbox issues, in whole seconds.
    pub token_lifetime: Duration,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            port: DEFAULT_PORT,
            token_lifetime: DEFAULT_TOKEN_LIFETIME,
        }
    }
}

/// A demo that could not start.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("invalid token lifetime {0:?}: use whole seconds, at least 1s, for example --token-lifetime 30s")]
    InvalidTokenLifetime(Duration),
    #[error("port {0} on 127.0.0.1 is already in use: stop the program that uses it, or choose another port with --port, for example --port 9081 (--port 0 takes any free port)")]
    PortInUse(u16),
    #[error("creating the temporary server directory failed: {0}")]
    ServerDirectory(#[source] io::Error),
    #[error("writing {path} of the demo server directory failed: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("starting the sandbox authorization server and sample API on 127.0.0.1 failed: {0}")]
    Sandbox(#[source] io::Error),
    #[error("zconnect did not start with the demo configuration: {0}")]
    Server(#[source] StartError),
    #[error("zconnect started but does not listen on any address")]
    NotListening,
}

/// The calls the demo prints, in the order printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoCallKind {
    /// The level 3 requester calls the sample API, which returns 200.
    SampleCall,
    /// The level 3 requester gets a 401 with `error="invalid_token"`.
    Level3InvalidToken,
    /// The level 3 requester gets a 401 without an `invalid_token` error.
    Level3NoChallenge,
    /// The level 1 requester gets a 401 with `error="invalid_token"`.
    Level1InvalidToken,
    /// The level 1 requester gets a 401 without an `invalid_token` error.
    Level1NoChallenge,
    /// `GET /zosConnect/apiRequesters` of the admin API.
    Requesters,
    /// `GET /zosConnect/config/status` of the admin API.
    ConfigStatus,
    /// `GET /metrics`, filtered to token requests and 401 decisions.
    Metrics,
}

impl DemoCallKind {
    /// Every call, in the order printed.
    pub const ALL: [DemoCallKind; 8] = [
        DemoCallKind::SampleCall,
        DemoCallKind::Level3InvalidToken,
        DemoCallKind::Level3NoChallenge,
        DemoCallKind::Level1InvalidToken,
        DemoCallKind::Level1NoChallenge,
        DemoCallKind::Requesters,
        DemoCallKind::ConfigStatus,
        DemoCallKind::Metrics,
    ];

    fn path(self) -> String {
        let call = |requester: &str, path: &str| format!("/apiRequesters/{requester}{path}");
        match self {
            DemoCallKind::SampleCall => call(LEVEL_3_REQUESTER, SAMPLE_PATH),
            DemoCallKind::Level3InvalidToken => call(LEVEL_3_REQUESTER, REJECT_INVALID_TOKEN_PATH),
            DemoCallKind::Level3NoChallenge => call(LEVEL_3_REQUESTER, REJECT_NO_CHALLENGE_PATH),
            DemoCallKind::Level1InvalidToken => call(LEVEL_1_REQUESTER, REJECT_INVALID_TOKEN_PATH),
            DemoCallKind::Level1NoChallenge => call(LEVEL_1_REQUESTER, REJECT_NO_CHALLENGE_PATH),
            DemoCallKind::Requesters => "/zosConnect/apiRequesters".to_owned(),
            DemoCallKind::ConfigStatus => "/zosConnect/config/status".to_owned(),
            DemoCallKind::Metrics => "/metrics".to_owned(),
        }
    }

    fn expectation(self, token_lifetime_seconds: u64) -> String {
        match self {
            DemoCallKind::SampleCall => format!(
                "200 with JSON from the sample API and BAQ-Return-Code 0. The first call requests a token; calls in the next {token_lifetime_seconds} s reuse it, and a later call requests a new one (tokenNumber goes up)."
            ),
            DemoCallKind::Level3InvalidToken => "401 with a Bearer error=\"invalid_token\" challenge, so level 3 retries once with a new token (log ZCN8530I). The retry gets 401 too and it is returned with BAQ-Return-Code 1 and the new tokenNumber.".to_owned(),
            DemoCallKind::Level3NoChallenge => "401 with a Bearer challenge that has no invalid_token error, so level 3 does not retry (log ZCN8531I) and no token is requested.".to_owned(),
            DemoCallKind::Level1InvalidToken => "401 with error=\"invalid_token\": level 1 retries once with a new token (log ZCN8530I), then returns the 401 with BAQ-Return-Code 1.".to_owned(),
            DemoCallKind::Level1NoChallenge => "401 without an invalid_token error, but level 1 retries every 401, so it retries once with a new token (log ZCN8530I).".to_owned(),
            DemoCallKind::Requesters => "The admin API lists both requesters with their status, without credentials because zconnect listens on loopback only.".to_owned(),
            DemoCallKind::ConfigStatus => "The configuration status: generation, the server.xml above with its hash, and the diagnostics of the last load.".to_owned(),
            DemoCallKind::Metrics => "Token requests by authorization server and outcome, and 401 decisions by requester, decision and reason.".to_owned(),
        }
    }
}

/// One call the demo prints: a curl command and what it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoCall {
    pub kind: DemoCallKind,
    /// The URL the curl command requests with GET.
    pub url: String,
    /// The command to copy, which may filter the output.
    pub curl: String,
    /// One line saying what the call returns and why.
    pub expectation: String,
}

/// A running demo: the sandbox, zconnect and the server directory.
#[derive(Debug)]
pub struct Demo {
    server: Server,
    sandbox: Sandbox,
    server_dir: TempDir,
    addr: SocketAddr,
    token_lifetime_seconds: u64,
}

/// Starts the sandbox, writes the demo `server.xml` to a new temporary server
/// directory and starts zconnect on it, all on 127.0.0.1.
pub async fn start(options: DemoOptions) -> Result<Demo, DemoError> {
    let token_lifetime_seconds = whole_seconds(options.token_lifetime)?;

    let sandbox = Sandbox::start().await.map_err(DemoError::Sandbox)?;
    sandbox.enable_demo_routes();
    sandbox.require_client(CLIENT_ID, CLIENT_SECRET);
    sandbox.set_token_lifetime(Some(token_lifetime_seconds));

    let server_dir = tempfile::Builder::new()
        .prefix("zconnect-demo-")
        .tempdir()
        .map_err(DemoError::ServerDirectory)?;
    // The default archive folder, so that the load reports no missing folder
    // and `.ara` archives copied into it are picked up.
    let archive_dir = server_dir.path().join(ARCHIVE_FOLDER);
    std::fs::create_dir_all(&archive_dir).map_err(|source| DemoError::Write {
        path: archive_dir,
        source,
    })?;

    let config_path = server_dir.path().join("server.xml");
    let config = server_xml(options.port, &sandbox);
    std::fs::write(&config_path, config).map_err(|source| DemoError::Write {
        path: config_path.clone(),
        source,
    })?;

    let mut server_options = ServerOptions::new(server_dir.path());
    server_options.shutdown_timeout = SHUTDOWN_TIMEOUT;
    let server = Server::start(server_options)
        .await
        .map_err(|error| start_error(error, options.port))?;
    let addr = server.local_addr().ok_or(DemoError::NotListening)?;

    Ok(Demo {
        server,
        sandbox,
        server_dir,
        addr,
        token_lifetime_seconds,
    })
}

impl Demo {
    /// Returns the address zconnect listened on when the demo started.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Returns `http://127.0.0.1:{port}` of zconnect.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Returns the path of the demo `server.xml`.
    pub fn server_xml_path(&self) -> PathBuf {
        self.server_dir.path().join("server.xml")
    }

    pub fn sandbox(&self) -> &Sandbox {
        &self.sandbox
    }

    pub fn server(&self) -> &Server {
        &self.server
    }

    /// Returns the calls to try, in the order printed.
    pub fn calls(&self) -> Vec<DemoCall> {
        DemoCallKind::ALL
            .iter()
            .map(|&kind| {
                let url = format!("{}{}", self.base_url(), kind.path());
                let curl = match kind {
                    DemoCallKind::Requesters | DemoCallKind::ConfigStatus => {
                        format!("curl -s {url}")
                    }
                    DemoCallKind::Metrics => format!(
                        "curl -s {url} | grep -E '^zconnect_(token_requests|requester_retry_decisions)_total'"
                    ),
                    _ => format!("curl -i {url}"),
                };
                DemoCall {
                    kind,
                    url,
                    curl,
                    expectation: kind.expectation(self.token_lifetime_seconds),
                }
            })
            .collect()
    }

    /// Builds the text `zconnect demo` prints once everything listens.
    pub fn instructions(&self) -> String {
        let mut text = format!(
            "zconnect listens on {base}\n\
             Configuration: {config}\n  \
             (edit and save it while the demo runs and zconnect reloads it; it is deleted when the demo stops)\n\
             Sandbox authorization server and sample API: {sandbox}\n  \
             (token endpoint {token_url}, tokens expire after {lifetime} s)\n\
             \n\
             Two API requesters call the same sample API. Callers are not authenticated (requireAuth=\"false\"):\n  \
             {LEVEL_3_REQUESTER}  tokenRetryCheckLevel 3, the default: retries a 401 only when its Bearer challenge has error=\"invalid_token\"\n  \
             {LEVEL_1_REQUESTER}  tokenRetryCheckLevel=\"1\": retries every 401\n\
             The admin API is open without credentials because zconnect listens on 127.0.0.1 only.\n\
             Info log lines on standard error show each 401 decision (ZCN8530I retried, ZCN8531I not retried).\n\
             \n\
             Try these calls:\n",
            base = self.base_url(),
            config = self.server_xml_path().display(),
            sandbox = self.sandbox.base_url(),
            token_url = self.sandbox.token_url(),
            lifetime = self.token_lifetime_seconds,
        );

        for call in self.calls() {
            text.push_str(&format!("\n# {}\n{}\n", call.expectation, call.curl));
        }

        text.push_str(&format!(
            "\nRepeat the first call after {} s to see the expired token replaced by a new token request.\n\
             Press Ctrl-C to stop.\n",
            self.token_lifetime_seconds
        ));
        text
    }

    /// Stops zconnect (calls in progress finish, bounded by 5 s), then the
    /// sandbox, and deletes the server directory. Fails only when the
    /// directory cannot be deleted.
    pub async fn stop(self) -> io::Result<()> {
        self.server.shut_down().await;
        drop(self.sandbox);
        self.server_dir.close()
    }
}

/// `zconnect demo`: starts the demo, prints its instructions and runs until
/// SIGINT or SIGTERM, then stops everything and exits 0. Exits 1 when the
/// demo cannot start or its server directory cannot be deleted.
pub fn run(options: DemoOptions) -> ExitCode {
    let settings = LogSettings {
        format: LogFormat::Text,
        level: "info".to_owned(),
    };
    if let Err(error) = crate::logging::init(&settings) {
        eprintln!("zconnect demo: {error}");
        return ExitCode::from(2);
    }

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("zconnect demo: cannot start the async runtime: {error}");
            return ExitCode::from(1);
        }
    };

    runtime.block_on(async move {
        // Installed before anything is printed, so that a signal sent as soon
        // as the instructions appear stops the demo instead of killing it.
        let mut signals = match StopSignals::install() {
            Ok(signals) => signals,
            Err(error) => {
                eprintln!("zconnect demo: cannot listen for SIGINT and SIGTERM: {error}");
                return ExitCode::from(1);
            }
        };

        let demo = match start(options).await {
            Ok(demo) => demo,
            Err(error) => {
                eprintln!("zconnect demo: {error}");
                return ExitCode::from(1);
            }
        };
        print!("{}", demo.instructions());

        let signal = signals.recv().await;
        tracing::info!(signal, "Stopping the demo");
        let config_dir = demo.server_dir.path().to_path_buf();
        match demo.stop().await {
            Ok(()) => {
                println!("Demo stopped; deleted {}", config_dir.display());
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!(
                    "zconnect demo: deleting the server directory {} failed: {error}; delete it by hand",
                    config_dir.display()
                );
                ExitCode::from(1)
            }
        }
    })
}

fn whole_seconds(lifetime: Duration) -> Result<u64, DemoError> {
    if lifetime.subsec_nanos() != 0 || lifetime.as_secs() == 0 {
        return Err(DemoError::InvalidTokenLifetime(lifetime));
    }
    Ok(lifetime.as_secs())
}

fn start_error(error: StartError, port: u16) -> DemoError {
    match &error {
        StartError::Bind(bind) if bind.source.kind() == io::ErrorKind::AddrInUse => {
            DemoError::PortInUse(port)
        }
        _ => DemoError::Server(error),
    }
}

/// Renders the demo `server.xml`. Its comments explain each part to a user
/// who opens the file.
fn server_xml(port: u16, sandbox: &Sandbox) -> String {
    let client_secret = zconnect_config::values::encode_xor(CLIENT_SECRET);
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by `zconnect demo` for one run and deleted when the demo stops.
     Edit and save it while the demo runs: zconnect reloads it. -->
<server>
  <featureManager>
    <feature>zosconnect:apiRequester-1.0</feature>
  </featureManager>

  <!-- 127.0.0.1 only. There is no user registry, so the admin API is open:
       only programs on this machine can reach it. -->
  <httpEndpoint id="defaultHttpEndpoint" host="127.0.0.1" httpPort="{port}"/>

  <!-- Callers of the API requesters are not authenticated in this demo. -->
  <zosconnect_zosConnectManager requireAuth="false" requireSecure="false"/>

  <!-- The sandbox token endpoint. The client secret is in the {{xor}} form
       that `zconnect encode` prints; the admin API shows it masked. -->
  <zosconnect_authData id="demoClient" user="{CLIENT_ID}" password="{client_secret}"/>
  <zosconnect_authorizationServer id="{AUTHORIZATION_SERVER_ID}" tokenEndpoint="{token_url}" basicAuthRef="demoClient"/>

  <!-- One oAuthConfig per retry level, so each requester has its own tokens.
       tokenReplaceInterval="0s" lifts zconnect's limit of one replacement token
       per 5 s after 401s, so that every rejected call in this demo gets a new
       token. Remove it to see the limit. -->
  <zosconnect_oAuthConfig id="level3OAuth" grantType="client_credentials" authServerRef="{AUTHORIZATION_SERVER_ID}"
      tokenReplaceInterval="0s"/>
  <zosconnect_oAuthConfig id="level1OAuth" grantType="client_credentials" authServerRef="{AUTHORIZATION_SERVER_ID}"
      tokenRetryCheckLevel="1" tokenReplaceInterval="0s"/>

  <!-- The same sample API behind both connections. -->
  <zosconnect_endpointConnection id="claimsLevel3" host="http://127.0.0.1" port="{sandbox_port}"
      authenticationConfigRef="level3OAuth"/>
  <zosconnect_endpointConnection id="claimsLevel1" host="http://127.0.0.1" port="{sandbox_port}"
      authenticationConfigRef="level1OAuth"/>

  <zosconnect_apiRequesters requireAuth="false">
    <apiRequester name="{LEVEL_3_REQUESTER}" connectionRef="claimsLevel3"/>
    <apiRequester name="{LEVEL_1_REQUESTER}" connectionRef="claimsLevel1"/>
  </zosconnect_apiRequesters>
</server>
"#,
        token_url = sandbox.token_url(),
        sandbox_port = sandbox.port(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_seconds_accepts_one_second() {
        assert_eq!(whole_seconds(Duration::from_secs(1)).ok(), Some(1));
    }

    #[test]
    fn whole_seconds_rejects_zero() {
        assert!(matches!(
            whole_seconds(Duration::ZERO),
            Err(DemoError::InvalidTokenLifetime(_))
        ));
    }

    #[test]
    fn whole_seconds_rejects_fraction() {
        assert!(matches!(
            whole_seconds(Duration::from_millis(1500)),
            Err(DemoError::InvalidTokenLifetime(_))
        ));
    }

    #[test]
    fn port_in_use_message_suggests_port_option() {
        let message = DemoError::PortInUse(9080).to_string();
        assert!(message.contains("port 9080"), "{message}");
        assert!(message.contains("--port"), "{message}");
    }

    #[test]
    fn defaults_are_port_9080_and_30_seconds() {
        let options = DemoOptions::default();
        assert_eq!(options.port, 9080);
        assert_eq!(options.token_lifetime, Duration::from_secs(30));
    }
}
