//! Snapshots of every element kind, once with every attribute written and
//! once with only what is required, so each default is visible.

mod convert_support;

use convert_support::{ids, load_body};
use serde_json::{Map, Value};
use zconnect_config::effective::EffectiveElement;
use zconnect_config::schema::{ElementSchema, ELEMENTS};
use zconnect_config::Severity;

/// Elements the examples reference, so that references resolve.
const SUPPORT: &str = r#"
    <zosconnect_authorizationServer id="supportServer" tokenEndpoint="https://127.0.0.1:8443/token"/>
    <zosconnect_authData id="supportCreds" user="client"/>
    <ssl id="supportSsl"/>
    <keyStore id="supportStore" type="PEM" location="trust.pem"/>
    <zosconnect_endpointConnection id="supportConn" host="http://127.0.0.1" port="8080"/>
    <basicRegistry id="supportRegistry"/>
    <zosconnect_authToken id="supportToken" authServerRef="supportServer" header="X-Token">
        <tokenRequest header="Authorization"/><tokenResponse header="X-Token"/>
    </zosconnect_authToken>
"#;

/// Each element kind with every attribute and nested element written.
fn all_attributes(kind: &str) -> &'static str {
    match kind {
        "zosconnect_endpointConnection" => {
            r#"<zosconnect_endpointConnection id="example" host="https://127.0.0.1" port="8443" domainBasePath="/api" basicAuthRef="supportCreds" authenticationConfigRef="supportToken" sslCertsRef="supportSsl" connectionTimeout="5s" receiveTimeout="1m30s"/>"#
        }
        "zosconnect_oAuthConfig" => {
            r#"<zosconnect_oAuthConfig id="example" grantType="password" authServerRef="supportServer" tokenRetryCheckLevel="1" scope="read write" audience="api" resource="https://127.0.0.1/api" tokenExpiryMargin="2s" tokenReplaceInterval="0" defaultTokenLifetime="10m"/>"#
        }
        "zosconnect_authorizationServer" => {
            r#"<zosconnect_authorizationServer id="example" tokenEndpoint="https://127.0.0.1:8443/oauth2/token?tenant=a&amp;realm=b" basicAuthRef="supportCreds" sslCertsRef="supportSsl" connectionTimeout="3s" receiveTimeout="20s" basicAuthEncoding="plain"/>"#
        }
        "zosconnect_authData" => {
            r#"<zosconnect_authData id="example" user="client" password="{xor}Lz4sLCgwLTs="/>"#
        }
        "zosconnect_authToken" => {
            r#"<zosconnect_authToken id="example" authServerRef="supportServer" header="X-Token" useBearerScheme="false" cacheTokensWithJti="true"><tokenRequest credentialLocation="body" header="X-Credentials" requestMethod="put" requestBody="user=${userid}&amp;pass=${password}"/><tokenResponse tokenLocation="body" header="X-Token" responseFormat="json" tokenPath="$['data'].token"/></zosconnect_authToken>"#
        }
        "zosconnect_authTokenLocal" => {
            r#"<zosconnect_authTokenLocal id="example" tokenGeneratorRef="builder" header="X-Jwt" useBearerScheme="false"/>"#
        }
        "zosconnect_apiRequesters" => {
            r#"<zosconnect_apiRequesters location="requesters" updateTrigger="mbean" pollingRate="30s" requireAuth="false" requireSecure="false" idAssertion="ASSERT_SURROGATE" adminGroup="a" operationsGroup="o" readerGroup="r" invokeGroup="i"><apiRequester name="example_1.0.0" connectionRef="supportConn" requireAuth="true" requireSecure="false" idAssertion="OFF" adminGroup="a2" operationsGroup="o2" readerGroup="r2" invokeGroup="i2" status="stopped"/></zosconnect_apiRequesters>"#
        }
        "zosconnect_zosConnectManager" => {
            r#"<zosconnect_zosConnectManager requireAuth="true" requireSecure="false" globalAdminGroup="admins" globalOperationsGroup="operators" globalReaderGroup="readers" globalInvokeGroup="callers"/>"#
        }
        "featureManager" => {
            r#"<featureManager><feature>zosconnect:zosConnect-2.0</feature></featureManager>"#
        }
        "httpEndpoint" => {
            r#"<httpEndpoint id="defaultHttpEndpoint" host="127.0.0.1" httpPort="9090" httpsPort="-1" enabled="false"/>"#
        }
        "ssl" => {
            r#"<ssl id="example" trustStoreRef="supportStore" keyStoreRef="supportStore" clientKeyAlias="client"/>"#
        }
        "sslDefault" => r#"<sslDefault sslRef="supportSsl" outboundSSLRef="supportSsl"/>"#,
        "keyStore" => {
            r#"<keyStore id="example" location="/etc/zconnect/client.p12" type="pkcs12" password="{xor}Lz4sLCgwLTs="/>"#
        }
        "basicRegistry" => {
            r#"<basicRegistry id="example"><user name="alice" password="secret"/><group name="callers"><member name="alice"/></group></basicRegistry>"#
        }
        "administrator-role" => {
            r#"<administrator-role><user>alice</user><group>admins</group></administrator-role>"#
        }
        "config" => r#"<config monitorInterval="1s" updateTrigger="disabled" onError="ignore"/>"#,
        "logging" => r#"<logging traceSpecification="zosConnectApiRequester=all"/>"#,
        "webApplication" => {
            r#"<webApplication id="example" name="example_war" location="apps/example.war"><appProperties><property name="connectionRef" value="supportConn"/></appProperties></webApplication>"#
        }
        other => panic!("no all-attributes example for {other}; add one"),
    }
}

/// Each element kind with only what is required.
fn defaults(kind: &str) -> &'static str {
    match kind {
        "zosconnect_endpointConnection" => {
            r#"<zosconnect_endpointConnection id="example" host="http://127.0.0.1" port="8080"/>"#
        }
        "zosconnect_oAuthConfig" => {
            r#"<zosconnect_oAuthConfig id="example" grantType="client_credentials" authServerRef="supportServer"/>"#
        }
        "zosconnect_authorizationServer" => {
            r#"<zosconnect_authorizationServer id="example" tokenEndpoint="http://127.0.0.1:8080/token"/>"#
        }
        "zosconnect_authData" => r#"<zosconnect_authData id="example" user="client"/>"#,
        "zosconnect_authToken" => {
            r#"<zosconnect_authToken id="example" authServerRef="supportServer"><tokenRequest header="Authorization"/><tokenResponse header="X-Token"/></zosconnect_authToken>"#
        }
        "zosconnect_authTokenLocal" => r#"<zosconnect_authTokenLocal id="example"/>"#,
        "zosconnect_apiRequesters" => {
            r#"<zosconnect_apiRequesters><apiRequester name="example_1.0.0"/></zosconnect_apiRequesters>"#
        }
        "zosconnect_zosConnectManager" => r#"<zosconnect_zosConnectManager/>"#,
        "featureManager" => r#"<featureManager/>"#,
        "httpEndpoint" => r#"<httpEndpoint id="defaultHttpEndpoint"/>"#,
        "ssl" => r#"<ssl id="example"/>"#,
        "sslDefault" => r#"<sslDefault/>"#,
        "keyStore" => r#"<keyStore id="example"/>"#,
        "basicRegistry" => r#"<basicRegistry id="example"/>"#,
        "administrator-role" => r#"<administrator-role/>"#,
        "config" => r#"<config/>"#,
        "logging" => r#"<logging/>"#,
        "webApplication" => {
            r#"<webApplication location="apps/example.war"><appProperties><property name="connectionRef" value="supportConn"/></appProperties></webApplication>"#
        }
        other => panic!("no defaults example for {other}; add one"),
    }
}

/// Loads one example and returns its effective element, failing on errors.
fn effective_of(kind: &str, xml: &str) -> EffectiveElement {
    let loaded = load_body(&format!("{SUPPORT}{xml}"));
    let errors: Vec<String> = loaded
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.severity() == Severity::Error)
        .map(ToString::to_string)
        .collect();
    assert!(errors.is_empty(), "{kind}: {errors:#?}");

    let found = loaded
        .effective
        .elements
        .iter()
        .find(|element| {
            element.kind == kind
                && !element
                    .id
                    .as_deref()
                    .is_some_and(|id| id.starts_with("support"))
        })
        .unwrap_or_else(|| {
            panic!(
                "{kind} is missing from the effective view: {:?}",
                ids(&loaded.diagnostics)
            )
        });
    found.clone()
}

fn snapshot_all(examples: fn(&str) -> &'static str) -> Map<String, Value> {
    ELEMENTS
        .iter()
        .map(|schema| {
            let element = effective_of(schema.name, examples(schema.name));
            (
                schema.name.to_owned(),
                serde_json::to_value(element).expect("serialise"),
            )
        })
        .collect()
}

/// Checks that every attribute of the schema, nested ones included, was
/// written in the example.
fn assert_all_written(schema: &ElementSchema, element: &EffectiveElement) {
    for attribute in schema.attributes {
        if attribute.name == "id" {
            continue;
        }
        let entry = element.attributes.get(attribute.name);
        assert!(
            entry.is_some_and(|entry| entry.get("file").is_some()),
            "{}: `{}` is not written in the example",
            schema.name,
            attribute.name
        );
    }
    for child_schema in schema.children {
        let child = element
            .children
            .iter()
            .find(|child| child.kind == child_schema.name)
            .unwrap_or_else(|| {
                panic!("{}: no <{}> in the example", schema.name, child_schema.name)
            });
        assert_all_written(child_schema, child);
    }
}

#[test]
fn convert_examples_write_every_attribute() {
    for schema in ELEMENTS {
        let element = effective_of(schema.name, all_attributes(schema.name));
        assert_all_written(schema, &element);
    }
}

/// Replaces each temporary server directory, which defaults such as
/// `${server.config.dir}/...` expand to, with `$SERVER`.
fn redact_server_dirs(json: &str) -> String {
    let prefix = format!(
        "{}/.tmp",
        std::env::temp_dir()
            .display()
            .to_string()
            .trim_end_matches('/')
    );
    let mut redacted = String::new();
    let mut rest = json;
    while let Some(start) = rest.find(&prefix) {
        redacted.push_str(&rest[..start]);
        redacted.push_str("$SERVER");
        let after = &rest[start + prefix.len()..];
        let end = after
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(after.len());
        rest = &after[end..];
    }
    redacted.push_str(rest);
    redacted
}

fn pretty(map: &Map<String, Value>) -> String {
    redact_server_dirs(&serde_json::to_string_pretty(map).expect("serialise"))
}

#[test]
fn convert_every_kind_with_all_attributes() {
    insta::assert_snapshot!(pretty(&snapshot_all(all_attributes)));
}

#[test]
fn convert_every_kind_with_defaults() {
    insta::assert_snapshot!(pretty(&snapshot_all(defaults)));
}
