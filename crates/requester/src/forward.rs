//! The parts of the caller's request that go to the endpoint: the URL built
//! from the connection and the operation path, and the headers that may be
//! forwarded.

use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderName};
use http::uri::{Authority, Parts, PathAndQuery, Scheme as UriScheme};
use http::Uri;
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
            // Servlet containers drop `;` path parameters before they
            // resolve the path, so `..;x` climbs like `..`.
            let segment = segment.split(';').next().unwrap_or_default();
            let segment = segment.split("%3b").next().unwrap_or_default();
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
    join_url(
        origin_text(connection),
        &connection.domain_base_path,
        base_path,
        path,
        query,
    )
}

/// Builds the endpoint URL from the connection's origin text, as
/// [`endpoint_url`] does.
fn join_url(
    origin: String,
    domain_base_path: &str,
    base_path: &str,
    path: &str,
    query: Option<&str>,
) -> String {
    let mut url = origin;
    url.reserve(domain_base_path.len() + base_path.len() + path.len() + 2);
    for part in [domain_base_path, base_path, path] {
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
    domain_base_path: String,
    /// Scheme and authority as the URL parser writes them (lowercase host,
    /// default port left out), for [`EndpointOrigin::plain_uri`].
    uri_origin: Option<(UriScheme, Authority)>,
}

impl EndpointOrigin {
    /// Returns `None` when the origin does not parse; calls then parse their
    /// whole URL and fail the way they always did.
    pub fn new(connection: &EndpointConnection) -> Option<EndpointOrigin> {
        let text = origin_text(connection);
        let parsed = Url::parse(&format!("{text}/")).ok()?;
        let uri_origin = Uri::try_from(parsed.as_str()).ok().and_then(|uri| {
            let parts = uri.into_parts();
            Some((parts.scheme?, parts.authority?))
        });
        Some(EndpointOrigin {
            text,
            parsed,
            domain_base_path: connection.domain_base_path.clone(),
            uri_origin,
        })
    }

    /// Builds the endpoint URL for a call, as [`endpoint_url`] does, without
    /// writing the origin again.
    pub fn url(&self, base_path: &str, path: &str, query: Option<&str>) -> String {
        join_url(
            self.text.clone(),
            &self.domain_base_path,
            base_path,
            path,
            query,
        )
    }

    /// Returns the URI of `url`, built by [`EndpointOrigin::url`], without the
    /// URL parser: what follows the origin is used as it is. Returns `None`
    /// unless that part has only characters the parser keeps unchanged and no
    /// dot segment, so the result always equals the parser's.
    pub fn plain_uri(&self, url: &str) -> Option<Uri> {
        let (scheme, authority) = self.uri_origin.clone()?;
        let rest = url.strip_prefix(self.text.as_str())?;
        let mut start = rest.chars();
        if start.next() != Some('/') || matches!(start.next(), Some('/' | '\\')) {
            return None;
        }
        let path = rest.split_once('?').map_or(rest, |(path, _)| path);
        if !is_plain(rest) || has_dot_segment(path) {
            return None;
        }

        let mut parts = Parts::default();
        parts.scheme = Some(scheme);
        parts.authority = Some(authority);
        parts.path_and_query =
            Some(PathAndQuery::from_maybe_shared(Bytes::copy_from_slice(rest.as_bytes())).ok()?);
        Uri::from_parts(parts).ok()
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

/// Tells whether a path and query has only characters that the URL parser
/// leaves as they are in an `http` or `https` URL: letters, digits,
/// `-._~!$&()*+,;=:@/` and `%` before two hex digits, and `?` after the
/// first one. The parser percent-encodes `'` in a query, so it is left out.
fn is_plain(path_and_query: &str) -> bool {
    let bytes = path_and_query.as_bytes();
    let mut in_query = false;
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => {}
            b'-' | b'.' | b'_' | b'~' | b'!' | b'$' | b'&' | b'(' | b')' | b'*' | b'+' | b','
            | b';' | b'=' | b':' | b'@' | b'/' => {}
            b'?' if in_query => {}
            b'?' => in_query = true,
            b'%' => {
                let hex = bytes.get(index + 1..index + 3);
                if !hex.is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)) {
                    return false;
                }
                index += 2;
            }
            _ => return false,
        }
        index += 1;
    }
    true
}

/// Returns the caller's headers minus those that must not reach the endpoint:
/// hop-by-hop headers and the ones `Connection` lists, `Host`, the caller's
/// `Authorization`, every `BAQHAPI-*` header and `Content-Length` (set again
/// for the body actually sent).
pub fn forwarded_headers(headers: &HeaderMap) -> HeaderMap {
    let mut forwarded = headers.clone();
    strip_unforwarded(&mut forwarded);
    forwarded
}

/// Removes from the caller's headers those [`forwarded_headers`] leaves out.
/// Filtering the caller's own map moves the headers that stay instead of
/// copying them.
pub fn strip_unforwarded(headers: &mut HeaderMap) {
    let hop_by_hop = hop_by_hop_in(headers);
    remove_names(headers, |name| {
        hop_by_hop(name)
            || *name == header::HOST
            || *name == header::AUTHORIZATION
            || *name == header::CONTENT_LENGTH
            || name.as_str().starts_with("baqhapi-")
    });
}

/// Returns the endpoint's response headers minus hop-by-hop ones.
pub fn returned_headers(headers: &HeaderMap) -> HeaderMap {
    let mut returned = headers.clone();
    strip_hop_by_hop(&mut returned);
    returned
}

/// Removes from the endpoint's response headers those [`returned_headers`]
/// leaves out.
pub fn strip_hop_by_hop(headers: &mut HeaderMap) {
    let hop_by_hop = hop_by_hop_in(headers);
    remove_names(headers, hop_by_hop);
}

/// Returns the test for hop-by-hop header names of one message: the fixed
/// ones and those its `Connection` header lists.
fn hop_by_hop_in(headers: &HeaderMap) -> impl Fn(&HeaderName) -> bool {
    let listed = connection_listed(headers);
    move |name| {
        is_hop_by_hop(name)
            || listed
                .iter()
                .any(|listed_name| listed_name == name.as_str())
    }
}

/// Removes every value of each header name that `unwanted` selects, keeping
/// the order of the others. A map with nothing to remove, as most responses
/// are, stays as it is without a copy.
fn remove_names(headers: &mut HeaderMap, unwanted: impl Fn(&HeaderName) -> bool) {
    if !headers.keys().any(&unwanted) {
        return;
    }
    // HeaderMap::remove moves the last entry into the gap, which would
    // reorder what is forwarded; rebuilding keeps the order.
    let mut remaining = HeaderMap::with_capacity(headers.len());
    // The iterator names a header once, before its first value only.
    let mut current: Option<HeaderName> = None;
    for (name, value) in std::mem::take(headers) {
        if name.is_some() {
            current = name;
        }
        if let Some(name) = current.as_ref().filter(|name| !unwanted(name)) {
            remaining.append(name.clone(), value);
        }
    }
    *headers = remaining;
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

    /// Returns the URI that calls sent before [`EndpointOrigin::plain_uri`]
    /// existed.
    fn parsed_uri(url: &str) -> Option<Uri> {
        Uri::try_from(Url::parse(url).ok()?.as_str()).ok()
    }

    #[test]
    fn plain_uri_taken_for_usual_paths() {
        let mut endpoint = connection("/api");
        endpoint.port = 80;
        let origin = EndpointOrigin::new(&endpoint).unwrap();
        for (path, query) in [
            ("/items/1001", None),
            ("/a%2Fb/c-d_e~f", Some("q=%20x&limit=5&x=a?b")),
            ("/", Some("")),
            ("/v1/orders;id=7/@me", Some("filter=(a,b)*")),
        ] {
            let url = origin.url("/v2", path, query);

            let plain = origin.plain_uri(&url);

            assert!(plain.is_some(), "{url}");
            assert_eq!(plain, parsed_uri(&url), "{url}");
        }
    }

    #[test]
    fn plain_uri_rejects_other_characters() {
        let origin = EndpointOrigin::new(&connection("")).unwrap();
        for (path, query) in [
            ("/x y", None),
            ("/caf\u{e9}", None),
            ("/a\\b", None),
            ("/a/../b", None),
            ("/a/%2e/b", None),
            ("/%zz", None),
            ("/{id}", None),
            ("/x", Some("name='o'")),
            ("/x", Some("a=<b>")),
        ] {
            let url = origin.url("", path, query);

            assert_eq!(origin.plain_uri(&url), None, "{url}");
        }
    }

    proptest::proptest! {
        #[test]
        fn plain_uri_equals_parsed_uri(
            base in "[/a-z%.]{0,6}",
            path in proptest::prop_oneof![
                "/(/|[a-zA-Z0-9]|%[0-9a-fA-F]{2}|%2[eE]|[.~!$&()*+,;=:@_-]){0,12}",
                "/[a-zA-Z0-9%./\\?#'\"{}<> ~!$&()*+,;=:@_-]{0,16}",
            ],
            query in proptest::option::of(proptest::prop_oneof![
                "([a-z0-9?/=&]|%[0-9a-fA-F]{2}){0,10}",
                "[a-z0-9%./?#'\"<> =&-]{0,10}",
            ]),
            port in proptest::sample::select(vec![80u16, 443, 8080]),
            https in proptest::bool::ANY,
        ) {
            let mut endpoint = connection(&base);
            endpoint.port = port;
            if https {
                endpoint.scheme = Scheme::Https;
            }
            let origin = EndpointOrigin::new(&endpoint).unwrap();
            let url = origin.url("", &path, query.as_deref());

            if let Some(plain) = origin.plain_uri(&url) {
                proptest::prop_assert_eq!(Some(plain), parsed_uri(&url), "{}", url);
            }
        }
    }

    #[test]
    fn origin_url_equals_endpoint_url() {
        let endpoint = connection("/api/");
        let origin = EndpointOrigin::new(&endpoint).unwrap();

        assert_eq!(
            origin.url("/v1", "/items/", Some("a=1")),
            endpoint_url(&endpoint, "/v1", "/items/", Some("a=1"))
        );
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
    fn dot_segments_with_path_parameters_found() {
        for path in [
            "/a/..;/b",
            "/a/..;jsessionid=1/b",
            "/.%2e;x/b",
            "/a/.;/b",
            "/..%3bx/b",
        ] {
            assert!(has_dot_segment(path), "{path}");
        }
    }

    #[test]
    fn path_parameters_beside_names_are_allowed() {
        for path in ["/a;v=1/b", "/..a;x/b", "/a/;/b", "/file.txt;v=2"] {
            assert!(!has_dot_segment(path), "{path}");
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

    #[test]
    fn every_value_of_a_kept_header_is_kept() {
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("x-trace", "a"),
            ("host", "zconnect"),
            ("x-trace", "b"),
            ("accept", "text/plain"),
            ("accept", "application/json"),
        ] {
            headers.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }

        let forwarded = forwarded_headers(&headers);

        let traces: Vec<&str> = forwarded
            .get_all("x-trace")
            .iter()
            .map(|value| value.to_str().unwrap())
            .collect();
        assert_eq!(traces, ["a", "b"]);
        assert_eq!(forwarded.get_all("accept").iter().count(), 2);
        assert!(forwarded.get("host").is_none());
    }

    #[test]
    fn returned_headers_kept_without_hop_by_hop() {
        let mut headers = HeaderMap::new();
        headers.append("content-type", "application/json".parse().unwrap());
        headers.append("set-cookie", "a=1".parse().unwrap());
        headers.append("set-cookie", "b=2".parse().unwrap());

        let returned = returned_headers(&headers);

        assert_eq!(returned, headers);
    }
}
