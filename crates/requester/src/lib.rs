//! API requester calls: the HTTP request to the endpoint, OAuth 2.0 and
//! authentication-server tokens with a cache, and the 401 retry rule.
//!
//! [`SharedState`] lives for the whole process (token cache, metrics);
//! [`Client`] is built from one configuration snapshot and makes the calls.

pub mod auth_token;
pub mod body;
mod call;
pub mod challenge;
pub mod client;
pub mod credentials;
pub mod custom_parms;
pub mod error;
pub mod forward;
pub mod jwt;
pub mod metrics;
pub mod oauth;
pub mod retry;
mod shared;
pub mod tls;
mod transport;

pub use body::{RequestBody, ResponseBody};
pub use call::{CallRequest, CallResponse, CallTarget};
pub use client::{BuildError, BuildProblem, Client};
pub use error::{CallError, ErrorKind};
pub use metrics::Metrics;
pub use shared::{RequesterOptions, SharedState};
pub use transport::bind_thread_to_worker;
