//! The zconnect server as a library: the API requester route, the admin REST
//! API, the listener and hot reload. `main.rs` only parses the command line.

pub mod app;
pub mod archives;
pub mod auth;
pub mod check;
pub mod cli;
pub mod demo;
pub mod encode;
pub mod listener;
pub mod logging;
pub mod messages;
pub mod metrics;
pub mod options;
pub mod reload;
pub mod roles;
pub mod routes;
pub mod server;
pub mod signals;
pub mod state;
pub mod time;
pub mod units;
pub mod workers;

pub use options::ServerOptions;
pub use server::Server;
