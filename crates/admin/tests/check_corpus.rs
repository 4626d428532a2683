//! `zconnect check` on the real-world server.xml files of the shared corpus.
//! The only error allowed is the `sslCertsRef` to `OutboundSSLSettings` that
//! `oauth-requester.xml` does not define (it is a fragment meant to be
//! included); the elements that depend on it are warnings, and a missing
//! archive folder is an info. The corpus lives beside the repository and is
//! absent in a user's clone, where each test prints why it skips.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

fn corpus_folder() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
}

/// Returns the corpus file, or `None` after printing why the test skips.
fn corpus_file(name: &str) -> Option<PathBuf> {
    let path = corpus_folder().join(name);
    if path.is_file() {
        return Some(path);
    }
    println!("skipped: corpus file {} not found", path.display());
    None
}

/// Runs `zconnect check --format json` and returns the exit code and the
/// diagnostics.
fn check(path: &Path) -> (Option<i32>, Vec<Value>) {
    let output = Command::new(env!("CARGO_BIN_EXE_zconnect"))
        .args(["check", "--format", "json"])
        .arg(path)
        .stdin(Stdio::null())
        .output()
        .expect("zconnect runs");
    let object: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "check prints JSON ({error}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    });
    let diagnostics = object["diagnostics"]
        .as_array()
        .cloned()
        .expect("diagnostics array");
    (output.status.code(), diagnostics)
}

fn with_severity<'d>(diagnostics: &'d [Value], severity: &str) -> Vec<&'d Value> {
    diagnostics
        .iter()
        .filter(|diagnostic| diagnostic["severity"] == severity)
        .collect()
}

/// Returns the 1-based line of the first line of `path` that contains `text`.
fn line_of(path: &Path, text: &str) -> u64 {
    let content = std::fs::read_to_string(path).expect("read corpus file");
    let index = content
        .lines()
        .position(|line| line.contains(text))
        .expect("text in corpus file");
    u64::try_from(index + 1).expect("line number")
}

#[test]
fn oauth_requester_has_one_error_at_ssl_reference() {
    let Some(path) = corpus_file("oauth-requester.xml") else {
        return;
    };
    let (code, diagnostics) = check(&path);

    let errors = with_severity(&diagnostics, "error");
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let error = errors[0];
    assert_eq!(error["id"], "ZCN0033E");
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|message| message.contains("OutboundSSLSettings")),
        "{error}"
    );
    assert_eq!(
        error["line"],
        line_of(&path, "sslCertsRef=\"OutboundSSLSettings\"")
    );
    assert_eq!(code, Some(1), "an error makes check exit 1");
}

#[test]
fn oauth_requester_dependents_are_warnings() {
    let Some(path) = corpus_file("oauth-requester.xml") else {
        return;
    };
    let (_, diagnostics) = check(&path);

    let dependents: Vec<&Value> = diagnostics
        .iter()
        .filter(|diagnostic| diagnostic["id"] == "ZCN8102W")
        .collect();
    let elements: Vec<&str> = dependents
        .iter()
        .filter_map(|diagnostic| diagnostic["element"].as_str())
        .collect();
    assert!(
        elements.contains(&"zosconnect_oAuthConfig[myoAuthConfig]"),
        "{elements:?}"
    );
    assert!(
        elements.contains(&"zosconnect_endpointConnection[cscvincAPI]"),
        "{elements:?}"
    );
    for diagnostic in dependents {
        assert_eq!(diagnostic["severity"], "warning", "{diagnostic}");
    }
}

#[test]
fn missing_archive_folder_is_info() {
    let Some(path) = corpus_file("oauth-requester.xml") else {
        return;
    };
    let (_, diagnostics) = check(&path);

    let folder = diagnostics
        .iter()
        .find(|diagnostic| diagnostic["id"] == "ZCN8133I")
        .expect("the missing archive folder is reported");
    assert_eq!(folder["severity"], "info");
}

#[test]
fn every_corpus_server_xml_checks_without_other_errors() {
    let folder = corpus_folder();
    let Ok(entries) = std::fs::read_dir(&folder) else {
        println!("skipped: corpus folder {} not found", folder.display());
        return;
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "xml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no server.xml in {}", folder.display());

    for path in files {
        let (code, diagnostics) = check(&path);
        let unexpected: Vec<&Value> = with_severity(&diagnostics, "error")
            .into_iter()
            .filter(|error| {
                !error["message"]
                    .as_str()
                    .is_some_and(|message| message.contains("OutboundSSLSettings"))
            })
            .collect();
        assert!(unexpected.is_empty(), "{}: {unexpected:#?}", path.display());
        let expected_code = if with_severity(&diagnostics, "error").is_empty() {
            0
        } else {
            1
        };
        assert_eq!(code, Some(expected_code), "{}", path.display());
    }
}
