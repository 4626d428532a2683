//! Which files are read, in which order, and what fails the load.

mod sources_support;

use sha2::{Digest, Sha256};
use sources_support::{value, with_id, ServerDir};
use zconnect_config::load::Limits;
use zconnect_config::LoadOptions;

const EMPTY: &str = "<server/>";

fn endpoint(id: &str, attributes: &str) -> String {
    format!("<server><zosconnect_endpointConnection id=\"{id}\" {attributes}/></server>")
}

#[test]
fn sources_order_is_defaults_server_includes_overrides() {
    let server = ServerDir::new();
    server.write(
        "configDropins/defaults/b.xml",
        &endpoint("e", "port=\"1\" host=\"defaults-b\""),
    );
    server.write(
        "configDropins/defaults/A.XML",
        &endpoint("e", "port=\"0\" connectionTimeout=\"5s\""),
    );
    server.write(
        "server.xml",
        "<server><zosconnect_endpointConnection id=\"e\" port=\"2\"/><include location=\"inc.xml\"/></server>",
    );
    server.write("inc.xml", &endpoint("e", "port=\"3\""));
    server.write(
        "configDropins/overrides/z.xml",
        &endpoint("e", "port=\"4\""),
    );

    let outcome = server.read_ok();

    let names: Vec<String> = outcome
        .sources
        .iter()
        .map(|source| {
            source
                .path
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(names, ["A.XML", "b.xml", "server.xml", "inc.xml", "z.xml"]);
    assert_eq!(
        value(&outcome, "zosconnect_endpointConnection[e]", "port").as_deref(),
        Some("4")
    );
    assert_eq!(
        value(&outcome, "zosconnect_endpointConnection[e]", "host").as_deref(),
        Some("defaults-b")
    );
    assert_eq!(
        value(
            &outcome,
            "zosconnect_endpointConnection[e]",
            "connectionTimeout"
        )
        .as_deref(),
        Some("5s")
    );
}

#[test]
fn sources_record_sha256_of_each_file() {
    let server = ServerDir::new();
    server.write("server.xml", EMPTY);

    let outcome = server.read_ok();

    assert_eq!(outcome.sources.len(), 1);
    let expected = hex::encode(Sha256::digest(EMPTY.as_bytes()));
    assert_eq!(outcome.sources[0].sha256, expected);
    assert_eq!(outcome.sources[0].path, server.path().join("server.xml"));
}

#[test]
fn sources_accept_a_server_xml_path() {
    let server = ServerDir::new();
    let main = server.write("server.xml", &endpoint("e", "port=\"1\""));
    server.write(
        "configDropins/overrides/o.xml",
        &endpoint("e", "port=\"2\""),
    );

    let outcome = zconnect_config::sources::read_configuration(&main, &LoadOptions::default())
        .expect("loads");

    assert_eq!(outcome.server_dir, server.path());
    assert_eq!(
        value(&outcome, "zosconnect_endpointConnection[e]", "port").as_deref(),
        Some("2")
    );
}

#[test]
fn sources_missing_server_xml_is_unreadable() {
    let server = ServerDir::new();

    let failure = server.read_err();

    assert!(failure.unreadable);
    assert_eq!(failure.diagnostics[0].id(), "ZCN0090E");
    assert!(failure
        .attempted
        .contains(&server.path().join("server.xml")));
}

#[test]
fn sources_syntax_error_in_server_xml_fails_the_load() {
    let server = ServerDir::new();
    server.write("server.xml", "<server><a></b></server>");

    let failure = server.read_err();

    assert!(!failure.unreadable);
    assert_eq!(failure.diagnostics.len(), 1);
    assert_eq!(failure.diagnostics[0].id(), "ZCN0014E");
    assert_eq!(failure.sources.len(), 1);
}

#[test]
fn sources_syntax_error_in_an_include_fails_the_load() {
    let server = ServerDir::new();
    server.write(
        "server.xml",
        "<server><include location=\"inc.xml\"/></server>",
    );
    server.write("inc.xml", "<server><a></server>");

    let failure = server.read_err();

    assert!(!failure.unreadable);
    assert_eq!(failure.diagnostics[0].id(), "ZCN0014E");
    let location = failure.diagnostics[0].location.as_ref().unwrap();
    assert_eq!(location.file, server.path().join("inc.xml"));
}

#[test]
fn sources_syntax_error_in_a_dropin_drops_only_that_file() {
    let server = ServerDir::new();
    server.write(
        "configDropins/overrides/bad.xml",
        "<server><zosconnect_endpointConnection id=\"e\" port=\"9\"></server>",
    );
    server.write(
        "configDropins/overrides/bad2.xml",
        "<server><variable name=\"v\" value=\"bad\"/><include location=\"missing.xml\"/></server>",
    );
    server.write(
        "configDropins/overrides/good.xml",
        &endpoint("e", "host=\"h\""),
    );
    server.write("server.xml", "<server><variable name=\"v\" value=\"good\"/><zosconnect_endpointConnection id=\"e\" port=\"1\" name=\"${v}\"/></server>");

    let outcome = server.read_ok();

    let errors: Vec<_> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .collect();
    assert_eq!(errors.len(), 2, "{:#?}", outcome.diagnostics);
    assert_eq!(
        value(&outcome, "zosconnect_endpointConnection[e]", "port").as_deref(),
        Some("1")
    );
    assert_eq!(
        value(&outcome, "zosconnect_endpointConnection[e]", "host").as_deref(),
        Some("h")
    );
    assert_eq!(
        value(&outcome, "zosconnect_endpointConnection[e]", "name").as_deref(),
        Some("good")
    );
}

#[test]
fn sources_dropins_ignore_other_extensions_and_subfolders() {
    let server = ServerDir::new();
    server.write("server.xml", EMPTY);
    server.write("configDropins/defaults/notes.txt", "not xml");
    server.write("configDropins/defaults/sub/deep.xml", &endpoint("deep", ""));
    server.write("configDropins/defaults/server.xml.bak", "<broken");

    let outcome = server.read_ok();

    assert_eq!(outcome.sources.len(), 1);
    assert!(outcome.document.elements.is_empty());
}

#[test]
fn sources_attempted_lists_missing_files_and_dropin_folders() {
    let server = ServerDir::new();
    server.write(
        "server.xml",
        "<server><include location=\"gone.xml\" optional=\"true\"/></server>",
    );

    let outcome = server.read_ok();

    for expected in [
        server.path().join("server.xml"),
        server.path().join("gone.xml"),
        server.path().join("bootstrap.properties"),
        server.path().join("configDropins/defaults"),
        server.path().join("configDropins/overrides"),
    ] {
        assert!(
            outcome.attempted.contains(&expected),
            "{expected:?} not in {:?}",
            outcome.attempted
        );
    }
}

#[test]
fn sources_file_size_limit_is_an_error() {
    let server = ServerDir::new();
    server.write(
        "server.xml",
        &format!("<server description=\"{}\"/>", "x".repeat(200)),
    );
    let options = LoadOptions {
        limits: Limits {
            max_file_size: 100,
            ..Limits::default()
        },
        ..LoadOptions::default()
    };

    let failure = server.read_with(&options).expect_err("too large");

    assert_eq!(failure.diagnostics[0].id(), "ZCN8005E");
    assert!(
        failure.diagnostics[0]
            .message
            .contains("limit of 100 bytes"),
        "{}",
        failure.diagnostics[0].message
    );
}

#[test]
fn sources_file_count_limit_is_an_error() {
    let server = ServerDir::new();
    server.write(
        "server.xml",
        "<server><include location=\"a.xml\"/><include location=\"b.xml\"/></server>",
    );
    server.write("a.xml", EMPTY);
    server.write("b.xml", EMPTY);
    let options = LoadOptions {
        limits: Limits {
            max_files: 2,
            ..Limits::default()
        },
        ..LoadOptions::default()
    };

    let failure = server.read_with(&options).expect_err("too many files");

    assert_eq!(failure.diagnostics.last().unwrap().id(), "ZCN8005E");
    assert!(failure
        .diagnostics
        .last()
        .unwrap()
        .message
        .contains("maximum of 2 files"));
}

#[test]
fn sources_nesting_depth_limit_is_an_error() {
    let server = ServerDir::new();
    server.write("server.xml", "<server><a><b><c/></b></a></server>");
    let options = LoadOptions {
        limits: Limits {
            max_nesting_depth: 3,
            ..Limits::default()
        },
        ..LoadOptions::default()
    };

    let failure = server.read_with(&options).expect_err("too deep");

    let error = &failure.diagnostics[0];
    assert_eq!(error.id(), "ZCN8005E");
    assert!(
        error.message.contains("more than 3 levels"),
        "{}",
        error.message
    );
    assert_eq!(error.location.as_ref().map(|l| l.column), Some(15));
}

#[test]
fn sources_root_must_be_server() {
    let server = ServerDir::new();
    server.write("server.xml", "<client/>");

    let failure = server.read_err();

    assert_eq!(failure.diagnostics[0].id(), "ZCN0105E");
    assert!(failure.diagnostics[0].message.contains("<client>"));
}

#[test]
fn sources_bootstrap_properties_define_variables() {
    let server = ServerDir::new();
    server.write(
        "bootstrap.properties",
        "# comment\nhost.name = from-bootstrap\nbootstrap.include=extra/more.properties\nport=1\n",
    );
    server.write("extra/more.properties", "port=2\ntimeout=9s\n");
    server.write(
        "server.xml",
        "<server><zosconnect_endpointConnection id=\"e\" host=\"${host.name}\" port=\"${port}\" connectionTimeout=\"${timeout}\"/></server>",
    );

    let outcome = server.read_ok();

    assert!(outcome.diagnostics.is_empty(), "{:#?}", outcome.diagnostics);
    assert_eq!(
        value(&outcome, "zosconnect_endpointConnection[e]", "host").as_deref(),
        Some("from-bootstrap")
    );
    assert_eq!(
        value(&outcome, "zosconnect_endpointConnection[e]", "port").as_deref(),
        Some("1")
    );
    assert_eq!(
        value(
            &outcome,
            "zosconnect_endpointConnection[e]",
            "connectionTimeout"
        )
        .as_deref(),
        Some("9s")
    );
    assert_eq!(outcome.variables.bootstrap_property("timeout"), Some("9s"));
    assert!(outcome
        .sources
        .iter()
        .any(|s| s.path.ends_with("extra/more.properties")));
}

#[test]
fn sources_bootstrap_invalid_escape_is_reported() {
    let server = ServerDir::new();
    server.write("bootstrap.properties", "a=1\nbad=\\uZZZZ\n");
    server.write("server.xml", EMPTY);

    let outcome = server.read_ok();

    let errors = with_id(&outcome.diagnostics, "ZCN8007E");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].location.as_ref().map(|l| l.line), Some(2));
    assert_eq!(outcome.variables.bootstrap_property("a"), Some("1"));
    assert_eq!(outcome.variables.bootstrap_property("bad"), None);
}

#[test]
fn sources_nested_server_element_is_ignored_with_a_warning() {
    let server = ServerDir::new();
    server.write(
        "server.xml",
        "<server>\n  <server><zosconnect_authData id=\"d\" user=\"u\"/></server>\n</server>",
    );

    let outcome = server.read_ok();

    assert!(outcome.document.elements.is_empty());
    let warnings = with_id(&outcome.diagnostics, "ZCN0085W");
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].location.as_ref().map(|l| l.line), Some(2));
}

#[test]
fn sources_missing_path_reads_nothing_around_it() {
    let server = ServerDir::new();
    server.write("bootstrap.properties", "a=1\n");
    let missing = server.path().join("nope.xml");

    let failure = zconnect_config::sources::read_configuration(&missing, &LoadOptions::default())
        .expect_err("missing file");

    assert!(failure.unreadable);
    assert_eq!(failure.attempted, vec![missing]);
    assert!(failure.sources.is_empty());
    assert!(failure.diagnostics[0].message.contains("does not exist"));
}
