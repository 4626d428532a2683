//! `zosconnect_apiRequesters` settings when the element is not written: the
//! model carries the schema defaults, not empty values.

mod convert_support;

use std::time::Duration;

use convert_support::load_body;

#[test]
fn api_requesters_without_element_use_the_default_folder() {
    let loaded = load_body("");
    let expected = loaded
        .config
        .server_dir
        .join("resources/zosconnect/apiRequesters");
    assert_eq!(loaded.config.api_requesters.location, expected);
    assert!(loaded.config.api_requesters.location.is_absolute());
}

#[test]
fn api_requesters_without_element_poll_every_five_seconds() {
    let loaded = load_body("");
    assert_eq!(
        loaded.config.api_requesters.polling_rate,
        Duration::from_secs(5)
    );
}

#[test]
fn auth_token_without_token_response_says_the_element_is_missing() {
    let loaded = convert_support::try_load_with(
        &convert_support::server(
            "<config onError=\"WARN\"/>\
             <zosconnect_authorizationServer id=\"as\" tokenEndpoint=\"http://127.0.0.1:1/t\"/>\
             <zosconnect_authToken id=\"t\" authServerRef=\"as\">\
             <tokenRequest credentialLocation=\"header\" header=\"X-Cred\"/></zosconnect_authToken>",
        ),
        &zconnect_config::LoadOptions::default(),
    );
    let diagnostics = match loaded {
        Ok(loaded) => loaded.diagnostics,
        Err(failure) => failure.diagnostics,
    };
    let errors = convert_support::with_id(&diagnostics, "ZCN1005E");
    assert_eq!(errors.len(), 1, "{diagnostics:#?}");
    assert!(
        errors[0].message.contains("has no <tokenResponse> element"),
        "{}",
        errors[0].message
    );
    assert!(
        !errors[0].message.contains("is missing the attribute"),
        "{}",
        errors[0].message
    );
}
