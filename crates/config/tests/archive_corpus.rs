//! Reading a real archive built by the z/OS Connect build toolkit: the claims
//! sample of the public zosconnect-sample-cobol-apirequester repository. The
//! file is kept outside the repository, so the test is skipped without it.

use std::path::PathBuf;

use zconnect_config::archive::{read_archive, ApiDocumentKind};

fn claims_archive() -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/claims.ara");
    if path.is_file() {
        Some(path)
    } else {
        println!("skipped: {} is not present", path.display());
        None
    }
}

#[test]
fn claims_archive_reads_requester() {
    let Some(path) = claims_archive() else {
        return;
    };
    let bytes = std::fs::read(&path).expect("read claims.ara");

    let archive = read_archive(&bytes, &path).expect("claims.ara reads");

    assert_eq!(archive.name, "Sample-Node.js-Claims-Rule-API_1.0");
    assert_eq!(archive.version.as_deref(), Some("1.0"));
    assert_eq!(archive.connection_ref.as_deref(), Some("nodejsClaims"));
    assert_eq!(
        archive.title.as_deref(),
        Some("Sample Node.js Claims Rule API")
    );
    assert_eq!(archive.api_document.kind, ApiDocumentKind::Swagger2);
    assert_eq!(archive.base_path(), "");
}

#[test]
fn claims_archive_has_get_claim_rule() {
    let Some(path) = claims_archive() else {
        return;
    };
    let bytes = std::fs::read(&path).expect("read claims.ara");

    let archive = read_archive(&bytes, &path).expect("claims.ara reads");

    assert_eq!(archive.operations.len(), 1);
    let operation = &archive.operations[0];
    assert_eq!(operation.method, "GET");
    assert_eq!(operation.relative_path, "/claim/rule");
    assert_eq!(operation.operation_id.as_deref(), Some("getClaimRule"));
    assert!(archive.match_operation("GET", "/claim/rule").is_some());
    assert!(archive.match_operation("POST", "/claim/rule").is_none());
}
