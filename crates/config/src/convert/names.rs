//! Names zconnect does not use: recognised elements and attributes, unknown
//! ones, and "did you mean" suggestions.

use crate::diagnostics::{catalog, Diagnostic};
use crate::schema::{self, ElementSchema, ELEMENTS, RECOGNISED_ELEMENTS};
use crate::tree::{MergedAttribute, MergedElement};

/// Returns the closest candidate that equals `name` ignoring case or is at most two
/// edits away from it.
pub(crate) fn suggest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        let distance = if candidate.eq_ignore_ascii_case(name) {
            0
        } else {
            strsim::levenshtein(name, candidate)
        };
        if distance <= 2 && best.is_none_or(|(best_distance, _)| distance < best_distance) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

fn did_you_mean(suggestion: Option<&str>) -> String {
    match suggestion {
        Some(name) => format!(" Did you mean `{name}`?"),
        None => String::new(),
    }
}

/// Reports a top-level element that zconnect does not use.
pub(crate) fn report_unused_element(element: &MergedElement, diagnostics: &mut Vec<Diagnostic>) {
    let name = element.name.as_str();
    if schema::is_recognised(name) {
        diagnostics.push(
            Diagnostic::new(
                &catalog::RECOGNISED_ELEMENT,
                format!("`{name}` is recognised but not used by zconnect; its settings have no effect here."),
            )
            .at(element.location.clone())
            .element(element.path()),
        );
        return;
    }

    let known = ELEMENTS
        .iter()
        .map(|element| element.name)
        .chain(RECOGNISED_ELEMENTS.iter().copied());
    let suggestion = suggest(name, known);
    if suggestion.is_some() || name.starts_with("zosconnect_") {
        let advice = match suggestion {
            Some(_) => did_you_mean(suggestion),
            None => {
                " Check the spelling against the configuration reference (docs/configuration.md)."
                    .to_owned()
            }
        };
        diagnostics.push(
            Diagnostic::new(
                &catalog::UNKNOWN_ELEMENT_SIMILAR,
                format!("`{name}` is not an element zconnect knows, so it is ignored.{advice}"),
            )
            .at(element.location.clone())
            .element(element.path()),
        );
    } else {
        diagnostics.push(
            Diagnostic::new(
                &catalog::UNKNOWN_ELEMENT,
                format!(
                    "`{name}` is not an element zconnect knows; it is ignored, as Liberty ignores \
                     elements of features it does not have."
                ),
            )
            .at(element.location.clone())
            .element(element.path()),
        );
    }
}

/// Reports a written attribute that the element's schema does not use, and
/// returns true when it is on the recognised list.
pub(crate) fn report_unused_attribute(
    schema: &ElementSchema,
    path: &str,
    attribute: &MergedAttribute,
    diagnostics: &mut Vec<Diagnostic>,
) -> bool {
    let name = attribute.name.as_str();
    let location = attribute.values.last().map(|value| value.location.clone());

    if schema.is_security_attribute(name) {
        diagnostics.push(
            Diagnostic::new(
                &catalog::SECURITY_ATTRIBUTE_IGNORED,
                format!(
                    "`{name}` changes security in Liberty, but zconnect ignores it on {}. Check \
                     that zconnect's TLS behaviour, described in docs/configuration.md, meets your needs.",
                    schema.name
                ),
            )
            .at_opt(location)
            .element(path)
            .attribute(name),
        );
        return true;
    }
    if schema.is_recognised_attribute(name) {
        diagnostics.push(
            Diagnostic::new(
                &catalog::RECOGNISED_ATTRIBUTE,
                format!(
                    "`{name}` of {} is recognised but not used by zconnect.",
                    schema.name
                ),
            )
            .at_opt(location)
            .element(path)
            .attribute(name),
        );
        return true;
    }

    let candidates = known_attribute_names(schema);
    let suggestion = suggest(name, candidates);
    diagnostics.push(
        Diagnostic::new(
            &catalog::UNKNOWN_ATTRIBUTE,
            format!(
                "`{name}` is not an attribute of {}, so it is ignored.{}",
                schema.name,
                did_you_mean(suggestion)
            ),
        )
        .at_opt(location)
        .element(path)
        .attribute(name),
    );
    false
}

/// Reports a nested element that the element's schema does not use.
pub(crate) fn report_unused_child(
    schema: &ElementSchema,
    path: &str,
    child: &MergedElement,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let name = child.name.as_str();
    if schema.is_recognised_attribute(name) {
        diagnostics.push(
            Diagnostic::new(
                &catalog::RECOGNISED_ATTRIBUTE,
                format!(
                    "`{name}` inside {} is recognised but not used by zconnect.",
                    schema.name
                ),
            )
            .at(child.location.clone())
            .element(format!("{path}/{name}")),
        );
        return;
    }

    let candidates = schema
        .children
        .iter()
        .map(|child| child.name)
        .chain(known_attribute_names(schema));
    diagnostics.push(
        Diagnostic::new(
            &catalog::UNKNOWN_ATTRIBUTE,
            format!(
                "`<{name}>` is not a nested element of {}, so it is ignored.{}",
                schema.name,
                did_you_mean(suggest(name, candidates))
            ),
        )
        .at(child.location.clone())
        .element(format!("{path}/{name}")),
    );
}

fn known_attribute_names(schema: &ElementSchema) -> impl Iterator<Item = &'static str> + '_ {
    schema
        .attributes
        .iter()
        .map(|attribute| attribute.name)
        .chain(schema.recognised_attributes.iter().copied())
}

#[cfg(test)]
mod tests {
    use super::suggest;

    #[test]
    fn suggest_picks_the_closest_name() {
        let names = ["host", "port", "basicAuthRef"];
        assert_eq!(suggest("hots", names), Some("host"));
        assert_eq!(suggest("BASICAUTHREF", names), Some("basicAuthRef"));
        assert_eq!(suggest("somethingElse", names), None);
    }
}
