//! Reading configuration files from disk with the size and count limits,
//! recording each file read (with its SHA-256) and each path attempted.

use std::fs;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::load::{Limits, SourceFile};

/// The reason a file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ReadError {
    NotFound,
    /// Larger than the file size limit.
    TooLarge {
        size: u64,
        max: u64,
    },
    /// One more file would exceed the file count limit.
    TooManyFiles {
        max: usize,
    },
    /// Any other failure, with the operating system's message.
    Io(String),
}

/// Reads files and keeps the record the watcher and `zconnect check` need.
#[derive(Debug)]
pub(crate) struct FileReader {
    limits: Limits,
    pub sources: Vec<SourceFile>,
    pub attempted: Vec<PathBuf>,
}

impl FileReader {
    pub(crate) fn new(limits: Limits) -> Self {
        FileReader {
            limits,
            sources: Vec::new(),
            attempted: Vec::new(),
        }
    }

    pub(crate) fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Records a path that was looked at, such as a dropin folder, so that a
    /// watcher notices when it appears or changes.
    pub(crate) fn attempt(&mut self, path: &Path) {
        if !self.attempted.iter().any(|known| known == path) {
            self.attempted.push(path.to_path_buf());
        }
    }

    /// Reads a whole file, checking the file count and size limits before
    /// reading more than the limit allows.
    pub(crate) fn read(&mut self, path: &Path) -> Result<Vec<u8>, ReadError> {
        self.attempt(path);
        // `fs::metadata` follows symbolic links, so a link to a regular file
        // is read; a FIFO would block the reader forever and a device may
        // never end, so neither is opened.
        let metadata = fs::metadata(path).map_err(io_error)?;
        if !metadata.is_file() {
            let kind = file_kind(&metadata.file_type());
            return Err(ReadError::Io(format!(
                "it is not a regular file ({kind}); name a configuration file instead"
            )));
        }
        // Opening a FIFO blocks until a writer comes and a device never ends.
        if !metadata.is_file() {
            return Err(ReadError::Io(
                "it is not a regular file (a FIFO, device or socket); replace it with a file"
                    .to_string(),
            ));
        }
        let max = self.limits.max_file_size;
        if metadata.len() > max {
            return Err(ReadError::TooLarge {
                size: metadata.len(),
                max,
            });
        }
        if self.sources.len() >= self.limits.max_files {
            return Err(ReadError::TooManyFiles {
                max: self.limits.max_files,
            });
        }

        let file = fs::File::open(path).map_err(io_error)?;
        let mut bytes = Vec::new();
        file.take(max.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(io_error)?;
        let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        if size > max {
            return Err(ReadError::TooLarge { size, max });
        }

        self.sources.push(SourceFile {
            path: path.to_path_buf(),
            sha256: hex::encode(Sha256::digest(&bytes)),
        });
        Ok(bytes)
    }
}

/// Describes a file type that is not a regular file.
fn file_kind(file_type: &fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else {
        "neither a file nor a directory"
    }
}

/// Classifies an I/O error. A symbolic link loop gets its own words, because
/// the operating system's message for it does not name the cause plainly.
pub(crate) fn io_error(error: std::io::Error) -> ReadError {
    match error.kind() {
        std::io::ErrorKind::NotFound => ReadError::NotFound,
        _ if is_link_loop(&error) => ReadError::Io(
            "it is a symbolic link loop (a link that leads back to itself)".to_string(),
        ),
        _ => ReadError::Io(error.to_string()),
    }
}

fn is_link_loop(error: &std::io::Error) -> bool {
    // ELOOP is 40 on Linux and 62 on the BSDs and macOS.
    #[cfg(target_os = "linux")]
    const ELOOP: i32 = 40;
    #[cfg(not(target_os = "linux"))]
    const ELOOP: i32 = 62;
    error.raw_os_error() == Some(ELOOP)
}

/// Lists the `*.xml` files directly inside `directory` (extension compared
/// ignoring case), ordered by lower-cased file name. A missing directory has
/// none.
pub(crate) fn xml_files_in(directory: &Path) -> Result<Vec<PathBuf>, ReadError> {
    let entries = match fs::read_dir(directory) {
        Ok(entries) => entries,
        Err(error) => return Err(io_error(error)),
    };
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    for entry in entries {
        let entry = entry.map_err(io_error)?;
        let path = entry.path();
        let is_xml = path
            .extension()
            .is_some_and(|extension| extension.eq_ignore_ascii_case("xml"));
        if is_xml && path.is_file() {
            let key = entry.file_name().to_string_lossy().to_lowercase();
            files.push((key, path));
        }
    }
    files.sort();
    Ok(files.into_iter().map(|(_, path)| path).collect())
}

/// Removes `.` components and folds `..` into its parent without touching
/// the file system, so that recorded paths read naturally.
pub(crate) fn normalise(path: &Path) -> PathBuf {
    let mut normalised = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                let folds = matches!(
                    normalised.components().next_back(),
                    Some(Component::Normal(_))
                );
                if folds {
                    normalised.pop();
                } else {
                    normalised.push("..");
                }
            }
            other => normalised.push(other.as_os_str()),
        }
    }
    normalised
}

/// Returns the identity of a file for cycle detection and merging: its
/// canonical path when it exists, else the normalised path.
pub(crate) fn identity(path: &Path) -> PathBuf {
    fs::canonicalize(path).unwrap_or_else(|_| normalise(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_folds_dot_components() {
        assert_eq!(
            normalise(Path::new("/a/./b/../c.xml")),
            PathBuf::from("/a/c.xml")
        );
        assert_eq!(normalise(Path::new("../x/./y")), PathBuf::from("../x/y"));
    }
}
