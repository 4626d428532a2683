//! The admin REST API: authentication, the admin / operations / reader roles
//! on every route, requester objects, masked secrets, errors, and status
//! changes that last across reloads.

mod common;

use common::{
    body_json, editor_save, oauth_requester, server_xml, TestServer, ADMIN, CLIENT_SECRET,
};
use reqwest::Method;
use serde_json::{json, Value};
use zconnect_sandbox::Sandbox;

/// Users besides the administrator: `operator` in group `ops`, `viewer` in
/// `readers`, `special` in `special`, `nobody` in no group. The manager makes
/// `ops` and `readers` the global operations and reader groups; the requester
/// `special_1.0.0` has its own reader group `special`.
fn roles_xml(sandbox: &Sandbox) -> String {
    server_xml(&format!(
        r#"  <basicRegistry id="people">
    <user name="operator" password="operator-pw"/>
    <user name="viewer" password="{{xor}}KTY6KDotci8o"/>
    <user name="special" password="special-pw"/>
    <user name="nobody" password="nobody-pw"/>
    <group name="ops"><member name="operator"/></group>
    <group name="readers"><member name="viewer"/></group>
    <group name="special"><member name="special"/></group>
  </basicRegistry>
  <zosconnect_zosConnectManager globalOperationsGroup="ops" globalReaderGroup="readers"/>
{requester}
  <zosconnect_apiRequesters>
    <apiRequester name="special_1.0.0" connectionRef="conn" readerGroup="special"/>
  </zosconnect_apiRequesters>"#,
        requester = oauth_requester(sandbox, 3),
    ))
}

/// A user name and password; `viewer`'s is stored as `{xor}` of `viewer-pw`.
type User = (&'static str, &'static str);
const OPERATOR: User = ("operator", "operator-pw");
const VIEWER: User = ("viewer", "viewer-pw");
const NOBODY: User = ("nobody", "nobody-pw");

/// What each route needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Needs {
    Reader,
    Operations,
    Admin,
}

struct Route {
    method: Method,
    path: &'static str,
    body: Option<&'static str>,
    needs: Needs,
    /// Status when allowed. The archive routes fail after the role check:
    /// the body `archive` is not sent as application/zip (415), and
    /// `pets_1.0.0` is defined in server.xml, so it cannot be deleted (409).
    success: u16,
}

fn routes() -> Vec<Route> {
    let route = |method, path, body, needs, success| Route {
        method,
        path,
        body,
        needs,
        success,
    };
    vec![
        route(
            Method::GET,
            "/zosConnect/apiRequesters",
            None,
            Needs::Reader,
            200,
        ),
        route(
            Method::GET,
            "/zosConnect/apiRequesters/pets_1.0.0",
            None,
            Needs::Reader,
            200,
        ),
        route(
            Method::PUT,
            "/zosConnect/apiRequesters/pets_1.0.0?status=started",
            None,
            Needs::Operations,
            200,
        ),
        route(
            Method::POST,
            "/zosConnect/apiRequesters",
            Some("archive"),
            Needs::Admin,
            415,
        ),
        route(
            Method::PUT,
            "/zosConnect/apiRequesters/pets_1.0.0",
            Some("archive"),
            Needs::Admin,
            415,
        ),
        route(
            Method::DELETE,
            "/zosConnect/apiRequesters/pets_1.0.0",
            None,
            Needs::Admin,
            409,
        ),
        route(Method::GET, "/zosConnect/config", None, Needs::Reader, 200),
        route(
            Method::GET,
            "/zosConnect/config/status",
            None,
            Needs::Reader,
            200,
        ),
        route(
            Method::POST,
            "/zosConnect/config/refresh",
            None,
            Needs::Admin,
            200,
        ),
    ]
}

async fn send(server: &TestServer, route: &Route, user: Option<User>) -> reqwest::Response {
    let mut request = server
        .http
        .request(route.method.clone(), server.url(route.path));
    if let Some((name, password)) = user {
        request = request.basic_auth(name, Some(password));
    }
    if let Some(body) = route.body {
        request = request.body(body);
    }
    request.send().await.expect("admin request")
}

async fn check_role(user: User, role: Option<Needs>) {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let server = TestServer::start(&roles_xml(&sandbox)).await;

    for route in routes() {
        let response = send(&server, &route, Some(user)).await;
        let allowed = role.is_some_and(|role| role >= route.needs);
        let expected = if allowed { route.success } else { 403 };
        assert_eq!(
            response.status().as_u16(),
            expected,
            "{} {} as {}",
            route.method,
            route.path,
            user.0
        );
    }
    server.stop().await;
}

#[tokio::test]
async fn admin_role_allows_every_route() {
    check_role(ADMIN, Some(Needs::Admin)).await;
}

#[tokio::test]
async fn operations_role_allows_reads_and_status() {
    check_role(OPERATOR, Some(Needs::Operations)).await;
}

#[tokio::test]
async fn reader_role_allows_reads_only() {
    check_role(VIEWER, Some(Needs::Reader)).await;
}

#[tokio::test]
async fn user_without_role_is_forbidden() {
    check_role(NOBODY, None).await;
}

#[tokio::test]
async fn every_route_requires_credentials() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let server = TestServer::start(&roles_xml(&sandbox)).await;

    for route in routes() {
        let response = send(&server, &route, None).await;
        assert_eq!(response.status(), 401, "{} {}", route.method, route.path);
        assert!(
            response.headers().contains_key("www-authenticate"),
            "{} {} sends a Basic challenge",
            route.method,
            route.path
        );
    }
    server.stop().await;
}

#[tokio::test]
async fn every_route_rejects_wrong_password() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let server = TestServer::start(&roles_xml(&sandbox)).await;

    for route in routes() {
        let response = send(&server, &route, Some((ADMIN.0, "not-the-password"))).await;
        assert_eq!(response.status(), 401, "{} {}", route.method, route.path);
        let body = body_json(response).await.expect("error JSON");
        assert!(body["errorMessage"].is_string(), "{body}");
        assert!(body["errorDetails"].is_string(), "{body}");
    }
    server.stop().await;
}

#[tokio::test]
async fn health_and_metrics_need_no_credentials() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let server = TestServer::start(&roles_xml(&sandbox)).await;
    let call = server
        .http
        .get(server.url("/apiRequesters/pets_1.0.0/pets"))
        .send()
        .await
        .expect("call");
    assert_eq!(
        call.status(),
        200,
        "a call makes the requester metrics appear"
    );

    let health = server
        .http
        .get(server.url("/health"))
        .send()
        .await
        .expect("health");
    assert_eq!(health.status(), 200);
    let metrics = server
        .http
        .get(server.url("/metrics"))
        .send()
        .await
        .expect("metrics");
    assert_eq!(metrics.status(), 200);
    let text = metrics.text().await.expect("metrics text");
    assert!(text.contains("zconnect_config_generation 1"), "{text}");
    assert!(text.contains("zconnect_requester_calls"), "{text}");
    server.stop().await;
}

#[tokio::test]
async fn requester_list_item_has_zos_connect_fields() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let server = TestServer::start(&roles_xml(&sandbox)).await;

    let list = body_json(server.admin_get("/zosConnect/apiRequesters").await)
        .await
        .expect("list JSON");

    let pets = list["apiRequesters"]
        .as_array()
        .expect("apiRequesters array")
        .iter()
        .find(|item| item["name"] == "pets_1.0.0")
        .cloned()
        .expect("pets_1.0.0 listed");
    assert_eq!(
        pets,
        json!({
            "name": "pets_1.0.0",
            "version": "1.0.0",
            "description": "",
            "status": "Started",
            "connection": "conn",
            "connectionRef": "conn",
            "apiRequesterUrl": format!("http://{}/zosConnect/apiRequesters/pets_1.0.0", server.addr()),
        })
    );
    server.stop().await;
}

#[tokio::test]
async fn requester_details_show_endpoint_and_source() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let server = TestServer::start(&roles_xml(&sandbox)).await;

    let details = body_json(
        server
            .admin_get("/zosConnect/apiRequesters/pets_1.0.0")
            .await,
    )
    .await
    .expect("details JSON");

    assert_eq!(details["name"], "pets_1.0.0");
    assert_eq!(details["connection"], "conn");
    assert_eq!(details["source"], "server.xml");
    assert_eq!(
        details["endpoint"],
        json!({
            "url": format!("http://127.0.0.1:{}", sandbox.port()),
            "authentication": "oauth",
            "tokenRetryCheckLevel": 3,
        })
    );
    assert!(
        details.get("connectionRef").is_none(),
        "only list items carry connectionRef"
    );
    server.stop().await;
}

#[tokio::test]
async fn unknown_requester_details_give_404() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let server = TestServer::start(&roles_xml(&sandbox)).await;

    let response = server.admin_get("/zosConnect/apiRequesters/nothing").await;

    assert_eq!(response.status(), 404);
    let body = body_json(response).await.expect("error JSON");
    assert!(
        body["errorMessage"]
            .as_str()
            .unwrap_or_default()
            .contains("nothing"),
        "{body}"
    );
    server.stop().await;
}

#[tokio::test]
async fn requester_reader_group_limits_list() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let server = TestServer::start(&roles_xml(&sandbox)).await;

    let list = server
        .http
        .get(server.url("/zosConnect/apiRequesters"))
        .basic_auth("special", Some("special-pw"))
        .send()
        .await
        .expect("list");
    assert_eq!(list.status(), 200);
    let list = body_json(list).await.expect("list JSON");
    let names: Vec<&str> = list["apiRequesters"]
        .as_array()
        .expect("apiRequesters array")
        .iter()
        .filter_map(|item| item["name"].as_str())
        .collect();
    assert_eq!(names, vec!["special_1.0.0"]);

    let other = server
        .http
        .get(server.url("/zosConnect/apiRequesters/pets_1.0.0"))
        .basic_auth("special", Some("special-pw"))
        .send()
        .await
        .expect("details");
    assert_eq!(other.status(), 403);
    server.stop().await;
}

#[tokio::test]
async fn secrets_are_masked_everywhere() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let server = TestServer::start(&roles_xml(&sandbox)).await;
    let call = server
        .http
        .get(server.url("/apiRequesters/pets_1.0.0/pets"))
        .send()
        .await
        .expect("call");
    assert_eq!(call.status(), 200);

    let config = server
        .admin_get("/zosConnect/config")
        .await
        .text()
        .await
        .expect("config");
    let status = server
        .admin_get("/zosConnect/config/status")
        .await
        .text()
        .await
        .expect("status");
    let metrics = server
        .http
        .get(server.url("/metrics"))
        .send()
        .await
        .expect("metrics");
    let metrics = metrics.text().await.expect("metrics text");

    assert!(config.contains("****"), "passwords are shown as ****");
    let token = sandbox
        .issued_tokens()
        .first()
        .cloned()
        .expect("a token was issued");
    for secret in [
        CLIENT_SECRET,
        ADMIN.1,
        "viewer-pw",
        "operator-pw",
        token.as_str(),
    ] {
        assert!(
            !config.contains(secret),
            "GET /zosConnect/config shows a secret"
        );
        assert!(!status.contains(secret), "the status shows a secret");
        assert!(!metrics.contains(secret), "the metrics show a secret");
    }
    server.stop().await;
}

#[tokio::test]
async fn unknown_admin_path_gives_404() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let server = TestServer::start(&roles_xml(&sandbox)).await;

    let response = server.admin_get("/zosConnect/nothing").await;

    assert_eq!(response.status(), 404);
    let body = body_json(response).await.expect("error JSON");
    assert!(body["errorMessage"].is_string(), "{body}");
    server.stop().await;
}

#[tokio::test]
async fn wrong_method_gives_405() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let server = TestServer::start(&roles_xml(&sandbox)).await;

    let response = server
        .http
        .delete(server.url("/zosConnect/config"))
        .basic_auth(ADMIN.0, Some(ADMIN.1))
        .send()
        .await
        .expect("request");

    assert_eq!(response.status(), 405);
    let body = body_json(response).await.expect("error JSON");
    assert!(body["errorMessage"].is_string(), "{body}");
    server.stop().await;
}

#[tokio::test]
async fn stopped_status_lasts_across_reload() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let server = TestServer::start(&roles_xml(&sandbox)).await;
    let stop = server
        .http
        .put(server.url("/zosConnect/apiRequesters/pets_1.0.0?status=stopped"))
        .basic_auth(ADMIN.0, Some(ADMIN.1))
        .header("Content-Type", "application/json")
        .send()
        .await
        .expect("stop");
    assert_eq!(stop.status(), 200);
    let stopped = body_json(stop).await.expect("requester JSON");
    assert_eq!(stopped["status"], "Stopped");

    let changed = roles_xml(&sandbox).replace("</server>", "  <!-- edited -->\n</server>");
    editor_save(server.dir.path(), &changed);
    server.wait_for_generation(2).await;

    let details: Value = body_json(
        server
            .admin_get("/zosConnect/apiRequesters/pets_1.0.0")
            .await,
    )
    .await
    .expect("details JSON");
    assert_eq!(details["status"], "Stopped");
    let call = server
        .http
        .get(server.url("/apiRequesters/pets_1.0.0/pets"))
        .send()
        .await
        .expect("call");
    assert_eq!(call.status(), 503);
    server.stop().await;
}

#[tokio::test]
async fn status_query_must_be_started_or_stopped() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let server = TestServer::start(&roles_xml(&sandbox)).await;

    let response = server
        .http
        .put(server.url("/zosConnect/apiRequesters/pets_1.0.0?status=paused"))
        .basic_auth(ADMIN.0, Some(ADMIN.1))
        .send()
        .await
        .expect("request");

    assert_eq!(response.status(), 400);
    server.stop().await;
}

#[tokio::test]
async fn no_registry_on_loopback_is_open() {
    let xml = r#"<server>
  <httpEndpoint id="defaultHttpEndpoint" host="127.0.0.1" httpPort="0"/>
  <zosconnect_endpointConnection id="conn" host="http://127.0.0.1" port="9"/>
  <zosconnect_apiRequesters><apiRequester name="open_1.0.0" connectionRef="conn"/></zosconnect_apiRequesters>
</server>
"#;
    let server = TestServer::start(xml).await;

    let response = server
        .http
        .get(server.url("/zosConnect/apiRequesters"))
        .send()
        .await
        .expect("list");

    assert_eq!(response.status(), 200);
    server.stop().await;
}

#[tokio::test]
async fn no_registry_call_requiring_auth_says_what_to_configure() {
    let xml = r#"<server>
  <httpEndpoint id="defaultHttpEndpoint" host="127.0.0.1" httpPort="0"/>
  <zosconnect_endpointConnection id="conn" host="http://127.0.0.1" port="9"/>
  <zosconnect_apiRequesters><apiRequester name="locked_1.0.0" connectionRef="conn"/></zosconnect_apiRequesters>
</server>
"#;
    let server = TestServer::start(xml).await;

    let response = server
        .http
        .get(server.url("/apiRequesters/locked_1.0.0/x"))
        .send()
        .await
        .expect("call");

    assert_eq!(response.status(), 401);
    let body = body_json(response).await.expect("error JSON");
    let text = format!("{} {}", body["errorMessage"], body["errorDetails"]);
    assert!(text.contains("basicRegistry"), "{text}");
    server.stop().await;
}
