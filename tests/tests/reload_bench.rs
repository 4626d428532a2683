//! Reload under load, as a benchmark: 1,000 saves of `server.xml` at 10 per
//! second while a client sends API requester calls to the sandbox. It counts
//! failed calls and measures the time from the end of each file write to the
//! new generation being visible at `GET /zosConnect/config/status`, with the
//! default quiet period of `zconnect run`.
//!
//! Ignored by default because it runs for about 100 seconds:
//! `cargo test --release -p zconnect-tests --test reload_bench -- --ignored --nocapture`.
//! `ZCONNECT_BENCH_RELOADS` sets another number of saves.

mod common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{oauth_requester_named, server_xml, TestServer};
use zconnect_admin::options::DEFAULT_RELOAD_QUIET_PERIOD;
use zconnect_sandbox::Sandbox;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: about 100 seconds"]
async fn reload_under_load_benchmark() {
    let reloads: usize = std::env::var("ZCONNECT_BENCH_RELOADS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(1000);
    let sandbox = Sandbox::start().await.expect("sandbox");
    // Each save renames one extra requester, so every save is a real change
    // and the called requester stays the same.
    let content = |index: usize| {
        server_xml(&format!(
            "{}\n  <zosconnect_apiRequesters><apiRequester name=\"bench_{index}\" connectionRef=\"conn\"/></zosconnect_apiRequesters>",
            oauth_requester_named("pets_1.0.0", "conn", &sandbox, 3)
        ))
    };
    // The default quiet period, as `zconnect run` uses it.
    let server = TestServer::start_with(&content(0), |options| {
        options.reload_quiet_period = DEFAULT_RELOAD_QUIET_PERIOD;
    })
    .await;
    let url = server.url("/apiRequesters/pets_1.0.0/pets");

    let running = Arc::new(AtomicBool::new(true));
    let sent = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let client = {
        let (running, sent, failed) = (running.clone(), sent.clone(), failed.clone());
        let http = server.http.clone();
        tokio::spawn(async move {
            while running.load(Ordering::Relaxed) {
                sent.fetch_add(1, Ordering::Relaxed);
                let ok =
                    matches!(http.get(&url).send().await, Ok(response) if response.status() == 200);
                if !ok {
                    failed.fetch_add(1, Ordering::Relaxed);
                }
            }
        })
    };

    let mut latencies = Vec::with_capacity(reloads);
    let started = Instant::now();
    for index in 1..=reloads {
        let due = started + Duration::from_millis(100 * index as u64);
        tokio::time::sleep_until(due.into()).await;

        let path = server.path("server.xml");
        let text = content(index);
        tokio::task::spawn_blocking(move || std::fs::write(path, text))
            .await
            .expect("write task")
            .expect("write server.xml");
        let written = Instant::now();

        let generation = index as u64 + 1;
        loop {
            if server.generation().await >= generation {
                break;
            }
            assert!(
                written.elapsed() < Duration::from_secs(10),
                "reload {index} not visible after 10 s"
            );
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        latencies.push(written.elapsed());
    }

    running.store(false, Ordering::Relaxed);
    client.await.expect("client task");
    latencies.sort();
    let percentile = |p: f64| {
        let rank = ((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len());
        latencies[rank - 1].as_secs_f64() * 1000.0
    };

    println!("reloads: {reloads}");
    println!("calls sent: {}", sent.load(Ordering::Relaxed));
    println!("calls failed: {}", failed.load(Ordering::Relaxed));
    println!("reload latency median: {:.1} ms", percentile(0.5));
    println!("reload latency p99: {:.1} ms", percentile(0.99));
    println!(
        "reload latency max: {:.1} ms",
        latencies
            .last()
            .map(|d| d.as_secs_f64() * 1000.0)
            .unwrap_or_default()
    );
    assert_eq!(
        failed.load(Ordering::Relaxed),
        0,
        "no call failed during reloads"
    );
    server.stop().await;
}
