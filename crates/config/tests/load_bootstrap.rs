//! `bootstrap.properties` is read at start only: a load can be given the
//! properties read at start, and then neither reads nor watches the file.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use zconnect_config::{load, LoadOptions, Loaded};

const SERVER_XML: &str = r#"<server>
    <httpEndpoint id="defaultHttpEndpoint" host="127.0.0.1" httpPort="${http.port}"/>
</server>
"#;

fn write_server(dir: &Path, bootstrap: &str) {
    fs::write(dir.join("server.xml"), SERVER_XML).expect("write server.xml");
    fs::write(dir.join("bootstrap.properties"), bootstrap).expect("write bootstrap.properties");
}

fn http_port(loaded: &Loaded) -> Option<u16> {
    loaded.config.http_endpoint.http_port
}

fn lists_bootstrap_file(paths: impl IntoIterator<Item = impl AsRef<Path>>) -> bool {
    paths
        .into_iter()
        .any(|path| path.as_ref().ends_with("bootstrap.properties"))
}

#[test]
fn loaded_keeps_bootstrap_properties() {
    let dir = tempfile::tempdir().expect("temporary directory");
    write_server(dir.path(), "http.port=9081\n");

    let loaded = load(dir.path(), &LoadOptions::default()).expect("loads");

    assert_eq!(http_port(&loaded), Some(9081));
    assert_eq!(
        loaded.bootstrap.get("http.port").map(String::as_str),
        Some("9081")
    );
    assert!(lists_bootstrap_file(
        loaded.sources.iter().map(|source| &source.path)
    ));
}

#[test]
fn given_bootstrap_replaces_the_file() {
    let dir = tempfile::tempdir().expect("temporary directory");
    write_server(dir.path(), "http.port=9081\n");
    let given = BTreeMap::from([("http.port".to_owned(), "9082".to_owned())]);
    let options = LoadOptions {
        bootstrap: Some(given.clone()),
        ..LoadOptions::default()
    };

    let loaded = load(dir.path(), &options).expect("loads");

    assert_eq!(http_port(&loaded), Some(9082));
    assert_eq!(loaded.bootstrap, given);
    assert!(
        !lists_bootstrap_file(loaded.sources.iter().map(|source| &source.path)),
        "{:?}",
        loaded.sources
    );
}

#[test]
fn reload_with_start_bootstrap_ignores_edits() {
    let dir = tempfile::tempdir().expect("temporary directory");
    write_server(dir.path(), "http.port=9081\n");
    let start = load(dir.path(), &LoadOptions::default()).expect("loads at start");

    fs::write(dir.path().join("bootstrap.properties"), "http.port=9999\n")
        .expect("edit bootstrap.properties");
    let reload_options = LoadOptions {
        bootstrap: Some(start.bootstrap.clone()),
        ..LoadOptions::default()
    };
    let reloaded = load(dir.path(), &reload_options).expect("reloads");

    assert_eq!(http_port(&reloaded), Some(9081));
    assert_eq!(reloaded.bootstrap, start.bootstrap);
}

#[test]
fn failed_reload_does_not_watch_bootstrap() {
    let dir = tempfile::tempdir().expect("temporary directory");
    write_server(dir.path(), "http.port=9081\n");
    fs::write(dir.path().join("server.xml"), "<server>").expect("break server.xml");
    let options = LoadOptions {
        bootstrap: Some(BTreeMap::new()),
        ..LoadOptions::default()
    };

    let failure = load(dir.path(), &options).expect_err("server.xml is not well-formed");

    assert!(!lists_bootstrap_file(&failure.attempted));
    assert!(!lists_bootstrap_file(
        failure.sources.iter().map(|source| &source.path)
    ));
}
