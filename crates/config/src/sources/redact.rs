//! Redacted copies of the configuration files read, for showing source
//! excerpts under diagnostics without reading any file again.
//!
//! Every secret value is replaced by `*` characters, one per character and
//! with line breaks kept, so that lines and columns stay where they were.
//! Secret means: an attribute the schema types as a password, an attribute
//! the schema does not declare whose name looks secret, the value and
//! defaultValue of a `<variable>`, and the text of a child element written
//! in place of such an attribute (`<password>x</password>`).

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostics::Location;
use crate::schema;
use crate::xml::position::LineIndex;
use crate::xml::RawElement;

/// The redacted text of each configuration file that was read and parsed.
/// A file that is not well-formed XML has none, because nothing in it can be
/// told apart as a secret. `Debug` lists the paths only.
#[derive(Clone, Default)]
pub struct RedactedSources {
    texts: Arc<BTreeMap<PathBuf, String>>,
}

impl RedactedSources {
    /// The redacted text of `path`, as recorded in diagnostic locations.
    pub fn get(&self, path: &Path) -> Option<&str> {
        self.texts.get(path).map(String::as_str)
    }

    pub(crate) fn insert(&mut self, path: &Path, text: String) {
        Arc::make_mut(&mut self.texts).insert(path.to_path_buf(), text);
    }
}

impl fmt::Debug for RedactedSources {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.texts.keys()).finish()
    }
}

/// Returns `text` with every secret value of the parsed `root` masked, or
/// `None` when a value cannot be found at its recorded position, so that an
/// unmasked secret is never kept.
pub(crate) fn redact(text: &str, root: &RawElement) -> Option<String> {
    let index = LineIndex::new(text);
    let mut ranges = Vec::new();
    let mut path = Vec::new();
    for child in &root.children {
        collect(child, &mut path, &index, text, &mut ranges)?;
    }
    ranges.sort_unstable();

    let mut redacted = String::with_capacity(text.len());
    let mut copied = 0;
    for (start, end) in ranges {
        let start = start.max(copied);
        if start >= end {
            continue;
        }
        redacted.push_str(&text[copied..start]);
        let masked = text[start..end]
            .chars()
            .map(|ch| if ch == '\n' || ch == '\r' { ch } else { '*' });
        redacted.extend(masked);
        copied = end;
    }
    redacted.push_str(&text[copied..]);
    Some(redacted)
}

/// Adds the byte range of every secret value in `element` and below.
fn collect<'e>(
    element: &'e RawElement,
    path: &mut Vec<&'e str>,
    index: &LineIndex<'_>,
    text: &str,
    ranges: &mut Vec<(usize, usize)>,
) -> Option<()> {
    let text_is_secret = match path.last() {
        Some(&"variable") => is_variable_value(&element.name),
        _ => schema::may_be_secret(path, &element.name),
    };
    if text_is_secret {
        for piece in &element.text_pieces {
            ranges.push(range_of(index, text, &piece.location, &piece.raw)?);
        }
    }

    path.push(&element.name);
    for attribute in &element.attributes {
        let secret = if element.name == "variable" {
            is_variable_value(&attribute.name)
        } else {
            schema::may_be_secret(path, &attribute.name)
        };
        if secret {
            let range = range_of(index, text, &attribute.value_location, &attribute.raw_value)?;
            ranges.push(range);
        }
    }
    for child in &element.children {
        collect(child, path, index, text, ranges)?;
    }
    path.pop();
    Some(())
}

fn is_variable_value(name: &str) -> bool {
    name.eq_ignore_ascii_case("value") || name.eq_ignore_ascii_case("defaultValue")
}

/// The byte range of `raw` written at `location`, checked against the text.
fn range_of(
    index: &LineIndex<'_>,
    text: &str,
    location: &Location,
    raw: &str,
) -> Option<(usize, usize)> {
    let start = index.offset(location.line, location.column)?;
    let end = start.checked_add(raw.len())?;
    (text.get(start..end)? == raw).then_some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Limits;

    fn redacted(text: &str) -> String {
        let document = crate::xml::parse(text.as_bytes(), Path::new("s.xml"), &Limits::default())
            .expect("well-formed");
        redact(text, &document.root).expect("positions found")
    }

    #[test]
    fn redact_keeps_lines_and_columns() {
        let text =
            "<server>\n<zosconnect_authData id=\"a\" password=\"p1\np2\" user=\"u\"/>\n</server>";
        let masked = redacted(text);
        assert_eq!(
            masked,
            "<server>\n<zosconnect_authData id=\"a\" password=\"**\n**\" user=\"u\"/>\n</server>"
        );
    }

    #[test]
    fn redact_masks_text_children_and_variable_values() {
        let text = "<server><variable name=\"n\" value=\"v&amp;1\"/><a><clientSecret>s</clientSecret></a></server>";
        let masked = redacted(text);
        assert_eq!(
            masked,
            "<server><variable name=\"n\" value=\"*******\"/><a><clientSecret>*</clientSecret></a></server>"
        );
    }
}
