//! Scripted loopback servers for tests and `zconnect demo`.
//!
//! [`Sandbox`] runs an OAuth 2.0 authorization server and a protected API on
//! one port of 127.0.0.1:
//!
//! - `POST /oauth2/token` issues tokens `sandbox-token-N` with a configurable
//!   lifetime, optionally checking the client id and secret.
//! - Every other path is the protected API. By default it accepts only tokens
//!   this sandbox issued (not revoked, not expired), answers 200 with a JSON
//!   summary of the request, and answers any other request 401 with a
//!   `Bearer error="invalid_token"` challenge (or the challenges a test sets).
//!
//! Either route can be scripted: queued [`Reply`] values are used one per
//! request, then a standing reply if set, then the default behaviour above.
//! Every request is recorded whole and counted. Dropping the sandbox stops it
//! and closes its connections.
//!
//! [`Sandbox::enable_demo_routes`] adds the two API paths `zconnect demo`
//! uses to show each kind of 401, [`REJECT_INVALID_TOKEN_PATH`] and
//! [`REJECT_NO_CHALLENGE_PATH`].
//!
//! [`SilentServer`] accepts TCP connections and never answers, and
//! [`closed_port`] gives a port where connections are refused.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use zconnect_sandbox::{Reply, Sandbox};
//!
//! let sandbox = Sandbox::start().await?;
//! sandbox.push_api_reply(Reply::unauthorized(&[r#"Bearer error="invalid_token""#]));
//! // ... point a client at sandbox.token_url() and sandbox.base_url() ...
//! assert_eq!(sandbox.token_requests(), 0);
//! # Ok(())
//! # }
//! ```

mod demo_routes;
mod record;
mod reply;
mod server;
mod silent;
mod state;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::routing::any;
use axum::Router;

pub use demo_routes::{
    INVALID_TOKEN_CHALLENGE, NO_INVALID_TOKEN_CHALLENGE, REJECT_INVALID_TOKEN_PATH,
    REJECT_NO_CHALLENGE_PATH,
};
pub use record::RecordedRequest;
pub use reply::Reply;
pub use silent::{closed_port, SilentServer};
pub use state::{ApiAuth, DEFAULT_REJECTION_CHALLENGE};

use server::RunningServer;
use state::Shared;

/// Path of the token endpoint.
pub const TOKEN_PATH: &str = "/oauth2/token";

/// An authorization server and a protected API on one loopback port.
#[derive(Debug)]
pub struct Sandbox {
    shared: Arc<Shared>,
    server: RunningServer,
}

impl Sandbox {
    /// Starts the sandbox on 127.0.0.1 with a free port. Issued tokens live
    /// 3600 s unless [`Sandbox::set_token_lifetime`] says otherwise.
    pub async fn start() -> std::io::Result<Sandbox> {
        let shared = Arc::new(Shared::new());
        let router = Router::new()
            .route(TOKEN_PATH, any(state::token_endpoint))
            .fallback(state::protected_api)
            .with_state(shared.clone());
        let server = server::serve(router).await?;
        Ok(Sandbox { shared, server })
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.addr
    }

    pub fn port(&self) -> u16 {
        self.server.addr.port()
    }

    /// `http://127.0.0.1:{port}`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.server.addr)
    }

    /// The full URL of the token endpoint.
    pub fn token_url(&self) -> String {
        format!("{}{TOKEN_PATH}", self.base_url())
    }

    /// Sets `expires_in` (seconds) of tokens issued from now on; `None` leaves
    /// it out of the response and the token never expires at the API.
    pub fn set_token_lifetime(&self, seconds: Option<u64>) {
        self.shared.settings().token_lifetime = seconds;
    }

    /// Makes the token endpoint require this client, sent as HTTP Basic or as
    /// `client_id` and `client_secret` form parameters; others get 401
    /// `invalid_client`.
    pub fn require_client(&self, client_id: &str, client_secret: &str) {
        self.shared.settings().client = Some((client_id.to_owned(), client_secret.to_owned()));
    }

    /// Queues a reply for the next token request that has none queued before it.
    pub fn push_token_reply(&self, reply: Reply) {
        self.shared.settings().token_script.queue.push_back(reply);
    }

    /// Sets the reply for every token request once the queue is empty;
    /// `None` goes back to issuing tokens.
    pub fn set_token_reply(&self, reply: Option<Reply>) {
        self.shared.settings().token_script.standing = reply;
    }

    /// Queues a reply for the next API call that has none queued before it.
    pub fn push_api_reply(&self, reply: Reply) {
        self.shared.settings().api_script.queue.push_back(reply);
    }

    /// Sets the reply for every API call once the queue is empty; `None` goes
    /// back to checking tokens.
    pub fn set_api_reply(&self, reply: Option<Reply>) {
        self.shared.settings().api_script.standing = reply;
    }

    /// Sets how the API checks credentials when no reply is scripted.
    pub fn set_api_auth(&self, auth: ApiAuth) {
        self.shared.settings().api_auth = auth;
    }

    /// Sets the `WWW-Authenticate` lines of the API's 401 for a token it does
    /// not accept; empty sends none.
    pub fn set_rejection_challenges(&self, challenges: &[&str]) {
        self.shared.settings().rejection_challenges = challenges
            .iter()
            .map(|&challenge| challenge.to_owned())
            .collect();
    }

    /// Turns on the `zconnect demo` routes. [`REJECT_INVALID_TOKEN_PATH`] and
    /// [`REJECT_NO_CHALLENGE_PATH`] then reject every request with 401 unless
    /// a reply is scripted. Their bodies and the API's 200 bodies carry
    /// `tokenNumber`, the position of the request's token among the issued
    /// tokens, so that a caller can see when a new token was used.
    pub fn enable_demo_routes(&self) {
        self.shared.settings().demo_routes = true;
    }

    /// Makes the API reject every token issued so far, as when an
    /// authorization server revokes them.
    pub fn revoke_tokens(&self) {
        self.shared.revoke_tokens();
    }

    /// Number of requests received by the token endpoint.
    pub fn token_requests(&self) -> usize {
        self.shared.token_requests()
    }

    /// Number of requests received by the API.
    pub fn api_calls(&self) -> usize {
        self.shared.api_calls()
    }

    /// Every token request received, in order.
    pub fn token_request_log(&self) -> Vec<RecordedRequest> {
        self.shared.token_log()
    }

    /// Every API request received, in order.
    pub fn api_request_log(&self) -> Vec<RecordedRequest> {
        self.shared.api_log()
    }

    /// Every token issued, oldest first.
    pub fn issued_tokens(&self) -> Vec<String> {
        self.shared.issued_tokens()
    }
}
