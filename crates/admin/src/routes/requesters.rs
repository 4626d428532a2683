//! `/zosConnect/apiRequesters`: list requesters, show one, start and stop.
//! Deploying, updating and deleting archives is in [`super::archives`].

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use serde_json::{json, Value};
use zconnect_config::model::RequesterStatus;

use super::archives::{read_body, update_archive, ArchiveUpload};
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
    let access = AdminAccess::of(&state, config, &headers).await?;

    let global_reader = access.role(config, RoleGroups::global(config)).is_some()
        || access
            .role(config, RoleGroups::requesters(config))
            .is_some();
    let visible: Vec<_> = snapshot
        .requesters
        .set
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
    let access = AdminAccess::of(&state, config, &headers).await?;

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

/// `PUT /zosConnect/apiRequesters/{name}`: with an archive body it replaces
/// the requester's archive; without a body, `?status=started|stopped` changes
/// its status.
///
/// A body sent as JSON with a `status` parameter is a status change too, and
/// the body is ignored: IBM's zosconnect-node 4.1.2 sends `start()` and
/// `stop()` as `application/json` and, on a requester object returned by
/// `createApiRequester`, repeats the uploaded archive as the body.
pub async fn update(
    State(state): State<Arc<AppState>>,
    Path(name): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let access = {
        let snapshot = state.snapshot.load_full();
        AdminAccess::of(&state, &snapshot.loaded.config, &headers).await?
    };

    let body = read_body(&state, &headers, body).await?;
    let json_body = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(is_json);
    let status_change = body.is_empty() || (json_body && query.contains_key("status"));
    if !status_change {
        let upload = ArchiveUpload {
            headers: &headers,
            bytes: body,
            status: requested_status(&query)?,
        };
        return update_archive(&state, &access, &name, upload).await;
    }

    let snapshot = state.snapshot.load_full();
    let config = &snapshot.loaded.config;
    let requester = snapshot.requester(&name).ok_or_else(|| unknown(&name))?;
    access.require(
        config,
        RoleGroups::requester(requester),
        Role::Operations,
        &format!("change the status of API requester {name}"),
    )?;

    let Some(status) = requested_status(&query)? else {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            messages::BAD_ADMIN_REQUEST.id,
            "The query parameter status is missing: use status=started or status=stopped.",
        )
        .details("A PUT with an .ara body sent as application/zip replaces the archive instead."));
    };

    state.set_requester_status(&name, status);
    tracing::info!(
        requester = %name,
        status = status_word(status),
        "{} API requester {name} {} through the admin API",
        messages::STATUS_CHANGED.id,
        status_word(status)
    );

    let base = base_url(&state, &headers);
    Ok((
        StatusCode::OK,
        Json(details(&state, config, requester, &base)),
    ))
}

/// Reads the optional `status` query parameter.
pub fn requested_status(
    query: &HashMap<String, String>,
) -> Result<Option<RequesterStatus>, ApiError> {
    match query.get("status").map(|value| value.to_ascii_lowercase()) {
        None => Ok(None),
        Some(value) if value == "started" => Ok(Some(RequesterStatus::Started)),
        Some(value) if value == "stopped" => Ok(Some(RequesterStatus::Stopped)),
        Some(other) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            messages::BAD_ADMIN_REQUEST.id,
            format!("The status {other:?} is not valid: use status=started or status=stopped."),
        )),
    }
}

fn status_word(status: RequesterStatus) -> &'static str {
    match status {
        RequesterStatus::Started => "started",
        RequesterStatus::Stopped => "stopped",
    }
}

/// Tells whether a `Content-Type` value is JSON (`application/json`, or a
/// `+json` type), whatever its parameters.
fn is_json(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

pub fn unknown(name: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        messages::UNKNOWN_REQUESTER.id,
        format!("No API requester is named {name}."),
    )
    .details("GET /zosConnect/apiRequesters lists the API requesters.")
}

#[cfg(test)]
mod tests {
    use super::is_json;

    #[test]
    fn json_content_types_are_recognised() {
        assert!(is_json("application/json"));
        assert!(is_json("Application/JSON; charset=utf-8"));
        assert!(is_json("application/problem+json"));
        assert!(!is_json("application/zip"));
        assert!(!is_json("text/plain"));
    }
}
