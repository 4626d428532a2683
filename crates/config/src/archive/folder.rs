//! Scans the API requester archive folder (`zosconnect_apiRequesters
//! location`) for `.ara` files.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{read_archive_with_limits, Archive, ArchiveLimits};
use crate::diagnostics::{catalog, sentence};
use crate::{Diagnostic, SourceFile};

/// The file extension of API requester archives, compared case-insensitively.
pub const ARCHIVE_EXTENSION: &str = "ara";

/// The archives found in one folder, with every problem and every file read.
#[derive(Debug, Clone, Default)]
pub struct FolderScan {
    /// Valid archives in file name order, without rejected duplicates.
    pub archives: Vec<Archive>,
    pub diagnostics: Vec<Diagnostic>,
    /// Every archive file read, valid or not, so that a watcher notices a fix.
    pub files: Vec<SourceFile>,
}

/// Scans `folder` with the default [`ArchiveLimits`].
pub fn scan_folder(folder: &Path) -> FolderScan {
    scan_folder_with_limits(folder, ArchiveLimits::default())
}

/// Reads every `*.ara` file directly inside `folder`.
///
/// - Files are read in the order of their lower-cased names; the extension
///   compares case-insensitively. Names starting with `.` are skipped, because
///   the admin API writes uploads to such a temporary name before renaming.
/// - A missing folder is an info diagnostic: most servers have none.
/// - An archive that cannot be read or is invalid is an error diagnostic
///   naming it; the other archives still load.
/// - When two archives declare the same requester name, the later by file
///   name is rejected with an error naming both files.
pub fn scan_folder_with_limits(folder: &Path, limits: ArchiveLimits) -> FolderScan {
    let mut scan = FolderScan::default();

    let candidates = match list_archive_files(folder) {
        Ok(candidates) => candidates,
        Err(diagnostic) => {
            scan.diagnostics.push(diagnostic);
            return scan;
        }
    };

    for path in candidates {
        let bytes = match read_capped(&path, limits.max_archive_size) {
            Ok(bytes) => bytes,
            Err(error) => {
                scan.diagnostics.push(Diagnostic::new(
                    &catalog::ARCHIVE_INVALID,
                    format!(
                        "API requester archive {} cannot be read ({error}); check that the file exists and that zconnect may read it.",
                        path.display()
                    ),
                ));
                continue;
            }
        };
        // NOTE: for a file over the size limit this is the hash of its first
        // `max_archive_size + 1` bytes, so a change past them goes unnoticed.
        scan.files.push(SourceFile {
            path: path.clone(),
            sha256: hex::encode(Sha256::digest(&bytes)),
        });

        let archive = match read_archive_with_limits(&bytes, &path, limits) {
            Ok(archive) => archive,
            Err(error) => {
                scan.diagnostics.push(Diagnostic::new(
                    &catalog::ARCHIVE_INVALID,
                    sentence(&error.to_string()),
                ));
                continue;
            }
        };

        let earlier = scan
            .archives
            .iter()
            .find(|loaded| loaded.name == archive.name);
        if let Some(earlier) = earlier {
            scan.diagnostics.push(Diagnostic::new(
                &catalog::ARCHIVE_DUPLICATE_NAME,
                format!(
                    "API requester archive {} is rejected because it declares the requester name {:?}, which archive {} already declares; remove one of the two archives or rebuild one with another name.",
                    path.display(),
                    archive.name,
                    earlier.path.display()
                ),
            ));
            continue;
        }

        tracing::debug!(archive = %path.display(), requester = %archive.name, "Read API requester archive");
        scan.archives.push(archive);
    }

    scan
}

/// Lists the archive files of `folder` in load order, or returns the
/// diagnostic that explains why none can be loaded.
fn list_archive_files(folder: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    match fs::metadata(folder) {
        Ok(metadata) if metadata.is_dir() => {}
        Ok(_) => {
            return Err(Diagnostic::new(
                &catalog::ARCHIVE_FOLDER_UNREADABLE,
                format!(
                    "The API requester archive folder {} is not a folder; set zosconnect_apiRequesters location to a folder of .ara files.",
                    folder.display()
                ),
            ));
        }
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            return Err(Diagnostic::new(
                &catalog::REQUESTERS_FOLDER_MISSING,
                format!(
                    "The API requester archive folder {} does not exist, so no archive is loaded; create it to deploy .ara archives.",
                    folder.display()
                ),
            ));
        }
        Err(error) => return Err(unreadable_folder(folder, &error)),
    }

    let listing = fs::read_dir(folder).map_err(|error| unreadable_folder(folder, &error))?;

    let mut named = Vec::new();
    for entry in listing {
        let entry = entry.map_err(|error| unreadable_folder(folder, &error))?;
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if !is_archive_name(&file_name) {
            continue;
        }

        // `fs::metadata` follows symbolic links, so a link to an archive
        // counts as an archive; a folder named `x.ara` does not.
        let path = entry.path();
        if fs::metadata(&path).is_ok_and(|metadata| metadata.is_file()) {
            named.push((file_name.to_lowercase(), file_name, path));
        }
    }

    named.sort();
    Ok(named.into_iter().map(|(_, _, path)| path).collect())
}

/// True for `name.ara` in any case, except names starting with `.`.
fn is_archive_name(file_name: &str) -> bool {
    if file_name.starts_with('.') {
        return false;
    }
    Path::new(file_name)
        .extension()
        .is_some_and(|extension| extension.eq_ignore_ascii_case(ARCHIVE_EXTENSION))
}

fn unreadable_folder(folder: &Path, error: &io::Error) -> Diagnostic {
    Diagnostic::new(
        &catalog::ARCHIVE_FOLDER_UNREADABLE,
        format!(
            "The API requester archive folder {} cannot be listed ({error}); check its permissions.",
            folder.display()
        ),
    )
}

/// Reads a file, stopping one byte past `limit` so that an oversized file is
/// detected by the archive reader without being read whole.
fn read_capped(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    File::open(path)?
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}
