//! The router: every route of the server, built from the shared state so that
//! tests can drive it in process.

use std::sync::Arc;

use axum::http::StatusCode;
use axum::routing::{any, get, post};
use axum::Router;

use crate::messages;
use crate::routes::error::ApiError;
use crate::routes::{archives, calls, config, health, metrics, requesters};
use crate::state::AppState;

pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/health", get(health::health))
        .route("/metrics", get(metrics::metrics))
        .route(
            "/zosConnect/apiRequesters",
            get(requesters::list).post(archives::deploy),
        )
        .route(
            "/zosConnect/apiRequesters/{name}",
            get(requesters::show)
                .put(requesters::update)
                .delete(archives::delete),
        )
        .route("/zosConnect/config", get(config::effective))
        .route("/zosConnect/config/status", get(config::status))
        .route("/zosConnect/config/refresh", post(config::refresh))
        // Every path under /apiRequesters is a call, so that every answer
        // there carries BAQ-Return-Code; a trailing slash means operation `/`.
        .route("/apiRequesters", any(calls::call))
        .route("/apiRequesters/", any(calls::call))
        .route("/apiRequesters/{name}", any(calls::call))
        .route("/apiRequesters/{name}/", any(calls::call))
        .route("/apiRequesters/{name}/{*path}", any(calls::call))
        .fallback(unknown_path)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
}

async fn unknown_path(uri: axum::http::Uri) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        messages::UNKNOWN_PATH.id,
        format!("No route matches {}.", uri.path()),
    )
    .details("Admin routes are under /zosConnect/apiRequesters and /zosConnect/config; API requester calls go to /apiRequesters/{name}/{path}.")
}

async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        messages::METHOD_NOT_ALLOWED.id,
        format!("{} is not allowed on {}.", method, uri.path()),
    )
}
