//! Settings of a running server that come from the command line, not from
//! `server.xml`. Tests build them directly.

use std::path::PathBuf;
use std::time::Duration;

use zconnect_config::LoadOptions;

/// Default of `--max-request-body`: 64 MiB.
pub const DEFAULT_MAX_REQUEST_BODY: u64 = 64 * 1024 * 1024;
/// Default of `--max-buffered-body`: 8 MiB.
pub const DEFAULT_MAX_BUFFERED_BODY: u64 = 8 * 1024 * 1024;
/// Default of `--max-archive-size`: 64 MiB.
pub const DEFAULT_MAX_ARCHIVE_SIZE: u64 = 64 * 1024 * 1024;
/// Default of `--token-cache-size`, in cache keys.
pub const DEFAULT_TOKEN_CACHE_SIZE: usize = 10_000;
/// Default of `--reload-quiet-period`.
pub const DEFAULT_RELOAD_QUIET_PERIOD: Duration = Duration::from_millis(25);
/// Default of `--header-read-timeout`.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// Default of `--shutdown-timeout`.
pub const DEFAULT_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(30);

/// Everything `zconnect run` needs besides the configuration files.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// A `server.xml` file or a server directory.
    pub config_path: PathBuf,
    /// Variables, environment and limits passed to every load.
    pub load: LoadOptions,
    /// Largest API requester call body accepted, in bytes; larger gets 413.
    pub max_request_body: u64,
    /// Largest request body kept in memory so that a 401 can be retried, in bytes.
    pub max_buffered_body: u64,
    /// Largest `.ara` archive accepted, in bytes.
    pub max_archive_size: u64,
    /// Most OAuth token cache keys kept.
    pub token_cache_size: usize,
    /// Time without file events before a reload starts.
    pub reload_quiet_period: Duration,
    /// Longest wait for calls in progress when a listener closes or the server stops.
    pub shutdown_timeout: Duration,
    /// Longest time a client may take to send the request line and headers;
    /// a slower connection is closed, so partial headers cannot hold it open.
    pub header_read_timeout: Duration,
    /// Threads that serve connections, each with its own async runtime and
    /// its own connections to every endpoint.
    pub worker_threads: usize,
}

impl ServerOptions {
    /// Options with every default and the given configuration path. The
    /// environment is empty, so tests never depend on the process environment.
    pub fn new(config_path: impl Into<PathBuf>) -> Self {
        ServerOptions {
            config_path: config_path.into(),
            load: LoadOptions::default(),
            max_request_body: DEFAULT_MAX_REQUEST_BODY,
            max_buffered_body: DEFAULT_MAX_BUFFERED_BODY,
            max_archive_size: DEFAULT_MAX_ARCHIVE_SIZE,
            token_cache_size: DEFAULT_TOKEN_CACHE_SIZE,
            reload_quiet_period: DEFAULT_RELOAD_QUIET_PERIOD,
            shutdown_timeout: DEFAULT_SHUTDOWN_TIMEOUT,
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            worker_threads: default_worker_threads(),
        }
    }
}

/// Default of `--worker-threads`: one per CPU the process may use.
pub fn default_worker_threads() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}
