//! Hot reload: file watching, the quiet-period debounce, and applying a new
//! configuration with one atomic swap.

mod apply;
mod archives;
mod fingerprint;
mod keep;
mod summary;
mod task;
mod watch;

use std::time::{Duration, SystemTime};

use zconnect_config::Diagnostic;

pub use apply::{build_first_snapshot, StartError};
pub use archives::rescan_archives;
pub use task::{spawn_reload_task, ReloadTask};

/// The outcome of one reload attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReloadResult {
    /// The new configuration is running.
    Applied,
    /// Every file has the same content as the running configuration; nothing was swapped.
    Unchanged,
    /// The new configuration could not be used; the running one stays.
    Rejected,
    /// The new configuration is running but the listener could not move.
    Partial,
}

impl ReloadResult {
    pub fn as_str(self) -> &'static str {
        match self {
            ReloadResult::Applied => "applied",
            ReloadResult::Unchanged => "unchanged",
            ReloadResult::Rejected => "rejected",
            ReloadResult::Partial => "partial",
        }
    }
}

/// What started a load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    Start,
    FileChange,
    Refresh,
    /// Archive files were added, replaced or removed in the archive folder.
    ArchiveChange,
    /// The admin API deployed, updated or deleted an archive.
    AdminApi,
}

impl Trigger {
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::Start => "start",
            Trigger::FileChange => "file change",
            Trigger::Refresh => "refresh request",
            Trigger::ArchiveChange => "archive change",
            Trigger::AdminApi => "admin API",
        }
    }
}

/// The last load attempt, shown by `GET /zosConnect/config/status`.
#[derive(Debug, Clone)]
pub struct ReloadRecord {
    pub trigger: Trigger,
    /// `None` for the load at start.
    pub result: Option<ReloadResult>,
    /// Why the result is `rejected` or `partial`.
    pub error: Option<String>,
    pub started_at: SystemTime,
    pub duration: Duration,
    /// Every diagnostic of the attempt.
    pub diagnostics: Vec<Diagnostic>,
}
