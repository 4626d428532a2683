//! Prometheus metrics of API requester calls and tokens. Labels carry only
//! names from the configuration and fixed words, never a secret or a value
//! sent by the caller other than the requester name.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct CallLabels {
    pub requester: String,
    /// `success` (2xx), `endpoint_status` (another status from the endpoint)
    /// or the failure's [`crate::ErrorKind::label`].
    pub result: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ConnectionLabels {
    pub connection: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct TokenRequestLabels {
    pub authorization_server: String,
    /// `success`, `connect_error`, `timeout`, `server_error`, `client_error`,
    /// `error_answer` or `unreadable`.
    pub outcome: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RetryLabels {
    pub requester: String,
    /// `retry` or `no_retry`.
    pub decision: String,
    pub reason: String,
}

/// Every metric of the requester. Cloning shares the same series.
#[derive(Debug, Clone)]
pub struct Metrics {
    pub calls: Family<CallLabels, Counter>,
    /// Seconds from sending a request to the endpoint to its response headers.
    pub endpoint_latency: Family<ConnectionLabels, Histogram, fn() -> Histogram>,
    pub response_body_stalls: Family<ConnectionLabels, Counter>,
    pub token_requests: Family<TokenRequestLabels, Counter>,
    pub token_cache_hits: Counter,
    pub token_cache_misses: Counter,
    pub retry_decisions: Family<RetryLabels, Counter>,
}

fn latency_histogram() -> Histogram {
    // 1 ms to about 65 s in powers of two.
    Histogram::new(exponential_buckets(0.001, 2.0, 17))
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            calls: Family::default(),
            endpoint_latency: Family::new_with_constructor(latency_histogram),
            response_body_stalls: Family::default(),
            token_requests: Family::default(),
            token_cache_hits: Counter::default(),
            token_cache_misses: Counter::default(),
            retry_decisions: Family::default(),
        }
    }
}

impl Metrics {
    /// Adds every metric to `registry` under the `zconnect_` prefix.
    pub fn register(&self, registry: &mut Registry) {
        registry.register(
            "zconnect_requester_calls",
            "API requester calls by requester and result",
            self.calls.clone(),
        );
        registry.register(
            "zconnect_endpoint_latency_seconds",
            "Time from sending a request to the endpoint to its response headers",
            self.endpoint_latency.clone(),
        );
        registry.register(
            "zconnect_response_body_stalls",
            "Endpoint response bodies cut off after a pause longer than receiveTimeout",
            self.response_body_stalls.clone(),
        );
        registry.register(
            "zconnect_token_requests",
            "Token requests by authorization server and outcome",
            self.token_requests.clone(),
        );
        registry.register(
            "zconnect_token_cache_hits",
            "Token lookups served from the cache",
            self.token_cache_hits.clone(),
        );
        registry.register(
            "zconnect_token_cache_misses",
            "Token lookups that needed a token request or waited for one",
            self.token_cache_misses.clone(),
        );
        registry.register(
            "zconnect_requester_retry_decisions",
            "Decisions on 401 responses to calls with a token, by requester, decision and reason",
            self.retry_decisions.clone(),
        );
    }

    pub(crate) fn count_call(&self, requester: &str, result: &str) {
        self.calls
            .get_or_create(&CallLabels {
                requester: requester.to_owned(),
                result: result.to_owned(),
            })
            .inc();
    }

    pub(crate) fn observe_latency(&self, connection: &str, seconds: f64) {
        self.endpoint_latency
            .get_or_create(&ConnectionLabels {
                connection: connection.to_owned(),
            })
            .observe(seconds);
    }

    pub(crate) fn count_stall(&self, connection: &str) {
        self.response_body_stalls
            .get_or_create(&ConnectionLabels {
                connection: connection.to_owned(),
            })
            .inc();
    }

    pub(crate) fn count_token_request(&self, authorization_server: &str, outcome: &str) {
        self.token_requests
            .get_or_create(&TokenRequestLabels {
                authorization_server: authorization_server.to_owned(),
                outcome: outcome.to_owned(),
            })
            .inc();
    }

    pub(crate) fn count_retry_decision(&self, requester: &str, retry: bool, reason: &str) {
        self.retry_decisions
            .get_or_create(&RetryLabels {
                requester: requester.to_owned(),
                decision: if retry { "retry" } else { "no_retry" }.to_owned(),
                reason: reason.to_owned(),
            })
            .inc();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registered_metrics_encode_with_prefix() {
        let metrics = Metrics::default();
        metrics.count_call("orders", "success");
        metrics.count_token_request("as1", "success");
        metrics.count_retry_decision("orders", true, "invalid_token_challenge");
        metrics.observe_latency("conn", 0.01);
        let mut registry = Registry::default();
        metrics.register(&mut registry);

        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &registry).unwrap();

        assert!(
            text.contains(
                r#"zconnect_requester_calls_total{requester="orders",result="success"} 1"#
            ),
            "{text}"
        );
        assert!(
            text.contains(
                r#"zconnect_token_requests_total{authorization_server="as1",outcome="success"} 1"#
            ),
            "{text}"
        );
        assert!(text.contains(r#"zconnect_requester_retry_decisions_total{requester="orders",decision="retry",reason="invalid_token_challenge"} 1"#), "{text}");
        assert!(
            text.contains("zconnect_endpoint_latency_seconds_count{connection=\"conn\"} 1"),
            "{text}"
        );
        assert!(text.contains("zconnect_token_cache_hits_total 0"), "{text}");
    }
}
