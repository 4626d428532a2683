//! Scanning the API requester archive folder.

mod archive_support;

use std::fs;
use std::path::Path;

use archive_support::Package;
use zconnect_config::archive::{scan_folder, scan_folder_with_limits, ArchiveLimits};
use zconnect_config::diagnostics::catalog;
use zconnect_config::Severity;

fn write(folder: &Path, name: &str, bytes: &[u8]) {
    fs::write(folder.join(name), bytes).expect("write archive");
}

fn package_named(id: &'static str) -> Package {
    Package {
        id,
        ..Package::default()
    }
}

#[test]
fn missing_folder_is_info() {
    let root = tempfile::tempdir().expect("temporary directory");
    let folder = root.path().join("resources/zosconnect/apiRequesters");

    let scan = scan_folder(&folder);

    assert!(scan.archives.is_empty());
    assert_eq!(scan.diagnostics.len(), 1, "{:?}", scan.diagnostics);
    let diagnostic = &scan.diagnostics[0];
    assert_eq!(diagnostic.severity(), Severity::Info);
    assert_eq!(diagnostic.id(), catalog::REQUESTERS_FOLDER_MISSING.id);
    assert!(
        diagnostic.message.contains("apiRequesters"),
        "{}",
        diagnostic.message
    );
}

#[test]
fn file_in_place_of_folder_is_error() {
    let root = tempfile::tempdir().expect("temporary directory");
    let folder = root.path().join("apiRequesters");
    fs::write(&folder, b"not a folder").expect("write file");

    let scan = scan_folder(&folder);

    assert_eq!(scan.diagnostics.len(), 1, "{:?}", scan.diagnostics);
    assert_eq!(
        scan.diagnostics[0].id(),
        catalog::ARCHIVE_FOLDER_UNREADABLE.id
    );
}

#[test]
fn empty_folder_has_no_diagnostics() {
    let folder = tempfile::tempdir().expect("temporary directory");

    let scan = scan_folder(folder.path());

    assert!(scan.archives.is_empty());
    assert!(scan.diagnostics.is_empty(), "{:?}", scan.diagnostics);
    assert!(scan.files.is_empty());
}

#[test]
fn archives_load_in_lower_cased_name_order() {
    let folder = tempfile::tempdir().expect("temporary directory");
    write(folder.path(), "b.ara", &package_named("second").archive());
    write(folder.path(), "C.ARA", &package_named("third").archive());
    write(folder.path(), "A.Ara", &package_named("first").archive());

    let scan = scan_folder(folder.path());

    let names: Vec<&str> = scan
        .archives
        .iter()
        .map(|archive| archive.name.as_str())
        .collect();
    assert_eq!(names, ["first", "second", "third"]);
    assert!(scan.diagnostics.is_empty(), "{:?}", scan.diagnostics);
}

#[test]
fn other_files_and_temporary_names_are_skipped() {
    let folder = tempfile::tempdir().expect("temporary directory");
    let bytes = package_named("kept").archive();
    write(folder.path(), "kept.ara", &bytes);
    write(
        folder.path(),
        ".upload-1234.ara",
        &package_named("temporary").archive(),
    );
    write(folder.path(), "notes.txt", b"not an archive");
    write(folder.path(), "kept.ara.bak", &bytes);
    fs::create_dir(folder.path().join("folder.ara")).expect("create folder");

    let scan = scan_folder(folder.path());

    let names: Vec<&str> = scan
        .archives
        .iter()
        .map(|archive| archive.name.as_str())
        .collect();
    assert_eq!(names, ["kept"]);
    assert!(scan.diagnostics.is_empty(), "{:?}", scan.diagnostics);
    assert_eq!(scan.files.len(), 1);
}

#[test]
fn invalid_archive_is_error_and_others_load() {
    let folder = tempfile::tempdir().expect("temporary directory");
    write(folder.path(), "a.ara", &package_named("good_a").archive());
    write(folder.path(), "broken.ara", b"this is not a zip file");
    write(folder.path(), "c.ara", &package_named("good_c").archive());

    let scan = scan_folder(folder.path());

    let names: Vec<&str> = scan
        .archives
        .iter()
        .map(|archive| archive.name.as_str())
        .collect();
    assert_eq!(names, ["good_a", "good_c"]);
    assert_eq!(scan.diagnostics.len(), 1, "{:?}", scan.diagnostics);
    let diagnostic = &scan.diagnostics[0];
    assert_eq!(diagnostic.id(), catalog::ARCHIVE_INVALID.id);
    assert!(diagnostic.is_error());
    assert!(
        diagnostic.message.contains("broken.ara"),
        "{}",
        diagnostic.message
    );
}

#[test]
fn invalid_archive_is_still_a_watched_file() {
    let folder = tempfile::tempdir().expect("temporary directory");
    write(folder.path(), "broken.ara", b"this is not a zip file");

    let scan = scan_folder(folder.path());

    assert_eq!(scan.files.len(), 1);
    assert_eq!(scan.files[0].path, folder.path().join("broken.ara"));
    assert_eq!(scan.files[0].sha256.len(), 64);
}

#[test]
fn duplicate_requester_name_rejects_later_file() {
    let folder = tempfile::tempdir().expect("temporary directory");
    write(
        folder.path(),
        "first.ara",
        &package_named("petstore_1.0.0").archive(),
    );
    let second = Package {
        version: "2.0.0",
        ..Package::default()
    };
    write(folder.path(), "second.ara", &second.archive());

    let scan = scan_folder(folder.path());

    assert_eq!(scan.archives.len(), 1);
    assert_eq!(scan.archives[0].path, folder.path().join("first.ara"));
    assert_eq!(scan.diagnostics.len(), 1, "{:?}", scan.diagnostics);
    let diagnostic = &scan.diagnostics[0];
    assert_eq!(diagnostic.id(), catalog::ARCHIVE_DUPLICATE_NAME.id);
    assert!(
        diagnostic.message.contains("first.ara"),
        "{}",
        diagnostic.message
    );
    assert!(
        diagnostic.message.contains("second.ara"),
        "{}",
        diagnostic.message
    );
    assert!(
        diagnostic.message.contains("petstore_1.0.0"),
        "{}",
        diagnostic.message
    );
    assert_eq!(scan.files.len(), 2, "both files are watched");
}

#[test]
fn archive_over_size_limit_is_error() {
    let folder = tempfile::tempdir().expect("temporary directory");
    write(folder.path(), "big.ara", &Package::default().archive());
    let limits = ArchiveLimits {
        max_archive_size: 64,
        ..ArchiveLimits::default()
    };

    let scan = scan_folder_with_limits(folder.path(), limits);

    assert!(scan.archives.is_empty());
    assert_eq!(scan.diagnostics.len(), 1, "{:?}", scan.diagnostics);
    assert!(scan.diagnostics[0]
        .message
        .contains("larger than the limit of 64 bytes"));
}

#[test]
fn archive_path_is_the_file_path() {
    let folder = tempfile::tempdir().expect("temporary directory");
    write(folder.path(), "petstore.ara", &Package::default().archive());

    let scan = scan_folder(folder.path());

    assert_eq!(scan.archives[0].path, folder.path().join("petstore.ara"));
    assert_eq!(scan.files[0].sha256, scan.archives[0].sha256);
}
