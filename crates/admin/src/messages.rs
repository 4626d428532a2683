//! Message ids of the events the server itself reports: reloads, listeners
//! and admin API failures. Failed API requester calls use the requester
//! crate's `ErrorKind` ids.
//!
//! Reload ids reuse the digits of the Liberty messages with the same meaning
//! (CWWKG0016I starting a configuration update, CWWKG0017I updated, CWWKG0018I
//! no changes). The others are zconnect's own, in 8700-8799.
//!
//! NOTE: these ids are not yet in the config crate's catalog (`docs/messages.md`
//! is generated from it); they are kept here until the catalog takes them.

/// A configuration reload starts (Liberty CWWKG0016I).
pub const RELOAD_STARTED: &str = "ZCN0016I";
/// A configuration reload was applied (Liberty CWWKG0017I).
pub const RELOAD_APPLIED: &str = "ZCN0017I";
/// A reload found no change in any file (Liberty CWWKG0018I).
pub const RELOAD_UNCHANGED: &str = "ZCN0018I";
/// A reload was rejected; the running configuration stays.
pub const RELOAD_REJECTED: &str = "ZCN8701E";
/// A reload was applied but the listener could not move.
pub const RELOAD_PARTIAL: &str = "ZCN8702W";
/// An element that became invalid keeps its previous version.
pub const ELEMENT_KEPT: &str = "ZCN8703W";
/// The file watcher failed or could not be created; polling continues.
pub const WATCHER_FAILED: &str = "ZCN8704E";

/// The server listens on an address.
pub const LISTENING: &str = "ZCN8705I";
/// A listener could not be opened.
pub const BIND_FAILED: &str = "ZCN8706E";
/// The server stopped.
pub const STOPPED: &str = "ZCN8707I";
/// The server started with a configuration.
pub const STARTED: &str = "ZCN8708I";

/// The admin API names an API requester that does not exist.
pub const UNKNOWN_REQUESTER: &str = "ZCN8710E";
/// An admin API caller sent no credentials, or wrong ones.
pub const NOT_AUTHENTICATED: &str = "ZCN8714E";
/// An admin API caller is authenticated but holds no role that allows the request.
pub const NOT_AUTHORIZED: &str = "ZCN8715E";
/// The admin API needs a user registry and none is configured.
pub const NO_REGISTRY: &str = "ZCN8716E";

/// The admin API path does not exist.
pub const UNKNOWN_PATH: &str = "ZCN8720E";
/// The admin API path exists but not with this method.
pub const METHOD_NOT_ALLOWED: &str = "ZCN8721E";
/// An admin API request is invalid (bad query parameter).
pub const BAD_ADMIN_REQUEST: &str = "ZCN8722E";
/// Reloading is disabled by `updateTrigger="disabled"`.
pub const RELOAD_DISABLED: &str = "ZCN8723E";
/// Archive operations are not available in this version.
pub const NOT_IMPLEMENTED: &str = "ZCN8724E";
