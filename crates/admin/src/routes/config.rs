//! `/zosConnect/config`: the effective configuration, the reload status and
//! the refresh request.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde_json::{json, Value};
use tokio::sync::oneshot;
use zconnect_config::diagnostics::render_json;
use zconnect_config::model::{ElementKey, UpdateTrigger};

use super::error::ApiError;
use super::AdminAccess;
use crate::messages;
use crate::roles::{Role, RoleGroups};
use crate::state::{AppState, RefreshAnswer, ReloadCommand, Snapshot};
use crate::time::rfc3339;

/// Checks that the caller has `role` through the server-wide groups, and
/// returns the snapshot the check used.
async fn require_global_role(
    state: &AppState,
    headers: &HeaderMap,
    role: Role,
    action: &str,
) -> Result<Arc<Snapshot>, ApiError> {
    let snapshot = state.snapshot.load_full();
    let config = &snapshot.loaded.config;
    let access = AdminAccess::of(state, config, headers).await?;
    access.require(config, RoleGroups::global(config), role, action)?;
    Ok(snapshot)
}

/// `GET /zosConnect/config`: every element after merging, with the file and
/// line of each value, secrets masked (the loader's effective view).
pub async fn effective(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let snapshot =
        require_global_role(&state, &headers, Role::Reader, "read the configuration").await?;

    let view = serde_json::to_value(&*snapshot.loaded.effective).unwrap_or(Value::Null);
    Ok(Json(view))
}

/// `GET /zosConnect/config/status`.
pub async fn status(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    require_global_role(
        &state,
        &headers,
        Role::Reader,
        "read the configuration status",
    )
    .await?;

    Ok(Json(status_object(&state)))
}

/// `POST /zosConnect/config/refresh`: reload now and return the status.
pub async fn refresh(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    require_global_role(&state, &headers, Role::Admin, "reload the configuration").await?;

    let (reply, answer) = oneshot::channel();
    let stopped = || {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            messages::RELOAD_DISABLED.id,
            "The server is stopping and no longer reloads its configuration.",
        )
    };
    state
        .reload_commands
        .send(ReloadCommand::Refresh(reply))
        .await
        .map_err(|_| stopped())?;

    match answer.await.map_err(|_| stopped())? {
        RefreshAnswer::Done => Ok(Json(status_object(&state))),
        RefreshAnswer::Disabled => Err(ApiError::new(
            StatusCode::CONFLICT,
            messages::RELOAD_DISABLED.id,
            "Reloading is disabled by updateTrigger=\"disabled\" on the config element; restart the server to apply changes.",
        )
        .details("Set updateTrigger=\"mbean\" to reload only on POST /zosConnect/config/refresh, or \"polled\" to reload on file changes.")),
    }
}

/// Builds the status object: running generation, its files, and the last attempt.
pub fn status_object(state: &AppState) -> Value {
    let snapshot = state.snapshot.load_full();
    let record = state.last_reload();
    let config = &snapshot.loaded.config;

    let sources: Vec<Value> = snapshot
        .loaded
        .sources
        .iter()
        .map(|source| json!({"path": source.path.display().to_string(), "sha256": source.sha256}))
        .collect();
    let archives: Vec<Value> = snapshot
        .requesters
        .archive_files
        .iter()
        .map(|file| json!({"path": file.path.display().to_string(), "sha256": file.sha256}))
        .collect();
    let diagnostics: Vec<Value> = record.diagnostics.iter().map(render_json).collect();
    let kept: Vec<String> = snapshot.kept_elements.iter().map(element_path).collect();
    let listening: Vec<String> = state.listening().iter().map(ToString::to_string).collect();

    json!({
        "generation": snapshot.generation,
        "loadedAt": rfc3339(snapshot.loaded_at),
        "sources": sources,
        "archives": archives,
        "updateTrigger": match config.config.update_trigger {
            UpdateTrigger::Polled => "polled",
            UpdateTrigger::Mbean => "mbean",
            UpdateTrigger::Disabled => "disabled",
        },
        "monitorIntervalMs": u64::try_from(config.config.monitor_interval.as_millis()).unwrap_or(u64::MAX),
        "lastReload": {
            "trigger": record.trigger.as_str(),
            "result": record.result.map(|result| result.as_str()),
            "error": record.error,
            "startedAt": rfc3339(record.started_at),
            "durationMs": record.duration.as_secs_f64() * 1000.0,
        },
        "diagnostics": diagnostics,
        "keptElements": kept,
        "listening": listening,
    })
}

fn element_path(key: &ElementKey) -> String {
    match &key.id {
        Some(id) => format!("{}[{id}]", key.kind),
        None => key.kind.clone(),
    }
}
