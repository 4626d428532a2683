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
