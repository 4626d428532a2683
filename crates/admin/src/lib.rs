//! The zconnect server as a library.
