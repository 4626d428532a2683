//! What a reload reads: `bootstrap.properties` only at start, and the files
//! of an include folder as they come and go.

mod common;

use common::{editor_save, server_xml, TestServer};

#[tokio::test]
async fn bootstrap_properties_change_waits_for_restart() {
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
