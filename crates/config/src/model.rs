//! The typed configuration: only valid elements, every default applied and
//! every reference checked, so consumers never re-validate.
//!
//! References are kept as ids; the loader guarantees that each names an element
//! of the right kind in the same [`Config`].

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

use crate::diagnostics::Location;
use crate::Secret;

/// The whole configuration of one load.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Config {
    pub server_dir: PathBuf,
    pub config: ConfigElement,
    /// Feature names from `featureManager`, as written.
    pub features: Vec<String>,
    pub http_endpoint: HttpEndpoint,
    pub manager: ZosConnectManager,
    pub api_requesters: ApiRequesters,
    pub endpoint_connections: BTreeMap<String, EndpointConnection>,
    pub oauth_configs: BTreeMap<String, OAuthConfig>,
    pub authorization_servers: BTreeMap<String, AuthorizationServer>,
    pub auth_data: BTreeMap<String, AuthData>,
    pub auth_tokens: BTreeMap<String, AuthToken>,
    pub ssl: BTreeMap<String, SslConfig>,
    pub key_stores: BTreeMap<String, KeyStore>,
    /// The `ssl` id named by `sslDefault sslRef`, else `defaultSSLConfig` when
    /// defined; endpoints without `sslCertsRef` use it.
    pub default_ssl: Option<String>,
    pub basic_registries: BTreeMap<String, BasicRegistry>,
    pub administrator_role: AdministratorRole,
    pub logging: Logging,
    /// Elements left out because they are invalid, as `kind[id]` paths. At a
    /// reload under `onError="WARN"` the server keeps their previous version.
    pub invalid_elements: Vec<ElementKey>,
}

/// Identity of a top-level element: kind and id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ElementKey {
    pub kind: String,
    pub id: Option<String>,
}

/// `<config>`: how the server reacts to configuration changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfigElement {
    pub monitor_interval: Duration,
    pub update_trigger: UpdateTrigger,
    pub on_error: OnError,
}

impl Default for ConfigElement {
    fn default() -> Self {
        ConfigElement {
            monitor_interval: Duration::from_millis(500),
            update_trigger: UpdateTrigger::Polled,
            on_error: OnError::Warn,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum UpdateTrigger {
    #[default]
    Polled,
    Mbean,
    Disabled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum OnError {
    #[default]
    Warn,
    Fail,
    Ignore,
}

/// `httpEndpoint id="defaultHttpEndpoint"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HttpEndpoint {
    /// Address to bind; `*` means all interfaces.
    pub host: String,
    /// `None` when `httpPort="-1"` disables the listener.
    pub http_port: Option<u16>,
    pub https_port: Option<u16>,
    pub enabled: bool,
}

impl Default for HttpEndpoint {
    fn default() -> Self {
        HttpEndpoint {
            host: "localhost".to_owned(),
            http_port: Some(9080),
            https_port: Some(9443),
            enabled: true,
        }
    }
}

/// `zosconnect_zosConnectManager`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ZosConnectManager {
    pub require_auth: bool,
    pub require_secure: bool,
    pub global_admin_groups: Vec<String>,
    pub global_operations_groups: Vec<String>,
    pub global_reader_groups: Vec<String>,
    pub global_invoke_groups: Vec<String>,
}

impl Default for ZosConnectManager {
    fn default() -> Self {
        ZosConnectManager {
            require_auth: true,
            require_secure: true,
            global_admin_groups: Vec::new(),
            global_operations_groups: Vec::new(),
            global_reader_groups: Vec::new(),
            global_invoke_groups: Vec::new(),
        }
    }
}

/// `zosconnect_apiRequesters` with its requesters, every inherited setting
/// already resolved.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ApiRequesters {
    /// Folder of `.ara` archives.
    pub location: PathBuf,
    pub update_trigger: UpdateTrigger,
    pub polling_rate: Duration,
    /// The settings a requester inherits unless it overrides them; a
    /// requester that comes only from an archive gets exactly these.
    pub defaults: RequesterDefaults,
    pub requesters: Vec<ApiRequester>,
}

/// Requester settings written on `zosconnect_apiRequesters`, each attribute
/// not written there taken from `zosconnect_zosConnectManager` (`idAssertion`
/// defaults to `OFF`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequesterDefaults {
    pub require_auth: bool,
    pub require_secure: bool,
    pub id_assertion: IdAssertion,
    pub admin_groups: Vec<String>,
    pub operations_groups: Vec<String>,
    pub reader_groups: Vec<String>,
    pub invoke_groups: Vec<String>,
}

impl RequesterDefaults {
    /// Builds the settings `zosconnect_zosConnectManager` alone gives.
    pub fn from_manager(manager: &ZosConnectManager) -> Self {
        RequesterDefaults {
            require_auth: manager.require_auth,
            require_secure: manager.require_secure,
            id_assertion: IdAssertion::Off,
            admin_groups: manager.global_admin_groups.clone(),
            operations_groups: manager.global_operations_groups.clone(),
            reader_groups: manager.global_reader_groups.clone(),
            invoke_groups: manager.global_invoke_groups.clone(),
        }
    }
}

impl Default for RequesterDefaults {
    /// Returns the settings of a configuration without either element.
    fn default() -> Self {
        RequesterDefaults::from_manager(&ZosConnectManager::default())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum IdAssertion {
    #[default]
    Off,
    AssertOnly,
    AssertSurrogate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum RequesterStatus {
    #[default]
    Started,
    Stopped,
}

/// Where a requester was declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RequesterSource {
    /// An `apiRequester` element inside `zosconnect_apiRequesters`.
    ServerXml,
    /// A z/OS Connect 3.0 `webApplication` with a `connectionRef` property.
    WebApplication,
}

/// One API requester declared in the configuration (archives add their own).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiRequester {
    pub name: String,
    /// Endpoint connection id; `None` when only an archive can supply it.
    pub connection: Option<String>,
    pub require_auth: bool,
    pub require_secure: bool,
    pub id_assertion: IdAssertion,
    pub admin_groups: Vec<String>,
    pub operations_groups: Vec<String>,
    pub reader_groups: Vec<String>,
    pub invoke_groups: Vec<String>,
    pub status: RequesterStatus,
    pub source: RequesterSource,
    pub location: Location,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Scheme {
    Http,
    Https,
}

/// `zosconnect_endpointConnection`: the remote API a requester calls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EndpointConnection {
    pub id: String,
    pub scheme: Scheme,
    /// Host name or address without scheme or port.
    pub host: String,
    pub port: u16,
    /// Path prefix, empty or starting with `/`, without a trailing `/`.
    pub domain_base_path: String,
    /// `zosconnect_authData` id for HTTP Basic to the endpoint.
    pub basic_auth: Option<String>,
    pub authentication: Option<Authentication>,
    /// `ssl` id in force: `sslCertsRef`, else the default SSL configuration.
    pub ssl: Option<String>,
    pub connection_timeout: Duration,
    pub receive_timeout: Duration,
}

/// How tokens for an endpoint are obtained (`authenticationConfigRef`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Authentication {
    /// A `zosconnect_oAuthConfig` id.
    OAuth(String),
    /// A `zosconnect_authToken` id.
    AuthToken(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum GrantType {
    ClientCredentials,
    Password,
}

/// When a 401 from the endpoint is retried with a new token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum RetryCheckLevel {
    /// Level 1: every 401.
    AnyUnauthorized,
    /// Level 3: a 401 with a Bearer challenge whose `error` is `invalid_token`.
    #[default]
    InvalidTokenChallenge,
}

impl RetryCheckLevel {
    /// The number written in `tokenRetryCheckLevel`.
    pub fn number(self) -> u8 {
        match self {
            RetryCheckLevel::AnyUnauthorized => 1,
            RetryCheckLevel::InvalidTokenChallenge => 3,
        }
    }
}

/// `zosconnect_oAuthConfig`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OAuthConfig {
    pub id: String,
    pub grant_type: GrantType,
    /// `zosconnect_authorizationServer` id.
    pub auth_server: String,
    pub token_retry_check_level: RetryCheckLevel,
    pub scope: Option<String>,
    pub audience: Option<String>,
    pub resource: Option<String>,
    pub token_expiry_margin: Duration,
    /// Zero disables the limit.
    pub token_replace_interval: Duration,
    pub default_token_lifetime: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum BasicAuthEncoding {
    /// Form-urlencode client id and secret before base64 (RFC 6749 2.3.1).
    #[default]
    Form,
    Plain,
}

/// `zosconnect_authorizationServer`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthorizationServer {
    pub id: String,
    /// Absolute `http` or `https` URL.
    pub token_endpoint: String,
    pub basic_auth: Option<String>,
    pub ssl: Option<String>,
    pub connection_timeout: Duration,
    pub receive_timeout: Duration,
    pub basic_auth_encoding: BasicAuthEncoding,
}

/// `zosconnect_authData`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthData {
    pub id: String,
    pub user: String,
    pub password: Option<Secret>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CredentialLocation {
    Header,
    Body,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum TokenRequestMethod {
    Get,
    Put,
    Post,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum TokenLocation {
    Header,
    Body,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ResponseFormat {
    Text,
    Json,
}

/// `zosconnect_authToken`: a token from an authentication server that is not
/// an OAuth 2.0 token endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthToken {
    pub id: String,
    pub auth_server: String,
    /// Header that carries the token to the endpoint.
    pub header: String,
    pub use_bearer_scheme: bool,
    pub cache_tokens_with_jti: bool,
    pub token_request: TokenRequest,
    pub token_response: TokenResponse,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenRequest {
    pub credential_location: CredentialLocation,
    /// Set when `credential_location` is `Header`.
    pub header: Option<String>,
    pub request_method: TokenRequestMethod,
    /// Template with `${userid}` and `${password}`; set when
    /// `credential_location` is `Body`.
    pub request_body: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenResponse {
    pub token_location: TokenLocation,
    /// Set when `token_location` is `Header`.
    pub header: Option<String>,
    /// Set when `token_location` is `Body`.
    pub response_format: Option<ResponseFormat>,
    /// JSONPath such as `$.a.b`; set when `response_format` is `Json`.
    pub token_path: Option<String>,
}

/// `ssl`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SslConfig {
    pub id: String,
    pub trust_store: Option<String>,
    pub key_store: Option<String>,
    pub client_key_alias: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum KeyStoreType {
    Pkcs12,
    Pem,
    /// Any type zconnect cannot read (JKS, JCEKS, JCERACFKS...), as written.
    Unsupported(String),
}

/// `keyStore`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyStore {
    pub id: String,
    /// Absolute path, resolved against the server directory.
    pub location: PathBuf,
    pub store_type: KeyStoreType,
    pub password: Option<Secret>,
}

/// `basicRegistry`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BasicRegistry {
    pub id: String,
    pub users: Vec<RegistryUser>,
    pub groups: Vec<RegistryGroup>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegistryUser {
    pub name: String,
    pub password: UserPassword,
}

/// A registry user's password: compared, never shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum UserPassword {
    /// Plain or decoded `{xor}`.
    Plain(Secret),
    /// Liberty's `{hash}` PBKDF2 record, verified with [`crate::values::verify_hash`].
    Hash(Secret),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegistryGroup {
    pub name: String,
    pub members: Vec<String>,
}

/// `administrator-role`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AdministratorRole {
    pub users: Vec<String>,
    pub groups: Vec<String>,
}

/// `logging`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Logging {
    pub trace_specification: Option<String>,
}
