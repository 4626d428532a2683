//! One load attempt: read every file, build and validate the new configuration
//! and its HTTP clients off to the side, move the listener if needed, and only
//! then replace the running snapshot in one atomic store.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use zconnect_config::archive::{scan_folder_with_limits, FolderScan};
use zconnect_config::model::OnError;
use zconnect_config::sources::RedactedSources;
use zconnect_config::{Diagnostic, LoadFailure, Loaded, Severity, SourceFile};
use zconnect_requester::{Client, SharedState};

use super::archives::{log_archive_change, record_diagnostics};
use super::keep::{keep_previous_versions, left_out_requesters};
use super::summary::ChangeSummary;
use super::{ReloadRecord, ReloadResult, Trigger};
use crate::archives::{self, Requesters};
use crate::listener::{ListenAddress, ListenerMove, Listeners};
use crate::messages;
use crate::options::ServerOptions;
use crate::state::{AppState, Snapshot};

/// Failure to start the server.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("the configuration cannot be loaded: {}", summarise(&.0.diagnostics))]
    Load(LoadFailure),
    #[error("the configuration has errors and onError=\"FAIL\" is set: {}", summarise(.0))]
    FailOnError(Vec<Diagnostic>),
    #[error("the HTTP clients cannot be built: {0}")]
    Client(String),
    #[error(transparent)]
    Bind(#[from] crate::listener::BindError),
    #[error("cannot start the connection threads: {0}; lower --worker-threads, or raise the limits of the process on threads and open files")]
    Workers(std::io::Error),
}

impl StartError {
    /// Returns every diagnostic that explains the failure, for printing.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            StartError::Load(failure) => &failure.diagnostics,
            StartError::FailOnError(diagnostics) => diagnostics,
            StartError::Client(_) | StartError::Bind(_) | StartError::Workers(_) => &[],
        }
    }

    /// Returns the redacted file contents for source excerpts, when the load
    /// kept them.
    pub fn redacted_sources(&self) -> Option<&RedactedSources> {
        match self {
            StartError::Load(failure) => Some(&failure.redacted),
            StartError::FailOnError(_)
            | StartError::Client(_)
            | StartError::Bind(_)
            | StartError::Workers(_) => None,
        }
    }
}

fn summarise(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    format!("{errors} error(s)")
}

/// Returns the file zconnect reads first: `server.xml` itself, or inside the directory.
pub fn main_file(config_path: &Path) -> PathBuf {
    if config_path.is_dir() {
        config_path.join("server.xml")
    } else {
        config_path.to_path_buf()
    }
}

/// Loads the configuration at start and builds its clients. The listener is
/// opened afterwards by the caller.
pub fn build_first_snapshot(
    options: &ServerOptions,
    shared: &Arc<SharedState>,
) -> Result<(Snapshot, ReloadRecord), StartError> {
    let started_at = SystemTime::now();
    let clock = Instant::now();

    let loaded =
        zconnect_config::load(&options.config_path, &options.load).map_err(StartError::Load)?;
    if loaded.config.config.on_error == OnError::Fail && loaded.has_errors() {
        return Err(StartError::FailOnError(loaded.diagnostics.clone()));
    }
    log_diagnostics(&loaded.diagnostics, loaded.config.config.on_error);

    // An invalid archive is reported and left out whatever onError says, so
    // that the other archives still load.
    let requesters = Requesters::build(&loaded.config, archives::limits(options.max_archive_size));
    log_diagnostics(&requesters.diagnostics, OnError::Warn);

    let client = Client::build(loaded.config.clone(), shared.clone(), None)
        .map_err(|error| StartError::Client(error.to_string()))?;
    log_build_problems(&client);

    let record = ReloadRecord {
        trigger: Trigger::Start,
        result: None,
        error: None,
        started_at,
        duration: clock.elapsed(),
        diagnostics: record_diagnostics(&loaded, &requesters),
    };
    let snapshot = Snapshot {
        generation: 1,
        loaded_at: SystemTime::now(),
        loaded,
        client: Arc::new(client),
        kept_elements: Vec::new(),
        requesters: Arc::new(requesters),
    };
    Ok((snapshot, record))
}

/// The files an attempt read or tried to read, which join the watched set,
/// and the content hashes of those it read.
#[derive(Debug)]
pub struct Attempt {
    pub files: Vec<PathBuf>,
    pub read: Vec<SourceFile>,
}

/// Runs one reload attempt and records its outcome in the state, the logs and
/// the metrics.
pub async fn attempt(
    state: &Arc<AppState>,
    listeners: &mut Listeners,
    trigger: Trigger,
) -> Attempt {
    let started_at = SystemTime::now();
    let clock = Instant::now();
    tracing::info!(
        trigger = trigger.as_str(),
        "{} Starting configuration reload",
        messages::RELOAD_STARTED.id
    );

    let path = state.options.config_path.clone();
    let mut load_options = state.options.load.clone();
    // bootstrap.properties is read at start only, as in Liberty: every
    // snapshot holds the values of the start load.
    load_options.bootstrap = Some(state.snapshot.load().loaded.bootstrap.clone());
    let limits = archives::limits(state.options.max_archive_size);
    // The archive folder is scanned with the new files, because they may
    // move it; combining happens after the previous versions of invalid
    // elements are put back.
    let loaded = match tokio::task::spawn_blocking(move || {
        zconnect_config::load(&path, &load_options).map(|loaded| {
            let folder = archives::archive_folder(&loaded.config);
            let scan = scan_folder_with_limits(&folder, limits);
            (loaded, folder, scan)
        })
    })
    .await
    {
        Ok(result) => result,
        Err(join_error) => Err(LoadFailure {
            unreadable: false,
            diagnostics: Vec::new(),
            sources: Vec::new(),
            attempted: vec![join_error.to_string().into()],
            redacted: Default::default(),
        }),
    };

    let read: Vec<SourceFile>;
    let outcome = match loaded {
        Err(failure) => {
            let files = failure_files(&failure);
            read = failure.sources.clone();
            let error = rejection_text(
                &failure.diagnostics,
                "the files are not well-formed or cannot be read",
            );
            Outcome::rejected(error, failure.diagnostics, files)
        }
        Ok((loaded, folder, scan)) => {
            read = loaded.sources.clone();
            apply_loaded(state, listeners, loaded, folder, scan).await
        }
    };

    let duration = clock.elapsed();
    let record = ReloadRecord {
        trigger,
        result: Some(outcome.result),
        error: outcome.error.clone(),
        started_at,
        duration,
        diagnostics: outcome.diagnostics,
    };
    state.set_last_reload(record);
    state.metrics.record_reload(outcome.result, duration);

    let millis = duration.as_secs_f64() * 1000.0;
    match outcome.result {
        ReloadResult::Applied => tracing::info!(
            generation = state.snapshot.load().generation,
            duration_ms = millis,
            "{} Configuration reloaded in {millis:.1} ms: {}",
            messages::RELOAD_APPLIED.id,
            outcome.summary
        ),
        ReloadResult::Partial => tracing::warn!(
            generation = state.snapshot.load().generation,
            duration_ms = millis,
            error = outcome.error.as_deref().unwrap_or(""),
            "{} Configuration reloaded in {millis:.1} ms but the listener did not move: {}",
            messages::RELOAD_PARTIAL.id,
            outcome.summary
        ),
        ReloadResult::Unchanged => tracing::info!(
            duration_ms = millis,
            "{} Configuration not reloaded: no file changed",
            messages::RELOAD_UNCHANGED.id
        ),
        ReloadResult::Rejected => tracing::error!(
            duration_ms = millis,
            "{} Configuration reload rejected; the running configuration stays: {}",
            messages::RELOAD_REJECTED.id,
            outcome.error.as_deref().unwrap_or("")
        ),
    }

    Attempt {
        files: outcome.files,
        read,
    }
}

struct Outcome {
    result: ReloadResult,
    error: Option<String>,
    diagnostics: Vec<Diagnostic>,
    files: Vec<PathBuf>,
    summary: ChangeSummary,
}

impl Outcome {
    /// The rejection is logged once at error by the caller, with the
    /// position of every error; the full lines are at debug.
    fn rejected(error: String, diagnostics: Vec<Diagnostic>, files: Vec<PathBuf>) -> Self {
        for diagnostic in diagnostics.iter().filter(|d| d.is_error()) {
            tracing::debug!("{}", diagnostic_line(diagnostic));
        }
        Outcome {
            result: ReloadResult::Rejected,
            error: Some(error),
            diagnostics,
            files,
            summary: ChangeSummary::default(),
        }
    }
}

async fn apply_loaded(
    state: &Arc<AppState>,
    listeners: &mut Listeners,
    loaded: Loaded,
    folder: PathBuf,
    scan: FolderScan,
) -> Outcome {
    let running = state.snapshot.load_full();
    let files: Vec<PathBuf> = loaded
        .sources
        .iter()
        .map(|source| source.path.clone())
        .chain(loaded.attempted.iter().cloned())
        .collect();

    if same_content(&running.loaded.sources, &loaded.sources) {
        let same_archives = folder == running.requesters.folder
            && same_content(&running.requesters.archive_files, &scan.files);
        if same_archives {
            return Outcome {
                result: ReloadResult::Unchanged,
                error: None,
                diagnostics: record_diagnostics(&running.loaded, &running.requesters),
                files,
                summary: ChangeSummary::default(),
            };
        }

        // Only archives changed: the running configuration and its clients stay.
        let requesters = Requesters::combine(folder, scan, &running.loaded.config);
        log_diagnostics(&requesters.diagnostics, OnError::Warn);
        log_archive_change(&running.requesters, &requesters);
        let diagnostics = record_diagnostics(&running.loaded, &requesters);
        store_snapshot(
            state,
            &running,
            running.loaded.clone(),
            running.client.clone(),
            running.kept_elements.clone(),
            requesters,
        );
        return Outcome {
            result: ReloadResult::Applied,
            error: None,
            diagnostics,
            files,
            summary: ChangeSummary::default(),
        };
    }

    let on_error = loaded.config.config.on_error;
    if on_error == OnError::Fail && loaded.has_errors() {
        let error = rejection_text(
            &loaded.diagnostics,
            "onError=\"FAIL\" rejects a configuration with errors",
        );
        return Outcome::rejected(error, loaded.diagnostics, files);
    }
    log_diagnostics(&loaded.diagnostics, on_error);

    let (loaded, kept) = keep_previous(&running, loaded);

    let config = loaded.config.clone();
    let shared = state.shared.clone();
    let previous_client = running.client.clone();
    let built =
        tokio::task::spawn_blocking(move || Client::build(config, shared, Some(&previous_client)))
            .await;
    let client = match built {
        Ok(Ok(client)) => {
            log_build_problems(&client);
            client
        }
        Ok(Err(error)) => {
            let text = format!("the HTTP clients cannot be built: {error}");
            return Outcome::rejected(text, loaded.diagnostics, files);
        }
        Err(join_error) => {
            let text = format!("building the HTTP clients failed: {join_error}");
            return Outcome::rejected(text, loaded.diagnostics, files);
        }
    };

    let requesters = Requesters::combine(folder, scan, &loaded.config);
    log_diagnostics(&requesters.diagnostics, OnError::Warn);
    if !same_content(&running.requesters.archive_files, &requesters.archive_files) {
        log_archive_change(&running.requesters, &requesters);
    }

    let wanted = ListenAddress::from_endpoint(&loaded.config.http_endpoint);
    let listener_move = listeners.move_to(wanted).await;

    let summary = ChangeSummary::between(&running.loaded.effective, &loaded.effective);
    let diagnostics = record_diagnostics(&loaded, &requesters);
    store_snapshot(state, &running, loaded, Arc::new(client), kept, requesters);
    state.set_listening(listeners.local_addresses());

    let (result, error) = match listener_move {
        ListenerMove::Unchanged => (ReloadResult::Applied, None),
        ListenerMove::Moved { previous } => {
            if let Some(previous) = previous {
                tokio::spawn(previous.shut_down());
            }
            (ReloadResult::Applied, None)
        }
        ListenerMove::Failed(error) => {
            tracing::error!(%error, "{} {error}", messages::BIND_FAILED.id);
            (ReloadResult::Partial, Some(error.to_string()))
        }
    };

    Outcome {
        result,
        error,
        diagnostics,
        files,
        summary,
    }
}

/// Replaces the running snapshot with the next generation.
pub(super) fn store_snapshot(
    state: &AppState,
    running: &Snapshot,
    loaded: Loaded,
    client: Arc<Client>,
    kept_elements: Vec<zconnect_config::model::ElementKey>,
    requesters: Requesters,
) {
    let generation = running.generation + 1;
    state.snapshot.store(Arc::new(Snapshot {
        generation,
        loaded_at: SystemTime::now(),
        loaded,
        client,
        kept_elements,
        requesters: Arc::new(requesters),
    }));
    state.metrics.set_generation(generation);
}

/// Applies the previous versions of newly invalid elements under
/// `onError="WARN"` (and `IGNORE`, which behaves the same).
fn keep_previous(
    running: &Snapshot,
    loaded: Loaded,
) -> (Loaded, Vec<zconnect_config::model::ElementKey>) {
    let left_out = left_out_requesters(&loaded.diagnostics, &loaded.config);
    if loaded.config.invalid_elements.is_empty() && left_out.is_empty() {
        return (loaded, Vec::new());
    }
    let mut config = (*loaded.config).clone();
    config.invalid_elements.extend(left_out);
    let kept = keep_previous_versions(&running.loaded.config, &mut config);
    for key in &kept {
        let path = match &key.id {
            Some(id) => format!("{}[{id}]", key.kind),
            None => key.kind.clone(),
        };
        tracing::warn!(
            element = %path,
            "{} The element {path} is invalid in the changed files and keeps its previous valid version.",
            messages::ELEMENT_KEPT.id
        );
    }
    let loaded = Loaded {
        config: Arc::new(config),
        ..loaded
    };
    (loaded, kept)
}

/// Tells whether two loads read the same files with the same content.
fn same_content(running: &[SourceFile], new: &[SourceFile]) -> bool {
    let mut running: Vec<_> = running.iter().collect();
    let mut new: Vec<_> = new.iter().collect();
    running.sort_by(|a, b| a.path.cmp(&b.path));
    new.sort_by(|a, b| a.path.cmp(&b.path));
    running == new
}

fn failure_files(failure: &LoadFailure) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = failure
        .sources
        .iter()
        .map(|source| source.path.clone())
        .collect();
    files.extend(failure.attempted.iter().cloned());
    files
}

fn rejection_text(diagnostics: &[Diagnostic], fallback: &str) -> String {
    /// Most positions of further errors named in the line.
    const MAX_LISTED: usize = 10;

    let mut errors = diagnostics.iter().filter(|d| d.is_error());
    let Some(first) = errors.next() else {
        return fallback.to_owned();
    };
    let others: Vec<&Diagnostic> = errors.collect();
    if others.is_empty() {
        return diagnostic_line(first);
    }

    let listed: Vec<String> = others
        .iter()
        .take(MAX_LISTED)
        .map(|diagnostic| match &diagnostic.location {
            Some(location) => format!("{} {location}", diagnostic.id()),
            None => diagnostic.id().to_owned(),
        })
        .collect();
    let unlisted = others.len().saturating_sub(MAX_LISTED);
    let more = if unlisted > 0 {
        format!(" and {unlisted} more")
    } else {
        String::new()
    };
    format!(
        "{} (and {} more errors: {}{more})",
        diagnostic_line(first),
        others.len(),
        listed.join(", ")
    )
}

/// Formats a diagnostic as one log line: message id first, then position and message.
pub fn diagnostic_line(diagnostic: &Diagnostic) -> String {
    match &diagnostic.location {
        Some(location) => format!("{} {location}: {}", diagnostic.id(), diagnostic.message),
        None => format!("{} {}", diagnostic.id(), diagnostic.message),
    }
}

/// Logs the diagnostics of a configuration that will run: errors and warnings
/// at their level (errors at debug under `onError="IGNORE"`), infos at debug.
pub(super) fn log_diagnostics(diagnostics: &[Diagnostic], on_error: OnError) {
    for diagnostic in diagnostics {
        let line = diagnostic_line(diagnostic);
        match diagnostic.severity() {
            Severity::Error if on_error == OnError::Ignore => tracing::debug!("{line}"),
            Severity::Error => tracing::error!("{line}"),
            Severity::Warning => tracing::warn!("{line}"),
            Severity::Info => tracing::debug!("{line}"),
        }
    }
}

/// Logs each element left without an HTTP client, once per build; calls that
/// need it fail with 503 until a reload fixes it.
fn log_build_problems(client: &Client) {
    for problem in client.build_problems() {
        tracing::error!(
            element = %problem.element,
            cause = %problem.message,
            "The HTTP client of an element cannot be built; calls that need it fail with 503"
        );
    }
}
