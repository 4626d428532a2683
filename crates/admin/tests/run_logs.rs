//! `zconnect run` as an operator sees it: its log lines on stderr when it is
//! not a terminal (a pipe, a file, a container log), and how it stops.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

/// Longest wait for one expected log line.
const LINE_WAIT: Duration = Duration::from_secs(20);
/// Longest wait for the process to exit after SIGTERM.
const EXIT_WAIT: Duration = Duration::from_secs(20);

const VALID: &str = r#"<server>
  <config monitorInterval="50ms"/>
  <httpEndpoint id="defaultHttpEndpoint" host="127.0.0.1" httpPort="0"/>
</server>
"#;

/// A running `zconnect run` whose stderr lines arrive on a channel.
struct Running {
    child: Child,
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl Running {
    fn start(dir: &std::path::Path) -> Running {
        let mut child = Command::new(env!("CARGO_BIN_EXE_zconnect"))
            .arg("run")
            .arg(dir)
            .env_remove("RUST_LOG")
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn zconnect run");
        let stderr = child.stderr.take().expect("stderr");
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Running {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits for a line that contains `text`; fails after [`LINE_WAIT`].
    fn wait_for(&mut self, text: &str) {
        let deadline = Instant::now() + LINE_WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    let found = line.contains(text);
                    self.seen.push(line);
                    if found {
                        return;
                    }
                }
                Err(_) => panic!("no line with {text}; lines: {:#?}", self.seen),
            }
        }
    }

    /// Stops the server with SIGTERM and returns every line it wrote; fails
    /// when it has not exited with 0 within [`EXIT_WAIT`].
    fn stop(mut self) -> Vec<String> {
        let killed = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status()
            .expect("send SIGTERM");
        assert!(killed.success());

        let deadline = Instant::now() + EXIT_WAIT;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait for zconnect") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!("zconnect did not stop within {EXIT_WAIT:?} of SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        assert_eq!(status.code(), Some(0), "exit code after SIGTERM");

        let rest: Vec<String> = self.lines.try_iter().collect();
        self.seen.extend(rest);
        std::mem::take(&mut self.seen)
    }
}

impl Drop for Running {
    /// Kills a server that a failed test left running.
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

#[test]
fn rejected_reload_logs_one_error() {
    let dir = tempfile::tempdir().expect("server directory");
    std::fs::write(dir.path().join("server.xml"), VALID).expect("write server.xml");
    let mut server = Running::start(dir.path());
    server.wait_for("ZCN8705I");

    std::fs::write(
        dir.path().join("server.xml"),
        VALID.replace(
            "</server>",
            "<include location=\"missing.xml\"/>\n</server>",
        ),
    )
    .expect("write server.xml");
    server.wait_for("ZCN8701E");
    let lines = server.stop();

    let errors: Vec<&String> = lines.iter().filter(|line| line.contains("ERROR")).collect();
    assert_eq!(errors.len(), 1, "one error line: {errors:#?}");
    assert!(
        errors[0].contains("ZCN8701E"),
        "the line has the result: {}",
        errors[0]
    );
    assert!(
        errors[0].contains("server.xml:"),
        "the line has the position: {}",
        errors[0]
    );
}

#[test]
fn piped_logs_have_no_colours() {
    let dir = tempfile::tempdir().expect("server directory");
    std::fs::write(dir.path().join("server.xml"), VALID).expect("write server.xml");
    let mut server = Running::start(dir.path());
    server.wait_for("ZCN8705I");

    let lines = server.stop();

    let coloured: Vec<&String> = lines
        .iter()
        .filter(|line| line.contains('\u{1b}'))
        .collect();
    assert!(
        coloured.is_empty(),
        "lines with escape codes: {coloured:#?}"
    );
}

#[test]
fn fifo_server_xml_still_stops_on_sigterm() {
    let dir = tempfile::tempdir().expect("server directory");
    std::fs::write(dir.path().join("server.xml"), VALID).expect("write server.xml");
    let mut server = Running::start(dir.path());
    server.wait_for("ZCN8705I");

    std::fs::remove_file(dir.path().join("server.xml")).expect("remove server.xml");
    let made = Command::new("mkfifo")
        .arg(dir.path().join("server.xml"))
        .status()
        .expect("run mkfifo");
    assert!(made.success(), "mkfifo failed");
    server.wait_for("ZCN8701E");

    server.stop();
}
