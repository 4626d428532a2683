//! Renders one real example of every catalog entry and pins the text, so a
//! change in any message or in the layout shows up in review. Each example
//! is produced by the code that reports it wherever a small input can
//! trigger it; a new catalog entry without an example fails the test.

use std::path::Path;

use zconnect_config::archive::scan_folder;
use zconnect_config::diagnostics::{catalog, render_json, render_text, MessageDef};
use zconnect_config::{load, Diagnostic, LoadOptions, Location};

/// How to produce the example of one catalog entry.
enum Example {
    /// Files of a server directory, loaded with the default options.
    Load(&'static [(&'static str, &'static str)]),
    /// The same, with a nesting depth limit of 3.
    LoadShallow(&'static [(&'static str, &'static str)]),
    /// Files of an archive folder, scanned.
    Archives(&'static [(&'static str, &'static [u8])]),
    /// A message reported outside configuration loading (at call time or
    /// when archives meet requesters), written out here.
    Reported(&'static str),
}

fn example(id: &str) -> Option<Example> {
    use Example::*;
    Some(match id {
        "ZCN0090E" => Load(&[("server.xml", "<server>\n  <include location=\"missing.xml\"/>\n</server>\n")]),
        "ZCN0014E" => Load(&[("server.xml", "<server>\n  <config onError=\"WARN\">\n</server>\n")]),
        "ZCN0105E" => Load(&[("server.xml", "<client/>\n")]),
        "ZCN8003E" => Load(&[("server.xml", "<!DOCTYPE server>\n<server/>\n")]),
        "ZCN8004E" => Load(&[("server.xml", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<server/>\n")]),
        "ZCN8005E" => LoadShallow(&[("server.xml", "<server>\n  <a><b><c><d/></c></b></a>\n</server>\n")]),
        "ZCN0089E" => Load(&[("server.xml", "<server>\n  <include/>\n</server>\n")]),
        "ZCN0005I" => Load(&[("server.xml", "<server>\n  <include optional=\"true\" location=\"extra.xml\"/>\n</server>\n")]),
        "ZCN0042W" => Load(&[
            ("server.xml", "<server>\n  <include location=\"a.xml\"/>\n</server>\n"),
            ("a.xml", "<server>\n  <include location=\"a.xml\"/>\n</server>\n"),
        ]),
        "ZCN0094W" => Load(&[
            ("server.xml", "<server>\n  <include location=\"a.xml\" onConflict=\"SOMETIMES\"/>\n</server>\n"),
            ("a.xml", "<server/>\n"),
        ]),
        "ZCN8006E" => Load(&[("server.xml", "<server>\n  <include location=\"http://127.0.0.1/extra.xml\"/>\n</server>\n")]),
        "ZCN8007E" => Load(&[
            ("server.xml", "<server/>\n"),
            ("bootstrap.properties", "port=\\u12\n"),
        ]),
        "ZCN0091E" => Load(&[("server.xml", "<server>\n  <variable value=\"x\"/>\n</server>\n")]),
        "ZCN0092E" => Load(&[("server.xml", "<server>\n  <variable name=\"asHost\"/>\n</server>\n")]),
        "ZCN8010W" => Load(&[("server.xml", "<server>\n  <logging traceSpecification=\"${undefined.trace}\"/>\n</server>\n")]),
        "ZCN8011E" => Load(&[(
            "server.xml",
            "<server>\n  <variable name=\"a\" value=\"${b}\"/>\n  <variable name=\"b\" value=\"${a}\"/>\n  <logging traceSpecification=\"${a}\"/>\n</server>\n",
        )]),
        "ZCN8012E" => Load(&[(
            "server.xml",
            "<server>\n  <variable name=\"v0\" value=\"${v1}\"/><variable name=\"v1\" value=\"${v2}\"/><variable name=\"v2\" value=\"${v3}\"/><variable name=\"v3\" value=\"${v4}\"/><variable name=\"v4\" value=\"${v5}\"/><variable name=\"v5\" value=\"${v6}\"/><variable name=\"v6\" value=\"${v7}\"/><variable name=\"v7\" value=\"${v8}\"/><variable name=\"v8\" value=\"${v9}\"/><variable name=\"v9\" value=\"${v10}\"/><variable name=\"v10\" value=\"${v11}\"/><variable name=\"v11\" value=\"${v12}\"/><variable name=\"v12\" value=\"end\"/>\n  <logging traceSpecification=\"${v0}\"/>\n</server>\n",
        )]),
        "ZCN8013W" => Load(&[("server.xml", "<server>\n  <logging traceSpecification=\"${10/0}\"/>\n</server>\n")]),
        "ZCN0104W" => Load(&[("server.xml", "<server>\n  <zosconnect_authData id=\"${name}\" user=\"u\"/>\n</server>\n")]),
        "ZCN8014W" => Load(&[("server.xml", "<server>\n  <logging traceSpecification=\"a\" TRACESPECIFICATION=\"b\"/>\n</server>\n")]),
        "ZCN0085W" => Load(&[("server.xml", "<server>\n  <server><logging traceSpecification=\"a\"/></server>\n</server>\n")]),
        "ZCN0102I" => Load(&[
            ("server.xml", "<server>\n  <include location=\"a.xml\"/>\n  <logging traceSpecification=\"b\"/>\n</server>\n"),
            ("a.xml", "<server>\n  <logging traceSpecification=\"a\"/>\n</server>\n"),
        ]),
        "ZCN0083W" => Load(&[("server.xml", "<server>\n  <httpEndpoint id=\"defaultHttpEndpoint\" httpPort=\"abc\"/>\n</server>\n")]),
        "ZCN0032W" => Load(&[(
            "server.xml",
            "<server>\n  <zosconnect_oAuthConfig id=\"o\" grantType=\"client_credentials\" authServerRef=\"as\" tokenRetryCheckLevel=\"2\"/>\n  <zosconnect_authorizationServer id=\"as\" tokenEndpoint=\"https://127.0.0.1/token\"/>\n</server>\n",
        )]),
        "ZCN8101E" => Load(&[("server.xml", "<server>\n  <zosconnect_endpointConnection id=\"e\" host=\"http://127.0.0.1\" port=\"eighty\"/>\n</server>\n")]),
        "ZCN0058E" => Load(&[("server.xml", "<server>\n  <zosconnect_authData id=\"creds\" password=\"p\"/>\n</server>\n")]),
        "ZCN0033E" => Load(&[("server.xml", "<server>\n  <zosconnect_endpointConnection id=\"e\" host=\"http://127.0.0.1\" port=\"80\" basicAuthRef=\"nobody\"/>\n</server>\n")]),
        "ZCN8102W" | "ZCN1004E" => Load(&[(
            "server.xml",
            "<server>\n  <zosconnect_oAuthConfig id=\"o\" grantType=\"password\" authServerRef=\"as\"/>\n  <zosconnect_authorizationServer id=\"as\"/>\n</server>\n",
        )]),
        "ZCN8103I" => Load(&[("server.xml", "<server>\n  <zosconnect_endpointConnection id=\"e\" host=\"http://127.0.0.1\" port=\"80\" connectionTimeout=\"30\"/>\n</server>\n")]),
        "ZCN8104E" => Load(&[("server.xml", "<server>\n  <zosconnect_endpointConnection id=\"e\" host=\"http://127.0.0.1\" port=\"80\" basicAuthRef=\"creds\"/>\n  <zosconnect_authData id=\"creds\" user=\"u\" password=\"{aes}ARAGH2ldY2TSdJXoxXYMx+U=\"/>\n</server>\n")]),
        "ZCN8105W" => Load(&[("server.xml", "<server>\n  <zosconnect_authData id=\"spare\" user=\"u\" password=\"{aes}ARAGH2ldY2TSdJXoxXYMx+U=\"/>\n</server>\n")]),
        "ZCN8110W" => Load(&[("server.xml", "<server>\n  <zosconnect_endpointConection id=\"e\"/>\n</server>\n")]),
        "ZCN8111I" => Load(&[("server.xml", "<server>\n  <myCompanyTuning level=\"3\"/>\n</server>\n")]),
        "ZCN8112I" => Load(&[("server.xml", "<server>\n  <applicationMonitor updateTrigger=\"mbean\"/>\n</server>\n")]),
        "ZCN8113W" => Load(&[("server.xml", "<server>\n  <zosconnect_endpointConnection id=\"e\" host=\"http://127.0.0.1\" port=\"80\" hots=\"x\"/>\n</server>\n")]),
        "ZCN8114I" => Load(&[("server.xml", "<server>\n  <zosconnect_zosConnectManager setUTF8ResponseEncoding=\"true\"/>\n</server>\n")]),
        "ZCN8115W" => Load(&[("server.xml", "<server>\n  <ssl id=\"s\" verifyHostname=\"false\"/>\n</server>\n")]),
        "ZCN1001E" => Load(&[(
            "server.xml",
            "<server>\n  <zosconnect_authToken id=\"t\" authServerRef=\"as\">\n    <tokenRequest credentialLocation=\"body\"/>\n    <tokenResponse header=\"X-Token\"/>\n  </zosconnect_authToken>\n  <zosconnect_authorizationServer id=\"as\" tokenEndpoint=\"https://127.0.0.1/jwt\"/>\n</server>\n",
        )]),
        "ZCN1002E" => Load(&[(
            "server.xml",
            "<server>\n  <zosconnect_authToken id=\"t\" authServerRef=\"as\">\n    <tokenRequest header=\"Authorization\"/>\n    <tokenResponse tokenLocation=\"body\" responseFormat=\"json\"/>\n  </zosconnect_authToken>\n  <zosconnect_authorizationServer id=\"as\" tokenEndpoint=\"https://127.0.0.1/jwt\"/>\n</server>\n",
        )]),
        "ZCN1003E" => Load(&[(
            "server.xml",
            "<server>\n  <zosconnect_authToken id=\"t\" authServerRef=\"as\">\n    <tokenRequest header=\"Authorization\"/>\n    <tokenResponse tokenLocation=\"body\"/>\n  </zosconnect_authToken>\n  <zosconnect_authorizationServer id=\"as\" tokenEndpoint=\"https://127.0.0.1/jwt\"/>\n</server>\n",
        )]),
        "ZCN1005E" => Load(&[(
            "server.xml",
            "<server>\n  <zosconnect_authToken id=\"t\" authServerRef=\"as\">\n    <tokenRequest/>\n    <tokenResponse header=\"X-Token\"/>\n  </zosconnect_authToken>\n  <zosconnect_authorizationServer id=\"as\" tokenEndpoint=\"https://127.0.0.1/jwt\"/>\n</server>\n",
        )]),
        "ZCN8120W" | "ZCN8121E" => Load(&[(
            "server.xml",
            "<server>\n  <zosconnect_authTokenLocal id=\"local\" tokenGeneratorRef=\"builder\"/>\n  <zosconnect_endpointConnection id=\"e\" host=\"http://127.0.0.1\" port=\"80\" authenticationConfigRef=\"local\"/>\n</server>\n",
        )]),
        "ZCN8122E" => Load(&[(
            "server.xml",
            "<server>\n  <zosconnect_endpointConnection id=\"e\" host=\"http://127.0.0.1\" port=\"80\" basicAuthRef=\"creds\" authenticationConfigRef=\"o\"/>\n  <zosconnect_authData id=\"creds\" user=\"u\" password=\"p\"/>\n  <zosconnect_oAuthConfig id=\"o\" grantType=\"client_credentials\" authServerRef=\"as\"/>\n  <zosconnect_authorizationServer id=\"as\" tokenEndpoint=\"https://127.0.0.1/token\"/>\n</server>\n",
        )]),
        "ZCN8123I" => Load(&[("server.xml", "<server>\n  <zosconnect_endpointConnection id=\"e\" host=\"api.example.com\" port=\"80\"/>\n</server>\n")]),
        "ZCN8124E" => Load(&[(
            "server.xml",
            "<server>\n  <zosconnect_endpointConnection id=\"e\" host=\"https://127.0.0.1\" port=\"443\" sslCertsRef=\"s\"/>\n  <ssl id=\"s\" trustStoreRef=\"trust\"/>\n  <keyStore id=\"trust\" location=\"trust.jks\" type=\"JKS\"/>\n</server>\n",
        )]),
        "ZCN8135E" => Load(&[(
            "server.xml",
            "<server>\n  <zosconnect_endpointConnection id=\"e\" host=\"https://127.0.0.1\" port=\"443\" sslCertsRef=\"s\"/>\n  <ssl id=\"s\" trustStoreRef=\"trust\"/>\n  <keyStore id=\"trust\" location=\"missing.pem\" type=\"PEM\"/>\n</server>\n",
        )]),
        "ZCN8126I" => Load(&[(
            "server.xml",
            "<server>\n  <ssl id=\"s\" keyStoreRef=\"client\" clientKeyAlias=\"me\"/>\n  <keyStore id=\"client\" location=\"client.pem\" type=\"PEM\"/>\n</server>\n",
        )]),
        "ZCN8127W" => Load(&[("server.xml", "<server>\n  <zosconnect_authData id=\"creds\" user=\"u\"/>\n</server>\n")]),
        "ZCN8128W" => Load(&[("server.xml", "<server>\n  <httpEndpoint id=\"adminEndpoint\" httpPort=\"9081\"/>\n</server>\n")]),
        "ZCN8129I" => Load(&[("server.xml", "<server>\n  <httpEndpoint id=\"defaultHttpEndpoint\" httpsPort=\"9443\"/>\n</server>\n")]),
        "ZCN8130W" | "ZCN8131W" => Load(&[("server.xml", "<server>\n  <zosconnect_zosConnectManager/>\n</server>\n")]),
        "ZCN8132E" => Load(&[(
            "server.xml",
            "<server>\n  <zosconnect_apiRequesters>\n    <apiRequester name=\"petstore\" connectionRef=\"e\"/>\n  </zosconnect_apiRequesters>\n  <webApplication id=\"w\" name=\"petstore\" location=\"petstore.war\">\n    <appProperties><property name=\"connectionRef\" value=\"e\"/></appProperties>\n  </webApplication>\n  <zosconnect_endpointConnection id=\"e\" host=\"http://127.0.0.1\" port=\"80\"/>\n</server>\n",
        )]),
        "ZCN8134E" => Load(&[(
            "server.xml",
            "<server>\n  <config onError=\"FAIL\"/>\n  <zosconnect_authData id=\"creds\" password=\"p\"/>\n</server>\n",
        )]),
        "ZCN8133I" => Archives(&[]),
        "ZCN8600E" => Archives(&[("apiRequesters", b"not a folder")]),
        "ZCN8601E" => Archives(&[("apiRequesters/broken.ara", b"not a zip file")]),
        "ZCN8602E" => Reported("API requester archive b.ara is rejected because it declares the requester name \"petstore_1.0.0\", which archive a.ara already declares; remove one of the two archives or rebuild one with another name."),
        "ZCN8603W" => Reported("API requester \"petstore_1.0.0\" (archive petstore.ara) has no endpoint connection, so calls to it are answered 503; set connectionRef on its apiRequester element or rebuild its archive with a connectionRef."),
        "ZCN8604E" => Reported("API requester archive petstore.ara has connectionRef \"petstoreConn\", but no zosconnect_endpointConnection has that id, so calls to requester \"petstore_1.0.0\" are answered 503; define the connection or set connectionRef on an apiRequester element of that name."),
        "ZCN1132E" => Reported("GET /pets/1/toys is not defined in API requester petstore_1.0.0; call one of the operations its archive declares."),
        "ZCN8501E" => Reported("No API requester is named petstore_1.0.0."),
        "ZCN8502E" => Reported("The operation path /pets/../admin of API requester petstore_1.0.0 has a dot segment."),
        "ZCN8503E" => Reported("The header BAQHAPI-oAuth-CustomParms of a call to API requester petstore_1.0.0 is not in name=value,... form."),
        "ZCN8504E" => Reported("The password grant of zosconnect_oAuthConfig[petstoreOAuth] needs a username: send BAQHAPI-oAuth-Username."),
        "ZCN8505E" => Reported("The request body for API requester petstore_1.0.0 is larger than the maximum of 67108864 bytes."),
        "ZCN8506E" => Reported("The API requester petstore_1.0.0 requires HTTP Basic credentials of a basicRegistry user."),
        "ZCN8507E" => Reported("User clerk is not in an invokeGroup of API requester petstore_1.0.0."),
        "ZCN8508E" => Reported("The API requester petstore_1.0.0 is stopped."),
        "ZCN8510E" => Reported("The token request to zosconnect_authorizationServer[petstoreAS] failed: connection refused."),
        "ZCN8511E" => Reported("The token request to zosconnect_authorizationServer[petstoreAS] timed out after 30000 ms."),
        "ZCN8512E" => Reported("The token request to zosconnect_authorizationServer[petstoreAS] failed 2 s ago; the next attempt is allowed in 3 s."),
        "ZCN8520E" => Reported("The endpoint of zosconnect_endpointConnection[petstoreConn] cannot be reached: connection refused."),
        "ZCN8521E" => Reported("No connection to the endpoint of zosconnect_endpointConnection[petstoreConn] within connectionTimeout 30000 ms."),
        "ZCN8522E" => Reported("The endpoint of zosconnect_endpointConnection[petstoreConn] sent no response headers within receiveTimeout 60000 ms."),
        "ZCN8523W" => Reported("The endpoint sent no part of the response body for 60000 ms; the body was cut off."),
        "ZCN8530I" => Reported("The endpoint returned 401 with a Bearer invalid_token challenge; the call is sent once more with a newer token."),
        "ZCN8531I" => Reported("The endpoint returned 401 without a Bearer invalid_token challenge and tokenRetryCheckLevel is 3; the 401 goes back."),
        "ZCN8532I" => Reported("The endpoint returned 401 to the token of zosconnect_authToken[petstoreToken]; the cached token is dropped."),
        "ZCN7033E" => Reported("The call to API requester petstore_1.0.0 failed inside zconnect."),
        "ZCN0016I" => Reported("Starting configuration reload."),
        "ZCN0017I" => Reported("Configuration reloaded in 4.2 ms: added zosconnect_endpointConnection[petstoreConn]; changed zosconnect_apiRequesters."),
        "ZCN0018I" => Reported("Configuration not reloaded: no file changed."),
        "ZCN8701E" => Reported("Configuration reload rejected; the running configuration stays: ZCN0014E $SERVER/server.xml:3:1: The file is not well-formed XML."),
        "ZCN8702W" => Reported("Configuration reloaded in 3.1 ms but the listener did not move: the address 127.0.0.1:9080 is already in use."),
        "ZCN8703W" => Reported("The element zosconnect_endpointConnection[petstoreConn] is invalid in the changed files and keeps its previous valid version."),
        "ZCN8704E" => Reported("The file watcher cannot be created; configuration changes are found by polling every monitorInterval."),
        "ZCN8705I" => Reported("Listening on http://127.0.0.1:9080."),
        "ZCN8706E" => Reported("The listener cannot be opened on 127.0.0.1:9080: the address is already in use."),
        "ZCN8707I" => Reported("The zconnect server stopped."),
        "ZCN8708I" => Reported("The zconnect server started with $SERVER/server.xml."),
        "ZCN8710E" => Reported("No API requester is named petstore_1.0.0."),
        "ZCN8711I" => Reported("API requester petstore_1.0.0 stopped through the admin API."),
        "ZCN8714E" => Reported("The admin API needs HTTP Basic credentials of a basicRegistry user."),
        "ZCN8715E" => Reported("User viewer is not allowed to deploy API requester archives: the admin role is needed."),
        "ZCN8716E" => Reported("The admin API needs a user registry: add a basicRegistry with users, and name the administrators in administrator-role."),
        "ZCN8720E" => Reported("No route matches /zosConnect/apis."),
        "ZCN8721E" => Reported("PATCH is not allowed on /zosConnect/apiRequesters."),
        "ZCN8722E" => Reported("The status \"paused\" is not valid: use status=started or status=stopped."),
        "ZCN8723E" => Reported("Reloading is disabled by updateTrigger=\"disabled\" on the config element; restart the server to apply changes."),
        "ZCN8725I" => Reported("API requester petstore_1.0.0 deployed from $SERVER/resources/zosconnect/apiRequesters/petstore_1.0.0.ara."),
        "ZCN8726I" => Reported("API requester petstore_1.0.0 updated from $SERVER/resources/zosconnect/apiRequesters/petstore_1.0.0.ara."),
        "ZCN8727I" => Reported("API requester petstore_1.0.0 deleted with its archive $SERVER/resources/zosconnect/apiRequesters/petstore_1.0.0.ara."),
        "ZCN8728I" => Reported("API requester archives changed in $SERVER/resources/zosconnect/apiRequesters: added petstore_1.0.0; removed claims_1.0."),
        "ZCN8730E" => Reported("API requester petstore_1.0.0 already exists (archive $SERVER/resources/zosconnect/apiRequesters/petstore_1.0.0.ara)."),
        "ZCN8731E" => Reported("API requester petstore_1.0.0 is started, so it cannot be updated."),
        "ZCN8732E" => Reported("API requester petstore_1.0.0 is defined in server.xml (apiRequester element at $SERVER/server.xml:12:5), not by an archive, so it cannot be deleted through the admin API."),
        "ZCN8733E" => Reported("An API requester archive must be sent as application/zip, but the request has Content-Type text/plain."),
        "ZCN8734E" => Reported("The archive cannot be deployed: API requester archive (upload) has no package.xml."),
        "ZCN8735E" => Reported("The archive is larger than the maximum of 67108864 bytes."),
        "ZCN8736E" => Reported("The archive file $SERVER/resources/zosconnect/apiRequesters/petstore_1.0.0.ara cannot be written or removed: permission denied."),
        _ => return None,
    })
}

fn write_files(dir: &Path, files: &[(&str, &[u8])]) {
    for (name, content) in files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create folder");
        }
        std::fs::write(path, content).expect("write example file");
    }
}

/// Runs the example of one entry in `dir` and returns every diagnostic it
/// produced.
fn example_diagnostics(def: &'static MessageDef, example: Example, dir: &Path) -> Vec<Diagnostic> {
    match example {
        Example::Load(files) | Example::LoadShallow(files) => {
            let shallow = matches!(example, Example::LoadShallow(_));
            let files: Vec<(&str, &[u8])> = files
                .iter()
                .map(|(name, text)| (*name, text.as_bytes()))
                .collect();
            write_files(dir, &files);
            let mut options = LoadOptions::default();
            if shallow {
                options.limits.max_nesting_depth = 3;
            }
            match load(dir, &options) {
                Ok(loaded) => loaded.diagnostics,
                Err(failure) => failure.diagnostics,
            }
        }
        Example::Archives(files) => {
            write_files(dir, files);
            scan_folder(&dir.join("apiRequesters")).diagnostics
        }
        Example::Reported(message) => vec![Diagnostic::new(def, message)],
    }
}

/// Produces the rendered example of one entry, with the temporary folder
/// replaced by `$SERVER`.
fn render_example(def: &'static MessageDef, example: Example) -> Result<String, String> {
    let dir = tempfile::tempdir().expect("temporary directory");
    let diagnostics = example_diagnostics(def, example, dir.path());

    let Some(diagnostic) = diagnostics
        .iter()
        .find(|diagnostic| diagnostic.id() == def.id)
    else {
        let found: Vec<&str> = diagnostics.iter().map(Diagnostic::id).collect();
        return Err(format!("{}: the example produced {found:?}", def.id));
    };
    let source = diagnostic
        .location
        .as_ref()
        .and_then(|location| std::fs::read_to_string(&location.file).ok());
    let text = render_text(diagnostic, source.as_deref());
    Ok(text.replace(&dir.path().display().to_string(), "$SERVER"))
}

#[test]
fn render_every_catalog_entry() {
    let mut rendered = Vec::new();
    let mut problems = Vec::new();
    for def in catalog::ALL {
        match example(def.id) {
            Some(example) => match render_example(def, example) {
                Ok(text) => rendered.push(text),
                Err(problem) => problems.push(problem),
            },
            None => problems.push(format!(
                "{}: no example; add one to render_catalog.rs",
                def.id
            )),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    insta::assert_snapshot!(rendered.join("\n\n"));
}

/// Whether a message reads as one style of sentence: it starts with a
/// capital letter, or with a name in backticks whose case is fixed, and ends
/// with a period, or a question mark after a suggestion.
fn is_sentence(message: &str) -> bool {
    let starts_well = message
        .chars()
        .next()
        .is_some_and(|first| first.is_ascii_uppercase() || first == '`');
    starts_well && (message.ends_with('.') || message.ends_with('?'))
}

#[test]
fn every_example_message_is_a_sentence() {
    let mut problems = Vec::new();
    for def in catalog::ALL {
        let Some(example) = example(def.id) else {
            continue;
        };
        let dir = tempfile::tempdir().expect("temporary directory");
        for diagnostic in example_diagnostics(def, example, dir.path()) {
            if !is_sentence(&diagnostic.message) {
                problems.push(format!("{} {}", diagnostic.id(), diagnostic.message));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn sample(line: u32, column: u32) -> Diagnostic {
    Diagnostic::new(&catalog::UNEXPECTED_VALUE, "Unexpected value.")
        .at(Location {
            file: "server.xml".into(),
            line,
            column,
        })
        .element("zosconnect_oAuthConfig[o]")
        .attribute("tokenRetryCheckLevel")
}

#[test]
fn render_caret_under_column() {
    let source = "<server>\n  <a b=\"2\"/>\n</server>\n";
    assert_eq!(
        render_text(&sample(2, 8), Some(source)),
        "server.xml:2:8: warning ZCN0032W Unexpected value.\n2 |   <a b=\"2\"/>\n  |        ^"
    );
}

#[test]
fn render_keeps_tabs_and_counts_characters() {
    let source = "\t<é b=\"2\"/>\r\n";
    assert_eq!(
        render_text(&sample(1, 6), Some(source)),
        "server.xml:1:6: warning ZCN0032W Unexpected value.\n1 | \t<é b=\"2\"/>\n  | \t    ^"
    );
}

#[test]
fn render_without_source_or_location() {
    assert_eq!(
        render_text(&sample(9, 1), None),
        "server.xml:9:1: warning ZCN0032W Unexpected value."
    );
    assert_eq!(
        render_text(&sample(99, 1), Some("one line")),
        "server.xml:99:1: warning ZCN0032W Unexpected value."
    );
    let bare = Diagnostic::new(&catalog::CONFIGURATION_REJECTED, "Rejected.");
    assert_eq!(render_text(&bare, None), "error ZCN8134E Rejected.");
}

#[test]
fn render_json_fields() {
    let json = render_json(&sample(3, 4));
    assert_eq!(json["id"], "ZCN0032W");
    assert_eq!(json["severity"], "warning");
    assert_eq!(json["file"], "server.xml");
    assert_eq!(json["line"], 3);
    assert_eq!(json["column"], 4);
    assert_eq!(json["element"], "zosconnect_oAuthConfig[o]");
    assert_eq!(json["attribute"], "tokenRetryCheckLevel");
}
