//! `<include>`: locations, optional files, folders, URLs, cycles and limits.

mod sources_support;

use sources_support::{value, with_id, ServerDir};
use zconnect_config::load::Limits;
use zconnect_config::LoadOptions;

#[test]
fn include_location_is_relative_to_the_including_file() {
    let server = ServerDir::new();
    server.write(
        "server.xml",
        "<server><include location=\"conf/a.xml\"/></server>",
    );
    server.write(
        "conf/a.xml",
        "<server><include location=\"../shared/b.xml\"/></server>",
    );
    server.write(
        "shared/b.xml",
        "<server><zosconnect_authData id=\"d\" user=\"u\"/></server>",
    );

    let outcome = server.read_ok();

    assert_eq!(
        value(&outcome, "zosconnect_authData[d]", "user").as_deref(),
        Some("u")
    );
    assert_eq!(outcome.sources[2].path, server.path().join("shared/b.xml"));
}

#[test]
fn include_location_may_use_variables_defined_earlier() {
    let server = ServerDir::new();
    server.write(
        "server.xml",
        "<server><variable name=\"dir\" value=\"${server.config.dir}/conf\"/><include location=\"${dir}/a.xml\"/></server>",
    );
    server.write(
        "conf/a.xml",
        "<server><zosconnect_authData id=\"d\" user=\"u\"/></server>",
    );

    let outcome = server.read_ok();

    assert!(outcome.diagnostics.is_empty(), "{:#?}", outcome.diagnostics);
    assert_eq!(
        value(&outcome, "zosconnect_authData[d]", "user").as_deref(),
        Some("u")
    );
}

#[test]
fn include_missing_file_fails_the_load() {
    let server = ServerDir::new();
    server.write(
        "server.xml",
        "<server>\n<include location=\"gone.xml\"/>\n</server>",
    );

    let failure = server.read_err();

    assert!(!failure.unreadable);
    let error = &failure.diagnostics[0];
    assert_eq!(error.id(), "ZCN0090E");
    assert!(error.message.contains("gone.xml"), "{}", error.message);
    assert_eq!(error.location.as_ref().map(|l| l.line), Some(2));
    assert!(failure.attempted.contains(&server.path().join("gone.xml")));
}

#[test]
fn include_optional_missing_file_is_an_info() {
    let server = ServerDir::new();
    server.write(
        "server.xml",
        "<server><include location=\"gone.xml\" optional=\"TRUE\"/></server>",
    );

    let outcome = server.read_ok();

    assert_eq!(outcome.diagnostics.len(), 1);
    assert_eq!(outcome.diagnostics[0].id(), "ZCN0005I");
}

#[test]
fn include_without_location_is_an_error_naming_file_and_line() {
    let server = ServerDir::new();
    server.write(
        "server.xml",
        "<server>\n\n<include optional=\"true\"/>\n</server>",
    );

    let outcome = server.read_ok();

    let errors = with_id(&outcome.diagnostics, "ZCN0089E");
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].message.contains("line 3"),
        "{}",
        errors[0].message
    );
    assert!(
        errors[0].message.contains("server.xml"),
        "{}",
        errors[0].message
    );
}

#[test]
fn include_url_is_rejected() {
    let server = ServerDir::new();
    server.write(
        "server.xml",
        "<server><include location=\"HTTPS://config.example.test/a.xml\"/></server>",
    );

    let failure = server.read_err();

    assert_eq!(failure.diagnostics[0].id(), "ZCN8006E");
    assert!(failure.diagnostics[0].message.contains("does not fetch"));
}

#[test]
fn include_optional_url_is_rejected_without_failing() {
    let server = ServerDir::new();
    server.write(
        "server.xml",
        "<server><include optional=\"true\" location=\"http://127.0.0.1:1/a.xml\"/></server>",
    );

    let outcome = server.read_ok();

    assert_eq!(with_id(&outcome.diagnostics, "ZCN8006E").len(), 1);
}

#[test]
fn include_directory_reads_xml_files_in_lower_case_order() {
    let server = ServerDir::new();
    server.write(
        "server.xml",
        "<server><include location=\"parts/\"/></server>",
    );
    server.write(
        "parts/B.xml",
        "<server><zosconnect_authData id=\"d\" user=\"B\"/></server>",
    );
    server.write(
        "parts/a.XML",
        "<server><zosconnect_authData id=\"d\" user=\"a\"/></server>",
    );
    server.write("parts/c.txt", "ignored");

    let outcome = server.read_ok();

    let names: Vec<_> = outcome
        .sources
        .iter()
        .map(|s| s.path.file_name().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["server.xml", "a.XML", "B.xml"]);
    assert_eq!(
        value(&outcome, "zosconnect_authData[d]", "user").as_deref(),
        Some("B")
    );
}

#[test]
fn include_cycle_is_a_warning_and_is_skipped() {
    let server = ServerDir::new();
    server.write(
        "server.xml",
        "<server><include location=\"a.xml\"/></server>",
    );
    server.write(
        "a.xml",
        "<server><include location=\"b.xml\"/><zosconnect_authData id=\"a\" user=\"a\"/></server>",
    );
    server.write(
        "b.xml",
        "<server><include location=\"a.xml\"/><zosconnect_authData id=\"b\" user=\"b\"/></server>",
    );

    let outcome = server.read_ok();

    let warnings = with_id(&outcome.diagnostics, "ZCN0042W");
    assert_eq!(warnings.len(), 1);
    let message = &warnings[0].message;
    assert!(message.contains("server.xml -> "), "{message}");
    assert!(message.contains("a.xml -> "), "{message}");
    assert_eq!(outcome.document.elements.len(), 2);
}

#[test]
fn include_depth_limit_is_an_error() {
    let server = ServerDir::new();
    server.write(
        "server.xml",
        "<server><include location=\"1.xml\"/></server>",
    );
    server.write("1.xml", "<server><include location=\"2.xml\"/></server>");
    server.write("2.xml", "<server><include location=\"3.xml\"/></server>");
    server.write("3.xml", "<server/>");
    let options = LoadOptions {
        limits: Limits {
            max_include_depth: 2,
            ..Limits::default()
        },
        ..LoadOptions::default()
    };

    let failure = server.read_with(&options).expect_err("too deep");

    assert_eq!(failure.diagnostics[0].id(), "ZCN8005E");
    assert!(failure.diagnostics[0]
        .message
        .contains("more than 2 levels"));
}

#[test]
fn include_invalid_on_conflict_warns_and_merges() {
    let server = ServerDir::new();
    server.write(
        "server.xml",
        "<server><zosconnect_authData id=\"d\" user=\"u\" password=\"p\"/><include location=\"a.xml\" onConflict=\"OVERWRITE\"/></server>",
    );
    server.write(
        "a.xml",
        "<server><zosconnect_authData id=\"d\" user=\"v\"/></server>",
    );

    let outcome = server.read_ok();

    assert_eq!(with_id(&outcome.diagnostics, "ZCN0094W").len(), 1);
    assert_eq!(
        value(&outcome, "zosconnect_authData[d]", "user").as_deref(),
        Some("v")
    );
    assert_eq!(
        value(&outcome, "zosconnect_authData[d]", "password").as_deref(),
        Some("p")
    );
}

#[test]
fn include_every_missing_file_is_reported() {
    let server = ServerDir::new();
    server.write(
        "server.xml",
        "<server>\n<include location=\"gone1.xml\"/>\n<include location=\"gone2.xml\"/>\n</server>",
    );

    let failure = server.read_err();

    let errors = with_id(&failure.diagnostics, "ZCN0090E");
    assert_eq!(errors.len(), 2, "{:#?}", failure.diagnostics);
    assert!(errors[0].message.contains("gone1.xml"));
    assert!(errors[1].message.contains("gone2.xml"));
}

#[test]
fn include_empty_location_is_a_missing_location_at_its_line() {
    let server = ServerDir::new();
    server.write(
        "server.xml",
        "<server>\n\n<include location=\"\"/>\n</server>",
    );

    let outcome = server.read_ok();

    let errors = with_id(&outcome.diagnostics, "ZCN0089E");
    assert_eq!(errors.len(), 1, "{:#?}", outcome.diagnostics);
    assert_eq!(errors[0].location.as_ref().map(|l| l.line), Some(3));
    assert!(with_id(&outcome.diagnostics, "ZCN0090E").is_empty());
}

#[test]
fn include_location_empty_after_expansion_is_a_missing_location() {
    let server = ServerDir::new();
    server.write(
        "server.xml",
        "<server><variable name=\"none\" value=\"\"/><include location=\"${none}\"/></server>",
    );

    let outcome = server.read_ok();

    assert_eq!(with_id(&outcome.diagnostics, "ZCN0089E").len(), 1);
    assert!(with_id(&outcome.diagnostics, "ZCN0090E").is_empty());
}

#[test]
fn file_count_limit_is_reported_once() {
    let server = ServerDir::new();
    server.write("server.xml", "<server/>");
    for index in 0..6 {
        server.write(
            &format!("configDropins/overrides/d{index}.xml"),
            "<server/>",
        );
    }
    let options = LoadOptions {
        limits: Limits {
            max_files: 3,
            ..Limits::default()
        },
        ..LoadOptions::default()
    };

    let outcome = server
        .read_with(&options)
        .expect("dropins never fail the load");

    let limits = with_id(&outcome.diagnostics, "ZCN8005E");
    assert_eq!(limits.len(), 1, "{:#?}", outcome.diagnostics);
}
