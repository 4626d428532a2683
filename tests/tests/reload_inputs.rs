//! What a reload reads: `bootstrap.properties` only at start, and the files
//! of an include folder as they come and go.

mod common;

use common::{editor_save, plain_requester, server_xml, TestServer};

#[tokio::test]
async fn bootstrap_change_waits_for_restart() {
    let dir = tempfile::tempdir().expect("server directory");
    std::fs::write(
        dir.path().join("bootstrap.properties"),
        "requester.name=one\n",
    )
    .expect("write bootstrap.properties");
    let xml = |comment: &str| {
        server_xml(&format!(
            r#"  <zosconnect_endpointConnection id="conn" host="http://127.0.0.1" port="9"/>
  <zosconnect_apiRequesters>
    <apiRequester name="${{requester.name}}" connectionRef="conn"/>
  </zosconnect_apiRequesters>
  <!-- {comment} -->"#
        ))
    };
    std::fs::write(dir.path().join("server.xml"), xml("first")).expect("write server.xml");
    let server = TestServer::start_in(dir, |_| {}).await;
    assert_eq!(server.requester_names().await, vec!["one"]);

    server.write("bootstrap.properties", "requester.name=two\n");
    editor_save(server.dir.path(), &xml("second"));
    server.wait_for_generation(2).await;

    assert_eq!(
        server.requester_names().await,
        vec!["one"],
        "the reload used the bootstrap values of the start"
    );
    server.stop().await;
}

#[tokio::test]
async fn included_folder_new_file_loads() {
    let dir = tempfile::tempdir().expect("server directory");
    std::fs::create_dir(dir.path().join("conf.d")).expect("create conf.d");
    std::fs::write(
        dir.path().join("conf.d").join("one.xml"),
        format!("<server>\n{}\n</server>\n", plain_requester("one")),
    )
    .expect("write conf.d/one.xml");
    std::fs::write(
        dir.path().join("server.xml"),
        server_xml("  <include location=\"conf.d/\"/>"),
    )
    .expect("write server.xml");
    let server = TestServer::start_in(dir, |_| {}).await;
    assert_eq!(server.requester_names().await, vec!["one"]);

    std::fs::write(
        server.path("conf.d").join("two.xml"),
        format!("<server>\n{}\n</server>\n", plain_requester("two")),
    )
    .expect("write conf.d/two.xml");
    server.wait_for_generation(2).await;

    assert_eq!(server.requester_names().await, vec!["one", "two"]);
    server.stop().await;
}
