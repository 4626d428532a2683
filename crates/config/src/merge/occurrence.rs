//! One top-level occurrence turned into a merged element of its own, with
//! variables expanded, before it combines with other occurrences.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::conflict::ConflictLog;
use super::{DocumentContext, OnConflict, PlacedElement};
use crate::diagnostics::{catalog, Diagnostic};
use crate::schema;
use crate::tree::{MergedAttribute, MergedElement, RawValue};
use crate::variables::{ProblemReporter, ValueOrigin, Variables};
use crate::xml::RawElement;

/// Names that are request placeholders, not variables, in the `requestBody`
/// of a `tokenRequest`.
const REQUEST_BODY_PLACEHOLDERS: &[&str] = &["userid", "password"];

/// One occurrence, ready to merge.
#[derive(Debug, Clone)]
pub(super) struct Occurrence {
    pub element: MergedElement,
    /// Lower-cased names of attributes whose values come from text or `ref`
    /// children; like list attributes, they append when occurrences merge.
    pub appended: BTreeSet<String>,
    pub document: Arc<DocumentContext>,
    /// Values this occurrence replaced while absorbing others; dropped with
    /// it when an `IGNORE` drops it.
    pub conflicts: ConflictLog,
}

/// Shared state while building the elements of one occurrence.
struct Builder<'a> {
    variables: &'a Variables,
    reporter: &'a mut ProblemReporter,
    diagnostics: &'a mut Vec<Diagnostic>,
}

/// Builds the occurrence of `placed`, whose merge key is `key`.
pub(super) fn build(
    placed: &PlacedElement,
    key: &(String, Option<String>),
    generated_id: bool,
    variables: &Variables,
    reporter: &mut ProblemReporter,
    diagnostics: &mut Vec<Diagnostic>,
) -> Occurrence {
    let mut builder = Builder {
        variables,
        reporter,
        diagnostics,
    };
    let raw = &placed.element;
    let written_id = raw.attribute("id").map(|id| id.value.clone());
    let id = if generated_id {
        key.1.clone()
    } else {
        written_id
    };
    let display = match &id {
        Some(id) => format!("{}[{id}]", raw.name),
        None => raw.name.clone(),
    };

    let (mut element, appended) = builder.element(raw, &display, &mut vec![raw.name.clone()]);
    element.id = id;
    element.generated_id = generated_id;
    Occurrence {
        element,
        appended,
        document: Arc::clone(&placed.document),
        conflicts: ConflictLog::default(),
    }
}

impl Builder<'_> {
    /// Builds one element: attributes, text and `ref` children as values,
    /// other children as nested elements. `display` is the element path for
    /// diagnostics and `kinds` the element names from the top level down.
    fn element(
        &mut self,
        raw: &RawElement,
        display: &str,
        kinds: &mut Vec<String>,
    ) -> (MergedElement, BTreeSet<String>) {
        let mut element = MergedElement {
            name: raw.name.clone(),
            id: None,
            generated_id: false,
            location: raw.location.clone(),
            attributes: Vec::new(),
            children: Vec::new(),
        };
        let mut appended = BTreeSet::new();
        let in_token_request = kinds.last().is_some_and(|kind| kind == "tokenRequest");

        for attribute in &raw.attributes {
            if attribute.name.eq_ignore_ascii_case("id") {
                self.check_id(&attribute.value, &attribute.location, display);
                element.id = Some(attribute.value.clone());
                continue;
            }
            let placeholders = placeholders(in_token_request, &attribute.name);
            let origin = ValueOrigin::Attribute {
                start: &attribute.value_location,
                raw: &attribute.raw_value,
            };
            let text = self.expand(
                &attribute.value,
                placeholders,
                origin,
                display,
                &attribute.name,
            );
            let value = RawValue {
                text,
                location: attribute.value_location.clone(),
            };
            self.set_attribute(&mut element, &attribute.name, value, display);
        }

        for child in &raw.children {
            if let Some(reference) = child.attribute("ref") {
                let name = format!("{}Ref", child.name);
                let origin = ValueOrigin::Attribute {
                    start: &reference.value_location,
                    raw: &reference.raw_value,
                };
                let text = self.expand(&reference.value, &[], origin, display, &name);
                let value = RawValue {
                    text,
                    location: reference.value_location.clone(),
                };
                append_value(&mut element, &name, value);
                appended.insert(name.to_ascii_lowercase());
            } else if is_text_value(child) {
                let placeholders = placeholders(in_token_request, &child.name);
                let origin = ValueOrigin::Text(child);
                let text = self.expand(
                    child.text_value(),
                    placeholders,
                    origin,
                    display,
                    &child.name,
                );
                let value = RawValue {
                    text,
                    location: child.text_location().clone(),
                };
                append_value(&mut element, &child.name, value);
                appended.insert(child.name.to_ascii_lowercase());
            } else {
                let child_display = match child.attribute("id") {
                    Some(id) => format!("{display}/{}[{}]", child.name, id.value),
                    None => format!("{display}/{}", child.name),
                };
                kinds.push(child.name.clone());
                let (nested, _) = self.element(child, &child_display, kinds);
                kinds.pop();
                element.children.push(nested);
            }
        }

        (element, appended)
    }

    fn check_id(&mut self, id: &str, location: &crate::diagnostics::Location, display: &str) {
        if !id.contains("${") {
            return;
        }
        let message = format!(
            "The id \"{id}\" of {display} contains ${{, but variables are never expanded in an id, \
             so the id is used exactly as written; write a fixed id."
        );
        let diagnostic = Diagnostic::new(&catalog::VARIABLE_IN_ID, message)
            .at(location.clone())
            .element(display)
            .attribute("id");
        self.diagnostics.push(diagnostic);
    }

    fn expand(
        &mut self,
        text: &str,
        placeholders: &[&str],
        origin: ValueOrigin<'_>,
        display: &str,
        attribute: &str,
    ) -> String {
        let expansion = self.variables.expand(text, placeholders);
        self.reporter.report(
            &expansion.problems,
            origin,
            Some(display),
            Some(attribute),
            self.diagnostics,
        );
        expansion.text
    }

    /// Sets a single attribute of one occurrence. Attribute names compare
    /// ignoring case; when one element writes two spellings, the later wins.
    fn set_attribute(
        &mut self,
        element: &mut MergedElement,
        name: &str,
        value: RawValue,
        display: &str,
    ) {
        let existing = element
            .attributes
            .iter_mut()
            .find(|attribute| attribute.name.eq_ignore_ascii_case(name));
        match existing {
            Some(attribute) => {
                let message = format!(
                    "The element {display} writes attribute {} and {name}, which are the same \
                     attribute because attribute names ignore case. The later one, {name}, is \
                     used: remove one.",
                    attribute.name
                );
                let diagnostic = Diagnostic::new(&catalog::ATTRIBUTE_SPELLINGS, message)
                    .at(value.location.clone())
                    .element(display)
                    .attribute(name);
                self.diagnostics.push(diagnostic);
                attribute.name = name.to_string();
                attribute.values = vec![value];
            }
            None => element.attributes.push(MergedAttribute {
                name: name.to_string(),
                values: vec![value],
            }),
        }
    }
}

fn placeholders(in_token_request: bool, attribute: &str) -> &'static [&'static str] {
    if in_token_request && attribute.eq_ignore_ascii_case("requestBody") {
        REQUEST_BODY_PLACEHOLDERS
    } else {
        &[]
    }
}

/// Tells whether a child is a value: it has no attributes, no children and
/// text that is not blank (`<feature>x</feature>`). Any other child is a nested element.
fn is_text_value(child: &RawElement) -> bool {
    child.attributes.is_empty() && child.children.is_empty() && !child.text_value().is_empty()
}

fn append_value(element: &mut MergedElement, name: &str, value: RawValue) {
    let existing = element
        .attributes
        .iter_mut()
        .find(|attribute| attribute.name.eq_ignore_ascii_case(name));
    match existing {
        Some(attribute) => attribute.values.push(value),
        None => element.attributes.push(MergedAttribute {
            name: name.to_string(),
            values: vec![value],
        }),
    }
}

/// Tells whether the schema declares a top-level attribute as a list.
fn is_list_attribute(element: &str, attribute: &str) -> bool {
    schema::element(element)
        .and_then(|schema| schema.attribute(attribute))
        .is_some_and(|schema| schema.list)
}

impl Occurrence {
    /// Applies `later` on top of this occurrence with `behaviour`; the result
    /// keeps this occurrence's file and position. `IGNORE` drops `later`
    /// with everything it absorbed.
    pub(super) fn absorb(mut self, later: Occurrence, behaviour: OnConflict) -> Occurrence {
        if behaviour == OnConflict::Ignore {
            return self;
        }
        self.conflicts.extend(later.conflicts);
        if self.element.id.is_none() {
            self.element.id = later.element.id.clone();
        }

        for attribute in later.element.attributes {
            let key = attribute.name.to_ascii_lowercase();
            let appends = self.appended.contains(&key)
                || later.appended.contains(&key)
                || is_list_attribute(&self.element.name, &attribute.name);
            let existing = self
                .element
                .attributes
                .iter_mut()
                .find(|current| current.name.eq_ignore_ascii_case(&attribute.name));

            match existing {
                None => self.element.attributes.push(attribute),
                Some(current) if appends && behaviour == OnConflict::Merge => {
                    current.values.extend(attribute.values);
                }
                Some(current) => {
                    if !appends {
                        self.conflicts
                            .record(&attribute.name, &current.values, &attribute.values);
                    }
                    current.name = attribute.name;
                    current.values = attribute.values;
                }
            }
        }
        self.appended.extend(later.appended);

        if behaviour == OnConflict::Replace {
            let replaced: BTreeSet<&str> = later
                .element
                .children
                .iter()
                .map(|child| child.name.as_str())
                .collect();
            self.element
                .children
                .retain(|child| !replaced.contains(child.name.as_str()));
        }
        self.element.children.extend(later.element.children);
        self
    }
}
