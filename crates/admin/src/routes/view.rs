//! The requester object of the admin API, with the field names of z/OS
//! Connect's admin API so that its clients work unchanged.

use axum::http::{header, HeaderMap};
use serde_json::{json, Value};
use zconnect_config::archive::{Requester, RequesterOrigin};
use zconnect_config::model::{Authentication, RequesterStatus, Scheme};
use zconnect_config::Config;

use crate::state::AppState;

/// `scheme://host:port` of the admin request, for `apiRequesterUrl`. The
/// server serves plain HTTP, so the scheme is `http`.
pub fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .filter(|value| !value.is_empty())
        .map(str::to_owned)
        .or_else(|| state.listening().first().map(ToString::to_string))
        .unwrap_or_else(|| "localhost".to_owned());
    format!("http://{host}")
}

/// Builds the object of `GET /zosConnect/apiRequesters`: the summary fields plus
/// `connectionRef`, the name IBM's zosconnect-node client reads from the list.
pub fn list_item(state: &AppState, requester: &Requester, base_url: &str) -> Value {
    let mut object = summary(state, requester, base_url);
    object["connectionRef"] = json!(requester.connection);
    object
}

/// Builds the object of `GET /zosConnect/apiRequesters/{name}` and of the
/// answers to a status change, a deployment, an update and a delete.
pub fn details(state: &AppState, config: &Config, requester: &Requester, base_url: &str) -> Value {
    let mut object = summary(state, requester, base_url);
    object["endpoint"] = endpoint(config, requester);
    object["source"] = json!(match requester.origin {
        RequesterOrigin::Archive { .. } => "archive",
        RequesterOrigin::ServerXml { .. } => "server.xml",
        RequesterOrigin::WebApplication { .. } => "webApplication",
    });
    object
}

fn summary(state: &AppState, requester: &Requester, base_url: &str) -> Value {
    let status = match state.requester_status(requester) {
        RequesterStatus::Started => "Started",
        RequesterStatus::Stopped => "Stopped",
    };
    json!({
        "name": requester.name,
        "version": requester.version.clone().unwrap_or_else(|| version_of(&requester.name)),
        // Only archives carry a description; requesters declared in
        // server.xml have none.
        "description": requester.description.clone().unwrap_or_default(),
        "status": status,
        "connection": requester.connection,
        "apiRequesterUrl": format!("{base_url}/zosConnect/apiRequesters/{}", requester.name),
    })
}

fn endpoint(config: &Config, requester: &Requester) -> Value {
    let Some(connection) = requester
        .connection
        .as_ref()
        .and_then(|id| config.endpoint_connections.get(id))
    else {
        return Value::Null;
    };

    let scheme = match connection.scheme {
        Scheme::Http => "http",
        Scheme::Https => "https",
    };
    let host = if connection.host.contains(':') {
        format!("[{}]", connection.host)
    } else {
        connection.host.clone()
    };
    let mut object = json!({
        "url": endpoint_url(scheme, &host, connection.port, &connection.domain_base_path, &requester.base_path),
    });

    match &connection.authentication {
        Some(Authentication::OAuth(id)) => {
            object["authentication"] = json!("oauth");
            if let Some(oauth) = config.oauth_configs.get(id) {
                object["tokenRetryCheckLevel"] = json!(oauth.token_retry_check_level.number());
            }
        }
        Some(Authentication::AuthToken(_)) => object["authentication"] = json!("authToken"),
        None if connection.basic_auth.is_some() => object["authentication"] = json!("basic"),
        None => object["authentication"] = json!("none"),
    }
    object
}

/// Joins the endpoint address with `domainBasePath` and the archive's base
/// path. Both paths are empty or start with `/` without a trailing `/`.
fn endpoint_url(
    scheme: &str,
    host: &str,
    port: u16,
    domain_base_path: &str,
    base_path: &str,
) -> String {
    format!("{scheme}://{host}:{port}{domain_base_path}{base_path}")
}

/// The version z/OS Connect appends to a requester name (`petstore_1.0.0`), or
/// an empty string when the name has none.
fn version_of(name: &str) -> String {
    match name.rsplit_once('_') {
        Some((_, suffix))
            if suffix.starts_with(|c: char| c.is_ascii_digit())
                && suffix.chars().all(|c| c.is_ascii_digit() || c == '.') =>
        {
            suffix.to_owned()
        }
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::version_of;

    #[test]
    fn version_comes_from_name_suffix() {
        assert_eq!(version_of("petstore_1.0.0"), "1.0.0");
        assert_eq!(version_of("my_api_2"), "2");
    }

    #[test]
    fn version_is_empty_without_numeric_suffix() {
        assert_eq!(version_of("petstore"), "");
        assert_eq!(version_of("pet_store"), "");
        assert_eq!(version_of("pet_"), "");
    }
}
