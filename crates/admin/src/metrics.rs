//! Metrics of the server itself: reloads by result, reload duration and the
//! configuration generation. The requester crate registers its own metrics
//! (calls, latency, tokens, cache, retries) in the same registry.

use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::reload::ReloadResult;

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct ResultLabels {
    result: &'static str,
}

/// Reload metrics, registered once per process.
#[derive(Debug, Clone)]
pub struct ServerMetrics {
    reloads: Family<ResultLabels, Counter>,
    reload_duration: Histogram,
    generation: Gauge,
    file_checks: Counter,
}

impl ServerMetrics {
    /// Creates the metrics and registers them under the `zconnect_` prefix.
    pub fn register(registry: &mut Registry) -> Self {
        let metrics = ServerMetrics {
            reloads: Family::default(),
            reload_duration: Histogram::new([
                0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            ]),
            generation: Gauge::default(),
            file_checks: Counter::default(),
        };

        registry.register(
            "zconnect_config_reloads",
            "Configuration reload attempts by result (applied, unchanged, rejected, partial)",
            metrics.reloads.clone(),
        );
        registry.register_with_unit(
            "zconnect_config_reload_duration",
            "Time from the start of a reload attempt to its result",
            prometheus_client::registry::Unit::Seconds,
            metrics.reload_duration.clone(),
        );
        registry.register(
            "zconnect_config_generation",
            "Generation number of the running configuration; 1 is the configuration loaded at start",
            metrics.generation.clone(),
        );
        registry.register(
            "zconnect_config_file_checks",
            "Times the watched files were compared with the last reload after file events calmed down; an idle server adds none",
            metrics.file_checks.clone(),
        );
        metrics
    }

    pub fn record_reload(&self, result: ReloadResult, duration: Duration) {
        self.reloads
            .get_or_create(&ResultLabels {
                result: result.as_str(),
            })
            .inc();
        self.reload_duration.observe(duration.as_secs_f64());
    }

    pub fn record_file_check(&self) {
        self.file_checks.inc();
    }

    pub fn set_generation(&self, generation: u64) {
        self.generation
            .set(i64::try_from(generation).unwrap_or(i64::MAX));
    }
}
