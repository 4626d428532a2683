//! Hot reload while the server runs: editor saves, ConfigMap symlink swaps,
//! half-written files, broken saves under load, includes, update triggers
//! and listener moves.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{
    editor_save, free_port, oauth_requester_named, plain_requester, server_xml, server_xml_on,
    TestServer, ADMIN,
};
use zconnect_sandbox::Sandbox;

/// Long enough for several polls (50 ms) and quiet periods (10 ms) to pass.
const SETTLE: Duration = Duration::from_millis(400);

#[tokio::test]
async fn r1_editor_saves_reload_twice() {
    let server = TestServer::start(&server_xml(&plain_requester("one"))).await;

    editor_save(server.dir.path(), &server_xml(&plain_requester("two")));
    server.wait_for_generation(2).await;
    assert_eq!(server.requester_names().await, vec!["two"]);

    editor_save(server.dir.path(), &server_xml(&plain_requester("three")));
    server.wait_for_generation(3).await;
    assert_eq!(server.requester_names().await, vec!["three"]);
    server.stop().await;
}

#[tokio::test]
async fn r2_configmap_symlink_swap_reloads() {
    let dir = tempfile::tempdir().expect("server directory");
    let first = dir.path().join("..2024_01");
    std::fs::create_dir(&first).expect("first data folder");
    std::fs::write(
        first.join("server.xml"),
        server_xml(&plain_requester("one")),
    )
    .expect("write");
    std::os::unix::fs::symlink("..2024_01", dir.path().join("..data")).expect("..data link");
    std::os::unix::fs::symlink("..data/server.xml", dir.path().join("server.xml"))
        .expect("server.xml link");
    let server = TestServer::start_in(dir, |_| {}).await;
    assert_eq!(server.requester_names().await, vec!["one"]);

    let second = server.path("..2024_02");
    std::fs::create_dir(&second).expect("second data folder");
    std::fs::write(
        second.join("server.xml"),
        server_xml(&plain_requester("two")),
    )
    .expect("write");
    std::os::unix::fs::symlink("..2024_02", server.path("..data_tmp")).expect("..data_tmp link");
    std::fs::rename(server.path("..data_tmp"), server.path("..data")).expect("swap ..data");
    std::fs::remove_dir_all(server.path("..2024_01")).expect("remove old data folder");

    server.wait_for_generation(2).await;
    assert_eq!(server.requester_names().await, vec!["two"]);
    server.stop().await;
}

#[tokio::test]
async fn r3_half_written_file_is_never_applied() {
    let server = TestServer::start(&server_xml(&plain_requester("one"))).await;
    let many: String = (0..40)
        .map(|index| plain_requester(&format!("api{index:02}")))
        .collect::<Vec<_>>()
        .join("\n");
    let new_content = server_xml(&many);
    assert!(
        new_content.len() > 4096,
        "the new content must be longer than the first part"
    );

    {
        use std::io::Write;
        let mut file = std::fs::File::create(server.path("server.xml")).expect("truncate");
        file.write_all(&new_content.as_bytes()[..2048])
            .expect("first part");
        file.flush().expect("flush");
        tokio::time::sleep(Duration::from_millis(300)).await;
        file.write_all(&new_content.as_bytes()[2048..])
            .expect("rest");
    }

    let status = server.wait_for_generation(2).await;
    tokio::time::sleep(SETTLE).await;
    assert_eq!(
        server.generation().await,
        2,
        "only the final content was applied"
    );
    assert_eq!(status["lastReload"]["result"], "applied");
    assert_eq!(server.requester_names().await.len(), 40);
    let rejected = server
        .metric("zconnect_config_reloads_total{result=\"rejected\"}")
        .await;
    assert!(
        rejected <= 1.0,
        "at most one rejected attempt, got {rejected}"
    );
    server.stop().await;
}

#[tokio::test]
async fn r4_broken_save_under_load_fails_no_call() {
    let old_api = Sandbox::start().await.expect("old sandbox");
    let new_api = Sandbox::start().await.expect("new sandbox");
    let server = TestServer::start(&server_xml(&oauth_requester_named(
        "pets_1.0.0",
        "conn",
        &old_api,
        3,
    )))
    .await;
    let url = server.url("/apiRequesters/pets_1.0.0/pets");

    let sent = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let running = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let load = {
        let (sent, failed, running) = (sent.clone(), failed.clone(), running.clone());
        let http = server.http.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(5));
            let mut calls = tokio::task::JoinSet::new();
            while running.load(Ordering::Relaxed) {
                tick.tick().await;
                let (http, url, failed) = (http.clone(), url.clone(), failed.clone());
                sent.fetch_add(1, Ordering::Relaxed);
                calls.spawn(async move {
                    let ok = matches!(http.get(&url).send().await, Ok(response) if response.status() == 200);
                    if !ok {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                });
            }
            while calls.join_next().await.is_some() {}
        })
    };

    tokio::time::sleep(Duration::from_millis(500)).await;
    let broken = server_xml(&oauth_requester_named("pets_1.0.0", "conn", &new_api, 3))
        .replace("</zosconnect_apiRequesters>", "</zosconnect_apiRequesters");
    editor_save(server.dir.path(), &broken);
    let rejected = server.wait_for_result("rejected").await;
    assert_eq!(
        rejected["generation"], 1,
        "the old configuration keeps serving"
    );

    tokio::time::sleep(Duration::from_secs(5)).await;
    let fixed = server_xml(&oauth_requester_named("pets_1.0.0", "conn", &new_api, 3));
    editor_save(server.dir.path(), &fixed);
    server.wait_for_generation(2).await;
    tokio::time::sleep(Duration::from_millis(500)).await;

    running.store(false, Ordering::Relaxed);
    load.await.expect("load task");

    let sent = sent.load(Ordering::Relaxed);
    assert!(
        sent > 1000,
        "about 200 calls per second were sent, got {sent}"
    );
    assert_eq!(failed.load(Ordering::Relaxed), 0, "no call failed");
    assert!(
        new_api.api_calls() > 0,
        "calls reach the new endpoint after the fix"
    );
    for (api, name) in [(&old_api, "old"), (&new_api, "new")] {
        let issued = api.issued_tokens();
        for request in api.api_request_log() {
            let token = request.bearer_token().unwrap_or_default().to_owned();
            assert!(
                issued.contains(&token),
                "the {name} endpoint got a token of another server"
            );
        }
    }
    server.stop().await;
}

#[tokio::test]
async fn include_added_at_run_time_is_watched() {
    let server = TestServer::start(&server_xml(&plain_requester("main"))).await;
    server.write(
        "extra.xml",
        &format!("<server>\n{}\n</server>\n", plain_requester("extra")),
    );

    let with_include = server_xml(&format!(
        "{}\n  <include location=\"extra.xml\"/>",
        plain_requester("main")
    ));
    editor_save(server.dir.path(), &with_include);
    server.wait_for_generation(2).await;
    assert_eq!(server.requester_names().await, vec!["extra", "main"]);

    server.write(
        "extra.xml",
        &format!("<server>\n{}\n</server>\n", plain_requester("extra2")),
    );
    server.wait_for_generation(3).await;
    assert_eq!(server.requester_names().await, vec!["extra2", "main"]);
    server.stop().await;
}

#[tokio::test]
async fn include_removed_is_no_longer_watched() {
    let dir = tempfile::tempdir().expect("server directory");
    let with_include = server_xml(&format!(
        "{}\n  <include location=\"extra.xml\"/>",
        plain_requester("main")
    ));
    std::fs::write(dir.path().join("server.xml"), with_include).expect("write server.xml");
    std::fs::write(
        dir.path().join("extra.xml"),
        format!("<server>\n{}\n</server>\n", plain_requester("extra")),
    )
    .expect("write extra.xml");
    let server = TestServer::start_in(dir, |_| {}).await;
    assert_eq!(server.requester_names().await, vec!["extra", "main"]);

    editor_save(server.dir.path(), &server_xml(&plain_requester("main")));
    server.wait_for_generation(2).await;
    let before = server.status().await;

    server.write(
        "extra.xml",
        &format!("<server>\n{}\n</server>\n", plain_requester("extra3")),
    );
    tokio::time::sleep(SETTLE).await;

    let after = server.status().await;
    assert_eq!(after["generation"], 2);
    assert_eq!(
        after["lastReload"]["startedAt"], before["lastReload"]["startedAt"],
        "no reload was attempted"
    );
    server.stop().await;
}

#[tokio::test]
async fn failed_new_include_fix_is_seen() {
    let server = TestServer::start(&server_xml(&plain_requester("main"))).await;
    server.write("broken.xml", "<server>\n  <zosconnect_endpointConnection\n");
    editor_save(
        server.dir.path(),
        &server_xml(&format!(
            "{}\n  <include location=\"broken.xml\"/>",
            plain_requester("main")
        )),
    );
    server.wait_for_result("rejected").await;

    server.write(
        "broken.xml",
        &format!("<server>\n{}\n</server>\n", plain_requester("fixed")),
    );
    server.wait_for_generation(2).await;
    assert_eq!(server.requester_names().await, vec!["fixed", "main"]);
    server.stop().await;
}

#[tokio::test]
async fn mbean_trigger_reloads_only_on_refresh() {
    let xml = |name: &str| server_xml_on(0, "mbean", &plain_requester(name));
    let server = TestServer::start(&xml("one")).await;

    editor_save(server.dir.path(), &xml("two"));
    tokio::time::sleep(SETTLE).await;
    assert_eq!(
        server.generation().await,
        1,
        "file changes alone do not reload"
    );

    let response = server
        .http
        .post(server.url("/zosConnect/config/refresh"))
        .basic_auth(ADMIN.0, Some(ADMIN.1))
        .send()
        .await
        .expect("refresh");
    assert_eq!(response.status(), 200);
    let status = common::body_json(response).await.expect("status JSON");
    assert_eq!(status["generation"], 2);
    assert_eq!(status["lastReload"]["result"], "applied");
    assert_eq!(server.requester_names().await, vec!["two"]);
    server.stop().await;
}

#[tokio::test]
async fn disabled_trigger_never_reloads() {
    let xml = |name: &str| server_xml_on(0, "disabled", &plain_requester(name));
    let server = TestServer::start(&xml("one")).await;

    editor_save(server.dir.path(), &xml("two"));
    tokio::time::sleep(SETTLE).await;
    assert_eq!(server.generation().await, 1);

    let response = server
        .http
        .post(server.url("/zosConnect/config/refresh"))
        .basic_auth(ADMIN.0, Some(ADMIN.1))
        .send()
        .await
        .expect("refresh");
    assert_eq!(response.status(), 409);
    let body = common::body_json(response).await.expect("error JSON");
    assert!(
        body["errorMessage"]
            .as_str()
            .unwrap_or_default()
            .contains("disabled"),
        "{body}"
    );
    assert_eq!(server.generation().await, 1);
    assert_eq!(server.requester_names().await, vec!["one"]);
    server.stop().await;
}

#[tokio::test]
async fn port_change_moves_listener_without_refusal() {
    let old_port = free_port();
    let new_port = free_port();
    assert_ne!(old_port, new_port);
    let server =
        TestServer::start(&server_xml_on(old_port, "polled", &plain_requester("one"))).await;
    assert_eq!(server.addr().port(), old_port);

    let probing = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let probe = {
        let probing = probing.clone();
        tokio::spawn(async move {
            let mut gaps = 0;
            let mut probes = 0;
            while probing.load(Ordering::Relaxed) {
                let old = tokio::net::TcpStream::connect(("127.0.0.1", old_port))
                    .await
                    .is_ok();
                let new = tokio::net::TcpStream::connect(("127.0.0.1", new_port))
                    .await
                    .is_ok();
                if !old && !new {
                    gaps += 1;
                }
                probes += 1;
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            (gaps, probes)
        })
    };

    tokio::time::sleep(Duration::from_millis(100)).await;
    editor_save(
        server.dir.path(),
        &server_xml_on(new_port, "polled", &plain_requester("one")),
    );
    let deadline = Instant::now() + common::RELOAD_WAIT;
    while server.addr().port() != new_port {
        assert!(Instant::now() < deadline, "the listener did not move");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    probing.store(false, Ordering::Relaxed);
    let (gaps, probes) = probe.await.expect("probe task");

    assert!(probes > 10, "the probe ran, {probes} probes");
    assert_eq!(gaps, 0, "some port accepted connections at every probe");
    let health = server
        .http
        .get(format!("http://127.0.0.1:{new_port}/health"))
        .send()
        .await
        .expect("health on the new port");
    assert_eq!(health.status(), 200);
    assert!(
        tokio::net::TcpStream::connect(("127.0.0.1", old_port))
            .await
            .is_err(),
        "the old port is closed"
    );
    server.stop().await;
}

#[tokio::test]
async fn element_made_invalid_keeps_previous_version() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let valid = server_xml(&oauth_requester_named("pets_1.0.0", "conn", &sandbox, 3));
    let server = TestServer::start(&valid).await;

    let invalid = valid.replace(
        &format!("port=\"{}\"", sandbox.port()),
        "port=\"not-a-port\"",
    );
    assert_ne!(invalid, valid);
    editor_save(server.dir.path(), &invalid);
    let status = server.wait_for_generation(2).await;

    assert_eq!(status["lastReload"]["result"], "applied");
    assert_eq!(
        status["keptElements"],
        serde_json::json!([
            "zosconnect_endpointConnection[conn]",
            "zosconnect_apiRequesters/apiRequester[pets_1.0.0]"
        ])
    );
    let call = server
        .http
        .get(server.url("/apiRequesters/pets_1.0.0/pets"))
        .send()
        .await
        .expect("call");
    assert_eq!(call.status(), 200, "the previous connection still serves");
    server.stop().await;
}

#[tokio::test]
async fn port_in_use_keeps_old_listener_as_partial() {
    let server = TestServer::start(&server_xml(&plain_requester("one"))).await;
    let old_addr = server.addr();
    let occupied = std::net::TcpListener::bind("127.0.0.1:0").expect("occupy a port");
    let busy_port = occupied.local_addr().expect("address").port();

    editor_save(
        server.dir.path(),
        &server_xml_on(busy_port, "polled", &plain_requester("two")),
    );
    let status = server.wait_for_result("partial").await;

    assert_eq!(status["generation"], 2, "the new configuration runs");
    assert!(
        status["lastReload"]["error"]
            .as_str()
            .unwrap_or_default()
            .contains(&busy_port.to_string()),
        "{status}"
    );
    assert_eq!(server.addr(), old_addr, "the old listener stays");
    assert_eq!(server.requester_names().await, vec!["two"]);
    drop(occupied);
    server.stop().await;
}
