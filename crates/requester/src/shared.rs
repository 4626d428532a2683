//! State that lives for the whole process, across configuration reloads.

use std::sync::Arc;

use crate::metrics::Metrics;
use crate::oauth::cache::TokenCache;

/// Limits set on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequesterOptions {
    /// Maximum number of token cache keys (`--token-cache-size`); the least
    /// recently used go first.
    pub token_cache_size: usize,
    /// Largest request body, in bytes, kept in memory so a 401 can be retried
    /// (`--max-buffered-body`); larger bodies are streamed and not retried.
    pub max_buffered_body: u64,
    /// Threads that serve calls, each with its own connections to every
    /// endpoint (see [`crate::bind_thread_to_worker`]).
    pub call_workers: usize,
}

impl Default for RequesterOptions {
    fn default() -> Self {
        RequesterOptions {
            token_cache_size: 10_000,
            max_buffered_body: 8 * 1024 * 1024,
            call_workers: 1,
        }
    }
}

/// The token cache and the metrics, shared by every [`crate::Client`] built
/// from successive configurations.
#[derive(Debug)]
pub struct SharedState {
    options: RequesterOptions,
    tokens: Arc<TokenCache>,
    metrics: Metrics,
}

impl SharedState {
    pub fn new(options: RequesterOptions) -> Arc<SharedState> {
        Arc::new(SharedState {
            options,
            tokens: Arc::new(TokenCache::new(options.token_cache_size)),
            metrics: Metrics::default(),
        })
    }

    pub fn options(&self) -> RequesterOptions {
        self.options
    }

    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    pub fn token_cache(&self) -> &Arc<TokenCache> {
        &self.tokens
    }
}
