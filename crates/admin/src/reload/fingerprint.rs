//! The watched files and folders, and a fingerprint of their state (size,
//! modification time and SHA-256 of the content, following symbolic links).
//!
//! Only regular files are read, and no more bytes than the loader accepts: a
//! FIFO would block the reader until a writer comes, and a device such as
//! `/dev/zero` never ends.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use sha2::{Digest, Sha256};

/// What a reload depends on: configuration files, and folders whose list of
/// `*.xml` files matters (configDropins).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WatchedSet {
    pub files: BTreeSet<PathBuf>,
    pub folders: BTreeSet<PathBuf>,
}

impl WatchedSet {
    /// The directories to watch for events, non-recursively: the directory of
    /// each file, of each symbolic link target on the way to it, each folder
    /// and the directory that would hold it.
    pub fn directories(&self) -> BTreeSet<PathBuf> {
        let mut directories = BTreeSet::new();

        for file in &self.files {
            if let Some(parent) = file.parent() {
                directories.insert(parent.to_path_buf());
            }
            // A ConfigMap-style `server.xml -> ..data/server.xml` with
            // `..data -> ..2024_01/`: the content changes in the target directory.
            if let Ok(target) = std::fs::canonicalize(file) {
                if let Some(parent) = target.parent() {
                    directories.insert(parent.to_path_buf());
                }
            }
        }

        for folder in &self.folders {
            directories.insert(folder.clone());
            if let Some(parent) = folder.parent() {
                directories.insert(parent.to_path_buf());
            }
        }

        directories.retain(|directory| directory.is_dir());
        directories
    }
}

/// The state of one watched file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileState {
    Missing,
    /// Exists but cannot be read; the error kind tells a change apart.
    Unreadable(std::io::ErrorKind),
    /// A FIFO, device, socket or directory: never read, and never loadable.
    NotRegular,
    Content {
        len: u64,
        modified: Option<SystemTime>,
        sha256: [u8; 32],
    },
}

/// The state of every watched file and folder at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fingerprint {
    pub files: BTreeMap<PathBuf, FileState>,
    /// For each folder, the sorted names of the `*.xml` files it holds.
    pub folders: BTreeMap<PathBuf, Vec<String>>,
}

impl Fingerprint {
    /// Reads the state of every file and folder in the set, hashing at most
    /// `max_file_size` bytes of each file. It blocks on the file system, so
    /// async code calls it on the blocking pool.
    pub fn take(set: &WatchedSet, max_file_size: u64) -> Self {
        Fingerprint {
            files: set
                .files
                .iter()
                .map(|path| (path.clone(), file_state(path, max_file_size)))
                .collect(),
            folders: set
                .folders
                .iter()
                .map(|path| (path.clone(), xml_names(path)))
                .collect(),
        }
    }
}

impl Fingerprint {
    /// Marks every file whose content differs from what a load read, so the
    /// next comparison sees a change made between that load and this fingerprint.
    /// Returns whether any file was marked.
    pub fn mark_changed_since(&mut self, read: &[zconnect_config::SourceFile]) -> bool {
        let mut marked = false;
        for source in read {
            let Some(state) = self.files.get_mut(&source.path) else {
                continue;
            };
            let same = match state {
                FileState::Content { sha256, .. } => hex::encode(*sha256) == source.sha256,
                _ => false,
            };
            if !same {
                *state = FileState::Unreadable(std::io::ErrorKind::Other);
                marked = true;
            }
        }
        marked
    }
}

fn file_state(path: &Path, max_file_size: u64) -> FileState {
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return FileState::Missing,
        Err(error) => return FileState::Unreadable(error.kind()),
    };
    if !metadata.is_file() {
        return FileState::NotRegular;
    }

    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return FileState::Missing,
        Err(error) => return FileState::Unreadable(error.kind()),
    };

    // A larger file is rejected by the loader; its first bytes, size and
    // modification time are enough to see that it changed.
    let mut file = file.take(max_file_size);
    let mut hasher = Sha256::new();
    let mut buffer = [0u8; 16 * 1024];
    loop {
        match file.read(&mut buffer) {
            Ok(0) => break,
            Ok(count) => hasher.update(&buffer[..count]),
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(error) => return FileState::Unreadable(error.kind()),
        }
    }

    FileState::Content {
        len: metadata.len(),
        modified: metadata.modified().ok(),
        sha256: hasher.finalize().into(),
    }
}

fn xml_names(folder: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| entry.file_name().into_string().ok())
        .filter(|name| name.to_ascii_lowercase().ends_with(".xml") && !is_temporary(name))
        .collect();
    names.sort();
    names
}

/// Whether a file name is an editor's or tool's temporary file, which never
/// triggers a reload by itself: a leading `.` or a `.tmp`, `~` or `.swp` ending.
pub fn is_temporary(name: &str) -> bool {
    name.starts_with('.') || name.ends_with(".tmp") || name.ends_with('~') || name.ends_with(".swp")
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: u64 = 1024 * 1024;

    #[test]
    fn temporary_names_are_recognised() {
        for name in [
            ".server.xml.swp",
            "server.xml~",
            "server.xml.tmp",
            "x.swp",
            "..data_tmp",
        ] {
            assert!(is_temporary(name), "{name}");
        }
        for name in ["server.xml", "include.xml", "server.xml.bak"] {
            assert!(!is_temporary(name), "{name}");
        }
    }

    #[test]
    fn fingerprint_changes_with_content() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("server.xml");
        std::fs::write(&file, "<server/>").expect("write");
        let set = WatchedSet {
            files: BTreeSet::from([file.clone()]),
            folders: BTreeSet::new(),
        };

        let before = Fingerprint::take(&set, LIMIT);
        std::fs::write(&file, "<server></server>").expect("write");
        let after = Fingerprint::take(&set, LIMIT);

        assert_ne!(before, after);
    }

    #[test]
    fn fingerprint_sees_missing_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("absent.xml");
        let set = WatchedSet {
            files: BTreeSet::from([file.clone()]),
            folders: BTreeSet::new(),
        };
        assert_eq!(
            Fingerprint::take(&set, LIMIT).files.get(&file),
            Some(&FileState::Missing)
        );
    }

    #[test]
    fn folder_listing_ignores_temporary_and_other_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        for name in ["b.xml", "A.XML", ".hidden.xml", "notes.txt", "c.xml~"] {
            std::fs::write(dir.path().join(name), "<server/>").expect("write");
        }
        assert_eq!(
            xml_names(dir.path()),
            vec!["A.XML".to_owned(), "b.xml".to_owned()]
        );
    }

    #[test]
    fn directories_include_symlink_target_directory() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target_dir = dir.path().join("..2024_01");
        std::fs::create_dir(&target_dir).expect("mkdir");
        std::fs::write(target_dir.join("server.xml"), "<server/>").expect("write");
        let link = dir.path().join("server.xml");
        std::os::unix::fs::symlink(target_dir.join("server.xml"), &link).expect("symlink");

        let set = WatchedSet {
            files: BTreeSet::from([link]),
            folders: BTreeSet::new(),
        };
        let directories = set.directories();
        let canonical_target = std::fs::canonicalize(&target_dir).expect("canonical");
        assert!(directories.contains(dir.path()));
        assert!(directories.contains(&canonical_target));
    }

    #[test]
    fn fingerprint_does_not_open_a_fifo() {
        let dir = tempfile::tempdir().expect("tempdir");
        let fifo = dir.path().join("server.xml");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("run mkfifo");
        assert!(made.success(), "mkfifo failed");
        let set = WatchedSet {
            files: BTreeSet::from([fifo.clone()]),
            folders: BTreeSet::new(),
        };

        // Opening the FIFO would block this thread until a writer comes, so
        // the fingerprint runs on a thread the test can give up on.
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = sender.send(Fingerprint::take(&set, LIMIT));
        });
        let fingerprint = receiver
            .recv_timeout(std::time::Duration::from_secs(5))
            .expect("the fingerprint of a FIFO returns at once");

        assert_eq!(fingerprint.files.get(&fifo), Some(&FileState::NotRegular));
    }

    #[test]
    fn fingerprint_of_a_device_reads_nothing() {
        let device = PathBuf::from("/dev/zero");
        let set = WatchedSet {
            files: BTreeSet::from([device.clone()]),
            folders: BTreeSet::new(),
        };

        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = sender.send(Fingerprint::take(&set, LIMIT));
        });
        let fingerprint = receiver
            .recv_timeout(std::time::Duration::from_secs(5))
            .expect("the fingerprint of /dev/zero returns at once");

        assert_eq!(fingerprint.files.get(&device), Some(&FileState::NotRegular));
    }

    #[test]
    fn fingerprint_hashes_at_most_the_limit() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("big.xml");
        std::fs::write(&file, vec![b'a'; 64]).expect("write");
        let set = WatchedSet {
            files: BTreeSet::from([file.clone()]),
            folders: BTreeSet::new(),
        };

        let state = Fingerprint::take(&set, 16).files.remove(&file);

        let expected: [u8; 32] = Sha256::digest([b'a'; 16]).into();
        assert!(
            matches!(state, Some(FileState::Content { len: 64, sha256, .. }) if sha256 == expected),
            "only the first 16 bytes are hashed: {state:?}"
        );
    }
}
