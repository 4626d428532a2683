//! Passwords zconnect cannot decode: `{aes}`, which needs Liberty's key
//! material, and `{hash}` where the password must be sent, not verified.
//!
//! The schema checks leave such an element out at once. Whether that is an
//! error is known only once references are resolved: an element in use gets
//! an error, and one that nothing references only a warning, because Liberty
//! decodes `{aes}` and a server.xml it accepts must load without errors.

use super::checked::Checked;
use super::references::Edge;
use crate::diagnostics::{catalog, Diagnostic, Location};
use crate::schema::{self, ElementSchema, ValueType};
use crate::values::ValueError;

/// A password attribute whose encoding zconnect cannot decode.
#[derive(Debug, Clone)]
pub(crate) struct UndecodablePassword {
    pub attribute: &'static str,
    /// Names the encoding, never the value.
    pub error: ValueError,
    pub location: Location,
}

/// Reports every undecodable password: an error when its top-level element
/// is in use, else a warning. An element is in use when another element
/// references it, or when it is of a kind nothing can reference, such as
/// `basicRegistry`, which zconnect uses to authenticate callers.
pub(crate) fn report_undecodable(
    elements: &[Checked],
    edges: &[Edge],
    diagnostics: &mut Vec<Diagnostic>,
) {
    for (index, element) in elements.iter().enumerate() {
        let referenced = edges.iter().any(|edge| edge.to == index);
        let in_use = referenced || !is_reference_target(element.kind());
        report_element(element, in_use, diagnostics);
    }
}

fn report_element(element: &Checked, in_use: bool, diagnostics: &mut Vec<Diagnostic>) {
    for problem in &element.undecodable_passwords {
        let attribute = problem.attribute;
        let error = &problem.error;
        let path = &element.path;
        let diagnostic = if in_use {
            Diagnostic::new(
                &catalog::PASSWORD_ENCODING_UNSUPPORTED,
                format!("Invalid `{attribute}`: {error}. {path} is left out."),
            )
        } else {
            Diagnostic::new(
                &catalog::PASSWORD_ENCODING_UNUSED,
                format!(
                    "Invalid `{attribute}`: {error}. No element references {path}, so it is only \
                     left out; an element that referenced it would fail."
                ),
            )
        };
        diagnostics.push(
            diagnostic
                .at(problem.location.clone())
                .element(path.clone())
                .attribute(attribute),
        );
    }

    for child in &element.children {
        report_element(child, in_use, diagnostics);
    }
}

/// Whether some reference attribute of the schema can name an element of
/// this kind.
fn is_reference_target(kind: &str) -> bool {
    schema::ELEMENTS
        .iter()
        .any(|element| references_kind(element, kind))
}

fn references_kind(element: &ElementSchema, kind: &str) -> bool {
    let by_attribute = element
        .attributes
        .iter()
        .any(|attribute| match attribute.ty {
            ValueType::Reference(kinds) | ValueType::ReferenceList(kinds) => kinds.contains(&kind),
            _ => false,
        });
    by_attribute
        || element
            .children
            .iter()
            .any(|child| references_kind(child, kind))
}

#[cfg(test)]
mod tests {
    use super::is_reference_target;

    #[test]
    fn reference_targets_follow_the_schema() {
        assert!(is_reference_target("zosconnect_authData"));
        assert!(is_reference_target("keyStore"));
        assert!(!is_reference_target("basicRegistry"));
    }
}
