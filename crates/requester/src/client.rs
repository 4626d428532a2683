//! The client built from one configuration snapshot: connection pools per
//! endpoint connection (hyper's client, one per call worker) and per
//! authorization server (reqwest).

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use zconnect_config::model::{KeyStore, Scheme, SslConfig};
use zconnect_config::Config;

use crate::call::oauth::{prepare_without_credentials, PreparedOAuth};
use crate::forward::EndpointOrigin;
use crate::shared::SharedState;
use crate::transport::EndpointTransport;

/// The settings a connection pool is built from. Two elements with equal
/// settings can share a pool, and a reload keeps a pool whose settings did
/// not change.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PoolSettings {
    /// Scheme, host and port of an endpoint connection, because its pools
    /// contain connections to that one address. `None` for authorization
    /// servers, whose pool keeps connections per address itself.
    address: Option<(Scheme, String, u16)>,
    connection_timeout: Duration,
    receive_timeout: Duration,
    /// The `ssl` element and its key stores, for `https` only.
    tls: Option<TlsSettings>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct TlsSettings {
    ssl: Option<SslConfig>,
    key_stores: Vec<KeyStore>,
}

/// The connection pool of an authorization server.
#[derive(Debug, Clone)]
pub(crate) struct Pool {
    settings: PoolSettings,
    pub(crate) http: reqwest::Client,
}

/// The connection pools of an endpoint connection.
#[derive(Debug, Clone)]
pub(crate) struct EndpointPool {
    settings: PoolSettings,
    pub(crate) transport: EndpointTransport,
}

/// A problem that keeps one element's connection pool from being built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildProblem {
    /// The element, such as `zosconnect_endpointConnection[orders]`.
    pub element: String,
    pub message: String,
}

/// Every element whose connection pool could not be built, as one error.
/// [`Client::build`] no longer fails with it; [`Client::build_problems`]
/// lists the same problems on a client that works for the other elements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError {
    pub problems: Vec<BuildProblem>,
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, problem) in self.problems.iter().enumerate() {
            if index > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", problem.element, problem.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for BuildError {}

/// Calls API requesters with one configuration snapshot. Build a new one at
/// each reload, passing the old one as `previous`, then swap.
pub struct Client {
    pub(crate) config: Arc<Config>,
    pub(crate) shared: Arc<SharedState>,
    pub(crate) endpoints: HashMap<String, EndpointPool>,
    pub(crate) auth_servers: HashMap<String, Pool>,
    /// Token cache keys and token requests of calls without credential
    /// headers, by oAuthConfig id.
    pub(crate) oauth_prepared: HashMap<String, PreparedOAuth>,
    /// Parsed `scheme://host:port` by endpoint connection id.
    pub(crate) endpoint_origins: HashMap<String, EndpointOrigin>,
    /// Elements without a pool, each with the reason; calls that need one of
    /// them fail with 503.
    problems: Vec<BuildProblem>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut endpoints: Vec<&String> = self.endpoints.keys().collect();
        endpoints.sort();
        let mut auth_servers: Vec<&String> = self.auth_servers.keys().collect();
        auth_servers.sort();
        f.debug_struct("Client")
            .field("endpoint_connections", &endpoints)
            .field("authorization_servers", &auth_servers)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Builds a pool for every endpoint connection and authorization server
    /// in `config`, keeping the pools of `previous` whose settings are
    /// unchanged.
    ///
    /// An element whose pool cannot be built (an unreadable key store, for
    /// one) does not stop the others: it is left without a pool and listed
    /// in [`Client::build_problems`], and calls that need it fail with 503
    /// naming the element and the cause. The `Result` is kept for callers
    /// written when one such element failed the whole build; today it is
    /// always `Ok`.
    pub fn build(
        config: Arc<Config>,
        shared: Arc<SharedState>,
        previous: Option<&Client>,
    ) -> Result<Client, BuildError> {
        let mut problems = Vec::new();
        let workers = shared.options().call_workers;

        let mut endpoints = HashMap::new();
        for (id, connection) in &config.endpoint_connections {
            let settings = PoolSettings {
                address: Some((connection.scheme, connection.host.clone(), connection.port)),
                connection_timeout: connection.connection_timeout,
                receive_timeout: connection.receive_timeout,
                tls: (connection.scheme == Scheme::Https)
                    .then(|| tls_settings(&config, connection.ssl.as_deref())),
            };
            let reused = previous.and_then(|client| client.endpoints.get(id));
            match endpoint_pool(settings, reused, &config, workers) {
                Ok(pool) => {
                    endpoints.insert(id.clone(), pool);
                }
                Err(message) => problems.push(BuildProblem {
                    element: format!("zosconnect_endpointConnection[{id}]"),
                    message,
                }),
            }
        }

        let mut auth_servers = HashMap::new();
        for (id, server) in &config.authorization_servers {
            let https = server
                .token_endpoint
                .get(..8)
                .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"));
            let settings = PoolSettings {
                address: None,
                connection_timeout: server.connection_timeout,
                receive_timeout: server.receive_timeout,
                tls: https.then(|| tls_settings(&config, server.ssl.as_deref())),
            };
            let reused = previous.and_then(|client| client.auth_servers.get(id));
            match pool(settings, reused, &config) {
                Ok(pool) => {
                    auth_servers.insert(id.clone(), pool);
                }
                Err(message) => problems.push(BuildProblem {
                    element: format!("zosconnect_authorizationServer[{id}]"),
                    message,
                }),
            }
        }

        let endpoint_origins = config
            .endpoint_connections
            .iter()
            .filter_map(|(id, connection)| {
                EndpointOrigin::new(connection).map(|origin| (id.clone(), origin))
            })
            .collect();
        let mut client = Client {
            config,
            shared,
            endpoints,
            auth_servers,
            oauth_prepared: HashMap::new(),
            endpoint_origins,
            problems,
        };
        client.oauth_prepared = prepare_without_credentials(&client);
        Ok(client)
    }

    /// The configuration this client was built from.
    pub fn config(&self) -> &Arc<Config> {
        &self.config
    }

    pub fn shared(&self) -> &Arc<SharedState> {
        &self.shared
    }

    /// The elements left without a connection pool, each with its cause, for
    /// the server to log once per build.
    pub fn build_problems(&self) -> &[BuildProblem] {
        &self.problems
    }

    /// The pool of authorization server `id`, or why it has none.
    pub(crate) fn auth_server_pool(&self, id: &str) -> Result<&Pool, String> {
        self.auth_servers
            .get(id)
            .ok_or_else(|| self.missing_pool("zosconnect_authorizationServer", id))
    }

    /// Returns why endpoint connection `id` has no pool, if a build problem says.
    pub(crate) fn endpoint_pool_problem(&self, id: &str) -> Option<&str> {
        let element = format!("zosconnect_endpointConnection[{id}]");
        self.problems
            .iter()
            .find(|problem| problem.element == element)
            .map(|problem| problem.message.as_str())
    }

    fn missing_pool(&self, kind: &str, id: &str) -> String {
        let element = format!("{kind}[{id}]");
        match self
            .problems
            .iter()
            .find(|problem| problem.element == element)
        {
            Some(problem) => format!(
                "the HTTP client of {kind} '{id}' could not be built: {}",
                problem.message
            ),
            None => format!("{kind} '{id}' has no HTTP client"),
        }
    }
}

fn tls_settings(config: &Config, ssl_id: Option<&str>) -> TlsSettings {
    let ssl = ssl_id.and_then(|id| config.ssl.get(id)).cloned();
    let key_stores = ssl
        .iter()
        .flat_map(|ssl| [ssl.trust_store.as_deref(), ssl.key_store.as_deref()])
        .flatten()
        .filter_map(|id| config.key_stores.get(id))
        .cloned()
        .collect();
    TlsSettings { ssl, key_stores }
}

/// Reuses `previous` when its settings are equal, else builds new pools.
fn endpoint_pool(
    settings: PoolSettings,
    previous: Option<&EndpointPool>,
    config: &Config,
    workers: usize,
) -> Result<EndpointPool, String> {
    if let Some(previous) = previous.filter(|previous| previous.settings == settings) {
        return Ok(previous.clone());
    }

    let tls = match &settings.tls {
        None => None,
        Some(TlsSettings { ssl: Some(ssl), .. }) => {
            Some(crate::tls::client_config(config, ssl).map_err(|error| error.to_string())?)
        }
        Some(TlsSettings { ssl: None, .. }) => {
            Some(crate::tls::system_roots_config().map_err(|error| error.to_string())?)
        }
    };
    let transport = EndpointTransport::new(settings.connection_timeout, tls, workers);
    Ok(EndpointPool {
        settings,
        transport,
    })
}

/// Reuses `previous` when its settings are equal, else builds a new pool.
fn pool(settings: PoolSettings, previous: Option<&Pool>, config: &Config) -> Result<Pool, String> {
    if let Some(previous) = previous.filter(|previous| previous.settings == settings) {
        return Ok(previous.clone());
    }

    let mut builder = reqwest::Client::builder()
        .connect_timeout(settings.connection_timeout)
        // Counted from the start of the request to the response headers, then
        // for each pause in the body; token_deadline bounds the whole request.
        .read_timeout(settings.receive_timeout)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .tcp_nodelay(true)
        .pool_idle_timeout(Duration::from_secs(90));
    if let Some(tls) = &settings.tls {
        if let Some(ssl) = &tls.ssl {
            let tls_config =
                crate::tls::client_config(config, ssl).map_err(|error| error.to_string())?;
            builder = builder.use_preconfigured_tls(tls_config);
        }
    }
    let http = builder
        .build()
        .map_err(|error| format!("the HTTP client cannot be built: {error}"))?;
    Ok(Pool { settings, http })
}
