//! The reload task: turns file events, the `monitorInterval` poll and refresh
//! requests into reload attempts, one per burst of changes.
//!
//! Any event starts (or extends) a quiet period; when it ends, the watched
//! files are re-checked against the fingerprint taken before the last attempt,
//! and only a difference starts an attempt. The poll compares the same way, so
//! file systems without events and lost events are covered.
//!
//! The archive folder follows `updateTrigger` and `pollingRate` of
//! `zosconnect_apiRequesters` in the same way: when only archives differ from
//! the running snapshot, the requesters are rebuilt without a reload.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio::time::Instant;
use zconnect_config::model::UpdateTrigger;

use super::apply::{attempt, main_file};
use super::archives::rescan_archives;
use super::fingerprint::{Fingerprint, WatchedSet};
use super::watch::{DirectoryWatcher, WatchEvent};
use super::Trigger;
use crate::archives::{archive_folder, folder_contents, polling_rate};
use crate::listener::Listeners;
use crate::messages;
use crate::state::{AppState, RefreshAnswer, ReloadCommand};

/// Handle of the running reload task, which also owns the listener.
#[derive(Debug)]
pub struct ReloadTask {
    stop: Option<oneshot::Sender<()>>,
    handle: JoinHandle<()>,
}

impl ReloadTask {
    /// Stops reloading, closes the listener and waits for open connections
    /// (bounded by the shutdown timeout).
    pub async fn shut_down(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Err(error) = (&mut self.handle).await {
            tracing::error!(%error, "The reload task ended abnormally");
        }
    }
}

/// Starts the reload task. `first_files` are the files the start load read.
pub async fn spawn_reload_task(
    state: Arc<AppState>,
    listeners: Listeners,
    commands: mpsc::Receiver<ReloadCommand>,
    first_files: Vec<PathBuf>,
) -> ReloadTask {
    let (stop, stop_receiver) = oneshot::channel();
    // The first fingerprint is taken now, not when the task first runs, so a
    // change made right after start is still seen.
    let set = watched_set(&state, &first_files).await;
    let mut baseline = fingerprint(&state, &set).await;
    let changed_since_load = baseline.mark_changed_since(&state.snapshot.load().loaded.sources);
    let start = Start {
        set,
        baseline,
        first_files,
        changed_since_load,
    };
    let handle = tokio::spawn(run(state, listeners, commands, stop_receiver, start));
    ReloadTask {
        stop: Some(stop),
        handle,
    }
}

struct Watching {
    watcher: DirectoryWatcher,
    set: WatchedSet,
    /// State of the watched files before the last attempt.
    baseline: Fingerprint,
    /// Files of the last attempted load, watched even when it failed.
    last_attempt: Vec<PathBuf>,
}

/// The watched state when the task is spawned.
struct Start {
    set: WatchedSet,
    baseline: Fingerprint,
    first_files: Vec<PathBuf>,
    changed_since_load: bool,
}

async fn run(
    state: Arc<AppState>,
    mut listeners: Listeners,
    mut commands: mpsc::Receiver<ReloadCommand>,
    mut stop: oneshot::Receiver<()>,
    start: Start,
) {
    let (events_sender, mut events) = mpsc::unbounded_channel();
    let mut watching = Watching {
        watcher: DirectoryWatcher::new(events_sender),
        baseline: start.baseline,
        set: start.set,
        last_attempt: start.first_files,
    };
    watching
        .watcher
        .update(watch_directories(&state, &watching.set).await);

    let quiet_period = state.options.reload_quiet_period;
    let mut quiet_until: Option<Instant> = start
        .changed_since_load
        .then(|| Instant::now() + quiet_period);
    let mut next_poll = Instant::now() + monitor_interval(&state);
    let mut next_archive_poll = Instant::now() + archive_polling_rate(&state);

    loop {
        let (trigger, archive_trigger) = {
            let config = &state.snapshot.load().loaded.config;
            (
                config.config.update_trigger,
                config.api_requesters.update_trigger,
            )
        };
        let config_polled = trigger == UpdateTrigger::Polled;
        let archives_polled = archive_trigger == UpdateTrigger::Polled;
        let reacts_to_files = config_polled || archives_polled;
        let polling = config_polled && !monitor_interval(&state).is_zero();

        tokio::select! {
            _ = &mut stop => break,

            Some(command) = commands.recv() => match command {
                ReloadCommand::Refresh(reply) => {
                    if trigger == UpdateTrigger::Disabled {
                        let _ = reply.send(RefreshAnswer::Disabled);
                        continue;
                    }
                    quiet_until = None;
                    reload(&state, &mut listeners, &mut watching, Trigger::Refresh, &mut quiet_until, quiet_period).await;
                    let _ = reply.send(RefreshAnswer::Done);
                }
                ReloadCommand::RescanArchives(reply) => {
                    rescan_archives(&state, Trigger::AdminApi).await;
                    // The upload may have created the archive folder.
                    watching.watcher.update(watch_directories(&state, &watching.set).await);
                    let _ = reply.send(());
                }
            },

            Some(event) = events.recv() => {
                if let WatchEvent::Failed(error) = &event {
                    tracing::error!(%error, "{} The file watcher reported an error; re-checking the configuration files", messages::WATCHER_FAILED.id);
                }
                if matches!(event, WatchEvent::Rescan) {
                    tracing::debug!("The file watcher lost events; re-checking the configuration files");
                }
                if reacts_to_files {
                    quiet_until = Some(Instant::now() + quiet_period);
                }
            },

            _ = sleep_until_opt(quiet_until), if quiet_until.is_some() => {
                quiet_until = None;
                // The archive folder or a folder above it may have been created.
                watching.watcher.update(watch_directories(&state, &watching.set).await);
                state.metrics.record_file_check();
                let now = fingerprint(&state, &watching.set).await;
                if config_polled && now != watching.baseline {
                    // A reload rebuilds the requesters from the folder too.
                    reload(&state, &mut listeners, &mut watching, Trigger::FileChange, &mut quiet_until, quiet_period).await;
                } else if archives_polled && archives_differ(&state).await {
                    rescan_archives(&state, Trigger::ArchiveChange).await;
                    watching.watcher.update(watch_directories(&state, &watching.set).await);
                }
            },

            _ = tokio::time::sleep_until(next_poll), if polling => {
                next_poll = Instant::now() + monitor_interval(&state);
                if quiet_until.is_none() && fingerprint(&state, &watching.set).await != watching.baseline {
                    // Files may still be being written: let the quiet period pass first.
                    quiet_until = Some(Instant::now() + quiet_period);
                }
            },

            _ = tokio::time::sleep_until(next_archive_poll), if archives_polled => {
                next_archive_poll = Instant::now() + archive_polling_rate(&state);
                if quiet_until.is_none() && archives_differ(&state).await {
                    // An archive may still be being copied: let the quiet period pass first.
                    quiet_until = Some(Instant::now() + quiet_period);
                }
            },
        }

        if !polling {
            next_poll = Instant::now() + monitor_interval(&state).max(Duration::from_millis(1));
        }
        if !archives_polled {
            next_archive_poll = Instant::now() + archive_polling_rate(&state);
        }
    }

    listeners.shut_down().await;
}

/// Runs one attempt and recomputes the watched set afterwards.
async fn reload(
    state: &Arc<AppState>,
    listeners: &mut Listeners,
    watching: &mut Watching,
    trigger: Trigger,
    quiet_until: &mut Option<Instant>,
    quiet_period: Duration,
) {
    let before = fingerprint(state, &watching.set).await;
    let outcome = attempt(state, listeners, trigger).await;
    watching.last_attempt = outcome.files;
    let read = outcome.read;

    watching.set = watched_set(state, &watching.last_attempt).await;
    watching
        .watcher
        .update(watch_directories(state, &watching.set).await);

    // Files that were watched before keep the state seen before the load, so
    // a change made while loading is still found; new files start from now.
    let mut baseline = fingerprint(state, &watching.set).await;
    for (path, file_state) in &before.files {
        if let Some(entry) = baseline.files.get_mut(path) {
            *entry = file_state.clone();
        }
    }
    for (path, names) in &before.folders {
        if let Some(entry) = baseline.folders.get_mut(path) {
            *entry = names.clone();
        }
    }
    // New files are compared with what the load read. Files watched before
    // already keep their state from before the load, and comparing them again
    // could repeat reloads forever if the two hashes ever disagreed.
    let new_files: Vec<_> = read
        .into_iter()
        .filter(|source| !before.files.contains_key(&source.path))
        .collect();
    let changed_during_load = baseline.mark_changed_since(&new_files);
    if changed_during_load || fingerprint(state, &watching.set).await != baseline {
        *quiet_until = Some(Instant::now() + quiet_period);
    }
    watching.baseline = baseline;
}

/// Runs file-system work on the blocking pool. A FIFO, a device or a slow
/// network file system among the watched files must never stall the threads
/// that answer requests and signals. `None` when the work panicked.
async fn off_runtime<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    match tokio::task::spawn_blocking(work).await {
        Ok(value) => Some(value),
        Err(error) => {
            tracing::error!(%error, "A file check of the reload task failed");
            None
        }
    }
}

/// The fingerprint of the watched set, hashing no more of a file than the
/// loader would read.
async fn fingerprint(state: &AppState, set: &WatchedSet) -> Fingerprint {
    let set = set.clone();
    let max_file_size = state.options.load.limits.max_file_size;
    off_runtime(move || Fingerprint::take(&set, max_file_size))
        .await
        .unwrap_or_default()
}

/// The union of the running configuration's files and folders, the last
/// attempt's, the main file and the configDropins folders. Included folders
/// are watched as folders, so that a file added to one is seen.
async fn watched_set(state: &Arc<AppState>, last_attempt: &[PathBuf]) -> WatchedSet {
    let (state, last_attempt) = (state.clone(), last_attempt.to_vec());
    off_runtime(move || watched_set_now(&state, &last_attempt))
        .await
        .unwrap_or_default()
}

fn watched_set_now(state: &AppState, last_attempt: &[PathBuf]) -> WatchedSet {
    let snapshot = state.snapshot.load();
    let main = main_file(&state.options.config_path);

    let mut paths: BTreeSet<PathBuf> = snapshot
        .loaded
        .sources
        .iter()
        .map(|source| source.path.clone())
        .collect();
    paths.extend(snapshot.loaded.attempted.iter().cloned());
    paths.extend(last_attempt.iter().cloned());
    let (included_folders, mut files): (BTreeSet<PathBuf>, BTreeSet<PathBuf>) =
        paths.into_iter().partition(|path| path.is_dir());
    files.insert(main.clone());

    let server_dir = main
        .parent()
        .map(PathBuf::from)
        .unwrap_or_else(|| snapshot.loaded.config.server_dir.clone());
    let dropins = server_dir.join("configDropins");
    let mut folders = BTreeSet::from([dropins.join("defaults"), dropins.join("overrides")]);
    folders.extend(included_folders);

    WatchedSet { files, folders }
}

/// The directories of the watched set, plus the archive folder of the
/// running configuration or, while it does not exist, its nearest existing
/// ancestor, so that creating the folder is seen too.
async fn watch_directories(state: &Arc<AppState>, set: &WatchedSet) -> BTreeSet<PathBuf> {
    let (state, set) = (state.clone(), set.clone());
    off_runtime(move || watch_directories_now(&state, &set))
        .await
        .unwrap_or_default()
}

fn watch_directories_now(state: &AppState, set: &WatchedSet) -> BTreeSet<PathBuf> {
    let mut directories = set.directories();
    let folder = archive_folder(&state.snapshot.load().loaded.config);
    if let Some(existing) = folder.ancestors().find(|directory| directory.is_dir()) {
        directories.insert(existing.to_path_buf());
    }
    directories
}

/// Tells whether the archive folder differs from the running snapshot's
/// archives, by file path and content.
async fn archives_differ(state: &Arc<AppState>) -> bool {
    let state = state.clone();
    off_runtime(move || archives_differ_now(&state))
        .await
        .unwrap_or(false)
}

fn archives_differ_now(state: &AppState) -> bool {
    let snapshot = state.snapshot.load();
    let folder = archive_folder(&snapshot.loaded.config);
    if folder != snapshot.requesters.folder {
        return true;
    }
    let contents = folder_contents(&folder, state.options.max_archive_size);
    !snapshot.requesters.same_archives(&contents)
}

fn archive_polling_rate(state: &AppState) -> Duration {
    polling_rate(&state.snapshot.load().loaded.config).max(Duration::from_millis(1))
}

fn monitor_interval(state: &AppState) -> Duration {
    state.snapshot.load().loaded.config.config.monitor_interval
}

async fn sleep_until_opt(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}
