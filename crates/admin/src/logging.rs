//! Log output of the binary: human-readable lines by default, JSON lines with
//! `--log-format json`. Libraries log at debug; the binary decides the level.

use std::io::IsTerminal;

use clap::ValueEnum;
use tracing_subscriber::EnvFilter;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone)]
pub struct LogSettings {
    pub format: LogFormat,
    /// A level (`info`) or a full tracing filter; `RUST_LOG` wins when set.
    pub level: String,
}

/// Installs the global subscriber. Fails when the level is not a valid filter.
pub fn init(settings: &LogSettings) -> Result<(), String> {
    let filter = match std::env::var("RUST_LOG") {
        Ok(from_env) if !from_env.trim().is_empty() => EnvFilter::try_new(from_env.trim())
            .map_err(|error| format!("invalid RUST_LOG filter: {error}"))?,
        _ => EnvFilter::try_new(&settings.level).map_err(|error| {
            format!(
                "invalid --log-level {:?}: {error}; use error, warn, info, debug or trace",
                settings.level
            )
        })?,
    };

    // Escape codes only help a person at a terminal; in a pipe, a file or a
    // container log they are noise around every field.
    let colours = std::io::stderr().is_terminal();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colours)
        .with_writer(std::io::stderr);
    let result = match settings.format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
    result.map_err(|error| format!("cannot install the logger: {error}"))
}
