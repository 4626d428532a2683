//! The parts of the caller's request that go to the endpoint: the URL built
//! from the connection and the operation path, and the headers that may be
//! forwarded.

use http::header::{self, HeaderMap, HeaderName};
use url::Url;
use zconnect_config::model::{EndpointConnection, Scheme};

/// Tells whether a path has a `.` or `..` segment, also written with
/// `%2e`/`%2E` for either dot, which could make the endpoint resolve a path
/// outside `domainBasePath`.
///
/// Segments are separated by `/`, and also by `%2f`/`%2F`, `%5c`/`%5C` and a
/// raw `\`: the path is forwarded as received, and an endpoint that decodes
/// an encoded slash or treats a backslash as a slash would otherwise resolve
/// `..%2f` like `../`.
pub fn has_dot_segment(path: &str) -> bool {
    // Without a dot or a percent sign no segment can be a dot segment; most
    // paths take this way, which allocates nothing.
    if !path.contains(['.', '%']) {
        return false;
    }
    let lowered = path.to_ascii_lowercase();
    lowered
        .split(['/', '\\'])
        .flat_map(|part| part.split("%2f"))
        .flat_map(|part| part.split("%5c"))
        .any(|segment| {
            let decoded = segment.replace("%2e", ".");
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
    let mut url = origin_text(connection);
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

/// `scheme://host:port` of a connection, the start of every endpoint URL.
fn origin_text(connection: &EndpointConnection) -> String {
    let scheme = match connection.scheme {
        Scheme::Http => "http",
        Scheme::Https => "https",
    };
    if connection.host.contains(':') && !connection.host.starts_with('[') {
        format!("{scheme}://[{}]:{}", connection.host, connection.port)
    } else {
        format!("{scheme}://{}:{}", connection.host, connection.port)
    }
}

/// The origin of an endpoint connection, parsed once per configuration.
///
/// Parsing a whole URL parses its host again (IDNA processing included),
/// which is most of the work; parsing only the path and query against the
/// parsed origin gives the same URL for a fraction of it.
#[derive(Debug, Clone)]
pub struct EndpointOrigin {
    text: String,
    parsed: Url,
}

impl EndpointOrigin {
    /// Returns `None` when the origin does not parse; calls then parse their
    /// whole URL and fail the way they always did.
    pub fn new(connection: &EndpointConnection) -> Option<EndpointOrigin> {
        let text = origin_text(connection);
        let parsed = Url::parse(&format!("{text}/")).ok()?;
        Some(EndpointOrigin { text, parsed })
    }

    /// Parses `url`, built by [`endpoint_url`] for this origin's connection,
    /// into what `Url::parse(url)` returns. Returns `None` for a URL this
    /// shortcut cannot take (another origin, or a path that starts with `//`
    /// or `/\`, which a relative parse would read as a host); the caller
    /// then parses the whole URL.
    pub fn parse(&self, url: &str) -> Option<Url> {
        let rest = url.strip_prefix(self.text.as_str())?;
        let mut start = rest.chars();
        if start.next() != Some('/') || matches!(start.next(), Some('/' | '\\')) {
            return None;
        }
        Url::options().base_url(Some(&self.parsed)).parse(rest).ok()
    }
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
    fn origin_parse_equals_whole_url_parse() {
        let paths = [
            ("", "", "/items", None),
            ("/api", "/v1", "/a%2Fb", Some("q=%20x&r=1")),
            ("", "", "/x y/\u{fc}", Some("a b")),
            ("", "", "/a\\b", None),
            ("", "", "/a/../b", None),
            ("", "", "/%2e%2e/b", Some("")),
            ("", "", "/", None),
            ("/base/", "", "/a#frag", Some("x#y")),
            ("", "", "/\\evil", None),
            ("", "", "//evil", None),
        ];
        let mut hosts = vec![connection(""), connection("")];
        hosts[1].host = "::1".to_owned();
        for mut endpoint in hosts {
            for (domain, base, path, query) in paths {
                endpoint.domain_base_path = domain.to_owned();
                let origin = EndpointOrigin::new(&endpoint).unwrap();
                let url = endpoint_url(&endpoint, base, path, query);

                let whole = Url::parse(&url).unwrap();

                let parsed = origin.parse(&url);
                if path == "/\\evil" {
                    assert_eq!(parsed, None, "{url}");
                } else {
                    assert_eq!(parsed.as_ref().map(Url::as_str), Some(whole.as_str()));
                    assert_eq!(parsed, Some(whole), "{url}");
                }
            }
        }
    }

    #[test]
    fn origin_parse_refuses_paths_read_as_a_host() {
        let endpoint = connection("");
        let origin = EndpointOrigin::new(&endpoint).unwrap();

        assert_eq!(origin.parse("http://127.0.0.1:8080//evil/x"), None);
        assert_eq!(origin.parse("http://127.0.0.1:8080/\\evil/x"), None);
        assert_eq!(origin.parse("http://127.0.0.2:8080/x"), None);
        assert!(origin.parse("http://127.0.0.1:8080/x").is_some());
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
    fn dot_segments_between_encoded_slashes_and_backslashes_found() {
        let rejected = [
            "/..%2f..%2fx",
            "/..%2F..%2Fx",
            "/a%2f..%2fb",
            "/a%2F.",
            "/..%5cx",
            "/..%5Cx",
            "/a\\..\\b",
            "/%2e%2e%5cx",
            "/x/.%2f",
        ];
        for path in rejected {
            assert!(has_dot_segment(path), "{path}");
        }
    }

    #[test]
    fn dots_beside_encoded_slashes_inside_segments_are_allowed() {
        let allowed = ["/a%2fb.c", "/v1.2%2fx", "/a..%2fb", "/x%5c...", "/a\\b.c"];
        for path in allowed {
            assert!(!has_dot_segment(path), "{path}");
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
