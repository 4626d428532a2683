//! Walks configuration documents: reads each file, defines its variables,
//! expands its `<include>` elements in place (depth first) and collects every
//! other top-level element in document order.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::bootstrap::describe;
use super::files::{identity, io_error, normalise, xml_files_in, FileReader, ReadError};
use super::redact::{redact, RedactedSources};
use crate::diagnostics::{catalog, Diagnostic, Location};
use crate::merge::{DocumentContext, OnConflict, PlacedElement};
use crate::variables::{define_from_element, ProblemReporter, ValueOrigin, Variables};
use crate::xml::{self, RawElement};

/// The walk of one root document failed in a way that rejects the document
/// (not well-formed, a required include missing, a limit exceeded). The
/// diagnostic is already recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rejected {
    /// True when the root document itself could not be read.
    pub unreadable: bool,
}

/// Everything the walk collects.
#[derive(Debug)]
pub(crate) struct Walker {
    pub files: FileReader,
    pub variables: Variables,
    pub diagnostics: Vec<Diagnostic>,
    pub elements: Vec<PlacedElement>,
    /// A redacted copy of each file parsed, for source excerpts.
    pub redacted: RedactedSources,
    reporter: ProblemReporter,
    /// Whether the file count limit was reported; it is reported once,
    /// not once per file left out.
    file_limit_reported: bool,
}

impl Walker {
    pub(crate) fn new(
        files: FileReader,
        variables: Variables,
        diagnostics: Vec<Diagnostic>,
    ) -> Self {
        Walker {
            files,
            variables,
            diagnostics,
            elements: Vec::new(),
            redacted: RedactedSources::default(),
            reporter: ProblemReporter::default(),
            file_limit_reported: false,
        }
    }

    /// Reads a root document (`server.xml` or a dropin) and everything it includes.
    pub(crate) fn walk_root(&mut self, path: &Path) -> Result<(), Rejected> {
        let context = DocumentContext::root(path.to_path_buf(), identity(path));
        self.walk_document(path, context)
            .map_err(|rejected| Rejected {
                unreadable: rejected.unreadable,
            })
    }

    /// Reads a dropin; when it is rejected, everything it contributed is
    /// dropped and the load continues.
    pub(crate) fn walk_dropin(&mut self, path: &Path) {
        let elements = self.elements.len();
        let variables = self.variables.clone();
        if self.walk_root(path).is_err() {
            self.elements.truncate(elements);
            self.variables = variables;
        }
    }

    fn walk_document(&mut self, path: &Path, context: DocumentContext) -> Result<(), Rejected> {
        let at_file = Location {
            file: path.to_path_buf(),
            line: 1,
            column: 1,
        };
        let bytes = match self.files.read(path) {
            Ok(bytes) => bytes,
            Err(ReadError::TooManyFiles { .. }) if self.file_limit_reported => {
                return Err(Rejected { unreadable: true });
            }
            Err(error) => {
                if matches!(error, ReadError::TooManyFiles { .. }) {
                    self.file_limit_reported = true;
                }
                let definition = match error {
                    ReadError::TooLarge { .. } | ReadError::TooManyFiles { .. } => {
                        &catalog::LIMIT_EXCEEDED
                    }
                    ReadError::NotFound | ReadError::Io(_) => &catalog::FILE_UNREADABLE,
                };
                let message = format!(
                    "The file {} cannot be read: {}.",
                    path.display(),
                    describe(&error)
                );
                self.diagnostics
                    .push(Diagnostic::new(definition, message).at(at_file));
                return Err(Rejected { unreadable: true });
            }
        };

        let limits = *self.files.limits();
        let document = xml::parse(&bytes, path, &limits).map_err(|error| {
            self.diagnostics.push(error.to_diagnostic());
            Rejected { unreadable: false }
        })?;

        // The reader accepts UTF-8 only and positions count from after a
        // byte order mark, so the copy starts there too.
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        if let Some(text) = std::str::from_utf8(body)
            .ok()
            .and_then(|text| redact(text, &document.root))
        {
            self.redacted.insert(path, text);
        }

        // Every include is tried, so that all the broken ones are reported
        // at once; the first rejection then rejects the document.
        let mut rejected = None;
        let context = Arc::new(context);
        for element in document.root.children {
            match element.name.as_str() {
                "include" => {
                    if let Err(rejection) = self.include(&element, &context) {
                        rejected.get_or_insert(rejection);
                    }
                }
                "variable" => {
                    define_from_element(&element, &mut self.variables, &mut self.diagnostics)
                }
                "server" => {
                    let message = format!(
                        "A <server> element inside the root <server> element of {} is ignored \
                         with everything in it, as in Liberty; move its content up one level.",
                        path.display()
                    );
                    let diagnostic = Diagnostic::new(&catalog::NESTED_SERVER_IGNORED, message)
                        .at(element.location);
                    self.diagnostics.push(diagnostic);
                }
                _ => self.elements.push(PlacedElement {
                    element,
                    document: Arc::clone(&context),
                }),
            }
        }
        match rejected {
            Some(rejection) => Err(rejection),
            None => Ok(()),
        }
    }

    /// Expands one `<include>`: a file, or every `*.xml` file of a folder when
    /// the location ends in `/`.
    fn include(
        &mut self,
        include: &RawElement,
        context: &Arc<DocumentContext>,
    ) -> Result<(), Rejected> {
        let file = include.location.file.display().to_string();
        let line = include.location.line;

        let written = include.attribute("location");
        let Some(location) = written.filter(|location| !location.value.trim().is_empty()) else {
            let problem = if written.is_some() {
                "an empty location attribute"
            } else {
                "no location attribute"
            };
            let message = format!(
                "The <include> element on line {line} of {file} has {problem}; add \
                 location=\"file.xml\"."
            );
            let diagnostic = Diagnostic::new(&catalog::INCLUDE_LOCATION_MISSING, message)
                .at(include.location.clone());
            self.diagnostics.push(diagnostic);
            return Ok(());
        };
        let optional = include
            .attribute("optional")
            .is_some_and(|optional| optional.value.trim().eq_ignore_ascii_case("true"));
        let behaviour = self.on_conflict(include, context);

        let expansion = self.variables.expand(&location.value, &[]);
        let origin = ValueOrigin::Attribute {
            start: &location.value_location,
            raw: &location.raw_value,
        };
        self.reporter.report(
            &expansion.problems,
            origin,
            Some("include"),
            Some("location"),
            &mut self.diagnostics,
        );
        let target = expansion.text.trim().to_string();
        let at = location.value_location.clone();
        if target.is_empty() {
            let message = format!(
                "The <include> element on line {line} of {file} has a location that is empty once \
                 variables are expanded; define the variables it uses or write the file name."
            );
            self.diagnostics
                .push(Diagnostic::new(&catalog::INCLUDE_LOCATION_MISSING, message).at(at));
            return Ok(());
        }

        let lower = target.to_ascii_lowercase();
        if lower.starts_with("http:") || lower.starts_with("https:") {
            let message = format!(
                "The include on line {line} of {file} names the URL {target}; zconnect does not \
                 fetch configuration over the network: copy the file next to server.xml and \
                 include it by path."
            );
            self.diagnostics
                .push(Diagnostic::new(&catalog::INCLUDE_URL_REJECTED, message).at(at));
            return if optional {
                Ok(())
            } else {
                Err(Rejected { unreadable: false })
            };
        }

        let including_dir = context.file.parent().unwrap_or_else(|| Path::new("."));
        let resolved = normalise(&including_dir.join(&target));

        if target.ends_with('/') || target.ends_with('\\') {
            return self.include_directory(&resolved, optional, behaviour, context, &at);
        }
        self.include_file(&resolved, optional, behaviour, context, &at)
    }

    /// Returns the `onConflict` of an include: the written value (ignoring
    /// case), or else the value of the include that brought the current file in.
    fn on_conflict(&mut self, include: &RawElement, context: &DocumentContext) -> OnConflict {
        let Some(written) = include.attribute("onConflict") else {
            return context.behaviour();
        };
        match OnConflict::parse(&written.value) {
            Some(behaviour) => behaviour,
            None => {
                let message = format!(
                    "The include's onConflict=\"{}\" is not MERGE, REPLACE or IGNORE, so MERGE is used.",
                    written.value
                );
                let diagnostic = Diagnostic::new(&catalog::INCLUDE_ON_CONFLICT_INVALID, message)
                    .at(written.value_location.clone())
                    .element("include")
                    .attribute("onConflict");
                self.diagnostics.push(diagnostic);
                OnConflict::Merge
            }
        }
    }

    fn include_directory(
        &mut self,
        directory: &Path,
        optional: bool,
        behaviour: OnConflict,
        context: &Arc<DocumentContext>,
        at: &Location,
    ) -> Result<(), Rejected> {
        self.files.attempt(directory);
        match xml_files_in(directory) {
            Ok(files) => {
                for file in files {
                    self.include_file(&file, optional, behaviour, context, at)?;
                }
                Ok(())
            }
            Err(error) => self.missing(directory, &error, optional, at),
        }
    }

    fn include_file(
        &mut self,
        path: &Path,
        optional: bool,
        behaviour: OnConflict,
        context: &Arc<DocumentContext>,
        at: &Location,
    ) -> Result<(), Rejected> {
        if let Err(error) = std::fs::metadata(path) {
            self.files.attempt(path);
            return self.missing(path, &io_error(error), optional, at);
        }

        let key = identity(path);
        if context.chain.contains(&key) {
            let mut chain: Vec<String> = context
                .chain
                .iter()
                .map(|file| file.display().to_string())
                .collect();
            chain.push(key.display().to_string());
            let message = format!(
                "Included files form a cycle: {}. This include is skipped: remove the include \
                 that closes the cycle.",
                chain.join(" -> ")
            );
            self.diagnostics
                .push(Diagnostic::new(&catalog::INCLUDE_CYCLE, message).at(at.clone()));
            return Ok(());
        }

        let max = self.files.limits().max_include_depth;
        if context.chain.len() > max {
            let message = format!(
                "Includes are nested more than {max} levels deep at {}; flatten the include structure.",
                path.display()
            );
            self.diagnostics
                .push(Diagnostic::new(&catalog::LIMIT_EXCEEDED, message).at(at.clone()));
            return Err(Rejected { unreadable: false });
        }

        let mut chain = context.chain.clone();
        chain.push(key);
        let mut on_conflict = context.on_conflict.clone();
        on_conflict.push(behaviour);
        let included = DocumentContext {
            file: path.to_path_buf(),
            chain,
            on_conflict,
        };
        self.walk_document(path, included)
            .map_err(|_| Rejected { unreadable: false })
    }

    fn missing(
        &mut self,
        path: &Path,
        error: &ReadError,
        optional: bool,
        at: &Location,
    ) -> Result<(), Rejected> {
        if optional {
            let message = format!(
                "The optional include {} is skipped: {}.",
                path.display(),
                describe(error)
            );
            let diagnostic =
                Diagnostic::new(&catalog::INCLUDE_OPTIONAL_MISSING, message).at(at.clone());
            self.diagnostics.push(diagnostic);
            return Ok(());
        }
        let message = format!(
            "The included file {} cannot be read: {}; fix the location or add optional=\"true\".",
            path.display(),
            describe(error)
        );
        let diagnostic = Diagnostic::new(&catalog::FILE_UNREADABLE, message).at(at.clone());
        self.diagnostics.push(diagnostic);
        Err(Rejected { unreadable: false })
    }
}

/// Lists the `*.xml` dropins of one folder in reading order.
pub(crate) fn dropins(files: &mut FileReader, directory: &Path) -> Vec<PathBuf> {
    files.attempt(directory);
    xml_files_in(directory).unwrap_or_default()
}
