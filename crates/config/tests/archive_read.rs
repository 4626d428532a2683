//! Reading one API requester archive: valid Swagger 2.0 and OpenAPI 3
//! archives, every form of invalid archive, and the zip bomb limits.

mod archive_support;

use std::path::Path;

use archive_support::{openapi_document, swagger_document, upload_name, zip_of, Package, PathSpec};
use zconnect_config::archive::{
    read_archive, read_archive_with_limits, ApiDocumentKind, ArchiveError, ArchiveLimits,
};

fn base_path_of(document: &str) -> String {
    let bytes = Package::default().archive_with(document);
    let archive = read_archive(&bytes, &upload_name()).expect("archive reads");
    archive.base_path().to_owned()
}

fn read_error(bytes: &[u8]) -> ArchiveError {
    read_archive(bytes, &upload_name()).expect_err("archive is rejected")
}

#[test]
fn swagger_archive_reads_package_fields() {
    let bytes = Package::default().archive();

    let archive = read_archive(&bytes, Path::new("/srv/petstore.ara")).expect("archive reads");

    assert_eq!(archive.name, "petstore_1.0.0");
    assert_eq!(archive.version.as_deref(), Some("1.0.0"));
    assert_eq!(archive.title.as_deref(), Some("Pet store"));
    assert_eq!(archive.description.as_deref(), Some("Pets for sale"));
    assert_eq!(archive.connection_ref.as_deref(), Some("petstoreConn"));
    assert_eq!(archive.path, Path::new("/srv/petstore.ara"));
}

#[test]
fn swagger_archive_lists_every_method_of_every_path() {
    let bytes = Package::default().archive();

    let archive = read_archive(&bytes, &upload_name()).expect("archive reads");

    let operations: Vec<(&str, &str)> = archive
        .operations
        .iter()
        .map(|operation| (operation.method.as_str(), operation.relative_path.as_str()))
        .collect();
    assert_eq!(
        operations,
        [
            ("GET", "/pets"),
            ("POST", "/pets"),
            ("GET", "/pets/{petId}"),
            ("DELETE", "/pets/{petId}"),
        ]
    );
    assert_eq!(
        archive.operations[0].operation_id.as_deref(),
        Some("get_pets")
    );
}

#[test]
fn swagger_archive_takes_base_path_and_info() {
    let bytes = Package::default().archive_with(&swagger_document(Some("/api/v1/")));

    let archive = read_archive(&bytes, &upload_name()).expect("archive reads");

    assert_eq!(archive.api_document.kind, ApiDocumentKind::Swagger2);
    assert_eq!(archive.api_document.doc_type.as_deref(), Some("SWAGGER"));
    assert_eq!(archive.api_document.entry, "api-docs/petstore.json");
    assert_eq!(archive.api_document.title.as_deref(), Some("Pet store API"));
    assert_eq!(archive.api_document.version.as_deref(), Some("1.0.0"));
    assert_eq!(
        archive.base_path(),
        "/api/v1",
        "the trailing slash is removed"
    );
}

#[test]
fn swagger_without_base_path_has_empty_base_path() {
    assert_eq!(base_path_of(&swagger_document(None)), "");
    assert_eq!(base_path_of(&swagger_document(Some("/"))), "");
}

#[test]
fn archive_sha256_is_of_archive_bytes() {
    let bytes = Package::default().archive();

    let archive = read_archive(&bytes, &upload_name()).expect("archive reads");

    use sha2::Digest;
    let expected = hex::encode(sha2::Sha256::digest(&bytes));
    assert_eq!(archive.sha256, expected);
}

#[test]
fn openapi_relative_server_url_is_base_path() {
    let document = openapi_document(r#"[{ "url": "/petstore/v2" }]"#);

    let bytes = Package::default().archive_with(&document);
    let archive = read_archive(&bytes, &upload_name()).expect("archive reads");

    assert_eq!(archive.api_document.kind, ApiDocumentKind::OpenApi3);
    assert_eq!(archive.api_document.version.as_deref(), Some("2.1.0"));
    assert_eq!(archive.base_path(), "/petstore/v2");
}

#[test]
fn openapi_absolute_server_url_gives_its_path() {
    let document = openapi_document(
        r#"[{ "url": "https://127.0.0.1:8443/shop/v3/?tenant=a" }, { "url": "/other" }]"#,
    );

    assert_eq!(base_path_of(&document), "/shop/v3");
}

#[test]
fn openapi_server_variable_takes_its_default() {
    let document = openapi_document(
        r#"[{
            "url": "{scheme}://127.0.0.1:{port}/{basePath}",
            "variables": {
                "scheme": { "default": "https", "enum": ["https", "http"] },
                "port": { "default": "8443" },
                "basePath": { "default": "v2/store" }
            }
        }]"#,
    );

    assert_eq!(base_path_of(&document), "/v2/store");
}

#[test]
fn openapi_relative_url_without_slash_is_rooted() {
    assert_eq!(
        base_path_of(&openapi_document(r#"[{ "url": "v1" }]"#)),
        "/v1"
    );
    assert_eq!(
        base_path_of(&openapi_document(r#"[{ "url": "./v1/" }]"#)),
        "/v1"
    );
}

#[test]
fn openapi_without_servers_has_empty_base_path() {
    assert_eq!(base_path_of(&openapi_document("[]")), "");
    assert_eq!(base_path_of(&openapi_document(r#"[{ "url": "/" }]"#)), "");
}

#[test]
fn openapi_variable_without_default_is_rejected() {
    let document = openapi_document(r#"[{ "url": "/{version}/store", "variables": {} }]"#);
    let bytes = Package::default().archive_with(&document);

    let error = read_error(&bytes);

    assert!(
        matches!(&error, ArchiveError::ApiDocumentInvalid { reason, .. } if reason.contains("{version}")),
        "{error:?}"
    );
}

#[test]
fn not_a_zip_is_rejected() {
    let error = read_error(b"<server/>");

    assert!(matches!(error, ArchiveError::NotAZip { .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("upload.ara"), "{message}");
    assert!(message.contains("not a valid zip file"), "{message}");
}

#[test]
fn archive_without_package_xml_is_rejected() {
    let bytes = zip_of(&[("api-docs/petstore.json", swagger_document(None).as_bytes())]);

    let error = read_error(&bytes);

    assert_eq!(
        error,
        ArchiveError::PackageXmlMissing {
            archive: "upload.ara".to_owned()
        }
    );
    assert!(error.to_string().contains("no package.xml"), "{error}");
}

#[test]
fn service_archive_is_rejected_as_wrong_package_type() {
    let package = Package {
        package_type: "service",
        ..Package::default()
    };

    let error = read_error(&package.archive());

    assert_eq!(
        error,
        ArchiveError::WrongPackageType {
            archive: "upload.ara".to_owned(),
            found: Some("service".to_owned()),
        }
    );
    assert!(error.to_string().contains("\"service\""), "{error}");
}

#[test]
fn malformed_package_xml_reports_line_and_column() {
    let xml = "<?xml version=\"1.0\"?>\n<zosConnectApi id=\"a\" packageType=\"requester\">\n  <apiSpec>\n  </apiSpc>\n</zosConnectApi>\n";
    let bytes = zip_of(&[("package.xml", xml.as_bytes())]);

    let error = read_error(&bytes);

    let ArchiveError::PackageXmlMalformed { position, .. } = &error else {
        panic!("expected a malformed package.xml, got {error:?}");
    };
    let position = position.expect("the error has a position");
    assert_eq!(position.line, 4, "{error}");
    assert!(error.to_string().contains("4:"), "{error}");
}

#[test]
fn package_xml_with_unclosed_root_is_malformed() {
    let xml = "<zosConnectApi id=\"a\" packageType=\"requester\">\n<apiSpec/>\n";
    let bytes = zip_of(&[("package.xml", xml.as_bytes())]);

    let error = read_error(&bytes);

    let ArchiveError::PackageXmlMalformed { reason, .. } = &error else {
        panic!("expected a malformed package.xml, got {error:?}");
    };
    assert!(reason.contains("<zosConnectApi> is not closed"), "{reason}");
}

#[test]
fn package_xml_with_undefined_entity_is_malformed() {
    let xml = "<zosConnectApi id=\"a&nbsp;b\" packageType=\"requester\"/>";
    let bytes = zip_of(&[("package.xml", xml.as_bytes())]);

    let error = read_error(&bytes);

    assert!(
        matches!(error, ArchiveError::PackageXmlMalformed { .. }),
        "{error:?}"
    );
}

#[test]
fn package_xml_with_doctype_is_malformed() {
    let xml = "<!DOCTYPE zosConnectApi [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<zosConnectApi id=\"&x;\" packageType=\"requester\"/>";
    let bytes = zip_of(&[("package.xml", xml.as_bytes())]);

    let error = read_error(&bytes);

    let ArchiveError::PackageXmlMalformed { reason, .. } = &error else {
        panic!("expected a malformed package.xml, got {error:?}");
    };
    assert!(reason.contains("DOCTYPE"), "{reason}");
}

#[test]
fn package_xml_with_other_root_is_malformed() {
    let bytes = zip_of(&[("package.xml", b"<server/>".as_slice())]);

    let error = read_error(&bytes);

    let ArchiveError::PackageXmlMalformed { reason, .. } = &error else {
        panic!("expected a malformed package.xml, got {error:?}");
    };
    assert!(reason.contains("<server>"), "{reason}");
}

#[test]
fn package_xml_without_id_is_malformed() {
    let bytes = zip_of(&[(
        "package.xml",
        b"<zosConnectApi packageType=\"requester\"><apiSpec/></zosConnectApi>".as_slice(),
    )]);

    let error = read_error(&bytes);

    let ArchiveError::PackageXmlMalformed { reason, .. } = &error else {
        panic!("expected a malformed package.xml, got {error:?}");
    };
    assert!(reason.contains("no id"), "{reason}");
}

#[test]
fn requester_id_with_slash_is_rejected() {
    for id in ["../evil", "a/b", ".hidden", "a\\b"] {
        let package = Package {
            id,
            ..Package::default()
        };

        let error = read_error(&package.archive());

        assert!(
            matches!(&error, ArchiveError::PackageXmlMalformed { reason, .. } if reason.contains("cannot be an API requester name")),
            "id {id}: {error:?}"
        );
    }
}

#[test]
fn invalid_relative_path_is_malformed() {
    for relative_path in ["pets", "/pets/{id", "/pets/{}", "/pets/id}", "/pets/{a}{b}"] {
        let package = Package {
            paths: vec![PathSpec {
                relative_path,
                methods: &["GET"],
            }],
            ..Package::default()
        };

        let error = read_error(&package.archive());

        assert!(
            matches!(&error, ArchiveError::PackageXmlMalformed { position: Some(_), reason, .. } if reason.contains("relativePath")),
            "relativePath {relative_path}: {error:?}"
        );
    }
}

#[test]
fn missing_api_document_is_rejected() {
    let xml = Package::default().xml();
    let bytes = zip_of(&[("package.xml", xml.as_bytes())]);

    let error = read_error(&bytes);

    assert_eq!(
        error,
        ArchiveError::ApiDocumentMissing {
            archive: "upload.ara".to_owned(),
            entry: "api-docs/petstore.json".to_owned(),
        }
    );
}

#[test]
fn api_document_with_invalid_json_reports_position() {
    let bytes = Package::default().archive_with("{\n  \"swagger\": \"2.0\",\n  oops\n}");

    let error = read_error(&bytes);

    let ArchiveError::ApiDocumentInvalid { position, .. } = &error else {
        panic!("expected an invalid API document, got {error:?}");
    };
    assert_eq!(position.map(|position| position.line), Some(3), "{error}");
    assert_eq!(
        error.to_string().matches("line 3").count(),
        0,
        "the position is given once, as 3:col: {error}"
    );
    assert!(error.to_string().contains(" at 3:"), "{error}");
}

#[test]
fn api_document_of_unknown_kind_is_rejected() {
    let bytes = Package::default().archive_with(r#"{ "swagger": "1.2" }"#);

    let error = read_error(&bytes);

    assert!(
        matches!(&error, ArchiveError::ApiDocumentInvalid { reason, .. } if reason.contains("\"2.0\"")),
        "{error:?}"
    );
}

#[test]
fn traversal_entry_names_are_never_read() {
    // The only entries read are package.xml and the API document it names;
    // an entry with a traversal name is just another name in the zip.
    let xml = Package::default().xml();
    let document = swagger_document(Some("/v1"));
    let bytes = zip_of(&[
        ("../../package.xml", b"<not-xml".as_slice()),
        ("package.xml", xml.as_bytes()),
        ("api-docs/petstore.json", document.as_bytes()),
    ]);

    let archive = read_archive(&bytes, &upload_name()).expect("archive reads");

    assert_eq!(archive.name, "petstore_1.0.0");
}

#[test]
fn zip_bomb_entry_is_rejected_by_entry_limit() {
    // 8 MiB of zeros deflates to a few KiB.
    let zeros = vec![0_u8; 8 * 1024 * 1024];
    let xml = Package::default().xml();
    let bytes = zip_of(&[
        ("package.xml", xml.as_bytes()),
        ("api-docs/petstore.json", zeros.as_slice()),
    ]);
    assert!(
        bytes.len() < 64 * 1024,
        "the test archive is small: {}",
        bytes.len()
    );
    let limits = ArchiveLimits {
        max_entry_size: 1024 * 1024,
        ..ArchiveLimits::default()
    };

    let error = read_archive_with_limits(&bytes, &upload_name(), limits).expect_err("rejected");

    assert_eq!(
        error,
        ArchiveError::EntryTooLarge {
            archive: "upload.ara".to_owned(),
            entry: "api-docs/petstore.json".to_owned(),
            limit: 1024 * 1024,
        }
    );
    assert!(error.to_string().contains("zip bomb"), "{error}");
}

/// Rewrites the uncompressed size that the local and central headers of
/// `entry` declare, as a hostile archive would.
fn understate_size(bytes: &mut [u8], entry: &str, size: u32) {
    const LOCAL_HEADER: [u8; 4] = [0x50, 0x4b, 0x03, 0x04];
    const CENTRAL_HEADER: [u8; 4] = [0x50, 0x4b, 0x01, 0x02];
    let name = entry.as_bytes();
    let mut patched = 0;

    for start in 0..bytes.len().saturating_sub(name.len()) {
        if &bytes[start..start + name.len()] != name {
            continue;
        }
        if start >= 30 && bytes[start - 30..start - 26] == LOCAL_HEADER {
            bytes[start - 30 + 22..start - 30 + 26].copy_from_slice(&size.to_le_bytes());
            patched += 1;
        }
        if start >= 46 && bytes[start - 46..start - 42] == CENTRAL_HEADER {
            bytes[start - 46 + 24..start - 46 + 28].copy_from_slice(&size.to_le_bytes());
            patched += 1;
        }
    }

    assert_eq!(patched, 2, "both headers of {entry} are patched");
}

#[test]
fn zip_bomb_with_understated_size_is_rejected() {
    let zeros = vec![0_u8; 4 * 1024 * 1024];
    let xml = Package::default().xml();
    let mut bytes = zip_of(&[
        ("package.xml", xml.as_bytes()),
        ("api-docs/petstore.json", zeros.as_slice()),
    ]);
    understate_size(&mut bytes, "api-docs/petstore.json", 100);
    let limits = ArchiveLimits {
        max_entry_size: 1024 * 1024,
        ..ArchiveLimits::default()
    };

    let error = read_archive_with_limits(&bytes, &upload_name(), limits).expect_err("rejected");

    assert!(
        matches!(&error, ArchiveError::EntryTooLarge { entry, .. } if entry == "api-docs/petstore.json"),
        "{error:?}"
    );
}

#[test]
fn entries_over_total_limit_are_rejected() {
    let padding = " ".repeat(600 * 1024);
    let document = format!("{}{padding}", swagger_document(None));
    let bytes = Package::default().archive_with(&document);
    let limits = ArchiveLimits {
        max_entry_size: 1024 * 1024,
        max_total_size: 512 * 1024,
        ..ArchiveLimits::default()
    };

    let error = read_archive_with_limits(&bytes, &upload_name(), limits).expect_err("rejected");

    assert!(
        matches!(error, ArchiveError::TotalTooLarge { limit: 524_288, .. }),
        "{error:?}"
    );
}

#[test]
fn archive_over_size_limit_is_rejected() {
    let bytes = Package::default().archive();
    let limits = ArchiveLimits {
        max_archive_size: 100,
        ..ArchiveLimits::default()
    };

    let error = read_archive_with_limits(&bytes, &upload_name(), limits).expect_err("rejected");

    assert!(
        matches!(error, ArchiveError::ArchiveTooLarge { limit: 100, .. }),
        "{error:?}"
    );
}

#[test]
fn archive_with_too_many_entries_is_rejected() {
    let names: Vec<String> = (0..20).map(|index| format!("filler/{index}.txt")).collect();
    let mut entries: Vec<(&str, &[u8])> = names
        .iter()
        .map(|name| (name.as_str(), b"x".as_slice()))
        .collect();
    let xml = Package::default().xml();
    entries.push(("package.xml", xml.as_bytes()));
    let bytes = zip_of(&entries);
    let limits = ArchiveLimits {
        max_entries: 10,
        ..ArchiveLimits::default()
    };

    let error = read_archive_with_limits(&bytes, &upload_name(), limits).expect_err("rejected");

    assert_eq!(
        error,
        ArchiveError::TooManyEntries {
            archive: "upload.ara".to_owned(),
            entries: 21,
            limit: 10,
        }
    );
}
