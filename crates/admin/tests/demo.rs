//! `zconnect demo` started in process on a free port: every printed call
//! returns what its printed line states, and the demo stops cleanly.

use std::time::Duration;

use serde_json::Value;
use zconnect_admin::demo::{
    self, Demo, DemoCall, DemoCallKind, DemoError, DemoOptions, AUTHORIZATION_SERVER_ID,
    LEVEL_1_REQUESTER, LEVEL_3_REQUESTER,
};

async fn start_demo(token_lifetime: Duration) -> Demo {
    demo::start(DemoOptions {
        port: 0,
        token_lifetime,
    })
    .await
    .unwrap_or_else(|error| panic!("demo did not start: {error}"))
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("HTTP client")
}

fn call(demo: &Demo, kind: DemoCallKind) -> DemoCall {
    demo.calls()
        .into_iter()
        .find(|call| call.kind == kind)
        .unwrap_or_else(|| panic!("no printed call of kind {kind:?}"))
}

fn return_code(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get("BAQ-Return-Code")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

async fn body_json(response: reqwest::Response) -> Value {
    let bytes = response.bytes().await.expect("response body");
    serde_json::from_slice(&bytes)
        .unwrap_or_else(|error| panic!("{error}: {}", String::from_utf8_lossy(&bytes)))
}

async fn get(url: &str) -> reqwest::Response {
    client().get(url).send().await.expect("request to the demo")
}

/// What a printed call returns when the calls run in the printed order.
struct Expected {
    status: u16,
    return_code: Option<&'static str>,
    new_token_requests: usize,
    api_calls: usize,
}

fn expected(kind: DemoCallKind) -> Expected {
    let admin = Expected {
        status: 200,
        return_code: None,
        new_token_requests: 0,
        api_calls: 0,
    };
    match kind {
        DemoCallKind::SampleCall => Expected {
            status: 200,
            return_code: Some("0"),
            new_token_requests: 1,
            api_calls: 1,
        },
        // The call and its retry, with a replacement token.
        DemoCallKind::Level3InvalidToken => Expected {
            status: 401,
            return_code: Some("1"),
            new_token_requests: 1,
            api_calls: 2,
        },
        DemoCallKind::Level3NoChallenge => Expected {
            status: 401,
            return_code: Some("1"),
            new_token_requests: 0,
            api_calls: 1,
        },
        // The level 1 requester's first token, then its replacement.
        DemoCallKind::Level1InvalidToken => Expected {
            status: 401,
            return_code: Some("1"),
            new_token_requests: 2,
            api_calls: 2,
        },
        DemoCallKind::Level1NoChallenge => Expected {
            status: 401,
            return_code: Some("1"),
            new_token_requests: 1,
            api_calls: 2,
        },
        DemoCallKind::Requesters | DemoCallKind::ConfigStatus | DemoCallKind::Metrics => admin,
    }
}

/// Runs the five API requester calls in the printed order.
async fn run_requester_calls(demo: &Demo) {
    for kind in &DemoCallKind::ALL[..5] {
        let response = get(&call(demo, *kind).url).await;
        assert_eq!(response.status(), expected(*kind).status, "{kind:?}");
    }
}

#[tokio::test]
async fn demo_printed_calls_return_printed_results() {
    let demo = start_demo(Duration::from_secs(30)).await;

    for call in demo.calls() {
        let tokens_before = demo.sandbox().token_requests();
        let api_before = demo.sandbox().api_calls();
        let expected = expected(call.kind);

        let response = get(&call.url).await;

        let kind = call.kind;
        assert_eq!(response.status(), expected.status, "status of {kind:?}");
        assert_eq!(
            return_code(&response).as_deref(),
            expected.return_code,
            "BAQ-Return-Code of {kind:?}"
        );
        assert_eq!(
            demo.sandbox().token_requests() - tokens_before,
            expected.new_token_requests,
            "token requests made by {kind:?}"
        );
        assert_eq!(
            demo.sandbox().api_calls() - api_before,
            expected.api_calls,
            "sample API calls made by {kind:?}"
        );
    }

    demo.stop().await.expect("demo stops");
}

#[tokio::test]
async fn demo_level3_retry_uses_new_token() {
    let demo = start_demo(Duration::from_secs(30)).await;
    get(&call(&demo, DemoCallKind::SampleCall).url).await;

    let response = get(&call(&demo, DemoCallKind::Level3InvalidToken).url).await;

    assert_eq!(response.status(), 401);
    let body = body_json(response).await;
    assert_eq!(body["error"], "invalid_token");
    assert_eq!(body["tokenNumber"], 2, "the retry carried the second token");
    demo.stop().await.expect("demo stops");
}

#[tokio::test]
async fn demo_level3_no_challenge_keeps_token() {
    let demo = start_demo(Duration::from_secs(30)).await;
    get(&call(&demo, DemoCallKind::SampleCall).url).await;

    let response = get(&call(&demo, DemoCallKind::Level3NoChallenge).url).await;

    assert_eq!(response.status(), 401);
    assert_eq!(
        response.headers()["www-authenticate"],
        zconnect_sandbox::NO_INVALID_TOKEN_CHALLENGE
    );
    let body = body_json(response).await;
    assert_eq!(body["tokenNumber"], 1, "the cached token was used and kept");
    demo.stop().await.expect("demo stops");
}

#[tokio::test]
async fn demo_sample_call_returns_json() {
    let demo = start_demo(Duration::from_secs(30)).await;

    let response = get(&call(&demo, DemoCallKind::SampleCall).url).await;

    assert_eq!(response.status(), 200);
    let body = body_json(response).await;
    assert_eq!(body["path"], "/claims/1001");
    assert_eq!(body["tokenNumber"], 1);
    demo.stop().await.expect("demo stops");
}

#[tokio::test]
async fn demo_expired_token_is_requested_again() {
    // A 2 s token is used from the cache only while at least 1 s of it
    // remains (tokenExpiryMargin), so after 1.5 s the next call needs a new one.
    let demo = start_demo(Duration::from_secs(2)).await;
    let sample = call(&demo, DemoCallKind::SampleCall);
    get(&sample.url).await;
    assert_eq!(demo.sandbox().token_requests(), 1);

    tokio::time::sleep(Duration::from_millis(1500)).await;
    let response = get(&sample.url).await;

    assert_eq!(response.status(), 200);
    assert_eq!(demo.sandbox().token_requests(), 2);
    assert_eq!(body_json(response).await["tokenNumber"], 2);
    demo.stop().await.expect("demo stops");
}

#[tokio::test]
async fn demo_metrics_count_tokens_and_decisions() {
    let demo = start_demo(Duration::from_secs(30)).await;
    run_requester_calls(&demo).await;

    let text = get(&call(&demo, DemoCallKind::Metrics).url)
        .await
        .text()
        .await
        .expect("metrics text");

    let lines: Vec<&str> = text.lines().collect();
    let expected_lines = [
        format!(
            r#"zconnect_token_requests_total{{authorization_server="{AUTHORIZATION_SERVER_ID}",outcome="success"}} 5"#
        ),
        format!(
            r#"zconnect_requester_retry_decisions_total{{requester="{LEVEL_3_REQUESTER}",decision="retry",reason="invalid_token"}} 1"#
        ),
        format!(
            r#"zconnect_requester_retry_decisions_total{{requester="{LEVEL_3_REQUESTER}",decision="no_retry",reason="no_invalid_token_challenge"}} 1"#
        ),
        format!(
            r#"zconnect_requester_retry_decisions_total{{requester="{LEVEL_1_REQUESTER}",decision="retry",reason="level_1"}} 2"#
        ),
    ];
    for line in &expected_lines {
        assert!(lines.contains(&line.as_str()), "missing {line} in:\n{text}");
    }
    demo.stop().await.expect("demo stops");
}

#[tokio::test]
async fn demo_admin_lists_both_requesters() {
    let demo = start_demo(Duration::from_secs(30)).await;

    let response = get(&call(&demo, DemoCallKind::Requesters).url).await;

    assert_eq!(response.status(), 200, "admin API open on loopback");
    let list = body_json(response).await;
    let names: Vec<&str> = list["apiRequesters"]
        .as_array()
        .expect("apiRequesters array")
        .iter()
        .filter_map(|requester| requester["name"].as_str())
        .collect();
    assert!(names.contains(&LEVEL_3_REQUESTER), "{list}");
    assert!(names.contains(&LEVEL_1_REQUESTER), "{list}");
    demo.stop().await.expect("demo stops");
}

#[tokio::test]
async fn demo_requester_details_show_levels() {
    let demo = start_demo(Duration::from_secs(30)).await;

    for (name, level) in [(LEVEL_3_REQUESTER, 3), (LEVEL_1_REQUESTER, 1)] {
        let url = format!("{}/zosConnect/apiRequesters/{name}", demo.base_url());
        let details = body_json(get(&url).await).await;
        assert_eq!(
            details["endpoint"]["tokenRetryCheckLevel"], level,
            "{details}"
        );
    }
    demo.stop().await.expect("demo stops");
}

#[tokio::test]
async fn demo_configuration_has_no_diagnostics() {
    let demo = start_demo(Duration::from_secs(30)).await;

    let response = get(&call(&demo, DemoCallKind::ConfigStatus).url).await;

    assert_eq!(response.status(), 200);
    let status = body_json(response).await;
    assert_eq!(status["diagnostics"], serde_json::json!([]), "{status}");
    assert_eq!(
        status["sources"][0]["path"],
        demo.server_xml_path().display().to_string()
    );
    demo.stop().await.expect("demo stops");
}

#[tokio::test]
async fn demo_instructions_list_every_call() {
    let demo = start_demo(Duration::from_secs(30)).await;

    let text = demo.instructions();

    for call in demo.calls() {
        assert!(text.contains(&call.curl), "missing {}", call.curl);
        assert!(
            text.contains(&call.expectation),
            "missing {}",
            call.expectation
        );
    }
    assert!(text.contains(&demo.server_xml_path().display().to_string()));
    assert!(text.contains("requireAuth=\"false\""));
    assert!(text.contains(&format!("zconnect listens on {}", demo.base_url())));
    demo.stop().await.expect("demo stops");
}

#[tokio::test]
async fn demo_stop_deletes_server_directory() {
    let demo = start_demo(Duration::from_secs(30)).await;
    let config = demo.server_xml_path();
    assert!(
        config.is_file(),
        "server.xml is written while the demo runs"
    );

    demo.stop().await.expect("demo stops");

    assert!(!config.exists());
    assert!(config.parent().is_some_and(|dir| !dir.exists()));
}

#[tokio::test]
async fn demo_stop_closes_listener() {
    let demo = start_demo(Duration::from_secs(30)).await;
    let addr = demo.addr();

    demo.stop().await.expect("demo stops");

    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn demo_port_in_use_is_reported() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a port");
    let port = busy.local_addr().expect("local address").port();

    let result = demo::start(DemoOptions {
        port,
        token_lifetime: Duration::from_secs(30),
    })
    .await;

    assert!(
        matches!(result, Err(DemoError::PortInUse(reported)) if reported == port),
        "{result:?}"
    );
}

#[tokio::test]
async fn demo_fractional_token_lifetime_is_rejected() {
    let result = demo::start(DemoOptions {
        port: 0,
        token_lifetime: Duration::from_millis(500),
    })
    .await;

    assert!(
        matches!(result, Err(DemoError::InvalidTokenLifetime(_))),
        "{result:?}"
    );
}
