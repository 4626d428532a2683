//! The effective configuration view: every element after merging, with the
//! file and line each value came from and secrets masked.

/// The `config` object of `zconnect check --format json` and `GET /zosConnect/config`.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct EffectiveConfig {
    pub elements: Vec<serde_json::Value>,
}
