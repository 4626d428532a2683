//! Configuration paths that are not regular files: FIFOs, devices and
//! symbolic link loops are rejected with a message naming what they are,
//! before anything is opened.

#![cfg(unix)]

mod sources_support;

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use sources_support::ServerDir;
use zconnect_config::sources::read_configuration;
use zconnect_config::{LoadFailure, LoadOptions};

/// Reads the server directory on another thread and fails the test when the
/// read has not returned within ten seconds (a FIFO would block it forever).
fn read_within_time_limit(server: &ServerDir) -> LoadFailure {
    let path = server.path().to_path_buf();
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let result = read_configuration(&path, &LoadOptions::default());
        let _ = sender.send(result.err());
    });
    match receiver.recv_timeout(Duration::from_secs(10)) {
        Ok(Some(failure)) => failure,
        Ok(None) => panic!("the load succeeded"),
        Err(_) => panic!("the load did not return within 10 s"),
    }
}

fn make_fifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("run mkfifo");
    assert!(status.success(), "mkfifo {}", path.display());
}

fn messages(failure: &LoadFailure) -> String {
    failure
        .diagnostics
        .iter()
        .map(|diagnostic| diagnostic.message.clone())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn include_of_a_fifo_is_rejected_without_blocking() {
    let server = ServerDir::new();
    server.write(
        "server.xml",
        "<server><include location=\"pipe.xml\"/></server>",
    );
    make_fifo(&server.path().join("pipe.xml"));

    let failure = read_within_time_limit(&server);

    let text = messages(&failure);
    assert!(text.contains("not a regular file (a FIFO)"), "{text}");
    assert!(text.contains("pipe.xml"), "{text}");
}

#[test]
fn server_xml_that_is_a_fifo_is_rejected_without_blocking() {
    let server = ServerDir::new();
    make_fifo(&server.path().join("server.xml"));

    let failure = read_within_time_limit(&server);

    assert!(failure.unreadable);
    let text = messages(&failure);
    assert!(text.contains("not a regular file (a FIFO)"), "{text}");
}

#[test]
fn include_of_a_device_is_rejected() {
    let server = ServerDir::new();
    server.write(
        "server.xml",
        "<server><include location=\"/dev/zero\"/></server>",
    );

    let failure = read_within_time_limit(&server);

    let text = messages(&failure);
    assert!(text.contains("not a regular file (a device)"), "{text}");
}

#[test]
fn include_symbolic_link_loop_is_named_as_a_loop() {
    let server = ServerDir::new();
    server.write(
        "server.xml",
        "<server><include location=\"loop.xml\"/></server>",
    );
    std::os::unix::fs::symlink("loop.xml", server.path().join("loop.xml")).expect("symlink");

    let failure = read_within_time_limit(&server);

    let text = messages(&failure);
    assert!(text.contains("symbolic link loop"), "{text}");
    assert!(!text.contains("does not exist"), "{text}");
}

#[test]
fn include_symbolic_link_to_a_regular_file_is_read() {
    let server = ServerDir::new();
    server.write(
        "server.xml",
        "<server><include location=\"link.xml\"/></server>",
    );
    server.write(
        "real.xml",
        "<server><zosconnect_authData id=\"d\" user=\"u\"/></server>",
    );
    std::os::unix::fs::symlink("real.xml", server.path().join("link.xml")).expect("symlink");

    let outcome = server.read_ok();

    assert!(outcome.diagnostics.is_empty(), "{:?}", outcome.diagnostics);
}
