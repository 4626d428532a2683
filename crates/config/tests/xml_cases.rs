//! The real-world XML cases X1 to X6: each input with the outcome zconnect
//! must give.

mod sources_support;

use sources_support::{value, with_id, ServerDir};

#[test]
fn x1_variable_without_value_is_an_error_with_file_and_line() {
    let server = ServerDir::new();
    server.write(
        "server.xml",
        "<server>\n  <variable name=\"asHost\"/>\n  <httpEndpoint id=\"e\" httpPort=\"9080\"/>\n</server>\n",
    );

    let outcome = server.read_ok();

    let errors = with_id(&outcome.diagnostics, "ZCN0092E");
    assert_eq!(errors.len(), 1, "{:#?}", outcome.diagnostics);
    let location = errors[0].location.as_ref().expect("location");
    assert_eq!(location.file, server.path().join("server.xml"));
    assert_eq!(location.line, 2);
    assert!(
        errors[0].message.contains("asHost"),
        "{}",
        errors[0].message
    );
    assert!(
        errors[0].message.contains("line 2"),
        "{}",
        errors[0].message
    );
}

#[test]
fn x1_undefined_reference_stays_literal_with_a_warning_at_the_reference() {
    let server = ServerDir::new();
    server.write(
        "server.xml",
        "<server>\n  <httpEndpoint id=\"e\" host=\"*\"\n      httpPort=\"${undefined.port}\"/>\n</server>\n",
    );

    let outcome = server.read_ok();

    assert_eq!(
        value(&outcome, "httpEndpoint[e]", "httpPort").as_deref(),
        Some("${undefined.port}")
    );
    let warnings = with_id(&outcome.diagnostics, "ZCN8010W");
    assert_eq!(warnings.len(), 1, "{:#?}", outcome.diagnostics);
    let location = warnings[0].location.as_ref().expect("location");
    assert_eq!((location.line, location.column), (3, 17));
    assert_eq!(warnings[0].attribute.as_deref(), Some("httpPort"));
    assert_eq!(warnings[0].element.as_deref(), Some("httpEndpoint[e]"));
}

#[test]
fn x2_utf8_byte_order_mark_is_skipped() {
    let server = ServerDir::new();
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><server/>");
    server.write_bytes("server.xml", &bytes);

    let outcome = server.read_ok();

    assert!(outcome.diagnostics.is_empty(), "{:#?}", outcome.diagnostics);
    assert!(outcome.document.elements.is_empty());
}

#[test]
fn x3_raw_latin1_byte_is_rejected_with_offset() {
    let server = ServerDir::new();
    let mut bytes =
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<server description=\"Caf".to_vec();
    let offset = bytes.len();
    bytes.extend_from_slice(b"\xE9\"/>\n");
    server.write_bytes("server.xml", &bytes);

    let failure = server.read_err();

    assert!(!failure.unreadable);
    assert_eq!(failure.diagnostics.len(), 1, "{:#?}", failure.diagnostics);
    let error = &failure.diagnostics[0];
    assert_eq!(error.id(), "ZCN0014E");
    assert!(
        error.message.contains(&format!("byte offset {offset}")),
        "{}",
        error.message
    );
    assert!(error.message.contains("0xE9"), "{}", error.message);
    assert!(!error.message.contains('\u{FFFD}'), "{}", error.message);
    let location = error.location.as_ref().expect("location");
    assert_eq!((location.line, location.column), (2, 25));
}

#[test]
fn x3_offset_counts_the_byte_order_mark() {
    let server = ServerDir::new();
    server.write_bytes("server.xml", b"\xEF\xBB\xBF<server a=\"\xE9\"/>");

    let failure = server.read_err();

    assert!(
        failure.diagnostics[0].message.contains("byte offset 14"),
        "{}",
        failure.diagnostics[0].message
    );
}

#[test]
fn x4_nested_entity_definitions_are_rejected_at_once() {
    let server = ServerDir::new();
    let bomb = concat!(
        "<?xml version=\"1.0\"?>\n",
        "<!DOCTYPE server [\n",
        "  <!ENTITY a \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">\n",
        "  <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n",
        "  <!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n",
        "  <!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n",
        "]>\n",
        "<server description=\"&d;\"/>\n",
    );
    server.write("server.xml", bomb);

    let failure = server.read_err();

    assert_eq!(failure.diagnostics.len(), 1, "{:#?}", failure.diagnostics);
    let error = &failure.diagnostics[0];
    assert_eq!(error.id(), "ZCN8003E");
    assert_eq!(error.location.as_ref().map(|l| l.line), Some(2));
    assert!(!error.message.contains("aaaa"), "{}", error.message);
}

#[test]
fn x4_external_entity_is_rejected_without_reading_the_file() {
    let server = ServerDir::new();
    let secret = server.write("secret.txt", "TOP-SECRET-CONTENT");
    let xml = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE server [ <!ENTITY x SYSTEM \"file://{}\"> ]>\n<server description=\"&x;\"/>\n",
        secret.display()
    );
    server.write("server.xml", &xml);
    let passwd = server.write(
        "passwd.xml",
        "<?xml version=\"1.0\"?>\n<!DOCTYPE server [ <!ENTITY x SYSTEM \"file:///etc/passwd\"> ]>\n<server description=\"&x;\"/>\n",
    );

    for main in [server.path().join("server.xml"), passwd] {
        let failure = zconnect_config::sources::read_configuration(&main, &Default::default())
            .expect_err("a DOCTYPE must fail the load");

        assert_eq!(failure.diagnostics.len(), 1, "{:#?}", failure.diagnostics);
        assert_eq!(failure.diagnostics[0].id(), "ZCN8003E");
        assert!(!failure.diagnostics[0].message.contains("TOP-SECRET"));
        assert!(!failure.diagnostics[0].message.contains("root:"));
        assert!(
            !failure
                .attempted
                .iter()
                .any(|path| path == &secret || path.ends_with("passwd")),
            "{:?}",
            failure.attempted
        );
        let read: Vec<_> = failure
            .sources
            .iter()
            .map(|source| source.path.clone())
            .collect();
        assert_eq!(read, vec![main.clone()]);
    }
}

#[test]
fn x5_escaped_ampersand_in_url_is_decoded() {
    let server = ServerDir::new();
    server.write(
        "server.xml",
        "<server>\n  <zosconnect_authorizationServer id=\"as\"\n    tokenEndpoint=\"https://as.example.com/token?tenant=a&amp;realm=b\"/>\n</server>\n",
    );

    let outcome = server.read_ok();

    assert_eq!(
        value(
            &outcome,
            "zosconnect_authorizationServer[as]",
            "tokenEndpoint"
        )
        .as_deref(),
        Some("https://as.example.com/token?tenant=a&realm=b")
    );
}

#[test]
fn x6_bare_ampersand_is_an_error_naming_line_and_column() {
    let server = ServerDir::new();
    server.write(
        "server.xml",
        "<server>\n  <zosconnect_authorizationServer id=\"as\"\n    tokenEndpoint=\"https://as.example.com/token?tenant=a&realm=b\"/>\n</server>\n",
    );

    let failure = server.read_err();

    assert_eq!(failure.diagnostics.len(), 1, "{:#?}", failure.diagnostics);
    let error = &failure.diagnostics[0];
    assert_eq!(error.id(), "ZCN0014E");
    let location = error.location.as_ref().expect("location");
    assert_eq!((location.line, location.column), (3, 57));
    assert!(
        error.message.contains("line 3, column 57"),
        "{}",
        error.message
    );
    assert!(error.message.contains("&amp;"), "{}", error.message);
    assert!(error.message.contains("&#160;"), "{}", error.message);
}

#[test]
fn x6_undefined_entity_is_an_error_naming_line_and_column() {
    let server = ServerDir::new();
    server.write(
        "server.xml",
        "<server>\n  <zosconnect_authData id=\"d\" user=\"a&nbsp;b\"/>\n</server>\n",
    );

    let failure = server.read_err();

    let error = &failure.diagnostics[0];
    assert_eq!(error.id(), "ZCN0014E");
    let location = error.location.as_ref().expect("location");
    assert_eq!((location.line, location.column), (2, 38));
    assert!(error.message.contains("&nbsp;"), "{}", error.message);
    assert!(
        error.message.contains("line 2, column 38"),
        "{}",
        error.message
    );
    assert!(error.message.contains("&#160;"), "{}", error.message);
    assert!(error.message.contains("&amp;"), "{}", error.message);
}

#[test]
fn x6_undefined_entity_in_text_is_an_error() {
    let server = ServerDir::new();
    server.write(
        "server.xml",
        "<server>\n  <featureManager>\n    <feature>a&nbsp;</feature>\n  </featureManager>\n</server>\n",
    );

    let failure = server.read_err();

    let location = failure.diagnostics[0].location.as_ref().expect("location");
    assert_eq!((location.line, location.column), (3, 15));
}
