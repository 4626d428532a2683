//! Conversion rules of single element kinds and of references, through the
//! whole load.

mod convert_support;

use std::time::Duration;

use convert_support::{ids, load_body, load_xml, server, try_load_with, with_id};
use zconnect_config::model::{
    Authentication, IdAssertion, OnError, RequesterSource, RetryCheckLevel, Scheme, UserPassword,
};
use zconnect_config::{LoadOptions, Severity};

const AUTH_SERVER: &str =
    r#"<zosconnect_authorizationServer id="as" tokenEndpoint="https://127.0.0.1:8443/token"/>"#;

fn oauth_with_level(level: Option<&str>) -> String {
    let attribute = level
        .map(|level| format!(r#" tokenRetryCheckLevel="{level}""#))
        .unwrap_or_default();
    format!(
        r#"<zosconnect_oAuthConfig id="o" grantType="client_credentials" authServerRef="as"{attribute}/>{AUTH_SERVER}"#
    )
}

#[test]
fn token_retry_check_level_values() {
    let cases: &[(Option<&str>, RetryCheckLevel, bool)] = &[
        (None, RetryCheckLevel::InvalidTokenChallenge, false),
        (Some("1"), RetryCheckLevel::AnyUnauthorized, false),
        (Some("2"), RetryCheckLevel::InvalidTokenChallenge, true),
        (Some("3"), RetryCheckLevel::InvalidTokenChallenge, false),
        (Some("4"), RetryCheckLevel::InvalidTokenChallenge, true),
        (Some("abc"), RetryCheckLevel::InvalidTokenChallenge, true),
        (Some(" 3"), RetryCheckLevel::InvalidTokenChallenge, true),
    ];
    for (raw, expected, warned) in cases {
        let loaded = load_body(&oauth_with_level(*raw));
        let oauth = loaded
            .config
            .oauth_configs
            .get("o")
            .unwrap_or_else(|| panic!("{raw:?}: oAuthConfig left out"));
        assert_eq!(oauth.token_retry_check_level, *expected, "{raw:?}");

        let warnings = with_id(&loaded.diagnostics, "ZCN0032W");
        assert_eq!(
            warnings.len(),
            usize::from(*warned),
            "{raw:?}: {:?}",
            ids(&loaded.diagnostics)
        );
        if let Some(warning) = warnings.first() {
            assert!(
                warning.message.contains("`1` or `3`"),
                "{}",
                warning.message
            );
            assert!(
                warning.message.contains("default `3`"),
                "{}",
                warning.message
            );
            assert_eq!(warning.attribute.as_deref(), Some("tokenRetryCheckLevel"));
        }
    }
}

#[test]
fn token_retry_check_level_attribute_name_ignores_case() {
    let xml = server(&format!(
        r#"<zosconnect_oAuthConfig id="o" grantType="client_credentials" authServerRef="as" TOKENRETRYCHECKLEVEL="1"/>{AUTH_SERVER}"#
    ));
    let loaded = load_xml(&xml);
    assert_eq!(
        loaded.config.oauth_configs["o"].token_retry_check_level,
        RetryCheckLevel::AnyUnauthorized
    );
}

#[test]
fn x1_variable_without_value_and_undefined_port() {
    let xml = "<server>\n  <variable name=\"asHost\"/>\n  <httpEndpoint id=\"defaultHttpEndpoint\" httpPort=\"${undefined.port}\"/>\n</server>\n";
    let loaded = load_xml(xml);

    let missing_value = with_id(&loaded.diagnostics, "ZCN0092E");
    assert_eq!(missing_value.len(), 1, "{:?}", ids(&loaded.diagnostics));
    assert_eq!(missing_value[0].location.as_ref().map(|l| l.line), Some(2));

    let undefined = with_id(&loaded.diagnostics, "ZCN8010W");
    assert_eq!(undefined.len(), 1, "{:?}", ids(&loaded.diagnostics));
    assert_eq!(undefined[0].location.as_ref().map(|l| l.line), Some(3));

    let invalid_port = with_id(&loaded.diagnostics, "ZCN0083W");
    assert_eq!(invalid_port.len(), 1, "{:?}", ids(&loaded.diagnostics));
    assert!(
        invalid_port[0].message.contains("${undefined.port}"),
        "{}",
        invalid_port[0].message
    );
    assert!(
        invalid_port[0].message.contains("`9080`"),
        "{}",
        invalid_port[0].message
    );
    assert_eq!(loaded.config.http_endpoint.http_port, Some(9080));
}

#[test]
fn http_port_minus_one_disables() {
    let loaded =
        load_xml(r#"<server><httpEndpoint id="defaultHttpEndpoint" httpPort="-1"/></server>"#);
    assert_eq!(loaded.config.http_endpoint.http_port, None);
}

#[test]
fn unknown_attribute_suggests_close_name() {
    let loaded = load_body(r#"<zosconnect_authData id="a" user="u" pasword="p"/>"#);
    let warning = with_id(&loaded.diagnostics, "ZCN8113W");
    assert_eq!(warning.len(), 1, "{:?}", ids(&loaded.diagnostics));
    assert!(
        warning[0].message.contains("Did you mean `password`?"),
        "{}",
        warning[0].message
    );
}

#[test]
fn unknown_element_rules() {
    let loaded = load_xml(
        "<server>\n<HttpEndpoint id=\"x\"/>\n<zosconnect_madeUp/>\n<somethingElse/>\n<safRegistry id=\"saf\"/>\n</server>",
    );
    let diagnostics = &loaded.diagnostics;
    let similar = with_id(diagnostics, "ZCN8110W");
    assert_eq!(similar.len(), 2, "{:?}", ids(diagnostics));
    assert!(
        similar[0].message.contains("Did you mean `httpEndpoint`?"),
        "{}",
        similar[0].message
    );
    assert!(
        similar[1].message.contains("zosconnect_madeUp"),
        "{}",
        similar[1].message
    );
    assert_eq!(with_id(diagnostics, "ZCN8111I").len(), 1);
    assert_eq!(with_id(diagnostics, "ZCN8112I").len(), 1);
    let safe = loaded
        .effective
        .elements
        .iter()
        .find(|element| element.kind == "safRegistry");
    assert!(
        safe.is_some_and(|element| !element.used),
        "recognised elements are listed as unused"
    );
}

#[test]
fn reference_to_wrong_kind_is_an_error() {
    let loaded = load_body(
        r#"<zosconnect_endpointConnection id="e" host="http://127.0.0.1" port="80" basicAuthRef="s"/><ssl id="s"/>"#,
    );
    let errors = with_id(&loaded.diagnostics, "ZCN0033E");
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].message.contains("belongs to a ssl element"),
        "{}",
        errors[0].message
    );
    assert!(loaded.config.endpoint_connections.is_empty());
    assert_eq!(loaded.config.invalid_elements.len(), 1);
    assert_eq!(
        loaded.config.invalid_elements[0].kind,
        "zosconnect_endpointConnection"
    );
}

#[test]
fn dependents_of_invalid_element_warn_once() {
    let loaded = load_body(
        r#"<zosconnect_endpointConnection id="e" host="http://127.0.0.1" port="80" authenticationConfigRef="o"/>
           <zosconnect_oAuthConfig id="o" grantType="client_credentials" authServerRef="as"/>
           <zosconnect_authorizationServer id="as" tokenEndpoint="not a url"/>"#,
    );
    let errors: Vec<_> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity() == Severity::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].id(), "ZCN8101E");
    assert_eq!(with_id(&loaded.diagnostics, "ZCN8102W").len(), 2);
    assert!(loaded.config.endpoint_connections.is_empty());
    assert!(loaded.config.oauth_configs.is_empty());
    assert_eq!(loaded.config.invalid_elements.len(), 3);
}

#[test]
fn auth_token_local_makes_endpoint_invalid() {
    let loaded = load_body(
        r#"<zosconnect_authTokenLocal id="l"/>
           <zosconnect_endpointConnection id="e" host="http://127.0.0.1" port="80" authenticationConfigRef="l"/>"#,
    );
    assert_eq!(with_id(&loaded.diagnostics, "ZCN8120W").len(), 1);
    assert_eq!(with_id(&loaded.diagnostics, "ZCN8121E").len(), 1);
    assert!(loaded.config.endpoint_connections.is_empty());
}

#[test]
fn basic_auth_with_token_in_other_header_is_valid() {
    let body = format!(
        r#"<zosconnect_endpointConnection id="e" host="http://127.0.0.1" port="80" basicAuthRef="creds" authenticationConfigRef="t"/>
           <zosconnect_authData id="creds" user="u" password="p"/>
           <zosconnect_authToken id="t" authServerRef="as" header="X-Token">
             <tokenRequest header="Authorization"/><tokenResponse header="X-Token"/>
           </zosconnect_authToken>{AUTH_SERVER}"#
    );
    let loaded = load_body(&body);
    assert!(
        with_id(&loaded.diagnostics, "ZCN8122E").is_empty(),
        "{:?}",
        ids(&loaded.diagnostics)
    );
    let endpoint = &loaded.config.endpoint_connections["e"];
    assert_eq!(
        endpoint.authentication,
        Some(Authentication::AuthToken("t".into()))
    );
    assert_eq!(endpoint.basic_auth.as_deref(), Some("creds"));
}

#[test]
fn basic_auth_with_oauth_is_invalid() {
    let body = format!(
        r#"<zosconnect_endpointConnection id="e" host="http://127.0.0.1" port="80" basicAuthRef="creds" authenticationConfigRef="o"/>
           <zosconnect_authData id="creds" user="u"/>{}"#,
        oauth_with_level(None)
    );
    let loaded = load_body(&body);
    assert_eq!(with_id(&loaded.diagnostics, "ZCN8122E").len(), 1);
    assert!(loaded.config.endpoint_connections.is_empty());
}

#[test]
fn endpoint_host_with_and_without_scheme() {
    let loaded = load_body(
        r#"<zosconnect_endpointConnection id="plain" host="api.example.com" port="80" domainBasePath="v1/"/>
           <zosconnect_endpointConnection id="secure" host="api.example.com" port="443" sslCertsRef="s"/>
           <zosconnect_endpointConnection id="explicit" host="HTTPS://api.example.com/" port="443"/>
           <ssl id="s"/>"#,
    );
    let endpoints = &loaded.config.endpoint_connections;
    assert_eq!(endpoints["plain"].scheme, Scheme::Http);
    assert_eq!(endpoints["plain"].domain_base_path, "/v1");
    assert_eq!(endpoints["secure"].scheme, Scheme::Https);
    assert_eq!(endpoints["explicit"].scheme, Scheme::Https);
    assert_eq!(endpoints["explicit"].host, "api.example.com");
    let chosen = with_id(&loaded.diagnostics, "ZCN8123I");
    assert_eq!(chosen.len(), 2, "{:?}", ids(&loaded.diagnostics));
    assert!(
        chosen[0].message.contains("`http`"),
        "{}",
        chosen[0].message
    );
    assert!(
        chosen[1].message.contains("`https`"),
        "{}",
        chosen[1].message
    );
}

#[test]
fn default_ssl_chain() {
    let endpoint = r#"<zosconnect_endpointConnection id="e" host="https://127.0.0.1" port="443"/>"#;

    let named = load_body(&format!(
        r#"{endpoint}<sslDefault sslRef="mine"/><ssl id="mine"/><ssl id="defaultSSLConfig"/>"#
    ));
    assert_eq!(named.config.default_ssl.as_deref(), Some("mine"));
    assert_eq!(
        named.config.endpoint_connections["e"].ssl.as_deref(),
        Some("mine")
    );

    let outbound = load_body(&format!(
        r#"{endpoint}<sslDefault sslRef="inbound" outboundSSLRef="out"/><ssl id="inbound"/><ssl id="out"/>"#
    ));
    assert_eq!(
        outbound.config.endpoint_connections["e"].ssl.as_deref(),
        Some("out")
    );

    let liberty_default = load_body(&format!(r#"{endpoint}<ssl id="defaultSSLConfig"/>"#));
    assert_eq!(
        liberty_default.config.endpoint_connections["e"]
            .ssl
            .as_deref(),
        Some("defaultSSLConfig")
    );

    let none = load_body(endpoint);
    assert_eq!(none.config.endpoint_connections["e"].ssl, None);
}

#[test]
fn jks_store_is_an_error_only_when_used() {
    let unused = load_body(
        r#"<ssl id="s" trustStoreRef="k"/><keyStore id="k" location="trust.jks" type="JKS"/>"#,
    );
    assert!(
        unused
            .diagnostics
            .iter()
            .all(|d| d.severity() != Severity::Error),
        "{:?}",
        ids(&unused.diagnostics)
    );

    let used = load_body(
        r#"<zosconnect_endpointConnection id="e" host="https://127.0.0.1" port="443" sslCertsRef="s"/>
           <ssl id="s" trustStoreRef="k"/><keyStore id="k" location="trust.jks" type="jks"/>"#,
    );
    let error = with_id(&used.diagnostics, "ZCN8124E");
    assert_eq!(error.len(), 1, "{:?}", ids(&used.diagnostics));
    assert!(
        error[0].message.contains("keytool -importkeystore"),
        "{}",
        error[0].message
    );
    assert_eq!(
        with_id(&used.diagnostics, "ZCN8102W").len(),
        2,
        "ssl and endpoint are left out"
    );
    assert!(used.config.endpoint_connections.is_empty());
}

#[test]
fn key_store_default_location_and_relative_path() {
    let loaded = load_body(
        r#"<keyStore id="default"/><keyStore id="rel" location="certs/trust.pem" type="PEM"/>"#,
    );
    let server_dir = &loaded.config.server_dir;
    assert_eq!(
        loaded.config.key_stores["default"].location,
        server_dir.join("resources/security/key.p12")
    );
    assert_eq!(
        loaded.config.key_stores["rel"].location,
        server_dir.join("certs/trust.pem")
    );
}

#[test]
fn feature_manager_warning() {
    let without = load_xml(r#"<server><zosconnect_authData id="a" user="u"/></server>"#);
    assert_eq!(with_id(&without.diagnostics, "ZCN8127W").len(), 1);
    let with = load_xml(
        r#"<server><featureManager><feature>ZOSCONNECT:zosConnect-2.0</feature></featureManager><zosconnect_authData id="a" user="u"/></server>"#,
    );
    assert!(with_id(&with.diagnostics, "ZCN8127W").is_empty());
    let liberty_only = load_xml(r#"<server><httpEndpoint id="defaultHttpEndpoint"/></server>"#);
    assert!(with_id(&liberty_only.diagnostics, "ZCN8127W").is_empty());
}

#[test]
fn only_default_http_endpoint_is_used() {
    let loaded = load_xml(
        r#"<server><httpEndpoint id="other" httpPort="1234"/><httpEndpoint id="defaultHttpEndpoint" host="*" httpPort="9999"/></server>"#,
    );
    assert_eq!(loaded.config.http_endpoint.http_port, Some(9999));
    assert_eq!(loaded.config.http_endpoint.host, "*");
    assert_eq!(with_id(&loaded.diagnostics, "ZCN8128W").len(), 1);
    assert!(
        with_id(&loaded.diagnostics, "ZCN8129I").is_empty(),
        "the default httpsPort is not reported"
    );
}

#[test]
fn require_auth_needs_a_registry() {
    let without = load_body(r#"<zosconnect_zosConnectManager requireSecure="false"/>"#);
    assert_eq!(with_id(&without.diagnostics, "ZCN8130W").len(), 1);
    assert!(with_id(&without.diagnostics, "ZCN8131W").is_empty());

    let with = load_body(
        r#"<zosconnect_zosConnectManager requireSecure="false"/><basicRegistry id="b"><user name="u" password="p"/></basicRegistry>"#,
    );
    assert!(with_id(&with.diagnostics, "ZCN8130W").is_empty());

    let off =
        load_body(r#"<zosconnect_zosConnectManager requireAuth="false" requireSecure="false"/>"#);
    assert!(
        off.diagnostics
            .iter()
            .all(|d| d.severity() < Severity::Warning),
        "{:?}",
        ids(&off.diagnostics)
    );
}

#[test]
fn require_secure_default_warns() {
    let loaded = load_body(r#"<zosconnect_zosConnectManager requireAuth="false"/>"#);
    assert_eq!(with_id(&loaded.diagnostics, "ZCN8131W").len(), 1);
}

#[test]
fn api_requesters_merge_by_name_and_inherit() {
    let loaded = load_body(
        r#"<zosconnect_zosConnectManager requireAuth="false" requireSecure="false" globalInvokeGroup="callers" globalAdminGroup="admins"/>
           <zosconnect_apiRequesters idAssertion="ASSERT_ONLY" readerGroup="readers">
             <apiRequester name="pets" connectionRef="e"/>
             <apiRequester name="other" requireAuth="true" invokeGroup="special, more"/>
           </zosconnect_apiRequesters>
           <zosconnect_apiRequesters>
             <apiRequester name="pets" status="stopped"/>
           </zosconnect_apiRequesters>
           <zosconnect_endpointConnection id="e" host="http://127.0.0.1" port="80"/>
           <basicRegistry id="b"><user name="u" password="p"/></basicRegistry>"#,
    );
    let requesters = &loaded.config.api_requesters.requesters;
    assert_eq!(requesters.len(), 2, "{requesters:#?}");
    let pets = &requesters[0];
    assert_eq!(pets.name, "pets");
    assert_eq!(pets.connection.as_deref(), Some("e"));
    assert_eq!(
        pets.status,
        zconnect_config::model::RequesterStatus::Stopped
    );
    assert!(!pets.require_auth);
    assert_eq!(pets.id_assertion, IdAssertion::AssertOnly);
    assert_eq!(pets.invoke_groups, ["callers"]);
    assert_eq!(pets.admin_groups, ["admins"]);
    assert_eq!(pets.reader_groups, ["readers"]);
    let other = &requesters[1];
    assert!(other.require_auth);
    assert_eq!(other.invoke_groups, ["special", "more"]);
    assert_eq!(other.connection, None);
}

#[test]
fn api_requester_with_unknown_connection_is_left_out() {
    let loaded = load_body(
        r#"<zosconnect_apiRequesters><apiRequester name="a" connectionRef="missing"/><apiRequester name="b"/></zosconnect_apiRequesters>"#,
    );
    assert_eq!(with_id(&loaded.diagnostics, "ZCN0033E").len(), 1);
    let names: Vec<&str> = loaded
        .config
        .api_requesters
        .requesters
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(names, ["b"]);
}

#[test]
fn web_application_requester_names() {
    let body = r#"<zosconnect_endpointConnection id="e" host="http://127.0.0.1" port="80"/>
        <webApplication id="byId" location="apps/first.war"><appProperties><property name="connectionRef" value="e"/></appProperties></webApplication>
        <webApplication name="byName" location="apps/second.war"><appProperties><property name="connectionRef" value="e"/></appProperties></webApplication>
        <webApplication location="${server.config.dir}/apps/ByFile.war"><appProperties><property name="connectionRef" value="e"/></appProperties></webApplication>
        <webApplication location="apps/plain.war" contextRoot="/"/>"#;
    let loaded = load_body(body);
    let requesters = &loaded.config.api_requesters.requesters;
    let names: Vec<&str> = requesters.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["byId", "byName", "ByFile"]);
    assert!(requesters
        .iter()
        .all(|r| r.source == RequesterSource::WebApplication));
    assert!(
        requesters.iter().all(|r| !r.require_auth),
        "no appSecurity feature is listed"
    );
    assert_eq!(
        with_id(&loaded.diagnostics, "ZCN8112I").len(),
        1,
        "the plain webApplication is recognised"
    );
}

#[test]
fn web_application_requires_auth_with_app_security() {
    let xml = r#"<server><featureManager><feature>zosconnect:oasRequester-1.0</feature><feature>appSecurity-3.0</feature></featureManager>
        <zosconnect_endpointConnection id="e" host="http://127.0.0.1" port="80"/>
        <webApplication location="a.war"><appProperties><property name="connectionRef" value="e"/></appProperties></webApplication></server>"#;
    let loaded = load_xml(xml);
    assert!(loaded.config.api_requesters.requesters[0].require_auth);
}

#[test]
fn requester_name_conflict_names_both() {
    let loaded = load_body(
        r#"<zosconnect_apiRequesters><apiRequester name="dup"/></zosconnect_apiRequesters>
           <zosconnect_endpointConnection id="e" host="http://127.0.0.1" port="80"/>
           <webApplication id="w" name="dup" location="dup.war"><appProperties><property name="connectionRef" value="e"/></appProperties></webApplication>"#,
    );
    let conflict = with_id(&loaded.diagnostics, "ZCN8132E");
    assert_eq!(conflict.len(), 1);
    assert!(
        conflict[0].message.contains("apiRequester at"),
        "{}",
        conflict[0].message
    );
    assert!(
        conflict[0].message.contains("webApplication[w]"),
        "{}",
        conflict[0].message
    );
    assert_eq!(loaded.config.api_requesters.requesters.len(), 1);
    assert_eq!(
        loaded.config.api_requesters.requesters[0].source,
        RequesterSource::ServerXml
    );
}

#[test]
fn on_error_fail_rejects_configuration() {
    let xml = server(r#"<config onError="fail"/><zosconnect_authData id="a"/>"#);
    let failure = try_load_with(&xml, &LoadOptions::default()).expect_err("FAIL rejects errors");
    assert!(!failure.unreadable);
    assert_eq!(with_id(&failure.diagnostics, "ZCN0058E").len(), 1);
    assert_eq!(with_id(&failure.diagnostics, "ZCN8134E").len(), 1);
}

#[test]
fn on_error_fail_without_errors_loads() {
    let loaded = load_body(r#"<config onError="FAIL"/>"#);
    assert_eq!(loaded.config.config.on_error, OnError::Fail);
}

#[test]
fn on_error_ignore_keeps_errors() {
    let loaded = load_body(r#"<config onError="IGNORE"/><zosconnect_authData id="a"/>"#);
    assert_eq!(loaded.config.config.on_error, OnError::Ignore);
    assert!(loaded.has_errors());
}

#[test]
fn on_error_from_variable_and_attribute_wins() {
    let mut options = LoadOptions::default();
    options
        .command_line_vars
        .insert("onError".into(), "FAIL".into());
    let failure = try_load_with(&server(r#"<zosconnect_authData id="a"/>"#), &options);
    assert!(failure.is_err(), "the onError variable applies");

    let loaded = try_load_with(
        &server(r#"<config onError="WARN"/><zosconnect_authData id="a"/>"#),
        &options,
    )
    .expect("the attribute wins over the variable");
    assert_eq!(loaded.config.config.on_error, OnError::Warn);
}

#[test]
fn bare_durations_name_their_unit() {
    let loaded = load_body(&format!(
        r#"<zosconnect_oAuthConfig id="o" grantType="password" authServerRef="as" tokenExpiryMargin="250" defaultTokenLifetime="60"/>{AUTH_SERVER}"#
    ));
    let oauth = &loaded.config.oauth_configs["o"];
    assert_eq!(oauth.token_expiry_margin, Duration::from_millis(250));
    assert_eq!(oauth.default_token_lifetime, Duration::from_secs(60));
    let infos = with_id(&loaded.diagnostics, "ZCN8103I");
    assert_eq!(infos.len(), 2);
    assert!(
        infos[0].message.contains("milliseconds"),
        "{}",
        infos[0].message
    );
    assert!(infos[1].message.contains("seconds"), "{}", infos[1].message);
}

#[test]
fn invalid_duration_uses_default() {
    let loaded = load_body(
        r#"<zosconnect_endpointConnection id="e" host="http://127.0.0.1" port="80" receiveTimeout="1m30"/>"#,
    );
    assert_eq!(with_id(&loaded.diagnostics, "ZCN0083W").len(), 1);
    assert_eq!(
        loaded.config.endpoint_connections["e"].receive_timeout,
        Duration::from_secs(60)
    );
}

#[test]
fn passwords_decode_and_reject() {
    let loaded = load_body(
        r#"<zosconnect_authData id="xor" user="u" password="{xor}Lz4sLCgwLTs="/>
           <zosconnect_authData id="aes" user="u" password="{aes}AAAA"/>
           <zosconnect_authData id="hash" user="u" password="{hash}AAAA"/>"#,
    );
    assert_eq!(
        loaded.config.auth_data["xor"]
            .password
            .as_ref()
            .map(|secret| secret.expose().to_owned()),
        Some("password".to_owned())
    );
    // Nothing references these two, so they are left out with a warning.
    let warnings = with_id(&loaded.diagnostics, "ZCN8105W");
    assert_eq!(warnings.len(), 2);
    assert!(
        warnings[0].message.contains("{aes}"),
        "{}",
        warnings[0].message
    );
    assert!(
        warnings[1].message.contains("{hash}"),
        "{}",
        warnings[1].message
    );
    assert!(!loaded.config.auth_data.contains_key("aes"));
    assert!(!loaded.config.auth_data.contains_key("hash"));
    assert!(
        !loaded
            .diagnostics
            .iter()
            .any(|d| d.message.contains("AAAA")),
        "no secret in messages"
    );
}

#[test]
fn registry_users_and_groups() {
    let loaded = load_body(
        r#"<basicRegistry id="b">
             <user name="alice" password="{xor}Lz4sLCgwLTs="/>
             <user name="bob" password="{aes}AAAA"/>
             <group name="g"><member name="alice"/><member name="bob"/></group>
           </basicRegistry>
           <administrator-role><user>alice</user><group>g</group><group>h</group></administrator-role>"#,
    );
    let registry = &loaded.config.basic_registries["b"];
    let users: Vec<&str> = registry
        .users
        .iter()
        .map(|user| user.name.as_str())
        .collect();
    assert_eq!(
        users,
        ["alice"],
        "bob's {{aes}} password leaves that user out"
    );
    assert!(
        matches!(&registry.users[0].password, UserPassword::Plain(secret) if secret.expose() == "password")
    );
    assert_eq!(registry.groups[0].members, ["alice", "bob"]);
    assert_eq!(loaded.config.administrator_role.users, ["alice"]);
    assert_eq!(loaded.config.administrator_role.groups, ["g", "h"]);
}

#[test]
fn token_request_defaults_need_a_header() {
    let loaded = load_body(&format!(
        r#"<zosconnect_authToken id="t" authServerRef="as"/>{AUTH_SERVER}"#
    ));
    assert_eq!(
        with_id(&loaded.diagnostics, "ZCN1005E").len(),
        2,
        "{:?}",
        ids(&loaded.diagnostics)
    );
    assert!(loaded.config.auth_tokens.is_empty());
}

#[test]
fn security_attributes_warn() {
    let loaded =
        load_body(r#"<ssl id="s" sslProtocol="TLSv1" verifyHostname="false" serverKeyAlias="k"/>"#);
    assert_eq!(with_id(&loaded.diagnostics, "ZCN8115W").len(), 2);
    assert_eq!(with_id(&loaded.diagnostics, "ZCN8114I").len(), 1);
}
