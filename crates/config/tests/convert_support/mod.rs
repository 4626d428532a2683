//! Loads server.xml text from a temporary server directory.

#![allow(dead_code)]

use zconnect_config::{load, Diagnostic, LoadFailure, LoadOptions, Loaded};

pub const FEATURES: &str =
    "<featureManager><feature>zosconnect:apiRequester-1.0</feature></featureManager>";

/// Wraps elements in `<server>` with the requester feature listed.
pub fn server(body: &str) -> String {
    format!("<server>\n{FEATURES}\n{body}\n</server>\n")
}

pub fn try_load_with(xml: &str, options: &LoadOptions) -> Result<Loaded, LoadFailure> {
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::write(dir.path().join("server.xml"), xml).expect("write server.xml");
    load(dir.path(), options)
}

pub fn load_xml(xml: &str) -> Loaded {
    try_load_with(xml, &LoadOptions::default())
        .unwrap_or_else(|failure| panic!("load failed: {:#?}", failure.diagnostics))
}

/// Loads elements wrapped by [`server`].
pub fn load_body(body: &str) -> Loaded {
    load_xml(&server(body))
}

pub fn ids(diagnostics: &[Diagnostic]) -> Vec<&'static str> {
    diagnostics.iter().map(Diagnostic::id).collect()
}

/// The diagnostics with this id.
pub fn with_id<'a>(diagnostics: &'a [Diagnostic], id: &str) -> Vec<&'a Diagnostic> {
    diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.id() == id)
        .collect()
}
