//! Work slow enough to hold up a connection thread runs on the blocking pool:
//! with one connection thread, other connections are served meanwhile.

mod common;

use std::time::Duration;

use base64::Engine;
use common::{plain_requester, server_xml, TestServer};
use tokio::time::Instant;

/// PBKDF2 iterations of the test user's `{hash}` password: enough for a
/// check to take a good part of a second even in an optimized build.
const ITERATIONS: u32 = 1_000_000;

/// Returns a `{hash}` record (Liberty's tagged fields: iteration count, salt,
/// digest) whose digest matches no password, so every check runs all
/// iterations and fails.
fn slow_hash() -> String {
    let mut record = Vec::new();
    for (tag, field) in [
        (0x20u8, ITERATIONS.to_be_bytes().to_vec()),
        (0x30, vec![7; 8]),
        (0x40, vec![0; 32]),
    ] {
        record.push(tag);
        record.extend_from_slice(&(field.len() as u32).to_be_bytes());
        record.extend_from_slice(&field);
    }
    format!(
        "{{hash}}{}",
        base64::engine::general_purpose::STANDARD.encode(record)
    )
}

fn callers_checked_against_slow_hash() -> String {
    let registry = format!(
        r#"  <basicRegistry id="basic" realm="zconnect">
    <user name="slow" password="{}"/>
  </basicRegistry>
"#,
        slow_hash()
    );
    server_xml(&format!("{registry}{}", plain_requester("one"))).replace(
        "requireAuth=\"false\" requireSecure=\"false\"",
        "requireAuth=\"true\" requireSecure=\"false\"",
    )
}

#[tokio::test]
async fn health_answers_while_a_hash_check_runs() {
    let server = TestServer::start_with(&callers_checked_against_slow_hash(), |options| {
        options.worker_threads = 1;
    })
    .await;
    let slow = {
        let (http, url) = (server.http.clone(), server.url("/apiRequesters/one/pets"));
        tokio::spawn(async move {
            let response = http
                .get(url)
                .basic_auth("slow", Some("wrong"))
                .send()
                .await
                .expect("call");
            (response.status().as_u16(), Instant::now())
        })
    };
    // Lets the call reach the server and start its check.
    tokio::time::sleep(Duration::from_millis(100)).await;

    let health = reqwest::Client::new()
        .get(server.url("/health"))
        .send()
        .await
        .expect("health");
    let health_done = Instant::now();
    let (slow_status, slow_done) = slow.await.expect("slow call");

    assert_eq!(health.status().as_u16(), 200);
    assert_eq!(slow_status, 401);
    assert!(
        health_done < slow_done,
        "/health waited for the password check of another connection"
    );
    server.stop().await;
}
