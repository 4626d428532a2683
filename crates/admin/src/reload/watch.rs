//! File events from the operating system, on directories, never on files.
//!
//! Editors save by writing a new file and renaming it over the old one, and
//! Kubernetes ConfigMap volumes swap a `..data` symbolic link, so a watch on
//! the file itself goes dead after the first such save. Any event in a watched
//! directory, whatever name it carries, makes the reload task re-check the
//! watched files; temporary files change nothing there because they are not
//! watched.

use std::collections::BTreeSet;
use std::path::PathBuf;

use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use tokio::sync::mpsc;

use crate::messages;

/// What the watcher reports to the reload task.
#[derive(Debug)]
pub enum WatchEvent {
    /// Something changed in a watched directory.
    Changed,
    /// The watcher lost events (queue overflow); everything must be re-checked.
    Rescan,
    /// The watcher failed; the poll carries on.
    Failed(String),
}

/// Tells whether an event reports only that a file was opened, read or
/// closed without writing. The reload task reads the watched files after
/// every event, so reacting to these would make it wake itself up forever.
fn only_read(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Access(
            AccessKind::Any
                | AccessKind::Read
                | AccessKind::Open(_)
                | AccessKind::Close(AccessMode::Read | AccessMode::Execute | AccessMode::Any)
                | AccessKind::Other
        )
    )
}

/// A non-recursive watch on a changing set of directories.
#[derive(Debug)]
pub struct DirectoryWatcher {
    watcher: Option<RecommendedWatcher>,
    watched: BTreeSet<PathBuf>,
}

impl DirectoryWatcher {
    /// Creates the watcher. When the operating system cannot provide one, the
    /// failure is logged at error and the watcher stays empty: the poll of
    /// `monitorInterval` then detects changes alone.
    pub fn new(events: mpsc::UnboundedSender<WatchEvent>) -> Self {
        let handler = move |result: notify::Result<notify::Event>| {
            let event = match result {
                Ok(event) if event.need_rescan() => WatchEvent::Rescan,
                Ok(event) if only_read(&event.kind) => return,
                Ok(_) => WatchEvent::Changed,
                Err(error) => WatchEvent::Failed(error.to_string()),
            };
            // The receiver is gone only while the server stops.
            let _ = events.send(event);
        };

        let watcher = match notify::recommended_watcher(handler) {
            Ok(watcher) => Some(watcher),
            Err(error) => {
                tracing::error!(
                    %error,
                    "{} The file watcher cannot be created; configuration changes are found by polling every monitorInterval",
                    messages::WATCHER_FAILED.id
                );
                None
            }
        };
        DirectoryWatcher {
            watcher,
            watched: BTreeSet::new(),
        }
    }

    /// Watches exactly `directories`: adds the new ones and drops the others.
    pub fn update(&mut self, directories: BTreeSet<PathBuf>) {
        let Some(watcher) = self.watcher.as_mut() else {
            return;
        };

        for gone in self.watched.difference(&directories) {
            if let Err(error) = watcher.unwatch(gone) {
                tracing::debug!(directory = %gone.display(), %error, "Removing a directory watch failed");
            }
        }

        let mut now_watched = BTreeSet::new();
        for directory in &directories {
            if self.watched.contains(directory) {
                now_watched.insert(directory.clone());
                continue;
            }
            match watcher.watch(directory, RecursiveMode::NonRecursive) {
                Ok(()) => {
                    now_watched.insert(directory.clone());
                }
                Err(error) => tracing::warn!(
                    directory = %directory.display(),
                    %error,
                    "Watching a configuration directory failed; its changes are found by polling"
                ),
            }
        }
        self.watched = now_watched;
    }
}

#[cfg(test)]
mod tests {
    use notify::event::{CreateKind, DataChange, ModifyKind, RenameMode};

    use super::*;

    #[test]
    fn reads_and_opens_are_ignored() {
        for kind in [
            EventKind::Access(AccessKind::Open(AccessMode::Any)),
            EventKind::Access(AccessKind::Read),
            EventKind::Access(AccessKind::Close(AccessMode::Read)),
        ] {
            assert!(only_read(&kind), "{kind:?}");
        }
    }

    #[test]
    fn writes_renames_and_creations_count() {
        for kind in [
            EventKind::Access(AccessKind::Close(AccessMode::Write)),
            EventKind::Modify(ModifyKind::Data(DataChange::Any)),
            EventKind::Modify(ModifyKind::Name(RenameMode::To)),
            EventKind::Create(CreateKind::File),
            EventKind::Any,
        ] {
            assert!(!only_read(&kind), "{kind:?}");
        }
    }
}
