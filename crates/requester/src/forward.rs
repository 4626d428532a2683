//! The parts of the caller's request that go to the endpoint: the URL built
//! from the connection and the operation path, and the headers that may be
//! forwarded.

use http::header::{self, HeaderMap, HeaderName};
use zconnect_config::model::{EndpointConnection, Scheme};

/// Tells whether a path has a `.` or `..` segment, also written with
/// `%2e`/`%2E` for either dot, which could make the endpoint resolve a path
/// outside `domainBasePath`.
pub fn has_dot_segment(path: &str) -> bool {
    path.split('/').any(|segment| {
        let decoded = segment.to_ascii_lowercase().replace("%2e", ".");
        decoded == "." || decoded == ".."
    })
}

/// Builds `scheme://host:port` + `domainBasePath` + `base_path` + `path` +
/// `?query`, joining the parts with exactly one `/` between them. The path and
/// query keep their percent-encoding.
pub fn endpoint_url(
    connection: &EndpointConnection,
    base_path: &str,
    path: &str,
    query: Option<&str>,
) -> String {
    let scheme = match connection.scheme {
        Scheme::Http => "http",
        Scheme::Https => "https",
    };
    let host = if connection.host.contains(':') && !connection.host.starts_with('[') {
        format!("[{}]", connection.host)
    } else {
        connection.host.clone()
    };

    let mut url = format!("{scheme}://{host}:{}", connection.port);
    for part in [connection.domain_base_path.as_str(), base_path, path] {
        let part = part.trim_start_matches('/');
        if part.is_empty() {
            continue;
        }
        if !url.ends_with('/') {
            url.push('/');
        }
        url.push_str(part);
    }
    if path.ends_with('/') && !url.ends_with('/') {
        url.push('/');
    }
    if url.matches('/').count() == 2 {
        url.push('/');
    }
    if let Some(query) = query.filter(|query| !query.is_empty()) {
        url.push('?');
        url.push_str(query);
    }
    url
}

/// Returns the caller's headers minus those that must not reach the endpoint:
/// hop-by-hop headers and the ones `Connection` lists, `Host`, the caller's
/// `Authorization`, every `BAQHAPI-*` header and `Content-Length` (set again
/// for the body actually sent).
pub fn forwarded_headers(headers: &HeaderMap) -> HeaderMap {
    let listed = connection_listed(headers);
    let mut forwarded = HeaderMap::with_capacity(headers.len());
    for (name, value) in headers {
        if is_hop_by_hop(name)
            || listed
                .iter()
                .any(|listed_name| listed_name == name.as_str())
            || *name == header::HOST
            || *name == header::AUTHORIZATION
            || *name == header::CONTENT_LENGTH
            || name.as_str().starts_with("baqhapi-")
        {
            continue;
        }
        forwarded.append(name.clone(), value.clone());
    }
    forwarded
}

/// Returns the endpoint's response headers minus hop-by-hop ones.
pub fn returned_headers(headers: &HeaderMap) -> HeaderMap {
    let listed = connection_listed(headers);
    let mut returned = HeaderMap::with_capacity(headers.len());
    for (name, value) in headers {
        if is_hop_by_hop(name)
            || listed
                .iter()
                .any(|listed_name| listed_name == name.as_str())
        {
            continue;
        }
        returned.append(name.clone(), value.clone());
    }
    returned
}

/// Header names are lowercase in `http`, so comparisons are on lowercase text.
fn is_hop_by_hop(name: &HeaderName) -> bool {
    matches!(
        name.as_str(),
        "connection" | "keep-alive" | "transfer-encoding" | "te" | "trailer" | "upgrade"
    ) || name.as_str().starts_with("proxy-")
}

fn connection_listed(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|name| name.trim().to_ascii_lowercase())
        .filter(|name| !name.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn connection(domain_base_path: &str) -> EndpointConnection {
        EndpointConnection {
            id: "c".to_owned(),
            scheme: Scheme::Http,
            host: "127.0.0.1".to_owned(),
            port: 8080,
            domain_base_path: domain_base_path.to_owned(),
            basic_auth: None,
            authentication: None,
            ssl: None,
            connection_timeout: Duration::from_secs(1),
            receive_timeout: Duration::from_secs(1),
        }
    }

    #[test]
    fn url_joins_slashes_once() {
        let table = [
            ("", "", "/items", None, "http://127.0.0.1:8080/items"),
            (
                "/api",
                "",
                "/items",
                None,
                "http://127.0.0.1:8080/api/items",
            ),
            (
                "/api/",
                "/v1/",
                "/items",
                Some("a=1"),
                "http://127.0.0.1:8080/api/v1/items?a=1",
            ),
            (
                "/api",
                "v1",
                "items/",
                None,
                "http://127.0.0.1:8080/api/v1/items/",
            ),
            ("", "", "/", None, "http://127.0.0.1:8080/"),
            ("", "", "", Some(""), "http://127.0.0.1:8080/"),
            (
                "/api",
                "",
                "/a%2Fb",
                Some("q=%20x"),
                "http://127.0.0.1:8080/api/a%2Fb?q=%20x",
            ),
        ];
        for (domain, base, path, query, expected) in table {
            assert_eq!(
                endpoint_url(&connection(domain), base, path, query),
                expected,
                "{domain:?} {base:?} {path:?}"
            );
        }
    }

    #[test]
    fn url_brackets_ipv6_host() {
        let mut ipv6 = connection("");
        ipv6.host = "::1".to_owned();

        assert_eq!(endpoint_url(&ipv6, "", "/x", None), "http://[::1]:8080/x");
    }

    #[test]
    fn dot_segments_found_in_every_spelling() {
        let rejected = [
            "/a/../b",
            "/..",
            "/.",
            "/a/./b",
            "/%2e%2e/x",
            "/%2E%2E/x",
            "/.%2e/x",
            "/%2e./x",
            "/%2e/x",
            "/a/..",
            "/a/%2E",
        ];
        for path in rejected {
            assert!(has_dot_segment(path), "{path}");
        }
    }

    #[test]
    fn dots_inside_segments_are_allowed() {
        let allowed = [
            "/a.b/c",
            "/...",
            "/.hidden",
            "/a/b..c",
            "/%2e%2e%2e",
            "/v1.2/x",
        ];
        for path in allowed {
            assert!(!has_dot_segment(path), "{path}");
        }
    }

    #[test]
    fn forwarded_headers_drop_hop_by_hop_and_credentials() {
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("connection", "keep-alive, X-Private"),
            ("x-private", "1"),
            ("keep-alive", "timeout=5"),
            ("transfer-encoding", "chunked"),
            ("te", "trailers"),
            ("trailer", "x"),
            ("upgrade", "h2c"),
            ("proxy-authorization", "Basic abc"),
            ("host", "zconnect"),
            ("authorization", "Basic Y2FsbGVyOnB3"),
            ("content-length", "10"),
            ("baqhapi-oauth-password", "pw"),
            ("BAQHAPI-Other", "x"),
            ("content-type", "application/json"),
            ("x-request-id", "42"),
        ] {
            headers.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }

        let forwarded = forwarded_headers(&headers);

        let names: Vec<&str> = forwarded.keys().map(HeaderName::as_str).collect();
        assert_eq!(names, ["content-type", "x-request-id"]);
    }
}
