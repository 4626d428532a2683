//! Reads named entries of an archive's zip file within size limits.
//!
//! The archive is never extracted to disk: only entries that package.xml names
//! are read into memory, by their name inside the zip. An entry name such as
//! `../../etc/passwd` is therefore just a name that is looked up, never a path.

use std::io::{Cursor, Read};

use zip::result::ZipError;
use zip::ZipArchive;

use super::{ArchiveError, ArchiveLimits};

/// An opened archive that counts the bytes it has expanded so far.
pub(super) struct Entries<'b> {
    zip: ZipArchive<Cursor<&'b [u8]>>,
    archive: String,
    limits: ArchiveLimits,
    expanded: u64,
}

impl<'b> Entries<'b> {
    /// Opens the zip file in `bytes` and checks the archive and entry counts
    /// against `limits`.
    pub(super) fn open(
        bytes: &'b [u8],
        archive: &str,
        limits: ArchiveLimits,
    ) -> Result<Self, ArchiveError> {
        let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        if size > limits.max_archive_size {
            return Err(ArchiveError::ArchiveTooLarge {
                archive: archive.to_owned(),
                limit: limits.max_archive_size,
            });
        }

        let zip = ZipArchive::new(Cursor::new(bytes)).map_err(|error| ArchiveError::NotAZip {
            archive: archive.to_owned(),
            reason: error.to_string(),
        })?;

        if zip.len() > limits.max_entries {
            return Err(ArchiveError::TooManyEntries {
                archive: archive.to_owned(),
                entries: zip.len(),
                limit: limits.max_entries,
            });
        }

        Ok(Entries {
            zip,
            archive: archive.to_owned(),
            limits,
            expanded: 0,
        })
    }

    /// Reads one entry by its exact name. Returns `Ok(None)` when the archive
    /// has no entry of that name.
    pub(super) fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, ArchiveError> {
        let entry = match self.zip.by_name(name) {
            Ok(entry) => entry,
            Err(ZipError::FileNotFound) => return Ok(None),
            Err(error) => return Err(unreadable(&self.archive, name, &error.to_string())),
        };

        // The declared size is checked first so that an honest large entry is
        // rejected without expanding it, and the read below stops one byte past
        // the limit so that an entry whose header understates its size is
        // caught too.
        let entry_limit = self.limits.max_entry_size;
        let total_left = self.limits.max_total_size.saturating_sub(self.expanded);
        if entry.size() > entry_limit {
            return Err(entry_too_large(&self.archive, name, entry_limit));
        }
        if entry.size() > total_left {
            return Err(total_too_large(&self.archive, self.limits.max_total_size));
        }

        let read_limit = entry_limit.min(total_left);
        let mut content = Vec::new();
        let read = entry
            .take(read_limit.saturating_add(1))
            .read_to_end(&mut content);
        if let Err(error) = read {
            return Err(unreadable(&self.archive, name, &error.to_string()));
        }

        let expanded = u64::try_from(content.len()).unwrap_or(u64::MAX);
        if expanded > entry_limit {
            return Err(entry_too_large(&self.archive, name, entry_limit));
        }
        if expanded > total_left {
            return Err(total_too_large(&self.archive, self.limits.max_total_size));
        }
        self.expanded += expanded;

        Ok(Some(content))
    }
}

fn unreadable(archive: &str, name: &str, reason: &str) -> ArchiveError {
    ArchiveError::EntryUnreadable {
        archive: archive.to_owned(),
        entry: name.to_owned(),
        reason: reason.to_owned(),
    }
}

fn entry_too_large(archive: &str, name: &str, limit: u64) -> ArchiveError {
    ArchiveError::EntryTooLarge {
        archive: archive.to_owned(),
        entry: name.to_owned(),
        limit,
    }
}

fn total_too_large(archive: &str, limit: u64) -> ArchiveError {
    ArchiveError::TotalTooLarge {
        archive: archive.to_owned(),
        limit,
    }
}
