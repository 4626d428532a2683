//! The router: every route of the server, built from the shared state so that
//! tests can drive it in process.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{any, get, post};
use axum::Router;
use hyper::body::Incoming;
use tower::ServiceExt;

use crate::messages;
use crate::routes::error::ApiError;
use crate::routes::{archives, calls, config, health, metrics, requesters};
use crate::state::AppState;

/// The router and, ahead of it, the route of API requester calls.
///
/// Calls are most of the traffic, and every path under `/apiRequesters`
/// goes to the same handler, so they skip the router's path matching and the
/// path parameters and matched path it would store but the handler never
/// reads.
#[derive(Debug, Clone)]
pub struct App {
    router: Router,
    state: Arc<AppState>,
}

impl App {
    pub fn new(state: Arc<AppState>) -> App {
        App {
            router: router(state.clone()),
            state,
        }
    }

    /// Returns the response to one request.
    pub async fn handle(self, request: http::Request<Incoming>) -> Response {
        let request = request.map(Body::new);
        if is_call_path(request.uri().path()) {
            return calls::call(State(self.state), request).await;
        }
        match self.router.oneshot(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        }
    }
}

/// Tells whether `path` is one that the router sends to the call handler:
/// `/apiRequesters` itself or anything below it.
fn is_call_path(path: &str) -> bool {
    path.strip_prefix("/apiRequesters")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn call_paths_are_the_prefix_and_below() {
        for path in [
            "/apiRequesters",
            "/apiRequesters/",
            "/apiRequesters/one",
            "/apiRequesters/one/items/1",
            "/apiRequesters//x",
        ] {
            assert!(is_call_path(path), "{path}");
        }
    }

    #[test]
    fn other_paths_go_to_the_router() {
        for path in [
            "/",
            "/apiRequestersX",
            "/apirequesters/one",
            "/zosConnect/apiRequesters/one",
            "/health",
        ] {
            assert!(!is_call_path(path), "{path}");
        }
    }
}
