//! Deploying, updating and deleting API requester archives through the admin
//! API, with the routes and responses of z/OS Connect's admin interface.
//!
//! Every change goes the same way: check the request, write the archive
//! folder atomically, ask the reload task to rebuild the requesters, and
//! check that the new snapshot serves the archive. When it does not, the
//! folder is put back as it was and the requesters are rebuilt again.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde_json::Value;
use tokio::sync::oneshot;
use zconnect_config::archive::{read_archive_with_limits, Archive, Requester, RequesterOrigin};
use zconnect_config::model::RequesterStatus;

use super::error::ApiError;
use super::requesters::{requested_status, unknown};
use super::view::{base_url, details};
use super::AdminAccess;
use crate::archives::{self, remove_archive, write_atomically, FolderWrite};
use crate::messages;
use crate::roles::{Role, RoleGroups};
use crate::state::{AppState, ReloadCommand};

/// The content type of an `.ara` upload.
const ZIP: &str = "application/zip";

/// An archive sent with a `PUT`.
#[derive(Debug)]
pub struct ArchiveUpload<'a> {
    pub headers: &'a HeaderMap,
    pub bytes: Bytes,
    /// `?status=`: the status after the update.
    pub status: Option<RequesterStatus>,
}

/// `POST /zosConnect/apiRequesters`: stores the archive in the archive folder
/// and deploys it; `?status=stopped` deploys it stopped.
pub async fn deploy(
    State(state): State<Arc<AppState>>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    {
        let snapshot = state.snapshot.load_full();
        let config = &snapshot.loaded.config;
        let access = AdminAccess::of(&state, config, &headers).await?;
        access.require(
            config,
            RoleGroups::requesters(config),
            Role::Admin,
            "deploy API requester archives",
        )?;
    }
    let status = requested_status(&query)?;
    require_zip(&headers)?;
    let bytes = read_body(&state, &headers, body).await?;
    let archive = read_upload(&state, bytes.clone()).await?;
    let name = archive.name.clone();

    let _writing = state.archive_writes.lock().await;
    let snapshot = state.snapshot.load_full();
    if let Some(existing) = snapshot.requester(&name) {
        // An apiRequester element without an archive only waits for one: the
        // archive joins it, as when the file is copied into the folder.
        if !matches!(existing.origin, RequesterOrigin::ServerXml { .. }) {
            return Err(already_exists(&name, existing));
        }
    }
    let folder = archives::archive_folder(&snapshot.loaded.config);
    let file_name = format!("{name}.{}", zconnect_config::archive::ARCHIVE_EXTENSION);
    let target = folder.join(&file_name);
    if std::fs::symlink_metadata(&target).is_ok() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            messages::REQUESTER_EXISTS.id,
            format!("The archive folder already has a file {file_name}, which is not the archive of a deployed API requester."),
        )
        .details(format!("GET /zosConnect/config/status shows why {} is not deployed; remove or fix it first.", target.display())));
    }

    let previous_status = state.status_override(&name);
    state.replace_status_override(&name, status);
    let write = match write_file(&folder, &file_name, &bytes).await {
        Ok(write) => write,
        Err(error) => {
            state.replace_status_override(&name, previous_status);
            return Err(error);
        }
    };
    rebuild_requesters(&state).await?;

    if let Err(error) = check_deployed(&state, &archive, &target) {
        state.replace_status_override(&name, previous_status);
        return Err(undo(&state, write, error).await);
    }

    tracing::info!(
        requester = %name,
        archive = %target.display(),
        "{} API requester {name} deployed from {}",
        messages::ARCHIVE_DEPLOYED.id,
        target.display()
    );
    Ok((
        StatusCode::CREATED,
        Json(current_object(&state, &name, &headers)),
    ))
}

/// `PUT /zosConnect/apiRequesters/{name}` with an archive body: replaces the
/// archive of a stopped requester; `?status=started` starts it afterwards.
pub async fn update_archive(
    state: &Arc<AppState>,
    access: &AdminAccess,
    name: &str,
    upload: ArchiveUpload<'_>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    {
        let snapshot = state.snapshot.load_full();
        let config = &snapshot.loaded.config;
        let requester = snapshot.requester(name).ok_or_else(|| unknown(name))?;
        access.require(
            config,
            RoleGroups::requester(requester),
            Role::Admin,
            &format!("update API requester {name}"),
        )?;
        require_zip(upload.headers)?;
        archive_path(state, requester, "updated")?;
    }
    let archive = read_upload(state, upload.bytes.clone()).await?;
    if archive.name != name {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            messages::ARCHIVE_INVALID.id,
            format!(
                "The uploaded archive is for API requester {}, not {name}.",
                archive.name
            ),
        )
        .details("Send the archive to PUT /zosConnect/apiRequesters/{its name}, or deploy it with POST /zosConnect/apiRequesters."));
    }

    let _writing = state.archive_writes.lock().await;
    // Checked again now that no other change can run.
    let path = {
        let snapshot = state.snapshot.load_full();
        let requester = snapshot.requester(name).ok_or_else(|| unknown(name))?;
        archive_path(state, requester, "updated")?
    };
    let (folder, file_name) = split(&path)?;
    let write = write_file(folder, file_name, &upload.bytes).await?;
    rebuild_requesters(state).await?;

    if let Err(error) = check_deployed(state, &archive, &path) {
        return Err(undo(state, write, error).await);
    }
    if let Some(status) = upload.status {
        state.set_requester_status(name, status);
    }

    tracing::info!(
        requester = %name,
        archive = %path.display(),
        "{} API requester {name} updated from {}",
        messages::ARCHIVE_UPDATED.id,
        path.display()
    );
    Ok((
        StatusCode::OK,
        Json(current_object(state, name, upload.headers)),
    ))
}

/// `DELETE /zosConnect/apiRequesters/{name}`: removes a stopped requester and
/// its archive file, and returns the requester as it was.
pub async fn delete(
    State(state): State<Arc<AppState>>,
    UrlPath(name): UrlPath<String>,
    headers: HeaderMap,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    {
        let snapshot = state.snapshot.load_full();
        let config = &snapshot.loaded.config;
        let access = AdminAccess::of(&state, config, &headers).await?;
        let requester = snapshot.requester(&name).ok_or_else(|| unknown(&name))?;
        access.require(
            config,
            RoleGroups::requester(requester),
            Role::Admin,
            &format!("delete API requester {name}"),
        )?;
    }

    let _writing = state.archive_writes.lock().await;
    let (path, object) = {
        let snapshot = state.snapshot.load_full();
        let requester = snapshot.requester(&name).ok_or_else(|| unknown(&name))?;
        let path = archive_path(&state, requester, "deleted")?;
        let base = base_url(&state, &headers);
        let object = details(&state, &snapshot.loaded.config, requester, &base);
        (path, object)
    };

    let removed = {
        let path = path.clone();
        tokio::task::spawn_blocking(move || remove_archive(&path)).await
    };
    match removed {
        Ok(Ok(())) => {}
        Ok(Err(error)) => return Err(write_failed(&path, &error.to_string())),
        Err(error) => return Err(write_failed(&path, &error.to_string())),
    }
    rebuild_requesters(&state).await?;
    state.replace_status_override(&name, None);

    tracing::info!(
        requester = %name,
        archive = %path.display(),
        "{} API requester {name} deleted with its archive {}",
        messages::ARCHIVE_DELETED.id,
        path.display()
    );
    Ok((StatusCode::OK, Json(object)))
}

/// Reads an archive upload body up to `--max-archive-size`.
pub async fn read_body(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
) -> Result<Bytes, ApiError> {
    let max = state.options.max_archive_size;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok());
    if declared.is_some_and(|length| length > max) {
        return Err(too_large(max));
    }

    let limit = usize::try_from(max).unwrap_or(usize::MAX);
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.downcast_ref::<LengthLimitError>().is_some() => Err(too_large(max)),
        Err(error) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            messages::BAD_ADMIN_REQUEST.id,
            format!("The request body could not be read: {error}."),
        )),
    }
}

/// Fails with 415 unless the request has `Content-Type: application/zip`.
fn require_zip(headers: &HeaderMap) -> Result<(), ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    if essence.eq_ignore_ascii_case(ZIP) {
        return Ok(());
    }
    let sent = if content_type.is_empty() {
        "no Content-Type".to_owned()
    } else {
        format!("Content-Type {content_type}")
    };
    Err(ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        messages::ARCHIVE_MEDIA_TYPE.id,
        format!("An API requester archive must be sent as {ZIP}, but the request has {sent}."),
    )
    .details("With curl: --data-binary @file.ara -H 'Content-Type: application/zip'."))
}

/// Reads and checks an uploaded archive on the blocking pool: unpacking and
/// parsing a large archive takes long enough to hold up every other
/// connection of the thread that serves this one.
async fn read_upload(state: &AppState, bytes: Bytes) -> Result<Archive, ApiError> {
    if bytes.is_empty() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            messages::ARCHIVE_INVALID.id,
            "The request has no body: send the .ara archive as application/zip.",
        ));
    }
    let limits = archives::limits(state.options.max_archive_size);
    let reading = tokio::task::spawn_blocking(move || {
        read_archive_with_limits(&bytes, Path::new("(upload)"), limits)
    });
    let outcome = reading.await.map_err(|error| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            messages::ARCHIVE_INVALID.id,
            format!("Reading the archive failed inside zconnect: {error}."),
        )
    })?;
    outcome.map_err(|error| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            messages::ARCHIVE_INVALID.id,
            format!("The archive cannot be deployed: {error}."),
        )
    })
}

/// Returns the archive file of a requester that may be updated or deleted:
/// one that comes from an archive and is stopped.
fn archive_path(
    state: &AppState,
    requester: &Requester,
    action: &str,
) -> Result<PathBuf, ApiError> {
    let name = &requester.name;
    let path = match &requester.origin {
        RequesterOrigin::Archive { path, .. } => path.clone(),
        RequesterOrigin::ServerXml { location } => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                messages::REQUESTER_NOT_ARCHIVE.id,
                format!("API requester {name} is defined in server.xml (apiRequester element at {location}), not by an archive, so it cannot be {action} through the admin API."),
            )
            .details("Change or remove the apiRequester element in server.xml; it can still be started and stopped."));
        }
        RequesterOrigin::WebApplication { location } => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                messages::REQUESTER_NOT_ARCHIVE.id,
                format!("API requester {name} is defined in server.xml (webApplication element at {location}), not by an archive, so it cannot be {action} through the admin API."),
            )
            .details("Change or remove the webApplication element in server.xml; it can still be started and stopped."));
        }
    };

    if state.requester_status(requester) == RequesterStatus::Started {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            messages::REQUESTER_STARTED.id,
            format!("API requester {name} is started, so it cannot be {action}."),
        )
        .details(format!(
            "Stop it first with PUT /zosConnect/apiRequesters/{name}?status=stopped."
        )));
    }
    Ok(path)
}

fn already_exists(name: &str, existing: &Requester) -> ApiError {
    let origin = match &existing.origin {
        RequesterOrigin::Archive { path, .. } => format!("archive {}", path.display()),
        RequesterOrigin::ServerXml { location } => format!("apiRequester element at {location}"),
        RequesterOrigin::WebApplication { location } => {
            format!("webApplication element at {location}")
        }
    };
    ApiError::new(
        StatusCode::CONFLICT,
        messages::REQUESTER_EXISTS.id,
        format!("API requester {name} already exists ({origin})."),
    )
    .details(format!("To replace its archive, stop it and send the archive with PUT /zosConnect/apiRequesters/{name}."))
}

/// Writes an archive file on a blocking thread.
async fn write_file(
    folder: &Path,
    file_name: &str,
    bytes: &Bytes,
) -> Result<FolderWrite, ApiError> {
    let path = folder.join(file_name);
    let (folder, file_name, bytes) = (folder.to_path_buf(), file_name.to_owned(), bytes.clone());
    match tokio::task::spawn_blocking(move || write_atomically(&folder, &file_name, &bytes)).await {
        Ok(Ok(write)) => Ok(write),
        Ok(Err(error)) => Err(write_failed(&path, &error.to_string())),
        Err(error) => Err(write_failed(&path, &error.to_string())),
    }
}

/// Asks the reload task to rebuild the requesters from the archive folder
/// and waits until the new snapshot runs.
async fn rebuild_requesters(state: &AppState) -> Result<(), ApiError> {
    let stopping = || {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            messages::RELOAD_DISABLED.id,
            "The server is stopping; the archive folder changed but the API requesters were not rebuilt.",
        )
    };
    let (reply, done) = oneshot::channel();
    state
        .reload_commands
        .send(ReloadCommand::RescanArchives(reply))
        .await
        .map_err(|_| stopping())?;
    done.await.map_err(|_| stopping())
}

/// Checks that the running snapshot serves `archive` from `path`, or returns
/// the error that explains why not.
fn check_deployed(state: &AppState, archive: &Archive, path: &Path) -> Result<(), ApiError> {
    let snapshot = state.snapshot.load_full();
    let deployed = snapshot.requester(&archive.name).is_some_and(|requester| {
        matches!(&requester.origin, RequesterOrigin::Archive { path: from, sha256, .. }
            if from == path && *sha256 == archive.sha256)
    });
    if deployed {
        return Ok(());
    }

    let file = path.display().to_string();
    let reasons: Vec<String> = snapshot
        .requesters
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.is_error() && diagnostic.message.contains(&file))
        .map(|diagnostic| format!("{}: {}", diagnostic.id(), diagnostic.message))
        .collect();
    Err(ApiError::new(
        StatusCode::CONFLICT,
        messages::REQUESTER_EXISTS.id,
        format!(
            "API requester {} could not be deployed beside the requesters already running; the archive folder is unchanged.",
            archive.name
        ),
    )
    .details(reasons.join(" ")))
}

/// Puts the archive folder back after a failed deployment and rebuilds the
/// requesters, then returns the deployment's error.
async fn undo(state: &AppState, write: FolderWrite, error: ApiError) -> ApiError {
    let path = write.path.clone();
    match tokio::task::spawn_blocking(move || write.undo()).await {
        Ok(Ok(())) => {}
        Ok(Err(undo_error)) => {
            tracing::error!(archive = %path.display(), error = %undo_error, "{} Restoring the archive folder after a failed deployment failed", messages::ARCHIVE_WRITE_FAILED.id);
        }
        Err(undo_error) => {
            tracing::error!(archive = %path.display(), error = %undo_error, "{} Restoring the archive folder after a failed deployment failed", messages::ARCHIVE_WRITE_FAILED.id);
        }
    }
    if let Err(rebuild_error) = rebuild_requesters(state).await {
        tracing::warn!(error = %rebuild_error.message, "The API requesters were not rebuilt after a failed deployment");
    }
    error
}

/// Builds the details object of a requester in the running snapshot.
fn current_object(state: &AppState, name: &str, headers: &HeaderMap) -> Value {
    let snapshot = state.snapshot.load_full();
    let base = base_url(state, headers);
    match snapshot.requester(name) {
        Some(requester) => details(state, &snapshot.loaded.config, requester, &base),
        None => Value::Null,
    }
}

fn split(path: &Path) -> Result<(&Path, &str), ApiError> {
    match (
        path.parent(),
        path.file_name().and_then(|name| name.to_str()),
    ) {
        (Some(folder), Some(name)) => Ok((folder, name)),
        _ => Err(write_failed(
            path,
            "the archive path has no folder or no file name",
        )),
    }
}

fn too_large(max: u64) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        messages::ARCHIVE_TOO_LARGE.id,
        format!("The archive is larger than the maximum of {max} bytes."),
    )
    .details("Start zconnect with a larger --max-archive-size to accept it.")
}

fn write_failed(path: &Path, reason: &str) -> ApiError {
    tracing::error!(archive = %path.display(), reason, "{} Writing the archive folder failed", messages::ARCHIVE_WRITE_FAILED.id);
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        messages::ARCHIVE_WRITE_FAILED.id,
        format!(
            "The archive file {} cannot be written or removed: {reason}.",
            path.display()
        ),
    )
    .details("Check that the archive folder exists and that zconnect may write to it.")
}
