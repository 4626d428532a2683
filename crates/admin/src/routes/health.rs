//! `GET /health`: liveness, without authentication.

use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use crate::state::AppState;

pub async fn health(State(state): State<Arc<AppState>>) -> Json<Value> {
    let generation = state.snapshot.load().generation;
    Json(json!({"status": "UP", "generation": generation}))
}
