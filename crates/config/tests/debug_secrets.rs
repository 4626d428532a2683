//! Debug output of everything a load returns never shows a password: not the
//! raw XML tree, not the merged tree, not the loaded configuration, its
//! effective view, its diagnostics or a load failure.

use std::fs;
use std::path::Path;

use zconnect_config::sources::read_configuration;
use zconnect_config::values::encode_xor;
use zconnect_config::{load, xml, LoadOptions};

/// Every secret the configuration below writes, each distinct so that a
/// leak names its source.
const PLAIN_AUTH_DATA: &str = "plain-authdata-S3cr3t";
const XOR_AUTH_DATA: &str = "xor-authdata-S3cr3t";
const KEY_STORE: &str = "keystore-S3cr3t";
const REGISTRY_USER: &str = "registry-user-S3cr3t";
const VARIABLE: &str = "variable-S3cr3t";
const BOOTSTRAP: &str = "bootstrap-S3cr3t";
const FIRST_MERGED: &str = "first-merged-S3cr3t";
const SECOND_MERGED: &str = "second-merged-S3cr3t";
const TEXT_CHILD: &str = "text-child-S3cr3t";
const LIBERTY_AUTH_DATA: &str = "liberty-authdata-S3cr3t";

/// Returns a server.xml.example-like configuration with a secret in every place a
/// password can be written.
fn server_xml(extra: &str) -> String {
    let xor = encode_xor(XOR_AUTH_DATA);
    format!(
        r#"<server>
    <featureManager><feature>zosconnect:apiRequester-1.0</feature></featureManager>
    <include location="more.xml"/>
    <variable name="clientSecret" value="{VARIABLE}"/>
    <basicRegistry id="basic">
        <user name="cicsuser" password="{REGISTRY_USER}"/>
    </basicRegistry>
    <zosconnect_zosConnectManager requireAuth="true" requireSecure="false"/>
    <zosconnect_apiRequesters>
        <apiRequester name="petstore_1.0.0" connectionRef="petstoreConn"/>
    </zosconnect_apiRequesters>
    <zosconnect_endpointConnection id="petstoreConn" host="https://127.0.0.1" port="8443"
        authenticationConfigRef="petstoreOAuth" basicAuthRef="plainClient" sslCertsRef="outboundSSL"/>
    <zosconnect_oAuthConfig id="petstoreOAuth" grantType="client_credentials"
        authServerRef="petstoreAuthServer"/>
    <zosconnect_authorizationServer id="petstoreAuthServer"
        tokenEndpoint="https://127.0.0.1:9443/token" basicAuthRef="xorClient"/>
    <zosconnect_authData id="plainClient" user="plain" password="{PLAIN_AUTH_DATA}"/>
    <zosconnect_authData id="xorClient" user="xor" password="{xor}"/>
    <zosconnect_authData id="variableClient" user="variable" password="${{clientSecret}}"/>
    <zosconnect_authData id="bootstrapClient" user="bootstrap" password="${{bootstrap.secret}}"/>
    <zosconnect_authData id="textClient" user="text"><password>{TEXT_CHILD}</password></zosconnect_authData>
    <zosconnect_authData id="merged" user="merged" password="{FIRST_MERGED}"/>
    <authData id="libertyAuth" user="liberty" password="{LIBERTY_AUTH_DATA}"/>
    <ssl id="outboundSSL" trustStoreRef="trust"/>
    <keyStore id="trust" location="trust.p12" type="PKCS12" password="{KEY_STORE}"/>
    {extra}
</server>
"#,
    )
}

/// The included file, which gives the `merged` authData a second password.
fn more_xml() -> String {
    format!(
        r#"<server>
    <zosconnect_authData id="merged" password="{SECOND_MERGED}"/>
</server>
"#
    )
}

/// Writes the configuration into `dir`, with `extra` inside `<server>`.
fn write_server(dir: &Path, extra: &str) {
    fs::write(dir.join("server.xml"), server_xml(extra)).expect("write server.xml");
    fs::write(dir.join("more.xml"), more_xml()).expect("write more.xml");
    fs::write(
        dir.join("bootstrap.properties"),
        format!("bootstrap.secret={BOOTSTRAP}\n"),
    )
    .expect("write bootstrap.properties");
}

/// Every form in which a secret must not appear: as written, and `{xor}`
/// encoded, which anyone can decode.
fn forbidden() -> Vec<String> {
    let secrets = [
        PLAIN_AUTH_DATA,
        XOR_AUTH_DATA,
        KEY_STORE,
        REGISTRY_USER,
        VARIABLE,
        BOOTSTRAP,
        FIRST_MERGED,
        SECOND_MERGED,
        TEXT_CHILD,
        LIBERTY_AUTH_DATA,
    ];
    let mut forms: Vec<String> = secrets.iter().map(|secret| (*secret).to_owned()).collect();
    forms.push(encode_xor(XOR_AUTH_DATA));
    forms.push(
        encode_xor(XOR_AUTH_DATA)
            .trim_start_matches("{xor}")
            .to_owned(),
    );
    forms
}

fn assert_no_secret(what: &str, debug: &str) {
    for secret in forbidden() {
        assert!(
            !debug.contains(&secret),
            "{what} shows {secret:?} in its Debug output:\n{debug}"
        );
    }
}

#[test]
fn debug_of_every_load_value_masks_passwords() {
    let dir = tempfile::tempdir().expect("temporary directory");
    write_server(dir.path(), "");
    let options = LoadOptions::default();

    let loaded = load(dir.path(), &options).expect("the configuration loads");
    let merged_differ = loaded
        .diagnostics
        .iter()
        .find(|diagnostic| diagnostic.id() == "ZCN0102I")
        .expect("the two merged passwords differ");
    assert!(merged_differ.message.contains("****"));
    assert!(loaded.config.auth_data.contains_key("variableClient"));
    assert!(loaded.config.auth_data.contains_key("bootstrapClient"));

    assert_no_secret("Loaded", &format!("{loaded:?}"));
    assert_no_secret("Loaded (pretty)", &format!("{loaded:#?}"));
    assert_no_secret("Config", &format!("{:?}", loaded.config));
    assert_no_secret("EffectiveConfig", &format!("{:?}", loaded.effective));
    for diagnostic in &loaded.diagnostics {
        assert_no_secret("Diagnostic", &format!("{diagnostic:?}"));
        assert_no_secret("Diagnostic (text)", &diagnostic.to_string());
    }
}

#[test]
fn debug_of_read_trees_masks_passwords() {
    let dir = tempfile::tempdir().expect("temporary directory");
    write_server(dir.path(), "");

    let outcome =
        read_configuration(dir.path(), &LoadOptions::default()).expect("the files are read");
    assert_no_secret("ReadOutcome", &format!("{outcome:?}"));
    assert_no_secret("MergedDocument", &format!("{:#?}", outcome.document));
    assert_no_secret("Variables", &format!("{:?}", outcome.variables));
    for element in &outcome.document.elements {
        for attribute in &element.attributes {
            assert_no_secret("MergedAttribute", &format!("{attribute:?}"));
            for value in &attribute.values {
                assert_no_secret("RawValue", &format!("{value:?}"));
            }
        }
    }

    let bytes = fs::read(dir.path().join("server.xml")).expect("read server.xml");
    let raw = xml::parse(&bytes, Path::new("server.xml"), &Default::default())
        .expect("server.xml is well-formed");
    assert_no_secret("RawDocument", &format!("{raw:#?}"));
    for element in &raw.root.children {
        assert_no_secret("RawElement", &format!("{element:?}"));
        for attribute in &element.attributes {
            assert_no_secret("RawAttribute", &format!("{attribute:?}"));
        }
        for child in &element.children {
            for piece in &child.text_pieces {
                assert_no_secret("TextPiece", &format!("{piece:?}"));
            }
        }
    }
}

#[test]
fn debug_of_load_failures_masks_passwords() {
    let broken_variants = [
        // An error under onError="FAIL" rejects the whole configuration.
        r#"<config onError="FAIL"/><zosconnect_authData id="broken" password="{aes}AAAA"/>
           <zosconnect_endpointConnection id="other" host="http://127.0.0.1" port="80"
               basicAuthRef="broken"/>"#,
        // A file that is not well-formed fails the load.
        "<unclosed>",
    ];
    for extra in broken_variants {
        let dir = tempfile::tempdir().expect("temporary directory");
        write_server(dir.path(), extra);

        let failure = load(dir.path(), &LoadOptions::default()).expect_err("the load fails");
        assert_no_secret("LoadFailure", &format!("{failure:?}"));
        assert_no_secret("LoadFailure (pretty)", &format!("{failure:#?}"));
    }
}

#[test]
fn debug_of_load_options_shows_names_only() {
    let mut options = LoadOptions::default();
    options
        .command_line_vars
        .insert("cliSecret".to_owned(), VARIABLE.to_owned());
    options
        .environment
        .insert("ENV_SECRET".to_owned(), BOOTSTRAP.to_owned());

    let debug = format!("{options:?}");
    assert!(debug.contains("cliSecret"), "{debug}");
    assert!(debug.contains("ENV_SECRET"), "{debug}");
    assert_no_secret("LoadOptions", &debug);
}

#[test]
fn debug_of_merged_tree_shows_other_values() {
    let dir = tempfile::tempdir().expect("temporary directory");
    write_server(dir.path(), "");

    let outcome =
        read_configuration(dir.path(), &LoadOptions::default()).expect("the files are read");
    let debug = format!("{:?}", outcome.document);
    assert!(debug.contains("https://127.0.0.1:9443/token"), "{debug}");
    assert!(debug.contains("\"cicsuser\""), "{debug}");
}
