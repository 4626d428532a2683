//! The info diagnostic for an attribute that merged occurrences set to
//! different values.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use crate::diagnostics::{catalog, Diagnostic, Location};
use crate::schema;
use crate::secret::Secret;
use crate::tree::{MergedElement, RawValue};

/// Every value a single-valued attribute was given by merged occurrences.
/// `Debug` shows the attribute names only, because a value may be a password.
#[derive(Clone, Default)]
pub(super) struct ConflictLog {
    /// Lower-cased attribute name to each value written and its position.
    values: BTreeMap<String, Vec<(String, Location)>>,
}

impl fmt::Debug for ConflictLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConflictLog")
            .field("attributes", &self.values.keys())
            .finish()
    }
}

impl ConflictLog {
    /// Adds everything `other` recorded.
    pub(super) fn extend(&mut self, other: ConflictLog) {
        for (attribute, values) in other.values {
            let entry = self.values.entry(attribute).or_default();
            for (text, location) in values {
                if !entry.iter().any(|(_, seen)| *seen == location) {
                    entry.push((text, location));
                }
            }
        }
    }

    /// Records that `replacing` took the place of `current`.
    pub(super) fn record(&mut self, attribute: &str, current: &[RawValue], replacing: &[RawValue]) {
        let entry = self
            .values
            .entry(attribute.to_ascii_lowercase())
            .or_default();
        for value in current.iter().chain(replacing) {
            let seen = entry
                .iter()
                .any(|(_, location)| *location == value.location);
            if !seen {
                entry.push((value.text.clone(), value.location.clone()));
            }
        }
    }

    /// Adds one info diagnostic per attribute that got different values,
    /// listing each position in reading order and the value used. Secret
    /// values are masked.
    pub(super) fn report(
        &self,
        element: &MergedElement,
        file_order: &BTreeMap<PathBuf, usize>,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        for (attribute, values) in &self.values {
            let distinct = values.iter().any(|(text, _)| *text != values[0].0);
            let Some(winner) = element.attribute(attribute).filter(|_| distinct) else {
                continue;
            };
            let Some(used) = winner.values.last() else {
                continue;
            };

            let secret = schema::is_secret(&[element.name.as_str()], &winner.name);
            let show = |text: &str| {
                if secret {
                    Secret::MASK.to_string()
                } else {
                    format!("\"{text}\"")
                }
            };

            let mut ordered: Vec<&(String, Location)> = values.iter().collect();
            ordered.sort_by_key(|(_, location)| {
                let file = file_order
                    .get(&location.file)
                    .copied()
                    .unwrap_or(usize::MAX);
                (file, location.line, location.column)
            });
            let listed: Vec<String> = ordered
                .iter()
                .map(|(text, location)| format!("{} at {location}", show(text)))
                .collect();

            let message = format!(
                "The element {} sets attribute {} to different values: {}. The value {} from {} is used.",
                element.path(),
                winner.name,
                listed.join(", "),
                show(&used.text),
                used.location
            );
            let diagnostic = Diagnostic::new(&catalog::MERGED_VALUES_DIFFER, message)
                .at(used.location.clone())
                .element(element.path())
                .attribute(winner.name.clone());
            diagnostics.push(diagnostic);
        }
    }
}
