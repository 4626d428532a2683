//! Checks that concern one element kind beyond its attribute types: endpoint
//! hosts, header conflicts, unsupported token modes and key stores, features
//! and listeners.

use std::collections::BTreeSet;
use std::path::Path;

use super::checked::{Checked, ElementRef};
use super::references::{Edge, Index};
use crate::diagnostics::{catalog, Diagnostic};
use crate::model::Scheme;
use crate::schema::ZOSCONNECT_FEATURES;

/// The name of the `httpEndpoint` zconnect listens on.
pub(crate) const DEFAULT_HTTP_ENDPOINT: &str = "defaultHttpEndpoint";

/// An endpoint `host` split into scheme and host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EndpointHost {
    pub scheme: Scheme,
    /// Host name or address; an IPv6 address keeps its brackets.
    pub host: String,
    /// True when `host` carried the scheme.
    pub explicit_scheme: bool,
}

/// Parses `https://api.example.com` or a bare `api.example.com`, which uses
/// `https` when `sslCertsRef` is written and `http` otherwise.
pub(crate) fn parse_endpoint_host(raw: &str, ssl_written: bool) -> Result<EndpointHost, String> {
    let (scheme, rest, explicit_scheme) = match raw.split_once("://") {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("https") => (Scheme::Https, rest, true),
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => (Scheme::Http, rest, true),
        Some((scheme, _)) => return Err(format!("the scheme `{scheme}` is not `http` or `https`")),
        None if ssl_written => (Scheme::Https, raw, false),
        None => (Scheme::Http, raw, false),
    };

    let host = rest.strip_suffix('/').unwrap_or(rest);
    if host.is_empty() {
        return Err("the host name is empty".to_owned());
    }
    if host.contains('/') {
        return Err("write the path in `domainBasePath`, not in `host`".to_owned());
    }
    if host.contains(|c: char| c.is_whitespace() || matches!(c, '?' | '#' | '@')) {
        return Err("a host name cannot contain spaces, `?`, `#` or `@`".to_owned());
    }
    let has_port = match host.strip_prefix('[') {
        Some(inner) => match inner.split_once(']') {
            Some((_, after)) => !after.is_empty(),
            None => return Err("the IPv6 address has no closing `]`".to_owned()),
        },
        None => host.contains(':'),
    };
    if has_port {
        return Err("write the port in the `port` attribute, not in `host`".to_owned());
    }

    Ok(EndpointHost {
        scheme,
        host: host.to_owned(),
        explicit_scheme,
    })
}

/// Checks endpoint hosts and the Authorization header conflict, and reports
/// `zosconnect_authTokenLocal`.
pub(crate) fn check_endpoints(
    elements: &mut [Checked],
    index: &Index,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for element in elements
        .iter_mut()
        .filter(|element| element.kind() == "zosconnect_authTokenLocal")
    {
        element.used = false;
        diagnostics.push(
            Diagnostic::new(
                &catalog::AUTH_TOKEN_LOCAL_UNSUPPORTED,
                format!(
                    "The element {} is read but not supported: zconnect cannot sign JWTs with a Liberty jwtBuilder. \
                     Use zosconnect_oAuthConfig or zosconnect_authToken instead.",
                    element.path
                ),
            )
            .at(element.source.location.clone())
            .element(element.path.clone()),
        );
    }

    let kinds: Vec<&'static str> = elements.iter().map(Checked::kind).collect();
    let token_headers: Vec<Option<String>> = elements
        .iter()
        .map(|element| element.string("header"))
        .collect();

    for element in elements
        .iter_mut()
        .filter(|element| element.kind() == "zosconnect_endpointConnection")
    {
        if let Some(raw) = element.string("host") {
            match parse_endpoint_host(&raw, element.is_written("sslCertsRef")) {
                Ok(parsed) if !parsed.explicit_scheme => {
                    report_scheme_chosen(element, &parsed, diagnostics)
                }
                Ok(_) => {}
                Err(reason) => {
                    element.valid = false;
                    diagnostics.push(
                        Diagnostic::new(
                            &catalog::INVALID_VALUE,
                            format!(
                                "Invalid value for `host`: `{raw}` is not a host: {reason}. The attribute has \
                                 no default, so {} is left out.",
                                element.path
                            ),
                        )
                        .at(element.location_of("host"))
                        .element(element.path.clone())
                        .attribute("host"),
                    );
                }
            }
        }

        let Some(target) = element
            .reference("authenticationConfigRef")
            .and_then(|id| index.find(&id, crate::schema::AUTHENTICATION_KINDS))
        else {
            continue;
        };
        let target_kind = kinds.get(target).copied().unwrap_or_default();
        if target_kind == "zosconnect_authTokenLocal" {
            element.valid = false;
            diagnostics.push(
                Diagnostic::new(
                    &catalog::AUTH_TOKEN_LOCAL_IN_USE,
                    format!(
                        "The element {} uses zosconnect_authTokenLocal through `authenticationConfigRef`, which zconnect \
                         does not support, so it is left out.",
                        element.path
                    ),
                )
                .at(element.location_of("authenticationConfigRef"))
                .element(element.path.clone())
                .attribute("authenticationConfigRef"),
            );
            continue;
        }

        let token_header = match target_kind {
            "zosconnect_authToken" => token_headers
                .get(target)
                .cloned()
                .flatten()
                .unwrap_or_default(),
            _ => "Authorization".to_owned(),
        };
        if element.is_written("basicAuthRef") && token_header.eq_ignore_ascii_case("Authorization")
        {
            element.valid = false;
            diagnostics.push(
                Diagnostic::new(
                    &catalog::AUTHORIZATION_HEADER_CONFLICT,
                    format!(
                        "The element {} has both `basicAuthRef` and `authenticationConfigRef`, and both need the \
                         Authorization header, so it is left out. Remove one, or send the token in another \
                         header with zosconnect_authToken `header`.",
                        element.path
                    ),
                )
                .at(element.location_of("basicAuthRef"))
                .element(element.path.clone())
                .attribute("basicAuthRef"),
            );
        }
    }
}

fn report_scheme_chosen(
    element: &Checked,
    parsed: &EndpointHost,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let (scheme, reason) = match parsed.scheme {
        Scheme::Https => ("https", "`sslCertsRef` is written"),
        Scheme::Http => ("http", "`sslCertsRef` is not written"),
    };
    diagnostics.push(
        Diagnostic::new(
            &catalog::ENDPOINT_SCHEME_CHOSEN,
            format!(
                "`host` has no scheme, so zconnect uses `{scheme}` because {reason}. Write \
                 `{scheme}://{}` to make the choice explicit.",
                parsed.host
            ),
        )
        .at(element.location_of("host"))
        .element(element.path.clone())
        .attribute("host"),
    );
}

/// Whether an endpoint connection or authorization server connects with TLS.
pub(crate) fn uses_tls(element: &Checked) -> bool {
    match element.kind() {
        "zosconnect_endpointConnection" => element
            .string("host")
            .and_then(|raw| parse_endpoint_host(&raw, element.is_written("sslCertsRef")).ok())
            .is_some_and(|parsed| parsed.scheme == Scheme::Https),
        "zosconnect_authorizationServer" => element.string("tokenEndpoint").is_some_and(|url| {
            url.get(..8)
                .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"))
        }),
        _ => false,
    }
}

/// Adds the dependency of TLS connections without `sslCertsRef` on the
/// default SSL configuration.
pub(crate) fn default_ssl_edges(elements: &[Checked], default_ssl: Option<usize>) -> Vec<Edge> {
    let Some(default_ssl) = default_ssl else {
        return Vec::new();
    };
    elements
        .iter()
        .enumerate()
        .filter(|(_, element)| uses_tls(element) && !element.is_written("sslCertsRef"))
        .map(|(index, element)| Edge {
            from: ElementRef::top(index),
            to: default_ssl,
            attribute: "sslCertsRef (default)".to_owned(),
            location: element.source.location.clone(),
        })
        .collect()
}

/// Checks the key stores that an endpoint or authorization server needs,
/// directly or through the default SSL configuration. Other stores are not
/// checked, so an unused JKS store is no error.
pub(crate) fn check_key_stores(
    elements: &mut [Checked],
    edges: &[Edge],
    default_ssl: Option<usize>,
    server_dir: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut ssl_in_use: BTreeSet<usize> = BTreeSet::new();
    for (index, element) in elements.iter().enumerate() {
        if !matches!(
            element.kind(),
            "zosconnect_endpointConnection" | "zosconnect_authorizationServer"
        ) {
            continue;
        }
        for edge in edges
            .iter()
            .filter(|edge| edge.from == ElementRef::top(index))
        {
            if elements
                .get(edge.to)
                .is_some_and(|target| target.kind() == "ssl")
            {
                ssl_in_use.insert(edge.to);
            }
        }
        if let Some(default_ssl) = default_ssl {
            if uses_tls(element) && !element.is_written("sslCertsRef") {
                ssl_in_use.insert(default_ssl);
            }
        }
    }

    let mut stores_in_use: BTreeSet<usize> = BTreeSet::new();
    for edge in edges {
        if edge.from.children.is_empty() && ssl_in_use.contains(&edge.from.top) {
            stores_in_use.insert(edge.to);
        }
    }

    for index in stores_in_use {
        let Some(store) = elements.get_mut(index) else {
            continue;
        };
        let store_type = store.string("type").unwrap_or_default();
        let location = store.string("location").unwrap_or_default();
        let problem = if location.to_ascii_lowercase().starts_with("safkeyring:") {
            Some(format!(
                "`{location}` is a RACF key ring, which only z/OS can read. Export the certificates to a \
                 PKCS12 or PEM file and name that file in `location`."
            ))
        } else if store_type.eq_ignore_ascii_case("JKS") || store_type.eq_ignore_ascii_case("JCEKS")
        {
            Some(format!(
                "its type `{store_type}` is not supported. Convert it with keytool -importkeystore \
                 -srckeystore {location} -destkeystore store.p12 -deststoretype PKCS12, then set \
                 type=\"PKCS12\"."
            ))
        } else if store_type.eq_ignore_ascii_case("PKCS12")
            || store_type.eq_ignore_ascii_case("PEM")
        {
            None
        } else {
            Some(format!(
                "its type `{store_type}` is not supported; zconnect reads `PKCS12` and `PEM` stores."
            ))
        };

        if let Some(problem) = problem {
            store.valid = false;
            diagnostics.push(
                Diagnostic::new(
                    &catalog::KEY_STORE_TYPE_UNSUPPORTED,
                    format!("The element {} cannot be used: {problem}", store.path),
                )
                .at(store.location_of("type"))
                .element(store.path.clone())
                .attribute("type"),
            );
            continue;
        }

        let path = server_dir.join(&location);
        if let Some(reason) = unreadable_file(&path) {
            store.valid = false;
            let message = format!(
                "The element {} cannot be used: its file {} {reason}. Fix `location`, or create \
                 the store there.",
                store.path,
                path.display()
            );
            diagnostics.push(
                Diagnostic::new(&catalog::KEY_STORE_UNREADABLE, message)
                    .at(store.location_of("location"))
                    .element(store.path.clone())
                    .attribute("location"),
            );
        }
    }
}

/// Says why a key store file cannot be read, or `None` when it can. The
/// type is checked through metadata first, so that a FIFO is never opened.
fn unreadable_file(path: &Path) -> Option<String> {
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Some("does not exist".to_owned());
        }
        Err(error) => return Some(format!("cannot be read: {error}")),
    };
    if !metadata.is_file() {
        return Some("is not a regular file".to_owned());
    }
    match std::fs::File::open(path) {
        Ok(_) => None,
        Err(error) => Some(format!("cannot be read: {error}")),
    }
}

/// Reports `clientKeyAlias` on an `ssl` whose key store is PEM.
pub(crate) fn check_client_key_alias(
    elements: &[Checked],
    index: &Index,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for ssl in elements
        .iter()
        .filter(|element| element.kind() == "ssl" && element.valid)
    {
        if !ssl.is_written("clientKeyAlias") {
            continue;
        }
        let store = ssl
            .reference("keyStoreRef")
            .and_then(|id| index.find(&id, &["keyStore"]))
            .and_then(|store| elements.get(store));
        let is_pem = store
            .and_then(|store| store.string("type"))
            .is_some_and(|store_type| store_type.eq_ignore_ascii_case("PEM"));
        if is_pem {
            diagnostics.push(
                Diagnostic::new(
                    &catalog::CLIENT_KEY_ALIAS_IGNORED,
                    format!(
                        "`clientKeyAlias` of {} is ignored because its key store is PEM, which holds one key.",
                        ssl.path
                    ),
                )
                .at(ssl.location_of("clientKeyAlias"))
                .element(ssl.path.clone())
                .attribute("clientKeyAlias"),
            );
        }
    }
}

/// Warns when `zosconnect_*` elements are configured but no z/OS Connect
/// feature is listed.
pub(crate) fn check_features(
    elements: &[Checked],
    features: &[String],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let has_zosconnect_elements = elements
        .iter()
        .any(|element| element.kind().starts_with("zosconnect_"));
    let listed = features.iter().any(|feature| {
        ZOSCONNECT_FEATURES
            .iter()
            .any(|known| known.eq_ignore_ascii_case(feature.trim()))
    });
    if !has_zosconnect_elements || listed {
        return;
    }

    let anchor = elements
        .iter()
        .find(|element| element.kind() == "featureManager")
        .or_else(|| {
            elements
                .iter()
                .find(|element| element.kind().starts_with("zosconnect_"))
        });
    diagnostics.push(
        Diagnostic::new(
            &catalog::NO_ZOSCONNECT_FEATURE,
            format!(
                "Elements named zosconnect_* are configured, but featureManager lists no z/OS Connect feature, \
                 so z/OS Connect would ignore them; zconnect uses them anyway. Add `<feature>{}</feature>`.",
                ZOSCONNECT_FEATURES.first().copied().unwrap_or_default()
            ),
        )
        .at_opt(anchor.map(|anchor| anchor.source.location.clone()))
        .element("featureManager"),
    );
}

/// Marks every `httpEndpoint` but `defaultHttpEndpoint` unused and reports
/// a written `httpsPort`.
pub(crate) fn check_http_endpoints(elements: &mut [Checked], diagnostics: &mut Vec<Diagnostic>) {
    for endpoint in elements
        .iter_mut()
        .filter(|element| element.kind() == "httpEndpoint")
    {
        if endpoint.source.id.as_deref() != Some(DEFAULT_HTTP_ENDPOINT) {
            endpoint.used = false;
            diagnostics.push(
                Diagnostic::new(
                    &catalog::HTTP_ENDPOINT_UNUSED,
                    format!(
                        "The element {} is not used: zconnect listens only on the httpEndpoint with id \
                         `{DEFAULT_HTTP_ENDPOINT}`. Give this element that id to use its settings.",
                        endpoint.path
                    ),
                )
                .at(endpoint.source.location.clone())
                .element(endpoint.path.clone()),
            );
        } else if endpoint.is_written("httpsPort") {
            diagnostics.push(
                Diagnostic::new(
                    &catalog::HTTPS_NOT_SERVED,
                    "`httpsPort` is written, but zconnect does not serve HTTPS yet; only `httpPort` is opened.",
                )
                .at(endpoint.location_of("httpsPort"))
                .element(endpoint.path.clone())
                .attribute("httpsPort"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_host_forms() {
        let parsed = parse_endpoint_host("https://api.example.com", false).expect("valid");
        assert_eq!(
            (parsed.scheme, parsed.host.as_str(), parsed.explicit_scheme),
            (Scheme::Https, "api.example.com", true)
        );
        let parsed = parse_endpoint_host("HTTP://127.0.0.1/", true).expect("valid");
        assert_eq!(
            (parsed.scheme, parsed.host.as_str()),
            (Scheme::Http, "127.0.0.1")
        );
        let parsed = parse_endpoint_host("api.example.com", true).expect("valid");
        assert_eq!(
            (parsed.scheme, parsed.explicit_scheme),
            (Scheme::Https, false)
        );
        let parsed = parse_endpoint_host("api.example.com", false).expect("valid");
        assert_eq!(parsed.scheme, Scheme::Http);
        let parsed = parse_endpoint_host("http://[::1]", false).expect("valid");
        assert_eq!(parsed.host, "[::1]");
    }

    #[test]
    fn endpoint_host_rejects_paths_ports_and_schemes() {
        for (raw, reason) in [
            ("ftp://host", "scheme"),
            ("https://host/api", "domainBasePath"),
            ("https://host:8443", "port"),
            ("http://[::1]:80", "port"),
            ("https://", "empty"),
            ("ho st", "spaces"),
        ] {
            let error = parse_endpoint_host(raw, false).expect_err(raw);
            assert!(error.contains(reason), "{raw}: {error}");
        }
    }
}
