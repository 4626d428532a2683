//! Starting and stopping the server: first load, listener, reload task, and
//! graceful shutdown on SIGTERM or SIGINT.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use prometheus_client::registry::Registry;
use tokio::sync::mpsc;
use zconnect_requester::{RequesterOptions, SharedState};

use crate::app::App;
use crate::listener::{ListenAddress, ListenerMove, Listeners};
use crate::messages;
use crate::metrics::ServerMetrics;
use crate::options::ServerOptions;
use crate::reload::{build_first_snapshot, spawn_reload_task, ReloadTask, StartError};
use crate::signals::StopSignals;
use crate::state::AppState;
use crate::workers::ConnectionWorkers;

/// A running server.
#[derive(Debug)]
pub struct Server {
    state: Arc<AppState>,
    reload: ReloadTask,
}

impl Server {
    /// Loads the configuration, builds its clients, opens the listener and
    /// starts watching the files.
    pub async fn start(options: ServerOptions) -> Result<Server, StartError> {
        let shared = SharedState::new(RequesterOptions {
            token_cache_size: options.token_cache_size,
            max_buffered_body: options.max_buffered_body,
            call_workers: options.worker_threads,
        });
        let workers =
            ConnectionWorkers::start(options.worker_threads).map_err(StartError::Workers)?;

        let first = {
            let options = options.clone();
            let shared = shared.clone();
            tokio::task::spawn_blocking(move || build_first_snapshot(&options, &shared))
                .await
                .map_err(|error| StartError::Client(format!("loading panicked: {error}")))??
        };
        let (snapshot, record) = first;

        let mut registry = Registry::default();
        shared.metrics().register(&mut registry);
        let metrics = ServerMetrics::register(&mut registry);
        metrics.set_generation(snapshot.generation);

        let wanted = ListenAddress::from_endpoint(&snapshot.loaded.config.http_endpoint);
        let first_files = snapshot
            .loaded
            .sources
            .iter()
            .map(|source| source.path.clone())
            .collect();
        let (commands, command_receiver) = mpsc::channel(16);
        let state = Arc::new(AppState::new(
            snapshot,
            shared,
            options.clone(),
            metrics,
            registry,
            record,
            commands,
        ));

        let mut listeners = Listeners::new(
            App::new(state.clone()),
            options.shutdown_timeout,
            options.header_read_timeout,
            Arc::new(workers),
        );
        if let ListenerMove::Failed(error) = listeners.move_to(wanted).await {
            return Err(StartError::Bind(error));
        }
        state.set_listening(listeners.local_addresses());
        if state.listening().is_empty() {
            tracing::warn!("httpEndpoint defaultHttpEndpoint is disabled: the server does not listen until a reload enables it");
        }

        tracing::info!(
            generation = 1,
            config = %options.config_path.display(),
            "{} The zconnect server started with {}.",
            messages::STARTED.id,
            options.config_path.display()
        );
        let reload =
            spawn_reload_task(state.clone(), listeners, command_receiver, first_files).await;
        Ok(Server { state, reload })
    }

    /// Returns the address the server listens on now, if any. It changes when
    /// a reload moves the listener.
    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.state.listening().first().copied()
    }

    pub fn state(&self) -> &Arc<AppState> {
        &self.state
    }

    /// Stops accepting, lets calls in progress finish (bounded by the
    /// shutdown timeout) and stops the reload task.
    pub async fn shut_down(self) {
        self.reload.shut_down().await;
        tracing::info!("{} The zconnect server stopped.", messages::STOPPED.id);
    }
}

/// `zconnect run`: serves until SIGTERM or SIGINT, then exits 0. Exits 1 with
/// the diagnostics when the configuration cannot start a server.
pub fn run_until_signal(options: ServerOptions) -> ExitCode {
    // Connections are served on their own threads (see `workers`); this
    // runtime only accepts them, reloads and waits for signals.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("zconnect: cannot start the async runtime: {error}");
            return ExitCode::from(1);
        }
    };

    let code = runtime.block_on(async move {
        // Installed before the server logs that it listens, so that a signal
        // sent as soon as that line appears stops it gracefully.
        let mut signals = match StopSignals::install() {
            Ok(signals) => signals,
            Err(error) => {
                eprintln!("zconnect: cannot listen for SIGINT and SIGTERM: {error}");
                return ExitCode::from(1);
            }
        };

        let server = match Server::start(options).await {
            Ok(server) => server,
            Err(error) => {
                let mut stderr = std::io::stderr().lock();
                let _ = match error.redacted_sources() {
                    Some(redacted) => crate::check::write_text_with_sources(
                        &mut stderr,
                        error.diagnostics(),
                        redacted,
                    ),
                    None => crate::check::write_text(&mut stderr, error.diagnostics()),
                };
                eprintln!("zconnect: the server did not start: {error}");
                return ExitCode::from(1);
            }
        };

        let signal = signals.recv().await;
        tracing::info!(signal, "Stopping: waiting for calls in progress");
        server.shut_down().await;
        ExitCode::SUCCESS
    });

    // A file read stuck on the blocking pool (a FIFO swapped in between two
    // checks) must not keep the process alive after the server stopped.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    code
}
