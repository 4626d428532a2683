//! Atomic writes to the archive folder.
//!
//! An archive is written to a temporary file in the same folder, whose name
//! starts with `.` so that neither the folder scan nor the watcher reads it,
//! then renamed over the target. A reader therefore sees the old archive or
//! the new one, never a half-written file.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Distinguishes temporary files of uploads running at the same time.
static NEXT_TEMPORARY: AtomicU64 = AtomicU64::new(0);

/// A file written to the archive folder, with what is needed to undo it when
/// the deployment fails afterwards.
#[derive(Debug)]
pub struct FolderWrite {
    pub path: PathBuf,
    /// The file's content before the write; `None` when the file is new.
    previous: Option<Vec<u8>>,
    /// The archive folder, when this write created it.
    created_folder: Option<PathBuf>,
}

impl FolderWrite {
    /// Puts the folder back as it was: restores the previous content, or
    /// removes the new file and the folder this write created.
    pub fn undo(self) -> io::Result<()> {
        match self.previous {
            Some(previous) => {
                let (folder, name) = split(&self.path)?;
                write_atomically(folder, name, &previous).map(|_| ())
            }
            None => {
                fs::remove_file(&self.path)?;
                if let Some(folder) = self.created_folder {
                    // Fails when something else was put there meanwhile, which
                    // then stays.
                    let _ = fs::remove_dir(folder);
                }
                Ok(())
            }
        }
    }
}

/// Writes `bytes` to `folder/file_name` through a temporary file and a rename,
/// creating the folder when it does not exist.
pub fn write_atomically(folder: &Path, file_name: &str, bytes: &[u8]) -> io::Result<FolderWrite> {
    let created_folder = if folder.is_dir() {
        None
    } else {
        fs::create_dir_all(folder)?;
        Some(folder.to_path_buf())
    };

    let path = folder.join(file_name);
    let previous = match fs::read(&path) {
        Ok(previous) => Some(previous),
        Err(error) if error.kind() == io::ErrorKind::NotFound => None,
        Err(error) => return Err(error),
    };

    let temporary = folder.join(format!(
        ".{file_name}.{}.{}.tmp",
        std::process::id(),
        NEXT_TEMPORARY.fetch_add(1, Ordering::Relaxed)
    ));
    if let Err(error) = write_new_file(&temporary, bytes) {
        let _ = fs::remove_file(&temporary);
        return Err(error);
    }
    if let Err(error) = fs::rename(&temporary, &path) {
        let _ = fs::remove_file(&temporary);
        return Err(error);
    }

    Ok(FolderWrite {
        path,
        previous,
        created_folder,
    })
}

/// Removes an archive file.
pub fn remove_archive(path: &Path) -> io::Result<()> {
    fs::remove_file(path)
}

fn write_new_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = OpenOptions::new().write(true).create_new(true).open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

fn split(path: &Path) -> io::Result<(&Path, &str)> {
    let folder = path.parent();
    let name = path.file_name().and_then(|name| name.to_str());
    match (folder, name) {
        (Some(folder), Some(name)) => Ok((folder, name)),
        _ => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} is not a file path", path.display()),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(folder: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(folder)
            .expect("list folder")
            .map(|entry| {
                entry
                    .expect("entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        names.sort();
        names
    }

    #[test]
    fn write_leaves_only_the_target() {
        let dir = tempfile::tempdir().expect("temporary folder");
        write_atomically(dir.path(), "a.ara", b"archive").expect("write");
        assert_eq!(names(dir.path()), vec!["a.ara".to_owned()]);
        assert_eq!(
            fs::read(dir.path().join("a.ara")).expect("read"),
            b"archive"
        );
    }

    #[test]
    fn write_creates_missing_folder() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let folder = dir.path().join("resources/apiRequesters");
        write_atomically(&folder, "a.ara", b"archive").expect("write");
        assert!(folder.join("a.ara").is_file());
    }

    #[test]
    fn undo_of_new_file_removes_it_and_created_folder() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let folder = dir.path().join("apiRequesters");
        let write = write_atomically(&folder, "a.ara", b"archive").expect("write");
        write.undo().expect("undo");
        assert!(!folder.exists());
    }

    #[test]
    fn undo_of_replacement_restores_previous_content() {
        let dir = tempfile::tempdir().expect("temporary folder");
        fs::write(dir.path().join("a.ara"), b"old").expect("write old");
        let write = write_atomically(dir.path(), "a.ara", b"new").expect("write");
        write.undo().expect("undo");
        assert_eq!(fs::read(dir.path().join("a.ara")).expect("read"), b"old");
        assert_eq!(names(dir.path()), vec!["a.ara".to_owned()]);
    }
}
