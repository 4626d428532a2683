//! The snapshot of the running configuration that every request reads,
//! swapped whole at each reload, and the state that lives for the whole process.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

use arc_swap::ArcSwap;
use prometheus_client::registry::Registry;
use tokio::sync::{mpsc, oneshot};
use zconnect_config::archive::Requester;
use zconnect_config::model::{ElementKey, RequesterStatus};
use zconnect_config::Loaded;
use zconnect_requester::{Client, SharedState};

use crate::archives::Requesters;
use crate::metrics::ServerMetrics;
use crate::options::ServerOptions;
use crate::reload::ReloadRecord;

/// One running configuration with the HTTP clients built for it. Requests
/// load it once and use that copy to the end, so a reload never mixes two.
#[derive(Debug)]
pub struct Snapshot {
    /// 1 for the configuration loaded at start, then one more per applied reload.
    pub generation: u64,
    pub loaded_at: SystemTime,
    pub loaded: Loaded,
    pub client: Arc<Client>,
    /// Elements that were invalid in the newest files and kept their previous
    /// valid version (`onError="WARN"`).
    pub kept_elements: Vec<ElementKey>,
    /// The API requesters: archives of the archive folder combined with
    /// server.xml. A change in the folder alone replaces the snapshot with
    /// these rebuilt and everything else shared.
    pub requesters: Arc<Requesters>,
}

impl Snapshot {
    /// Finds a requester by its name.
    pub fn requester(&self, name: &str) -> Option<&Requester> {
        self.requesters.set.get(name)
    }
}

/// A request to the reload task.
#[derive(Debug)]
pub enum ReloadCommand {
    /// `POST /zosConnect/config/refresh`: reload now and reply when done.
    Refresh(oneshot::Sender<RefreshAnswer>),
    /// The admin API changed the archive folder: rebuild the requesters now,
    /// whatever `updateTrigger` says, and reply when the new snapshot runs.
    RescanArchives(oneshot::Sender<()>),
}

/// The reload task's reply to a refresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshAnswer {
    Done,
    /// `updateTrigger="disabled"`: nothing reloads.
    Disabled,
}

/// State shared by every request and the reload task for the whole process.
#[derive(Debug)]
pub struct AppState {
    pub snapshot: ArcSwap<Snapshot>,
    /// Token cache and requester metrics; they outlive every snapshot.
    pub shared: Arc<SharedState>,
    pub options: ServerOptions,
    pub metrics: ServerMetrics,
    pub registry: Registry,
    /// Status set through the admin API, by requester name. It wins over the
    /// configured status until the server stops, across reloads.
    status_overrides: Mutex<BTreeMap<String, RequesterStatus>>,
    /// The last reload attempt, for `GET /zosConnect/config/status`.
    last_reload: Mutex<ReloadRecord>,
    /// Addresses the listener is bound to now.
    listening: Mutex<Vec<SocketAddr>>,
    pub reload_commands: mpsc::Sender<ReloadCommand>,
    /// Held by an admin API request from its checks until its change to the
    /// archive folder is deployed, so two uploads never pass the same checks.
    pub archive_writes: tokio::sync::Mutex<()>,
}

impl AppState {
    pub fn new(
        snapshot: Snapshot,
        shared: Arc<SharedState>,
        options: ServerOptions,
        metrics: ServerMetrics,
        registry: Registry,
        first_record: ReloadRecord,
        reload_commands: mpsc::Sender<ReloadCommand>,
    ) -> Self {
        AppState {
            snapshot: ArcSwap::from_pointee(snapshot),
            shared,
            options,
            metrics,
            registry,
            status_overrides: Mutex::new(BTreeMap::new()),
            last_reload: Mutex::new(first_record),
            listening: Mutex::new(Vec::new()),
            reload_commands,
            archive_writes: tokio::sync::Mutex::new(()),
        }
    }

    /// Returns the status a requester has now: the admin API's change, else the configured one.
    pub fn requester_status(&self, requester: &Requester) -> RequesterStatus {
        lock(&self.status_overrides)
            .get(&requester.name)
            .copied()
            .unwrap_or(requester.settings.status)
    }

    pub fn set_requester_status(&self, name: &str, status: RequesterStatus) {
        lock(&self.status_overrides).insert(name.to_owned(), status);
    }

    /// Returns the status set through the admin API for a name, if any.
    pub fn status_override(&self, name: &str) -> Option<RequesterStatus> {
        lock(&self.status_overrides).get(name).copied()
    }

    /// Sets or clears the admin API's status for a name.
    pub fn replace_status_override(&self, name: &str, status: Option<RequesterStatus>) {
        let mut overrides = lock(&self.status_overrides);
        match status {
            Some(status) => overrides.insert(name.to_owned(), status),
            None => overrides.remove(name),
        };
    }

    pub fn last_reload(&self) -> ReloadRecord {
        lock(&self.last_reload).clone()
    }

    pub fn set_last_reload(&self, record: ReloadRecord) {
        *lock(&self.last_reload) = record;
    }

    pub fn listening(&self) -> Vec<SocketAddr> {
        lock(&self.listening).clone()
    }

    pub fn set_listening(&self, addresses: Vec<SocketAddr>) {
        *lock(&self.listening) = addresses;
    }

    /// Tells whether every address the server listens on is a loopback address.
    pub fn loopback_only(&self) -> bool {
        let addresses = lock(&self.listening);
        !addresses.is_empty() && addresses.iter().all(|address| address.ip().is_loopback())
    }
}

/// Locks a mutex, recovering the data if a thread panicked while holding it:
/// every value kept behind these locks is replaced whole, never half-written.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
