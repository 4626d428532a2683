//! Scripted loopback servers for tests and `zconnect demo`.
