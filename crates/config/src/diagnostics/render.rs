//! Text and JSON forms of diagnostics.

use std::fmt::Write;

use super::excerpt::excerpt;
use super::Diagnostic;

/// Renders a diagnostic as text: `file:line:col: severity ID message`, then,
/// when `source` contains the file's content, the source line with a caret under
/// the column, secret values masked and long lines cut around the column.
/// Without a location the first line is `severity ID message`.
pub fn render_text(diagnostic: &Diagnostic, source: Option<&str>) -> String {
    let mut text = String::new();
    if let Some(location) = &diagnostic.location {
        let _ = write!(text, "{location}: ");
    }
    let _ = write!(
        text,
        "{} {} {}",
        diagnostic.severity(),
        diagnostic.id(),
        diagnostic.message
    );

    let Some(location) = &diagnostic.location else {
        return text;
    };
    let Some(line) = source.and_then(|source| source_line(source, location.line)) else {
        return text;
    };

    let shown = excerpt(line, location.column);
    let number = location.line.to_string();
    let gutter = " ".repeat(number.len());
    // Keep tabs in the padding so the caret lines up however tabs are shown.
    let padding: String = shown
        .text
        .chars()
        .take(shown.caret)
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    let _ = write!(text, "\n{number} | {}\n{gutter} | {padding}^", shown.text);
    text
}

/// Returns the 1-based line of `source`, without its line ending.
fn source_line(source: &str, line: u32) -> Option<&str> {
    let index = usize::try_from(line).ok()?.checked_sub(1)?;
    source
        .lines()
        .nth(index)
        .map(|text| text.strip_suffix('\r').unwrap_or(text))
}

/// Renders a diagnostic as the JSON object of `zconnect check --format json`.
pub fn render_json(diagnostic: &Diagnostic) -> serde_json::Value {
    serde_json::json!({
        "id": diagnostic.id(),
        "severity": diagnostic.severity(),
        "message": diagnostic.message,
        "file": diagnostic.location.as_ref().map(|l| l.file.display().to_string()),
        "line": diagnostic.location.as_ref().map(|l| l.line),
        "column": diagnostic.location.as_ref().map(|l| l.column),
        "element": diagnostic.element,
        "attribute": diagnostic.attribute,
    })
}
