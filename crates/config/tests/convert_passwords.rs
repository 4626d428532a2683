//! Passwords zconnect cannot decode: `{aes}`, and `{hash}` where the password
//! is sent. The element is left out either way; the problem is an error only
//! when the element is in use, so that a server.xml Liberty accepts still
//! loads without errors.

mod convert_support;

use convert_support::{load_body, with_id};
use zconnect_config::model::ElementKey;
use zconnect_config::Severity;

const UNDECODABLE_IN_USE: &str = "ZCN8104E";
const UNDECODABLE_UNUSED: &str = "ZCN8105W";

fn key(kind: &str, id: &str) -> ElementKey {
    ElementKey {
        kind: kind.to_owned(),
        id: Some(id.to_owned()),
    }
}

#[test]
fn unreferenced_aes_auth_data_warns() {
    let loaded = load_body(r#"<zosconnect_authData id="spare" user="u" password="{aes}AAAA"/>"#);

    let warnings = with_id(&loaded.diagnostics, UNDECODABLE_UNUSED);
    assert_eq!(warnings.len(), 1, "{:#?}", loaded.diagnostics);
    assert!(
        warnings[0].message.contains("{aes}"),
        "{}",
        warnings[0].message
    );
    assert_eq!(warnings[0].attribute.as_deref(), Some("password"));
    assert!(with_id(&loaded.diagnostics, UNDECODABLE_IN_USE).is_empty());
    assert!(!loaded.has_errors(), "{:#?}", loaded.diagnostics);
    assert!(!loaded.config.auth_data.contains_key("spare"), "left out");
    assert!(loaded
        .config
        .invalid_elements
        .contains(&key("zosconnect_authData", "spare")));
}

#[test]
fn unreferenced_hash_auth_data_warns() {
    let loaded = load_body(r#"<zosconnect_authData id="spare" user="u" password="{hash}AAAA"/>"#);

    let warnings = with_id(&loaded.diagnostics, UNDECODABLE_UNUSED);
    assert_eq!(warnings.len(), 1, "{:#?}", loaded.diagnostics);
    assert!(
        warnings[0].message.contains("{hash}"),
        "{}",
        warnings[0].message
    );
    assert!(!loaded.has_errors(), "{:#?}", loaded.diagnostics);
    assert!(!loaded.config.auth_data.contains_key("spare"));
}

#[test]
fn referenced_aes_auth_data_is_error() {
    let loaded = load_body(
        r#"<zosconnect_endpointConnection id="e" host="http://127.0.0.1" port="80" basicAuthRef="creds"/>
           <zosconnect_authData id="creds" user="u" password="{aes}AAAA"/>"#,
    );

    let errors = with_id(&loaded.diagnostics, UNDECODABLE_IN_USE);
    assert_eq!(errors.len(), 1, "{:#?}", loaded.diagnostics);
    assert_eq!(errors[0].severity(), Severity::Error);
    assert_eq!(
        errors[0].element.as_deref(),
        Some("zosconnect_authData[creds]")
    );
    assert!(errors[0].message.contains("{aes}"), "{}", errors[0].message);
    assert!(with_id(&loaded.diagnostics, UNDECODABLE_UNUSED).is_empty());
    assert!(!loaded.config.auth_data.contains_key("creds"));
    assert!(
        !loaded.config.endpoint_connections.contains_key("e"),
        "the endpoint that needs it is left out too"
    );
    assert_eq!(with_id(&loaded.diagnostics, "ZCN8102W").len(), 1);
}

#[test]
fn referenced_hash_auth_data_is_error() {
    let loaded = load_body(
        r#"<zosconnect_authorizationServer id="as" tokenEndpoint="https://127.0.0.1/token" basicAuthRef="client"/>
           <zosconnect_authData id="client" user="u" password="{hash}AAAA"/>"#,
    );

    let errors = with_id(&loaded.diagnostics, UNDECODABLE_IN_USE);
    assert_eq!(errors.len(), 1, "{:#?}", loaded.diagnostics);
    assert!(
        errors[0].message.contains("{hash}"),
        "{}",
        errors[0].message
    );
    assert!(!loaded.config.authorization_servers.contains_key("as"));
}

#[test]
fn unreferenced_aes_key_store_warns() {
    let loaded = load_body(r#"<keyStore id="spare" location="spare.p12" password="{aes}AAAA"/>"#);

    assert_eq!(
        with_id(&loaded.diagnostics, UNDECODABLE_UNUSED).len(),
        1,
        "{:#?}",
        loaded.diagnostics
    );
    assert!(!loaded.has_errors(), "{:#?}", loaded.diagnostics);
    assert!(!loaded.config.key_stores.contains_key("spare"));
}

#[test]
fn referenced_aes_key_store_is_error() {
    let loaded = load_body(
        r#"<ssl id="s" trustStoreRef="trust"/>
           <keyStore id="trust" location="trust.p12" password="{aes}AAAA"/>"#,
    );

    let errors = with_id(&loaded.diagnostics, UNDECODABLE_IN_USE);
    assert_eq!(errors.len(), 1, "{:#?}", loaded.diagnostics);
    assert_eq!(errors[0].element.as_deref(), Some("keyStore[trust]"));
    assert!(!loaded.config.ssl.contains_key("s"));
}

#[test]
fn registry_user_aes_is_error() {
    // Nothing references a basicRegistry: zconnect checks callers against
    // it, so it is always in use.
    let loaded = load_body(
        r#"<basicRegistry id="b">
             <user name="alice" password="alicepw"/>
             <user name="bob" password="{aes}AAAA"/>
           </basicRegistry>"#,
    );

    let errors = with_id(&loaded.diagnostics, UNDECODABLE_IN_USE);
    assert_eq!(errors.len(), 1, "{:#?}", loaded.diagnostics);
    assert_eq!(
        errors[0].element.as_deref(),
        Some("basicRegistry[b]/user[bob]")
    );
    let users: Vec<&str> = loaded.config.basic_registries["b"]
        .users
        .iter()
        .map(|user| user.name.as_str())
        .collect();
    assert_eq!(users, ["alice"]);
}

#[test]
fn broken_xor_stays_error_when_unreferenced() {
    let loaded = load_body(r#"<zosconnect_authData id="spare" user="u" password="{xor}!!"/>"#);

    assert_eq!(
        with_id(&loaded.diagnostics, UNDECODABLE_IN_USE).len(),
        1,
        "{:#?}",
        loaded.diagnostics
    );
    assert!(with_id(&loaded.diagnostics, UNDECODABLE_UNUSED).is_empty());
}
