//! Hot reload with files that cannot be read like ordinary files: a FIFO put
//! in place of `server.xml` and an include of a device that never ends. The
//! server must keep answering, apply later fixes and stop when asked.
//!
//! Each test runs its server on a thread of its own, with a single-threaded
//! runtime, so that a blocking read in async code stalls it, and the test
//! thread gives up after a bound instead of hanging with it.

mod common;

use std::future::Future;
use std::time::Duration;

use common::{plain_requester, server_xml, TestServer, ADMIN};

/// Longest a whole test may take before it counts as frozen.
const TEST_BOUND: Duration = Duration::from_secs(40);

/// Runs `test` on its own thread and runtime; fails when it has not finished
/// within [`TEST_BOUND`]. A frozen thread is left behind for the process to end.
fn run_bounded<F>(test: impl FnOnce() -> F + Send + 'static)
where
    F: Future<Output = ()>,
{
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("test runtime");
        runtime.block_on(test());
        let _ = done.send(());
    });
    match finished.recv_timeout(TEST_BOUND) {
        Ok(()) => {}
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            panic!("the server froze: the test did not finish within {TEST_BOUND:?}")
        }
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            panic!("the test failed on its thread (see the panic above)")
        }
    }
}

fn mkfifo(path: &std::path::Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("run mkfifo");
    assert!(status.success(), "mkfifo {} failed", path.display());
}

async fn health_status(server: &TestServer) -> u16 {
    server
        .http
        .get(server.url("/health"))
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .expect("/health answers")
        .status()
        .as_u16()
}

#[test]
fn fifo_server_xml_keeps_server_answering() {
    run_bounded(|| async {
        let server = TestServer::start(&server_xml(&plain_requester("one"))).await;

        std::fs::remove_file(server.path("server.xml")).expect("remove server.xml");
        mkfifo(&server.path("server.xml"));
        let status = server.wait_for_result("rejected").await;

        assert_eq!(status["generation"], 1, "the running configuration stays");
        assert_eq!(health_status(&server).await, 200);
        let refresh = server
            .http
            .post(server.url("/zosConnect/config/refresh"))
            .basic_auth(ADMIN.0, Some(ADMIN.1))
            .timeout(Duration::from_secs(5))
            .send()
            .await
            .expect("refresh answers");
        assert_eq!(refresh.status(), 200);
        server.stop().await;
    });
}

#[test]
fn device_include_allows_later_fixes() {
    run_bounded(|| async {
        let server = TestServer::start(&server_xml(&plain_requester("one"))).await;

        let with_device = server_xml(&format!(
            "{}\n  <include location=\"/dev/zero\"/>",
            plain_requester("one")
        ));
        server.write("server.xml", &with_device);
        server.wait_for_result("rejected").await;

        server.write("server.xml", &server_xml(&plain_requester("fixed")));
        server.wait_for_generation(2).await;

        assert_eq!(server.requester_names().await, vec!["fixed"]);
        assert_eq!(health_status(&server).await, 200);
        server.stop().await;
    });
}

#[tokio::test]
async fn idle_server_checks_no_files() {
    let server = TestServer::start(&server_xml(&plain_requester("one"))).await;
    // The start may leave one check behind; the polls of the 50 ms monitor
    // interval that follow read server.xml, and reading must not count.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = server.metric("zconnect_config_file_checks_total").await;

    tokio::time::sleep(Duration::from_secs(1)).await;
    let after = server.metric("zconnect_config_file_checks_total").await;

    assert_eq!(
        after - before,
        0.0,
        "an idle server re-checked its files {} times in one second",
        after - before
    );
    server.stop().await;
}
