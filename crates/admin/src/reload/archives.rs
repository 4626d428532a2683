//! Rebuilding the API requesters when only the archive folder changed: the
//! running configuration and its HTTP clients stay, and the new requesters
//! go into a new snapshot with one atomic store.

use std::sync::Arc;
use std::time::{Instant, SystemTime};

use zconnect_config::archive::scan_folder_with_limits;
use zconnect_config::model::OnError;
use zconnect_config::{Diagnostic, Loaded};

use super::apply::{log_diagnostics, store_snapshot};
use super::{ReloadRecord, ReloadResult, Trigger};
use crate::archives::{self, RequesterChanges, Requesters};
use crate::messages;
use crate::state::AppState;

/// Scans the archive folder of the running configuration and, when an
/// archive file was added, replaced or removed since the running snapshot,
/// replaces the snapshot with the rebuilt requesters. Returns whether it did.
///
/// An archive whose content is already deployed is not deployed again: the
/// comparison is by file path and SHA-256, never by modification time.
pub async fn rescan_archives(state: &Arc<AppState>, trigger: Trigger) -> bool {
    let started_at = SystemTime::now();
    let clock = Instant::now();
    let running = state.snapshot.load_full();
    let folder = archives::archive_folder(&running.loaded.config);
    let limits = archives::limits(state.options.max_archive_size);

    let scan = {
        let scanned = folder.clone();
        match tokio::task::spawn_blocking(move || scan_folder_with_limits(&scanned, limits)).await {
            Ok(scan) => scan,
            Err(error) => {
                tracing::error!(%error, folder = %folder.display(), "Scanning the API requester archive folder failed");
                return false;
            }
        }
    };

    // The snapshot may have been replaced by a reload while scanning; compare
    // with the one that will be replaced.
    let running = state.snapshot.load_full();
    let unchanged = folder == running.requesters.folder
        && running.requesters.archive_files.len() == scan.files.len()
        && scan
            .files
            .iter()
            .all(|file| running.requesters.archive_files.contains(file));
    if unchanged {
        tracing::debug!(folder = %folder.display(), "The API requester archives are unchanged");
        return false;
    }

    let requesters = Requesters::combine(folder, scan, &running.loaded.config);
    log_diagnostics(&requesters.diagnostics, OnError::Warn);
    if trigger == Trigger::AdminApi {
        // The admin API route logs what it deployed, updated or deleted.
        tracing::debug!(changes = %RequesterChanges::between(&running.requesters.set, &requesters.set), "API requesters rebuilt after an admin API request");
    } else {
        log_archive_change(&running.requesters, &requesters);
    }

    let diagnostics = record_diagnostics(&running.loaded, &requesters);
    store_snapshot(
        state,
        &running,
        running.loaded.clone(),
        running.client.clone(),
        running.kept_elements.clone(),
        requesters,
    );

    let duration = clock.elapsed();
    state.set_last_reload(ReloadRecord {
        trigger,
        result: Some(ReloadResult::Applied),
        error: None,
        started_at,
        duration,
        diagnostics,
    });
    state.metrics.record_reload(ReloadResult::Applied, duration);
    true
}

/// Logs the requesters that an archive folder change added, changed and removed.
pub fn log_archive_change(old: &Requesters, new: &Requesters) {
    let changes = RequesterChanges::between(&old.set, &new.set);
    tracing::info!(
        folder = %new.folder.display(),
        added = changes.added.len(),
        changed = changes.changed.len(),
        removed = changes.removed.len(),
        "{} API requester archives changed in {}: {changes}",
        messages::ARCHIVES_CHANGED.id,
        new.folder.display()
    );
}

/// Collects the diagnostics shown for a snapshot: the configuration's, then
/// those of the archive folder and of combining archives with server.xml.
pub fn record_diagnostics(loaded: &Loaded, requesters: &Requesters) -> Vec<Diagnostic> {
    let mut diagnostics = loaded.diagnostics.clone();
    diagnostics.extend(requesters.diagnostics.iter().cloned());
    diagnostics
}
