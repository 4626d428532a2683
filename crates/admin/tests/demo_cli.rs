//! The `zconnect demo` binary end to end: it prints its curl commands, the
//! printed calls work, and SIGINT stops it with exit status 0.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// Maximum wait for the demo to print its instructions or to exit.
const WAIT: Duration = Duration::from_secs(20);

/// The demo process; killed when a test fails before it exits.
struct DemoProcess {
    child: Child,
    stdout: mpsc::Receiver<String>,
    stderr: Option<thread::JoinHandle<String>>,
}

impl DemoProcess {
    fn spawn(args: &[&str]) -> DemoProcess {
        let mut child = Command::new(env!("CARGO_BIN_EXE_zconnect"))
            .arg("demo")
            .args(args)
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start zconnect demo");

        // Lines arrive on a channel so that the test can stop waiting.
        let (sender, stdout) = mpsc::channel();
        let out = child.stdout.take().expect("piped stdout");
        thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });

        // Drained so that log output can never fill the pipe and block the demo.
        let mut err = child.stderr.take().expect("piped stderr");
        let stderr = thread::spawn(move || {
            let mut text = String::new();
            let _ = err.read_to_string(&mut text);
            text
        });

        DemoProcess {
            child,
            stdout,
            stderr: Some(stderr),
        }
    }

    /// Reads standard output up to and including the line that starts with
    /// `last`, or panics after [`WAIT`].
    fn read_until(&self, last: &str) -> Vec<String> {
        let deadline = Instant::now() + WAIT;
        let mut lines = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.stdout.recv_timeout(left) {
                Ok(line) => {
                    let done = line.starts_with(last);
                    lines.push(line);
                    if done {
                        return lines;
                    }
                }
                Err(error) => panic!(
                    "no line starting with {last:?} ({error}); output so far:\n{}",
                    lines.join("\n")
                ),
            }
        }
    }

    fn send_signal(&self, signal: &str) {
        let status = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{signal} failed");
    }

    /// Waits for the process to exit, or panics after [`WAIT`].
    fn wait(&mut self) -> ExitStatus {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().expect("poll the demo process") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the demo did not exit within {WAIT:?}"
            );
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Returns everything written to standard error; call after the process exited.
    fn stderr(&mut self) -> String {
        self.stderr
            .take()
            .map(|handle| handle.join().unwrap_or_default())
            .unwrap_or_default()
    }
}

impl Drop for DemoProcess {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Returns the URL of a printed curl command.
fn curl_url(line: &str) -> &str {
    line.split_whitespace()
        .find(|word| word.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in {line:?}"))
}

fn return_code(response: &reqwest::Response) -> Option<&str> {
    response
        .headers()
        .get("BAQ-Return-Code")
        .and_then(|value| value.to_str().ok())
}

#[tokio::test]
async fn demo_binary_serves_calls_and_stops_on_sigint() {
    let mut demo = DemoProcess::spawn(&["--port", "0", "--token-lifetime", "30s"]);
    let printed = demo.read_until("Press Ctrl-C to stop.");

    let base = printed
        .iter()
        .find_map(|line| line.strip_prefix("zconnect listens on "))
        .expect("a line with the zconnect address");
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    let config_dir = printed
        .iter()
        .find_map(|line| line.strip_prefix("Configuration: "))
        .and_then(|path| Path::new(path).parent().map(Path::to_path_buf))
        .expect("a line with the server.xml path");
    let curls: Vec<&String> = printed
        .iter()
        .filter(|line| line.starts_with("curl "))
        .collect();
    assert_eq!(curls.len(), 8, "printed curl commands:\n{curls:#?}");
    assert!(curls.iter().all(|line| curl_url(line).starts_with(base)));

    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("HTTP client");
    let sample = http
        .get(curl_url(curls[0]))
        .send()
        .await
        .expect("sample call");
    assert_eq!(sample.status(), 200);
    assert_eq!(return_code(&sample), Some("0"));
    let no_challenge = curls
        .iter()
        .find(|line| line.contains("claims_level3/demo/reject/no-challenge"))
        .expect("the level 3 no-challenge call");
    let rejected = http
        .get(curl_url(no_challenge))
        .send()
        .await
        .expect("no-challenge call");
    assert_eq!(rejected.status(), 401);
    assert_eq!(return_code(&rejected), Some("1"));

    demo.send_signal("INT");
    let status = demo.wait();

    let stderr = demo.stderr();
    assert_eq!(status.code(), Some(0), "stderr:\n{stderr}");
    assert!(
        stderr.contains("ZCN8531I"),
        "the no-retry decision is logged:\n{stderr}"
    );
    assert!(!config_dir.exists(), "{} is deleted", config_dir.display());
}

#[tokio::test]
async fn demo_binary_stops_on_sigterm() {
    let mut demo = DemoProcess::spawn(&["--port", "0"]);
    demo.read_until("Press Ctrl-C to stop.");

    demo.send_signal("TERM");
    let status = demo.wait();

    assert_eq!(status.code(), Some(0), "stderr:\n{}", demo.stderr());
}

#[test]
fn demo_binary_reports_busy_port() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a port");
    let port = busy.local_addr().expect("local address").port().to_string();
    let mut demo = DemoProcess::spawn(&["--port", &port]);

    let status = demo.wait();

    let stderr = demo.stderr();
    assert_eq!(status.code(), Some(1), "stderr:\n{stderr}");
    assert!(stderr.contains("already in use"), "{stderr}");
    assert!(stderr.contains("--port"), "{stderr}");
}

#[test]
fn demo_binary_rejects_fractional_lifetime() {
    let mut demo = DemoProcess::spawn(&["--port", "0", "--token-lifetime", "1500ms"]);

    let status = demo.wait();

    let stderr = demo.stderr();
    assert_eq!(status.code(), Some(1), "stderr:\n{stderr}");
    assert!(stderr.contains("invalid token lifetime"), "{stderr}");
}
