//! Loads the real-world server.xml files of the shared corpus and pins their
//! diagnostics. The corpus lives beside the repository and is absent in a
//! user's clone, so each test skips with a message when it is missing.

use std::path::{Path, PathBuf};

use zconnect_config::{load, Diagnostic, LoadOptions, Severity};

fn corpus_file(name: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus")
        .join(name);
    if path.is_file() {
        Some(path)
    } else {
        println!("skipped: corpus file {} not found", path.display());
        None
    }
}

/// Loads a corpus file from a copy in a temporary server directory, so the
/// diagnostics name `server.xml` and no folder beside the corpus is read.
fn load_copy(name: &str) -> Option<(tempfile::TempDir, Vec<Diagnostic>)> {
    let source = corpus_file(name)?;
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::copy(&source, dir.path().join("server.xml")).expect("copy corpus file");
    let loaded = load(dir.path(), &LoadOptions::default()).expect("corpus file loads");
    Some((dir, loaded.diagnostics))
}

fn lines(diagnostics: &[Diagnostic], dir: &Path) -> Vec<String> {
    diagnostics
        .iter()
        .map(|diagnostic| {
            let position = diagnostic
                .location
                .as_ref()
                .map(|location| {
                    let file = location.file.strip_prefix(dir).unwrap_or(&location.file);
                    format!("{}:{}:{}", file.display(), location.line, location.column)
                })
                .unwrap_or_else(|| "-".to_owned());
            format!(
                "{position} {} {}",
                diagnostic.id(),
                diagnostic
                    .message
                    .replace(&dir.display().to_string(), "$SERVER")
            )
        })
        .collect()
}

#[test]
fn corpus_oauth_requester_diagnostics() {
    let Some((dir, diagnostics)) = load_copy("oauth-requester.xml") else {
        return;
    };
    insta::assert_snapshot!(lines(&diagnostics, dir.path()).join("\n"));
}

#[test]
fn corpus_oauth_requester_one_error_at_ssl_reference() {
    let Some((_dir, diagnostics)) = load_copy("oauth-requester.xml") else {
        return;
    };
    let errors: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.severity() == Severity::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let error = errors[0];
    assert_eq!(error.id(), "ZCN0033E");
    assert_eq!(error.attribute.as_deref(), Some("sslCertsRef"));
    assert!(
        error.message.contains("OutboundSSLSettings"),
        "{}",
        error.message
    );

    let dependents: Vec<&str> = diagnostics
        .iter()
        .filter(|d| d.id() == "ZCN8102W")
        .filter_map(|d| d.element.as_deref())
        .collect();
    assert_eq!(
        dependents,
        [
            "zosconnect_endpointConnection[cscvincAPI]",
            "zosconnect_oAuthConfig[myoAuthConfig]"
        ]
    );
}

#[test]
fn corpus_oas3_requester_diagnostics() {
    let Some((dir, diagnostics)) = load_copy("oas3-requester-server.xml") else {
        return;
    };
    insta::assert_snapshot!(lines(&diagnostics, dir.path()).join("\n"));
}
