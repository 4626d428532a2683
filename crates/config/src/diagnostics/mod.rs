//! Problems found while loading: each with a catalog id, a severity and a position.
//!
//! Loading collects every diagnostic instead of stopping at the first; rendering
//! to text or JSON happens at the edge (CLI, log, admin API).

pub mod catalog;
mod excerpt;
mod render;

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

pub use catalog::MessageDef;
pub use render::{render_json, render_text, render_text_indexed, SourceLines};

/// How serious a diagnostic is. Any `Error` makes `zconnect check` exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    /// The letter that ends a message id: `I`, `W` or `E`.
    pub fn letter(self) -> char {
        match self {
            Severity::Info => 'I',
            Severity::Warning => 'W',
            Severity::Error => 'E',
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// A position in a configuration file. Line and column are 1-based and the
/// column counts characters, not bytes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    pub file: PathBuf,
    pub line: u32,
    pub column: u32,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

/// Turns an error's text, which starts in lower case and has no final period
/// as Rust error messages do, into a diagnostic message: the first letter
/// capitalised and a period at the end.
pub fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    let mut message: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    if !message.ends_with(['.', '?']) {
        message.push('.');
    }
    message
}

/// One problem found while loading.
///
/// `message` is the full sentence for the user: it starts with a capital
/// letter or a name in backticks, ends with a period (a question mark after
/// a suggestion), and never contains a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub def: &'static MessageDef,
    pub message: String,
    pub location: Option<Location>,
    /// Element path such as `zosconnect_oAuthConfig[myOAuth]` or
    /// `zosconnect_authToken[t1]/tokenRequest`.
    pub element: Option<String>,
    pub attribute: Option<String>,
}

impl Diagnostic {
    pub fn new(def: &'static MessageDef, message: impl Into<String>) -> Self {
        Diagnostic {
            def,
            message: message.into(),
            location: None,
            element: None,
            attribute: None,
        }
    }

    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    pub fn at_opt(mut self, location: Option<Location>) -> Self {
        self.location = location;
        self
    }

    pub fn element(mut self, path: impl Into<String>) -> Self {
        self.element = Some(path.into());
        self
    }

    pub fn attribute(mut self, name: impl Into<String>) -> Self {
        self.attribute = Some(name.into());
        self
    }

    pub fn id(&self) -> &'static str {
        self.def.id
    }

    pub fn severity(&self) -> Severity {
        self.def.severity
    }

    pub fn is_error(&self) -> bool {
        self.def.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(location) = &self.location {
            write!(f, "{location}: ")?;
        }
        write!(f, "{} {}", self.def.id, self.message)
    }
}
