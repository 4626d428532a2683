//! Finding and reading every configuration source in Liberty's order, and the
//! entry point that turns a server directory into a merged document.
//!
//! The order, later sources winning: `bootstrap.properties` (variables only,
//! or the values in [`LoadOptions::bootstrap`] without reading the file);
//! every `*.xml` in `configDropins/defaults/`; `server.xml` with each
//! `<include>` expanded in place, depth first; every `*.xml` in
//! `configDropins/overrides/`. Dropins are read in lower-cased name order.

mod bootstrap;
mod files;
mod redact;
mod walk;

use std::path::{Path, PathBuf};

use crate::diagnostics::{catalog, Diagnostic, Location};
use crate::load::{LoadFailure, LoadOptions, SourceFile};
use crate::merge;
use crate::tree::MergedDocument;
use crate::variables::Variables;

pub use redact::RedactedSources;

use files::FileReader;
use walk::{dropins, Walker};

/// The result of reading every source: the merged document and everything
/// found on the way.
#[derive(Debug, Clone)]
pub struct ReadOutcome {
    pub document: MergedDocument,
    pub diagnostics: Vec<Diagnostic>,
    /// Every file read, with its SHA-256.
    pub sources: Vec<SourceFile>,
    /// Every file and folder looked at, including missing ones, for the watcher.
    pub attempted: Vec<PathBuf>,
    /// Every variable source, for the converter (an `onError` variable).
    pub variables: Variables,
    /// The folder that holds `server.xml`.
    pub server_dir: PathBuf,
    /// A redacted copy of each file parsed, for source excerpts.
    pub redacted: RedactedSources,
}

/// Reads `path` (a `server.xml` or a server directory) and every source
/// around it, and merges the result. Fails when `server.xml` or a file it
/// includes is missing, unreadable or not well-formed; a broken dropin only
/// drops that dropin.
pub fn read_configuration(path: &Path, options: &LoadOptions) -> Result<ReadOutcome, LoadFailure> {
    // Every path of the load starts from an absolute server directory, so a
    // relative one is never joined to itself (`srv/srv/resources`) later.
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let (server_xml, server_dir) = locate(&path);
    let mut files = FileReader::new(options.limits);
    let mut diagnostics = Vec::new();

    // A missing server.xml fails before anything else is read, so that a
    // mistyped path never reads bootstrap.properties or dropins from
    // whatever folder happens to hold it.
    if let Err(error) = std::fs::metadata(&server_xml) {
        let message = format!(
            "The file {} cannot be read: {}; give the path of a server.xml or of the folder that \
             holds it.",
            server_xml.display(),
            bootstrap::describe(&files::io_error(error))
        );
        let location = Location {
            file: server_xml.clone(),
            line: 1,
            column: 1,
        };
        return Err(LoadFailure {
            unreadable: true,
            diagnostics: vec![Diagnostic::new(&catalog::FILE_UNREADABLE, message).at(location)],
            sources: Vec::new(),
            attempted: vec![server_xml],
            redacted: RedactedSources::default(),
        });
    }

    let bootstrap = match &options.bootstrap {
        Some(read_at_start) => read_at_start.clone(),
        None => bootstrap::load(&server_dir, &mut files, &mut diagnostics),
    };
    let variables = Variables::new(options, &server_dir, bootstrap);
    let mut walker = Walker::new(files, variables, diagnostics);

    let dropin_root = server_dir.join("configDropins");
    for dropin in dropins(&mut walker.files, &dropin_root.join("defaults")) {
        walker.walk_dropin(&dropin);
    }
    if let Err(rejected) = walker.walk_root(&server_xml) {
        return Err(LoadFailure {
            unreadable: rejected.unreadable,
            diagnostics: walker.diagnostics,
            sources: walker.files.sources,
            attempted: walker.files.attempted,
            redacted: walker.redacted,
        });
    }
    for dropin in dropins(&mut walker.files, &dropin_root.join("overrides")) {
        walker.walk_dropin(&dropin);
    }

    let mut diagnostics = walker.diagnostics;
    let document = merge::merge(&walker.elements, &walker.variables, &mut diagnostics);
    Ok(ReadOutcome {
        document,
        diagnostics,
        sources: walker.files.sources,
        attempted: walker.files.attempted,
        variables: walker.variables,
        server_dir,
        redacted: walker.redacted,
    })
}

/// The `server.xml` and server directory for a path naming either.
fn locate(path: &Path) -> (PathBuf, PathBuf) {
    if path.is_dir() {
        return (path.join("server.xml"), path.to_path_buf());
    }
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    (path.to_path_buf(), directory)
}
