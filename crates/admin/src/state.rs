//! The snapshot of the running configuration that every request reads,
//! swapped whole at each reload, and the state that lives for the whole process.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

use arc_swap::ArcSwap;
use prometheus_client::registry::Registry;
use tokio::sync::{mpsc, oneshot};
use zconnect_config::model::{ApiRequester, ElementKey, RequesterStatus};
use zconnect_config::Loaded;
use zconnect_requester::{Client, SharedState};

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
}

impl Snapshot {
    /// Finds a requester by its name.
    pub fn requester(&self, name: &str) -> Option<&ApiRequester> {
        self.loaded
            .config
            .api_requesters
            .requesters
            .iter()
            .find(|requester| requester.name == name)
    }
}

/// A request to the reload task.
#[derive(Debug)]
pub enum ReloadCommand {
    /// `POST /zosConnect/config/refresh`: reload now and reply when done.
    Refresh(oneshot::Sender<RefreshAnswer>),
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
        }
    }

    /// Returns the status a requester has now: the admin API's change, else the configured one.
    pub fn requester_status(&self, requester: &ApiRequester) -> RequesterStatus {
        lock(&self.status_overrides)
            .get(&requester.name)
            .copied()
            .unwrap_or(requester.status)
    }

    pub fn set_requester_status(&self, name: &str, status: RequesterStatus) {
        lock(&self.status_overrides).insert(name.to_owned(), status);
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
