//! `zconnect check`: load and validate without starting, print every
//! diagnostic, and exit 0 (no error), 1 (errors) or 2 (files unreadable).
//!
//! The archive folder is scanned and combined with server.xml as the server
//! would do it, so an invalid archive or a requester conflict is reported too.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::{json, Value};
use zconnect_config::archive::ArchiveLimits;
use zconnect_config::diagnostics::{render_json, render_text};
use zconnect_config::{Diagnostic, LoadOptions, SourceFile};

use crate::archives::Requesters;
use crate::cli::CheckFormat;

pub fn run(path: &Path, options: &LoadOptions, format: CheckFormat) -> ExitCode {
    let (diagnostics, sources, config, code) = match zconnect_config::load(path, options) {
        Ok(loaded) => {
            let requesters = Requesters::build(&loaded.config, ArchiveLimits::default());
            let mut diagnostics = loaded.diagnostics;
            diagnostics.extend(requesters.diagnostics);
            let code = if diagnostics.iter().any(Diagnostic::is_error) {
                1
            } else {
                0
            };
            let config = serde_json::to_value(&*loaded.effective).unwrap_or(Value::Null);
            (diagnostics, loaded.sources, config, code)
        }
        Err(failure) => {
            let code = if failure.unreadable { 2 } else { 1 };
            (failure.diagnostics, failure.sources, Value::Null, code)
        }
    };

    let mut stdout = std::io::stdout().lock();
    let written = match format {
        CheckFormat::Text => write_text(&mut stdout, &diagnostics)
            .and_then(|()| write_summary(&mut stdout, &diagnostics)),
        CheckFormat::Json => {
            let object = json_object(&diagnostics, &sources, config);
            serde_json::to_writer_pretty(&mut stdout, &object)
                .map_err(std::io::Error::other)
                .and_then(|()| writeln!(stdout))
        }
    };
    if written.is_err() {
        return ExitCode::from(2);
    }
    ExitCode::from(code)
}

/// The object of `zconnect check --format json`.
pub fn json_object(diagnostics: &[Diagnostic], sources: &[SourceFile], config: Value) -> Value {
    json!({
        "diagnostics": diagnostics.iter().map(render_json).collect::<Vec<_>>(),
        "sources": sources,
        "config": config,
    })
}

/// Writes each diagnostic with its position and a source excerpt.
pub fn write_text(out: &mut impl Write, diagnostics: &[Diagnostic]) -> std::io::Result<()> {
    let mut sources: HashMap<PathBuf, Option<String>> = HashMap::new();
    for diagnostic in diagnostics {
        let source = diagnostic.location.as_ref().and_then(|location| {
            sources
                .entry(location.file.clone())
                .or_insert_with(|| std::fs::read_to_string(&location.file).ok())
                .clone()
        });
        writeln!(out, "{}", render_text(diagnostic, source.as_deref()))?;
    }
    Ok(())
}

fn write_summary(out: &mut impl Write, diagnostics: &[Diagnostic]) -> std::io::Result<()> {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let others = diagnostics.len() - errors;
    writeln!(out, "{errors} error(s), {others} warning(s) and info(s)")
}
