//! Shared helpers for the reading-stage tests: a temporary server directory
//! and a stable text form of what was read, for snapshots.

#![allow(dead_code)]

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use tempfile::TempDir;
use zconnect_config::sources::{read_configuration, ReadOutcome};
use zconnect_config::tree::MergedElement;
use zconnect_config::{Diagnostic, LoadFailure, LoadOptions};

/// A server directory in a fresh temporary folder, removed on drop.
pub struct ServerDir {
    root: TempDir,
}

impl ServerDir {
    pub fn new() -> Self {
        ServerDir {
            root: tempfile::tempdir().expect("temporary directory"),
        }
    }

    pub fn path(&self) -> &Path {
        self.root.path()
    }

    /// Writes a file relative to the server directory, creating folders.
    pub fn write(&self, relative: &str, content: &str) -> PathBuf {
        self.write_bytes(relative, content.as_bytes())
    }

    pub fn write_bytes(&self, relative: &str, content: &[u8]) -> PathBuf {
        let path = self.root.path().join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create folders");
        }
        fs::write(&path, content).expect("write file");
        path
    }

    pub fn read(&self) -> Result<ReadOutcome, LoadFailure> {
        read_configuration(self.path(), &LoadOptions::default())
    }

    pub fn read_with(&self, options: &LoadOptions) -> Result<ReadOutcome, LoadFailure> {
        read_configuration(self.path(), options)
    }

    /// Reads and expects success.
    pub fn read_ok(&self) -> ReadOutcome {
        match self.read() {
            Ok(outcome) => outcome,
            Err(failure) => panic!("load failed: {:#?}", failure.diagnostics),
        }
    }

    /// Reads and expects failure.
    pub fn read_err(&self) -> LoadFailure {
        match self.read() {
            Ok(outcome) => panic!("load succeeded: {:#?}", outcome.document),
            Err(failure) => failure,
        }
    }

    /// Replaces the temporary folder in `text` with `$DIR`.
    pub fn redact(&self, text: &str) -> String {
        let mut text = text.to_string();
        if let Ok(canonical) = fs::canonicalize(self.path()) {
            text = text.replace(&canonical.display().to_string(), "$DIR");
        }
        text.replace(&self.path().display().to_string(), "$DIR")
    }

    /// A stable text form of a merged document and its diagnostics.
    pub fn render(&self, outcome: &ReadOutcome) -> String {
        let mut out = String::new();
        for element in &outcome.document.elements {
            render_element(&mut out, element, 0);
        }
        if !outcome.diagnostics.is_empty() {
            out.push_str("-- diagnostics\n");
            out.push_str(&render_diagnostics(&outcome.diagnostics));
        }
        self.redact(&out)
    }

    pub fn render_diagnostics(&self, diagnostics: &[Diagnostic]) -> String {
        self.redact(&render_diagnostics(diagnostics))
    }
}

fn render_element(out: &mut String, element: &MergedElement, depth: usize) {
    let indent = "  ".repeat(depth);
    let generated = if element.generated_id {
        " (generated id)"
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "{indent}{}{generated} @ {}",
        element.path(),
        short(&element.location)
    );
    for attribute in &element.attributes {
        let values: Vec<String> = attribute
            .values
            .iter()
            .map(|value| format!("{:?} @ {}", value.text, short(&value.location)))
            .collect();
        let _ = writeln!(out, "{indent}  {} = {}", attribute.name, values.join(" | "));
    }
    for child in &element.children {
        render_element(out, child, depth + 1);
    }
}

fn render_diagnostics(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        let location = diagnostic
            .location
            .as_ref()
            .map_or_else(|| "-".to_string(), short);
        let _ = writeln!(
            out,
            "{} {} {}",
            diagnostic.id(),
            location,
            diagnostic.message
        );
    }
    out
}

/// `file:line:column` with only the file name, so that snapshots do not
/// depend on the temporary folder.
fn short(location: &zconnect_config::Location) -> String {
    let name = location
        .file
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("{name}:{}:{}", location.line, location.column)
}

/// Diagnostics with the given id.
pub fn with_id<'a>(diagnostics: &'a [Diagnostic], id: &str) -> Vec<&'a Diagnostic> {
    diagnostics.iter().filter(|d| d.id() == id).collect()
}

/// The single value of an attribute of the element `path` (as in `kind[id]`).
pub fn value(outcome: &ReadOutcome, path: &str, attribute: &str) -> Option<String> {
    outcome
        .document
        .elements
        .iter()
        .find(|element| element.path() == path)
        .and_then(|element| element.value(attribute))
        .map(|value| value.text.clone())
}
