//! `/zosConnect/apiRequesters`: list requesters, show one, start and stop.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde_json::{json, Value};
use zconnect_config::model::RequesterStatus;

use super::error::ApiError;
use super::view::{base_url, details, list_item};
use super::AdminAccess;
use crate::messages;
use crate::roles::{Role, RoleGroups};
use crate::state::AppState;

/// `GET /zosConnect/apiRequesters`: every requester the caller may read.
pub async fn list(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let snapshot = state.snapshot.load_full();
    let config = &snapshot.loaded.config;
    let access = AdminAccess::of(&state, config, &headers)?;

    let global_reader = access.role(config, RoleGroups::global(config)).is_some();
    let visible: Vec<_> = config
        .api_requesters
        .requesters
        .iter()
        .filter(|requester| {
            global_reader
                || access
                    .role(config, RoleGroups::requester(requester))
                    .is_some()
        })
        .collect();
    if !global_reader && visible.is_empty() {
        return Err(access.forbidden(Role::Reader, "list API requesters"));
    }

    let base = base_url(&state, &headers);
    let items: Vec<Value> = visible
        .into_iter()
        .map(|requester| list_item(&state, requester, &base))
        .collect();
    Ok(Json(json!({ "apiRequesters": items })))
}

/// `GET /zosConnect/apiRequesters/{name}`.
pub async fn show(
    State(state): State<Arc<AppState>>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let snapshot = state.snapshot.load_full();
    let config = &snapshot.loaded.config;
    let access = AdminAccess::of(&state, config, &headers)?;

    let requester = snapshot.requester(&name).ok_or_else(|| unknown(&name))?;
    access.require(
        config,
        RoleGroups::requester(requester),
        Role::Reader,
        &format!("read API requester {name}"),
    )?;

    let base = base_url(&state, &headers);
    Ok(Json(details(&state, config, requester, &base)))
}

/// `PUT /zosConnect/apiRequesters/{name}?status=started|stopped` without a
/// body changes the status; with a body it would update the archive.
pub async fn update(
    State(state): State<Arc<AppState>>,
    Path(name): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Value>, ApiError> {
    let snapshot = state.snapshot.load_full();
    let config = &snapshot.loaded.config;
    let access = AdminAccess::of(&state, config, &headers)?;

    let limit = usize::try_from(state.options.max_archive_size).unwrap_or(usize::MAX);
    let has_body = match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => !bytes.is_empty(),
        Err(error) => {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                messages::BAD_ADMIN_REQUEST,
                "The request body could not be read or is larger than --max-archive-size.",
            )
            .details(error.to_string()))
        }
    };
    if has_body {
        access.require(
            config,
            RoleGroups::global(config),
            Role::Admin,
            "update API requester archives",
        )?;
        return Err(archives_not_available());
    }

    let requester = snapshot.requester(&name).ok_or_else(|| unknown(&name))?;
    access.require(
        config,
        RoleGroups::requester(requester),
        Role::Operations,
        &format!("change the status of API requester {name}"),
    )?;

    let status = match query.get("status").map(|value| value.to_ascii_lowercase()) {
        Some(value) if value == "started" => RequesterStatus::Started,
        Some(value) if value == "stopped" => RequesterStatus::Stopped,
        Some(other) => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                messages::BAD_ADMIN_REQUEST,
                format!("The status {other:?} is not valid: use status=started or status=stopped."),
            ))
        }
        None => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                messages::BAD_ADMIN_REQUEST,
                "The query parameter status is missing: use status=started or status=stopped.",
            ))
        }
    };

    state.set_requester_status(&name, status);
    tracing::info!(requester = %name, status = ?status, "API requester status changed through the admin API");

    let base = base_url(&state, &headers);
    Ok(Json(details(&state, config, requester, &base)))
}

/// `POST /zosConnect/apiRequesters` and `DELETE /zosConnect/apiRequesters/{name}`:
/// archive deployment, not available yet.
pub async fn archive_operation(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let snapshot = state.snapshot.load_full();
    let config = &snapshot.loaded.config;
    let access = AdminAccess::of(&state, config, &headers)?;
    access.require(
        config,
        RoleGroups::global(config),
        Role::Admin,
        "deploy or delete API requester archives",
    )?;
    Err(archives_not_available())
}

// NOTE: deploying, updating and deleting .ara archives through the admin API
// comes with the archive support. Until then these routes return 501.
fn archives_not_available() -> ApiError {
    ApiError::new(
        StatusCode::NOT_IMPLEMENTED,
        messages::NOT_IMPLEMENTED,
        "Deploying, updating and deleting API requester archives is not available in this version of zconnect.",
    )
    .details("Declare API requesters in server.xml with zosconnect_apiRequesters/apiRequester and a connectionRef instead.")
}

fn unknown(name: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        messages::UNKNOWN_REQUESTER,
        format!("No API requester is named {name}."),
    )
    .details("GET /zosConnect/apiRequesters lists the API requesters.")
}
