//! Key stores in use must name a readable regular file; one not in use is
//! not checked.

mod convert_support;

use convert_support::{server, try_load_with, with_id};
use zconnect_config::{Diagnostic, LoadOptions};

fn diagnostics_for(body: &str) -> Vec<Diagnostic> {
    let xml = server(&format!("<config onError=\"WARN\"/>{body}"));
    match try_load_with(&xml, &LoadOptions::default()) {
        Ok(loaded) => loaded.diagnostics,
        Err(failure) => failure.diagnostics,
    }
}

const STORE: &str = "<ssl id=\"s\" trustStoreRef=\"k\"/>\
    <keyStore id=\"k\" location=\"missing/trust.pem\" type=\"PEM\"/>";

#[test]
fn key_store_in_use_that_does_not_exist_is_an_error() {
    let diagnostics = diagnostics_for(&format!(
        "<zosconnect_endpointConnection id=\"e\" host=\"https://127.0.0.1\" port=\"8443\" \
         sslCertsRef=\"s\"/>{STORE}"
    ));

    let errors = with_id(&diagnostics, "ZCN8135E");
    assert_eq!(errors.len(), 1, "{diagnostics:#?}");
    assert!(
        errors[0].message.contains("missing/trust.pem"),
        "{}",
        errors[0].message
    );
    assert!(
        errors[0].message.contains("does not exist"),
        "{}",
        errors[0].message
    );
}

#[test]
fn key_store_not_in_use_is_not_checked() {
    let diagnostics = diagnostics_for(STORE);
    assert!(
        with_id(&diagnostics, "ZCN8135E").is_empty(),
        "{diagnostics:#?}"
    );
}
