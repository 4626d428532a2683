//! The API requesters a snapshot serves: the `.ara` archives of the archive
//! folder combined with the requesters declared in server.xml, and the file
//! operations the admin API performs on that folder.

mod changes;
mod store;

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest, Sha256};
use zconnect_config::archive::{
    merge_requesters, scan_folder_with_limits, ArchiveLimits, FolderScan, RequesterSet,
    ARCHIVE_EXTENSION,
};
use zconnect_config::{Config, Diagnostic, SourceFile};

pub use changes::RequesterChanges;
pub use store::{remove_archive, write_atomically, FolderWrite};

/// The archive folder under the server directory when no
/// `zosconnect_apiRequesters` element sets `location`.
const DEFAULT_FOLDER: &str = "resources/zosconnect/apiRequesters";

/// `pollingRate` when no `zosconnect_apiRequesters` element sets it.
const DEFAULT_POLLING_RATE: Duration = Duration::from_secs(5);

/// The requesters of one snapshot and what they were built from.
#[derive(Debug, Clone, Default)]
pub struct Requesters {
    /// Every requester by name. Its own `diagnostics` are moved to
    /// [`Requesters::diagnostics`].
    pub set: RequesterSet,
    /// The archive folder that was scanned.
    pub folder: PathBuf,
    /// Every archive file read, valid or not, with the SHA-256 of its content.
    pub archive_files: Vec<SourceFile>,
    /// Problems of the folder scan and of combining archives with server.xml.
    pub diagnostics: Vec<Diagnostic>,
}

impl Requesters {
    /// Combines a scan of the archive folder with the requesters of `config`.
    pub fn combine(folder: PathBuf, scan: FolderScan, config: &Config) -> Self {
        let mut set = merge_requesters(&scan.archives, config);
        let mut diagnostics = scan.diagnostics;
        diagnostics.append(&mut set.diagnostics);
        Requesters {
            set,
            folder,
            archive_files: scan.files,
            diagnostics,
        }
    }

    /// Scans the archive folder of `config` and combines it with `config`.
    /// Reads files, so async code runs it on a blocking thread.
    pub fn build(config: &Config, limits: ArchiveLimits) -> Self {
        let folder = archive_folder(config);
        let scan = scan_folder_with_limits(&folder, limits);
        Requesters::combine(folder, scan, config)
    }

    /// Tells whether the archive files read are the same, by path and content.
    pub fn same_archives(&self, contents: &BTreeMap<PathBuf, String>) -> bool {
        self.archive_files.len() == contents.len()
            && self
                .archive_files
                .iter()
                .all(|file| contents.get(&file.path) == Some(&file.sha256))
    }
}

/// Returns the folder of `.ara` archives: `zosconnect_apiRequesters location`,
/// else `resources/zosconnect/apiRequesters` in the server directory.
pub fn archive_folder(config: &Config) -> PathBuf {
    let location = &config.api_requesters.location;
    if location.as_os_str().is_empty() {
        config.server_dir.join(DEFAULT_FOLDER)
    } else {
        location.clone()
    }
}

/// Returns the longest time before a change in the archive folder is found
/// when file events are missing (`pollingRate`, default 5 s).
pub fn polling_rate(config: &Config) -> Duration {
    let rate = config.api_requesters.polling_rate;
    if rate.is_zero() {
        DEFAULT_POLLING_RATE
    } else {
        rate
    }
}

/// Returns the archive limits with `--max-archive-size` as the largest file.
pub fn limits(max_archive_size: u64) -> ArchiveLimits {
    ArchiveLimits {
        max_archive_size,
        ..ArchiveLimits::default()
    }
}

/// Hashes every file a scan of `folder` would read, by path, without parsing
/// them, so that a watcher can tell whether anything changed since the
/// running snapshot. Each file is read up to one byte past `max_size`, as the
/// scan reads it. A missing or unreadable folder has no files.
pub fn folder_contents(folder: &Path, max_size: u64) -> BTreeMap<PathBuf, String> {
    let Ok(entries) = fs::read_dir(folder) else {
        return BTreeMap::new();
    };

    let mut contents = BTreeMap::new();
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !is_archive_name(&name) {
            continue;
        }
        let path = entry.path();
        if !fs::metadata(&path).is_ok_and(|metadata| metadata.is_file()) {
            continue;
        }
        // A file that disappears or cannot be read here is left out; the scan
        // that follows a difference reports it.
        if let Some(sha256) = hash_capped(&path, max_size) {
            contents.insert(path, sha256);
        }
    }
    contents
}

/// True for `name.ara` in any case, except names starting with `.`, which are
/// the temporary files of uploads in progress. The folder scan applies the same rule.
pub fn is_archive_name(file_name: &str) -> bool {
    !file_name.starts_with('.')
        && Path::new(file_name)
            .extension()
            .is_some_and(|extension| extension.eq_ignore_ascii_case(ARCHIVE_EXTENSION))
}

fn hash_capped(path: &Path, limit: u64) -> Option<String> {
    let mut bytes = Vec::new();
    File::open(path)
        .ok()?
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .ok()?;
    Some(hex::encode(Sha256::digest(&bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_name_skips_temporary_and_other_files() {
        assert!(is_archive_name("claims.ara"));
        assert!(is_archive_name("CLAIMS.ARA"));
        assert!(!is_archive_name(".claims.ara"));
        assert!(!is_archive_name(".claims.ara.1.tmp"));
        assert!(!is_archive_name("claims.zip"));
        assert!(!is_archive_name("ara"));
    }

    #[test]
    fn folder_contents_lists_archives_with_hashes() {
        let dir = tempfile::tempdir().expect("temporary folder");
        std::fs::write(dir.path().join("a.ara"), b"first").expect("write");
        std::fs::write(dir.path().join(".b.ara"), b"upload").expect("write");
        std::fs::write(dir.path().join("notes.txt"), b"text").expect("write");

        let contents = folder_contents(dir.path(), 1024);

        assert_eq!(contents.len(), 1);
        assert_eq!(
            contents.get(&dir.path().join("a.ara")),
            Some(&hex::encode(Sha256::digest(b"first")))
        );
    }

    #[test]
    fn folder_contents_of_missing_folder_is_empty() {
        let dir = tempfile::tempdir().expect("temporary folder");
        assert!(folder_contents(&dir.path().join("absent"), 1024).is_empty());
    }

    #[test]
    fn default_folder_is_under_server_directory() {
        let config = Config {
            server_dir: PathBuf::from("/srv/zconnect"),
            ..Config::default()
        };
        assert_eq!(
            archive_folder(&config),
            PathBuf::from("/srv/zconnect/resources/zosconnect/apiRequesters")
        );
    }
}
