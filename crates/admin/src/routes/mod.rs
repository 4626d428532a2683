//! HTTP routes: API requester calls, the admin REST API, health and metrics.

pub mod archives;
pub mod calls;
pub mod config;
pub mod error;
pub mod health;
pub mod metrics;
pub mod requesters;
mod view;

use axum::http::{HeaderMap, StatusCode};
use zconnect_config::Config;

use crate::auth::{authenticate, AuthFailure, Caller};
use crate::messages;
use crate::roles::{role_of, Role, RoleGroups};
use crate::state::AppState;
use error::ApiError;

/// Who is calling the admin API.
#[derive(Debug, Clone)]
pub enum AdminAccess {
    /// No user registry and a loopback-only listener: every route is open.
    Open,
    Caller(Caller),
}

impl AdminAccess {
    /// Authenticates an admin API request.
    pub async fn of(
        state: &AppState,
        config: &Config,
        headers: &HeaderMap,
    ) -> Result<Self, ApiError> {
        match authenticate(config, headers).await {
            Ok(caller) => Ok(AdminAccess::Caller(caller)),
            Err(AuthFailure::NoRegistry) if state.loopback_only() => Ok(AdminAccess::Open),
            Err(AuthFailure::NoRegistry) => Err(ApiError::new(
                StatusCode::FORBIDDEN,
                messages::NO_REGISTRY.id,
                "The admin API needs a user registry: add a basicRegistry with users, and name the administrators in administrator-role.",
            )
            .details("Without a registry the admin API is open only when httpEndpoint listens on a loopback address (127.0.0.1, ::1 or localhost).")),
            Err(AuthFailure::MissingCredentials) => Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                messages::NOT_AUTHENTICATED.id,
                "The admin API needs HTTP Basic credentials of a basicRegistry user.",
            )
            .with_challenge()),
            Err(AuthFailure::MalformedCredentials | AuthFailure::WrongCredentials) => {
                Err(ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    messages::NOT_AUTHENTICATED.id,
                    "The user name or password is not valid.",
                )
                .with_challenge())
            }
        }
    }

    /// The role held in a scope; every role when the API is open.
    pub fn role(&self, config: &Config, groups: RoleGroups<'_>) -> Option<Role> {
        match self {
            AdminAccess::Open => Some(Role::Admin),
            AdminAccess::Caller(caller) => role_of(caller, config, groups),
        }
    }

    /// Fails with 403 unless the caller holds at least `needed` in the scope.
    pub fn require(
        &self,
        config: &Config,
        groups: RoleGroups<'_>,
        needed: Role,
        action: &str,
    ) -> Result<(), ApiError> {
        match self.role(config, groups) {
            Some(role) if role >= needed => Ok(()),
            _ => Err(self.forbidden(needed, action)),
        }
    }

    pub fn forbidden(&self, needed: Role, action: &str) -> ApiError {
        let user = match self {
            AdminAccess::Open => "the caller".to_owned(),
            AdminAccess::Caller(caller) => format!("user {}", caller.user),
        };
        let role = match needed {
            Role::Reader => "reader, operations or admin",
            Role::Operations => "operations or admin",
            Role::Admin => "admin",
        };
        ApiError::new(
            StatusCode::FORBIDDEN,
            messages::NOT_AUTHORIZED.id,
            format!("{user} is not allowed to {action}: the {role} role is needed."),
        )
        .details("Roles come from administrator-role, and from the adminGroup, operationsGroup and readerGroup attributes of apiRequester, zosconnect_apiRequesters or the global...Group attributes of zosconnect_zosConnectManager.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::{Duration, SystemTime};

    use prometheus_client::registry::Registry;
    use zconnect_config::effective::EffectiveConfig;
    use zconnect_config::Loaded;
    use zconnect_requester::{Client, RequesterOptions, SharedState};

    use crate::metrics::ServerMetrics;
    use crate::options::ServerOptions;
    use crate::reload::{ReloadRecord, Trigger};
    use crate::state::Snapshot;

    /// State with an empty configuration (no registry) listening on `address`.
    fn state_listening_on(address: &str) -> AppState {
        let config = Arc::new(Config::default());
        let shared = SharedState::new(RequesterOptions::default());
        let client = Client::build(config.clone(), shared.clone(), None).expect("client");
        let snapshot = Snapshot {
            generation: 1,
            loaded_at: SystemTime::now(),
            loaded: Loaded {
                config,
                effective: Arc::new(EffectiveConfig::default()),
                diagnostics: Vec::new(),
                sources: Vec::new(),
                bootstrap: Default::default(),
                redacted: Default::default(),
                attempted: Vec::new(),
            },
            client: Arc::new(client),
            kept_elements: Vec::new(),
            requesters: Arc::default(),
        };
        let mut registry = Registry::default();
        let metrics = ServerMetrics::register(&mut registry);
        let record = ReloadRecord {
            trigger: Trigger::Start,
            result: None,
            error: None,
            started_at: SystemTime::now(),
            duration: Duration::ZERO,
            diagnostics: Vec::new(),
        };
        let (commands, _receiver) = tokio::sync::mpsc::channel(1);
        let state = AppState::new(
            snapshot,
            shared,
            ServerOptions::new("server.xml"),
            metrics,
            registry,
            record,
            commands,
        );
        state.set_listening(vec![address.parse().expect("socket address")]);
        state
    }

    #[tokio::test]
    async fn no_registry_on_loopback_is_open() {
        let state = state_listening_on("127.0.0.1:9080");
        let access = AdminAccess::of(&state, &Config::default(), &HeaderMap::new()).await;
        assert!(matches!(access, Ok(AdminAccess::Open)));
    }

    #[tokio::test]
    async fn no_registry_on_all_interfaces_is_forbidden() {
        let state = state_listening_on("0.0.0.0:9080");
        let error = AdminAccess::of(&state, &Config::default(), &HeaderMap::new())
            .await
            .expect_err("admin API closed");
        assert_eq!(error.status, StatusCode::FORBIDDEN);
        assert!(error.message.contains("basicRegistry"), "{}", error.message);
    }
}
