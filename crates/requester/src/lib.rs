//! API requester calls.
