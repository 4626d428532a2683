//! `zconnect check`: load and validate without starting, print every
//! diagnostic, and exit 0 (no error), 1 (errors) or 2 (files unreadable).
//!
//! The archive folder is scanned and combined with server.xml as the server
//! would do it, so an invalid archive or a requester conflict is reported too.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use serde_json::{json, Value};
use zconnect_config::archive::ArchiveLimits;
use zconnect_config::diagnostics::Severity;
use zconnect_config::diagnostics::{render_json, render_text_indexed, SourceLines};
use zconnect_config::sources::RedactedSources;
use zconnect_config::{Diagnostic, LoadOptions, SourceFile};

use crate::archives::Requesters;
use crate::cli::CheckFormat;

pub fn run(path: &Path, options: &LoadOptions, format: CheckFormat) -> ExitCode {
    let (diagnostics, sources, redacted, config, code) = match zconnect_config::load(path, options)
    {
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
            (diagnostics, loaded.sources, loaded.redacted, config, code)
        }
        Err(failure) => {
            let code = if failure.unreadable { 2 } else { 1 };
            (
                failure.diagnostics,
                failure.sources,
                failure.redacted,
                Value::Null,
                code,
            )
        }
    };

    let mut stdout = std::io::stdout().lock();
    let written = match format {
        CheckFormat::Text => write_text_with_sources(&mut stdout, &diagnostics, &redacted)
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

/// Writes each diagnostic with its position, without source excerpts.
pub fn write_text(out: &mut impl Write, diagnostics: &[Diagnostic]) -> std::io::Result<()> {
    write_text_with_sources(out, diagnostics, &RedactedSources::default())
}

/// Writes each diagnostic with its position and a source excerpt. Excerpts
/// come only from the redacted copies the load kept: no file is read again,
/// so a secret or a file that is not configuration is never shown.
pub fn write_text_with_sources(
    out: &mut impl Write,
    diagnostics: &[Diagnostic],
    redacted: &RedactedSources,
) -> std::io::Result<()> {
    let mut indexed: HashMap<&Path, Option<SourceLines<'_>>> = HashMap::new();
    for diagnostic in diagnostics {
        let source = diagnostic.location.as_ref().and_then(|location| {
            indexed
                .entry(location.file.as_path())
                .or_insert_with(|| redacted.get(&location.file).map(SourceLines::new))
                .as_ref()
        });
        writeln!(out, "{}", render_text_indexed(diagnostic, source))?;
    }
    Ok(())
}

fn write_summary(out: &mut impl Write, diagnostics: &[Diagnostic]) -> std::io::Result<()> {
    writeln!(out, "{}", summary(diagnostics))
}

/// The last line of the text output: `1 error, 2 warnings, 1 info`.
fn summary(diagnostics: &[Diagnostic]) -> String {
    let count = |severity: Severity| {
        diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.severity() == severity)
            .count()
    };
    let plural = |count: usize, word: &str| {
        if count == 1 {
            format!("{count} {word}")
        } else {
            format!("{count} {word}s")
        }
    };
    format!(
        "{}, {}, {}",
        plural(count(Severity::Error), "error"),
        plural(count(Severity::Warning), "warning"),
        plural(count(Severity::Info), "info")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Loads `server_xml` (and `files`) from a fresh folder and returns the
    /// text output of `zconnect check` without the summary line.
    fn check_text(server_xml: &str, files: &[(&str, &str)]) -> String {
        let folder = tempfile::tempdir().expect("temporary folder");
        std::fs::write(folder.path().join("server.xml"), server_xml).expect("write server.xml");
        for (name, content) in files {
            std::fs::write(folder.path().join(name), content).expect("write file");
        }
        let (diagnostics, redacted) =
            match zconnect_config::load(folder.path(), &LoadOptions::default()) {
                Ok(loaded) => (loaded.diagnostics, loaded.redacted),
                Err(failure) => (failure.diagnostics, failure.redacted),
            };
        let mut out = Vec::new();
        write_text_with_sources(&mut out, &diagnostics, &redacted).expect("write");
        String::from_utf8(out).expect("UTF-8")
    }

    fn diagnostic(definition: &'static zconnect_config::diagnostics::MessageDef) -> Diagnostic {
        Diagnostic::new(definition, "m")
    }

    #[test]
    fn summary_counts_each_severity_with_plurals() {
        use zconnect_config::diagnostics::catalog;
        let diagnostics = [
            diagnostic(&catalog::FILE_UNREADABLE),
            diagnostic(&catalog::UNDEFINED_VARIABLE),
            diagnostic(&catalog::UNDEFINED_VARIABLE),
            diagnostic(&catalog::INCLUDE_OPTIONAL_MISSING),
        ];
        assert_eq!(summary(&diagnostics), "1 error, 2 warnings, 1 info");
        assert_eq!(summary(&[]), "0 errors, 0 warnings, 0 infos");
    }

    #[test]
    fn excerpt_masks_the_second_line_of_a_password() {
        let text = check_text(
            "<server>\n<zosconnect_authData id=\"a\" user=\"u\" password=\"first-part\nsecond-part-${missing}\"/>\n</server>",
            &[],
        );
        assert!(text.contains("ZCN8010W"), "{text}");
        assert!(!text.contains("second-part"), "{text}");
        assert!(!text.contains("first-part"), "{text}");
    }

    #[test]
    fn excerpt_masks_a_password_written_as_a_text_child() {
        let text = check_text(
            "<server>\n<zosconnect_authData id=\"a\" user=\"${missing}\"><password>text-child-secret</password></zosconnect_authData>\n</server>",
            &[],
        );
        assert!(text.contains("ZCN8010W"), "{text}");
        assert!(!text.contains("text-child-secret"), "{text}");
    }

    #[test]
    fn excerpt_masks_a_variable_value() {
        let text = check_text(
            "<server>\n<variable name=\"v\" value=\"variable-secret ${missing}\"/>\n<zosconnect_authData id=\"a\" user=\"${v}\"/>\n</server>",
            &[],
        );
        assert!(!text.contains("variable-secret"), "{text}");
    }

    #[test]
    fn excerpt_is_never_shown_for_an_include_that_is_not_xml() {
        let text = check_text(
            "<server><include location=\"shadow\"/></server>",
            &[("shadow", "root:first-line-of-shadow:19000:0:99999:7:::\n")],
        );
        assert!(text.contains("ZCN0014E"), "{text}");
        assert!(!text.contains("first-line-of-shadow"), "{text}");
    }

    #[test]
    fn excerpt_still_shows_the_line_of_a_parsed_file() {
        let text = check_text(
            "<server>\n<zosconnect_authData id=\"a\" user=\"${missing}\"/>\n</server>",
            &[],
        );
        assert!(text.contains("<zosconnect_authData id=\"a\""), "{text}");
    }
}
