//! The `zconnect` binary's commands and exit codes.

use std::io::Write;
use std::process::{Command, Stdio};

fn zconnect() -> Command {
    Command::new(env!("CARGO_BIN_EXE_zconnect"))
}

fn server_dir(server_xml: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("server directory");
    std::fs::write(dir.path().join("server.xml"), server_xml).expect("write server.xml");
    dir
}

const VALID: &str = r#"<server>
  <httpEndpoint id="defaultHttpEndpoint" host="127.0.0.1" httpPort="0"/>
</server>
"#;

const WITH_ERROR: &str = r#"<server>
  <zosconnect_oAuthConfig id="o" grantType="client_credentials" authServerRef="missing"/>
</server>
"#;

#[test]
fn check_valid_configuration_exits_0() {
    let dir = server_dir(VALID);
    let output = zconnect()
        .arg("check")
        .arg(dir.path())
        .output()
        .expect("run");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
}

#[test]
fn check_configuration_with_error_exits_1() {
    let dir = server_dir(WITH_ERROR);
    let output = zconnect()
        .arg("check")
        .arg(dir.path())
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("server.xml:2:"),
        "diagnostic with file and line: {text}"
    );
}

#[test]
fn check_missing_file_exits_2() {
    let dir = tempfile::tempdir().expect("empty directory");
    let output = zconnect()
        .arg("check")
        .arg(dir.path().join("server.xml"))
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn check_json_has_fixed_fields() {
    let dir = server_dir(WITH_ERROR);
    let output = zconnect()
        .args(["check", "--format", "json"])
        .arg(dir.path())
        .output()
        .expect("run");
    let object: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON output");
    assert!(object["diagnostics"].is_array(), "{object}");
    assert!(object["sources"].is_array(), "{object}");
    assert!(object["config"]["elements"].is_array(), "{object}");
    let first = &object["diagnostics"][0];
    for field in ["id", "severity", "message", "file", "line", "column"] {
        assert!(
            first.get(field).is_some(),
            "diagnostic field {field}: {first}"
        );
    }
}

#[test]
fn encode_argument_prints_xor() {
    let output = zconnect()
        .args(["encode", "viewer-pw"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        "{xor}KTY6KDotci8o"
    );
}

#[test]
fn encode_reads_standard_input() {
    let mut child = zconnect()
        .arg("encode")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"viewer-pw\n")
        .expect("write password");
    let output = child.wait_with_output().expect("wait");
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        "{xor}KTY6KDotci8o"
    );
}

#[test]
fn encode_with_empty_standard_input_exits_2() {
    let output = zconnect()
        .arg("encode")
        .stdin(Stdio::null())
        .output()
        .expect("run encode");

    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty(), "nothing is printed as a result");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no password given"), "{stderr}");
}

#[test]
fn run_with_unreadable_configuration_exits_1() {
    let dir = tempfile::tempdir().expect("empty directory");
    let output = zconnect()
        .arg("run")
        .arg(dir.path().join("server.xml"))
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("did not start"), "{stderr}");
}

#[test]
fn run_help_names_units() {
    let output = zconnect().args(["run", "--help"]).output().expect("run");
    let help = String::from_utf8_lossy(&output.stdout);
    for expected in [
        "--max-request-body",
        "bytes",
        "--reload-quiet-period",
        "25ms",
        "--shutdown-timeout",
        "30s",
        "--token-cache-size",
        "entries",
    ] {
        assert!(help.contains(expected), "help mentions {expected}: {help}");
    }
}

#[test]
fn run_stops_on_sigterm_with_exit_0() {
    use std::io::{BufRead, BufReader};

    let dir = server_dir(VALID);
    let mut child = zconnect()
        .arg("run")
        .arg(dir.path())
        .env_remove("RUST_LOG")
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let listening = lines
        .by_ref()
        .take(50)
        .map_while(Result::ok)
        .any(|line| line.contains("ZCN8705I"));
    assert!(listening, "the server logged that it listens");

    let killed = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .expect("send SIGTERM");
    assert!(killed.success());
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(0));
}
