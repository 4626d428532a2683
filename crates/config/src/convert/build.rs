//! Builds the typed model from valid checked elements. Every value here has
//! been converted and every required attribute and reference checked, so the
//! fallbacks below only keep the code free of panics.

use std::path::Path;

use super::checked::Checked;
use super::rules::parse_endpoint_host;
use crate::diagnostics::{catalog, Diagnostic};
use crate::model::*;
use crate::values::{parse_enum, PasswordValue};

pub(crate) fn update_trigger(option: Option<&str>) -> UpdateTrigger {
    match option {
        Some("mbean") => UpdateTrigger::Mbean,
        Some("disabled") => UpdateTrigger::Disabled,
        _ => UpdateTrigger::Polled,
    }
}

pub(crate) fn id_assertion(option: Option<&str>) -> IdAssertion {
    match option {
        Some("ASSERT_ONLY") => IdAssertion::AssertOnly,
        Some("ASSERT_SURROGATE") => IdAssertion::AssertSurrogate,
        _ => IdAssertion::Off,
    }
}

fn on_error(option: &str) -> OnError {
    match option {
        "FAIL" => OnError::Fail,
        "IGNORE" => OnError::Ignore,
        _ => OnError::Warn,
    }
}

/// `<config>`. The `onError` attribute wins over a variable or bootstrap
/// property named `onError`.
pub(crate) fn config_element(
    element: Option<&Checked>,
    on_error_variable: Option<&str>,
    diagnostics: &mut Vec<Diagnostic>,
) -> ConfigElement {
    let mut config = ConfigElement::default();
    let Some(element) = element else {
        config.on_error = variable_on_error(on_error_variable, diagnostics);
        return config;
    };

    if let Some(interval) = element.duration("monitorInterval") {
        config.monitor_interval = interval;
    }
    config.update_trigger = update_trigger(element.option("updateTrigger"));
    config.on_error = if element.is_written("onError") {
        on_error(element.option("onError").unwrap_or("WARN"))
    } else {
        variable_on_error(on_error_variable, diagnostics)
    };
    config
}

fn variable_on_error(variable: Option<&str>, diagnostics: &mut Vec<Diagnostic>) -> OnError {
    let Some(raw) = variable else {
        return OnError::Warn;
    };
    match parse_enum(raw, &["WARN", "FAIL", "IGNORE"]) {
        Ok(option) => on_error(option),
        Err(error) => {
            diagnostics.push(
                Diagnostic::new(
                    &catalog::INVALID_VALUE_DEFAULT_USED,
                    format!("Invalid value for the `onError` variable: {error}; the default `WARN` is used."),
                )
                .element("config")
                .attribute("onError"),
            );
            OnError::Warn
        }
    }
}

fn port(value: Option<i64>) -> Option<u16> {
    value.and_then(|number| u16::try_from(number).ok())
}

pub(crate) fn http_endpoint(element: Option<&Checked>) -> HttpEndpoint {
    let Some(element) = element else {
        return HttpEndpoint::default();
    };
    let defaults = HttpEndpoint::default();
    HttpEndpoint {
        host: element.string("host").unwrap_or(defaults.host),
        http_port: port(element.int("httpPort")),
        https_port: port(element.int("httpsPort")),
        enabled: element.boolean("enabled").unwrap_or(defaults.enabled),
    }
}

pub(crate) fn manager(element: Option<&Checked>) -> ZosConnectManager {
    let Some(element) = element else {
        return ZosConnectManager::default();
    };
    ZosConnectManager {
        require_auth: element.boolean("requireAuth").unwrap_or(true),
        require_secure: element.boolean("requireSecure").unwrap_or(true),
        global_admin_groups: element.names("globalAdminGroup"),
        global_operations_groups: element.names("globalOperationsGroup"),
        global_reader_groups: element.names("globalReaderGroup"),
        global_invoke_groups: element.names("globalInvokeGroup"),
    }
}

/// Normalises a base path to empty or `/a/b`, without a trailing slash.
fn base_path(raw: &str) -> String {
    let trimmed = raw.trim().trim_matches('/');
    if trimmed.is_empty() {
        String::new()
    } else {
        format!("/{trimmed}")
    }
}

pub(crate) fn endpoint_connection(
    element: &Checked,
    authentication_kind: Option<&str>,
    default_ssl: Option<&str>,
) -> EndpointConnection {
    let parsed = element
        .string("host")
        .and_then(|raw| parse_endpoint_host(&raw, element.is_written("sslCertsRef")).ok());
    let (scheme, host) = match parsed {
        Some(parsed) => (parsed.scheme, parsed.host),
        None => (Scheme::Http, String::new()),
    };

    let authentication =
        element
            .reference("authenticationConfigRef")
            .and_then(|id| match authentication_kind {
                Some("zosconnect_oAuthConfig") => Some(Authentication::OAuth(id)),
                Some("zosconnect_authToken") => Some(Authentication::AuthToken(id)),
                _ => None,
            });
    let ssl = element.reference("sslCertsRef").or_else(|| match scheme {
        Scheme::Https => default_ssl.map(str::to_owned),
        Scheme::Http => None,
    });

    EndpointConnection {
        id: element.id(),
        scheme,
        host,
        port: port(element.int("port")).unwrap_or_default(),
        domain_base_path: base_path(&element.string("domainBasePath").unwrap_or_default()),
        basic_auth: element.reference("basicAuthRef"),
        authentication,
        ssl,
        connection_timeout: element.duration("connectionTimeout").unwrap_or_default(),
        receive_timeout: element.duration("receiveTimeout").unwrap_or_default(),
    }
}

pub(crate) fn oauth_config(element: &Checked) -> OAuthConfig {
    OAuthConfig {
        id: element.id(),
        grant_type: match element.option("grantType") {
            Some("password") => GrantType::Password,
            _ => GrantType::ClientCredentials,
        },
        auth_server: element.reference("authServerRef").unwrap_or_default(),
        token_retry_check_level: match element.int("tokenRetryCheckLevel") {
            Some(1) => RetryCheckLevel::AnyUnauthorized,
            _ => RetryCheckLevel::InvalidTokenChallenge,
        },
        scope: element.string("scope"),
        audience: element.string("audience"),
        resource: element.string("resource"),
        token_expiry_margin: element.duration("tokenExpiryMargin").unwrap_or_default(),
        token_replace_interval: element.duration("tokenReplaceInterval").unwrap_or_default(),
        default_token_lifetime: element.duration("defaultTokenLifetime").unwrap_or_default(),
    }
}

pub(crate) fn authorization_server(
    element: &Checked,
    default_ssl: Option<&str>,
) -> AuthorizationServer {
    let token_endpoint = element.string("tokenEndpoint").unwrap_or_default();
    let uses_tls = super::rules::uses_tls(element);
    AuthorizationServer {
        id: element.id(),
        token_endpoint,
        basic_auth: element.reference("basicAuthRef"),
        ssl: element
            .reference("sslCertsRef")
            .or_else(|| default_ssl.filter(|_| uses_tls).map(str::to_owned)),
        connection_timeout: element.duration("connectionTimeout").unwrap_or_default(),
        receive_timeout: element.duration("receiveTimeout").unwrap_or_default(),
        basic_auth_encoding: match element.option("basicAuthEncoding") {
            Some("plain") => BasicAuthEncoding::Plain,
            _ => BasicAuthEncoding::Form,
        },
    }
}

fn plain_password(element: &Checked, name: &str) -> Option<crate::Secret> {
    match element.password(name)? {
        PasswordValue::Plain(secret) | PasswordValue::Hash(secret) => Some(secret),
    }
}

pub(crate) fn auth_data(element: &Checked) -> AuthData {
    AuthData {
        id: element.id(),
        user: element.string("user").unwrap_or_default(),
        password: plain_password(element, "password"),
    }
}

pub(crate) fn auth_token(element: &Checked) -> Option<AuthToken> {
    let request = element.child("tokenRequest")?;
    let response = element.child("tokenResponse")?;

    let credential_location = match request.option("credentialLocation") {
        Some("body") => CredentialLocation::Body,
        _ => CredentialLocation::Header,
    };
    let token_location = match response.option("tokenLocation") {
        Some("body") => TokenLocation::Body,
        _ => TokenLocation::Header,
    };
    let response_format = match response.option("responseFormat") {
        Some("JSON") => Some(ResponseFormat::Json),
        Some(_) => Some(ResponseFormat::Text),
        None => None,
    };

    Some(AuthToken {
        id: element.id(),
        auth_server: element.reference("authServerRef").unwrap_or_default(),
        header: element
            .string("header")
            .unwrap_or_else(|| "Authorization".to_owned()),
        use_bearer_scheme: element.boolean("useBearerScheme").unwrap_or(true),
        cache_tokens_with_jti: element.boolean("cacheTokensWithJti").unwrap_or(false),
        token_request: TokenRequest {
            credential_location,
            header: request
                .string("header")
                .filter(|_| credential_location == CredentialLocation::Header),
            request_method: match request.option("requestMethod") {
                Some("GET") => TokenRequestMethod::Get,
                Some("PUT") => TokenRequestMethod::Put,
                _ => TokenRequestMethod::Post,
            },
            request_body: request
                .string("requestBody")
                .filter(|_| credential_location == CredentialLocation::Body),
        },
        token_response: TokenResponse {
            token_location,
            header: response
                .string("header")
                .filter(|_| token_location == TokenLocation::Header),
            response_format: response_format.filter(|_| token_location == TokenLocation::Body),
            token_path: response.string("tokenPath").filter(|_| {
                token_location == TokenLocation::Body
                    && response_format == Some(ResponseFormat::Json)
            }),
        },
    })
}

pub(crate) fn ssl_config(element: &Checked) -> SslConfig {
    let key_store = element.reference("keyStoreRef");
    SslConfig {
        id: element.id(),
        // Liberty uses the key store for trust when no trust store is named.
        trust_store: element
            .reference("trustStoreRef")
            .or_else(|| key_store.clone()),
        key_store,
        client_key_alias: element.string("clientKeyAlias"),
    }
}

pub(crate) fn key_store(element: &Checked, server_dir: &Path) -> KeyStore {
    let raw_type = element
        .string("type")
        .unwrap_or_else(|| "PKCS12".to_owned());
    let store_type = if raw_type.eq_ignore_ascii_case("PKCS12") {
        KeyStoreType::Pkcs12
    } else if raw_type.eq_ignore_ascii_case("PEM") {
        KeyStoreType::Pem
    } else {
        KeyStoreType::Unsupported(raw_type)
    };
    KeyStore {
        id: element.id(),
        location: server_dir.join(element.string("location").unwrap_or_default()),
        store_type,
        password: plain_password(element, "password"),
    }
}

pub(crate) fn basic_registry(element: &Checked) -> BasicRegistry {
    let users = element
        .children_named("user")
        .filter_map(|user| {
            let password = match user.password("password")? {
                PasswordValue::Plain(secret) => UserPassword::Plain(secret),
                PasswordValue::Hash(record) => UserPassword::Hash(record),
            };
            Some(RegistryUser {
                name: user.string("name").unwrap_or_default(),
                password,
            })
        })
        .collect();
    let groups = element
        .children_named("group")
        .map(|group| RegistryGroup {
            name: group.string("name").unwrap_or_default(),
            members: group
                .children_named("member")
                .filter_map(|member| member.string("name"))
                .collect(),
        })
        .collect();
    BasicRegistry {
        id: element.id(),
        users,
        groups,
    }
}

pub(crate) fn administrator_role(element: Option<&Checked>) -> AdministratorRole {
    let Some(element) = element else {
        return AdministratorRole::default();
    };
    AdministratorRole {
        users: element.names("user"),
        groups: element.names("group"),
    }
}

pub(crate) fn logging(element: Option<&Checked>) -> Logging {
    Logging {
        trace_specification: element.and_then(|element| element.string("traceSpecification")),
    }
}

#[cfg(test)]
mod tests {
    use super::base_path;

    #[test]
    fn base_path_is_normalised() {
        assert_eq!(base_path(""), "");
        assert_eq!(base_path("/"), "");
        assert_eq!(base_path("api/v1/"), "/api/v1");
        assert_eq!(base_path("//api"), "/api");
    }
}
