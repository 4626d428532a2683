//! Text and JSON forms of diagnostics.

use std::fmt::Write;

use super::excerpt::excerpt;
use super::Diagnostic;

/// The lines of one source text, indexed once so that the excerpt of each
/// diagnostic costs only its window, however long the file or the line.
#[derive(Debug)]
pub struct SourceLines<'s> {
    text: &'s str,
    /// The byte range of each line, without its line ending, and whether it
    /// is ASCII only.
    lines: Vec<(usize, usize, bool)>,
}

impl<'s> SourceLines<'s> {
    /// Indexes `text`; a line ends at `\n`, and a `\r` before it is dropped.
    pub fn new(text: &'s str) -> Self {
        let mut lines = Vec::new();
        let mut start = 0;
        for line in text.split_inclusive('\n') {
            let content = line.strip_suffix('\n').unwrap_or(line);
            let content = content.strip_suffix('\r').unwrap_or(content);
            lines.push((start, start + content.len(), content.is_ascii()));
            start += line.len();
        }
        SourceLines { text, lines }
    }

    /// The 1-based line `number`, and whether it is ASCII only.
    fn line(&self, number: u32) -> Option<(&'s str, bool)> {
        let index = usize::try_from(number).ok()?.checked_sub(1)?;
        let &(start, end, ascii) = self.lines.get(index)?;
        Some((self.text.get(start..end)?, ascii))
    }
}

/// Renders a diagnostic as text: `file:line:col: severity ID message`, then,
/// when `source` contains the file's content, the source line with a caret under
/// the column, secret values masked and long lines cut around the column.
/// Without a location the first line is `severity ID message`.
pub fn render_text(diagnostic: &Diagnostic, source: Option<&str>) -> String {
    let lines = source.map(SourceLines::new);
    render_text_indexed(diagnostic, lines.as_ref())
}

/// Renders a diagnostic as [`render_text`] does, from a source indexed once
/// for all the diagnostics of one file.
pub fn render_text_indexed(diagnostic: &Diagnostic, source: Option<&SourceLines<'_>>) -> String {
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
    let Some((line, ascii)) = source.and_then(|source| source.line(location.line)) else {
        return text;
    };

    let shown = excerpt(line, ascii, location.column);
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
