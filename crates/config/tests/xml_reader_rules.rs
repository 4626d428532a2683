//! The XML reader's rules, one input per case: encodings, markup errors,
//! normalisation, positions and limits.

use std::path::Path;

use zconnect_config::load::Limits;
use zconnect_config::xml::{self, RawDocument, XmlError, XmlErrorKind};

fn parse(text: &[u8]) -> Result<RawDocument, XmlError> {
    xml::parse(text, Path::new("server.xml"), &Limits::default())
}

fn parse_ok(text: &str) -> RawDocument {
    parse(text.as_bytes()).unwrap_or_else(|error| panic!("{error}"))
}

fn parse_err(text: &[u8]) -> XmlError {
    match parse(text) {
        Ok(document) => panic!("parsed: {document:#?}"),
        Err(error) => error,
    }
}

fn line_column(error: &XmlError) -> (u32, u32) {
    (error.location.line, error.location.column)
}

#[test]
fn reader_rejects_utf16_byte_order_marks() {
    for bytes in [
        &b"\xFF\xFE<\x00s\x00"[..],
        b"\xFE\xFF\x00<\x00s",
        b"<\x00s\x00e\x00",
    ] {
        let error = parse_err(bytes);
        assert!(
            matches!(error.kind, XmlErrorKind::Utf16 { .. }),
            "{bytes:?}: {error}"
        );
        assert_eq!(error.to_diagnostic().id(), "ZCN8004E");
    }
}

#[test]
fn reader_rejects_other_declared_encodings() {
    let error = parse_err(b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<server/>");
    assert_eq!(
        error.kind,
        XmlErrorKind::UnsupportedEncoding {
            encoding: "ISO-8859-1".into()
        }
    );
    assert_eq!(line_column(&error), (1, 31));
    assert!(error.to_string().contains("convert the file to UTF-8"));
}

#[test]
fn reader_accepts_utf8_and_ascii_declarations_in_any_case() {
    for encoding in ["UTF-8", "utf-8", "US-ASCII", "us-ascii"] {
        let text = format!("<?xml version=\"1.0\" encoding=\"{encoding}\"?><server/>");
        parse_ok(&text);
    }
}

#[test]
fn reader_declaration_must_come_first() {
    let error = parse_err(b"\n<?xml version=\"1.0\"?><server/>");
    assert!(error.to_string().contains("very start"), "{error}");
}

#[test]
fn reader_rejects_a_doctype_without_entities_too() {
    let error = parse_err(b"<!DOCTYPE server>\n<server/>");
    assert_eq!(error.kind, XmlErrorKind::Doctype);
    assert_eq!(line_column(&error), (1, 1));
}

#[test]
fn reader_rejects_duplicate_attributes() {
    let error = parse_err(b"<server>\n  <a x=\"1\" y=\"2\" x=\"3\"/>\n</server>");
    assert_eq!(
        error.kind,
        XmlErrorKind::DuplicateAttribute {
            name: "x".into(),
            first_line: 2,
            first_column: 6
        }
    );
    assert_eq!(line_column(&error), (2, 18));
}

#[test]
fn reader_rejects_control_characters() {
    let error = parse_err(b"<server>\n a\x01</server>");
    assert_eq!(error.kind, XmlErrorKind::InvalidCharacter { code: 1 });
    assert_eq!(line_column(&error), (2, 3));
}

#[test]
fn reader_rejects_malformed_markup_with_positions() {
    let cases: [(&str, (u32, u32)); 6] = [
        ("<server><a></b></server>", (1, 12)),
        ("<server>\n<a>", (2, 4)),
        ("<server/><server/>", (1, 10)),
        ("<server/>text", (1, 10)),
        ("<server a=1/>", (1, 11)),
        ("", (1, 1)),
    ];
    for (text, expected) in cases {
        let error = parse_err(text.as_bytes());
        assert_eq!(error.to_diagnostic().id(), "ZCN0014E", "{text}: {error}");
        assert_eq!(line_column(&error), expected, "{text}: {error}");
    }
}

#[test]
fn reader_root_must_be_server() {
    let error = parse_err(b"<?xml version=\"1.0\"?>\n<client/>");
    assert_eq!(
        error.kind,
        XmlErrorKind::RootNotServer {
            found: "client".into()
        }
    );
    assert_eq!(line_column(&error), (2, 1));
}

#[test]
fn reader_normalises_attribute_whitespace() {
    let document = parse_ok("<server a=\"x\ty\r\nz\" b=\"p&#10;q&#9;r\"/>");
    assert_eq!(document.root.attributes[0].value, "x y z");
    assert_eq!(document.root.attributes[1].value, "p\nq\tr");
}

#[test]
fn reader_keeps_raw_values_and_positions_of_attributes() {
    let document = parse_ok("<server>\n  <élément  nom='é&amp;x'\n      autre=\"2\"/>\n</server>");
    let element = &document.root.children[0];
    assert_eq!(element.name, "élément");
    assert_eq!((element.location.line, element.location.column), (2, 3));
    let first = &element.attributes[0];
    assert_eq!(first.value, "é&x");
    assert_eq!(first.raw_value, "é&amp;x");
    assert_eq!((first.location.line, first.location.column), (2, 13));
    assert_eq!(
        (first.value_location.line, first.value_location.column),
        (2, 18)
    );
    let second = &element.attributes[1];
    assert_eq!((second.location.line, second.location.column), (3, 7));
}

#[test]
fn reader_allows_greater_than_inside_attribute_values() {
    let document = parse_ok("<server a=\"1>2\"/>");
    assert_eq!(document.root.attributes[0].value, "1>2");
}

#[test]
fn reader_collects_text_and_cdata_and_skips_comments() {
    let document =
        parse_ok("<server><f>\n a&lt;<!-- no --><![CDATA[<b>&amp;]]><?pi x?>c </f></server>");
    let element = &document.root.children[0];
    assert_eq!(element.text, "\n a<<b>&amp;c ");
    assert_eq!(element.text_value(), "a<<b>&amp;c");
    assert_eq!(element.text_pieces.len(), 3);
    let cdata = &element.text_pieces[1];
    assert_eq!((cdata.location.line, cdata.location.column), (2, 27));
}

#[test]
fn reader_nesting_depth_limit_counts_the_root() {
    let limits = Limits {
        max_nesting_depth: 2,
        ..Limits::default()
    };
    let path = Path::new("server.xml");
    assert!(xml::parse(b"<server><a/></server>", path, &limits).is_ok());
    let error = xml::parse(b"<server><a><b/></a></server>", path, &limits).expect_err("too deep");
    assert_eq!(error.kind, XmlErrorKind::TooDeep { max: 2 });
    assert_eq!(error.to_diagnostic().id(), "ZCN8005E");
}

#[test]
fn reader_file_size_limit_is_checked_before_parsing() {
    let limits = Limits {
        max_file_size: 8,
        ..Limits::default()
    };
    let error =
        xml::parse(b"<server></server>", Path::new("server.xml"), &limits).expect_err("too large");
    assert_eq!(error.kind, XmlErrorKind::TooLarge { size: 17, max: 8 });
}

#[test]
fn reader_error_diagnostic_names_the_file() {
    let error = parse_err(b"<server a='&x;'/>");
    let diagnostic = error.to_diagnostic();
    assert!(
        diagnostic
            .message
            .starts_with("The file server.xml cannot be read: undefined entity"),
        "{}",
        diagnostic.message
    );
    assert_eq!(diagnostic.location.as_ref().map(|l| l.column), Some(12));
}
