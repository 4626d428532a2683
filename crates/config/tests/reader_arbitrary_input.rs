//! The reader returns, never panics, whatever bytes server.xml holds.

use proptest::prelude::*;
use zconnect_config::load::Limits;
use zconnect_config::xml;

/// Fragments that steer random input toward the reader's edge cases.
fn fragment() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"<server>".to_vec()),
        Just(b"</server>".to_vec()),
        Just(b"<a x=\"1\" y='${v}'>".to_vec()),
        Just(b"</a>".to_vec()),
        Just(b"<b/>".to_vec()),
        Just(b"&amp;".to_vec()),
        Just(b"&#xE9;".to_vec()),
        Just(b"&nbsp;".to_vec()),
        Just(b"&".to_vec()),
        Just(b"<![CDATA[x]]>".to_vec()),
        Just(b"<!-- c -->".to_vec()),
        Just(b"<?xml version=\"1.0\"?>".to_vec()),
        Just(b"<!DOCTYPE server>".to_vec()),
        Just(b"\xEF\xBB\xBF".to_vec()),
        Just(b"\r\n".to_vec()),
        Just("é".as_bytes().to_vec()),
        proptest::collection::vec(any::<u8>(), 0..8),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn reader_never_panics_on_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = xml::parse(&bytes, std::path::Path::new("server.xml"), &Limits::default());
    }

    #[test]
    fn reader_never_panics_on_xml_like_input(parts in proptest::collection::vec(fragment(), 0..40)) {
        let bytes: Vec<u8> = parts.concat();
        let result = xml::parse(&bytes, std::path::Path::new("server.xml"), &Limits::default());
        if let Err(error) = result {
            prop_assert!(error.location.line >= 1);
            prop_assert!(error.location.column >= 1);
        }
    }

    #[test]
    fn read_configuration_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..256), parts in proptest::collection::vec(fragment(), 0..20)) {
        let dir = tempfile::tempdir().expect("temporary directory");
        let mut content = parts.concat();
        content.extend_from_slice(&bytes);
        std::fs::write(dir.path().join("server.xml"), &content).expect("write");
        let _ = zconnect_config::sources::read_configuration(dir.path(), &Default::default());
    }
}
