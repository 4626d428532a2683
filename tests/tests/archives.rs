//! API requester archives in a running server: deploying, updating, stopping
//! and deleting them through the admin API, copying them into the archive
//! folder, every error status of the archive routes, and calls matched
//! against the archive's operations. The archives are built by the tests
//! (see `ara/mod.rs`) and the endpoint is a sandbox on 127.0.0.1.

mod ara;
mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use ara::Ara;
use common::{body_json, server_xml, TestServer, ADMIN, RELOAD_WAIT};
use serde_json::Value;
use zconnect_sandbox::{ApiAuth, Sandbox};

const NAME: &str = "pets_1.0.0";
/// Time for the watcher and the quiet period to act on a change that must
/// have no effect.
const SETTLE: Duration = Duration::from_millis(400);

/// Two endpoint connections to the sandbox, no `zosconnect_apiRequesters`
/// element (so the archive folder is the default one), plus `extra`.
fn config(sandbox: &Sandbox, extra: &str) -> String {
    server_xml(&format!(
        r#"  <zosconnect_endpointConnection id="petsConn" host="http://127.0.0.1" port="{port}" receiveTimeout="2s"/>
  <zosconnect_endpointConnection id="shopConn" host="http://127.0.0.1" port="{port}" domainBasePath="/shop" receiveTimeout="2s"/>
{extra}"#,
        port = sandbox.port(),
    ))
}

async fn sandbox() -> Sandbox {
    let sandbox = Sandbox::start().await.expect("sandbox starts");
    sandbox.set_api_auth(ApiAuth::Open);
    sandbox
}

async fn start(sandbox: &Sandbox) -> TestServer {
    TestServer::start(&config(sandbox, "")).await
}

fn folder(server: &TestServer) -> PathBuf {
    server.path("resources/zosconnect/apiRequesters")
}

/// Names of the files in the archive folder, sorted; empty when it is missing.
fn folder_files(server: &TestServer) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(folder(server)) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .map(|entry| {
            entry
                .expect("folder entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

async fn deploy(server: &TestServer, archive: &[u8], query: &str) -> reqwest::Response {
    upload(
        server,
        reqwest::Method::POST,
        "",
        archive,
        query,
        "application/zip",
    )
    .await
}

async fn update(server: &TestServer, name: &str, archive: &[u8], query: &str) -> reqwest::Response {
    upload(
        server,
        reqwest::Method::PUT,
        &format!("/{name}"),
        archive,
        query,
        "application/zip",
    )
    .await
}

async fn upload(
    server: &TestServer,
    method: reqwest::Method,
    suffix: &str,
    body: &[u8],
    query: &str,
    content_type: &str,
) -> reqwest::Response {
    server
        .http
        .request(
            method,
            server.url(&format!("/zosConnect/apiRequesters{suffix}{query}")),
        )
        .basic_auth(ADMIN.0, Some(ADMIN.1))
        .header("Content-Type", content_type)
        .body(body.to_vec())
        .send()
        .await
        .expect("archive request")
}

async fn set_status(server: &TestServer, name: &str, status: &str) -> Value {
    let response = server
        .http
        .put(server.url(&format!("/zosConnect/apiRequesters/{name}?status={status}")))
        .basic_auth(ADMIN.0, Some(ADMIN.1))
        .send()
        .await
        .expect("status request");
    assert_eq!(response.status(), 200, "status change to {status}");
    body_json(response).await.expect("requester JSON")
}

async fn delete(server: &TestServer, name: &str) -> reqwest::Response {
    server
        .http
        .delete(server.url(&format!("/zosConnect/apiRequesters/{name}")))
        .basic_auth(ADMIN.0, Some(ADMIN.1))
        .send()
        .await
        .expect("delete request")
}

async fn details(server: &TestServer, name: &str) -> reqwest::Response {
    server
        .admin_get(&format!("/zosConnect/apiRequesters/{name}"))
        .await
}

async fn call(server: &TestServer, method: reqwest::Method, path: &str) -> reqwest::Response {
    server
        .http
        .request(method, server.url(&format!("/apiRequesters/{path}")))
        .send()
        .await
        .expect("API requester call")
}

/// Returns the path of the last request the sandbox API received.
fn last_endpoint_path(sandbox: &Sandbox) -> String {
    sandbox
        .api_request_log()
        .last()
        .map(|request| request.path.clone())
        .expect("the endpoint received a call")
}

/// Returns the `errorMessage` of an error response.
async fn error_message(response: reqwest::Response) -> String {
    let body = body_json(response).await.expect("error JSON");
    body["errorMessage"].as_str().unwrap_or_default().to_owned()
}

/// Waits until the requester list satisfies `done`.
async fn wait_for_list(server: &TestServer, what: &str, done: impl Fn(&[Value]) -> bool) {
    let deadline = Instant::now() + RELOAD_WAIT;
    loop {
        let response = server.admin_get("/zosConnect/apiRequesters").await;
        let list = body_json(response).await.expect("list JSON");
        let items = list["apiRequesters"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if done(&items) {
            return;
        }
        assert!(Instant::now() < deadline, "{what} not seen; list: {list:#}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn version_of(items: &[Value], name: &str) -> Option<String> {
    items
        .iter()
        .find(|item| item["name"] == name)
        .and_then(|item| item["version"].as_str().map(str::to_owned))
}

#[tokio::test]
async fn deploy_call_stop_update_delete() {
    let sandbox = sandbox().await;
    let server = start(&sandbox).await;

    let response = deploy(&server, &Ara::new(NAME, "petsConn").bytes(), "").await;
    assert_eq!(response.status(), 201);
    let object = body_json(response).await.expect("deployed requester");
    assert_eq!(object["name"], NAME);
    assert_eq!(object["version"], "1.0.0");
    assert_eq!(object["description"], "Pets for sale");
    assert_eq!(object["status"], "Started");
    assert_eq!(object["connection"], "petsConn");
    assert_eq!(object["source"], "archive");
    assert_eq!(folder_files(&server), vec![format!("{NAME}.ara")]);

    let response = call(&server, reqwest::Method::GET, &format!("{NAME}/pets/7")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(last_endpoint_path(&sandbox), "/v1/pets/7");

    assert_eq!(
        set_status(&server, NAME, "stopped").await["status"],
        "Stopped"
    );
    let response = call(&server, reqwest::Method::GET, &format!("{NAME}/pets/7")).await;
    assert_eq!(response.status(), 503);

    let second = Ara::new(NAME, "petsConn")
        .version("2.0.0")
        .base_path("/v2")
        .operation("GET", "/pets/{petId}/toys");
    let response = update(&server, NAME, &second.bytes(), "").await;
    assert_eq!(response.status(), 200);
    let object = body_json(response).await.expect("updated requester");
    assert_eq!(object["version"], "2.0.0");
    assert_eq!(
        object["status"], "Stopped",
        "an update keeps the requester stopped"
    );

    assert_eq!(
        set_status(&server, NAME, "started").await["status"],
        "Started"
    );
    let response = call(
        &server,
        reqwest::Method::GET,
        &format!("{NAME}/pets/7/toys"),
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(last_endpoint_path(&sandbox), "/v2/pets/7/toys");

    set_status(&server, NAME, "stopped").await;
    let response = delete(&server, NAME).await;
    assert_eq!(response.status(), 200);
    assert!(
        folder_files(&server).is_empty(),
        "{:?}",
        folder_files(&server)
    );
    assert_eq!(details(&server, NAME).await.status(), 404);
    let response = call(&server, reqwest::Method::GET, &format!("{NAME}/pets/7")).await;
    assert_eq!(response.status(), 404);
    server.stop().await;
}

#[tokio::test]
async fn copied_archive_added_replaced_deleted() {
    let sandbox = sandbox().await;
    let server = start(&sandbox).await;
    std::fs::create_dir_all(folder(&server)).expect("create archive folder");
    let file = folder(&server).join("pets.ara");

    std::fs::write(&file, Ara::new(NAME, "petsConn").bytes()).expect("copy archive");
    wait_for_list(&server, "added archive", |items| {
        version_of(items, NAME).as_deref() == Some("1.0.0")
    })
    .await;
    let response = call(&server, reqwest::Method::GET, &format!("{NAME}/pets")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(last_endpoint_path(&sandbox), "/v1/pets");

    let replacement = Ara::new(NAME, "shopConn").version("1.1.0").base_path("/v3");
    std::fs::write(&file, replacement.bytes()).expect("replace archive");
    wait_for_list(&server, "replaced archive", |items| {
        version_of(items, NAME).as_deref() == Some("1.1.0")
    })
    .await;
    let response = call(&server, reqwest::Method::GET, &format!("{NAME}/pets")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(last_endpoint_path(&sandbox), "/shop/v3/pets");

    std::fs::remove_file(&file).expect("delete archive");
    wait_for_list(&server, "deleted archive", |items| items.is_empty()).await;
    server.stop().await;
}

#[tokio::test]
async fn temporary_archive_name_is_ignored() {
    let sandbox = sandbox().await;
    let server = start(&sandbox).await;
    std::fs::create_dir_all(folder(&server)).expect("create archive folder");
    let generation = server.generation().await;

    std::fs::write(
        folder(&server).join(".pets.ara"),
        Ara::new(NAME, "petsConn").bytes(),
    )
    .expect("write temporary file");
    tokio::time::sleep(SETTLE).await;

    assert!(server.requester_names().await.is_empty());
    assert_eq!(server.generation().await, generation);
    server.stop().await;
}

#[tokio::test]
async fn deployed_archive_is_not_redeployed_by_watcher() {
    let sandbox = sandbox().await;
    let server = start(&sandbox).await;
    let bytes = Ara::new(NAME, "petsConn").bytes();
    assert_eq!(deploy(&server, &bytes, "").await.status(), 201);
    let generation = server.generation().await;

    tokio::time::sleep(SETTLE).await;
    assert_eq!(
        server.generation().await,
        generation,
        "the upload's own events"
    );

    // The same bytes written again are the content already deployed.
    std::fs::write(folder(&server).join(format!("{NAME}.ara")), &bytes).expect("rewrite");
    tokio::time::sleep(SETTLE).await;
    assert_eq!(
        server.generation().await,
        generation,
        "a rewrite with equal content"
    );
    server.stop().await;
}

#[tokio::test]
async fn deploy_stopped_with_status_parameter() {
    let sandbox = sandbox().await;
    let server = start(&sandbox).await;

    let response = deploy(
        &server,
        &Ara::new(NAME, "petsConn").bytes(),
        "?status=stopped",
    )
    .await;
    assert_eq!(response.status(), 201);
    assert_eq!(
        body_json(response).await.expect("JSON")["status"],
        "Stopped"
    );
    let response = call(&server, reqwest::Method::GET, &format!("{NAME}/pets")).await;
    assert_eq!(response.status(), 503);
    server.stop().await;
}

#[tokio::test]
async fn update_with_status_started_starts() {
    let sandbox = sandbox().await;
    let server = start(&sandbox).await;
    deploy(
        &server,
        &Ara::new(NAME, "petsConn").bytes(),
        "?status=stopped",
    )
    .await;

    let next = Ara::new(NAME, "petsConn").version("1.0.1");
    let response = update(&server, NAME, &next.bytes(), "?status=started").await;
    assert_eq!(response.status(), 200);
    let object = body_json(response).await.expect("JSON");
    assert_eq!(object["status"], "Started");
    assert_eq!(object["version"], "1.0.1");
    server.stop().await;
}

#[tokio::test]
async fn deploy_existing_name_is_409() {
    let sandbox = sandbox().await;
    let server = start(&sandbox).await;
    let bytes = Ara::new(NAME, "petsConn").bytes();
    deploy(&server, &bytes, "").await;

    let response = deploy(&server, &bytes, "").await;
    assert_eq!(response.status(), 409);
    assert!(error_message(response).await.starts_with("ZCN8730E"));
    server.stop().await;
}

#[tokio::test]
async fn deploy_wrong_content_type_is_415() {
    let sandbox = sandbox().await;
    let server = start(&sandbox).await;
    let bytes = Ara::new(NAME, "petsConn").bytes();

    let response = upload(&server, reqwest::Method::POST, "", &bytes, "", "text/plain").await;
    assert_eq!(response.status(), 415);
    assert!(error_message(response).await.starts_with("ZCN8733E"));
    assert!(folder_files(&server).is_empty());
    server.stop().await;
}

#[tokio::test]
async fn deploy_invalid_archive_is_400_and_leaves_folder() {
    let sandbox = sandbox().await;
    let server = start(&sandbox).await;
    std::fs::create_dir_all(folder(&server)).expect("create archive folder");

    let response = deploy(&server, b"not a zip file", "").await;
    assert_eq!(response.status(), 400);
    assert!(error_message(response).await.starts_with("ZCN8734E"));
    assert!(folder_files(&server).is_empty());
    server.stop().await;
}

#[tokio::test]
async fn deploy_without_package_xml_is_400() {
    let sandbox = sandbox().await;
    let server = start(&sandbox).await;
    let bytes = ara::zip_of(&[("api-docs/pets.json", b"{}")]);

    let response = deploy(&server, &bytes, "").await;
    assert_eq!(response.status(), 400);
    let message = error_message(response).await;
    assert!(message.contains("package.xml"), "{message}");
    server.stop().await;
}

#[tokio::test]
async fn deploy_over_max_archive_size_is_413() {
    let sandbox = sandbox().await;
    let server = TestServer::start_with(&config(&sandbox, ""), |options| {
        options.max_archive_size = 256;
    })
    .await;

    let response = deploy(&server, &Ara::new(NAME, "petsConn").bytes(), "").await;
    assert_eq!(response.status(), 413);
    assert!(error_message(response).await.starts_with("ZCN8735E"));
    assert!(folder_files(&server).is_empty());
    server.stop().await;
}

#[tokio::test]
async fn deploy_needs_admin_role() {
    let sandbox = sandbox().await;
    let users = r#"  <basicRegistry id="people">
    <user name="operator" password="operator-pw"/>
    <group name="ops"><member name="operator"/></group>
  </basicRegistry>
  <zosconnect_zosConnectManager globalOperationsGroup="ops"/>"#;
    let server = TestServer::start(&config(&sandbox, users)).await;

    let response = server
        .http
        .post(server.url("/zosConnect/apiRequesters"))
        .basic_auth("operator", Some("operator-pw"))
        .header("Content-Type", "application/zip")
        .body(Ara::new(NAME, "petsConn").bytes())
        .send()
        .await
        .expect("deploy request");
    assert_eq!(response.status(), 403);
    assert!(folder_files(&server).is_empty());
    server.stop().await;
}

#[tokio::test]
async fn update_started_requester_is_409() {
    let sandbox = sandbox().await;
    let server = start(&sandbox).await;
    deploy(&server, &Ara::new(NAME, "petsConn").bytes(), "").await;

    let next = Ara::new(NAME, "petsConn").version("2.0.0");
    let response = update(&server, NAME, &next.bytes(), "").await;
    assert_eq!(response.status(), 409);
    assert!(error_message(response).await.starts_with("ZCN8731E"));
    server.stop().await;
}

#[tokio::test]
async fn update_unknown_requester_is_404() {
    let sandbox = sandbox().await;
    let server = start(&sandbox).await;

    let response = update(&server, NAME, &Ara::new(NAME, "petsConn").bytes(), "").await;
    assert_eq!(response.status(), 404);
    server.stop().await;
}

#[tokio::test]
async fn update_invalid_archive_is_400_and_keeps_old() {
    let sandbox = sandbox().await;
    let server = start(&sandbox).await;
    let bytes = Ara::new(NAME, "petsConn").bytes();
    deploy(&server, &bytes, "?status=stopped").await;

    let response = update(&server, NAME, b"PK broken", "").await;
    assert_eq!(response.status(), 400);
    let file = folder(&server).join(format!("{NAME}.ara"));
    assert_eq!(std::fs::read(file).expect("archive file"), bytes);
    assert_eq!(folder_files(&server), vec![format!("{NAME}.ara")]);
    server.stop().await;
}

#[tokio::test]
async fn update_with_other_requester_name_is_400() {
    let sandbox = sandbox().await;
    let server = start(&sandbox).await;
    deploy(
        &server,
        &Ara::new(NAME, "petsConn").bytes(),
        "?status=stopped",
    )
    .await;

    let other = Ara::new("shop_1.0.0", "petsConn");
    let response = update(&server, NAME, &other.bytes(), "").await;
    assert_eq!(response.status(), 400);
    let message = error_message(response).await;
    assert!(message.contains("shop_1.0.0"), "{message}");
    server.stop().await;
}

#[tokio::test]
async fn update_wrong_content_type_is_415() {
    let sandbox = sandbox().await;
    let server = start(&sandbox).await;
    let bytes = Ara::new(NAME, "petsConn").bytes();
    deploy(&server, &bytes, "?status=stopped").await;

    let suffix = format!("/{NAME}");
    let response = upload(
        &server,
        reqwest::Method::PUT,
        &suffix,
        &bytes,
        "",
        "application/octet-stream",
    )
    .await;
    assert_eq!(response.status(), 415);
    server.stop().await;
}

#[tokio::test]
async fn put_without_body_changes_status_whatever_content_type() {
    let sandbox = sandbox().await;
    let server = start(&sandbox).await;
    deploy(&server, &Ara::new(NAME, "petsConn").bytes(), "").await;

    let suffix = format!("/{NAME}");
    let response = upload(
        &server,
        reqwest::Method::PUT,
        &suffix,
        b"",
        "?status=stopped",
        "application/zip",
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        body_json(response).await.expect("JSON")["status"],
        "Stopped"
    );
    server.stop().await;
}

#[tokio::test]
async fn put_json_body_with_status_changes_status() {
    // IBM's zosconnect-node resends the uploaded archive as application/json
    // when it stops a requester object that createApiRequester returned.
    let sandbox = sandbox().await;
    let server = start(&sandbox).await;
    let bytes = Ara::new(NAME, "petsConn").bytes();
    deploy(&server, &bytes, "").await;

    let suffix = format!("/{NAME}");
    let response = upload(
        &server,
        reqwest::Method::PUT,
        &suffix,
        &bytes,
        "?status=stopped",
        "application/json",
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        body_json(response).await.expect("JSON")["status"],
        "Stopped"
    );
    server.stop().await;
}

#[tokio::test]
async fn delete_started_requester_is_409() {
    let sandbox = sandbox().await;
    let server = start(&sandbox).await;
    deploy(&server, &Ara::new(NAME, "petsConn").bytes(), "").await;

    let response = delete(&server, NAME).await;
    assert_eq!(response.status(), 409);
    assert!(error_message(response).await.starts_with("ZCN8731E"));
    assert_eq!(folder_files(&server), vec![format!("{NAME}.ara")]);
    server.stop().await;
}

#[tokio::test]
async fn server_xml_requester_cannot_be_updated_or_deleted() {
    let sandbox = sandbox().await;
    let declared = r#"  <zosconnect_apiRequesters>
    <apiRequester name="declared_1.0.0" connectionRef="petsConn" status="stopped"/>
  </zosconnect_apiRequesters>"#;
    let server = TestServer::start(&config(&sandbox, declared)).await;

    let response = delete(&server, "declared_1.0.0").await;
    assert_eq!(response.status(), 409);
    let message = error_message(response).await;
    assert!(message.starts_with("ZCN8732E"), "{message}");
    assert!(message.contains("defined in server.xml"), "{message}");

    let archive = Ara::new("declared_1.0.0", "petsConn").bytes();
    let response = update(&server, "declared_1.0.0", &archive, "").await;
    assert_eq!(response.status(), 409);
    assert!(error_message(response)
        .await
        .contains("defined in server.xml"));

    assert_eq!(
        set_status(&server, "declared_1.0.0", "started").await["status"],
        "Started"
    );
    server.stop().await;
}

#[tokio::test]
async fn undefined_operation_is_404_zcn1132e() {
    let sandbox = sandbox().await;
    let server = start(&sandbox).await;
    deploy(&server, &Ara::new(NAME, "petsConn").bytes(), "").await;

    let response = call(&server, reqwest::Method::GET, &format!("{NAME}/owners")).await;
    assert_eq!(response.status(), 404);
    assert_eq!(
        response
            .headers()
            .get("BAQ-Return-Code")
            .map(|v| v.as_bytes()),
        Some(&b"2"[..])
    );
    let message = error_message(response).await;
    assert!(message.starts_with("ZCN1132E"), "{message}");
    assert!(message.contains("/owners"), "{message}");
    assert_eq!(sandbox.api_calls(), 0, "nothing reached the endpoint");
    server.stop().await;
}

#[tokio::test]
async fn undeclared_method_is_404() {
    let sandbox = sandbox().await;
    let server = start(&sandbox).await;
    deploy(&server, &Ara::new(NAME, "petsConn").bytes(), "").await;

    let response = call(&server, reqwest::Method::DELETE, &format!("{NAME}/pets")).await;
    assert_eq!(response.status(), 404);
    assert!(error_message(response).await.starts_with("ZCN1132E"));
    server.stop().await;
}

#[tokio::test]
async fn path_templates_match_one_segment() {
    let sandbox = sandbox().await;
    let server = start(&sandbox).await;
    deploy(&server, &Ara::new(NAME, "petsConn").bytes(), "").await;

    let cases = [
        ("/pets/42", 200),
        ("/pets/mine", 200),
        ("/pets/a%2Fb", 200),
        ("/pets/", 404),
        ("/pets/42/toys", 404),
        ("/pets/42/", 404),
    ];
    for (path, status) in cases {
        let response = call(&server, reqwest::Method::GET, &format!("{NAME}{path}")).await;
        assert_eq!(response.status(), status, "GET {path}");
    }
    server.stop().await;
}

#[tokio::test]
async fn query_is_forwarded_after_base_path() {
    let sandbox = sandbox().await;
    let server = start(&sandbox).await;
    deploy(&server, &Ara::new(NAME, "shopConn").bytes(), "").await;

    let response = call(
        &server,
        reqwest::Method::GET,
        &format!("{NAME}/pets?limit=5"),
    )
    .await;
    assert_eq!(response.status(), 200);
    let request = sandbox.api_request_log().pop().expect("endpoint call");
    assert_eq!(request.path, "/shop/v1/pets");
    assert_eq!(request.query.as_deref(), Some("limit=5"));
    server.stop().await;
}

#[tokio::test]
async fn archive_without_connection_is_503() {
    let sandbox = sandbox().await;
    let server = start(&sandbox).await;
    let response = deploy(
        &server,
        &Ara::new(NAME, "petsConn").without_connection().bytes(),
        "",
    )
    .await;
    assert_eq!(response.status(), 201);

    let response = call(&server, reqwest::Method::GET, &format!("{NAME}/pets")).await;
    assert_eq!(response.status(), 503);
    server.stop().await;
}

#[tokio::test]
async fn details_show_endpoint_with_base_path() {
    let sandbox = sandbox().await;
    let server = start(&sandbox).await;
    deploy(&server, &Ara::new(NAME, "shopConn").bytes(), "").await;

    let object = body_json(details(&server, NAME).await)
        .await
        .expect("details");
    assert_eq!(
        object["endpoint"]["url"],
        format!("http://127.0.0.1:{}/shop/v1", sandbox.port())
    );
    assert_eq!(object["endpoint"]["authentication"], "none");
    assert_eq!(object["source"], "archive");
    assert_eq!(
        object["apiRequesterUrl"],
        server.url(&format!("/zosConnect/apiRequesters/{NAME}"))
    );

    let list = body_json(server.admin_get("/zosConnect/apiRequesters").await)
        .await
        .expect("list");
    assert_eq!(list["apiRequesters"][0]["connectionRef"], "shopConn");
    server.stop().await;
}

#[tokio::test]
async fn deploy_joins_api_requester_element() {
    // An apiRequester element without an archive overrides the settings of
    // the archive that is deployed under its name, here its connection.
    let sandbox = sandbox().await;
    let declared = r#"  <zosconnect_apiRequesters>
    <apiRequester name="pets_1.0.0" connectionRef="shopConn"/>
  </zosconnect_apiRequesters>"#;
    let server = TestServer::start(&config(&sandbox, declared)).await;

    let response = deploy(&server, &Ara::new(NAME, "petsConn").bytes(), "").await;
    assert_eq!(response.status(), 201);
    let object = body_json(response).await.expect("JSON");
    assert_eq!(object["source"], "archive");
    assert_eq!(object["connection"], "shopConn");
    server.stop().await;
}

#[tokio::test]
async fn archives_disabled_trigger_ignores_copies_not_uploads() {
    let sandbox = sandbox().await;
    let container = r#"  <zosconnect_apiRequesters updateTrigger="disabled"/>"#;
    let server = TestServer::start(&config(&sandbox, container)).await;
    std::fs::create_dir_all(folder(&server)).expect("create archive folder");

    std::fs::write(
        folder(&server).join("copied.ara"),
        Ara::new("copied_1.0.0", "petsConn").bytes(),
    )
    .expect("copy archive");
    tokio::time::sleep(SETTLE).await;
    assert!(server.requester_names().await.is_empty());

    let response = deploy(&server, &Ara::new(NAME, "petsConn").bytes(), "").await;
    assert_eq!(response.status(), 201);
    // The upload rescans the folder, so the copied archive comes along.
    assert_eq!(server.requester_names().await, vec!["copied_1.0.0", NAME]);
    server.stop().await;
}

#[tokio::test]
async fn archive_in_new_folder_seen_without_polling() {
    // pollingRate is far beyond the wait, so only file events can find the
    // archive, in a folder created after the server started.
    let sandbox = sandbox().await;
    let container = r#"  <zosconnect_apiRequesters pollingRate="1h"/>"#;
    let server = TestServer::start(&config(&sandbox, container)).await;
    assert!(!folder(&server).exists());

    std::fs::create_dir_all(folder(&server)).expect("create archive folder");
    tokio::time::sleep(SETTLE).await;
    std::fs::write(
        folder(&server).join("pets.ara"),
        Ara::new(NAME, "petsConn").bytes(),
    )
    .expect("copy archive");

    wait_for_list(&server, "archive in the new folder", |items| {
        version_of(items, NAME).is_some()
    })
    .await;
    server.stop().await;
}

#[tokio::test]
async fn archives_mbean_trigger_waits_for_refresh() {
    let sandbox = sandbox().await;
    let container = r#"  <zosconnect_apiRequesters updateTrigger="mbean"/>"#;
    let server = TestServer::start(&config(&sandbox, container)).await;
    std::fs::create_dir_all(folder(&server)).expect("create archive folder");

    std::fs::write(
        folder(&server).join("pets.ara"),
        Ara::new(NAME, "petsConn").bytes(),
    )
    .expect("copy archive");
    tokio::time::sleep(SETTLE).await;
    assert!(server.requester_names().await.is_empty());

    let response = server
        .http
        .post(server.url("/zosConnect/config/refresh"))
        .basic_auth(ADMIN.0, Some(ADMIN.1))
        .send()
        .await
        .expect("refresh request");
    assert_eq!(response.status(), 200);
    assert_eq!(server.requester_names().await, vec![NAME]);
    server.stop().await;
}

#[tokio::test]
async fn status_lists_archive_files() {
    let sandbox = sandbox().await;
    let server = start(&sandbox).await;
    deploy(&server, &Ara::new(NAME, "petsConn").bytes(), "").await;

    let status = server.status().await;
    let archives = status["archives"].as_array().expect("archives array");
    assert_eq!(archives.len(), 1, "{status:#}");
    let expected = folder(&server).join(format!("{NAME}.ara"));
    assert_eq!(archives[0]["path"], expected.display().to_string());
    assert_eq!(status["lastReload"]["trigger"], "admin API");
    server.stop().await;
}

#[tokio::test]
async fn concurrent_deploys_of_one_name_give_one_409() {
    let sandbox = sandbox().await;
    let server = start(&sandbox).await;
    let bytes = Ara::new(NAME, "petsConn").bytes();

    let (first, second) = tokio::join!(deploy(&server, &bytes, ""), deploy(&server, &bytes, ""));
    let mut statuses = [first.status().as_u16(), second.status().as_u16()];
    statuses.sort_unstable();

    assert_eq!(statuses, [201, 409]);
    assert_eq!(folder_files(&server), vec![format!("{NAME}.ara")]);
    server.stop().await;
}

#[tokio::test]
async fn operations_role_stops_but_cannot_delete() {
    let sandbox = sandbox().await;
    let users = r#"  <basicRegistry id="people">
    <user name="operator" password="operator-pw"/>
    <group name="ops"><member name="operator"/></group>
  </basicRegistry>
  <zosconnect_zosConnectManager globalOperationsGroup="ops"/>"#;
    let server = TestServer::start(&config(&sandbox, users)).await;
    deploy(&server, &Ara::new(NAME, "petsConn").bytes(), "").await;
    let as_operator = |request: reqwest::RequestBuilder| {
        request.basic_auth("operator", Some("operator-pw")).send()
    };
    let url = server.url(&format!("/zosConnect/apiRequesters/{NAME}"));

    let stop = as_operator(server.http.put(format!("{url}?status=stopped")))
        .await
        .expect("stop request");
    assert_eq!(stop.status(), 200);
    let remove = as_operator(server.http.delete(&url))
        .await
        .expect("delete request");
    assert_eq!(remove.status(), 403);
    let replace = as_operator(
        server
            .http
            .put(&url)
            .header("Content-Type", "application/zip")
            .body(Ara::new(NAME, "petsConn").version("2.0.0").bytes()),
    )
    .await
    .expect("update request");
    assert_eq!(replace.status(), 403);
    assert_eq!(folder_files(&server), vec![format!("{NAME}.ara")]);
    server.stop().await;
}
