//! Liberty's CWWKG0076W behaviour at a reload under `onError="WARN"`: an
//! element that was valid in the running configuration and is invalid in the
//! new files keeps its previous valid version.
//!
//! A previous version is kept only when every element it references exists in
//! the new configuration (possibly as a kept version itself), so the result
//! never holds a dangling reference.

use zconnect_config::model::{Authentication, ElementKey};
use zconnect_config::{Config, Diagnostic, Severity};

/// Puts the previous version of each newly invalid element into `new`, and
/// returns the keys of the elements kept.
pub fn keep_previous_versions(old: &Config, new: &mut Config) -> Vec<ElementKey> {
    let mut pending: Vec<ElementKey> = new
        .invalid_elements
        .iter()
        .filter(|key| !old.invalid_elements.contains(key))
        .cloned()
        .collect();
    let mut kept = Vec::new();

    // Dependents may come before what they reference, so repeat until no
    // element can be added.
    loop {
        let before = kept.len();
        pending.retain(|key| {
            if restore(old, new, key) {
                kept.push(key.clone());
                false
            } else {
                true
            }
        });
        if kept.len() == before {
            break;
        }
    }

    new.invalid_elements.retain(|key| !kept.contains(key));
    kept
}

/// Keys of `apiRequester` entries that the loader left out as invalid. The
/// typed model lists only top-level elements in `invalid_elements`, so these
/// are found through the diagnostics that name them, which a requester simply
/// removed from the file never has.
pub fn left_out_requesters(diagnostics: &[Diagnostic], config: &Config) -> Vec<ElementKey> {
    const PREFIX: &str = "zosconnect_apiRequesters/apiRequester[";
    let mut keys: Vec<ElementKey> = Vec::new();
    for diagnostic in diagnostics
        .iter()
        .filter(|d| d.severity() >= Severity::Warning)
    {
        let Some(name) = diagnostic
            .element
            .as_deref()
            .and_then(|path| path.strip_prefix(PREFIX))
            .and_then(|rest| rest.strip_suffix(']'))
        else {
            continue;
        };
        let present = config
            .api_requesters
            .requesters
            .iter()
            .any(|r| r.name == name);
        let key = ElementKey {
            kind: "zosconnect_apiRequesters/apiRequester".to_owned(),
            id: Some(name.to_owned()),
        };
        if !present && !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys
}

/// Copies one element's previous version into `new` if it existed and its
/// references resolve there. Returns whether it was copied.
fn restore(old: &Config, new: &mut Config, key: &ElementKey) -> bool {
    let id = key.id.clone().unwrap_or_default();
    match key.kind.as_str() {
        "zosconnect_endpointConnection" => {
            let Some(previous) = old.endpoint_connections.get(&id) else {
                return false;
            };
            let resolves = previous
                .basic_auth
                .as_ref()
                .is_none_or(|id| new.auth_data.contains_key(id))
                && match &previous.authentication {
                    None => true,
                    Some(Authentication::OAuth(id)) => new.oauth_configs.contains_key(id),
                    Some(Authentication::AuthToken(id)) => new.auth_tokens.contains_key(id),
                }
                && previous
                    .ssl
                    .as_ref()
                    .is_none_or(|id| new.ssl.contains_key(id));
            resolves && insert(&mut new.endpoint_connections, id, previous.clone())
        }
        "zosconnect_oAuthConfig" => {
            let Some(previous) = old.oauth_configs.get(&id) else {
                return false;
            };
            new.authorization_servers
                .contains_key(&previous.auth_server)
                && insert(&mut new.oauth_configs, id, previous.clone())
        }
        "zosconnect_authorizationServer" => {
            let Some(previous) = old.authorization_servers.get(&id) else {
                return false;
            };
            let resolves = previous
                .basic_auth
                .as_ref()
                .is_none_or(|id| new.auth_data.contains_key(id))
                && previous
                    .ssl
                    .as_ref()
                    .is_none_or(|id| new.ssl.contains_key(id));
            resolves && insert(&mut new.authorization_servers, id, previous.clone())
        }
        "zosconnect_authData" => match old.auth_data.get(&id) {
            Some(previous) => insert(&mut new.auth_data, id, previous.clone()),
            None => false,
        },
        "zosconnect_authToken" => {
            let Some(previous) = old.auth_tokens.get(&id) else {
                return false;
            };
            new.authorization_servers
                .contains_key(&previous.auth_server)
                && insert(&mut new.auth_tokens, id, previous.clone())
        }
        "ssl" => {
            let Some(previous) = old.ssl.get(&id) else {
                return false;
            };
            let resolves = previous
                .trust_store
                .as_ref()
                .is_none_or(|id| new.key_stores.contains_key(id))
                && previous
                    .key_store
                    .as_ref()
                    .is_none_or(|id| new.key_stores.contains_key(id));
            resolves && insert(&mut new.ssl, id, previous.clone())
        }
        "keyStore" => match old.key_stores.get(&id) {
            Some(previous) => insert(&mut new.key_stores, id, previous.clone()),
            None => false,
        },
        "basicRegistry" => match old.basic_registries.get(&id) {
            Some(previous) => insert(&mut new.basic_registries, id, previous.clone()),
            None => false,
        },
        "httpEndpoint" => {
            new.http_endpoint = old.http_endpoint.clone();
            true
        }
        "zosconnect_zosConnectManager" => {
            new.manager = old.manager.clone();
            true
        }
        "config" => {
            new.config = old.config.clone();
            true
        }
        "administrator-role" => {
            new.administrator_role = old.administrator_role.clone();
            true
        }
        kind if kind == "apiRequester" || kind.ends_with("/apiRequester") => {
            let Some(previous) = old
                .api_requesters
                .requesters
                .iter()
                .find(|requester| requester.name == id)
            else {
                return false;
            };
            let resolves = previous
                .connection
                .as_ref()
                .is_none_or(|id| new.endpoint_connections.contains_key(id));
            if !resolves || new.api_requesters.requesters.iter().any(|r| r.name == id) {
                return false;
            }
            new.api_requesters.requesters.push(previous.clone());
            true
        }
        _ => false,
    }
}

/// Inserts a previous version unless the new configuration already has one.
fn insert<T>(map: &mut std::collections::BTreeMap<String, T>, id: String, value: T) -> bool {
    if map.contains_key(&id) {
        return false;
    }
    map.insert(id, value);
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use zconnect_config::model::{
        AuthorizationServer, BasicAuthEncoding, EndpointConnection, GrantType, OAuthConfig,
        RetryCheckLevel, Scheme,
    };

    fn key(kind: &str, id: &str) -> ElementKey {
        ElementKey {
            kind: kind.to_owned(),
            id: Some(id.to_owned()),
        }
    }

    fn connection(id: &str, oauth: Option<&str>) -> EndpointConnection {
        EndpointConnection {
            id: id.to_owned(),
            scheme: Scheme::Http,
            host: "127.0.0.1".to_owned(),
            port: 8080,
            domain_base_path: String::new(),
            basic_auth: None,
            authentication: oauth.map(|id| Authentication::OAuth(id.to_owned())),
            ssl: None,
            connection_timeout: Duration::from_secs(30),
            receive_timeout: Duration::from_secs(60),
        }
    }

    fn oauth(id: &str, server: &str) -> OAuthConfig {
        OAuthConfig {
            id: id.to_owned(),
            grant_type: GrantType::ClientCredentials,
            auth_server: server.to_owned(),
            token_retry_check_level: RetryCheckLevel::InvalidTokenChallenge,
            scope: None,
            audience: None,
            resource: None,
            token_expiry_margin: Duration::from_secs(1),
            token_replace_interval: Duration::from_secs(5),
            default_token_lifetime: Duration::from_secs(300),
        }
    }

    fn server(id: &str) -> AuthorizationServer {
        AuthorizationServer {
            id: id.to_owned(),
            token_endpoint: "http://127.0.0.1:1/token".to_owned(),
            basic_auth: None,
            ssl: None,
            connection_timeout: Duration::from_secs(30),
            receive_timeout: Duration::from_secs(60),
            basic_auth_encoding: BasicAuthEncoding::Form,
        }
    }

    #[test]
    fn keep_restores_newly_invalid_element() {
        let mut old = Config::default();
        old.endpoint_connections
            .insert("conn".to_owned(), connection("conn", None));
        let mut new = Config::default();
        new.invalid_elements
            .push(key("zosconnect_endpointConnection", "conn"));

        let kept = keep_previous_versions(&old, &mut new);

        assert_eq!(kept, vec![key("zosconnect_endpointConnection", "conn")]);
        assert!(new.endpoint_connections.contains_key("conn"));
        assert!(new.invalid_elements.is_empty());
    }

    #[test]
    fn keep_restores_dependency_chain_in_any_order() {
        let mut old = Config::default();
        old.endpoint_connections
            .insert("conn".to_owned(), connection("conn", Some("oauth")));
        old.oauth_configs
            .insert("oauth".to_owned(), oauth("oauth", "as"));
        let mut new = Config::default();
        new.authorization_servers
            .insert("as".to_owned(), server("as"));
        new.invalid_elements
            .push(key("zosconnect_endpointConnection", "conn"));
        new.invalid_elements
            .push(key("zosconnect_oAuthConfig", "oauth"));

        let kept = keep_previous_versions(&old, &mut new);

        assert_eq!(kept.len(), 2);
        assert!(new.endpoint_connections.contains_key("conn"));
        assert!(new.oauth_configs.contains_key("oauth"));
    }

    #[test]
    fn keep_skips_element_with_dangling_reference() {
        let mut old = Config::default();
        old.oauth_configs
            .insert("oauth".to_owned(), oauth("oauth", "gone"));
        let mut new = Config::default();
        new.invalid_elements
            .push(key("zosconnect_oAuthConfig", "oauth"));

        let kept = keep_previous_versions(&old, &mut new);

        assert!(kept.is_empty());
        assert!(!new.oauth_configs.contains_key("oauth"));
        assert_eq!(new.invalid_elements.len(), 1);
    }

    #[test]
    fn keep_skips_element_invalid_before_too() {
        let mut old = Config::default();
        old.invalid_elements
            .push(key("zosconnect_endpointConnection", "conn"));
        let mut new = Config::default();
        new.invalid_elements
            .push(key("zosconnect_endpointConnection", "conn"));

        assert!(keep_previous_versions(&old, &mut new).is_empty());
    }
}
