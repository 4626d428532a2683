//! API requester archives (`.ara`): reading one archive, scanning the archive
//! folder, matching operations, and combining archives with the requesters
//! declared in server.xml.
//!
//! An `.ara` file is a zip file built by the z/OS Connect build toolkit
//! (`zconbt`). zconnect reads two entries of it: `package.xml` (requester id,
//! description, `connectionRef`, operations) and the API document it names
//! (for the base path). Mapping files are ignored because zconnect does not
//! convert copybooks. Nothing is extracted to disk.

mod api_doc;
mod entries;
mod error;
mod folder;
mod operations;
mod package;
mod requesters;

use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

pub use api_doc::{ApiDocument, ApiDocumentKind};
pub use error::{ArchiveError, TextPosition};
pub use folder::{scan_folder, scan_folder_with_limits, FolderScan, ARCHIVE_EXTENSION};
pub use operations::{match_operation, Operation};
pub use requesters::{
    merge_requesters, OperationMatch, Requester, RequesterOrigin, RequesterSet, RequesterSettings,
};

/// The `packageType` of an API requester archive.
const REQUESTER_PACKAGE_TYPE: &str = "requester";

/// Bounds that keep a hostile or broken archive from exhausting memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArchiveLimits {
    /// Maximum archive file size, in bytes.
    pub max_archive_size: u64,
    /// Maximum number of entries in the zip directory.
    pub max_entries: usize,
    /// Maximum expanded size of one entry that zconnect reads, in bytes.
    pub max_entry_size: u64,
    /// Maximum expanded size of all entries read from one archive, in bytes.
    pub max_total_size: u64,
}

impl Default for ArchiveLimits {
    /// Returns limits sized well above real archives (the claims sample is
    /// 6 KiB with 17 entries) that still bound the memory one archive can use.
    fn default() -> Self {
        ArchiveLimits {
            max_archive_size: 64 * 1024 * 1024,
            max_entries: 10_000,
            max_entry_size: 32 * 1024 * 1024,
            max_total_size: 64 * 1024 * 1024,
        }
    }
}

/// A parsed API requester archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Archive {
    /// The API requester name: `id` of package.xml, such as
    /// `Sample-Node.js-Claims-Rule-API_1.0`.
    pub name: String,
    /// `apiSpec version`.
    pub version: Option<String>,
    /// `apiSpec title`.
    pub title: Option<String>,
    /// `apiSpec description`.
    pub description: Option<String>,
    /// `apiSpec connectionRef`: the endpoint connection id the archive was
    /// built for.
    pub connection_ref: Option<String>,
    /// Every method of every `path`, in package.xml order.
    pub operations: Vec<Operation>,
    pub api_document: ApiDocument,
    /// The archive file, or the name given to [`read_archive`] for an upload.
    pub path: PathBuf,
    /// Lower-case hex SHA-256 of the archive bytes.
    pub sha256: String,
}

impl Archive {
    /// Returns the base path from the API document: empty, or starting with
    /// `/` without a trailing `/`.
    pub fn base_path(&self) -> &str {
        &self.api_document.base_path
    }

    /// Finds the operation a call's method and path address, if any. See
    /// [`match_operation`] for the rules (case-insensitive method, one
    /// non-empty segment per `{param}`, a trailing slash never ignored).
    pub fn match_operation(&self, method: &str, path: &str) -> Option<&Operation> {
        match_operation(&self.operations, method, path)
    }
}

/// Reads an archive from its bytes with the default [`ArchiveLimits`].
///
/// `name` is the archive file path, or for an upload the name to show in
/// messages. It is stored in [`Archive::path`], and nothing is read from it.
pub fn read_archive(bytes: &[u8], name: &Path) -> Result<Archive, ArchiveError> {
    read_archive_with_limits(bytes, name, ArchiveLimits::default())
}

/// Reads an archive from its bytes within `limits`.
pub fn read_archive_with_limits(
    bytes: &[u8],
    name: &Path,
    limits: ArchiveLimits,
) -> Result<Archive, ArchiveError> {
    let archive = name.display().to_string();
    let mut entries = entries::Entries::open(bytes, &archive, limits)?;

    let Some(package_bytes) = entries.read("package.xml")? else {
        return Err(ArchiveError::PackageXmlMissing { archive });
    };
    let package = package::parse(&package_bytes, &archive)?;

    // The package type is checked before anything requester-specific, so a
    // service archive gets "wrong package type" rather than a missing field.
    if package.package_type.as_deref() != Some(REQUESTER_PACKAGE_TYPE) {
        return Err(ArchiveError::WrongPackageType {
            archive,
            found: package.package_type,
        });
    }

    let requester_name = check_requester_name(package.id.as_deref(), &archive)?;
    if !package.has_api_spec {
        return Err(malformed(
            &archive,
            "the root element has no <apiSpec> element",
        ));
    }
    let Some(api_doc_entry) = package.api_doc else {
        return Err(malformed(
            &archive,
            "<apiSpec> has no <apiDoc> element naming the API document",
        ));
    };

    let Some(api_doc_bytes) = entries.read(&api_doc_entry.entry)? else {
        return Err(ArchiveError::ApiDocumentMissing {
            archive,
            entry: api_doc_entry.entry,
        });
    };
    let api_document = api_doc::parse(
        &api_doc_bytes,
        &archive,
        &api_doc_entry.entry,
        api_doc_entry.doc_type,
    )?;

    Ok(Archive {
        name: requester_name,
        version: package.version,
        title: package.title,
        description: package.description,
        connection_ref: package.connection_ref.filter(|id| !id.trim().is_empty()),
        operations: package.operations,
        api_document,
        path: name.to_path_buf(),
        sha256: hex::encode(Sha256::digest(bytes)),
    })
}

/// Checks the requester name from package.xml `id`. The name is used in call
/// URLs (`/apiRequesters/{name}/...`) and as the file name of uploaded
/// archives, so it must be one path segment.
fn check_requester_name(id: Option<&str>, archive: &str) -> Result<String, ArchiveError> {
    let Some(id) = id.map(str::trim).filter(|id| !id.is_empty()) else {
        return Err(malformed(archive, "<zosConnectApi> has no id attribute"));
    };

    let unusable = id.starts_with('.')
        || id
            .chars()
            .any(|ch| ch == '/' || ch == '\\' || ch.is_control());
    if unusable {
        return Err(malformed(
            archive,
            &format!(
                "the id {id:?} cannot be an API requester name: it must not start with a dot or contain /, \\ or control characters"
            ),
        ));
    }
    Ok(id.to_owned())
}

fn malformed(archive: &str, reason: &str) -> ArchiveError {
    ArchiveError::PackageXmlMalformed {
        archive: archive.to_owned(),
        position: None,
        reason: reason.to_owned(),
    }
}
