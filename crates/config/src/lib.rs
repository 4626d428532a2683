//! Reads a Liberty-style `server.xml` into a typed, validated z/OS Connect
//! configuration, reporting every problem with its file, line and column.
//!
//! The stages, each in its own module: [`xml`] reads files into raw trees with
//! positions; [`sources`] finds every file (bootstrap properties, dropins,
//! includes); [`variables`] expands `${...}`; [`merge`] combines occurrences;
//! [`convert`] turns the merged tree into the typed [`model`] through the
//! [`schema`].

pub mod archive;
pub mod convert;
pub mod diagnostics;
pub mod effective;
pub mod load;
pub mod merge;
pub mod model;
pub mod reference;
pub mod schema;
mod secret;
pub mod sources;
pub mod tree;
pub mod values;
pub mod variables;
pub mod xml;

pub use diagnostics::{Diagnostic, Location, Severity};
pub use load::{load, LoadFailure, LoadOptions, Loaded, SourceFile};
pub use model::Config;
pub use secret::Secret;
