//! The errors that make an API requester archive unusable.

use std::fmt;

/// A 1-based line and column (in characters) inside a file of the archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextPosition {
    pub line: u32,
    pub column: u32,
}

impl fmt::Display for TextPosition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Formats ` at line:column` when the position is known, for messages.
struct At(Option<TextPosition>);

impl fmt::Display for At {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(position) => write!(f, " at {position}"),
            None => Ok(()),
        }
    }
}

/// An archive that cannot be deployed. Every variant names the archive (its
/// path or upload name), and its message tells the user what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArchiveError {
    #[error("API requester archive {archive} is not a valid zip file ({reason}); rebuild it with the z/OS Connect build toolkit (zconbt) and copy it in binary mode")]
    NotAZip { archive: String, reason: String },

    #[error("API requester archive {archive} is larger than the limit of {limit} bytes; check that the file is an .ara archive")]
    ArchiveTooLarge { archive: String, limit: u64 },

    #[error("API requester archive {archive} has {entries} entries, more than the limit of {limit}; check that the file is an .ara archive")]
    TooManyEntries {
        archive: String,
        entries: usize,
        limit: usize,
    },

    #[error("entry {entry} of API requester archive {archive} expands to more than {limit} bytes; the archive is rejected as a possible zip bomb")]
    EntryTooLarge {
        archive: String,
        entry: String,
        limit: u64,
    },

    #[error("the entries read from API requester archive {archive} expand to more than {limit} bytes in total; the archive is rejected as a possible zip bomb")]
    TotalTooLarge { archive: String, limit: u64 },

    #[error("entry {entry} of API requester archive {archive} cannot be read ({reason}); rebuild the archive with the z/OS Connect build toolkit (zconbt)")]
    EntryUnreadable {
        archive: String,
        entry: String,
        reason: String,
    },

    #[error("API requester archive {archive} has no package.xml entry; it is not an .ara archive built by the z/OS Connect build toolkit (zconbt)")]
    PackageXmlMissing { archive: String },

    #[error("package.xml of API requester archive {archive} is invalid{at}: {reason}; rebuild the archive with the z/OS Connect build toolkit (zconbt)", at = At(*position))]
    PackageXmlMalformed {
        archive: String,
        position: Option<TextPosition>,
        reason: String,
    },

    #[error("archive {archive} has packageType {found:?} in package.xml, but only \"requester\" archives can be deployed as API requesters; build the archive from a requester project", found = found.as_deref().unwrap_or("(none)"))]
    WrongPackageType {
        archive: String,
        found: Option<String>,
    },

    #[error("API requester archive {archive} has no API document entry {entry}, which package.xml names in apiDoc; rebuild the archive with the z/OS Connect build toolkit (zconbt)")]
    ApiDocumentMissing { archive: String, entry: String },

    #[error("API document {entry} of API requester archive {archive} is invalid{at}: {reason}; it must be a Swagger 2.0 or OpenAPI 3 document in JSON", at = At(*position))]
    ApiDocumentInvalid {
        archive: String,
        entry: String,
        position: Option<TextPosition>,
        reason: String,
    },
}

impl ArchiveError {
    /// Returns the archive path or upload name the error is about.
    pub fn archive(&self) -> &str {
        match self {
            ArchiveError::NotAZip { archive, .. }
            | ArchiveError::ArchiveTooLarge { archive, .. }
            | ArchiveError::TooManyEntries { archive, .. }
            | ArchiveError::EntryTooLarge { archive, .. }
            | ArchiveError::TotalTooLarge { archive, .. }
            | ArchiveError::EntryUnreadable { archive, .. }
            | ArchiveError::PackageXmlMissing { archive }
            | ArchiveError::PackageXmlMalformed { archive, .. }
            | ArchiveError::WrongPackageType { archive, .. }
            | ArchiveError::ApiDocumentMissing { archive, .. }
            | ArchiveError::ApiDocumentInvalid { archive, .. } => archive,
        }
    }
}
